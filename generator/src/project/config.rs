//! The config file, `openapi-rust-gen.toml`, beside the spec: what the CLI, `cargo xtask
//! codegen` and the `build.rs` [`Builder`](super::Builder) read. Paths in it are relative to its
//! folder. An unknown key is an error naming the key and its line.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::ProjectError;
use crate::Diagnostics;

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
        Ok(config)
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
