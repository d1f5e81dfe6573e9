//! The generator's model of an API: plain data between lowering and emission.
//!
//! Nothing here knows about `openapiv3` or about tokens. Every name is already a valid, unique
//! Rust identifier (`rust_name`), beside the name on the wire (`wire_name`) where they differ.

use std::collections::BTreeMap;

/// The whole API.
#[derive(Debug, Clone, Default)]
pub struct Api {
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// `info.description`.
    pub description: Option<String>,
    /// The first `servers` URL, if any.
    pub server_url: Option<String>,
    /// Environment variable that overrides the base URL (`x-client.base-url-env`).
    pub base_url_env: Option<String>,
    /// Named types, keyed by Rust name (so emission order is stable).
    pub types: BTreeMap<String, TypeDef>,
    /// Operations, sorted by Rust name.
    pub operations: Vec<Operation>,
    /// Security schemes and the accepted combinations of them.
    pub auth: Auth,
    /// The response envelope, if the spec declares one (`x-envelope`).
    pub envelope: Option<Envelope>,
    /// The page-number pagination scheme, if the spec declares one (`x-pagination`).
    pub pagination: Option<PaginationScheme>,
    /// The operations' error types (the bodies of their declared error responses), keyed by
    /// Rust name; an operation names its own in [`Operation::errors`].
    pub errors: BTreeMap<String, ErrorType>,
}

/// An operation's error type: the schemas of its error responses (non-2xx codes, `4XX`-style
/// ranges, `default`), one variant each. Operations whose error responses are the same share
/// one enum: the others' types are aliases of it.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorType {
    /// Rust name (`{Operation}Error`).
    pub name: String,
    /// The operation's Rust name.
    pub operation: String,
    /// One per declared status with a JSON schema: exact codes first (in order), then ranges,
    /// then `default`.
    pub variants: Vec<ErrorVariant>,
    /// Statuses declared without a JSON schema: not decoded (they are not left to a range or
    /// `default` that has one).
    pub undecoded: Vec<ErrorStatus>,
    /// The enum of the same shape this type is an alias of.
    pub alias_of: Option<String>,
    /// The operation's responses (a JSON pointer).
    pub source: String,
}

/// One declared error response with a schema.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorVariant {
    /// Rust name, from the status (`NotFound`, `ClientError` for `4XX`, `Default`).
    pub rust_name: String,
    /// The status it answers.
    pub status: ErrorStatus,
    /// The body's type.
    pub ty: TypeRef,
    /// The response's `description`.
    pub description: Option<String>,
}

/// The status an error response is declared for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ErrorStatus {
    /// One code.
    Code(u16),
    /// A range: `4` for `4XX`.
    Range(u16),
    /// `default`: every status no other response declares.
    Default,
}

impl Api {
    /// Whether an operation is paginated by a [`Listing`] (then `paging.rs` declares them).
    pub fn has_listings(&self) -> bool {
        self.operations.iter().any(|op| op.paginated.as_ref().is_some_and(|p| p.listing.is_some()))
    }
}

/// Documentation carried over from the spec.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Docs {
    /// Short summary (operation `summary`, schema `title`).
    pub summary: Option<String>,
    /// Longer description.
    pub description: Option<String>,
    /// Where in the spec this came from (a JSON pointer), for the reader of the generated code.
    pub source: Option<String>,
    /// Marked `deprecated: true`.
    pub deprecated: bool,
    /// A string `format` the Rust type does not express (`uuid`, `uri`, `byte`, ...).
    pub format: Option<String>,
}

/// A named type.
#[derive(Debug, Clone)]
pub struct TypeDef {
    /// Rust name.
    pub name: String,
    /// Docs.
    pub docs: Docs,
    /// What it is.
    pub kind: TypeKind,
}

