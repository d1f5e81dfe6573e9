//! Operation selection: keep the chosen operations of a spec and what they need, drop the rest.
//!
//! Operations are chosen by `operationId`, by `METHOD /path` (the method in any case, the path
//! as the spec writes it) or by tag. What they need is the closure of the references they make,
//! followed transitively (`#/components/schemas/A` naming `#/components/schemas/B` keeps both),
//! and the security schemes their `security` requirements name (or the root's, which stays).
//! Every other operation, path, webhook (`webhooks`, and `x-webhooks` in 3.0 documents) and
//! reusable component is dropped. Works on the document
//! as written, so OpenAPI 3.x (`components`) and Swagger 2.0 (`definitions`, `parameters`,
//! `responses`, `securityDefinitions`) alike; it names no API field.

use crate::diag::{Diagnostic, Diagnostics};
use serde_json::{Map, Value};
use std::collections::BTreeSet;

/// What to keep. An operation is kept when any entry of either list names it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// `operationId`s, or `METHOD /path` (`GET /repos/{owner}/{repo}/issues`).
    pub operations: Vec<String>,
    /// Tags: every operation listing one of them.
    pub tags: Vec<String>,
}

/// The HTTP methods a path item holds operations under (3.0, 3.1, Swagger 2.0, and 3.2's `query`).
const METHODS: [&str; 9] = ["get", "put", "post", "delete", "options", "head", "patch", "trace", "query"];

/// The root members that hold reusable objects by name, and whose entries are kept only when
/// referenced. `components` holds such maps one level down.
const SWAGGER_MAPS: [&str; 4] = ["definitions", "parameters", "responses", "securityDefinitions"];

/// Keeps the operations `selection` names in `spec` (YAML or JSON) and the components they
/// reference, transitively. Returns the smaller document as pretty-printed JSON, or an error
/// for each name that selects nothing (with the spec's location of what it was compared with).
pub fn select(spec: &str, selection: &Selection) -> Result<String, Diagnostics> {
    let mut doc = crate::load::parse(spec).map_err(Diagnostics)?;
    select_in(&mut doc, selection)?;
    serde_json::to_string_pretty(&doc)
        .map_err(|e| Diagnostics(vec![Diagnostic::internal("", format!("cannot write the selected spec: {e}"))]))
}

