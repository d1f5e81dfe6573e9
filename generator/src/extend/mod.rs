//! Extending a hand-written spec from an upstream one: [`add_operations`] copies operations and
//! everything they reference (schemas, parameters, responses, request bodies, headers,
//! examples, links, callbacks, the security schemes they name) into the spec's text.
//!
//! - A component the spec already has in the same shape (`shape.rs`: equal after following
//!   references, annotations aside) is reused, not copied; a name the spec uses for another
//!   shape gets a free one (`Name_2`), and every reference in what is copied follows it.
//! - The spec is edited as text (`text.rs` finds where, `yaml.rs` writes the new entries in
//!   its indentation): comments, blank lines, quoting and order of what is there stay byte for
//!   byte. The result is read back and must equal the spec plus exactly what was added, and it
//!   must load and lower; otherwise nothing is returned.
//!
//! No file I/O: [`crate::project::add_operations`] reads and writes the files.

mod shape;
mod text;
mod yaml;

use crate::diag::{Diagnostic, Diagnostics};
use indexmap::IndexMap;
use serde_json::{Map, Value};
use shape::Shapes;
use std::collections::HashSet;

/// The component sections, in the order new ones are written.
const KINDS: [&str; 9] = [
    "schemas",
    "responses",
    "parameters",
    "examples",
    "requestBodies",
    "headers",
    "securitySchemes",
    "links",
    "callbacks",
];

/// How deep references and values are followed (specs nest far less).
const MAX_DEPTH: usize = 512;

/// The result of [`add_operations`]: the new spec text and what went into it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extension {
    /// The whole spec with the operations and components added.
    pub text: String,
    /// The operations added, as `METHOD /path (operationId)`, in the order asked for.
    pub operations: Vec<String>,
    /// Each component the copied operations need, in the order first referenced.
    pub components: Vec<Placement>,
}

/// What happened to one upstream component.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    /// The section (`schemas`, `parameters`, ...).
    pub kind: String,
    /// Its name in the upstream spec.
    pub upstream: String,
    /// Its name in the extended spec.
    pub name: String,
    /// Whether it was reused, added, or added under a new name.
    pub how: How,
}

/// See [`Placement`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum How {
    /// The spec already had a component of this shape (named [`Placement::name`]).
    Reused,
    /// Copied under its upstream name.
    Added,
    /// Copied under a new name: the spec has another component under the upstream one.
    Renamed,
}

impl std::fmt::Display for Placement {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Placement { kind, upstream, name, how } = self;
        match how {
            How::Reused if upstream == name => write!(f, "reused {kind}/{name} (same shape)"),
            How::Reused => write!(f, "reused {kind}/{name} for upstream {kind}/{upstream} (same shape)"),
            How::Added => write!(f, "added {kind}/{name}"),
            How::Renamed => write!(f, "added {kind}/{upstream} as {kind}/{name} (the spec has another {upstream})"),
        }
    }
}

