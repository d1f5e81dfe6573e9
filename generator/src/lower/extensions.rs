//! Root-level `x-` extensions and security schemes.
//!
//! Whatever the client runtime needs to know about one API (its envelope, its pagination
//! scheme, the environment variables that hold credentials) is declared in the spec:
//!
//! ```yaml
//! x-client:     { base-url-env: NAME }
//! x-envelope:   { success: P, result: P, errors: P, messages: P }
//! x-pagination: { page-param: Q, per-page-param: Q, info: P, total-pages: P }   (or style keys: see `pagination.rs`)
//! components.securitySchemes.<name>.x-env: NAME
//! ```

use super::Cx;
use crate::diag::{ptr, Diagnostic};
use crate::ir::{self, SchemeKind};
use crate::naming::{self, Namer};
use openapiv3::{APIKeyLocation, ReferenceOr, SecurityScheme};
use serde_json::Value;

/// `x-envelope` as declared (property names).
pub(crate) struct EnvelopeDecl {
    pub success: String,
    pub result: String,
    pub errors: String,
    pub messages: String,
}

fn object<'v>(cx: &mut Cx<'_>, value: &'v Value, pointer: &str) -> Option<&'v serde_json::Map<String, Value>> {
    let map = value.as_object();
    if map.is_none() {
        cx.error(Diagnostic::invalid(pointer, "expected an object"));
    }
    map
}

fn string_field(
    cx: &mut Cx<'_>,
    map: &serde_json::Map<String, Value>,
    key: &str,
    pointer: &str,
    required: bool,
) -> Option<String> {
    match map.get(key) {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        Some(_) => {
            cx.error(Diagnostic::invalid(ptr(pointer, &[key]), "expected a non-empty string"));
            None
        }
        None if required => {
            cx.error(Diagnostic::invalid(pointer, format!("missing `{key}`")));
            None
        }
        None => None,
    }
}

fn check_keys(cx: &mut Cx<'_>, map: &serde_json::Map<String, Value>, known: &[&str], pointer: &str) {
    for key in map.keys() {
        if !known.contains(&key.as_str()) {
            cx.error(Diagnostic::invalid(
                ptr(pointer, &[key]),
                format!("unknown key `{key}` (expected one of: {})", known.join(", ")),
            ));
        }
    }
}

pub(crate) fn read_root(cx: &mut Cx<'_>) {
    let ext = &cx.doc.extensions;
    if let Some(v) = ext.get("x-client") {
        if let Some(map) = object(cx, v, "/x-client") {
            check_keys(cx, map, &["base-url-env"], "/x-client");
            cx.api.base_url_env = string_field(cx, map, "base-url-env", "/x-client", false);
        }
    }
    if let Some(v) = ext.get("x-envelope") {
        if let Some(map) = object(cx, v, "/x-envelope") {
            let p = "/x-envelope";
            check_keys(cx, map, &["success", "result", "errors", "messages"], p);
            let fields = (
                string_field(cx, map, "success", p, true),
                string_field(cx, map, "result", p, true),
                string_field(cx, map, "errors", p, true),
                string_field(cx, map, "messages", p, true),
            );
            if let (Some(success), Some(result), Some(errors), Some(messages)) = fields {
                cx.envelope_decl = Some(EnvelopeDecl { success, result, errors, messages });
            }
        }
    }
    // The envelope form; the style form is read by `pagination.rs`.
    if let Some(v) = ext.get("x-pagination").filter(|v| v.as_object().is_some_and(super::pagination::is_legacy)) {
        if let Some(map) = object(cx, v, "/x-pagination") {
            let p = "/x-pagination";
            check_keys(cx, map, &["page-param", "per-page-param", "info", "total-pages"], p);
            let page = string_field(cx, map, "page-param", p, true);
            let per_page = string_field(cx, map, "per-page-param", p, false);
            let info = string_field(cx, map, "info", p, true);
            let total = string_field(cx, map, "total-pages", p, true);
            if cx.envelope_decl.is_none() {
                cx.error(Diagnostic::invalid(p, "`x-pagination` needs `x-envelope`: pages are read from the envelope"));
            }
            if let (Some(page_param), Some(info), Some(total_pages)) = (page, info, total) {
                cx.pagination_decl =
                    Some(ir::PaginationScheme { page_param, per_page_param: per_page, info, total_pages });
            }
        }
    }
}

