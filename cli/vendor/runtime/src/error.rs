//! The one error type every call returns.

use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde::de::{self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, Visitor};
use serde::Serialize;
use serde_json::error::Category;
use std::any::Any;
use std::cell::RefCell;
use std::fmt::{self, Write as _};
use std::sync::Arc;
use std::time::Duration;

/// At most this many bytes of a response body are kept in an error.
pub const BODY_EXCERPT_LIMIT: usize = 2048;

/// At most this many bytes of an error response's body are read (of a response whose status
/// makes it an error): enough for any error envelope an API sends (its messages are decoded
/// from the body; real ones are a few KiB), while a huge error page costs no more than this.
/// The rest is not downloaded; [`ApiError::truncated`] says so.
pub const ERROR_BODY_LIMIT: usize = 1024 * 1024;

/// Everything that can go wrong with a call. Match on it; it is `#[non_exhaustive]` so that new
/// kinds of failure can be added without breaking callers.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<M> {
    /// An argument failed a check from the spec; no request was sent.
    InvalidArgument {
        /// The parameter's name on the wire.
        name: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The client is misconfigured (base URL, credentials, headers); no request was sent.
    Config(String),
    /// The request could not be sent or the response not read (connection refused, reset...).
    Transport {
        /// The underlying error.
        source: reqwest::Error,
        /// Attempts made, retries included.
        attempts: u32,
    },
    /// No complete response arrived within the timeout.
    Timeout {
        /// The per-attempt timeout.
        after: Duration,
        /// Attempts made, retries included.
        attempts: u32,
    },
    /// The API answered with an error: a non-2xx status, or `success: false`.
    Api(Box<ApiError<M>>),
    /// The response could not be decoded into the expected type.
    #[non_exhaustive]
    Decode {
        /// HTTP status of the response.
        status: StatusCode,
        /// What failed to decode (serde's message, without a position).
        message: String,
        /// Where in the body it failed, as a path into the JSON as it arrived: properties
        /// joined by `.`, indices in brackets, and keys that are not ASCII identifiers
        /// (`[A-Za-z_][A-Za-z0-9_]*`) quoted in brackets as JSON strings, e.g.
        /// `result.certificates[2].expires_on` or `result.labels["cf-ray"]`; the whole body is
        /// `(root)`. For an API with an envelope the path starts at the envelope's own key
        /// (`result`). A missing property is reported at the object that lacks it (the message
        /// names the property). `None` when no value was being read (trailing characters after
        /// the JSON, a text body that is not UTF-8).
        path: Option<String>,
        /// The byte in the body it points at: the first byte of the value at `path` when a
        /// value has the wrong type or shape, or where reading stopped when the body is not
        /// valid JSON. Counted in the whole body as received, envelope included.
        position: Option<BodyPosition>,
        /// The start of the body; of a streamed body, the start of the item that failed.
        body: String,
        /// Of a streamed body ([`crate::ItemStream`]): which item failed and where it starts in
        /// the stream. `path` and `position` then point into that item (an event's `data`, a
        /// line), not into the whole body. `None` for a body read whole. (Boxed: it keeps every
        /// `Result` of this error type small.)
        item: Option<Box<ItemPosition>>,
    },
    /// A paginated listing went wrong (the server ignored the page parameter, say).
    Pagination(String),
    /// A page named the next page's URL (in its body or its `Link` header) outside the client's
    /// base URL: another scheme, host or port, or a path outside the base URL's. It was not
    /// requested, so no credential went there.
    ForeignNextPage {
        /// The URL, as it may be shown: user-info, query and fragment replaced by `***`.
        url: String,
    },
    /// A successful response's body is longer than the limit (see
    /// [`super::ClientBuilder::max_response_size`]): reading stopped there, or did not start
    /// when the announced `Content-Length` was already over it. Not retried.
    #[non_exhaustive]
    TooLarge {
        /// HTTP status of the response.
        status: StatusCode,
        /// The limit, in bytes.
        limit: usize,
        /// The `Content-Length` the server announced, if it did.
        content_length: Option<u64>,
        /// Attempts made, retries included.
        attempts: u32,
        /// Of a streamed body ([`crate::ItemStream`]), where the limit applies to each item
        /// instead of the whole body: the index of the item (0-based) that passed it. The
        /// stream ends there.
        item: Option<u64>,
    },
}

/// Where one item of a streamed body starts in the stream as received (see
/// [`crate::ItemStream`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ItemPosition {
    /// The item's index, 0-based, counting every item the stream read (those that failed too).
    pub index: u64,
    /// The line of the stream the item starts on, 1-based: an event's first `data:` line, or
    /// the JSON line or JSON text sequence record itself.
    pub line: u64,
    /// The byte offset of that line's start from the start of the body (0-based).
    pub offset: u64,
}

/// A byte of a response body: its offset, line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BodyPosition {
    /// Offset from the start of the body, in bytes (0-based): `&body[offset..]` starts there.
    pub offset: usize,
    /// Line, 1-based.
    pub line: usize,
    /// Column in that line, in bytes, 1-based (serde_json counts columns the same way).
    pub column: usize,
}

impl BodyPosition {
    /// The position of the byte at `offset` in `body`.
    pub(crate) fn of(body: &[u8], offset: usize) -> BodyPosition {
        let before = body.get(..offset).unwrap_or(body);
        let line_start = before.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
        let line = 1 + before.iter().filter(|b| **b == b'\n').count();
        BodyPosition { offset, line, column: offset - line_start + 1 }
    }
}

/// An error reported by the API.
#[derive(Debug, Clone)]
pub struct ApiError<M> {
    /// HTTP status.
    pub status: StatusCode,
    /// Response headers.
    pub headers: HeaderMap,
    /// The envelope's `errors` (empty if the body had none or was not an envelope).
    pub errors: Vec<M>,
    /// The envelope's informational `messages`.
    pub messages: Vec<M>,
    /// The start of the body, for errors that carry no structured messages.
    pub body: String,
    /// How long the server asked us to wait (`Retry-After`), when it did.
    pub retry_after: Option<Duration>,
    /// Attempts made, retries included.
    pub attempts: u32,
    /// The body was longer than [`ERROR_BODY_LIMIT`] (or the call's response size limit, if
    /// lower) and only its start was read: `errors` and `messages` are empty unless they could
    /// be read from that start, and the body is not decoded into the operation's error type
    /// (its end, which the schema needs, was never read).
    pub truncated: bool,
    /// The body decoded into the operation's error type (see [`ErrorBody`]), or why it did not
    /// decode; `None` when the operation declares no schema for this status, the body was
    /// truncated, or the status is a 2xx whose envelope said `success: false`. Read it with [`ApiError::body_as`] and [`ApiError::body_failure`].
    pub(crate) typed: Option<TypedBody>,
}

