//! Spec text → `openapiv3::OpenAPI`. The only module that touches `serde_yaml`.

mod check;

use crate::diag::Diagnostic;
use crate::upgrade::Origins;
use openapiv3::OpenAPI;
use serde::Deserialize;
use serde_json::Value;

/// Parses YAML or JSON spec text. Swagger 2.0 and OpenAPI 3.1/3.2 documents are first rewritten
/// onto OpenAPI 3.0 (`crate::upgrade`). Besides the document: the warnings about it (legal,
/// harmless mistakes), with their lines.
#[cfg(test)]
pub fn load_with_warnings(text: &str) -> Result<(OpenAPI, Vec<Diagnostic>), Vec<Diagnostic>> {
    load_located(text).map(|(doc, warnings, _)| (doc, warnings))
}

/// [`load_with_warnings`], with where the nodes the upgrade from 2.0 or 3.1 moved came from: the
/// pointers of later findings (lowering's) are put back into the document as written with it.
/// Every diagnostic returned here already is.
pub(crate) fn load_located(text: &str) -> Result<(OpenAPI, Vec<Diagnostic>, Origins), Vec<Diagnostic>> {
    let mut value = parse(text)?;
    if !value.is_object() {
        let message = if value.is_null() { "the document is empty" } else { "the document is not a YAML/JSON object" };
        return Err(vec![Diagnostic::invalid("", message)]);
    }
    let upgraded = crate::upgrade::upgrade(&mut value)?;
    let origins = upgraded.origins;
    // Schema keywords are checked on the document as written (before references are
    // rewritten), each finding at its keyword; `openapiv3` would take some silently.
    // An upgraded document is checked after the upgrade (a `type` list is 3.0 by then), its
    // findings put back where they were written.
    let (mut warnings, checked): (Vec<Diagnostic>, Vec<Diagnostic>) =
        check::check(&value).into_iter().map(|d| origins.locate(d)).partition(|d| d.kind == crate::diag::Kind::Warning);
    let mut errors = upgraded.errors;
    errors.extend(checked);
    if !errors.is_empty() {
        return Err(errors);
    }
    warnings.splice(0..0, upgraded.warnings);
    if !warnings.is_empty() {
        // Lines for the first 50 (the cost grows with each; a report shows the first ones).
        let lines: Vec<&str> = text.lines().collect();
        for w in warnings.iter_mut().take(50) {
            w.line = line_in(&lines, &w.pointer);
        }
    }
    crate::normalize::normalize(&mut value);
    // A schema that fails to parse deep inside nested schemas makes serde retry each level
    // (openapiv3 tries several shapes per schema), which is exponential in the depth. Deeply
    // nested documents are therefore checked bottom-up first, which is linear per level and
    // also points at the innermost bad schema.
    let depth = schema_depth(&value, "", false, 0);
    if depth > MAX_SCHEMA_DEPTH {
        return Err(vec![Diagnostic::unsupported(
            "",
            format!("schemas are nested {depth} levels deep; at most {MAX_SCHEMA_DEPTH} are supported"),
        )]);
    }
    if depth > CHEAP_SCHEMA_DEPTH {
        if let Some((pointer, message)) = check_schemas(&value, "", false) {
            return Err(vec![Diagnostic::invalid(origins.original(&pointer), message)]);
        }
    }
    match deserialize(&value) {
        Ok(doc) => Ok((doc, warnings, origins)),
        // serde locates a shape error only at the top; find the innermost node that fails.
        Err(e) => Err(vec![match locate(&value, "", Node::Document) {
            Some((pointer, message)) => Diagnostic::invalid(origins.original(&pointer), message),
            None => Diagnostic::invalid("", strip_location(&e.to_string())),
        }]),
    }
}

/// Spec text → the document as written, as JSON (keys in their order), for `crate::extend`,
/// which copies parts of one document into another. No upgrade and no check.
pub(crate) fn document(text: &str) -> Result<Value, Vec<Diagnostic>> {
    let value = parse(text)?;
    if value.is_object() {
        Ok(value)
    } else {
        let message = if value.is_null() { "the document is empty" } else { "the document is not a YAML/JSON object" };
        Err(vec![Diagnostic::invalid("", message)])
    }
}

