//! Validates a JSON value against an OpenAPI 3.0 Schema Object (with `$ref`s into the same
//! document), as a server or client of that spec would: the conformance harness uses it to check
//! that a decoded response, serialised back, is still valid against the response schema, and
//! that a spec's examples are valid against their own schemas.
//!
//! The semantics are those of a validating server (Prism: ajv with OpenAPI 3.0 rules):
//!
//! - `$ref` to any local JSON pointer (`~0`/`~1` and `%XX` decoded); its siblings are ignored, as
//!   3.0 says. A `$ref` that does not resolve is a violation.
//! - `nullable: true` (or `x-nullable`) adds `null` to the `type` of the same schema and to its
//!   `enum`, as OpenAPI 3.0.3 says and Prism does; without a `type` beside it, it adds nothing
//!   (`{nullable: true, allOf: [$ref]}` still rejects `null` when the target does), and
//!   `allOf`/`oneOf`/... beside it still apply to `null`. A schema without `type` accepts `null`
//!   unless another keyword rejects it.
//! - Keywords apply to the JSON types they are about (`minLength` only to strings, ...). When
//!   `type` fails, nothing else of that schema is reported.
//! - `required` lets a `readOnly` property be absent from a request and a `writeOnly` one from a
//!   response (the flag is looked for on the property schema, through its `$ref`s and `allOf`;
//!   for a name the schema itself does not define, on every definition in the schemas composed
//!   in it, as with `required` beside a `oneOf` of objects).
//! - `oneOf`/`anyOf` with a `discriminator` whose property the value has: only the alternative
//!   the tag names (`mapping`, else the component of that name) is checked, and a tag naming
//!   none is a violation. (Prism itself ignores `discriminator` and applies plain `oneOf`.)
//! - `format`: ajv-formats' "full" set (`date`, `time`, `duration`, `email`, `hostname`, `ipv4`,
//!   `ipv6`, `uuid`, `uri`, `uri-reference`, `uri-template`, `url`, `json-pointer`,
//!   `json-pointer-uri-fragment`, `relative-json-pointer`, `byte`, `int32`), `date-time` as
//!   Prism replaces it (offset required), and the bounds Prism adds for `int64` (±(2^53 − 1))
//!   and `float` (±2^128). Not checked: `regex`, unknown names.
//! - `pattern`: the ECMAScript expression is translated to the `regex` crate (see
//!   [`translate_ecma`]); what it cannot express (lookaround, backreferences) is not checked.
//! - Recursion is bounded: a `$ref` re-entered for the same value node without progress is cut
//!   (treated as satisfied), and nesting deeper than [`MAX_DEPTH`] is not checked further.
//!
//! Checked against Prism 5.14.2's own ajv set-up on the corpus: the same verdict on 39,135 spec
//! examples and 52,160 mutations of them, every format on 15,000 fuzzed strings, and every
//! corpus `pattern` on 165,000 strings.
//!
//! Not covered (not OpenAPI 3.0): `if`/`then`/`else`, `dependencies`, `propertyNames`,
//! `contains`, `prefixItems`, `$id`-based and external references. `patternProperties` is
//! honoured (it changes what `additionalProperties` sees). Unlike Prism, a `readOnly` property
//! present in a request (or `writeOnly` in a response) is still checked against its schema and
//! is not an "additional" property.

use std::borrow::Cow;
use std::cell::RefCell;
use std::cmp::Ordering;
use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::hash::{Hash, Hasher};
use std::io;
use std::sync::OnceLock;

use regex::Regex;
use serde_json::{Map, Number, Value};

/// Which side of the exchange the value is on (`readOnly` / `writeOnly` properties).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// A request value: `readOnly` properties are not required.
    Request,
    /// A response value: `writeOnly` properties are not required.
    Response,
}

/// One way the value breaks the schema.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    /// Where in the value, as a JSON path from the value's root: `` (root), `result`,
    /// `result.certificates[2].expires_on`, `map["odd key"]`.
    pub path: String,
    /// What is wrong, naming the keyword (`expected integer, found "abc"`, `missing required
    /// property "id"`, `"x" is not one of ["a", "b"]`).
    pub message: String,
}

/// Checks `value` against `schema`, resolving `$ref`s (`#/...` JSON pointers) in `doc` (the
/// whole spec). Returns every violation found (empty when valid).
pub fn validate(doc: &Value, schema: &Value, value: &Value, direction: Direction) -> Vec<Violation> {
    let mut validator = Validator {
        doc,
        direction,
        path: Vec::new(),
        out: Vec::new(),
        fail_fast: false,
        depth: 0,
        active: Vec::new(),
        cuts: 0,
        memo: HashMap::new(),
        refs: HashMap::new(),
        choices: HashMap::new(),
    };
    validator.check(schema, value);
    validator.out
}

/// Nested schema applications (value depth plus `$ref`/`allOf`/... hops) followed; what lies
/// deeper is not checked (and not reported). Bounded so that the recursion fits a 2 MiB thread
/// stack in a debug build.
const MAX_DEPTH: usize = 192;
/// Nesting followed by the structural helpers (equality, hashing, flag lookup).
const MAX_NEST: usize = 128;
/// JavaScript's `Number.MAX_SAFE_INTEGER` (2^53 − 1): Prism's bound for `format: int64`.
const MAX_SAFE_INTEGER: i128 = (1 << 53) - 1;
/// Prism's bound for `format: float` (2^128 − 1, which is 2^128 as a double).
const MAX_FLOAT: f64 = 340_282_366_920_938_463_463_374_607_431_768_211_456.0;
/// Longest rendering of an offending value in a message, in characters.
const SHORT: usize = 80;
/// Longest rendering of an `enum` list or of a nested union failure in a message.
const LONG: usize = 200;

/// One step of a path into the value.
#[derive(Clone, Copy)]
enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

struct Validator<'a> {
    doc: &'a Value,
    direction: Direction,
    /// Where the value being checked sits.
    path: Vec<Seg<'a>>,
    out: Vec<Violation>,
    /// Probing a union alternative: the first violation settles it.
    fail_fast: bool,
    depth: usize,
    /// `$ref` targets being applied, with the value node they apply to (addresses).
    active: Vec<(usize, usize)>,
    /// How many times a branch was cut (cycle or depth): such probe results are not memoised.
    cuts: usize,
    /// Union alternatives already probed: (schema, value node) addresses → first violation.
    /// Both are borrowed for the whole call, so addresses identify them.
    memo: HashMap<(usize, usize), Option<Violation>>,
    /// Resolved `$ref`s, by the address and length of the reference text.
    refs: HashMap<(usize, usize), Option<&'a Value>>,
    /// Discriminator choices: (discriminator object address, tag) → index of the alternative.
    choices: HashMap<(usize, String), Option<usize>>,
}

/// The keywords of one Schema Object, found in one pass over its entries.
#[derive(Default)]
struct Keywords<'a> {
    reference: Option<&'a Value>,
    nullable: Option<&'a Value>,
    x_nullable: Option<&'a Value>,
    kind: Option<&'a Value>,
    enumeration: Option<&'a Value>,
    constant: Option<&'a Value>,
    min_length: Option<&'a Value>,
    max_length: Option<&'a Value>,
    pattern: Option<&'a Value>,
    format: Option<&'a Value>,
    minimum: Option<&'a Value>,
    maximum: Option<&'a Value>,
    exclusive_minimum: Option<&'a Value>,
    exclusive_maximum: Option<&'a Value>,
    multiple_of: Option<&'a Value>,
    items: Option<&'a Value>,
    min_items: Option<&'a Value>,
    max_items: Option<&'a Value>,
    unique_items: Option<&'a Value>,
    properties: Option<&'a Value>,
    required: Option<&'a Value>,
    additional_properties: Option<&'a Value>,
    pattern_properties: Option<&'a Value>,
    min_properties: Option<&'a Value>,
    max_properties: Option<&'a Value>,
    all_of: Option<&'a Value>,
    any_of: Option<&'a Value>,
    one_of: Option<&'a Value>,
    not: Option<&'a Value>,
    discriminator: Option<&'a Value>,
}

impl<'a> Keywords<'a> {
    fn of(s: &'a Map<String, Value>) -> Self {
        let mut k = Keywords::default();
        for (key, v) in s {
            match key.as_str() {
                "$ref" => k.reference = Some(v),
                "nullable" => k.nullable = Some(v),
                "x-nullable" => k.x_nullable = Some(v),
                "type" => k.kind = Some(v),
                "enum" => k.enumeration = Some(v),
                "const" => k.constant = Some(v),
                "minLength" => k.min_length = Some(v),
                "maxLength" => k.max_length = Some(v),
                "pattern" => k.pattern = Some(v),
                "format" => k.format = Some(v),
                "minimum" => k.minimum = Some(v),
                "maximum" => k.maximum = Some(v),
                "exclusiveMinimum" => k.exclusive_minimum = Some(v),
                "exclusiveMaximum" => k.exclusive_maximum = Some(v),
                "multipleOf" => k.multiple_of = Some(v),
                "items" => k.items = Some(v),
                "minItems" => k.min_items = Some(v),
                "maxItems" => k.max_items = Some(v),
                "uniqueItems" => k.unique_items = Some(v),
                "properties" => k.properties = Some(v),
                "required" => k.required = Some(v),
                "additionalProperties" => k.additional_properties = Some(v),
                "patternProperties" => k.pattern_properties = Some(v),
                "minProperties" => k.min_properties = Some(v),
                "maxProperties" => k.max_properties = Some(v),
                "allOf" => k.all_of = Some(v),
                "anyOf" => k.any_of = Some(v),
                "oneOf" => k.one_of = Some(v),
                "not" => k.not = Some(v),
                "discriminator" => k.discriminator = Some(v),
                _ => {}
            }
        }
        k
    }
}

fn addr(v: &Value) -> usize {
    v as *const Value as usize
}

impl<'a> Validator<'a> {
    fn stopped(&self) -> bool {
        self.fail_fast && !self.out.is_empty()
    }

    fn report(&mut self, message: String) {
        let path = format_path(&self.path);
        self.out.push(Violation { path, message });
    }

    fn check(&mut self, schema: &'a Value, value: &'a Value) {
        if self.stopped() {
            return;
        }
        if self.depth >= MAX_DEPTH {
            self.cuts += 1;
            return;
        }
        self.depth += 1;
        match schema {
            Value::Object(s) => self.check_schema(s, value),
            Value::Bool(false) => self.report(format!("schema `false` allows no value, found {}", short(value))),
            _ => {}
        }
        self.depth -= 1;
    }

    fn check_schema(&mut self, s: &'a Map<String, Value>, value: &'a Value) {
        let k = &Keywords::of(s);
        if let Some(reference) = k.reference {
            self.check_ref(reference, value);
            return;
        }
        // As OpenAPI 3.0.3 and Prism have it: `nullable` adds `null` to a `type` written in
        // the same schema (and to its `enum`); without one it adds nothing.
        let nullable = (k.nullable.and_then(Value::as_bool) == Some(true)
            || k.x_nullable.and_then(Value::as_bool) == Some(true))
            && k.kind.and_then(Value::as_str).is_some_and(is_type_name);
        if !(nullable && value.is_null()) {
            if let Some(t) = k.kind {
                if !type_matches(t, value) {
                    self.report(type_message(t, nullable, value));
                    return;
                }
            }
            if let Some(Value::Array(options)) = k.enumeration {
                if !options.iter().any(|o| json_eq(o, value, 0)) {
                    self.report(format!("{} is not one of {}", short(value), list(options)));
                }
            }
        }
        if let Some(c) = k.constant {
            if !json_eq(c, value, 0) {
                self.report(format!("const: expected {}, found {}", short(c), short(value)));
            }
        }
        match value {
            Value::String(text) => self.check_string(k, text, value),
            Value::Number(n) => self.check_number(k, n),
            Value::Array(items) => self.check_array(k, items),
            Value::Object(props) => self.check_object(k, props),
            Value::Null | Value::Bool(_) => {}
        }
        self.check_combinators(k, value);
    }