/// An operation's error type: the bodies of the error responses its spec declares (exact
/// codes, `4XX`-style ranges, `default`), one variant per status. The generator emits one per
/// distinct set of error responses; the retry loop decodes an error response's whole body into
/// it when the operation declares a schema for the status, and the [`ApiError`] keeps the value
/// (read it with [`ApiError::body_as`], or the type's own `from_error`).
pub trait ErrorBody: fmt::Debug + Send + Sync + Sized + 'static {
    /// The body of an error response with `status` as this type, or why it does not decode;
    /// `None` when the operation declares no schema for the status (it is not decoded).
    fn decode(status: u16, body: &[u8]) -> Option<Result<Self, BodyMismatch>>;
}

/// An error response's body that the operation declares a schema for, but that does not match
/// it: what failed and where, as for [`Error::Decode`]. The body itself is the error's `body`
/// excerpt.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct BodyMismatch {
    /// What failed to decode (serde's message, without a position).
    pub message: String,
    /// Where in the body it failed (the path format of [`Error::Decode`]).
    pub path: Option<String>,
    /// The byte in the body it points at.
    pub position: Option<BodyPosition>,
}

impl fmt::Display for BodyMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the body does not match its declared schema")?;
        if let Some(path) = &self.path {
            write!(f, " at {path}")?;
        }
        if let Some(p) = &self.position {
            write!(f, " (line {}, column {})", p.line, p.column)?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Decodes an error response's body as `T` (the generated [`ErrorBody`] impls call this for
/// each declared status): one fast pass, and when it fails a second, tracked one that locates
/// the failure (as for a successful response's body).
pub fn decode_error_body<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, BodyMismatch> {
    if let Ok(value) = serde_json::from_slice(body) {
        return Ok(value);
    }
    match retrace::<_, NoMessage>(StatusCode::OK, body, std::marker::PhantomData::<T>) {
        Ok(value) => Ok(value),
        Err(Error::Decode { message, path, position, .. }) => Err(BodyMismatch { message, path, position }),
        Err(other) => Err(BodyMismatch { message: other.to_string(), path: None, position: None }),
    }
}

/// A decoded error body of any [`ErrorBody`] type, as the error stores it: the type is erased
/// so that one `Error` type serves every operation (`?` across operations), and
/// [`ApiError::body_as`] gives it back typed.
pub(crate) trait AnyBody: Any + fmt::Debug + Send + Sync {
    fn as_any(&self) -> &dyn Any;
}

impl<T: Any + fmt::Debug + Send + Sync> AnyBody for T {
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// What became of an error body's decoding into the operation's error type.
#[derive(Clone)]
pub(crate) struct TypedBody(Result<Arc<dyn AnyBody>, BodyMismatch>);

impl fmt::Debug for TypedBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Ok(value) => fmt::Debug::fmt(&**value, f),
            Err(mismatch) => f.debug_tuple("Mismatch").field(mismatch).finish(),
        }
    }
}

/// How a request decodes an error body into its operation's error type: [`typed_body`] of it.
pub(crate) type DecodeErrorBody = fn(u16, &[u8]) -> Option<TypedBody>;

/// Decodes `body` as `E` (a function the request stores, so that the retry loop, which knows no
/// operation's types, can call it).
pub(crate) fn typed_body<E: ErrorBody>(status: u16, body: &[u8]) -> Option<TypedBody> {
    let decoded = E::decode(status, body)?;
    Some(TypedBody(decoded.map(|value| Arc::new(value) as Arc<dyn AnyBody>)))
}

/// The class of an API error, by status (or `success: false` on a 2xx status).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ApiErrorKind {
    /// 400.
    BadRequest,
    /// 401.
    Authentication,
    /// 403.
    PermissionDenied,
    /// 404.
    NotFound,
    /// 409.
    Conflict,
    /// 422.
    UnprocessableEntity,
    /// 429.
    RateLimited,
    /// 5xx.
    Server,
    /// A 2xx response whose envelope said `success: false`.
    Unsuccessful,
    /// Any other status.
    Other,
}

impl<M> ApiError<M> {
    /// The body decoded into the operation's error type `E` (the type its method's docs name),
    /// when the operation declares a schema for this status and the body matched it. `None`
    /// for another type, a status without a schema, a body that did not match
    /// ([`ApiError::body_failure`] says where) or was truncated.
    pub fn body_as<E: ErrorBody>(&self) -> Option<&E> {
        match &self.typed {
            // Through the trait object: `value.as_any()` would find the blanket impl for the
            // `Arc` itself, whose `Any` is never `E`.
            Some(TypedBody(Ok(value))) => {
                let value: &dyn AnyBody = &**value;
                value.as_any().downcast_ref::<E>()
            }
            _ => None,
        }
    }

    /// Why the body did not decode into the operation's error type, when the operation declares
    /// a schema for this status and the body does not match it.
    pub fn body_failure(&self) -> Option<&BodyMismatch> {
        match &self.typed {
            Some(TypedBody(Err(mismatch))) => Some(mismatch),
            _ => None,
        }
    }

    /// The class of this error.
    pub fn kind(&self) -> ApiErrorKind {
        match self.status.as_u16() {
            200..=299 => ApiErrorKind::Unsuccessful,
            400 => ApiErrorKind::BadRequest,
            401 => ApiErrorKind::Authentication,
            403 => ApiErrorKind::PermissionDenied,
            404 => ApiErrorKind::NotFound,
            409 => ApiErrorKind::Conflict,
            422 => ApiErrorKind::UnprocessableEntity,
            429 => ApiErrorKind::RateLimited,
            500..=599 => ApiErrorKind::Server,
            _ => ApiErrorKind::Other,
        }
    }
}

