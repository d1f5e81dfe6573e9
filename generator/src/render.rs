//! Emitted files → their text with a header. Tokens are formatted by prettyplease, pinned by
//! `Cargo.lock`, so output never depends on a `rustfmt` installed on the machine; text (see
//! `emit::writer`) is already laid out.

use crate::diag::Diagnostic;
use proc_macro2::TokenStream;

/// Formats one file of tokens (the API module's `mod.rs` and `envelope.rs`), then puts blank
/// lines between items (prettyplease puts none). A token stream that does not parse is a
/// generator bug, reported as such.
pub fn render(tokens: TokenStream, header: &str, path: &str) -> Result<String, Diagnostic> {
    let file: syn::File = syn::parse2(tokens)
        .map_err(|e| Diagnostic::internal("", format!("emitted code for {path} does not parse: {e}")))?;
    let body = prettyplease::unparse(&file);
    let mut out = String::with_capacity(body.len() + body.len() / 16 + header.len());
    out.push_str(header);
    out.push('\n');
    let mut prev = "";
    for line in body.lines() {
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
