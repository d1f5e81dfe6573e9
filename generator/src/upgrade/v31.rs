//! OpenAPI 3.1 (schemas in JSON Schema 2020-12) and 3.2 → OpenAPI 3.0, as JSON.
//!
//! Schemas, children first:
//! - boolean schemas: `true` → `{}`, `false` → `{not: {}}`;
//! - a `oneOf`/`anyOf` alternative that only admits `null` (`{type: "null"}`, `const: null`)
//!   → `nullable: true` (a single remaining alternative becomes the schema itself, or
//!   `allOf: [$ref]` for a reference: 3.0's nullable reference);
//! - `type` lists: `"null"` → `nullable: true`; one other type → that type; several → a `oneOf`
//!   of one branch per type, each with the keywords of its type (`integer` beside `number` is
//!   `number`);
//! - `$ref` with sibling keywords → `allOf: [{$ref}]` with the siblings beside it (a
//!   `description` there documents the property, as `allOf: [$ref]` does in 3.0); a `type`
//!   beside a `$ref` counts only for its `"null"`;
//! - `const` → a single-value `enum` (typed from the value when no `type` is given);
//! - `examples: [...]` → `example` (the first);
//! - numeric `exclusiveMinimum`/`exclusiveMaximum` → `minimum`/`maximum` and the boolean form
//!   (the tighter bound wins when both are given);
//! - `prefixItems` → `items` of the union of the positions (and the items after them);
//! - `contentEncoding: base64` → `format: byte`; `contentMediaType` of a non-text string →
//!   `format: binary`;
//! - `patternProperties` alone → `additionalProperties` (one pattern);
//! - `$defs` (and draft-07 `definitions`) → hoisted into `components/schemas`, references to
//!   them rewritten.
//!
//! The document: `jsonSchemaDialect` other than the default is unsupported; `info.summary`
//! becomes the description when there is none; path items by `$ref` (`components/pathItems`)
//! are copied in place; `webhooks` payload schemas become components (documented as webhook
//! payloads); `mutualTLS` security schemes are left out (the TLS layer's business, with a
//! warning); an operation without `responses` gets an empty one. 3.0 keywords in a 3.1
//! document (`nullable`, boolean exclusive bounds) are kept: they mean what their authors meant.
//!
//! 3.2: read as 3.1. `query` operations and `additionalOperations` are left out with a
//! warning, and a `querystring` parameter is unsupported; `itemSchema` (streamed items) is
//! rewritten by [`super::items`].

use super::{each_root_schema, free_name, local_target, object_at, ptr, rewrite_refs, Origins, Upgraded, METHODS};
use crate::diag::Diagnostic;
use serde_json::{json, Map, Value};

/// Dialects read here: OpenAPI's own (JSON Schema 2020-12 and its vocabulary) and the JSON
/// Schema drafts before it, whose differences this upgrade reads both ways (boolean and numeric
/// exclusive bounds, `definitions` and `$defs`, `items` lists and `prefixItems`).
fn known_dialect(uri: &str) -> bool {
    let uri = uri.trim_end_matches('#').trim_end_matches('/');
    let uri = uri.strip_prefix("https://").or_else(|| uri.strip_prefix("http://")).unwrap_or(uri);
    uri.starts_with("spec.openapis.org/oas/3.1/dialect/")
        || uri.starts_with("spec.openapis.org/oas/3.2/dialect/")
        || [
            "json-schema.org/draft/2020-12/schema",
            "json-schema.org/draft/2019-09/schema",
            "json-schema.org/draft-07/schema",
            "json-schema.org/draft-06/schema",
            "json-schema.org/draft-04/schema",
        ]
        .contains(&uri)
}

/// Schemas nested deeper than this are left as they are (loading rejects them later).
const MAX_DEPTH: usize = 256;

struct Cx<'o> {
    origins: &'o mut Origins,
    errors: Vec<Diagnostic>,
    /// `$defs` entries taken out of schemas: (pointer as written, name, schema).
    defs: Vec<(String, String, Value)>,
}

pub(super) fn upgrade(doc: &mut Value, is_32: bool, up: &mut Upgraded) {
    let mut errors = Vec::new();
    let Some(root) = doc.as_object_mut() else { return };
    if let Some(dialect) = root.get("jsonSchemaDialect") {
        if !dialect.as_str().is_some_and(known_dialect) {
            let shown = dialect.as_str().map_or_else(|| dialect.to_string(), str::to_string);
            errors.push(Diagnostic::unsupported(
                "/jsonSchemaDialect",
                format!(
                    "schemas in the dialect `{shown}` are not supported; OpenAPI 3.1's default dialect (JSON \
                     Schema 2020-12 with the OpenAPI vocabulary) is"
                ),
            ));
        }
    }
    root.insert("openapi".into(), Value::String("3.0.3".into()));
    if let Some(info) = root.get_mut("info").and_then(Value::as_object_mut) {
        if let Some(summary) = info.remove("summary") {
            if !info.contains_key("description") && summary.is_string() {
                info.insert("description".into(), summary);
            }
        }
    }
    if !root.contains_key("paths") {
        root.insert("paths".into(), Value::Object(Map::new()));
    }
    if is_32 {
        three_two(root, &mut errors, &mut up.warnings);
    }
    mutual_tls(root, &mut up.warnings);
    if is_32 {
        super::items::item_schemas(doc, &mut errors, &mut up.warnings, &mut up.origins);
    }

    let mut cx = Cx { origins: &mut up.origins, errors: Vec::new(), defs: Vec::new() };
    each_root_schema(doc, &mut |s, here| schema(s, here, &mut cx, 0));
    errors.append(&mut cx.errors);
    let defs = std::mem::take(&mut cx.defs);
    hoist_defs(doc, defs, &mut up.origins);
    inline_path_items(doc, &mut up.origins);
    webhooks(doc, &mut up.origins);
    fill_responses(doc);
    up.errors.append(&mut errors);
}