impl<M> Error<M> {
    /// The HTTP status of the response this error came from, if there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Decode { status, .. } | Error::TooLarge { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The API error, if this is one.
    pub fn api(&self) -> Option<&ApiError<M>> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// A copy of an error raised before sending (those are the only ones a request stores).
    pub(crate) fn clone_before_send(&self) -> Error<M>
    where
        M: Serialize + fmt::Debug,
    {
        match self {
            Error::InvalidArgument { name, reason } => {
                Error::InvalidArgument { name: name.clone(), reason: reason.clone() }
            }
            Error::Config(m) => Error::Config(m.clone()),
            other => Error::Config(other.to_string()),
        }
    }

    /// An invalid argument; the name (which may be a key of the caller's object) and the reason
    /// are cut to [`NAME_EXCERPT_LIMIT`] and [`BODY_EXCERPT_LIMIT`] bytes, so that an error never
    /// carries a huge value.
    pub(crate) fn invalid(name: &str, reason: impl Into<String>) -> Self {
        Error::InvalidArgument {
            name: short(name, NAME_EXCERPT_LIMIT),
            reason: short(&reason.into(), BODY_EXCERPT_LIMIT),
        }
    }
}

/// An error raised before anything was sent (an invalid argument, a misconfigured client): it
/// carries no API message, so it is an [`Error`] of any message type ([`Unsent::widen`]).
pub type Unsent = Error<NoMessage>;

/// The message type of an [`Unsent`] error: there is none (no value of this type exists).
#[derive(Debug, Clone, Copy)]
pub enum NoMessage {}

impl Serialize for NoMessage {
    fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
        match *self {}
    }
}

impl Unsent {
    /// The same error, as an [`Error`] of the API's message type. Lossless: an `Unsent` holds no
    /// message (a `Vec<NoMessage>` is always empty).
    pub fn widen<M>(self) -> Error<M> {
        match self {
            Error::InvalidArgument { name, reason } => Error::InvalidArgument { name, reason },
            Error::Config(m) => Error::Config(m),
            Error::Transport { source, attempts } => Error::Transport { source, attempts },
            Error::Timeout { after, attempts } => Error::Timeout { after, attempts },
            Error::Api(e) => {
                let ApiError { status, headers, body, retry_after, attempts, truncated, typed, .. } = *e;
                let (errors, messages) = (Vec::new(), Vec::new());
                Error::Api(Box::new(ApiError {
                    status,
                    headers,
                    errors,
                    messages,
                    body,
                    retry_after,
                    attempts,
                    truncated,
                    typed,
                }))
            }
            Error::Decode { status, message, path, position, body, item } => {
                Error::Decode { status, message, path, position, body, item }
            }
            Error::Pagination(m) => Error::Pagination(m),
            Error::ForeignNextPage { url } => Error::ForeignNextPage { url },
            Error::TooLarge { status, limit, content_length, attempts, item } => {
                Error::TooLarge { status, limit, content_length, attempts, item }
            }
        }
    }
}

/// At most this many bytes of a name (a parameter's, a header's, a key of the caller's object)
/// are shown in an error.
pub(crate) const NAME_EXCERPT_LIMIT: usize = 100;

/// `text` cut to at most `limit` bytes at a character boundary, with `…` when it was cut.
pub(crate) fn short(text: &str, limit: usize) -> String {
    if text.len() <= limit {
        return text.to_string();
    }
    let mut cut = limit;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}…", text.get(..cut).unwrap_or_default())
}

/// The first [`BODY_EXCERPT_LIMIT`] bytes of a body, as text (cut at a character boundary).
pub fn excerpt(body: &[u8]) -> String {
    let mut cut = body.len().min(BODY_EXCERPT_LIMIT);
    // Step back over UTF-8 continuation bytes (0b10xx_xxxx, at most 3) so that the cut never
    // splits a character, which would show as U+FFFD and make the excerpt no longer a prefix.
    let mut steps = 0;
    while steps < 3 && cut > 0 && cut < body.len() && body.get(cut).is_some_and(|b| b & 0xC0 == 0x80) {
        cut -= 1;
        steps += 1;
    }
    let text = String::from_utf8_lossy(body.get(..cut).unwrap_or(body));
    let mut s = text.into_owned();
    if body.len() > BODY_EXCERPT_LIMIT {
        s.push('…');
    }
    s
}

fn write_messages<M: Serialize + fmt::Debug>(f: &mut fmt::Formatter<'_>, label: &str, list: &[M]) -> fmt::Result {
    if list.is_empty() {
        return Ok(());
    }
    write!(f, "; {label}:")?;
    for m in list {
        match serde_json::to_string(m) {
            Ok(json) => write!(f, " {json}")?,
            Err(_) => write!(f, " {m:?}")?,
        }
    }
    Ok(())
}

impl<M: Serialize + fmt::Debug> fmt::Display for ApiError<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.status.is_success() {
            write!(f, "API call failed (HTTP {} with success: false)", self.status)?;
        } else {
            write!(f, "API error: HTTP {}", self.status)?;
        }
        write_messages(f, "errors", &self.errors)?;
        write_messages(f, "messages", &self.messages)?;
        if self.errors.is_empty() && self.messages.is_empty() && !self.body.is_empty() {
            write!(f, "; body: {}", self.body)?;
        }
        if let Some(wait) = self.retry_after {
            write!(f, "; retry after {} s", wait.as_secs_f64())?;
        }
        if self.truncated {
            write!(f, " (body longer than the {} bytes read)", ERROR_BODY_LIMIT)?;
        }
        if let Some(mismatch) = self.body_failure() {
            write!(f, "; {mismatch}")?;
        }
        if self.attempts > 1 {
            write!(f, " (after {} attempts)", self.attempts)?;
        }
        Ok(())
    }
}

