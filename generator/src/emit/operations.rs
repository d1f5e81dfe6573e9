//! One request function per operation, as methods on the runtime's `Client`, written as text
//! through the [`Writer`] (signatures and calls one argument per line when they do not fit in
//! its width): parsing and printing thousands of function bodies through `syn` and
//! `prettyplease` was the largest part of the generator's time on big specs.

use super::api_module::{describe_security, security_text};
use super::docs;
use super::op_docs;
use super::toolkit::{lit, resolve, ty_text};
use super::types::{allow_deprecated_text, location, mentions_deprecated, strip_nullable};
use super::writer::Writer;
use crate::ir::{
    Api, BodyEncoding, Constraints, Framing, Operation, Param, ParamLocation, ParamStyle, ResponseBody, Segment,
    TypeKind, TypeRef,
};

/// Clippy's `too_many_arguments` threshold (`self` counted): a method with more arguments (its
/// operation's required parameters, each an argument of its own) allows the lint, with a comment
/// saying why, rather than taking them in a struct that the spec does not have.
const TOO_MANY_ARGUMENTS: usize = 7;
/// Clippy's default `type-complexity-threshold`: a return type scoring above it (see
/// [`type_complexity`]) gets `#[allow(clippy::type_complexity)]`.
const TYPE_COMPLEXITY: usize = 250;

/// The request functions whose Rust names pass `keep`; `split` says whether this is one part
/// of a split `operations` folder. The file's text, without the header.
pub fn emit(api: &Api, split: bool, keep: impl Fn(&str) -> bool) -> String {
    let ops: Vec<&Operation> = api.operations.iter().filter(|op| keep(&op.rust_name)).collect();
    let mut methods = Writer::with_capacity(ops.len() * 1_500);
    if ops.is_empty() {
        methods.line("impl crate::Client {}");
    } else {
        methods.open("impl crate::Client {");
        for op in &ops {
            methods.blank();
            operation(api, op, &mut methods);
        }
        methods.close("}");
    }
    let methods = methods.finish();
    let doc = if split {
        "One part of the request functions (see the parent module)."
    } else {
        "Request functions, one per operation of the spec."
    };
    let mut out = String::with_capacity(methods.len() + 200);
    out.push_str(&format!("//! {doc}\n\n"));
    // Import the models only when some signature or body names one (an unused import warns). A
    // split module's `super` is `operations/mod.rs`, which imports what `super` names here.
    if methods.contains("types::") {
        out.push_str("use super::types;\n\n");
    }
    out.push_str(&methods);
    out
}

/// `if let Some({binding}) = {source} {`, then `body` one level deeper, then `}`.
fn if_some(w: &mut Writer, binding: &str, source: &str, body: impl FnOnce(&mut Writer)) {
    w.open(format_args!("if let Some({binding}) = {source} {{"));
    body(w);
    w.close("}");
}

/// A call statement `{callee}({args});`.
fn call(w: &mut Writer, callee: &str, args: &[String]) {
    w.list(&format!("{callee}("), args, ");");
}

/// How a required parameter is taken as an argument.
pub(super) fn arg_type(api: &Api, t: &TypeRef) -> String {
    let prefix = "types::";
    match resolve(api, strip_nullable(t)) {
        TypeRef::String => "&str".into(),
        TypeRef::Bool | TypeRef::I32 | TypeRef::I64 | TypeRef::F64 => ty_text(resolve(api, t), prefix),
        TypeRef::Vec(inner) => format!("&[{}]", ty_text(inner, prefix)),
        TypeRef::Named(n)
            if matches!(
                api.types.get(n).map(|d| &d.kind),
                Some(TypeKind::Enum { repr: crate::ir::EnumRepr::Integer, .. })
            ) =>
        {
            ty_text(strip_nullable(t), prefix)
        }
        _ => format!("&{}", ty_text(strip_nullable(t), prefix)),
    }
}

