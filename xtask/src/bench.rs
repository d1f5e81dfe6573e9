//! `cargo xtask bench`: builds the `bench` crate in release and runs its sections, each next to
//! its baseline in the same run; prints Markdown and, with `--write`, updates `BENCHMARKS.md`.
//!
//! Sections: `generate` (generation speed, against progenitor), `overhead` (a request through the
//! client against bare reqwest), `decode` (generated types against a hand-written struct),
//! `paginate` (peak RSS of auto-pagination). Opt-in: `compile` (cold `cargo build`/`check` of a
//! generated crate against progenitor's, slow) and `profile` (callgrind of `generate`).
//!
//! `--write` replaces only the regions of `BENCHMARKS.md` between `<!-- bench:NAME -->` and
//! `<!-- /bench:NAME -->` of the sections that ran; the prose around them is kept.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

/// Where progenitor is looked for when `PROGENITOR_BIN` is not set (besides `PATH`).
const PROGENITOR_CANDIDATES: &[&str] = &["/tmp/progenitor/bin/cargo-progenitor"];

/// The report file, relative to the workspace root.
pub const REPORT: &str = "BENCHMARKS.md";

/// Options of one run.
#[derive(Debug, Clone, Default)]
pub struct BenchOptions {
    /// Also run the cold-compile section.
    pub compile: bool,
    /// Also build the full Cloudflare client (cold, after a one-operation change, `check`).
    pub big: bool,
    /// Repetitions of each cold build.
    pub compile_reps: usize,
    /// Also profile `generate` with callgrind.
    pub profile: bool,
    /// Update `BENCHMARKS.md`.
    pub write: bool,
    /// Run only these sections (names as in the module docs); empty: the default ones.
    pub only: Vec<String>,
    /// Fewer rounds everywhere (a smoke run; numbers are not worth recording).
    pub quick: bool,
}

impl BenchOptions {
    /// Parses `cargo xtask bench` arguments.
    pub fn parse(args: &[&str]) -> Result<Self, String> {
        let mut o = BenchOptions { compile_reps: 1, ..Default::default() };
        let mut it = args.iter();
        while let Some(a) = it.next() {
            match *a {
                "--compile" => o.compile = true,
                "--big" => o.big = true,
                "--profile" => o.profile = true,
                "--write" => o.write = true,
                "--quick" => o.quick = true,
                "--reps" => {
                    o.compile_reps = it.next().and_then(|v| v.parse().ok()).ok_or("--reps takes a number")?;
                }
                "--only" => {
                    let list = it
                        .next()
                        .ok_or("--only takes a list: generate,compile,big,overhead,decode,paginate,profile")?;
                    o.only = list.split(',').map(str::to_string).collect();
                }
                other => return Err(format!("unknown option {other}")),
            }
        }
        Ok(o)
    }

    fn wants(&self, section: &str) -> bool {
        if !self.only.is_empty() {
            return self.only.iter().any(|s| s == section);
        }
        match section {
            "compile" => self.compile,
            "big" => self.big,
            "profile" => self.profile,
            _ => true,
        }
    }
}

/// Runs the benchmarks; returns the Markdown report (and writes it with `--write`).
pub fn run(options: &BenchOptions) -> Result<String, String> {
    let root = crate::root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    eprintln!("building the bench crate (release)");
    let status = Command::new(&cargo)
        .args(["build", "--release", "--quiet", "-p", "bench"])
        .current_dir(&root)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err("cargo build --release -p bench failed".into());
    }
    let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root.join("target"));
    let bench = target.join("release/bench");
    let progenitor = find_progenitor();
    let stamp = stamp();

    let mut sections: Vec<(&str, String)> = vec![("machine", machine(progenitor.as_deref()))];
    let spec = root.join(crate::SPEC);
    let q = options.quick;

    if options.wants("generate") {
        eprintln!("section: generate");
        let mut args: Vec<String> = vec!["generate".into()];
        args.push("--progenitor".into());
        args.push(progenitor.as_ref().map(|p| p.to_string_lossy().into_owned()).unwrap_or_else(|| "none".into()));
        if q {
            args.extend(["--rounds".into(), "2".into()]);
        }
        let mut missing = Vec::new();
        for (label, path) in inputs(&root) {
            match path {
                Ok(p) => args.push(format!("{label}={}", p.display())),
                Err(why) => missing.push(format!("- {label}: not measured: {why}")),
            }
        }
        let mut md = run_section(&bench, &args, &root, &stamp)?;
        if progenitor.is_none() {
            md.push_str("\nprogenitor was not found (set `PROGENITOR_BIN` to a `cargo-progenitor` binary): its columns are empty.\n");
        }
        if !missing.is_empty() {
            md.push('\n');
            md.push_str(&missing.join("\n"));
            md.push('\n');
        }
        sections.push(("generate", md));
    }
    if options.wants("profile") {
        eprintln!("section: profile (callgrind)");
        sections.push(("profile", profile(&bench, &root, &stamp, q)?));
    }
    if options.wants("compile") {
        eprintln!("section: compile (cold builds; slow)");
        sections.push(("compile", compile(&root, &spec, progenitor.as_deref(), options.compile_reps, &stamp)?));
    }
    if options.wants("big") {
        eprintln!("section: big (full Cloudflare client: cold build, one-operation change, cold check; slow)");
        sections.push(("big", big(&root, &stamp)?));
    }
    if options.wants("overhead") {
        eprintln!("section: overhead");
        let rounds = if q { "5" } else { "40" };
        sections.push(("overhead", run_section(&bench, &["overhead", "--rounds", rounds], &root, &stamp)?));
    }
    if options.wants("decode") {
        eprintln!("section: decode");
        let rounds = if q { "20" } else { "300" };
        sections.push(("decode", run_section(&bench, &["decode", "--rounds", rounds], &root, &stamp)?));
    }
    if options.wants("paginate") {
        eprintln!("section: paginate");
        let rounds = if q { "1" } else { "5" };
        sections.push(("paginate", run_section(&bench, &["paginate", "--rounds", rounds], &root, &stamp)?));
    }

    let mut report = String::new();
    for (name, body) in &sections {
        let _ = writeln!(report, "## {name}\n\n{body}");
    }
    if options.write {
        let path = root.join(REPORT);
        let old = fs::read_to_string(&path).unwrap_or_else(|_| template());
        let mut text = old;
        for (name, body) in &sections {
            text = replace_region(&text, name, body);
        }
        crate::ensure_file_contents(&path, &text, false)?;
        eprintln!("wrote {REPORT} (sections: {})", sections.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", "));
    }
    Ok(report)
}