/// Copies the operations `selectors` names (each an `operationId`, or `METHOD /path`) and the
/// closure of what they reference from the `upstream` spec (JSON or YAML; OpenAPI 3.0, 3.1,
/// 3.2 or Swagger 2.0, read as 3.0) into the `spec` text (OpenAPI 3.0, YAML in block style).
///
/// Errors, all found before anything is returned, each located: an operation not found (with
/// the nearest names), one the spec already has, a reference that leaves the upstream's
/// components, a spec this cannot insert into, and a result that would not load.
pub fn add_operations(spec: &str, upstream: &str, selectors: &[&str]) -> Result<Extension, Diagnostics> {
    let target = crate::load::document(spec).map_err(|d| prefixed("the spec", d))?;
    let mut source = crate::load::document(upstream).map_err(|d| prefixed("the upstream spec", d))?;
    let upgraded = crate::upgrade::upgrade(&mut source).map_err(|d| prefixed("the upstream spec", d))?;
    if !upgraded.errors.is_empty() {
        return Err(prefixed("the upstream spec", upgraded.errors));
    }
    match target.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.0") => {}
        other => {
            let found = other.map_or("no `openapi` version".to_string(), |v| format!("OpenAPI {v}"));
            return Err(Diagnostics(vec![Diagnostic::unsupported(
                "/openapi",
                format!("the spec is {found}; operations are added to OpenAPI 3.0 documents"),
            )]));
        }
    }
    let picked = select(&target, &source, selectors, spec)?;
    let mut plan = Plan::new(&source, &target);
    let mut operations = Vec::new();
    for (path, method, op) in &picked {
        let op = plan.operation(path, method, op);
        operations.push((path.clone(), method.clone(), op));
    }
    if !plan.errors.is_empty() {
        return Err(Diagnostics(plan.errors));
    }
    for (_, _, op) in &mut operations {
        plan.rewrite(op);
    }
    let mut added: IndexMap<&str, Vec<(String, Value)>> = IndexMap::new();
    for placement in plan.placements.values() {
        if placement.how == How::Reused {
            continue;
        }
        let pointer = crate::diag::ptr("/components", &[&placement.kind, &placement.upstream]);
        let mut body = source.pointer(&pointer).cloned().unwrap_or(Value::Null);
        plan.rewrite(&mut body);
        let kind = KINDS.iter().find(|k| **k == placement.kind).copied().unwrap_or("schemas");
        added.entry(kind).or_default().push((placement.name.clone(), body));
    }
    added.sort_by_cached_key(|k, _| KINDS.iter().position(|x| x == k));

    let text = insert(spec, &operations, &added).map_err(|m| Diagnostics(vec![Diagnostic::unsupported("", m)]))?;
    let components = plan.placements.clone().into_values().collect();
    drop(plan);
    let expected = expected(target, &operations, &added);
    match crate::load::document(&text) {
        Ok(read) if same_json(&read, &expected) => {}
        _ => {
            return Err(Diagnostics(vec![Diagnostic::internal(
                "",
                "the text written into the spec does not read back as the spec plus the added operations; \
                 nothing was written (a layout add-operation does not handle: please report it)",
            )]))
        }
    }
    if let Err(d) = crate::lower_with_warnings(&text) {
        let mut list =
            vec![Diagnostic::invalid("", "with the operations added, the spec would not load; nothing was written")];
        list.extend(d.0);
        return Err(Diagnostics(list));
    }
    let operations = operations
        .iter()
        .map(|(path, method, op)| {
            let id = op.get("operationId").and_then(Value::as_str).map(|id| format!(" ({id})")).unwrap_or_default();
            format!("{} {path}{id}", method.to_uppercase())
        })
        .collect();
    Ok(Extension { text, operations, components })
}

fn prefixed(what: &str, list: Vec<Diagnostic>) -> Diagnostics {
    Diagnostics(
        list.into_iter()
            .map(|mut d| {
                d.message = format!("{what}: {}", d.message);
                d
            })
            .collect(),
    )
}

/// Every operation of a document: `(path, method, operation)`, in document order.
fn operations_of(doc: &Value) -> Vec<(&str, &str, &Value)> {
    let mut out = Vec::new();
    for (path, item) in doc.get("paths").and_then(Value::as_object).into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            if crate::upgrade::METHODS.contains(&method.as_str()) && op.is_object() {
                out.push((path.as_str(), method.as_str(), op));
            }
        }
    }
    out
}

