//! An OpenAPI 3.0 → Rust client generator.
//!
//! [`generate`] takes spec text and returns Rust source files; [`generate_crates`] returns the
//! whole output (crates, their manifests and files) from a lowered API. Neither does file I/O. The pipeline
//! is `load` (text → `openapiv3`), `lower` (→ [`ir`], every check and "unsupported" decision),
//! `emit` (IR → tokens, never sees `openapiv3`) and `render` (tokens → formatted text).
//! Bad input is reported as [`Diagnostics`], each with a JSON pointer; the generator never
//! panics on input.

pub mod diag;
mod emit;
pub mod extend;
pub mod ir;
mod load;
mod lower;
pub mod naming;
mod normalize;
pub mod overlay;
pub mod project;
mod render;
pub mod select;
mod upgrade;

pub use diag::{Diagnostic, Diagnostics, Kind};
pub use emit::derives::{self, Derive};
pub use emit::harness::harness as conformance_harness;
pub use emit::manifest::{self, Dependency, Manifest, Workspace};
pub use emit::{Crate, CrateKind, CrateSetup, MODELS_CRATE_OVER, MODELS_PER_GROUP, SPLIT_OVER};

/// Settings for one run.
#[derive(Debug, Clone)]
pub struct Options {
    /// How the spec is named in the header of each file (e.g. `spec/cloudflare-ssl.yaml`).
    pub spec_label: String,
    /// The command that regenerates the files, for the header.
    pub command: String,
    /// Above this many models (or operations), `types.rs` (or `operations.rs`) is split into a
    /// folder of modules ([`SPLIT_OVER`] by default).
    pub split_over: usize,
    /// The Rust name of a separate crate for the models (`my_api_models`), or `None` for one
    /// crate. With a name, the models are emitted as files under `models/` (that crate's `src/`:
    /// `models/types.rs` or `models/types/...`, needing the runtime's model half,
    /// `openapi_rust_runtime_model::rt`, as `crate::rt`), and the API module's `types` re-exports them
    /// beside the parameter structs. A big API's models then compile in parallel with the HTTP
    /// dependencies, and a change to an operation recompiles only the main crate. Callers
    /// choose it above [`MODELS_CRATE_OVER`] models.
    pub models_crate: Option<String>,
    /// With [`Options::models_crate`], above 1: the models are spread over a *core* crate (the
    /// models that many others name, and what they name) in `models/` and up to this many
    /// *group* crates in `models-1/`, `models-2/`, ..., whose Rust names are the models crate's
    /// with `_1`, `_2`, ... appended. A group names its own models and the core's only, so the
    /// groups compile in parallel, each depending on the core (with its `model` module and `rt`
    /// as the core's: `use core::model; use model::rt;`). Empty groups are left out. Callers
    /// choose about one group per [`MODELS_PER_GROUP`] models.
    pub model_groups: usize,
    /// String formats emitted as other types than `String` (the config's `[types]`); read by
    /// [`generate`] when it lowers the spec. A caller that lowers first ([`generate_from`],
    /// [`generate_crates`]) lowers with [`lower_mapped`] and the same mappings.
    pub types: ir::TypeMappings,
    /// Traits derived on the models besides `Debug`, `Clone` and `PartialEq` (the config's
    /// `derives`), on each model whose every field supports them ([`derives::plan`]).
    pub derives: Vec<Derive>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            spec_label: "the spec".into(),
            command: "cargo xtask codegen".into(),
            split_over: SPLIT_OVER,
            models_crate: None,
            model_groups: 0,
            types: ir::TypeMappings::default(),
            derives: Vec::new(),
        }
    }
}

impl Options {
    /// The layout `cargo xtask generate` gives an API of `models` models: above
    /// [`MODELS_CRATE_OVER`], the models in crates of their own named after `models_crate` (a
    /// Rust name), one group per [`MODELS_PER_GROUP`] models (see [`Options::model_groups`]);
    /// otherwise unchanged.
    pub fn with_layout_for(mut self, models: usize, models_crate: &str) -> Self {
        if models > MODELS_CRATE_OVER {
            self.models_crate = Some(models_crate.to_string());
            self.model_groups = models.div_ceil(MODELS_PER_GROUP);
        }
        self
    }
}

/// One emitted file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    /// Path relative to the API module folder (`mod.rs`, `types.rs`, ...), or under `models/`
    /// for the files of a separate models crate (see [`Options::models_crate`]).
    pub path: String,
    /// The file's text.
    pub contents: String,
}

