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
/// Where `cargo xtask test` installs Prism, relative to the target directory (`target/`, or
/// `CARGO_TARGET_DIR` when set): see [`prism_prefix`].
pub const PRISM_PREFIX: &str = "prism";

/// The folder Prism is installed into: `$CARGO_TARGET_DIR/prism` when that is set (relative to
/// the workspace root if it is relative, as cargo reads it), else `target/prism`.
pub fn prism_prefix() -> PathBuf {
    prism_prefix_in(std::env::var_os("CARGO_TARGET_DIR"))
}

/// [`prism_prefix`] for a given `CARGO_TARGET_DIR` value.
fn prism_prefix_in(target_dir: Option<std::ffi::OsString>) -> PathBuf {
    // `join` keeps an absolute directory as it is and puts a relative one under the root.
    let target = match target_dir.filter(|d| !d.is_empty()) {
        Some(dir) => root().join(dir),
        None => root().join("target"),
    };
    target.join(PRISM_PREFIX)
}

/// The Prism command, without installing it: `PRISM_BIN`, else the copy under
/// [`prism_prefix`] (which may not exist yet).
pub fn prism_path() -> PathBuf {
    match std::env::var_os("PRISM_BIN") {
        Some(bin) => PathBuf::from(bin),
        None => prism_prefix().join("node_modules/.bin/prism"),
    }
}

/// The spec the checked-in client is generated from, relative to the workspace root.
pub const SPEC: &str = "spec/cloudflare-ssl.yaml";
/// The checked-in client crate, relative to the workspace root: every file in it is written by
/// [`codegen`].
pub const OUT_DIR: &str = "generated";
/// The command that regenerates the checked-in client.
pub const COMMAND: &str = "cargo xtask codegen";

/// The config file of the checked-in client (relative to the workspace root): its spec, output
/// folder and package settings.
pub const CONFIG: &str = "spec/openapi-rust-gen.toml";
/// Where the CLI (`cli/`) keeps its copy of the runtime's crates, embedded into its binary so
/// that it needs no checkout at run time; written by [`codegen`] from `runtime/` and
/// `runtime-model/` (see [`runtime_files`]).
pub const CLI_VENDOR: &str = "cli/vendor";
/// The list of [`CLI_VENDOR`]'s files the CLI embeds, written by [`codegen`].
pub const CLI_EMBEDDED: &str = "cli/src/embedded.rs";

/// How the checked-in client crate is set up: [`CONFIG`]'s settings, a member of this workspace
/// beside the runtime's crates, and what its doc tests use. Returns the spec's path, the
/// settings and the output folder.
#[allow(clippy::type_complexity)] // One caller, which takes the four apart at once.
pub fn checked_in_settings(
    root: &Path,
) -> Result<(PathBuf, generator::project::Settings, PathBuf, generator::project::Loaded), String> {
    let loaded = generator::project::Config::load(&root.join(CONFIG)).map_err(|e| e.to_string())?;
    let runtime =
        generator::project::Runtime::Paths { runtime: "../runtime".to_string(), model: "../runtime-model".to_string() };
    let mut settings =
        generator::project::Settings::from_config(&loaded, SPEC, COMMAND, runtime).map_err(|e| e.to_string())?;
    settings.dev_dependencies = vec![generator::Dependency::version("futures-util", "0.3").no_default_features()];
    let output = loaded.config.output.as_deref().ok_or_else(|| format!("{CONFIG}: no `output`"))?;
    Ok((loaded.spec().map_err(|e| e.to_string())?, settings, loaded.resolve(output), loaded))
}

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