/// The upstream operations the selectors name, each checked absent from the spec.
fn select(
    target: &Value,
    source: &Value,
    selectors: &[&str],
    spec: &str,
) -> Result<Vec<(String, String, Value)>, Diagnostics> {
    let all = operations_of(source);
    let existing = operations_of(target);
    let lines: Vec<&str> = spec.lines().collect();
    let mut errors = Vec::new();
    let mut picked: Vec<(String, String, Value)> = Vec::new();
    if selectors.is_empty() {
        errors.push(Diagnostic::invalid("", "no operation given: name one by operationId or as `METHOD /path`"));
    }
    for selector in selectors {
        let selector = selector.trim();
        let found = match selector.split_once(char::is_whitespace) {
            Some((method, path)) => {
                let (method, path) = (method.to_ascii_lowercase(), path.trim());
                all.iter().find(|(p, m, _)| *p == path && *m == method)
            }
            None => all.iter().find(|(_, _, op)| op.get("operationId").and_then(Value::as_str) == Some(selector)),
        };
        let Some(&(path, method, op)) = found else {
            errors.push(not_found(selector, &all));
            continue;
        };
        let pointer = crate::diag::ptr("/paths", &[path, method]);
        let id = op.get("operationId").and_then(Value::as_str);
        let same_id = |other: &Value| id.is_some() && other.get("operationId").and_then(Value::as_str) == id;
        if let Some((p, m, _)) = existing.iter().find(|(p, m, other)| (*p == path && *m == method) || same_id(other)) {
            let mut d = Diagnostic::invalid(
                crate::diag::ptr("/paths", &[p, m]),
                format!("`{selector}` is already present in the spec as {} {p}; nothing was written", m.to_uppercase()),
            );
            d.line = crate::load::line_in(&lines, &d.pointer);
            errors.push(d);
            continue;
        }
        if picked.iter().any(|(p, m, _)| p == path && m == method) {
            errors.push(Diagnostic::invalid(pointer, format!("`{selector}` names an operation already selected")));
            continue;
        }
        picked.push((path.to_string(), method.to_string(), op.clone()));
    }
    if errors.is_empty() {
        Ok(picked)
    } else {
        Err(Diagnostics(errors))
    }
}

fn not_found(selector: &str, all: &[(&str, &str, &Value)]) -> Diagnostic {
    let by_path = selector.contains(char::is_whitespace);
    let mut names: Vec<(usize, usize, String)> = all
        .iter()
        .enumerate()
        .filter_map(|(i, (path, method, op))| {
            let name = if by_path {
                format!("{} {path}", method.to_uppercase())
            } else {
                op.get("operationId").and_then(Value::as_str)?.to_string()
            };
            Some((distance(&selector.to_lowercase(), &name.to_lowercase()), i, name))
        })
        .collect();
    names.sort();
    let near: Vec<String> = names.iter().take(3).map(|(_, _, n)| format!("`{n}`")).collect();
    let searched = if by_path {
        format!("the method and path of its {} operations", all.len())
    } else {
        format!("the operationId of its {} operations (name one as `METHOD /path` to search by path)", all.len())
    };
    let near = if near.is_empty() { String::new() } else { format!("; nearest: {}", near.join(", ")) };
    Diagnostic::invalid("/paths", format!("no operation `{selector}` in the upstream spec: searched {searched}{near}"))
}

/// Levenshtein distance, on characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = i;
        let mut next = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let left = next.last().copied().unwrap_or(0);
            let up = row.get(j + 1).copied().unwrap_or(0);
            let cost = if ca == *cb { diagonal } else { diagonal + 1 };
            diagonal = up;
            next.push(cost.min(left + 1).min(up + 1));
        }
        row = next;
    }
    row.last().copied().unwrap_or(0)
}

/// A reference into the components: section, name, and what follows (as written).
struct ComponentRef<'r> {
    kind: String,
    name: String,
    rest: &'r str,
}

fn component_ref(reference: &str) -> Result<ComponentRef<'_>, String> {
    let Some(raw) = reference.strip_prefix("#/components/") else {
        return Err(if reference.starts_with('#') {
            format!("the reference `{reference}` points outside `components`; add-operation copies components only")
        } else {
            format!("the reference `{reference}` is to another document; add-operation copies from one document")
        });
    };
    let (kind, raw) = raw.split_once('/').ok_or_else(|| format!("the reference `{reference}` names no component"))?;
    let (name, rest) = match raw.find('/') {
        Some(i) => (raw.get(..i).unwrap_or_default(), raw.get(i..).unwrap_or_default()),
        None => (raw, ""),
    };
    let name = crate::normalize::percent_decode(name).replace("~1", "/").replace("~0", "~");
    if !KINDS.contains(&kind) {
        return Err(format!("the reference `{reference}` is to an unknown component section `{kind}`"));
    }
    Ok(ComponentRef { kind: kind.to_string(), name, rest })
}