/// The shapes a named type can take.
#[derive(Debug, Clone)]
pub enum TypeKind {
    /// An object with known properties.
    Struct {
        /// Properties in spec order.
        fields: Vec<Field>,
        /// Extra properties (`additionalProperties: {schema}`) collected into a map.
        additional: Option<TypeRef>,
    },
    /// An enum of scalar values. Always open: unknown values decode into `Unknown`.
    Enum {
        /// String or integer values.
        repr: EnumRepr,
        /// Known values in spec order.
        variants: Vec<Variant>,
    },
    /// A plain alias for another type (a named scalar like `Identifier`).
    Alias(TypeRef),
    /// A wrapper struct around another type, for a schema that contains itself through arrays
    /// or maps only (`List: {items: List}`), which an alias cannot express.
    Newtype(TypeRef),
    /// `oneOf`/`anyOf`. Without a discriminator the alternatives are tried in order; with one,
    /// the discriminator property picks the alternative, and unlisted values decode into
    /// `Unknown`.
    Union {
        /// Alternatives in spec order.
        variants: Vec<UnionVariant>,
        /// The discriminator property (`discriminator.propertyName`), when every alternative is a
        /// `$ref` to a component.
        discriminator: Option<String>,
    },
}

/// One alternative of a union.
#[derive(Debug, Clone)]
pub struct UnionVariant {
    /// Rust variant name.
    pub rust_name: String,
    /// The alternative's type.
    pub ty: TypeRef,
    /// The discriminator values that select it (empty without a discriminator).
    pub tags: Vec<String>,
    /// Docs.
    pub docs: Docs,
}

/// The wire type of an enum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnumRepr {
    /// `type: string`.
    String,
    /// `type: integer`.
    Integer,
}

/// One enum value.
#[derive(Debug, Clone)]
pub struct Variant {
    /// Rust variant name.
    pub rust_name: String,
    /// The value on the wire (a string, or an integer's decimal digits).
    pub wire: String,
}

/// A struct field.
#[derive(Debug, Clone)]
pub struct Field {
    /// Rust name.
    pub rust_name: String,
    /// JSON property name.
    pub wire_name: String,
    /// The field's type, without the `Option` for optional fields.
    pub ty: TypeRef,
    /// Listed in `required`.
    pub required: bool,
    /// `nullable: true`: `null` is a valid value.
    pub nullable: bool,
    /// Docs.
    pub docs: Docs,
}

/// A reference to a type.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TypeRef {
    /// `string`.
    String,
    /// `boolean`.
    Bool,
    /// A boolean whose only allowed value is `true` (`enum: [true]`).
    True,
    /// A boolean whose only allowed value is `false` (`enum: [false]`).
    False,
    /// `integer` (`int32`).
    I32,
    /// `integer` (`int64` or no format).
    I64,
    /// `number`, whatever its format (`float` included: see `lower::schema`).
    F64,
    /// `string`, `format: date-time`.
    DateTime,
    /// `string`, `format: date`.
    Date,
    /// `string`, `format: uuid`, mapped to `uuid::Uuid` ([`TypeMappings::uuid`]; otherwise a
    /// `String`).
    Uuid,
    /// `string`, `format: uri` or `url`, mapped to `url::Url` ([`TypeMappings::url`]).
    Url,
    /// `string`, `format: byte` (base64 text), mapped to the bytes it encodes
    /// (`rt::Base64`, [`TypeMappings::byte`]).
    Base64,
    /// Anything JSON (empty schema, free-form object).
    Json,
    /// A named type.
    Named(String),
    /// An array.
    Vec(Box<TypeRef>),
    /// A string-keyed map.
    Map(Box<TypeRef>),
    /// A value that may be `null`.
    Nullable(Box<TypeRef>),
    /// A boxed value (breaks a recursive type).
    Boxed(Box<TypeRef>),
}

impl TypeRef {
    /// The named type this reference ends in, through arrays, maps, `Option` and `Box` (a
    /// reference wraps at most one type, so it names at most one).
    pub fn named(&self) -> Option<&str> {
        match self {
            TypeRef::Named(n) => Some(n),
            TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) | TypeRef::Boxed(inner) => {
                inner.named()
            }
            _ => None,
        }
    }
}