/// `OpenAPI::deserialize`, with `paths` and `components` (nearly all of a big document) read on
/// two threads. The result is the same: `OpenAPI`'s own impl reads each field independently.
fn deserialize(value: &Value) -> Result<OpenAPI, serde_json::Error> {
    let Some(map) = value.as_object() else { return OpenAPI::deserialize(value) };
    let (Some(paths), components) = (map.get("paths"), map.get("components")) else {
        return OpenAPI::deserialize(value);
    };
    let rest: serde_json::Map<String, Value> = map
        .iter()
        .filter(|(k, _)| *k != "components")
        .map(|(k, v)| (k.clone(), if k == "paths" { Value::Object(serde_json::Map::new()) } else { v.clone() }))
        .collect();
    let (paths, components) = std::thread::scope(|scope| {
        let read_paths = || openapiv3::Paths::deserialize(paths);
        let on_thread = crate::thread(scope, read_paths);
        let components = components.map(openapiv3::Components::deserialize).transpose();
        let paths = match on_thread {
            Some(handle) => handle.join(),
            None => Ok(read_paths()),
        };
        (paths, components)
    });
    let mut doc = OpenAPI::deserialize(&Value::Object(rest))?;
    // A panic on the other thread would be a bug in serde or openapiv3: reported, not resumed.
    doc.paths = paths.map_err(|_| serde::de::Error::custom("reading `paths` panicked"))??;
    doc.components = components?;
    Ok(doc)
}

/// Inline schemas nested deeper than this are not supported (real specs stay below 25).
const MAX_SCHEMA_DEPTH: usize = 64;
/// Up to this depth a failing schema costs at most 2^depth retries: cheap enough.
const CHEAP_SCHEMA_DEPTH: usize = 10;

/// The children of a JSON node that are schemas, given whether the node is one.
fn schema_children<'v>(value: &'v Value, is_schema: bool, pointer: &str) -> Vec<(&'v Value, bool, String)> {
    schema_children_at(value, is_schema, pointer, true)
}

/// [`schema_children`], building the children's pointers only when `with_pointers`.
fn schema_children_at<'v>(
    value: &'v Value,
    is_schema: bool,
    pointer: &str,
    with_pointers: bool,
) -> Vec<(&'v Value, bool, String)> {
    let ptr = |base: &str, token: &str| if with_pointers { crate::diag::ptr(base, &[token]) } else { String::new() };
    let mut out = Vec::new();
    let Some(map) = value.as_object() else {
        if let Some(items) = value.as_array() {
            for (i, v) in items.iter().enumerate() {
                out.push((v, false, if with_pointers { format!("{pointer}/{i}") } else { String::new() }));
            }
        }
        return out;
    };
    for (k, v) in map {
        let p = ptr(pointer, k);
        if k == "example" || k == "examples" || k.starts_with("x-") {
            continue;
        }
        let each = |out: &mut Vec<(&'v Value, bool, String)>, schema: bool| {
            if let Some(m) = v.as_object() {
                for (ck, cv) in m {
                    out.push((cv, schema, ptr(&p, ck)));
                }
            } else if let Some(items) = v.as_array() {
                for (i, cv) in items.iter().enumerate() {
                    out.push((cv, schema, if with_pointers { format!("{p}/{i}") } else { String::new() }));
                }
            }
        };
        match (is_schema, k.as_str()) {
            // `additionalProperties: false` (or `true`) is a boolean, not a schema.
            (true, "items" | "additionalProperties" | "not") if !v.is_boolean() => out.push((v, true, p)),
            (true, "properties" | "allOf" | "oneOf" | "anyOf") => each(&mut out, true),
            (true, _) => {}
            (false, "schema") => out.push((v, true, p)),
            (false, "schemas") if pointer == "/components" => each(&mut out, true),
            (false, _) => out.push((v, false, p)),
        }
    }
    out
}

