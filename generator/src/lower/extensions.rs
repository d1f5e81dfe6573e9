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
//! x-client:     { retry-count-header: NAME }
//! x-idempotency: { header: NAME, methods: [post, patch] }   (operations: `x-idempotency: true|false`)
//! x-fern-idempotency-headers: [{ header: NAME, name: N }]   (operations: `x-fern-idempotent: true`)
//! x-speakeasy-retries: { strategy, backoff: {…}, statusCodes, retryConnectionErrors }   (root or operation)
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
            check_keys(cx, map, &["base-url-env", "retry-count-header"], "/x-client");
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

/// The root's declarations about retries, read once and applied to each operation by
/// [`operation_retry`].
#[derive(Default)]
pub(crate) struct RetryDecl {
    /// `x-speakeasy-retries` at the root: every operation's policy unless it has its own.
    policy: Option<ir::RetryPolicy>,
    /// The idempotency header, and the methods that send it unless an operation says.
    idempotency: Option<IdempotencyDecl>,
    /// `x-client.retry-count-header`.
    count_header: Option<String>,
}

struct IdempotencyDecl {
    header: String,
    /// The methods whose operations send the key by default (`x-idempotency.methods`; none for
    /// Fern's declaration, whose operations opt in).
    methods: Vec<ir::Method>,
}

/// Whether `name` is a valid HTTP header name (an RFC 9110 token).
fn is_header_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

fn header_field(cx: &mut Cx<'_>, map: &serde_json::Map<String, Value>, key: &str, pointer: &str) -> Option<String> {
    let name = string_field(cx, map, key, pointer, true)?;
    if is_header_name(&name) {
        Some(name)
    } else {
        cx.error(Diagnostic::invalid(ptr(pointer, &[key]), format!("`{name}` is not a valid header name")));
        None
    }
}

/// Reads the root's `x-idempotency`, `x-fern-idempotency-headers`, `x-speakeasy-retries` and
/// `x-client.retry-count-header`.
pub(crate) fn read_retry_root(cx: &mut Cx<'_>) {
    let ext = &cx.doc.extensions;
    if let Some(map) = ext.get("x-client").and_then(Value::as_object) {
        if map.contains_key("retry-count-header") {
            cx.retry_decl.count_header = header_field(cx, map, "retry-count-header", "/x-client");
        }
    }
    if let Some(v) = ext.get("x-speakeasy-retries") {
        cx.retry_decl.policy = speakeasy_retries(cx, v, "/x-speakeasy-retries");
    }
    let ours = ext.get("x-idempotency");
    let fern = ext.get("x-fern-idempotency-headers");
    if ours.is_some() && fern.is_some() {
        cx.error(Diagnostic::invalid(
            "/x-fern-idempotency-headers",
            "declare the idempotency header once: `x-idempotency` or `x-fern-idempotency-headers`, not both",
        ));
        return;
    }
    if let Some(v) = ours {
        let p = "/x-idempotency";
        let Some(map) = object(cx, v, p) else { return };
        check_keys(cx, map, &["header", "methods"], p);
        let header = header_field(cx, map, "header", p);
        let methods = match map.get("methods") {
            None => vec![ir::Method::Post, ir::Method::Patch],
            Some(Value::Array(items)) => {
                let mut methods = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    match item.as_str().and_then(method_named) {
                        Some(m) => methods.push(m),
                        None => cx.error(Diagnostic::invalid(
                            ptr(p, &["methods", &i.to_string()]),
                            "expected a lower-case HTTP method (get, put, post, delete, options, head, patch, trace)",
                        )),
                    }
                }
                methods
            }
            Some(_) => {
                cx.error(Diagnostic::invalid(ptr(p, &["methods"]), "expected a list of HTTP methods"));
                Vec::new()
            }
        };
        if let Some(header) = header {
            cx.retry_decl.idempotency = Some(IdempotencyDecl { header, methods });
        }
    }
    if let Some(v) = fern {
        let p = "/x-fern-idempotency-headers";
        let Some(items) = v.as_array().filter(|items| !items.is_empty()) else {
            cx.error(Diagnostic::invalid(p, "expected a non-empty list of `{header, name}`"));
            return;
        };
        let mut first = None;
        for (i, item) in items.iter().enumerate() {
            let at = ptr(p, &[&i.to_string()]);
            let Some(map) = object(cx, item, &at) else { continue };
            check_keys(cx, map, &["header", "name", "env"], &at);
            let Some(header) = header_field(cx, map, "header", &at) else { continue };
            if first.is_none() {
                first = Some(header);
            } else {
                // Fern's SDKs take a value for each from the caller; this client generates the
                // key alone.
                cx.warnings.push(Diagnostic::warning(
                    ptr(&at, &["header"]),
                    format!("only the first idempotency header carries a key; `{header}` is not sent"),
                ));
            }
        }
        if let Some(header) = first {
            cx.retry_decl.idempotency = Some(IdempotencyDecl { header, methods: Vec::new() });
        }
    }
}