/// Rust types chosen for string formats that are `String`s by default: the config file's
/// `[types]` table. Lowering reads a mapped format as [`TypeRef::Uuid`], [`TypeRef::Url`] or
/// [`TypeRef::Base64`], so nothing changes for a spec (or a config) without them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TypeMappings {
    /// `format: uuid` as `uuid::Uuid`.
    pub uuid: bool,
    /// `format: uri` and `format: url` as `url::Url`.
    pub url: bool,
    /// `format: byte` as the bytes its base64 text encodes (`rt::Base64`).
    pub byte: bool,
}

impl TypeMappings {
    /// The type of a string schema with this `format` under these mappings (`None`: not mapped).
    pub fn string_format(&self, format: &str) -> Option<TypeRef> {
        match format {
            "uuid" if self.uuid => Some(TypeRef::Uuid),
            "uri" | "url" if self.url => Some(TypeRef::Url),
            "byte" if self.byte => Some(TypeRef::Base64),
            _ => None,
        }
    }
}

impl Api {
    /// Whether any type reference of the API (models, parameters, bodies, responses, error
    /// bodies), through arrays, maps, `Option` and `Box`, passes `found`.
    pub fn any_type_ref(&self, found: &impl Fn(&TypeRef) -> bool) -> bool {
        fn within(t: &TypeRef, found: &impl Fn(&TypeRef) -> bool) -> bool {
            found(t)
                || match t {
                    TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) | TypeRef::Boxed(inner) => {
                        within(inner, found)
                    }
                    _ => false,
                }
        }
        let in_types = self.types.values().any(|def| match &def.kind {
            TypeKind::Alias(t) | TypeKind::Newtype(t) => within(t, found),
            TypeKind::Struct { fields, additional } => {
                fields.iter().any(|f| within(&f.ty, found)) || additional.as_ref().is_some_and(|t| within(t, found))
            }
            TypeKind::Union { variants, .. } => variants.iter().any(|v| within(&v.ty, found)),
            TypeKind::Enum { .. } => false,
        });
        let in_operations = self.operations.iter().any(|op| {
            let response = match &op.response {
                ResponseBody::Json(t)
                | ResponseBody::Enveloped { result: t, .. }
                | ResponseBody::Stream { item: t, .. } => within(t, found),
                _ => false,
            };
            response
                || op.params.iter().any(|p| within(&p.ty, found))
                || op.body.as_ref().is_some_and(|b| within(&b.ty, found))
                || op.paginated.as_ref().is_some_and(|p| within(&p.item, found) || within(&p.info, found))
        });
        let in_errors = self.errors.values().any(|e| e.variants.iter().any(|v| within(&v.ty, found)));
        in_types || in_operations || in_errors
    }
}

/// Checks a value must pass before it is sent.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Constraints {
    /// `minLength`.
    pub min_length: Option<usize>,
    /// `maxLength`.
    pub max_length: Option<usize>,
    /// `minimum` (inclusive unless `exclusive_minimum`).
    pub minimum: Option<f64>,
    /// `exclusiveMinimum`.
    pub exclusive_minimum: bool,
    /// `maximum` (inclusive unless `exclusive_maximum`).
    pub maximum: Option<f64>,
    /// `exclusiveMaximum`.
    pub exclusive_maximum: bool,
    /// `minItems`.
    pub min_items: Option<usize>,
    /// `maxItems`.
    pub max_items: Option<usize>,
}

impl Constraints {
    /// True when there is nothing to check.
    pub fn is_empty(&self) -> bool {
        *self == Constraints::default()
    }
}

/// HTTP methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Method {
    /// GET
    Get,
    /// PUT
    Put,
    /// POST
    Post,
    /// DELETE
    Delete,
    /// OPTIONS
    Options,
    /// HEAD
    Head,
    /// PATCH
    Patch,
    /// TRACE
    Trace,
}

