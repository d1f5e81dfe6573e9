//! Reads OpenAPI 3.1 (and 3.2) and Swagger 2.0 documents by rewriting them, as JSON, onto the
//! OpenAPI 3.0 document model before `openapiv3` parses them. Everything after this step (the
//! keyword check, `normalize`, lowering, emission) sees an OpenAPI 3.0 document and never learns
//! which version it came from.
//!
//! - [`v31`]: JSON Schema 2020-12 schemas (`type` lists, `const`, `examples` lists, `$ref` with
//!   siblings, numeric exclusive bounds, `prefixItems`, `$defs`, `contentEncoding`), path items
//!   by reference, `webhooks`, `info.summary`, `jsonSchemaDialect`; 3.2 where it means the same.
//! - [`items`]: 3.2's `itemSchema` on a streamed response (server-sent events, JSON Lines,
//!   JSON text sequences) becomes the media type's `schema` of one item, marked with
//!   [`items::STREAM`] for lowering.
//! - [`v20`]: `definitions`, root `parameters`/`responses`, body and form parameters,
//!   `consumes`/`produces`, `securityDefinitions`, `host`/`basePath`/`schemes`,
//!   `collectionFormat`, `x-nullable`, `type: file`.
//!
//! Whatever moves is recorded in [`Origins`], so that every diagnostic, from here or from any
//! later stage, names a place in the document as written.

pub(crate) mod items;
mod v20;
mod v31;

use crate::diag::Diagnostic;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Where the nodes an upgrade moved or made were in the document as written.
///
/// Each rewrite records, for the pointers it made, the pointers they had just before it; a
/// pointer of the final document is walked back through the rewrites, newest first, each
/// replacing the longest recorded prefix it matches. Rewrites recorded together
/// ([`Origins::record_all`]) happened at once: a pointer goes through at most one of them.
#[derive(Debug, Default, Clone)]
pub(crate) struct Origins {
    /// Rewritten prefix → (rewrite number, the prefix before that rewrite).
    moved: BTreeMap<String, Vec<(u32, String)>>,
    rewrites: u32,
    /// How the document as written spells what messages name (`#/components/schemas` is
    /// `#/definitions` in Swagger 2.0).
    spelled: Vec<(String, String)>,
}

impl Origins {
    /// Records that what is now at `now` (and under it) was at `was` (and under it).
    pub(crate) fn record(&mut self, now: impl Into<String>, was: impl Into<String>) {
        self.record_all(vec![(now.into(), was.into())]);
    }

    /// Records the moves of one rewrite.
    pub(crate) fn record_all(&mut self, moves: Vec<(String, String)>) {
        self.rewrites += 1;
        for (now, was) in moves {
            if now != was {
                self.moved.entry(now).or_default().push((self.rewrites, was));
            }
        }
    }

    /// The pointer into the document as written of a node now at `pointer`.
    pub(crate) fn original(&self, pointer: &str) -> String {
        let mut current = pointer.to_string();
        let mut before = u32::MAX;
        while let Some((rewrite, next)) = self.step(&current, before) {
            current = next;
            before = rewrite;
        }
        current
    }

    /// The newest rewrite older than `before` that made a prefix of `pointer` (at a token
    /// boundary), and the pointer before it.
    fn step(&self, pointer: &str, before: u32) -> Option<(u32, String)> {
        if self.moved.is_empty() {
            return None;
        }
        let mut best: Option<(u32, String)> = None;
        let mut end = pointer.len();
        while end > 0 {
            let prefix = pointer.get(..end)?;
            for (rewrite, was) in self.moved.get(prefix).into_iter().flatten() {
                // (No `Option::is_none_or`: the workspace's rust-version is 1.80.)
                let newer = match &best {
                    Some((b, _)) => rewrite > b,
                    None => true,
                };
                if *rewrite < before && newer {
                    best = Some((*rewrite, format!("{was}{}", pointer.get(end..).unwrap_or_default())));
                }
            }
            end = prefix.rfind('/')?;
        }
        best
    }

    /// From now on, messages spell `now` as `was` (the references and components they name).
    pub(crate) fn rename(&mut self, pairs: &[(&str, &str)]) {
        self.spelled.extend(pairs.iter().map(|(now, was)| (now.to_string(), was.to_string())));
    }

