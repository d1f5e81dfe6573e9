//! OpenAPI Overlay 1.0 (<https://spec.openapis.org/overlay/v1.0.0>): ordered edits to a spec
//! kept beside it, applied to the document as written (before any version upgrade, so Swagger
//! 2.0 and OpenAPI 3.1 specs can be overlaid too). An overlay is YAML or JSON:
//!
//! ```yaml
//! overlay: 1.0.0
//! info: {title: GitHub pagination, version: 1.0.0}
//! actions:
//!   - target: $.paths['/repos/{owner}/{repo}/issues'].get
//!     update: {x-pagination: {style: link-header}}
//!   - target: $.components.schemas.issue.required[?@ == 'closed_at']
//!     remove: true
//! ```
//!
//! Each action's `target` is a JSONPath query (RFC 9535, the subset in the private module `jsonpath`); `update`
//! is merged into every object it selects (members of both objects merge recursively, arrays
//! in both are concatenated, anything else is replaced) or appended to every array it selects;
//! `remove: true` removes the selected nodes from their parents. Actions apply in order, each to
//! the result of the ones before. Problems with an overlay are [`Diagnostic`]s located in the
//! overlay (a pointer like `/actions/3/target` and its line), their message naming the overlay;
//! a target that selects nothing is a located warning (an overlay written for another version
//! of the spec).

mod jsonpath;

use crate::diag::{Diagnostic, Diagnostics};
use jsonpath::Step;
use serde_json::Value;

/// Applies `overlays` (each a label, such as its file name, and its text), in order, to `spec`
/// (YAML or JSON). Returns the overlaid document as pretty-printed JSON, which every other
/// entry point of the generator reads, with the warnings (targets that selected nothing); or
/// every error, located in the overlay (or the spec, if the spec itself does not parse).
/// Nothing is applied when an overlay has an error.
pub fn apply(spec: &str, overlays: &[(&str, &str)]) -> Result<(String, Vec<Diagnostic>), Diagnostics> {
    let mut doc = crate::load::parse(spec).map_err(Diagnostics)?;
    let mut warnings = Vec::new();
    for (label, text) in overlays {
        warnings.extend(apply_to(&mut doc, label, text)?);
    }
    let text = serde_json::to_string_pretty(&doc)
        .map_err(|e| Diagnostics(vec![Diagnostic::internal("", format!("cannot write the overlaid spec: {e}"))]))?;
    Ok((text, warnings))
}