impl Method {
    /// Upper-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Head => "HEAD",
            Method::Patch => "PATCH",
            Method::Trace => "TRACE",
        }
    }

    /// Idempotent by HTTP semantics (RFC 9110 §9.2.2), so safe to retry.
    pub fn idempotent(self) -> bool {
        !matches!(self, Method::Post | Method::Patch)
    }
}

/// A piece of a path template.
#[derive(Debug, Clone, PartialEq)]
pub enum Segment {
    /// Literal text, sent as is.
    Literal(String),
    /// A path parameter, by index into [`Operation::params`].
    Param(usize),
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    /// In the path.
    Path,
    /// In the query string.
    Query,
    /// A request header.
    Header,
    /// A cookie (sent in the `Cookie` header).
    Cookie,
}

/// How a parameter's value is written (OpenAPI `style`, or `content`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamStyle {
    /// `form`: the query and cookie default.
    Form,
    /// `simple`: the path and header default.
    Simple,
    /// `spaceDelimited` (query arrays).
    SpaceDelimited,
    /// `pipeDelimited` (query arrays).
    PipeDelimited,
    /// `deepObject` (query objects): `name[key]=value`.
    DeepObject,
    /// `label` (path): `.value`.
    Label,
    /// `matrix` (path): `;name=value`.
    Matrix,
    /// Described by `content` with a JSON media type: the value is sent as JSON text.
    Json,
}

/// An operation parameter.
#[derive(Debug, Clone)]
pub struct Param {
    /// Rust name.
    pub rust_name: String,
    /// Name on the wire.
    pub wire_name: String,
    /// Location.
    pub location: ParamLocation,
    /// Type (scalars, named scalars, or arrays of them).
    pub ty: TypeRef,
    /// Required.
    pub required: bool,
    /// Checks before sending.
    pub constraints: Constraints,
    /// For arrays in the query: repeat the key (`explode: true`, the default) or join with commas.
    pub explode: bool,
    /// Docs.
    pub docs: Docs,
    /// How the value is written.
    pub style: ParamStyle,
}

/// Media type of a request body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyEncoding {
    /// `application/json` (or `+json`).
    Json,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// `multipart/form-data`: each property of the object is one part.
    Multipart,
    /// `text/*`: a string.
    Text,
    /// Any other media type: raw bytes.
    Binary,
}

/// A request body.
#[derive(Debug, Clone)]
pub struct Body {
    /// Type.
    pub ty: TypeRef,
    /// Encoding.
    pub encoding: BodyEncoding,
    /// Required.
    pub required: bool,
    /// Docs.
    pub docs: Docs,
    /// The `Content-Type` sent (for text and binary bodies, the spec's media type).
    pub media_type: String,
    /// Form bodies: the properties whose `encoding` gives a style other than the default
    /// (`form`, exploded), with that style and `explode`.
    pub form_styles: Vec<(String, ParamStyle, bool)>,
}

/// What a successful response carries.
#[derive(Debug, Clone, PartialEq)]
pub enum ResponseBody {
    /// No body (204, or no content declared).
    Empty,
    /// JSON decoded whole into `ty`.
    Json(TypeRef),
    /// JSON wrapped in the declared envelope; the payload decodes into `result`.
    Enveloped {
        /// The payload type.
        result: TypeRef,
        /// The payload may be absent or `null` on success.
        optional: bool,
    },
    /// Text; `accept` lists the media types, for the `Accept` header.
    Text {
        /// The `Accept` header value.
        accept: String,
    },
    /// Raw bytes; `accept` lists the media types, for the `Accept` header.
    Bytes {
        /// The `Accept` header value.
        accept: String,
    },
    /// A stream of items, each of type `item`, read as they arrive (a media type with an
    /// `itemSchema`).
    Stream {
        /// One item's type (of server-sent events: the type of each event's `data`).
        item: TypeRef,
        /// How the items are delimited and read.
        framing: Framing,
        /// The `Accept` header value (the streamed media type).
        accept: String,
    },
}

