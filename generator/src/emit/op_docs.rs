//! The usage sections of a request function's rustdoc: what awaiting the call gives
//! (`# Returns`), what can go wrong (`# Errors`) and a short call (`# Example`). Every section is
//! built from the operation's shapes in the IR, never from its names.
//!
//! The example is a `text` block, not a doctest: a doctest is a crate of its own for rustdoc to
//! compile, one per method, which a spec with a thousand operations cannot afford; the call it
//! shows is spelled from the same signature the method has.

use super::operations::{checked_limit, value_text, Limit};
use super::toolkit::ty_text;
use crate::ir::{Api, BodyEncoding, Framing, Operation, ParamLocation, ResponseBody};

/// The sections, in order, each one paragraph (or list) of doc text.
pub(super) fn sections(api: &Api, op: &Operation) -> Vec<String> {
    vec![returns(api, op), errors(api, op), example(op)]
}

/// `# Returns`: the exact type awaiting the call gives, and for listings and streams what
/// their walks yield.
fn returns(api: &Api, op: &Operation) -> String {
    let item = |t| ty_text(t, "types::");
    if let Some(p) = &op.paginated {
        let info = if p.listing.is_some() { "PageMeta".to_string() } else { item(&p.info) };
        let page = format!("Page<{}, {info}>", item(&p.item));
        return format!(
            "# Returns\n\nAwaiting the call gives the first page, `Result<{page}, Error>` (its items are in \
             `.items`, the page metadata in `.info`). `.pages()` walks every page: a `Stream` of \
             `Result<{page}, Error>`; `.items()` every item: a `Stream` of `Result<{}, Error>`, one page in \
             memory at a time. `.send()` gives the first page as a `Response<{page}>`, with the status and \
             headers.",
            item(&p.item)
        );
    }
    if let ResponseBody::Stream { item: t, framing, .. } = &op.response {
        let one = match framing {
            Framing::Sse => format!("SseEvent<{}>", item(t)),
            Framing::SseText => "SseEvent<String>".to_string(),
            Framing::JsonLines | Framing::JsonSeq => item(t),
        };
        return format!(
            "# Returns\n\nAwaiting the call gives `Result<ItemStream<…>, Error>` once the status and headers \
             are in; the `ItemStream` is a `Stream` of `Result<{one}, Error>`, one item per event or record."
        );
    }
    let value = value_text(api, op);
    // Informational messages come only in an envelope.
    let with =
        if api.envelope.is_some() { "the status, headers and the API's messages" } else { "the status and headers" };
    format!(
        "# Returns\n\nAwaiting the call gives `Result<{value}, Error>`. `.send()` gives a `Response<{value}>`: \
         the value with {with}."
    )
}

/// What the `Error::Api` item adds for an operation with typed error bodies: the statuses whose
/// bodies are decoded, and the type they decode into.
fn typed_error_text(api: &Api, e: &crate::ir::ErrorType) -> String {
    // An alias's statuses are its enum's.
    let shape = e.alias_of.as_ref().and_then(|name| api.errors.get(name)).unwrap_or(e);
    let statuses: Vec<String> = shape
        .variants
        .iter()
        .map(|v| format!("{} as `{}`", super::errors::status_text(v.status), v.rust_name))
        .collect();
    format!(
        "A status the spec declares a body for carries that body, decoded as `errors::{name}` ({}): read it \
         with `errors::{name}::from_error(&err)`.",
        statuses.join(", "),
        name = e.name,
    )
}

/// `# Errors`: each `Error` variant the call can end in, with the limits checked before sending.
///
/// This is the seam for what the spec declares about error responses: what a typed error body
/// adds (the declared statuses, the type their bodies decode into) belongs in the `Error::Api`
/// item built here, not in a second `# Errors` heading.
fn errors(api: &Api, op: &Operation) -> String {
    let mut items = Vec::new();
    // One sentence, not a nested list: `docs::sanitize` flattens nested lists.
    let limits: Vec<String> = (op.params.iter())
        .filter_map(|p| checked_limit(api, p).map(|limit| format!("`{}`: {}", p.rust_name, limit_text(&limit))))
        .collect();
    let mut invalid = "- `Error::InvalidArgument` (nothing is sent): ".to_string();
    if !limits.is_empty() {
        invalid.push_str(&format!("a value outside the spec's limits ({}), or ", limits.join("; ")));
    }
    invalid.push_str(
        "a value that cannot be sent as given: a number that is NaN or infinite, a header value that is not \
         printable ASCII, a URL or header over 8 KiB",
    );
    if op.params.iter().any(|p| p.location == ParamLocation::Path) {
        invalid.push_str(", a path parameter a server would read as an empty, `.` or `..` step");
    }
    invalid.push('.');
    items.push(invalid);
    let alternatives = op.security.as_ref().unwrap_or(&api.auth.alternatives);
    if !alternatives.is_empty() && !alternatives.iter().any(Vec::is_empty) {
        items.push("- `Error::Config` (nothing is sent): no credentials the operation accepts are set.".to_string());
    }
    let success_false = if api.envelope.is_some() { ", or a success with `success: false`" } else { "" };
    let mut api_error = format!(
        "- `Error::Api`: the API answered with an error status{success_false}; it keeps the status, the \
         API's messages, the headers and an excerpt of the body."
    );
    if let Some(e) = op.errors.as_ref().and_then(|name| api.errors.get(name)) {
        api_error.push(' ');
        api_error.push_str(&typed_error_text(api, e));
    }
    items.push(api_error);
    let (decode, too_large) = match &op.response {
        // A body the spec does not declare is still read, within the limit.
        ResponseBody::Empty | ResponseBody::Bytes { .. } => (None, Some("the body is over the response size limit.")),
        ResponseBody::Text { .. } => {
            (Some("a successful body is not UTF-8 text."), Some("the body is over the response size limit."))
        }
        ResponseBody::Stream { .. } => (
            Some("(an item of the stream) an item does not match the spec's schema; it names the item, its line in the stream and the JSON path, and the stream goes on."),
            Some("(an item of the stream) an event or line is over the response size limit; the stream ends there."),
        ),
        ResponseBody::Json(_) | ResponseBody::Enveloped { .. } => (
            Some("a successful body does not match the spec's schema; it names the JSON path, line and column."),
            Some("the body is over the response size limit."),
        ),
    };
    if let Some(text) = decode {
        items.push(format!("- `Error::Decode`: {text}"));
    }
    if let Some(text) = too_large {
        items.push(format!("- `Error::TooLarge`: {text}"));
    }
    items.push(
        "- `Error::Transport`, `Error::Timeout`: the connection failed or no response came in time, \
         retries included."
            .to_string(),
    );
    if op.paginated.is_some() {
        items.push(
            "- `Error::Pagination`, `Error::ForeignNextPage` (from `.pages()` and `.items()`): a server that \
             repeats a page, or a next page outside the client's base URL."
                .to_string(),
        );
    }
    format!("# Errors\n\n{}", items.join("\n"))
}

