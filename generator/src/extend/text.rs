//! Where things are in block-style YAML text, read line by line: enough to find a mapping's
//! entries by key path and the line after which a new entry goes, so that new text can be
//! inserted while every existing byte (comments, blank lines, quoting) stays as it is.
//!
//! Only block mappings are entered; a flow mapping (`paths: {}`) or a node written on its key's
//! line is reported, not rewritten. What is inserted is checked afterwards by reading the whole
//! result back (`super::add_operations`), so a layout this reader gets wrong cannot go unnoticed.

/// One line of the text, without its line break.
#[derive(Debug)]
pub(crate) struct Line<'t> {
    pub(crate) text: &'t str,
    /// Leading spaces.
    pub(crate) indent: usize,
    pub(crate) kind: LineKind,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum LineKind {
    Blank,
    Comment,
    Content,
}

pub(crate) fn lines(text: &str) -> Vec<Line<'_>> {
    text.split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .map(|text| {
            let rest = text.trim_start_matches(' ');
            let indent = text.len() - rest.len();
            let kind = if rest.trim().is_empty() {
                LineKind::Blank
            } else if rest.starts_with('#') {
                LineKind::Comment
            } else {
                LineKind::Content
            };
            Line { text, indent, kind }
        })
        .collect()
}

/// A block mapping found in the text: the node whose key is on line `key_line` (or the whole
/// document) and its entries.
#[derive(Debug)]
pub(crate) struct Mapping {
    /// The key's indentation (`None` for the document).
    pub(crate) indent: Option<usize>,
    /// The indentation of the entries, if there are any.
    pub(crate) child_indent: Option<usize>,
    /// Each entry: its key and line.
    pub(crate) entries: Vec<(String, usize)>,
    /// The line after which new entries go: the last content line of the mapping (its key line
    /// when it is empty).
    pub(crate) last: usize,
    /// Whether entries are separated by blank lines.
    pub(crate) spaced: bool,
}