pub(crate) fn lower_security(cx: &mut Cx<'_>) {
    let doc = cx.doc;
    let Some(components) = &doc.components else {
        if doc.security.as_ref().is_some_and(|s| s.iter().any(|r| !r.is_empty())) {
            cx.error(Diagnostic::invalid(
                "/security",
                "`security` names schemes, but there are no components.securitySchemes",
            ));
        }
        return;
    };
    // Credential setters live on the client builder: never shadow one of its own methods.
    let mut namer = Namer::with_taken(
        openapi_rust_runtime_model::reserved::BUILDER_METHODS
            .iter()
            .chain(openapi_rust_runtime_model::reserved::ALSO_TAKEN)
            .copied(),
    );
    for name in components.security_schemes.keys() {
        namer.reserve(name, naming::snake(name));
    }
    let names = namer.resolve();
    for (name, scheme) in &components.security_schemes {
        let pointer = ptr("/components/securitySchemes", &[name]);
        let ReferenceOr::Item(scheme) = scheme else {
            cx.error(Diagnostic::unsupported(&pointer, "`$ref` security schemes are not supported"));
            continue;
        };
        let (kind, description, extensions) = match scheme {
            SecurityScheme::HTTP { scheme, description, extensions, .. } => {
                let kind = match scheme.to_ascii_lowercase().as_str() {
                    "bearer" => SchemeKind::Bearer,
                    "basic" => SchemeKind::Basic,
                    other => {
                        cx.error(Diagnostic::unsupported(
                            ptr(&pointer, &["scheme"]),
                            format!("HTTP auth scheme `{other}` is not supported (bearer and basic are)"),
                        ));
                        continue;
                    }
                };
                (kind, description, extensions)
            }
            SecurityScheme::APIKey { location, name: wire, description, extensions } => {
                let kind = match location {
                    APIKeyLocation::Header => SchemeKind::Header(wire.clone()),
                    APIKeyLocation::Query => SchemeKind::Query(wire.clone()),
                    APIKeyLocation::Cookie => SchemeKind::Cookie(wire.clone()),
                };
                (kind, description, extensions)
            }
            SecurityScheme::OAuth2 { description, extensions, .. }
            | SecurityScheme::OpenIDConnect { description, extensions, .. } => {
                // The caller obtains the token; it is sent as a bearer token.
                (SchemeKind::Bearer, description, extensions)
            }
        };
        let env = match extensions.get("x-env") {
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => {
                cx.error(Diagnostic::invalid(
                    ptr(&pointer, &["x-env"]),
                    "expected the name of an environment variable",
                ));
                None
            }
            None => None,
        };
        cx.api.auth.schemes.insert(
            name.clone(),
            ir::SecurityScheme {
                spec_name: name.clone(),
                rust_name: names.get(name).cloned().unwrap_or_else(|| naming::snake(name)),
                kind,
                env,
                docs: ir::Docs {
                    description: description.clone(),
                    source: Some(pointer.clone()),
                    ..Default::default()
                },
            },
        );
    }
    for (i, requirement) in doc.security.iter().flatten().enumerate() {
        let mut alt = Vec::new();
        for scheme in requirement.keys() {
            if cx.api.auth.schemes.contains_key(scheme) {
                alt.push(scheme.clone());
            } else if !components.security_schemes.contains_key(scheme) {
                cx.error(Diagnostic::invalid(
                    ptr("/security", &[&i.to_string(), scheme]),
                    format!("security scheme `{scheme}` is not defined in components.securitySchemes"),
                ));
            }
        }
        cx.api.auth.alternatives.push(alt);
    }
    check_operation_security(cx);
}

/// Operation-level `security`: every scheme it names must exist. An operation keeps its own
/// accepted combinations only where they differ from the root's (`security: []` marks a public
/// operation).
fn check_operation_security(cx: &mut Cx<'_>) {
    use std::collections::BTreeSet;
    let doc = cx.doc;
    let defined = |name: &str| doc.components.as_ref().is_some_and(|c| c.security_schemes.contains_key(name));
    for (path, item) in doc.paths.iter() {
        let ReferenceOr::Item(item) = item else { continue };
        for (method, op) in item.iter() {
            let Some(security) = &op.security else { continue };
            let pointer = ptr("/paths", &[path, method, "security"]);
            for (i, requirement) in security.iter().enumerate() {
                for scheme in requirement.keys() {
                    if !defined(scheme) {
                        cx.error(Diagnostic::invalid(
                            ptr(&pointer, &[&i.to_string(), scheme]),
                            format!("security scheme `{scheme}` is not defined in components.securitySchemes"),
                        ));
                    }
                }
            }
        }
    }
    // Order matters between combinations (the first complete one is sent), not within one.
    let as_sets =
        |alts: &[Vec<String>]| -> Vec<BTreeSet<String>> { alts.iter().map(|a| a.iter().cloned().collect()).collect() };
    let root = as_sets(&cx.api.auth.alternatives);
    for op in &mut cx.api.operations {
        if op.security.as_deref().is_some_and(|own| as_sets(own) == root) {
            op.security = None;
        }
    }
}
