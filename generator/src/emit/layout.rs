//! The output layout, owned here and nowhere else: which files an API becomes and in which
//! crate each one goes. [`plan`] lists them as [`Job`]s (the API module's `mod.rs`, `types`,
//! `operations` and `envelope.rs`, split into parts above [`SPLIT_OVER`] items; with models
//! crates, their `types` files), each saying which crate ([`CrateKind`]) it goes in and which
//! part of the IR it holds. The emitters read a job; they never decide where anything goes.
//! [`crates`] then makes the whole output of the rendered jobs: each crate with its typed
//! manifest ([`Manifest`]), its `lib.rs` and its emitted files, as [`CrateSetup`] says.

use super::groups;
use super::manifest::{Dependency, Manifest, Package, Workspace};
use crate::ir::{Api, TypeRef};
use crate::File;

/// Above this many models (or operations), `types.rs` (or `operations.rs`) becomes a folder
/// of modules of about this many items each, re-exported flat: rustc then works on them in
/// parallel and, after a spec change, recompiles only the modules that changed.
pub const SPLIT_OVER: usize = 300;

/// Above this many models, callers are advised to put them in a crate of their own
/// ([`crate::Options::models_crate`]): rustc checks a crate's items on one thread, so one crate
/// of thousands of models keeps a core idle and makes every rebuild re-read all of them.
pub const MODELS_CRATE_OVER: usize = 1_000;

/// With the models in crates of their own, about this many models per group crate
/// ([`crate::Options::model_groups`]): groups compile in parallel, and each crate has a fixed
/// cost (reading its dependencies, writing its metadata).
pub const MODELS_PER_GROUP: usize = 2_500;

/// One file to emit: its crate, its path and what goes in it. Files are emitted and rendered
/// independently (in parallel), each from the IR alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// The crate the file goes in.
    pub krate: CrateKind,
    /// Path relative to the crate's folder of emitted modules ([`CrateKind::modules`]):
    /// `mod.rs`, `types/part03.rs`, ...
    pub path: String,
    pub(super) part: Part,
}

impl Job {
    /// The path [`crate::generate`] gives the file: relative to the API module, or under the
    /// models crate's folder (`models/types.rs`, `models-2/types/mod.rs`).
    pub fn api_path(&self) -> String {
        match self.krate {
            CrateKind::Client => self.path.clone(),
            krate => format!("{}/{}", krate.folder(), self.path),
        }
    }
}

/// The crates of an output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CrateKind {
    /// The client: the API module in `src/api/`, re-exported by its `lib.rs`.
    Client,
    /// The models crate (see [`crate::Options::models_crate`]): every model or, with groups,
    /// the core.
    Models,
    /// Group `n` of the models (from 1; see [`crate::Options::model_groups`]), naming its own
    /// models and the core's.
    Group(usize),
}

impl CrateKind {
    /// The crate's folder in the output: `""` (the output's root) for the client, `models`,
    /// `models-N`.
    pub fn folder(self) -> String {
        match self {
            CrateKind::Client => String::new(),
            CrateKind::Models => "models".to_string(),
            CrateKind::Group(n) => format!("models-{n}"),
        }
    }

    /// The folder of its emitted modules, relative to the crate's: `src/api` for the client,
    /// `src` for a models crate.
    pub fn modules(self) -> &'static str {
        match self {
            CrateKind::Client => "src/api",
            CrateKind::Models | CrateKind::Group(_) => "src",
        }
    }
}

/// What goes in a [`Job`]'s file; [`super::emit`] hands it to its emitter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Part {
    Module,
    Envelope,
    /// The listings' declarations (`paging.rs`).
    Paging,
    /// Models and/or parameter structs in this part (all of them when `None`).
    Types(Option<Split>, Which),
    /// The `types/mod.rs` of split models: the list of part modules.
    TypesIndex(Vec<String>, Which),
    Operations(Option<Split>),
    OperationsIndex(Vec<String>),
    /// The operations' error types (`errors.rs`).
    Errors,
}

/// Which items a `types` file holds: everything, or (when the models are a crate of their own,
/// see [`crate::Options::models_crate`]) the models in that crate and the parameter structs,
/// which go with their operations, in the main one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Which {
    All,
    /// The models of a models crate: all of them (`None`), or one of the sets that
    /// [`groups::model_groups`] cuts (see [`crate::Options::model_groups`]).
    Models(Option<Group>),
    /// Parameter structs, beside re-exports of the models crates' `types` (their Rust names).
    Params(Vec<String>),
}