/// The models that could not take a derive the config asks for, and why (the first few).
fn print_notes(label: &str, notes: &[String]) {
    const SHOWN: usize = 20;
    for note in notes.iter().take(SHOWN) {
        eprintln!("note: {label}: {note}");
    }
    if notes.len() > SHOWN {
        eprintln!("note: {label}: and {} more models (each model's docs say why)", notes.len() - SHOWN);
    }
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

/// Regenerates the client crate `generated/` (manifest, `lib.rs`, API module) from the spec, as
/// [`CONFIG`] says, with [`generator::project::sync`] (over anything edited by hand: nothing in
/// `generated/` is), and the CLI's embedded copy of the runtime ([`CLI_VENDOR`],
/// [`CLI_EMBEDDED`]). In check mode nothing is written, and the error names each stale, missing
/// or extra file and the command to run.
pub fn codegen(check: bool) -> Result<Report, String> {
    codegen_with(check, &mut |_| {})
}

/// [`codegen`], telling `progress` what it is doing, a line at a time: reading the spec, what
/// it holds, the files it emits and where they go.
pub fn codegen_with(check: bool, progress: &mut dyn FnMut(&str)) -> Result<Report, String> {
    let root = root();
    let (spec_path, settings, out, loaded) = checked_in_settings(&root)?;
    progress(&format!("reading {SPEC}"));
    let spec = fs::read_to_string(&spec_path).map_err(|e| format!("cannot read {}: {e}", spec_path.display()))?;
    let (spec, overlay_warnings, _) = loaded.prepare(&spec, SPEC).map_err(|e| e.to_string())?;
    print_warnings(SPEC, &overlay_warnings);
    let plan = generator::project::plan(&spec, SPEC, &settings).map_err(|e| e.to_string())?;
    print_warnings(SPEC, &plan.warnings);
    print_notes(SPEC, &plan.notes);
    progress(&described(&plan));
    let verb = if check { "comparing" } else { "writing" };
    progress(&format!("{verb} {} files in {OUT_DIR}/", plan.files.len()));
    let mode = if check { generator::project::Mode::Check } else { generator::project::Mode::Write { force: true } };
    let mut problems = Vec::new();
    let mut report = Report::default();
    match generator::project::sync(&out, &plan.files, &spec, mode) {
        Ok(done) => {
            report.changed.extend(done.written.iter().map(|f| format!("{OUT_DIR}/{f}")));
            report.extra.extend(done.removed.iter().map(|f| format!("{OUT_DIR}/{f}")));
        }
        Err(e) => problems.push(e.to_string()),
    }
    // Every file of `generated/` is emitted (the record keeps the user's files elsewhere; here
    // there are none): any other is extra, as before the record existed.
    let emitted: std::collections::BTreeSet<&str> =
        plan.files.iter().map(|f| f.path.as_str()).chain([generator::project::RECORD_FILE]).collect();
    let mut stray: Vec<String> = files_under(&out).into_iter().filter(|f| !emitted.contains(f.as_str())).collect();
    stray.sort();
    for rel in stray {
        if check {
            problems.push(format!("extra: {OUT_DIR}/{rel}"));
        } else {
            fs::remove_file(out.join(&rel)).map_err(|e| format!("cannot remove {OUT_DIR}/{rel}: {e}"))?;
            report.extra.push(format!("{OUT_DIR}/{rel}"));
        }
    }
    progress(&format!("{verb} the CLI's copy of the runtime in {CLI_VENDOR}/"));
    let vendored = vendor_for_cli(&root, check)?;
    if check && (!vendored.changed.is_empty() || !vendored.extra.is_empty()) {
        let mut msg = String::from("the CLI's embedded runtime is not the runtime's sources:");
        for f in &vendored.changed {
            let state = if root.join(f).exists() { "stale" } else { "missing" };
            msg.push_str(&format!("\n  {state}: {f}"));
        }
        for f in &vendored.extra {
            msg.push_str(&format!("\n  extra: {f}"));
        }
        problems.push(msg);
    }
    report.changed.extend(vendored.changed);
    report.extra.extend(vendored.extra);
    if !problems.is_empty() {
        return Err(format!("{}\nrun `{COMMAND}` and commit the result", problems.join("\n")));
    }
    Ok(report)
}

/// The runtime's crates as a standalone output holds them (`runtime/Cargo.toml`,
/// `runtime/src/lib.rs`, ..., then `runtime-model/...`): their sources as they are, their
/// manifests without what they inherit from this workspace, so that the output builds anywhere.
pub fn runtime_files(root: &Path) -> Result<Vec<(String, String)>, String> {
    let mut files = Vec::new();
    for folder in RUNTIME_CRATES {
        let manifest = fs::read_to_string(root.join(folder).join("Cargo.toml")).map_err(|e| e.to_string())?;
        files.push((format!("{folder}/Cargo.toml"), standalone_manifest(&manifest)));
        let src = root.join(folder).join("src");
        let mut names: Vec<String> = files_under(&src);
        names.sort();
        for name in names {
            let text = fs::read_to_string(src.join(&name)).map_err(|e| format!("cannot read {name}: {e}"))?;
            files.push((format!("{folder}/src/{name}"), text));
        }
    }
    Ok(files)
}

/// Writes (or in check mode compares) the CLI's copy of [`runtime_files`] under [`CLI_VENDOR`]
/// (a manifest as `Cargo.toml.in`: a `Cargo.toml` there would make `cargo package` leave the
/// folder out as a package of its own) and the list [`CLI_EMBEDDED`] that embeds them; any
/// other file under [`CLI_VENDOR`] is extra.
fn vendor_for_cli(root: &Path, check: bool) -> Result<Report, String> {
    let mut report = Report::default();
    let files = runtime_files(root)?;
    let stored = |path: &str| match path.strip_suffix("Cargo.toml") {
        Some(folder) => format!("{folder}Cargo.toml.in"),
        None => path.to_string(),
    };
    let mut list = format!(
        "// @generated by `{COMMAND}` from runtime/ and runtime-model/. Do not edit by hand.\n\n\
         /// The runtime's crates as a generated client's output holds them: each file's path there and its\n\
         /// text (embedded from `vendor/`, a copy of the runtime's sources that `{COMMAND} --check` keeps equal).\n\
         pub const RUNTIME_FILES: &[(&str, &str)] = &[\n"
    );
    let mut kept = std::collections::BTreeSet::new();
    for (path, text) in &files {
        let rel = stored(path);
        list.push_str(&format!("    ({path:?}, include_str!(\"../vendor/{rel}\")),\n"));
        let full = format!("{CLI_VENDOR}/{rel}");
        if ensure_file_contents(&root.join(&full), text, check)? {
            report.changed.push(full.clone());
        }
        kept.insert(rel);
    }
    list.push_str("];\n");
    if ensure_file_contents(&root.join(CLI_EMBEDDED), &list, check)? {
        report.changed.push(CLI_EMBEDDED.to_string());
    }
    let mut found = files_under(&root.join(CLI_VENDOR));
    found.sort();
    for rel in found {
        if !kept.contains(&rel) {
            let full = format!("{CLI_VENDOR}/{rel}");
            if !check {
                fs::remove_file(root.join(&full)).map_err(|e| format!("cannot remove {full}: {e}"))?;
            }
            report.extra.push(full);
        }
    }
    Ok(report)
}

/// Writes every file of `crates` under `out` (in check mode, only compares), and removes (in
/// check mode, only lists) the files this output no longer has: every other file in the
/// subfolder `owned` of each crate's folder (`""`: the whole folder). Then removes the folders
/// left empty there. Paths in the report are relative to `out`.
pub fn write_crates(out: &Path, crates: &[generator::Crate], check: bool, owned: &str) -> Result<Report, String> {
    let mut report = Report::default();
    let join = |folder: &str, path: &str| match (folder, path) {
        ("", path) => path.to_string(),
        (folder, "") => folder.to_string(),
        (folder, path) => format!("{folder}/{path}"),
    };
    let mut written = std::collections::BTreeSet::new();
    for krate in crates {
        for file in &krate.files {
            let rel = join(&krate.folder, &file.path);
            if ensure_file_contents(&out.join(&rel), &file.contents, check)? {
                report.changed.push(rel.clone());
            }
            written.insert(rel);
        }
    }
    for krate in crates {
        let dir = join(&krate.folder, owned);
        let found = files_under(&out.join(&dir)).into_iter().map(|rel| join(&dir, &rel));
        report.extra.extend(found.filter(|rel| !written.contains(rel)));
    }
    // A crate's folder may hold another's (the client's holds `models/`): listed once.
    report.extra.sort();
    report.extra.dedup();
    if !check {
        for rel in &report.extra {
            fs::remove_file(out.join(rel)).map_err(|e| format!("cannot remove {}: {e}", out.join(rel).display()))?;
        }
        for krate in crates {
            remove_empty_dirs(&out.join(join(&krate.folder, owned)));
        }
    }
    Ok(report)
}

/// Removes the empty folders under `dir` (not `dir` itself), deepest first.
fn remove_empty_dirs(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.filter_map(Result::ok) {
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            remove_empty_dirs(&entry.path());
            // Fails, as it should, when the folder is not empty.
            let _ = fs::remove_dir(entry.path());
        }
    }
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

/// The Prism mock server's command: `PRISM_BIN`, or the copy under [`prism_prefix`], installed
/// with npm if it is not there yet.
pub fn prism_bin() -> Result<PathBuf, String> {
    let prism = prism_path();
    if std::env::var_os("PRISM_BIN").is_some() {
        return Ok(prism);
    }
    if !prism.exists() {
        let prefix = prism_prefix();
        eprintln!("installing {PRISM_PACKAGE} into {} (once)", prefix.display());
        let status = Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--loglevel=error", "--prefix"])
            .arg(&prefix)
            .arg(PRISM_PACKAGE)
            .current_dir(root())
            .status()
            .map_err(|e| format!("cannot run npm (needed to install Prism): {e}"))?;
        if !status.success() {
            return Err(format!("`npm install {PRISM_PACKAGE}` failed"));
        }
    }
    Ok(prism)
}

/// The slow test suites: test targets of the `tests` crate built only with its `slow` feature
/// (their `required-features` in `tests/Cargo.toml`; a test there keeps the two lists the same).
/// `cargo xtask test` leaves them out, `--slow` runs only them, `--all` (CI) runs everything.
pub const SLOW_TESTS: &[&str] =
    &["conformance_prism", "fixtures_compile", "client_chaos", "client_overlays", "cli", "semver"];

/// The `cargo-semver-checks` binary the `semver` suite runs: `$CARGO_SEMVER_CHECKS`, else the one
/// on `PATH`; missing, an error naming the command that installs it (as CI does).
pub fn semver_checks_bin() -> Result<PathBuf, String> {
    semver_checks_in(std::env::var_os("CARGO_SEMVER_CHECKS"), std::env::var_os("PATH"))
}

/// [`semver_checks_bin`] with the two variables given.
fn semver_checks_in(
    explicit: Option<std::ffi::OsString>,
    search: Option<std::ffi::OsString>,
) -> Result<PathBuf, String> {
    const INSTALL: &str = "cargo install --locked cargo-semver-checks --version 0.51.0";
    if let Some(path) = explicit {
        let path = PathBuf::from(path);
        return if path.is_file() {
            Ok(path)
        } else {
            Err(format!("CARGO_SEMVER_CHECKS={} is not a file; install it with `{INSTALL}`", path.display()))
        };
    }
    let on_path =
        search.iter().flat_map(std::env::split_paths).map(|dir| dir.join("cargo-semver-checks")).find(|p| p.is_file());
    on_path.ok_or_else(|| format!("cargo-semver-checks is not installed (the semver suite needs it): run `{INSTALL}`"))
}

/// Which tests `cargo xtask test` runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestSet {
    /// Every test but [`SLOW_TESTS`]: `cargo test --workspace`.
    Fast,
    /// Only [`SLOW_TESTS`], with Prism installed.
    Slow,
    /// Both, with Prism installed: what CI runs.
    All,
}

