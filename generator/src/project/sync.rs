//! Regeneration that keeps what the user owns: the one writer of a generated crate's folder, used
//! by the CLI, `cargo xtask codegen`/`generate` alike.
//!
//! What it wrote is recorded in [`RECORD_FILE`] at the output's root: the generator's version,
//! the spec's hash, every file it wrote with the hash of its text, and the keys of each
//! `Cargo.toml` it owns. On the next run:
//!
//! - a file it emits is written when it differs; if it is on disk and differs from what the
//!   record says was written (edited by hand), or the record does not list it (someone else's
//!   file), nothing at all is written unless [`Mode::Write`]'s `force` says so;
//! - a recorded file it no longer emits is removed (and the folders left empty), under the same
//!   rule; a file it never wrote is never touched;
//! - `Cargo.toml` is edited in place: the keys the generator emits (`package.name`, `version`,
//!   `edition`, `description`, `license` when configured, its dependencies, `[workspace]` or
//!   `[lints]`) are set, the ones it owned before and no longer emits are removed, everything
//!   else — `authors`, `repository`, features, other dependencies, comments — stays;
//! - the client's `src/lib.rs` ends with [`LIB_MARKER`]: what follows that line is the user's
//!   (modules, re-exports) and is kept; what precedes it is the generator's.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use serde::{Deserialize, Serialize};
use toml_edit::{DocumentMut, Item};

use super::ProjectError;

/// The record of what the generator wrote, at the output's root.
pub const RECORD_FILE: &str = ".openapi-rust-gen.toml";

/// The last line the generator owns in a client's `src/lib.rs`; what follows it is kept.
pub const LIB_MARKER: &str = "// ----- Your code below this line is kept when the crate is regenerated. -----";

/// How the generator owns a planned file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// Wholly the generator's.
    Owned,
    /// A `Cargo.toml`: the generator owns the keys it emits.
    Manifest,
    /// A `lib.rs`: the generator owns it up to [`LIB_MARKER`].
    Lib,
}

/// One file to write, relative to the output's root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    /// Its path, with `/` separators.
    pub path: String,
    /// The generator's text.
    pub contents: String,
    /// How it is owned.
    pub kind: FileKind,
}

/// What a sync does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Write and remove; with `force`, also over files edited by hand.
    Write {
        /// Overwrite or remove files edited by hand, or not written by the generator.
        force: bool,
    },
    /// Compare only: an error names every stale, missing or extra file.
    Check,
}

/// What a sync did (in [`Mode::Check`], found nothing to do).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Files written, relative to the output.
    pub written: Vec<String>,
    /// Files removed.
    pub removed: Vec<String>,
    /// Files already up to date.
    pub unchanged: usize,
}

/// The record file's contents.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Record {
    /// The version of the generator that wrote the files.
    generator: String,
    /// The spec's hash.
    spec: String,
    /// Each file written, with the hash of the part the generator owns.
    #[serde(default)]
    files: BTreeMap<String, String>,
    /// Each `Cargo.toml`, with the keys the generator owns in it.
    #[serde(default)]
    manifests: BTreeMap<String, Keys>,
}

/// The keys the generator owns in a `Cargo.toml`: `package.name`, `dependencies.serde`,
/// `workspace` (a whole table).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Keys {
    owned: Vec<String>,
}

