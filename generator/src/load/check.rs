//! Checks the keywords of every schema in the document as read (before `normalize`, so every
//! pointer names a place in the text): an unknown `type`, a keyword whose value has the wrong
//! kind (`minimum: "5"`, `required: true`, `items: []`, `maxLength: -1`), a `required` name
//! that no property declares. `openapiv3` accepts the first silently (`type: integr` becomes an
//! untyped schema, so `serde_json::Value`) and the last by design, and reports the others
//! without naming the keyword, one per run; here each is its own diagnostic at the keyword.
//!
//! The first two are errors. A `required` name without a property is a warning: it is legal
//! JSON Schema (the object must carry that key, of any type), harmless to the client (the name
//! is simply not required) and common in real specs (154 of 2,655 OpenAPI 3.0 specs of the
//! corpus, Cloudflare's and GitHub's among them; all of those looked at are real mistakes:
//! typos, `required` one level too high or low). It is reported only where the declared names
//! are known: the schema (with its `allOf`/`oneOf`/`anyOf` parts, through references, and the
//! composition it is a part of) declares `properties`, none of it allows other names through
//! `additionalProperties` (other than `false`), every reference could be followed, and it is not
//! under a `not` (where `required: [a]` forbids `a`).
//!
//! Left alone on purpose: unknown `format`s (legal), `pattern`s (ECMAScript, which Rust's
//! regex crate does not read in full), unknown keywords, `type: array` without `items`, enum
//! values of another type than `type`, and `null` values (YAML's empty `key:`), which
//! `openapiv3` reads as absent.

use crate::diag::Diagnostic;
use serde_json::{Map, Value};

/// Every finding in the document's schemas, in document order.
pub(crate) fn check(doc: &Value) -> Vec<Diagnostic> {
    let mut checker = Checker { doc, path: Vec::new(), found: Vec::new() };
    checker.document(doc);
    checker.found
}

/// The OpenAPI 3.0 schema types.
const TYPES: [&str; 6] = ["string", "number", "integer", "boolean", "array", "object"];

/// One step of a JSON pointer.
#[derive(Clone, Copy)]
enum Token<'a> {
    Key(&'a str),
    Index(usize),
}

/// The kind of value a keyword takes.
#[derive(Clone, Copy)]
enum Want {
    Text,
    Number,
    /// A number greater than 0 (`multipleOf`).
    Positive,
    /// A non-negative integer (`minLength`, `maxItems`, ...).
    Count,
    Bool,
    /// A list of strings (`required`).
    Names,
    /// A list of anything (`enum`).
    List,
    /// An object (`externalDocs`, `xml`, `discriminator`).
    Object,
}

/// What a keyword whose value is not a schema takes; `None` for other keys.
fn wanted(key: &str) -> Option<Want> {
    Some(match key {
        "title" | "description" | "format" | "pattern" => Want::Text,
        "multipleOf" => Want::Positive,
        "minimum" | "maximum" => Want::Number,
        "minLength" | "maxLength" | "minItems" | "maxItems" | "minProperties" | "maxProperties" => Want::Count,
        "exclusiveMinimum" | "exclusiveMaximum" | "uniqueItems" | "nullable" | "readOnly" | "writeOnly"
        | "deprecated" => Want::Bool,
        "required" => Want::Names,
        "enum" => Want::List,
        "externalDocs" | "xml" | "discriminator" => Want::Object,
        _ => return None,
    })
}

/// The property names a schema can hold, as far as they can be known.
#[derive(Default)]
struct Names<'a> {
    /// The `properties` objects seen (a list, not a set of names: most schemas have one).
    declared: Vec<&'a Map<String, Value>>,
    /// Some `properties` keyword was seen.
    declares: bool,
    /// `additionalProperties` allows other names somewhere, or a reference could not be
    /// followed: any name may be meant.
    open: bool,
    /// Some part says `additionalProperties: false`: no other name may be present.
    closed: bool,
}

struct Checker<'a> {
    doc: &'a Value,
    path: Vec<Token<'a>>,
    found: Vec<Diagnostic>,
}

type Visit<'a> = fn(&mut Checker<'a>, &'a Value);

