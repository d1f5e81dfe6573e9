//! Swagger 2.0 → OpenAPI 3.0, as JSON.
//!
//! - `definitions`, root `parameters` and `responses`, `securityDefinitions` → `components`
//!   (`basic` → HTTP basic, `apiKey` as it is, `oauth2` flows renamed: `application` →
//!   `clientCredentials`, `accessCode` → `authorizationCode`); `$ref`s rewritten to match;
//! - `host`/`basePath`/`schemes` → `servers` (`https` first; no `schemes`: `https`);
//! - an `in: body` parameter → `requestBody`, one media type per `consumes` (the operation's,
//!   else the document's, else `application/json`);
//! - `in: formData` parameters → a `requestBody` object schema: `multipart/form-data` when a
//!   parameter is a `type: file` (then `format: binary`) or `consumes` asks for it, else
//!   `application/x-www-form-urlencoded`;
//! - other parameters and response headers: `type`/`format`/`items`/`enum`/bounds → `schema`,
//!   `collectionFormat` → `style`/`explode` (`csv`, `ssv`, `pipes`, `multi`; `tsv` has no
//!   OpenAPI 3 style: unsupported);
//! - a response's `schema` → `content`, one media type per `produces` (else
//!   `application/json`); its `examples` by media type → each media type's `example`;
//! - schemas: `x-nullable` → `nullable`, `type: file` → binary string, a string
//!   `discriminator` → `{propertyName}`, JSON Schema draft 4's `type: "null"` (alone or in a
//!   `type` list, which 2.0's schema objects take from draft 4) → `nullable: true`, a list of
//!   one other type → that type;
//! - a non-body parameter's or header's `type` is one name: a list is an error there.
//!
//! Every move is recorded in [`Origins`]: a finding in `components/schemas/Pet` is reported at
//! `definitions/Pet`, one in a `requestBody` at the body parameter it came from, one in a
//! non-body parameter's (or header's) `schema` at the parameter, whose keywords it holds.

use super::{local_target, ptr, rewrite_refs, Origins, Upgraded, METHODS};
use crate::diag::Diagnostic;
use serde_json::{json, Map, Value};

/// Schemas nested deeper than this are left as they are (loading rejects them later).
const MAX_DEPTH: usize = 256;

/// Keywords of a 2.0 non-body parameter (or header, or `items`) that belong in its schema.
const SCHEMA_KEYS: [&str; 17] = [
    "type",
    "format",
    "items",
    "default",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "enum",
    "multipleOf",
    "x-nullable",
];

struct Cx<'u> {
    origins: &'u mut Origins,
    errors: Vec<Diagnostic>,
    /// The document's `consumes` and `produces`.
    consumes: Vec<String>,
    produces: Vec<String>,
    /// The root `parameters`, as written (to read the `in` of a referenced one).
    parameters: Map<String, Value>,
}