fn decoder(api: &Api, op: &Operation) -> String {
    let prefix = "types::";
    if let Some(l) = op.paginated.as_ref().and_then(|p| p.listing.as_ref()) {
        let item = ty_text(&op.paginated.as_ref().map_or(TypeRef::Json, |p| p.item.clone()), prefix);
        return format!("crate::rt::Listed<super::paging::{}, {item}>", l.name);
    }
    if let Some(p) = &op.paginated {
        let (item, info) = (ty_text(&p.item, prefix), ty_text(&p.info, prefix));
        return format!("crate::rt::Paged<super::envelope::ApiPagination, {item}, {info}>");
    }
    let optional = |t: &TypeRef, opt: bool| optional(api, t, opt);
    let decoder = match &op.response {
        ResponseBody::Empty => "crate::rt::Empty".to_string(),
        ResponseBody::Text { .. } => "crate::rt::Text".to_string(),
        ResponseBody::Bytes { .. } => "crate::rt::Bytes".to_string(),
        ResponseBody::Json(t) if op.may_be_empty => format!("crate::rt::Json<{}>", optional(t, true)),
        ResponseBody::Json(t) => format!("crate::rt::Json<{}>", ty_text(t, prefix)),
        ResponseBody::Enveloped { result, optional: opt } => {
            format!("crate::rt::Enveloped<super::envelope::ApiEnvelope, {}>", optional(result, *opt || op.may_be_empty))
        }
        ResponseBody::Stream { item, framing, .. } => {
            let item = ty_text(item, prefix);
            match framing {
                Framing::Sse => format!("crate::rt::Sse<{item}>"),
                Framing::SseText => "crate::rt::SseText".to_string(),
                Framing::JsonLines => format!("crate::rt::JsonLines<{item}>"),
                Framing::JsonSeq => format!("crate::rt::JsonSeq<{item}>"),
            }
        }
    };
    if op.may_be_empty {
        format!("crate::rt::AllowEmpty<{decoder}>")
    } else {
        decoder
    }
}

/// A limit from the spec that a parameter's value is checked against before sending.
pub(super) enum Limit {
    /// `minLength` / `maxLength` of a string, in characters.
    Length { min: Option<usize>, max: Option<usize> },
    /// `minimum` / `maximum` of a number, each with whether it is exclusive.
    Range { min: Option<(f64, bool)>, max: Option<(f64, bool)> },
    /// `minItems` / `maxItems` of an array.
    Items { min: Option<usize>, max: Option<usize> },
}

/// The limit a parameter's value is checked against, if any: the one place that decides, for
/// the checks emitted ([`checks`]) and the docs that list them (`op_docs`).
pub(super) fn checked_limit(api: &Api, p: &Param) -> Option<Limit> {
    let c: &Constraints = &p.constraints;
    if c.is_empty() {
        return None;
    }
    match resolve(api, strip_nullable(&p.ty)) {
        TypeRef::String if c.min_length.is_some() || c.max_length.is_some() => {
            Some(Limit::Length { min: c.min_length, max: c.max_length })
        }
        // A string format mapped to a Rust type (`uuid::Uuid`, `url::Url`, `rt::Base64`) gets no
        // length check: the value is no longer the text the limit counts (a `Base64` holds the
        // decoded bytes, a `Url` is normalised when written), and a type that parses its text
        // already rejects what is not a UUID or a URL.
        TypeRef::Uuid | TypeRef::Url | TypeRef::Base64 => None,
        TypeRef::I32 | TypeRef::I64 | TypeRef::F64 if c.minimum.is_some() || c.maximum.is_some() => {
            Some(Limit::Range {
                min: c.minimum.map(|n| (n, c.exclusive_minimum)),
                max: c.maximum.map(|n| (n, c.exclusive_maximum)),
            })
        }
        TypeRef::Vec(_) if c.min_items.is_some() || c.max_items.is_some() => {
            Some(Limit::Items { min: c.min_items, max: c.max_items })
        }
        _ => None,
    }
}

