//! The config file, `openapi-rust-gen.toml`, beside the spec: what the CLI, `cargo xtask
//! codegen` and the `build.rs` [`Builder`](super::Builder) read. Paths in it are relative to its
//! folder. An unknown key is an error naming the key and its line.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::ProjectError;
use crate::ir::TypeMappings;
use crate::{Derive, Diagnostics};

/// The config file's conventional name, looked for beside the spec.
pub const CONFIG_FILE: &str = "openapi-rust-gen.toml";

/// The settings of one generated client, as written in [`CONFIG_FILE`].
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// The spec (OpenAPI 3.x or Swagger 2.0, YAML or JSON), relative to the config's folder.
    pub spec: Option<String>,
    /// The output folder (the client crate's root), relative to the config's folder.
    pub output: Option<String>,
    /// The client's package name (by default from the spec's title: `{title}-client`).
    pub name: Option<String>,
    /// The package version (by default `0.1.0`).
    pub version: Option<String>,
    /// The package license (an SPDX expression); none by default.
    pub license: Option<String>,
    /// The package description (by default from the spec's title and version).
    pub description: Option<String>,
    /// A Markdown file, relative to the config's folder, whose text becomes the crate's
    /// documentation (by default a paragraph naming the API and the spec).
    pub doc: Option<String>,
    /// How the crate relates to a Cargo workspace (by default [`WorkspaceMode::None`]).
    pub workspace: Option<WorkspaceMode>,
    /// Overlay documents (OpenAPI Overlay 1.0, YAML or JSON), relative to the config's folder,
    /// applied to the spec in this order before anything else.
    pub overlays: Option<Spanned<Vec<String>>>,
    /// The operations to generate, with every component they reference; all when absent.
    pub include: Option<Spanned<Include>>,
    /// `[types]`: string formats emitted as other Rust types than `String`, each off by default.
    pub types: Option<Types>,
    /// Traits the models derive besides `Debug`, `Clone` and `PartialEq`: any of `"Eq"`,
    /// `"Hash"`, `"PartialOrd"`, `"Ord"` (with `"Eq"` and `"PartialOrd"`). Each model takes those
    /// its every field supports (a model with an `f64` field has no `Eq`; open enums and unions
    /// never derive an order, which a value the spec adds would change); the others are listed as
    /// notes and in the model's docs, never a compile error. Derives of other crates (a path such
    /// as `schemars::JsonSchema`) are refused: the generator cannot know which field types
    /// implement them, so the generated crate could stop compiling.
    pub derives: Option<Vec<Spanned<String>>>,
}

/// `[types]`: a Rust type for a string `format`, instead of `String`. A key or value other than
/// these is an error naming its line.
///
/// ```toml
/// [types]
/// uuid = "uuid::Uuid"   # format: uuid (the client depends on `uuid`)
/// uri = "url::Url"      # format: uri and format: url (the client depends on `url`)
/// byte = "base64"       # format: byte, as the bytes its base64 text encodes (`rt::Base64`)
/// ```
///
/// Each may also be `"String"`, the default. A mapped parameter keeps no `minLength`/`maxLength`
/// check: the value is no longer the text the limit counts.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Types {
    /// `format: uuid`: `"uuid::Uuid"` or `"String"`.
    pub uuid: Option<Spanned<String>>,
    /// `format: uri` and `format: url`: `"url::Url"` or `"String"`.
    pub uri: Option<Spanned<String>>,
    /// `format: byte`: `"base64"` (decoded bytes) or `"String"`.
    pub byte: Option<Spanned<String>>,
}

/// `include = {operations = [...], tags = [...]}`: a selection of the spec's operations (after
/// the overlays), as [`crate::select::select`] makes it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Include {
    /// Operations by `operationId`, or as `METHOD /path`.
    #[serde(default)]
    pub operations: Vec<String>,
    /// Operations by tag.
    #[serde(default)]
    pub tags: Vec<String>,
}

