//! The README teaches what compiles: its "Using the client" program is `examples/examples/readme.rs`
//! verbatim (compiled and linted with the examples), the `Cargo.toml` lines above it are the ones
//! that program builds with, every error the client can return is in its table, and the repository's
//! documents link only to files inside the repository.

use std::path::Path;

fn read(path: &str) -> String {
    std::fs::read_to_string(testkit::root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The text of the fenced block that opens on the first line after `marker` (without its fences).
fn block_after<'a>(text: &'a str, marker: &str) -> &'a str {
    let start = text.find(marker).unwrap_or_else(|| panic!("no `{marker}` in README.md"));
    let rest = &text[start + marker.len()..];
    let rest = rest.trim_start_matches('\n');
    let opening = rest.find('\n').expect("a fence line");
    assert!(rest[..opening].starts_with("```"), "`{marker}` is not followed by a fenced block");
    let body = &rest[opening + 1..];
    let end = body.find("\n```").expect("a closing fence");
    &body[..=end]
}

/// `(language, text)` of every fenced block of a Markdown document.
fn fences(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut open: Option<(String, String)> = None;
    for line in text.lines() {
        match (&mut open, line.strip_prefix("```")) {
            (None, Some(lang)) => open = Some((lang.trim().to_string(), String::new())),
            (Some(_), Some(_)) => out.extend(open.take()),
            (Some((_, body)), None) => {
                body.push_str(line);
                body.push('\n');
            }
            (None, None) => {}
        }
    }
    assert!(open.is_none(), "an unclosed fence");
    out
}

/// `name = value` lines of the `[dependencies]` table of a manifest's text.
fn dependencies(manifest: &str) -> Vec<(String, String)> {
    let table = manifest.split("[dependencies]").nth(1).expect("a [dependencies] table");
    let table = table.split("\n[").next().unwrap_or_default();
    (table.lines())
        .filter_map(|l| l.split_once(" = "))
        .map(|(name, value)| (name.trim().to_string(), value.trim().to_string()))
        .collect()
}

#[test]
fn the_readme_program_is_the_compiled_example() {
    let readme = read("README.md");
    let example = read("examples/examples/readme.rs");
    assert_eq!(
        block_after(&readme, "<!-- examples/examples/readme.rs -->"),
        example,
        "README.md's program differs from examples/examples/readme.rs: copy the file into the README"
    );
    // It is a whole program: a `main` that returns a `Result`, so that `?` compiles in it.
    assert!(example.contains("async fn main() -> Result<"), "{example}");
}

#[test]
fn every_rust_block_in_the_readme_is_compiled() {
    let readme = read("README.md");
    // The files the workspace compiles that README shows: the program, and the build script of
    // the `build.rs` route (`examples/build-rs`, a workspace member).
    let compiled = [read("examples/examples/readme.rs"), read("examples/build-rs/build.rs")];
    assert_eq!(block_after(&readme, "<!-- examples/build-rs/build.rs -->"), compiled[1]);
    for (lang, body) in fences(&readme) {
        if lang == "rust" {
            assert!(
                compiled.contains(&body),
                "a ```rust block of README.md that is not compiled: mark it ```text with a reason:\n{body}"
            );
        }
    }
}

#[test]
fn the_readme_cargo_lines_are_what_the_example_builds_with() {
    let readme = read("README.md");
    let (_, toml) = fences(&readme).into_iter().find(|(lang, _)| lang == "toml").expect("a ```toml block");
    let readme_deps = dependencies(&toml);
    let example_deps = dependencies(&read("examples/Cargo.toml"));
    for (name, value) in &readme_deps {
        let Some((_, theirs)) = example_deps.iter().find(|(n, _)| n == name) else {
            panic!("README.md's dependency `{name}` is not one of examples/Cargo.toml's")
        };
        // The generated crate's path is relative to each manifest; the rest must be the same.
        if !value.contains("path =") {
            assert_eq!(value, theirs, "`{name}` in README.md and in examples/Cargo.toml");
        }
    }
    // Every crate the program names is among the README's lines.
    let example = read("examples/examples/readme.rs");
    for (name, _) in &example_deps {
        let krate = name.replace('-', "_");
        let named = example.contains(&format!("{krate}::")) || example.contains(&format!("#[{krate}::"));
        if named {
            assert!(readme_deps.iter().any(|(n, _)| n == name), "the program uses `{krate}`, not in README.md's lines");
        }
    }
    assert!(readme_deps.len() >= 3, "{readme_deps:?}");
}

#[test]
fn every_error_variant_is_in_the_readme_table() {
    let readme = read("README.md");
    let source = read("runtime/src/error.rs");
    let start = source.find("pub enum Error<M> {").expect("the runtime's `Error`");
    let body = &source[start..];
    let body = &body[..body.find("\n}").expect("its end")];
    let variants: Vec<&str> = (body.lines())
        .filter_map(|l| l.strip_prefix("    "))
        .filter(|l| l.starts_with(|c: char| c.is_ascii_uppercase()))
        .map(|l| l.split(|c: char| !c.is_ascii_alphanumeric()).next().unwrap_or_default())
        .collect();
    assert!(variants.contains(&"Config") && variants.len() >= 9, "{variants:?}");
    for v in variants {
        assert!(readme.contains(&format!("\n| `{v}")), "README.md's error table has no row for `Error::{v}`");
    }
}

/// A document's text outside fenced blocks and code spans (where `](` is code, not a link).
fn prose(text: &str) -> String {
    let mut out = String::new();
    let mut fenced = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if !fenced {
            out.extend(line.split('`').step_by(2));
            out.push('\n');
        }
    }
    out
}

#[test]
fn documents_link_only_inside_the_repository() {
    let root = testkit::root().canonicalize().unwrap();
    let mut checked = 0;
    for doc in ["README.md", "ARCHITECTURE.md", "CONFORMANCE.md", "CORPUS.md", "BENCHMARKS.md"] {
        let text = read(doc);
        let prose = prose(&text);
        let dir = root.join(doc).parent().map(Path::to_path_buf).unwrap_or_else(|| root.clone());
        for (i, _) in prose.match_indices("](") {
            let target = &prose[i + 2..];
            let target = &target[..target.find(')').unwrap_or(target.len())];
            // A destination has no space, but for a quoted title after it (`(a.md "Title")`);
            // anything else is prose that looks like a link (a regex in a report, say).
            let (target, title) = target.split_once(' ').unwrap_or((target, "\""));
            if !title.starts_with('"') {
                continue;
            }
            if target.is_empty() || target.starts_with('#') || target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            let file = target.split('#').next().unwrap_or_default();
            let resolved = dir.join(file).canonicalize();
            let resolved = resolved.unwrap_or_else(|e| panic!("{doc}: link `{target}` does not resolve: {e}"));
            assert!(resolved.starts_with(&root), "{doc}: link `{target}` leads outside the repository");
            checked += 1;
        }
    }
    // The hand-written guides refer to nothing outside the repository, linked or not (the
    // reports written by `cargo xtask corpus` and `bench` name the inputs they read outside it).
    for doc in ["README.md", "ARCHITECTURE.md"] {
        assert!(!read(doc).contains("../"), "{doc} refers to a path outside the repository");
    }
    assert!(checked >= 5, "only {checked} relative links found");
}