    /// `resolve_pointer` in the spec, remembered.
    fn resolve(&mut self, reference: &'a str) -> Option<&'a Value> {
        let key = (reference.as_ptr() as usize, reference.len());
        if let Some(&known) = self.refs.get(&key) {
            return known;
        }
        let target = resolve_pointer(self.doc, reference);
        self.refs.insert(key, target);
        target
    }

    fn check_ref(&mut self, reference: &'a Value, value: &'a Value) {
        let Some(reference) = reference.as_str() else {
            self.report(format!("$ref is not a string: {}", short(reference)));
            return;
        };
        let Some(target) = self.resolve(reference) else {
            self.report(format!("unresolved $ref {}", short_str(reference)));
            return;
        };
        let key = (addr(target), addr(value));
        if self.active.contains(&key) {
            // The same schema applied to the same node again without consuming anything: a
            // cycle in the schema graph. Expanding it further adds no constraint.
            self.cuts += 1;
            return;
        }
        self.active.push(key);
        self.check(target, value);
        self.active.pop();
    }

    fn check_string(&mut self, k: &Keywords<'a>, text: &str, value: &Value) {
        let min = k.min_length.filter(|m| m.is_number());
        let max = k.max_length.filter(|m| m.is_number());
        if min.is_some() || max.is_some() {
            // ajv counts code points (its `ucs2length`), not UTF-16 units as JS `.length` does:
            // an astral character is one, as `chars().count()` has it.
            let len = text.chars().count() as f64;
            if let Some(min) = min {
                if min.as_f64().is_some_and(|m| len < m) {
                    self.report(format!("minLength: {} has {len} characters, fewer than {min}", short(value)));
                }
            }
            if let Some(max) = max {
                if max.as_f64().is_some_and(|m| len > m) {
                    self.report(format!("maxLength: {} has {len} characters, more than {max}", short(value)));
                }
            }
        }
        if let Some(Value::String(pattern)) = k.pattern {
            if pattern_matches(pattern, text) == Some(false) {
                self.report(format!("pattern: {} does not match {}", short(value), short_str(pattern)));
            }
        }
        if let Some(Value::String(format)) = k.format {
            if string_format(format, text) == Some(false) {
                self.report(format!("format: {} is not a valid {format}", short(value)));
            }
        }
    }

    fn check_number(&mut self, k: &Keywords<'a>, n: &Number) {
        if let Some(Value::Number(min)) = k.minimum {
            let exclusive = k.exclusive_minimum.and_then(Value::as_bool) == Some(true);
            match cmp_num(n, min) {
                Some(Ordering::Less) => self.report(format!("minimum: {n} is less than {min}")),
                Some(Ordering::Equal) if exclusive => {
                    self.report(format!("exclusiveMinimum: {n} is not greater than {min}"))
                }
                _ => {}
            }
        }
        if let Some(Value::Number(min)) = k.exclusive_minimum {
            if cmp_num(n, min).is_some_and(|o| o != Ordering::Greater) {
                self.report(format!("exclusiveMinimum: {n} is not greater than {min}"));
            }
        }
        if let Some(Value::Number(max)) = k.maximum {
            let exclusive = k.exclusive_maximum.and_then(Value::as_bool) == Some(true);
            match cmp_num(n, max) {
                Some(Ordering::Greater) => self.report(format!("maximum: {n} is greater than {max}")),
                Some(Ordering::Equal) if exclusive => {
                    self.report(format!("exclusiveMaximum: {n} is not less than {max}"))
                }
                _ => {}
            }
        }
        if let Some(Value::Number(max)) = k.exclusive_maximum {
            if cmp_num(n, max).is_some_and(|o| o != Ordering::Less) {
                self.report(format!("exclusiveMaximum: {n} is not less than {max}"));
            }
        }
        if let Some(Value::Number(m)) = k.multiple_of {
            if !is_multiple_of(n, m) {
                self.report(format!("multipleOf: {n} is not a multiple of {m}"));
            }
        }
        if let Some(Value::String(format)) = k.format {
            // ajv-formats' integer check, and the bounds Prism adds for these formats (a JS
            // number is exact up to 2^53, so that is its int64 range).
            let ok = match format.as_str() {
                "int32" => int_in_range(n, i128::from(i32::MIN), i128::from(i32::MAX)),
                "int64" => int_in_range(n, -MAX_SAFE_INTEGER, MAX_SAFE_INTEGER),
                "float" => n.as_f64().is_some_and(|f| f.abs() <= MAX_FLOAT),
                // `double` and the rest: every JSON number passes.
                _ => true,
            };
            if !ok {
                self.report(format!("format: {n} is not a valid {format}"));
            }
        }
    }

    fn check_array(&mut self, k: &Keywords<'a>, items: &'a [Value]) {
        let len = items.len();
        if let Some(min) = k.min_items.filter(|m| m.is_number()) {
            if min.as_f64().is_some_and(|m| (len as f64) < m) {
                self.report(format!("minItems: {len} items, fewer than {min}"));
            }
        }
        if let Some(max) = k.max_items.filter(|m| m.is_number()) {
            if max.as_f64().is_some_and(|m| (len as f64) > m) {
                self.report(format!("maxItems: {len} items, more than {max}"));
            }
        }
        if k.unique_items.and_then(Value::as_bool) == Some(true) {
            if let Some((i, j)) = first_duplicate(items) {
                let shown = items.get(j).map(short).unwrap_or_default();
                self.report(format!("uniqueItems: items {i} and {j} are equal ({shown})"));
            }
        }
        match k.items {
            Some(Value::Array(tuple)) => {
                for (i, (schema, item)) in tuple.iter().zip(items).enumerate() {
                    if self.stopped() {
                        return;
                    }
                    self.path.push(Seg::Index(i));
                    self.check(schema, item);
                    self.path.pop();
                }
            }
            Some(schema @ (Value::Object(_) | Value::Bool(false))) => {
                for (i, item) in items.iter().enumerate() {
                    if self.stopped() {
                        return;
                    }
                    self.path.push(Seg::Index(i));
                    self.check(schema, item);
                    self.path.pop();
                }
            }
            _ => {}
        }
    }

    fn check_object(&mut self, k: &Keywords<'a>, obj: &'a Map<String, Value>) {
        let props = k.properties.and_then(Value::as_object);
        if let Some(Value::Array(required)) = k.required {
            for name in required.iter().filter_map(Value::as_str) {
                if obj.contains_key(name) {
                    continue;
                }
                if self.exempt_name(k, props, name) {
                    continue;
                }
                self.report(format!("missing required property {}", short_str(name)));
                if self.stopped() {
                    return;
                }
            }
        }
        let len = obj.len();
        if let Some(min) = k.min_properties.filter(|m| m.is_number()) {
            if min.as_f64().is_some_and(|m| (len as f64) < m) {
                self.report(format!("minProperties: {len} properties, fewer than {min}"));
            }
        }
        if let Some(max) = k.max_properties.filter(|m| m.is_number()) {
            if max.as_f64().is_some_and(|m| (len as f64) > m) {
                self.report(format!("maxProperties: {len} properties, more than {max}"));
            }
        }
        let patterns = k.pattern_properties.and_then(Value::as_object);
        let additional = k.additional_properties.filter(|a| matches!(a, Value::Object(_) | Value::Bool(false)));
        if props.is_none() && patterns.is_none() && additional.is_none() {
            return;
        }
        for (key, item) in obj {
            if self.stopped() {
                return;
            }
            self.path.push(Seg::Key(key));
            let mut known = false;
            if let Some(schema) = props.and_then(|p| p.get(key)) {
                known = true;
                self.check(schema, item);
            }
            for (pattern, schema) in patterns.into_iter().flatten() {
                match pattern_matches(pattern, key) {
                    Some(true) => {
                        known = true;
                        self.check(schema, item);
                    }
                    // A pattern that cannot be checked might cover the key: do not call it extra.
                    None => known = true,
                    Some(false) => {}
                }
            }
            if !known {
                match additional {
                    Some(Value::Bool(false)) => {
                        self.report(format!("additionalProperties: property {} is not allowed", short_str(key)))
                    }
                    Some(schema) => self.check(schema, item),
                    None => {}
                }
            }
            self.path.pop();
        }
    }

    /// Whether required property `name` may be absent in this direction: its schema here says
    /// so, or, when this schema does not define it, every definition of it in the schemas
    /// composed here (`allOf`/`oneOf`/`anyOf` parts, through `$ref`s) does — a `required` list
    /// beside a union of objects that define the properties (`required: [id]` beside
    /// `oneOf: [ARecord, ...]`, each defining `id` as `readOnly`).
    fn exempt_name(&self, k: &Keywords<'a>, props: Option<&'a Map<String, Value>>, name: &str) -> bool {
        if let Some(p) = props.and_then(|p| p.get(name)) {
            return self.exempt(p);
        }
        let mut found = Vec::new();
        for list in [k.all_of, k.one_of, k.any_of].into_iter().flatten().filter_map(Value::as_array) {
            for part in list {
                self.definitions_of(part, name, &mut found, 0);
            }
        }
        !found.is_empty() && found.iter().all(|p| self.exempt(p))
    }

    /// The schemas property `name` has in `schema` and the schemas composed in it.
    fn definitions_of(&self, schema: &'a Value, name: &str, out: &mut Vec<&'a Value>, depth: usize) {
        if depth > 8 || out.len() > 64 {
            return;
        }
        let Some(s) = schema.as_object() else { return };
        if let Some(target) = s.get("$ref").and_then(Value::as_str).and_then(|r| resolve_pointer(self.doc, r)) {
            return self.definitions_of(target, name, out, depth + 1);
        }
        if let Some(p) = s.get("properties").and_then(|p| p.get(name)) {
            out.push(p);
        }
        for key in ["allOf", "oneOf", "anyOf"] {
            for part in s.get(key).and_then(Value::as_array).into_iter().flatten() {
                self.definitions_of(part, name, out, depth + 1);
            }
        }
    }

    /// Whether a required property with this schema may be absent in this direction.
    fn exempt(&self, property: &'a Value) -> bool {
        let flag = match self.direction {
            Direction::Request => "readOnly",
            Direction::Response => "writeOnly",
        };
        self.has_flag(property, flag, 0)
    }

    fn has_flag(&self, schema: &'a Value, flag: &str, depth: usize) -> bool {
        if depth > 16 {
            return false;
        }
        let Some(s) = schema.as_object() else { return false };
        if s.get(flag).and_then(Value::as_bool) == Some(true) {
            return true;
        }
        if let Some(target) = s.get("$ref").and_then(Value::as_str).and_then(|r| resolve_pointer(self.doc, r)) {
            return self.has_flag(target, flag, depth + 1);
        }
        match s.get("allOf") {
            Some(Value::Array(all)) => all.iter().any(|a| self.has_flag(a, flag, depth + 1)),
            _ => false,
        }
    }

    fn check_combinators(&mut self, k: &Keywords<'a>, value: &'a Value) {
        if let Some(Value::Array(all)) = k.all_of {
            for schema in all {
                if self.stopped() {
                    return;
                }
                self.check(schema, value);
            }
        }
        let one = k.one_of.and_then(Value::as_array);
        let any = k.any_of.and_then(Value::as_array);
        if let Some(alternatives) = one {
            self.check_union(k, "oneOf", alternatives, value, true);
        }
        if let Some(alternatives) = any {
            self.check_union(k, "anyOf", alternatives, value, one.is_none());
        }
        if let Some(schema) = k.not {
            if !self.stopped() && self.probe(schema, value).is_none() {
                self.report("not: matches the schema it must not match".to_string());
            }
        }
    }

    fn check_union(
        &mut self,
        k: &Keywords<'a>,
        keyword: &str,
        alternatives: &'a [Value],
        value: &'a Value,
        use_discriminator: bool,
    ) {
        if alternatives.is_empty() || self.stopped() {
            return;
        }
        if use_discriminator {
            match self.discriminate(k, alternatives, value) {
                Some(Ok(chosen)) => {
                    self.check(chosen, value);
                    return;
                }
                Some(Err(message)) => {
                    self.report(message);
                    return;
                }
                None => {}
            }
        }
        let mut matched = Vec::new();
        let mut failures = Vec::new();
        for (i, alternative) in alternatives.iter().enumerate() {
            match self.probe(alternative, value) {
                None if keyword == "anyOf" => return,
                None => matched.push(i),
                Some(violation) => failures.push((i, violation)),
            }
        }
        match matched.len() {
            1 => {}
            0 => {
                // The alternative that got furthest into the value (first of the deepest).
                let closest = failures.iter().rev().max_by_key(|(_, v)| v.path.len());
                let detail = match closest {
                    Some((i, v)) => {
                        let name = alternative_name(keyword, *i, alternatives.get(*i));
                        let at = if v.path.is_empty() { String::new() } else { format!(" at {}", v.path) };
                        format!(" (closest: {name}{at}: {})", clip(&v.message, LONG))
                    }
                    None => String::new(),
                };
                self.report(format!("{keyword}: matches none of {} alternatives{detail}", alternatives.len()));
            }
            n => {
                let names: Vec<String> =
                    matched.iter().map(|&i| alternative_name(keyword, i, alternatives.get(i))).collect();
                self.report(format!(
                    "{keyword}: matches {n} alternatives ({}), exactly one must match",
                    clip(&names.join(", "), LONG)
                ));
            }
        }
    }

    /// The alternative a discriminator selects: `None` when it does not apply (no discriminator,
    /// value not an object or without the tag, no `$ref` alternatives), `Err` when the tag names
    /// none of the alternatives.
    fn discriminate(
        &mut self,
        k: &Keywords<'a>,
        alternatives: &'a [Value],
        value: &'a Value,
    ) -> Option<Result<&'a Value, String>> {
        let discriminator = k.discriminator?;
        let d = discriminator.as_object()?;
        let property = d.get("propertyName")?.as_str()?;
        let tag = value.as_object()?.get(property)?.as_str()?;
        let key = (addr(discriminator), tag.to_string());
        let choice = match self.choices.get(&key) {
            Some(&known) => known,
            None => {
                if !alternatives.iter().any(|a| a.get("$ref").is_some()) {
                    return None;
                }
                let choice = self.choose(d, tag, alternatives);
                self.choices.insert(key, choice);
                choice
            }
        };
        match choice.and_then(|i| alternatives.get(i)) {
            Some(alternative) => Some(Ok(alternative)),
            None => Some(Err(format!(
                "discriminator: {property} {} names none of the {} alternatives (no {} among them)",
                short_str(tag),
                alternatives.len(),
                short_str(&discriminator_target(d, tag))
            ))),
        }
    }

    /// The index of the alternative whose `$ref` is the schema `tag` names.
    fn choose(&mut self, d: &'a Map<String, Value>, tag: &str, alternatives: &'a [Value]) -> Option<usize> {
        let target = discriminator_target(d, tag);
        let resolved = resolve_pointer(self.doc, &target).map(addr);
        alternatives.iter().position(|alternative| {
            alternative.get("$ref").and_then(Value::as_str).is_some_and(|reference| {
                reference == target
                    || (resolved.is_some() && resolve_pointer(self.doc, reference).map(addr) == resolved)
            })
        })
    }

    /// Checks `value` against `schema` on the side, stopping at the first violation.
    fn probe(&mut self, schema: &'a Value, value: &'a Value) -> Option<Violation> {
        let key = (addr(schema), addr(value));
        if let Some(known) = self.memo.get(&key) {
            return known.clone();
        }
        let saved = std::mem::take(&mut self.out);
        let fail_fast = std::mem::replace(&mut self.fail_fast, true);
        let cuts = self.cuts;
        self.check(schema, value);
        self.fail_fast = fail_fast;
        let first = std::mem::replace(&mut self.out, saved).into_iter().next();
        if self.cuts == cuts {
            self.memo.insert(key, first.clone());
        }
        first
    }
}

/// The reference a discriminator tag stands for: its `mapping` entry (a reference, or a bare
/// schema name), else the component named as the tag.
fn discriminator_target<'d>(d: &'d Map<String, Value>, tag: &str) -> Cow<'d, str> {
    match d.get("mapping").and_then(|m| m.get(tag)).and_then(Value::as_str) {
        Some(reference) if reference.contains('#') || reference.contains('/') => Cow::Borrowed(reference),
        Some(name) => Cow::Owned(format!("#/components/schemas/{}", escape_token(name))),
        None => Cow::Owned(format!("#/components/schemas/{}", escape_token(tag))),
    }
}

/// `oneOf[2]`, with the `$ref` it names if any.
fn alternative_name(keyword: &str, i: usize, schema: Option<&Value>) -> String {
    match schema.and_then(|s| s.get("$ref")).and_then(Value::as_str) {
        Some(reference) => format!("{keyword}[{i}] {}", clip(reference, SHORT)),
        None => format!("{keyword}[{i}]"),
    }
}

// ---------------------------------------------------------------------------------------------
// References

