//! Proofs that a schema admits no value at all: a spec defect no server and no client can get
//! past (Cloudflare's envelopes that say `result` is an array in one `allOf` part and an object
//! in another, and require it).
//!
//! Sound, not complete: [`impossible`] answers `Some(proof)` only by these rules, applied to the
//! conjunction of a schema, the targets of its `$ref`s and its `allOf` branches ("parts"):
//! - the parts' `type`s (with `nullable: true` adding `null`, `integer` inside `number`) have no
//!   type in common;
//! - no value in every part's `enum` has one of the common types;
//! - the value must be an object (and cannot be null) and a `required` property's schema, the
//!   conjunction of every part's declaration of it, is impossible;
//! - the value must be an array, `minItems` is at least 1 and the items' schema is impossible;
//! - every alternative of a part's `oneOf` or `anyOf`, joined to the parts, is impossible.
//!
//! A `$ref` met again on the way proves nothing (recursion is left alone), and so does anything
//! deeper than [`MAX_DEPTH`].

use serde_json::Value;

use super::ref_pointer;

/// How deep the proof may look.
const MAX_DEPTH: usize = 24;

/// Why no value is valid against `schema` (resolved in `doc`), when the rules above show it.
pub fn impossible(doc: &Value, schema: &Value) -> Option<String> {
    Prover { doc }.conjunction(&[schema], &mut Vec::new(), 0, "(root)")
}

struct Prover<'a> {
    doc: &'a Value,
}

/// The JSON types a part allows, `None` when it declares none.
fn declared_types(part: &Value) -> Option<Vec<&'static str>> {
    let names = ["string", "object", "integer", "number", "boolean", "array", "null"];
    let canonical = |t: &str| names.into_iter().find(|n| *n == t);
    let mut types: Vec<&'static str> = match part.get("type")? {
        Value::String(t) => canonical(t).into_iter().collect(),
        Value::Array(list) => list.iter().filter_map(Value::as_str).filter_map(canonical).collect(),
        _ => return None,
    };
    if part.get("nullable").and_then(Value::as_bool) == Some(true) {
        types.push("null");
    }
    Some(types)
}

/// Whether a value of JSON type `value` is allowed by a type list.
fn allows(types: &[&str], value: &Value) -> bool {
    match value {
        Value::Null => types.contains(&"null"),
        Value::Bool(_) => types.contains(&"boolean"),
        Value::String(_) => types.contains(&"string"),
        Value::Array(_) => types.contains(&"array"),
        Value::Object(_) => types.contains(&"object"),
        Value::Number(n) => {
            types.contains(&"number")
                || (types.contains(&"integer")
                    && (n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)))
        }
    }
}