/// What 3.2 adds that 3.0 cannot say: left out with a warning, or unsupported.
fn three_two(root: &mut Map<String, Value>, errors: &mut Vec<Diagnostic>, warnings: &mut Vec<Diagnostic>) {
    for container in ["paths", "webhooks"] {
        let Some(map) = root.get_mut(container).and_then(Value::as_object_mut) else { continue };
        for (k, item) in map.iter_mut() {
            let here = ptr(&ptr("", container), k);
            let Some(item) = item.as_object_mut() else { continue };
            for key in ["query", "additionalOperations"] {
                if item.remove(key).is_some() {
                    let what = if key == "query" { "QUERY operations" } else { "`additionalOperations`" };
                    warnings.push(Diagnostic::warning(
                        ptr(&here, key),
                        format!("{what} (OpenAPI 3.2) are not supported; left out of the client"),
                    ));
                }
            }
        }
    }
    let mut items: Vec<(String, &Value)> = Vec::new();
    for container in ["paths", "webhooks"] {
        if let Some(map) = root.get(container).and_then(Value::as_object) {
            items.extend(map.iter().map(|(k, v)| (ptr(&ptr("", container), k), v)));
        }
    }
    let mut parameters: Vec<(String, &Value)> = Vec::new();
    for (here, item) in items {
        let Some(item) = item.as_object() else { continue };
        for (k, v) in item.iter() {
            let p = ptr(&here, k);
            if k == "parameters" {
                parameters.extend(list(v).iter().enumerate().map(|(i, v)| (ptr(&p, &i.to_string()), v)));
            } else if METHODS.contains(&k.as_str()) {
                let ps = v.get("parameters").map(list).unwrap_or_default();
                let pp = ptr(&p, "parameters");
                parameters.extend(ps.iter().enumerate().map(|(i, v)| (ptr(&pp, &i.to_string()), v)));
            }
        }
    }
    if let Some(map) = root.get("components").and_then(|c| c.get("parameters")).and_then(Value::as_object) {
        parameters.extend(map.iter().map(|(k, v)| (ptr("/components/parameters", k), v)));
    }
    for (here, p) in parameters {
        if p.get("in").and_then(Value::as_str) == Some("querystring") {
            errors.push(Diagnostic::unsupported(
                ptr(&here, "in"),
                "`in: querystring` parameters (OpenAPI 3.2) are not supported",
            ));
        }
    }
}

fn list(v: &Value) -> &[Value] {
    v.as_array().map(Vec::as_slice).unwrap_or_default()
}

/// `mutualTLS` schemes (3.1) are the TLS layer's business: left out, and out of every
/// security requirement, with a warning.
fn mutual_tls(root: &mut Map<String, Value>, warnings: &mut Vec<Diagnostic>) {
    let Some(schemes) =
        root.get_mut("components").and_then(|c| c.get_mut("securitySchemes")).and_then(Value::as_object_mut)
    else {
        return;
    };
    let mtls: Vec<String> = schemes
        .iter()
        .filter(|(_, s)| s.get("type").and_then(Value::as_str) == Some("mutualTLS"))
        .map(|(k, _)| k.clone())
        .collect();
    if mtls.is_empty() {
        return;
    }
    for name in &mtls {
        schemes.remove(name);
        warnings.push(Diagnostic::warning(
            ptr("/components/securitySchemes", name),
            "`mutualTLS` security is configured on the HTTP client's TLS settings, not per request; left out",
        ));
    }
    let strip = |security: &mut Value| {
        for requirement in security.as_array_mut().into_iter().flatten() {
            if let Some(r) = requirement.as_object_mut() {
                r.retain(|k, _| !mtls.contains(k));
            }
        }
    };
    if let Some(s) = root.get_mut("security") {
        strip(s);
    }
    for item in root.get_mut("paths").and_then(Value::as_object_mut).into_iter().flat_map(|m| m.values_mut()) {
        for method in METHODS {
            if let Some(s) = item.get_mut(method).and_then(|op| op.get_mut("security")) {
                strip(s);
            }
        }
    }
}

