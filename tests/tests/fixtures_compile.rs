//! Every good fixture's output compiles, with the real runtime, without warnings or clippy
//! lints: each becomes a crate in a scratch workspace under `target/`, checked by one
//! `cargo clippy` run (offline, with this workspace's `Cargo.lock`).

use std::fmt::Write as _;
use std::process::Command;

#[test]
fn good_fixtures_compile_without_warnings() {
    let root = testkit::root();
    let scratch = root.join("target/fixture-crates");
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch).unwrap();
    let runtime = root.join("generated/src/runtime/mod.rs");
    let manifest = std::fs::read_to_string(root.join("generated/Cargo.toml")).unwrap();
    let deps = manifest.split("[dependencies]").nth(1).unwrap().split("\n[").next().unwrap();

    let mut members = Vec::new();
    for (name, path) in testkit::fixtures("good") {
        let spec = std::fs::read_to_string(&path).unwrap();
        let files = generator::generate(&spec, &testkit::options(&name)).unwrap();
        let krate = scratch.join(&name);
        let api = krate.join("src/api");
        std::fs::create_dir_all(&api).unwrap();
        for f in files {
            std::fs::write(api.join(&f.path), f.contents).unwrap();
        }
        let lib = format!(
            "//! Fixture `{name}`.\n#![deny(warnings, missing_docs)]\n#[path = {runtime:?}]\nmod runtime;\nmod api;\n\
             pub use api::*;\npub use runtime::public::*;\npub use runtime::rt;\n"
        );
        std::fs::write(krate.join("src/lib.rs"), lib).unwrap();
        let cargo = format!(
            "[package]\nname = \"fixture-{}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]{deps}\n\
             [lints.clippy]\nall = \"deny\"\n",
            name.replace('_', "-")
        );
        std::fs::write(krate.join("Cargo.toml"), cargo).unwrap();
        members.push(name);
    }
    let mut ws = String::from("[workspace]\nresolver = \"2\"\nmembers = [");
    for m in &members {
        let _ = write!(ws, "{m:?}, ");
    }
    ws.push_str("]\n");
    std::fs::write(scratch.join("Cargo.toml"), ws).unwrap();
    std::fs::copy(root.join("Cargo.lock"), scratch.join("Cargo.lock")).unwrap();

    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["clippy", "--offline", "--quiet", "--workspace", "--message-format=short"])
        .current_dir(&scratch)
        .env("CARGO_TARGET_DIR", root.join("target/fixture-target"))
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "generated fixture crates do not compile cleanly:\n{stderr}");
    assert!(!stderr.contains("warning"), "warnings in generated fixture crates:\n{stderr}");
}