/// The three inputs of the generation section; an error says why one is missing.
fn inputs(root: &Path) -> Vec<(&'static str, Result<PathBuf, String>)> {
    let cloudflare = root.join("../shared/corpus/cloudflare-openapi.json");
    let github_rel = "node_modules/@octokit/openapi/generated/api.github.com.json";
    let mut github = crate::corpus::cache_dir().join(github_rel);
    if !github.exists() {
        match crate::corpus::fetch() {
            Ok(dir) => github = dir.join(github_rel),
            Err(e) => eprintln!("cannot install the corpus: {e}"),
        }
    }
    let exists = |p: PathBuf| if p.exists() { Ok(p) } else { Err(format!("{} is missing", p.display())) };
    vec![
        ("(a) spec/cloudflare-ssl.yaml, 2 ops", Ok(root.join(crate::SPEC))),
        ("(b) Cloudflare full spec, 1,533 ops", exists(cloudflare)),
        ("(c) GitHub api.github.com.json (@octokit/openapi@23.0.2)", exists(github)),
    ]
}

/// `PROGENITOR_BIN`, else a known install location, else `cargo-progenitor` on `PATH`.
fn find_progenitor() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("PROGENITOR_BIN") {
        let p = PathBuf::from(p);
        return p.exists().then_some(p);
    }
    let on_path = std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).map(|d| d.join("cargo-progenitor")).collect::<Vec<_>>())
        .unwrap_or_default();
    PROGENITOR_CANDIDATES.iter().map(PathBuf::from).chain(on_path).find(|p| p.exists())
}

fn command_output(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default()
}

/// Date and load average: each region says when and under what load it was measured.
fn stamp() -> String {
    let date = command_output("date", &["-u", "+%Y-%m-%d %H:%M UTC"]);
    let load = fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load: Vec<&str> = load.split_whitespace().take(3).collect();
    format!("Measured {date}; load average at the start {} (2 cores, shared with other builds).", load.join(" "))
}

fn machine(progenitor: Option<&Path>) -> String {
    let cpuinfo = fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, v)| v.trim().to_string())
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    let mem_kib: f64 = fs::read_to_string("/proc/meminfo")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("MemTotal:"))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        .unwrap_or(0.0);
    let rustc = command_output("rustc", &["-V"]);
    let kernel = command_output("uname", &["-sr"]);
    let progenitor = match progenitor {
        Some(p) => format!("`{}`, {}", p.display(), progenitor_version(p)),
        None => "not found".into(),
    };
    format!(
        "- {cores} cores ({cpu}), {:.1} GiB RAM, {kernel}; shared: other builds ran at the same time, so every \
         figure is a median of interleaved rounds, with its spread, next to a baseline from the same rounds.\n\
         - {rustc}; bench binary built with `cargo build --release -p bench` (workspace release profile).\n\
         - progenitor: {progenitor}.\n\
         - `/usr/bin/time`: {}; peak RSS of a process tree is its largest single process (`ru_maxrss`).\n",
        mem_kib / 1024.0 / 1024.0,
        if Path::new("/usr/bin/time").exists() { "present" } else { "absent (no peak RSS for subprocesses)" }
    )
}

/// cargo-progenitor has no `--version`; its binary names the `progenitor-impl` it was built with.
fn progenitor_version(bin: &Path) -> String {
    let bytes = fs::read(bin).unwrap_or_default();
    let needle = b"progenitor-impl-";
    bytes
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| {
            let rest = &bytes[i + needle.len()..];
            let end = rest.iter().position(|b| !(b.is_ascii_digit() || *b == b'.')).unwrap_or(rest.len());
            format!("built with progenitor-impl {}", String::from_utf8_lossy(&rest[..end]).trim_end_matches('.'))
        })
        .unwrap_or_else(|| "version unknown".into())
}

