//! Turning names from the spec into Rust identifiers.
//!
//! `heck` changes case but does not make a name safe: `type`, `self` and `200` pass through it.
//! Everything here returns an identifier that is valid Rust, and [`Namer`] makes names unique
//! within one scope in a way that depends only on the names in that scope, never on the order
//! in which they are asked for.

use heck::{ToPascalCase, ToSnakeCase};
use std::collections::{BTreeMap, BTreeSet};

/// Words that cannot be used as plain identifiers (strict and reserved keywords, all editions).
const KEYWORDS: &[&str] = &[
    "Self", "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro",
    "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return", "self", "static", "struct", "super",
    "trait", "true", "try", "type", "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while",
    "yield",
];

/// Names that would shadow something the emitted code relies on when used as a type name.
const RESERVED_TYPE_NAMES: &[&str] = &[
    "Option",
    "Result",
    "Vec",
    "String",
    "Box",
    "Some",
    "None",
    "Ok",
    "Err",
    "Client",
    "Error",
    "Call",
    "Page",
    "ApiMessage",
    "Envelope",
    "Credentials",
    "Default",
    "Display",
    "Serialize",
    "Deserialize",
    "Value",
    "DateTime",
    "Utc",
    "NaiveDate",
];

/// Splits `raw` into ASCII words, spelling out symbols that would otherwise vanish and carry
/// meaning (`+1` and `-1` must not both become `1`).
fn words(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for ch in raw.chars() {
        match ch {
            'a'..='z' | 'A'..='Z' | '0'..='9' => out.push(ch),
            '+' => out.push_str(" plus "),
            '-' if out.trim().is_empty() => out.push_str(" minus "),
            '<' => out.push_str(" lt "),
            '>' => out.push_str(" gt "),
            '=' => out.push_str(" eq "),
            '*' => out.push_str(" star "),
            '@' | '$' | '#' | '.' | '/' | '_' | ' ' | '-' | ':' => out.push(' '),
            c if c.is_alphanumeric() => match fold_latin(c) {
                // Accented Latin letters lose their accents (`café` → `cafe`).
                Some(ascii) => out.push_str(ascii),
                // Other letters: keep a stable ASCII spelling of the code point.
                None => out.push_str(&format!(" u{:x} ", c as u32)),
            },
            _ => out.push(' '),
        }
    }
    out
}

/// Latin-1 Supplement letters U+00C0..=U+00FF, without their accents.
const LATIN_1: [&str; 64] = [
    "A", "A", "A", "A", "A", "A", "AE", "C", "E", "E", "E", "E", "I", "I", "I", "I", //
    "D", "N", "O", "O", "O", "O", "O", "", "O", "U", "U", "U", "U", "Y", "TH", "ss", //
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i", //
    "d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "y",
];

/// Latin Extended-A letters U+0100..=U+017F, without their accents.
const LATIN_EXTENDED_A: [&str; 128] = [
    "A", "a", "A", "a", "A", "a", "C", "c", "C", "c", "C", "c", "C", "c", "D", "d", //
    "D", "d", "E", "e", "E", "e", "E", "e", "E", "e", "E", "e", "G", "g", "G", "g", //
    "G", "g", "G", "g", "H", "h", "H", "h", "I", "i", "I", "i", "I", "i", "I", "i", //
    "I", "i", "IJ", "ij", "J", "j", "K", "k", "k", "L", "l", "L", "l", "L", "l", "L", //
    "l", "L", "l", "N", "n", "N", "n", "N", "n", "n", "N", "n", "O", "o", "O", "o", //
    "O", "o", "OE", "oe", "R", "r", "R", "r", "R", "r", "S", "s", "S", "s", "S", "s", //
    "S", "s", "T", "t", "T", "t", "T", "t", "U", "u", "U", "u", "U", "u", "U", "u", //
    "U", "u", "U", "u", "W", "w", "Y", "y", "Y", "Z", "z", "Z", "z", "Z", "z", "s",
];

/// An accented Latin letter's ASCII spelling.
fn fold_latin(c: char) -> Option<&'static str> {
    let code = c as usize;
    let ascii = match code {
        0xC0..=0xFF => LATIN_1.get(code - 0xC0),
        0x100..=0x17F => LATIN_EXTENDED_A.get(code - 0x100),
        _ => None,
    };
    ascii.copied().filter(|s| !s.is_empty())
}

fn fix_start(mut ident: String, prefix: &str) -> String {
    if ident.is_empty() {
        return prefix.to_string();
    }
    if ident.starts_with(|c: char| c.is_ascii_digit()) {
        ident.insert_str(0, prefix);
    }
    ident
}

fn fix_keyword(ident: String) -> String {
    if KEYWORDS.contains(&ident.as_str()) {
        format!("{ident}_")
    } else {
        ident
    }
}

/// True for a plain (non-raw) Rust identifier that is not a keyword.
pub fn is_ident(s: &str) -> bool {
    let mut chars = s.chars();
    let starts_well = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    starts_well && s != "_" && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') && !KEYWORDS.contains(&s)
}

/// A `snake_case` identifier for a field, parameter, function or module.
pub fn snake(raw: &str) -> String {
    let s = words(raw).to_snake_case();
    fix_keyword(fix_start(s, "n_"))
}

