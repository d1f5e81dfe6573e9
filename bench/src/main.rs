//! Benchmarks of the generator and of the generated client, run by `cargo xtask bench` (which
//! builds this binary in release and writes `BENCHMARKS.md`). Each section prints Markdown on
//! stdout, progress on stderr. Baselines are always measured in the same run, interleaved with
//! what they are compared to: the machine is shared and timings drift.
//!
//! ```text
//! bench generate [--progenitor BIN] [--rounds N] LABEL=SPEC...   generation speed (section 1)
//! bench overhead [--spec SPEC] [--rounds N] [--batch N] [--variant V]   client overhead (section 3;
//!                                              --variant: only that call, for callgrind)
//! bench decode [--spec SPEC] [--rounds N] [--batch N] [--variant V]     decoding (section 4)
//! bench paginate [--rounds N]                                    pagination memory (section 5)
//! bench gen-once SPEC OUTDIR                   (child) generate one spec's files
//! bench paginate-child URL RECORDS MODE        (child) walk a listing, print peak RSS
//! bench profile-generate SPEC N                run `generate` N times (for perf/callgrind)
//! ```

mod decode;
mod generate;
mod handwritten;
mod overhead;
mod paginate;
mod server;
mod stats;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The workspace's spec, the default input of the client sections.
fn default_spec() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/cloudflare-ssl.yaml")
}

/// The value after `--name`, if any.
fn flag<'a>(args: &[&'a str], name: &str) -> Option<&'a str> {
    args.iter().position(|a| *a == name).and_then(|i| args.get(i + 1)).copied()
}

fn num(args: &[&str], name: &str, default: usize) -> Result<usize, String> {
    match flag(args, name) {
        Some(v) => v.parse().map_err(|_| format!("{name} takes a number, not `{v}`")),
        None => Ok(default),
    }
}

fn run(args: &[&str]) -> Result<(), String> {
    let spec = flag(args, "--spec").map(PathBuf::from).unwrap_or_else(default_spec);
    match args {
        ["generate", rest @ ..] => {
            let mut inputs = Vec::new();
            let mut skip = false;
            for (i, a) in rest.iter().enumerate() {
                if skip {
                    skip = false;
                    continue;
                }
                if a.starts_with("--") {
                    skip = rest.get(i + 1).is_some();
                    continue;
                }
                let (label, path) = a.split_once('=').unwrap_or((a, a));
                inputs.push(generate::Input { label: label.to_string(), path: PathBuf::from(path) });
            }
            if inputs.is_empty() {
                inputs.push(generate::Input { label: "cloudflare-ssl.yaml".into(), path: default_spec() });
            }
            let progenitor = flag(rest, "--progenitor").filter(|p| *p != "none").map(Path::new);
            let rounds = flag(rest, "--rounds").and_then(|v| v.parse().ok());
            print!("{}", generate::run(&inputs, progenitor, rounds)?);
            Ok(())
        }
        ["overhead", rest @ ..] => {
            let only =
                flag(rest, "--variant").map(|v| v.parse().map_err(|_| format!("--variant takes 0, 1 or 2, not {v}")));
            let only = only.transpose()?;
            print!("{}", overhead::run(&spec, num(rest, "--rounds", 40)?, num(rest, "--batch", 200)?, only)?);
            Ok(())
        }
        ["decode", rest @ ..] => {
            let only = flag(rest, "--variant").map(|v| v.parse().map_err(|_| format!("--variant takes 0–5, not {v}")));
            let only = only.transpose()?;
            print!("{}", decode::run(&spec, num(rest, "--rounds", 200)?, num(rest, "--batch", 200)?, only)?);
            Ok(())
        }
        ["paginate", rest @ ..] => {
            print!("{}", paginate::run(num(rest, "--rounds", 3)?)?);
            Ok(())
        }
        ["gen-once", spec, out] => match generate::gen_once(Path::new(spec), Path::new(out)) {
            0 => Ok(()),
            code => std::process::exit(code),
        },
        ["paginate-child", url, records, mode] => {
            let records = records.parse().map_err(|_| format!("RECORDS must be a number, not `{records}`"))?;
            paginate::child(url, records, mode)
        }
        ["profile-generate", spec, n] => {
            generate::profile(Path::new(spec), n.parse().map_err(|_| format!("N must be a number, not `{n}`"))?)
        }
        _ => Err("usage: see the doc comment of bench/src/main.rs (generate, overhead, decode, paginate, \
                  gen-once, paginate-child, profile-generate)"
            .into()),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench: {e}");
            ExitCode::FAILURE
        }
    }
}
