//! The generator as a product: a generated client crate on disk. [`config`] reads the config file
//! (`openapi-rust-gen.toml`), [`plan`] turns a spec and its [`Settings`] into the files of the
//! output (the crates of [`crate::generate_crates`], and the runtime vendored beside them when
//! asked), [`sync()`] writes them keeping what the user owns, and [`Builder`] is the `build.rs`
//! route. The CLI (`openapi-rust-gen`), `cargo xtask codegen` and `cargo xtask generate` all go
//! through these; this is the only part of the generator that touches files.

pub mod builder;
pub mod config;
pub mod sync;

pub use builder::Builder;
pub use config::{Config, Include, Loaded, WorkspaceMode, CONFIG_FILE};
pub use sync::{sync, FileKind, Mode, Planned, Report, LIB_MARKER, RECORD_FILE};

use crate::ir::TypeMappings;
use crate::{CrateKind, Dependency, Derive, Diagnostics, Options, Workspace};

/// A problem with the config, the files or the spec, as one message naming the file (and line)
/// at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectError(String);

impl ProjectError {
    /// An error with this message.
    pub fn new(message: impl Into<String>) -> Self {
        ProjectError(message.into())
    }
}

impl std::fmt::Display for ProjectError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ProjectError {}

/// Adds the operations `selectors` names (operationIds or `METHOD /path`) from the upstream
/// spec `from` to the spec file `spec`, with everything they reference
/// ([`crate::extend::add_operations`]), and writes `spec` back only if all of it succeeded,
/// through a temporary file beside it, so a failed write leaves it whole. Returns what was added
/// and reused. What `openapi-rust-gen add-operation` and `cargo xtask add-operation` run.
pub fn add_operations(
    spec: &std::path::Path,
    from: &std::path::Path,
    selectors: &[&str],
) -> Result<crate::extend::Extension, ProjectError> {
    let read = |path: &std::path::Path| {
        std::fs::read_to_string(path).map_err(|e| ProjectError(format!("cannot read {}: {e}", path.display())))
    };
    let (upstream, text) = (read(from)?, read(spec)?);
    let extension = crate::extend::add_operations(&text, &upstream, selectors)
        .map_err(|d| ProjectError(format!("{} (from {}):\n{d}", spec.display(), from.display())))?;
    let mut temporary = spec.as_os_str().to_owned();
    temporary.push(".add-operation.tmp");
    let temporary = std::path::PathBuf::from(temporary);
    std::fs::write(&temporary, &extension.text)
        .map_err(|e| ProjectError(format!("cannot write {}: {e}", temporary.display())))?;
    std::fs::rename(&temporary, spec).map_err(|e| ProjectError(format!("cannot replace {}: {e}", spec.display())))?;
    Ok(extension)
}

/// Where the generated client finds the runtime crates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Runtime {
    /// Existing crates, by path relative to the output's root (or absolute): `runtime` for
    /// `openapi-rust-runtime`, `model` for `openapi-rust-runtime-model`.
    Paths {
        /// `openapi-rust-runtime`'s folder.
        runtime: String,
        /// `openapi-rust-runtime-model`'s folder.
        model: String,
    },
    /// Copies written beside the client (`runtime/`, `runtime-model/`): each file's path
    /// relative to the output's root (`runtime/src/lib.rs`) and its text.
    Vendored(Vec<(String, String)>),
}

/// The settings of one output, from the config file or the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The client's package name; by default [`default_crate_name`] of the spec's title.
    pub name: Option<String>,
    /// The package version; by default `0.1.0`.
    pub version: Option<String>,
    /// The package license.
    pub license: Option<String>,
    /// The package description.
    pub description: Option<String>,
    /// The crate's documentation (Markdown).
    pub doc: Option<String>,
    /// How the crate relates to a workspace.
    pub workspace: WorkspaceMode,
    /// How the spec is named in each file's header.
    pub spec_label: String,
    /// The command that regenerates the output, for each file's header.
    pub command: String,
    /// Where the runtime is.
    pub runtime: Runtime,
    /// The client's dev-dependencies.
    pub dev_dependencies: Vec<Dependency>,
    /// String formats emitted as other types than `String` (`[types]`).
    pub types: TypeMappings,
    /// Traits the models derive besides the usual ones (`derives`).
    pub derives: Vec<Derive>,
}