/// Converts one schema and those inside it (children first), at `here`.
fn schema(s: &mut Value, here: &str, cx: &mut Cx<'_>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    match s {
        Value::Bool(true) => {
            *s = json!({});
            return;
        }
        Value::Bool(false) => {
            *s = json!({"not": {}});
            return;
        }
        _ => {}
    }
    let Some(map) = s.as_object_mut() else { return };
    // A property that may not be present (`false`) and an alternative that admits nothing
    // describe no value a client sends or receives.
    if let Some(Value::Object(properties)) = map.get_mut("properties") {
        properties.retain(|_, p| *p != Value::Bool(false));
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(Value::Array(alternatives)) = map.get_mut(key) {
            if alternatives.contains(&Value::Bool(false)) {
                let base = ptr(here, key);
                let kept = alternatives.iter().enumerate().filter(|(_, a)| **a != Value::Bool(false));
                let moves =
                    kept.enumerate().map(|(j, (i, _))| (ptr(&base, &j.to_string()), ptr(&base, &i.to_string())));
                cx.origins.record_all(moves.collect());
                alternatives.retain(|a| *a != Value::Bool(false));
            }
        }
    }
    // Draft 2019-09 and before: `items: [..]` is a tuple, `additionalItems` what follows it.
    if map.get("items").is_some_and(Value::is_array) {
        if let Some(tuple) = map.remove("items") {
            map.insert("prefixItems".into(), tuple);
            let mut moves = vec![(ptr(here, "prefixItems"), ptr(here, "items"))];
            if let Some(rest) = map.remove("additionalItems") {
                map.insert("items".into(), rest);
                moves.push((ptr(here, "items"), ptr(here, "additionalItems")));
            }
            cx.origins.record_all(moves);
        }
    }
    fold_null_alternatives(map, here, cx);
    // Children first: what this schema's own rewrite moves is then already 3.0.
    for key in ["items", "additionalProperties", "not"] {
        let Some(child) = map.get_mut(key) else { continue };
        match (key, &*child) {
            // `items: true` (anything) is 3.0's missing `items`; `items: false` (nothing past
            // `prefixItems`) is left to `prefix_items`.
            ("items", Value::Bool(true)) => {
                map.remove(key);
            }
            ("items", Value::Bool(false)) | ("additionalProperties", Value::Bool(_)) => {}
            _ => schema(child, &ptr(here, key), cx, depth + 1),
        }
    }
    for key in ["properties", "patternProperties", "$defs", "definitions"] {
        let Some(children) = map.get_mut(key).and_then(Value::as_object_mut) else { continue };
        let base = ptr(here, key);
        for (name, child) in children.iter_mut() {
            schema(child, &ptr(&base, name), cx, depth + 1);
        }
    }
    for key in ["allOf", "oneOf", "anyOf", "prefixItems"] {
        let Some(children) = map.get_mut(key).and_then(Value::as_array_mut) else { continue };
        let base = ptr(here, key);
        for (i, child) in children.iter_mut().enumerate() {
            schema(child, &ptr(&base, &i.to_string()), cx, depth + 1);
        }
    }
    for key in ["$defs", "definitions"] {
        // `definitions` is draft-07's `$defs`, when it holds schemas.
        let holds_schemas = map.get(key).and_then(Value::as_object).is_some_and(|m| m.values().all(Value::is_object));
        if !holds_schemas {
            continue;
        }
        if let Some(Value::Object(defs)) = map.remove(key) {
            let base = ptr(here, key);
            cx.defs.extend(defs.into_iter().map(|(name, v)| (ptr(&base, &name), name, v)));
        }
    }
    for key in ["$schema", "$id", "$comment", "$anchor", "$dynamicAnchor", "$vocabulary"] {
        map.remove(key);
    }
    ref_siblings(map, here, cx);
    if map.contains_key("$ref") {
        return;
    }
    const_to_enum(map, here, cx);
    if let Some(examples) = map.remove("examples") {
        match examples {
            Value::Array(list) => {
                if let (false, Some(first)) = (map.contains_key("example"), list.into_iter().next()) {
                    map.insert("example".into(), first);
                }
            }
            other => {
                map.insert("examples".into(), other);
            }
        }
    }
    exclusive_bounds(map, here, cx);
    content_encoding(map);
    pattern_properties(map, here, cx);
    prefix_items(map, here, cx);
    types(map, here, cx);
}

/// A schema that admits `null` only: `{type: "null"}`, `{type: ["null"]}`, `{const: null}`,
/// `{enum: [null]}` (with annotations at most).
fn is_null_schema(v: &Value) -> bool {
    let Some(map) = v.as_object() else { return false };
    let null_type = match map.get("type") {
        Some(Value::String(t)) => t == "null",
        Some(Value::Array(ts)) => !ts.is_empty() && ts.iter().all(|t| t == "null"),
        _ => false,
    };
    let null_value = map.get("const") == Some(&Value::Null) || map.get("enum") == Some(&json!([null]));
    let annotation_only = map.keys().all(|k| {
        k.starts_with("x-")
            || matches!(
                k.as_str(),
                "type" | "const" | "enum" | "title" | "description" | "nullable" | "default" | "example" | "examples"
            )
    });
    (null_type || null_value) && annotation_only
}