/// A stable 64-bit hash (FNV-1a) of a text with `\r\n` read as `\n`, as 16 hex digits: it tells
/// an edited file from the one written, and a changed spec; it is no defence against tampering.
pub fn hash(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in normalize(text).bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

fn normalize(text: &str) -> String {
    text.replace("\r\n", "\n")
}

/// A `lib.rs` split at [`LIB_MARKER`]: the generator's part (through the marker line) and the
/// user's (after it); without the marker, all of it is the generator's.
fn split_lib(text: &str) -> (&str, &str) {
    match text.find(LIB_MARKER) {
        Some(at) => {
            let end = text.get(at..).and_then(|rest| rest.find('\n')).map_or(text.len(), |n| at + n + 1);
            (text.get(..end).unwrap_or(text), text.get(end..).unwrap_or(""))
        }
        None => (text, ""),
    }
}

/// The generator's part of a `lib.rs` as emitted: its text and the marker line.
fn lib_head(contents: &str) -> String {
    format!("{contents}\n{LIB_MARKER}\n")
}

/// Makes `out` hold `plan` (see the module documentation); `spec` is the spec's text, for the
/// record. In [`Mode::Check`] nothing is written, and any difference is an error naming each
/// file and what is wrong with it.
pub fn sync(out: &Path, plan: &[Planned], spec: &str, mode: Mode) -> Result<Report, ProjectError> {
    let record_path = out.join(RECORD_FILE);
    let before: Record = match fs::read_to_string(&record_path) {
        Ok(text) => toml::from_str(&text).map_err(|e| {
            ProjectError::new(format!(
                "{} is not a record this version can read ({}); restore it, or delete it and regenerate with --force",
                record_path.display(),
                e.message().trim_end()
            ))
        })?,
        Err(_) => Record::default(),
    };
    // The record is a file in the output, anyone's to edit: a path in it that leads out of the
    // output is refused before anything is read or removed there.
    let inside = |rel: &str| Path::new(rel).components().all(|c| matches!(c, std::path::Component::Normal(_)));
    if let Some(bad) = before.files.keys().chain(before.manifests.keys()).find(|rel| !inside(rel)) {
        return Err(ProjectError::new(format!(
            "{} lists {bad:?}, a path outside the output: restore the record, or delete it and regenerate with --force",
            record_path.display()
        )));
    }
    let force = matches!(mode, Mode::Write { force: true });
    let read = |rel: &str| fs::read_to_string(out.join(rel)).ok().map(|t| normalize(&t));
    let mut record = Record {
        generator: env!("CARGO_PKG_VERSION").to_string(),
        spec: hash(spec),
        files: BTreeMap::new(),
        manifests: BTreeMap::new(),
    };
    let mut writes: Vec<(String, String)> = Vec::new();
    let mut conflicts: Vec<String> = Vec::new();
    let mut report = Report::default();
    let mut problems: Vec<String> = Vec::new();
    for file in plan {
        let existing = read(&file.path);
        let (text, owned_hash, existing_owned) = match file.kind {
            FileKind::Owned => (file.contents.clone(), hash(&file.contents), existing.clone()),
            FileKind::Lib => {
                let head = lib_head(&file.contents);
                let (old_head, tail) = existing.as_deref().map(split_lib).unwrap_or_default();
                let text = format!("{head}{tail}");
                let old_head = existing.as_ref().map(|_| old_head.to_string());
                (text, hash(&head), old_head)
            }
            FileKind::Manifest => {
                let owned_before = before.manifests.get(&file.path).map(|k| k.owned.clone()).unwrap_or_default();
                let (text, owned) = match &existing {
                    Some(old) => merge_manifest(old, &file.contents, &owned_before)
                        .map_err(|e| ProjectError::new(format!("{}: {e}", out.join(&file.path).display())))?,
                    None => (file.contents.clone(), owned_keys(&parse(&file.contents)?)),
                };
                record.manifests.insert(file.path.clone(), Keys { owned });
                (text.clone(), hash(&text), None)
            }
        };
        // A file the generator owns, on disk and not what it would write now: edited by hand, or
        // not the generator's, unless the record says the generator wrote it as it is.
        if let Some(old) = &existing_owned {
            let new_part = match file.kind {
                FileKind::Lib => lib_head(&file.contents),
                _ => text.clone(),
            };
            if *old != new_part {
                match before.files.get(&file.path) {
                    Some(recorded) if *recorded == hash(old) => {}
                    Some(_) => conflicts.push(format!("  edited by hand: {}", file.path)),
                    None => conflicts.push(format!("  not written by openapi-rust-gen: {}", file.path)),
                }
            }
        }
        record.files.insert(file.path.clone(), owned_hash);
        if existing.as_deref() == Some(text.as_str()) {
            report.unchanged += 1;
        } else {
            let state = if existing.is_some() { "stale" } else { "missing" };
            problems.push(format!("  {state}: {}", file.path));
            writes.push((file.path.clone(), text));
        }
    }
    // Recorded files no longer emitted.
    let planned: BTreeSet<&str> = plan.iter().map(|f| f.path.as_str()).collect();
    let mut removals = Vec::new();
    for (path, recorded) in &before.files {
        if planned.contains(path.as_str()) {
            continue;
        }
        let Some(old) = read(path) else { continue };
        let owned_part = if before.manifests.contains_key(path) { old.as_str() } else { split_lib(&old).0 };
        if hash(owned_part) != *recorded && hash(&old) != *recorded {
            conflicts.push(format!("  edited by hand, no longer emitted: {path}"));
        }
        problems.push(format!("  extra: {path}"));
        removals.push(path.clone());
    }
    if !conflicts.is_empty() && !force && mode != Mode::Check {
        return Err(ProjectError::new(format!(
            "{}: nothing written; these files are not as openapi-rust-gen left them:\n{}\nmove your changes \
             into files of your own (or below the marker line of src/lib.rs), or pass --force to overwrite \
             them",
            out.display(),
            conflicts.join("\n")
        )));
    }
    let record_text = render_record(&record)?;
    if read(RECORD_FILE).as_deref() != Some(record_text.as_str()) {
        let state = if record_path.exists() { "stale" } else { "missing" };
        problems.push(format!("  {state}: {RECORD_FILE}"));
        writes.push((RECORD_FILE.to_string(), record_text));
    }
    if mode == Mode::Check {
        if problems.is_empty() {
            return Ok(report);
        }
        return Err(ProjectError::new(format!(
            "{} is not what openapi-rust-gen generates now:\n{}",
            out.display(),
            problems.join("\n")
        )));
    }
    for (rel, text) in writes {
        let path = out.join(&rel);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(|e| ProjectError::new(format!("cannot create {}: {e}", dir.display())))?;
        }
        fs::write(&path, text).map_err(|e| ProjectError::new(format!("cannot write {}: {e}", path.display())))?;
        if rel != RECORD_FILE {
            report.written.push(rel);
        }
    }
    for rel in removals {
        let path = out.join(&rel);
        fs::remove_file(&path).map_err(|e| ProjectError::new(format!("cannot remove {}: {e}", path.display())))?;
        // The folders left empty, up to the output's root.
        let mut dir = path.parent();
        while let Some(d) = dir.filter(|d| d.starts_with(out) && *d != out) {
            if fs::remove_dir(d).is_err() {
                break;
            }
            dir = d.parent();
        }
        report.removed.push(rel);
    }
    Ok(report)
}