impl Which {
    /// Whether this file holds the model `name` (if it holds models at all).
    pub(super) fn holds_model(&self, name: &str) -> bool {
        match self {
            Which::All | Which::Models(None) => true,
            Which::Models(Some(group)) => group.names.contains(name),
            Which::Params(_) => false,
        }
    }

    /// The crate whose `types` this file's models may name besides their own: the core crate,
    /// for a group.
    pub(super) fn core(&self) -> Option<&str> {
        match self {
            Which::Models(Some(group)) => group.core.as_deref(),
            _ => None,
        }
    }
}

/// The models of one crate of several, and the Rust name of the core crate whose models they
/// may name (`None` for the core itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Group {
    names: std::sync::Arc<std::collections::BTreeSet<String>>,
    core: Option<String>,
}

/// One part of a split file: part `index` of `parts`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Split {
    index: u64,
    parts: u64,
}

impl Split {
    /// The part a name goes to: a hash of the name (FNV-1a), so that parts stay even (names
    /// cluster by prefix) and a new item changes one part only. `parts` is a power of two and
    /// changes only when the item count doubles.
    fn of(name: &str, parts: u64) -> Split {
        Split { index: fnv(name) % parts.max(1), parts }
    }

    fn module(self) -> String {
        format!("part{:02}", self.index)
    }

    pub(super) fn holds(self, name: &str) -> bool {
        Split::of(name, self.parts) == self
    }
}