    /// Puts a diagnostic's pointer back into the document as written, and the references its
    /// message names.
    pub(crate) fn locate(&self, mut d: Diagnostic) -> Diagnostic {
        d.pointer = self.original(&d.pointer);
        for (now, was) in &self.spelled {
            if d.message.contains(now.as_str()) {
                d.message = d.message.replace(now.as_str(), was);
            }
        }
        d
    }

    /// [`Origins::locate`] over a list.
    pub(crate) fn locate_all(&self, list: Vec<Diagnostic>) -> Vec<Diagnostic> {
        list.into_iter().map(|d| self.locate(d)).collect()
    }
}

/// Puts the spec pointers that models, operations, parameters and security schemes carry for
/// their docs (`Schema: /definitions/Pet`) back into the document as written.
pub(crate) fn relocate_docs(api: &mut crate::ir::Api, origins: &Origins) {
    if origins.moved.is_empty() {
        return;
    }
    let fix = |docs: &mut crate::ir::Docs| {
        if let Some(source) = &docs.source {
            docs.source = Some(origins.original(source));
        }
    };
    for def in api.types.values_mut() {
        fix(&mut def.docs);
        match &mut def.kind {
            crate::ir::TypeKind::Struct { fields, .. } => fields.iter_mut().for_each(|f| fix(&mut f.docs)),
            crate::ir::TypeKind::Union { variants, .. } => variants.iter_mut().for_each(|v| fix(&mut v.docs)),
            _ => {}
        }
    }
    for op in &mut api.operations {
        fix(&mut op.docs);
        op.params.iter_mut().for_each(|p| fix(&mut p.docs));
        if let Some(body) = &mut op.body {
            fix(&mut body.docs);
        }
    }
    api.auth.schemes.values_mut().for_each(|s| fix(&mut s.docs));
}

/// What an upgrade leaves beside the rewritten document.
#[derive(Debug, Default)]
pub(crate) struct Upgraded {
    /// Where moved nodes came from.
    pub origins: Origins,
    /// Findings that do not stop generation (a dropped 3.2 operation, say), located in the
    /// document as written.
    pub warnings: Vec<Diagnostic>,
    /// What cannot be read, located in the document as written (each is located when it is
    /// found: later rewrites do not apply to it). The rewritten document is still whole, so
    /// that the keyword check can report beside these.
    pub errors: Vec<Diagnostic>,
}

/// Rewrites a Swagger 2.0 or OpenAPI 3.1/3.2 document onto OpenAPI 3.0 in place; leaves a 3.0
/// document alone. Errors: an unknown or missing version (what cannot be read as 3.0 is in
/// [`Upgraded::errors`]).
pub(crate) fn upgrade(doc: &mut Value) -> Result<Upgraded, Vec<Diagnostic>> {
    let Some(map) = doc.as_object() else { return Ok(Upgraded::default()) };
    let version = |key: &str| {
        map.get(key).map(|v| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
    };
    if let Some(v) = version("swagger") {
        if v != "2.0" {
            return Err(vec![Diagnostic::unsupported(
                "/swagger",
                format!("Swagger {v} documents are not supported; Swagger 2.0 and OpenAPI 3.0 to 3.2 are"),
            )]);
        }
        let mut up = Upgraded::default();
        v20::upgrade(doc, &mut up);
        items::event_stream_schemas(doc, &mut up.errors, &mut up.origins);
        return Ok(up);
    }
    match version("openapi") {
        None => Err(vec![Diagnostic::invalid("", "missing `openapi` version field")]),
        Some(v) if v.starts_with("3.0") => {
            let mut up = Upgraded::default();
            items::event_stream_schemas(doc, &mut up.errors, &mut up.origins);
            Ok(up)
        }
        Some(v) if v.starts_with("3.1") || v.starts_with("3.2") => {
            let mut up = Upgraded::default();
            v31::upgrade(doc, v.starts_with("3.2"), &mut up);
            items::event_stream_schemas(doc, &mut up.errors, &mut up.origins);
            Ok(up)
        }
        Some(v) if v.starts_with("3.") => Err(vec![Diagnostic::unsupported(
            "/openapi",
            format!("OpenAPI {v} is not supported; this generator reads OpenAPI 3.0 to 3.2 and Swagger 2.0"),
        )]),
        Some(v) => Err(vec![Diagnostic::invalid("/openapi", format!("unknown OpenAPI version `{v}`"))]),
    }
}

/// The HTTP methods of a path item (OpenAPI 3.0 and 3.1; 2.0 has all but `trace`).
pub(crate) const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// `base/token`, the token escaped.
pub(crate) fn ptr(base: &str, token: &str) -> String {
    crate::diag::ptr(base, &[token])
}

/// The object under `key` of `map`, made if missing (or if not an object).
pub(crate) fn object_at<'m>(map: &'m mut Map<String, Value>, key: &str) -> Option<&'m mut Map<String, Value>> {
    let slot = map.entry(key.to_string()).or_insert_with(|| Value::Object(Map::new()));
    if !slot.is_object() {
        *slot = Value::Object(Map::new());
    }
    slot.as_object_mut()
}