/// The node a local reference (`#`, `#/a/b~1c/0`) points to in `doc`.
pub(super) fn resolve_pointer<'v>(doc: &'v Value, reference: &str) -> Option<&'v Value> {
    let fragment = reference.strip_prefix('#')?;
    if fragment.is_empty() {
        return Some(doc);
    }
    let rest = fragment.strip_prefix('/')?;
    let mut node = doc;
    for raw in rest.split('/') {
        let token = unescape_token(raw);
        node = match node {
            Value::Object(m) => m.get(token.as_ref())?,
            Value::Array(a) => a.get(token.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(node)
}

/// A reference token as written in a URI fragment: `%XX` decoded, then `~1` → `/`, `~0` → `~`.
fn unescape_token(raw: &str) -> Cow<'_, str> {
    let decoded = percent_decode(raw);
    if !decoded.contains('~') {
        return decoded;
    }
    Cow::Owned(decoded.replace("~1", "/").replace("~0", "~"))
}

/// `%XX` sequences decoded (the text unchanged when they do not make UTF-8).
pub(super) fn percent_decode(raw: &str) -> Cow<'_, str> {
    if !raw.contains('%') {
        return Cow::Borrowed(raw);
    }
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hi = bytes.get(i + 1).and_then(|&h| (h as char).to_digit(16));
            let lo = bytes.get(i + 2).and_then(|&l| (l as char).to_digit(16));
            if let (Some(hi), Some(lo)) = (hi, lo) {
                out.push((hi * 16 + lo) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b);
        i += 1;
    }
    match String::from_utf8(out) {
        Ok(s) => Cow::Owned(s),
        Err(_) => Cow::Borrowed(raw),
    }
}

/// A name as a JSON pointer token.
fn escape_token(name: &str) -> Cow<'_, str> {
    if name.contains(['~', '/']) {
        Cow::Owned(name.replace('~', "~0").replace('/', "~1"))
    } else {
        Cow::Borrowed(name)
    }
}

// ---------------------------------------------------------------------------------------------
// Values

fn type_matches(t: &Value, value: &Value) -> bool {
    match t {
        Value::String(name) => is_type(name, value),
        Value::Array(names) if !names.is_empty() => names.iter().any(|n| n.as_str().is_none_or(|n| is_type(n, value))),
        _ => true,
    }
}

fn is_type_name(name: &str) -> bool {
    matches!(name, "string" | "number" | "integer" | "boolean" | "array" | "object" | "null")
}

fn is_type(name: &str, value: &Value) -> bool {
    match (name, value) {
        ("string", Value::String(_))
        | ("number", Value::Number(_))
        | ("boolean", Value::Bool(_))
        | ("array", Value::Array(_))
        | ("object", Value::Object(_))
        | ("null", Value::Null) => true,
        ("integer", Value::Number(n)) => is_integer(n),
        ("string" | "number" | "integer" | "boolean" | "array" | "object" | "null", _) => false,
        // An unknown type name constrains nothing.
        _ => true,
    }
}

fn type_message(t: &Value, nullable: bool, value: &Value) -> String {
    let mut expected = match t {
        Value::Array(names) => names.iter().map(|n| n.as_str().unwrap_or("?")).collect::<Vec<_>>().join(" or "),
        other => other.as_str().unwrap_or("?").to_string(),
    };
    if nullable {
        expected.push_str(" or null");
    }
    format!("expected {expected}, found {}", short(value))
}

/// 1.0 counts as an integer, as in JavaScript.
fn is_integer(n: &Number) -> bool {
    n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.is_finite() && f.fract() == 0.0)
}

fn as_i128(n: &Number) -> Option<i128> {
    n.as_i64().map(i128::from).or_else(|| n.as_u64().map(i128::from))
}

fn cmp_num(a: &Number, b: &Number) -> Option<Ordering> {
    if let (Some(x), Some(y)) = (as_i128(a), as_i128(b)) {
        return Some(x.cmp(&y));
    }
    a.as_f64()?.partial_cmp(&b.as_f64()?)
}

/// `multipleOf`, exact on integers and with a relative tolerance of 1e-9 on the quotient
/// otherwise (so 0.3 is a multiple of 0.1; ajv, stricter, would say no).
fn is_multiple_of(n: &Number, m: &Number) -> bool {
    if let (Some(x), Some(d)) = (as_i128(n), as_i128(m)) {
        if d > 0 {
            return x % d == 0;
        }
    }
    match (n.as_f64(), m.as_f64()) {
        (Some(x), Some(d)) if d > 0.0 => {
            let q = x / d;
            if !q.is_finite() {
                return true;
            }
            let r = q.round();
            (q - r).abs() <= 1e-9 * r.abs().max(1.0)
        }
        _ => true,
    }
}

fn int_in_range(n: &Number, lo: i128, hi: i128) -> bool {
    if let Some(i) = as_i128(n) {
        return lo <= i && i <= hi;
    }
    match n.as_f64() {
        // `hi as f64 + 1.0` is 2^31 or 2^53 exactly: the first value out of range.
        Some(f) if f.is_finite() && f.fract() == 0.0 => lo as f64 <= f && f < hi as f64 + 1.0,
        _ => false,
    }
}

fn num_eq(a: &Number, b: &Number) -> bool {
    cmp_num(a, b) == Some(Ordering::Equal)
}

/// JSON equality with numbers compared by value (1 equals 1.0), as ajv's deep equality does.
fn json_eq(a: &Value, b: &Value, depth: usize) -> bool {
    if depth > MAX_NEST {
        return false;
    }
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => num_eq(x, y),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_eq(p, q, depth + 1))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, p)| y.get(k).is_some_and(|q| json_eq(p, q, depth + 1)))
        }
        (Value::String(x), Value::String(y)) => x == y,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Null, Value::Null) => true,
        _ => false,
    }
}

/// A hash consistent with `json_eq` (numbers by value, objects by their entries in any order).
fn json_hash<H: Hasher>(v: &Value, h: &mut H, depth: usize) {
    if depth > MAX_NEST {
        return;
    }
    match v {
        Value::Null => 0u8.hash(h),
        Value::Bool(b) => (1u8, b).hash(h),
        Value::Number(n) => {
            let f = n.as_f64().unwrap_or(0.0);
            let f = if f == 0.0 { 0.0 } else { f };
            (2u8, f.to_bits()).hash(h);
        }
        Value::String(s) => (3u8, s).hash(h),
        Value::Array(a) => {
            (4u8, a.len()).hash(h);
            for item in a {
                json_hash(item, h, depth + 1);
            }
        }
        Value::Object(m) => {
            let mut sum = 0u64;
            for (k, item) in m {
                let mut eh = DefaultHasher::new();
                k.hash(&mut eh);
                json_hash(item, &mut eh, depth + 1);
                sum = sum.wrapping_add(eh.finish());
            }
            (5u8, m.len(), sum).hash(h);
        }
    }
}

/// The first pair of equal items (earlier index first), for `uniqueItems`.
fn first_duplicate(items: &[Value]) -> Option<(usize, usize)> {
    if items.len() <= 16 {
        for (j, b) in items.iter().enumerate() {
            if let Some(i) = items.iter().take(j).position(|a| json_eq(a, b, 0)) {
                return Some((i, j));
            }
        }
        return None;
    }
    let mut buckets: HashMap<u64, Vec<usize>> = HashMap::new();
    for (j, b) in items.iter().enumerate() {
        let mut h = DefaultHasher::new();
        json_hash(b, &mut h, 0);
        let bucket = buckets.entry(h.finish()).or_default();
        if let Some(&i) = bucket.iter().find(|&&i| items.get(i).is_some_and(|a| json_eq(a, b, 0))) {
            return Some((i, j));
        }
        bucket.push(j);
    }
    None
}

// ---------------------------------------------------------------------------------------------
// Rendering

