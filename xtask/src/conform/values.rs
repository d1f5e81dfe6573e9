//! Chooses the arguments of each call the conformance harness makes: the spec's own examples
//! first, otherwise values synthesised from the schema that a validating server must accept.
//! The same spec gives the same values on every run: nothing is random, maps are walked in
//! document order, and hash maps are only used as caches.
//!
//! # Examples
//!
//! For a parameter: its `example`, then the `value`s of its `examples` in document order
//! (`$ref`s to `#/components/examples/...` followed, `externalValue`-only entries skipped), then —
//! for a parameter with `content` instead of `schema` — those of its first media type, then its
//! schema's `example`. For a media type: `example`, `examples`, the schema's `example`. `null`
//! examples count as absent. The first example that [`validate`] accepts (request direction)
//! is used; each one rejected on the way is returned with the JSON pointer where it is written
//! (after following `$ref`s) and its first violation, as a spec defect to report. Without a
//! schema, the first example is used as it is (and synthesis gives `"string"`).
//!
//! # Synthesis
//!
//! A schema is handled as a conjunction: the schema, its `allOf` branches (recursively) and the
//! targets of its `$ref`s are flattened into "parts", and each keyword is the combination over
//! the parts (tightest bounds, union of `required`, every `pattern`, property schemas conjoined
//! per name). Then, in order:
//!
//! - `const`/`enum`: the first non-null value (present in every part's `enum`) that validates;
//! - `default`, if it is not null and validates;
//! - `oneOf`/`anyOf`: the alternatives in order, each joining the conjunction; the first whose
//!   value validates against the whole schema wins (for `oneOf`: matches exactly one). Each
//!   alternative is tried as built, then with required properties only, then as a second variant
//!   (the next enum value, 2.5 instead of 1, `string1`...), which separates overlapping ones;
//! - otherwise by `type` (inferred from the keywords when absent; `{}` gives `"string"`):
//!   - strings: the `format`'s value (date-time `2024-01-02T03:04:05Z`, uuid, email, uri, ipv4,
//!     `byte` as base64, `int64` as `"1"`...), else a shortest match of the `pattern` (ECMAScript
//!     translated to `regex` syntax and built from its parsed HIR: classes give a letter or digit,
//!     repetitions their minimum, alternations their first working branch, anchors and
//!     look-arounds nothing), else `"string"`; fitted to `minLength`/`maxLength` (repetitions
//!     grown, or padded/truncated) and kept only if every pattern still matches. A pattern that
//!     cannot be parsed is noted in any error, and only `validate` judges the fallback value;
//!   - numbers: 1 when allowed, else the allowed value nearest to it, honouring both styles of
//!     exclusive bounds, `multipleOf` (exactly, as ajv checks it) and the `int32`/`int64` ranges;
//!   - booleans `true`; arrays of `max(minItems, 2)` items, at most `maxItems`, distinct when
//!     `uniqueItems`;
//!   - objects: every required property that is not `readOnly` (not allowed in requests), plus
//!     the optional ones in objects nested less than [`OPTIONAL_DEPTH`] deep, dropped again if they
//!     make the object invalid; more (optional, then `additionalProp1`...) only when
//!     `minProperties` asks for them. A `discriminator` property gets the mapping key (or the
//!     component name) of the schema the object is built from;
//!   - `not`: the value, then a few variants and plain values of the allowed types, until one
//!     validates.
//!
//! `null` is only chosen when it is the only option. On re-entering a `$ref` that is already
//! being built, only required properties and `minItems` items are made; a `$ref` nested
//! [`MAX_REPEAT`] times in itself is an error (required, unbounded recursion), as are more than
//! [`MAX_DEPTH`] levels or [`STEP_BUDGET`] steps. Every synthesised value is validated against its
//! schema before it is returned: a value that is still invalid is an `Err` naming the pointer and
//! the violation, never returned silently.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use regex::Regex;
use regex_syntax::hir::{Class, Hir, HirKind};
use serde_json::{Map, Value};

use super::escape;
use super::validate::{validate, Direction, Violation};

/// Objects nested less deep than this get their optional properties (the root value is at 0).
pub const OPTIONAL_DEPTH: usize = 2;
/// A `$ref` nested this many times inside itself means required recursion without end.
pub const MAX_REPEAT: usize = 3;
/// Values nested deeper than this are an error.
pub const MAX_DEPTH: usize = 40;
/// Steps (schema parts flattened, values composed, validations run) allowed for one value.
pub const STEP_BUDGET: usize = 20_000;
/// `$ref` hops followed in one chain before giving up.
const MAX_REF_HOPS: usize = 64;
/// Parts one conjunction may have.
const MAX_PARTS: usize = 256;
/// Items one array may be asked for.
const MAX_ITEMS: u64 = 1_000;
/// Length (bytes) beyond which a string is not built.
const MAX_STRING: usize = 4_096;
/// Candidates examined when looking for a number.
const SEARCH: usize = 1_000;
/// The value of a string without `format` or `pattern`.
const PLAIN: &str = "string";
/// Class members preferred in strings built from patterns, best first.
const PREFERRED: &str =
    concat!("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.", " !\"#$%&'()*+,/:;<=>?@[\\]^`{|}~");

/// Where a chosen value came from.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// An `example` / `examples` of the parameter, media type or schema (JSON pointer to it).
    Example(String),
    /// Synthesised from the schema.
    Synthesised,
}

/// A chosen value.
#[derive(Debug, Clone, PartialEq)]
pub struct Chosen {
    /// The value.
    pub value: Value,
    /// Where it came from.
    pub source: Source,
    /// Examples that were passed over because they are not valid against their own schema:
    /// (JSON pointer of the example, first violation as `path: message`, the path `(root)` for
    /// the value itself). Spec defects, reported as such.
    pub rejected_examples: Vec<(String, String)>,
}

/// Value chooser over one spec document.
pub struct Values<'a> {
    /// The whole spec.
    doc: &'a Value,
    /// Patterns compiled so far, shared by every call and with [`Values::on_a_form`]'s chooser
    /// (a cache: looked up, never iterated).
    patterns: Arc<Mutex<HashMap<String, Compiled>>>,
    /// Which side of the exchange values are made for: requests leave `readOnly` properties
    /// out, responses `writeOnly` ones.
    direction: Direction,
    /// Requests get their `readOnly` properties too (see [`Values::with_read_only`]).
    send_read_only: bool,
    /// Values travel as `name=value` pairs (see [`Values::on_a_form`]): no empty objects.
    form: bool,
}

impl<'a> Values<'a> {
    /// Over `doc`, the whole spec as JSON.
    pub fn new(doc: &'a Value) -> Self {
        Values {
            doc,
            patterns: Arc::new(Mutex::new(HashMap::new())),
            direction: Direction::Request,
            send_read_only: false,
            form: false,
        }
    }

    /// The same chooser for values sent as `name=value` pairs (an `x-www-form-urlencoded` body,
    /// a query parameter): an empty object has no pair there (`deepObject` writes `a[b][c]=v`
    /// for each leaf, and the client refuses to send an empty one, whose property the server
    /// would read as absent), so an example holding one is passed over and a synthesised object
    /// gets at least one property when its schema allows one.
    pub fn on_a_form(&self) -> Self {
        Values {
            doc: self.doc,
            patterns: Arc::clone(&self.patterns),
            direction: self.direction,
            send_read_only: self.send_read_only,
            form: true,
        }
    }

    /// Over `doc`, making response values (`readOnly` properties in, `writeOnly` ones out).
    pub fn for_responses(doc: &'a Value) -> Self {
        Values { direction: Direction::Response, ..Values::new(doc) }
    }

    /// Over `doc`, making request values with their `readOnly` properties too (for a server
    /// that demands them).
    pub fn with_read_only(doc: &'a Value) -> Self {
        Values { send_read_only: true, ..Values::new(doc) }
    }

    /// A value for the Parameter Object at `pointer` (a `$ref` is followed).
    pub fn parameter(&self, pointer: &str) -> Result<Chosen, String> {
        let (at, param) = self.locate(pointer)?;
        let mut examples = Vec::new();
        let mut rejected = Vec::new();
        self.examples_of(&at, param, &mut examples, &mut rejected);
        let first_media = param.get("content").and_then(Value::as_object).and_then(|c| c.iter().next());
        let (schema_at, schema) = match first_media {
            Some((media_type, media)) if param.get("schema").is_none() => {
                let (media_at, media) = self.follow(format!("{at}/content/{}", escape(media_type)), media)?;
                self.examples_of(&media_at, media, &mut examples, &mut rejected);
                (format!("{media_at}/schema"), media.get("schema"))
            }
            _ => (format!("{at}/schema"), param.get("schema")),
        };
        let chosen = self.choose(&schema_at, schema, examples, rejected)?;
        match schema {
            Some(schema) if param.get("schema").is_some() => self.unambiguous_on_the_wire(schema, chosen),
            _ => Ok(chosen),
        }
    }

    /// A parameter travels as text, and a validating server reads the text back with type
    /// coercion: `1` is then both an integer and a string, so it matches both alternatives of
    /// `oneOf: [integer, string]` and is rejected. When the chosen value's text matches other
    /// than exactly one alternative, an alternative's example or synthesised value whose text
    /// matches exactly one is taken instead.
    fn unambiguous_on_the_wire(&self, schema: &'a Value, chosen: Chosen) -> Result<Chosen, String> {
        let Ok((_, resolved)) = self.follow("(parameter schema)".to_string(), schema) else { return Ok(chosen) };
        let Some(alternatives) = resolved.get("oneOf").and_then(Value::as_array) else { return Ok(chosen) };
        let matches = |value: &Value| -> Option<usize> {
            let text = match value {
                Value::String(t) => t.clone(),
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                _ => return None,
            };
            let mut readings = vec![Value::String(text.clone())];
            if let Ok(n) = serde_json::from_str::<serde_json::Number>(&text) {
                readings.push(Value::Number(n));
            }
            if text == "true" || text == "false" {
                readings.push(Value::Bool(text == "true"));
            }
            Some(
                alternatives
                    .iter()
                    .filter(|alt| readings.iter().any(|r| validate(self.doc, alt, r, self.direction).is_empty()))
                    .count(),
            )
        };
        if matches(&chosen.value).is_none_or(|n| n == 1) {
            return Ok(chosen);
        }
        for alt in alternatives {
            let target = match alt.get("$ref").and_then(Value::as_str) {
                Some(r) => resolve(self.doc, r).ok(),
                None => Some(alt),
            };
            let example = target.and_then(|t| t.get("example")).cloned();
            let synthesised = self.synthesise_schema(alt).ok();
            for candidate in example.into_iter().chain(synthesised) {
                if validate(self.doc, schema, &candidate, self.direction).is_empty() && matches(&candidate) == Some(1) {
                    return Ok(Chosen { value: candidate, source: Source::Synthesised, ..chosen });
                }
            }
        }
        Ok(chosen)
    }

    /// A value for the Media Type Object at `pointer` (a request body's `content/<type>`).
    pub fn media(&self, pointer: &str) -> Result<Chosen, String> {
        let (at, media) = self.locate(pointer)?;
        let mut examples = Vec::new();
        let mut rejected = Vec::new();
        self.examples_of(&at, media, &mut examples, &mut rejected);
        self.choose(&format!("{at}/schema"), media.get("schema"), examples, rejected)
    }

    /// A value synthesised from the Schema Object at `pointer`, ignoring examples.
    pub fn synthesise(&self, pointer: &str) -> Result<Value, String> {
        let (at, schema) = self.locate(pointer)?;
        self.synthesise_at(&at, schema, Some(&format!("#{at}")))
    }

    /// A value synthesised from `schema` (a Schema Object whose `$ref`s point into the
    /// document), ignoring examples; errors name it `(schema)`.
    pub fn synthesise_schema(&self, schema: &Value) -> Result<Value, String> {
        self.synthesise_at("(schema)", schema, None)
    }