/// `oneOf`/`anyOf` alternatives that admit only `null` become `nullable: true`.
fn fold_null_alternatives(map: &mut Map<String, Value>, here: &str, cx: &mut Cx<'_>) {
    for key in ["anyOf", "oneOf"] {
        let Some(Value::Array(alternatives)) = map.get(key) else { continue };
        if !alternatives.iter().any(is_null_schema) {
            continue;
        }
        let kept: Vec<(usize, Value)> =
            alternatives.iter().cloned().enumerate().filter(|(_, a)| !is_null_schema(a)).collect();
        map.insert("nullable".into(), Value::Bool(true));
        map.remove(key);
        let base = ptr(here, key);
        let composed = ["allOf", "anyOf", "oneOf"].iter().any(|k| map.contains_key(*k));
        match kept.as_slice() {
            [] => {}
            [(i, Value::Object(only))] if !composed => {
                let from = ptr(&base, &i.to_string());
                if only.contains_key("$ref") {
                    map.insert("allOf".into(), json!([only]));
                    cx.origins.record(ptr(&ptr(here, "allOf"), "0"), from);
                } else {
                    // The alternative is the schema; the outer keywords (docs) win.
                    let mut moves = Vec::new();
                    for (k, v) in only {
                        if !map.contains_key(k) {
                            map.insert(k.clone(), v.clone());
                            moves.push((ptr(here, k), ptr(&from, k)));
                        }
                    }
                    cx.origins.record_all(moves);
                }
            }
            _ => {
                let moves =
                    kept.iter().enumerate().map(|(j, (i, _))| (ptr(&base, &j.to_string()), ptr(&base, &i.to_string())));
                cx.origins.record_all(moves.collect());
                map.insert(key.into(), Value::Array(kept.into_iter().map(|(_, a)| a).collect()));
            }
        }
    }
}

/// `$ref` with sibling keywords → `allOf: [{$ref}]` beside them.
fn ref_siblings(map: &mut Map<String, Value>, here: &str, cx: &mut Cx<'_>) {
    if !map.get("$ref").is_some_and(Value::is_string) {
        return;
    }
    // A `type` beside a reference restates the target's, but for its `null`.
    if let Some(typ) = map.remove("type") {
        let null = match &typ {
            Value::String(t) => t == "null",
            Value::Array(ts) => ts.iter().any(|t| t == "null"),
            _ => false,
        };
        if null {
            map.insert("nullable".into(), Value::Bool(true));
        }
    }
    if !map.keys().any(|k| k != "$ref" && !k.starts_with("x-")) {
        return;
    }
    let Some(reference) = map.remove("$ref") else { return };
    let mut parts = vec![json!({ "$ref": reference })];
    let all_of = ptr(here, "allOf");
    let mut moves = vec![(ptr(&all_of, "0"), here.to_string())];
    match map.remove("allOf") {
        Some(Value::Array(existing)) => {
            for (i, part) in existing.into_iter().enumerate() {
                moves.push((ptr(&all_of, &(i + 1).to_string()), ptr(&all_of, &i.to_string())));
                parts.push(part);
            }
        }
        Some(other) => parts.push(other),
        None => {}
    }
    map.insert("allOf".into(), Value::Array(parts));
    cx.origins.record_all(moves);
}

/// `const` → a single-value `enum`, typed from the value when the schema has no `type`.
fn const_to_enum(map: &mut Map<String, Value>, here: &str, cx: &mut Cx<'_>) {
    let Some(value) = map.remove("const") else { return };
    if map.contains_key("enum") {
        return;
    }
    if !map.contains_key("type") {
        let typ = match &value {
            Value::String(_) => Some("string"),
            Value::Bool(_) => Some("boolean"),
            Value::Number(n) if n.is_i64() || n.is_u64() => Some("integer"),
            Value::Number(_) => Some("number"),
            Value::Null => {
                map.insert("nullable".into(), Value::Bool(true));
                None
            }
            Value::Array(_) | Value::Object(_) => None,
        };
        if let Some(t) = typ {
            map.insert("type".into(), Value::String(t.into()));
        }
    }
    map.insert("enum".into(), json!([value]));
    cx.origins.record(ptr(here, "enum"), ptr(here, "const"));
}

/// Numeric exclusive bounds → the 3.0 form.
fn exclusive_bounds(map: &mut Map<String, Value>, here: &str, cx: &mut Cx<'_>) {
    for (exclusive, bound, lower) in [("exclusiveMinimum", "minimum", true), ("exclusiveMaximum", "maximum", false)] {
        let Some(Value::Number(n)) = map.get(exclusive).cloned() else { continue };
        let Some(limit) = n.as_f64() else { continue };
        // With an inclusive bound too, the tighter one holds.
        let inclusive_tighter =
            map.get(bound).and_then(Value::as_f64).is_some_and(|b| if lower { b > limit } else { b < limit });
        if inclusive_tighter {
            map.remove(exclusive);
        } else {
            map.insert(bound.into(), Value::Number(n));
            map.insert(exclusive.into(), Value::Bool(true));
            cx.origins.record(ptr(here, bound), ptr(here, exclusive));
        }
    }
}

