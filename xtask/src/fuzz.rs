//! `cargo xtask fuzz`: two halves, each bounded by time and reproducible from the seed.
//!
//! - Specs: feeds mutated real specs and arbitrary YAML to the generator and checks that it
//!   never panics, never hangs, and never reports an internal error.
//! - Runtime: feeds arbitrary responses (status, headers, bodies made from the spec's example
//!   responses and random bytes) to every decoder of the client runtime and checks that none
//!   panics, overflows its stack or uses more memory than a multiple of the body. Its inputs
//!   and checks are in `tests/examples/fuzz_runtime.rs`, a binary of the `tests` crate (it links
//!   the generated client, which xtask must not depend on: xtask writes it), built here first.
//!
//! Each batch runs in a child process (`xtask fuzz-batch SEED COUNT`, or `fuzz_runtime batch
//! SEED COUNT`), which announces every input before trying it; a crash, a panic or a time-out is
//! pinned to its input, which is written to `target/fuzz-findings/` (a spec to become a fixture;
//! a response as status, headers and body). Inputs that failed a check without killing the
//! batch are reported by the child on lines of their own.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// A small deterministic random number generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// The seed specs: every fixture, the real spec, and (when cached) a few corpus specs.
pub fn seeds() -> Vec<(String, String)> {
    let root = crate::root();
    let mut files: Vec<PathBuf> = Vec::new();
    for dir in ["tests/fixtures/good", "tests/fixtures/bad", "spec"] {
        if let Ok(entries) = fs::read_dir(root.join(dir)) {
            files.extend(
                entries
                    .filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml" | "json"))),
            );
        }
    }
    let examples = crate::corpus::cache_dir().join("node_modules/@readme/oas-examples/3.0/json");
    if let Ok(entries) = fs::read_dir(examples) {
        files.extend(
            entries.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == "json")),
        );
    }
    files.sort();
    files.into_iter().filter_map(|p| Some((p.display().to_string(), fs::read_to_string(&p).ok()?))).collect()
}

const KEYS: &[&str] = &[
    "$ref",
    "type",
    "properties",
    "items",
    "allOf",
    "oneOf",
    "anyOf",
    "not",
    "enum",
    "nullable",
    "required",
    "additionalProperties",
    "format",
    "discriminator",
    "parameters",
    "requestBody",
    "responses",
    "content",
    "schema",
    "in",
    "name",
    "security",
    "x-envelope",
    "x-pagination",
    "default",
    "minimum",
    "maxLength",
    "explode",
    "style",
];

fn random_scalar(rng: &mut Rng) -> Value {
    match rng.below(9) {
        0 => Value::Null,
        1 => Value::Bool(rng.chance(50)),
        2 => Value::from(rng.next() as i64),
        3 => Value::from(-1.5e300),
        4 => Value::String(String::new()),
        5 => Value::String("#/components/schemas/".to_string() + ["A", "Missing", "../x", "~1", ""][rng.below(5)]),
        6 => Value::String(["string", "object", "array", "integer", "number", "boolean", "null"][rng.below(7)].into()),
        7 => Value::String("ü\u{0}\u{202e}<>[]`{x}".into()),
        _ => Value::String(KEYS[rng.below(KEYS.len())].into()),
    }
}