/// A response value's type: with an empty body allowed, the value is optional (JSON values are
/// `Null` instead).
fn optional(api: &Api, t: &TypeRef, optional: bool) -> String {
    let is_json = matches!(resolve(api, strip_nullable(t)), TypeRef::Json);
    let inner = ty_text(if is_json { t } else { strip_nullable(t) }, "types::");
    if (optional || matches!(t, TypeRef::Nullable(_))) && !is_json {
        format!("Option<{inner}>")
    } else {
        inner
    }
}

/// The type awaiting a call with a body read whole gives (what its decoder outputs).
pub(super) fn value_text(api: &Api, op: &Operation) -> String {
    match &op.response {
        ResponseBody::Empty => "()".to_string(),
        ResponseBody::Text { .. } => "String".to_string(),
        ResponseBody::Bytes { .. } => "Vec<u8>".to_string(),
        ResponseBody::Json(t) if op.may_be_empty => optional(api, t, true),
        ResponseBody::Json(t) => ty_text(t, "types::"),
        ResponseBody::Enveloped { result, optional: opt } => optional(api, result, *opt || op.may_be_empty),
        // Streams and listings are described by their own sections.
        ResponseBody::Stream { item, .. } => ty_text(item, "types::"),
    }
}

/// Clippy's `type_complexity` score of a type written as text: 10 times the nesting level for
/// each path, slice, array or tuple (generic arguments and elements one level deeper), 1 for
/// each reference. Text that does not parse as a type scores 0.
fn type_complexity(text: &str) -> usize {
    fn score(t: &syn::Type, nest: usize) -> usize {
        match t {
            syn::Type::Path(p) => {
                let args = p.path.segments.iter().flat_map(|s| match &s.arguments {
                    syn::PathArguments::AngleBracketed(a) => a.args.iter().collect::<Vec<_>>(),
                    _ => Vec::new(),
                });
                10 * nest
                    + args
                        .map(|a| match a {
                            syn::GenericArgument::Type(t) => score(t, nest + 1),
                            _ => 0,
                        })
                        .sum::<usize>()
            }
            syn::Type::Reference(r) => 1 + score(&r.elem, nest),
            syn::Type::Slice(s) => 10 * nest + score(&s.elem, nest + 1),
            syn::Type::Array(a) => 10 * nest + score(&a.elem, nest + 1),
            syn::Type::Tuple(t) => 10 * nest + t.elems.iter().map(|e| score(e, nest + 1)).sum::<usize>(),
            _ => 0,
        }
    }
    syn::parse_str::<syn::Type>(text).map_or(0, |t| score(&t, 1))
}

/// Checks from the spec, applied to a value about to be sent. `value` is an expression of the
/// parameter's type, by reference for strings and arrays.
fn checks(w: &mut Writer, api: &Api, p: &Param, value: &str) {
    let Some(limit) = checked_limit(api, p) else { return };
    let wire = lit(&p.wire_name);
    let opt_usize = |v: Option<usize>| v.map_or("None".to_string(), |n| format!("Some({n})"));
    let bound =
        |v: Option<(f64, bool)>| v.map_or("None".to_string(), |(n, exclusive)| format!("Some(({n:?}, {exclusive}))"));
    match limit {
        Limit::Length { min, max } => {
            call(w, "r.check_length", &[wire, value.to_string(), opt_usize(min), opt_usize(max)]);
        }
        Limit::Range { min, max } => {
            let as_f64 = match resolve(api, strip_nullable(&p.ty)) {
                TypeRef::F64 => value.to_string(),
                TypeRef::I64 => format!("{value} as f64"),
                _ => format!("f64::from({value})"),
            };
            call(w, "r.check_range", &[wire, as_f64, bound(min), bound(max)]);
        }
        Limit::Items { min, max } => {
            call(w, "r.check_items", &[wire, format!("{value}.len()"), opt_usize(min), opt_usize(max)]);
        }
    }
}

