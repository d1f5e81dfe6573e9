//! Spec prose → rustdoc attributes that `cargo doc` accepts without warnings.

use crate::ir::Docs;
use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc = "…"]` attributes for an item: summary, description, then `extra` lines.
pub fn attrs(docs: &Docs, extra: &[String]) -> TokenStream {
    let lines = lines(docs, extra);
    quote! { #( #[doc = #lines] )* }
}

/// The same as [`attrs`], as `///` comment lines indented by `indent`, each ending in `\n`.
pub fn comment(docs: &Docs, extra: &[String], indent: &str) -> String {
    as_comment(&lines(docs, extra), indent)
}

/// Doc lines as `///` comments. A bare carriage return is not allowed in a comment (it is in a
/// `#[doc]` string): control characters become spaces.
fn as_comment(lines: &[String], indent: &str) -> String {
    let printable = |l: &String| l.replace(|c: char| c.is_control(), " ");
    lines.iter().map(|l| format!("{indent}///{}\n", printable(l))).collect()
}

/// The text of each doc line of an item (with its leading space, empty for blank lines).
fn lines(docs: &Docs, extra: &[String]) -> Vec<String> {
    let mut paragraphs: Vec<String> = Vec::new();
    if let Some(s) = docs.summary.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        paragraphs.push(s.to_string());
    }
    if let Some(d) = docs.description.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        if paragraphs.first().map(String::as_str) != Some(d) {
            paragraphs.push(d.to_string());
        }
    }
    paragraphs.extend(extra.iter().filter(|e| !e.is_empty()).cloned());
    text_lines(&paragraphs.join("\n\n"))
}

/// [`text`] as `///` comment lines indented by `indent`.
pub fn text_comment(text: &str, indent: &str) -> String {
    as_comment(&text_lines(text), indent)
}

/// Free text as doc lines: sanitised, each with its leading space (empty for blank lines).
fn text_lines(text: &str) -> Vec<String> {
    sanitize(text).lines().map(|l| if l.is_empty() { String::new() } else { format!(" {l}") }).collect()
}

/// Doc attributes for free text.
pub fn text(text: &str) -> TokenStream {
    let lines = text_lines(text);
    quote! { #( #[doc = #lines] )* }
}

/// Inner doc attributes (`//!`) for a module.
pub fn inner(text: &str) -> TokenStream {
    let lines = text_lines(text);
    quote! { #( #![doc = #lines] )* }
}

/// Makes Markdown from a spec safe for rustdoc:
/// - fenced code blocks without a language become `text` blocks (never doctests);
/// - indentation that would start an indented code block is removed;
/// - bare URLs become autolinks;
/// - `[x]` that is not a link is escaped (rustdoc would take it for an intra-doc link);
/// - `<` that does not start an autolink is escaped (rustdoc would take it for HTML);
/// - tabs become four spaces (clippy's `tabs_in_doc_comments`);
/// - a line that continues a list item is indented to the item's text, as Markdown would
///   have it written (clippy's `doc_lazy_continuation`): the indentation of the source is
///   gone by then (see above), so nested lists come out flat, each continuation line under
///   the text of the item it follows.
pub fn sanitize(text: &str) -> String {
    let mut out = Vec::new();
    let mut in_fence = false;
    let mut block = Block::default();
    for line in text.replace("\r\n", "\n").replace('\t', "    ").lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            block = Block::default();
            if in_fence {
                out.push("```".to_string());
            } else {
                let lang = trimmed.trim_start_matches('`').trim();
                let lang = if lang.is_empty() || lang == "rust" { "text" } else { lang };
                out.push(format!("```{lang}"));
            }
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            out.push(line.to_string());
        } else {
            let text = inline(trimmed.trim_end());
            let indent = block.next(&text);
            out.push(format!("{}{text}", " ".repeat(indent)));
        }
    }
    if in_fence {
        out.push("```".to_string());
    }
    // No more than one blank line in a row, none at the ends.
    let mut result: Vec<String> = Vec::new();
    for l in out {
        if l.is_empty() && result.last().is_none_or(|p: &String| p.is_empty()) {
            continue;
        }
        result.push(l);
    }
    while result.last().is_some_and(|l| l.is_empty()) {
        result.pop();
    }
    result.join("\n")
}