/// `workspace = "..."`: how the generated crate relates to a Cargo workspace.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WorkspaceMode {
    /// `edition` written out, no `[workspace]` table: the crate builds on its own, or as a member
    /// of the workspace around it once that lists it (the vendored runtime crates beside it
    /// become members with it, as path dependencies inside the workspace's folder).
    #[default]
    None,
    /// A `[workspace]` table of its own: it builds on its own even inside another workspace's
    /// folder, and can be no member of one.
    Standalone,
    /// `edition`, `license`, `publish` and `[lints]` inherited from the enclosing workspace
    /// (`key.workspace = true`), as the checked-in client of this repository is.
    Member,
}

/// A config file, read: its settings and the folder its paths are relative to.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The settings.
    pub config: Config,
    /// The config file's path.
    pub path: PathBuf,
    /// Its folder.
    pub dir: PathBuf,
}

impl Config {
    /// Parses a config file's text; `path` names it in errors, which give the line of the
    /// offending key or value.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ProjectError> {
        let config: Config = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|span| line_of(text, span.start));
            let message = e.message().trim_end().to_string();
            ProjectError::new(match line {
                Some(line) => format!("{}:{line}: {message}", path.display()),
                None => format!("{}: {message}", path.display()),
            })
        })?;
        let at = |span: std::ops::Range<usize>, message: String| {
            ProjectError::new(format!("{}:{}: {message}", path.display(), line_of(text, span.start)))
        };
        if let Some(types) = &config.types {
            let keys =
                [("uuid", &types.uuid, "uuid::Uuid"), ("uri", &types.uri, "url::Url"), ("byte", &types.byte, "base64")];
            for (key, value, mapped) in keys {
                let Some(value) = value else { continue };
                if value.get_ref() != mapped && value.get_ref() != "String" {
                    let message = format!(
                        "unknown type `{}` for `types.{key}`, expected `\"{mapped}\"` or `\"String\"`",
                        value.get_ref()
                    );
                    return Err(at(value.span(), message));
                }
            }
        }
        let derives = config.derives.as_deref().unwrap_or_default();
        for name in derives {
            if Derive::parse(name.get_ref()).is_none() {
                let known: Vec<&str> = Derive::ALL.iter().map(|d| d.name()).collect();
                let why = if name.get_ref().contains("::") {
                    " (derives of other crates are not supported: the generator cannot tell which field types \
                     implement them)"
                } else {
                    ""
                };
                let message = format!("unknown derive `{}`{why}, expected one of {}", name.get_ref(), known.join(", "));
                return Err(at(name.span(), message));
            }
        }
        let names: Vec<&str> = derives.iter().map(|d| d.get_ref().as_str()).collect();
        if let Some(ord) = derives.iter().find(|d| d.get_ref() == "Ord") {
            if !names.contains(&"Eq") || !names.contains(&"PartialOrd") {
                return Err(at(ord.span(), "the derive `Ord` needs `Eq` and `PartialOrd` listed too".to_string()));
            }
        }
        Ok(config)
    }

    /// The string formats `[types]` maps to other types than `String`.
    pub fn mappings(&self) -> TypeMappings {
        let types = self.types.clone().unwrap_or_default();
        let is = |value: &Option<Spanned<String>>, mapped: &str| value.as_ref().is_some_and(|v| v.get_ref() == mapped);
        TypeMappings {
            uuid: is(&types.uuid, "uuid::Uuid"),
            url: is(&types.uri, "url::Url"),
            byte: is(&types.byte, "base64"),
        }
    }

    /// The derives `derives` asks for, each once, in `#[derive]` order.
    pub fn derive_list(&self) -> Vec<Derive> {
        let names = self.derives.as_deref().unwrap_or_default();
        Derive::ALL.into_iter().filter(|d| names.iter().any(|n| n.get_ref() == d.name())).collect()
    }

    /// Reads and parses the config file at `path`.
    pub fn load(path: &Path) -> Result<Loaded, ProjectError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| ProjectError::new(format!("cannot read the config file {}: {e}", path.display())))?;
        let config = Config::parse(&text, path)?;
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        Ok(Loaded { config, path: path.to_path_buf(), dir })
    }
}

impl Loaded {
    /// A path from the config, relative to its folder.
    pub fn resolve(&self, relative: &str) -> PathBuf {
        self.dir.join(relative)
    }