/// The closure being copied: what each upstream component becomes.
struct Plan<'d> {
    source: &'d Value,
    target: &'d Value,
    shapes: Shapes<'d>,
    placements: IndexMap<(String, String), Placement>,
    /// Names the spec has or that new components took, per section.
    taken: HashSet<(String, String)>,
    errors: Vec<Diagnostic>,
}

impl<'d> Plan<'d> {
    fn new(source: &'d Value, target: &'d Value) -> Self {
        let mut taken = HashSet::new();
        for kind in KINDS {
            for name in target
                .pointer(&format!("/components/{kind}"))
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .map(|m| m.0)
            {
                taken.insert((kind.to_string(), name.clone()));
            }
        }
        Plan {
            source,
            target,
            shapes: Shapes::new(source, target),
            placements: IndexMap::new(),
            taken,
            errors: Vec::new(),
        }
    }

    /// The operation as it will be written (path-level parameters and servers, and the
    /// upstream's default security when it differs from the spec's, made its own), with every
    /// component it needs planned.
    fn operation(&mut self, path: &str, method: &str, op: &Value) -> Value {
        let mut op = op.clone();
        let item = self.source.get("paths").and_then(|p| p.get(path));
        let here = crate::diag::ptr("/paths", &[path, method]);
        if let (Some(shared), Some(map)) =
            (item.and_then(|i| i.get("parameters")).and_then(Value::as_array), op.as_object_mut())
        {
            let own: Vec<(String, String)> = map
                .get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|p| self.param_key(p))
                .collect();
            let mut params: Vec<Value> =
                shared.iter().filter(|p| self.param_key(p).is_none_or(|k| !own.contains(&k))).cloned().collect();
            params.extend(map.get("parameters").and_then(Value::as_array).into_iter().flatten().cloned());
            if !params.is_empty() {
                map.insert("parameters".into(), Value::Array(params));
            }
        }
        if let (Some(servers), Some(map)) = (item.and_then(|i| i.get("servers")), op.as_object_mut()) {
            map.entry("servers").or_insert_with(|| servers.clone());
        }
        if let (Some(security), Some(map)) = (self.source.get("security"), op.as_object_mut()) {
            if !map.contains_key("security") && self.target.get("security") != Some(security) {
                map.insert("security".into(), security.clone());
            }
        }
        let mut queue = Vec::new();
        references(&op, &mut queue, 0);
        for name in security_names(&op) {
            queue.push(scheme_ref(&name));
        }
        self.close(queue, &here);
        op
    }

    /// `(name, in)` of a parameter, following a reference.
    fn param_key(&self, p: &Value) -> Option<(String, String)> {
        let p = match p.get("$ref").and_then(Value::as_str) {
            Some(r) => shape::resolve(self.source, r)?,
            None => p,
        };
        Some((p.get("name")?.as_str()?.to_string(), p.get("in")?.as_str()?.to_string()))
    }

    /// Plans every component the references in `queue` reach (breadth first).
    fn close(&mut self, mut queue: Vec<String>, from: &str) {
        let mut next = 0;
        while let Some(reference) = queue.get(next).cloned() {
            next += 1;
            let r = match component_ref(&reference) {
                Ok(r) => r,
                Err(message) => {
                    self.errors.push(Diagnostic::unsupported(from, message));
                    continue;
                }
            };
            let key = (r.kind.clone(), r.name.clone());
            if self.placements.contains_key(&key) {
                continue;
            }
            let pointer = crate::diag::ptr("/components", &[&r.kind, &r.name]);
            let Some(body) = self.source.pointer(&pointer) else {
                self.errors
                    .push(Diagnostic::invalid(from, format!("the upstream spec has no component for `{reference}`")));
                continue;
            };
            let placement = self.place(&r.kind, &r.name, &pointer);
            if placement.how != How::Reused {
                references(body, &mut queue, 0);
                if r.kind == "callbacks" {
                    for name in security_names(body) {
                        queue.push(scheme_ref(&name));
                    }
                }
            }
            self.placements.insert(key, placement);
        }
    }

    fn place(&mut self, kind: &str, name: &str, pointer: &str) -> Placement {
        let placement = |how, new: &str| Placement { kind: kind.into(), upstream: name.into(), name: new.into(), how };
        if self.target.pointer(pointer).is_some() && self.shapes.same(pointer, pointer) {
            return placement(How::Reused, name);
        }
        // A security scheme is named by requirement objects, not references: only reused by name.
        if kind != "securitySchemes" {
            let names = self.target.pointer(&format!("/components/{kind}")).and_then(Value::as_object);
            for other in names.into_iter().flatten().map(|m| m.0) {
                if self.shapes.same(pointer, &crate::diag::ptr("/components", &[kind, other])) {
                    return placement(How::Reused, other);
                }
            }
        }
        let taken = &self.taken;
        let new = crate::upgrade::free_name(name, |n| taken.contains(&(kind.to_string(), n.to_string())));
        self.taken.insert((kind.to_string(), new.clone()));
        placement(if new == name { How::Added } else { How::Renamed }, &new)
    }

    /// Points the references (and security requirements) of a copied value at the planned names.
    fn rewrite(&self, value: &mut Value) {
        let placements = &self.placements;
        let renamed = |reference: &str| {
            let r = component_ref(reference).ok()?;
            let p = placements.get(&(r.kind.clone(), r.name.clone()))?;
            (p.name != r.name)
                .then(|| format!("#/components/{}/{}{}", r.kind, p.name.replace('~', "~0").replace('/', "~1"), r.rest))
        };
        crate::upgrade::rewrite_refs(value, &renamed);
        rewrite_mappings(
            value,
            &renamed,
            &|name: &str| placements.get(&("schemas".to_string(), name.to_string())).map(|p| p.name.clone()),
            0,
        );
        let scheme =
            |name: &str| placements.get(&("securitySchemes".to_string(), name.to_string())).map(|p| p.name.clone());
        rename_security(value, &scheme, 0);
    }
}