fn render_record(record: &Record) -> Result<String, ProjectError> {
    let body = toml::to_string(record).map_err(|e| ProjectError::new(format!("cannot write the record: {e}")))?;
    Ok(format!(
        "# Written by openapi-rust-gen: the files it generated here, each with the hash of its text, and the\n\
         # Cargo.toml keys it owns. Regenerating replaces or removes only these; do not edit.\n{body}"
    ))
}

fn parse(text: &str) -> Result<DocumentMut, ProjectError> {
    text.parse::<DocumentMut>().map_err(|e| ProjectError::new(format!("not valid TOML: {e}")))
}

/// The tables whose keys the generator owns one by one (a user adds their own dependencies and
/// features beside the emitted ones); any other table it emits it owns whole.
const KEYED_TABLES: [&str; 4] = ["package", "dependencies", "dev-dependencies", "features"];

/// The keys an emitted manifest sets, as `table.key` (or `table` for a whole table), sorted.
fn owned_keys(doc: &DocumentMut) -> Vec<String> {
    let mut keys = Vec::new();
    for (table, item) in doc.iter() {
        match item.as_table_like() {
            Some(inner) if KEYED_TABLES.contains(&table) => {
                keys.extend(inner.iter().map(|(key, _)| format!("{table}.{key}")));
            }
            _ => keys.push(table.to_string()),
        }
    }
    keys.sort();
    keys
}

fn get<'a>(doc: &'a DocumentMut, key: &str) -> Option<&'a Item> {
    match key.split_once('.') {
        Some((table, key)) => doc.get(table)?.as_table_like()?.get(key),
        None => doc.get(key),
    }
}

/// An item's value, for comparison (formatting aside).
fn value_of(item: &Item) -> Option<toml::Value> {
    let mut doc = DocumentMut::new();
    doc.insert("v", item.clone());
    toml::from_str::<toml::Table>(&doc.to_string()).ok()?.remove("v")
}

/// `existing` (a user's `Cargo.toml`) with the generator's keys of `emitted` set and those of
/// `owned_before` it no longer emits removed; and the keys it owns now.
fn merge_manifest(existing: &str, emitted: &str, owned_before: &[String]) -> Result<(String, Vec<String>), String> {
    let mut doc: DocumentMut = existing.parse().map_err(|e| format!("not valid TOML: {e}"))?;
    let new: DocumentMut = emitted.parse().map_err(|e| format!("emitted manifest is not valid TOML: {e}"))?;
    let owned = owned_keys(&new);
    for key in owned_before.iter().filter(|k| !owned.contains(k)) {
        match key.split_once('.') {
            Some((table, key)) => {
                if let Some(t) = doc.get_mut(table).and_then(Item::as_table_like_mut) {
                    t.remove(key);
                }
            }
            None => {
                doc.remove(key);
            }
        }
    }
    for key in &owned {
        let Some(item) = get(&new, key) else { continue };
        if get(&doc, key).and_then(value_of) == value_of(item) {
            continue;
        }
        match key.split_once('.') {
            Some((table, name)) => {
                if doc.get(table).and_then(Item::as_table_like).is_none() {
                    doc.insert(table, Item::Table(toml_edit::Table::new()));
                }
                if let Some(t) = doc.get_mut(table).and_then(Item::as_table_like_mut) {
                    t.insert(name, item.clone());
                }
            }
            None => {
                doc.insert(key, item.clone());
            }
        }
    }
    Ok((doc.to_string(), owned))
}

#[cfg(test)]
mod tests {
    use super::*;

    const EMITTED: &str = "# @generated\n[package]\nname = \"a\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\
                           description = \"D\"\n\n[dependencies]\nserde = \"1\"\nmodels = { path = \"models\" }\n";

