//! Upgrades that do not break users: a client generated from a spec with an additive change (a
//! new operation, a first optional parameter, a new optional request or response field, a new
//! enum value, new error responses) is a minor release of the client generated from the spec
//! before it, as `cargo-semver-checks` judges; a removal is not (so the check is shown to bite).
//!
//! The base spec is `tests/fixtures/semver/base.yaml`; each change is an overlay beside it. Every
//! version is a standalone crate in one scratch folder under `target/`, all built into one target
//! directory (the dependencies build once); one `cargo-semver-checks` run per change, and one
//! `cargo check` of a caller written against the base.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The changes (overlays in `tests/fixtures/semver/`), and the lint a breaking one must trip.
const CHANGES: &[(&str, Option<&str>)] = &[
    ("add_operation", None),
    ("add_query_parameter", None),
    ("add_request_field", None),
    ("add_response_field", None),
    ("add_enum_value", None),
    ("add_error_response", None),
    ("remove_operation", Some("inherent_method_missing")),
    ("remove_field", Some("struct_pub_field_missing")),
];

/// A program written against the base client, as a user would: it builds a body with `new` and
/// a setter, passes empty parameter structs, matches an enum and an error enum, reads fields. It
/// must compile unchanged against every additive version (and not against a removal): the
/// user's side of what `cargo-semver-checks` judges.
const CALLER: &str = r#"//! Written against the base client (`tests/tests/semver.rs`).
use semver_pets::errors::GetPetError;
use semver_pets::types::{NewPet, Pet, Status};

/// Every operation of the base, once.
pub async fn call(client: &semver_pets::Client) -> Result<String, semver_pets::Error> {
    let body = NewPet::new("Rex").tag("dog");
    let created: Pet = client.create_pet(&Default::default(), &body).await?;
    let pets: Vec<Pet> = client.list_pets(&Default::default()).await?;
    let status = match created.status {
        Status::Available => "available",
        Status::Sold => "sold",
        _ => "other",
    };
    client.delete_pet(created.id, &Default::default()).await?;
    match client.get_pet(created.id, &Default::default()).await {
        Ok(pet) => Ok(format!("{} {status} {:?} of {}", pet.name, pet.tag, pets.len())),
        Err(e) => match GetPetError::from_error(&e) {
            Some(GetPetError::NotFound(problem)) => Ok(problem.message.clone()),
            _ => Err(e),
        },
    }
}

fn main() {}
"#;

/// Compiles [`CALLER`] against the version in `scratch/version`: the compiler's output on
/// failure.
fn compile_caller(scratch: &Path, version: &str) -> Result<(), String> {
    let root = testkit::root();
    let dir = scratch.join("caller");
    std::fs::create_dir_all(dir.join("src")).unwrap();
    let manifest = format!(
        "[package]\nname = \"semver-caller\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\nsemver-pets = {{ path = \"../{version}\" }}\n\n[workspace]\n"
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
    std::fs::write(dir.join("src/main.rs"), CALLER).unwrap();
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["check", "--offline", "--quiet", "--message-format=short"])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", root.join("target/semver-target"))
        .env_remove("RUSTFLAGS")
        .output()
        .unwrap_or_else(|e| panic!("cannot run cargo: {e}"));
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// Downloads every package of the lock file the version in `dir` resolves to, unless cargo has
/// it already. `cargo-semver-checks` runs offline below and reads `cargo metadata`, which needs
/// all of them, those that only other targets build too (`bumpalo`, through `uuid`'s
/// `wasm-bindgen`), which no build on this machine has downloaded.
fn fetch_packages(dir: &Path) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["fetch", "--quiet"])
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("cannot run cargo: {e}"));
    assert!(out.status.success(), "cargo fetch in {} failed:\n{}", dir.display(), String::from_utf8_lossy(&out.stderr));
}

/// The package every version is (`cargo-semver-checks` compares a package with itself).
const PACKAGE: &str = "semver-pets";

/// The `cargo-semver-checks` binary: `$CARGO_SEMVER_CHECKS`, else the one on `PATH`. Missing, the
/// test fails with the command that installs it (it is never skipped).
fn semver_checks() -> PathBuf {
    if let Some(path) = std::env::var_os("CARGO_SEMVER_CHECKS") {
        let path = PathBuf::from(path);
        assert!(path.is_file(), "CARGO_SEMVER_CHECKS={} is not a file", path.display());
        return path;
    }
    let found = std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|dir| dir.join("cargo-semver-checks"))
        .find(|p| p.is_file());
    found.unwrap_or_else(|| {
        panic!(
            "cargo-semver-checks is not installed: run `cargo install --locked cargo-semver-checks --version \
             0.51.0` (or set CARGO_SEMVER_CHECKS to its path)"
        )
    })
}