/// `cargo xtask test [--slow | --all] [ARGS...]`: splits the set off the arguments cargo gets.
pub fn test(args: &[&str]) -> Result<(), String> {
    // Only before a `--`: what follows it is for the test binaries.
    let ours = args.iter().position(|a| *a == "--").unwrap_or(args.len());
    let (flags, rest) = args.split_at(ours);
    let set = if flags.contains(&"--all") {
        TestSet::All
    } else if flags.contains(&"--slow") {
        TestSet::Slow
    } else {
        TestSet::Fast
    };
    let mut extra: Vec<&str> = flags.iter().copied().filter(|a| *a != "--all" && *a != "--slow").collect();
    extra.extend_from_slice(rest);
    run_tests(set, &extra)
}

/// Runs the test set `set` (installing Prism first when it needs it), with `extra` arguments
/// for cargo, and prints one closing line adding up every binary's results.
pub fn run_tests(set: TestSet, extra: &[&str]) -> Result<(), String> {
    let root = root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let mut cmd = Command::new(cargo);
    cmd.arg("test").current_dir(&root);
    match set {
        TestSet::Fast => {
            cmd.arg("--workspace");
        }
        TestSet::Slow => {
            cmd.args(["-p", "tests", "--features", "slow"]);
            for t in SLOW_TESTS {
                cmd.args(["--test", t]);
            }
        }
        TestSet::All => {
            cmd.args(["--workspace", "--features", "tests/slow"]);
        }
    }
    cmd.args(extra);
    if set != TestSet::Fast {
        // The semver suite checks generated clients with cargo-semver-checks: without it, stop
        // with the command that installs it, before fetching or building anything.
        cmd.env("CARGO_SEMVER_CHECKS", semver_checks_bin()?);
        // client_overlays reads the real GitHub and Stripe specs from the corpus cache.
        let cache = corpus::fetch()?;
        cmd.env("CORPUS_CACHE", cache);
        let prism = prism_bin()?;
        if std::env::var_os("PRISM_BIN").is_none() {
            cmd.env("PRISM_BIN", &prism);
        }
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
    if set == TestSet::Fast {
        println!("(the slow suites, {}, run with `cargo xtask test --slow`; CI runs `--all`)", SLOW_TESTS.join(", "));
    }
    if status.success() {
        Ok(())
    } else {
        Err("tests failed".to_string())
    }
}

/// The runtime's crates, by folder: in this repository (beside `generated/`) and, vendored, in a
/// standalone output (beside its `src/`). `runtime-model` is the half the models need (no HTTP);
/// `runtime` depends on it.
pub const RUNTIME_CRATES: &[&str] = &["runtime-model", "runtime"];

/// A runtime crate's manifest outside this workspace: the inherited keys spelled out (from the
/// workspace's `Cargo.toml`), `publish = false`, no lints table, no dev-dependencies (its tests
/// stay here).
fn standalone_manifest(text: &str) -> String {
    let mut out = String::new();
    let mut skipping = false;
    for line in text.lines() {
        if line.starts_with('[') {
            skipping = line == "[dev-dependencies]" || line == "[lints]";
        }
        if skipping {
            continue;
        }
        let line = match line {
            "edition.workspace = true" => "edition = \"2021\"",
            // A copy beside a generated client is never published: the crates.io package is
            // this workspace's original.
            "license.workspace = true" => "license = \"MIT OR Apache-2.0\"\npublish = false",
            other => other,
        };
        out.push_str(line);
        out.push('\n');
    }
    out.trim_end().to_string() + "\n"
}

/// What [`generate_crate`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// The API's operations.
    pub operations: usize,
    /// The API's named types.
    pub types: usize,
    /// Each crate's folder, relative to the output (`""` for the client, first; `models`,
    /// `models-N`).
    pub folders: Vec<String>,
}

