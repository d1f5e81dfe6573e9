//! Rewrites a document (as JSON) before it is parsed into `openapiv3` types, so that lowering
//! only ever meets references of the form `#/components/<kind>/<name>`:
//!
//! - a schema `$ref` that points anywhere else (`#/components/schemas/A/properties/b`,
//!   `#/paths/~1x/get/...`) becomes a reference to a new component holding a copy of the
//!   target (so recursive references keep working);
//! - a `$ref` to a parameter, request body, response, header or path item that points anywhere
//!   else is replaced by a copy of its target.
//!
//! References that cannot be resolved are left alone: lowering reports them with their location.

use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// What kind of object sits at a place in the document.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Schema,
    /// Parameters, bodies, responses, headers, path items: copied in place.
    Other,
    /// Anything else (we only look for references inside).
    Walk,
}

/// Normalises references in place. Returns nothing: failures are left for lowering to report.
pub fn normalize(doc: &mut Value) {
    if !has_out_of_place_ref(doc) {
        return;
    }
    let mut hoisted: BTreeMap<String, String> = BTreeMap::new();
    // The first pass finds and rewrites; hoisted copies are themselves walked until no new
    // target appears (a copy may contain further out-of-place references).
    let mut pending: Vec<String> = Vec::new();
    let snapshot = doc.clone();
    walk(doc, Kind::Walk, "", &snapshot, &mut hoisted, &mut pending);
    let mut guard = 0;
    while let Some(name) = pending.pop() {
        guard += 1;
        if guard > 10_000 {
            break;
        }
        let Some(target_pointer) = hoisted.iter().find(|(_, n)| **n == name).map(|(p, _)| p.clone()) else { continue };
        let Some(mut copy) = snapshot.pointer(&target_pointer).cloned() else { continue };
        walk(&mut copy, Kind::Schema, &target_pointer, &snapshot, &mut hoisted, &mut pending);
        if let Some(schemas) = schemas_mut(doc) {
            schemas.insert(name, copy);
        }
    }
}

/// `%XX` escapes of a JSON pointer written in a URI fragment, decoded.
pub(crate) fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b, hex) {
            (b'%', Some(v)) => {
                out.push(v);
                i += 3;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn has_out_of_place_ref(value: &Value) -> bool {
    fn at(value: &Value, depth: usize) -> bool {
        match value {
            _ if depth > MAX_DEPTH => false,
            Value::Object(map) => map.iter().any(|(k, v)| match v {
                Value::String(r) if k == "$ref" => r.starts_with("#/") && !canonical(r),
                other => at(other, depth + 1),
            }),
            Value::Array(items) => items.iter().any(|v| at(v, depth + 1)),
            _ => false,
        }
    }
    at(value, 0)
}

fn schemas_mut(doc: &mut Value) -> Option<&mut Map<String, Value>> {
    let root = doc.as_object_mut()?;
    let components = root.entry("components").or_insert_with(|| Value::Object(Map::new())).as_object_mut()?;
    components.entry("schemas").or_insert_with(|| Value::Object(Map::new())).as_object_mut()
}

/// A reference of the canonical form `#/components/<kind>/<name>` (one token for the name).
fn canonical(reference: &str) -> bool {
    reference.strip_prefix("#/components/").map(|rest| rest.split('/').count() == 2).unwrap_or(false)
}

fn walk(
    value: &mut Value,
    kind: Kind,
    here: &str,
    doc: &Value,
    hoisted: &mut BTreeMap<String, String>,
    pending: &mut Vec<String>,
) {
    walk_at(value, kind, here, doc, hoisted, pending, 0);
}

/// Deeper than this, a document is left as it is (and copies stop being inlined, which also
/// ends a reference that points into its own target).
const MAX_DEPTH: usize = 256;
/// Depth charged for copying a referenced object in place.
const INLINE_COST: usize = MAX_DEPTH / 4;

#[allow(clippy::too_many_arguments)]
fn walk_at(
    value: &mut Value,
    kind: Kind,
    here: &str,
    doc: &Value,
    hoisted: &mut BTreeMap<String, String>,
    pending: &mut Vec<String>,
    depth: usize,
) {
    if depth > MAX_DEPTH {
        return;
    }
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                let reference = reference.clone();
                if reference.starts_with("#/") && !canonical(&reference) {
                    // A URI fragment: `%7B` and friends are percent-encoded pointer characters.
                    let decoded = percent_decode(&reference[1..]);
                    let pointer = decoded.as_str();
                    match kind {
                        Kind::Schema => {
                            if doc.pointer(pointer).is_some() {
                                let name = hoist_name(pointer, doc, hoisted, pending);
                                map.insert("$ref".into(), Value::String(format!("#/components/schemas/{name}")));
                            }
                            return;
                        }
                        Kind::Other => {
                            if let Some(target) = doc.pointer(pointer) {
                                if target.get("$ref") != Some(&Value::String(reference.clone())) {
                                    *value = target.clone();
                                    // An inlined copy may refer to itself again: each inlining
                                    // costs a quarter of the depth budget, so a chain of them
                                    // (or a cycle) stops after a few steps.
                                    walk_at(value, kind, here, doc, hoisted, pending, depth + INLINE_COST);
                                }
                            }
                            return;
                        }
                        Kind::Walk => {}
                    }
                }
            }
            let Value::Object(map) = value else { return };
            for (key, child) in map.iter_mut() {
                let child_kind = child_kind(kind, here, key);
                let child_here = format!("{here}/{}", key.replace('~', "~0").replace('/', "~1"));
                match child_kind {
                    Some(ChildKind::Skip) => {}
                    Some(ChildKind::One(k)) => walk_at(child, k, &child_here, doc, hoisted, pending, depth + 1),
                    Some(ChildKind::Each(k)) => match child {
                        Value::Object(m) => {
                            for (ck, v) in m.iter_mut() {
                                let p = format!("{child_here}/{}", ck.replace('~', "~0").replace('/', "~1"));
                                walk_at(v, k, &p, doc, hoisted, pending, depth + 1);
                            }
                        }
                        Value::Array(items) => {
                            for (i, v) in items.iter_mut().enumerate() {
                                walk_at(v, k, &format!("{child_here}/{i}"), doc, hoisted, pending, depth + 1);
                            }
                        }
                        _ => {}
                    },
                    None => walk_at(child, Kind::Walk, &child_here, doc, hoisted, pending, depth + 1),
                }
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter_mut().enumerate() {
                walk_at(v, Kind::Walk, &format!("{here}/{i}"), doc, hoisted, pending, depth + 1);
            }
        }
        _ => {}
    }
}