/// Runs one section of the bench binary; its stdout is the section's Markdown.
fn run_section<S: AsRef<str>>(bench: &Path, args: &[S], root: &Path, stamp: &str) -> Result<String, String> {
    let args: Vec<&str> = args.iter().map(AsRef::as_ref).collect();
    let out = Command::new(bench)
        .args(&args)
        .current_dir(root)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run {}: {e}", bench.display()))?;
    if !out.status.success() {
        return Err(format!("`bench {}` failed", args.join(" ")));
    }
    let shown: Vec<String> = args
        .iter()
        .map(|a| {
            let home = std::env::var("HOME").unwrap_or_default();
            let a = a.replace(&root.to_string_lossy().into_owned(), ".");
            let a = if home.is_empty() { a } else { a.replace(&home, "~") };
            if a.contains(' ') {
                format!("'{a}'")
            } else {
                a
            }
        })
        .collect();
    Ok(format!(
        "{stamp} Command: `target/release/bench {}` (run by `cargo xtask bench`).\n\n{}",
        shown.join(" "),
        String::from_utf8_lossy(&out.stdout)
    ))
}

/// Wall time and peak RSS of one command, under `/usr/bin/time` when present.
struct Timed {
    wall_s: f64,
    rss_kib: f64,
    ok: bool,
    stderr: String,
}

fn timed(mut cmd: Command, scratch: &Path) -> Result<Timed, String> {
    let rss_file = scratch.join("time-rss.txt");
    let _ = fs::remove_file(&rss_file);
    let time_bin = Path::new("/usr/bin/time");
    let mut wrapped = if time_bin.exists() {
        let mut w = Command::new(time_bin);
        w.arg("-f").arg("%M").arg("-o").arg(&rss_file).arg(cmd.get_program()).args(cmd.get_args());
        if let Some(dir) = cmd.get_current_dir() {
            w.current_dir(dir);
        }
        for (k, v) in cmd.get_envs() {
            match v {
                Some(v) => w.env(k, v),
                None => w.env_remove(k),
            };
        }
        w
    } else {
        std::mem::replace(&mut cmd, Command::new("true"))
    };
    let started = Instant::now();
    let out = wrapped.stdin(Stdio::null()).output().map_err(|e| e.to_string())?;
    let wall_s = started.elapsed().as_secs_f64();
    let rss_kib = fs::read_to_string(&rss_file)
        .ok()
        .and_then(|t| t.lines().next_back().and_then(|l| l.trim().parse().ok()))
        .unwrap_or(f64::NAN);
    Ok(Timed { wall_s, rss_kib, ok: out.status.success(), stderr: String::from_utf8_lossy(&out.stderr).into_owned() })
}

fn median_range(values: &[f64]) -> (f64, f64, f64) {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    v.sort_by(f64::total_cmp);
    if v.is_empty() {
        return (f64::NAN, f64::NAN, f64::NAN);
    }
    let n = v.len();
    let median = if n % 2 == 1 { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2.0 };
    (median, v[0], v[n - 1])
}

fn count_lines(dir: &Path) -> usize {
    let Ok(entries) = fs::read_dir(dir) else { return 0 };
    entries
        .filter_map(Result::ok)
        .map(|e| {
            let p = e.path();
            if p.is_dir() {
                count_lines(&p)
            } else if p.extension().is_some_and(|x| x == "rs") {
                fs::read_to_string(&p).map(|t| t.lines().count()).unwrap_or(0)
            } else {
                0
            }
        })
        .sum()
}