/// Keywords whose value is data (examples, defaults, enums): a `$ref` key in one is not a
/// reference.
fn is_data(key: &str) -> bool {
    matches!(key, "example" | "value" | "default" | "enum" | "const")
}

/// Keywords whose value maps names the spec chose (property names, media types, status codes)
/// to objects of keywords: a property named `default` or `$ref` is not the keyword.
fn names_under(key: &str) -> bool {
    matches!(
        key,
        "properties"
            | "patternProperties"
            | "content"
            | "headers"
            | "encoding"
            | "responses"
            | "links"
            | "callbacks"
            | "examples"
            | "variables"
    )
}

/// Collects the `$ref`s under `value` (an object of keywords) and its discriminators' mappings
/// (as references).
fn references(value: &Value, out: &mut Vec<String>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                match (k.as_str(), v) {
                    ("$ref", Value::String(r)) => out.push(r.clone()),
                    ("discriminator", Value::Object(d)) => {
                        for target in d.get("mapping").and_then(Value::as_object).into_iter().flatten().map(|m| m.1) {
                            match target.as_str() {
                                Some(t) if t.contains('/') => out.push(t.to_string()),
                                Some(t) => out.push(format!("#/components/schemas/{t}")),
                                None => {}
                            }
                        }
                    }
                    (k, _) if is_data(k) => {}
                    (k, Value::Object(names)) if names_under(k) => {
                        names.values().for_each(|v| references(v, out, depth + 1));
                    }
                    _ => references(v, out, depth + 1),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| references(v, out, depth + 1)),
        _ => {}
    }
}

/// A reference to the security scheme `name` (requirements name schemes, not references).
fn scheme_ref(name: &str) -> String {
    format!("#/components/securitySchemes/{}", name.replace('~', "~0").replace('/', "~1"))
}

