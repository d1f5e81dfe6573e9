//! Section 1: generation speed. In-process (`generator::lower` and `generator::generate`, many
//! iterations) and as a subprocess next to progenitor on the same inputs, interleaved, with wall
//! time and peak RSS.

use crate::stats::{dur, dur_iqr, dur_range, mib, ratio, summarize};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

/// One input spec.
#[derive(Debug, Clone)]
pub struct Input {
    pub label: String,
    pub path: PathBuf,
}

/// What one tool did with a spec, as a subprocess.
#[derive(Debug, Clone)]
struct Run {
    wall_ns: f64,
    rss_kib: f64,
    code: Option<i32>,
    note: String,
}

/// The Rust name of the models crate(s), for specs big enough to get them.
const MODELS: &str = "bench_models";

/// Generation options the bench uses (the header text does not matter for timing).
fn options(path: &Path) -> generator::Options {
    generator::Options {
        spec_label: path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        command: "cargo xtask bench".into(),
        ..Default::default()
    }
}

/// `bench gen-once SPEC OUTDIR`: generates the API module of one spec into `OUTDIR/src/api`.
/// Exit code 0 when generated, 2 when the generator rejected the spec (first finding on stderr).
pub fn gen_once(spec: &Path, out: &Path) -> i32 {
    let text = match std::fs::read_to_string(spec) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("cannot read {}: {e}", spec.display());
            return 1;
        }
    };
    // As `cargo xtask generate` does: lower, choose the layout by the number of models, emit.
    let files = generator::lower(&text)
        .and_then(|api| generator::generate_from(&api, &options(spec).with_layout_for(api.types.len(), MODELS)));
    match files {
        Ok(files) => {
            let dir = out.join("src/api");
            for f in &files {
                let path = dir.join(&f.path);
                if let Some(parent) = path.parent() {
                    let _ = std::fs::create_dir_all(parent);
                }
                if let Err(e) = std::fs::write(&path, &f.contents) {
                    eprintln!("cannot write {}: {e}", path.display());
                    return 1;
                }
            }
            0
        }
        Err(d) => {
            eprintln!(
                "rejected: {} findings; first: {}",
                d.0.len(),
                d.0.first().map(|d| d.to_string()).unwrap_or_default()
            );
            2
        }
    }
}

/// `bench profile-generate SPEC N`: generates N times as `gen-once` does (lower, choose the
/// layout by the number of models, emit and render), for perf or callgrind.
pub fn profile(spec: &Path, iterations: usize) -> Result<(), String> {
    let text = std::fs::read_to_string(spec).map_err(|e| format!("cannot read {}: {e}", spec.display()))?;
    for _ in 0..iterations {
        let started = Instant::now();
        let api = generator::lower(&text).map_err(|d| d.to_string())?;
        let lowered = started.elapsed();
        let options = options(spec).with_layout_for(api.types.len(), MODELS);
        let out = generator::generate_from(&api, &options);
        let total = started.elapsed();
        std::hint::black_box(out.is_ok());
        eprintln!(
            "generate {}: load + lower {}, emit + render {}",
            dur(total.as_nanos() as f64),
            dur(lowered.as_nanos() as f64),
            dur((total - lowered).as_nanos() as f64)
        );
    }
    Ok(())
}

/// Runs `cmd`, timing it; under `/usr/bin/time` (when present) for its peak RSS.
fn measure(program: &Path, args: &[&str], scratch: &Path) -> Result<Run, String> {
    let time_bin = Path::new("/usr/bin/time");
    let rss_file = scratch.join("rss.txt");
    let _ = std::fs::remove_file(&rss_file);
    let mut cmd = if time_bin.exists() {
        let mut c = Command::new(time_bin);
        c.arg("-f").arg("%M").arg("-o").arg(&rss_file).arg(program);
        c
    } else {
        Command::new(program)
    };
    cmd.args(args).stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::piped());
    let started = Instant::now();
    let out = cmd.output().map_err(|e| format!("cannot run {}: {e}", program.display()))?;
    let wall_ns = started.elapsed().as_nanos() as f64;
    let rss_kib = std::fs::read_to_string(&rss_file)
        .ok()
        .and_then(|t| t.lines().next_back().and_then(|l| l.trim().parse::<f64>().ok()))
        .unwrap_or(f64::NAN);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // The interesting line: a panic message, or our own first finding.
    let mut lines = stderr.lines();
    let note = match lines.position(|l| l.contains("panicked at")) {
        Some(_) => format!("panicked: {}", lines.next().unwrap_or("").trim()),
        None => stderr.lines().find(|l| l.starts_with("rejected:")).unwrap_or("").to_string(),
    };
    Ok(Run { wall_ns, rss_kib, code: out.status.code(), note })
}

