//! A JSONPath (RFC 9535) subset, written by hand for overlay targets: the root `$`, child
//! segments (`.name`, `['name']`, `["name"]`, `[*]`, `.*`, `[n]` with negative `n`, several
//! selectors in one bracket), descendant segments (`..name`, `..*`, `..[...]`), and filters
//! (`[?@.k == 'v']`, `[?(@.k == 'v')]`, `==`, `!=`, `<`, `<=`, `>`, `>=`, existence `[?@.k]`,
//! `!`, `&&`, `||`, parentheses; queries from `@` or `$`). Slices and function extensions are
//! not supported: they are parse errors that say so. Parsing never panics; every error carries
//! the character position in the expression where it was found.

use serde_json::Value;

/// One step from a node to a child: a member name or an array index. A list of them is a
/// normalized path (RFC 9535 §2.7), turned into a JSON pointer for messages.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Step {
    /// An array index.
    Index(usize),
    /// An object member name.
    Key(String),
}

/// A parsed query.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Query {
    /// `$` (true) or `@` (false, only inside filters).
    absolute: bool,
    segments: Vec<Segment>,
}

#[derive(Debug, Clone, PartialEq)]
struct Segment {
    /// `..` (every descendant, the node itself included) rather than the children.
    descendant: bool,
    selectors: Vec<Selector>,
}

#[derive(Debug, Clone, PartialEq)]
enum Selector {
    Name(String),
    Wildcard,
    Index(i64),
    Filter(Box<Expr>),
}

#[derive(Debug, Clone, PartialEq)]
enum Expr {
    Or(Vec<Expr>),
    And(Vec<Expr>),
    Not(Box<Expr>),
    /// A query's result is not empty.
    Exists(Query),
    Compare(Operand, Op, Operand),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, PartialEq)]
enum Operand {
    Literal(Value),
    /// A singular query: its one node, or nothing.
    Query(Query),
}

/// Why an expression does not parse: the 0-based character position and what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ParseError {
    pub position: usize,
    pub message: String,
}

/// A query selects at most this many nodes at any step (the whole of GitHub's 13 MB spec is
/// about 1.2 million nodes): a bound on memory for queries that multiply a document.
pub(crate) const MAX_NODES: usize = 2_000_000;

/// Filters nest at most this deep (parentheses, `!`, nested filters): a bound on recursion for
/// hostile input.
const MAX_NESTING: usize = 32;

/// Parses a whole query, which must start with `$`.
pub(crate) fn parse(text: &str) -> Result<Query, ParseError> {
    let mut p = Parser { chars: text.chars().collect(), at: 0, depth: 0 };
    p.skip_ws_none();
    if p.peek() != Some('$') {
        return Err(p.error("a query starts with `$`"));
    }
    let query = p.query()?;
    if p.at < p.chars.len() {
        return Err(p.error("unexpected character"));
    }
    Ok(query)
}