/// `contentEncoding`/`contentMediaType` of a string → 3.0's `format: byte`/`binary`.
fn content_encoding(map: &mut Map<String, Value>) {
    if map.contains_key("format") || map.get("type").is_some_and(|t| t != "string") {
        return;
    }
    let encoding = map.get("contentEncoding").and_then(Value::as_str).map(str::to_ascii_lowercase);
    let media = map.get("contentMediaType").and_then(Value::as_str).map(str::to_ascii_lowercase);
    let format = match (encoding.as_deref(), media.as_deref()) {
        (Some("base64" | "base64url"), _) => "byte",
        (Some(_), _) => return,
        (None, Some(m)) if !(m.starts_with("text/") || m.contains("json") || m.contains("xml")) => "binary",
        _ => return,
    };
    map.insert("type".into(), Value::String("string".into()));
    map.insert("format".into(), Value::String(format.into()));
}

/// `patternProperties` with one pattern and no other property rules → a map of that schema.
fn pattern_properties(map: &mut Map<String, Value>, here: &str, cx: &mut Cx<'_>) {
    if map.contains_key("additionalProperties") || map.contains_key("properties") {
        return;
    }
    let Some(Value::Object(patterns)) = map.get("patternProperties") else { return };
    let [(pattern, only)] = patterns.iter().collect::<Vec<_>>()[..] else { return };
    let (pattern, only) = (pattern.clone(), only.clone());
    map.remove("patternProperties");
    map.insert("additionalProperties".into(), only);
    cx.origins.record(ptr(here, "additionalProperties"), ptr(&ptr(here, "patternProperties"), &pattern));
}

/// `prefixItems` → `items` of the union of the positions' schemas (and of `items`, the schema
/// of the items after them).
fn prefix_items(map: &mut Map<String, Value>, here: &str, cx: &mut Cx<'_>) {
    let Some(Value::Array(prefix)) = map.remove("prefixItems") else { return };
    let items_at = ptr(here, "items");
    let union_at = ptr(&items_at, "anyOf");
    let mut alternatives: Vec<Value> = Vec::new();
    let mut moves = Vec::new();
    for (i, p) in prefix.into_iter().enumerate() {
        if !alternatives.contains(&p) {
            moves.push((
                ptr(&union_at, &alternatives.len().to_string()),
                ptr(&ptr(here, "prefixItems"), &i.to_string()),
            ));
            alternatives.push(p);
        }
    }
    if let Some(Value::Object(rest)) = map.remove("items") {
        let rest = Value::Object(rest);
        if !alternatives.contains(&rest) {
            moves.push((ptr(&union_at, &alternatives.len().to_string()), items_at.clone()));
            alternatives.push(rest);
        }
    }
    let items = match alternatives.len() {
        0 => return,
        1 => {
            moves = vec![(items_at.clone(), ptr(&ptr(here, "prefixItems"), "0"))];
            alternatives.into_iter().next().unwrap_or_default()
        }
        _ => json!({ "anyOf": alternatives }),
    };
    cx.origins.record_all(moves);
    map.insert("items".into(), items);
    if !map.contains_key("type") {
        map.insert("type".into(), Value::String("array".into()));
    }
}

/// Which type a keyword constrains (`number` for both numeric types).
fn keyword_type(key: &str) -> Option<&'static str> {
    Some(match key {
        "minLength" | "maxLength" | "pattern" | "contentEncoding" | "contentMediaType" => "string",
        "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum" | "multipleOf" => "number",
        "items" | "minItems" | "maxItems" | "uniqueItems" | "contains" => "array",
        "properties"
        | "required"
        | "additionalProperties"
        | "minProperties"
        | "maxProperties"
        | "patternProperties"
        | "propertyNames"
        | "discriminator" => "object",
        _ => return None,
    })
}

/// Whether a JSON value is of a schema type.
fn of_type(value: &Value, typ: &str) -> bool {
    match typ {
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => false,
    }
}