/// The security scheme names an operation's requirements use.
fn security_names(op: &Value) -> Vec<String> {
    let list = op.get("security").and_then(Value::as_array);
    list.into_iter().flatten().filter_map(Value::as_object).flat_map(|r| r.keys().cloned()).collect()
}

/// Points discriminator mappings (references, or bare schema names) at the planned names.
fn rewrite_mappings(
    value: &mut Value,
    by_ref: &dyn Fn(&str) -> Option<String>,
    by_name: &dyn Fn(&str) -> Option<String>,
    depth: usize,
) {
    if depth > MAX_DEPTH {
        return;
    }
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                if k == "discriminator" {
                    for t in
                        v.get_mut("mapping").and_then(Value::as_object_mut).into_iter().flat_map(|m| m.values_mut())
                    {
                        let new = t.as_str().and_then(|s| if s.contains('/') { by_ref(s) } else { by_name(s) });
                        if let Some(new) = new {
                            *t = Value::String(new);
                        }
                    }
                } else if let (true, Value::Object(names)) = (names_under(k), &mut *v) {
                    names.values_mut().for_each(|v| rewrite_mappings(v, by_ref, by_name, depth + 1));
                } else if !is_data(k) {
                    rewrite_mappings(v, by_ref, by_name, depth + 1);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rewrite_mappings(v, by_ref, by_name, depth + 1)),
        _ => {}
    }
}

/// Renames the schemes in `security` requirement lists (of an operation, or of the operations
/// in a callback).
fn rename_security(value: &mut Value, scheme: &dyn Fn(&str) -> Option<String>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    if let Some(map) = value.as_object_mut() {
        if let Some(Value::Array(list)) = map.get_mut("security") {
            for requirement in list.iter_mut() {
                if let Value::Object(r) = requirement {
                    let renamed: Map<String, Value> =
                        std::mem::take(r).into_iter().map(|(k, v)| (scheme(&k).unwrap_or(k), v)).collect();
                    *r = renamed;
                }
            }
        }
        for (k, v) in map.iter_mut() {
            if let (true, Value::Object(names)) = (names_under(k), &mut *v) {
                names.values_mut().for_each(|v| rename_security(v, scheme, depth + 1));
            } else if k != "security" && !is_data(k) {
                rename_security(v, scheme, depth + 1);
            }
        }
    } else if let Some(items) = value.as_array_mut() {
        items.iter_mut().for_each(|v| rename_security(v, scheme, depth + 1));
    }
}

/// The spec as it should read after the insertion.
fn expected(
    mut target: Value,
    operations: &[(String, String, Value)],
    added: &IndexMap<&str, Vec<(String, Value)>>,
) -> Value {
    let Some(root) = target.as_object_mut() else { return target };
    if let Some(paths) = crate::upgrade::object_at(root, "paths") {
        for (path, method, op) in operations {
            if let Some(item) = crate::upgrade::object_at(paths, path) {
                item.insert(method.clone(), op.clone());
            }
        }
    }
    if !added.is_empty() {
        if let Some(components) = crate::upgrade::object_at(root, "components") {
            for (kind, entries) in added {
                if let Some(section) = crate::upgrade::object_at(components, kind) {
                    for (name, body) in entries {
                        section.insert(name.clone(), body.clone());
                    }
                }
            }
        }
    }
    target
}

/// JSON equality, maps in any order, numbers by value.
fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(i), Some(j)) => i == j,
            _ => x.as_f64() == y.as_f64(),
        },
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same_json(p, q)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same_json(v, w)))
        }
        _ => a == b,
    }
}

/// Text inserted after a line (`None`: at the end of the document).
struct Insertion {
    after: Option<usize>,
    text: String,
}