/// Generates a standalone client crate for any spec: the crates of
/// [`generator::generate_crates`] (`DIR/Cargo.toml`, `DIR/src/lib.rs`, the emitted
/// `DIR/src/api/`; above [`generator::MODELS_CRATE_OVER`] models, the models crates: the core in
/// `DIR/models/` and, above [`generator::MODELS_PER_GROUP`], groups in `DIR/models-N/`), with the
/// runtime's crates vendored beside them (`DIR/runtime/`, `DIR/runtime-model/`, see
/// [`runtime_files`]) as path dependencies. Written in place by [`generator::project::sync`]:
/// only files that differ are written, what an earlier run wrote (its record) that this one does
/// not is removed (models crates that are gone, say), and nothing else is touched. Returns what
/// it wrote ([`Generated`]).
pub fn generate_crate(spec_path: &Path, out: &Path, name: Option<&str>) -> Result<Generated, String> {
    generate_crate_prepared(spec_path, &Prepare::default(), out, name, &mut |_| {})
}

/// What is done to a spec before it is generated: overlays applied in order, then a selection
/// of operations (`cargo xtask generate --overlay FILE --only OPID,...`).
#[derive(Debug, Clone, Default)]
pub struct Prepare {
    /// Overlay files (Overlay 1.0, YAML or JSON), applied in this order.
    pub overlays: Vec<std::path::PathBuf>,
    /// The operations and tags to keep; everything when both lists are empty.
    pub selection: generator::select::Selection,
}