pub(super) fn upgrade(doc: &mut Value, up: &mut Upgraded) {
    let Value::Object(mut old) = std::mem::take(doc) else { return };
    let strings = |v: Option<&Value>| -> Vec<String> {
        v.and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).map(str::to_string).collect()
    };
    let mut cx = Cx {
        origins: &mut up.origins,
        errors: Vec::new(),
        consumes: strings(old.get("consumes")),
        produces: strings(old.get("produces")),
        parameters: old.get("parameters").and_then(Value::as_object).cloned().unwrap_or_default(),
    };
    let mut new = Map::new();
    new.insert("openapi".into(), Value::String("3.0.3".into()));
    for key in ["info", "tags", "externalDocs", "security"] {
        if let Some(v) = old.remove(key) {
            new.insert(key.into(), v);
        }
    }
    if let Some(servers) = servers(&old) {
        new.insert("servers".into(), servers);
    }
    // The moves into `components` first: what is rewritten inside a component afterwards is
    // recorded where the component now is.
    let mut moves = Vec::new();
    for (from, to) in [
        ("definitions", "schemas"),
        ("parameters", "parameters"),
        ("responses", "responses"),
        ("securityDefinitions", "securitySchemes"),
    ] {
        for name in old.get(from).and_then(Value::as_object).into_iter().flat_map(|m| m.keys()) {
            moves.push((ptr(&ptr("/components", to), name), ptr(&ptr("", from), name)));
        }
    }
    cx.origins.record_all(moves);
    let mut components = Map::new();
    if let Some(Value::Object(definitions)) = old.remove("definitions") {
        let mut schemas = Map::new();
        for (name, mut s) in definitions {
            schema(&mut s, 0);
            schemas.insert(name, s);
        }
        components.insert("schemas".into(), Value::Object(schemas));
    }
    if let Some(Value::Object(parameters)) = old.remove("parameters") {
        let mut converted = Map::new();
        let mut schema_moves = Vec::new();
        for (name, p) in parameters {
            // Body and form parameters become parts of request bodies where they are used.
            if matches!(p.get("in").and_then(Value::as_str), Some("body" | "formData")) {
                continue;
            }
            let here = ptr("/parameters", &name);
            let p = parameter(p, &here, &mut cx);
            // Its schema's keywords are written on the parameter itself.
            let now = ptr("/components/parameters", &name);
            schema_moves.push((ptr(&now, "schema"), now));
            converted.insert(name, p);
        }
        cx.origins.record_all(schema_moves);
        if !converted.is_empty() {
            components.insert("parameters".into(), Value::Object(converted));
        }
    }
    if let Some(Value::Object(responses)) = old.remove("responses") {
        let mut converted = Map::new();
        let produces = cx.produces.clone();
        for (name, r) in responses {
            let here = ptr("/components/responses", &name);
            let r = response(r, &here, &produces, &mut cx);
            converted.insert(name, r);
        }
        components.insert("responses".into(), Value::Object(converted));
    }
    if let Some(Value::Object(definitions)) = old.remove("securityDefinitions") {
        let mut schemes = Map::new();
        for (name, d) in definitions {
            schemes.insert(name, security_scheme(d));
        }
        components.insert("securitySchemes".into(), Value::Object(schemes));
    }
    let mut paths = Map::new();
    if let Some(Value::Object(items)) = old.remove("paths") {
        for (path, item) in items {
            let here = ptr("/paths", &path);
            let item = if path.starts_with("x-") { item } else { path_item(item, &here, &mut cx) };
            paths.insert(path, item);
        }
    }
    new.insert("paths".into(), Value::Object(paths));
    if !components.is_empty() {
        new.insert("components".into(), Value::Object(components));
    }
    // Extensions (`x-envelope`, ...) stay; the rest of 2.0's root is read above.
    for (k, v) in old {
        if k.starts_with("x-") {
            new.insert(k, v);
        }
    }
    *doc = Value::Object(new);
    rewrite_refs(doc, &|reference| {
        let target = local_target(reference)?;
        for (from, to) in [("/definitions/", "schemas"), ("/parameters/", "parameters"), ("/responses/", "responses")] {
            if let Some(rest) = target.strip_prefix(from) {
                return Some(format!("#/components/{to}/{rest}"));
            }
        }
        None
    });
    up.errors.append(&mut cx.errors);
    // Later findings name references and components as 2.0 spells them.
    up.origins.rename(&[
        ("#/components/schemas", "#/definitions"),
        ("#/components/parameters", "#/parameters"),
        ("#/components/responses", "#/responses"),
        ("components.securitySchemes", "securityDefinitions"),
    ]);
}