/// The spec text with the operations and components inserted in its layout.
fn insert(
    spec: &str,
    operations: &[(String, String, Value)],
    added: &IndexMap<&str, Vec<(String, Value)>>,
) -> Result<String, String> {
    let lines = text::lines(spec);
    let doc = text::document(&lines)?;
    let paths = text::child(&lines, &doc, "paths")?;
    let components = text::child(&lines, &doc, "components")?;
    let unit = [&paths, &components].into_iter().flatten().find_map(|m| m.child_indent.filter(|i| *i > 0)).unwrap_or(2);
    let mut insertions = Vec::new();
    // Methods added to path items the spec has, then new path items (after the last one).
    let mut new_items: IndexMap<&str, Map<String, Value>> = IndexMap::new();
    for (path, method, op) in operations {
        match paths.as_ref().map(|p| text::child(&lines, p, path)).transpose()?.flatten() {
            Some(item) => {
                let indent = item.child_indent.unwrap_or(item.indent.unwrap_or(0) + unit);
                let mut text = String::new();
                if item.spaced {
                    text.push('\n');
                }
                yaml::entry(&mut text, indent, unit, method, op);
                insertions.push(Insertion { after: Some(item.last), text });
            }
            None => {
                new_items.entry(path.as_str()).or_default().insert(method.clone(), op.clone());
            }
        }
    }
    if !new_items.is_empty() {
        let (after, indent, spaced, header) = match &paths {
            Some(p) => (Some(p.last), p.child_indent.unwrap_or(unit), p.spaced, None),
            None => (None, unit, false, Some("paths:\n")),
        };
        let mut text = header.map(|h| format!("\n{h}")).unwrap_or_default();
        for (path, item) in new_items {
            if spaced {
                text.push('\n');
            }
            yaml::entry(&mut text, indent, unit, path, &Value::Object(item));
        }
        insertions.push(Insertion { after, text });
    }
    // Components: into the sections the spec has, then new sections, else a new `components`.
    let mut new_sections = String::new();
    let section_indent = components.as_ref().and_then(|c| c.child_indent).unwrap_or(unit);
    for (kind, entries) in added {
        let section = components.as_ref().map(|c| text::child(&lines, c, kind)).transpose()?.flatten();
        match section {
            Some(s) => {
                let indent = s.child_indent.unwrap_or(section_indent + unit);
                let mut text = String::new();
                for (name, body) in entries {
                    if s.spaced {
                        text.push('\n');
                    }
                    yaml::entry(&mut text, indent, unit, name, body);
                }
                insertions.push(Insertion { after: Some(s.last), text });
            }
            None => {
                if components.as_ref().is_some_and(|c| c.spaced) {
                    new_sections.push('\n');
                }
                let section: Map<String, Value> = entries.iter().cloned().collect();
                yaml::entry(&mut new_sections, section_indent, unit, kind, &Value::Object(section));
            }
        }
    }
    if !new_sections.is_empty() {
        match &components {
            Some(c) => insertions.push(Insertion { after: Some(c.last), text: new_sections }),
            None => insertions.push(Insertion { after: None, text: format!("\ncomponents:\n{new_sections}") }),
        }
    }
    Ok(splice(spec, insertions))
}

/// Inserts each text after its line, in the order given for the same line; keeps the file's
/// line breaks (`\r\n` when it uses them).
fn splice(spec: &str, mut insertions: Vec<Insertion>) -> String {
    let crlf = spec.contains("\r\n");
    let fix = |t: &str| if crlf { t.replace('\n', "\r\n") } else { t.to_string() };
    insertions.sort_by_key(|i| i.after.map_or(usize::MAX, |l| l));
    let mut out = String::with_capacity(spec.len() + insertions.iter().map(|i| i.text.len()).sum::<usize>());
    let mut pending = insertions.into_iter().peekable();
    for (i, line) in spec.split_inclusive('\n').enumerate() {
        out.push_str(line);
        while let Some(ins) = pending.next_if(|ins| ins.after == Some(i)) {
            if !out.ends_with('\n') {
                out.push_str(if crlf { "\r\n" } else { "\n" });
            }
            out.push_str(&fix(&ins.text));
        }
    }
    for ins in pending {
        if !out.is_empty() && !out.ends_with('\n') {
            out.push_str(if crlf { "\r\n" } else { "\n" });
        }
        out.push_str(&fix(&ins.text));
    }
    out
}

#[cfg(test)]
mod tests;