/// Where a line of text (outside code fences, without its indentation) stands in the Markdown
/// block structure, as far as list items are concerned.
#[derive(Default)]
struct Block {
    /// Inside a list item whose text starts at this column (until a blank line or another
    /// kind of block).
    item: Option<usize>,
    /// The line before was paragraph text (a list item that starts with a number other than
    /// 1 cannot interrupt a paragraph: it is text, outside a list).
    paragraph: bool,
}

impl Block {
    /// Takes the next line and returns the indentation it needs: the column of the item's text
    /// for a line that continues a list item, else none.
    fn next(&mut self, line: &str) -> usize {
        if line.is_empty() || is_heading(line) || is_break(line) {
            *self = Block::default();
            return 0;
        }
        if let Some((content, can_interrupt)) = list_item(line) {
            if self.item.is_some() || !self.paragraph || can_interrupt {
                self.item = Some(content);
                self.paragraph = true;
                return 0;
            }
        }
        self.paragraph = true;
        self.item.unwrap_or(0)
    }
}

/// An ATX heading: `#` to `######`, then a space or the end of the line.
fn is_heading(line: &str) -> bool {
    let hashes = line.chars().take_while(|&c| c == '#').count();
    (1..=6).contains(&hashes) && line.get(hashes..).is_some_and(|r| r.is_empty() || r.starts_with(' '))
}

/// A thematic break: three or more of one of `-`, `*`, `_`, and spaces only.
fn is_break(line: &str) -> bool {
    ['-', '*', '_']
        .iter()
        .any(|&m| line.chars().all(|c| c == m || c == ' ') && line.chars().filter(|&c| c == m).count() >= 3)
}

/// A list item's marker (`-`, `*`, `+`, or up to nine digits and `.` or `)`): the column its
/// text starts at, and whether it may interrupt a paragraph (a bullet or `1`, with text).
fn list_item(line: &str) -> Option<(usize, bool)> {
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    let (marker, first) = match line.as_bytes().first()? {
        b'-' | b'*' | b'+' => (1, true),
        _ if (1..=9).contains(&digits) && matches!(line.as_bytes().get(digits), Some(b'.' | b')')) => {
            (digits + 1, line.get(..digits).is_some_and(|n| n.trim_start_matches('0') == "1"))
        }
        _ => return None,
    };
    let rest = line.get(marker..)?;
    if rest.is_empty() {
        return Some((marker + 1, false));
    }
    let spaces = rest.len() - rest.trim_start_matches(' ').len();
    match spaces {
        0 => None,
        // Five spaces or more: the text is an indented code block one column after the marker.
        1..=4 => Some((marker + spaces, first)),
        _ => Some((marker + 1, first)),
    }
}

