//! Project tasks: `cargo xtask codegen [--check]`, `generate`, `corpus`, `test`.

pub mod bench;
pub mod conform;
pub mod corpus;
pub mod fuzz;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The Prism release the conformance tests run against.
pub const PRISM_PACKAGE: &str = "@stoplight/prism-cli@5.14.2";
/// Where `cargo xtask test` installs Prism, relative to the workspace root.
pub const PRISM_PREFIX: &str = "target/prism";

/// The spec the checked-in client is generated from, relative to the workspace root.
pub const SPEC: &str = "spec/cloudflare-ssl.yaml";
/// Where the emitted files go, relative to the workspace root.
pub const OUT_DIR: &str = "generated/src/api";
/// The command that regenerates the checked-in client.
pub const COMMAND: &str = "cargo xtask codegen";

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

/// What a codegen run did or found.
#[derive(Debug, Default)]
pub struct Report {
    /// Files written (or, in check mode, found stale or missing).
    pub changed: Vec<String>,
    /// Files in the output folder the generator no longer emits.
    pub extra: Vec<String>,
}

/// Prints a spec's warnings (legal mistakes the client does not mind) to stderr: the first 20
/// and how many more.
fn print_warnings(label: &str, warnings: &generator::Diagnostics) {
    const SHOWN: usize = 20;
    let list = &warnings.0;
    if list.is_empty() {
        return;
    }
    eprintln!("{label}: {} warning(s)", list.len());
    for w in list.iter().take(SHOWN) {
        eprintln!("  {w}");
    }
    if list.len() > SHOWN {
        eprintln!("  … and {} more", list.len() - SHOWN);
    }
}

/// Regenerates `generated/src/api` from the spec. In check mode nothing is written, and the
/// error names each stale, missing or extra file and the command to run.
pub fn codegen(check: bool) -> Result<Report, String> {
    let root = root();
    let spec_path = root.join(SPEC);
    let spec = fs::read_to_string(&spec_path).map_err(|e| format!("cannot read {}: {e}", spec_path.display()))?;
    let options =
        generator::Options { spec_label: SPEC.to_string(), command: COMMAND.to_string(), ..Default::default() };
    let (api, warnings) = generator::lower_with_warnings(&spec).map_err(|d| format!("{SPEC}:\n{d}"))?;
    print_warnings(SPEC, &warnings);
    let files = generator::generate_from(&api, &options).map_err(|d| format!("{SPEC}:\n{d}"))?;
    let out = root.join(OUT_DIR);
    let mut report = Report::default();
    for file in &files {
        let path = out.join(&file.path);
        let rel = format!("{OUT_DIR}/{}", file.path);
        if ensure_file_contents(&path, &file.contents, check)? {
            report.changed.push(rel);
        }
    }
    let mut extra: Vec<String> = files_under(&out)
        .into_iter()
        .filter(|rel| !files.iter().any(|f| &f.path == rel))
        .map(|rel| format!("{OUT_DIR}/{rel}"))
        .collect();
    extra.sort();
    if !check {
        for name in &extra {
            fs::remove_file(root.join(name)).map_err(|e| format!("cannot remove {name}: {e}"))?;
        }
        // Folders a split file left behind when it is one file again.
        for dir in ["types", "operations"] {
            let _ = fs::remove_dir(out.join(dir));
        }
    }
    report.extra = extra;
    if check && (!report.changed.is_empty() || !report.extra.is_empty()) {
        let mut msg = String::from("the checked-in generated code is not what the generator emits now:\n");
        for f in &report.changed {
            let state = if root.join(f).exists() { "stale" } else { "missing" };
            msg.push_str(&format!("  {state}: {f}\n"));
        }
        for f in &report.extra {
            msg.push_str(&format!("  extra: {f}\n"));
        }
        msg.push_str(&format!("run `{COMMAND}` and commit the result"));
        return Err(msg);
    }
    Ok(report)
}

/// Every file under `dir`, as paths relative to it with `/` separators.
pub(crate) fn files_under(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![(dir.to_path_buf(), String::new())];
    while let Some((path, rel)) = stack.pop() {
        let Ok(entries) = fs::read_dir(&path) else { continue };
        for entry in entries.filter_map(Result::ok) {
            let name = entry.file_name().to_string_lossy().into_owned();
            let child = if rel.is_empty() { name } else { format!("{rel}/{name}") };
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push((entry.path(), child));
            } else {
                out.push(child);
            }
        }
    }
    out
}

