//! `openapi-rust-gen`: generates a client crate from an OpenAPI description, or checks that one is
//! fresh. Run `openapi-rust-gen help` for the commands.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use openapi_rust_gen::project::{self, Config, Loaded, Mode, Runtime, Settings, WorkspaceMode, CONFIG_FILE};

const USAGE: &str = "\
openapi-rust-gen: a typed, documented async Rust client crate from an OpenAPI description

Usage:
  openapi-rust-gen generate [SPEC] [OPTIONS]   write or regenerate the client crate
  openapi-rust-gen check [SPEC] [OPTIONS]      exit non-zero naming each stale, missing or extra file
  openapi-rust-gen add-operation [SPEC] --from UPSTREAM --operation ID_OR_METHOD_PATH...
                                               copy operations and what they reference into SPEC
  openapi-rust-gen help [COMMAND]              this help, or a command's
  openapi-rust-gen --version

Run `openapi-rust-gen help generate` or `openapi-rust-gen help add-operation` for the options.";

const ADD_OPERATION_HELP: &str = "\
openapi-rust-gen add-operation [SPEC] --from UPSTREAM --operation ID_OR_METHOD_PATH [--operation ...]

Copies operations of the upstream spec UPSTREAM (JSON or YAML; OpenAPI 3.x or Swagger 2.0), by
operationId or as \"METHOD /path\", into SPEC (your YAML spec; by default the config file's
`spec`), with everything they reference: components SPEC already has in the same shape are
reused, a name SPEC uses for something else gets a free one (Name_2), and SPEC's comments and
layout stay as they are. Nothing is written unless the result reads back exactly and loads.
Then run `openapi-rust-gen generate`.

Options:
  --from UPSTREAM               the spec to copy from
  --operation ID_OR_METHOD_PATH an operation to add (repeat for more)
  --config FILE                 the config file naming SPEC (default: openapi-rust-gen.toml here)
  -h, --help                    this help";

const GENERATE_HELP: &str = "\
openapi-rust-gen generate [SPEC] [OPTIONS]
openapi-rust-gen check [SPEC] [OPTIONS]

Writes (generate) or compares (check) a client crate for SPEC (OpenAPI 3.0, 3.1, 3.2 or
Swagger 2.0; YAML or JSON): Cargo.toml, src/lib.rs, src/api/, and the runtime's crates beside
them (runtime/, runtime-model/), with a record of what was written (.openapi-rust-gen.toml).

Settings come from a config file (--config FILE, else openapi-rust-gen.toml beside SPEC, else in
the current folder when no SPEC is given); an option given here overrides its key.

