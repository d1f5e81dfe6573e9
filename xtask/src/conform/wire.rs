//! A request body read back from the wire by OpenAPI 3.0's rules, for the bodies Prism's form
//! and multipart readers misread (see [`super::prism::Mode::BodyReadByHarness`]).
//!
//! The body is decoded from the bytes the proxy recorded and the `Content-Type` the client sent,
//! independently of the client's encoder, into the JSON value it stands for, which the validator
//! ([`super::validate`], `Direction::Request`) then checks against the request body schema:
//! - `application/x-www-form-urlencoded`: `+` and `%XX` decoded; each name is a top-level
//!   property, with the `style`/`explode` of its Encoding Object (`form` exploded by default:
//!   an array as repeated names; not exploded, or `spaceDelimited`/`pipeDelimited`, one
//!   delimited value), and bracket nesting (`a[b][0][c]=v`, `deepObject` and the convention that
//!   extends it to arrays: `[i]` indices from 0 without gaps) for nested objects and arrays;
//! - `multipart/form-data`: parts split by the boundary, named by `Content-Disposition`; a part
//!   sent as JSON (`application/json`, `*/*+json`) is parsed as JSON, every other part is text
//!   (a file as its text, or its bytes read lossily: a binary string);
//!
//! and the text of a value is typed by the schema at its place (through `$ref`, `allOf`, and the
//! alternative of an `anyOf`/`oneOf` that makes it valid): `"42"` becomes the integer 42 only
//! where the schema says `integer`, `"true"` a boolean only where it says `boolean`, and text the
//! schema does not make another type stays a string (so `""` is the empty string, as Stripe's
//! `anyOf: [..., {enum: [""]}]` declares it). What cannot be read (a name with broken brackets, a
//! part that is not JSON, a list with a gap) is an error naming where.

use super::validate::{validate, Direction};
use super::{escape, ref_pointer};
use serde_json::{Map, Number, Value};

/// `$ref` hops, `allOf` nesting and value depth followed when typing; a schema deeper than this
/// is read as `{}` (text stays a string).
const MAX_DEPTH: usize = 64;

/// How a body was read and judged: `Ok` when the decoded value is valid against the schema.
pub fn judge(doc: &Value, media_ptr: &str, content_type: &str, body: &[u8]) -> Result<Value, String> {
    let schema_ptr = format!("{media_ptr}/schema");
    let schema = doc.pointer(&schema_ptr).ok_or_else(|| format!("no request body schema at `{schema_ptr}`"))?;
    let value = decode(doc, media_ptr, content_type, body)?;
    match validate(doc, schema, &value, Direction::Request).into_iter().next() {
        None => Ok(value),
        Some(v) => {
            let mut message = format!(
                "invalid against `{schema_ptr}`: at {}: {}",
                if v.path.is_empty() { "(root)".to_string() } else { format!("`{}`", v.path) },
                v.message
            );
            if let Some(name) = unsent_required(&v.path, &v.message, content_type, body) {
                message.push_str(&format!("; the body as sent has no name `{name}` nor any under it"));
            }
            Err(message)
        }
    }
}

/// For a form body missing a required property: the name it would have had on the wire
/// (`shipping[address]`), when no name in the body is it or nested under it, to show that the
/// property was not sent at all (rather than sent and misread).
fn unsent_required(path: &str, message: &str, content_type: &str, body: &[u8]) -> Option<String> {
    if !content_type.to_ascii_lowercase().starts_with("application/x-www-form-urlencoded") {
        return None;
    }
    let (before, missing) = message.rsplit_once("missing required property \"")?;
    let missing = missing.split('"').next()?;
    // In a union's message the closest alternative names its own place: `... at a.b: missing`.
    let at = before.rsplit_once(" at ").map_or(path, |(_, p)| p.trim_end_matches(": "));
    if at.contains(['"', ' ']) {
        return None;
    }
    let mut name = String::new();
    for (i, step) in at.split('.').filter(|s| !s.is_empty() && *s != "(root)").enumerate() {
        let (key, index) = step.split_once('[').map_or((step, ""), |(k, rest)| (k, rest));
        name.push_str(&if i == 0 { key.to_string() } else { format!("[{key}]") });
        if !index.is_empty() {
            name.push('[');
            name.push_str(index);
        }
    }
    name = if name.is_empty() { missing.to_string() } else { format!("{name}[{missing}]") };
    let text = std::str::from_utf8(body).ok()?;
    let sent = text.split('&').filter_map(|pair| form_decode(pair.split('=').next()?).ok());
    let under = format!("{name}[");
    let found = sent.into_iter().any(|n| n == name || n.starts_with(&under));
    (!found).then_some(name)
}