impl<M: Serialize + fmt::Debug> fmt::Display for Error<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidArgument { name, reason } => write!(f, "invalid argument `{name}`: {reason}"),
            Error::Config(msg) => write!(f, "client configuration: {msg}"),
            Error::Transport { source, attempts } => {
                // reqwest's message includes the URL, never headers, so no secret can leak here.
                write!(f, "transport error after {attempts} attempt(s): {source}")?;
                let mut cause = std::error::Error::source(source);
                while let Some(c) = cause {
                    write!(f, ": {c}")?;
                    cause = c.source();
                }
                Ok(())
            }
            Error::Timeout { after, attempts } => {
                write!(f, "timed out after {} s (attempt {attempts})", after.as_secs_f64())
            }
            Error::Api(e) => e.fmt(f),
            Error::Decode { status, message, path, position, body, item } => {
                match item {
                    Some(i) => write!(
                        f,
                        "HTTP {status} response stream: item {} (line {} of the stream) does not decode",
                        i.index, i.line
                    )?,
                    None => write!(f, "HTTP {status} response body does not decode")?,
                }
                if let Some(path) = path {
                    write!(f, " at {path}")?;
                }
                if let Some(p) = position {
                    write!(f, " (line {}, column {})", p.line, p.column)?;
                }
                write!(f, ": {message}; body: {body}")
            }
            Error::Pagination(msg) => write!(f, "pagination: {msg}"),
            Error::ForeignNextPage { url } => {
                write!(f, "pagination: the next page's URL `{url}` is outside the client's base URL; not followed")
            }
            Error::TooLarge { status, limit, content_length, attempts, item } => {
                match item {
                    Some(i) => write!(f, "HTTP {status} response stream: item {i} is over the limit of {limit} bytes")?,
                    None => write!(f, "HTTP {status} response body is over the limit of {limit} bytes")?,
                }
                if let Some(length) = content_length {
                    write!(f, " (Content-Length: {length})")?;
                }
                write!(f, "; attempt {attempts}")
            }
        }
    }
}

impl<M: Serialize + fmt::Debug> std::error::Error for Error<M> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport { source, .. } => Some(source),
            _ => None,
        }
    }
}

// Locating decode errors.
//
// A body is decoded in one typed pass (`serde_json::from_slice`, or the envelope's one-pass
// visitor), and nothing here runs while that succeeds. When it fails, the body is read a second
// time through `Tracked`, a deserializer wrapper that knows the path of the value it is reading
// (a list linked through the stack; objects count their keys, the body names them afterwards)
// and notes it when the value fails; `resolve` then follows that path through the body to name
// its keys and find the value's first byte. Path and position are those of the body as
// received, envelope included.
//
// Why this, and not:
// - bookkeeping in `rt::model`'s object visitor: it sees every model, but not arrays, maps or
//   options (serde's own impls read those, so nothing of ours would see the `[2]` of
//   `certificates[2]`), and it would cost the success path at every property.
// - tracking the one fast pass (no second reading, one copy of the code): measured at +7 %
//   instructions per decode of the benchmark body. The fast path stays untracked.
// - serde_json's position alone, walked back through the body (no second reading at all):
//   exact for most errors, but not for a union no variant accepts, the error the generated
//   code raises only after the union's value was read whole: serde_json then places it after
//   the enclosing object or array, and a union whose value is an object or array cannot be
//   told from the last property of the object that encloses it.
// - `serde_path_to_error`: the same second reading done generically, plus a dependency of every
//   generated crate, a wrapper layer on every value (scalars included) and a path format of its
//   own.
// Compile time (a feature of generated crates): the second reading is a second copy of each
// response type's `Deserialize` code, compiled where the operation is awaited. The slow path
// had one already (the payload read again from a `&str`), which this replaces; the wrappers are
// as thin as they can be and scalars skip them (reusing the fast path's code), so the copy is
// only a little bigger than that one. Measured on the crate's examples (LLVM IR of a binary
// awaiting one operation, debug): +7 % for an enveloped operation; +18 % for a paginated one,
// whose types had a single copy before; +5-8 % wall time to build either binary.

/// One step of a path into a JSON body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Step {
    /// The `n`th property of an object (0-based), in the order of the body: the tracked reading
    /// counts keys instead of keeping them, and the body names them.
    Member(usize),
    /// A property by its key; of a key that occurs more than once, the last occurrence read.
    Key(String),
    /// An array element.
    Index(usize),
}

/// The path of the value being read, as a list linked through the stack.
#[derive(Clone, Copy)]
enum Chain<'a> {
    Root,
    Member(&'a Chain<'a>, usize),
    Index(&'a Chain<'a>, usize),
}

impl Chain<'_> {
    fn steps(&self) -> Vec<Step> {
        let mut steps = Vec::new();
        let mut at = self;
        loop {
            let (step, parent) = match *at {
                Chain::Root => break,
                Chain::Member(parent, n) => (Step::Member(n), parent),
                Chain::Index(parent, n) => (Step::Index(n), parent),
            };
            steps.push(step);
            at = parent;
        }
        steps.reverse();
        steps
    }
}

/// The path where the error was first seen: the innermost one, since errors travel outwards.
#[derive(Default)]
struct Track(RefCell<Option<Vec<Step>>>);

impl Track {
    fn note(&self, chain: &Chain<'_>) {
        let mut slot = self.0.borrow_mut();
        if slot.is_none() {
            *slot = Some(chain.steps());
        }
    }
}

/// Reads `body` a second time with `seed`, tracking the path, and locates the error if it
/// fails again (it returns the value if it does not: the caller needs no second error path).
pub(crate) fn retrace<'de, S: DeserializeSeed<'de>, M>(
    status: StatusCode,
    body: &'de [u8],
    seed: S,
) -> Result<S::Value, Error<M>> {
    let track = Track::default();
    let mut de = serde_json::Deserializer::from_slice(body);
    let read = TrackedSeed { seed, chain: &Chain::Root, track: &track }.deserialize(&mut de);
    // An error from `end` (trailing characters) is after the value: it has no path.
    read.and_then(|value| de.end().map(|()| value))
        .map_err(|e| located(status, body, &e, track.0.into_inner().as_deref(), true))
}

