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
    generator::Options {
        spec_label: label.to_string(),
        command: "cargo xtask codegen".to_string(),
        ..Default::default()
    }
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
    examples.as_object().map(|m| m.iter().map(|(k, v)| (k.clone(), v["value"].clone())).collect()).unwrap_or_default()
}

/// Builds each `(name, files)` as a crate (the emitted files under `src/api/`, depending on the
/// runtime's crates of this repository) in one scratch workspace under `target/<scratch>`, and runs `cargo clippy` on all of
/// them at once with warnings denied. Files under `models/` (see
/// [`generator::Options::models_crate`], which must then be `{name}_models` with `-` as `_`) go
/// to a crate `<name>-models` that the first depends on, and files under `models-N/` (see
/// [`generator::Options::model_groups`]) to crates `<name>-models-N` that depend on that one.
/// Returns the compiler output on failure.
pub fn compile_crates(scratch: &str, crates: &[(String, Vec<generator::File>)]) -> Result<(), String> {
    use std::fmt::Write as _;
    let root = root();
    let dir = root.join("target").join(scratch);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let runtime = root.join("runtime").display().to_string();
    let runtime_model = root.join("runtime-model").display().to_string();
    let deps = format!("\n{}", xtask::client_dependencies(&runtime));
    let write = |path: &Path, text: &str| -> Result<(), String> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
        }
        std::fs::write(path, text).map_err(|e| e.to_string())
    };
    let manifest = |name: &str, deps: &str| {
        format!(
            "[package]\nname = \"fixture-{}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
             [dependencies]{deps}\n[lints.clippy]\nall = \"deny\"\n",
            name.replace('_', "-")
        )
    };
    let mut members = String::new();
    for (name, files) in crates {
        let krate = dir.join(name);
        let mut folders = std::collections::BTreeSet::new();
        for f in files {
            match xtask::file_place(&f.path) {
                ("", rest) => write(&krate.join("src/api").join(rest), &f.contents)?,
                (folder, rest) => {
                    folders.insert(folder);
                    write(&dir.join(format!("{name}-{folder}")).join("src").join(rest), &f.contents)?;
                }
            }
        }
        let mut deps = deps.clone();
        let core = format!("fixture-{name}-models").replace('_', "-");
        for folder in &folders {
            let models = dir.join(format!("{name}-{folder}"));
            let doc = format!("//! Models of fixture `{name}`.\n#![deny(warnings, missing_docs)]");
            let core_dep = match *folder {
                "models" => String::new(),
                _ => format!("{core} = {{ path = \"../{name}-models\" }}\n"),
            };
            write(&models.join("src/lib.rs"), &xtask::models_lib(&doc))?;
            let model_deps = format!("\n{}{core_dep}", xtask::models_dependencies(&runtime_model));
            write(&models.join("Cargo.toml"), &manifest(&format!("{name}-{folder}"), &model_deps))?;
            let _ = write!(members, "\"{name}-{folder}\", ");
            let _ = writeln!(deps, "fixture-{}-{folder} = {{ path = \"../{name}-{folder}\" }}", name.replace('_', "-"));
        }
        let lib = format!(
            "//! Fixture `{name}`.\n#![deny(warnings, missing_docs)]\nmod api;\n\
             pub use api::*;\npub use openapi_rust_runtime::public::*;\npub use openapi_rust_runtime::rt;\n"
        );
        write(&krate.join("src/lib.rs"), &lib)?;
        write(&krate.join("Cargo.toml"), &manifest(name, &deps))?;
        let _ = write!(members, "{name:?}, ");
    }
    let ws = format!("[workspace]\nresolver = \"2\"\nmembers = [{members}]\n");
    std::fs::write(dir.join("Cargo.toml"), ws).map_err(|e| e.to_string())?;
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).map_err(|e| e.to_string())?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = std::process::Command::new(cargo)
        .args(["clippy", "--offline", "--quiet", "--workspace", "--message-format=short"])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", root.join("target/fixture-target"))
        .env_remove("RUSTFLAGS")
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    if !out.status.success() || stderr.contains("warning") {
        return Err(stderr);
    }
    Ok(())
}