/// FNV-1a of a name: the same name gets the same place on every machine.
pub(super) fn fnv(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// Every emitted module, in a fixed order. With `models_crate` (the Rust name of a separate
/// models crate), the models are planned as files of [`CrateKind::Models`] and the API module's
/// `types` holds the parameter structs and re-exports the models. With `model_groups` > 1 as
/// well, that crate is the core and the groups are [`CrateKind::Group`]s 1, 2, ... (crates
/// `{models_crate}_1`, ...; empty groups are left out).
pub fn plan(api: &Api, split_over: usize, models_crate: Option<&str>, model_groups: usize) -> Vec<Job> {
    let mut jobs = vec![Job { krate: CrateKind::Client, path: "mod.rs".into(), part: Part::Module }];
    let type_names = api.types.values().map(|d| d.name.as_str());
    let param_names = api.operations.iter().filter_map(|op| op.params_type.as_deref());
    let op_names: Vec<&str> = api.operations.iter().map(|op| op.rust_name.as_str()).collect();
    let types = |name: &str, names: &[&str], which: Which| {
        let (w, i) = (which.clone(), which);
        split_jobs(name, names, split_over, move |s| Part::Types(s, w.clone()), move |b| Part::TypesIndex(b, i.clone()))
    };
    // The models crates: (crate, Rust name, which models).
    let mut models: Vec<(CrateKind, String, Which)> = Vec::new();
    if let Some(krate) = models_crate {
        if model_groups > 1 {
            for (i, names) in groups::model_groups(api, model_groups).into_iter().enumerate() {
                let core = (i > 0).then(|| krate.to_string());
                if i == 0 || !names.is_empty() {
                    let (kind, name) = match i {
                        0 => (CrateKind::Models, krate.to_string()),
                        _ => (CrateKind::Group(i), format!("{krate}_{i}")),
                    };
                    models.push((kind, name, Which::Models(Some(Group { names: names.into(), core }))));
                }
            }
        } else {
            models.push((CrateKind::Models, krate.to_string(), Which::Models(None)));
        }
    }
    if models.is_empty() {
        jobs.extend(types("types", &type_names.chain(param_names).collect::<Vec<_>>(), Which::All));
    } else {
        // An empty core (no hubs) still holds the `model` module, but has no `types` to re-export.
        let has_models = |which: &Which| !matches!(which, Which::Models(Some(g)) if g.names.is_empty());
        let crates = models.iter().filter(|(_, _, which)| has_models(which)).map(|(_, name, _)| name.clone()).collect();
        jobs.extend(types("types", &param_names.collect::<Vec<_>>(), Which::Params(crates)));
    }
    jobs.extend(split_jobs("operations", &op_names, split_over, Part::Operations, Part::OperationsIndex));
    if api.envelope.is_some() {
        jobs.push(Job { krate: CrateKind::Client, path: "envelope.rs".into(), part: Part::Envelope });
    }
    if api.has_listings() {
        jobs.push(Job { krate: CrateKind::Client, path: "paging.rs".into(), part: Part::Paging });
    }
    if !api.errors.is_empty() {
        jobs.push(Job { krate: CrateKind::Client, path: "errors.rs".into(), part: Part::Errors });
    }
    for (krate, _, which) in models {
        let names: Vec<&str> = api.types.keys().map(String::as_str).filter(|n| which.holds_model(n)).collect();
        jobs.extend(types("types", &names, which).into_iter().map(|job| Job { krate, ..job }));
    }
    jobs
}

/// `NAME.rs`, or above `split_over` names a folder `NAME/` with an index and parts of about
/// `split_over` names each.
fn split_jobs(
    name: &str,
    names: &[&str],
    split_over: usize,
    part: impl Fn(Option<Split>) -> Part,
    index: impl Fn(Vec<String>) -> Part,
) -> Vec<Job> {
    if names.len() <= split_over {
        return vec![Job { krate: CrateKind::Client, path: format!("{name}.rs"), part: part(None) }];
    }
    // A power of two, at least 2: parts change only when the count doubles.
    let parts = names.len().div_ceil(split_over.max(1)).next_power_of_two().clamp(2, 64) as u64;
    let used: std::collections::BTreeSet<u64> = names.iter().map(|n| Split::of(n, parts).index).collect();
    let splits: Vec<Split> = used.into_iter().map(|index| Split { index, parts }).collect();
    let job = |path: String, part: Part| Job { krate: CrateKind::Client, path, part };
    let mut jobs = vec![job(format!("{name}/mod.rs"), index(splits.iter().map(|s| s.module()).collect()))];
    jobs.extend(splits.into_iter().map(|s| job(format!("{name}/{}.rs", s.module()), part(Some(s)))));
    jobs
}

/// How the crates of an output are set up ([`crate::generate_crates`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrateSetup {
    /// The client crate's package name (`cloudflare-ssl`). The models crates are named after
    /// [`crate::Options::models_crate`] with `_` as `-` (`{name}-models`, `{name}-models-N` when
    /// that is `{name}_models`).
    pub name: String,
    /// The version of every crate.
    pub version: String,
    /// The client's `description`; by default `Client for {title} {version}, generated from
    /// {spec}`, from the spec's `info`.
    pub description: Option<String>,
    /// `license` of every crate (an SPDX expression), for crates outside a workspace.
    pub license: Option<String>,
    /// The client crate's documentation (Markdown, written as `//!` lines at the top of its
    /// `lib.rs`); by default the spec's title and version, and where the code came from.
    pub doc: Option<String>,
    /// The runtime crate's folder, relative to the output's root (`runtime`, or `../runtime` for
    /// an output beside it) or absolute.
    pub runtime: String,
    /// The runtime's model half, likewise.
    pub runtime_model: String,
    /// Whether the crates are members of an enclosing workspace or stand alone; with
    /// [`Workspace::Standalone`], `root` says whether the client declares a `[workspace]` (the
    /// models crates never do: they are the client's path dependencies, so its members).
    pub workspace: Workspace,
    /// The client's dev-dependencies (what its doc tests use, say).
    pub dev_dependencies: Vec<Dependency>,
}

/// One crate of an output: where it goes, its manifest, and every file of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Crate {
    /// Which crate.
    pub kind: CrateKind,
    /// Its folder, relative to the output's root ([`CrateKind::folder`]).
    pub folder: String,
    /// Its manifest, as data.
    pub manifest: Manifest,
    /// Every file, paths relative to [`Crate::folder`]: `Cargo.toml` (the rendered manifest),
    /// `src/lib.rs`, then the emitted modules (`src/api/...`, or `src/types...`).
    pub files: Vec<File>,
}

/// What emitted code names besides the runtime, in every generated crate (client and models).
fn emitted_code_dependencies() -> Vec<Dependency> {
    vec![
        Dependency::version("serde", "1"),
        Dependency::version("serde_json", "1"),
        Dependency::version("chrono", "0.4").no_default_features().features(&["serde", "std"]),
    ]
}