/// Wall time per pipeline stage of one [`generate_timed`] run, in order.
pub type Timings = Vec<(&'static str, std::time::Duration)>;

/// Parses and lowers a spec: the IR, or every finding.
pub fn lower(spec: &str) -> Result<ir::Api, Diagnostics> {
    lower_timed(spec, ir::TypeMappings::default(), &mut Timings::new()).map(|(api, _)| api)
}

/// [`lower_with_warnings`] with string formats mapped to other types than `String`
/// ([`Options::types`]).
pub fn lower_mapped(spec: &str, mappings: ir::TypeMappings) -> Result<(ir::Api, Diagnostics), Diagnostics> {
    lower_timed(spec, mappings, &mut Timings::new())
}

/// [`lower`], with the warnings about a spec that lowers (mistakes that are legal and harmless
/// to the client, such as a `required` name no property declares), each with its location.
pub fn lower_with_warnings(spec: &str) -> Result<(ir::Api, Diagnostics), Diagnostics> {
    lower_timed(spec, ir::TypeMappings::default(), &mut Timings::new())
}

fn lower_timed(
    spec: &str,
    mappings: ir::TypeMappings,
    timings: &mut Timings,
) -> Result<(ir::Api, Diagnostics), Diagnostics> {
    // Loading and lowering recurse as deeply as the spec's schemas nest (in `serde` above
    // all): on a thread with a known stack ([`THREAD_STACK`]), whatever the caller's is.
    let (result, stages) = std::thread::scope(|scope| {
        let work = || {
            let mut stages = Timings::new();
            (lower_here(spec, mappings, &mut stages), stages)
        };
        match thread(scope, work) {
            Some(handle) => handle.join().unwrap_or_else(|_| {
                (Err(Diagnostics(vec![Diagnostic::internal("", "the lowering thread panicked")])), Timings::new())
            }),
            None => work(),
        }
    });
    timings.extend(stages);
    result
}

fn lower_here(
    spec: &str,
    mappings: ir::TypeMappings,
    timings: &mut Timings,
) -> Result<(ir::Api, Diagnostics), Diagnostics> {
    let start = std::time::Instant::now();
    let (doc, mut warnings, origins) = load::load_located(spec).map_err(|d| located(spec, d))?;
    timings.push(("load", start.elapsed()));
    let start = std::time::Instant::now();
    // Pointers into an upgraded (2.0, 3.1) document are put back where the spec has them.
    let (mut api, lowered) = lower::lower(&doc, mappings).map_err(|d| located(spec, origins.locate_all(d)))?;
    warnings.extend(located(spec, origins.locate_all(lowered)).0);
    upgrade::relocate_docs(&mut api, &origins);
    timings.push(("lower", start.elapsed()));
    Ok((api, Diagnostics(warnings)))
}

/// Generates the API module's files from spec text.
pub fn generate(spec: &str, options: &Options) -> Result<Vec<File>, Diagnostics> {
    generate_timed(spec, options, &mut Timings::new())
}

/// [`generate`], recording how long each stage took (for `cargo xtask bench`).
pub fn generate_timed(spec: &str, options: &Options, timings: &mut Timings) -> Result<Vec<File>, Diagnostics> {
    let (api, _warnings) = lower_timed(spec, options.types, timings)?;
    generate_from_timed(&api, options, timings).map_err(|d| located(spec, d.0))
}

/// Generates the API module's files from an API already lowered with [`lower`] (when the
/// caller needs the IR first, e.g. to choose [`Options::with_layout_for`] by its size).
pub fn generate_from(api: &ir::Api, options: &Options) -> Result<Vec<File>, Diagnostics> {
    generate_from_timed(api, options, &mut Timings::new())
}

fn generate_from_timed(api: &ir::Api, options: &Options, timings: &mut Timings) -> Result<Vec<File>, Diagnostics> {
    let rendered = render_jobs(api, options, timings)?;
    Ok(rendered.into_iter().map(|(job, contents)| File { path: job.api_path(), contents }).collect())
}

/// The whole output of an API already lowered with [`lower`]: the client crate, then the models
/// crates if [`Options::models_crate`] asks for them, each with its manifest (as data and as
/// `Cargo.toml`), `src/lib.rs` and emitted modules, set up as `setup` says. The callers write
/// the files; nothing else decides where one goes.
pub fn generate_crates(api: &ir::Api, options: &Options, setup: &CrateSetup) -> Result<Vec<Crate>, Diagnostics> {
    let rendered = render_jobs(api, options, &mut Timings::new())?;
    Ok(emit::crates(api, options, setup, &rendered))
}

/// The line that starts every emitted file, without its comment marker.
pub(crate) fn header(options: &Options) -> String {
    format!("@generated by `{}` from {}. Do not edit by hand.", options.command, options.spec_label)
}

/// Plans, emits and renders every module: each job with its text, in plan order.
fn render_jobs(
    api: &ir::Api,
    options: &Options,
    timings: &mut Timings,
) -> Result<Vec<(emit::Job, String)>, Diagnostics> {
    let header = format!("// {}", header(options));
    let start = std::time::Instant::now();
    let jobs = emit::plan(api, options.split_over, options.models_crate.as_deref(), options.model_groups);
    let derives = emit::derives::plan(api, &options.derives);
    let rendered = run_jobs(api, &jobs, &header, &derives);
    timings.push(("emit + render", start.elapsed()));
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for (job, result) in jobs.into_iter().zip(rendered) {
        match result {
            Ok(contents) => files.push((job, contents)),
            Err(d) => errors.push(d),
        }
    }
    if errors.is_empty() {
        Ok(files)
    } else {
        Err(Diagnostics::sorted(errors))
    }
}

/// A rendered file (or why not), with the index of its job.
type Rendered = (usize, Result<String, Diagnostic>);

/// Emits and renders every file, on as many threads as the machine has cores (files are
/// independent; token streams are not `Send`, so each file is emitted on the thread that renders
/// it). The results come back in the order of `jobs`, whatever the thread count.
fn run_jobs(
    api: &ir::Api,
    jobs: &[emit::Job],
    header: &str,
    derives: &emit::derives::DerivePlan,
) -> Vec<Result<String, Diagnostic>> {
    let one = |job: &emit::Job| match emit::emit(api, job, derives) {
        emit::Emitted::Tokens(tokens) => render::render(tokens, header, &job.api_path()),
        emit::Emitted::Text(text) => Ok(render::text(header, &text)),
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(jobs.len());
    if threads <= 1 {
        return jobs.iter().map(one).collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(job) = jobs.get(i) else { break };
            done.push((i, one(job)));
        }
        done
    };
    // The calling thread works too, so every job is done even if no thread can be started.
    let done: Option<Vec<Vec<Rendered>>> = std::thread::scope(|scope| {
        let workers: Vec<_> = (1..threads).filter_map(|_| thread(scope, work)).collect();
        let mut done = vec![Some(work())];
        done.extend(workers.into_iter().map(|w| w.join().ok()));
        done.into_iter().collect()
    });
    let Some(done) = done else { return vec![Err(Diagnostic::internal("", "a render thread panicked"))] };
    let mut results: Vec<Rendered> = done.into_iter().flatten().collect();
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

/// Stack size of the generator's threads: as much as a main thread gets, and then some. Deeply
/// nested schemas recurse deeply (in `serde` while loading, in emission), and the 2 MiB a thread
/// gets by default overflowed on fuzzed specs that the main thread handles. Only the pages used
/// are ever committed.
const THREAD_STACK: usize = 32 << 20;

/// Starts `f` on a scoped thread with [`THREAD_STACK`]; `None` if no thread can be started
/// (callers then do the work themselves).
pub(crate) fn thread<'scope, 'env, T: Send + 'scope>(
    scope: &'scope std::thread::Scope<'scope, 'env>,
    f: impl FnOnce() -> T + Send + 'scope,
) -> Option<std::thread::ScopedJoinHandle<'scope, T>> {
    std::thread::Builder::new().stack_size(THREAD_STACK).spawn_scoped(scope, f).ok()
}

/// Adds line numbers where the pointer can be found in the text, and sorts.
fn located(spec: &str, list: Vec<Diagnostic>) -> Diagnostics {
    let mut sorted = Diagnostics::sorted(list);
    // Finding a line scans the text: do it for the first diagnostics only (a spec with
    // thousands of findings would otherwise take seconds to report them).
    let lines: Vec<&str> = spec.lines().collect();
    for d in sorted.0.iter_mut().take(50) {
        if d.line.is_none() && !d.pointer.is_empty() {
            d.line = load::line_in(&lines, &d.pointer);
        }
    }
    sorted
}