/// A value written as text as it is: a string, number, boolean, date or enum.
fn is_scalar(api: &Api, t: &TypeRef) -> bool {
    match resolve(api, strip_nullable(t)) {
        TypeRef::String | TypeRef::Bool | TypeRef::I32 | TypeRef::I64 | TypeRef::F64 => true,
        TypeRef::DateTime | TypeRef::Date | TypeRef::Uuid | TypeRef::Url | TypeRef::Base64 => true,
        TypeRef::Named(n) => matches!(api.types.get(n).map(|d| &d.kind), Some(TypeKind::Enum { .. })),
        _ => false,
    }
}

/// The runtime's name of a parameter style.
fn style_name(style: ParamStyle, location: ParamLocation) -> &'static str {
    match (location, style) {
        (ParamLocation::Path, ParamStyle::Label) => "Label",
        (ParamLocation::Path, ParamStyle::Matrix) => "Matrix",
        (ParamLocation::Path, _) => "Simple",
        (_, ParamStyle::SpaceDelimited) => "SpaceDelimited",
        (_, ParamStyle::PipeDelimited) => "PipeDelimited",
        (_, ParamStyle::DeepObject) => "DeepObject",
        _ => "Form",
    }
}

/// Statements that check and add one parameter whose value is the expression `v`.
fn add_param(w: &mut Writer, api: &Api, p: &Param, v: &str) {
    let wire = lit(&p.wire_name);
    checks(w, api, p, v);
    let explode = p.explode.to_string();
    let resolved = resolve(api, strip_nullable(&p.ty));
    let is_vec = matches!(resolved, TypeRef::Vec(_));
    let scalars = match resolved {
        TypeRef::Vec(inner) => is_scalar(api, inner),
        other => is_scalar(api, other),
    };
    let header = lit(&p.wire_name.to_ascii_lowercase());
    let json = format!("crate::rt::JsonParam({v})");
    let style = || format!("crate::rt::Style::{}", style_name(p.style, p.location));
    let mut c = |callee: &str, args: &[String]| call(w, callee, args);
    match (p.location, p.style) {
        (ParamLocation::Path, ParamStyle::Json) => {
            c("r.path_param", &[wire, format!("&crate::rt::ParamValue::to_param(&{json})")])
        }
        (ParamLocation::Query, ParamStyle::Json) => c("r.query", &[wire, json]),
        (ParamLocation::Header, ParamStyle::Json) => c("r.header", &[header, json]),
        (ParamLocation::Cookie, ParamStyle::Json) => c("r.cookie", &[wire, json]),
        (ParamLocation::Path, ParamStyle::Simple) if scalars && !is_vec => {
            if matches!(resolved, TypeRef::String) {
                c("r.path_param", &[wire, v.to_string()])
            } else {
                c("r.path_param", &[wire, format!("&crate::rt::ParamValue::to_param(&{v})")])
            }
        }
        (ParamLocation::Path, _) => {
            // Path parameters are arguments: copy types come by value.
            let v = if is_copy(api, &p.ty) { format!("&{v}") } else { v.to_string() };
            c("r.path_structured", &[wire, v, style(), explode])
        }
        (ParamLocation::Query, _) if names_from_value(api, p) => {
            c("r.query_structured", &[wire, v.to_string(), style(), explode])
        }
        (ParamLocation::Query, _) if scalars && !is_vec => c("r.query", &[wire, v.to_string()]),
        (ParamLocation::Query, _) => c("r.query_array", &[wire, v.to_string(), explode]),
        (ParamLocation::Header, _) if is_vec && scalars => c("r.header_list", &[header, v.to_string()]),
        (ParamLocation::Header, _) if scalars => c("r.header", &[header, v.to_string()]),
        (ParamLocation::Header, _) => c("r.header_structured", &[header, v.to_string(), explode]),
        (ParamLocation::Cookie, _) if names_from_value(api, p) => {
            c("r.cookie_structured", &[wire, v.to_string(), explode])
        }
        (ParamLocation::Cookie, _) => c("r.cookie", &[wire, v.to_string()]),
    }
}

