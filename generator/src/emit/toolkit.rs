//! The emitters' shared toolkit: identifiers, Rust types spelled from [`TypeRef`]s (as tokens
//! or text), string literals, and alias resolution. Doc text has a module of its own, `docs`;
//! text is written through `writer`.

use crate::ir::{Api, TypeKind, TypeRef};
use proc_macro2::{Ident, Span, TokenStream};

pub(crate) fn ident(name: &str) -> Ident {
    // Names reaching here come from `naming` and are checked by `lower::check_names` before emission;
    // the fallback only keeps `Ident::new` from panicking if that ever failed.
    if crate::naming::is_ident(name) {
        Ident::new(name, Span::call_site())
    } else {
        Ident::new("__invalid_identifier", Span::call_site())
    }
}

/// The Rust type for a type reference; named types are prefixed with `prefix` (e.g. `types::`).
pub(crate) fn ty(t: &TypeRef, prefix: &str) -> TokenStream {
    // Spelled once, in `ty_text`; the names in it are checked identifiers, so it always lexes.
    ty_text(t, prefix).parse().unwrap_or_default()
}

/// `text` as a Rust string literal, for code written as text.
pub(crate) fn lit(text: &str) -> String {
    format!("{text:?}")
}

/// The Rust type for a type reference, as text; named types get `prefix` (e.g. `types::`).
pub(crate) fn ty_text(t: &TypeRef, prefix: &str) -> String {
    match t {
        TypeRef::String => "String".into(),
        TypeRef::Bool => "bool".into(),
        TypeRef::True => "crate::rt::True".into(),
        TypeRef::False => "crate::rt::False".into(),
        TypeRef::I32 => "i32".into(),
        TypeRef::I64 => "i64".into(),
        TypeRef::F64 => "f64".into(),
        TypeRef::DateTime => "chrono::DateTime<chrono::Utc>".into(),
        TypeRef::Date => "chrono::NaiveDate".into(),
        TypeRef::Uuid => "uuid::Uuid".into(),
        TypeRef::Url => "url::Url".into(),
        TypeRef::Base64 => "crate::rt::Base64".into(),
        TypeRef::Json => "serde_json::Value".into(),
        TypeRef::Named(n) => format!("{prefix}{n}"),
        TypeRef::Vec(inner) => format!("Vec<{}>", ty_text(inner, prefix)),
        TypeRef::Map(inner) => format!("std::collections::BTreeMap<String, {}>", ty_text(inner, prefix)),
        TypeRef::Nullable(inner) => format!("Option<{}>", ty_text(inner, prefix)),
        TypeRef::Boxed(inner) => format!("Box<{}>", ty_text(inner, prefix)),
    }
}

/// Follows aliases to the type a named alias stands for.
pub(crate) fn resolve<'a>(api: &'a Api, t: &'a TypeRef) -> &'a TypeRef {
    let mut current = t;
    for _ in 0..64 {
        match current {
            TypeRef::Named(n) => match api.types.get(n).map(|d| &d.kind) {
                Some(TypeKind::Alias(inner)) => current = inner,
                _ => return current,
            },
            _ => return current,
        }
    }
    current
}