fn inline(line: &str) -> String {
    // Most lines have nothing to rewrite: no code spans, brackets, angle brackets or URLs.
    if !line.contains(['`', '<', '>', '[', ']']) && !line.contains("http") {
        return line.to_string();
    }
    let chars: Vec<char> = line.chars().collect();
    // Byte offset of each character, so the rest of the line is a slice, not a copy.
    let offsets: Vec<usize> = line.char_indices().map(|(b, _)| b).collect();
    let mut out = String::with_capacity(line.len() + 8);
    let mut i = 0;
    let mut in_code = false;
    while let Some(&c) = chars.get(i) {
        if c == '`' {
            in_code = !in_code;
            out.push(c);
            i += 1;
            continue;
        }
        if in_code {
            out.push(c);
            i += 1;
            continue;
        }
        let rest: &str = offsets.get(i).and_then(|&b| line.get(b..)).unwrap_or_default();
        // An autolink (`<https://…>`, `<mailto:…>`) stays as written.
        if ["<http://", "<https://", "<mailto:"].iter().any(|p| rest.starts_with(p)) {
            let body: String =
                rest.chars().skip(1).take_while(|ch| !ch.is_whitespace() && *ch != '<' && *ch != '>').collect();
            if rest.chars().nth(body.chars().count() + 1) == Some('>') {
                out.push('<');
                out.push_str(&body);
                out.push('>');
                i += body.chars().count() + 2;
                continue;
            }
        }
        if rest.starts_with("http://") || rest.starts_with("https://") {
            // The target of a Markdown link `[text](url)` stays; a bare URL becomes an autolink.
            let in_link = i >= 2 && chars.get(i - 1) == Some(&'(') && chars.get(i - 2) == Some(&']');
            let url: String =
                rest.chars().take_while(|ch| !ch.is_whitespace() && !matches!(ch, ')' | '>' | '"' | '<')).collect();
            let url = url.trim_end_matches(['.', ',', ';', ':']).to_string();
            if in_link {
                out.push_str(&url);
            } else {
                out.push('<');
                out.push_str(&url);
                out.push('>');
            }
            i += url.chars().count();
            continue;
        }
        match c {
            '[' => {
                // A Markdown link `[text](url)` stays; anything else is escaped.
                let close = chars.get(i..).and_then(|r| r.iter().position(|&ch| ch == ']')).map(|p| p + i);
                let is_link = close.is_some_and(|j| chars.get(j + 1) == Some(&'('));
                if is_link {
                    out.push('[');
                } else {
                    out.push_str("\\[");
                }
            }
            ']' => {
                if chars.get(i + 1) == Some(&'(') {
                    out.push(']');
                } else {
                    out.push_str("\\]");
                }
            }
            '<' => out.push_str("&lt;"),
            '>' if out.is_empty() => out.push_str("&gt;"),
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::sanitize;

    #[test]
    fn rustdoc_safe() {
        assert_eq!(sanitize("see https://example.com/a."), "see <https://example.com/a>.");
        assert_eq!(sanitize("[page](https://x.y/z)"), "[page](https://x.y/z)");
        assert_eq!(sanitize("array[string]"), "array\\[string\\]");
        assert_eq!(sanitize("a <b> c"), "a &lt;b> c");
        assert_eq!(sanitize("    indented code"), "indented code");
        assert_eq!(sanitize("```\nlet x = 1;\n```"), "```text\nlet x = 1;\n```");
        assert_eq!(sanitize("`[x]` stays"), "`[x]` stays");
        assert_eq!(sanitize("a\n\n\n\nb\n"), "a\n\nb");
        assert_eq!(sanitize("see <https://x.y/z> or <mailto:a@b.c>"), "see <https://x.y/z> or <mailto:a@b.c>");
        assert_eq!(sanitize("(https://x.y/z)"), "(<https://x.y/z>)");
        assert_eq!(sanitize("a <https://x.y b"), "a &lt;<https://x.y> b");
        assert_eq!(sanitize("a\tb\n```\n\tcode\n```"), "a    b\n```text\n    code\n```");
    }

    /// Lines that continue a list item are indented to its text (clippy's
    /// `doc_lazy_continuation`); other lines are not.
    #[test]
    fn list_continuations_indented() {
        assert_eq!(sanitize("- one\nmore\n- two\n  nested more"), "- one\n  more\n- two\n  nested more");
        assert_eq!(sanitize("1. one\nmore\n10) ten\nmore"), "1. one\n   more\n10) ten\n    more");
        assert_eq!(sanitize("*   wide\nmore"), "*   wide\n    more");
        // A blank line, a heading or a break ends the item; a fence is not indented.
        assert_eq!(sanitize("- one\n\nafter"), "- one\n\nafter");
        assert_eq!(sanitize("- one\n# Title\nafter"), "- one\n# Title\nafter");
        assert_eq!(sanitize("- one\n---\nafter"), "- one\n---\nafter");
        assert_eq!(sanitize("- one\n```\nx\n```\nafter"), "- one\n```text\nx\n```\nafter");
        // `2.` after text is text (only `1.` or a bullet interrupts a paragraph); in a list it
        // is an item.
        assert_eq!(sanitize("text\n2. two\nmore"), "text\n2. two\nmore");
        assert_eq!(sanitize("text\n- one\nmore"), "text\n- one\n  more");
        assert_eq!(sanitize("- one\n2. two\nmore"), "- one\n2. two\n   more");
        // Not markers: emphasis, a number without a space, a signed number.
        assert_eq!(sanitize("*a* b\nc\n1.5 d\n+1 e"), "*a* b\nc\n1.5 d\n+1 e");
    }
}