/// `host`, `basePath` and `schemes` → `servers`.
fn servers(old: &Map<String, Value>) -> Option<Value> {
    let host = old.get("host").and_then(Value::as_str);
    let base = old.get("basePath").and_then(Value::as_str).unwrap_or_default();
    let base = if base.is_empty() || base.starts_with('/') { base.to_string() } else { format!("/{base}") };
    let Some(host) = host else {
        return (!base.is_empty()).then(|| json!([{ "url": base }]));
    };
    let mut schemes: Vec<&str> = old
        .get("schemes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .filter(|s| matches!(*s, "https" | "http"))
        .collect();
    // The secure scheme first: the first server is the client's default.
    schemes.sort_by_key(|s| *s != "https");
    schemes.dedup();
    if schemes.is_empty() {
        schemes.push("https");
    }
    Some(Value::Array(schemes.into_iter().map(|s| json!({ "url": format!("{s}://{host}{base}") })).collect()))
}

fn security_scheme(d: Value) -> Value {
    let Value::Object(mut d) = d else { return d };
    match d.get("type").and_then(Value::as_str) {
        Some("basic") => {
            d.insert("type".into(), Value::String("http".into()));
            d.insert("scheme".into(), Value::String("basic".into()));
        }
        Some("oauth2") => {
            let flow = d.remove("flow");
            let mut f = Map::new();
            for key in ["authorizationUrl", "tokenUrl"] {
                if let Some(v) = d.remove(key) {
                    f.insert(key.into(), v);
                }
            }
            f.insert("scopes".into(), d.remove("scopes").unwrap_or_else(|| json!({})));
            let name = match flow.as_ref().and_then(Value::as_str) {
                Some("password") => "password",
                Some("application") => "clientCredentials",
                Some("accessCode") => "authorizationCode",
                _ => "implicit",
            };
            d.insert("flows".into(), json!({ name: f }));
        }
        _ => {}
    }
    Value::Object(d)
}

/// A 2.0 schema → 3.0, in place: `x-nullable`, `type: file`, a string `discriminator`.
fn schema(s: &mut Value, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    let Some(map) = s.as_object_mut() else { return };
    if map.contains_key("$ref") {
        return;
    }
    if let Some(nullable) = map.remove("x-nullable") {
        if nullable == Value::Bool(true) {
            map.insert("nullable".into(), nullable);
        }
    }
    null_type(map);
    if map.get("type").and_then(Value::as_str) == Some("file") {
        map.insert("type".into(), Value::String("string".into()));
        map.insert("format".into(), Value::String("binary".into()));
    }
    if let Some(Value::String(name)) = map.get("discriminator") {
        let d = json!({ "propertyName": name });
        map.insert("discriminator".into(), d);
    }
    for key in ["items", "additionalProperties", "not"] {
        if let Some(child) = map.get_mut(key) {
            schema(child, depth + 1);
        }
    }
    if let Some(Value::Object(properties)) = map.get_mut("properties") {
        properties.values_mut().for_each(|p| schema(p, depth + 1));
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(Value::Array(parts)) = map.get_mut(key) {
            parts.iter_mut().for_each(|p| schema(p, depth + 1));
        }
    }
}

/// Draft 4's `type: "null"`, alone or in a list → `nullable: true`; a list left with one type →
/// that type. A list of several is left as it is (the keyword check reports it where it is).
fn null_type(map: &mut Map<String, Value>) {
    let (rest, null) = match map.get("type") {
        Some(Value::String(t)) if t == "null" => (Vec::new(), true),
        Some(Value::Array(list)) if !list.is_empty() => {
            let mut rest: Vec<Value> = Vec::new();
            for t in list.iter().filter(|t| **t != "null") {
                if !rest.contains(t) {
                    rest.push(t.clone());
                }
            }
            (rest, list.iter().any(|t| *t == "null"))
        }
        _ => return,
    };
    if null {
        map.insert("nullable".into(), Value::Bool(true));
    }
    match rest.as_slice() {
        [] => map.remove("type"),
        [only] => map.insert("type".into(), only.clone()),
        _ => map.insert("type".into(), Value::Array(rest)),
    };
}

/// A non-body parameter's or header's `type` is one name in Swagger 2.0 (draft 4's lists are
/// for schema objects only): a list is reported at it, and taken out so that the keyword check
/// does not report it again.
fn one_type(map: &mut Map<String, Value>, here: &str, cx: &mut Cx<'_>) {
    if let Some(Value::Array(list)) = map.get("type") {
        let names: Vec<String> =
            list.iter().map(|t| t.as_str().map_or_else(|| t.to_string(), str::to_string)).collect();
        cx.errors.push(cx.origins.locate(Diagnostic::invalid(
            ptr(here, "type"),
            format!(
                "`type` is a list ({}); a Swagger 2.0 parameter or header has one type: string, number, integer, \
                 boolean, array (or file in a form)",
                names.join(", ")
            ),
        )));
        map.remove("type");
    }
}

/// The schema of a non-body parameter, header or `items` object: its schema keywords.
fn simple_schema(map: &mut Map<String, Value>) -> Value {
    let mut s = Map::new();
    for key in SCHEMA_KEYS {
        if let Some(mut v) = map.remove(key) {
            if key == "items" {
                if let Value::Object(items) = &mut v {
                    // Nested arrays' own `collectionFormat` has no OpenAPI 3 equivalent; the
                    // outer one decides how the value is written.
                    items.remove("collectionFormat");
                    v = simple_schema(items);
                }
            }
            s.insert(key.into(), v);
        }
    }
    let mut s = Value::Object(s);
    schema(&mut s, 0);
    s
}

/// A non-body, non-form parameter → 3.0 (schema, style, explode).
fn parameter(p: Value, here: &str, cx: &mut Cx<'_>) -> Value {
    let Value::Object(mut p) = p else { return p };
    if p.contains_key("$ref") {
        return Value::Object(p);
    }
    let location = p.get("in").and_then(Value::as_str).unwrap_or_default().to_string();
    one_type(&mut p, here, cx);
    let format = p.remove("collectionFormat");
    let schema = simple_schema(&mut p);
    let is_array = schema.get("type").and_then(Value::as_str) == Some("array");
    p.insert("schema".into(), schema);
    if let (Some(format), true) = (format, is_array) {
        let query = location == "query";
        let (style, explode) = match format.as_str().unwrap_or("csv") {
            "multi" if query => ("form", true),
            "csv" | "multi" if query => ("form", false),
            "ssv" if query => ("spaceDelimited", false),
            "pipes" if query => ("pipeDelimited", false),
            "csv" | "multi" => ("simple", false),
            other => {
                cx.errors.push(Diagnostic::unsupported(
                    ptr(here, "collectionFormat"),
                    format!(
                        "`collectionFormat: {other}`{} has no OpenAPI 3 style; csv, multi (query), ssv and pipes \
                         (query) do",
                        if query { "" } else { " outside a query" }
                    ),
                ));
                ("simple", false)
            }
        };
        p.insert("style".into(), Value::String(style.into()));
        p.insert("explode".into(), Value::Bool(explode));
    }
    Value::Object(p)
}

/// A path item: its operations with their parameters, bodies and responses.
fn path_item(item: Value, here: &str, cx: &mut Cx<'_>) -> Value {
    let Value::Object(mut item) = item else { return item };
    // Path-level body and form parameters go into each operation's body.
    let shared: Vec<(String, Value)> = match item.remove("parameters") {
        Some(Value::Array(list)) => {
            list.into_iter().enumerate().map(|(i, p)| (ptr(&ptr(here, "parameters"), &i.to_string()), p)).collect()
        }
        _ => Vec::new(),
    };
    let mut kept = Vec::new();
    let mut moves = Vec::new();
    let mut bodies = Vec::new();
    for (at, p) in shared {
        match cx.kind(&p) {
            Some("body" | "formData") => bodies.push((at, p)),
            _ => {
                let now = ptr(&ptr(here, "parameters"), &kept.len().to_string());
                moves.push((ptr(&now, "schema"), at.clone()));
                moves.push((now, at.clone()));
                kept.push(parameter(p, &at, cx));
            }
        }
    }
    cx.origins.record_all(moves);
    if !kept.is_empty() {
        item.insert("parameters".into(), Value::Array(kept));
    }
    for method in METHODS {
        if let Some(op) = item.remove(method) {
            let op = operation(op, &ptr(here, method), &bodies, cx);
            item.insert(method.into(), op);
        }
    }
    Value::Object(item)
}

impl Cx<'_> {
    /// Where a parameter goes (`in`), through a reference to a root parameter.
    fn kind<'v>(&'v self, p: &'v Value) -> Option<&'v str> {
        let p = match p.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/parameters/")) {
            Some(name) => self.parameters.get(&name.replace("~1", "/").replace("~0", "~"))?,
            None => p,
        };
        p.get("in").and_then(Value::as_str)
    }

    /// A body or form parameter, the root one it references if so, with its pointer.
    fn resolved(&self, at: &str, p: &Value) -> (String, Value) {
        match p.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/parameters/")) {
            Some(name) => {
                let name = name.replace("~1", "/").replace("~0", "~");
                match self.parameters.get(&name) {
                    Some(target) => (ptr("/parameters", &name), target.clone()),
                    None => (at.to_string(), p.clone()),
                }
            }
            None => (at.to_string(), p.clone()),
        }
    }
}

