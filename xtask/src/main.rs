//! `cargo xtask <task>`: see `cargo xtask help`.

use std::process::ExitCode;

const HELP: &str = "\
usage: cargo xtask <task>

tasks:
  codegen [--check]   regenerate generated/src/api from spec/cloudflare-ssl.yaml
                      (--check: write nothing, fail if the checked-in files differ)
  generate --spec FILE --out DIR [--name CRATE] [--overlay FILE]... [--only OPID,...]
           [--tag TAG,...]
                      write a standalone client crate for any OpenAPI 3.x or Swagger 2.0
                      spec (the runtime crates vendored beside it), after applying the
                      overlays in order (Overlay 1.0), keeping only the named operations
                      (operationId or `METHOD /path`) and tags if asked
  select --spec FILE --out FILE [--overlay FILE]... [--only OPID,...] [--tag TAG,...]
                      write the spec as `generate` reads it: overlays applied, only the
                      named operations and tags kept with every component they reference
                      (JSON; the spec unchanged when nothing is asked)
  add-operation --from UPSTREAM --operation ID_OR_METHOD_PATH [--operation ...]
                [--spec FILE]
                      copy operations (by operationId, or as \"METHOD /path\") and every
                      component they reference from an upstream spec (JSON or YAML; 3.0, 3.1,
                      Swagger 2.0) into the spec (default spec/cloudflare-ssl.yaml), reusing
                      components of the same shape and renaming on a name conflict; the
                      spec's text and comments stay as they are; nothing is written unless the
                      result loads; then run `cargo xtask codegen`
  corpus [--stride N] [--compile N] [--no-big] [--jobs N] [--out FILE] [--strict]
         [--peer-stride N]
                      run the generator over the real-spec corpus (npm packages cached
                      outside the repo) and write the report (default CORPUS.md); fails on
                      any panic, internal error or time-out (--strict: also on a sampled
                      crate that does not compile cleanly)
  corpus --swagger2-npm [--no-compile] [--only TEXT] [--out FILE]
                      generate and compile the real Swagger 2.0 documents that pinned npm
                      packages ship (see CORPUS.md); fails on a generator bug or a crate
                      that does not compile cleanly
  fuzz [--seconds N] [--seed S] [--only specs|runtime]
                      mutate real specs and random text (two thirds of the time), and
                      responses for the client runtime's decoders (the rest); fail on a
                      panic, hang or internal error, and on a decoder's stack overflow or
                      memory beyond a multiple of the body (inputs saved under
                      target/fuzz-findings/)
  bench [--write] [--compile] [--profile] [--only SECTIONS]
                      benchmarks beside their baselines (see BENCHMARKS.md)
  conform --spec FILE [--name NAME] [--overlay FILE]... [--ops FROM..TO] [--seeds 1,2]
          [--write FILE]
                      call every operation of the spec's generated client against the Prism
                      mock server (static, then dynamic per seed); prints the report (or
                      writes it) and `conform: N of M operations pass`; fails on a failure
                      not classified in xtask/conform-known.tsv
  test [--slow | --all] [ARGS...]
                      the fast tests (under three minutes once built): `cargo test
                      --workspace [ARGS...]`
                      without the slow suites. --slow: only the slow suites (Prism
                      conformance, compiling every fixture, chaos), installing the Prism mock
                      server if missing (npm, into $CARGO_TARGET_DIR/prism, default
                      target/prism); --all: both, as CI runs them
";

/// The usage of one task: its entries in [`HELP`] (`corpus` has two), or `None` for a task
/// that has none.
fn task_help(task: &str) -> Option<String> {
    let tasks = HELP.split_once("tasks:\n").map_or("", |(_, t)| t);
    let mut entries: Vec<String> = Vec::new();
    for line in tasks.lines() {
        // An entry starts at two spaces of indentation; its other lines are indented further.
        let starts = line.strip_prefix("  ").is_some_and(|l| !l.starts_with(' '));
        match entries.last_mut() {
            Some(entry) if !starts => {
                entry.push('\n');
                entry.push_str(line);
            }
            _ => entries.push(line.to_string()),
        }
    }
    let mine: Vec<String> = entries.into_iter().filter(|e| e.split_whitespace().next() == Some(task)).collect();
    (!mine.is_empty()).then(|| format!("usage: cargo xtask <task>, where <task> is\n{}\n", mine.join("\n")))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    // `cargo xtask TASK --help` (or `-h`) prints the task's usage and succeeds.
    if let [task, rest @ ..] = args.as_slice() {
        // Before a `--`, which hands what follows to another program (the test binaries).
        if rest.iter().take_while(|a| **a != "--").any(|a| *a == "--help" || *a == "-h") {
            if let Some(usage) = task_help(task) {
                print!("{usage}");
                return ExitCode::SUCCESS;
            }
        }
    }
    match args.as_slice() {
        ["codegen"] | ["codegen", "--check"] => {
            let check = args.len() == 2;
            // Progress on stderr: stdout says what changed.
            match xtask::codegen_with(check, &mut |line| eprintln!("{line}")) {
                Ok(report) => {
                    if check {
                        println!("generated code is fresh");
                    } else if report.changed.is_empty() && report.extra.is_empty() {
                        println!("generated code already up to date");
                    } else {
                        for f in &report.changed {
                            println!("wrote {f}");
                        }
                        for f in &report.extra {
                            println!("removed {f}");
                        }
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        ["generate", rest @ ..] => {
            let flag = |name: &str| rest.iter().position(|a| *a == name).and_then(|i| rest.get(i + 1)).copied();
            let (Some(spec), Some(out)) = (flag("--spec"), flag("--out")) else {
                eprintln!(
                    "usage: cargo xtask generate --spec FILE --out DIR [--name CRATE] [--overlay FILE]... \
                     [--only OPID,...] [--tag TAG,...]"
                );
                return ExitCode::FAILURE;
            };
            let prepare = xtask::prepare_args(rest);
            let (spec, out) = (std::path::Path::new(spec), std::path::Path::new(out));
            match xtask::generate_crate_prepared(spec, &prepare, out, flag("--name"), &mut |line| eprintln!("{line}")) {
                Ok(generated) => {
                    println!("wrote {}: {} operations, {} types", out.display(), generated.operations, generated.types);
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        ["select", rest @ ..] => {
            let flag = |name: &str| rest.iter().position(|a| *a == name).and_then(|i| rest.get(i + 1)).copied();
            let (Some(spec), Some(out)) = (flag("--spec"), flag("--out")) else {
                eprintln!(
                    "usage: cargo xtask select --spec FILE --out FILE [--overlay FILE]... [--only OPID,...] [--tag TAG,...]"
                );
                return ExitCode::FAILURE;
            };
            let prepare = xtask::prepare_args(rest);
            let written = xtask::prepared_spec(std::path::Path::new(spec), &prepare)
                .and_then(|text| std::fs::write(out, text).map_err(|e| format!("cannot write {out}: {e}")));
            match written {
                Ok(()) => {
                    println!("wrote {out}");
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        ["add-operation", rest @ ..] => {
            let flag = |name: &str| rest.iter().position(|a| *a == name).and_then(|i| rest.get(i + 1)).copied();
            let operations: Vec<&str> = rest
                .windows(2)
                .filter(|w| w.first() == Some(&"--operation"))
                .filter_map(|w| w.get(1).copied())
                .collect();
            let known = ["--from", "--operation", "--spec"];
            let unknown = rest.iter().step_by(2).find(|a| !known.contains(a));
            let (Some(from), false, None) = (flag("--from"), operations.is_empty(), unknown) else {
                eprintln!("usage: cargo xtask add-operation --from UPSTREAM --operation ID_OR_METHOD_PATH [--operation ...] [--spec FILE]");
                return ExitCode::FAILURE;
            };
            let spec = flag("--spec").map_or_else(|| xtask::root().join(xtask::SPEC), std::path::PathBuf::from);
            match generator::project::add_operations(&spec, std::path::Path::new(from), &operations) {
                Ok(extension) => {
                    for op in &extension.operations {
                        println!("added {op}");
                    }
                    for placement in &extension.components {
                        println!("  {placement}");
                    }
                    println!("wrote {}; now run `cargo xtask codegen`", spec.display());
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        ["fuzz-dump", seed, i, path] => {
            let (Ok(seed), Ok(i)) = (seed.parse(), i.parse()) else { return ExitCode::FAILURE };
            match xtask::fuzz::dump(seed, i, std::path::Path::new(path)) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        ["fuzz-batch", seed, count] => {
            let (Ok(seed), Ok(count)) = (seed.parse(), count.parse()) else { return ExitCode::FAILURE };
            ExitCode::from(xtask::fuzz::run_batch(seed, count) as u8)
        }
        ["fuzz", rest @ ..] => {
            let flag = |name: &str| rest.iter().position(|a| *a == name).and_then(|i| rest.get(i + 1)).copied();
            let seconds = flag("--seconds").and_then(|v| v.parse().ok()).unwrap_or(60);
            let seed = flag("--seed").and_then(|v| v.parse().ok()).unwrap_or(1);
            let only = match flag("--only").map(xtask::fuzz::Only::parse) {
                None => xtask::fuzz::Only::Both,
                Some(Some(only)) => only,
                Some(None) => {
                    eprintln!("error: --only takes specs or runtime");
                    return ExitCode::FAILURE;
                }
            };
            match xtask::fuzz::run(seconds, seed, only) {
                Ok(0) => ExitCode::SUCCESS,
                Ok(n) => {
                    eprintln!("error: {n} finding(s); inputs saved under target/fuzz-findings/");
                    ExitCode::FAILURE
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        ["corpus-one", spec] => ExitCode::from(xtask::corpus::run_one(std::path::Path::new(spec)) as u8),
        ["corpus", rest @ ..] if rest.contains(&"--swagger2-npm") => match xtask::corpus::swagger2::run(rest) {
            Ok(report) => {
                println!("{report}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        },
        ["corpus", rest @ ..] => {
            let flag = |name: &str| rest.iter().position(|a| *a == name).and_then(|i| rest.get(i + 1)).copied();
            let num = |name: &str, default: usize| flag(name).and_then(|v| v.parse().ok()).unwrap_or(default);
            let options = xtask::corpus::CorpusOptions {
                stride: num("--stride", 1),
                compile_sample: num("--compile", 20),
                compile_big: !rest.contains(&"--no-big"),
                report: Some(xtask::root().join(flag("--out").unwrap_or("CORPUS.md"))),
                jobs: num("--jobs", 2),
                fail_on_compile: rest.contains(&"--strict"),
                peer_stride: num("--peer-stride", 10),
            };
            match xtask::corpus::run(&options) {
                Ok(report) => {
                    println!("{report}");
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        ["bench", rest @ ..] => match xtask::bench::BenchOptions::parse(rest).and_then(|o| xtask::bench::run(&o)) {
            Ok(report) => {
                print!("{report}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}\nusage: cargo xtask bench [--compile [--reps N]] [--profile] [--write] [--quick] [--only a,b]");
                ExitCode::FAILURE
            }
        },
        ["conform-build", rest @ ..] => {
            // Generates and builds a spec's client and harness only (for debugging the harness).
            let built = xtask::conform::parse_args(rest).and_then(|(list, _)| {
                list.iter().try_for_each(|o| {
                    let (_, _, name) = xtask::conform::prepare(o)?;
                    xtask::conform::build(o, &name).map(|bin| println!("{}", bin.display()))
                })
            });
            match built {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        ["conform", rest @ ..] => match xtask::conform::main(rest) {
            Ok(true) => ExitCode::SUCCESS,
            Ok(false) => {
                eprintln!("error: failures not classified in {} (see above)", xtask::conform::KNOWN);
                ExitCode::FAILURE
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        },
        ["test", rest @ ..] => match xtask::test(rest) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        },
        ["help"] | ["--help"] | ["-h"] | [] => {
            print!("{HELP}");
            ExitCode::SUCCESS
        }
        other => {
            eprintln!("unknown task: {}\n\n{HELP}", other.join(" "));
            ExitCode::FAILURE
        }
    }
}
