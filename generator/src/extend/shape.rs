//! Whether a component of one document has the same shape as a component of another: equal
//! after following each side's references in its own document, ignoring what only documents
//! (`description`, `summary`, `title`, `example`, `examples`, `externalDocs`, `x-` extensions).
//!
//! References are compared coinductively: a pair of references being compared is assumed
//! equal while its targets are (so recursive schemas end), and a pair found unequal is
//! remembered (an assumption only ever makes equality likelier, so a refutation stands).

use serde_json::Value;
use std::collections::HashSet;

/// Comparisons allowed for one pair of components before they are taken as different (a
/// budget, so a pathological pair of documents cannot take long; different means "copy").
const BUDGET: usize = 100_000;
/// How many references one side may follow while the other side is written inline.
const MAX_ONE_SIDED: usize = 32;

/// What the keys of an object are, which decides what is compared under them.
#[derive(Clone, Copy, PartialEq)]
enum Keys {
    /// OpenAPI keywords: annotations are skipped.
    Keywords,
    /// Names chosen by the spec's authors (property names, media types, status codes): all
    /// compared, each value an object of keywords.
    Names,
    /// Data (`enum`, `default`, an example's `value`): compared exactly.
    Data,
}

/// Keywords that document and do not change what goes over the wire.
fn annotation(key: &str) -> bool {
    matches!(key, "description" | "summary" | "title" | "example" | "examples" | "externalDocs")
        || key.starts_with("x-")
}

fn keys_under(key: &str) -> Keys {
    match key {
        "properties" | "patternProperties" | "content" | "headers" | "encoding" | "responses" | "links"
        | "callbacks" | "variables" | "mapping" | "scopes" | "flows" => Keys::Names,
        "enum" | "default" | "const" | "value" => Keys::Data,
        _ => Keys::Keywords,
    }
}

/// Compares values of document `a` with values of document `b`.
pub(crate) struct Shapes<'d> {
    a: &'d Value,
    b: &'d Value,
    assumed: Vec<(String, String)>,
    assumed_set: HashSet<(String, String)>,
    refuted: HashSet<(String, String)>,
    budget: usize,
}

impl<'d> Shapes<'d> {
    pub(crate) fn new(a: &'d Value, b: &'d Value) -> Self {
        Shapes { a, b, assumed: Vec::new(), assumed_set: HashSet::new(), refuted: HashSet::new(), budget: BUDGET }
    }

    /// Whether the node at pointer `pa` of `a` has the shape of the node at `pb` of `b`.
    pub(crate) fn same(&mut self, pa: &str, pb: &str) -> bool {
        self.budget = BUDGET;
        let (Some(x), Some(y)) = (self.a.pointer(pa), self.b.pointer(pb)) else { return false };
        self.assumed.clear();
        self.assumed_set.clear();
        self.values(x, y, Keys::Keywords, 0)
    }

    fn values(&mut self, x: &'d Value, y: &'d Value, keys: Keys, one_sided: usize) -> bool {
        if self.budget == 0 {
            return false;
        }
        self.budget -= 1;
        match (x, y) {
            (Value::Object(p), Value::Object(q)) if keys == Keys::Keywords => {
                let (rx, ry) = (reference(x), reference(y));
                match (rx, ry) {
                    (Some(rx), Some(ry)) => self.references(rx, ry),
                    (Some(rx), None) => {
                        let Some(t) = resolve(self.a, rx) else { return false };
                        one_sided < MAX_ONE_SIDED && self.values(t, y, keys, one_sided + 1)
                    }
                    (None, Some(ry)) => {
                        let Some(t) = resolve(self.b, ry) else { return false };
                        one_sided < MAX_ONE_SIDED && self.values(x, t, keys, one_sided + 1)
                    }
                    (None, None) => {
                        let kx: Vec<&String> = p.keys().filter(|k| !annotation(k)).collect();
                        let ky = q.keys().filter(|k| !annotation(k)).count();
                        kx.len() == ky
                            && kx.into_iter().all(|k| match (p.get(k), q.get(k)) {
                                (Some(v), Some(w)) if k == "required" => same_set(v, w),
                                (Some(v), Some(w)) => self.values(v, w, keys_under(k), 0),
                                _ => false,
                            })
                    }
                }
            }
            (Value::Object(p), Value::Object(q)) => {
                let under = if keys == Keys::Names { Keys::Keywords } else { Keys::Data };
                p.len() == q.len() && p.iter().all(|(k, v)| q.get(k).is_some_and(|w| self.values(v, w, under, 0)))
            }
            (Value::Array(p), Value::Array(q)) => {
                p.len() == q.len() && p.iter().zip(q).all(|(v, w)| self.values(v, w, keys, 0))
            }
            (Value::Number(m), Value::Number(n)) => match (m.as_i64(), n.as_i64()) {
                (Some(i), Some(j)) => i == j,
                _ => m.as_f64() == n.as_f64(),
            },
            _ => x == y,
        }
    }

