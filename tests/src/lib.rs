//! Shared helpers for the workspace's tests: fixture discovery, generation, and JSON comparison.

use std::path::{Path, PathBuf};

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

/// The fixture specs in `tests/fixtures/<kind>/`, sorted by name: `(stem, path)`.
pub fn fixtures(kind: &str) -> Vec<(String, PathBuf)> {
    let dir = root().join("tests/fixtures").join(kind);
    let mut out: Vec<(String, PathBuf)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml" | "json")))
        .map(|p| (p.file_stem().unwrap_or_default().to_string_lossy().into_owned(), p))
        .collect();
    out.sort();
    out
}

/// Generator options for a fixture (the header names the fixture).
pub fn options(label: &str) -> generator::Options {
    generator::Options { spec_label: label.to_string(), command: "cargo xtask codegen".to_string() }
}

/// All emitted files of one spec, concatenated with a marker line before each.
pub fn generate_joined(spec: &str, label: &str) -> Result<String, generator::Diagnostics> {
    let files = generator::generate(spec, &options(label))?;
    let mut out = String::new();
    for f in files {
        out.push_str(&format!("// ===== {} =====\n", f.path));
        out.push_str(&f.contents);
    }
    Ok(out)
}

/// JSON equality where numbers compare by value (`0` equals `0.0`), as JSON defines them.
pub fn json_eq(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value::*;
    match (a, b) {
        (Number(x), Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(i), Some(j)) => i == j,
            _ => x.as_f64() == y.as_f64(),
        },
        (Array(x), Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_eq(p, q)),
        (Object(x), Object(y)) => x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w))),
        _ => a == b,
    }
}

/// The spec the client is generated from, as JSON.
pub fn spec_json() -> serde_json::Value {
    let text = std::fs::read_to_string(root().join(xtask::SPEC)).expect("spec is readable");
    serde_yaml::from_str(&text).expect("spec is valid YAML")
}

/// The named examples of an operation's response: `(example name, value)`.
pub fn response_examples(path: &str, method: &str, status: &str) -> Vec<(String, serde_json::Value)> {
    let spec = spec_json();
    let examples = &spec["paths"][path][method]["responses"][status]["content"]["application/json"]["examples"];
    examples
        .as_object()
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v["value"].clone())).collect())
        .unwrap_or_default()
}