/// The decode error for `e`, met while reading the value at `path` of `body`. `positioned`:
/// whether `e`'s line and column count in `body` (not when `e` came from reading something
/// else, such as `null` in place of an absent payload).
pub(crate) fn located<M>(
    status: StatusCode,
    body: &[u8],
    e: &serde_json::Error,
    path: Option<&[Step]>,
    positioned: bool,
) -> Error<M> {
    let text = e.to_string();
    let message = match text.strip_suffix(&format!(" at line {} column {}", e.line(), e.column())) {
        Some(bare) if e.line() > 0 => bare.to_owned(),
        _ => text,
    };
    // Where serde_json stopped: just after the last byte it read.
    let stopped = (positioned && e.line() > 0).then(|| {
        let mut line_start = 0;
        for _ in 1..e.line() {
            match body.get(line_start..).and_then(|rest| rest.iter().position(|b| *b == b'\n')) {
                Some(i) => line_start += i + 1,
                None => break,
            }
        }
        (line_start + e.column()).min(body.len())
    });
    let last_read = stopped.map(|s| s.saturating_sub(1));
    let resolved = path.map(|p| resolve(body, p, stopped.unwrap_or(body.len())));
    let offset = match e.classify() {
        Category::Data => resolved.as_ref().and_then(|(_, start)| *start).filter(|s| *s < body.len()).or(last_read),
        Category::Io | Category::Syntax | Category::Eof => last_read,
    };
    Error::Decode {
        status,
        message,
        path: resolved.map(|(text, _)| text),
        position: offset.filter(|o| *o < body.len()).map(|o| BodyPosition::of(body, o)),
        body: excerpt(body),
        item: None,
    }
}

/// Follows `path` through `body`: the path as [`Error::Decode`] documents it, and the offset of
/// the first byte of its value when the body has one there. `limit`: where the reader stopped
/// (a [`Step::Key`] takes the last occurrence of its key that starts by then).
///
/// Linear in the body: nothing past `limit` is read (every value on the path starts by then:
/// the reader had begun it), and each step skips only the members or elements before the one
/// it goes into, which no later step reads again; the value a step goes into is not skipped
/// (`Members` finds the next member only when asked). A [`Step::Key`] reads its whole object
/// up to `limit` (its last occurrence counts); the one path with a key has it as its only step.
fn resolve(body: &[u8], path: &[Step], limit: usize) -> (String, Option<usize>) {
    let body = body.get(..limit.saturating_add(1)).unwrap_or(body);
    let mut text = String::new();
    let mut at = Some(skip_ws(body, 0));
    for step in path {
        let open = if matches!(step, Step::Index(_)) { b'[' } else { b'{' };
        let open = at.filter(|i| body.get(*i) == Some(&open));
        at = match step {
            Step::Index(n) => {
                let _ = write!(text, "[{n}]");
                open.and_then(|o| element(body, o, *n))
            }
            Step::Key(key) => {
                push_key(&mut text, key);
                open.and_then(|o| {
                    members(body, o).take_while(|(_, v)| *v <= limit).filter(|(k, _)| key_is(k, key)).last()
                })
                .map(|(_, v)| v)
            }
            Step::Member(n) => match open.and_then(|o| members(body, o).nth(*n)) {
                Some((quoted, v)) => {
                    push_key(&mut text, &key_text(quoted));
                    Some(v)
                }
                // Not expected: a member is counted once its key has been read whole.
                None => {
                    text.push_str("[?]");
                    None
                }
            },
        };
    }
    if text.is_empty() {
        text.push_str("(root)");
    }
    (text, at)
}

/// Appends a property to a path: `.key`, or `["key"]` when the key is not an identifier.
fn push_key(text: &mut String, key: &str) {
    let mut chars = key.chars();
    let identifier = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if identifier {
        if !text.is_empty() {
            text.push('.');
        }
        text.push_str(key);
    } else {
        text.push('[');
        text.push_str(&serde_json::to_string(key).unwrap_or_default());
        text.push(']');
    }
}

/// The members of the object that opens at `open`: each key (quoted, as in the body) and the
/// offset of its value. Ends early where the body is cut or not JSON. Lazy: a member's value
/// is skipped only when the member after it is asked for.
fn members(body: &[u8], open: usize) -> Members<'_> {
    Members { body, at: Some(skip_ws(body, open + 1)), value: None }
}

struct Members<'b> {
    body: &'b [u8],
    /// Where the next key starts, when it is known.
    at: Option<usize>,
    /// The value of the member yielded last, to skip before the next key.
    value: Option<usize>,
}