struct Parser {
    chars: Vec<char>,
    at: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn peek_at(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.at + ahead).copied()
    }

    fn error(&self, message: &str) -> ParseError {
        let found = match self.peek() {
            Some(c) => format!("found `{c}`"),
            None => "found the end".to_string(),
        };
        ParseError { position: self.at, message: format!("{message} ({found})") }
    }

    /// RFC 9535 allows no blank before the root; a leading blank is an error reported by the
    /// caller's `$` check, so nothing is skipped here.
    fn skip_ws_none(&mut self) {}

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t' | '\n' | '\r')) {
            self.at += 1;
        }
    }

    fn eat(&mut self, s: &str) -> bool {
        let n = s.chars().count();
        if self.chars.get(self.at..self.at + n).is_some_and(|w| w.iter().copied().eq(s.chars())) {
            self.at += n;
            true
        } else {
            false
        }
    }

    /// `$` or `@`, then segments.
    fn query(&mut self) -> Result<Query, ParseError> {
        let absolute = match self.peek() {
            Some('$') => true,
            Some('@') => false,
            _ => return Err(self.error("expected `$` or `@`")),
        };
        self.at += 1;
        let mut segments = Vec::new();
        loop {
            // Blanks may separate segments, but only when a segment follows.
            let before = self.at;
            self.skip_ws();
            match self.peek() {
                Some('.') if self.peek_at(1) == Some('.') => {
                    self.at += 2;
                    let selectors = match self.peek() {
                        Some('[') => self.bracket()?,
                        Some('*') => {
                            self.at += 1;
                            vec![Selector::Wildcard]
                        }
                        _ => vec![Selector::Name(self.member_name()?)],
                    };
                    segments.push(Segment { descendant: true, selectors });
                }
                Some('.') => {
                    self.at += 1;
                    let selectors = if self.peek() == Some('*') {
                        self.at += 1;
                        vec![Selector::Wildcard]
                    } else {
                        vec![Selector::Name(self.member_name()?)]
                    };
                    segments.push(Segment { descendant: false, selectors });
                }
                Some('[') => {
                    let selectors = self.bracket()?;
                    segments.push(Segment { descendant: false, selectors });
                }
                _ => {
                    self.at = before;
                    return Ok(Query { absolute, segments });
                }
            }
        }
    }

    /// A shorthand member name: letters, digits, `_`, `-` and any non-ASCII character, not
    /// starting with a digit or `-`. (`-` is a leniency: RFC 9535 wants `['a-b']`.)
    fn member_name(&mut self) -> Result<String, ParseError> {
        let start = self.at;
        while let Some(c) = self.peek() {
            let first = self.at == start;
            let ok =
                c.is_ascii_alphabetic() || c == '_' || !c.is_ascii() || (!first && (c.is_ascii_digit() || c == '-'));
            if !ok {
                break;
            }
            self.at += 1;
        }
        if self.at == start {
            return Err(self.error("expected a member name (or `*`); names with other characters go in `['...']`"));
        }
        Ok(self.chars.get(start..self.at).map(|w| w.iter().collect()).unwrap_or_default())
    }

    /// `[` selector (`,` selector)* `]`.
    fn bracket(&mut self) -> Result<Vec<Selector>, ParseError> {
        self.at += 1;
        let mut selectors = Vec::new();
        loop {
            self.skip_ws();
            selectors.push(self.selector()?);
            self.skip_ws();
            match self.peek() {
                Some(',') => self.at += 1,
                Some(']') => {
                    self.at += 1;
                    return Ok(selectors);
                }
                _ => return Err(self.error("expected `,` or `]`")),
            }
        }
    }

    fn selector(&mut self) -> Result<Selector, ParseError> {
        match self.peek() {
            Some('\'' | '"') => Ok(Selector::Name(self.string()?)),
            Some('*') => {
                self.at += 1;
                Ok(Selector::Wildcard)
            }
            Some('?') => {
                self.at += 1;
                self.skip_ws();
                Ok(Selector::Filter(Box::new(self.logical()?)))
            }
            Some(c) if c == '-' || c.is_ascii_digit() => {
                let start = self.at;
                let index = self.integer()?;
                self.skip_ws();
                if self.peek() == Some(':') {
                    self.at = start;
                    return Err(self.error("array slices (`[a:b]`) are not supported"));
                }
                Ok(Selector::Index(index))
            }
            Some(':') => Err(self.error("array slices (`[a:b]`) are not supported")),
            _ => Err(self.error("expected a selector: a quoted name, `*`, an index or a filter `?...`")),
        }
    }

    fn integer(&mut self) -> Result<i64, ParseError> {
        let start = self.at;
        if self.peek() == Some('-') {
            self.at += 1;
        }
        let digits = self.at;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.at += 1;
        }
        let text: String = self.chars.get(start..self.at).map(|w| w.iter().collect()).unwrap_or_default();
        if self.at == digits {
            return Err(self.error("expected a digit"));
        }
        text.parse::<i64>().map_err(|_| ParseError { position: start, message: format!("`{text}` is not an index") })
    }

    /// A quoted string, `'...'` or `"..."`, with JSON's escapes (and `\'`).
    fn string(&mut self) -> Result<String, ParseError> {
        let start = self.at;
        let Some(quote) = self.peek() else { return Err(self.error("expected a string")) };
        self.at += 1;
        let mut out = String::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(ParseError { position: start, message: "a string is not closed".to_string() });
            };
            self.at += 1;
            match c {
                c if c == quote => return Ok(out),
                '\\' => {
                    let Some(e) = self.peek() else { continue };
                    self.at += 1;
                    match e {
                        'b' => out.push('\u{8}'),
                        'f' => out.push('\u{c}'),
                        'n' => out.push('\n'),
                        'r' => out.push('\r'),
                        't' => out.push('\t'),
                        '/' | '\\' | '\'' | '"' => out.push(e),
                        'u' => {
                            let hex: String =
                                self.chars.get(self.at..self.at + 4).map(|w| w.iter().collect()).unwrap_or_default();
                            let code = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32);
                            let Some(code) = code.filter(|_| hex.len() == 4) else {
                                self.at -= 2;
                                return Err(
                                    self.error("`\\u` takes four hex digits (surrogate pairs are not supported)")
                                );
                            };
                            self.at += 4;
                            out.push(code);
                        }
                        _ => {
                            self.at -= 1;
                            return Err(self.error("unknown escape"));
                        }
                    }
                }
                c => out.push(c),
            }
        }
    }

    fn nest(&mut self) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(self.error(&format!("filters nest more than {MAX_NESTING} deep")));
        }
        Ok(())
    }

    /// and (`||` and)*
    fn logical(&mut self) -> Result<Expr, ParseError> {
        self.nest()?;
        let mut terms = vec![self.and()?];
        loop {
            self.skip_ws();
            if !self.eat("||") {
                break;
            }
            self.skip_ws();
            terms.push(self.and()?);
        }
        self.depth -= 1;
        Ok(if terms.len() == 1 { terms.remove(0) } else { Expr::Or(terms) })
    }

    /// basic (`&&` basic)*
    fn and(&mut self) -> Result<Expr, ParseError> {
        let mut terms = vec![self.basic()?];
        loop {
            self.skip_ws();
            if !self.eat("&&") {
                break;
            }
            self.skip_ws();
            terms.push(self.basic()?);
        }
        Ok(if terms.len() == 1 { terms.remove(0) } else { Expr::And(terms) })
    }

    /// `!`? ( `(` logical `)` | a query, tested or compared | a literal compared )
    fn basic(&mut self) -> Result<Expr, ParseError> {
        if self.peek() == Some('!') && self.peek_at(1) != Some('=') {
            self.at += 1;
            self.skip_ws();
            self.nest()?;
            let inner = self.basic()?;
            self.depth -= 1;
            return Ok(Expr::Not(Box::new(inner)));
        }
        if self.peek() == Some('(') {
            self.at += 1;
            self.skip_ws();
            let inner = self.logical()?;
            self.skip_ws();
            if !self.eat(")") {
                return Err(self.error("expected `)`"));
            }
            return Ok(inner);
        }
        let left_at = self.at;
        let left = self.operand()?;
        self.skip_ws();
        let op = if self.eat("==") {
            Some(Op::Eq)
        } else if self.eat("!=") {
            Some(Op::Ne)
        } else if self.eat("<=") {
            Some(Op::Le)
        } else if self.eat(">=") {
            Some(Op::Ge)
        } else if self.eat("<") {
            Some(Op::Lt)
        } else if self.eat(">") {
            Some(Op::Gt)
        } else {
            None
        };
        if op.is_none() && self.peek() == Some('=') {
            return Err(self.error("`=` is not an operator: compare with `==`"));
        }
        match (op, left) {
            (Some(op), left) => {
                self.skip_ws();
                let right_at = self.at;
                let right = self.operand()?;
                for (at, operand) in [(left_at, &left), (right_at, &right)] {
                    if let Operand::Query(q) = operand {
                        if !q.is_singular() {
                            return Err(ParseError {
                                position: at,
                                message: "a comparison takes a singular query (names and indexes only)".to_string(),
                            });
                        }
                    }
                }
                Ok(Expr::Compare(left, op, right))
            }
            (None, Operand::Query(q)) => Ok(Expr::Exists(q)),
            (None, Operand::Literal(_)) => Err(self.error("a literal must be compared (`==`, `!=`, ...)")),
        }
    }

    fn operand(&mut self) -> Result<Operand, ParseError> {
        match self.peek() {
            Some('@' | '$') => Ok(Operand::Query(self.query()?)),
            Some('\'' | '"') => Ok(Operand::Literal(Value::String(self.string()?))),
            Some(c) if c == '-' || c.is_ascii_digit() => self.number(),
            _ if self.eat("true") => Ok(Operand::Literal(Value::Bool(true))),
            _ if self.eat("false") => Ok(Operand::Literal(Value::Bool(false))),
            _ if self.eat("null") => Ok(Operand::Literal(Value::Null)),
            Some(c) if c.is_ascii_alphabetic() => {
                Err(self.error("function extensions (`length(...)`, `match(...)`, ...) are not supported"))
            }
            _ => Err(self.error("expected `@`, `$`, a string, a number, `true`, `false` or `null`")),
        }
    }

    fn number(&mut self) -> Result<Operand, ParseError> {
        let start = self.at;
        while self.peek().is_some_and(|c| c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E')) {
            self.at += 1;
        }
        let text: String = self.chars.get(start..self.at).map(|w| w.iter().collect()).unwrap_or_default();
        match serde_json::from_str::<serde_json::Number>(&text) {
            Ok(n) => Ok(Operand::Literal(Value::Number(n))),
            Err(_) => Err(ParseError { position: start, message: format!("`{text}` is not a number") }),
        }
    }
}