/// `type` lists and `type: "null"` → 3.0's single type with `nullable`, or a `oneOf` of one
/// branch per type.
fn types(map: &mut Map<String, Value>, here: &str, cx: &mut Cx<'_>) {
    let listed: Vec<String> = match map.get("type") {
        Some(Value::String(t)) if t == "null" => vec![t.clone()],
        Some(Value::Array(items)) => {
            let mut names = Vec::new();
            for (i, t) in items.iter().enumerate() {
                match t {
                    Value::String(t) => names.push(t.clone()),
                    // Located now: the rewrites so far moved what holds it, later ones did not.
                    other => cx.errors.push(cx.origins.locate(Diagnostic::invalid(
                        ptr(&ptr(here, "type"), &i.to_string()),
                        format!("`type` lists type names, not {}", describe(other)),
                    ))),
                }
            }
            if names.len() < items.len() {
                // Reported: the keyword check need not report the list as well.
                map.remove("type");
                return;
            }
            names
        }
        _ => return,
    };
    let mut rest: Vec<String> = Vec::new();
    for t in &listed {
        if t != "null" && !rest.contains(t) {
            rest.push(t.clone());
        }
    }
    if rest.iter().any(|t| t == "number") {
        rest.retain(|t| t != "integer");
    }
    // A nullable enum lists `null` among its values in 3.0 as in 3.1: nothing to change there.
    if listed.iter().any(|t| t == "null") {
        map.insert("nullable".into(), Value::Bool(true));
    }
    if rest.len() < 2 {
        match rest.first() {
            Some(only) => map.insert("type".into(), Value::String(only.clone())),
            None => map.remove("type"),
        };
        return;
    }
    map.remove("type");
    let moved: Vec<String> =
        map.keys().filter(|k| keyword_type(k).is_some() || *k == "format" || *k == "enum").cloned().collect();
    let mut taken: Map<String, Value> = Map::new();
    for k in moved {
        if let Some(v) = map.remove(&k) {
            taken.insert(k, v);
        }
    }
    let numeric_format = |f: &Value| {
        matches!(f.as_str(), Some("int32" | "int64" | "float" | "double" | "decimal" | "uint32" | "uint64"))
    };
    let mut branches = Vec::new();
    for t in &rest {
        let mut branch = Map::new();
        branch.insert("type".into(), Value::String(t.clone()));
        let numeric = t == "number" || t == "integer";
        let mut admits_a_value = true;
        for (k, v) in &taken {
            match k.as_str() {
                "enum" => {
                    let values: Vec<Value> =
                        v.as_array().into_iter().flatten().filter(|x| of_type(x, t)).cloned().collect();
                    // An enum none of whose values is of this type: the type admits no value.
                    admits_a_value = !values.is_empty();
                    branch.insert(k.clone(), Value::Array(values));
                }
                "format" if t == "string" && !numeric_format(v) => {
                    branch.insert(k.clone(), v.clone());
                }
                "format" if numeric && numeric_format(v) => {
                    branch.insert(k.clone(), v.clone());
                }
                _ if keyword_type(k).is_some_and(|kt| kt == t || (kt == "number" && numeric)) => {
                    branch.insert(k.clone(), v.clone());
                }
                _ => {}
            }
        }
        if admits_a_value {
            branches.push(Value::Object(branch));
        }
    }
    // One type left that admits a value: the schema is that branch.
    if let [Value::Object(only)] = branches.as_slice() {
        for (k, v) in only {
            map.insert(k.clone(), v.clone());
        }
        return;
    }
    let key = if map.contains_key("oneOf") || map.contains_key("anyOf") { None } else { Some("oneOf") };
    match key {
        Some(key) => {
            let base = ptr(here, key);
            cx.origins
                .record_all((0..branches.len()).map(|i| (ptr(&base, &i.to_string()), here.to_string())).collect());
            map.insert(key.into(), Value::Array(branches));
        }
        None => {
            let Some(all_of) = map.entry("allOf").or_insert_with(|| json!([])).as_array_mut() else { return };
            let base = ptr(&ptr(&ptr(here, "allOf"), &all_of.len().to_string()), "oneOf");
            cx.origins
                .record_all((0..branches.len()).map(|i| (ptr(&base, &i.to_string()), here.to_string())).collect());
            all_of.push(json!({ "oneOf": branches }));
        }
    }
}

/// A value's kind, for messages.
fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("the boolean `{b}`"),
        Value::Number(n) => format!("the number `{n}`"),
        Value::String(s) => format!("the string \"{s}\""),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "an object".into(),
    }
}

/// Hoists the `$defs` taken out of schemas into `components/schemas` and points their
/// references there: `#/<where it was>` and, when there is no `$defs` at the root,
/// `#/$defs/<name>` for a name hoisted once (a schema written for a document of its own).
fn hoist_defs(doc: &mut Value, defs: Vec<(String, String, Value)>, origins: &mut Origins) {
    if defs.is_empty() {
        return;
    }
    let Some(root) = doc.as_object_mut() else { return };
    let Some(components) = object_at(root, "components") else { return };
    let Some(schemas) = object_at(components, "schemas") else { return };
    // (pointer as written, new reference)
    let mut moved: Vec<(String, String, String)> = Vec::new();
    let mut moves = Vec::new();
    for (was, name, value) in defs {
        let new = free_name(&name, |n| schemas.contains_key(n));
        let now = ptr("/components/schemas", &new);
        moves.push((now.clone(), was.clone()));
        moved.push((was, name, format!("#{now}")));
        schemas.insert(new, value);
    }
    origins.record_all(moves);
    let unique = |name: &str| {
        let mut hits = moved.iter().filter(|(_, n, _)| n == name);
        match (hits.next(), hits.next()) {
            (Some((_, _, r)), None) => Some(r.clone()),
            _ => None,
        }
    };
    let rewrite = |reference: &str| -> Option<String> {
        let target = local_target(reference)?;
        for (was, _, new) in &moved {
            if target == *was {
                return Some(new.clone());
            }
            if let Some(rest) = target.strip_prefix(was.as_str()).filter(|r| r.starts_with('/')) {
                return Some(format!("{new}{rest}"));
            }
        }
        let name = target.strip_prefix("/$defs/").or_else(|| target.strip_prefix("/definitions/"))?;
        let (name, rest) = match name.split_once('/') {
            Some((n, rest)) => (n, format!("/{rest}")),
            None => (name, String::new()),
        };
        unique(&name.replace("~1", "/").replace("~0", "~")).map(|r| format!("{r}{rest}"))
    };
    rewrite_refs(doc, &rewrite);
}