impl<'b> Iterator for Members<'b> {
    type Item = (&'b [u8], usize);

    fn next(&mut self) -> Option<Self::Item> {
        let body = self.body;
        if let Some(value) = self.value.take() {
            self.at = value_end(body, value)
                .map(|end| skip_ws(body, end))
                .filter(|j| body.get(*j) == Some(&b','))
                .map(|j| skip_ws(body, j + 1));
        }
        let i = self.at.take().filter(|i| body.get(*i) == Some(&b'"'))?;
        let key_end = string_end(body, i)?;
        let colon = skip_ws(body, key_end);
        if body.get(colon) != Some(&b':') {
            return None;
        }
        let value = skip_ws(body, colon + 1);
        self.value = Some(value);
        Some((body.get(i..key_end)?, value))
    }
}

/// The start of element `n` of the array that opens at `open`.
fn element(body: &[u8], open: usize, n: usize) -> Option<usize> {
    let mut i = skip_ws(body, open + 1);
    for _ in 0..n {
        let next = skip_ws(body, value_end(body, i)?);
        if body.get(next) != Some(&b',') {
            return None;
        }
        i = skip_ws(body, next + 1);
    }
    body.get(i).is_some_and(|b| *b != b']').then_some(i)
}

/// The text of a quoted key from the body.
fn key_text(quoted: &[u8]) -> String {
    match quoted.get(1..quoted.len().saturating_sub(1)) {
        Some(inner) if !inner.contains(&b'\\') => String::from_utf8_lossy(inner).into_owned(),
        _ => serde_json::from_slice(quoted).unwrap_or_else(|_| String::from_utf8_lossy(quoted).into_owned()),
    }
}

/// Whether a quoted key from the body is `key`.
fn key_is(quoted: &[u8], key: &str) -> bool {
    match quoted.get(1..quoted.len().saturating_sub(1)) {
        Some(inner) if !inner.contains(&b'\\') => inner == key.as_bytes(),
        _ => key_text(quoted) == key,
    }
}

fn skip_ws(body: &[u8], mut i: usize) -> usize {
    while matches!(body.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        scanned(1);
        i += 1;
    }
    i
}

#[cfg(test)]
thread_local! {
    /// Bytes of a body the path-finding functions stepped over, on this thread (for tests of
    /// their cost).
    static SCANNED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Counts `n` bytes stepped over (in tests; nothing otherwise).
#[inline(always)]
fn scanned(n: usize) {
    #[cfg(test)]
    SCANNED.with(|c| c.set(c.get() + n));
    #[cfg(not(test))]
    let _ = n;
}

/// The end (exclusive) of the string that starts at `i`.
fn string_end(body: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    loop {
        scanned(1);
        match body.get(j)? {
            b'\\' => j += 2,
            b'"' => return Some(j + 1),
            _ => j += 1,
        }
    }
}

/// The end (exclusive) of the value that starts at `i`, if the body has it whole.
fn value_end(body: &[u8], i: usize) -> Option<usize> {
    match body.get(i)? {
        b'"' => string_end(body, i),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            loop {
                scanned(1);
                match body.get(j)? {
                    b'"' => {
                        j = string_end(body, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
        }
        _ => {
            let rest = body.get(i..)?;
            let len = rest
                .iter()
                .position(|b| matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'))
                .unwrap_or(rest.len());
            scanned(len);
            (len > 0).then_some(i + len)
        }
    }
}

// The wrappers below are compiled once per type they read, so they are as thin as they can be:
// every value is read through a `TrackedSeed`, which notes its path when the value fails
// (whether serde_json raised the error or the type's own impl did, like a union no variant
// accepts); the deserializer, visitor, array and object wrappers only hand the path on.

/// A seed read at `chain`: notes the path when it fails.
struct TrackedSeed<'a, S> {
    seed: S,
    chain: &'a Chain<'a>,
    track: &'a Track,
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for TrackedSeed<'_, S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<S::Value, D::Error> {
        let read = self.seed.deserialize(Tracked { de, chain: self.chain, track: self.track });
        if read.is_err() {
            self.track.note(self.chain);
        }
        read
    }
}

/// The deserializer of the value at `chain`.
struct Tracked<'a, D> {
    de: D,
    chain: &'a Chain<'a>,
    track: &'a Track,
}

/// `deserialize_*` methods of [`Tracked`]: `wrap` hands the visitor on wrapped, so that the
/// path goes on into what it is given (arrays, objects, options); `direct` hands it on as it is,
/// for values that contain nothing to track (scalars; enums and skipped values, whose errors are
/// noted at their own path), and so reuses the code the fast path compiled for it.
macro_rules! forward_deserialize {
    (wrap: $($method:ident($($arg:ident: $ty:ty),*);)*) => {$(
        fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, Self::Error> {
            self.de.$method($($arg,)* TrackedVisitor { visitor, chain: self.chain, track: self.track })
        }
    )*};
    (direct: $($method:ident($($arg:ident: $ty:ty),*);)*) => {$(
        fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, Self::Error> {
            self.de.$method($($arg,)* visitor)
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Tracked<'_, D> {
    type Error = D::Error;

    forward_deserialize! { wrap:
        deserialize_any(); deserialize_option(); deserialize_newtype_struct(name: &'static str);
        deserialize_seq(); deserialize_tuple(len: usize); deserialize_tuple_struct(name: &'static str, len: usize);
        deserialize_map(); deserialize_struct(name: &'static str, fields: &'static [&'static str]);
    }

    forward_deserialize! { direct:
        deserialize_bool(); deserialize_i8(); deserialize_i16(); deserialize_i32(); deserialize_i64();
        deserialize_i128(); deserialize_u8(); deserialize_u16(); deserialize_u32(); deserialize_u64();
        deserialize_u128(); deserialize_f32(); deserialize_f64(); deserialize_char(); deserialize_str();
        deserialize_string(); deserialize_bytes(); deserialize_byte_buf(); deserialize_unit();
        deserialize_unit_struct(name: &'static str); deserialize_identifier(); deserialize_ignored_any();
        deserialize_enum(name: &'static str, variants: &'static [&'static str]);
    }

    fn is_human_readable(&self) -> bool {
        self.de.is_human_readable()
    }
}

/// The visitor of the value at `chain`: wraps what it is handed so that the path goes on.
struct TrackedVisitor<'a, V> {
    visitor: V,
    chain: &'a Chain<'a>,
    track: &'a Track,
}

/// Visitor methods that hand a plain value on.
macro_rules! forward_visits {
    ($($method:ident($ty:ty);)*) => {$(
        fn $method<E: de::Error>(self, v: $ty) -> Result<Self::Value, E> {
            self.visitor.$method(v)
        }
    )*};
}

impl<'de, V: Visitor<'de>> Visitor<'de> for TrackedVisitor<'_, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.visitor.expecting(f)
    }

    forward_visits! {
        visit_bool(bool); visit_i8(i8); visit_i16(i16); visit_i32(i32); visit_i64(i64); visit_i128(i128);
        visit_u8(u8); visit_u16(u16); visit_u32(u32); visit_u64(u64); visit_u128(u128); visit_f32(f32);
        visit_f64(f64); visit_char(char); visit_str(&str); visit_borrowed_str(&'de str); visit_string(String);
        visit_bytes(&[u8]); visit_borrowed_bytes(&'de [u8]); visit_byte_buf(Vec<u8>);
    }

    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        self.visitor.visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.visitor.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, de: D) -> Result<V::Value, D::Error> {
        self.visitor.visit_some(Tracked { de, chain: self.chain, track: self.track })
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, de: D) -> Result<V::Value, D::Error> {
        self.visitor.visit_newtype_struct(Tracked { de, chain: self.chain, track: self.track })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.visitor.visit_seq(TrackedSeq { seq, chain: self.chain, track: self.track, index: 0 })
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.visitor.visit_map(TrackedMap { map, chain: self.chain, track: self.track, keys: 0 })
    }

    // `deserialize_enum` is direct (no model is a serde enum: unions are untagged, enums are
    // strings), but `deserialize_any` may still meet one; it is not tracked inside either.
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
        self.visitor.visit_enum(data)
    }
}

/// The elements of the array at `chain`, each at its index.
struct TrackedSeq<'a, A> {
    seq: A,
    chain: &'a Chain<'a>,
    track: &'a Track,
    index: usize,
}

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for TrackedSeq<'_, A> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, A::Error> {
        let chain = Chain::Index(self.chain, self.index);
        self.index += 1;
        self.seq.next_element_seed(TrackedSeed { seed, chain: &chain, track: self.track })
    }

    fn size_hint(&self) -> Option<usize> {
        self.seq.size_hint()
    }
}

/// The entries of the object at `chain`, each value at the ordinal of its key.
struct TrackedMap<'a, A> {
    map: A,
    chain: &'a Chain<'a>,
    track: &'a Track,
    keys: usize,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for TrackedMap<'_, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        self.keys += 1;
        self.map.next_key_seed(seed)
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, A::Error> {
        let chain = Chain::Member(self.chain, self.keys.saturating_sub(1));
        self.map.next_value_seed(TrackedSeed { seed, chain: &chain, track: self.track })
    }

    fn size_hint(&self) -> Option<usize> {
        self.map.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::marker::PhantomData;

    #[test]
    fn excerpts_never_split_a_character() {
        let body = format!("x{}", "é".repeat(BODY_EXCERPT_LIMIT));
        let cut = excerpt(body.as_bytes());
        let kept = cut.strip_suffix('…').unwrap();
        assert!(body.starts_with(kept));
        assert_eq!(kept.len(), BODY_EXCERPT_LIMIT - 1);
        assert_eq!(excerpt(b"short"), "short");
        assert_eq!(excerpt("é".repeat(BODY_EXCERPT_LIMIT / 2).as_bytes()).len(), BODY_EXCERPT_LIMIT);
    }

    fn key(k: &str) -> Step {
        Step::Key(k.to_owned())
    }

    fn path(body: &str, path: &[Step]) -> (String, Option<usize>) {
        resolve(body.as_bytes(), path, body.len())
    }

    #[test]
    fn paths_are_written_as_documented() {
        assert_eq!(path("{}", &[]).0, "(root)");
        let body = r#"{"result": {"id": 1, "certificates": [{}, {}, {"expires_on": 5}]}}"#;
        let steps = [Step::Member(0), key("certificates"), Step::Index(2), Step::Member(0)];
        assert_eq!(
            path(body, &steps),
            ("result.certificates[2].expires_on".to_owned(), Some(body.find("5}]}}").unwrap()))
        );
        assert_eq!(path("[{\"id\": 1}]", &[Step::Index(0), key("id")]).0, "[0].id");
        let body = r#"{"odd key": {"a\"b": {"_x1": {"1x": {"é": {"": [0, 1, 2, 3]}}}}}}"#;
        let steps = [Step::Member(0), Step::Member(0), key("_x1"), Step::Member(0), key("é"), key(""), Step::Index(3)];
        assert_eq!(path(body, &steps).0, r#"["odd key"]["a\"b"]._x1["1x"]["é"][""][3]"#);
        // Escaped keys are read as what they say.
        assert_eq!(path(r#"{"caf\u00e9": {"\u0041": 1}}"#, &[Step::Member(0), Step::Member(0)]).0, r#"["café"].A"#);
    }

    #[test]
    fn values_are_found_past_strings_and_numbers_that_look_like_structure() {
        let body = r#" { "a" : "}],\"{[" , "b": [ {"c": "]"}, 1e5 , {"d" : [null, "x"] } ] } "#;
        let at = |steps: &[Step]| path(body, steps).1.map(|i| &body[i..]);
        assert!(at(&[]).unwrap().starts_with("{ \"a\""));
        assert!(at(&[key("b"), Step::Index(2), key("d"), Step::Index(1)]).unwrap().starts_with("\"x\"] }"));
        assert!(at(&[Step::Member(1), Step::Index(1)]).unwrap().starts_with("1e5 ,"));
        assert!(at(&[key("b"), Step::Index(0), Step::Member(0)]).unwrap().starts_with("\"]\"}"));
        assert_eq!(at(&[key("b"), Step::Index(3)]), None);
        assert_eq!(at(&[key("a"), key("x")]), None);
        assert_eq!(at(&[key("z")]), None);
        // A body cut short still has the values before the cut.
        let cut = r#"{"a": [1, {"b": tr"#;
        assert_eq!(path(cut, &[key("a"), Step::Index(1), key("b")]).1, Some(cut.len() - 2));
        assert_eq!(path(cut, &[key("a"), Step::Index(2)]), ("a[2]".to_owned(), None));
    }

    #[test]
    fn of_a_repeated_key_the_occurrence_that_failed_is_located() {
        type Map = std::collections::BTreeMap<String, String>;
        for (body, at) in [(r#"{"id":5,"id":"ok"}"#, 6), (r#"{"id":"ok", "id":5}"#, 17)] {
            match retrace::<_, NoMessage>(StatusCode::OK, body.as_bytes(), PhantomData::<Map>) {
                Err(Error::Decode { path, position, .. }) => {
                    assert_eq!(path.as_deref(), Some("id"));
                    assert_eq!(position, Some(BodyPosition { offset: at, line: 1, column: at + 1 }), "{body}");
                }
                other => panic!("{other:?}"),
            }
        }
        // By name (an absent payload's key): the last occurrence read.
        assert_eq!(resolve(br#"{"r":1,"r":2}"#, &[key("r")], 13).1, Some(11));
        assert_eq!(resolve(br#"{"r":1,"r":2}"#, &[key("r")], 6).1, Some(5));
    }

    /// What `f` returns, and the bytes of a body the path-finding functions stepped over in it.
    fn scanning<R>(f: impl FnOnce() -> R) -> (R, usize) {
        SCANNED.with(|c| c.set(0));
        let out = f();
        (out, SCANNED.with(|c| c.get()))
    }

    #[test]
    fn a_deep_body_is_read_no_further_than_the_error() {
        // 100,000 nested `{"result":` (1.1 MB; found by the runtime fuzz, where each step of the
        // path read the rest of the body: depth x size). serde_json stops at its recursion limit
        // and the path is followed to there, each byte at most once.
        let depth = 100_000;
        let body = format!("{}1{}", r#"{"result":"#.repeat(depth), "}".repeat(depth));
        let (read, work) =
            scanning(|| retrace::<_, NoMessage>(StatusCode::OK, body.as_bytes(), PhantomData::<serde_json::Value>));
        let Err(Error::Decode { path: Some(path), position: Some(at), message, .. }) = read else {
            panic!("expected a located decode error, got {read:?}");
        };
        assert!(message.contains("recursion limit"), "{message}");
        let steps = path.split('.').count();
        assert!(steps > 100 && path.split('.').all(|key| key == "result"), "{path}");
        // The value that failed is the `{` after the last key of the path.
        assert_eq!(at.offset, steps * r#"{"result":"#.len());
        assert!(work <= at.offset + 1, "{work} bytes read to locate an error at byte {}", at.offset);
    }

    #[test]
    fn following_a_path_reads_each_byte_once_at_most() {
        // The whole body (`limit` at its end, as for an absent payload): each step skips only
        // what comes before the value it goes into.
        let depth = 2_000;
        let body = format!("{}1{}", r#"{"a": [0, {"b": "#.repeat(depth), "}]}".repeat(depth));
        let steps: Vec<Step> = (0..depth).flat_map(|_| [Step::Member(0), Step::Index(1), Step::Member(0)]).collect();
        let ((text, at), work) = scanning(|| resolve(body.as_bytes(), &steps, body.len()));
        assert_eq!(at, Some(body.find('1').unwrap()));
        assert!(text.starts_with("a[1].b.a[1].b.") && text.ends_with(".a[1].b"), "{}", &text[..20]);
        assert!(work <= body.len(), "{work} bytes read in a body of {}", body.len());

        // Wide: the last of 100,000 elements or members; a key's last occurrence.
        let elements = format!("[{}1]", "[0, {\"x\": 1}], ".repeat(100_000));
        let ((_, at), work) = scanning(|| resolve(elements.as_bytes(), &[Step::Index(100_000)], elements.len()));
        assert_eq!(at, Some(elements.len() - 2));
        assert!(work <= elements.len(), "{work} bytes read in a body of {}", elements.len());
        let object = format!("{{{}\"k\": 1}}", "\"k\": {\"k\": [1]}, ".repeat(100_000));
        for step in [Step::Member(100_000), key("k")] {
            let ((_, at), work) = scanning(|| resolve(object.as_bytes(), std::slice::from_ref(&step), object.len()));
            assert_eq!(at, Some(object.len() - 2), "{step:?}");
            assert!(work <= object.len(), "{step:?}: {work} bytes read in a body of {}", object.len());
        }
    }

    #[derive(Debug, PartialEq)]
    enum Typed {
        NotFound(std::collections::BTreeMap<String, u32>),
    }

    impl ErrorBody for Typed {
        fn decode(status: u16, body: &[u8]) -> Option<Result<Self, BodyMismatch>> {
            match status {
                404 => Some(decode_error_body(body).map(Typed::NotFound)),
                _ => None,
            }
        }
    }

    #[derive(Debug)]
    struct Other;

    impl ErrorBody for Other {
        fn decode(_: u16, _: &[u8]) -> Option<Result<Self, BodyMismatch>> {
            Some(Ok(Other))
        }
    }

    fn api_error(status: u16, body: &str) -> Error<NoMessage> {
        let mut e = ApiError {
            status: StatusCode::from_u16(status).unwrap(),
            headers: HeaderMap::new(),
            errors: Vec::new(),
            messages: Vec::new(),
            body: excerpt(body.as_bytes()),
            retry_after: None,
            attempts: 1,
            truncated: false,
            typed: None,
        };
        e.typed = typed_body::<Typed>(status, body.as_bytes());
        Error::Api(Box::new(e))
    }

    #[test]
    fn an_error_body_is_read_back_as_its_type_and_survives_widening() {
        let err = api_error(404, r#"{"a": 1}"#);
        let expected = Typed::NotFound([("a".to_string(), 1)].into());
        assert_eq!(err.api().unwrap().body_as::<Typed>(), Some(&expected));
        assert!(err.api().unwrap().body_as::<Other>().is_none());
        // Debug shows the value; a clone and a widened error keep it.
        assert!(format!("{err:?}").contains("NotFound"), "{err:?}");
        let widened: Error<String> = err.widen();
        assert_eq!(widened.api().unwrap().clone().body_as::<Typed>(), Some(&expected));
        // A status without a schema: nothing.
        let err = api_error(500, r#"{"a": 1}"#);
        assert!(err.api().unwrap().body_as::<Typed>().is_none() && err.api().unwrap().body_failure().is_none());
    }

    #[test]
    fn an_error_body_that_does_not_match_is_located() {
        let err = api_error(404, r#"{"a": 1, "b": -2}"#);
        let api = err.api().unwrap();
        assert!(api.body_as::<Typed>().is_none());
        let mismatch = api.body_failure().unwrap();
        assert_eq!(mismatch.path.as_deref(), Some("b"));
        assert_eq!(mismatch.position.map(|p| p.offset), Some(14));
        let shown = err.to_string();
        assert!(shown.starts_with("API error: HTTP 404 Not Found"), "{shown}");
        let mismatch_text = "the body does not match its declared schema at b (line 1, column 15): invalid value";
        assert!(shown.contains(mismatch_text), "{shown}");
        // Not JSON at all: where reading stopped.
        let mismatch = decode_error_body::<Vec<u32>>(b"[1, 2,").unwrap_err();
        assert!(mismatch.message.contains("EOF"), "{mismatch:?}");
    }

    #[test]
    fn positions_count_lines_and_byte_columns() {
        let body = "{\n  \"é\": 1,\n\n  \"x\": 2\n}".as_bytes();
        assert_eq!(BodyPosition::of(body, 0), BodyPosition { offset: 0, line: 1, column: 1 });
        assert_eq!(BodyPosition::of(body, 9), BodyPosition { offset: 9, line: 2, column: 8 });
        assert_eq!(BodyPosition::of(body, 13), BodyPosition { offset: 13, line: 3, column: 1 });
        assert_eq!(BodyPosition::of(body, 14), BodyPosition { offset: 14, line: 4, column: 1 });
    }
}