/// A query or cookie parameter rendered from a structured value (an object's keys can become
/// names on the wire), rather than as one scalar or a form list of scalars.
fn names_from_value(api: &Api, p: &Param) -> bool {
    let resolved = resolve(api, strip_nullable(&p.ty));
    let is_vec = matches!(resolved, TypeRef::Vec(_));
    let scalars = match resolved {
        TypeRef::Vec(inner) => is_scalar(api, inner),
        other => is_scalar(api, other),
    };
    match (p.location, p.style) {
        (ParamLocation::Query | ParamLocation::Cookie, ParamStyle::Json) => false,
        (ParamLocation::Query, ParamStyle::Form) => !scalars,
        (ParamLocation::Query, _) => !scalars || is_vec,
        (ParamLocation::Cookie, _) => !scalars || is_vec,
        _ => false,
    }
}

fn is_copy(api: &Api, t: &TypeRef) -> bool {
    match resolve(api, strip_nullable(t)) {
        TypeRef::Bool | TypeRef::I32 | TypeRef::I64 | TypeRef::F64 | TypeRef::Date => true,
        TypeRef::Named(n) => {
            matches!(api.types.get(n).map(|d| &d.kind), Some(TypeKind::Enum { repr: crate::ir::EnumRepr::Integer, .. }))
        }
        _ => false,
    }
}

/// The operation's signature or body names a deprecated type.
fn uses_deprecated(api: &Api, op: &Operation) -> bool {
    let response = match &op.response {
        ResponseBody::Json(t) | ResponseBody::Enveloped { result: t, .. } | ResponseBody::Stream { item: t, .. } => {
            mentions_deprecated(api, t)
        }
        _ => false,
    };
    let paged =
        op.paginated.as_ref().is_some_and(|p| mentions_deprecated(api, &p.item) || mentions_deprecated(api, &p.info));
    response
        || paged
        || op.body.as_ref().is_some_and(|b| mentions_deprecated(api, &b.ty))
        || op.params.iter().any(|p| mentions_deprecated(api, &p.ty))
}

/// The body argument's type (without the `Option` of an optional body).
pub(super) fn body_arg_type(api: &Api, b: &crate::ir::Body) -> String {
    let prefix = "types::";
    match b.encoding {
        BodyEncoding::Text => "&str".into(),
        BodyEncoding::Binary if b.required => "impl Into<Vec<u8>>".into(),
        BodyEncoding::Binary => "Vec<u8>".into(),
        _ => match resolve(api, &b.ty) {
            TypeRef::Vec(inner) => format!("&[{}]", ty_text(inner, prefix)),
            TypeRef::String => "&str".into(),
            _ => format!("&{}", ty_text(&b.ty, prefix)),
        },
    }
}

/// The statement that sets the body (the argument `body`).
fn set_body(w: &mut Writer, b: &crate::ir::Body) {
    let media = lit(&b.media_type);
    let body = "body".to_string();
    match b.encoding {
        BodyEncoding::Text => call(w, "r.text", &[body, media]),
        BodyEncoding::Binary => call(w, "r.bytes", &[body, media]),
        BodyEncoding::Form if !b.form_styles.is_empty() => {
            let styles: Vec<String> = (b.form_styles.iter())
                .map(|(property, style, explode)| {
                    let style = style_name(*style, ParamLocation::Query);
                    format!("({}, crate::rt::Style::{style}, {explode})", lit(property))
                })
                .collect();
            call(w, "r.form_styled", &[body, format!("&[{}]", styles.join(", "))]);
        }
        BodyEncoding::Form => call(w, "r.form", &[body]),
        BodyEncoding::Multipart => call(w, "r.multipart", &[body]),
        BodyEncoding::Json => call(w, "r.json", &[body]),
    }
}