/// Section 2: cold `cargo build` and `cargo check` of the 2-op client crate, ours against
/// progenitor's from the same spec, each in a fresh target directory (dependencies included).
/// The full Cloudflare client (1,533 operations): a cold `cargo build`, a rebuild after a
/// one-operation change of the spec (regenerated in place: only changed files are written), and
/// a cold `cargo check`, each with its peak RSS.
fn big(root: &Path, stamp: &str) -> Result<String, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let spec = root.join("../shared/corpus/cloudflare-openapi.json");
    let work = std::env::temp_dir().join("openapi-rust-gen-bench-big");
    let _ = fs::remove_dir_all(&work);
    fs::create_dir_all(&work).map_err(|e| e.to_string())?;
    let dir = work.join("cloudflare");
    // The edited spec keeps the original's file name, so that the headers do not change.
    let edited_dir = work.join("edited");
    fs::create_dir_all(&edited_dir).map_err(|e| e.to_string())?;
    let edited = edited_dir.join("cloudflare-openapi.json");
    let changed_op = edit_one_operation(&spec, &edited)?;
    let generated = crate::generate_crate(&spec, &dir, Some("cloudflare-full"))?;
    fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).map_err(|e| e.to_string())?;
    let status = Command::new(&cargo)
        .args(["fetch", "--quiet"])
        .current_dir(&dir)
        .env_remove("CARGO_TARGET_DIR")
        .status()
        .map_err(|e| e.to_string())?;
    if !status.success() {
        return Err("cargo fetch failed for the Cloudflare client".into());
    }
    // Above `generator::MODELS_CRATE_OVER` models the models are crates of their own: `models/`
    // (the core) and `models-N/` (the groups), after the client's folder (the output's root).
    let model_dirs: Vec<PathBuf> = generated.folders.iter().filter(|f| !f.is_empty()).map(|f| dir.join(f)).collect();
    let lines = count_lines(&dir.join("src")) + model_dirs.iter().map(|d| count_lines(&d.join("src"))).sum::<usize>();
    let files = crate::files_under(&dir.join("src/api")).len()
        + model_dirs.iter().map(|d| crate::files_under(&d.join("src/types")).len()).sum::<usize>();
    let layout = match model_dirs.len() {
        0 => "one crate".to_string(),
        1 => "two crates: the models (`models/`, on the runtime's model half) and the client that re-exports \
              them"
            .to_string(),
        n => format!(
            "{} crates: the core models (`models/`, on the runtime's model half), {} groups of models \
             (`models-N/`) that depend on it only, and the client that re-exports them",
            n + 1,
            n - 1
        ),
    };
    let run = |kind: &str, target: &Path| -> Result<Timed, String> {
        let mut cmd = Command::new(&cargo);
        cmd.args([kind, "--offline", "--locked"]).current_dir(&dir).env("CARGO_TARGET_DIR", target);
        let t = timed(cmd, &work)?;
        if !t.ok {
            return Err(format!("cargo {kind} of the Cloudflare client failed:\n{}", t.stderr));
        }
        Ok(t)
    };
    let build_target = work.join("target-build");
    eprintln!("  cold cargo build");
    let cold = run("build", &build_target)?;
    let before = snapshot_files(&dir);
    crate::generate_crate(&edited, &dir, Some("cloudflare-full"))?;
    let after = snapshot_files(&dir);
    let rewritten: Vec<&String> = after.iter().filter(|(k, v)| before.get(*k) != Some(v)).map(|(k, _)| k).collect();
    eprintln!("  cargo build after changing {changed_op}");
    let rebuild = run("build", &build_target)?;
    let _ = fs::remove_dir_all(&build_target);
    let check_target = work.join("target-check");
    eprintln!("  cold cargo check");
    let check = run("check", &check_target)?;
    let _ = fs::remove_dir_all(&check_target);
    let mib = |t: &Timed| format!("{:.2} GiB", t.rss_kib / 1024.0 / 1024.0);
    let mut md = format!(
        "{stamp} Command: `cargo xtask bench --only big`. The crate `cargo xtask generate` writes for \
         `cloudflare-openapi.json` ({lines} lines of Rust: {files} emitted files and the runtime; {layout}), \
         with the workspace's lock file, after `cargo fetch`; dev profile, `--offline --locked`, new empty \
         `CARGO_TARGET_DIR` for the cold runs (dependencies included). The one-operation change adds an \
         optional query parameter to `{changed_op}` and edits its summary; regenerating rewrote {} file(s) \
         ({}). Peak RSS is that of the largest single process (one rustc).\n\n\
         | step | wall | peak RSS |\n|---|---|---|\n",
        rewritten.len(),
        rewritten.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(", ")
    );
    let _ = writeln!(md, "| cold `cargo build` | {:.1} s | {} |", cold.wall_s, mib(&cold));
    let _ =
        writeln!(md, "| `cargo build` after the one-operation change | {:.1} s | {} |", rebuild.wall_s, mib(&rebuild));
    let _ = writeln!(md, "| cold `cargo check` | {:.1} s | {} |", check.wall_s, mib(&check));
    Ok(md)
}