impl<'a> Prover<'a> {
    /// Adds `schema`, its `$ref` targets and `allOf` branches to `parts`, pushing the `$ref`s
    /// on `stack`. A `$ref` met before in this conjunction (from `mark` on) is not added again;
    /// `false` when one of an enclosing conjunction (before `mark`) is met: no proof through
    /// recursion.
    fn flatten<'p>(&self, schema: &'p Value, parts: &mut Vec<&'p Value>, stack: &mut Vec<String>, mark: usize) -> bool
    where
        'a: 'p,
    {
        let mut schema = schema;
        while let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            if stack[..mark].iter().any(|r| r == reference) {
                return false;
            }
            if stack[mark..].iter().any(|r| r == reference) {
                return true;
            }
            stack.push(reference.to_string());
            let doc: &'p Value = self.doc;
            let Some(target) = ref_pointer(reference).and_then(|p| doc.pointer(&p)) else { return false };
            schema = target;
        }
        if !schema.is_object() {
            return false;
        }
        parts.push(schema);
        for branch in schema.get("allOf").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default() {
            if !self.flatten(branch, parts, stack, mark) {
                return false;
            }
        }
        true
    }

    fn conjunction<'p>(&self, schemas: &[&'p Value], stack: &mut Vec<String>, depth: usize, at: &str) -> Option<String>
    where
        'a: 'p,
    {
        if depth > MAX_DEPTH {
            return None;
        }
        let mark = stack.len();
        let mut parts = Vec::new();
        let complete = schemas.iter().all(|s| self.flatten(s, &mut parts, stack, mark));
        let proof = if complete { self.parts(&parts, stack, depth, at) } else { None };
        stack.truncate(mark);
        proof
    }

    fn parts<'p>(&self, parts: &[&'p Value], stack: &mut Vec<String>, depth: usize, at: &str) -> Option<String>
    where
        'a: 'p,
    {
        // Types.
        let mut allowed: Option<Vec<&str>> = None;
        let mut written: Vec<String> = Vec::new();
        for part in parts {
            let Some(declared) = declared_types(part) else { continue };
            written.push(format!("[{}]", declared.join(", ")));
            allowed = Some(match allowed {
                None => declared,
                Some(before) => before
                    .into_iter()
                    .filter_map(|t| match t {
                        _ if declared.contains(&t) => Some(t),
                        "number" | "integer" if declared.contains(&"integer") || declared.contains(&"number") => {
                            Some("integer")
                        }
                        _ => None,
                    })
                    .collect(),
            });
        }
        if allowed.as_ref().is_some_and(Vec::is_empty) {
            return Some(format!(
                "at `{at}`: the `type`s its parts declare have nothing in common ({})",
                written.join(" and ")
            ));
        }
        // Enums.
        let enums: Vec<&Vec<Value>> = parts.iter().filter_map(|p| p.get("enum").and_then(Value::as_array)).collect();
        if let Some((first, rest)) = enums.split_first() {
            let fits = first
                .iter()
                .any(|v| rest.iter().all(|e| e.contains(v)) && allowed.as_ref().is_none_or(|types| allows(types, v)));
            if !fits {
                return Some(format!("at `{at}`: no value of its `enum` is allowed by every part's `enum` and `type`"));
            }
        }
        let only = |t: &str| allowed.as_ref().is_some_and(|a| a.iter().all(|x| *x == t));
        // Required properties of an object.
        if only("object") {
            let mut required: Vec<&str> = parts
                .iter()
                .filter_map(|p| p.get("required").and_then(Value::as_array))
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            required.dedup();
            for name in required {
                let declared: Vec<&Value> =
                    parts.iter().filter_map(|p| p.get("properties").and_then(|ps| ps.get(name))).collect();
                if declared.is_empty() {
                    continue;
                }
                let inner = if at == "(root)" { name.to_string() } else { format!("{at}.{name}") };
                if let Some(proof) = self.conjunction(&declared, stack, depth + 1, &inner) {
                    return Some(format!("{proof}, and `{inner}` is required"));
                }
            }
        }
        // Non-empty arrays.
        if only("array")
            && parts.iter().filter_map(|p| p.get("minItems").and_then(Value::as_u64)).max().unwrap_or(0) > 0
        {
            let items: Vec<&Value> = parts.iter().filter_map(|p| p.get("items")).collect();
            if !items.is_empty() {
                let inner = format!("{at}[0]");
                if let Some(proof) = self.conjunction(&items, stack, depth + 1, &inner) {
                    return Some(format!("{proof}, and `minItems` asks for at least one item"));
                }
            }
        }
        // Compositions: every alternative impossible.
        for part in parts {
            for keyword in ["oneOf", "anyOf"] {
                let Some(alternatives) = part.get(keyword).and_then(Value::as_array) else { continue };
                if alternatives.is_empty() {
                    continue;
                }
                // The part without the composition (its `allOf` branches are in `parts` already).
                let mut without = part.as_object().cloned().unwrap_or_default();
                without.remove(keyword);
                without.remove("allOf");
                let without = Value::Object(without);
                let mut proofs = Vec::new();
                for alternative in alternatives {
                    let mut joined: Vec<&Value> =
                        parts.iter().map(|p| if std::ptr::eq(*p, *part) { &without } else { *p }).collect();
                    let mark = stack.len();
                    let proof = if self.flatten(alternative, &mut joined, stack, mark) {
                        self.parts(&joined, stack, depth + 1, at)
                    } else {
                        None
                    };
                    stack.truncate(mark);
                    match proof {
                        Some(proof) => proofs.push(proof),
                        None => break,
                    }
                }
                if proofs.len() == alternatives.len() {
                    return Some(format!(
                        "at `{at}`: none of the {} alternatives of its `{keyword}` admits a value (first: {})",
                        alternatives.len(),
                        proofs[0]
                    ));
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::impossible;
    use serde_json::{json, Value};

    fn doc() -> Value {
        json!({"components": {"schemas": {
            "common": {"type": "object", "required": ["result"], "properties": {
                "result": {"anyOf": [{"type": "object"}, {"type": "array", "items": {}}, {"type": "string"}]}}},
            "collection": {"type": "object", "allOf": [{"$ref": "#/components/schemas/common"},
                {"properties": {"result": {"type": "array", "nullable": true, "items": {}}}}]},
            "single": {"type": "object", "properties": {"result": {"type": "object"}}},
            "node": {"type": "object", "required": ["next"], "properties": {
                "next": {"$ref": "#/components/schemas/node"}}}
        }}})
    }

    fn check(schema: Value) -> Option<String> {
        impossible(&doc(), &schema)
    }

    #[test]
    fn a_required_property_typed_two_ways_is_proven_impossible() {
        // Cloudflare's pattern: a collection envelope (array or null) joined to a single result.
        let proof = check(json!({"allOf": [
            {"$ref": "#/components/schemas/collection"}, {"$ref": "#/components/schemas/single"}]}))
        .expect("a proof");
        assert!(proof.contains("`result`"), "{proof}");
        assert!(proof.contains("is required"), "{proof}");
        // The same parts where `result` may be null or absent are satisfiable.
        let nullable = json!({"allOf": [
            {"type": "object", "required": ["result"], "properties": {"result": {"type": "array", "nullable": true}}},
            {"properties": {"result": {"type": "object", "nullable": true}}}]});
        assert_eq!(check(nullable), None);
        let optional = json!({"allOf": [
            {"type": "object", "properties": {"result": {"type": "array"}}}, {"$ref": "#/components/schemas/single"}]});
        assert_eq!(check(optional), None);
    }

    #[test]
    fn types_enums_items_and_alternatives() {
        assert!(check(json!({"allOf": [{"type": "string"}, {"type": "integer"}]})).is_some());
        assert_eq!(check(json!({"allOf": [{"type": "number"}, {"type": "integer"}]})), None);
        assert!(check(json!({"type": "object", "enum": ["a", "b"]})).is_some());
        assert_eq!(check(json!({"type": "string", "enum": ["a"]})), None);
        assert!(check(
            json!({"type": "array", "minItems": 1, "items": {"allOf": [{"type": "string"}, {"type": "boolean"}]}})
        )
        .is_some());
        assert_eq!(
            check(json!({"type": "array", "items": {"allOf": [{"type": "string"}, {"type": "boolean"}]}})),
            None
        );
        assert!(check(json!({"type": "object", "oneOf": [{"type": "string"}, {"type": "array"}]})).is_some());
        assert_eq!(check(json!({"type": "object", "oneOf": [{"type": "string"}, {"type": "object"}]})), None);
    }

    #[test]
    fn recursion_and_missing_targets_prove_nothing() {
        assert_eq!(check(json!({"$ref": "#/components/schemas/node"})), None);
        assert_eq!(check(json!({"allOf": [{"$ref": "#/components/schemas/missing"}, {"type": "string"}]})), None);
    }
}