/// What the rustdoc of a streamed operation says of its response.
fn stream_doc(framing: Framing) -> String {
    let items = match framing {
        Framing::Sse => "server-sent events (`SseEvent`s whose `data` is JSON)",
        Framing::SseText => "server-sent events (`SseEvent`s whose `data` is text)",
        Framing::JsonLines => "JSON values, one per line (JSON Lines)",
        Framing::JsonSeq => "JSON values, one per record (a JSON text sequence)",
    };
    format!(
        "The response is a stream of {items}: awaiting the call gives an `ItemStream` once the status and \
         headers are in (another status is an error, as for every call); items are decoded as they arrive, each \
         at most the response size limit, and the timeout bounds each wait for more of the body."
    )
}

/// One request function.
fn operation(api: &Api, op: &Operation, w: &mut Writer) {
    let mut args = vec!["&self".to_string()];
    let mut arg_docs = Vec::new();
    for p in op.params.iter().filter(|p| p.required) {
        args.push(format!("{}: {}", p.rust_name, arg_type(api, &p.ty)));
        let wire = if p.wire_name == p.rust_name { String::new() } else { format!(" `{}`", p.wire_name) };
        let desc = p.docs.description.as_deref().map(|d| format!(": {}", d.trim())).unwrap_or_default();
        arg_docs.push(format!("- `{}` ({}{wire}){desc}", p.rust_name, location(p.location)));
    }
    if let Some(pt) = &op.params_type {
        args.push(format!("params: &types::{pt}"));
        arg_docs.push(if op.params.iter().all(|p| p.required) {
            "- `params`: the optional parameters: none yet (a later version of the spec may add some), so \
             `&Default::default()`."
                .to_string()
        } else {
            "- `params`: the optional parameters.".to_string()
        });
    }
    // Bodies are borrowed (a list or a string as a slice); raw bytes are taken by value. An
    // optional body is an `Option`.
    if let Some(b) = &op.body {
        let t = body_arg_type(api, b);
        args.push(if b.required { format!("body: {t}") } else { format!("body: Option<{t}>") });
        let desc = b.docs.description.as_deref().map(str::trim).filter(|d| !d.is_empty());
        let what = match b.encoding {
            BodyEncoding::Json => "JSON".to_string(),
            BodyEncoding::Form => "form-urlencoded".to_string(),
            BodyEncoding::Multipart => "multipart/form-data, one part per property".to_string(),
            BodyEncoding::Text | BodyEncoding::Binary => format!("sent as `{}`", b.media_type),
        };
        let optional = if b.required { "" } else { "; optional" };
        arg_docs.push(format!("- `body` ({what}{optional}): {}", desc.unwrap_or("the request body.")));
    }

    let mut extra = vec![format!("`{} {}`", op.method.as_str(), op.path)];
    if !arg_docs.is_empty() {
        extra.push(format!("# Arguments\n\n{}", arg_docs.join("\n")));
    }
    match &op.security {
        Some(alts) if alts.iter().all(Vec::is_empty) => extra.push("Authentication: none.".to_string()),
        Some(alts) => extra.push(format!(
            "Authentication (the first complete combination is sent): {}.",
            describe_security(api, alts)
        )),
        None => {}
    }
    if op.may_be_empty {
        let value = match &op.response {
            ResponseBody::Json(t) | ResponseBody::Enveloped { result: t, .. }
                if matches!(resolve(api, strip_nullable(t)), TypeRef::Json) =>
            {
                "`Value::Null`"
            }
            _ => "`None`",
        };
        extra.push(format!("A successful response may have no body (then the result is {value})."));
    }
    if !op.redirects.is_empty() {
        let codes: Vec<String> = op.redirects.iter().map(|c| format!("`{c}`")).collect();
        extra.push(format!(
            "The spec answers this operation with a redirect ({}): it is a success, not an error; `.send()` \
             gives its status and headers (`Location`). Redirects are never followed.",
            codes.join(", ")
        ));
    }
    if let ResponseBody::Stream { framing, .. } = &op.response {
        extra.push(stream_doc(*framing));
    }
    extra.extend(retry_doc(op));
    extra.extend(op_docs::sections(api, op));
    w.lines(&docs::comment(&op.docs, &extra, ""));
    if op.docs.deprecated {
        w.line("#[deprecated]");
    }
    w.lines(allow_deprecated_text(uses_deprecated(api, op)));
    if args.len() > TOO_MANY_ARGUMENTS {
        w.line("// One argument per required parameter, as the spec lists them (see `# Arguments`).");
        w.line("#[allow(clippy::too_many_arguments)]");
    }
    let streamed = matches!(op.response, ResponseBody::Stream { .. });
    let returns = format!("crate::{}<{}>", if streamed { "StreamCall" } else { "Call" }, decoder(api, op));
    if type_complexity(&returns) > TYPE_COMPLEXITY {
        w.line("// The decoded type spelled out as the spec nests it: an alias would only hide it.");
        w.line("#[allow(clippy::type_complexity)]");
    }
    w.open_list(&format!("pub fn {}(", op.rust_name), &args, &format!(") -> {returns} {{"));
    if op.params_type.is_some() && op.params.iter().all(|p| p.required) {
        // Taken so that the spec's first optional parameter is a new field, not a new argument.
        w.line("let _ = params;");
    }
    let method = op.method.as_str();
    w.line(format_args!("let mut r = crate::rt::Request::new(crate::rt::Method::{method}, {});", op.retryable));

    let mut prefix_lit = String::new();
    for seg in &op.segments {
        match seg {
            Segment::Literal(text) => prefix_lit.push_str(text),
            Segment::Param(i) => {
                if !prefix_lit.is_empty() {
                    call(w, "r.literal", &[lit(&std::mem::take(&mut prefix_lit))]);
                }
                if let Some(p) = op.params.get(*i) {
                    add_param(w, api, p, &p.rust_name);
                }
            }
        }
    }
    if !prefix_lit.is_empty() {
        call(w, "r.literal", &[lit(&prefix_lit)]);
    }
    // Names taken from a caller's object must not stand in for another parameter, given or not:
    // the runtime learns the operation's query and cookie names before any is added.
    if op.params.iter().any(|p| names_from_value(api, p)) {
        let names = |location: ParamLocation| {
            let names: Vec<String> =
                op.params.iter().filter(|p| p.location == location).map(|p| lit(&p.wire_name)).collect();
            format!("&[{}]", names.join(", "))
        };
        call(w, "r.parameters", &[names(ParamLocation::Query), names(ParamLocation::Cookie)]);
    }
    for p in op.params.iter().filter(|p| p.location != ParamLocation::Path) {
        if p.required {
            add_param(w, api, p, &p.rust_name);
        } else {
            // Copy values are taken out of the params struct; the rest are borrowed.
            let source = if is_copy(api, &p.ty) {
                format!("params.{}", p.rust_name)
            } else {
                format!("&params.{}", p.rust_name)
            };
            if_some(w, "v", &source, |w| add_param(w, api, p, "v"));
        }
    }
    if let Some(b) = &op.body {
        if b.required {
            set_body(w, b);
        } else {
            if_some(w, "body", "body", |w| set_body(w, b));
        }
    }
    if let Some(alternatives) = &op.security {
        call(w, "r.security", &[security_text(api, alternatives)]);
    }
    if !op.redirects.is_empty() {
        let codes: Vec<String> = op.redirects.iter().map(u16::to_string).collect();
        call(w, "r.answers", &[format!("&[{}]", codes.join(", "))]);
    }
    if let ResponseBody::Text { accept } | ResponseBody::Bytes { accept } | ResponseBody::Stream { accept, .. } =
        &op.response
    {
        call(w, "r.header", &[lit("accept"), lit(accept)]);
    }
    retry_facts(w, &op.retry);
    if let Some(name) = &op.errors {
        w.line(format_args!("r.error_body::<crate::errors::{name}>();"));
    }
    w.line(if streamed { "self.call_stream(r)" } else { "self.call(r)" });
    w.close("}");
}