    /// The first valid example (after `examples`, the schema's own), else a synthesised value.
    fn choose(
        &self,
        schema_at: &str,
        schema: Option<&'a Value>,
        mut examples: Vec<(String, &'a Value)>,
        mut rejected: Vec<(String, String)>,
    ) -> Result<Chosen, String> {
        if let Some(schema) = schema {
            let (canonical, resolved) = self.follow(schema_at.to_string(), schema)?;
            if let Some(example) = resolved.get("example").filter(|e| !e.is_null()) {
                examples.push((format!("{canonical}/example"), example));
            }
        }
        for (at, example) in examples {
            if self.form && holds_empty_object(example) {
                continue;
            }
            let first = schema.and_then(|s| validate(self.doc, s, example, self.direction).into_iter().next());
            match first {
                None => {
                    let source = Source::Example(at);
                    return Ok(Chosen { value: example.clone(), source, rejected_examples: rejected });
                }
                Some(violation) => rejected.push((at, describe(&violation))),
            }
        }
        let any = Value::Object(Map::new());
        let synthesised = match schema {
            Some(schema) => self.synthesise_at(schema_at, schema, None),
            None => self.synthesise_at(schema_at, &any, None),
        };
        match synthesised {
            Ok(value) => Ok(Chosen { value, source: Source::Synthesised, rejected_examples: rejected }),
            Err(e) if rejected.is_empty() => Err(e),
            Err(e) => {
                let list: Vec<String> = rejected.iter().map(|(at, why)| format!("`{at}`: {why}")).collect();
                Err(format!("{e}; examples rejected: {}", list.join("; ")))
            }
        }
    }

    /// Collects the `example` and `examples` of a parameter or media type at `at`; entries whose
    /// `$ref` does not resolve are rejected.
    fn examples_of(
        &self,
        at: &str,
        object: &'a Value,
        examples: &mut Vec<(String, &'a Value)>,
        rejected: &mut Vec<(String, String)>,
    ) {
        if let Some(example) = object.get("example").filter(|e| !e.is_null()) {
            examples.push((format!("{at}/example"), example));
        }
        let Some(entries) = object.get("examples").and_then(Value::as_object) else { return };
        for (name, entry) in entries {
            let entry_at = format!("{at}/examples/{}", escape(name));
            match self.follow(entry_at.clone(), entry) {
                Ok((entry_at, entry)) => {
                    if let Some(value) = entry.get("value").filter(|v| !v.is_null()) {
                        examples.push((format!("{entry_at}/value"), value));
                    }
                }
                Err(e) => rejected.push((entry_at, e)),
            }
        }
    }

    /// Synthesises from `schema` (written at `origin`, a `$ref`, if known) and validates the
    /// result; errors name `label`.
    fn synthesise_at(&self, label: &str, schema: &Value, origin: Option<&str>) -> Result<Value, String> {
        let mut synth = Synth::new(self.doc, &self.patterns, origin, self.direction, self.send_read_only);
        synth.form = self.form;
        let result = synth.root(schema);
        let notes = synth.notes();
        let value = result.map_err(|e| format!("cannot synthesise a value for `{label}`: {e}{notes}"))?;
        if let Some(violation) = validate(self.doc, schema, &value, self.direction).first() {
            return Err(format!(
                "the value synthesised for `{label}` is invalid: {} (value: {}){notes}",
                describe(violation),
                short(&value)
            ));
        }
        Ok(value)
    }

    /// The value at `pointer`, following `$ref`s met on the way and at the end, with the pointer
    /// where it is really written.
    fn locate(&self, pointer: &str) -> Result<(String, &'a Value), String> {
        if !pointer.is_empty() && !pointer.starts_with('/') {
            return Err(format!("`{pointer}` is not a JSON pointer"));
        }
        let mut at = String::new();
        let mut node = self.doc;
        for token in pointer.split('/').skip(1) {
            (at, node) = self.follow(at, node)?;
            let key = unescape(token);
            let next = match node {
                Value::Object(map) => map.get(&key),
                Value::Array(list) => key.parse::<usize>().ok().and_then(|i| list.get(i)),
                _ => None,
            };
            node = next.ok_or_else(|| format!("`{pointer}` does not resolve (no `{key}` in `{at}`)"))?;
            at = format!("{at}/{token}");
        }
        self.follow(at, node)
    }

    /// Follows `node`'s `$ref` chain, if any.
    fn follow(&self, at: String, node: &'a Value) -> Result<(String, &'a Value), String> {
        let (mut at, mut node) = (at, node);
        for _ in 0..MAX_REF_HOPS {
            let Some(reference) = node.get("$ref").and_then(Value::as_str) else { return Ok((at, node)) };
            node = resolve(self.doc, reference).map_err(|e| format!("`{at}`: {e}"))?;
            at = ref_pointer(reference)?;
        }
        Err(format!("`{at}`: $ref chain too long or circular"))
    }
}

/// A pattern parsed (to build strings from) and compiled (to check them with), or why not.
type Compiled = Result<Arc<(Hir, Regex)>, String>;

/// One synthesis: the document, the step budget, compiled patterns and notes for errors.
struct Synth<'s> {
    /// The whole spec.
    doc: &'s Value,
    /// Steps taken so far (see [`STEP_BUDGET`]).
    steps: Cell<usize>,
    /// Patterns compiled so far (see [`Values`]).
    patterns: &'s Mutex<HashMap<String, Compiled>>,
    /// Remarks added to any error (patterns that could not be parsed).
    notes: RefCell<Vec<String>>,
    /// The `$ref` spelling of where the schema synthesised is written (`#/components/...`), when
    /// known: recursion into it is recursion, and a component's name can be a discriminator value.
    origin: Option<&'s str>,
    /// Which side of the exchange the value is for (see [`Values`]).
    direction: Direction,
    /// Requests get their `readOnly` properties too.
    send_read_only: bool,
    /// No empty objects (see [`Values::on_a_form`]).
    form: bool,
}

/// A conjunction of schemas, `$ref`s followed and `allOf`s flattened.
#[derive(Clone, Default)]
struct Node<'s> {
    /// The schemas the value must satisfy (what it is validated against).
    roots: Vec<&'s Value>,
    /// Every schema that applies: roots, `allOf` branches, chosen alternatives; no `$ref`s.
    parts: Vec<&'s Value>,
    /// `$ref`s followed to build the parts.
    refs: Vec<&'s str>,
    /// The `$ref` the value is an instance of (for a discriminator), if it came through one.
    ident: Option<&'s str>,
    /// `oneOf`/`anyOf` lists already decided (compared by address).
    consumed: Vec<&'s Value>,
}

/// Where in the value synthesis is.
#[derive(Clone)]
struct Ctx<'s> {
    /// `$ref`s being built, outermost first.
    stack: Vec<&'s str>,
    /// Nesting depth of the value.
    depth: usize,
    /// Whether objects here get optional properties.
    optional: bool,
    /// Inside a recursion: arrays get only `minItems` items.
    recursive: bool,
    /// Which variant of the value to make (0 the preferred one; others differ, for uniqueness).
    variant: usize,
    /// JSON path of the value, as `validate` writes them.
    path: String,
}

impl<'s> Ctx<'s> {
    /// The root value.
    fn root() -> Self {
        Ctx { stack: Vec::new(), depth: 0, optional: true, recursive: false, variant: 0, path: String::new() }
    }

    /// The value of property `name`.
    fn field(&self, name: &str, variant: usize) -> Self {
        let simple = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        let path = match (simple, self.path.is_empty()) {
            (true, true) => name.to_string(),
            (true, false) => format!("{}.{name}", self.path),
            (false, _) => format!("{}[{name:?}]", self.path),
        };
        self.child(path, variant)
    }

    /// The value of item `index`.
    fn item(&self, index: u64, variant: usize) -> Self {
        self.child(format!("{}[{index}]", self.path), variant)
    }

    /// A nested value at `path`.
    fn child(&self, path: String, variant: usize) -> Self {
        let depth = self.depth + 1;
        let optional = depth < OPTIONAL_DEPTH && !self.recursive;
        Ctx { stack: self.stack.clone(), depth, optional, recursive: self.recursive, variant, path }
    }

    /// The path for messages.
    fn at(&self) -> &str {
        if self.path.is_empty() {
            "(root)"
        } else {
            &self.path
        }
    }
}

impl<'s> Node<'s> {
    /// The values of `key` in every part, in order.
    fn keyword<'n>(&'n self, key: &'n str) -> impl Iterator<Item = &'s Value> + 'n {
        self.parts.iter().filter_map(move |p| p.get(key))
    }

    /// Whether some part sets `key` to `true`.
    fn flag(&self, key: &str) -> bool {
        self.keyword(key).any(|v| v.as_bool() == Some(true))
    }

    /// The largest `key` over the parts (lower bounds: `minLength`...).
    fn largest(&self, key: &str) -> Option<u64> {
        self.keyword(key).filter_map(as_count).max()
    }

    /// The smallest `key` over the parts (upper bounds: `maxLength`...).
    fn smallest(&self, key: &str) -> Option<u64> {
        self.keyword(key).filter_map(as_count).min()
    }

    /// Whether some part has `key`.
    fn has(&self, key: &str) -> bool {
        self.keyword(key).next().is_some()
    }
}

impl<'s> Synth<'s> {
    /// A synthesis over `doc`.
    fn new(
        doc: &'s Value,
        patterns: &'s Mutex<HashMap<String, Compiled>>,
        origin: Option<&'s str>,
        direction: Direction,
        send_read_only: bool,
    ) -> Self {
        Synth {
            doc,
            steps: Cell::new(0),
            patterns,
            notes: RefCell::new(Vec::new()),
            origin,
            direction,
            send_read_only,
            form: false,
        }
    }