/// The value a request body stands for, decoded by its media type (`content_type`, as sent)
/// with the Media Type Object at `media_ptr` (its `schema` and `encoding`).
pub fn decode(doc: &Value, media_ptr: &str, content_type: &str, body: &[u8]) -> Result<Value, String> {
    let schema = doc.pointer(&format!("{media_ptr}/schema")).unwrap_or(&Value::Null);
    let encoding = doc.pointer(&format!("{media_ptr}/encoding")).and_then(Value::as_object);
    let essence = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    let reader = Reader { doc };
    match essence.as_str() {
        "application/x-www-form-urlencoded" => {
            let text = std::str::from_utf8(body).map_err(|e| format!("the form body is not UTF-8: {e}"))?;
            reader.form(schema, encoding, text)
        }
        "multipart/form-data" => {
            let boundary = parameter(content_type, "boundary")
                .ok_or_else(|| format!("the multipart body's Content-Type `{content_type}` names no boundary"))?;
            reader.multipart(schema, body, &boundary)
        }
        other => Err(format!("the body was sent as `{other}`, not a form or multipart body")),
    }
}

/// A parameter of a header value (`boundary` of `multipart/form-data; boundary=x`), unquoted.
fn parameter(header: &str, name: &str) -> Option<String> {
    header.split(';').skip(1).find_map(|p| {
        let (n, v) = p.split_once('=')?;
        n.trim().eq_ignore_ascii_case(name).then(|| v.trim().trim_matches('"').to_string())
    })
}

/// What a form body holds under one name: its values as text, or names nested under it.
#[derive(Debug)]
enum Node {
    /// `name=a&name=b`: the texts, in order.
    Texts(Vec<String>),
    /// `name[k1]=...&name[k2][..]=...`: the keys in the order first sent.
    Tree(Vec<(String, Node)>),
}

impl Node {
    /// Puts `text` under the key path `keys` (the first is the name), or says why it cannot go
    /// there (`shown`: the name as sent).
    fn insert(&mut self, keys: &[String], text: String, shown: &str) -> Result<(), String> {
        let Node::Tree(entries) = self else {
            return Err(format!("`{shown}` nests keys under a name also sent with a value of its own"));
        };
        let Some((first, rest)) = keys.split_first() else {
            return Err(format!("`{shown}` has no name"));
        };
        let slot = match entries.iter().position(|(k, _)| k == first) {
            Some(i) => entries.get_mut(i).map(|(_, n)| n),
            None => {
                let node = if rest.is_empty() { Node::Texts(Vec::new()) } else { Node::Tree(Vec::new()) };
                entries.push((first.clone(), node));
                entries.last_mut().map(|(_, n)| n)
            }
        };
        let Some(slot) = slot else { return Err(format!("`{shown}` could not be placed")) };
        match (slot, rest.is_empty()) {
            (Node::Texts(texts), true) => {
                texts.push(text);
                Ok(())
            }
            (Node::Tree(_), true) => Err(format!("`{shown}` is sent with a value and with keys nested under it")),
            (Node::Texts(_), false) => {
                Err(format!("`{shown}` nests keys under a name also sent with a value of its own"))
            }
            (tree, false) => tree.insert(rest, text, shown),
        }
    }
}

/// `a[b][0][c]` as `["a", "b", "0", "c"]`; a trailing `[]` (a list's item, as some encoders
/// write it) adds nothing. Anything else that is not `name` followed by `[key]`s is an error.
fn name_path(name: &str) -> Result<Vec<String>, String> {
    let (base, mut rest) = match name.find('[') {
        Some(i) => (name.get(..i).unwrap_or_default(), name.get(i..).unwrap_or_default()),
        None => (name, ""),
    };
    if base.is_empty() {
        return Err(format!("the name `{name}` does not start with a property name"));
    }
    let mut out = vec![base.to_string()];
    while !rest.is_empty() {
        // Each key is a level of recursion when the value is built and typed.
        if out.len() > MAX_DEPTH {
            return Err(format!(
                "the name `{}…` nests more than {MAX_DEPTH} keys",
                name.chars().take(80).collect::<String>()
            ));
        }
        let inner = rest.strip_prefix('[').and_then(|r| r.split_once(']'));
        let Some((key, after)) = inner else {
            return Err(format!("the name `{name}` is not `name[key]...`: unbalanced brackets"));
        };
        if key.contains('[') {
            return Err(format!("the name `{name}` is not `name[key]...`: a bracket inside a key"));
        }
        if key.is_empty() {
            if !after.is_empty() {
                return Err(format!("the name `{name}` has `[]` before further keys"));
            }
        } else {
            out.push(key.to_string());
        }
        rest = after;
    }
    Ok(out)
}