/// Copies `spec` to `out` with one operation changed (the first `get` in path order gets an
/// optional query parameter and an edited summary); returns that operation's method and path.
fn edit_one_operation(spec: &Path, out: &Path) -> Result<String, String> {
    let text = fs::read_to_string(spec).map_err(|e| format!("cannot read {}: {e}", spec.display()))?;
    let mut doc: serde_json::Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    let paths = doc.get_mut("paths").and_then(|p| p.as_object_mut()).ok_or("the spec has no paths")?;
    let mut keys: Vec<String> = paths.keys().cloned().collect();
    keys.sort();
    let path = keys
        .into_iter()
        .find(|k| paths.get(k).and_then(|i| i.get("get")).is_some())
        .ok_or("the spec has no GET operation")?;
    let op = paths.get_mut(&path).and_then(|i| i.get_mut("get")).and_then(|o| o.as_object_mut()).ok_or("no GET")?;
    let summary = op.get("summary").and_then(|s| s.as_str()).unwrap_or_default().to_string();
    op.insert("summary".into(), serde_json::Value::String(format!("{summary} (edited)")));
    let param =
        serde_json::json!({"name": "bench_extra", "in": "query", "required": false, "schema": {"type": "string"}});
    match op.get_mut("parameters").and_then(|p| p.as_array_mut()) {
        Some(list) => list.push(param),
        None => {
            op.insert("parameters".into(), serde_json::Value::Array(vec![param]));
        }
    }
    fs::write(out, serde_json::to_string(&doc).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
    Ok(format!("GET {path}"))
}

/// Every file under `dir` with its modification time.
fn snapshot_files(dir: &Path) -> std::collections::BTreeMap<String, std::time::SystemTime> {
    crate::files_under(dir)
        .into_iter()
        .filter_map(|rel| {
            let modified = fs::metadata(dir.join(&rel)).and_then(|m| m.modified()).ok()?;
            Some((rel, modified))
        })
        .collect()
}

fn compile(root: &Path, spec: &Path, progenitor: Option<&Path>, reps: usize, stamp: &str) -> Result<String, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let work = std::env::temp_dir().join("openapi-rust-gen-bench-compile");
    let _ = fs::remove_dir_all(&work);
    fs::create_dir_all(&work).map_err(|e| e.to_string())?;

    // The crates: ours as `cargo xtask generate` writes it (with the workspace's lock file), ours
    // without TLS (progenitor's crate has none), and progenitor's.
    let mut crates: Vec<(String, PathBuf)> = Vec::new();
    let ours = work.join("ours");
    crate::generate_crate(spec, &ours, Some("cloudflare-ssl-standalone"))?;
    fs::copy(root.join("Cargo.lock"), ours.join("Cargo.lock")).map_err(|e| e.to_string())?;
    crates.push(("ours (`cargo xtask generate`; reqwest 0.12 + rustls)".into(), ours.clone()));
    let ours_plain = work.join("ours-no-tls");
    crate::generate_crate(spec, &ours_plain, Some("cloudflare-ssl-standalone"))?;
    fs::copy(root.join("Cargo.lock"), ours_plain.join("Cargo.lock")).map_err(|e| e.to_string())?;
    let manifest = ours_plain.join("runtime/Cargo.toml");
    let text = fs::read_to_string(&manifest).map_err(|e| e.to_string())?;
    let plain = text.replace(r#"features = ["json", "rustls-tls"]"#, r#"features = ["json"]"#);
    if plain == text {
        return Err("cannot find reqwest's rustls-tls feature in the vendored runtime's Cargo.toml".into());
    }
    fs::write(&manifest, plain).map_err(|e| e.to_string())?;
    crates.push(("ours without TLS (reqwest `rustls-tls` feature removed)".into(), ours_plain));
    let mut notes = String::new();
    if let Some(bin) = progenitor {
        let dir = work.join("progenitor");
        let out = Command::new(bin)
            .arg("progenitor")
            .arg("-i")
            .arg(spec)
            .arg("-o")
            .arg(&dir)
            .args(["-n", "cloudflare-ssl-progenitor", "-v", "0.1.0"])
            .output()
            .map_err(|e| e.to_string())?;
        if out.status.success() {
            // Its crate turns reqwest's default features off, TLS included: it cannot reach an
            // `https://` server. With reqwest's defaults back on (its TLS: rustls with aws-lc-rs)
            // it can, as a client of an HTTPS-only API must.
            let tls = work.join("progenitor-tls");
            fs::create_dir_all(tls.join("src")).map_err(|e| e.to_string())?;
            for rel in crate::files_under(&dir) {
                if let Some(parent) = tls.join(&rel).parent() {
                    fs::create_dir_all(parent).map_err(|e| e.to_string())?;
                }
                fs::copy(dir.join(&rel), tls.join(&rel)).map_err(|e| e.to_string())?;
            }
            let manifest = tls.join("Cargo.toml");
            let text = fs::read_to_string(&manifest).map_err(|e| e.to_string())?;
            let with_tls = text.replace(
                r#"reqwest = { version = "0.13", default-features=false,"#,
                r#"reqwest = { version = "0.13","#,
            );
            crates.push(("progenitor 0.15.1 (its own Cargo.toml: reqwest 0.13, no TLS)".into(), dir));
            if with_tls == text {
                let _ = writeln!(
                    notes,
                    "- progenitor's Cargo.toml has no `default-features=false` reqwest line: no TLS variant."
                );
            } else {
                fs::write(&manifest, with_tls).map_err(|e| e.to_string())?;
                crates
                    .push(("progenitor 0.15.1 with reqwest's default features (TLS: rustls + aws-lc-rs)".into(), tls));
            }
        } else {
            let _ = writeln!(notes, "- progenitor failed on the spec: {}", String::from_utf8_lossy(&out.stderr).trim());
        }
    } else {
        notes.push_str("- progenitor not found (set `PROGENITOR_BIN`): only our crate was built.\n");
    }

    // Fetch first, so that the timed builds need no network.
    for (name, dir) in &crates {
        let status = Command::new(&cargo)
            .args(["fetch", "--quiet"])
            .current_dir(dir)
            .env_remove("CARGO_TARGET_DIR")
            .status()
            .map_err(|e| e.to_string())?;
        if !status.success() {
            return Err(format!("cargo fetch failed for {name}"));
        }
    }

    let kinds = ["build", "check"];
    // results[crate][kind] = runs
    let mut results: Vec<Vec<Vec<Timed>>> = crates.iter().map(|_| kinds.iter().map(|_| Vec::new()).collect()).collect();
    let mut compiled: Vec<usize> = vec![0; crates.len()];
    for rep in 0..reps {
        for (k, kind) in kinds.iter().enumerate() {
            for j in 0..crates.len() {
                let i = (j + rep + k) % crates.len();
                let (name, dir) = &crates[i];
                let target = work.join(format!("target-{i}-{kind}-{rep}"));
                let _ = fs::remove_dir_all(&target);
                eprintln!("  cold cargo {kind}: {name} (rep {})", rep + 1);
                let mut cmd = Command::new(&cargo);
                cmd.args([kind, "--offline", "--locked"]).current_dir(dir).env("CARGO_TARGET_DIR", &target);
                let t = timed(cmd, &work)?;
                if !t.ok {
                    return Err(format!("cargo {kind} of {name} failed:\n{}", t.stderr));
                }
                if *kind == "build" {
                    compiled[i] = t.stderr.lines().filter(|l| l.trim_start().starts_with("Compiling ")).count();
                }
                results[i][k].push(t);
                let _ = fs::remove_dir_all(&target);
            }
        }
    }

    let mut md = format!(
        "{stamp} Command: `cargo xtask bench --compile --reps {reps}`. Each build is `cargo build --offline --locked` \
         (dev profile) or `cargo check --offline --locked` in the generated crate, with a new empty \
         `CARGO_TARGET_DIR` (dependencies included), after `cargo fetch`; crates in turn, {reps} rep(s). Wall time, \
         and the peak RSS of the largest single process of the build (usually one rustc).\n\n\
         | crate | lines of Rust | crates compiled | cold `cargo build` | peak RSS | cold `cargo check` | peak RSS |\n\
         |---|---|---|---|---|---|---|\n"
    );
    let mut build_medians = Vec::new();
    for (i, (name, dir)) in crates.iter().enumerate() {
        let cell = |k: usize| {
            let (m, lo, hi) = median_range(&results[i][k].iter().map(|t| t.wall_s).collect::<Vec<_>>());
            let (rss, _, _) = median_range(&results[i][k].iter().map(|t| t.rss_kib).collect::<Vec<_>>());
            let range = if reps > 1 { format!(" ({lo:.1}–{hi:.1} s)") } else { String::new() };
            (m, format!("{m:.1} s{range}"), format!("{:.0} MiB", rss / 1024.0))
        };
        let (b, build, build_rss) = cell(0);
        let (c, check, check_rss) = cell(1);
        build_medians.push((b, c));
        let _ = writeln!(
            md,
            "| {name} | {} | {} | {build} | {build_rss} | {check} | {check_rss} |",
            count_lines(&dir.join("src")),
            compiled[i]
        );
    }
    if let (Some(ours), Some(theirs)) = (build_medians.first(), build_medians.get(2)) {
        let plain = build_medians.get(1).copied().unwrap_or((f64::NAN, f64::NAN));
        let _ = writeln!(
            md,
            "\nRatios to progenitor's crate: build {:.2}× (without TLS {:.2}×), check {:.2}× (without TLS {:.2}×).",
            ours.0 / theirs.0,
            plain.0 / theirs.0,
            ours.1 / theirs.1,
            plain.1 / theirs.1
        );
        if let Some(tls) = build_medians.get(3) {
            let _ = writeln!(
                md,
                "Ratios to progenitor's crate with TLS (both can reach an HTTPS API): build {:.2}×, check {:.2}×.",
                ours.0 / tls.0,
                ours.1 / tls.1
            );
        }
    }
    if !notes.is_empty() {
        md.push('\n');
        md.push_str(&notes);
    }
    let _ = fs::remove_dir_all(&work);
    Ok(md)
}

/// Profile of `generate` under callgrind (instruction counts: exact, and immune to the noise of
/// a shared machine): inclusive cost of the pipeline's functions and the top self costs.
fn profile(bench: &Path, root: &Path, stamp: &str, quick: bool) -> Result<String, String> {
    let valgrind_ok = Command::new("valgrind").arg("--version").output().is_ok_and(|o| o.status.success());
    if !valgrind_ok {
        return Ok("valgrind is not installed (`apt-get install valgrind`): no profile.\n".into());
    }
    let work = std::env::temp_dir().join("openapi-rust-gen-bench-profile");
    fs::create_dir_all(&work).map_err(|e| e.to_string())?;
    let mut md = format!(
        "{stamp} `perf stat -e instructions` is not supported on this VM, so the profile is callgrind's: \
         `valgrind --tool=callgrind target/release/bench profile-generate SPEC N`, then `callgrind_annotate` \
         (with and without `--inclusive=yes`). Instruction counts (Ir), not time; functions inlined into others \
         are counted in them. The bench binary's own start-up is under 0.1 %.\n"
    );
    let mut cases = vec![("(a) spec/cloudflare-ssl.yaml, 2 ops", root.join(crate::SPEC), if quick { 2 } else { 10 })];
    let big = root.join("../shared/corpus/cloudflare-openapi.json");
    if big.exists() && !quick {
        cases.push(("(b) Cloudflare full spec, 1,533 operations", big, 1));
    }
    for (label, spec, n) in cases {
        eprintln!("  callgrind: {label}");
        let spec = spec.to_string_lossy();
        let Ok(out_file) = run_callgrind(bench, &["profile-generate", &spec, &n.to_string()], &work) else {
            let _ = writeln!(md, "\n{label}: callgrind failed.");
            continue;
        };
        let annotate = |inclusive: bool| -> Vec<(f64, String)> {
            let mut cmd = Command::new("callgrind_annotate");
            if inclusive {
                cmd.arg("--inclusive=yes");
            }
            let text = cmd.arg(&out_file).output().map(|o| String::from_utf8_lossy(&o.stdout).into_owned());
            parse_annotate(&text.unwrap_or_default()).into_iter().map(|(_, pct, f)| (pct, f)).collect()
        };
        let inclusive = annotate(true);
        let exclusive = annotate(false);
        let _ = writeln!(md, "\n**{label}**, `generate` × {n}. Inclusive (the pipeline and its biggest parts):\n");
        md.push_str("| % of Ir | function |\n|---|---|\n");
        let skip = |f: &str| {
            f.starts_with("std::")
                || f.starts_with("bench::")
                || f.contains("(below main)")
                || f == "main"
                || f.starts_with("0x")
                || f.starts_with("__libc")
                || f.starts_with("core::ops::function")
                // Thread plumbing: the pipeline runs on threads of its own.
                || f.starts_with("start_thread")
                || f.starts_with("<std::")
                || f.starts_with("clone3")
                // callgrind's entries inside a recursion cycle (`name'2`): their inclusive
                // cost counts the cycle several times.
                || f.rsplit_once('\'').is_some_and(|(_, n)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        };
        for (pct, f) in inclusive.iter().filter(|(_, f)| !skip(f)).take(22) {
            let _ = writeln!(md, "| {pct:.1} | `{}` |", shorten(f, 110));
        }
        md.push_str("\nSelf cost (top 12):\n\n| % of Ir | function |\n|---|---|\n");
        for (pct, f) in exclusive.iter().take(12) {
            let _ = writeln!(md, "| {pct:.1} | `{}` |", shorten(f, 110));
        }
        let alloc: f64 = exclusive.iter().filter(|(_, f)| is_alloc(f)).map(|(p, _)| p).sum();
        let _ = writeln!(md, "\nmalloc/free and Rust's allocator shims, self cost together: {alloc:.1} % of Ir.");
    }
    md.push_str(&instruction_counts(bench, &work, quick)?);
    let _ = fs::remove_dir_all(&work);
    Ok(md)
}

/// One line of a callgrind profile: instructions, percent of the total, function.
type Cost = (u64, f64, String);

/// `callgrind_annotate` lines: `123,456 (12.34%)  file:function [object]` → (Ir, %, function).
fn parse_annotate(text: &str) -> Vec<Cost> {
    text.lines()
        .filter_map(|line| {
            let line = line.trim();
            let open = line.find('(')?;
            let close = line.find("%)")?;
            let ir: u64 = line.get(..open)?.trim().replace(',', "").parse().ok()?;
            let pct: f64 = line.get(open + 1..close)?.trim().parse().ok()?;
            let rest = line.get(close + 2..)?.trim();
            if rest.starts_with("PROGRAM TOTALS") {
                return None;
            }
            let rest = rest.rsplit_once(" [").map_or(rest, |(f, _)| f);
            let function = rest.split_once(':').map_or(rest, |(_, f)| f);
            Some((ir, pct, function.to_string()))
        })
        .collect()
}

/// Runs `bench ARGS` under callgrind; returns the profile file.
fn run_callgrind(bench: &Path, args: &[&str], work: &Path) -> Result<PathBuf, String> {
    let out_file = work.join("callgrind.out");
    let _ = fs::remove_file(&out_file);
    let status = Command::new("valgrind")
        .arg("--tool=callgrind")
        .arg(format!("--callgrind-out-file={}", out_file.display()))
        .arg(bench)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| e.to_string())?;
    if !status.success() {
        return Err(format!("callgrind of `bench {}` failed", args.join(" ")));
    }
    Ok(out_file)
}

/// Runs `bench ARGS` under callgrind; returns the exclusive profile (every function) and the total.
fn callgrind(bench: &Path, args: &[&str], work: &Path) -> Result<(Vec<Cost>, u64), String> {
    let out_file = run_callgrind(bench, args, work)?;
    let out = Command::new("callgrind_annotate")
        .arg("--threshold=100")
        .arg(&out_file)
        .output()
        .map_err(|e| format!("cannot run callgrind_annotate: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    let total = text
        .lines()
        .find(|l| l.contains("PROGRAM TOTALS"))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.replace(',', "").parse().ok())
        .ok_or("no PROGRAM TOTALS in callgrind_annotate's output")?;
    Ok((parse_annotate(&text), total))
}

/// Instructions per operation of one variant of a bench section (`--variant`), measured as the
/// slope between two operation counts so that start-up cancels out; with the exclusive profile of
/// the larger run, scaled to one operation.
struct Slope {
    per_op: f64,
    /// (function, Ir per operation), self cost.
    per_function: Vec<(String, f64)>,
}

fn slope(
    bench: &Path,
    section: &str,
    variant: usize,
    rounds: (usize, usize),
    batch: usize,
    work: &Path,
) -> Result<Slope, String> {
    let mut totals = Vec::new();
    let mut last = Vec::new();
    for r in [rounds.0, rounds.1] {
        eprintln!("  callgrind: {section} variant {variant}, {} operations", (r + 1) * batch);
        let (v, r_s, b_s) = (variant.to_string(), r.to_string(), batch.to_string());
        let (functions, total) =
            callgrind(bench, &[section, "--variant", &v, "--rounds", &r_s, "--batch", &b_s], work)?;
        totals.push(total as f64);
        last = functions;
    }
    let ops = ((rounds.1 + 1) * batch) as f64;
    Ok(Slope {
        per_op: (totals[1] - totals[0]) / ((rounds.1 - rounds.0) * batch) as f64,
        per_function: last.into_iter().map(|(ir, _, f)| (f, ir as f64 / ops)).collect(),
    })
}

/// Functions whose self cost per operation differs most between two profiles: the biggest
/// increases, then the biggest decreases.
fn delta_table(base: &Slope, other: &Slope, up: usize, down: usize) -> String {
    let mut delta: std::collections::BTreeMap<&str, f64> = std::collections::BTreeMap::new();
    for (f, ir) in &base.per_function {
        *delta.entry(f.as_str()).or_default() -= ir;
    }
    for (f, ir) in &other.per_function {
        *delta.entry(f.as_str()).or_default() += ir;
    }
    let mut delta: Vec<(&str, f64)> = delta.into_iter().collect();
    delta.sort_by(|a, b| b.1.total_cmp(&a.1));
    let json: f64 = delta.iter().filter(|(f, _)| f.contains("serde_json::")).map(|(_, d)| d).sum();
    let alloc: f64 = delta.iter().filter(|(f, _)| is_alloc(f)).map(|(_, d)| d).sum();
    let mut md = String::from("| Ir per operation | function |\n|---|---|\n");
    let shown = delta.iter().take(up).chain(delta.iter().rev().take(down).collect::<Vec<_>>().into_iter().rev());
    for (f, d) in shown {
        let _ = writeln!(md, "| {d:+.0} | `{}` |", shorten(f, 110));
    }
    let _ = writeln!(
        md,
        "\nNet difference in `serde_json::` functions: {json:+.0} Ir; in malloc/free and the allocator shims: {alloc:+.0} Ir."
    );
    md
}

fn is_alloc(f: &str) -> bool {
    ["malloc", "free", "_int_malloc", "_int_free", "realloc", "_int_realloc", "malloc_consolidate", "cfree"]
        .contains(&f)
        || f.starts_with("cfree@")
        || f.starts_with("__rustc::__rd")
        || f.starts_with("__rustc::__rust_")
}

/// Instructions per request and per decode (callgrind: exact, immune to the machine's noise).
fn instruction_counts(bench: &Path, work: &Path, quick: bool) -> Result<String, String> {
    let rounds = if quick { (1, 2) } else { (2, 6) };
    let bare = slope(bench, "overhead", 0, rounds, 250, work)?;
    let client = slope(bench, "overhead", 1, rounds, 250, work)?;
    let mut md = format!(
        "\n**Client overhead in instructions** (`bench overhead --variant 0|1`: client and server threads in \
         one process; per request = slope between {} and {} requests, so start-up cancels out): bare call \
         {:.0} Ir, generated client {:.0} Ir per request: **{:.2}×** the bare call, {:+.0} Ir. Where the \
         difference goes (self cost per request, client − bare; biggest increases, then decreases):\n\n",
        (rounds.0 + 1) * 250,
        (rounds.1 + 1) * 250,
        bare.per_op,
        client.per_op,
        client.per_op / bare.per_op,
        client.per_op - bare.per_op
    );
    md.push_str(&delta_table(&bare, &client, 12, 4));

    let hand = slope(bench, "decode", 0, rounds, 500, work)?;
    let types = slope(bench, "decode", 1, rounds, 500, work)?;
    let path = slope(bench, "decode", 2, rounds, 500, work)?;
    let _ = write!(
        md,
        "\n**Decoding in instructions** (`bench decode --variant 0|1|2`, per decode, same slope method): \
         hand-written struct {:.0} Ir; generated `CertificatePackResponseSingle` {:.0} Ir (**{:.2}×**); client \
         decode path {:.0} Ir (**{:.2}×**). Client decode path − hand-written struct:\n\n",
        hand.per_op,
        types.per_op,
        types.per_op / hand.per_op,
        path.per_op,
        path.per_op / hand.per_op
    );
    md.push_str(&delta_table(&hand, &path, 8, 4));
    Ok(md)
}

fn shorten(text: &str, max: usize) -> String {
    let text = text.replace('|', "\\|").replace('`', "'");
    if text.chars().count() <= max {
        text
    } else {
        format!("{}…", text.chars().take(max).collect::<String>())
    }
}

/// The skeleton of `BENCHMARKS.md` when there is none.
fn template() -> String {
    let mut t = String::from("# Benchmarks\n\nWritten by `cargo xtask bench --write`.\n");
    for name in ["machine", "generate", "profile", "compile", "big", "overhead", "decode", "paginate"] {
        let _ = write!(t, "\n## {name}\n\n<!-- bench:{name} -->\nnot measured yet\n<!-- /bench:{name} -->\n");
    }
    t
}

/// Replaces the text between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->` (appends the
/// region when the file has none).
pub fn replace_region(text: &str, name: &str, body: &str) -> String {
    let open = format!("<!-- bench:{name} -->");
    let close = format!("<!-- /bench:{name} -->");
    let body = body.trim_end();
    match (text.find(&open), text.find(&close)) {
        (Some(a), Some(b)) if a < b => {
            format!("{}{open}\n{body}\n{}", &text[..a], &text[b..])
        }
        _ => format!("{}\n\n## {name}\n\n{open}\n{body}\n{close}\n", text.trim_end()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_are_replaced_in_place() {
        let text = "# B\n\nprose\n<!-- bench:decode -->\nold\n<!-- /bench:decode -->\nmore prose\n";
        let new = replace_region(text, "decode", "new\n");
        assert_eq!(new, "# B\n\nprose\n<!-- bench:decode -->\nnew\n<!-- /bench:decode -->\nmore prose\n");
        let appended = replace_region(text, "compile", "c");
        assert!(appended.starts_with(text.trim_end()));
        assert!(appended.ends_with("<!-- bench:compile -->\nc\n<!-- /bench:compile -->\n"));
    }

    #[test]
    fn annotate_lines() {
        let text = "499,689,131 (100.0%)  PROGRAM TOTALS\n\
                    242,740,013 (48.58%)  ???:generator::render::render [/x/bench]\n\
                    54,243,855 (10.86%)  ./malloc/./malloc/malloc.c:_int_free [/lib/libc.so.6]\n";
        let parsed = parse_annotate(text);
        assert_eq!(
            parsed,
            vec![(242_740_013, 48.58, "generator::render::render".into()), (54_243_855, 10.86, "_int_free".into())]
        );
    }

    #[test]
    fn options() {
        let o = BenchOptions::parse(&["--compile", "--reps", "3", "--write"]).unwrap();
        assert!(o.compile && o.write && o.wants("compile") && o.wants("decode") && !o.wants("profile"));
        let o = BenchOptions::parse(&["--only", "decode,profile"]).unwrap();
        assert!(o.wants("profile") && !o.wants("generate"));
        assert!(BenchOptions::parse(&["--nope"]).is_err());
    }
}