    /// The flag of properties left out on this side of the exchange, if any.
    fn left_out(&self) -> Option<&'static str> {
        match self.direction {
            Direction::Request if self.send_read_only => None,
            Direction::Request => Some("readOnly"),
            Direction::Response => Some("writeOnly"),
        }
    }

    /// A value for the schema being synthesised, with its origin entered and, for a component
    /// schema, naming the value.
    fn root(&self, schema: &'s Value) -> Result<Value, String> {
        let mut node = self.build(vec![schema])?;
        let component = self.origin.filter(|o| o.starts_with("#/components/schemas/"));
        node.ident = node.ident.or(component);
        let mut ctx = Ctx::root();
        ctx.stack.extend(self.origin);
        self.value_of(&node, &ctx)
    }

    /// The notes, as a suffix for an error message.
    fn notes(&self) -> String {
        let notes = self.notes.borrow();
        if notes.is_empty() {
            String::new()
        } else {
            format!(" ({})", notes.join("; "))
        }
    }

    /// Adds a note (once).
    fn note(&self, note: String) {
        let mut notes = self.notes.borrow_mut();
        if !notes.contains(&note) {
            notes.push(note);
        }
    }

    /// Counts a step; an error once the budget is spent.
    fn tick(&self) -> Result<(), String> {
        let steps = self.steps.get() + 1;
        self.steps.set(steps);
        if steps > STEP_BUDGET {
            return Err(format!("gave up after {STEP_BUDGET} steps (schema too large or too recursive)"));
        }
        Ok(())
    }

    /// The violations of `value` against the node's roots (those of the first failing root).
    fn violations(&self, node: &Node<'s>, value: &Value) -> Result<Vec<Violation>, String> {
        self.tick()?;
        for root in &node.roots {
            let violations = validate(self.doc, root, value, self.direction);
            if !violations.is_empty() {
                return Ok(violations);
            }
        }
        Ok(Vec::new())
    }

    /// The first violation of `value` against the node, if any.
    fn check(&self, node: &Node<'s>, value: &Value) -> Result<Option<Violation>, String> {
        Ok(self.violations(node, value)?.into_iter().next())
    }

    /// The conjunction of `roots`.
    fn build(&self, roots: Vec<&'s Value>) -> Result<Node<'s>, String> {
        let mut node = Node { roots: roots.clone(), ..Node::default() };
        for (i, root) in roots.into_iter().enumerate() {
            self.flatten(root, &mut node, i == 0)?;
        }
        Ok(node)
    }

    /// Adds `schema` (its `$ref` target) and its `allOf` branches to the node's parts. `top`: the
    /// schema is the node's first root, whose `$ref` names the value (`ident`).
    fn flatten(&self, schema: &'s Value, node: &mut Node<'s>, top: bool) -> Result<(), String> {
        self.tick()?;
        let mut schema = schema;
        let mut hops = 0;
        while let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            if node.refs.contains(&reference) {
                return Ok(());
            }
            if top && hops == 0 && node.ident.is_none() {
                node.ident = Some(reference);
            }
            node.refs.push(reference);
            schema = resolve(self.doc, reference)?;
            hops += 1;
            if hops > MAX_REF_HOPS {
                return Err(format!("$ref chain through `{reference}` too long"));
            }
        }
        match schema {
            Value::Object(_) | Value::Bool(true) => {}
            Value::Bool(false) => return Err("the schema `false` admits no value".to_string()),
            other => return Err(format!("not a schema: {}", short(other))),
        }
        if node.parts.len() >= MAX_PARTS {
            return Err(format!("more than {MAX_PARTS} `allOf` parts"));
        }
        node.parts.push(schema);
        if let Some(branches) = schema.get("allOf").and_then(Value::as_array) {
            for branch in branches {
                self.flatten(branch, node, false)?;
            }
        }
        Ok(())
    }

    /// A value for `node`, entering its `$ref`s.
    fn value_of(&self, node: &Node<'s>, ctx: &Ctx<'s>) -> Result<Value, String> {
        let ctx = self.enter(&node.refs, ctx)?;
        self.compose(node, &ctx)
    }

    /// `ctx` with `refs` entered: recursive (minimal values) when one is already being built, an
    /// error when one is [`MAX_REPEAT`] deep in itself or the value too deep.
    fn enter(&self, refs: &[&'s str], ctx: &Ctx<'s>) -> Result<Ctx<'s>, String> {
        if ctx.depth > MAX_DEPTH {
            return Err(format!("at `{}`: nested more than {MAX_DEPTH} levels", ctx.at()));
        }
        let mut ctx = ctx.clone();
        for reference in refs {
            let open = ctx.stack.iter().filter(|r| *r == reference).count();
            if open >= MAX_REPEAT {
                return Err(format!(
                    "at `{}`: `{reference}` requires itself without end (recursion through required \
                     properties, minItems or single alternatives)",
                    ctx.at()
                ));
            }
            if open > 0 {
                ctx.recursive = true;
                ctx.optional = false;
            }
        }
        ctx.stack.extend_from_slice(refs);
        Ok(ctx)
    }

    /// A value for `node`: enum, default, a composition's alternative, else by type.
    fn compose(&self, node: &Node<'s>, ctx: &Ctx<'s>) -> Result<Value, String> {
        self.tick()?;
        if let Some(candidates) = enum_values(node) {
            return self.pick_enum(node, ctx, &candidates);
        }
        if ctx.variant == 0 {
            if let Some(default) = node.keyword("default").find(|d| !d.is_null()) {
                if self.check(node, default)?.is_none() {
                    return Ok(default.clone());
                }
            }
        }
        if let Some((keyword, list)) = open_choice(node) {
            return self.alternative(node, ctx, keyword, list);
        }
        self.typed(node, ctx)
    }

    /// The first valid non-null enum value (from the `variant`-th on), else null if allowed.
    fn pick_enum(&self, node: &Node<'s>, ctx: &Ctx<'s>, candidates: &[&'s Value]) -> Result<Value, String> {
        let non_null: Vec<&Value> = candidates.iter().copied().filter(|v| !v.is_null()).collect();
        let count = non_null.len();
        let mut first = None;
        for value in non_null.iter().cycle().skip(ctx.variant % count.max(1)).take(count) {
            match self.check(node, value)? {
                None => return Ok((*value).clone()),
                Some(violation) => {
                    first.get_or_insert(violation);
                }
            }
        }
        if candidates.iter().any(|v| v.is_null()) && self.check(node, &Value::Null)?.is_none() {
            return Ok(Value::Null);
        }
        Err(match first {
            Some(violation) => {
                format!("at `{}`: no value of the `enum` is valid ({})", ctx.at(), describe(&violation))
            }
            None => format!("at `{}`: the `enum`s have no value in common", ctx.at()),
        })
    }

    /// The first alternative of `list` (a `oneOf`/`anyOf`) whose value validates against the
    /// whole node; null only when nothing else does.
    fn alternative(&self, node: &Node<'s>, ctx: &Ctx<'s>, keyword: &str, list: &'s Value) -> Result<Value, String> {
        let alternatives = list.as_array().map(Vec::as_slice).unwrap_or_default();
        let mut failure = None;
        let mut null = false;
        // Examples first: an alternative's own `example` (through its `$ref`) that is valid
        // against the whole node. Alternatives that overlap (a 32-character identifier and a
        // 36-character UUID, both strings) often have no synthesised value that matches exactly
        // one of them, while their examples do.
        for alternative in alternatives {
            let target = match alternative.get("$ref").and_then(Value::as_str) {
                Some(r) => resolve(self.doc, r).ok(),
                None => Some(alternative),
            };
            if let Some(example) = target.and_then(|t| t.get("example")) {
                if self.check(node, example)?.is_none() {
                    return Ok(example.clone());
                }
            }
        }
        for (i, alternative) in alternatives.iter().enumerate() {
            let mut chosen = node.clone();
            chosen.consumed.push(list);
            chosen.ident = alternative.get("$ref").and_then(Value::as_str);
            let before = chosen.refs.len();
            let entered = self
                .flatten(alternative, &mut chosen, false)
                .and_then(|()| self.enter(chosen.refs.get(before..).unwrap_or_default(), ctx));
            let ctx = match entered {
                Ok(ctx) => ctx,
                Err(e) => {
                    failure.get_or_insert(format!("{keyword}[{i}]: {e}"));
                    continue;
                }
            };
            for attempt in attempts(&ctx) {
                match self.compose(&chosen, &attempt) {
                    Err(e) => {
                        failure.get_or_insert(format!("{keyword}[{i}]: {e}"));
                    }
                    Ok(Value::Null) => null = true,
                    Ok(value) => match self.check(node, &value)? {
                        None => return Ok(value),
                        Some(violation) => {
                            failure.get_or_insert(format!("{keyword}[{i}] gives {}", describe(&violation)));
                        }
                    },
                }
            }
        }
        if null && self.check(node, &Value::Null)?.is_none() {
            return Ok(Value::Null);
        }
        let failure = failure.unwrap_or_else(|| "it has no alternatives".to_string());
        Err(format!("at `{}`: no alternative of `{keyword}` gives a valid value (first: {failure})", ctx.at()))
    }

    /// A value by `type`: each allowed type in turn (checked when there is a choice or a `not`).
    fn typed(&self, node: &Node<'s>, ctx: &Ctx<'s>) -> Result<Value, String> {
        let types = types(node).map_err(|e| format!("at `{}`: {e}", ctx.at()))?;
        let negated = node.has("not");
        let mut failure = None;
        for ty in &types {
            let value = match self.of_type(ty, node, ctx) {
                Ok(value) => value,
                Err(e) => {
                    failure.get_or_insert(e);
                    continue;
                }
            };
            if types.len() == 1 && !negated {
                return Ok(value);
            }
            match self.check(node, &value)? {
                None => return Ok(value),
                Some(violation) => {
                    failure.get_or_insert(format!("at `{}`: {}", ctx.at(), describe(&violation)));
                }
            }
        }
        if negated {
            if let Some(value) = self.despite_not(node, ctx, &types)? {
                return Ok(value);
            }
        }
        Err(failure.unwrap_or_else(|| format!("at `{}`: no type to build", ctx.at())))
    }

    /// For a node with `not`: variants of the first type, then plain values of the allowed types,
    /// the first that validates.
    fn despite_not(&self, node: &Node<'s>, ctx: &Ctx<'s>, types: &[&str]) -> Result<Option<Value>, String> {
        let mut candidates = Vec::new();
        if let Some(ty) = types.first() {
            for k in 1..=3 {
                let variant = Ctx { variant: ctx.variant + k, ..ctx.clone() };
                if let Ok(value) = self.of_type(ty, node, &variant) {
                    candidates.push(value);
                }
            }
        }
        let plain = ["string", "a", "", "1", "0", "-1", "2.5", "true", "false", "{}", "[]"];
        candidates.extend(
            plain.iter().filter_map(|text| serde_json::from_str::<Value>(text).ok()).filter(|v| admits(types, v)),
        );
        for value in candidates {
            if self.check(node, &value)?.is_none() {
                return Ok(Some(value));
            }
        }
        Ok(None)
    }

    /// A value of JSON type `ty`.
    fn of_type(&self, ty: &str, node: &Node<'s>, ctx: &Ctx<'s>) -> Result<Value, String> {
        match ty {
            "string" => self.string(node, ctx).map(Value::String),
            "integer" => integer(node, ctx),
            "number" => number(node, ctx),
            "boolean" => Ok(Value::Bool(ctx.variant.is_multiple_of(2))),
            "array" => self.array(node, ctx),
            "object" => self.object(node, ctx),
            _ => Ok(Value::Null),
        }
    }

    /// A string: from the format, else the patterns, else plain; fitted to the length bounds.
    fn string(&self, node: &Node<'s>, ctx: &Ctx<'s>) -> Result<String, String> {
        let min = usize::try_from(node.largest("minLength").unwrap_or(0)).unwrap_or(usize::MAX);
        let max = node.smallest("maxLength").map(|m| usize::try_from(m).unwrap_or(usize::MAX));
        if min > MAX_STRING {
            return Err(format!("at `{}`: minLength {min} is too long to build", ctx.at()));
        }
        let format = node.keyword("format").find_map(Value::as_str);
        let mut checks = Vec::new();
        let mut candidates = format.map(|f| format_candidates(f, ctx.variant, min)).unwrap_or_default();
        for pattern in node.keyword("pattern").filter_map(Value::as_str) {
            match self.compile(pattern) {
                Ok(compiled) => {
                    candidates.extend(pattern_candidates(&compiled.0, ctx.variant, min, max));
                    checks.push(compiled);
                }
                Err(e) => {
                    self.note(format!("pattern `{pattern}` could not be parsed ({e}); only validation checks it"))
                }
            }
        }
        if candidates.is_empty() {
            candidates.push(plain_string(ctx.variant, min, max));
        }
        let fits = |s: &String| {
            let len = s.chars().count();
            len >= min && max.is_none_or(|max| len <= max) && checks.iter().all(|c| c.1.is_match(s))
        };
        candidates.into_iter().find(fits).ok_or_else(|| {
            let patterns: Vec<&str> = node.keyword("pattern").filter_map(Value::as_str).collect();
            let max = max.map_or_else(String::new, |m| m.to_string());
            format!(
                "at `{}`: no string found for format {:?}, patterns {patterns:?}, length {min}..{max}",
                ctx.at(),
                format.unwrap_or("(none)")
            )
        })
    }

    /// `pattern` translated from ECMAScript, parsed (to build from) and compiled (to check with).
    fn compile(&self, pattern: &str) -> Compiled {
        let cache = || self.patterns.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(done) = cache().get(pattern) {
            return done.clone();
        }
        let compiled = translate(pattern).and_then(|rust| {
            let hir = regex_syntax::Parser::new().parse(&rust).map_err(|e| first_line(&e.to_string()))?;
            let regex = Regex::new(&rust).map_err(|e| first_line(&e.to_string()))?;
            Ok(Arc::new((hir, regex)))
        });
        cache().insert(pattern.to_string(), compiled.clone());
        compiled
    }

    /// An array of `max(minItems, 2)` items (`minItems` in a recursion), at most `maxItems`,
    /// distinct when `uniqueItems`. Two, not one: a one-item list in a query or form body is
    /// the same text as a single value, so neither a server nor this check could tell a list
    /// was sent.
    fn array(&self, node: &Node<'s>, ctx: &Ctx<'s>) -> Result<Value, String> {
        let min = node.largest("minItems").unwrap_or(0);
        let unique = node.flag("uniqueItems");
        let mut count = if ctx.recursive { min } else { min.max(2) };
        if let Some(max) = node.smallest("maxItems") {
            count = count.min(max);
        }
        if count > MAX_ITEMS {
            return Err(format!("at `{}`: {count} items are too many to build", ctx.at()));
        }
        let mut items: Vec<Value> = Vec::new();
        for index in 0..count {
            let roots = node.parts.iter().filter_map(|p| item_schema(p, index)).collect();
            let item = self.build(roots).map_err(|e| format!("at `{}[{index}]`: {e}", ctx.path))?;
            let position = usize::try_from(index).unwrap_or(usize::MAX);
            let spread = usize::try_from(count).unwrap_or(usize::MAX);
            let mut made = None;
            for attempt in 0..3 {
                let variant = match (unique, index) {
                    (true, _) => ctx.variant + position + attempt * spread,
                    (false, 0) => ctx.variant,
                    (false, _) => 0,
                };
                let value = self.value_of(&item, &ctx.item(index, variant))?;
                if !unique || !items.contains(&value) {
                    made = Some(value);
                    break;
                }
            }
            let value = made.ok_or_else(|| format!("at `{}`: cannot make {count} distinct items", ctx.at()))?;
            items.push(value);
        }
        Ok(Value::Array(items))
    }

    /// An object: required properties, optional ones near the top, more for `minProperties`,
    /// the discriminator set; optional properties that break it dropped.
    fn object(&self, node: &Node<'s>, ctx: &Ctx<'s>) -> Result<Value, String> {
        let properties = properties(node);
        let required = required(node);
        let additional = additional_properties(node);
        let mut object = Map::new();
        let mut optional: Vec<&str> = Vec::new();
        // The variant goes to the first property made, unless the discriminator overwrites it.
        let tag = node.ident.and_then(|_| discriminator(node)).map(|(_, name)| name);
        let mut variant = Some(ctx.variant);
        let mut variant_for = |name: &str| if tag == Some(name) { 0 } else { variant.take().unwrap_or(0) };
        for name in &required {
            let schemas = property_schemas(&properties, additional, name);
            let property = self.build(schemas).map_err(|e| format!("at `{}`: {e}", ctx.field(name, 0).at()))?;
            if self.left_out().is_some_and(|flag| property.flag(flag)) {
                continue;
            }
            let value = self.value_of(&property, &ctx.field(name, variant_for(name)))?;
            object.insert((*name).to_string(), value);
        }
        if ctx.optional {
            for (name, schemas) in &properties {
                if !object.contains_key(*name)
                    && !required.contains(name)
                    && self.add_optional(&mut object, name, schemas, &ctx.field(name, variant_for(name)))
                {
                    optional.push(name);
                }
            }
        }
        self.discriminate(node, &properties, &mut object);
        self.fill(node, ctx, &properties, &required, additional, &mut object, &mut optional)?;
        if self.form && object.is_empty() {
            // An empty object has no `name=value` pair: the first optional property that can be
            // made (a later one when pruning drops it is not tried: the object then stays empty).
            for (name, schemas) in &properties {
                if self.add_optional(&mut object, name, schemas, &ctx.field(name, 0)) {
                    optional.push(name);
                    break;
                }
            }
            // A map (`additionalProperties` only): one entry, as `minProperties` would get.
            if object.is_empty() && additional.and_then(Value::as_bool) != Some(false) {
                let extra = self.build(additional.filter(|a| a.is_object()).into_iter().collect())?;
                if let Ok(value) = self.value_of(&extra, &ctx.field("additionalProp1", 0)) {
                    object.insert("additionalProp1".to_string(), value);
                    optional.push("additionalProp1");
                }
            }
        }
        if let Some(max) = node.smallest("maxProperties") {
            while object.len() as u64 > max {
                let Some(name) = optional.pop() else { break };
                object.shift_remove(name);
            }
        }
        self.prune(node, object, &optional)
    }

    /// Adds optional property `name` if it is not read-only and a value can be made.
    fn add_optional(&self, object: &mut Map<String, Value>, name: &str, schemas: &[&'s Value], ctx: &Ctx<'s>) -> bool {
        let Ok(property) = self.build(schemas.to_vec()) else { return false };
        if self.left_out().is_some_and(|flag| property.flag(flag)) {
            return false;
        }
        match self.value_of(&property, ctx) {
            Ok(value) => {
                object.insert(name.to_string(), value);
                true
            }
            Err(_) => false,
        }
    }

    /// Meets `minProperties`: the remaining optional properties, then `additionalProp1`...
    #[allow(clippy::too_many_arguments)]
    fn fill(
        &self,
        node: &Node<'s>,
        ctx: &Ctx<'s>,
        properties: &[(&'s str, Vec<&'s Value>)],
        required: &[&'s str],
        additional: Option<&'s Value>,
        object: &mut Map<String, Value>,
        optional: &mut Vec<&'s str>,
    ) -> Result<(), String> {
        let Some(min) = node.largest("minProperties") else { return Ok(()) };
        for (name, schemas) in properties {
            if object.len() as u64 >= min {
                return Ok(());
            }
            if !object.contains_key(*name)
                && !required.contains(name)
                && self.add_optional(object, name, schemas, &ctx.field(name, 0))
            {
                optional.push(name);
            }
        }
        if additional.and_then(Value::as_bool) == Some(false) {
            return Ok(());
        }
        let extra: Vec<&Value> = additional.filter(|a| a.is_object()).into_iter().collect();
        let extra = self.build(extra)?;
        let mut n = 1;
        while (object.len() as u64) < min && n <= MAX_ITEMS {
            let name = format!("additionalProp{n}");
            if !object.contains_key(&name) {
                let value = self.value_of(&extra, &ctx.field(&name, 0))?;
                object.insert(name, value);
            }
            n += 1;
        }
        Ok(())
    }

    /// Sets the discriminator property of the first part that has one to the mapping key (or the
    /// component name) of the `$ref` the object is built from, unless its schema fixes the value.
    fn discriminate(&self, node: &Node<'s>, properties: &[(&'s str, Vec<&'s Value>)], object: &mut Map<String, Value>) {
        let Some(ident) = node.ident else { return };
        let Some((discriminator, name)) = discriminator(node) else { return };
        let schemas = property_schemas(properties, None, name);
        if self.build(schemas).is_ok_and(|p| enum_values(&p).is_some()) {
            return;
        }
        object.insert(name.to_string(), Value::String(discriminator_value(discriminator, ident)));
    }

    /// `object`, without the optional properties that make it invalid (those the violations
    /// point into, else all of them).
    fn prune(&self, node: &Node<'s>, mut object: Map<String, Value>, optional: &[&str]) -> Result<Value, String> {
        if optional.is_empty() {
            return Ok(Value::Object(object));
        }
        let mut value = Value::Object(object.clone());
        let violations = self.violations(node, &value)?;
        if violations.is_empty() {
            return Ok(value);
        }
        let blamed: Vec<&str> = optional
            .iter()
            .copied()
            .filter(|name| violations.iter().any(|v| first_segment(&v.path).as_deref() == Some(*name)))
            .collect();
        if !blamed.is_empty() {
            object.retain(|k, _| !blamed.contains(&k.as_str()));
            value = Value::Object(object.clone());
            if self.violations(node, &value)?.is_empty() {
                return Ok(value);
            }
        }
        object.retain(|k, _| !optional.contains(&k.as_str()));
        Ok(Value::Object(object))
    }
}

/// Whether `value` is or holds an empty object.
fn holds_empty_object(value: &Value) -> bool {
    match value {
        Value::Object(map) => map.is_empty() || map.values().any(holds_empty_object),
        Value::Array(items) => items.iter().any(holds_empty_object),
        _ => false,
    }
}

/// The first `discriminator` of the node and its property name.
fn discriminator<'s>(node: &Node<'s>) -> Option<(&'s Value, &'s str)> {
    let discriminator = node.keyword("discriminator").next()?;
    Some((discriminator, discriminator.get("propertyName")?.as_str()?))
}

/// The ways an alternative is tried: as is, with required properties only, as another variant,
/// with optional properties at any depth.
fn attempts<'s>(ctx: &Ctx<'s>) -> [Ctx<'s>; 4] {
    [
        ctx.clone(),
        Ctx { optional: false, ..ctx.clone() },
        Ctx { variant: ctx.variant + 1, ..ctx.clone() },
        // Deep in a value, optional properties are left out; alternatives that differ only in an
        // optional property (a rule's `action`) are told apart by putting them back.
        Ctx { optional: !ctx.recursive, depth: 0, ..ctx.clone() },
    ]
}