impl Settings {
    /// Settings with every package key taken from `config` (the rest as given).
    pub fn from_config(
        loaded: &Loaded,
        spec_label: &str,
        command: &str,
        runtime: Runtime,
    ) -> Result<Self, ProjectError> {
        let config = &loaded.config;
        let doc = match &config.doc {
            Some(rel) => {
                let path = loaded.resolve(rel);
                Some(std::fs::read_to_string(&path).map_err(|e| {
                    ProjectError::new(format!("{}: cannot read `doc` {}: {e}", loaded.path.display(), path.display()))
                })?)
            }
            None => None,
        };
        Ok(Settings {
            name: config.name.clone(),
            version: config.version.clone(),
            license: config.license.clone(),
            description: config.description.clone(),
            doc,
            workspace: config.workspace.unwrap_or_default(),
            spec_label: spec_label.to_string(),
            command: command.to_string(),
            runtime,
            dev_dependencies: Vec::new(),
            types: config.mappings(),
            derives: config.derive_list(),
        })
    }
}

/// What [`plan`] found: the files, and what to tell the user.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Every file of the output.
    pub files: Vec<Planned>,
    /// The client's package name.
    pub name: String,
    /// The API's operations.
    pub operations: usize,
    /// The API's named types.
    pub types: usize,
    /// Each crate's folder, relative to the output (`""` for the client, first).
    pub folders: Vec<String>,
    /// The spec's warnings (legal mistakes the client does not mind).
    pub warnings: Diagnostics,
    /// Models that could not take a requested derive, one line each with the reason (for
    /// stderr; the models' docs say it too).
    pub notes: Vec<String>,
}

/// The package name for a client of an API titled `title`: the title in kebab case with
/// `-client` after it (`api-client-` before it if it would not start with a letter).
pub fn default_crate_name(title: &str) -> String {
    let base: String =
        title.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    let base = base.split('-').filter(|s| !s.is_empty()).collect::<Vec<_>>().join("-");
    if base.is_empty() || base.starts_with(|c: char| c.is_ascii_digit()) {
        format!("api-client-{base}")
    } else {
        format!("{base}-client")
    }
}