impl<'a> Checker<'a> {
    fn pointer(&self) -> String {
        let mut s = String::new();
        for t in &self.path {
            s.push('/');
            match t {
                Token::Key(k) => s.push_str(&crate::diag::escape(k)),
                Token::Index(i) => s.push_str(&i.to_string()),
            }
        }
        s
    }

    fn report(&mut self, message: String) {
        let pointer = self.pointer();
        self.found.push(Diagnostic::invalid(pointer, message));
    }

    fn warn(&mut self, message: String) {
        let pointer = self.pointer();
        self.found.push(Diagnostic::warning(pointer, message));
    }

    /// Runs `f` on `value[key]`, if there, with the pointer extended.
    fn at(&mut self, value: &'a Value, key: &'a str, f: Visit<'a>) {
        if let Some(child) = value.get(key) {
            self.path.push(Token::Key(key));
            f(self, child);
            self.path.pop();
        }
    }

    /// Runs `f` on every entry of the map `value[key]` but extensions.
    fn each(&mut self, value: &'a Value, key: &'a str, f: Visit<'a>) {
        let Some(map) = value.get(key).and_then(Value::as_object) else { return };
        self.path.push(Token::Key(key));
        for (k, v) in map {
            if !k.starts_with("x-") {
                self.path.push(Token::Key(k));
                f(self, v);
                self.path.pop();
            }
        }
        self.path.pop();
    }

    /// Runs `f` on every item of the list `value[key]`.
    fn items(&mut self, value: &'a Value, key: &'a str, f: Visit<'a>) {
        let Some(list) = value.get(key).and_then(Value::as_array) else { return };
        self.path.push(Token::Key(key));
        for (i, v) in list.iter().enumerate() {
            self.path.push(Token::Index(i));
            f(self, v);
            self.path.pop();
        }
        self.path.pop();
    }

    fn document(&mut self, doc: &'a Value) {
        self.each(doc, "paths", Self::path_item);
        self.at(doc, "components", Self::components);
    }

    fn components(&mut self, c: &'a Value) {
        self.each(c, "schemas", Self::top_schema);
        self.each(c, "parameters", Self::parameter);
        self.each(c, "requestBodies", Self::request_body);
        self.each(c, "responses", Self::response);
        self.each(c, "headers", Self::parameter);
        self.each(c, "callbacks", Self::callback);
    }

    fn callback(&mut self, c: &'a Value) {
        let Some(map) = c.as_object() else { return };
        for (k, v) in map {
            if !k.starts_with("x-") {
                self.path.push(Token::Key(k));
                self.path_item(v);
                self.path.pop();
            }
        }
    }

    fn path_item(&mut self, item: &'a Value) {
        for method in ["get", "put", "post", "delete", "options", "head", "patch", "trace"] {
            self.at(item, method, Self::operation);
        }
        self.items(item, "parameters", Self::parameter);
    }

    fn operation(&mut self, op: &'a Value) {
        self.items(op, "parameters", Self::parameter);
        self.at(op, "requestBody", Self::request_body);
        self.each(op, "responses", Self::response);
        self.each(op, "callbacks", Self::callback);
    }

    /// A parameter or a header (the same shape, as far as schemas go).
    fn parameter(&mut self, p: &'a Value) {
        self.at(p, "schema", Self::top_schema);
        self.each(p, "content", Self::media_type);
    }

    fn request_body(&mut self, b: &'a Value) {
        self.each(b, "content", Self::media_type);
    }

    fn response(&mut self, r: &'a Value) {
        self.each(r, "content", Self::media_type);
        self.each(r, "headers", Self::parameter);
    }

    fn media_type(&mut self, m: &'a Value) {
        self.at(m, "schema", Self::top_schema);
        let Some(encodings) = m.get("encoding").and_then(Value::as_object) else { return };
        self.path.push(Token::Key("encoding"));
        for (k, e) in encodings {
            self.path.push(Token::Key(k));
            self.each(e, "headers", Self::parameter);
            self.path.pop();
        }
        self.path.pop();
    }

    fn top_schema(&mut self, s: &'a Value) {
        self.schema(s, None, false);
    }