/// The spec's retry facts for one operation, as calls on its request (nothing when it declares
/// none).
fn retry_facts(w: &mut Writer, retry: &crate::ir::Retry) {
    if let Some(header) = &retry.idempotency_header {
        call(w, "r.idempotency_header", &[lit(header)]);
    }
    if let Some(header) = &retry.count_header {
        call(w, "r.retry_count_header", &[lit(header)]);
    }
    if let Some(p) = &retry.policy {
        let statuses: Vec<String> = p.statuses.iter().map(|(low, high)| format!("({low}, {high})")).collect();
        let millis = |ms: u64| format!("::std::time::Duration::from_millis({ms})");
        let elapsed = match p.max_elapsed_ms {
            Some(ms) => format!("::std::option::Option::Some({})", millis(ms)),
            None => "::std::option::Option::None".to_string(),
        };
        w.open("r.retry_policy(crate::rt::RetryPolicy {");
        w.line(format_args!("statuses: &[{}],", statuses.join(", ")));
        w.open("backoff: crate::rt::Backoff {");
        w.line(format_args!("initial: {},", millis(p.initial_ms)));
        w.line(format_args!("max: {},", millis(p.max_ms)));
        w.close("},");
        w.line(format_args!("exponent: {:?},", p.exponent));
        w.line(format_args!("max_elapsed: {elapsed},"));
        w.line(format_args!("connection_errors: {},", p.connection_errors));
        w.close("});");
    }
}

