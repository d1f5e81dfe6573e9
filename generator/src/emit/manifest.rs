//! A crate's `Cargo.toml` as data ([`Manifest`]) and its one rendering to text
//! ([`Manifest::render`]): keys in a fixed order, dependencies in the order given, strings
//! escaped as TOML basic strings. No other part of the generator or of its callers writes
//! manifest text.

use std::fmt::Write as _;

/// A crate's manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    /// A comment put before everything else (one `#` line per line), e.g. the `@generated`
    /// header.
    pub header: Option<String>,
    /// The `[package]` table.
    pub package: Package,
    /// `[dependencies]`, in this order.
    pub dependencies: Vec<Dependency>,
    /// `[dev-dependencies]`, in this order (no table when empty).
    pub dev_dependencies: Vec<Dependency>,
    /// `[features]`: each feature and what it enables, in this order (no table when empty).
    pub features: Vec<(String, Vec<String>)>,
    /// Where the crate stands: a member of an enclosing workspace, or on its own.
    pub workspace: Workspace,
}

/// How a generated crate relates to a Cargo workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Workspace {
    /// A member of an enclosing workspace (the checked-in client of this repository):
    /// `edition`, `license` and `publish` are `key.workspace = true`, and `[lints]` is the
    /// workspace's.
    Member,
    /// Not inheriting from a workspace: `edition` written out, `license` if given, no publish
    /// or lints keys. With `root`, the output's root crate declares an empty `[workspace]`, so
    /// that it builds wherever it is put (even inside another workspace's folder; `cargo xtask
    /// generate` and `--workspace standalone`), the crates it depends on by path being its
    /// members; without (the CLI's default), it builds on its own or as a member of the
    /// workspace around it once listed there.
    Standalone {
        /// `edition` (`"2021"`).
        edition: String,
        /// Whether this crate is the output's root (`[workspace]`).
        root: bool,
    },
}

/// The `[package]` table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    /// `name`.
    pub name: String,
    /// `version`.
    pub version: String,
    /// `description`.
    pub description: String,
    /// `license` (an SPDX expression), for a crate outside a workspace; a member inherits the
    /// workspace's.
    pub license: Option<String>,
}

/// One dependency: `name = "version"` or an inline table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dependency {
    /// The package name (also the name the code uses, with `-` as `_`).
    pub name: String,
    /// Where it comes from.
    pub source: Source,
    /// `default-features = false` when `false`.
    pub default_features: bool,
    /// `features`, in this order.
    pub features: Vec<String>,
}

/// Where a [`Dependency`] comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A registry version requirement (`"1"`, `"0.4"`).
    Version(String),
    /// A path, relative to the crate's folder (or absolute).
    Path(String),
}

impl Dependency {
    /// A registry dependency with default features and no others.
    pub fn version(name: &str, version: &str) -> Self {
        Dependency {
            name: name.to_string(),
            source: Source::Version(version.to_string()),
            default_features: true,
            features: Vec::new(),
        }
    }

    /// A path dependency.
    pub fn path(name: &str, path: &str) -> Self {
        Dependency { name: name.to_string(), source: Source::Path(path.to_string()), ..Dependency::version(name, "") }
    }

    /// Without default features.
    pub fn no_default_features(mut self) -> Self {
        self.default_features = false;
        self
    }

    /// With these features.
    pub fn features(mut self, features: &[&str]) -> Self {
        self.features = features.iter().map(|f| f.to_string()).collect();
        self
    }

    /// Its line in a dependencies table (with the newline).
    pub fn render(&self) -> String {
        let source = match &self.source {
            Source::Version(v) => format!("version = {}", string(v)),
            Source::Path(p) => format!("path = {}", string(p)),
        };
        if let (Source::Version(v), true, true) = (&self.source, self.default_features, self.features.is_empty()) {
            return format!("{} = {}\n", self.name, string(v));
        }
        let mut table = vec![source];
        if !self.default_features {
            table.push("default-features = false".to_string());
        }
        if !self.features.is_empty() {
            let list: Vec<String> = self.features.iter().map(|f| string(f)).collect();
            table.push(format!("features = [{}]", list.join(", ")));
        }
        format!("{} = {{ {} }}\n", self.name, table.join(", "))
    }
}