Options:
  --config FILE        the config file (keys: spec, output, name, version, license,
                       description, doc, workspace, overlays, include, derives,
                       [types] uuid/uri/byte)
  --out DIR            the output folder (config: output)
  --name NAME          the package name (default: the spec's title, kebab case, `-client`)
  --version VERSION    the package version (default: 0.1.0)
  --license SPDX       the package license
  --description TEXT   the package description
  --workspace MODE     none (default: builds alone, or as a member of your workspace once listed),
                       standalone (a [workspace] table of its own), member (inherits edition,
                       license, publish and lints from the enclosing workspace)
  --force              generate: overwrite or remove files edited by hand
  -h, --help           this help

Regeneration keeps what you own: files you add, the part of src/lib.rs below its marker line,
and every Cargo.toml key the generator does not set (authors, repository, features, your
dependencies). A generated file you edited stops the run (nothing is written) unless --force.";

/// A command line, parsed.
#[derive(Debug, Default)]
struct Args {
    spec: Option<String>,
    config: Option<String>,
    out: Option<String>,
    name: Option<String>,
    version: Option<String>,
    license: Option<String>,
    description: Option<String>,
    workspace: Option<WorkspaceMode>,
    force: bool,
    help: bool,
}

fn parse(rest: &[String]) -> Result<Args, String> {
    let mut args = Args::default();
    let mut it = rest.iter();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().cloned().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "-h" | "--help" => args.help = true,
            "--force" => args.force = true,
            "--config" => args.config = Some(value(arg)?),
            "--out" => args.out = Some(value(arg)?),
            "--name" => args.name = Some(value(arg)?),
            "--version" => args.version = Some(value(arg)?),
            "--license" => args.license = Some(value(arg)?),
            "--description" => args.description = Some(value(arg)?),
            "--workspace" => {
                args.workspace = Some(match value(arg)?.as_str() {
                    "none" => WorkspaceMode::None,
                    "standalone" => WorkspaceMode::Standalone,
                    "member" => WorkspaceMode::Member,
                    other => return Err(format!("--workspace {other}: expected none, standalone or member")),
                })
            }
            flag if flag.starts_with('-') => return Err(format!("unknown option {flag}")),
            spec if args.spec.is_none() => args.spec = Some(spec.to_string()),
            extra => return Err(format!("unexpected argument {extra} (one SPEC only)")),
        }
    }
    Ok(args)
}

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let (command, rest) = match argv.split_first() {
        Some((command, rest)) => (command.as_str(), rest),
        None => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match command {
        "-h" | "--help" | "help" => {
            match rest.first().map(String::as_str) {
                Some("generate" | "check") => println!("{GENERATE_HELP}"),
                Some("add-operation") => println!("{ADD_OPERATION_HELP}"),
                _ => println!("{USAGE}"),
            }
            ExitCode::SUCCESS
        }
        "-V" | "--version" => {
            println!("openapi-rust-gen {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        "generate" | "check" => {
            let args = match parse(rest) {
                Ok(args) => args,
                Err(e) => {
                    eprintln!("error: {e}\n\n{GENERATE_HELP}");
                    return ExitCode::from(2);
                }
            };
            if args.help {
                println!("{GENERATE_HELP}");
                return ExitCode::SUCCESS;
            }
            match run(command == "check", &args) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        "add-operation" => add_operation(rest),
        other => {
            eprintln!("error: unknown command `{other}`\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// `add-operation`: parses its arguments, adds, and says what it did.
fn add_operation(rest: &[String]) -> ExitCode {
    let (mut spec, mut config, mut from, mut operations) = (None, None, None, Vec::new());
    let mut it = rest.iter();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().cloned().ok_or_else(|| format!("{name} needs a value"));
        let parsed = match arg.as_str() {
            "-h" | "--help" => {
                println!("{ADD_OPERATION_HELP}");
                return ExitCode::SUCCESS;
            }
            "--from" => value(arg).map(|v| from = Some(v)),
            "--operation" => value(arg).map(|v| operations.push(v)),
            "--config" => value(arg).map(|v| config = Some(v)),
            flag if flag.starts_with('-') => Err(format!("unknown option {flag}")),
            path if spec.is_none() => {
                spec = Some(PathBuf::from(path));
                Ok(())
            }
            extra => Err(format!("unexpected argument {extra} (one SPEC only)")),
        };
        if let Err(e) = parsed {
            eprintln!("error: {e}\n\n{ADD_OPERATION_HELP}");
            return ExitCode::from(2);
        }
    }
    let (Some(from), false) = (from, operations.is_empty()) else {
        eprintln!("error: add-operation needs --from UPSTREAM and at least one --operation\n\n{ADD_OPERATION_HELP}");
        return ExitCode::from(2);
    };
    let spec = match spec {
        Some(spec) => Ok(spec),
        None => {
            let args = Args { config, ..Args::default() };
            config_path(&args).and_then(|path| {
                let path = path.ok_or("no SPEC given and no openapi-rust-gen.toml here naming one")?;
                Config::load(&path).map_err(|e| e.to_string())?.spec().map_err(|e| e.to_string())
            })
        }
    };
    let selectors: Vec<&str> = operations.iter().map(String::as_str).collect();
    match spec.and_then(|spec| {
        project::add_operations(&spec, Path::new(&from), &selectors).map(|e| (spec, e)).map_err(|e| e.to_string())
    }) {
        Ok((spec, extension)) => {
            for op in &extension.operations {
                println!("added {op}");
            }
            for placement in &extension.components {
                println!("  {placement}");
            }
            println!("wrote {}; now run `openapi-rust-gen generate`", spec.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The config file to read: `--config`, else one beside the spec, else one in the current folder
/// when no spec is given.
fn config_path(args: &Args) -> Result<Option<PathBuf>, String> {
    if let Some(config) = &args.config {
        let path = PathBuf::from(config);
        if !path.is_file() {
            return Err(format!("no config file at {}", path.display()));
        }
        return Ok(Some(path));
    }
    let beside = match &args.spec {
        Some(spec) => Path::new(spec).parent().unwrap_or(Path::new("")).join(CONFIG_FILE),
        None => PathBuf::from(CONFIG_FILE),
    };
    Ok(beside.is_file().then_some(beside))
}

fn run(check: bool, args: &Args) -> Result<(), String> {
    let loaded = match config_path(args)? {
        Some(path) => Config::load(&path).map_err(|e| e.to_string())?,
        None => Loaded { config: Config::default(), path: PathBuf::from(CONFIG_FILE), dir: PathBuf::new() },
    };
    let spec_path = match &args.spec {
        Some(spec) => PathBuf::from(spec),
        None => loaded.spec().map_err(|_| "no spec given: openapi-rust-gen generate SPEC --out DIR, or a config file with `spec = \"...\"` (see `openapi-rust-gen help generate`)".to_string())?,
    };
    let out = match (&args.out, &loaded.config.output) {
        (Some(out), _) => PathBuf::from(out),
        (None, Some(output)) => loaded.resolve(output),
        (None, None) => return Err("no output folder: --out DIR, or `output = \"...\"` in the config file".to_string()),
    };
    let spec = std::fs::read_to_string(&spec_path)
        .map_err(|e| format!("cannot read the spec {}: {e}", spec_path.display()))?;
    let (spec, overlay_warnings, _) =
        loaded.prepare(&spec, &spec_path.display().to_string()).map_err(|e| e.to_string())?;
    for warning in &overlay_warnings.0 {
        eprintln!("warning: {}: {warning}", spec_path.display());
    }
    let label = spec_path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let runtime = Runtime::Vendored(
        openapi_rust_gen::RUNTIME_FILES.iter().map(|(path, text)| (path.to_string(), text.to_string())).collect(),
    );
    let mut settings =
        Settings::from_config(&loaded, &label, "openapi-rust-gen generate", runtime).map_err(|e| e.to_string())?;
    let or = |given: &Option<String>, config: &mut Option<String>| {
        if given.is_some() {
            config.clone_from(given);
        }
    };
    or(&args.name, &mut settings.name);
    or(&args.version, &mut settings.version);
    or(&args.license, &mut settings.license);
    or(&args.description, &mut settings.description);
    if let Some(mode) = args.workspace {
        settings.workspace = mode;
    }
    let plan = project::plan(&spec, &spec_path.display().to_string(), &settings).map_err(|e| e.to_string())?;
    for warning in &plan.warnings.0 {
        eprintln!("warning: {}: {warning}", spec_path.display());
    }
    for note in &plan.notes {
        eprintln!("note: {}: {note}", spec_path.display());
    }
    let mode = if check { Mode::Check } else { Mode::Write { force: args.force } };
    let report = project::sync(&out, &plan.files, &spec, mode).map_err(|e| e.to_string())?;
    if check {
        println!("{} is up to date ({} files)", out.display(), report.unchanged);
    } else {
        for file in &report.written {
            println!("wrote {}", out.join(file).display());
        }
        for file in &report.removed {
            println!("removed {}", out.join(file).display());
        }
        println!(
            "{}: crate `{}`, {} operations, {} types ({} files written, {} removed, {} unchanged)",
            out.display(),
            plan.name,
            plan.operations,
            plan.types,
            report.written.len(),
            report.removed.len(),
            report.unchanged
        );
    }
    Ok(())
}