impl Prepare {
    /// Whether the spec is used as written.
    pub fn is_empty(&self) -> bool {
        self.overlays.is_empty() && self.selection.operations.is_empty() && self.selection.tags.is_empty()
    }
}

/// The spec at `spec_path` as `prepare` makes it ([`generator::overlay::apply`], then
/// [`generator::select::select`]): its text, JSON when changed. Overlay warnings (targets that
/// select nothing) are printed; errors name the overlay or the spec.
pub fn prepared_spec(spec_path: &Path, prepare: &Prepare) -> Result<String, String> {
    let spec = fs::read_to_string(spec_path).map_err(|e| format!("cannot read {}: {e}", spec_path.display()))?;
    if prepare.is_empty() {
        return Ok(spec);
    }
    let mut texts = Vec::new();
    for path in &prepare.overlays {
        let text = fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        texts.push((path.display().to_string(), text));
    }
    let overlays: Vec<(&str, &str)> = texts.iter().map(|(l, t)| (l.as_str(), t.as_str())).collect();
    let spec = if overlays.is_empty() {
        spec
    } else {
        let (spec, warnings) =
            generator::overlay::apply(&spec, &overlays).map_err(|d| format!("{}:\n{d}", spec_path.display()))?;
        print_warnings(&spec_path.display().to_string(), &generator::Diagnostics(warnings));
        spec
    };
    let selection = &prepare.selection;
    if selection.operations.is_empty() && selection.tags.is_empty() {
        return Ok(spec);
    }
    generator::select::select(&spec, selection).map_err(|d| format!("{} (--only):\n{d}", spec_path.display()))
}