    /// The spec as the config makes it: `spec` (its text, read by the caller) with the
    /// `overlays` applied in order, then only the operations `include` names, with what they
    /// reference. Unchanged when neither is given. Returns the text, the overlays' warnings
    /// (targets that select nothing) and the overlay files read, in order (for
    /// `cargo:rerun-if-changed`). Errors name the overlay or the config and the spec.
    pub fn prepare(&self, spec: &str, spec_name: &str) -> Result<(String, Diagnostics, Vec<PathBuf>), ProjectError> {
        let overlays: Vec<PathBuf> = self
            .config
            .overlays
            .as_ref()
            .map_or(&[][..], |o| o.get_ref().as_slice())
            .iter()
            .map(|rel| self.resolve(rel))
            .collect();
        let mut warnings = Diagnostics(Vec::new());
        let mut text = spec.to_string();
        if !overlays.is_empty() {
            let mut read = Vec::new();
            for path in &overlays {
                let overlay = std::fs::read_to_string(path).map_err(|e| {
                    ProjectError::new(format!(
                        "{}: cannot read the overlay {}: {e}",
                        self.path.display(),
                        path.display()
                    ))
                })?;
                read.push((path.display().to_string(), overlay));
            }
            let pairs: Vec<(&str, &str)> = read.iter().map(|(label, text)| (label.as_str(), text.as_str())).collect();
            let (overlaid, found) = crate::overlay::apply(&text, &pairs)
                .map_err(|d| ProjectError::new(format!("{spec_name} with its overlays:\n{d}")))?;
            text = overlaid;
            warnings.0.extend(found);
        }
        if let Some(include) = &self.config.include {
            let include = include.get_ref();
            if !include.operations.is_empty() || !include.tags.is_empty() {
                let selection =
                    crate::select::Selection { operations: include.operations.clone(), tags: include.tags.clone() };
                text = crate::select::select(&text, &selection).map_err(|d| {
                    ProjectError::new(format!("{spec_name} (`include` of {}):\n{d}", self.path.display()))
                })?;
            }
        }
        Ok((text, warnings, overlays))
    }

    /// The spec's path, or an error naming the missing key.
    pub fn spec(&self) -> Result<PathBuf, ProjectError> {
        match &self.config.spec {
            Some(spec) => Ok(self.resolve(spec)),
            None => Err(ProjectError::new(format!("{}: no `spec = \"...\"` given", self.path.display()))),
        }
    }
}