    /// Checks one schema and those inside it. `outer`: the names the schema's `required` may
    /// also use, when it is a part of a composition (`allOf`/`oneOf`/`anyOf`) whose other
    /// parts declare properties. `negated`: under a `not`, where `required` names need not be
    /// declared (`not: {required: [a]}` forbids `a`).
    fn schema(&mut self, s: &'a Value, outer: Option<&Names<'a>>, negated: bool) {
        let map = match s {
            Value::Object(map) => map,
            Value::Null => return,
            Value::Bool(b) => {
                return self.report(format!("a schema must be an object; the boolean schema `{b}` is OpenAPI 3.1"))
            }
            other => return self.report(format!("a schema must be an object, not {}", describe(other))),
        };
        if let Some(reference) = map.get("$ref") {
            // Beside a `$ref`, other keywords are ignored in OpenAPI 3.0.
            if !reference.is_string() {
                self.path.push(Token::Key("$ref"));
                self.report(format!("`$ref` must be a string, not {}", describe(reference)));
                self.path.pop();
            }
            return;
        }
        self.keywords(map);
        let composed = ["allOf", "oneOf", "anyOf"].iter().any(|k| map.get(*k).is_some_and(Value::is_array));
        // Only computed when needed: a `required` to check, or parts that may use it.
        let names = (!negated && (composed || map.get("required").is_some_and(Value::is_array))).then(|| {
            let mut names = Names::default();
            self.declared(s, &mut Vec::new(), &mut names);
            if let Some(outer) = outer {
                names.declared.extend(outer.declared.iter().copied());
                names.declares |= outer.declares;
                names.open |= outer.open;
            }
            names
        });
        if let Some(names) = &names {
            self.required(map, names);
        }
        for key in ["items", "not"] {
            if let Some(child) = map.get(key) {
                self.path.push(Token::Key(key));
                match child {
                    Value::Array(_) => self.report(format!(
                        "`{key}` must be one schema, not a list{}",
                        if key == "items" { " (a list of item schemas is not OpenAPI 3.0)" } else { "" }
                    )),
                    _ => self.schema(child, None, negated || key == "not"),
                }
                self.path.pop();
            }
        }
        if let Some(child) = map.get("additionalProperties") {
            if !child.is_boolean() {
                self.path.push(Token::Key("additionalProperties"));
                self.schema(child, None, negated);
                self.path.pop();
            }
        }
        if let Some(properties) = map.get("properties") {
            self.path.push(Token::Key("properties"));
            match properties {
                Value::Object(properties) => {
                    for (name, p) in properties {
                        self.path.push(Token::Key(name));
                        self.schema(p, None, negated);
                        self.path.pop();
                    }
                }
                Value::Null => {}
                other => self.report(format!(
                    "`properties` must be an object of property names to schemas, not {}",
                    describe(other)
                )),
            }
            self.path.pop();
        }
        for key in ["allOf", "oneOf", "anyOf"] {
            let Some(parts) = map.get(key) else { continue };
            self.path.push(Token::Key(key));
            match parts {
                Value::Array(parts) => {
                    for (i, part) in parts.iter().enumerate() {
                        self.path.push(Token::Index(i));
                        self.schema(part, names.as_ref(), negated);
                        self.path.pop();
                    }
                }
                Value::Null => {}
                other => self.report(format!("`{key}` must be a list of schemas, not {}", describe(other))),
            }
            self.path.pop();
        }
    }