/// Rewrites every `$ref` string in the document that `f` maps.
pub(crate) fn rewrite_refs(value: &mut Value, f: &dyn Fn(&str) -> Option<String>) {
    rewrite_refs_at(value, f, 0);
}

fn rewrite_refs_at(value: &mut Value, f: &dyn Fn(&str) -> Option<String>, depth: usize) {
    if depth > 512 {
        return;
    }
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                match v {
                    Value::String(r) if k == "$ref" => {
                        if let Some(new) = f(r) {
                            *r = new;
                        }
                    }
                    other => rewrite_refs_at(other, f, depth + 1),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rewrite_refs_at(v, f, depth + 1)),
        _ => {}
    }
}

/// A local reference's target pointer (`#/a/b` → `/a/b`, percent-decoded), if local.
pub(crate) fn local_target(reference: &str) -> Option<String> {
    let fragment = reference.strip_prefix('#')?;
    Some(crate::normalize::percent_decode(fragment))
}

/// A component name not yet taken in `taken`, from `base` (`base`, `base_2`, ...).
pub(crate) fn free_name(base: &str, taken: impl Fn(&str) -> bool) -> String {
    let base = if base.is_empty() { "Schema" } else { base };
    if !taken(base) {
        return base.to_string();
    }
    (2..).map(|i| format!("{base}_{i}")).find(|n| !taken(n)).unwrap_or_else(|| base.to_string())
}