enum ChildKind {
    Skip,
    One(Kind),
    Each(Kind),
}

/// The kind of a child by its key, given the parent's kind (and, at the top, its place).
fn child_kind(parent: Kind, here: &str, key: &str) -> Option<ChildKind> {
    use ChildKind::{Each, One, Skip};
    if key == "example" || key == "examples" || key.starts_with("x-") {
        return Some(Skip);
    }
    if parent == Kind::Schema {
        return match key {
            "items" | "additionalProperties" | "not" => Some(One(Kind::Schema)),
            "properties" | "allOf" | "oneOf" | "anyOf" => Some(Each(Kind::Schema)),
            _ => None,
        };
    }
    match key {
        "schema" => Some(One(Kind::Schema)),
        "schemas" if here == "/components" => Some(Each(Kind::Schema)),
        "paths" if here.is_empty() => Some(Each(Kind::Other)),
        "parameters" | "headers" | "responses" => Some(Each(Kind::Other)),
        "requestBody" => Some(One(Kind::Other)),
        "requestBodies" if here == "/components" => Some(Each(Kind::Other)),
        _ => None,
    }
}

/// The component name a hoisted target gets: from its pointer, unique among the schemas.
fn hoist_name(pointer: &str, doc: &Value, hoisted: &mut BTreeMap<String, String>, pending: &mut Vec<String>) -> String {
    if let Some(name) = hoisted.get(pointer) {
        return name.clone();
    }
    let base: String = pointer
        .trim_start_matches("/components/schemas/")
        .trim_start_matches('/')
        .replace("~1", "_")
        .replace("~0", "_")
        .split('/')
        .filter(|t| !matches!(*t, "properties" | "content" | "schema" | "application_json"))
        .collect::<Vec<_>>()
        .join("_");
    let existing = doc.pointer("/components/schemas").and_then(Value::as_object);
    let taken = |n: &str| existing.is_some_and(|m| m.contains_key(n)) || hoisted.values().any(|v| v == n);
    let mut name = if base.is_empty() { "Schema".to_string() } else { base };
    if taken(&name) {
        let mut i = 2;
        while taken(&format!("{name}_{i}")) {
            i += 1;
        }
        name = format!("{name}_{i}");
    }
    hoisted.insert(pointer.to_string(), name.clone());
    pending.push(name.clone());
    name
}

#[cfg(test)]
mod tests {
    use super::normalize;
    use serde_json::json;

    #[test]
    fn out_of_place_schema_refs_are_hoisted() {
        let mut doc = json!({
            "openapi": "3.0.3",
            "paths": {},
            "components": {"schemas": {
                "Disk": {"type": "object", "properties": {"filesystem": {"type": "string", "enum": ["ext4", "raw"]}}},
                "Backup": {"type": "object", "properties": {"fs": {"$ref": "#/components/schemas/Disk/properties/filesystem"}}}
            }}
        });
        normalize(&mut doc);
        assert_eq!(
            doc["components"]["schemas"]["Backup"]["properties"]["fs"]["$ref"],
            "#/components/schemas/Disk_filesystem"
        );
        assert_eq!(doc["components"]["schemas"]["Disk_filesystem"]["enum"], json!(["ext4", "raw"]));
    }

    #[test]
    fn recursive_out_of_place_refs_terminate() {
        let mut doc = json!({
            "openapi": "3.0.3",
            "paths": {"/a": {"post": {"requestBody": {"content": {"application/json": {"schema": {
                "type": "object",
                "properties": {"circular": {"type": "object", "properties": {
                    "next": {"$ref": "#/paths/~1a/post/requestBody/content/application~1json/schema/properties/circular"}
                }}}
            }}}}, "responses": {}}}}
        });
        normalize(&mut doc);
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        assert_eq!(schemas.len(), 1, "{schemas:?}");
        let (name, copy) = schemas.iter().next().unwrap();
        assert_eq!(copy["properties"]["next"]["$ref"], format!("#/components/schemas/{name}"));
    }

    #[test]
    fn out_of_place_parameter_refs_are_copied() {
        let mut doc = json!({
            "openapi": "3.0.3",
            "paths": {
                "/a": {"get": {"parameters": [{"name": "q", "in": "query", "schema": {"type": "string"}}], "responses": {}}},
                "/b": {"get": {"parameters": [{"$ref": "#/paths/~1a/get/parameters/0"}], "responses": {}}}
            }
        });
        normalize(&mut doc);
        assert_eq!(doc["paths"]["/b"]["get"]["parameters"][0]["name"], "q");
    }
}