    /// The keywords that are not schemas: their kinds, and `type`'s value.
    fn keywords(&mut self, map: &'a Map<String, Value>) {
        if let Some(typ) = map.get("type") {
            self.path.push(Token::Key("type"));
            match typ {
                Value::String(t) if TYPES.contains(&t.as_str()) => {}
                Value::String(t) => self.report(format!(
                    "`type: {t}` is not an OpenAPI 3.0 type{}; the types are string, number, integer, boolean, \
                     array and object",
                    did_you_mean(t, TYPES.iter().copied())
                )),
                Value::Array(_) => {
                    self.report("`type` must be one type name; a list of types is OpenAPI 3.1".to_string())
                }
                Value::Null => {}
                other => self.report(format!("`type` must be a type name, not {}", describe(other))),
            }
            self.path.pop();
        }
        // One pass over the schema's entries (a few) rather than a lookup per keyword (many).
        for (key, value) in map {
            let Some(want) = wanted(key) else { continue };
            let fits = match want {
                Want::Text => value.is_string(),
                Want::Number => value.is_number(),
                Want::Positive => value.as_f64().is_some_and(|n| n > 0.0),
                Want::Count => value.is_u64(),
                Want::Bool => value.is_boolean(),
                Want::Names => value.as_array().is_some_and(|l| l.iter().all(Value::is_string)),
                Want::List => value.is_array(),
                Want::Object => value.is_object(),
            };
            if fits || value.is_null() {
                continue;
            }
            let expected = match want {
                Want::Text => "a string",
                Want::Number => "a number",
                Want::Positive => "a number greater than 0",
                Want::Count => "a non-negative integer",
                Want::Bool => "a boolean",
                Want::Names => "a list of property names",
                Want::List => "a list",
                Want::Object => "an object",
            };
            self.path.push(Token::Key(key));
            let mut message = format!("`{key}` must be {expected}, not {}", describe(value));
            if key == "required" && value.is_boolean() {
                message.push_str(" (a schema lists its required properties; `required: true` belongs on a parameter)");
            }
            if matches!(key.as_str(), "exclusiveMinimum" | "exclusiveMaximum") && value.is_number() {
                message.push_str(" (a number here is OpenAPI 3.1)");
            }
            self.report(message);
            self.path.pop();
        }
    }

    /// Reports the `required` names that no property declares, when the declared properties are
    /// known and nothing else allows other names (see [`Names`]).
    fn required(&mut self, map: &'a Map<String, Value>, names: &Names<'a>) {
        let Some(required) = map.get("required").and_then(Value::as_array) else { return };
        if names.open || !names.declares {
            return;
        }
        self.path.push(Token::Key("required"));
        for (i, name) in required.iter().enumerate() {
            let Some(name) = name.as_str() else { continue };
            if names.declared.iter().any(|p| p.contains_key(name)) {
                continue;
            }
            self.path.push(Token::Index(i));
            self.warn(format!(
                "`required` names `{name}`, but the schema declares no property `{name}`{}; {}",
                did_you_mean(name, names.declared.iter().flat_map(|p| p.keys().map(String::as_str))),
                if names.closed {
                    "with `additionalProperties: false`, no value can have it"
                } else {
                    "the generated type keeps it as an optional field of any JSON value"
                }
            ));
            self.path.pop();
        }
        self.path.pop();
    }

    /// Collects the property names `schema` declares, with its `allOf`/`oneOf`/`anyOf` parts,
    /// following references (`seen` stops cycles).
    fn declared(&self, schema: &'a Value, seen: &mut Vec<&'a str>, names: &mut Names<'a>) {
        let Some(map) = schema.as_object() else { return };
        if let Some(reference) = map.get("$ref") {
            let target = reference.as_str().and_then(|r| {
                if seen.contains(&r) {
                    return Some(None);
                }
                let found = r.strip_prefix('#').and_then(|p| self.doc.pointer(p))?;
                seen.push(r);
                Some(Some(found))
            });
            match target {
                Some(Some(target)) => self.declared(target, seen, names),
                Some(None) => {}
                None => names.open = true,
            }
            return;
        }
        match map.get("properties") {
            Some(Value::Object(properties)) => {
                names.declares = true;
                names.declared.push(properties);
            }
            Some(Value::Null) | None => {}
            // Reported on its own; any name may be meant.
            Some(_) => names.open = true,
        }
        if map.get("additionalProperties").is_some_and(|a| !matches!(a, Value::Bool(false) | Value::Null)) {
            names.open = true;
        }
        names.closed |= map.get("additionalProperties") == Some(&Value::Bool(false));
        for key in ["allOf", "oneOf", "anyOf"] {
            for part in map.get(key).and_then(Value::as_array).into_iter().flatten() {
                self.declared(part, seen, names);
            }
        }
    }
}