/// Generates `spec` as version `version` of [`PACKAGE`], a standalone crate in `dir`.
fn write_version(dir: &Path, spec: &str, version: &str) {
    let root = testkit::root();
    let api = generator::lower(spec).unwrap_or_else(|d| panic!("{} does not lower:\n{d}", dir.display()));
    let setup = generator::CrateSetup {
        name: PACKAGE.to_string(),
        version: version.to_string(),
        description: None,
        license: None,
        doc: Some("A version of `tests/fixtures/semver/base.yaml`.".to_string()),
        runtime: root.join("runtime").display().to_string(),
        runtime_model: root.join("runtime-model").display().to_string(),
        workspace: generator::Workspace::Standalone { edition: "2021".to_string(), root: true },
        dev_dependencies: Vec::new(),
    };
    let crates = generator::generate_crates(&api, &testkit::options("semver"), &setup)
        .unwrap_or_else(|d| panic!("{} does not generate:\n{d}", dir.display()));
    xtask::write_crates(dir, &crates, false, "").unwrap_or_else(|e| panic!("cannot write {}: {e}", dir.display()));
    // The repository's lock file, so every version resolves to the same (already built) crates.
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
}

#[test]
fn additive_spec_changes_are_minor_releases_and_removals_are_not() {
    let bin = semver_checks();
    let root = testkit::root();
    let fixtures = root.join("tests/fixtures/semver");
    let scratch = root.join("target/semver-scratch");
    let _ = std::fs::remove_dir_all(&scratch);
    let base = std::fs::read_to_string(fixtures.join("base.yaml")).unwrap();
    write_version(&scratch.join("base"), &base, "1.0.0");
    let base_text = std::fs::read_to_string(scratch.join("base/src/api/types.rs")).unwrap();
    fetch_packages(&scratch.join("base"));
    // The caller compiles against the base (else what it shows below would mean nothing).
    if let Err(out) = compile_caller(&scratch, "base") {
        panic!("the caller does not compile against the base client:\n{out}");
    }

    let mut wrong = Vec::new();
    for &(change, breaking_lint) in CHANGES {
        let overlay = std::fs::read_to_string(fixtures.join(format!("{change}.yaml"))).unwrap();
        let (spec, warnings) = generator::overlay::apply(&base, &[(change, &overlay)])
            .unwrap_or_else(|d| panic!("overlay {change} does not apply:\n{d}"));
        assert!(warnings.is_empty(), "overlay {change}: {warnings:?}");
        let dir = scratch.join(change);
        write_version(&dir, &spec, "1.1.0");
        // The overlay changed the client (else the check below would prove nothing).
        let ops = |d: &Path| std::fs::read_to_string(d.join("src/api/operations.rs")).unwrap();
        let types = std::fs::read_to_string(dir.join("src/api/types.rs")).unwrap();
        assert!(
            types != base_text || ops(&dir) != ops(&scratch.join("base")),
            "overlay {change} left the generated client as it was"
        );
        let out = Command::new(&bin)
            .args(["semver-checks", "--release-type", "minor", "--default-features", "--color", "never"])
            .arg("--baseline-root")
            .arg(scratch.join("base"))
            .current_dir(&dir)
            .env("CARGO_TARGET_DIR", root.join("target/semver-target"))
            .env("CARGO_NET_OFFLINE", "true")
            .env_remove("RUSTFLAGS")
            .output()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", bin.display()));
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        let summary = text.lines().find(|l| l.trim_start().starts_with("Summary")).unwrap_or("(no summary)");
        println!("{change}: {}", summary.trim());
        // A run that did not get as far as comparing the two versions proves nothing either way.
        assert!(text.contains("Checking"), "{change}: cargo-semver-checks did not run its checks:\n{text}");
        let caller = compile_caller(&scratch, change);
        match (breaking_lint, &caller) {
            (None, Err(out)) => wrong.push(format!("{change}: the base's caller no longer compiles:\n{out}")),
            (Some(_), Ok(())) => wrong.push(format!("{change}: the base's caller still compiles")),
            _ => {}
        }
        match breaking_lint {
            None if !out.status.success() => wrong.push(format!("{change}: flagged as breaking:\n{text}")),
            // A warning is a major-level finding the tool does not fail on (an enum's derived
            // order changing, say): an additive change must not have any.
            None if text.contains("--- warning") => wrong.push(format!("{change}: warned about:\n{text}")),
            Some(lint) if out.status.success() => wrong.push(format!("{change}: passed as minor, expected `{lint}`")),
            Some(lint) if !text.contains(lint) => wrong.push(format!("{change}: failed without `{lint}`:\n{text}")),
            _ => {}
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));
}