    fn references(&mut self, rx: &str, ry: &str) -> bool {
        let pair = (rx.to_string(), ry.to_string());
        if self.assumed_set.contains(&pair) {
            return true;
        }
        if self.refuted.contains(&pair) {
            return false;
        }
        let (Some(tx), Some(ty)) = (resolve(self.a, rx), resolve(self.b, ry)) else { return false };
        let mark = self.assumed.len();
        self.assumed.push(pair.clone());
        self.assumed_set.insert(pair.clone());
        let same = self.values(tx, ty, Keys::Keywords, 0);
        if !same {
            // What was assumed on the way may rest on this pair: drop it all.
            for p in self.assumed.drain(mark..) {
                self.assumed_set.remove(&p);
            }
            self.refuted.insert(pair);
        }
        same
    }
}

/// The `$ref` of an object, if it is a reference.
fn reference(v: &Value) -> Option<&str> {
    v.get("$ref").and_then(Value::as_str)
}

/// The node a local reference points at.
pub(crate) fn resolve<'d>(doc: &'d Value, reference: &str) -> Option<&'d Value> {
    let pointer = crate::upgrade::local_target(reference)?;
    doc.pointer(&pointer)
}

/// Two lists of names with the same members (`required` is a set).
fn same_set(v: &Value, w: &Value) -> bool {
    match (v.as_array(), w.as_array()) {
        (Some(p), Some(q)) => {
            let mut p: Vec<String> = p.iter().map(Value::to_string).collect();
            let mut q: Vec<String> = q.iter().map(Value::to_string).collect();
            p.sort();
            q.sort();
            p == q
        }
        _ => v == w,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn annotations_do_not_count_but_keywords_and_names_do() {
        let a = json!({"s": {
            "A": {"type": "object", "description": "one", "required": ["x", "y"],
                  "properties": {"x": {"$ref": "#/s/Id"}, "y": {"type": "integer", "example": 3}}},
            "Id": {"type": "string", "maxLength": 32, "x-note": 1},
            "Rec": {"type": "object", "properties": {"next": {"$ref": "#/s/Rec"}}},
            "Desc": {"type": "object", "properties": {"description": {"type": "string"}}},
        }});
        let b = json!({"t": {
            "B": {"type": "object", "required": ["y", "x"],
                  "properties": {"x": {"$ref": "#/t/Ident"}, "y": {"type": "integer"}}},
            "Ident": {"type": "string", "maxLength": 32, "description": "Identifier."},
            "Ident64": {"type": "string", "maxLength": 64},
            "Inline": {"type": "object", "required": ["x", "y"],
                       "properties": {"x": {"type": "string", "maxLength": 32}, "y": {"type": "integer"}}},
            "Loop": {"type": "object", "properties": {"next": {"$ref": "#/t/Loop"}}},
            "NoDesc": {"type": "object", "properties": {}},
        }});
        let mut shapes = Shapes::new(&a, &b);
        assert!(shapes.same("/s/A", "/t/B"));
        assert!(shapes.same("/s/Id", "/t/Ident"));
        assert!(!shapes.same("/s/Id", "/t/Ident64"));
        assert!(shapes.same("/s/A", "/t/Inline"), "a reference and the inline schema it names");
        assert!(shapes.same("/s/Rec", "/t/Loop"), "recursive schemas of the same shape");
        // A property named `description` is a name, not an annotation.
        assert!(!shapes.same("/s/Desc", "/t/NoDesc"));
        assert!(!shapes.same("/s/Missing", "/t/B"));
    }
}