fn method_named(name: &str) -> Option<ir::Method> {
    Some(match name {
        "get" => ir::Method::Get,
        "put" => ir::Method::Put,
        "post" => ir::Method::Post,
        "delete" => ir::Method::Delete,
        "options" => ir::Method::Options,
        "head" => ir::Method::Head,
        "patch" => ir::Method::Patch,
        "trace" => ir::Method::Trace,
        _ => return None,
    })
}

/// Speakeasy's defaults for a `backoff` it leaves out.
const SPEAKEASY_INITIAL_MS: u64 = 500;
const SPEAKEASY_MAX_MS: u64 = 60_000;
const SPEAKEASY_MAX_ELAPSED_MS: u64 = 3_600_000;
const SPEAKEASY_EXPONENT: f64 = 1.5;

/// `x-speakeasy-retries` → a retry policy (`strategy: none` is a policy that retries nothing).
fn speakeasy_retries(cx: &mut Cx<'_>, value: &Value, pointer: &str) -> Option<ir::RetryPolicy> {
    let map = object(cx, value, pointer)?;
    check_keys(cx, map, &["strategy", "backoff", "statusCodes", "retryConnectionErrors"], pointer);
    let errors_before = cx.diags.len();
    match map.get("strategy").and_then(Value::as_str) {
        Some("backoff") => {}
        Some("none") => {
            return Some(ir::RetryPolicy {
                statuses: Vec::new(),
                initial_ms: SPEAKEASY_INITIAL_MS,
                max_ms: SPEAKEASY_MAX_MS,
                exponent: SPEAKEASY_EXPONENT,
                max_elapsed_ms: None,
                connection_errors: false,
            });
        }
        Some(other) => {
            cx.error(Diagnostic::invalid(
                ptr(pointer, &["strategy"]),
                format!("unknown strategy `{other}` (expected `backoff` or `none`)"),
            ));
        }
        None if map.contains_key("strategy") => {
            cx.error(Diagnostic::invalid(ptr(pointer, &["strategy"]), "expected `backoff` or `none`"));
        }
        None => cx.error(Diagnostic::invalid(pointer, "missing `strategy` (`backoff` or `none`)")),
    }
    let mut policy = ir::RetryPolicy {
        statuses: vec![(408, 408), (409, 409), (429, 429), (500, 599)],
        initial_ms: SPEAKEASY_INITIAL_MS,
        max_ms: SPEAKEASY_MAX_MS,
        exponent: SPEAKEASY_EXPONENT,
        max_elapsed_ms: Some(SPEAKEASY_MAX_ELAPSED_MS),
        connection_errors: false,
    };
    if let Some(v) = map.get("backoff") {
        let p = ptr(pointer, &["backoff"]);
        if let Some(backoff) = object(cx, v, &p) {
            check_keys(cx, backoff, &["initialInterval", "maxInterval", "maxElapsedTime", "exponent"], &p);
            let backoff_errors = cx.diags.len();
            let millis = |cx: &mut Cx<'_>, key: &str, slot: &mut u64| match backoff.get(key) {
                None => {}
                Some(v) => match v.as_u64() {
                    Some(n) => *slot = n,
                    None => cx.error(Diagnostic::invalid(
                        ptr(&p, &[key]),
                        "expected a whole number of milliseconds (0 or more)",
                    )),
                },
            };
            millis(cx, "initialInterval", &mut policy.initial_ms);
            millis(cx, "maxInterval", &mut policy.max_ms);
            let mut elapsed = SPEAKEASY_MAX_ELAPSED_MS;
            millis(cx, "maxElapsedTime", &mut elapsed);
            policy.max_elapsed_ms = Some(elapsed);
            match backoff.get("exponent") {
                None => {}
                Some(v) => match v.as_f64().filter(|e| e.is_finite() && *e >= 1.0) {
                    Some(e) => policy.exponent = e,
                    None => cx.error(Diagnostic::invalid(
                        ptr(&p, &["exponent"]),
                        "expected a number of at least 1 (the factor each delay grows by)",
                    )),
                },
            }
            // Compared only when both were read (a bad value already has its diagnostic).
            if cx.diags.len() == backoff_errors && policy.initial_ms > policy.max_ms {
                cx.error(Diagnostic::invalid(
                    ptr(&p, &["initialInterval"]),
                    format!(
                        "initialInterval ({} ms) is longer than maxInterval ({} ms)",
                        policy.initial_ms, policy.max_ms
                    ),
                ));
            }
        }
    }
    if let Some(v) = map.get("statusCodes") {
        let p = ptr(pointer, &["statusCodes"]);
        match v.as_array() {
            Some(items) => {
                policy.statuses.clear();
                for (i, item) in items.iter().enumerate() {
                    match status_range(item) {
                        Some(range) => policy.statuses.push(range),
                        None => cx.error(Diagnostic::invalid(
                            ptr(&p, &[&i.to_string()]),
                            format!("`{item}` is not a status code (100 to 599) or a range like `5XX`"),
                        )),
                    }
                }
                policy.statuses.sort_unstable();
                policy.statuses.dedup();
            }
            None => cx.error(Diagnostic::invalid(&p, "expected a list of status codes and ranges (`5XX`)")),
        }
    }
    match map.get("retryConnectionErrors") {
        None => {}
        Some(Value::Bool(b)) => policy.connection_errors = *b,
        Some(_) => {
            cx.error(Diagnostic::invalid(ptr(pointer, &["retryConnectionErrors"]), "expected `true` or `false`"))
        }
    }
    (cx.diags.len() == errors_before).then_some(policy)
}