/// Applies one overlay to a parsed document: the warnings, or every error (the document then
/// unchanged if the overlay itself is malformed, or partly changed if an action fails on it).
pub fn apply_to(doc: &mut Value, label: &str, text: &str) -> Result<Vec<Diagnostic>, Diagnostics> {
    let lines: Vec<&str> = text.lines().collect();
    let locate = |mut d: Diagnostic| {
        d.message = format!("overlay {label}: {}", d.message);
        if d.line.is_none() {
            d.line = crate::load::line_in(&lines, &d.pointer);
        }
        d
    };
    let fail = |list: Vec<Diagnostic>| Diagnostics::sorted(list.into_iter().map(locate).collect());
    let overlay = crate::load::parse(text).map_err(fail)?;
    let actions = read(&overlay).map_err(fail)?;
    let mut warnings = Vec::new();
    let mut errors = Vec::new();
    for action in &actions {
        let at = format!("/actions/{}/target", action.index);
        let Some(selected) = action.target.select(doc) else {
            errors.push(Diagnostic::unsupported(
                &at,
                format!("target `{}` selects more than {} nodes", action.text, jsonpath::MAX_NODES),
            ));
            break;
        };
        let selected: Vec<Vec<Step>> = selected.into_iter().map(|(path, _)| path).collect();
        if selected.is_empty() {
            warnings.push(locate(Diagnostic::warning(
                &at,
                format!("target `{}` selects nothing in the spec; the action does nothing", action.text),
            )));
            continue;
        }
        match &action.change {
            Change::Remove => remove(doc, selected),
            Change::Update(update) => {
                for path in &selected {
                    let Some(node) = node_mut(doc, path) else { continue };
                    match node {
                        Value::Object(_) if update.is_object() => merge(node, update),
                        Value::Array(items) => items.push(update.clone()),
                        Value::Object(_) => errors.push(Diagnostic::invalid(
                            format!("/actions/{}/update", action.index),
                            format!(
                                "`update` must be an object to merge into the object at {} (target `{}`)",
                                shown(path),
                                action.text
                            ),
                        )),
                        other => errors.push(Diagnostic::invalid(
                            &at,
                            format!(
                                "target `{}` selects {} at {}: `update` applies to objects and arrays only \
                                 (to change a value, target its parent object)",
                                action.text,
                                kind(other),
                                shown(path)
                            ),
                        )),
                    }
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(warnings)
    } else {
        Err(fail(errors))
    }
}

/// One action, checked.
struct Action {
    index: usize,
    text: String,
    target: jsonpath::Query,
    change: Change,
}

enum Change {
    Update(Value),
    Remove,
}

/// Checks the overlay document: its version, `info`, and every action (all findings, not the
/// first).
fn read(overlay: &Value) -> Result<Vec<Action>, Vec<Diagnostic>> {
    let Some(root) = overlay.as_object() else {
        return Err(vec![Diagnostic::invalid(
            "",
            "an overlay is a YAML/JSON object (`overlay: 1.0.0`, `info`, `actions`)",
        )]);
    };
    let mut errors = Vec::new();
    match root.get("overlay") {
        Some(Value::String(v)) if is_version_1_0(v) => {}
        Some(Value::String(v)) => errors.push(Diagnostic::unsupported(
            "/overlay",
            format!("overlay version `{v}` is not supported; this generator reads Overlay 1.0.x"),
        )),
        Some(_) => errors.push(Diagnostic::invalid("/overlay", "`overlay` is the version as a string, e.g. `1.0.0`")),
        None => errors.push(Diagnostic::invalid("", "not an overlay: it lacks `overlay: 1.0.0` (the Overlay version)")),
    }
    match root.get("info") {
        Some(Value::Object(info)) => {
            for key in ["title", "version"] {
                if !info.get(key).is_some_and(Value::is_string) {
                    errors.push(Diagnostic::invalid("/info", format!("`info` needs a `{key}` string")));
                }
            }
        }
        Some(_) => errors.push(Diagnostic::invalid("/info", "`info` is an object with `title` and `version`")),
        None => errors.push(Diagnostic::invalid("", "an overlay needs `info` (with `title` and `version`)")),
    }
    if let Some(extends) = root.get("extends") {
        if !extends.is_string() {
            errors.push(Diagnostic::invalid("/extends", "`extends` is a URL (a string)"));
        }
    }
    let mut actions = Vec::new();
    match root.get("actions") {
        Some(Value::Array(list)) if !list.is_empty() => {
            for (index, raw) in list.iter().enumerate() {
                match action(index, raw) {
                    Ok(a) => actions.push(a),
                    Err(e) => errors.extend(e),
                }
            }
        }
        Some(Value::Array(_)) => {
            errors.push(Diagnostic::invalid("/actions", "`actions` is empty: an overlay has at least one"))
        }
        Some(_) => errors.push(Diagnostic::invalid("/actions", "`actions` is a list of actions")),
        None => errors.push(Diagnostic::invalid("", "an overlay needs `actions`")),
    }
    if errors.is_empty() {
        Ok(actions)
    } else {
        Err(errors)
    }
}

fn is_version_1_0(v: &str) -> bool {
    v.strip_prefix("1.0.").is_some_and(|patch| !patch.is_empty() && patch.bytes().all(|b| b.is_ascii_digit()))
}

fn action(index: usize, raw: &Value) -> Result<Action, Vec<Diagnostic>> {
    let at = |key: &str| format!("/actions/{index}{}", if key.is_empty() { String::new() } else { format!("/{key}") });
    let Some(map) = raw.as_object() else {
        return Err(vec![Diagnostic::invalid(at(""), "an action is an object with `target` and `update` or `remove`")]);
    };
    let mut errors = Vec::new();
    let target = match map.get("target") {
        Some(Value::String(text)) => match jsonpath::parse(text) {
            Ok(q) => Some((text.clone(), q)),
            Err(e) => {
                errors.push(Diagnostic::invalid(
                    at("target"),
                    format!("target `{text}` is not a JSONPath query: at character {}: {}", e.position + 1, e.message),
                ));
                None
            }
        },
        Some(_) => {
            errors.push(Diagnostic::invalid(at("target"), "`target` is a JSONPath query (a string starting with `$`)"));
            None
        }
        None => {
            errors.push(Diagnostic::invalid(at(""), "an action needs a `target` (a JSONPath query)"));
            None
        }
    };
    if let Some(d) = map.get("description") {
        if !d.is_string() {
            errors.push(Diagnostic::invalid(at("description"), "`description` is a string"));
        }
    }
    let remove = match map.get("remove") {
        None => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            errors.push(Diagnostic::invalid(at("remove"), "`remove` is `true` or `false`"));
            false
        }
    };
    let change = match (remove, map.get("update")) {
        // The spec: `update` "has no impact if the remove field of this action object is true".
        (true, _) => Some(Change::Remove),
        (false, Some(update)) => Some(Change::Update(update.clone())),
        // A malformed `remove` was reported above: not "does nothing" as well.
        (false, None) if map.contains_key("remove") && !errors.is_empty() => None,
        (false, None) => {
            errors.push(Diagnostic::invalid(
                at(""),
                "the action has neither `update` nor `remove: true`: it does nothing",
            ));
            None
        }
    };
    match (target, change) {
        (Some((text, target)), Some(change)) if errors.is_empty() => Ok(Action { index, text, target, change }),
        _ => Err(errors),
    }
}

/// Removes the nodes at `paths` from their parents. Later array items go first, so the indexes
/// of the rest still hold; a node under one removed before is already gone (skipped).
fn remove(doc: &mut Value, mut paths: Vec<Vec<Step>>) {
    paths.sort();
    paths.dedup();
    for path in paths.iter().rev() {
        let Some((last, parent)) = path.split_last() else {
            // `$` itself: the document becomes empty, which loading then reports.
            *doc = Value::Null;
            continue;
        };
        match (node_mut(doc, parent), last) {
            (Some(Value::Object(map)), Step::Key(k)) => {
                // `shift_remove` keeps the other members' order (the output is deterministic
                // either way, but it reads like the input).
                map.shift_remove(k);
            }
            (Some(Value::Array(items)), Step::Index(i)) if *i < items.len() => {
                items.remove(*i);
            }
            _ => {}
        }
    }
}

/// Merges `update` into `target`: objects member by member, recursively; arrays concatenated;
/// anything else replaced.
fn merge(target: &mut Value, update: &Value) {
    match (target, update) {
        (Value::Object(t), Value::Object(u)) => {
            for (k, v) in u {
                match t.get_mut(k) {
                    Some(existing) => merge(existing, v),
                    None => {
                        t.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (Value::Array(t), Value::Array(u)) => t.extend(u.iter().cloned()),
        (t, u) => *t = u.clone(),
    }
}

fn node_mut<'v>(doc: &'v mut Value, path: &[Step]) -> Option<&'v mut Value> {
    path.iter().try_fold(doc, |node, step| match (node, step) {
        (Value::Object(map), Step::Key(k)) => map.get_mut(k),
        (Value::Array(items), Step::Index(i)) => items.get_mut(*i),
        _ => None,
    })
}

/// A path in the spec for a message: its JSON pointer, `/` for the root.
fn shown(path: &[Step]) -> String {
    let p = jsonpath::pointer(path);
    if p.is_empty() {
        "/".to_string()
    } else {
        p
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;
    use serde_json::json;

    const SPEC: &str = r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /pets:
    get:
      operationId: listPets
      tags: [pets]
      responses: {'200': {description: ok}}
components:
  schemas:
    Pet:
      type: object
      required: [id, name, tag]
      properties:
        id: {type: integer}
        name: {type: string}
        tag: {type: string}
"#;

    fn run(overlay: &str) -> Result<(Value, Vec<Diagnostic>), Diagnostics> {
        let (text, warnings) = apply(SPEC, &[("o.yaml", overlay)])?;
        Ok((serde_json::from_str(&text).unwrap(), warnings))
    }

    fn errors(overlay: &str) -> String {
        run(overlay).unwrap_err().to_string()
    }

    #[test]
    fn update_merges_appends_and_remove_removes_in_order() {
        let (doc, warnings) = run(r#"
overlay: 1.0.0
info: {title: o, version: '1'}
actions:
  - target: $.paths['/pets'].get
    update:
      x-pagination: {style: link-header}
      tags: [animals]
      responses: {'200': {description: fine}}
  - target: $.components.schemas.Pet.required
    update: extra
  - target: $..required[?@ == 'tag']
    remove: true
  - target: $.components.schemas.Pet.properties.tag
    remove: true
"#)
        .unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        let get = &doc["paths"]["/pets"]["get"];
        assert_eq!(get["x-pagination"], json!({"style": "link-header"}));
        assert_eq!(get["tags"], json!(["pets", "animals"]));
        assert_eq!(get["responses"]["200"]["description"], "fine");
        assert_eq!(get["operationId"], "listPets");
        let pet = &doc["components"]["schemas"]["Pet"];
        assert_eq!(pet["required"], json!(["id", "name", "extra"]));
        assert_eq!(pet["properties"].as_object().unwrap().keys().collect::<Vec<_>>(), ["id", "name"]);
    }

    #[test]
    fn removing_several_items_of_one_array_removes_each() {
        let (doc, _) = run(r#"{"overlay": "1.0.0", "info": {"title": "o", "version": "1"},
            "actions": [{"target": "$.components.schemas.Pet.required[?@ != 'name']", "remove": true}]}"#)
        .unwrap();
        assert_eq!(doc["components"]["schemas"]["Pet"]["required"], json!(["name"]));
    }

    #[test]
    fn a_target_that_selects_nothing_is_a_located_warning() {
        let (_, warnings) = run("overlay: 1.0.0\ninfo: {title: o, version: '1'}\nactions:\n  - target: $.paths['/nope']\n    remove: true\n").unwrap();
        assert_eq!(warnings.len(), 1);
        assert_eq!(
            warnings[0].to_string(),
            "warning: at /actions/0/target (line 4): overlay o.yaml: target `$.paths['/nope']` selects nothing in the \
             spec; the action does nothing"
        );
    }

    #[test]
    fn malformed_overlays_are_located_errors() {
        let text = errors(
            "overlay: 2.0.0\ninfo: {title: o}\nactions:\n  - target: $.paths[\n    remove: true\n  - target: $.info\n  - update: {}\n  - target: 3\n    remove: yes\n",
        );
        assert_eq!(
            text,
            "invalid spec: at /actions/0/target (line 4): overlay o.yaml: target `$.paths[` is not a JSONPath query: at \
             character 9: expected a selector: a quoted name, `*`, an index or a filter `?...` (found the end)\n\
             invalid spec: at /actions/1 (line 6): overlay o.yaml: the action has neither `update` nor `remove: true`: \
             it does nothing\n\
             invalid spec: at /actions/2 (line 7): overlay o.yaml: an action needs a `target` (a JSONPath query)\n\
             invalid spec: at /actions/3/remove (line 9): overlay o.yaml: `remove` is `true` or `false`\n\
             invalid spec: at /actions/3/target (line 8): overlay o.yaml: `target` is a JSONPath query (a string \
             starting with `$`)\n\
             invalid spec: at /info (line 2): overlay o.yaml: `info` needs a `version` string\n\
             unsupported: at /overlay (line 1): overlay o.yaml: overlay version `2.0.0` is not supported; this \
             generator reads Overlay 1.0.x\n"
        );
        assert!(errors("actions: []").contains("lacks `overlay: 1.0.0`"));
        assert!(errors("overlay: 1.0.0\ninfo: {title: o, version: '1'}\nactions: []").contains("`actions` is empty"));
        assert!(errors("[1, 2]").contains("an overlay is a YAML/JSON object"));
        assert!(errors("overlay: [").contains("not valid YAML"));
    }

    #[test]
    fn update_on_a_scalar_is_an_error_at_the_target() {
        let text = errors(
            "overlay: 1.0.0\ninfo: {title: o, version: '1'}\nactions:\n  - target: $.info.title\n    update: new\n  - target: $.info\n    update: [1]\n",
        );
        assert_eq!(
            text,
            "invalid spec: at /actions/0/target (line 4): overlay o.yaml: target `$.info.title` selects a string at \
             /info/title: `update` applies to objects and arrays only (to change a value, target its parent object)\n\
             invalid spec: at /actions/1/update (line 7): overlay o.yaml: `update` must be an object to merge into the \
             object at /info (target `$.info`)\n"
        );
    }

    #[test]
    fn removing_the_root_leaves_an_empty_document() {
        let (doc, _) =
            run("overlay: 1.0.0\ninfo: {title: o, version: '1'}\nactions: [{target: $, remove: true}]").unwrap();
        assert!(doc.is_null());
    }

    #[test]
    fn several_overlays_apply_in_order() {
        let first = "overlay: 1.0.0\ninfo: {title: a, version: '1'}\nactions: [{target: $.info, update: {title: A}}]";
        let second =
            "overlay: 1.0.1\ninfo: {title: b, version: '1'}\nactions: [{target: $.info, update: {title: B, x-b: 1}}]";
        let (text, _) = apply(SPEC, &[("a", first), ("b", second)]).unwrap();
        let doc: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(doc["info"], json!({"title": "B", "version": "1", "x-b": 1}));
        let (again, _) = apply(SPEC, &[("a", first), ("b", second)]).unwrap();
        assert_eq!(text, again);
    }

    #[test]
    fn mangled_overlays_never_panic() {
        let good = "overlay: 1.0.0\ninfo: {title: o, version: '1'}\nactions:\n  - target: $..required[?(@ == 'tag' || @ == 'id')]\n    remove: true\n  - target: $.paths.*.get\n    update: {x-a: [1]}\n";
        for cut in 0..good.len() {
            let _ = apply(SPEC, &[("o", &good[..cut])]);
            let mut bytes = good.as_bytes().to_vec();
            bytes[cut] = b"[]?'@$.*:- x"[cut % 12];
            let _ = apply(SPEC, &[("o", &String::from_utf8_lossy(&bytes))]);
        }
    }
}