/// What is called on each root schema: the schema and its pointer.
type OnSchema<'f> = dyn FnMut(&mut Value, &str) + 'f;
/// A visitor of one kind of node, calling [`OnSchema`] on the schemas in it.
type Visit = fn(&mut Value, &str, &mut OnSchema<'_>);

/// Every place of the document (3.0 layout, plus 3.1's `webhooks` and `components/pathItems`)
/// that holds a schema, as `(pointer, schema)`; `f` is called on each root schema, not on the
/// schemas inside it.
pub(crate) fn each_root_schema(doc: &mut Value, f: &mut OnSchema<'_>) {
    let Some(root) = doc.as_object_mut() else { return };
    if let Some(paths) = root.get_mut("paths").and_then(Value::as_object_mut) {
        for (k, item) in paths.iter_mut() {
            if !k.starts_with("x-") {
                path_item(item, &ptr("/paths", k), f);
            }
        }
    }
    if let Some(hooks) = root.get_mut("webhooks").and_then(Value::as_object_mut) {
        for (k, item) in hooks.iter_mut() {
            if !k.starts_with("x-") {
                path_item(item, &ptr("/webhooks", k), f);
            }
        }
    }
    let Some(components) = root.get_mut("components").and_then(Value::as_object_mut) else { return };
    let kinds: [(&str, Visit); 7] = [
        ("schemas", |v, p, f| f(v, p)),
        ("parameters", parameter),
        ("headers", parameter),
        ("requestBodies", request_body),
        ("responses", response),
        ("callbacks", callback),
        ("pathItems", path_item),
    ];
    for (kind, visit) in kinds {
        let Some(entries) = components.get_mut(kind).and_then(Value::as_object_mut) else { continue };
        let base = ptr("/components", kind);
        for (k, v) in entries.iter_mut() {
            if !k.starts_with("x-") {
                visit(v, &ptr(&base, k), f);
            }
        }
    }
}

fn path_item(item: &mut Value, here: &str, f: &mut OnSchema<'_>) {
    let Some(map) = item.as_object_mut() else { return };
    for (k, v) in map.iter_mut() {
        let p = ptr(here, k);
        if k == "parameters" {
            for_each_item(v, &p, f, parameter);
        } else if METHODS.contains(&k.as_str()) {
            operation(v, &p, f);
        }
    }
}

fn for_each_item(list: &mut Value, here: &str, f: &mut OnSchema<'_>, visit: Visit) {
    if let Some(items) = list.as_array_mut() {
        for (i, v) in items.iter_mut().enumerate() {
            visit(v, &ptr(here, &i.to_string()), f);
        }
    }
}

fn for_each_entry(map: &mut Value, here: &str, f: &mut OnSchema<'_>, visit: Visit) {
    if let Some(entries) = map.as_object_mut() {
        for (k, v) in entries.iter_mut() {
            if !k.starts_with("x-") {
                visit(v, &ptr(here, k), f);
            }
        }
    }
}

fn operation(op: &mut Value, here: &str, f: &mut OnSchema<'_>) {
    let Some(map) = op.as_object_mut() else { return };
    for (k, v) in map.iter_mut() {
        let p = ptr(here, k);
        match k.as_str() {
            "parameters" => for_each_item(v, &p, f, parameter),
            "requestBody" => request_body(v, &p, f),
            "responses" => for_each_entry(v, &p, f, response),
            "callbacks" => for_each_entry(v, &p, f, callback),
            _ => {}
        }
    }
}

fn callback(c: &mut Value, here: &str, f: &mut OnSchema<'_>) {
    for_each_entry(c, here, f, path_item);
}

fn parameter(p: &mut Value, here: &str, f: &mut OnSchema<'_>) {
    let Some(map) = p.as_object_mut() else { return };
    for (k, v) in map.iter_mut() {
        match k.as_str() {
            "schema" => f(v, &ptr(here, k)),
            "content" => for_each_entry(v, &ptr(here, k), f, media_type),
            _ => {}
        }
    }
}

fn request_body(b: &mut Value, here: &str, f: &mut OnSchema<'_>) {
    if let Some(content) = b.get_mut("content") {
        for_each_entry(content, &ptr(here, "content"), f, media_type);
    }
}

fn response(r: &mut Value, here: &str, f: &mut OnSchema<'_>) {
    let Some(map) = r.as_object_mut() else { return };
    for (k, v) in map.iter_mut() {
        match k.as_str() {
            "content" => for_each_entry(v, &ptr(here, k), f, media_type),
            "headers" => for_each_entry(v, &ptr(here, k), f, parameter),
            _ => {}
        }
    }
}

fn media_type(m: &mut Value, here: &str, f: &mut OnSchema<'_>) {
    let Some(map) = m.as_object_mut() else { return };
    for (k, v) in map.iter_mut() {
        match k.as_str() {
            "schema" | "itemSchema" => f(v, &ptr(here, k)),
            "encoding" => {
                let Some(encodings) = v.as_object_mut() else { continue };
                let base = ptr(here, k);
                for (name, e) in encodings.iter_mut() {
                    if let Some(headers) = e.get_mut("headers") {
                        for_each_entry(headers, &ptr(&ptr(&base, name), "headers"), f, parameter);
                    }
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Origins;

    #[test]
    fn origins_follow_the_longest_prefix_and_nested_moves() {
        let mut o = Origins::default();
        o.record("/definitions/Pet/oneOf/1", "/definitions/Pet");
        o.record("/components/schemas/Pet", "/definitions/Pet");
        o.record("/paths/~1a/get/parameters/0", "/paths/~1a/get/parameters/1");
        // One rewrite: `allOf: [X]` beside a `$ref` becomes `allOf: [$ref, X]`.
        o.record_all(vec![("/s/allOf/1".into(), "/s/allOf/0".into()), ("/s/allOf/0".into(), "/s".into())]);
        assert_eq!(o.original("/components/schemas/Pet/properties/a"), "/definitions/Pet/properties/a");
        assert_eq!(o.original("/components/schemas/Pet/oneOf/1/properties/a"), "/definitions/Pet/properties/a");
        assert_eq!(o.original("/components/schemas/Pets"), "/components/schemas/Pets");
        assert_eq!(o.original("/paths/~1a/get/parameters/0/schema"), "/paths/~1a/get/parameters/1/schema");
        assert_eq!(o.original("/paths/~1a/get/parameters/01"), "/paths/~1a/get/parameters/01");
        assert_eq!(o.original(""), "");
        assert_eq!(o.original("/s/allOf/1/properties/a"), "/s/allOf/0/properties/a");
        assert_eq!(o.original("/s/allOf/0/$ref"), "/s/$ref");
    }
}
