//! JSON values → block-style YAML text, for inserting into a hand-written spec: keys in the
//! value's order, strings quoted only when a YAML 1.1 or 1.2 reader (serde_yaml, PyYAML) would
//! read them as something else, multi-line strings as literal block scalars.

use serde_json::Value;

/// Writes `key: value` at `indent` columns, nested levels `unit` columns deeper, each line
/// ending in `\n`.
pub(crate) fn entry(out: &mut String, indent: usize, unit: usize, key: &str, value: &Value) {
    push_indent(out, indent);
    out.push_str(&key_text(key));
    out.push(':');
    after_key(out, indent, unit, value);
}

/// The value of a key written at `indent`, after its `:`.
fn after_key(out: &mut String, indent: usize, unit: usize, value: &Value) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            out.push('\n');
            for (k, v) in map {
                entry(out, indent + unit, unit, k, v);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            out.push('\n');
            for item in items {
                push_indent(out, indent + unit);
                out.push_str("- ");
                sequence_item(out, indent + unit + 2, unit, item);
            }
        }
        scalar => {
            out.push(' ');
            scalar_text(out, indent + unit, scalar);
        }
    }
}

/// A sequence item after its `- `, its own lines at `column` (the column after the dash).
fn sequence_item(out: &mut String, column: usize, unit: usize, value: &Value) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (i, (k, v)) in map.iter().enumerate() {
                if i > 0 {
                    push_indent(out, column);
                }
                out.push_str(&key_text(k));
                out.push(':');
                after_key(out, column, unit, v);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    push_indent(out, column);
                }
                out.push_str("- ");
                sequence_item(out, column + 2, unit, item);
            }
        }
        scalar => scalar_text(out, column, scalar),
    }
}

/// A scalar (or an empty collection) and its line end; a literal block's lines at `indent`.
fn scalar_text(out: &mut String, indent: usize, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&number_text(n)),
        Value::Array(_) => out.push_str("[]"),
        Value::Object(_) => out.push_str("{}"),
        Value::String(s) => match literal_block(s) {
            Some((indicator, lines)) => {
                out.push_str(indicator);
                for line in lines {
                    out.push('\n');
                    if !line.is_empty() {
                        push_indent(out, indent);
                        out.push_str(line);
                    }
                }
            }
            None => out.push_str(&string_text(s)),
        },
    }
    out.push('\n');
}