/// The crates the mapped string formats name (`[types]` in the config), each with the runtime
/// feature that implements `ParamValue` for its type, when the API uses it: nothing for a spec
/// without such a format or a config that does not map it.
fn mapped_type_dependencies(api: &Api) -> Vec<(Dependency, &'static str)> {
    let mut out = Vec::new();
    if api.any_type_ref(&|t| *t == TypeRef::Uuid) {
        out.push((Dependency::version("uuid", "1").features(&["serde"]), "uuid"));
    }
    if api.any_type_ref(&|t| *t == TypeRef::Url) {
        out.push((Dependency::version("url", "2").features(&["serde"]), "url"));
    }
    out
}

/// The runtime's package names: the client depends on the first, models crates on the second.
const RUNTIME_PACKAGES: [&str; 2] = ["openapi-rust-runtime", "openapi-rust-runtime-model"];

/// The whole output: the crates of [`plan`]'s jobs (the client first, then the models crates in
/// order), each with its manifest, `lib.rs` and the rendered modules (`rendered`: each job with
/// its text, in plan order).
pub fn crates(api: &Api, options: &crate::Options, setup: &CrateSetup, rendered: &[(Job, String)]) -> Vec<Crate> {
    let title = format!("{} {}", api.title.replace('\n', " "), api.version.replace('\n', " "));
    let (label, command) = (&options.spec_label, &options.command);
    let header = crate::header(options);
    let kinds: std::collections::BTreeSet<CrateKind> =
        std::iter::once(CrateKind::Client).chain(rendered.iter().map(|(job, _)| job.krate)).collect();
    // Package names: the client's, and the models crates' after their Rust names.
    let models_package = options.models_crate.as_deref().unwrap_or_default().replace('_', "-");
    let package = |kind: CrateKind| match kind {
        CrateKind::Client => setup.name.clone(),
        CrateKind::Models => models_package.clone(),
        CrateKind::Group(n) => format!("{models_package}-{n}"),
    };
    let client = &setup.name;
    let mapped = mapped_type_dependencies(api);
    let mut crates = Vec::new();
    for &kind in &kinds {
        let folder = kind.folder();
        // From the crate's folder back to the output's root.
        let up = "../".repeat(folder.split('/').filter(|s| !s.is_empty()).count());
        let from_root = |path: &str| match std::path::Path::new(path).is_absolute() {
            true => path.to_string(),
            false => format!("{up}{path}"),
        };
        // The client stands on the runtime, the models on its model half only.
        let runtime = match kind {
            CrateKind::Client => Dependency::path(RUNTIME_PACKAGES[0], &from_root(&setup.runtime)),
            _ => Dependency::path(RUNTIME_PACKAGES[1], &from_root(&setup.runtime_model)),
        };
        let features: Vec<&str> = mapped.iter().map(|(_, feature)| *feature).collect();
        let mut dependencies = vec![if features.is_empty() { runtime } else { runtime.features(&features) }];
        dependencies.extend(emitted_code_dependencies());
        dependencies.extend(mapped.iter().map(|(dependency, _)| dependency.clone()));
        let dev_dependencies = if kind == CrateKind::Client { setup.dev_dependencies.clone() } else { Vec::new() };
        let (description, lib) = match kind {
            CrateKind::Client => {
                let models = kinds.iter().filter(|k| **k != CrateKind::Client);
                dependencies.extend(models.map(|&k| Dependency::path(&package(k), &k.folder())));
                let description =
                    setup.description.clone().unwrap_or_else(|| format!("Client for {title}, generated from {label}"));
                let doc = setup.doc.clone().unwrap_or_else(|| {
                    format!(
                        "Client for {title}.\n\nGenerated by `{command}` from `{label}`; `src/api/` is emitted, `{}/` \
                         and\n`{}/` are the hand-written runtime shared by every generated client.",
                        setup.runtime, setup.runtime_model
                    )
                });
                (description, client_lib(&doc))
            }
            CrateKind::Models => (
                format!("Models of {title} for {client}, generated from {label}"),
                models_lib(&inner_doc(&format!(
                    "Models of {title}: the `types` of `{client}`, which re-exports them."
                ))),
            ),
            CrateKind::Group(_) => {
                let core = CrateKind::Models;
                dependencies.push(Dependency::path(&package(core), &format!("../{}", core.folder())));
                (
                    format!("A group of the models of {title} for {client}, generated from {label}"),
                    models_lib(&inner_doc(&format!(
                        "A group of the models of {title}: part of the `types` of `{client}`, which re-exports \
                         them.\nThey name their own models and those of `{models_package}`, never another group's."
                    ))),
                )
            }
        };
        let workspace = match &setup.workspace {
            Workspace::Member => Workspace::Member,
            Workspace::Standalone { edition, root } => {
                Workspace::Standalone { edition: edition.clone(), root: *root && kind == CrateKind::Client }
            }
        };
        // The runtime's optional spans, for a caller who wants them through the client.
        let features = match kind {
            CrateKind::Client => vec![("tracing".to_string(), vec![format!("{}/tracing", RUNTIME_PACKAGES[0])])],
            _ => Vec::new(),
        };
        let manifest = Manifest {
            header: Some(header.clone()),
            package: Package {
                name: package(kind),
                version: setup.version.clone(),
                description,
                license: setup.license.clone(),
            },
            dependencies,
            dev_dependencies,
            features,
            workspace,
        };
        let mut files = vec![
            File { path: "Cargo.toml".to_string(), contents: manifest.render() },
            File { path: "src/lib.rs".to_string(), contents: format!("// {header}\n{lib}") },
        ];
        let modules = rendered.iter().filter(|(job, _)| job.krate == kind);
        files.extend(
            modules
                .map(|(job, text)| File { path: format!("{}/{}", kind.modules(), job.path), contents: text.clone() }),
        );
        crates.push(Crate { kind, folder, manifest, files });
    }
    crates
}