/// A status code (`429`, `"429"`) or a range (`"5XX"`), as an inclusive range.
fn status_range(value: &Value) -> Option<(u16, u16)> {
    let text = match value {
        Value::Number(n) => n.as_u64()?.to_string(),
        Value::String(s) => s.clone(),
        _ => return None,
    };
    let bytes = text.as_bytes();
    let &[first, second, third] = bytes else { return None };
    let hundreds = u16::from(first.checked_sub(b'0')?);
    if !(1..=5).contains(&hundreds) {
        return None;
    }
    if second.eq_ignore_ascii_case(&b'x') && third.eq_ignore_ascii_case(&b'x') {
        return Some((hundreds * 100, hundreds * 100 + 99));
    }
    let code: u16 = text.parse().ok()?;
    Some((code, code))
}

/// What the spec says about retrying one operation: its policy (its own `x-speakeasy-retries`,
/// else the root's), its idempotency header (when the root declares one and the operation, or
/// its method, sends it), the retry-count header; and whether the operation is retried at all,
/// given `x-retryable` (`explicit`) and its method.
pub(crate) fn operation_retry(
    cx: &mut Cx<'_>,
    op: &openapiv3::Operation,
    method: ir::Method,
    explicit: Option<bool>,
    pointer: &str,
) -> (ir::Retry, bool) {
    let policy = match op.extensions.get("x-speakeasy-retries") {
        Some(v) => speakeasy_retries(cx, v, &ptr(pointer, &["x-speakeasy-retries"])),
        None => cx.retry_decl.policy.clone(),
    };
    let mut opt_in = None;
    for key in ["x-idempotency", "x-fern-idempotent"] {
        match op.extensions.get(key) {
            None => {}
            Some(Value::Bool(b)) => {
                opt_in = opt_in.or(Some(*b));
                if cx.retry_decl.idempotency.is_none() {
                    cx.error(Diagnostic::invalid(
                        ptr(pointer, &[key]),
                        "no idempotency header is declared: add a root `x-idempotency: {header: …}` (or \
                         `x-fern-idempotency-headers`)",
                    ));
                }
            }
            Some(_) => cx.error(Diagnostic::invalid(ptr(pointer, &[key]), "expected `true` or `false`")),
        }
    }
    let idempotency_header = cx
        .retry_decl
        .idempotency
        .as_ref()
        .and_then(|decl| opt_in.unwrap_or_else(|| decl.methods.contains(&method)).then(|| decl.header.clone()));
    if explicit == Some(false) && idempotency_header.is_some() {
        cx.warnings.push(Diagnostic::warning(
            ptr(pointer, &["x-retryable"]),
            "the operation sends an idempotency key, which makes it safe to retry: it is retried anyway (opt it \
             out of the key with `x-idempotency: false`)",
        ));
    }
    // Speakeasy retries every operation its policy covers, whatever the method; a key makes a
    // retry safe.
    let retryable = explicit.unwrap_or(method.idempotent() || policy.is_some()) || idempotency_header.is_some();
    let retry = ir::Retry { policy, idempotency_header, count_header: cx.retry_decl.count_header.clone() };
    (retry, retryable)
}