fn strings(v: Option<&Value>) -> Option<Vec<String>> {
    let list = v?.as_array()?;
    Some(list.iter().filter_map(Value::as_str).map(str::to_string).collect())
}

fn operation(op: Value, here: &str, shared_bodies: &[(String, Value)], cx: &mut Cx<'_>) -> Value {
    let Value::Object(mut op) = op else { return op };
    let consumes = strings(op.get("consumes")).unwrap_or_else(|| cx.consumes.clone());
    let produces = strings(op.get("produces")).unwrap_or_else(|| cx.produces.clone());
    op.remove("consumes");
    op.remove("produces");
    op.remove("schemes");
    let list: Vec<Value> = match op.remove("parameters") {
        Some(Value::Array(list)) => list,
        _ => Vec::new(),
    };
    let params_at = ptr(here, "parameters");
    let mut kept = Vec::new();
    let mut moves = Vec::new();
    // Body and form parameters: path-level ones first, then the operation's (which win by name).
    let mut body: Vec<(String, Value)> = shared_bodies.to_vec();
    for (i, p) in list.into_iter().enumerate() {
        let at = ptr(&params_at, &i.to_string());
        match cx.kind(&p) {
            Some("body" | "formData") => {
                let (at, p) = cx.resolved(&at, &p);
                let name = p.get("name").cloned();
                body.retain(|(_, b)| b.get("name") != name.as_ref() || b.get("in") != p.get("in"));
                body.push((at, p));
            }
            _ => {
                let now = ptr(&params_at, &kept.len().to_string());
                // The longer move wins: the schema's keywords are written on the parameter.
                moves.push((ptr(&now, "schema"), at.clone()));
                moves.push((now, at.clone()));
                kept.push(parameter(p, &at, cx));
            }
        }
    }
    if !kept.is_empty() {
        op.insert("parameters".into(), Value::Array(kept));
    }
    // One rewrite: the body's pointers name the parameters as written, not as renumbered.
    if let Some(request_body) = request_body(body, &ptr(here, "requestBody"), &consumes, &mut moves, cx) {
        op.insert("requestBody".into(), request_body);
    }
    cx.origins.record_all(moves);
    if let Some(Value::Object(responses)) = op.remove("responses") {
        let at = ptr(here, "responses");
        let converted: Map<String, Value> = responses
            .into_iter()
            .map(|(status, r)| {
                let here = ptr(&at, &status);
                let r = if status.starts_with("x-") { r } else { response(r, &here, &produces, cx) };
                (status, r)
            })
            .collect();
        op.insert("responses".into(), Value::Object(converted));
    } else {
        op.insert("responses".into(), json!({}));
    }
    Value::Object(op)
}

