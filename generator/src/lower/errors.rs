//! An operation's error responses → its error type ([`ir::ErrorType`]): the schemas of the
//! responses it declares for error statuses (non-2xx codes, `4XX`-style ranges, `default`), one
//! variant each, named after the status; then operations whose error responses are the same
//! share one enum (the others' types become aliases of it), so a big spec, whose operations
//! mostly repeat a few `$ref`ed error responses, gets a few enums rather than one per operation.

use super::Cx;
use crate::diag::{ptr, Diagnostic};
use crate::ir::{self, ErrorStatus, ErrorVariant, TypeKind, TypeRef};
use openapiv3::{Operation, ReferenceOr, Response, StatusCode};
use std::collections::BTreeMap;

/// The error type of `op`, when it declares an error response with a JSON schema. `redirects`:
/// the `3xx` codes that are its answers (not errors).
pub(super) fn lower<'a>(
    cx: &mut Cx<'a>,
    op: &'a Operation,
    pointer: &str,
    type_hint: &str,
    rust_name: &str,
    redirects: &[u16],
) -> Option<ir::ErrorType> {
    let responses = &op.responses;
    let has_success =
        responses.responses.keys().any(|c| matches!(c, StatusCode::Code(200..=299) | StatusCode::Range(2)));
    let mut declared: Vec<(ErrorStatus, &'a ReferenceOr<Response>, String)> = Vec::new();
    for (code, resp) in &responses.responses {
        match code {
            StatusCode::Code(200..=299) | StatusCode::Range(2) => {}
            StatusCode::Code(c) if redirects.contains(c) => {}
            StatusCode::Code(c) => declared.push((ErrorStatus::Code(*c), resp, c.to_string())),
            StatusCode::Range(r) => declared.push((ErrorStatus::Range(*r), resp, format!("{r}XX"))),
        }
    }
    // Without a `2xx` or a redirect, `default` is the success response (see `response_parts`).
    if has_success || !redirects.is_empty() {
        if let Some(resp) = &responses.default {
            declared.push((ErrorStatus::Default, resp, "default".to_string()));
        }
    }
    declared.sort_by_key(|(status, _, _)| *status);

    let mut variants = Vec::new();
    let mut undecoded = Vec::new();
    for (status, resp, label) in declared {
        let r_ptr = ptr(pointer, &["responses", &label]);
        let Some(resp) = resolve(cx, resp, &r_ptr) else {
            undecoded.push(status);
            continue;
        };
        let json = resp
            .content
            .iter()
            .find(|(m, c)| super::operation::is_json(m) && !c.extensions.contains_key(crate::upgrade::items::STREAM));
        let Some((media, schema)) = json.and_then(|(m, c)| c.schema.as_ref().map(|s| (m, s))) else {
            undecoded.push(status);
            continue;
        };
        let name = variant_name(status);
        let s_ptr = ptr(&r_ptr, &["content", media, "schema"]);
        let before = cx.diags.len();
        let ty = cx.type_of_ref(schema, &format!("{type_hint}_{name}_body"), &s_ptr, 0);
        if cx.diags.len() > before {
            // A schema the generator cannot type, met only in an error response, does not stop
            // the client: that status stays untyped (its body is still the error's excerpt).
            let found: Vec<Diagnostic> = cx.diags.drain(before..).collect();
            for d in found {
                let message = format!("the error response is left untyped: {}", d.message);
                cx.warnings.push(Diagnostic::warning(d.pointer, message));
            }
            undecoded.push(status);
            continue;
        }
        let description = Some(resp.description.trim().to_string()).filter(|d| !d.is_empty());
        variants.push(ErrorVariant { rust_name: name, status, ty, description });
    }
    if variants.is_empty() {
        return None;
    }
    Some(ir::ErrorType {
        name: cx.fresh_name(&format!("{type_hint}_error")),
        operation: rust_name.to_string(),
        variants,
        undecoded,
        alias_of: None,
        source: ptr(pointer, &["responses"]),
    })
}

/// The response a `$ref` names (a warning when it names nothing).
fn resolve<'a>(cx: &mut Cx<'a>, resp: &'a ReferenceOr<Response>, r_ptr: &str) -> Option<&'a Response> {
    match resp {
        ReferenceOr::Item(r) => Some(r),
        ReferenceOr::Reference { reference } => {
            let doc = cx.doc;
            let name = reference.strip_prefix("#/components/responses/").map(super::unescape);
            match name.as_ref().and_then(|n| doc.components.as_ref().and_then(|c| c.responses.get(n))) {
                Some(ReferenceOr::Item(r)) => Some(r),
                _ => {
                    // Error responses were never read before they were typed: a dangling one is
                    // not worth failing a spec that generated then.
                    let message = format!("`$ref: {reference}` points to nothing; the error response is left untyped");
                    cx.warnings.push(Diagnostic::warning(r_ptr, message));
                    None
                }
            }
        }
    }
}

/// A variant's name: the status's reason phrase (RFC 9110 and the registered codes), the
/// range's class, `Default`, or `Status{code}` for a code with no registered phrase.
fn variant_name(status: ErrorStatus) -> String {
    let known = match status {
        ErrorStatus::Default => "Default",
        ErrorStatus::Range(1) => "Informational",
        ErrorStatus::Range(3) => "Redirection",
        ErrorStatus::Range(4) => "ClientError",
        ErrorStatus::Range(5) => "ServerError",
        ErrorStatus::Range(r) => return format!("Status{r}xx"),
        ErrorStatus::Code(code) => match code {
            300 => "MultipleChoices",
            301 => "MovedPermanently",
            302 => "Found",
            303 => "SeeOther",
            304 => "NotModified",
            307 => "TemporaryRedirect",
            308 => "PermanentRedirect",
            400 => "BadRequest",
            401 => "Unauthorized",
            402 => "PaymentRequired",
            403 => "Forbidden",
            404 => "NotFound",
            405 => "MethodNotAllowed",
            406 => "NotAcceptable",
            407 => "ProxyAuthenticationRequired",
            408 => "RequestTimeout",
            409 => "Conflict",
            410 => "Gone",
            411 => "LengthRequired",
            412 => "PreconditionFailed",
            413 => "ContentTooLarge",
            414 => "UriTooLong",
            415 => "UnsupportedMediaType",
            416 => "RangeNotSatisfiable",
            417 => "ExpectationFailed",
            421 => "MisdirectedRequest",
            422 => "UnprocessableEntity",
            423 => "Locked",
            424 => "FailedDependency",
            425 => "TooEarly",
            426 => "UpgradeRequired",
            428 => "PreconditionRequired",
            429 => "TooManyRequests",
            431 => "RequestHeaderFieldsTooLarge",
            451 => "UnavailableForLegalReasons",
            500 => "InternalServerError",
            501 => "NotImplemented",
            502 => "BadGateway",
            503 => "ServiceUnavailable",
            504 => "GatewayTimeout",
            505 => "HttpVersionNotSupported",
            507 => "InsufficientStorage",
            508 => "LoopDetected",
            511 => "NetworkAuthenticationRequired",
            other => return format!("Status{other}"),
        },
    };
    known.to_string()
}

/// Error types of the same shape (the same statuses, with the same body types, model aliases
/// resolved, and descriptions) become aliases of the first by name: one enum and its impls per
/// distinct set of error responses. Runs after the models' own dedupe.
pub(super) fn dedupe(api: &mut ir::Api) {
    let types = &api.types;
    // The model a name stands for once aliases are followed (bounded: aliases may not loop, but
    // a bug must not hang the generator).
    let canonical = |t: &TypeRef| -> TypeRef {
        let mut t = t.clone();
        for _ in 0..64 {
            match &t {
                TypeRef::Named(n) => match types.get(n).map(|d| &d.kind) {
                    Some(TypeKind::Alias(target @ TypeRef::Named(_))) => t = target.clone(),
                    _ => break,
                },
                _ => break,
            }
        }
        t
    };
    let mut first: BTreeMap<String, String> = BTreeMap::new();
    let mut aliases: Vec<(String, String)> = Vec::new();
    for (name, e) in &api.errors {
        let key = format!(
            "{:?}|{:?}",
            e.variants.iter().map(|v| (v.status, canonical(&v.ty), &v.description)).collect::<Vec<_>>(),
            e.undecoded
        );
        match first.get(&key) {
            Some(original) => aliases.push((name.clone(), original.clone())),
            None => {
                first.insert(key, name.clone());
            }
        }
    }
    for (name, original) in aliases {
        if let Some(e) = api.errors.get_mut(&name) {
            e.alias_of = Some(original);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::ir::ErrorStatus;

    #[test]
    fn error_responses_the_generator_cannot_read_are_left_untyped_with_warnings() {
        // A dangling response `$ref` (404) and a schema `$ref` to nothing (422): warnings, the
        // statuses stay untyped (not left to `4XX`), the rest is typed and the spec generates.
        let spec = r##"{"openapi": "3.0.3", "info": {"title": "T", "version": "1"}, "paths": {
            "/a": {"get": {"operationId": "a", "responses": {
                "200": {"description": "ok"},
                "404": {"$ref": "#/components/responses/gone"},
                "422": {"description": "bad", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Missing"}}}},
                "4XX": {"description": "client", "content": {"application/json": {"schema": {"type": "string"}}}}}}}}}"##;
        let Ok((api, warnings)) = crate::lower_with_warnings(spec) else { panic!("does not lower") };
        let pointers: Vec<&str> = warnings.0.iter().map(|w| w.pointer.as_str()).collect();
        assert_eq!(
            pointers,
            ["/paths/~1a/get/responses/404", "/paths/~1a/get/responses/422/content/application~1json/schema"]
        );
        assert!(warnings.0.iter().all(|w| w.message.contains("left untyped")), "{warnings}");
        let Some(e) = api.errors.get("AError") else { panic!("no error type: {:?}", api.errors) };
        assert_eq!(e.undecoded, [ErrorStatus::Code(404), ErrorStatus::Code(422)]);
        let variants: Vec<(&str, ErrorStatus)> = e.variants.iter().map(|v| (v.rust_name.as_str(), v.status)).collect();
        assert_eq!(variants, [("ClientError", ErrorStatus::Range(4))]);
    }
}