fn push_indent(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

/// A number as both YAML 1.1 and 1.2 read it back: a float keeps a `.` and a signed exponent
/// (`1e20` is a string to PyYAML).
fn number_text(n: &serde_json::Number) -> String {
    let text = n.to_string();
    if n.is_f64() && (text.contains('e') || text.contains('E')) {
        let (mantissa, exponent) = text.split_once(['e', 'E']).unwrap_or((&text, "0"));
        let mantissa = if mantissa.contains('.') { mantissa.to_string() } else { format!("{mantissa}.0") };
        let exponent = if exponent.starts_with(['-', '+']) { exponent.to_string() } else { format!("+{exponent}") };
        return format!("{mantissa}e{exponent}");
    }
    text
}

/// A multi-line string as a literal block: the header (`|-` without a final line break, `|`
/// with one) and its lines; `None` when a literal block cannot hold it exactly (leading space
/// on the first line, a line of spaces only, several final line breaks, control characters).
fn literal_block(s: &str) -> Option<(&'static str, Vec<&str>)> {
    let (body, indicator) = match s.strip_suffix('\n') {
        Some(body) => (body, "|"),
        None => (s, "|-"),
    };
    if !body.contains('\n') || body.ends_with('\n') || body.starts_with([' ', '\t']) || body.chars().any(not_printable)
    {
        return None;
    }
    let lines: Vec<&str> = body.split('\n').collect();
    if lines.iter().any(|l| !l.is_empty() && l.trim_start_matches(' ').is_empty()) {
        return None;
    }
    Some((indicator, lines))
}

/// A mapping key: as a string, but never a block (a multi-line key is double-quoted).
fn key_text(key: &str) -> String {
    string_text(key)
}

/// A one-line string: plain when safe, else single-quoted, else (control characters, line
/// breaks) double-quoted with escapes.
pub(crate) fn string_text(s: &str) -> String {
    if plain_ok(s) {
        s.to_string()
    } else if !s.chars().any(|c| c == '\n' || c == '\t' || not_printable(c)) {
        format!("'{}'", s.replace('\'', "''"))
    } else {
        double_quoted(s)
    }
}

/// Characters YAML does not allow raw in a scalar, or that a YAML 1.1 reader takes for a
/// line break.
fn not_printable(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || matches!(c, '\u{feff}' | '\u{2028}' | '\u{2029}')
}

fn double_quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if not_printable(c) => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Whether `s` reads back as this string when written plain, in YAML 1.1 and 1.2 alike.
fn plain_ok(s: &str) -> bool {
    let Some(first) = s.chars().next() else { return false };
    if s.trim() != s || s.chars().any(|c| c == '\n' || c == '\t' || not_printable(c)) {
        return false;
    }
    // Indicators, and what would start a sequence, comment, anchor, tag, quote or flow node.
    if "-?:,[]{}#&*!|>'\"%@`".contains(first) {
        return false;
    }
    if s.contains(": ") || s.contains(" #") || s.ends_with(':') {
        return false;
    }
    // Numbers, dates, times and sexagesimals all start with a digit (or a sign or dot and one).
    let second = s.chars().nth(1);
    if first.is_ascii_digit() || (matches!(first, '+' | '.') && second.is_some_and(|c| c.is_ascii_digit())) {
        return false;
    }
    // Words that YAML 1.1 or 1.2 resolve to null, booleans, infinities or merge keys.
    const WORDS: [&str; 12] = ["null", "~", "true", "false", "yes", "no", "on", "off", "y", "n", "<<", "="];
    let lower = s.to_ascii_lowercase();
    if WORDS.contains(&lower.as_str()) || matches!(lower.as_str(), ".inf" | "+.inf" | "-.inf" | ".nan") {
        return false;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_quoted_only_when_needed() {
        let cases = [
            ("plain words", "plain words"),
            ("application/json", "application/json"),
            ("/zones/{zone_id}", "/zones/{zone_id}"),
            ("$ref", "$ref"),
            ("200", "'200'"),
            ("4XX", "'4XX'"),
            ("1.5", "'1.5'"),
            ("2024-01-01T00:00:00Z", "'2024-01-01T00:00:00Z'"),
            ("true", "'true'"),
            ("No", "'No'"),
            ("on", "'on'"),
            ("null", "'null'"),
            ("~", "'~'"),
            ("", "''"),
            ("a: b", "'a: b'"),
            ("a #b", "'a #b'"),
            ("a#b", "a#b"),
            ("key:", "'key:'"),
            ("*.example.com", "'*.example.com'"),
            ("-----BEGIN", "'-----BEGIN'"),
            ("Let's Encrypt", "Let's Encrypt"),
            ("'quoted'", "'''quoted'''"),
            (" padded", "' padded'"),
            ("zone’s ünïcode ✓", "zone’s ünïcode ✓"),
            ("tab\there", "\"tab\\there\""),
            ("bell\u{7}", "\"bell\\u0007\""),
        ];
        for (input, want) in cases {
            assert_eq!(string_text(input), want, "{input:?}");
        }
    }

    #[test]
    fn floats_keep_a_dot_and_a_signed_exponent() {
        let n = |v: f64| serde_json::Number::from_f64(v).map(|n| number_text(&n)).unwrap_or_default();
        assert_eq!(n(1e20), "1.0e+20");
        assert_eq!(n(1.5e-7), "1.5e-7");
        assert_eq!(n(0.25), "0.25");
    }

    #[test]
    fn multi_line_strings_become_literal_blocks() {
        let mut out = String::new();
        entry(&mut out, 2, 2, "description", &Value::from("First line.\n\nSecond: with # and 'quotes'."));
        assert_eq!(out, "  description: |-\n    First line.\n\n    Second: with # and 'quotes'.\n");
        let mut out = String::new();
        entry(&mut out, 0, 2, "d", &Value::from("ends\nwith a break\n"));
        assert_eq!(out, "d: |\n  ends\n  with a break\n");
        // A leading space cannot start a literal block without an indentation indicator.
        let mut out = String::new();
        entry(&mut out, 0, 2, "d", &Value::from(" indented\nnext"));
        assert_eq!(out, "d: \" indented\\nnext\"\n");
    }

    #[test]
    fn nested_values_are_block_style() {
        let value = serde_json::json!({
            "parameters": [{"in": "path", "name": "id", "schema": {"type": "string"}}, "x", [1, 2], {}],
            "enum": [],
            "nothing": null,
        });
        let mut out = String::new();
        entry(&mut out, 0, 2, "op", &value);
        let want = "op:\n  parameters:\n    - in: path\n      name: id\n      schema:\n        type: string\n    - x\n    - - 1\n      - 2\n    - {}\n  enum: []\n  nothing: null\n";
        assert_eq!(out, want);
    }
}