/// Every pointer in the document (bounded), to pick mutation targets from.
fn pointers(value: &Value, here: String, out: &mut Vec<String>) {
    if out.len() > 20_000 {
        return;
    }
    match value {
        Value::Object(m) => {
            for (k, v) in m {
                let p = format!("{here}/{}", k.replace('~', "~0").replace('/', "~1"));
                out.push(p.clone());
                pointers(v, p, out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                let p = format!("{here}/{i}");
                out.push(p.clone());
                pointers(v, p, out);
            }
        }
        _ => {}
    }
}

fn mutate_value(doc: &mut Value, rng: &mut Rng) {
    let mut all = Vec::new();
    pointers(doc, String::new(), &mut all);
    if all.is_empty() {
        return;
    }
    let target = all[rng.below(all.len())].clone();
    let donor = all[rng.below(all.len())].clone();
    let donor_value = doc.pointer(&donor).cloned();
    let Some(slot) = doc.pointer_mut(&target) else { return };
    match rng.below(9) {
        0 => *slot = random_scalar(rng),
        1 => *slot = Value::Object(Default::default()),
        2 => *slot = Value::Array(vec![random_scalar(rng)]),
        3 => {
            if let Some(v) = donor_value {
                *slot = v;
            }
        }
        4 => *slot = serde_json::json!({ "$ref": format!("#{donor}") }),
        5 => *slot = serde_json::json!({ "allOf": [slot.clone(), { "$ref": format!("#{target}") }] }),
        6 => {
            if let Value::Object(m) = slot {
                let key = KEYS[rng.below(KEYS.len())];
                m.insert(key.to_string(), random_scalar(rng));
            }
        }
        7 => {
            if let Value::Object(m) = slot {
                if let Some(k) = m.keys().nth(rng.below(m.len())).cloned() {
                    m.remove(&k);
                }
            }
        }
        _ => {
            // Deep nesting (of a small value).
            if serde_json::to_string(slot).map_or(0, |t| t.len()) > 10_000 {
                return;
            }
            let mut v = slot.clone();
            for _ in 0..rng.below(200) {
                v = serde_json::json!({ "type": "array", "items": v });
            }
            *slot = v;
        }
    }
}

fn mutate_text(text: &str, rng: &mut Rng) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(bytes.len() + 1);
        match rng.below(4) {
            0 => bytes.truncate(at),
            1 => {
                if at < bytes.len() {
                    bytes.remove(at);
                }
            }
            2 => {
                let junk = [b":", b"-", b"{", b"}", b"[", b"'", b"\"", b"\n", b"&", b"*", b"!", b"#", b"|", b"%"];
                bytes.insert(at.min(bytes.len()), junk[rng.below(junk.len())][0]);
            }
            _ => {
                if at < bytes.len() {
                    bytes[at] = (rng.next() & 0x7f) as u8;
                }
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The `i`-th input of a batch: a mutated seed, or random text.
fn input(seeds: &[(String, String)], seed: u64, i: u64) -> (String, String) {
    let mut rng = Rng::new(seed.wrapping_mul(1_000_003).wrapping_add(i));
    let Some((name, text)) = seeds.get(rng.below(seeds.len())) else { return ("empty".into(), String::new()) };
    let label = format!("{name} seed={seed} i={i}");
    if rng.chance(20) {
        return (label, mutate_text(text, &mut rng));
    }
    let parsed: Option<Value> = serde_json::from_str(text).ok().or_else(|| serde_yaml::from_str(text).ok());
    let Some(mut doc) = parsed else { return (label, mutate_text(text, &mut rng)) };
    for _ in 0..1 + rng.below(6) {
        let before = doc.clone();
        mutate_value(&mut doc, &mut rng);
        // Keep inputs small enough to generate quickly: a mutation that blows the document up
        // is undone.
        if serde_json::to_string(&doc).map_or(0, |t| t.len()) > 1_000_000 {
            doc = before;
        }
    }
    let text = if rng.chance(50) {
        serde_json::to_string_pretty(&doc).unwrap_or_default()
    } else {
        serde_yaml::to_string(&doc).unwrap_or_default()
    };
    (label, text)
}

/// Child side: generates `count` inputs of batch `seed`, announcing each on stdout first.
pub fn run_batch(seed: u64, count: u64) -> i32 {
    let seeds = seeds();
    let mut internal = 0;
    for i in 0..count {
        let (label, text) = input(&seeds, seed, i);
        println!("start {i} {label}");
        if let Err(diags) = generator::generate(&text, &generator::Options::default()) {
            if let Some(d) = diags.0.iter().find(|d| d.kind == generator::Kind::Internal) {
                println!("internal {i} {d}");
                internal += 1;
            }
        }
    }
    println!("done");
    if internal > 0 {
        2
    } else {
        0
    }
}

/// Which halves of the fuzzer to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Only {
    /// Both: the specs for two thirds of the time, the runtime for the rest.
    Both,
    /// The generator on mutated specs.
    Specs,
    /// The client runtime's response handling.
    Runtime,
}

impl Only {
    /// Parses `--only`'s value.
    pub fn parse(value: &str) -> Option<Only> {
        match value {
            "specs" => Some(Only::Specs),
            "runtime" => Some(Only::Runtime),
            "both" => Some(Only::Both),
            _ => None,
        }
    }
}

/// Runs the halves `only` names for `seconds` in all (building the runtime's fuzz binary is not
/// counted). Returns the number of findings.
pub fn run(seconds: u64, first_seed: u64, only: Only) -> Result<usize, String> {
    let (specs, runtime) = match only {
        Only::Both => {
            let specs = (seconds * 2).div_ceil(3);
            (specs, seconds - specs)
        }
        Only::Specs => (seconds, 0),
        Only::Runtime => (0, seconds),
    };
    let mut findings = 0;
    if only != Only::Runtime {
        findings += run_specs(specs, first_seed)?;
    }
    if only != Only::Specs {
        findings += run_runtime(runtime, first_seed)?;
    }
    Ok(findings)
}

/// The spec half: runs batches until `seconds` have passed. Returns the number of findings.
fn run_specs(seconds: u64, first_seed: u64) -> Result<usize, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let seeds = seeds();
    let findings_dir = crate::root().join("target/fuzz-findings");
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let (mut seed, mut inputs, mut findings) = (first_seed, 0u64, 0usize);
    const BATCH: u64 = 200;
    while Instant::now() < deadline {
        let mut cmd = Command::new(&exe);
        cmd.args(["fuzz-batch", &seed.to_string(), &BATCH.to_string()]).stdin(Stdio::null());
        let (stdout, mut stderr, code, timed_out) = crate::corpus::run_capture(cmd, Duration::from_secs(60));
        if timed_out {
            stderr.push_str("time-out (60 s for the batch)");
        }
        let last_start = stdout.lines().rfind(|l| l.starts_with("start ")).map(str::to_string);
        let finished = stdout.lines().any(|l| l == "done");
        for line in stdout.lines().filter(|l| l.starts_with("internal ")) {
            findings += 1;
            eprintln!("finding: {line}");
            save(&findings_dir, &seeds, seed, line, "internal")?;
        }
        if !finished {
            findings += 1;
            let what = if timed_out {
                "hang"
            } else if code.is_none() {
                "crash"
            } else {
                "panic"
            };
            let line = last_start.unwrap_or_default();
            eprintln!("finding ({what}): {line}\n{}", stderr.lines().take(5).collect::<Vec<_>>().join("\n"));
            save(&findings_dir, &seeds, seed, &line, what)?;
        }
        inputs += stdout.lines().filter(|l| l.starts_with("start ")).count() as u64;
        seed += 1;
    }
    println!(
        "fuzz (specs): {inputs} inputs in {} batches (seeds {first_seed}..{seed}), {findings} findings",
        seed - first_seed
    );
    Ok(findings)
}

/// Inputs per batch of the runtime half (a few seconds of work in a debug build).
const RUNTIME_BATCH: u64 = 50;
/// A runtime batch that takes longer than this is a hang.
const RUNTIME_BATCH_LIMIT: Duration = Duration::from_secs(120);

/// The runtime half: builds `fuzz_runtime` (a debug build, so that arithmetic overflows panic),
/// then runs its batches until `seconds` have passed. Returns the number of findings.
fn run_runtime(seconds: u64, first_seed: u64) -> Result<usize, String> {
    let root = crate::root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    eprintln!("fuzz (runtime): building tests/examples/fuzz_runtime.rs");
    let status = Command::new(&cargo)
        .args(["build", "--quiet", "-p", "tests", "--example", "fuzz_runtime"])
        .current_dir(&root)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err("cargo build -p tests --example fuzz_runtime failed".into());
    }
    let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root.join("target"));
    let exe = target.join("debug/examples/fuzz_runtime");
    let findings_dir = root.join("target/fuzz-findings");
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let (mut seed, mut inputs, mut findings) = (first_seed, 0u64, 0usize);
    let mut worst = (0.0, String::new());
    while Instant::now() < deadline {
        let mut cmd = Command::new(&exe);
        cmd.args(["batch", &seed.to_string(), &RUNTIME_BATCH.to_string()]).stdin(Stdio::null());
        let (stdout, mut stderr, code, timed_out) = crate::corpus::run_capture(cmd, RUNTIME_BATCH_LIMIT);
        if timed_out {
            stderr.push_str("time-out (120 s for the batch)");
        }
        let done = stdout.lines().find_map(|l| l.strip_prefix("done "));
        let finished = done.is_some();
        // Reported by the child, which went on: one finding per input, every check it failed listed.
        let mut reported: Vec<(u64, Vec<&str>)> = Vec::new();
        for line in stdout.lines().filter_map(|l| l.strip_prefix("finding ")) {
            let i = line.split_whitespace().next().and_then(|i| i.parse().ok()).unwrap_or(0);
            match reported.last_mut() {
                Some((last, lines)) if *last == i => lines.push(line),
                _ => reported.push((i, vec![line])),
            }
        }
        for (i, lines) in &reported {
            findings += 1;
            eprintln!("finding (runtime): batch {seed} input {i}\n  {}", lines.join("\n  "));
            save_response(&exe, &findings_dir, seed, *i, "check")?;
        }
        if !finished {
            findings += 1;
            let what = if timed_out {
                "hang"
            } else if code.is_none() {
                "crash"
            } else {
                "abort"
            };
            let Some(last) = stdout.lines().rfind(|l| l.starts_with("start ")) else {
                return Err(format!("fuzz_runtime failed before its first input:\n{stderr}"));
            };
            let i = last.split_whitespace().nth(1).and_then(|i| i.parse().ok()).unwrap_or(0);
            let why: Vec<&str> = stderr.lines().filter(|l| !l.trim_start().starts_with("at ")).take(5).collect();
            eprintln!("finding (runtime, {what}): {last}\n{}", why.join("\n"));
            save_response(&exe, &findings_dir, seed, i, what)?;
        }
        // `done COUNT RATIO WHERE`: the batch's heaviest decoder, relative to its body.
        let mut done = done.unwrap_or_default().splitn(3, ' ').skip(1);
        if let (Some(Ok(ratio)), Some(at)) = (done.next().map(str::parse::<f64>), done.next()) {
            if ratio > worst.0 {
                worst = (ratio, at.to_string());
            }
        }
        inputs += stdout.lines().filter(|l| l.starts_with("start ")).count() as u64;
        seed += 1;
    }
    println!(
        "fuzz (runtime): {inputs} responses in {} batches (seeds {first_seed}..{seed}), {findings} findings; \
         most memory a decoder used: {:.1} times its body ({})",
        seed - first_seed,
        worst.0,
        worst.1
    );
    Ok(findings)
}