/// The deepest chain of nested schemas.
fn schema_depth(value: &Value, pointer: &str, is_schema: bool, depth: usize) -> usize {
    if depth > MAX_SCHEMA_DEPTH * 4 {
        return depth;
    }
    // Only the path to `/components` matters for telling schemas apart; deeper pointers are
    // not needed, so they are not built.
    let top = pointer.is_empty();
    schema_children_at(value, is_schema, pointer, top)
        .into_iter()
        .map(|(v, schema, p)| {
            let p = if top && p == "/components" { p } else { String::from("-") };
            schema_depth(v, &p, schema, if schema { depth + 1 } else { depth })
        })
        .max()
        .unwrap_or(if is_schema { depth } else { 0 })
        .max(if is_schema { depth } else { 0 })
}

/// Checks the schemas children first, so that no check retries a failing child many times.
/// Only every [`CHECK_STRIDE`]-th level (counted up from the deepest leaf) is deserialized: a
/// bad schema then sits at most that many levels below a checked one whose checked descendants
/// passed, which bounds serde's retries; a failing check is narrowed down to the innermost bad
/// schema by checking its subtree at every level.
fn check_schemas(value: &Value, pointer: &str, is_schema: bool) -> Option<(String, String)> {
    // Pointers are built only once something failed: building one per node costs more than
    // the checks themselves.
    strided(value, pointer, is_schema).err().and_then(|()| check_every_level(value, pointer, is_schema))
}

/// Levels between two checks of [`check_schemas`].
const CHECK_STRIDE: usize = 6;

/// The height of `value` in schema levels, or `Err` when a schema under it fails.
fn strided(value: &Value, pointer: &str, is_schema: bool) -> Result<usize, ()> {
    let mut height = 0;
    // As in `schema_depth`: only the path to `/components` is needed to tell schemas apart.
    let top = pointer.is_empty();
    for (child, schema, p) in schema_children_at(value, is_schema, pointer, top) {
        let p = if top && p == "/components" { p } else { String::from("-") };
        let h = strided(child, &p, schema)?;
        height = height.max(if schema { h + 1 } else { h });
    }
    if is_schema
        && height > 0
        && height % CHECK_STRIDE == 0
        && fits::<openapiv3::ReferenceOr<openapiv3::Schema>>(value).is_some()
    {
        return Err(());
    }
    Ok(height)
}

/// Checks every schema under `value`, children first: the innermost failing one.
fn check_every_level(value: &Value, pointer: &str, is_schema: bool) -> Option<(String, String)> {
    for (child, schema, p) in schema_children(value, is_schema, pointer) {
        if let Some(found) = check_every_level(child, &p, schema) {
            return Some(found);
        }
    }
    if is_schema {
        if let Some(message) = fits::<openapiv3::ReferenceOr<openapiv3::Schema>>(value) {
            return Some((refine(value, pointer, &message), message));
        }
    }
    None
}

/// Text → JSON value. JSON documents take the fast path; YAML is read with `serde_yaml` and
/// converted (YAML allows non-string keys such as unquoted status codes: they become strings).
pub(crate) fn parse(text: &str) -> Result<Value, Vec<Diagnostic>> {
    if text.trim_start().starts_with('{') {
        if let Ok(v) = serde_json::from_str::<Value>(text) {
            return Ok(v);
        }
    }
    let yaml: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| vec![yaml_error(&e, "")])?;
    Ok(yaml_to_json(yaml))
}

fn yaml_to_json(value: serde_yaml::Value) -> Value {
    match value {
        serde_yaml::Value::Null => Value::Null,
        serde_yaml::Value::Bool(b) => Value::Bool(b),
        serde_yaml::Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                n.as_f64().and_then(serde_json::Number::from_f64).map(Value::Number).unwrap_or(Value::Null)
            }
        }
        serde_yaml::Value::String(s) => Value::String(s),
        serde_yaml::Value::Sequence(items) => Value::Array(items.into_iter().map(yaml_to_json).collect()),
        serde_yaml::Value::Mapping(map) => {
            Value::Object(map.into_iter().map(|(k, v)| (key_text(&k), yaml_to_json(v))).collect())
        }
        serde_yaml::Value::Tagged(tagged) => yaml_to_json(tagged.value),
    }
}

