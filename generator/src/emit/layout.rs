//! The output layout, owned here and nowhere else: which files an API becomes and in which
//! crate each one goes. [`plan`] lists them as [`Job`]s (the API module's `mod.rs`, `types`,
//! `operations` and `envelope.rs`, split into parts above [`SPLIT_OVER`] items; with a models
//! crate, its `models*/types` files), each saying which part of the IR it holds. The emitters
//! read a job; they never decide where anything goes.

use super::groups;
use crate::ir::Api;

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

/// One file to emit: its path and what goes in it. Files are emitted and rendered
/// independently (in parallel), each from the IR alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// Path relative to the API module folder (`mod.rs`, `types/a.rs`, ...).
    pub path: String,
    pub(super) part: Part,
}

/// What goes in a [`Job`]'s file; [`super::emit`] hands it to its emitter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Part {
    Module,
    Envelope,
    /// Models and/or parameter structs in this part (all of them when `None`).
    Types(Option<Split>, Which),
    /// The `types/mod.rs` of split models: the list of part modules.
    TypesIndex(Vec<String>, Which),
    Operations(Option<Split>),
    OperationsIndex(Vec<String>),
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

/// Every file of the API module, in a fixed order. With `models_crate` (the Rust name of a
/// separate models crate), the models are planned as files under `models/` (that crate's `src/`)
/// and the API module's `types` holds the parameter structs and re-exports the models. With
/// `model_groups` > 1 as well, `models/` is the core and the groups are planned under
/// `models-1/`, `models-2/`, ... (crates `{models_crate}_1`, ...; empty groups are left out).
pub fn plan(api: &Api, split_over: usize, models_crate: Option<&str>, model_groups: usize) -> Vec<Job> {
    let mut jobs = vec![Job { path: "mod.rs".into(), part: Part::Module }];
    let type_names = api.types.values().map(|d| d.name.as_str());
    let param_names = api.operations.iter().filter_map(|op| op.params_type.as_deref());
    let op_names: Vec<&str> = api.operations.iter().map(|op| op.rust_name.as_str()).collect();
    let types = |name: &str, names: &[&str], which: Which| {
        let (w, i) = (which.clone(), which);
        split_jobs(name, names, split_over, move |s| Part::Types(s, w.clone()), move |b| Part::TypesIndex(b, i.clone()))
    };
    // The models crates: (folder, Rust name, which models).
    let mut models: Vec<(String, String, Which)> = Vec::new();
    if let Some(krate) = models_crate {
        if model_groups > 1 {
            for (i, names) in groups::model_groups(api, model_groups).into_iter().enumerate() {
                let core = (i > 0).then(|| krate.to_string());
                if i == 0 || !names.is_empty() {
                    let (folder, name) = match i {
                        0 => ("models".to_string(), krate.to_string()),
                        _ => (format!("models-{i}"), format!("{krate}_{i}")),
                    };
                    models.push((folder, name, Which::Models(Some(Group { names: names.into(), core }))));
                }
            }
        } else {
            models.push(("models".to_string(), krate.to_string(), Which::Models(None)));
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
        jobs.push(Job { path: "envelope.rs".into(), part: Part::Envelope });
    }
    for (folder, _, which) in models {
        let names: Vec<&str> = api.types.keys().map(String::as_str).filter(|n| which.holds_model(n)).collect();
        jobs.extend(types(&format!("{folder}/types"), &names, which));
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
        return vec![Job { path: format!("{name}.rs"), part: part(None) }];
    }
    // A power of two, at least 2: parts change only when the count doubles.
    let parts = names.len().div_ceil(split_over.max(1)).next_power_of_two().clamp(2, 64) as u64;
    let used: std::collections::BTreeSet<u64> = names.iter().map(|n| Split::of(n, parts).index).collect();
    let splits: Vec<Split> = used.into_iter().map(|index| Split { index, parts }).collect();
    let mut jobs =
        vec![Job { path: format!("{name}/mod.rs"), part: index(splits.iter().map(|s| s.module()).collect()) }];
    jobs.extend(splits.into_iter().map(|s| Job { path: format!("{name}/{}.rs", s.module()), part: part(Some(s)) }));
    jobs
}
