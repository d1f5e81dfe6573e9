//! The operations' error types (`errors.rs` of the API module), written as text through the
//! [`Writer`]: one enum per distinct set of error responses, a variant per declared status with
//! a JSON schema, its `ErrorBody` impl (which status decodes into which variant) and
//! `from_error`; an operation whose error responses are another's gets an alias of that enum.

use super::docs;
use super::toolkit::ty_text;
use super::types::{allow_deprecated_text, mentions_deprecated};
use super::writer::Writer;
use crate::ir::{Api, Docs, ErrorStatus, ErrorType, ErrorVariant};

/// The file's text, without the header.
pub fn emit(api: &Api) -> String {
    let mut w = Writer::with_capacity(api.errors.len() * 1_000);
    for e in api.errors.values() {
        w.blank();
        match &e.alias_of {
            Some(original) => alias(e, original, &mut w),
            None => enumeration(api, e, &mut w),
        }
    }
    let items = w.finish();
    let mut out = String::with_capacity(items.len() + 600);
    out.push_str(
        "//! The operations' error types: the bodies of the error responses each operation declares,\n\
         //! decoded when an error response's status has a schema (an operation's docs name its type).\n\
         //! Read one from an error with the type's `from_error`; the status, headers and body excerpt\n\
         //! stay on the `ApiError`. Operations with the same error responses share one enum (the\n\
         //! others' names are aliases of it).\n\n",
    );
    if items.contains("types::") {
        out.push_str("use super::types;\n\n");
    }
    out.push_str(&items);
    out
}

/// How a status reads in docs: `` `404` ``, `` `4XX` ``, `` `default` ``.
pub(super) fn status_text(status: ErrorStatus) -> String {
    match status {
        ErrorStatus::Code(c) => format!("`{c}`"),
        ErrorStatus::Range(r) => format!("`{r}XX`"),
        ErrorStatus::Default => "`default`".to_string(),
    }
}

/// The match pattern of a status.
fn pattern(status: ErrorStatus) -> String {
    match status {
        ErrorStatus::Code(c) => c.to_string(),
        ErrorStatus::Range(r) => format!("{}..={}", r * 100, r * 100 + 99),
        ErrorStatus::Default => "_".to_string(),
    }
}

fn alias(e: &ErrorType, original: &str, w: &mut Writer) {
    let text = format!(
        "The error bodies of `{}`: its error responses are those of `{original}`, of which this is an alias.\n\nSpec: `{}`.",
        e.operation, e.source
    );
    w.lines(&docs::text_comment(&text, ""));
    w.line(format_args!("pub type {} = {original};", e.name));
}

fn enumeration(api: &Api, e: &ErrorType, w: &mut Writer) {
    let deprecated = e.variants.iter().any(|v| mentions_deprecated(api, &v.ty));
    let statuses: Vec<String> = e.variants.iter().map(|v| status_text(v.status)).collect();
    let mut text = format!(
        "The error bodies of `{}`, one variant per error response the spec declares a schema for ({}). An \
         error response with one of these statuses has its whole body decoded into this type; \
         `from_error` reads it from the error.",
        e.operation,
        statuses.join(", ")
    );
    if !e.undecoded.is_empty() {
        let undecoded: Vec<String> = e.undecoded.iter().map(|s| status_text(*s)).collect();
        text.push_str(&format!(" Declared without a JSON schema, not decoded: {}.", undecoded.join(", ")));
    }
    let shared = api.errors.values().filter(|other| other.alias_of.as_deref() == Some(e.name.as_str())).count();
    match shared {
        0 => {}
        1 => text.push_str(
            " One other operation declares the same error responses: its error type is an alias of this one.",
        ),
        n => text.push_str(&format!(
            " {n} other operations declare the same error responses: their error types are aliases of this one."
        )),
    }
    text.push_str(&format!("\n\nSpec: `{}`.", e.source));
    w.lines(&docs::text_comment(&text, ""));
    // Variants of one type are all of one size: the lint only fires on bodies of different types.
    if e.variants.iter().any(|v| e.variants.first().is_some_and(|first| first.ty != v.ty)) {
        w.line("// The value lives behind the error's `Arc`, never moved by value: a big body in one variant");
        w.line("// costs nothing, and boxing it would make matching on it harder.");
        w.line("#[allow(clippy::large_enum_variant)]");
    }
    // A later version of the spec may declare another error response: a new variant then is
    // not a breaking change for callers who match on this enum.
    w.line("// Non-exhaustive: a later version of the spec may declare more error responses.");
    w.line("#[non_exhaustive]");
    w.lines(allow_deprecated_text(deprecated));
    w.line("#[derive(Debug, Clone, PartialEq)]");
    w.open(format_args!("pub enum {} {{", e.name));
    for v in &e.variants {
        let description = v.description.as_deref().unwrap_or("The response's body.");
        let docs = Docs { summary: Some(format!("{}: {description}", status_text(v.status))), ..Docs::default() };
        w.lines(&docs::comment(&docs, &[], ""));
        w.line(format_args!("{}({}),", v.rust_name, ty_text(&v.ty, "types::")));
    }
    w.close("}");
    w.blank();
    w.open(format_args!("impl {} {{", e.name));
    w.line("/// The body of `error` as this type: when it is an API error whose status declares a schema here,");
    w.line("/// and whose whole body matched it (else `ApiError::body_failure` says why not).");
    w.open("pub fn from_error(error: &crate::Error) -> Option<&Self> {");
    w.line("error.api().and_then(|e| e.body_as::<Self>())");
    w.close("}");
    w.close("}");
    w.blank();
    w.lines(allow_deprecated_text(deprecated));
    w.open(format_args!("impl crate::rt::ErrorBody for {} {{", e.name));
    if let [only @ ErrorVariant { status: ErrorStatus::Default, .. }] = e.variants.as_slice() {
        w.open("fn decode(_status: u16, body: &[u8]) -> Option<Result<Self, crate::rt::BodyMismatch>> {");
        w.line("// `default` is the only error response declared: every status's body is one.");
        w.line(format_args!("Some(crate::rt::decode_error_body(body).map(Self::{}))", only.rust_name));
        w.close("}");
        w.close("}");
        return;
    }
    w.open("fn decode(status: u16, body: &[u8]) -> Option<Result<Self, crate::rt::BodyMismatch>> {");
    w.open("let decoded = match status {");
    // Exact codes first (those without a schema too, so a range or `default` does not take
    // them), then ranges, then `default`.
    let mut arms: Vec<(ErrorStatus, Option<&str>)> =
        e.variants.iter().map(|v| (v.status, Some(&*v.rust_name))).collect();
    arms.extend(e.undecoded.iter().map(|s| (*s, None)));
    arms.sort_by_key(|(status, _)| *status);
    let has_default = arms.iter().any(|(s, _)| *s == ErrorStatus::Default);
    for (status, variant) in arms {
        match variant {
            Some(name) => {
                w.line(format_args!("{} => crate::rt::decode_error_body(body).map(Self::{name}),", pattern(status)))
            }
            None => w.line(format_args!("{} => return None,", pattern(status))),
        }
    }
    if !has_default {
        w.line("_ => return None,");
    }
    w.close("};");
    w.line("Some(decoded)");
    w.close("}");
    w.close("}");
}