/// Makes `path` hold `contents` (line endings normalised). Returns whether it differed.
pub fn ensure_file_contents(path: &Path, contents: &str, check: bool) -> Result<bool, String> {
    let normalize = |s: &str| s.replace("\r\n", "\n");
    if let Ok(old) = fs::read_to_string(path) {
        if normalize(&old) == normalize(contents) {
            return Ok(false);
        }
    }
    if !check {
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        fs::write(path, contents).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(true)
}

/// The Prism mock server's command: `PRISM_BIN`, or the copy under [`PRISM_PREFIX`], installed
/// with npm if it is not there yet.
pub fn prism_bin() -> Result<PathBuf, String> {
    if let Some(bin) = std::env::var_os("PRISM_BIN") {
        return Ok(PathBuf::from(bin));
    }
    let root = root();
    let prism = root.join(PRISM_PREFIX).join("node_modules/.bin/prism");
    if !prism.exists() {
        eprintln!("installing {PRISM_PACKAGE} into {PRISM_PREFIX} (once)");
        let status = Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--loglevel=error", "--prefix", PRISM_PREFIX, PRISM_PACKAGE])
            .current_dir(&root)
            .status()
            .map_err(|e| format!("cannot run npm (needed to install Prism): {e}"))?;
        if !status.success() {
            return Err(format!("`npm install {PRISM_PACKAGE}` failed"));
        }
    }
    Ok(prism)
}

/// Installs Prism (if it is not there yet) and runs the whole test suite.
pub fn test(extra: &[&str]) -> Result<(), String> {
    let root = root();
    let prism = prism_bin()?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let mut cmd = Command::new(cargo);
    cmd.args(["test", "--workspace"]).args(extra).current_dir(&root);
    if std::env::var_os("PRISM_BIN").is_none() {
        cmd.env("PRISM_BIN", &prism);
    }
    // Stream the output through, adding up the per-binary results into one closing line.
    let mut child = cmd.stdout(std::process::Stdio::piped()).spawn().map_err(|e| format!("cannot run cargo: {e}"))?;
    let (mut passed, mut failed, mut ignored) = (0u64, 0u64, 0u64);
    if let Some(out) = child.stdout.take() {
        use std::io::BufRead;
        for line in std::io::BufReader::new(out).lines().map_while(Result::ok) {
            println!("{line}");
            if let Some(rest) = line.strip_prefix("test result: ") {
                let count = |word: &str| {
                    rest.split(';')
                        .find_map(|part| {
                            part.trim().strip_suffix(word).map(|n| {
                                n.trim()
                                    .trim_start_matches("ok.")
                                    .trim()
                                    .trim_start_matches("FAILED.")
                                    .trim()
                                    .parse::<u64>()
                                    .unwrap_or(0)
                            })
                        })
                        .unwrap_or(0)
                };
                passed += count("passed");
                failed += count("failed");
                ignored += count("ignored");
            }
        }
    }
    let status = child.wait().map_err(|e| format!("cannot run cargo: {e}"))?;
    println!("\ntests: {passed} passed, {failed} failed, {ignored} skipped");
    if status.success() {
        Ok(())
    } else {
        Err("tests failed".to_string())
    }
}

/// The `[dependencies]` table of `generated/Cargo.toml` (the runtime's dependencies), without
/// the header.
pub fn runtime_dependencies(root: &Path) -> Result<String, String> {
    manifest_table(root, "dependencies")
}

/// The runtime's `[dev-dependencies]` (its own unit tests need them, under `--all-targets`).
pub fn runtime_dev_dependencies(root: &Path) -> Result<String, String> {
    manifest_table(root, "dev-dependencies")
}

/// The lines of table `[name]` of `generated/Cargo.toml`.
fn manifest_table(root: &Path, name: &str) -> Result<String, String> {
    let manifest = fs::read_to_string(root.join("generated/Cargo.toml")).map_err(|e| e.to_string())?;
    manifest
        .split(&format!("\n[{name}]"))
        .nth(1)
        .and_then(|rest| rest.split("\n[").next())
        .map(str::to_string)
        .ok_or_else(|| format!("generated/Cargo.toml has no [{name}]"))
}

/// The dependencies of the runtime's `model` module (`generated/src/model/`), which a separate
/// models crate needs: the lines of `deps` for these crates.
pub const MODEL_DEPENDENCIES: &[&str] = &["serde", "serde_json", "chrono"];

/// The lines of a `[dependencies]` table that name one of [`MODEL_DEPENDENCIES`].
pub fn model_dependencies(deps: &str) -> String {
    deps.lines()
        .filter(|l| MODEL_DEPENDENCIES.iter().any(|d| l.split('=').next().is_some_and(|k| k.trim() == *d)))
        .map(|l| format!("{l}\n"))
        .collect()
}

/// The `src/lib.rs` of a separate models crate, whose `model` module is the runtime's
/// (`src/model/`, or where `model_path` says) and whose `src/types...` are the emitted `models/`
/// files.
pub fn models_lib(doc: &str, model_path: Option<&Path>) -> String {
    let path = model_path.map(|p| format!("#[path = {:?}]\n", p.display().to_string())).unwrap_or_default();
    lib_of_models(doc, &format!("#[doc(hidden)]\n{path}pub mod model;"))
}

/// The `src/lib.rs` of a group crate of models (see [`generator::Options::model_groups`]):
/// its `src/types...` are the emitted `models-N/` files, and the `model` module is the core
/// crate's (`core`, a Rust name).
pub fn models_group_lib(doc: &str, core: &str) -> String {
    lib_of_models(doc, &format!("use {core}::model;"))
}

/// A models crate's `src/lib.rs`, given how it gets its `model` module.
fn lib_of_models(doc: &str, model: &str) -> String {
    format!(
        "{doc}\n\n#![forbid(unsafe_code)]\n#![warn(missing_docs)]\n\n{model}\n#[rustfmt::skip]\npub mod types;\n\n\
         // `crate::rt` for the emitted code (unused when it names nothing there).\n#[allow(unused_imports)]\n\
         use model::rt;\n"
    )
}

/// Where an emitted file goes in a generated client: under the client crate's `src/api/`, or
/// (for `models/...` and `models-N/...`, see [`generator::Options::model_groups`]) in the
/// `src/` of a models crate. Returns the crate's folder suffix (`""` for the client, `models`,
/// `models-N`) and the path inside its `src/` (or `src/api/`).
pub fn file_place(path: &str) -> (&str, &str) {
    match path.split_once('/') {
        Some((folder, rest))
            if folder == "models"
                || folder
                    .strip_prefix("models-")
                    .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())) =>
        {
            (folder, rest)
        }
        _ => ("", path),
    }
}

