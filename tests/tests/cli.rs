//! The CLI as a user outside this repository meets it: installed with `cargo install` into a
//! temporary root, run in a temporary folder on a spec copied there, its crate built on its own
//! and as a member of a workspace, regenerated after a spec change and after edits of the user's;
//! its embedded runtime equal to the runtime's sources; and the `build.rs` example calling a real
//! server on 127.0.0.1.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// A spec with a paginated operation (so the client has `src/api/paging.rs`).
const SPEC_V1: &str = "openapi: 3.0.3
info: {title: Shelter, version: '1.0'}
servers: [{url: 'https://shelter.example.com'}]
paths:
  /pets:
    get:
      operationId: listPets
      x-pagination: {style: cursor, items: /data, param: cursor, next: /next}
      parameters:
        - {name: cursor, in: query, schema: {type: string}}
      responses:
        '200':
          description: A page of pets.
          content:
            application/json:
              schema:
                type: object
                required: [data]
                properties:
                  data: {type: array, items: {$ref: '#/components/schemas/Pet'}}
                  next: {type: string, nullable: true}
components:
  schemas:
    Pet:
      type: object
      required: [name]
      properties:
        name: {type: string}
        chip: {type: string, format: uuid}
    Scale:
      type: object
      properties:
        weight: {type: number}
";

/// The same API without pagination: `paging.rs` is no longer emitted.
fn spec_v2() -> String {
    SPEC_V1.replace("      x-pagination: {style: cursor, items: /data, param: cursor, next: /next}\n", "")
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

/// The target folder every cargo run of these tests shares (not the workspace's own: a test runs
/// while cargo may hold that one).
fn target_dir() -> PathBuf {
    testkit::root().join("target/cli-test-target")
}

/// A fresh folder outside the repository.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("openapi-rust-gen-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The CLI, installed once per test run with `cargo install --locked --path cli --debug` into a
/// temporary root.
fn cli() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let root = scratch("install");
        let out = Command::new(cargo())
            .args(["install", "--locked", "--offline", "--debug", "--quiet", "--path"])
            .arg(testkit::root().join("cli"))
            .arg("--root")
            .arg(&root)
            .env("CARGO_TARGET_DIR", target_dir())
            .output()
            .unwrap();
        assert!(out.status.success(), "cargo install failed:\n{}", String::from_utf8_lossy(&out.stderr));
        let bin = root.join("bin").join(format!("openapi-rust-gen{}", std::env::consts::EXE_SUFFIX));
        assert!(bin.is_file(), "no binary at {}", bin.display());
        bin
    })
}