/// The values allowed by every `const`/`enum` of the node, in the first one's order; `None`
/// when there is none.
fn enum_values<'s>(node: &Node<'s>) -> Option<Vec<&'s Value>> {
    let mut lists = node.parts.iter().filter_map(|p| {
        p.get("const").map(std::slice::from_ref).or_else(|| p.get("enum").and_then(Value::as_array).map(Vec::as_slice))
    });
    let first = lists.next()?;
    let rest: Vec<&[Value]> = lists.collect();
    Some(first.iter().filter(|v| rest.iter().all(|list| list.contains(v))).collect())
}

/// The first `oneOf`/`anyOf` of the node not decided yet.
fn open_choice<'s>(node: &Node<'s>) -> Option<(&'static str, &'s Value)> {
    for part in &node.parts {
        for keyword in ["oneOf", "anyOf"] {
            if let Some(list) = part.get(keyword).filter(|l| l.is_array()) {
                if !node.consumed.iter().any(|c| std::ptr::eq(*c, list)) {
                    return Some((keyword, list));
                }
            }
        }
    }
    None
}

/// The JSON types the node allows, in preference order (`null` last): the intersection of the
/// parts' `type`s (`nullable` adds null), else one inferred from the keywords.
fn types(node: &Node<'_>) -> Result<Vec<&'static str>, String> {
    let mut allowed: Option<Vec<&'static str>> = None;
    for part in &node.parts {
        let mut declared: Vec<&'static str> = match part.get("type") {
            Some(Value::String(ty)) => canonical_type(ty).into_iter().collect(),
            Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).filter_map(canonical_type).collect(),
            _ => continue,
        };
        if part.get("nullable").and_then(Value::as_bool) == Some(true) {
            declared.push("null");
        }
        allowed = Some(match allowed {
            None => declared,
            Some(before) => before
                .into_iter()
                .filter_map(|ty| match ty {
                    _ if declared.contains(&ty) => Some(ty),
                    "number" if declared.contains(&"integer") => Some("integer"),
                    "integer" if declared.contains(&"number") => Some("integer"),
                    _ => None,
                })
                .collect(),
        });
    }
    let mut types = allowed.unwrap_or_else(|| vec![inferred_type(node)]);
    if types.is_empty() {
        return Err("the `type`s of the schema's parts have nothing in common".to_string());
    }
    types.dedup();
    types.sort_by_key(|ty| *ty == "null");
    Ok(types)
}

/// The JSON type named `ty`, as a static string.
fn canonical_type(ty: &str) -> Option<&'static str> {
    ["string", "object", "integer", "number", "boolean", "array", "null"].into_iter().find(|known| *known == ty)
}

/// The type an untyped node's keywords suggest; `string` for `{}`.
fn inferred_type(node: &Node<'_>) -> &'static str {
    let any = |keys: &[&str]| keys.iter().any(|k| node.has(k));
    if any(&["properties", "required", "additionalProperties", "minProperties", "maxProperties", "discriminator"]) {
        "object"
    } else if any(&["items", "minItems", "maxItems", "uniqueItems"]) {
        "array"
    } else if any(&["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"]) {
        "number"
    } else {
        "string"
    }
}

/// Whether `value` is of one of `types`.
fn admits(types: &[&str], value: &Value) -> bool {
    types.iter().any(|ty| match *ty {
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => value.is_null(),
    })
}

/// The properties over the parts, in order of first appearance, with every schema given for each.
fn properties<'s>(node: &Node<'s>) -> Vec<(&'s str, Vec<&'s Value>)> {
    let mut out: Vec<(&'s str, Vec<&'s Value>)> = Vec::new();
    for map in node.keyword("properties").filter_map(Value::as_object) {
        for (name, schema) in map {
            match out.iter_mut().find(|(n, _)| *n == name.as_str()) {
                Some((_, schemas)) => schemas.push(schema),
                None => out.push((name.as_str(), vec![schema])),
            }
        }
    }
    out
}

/// The union of the parts' `required`, in order.
fn required<'s>(node: &Node<'s>) -> Vec<&'s str> {
    let mut out = Vec::new();
    for name in node.keyword("required").filter_map(Value::as_array).flatten().filter_map(Value::as_str) {
        if !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

/// `additionalProperties`: `false` if some part says so, else the first schema given.
fn additional_properties<'s>(node: &Node<'s>) -> Option<&'s Value> {
    let mut all = node.keyword("additionalProperties");
    let first = all.next()?;
    if first.as_bool() == Some(false) {
        return Some(first);
    }
    all.find(|a| a.as_bool() == Some(false)).or(Some(first))
}

/// The schemas of property `name`: its `properties` entries, else an `additionalProperties`
/// schema, else none (any value).
fn property_schemas<'s>(
    properties: &[(&'s str, Vec<&'s Value>)],
    additional: Option<&'s Value>,
    name: &str,
) -> Vec<&'s Value> {
    match properties.iter().find(|(n, _)| *n == name) {
        Some((_, schemas)) => schemas.clone(),
        None => additional.filter(|a| a.is_object()).into_iter().collect(),
    }
}

/// The schema of item `index` in a part: `prefixItems`/tuple `items` entry, else `items`.
fn item_schema(part: &Value, index: u64) -> Option<&Value> {
    let index = usize::try_from(index).ok()?;
    if let Some(schema) = part.get("prefixItems").and_then(Value::as_array).and_then(|l| l.get(index)) {
        return Some(schema);
    }
    match part.get("items") {
        Some(Value::Array(list)) => list.get(index).or_else(|| part.get("additionalItems").filter(|a| a.is_object())),
        other => other,
    }
}

/// The discriminator value selecting `ident`: the mapping key naming it, else its component name.
fn discriminator_value(discriminator: &Value, ident: &str) -> String {
    let name = unescape(ident.rsplit('/').next().unwrap_or(ident));
    let mapping = discriminator.get("mapping").and_then(Value::as_object);
    for (key, target) in mapping.into_iter().flatten() {
        if target.as_str() == Some(ident) || target.as_str() == Some(name.as_str()) {
            return key.clone();
        }
    }
    name
}

/// The first property name of a violation path (`a.b`, `a[0]`, `["odd key"].x`).
fn first_segment(path: &str) -> Option<String> {
    if let Some(rest) = path.strip_prefix('[') {
        let quoted: String = serde_json::Deserializer::from_str(rest).into_iter::<String>().next()?.ok()?;
        return Some(quoted);
    }
    path.split(['.', '[']).next().filter(|s| !s.is_empty()).map(str::to_string)
}

// ---------------------------------------------------------------------------------------------
// Strings

