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
    let printable = |l: &String| l.replace(|c: char| c.is_control() && c != '\t', " ");
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
/// - `<` that does not start an autolink is escaped (rustdoc would take it for HTML).
pub fn sanitize(text: &str) -> String {
    let mut out = Vec::new();
    let mut in_fence = false;
    for line in text.replace("\r\n", "\n").lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
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
            out.push(inline(trimmed.trim_end()));
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
    }
}
