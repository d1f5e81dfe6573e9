//! Tokens → formatted source text with a header. Formatting is prettyplease's, pinned by
//! `Cargo.lock`, so output never depends on a `rustfmt` installed on the machine.

use crate::diag::Diagnostic;
use proc_macro2::TokenStream;

/// Formats one file; each placeholder item `__text!(N);` becomes `texts[N]`, which is already
/// formatted. A token stream that does not parse is a generator bug, reported as such.
pub fn render(tokens: TokenStream, texts: &[String], header: &str, path: &str) -> Result<String, Diagnostic> {
    let file: syn::File = syn::parse2(tokens)
        .map_err(|e| Diagnostic::internal("", format!("emitted code for {path} does not parse: {e}")))?;
    let body = prettyplease::unparse(&file);
    let mut out = String::with_capacity(body.len() + body.len() / 16 + header.len());
    out.push_str(header);
    out.push('\n');
    // A placeholder's text takes its place, at its indentation.
    let mut expanded = String::with_capacity(body.len() + texts.iter().map(String::len).sum::<usize>());
    for line in body.lines() {
        let indent = &line[..line.len() - line.trim_start().len()];
        match placeholder(line.trim_start()).and_then(|i| texts.get(i)) {
            Some(text) => {
                for l in text.lines() {
                    if !l.is_empty() {
                        expanded.push_str(indent);
                    }
                    expanded.push_str(l);
                    expanded.push('\n');
                }
            }
            None => {
                expanded.push_str(line);
                expanded.push('\n');
            }
        }
    }
    let mut prev = "";
    for line in expanded.lines() {
        if needs_blank_line(prev, line) {
            out.push('\n');
        }
        out.push_str(line);
        out.push('\n');
        prev = line;
    }
    Ok(out)
}

/// A file written as text ([`crate::emit::Emitted::Text`]): the header, then the text as it is.
pub fn text(header: &str, text: &str) -> String {
    let mut out = String::with_capacity(header.len() + 1 + text.len());
    out.push_str(header);
    out.push('\n');
    out.push_str(text);
    out
}

/// The `N` of a placeholder line `__text!(N);`.
fn placeholder(line: &str) -> Option<usize> {
    line.strip_prefix("__text!(")?.strip_suffix(");")?.parse().ok()
}

/// A blank line between items: after an item's closing line, before the next item at the same
/// indentation (and after the inner module docs).
fn needs_blank_line(prev: &str, line: &str) -> bool {
    if prev.is_empty() || line.trim().is_empty() {
        return false;
    }
    let indent = |s: &str| s.len() - s.trim_start().len();
    let next = line.trim_start();
    let starts_item = next.starts_with("///")
        || next.starts_with("#[")
        || next.starts_with("pub ")
        || next.starts_with("impl")
        || next.starts_with("fn ")
        || next.starts_with("mod ")
        || next.starts_with("use ")
        || next.starts_with("type ")
        || next.starts_with("struct ")
        || next.starts_with("static ");
    if prev.starts_with("//!") {
        return !line.starts_with("//!");
    }
    let p = prev.trim_start();
    let closes = p == "}" || p == "};" || p.ends_with("{}") || (p.ends_with(';') && !p.starts_with("//"));
    let is_use = |s: &str| s.starts_with("use ") || s.starts_with("pub use ");
    if is_use(prev) && is_use(line) {
        return false;
    }
    if prev.starts_with("mod ") && (line.starts_with("mod ") || line.starts_with("pub mod ")) {
        return false;
    }
    if prev.starts_with("pub mod ") && (line.starts_with("mod ") || line.starts_with("pub mod ")) {
        return false;
    }
    closes
        && starts_item
        && indent(prev) == indent(line)
        && !(indent(line) > 0 && p.ends_with(';') && !p.starts_with("pub ") && p != "};")
}