/// Strings for a known `format` (with a variant number and a version padded to `min` where the
/// format allows), best first; empty for formats that constrain nothing (`password`, `binary`...).
fn format_candidates(format: &str, variant: usize, min: usize) -> Vec<String> {
    let n = variant;
    let grow = |base: &str| min.saturating_sub(base.chars().count());
    match format {
        "date-time" | "time" => {
            let time = format!("03:04:{:02}", (5 + n) % 60);
            let date = if format == "time" { "" } else { "2024-01-02T" };
            ["Z", "+00:00", ".000Z", ".000+00:00"].iter().map(|zone| format!("{date}{time}{zone}")).collect()
        }
        "date" => vec![format!("2024-01-{:02}", 1 + (1 + n) % 28)],
        "uuid" => {
            let uuid = format!("3fa85f64-5717-4562-b3fc-{:012x}", 0x2c96_3f66_afa6_usize + n);
            vec![uuid.clone(), uuid.to_uppercase()]
        }
        "email" | "idn-email" => {
            let base = format!("{}@example.com", numbered("user", n));
            let padded = format!("{}{base}", "a".repeat(grow(&base)));
            vec![base, padded, "a@b.co".to_string()]
        }
        "uri" | "url" | "iri" | "uri-reference" | "iri-reference" => {
            let base = format!("https://example.com/{}", if n == 0 { String::new() } else { n.to_string() });
            let padded = format!("{base}{}", "a".repeat(grow(&base)));
            let mut out = vec![base, padded, "http://a.co".to_string()];
            if format.ends_with("reference") {
                out.push("/a".to_string());
            }
            out
        }
        "uri-template" => vec!["https://example.com/{id}".to_string()],
        "hostname" | "idn-hostname" => {
            let base = format!("{}.com", numbered("example", n));
            let padded = format!("{}{base}", "a".repeat(grow(&base)));
            vec![base, padded, "a.co".to_string()]
        }
        "ipv4" => vec![format!("192.0.2.{}", 1 + n % 254)],
        "ipv6" => vec![format!("2001:db8::{:x}", 1 + n % 0xfffe)],
        "byte" => {
            let padded = "a".repeat(min.div_ceil(4) * 3);
            vec![base64(numbered("string", n).as_bytes()), base64(padded.as_bytes())]
        }
        "int32" | "int64" | "integer" | "uint32" | "uint64" | "number" | "double" | "float" | "decimal" => {
            vec![(1 + n).to_string()]
        }
        "duration" => vec![format!("P{}D", 1 + n)],
        "json-pointer" => vec![format!("/{}", "a".repeat(grow("/").max(1)))],
        "relative-json-pointer" => vec![n.to_string()],
        "regex" => vec!["^a$".to_string()],
        _ => Vec::new(),
    }
}

/// `"string"` (`"string1"`... for variants), padded with `a` to `min`, truncated to `max` (the
/// last letter varied again when truncation hid the number).
fn plain_string(variant: usize, min: usize, max: Option<usize>) -> String {
    let mut s = numbered(PLAIN, variant);
    let len = s.chars().count();
    if len < min {
        s.push_str(&"a".repeat(min - len));
    }
    if let Some(max) = max.filter(|max| len > *max) {
        s = s.chars().take(max).collect();
        if variant > 0 {
            s = vary_last(&s, variant);
        }
    }
    s
}

/// Strings built from a pattern: the shortest match, then versions grown towards `min`
/// (repetitions, then padding at either end, for unanchored patterns) and cut to `max`.
fn pattern_candidates(hir: &Hir, variant: usize, min: usize, max: Option<usize>) -> Vec<String> {
    let Some(shortest) = build(hir, variant, 0) else { return Vec::new() };
    let len = shortest.chars().count();
    let mut out = vec![shortest.clone()];
    if len < min {
        let need = min - len;
        out.extend(build(hir, variant, need));
        out.push(format!("{shortest}{}", "a".repeat(need)));
        out.push(format!("{}{shortest}", "a".repeat(need)));
    }
    if let Some(max) = max.filter(|max| len > *max) {
        out.push(shortest.chars().take(max).collect());
    }
    out
}

/// A string matching `hir`, with `extra` more characters from growing repetitions if possible.
fn build(hir: &Hir, variant: usize, extra: usize) -> Option<String> {
    let mut out = String::new();
    let mut extra = extra;
    generate(hir, variant, &mut extra, &mut out).then_some(out)
}

/// Appends to `out` a string matching `hir`: literals as they are, a class's preferred member
/// (the `variant`-th), repetitions their minimum (more while `extra` lasts), an alternation's
/// first branch that can be built, look-arounds and anchors nothing. False if impossible.
fn generate(hir: &Hir, variant: usize, extra: &mut usize, out: &mut String) -> bool {
    if out.len() > MAX_STRING {
        return false;
    }
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => true,
        HirKind::Literal(literal) => match std::str::from_utf8(&literal.0) {
            Ok(text) => {
                out.push_str(text);
                true
            }
            Err(_) => false,
        },
        HirKind::Class(class) => match pick(class, variant) {
            Some(c) => {
                out.push(c);
                true
            }
            None => false,
        },
        HirKind::Capture(capture) => generate(&capture.sub, variant, extra, out),
        HirKind::Concat(subs) => subs.iter().all(|sub| generate(sub, variant, extra, out)),
        HirKind::Alternation(subs) => {
            let (mark, saved) = (out.len(), *extra);
            for sub in subs {
                if generate(sub, variant, extra, out) {
                    return true;
                }
                out.truncate(mark);
                *extra = saved;
            }
            false
        }
        HirKind::Repetition(repetition) => {
            for _ in 0..repetition.min {
                if !generate(&repetition.sub, variant, extra, out) {
                    return false;
                }
            }
            let mut count = repetition.min;
            while *extra > 0 && repetition.max.is_none_or(|max| count < max) {
                let mark = out.len();
                let built = generate(&repetition.sub, variant, &mut 0, out);
                let added = out.get(mark..).map_or(0, |s| s.chars().count());
                if !built || added == 0 {
                    out.truncate(mark);
                    break;
                }
                *extra = extra.saturating_sub(added);
                count += 1;
            }
            true
        }
    }
}

/// A member of `class`: the `variant`-th (cyclically) of the [`PREFERRED`] characters it holds,
/// else one from its first range.
fn pick(class: &Class, variant: usize) -> Option<char> {
    let members: Vec<char> = match class {
        Class::Unicode(class) => {
            PREFERRED.chars().filter(|c| class.ranges().iter().any(|r| r.start() <= *c && *c <= r.end())).collect()
        }
        Class::Bytes(class) => PREFERRED
            .bytes()
            .filter(|b| class.ranges().iter().any(|r| r.start() <= *b && *b <= r.end()))
            .map(char::from)
            .collect(),
    };
    if let Some(c) = members.get(variant % members.len().max(1)) {
        return Some(*c);
    }
    match class {
        Class::Unicode(class) => class.ranges().first().map(|r| {
            let offset = u32::try_from(variant).unwrap_or(0);
            r.start().checked_add_offset(offset).filter(|c| *c <= r.end()).unwrap_or(r.start())
        }),
        Class::Bytes(class) => class.ranges().first().map(|r| char::from(r.start())),
    }
}

/// Adds `offset` to a character's scalar value, when that is a character.
trait CharOffset: Sized {
    /// `self + offset`, if a valid `char`.
    fn checked_add_offset(self, offset: u32) -> Option<Self>;
}

impl CharOffset for char {
    fn checked_add_offset(self, offset: u32) -> Option<char> {
        u32::from(self).checked_add(offset).and_then(char::from_u32)
    }
}

/// Rewrites an ECMAScript pattern (what `pattern` holds; ajv compiles it with the `u` flag) into
/// `regex` syntax: `\d`/`\w` as ASCII classes, `.` without line terminators, `\uXXXX`, `\cX`,
/// `\0`, `\v`, identity escapes (`\/`, `\-`), `(?<name>` kept as a named group, literal `{`/`}`,
/// `[`, `&`, `~` inside classes, `[]`/`[^]`; look-arounds are dropped (not checked here).
/// Back-references are an error.
fn translate(pattern: &str) -> Result<String, String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut in_class = false;
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        i += 1;
        let rest = chars.get(i..).unwrap_or_default();
        match c {
            '\\' => i = translate_escape(&chars, i, in_class, &mut out)?,
            ']' if in_class => {
                in_class = false;
                out.push(']');
            }
            '[' | '&' | '~' if in_class => {
                out.push('\\');
                out.push(c);
            }
            _ if in_class => out.push(c),
            '[' if rest.starts_with(&[']']) => {
                out.push_str(r"[^\s\S]");
                i += 1;
            }
            '[' if rest.starts_with(&['^', ']']) => {
                out.push_str(r"[\s\S]");
                i += 2;
            }
            '[' => {
                in_class = true;
                out.push('[');
                if rest.first() == Some(&'^') {
                    out.push('^');
                    i += 1;
                }
            }
            '(' if [&['?', '='][..], &['?', '!'], &['?', '<', '='], &['?', '<', '!']]
                .iter()
                .any(|p| rest.starts_with(p)) =>
            {
                i = skip_group(&chars, i)?;
            }
            '(' if rest.starts_with(&['?', '<']) => {
                out.push_str("(?P<");
                i += 2;
            }
            '{' => match quantifier_len(rest) {
                Some(len) => {
                    out.push('{');
                    out.extend(rest.iter().take(len));
                    i += len;
                }
                None => out.push_str(r"\{"),
            },
            '}' => out.push_str(r"\}"),
            '.' => out.push_str(r"[^\n\r\x{2028}\x{2029}]"),
            _ => out.push(c),
        }
    }
    if in_class {
        return Err("unterminated character class".to_string());
    }
    Ok(out)
}

/// Translates the escape whose letter is at `chars[i]`; returns the index after it.
fn translate_escape(chars: &[char], i: usize, in_class: bool, out: &mut String) -> Result<usize, String> {
    let Some(&letter) = chars.get(i) else { return Err("the pattern ends with a backslash".to_string()) };
    let mut i = i + 1;
    let hex = |from: usize, len: usize| -> Option<String> {
        let digits: String = chars.get(from..from + len)?.iter().collect();
        digits.chars().all(|c| c.is_ascii_hexdigit()).then_some(digits)
    };
    match letter {
        'd' | 'w' | 'D' | 'W' | 's' | 'S' => {
            out.push_str(match (letter, in_class) {
                ('d', false) => "[0-9]",
                ('d', true) => "0-9",
                ('w', false) => "[A-Za-z0-9_]",
                ('w', true) => "A-Za-z0-9_",
                ('D', false) => "[^0-9]",
                ('W', false) => "[^A-Za-z0-9_]",
                ('D', true) => r"\D",
                ('W', true) => r"\W",
                ('s', _) => r"\s",
                _ => r"\S",
            });
            if in_class && chars.get(i) == Some(&'-') {
                out.push_str(r"\-");
                i += 1;
            }
        }
        'b' => out.push_str(if in_class { r"\x08" } else { r"\b" }),
        'B' if !in_class => out.push_str(r"\B"),
        'n' | 'r' | 't' | 'f' => {
            out.push('\\');
            out.push(letter);
        }
        'v' => out.push_str(r"\x0B"),
        '0' if !chars.get(i).is_some_and(char::is_ascii_digit) => out.push_str(r"\x00"),
        '1'..='9' => return Err("back-references are not supported".to_string()),
        'k' if chars.get(i) == Some(&'<') => return Err("named back-references are not supported".to_string()),
        'x' => match hex(i, 2) {
            Some(digits) => {
                out.push_str(&format!(r"\x{{{digits}}}"));
                i += 2;
            }
            None => out.push('x'),
        },
        'u' if chars.get(i) == Some(&'{') => {
            let end = chars.iter().skip(i).position(|c| *c == '}').ok_or("unterminated \\u{")?;
            let digits: String = chars.iter().skip(i + 1).take(end.saturating_sub(1)).collect();
            out.push_str(&format!(r"\x{{{digits}}}"));
            i += end + 1;
        }
        'u' => match hex(i, 4) {
            Some(digits) => {
                out.push_str(&format!(r"\x{{{digits}}}"));
                i += 4;
            }
            None => out.push('u'),
        },
        'c' => match chars.get(i).filter(|c| c.is_ascii_alphabetic()) {
            Some(control) => {
                out.push_str(&format!(r"\x{{{:x}}}", u32::from(*control) % 32));
                i += 1;
            }
            None => out.push_str(r"\\c"),
        },
        'p' | 'P' if chars.get(i) == Some(&'{') => {
            let end = chars.iter().skip(i).position(|c| *c == '}').ok_or("unterminated \\p{")?;
            out.push('\\');
            out.push(letter);
            out.extend(chars.iter().skip(i).take(end + 1));
            i += end + 1;
        }
        other => {
            if regex_syntax::is_meta_character(other) {
                out.push('\\');
            }
            out.push(other);
        }
    }
    Ok(i)
}

/// The index after the group that opens just before `chars[start]`.
fn skip_group(chars: &[char], start: usize) -> Result<usize, String> {
    let (mut depth, mut in_class, mut i) = (1usize, false, start);
    while let Some(&c) = chars.get(i) {
        i += 1;
        match c {
            '\\' => i += 1,
            '[' if !in_class => in_class = true,
            ']' if in_class => in_class = false,
            '(' if !in_class => depth += 1,
            ')' if !in_class => {
                depth -= 1;
                if depth == 0 {
                    return Ok(i);
                }
            }
            _ => {}
        }
    }
    Err("unbalanced parentheses".to_string())
}