/// [`generate_crate`] for the spec as `prepare` makes it ([`prepared_spec`]).
///
/// `progress` is told what it is doing, a line at a time.
pub fn generate_crate_prepared(
    spec_path: &Path,
    prepare: &Prepare,
    out: &Path,
    name: Option<&str>,
    progress: &mut dyn FnMut(&str),
) -> Result<Generated, String> {
    progress(&format!("reading {}", spec_path.display()));
    let spec = prepared_spec(spec_path, prepare)?;
    let file_name = |p: &Path| p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut label = file_name(spec_path);
    let mut shown = spec_path.display().to_string();
    if !prepare.is_empty() {
        // The header names the overlays too; later findings locate nodes in the prepared spec
        // (pointers as in the file, lines in the JSON it was turned into), and say so.
        let overlays: Vec<String> = prepare.overlays.iter().map(|p| file_name(p)).collect();
        if !overlays.is_empty() {
            label = format!("{label} with {}", overlays.join(", "));
        }
        shown = format!("{shown} (overlaid/selected; lines are in that document as JSON)");
    }
    let settings = generator::project::Settings {
        name: name.map(str::to_string),
        version: None,
        license: None,
        description: None,
        doc: None,
        // It writes under this workspace's `target/` (corpus, conform, bench): a `[workspace]` of its own.
        workspace: generator::project::WorkspaceMode::Standalone,
        spec_label: label,
        command: "cargo xtask generate".to_string(),
        runtime: generator::project::Runtime::Vendored(runtime_files(&root())?),
        dev_dependencies: Vec::new(),
        types: Default::default(),
        derives: Vec::new(),
    };
    let plan = generator::project::plan(&spec, &shown, &settings).map_err(|e| e.to_string())?;
    print_warnings(&shown, &plan.warnings);
    progress(&described(&plan));
    progress(&format!("writing {} files under {}", plan.files.len(), out.display()));
    // The output is this tool's scratch space (the corpus, conformance and benchmark runs write
    // there again and again): overwritten even where edited. The CLI is the careful writer.
    generator::project::sync(out, &plan.files, &spec, generator::project::Mode::Write { force: true })
        .map_err(|e| e.to_string())?;
    Ok(Generated { operations: plan.operations, types: plan.types, folders: plan.folders })
}

/// What a spec holds, for progress lines: `3 operations, 12 types`.
fn described(plan: &generator::project::Plan) -> String {
    format!("read {}: {} operations, {} types", plan.name, plan.operations, plan.types)
}