/// Path items given by a local `$ref` (to `components/pathItems` above all) are copied in
/// place, in `paths` and `webhooks`.
fn inline_path_items(doc: &mut Value, origins: &mut Origins) {
    let refers = |container: &str| {
        doc.get(container)
            .and_then(Value::as_object)
            .is_some_and(|m| m.values().any(|item| item.get("$ref").is_some_and(Value::is_string)))
    };
    if !refers("paths") && !refers("webhooks") {
        return;
    }
    let snapshot = doc.clone();
    for container in ["paths", "webhooks"] {
        let Some(items) = doc.get_mut(container).and_then(Value::as_object_mut) else { continue };
        for (k, item) in items.iter_mut() {
            let mut target_ptr = None;
            let mut current = item.get("$ref").and_then(Value::as_str).map(str::to_string);
            // Follow a short chain of references.
            for _ in 0..8 {
                let Some(reference) = current.take() else { break };
                let Some(pointer) = local_target(&reference) else { break };
                let Some(target) = snapshot.pointer(&pointer) else { break };
                current = target.get("$ref").and_then(Value::as_str).map(str::to_string);
                target_ptr = Some(pointer);
            }
            let Some(pointer) = target_ptr else { continue };
            let Some(target) = snapshot.pointer(&pointer) else { continue };
            if target.get("$ref").is_some() {
                continue;
            }
            *item = target.clone();
            origins.record(ptr(&ptr("", container), k), pointer);
        }
    }
}

/// Webhook payload schemas become components, so that they are generated as models: an inline
/// payload becomes `<Name>Webhook` (documented as the webhook's payload); a component used as
/// one gets a line saying so.
fn webhooks(doc: &mut Value, origins: &mut Origins) {
    let Some(root) = doc.as_object_mut() else { return };
    let Some(Value::Object(hooks)) = root.remove("webhooks") else { return };
    let request_bodies = root.get("components").and_then(|c| c.get("requestBodies")).cloned();
    let Some(components) = object_at(root, "components") else { return };
    let Some(schemas) = object_at(components, "schemas") else { return };
    for (name, item) in &hooks {
        if name.starts_with("x-") {
            continue;
        }
        let methods: Vec<&str> = METHODS.iter().copied().filter(|m| item.get(*m).is_some()).collect();
        for method in &methods {
            let Some(op) = item.get(*method) else { continue };
            let Some(mut body) = op.get("requestBody") else { continue };
            let mut body_at = ptr(&ptr(&ptr("/webhooks", name), method), "requestBody");
            if let Some(r) = body.get("$ref").and_then(Value::as_str) {
                let Some(n) = r.strip_prefix("#/components/requestBodies/") else { continue };
                let n = n.replace("~1", "/").replace("~0", "~");
                let Some(target) = request_bodies.as_ref().and_then(|b| b.get(&n)) else { continue };
                body = target;
                body_at = ptr("/components/requestBodies", &n);
            }
            let Some(content) = body.get("content").and_then(Value::as_object) else { continue };
            for (mt, media) in content {
                let Some(schema) = media.get("schema") else { continue };
                let what = format!("`{name}` webhook ({})", method.to_ascii_uppercase());
                if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
                    let Some(target) = r.strip_prefix("#/components/schemas/") else { continue };
                    let target = target.replace("~1", "/").replace("~0", "~");
                    let Some(Value::Object(s)) = schemas.get_mut(&target) else { continue };
                    let line = format!("Sent as the payload of the {what}.");
                    let description = match s.get("description").and_then(Value::as_str) {
                        Some(d) if d.contains(&line) => continue,
                        Some(d) => format!("{d}\n\n{line}"),
                        None => line,
                    };
                    s.insert("description".into(), Value::String(description));
                    continue;
                }
                let mut base = format!("{}Webhook", crate::naming::pascal(name));
                if methods.len() > 1 {
                    base = format!("{base}{}", crate::naming::pascal(method));
                }
                if content.len() > 1 {
                    base = format!("{base}{}", crate::naming::pascal(mt));
                }
                let new = free_name(&base, |n| schemas.contains_key(n));
                let mut payload = schema.clone();
                if let Some(p) = payload.as_object_mut() {
                    let line = format!("The payload of the {what}.");
                    let description = match p.get("description").and_then(Value::as_str) {
                        Some(d) => format!("{line}\n\n{d}"),
                        None => line,
                    };
                    p.insert("description".into(), Value::String(description));
                }
                origins.record(ptr("/components/schemas", &new), ptr(&ptr(&ptr(&body_at, "content"), mt), "schema"));
                schemas.insert(new, payload);
            }
        }
    }
}