/// Body and form parameters → a request body.
fn request_body(
    params: Vec<(String, Value)>,
    here: &str,
    consumes: &[String],
    moves: &mut Vec<(String, String)>,
    cx: &mut Cx<'_>,
) -> Option<Value> {
    let content_at = ptr(here, "content");
    if let Some((at, body)) = params.iter().rev().find(|(_, p)| p.get("in").and_then(Value::as_str) == Some("body")) {
        let mut s = body.get("schema").cloned().unwrap_or_else(|| json!({}));
        schema(&mut s, 0);
        let media: Vec<String> = consumes
            .iter()
            .filter(|m| !m.starts_with("multipart/") && *m != "application/x-www-form-urlencoded")
            .cloned()
            .collect();
        let media = if media.is_empty() { vec!["application/json".to_string()] } else { media };
        let mut content = Map::new();
        moves.push((here.to_string(), at.clone()));
        for m in media {
            moves.push((ptr(&ptr(&content_at, &m), "schema"), ptr(at, "schema")));
            content.insert(m, json!({ "schema": s }));
        }
        let mut rb = Map::new();
        if let Some(d) = body.get("description") {
            rb.insert("description".into(), d.clone());
        }
        rb.insert("content".into(), Value::Object(content));
        if body.get("required") == Some(&Value::Bool(true)) {
            rb.insert("required".into(), Value::Bool(true));
        }
        return Some(Value::Object(rb));
    }
    let form: Vec<&(String, Value)> =
        params.iter().filter(|(_, p)| p.get("in").and_then(Value::as_str) == Some("formData")).collect();
    if form.is_empty() {
        return None;
    }
    let has_file = form.iter().any(|(_, p)| p.get("type").and_then(Value::as_str) == Some("file"));
    let multipart = has_file || consumes.iter().any(|m| m.starts_with("multipart/form-data"));
    let urlencoded = !has_file && consumes.iter().any(|m| m == "application/x-www-form-urlencoded");
    let mut media = Vec::new();
    // In `consumes` order; neither listed: urlencoded unless a file needs multipart.
    for m in consumes {
        if (m.starts_with("multipart/form-data") && multipart)
            || (m == "application/x-www-form-urlencoded" && urlencoded)
        {
            media.push(if m.starts_with("multipart/") { "multipart/form-data" } else { m.as_str() });
        }
    }
    if media.is_empty() {
        media.push(if has_file { "multipart/form-data" } else { "application/x-www-form-urlencoded" });
    }
    let mut properties = Map::new();
    let mut required = Vec::new();
    let mut encoding = Map::new();
    // The body object was written as the operation's parameter list; each property as one.
    let list = format!("{}/parameters", here.strip_suffix("/requestBody").unwrap_or(here));
    moves.push((here.to_string(), list.clone()));
    for m in &media {
        moves.push((ptr(&ptr(&content_at, m), "schema"), list.clone()));
    }
    for (at, p) in &form {
        let Some(mut p) = p.as_object().cloned() else { continue };
        let Some(name) = p.get("name").and_then(Value::as_str).map(str::to_string) else { continue };
        one_type(&mut p, at, cx);
        let format = p.remove("collectionFormat");
        let mut s = simple_schema(&mut p);
        if let (Some(d), Some(m)) = (p.get("description"), s.as_object_mut()) {
            m.insert("description".into(), d.clone());
        }
        if p.get("required") == Some(&Value::Bool(true)) {
            required.push(Value::String(name.clone()));
        }
        let is_array = s.get("type").and_then(Value::as_str) == Some("array");
        match format.as_ref().and_then(Value::as_str) {
            Some("multi") | None => {}
            Some("csv") if is_array => {
                encoding.insert(name.clone(), json!({"style": "form", "explode": false}));
            }
            Some(other) if is_array => {
                cx.errors.push(Diagnostic::unsupported(
                    ptr(at, "collectionFormat"),
                    format!("`collectionFormat: {other}` in a form body has no OpenAPI 3 encoding; csv and multi do"),
                ));
            }
            Some(_) => {}
        }
        for m in &media {
            moves.push((ptr(&ptr(&ptr(&ptr(&content_at, m), "schema"), "properties"), &name), at.clone()));
        }
        properties.insert(name, std::mem::take(&mut s));
    }
    let mut object = json!({ "type": "object", "properties": properties });
    if !required.is_empty() {
        set(&mut object, "required", Value::Array(required));
    }
    let mut content = Map::new();
    for m in media {
        let mut entry = json!({ "schema": object });
        if !encoding.is_empty() && m == "application/x-www-form-urlencoded" {
            set(&mut entry, "encoding", Value::Object(encoding.clone()));
        }
        content.insert(m.to_string(), entry);
    }
    let required = form.iter().any(|(_, p)| p.get("required") == Some(&Value::Bool(true)));
    let mut rb = json!({ "content": content });
    if required {
        set(&mut rb, "required", Value::Bool(true));
    }
    Some(rb)
}