/// `--overlay FILE` (repeatable, in order), `--only OPID,...` and `--tag TAG,...` from a
/// command line.
pub fn prepare_args(args: &[&str]) -> Prepare {
    let mut prepare = Prepare::default();
    let list = |v: &str| v.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect::<Vec<_>>();
    for pair in args.windows(2) {
        match pair {
            ["--overlay", file] => prepare.overlays.push(std::path::PathBuf::from(file)),
            ["--only", names] => prepare.selection.operations.extend(list(names)),
            ["--tag", tags] => prepare.selection.tags.extend(list(tags)),
            _ => {}
        }
    }
    prepare
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = "openapi: 3.0.3\ninfo: {title: Tiny, version: '1'}\npaths:\n  /a:\n    get:\n      \
                        operationId: getA\n      responses:\n        '200':\n          description: ok\n";

    /// The semver suite's binary: a missing one is an error naming the install command (never a
    /// skip); one on the search path, or named by `CARGO_SEMVER_CHECKS`, is found.
    #[test]
    fn semver_checks_missing_says_how_to_install_it() {
        let empty = std::env::temp_dir().join("xtask-no-semver-checks-here");
        let err = semver_checks_in(None, Some(empty.clone().into_os_string())).unwrap_err();
        assert!(err.contains("cargo install --locked cargo-semver-checks --version 0.51.0"), "{err}");
        let err = semver_checks_in(Some(empty.join("nope").into_os_string()), None).unwrap_err();
        assert!(err.contains("is not a file") && err.contains("cargo install"), "{err}");
        let dir = std::env::temp_dir().join(format!("xtask-semver-checks-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("cargo-semver-checks"), "").unwrap();
        let search = std::env::join_paths([empty, dir.clone()]).unwrap();
        assert_eq!(semver_checks_in(None, Some(search)).unwrap(), dir.join("cargo-semver-checks"));
        let named = dir.join("cargo-semver-checks").into_os_string();
        assert_eq!(semver_checks_in(Some(named), None).unwrap(), dir.join("cargo-semver-checks"));
        fs::remove_dir_all(&dir).unwrap();
    }

    /// `SLOW_TESTS` (what `cargo xtask test --slow` runs by name) is exactly the list of test
    /// targets that `tests/Cargo.toml` builds only with the `slow` feature: a suite moved behind
    /// the feature and not named here would run nowhere.
    #[test]
    fn slow_tests_are_the_targets_behind_the_slow_feature() {
        let manifest = fs::read_to_string(root().join("tests/Cargo.toml")).unwrap();
        let mut behind: Vec<&str> = manifest
            .split("[[test]]")
            .skip(1)
            .filter(|t| t.contains("required-features = [\"slow\"]"))
            .filter_map(|t| t.split("name = \"").nth(1)?.split('"').next())
            .collect();
        behind.sort_unstable();
        let mut named = SLOW_TESTS.to_vec();
        named.sort_unstable();
        assert_eq!(behind, named);
        for t in SLOW_TESTS {
            assert!(root().join(format!("tests/tests/{t}.rs")).exists(), "{t}");
        }
    }

    /// `cargo xtask test --slow` installs Prism under the target directory cargo uses.
    #[test]
    fn prism_goes_under_the_target_directory() {
        assert_eq!(prism_prefix_in(None), root().join("target/prism"));
        assert_eq!(prism_prefix_in(Some("".into())), root().join("target/prism"));
        assert_eq!(prism_prefix_in(Some("/tmp/shared-target".into())), Path::new("/tmp/shared-target/prism"));
        assert_eq!(prism_prefix_in(Some("build/out".into())), root().join("build/out/prism"));
    }

    /// With the whole folder owned (`""`), a crate in a subfolder keeps its files: only what no
    /// crate wrote is extra.
    #[test]
    fn write_crates_owning_everything_keeps_nested_crates() {
        let dir = std::env::temp_dir().join(format!("xtask-write-crates-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let api = generator::lower(SPEC).unwrap();
        let options = generator::Options { models_crate: Some("x_models".into()), ..Default::default() };
        let setup = generator::CrateSetup {
            name: "x".into(),
            version: "0.1.0".into(),
            description: None,
            license: None,
            doc: Some("Doc.".into()),
            runtime: "../runtime".into(),
            runtime_model: "../runtime-model".into(),
            workspace: generator::Workspace::Member,
            dev_dependencies: Vec::new(),
        };
        let crates = generator::generate_crates(&api, &options, &setup).unwrap();
        assert_eq!(crates.iter().map(|c| c.folder.as_str()).collect::<Vec<_>>(), ["", "models"]);
        ensure_file_contents(&dir.join("models/src/old.rs"), "// old\n", false).unwrap();
        let report = write_crates(&dir, &crates, false, "").unwrap();
        assert_eq!(report.extra, ["models/src/old.rs"]);
        assert!(dir.join("models/Cargo.toml").exists() && dir.join("models/src/lib.rs").exists());
        assert!(!dir.join("models/src/old.rs").exists());
        let _ = fs::remove_dir_all(&dir);
    }

    /// `generate_crate` writes in place through its record: a second run over an output leaves
    /// what a fresh run writes, removes a file an earlier run recorded that this one does not
    /// emit (and its folder), and never touches what the generator did not write (a lock file).
    #[test]
    fn generate_rewrites_in_place() {
        let dir = std::env::temp_dir().join(format!("xtask-generate-in-place-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let spec = dir.join("tiny.yaml");
        let out = dir.join("out");
        fs::create_dir_all(&dir).unwrap();
        fs::write(&spec, SPEC).unwrap();
        generate_crate(&spec, &out, None).unwrap();
        let fresh: Vec<String> = {
            let mut f = files_under(&out);
            f.sort();
            f
        };
        assert!(fresh.contains(&"Cargo.toml".to_string()) && fresh.contains(&"src/api/mod.rs".to_string()));
        assert!(
            fresh.contains(&"runtime/src/lib.rs".to_string()) && fresh.contains(&".openapi-rust-gen.toml".to_string())
        );
        let manifest = fs::read_to_string(out.join("Cargo.toml")).unwrap();
        assert!(manifest.starts_with("# @generated by `cargo xtask generate` from tiny.yaml."), "{manifest}");
        assert!(manifest.contains("\nname = \"tiny-client\"\n") && manifest.ends_with("\n[workspace]\n"));
        // A file an earlier run wrote and recorded, which this run does not emit.
        let record = out.join(generator::project::RECORD_FILE);
        let text = fs::read_to_string(&record).unwrap();
        let old = format!("[files]\n\"src/api/old/part00.rs\" = \"{}\"\n", generator::project::sync::hash("// old\n"));
        fs::write(&record, text.replace("[files]\n", &old)).unwrap();
        ensure_file_contents(&out.join("src/api/old/part00.rs"), "// old\n", false).unwrap();
        ensure_file_contents(&out.join("Cargo.lock"), "# kept\n", false).unwrap();
        generate_crate(&spec, &out, None).unwrap();
        let mut again = files_under(&out);
        again.sort();
        let mut expected = fresh.clone();
        expected.push("Cargo.lock".to_string());
        expected.sort();
        assert_eq!(again, expected);
        assert!(!out.join("src/api/old").exists());
        assert_eq!(fs::read_to_string(&record).unwrap(), text);
        let _ = fs::remove_dir_all(&dir);
    }

    /// `--overlay` repeats in order; `--only` and `--tag` take comma lists.
    #[test]
    fn prepare_args_reads_overlays_in_order_and_lists() {
        let args =
            ["--spec", "s.yaml", "--overlay", "a.yaml", "--only", "getA, GET /b", "--overlay", "b.yaml", "--tag", "t"];
        let prepare = prepare_args(&args);
        assert_eq!(prepare.overlays, [std::path::PathBuf::from("a.yaml"), std::path::PathBuf::from("b.yaml")]);
        assert_eq!(prepare.selection.operations, ["getA", "GET /b"]);
        assert_eq!(prepare.selection.tags, ["t"]);
        assert!(prepare_args(&["--spec", "s.yaml"]).is_empty());
    }

    /// `generate --overlay --only` on a file: the overlay's change is in the generated client,
    /// the operation not selected is not, and the header names the overlay.
    #[test]
    fn generate_applies_overlays_then_the_selection() {
        let dir = std::env::temp_dir().join(format!("xtask-prepared-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let spec = dir.join("spec.yaml");
        let text = format!("{SPEC}  /b:\n    get:\n      operationId: getB\n      responses:\n        '200':\n          description: ok\n");
        ensure_file_contents(&spec, &text, false).unwrap();
        let overlay = dir.join("fix.yaml");
        let actions = "overlay: 1.0.0\ninfo: {title: fix, version: '1'}\nactions:\n  - target: $.paths['/a'].get\n    \
                       update: {summary: Fetch an A.}\n";
        ensure_file_contents(&overlay, actions, false).unwrap();
        let prepare = prepare_args(&["--overlay", overlay.to_str().unwrap(), "--only", "getA"]);
        let out = dir.join("out");
        let generated = generate_crate_prepared(&spec, &prepare, &out, Some("tiny"), &mut |_| {}).unwrap();
        assert_eq!(generated.operations, 1);
        let ops = fs::read_to_string(out.join("src/api/operations.rs")).unwrap();
        assert!(ops.contains("Fetch an A.") && ops.contains("pub fn get_a(") && !ops.contains("get_b"), "{ops}");
        assert!(ops.starts_with("// @generated by `cargo xtask generate` from spec.yaml with fix.yaml."), "{ops}");
        let missing = prepare_args(&["--only", "getC"]);
        assert!(generate_crate_prepared(&spec, &missing, &out, None, &mut |_| {})
            .unwrap_err()
            .contains("`getC` names no operation"));
        let _ = fs::remove_dir_all(&dir);
    }
}