/// How the items of a streamed response are delimited and read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// `text/event-stream`: server-sent events; each event's `data` is JSON of the item type.
    Sse,
    /// `text/event-stream`: server-sent events; each event's `data` is text (the item type is
    /// `String`).
    SseText,
    /// `application/jsonl`, `application/x-ndjson`: one JSON value per line.
    JsonLines,
    /// `application/json-seq`: one JSON value per record (RFC 7464).
    JsonSeq,
}

/// One operation.
#[derive(Debug, Clone)]
pub struct Operation {
    /// Rust method name.
    pub rust_name: String,
    /// `operationId` (or the derived id when the spec has none).
    pub operation_id: String,
    /// Method.
    pub method: Method,
    /// The path template as written in the spec.
    pub path: String,
    /// The template split into literals and parameters.
    pub segments: Vec<Segment>,
    /// Parameters: path ones first in template order, then query, then header.
    pub params: Vec<Param>,
    /// Name of the struct that holds the optional parameters (every operation has one, empty or
    /// not, so that a first optional parameter is not a breaking change).
    pub params_type: Option<String>,
    /// Request body.
    pub body: Option<Body>,
    /// Success response.
    pub response: ResponseBody,
    /// Paginated with the declared scheme.
    pub paginated: Option<Paginated>,
    /// May be retried although the method is not idempotent (`x-retryable: true`), or may not
    /// be although it is (`x-retryable: false`).
    pub retryable: bool,
    /// What the spec says about retrying it beyond the method's default.
    pub retry: Retry,
    /// Tags.
    pub tags: Vec<String>,
    /// Docs.
    pub docs: Docs,
    /// The operation's own accepted combinations of security schemes (spec names), when they
    /// differ from the API's ([`Auth::alternatives`]); `Some(vec![])` for a public operation.
    pub security: Option<Vec<Vec<String>>>,
    /// Another 2xx response of the operation has no body (a `204` beside a `200` with JSON):
    /// an empty body is a success too.
    pub may_be_empty: bool,
    /// The `3xx` codes the spec declares as the operation's answers when it declares no `2xx`
    /// (a download answered by `302` to the file): they succeed, with the `Location` in the
    /// response's headers, instead of being errors.
    pub redirects: Vec<u16>,
    /// The operation's error type ([`Api::errors`]), when it declares an error response with a
    /// JSON schema.
    pub errors: Option<String>,
}

/// What the spec says about retrying an operation, beyond its method's default.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Retry {
    /// Its own retry policy (`x-speakeasy-retries`, the operation's or the root's).
    pub policy: Option<RetryPolicy>,
    /// The header its idempotency key is sent in (`x-idempotency`,
    /// `x-fern-idempotency-headers`).
    pub idempotency_header: Option<String>,
    /// The header that counts retries (`x-client.retry-count-header`).
    pub count_header: Option<String>,
}

/// A retry policy (Speakeasy's `backoff` strategy); `statuses` empty and `connection_errors`
/// false retry nothing (`strategy: none`).
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// The statuses retried, as sorted inclusive ranges (`5XX` is `(500, 599)`).
    pub statuses: Vec<(u16, u16)>,
    /// Delay before the first retry, in milliseconds.
    pub initial_ms: u64,
    /// Upper bound of one delay, in milliseconds.
    pub max_ms: u64,
    /// The factor each delay grows by.
    pub exponent: f64,
    /// No retry after this many milliseconds since the first attempt.
    pub max_elapsed_ms: Option<u64>,
    /// Whether connection errors and timeouts are retried.
    pub connection_errors: bool,
}

/// What a paginated operation yields.
#[derive(Debug, Clone)]
pub struct Paginated {
    /// One item.
    pub item: TypeRef,
    /// The page metadata of the envelope page-number scheme (`x-pagination` with `info`);
    /// [`TypeRef::Json`] (unused) for a [`Listing`].
    pub info: TypeRef,
    /// The listing's declaration; `None` for the envelope page-number scheme, whose metadata
    /// type is `info`.
    pub listing: Option<Listing>,
}

