//! Spec text → `openapiv3::OpenAPI`. The only module that touches `serde_yaml`.

use crate::diag::Diagnostic;
use openapiv3::OpenAPI;

/// Parses YAML or JSON spec text. Checks the declared version first, so Swagger 2.0 and
/// OpenAPI 3.1 documents get one clear diagnostic instead of a wall of shape errors.
pub fn load(text: &str) -> Result<OpenAPI, Vec<Diagnostic>> {
    let value: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| vec![yaml_error(&e, "")])?;
    let Some(map) = value.as_mapping() else {
        return Err(vec![Diagnostic::invalid("", "the document is not a YAML/JSON object")]);
    };
    let version = |key: &str| {
        map.get(key).map(|v| match v {
            serde_yaml::Value::String(s) => s.clone(),
            other => serde_yaml::to_string(other).unwrap_or_default().trim().to_string(),
        })
    };
    if let Some(v) = version("swagger") {
        return Err(vec![Diagnostic::unsupported(
            "/swagger",
            format!("Swagger {v} documents are not supported; convert to OpenAPI 3.0 first"),
        )]);
    }
    match version("openapi") {
        None => return Err(vec![Diagnostic::invalid("", "missing `openapi` version field")]),
        Some(v) if v.starts_with("3.0") => {}
        Some(v) if v.starts_with("3.") => {
            return Err(vec![Diagnostic::unsupported(
                "/openapi",
                format!("OpenAPI {v} is not supported; this generator reads OpenAPI 3.0.x"),
            )])
        }
        Some(v) => return Err(vec![Diagnostic::invalid("/openapi", format!("unknown OpenAPI version `{v}`"))]),
    }
    serde_yaml::from_value::<OpenAPI>(value).map_err(|e| vec![yaml_error(&e, "")])
}

fn yaml_error(e: &serde_yaml::Error, pointer: &str) -> Diagnostic {
    let mut message = e.to_string();
    // serde_yaml appends " at line N column M"; keep the line in its own field.
    let line = e.location().map(|l| l.line());
    if let Some(idx) = message.find(" at line ") {
        message.truncate(idx);
    }
    let mut d = Diagnostic::invalid(pointer, message);
    d.line = line;
    d
}

/// Finds the 1-based line of the node a JSON pointer names, by following the keys through the
/// text's indentation. Works for block YAML and pretty-printed JSON; returns `None` when unsure.
pub fn line_of(text: &str, pointer: &str) -> Option<usize> {
    let tokens: Vec<String> = pointer.split('/').skip(1).map(|t| t.replace("~1", "/").replace("~0", "~")).collect();
    let lines: Vec<&str> = text.lines().collect();
    let mut start = 0usize;
    let mut min_indent: isize = -1;
    let mut found = None;
    for token in &tokens {
        let mut hit = None;
        if let Ok(index) = token.parse::<usize>() {
            // An array item: count `- ` entries at the first indentation seen.
            let mut seen = 0usize;
            let mut item_indent = None;
            for (i, line) in lines.iter().enumerate().skip(start) {
                let indent = (line.len() - line.trim_start().len()) as isize;
                let trimmed = line.trim_start();
                if trimmed.is_empty() || trimmed.starts_with('#') {
                    continue;
                }
                if indent <= min_indent && i > start {
                    break;
                }
                if trimmed.starts_with("- ") || trimmed == "-" {
                    if item_indent.is_none() {
                        item_indent = Some(indent);
                    }
                    if item_indent == Some(indent) {
                        if seen == index {
                            hit = Some((i, indent, true));
                            break;
                        }
                        seen += 1;
                    }
                }
            }
        }
        if hit.is_none() {
            for (i, line) in lines.iter().enumerate().skip(start) {
                let indent = (line.len() - line.trim_start().len()) as isize;
                let trimmed = line.trim_start().trim_start_matches("- ");
                if trimmed.is_empty() {
                    continue;
                }
                if indent <= min_indent
                    && i >= start
                    && !trimmed.starts_with('#')
                    && !(i == start && line.trim_start().starts_with("- "))
                {
                    break;
                }
                let keyed = [format!("{token}:"), format!("\"{token}\":"), format!("'{token}':")];
                if keyed.iter().any(|k| trimmed.starts_with(k.as_str())) {
                    hit = Some((i, indent, false));
                    break;
                }
            }
        }
        let (i, indent, item) = hit?;
        found = Some(i + 1);
        // An item's first key sits on the `- ` line itself.
        start = if item { i } else { i + 1 };
        min_indent = indent;
    }
    found
}