/// Every file of the output for `spec` (its text; `label` names it in errors): the crates of
/// [`crate::generate_crates`] (above [`crate::MODELS_CRATE_OVER`] models, the models in crates
/// of their own), and the vendored runtime if [`Settings::runtime`] asks for it.
pub fn plan(spec: &str, label: &str, settings: &Settings) -> Result<Plan, ProjectError> {
    let (api, warnings) =
        crate::lower_mapped(spec, settings.types).map_err(|d| ProjectError::new(format!("{label}:\n{d}")))?;
    let name = settings.name.clone().unwrap_or_else(|| default_crate_name(&api.title));
    let options = Options {
        spec_label: settings.spec_label.clone(),
        command: settings.command.clone(),
        types: settings.types,
        derives: settings.derives.clone(),
        ..Default::default()
    }
    .with_layout_for(api.types.len(), &format!("{name}_models").replace('-', "_"));
    let notes = crate::derives::plan(&api, &settings.derives).notes();
    let (runtime, model) = match &settings.runtime {
        Runtime::Paths { runtime, model } => (runtime.clone(), model.clone()),
        Runtime::Vendored(_) => ("runtime".to_string(), "runtime-model".to_string()),
    };
    let workspace = match settings.workspace {
        WorkspaceMode::Member => Workspace::Member,
        WorkspaceMode::None => Workspace::Standalone { edition: "2021".to_string(), root: false },
        WorkspaceMode::Standalone => Workspace::Standalone { edition: "2021".to_string(), root: true },
    };
    let setup = crate::CrateSetup {
        name: name.clone(),
        version: settings.version.clone().unwrap_or_else(|| "0.1.0".to_string()),
        description: settings.description.clone(),
        license: settings.license.clone(),
        doc: settings.doc.clone(),
        runtime,
        runtime_model: model,
        workspace,
        dev_dependencies: settings.dev_dependencies.clone(),
    };
    let crates =
        crate::generate_crates(&api, &options, &setup).map_err(|d| ProjectError::new(format!("{label}:\n{d}")))?;
    let mut files = Vec::new();
    for krate in &crates {
        for file in &krate.files {
            let path = match krate.folder.as_str() {
                "" => file.path.clone(),
                folder => format!("{folder}/{}", file.path),
            };
            let kind = match file.path.as_str() {
                "Cargo.toml" => FileKind::Manifest,
                "src/lib.rs" if krate.kind == CrateKind::Client => FileKind::Lib,
                _ => FileKind::Owned,
            };
            files.push(Planned { path, contents: file.contents.clone(), kind });
        }
    }
    if let Runtime::Vendored(vendored) = &settings.runtime {
        files.extend(vendored.iter().map(|(path, contents)| Planned {
            path: path.clone(),
            contents: contents.clone(),
            kind: FileKind::Owned,
        }));
    }
    Ok(Plan {
        files,
        name,
        operations: api.operations.len(),
        types: api.types.len(),
        folders: crates.into_iter().map(|c| c.folder).collect(),
        warnings,
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `[types]` and `derives` reach the files through `plan` (the CLI's and `xtask codegen`'s
    /// route): the manifest gains `uuid` and the runtime's feature only when the mapping is on
    /// and the spec has the format (`url` is mapped, but no `format: uri` is there), the model
    /// derives `Hash`, and a model that cannot take it is a note.
    #[test]
    fn mappings_and_derives_reach_the_manifest_and_the_models() {
        let spec = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    \
                    A: {type: object, required: [id], properties: {id: {type: string, format: uuid}}}\n    \
                    B: {type: object, properties: {x: {type: number}}}\n";
        let settings = |types: TypeMappings, derives: Vec<Derive>| Settings {
            name: Some("t".into()),
            version: None,
            license: None,
            description: None,
            doc: None,
            workspace: WorkspaceMode::None,
            spec_label: "t.yaml".into(),
            command: "test".into(),
            runtime: Runtime::Paths { runtime: "rt".into(), model: "rtm".into() },
            dev_dependencies: Vec::new(),
            types,
            derives,
        };
        let file = |plan: &Plan, path: &str| {
            plan.files.iter().find(|f| f.path == path).map(|f| f.contents.clone()).unwrap_or_default()
        };
        let mapped = TypeMappings { uuid: true, url: true, byte: false };
        let plan = plan(spec, "t.yaml", &settings(mapped, vec![Derive::Hash])).unwrap_or_else(|e| panic!("{e}"));
        let manifest = file(&plan, "Cargo.toml");
        assert!(manifest.contains("openapi-rust-runtime = { path = \"rt\", features = [\"uuid\"] }\n"), "{manifest}");
        assert!(manifest.contains("uuid = { version = \"1\", features = [\"serde\"] }\n"), "{manifest}");
        assert!(!manifest.contains("url ="), "{manifest}");
        let types = file(&plan, "src/api/types.rs");
        assert!(
            types.contains("#[derive(Debug, Clone, PartialEq, Hash)]\n#[non_exhaustive]\npub struct A {"),
            "{types}"
        );
        assert!(types.contains("    pub id: uuid::Uuid,\n"), "{types}");
        assert_eq!(plan.notes, ["B: no Hash (field `x` is a number (`f64`, which has no `Hash`))"]);
        let plain = super::plan(spec, "t.yaml", &settings(TypeMappings::default(), Vec::new()))
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(!file(&plain, "Cargo.toml").contains("uuid"));
        assert!(file(&plain, "src/api/types.rs").contains("    pub id: String,\n") && plain.notes.is_empty());
    }

    #[test]
    fn crate_names_from_titles() {
        assert_eq!(default_crate_name("Pet Store"), "pet-store-client");
        assert_eq!(default_crate_name("3D API"), "api-client-3d-api");
        assert_eq!(default_crate_name("!!"), "api-client-");
    }
}