impl Manifest {
    /// The `Cargo.toml` text: the header, `[package]` (name, version, edition, license,
    /// publish, description), `[dependencies]`, `[dev-dependencies]` and `[features]` if any, then `[lints]`
    /// (a workspace member) or `[workspace]` (a standalone root).
    pub fn render(&self) -> String {
        let mut out = String::new();
        if let Some(header) = &self.header {
            for line in header.lines() {
                let _ = writeln!(out, "# {line}");
            }
        }
        let p = &self.package;
        let _ = writeln!(out, "[package]\nname = {}\nversion = {}", string(&p.name), string(&p.version));
        match &self.workspace {
            Workspace::Member => {
                out.push_str("edition.workspace = true\nlicense.workspace = true\npublish.workspace = true\n")
            }
            Workspace::Standalone { edition, .. } => {
                let _ = writeln!(out, "edition = {}", string(edition));
                if let Some(license) = &p.license {
                    let _ = writeln!(out, "license = {}", string(license));
                }
            }
        }
        let _ = writeln!(out, "description = {}", string(&p.description));
        out.push_str("\n[dependencies]\n");
        out.extend(self.dependencies.iter().map(Dependency::render));
        if !self.dev_dependencies.is_empty() {
            out.push_str("\n[dev-dependencies]\n");
            out.extend(self.dev_dependencies.iter().map(Dependency::render));
        }
        if !self.features.is_empty() {
            out.push_str("\n[features]\n");
            for (name, enables) in &self.features {
                let list: Vec<String> = enables.iter().map(|f| string(f)).collect();
                let _ = writeln!(out, "{name} = [{}]", list.join(", "));
            }
        }
        match &self.workspace {
            Workspace::Member => out.push_str("\n[lints]\nworkspace = true\n"),
            Workspace::Standalone { root: true, .. } => out.push_str("\n[workspace]\n"),
            Workspace::Standalone { root: false, .. } => {}
        }
        out
    }
}

/// A TOML basic string.
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(workspace: Workspace) -> Manifest {
        Manifest {
            header: Some("@generated".into()),
            package: Package {
                name: "a-b".into(),
                version: "0.1.0".into(),
                description: "Say \"hi\"\\\u{1}".into(),
                license: None,
            },
            dependencies: vec![
                Dependency::path("rt", "../rt"),
                Dependency::version("serde", "1"),
                Dependency::version("chrono", "0.4").no_default_features().features(&["serde", "std"]),
            ],
            dev_dependencies: vec![],
            features: vec![],
            workspace,
        }
    }

    #[test]
    fn standalone_root() {
        assert_eq!(
            manifest(Workspace::Standalone { edition: "2021".into(), root: true }).render(),
            "# @generated\n[package]\nname = \"a-b\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\
             description = \"Say \\\"hi\\\"\\\\\\u0001\"\n\n[dependencies]\nrt = { path = \"../rt\" }\n\
             serde = \"1\"\nchrono = { version = \"0.4\", default-features = false, features = [\"serde\", \"std\"] }\n\
             \n[workspace]\n"
        );
    }

    #[test]
    fn member_inherits() {
        let mut m = manifest(Workspace::Member);
        m.header = None;
        m.dependencies.truncate(1);
        m.dev_dependencies = vec![Dependency::version("futures-util", "0.3").no_default_features()];
        assert_eq!(
            m.render(),
            "[package]\nname = \"a-b\"\nversion = \"0.1.0\"\nedition.workspace = true\nlicense.workspace = true\n\
             publish.workspace = true\ndescription = \"Say \\\"hi\\\"\\\\\\u0001\"\n\n[dependencies]\n\
             rt = { path = \"../rt\" }\n\n[dev-dependencies]\nfutures-util = { version = \"0.3\", default-features = \
             false }\n\n[lints]\nworkspace = true\n"
        );
    }
}