impl Query {
    /// Names and indexes only, no descendants: at most one node.
    fn is_singular(&self) -> bool {
        self.segments
            .iter()
            .all(|s| !s.descendant && matches!(s.selectors.as_slice(), [Selector::Name(_) | Selector::Index(_)]))
    }

    /// The nodes the query selects in `root`, with their paths, in document order (RFC 9535
    /// order: segment by segment, selectors in order; duplicates kept, as the RFC says); `None`
    /// when a step selects more than [`MAX_NODES`] (`$..*..*..*` multiplies a big document).
    pub(crate) fn select<'v>(&self, root: &'v Value) -> Option<Vec<(Vec<Step>, &'v Value)>> {
        self.select_limited(root, root, MAX_NODES)
    }

    fn select_from<'v>(&self, root: &'v Value, current: &'v Value) -> Option<Vec<(Vec<Step>, &'v Value)>> {
        self.select_limited(root, current, MAX_NODES)
    }

    fn select_limited<'v>(
        &self,
        root: &'v Value,
        current: &'v Value,
        limit: usize,
    ) -> Option<Vec<(Vec<Step>, &'v Value)>> {
        let start = if self.absolute { root } else { current };
        let mut nodes = vec![(Vec::new(), start)];
        for segment in &self.segments {
            let mut next = Vec::new();
            for (path, node) in &nodes {
                if segment.descendant {
                    let mut path = path.clone();
                    descend(root, node, &mut path, &segment.selectors, &mut next, limit);
                } else {
                    for selector in &segment.selectors {
                        apply(root, node, path, selector, &mut next);
                    }
                }
                if next.len() > limit {
                    return None;
                }
            }
            nodes = next;
        }
        Some(nodes)
    }

    /// Whether the query selects anything (filters ask without building every path).
    fn any(&self, root: &Value, current: &Value) -> bool {
        self.select_from(root, current).is_some_and(|nodes| !nodes.is_empty())
    }
}