/// A listing's pagination, from `x-pagination` (style keys), `x-speakeasy-pagination` or
/// `x-fern-pagination`, bound to one operation. Locations are JSON pointers into the response
/// body (`""`: the body itself), checked for syntax; the items pointer leads to an array in the
/// response's schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing {
    /// The Rust name of the unit type that declares it to the runtime (`ApiPaging` for the root
    /// declaration, `<Operation>Listing` for an operation's own).
    pub name: String,
    /// Where the items array is.
    pub items: String,
    /// How pages turn.
    pub style: PagingStyle,
    /// Where a page says whether more follow, if declared.
    pub has_more: Option<String>,
    /// The pages come in the declared envelope (`x-envelope`).
    pub enveloped: bool,
    /// Which extension declared it, and where (for docs).
    pub declared_by: String,
}

/// How a listing's pages turn (see the runtime's `Paging`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PagingStyle {
    /// The page number in a query parameter, with the page count where the body says.
    PageNumber {
        /// Query parameter.
        param: String,
        /// Where the page count is.
        total_pages: Option<String>,
    },
    /// The offset in a query parameter, with the item count where the body says.
    Offset {
        /// Query parameter.
        param: String,
        /// Where the item count is.
        total_items: Option<String>,
    },
    /// A cursor from the body in a query parameter.
    Cursor {
        /// Query parameter.
        param: String,
        /// Where the next cursor is.
        next: String,
    },
    /// The last item's id in a query parameter.
    AfterItem {
        /// Query parameter.
        param: String,
        /// Where an item's id is, inside the item.
        item_id: String,
    },
    /// The next page's URL, from the body (`Some`) or the `Link` header (`None`).
    NextUrl {
        /// Where the next URL is.
        next: Option<String>,
    },
}

impl PagingStyle {
    /// The query parameter the walk sets, if any.
    pub fn param(&self) -> Option<&str> {
        match self {
            PagingStyle::PageNumber { param, .. }
            | PagingStyle::Offset { param, .. }
            | PagingStyle::Cursor { param, .. }
            | PagingStyle::AfterItem { param, .. } => Some(param),
            PagingStyle::NextUrl { .. } => None,
        }
    }
}

/// How a request authenticates.
#[derive(Debug, Clone, Default)]
pub struct Auth {
    /// Schemes by spec name.
    pub schemes: BTreeMap<String, SecurityScheme>,
    /// The accepted combinations (`security`), in the spec's order of preference.
    pub alternatives: Vec<Vec<String>>,
}

/// One security scheme.
#[derive(Debug, Clone)]
pub struct SecurityScheme {
    /// Name in the spec.
    pub spec_name: String,
    /// Rust name (snake case).
    pub rust_name: String,
    /// How it is sent.
    pub kind: SchemeKind,
    /// Environment variable with a default value (`x-env`).
    pub env: Option<String>,
    /// Docs.
    pub docs: Docs,
}

/// How a credential is sent.
#[derive(Debug, Clone, PartialEq)]
pub enum SchemeKind {
    /// `Authorization: Bearer <value>`.
    Bearer,
    /// `Authorization: Basic <value>` (value is `user:password`, encoded by the runtime).
    Basic,
    /// A header with the value as is.
    Header(String),
    /// A query parameter with the value as is.
    Query(String),
    /// A cookie with the value as is.
    Cookie(String),
}

/// The response envelope (`x-envelope`).
#[derive(Debug, Clone)]
pub struct Envelope {
    /// Boolean property: `false` means failure.
    pub success: String,
    /// The payload property.
    pub result: String,
    /// Array of error messages.
    pub errors: String,
    /// Array of informational messages.
    pub messages: String,
    /// Type of one message.
    pub message_ty: TypeRef,
}

/// Page-number pagination (`x-pagination`).
#[derive(Debug, Clone)]
pub struct PaginationScheme {
    /// Query parameter with the 1-based page number.
    pub page_param: String,
    /// Query parameter with the page size.
    pub per_page_param: Option<String>,
    /// Envelope property with page metadata.
    pub info: String,
    /// Property of the metadata with the number of pages.
    pub total_pages: String,
}