/// A limit as a reader says it: `5 to 50`, `at most 32 characters`, `more than 0`.
fn limit_text(limit: &Limit) -> String {
    let count = |min: Option<usize>, max: Option<usize>, unit: &str| {
        // The unit agrees with the number said last: `at least 1 item`, `1 to 36 characters`.
        let unit = |n: usize| if n == 1 { unit.to_string() } else { format!("{unit}s") };
        match (min, max) {
            (Some(a), Some(b)) if a == b => format!("exactly {a} {}", unit(a)),
            (Some(a), Some(b)) => format!("{a} to {b} {}", unit(b)),
            (Some(a), None) => format!("at least {a} {}", unit(a)),
            (None, Some(b)) => format!("at most {b} {}", unit(b)),
            (None, None) => String::new(),
        }
    };
    match limit {
        Limit::Length { min, max } => count(*min, *max, "character"),
        Limit::Items { min, max } => count(*min, *max, "item"),
        Limit::Range { min, max } => {
            let low = min.map(|(v, exclusive)| (if exclusive { "more than" } else { "at least" }, number(v)));
            let high = max.map(|(v, exclusive)| (if exclusive { "less than" } else { "at most" }, number(v)));
            match (low, high) {
                (Some(("at least", a)), Some(("at most", b))) => format!("{a} to {b}"),
                (Some((l, a)), Some((h, b))) => format!("{l} {a} and {h} {b}"),
                (Some((l, a)), None) => format!("{l} {a}"),
                (None, Some((h, b))) => format!("{h} {b}"),
                (None, None) => String::new(),
            }
        }
    }
}

/// A bound as written in a spec: `5`, not `5.0`.
fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        format!("{v}")
    }
}

/// `# Example`: the call, with the required arguments by name.
fn example(op: &Operation) -> String {
    let mut args: Vec<String> = op.params.iter().filter(|p| p.required).map(|p| p.rust_name.clone()).collect();
    let no_optional = op.params.iter().all(|p| p.required);
    if op.params_type.is_some() {
        args.push(if no_optional { "&Default::default()" } else { "&params" }.to_string());
    }
    if let Some(b) = &op.body {
        // Bodies are borrowed, except raw bytes (see `body_arg_type`).
        let body = if b.encoding == BodyEncoding::Binary { "body" } else { "&body" };
        args.push(if b.required { body.to_string() } else { format!("Some({body})") });
    }
    let call = format!("client.{}({})", op.rust_name, args.join(", "));
    let code = if op.paginated.is_some() {
        format!(
            "let first_page = {call}.await?;\n// Every item of every page (`try_collect` is `futures_util::TryStreamExt`'s):\n\
             let all: Vec<_> = {call}.items().try_collect().await?;"
        )
    } else if matches!(op.response, ResponseBody::Stream { .. }) {
        format!(
            "let mut stream = {call}.await?;\n// `try_next` is `futures_util::TryStreamExt`'s:\n\
             while let Some(item) = stream.try_next().await? {{\n    println!(\"{{item:?}}\");\n}}"
        )
    } else if matches!(op.response, ResponseBody::Empty) {
        format!("{call}.await?;")
    } else {
        format!("let value = {call}.await?;")
    };
    let params = match &op.params_type {
        Some(_) if no_optional => String::new(),
        Some(pt) => format!("`params` is a `types::{pt}` (`Default`, with a setter per parameter). "),
        None => String::new(),
    };
    format!(
        "# Example\n\n{params}With `client` a `Client` and the arguments in scope, in an async function \
         returning `Result<_, Error>`:\n\n```text\n{code}\n```"
    )
}