/// The length of `n}`, `n,}` or `n,m}` at the start of `rest` (after a `{`), if it is one.
fn quantifier_len(rest: &[char]) -> Option<usize> {
    let digits = |from: usize| rest.iter().skip(from).take_while(|c| c.is_ascii_digit()).count();
    let first = digits(0);
    if first == 0 {
        return None;
    }
    match rest.get(first) {
        Some('}') => Some(first + 1),
        Some(',') => {
            let second = digits(first + 1);
            (rest.get(first + 1 + second) == Some(&'}')).then_some(first + second + 2)
        }
        _ => None,
    }
}

/// Standard base64 with padding.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let byte = |i: usize| u32::from(chunk.get(i).copied().unwrap_or(0));
        let n = (byte(0) << 16) | (byte(1) << 8) | byte(2);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * k)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// `base`, or `base` followed by `n` for variants.
fn numbered(base: &str, n: usize) -> String {
    if n == 0 {
        base.to_string()
    } else {
        format!("{base}{n}")
    }
}

/// `s` with its last letter or digit moved `n` places on within its kind (a → b, 9 → 0).
fn vary_last(s: &str, n: usize) -> String {
    let mut chars: Vec<char> = s.chars().collect();
    if let Some(c) = chars.iter_mut().rev().find(|c| c.is_ascii_alphanumeric()) {
        let (base, size) = match *c {
            '0'..='9' => (b'0', 10),
            'a'..='z' => (b'a', 26),
            _ => (b'A', 26),
        };
        let offset = (usize::from(*c as u8 - base) + n) % size;
        *c = char::from(base + offset as u8);
    }
    chars.into_iter().collect()
}

// ---------------------------------------------------------------------------------------------
// Numbers

/// Numeric constraints over a node's parts.
#[derive(Default, Debug)]
struct Bounds {
    /// Lower bound and whether it is exclusive.
    lo: Option<(f64, bool)>,
    /// Upper bound and whether it is exclusive.
    hi: Option<(f64, bool)>,
    /// Every `multipleOf`.
    steps: Vec<f64>,
}

impl Bounds {
    /// The tightest bounds of the node: `minimum`/`maximum` with 3.0 boolean or 3.1 numeric
    /// exclusives, `multipleOf`, and the ranges of `int32`/`int64`/`uint32`/`uint64`.
    fn of(node: &Node<'_>) -> Bounds {
        let mut b = Bounds::default();
        for part in &node.parts {
            let flag = |key: &str| part.get(key).and_then(Value::as_bool) == Some(true);
            if let Some(min) = part.get("minimum").and_then(Value::as_f64) {
                b.raise(min, flag("exclusiveMinimum"));
            }
            if let Some(min) = part.get("exclusiveMinimum").and_then(Value::as_f64) {
                b.raise(min, true);
            }
            if let Some(max) = part.get("maximum").and_then(Value::as_f64) {
                b.lower(max, flag("exclusiveMaximum"));
            }
            if let Some(max) = part.get("exclusiveMaximum").and_then(Value::as_f64) {
                b.lower(max, true);
            }
            if let Some(step) = part.get("multipleOf").and_then(Value::as_f64).filter(|s| *s > 0.0 && s.is_finite()) {
                b.steps.push(step);
            }
            let (lo, hi) = match part.get("format").and_then(Value::as_str) {
                Some("int32") => (f64::from(i32::MIN), f64::from(i32::MAX)),
                Some("int64") => (i64::MIN as f64, i64::MAX as f64),
                Some("uint32") => (0.0, f64::from(u32::MAX)),
                Some("uint64") => (0.0, u64::MAX as f64),
                _ => continue,
            };
            b.raise(lo, false);
            b.lower(hi, false);
        }
        b
    }

    /// Tightens the lower bound.
    fn raise(&mut self, v: f64, exclusive: bool) {
        match self.lo {
            Some((lo, lo_exclusive)) if lo > v || (lo == v && (lo_exclusive || !exclusive)) => {}
            _ => self.lo = Some((v, exclusive)),
        }
    }

    /// Tightens the upper bound.
    fn lower(&mut self, v: f64, exclusive: bool) {
        match self.hi {
            Some((hi, hi_exclusive)) if hi < v || (hi == v && (hi_exclusive || !exclusive)) => {}
            _ => self.hi = Some((v, exclusive)),
        }
    }

    /// Whether `v` is within the bounds and a multiple of every step.
    fn admits(&self, v: f64) -> bool {
        let above = self.lo.is_none_or(|(lo, excl)| v > lo || (v == lo && !excl));
        let below = self.hi.is_none_or(|(hi, excl)| v < hi || (v == hi && !excl));
        above && below && self.steps.iter().all(|s| exact_multiple(v, *s))
    }

    /// The integers allowed, as an inclusive range clamped to `i64`.
    fn integer_range(&self) -> (i128, i128) {
        let lo = self.lo.map_or(i128::from(i64::MIN), |(v, excl)| {
            let c = v.ceil();
            (if excl && c == v { c + 1.0 } else { c }) as i128
        });
        let hi = self.hi.map_or(i128::from(i64::MAX), |(v, excl)| {
            let f = v.floor();
            (if excl && f == v { f - 1.0 } else { f }) as i128
        });
        (lo.max(i128::from(i64::MIN)), hi.min(i128::from(i64::MAX)))
    }

    /// The bounds, for messages.
    fn describe(&self) -> String {
        let side = |b: Option<(f64, bool)>, incl: &str, excl: &str| {
            b.map(|(v, e)| format!("{} {v}", if e { excl } else { incl }))
        };
        let mut parts: Vec<String> =
            [side(self.lo, ">=", ">"), side(self.hi, "<=", "<")].into_iter().flatten().collect();
        parts.extend(self.steps.iter().map(|s| format!("multiple of {s}")));
        parts.join(", ")
    }
}

/// An integer for the node: 1 when allowed, else the allowed value nearest to it (the
/// `variant`-th one counting on from there).
fn integer(node: &Node<'_>, ctx: &Ctx<'_>) -> Result<Value, String> {
    let bounds = Bounds::of(node);
    pick_integer(&bounds, ctx.variant)
        .map(Value::from)
        .ok_or_else(|| format!("at `{}`: no integer is {}", ctx.at(), bounds.describe()))
}

/// A number: an integer when one is allowed (plus 0.5 for variants, to differ from integers),
/// else a multiple of the step or a point between the bounds.
fn number(node: &Node<'_>, ctx: &Ctx<'_>) -> Result<Value, String> {
    let bounds = Bounds::of(node);
    if let Some(i) = pick_integer(&bounds, ctx.variant) {
        let half = i as f64 + 0.5;
        if ctx.variant > 0 && bounds.admits(half) {
            return Ok(json_number(half));
        }
        return Ok(Value::from(i));
    }
    let found = match (bounds.steps.first(), bounds.lo, bounds.hi) {
        (Some(step), lo, hi) => {
            let from = lo.or(hi).map_or(0.0, |(v, _)| v) - if lo.is_none() { step * SEARCH as f64 } else { 0.0 };
            let first = (from / step).floor();
            (0..SEARCH)
                .map(|k| (first + k as f64) * step)
                .filter(|v| bounds.admits(*v))
                .nth(ctx.variant)
                .or_else(|| (0..SEARCH).map(|k| (first + k as f64) * step).find(|v| bounds.admits(*v)))
        }
        (None, Some((lo, _)), Some((hi, _))) => {
            Some(lo + (hi - lo) / (ctx.variant as f64 + 2.0)).filter(|v| bounds.admits(*v))
        }
        _ => None,
    };
    found.map(json_number).ok_or_else(|| format!("at `{}`: no number is {}", ctx.at(), bounds.describe()))
}

/// An integer within the bounds and a multiple of every step: upwards from `max(lo, 1)`, then
/// downwards from there; the `variant`-th found (the last found if fewer).
fn pick_integer(bounds: &Bounds, variant: usize) -> Option<i64> {
    let (lo, hi) = bounds.integer_range();
    if lo > hi {
        return None;
    }
    let mut step: i128 = 1;
    for s in bounds.steps.iter().filter(|s| s.fract() == 0.0 && **s <= 1e15) {
        step = lcm(step, *s as i128).filter(|l| *l <= i128::from(i64::MAX))?;
    }
    let fits = |v: i128| bounds.steps.iter().all(|s| exact_multiple(v as f64, *s));
    let start = lo.max(1);
    let mut found = Vec::new();
    let mut v = start.div_euclid(step) * step + if start.rem_euclid(step) == 0 { 0 } else { step };
    for _ in 0..SEARCH {
        if v > hi || found.len() > variant {
            break;
        }
        if fits(v) {
            found.push(v);
        }
        v += step;
    }
    let top = hi.min(start - 1);
    let mut v = top.div_euclid(step) * step;
    for _ in 0..SEARCH {
        if v < lo || found.len() > variant {
            break;
        }
        if fits(v) {
            found.push(v);
        }
        v -= step;
    }
    found.get(variant).or(found.last()).and_then(|v| i64::try_from(*v).ok())
}

/// Least common multiple, `None` on overflow.
fn lcm(a: i128, b: i128) -> Option<i128> {
    let (mut x, mut y) = (a, b);
    while y != 0 {
        (x, y) = (y, x % y);
    }
    (a / x).checked_mul(b)
}

/// Whether `v / step` is exactly an integer, as ajv checks `multipleOf`.
fn exact_multiple(v: f64, step: f64) -> bool {
    let q = v / step;
    q.is_finite() && q == q.trunc()
}

/// `v` as a JSON number: an integer when it is one.
fn json_number(v: f64) -> Value {
    if v.fract() == 0.0 && v.abs() < 9e15 {
        Value::from(v as i64)
    } else {
        serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)
    }
}

// ---------------------------------------------------------------------------------------------
// Pointers and messages

/// The target of a local `$ref` (`#/...`).
fn resolve<'d>(doc: &'d Value, reference: &str) -> Result<&'d Value, String> {
    super::validate::resolve_pointer(doc, reference).ok_or_else(|| format!("$ref `{reference}` does not resolve"))
}

/// The JSON pointer of a local `$ref` (its fragment, percent-decoded).
fn ref_pointer(reference: &str) -> Result<String, String> {
    super::ref_pointer(reference)
        .ok_or_else(|| format!("$ref `{reference}` is not local to the document (not supported)"))
}

/// A JSON pointer token as a key.
fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// `path: message` for a violation, `(root)` for the value itself.
fn describe(violation: &Violation) -> String {
    let path = if violation.path.is_empty() { "(root)" } else { &violation.path };
    format!("{path}: {}", violation.message)
}

/// A value as JSON, cut to 200 characters.
fn short(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() <= 200 {
        text
    } else {
        format!("{}…", text.chars().take(200).collect::<String>())
    }
}

/// A non-negative integer keyword value (`minLength`...), floats like `2.0` included.
fn as_count(value: &Value) -> Option<u64> {
    value.as_u64().or_else(|| value.as_f64().filter(|f| *f >= 0.0 && f.fract() == 0.0).map(|f| f as u64))
}

