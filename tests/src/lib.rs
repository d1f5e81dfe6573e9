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

/// [`options`] for the good fixture `name`, with the `[types]` and `derives` of the config
/// beside it (`tests/fixtures/good/<name>.toml`, read as `openapi-rust-gen.toml` is) when there
/// is one: how a fixture shows what the config file changes.
pub fn fixture_options(name: &str, label: &str) -> generator::Options {
    let mut options = options(label);
    let path = root().join("tests/fixtures/good").join(format!("{name}.toml"));
    if path.exists() {
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let config = generator::project::Config::parse(&text, &path).unwrap_or_else(|e| panic!("{e}"));
        options.types = config.mappings();
        options.derives = config.derive_list();
    }
    options
}

/// All emitted files of one spec, concatenated with a marker line before each.
pub fn generate_joined(spec: &str, label: &str) -> Result<String, generator::Diagnostics> {
    generate_joined_with(spec, &options(label))
}

/// [`generate_joined`] with these options.
pub fn generate_joined_with(spec: &str, options: &generator::Options) -> Result<String, generator::Diagnostics> {
    let files = generator::generate(spec, options)?;
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

/// The whole output of `spec` as fixture `name` ([`generator::generate_crates`]): a client
/// crate `fixture-<name>` (with `_` as `-`; its models crates, if `options` asks for them, named
/// after [`generator::Options::models_crate`], which should then be `fixture_<name>_models`),
/// a member of the scratch workspace of [`compile_crates`], on this repository's runtime crates.
pub fn crates(
    name: &str,
    spec: &str,
    options: &generator::Options,
) -> Result<Vec<generator::Crate>, generator::Diagnostics> {
    let (api, _) = generator::lower_mapped(spec, options.types)?;
    let path = |folder: &str| root().join(folder).display().to_string();
    let setup = generator::CrateSetup {
        name: format!("fixture-{name}").replace('_', "-"),
        version: "0.0.0".to_string(),
        description: None,
        license: None,
        doc: Some(format!("Fixture `{name}`.")),
        runtime: path("runtime"),
        runtime_model: path("runtime-model"),
        workspace: generator::Workspace::Member,
        dev_dependencies: Vec::new(),
    };
    generator::generate_crates(&api, options, &setup)
}

/// Writes each output of [`crates`] (under a folder named after its client package) into one
/// scratch workspace under `target/<scratch>`, whose lints deny every clippy lint, and runs
/// `cargo clippy` on all of them at once. Returns the compiler output on failure or warnings.
pub fn compile_crates(scratch: &str, outputs: &[Vec<generator::Crate>]) -> Result<(), String> {
    let root = root();
    let dir = root.join("target").join(scratch);
    let _ = std::fs::remove_dir_all(&dir);
    let mut members = Vec::new();
    for crates in outputs {
        let name = crates.first().map(|c| c.manifest.package.name.clone()).unwrap_or_default();
        // The models crates are the client's path dependencies, inside its folder: members too.
        xtask::write_crates(&dir.join(&name), crates, false, "")?;
        members.push(format!("{name:?}"));
    }
    let ws = format!(
        "[workspace]\nresolver = \"2\"\nmembers = [{}]\n\n[workspace.package]\nedition = \"2021\"\n\
         license = \"MIT OR Apache-2.0\"\npublish = false\n\n[workspace.lints.clippy]\nall = \"deny\"\n",
        members.join(", ")
    );
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