    #[test]
    fn manifest_keeps_the_users_keys_and_drops_what_is_no_longer_emitted() {
        let (first, owned) = merge_manifest(EMITTED, EMITTED, &[]).unwrap();
        assert_eq!(first, EMITTED, "merging into itself changes nothing");
        let user = EMITTED
            .replace("description = \"D\"\n", "description = \"D\"\nauthors = [\"Me\"]\nlicense = \"MIT\"\n")
            + "tokio = \"1\"\n\n[features]\nextra = []\n";
        let next = EMITTED.replace("models = { path = \"models\" }\n", "").replace("0.1.0", "0.2.0");
        let (merged, now) = merge_manifest(&user, &next, &owned).unwrap();
        assert_eq!(
            merged,
            "# @generated\n[package]\nname = \"a\"\nversion = \"0.2.0\"\nedition = \"2021\"\ndescription = \"D\"\n\
             authors = [\"Me\"]\nlicense = \"MIT\"\n\n[dependencies]\nserde = \"1\"\ntokio = \"1\"\n\n[features]\nextra = []\n"
        );
        assert!(!now.contains(&"dependencies.models".to_string()) && now.contains(&"package.version".to_string()));
    }

    /// A `[types]` mapping adds `uuid` (and the runtime's feature) while a spec has such a
    /// format; the user's own dependency (`schemars`, for a derive of theirs) stays through
    /// both regenerations, and the mapped one goes when no longer emitted.
    #[test]
    fn mapped_type_dependencies_come_and_go_beside_the_users() {
        let mapped =
            EMITTED.replace("serde = \"1\"\n", "serde = \"1\"\nuuid = { version = \"1\", features = [\"serde\"] }\n");
        let (_, owned) = merge_manifest(EMITTED, EMITTED, &[]).unwrap();
        let user = format!("{EMITTED}schemars = \"0.8\"\n");
        let (merged, owned) = merge_manifest(&user, &mapped, &owned).unwrap();
        assert!(merged.contains("uuid = { version = \"1\", features = [\"serde\"] }\n"), "{merged}");
        assert!(merged.contains("schemars = \"0.8\"\n") && owned.contains(&"dependencies.uuid".to_string()));
        let (merged, _) = merge_manifest(&merged, EMITTED, &owned).unwrap();
        assert!(!merged.contains("uuid") && merged.contains("schemars = \"0.8\"\n"), "{merged}");
    }

    #[test]
    fn manifest_keeps_the_users_features_beside_the_emitted_ones() {
        let emitted = format!("{EMITTED}\n[features]\ntracing = [\"rt/tracing\"]\n");
        let (_, owned) = merge_manifest(&emitted, &emitted, &[]).unwrap();
        let user = emitted.replace("[features]\n", "[features]\nextra = []\n");
        let (merged, _) = merge_manifest(&user, &emitted, &owned).unwrap();
        assert!(merged.ends_with("[features]\nextra = []\ntracing = [\"rt/tracing\"]\n"), "{merged}");
        // Once the generator no longer emits its feature, only the user's stays.
        let (merged, _) = merge_manifest(&merged, EMITTED, &owned).unwrap();
        assert!(merged.ends_with("[features]\nextra = []\n"), "{merged}");
    }

    #[test]
    fn lib_keeps_what_follows_the_marker() {
        let text = format!("//! Doc.\nmod api;\n{LIB_MARKER}\npub mod extra;\n");
        assert_eq!(split_lib(&text), (format!("//! Doc.\nmod api;\n{LIB_MARKER}\n").as_str(), "pub mod extra;\n"));
        assert_eq!(split_lib("mod api;\n"), ("mod api;\n", ""));
    }

    #[test]
    fn a_record_cannot_lead_out_of_the_output() {
        let dir = std::env::temp_dir().join(format!("openapi-rust-gen-sync-record-{}", std::process::id()));
        let out = dir.join("out");
        fs::create_dir_all(&out).unwrap();
        fs::write(dir.join("victim.txt"), "x").unwrap();
        let record = format!("generator = \"0\"\nspec = \"0\"\n[files]\n\"../victim.txt\" = \"{}\"\n", hash("x"));
        fs::write(out.join(RECORD_FILE), record).unwrap();
        let err = sync(&out, &[], "", Mode::Write { force: true }).unwrap_err().to_string();
        assert!(err.contains("\"../victim.txt\", a path outside the output"), "{err}");
        assert!(dir.join("victim.txt").exists());
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn hash_is_stable_and_ignores_crlf() {
        assert_eq!(hash(""), "cbf29ce484222325");
        assert_eq!(hash("a\r\nb"), hash("a\nb"));
        assert_ne!(hash("a"), hash("b"));
    }
}