fn strip_location(message: &str) -> String {
    // serde_yaml appends " at line N column M"; the line goes in its own field.
    match message.find(" at line ") {
        Some(idx) => message.get(..idx).unwrap_or(message).to_string(),
        None => message.to_string(),
    }
}

fn yaml_error(e: &serde_yaml::Error, pointer: &str) -> Diagnostic {
    let location = e.location();
    let column = location.as_ref().map(|l| format!(" (column {})", l.column())).unwrap_or_default();
    let mut d = Diagnostic::invalid(pointer, format!("not valid YAML: {}{column}", strip_location(&e.to_string())));
    d.line = location.map(|l| l.line());
    d
}

/// The parts of an OpenAPI document whose shape is checked one by one to locate an error.
#[derive(Clone, Copy)]
enum Node {
    Document,
    Components,
    PathItem,
    Operation,
    Parameter,
    RequestBody,
    Responses,
    Response,
    MediaType,
    Header,
    Schema,
    SecurityScheme,
}

/// Tries `value` as `T`: `None` when it fits, else serde's message.
fn fits<'v, T: serde::Deserialize<'v>>(value: &'v Value) -> Option<String> {
    T::deserialize(value).err().map(|e| strip_location(&e.to_string()))
}

fn key_text(key: &serde_yaml::Value) -> String {
    match key {
        serde_yaml::Value::String(s) => s.clone(),
        other => serde_yaml::to_string(other).unwrap_or_default().trim().to_string(),
    }
}

