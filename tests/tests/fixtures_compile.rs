//! Every good fixture's output compiles, with the real runtime, without warnings or clippy
//! lints (all fixtures as crates of one scratch workspace, checked by one `cargo clippy` run).

/// Fixtures also compiled split into modules: deprecated items, unions, several operations,
/// maps, recursion, an envelope with pagination, listings in every pagination style.
const SPLIT: &[&str] = &[
    "docs",
    "one_of_any_of",
    "operations",
    "maps_and_free_form",
    "recursive",
    "envelope_pagination",
    "pagination_styles",
];

/// Fixtures also compiled with their models in a separate crate (`operations` split as well;
/// `mapped_types`: models naming `uuid`, `url` and `rt::Base64` in a crate of their own).
const MODELS_CRATE: &[&str] = &[
    "operations",
    "envelope_pagination",
    "one_of_any_of",
    "recursive",
    "request_bodies",
    "parameter_styles",
    "mapped_types",
];

/// Fixtures also compiled with their models spread over a core crate and two group crates
/// (`model_groups` split into modules as well).
const MODEL_GROUPS: &[&str] = &["model_groups", "one_of_any_of", "recursive", "envelope_pagination"];

/// The files of one crate of an output whose paths start with `prefix` (`src/api/types/`).
fn has_file(crates: &[generator::Crate], kind: generator::CrateKind, prefix: &str) -> bool {
    crates.iter().filter(|c| c.kind == kind).flat_map(|c| &c.files).any(|f| f.path.starts_with(prefix))
}

#[test]
fn good_fixtures_compile_without_warnings() {
    use generator::CrateKind::{Client, Group, Models};
    let generate = |name: &str, path: &std::path::Path, options: &generator::Options| {
        let spec = std::fs::read_to_string(path).unwrap();
        testkit::crates(name, &spec, options).unwrap_or_else(|d| panic!("{name} does not generate:\n{d}"))
    };
    let fixtures = testkit::fixtures("good");
    let outputs = fixtures.iter().map(|(name, path)| generate(name, path, &testkit::fixture_options(name, name)));
    // The same fixtures with `types.rs`/`operations.rs` split into modules, as big specs are.
    let split = fixtures.iter().filter(|(name, _)| SPLIT.contains(&name.as_str())).map(|(name, path)| {
        let options = generator::Options { split_over: 1, ..testkit::fixture_options(name, name) };
        let crates = generate(&format!("split-{name}"), path, &options);
        assert!(has_file(&crates, Client, "src/api/types/"), "{name}: types were not split");
        crates
    });
    // And with the models in a crate of their own, as the biggest specs are.
    let models_crate = fixtures.iter().filter(|(name, _)| MODELS_CRATE.contains(&name.as_str())).map(|(name, path)| {
        let krate = format!("models-{name}");
        let options = generator::Options {
            split_over: if name == "operations" { 1 } else { usize::MAX },
            models_crate: Some(format!("fixture_{krate}_models").replace('-', "_")),
            ..testkit::fixture_options(name, name)
        };
        let crates = generate(&krate, path, &options);
        assert!(has_file(&crates, Models, "src/types"), "{name}: no models crate");
        let reexported = format!("pub use {}::types::*;", options.models_crate.as_deref().unwrap_or_default());
        let client = crates.iter().filter(|c| c.kind == Client).flat_map(|c| &c.files);
        assert!(client.filter(|f| f.path.starts_with("src/api/types")).any(|f| f.contents.contains(&reexported)));
        crates
    });
    // And with the models spread over several crates, as the biggest specs are.
    let groups = fixtures.iter().filter(|(name, _)| MODEL_GROUPS.contains(&name.as_str())).map(|(name, path)| {
        let krate = format!("groups-{name}");
        let options = generator::Options {
            split_over: if name == "model_groups" { 1 } else { usize::MAX },
            models_crate: Some(format!("fixture_{krate}_models").replace('-', "_")),
            model_groups: 2,
            ..testkit::fixture_options(name, name)
        };
        let crates = generate(&krate, path, &options);
        assert!(has_file(&crates, Group(1), "src/types"), "{name}: no first group");
        if name == "model_groups" {
            assert!(has_file(&crates, Group(2), "src/types"), "{name}: no second group");
        }
        crates
    });
    // The Swagger 2.0 fixture with `tests/fixtures/overlays/swagger20.yaml` applied and two
    // operations selected (the snapshot `overlay_swagger20`).
    let overlaid = std::iter::once(()).map(|()| {
        let root = testkit::root();
        let spec = std::fs::read_to_string(root.join("tests/fixtures/good/swagger20.yaml")).unwrap();
        let overlay = std::fs::read_to_string(root.join("tests/fixtures/overlays/swagger20.yaml")).unwrap();
        let (spec, _) = generator::overlay::apply(&spec, &[("swagger20 overlay", &overlay)]).unwrap();
        let selection = generator::select::Selection {
            operations: vec!["listPets".to_string(), "GET /pets/{id}".to_string()],
            tags: Vec::new(),
        };
        let spec = generator::select::select(&spec, &selection).unwrap_or_else(|d| panic!("{d}"));
        testkit::crates("overlay_swagger20", &spec, &testkit::options("overlay_swagger20")).unwrap()
    });
    let outputs: Vec<Vec<generator::Crate>> =
        outputs.chain(split).chain(models_crate).chain(groups).chain(overlaid).collect();
    if let Err(out) = testkit::compile_crates("fixture-crates", &outputs) {
        panic!("generated fixture crates do not compile cleanly:\n{out}");
    }
}

/// `reserved_names` (compiled above with every good fixture) names an operation after each
/// method the runtime defines on `Client`, and a security scheme after each of `ClientBuilder`'s,
/// as the runtime declares them (`reserved`); a name added there and not to the fixture
/// by hand fails here until the fixture names it.
#[test]
fn the_reserved_names_fixture_uses_every_runtime_method_name() {
    let spec = std::fs::read_to_string(testkit::root().join("tests/fixtures/good/reserved_names.yaml")).unwrap();
    let reserved = openapi_rust_runtime_model::reserved::CLIENT_METHODS.iter();
    for name in reserved.chain(openapi_rust_runtime_model::reserved::ALSO_TAKEN) {
        assert!(spec.contains(&format!("operationId: {name}\n")), "no operation named `{name}`");
    }
    assert!(spec.contains("operationId: credentialsFor\n"));
    for name in openapi_rust_runtime_model::reserved::BUILDER_METHODS {
        assert!(spec.contains(&format!("    {name}:\n      type: apiKey")), "no security scheme named `{name}`");
    }
    // And no operation or setter takes a reserved name: each is renamed.
    let api = generator::lower(&spec).unwrap();
    for op in &api.operations {
        assert!(
            !openapi_rust_runtime_model::reserved::CLIENT_METHODS.contains(&op.rust_name.as_str()),
            "{}",
            op.rust_name
        );
    }
    for scheme in api.auth.schemes.values() {
        let name = scheme.rust_name.as_str();
        assert!(!openapi_rust_runtime_model::reserved::BUILDER_METHODS.contains(&name), "{name}");
    }
}