/// Every node under `node` (itself first, then its children in order, depth first) with the
/// selectors applied to it.
fn descend<'v>(
    root: &'v Value,
    node: &'v Value,
    path: &mut Vec<Step>,
    selectors: &[Selector],
    out: &mut Vec<(Vec<Step>, &'v Value)>,
    limit: usize,
) {
    for selector in selectors {
        apply(root, node, path, selector, out);
    }
    if out.len() > limit {
        return;
    }
    match node {
        Value::Object(map) => {
            for (k, v) in map {
                path.push(Step::Key(k.clone()));
                descend(root, v, path, selectors, out, limit);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                path.push(Step::Index(i));
                descend(root, v, path, selectors, out, limit);
                path.pop();
            }
        }
        _ => {}
    }
}

/// One selector on one node: the children it picks.
fn apply<'v>(
    root: &'v Value,
    node: &'v Value,
    path: &[Step],
    selector: &Selector,
    out: &mut Vec<(Vec<Step>, &'v Value)>,
) {
    let child = |step: Step| {
        let mut p = path.to_vec();
        p.push(step);
        p
    };
    match selector {
        Selector::Name(name) => {
            if let Some(v) = node.as_object().and_then(|m| m.get(name)) {
                out.push((child(Step::Key(name.clone())), v));
            }
        }
        Selector::Index(i) => {
            if let Some(items) = node.as_array() {
                let len = items.len() as i64;
                let at = if *i < 0 { len + i } else { *i };
                if let Some(v) = usize::try_from(at).ok().and_then(|at| items.get(at).map(|v| (at, v))) {
                    out.push((child(Step::Index(v.0)), v.1));
                }
            }
        }
        Selector::Wildcard | Selector::Filter(_) => {
            let keep = |v: &Value| match selector {
                Selector::Filter(expr) => test(expr, root, v),
                _ => true,
            };
            match node {
                Value::Object(map) => {
                    for (k, v) in map {
                        if keep(v) {
                            out.push((child(Step::Key(k.clone())), v));
                        }
                    }
                }
                Value::Array(items) => {
                    for (i, v) in items.iter().enumerate() {
                        if keep(v) {
                            out.push((child(Step::Index(i)), v));
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

/// A filter expression on the current node.
fn test(expr: &Expr, root: &Value, current: &Value) -> bool {
    match expr {
        Expr::Or(terms) => terms.iter().any(|t| test(t, root, current)),
        Expr::And(terms) => terms.iter().all(|t| test(t, root, current)),
        Expr::Not(inner) => !test(inner, root, current),
        Expr::Exists(q) => q.any(root, current),
        Expr::Compare(left, op, right) => {
            let value = |o: &Operand| match o {
                Operand::Literal(v) => Some(v.clone()),
                Operand::Query(q) => match q.select_from(root, current).as_deref() {
                    Some([(_, v)]) => Some((*v).clone()),
                    _ => None,
                },
            };
            compare(value(left).as_ref(), *op, value(right).as_ref())
        }
    }
}

/// RFC 9535 §2.3.5.2.2: nothing equals only nothing; numbers compare by value; `<` and friends
/// only between two numbers or two strings.
fn compare(left: Option<&Value>, op: Op, right: Option<&Value>) -> bool {
    let equal = || match (left, right) {
        (None, None) => true,
        (Some(Value::Number(a)), Some(Value::Number(b))) => a.as_f64() == b.as_f64(),
        (Some(a), Some(b)) => a == b,
        _ => false,
    };
    let less = || match (left, right) {
        (Some(Value::Number(a)), Some(Value::Number(b))) => a.as_f64() < b.as_f64(),
        (Some(Value::String(a)), Some(Value::String(b))) => a < b,
        _ => false,
    };
    match op {
        Op::Eq => equal(),
        Op::Ne => !equal(),
        Op::Lt => less(),
        Op::Le => less() || equal(),
        Op::Gt => !less() && !equal() && comparable(left, right),
        Op::Ge => (!less() && comparable(left, right)) || equal(),
    }
}

fn comparable(left: Option<&Value>, right: Option<&Value>) -> bool {
    matches!(
        (left, right),
        (Some(Value::Number(_)), Some(Value::Number(_))) | (Some(Value::String(_)), Some(Value::String(_)))
    )
}

/// A normalized path as a JSON pointer (`/paths/~1pets/get`).
pub(crate) fn pointer(path: &[Step]) -> String {
    let mut out = String::new();
    for step in path {
        out.push('/');
        match step {
            Step::Key(k) => out.push_str(&crate::diag::escape(k)),
            Step::Index(i) => out.push_str(&i.to_string()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({
            "paths": {
                "/pets/{id}": {"get": {"operationId": "getPet", "tags": ["pets"]}, "delete": {"operationId": "deletePet"}},
                "/users": {"get": {"operationId": "listUsers", "x-internal": true}}
            },
            "components": {"schemas": {
                "Pet": {"required": ["id", "name"], "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}},
                "User": {"required": ["login"], "properties": {"login": {"type": "string"}}}
            }},
            "list": [1, 2, 3],
            "a~b/c": {"d": 1}
        })
    }

    fn pointers(query: &str) -> Vec<String> {
        let doc = doc();
        parse(query).unwrap().select(&doc).unwrap().iter().map(|(p, _)| pointer(p)).collect()
    }

    #[test]
    fn selects_what_rfc_9535_says() {
        assert_eq!(pointers("$"), [""]);
        assert_eq!(pointers("$.paths['/pets/{id}'].get"), ["/paths/~1pets~1{id}/get"]);
        assert_eq!(pointers("$[\"paths\"][\"/users\"]"), ["/paths/~1users"]);
        assert_eq!(pointers("$.paths.*.get.operationId").len(), 2);
        assert_eq!(pointers("$.paths[*][*]").len(), 3);
        assert_eq!(pointers("$['a~b/c'].d"), ["/a~0b~1c/d"]);
        assert_eq!(pointers("$.list[-1]"), ["/list/2"]);
        assert_eq!(pointers("$.list[-4]"), Vec::<String>::new());
        assert_eq!(pointers("$.list[0, 2]"), ["/list/0", "/list/2"]);
        assert_eq!(pointers("$.list[5]"), Vec::<String>::new());
        assert_eq!(pointers("$..required").len(), 2);
        assert_eq!(pointers("$..required[?@ == 'name']"), ["/components/schemas/Pet/required/1"]);
        assert_eq!(pointers("$.paths.*[?(@.operationId == 'getPet')]"), ["/paths/~1pets~1{id}/get"]);
        assert_eq!(pointers("$.paths.*[?@.operationId != 'getPet']").len(), 2);
        assert_eq!(pointers("$.paths.*[?@['x-internal']]"), ["/paths/~1users/get"]);
        assert_eq!(pointers("$.paths.*[?!@['x-internal']]").len(), 2);
        assert_eq!(
            pointers("$.paths.*[?@.operationId == 'getPet' || @.operationId == 'listUsers']"),
            ["/paths/~1pets~1{id}/get", "/paths/~1users/get"]
        );
        assert_eq!(pointers("$.paths.*[?@.tags && @.operationId == 'getPet']"), ["/paths/~1pets~1{id}/get"]);
        assert_eq!(pointers("$.list[?@ > 1]"), ["/list/1", "/list/2"]);
        assert_eq!(pointers("$.list[?@ <= 1.0]"), ["/list/0"]);
        assert_eq!(pointers("$..[?@.type == 'string']").len(), 2);
        assert!(pointers("$..*").len() > 20);
        assert_eq!(pointers("$.components.schemas[?@.required[0] == 'login']"), ["/components/schemas/User"]);
        assert_eq!(pointers("$.paths[?$.list[0] == 1].get").len(), 2);
    }

    #[test]
    fn bad_expressions_are_errors_with_their_position() {
        for (query, position, needle) in [
            ("", 0, "starts with `$`"),
            ("paths", 0, "starts with `$`"),
            ("$.", 2, "member name"),
            ("$.paths[", 8, "selector"),
            ("$.paths['/pets", 8, "not closed"),
            ("$.list[1:2]", 7, "slices"),
            ("$.list[?@ ==]", 12, "expected `@`"),
            ("$.list[?length(@) > 1]", 8, "function extensions"),
            ("$.list[?@.. == 1]", 11, "member name"),
            ("$.list[?@..a == 1]", 8, "singular"),
            ("$.list[?'a']", 11, "must be compared"),
            ("$.list[?(@ == 1]", 15, "expected `)`"),
            ("$ .a x", 4, "unexpected"),
            ("$['\\q']", 4, "unknown escape"),
            ("$['\\u12']", 3, "four hex digits"),
            ("$[?@.a = 1]", 7, "compare with `==`"),
            ("$[99999999999999999999]", 2, "not an index"),
        ] {
            let e = parse(query).unwrap_err();
            assert_eq!(e.position, position, "{query}: {e:?}");
            assert!(e.message.contains(needle), "{query}: {e:?}");
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let query = format!("$[?{}@{}]", "(".repeat(10_000), ")".repeat(10_000));
        assert!(parse(&query).unwrap_err().message.contains("nest more than"));
        let query = format!("$[?{}@]", "!".repeat(10_000));
        assert!(parse(&query).unwrap_err().message.contains("nest more than"));
    }

    #[test]
    fn a_query_that_multiplies_the_document_is_cut_off() {
        let doc = json!({"a": vec![json!({"b": vec![1; 100]}); 100]});
        let query = parse("$..*..*").unwrap();
        assert_eq!(query.select_limited(&doc, &doc, 30_300).unwrap().len(), 30_300);
        assert!(query.select_limited(&doc, &doc, 30_299).is_none());
        assert_eq!(parse("$..*").unwrap().select(&doc).unwrap().len(), 1 + 100 + 100 + 100 * 100);
    }

    #[test]
    fn arbitrary_text_never_panics() {
        // Every prefix of a few tricky queries, and every single character after `$[`.
        let samples = ["$..x[?(@.a == 'b' && !(@.c || $[-1] >= -1.5e3))]", "$['\\u00e9', \"\\\"\", *]..*[?@]"];
        for s in samples {
            for (i, _) in s.char_indices() {
                let _ = parse(&s[..i]);
            }
        }
        for c in (0u8..128).map(char::from) {
            let _ = parse(&format!("$[{c}"));
            let _ = parse(&format!("$[?@{c}"));
        }
    }
}