/// [`select`] on a parsed document, in place.
pub fn select_in(doc: &mut Value, selection: &Selection) -> Result<(), Diagnostics> {
    let Some(root) = doc.as_object_mut() else {
        return Err(Diagnostics(vec![Diagnostic::invalid("", "the document is not a YAML/JSON object")]));
    };
    let mut used = vec![false; selection.operations.len() + selection.tags.len()];
    let wanted = |path: &str, method: &str, op: &Value, used: &mut Vec<bool>| {
        let id = op.get("operationId").and_then(Value::as_str);
        let tags: Vec<&str> = op
            .get("tags")
            .and_then(Value::as_array)
            .map(|t| t.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut keep = false;
        for (i, name) in selection.operations.iter().enumerate() {
            if id == Some(name.as_str()) || names_method_path(name, method, path) {
                keep = true;
                if let Some(u) = used.get_mut(i) {
                    *u = true;
                }
            }
        }
        for (i, tag) in selection.tags.iter().enumerate() {
            if tags.contains(&tag.as_str()) {
                keep = true;
                if let Some(u) = used.get_mut(selection.operations.len() + i) {
                    *u = true;
                }
            }
        }
        keep
    };
    // Which security schemes the kept operations name (the root's requirements stay as they are).
    let mut schemes: BTreeSet<String> = BTreeSet::new();
    let mut scheme_names = |security: Option<&Value>| {
        for requirement in security.and_then(Value::as_array).into_iter().flatten() {
            if let Some(req) = requirement.as_object() {
                schemes.extend(req.keys().cloned());
            }
        }
    };
    scheme_names(root.get("security"));
    if let Some(Value::Object(paths)) = root.get_mut("paths") {
        paths.retain(|path, item| {
            let Some(item) = item.as_object_mut() else { return false };
            item.retain(|key, op| !METHODS.contains(&key.as_str()) || wanted(path, key, op, &mut used));
            let kept: Vec<&Value> = METHODS.iter().filter_map(|m| item.get(*m)).collect();
            for op in &kept {
                scheme_names(op.get("security"));
            }
            !kept.is_empty()
        });
    }
    let unmatched: Vec<Diagnostic> = used
        .iter()
        .enumerate()
        .filter(|(_, u)| !**u)
        .filter_map(|(i, _)| {
            let (what, name) = match selection.operations.get(i) {
                Some(name) => ("operation (an operationId or `METHOD /path`)", name),
                None => ("tag", selection.tags.get(i - selection.operations.len())?),
            };
            Some(Diagnostic::invalid("/paths", format!("`{name}` names no {what} of the spec")))
        })
        .collect();
    if !unmatched.is_empty() {
        return Err(Diagnostics(unmatched));
    }
    // Webhooks are requests the API makes, not operations a client calls; `x-webhooks` is the
    // same map in 3.0 documents (Redoc's convention, GitHub's spec). Neither is selectable.
    root.shift_remove("webhooks");
    root.shift_remove("x-webhooks");
    // Everything outside the reusable maps is kept; the references it makes are followed.
    let mut keep: BTreeSet<String> = BTreeSet::new();
    let mut pending: Vec<String> = Vec::new();
    for (key, value) in root.iter() {
        if key != "components" && !SWAGGER_MAPS.contains(&key.as_str()) {
            refs(value, &mut pending);
        }
    }
    let whole = Value::Object(root.clone());
    while let Some(pointer) = pending.pop() {
        let Some(entry) = entry_of(&pointer) else { continue };
        if !keep.insert(entry.clone()) {
            continue;
        }
        if let Some(node) = whole.pointer(&entry) {
            refs(node, &mut pending);
        }
    }
    for name in &schemes {
        keep.insert(format!("/components/securitySchemes/{}", crate::diag::escape(name)));
        keep.insert(format!("/securityDefinitions/{}", crate::diag::escape(name)));
    }
    let kept = |base: &str, map: &mut Map<String, Value>| {
        map.retain(|name, _| keep.contains(&format!("{base}/{}", crate::diag::escape(name))));
    };
    for key in SWAGGER_MAPS {
        if let Some(Value::Object(map)) = root.get_mut(key) {
            kept(&format!("/{key}"), map);
        }
    }
    if let Some(Value::Object(components)) = root.get_mut("components") {
        for (kind, map) in components.iter_mut() {
            if let Value::Object(map) = map {
                if !kind.starts_with("x-") {
                    kept(&format!("/components/{}", crate::diag::escape(kind)), map);
                }
            }
        }
    }
    Ok(())
}

/// Whether `name` is `METHOD /path` for this operation.
fn names_method_path(name: &str, method: &str, path: &str) -> bool {
    name.split_once(' ').is_some_and(|(m, p)| m.eq_ignore_ascii_case(method) && p.trim() == path)
}

/// Every local `$ref` under `value`, as a JSON pointer.
fn refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                match (k.as_str(), v) {
                    ("$ref", Value::String(r)) => {
                        if let Some(pointer) = r.strip_prefix('#') {
                            out.push(crate::normalize::percent_decode(pointer));
                        }
                    }
                    _ => refs(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

/// The reusable entry a pointer lands in (`/components/schemas/A` for
/// `/components/schemas/A/properties/b`), or the pointer itself elsewhere (a reference into
/// `paths` keeps nothing extra: what it points at is kept or not with its operation).
fn entry_of(pointer: &str) -> Option<String> {
    let tokens: Vec<&str> = pointer.split('/').skip(1).collect();
    match tokens.as_slice() {
        ["components", kind, name, ..] => Some(format!("/components/{kind}/{name}")),
        [map, name, ..] if SWAGGER_MAPS.contains(map) => Some(format!("/{map}/{name}")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;

    const SPEC: &str = r##"
openapi: 3.0.3
info: {title: t, version: '1'}
security: [{token: []}]
paths:
  /pets:
    parameters: [{$ref: '#/components/parameters/Trace'}]
    get:
      operationId: listPets
      tags: [pets]
      security: [{oauth: [read]}]
      responses:
        '200': {description: ok, content: {application/json: {schema: {type: array, items: {$ref: '#/components/schemas/Pet'}}}}}
    post:
      operationId: createPet
      requestBody: {$ref: '#/components/requestBodies/NewPet'}
      responses: {'201': {description: ok}}
  /users/{id}:
    get:
      operationId: getUser
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      tags: [users]
      responses: {'200': {$ref: '#/components/responses/User'}}
webhooks:
  ping: {post: {responses: {'200': {description: ok}}}}
x-webhooks:
  pong: {post: {requestBody: {$ref: '#/components/requestBodies/NewPet'}, responses: {'200': {description: ok}}}}
components:
  parameters:
    Trace: {name: trace, in: header, schema: {type: string}}
  requestBodies:
    NewPet: {content: {application/json: {schema: {$ref: '#/components/schemas/Pet'}}}}
  responses:
    User: {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/User'}}}}
  schemas:
    Pet: {type: object, properties: {owner: {$ref: '#/components/schemas/User/properties/name'}, tag: {$ref: '#/components/schemas/Tag'}}}
    Tag: {type: string}
    User: {type: object, properties: {name: {type: string}, self: {$ref: '#/components/schemas/User'}}}
    Unused: {type: string}
  securitySchemes:
    token: {type: http, scheme: bearer}
    oauth: {type: oauth2, flows: {implicit: {authorizationUrl: 'https://x', scopes: {read: r}}}}
    apiKey: {type: apiKey, in: header, name: k}
"##;

    fn keys(doc: &Value, pointer: &str) -> Vec<String> {
        doc.pointer(pointer).and_then(Value::as_object).map(|m| m.keys().cloned().collect()).unwrap_or_default()
    }

    fn run(operations: &[&str], tags: &[&str]) -> Result<Value, Diagnostics> {
        let selection = Selection {
            operations: operations.iter().map(|s| s.to_string()).collect(),
            tags: tags.iter().map(|s| s.to_string()).collect(),
        };
        select(SPEC, &selection).map(|text| serde_json::from_str(&text).unwrap())
    }

    #[test]
    fn keeps_the_operation_and_the_closure_of_its_references() {
        let doc = run(&["listPets"], &[]).unwrap();
        assert_eq!(keys(&doc, "/paths"), ["/pets"]);
        assert_eq!(keys(&doc, "/paths/~1pets"), ["parameters", "get"]);
        assert_eq!(keys(&doc, "/components/schemas"), ["Pet", "Tag", "User"]);
        assert_eq!(keys(&doc, "/components/parameters"), ["Trace"]);
        assert!(keys(&doc, "/components/requestBodies").is_empty());
        assert!(keys(&doc, "/components/responses").is_empty());
        assert_eq!(keys(&doc, "/components/securitySchemes"), ["token", "oauth"]);
        assert!(doc.get("webhooks").is_none() && doc.get("x-webhooks").is_none());
        // What is kept is as the spec wrote it.
        assert_eq!(doc["paths"]["/pets"]["get"]["security"][0]["oauth"][0], "read");
    }

    #[test]
    fn selects_by_method_and_path_and_by_tag() {
        let doc = run(&["post /pets"], &["users"]).unwrap();
        assert_eq!(keys(&doc, "/paths"), ["/pets", "/users/{id}"]);
        assert_eq!(keys(&doc, "/paths/~1pets"), ["parameters", "post"]);
        assert_eq!(keys(&doc, "/components/requestBodies"), ["NewPet"]);
        assert_eq!(keys(&doc, "/components/responses"), ["User"]);
        assert_eq!(keys(&doc, "/components/securitySchemes"), ["token"]);
        // The selected spec generates.
        let text = serde_json::to_string(&doc).unwrap();
        let api = crate::lower(&text).unwrap();
        let mut names: Vec<&str> = api.operations.iter().map(|o| o.rust_name.as_str()).collect();
        names.sort();
        assert_eq!(names, ["create_pet", "get_user"]);
    }

    #[test]
    fn a_name_that_selects_nothing_is_an_error() {
        let e = run(&["listPets", "GET /nope", "deletePet"], &["admin"]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid spec: at /paths: `GET /nope` names no operation (an operationId or `METHOD /path`) of the spec\n\
             invalid spec: at /paths: `deletePet` names no operation (an operationId or `METHOD /path`) of the spec\n\
             invalid spec: at /paths: `admin` names no tag of the spec\n"
        );
    }

    #[test]
    fn swagger_2_maps_are_pruned_too() {
        let spec = r##"{"swagger": "2.0", "info": {"title": "t", "version": "1"},
          "paths": {"/a": {"get": {"operationId": "a", "responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/A"}}}}},
                    "/b": {"get": {"operationId": "b", "responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/B"}}}}}},
          "definitions": {"A": {"type": "object", "properties": {"c": {"$ref": "#/definitions/C%7Bx%7D"}}}, "B": {"type": "string"}, "C{x}": {"type": "string"}}}"##;
        let text = select(spec, &Selection { operations: vec!["a".into()], tags: vec![] }).unwrap();
        let doc: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(keys(&doc, "/definitions"), ["A", "C{x}"]);
        assert_eq!(keys(&doc, "/paths"), ["/a"]);
    }
}