/// The doc lines that say how an operation is retried, when the spec says more than its
/// method's default.
fn retry_doc(op: &Operation) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(header) = &op.retry.idempotency_header {
        lines.push(format!(
            "Sends an idempotency key in `{header}` (a random one per call, the same on every retry; give \
             your own with `.idempotency_key(…)`), so it is retried like an idempotent call."
        ));
    }
    if let Some(p) = &op.retry.policy {
        if p.statuses.is_empty() && !p.connection_errors {
            lines.push("Never retried (the spec's retry strategy is `none`).".to_string());
        } else {
            let statuses: Vec<String> = p
                .statuses
                .iter()
                .map(|&(low, high)| if low == high { low.to_string() } else { format!("{}XX", low / 100) })
                .collect();
            let elapsed = p.max_elapsed_ms.map(|ms| format!(", for at most {ms} ms in all")).unwrap_or_default();
            lines.push(format!(
                "Retried as the spec says: on {}{}, after {} ms growing ×{:?} up to {} ms{elapsed}.",
                if statuses.is_empty() { "no status".to_string() } else { statuses.join(", ") },
                if p.connection_errors { " and connection errors" } else { "" },
                p.initial_ms,
                p.exponent,
                p.max_ms,
            ));
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    #[test]
    fn type_complexity_scores_as_clippy_does() {
        // Call 1, Enveloped 2, ApiEnvelope 3, Option 3, Vec 4, BTreeMap 5, String 6, Value 6.
        let nested = "crate::Call<crate::rt::Enveloped<super::envelope::ApiEnvelope, \
                      Option<Vec<std::collections::BTreeMap<String, serde_json::Value>>>>>";
        assert_eq!(super::type_complexity(nested), 300);
        assert_eq!(super::type_complexity("crate::Call<crate::rt::Json<types::Thing>>"), 60);
        assert_eq!(super::type_complexity("&[(String, i64)]"), 1 + 10 + 20 + 30 + 30);
        assert_eq!(super::type_complexity("not a type <"), 0);
    }
}