/// Writes input `i` of the runtime's batch `seed` under `dir`.
fn save_response(exe: &Path, dir: &Path, seed: u64, i: u64, what: &str) -> Result<(), String> {
    fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let path = dir.join(format!("runtime-{what}-{seed}-{i}.txt"));
    let status = Command::new(exe)
        .args(["dump", &seed.to_string(), &i.to_string()])
        .arg(&path)
        .status()
        .map_err(|e| e.to_string())?;
    if !status.success() {
        return Err(format!("cannot write {}", path.display()));
    }
    eprintln!("  saved {} (run it alone: {} one {seed} {i})", path.display(), exe.display());
    Ok(())
}

fn save(dir: &Path, seeds: &[(String, String)], seed: u64, line: &str, what: &str) -> Result<(), String> {
    let i: u64 = line.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let (label, text) = input(seeds, seed, i);
    fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let path = dir.join(format!("{what}-{seed}-{i}.yaml").replace(' ', "-"));
    fs::write(&path, format!("# {what}: {label}\n{text}")).map_err(|e| e.to_string())?;
    eprintln!("  saved {}", path.display());
    Ok(())
}

/// Writes input `i` of batch `seed` to `path` (to reproduce a finding).
pub fn dump(seed: u64, i: u64, path: &Path) -> Result<(), String> {
    let (label, text) = input(&seeds(), seed, i);
    fs::write(path, format!("# {label}\n{text}")).map_err(|e| e.to_string())
}