/// A response: `schema` → `content` by `produces`, `examples` → each media type's `example`,
/// headers' schema keywords → `schema`; at `here`.
fn response(r: Value, here: &str, produces: &[String], cx: &mut Cx<'_>) -> Value {
    let (now, was) = (here, here);
    let Value::Object(mut r) = r else { return r };
    if r.contains_key("$ref") {
        return Value::Object(r);
    }
    let examples = match r.remove("examples") {
        Some(Value::Object(e)) => e,
        _ => Map::new(),
    };
    if let Some(mut s) = r.remove("schema") {
        schema(&mut s, 0);
        let mut media: Vec<String> = produces.to_vec();
        if media.is_empty() {
            media.push("application/json".into());
        }
        // A media type only an example names is served too.
        for m in examples.keys() {
            if !media.contains(m) {
                media.push(m.clone());
            }
        }
        let content_at = ptr(now, "content");
        let mut content = Map::new();
        let mut moves = Vec::new();
        for m in media {
            let mut entry = json!({ "schema": s });
            if let Some(example) = examples.get(&m) {
                set(&mut entry, "example", example.clone());
                moves.push((ptr(&ptr(&content_at, &m), "example"), ptr(&ptr(was, "examples"), &m)));
            }
            moves.push((ptr(&ptr(&content_at, &m), "schema"), ptr(was, "schema")));
            content.insert(m, entry);
        }
        cx.origins.record_all(moves);
        r.insert("content".into(), Value::Object(content));
    }
    if !r.contains_key("description") {
        r.insert("description".into(), Value::String(String::new()));
    }
    if let Some(Value::Object(headers)) = r.get_mut("headers") {
        let mut moves = Vec::new();
        for (name, h) in headers.iter_mut() {
            let Some(map) = h.as_object_mut() else { continue };
            let at = ptr(&ptr(was, "headers"), name);
            one_type(map, &at, cx);
            moves.push((ptr(&at, "schema"), at.clone()));
            let format = map.remove("collectionFormat");
            let s = simple_schema(map);
            map.insert("schema".into(), s);
            if let Some(f) = format.as_ref().and_then(Value::as_str).filter(|f| *f != "csv") {
                cx.errors.push(Diagnostic::unsupported(
                    ptr(&at, "collectionFormat"),
                    format!("`collectionFormat: {f}` in a header has no OpenAPI 3 style; csv does"),
                ));
            }
        }
        cx.origins.record_all(moves);
    }
    Value::Object(r)
}