/// Generates a standalone client crate for any spec: `DIR/Cargo.toml`, `DIR/src/lib.rs`, the
/// runtime under `DIR/src/runtime/` and `DIR/src/model/` (copied from `generated/`) and the
/// emitted `DIR/src/api/`. Above [`generator::MODELS_CRATE_OVER`] models, the models are crates
/// of their own: the core in `DIR/models/` (with the runtime's `model` module) and, above
/// [`generator::MODELS_PER_GROUP`], groups in `DIR/models-N/` depending on the core; the client
/// re-exports them all. Returns the number of operations and types, for reporting.
pub fn generate_crate(spec_path: &Path, out: &Path, name: Option<&str>) -> Result<(usize, usize), String> {
    let spec = fs::read_to_string(spec_path).map_err(|e| format!("cannot read {}: {e}", spec_path.display()))?;
    let label = spec_path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let (api, warnings) =
        generator::lower_with_warnings(&spec).map_err(|d| format!("{}:\n{d}", spec_path.display()))?;
    print_warnings(&spec_path.display().to_string(), &warnings);
    let crate_name = match name {
        Some(n) => n.to_string(),
        None => {
            let base: String = api
                .title
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
                .collect();
            let base = base.split('-').filter(|s| !s.is_empty()).collect::<Vec<_>>().join("-");
            if base.is_empty() || base.starts_with(|c: char| c.is_ascii_digit()) {
                format!("api-client-{base}")
            } else {
                format!("{base}-client")
            }
        }
    };
    let models_name = format!("{crate_name}-models");
    let options =
        generator::Options { spec_label: label, command: "cargo xtask generate".to_string(), ..Default::default() }
            .with_layout_for(api.types.len(), &models_name.replace('-', "_"));
    let models_crate = options.models_crate.clone();
    let files = generator::generate_from(&api, &options).map_err(|d| format!("{}:\n{d}", spec_path.display()))?;
    let root = root();
    let deps = runtime_dependencies(&root)?;
    let dev_deps = runtime_dev_dependencies(&root)?;
    let title = format!("{} {}", api.title.replace('\n', " "), api.version.replace('\n', " "));
    // The models crates, by folder: `models` (the core), `models-1`, ...
    let folders: std::collections::BTreeSet<&str> =
        files.iter().map(|f| file_place(&f.path).0).filter(|folder| !folder.is_empty()).collect();
    let mut models_deps = String::new();
    for folder in &folders {
        models_deps.push_str(&format!("{crate_name}-{folder} = {{ path = \"{folder}\" }}\n"));
    }
    let cargo = format!(
        "[package]\nname = {crate_name:?}\nversion = \"0.1.0\"\nedition = \"2021\"\n\
         description = {:?}\n\n[dependencies]{deps}{models_deps}\n[dev-dependencies]{dev_deps}\n[workspace]\n",
        format!("Client for {title}, generated from {}", options.spec_label)
    );
    ensure_file_contents(&out.join("Cargo.toml"), &cargo, false)?;
    let model_mod = match &models_crate {
        Some(m) => format!("use {m}::model;"),
        None => "mod model;".to_string(),
    };
    let lib = format!(
        "//! Client for {title}.\n//!\n//! Generated by `cargo xtask generate` from `{}`; `src/api/` is emitted, `src/runtime/`\n\
         //! is the hand-written runtime shared by every generated client.\n\n#![forbid(unsafe_code)]\n\
         #![warn(missing_docs)]\n\n#[rustfmt::skip]\nmod api;\n{model_mod}\nmod runtime;\n\npub use api::*;\n\
         pub use runtime::public::*;\npub use runtime::rt;\n",
        options.spec_label
    );
    ensure_file_contents(&out.join("src/lib.rs"), &lib, false)?;
    let model_dir = if models_crate.is_some() { out.join("models/src/model") } else { out.join("src/model") };
    copy_dir(&root.join("generated/src/runtime"), &out.join("src/runtime"))?;
    copy_dir(&root.join("generated/src/model"), &model_dir)?;
    // Group crates of an earlier run that this one no longer has (fewer groups after a change).
    for entry in fs::read_dir(out).map_err(|e| e.to_string())?.filter_map(Result::ok) {
        let path = format!("{}/", entry.file_name().to_string_lossy());
        let (folder, _) = file_place(&path);
        if folder.starts_with("models-") && !folders.contains(folder) {
            fs::remove_dir_all(entry.path()).map_err(|e| format!("cannot remove {}: {e}", entry.path().display()))?;
        }
    }
    for folder in &folders {
        let core = format!("{models_name} = {{ path = \"../models\" }}\n");
        let (what, core_dep) =
            if *folder == "models" { ("Models", "") } else { ("A group of the models", core.as_str()) };
        let cargo = format!(
            "[package]\nname = \"{crate_name}-{folder}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\
             description = {:?}\n\n[dependencies]\n{}{core_dep}",
            format!("{what} of {title} for {crate_name}, generated from {}", options.spec_label),
            model_dependencies(&deps)
        );
        ensure_file_contents(&out.join(folder).join("Cargo.toml"), &cargo, false)?;
        let lib = match (*folder, &models_crate) {
            ("models", _) | (_, None) => models_lib(
                &format!("//! Models of {title}: the `types` of `{crate_name}`, which re-exports them."),
                None,
            ),
            (_, Some(core)) => models_group_lib(
                &format!(
                    "//! A group of the models of {title}: part of the `types` of `{crate_name}`, which re-exports \
                     them.\n//! They name their own models and those of `{models_name}`, never another group's."
                ),
                core,
            ),
        };
        ensure_file_contents(&out.join(folder).join("src/lib.rs"), &lib, false)?;
    }
    let mut written = std::collections::BTreeSet::new();
    for f in &files {
        let path = match file_place(&f.path) {
            ("", rest) => out.join("src/api").join(rest),
            (folder, rest) => out.join(folder).join("src").join(rest),
        };
        ensure_file_contents(&path, &f.contents, false)?;
        written.insert(path);
    }
    // Emitted files of an earlier run that this one no longer writes (a split file now in fewer
    // parts, or one file again): everything under `src/api/`, and the models crates' `types`.
    let mut emitted_dirs = vec![out.join("src/api")];
    emitted_dirs.extend(folders.iter().map(|folder| out.join(folder).join("src/types")));
    let mut earlier: Vec<PathBuf> =
        emitted_dirs.iter().flat_map(|dir| files_under(dir).into_iter().map(|rel| dir.join(rel))).collect();
    earlier.extend(folders.iter().map(|folder| out.join(folder).join("src/types.rs")));
    for path in earlier.iter().filter(|p| p.is_file() && !written.contains(*p)) {
        fs::remove_file(path).map_err(|e| format!("cannot remove {}: {e}", path.display()))?;
    }
    for dir in emitted_dirs.iter().chain([out.join("src/api/types"), out.join("src/api/operations")].iter()) {
        // Only empty folders go (a split file that is one file again).
        let _ = fs::remove_dir(dir);
    }
    Ok((api.operations.len(), api.types.len()))
}

/// Copies the files of `from` (not recursive) into `to`, writing only those that differ.
fn copy_dir(from: &Path, to: &Path) -> Result<(), String> {
    let mut entries: Vec<_> = fs::read_dir(from)
        .map_err(|e| format!("cannot read {}: {e}", from.display()))?
        .filter_map(Result::ok)
        .filter(|e| e.path().is_file())
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let text = fs::read_to_string(entry.path()).map_err(|e| e.to_string())?;
        ensure_file_contents(&to.join(entry.file_name()), &text, false)?;
    }
    Ok(())
}