/// A `PascalCase` identifier for a type or enum variant.
pub fn pascal(raw: &str) -> String {
    let s = words(raw).to_pascal_case();
    let s = fix_start(s, "N");
    let s = if s == "Self" { "Self_".to_string() } else { s };
    fix_keyword(s)
}

/// A type name: like [`pascal`], and never one of the names the emitted code uses itself.
pub fn type_name(raw: &str) -> String {
    let s = pascal(raw);
    if RESERVED_TYPE_NAMES.contains(&s.as_str()) {
        format!("{s}Type")
    } else {
        s
    }
}

/// Hands out unique names in one scope.
///
/// All candidates are registered first ([`Namer::reserve`]), then resolved together: when two
/// wire names map to the same identifier, the one spelled exactly like the identifier keeps it,
/// and the others get a suffix (`2`, `3`, ...) from their position among the colliding wire
/// names sorted by their wire spelling, so the result does not depend on the order in which the
/// spec lists them. A name already taken is never handed out: its claimants start at `2`.
#[derive(Default)]
pub struct Namer {
    wanted: BTreeMap<String, BTreeSet<String>>,
    taken: BTreeSet<String>,
}

impl Namer {
    /// A namer whose scope already holds `taken` (names that must not be handed out).
    pub fn with_taken<'a>(taken: impl IntoIterator<Item = &'a str>) -> Self {
        Namer { wanted: BTreeMap::new(), taken: taken.into_iter().map(str::to_string).collect() }
    }

    /// Registers that `key` (a wire name or another stable key) wants identifier `ident`.
    pub fn reserve(&mut self, key: &str, ident: String) {
        self.wanted.entry(ident).or_default().insert(key.to_string());
    }

    /// Resolves every registered key to a unique identifier.
    pub fn resolve(mut self) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        // Uncontested names first, so that a suffixed name never steals a plain one.
        let mut contested = Vec::new();
        for (ident, keys) in &self.wanted {
            if keys.len() == 1 && !self.taken.contains(ident) {
                if let Some(key) = keys.iter().next() {
                    out.insert(key.clone(), ident.clone());
                }
                self.taken.insert(ident.clone());
            } else {
                contested.push((ident.clone(), keys.clone()));
            }
        }
        for (ident, keys) in contested {
            // A key spelled exactly like the identifier keeps it; the others get `2`, `3`, ...
            // in the order of their spelling.
            let (exact, others): (Vec<String>, Vec<String>) = keys.into_iter().partition(|k| *k == ident);
            let mut n = 1usize;
            for key in exact.into_iter().chain(others) {
                let name = loop {
                    let sep = if ident.ends_with(|c: char| c.is_ascii_digit()) { "_" } else { "" };
                    let candidate = if n == 1 { ident.clone() } else { format!("{ident}{sep}{n}") };
                    n += 1;
                    if !self.taken.contains(&candidate) {
                        break candidate;
                    }
                };
                self.taken.insert(name.clone());
                out.insert(key, name);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn naming_table() {
        let cases = [
            ("type", snake("type"), "type_"),
            ("self", snake("self"), "self_"),
            ("200", snake("200"), "n_200"),
            ("zone_id", snake("zone_id"), "zone_id"),
            ("documentation_url", snake("documentation_url"), "documentation_url"),
            ("@timestamp", snake("@timestamp"), "timestamp"),
            ("+1", pascal("+1"), "Plus1"),
            ("-1", pascal("-1"), "Minus1"),
            ("<1y", snake("<1y"), "lt_1y"),
            (">1y", snake(">1y"), "gt_1y"),
            ("14", pascal("14"), "N14"),
            ("", pascal(""), "N"),
            ("Self", pascal("Self"), "Self_"),
            ("lets_encrypt", pascal("lets_encrypt"), "LetsEncrypt"),
            ("café", pascal("café"), "Cafe"),
            ("naïve", snake("naïve"), "naive"),
            ("Ünïcödé", type_name("Ünïcödé"), "Unicode"),
            ("名前", snake("名前"), "u540d_u524d"),
            ("Option", type_name("Option"), "OptionType"),
            ("x-auth-key", snake("x-auth-key"), "x_auth_key"),
            ("getCertificatePack", snake("getCertificatePack"), "get_certificate_pack"),
        ];
        for (input, got, want) in cases {
            assert_eq!(got, want, "name for {input:?}");
            assert!(syn::parse_str::<syn::Ident>(&got).is_ok(), "{got} is a valid identifier");
            assert!(is_ident(&got), "{got} passes is_ident");
        }
    }

    #[test]
    fn collisions_resolve_independently_of_order() {
        let mut a = Namer::default();
        a.reserve("a-b", snake("a-b"));
        a.reserve("a_b", snake("a_b"));
        a.reserve("a_b_1", snake("a_b_1"));
        let mut b = Namer::default();
        b.reserve("a_b_1", snake("a_b_1"));
        b.reserve("a_b", snake("a_b"));
        b.reserve("a-b", snake("a-b"));
        let (a, b) = (a.resolve(), b.resolve());
        assert_eq!(a, b);
        let values: BTreeSet<_> = a.values().collect();
        assert_eq!(values.len(), 3, "{a:?}");
        assert_eq!(a["a_b_1"], "a_b_1");
        assert_eq!(a["a_b"], "a_b", "the exact spelling keeps the plain name");
        assert_eq!(a["a-b"], "a_b2");
    }
}