/// `value[key] = v` on an object (which every caller has just built).
fn set(value: &mut Value, key: &str, v: Value) {
    if let Some(map) = value.as_object_mut() {
        map.insert(key.into(), v);
    }
}

#[cfg(test)]
mod tests {
    use super::super::upgrade;
    use serde_json::json;

    #[test]
    fn a_swagger_document_becomes_openapi_3_0_with_its_places_recorded() {
        let mut doc = json!({
            "swagger": "2.0", "info": {"title": "T", "version": "1"},
            "host": "h.example", "basePath": "/v1", "schemes": ["http", "https"],
            "paths": {"/a": {"post": {
                "parameters": [
                    {"name": "b", "in": "body", "schema": {"$ref": "#/definitions/B"}},
                    {"name": "q", "in": "query", "type": "array", "items": {"type": "string"}, "collectionFormat": "ssv"}
                ],
                "responses": {"200": {"description": "d", "schema": {"type": "file"}}}
            }}},
            "produces": ["application/octet-stream"],
            "definitions": {"B": {"type": "object", "properties": {"n": {"type": "string", "x-nullable": true}}}}
        });
        let up = upgrade(&mut doc).unwrap_or_default();
        assert!(up.errors.is_empty(), "{:?}", up.errors);
        assert_eq!(doc["servers"], json!([{"url": "https://h.example/v1"}, {"url": "http://h.example/v1"}]));
        let op = &doc["paths"]["/a"]["post"];
        assert_eq!(op["requestBody"]["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/B");
        assert_eq!(
            op["parameters"][0],
            json!({"name": "q", "in": "query", "schema": {"type": "array", "items": {"type": "string"}},
                   "style": "spaceDelimited", "explode": false})
        );
        assert_eq!(
            op["responses"]["200"]["content"]["application/octet-stream"]["schema"],
            json!({"type": "string", "format": "binary"})
        );
        assert_eq!(doc["components"]["schemas"]["B"]["properties"]["n"], json!({"type": "string", "nullable": true}));
        let o = &up.origins;
        assert_eq!(o.original("/components/schemas/B/properties/n"), "/definitions/B/properties/n");
        // A query parameter's schema keywords are written on the parameter itself.
        assert_eq!(o.original("/paths/~1a/post/parameters/0/schema"), "/paths/~1a/post/parameters/1");
        assert_eq!(o.original("/paths/~1a/post/parameters/0/schema/items"), "/paths/~1a/post/parameters/1/items");
        assert_eq!(o.original("/paths/~1a/post/parameters/0/style"), "/paths/~1a/post/parameters/1/style");
        assert_eq!(
            o.original("/paths/~1a/post/requestBody/content/application~1json/schema"),
            "/paths/~1a/post/parameters/0/schema"
        );
        assert_eq!(
            o.original("/paths/~1a/post/responses/200/content/application~1octet-stream/schema"),
            "/paths/~1a/post/responses/200/schema"
        );
    }

    #[test]
    fn draft_4_null_types_become_nullable() {
        let mut doc = json!({
            "swagger": "2.0", "info": {"title": "T", "version": "1"}, "paths": {},
            "definitions": {"R": {"type": "object", "properties": {
                "a": {"type": "null"},
                "b": {"type": ["string", "null"]},
                "c": {"type": ["integer"]},
                "d": {"type": ["string", "integer"]},
                "e": {"type": ["null", "string", "string"]}
            }}}
        });
        let up = upgrade(&mut doc).unwrap_or_default();
        assert!(up.errors.is_empty(), "{:?}", up.errors);
        let p = &doc["components"]["schemas"]["R"]["properties"];
        assert_eq!(p["a"], json!({"nullable": true}));
        assert_eq!(p["b"], json!({"type": "string", "nullable": true}));
        assert_eq!(p["c"], json!({"type": "integer"}));
        // Several types are left to the keyword check, which reports them where they are.
        assert_eq!(p["d"], json!({"type": ["string", "integer"]}));
        assert_eq!(p["e"], json!({"type": "string", "nullable": true}));
    }
}