/// Runs the installed CLI in `dir`.
fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(cli()).args(args).current_dir(dir).output().unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `cargo build --offline` in `dir` (this repository's lock file copied there, so that the
/// versions are those the registry cache holds); the compiler's output on failure.
fn build(dir: &Path, args: &[&str]) {
    std::fs::copy(testkit::root().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    let out = Command::new(cargo())
        .args(["build", "--offline", "--quiet"])
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target_dir())
        .env_remove("RUSTFLAGS")
        .output()
        .unwrap();
    assert!(out.status.success(), "cargo build in {} failed:\n{}", dir.display(), stderr(&out));
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// `add-operation` from outside the repository: a real operation of Cloudflare's published spec
/// (the committed excerpt) copied into a spec named by the config file beside it, then generated;
/// a second time refused, naming the line; bad arguments rejected with usage.
#[test]
fn add_operation_extends_the_spec_named_by_the_config() {
    let dir = scratch("add-operation");
    std::fs::copy(testkit::root().join("spec/cloudflare-ssl.yaml"), dir.join("api.yaml")).unwrap();
    std::fs::copy(
        testkit::root().join("tests/fixtures/upstream/cloudflare-certificate-packs.json"),
        dir.join("upstream.json"),
    )
    .unwrap();
    std::fs::write(dir.join("openapi-rust-gen.toml"), "spec = \"api.yaml\"\noutput = \"client\"\n").unwrap();
    let before = read(&dir.join("api.yaml"));
    let delete = "certificate-packs-delete-advanced-certificate-manager-certificate-pack";
    let out = run(&dir, &["add-operation", "--from", "upstream.json", "--operation", delete]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains(&format!(
            "added DELETE /zones/{{zone_id}}/ssl/certificate_packs/{{certificate_pack_id}} ({delete})"
        )),
        "{}",
        stdout(&out)
    );
    let after = read(&dir.join("api.yaml"));
    assert!(after.starts_with(before.lines().next().unwrap()) && after.len() > before.len());
    assert!(after.contains(&format!("operationId: {delete}")), "{after}");
    let out = run(&dir, &["generate"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let api =
        std::fs::read_dir(dir.join("client/src/api")).unwrap().map(|e| read(&e.unwrap().path())).collect::<String>();
    assert!(
        api.contains("pub fn certificate_packs_delete_advanced_certificate_manager_certificate_pack("),
        "no method for the added operation"
    );

    let out = run(&dir, &["add-operation", "api.yaml", "--from", "upstream.json", "--operation", delete]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("is already present in the spec") && stderr(&out).contains("(line "),
        "{}",
        stderr(&out)
    );
    assert_eq!(read(&dir.join("api.yaml")), after, "a refused addition writes nothing");
    let out = run(&dir, &["add-operation", "--operation", delete]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("needs --from UPSTREAM"), "{}", stderr(&out));
    let out = run(&dir, &["help", "add-operation"]);
    assert!(out.status.success() && stdout(&out).contains("--from UPSTREAM"), "{}", stdout(&out));
}

#[test]
fn help_and_missing_files() {
    let dir = scratch("help");
    for args in [&["--help"][..], &["help"], &["help", "generate"], &["generate", "--help"], &["check", "-h"]] {
        let out = run(&dir, args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        assert!(stdout(&out).contains("openapi-rust-gen generate"), "{args:?}: {}", stdout(&out));
    }
    let out = run(&dir, &["generate", "missing.yaml", "--out", "client"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("cannot read the spec missing.yaml"), "{}", stderr(&out));
    assert!(!dir.join("client").exists(), "nothing is written for a missing spec");
    let out = run(&dir, &["generate", "--config", "nope.toml"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("no config file at nope.toml"), "{}", stderr(&out));
    let out = run(&dir, &["generate", "api.yaml", "--out"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--out needs a value"), "{}", stderr(&out));
    // An unknown key in the config file beside the spec: named, with its line.
    std::fs::write(dir.join("api.yaml"), SPEC_V1).unwrap();
    std::fs::write(dir.join("openapi-rust-gen.toml"), "spec = \"api.yaml\"\noutput = \"client\"\nlicence = \"MIT\"\n")
        .unwrap();
    let out = run(&dir, &["generate"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("openapi-rust-gen.toml:3: unknown field `licence`"), "{}", stderr(&out));
    // An overlay the config names but that is not there: named, nothing written.
    std::fs::write(dir.join("openapi-rust-gen.toml"), "spec = \"api.yaml\"\noverlays = [\"fix.yaml\"]\n").unwrap();
    let out = run(&dir, &["generate", "--out", "client"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("cannot read the overlay") && stderr(&out).contains("fix.yaml"), "{}", stderr(&out));
    assert!(!dir.join("client").exists());
    // With it, the overlay is applied before generating; `include` naming no operation fails.
    let overlay = "overlay: 1.0.0\ninfo: {title: fix, version: '1'}\nactions:\n  - target: $.paths['/pets'].get\n    \
                   update: {summary: Every pet of the shelter.}\n";
    std::fs::write(dir.join("fix.yaml"), overlay).unwrap();
    let out = run(&dir, &["generate", "--out", "client"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let ops = std::fs::read_to_string(dir.join("client/src/api/operations.rs")).unwrap();
    assert!(ops.contains("Every pet of the shelter."), "{ops}");
    std::fs::write(
        dir.join("openapi-rust-gen.toml"),
        "spec = \"api.yaml\"\noverlays = [\"fix.yaml\"]\ninclude = {operations = [\"adoptPet\"]}\n",
    )
    .unwrap();
    let out = run(&dir, &["generate", "--out", "client"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("`adoptPet` names no operation"), "{}", stderr(&out));
    let _ = std::fs::remove_dir_all(&dir);
}

/// Generate outside the repository, build on its own; the user adds a manifest key, a feature,
/// a module; the spec loses its pagination: regeneration removes `paging.rs` and keeps the
/// user's parts, `check` passes, then fails on an edited file, which `generate` refuses to
/// overwrite without `--force`. The crate still builds.
#[test]
fn generate_build_and_regenerate_outside_the_repository() {
    let dir = scratch("standalone");
    std::fs::write(dir.join("api.yaml"), SPEC_V1).unwrap();
    let out = run(&dir, &["generate", "api.yaml", "--out", "shelter", "--license", "MIT"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("crate `shelter-client`, 1 operations"), "{}", stdout(&out));
    let krate = dir.join("shelter");
    let manifest = read(&krate.join("Cargo.toml"));
    assert!(manifest.contains("\nlicense = \"MIT\"\n") && !manifest.contains("[workspace]"), "{manifest}");
    assert!(krate.join("src/api/paging.rs").is_file() && krate.join("runtime/src/lib.rs").is_file());
    build(&krate, &[]);

    // The user's additions.
    // A feature of the user's beside the one the generator emits (`tracing`), in the same table.
    assert!(manifest.contains("\n[features]\ntracing = "), "{manifest}");
    let manifest = manifest
        .replace("\n[dependencies]\n", "repository = \"https://example.com/shelter\"\n\n[dependencies]\n")
        .replace("\n[features]\n", "\n[features]\nextra = []\n");
    std::fs::write(krate.join("Cargo.toml"), manifest).unwrap();
    std::fs::write(krate.join("src/extra.rs"), "//! Mine.\n\n/// One.\npub fn one() -> u8 {\n    1\n}\n").unwrap();
    let lib = read(&krate.join("src/lib.rs")) + "\n/// The user's module.\npub mod extra;\n";
    std::fs::write(krate.join("src/lib.rs"), &lib).unwrap();
    std::fs::write(krate.join("NOTES.md"), "mine\n").unwrap();

    std::fs::write(dir.join("api.yaml"), spec_v2()).unwrap();
    // Before regenerating, `check` names what the new spec no longer emits.
    let out = run(&dir, &["check", "api.yaml", "--out", "shelter", "--license", "MIT"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("extra: src/api/paging.rs"), "{}", stderr(&out));
    let out = run(&dir, &["generate", "api.yaml", "--out", "shelter", "--license", "MIT"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("removed shelter/src/api/paging.rs"), "{}", stdout(&out));
    assert!(!krate.join("src/api/paging.rs").exists());
    let manifest = read(&krate.join("Cargo.toml"));
    assert!(manifest.contains("repository = \"https://example.com/shelter\""), "{manifest}");
    assert!(manifest.contains("[features]\nextra = []"), "{manifest}");
    assert!(read(&krate.join("src/lib.rs")).ends_with("/// The user's module.\npub mod extra;\n"));
    assert_eq!(read(&krate.join("NOTES.md")), "mine\n");
    assert!(krate.join("src/extra.rs").is_file());

    let args = ["check", "api.yaml", "--out", "shelter", "--license", "MIT"];
    let out = run(&dir, &args);
    assert!(out.status.success(), "{}", stderr(&out));
    // A generated file edited by hand: stale for `check`, refused by `generate`.
    let types = krate.join("src/api/types.rs");
    let edited = read(&types) + "// my edit\n";
    std::fs::write(&types, &edited).unwrap();
    let out = run(&dir, &args);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("stale: src/api/types.rs"), "{}", stderr(&out));
    let regenerate = ["generate", "api.yaml", "--out", "shelter", "--license", "MIT"];
    let out = run(&dir, &regenerate);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("edited by hand: src/api/types.rs") && stderr(&out).contains("--force"));
    assert_eq!(read(&types), edited, "nothing is written when a file was edited");
    let out = run(&dir, &[&regenerate[..], &["--force"]].concat());
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!read(&types).contains("// my edit"));
    assert!(run(&dir, &args).status.success());
    build(&krate, &[]);
    let _ = std::fs::remove_dir_all(&dir);
}

/// From a config file, into a workspace of the user's: the crate (and the runtime crates beside
/// it) build as its members; `--workspace standalone` gives the crate a `[workspace]` instead.
/// The config's `[types]` maps `format: uuid` (the crate depends on `uuid`, the vendored runtime
/// turns on its feature) and its `derives` add `Eq` and `Hash` where they fit, with a note for the
/// model they do not (an `f64`).
#[test]
fn generated_crate_builds_as_a_workspace_member() {
    let dir = scratch("member");
    std::fs::write(dir.join("Cargo.toml"), "[workspace]\nresolver = \"2\"\nmembers = [\"clients/shelter\"]\n").unwrap();
    std::fs::create_dir_all(dir.join("spec")).unwrap();
    std::fs::write(dir.join("spec/api.yaml"), SPEC_V1).unwrap();
    std::fs::write(
        dir.join("spec/openapi-rust-gen.toml"),
        "spec = \"api.yaml\"\noutput = \"../clients/shelter\"\nname = \"shelter\"\nversion = \"2.0.0\"\n\
         description = \"Our shelter client.\"\nderives = [\"Eq\", \"Hash\"]\n\n[types]\nuuid = \"uuid::Uuid\"\n",
    )
    .unwrap();
    let out = run(&dir, &["generate", "--config", "spec/openapi-rust-gen.toml"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out)
            .contains("note: spec/api.yaml: Scale: no Eq (field `weight` is a number (`f64`, which has no `Eq`))"),
        "{}",
        stderr(&out)
    );
    let types = read(&dir.join("clients/shelter/src/api/types.rs"));
    assert!(
        types.contains("#[derive(Debug, Clone, PartialEq, Eq, Hash)]\n#[non_exhaustive]\npub struct Pet {"),
        "{types}"
    );
    assert!(types.contains("pub chip: Option<uuid::Uuid>,"), "{types}");
    let manifest = read(&dir.join("clients/shelter/Cargo.toml"));
    assert!(
        manifest.contains("features = [\"uuid\"] }\n") && manifest.contains("\nuuid = { version = \"1\""),
        "{manifest}"
    );
    assert!(manifest.contains("name = \"shelter\"\nversion = \"2.0.0\""), "{manifest}");
    assert!(manifest.contains("description = \"Our shelter client.\"") && !manifest.contains("[workspace]"));
    build(&dir, &["-p", "shelter"]);
    let out = run(&dir, &["check", "--config", "spec/openapi-rust-gen.toml"]);
    assert!(out.status.success(), "{}", stderr(&out));

    let out = run(&dir, &["generate", "--config", "spec/openapi-rust-gen.toml", "--workspace", "standalone"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(read(&dir.join("clients/shelter/Cargo.toml")).ends_with("\n[workspace]\n"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// The runtime the CLI writes beside a client is this repository's, byte for byte, and all of it.
#[test]
fn embedded_runtime_is_the_runtime() {
    let root = testkit::root();
    let embedded: std::collections::BTreeMap<&str, &str> = openapi_rust_gen::RUNTIME_FILES.iter().copied().collect();
    let mut sources = 0;
    for folder in ["runtime", "runtime-model"] {
        let src = root.join(folder).join("src");
        for entry in std::fs::read_dir(&src).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let key = format!("{folder}/src/{name}");
            assert_eq!(embedded.get(key.as_str()).copied(), Some(read(&path).as_str()), "{key} differs or is missing");
            sources += 1;
        }
        assert!(embedded.contains_key(format!("{folder}/Cargo.toml").as_str()));
    }
    assert_eq!(embedded.len(), sources + 2, "the CLI embeds files the runtime does not have");
}

/// The client `examples/build-rs` generates in its build script calls a real server.
#[tokio::test]
async fn build_rs_example_calls_a_real_server() {
    use wiremock::matchers::{method, path, query_param};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let server = MockServer::start().await;
    let pets = serde_json::json!([{"id": 1, "name": "Tom", "tag": "cats"}, {"id": 2, "name": "Kit"}]);
    Mock::given(method("GET"))
        .and(path("/pets"))
        .and(query_param("tag", "cats"))
        .respond_with(ResponseTemplate::new(200).set_body_json(pets))
        .expect(1)
        .mount(&server)
        .await;
    let client = build_rs_example::Client::builder().base_url(server.uri()).from_env(false).build().unwrap();
    let names = build_rs_example::names_for_tag(&client, "cats").await.unwrap();
    assert_eq!(names, ["Tom", "Kit"]);
}