#[cfg(test)]
mod tests {
    use crate::ir::Operation;

    const HEAD: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n";

    fn op<'a>(api: &'a crate::ir::Api, name: &str) -> &'a Operation {
        api.operations.iter().find(|o| o.rust_name == name).unwrap()
    }

    #[test]
    fn a_key_makes_an_operation_retryable_and_x_retryable_false_gives_way_with_a_warning() {
        let spec = format!(
            "{HEAD}x-idempotency: {{header: Idempotency-Key}}\npaths:\n  /a:\n    post:\n      operationId: keyed\n      \
             x-retryable: false\n      responses: {{'200': {{description: ok}}}}\n    patch:\n      operationId: plain\n      \
             x-idempotency: false\n      responses: {{'200': {{description: ok}}}}\n"
        );
        let (api, warnings) = crate::lower_with_warnings(&spec).unwrap();
        let keyed = op(&api, "keyed");
        assert!(keyed.retryable);
        assert_eq!(keyed.retry.idempotency_header.as_deref(), Some("Idempotency-Key"));
        let plain = op(&api, "plain");
        assert!(!plain.retryable);
        assert_eq!(plain.retry, crate::ir::Retry::default());
        let text = warnings.to_string();
        assert!(text.contains("/paths/~1a/post/x-retryable") && text.contains("retried anyway"), "{text}");
    }

    #[test]
    fn fern_sends_only_the_first_header_and_only_where_opted_in() {
        let spec = format!(
            "{HEAD}x-fern-idempotency-headers:\n  - {{header: Idempotency-Key, name: key}}\n  - {{header: Idempotency-Expiry}}\n\
             paths:\n  /a:\n    post:\n      operationId: opted\n      x-fern-idempotent: true\n      \
             responses: {{'200': {{description: ok}}}}\n    patch:\n      operationId: other\n      \
             responses: {{'200': {{description: ok}}}}\n"
        );
        let (api, warnings) = crate::lower_with_warnings(&spec).unwrap();
        assert_eq!(op(&api, "opted").retry.idempotency_header.as_deref(), Some("Idempotency-Key"));
        assert!(op(&api, "opted").retryable);
        assert_eq!(op(&api, "other").retry.idempotency_header, None);
        assert!(!op(&api, "other").retryable);
        let text = warnings.to_string();
        assert!(text.contains("/x-fern-idempotency-headers/1/header") && text.contains("Idempotency-Expiry"), "{text}");
    }

    #[test]
    fn speakeasy_statuses_and_defaults() {
        let spec = format!(
            "{HEAD}paths:\n  /a:\n    post:\n      operationId: a\n      x-speakeasy-retries:\n        strategy: backoff\n        \
             statusCodes: [503, 5xx, '429', 2XX]\n      responses: {{'200': {{description: ok}}}}\n"
        );
        let (api, _) = crate::lower_with_warnings(&spec).unwrap();
        let a = op(&api, "a");
        assert!(a.retryable, "Speakeasy retries any method its policy covers");
        let policy = a.retry.policy.as_ref().unwrap();
        assert_eq!(policy.statuses, [(200, 299), (429, 429), (500, 599), (503, 503)]);
        assert_eq!((policy.initial_ms, policy.max_ms, policy.max_elapsed_ms), (500, 60_000, Some(3_600_000)));
        assert_eq!(policy.exponent, 1.5);
        assert!(!policy.connection_errors);
    }
}