/// `responses` is optional on a 3.1 operation, required on a 3.0 one.
fn fill_responses(doc: &mut Value) {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else { return };
    for item in paths.values_mut() {
        for method in METHODS {
            if let Some(op) = item.get_mut(method).and_then(Value::as_object_mut) {
                op.entry("responses").or_insert_with(|| Value::Object(Map::new()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{upgrade, Upgraded};
    use serde_json::{json, Value};

    fn schema_of(s: Value) -> (Value, Upgraded) {
        let mut doc = json!({"openapi": "3.1.0", "info": {"title": "T", "version": "1"},
            "components": {"schemas": {"S": s}}});
        let up = upgrade(&mut doc).unwrap_or_default();
        (doc.pointer("/components/schemas/S").cloned().unwrap_or_default(), up)
    }

    #[test]
    fn type_lists_become_nullable_types_or_branches() {
        assert_eq!(schema_of(json!({"type": ["string", "null"]})).0, json!({"type": "string", "nullable": true}));
        assert_eq!(schema_of(json!({"type": ["integer", "number"]})).0, json!({"type": "number"}));
        let (s, up) = schema_of(json!({"type": ["integer", "string"], "minimum": 1, "maxLength": 3, "format": "int64",
            "enum": [1, "a"], "description": "d"}));
        assert_eq!(
            s,
            json!({"description": "d", "oneOf": [
                {"type": "integer", "minimum": 1, "format": "int64", "enum": [1]},
                {"type": "string", "maxLength": 3, "enum": ["a"]}]})
        );
        assert_eq!(up.origins.original("/components/schemas/S/oneOf/1/maxLength"), "/components/schemas/S/maxLength");
        // An enum with no value of a listed type leaves that type out.
        assert_eq!(
            schema_of(json!({"type": ["string", "boolean"], "enum": ["a"]})).0,
            json!({"type": "string", "enum": ["a"]})
        );
    }

    #[test]
    fn keywords_of_2020_12_become_3_0() {
        assert_eq!(schema_of(json!({"const": "x"})).0, json!({"type": "string", "enum": ["x"]}));
        assert_eq!(
            schema_of(json!({"type": "string", "examples": ["a", "b"]})).0,
            json!({"type": "string", "example": "a"})
        );
        assert_eq!(
            schema_of(json!({"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 10, "maximum": 5})).0,
            json!({"type": "number", "minimum": 0, "exclusiveMinimum": true, "maximum": 5})
        );
        // 3.0 keywords in a 3.1 document mean what they meant.
        let old = json!({"type": "integer", "minimum": 0, "exclusiveMinimum": true, "nullable": true});
        assert_eq!(schema_of(old.clone()).0, old);
        assert_eq!(
            schema_of(json!({"type": "string", "contentEncoding": "base64"})).0,
            json!({"type": "string", "contentEncoding": "base64", "format": "byte"})
        );
        assert_eq!(
            schema_of(json!({"prefixItems": [{"type": "string"}, {"type": "string"}], "items": false})).0,
            json!({"items": {"type": "string"}, "type": "array"})
        );
    }

    #[test]
    fn references_with_siblings_and_null_alternatives() {
        let (s, up) =
            schema_of(json!({"$ref": "#/components/schemas/T", "description": "d", "allOf": [{"title": "t"}]}));
        assert_eq!(s, json!({"description": "d", "allOf": [{"$ref": "#/components/schemas/T"}, {"title": "t"}]}));
        assert_eq!(up.origins.original("/components/schemas/S/allOf/1/title"), "/components/schemas/S/allOf/0/title");
        assert_eq!(up.origins.original("/components/schemas/S/allOf/0/$ref"), "/components/schemas/S/$ref");
        assert_eq!(
            schema_of(json!({"anyOf": [{"$ref": "#/components/schemas/T"}, {"type": "null"}]})).0,
            json!({"nullable": true, "allOf": [{"$ref": "#/components/schemas/T"}]})
        );
        assert_eq!(
            schema_of(json!({"description": "d", "oneOf": [{"type": "null"}, {"type": "string", "maxLength": 2}]})).0,
            json!({"description": "d", "nullable": true, "type": "string", "maxLength": 2})
        );
    }

    #[test]
    fn openapi_3_2_operations_are_left_out_with_a_warning() {
        let mut doc = json!({"openapi": "3.2.0", "info": {"title": "T", "version": "1"}, "paths": {"/a": {
            "query": {"responses": {}},
            "get": {"responses": {"200": {"description": "d", "content": {"text/event-stream": {"itemSchema": {"type": "string"}}}}}}}}});
        let up = upgrade(&mut doc).unwrap_or_default();
        assert!(up.errors.is_empty(), "{:?}", up.errors);
        let shown: Vec<&str> = up.warnings.iter().map(|w| w.pointer.as_str()).collect();
        assert_eq!(shown, ["/paths/~1a/query"]);
        assert!(doc.pointer("/paths/~1a/query").is_none());
        assert_eq!(doc["openapi"], "3.0.3");
    }
}