/// The document's top-level mapping.
pub(crate) fn document(lines: &[Line<'_>]) -> Result<Mapping, String> {
    mapping(lines, None, 0, lines.len())
}

/// The mapping under `key` of `parent`: `Ok(None)` when there is no such entry.
pub(crate) fn child(lines: &[Line<'_>], parent: &Mapping, key: &str) -> Result<Option<Mapping>, String> {
    let Some(&(_, at)) = parent.entries.iter().find(|(k, _)| k == key) else { return Ok(None) };
    let Some(line) = lines.get(at) else { return Ok(None) };
    let (_, rest) = parse_key(line.text.get(line.indent..).unwrap_or_default()).unwrap_or_default();
    if !rest.is_empty() {
        return Err(format!(
            "line {}: `{key}` is written on one line (`{}`); only block mappings are extended",
            at + 1,
            line.text.trim()
        ));
    }
    let end = lines
        .iter()
        .enumerate()
        .skip(at + 1)
        .find(|(_, l)| l.kind == LineKind::Content && l.indent <= line.indent)
        .map_or(lines.len(), |(i, _)| i);
    mapping(lines, Some((at, line.indent)), at + 1, end).map(Some)
}

fn mapping(lines: &[Line<'_>], key: Option<(usize, usize)>, start: usize, end: usize) -> Result<Mapping, String> {
    let body = || lines.iter().enumerate().take(end).skip(start);
    let child_indent = body().find(|(_, l)| l.kind == LineKind::Content).map(|(_, l)| l.indent);
    let mut entries = Vec::new();
    let mut spaced = false;
    if let Some(ci) = child_indent {
        for (i, l) in body() {
            if l.kind != LineKind::Content || l.indent != ci {
                continue;
            }
            let text = l.text.get(ci..).unwrap_or_default();
            if text == "---" || text == "..." {
                continue;
            }
            let Some((k, _)) = parse_key(text) else {
                return Err(format!(
                    "line {}: `{}` is not a mapping entry; only block mappings are extended",
                    i + 1,
                    l.text.trim()
                ));
            };
            if !entries.is_empty() {
                let before = lines.get(..i).unwrap_or_default().iter().rev().find(|l| l.kind != LineKind::Comment);
                spaced |= before.is_some_and(|l| l.kind == LineKind::Blank);
            }
            entries.push((k, i));
        }
    }
    let last = body().rev().find(|(_, l)| l.kind == LineKind::Content).map(|(i, _)| i);
    let last = last.or(key.map(|(at, _)| at)).unwrap_or(end.saturating_sub(1));
    Ok(Mapping { indent: key.map(|(_, indent)| indent), child_indent, entries, last, spaced })
}

/// A mapping entry's key and what follows its `:` (without a trailing comment), or `None` for
/// a line that is not a `key:` entry (a sequence item, a complex key, a continuation).
fn parse_key(text: &str) -> Option<(String, &str)> {
    let (key, rest) = if let Some(quoted) = text.strip_prefix('\'') {
        let mut key = String::new();
        let mut chars = quoted.char_indices().peekable();
        let mut after = None;
        while let Some((i, c)) = chars.next() {
            if c == '\'' {
                if chars.peek().is_some_and(|&(_, d)| d == '\'') {
                    chars.next();
                    key.push('\'');
                } else {
                    after = Some(i + 1);
                    break;
                }
            } else {
                key.push(c);
            }
        }
        (key, quoted.get(after?..)?)
    } else if let Some(quoted) = text.strip_prefix('"') {
        let mut key = String::new();
        let mut chars = quoted.char_indices();
        let mut after = None;
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => {
                    after = Some(i + 1);
                    break;
                }
                '\\' => match chars.next()?.1 {
                    '"' => key.push('"'),
                    '\\' => key.push('\\'),
                    '/' => key.push('/'),
                    // Other escapes are rare in keys; such a key is not matched by name.
                    _ => return None,
                },
                c => key.push(c),
            }
        }
        (key, quoted.get(after?..)?)
    } else {
        if text.starts_with(['-', '?', '[', '{', '#', '&', '*', '!', '|', '>', '%', '@', '`'])
            && !text.starts_with("-:")
        {
            // `- item`, `? key`, flow nodes, anchors and tags are not plain keys.
            if text.starts_with('-') && !text.starts_with("- ") && text != "-" {
                return plain_key(text);
            }
            return None;
        }
        return plain_key(text);
    };
    let rest = rest.trim_start_matches(' ').strip_prefix(':')?;
    Some((key, value_part(rest)?))
}

fn plain_key(text: &str) -> Option<(String, &str)> {
    let bytes = text.as_bytes();
    let colon = (0..bytes.len())
        .find(|&i| bytes.get(i) == Some(&b':') && matches!(bytes.get(i + 1), None | Some(b' ') | Some(b'\t')))?;
    let key = text.get(..colon)?.trim_end();
    if key.contains(" #") {
        return None;
    }
    Some((key.to_string(), value_part(text.get(colon + 1..)?)?))
}

/// What follows a key's `:`, trimmed, a comment dropped; `None` when the `:` is not followed by
/// a space or the end.
fn value_part(rest: &str) -> Option<&str> {
    if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
        return None;
    }
    let rest = rest.trim();
    Some(if rest.starts_with('#') { "" } else { rest })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "\
openapi: 3.0.3
# a comment
paths:
  '/a':
    get:
      description: |-
        text
        paths: not a key

  \"/b\":
    get: {}
# between
  /c/{id}:
    put:
      x: 1

components: {}
";

    #[test]
    fn finds_block_mappings_and_their_ends() {
        let lines = lines(TEXT);
        let doc = document(&lines).unwrap_or_else(|e| unreachable!("{e}"));
        let keys: Vec<&str> = doc.entries.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["openapi", "paths", "components"]);
        let paths = child(&lines, &doc, "paths").ok().flatten().unwrap_or_else(|| unreachable!());
        let keys: Vec<&str> = paths.entries.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["/a", "/b", "/c/{id}"]);
        assert!(paths.spaced);
        assert_eq!(paths.child_indent, Some(2));
        assert_eq!(lines.get(paths.last).map(|l| l.text), Some("      x: 1"));
        let a = child(&lines, &paths, "/a").ok().flatten().unwrap_or_else(|| unreachable!());
        assert_eq!(lines.get(a.last).map(|l| l.text), Some("        paths: not a key"));
        let err = child(&lines, &doc, "components").err().unwrap_or_default();
        assert!(err.contains("line 17") && err.contains("only block mappings"), "{err}");
        assert!(child(&lines, &doc, "webhooks").ok().flatten().is_none());
    }

    #[test]
    fn reads_keys() {
        assert_eq!(parse_key("a: b"), Some(("a".to_string(), "b")));
        assert_eq!(parse_key("'it''s': # c"), Some(("it's".to_string(), "")));
        assert_eq!(parse_key("\"x\\\"y\":"), Some(("x\"y".to_string(), "")));
        assert_eq!(parse_key("http://x:"), Some(("http://x".to_string(), "")));
        assert_eq!(parse_key("- a: b"), None);
        assert_eq!(parse_key("no colon"), None);
    }
}