/// A value's kind, for messages: `the string "5"`, `the number -1`, `a list`.
fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("the boolean `{b}`"),
        Value::Number(n) => format!("the number `{n}`"),
        Value::String(s) if s.chars().count() > 40 => {
            format!("the string \"{}…\"", s.chars().take(40).collect::<String>())
        }
        Value::String(s) => format!("the string \"{s}\""),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "an object".into(),
    }
}

/// ` (did you mean `x`?)` for the candidate nearest to `word`, when near enough to be a typo.
fn did_you_mean<'c>(word: &str, candidates: impl Iterator<Item = &'c str>) -> String {
    let lower = word.to_lowercase();
    let length = lower.chars().count();
    // Bounded, so that a huge schema with many findings costs little: candidates of about
    // the same length only, and not too many of them.
    let best = candidates
        .filter(|c| c.len() < 100 && c.chars().count().abs_diff(length) <= 2)
        .take(1000)
        .map(|c| (distance(&lower, &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= (c.chars().count() / 3).clamp(1, 2))
        .min();
    match best {
        Some((_, c)) => format!(" (did you mean `{c}`?)"),
        None => String::new(),
    }
}

/// Edit distance in characters, a swap of two neighbours counting as one edit (optimal string
/// alignment).
fn distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    // d[i][j]: the distance between a[..i] and b[..j], as a flat table.
    let width = b.len() + 1;
    let mut d: Vec<usize> = vec![0; (a.len() + 1) * width];
    let at = |i: usize, j: usize| i * width + j;
    for (i, ca) in std::iter::once(None).chain(a.iter().map(Some)).enumerate() {
        for (j, cb) in std::iter::once(None).chain(b.iter().map(Some)).enumerate() {
            let value = match (ca, cb) {
                (None, _) => j,
                (_, None) => i,
                (Some(ca), Some(cb)) => {
                    let get = |i: usize, j: usize| d.get(at(i, j)).copied().unwrap_or(usize::MAX - 1);
                    let mut v =
                        (get(i - 1, j - 1) + usize::from(ca != cb)).min(get(i - 1, j) + 1).min(get(i, j - 1) + 1);
                    let swapped = i > 1 && j > 1 && a.get(i - 2) == Some(cb) && b.get(j - 2) == Some(ca);
                    if swapped {
                        v = v.min(get(i - 2, j - 2) + 1);
                    }
                    v
                }
            };
            if let Some(cell) = d.get_mut(at(i, j)) {
                *cell = value;
            }
        }
    }
    d.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(yaml: &str) -> Vec<String> {
        let doc: Value = serde_yaml::from_str(yaml).unwrap_or(Value::Null);
        check(&doc).into_iter().map(|d| format!("{}: {}", d.pointer, d.message)).collect()
    }

    fn schema(body: &str) -> Vec<String> {
        let indented: String = body.lines().map(|l| format!("      {l}\n")).collect();
        found(&format!("components:\n  schemas:\n    S:\n{indented}"))
    }

    #[test]
    fn distance_counts_edits() {
        assert_eq!(distance("integr", "integer"), 1);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("nmae", "name"), 1);
    }

    #[test]
    fn unknown_type_is_named_with_a_suggestion() {
        assert_eq!(
            schema("type: integr"),
            ["/components/schemas/S/type: `type: integr` is not an OpenAPI 3.0 type (did you mean `integer`?); \
              the types are string, number, integer, boolean, array and object"]
        );
        assert!(schema("type: String")[0].contains("(did you mean `string`?)"));
        assert!(!schema("type: file")[0].contains("did you mean"));
        assert!(schema("type: [string, 'null']")[0].contains("a list of types is OpenAPI 3.1"));
    }

    #[test]
    fn wrong_kinds_point_at_the_keyword() {
        let cases = [
            ("type: integer\nminimum: '5'", "/minimum: `minimum` must be a number, not the string \"5\""),
            (
                "type: string\nmaxLength: -1",
                "/maxLength: `maxLength` must be a non-negative integer, not the number `-1`",
            ),
            ("type: string\nenum: 3", "/enum: `enum` must be a list, not the number `3`"),
            ("type: string\nnullable: 'yes'", "/nullable: `nullable` must be a boolean, not the string \"yes\""),
            ("type: array\nitems: []", "/items: `items` must be one schema, not a list"),
            ("type: object\nproperties: [a]", "/properties: `properties` must be an object"),
            ("type: number\nmultipleOf: 0", "/multipleOf: `multipleOf` must be a number greater than 0"),
            ("type: string\nrequired: true", "/required: `required` must be a list of property names, not the boolean"),
            ("$ref: 5", "/$ref: `$ref` must be a string"),
        ];
        for (body, expected) in cases {
            let found = schema(body);
            assert_eq!(found.len(), 1, "{body}: {found:?}");
            let expected = format!("/components/schemas/S{expected}");
            assert!(found.iter().all(|f| f.starts_with(&expected)), "{body}: {found:?}, wanted {expected}");
        }
    }

    #[test]
    fn legal_values_pass() {
        let body = "type: object\nrequired: [a]\nproperties:\n  a:\n    type: integer\n    format: int-ish\n    \
                    minimum: 1.5\n    nullable: true\n    maxLength: 3\n    pattern: '^(?=x)'\n  b:\n    \
                    type: array\n    description:\n  c:\n    $ref: '#/x'\n    type: integr\nadditionalProperties: false";
        assert_eq!(schema(body), Vec::<String>::new());
    }

    #[test]
    fn every_place_of_a_schema_is_checked() {
        let doc = "paths:\n  /a:\n    parameters:\n      - schema: {type: x1}\n    get:\n      parameters:\n        \
                   - content: {application/json: {schema: {type: x2}}}\n      requestBody:\n        content:\n          \
                   application/json: {schema: {type: x3}}\n      responses:\n        '200':\n          headers:\n            \
                   H: {schema: {type: x4}}\n          content:\n            application/json:\n              \
                   schema: {type: x5}\n              encoding: {a: {headers: {E: {schema: {type: x6}}}}}\n      \
                   callbacks:\n        c: {'{$url}': {post: {requestBody: {content: {a/b: {schema: {type: x7}}}}}}}\n\
                   components:\n  parameters: {P: {schema: {type: x8}}}\n  headers: {H: {schema: {type: x9}}}\n  \
                   schemas:\n    S:\n      properties: {a: {items: {type: x10}}}\n      additionalProperties: {type: x11}\n      \
                   allOf: [{type: x12}]\n      oneOf: [{not: {type: x13}}]\n  requestBodies: {B: {content: {a/b: {schema: {type: x14}}}}}\n  \
                   responses: {R: {content: {a/b: {schema: {type: x15}}}}}\n";
        let found = found(doc);
        for i in 1..=15 {
            assert!(found.iter().any(|f| f.contains(&format!("`type: x{i}`"))), "x{i} not found in {found:?}");
        }
        assert_eq!(found.len(), 15, "{found:?}");
    }

    #[test]
    fn required_names_without_a_property() {
        let found = schema("type: object\nrequired: [id, nmae]\nproperties:\n  id: {}\n  name: {}");
        assert_eq!(
            found,
            ["/components/schemas/S/required/1: `required` names `nmae`, but the schema declares no property \
              `nmae` (did you mean `name`?); the generated type keeps it as an optional field of any JSON value"]
        );
        let closed = schema("type: object\nrequired: [kind]\nadditionalProperties: false\nproperties:\n  id: {}");
        assert_eq!(
            closed,
            ["/components/schemas/S/required/0: `required` names `kind`, but the schema declares no property \
              `kind`; with `additionalProperties: false`, no value can have it"]
        );
    }

    /// Loading keeps going past a `required` name without a property, and tells where it is:
    /// the line of a flow list (YAML) or of the entry itself (pretty-printed JSON).
    #[test]
    fn required_names_without_a_property_are_located_warnings() {
        let yaml = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    \
                    S:\n      type: object\n      required: [id, nmae]\n      properties:\n        id: {}\n        \
                    name: {}\n";
        let json = r#"{
  "openapi": "3.0.3",
  "info": {"title": "T", "version": "1"},
  "paths": {},
  "components": {
    "schemas": {
      "S": {
        "type": "object",
        "properties": {"id": {}, "name": {}},
        "required": [
          "id",
          "nmae"
        ]
      }
    }
  }
}"#;
        for (text, line) in [(yaml, 8), (json, 12)] {
            let (_, warnings) = crate::load::load_with_warnings(text).unwrap();
            let shown: Vec<String> = warnings.iter().map(ToString::to_string).collect();
            assert_eq!(
                shown,
                [format!(
                    "warning: at /components/schemas/S/required/1 (line {line}): `required` names `nmae`, but the \
                     schema declares no property `nmae` (did you mean `name`?); the generated type keeps it as an \
                     optional field of any JSON value"
                )]
            );
        }
        // Errors stop loading; warnings are not mixed into them.
        let bad = yaml.replace("id: {}", "id: {type: integr}");
        let errors = crate::load::load_with_warnings(&bad).err().unwrap();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].kind, crate::diag::Kind::Invalid);
    }

    #[test]
    fn required_names_declared_elsewhere_pass() {
        let legal = [
            // No properties at all: nothing is known.
            "type: object\nrequired: [a]",
            // Other names are allowed.
            "type: object\nrequired: [a]\nproperties: {b: {}}\nadditionalProperties: true",
            "type: object\nrequired: [a]\nproperties: {b: {}}\nadditionalProperties: {type: string}",
            // Declared by an allOf part, directly or through a reference.
            "allOf:\n  - $ref: '#/components/schemas/T'\n  - required: [a, b]\n    properties: {b: {}}",
            "required: [a]\nproperties: {b: {}}\nallOf: [{$ref: '#/components/schemas/T'}]",
            // A oneOf branch requiring one of the parent's properties.
            "properties: {a: {}, b: {}}\noneOf: [{required: [a]}, {required: [b]}]",
            // Under `not`: forbidding a name.
            "properties: {b: {}}\nnot: {required: [a]}",
            // A reference that cannot be followed: anything may be declared there.
            "allOf: [{$ref: 'other.yaml#/T'}, {properties: {b: {}}, required: [a]}]",
        ];
        for body in legal {
            let doc = format!(
                "components:\n  schemas:\n    T:\n      properties: {{a: {{}}}}\n    S:\n{}",
                body.lines().map(|l| format!("      {l}\n")).collect::<String>()
            );
            assert_eq!(found(&doc), Vec::<String>::new(), "{body}");
        }
        // A part's own typo is still found when the whole declares properties.
        let found = schema("allOf:\n  - properties: {a: {}}\n  - required: [b]");
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].starts_with("/components/schemas/S/allOf/1/required/0: `required` names `b`"));
    }

    /// Our spec, and the full Cloudflare spec where the shared corpus is checked out beside the
    /// repository, load and lower without errors. Cloudflare's 86 `required` names without a
    /// property (`required` one level off in its response envelopes, mostly) stay warnings.
    #[test]
    fn real_specs_load_without_errors() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let ours = std::fs::read_to_string(root.join("spec/cloudflare-ssl.yaml")).unwrap();
        let (_, warnings) = crate::load::load_with_warnings(&ours).unwrap_or_else(|e| panic!("spec/: {e:?}"));
        assert_eq!(warnings, [], "spec/ has warnings");
        crate::lower(&ours).unwrap_or_else(|e| panic!("spec/: {e}"));
        let Ok(cloudflare) = std::fs::read_to_string(root.join("../shared/corpus/cloudflare-openapi.json")) else {
            eprintln!("../shared/corpus/cloudflare-openapi.json is not there: only spec/ checked");
            return;
        };
        let (_, warnings) =
            crate::load::load_with_warnings(&cloudflare).unwrap_or_else(|e| panic!("Cloudflare: {e:?}"));
        assert!(
            warnings.iter().all(|w| w.kind == crate::diag::Kind::Warning && w.message.starts_with("`required` names")),
            "{warnings:?}"
        );
        assert_eq!(warnings.len(), 86, "Cloudflare's warnings changed: {warnings:#?}");
        crate::lower(&cloudflare).unwrap_or_else(|e| panic!("Cloudflare: {e}"));
    }
}