/// The innermost node under `value` (of kind `node`) that does not deserialize, as a JSON
/// pointer and serde's message; `None` when `value` is fine.
fn locate(value: &Value, pointer: &str, node: Node) -> Option<(String, String)> {
    use openapiv3::{Components, Header, MediaType, Operation, Parameter, PathItem, RequestBody, Response};
    use openapiv3::{ReferenceOr, Responses, Schema, SecurityScheme};
    let message = match node {
        Node::Document => fits::<OpenAPI>(value),
        Node::Components => fits::<Components>(value),
        Node::PathItem => fits::<ReferenceOr<PathItem>>(value),
        Node::Operation => fits::<Operation>(value),
        Node::Parameter => fits::<ReferenceOr<Parameter>>(value),
        Node::RequestBody => fits::<ReferenceOr<RequestBody>>(value),
        Node::Responses => fits::<Responses>(value),
        Node::Response => fits::<ReferenceOr<Response>>(value),
        Node::MediaType => fits::<MediaType>(value),
        Node::Header => fits::<ReferenceOr<Header>>(value),
        Node::Schema => fits::<ReferenceOr<Schema>>(value),
        Node::SecurityScheme => fits::<ReferenceOr<SecurityScheme>>(value),
    }?;
    // Children worth a closer look: (key path, kind, is a map of them, is a list of them).
    let children: &[(&str, Node, Shape)] = match node {
        Node::Document => &[("paths", Node::PathItem, Shape::Map), ("components", Node::Components, Shape::One)],
        Node::Components => &[
            ("schemas", Node::Schema, Shape::Map),
            ("parameters", Node::Parameter, Shape::Map),
            ("requestBodies", Node::RequestBody, Shape::Map),
            ("responses", Node::Response, Shape::Map),
            ("headers", Node::Header, Shape::Map),
            ("securitySchemes", Node::SecurityScheme, Shape::Map),
        ],
        Node::PathItem => &[
            ("get", Node::Operation, Shape::One),
            ("put", Node::Operation, Shape::One),
            ("post", Node::Operation, Shape::One),
            ("delete", Node::Operation, Shape::One),
            ("options", Node::Operation, Shape::One),
            ("head", Node::Operation, Shape::One),
            ("patch", Node::Operation, Shape::One),
            ("trace", Node::Operation, Shape::One),
            ("parameters", Node::Parameter, Shape::List),
        ],
        Node::Operation => &[
            ("parameters", Node::Parameter, Shape::List),
            ("requestBody", Node::RequestBody, Shape::One),
            ("responses", Node::Responses, Shape::One),
        ],
        Node::Parameter | Node::Header => {
            &[("schema", Node::Schema, Shape::One), ("content", Node::MediaType, Shape::Map)]
        }
        Node::RequestBody => &[("content", Node::MediaType, Shape::Map)],
        Node::Responses => &[("", Node::Response, Shape::Map)],
        Node::Response => &[("content", Node::MediaType, Shape::Map), ("headers", Node::Header, Shape::Map)],
        Node::MediaType => &[("schema", Node::Schema, Shape::One)],
        Node::Schema => &[
            ("properties", Node::Schema, Shape::Map),
            ("items", Node::Schema, Shape::One),
            ("additionalProperties", Node::Schema, Shape::One),
            ("allOf", Node::Schema, Shape::List),
            ("oneOf", Node::Schema, Shape::List),
            ("anyOf", Node::Schema, Shape::List),
            ("not", Node::Schema, Shape::One),
        ],
        Node::SecurityScheme => &[],
    };
    for (key, kind, shape) in children {
        let (child, child_ptr) = if key.is_empty() {
            (Some(value), pointer.to_string())
        } else {
            (value.get(*key), crate::diag::ptr(pointer, &[key]))
        };
        let Some(child) = child else { continue };
        let found = match shape {
            Shape::One if !child.is_boolean() => locate(child, &child_ptr, *kind),
            Shape::One => None,
            Shape::Map => child.as_object().and_then(|m| {
                m.iter().find_map(|(k, v)| {
                    if k.starts_with("x-") {
                        return None;
                    }
                    locate(v, &crate::diag::ptr(&child_ptr, &[k]), *kind)
                })
            }),
            Shape::List => child.as_array().and_then(|items| {
                items
                    .iter()
                    .enumerate()
                    .find_map(|(i, v)| locate(v, &crate::diag::ptr(&child_ptr, &[&i.to_string()]), *kind))
            }),
        };
        if found.is_some() {
            return found;
        }
    }
    Some((refine(value, pointer, &message), message))
}

#[derive(Clone, Copy)]
enum Shape {
    One,
    Map,
    List,
}

/// Points at the offending key when serde names its value (`unknown variant `querry``).
fn refine(value: &Value, pointer: &str, message: &str) -> String {
    let named = message
        .strip_prefix("unknown variant `")
        .or_else(|| message.strip_prefix("invalid value: string \""))
        .and_then(|rest| rest.split(['`', '"']).next());
    let Some(bad) = named else { return pointer.to_string() };
    let hit = value
        .as_object()
        .and_then(|m| m.iter().find(|(_, v)| v.as_str() == Some(bad)).map(|(k, _)| crate::diag::ptr(pointer, &[k])));
    hit.unwrap_or_else(|| pointer.to_string())
}

/// Item `index` of a JSON array written one item per line (pretty-printed), its items starting
/// at the first indentation inside it: the line, indentation and whether it is a YAML item
/// (never) of the item's first line.
fn json_item(lines: &[&str], start: usize, min_indent: isize, index: usize) -> Option<(usize, isize, bool)> {
    let mut seen = 0usize;
    let mut item_indent = None;
    for (i, line) in lines.iter().enumerate().skip(start) {
        let trimmed = line.trim_start();
        if trimmed.is_empty() {
            continue;
        }
        let indent = (line.len() - trimmed.len()) as isize;
        if indent <= min_indent {
            return None;
        }
        let indent_here = *item_indent.get_or_insert(indent);
        if indent == indent_here && !trimmed.starts_with(['}', ']']) {
            if seen == index {
                return Some((i, indent, false));
            }
            seen += 1;
        }
    }
    None
}