/// `doc` as `//!` lines (an empty line as `//!`).
fn inner_doc(doc: &str) -> String {
    doc.lines()
        .map(|line| match line.trim_end() {
            "" => "//!\n".to_string(),
            line => format!("//! {line}\n"),
        })
        .collect()
}

/// The client's `src/lib.rs` (after the header): `doc`, then the API module re-exported beside
/// the runtime's public items and `rt` (which the emitted code names as `crate::rt`).
fn client_lib(doc: &str) -> String {
    format!(
        "{}\n#![forbid(unsafe_code)]\n#![warn(missing_docs)]\n\n\
         #[rustfmt::skip] // Emitted code is formatted by the generator (prettyplease), never by rustfmt.\n\
         mod api;\n\npub use api::*;\npub use openapi_rust_runtime::public::*;\npub use openapi_rust_runtime::rt;\n",
        inner_doc(doc)
    )
}

/// The `src/lib.rs` of a models crate (the core or a group) after the header: `preamble` (its
/// `//!` lines, each ending in a newline), then its `types` (the emitted files), which name the
/// runtime's model half as `crate::rt`.
fn models_lib(preamble: &str) -> String {
    format!(
        "{preamble}\n#![forbid(unsafe_code)]\n#![warn(missing_docs)]\n\n#[rustfmt::skip]\npub mod types;\n\n\
         // `crate::rt` for the emitted code (unused when it names nothing there).\n#[allow(unused_imports)]\n\
         use openapi_rust_runtime_model::rt;\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `Hub`, named by 10 models in two chains (`A0` → ... → `A4`, `B0` → ... → `B4`), and one
    /// operation.
    const SPEC: &str = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /a:\n    get:\n      \
                        operationId: getA\n      responses:\n        '200':\n          description: ok\n\
                        components:\n  schemas:\n    Hub: {type: object, properties: {h: {type: string}}}\n";

    fn spec() -> String {
        let mut s = SPEC.to_string();
        for chain in ["A", "B"] {
            for i in 0..5 {
                let next = if i < 4 {
                    format!(", next: {{$ref: '#/components/schemas/{chain}{}'}}", i + 1)
                } else {
                    String::new()
                };
                s.push_str(&format!(
                    "    {chain}{i}: {{type: object, properties: {{{chain}{i}: {{type: string}}, hub: {{$ref: \
                     '#/components/schemas/Hub'}}{next}}}}}\n"
                ));
            }
        }
        s
    }

    fn setup(workspace: Workspace) -> CrateSetup {
        CrateSetup {
            name: "x".into(),
            version: "0.1.0".into(),
            description: None,
            license: None,
            doc: None,
            runtime: "rt".into(),
            runtime_model: "rt-model".into(),
            workspace,
            dev_dependencies: Vec::new(),
        }
    }

    fn paths(krate: &Crate) -> Vec<&str> {
        krate.files.iter().map(|f| f.path.as_str()).collect()
    }

    #[test]
    fn one_crate_holds_everything() {
        let api = crate::lower(&spec()).unwrap();
        let crates = crate::generate_crates(&api, &crate::Options::default(), &setup(Workspace::Member)).unwrap();
        assert_eq!(crates.len(), 1);
        let client = &crates[0];
        assert_eq!((client.kind, client.folder.as_str()), (CrateKind::Client, ""));
        assert_eq!(
            paths(client),
            ["Cargo.toml", "src/lib.rs", "src/api/mod.rs", "src/api/types.rs", "src/api/operations.rs"]
        );
        let manifest = &client.files[0].contents;
        assert!(manifest.starts_with("# @generated by `cargo xtask codegen` from the spec."), "{manifest}");
        assert!(
            manifest.contains("\nedition.workspace = true\n") && manifest.ends_with("\n[lints]\nworkspace = true\n")
        );
        assert!(manifest.contains("\nopenapi-rust-runtime = { path = \"rt\" }\n"), "{manifest}");
        assert_eq!(client.manifest.render(), *manifest);
        let lib = &client.files[1].contents;
        assert!(lib.starts_with(
            "// @generated by `cargo xtask codegen` from the spec. Do not edit by hand.\n//! Client for T 1.\n"
        ));
    }

    #[test]
    fn models_crates_depend_on_the_model_half_and_the_core() {
        let api = crate::lower(&spec()).unwrap();
        let options = crate::Options { models_crate: Some("x_models".into()), model_groups: 2, ..Default::default() };
        let standalone = Workspace::Standalone { edition: "2021".into(), root: true };
        let crates = crate::generate_crates(&api, &options, &setup(standalone)).unwrap();
        let kinds: Vec<CrateKind> = crates.iter().map(|c| c.kind).collect();
        assert_eq!(kinds, [CrateKind::Client, CrateKind::Models, CrateKind::Group(1), CrateKind::Group(2)]);
        let deps = |c: &Crate| c.manifest.dependencies.iter().map(Dependency::render).collect::<String>();
        assert_eq!(
            deps(&crates[0]),
            "openapi-rust-runtime = { path = \"rt\" }\nserde = \"1\"\nserde_json = \"1\"\nchrono = { version = \"0.4\", \
             default-features = false, features = [\"serde\", \"std\"] }\nx-models = { path = \"models\" }\n\
             x-models-1 = { path = \"models-1\" }\nx-models-2 = { path = \"models-2\" }\n"
        );
        assert!(crates[0].files[0].contents.ends_with("\n[workspace]\n"));
        for krate in &crates[1..] {
            assert_eq!(krate.folder, krate.kind.folder());
            assert_eq!(paths(krate)[..3], ["Cargo.toml", "src/lib.rs", "src/types.rs"]);
            let deps = deps(krate);
            assert!(deps.starts_with("openapi-rust-runtime-model = { path = \"../rt-model\" }\n"), "{deps}");
            assert_eq!(deps.contains("x-models = { path = \"../models\" }"), krate.kind != CrateKind::Models);
            assert!(!krate.files[0].contents.contains("[workspace]"));
        }
        // The same files as `generate`, under each crate's folder of modules.
        let flat = crate::generate_from(&api, &options).unwrap();
        let placed: Vec<(String, &str)> = crates
            .iter()
            .flat_map(|c| c.files[2..].iter().map(move |f| (c, f)))
            .map(|(c, f)| {
                let path = f.path.strip_prefix(c.kind.modules()).unwrap_or_default().trim_start_matches('/');
                (
                    if c.folder.is_empty() { path.to_string() } else { format!("{}/{path}", c.folder) },
                    f.contents.as_str(),
                )
            })
            .collect();
        let mut flat: Vec<(String, &str)> = flat.iter().map(|f| (f.path.clone(), f.contents.as_str())).collect();
        flat.sort();
        let mut placed = placed;
        placed.sort();
        assert_eq!(placed, flat);
    }
}