/// `+` as a space, then `%XX` decoded (the form encoding of HTML and of OpenAPI's form bodies);
/// a `%` without two hex digits, or bytes that do not make UTF-8, are an error.
fn form_decode(text: &str) -> Result<String, String> {
    let spaced = text.replace('+', " ");
    let broken = spaced.match_indices('%').any(|(i, _)| {
        let hex = spaced.get(i + 1..i + 3).unwrap_or_default();
        hex.len() != 2 || !hex.chars().all(|c| c.is_ascii_hexdigit())
    });
    if broken {
        return Err(format!("`{text}` has a `%` not followed by two hex digits"));
    }
    String::from_utf8(raw_percent(&spaced)).map_err(|_| format!("`{text}` does not decode to UTF-8"))
}

/// The bytes `%XX` sequences stand for (others as they are).
fn raw_percent(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
            Some(v) if b == b'%' => {
                out.push(v);
                i += 3;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

/// Reads values against the schemas of one spec.
struct Reader<'a> {
    doc: &'a Value,
}

/// A part of a multipart body.
struct Part {
    content_type: Option<String>,
    data: Vec<u8>,
}

impl<'a> Reader<'a> {
    /// `schema` with its `$ref`s followed (`{}` when one dangles or loops).
    fn resolve(&self, schema: &'a Value) -> &'a Value {
        let mut at = schema;
        for _ in 0..32 {
            let Some(r) = at.get("$ref").and_then(Value::as_str) else { return at };
            match ref_pointer(r).and_then(|p| self.doc.pointer(&p)) {
                Some(next) => at = next,
                None => return &EMPTY,
            }
        }
        &EMPTY
    }

    /// `schema` resolved and every `allOf` part under it (resolved), depth first.
    fn parts(&self, schema: &'a Value) -> Vec<&'a Value> {
        let mut out = Vec::new();
        let mut stack = vec![(schema, 0usize)];
        while let Some((s, depth)) = stack.pop() {
            let s = self.resolve(s);
            out.push(s);
            if depth < MAX_DEPTH {
                let all = s.get("allOf").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
                stack.extend(all.iter().rev().map(|p| (p, depth + 1)));
            }
        }
        out
    }

    /// The `type`s the schema's parts declare.
    fn types(&self, schema: &'a Value) -> Vec<&'a str> {
        let mut out = Vec::new();
        for p in self.parts(schema) {
            match p.get("type") {
                Some(Value::String(t)) => out.push(t.as_str()),
                Some(Value::Array(ts)) => out.extend(ts.iter().filter_map(Value::as_str)),
                _ => {}
            }
        }
        out
    }

    /// The alternatives of the first `anyOf`/`oneOf` among the schema's parts.
    fn alternatives(&self, schema: &'a Value) -> Vec<&'a Value> {
        self.parts(schema)
            .into_iter()
            .find_map(|p| p.get("anyOf").or_else(|| p.get("oneOf")).and_then(Value::as_array))
            .map(|alts| alts.iter().collect())
            .unwrap_or_default()
    }

    /// The schema of property `key`: declared in some part's `properties`, else its
    /// `additionalProperties`, else `{}`.
    fn property(&self, schema: &'a Value, key: &str) -> &'a Value {
        let parts = self.parts(schema);
        parts
            .iter()
            .find_map(|p| p.get("properties").and_then(|ps| ps.get(key)))
            .or_else(|| parts.iter().find_map(|p| p.get("additionalProperties").filter(|a| a.is_object())))
            .unwrap_or(&EMPTY)
    }

    /// The schema of an array's items (`{}` when none is declared).
    fn items(&self, schema: &'a Value) -> &'a Value {
        self.parts(schema).into_iter().find_map(|p| p.get("items")).unwrap_or(&EMPTY)
    }

    /// The value `node` stands for where `schema` applies (see the module's documentation);
    /// `at` is where, for errors.
    fn typed(&self, schema: &'a Value, node: &Node, at: &str, depth: usize) -> Result<Value, String> {
        if depth > MAX_DEPTH {
            return self.typed(&EMPTY, node, at, 0);
        }
        let alternatives = self.alternatives(schema);
        if !alternatives.is_empty() {
            // The alternative that makes the whole schema hold; else the first that reads at
            // all (the validator then says what is wrong).
            let mut first: Option<Result<Value, String>> = None;
            for alt in alternatives {
                let candidate = self.typed(alt, node, at, depth + 1);
                if let Ok(v) = &candidate {
                    if validate(self.doc, schema, v, Direction::Request).is_empty() {
                        return candidate;
                    }
                }
                if first.as_ref().is_none_or(|f| f.is_err() && candidate.is_ok()) {
                    first = Some(candidate);
                }
            }
            if let Some(first) = first {
                return first;
            }
        }
        let types = self.types(schema);
        match node {
            Node::Texts(texts) => match (types.contains(&"array"), texts.as_slice()) {
                (true, _) => {
                    let items = self.items(schema);
                    Ok(Value::Array(texts.iter().map(|t| self.scalar(items, t, depth + 1)).collect()))
                }
                (false, [one]) => Ok(self.scalar(schema, one, depth)),
                // Sent more than once where the schema wants one value: kept as a list, which
                // the validator reports at this place.
                (false, many) => Ok(Value::Array(many.iter().map(|t| self.scalar(schema, t, depth)).collect())),
            },
            Node::Tree(entries) => {
                let indices: Option<Vec<usize>> = entries
                    .iter()
                    .map(|(k, _)| if k.bytes().all(|b| b.is_ascii_digit()) { k.parse().ok() } else { None })
                    .collect();
                match indices {
                    Some(indices) if types.contains(&"array") || (!types.contains(&"object") && !types.is_empty()) => {
                        let items = self.items(schema);
                        let mut sorted: Vec<(usize, &Node)> =
                            indices.into_iter().zip(entries.iter().map(|(_, n)| n)).collect();
                        sorted.sort_by_key(|(i, _)| *i);
                        let mut out = Vec::with_capacity(sorted.len());
                        for (want, (i, n)) in sorted.into_iter().enumerate() {
                            if i != want {
                                return Err(format!(
                                    "`{at}` is sent as a list with index {i} where {want} was due (indices run \
                                     from 0 without gaps)"
                                ));
                            }
                            out.push(self.typed(items, n, &format!("{at}[{i}]"), depth + 1)?);
                        }
                        Ok(Value::Array(out))
                    }
                    _ => {
                        let mut map = Map::new();
                        for (k, n) in entries {
                            let v = self.typed(self.property(schema, k), n, &format!("{at}[{k}]"), depth + 1)?;
                            map.insert(k.clone(), v);
                        }
                        Ok(Value::Object(map))
                    }
                }
            }
        }
    }

    /// The value of one text where `schema` applies: a number or boolean only where the schema
    /// says so (and the text is one), otherwise the text.
    fn scalar(&self, schema: &'a Value, text: &str, depth: usize) -> Value {
        let schema = if depth > MAX_DEPTH { &EMPTY } else { schema };
        let alternatives = self.alternatives(schema);
        for alt in &alternatives {
            let v = self.scalar(alt, text, depth + 1);
            if validate(self.doc, schema, &v, Direction::Request).is_empty() {
                return v;
            }
        }
        let types = self.types(schema);
        if types.contains(&"string") {
            return Value::String(text.to_string());
        }
        if types.contains(&"integer") {
            if let Ok(i) = text.parse::<i64>() {
                return Value::Number(i.into());
            }
            if let Ok(u) = text.parse::<u64>() {
                return Value::Number(u.into());
            }
        }
        if types.contains(&"number") {
            if let Some(n) = text.parse::<f64>().ok().and_then(Number::from_f64) {
                return Value::Number(n);
            }
        }
        if types.contains(&"boolean") && (text == "true" || text == "false") {
            return Value::Bool(text == "true");
        }
        Value::String(text.to_string())
    }

    /// An `application/x-www-form-urlencoded` body.
    fn form(&self, schema: &'a Value, encoding: Option<&'a Map<String, Value>>, text: &str) -> Result<Value, String> {
        let mut root = Node::Tree(Vec::new());
        for pair in text.split('&').filter(|p| !p.is_empty()) {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let name = form_decode(name)?;
            let value = form_decode(value)?;
            root.insert(&name_path(&name)?, value, &name)?;
        }
        let Node::Tree(entries) = root else { return Err("the form body could not be read".into()) };
        let mut out = Map::new();
        for (key, node) in &entries {
            let property = self.property(schema, key);
            let enc = encoding.and_then(|e| e.get(key));
            let style = enc.and_then(|e| e.get("style")).and_then(Value::as_str).unwrap_or("form");
            let explode = enc.and_then(|e| e.get("explode")).and_then(Value::as_bool).unwrap_or(style == "form");
            let json = enc.and_then(|e| e.get("contentType")).and_then(Value::as_str).is_some_and(is_json);
            let value = match node {
                Node::Texts(texts) if json => {
                    let parsed: Result<Vec<Value>, String> = texts
                        .iter()
                        .map(|t| serde_json::from_str(t).map_err(|e| format!("`{key}` is declared JSON: {e}")))
                        .collect();
                    let mut parsed = parsed?;
                    if parsed.len() == 1 {
                        parsed.pop().unwrap_or_default()
                    } else {
                        Value::Array(parsed)
                    }
                }
                Node::Texts(texts)
                    if texts.len() == 1
                        && matches!(style, "form" | "spaceDelimited" | "pipeDelimited")
                        && !(style == "form" && explode) =>
                {
                    let delimiter = match style {
                        "spaceDelimited" => ' ',
                        "pipeDelimited" => '|',
                        _ => ',',
                    };
                    let one = texts.first().map(String::as_str).unwrap_or_default();
                    let types = self.types(property);
                    if types.contains(&"array") {
                        let items = self.items(property);
                        let list = if one.is_empty() { Vec::new() } else { one.split(delimiter).collect() };
                        Value::Array(list.into_iter().map(|t| self.scalar(items, t, 1)).collect())
                    } else if types.contains(&"object") && style == "form" {
                        // `form`, not exploded: `k1,v1,k2,v2`.
                        let words: Vec<&str> = one.split(',').collect();
                        let mut map = Map::new();
                        for pair in words.chunks(2) {
                            let (Some(k), Some(v)) = (pair.first(), pair.get(1)) else {
                                return Err(format!("`{key}` is an object sent as `{one}`: an odd count of words"));
                            };
                            map.insert((*k).to_string(), self.scalar(self.property(property, k), v, 1));
                        }
                        Value::Object(map)
                    } else {
                        self.typed(property, node, key, 0)?
                    }
                }
                _ => self.typed(property, node, key, 0)?,
            };
            out.insert(key.clone(), value);
        }
        Ok(Value::Object(out))
    }

    /// A `multipart/form-data` body with this boundary.
    fn multipart(&self, schema: &'a Value, body: &[u8], boundary: &str) -> Result<Value, String> {
        let mut named: Vec<(String, Vec<Part>)> = Vec::new();
        for (i, raw) in split_parts(body, boundary)?.into_iter().enumerate() {
            let (name, part) = read_part(raw).map_err(|e| format!("part {i}: {e}"))?;
            match named.iter_mut().find(|(n, _)| *n == name) {
                Some((_, list)) => list.push(part),
                None => named.push((name, vec![part])),
            }
        }
        let mut out = Map::new();
        for (name, parts) in named {
            let property = self.property(schema, &name);
            let json: Vec<bool> = parts.iter().map(|p| p.content_type.as_deref().is_some_and(is_json)).collect();
            let value = if json.iter().all(|j| *j) {
                let mut values = Vec::new();
                for p in &parts {
                    let text = std::str::from_utf8(&p.data)
                        .map_err(|e| format!("part `{name}` is sent as JSON but is not UTF-8: {e}"))?;
                    values.push(
                        serde_json::from_str::<Value>(text)
                            .map_err(|e| format!("part `{name}` is sent as JSON but does not parse: {e}"))?,
                    );
                }
                if values.len() == 1 {
                    values.pop().unwrap_or_default()
                } else {
                    Value::Array(values)
                }
            } else if json.iter().any(|j| *j) {
                return Err(format!("part `{name}` is sent several times, some as JSON and some not"));
            } else {
                // Text, or a file's bytes as a (binary) string.
                let texts = parts.iter().map(|p| String::from_utf8_lossy(&p.data).into_owned()).collect();
                self.typed(property, &Node::Texts(texts), &name, 0)?
            };
            out.insert(name, value);
        }
        Ok(Value::Object(out))
    }
}

/// The schema that says nothing (read as `{}`: no type, no properties).
static EMPTY: Value = Value::Null;

/// A media type that is JSON (`application/json`, `application/merge-patch+json`).
fn is_json(media: &str) -> bool {
    let essence = media.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json")
}

/// The parts of a multipart body (RFC 2046 §5.1.1): what lies between delimiter lines
/// (`--boundary` at the body's start or after a line break), up to `--boundary--`; each without
/// the line break that belongs to the next delimiter. `--boundary` inside a line is data.
fn split_parts<'b>(body: &'b [u8], boundary: &str) -> Result<Vec<&'b [u8]>, String> {
    let first = format!("--{boundary}");
    let next = format!("\r\n--{boundary}");
    let find = |needle: &[u8], from: usize| {
        body.get(from..).and_then(|rest| rest.windows(needle.len()).position(|w| w == needle)).map(|p| p + from)
    };
    let mut at = if body.starts_with(first.as_bytes()) {
        0
    } else {
        // A preamble before the first delimiter is ignored.
        find(next.as_bytes(), 0)
            .map(|p| p + 2)
            .ok_or_else(|| format!("the multipart body has no delimiter `{first}`"))?
    };
    let mut parts = Vec::new();
    loop {
        let after = at + first.len();
        if body.get(after..after + 2) == Some(b"--") {
            return Ok(parts);
        }
        if body.get(after..after + 2) != Some(b"\r\n") {
            return Err(format!("the delimiter at byte {at} is not followed by a line break"));
        }
        let start = after + 2;
        let end = find(next.as_bytes(), start)
            .ok_or_else(|| "the multipart body ends without its closing delimiter".to_string())?;
        parts.push(body.get(start..end).unwrap_or_default());
        at = end + 2;
    }
}

/// A part's name (from `Content-Disposition: form-data; name="..."`) and content.
fn read_part(raw: &[u8]) -> Result<(String, Part), String> {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n");
    let (head, data) = match split {
        Some(i) => (raw.get(..i).unwrap_or_default(), raw.get(i + 4..).unwrap_or_default()),
        None => return Err("no blank line after the part's headers".to_string()),
    };
    let head = std::str::from_utf8(head).map_err(|e| format!("headers not UTF-8: {e}"))?;
    let mut name = None;
    let mut content_type = None;
    for line in head.split("\r\n").filter(|l| !l.is_empty()) {
        let (n, v) = line.split_once(':').ok_or_else(|| format!("`{line}` is not a header"))?;
        if n.trim().eq_ignore_ascii_case("content-disposition") {
            if !v.trim().to_ascii_lowercase().starts_with("form-data") {
                return Err(format!("Content-Disposition `{}` is not `form-data`", v.trim()));
            }
            name = parameter(v, "name");
        } else if n.trim().eq_ignore_ascii_case("content-type") {
            content_type = Some(v.trim().to_string());
        }
    }
    let name = name.ok_or("no `Content-Disposition: form-data; name=...`")?;
    Ok((name, Part { content_type, data: data.to_vec() }))
}

/// The pointer of an operation's request body Media Type Object for `media_type`.
pub fn media_pointer(doc: &Value, op_ptr: &str, media_type: &str) -> Option<String> {
    let (body_ptr, _) = super::follow(doc, &format!("{op_ptr}/requestBody"))?;
    let ptr = format!("{body_ptr}/content/{}", escape(media_type));
    doc.pointer(&ptr).map(|_| ptr)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A Stripe-like form body (deepObject nesting, arrays of objects, `""` for "unset", a
    /// `$ref`) and a multipart body with a JSON part.
    fn spec() -> Value {
        let deep = json!({"style": "deepObject", "explode": true});
        json!({
            "openapi": "3.0.3", "info": {"title": "t", "version": "1"},
            "paths": {"/v1/things": {"post": {"requestBody": {"content": {
                "application/x-www-form-urlencoded": {
                    "schema": {"type": "object", "required": ["amount"], "properties": {
                        "amount": {"type": "integer"},
                        "capture": {"type": "boolean"},
                        "description": {"type": "string", "maxLength": 40},
                        "expand": {"type": "array", "items": {"type": "string"}},
                        "metadata": {"anyOf": [
                            {"type": "object", "additionalProperties": {"type": "string"}},
                            {"type": "string", "enum": [""]}]},
                        "shipping": {"type": "object", "required": ["address"], "properties": {
                            "address": {"$ref": "#/components/schemas/address"},
                            "name": {"type": "string"}}},
                        "line_items": {"type": "array", "items": {"type": "object", "required": ["price"],
                            "properties": {"price": {"type": "string"}, "quantity": {"type": "integer"}}}},
                        "tags": {"type": "array", "items": {"type": "string"}},
                        "ids": {"type": "array", "items": {"type": "integer"}}}},
                    "encoding": {"expand": deep, "metadata": deep, "shipping": deep, "line_items": deep,
                                 "ids": {"style": "form", "explode": false}}},
                "multipart/form-data": {
                    "schema": {"type": "object", "required": ["file"], "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "count": {"type": "integer"},
                        "tags": {"type": "array", "items": {"type": "string"}},
                        "metadata": {"type": "object", "required": ["name"], "properties": {
                            "name": {"type": "string"}, "size": {"type": "integer"}}}}}}}},
                "responses": {"200": {"description": "ok"}}}}},
            "components": {"schemas": {"address": {"type": "object", "required": ["line1"], "properties": {
                "line1": {"type": "string"}, "postal_code": {"type": "string"}}}}}
        })
    }

    const FORM: &str = "/paths/~1v1~1things/post/requestBody/content/application~1x-www-form-urlencoded";
    const MULTIPART: &str = "/paths/~1v1~1things/post/requestBody/content/multipart~1form-data";

    fn form(body: &str) -> Result<Value, String> {
        judge(&spec(), FORM, "application/x-www-form-urlencoded", body.as_bytes())
    }

    fn multipart(parts: &[(&str, Option<&str>, &[u8])]) -> Result<Value, String> {
        let boundary = "----b0undary";
        let mut body = Vec::new();
        for (name, content_type, data) in parts {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"").as_bytes(),
            );
            if *name == "file" {
                body.extend_from_slice(b"; filename=\"a.bin\"");
            }
            if let Some(ct) = content_type {
                body.extend_from_slice(format!("\r\nContent-Type: {ct}").as_bytes());
            }
            body.extend_from_slice(b"\r\n\r\n");
            body.extend_from_slice(data);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        judge(&spec(), MULTIPART, &format!("multipart/form-data; boundary=\"{boundary}\""), &body)
    }

    #[test]
    fn a_nested_form_is_read_and_typed_by_its_schema() {
        let body = "amount=42&capture=true&description=A+%26+B%2C+42&expand%5B0%5D=customer&expand[1]=invoice\
                    &metadata[order]=7&shipping[address][line1]=1+Main+St&shipping[name]=Ann\
                    &line_items[0][price]=p_1&line_items[0][quantity]=2&line_items[1][price]=p_2\
                    &tags=a&tags=b&ids=1,2,3";
        let value = form(body).expect("valid");
        assert_eq!(
            value,
            json!({
                "amount": 42, "capture": true, "description": "A & B, 42", "expand": ["customer", "invoice"],
                "metadata": {"order": "7"}, "shipping": {"address": {"line1": "1 Main St"}, "name": "Ann"},
                "line_items": [{"price": "p_1", "quantity": 2}, {"price": "p_2"}],
                "tags": ["a", "b"], "ids": [1, 2, 3]
            })
        );
        // `""` where the schema allows it (Stripe's "unset"); `"7"` stays a string where the
        // schema says string.
        assert_eq!(form("amount=1&metadata=").expect("valid")["metadata"], json!(""));
    }

    #[test]
    fn a_wrong_form_fails_with_a_located_message() {
        let missing = form("amount=1&shipping[address][postal_code]=x").expect_err("line1 is required");
        assert!(missing.contains("`shipping.address`") && missing.contains("line1"), "{missing}");
        assert!(missing.ends_with("; the body as sent has no name `shipping[address][line1]` nor any under it"));
        // An object the client wrote as no pair at all (an empty one, say) is not on the wire.
        let unsent = form("amount=1&shipping[name]=x").expect_err("address is required");
        assert!(unsent.ends_with("has no name `shipping[address]` nor any under it"), "{unsent}");
        let unsent_item = form("amount=1&line_items[0][quantity]=2").expect_err("price is required");
        assert!(unsent_item.ends_with("has no name `line_items[0][price]` nor any under it"), "{unsent_item}");
        // The validator's message for a union names the closest alternative's place.
        let union = "anyOf: matches none of 2 alternatives (closest: anyOf[0] at shipping: missing required property \"address\")";
        let form_type = "application/x-www-form-urlencoded";
        assert_eq!(
            unsent_required("shipping", union, form_type, b"shipping[name]=x").as_deref(),
            Some("shipping[address]")
        );
        assert_eq!(unsent_required("shipping", union, form_type, b"shipping[address][city]=x"), None);
        let not_integer = form("amount=4x2").expect_err("amount is an integer");
        assert!(not_integer.contains("`amount`") && not_integer.contains("integer"), "{not_integer}");
        let item = form("amount=1&line_items[0][quantity]=2").expect_err("price is required");
        assert!(item.contains("`line_items[0]`") && item.contains("price"), "{item}");
        let not_integer_item =
            form("amount=1&line_items[0][price]=p&line_items[0][quantity]=two").expect_err("quantity is an integer");
        assert!(not_integer_item.contains("`line_items[0].quantity`"), "{not_integer_item}");
        let gap = form("amount=1&line_items[1][price]=p").expect_err("indices start at 0");
        assert!(gap.contains("`line_items`") && gap.contains("index 1 where 0"), "{gap}");
        let object_as_text = form("amount=1&shipping=x").expect_err("shipping is an object");
        assert!(object_as_text.contains("`shipping`"), "{object_as_text}");
        let twice = form("amount=1&amount=2").expect_err("amount is one value");
        assert!(twice.contains("`amount`"), "{twice}");
        let brackets = form("amount=1&shipping[name=x").expect_err("broken brackets");
        assert!(brackets.contains("shipping[name"), "{brackets}");
        let percent = form("amount=1&description=%zz").expect_err("broken percent-encoding");
        assert!(percent.contains("%zz"), "{percent}");
        let mixed = form("amount=1&shipping=x&shipping[name]=y").expect_err("a value and keys");
        assert!(mixed.contains("shipping"), "{mixed}");
        assert!(form("").expect_err("amount is required").contains("amount"));
        let deep = format!("amount=1&shipping{}=x", "[a]".repeat(MAX_DEPTH + 1));
        assert!(form(&deep).expect_err("too deep").contains("nests more than"));
    }

    #[test]
    fn a_multipart_body_with_a_json_part_is_read() {
        let value = multipart(&[
            // The boundary inside a line is data, not a delimiter.
            ("file", Some("application/octet-stream"), b"\x00\xff------b0undary\r\nbytes"),
            ("count", None, b"3"),
            ("tags", None, b"a"),
            ("tags", None, b"b"),
            ("metadata", Some("application/json"), br#"{"name":"x","size":3}"#),
        ])
        .expect("valid");
        assert_eq!(value["count"], json!(3));
        assert_eq!(value["tags"], json!(["a", "b"]));
        assert_eq!(value["metadata"], json!({"name": "x", "size": 3}));
        assert!(value["file"].as_str().is_some_and(|f| f.ends_with("bytes")));
    }

    #[test]
    fn a_wrong_multipart_body_fails_with_a_located_message() {
        let file = ("file", Some("application/octet-stream"), &b"x"[..]);
        let text = multipart(&[file, ("metadata", Some("application/json"), br#""just text""#)])
            .expect_err("metadata is an object");
        assert!(text.contains("`metadata`") && text.contains("object"), "{text}");
        let missing =
            multipart(&[file, ("metadata", Some("application/json"), br#"{"size":3}"#)]).expect_err("name is required");
        assert!(missing.contains("`metadata`") && missing.contains("name"), "{missing}");
        let broken = multipart(&[file, ("metadata", Some("application/json"), b"{name")]).expect_err("not JSON");
        assert!(broken.contains("part `metadata`") && broken.contains("does not parse"), "{broken}");
        // An object sent as a text part (not as JSON): a string where an object is due.
        let as_text = multipart(&[file, ("metadata", None, br#"{"name":"x"}"#)]).expect_err("a text part");
        assert!(as_text.contains("`metadata`") && as_text.contains("object"), "{as_text}");
        let count = multipart(&[file, ("count", None, b"three")]).expect_err("count is an integer");
        assert!(count.contains("`count`") && count.contains("integer"), "{count}");
        let no_file = multipart(&[("count", None, b"3")]).expect_err("file is required");
        assert!(no_file.contains("file"), "{no_file}");
        let spec = spec();
        let unterminated = b"--b\r\nContent-Disposition: form-data; name=\"count\"\r\n\r\n3\r\n";
        let cut = judge(&spec, MULTIPART, "multipart/form-data; boundary=b", unterminated).expect_err("cut");
        assert!(cut.contains("closing delimiter"), "{cut}");
        let no_boundary = judge(&spec, MULTIPART, "multipart/form-data", b"").expect_err("no boundary");
        assert!(no_boundary.contains("boundary"), "{no_boundary}");
    }
}