fn format_path(segs: &[Seg<'_>]) -> String {
    let mut out = String::new();
    for seg in segs {
        match *seg {
            Seg::Key(k) if is_identifier(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Seg::Key(k) => {
                out.push('[');
                out.push_str(&serde_json::to_string(k).unwrap_or_else(|_| format!("{k:?}")));
                out.push(']');
            }
            Seg::Index(i) => {
                let _ = write!(out, "[{i}]");
            }
        }
    }
    out
}

fn is_identifier(k: &str) -> bool {
    let mut chars = k.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A writer that takes `room` bytes and then fails, so serialising a huge value stops early.
struct Capped {
    buf: Vec<u8>,
    room: usize,
}

impl io::Write for Capped {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let take = data.len().min(self.room.saturating_sub(self.buf.len()));
        if take == 0 && !data.is_empty() {
            return Err(io::Error::other("full"));
        }
        self.buf.extend_from_slice(data.get(..take).unwrap_or_default());
        Ok(take)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Compact JSON of `v`, at most [`SHORT`] characters (`…` marks a cut).
fn short(v: &Value) -> String {
    let mut w = Capped { buf: Vec::new(), room: SHORT * 4 + 4 };
    let _ = serde_json::to_writer(&mut w, v);
    w.finish()
}

/// `s` as a JSON string, at most [`SHORT`] characters.
fn short_str(s: &str) -> String {
    let mut w = Capped { buf: Vec::new(), room: SHORT * 4 + 4 };
    let _ = serde_json::to_writer(&mut w, s);
    w.finish()
}

impl Capped {
    fn finish(self) -> String {
        let text = match std::str::from_utf8(&self.buf) {
            Ok(s) => s,
            Err(e) => self.buf.get(..e.valid_up_to()).and_then(|b| std::str::from_utf8(b).ok()).unwrap_or_default(),
        };
        clip(text, SHORT)
    }
}

/// `s`, cut to `max` characters with `…` when longer.
fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// `["a", "b"]`, cut at [`LONG`] characters.
fn list(options: &[Value]) -> String {
    let mut out = String::from("[");
    for (i, option) in options.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(&short(option));
        if out.len() > LONG {
            break;
        }
    }
    out.push(']');
    clip(&out, LONG)
}

// ---------------------------------------------------------------------------------------------
// `pattern`: ECMAScript regular expressions on the `regex` crate

/// A compiled `pattern`.
struct Pattern {
    regex: Regex,
    /// Texts longer than this (in characters) are not checked: a repetition bound above
    /// [`MAX_REPEAT`] was dropped to keep the automaton small, which is exact only up to it.
    max_chars: usize,
}

thread_local! {
    /// Compiled `pattern`s (`None`: not expressible here, the check is skipped). Kept across
    /// calls: the harness validates thousands of values against the same spec.
    static PATTERNS: RefCell<HashMap<String, Option<Pattern>>> = RefCell::new(HashMap::new());
}

/// Whether `text` contains a match of the ECMAScript `pattern` (unanchored, as JSON Schema
/// says); `None` when the pattern cannot be compiled here.
fn pattern_matches(pattern: &str, text: &str) -> Option<bool> {
    PATTERNS
        .try_with(|cell| {
            let mut cache = cell.try_borrow_mut().ok()?;
            if !cache.contains_key(pattern) {
                if cache.len() >= 4096 {
                    cache.clear();
                }
                cache.insert(pattern.to_string(), compile_ecma(pattern));
            }
            let compiled = cache.get(pattern)?.as_ref()?;
            if compiled.max_chars < usize::MAX && text.chars().count() > compiled.max_chars {
                return None;
            }
            Some(compiled.regex.is_match(text))
        })
        .ok()
        .flatten()
}

fn compile_ecma(pattern: &str) -> Option<Pattern> {
    let mut max_chars = usize::MAX;
    let translated = translate(pattern, &mut max_chars)?;
    Some(Pattern { regex: Regex::new(&translated).ok()?, max_chars })
}

/// Upper repetition bounds above this are dropped (see [`Pattern::max_chars`]): `.{0,262144}`
/// would otherwise take seconds and hundreds of MB to compile, or fail.
const MAX_REPEAT: usize = 1000;

/// JavaScript's `\s` (WhiteSpace and LineTerminator), as the inside of a class.
const ES_SPACE: &str =
    r"\t\n\x0B\x0C\r\x20\xA0\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}\x{FEFF}";

/// An ECMAScript pattern (as ajv compiles it, with the `u` flag) in `regex` crate syntax, or
/// `None` for what the crate cannot express (lookaround, backreferences) and malformed input.
/// `\d`, `\w`, `\b` are ASCII and `\s` and `.` are JavaScript's sets, as in JavaScript; a
/// literal `{`, `}` or `]` is taken literally (Annex B) rather than rejected. Lone surrogates
/// (`\uD800`) never occur in a Rust string: as a literal they match nothing, in a class they
/// are left out.
fn translate_ecma(src: &str) -> Option<String> {
    let mut max_chars = usize::MAX;
    let out = translate(src, &mut max_chars)?;
    (max_chars == usize::MAX).then_some(out)
}

/// [`translate_ecma`], dropping repetition bounds above [`MAX_REPEAT`] and lowering
/// `max_chars` to the smallest bound dropped.
fn translate(src: &str, max_chars: &mut usize) -> Option<String> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len() + 16);
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        match c {
            '\\' => i += 1 + escape_outside(chars.get(i + 1..)?, &mut out)?,
            '[' => i += translate_class(chars.get(i..)?, &mut out)?,
            '.' => {
                out.push_str(r"[^\n\r\x{2028}\x{2029}]");
                i += 1;
            }
            '(' => {
                if chars.get(i + 1) == Some(&'?') {
                    match (chars.get(i + 2), chars.get(i + 3)) {
                        (Some(':'), _) => out.push_str("(?:"),
                        (Some('<'), Some(n)) if *n != '=' && *n != '!' => out.push_str("(?P<"),
                        // Lookahead, lookbehind, modifiers.
                        _ => return None,
                    }
                    i += 3;
                } else {
                    out.push('(');
                    i += 1;
                }
            }
            '{' => match chars.get(i..).and_then(quantifier) {
                Some((min, max, n)) => {
                    match max {
                        Some(max) if max > MAX_REPEAT && min <= MAX_REPEAT => {
                            *max_chars = (*max_chars).min(max);
                            let _ = write!(out, "{{{min},}}");
                        }
                        _ => out.extend(chars.iter().skip(i).take(n)),
                    }
                    i += n;
                }
                None => {
                    out.push_str(r"\{");
                    i += 1;
                }
            },
            '}' | ']' => {
                out.push('\\');
                out.push(c);
                i += 1;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    Some(out)
}

/// `{n}`, `{n,}` or `{n,m}` at the start of `rest`: (minimum, maximum, length).
fn quantifier(rest: &[char]) -> Option<(usize, Option<usize>, usize)> {
    let mut i = 1;
    let number = |i: &mut usize| {
        let start = *i;
        while rest.get(*i).is_some_and(char::is_ascii_digit) {
            *i += 1;
        }
        // Saturating: a bound too big to count is still a bound (and fails to compile).
        let digits: String = rest.iter().skip(start).take(*i - start).collect();
        (*i > start).then(|| digits.parse::<usize>().unwrap_or(usize::MAX))
    };
    let min = number(&mut i)?;
    let max = if rest.get(i) == Some(&',') {
        i += 1;
        number(&mut i)
    } else {
        Some(min)
    };
    (rest.get(i) == Some(&'}')).then_some((min, max, i + 1))
}

/// Translates the escape after a `\` outside a class; returns the characters it used.
fn escape_outside(rest: &[char], out: &mut String) -> Option<usize> {
    let c = *rest.first()?;
    match c {
        'd' => out.push_str("[0-9]"),
        'D' => out.push_str("[^0-9]"),
        'w' => out.push_str("[0-9A-Za-z_]"),
        'W' => out.push_str("[^0-9A-Za-z_]"),
        's' => {
            out.push('[');
            out.push_str(ES_SPACE);
            out.push(']');
        }
        'S' => {
            out.push_str("[^");
            out.push_str(ES_SPACE);
            out.push(']');
        }
        'b' => out.push_str(r"(?-u:\b)"),
        'B' => out.push_str(r"(?-u:\B)"),
        'p' | 'P' => {
            let n = property_len(rest)?;
            out.push('\\');
            out.extend(rest.iter().take(n));
            return Some(n);
        }
        _ => {
            let (ch, used) = char_escape(rest)?;
            push_literal(out, ch);
            return Some(used);
        }
    }
    Some(1)
}

/// Length of `p{Name}` / `P{Name=Value}` at the start of `rest`.
fn property_len(rest: &[char]) -> Option<usize> {
    if rest.get(1) != Some(&'{') {
        return None;
    }
    let mut i = 2;
    while let Some(&c) = rest.get(i) {
        if c == '}' {
            return (i > 2).then_some(i + 1);
        }
        if !(c.is_ascii_alphanumeric() || c == '_' || c == '=') {
            return None;
        }
        i += 1;
    }
    None
}

/// An escape standing for one code point (`\n`, `\x41`, `\u{1F600}`, `\/`, ...; a lone
/// surrogate stays one); `None` for backreferences and unknown letter escapes (a SyntaxError
/// with the `u` flag).
fn char_escape(rest: &[char]) -> Option<(u32, usize)> {
    let c = *rest.first()?;
    Some(match c {
        'n' => (0x0A, 1),
        'r' => (0x0D, 1),
        't' => (0x09, 1),
        'f' => (0x0C, 1),
        'v' => (0x0B, 1),
        '0' if !rest.get(1).is_some_and(char::is_ascii_digit) => (0, 1),
        'x' => (hex(rest.get(1..3)?)?, 3),
        'u' => return unicode_escape(rest),
        'c' => {
            let letter = *rest.get(1)?;
            if !letter.is_ascii_alphabetic() {
                return None;
            }
            (letter as u32 % 32, 2)
        }
        c if c.is_ascii_alphanumeric() => return None,
        c => (c as u32, 1),
    })
}

fn hex(digits: &[char]) -> Option<u32> {
    if digits.is_empty() || digits.len() > 6 {
        return None;
    }
    digits.iter().try_fold(0u32, |acc, d| Some(acc * 16 + d.to_digit(16)?))
}

const SURROGATES: std::ops::RangeInclusive<u32> = 0xD800..=0xDFFF;

/// `\uXXXX` (a surrogate pair of two such escapes makes one code point) or `\u{X...}`.
fn unicode_escape(rest: &[char]) -> Option<(u32, usize)> {
    if rest.get(1) == Some(&'{') {
        let close = rest.iter().skip(2).position(|&c| c == '}')? + 2;
        let code = hex(rest.get(2..close)?)?;
        return (code <= 0x10FFFF).then_some((code, close + 1));
    }
    let code = hex(rest.get(1..5)?)?;
    if (0xD800..=0xDBFF).contains(&code) && rest.get(5) == Some(&'\\') && rest.get(6) == Some(&'u') {
        if let Some(low) = rest.get(7..11).and_then(hex).filter(|l| (0xDC00..=0xDFFF).contains(l)) {
            return Some((0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00), 11));
        }
    }
    Some((code, 5))
}

/// A literal code point, escaped for the `regex` crate unless alphanumeric; a lone surrogate
/// (never in a Rust string) as a class that matches nothing.
fn push_literal(out: &mut String, c: u32) {
    match char::from_u32(c) {
        Some(ch) if ch.is_ascii_alphanumeric() => out.push(ch),
        Some(_) => {
            let _ = write!(out, r"\x{{{c:X}}}");
        }
        None => out.push_str(r"[^\x{0}-\x{10FFFF}]"),
    }
}

/// One member of a character class.
enum ClassItem {
    /// A code point; `true` when written as an escape (then never a range's `-`).
    Char(u32, bool),
    /// A set, already in `regex` syntax for the inside of a class (`0-9`, `[^0-9]`, `\p{L}`).
    Set(String),
}

/// Translates the class starting at `rest[0]` (`[`); returns the characters it used.
fn translate_class(rest: &[char], out: &mut String) -> Option<usize> {
    let negated = rest.get(1) == Some(&'^');
    let mut i = if negated { 2 } else { 1 };
    let mut items = Vec::new();
    loop {
        match *rest.get(i)? {
            ']' => {
                i += 1;
                break;
            }
            '\\' => {
                let (item, used) = class_escape(rest.get(i + 1..)?)?;
                items.push(item);
                i += 1 + used;
            }
            c => {
                items.push(ClassItem::Char(c as u32, false));
                i += 1;
            }
        }
    }
    let dash = u32::from('-');
    let mut inside = String::new();
    let mut j = 0;
    while let Some(item) = items.get(j) {
        match item {
            ClassItem::Set(set) => {
                inside.push_str(set);
                j += 1;
            }
            ClassItem::Char(a, _) => {
                let is_range = matches!(items.get(j + 1), Some(ClassItem::Char(d, false)) if *d == dash);
                let (lo, hi) = match items.get(j + 2) {
                    Some(ClassItem::Char(b, _)) if is_range => {
                        if a > b {
                            return None;
                        }
                        j += 3;
                        (*a, *b)
                    }
                    // A range to a class escape: a SyntaxError with the `u` flag.
                    Some(ClassItem::Set(_)) if is_range => return None,
                    _ => {
                        j += 1;
                        (*a, *a)
                    }
                };
                // Surrogates never occur in a Rust string: leave them out.
                let lo = if SURROGATES.contains(&lo) { 0xE000 } else { lo };
                let hi = if SURROGATES.contains(&hi) { 0xD7FF } else { hi };
                if lo < hi {
                    push_literal(&mut inside, lo);
                    inside.push('-');
                    push_literal(&mut inside, hi);
                } else if lo == hi {
                    push_literal(&mut inside, lo);
                }
            }
        }
    }
    if inside.is_empty() {
        // `[]` matches nothing, `[^]` any character.
        out.push_str(if negated { r"[\x{0}-\x{10FFFF}]" } else { r"[^\x{0}-\x{10FFFF}]" });
    } else {
        out.push('[');
        if negated {
            out.push('^');
        }
        out.push_str(&inside);
        out.push(']');
    }
    Some(i)
}

fn class_escape(rest: &[char]) -> Option<(ClassItem, usize)> {
    let c = *rest.first()?;
    let set = |s: &str| Some((ClassItem::Set(s.to_string()), 1));
    match c {
        'd' => set("0-9"),
        'D' => set("[^0-9]"),
        'w' => set("0-9A-Za-z_"),
        'W' => set("[^0-9A-Za-z_]"),
        's' => set(ES_SPACE),
        'S' => Some((ClassItem::Set(format!("[^{ES_SPACE}]")), 1)),
        'b' => Some((ClassItem::Char(0x08, true), 1)),
        '-' => Some((ClassItem::Char(u32::from('-'), true), 1)),
        'p' | 'P' => {
            let n = property_len(rest)?;
            let mut s = String::from("\\");
            s.extend(rest.iter().take(n));
            Some((ClassItem::Set(s), n))
        }
        _ => {
            let (ch, used) = char_escape(rest)?;
            Some((ClassItem::Char(ch, true), used))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// `format` on strings (ajv-formats "full" mode; `date-time` as Prism checks it)

/// Whether `s` is valid for `format`; `None` for formats not checked (unknown ones, and
/// `regex`, which would need a JavaScript regex parser).
fn string_format(format: &str, s: &str) -> Option<bool> {
    Some(match format {
        "date-time" => is_date_time(s),
        "date" => is_date(s),
        "time" => is_time(s, false),
        "duration" => is_duration(s),
        "email" => s.is_ascii() && format_regex(&EMAIL, EMAIL_SRC, true)?.is_match(s),
        "hostname" => is_hostname(s),
        "ipv4" => is_ipv4(s),
        "ipv6" => s.is_ascii() && format_regex(&IPV6, IPV6_SRC, true)?.is_match(s),
        "uuid" => is_uuid(s),
        "uri" => s.is_ascii() && s.contains(['/', ':']) && format_regex(&URI, URI_SRC, true)?.is_match(s),
        "uri-reference" => s.is_ascii() && format_regex(&URI_REFERENCE, URI_REFERENCE_SRC, true)?.is_match(s),
        "uri-template" => format_regex(&URI_TEMPLATE, URI_TEMPLATE_SRC, false)?.is_match(s),
        "url" => is_url(s)?,
        "json-pointer" => is_json_pointer(s),
        "json-pointer-uri-fragment" => {
            s.is_ascii() && format_regex(&JSON_POINTER_URI_FRAGMENT, JSON_POINTER_URI_FRAGMENT_SRC, true)?.is_match(s)
        }
        "relative-json-pointer" => is_relative_json_pointer(s),
        "byte" => is_base64(s),
        _ => return None,
    })
}

static EMAIL: OnceLock<Option<Regex>> = OnceLock::new();
static URI: OnceLock<Option<Regex>> = OnceLock::new();
static URI_REFERENCE: OnceLock<Option<Regex>> = OnceLock::new();
static URI_TEMPLATE: OnceLock<Option<Regex>> = OnceLock::new();
static JSON_POINTER_URI_FRAGMENT: OnceLock<Option<Regex>> = OnceLock::new();
static IPV6: OnceLock<Option<Regex>> = OnceLock::new();
static URL_SCHEME: OnceLock<Option<Regex>> = OnceLock::new();
static URL_HOST: OnceLock<Option<Regex>> = OnceLock::new();

// ajv-formats' expressions, as written in JavaScript (case-insensitive: the callers of the
// ASCII-only ones pass only ASCII, so Unicode case folding cannot widen them; `uri-template`
// spells its letter ranges out instead).
const EMAIL_SRC: &str = r"^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$";
const URI_SRC: &str = r"^(?:[a-z][a-z0-9+\-.]*:)(?:\/?\/(?:(?:[a-z0-9\-._~!$&'()*+,;=:]|%[0-9a-f]{2})*@)?(?:\[(?:(?:(?:(?:[0-9a-f]{1,4}:){6}|::(?:[0-9a-f]{1,4}:){5}|(?:[0-9a-f]{1,4})?::(?:[0-9a-f]{1,4}:){4}|(?:(?:[0-9a-f]{1,4}:){0,1}[0-9a-f]{1,4})?::(?:[0-9a-f]{1,4}:){3}|(?:(?:[0-9a-f]{1,4}:){0,2}[0-9a-f]{1,4})?::(?:[0-9a-f]{1,4}:){2}|(?:(?:[0-9a-f]{1,4}:){0,3}[0-9a-f]{1,4})?::[0-9a-f]{1,4}:|(?:(?:[0-9a-f]{1,4}:){0,4}[0-9a-f]{1,4})?::)(?:[0-9a-f]{1,4}:[0-9a-f]{1,4}|(?:(?:25[0-5]|2[0-4]\d|[01]?\d\d?)\.){3}(?:25[0-5]|2[0-4]\d|[01]?\d\d?))|(?:(?:[0-9a-f]{1,4}:){0,5}[0-9a-f]{1,4})?::[0-9a-f]{1,4}|(?:(?:[0-9a-f]{1,4}:){0,6}[0-9a-f]{1,4})?::)|[Vv][0-9a-f]+\.[a-z0-9\-._~!$&'()*+,;=:]+)\]|(?:(?:25[0-5]|2[0-4]\d|[01]?\d\d?)\.){3}(?:25[0-5]|2[0-4]\d|[01]?\d\d?)|(?:[a-z0-9\-._~!$&'()*+,;=]|%[0-9a-f]{2})*)(?::\d*)?(?:\/(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})*)*|\/(?:(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})+(?:\/(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})*)*)?|(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})+(?:\/(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})*)*)(?:\?(?:[a-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9a-f]{2})*)?(?:#(?:[a-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9a-f]{2})*)?$";
const IPV6_SRC: &str = r"^((([0-9a-f]{1,4}:){7}([0-9a-f]{1,4}|:))|(([0-9a-f]{1,4}:){6}(:[0-9a-f]{1,4}|((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3})|:))|(([0-9a-f]{1,4}:){5}(((:[0-9a-f]{1,4}){1,2})|:((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3})|:))|(([0-9a-f]{1,4}:){4}(((:[0-9a-f]{1,4}){1,3})|((:[0-9a-f]{1,4})?:((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}))|:))|(([0-9a-f]{1,4}:){3}(((:[0-9a-f]{1,4}){1,4})|((:[0-9a-f]{1,4}){0,2}:((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}))|:))|(([0-9a-f]{1,4}:){2}(((:[0-9a-f]{1,4}){1,5})|((:[0-9a-f]{1,4}){0,3}:((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}))|:))|(([0-9a-f]{1,4}:){1}(((:[0-9a-f]{1,4}){1,6})|((:[0-9a-f]{1,4}){0,4}:((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}))|:))|(:(((:[0-9a-f]{1,4}){1,7})|((:[0-9a-f]{1,4}){0,5}:((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}))|:)))$";

const URI_REFERENCE_SRC: &str = r##"^(?:[a-z][a-z0-9+\-.]*:)?(?:\/?\/(?:(?:[a-z0-9\-._~!$&'()*+,;=:]|%[0-9a-f]{2})*@)?(?:\[(?:(?:(?:(?:[0-9a-f]{1,4}:){6}|::(?:[0-9a-f]{1,4}:){5}|(?:[0-9a-f]{1,4})?::(?:[0-9a-f]{1,4}:){4}|(?:(?:[0-9a-f]{1,4}:){0,1}[0-9a-f]{1,4})?::(?:[0-9a-f]{1,4}:){3}|(?:(?:[0-9a-f]{1,4}:){0,2}[0-9a-f]{1,4})?::(?:[0-9a-f]{1,4}:){2}|(?:(?:[0-9a-f]{1,4}:){0,3}[0-9a-f]{1,4})?::[0-9a-f]{1,4}:|(?:(?:[0-9a-f]{1,4}:){0,4}[0-9a-f]{1,4})?::)(?:[0-9a-f]{1,4}:[0-9a-f]{1,4}|(?:(?:25[0-5]|2[0-4]\d|[01]?\d\d?)\.){3}(?:25[0-5]|2[0-4]\d|[01]?\d\d?))|(?:(?:[0-9a-f]{1,4}:){0,5}[0-9a-f]{1,4})?::[0-9a-f]{1,4}|(?:(?:[0-9a-f]{1,4}:){0,6}[0-9a-f]{1,4})?::)|[Vv][0-9a-f]+\.[a-z0-9\-._~!$&'()*+,;=:]+)\]|(?:(?:25[0-5]|2[0-4]\d|[01]?\d\d?)\.){3}(?:25[0-5]|2[0-4]\d|[01]?\d\d?)|(?:[a-z0-9\-._~!$&'"()*+,;=]|%[0-9a-f]{2})*)(?::\d*)?(?:\/(?:[a-z0-9\-._~!$&'"()*+,;=:@]|%[0-9a-f]{2})*)*|\/(?:(?:[a-z0-9\-._~!$&'"()*+,;=:@]|%[0-9a-f]{2})+(?:\/(?:[a-z0-9\-._~!$&'"()*+,;=:@]|%[0-9a-f]{2})*)*)?|(?:[a-z0-9\-._~!$&'"()*+,;=:@]|%[0-9a-f]{2})+(?:\/(?:[a-z0-9\-._~!$&'"()*+,;=:@]|%[0-9a-f]{2})*)*)?(?:\?(?:[a-z0-9\-._~!$&'"()*+,;=:@/?]|%[0-9a-f]{2})*)?(?:#(?:[a-z0-9\-._~!$&'"()*+,;=:@/?]|%[0-9a-f]{2})*)?$"##;
const URI_TEMPLATE_SRC: &str = r##"^(?:(?:[^\x00-\x20"'<>%\\^`{|}]|%[0-9a-fA-F]{2})|\{[+#./;?&=,!@|]?(?:[a-zA-Z0-9_]|%[0-9a-fA-F]{2})+(?::[1-9][0-9]{0,3}|\*)?(?:,(?:[a-zA-Z0-9_]|%[0-9a-fA-F]{2})+(?::[1-9][0-9]{0,3}|\*)?)*\})*$"##;
const JSON_POINTER_URI_FRAGMENT_SRC: &str = r##"^#(?:\/(?:[a-z0-9_\-.!$&'()*+,;:=@]|%[0-9a-f]{2}|~0|~1)*)*$"##;
/// `url`: ajv-formats' expression is `^(?:https?|ftp):\/\/(?:\S+(?::\S*)?@)?HOST(?::\d{2,5})?(?:\/[^\s]*)?$`
/// (flags `iu`), where HOST is a public dotted quad (lookaheads exclude 10/8, 127/8,
/// 169.254/16, 192.168/16 and 172.16/12) or a domain name with a TLD of two letters or more.
/// The `regex` crate has no lookahead: the quad is captured and checked apart, at every place
/// the user info could end.
const URL_SCHEME_SRC: &str = r"^(?:https?|ftp):\/\/";
const URL_HOST_SRC: &str = r"^(?:((?:[1-9]\d?|1\d\d|2[01]\d|22[0-3])(?:\.(?:1?\d{1,2}|2[0-4]\d|25[0-5])){2}(?:\.(?:[1-9]\d?|1\d\d|2[0-4]\d|25[0-4])))|(?:(?:[a-z0-9\u{00a1}-\u{ffff}]+-)*[a-z0-9\u{00a1}-\u{ffff}]+)(?:\.(?:[a-z0-9\u{00a1}-\u{ffff}]+-)*[a-z0-9\u{00a1}-\u{ffff}]+)*(?:\.(?:[a-z\u{00a1}-\u{ffff}]{2,})))(?::\d{2,5})?(?:\/[^\s]*)?$";

fn format_regex(cell: &'static OnceLock<Option<Regex>>, src: &str, case_insensitive: bool) -> Option<&'static Regex> {
    cell.get_or_init(|| {
        let translated = translate_ecma(src)?;
        Regex::new(&if case_insensitive { format!("(?i){translated}") } else { translated }).ok()
    })
    .as_ref()
}

fn is_url(s: &str) -> Option<bool> {
    let scheme = format_regex(&URL_SCHEME, URL_SCHEME_SRC, true)?;
    let host = format_regex(&URL_HOST, URL_HOST_SRC, true)?;
    let Some(rest) = scheme.find(s).and_then(|m| s.get(m.end()..)) else { return Some(false) };
    // Where the host may start: right away, or after `user-info@` (any non-empty run without
    // white space, `@`s included).
    let mut starts = vec![0];
    for (i, c) in rest.char_indices() {
        if is_js_space(c) {
            break;
        }
        if c == '@' && i > 0 {
            starts.push(i + 1);
        }
    }
    Some(starts.iter().any(|&start| {
        rest.get(start..)
            .and_then(|h| host.captures(h))
            .is_some_and(|c| c.get(1).is_none_or(|ip| !is_private_quad(ip.as_str())))
    }))
}

/// The dotted quads `url` excludes: 10/8, 127/8, 169.254/16, 192.168/16, 172.16/12.
fn is_private_quad(quad: &str) -> bool {
    let mut octets = quad.split('.').map(|o| o.parse::<u16>().unwrap_or(0));
    let (a, b) = (octets.next().unwrap_or(0), octets.next().unwrap_or(0));
    a == 10 || a == 127 || (a == 169 && b == 254) || (a == 192 && b == 168) || (a == 172 && (16..=31).contains(&b))
}

/// `^P(?!$)((\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?|(\d+W)?)$` (ajv-formats).
fn is_duration(s: &str) -> bool {
    let Some(rest) = s.strip_prefix('P') else { return false };
    if rest.is_empty() {
        return false;
    }
    if let Some(weeks) = rest.strip_suffix('W') {
        return !weeks.is_empty() && weeks.bytes().all(|c| c.is_ascii_digit());
    }
    let (date, time) = match rest.split_once('T') {
        Some((date, time)) => (date, Some(time)),
        None => (rest, None),
    };
    let units_in_order = |text: &str, units: &[u8]| {
        let b = text.as_bytes();
        let (mut i, mut next_unit) = (0, 0);
        while i < b.len() {
            let start = i;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            let Some(pos) = b.get(i).and_then(|u| units.iter().skip(next_unit).position(|x| x == u)) else {
                return false;
            };
            if i == start {
                return false;
            }
            next_unit += pos + 1;
            i += 1;
        }
        true
    };
    units_in_order(date, b"YMD")
        && time.is_none_or(|t| t.as_bytes().first().is_some_and(u8::is_ascii_digit) && units_in_order(t, b"HMS"))
}

/// `^(?:\/(?:[^~/]|~0|~1)*)*$`: empty, or `/`-led tokens where `~` is only in `~0` and `~1`.
fn is_json_pointer(s: &str) -> bool {
    (s.is_empty() || s.starts_with('/')) && {
        let b = s.as_bytes();
        b.iter().enumerate().all(|(i, &c)| c != b'~' || matches!(b.get(i + 1), Some(b'0' | b'1')))
    }
}

/// `^(?:0|[1-9][0-9]*)(?:#|(?:\/(?:[^~/]|~0|~1)*)*)$`.
fn is_relative_json_pointer(s: &str) -> bool {
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    let (number, rest) = s.split_at(digits);
    !number.is_empty() && (number == "0" || !number.starts_with('0')) && (rest == "#" || is_json_pointer(rest))
}

fn two_digits(b: &[u8], at: usize) -> Option<u32> {
    let hi = b.get(at).filter(|c| c.is_ascii_digit())?;
    let lo = b.get(at + 1).filter(|c| c.is_ascii_digit())?;
    Some(u32::from(hi - b'0') * 10 + u32::from(lo - b'0'))
}

/// `YYYY-MM-DD` with a real month and day (RFC 3339 full-date).
fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return false;
    }
    let (Some(y1), Some(y2), Some(month), Some(day)) =
        (two_digits(b, 0), two_digits(b, 2), two_digits(b, 5), two_digits(b, 8))
    else {
        return false;
    };
    let year = y1 * 100 + y2;
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

/// `HH:MM:SS[.frac][Z|±HH[[:]MM]]`, leap second 23:59:60 allowed, `z` in either case. With
/// `require_offset` (`date-time`, as Prism checks it) the offset is required and its hours go
/// up to 24, its minutes up to 59; without (`time`, as ajv-formats has it) it is optional and
/// any two digits pass.
fn is_time(s: &str, require_offset: bool) -> bool {
    let b = s.as_bytes();
    let (Some(hour), Some(minute), Some(second)) = (two_digits(b, 0), two_digits(b, 3), two_digits(b, 6)) else {
        return false;
    };
    if b.get(2) != Some(&b':') || b.get(5) != Some(&b':') {
        return false;
    }
    let mut i = 8;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    let offset_ok = match b.get(i..).unwrap_or_default() {
        [] => !require_offset,
        [b'z' | b'Z'] => true,
        [b'+' | b'-', rest @ ..] => {
            let minutes = match rest.len() {
                2 => Some(0),
                4 => two_digits(rest, 2),
                5 if rest.get(2) == Some(&b':') => two_digits(rest, 3),
                _ => None,
            };
            match (two_digits(rest, 0), minutes) {
                (Some(h), Some(m)) => !require_offset || (h <= 24 && m <= 59),
                _ => false,
            }
        }
        _ => false,
    };
    offset_ok && ((hour <= 23 && minute <= 59 && second <= 59) || (hour == 23 && minute == 59 && second == 60))
}

/// A JavaScript `\s` character.
fn is_js_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\x0B' | '\x0C' | '\r' | ' ' | '\u{A0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200A}' | '\u{2028}' | '\u{2029}' | '\u{202F}' | '\u{205F}' | '\u{3000}' | '\u{FEFF}'
    )
}

/// RFC 3339 date-time as ajv-formats/Prism check it: the text splits at `T`, `t` or a space into
/// exactly a full-date and a time with an offset.
fn is_date_time(s: &str) -> bool {
    let mut parts = s.split(|c: char| c == 'T' || c == 't' || is_js_space(c));
    match (parts.next(), parts.next(), parts.next()) {
        (Some(date), Some(time), None) => is_date(date) && is_time(time, true),
        _ => false,
    }
}

/// 8-4-4-4-12 hex digits, optionally after `urn:uuid:`.
fn is_uuid(s: &str) -> bool {
    let body = match s.get(..9) {
        Some(prefix) if prefix.eq_ignore_ascii_case("urn:uuid:") => s.get(9..).unwrap_or_default(),
        _ => s,
    };
    let lens = [8usize, 4, 4, 4, 12];
    let mut groups = body.split('-');
    lens.iter().all(|&len| groups.next().is_some_and(|g| g.len() == len && g.bytes().all(|c| c.is_ascii_hexdigit())))
        && groups.next().is_none()
}

/// Dotted quad, each part 0–255 in one to three digits (ajv-formats allows leading zeros:
/// `25[0-5]|2[0-4]\d|[01]?\d\d?`).
fn is_ipv4(s: &str) -> bool {
    let mut count = 0;
    for part in s.split('.') {
        count += 1;
        let ok = (1..=3).contains(&part.len())
            && part.bytes().all(|c| c.is_ascii_digit())
            && part.parse::<u16>().is_ok_and(|n| n <= 255);
        if !ok {
            return false;
        }
    }
    count == 4
}

/// Labels of 1–63 letters, digits and inner hyphens, dot-separated, 253 characters at most
/// (plus a final dot).
fn is_hostname(s: &str) -> bool {
    let len = s.len();
    if !s.is_ascii() || len == 0 || !(len <= 253 || (len == 254 && s.ends_with('.'))) {
        return false;
    }
    let body = s.strip_suffix('.').unwrap_or(s);
    body.split('.').all(|label| {
        let b = label.as_bytes();
        !b.is_empty()
            && b.len() <= 63
            && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
            && b.first().is_some_and(u8::is_ascii_alphanumeric)
            && b.last().is_some_and(u8::is_ascii_alphanumeric)
    })
}

/// Standard base64 with padding (groups of four; the empty string is valid).
fn is_base64(s: &str) -> bool {
    if !s.len().is_multiple_of(4) {
        return false;
    }
    let body = s.trim_end_matches('=');
    s.len() - body.len() <= 2 && body.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'+' || c == b'/')
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check_in(doc: &Value, schema: Value, value: Value, direction: Direction) -> Vec<Violation> {
        validate(doc, &schema, &value, direction)
    }

    fn run(schema: Value, value: Value) -> Vec<Violation> {
        check_in(&json!({}), schema, value, Direction::Response)
    }

    #[track_caller]
    fn ok(schema: Value, value: Value) {
        let v = run(schema.clone(), value.clone());
        assert!(v.is_empty(), "{value} should be valid against {schema}, got {v:?}");
    }

    /// The single violation `value` has against `schema`.
    #[track_caller]
    fn one(schema: Value, value: Value) -> Violation {
        let mut v = run(schema.clone(), value.clone());
        assert_eq!(v.len(), 1, "{value} against {schema}: {v:?}");
        v.remove(0)
    }

    #[track_caller]
    fn bad(schema: Value, value: Value) {
        let v = run(schema.clone(), value.clone());
        assert!(!v.is_empty(), "{value} should be invalid against {schema}");
    }

    #[track_caller]
    fn message(schema: Value, value: Value) -> String {
        one(schema, value).message
    }

    fn spec() -> Value {
        json!({
            "components": {"schemas": {
                "Id": {"type": "integer", "format": "int64"},
                "Node": {"type": "object", "required": ["name"], "properties": {
                    "name": {"type": "string"},
                    "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}
                }},
                "Loop": {"allOf": [{"$ref": "#/components/schemas/Loop"}, {"type": "string"}]},
                "A": {"$ref": "#/components/schemas/B"},
                "B": {"$ref": "#/components/schemas/A"},
                "a/b": {"type": "string"},
                "c~d": {"type": "boolean"},
                "with space": {"type": "number"},
                "Cat": {"type": "object", "required": ["kind", "meows"], "properties": {
                    "kind": {"type": "string"}, "meows": {"type": "boolean"}}},
                "Dog": {"type": "object", "required": ["kind", "barks"], "properties": {
                    "kind": {"type": "string"}, "barks": {"type": "boolean"}}},
                "Lizard": {"type": "object"},
                "Pet": {
                    "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
                    "discriminator": {"propertyName": "kind"}
                },
                "MappedPet": {
                    "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
                    "discriminator": {"propertyName": "kind", "mapping": {
                        "cat": "#/components/schemas/Cat", "dog": "Dog"}}
                },
                "AnyPet": {
                    "anyOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
                    "discriminator": {"propertyName": "kind"}
                },
                "Account": {"type": "object", "required": ["id", "password", "name"], "properties": {
                    "id": {"type": "string", "readOnly": true},
                    "password": {"type": "string", "writeOnly": true},
                    "name": {"type": "string"},
                    "created": {"$ref": "#/components/schemas/Stamp"},
                    "secret": {"allOf": [{"type": "string"}, {"writeOnly": true}]}
                }},
                "Stamp": {"type": "string", "readOnly": true},
                "Stamped": {"type": "object", "required": ["created", "secret"], "properties": {
                    "created": {"$ref": "#/components/schemas/Stamp"},
                    "secret": {"allOf": [{"type": "string"}, {"writeOnly": true}]}
                }}
            }},
            "paths": {"/x": {"get": {"parameters": [{"schema": {"type": "string", "maxLength": 2}}]}}}
        })
    }

    fn with_spec(schema: Value, value: Value) -> Vec<Violation> {
        check_in(&spec(), schema, value, Direction::Response)
    }

    fn r(name: &str) -> Value {
        json!({ "$ref": format!("#/components/schemas/{name}") })
    }

    // --- type, nullable, enum, const -------------------------------------------------------

    #[test]
    fn required_beside_a_union_follows_the_alternatives_read_only_flags() {
        let doc = json!({"components": {"schemas": {
            "A": {"type": "object", "properties": {"id": {"type": "string", "readOnly": true}, "kind": {"enum": ["a"]}}},
            "B": {"type": "object", "properties": {"id": {"type": "string", "readOnly": true}, "kind": {"enum": ["b"]}}},
            "C": {"type": "object", "properties": {"id": {"type": "string"}, "kind": {"enum": ["c"]}}}
        }}});
        let both = json!({"oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}],
                          "required": ["id", "kind"]});
        assert!(validate(&doc, &both, &json!({"kind": "a"}), Direction::Request).is_empty());
        assert!(!validate(&doc, &both, &json!({"kind": "a"}), Direction::Response).is_empty());
        // One definition that is not read-only: the name stays required in requests.
        let mixed = json!({"oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/C"}],
                           "required": ["id", "kind"]});
        assert!(!validate(&doc, &mixed, &json!({"kind": "a"}), Direction::Request).is_empty());
    }

    #[test]
    fn types() {
        ok(json!({"type": "string"}), json!("a"));
        ok(json!({"type": "number"}), json!(1));
        ok(json!({"type": "number"}), json!(1.5));
        ok(json!({"type": "integer"}), json!(-3));
        ok(json!({"type": "integer"}), json!(1.0));
        ok(json!({"type": "integer"}), json!(u64::MAX));
        ok(json!({"type": "boolean"}), json!(false));
        ok(json!({"type": "array"}), json!([]));
        ok(json!({"type": "object"}), json!({}));
        bad(json!({"type": "integer"}), json!(1.5));
        bad(json!({"type": "string"}), json!(1));
        bad(json!({"type": "number"}), json!("1"));
        bad(json!({"type": "boolean"}), json!(0));
        bad(json!({"type": "array"}), json!({}));
        bad(json!({"type": "object"}), json!([]));
        assert_eq!(message(json!({"type": "integer"}), json!("abc")), r#"expected integer, found "abc""#);
        // 3.1-style type lists and unknown type names.
        ok(json!({"type": ["string", "null"]}), json!(null));
        bad(json!({"type": ["string", "null"]}), json!(1));
        ok(json!({"type": "file"}), json!(1));
    }

    #[test]
    fn null_and_nullable() {
        ok(json!({}), json!(null));
        ok(json!({"properties": {"a": {"type": "string"}}}), json!(null));
        assert_eq!(message(json!({"type": "string"}), json!(null)), "expected string, found null");
        ok(json!({"type": "string", "nullable": true}), json!(null));
        ok(json!({"type": "string", "nullable": true}), json!("x"));
        assert_eq!(message(json!({"type": "string", "nullable": true}), json!(3)), "expected string or null, found 3");
        bad(json!({"type": "string", "nullable": false}), json!(null));
        // nullable lets null past the enum beside it.
        ok(json!({"type": "string", "enum": ["a"], "nullable": true}), json!(null));
        ok(json!({"type": "string", "x-nullable": true}), json!(null));
        bad(json!({"allOf": [{"type": "object"}]}), json!(null));
        bad(json!({"enum": ["a"]}), json!(null));
        // Without a `type` beside it, nullable adds nothing (OpenAPI 3.0.3, Prism) ...
        ok(json!({"nullable": true}), json!(null));
        bad(json!({"nullable": true, "allOf": [{"type": "object"}]}), json!(null));
        bad(json!({"nullable": true, "enum": ["a"]}), json!(null));
        assert!(with_spec(json!({"nullable": true, "allOf": [r("Id")]}), json!(null)).len() == 1);
        // ... and combinators beside it still apply to null.
        ok(json!({"type": "string", "nullable": true, "allOf": [{"minLength": 1}]}), json!(null));
        bad(json!({"type": "object", "nullable": true, "allOf": [{"type": "object"}]}), json!(null));
    }

    #[test]
    fn enums_and_const() {
        ok(json!({"enum": ["a", "b"]}), json!("b"));
        assert_eq!(message(json!({"enum": ["a", "b"]}), json!("x")), r#""x" is not one of ["a", "b"]"#);
        ok(json!({"enum": [1, 2]}), json!(2.0));
        ok(json!({"enum": [{"a": [1, {"b": null}]}]}), json!({"a": [1.0, {"b": null}]}));
        bad(json!({"enum": [{"a": 1}]}), json!({"a": 1, "b": 2}));
        bad(json!({"enum": [[1, 2]]}), json!([2, 1]));
        bad(json!({"type": "integer", "enum": [1, 2]}), json!(3));
        ok(json!({"const": "x"}), json!("x"));
        assert_eq!(message(json!({"const": "x"}), json!("y")), r#"const: expected "x", found "y""#);
        // A long enum list is cut.
        let long: Vec<Value> = (0..200).map(|i| json!(format!("value-{i}"))).collect();
        let m = message(json!({ "enum": long }), json!("nope"));
        assert!(m.chars().count() < 240 && m.ends_with('…'), "{m}");
    }

    // --- objects -----------------------------------------------------------------------------

    #[test]
    fn objects() {
        let schema = json!({
            "type": "object",
            "required": ["id"],
            "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
        });
        ok(schema.clone(), json!({"id": 1}));
        ok(schema.clone(), json!({"id": 1, "name": "n", "extra": [1]}));
        assert_eq!(
            one(schema.clone(), json!({"name": "n"})),
            Violation { path: String::new(), message: r#"missing required property "id""#.into() }
        );
        assert_eq!(one(schema.clone(), json!({"id": "1"})).path, "id");
        assert_eq!(run(schema, json!({"name": 1})).len(), 2);

        let closed = json!({"properties": {"a": {}}, "additionalProperties": false});
        ok(closed.clone(), json!({"a": 1}));
        assert_eq!(
            one(closed, json!({"a": 1, "b": 2})),
            Violation { path: "b".into(), message: r#"additionalProperties: property "b" is not allowed"#.into() }
        );
        let map = json!({"type": "object", "additionalProperties": {"type": "integer"}});
        ok(map.clone(), json!({"x": 1, "y": 2}));
        assert_eq!(one(map, json!({"x": 1, "odd key": "2"})).path, r#"["odd key"]"#);
        ok(json!({"additionalProperties": true}), json!({"x": 1}));

        let pattern = json!({"patternProperties": {"^x-": {"type": "string"}}, "additionalProperties": false});
        ok(pattern.clone(), json!({"x-a": "s"}));
        bad(pattern.clone(), json!({"x-a": 1}));
        bad(pattern, json!({"y": "s"}));

        ok(json!({"minProperties": 1, "maxProperties": 2}), json!({"a": 1}));
        assert_eq!(message(json!({"minProperties": 2}), json!({"a": 1})), "minProperties: 1 properties, fewer than 2");
        assert_eq!(
            message(json!({"maxProperties": 1}), json!({"a": 1, "b": 2})),
            "maxProperties: 2 properties, more than 1"
        );
        // Object keywords ignore other types.
        ok(json!({"required": ["a"], "additionalProperties": false}), json!("s"));
    }

    #[test]
    fn read_only_and_write_only_by_direction() {
        let doc = spec();
        let account = r("Account");
        // A request may leave out readOnly `id`, must send writeOnly `password`.
        let req = check_in(&doc, account.clone(), json!({"password": "p", "name": "n"}), Direction::Request);
        assert!(req.is_empty(), "{req:?}");
        let req = check_in(&doc, account.clone(), json!({"id": "i", "name": "n"}), Direction::Request);
        assert_eq!(req.len(), 1);
        assert_eq!(req[0].message, r#"missing required property "password""#);
        // A response may leave out writeOnly `password`, must have readOnly `id`.
        let resp = check_in(&doc, account.clone(), json!({"id": "i", "name": "n"}), Direction::Response);
        assert!(resp.is_empty(), "{resp:?}");
        let resp = check_in(&doc, account, json!({"password": "p", "name": "n"}), Direction::Response);
        assert_eq!(resp.len(), 1);
        assert_eq!(resp[0].message, r#"missing required property "id""#);
        // The flag is found through a `$ref` and inside `allOf`.
        let stamped = r("Stamped");
        let req = check_in(&doc, stamped.clone(), json!({"secret": "s"}), Direction::Request);
        assert!(req.is_empty(), "{req:?}");
        let resp = check_in(&doc, stamped.clone(), json!({"created": "c"}), Direction::Response);
        assert!(resp.is_empty(), "{resp:?}");
        assert_eq!(check_in(&doc, stamped.clone(), json!({}), Direction::Request).len(), 1);
        assert_eq!(check_in(&doc, stamped, json!({}), Direction::Response).len(), 1);
        // Present readOnly/writeOnly values are still checked against their schema.
        let req = check_in(&doc, r("Account"), json!({"id": 1, "password": "p", "name": "n"}), Direction::Request);
        assert_eq!(req.len(), 1);
        assert_eq!(req[0].path, "id");
    }

    // --- arrays ------------------------------------------------------------------------------

    #[test]
    fn arrays() {
        let schema = json!({"type": "array", "items": {"type": "integer"}, "minItems": 1, "maxItems": 3});
        ok(schema.clone(), json!([1, 2, 3]));
        assert_eq!(one(schema.clone(), json!([1, "2"])).path, "[1]");
        assert_eq!(message(schema.clone(), json!([])), "minItems: 0 items, fewer than 1");
        assert_eq!(message(schema, json!([1, 2, 3, 4])), "maxItems: 4 items, more than 3");
        ok(json!({"items": false}), json!([]));
        bad(json!({"items": false}), json!([1]));
        // Tuple form: positional.
        ok(json!({"items": [{"type": "string"}, {"type": "integer"}]}), json!(["a", 1, true]));
        bad(json!({"items": [{"type": "string"}, {"type": "integer"}]}), json!([1]));

        let unique = json!({"uniqueItems": true});
        ok(unique.clone(), json!([1, 2, "1", [1], {"a": 1}]));
        assert_eq!(message(unique.clone(), json!([1, 2, 1.0])), "uniqueItems: items 0 and 2 are equal (1.0)");
        bad(unique.clone(), json!([{"a": 1, "b": [2]}, {"b": [2.0], "a": 1}]));
        ok(json!({"uniqueItems": false}), json!([1, 1]));
        // Large arrays take the hashing path.
        let mut many: Vec<Value> = (0..1000).map(|i| json!({"i": i, "s": format!("{i}")})).collect();
        ok(unique.clone(), Value::Array(many.clone()));
        many.push(json!({"s": "500", "i": 500.0}));
        let m = message(unique, Value::Array(many));
        assert!(m.starts_with("uniqueItems: items 500 and 1000 are equal ({"), "{m}");
    }

    // --- strings -----------------------------------------------------------------------------

    #[test]
    fn string_lengths_count_code_points() {
        let schema = json!({"type": "string", "minLength": 2, "maxLength": 3});
        ok(schema.clone(), json!("ab"));
        ok(schema.clone(), json!("😀😀😀"));
        ok(schema.clone(), json!("éé"));
        assert_eq!(message(schema.clone(), json!("a")), r#"minLength: "a" has 1 characters, fewer than 2"#);
        assert_eq!(message(schema, json!("abcd")), r#"maxLength: "abcd" has 4 characters, more than 3"#);
        ok(json!({"minLength": 5}), json!(1));
    }

    #[test]
    fn patterns() {
        ok(json!({"pattern": "^\\d+$"}), json!("123"));
        bad(json!({"pattern": "^\\d+$"}), json!("12a"));
        // `\d` is ASCII only, as in JavaScript.
        bad(json!({"pattern": "^\\d+$"}), json!("١٢"));
        // Unanchored search.
        ok(json!({"pattern": "b"}), json!("abc"));
        bad(json!({"pattern": "x"}), json!("abc"));
        // `\/`, named groups, classes with escapes and ranges.
        ok(json!({"pattern": "^https?:\\/\\/"}), json!("https://x"));
        ok(json!({"pattern": "^(?<year>\\d{4})-(?<month>\\d{2})$"}), json!("2020-01"));
        ok(json!({"pattern": "^[\\w.-]+@[a-z]+$"}), json!("a.b-c_d@x"));
        bad(json!({"pattern": "^[\\w.-]+$"}), json!("a b"));
        bad(json!({"pattern": "^\\w+$"}), json!("é"));
        ok(json!({"pattern": "^[^\\s]+$"}), json!("abc"));
        bad(json!({"pattern": "^\\S+$"}), json!("a\u{a0}b"));
        ok(json!({"pattern": "^\\u00e9\\u{1F600}\\uD83D\\uDE00$"}), json!("é😀😀"));
        ok(json!({"pattern": "^\\p{L}+$"}), json!("éa"));
        ok(json!({"pattern": "^a.c$"}), json!("abc"));
        bad(json!({"pattern": "^a.c$"}), json!("a\nc"));
        ok(json!({"pattern": "^a[^]c$"}), json!("a\nc"));
        ok(json!({"pattern": "\\bword\\b"}), json!("a word here"));
        bad(json!({"pattern": "\\bword\\b"}), json!("swordfish"));
        ok(json!({"pattern": "^[a-z]{2,}$"}), json!("abc"));
        ok(json!({"pattern": "^a{$"}), json!("a{"));
        // What the `regex` crate cannot do is not checked (no false failure).
        ok(json!({"pattern": "^(?!foo).*$"}), json!("foo"));
        ok(json!({"pattern": "^(a)\\1$"}), json!("ab"));
        ok(json!({"pattern": "(?<=a)b"}), json!("xb"));
        ok(json!({"pattern": "[unclosed"}), json!("x"));
        let m = message(json!({"pattern": "^[0-9]+$"}), json!("x"));
        assert_eq!(m, r#"pattern: "x" does not match "^[0-9]+$""#);
        // Patterns on non-strings are ignored.
        ok(json!({"pattern": "^a$"}), json!(5));
    }

    #[test]
    fn translation() {
        let t = |s: &str| translate_ecma(s);
        assert_eq!(t(r"^\d+$").as_deref(), Some("^[0-9]+$"));
        assert_eq!(t(r"a\/b").as_deref(), Some(r"a\x{2F}b"));
        assert_eq!(t(r"(?<n>x)").as_deref(), Some("(?P<n>x)"));
        assert_eq!(t(r"[a-z\d-]").as_deref(), Some(r"[a-z0-9\x{2D}]"));
        assert_eq!(t(r"[\--z]").as_deref(), Some(r"[\x{2D}-z]"));
        assert_eq!(t(r"x{2,3}?").as_deref(), Some("x{2,3}?"));
        assert_eq!(t(r"[&&~~]").as_deref(), Some(r"[\x{26}\x{26}\x{7E}\x{7E}]"));
        assert_eq!(t(r"[[]").as_deref(), Some(r"[\x{5B}]"));
        assert_eq!(t(r"(?=a)"), None);
        assert_eq!(t(r"(?<!a)"), None);
        assert_eq!(t(r"\k<n>"), None);
        assert_eq!(t(r"\2"), None);
        assert_eq!(t(r"\q"), None);
        assert_eq!(t(r"[z-a]"), None);
        assert_eq!(t(r"[a-\d]"), None);
        assert_eq!(t("\\"), None);
        assert_eq!(t(r"\x4"), None);
        // Everything translated compiles.
        for p in [r"\s\S\w\W\d\D\b\B", r"[\s\S\w\W\d\D\b]", r"[^]", r"[]", r"\cJ\0\t\v\f", r"\p{Script=Greek}"] {
            let tr = t(p).unwrap_or_default();
            assert!(Regex::new(&tr).is_ok(), "{p} → {tr}");
        }
        assert_eq!(pattern_matches("[]", "a"), Some(false));
        // Lone surrogates: never in a Rust string (AWS specs spell classes with them).
        let aws = r"^[\u0020-\uD7FF\uE000-\uFFFD\uD800\uDBFF-\uDC00\uDFFF\t\r\n]*$";
        assert_eq!(pattern_matches(aws, "abc\né"), Some(true));
        assert_eq!(pattern_matches(aws, "a😀"), Some(false));
        assert_eq!(pattern_matches(aws, "\u{1}"), Some(false));
        assert_eq!(pattern_matches(r"a\uD800", "a"), Some(false));
        assert_eq!(pattern_matches(r"^[\uD800-\uDFFF]$", "a"), Some(false));
        assert_eq!(pattern_matches(r"^[^\uD800]$", "a"), Some(true));
        // Huge repetition bounds: exact on texts up to the bound, unchecked beyond.
        assert_eq!(pattern_matches(r"^.{0,262144}$", "abc"), Some(true));
        assert_eq!(pattern_matches(r"^.{0,262144}$", "a\nb"), Some(false));
        assert_eq!(pattern_matches(r"^[a-z]{2,5000}$", "a"), Some(false));
        assert_eq!(pattern_matches(r"^[a-z]{2,5000}$", &"a".repeat(5000)), Some(true));
        assert_eq!(pattern_matches(r"^[a-z]{2,5000}$", &"a".repeat(5001)), None);
        assert_eq!(pattern_matches(r"\S{1,8192}", " x "), Some(true));
        assert_eq!(translate_ecma(r"a{1,5000}"), None);
        assert_eq!(pattern_matches(r"^\cJ$", "\n"), Some(true));
        assert_eq!(pattern_matches(r"^[\b]$", "\x08"), Some(true));
    }

    // --- formats -----------------------------------------------------------------------------

    #[track_caller]
    fn formats(format: &str, valid: &[&str], invalid: &[&str]) {
        for s in valid {
            ok(json!({"type": "string", "format": format}), json!(s));
        }
        for s in invalid {
            let v = run(json!({"type": "string", "format": format}), json!(s));
            assert_eq!(v.len(), 1, "{s:?} should not be a valid {format}");
            assert_eq!(v[0].message, format!("format: {} is not a valid {format}", short_str(s)));
        }
    }

    #[test]
    fn format_date_time() {
        formats(
            "date-time",
            &[
                "2020-01-01T10:00:00Z",
                "2020-01-01t10:00:00.123z",
                "2020-01-01 10:00:00+01:00",
                "2020-02-29T00:00:00+0100",
                "2020-02-29T00:00:00-05",
                "2016-12-31T23:59:60Z",
                "1999-12-31T23:59:59.999999999+24:00",
            ],
            &[
                "2020-01-01T10:00:00",
                "2020-13-01T10:00:00Z",
                "2021-02-29T10:00:00Z",
                "2020-04-31T10:00:00Z",
                "2020-01-01T24:00:00Z",
                "2020-01-01T10:60:00Z",
                "2020-01-01T10:00Z",
                "2020-01-01",
                "2020-01-01TT10:00:00Z",
                "2020-01-01T10:00:00.Z",
                "2020-01-01T10:00:00+25:00",
                "2020-01-01T10:00:00+01:60",
                "2020-01-01T10:00:00+1:00",
                "20-01-01T10:00:00Z",
                "",
            ],
        );
    }

    #[test]
    fn format_date_and_time() {
        formats(
            "date",
            &["2020-01-31", "2000-02-29", "2024-02-29"],
            &["2020-1-01", "2020-00-10", "2020-01-32", "1900-02-29", "2020-01-01T00:00:00Z", "２０２０-01-01"],
        );
        // `time` is ajv-formats' own: offset optional, its digits unchecked.
        formats(
            "time",
            &["10:00:00", "23:59:60", "10:00:00.5Z", "10:00:00+01:00", "10:00:00-9999"],
            &["10:00", "24:00:00", "10:00:00 Z", "10:00:00+1"],
        );
    }

    #[test]
    fn format_email_uuid_uri() {
        formats(
            "email",
            &["a@b.co", "first.last+tag@sub.example.com", "x!#$%&'*+/=?^_`{|}~-@a.b"],
            &["a@b", "a.@b.co", "@b.co", "a@-b.co", "a b@c.co", "ſ@b.co"],
        );
        formats(
            "uuid",
            &[
                "123e4567-e89b-12d3-a456-426614174000",
                "123E4567-E89B-12D3-A456-426614174000",
                "urn:uuid:123e4567-e89b-12d3-a456-426614174000",
            ],
            &[
                "123e4567e89b12d3a456426614174000",
                "123e4567-e89b-12d3-a456-42661417400g",
                "123e4567-e89b-12d3-a456-4266141740001",
            ],
        );
        formats(
            "uri",
            &[
                "https://example.com/a?b=c#d",
                "urn:isbn:0451450523",
                "mailto:a@b.co",
                "http://[::1]:8080/",
                "file:///tmp/x",
            ],
            &["example.com", "/relative/path", "http://exa mple.com", "1http://x", "https://é.com"],
        );
    }

    #[test]
    fn format_addresses_and_bytes() {
        formats(
            "ipv4",
            &["0.0.0.0", "192.168.1.255", "01.02.003.255"],
            &["256.0.0.1", "1.2.3", "0001.2.3.4", "1.2.3.4.5", "a.b.c.d", "1.2.3.-4", "1.2.3.+4", ""],
        );
        formats(
            "ipv6",
            &["::1", "::", "2001:db8::8a2e:370:7334", "::ffff:192.0.2.1", "FE80::1"],
            &["2001:db8::8a2e::7334", "12345::1", "1.2.3.4", "::ffff:256.0.0.1", "fe80::1%eth0"],
        );
        formats(
            "hostname",
            &["example.com", "a", "a-b.c1.", "xn--bcher-kva.example"],
            &[
                "-a.com",
                "a-.com",
                "a..b",
                "",
                ".",
                "exa_mple.com",
                &"a".repeat(64),
                &format!("{}.com", ["abcdefghi"; 26].join(".")),
            ],
        );
        formats("byte", &["", "YQ==", "YWI=", "YWJj", "+/+/"], &["YQ", "YQ=", "Y===", "YW=j", "YWJj\n", "ab$c"]);
    }

    #[test]
    fn format_url_duration_pointers_templates() {
        formats(
            "url",
            &[
                "https://example.com/a",
                "http://user:pw@example.com:8080/p?q",
                "ftp://1.2.3.4/",
                "http://172.32.0.1",
                "http://a@b@example.com",
                "http://例え.テスト/",
                "HTTPS://X.CO",
            ],
            &[
                "http://10.0.0.1/",
                "http://127.0.0.1",
                "http://172.16.0.1",
                "http://192.168.1.1",
                "http://169.254.1.1",
                "http://localhost/",
                "mailto:a@b.co",
                "https://x.c",
                "https://exa mple.com",
                "http://example.com:1/",
            ],
        );
        formats(
            "duration",
            &["P1Y2M3DT4H5M6S", "PT1H", "P1W", "P3D", "PT0S", "P1M", "PT1M", "P1DT1S"],
            &["P", "PT", "P1DT", "P1Y1W", "PT1.5S", "P1M1Y", "PT1S1M", "1D", "p1d", "PW"],
        );
        formats("json-pointer", &["", "/a", "/a~0b/~1c", "/", "//"], &["a", "/~", "/~2", "#/a"]);
        formats("relative-json-pointer", &["0", "1#", "10/a", "0/a~1b"], &["01", "", "#", "1~", "-1"]);
        formats("json-pointer-uri-fragment", &["#", "#/a", "#/a~0b/%20"], &["", "#a", "#/%zz", "#/a b"]);
        formats(
            "uri-reference",
            &["/a/b?c#d", "../x", "#frag", "https://ex.com/", "", "//host/p"],
            &["a b", "http://[::1", "%zz", "é"],
        );
        formats(
            "uri-template",
            &["/users/{id}", "http://ex.com/{+path}/x{?q,r*}", "{a:3}", "plain", "%20", "é"],
            &["{", "{a b}", "a b", "{a:0}", "%2"],
        );
        // Not checked: `regex` (a JavaScript regex parser would be needed), unknown names.
        ok(json!({"type": "string", "format": "regex"}), json!("(?<="));
        // Every expression the formats use compiles.
        assert!(format_regex(&EMAIL, EMAIL_SRC, true).is_some());
        assert!(format_regex(&URI, URI_SRC, true).is_some());
        assert!(format_regex(&URI_REFERENCE, URI_REFERENCE_SRC, true).is_some());
        assert!(format_regex(&URI_TEMPLATE, URI_TEMPLATE_SRC, false).is_some());
        assert!(format_regex(&JSON_POINTER_URI_FRAGMENT, JSON_POINTER_URI_FRAGMENT_SRC, true).is_some());
        assert!(format_regex(&IPV6, IPV6_SRC, true).is_some());
        assert!(format_regex(&URL_SCHEME, URL_SCHEME_SRC, true).is_some());
        assert!(format_regex(&URL_HOST, URL_HOST_SRC, true).is_some());
    }

    #[test]
    fn format_numbers_and_unknown() {
        let int32 = json!({"type": "integer", "format": "int32"});
        ok(int32.clone(), json!(2147483647));
        ok(int32.clone(), json!(-2147483648));
        ok(int32.clone(), json!(7.0));
        assert_eq!(message(int32.clone(), json!(2147483648u64)), "format: 2147483648 is not a valid int32");
        bad(int32, json!(-2147483649i64));
        ok(json!({"type": "number", "format": "int32"}), json!(3));
        bad(json!({"type": "number", "format": "int32"}), json!(3.5));
        // int64 as Prism bounds it: ±(2^53 − 1).
        let int64 = json!({"type": "integer", "format": "int64"});
        ok(int64.clone(), json!(9007199254740991i64));
        ok(int64.clone(), json!(-9007199254740991i64));
        ok(int64.clone(), json!(1e15));
        bad(int64.clone(), json!(9007199254740992i64));
        bad(int64.clone(), json!(i64::MIN));
        bad(int64.clone(), json!(9223372036854775808u64));
        bad(int64, json!(1e19));
        bad(json!({"type": "number", "format": "int64"}), json!(0.5));
        ok(json!({"type": "number", "format": "float"}), json!(3.4e38));
        ok(json!({"type": "number", "format": "float"}), json!(-3.4e38));
        bad(json!({"type": "number", "format": "float"}), json!(1e39));
        ok(json!({"type": "number", "format": "double"}), json!(1e300));
        ok(json!({"type": "number", "format": "double"}), json!(-0.5));
        // Unknown formats and formats of another type are ignored.
        ok(json!({"type": "string", "format": "color"}), json!("nope"));
        ok(json!({"format": "date"}), json!(5));
        ok(json!({"format": "int32"}), json!("x"));
        ok(json!({"type": "string", "format": "password"}), json!(""));
    }

    // --- numbers -----------------------------------------------------------------------------

    #[test]
    fn numeric_bounds() {
        let s = json!({"minimum": 1, "maximum": 10});
        ok(s.clone(), json!(1));
        ok(s.clone(), json!(10.0));
        assert_eq!(message(s.clone(), json!(0.5)), "minimum: 0.5 is less than 1");
        assert_eq!(message(s, json!(11)), "maximum: 11 is greater than 10");
        let ex = json!({"minimum": 1, "maximum": 10, "exclusiveMinimum": true, "exclusiveMaximum": true});
        ok(ex.clone(), json!(1.5));
        assert_eq!(message(ex.clone(), json!(1)), "exclusiveMinimum: 1 is not greater than 1");
        assert_eq!(message(ex, json!(10)), "exclusiveMaximum: 10 is not less than 10");
        ok(json!({"minimum": 1, "exclusiveMinimum": false}), json!(1));
        // 3.1-style numeric bounds.
        ok(json!({"exclusiveMinimum": 0, "exclusiveMaximum": 1}), json!(0.5));
        bad(json!({"exclusiveMinimum": 0}), json!(0));
        bad(json!({"exclusiveMaximum": 1}), json!(1.0));
        // Big integers compare exactly.
        bad(json!({"maximum": 9007199254740992u64}), json!(9007199254740993u64));
        ok(json!({"minimum": 1}), json!("not a number"));
    }

    #[test]
    fn multiple_of() {
        ok(json!({"multipleOf": 3}), json!(9));
        ok(json!({"multipleOf": 3}), json!(-9));
        ok(json!({"multipleOf": 3}), json!(0));
        assert_eq!(message(json!({"multipleOf": 3}), json!(10)), "multipleOf: 10 is not a multiple of 3");
        ok(json!({"multipleOf": 0.1}), json!(0.3));
        ok(json!({"multipleOf": 0.01}), json!(19.99));
        ok(json!({"multipleOf": 0.5}), json!(4));
        bad(json!({"multipleOf": 0.1}), json!(0.35));
        bad(json!({"multipleOf": 0.5}), json!(4.2));
        ok(json!({"multipleOf": 0}), json!(4.2));
    }

    // --- combinators and discriminators ------------------------------------------------------

    #[test]
    fn all_any_one_not() {
        let all = json!({"allOf": [{"type": "object", "required": ["a"]}, {"required": ["b"]}]});
        ok(all.clone(), json!({"a": 1, "b": 2}));
        assert_eq!(run(all, json!({})).len(), 2);

        let any = json!({"anyOf": [{"type": "string"}, {"type": "integer", "minimum": 5}]});
        ok(any.clone(), json!("s"));
        ok(any.clone(), json!(7));
        let v = one(any, json!(3));
        assert_eq!(v.path, "");
        assert_eq!(v.message, "anyOf: matches none of 2 alternatives (closest: anyOf[0]: expected string, found 3)");

        let one_of = json!({"oneOf": [{"type": "integer"}, {"type": "number", "maximum": 10}]});
        ok(one_of.clone(), json!(20));
        ok(one_of.clone(), json!(2.5));
        assert_eq!(
            message(one_of.clone(), json!(3)),
            "oneOf: matches 2 alternatives (oneOf[0], oneOf[1]), exactly one must match"
        );
        assert!(message(one_of, json!("x")).starts_with("oneOf: matches none of 2 alternatives"));

        // The deepest failure is the one shown.
        let objects = json!({"properties": {"r": {"oneOf": [
            {"type": "string"},
            {"type": "object", "properties": {"x": {"type": "integer"}}, "required": ["x"]},
        ]}}});
        assert_eq!(
            one(objects, json!({"r": {"x": "1"}})),
            Violation {
                path: "r".into(),
                message:
                    r#"oneOf: matches none of 2 alternatives (closest: oneOf[1] at r.x: expected integer, found "1")"#
                        .into()
            }
        );

        ok(json!({"not": {"type": "string"}}), json!(1));
        assert_eq!(
            message(json!({"not": {"type": "string"}}), json!("s")),
            "not: matches the schema it must not match"
        );
    }

    #[test]
    fn discriminator_without_mapping() {
        let doc = spec();
        let pet = r("Pet");
        let cat = json!({"kind": "Cat", "meows": true});
        assert!(check_in(&doc, pet.clone(), cat, Direction::Response).is_empty());
        // Only the named alternative is checked, and its violations come through as they are.
        let v = check_in(&doc, pet.clone(), json!({"kind": "Dog", "meows": true}), Direction::Response);
        assert_eq!(v, vec![Violation { path: String::new(), message: r#"missing required property "barks""#.into() }]);
        let v = check_in(&doc, pet.clone(), json!({"kind": "Dog", "barks": "loud"}), Direction::Response);
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].path, "barks");
        // A tag that names no alternative (even an existing component) is a violation.
        let v = check_in(&doc, pet.clone(), json!({"kind": "Lizard"}), Direction::Response);
        assert_eq!(v.len(), 1);
        assert!(v[0].message.starts_with(r#"discriminator: kind "Lizard" names none of the 2 alternatives"#), "{v:?}");
        // Without the tag: plain oneOf.
        let v = check_in(&doc, pet.clone(), json!({"meows": true}), Direction::Response);
        assert_eq!(v.len(), 1);
        assert!(v[0].message.starts_with("oneOf: matches none of 2 alternatives"), "{v:?}");
        // A non-object value: plain oneOf.
        assert_eq!(check_in(&doc, pet, json!(3), Direction::Response).len(), 1);
        // anyOf with a discriminator.
        let any = r("AnyPet");
        assert!(check_in(&doc, any.clone(), json!({"kind": "Dog", "barks": false}), Direction::Response).is_empty());
        assert_eq!(check_in(&doc, any, json!({"kind": "Dog", "meows": true}), Direction::Response).len(), 1);
    }

    #[test]
    fn discriminator_with_mapping() {
        let doc = spec();
        let pet = r("MappedPet");
        // `$ref` mapping value and bare-name mapping value.
        assert!(check_in(&doc, pet.clone(), json!({"kind": "cat", "meows": true}), Direction::Response).is_empty());
        assert!(check_in(&doc, pet.clone(), json!({"kind": "dog", "barks": true}), Direction::Response).is_empty());
        let v = check_in(&doc, pet.clone(), json!({"kind": "dog", "meows": true}), Direction::Response);
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].message, r#"missing required property "barks""#);
        // Unmapped tags fall back to the component name.
        assert!(check_in(&doc, pet.clone(), json!({"kind": "Dog", "barks": true}), Direction::Response).is_empty());
        let v = check_in(&doc, pet, json!({"kind": "cow"}), Direction::Response);
        assert_eq!(v.len(), 1);
        assert!(v[0].message.contains("names none of the 2 alternatives"), "{v:?}");
    }

    // --- references --------------------------------------------------------------------------

    #[test]
    fn references() {
        assert!(with_spec(r("Id"), json!(5)).is_empty());
        assert_eq!(with_spec(r("Id"), json!("5")).len(), 1);
        // Escaped and percent-encoded tokens, pointers outside components, array indexes.
        assert!(with_spec(json!({"$ref": "#/components/schemas/a~1b"}), json!("s")).is_empty());
        assert_eq!(with_spec(json!({"$ref": "#/components/schemas/a~1b"}), json!(1)).len(), 1);
        assert!(with_spec(json!({"$ref": "#/components/schemas/c~0d"}), json!(true)).is_empty());
        assert!(with_spec(json!({"$ref": "#/components/schemas/with%20space"}), json!(1.5)).is_empty());
        let param = json!({"$ref": "#/paths/~1x/get/parameters/0/schema"});
        assert!(with_spec(param.clone(), json!("ab")).is_empty());
        assert_eq!(with_spec(param, json!("abc")).len(), 1);
        // Unresolved and non-local references are violations, not panics.
        for reference in [
            "#/components/schemas/Nope",
            "other.yaml#/X",
            "#/paths/~1x/get/parameters/9",
            "#no-slash",
            "#/components/schemas/Id/type/x",
        ] {
            let v = with_spec(json!({ "$ref": reference }), json!(1));
            assert_eq!(v, vec![Violation { path: String::new(), message: format!("unresolved $ref \"{reference}\"") }]);
        }
        assert_eq!(with_spec(json!({"$ref": 5}), json!(1)).len(), 1);
        // Siblings of `$ref` are ignored.
        assert!(with_spec(json!({"$ref": "#/components/schemas/Id", "maximum": 1}), json!(5)).is_empty());
        // `#` is the whole document.
        assert!(with_spec(json!({"$ref": "#"}), json!({})).is_empty());
    }

    #[test]
    fn recursive_schemas() {
        let tree = json!({"name": "root", "children": [
            {"name": "a", "children": []},
            {"name": "b", "children": [{"name": "c"}, {"name": "d", "children": [{"nom": 1}]}]}
        ]});
        let v = with_spec(r("Node"), tree);
        assert_eq!(
            v,
            vec![Violation {
                path: "children[1].children[1].children[0]".into(),
                message: r#"missing required property "name""#.into()
            }]
        );
        // Cycles that consume nothing end (cut as satisfied), and do not hide other keywords.
        assert!(with_spec(r("Loop"), json!("s")).is_empty());
        assert_eq!(with_spec(r("Loop"), json!(1)).len(), 1);
        assert!(with_spec(r("A"), json!(1)).is_empty());
    }

    #[test]
    fn deep_values_do_not_overflow() {
        // 5,000 levels against a recursive schema, on the 2 MiB test thread stack.
        // (`json!` would serialise an interpolated value: recursion of its own.)
        let mut value = json!({"name": "leaf", "children": [{"name": 1}]});
        for _ in 0..5000 {
            let mut node = Map::new();
            node.insert("name".into(), json!("n"));
            node.insert("children".into(), Value::Array(vec![value]));
            value = Value::Object(node);
        }
        let doc = spec();
        let v = validate(&doc, &r("Node"), &value, Direction::Response);
        assert!(v.is_empty(), "beyond the depth limit nothing is reported");
        let shallow = json!({"name": "n", "children": [{"name": 1}]});
        assert_eq!(validate(&doc, &r("Node"), &shallow, Direction::Response).len(), 1);
        // Deep structural equality / hashing stays bounded too (values built without cloning:
        // serde_json's own clone and drop recurse).
        let deep = |n: usize| {
            let mut v = json!(1);
            for _ in 0..n {
                v = Value::Array(vec![v]);
            }
            v
        };
        let items = Value::Array((0..20).map(|_| deep(5000)).collect());
        let mut schema = json!({"uniqueItems": true});
        if let Value::Object(m) = &mut schema {
            m.insert("enum".into(), Value::Array(vec![deep(5000)]));
        }
        let v = validate(&doc, &schema, &items, Direction::Response);
        assert_eq!(v.len(), 1, "the enum differs (unknown beyond the nesting bound)");
        std::mem::forget(items);
        std::mem::forget(schema);
        std::mem::forget(value);
    }

    // --- paths, messages, robustness ---------------------------------------------------------

    #[test]
    fn paths() {
        let schema = json!({"properties": {"result": {"properties": {"certificates": {"items": {
            "properties": {"expires_on": {"type": "string"}}}}}}}});
        let value = json!({"result": {"certificates": [{}, {}, {"expires_on": 5}]}});
        assert_eq!(one(schema, value).path, "result.certificates[2].expires_on");
        let map = json!({"additionalProperties": {"additionalProperties": {"type": "string"}}});
        assert_eq!(one(map.clone(), json!({"odd key": {"a\"b": 1}})).path, r#"["odd key"]["a\"b"]"#);
        assert_eq!(one(map.clone(), json!({"_ok9": {"9x": 1}})).path, r#"_ok9["9x"]"#);
        assert_eq!(one(map, json!({"é": {"x": 1}})).path, r#"["é"].x"#);
        assert_eq!(one(json!({"items": {"type": "string"}}), json!([[1]])).path, "[0]");
        assert_eq!(one(json!({"type": "string"}), json!(1)).path, "");
    }

    #[test]
    fn long_values_are_shortened() {
        let big = json!({"k": "x".repeat(10_000)});
        let m = message(json!({"type": "string"}), big);
        let shown = m.strip_prefix("expected string, found ").unwrap_or_default();
        assert_eq!(shown.chars().count(), 80);
        assert!(shown.starts_with(r#"{"k":"xxx"#) && shown.ends_with('…'));
        let m = message(json!({"type": "integer"}), json!("é".repeat(500)));
        assert_eq!(m.chars().count(), "expected integer, found ".len() + 80);
        assert_eq!(short(&json!("short")), r#""short""#);
    }

    #[test]
    fn odd_schemas_do_not_panic() {
        let schemas = [
            json!({"type": 5}),
            json!({"required": "x"}),
            json!({"required": [1, null]}),
            json!({"items": "str"}),
            json!({"minLength": "a", "maxLength": -1, "minItems": null}),
            json!({"pattern": 5, "format": 7}),
            json!({"properties": [1]}),
            json!({"additionalProperties": "no"}),
            json!({"enum": "a", "allOf": {}, "oneOf": [], "anyOf": 3, "not": 5}),
            json!({"discriminator": {"propertyName": 1}, "oneOf": [{"$ref": 7}]}),
            json!({"discriminator": {"propertyName": "k", "mapping": {"a": 3}}, "oneOf": [{"$ref": "#/nope"}]}),
            json!({"multipleOf": -2, "minimum": "1", "exclusiveMinimum": "yes"}),
            json!({"$ref": "#/%zz/%C3%28"}),
            json!(null),
            json!(true),
            json!(false),
            json!([1, 2]),
        ];
        let values = [
            json!(null),
            json!(1),
            json!(-1.5),
            json!("s"),
            json!([1, "a"]),
            json!({"k": "a", "x": [null]}),
            json!(true),
        ];
        for schema in &schemas {
            for value in &values {
                let _ = validate(&spec(), schema, value, Direction::Request);
            }
        }
        assert_eq!(run(json!(false), json!(1)).len(), 1);
        ok(json!(true), json!(1));
        ok(json!({"oneOf": []}), json!(1));
        bad(
            json!({"discriminator": {"propertyName": "k", "mapping": {"a": 3}}, "oneOf": [{"$ref": "#/nope"}]}),
            json!({"k": "a"}),
        );
    }

    #[test]
    fn large_values_are_fast() {
        let doc = spec();
        let items: Vec<Value> = (0..20_000)
            .map(|i| {
                if i % 2 == 0 {
                    json!({"kind": "Cat", "meows": true})
                } else {
                    json!({"kind": "Dog", "barks": false})
                }
            })
            .collect();
        let value = json!({"result": items});
        let schema = json!({"type": "object", "properties": {"result": {"type": "array", "items": r("Pet")}}});
        let plain = json!({"type": "object", "properties": {"result": {"type": "array", "items": {
            "oneOf": [r("Cat"), r("Dog")]}}}});
        let start = std::time::Instant::now();
        assert!(validate(&doc, &schema, &value, Direction::Response).is_empty());
        assert!(validate(&doc, &plain, &value, Direction::Response).is_empty());
        let elapsed = start.elapsed();
        assert!(elapsed.as_secs() < 10, "{elapsed:?}");
    }
}