/// The first line of a (multi-line) error message.
fn first_line(text: &str) -> String {
    text.lines().find(|l| !l.trim().is_empty()).unwrap_or(text).trim().to_string()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// A value synthesised from `schema` (inside `doc`'s components, if any).
    fn synth_in(doc: &Value, schema: Value) -> Result<Value, String> {
        Values::new(doc).synthesise_schema(&schema)
    }

    /// A value synthesised from a standalone `schema`.
    fn synth(schema: Value) -> Value {
        synth_in(&json!({}), schema.clone()).unwrap_or_else(|e| panic!("{schema}: {e}"))
    }

    /// A spec with one `GET /pets` operation whose first parameter is `param`, and `components`.
    fn spec(param: Value, components: Value) -> Value {
        json!({
            "openapi": "3.0.3",
            "paths": {"/pets/{id}": {"get": {"parameters": [param]}, "post": {"requestBody": {"$ref": "#/components/requestBodies/Pet"}}}},
            "components": components,
        })
    }

    const PARAM: &str = "/paths/~1pets~1{id}/get/parameters/0";

    #[test]
    fn parameters_are_unambiguous_as_text() {
        // `1` would match both alternatives once read back from the path as text.
        let doc = spec(
            json!({"name": "id", "in": "path", "required": true, "schema": {"oneOf": [{"type": "integer"}, {"type": "string"}]}}),
            json!({}),
        );
        let chosen = Values::new(&doc).parameter(PARAM).unwrap();
        assert_eq!(chosen.value, json!("string"));
        // An unambiguous choice is kept.
        let doc = spec(
            json!({"name": "id", "in": "path", "required": true, "schema": {"oneOf": [{"type": "integer"}, {"type": "boolean"}]}}),
            json!({}),
        );
        assert_eq!(Values::new(&doc).parameter(PARAM).unwrap().value, json!(1));
    }

    /// On a form (query parameters, `x-www-form-urlencoded` bodies) an empty object has no pair:
    /// an example holding one is passed over, and an object that would be empty gets a property.
    #[test]
    fn values_on_a_form_hold_no_empty_object() {
        let schema = json!({
            "type": "object",
            "required": ["address"],
            "properties": {"address": {
                "type": "object",
                "required": ["geo"],
                "properties": {"geo": {"type": "object", "properties": {"lat": {"type": "number"}, "lon": {"type": "number"}}}},
            }},
        });
        let doc = spec(
            json!({"name": "shipping", "in": "query", "style": "deepObject", "example": {"address": {"geo": {}}}, "schema": schema}),
            json!({}),
        );
        let plain = Values::new(&doc).parameter(PARAM).unwrap();
        assert_eq!(plain.value, json!({"address": {"geo": {}}}), "elsewhere the example is valid and taken");
        let form = Values::new(&doc).on_a_form().parameter(PARAM).unwrap();
        assert_eq!(form.source, Source::Synthesised);
        // `geo` is nested too deep for optional properties, except the one a form needs.
        assert_eq!(form.value, json!({"address": {"geo": {"lat": 1}}}));
        assert_eq!(Values::new(&doc).synthesise(&format!("{PARAM}/schema")).unwrap(), json!({"address": {"geo": {}}}));
        assert!(!holds_empty_object(&form.value));
        assert!(holds_empty_object(&json!([{"a": 1}, {"b": {}}])) && !holds_empty_object(&json!({"a": []})));
        // A map gets one entry.
        let doc = spec(
            json!({"name": "metadata", "in": "query", "style": "deepObject", "schema": {"type": "object", "additionalProperties": {"type": "string"}}}),
            json!({}),
        );
        assert_eq!(Values::new(&doc).parameter(PARAM).unwrap().value, json!({}));
        assert_eq!(Values::new(&doc).on_a_form().parameter(PARAM).unwrap().value, json!({"additionalProp1": "string"}));
    }

    #[test]
    fn parameter_example_is_preferred() {
        let doc = spec(
            json!({"name": "limit", "in": "query", "example": 7, "schema": {"type": "integer", "example": 3}}),
            json!({}),
        );
        let chosen = Values::new(&doc).parameter(PARAM).unwrap();
        assert_eq!(chosen.value, json!(7));
        assert_eq!(chosen.source, Source::Example(format!("{PARAM}/example")));
        assert!(chosen.rejected_examples.is_empty());
    }

    #[test]
    fn parameter_examples_follow_refs_and_skip_external_values() {
        let components = json!({
            "parameters": {"Limit": {"name": "limit", "in": "query", "schema": {"type": "integer"}, "examples": {
                "far": {"externalValue": "https://example.com/x.json"},
                "near": {"$ref": "#/components/examples/Ten"},
            }}},
            "examples": {"Ten": {"value": 10}},
        });
        let doc = spec(json!({"$ref": "#/components/parameters/Limit"}), components);
        let chosen = Values::new(&doc).parameter(PARAM).unwrap();
        assert_eq!(chosen.value, json!(10));
        assert_eq!(chosen.source, Source::Example("/components/examples/Ten/value".into()));
    }

    #[test]
    fn schema_level_example_is_used_through_refs() {
        let components = json!({"schemas": {"Id": {"type": "string", "format": "uuid", "example": "0b7c4f57-9f4e-4a55-9b69-2ad5b4b1b0e1"}}});
        let doc = spec(
            json!({"name": "id", "in": "path", "required": true, "schema": {"$ref": "#/components/schemas/Id"}}),
            components,
        );
        let chosen = Values::new(&doc).parameter(PARAM).unwrap();
        assert_eq!(chosen.value, json!("0b7c4f57-9f4e-4a55-9b69-2ad5b4b1b0e1"));
        assert_eq!(chosen.source, Source::Example("/components/schemas/Id/example".into()));
    }

    #[test]
    fn invalid_examples_are_rejected_with_their_exact_pointer() {
        let doc = spec(
            json!({"name": "limit", "in": "query", "example": "ten", "examples": {"big": {"value": 500}, "ok": {"value": 20}},
                   "schema": {"type": "integer", "maximum": 100}}),
            json!({}),
        );
        let chosen = Values::new(&doc).parameter(PARAM).unwrap();
        assert_eq!(chosen.value, json!(20));
        assert_eq!(chosen.source, Source::Example(format!("{PARAM}/examples/ok/value")));
        assert_eq!(
            chosen.rejected_examples,
            vec![
                (format!("{PARAM}/example"), r#"(root): expected integer, found "ten""#.to_string()),
                (format!("{PARAM}/examples/big/value"), "(root): maximum: 500 is greater than 100".to_string()),
            ]
        );
    }

    #[test]
    fn invalid_schema_example_falls_back_to_synthesis() {
        let components = json!({"schemas": {"Code": {"type": "string", "pattern": "^[A-Z]{2}$", "example": "usa"}}});
        let doc =
            spec(json!({"name": "c", "in": "query", "schema": {"$ref": "#/components/schemas/Code"}}), components);
        let chosen = Values::new(&doc).parameter(PARAM).unwrap();
        assert_eq!(chosen.value, json!("AA"));
        assert_eq!(chosen.source, Source::Synthesised);
        assert_eq!(chosen.rejected_examples.len(), 1);
        assert_eq!(chosen.rejected_examples[0].0, "/components/schemas/Code/example");
        assert!(chosen.rejected_examples[0].1.starts_with("(root): pattern:"), "{:?}", chosen.rejected_examples);
    }

    #[test]
    fn parameter_with_content_uses_its_media_type() {
        let doc = spec(
            json!({"name": "filter", "in": "query", "content": {"application/json": {"schema": {
                "type": "object", "required": ["q"], "properties": {"q": {"type": "string", "minLength": 8}}}}}}),
            json!({}),
        );
        let chosen = Values::new(&doc).parameter(PARAM).unwrap();
        assert_eq!(chosen.value, json!({"q": "stringaa"}));
        assert_eq!(chosen.source, Source::Synthesised);
    }

    #[test]
    fn media_examples_in_order_through_a_request_body_ref() {
        let body = |media: Value| {
            json!({"requestBodies": {"Pet": {"content": {"application/json": media}}},
            "schemas": {"Pet": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}},
                                "example": {"name": "from schema"}}}})
        };
        let pointer = "/paths/~1pets~1{id}/post/requestBody/content/application~1json";
        let canonical = "/components/requestBodies/Pet/content/application~1json";
        let schema = json!({"$ref": "#/components/schemas/Pet"});

        let doc = spec(json!({}), body(json!({"schema": schema, "example": {"name": "Rex"}})));
        let chosen = Values::new(&doc).media(pointer).unwrap();
        assert_eq!(
            (chosen.value, chosen.source),
            (json!({"name": "Rex"}), Source::Example(format!("{canonical}/example")))
        );

        let doc = spec(
            json!({}),
            body(json!({"schema": schema, "examples": {"a": {"value": {"name": 1}}, "b": {"value": {"name": "Tom"}}}})),
        );
        let chosen = Values::new(&doc).media(pointer).unwrap();
        assert_eq!(
            (chosen.value, chosen.source),
            (json!({"name": "Tom"}), Source::Example(format!("{canonical}/examples/b/value")))
        );
        assert_eq!(
            chosen.rejected_examples,
            vec![(format!("{canonical}/examples/a/value"), "name: expected string, found 1".to_string())]
        );

        let doc = spec(json!({}), body(json!({"schema": schema})));
        let chosen = Values::new(&doc).media(pointer).unwrap();
        assert_eq!(
            (chosen.value, chosen.source),
            (json!({"name": "from schema"}), Source::Example("/components/schemas/Pet/example".into()))
        );
    }

    #[test]
    fn synthesise_names_the_pointer_and_ignores_examples() {
        let doc = spec(
            json!({}),
            json!({"schemas": {"N": {"type": "integer", "example": 9, "minimum": 4}, "Bad": {"type": "integer", "minimum": 5, "maximum": 4}}}),
        );
        let values = Values::new(&doc);
        assert_eq!(values.synthesise("/components/schemas/N").unwrap(), json!(4));
        let err = values.synthesise("/components/schemas/Bad").unwrap_err();
        assert!(err.contains("`/components/schemas/Bad`") && err.contains("no integer is >= 5, <= 4"), "{err}");
        assert!(values.synthesise("/components/schemas/Missing").is_err());
    }

    #[test]
    fn formats() {
        let cases = [
            ("date-time", "2024-01-02T03:04:05Z"),
            ("date", "2024-01-02"),
            ("time", "03:04:05Z"),
            ("uuid", "3fa85f64-5717-4562-b3fc-2c963f66afa6"),
            ("email", "user@example.com"),
            ("uri", "https://example.com/"),
            ("url", "https://example.com/"),
            ("hostname", "example.com"),
            ("ipv4", "192.0.2.1"),
            ("ipv6", "2001:db8::1"),
            ("byte", "c3RyaW5n"),
            ("binary", "string"),
            ("password", "string"),
            ("int64", "1"),
            ("int32", "1"),
            ("something-else", "string"),
        ];
        for (format, expected) in cases {
            assert_eq!(synth(json!({"type": "string", "format": format})), json!(expected), "{format}");
        }
        assert_eq!(synth(json!({"type": "string", "format": "email", "minLength": 20})), json!("aaaauser@example.com"));
        assert_eq!(synth(json!({"type": "string", "format": "uri", "maxLength": 12})), json!("http://a.co"));
        assert_eq!(synth(json!({"type": "string", "format": "byte", "minLength": 10})), json!("YWFhYWFhYWFh"));
        assert_eq!(
            synth(json!({"type": "string", "format": "date-time", "minLength": 25})),
            json!("2024-01-02T03:04:05+00:00")
        );
        assert_eq!(synth(json!({"type": "string", "format": "time", "minLength": 10})), json!("03:04:05+00:00"));
        assert_eq!(
            synth(
                json!({"type": "string", "format": "uuid", "pattern": "^[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}$"})
            ),
            json!("3FA85F64-5717-4562-B3FC-2C963F66AFA6")
        );
        assert_eq!(base64(b"ab"), "YWI=");
    }

    #[test]
    fn lengths_without_format() {
        assert_eq!(synth(json!({"type": "string"})), json!("string"));
        assert_eq!(synth(json!({"type": "string", "maxLength": 3})), json!("str"));
        assert_eq!(synth(json!({"type": "string", "minLength": 9})), json!("stringaaa"));
        assert_eq!(synth(json!({"type": "string", "maxLength": 0})), json!(""));
        assert_eq!(synth(json!({})), json!("string"));
    }

    #[test]
    fn patterns() {
        let p = |pattern: &str| synth(json!({"type": "string", "pattern": pattern}));
        assert_eq!(p(r"^[a-z]{3}-\d{2}$"), json!("aaa-00"));
        assert_eq!(p(r"^\d{5}(-\d{4})?$"), json!("00000"));
        assert_eq!(p("[A-Z0-9]+"), json!("A"));
        assert_eq!(p(r"^\/v\d+\/items$"), json!("/v0/items"));
        assert_eq!(p(r"^(?<year>\d{4})-(0[1-9]|1[0-2])$"), json!("0000-01"));
        assert_eq!(p(r"^[\w.-]+@corp\.example$"), json!("a@corp.example"));
        assert_eq!(p(r"^(?:red|green)\u0021?$"), json!("red"));
        assert_eq!(p("^a{2}}$"), json!("aa}"));
        assert_eq!(synth(json!({"type": "string", "pattern": "[A-Z0-9]+", "minLength": 4})), json!("AAAA"));
        assert_eq!(
            synth(json!({"type": "string", "pattern": "^x-[a-z]*$", "minLength": 5, "maxLength": 6})),
            json!("x-aaa")
        );
        assert_eq!(synth(json!({"type": "string", "pattern": "^ab", "minLength": 4})), json!("abaa"));
        let err = synth_in(&json!({}), json!({"type": "string", "pattern": r"^[a-z]{3}-\d{2}$", "minLength": 8}))
            .unwrap_err();
        assert!(err.contains("no string found"), "{err}");
    }

    #[test]
    fn unparseable_pattern_falls_back_honestly() {
        assert_eq!(translate(r"^(a)\1$"), Err("back-references are not supported".to_string()));
        // The fallback is judged by validation; here it cannot check the pattern either, so it passes.
        assert_eq!(synth(json!({"type": "string", "pattern": r"^(a)\1$"})), json!("string"));
        let err =
            synth_in(&json!({}), json!({"type": "string", "pattern": r"^(a)\1$", "minLength": 2, "maxLength": 1}))
                .unwrap_err();
        assert!(err.contains("could not be parsed (back-references are not supported)"), "{err}");
    }

    #[test]
    fn translation_of_ecmascript_syntax() {
        assert_eq!(translate(r"^\/a\-b$").unwrap(), r"^/a\-b$");
        assert_eq!(translate(r"(?=x)\d{2,}").unwrap(), "[0-9]{2,}");
        assert_eq!(translate(r"[\w-]").unwrap(), r"[A-Za-z0-9_\-]");
        assert_eq!(translate(r"\u00e9[^]").unwrap(), r"\x{00e9}[\s\S]");
        assert_eq!(translate("{x}").unwrap(), r"\{x\}");
    }

    #[test]
    fn numbers() {
        assert_eq!(synth(json!({"type": "integer"})), json!(1));
        assert_eq!(synth(json!({"type": "integer", "minimum": 10})), json!(10));
        assert_eq!(synth(json!({"type": "integer", "maximum": 0})), json!(0));
        assert_eq!(synth(json!({"type": "integer", "maximum": -5})), json!(-5));
        assert_eq!(synth(json!({"type": "integer", "minimum": 1, "exclusiveMinimum": true})), json!(2));
        assert_eq!(synth(json!({"type": "integer", "exclusiveMinimum": 5})), json!(6));
        assert_eq!(synth(json!({"type": "integer", "maximum": 1, "exclusiveMaximum": true})), json!(0));
        assert_eq!(synth(json!({"type": "integer", "minimum": 7, "multipleOf": 5})), json!(10));
        assert_eq!(synth(json!({"type": "integer", "multipleOf": 4, "maximum": -1})), json!(-4));
        assert_eq!(synth(json!({"type": "integer", "format": "int32", "minimum": 2147483647})), json!(2147483647));
        assert_eq!(
            synth(
                json!({"type": "number", "minimum": 0, "maximum": 1, "exclusiveMinimum": true, "exclusiveMaximum": true})
            ),
            json!(0.5)
        );
        assert_eq!(synth(json!({"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 0.1})), json!(0.05));
        assert_eq!(synth(json!({"type": "number", "minimum": 0.3, "maximum": 0.6, "multipleOf": 0.25})), json!(0.5));
        assert_eq!(synth(json!({"type": "number", "multipleOf": 0.01})), json!(1));
        let err = synth_in(&json!({}), json!({"type": "integer", "format": "int32", "minimum": 3e9})).unwrap_err();
        assert!(err.contains("no integer"), "{err}");
        assert_eq!(synth(json!({"type": "boolean"})), json!(true));
    }

    #[test]
    fn enums_and_defaults() {
        assert_eq!(synth(json!({"type": "string", "nullable": true, "enum": [null, "b", "c"]})), json!("b"));
        assert_eq!(synth(json!({"nullable": true, "enum": [null]})), json!(null));
        assert_eq!(synth(json!({"type": "integer", "default": 5})), json!(5));
        assert_eq!(synth(json!({"type": "integer", "default": 0, "minimum": 1})), json!(1));
        assert_eq!(synth(json!({"allOf": [{"enum": ["a", "b", "c"]}, {"enum": ["c", "b"]}]})), json!("b"));
        assert_eq!(synth(json!({"type": "string", "nullable": true})), json!("string"));
    }

    #[test]
    fn arrays() {
        assert_eq!(synth(json!({"type": "array", "items": {"type": "integer"}})), json!([1, 1]));
        assert_eq!(synth(json!({"type": "array", "items": {"type": "integer"}, "maxItems": 1})), json!([1]));
        assert_eq!(synth(json!({"type": "array", "items": {"type": "integer"}, "maxItems": 0})), json!([]));
        assert_eq!(synth(json!({"type": "array", "items": {"type": "integer"}, "minItems": 3})), json!([1, 1, 1]));
        assert_eq!(
            synth(json!({"type": "array", "items": {"type": "integer"}, "minItems": 3, "uniqueItems": true})),
            json!([1, 2, 3])
        );
        assert_eq!(
            synth(json!({"type": "array", "items": {"type": "string"}, "minItems": 2, "uniqueItems": true})),
            json!(["string", "string1"])
        );
        assert_eq!(
            synth(json!({"type": "array", "items": {"enum": ["x", "y"]}, "minItems": 2, "uniqueItems": true})),
            json!(["x", "y"])
        );
        assert_eq!(
            synth(
                json!({"type": "array", "minItems": 2, "uniqueItems": true, "items": {"type": "string", "format": "date"}})
            ),
            json!(["2024-01-02", "2024-01-03"])
        );
        assert_eq!(
            synth(
                json!({"type": "array", "minItems": 2, "uniqueItems": true, "items": {"type": "string", "pattern": r"^[a-z]{2}\d$"}})
            ),
            json!(["aa0", "bb1"])
        );
        let err = synth_in(
            &json!({}),
            json!({"type": "array", "minItems": 3, "uniqueItems": true, "items": {"type": "boolean"}}),
        )
        .unwrap_err();
        assert!(err.contains("distinct"), "{err}");
    }

    #[test]
    fn objects_required_optional_read_only() {
        let schema = json!({"type": "object", "required": ["id", "name"], "properties": {
            "id": {"type": "integer", "readOnly": true},
            "name": {"type": "string"},
            "tag": {"type": "string", "maxLength": 2},
            "created": {"type": "string", "format": "date-time", "readOnly": true},
            "owner": {"type": "object", "required": ["n"], "properties": {"n": {"type": "integer"}, "address": {
                "type": "object", "required": ["city"], "properties": {"city": {"type": "string"}, "zip": {"type": "string"}}}}},
        }});
        assert_eq!(
            synth(schema),
            json!({"name": "string", "tag": "st", "owner": {"n": 1, "address": {"city": "string"}}})
        );
        assert_eq!(synth(json!({"type": "object", "additionalProperties": {"type": "integer"}})), json!({}));
        assert_eq!(
            synth(
                json!({"type": "object", "minProperties": 2, "properties": {"a": {"type": "boolean"}}, "additionalProperties": {"type": "integer"}})
            ),
            json!({"a": true, "additionalProp1": 1})
        );
    }

    #[test]
    fn optional_properties_that_break_the_object_are_dropped() {
        let schema = json!({"type": "object", "required": ["a"], "maxProperties": 2,
            "properties": {"a": {"type": "string"}, "b": {"type": "string"}, "c": {"type": "string"}, "d": {"not": {"type": "string"}}}});
        assert_eq!(synth(schema), json!({"a": "string", "b": "string"}));
        let broken = json!({"type": "object", "properties": {"x": {"type": "string"}}, "not": {"required": ["x"]}});
        assert_eq!(synth(broken), json!({}));
    }

    #[test]
    fn all_of_is_merged() {
        let doc = json!({"components": {"schemas": {
            "Base": {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer", "minimum": 3}, "kind": {"type": "string"}}},
        }}});
        let schema = json!({"allOf": [
            {"$ref": "#/components/schemas/Base"},
            {"type": "object", "required": ["name", "kind"], "properties": {"name": {"type": "string", "minLength": 7}, "kind": {"enum": ["big"]}}},
        ]});
        assert_eq!(synth_in(&doc, schema).unwrap(), json!({"id": 3, "name": "stringa", "kind": "big"}));
        assert_eq!(
            synth(
                json!({"allOf": [{"type": "number"}, {"type": "integer", "minimum": 2}, {"maximum": 9, "multipleOf": 3}]})
            ),
            json!(3)
        );
        let err = synth_in(&json!({}), json!({"allOf": [{"type": "string"}, {"type": "integer"}]})).unwrap_err();
        assert!(err.contains("nothing in common"), "{err}");
    }

    #[test]
    fn one_of_with_overlapping_alternatives() {
        assert_eq!(synth(json!({"oneOf": [{"type": "number"}, {"type": "integer"}]})), json!(2.5));
        assert_eq!(synth(json!({"oneOf": [{"type": "integer"}, {"type": "number"}]})), json!(2.5));
        let objects = json!({"oneOf": [
            {"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}, "b": {"type": "integer"}}},
            {"type": "object", "required": ["b"], "properties": {"b": {"type": "integer"}}},
        ]});
        assert_eq!(synth(objects), json!({"a": "string"}));
        let loose = json!({"oneOf": [
            {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "integer"}}},
            {"type": "object", "required": ["b"], "properties": {"b": {"type": "integer"}}},
        ]});
        assert_eq!(synth(loose), json!({}));
        assert_eq!(
            synth(json!({"anyOf": [{"type": "string", "maxLength": 0, "minLength": 1}, {"type": "boolean"}]})),
            json!(true)
        );
        assert_eq!(
            synth(json!({"oneOf": [{"type": "string", "nullable": true, "enum": [null]}, {"type": "integer"}]})),
            json!(1)
        );
        assert_eq!(synth(json!({"type": "string", "not": {"enum": ["string"]}})), json!("string1"));
    }

    fn pets() -> Value {
        json!({"components": {"schemas": {
            "Pet": {
                "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
                "discriminator": {"propertyName": "petType", "mapping": {"kitty": "#/components/schemas/Cat", "doggo": "Dog"}},
            },
            "Cat": {"type": "object", "required": ["petType", "name"], "properties": {"petType": {"type": "string"}, "name": {"type": "string"}}},
            "Dog": {"type": "object", "required": ["petType", "bark"], "properties": {"petType": {"type": "string"}, "bark": {"type": "boolean"}}},
            "Lizard": {"allOf": [{"$ref": "#/components/schemas/Reptile"}, {"type": "object", "required": ["scales"], "properties": {"scales": {"type": "integer"}}}]},
            "Reptile": {"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string"}}, "discriminator": {"propertyName": "kind"}},
        }}})
    }

    #[test]
    fn discriminator_with_mapping() {
        let doc = pets();
        let values = Values::new(&doc);
        assert_eq!(
            values.synthesise("/components/schemas/Pet").unwrap(),
            json!({"petType": "kitty", "name": "string"})
        );
        let dogs_first = json!({"oneOf": [{"$ref": "#/components/schemas/Dog"}, {"$ref": "#/components/schemas/Cat"}],
            "discriminator": {"propertyName": "petType", "mapping": {"doggo": "Dog"}}});
        assert_eq!(synth_in(&doc, dogs_first).unwrap(), json!({"petType": "doggo", "bark": true}));
        assert_eq!(values.synthesise("/components/schemas/Lizard").unwrap(), json!({"kind": "Lizard", "scales": 1}));
    }

    #[test]
    fn recursion_terminates() {
        let doc = json!({"components": {"schemas": {
            "Tree": {"type": "object", "required": ["value"], "properties": {
                "value": {"type": "integer"},
                "children": {"type": "array", "items": {"$ref": "#/components/schemas/Tree"}},
                "parent": {"$ref": "#/components/schemas/Tree"},
            }},
            "Chain": {"type": "object", "required": ["next"], "properties": {"next": {"$ref": "#/components/schemas/Chain"}}},
            "List": {"type": "object", "required": ["head", "tail"], "properties": {
                "head": {"type": "integer"},
                "tail": {"oneOf": [{"$ref": "#/components/schemas/List"}, {"type": "string", "enum": ["end"]}]},
            }},
            "Json": {"anyOf": [{"type": "object", "additionalProperties": {"$ref": "#/components/schemas/Json"}}, {"type": "string"}]},
        }}});
        let values = Values::new(&doc);
        assert_eq!(
            values.synthesise("/components/schemas/Tree").unwrap(),
            json!({"value": 1, "children": [{"value": 1}, {"value": 1}], "parent": {"value": 1}})
        );
        let err = values.synthesise("/components/schemas/Chain").unwrap_err();
        assert!(err.contains("requires itself without end"), "{err}");
        assert_eq!(
            values.synthesise("/components/schemas/List").unwrap(),
            json!({"head": 1, "tail": {"head": 1, "tail": {"head": 1, "tail": "end"}}})
        );
        assert_eq!(values.synthesise("/components/schemas/Json").unwrap(), json!({}));
    }

    #[test]
    fn deterministic() {
        let mut doc = pets();
        doc["components"]["schemas"]["Order"] = json!({"type": "object", "required": ["pets", "at"], "properties": {
            "pets": {"type": "array", "minItems": 2, "uniqueItems": true, "items": {"$ref": "#/components/schemas/Pet"}},
            "at": {"type": "string", "format": "date-time"},
            "note": {"type": "string", "pattern": "^[A-Z][a-z]+( [a-z]+)*$", "minLength": 12},
            "amount": {"type": "number", "exclusiveMinimum": 0, "multipleOf": 0.01},
        }});
        let first = Values::new(&doc).synthesise("/components/schemas/Order").unwrap();
        let second = Values::new(&doc.clone()).synthesise("/components/schemas/Order").unwrap();
        assert_eq!(first, second);
        assert_eq!(
            first,
            json!({"pets": [{"petType": "kitty", "name": "string"}, {"petType": "kitty", "name": "string1"}],
                   "at": "2024-01-02T03:04:05Z", "note": "Aaaaaaaaaaaa", "amount": 1})
        );
    }
}