/// The 1-based line of byte `offset` in `text`.
fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset).unwrap_or(text).matches('\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, String> {
        Config::parse(text, Path::new("dir/openapi-rust-gen.toml")).map_err(|e| e.to_string())
    }

    #[test]
    fn reads_every_key() {
        let config = parse(
            "spec = \"api.yaml\"\noutput = \"out\"\nname = \"my-client\"\nversion = \"1.2.3\"\nlicense = \"MIT\"\n\
             description = \"D\"\ndoc = \"doc.md\"\nworkspace = \"member\"\noverlays = []\ninclude = {}\n",
        );
        let config = config.unwrap_or_default();
        assert_eq!(config.spec.as_deref(), Some("api.yaml"));
        assert_eq!(config.output.as_deref(), Some("out"));
        assert_eq!(config.name.as_deref(), Some("my-client"));
        assert_eq!(config.version.as_deref(), Some("1.2.3"));
        assert_eq!(config.license.as_deref(), Some("MIT"));
        assert_eq!(config.description.as_deref(), Some("D"));
        assert_eq!(config.doc.as_deref(), Some("doc.md"));
        assert_eq!(config.workspace, Some(WorkspaceMode::Member));
    }

    #[test]
    fn unknown_keys_name_key_and_line() {
        let err = parse("spec = \"a.yaml\"\n\nouptut = \"x\"\n").err().unwrap_or_default();
        assert!(err.starts_with("dir/openapi-rust-gen.toml:3: unknown field `ouptut`"), "{err}");
        let err = parse("include = { operations = [], tag = [\"a\"] }\n").err().unwrap_or_default();
        assert!(err.starts_with("dir/openapi-rust-gen.toml:1: unknown field `tag`"), "{err}");
        let err = parse("workspace = \"both\"\n").err().unwrap_or_default();
        assert!(err.starts_with("dir/openapi-rust-gen.toml:1: unknown variant `both`"), "{err}");
    }

    #[test]
    fn reads_types_and_derives() {
        let config = parse(
            "derives = [\"Hash\", \"Eq\"]\n[types]\nuuid = \"uuid::Uuid\"\nuri = \"url::Url\"\nbyte = \"String\"\n",
        )
        .unwrap_or_default();
        assert_eq!(config.mappings(), TypeMappings { uuid: true, url: true, byte: false });
        assert_eq!(config.derive_list(), [Derive::Eq, Derive::Hash]);
        let none = parse("spec = \"a.yaml\"\n").unwrap_or_default();
        assert_eq!(none.mappings(), TypeMappings::default());
        assert!(none.derive_list().is_empty());
    }

    #[test]
    fn unknown_mappings_and_derives_name_file_and_line() {
        let err = parse("spec = \"a.yaml\"\n[types]\nuuid = \"uuid::Uuid\"\ndecimal = \"rust_decimal::Decimal\"\n")
            .err()
            .unwrap_or_default();
        assert!(err.starts_with("dir/openapi-rust-gen.toml:4: unknown field `decimal`, expected one of"), "{err}");
        let err = parse("[types]\n\nuri = \"http::Uri\"\n").err().unwrap_or_default();
        assert_eq!(
            err,
            "dir/openapi-rust-gen.toml:3: unknown type `http::Uri` for `types.uri`, expected `\"url::Url\"` or \
             `\"String\"`"
        );
        let err = parse("spec = \"a.yaml\"\nderives = [\n  \"Eq\",\n  \"Copy\",\n]\n").err().unwrap_or_default();
        assert_eq!(
            err,
            "dir/openapi-rust-gen.toml:4: unknown derive `Copy`, expected one of Eq, Hash, PartialOrd, Ord"
        );
        let err = parse("derives = [\"schemars::JsonSchema\"]\n").err().unwrap_or_default();
        assert!(
            err.starts_with("dir/openapi-rust-gen.toml:1: unknown derive `schemars::JsonSchema` (derives of other"),
            "{err}"
        );
        let err = parse("\nderives = [\"Eq\", \"Ord\"]\n").err().unwrap_or_default();
        assert_eq!(err, "dir/openapi-rust-gen.toml:2: the derive `Ord` needs `Eq` and `PartialOrd` listed too");
    }

    #[test]
    fn overlays_then_include_shape_the_spec() {
        let dir = std::env::temp_dir().join(format!("config-prepare-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap_or_default();
        let overlay = "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.paths['/a'].get\n    \
                       update: {summary: Fetch an A.}\n";
        std::fs::write(dir.join("fix.yaml"), overlay).unwrap_or_default();
        let spec =
            "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: getA\n      \
                    responses: {'200': {description: ok}}\n  /b:\n    get:\n      operationId: getB\n      \
                    responses: {'200': {description: ok}}\n";
        let path = dir.join(CONFIG_FILE);
        let config = Config::parse("overlays = [\"fix.yaml\"]\ninclude = {operations = [\"getA\"]}\n", &path);
        let loaded = Loaded { config: config.unwrap_or_default(), path: path.clone(), dir: dir.clone() };
        let (text, warnings, read) = loaded.prepare(spec, "api.yaml").unwrap_or_else(|e| panic!("{e}"));
        assert!(text.contains("Fetch an A.") && text.contains("getA") && !text.contains("getB"), "{text}");
        assert!(warnings.0.is_empty());
        assert_eq!(read, [dir.join("fix.yaml")]);
        let config = Config::parse("include = {operations = [\"getC\"]}\n", &path);
        let loaded = Loaded { config: config.unwrap_or_default(), path, dir: dir.clone() };
        let err = loaded.prepare(spec, "api.yaml").err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains("`getC` names no operation"), "{err}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