fn shorten(text: &str, max: usize) -> String {
    let text = text.replace('|', "\\|").replace('\n', " ");
    if text.chars().count() <= max {
        text
    } else {
        format!("{}…", text.chars().take(max).collect::<String>())
    }
}

fn outcome_of(runs: &[Run], ok_code: i32) -> String {
    let Some(first) = runs.first() else { return "not run".into() };
    let same = runs.iter().all(|r| r.code == first.code);
    let base = match first.code {
        Some(c) if c == ok_code => "generated".to_string(),
        Some(2) if ok_code == 0 && !first.note.starts_with("panicked") => shorten(&first.note, 90),
        Some(c) if first.note.starts_with("panicked") => format!("exit {c}, {}", shorten(&first.note, 90)),
        Some(c) => format!("exit {c}"),
        None => "killed by a signal".into(),
    };
    if same {
        base
    } else {
        format!("{base} (exit codes differ between runs)")
    }
}

/// Runs the section and returns its Markdown.
pub fn run(inputs: &[Input], progenitor: Option<&Path>, rounds: Option<usize>) -> Result<String, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let scratch = std::env::temp_dir().join(format!("openapi-rust-gen-bench-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).map_err(|e| e.to_string())?;
    let mut in_process = String::new();
    let mut subprocess = String::new();
    let mut phases_note = String::new();
    for input in inputs {
        let text =
            std::fs::read_to_string(&input.path).map_err(|e| format!("cannot read {}: {e}", input.path.display()))?;
        eprintln!("  generate: {} ({} bytes)", input.label, text.len());
        let lowered = generator::lower(&text);
        let models = lowered.as_ref().map_or(0, |api| api.types.len());
        let options = options(&input.path).with_layout_for(models, MODELS);

        // What the generator does with it, and how long a first run takes.
        let started = Instant::now();
        let first = generator::generate(&text, &options);
        let first_ns = started.elapsed().as_nanos() as f64;
        let outcome = match (&first, &lowered) {
            (Ok(files), Ok(api)) => format!(
                "generated: {} operations, {} types; {} files, {:.0} KiB of Rust",
                api.operations.len(),
                api.types.len(),
                files.len(),
                files.iter().map(|f| f.contents.len()).sum::<usize>() as f64 / 1024.0
            ),
            (Err(d), Ok(api)) => format!(
                "rejected after lowering ({} operations lowered): {} findings; first: {}",
                api.operations.len(),
                d.0.len(),
                shorten(&d.0.first().map(|d| d.to_string()).unwrap_or_default(), 100)
            ),
            (Err(d), Err(_)) => format!(
                "rejected: {} findings; first: {}",
                d.0.len(),
                shorten(&d.0.first().map(|d| d.to_string()).unwrap_or_default(), 100)
            ),
            (Ok(_), Err(_)) => "generate succeeded but lower failed (inconsistent)".into(),
        };

        let big = first_ns > 0.2e9;
        let rounds = rounds.unwrap_or(if big { 5 } else { 15 });
        let inner = if big { 1 } else { ((0.3e9 / first_ns.max(1.0)) as usize).clamp(1, 30) };
        let (mut load, mut lower, mut emit, mut generate) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let (mut ours, mut theirs) = (Vec::new(), Vec::new());
        let ours_out = scratch.join("ours");
        let theirs_out = scratch.join("progenitor");
        let spec_arg = input.path.to_string_lossy().into_owned();
        for round in 0..rounds {
            // One `generate_timed` call per sample: its total, and each stage's share of it.
            let mut in_proc = || {
                for _ in 0..inner {
                    let mut timings = generator::Timings::new();
                    let t = Instant::now();
                    let v = generator::generate_timed(&text, &options, &mut timings);
                    generate.push(t.elapsed().as_nanos() as f64);
                    drop(std::hint::black_box(v));
                    let stage = |name: &str| {
                        timings.iter().find(|(s, _)| *s == name).map_or(f64::NAN, |(_, d)| d.as_nanos() as f64)
                    };
                    load.push(stage("load"));
                    lower.push(stage("lower"));
                    emit.push(stage("emit + render"));
                }
            };
            let mut sub_ours = || -> Result<(), String> {
                let _ = std::fs::remove_dir_all(&ours_out);
                let out = ours_out.to_string_lossy().into_owned();
                ours.push(measure(&exe, &["gen-once", &spec_arg, &out], &scratch)?);
                Ok(())
            };
            let mut sub_theirs = || -> Result<(), String> {
                if let Some(bin) = progenitor {
                    let _ = std::fs::remove_dir_all(&theirs_out);
                    let out = theirs_out.to_string_lossy().into_owned();
                    let args = ["progenitor", "-i", &spec_arg, "-o", &out, "-n", "bench-client", "-v", "0.1.0"];
                    theirs.push(measure(bin, &args, &scratch)?);
                }
                Ok(())
            };
            if round % 2 == 0 {
                in_proc();
                sub_ours()?;
                sub_theirs()?;
            } else {
                sub_theirs()?;
                sub_ours()?;
                in_proc();
            }
        }
        let (p, l, e, g) = (summarize(&load), summarize(&lower), summarize(&emit), summarize(&generate));
        let _ = writeln!(
            in_process,
            "| {} | {:.1} MB | {} | {} | {} | {} | {} | {} ({}×{}) |",
            input.label,
            text.len() as f64 / 1e6,
            outcome,
            dur_iqr(&p),
            dur_iqr(&l),
            dur_iqr(&e),
            dur_iqr(&g),
            g.n,
            rounds,
            inner
        );
        if first.is_ok() && g.median > 0.0 {
            let _ = writeln!(
                phases_note,
                "- {}: load {:.0} %, lower {:.0} %, emit + render {:.0} % of `generate` (medians).",
                input.label,
                100.0 * p.median / g.median,
                100.0 * l.median / g.median,
                100.0 * e.median / g.median
            );
        }
        let wall = |runs: &[Run]| summarize(&runs.iter().map(|r| r.wall_ns).collect::<Vec<_>>());
        let rss = |runs: &[Run]| summarize(&runs.iter().map(|r| r.rss_kib).collect::<Vec<_>>());
        let (ow, orss) = (wall(&ours), rss(&ours));
        let (tw, trss) = (wall(&theirs), rss(&theirs));
        let theirs_cells = if progenitor.is_some() {
            format!("{} | {} | {}", outcome_of(&theirs, 0), dur_range(&tw), mib(trss.median))
        } else {
            "not available (set PROGENITOR_BIN) | – | –".into()
        };
        let _ = writeln!(
            subprocess,
            "| {} | {} | {} | {} | {theirs_cells} | {} | {} |",
            input.label,
            outcome_of(&ours, 0),
            dur_range(&ow),
            mib(orss.median),
            if progenitor.is_some() { ratio(ow.median / tw.median) } else { "–".into() },
            if progenitor.is_some() { ratio(orss.median / trss.median) } else { "–".into() },
        );
    }
    let _ = std::fs::remove_dir_all(&scratch);
    let mut md = String::new();
    md.push_str(
        "In-process, release build: `generator::generate_timed` end to end (`generate`: load, lower, emit, \
         render), with the time of each stage in the same calls: `load` (text → JSON value → `openapiv3`, \
         with the schema checks), `lower` (→ IR), `emit + render` (IR → formatted files, one thread per \
         core). Options as `cargo xtask generate` sets them (models in crates of their own above \
         1,000 models). Times per call, median (IQR); rounds × calls per round.\n\n\
         | spec | size | outcome | load | lower | emit + render | `generate` | samples |\n\
         |---|---|---|---|---|---|---|---|\n",
    );
    md.push_str(&in_process);
    if !phases_note.is_empty() {
        md.push('\n');
        md.push_str(&phases_note);
    }
    md.push_str(
        "\nAs subprocesses on the same inputs, interleaved with the runs above: ours is `bench gen-once SPEC DIR` \
         (read, generate, write the files), progenitor is `cargo-progenitor progenitor -i SPEC -o DIR -n NAME -v 0.1.0`. \
         Wall time median (min–max), peak RSS median (`/usr/bin/time -f %M`).\n\n\
         | spec | ours | wall | peak RSS | progenitor 0.15.1 | wall | peak RSS | wall ratio (ours / progenitor) | RSS ratio |\n\
         |---|---|---|---|---|---|---|---|---|\n",
    );
    md.push_str(&subprocess);
    Ok(md)
}