/// Finds the 1-based line of the node a JSON pointer names, by following the keys through the
/// text's indentation. Works for block YAML and pretty-printed JSON; returns `None` when unsure.
/// The text comes split into lines, so that many pointers share one split.
pub fn line_in(lines: &[&str], pointer: &str) -> Option<usize> {
    let tokens: Vec<String> = pointer.split('/').skip(1).map(|t| t.replace("~1", "/").replace("~0", "~")).collect();
    let mut start = 0usize;
    let mut min_indent: isize = -1;
    let mut found = None;
    for token in &tokens {
        let mut hit = None;
        if let Ok(index) = token.parse::<usize>() {
            // An array item: count `- ` entries at the first indentation seen.
            let mut seen = 0usize;
            let mut item_indent = None;
            for (i, line) in lines.iter().enumerate().skip(start) {
                let indent = (line.len() - line.trim_start().len()) as isize;
                let trimmed = line.trim_start();
                if trimmed.is_empty() || trimmed.starts_with('#') {
                    continue;
                }
                if indent <= min_indent && i > start {
                    break;
                }
                if trimmed.starts_with("- ") || trimmed == "-" {
                    if item_indent.is_none() {
                        item_indent = Some(indent);
                    }
                    if item_indent == Some(indent) {
                        if seen == index {
                            hit = Some((i, indent, true));
                            break;
                        }
                        seen += 1;
                    }
                }
            }
            if item_indent.is_none() {
                hit = json_item(lines, start, min_indent, index);
            }
        }
        if hit.is_none() {
            for (i, line) in lines.iter().enumerate().skip(start) {
                let indent = (line.len() - line.trim_start().len()) as isize;
                let trimmed = line.trim_start().trim_start_matches("- ");
                if trimmed.is_empty() {
                    continue;
                }
                if indent <= min_indent
                    && i >= start
                    && !trimmed.starts_with('#')
                    && !(i == start && line.trim_start().starts_with("- "))
                {
                    break;
                }
                let keyed = [format!("{token}:"), format!("\"{token}\":"), format!("'{token}':")];
                if keyed.iter().any(|k| trimmed.starts_with(k.as_str())) {
                    hit = Some((i, indent, false));
                    break;
                }
            }
        }
        // The last token an index into a flow list (`required: [a, b]`) or a JSON array:
        // the list's own line is the best there is.
        if hit.is_none() && found.is_some() && token.parse::<usize>().is_ok() && Some(token) == tokens.last() {
            return found;
        }
        let (i, indent, item) = hit?;
        found = Some(i + 1);
        // An item's first key sits on the `- ` line itself.
        start = if item { i } else { i + 1 };
        min_indent = indent;
    }
    found
}

#[cfg(test)]
mod line_tests {
    use super::line_in;

    #[test]
    fn items_of_pretty_printed_json_arrays_have_lines() {
        let text = r#"{
  "paths": {
    "/x": {
      "get": {
        "parameters": [
          {
            "name": "a",
            "in": "query"
          },
          {
            "name": "b",
            "in": "query",
            "type": ["string", "null"]
          }
        ]
      }
    }
  }
}"#;
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(line_in(&lines, "/paths/~1x/get/parameters/0"), Some(6));
        assert_eq!(line_in(&lines, "/paths/~1x/get/parameters/1"), Some(10));
        assert_eq!(line_in(&lines, "/paths/~1x/get/parameters/1/type"), Some(13));
        assert_eq!(line_in(&lines, "/paths/~1x/get/parameters/0/in"), Some(8));
        // Past the end of the array: no guess.
        assert_eq!(line_in(&lines, "/paths/~1x/get/parameters/2/type"), None);
        // YAML lists are read as before.
        let yaml =
            "paths:\n  /x:\n    get:\n      parameters:\n        - name: a\n        - name: b\n          in: query\n";
        let lines: Vec<&str> = yaml.lines().collect();
        assert_eq!(line_in(&lines, "/paths/~1x/get/parameters/1/in"), Some(7));
    }
}
