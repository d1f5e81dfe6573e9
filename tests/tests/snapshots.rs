//! Every fixture spec under `tests/fixtures/good/` generates; its output is snapshotted, and
//! generating twice gives byte-identical text.

#[test]
fn good_fixtures_generate_deterministically() {
    let fixtures = testkit::fixtures("good");
    assert!(!fixtures.is_empty(), "no fixtures found");
    for (name, path) in fixtures {
        let spec = std::fs::read_to_string(&path).unwrap();
        let label = format!("tests/fixtures/good/{name}.yaml");
        // A fixture with a config beside it (`NAME.toml`) is generated with its `[types]` and `derives`.
        let options = testkit::fixture_options(&name, &label);
        let first = testkit::generate_joined_with(&spec, &options)
            .unwrap_or_else(|d| panic!("{name} failed to generate:\n{d}"));
        let second = testkit::generate_joined_with(&spec, &options).unwrap();
        assert_eq!(first, second, "{name}: output differs between two runs");
        insta::assert_snapshot!(name.clone(), first);
    }
}

/// The models of `model_groups` spread over crates: `Money` (named by nine models) and what it
/// names in the core, the rest in two groups that name the core's models but not each other's.
#[test]
fn model_groups_layout() {
    let spec = std::fs::read_to_string(testkit::root().join("tests/fixtures/good/model_groups.yaml")).unwrap();
    let options = generator::Options {
        models_crate: Some("shop_models".into()),
        model_groups: 2,
        ..testkit::options("tests/fixtures/good/model_groups.yaml")
    };
    let files = generator::generate(&spec, &options).unwrap();
    let again = generator::generate(&spec, &options).unwrap();
    assert_eq!(files, again, "output differs between two runs");
    let mut joined = String::new();
    for f in files {
        joined.push_str(&format!("// ===== {} =====\n{}", f.path, f.contents));
    }
    insta::assert_snapshot!(joined);
}

#[test]
fn bad_fixtures_give_located_diagnostics() {
    let fixtures = testkit::fixtures("bad");
    assert!(!fixtures.is_empty(), "no fixtures found");
    for (name, path) in fixtures {
        let spec = std::fs::read_to_string(&path).unwrap();
        let result = std::panic::catch_unwind(|| generator::generate(&spec, &testkit::options(&name)));
        let Ok(result) = result else { panic!("{name}: the generator panicked") };
        let diags = match result {
            Ok(_) => panic!("{name}: a bad spec generated without a diagnostic"),
            Err(d) => d,
        };
        for d in &diags.0 {
            assert!(!d.message.is_empty(), "{name}: empty message");
            assert!(d.pointer.starts_with('/') || d.line.is_some(), "{name}: diagnostic without a location: {d}");
        }
        insta::assert_snapshot!(format!("diag_{name}"), diags.to_string());
    }
}

/// An operation that cannot be called as its spec describes it is left out with a warning that
/// says where and why; the rest of the API is generated.
#[test]
fn operations_left_out_are_located_warnings() {
    let path = testkit::root().join("tests/fixtures/good/multipart_not_object.yaml");
    let spec = std::fs::read_to_string(path).unwrap();
    let (api, warnings) = generator::lower_with_warnings(&spec).unwrap();
    let names: Vec<&str> = api.operations.iter().map(|op| op.rust_name.as_str()).collect();
    assert_eq!(names, ["ping"]);
    assert_eq!(
        warnings.to_string(),
        "warning: at /paths/~1upload/post/requestBody/content/multipart~1form-data/schema (line 13): a \
         multipart/form-data body must be an object (its properties name the fields or parts); the operation is \
         left out of the client\n"
    );
}

/// An overlay (`tests/fixtures/overlays/swagger20.yaml`) applied to the Swagger 2.0 fixture as
/// written, before its upgrade, then two operations selected (`generator::select`): the
/// listing pages by `Link` header, `Pet.name` is optional, `Pet.nickname` is new, two query
/// parameters are gone, and only `listPets`, `getPet` and what they reference are generated.
#[test]
fn overlaid_and_selected_fixture() {
    let root = testkit::root();
    let spec = std::fs::read_to_string(root.join("tests/fixtures/good/swagger20.yaml")).unwrap();
    let label = "tests/fixtures/overlays/swagger20.yaml";
    let overlay = std::fs::read_to_string(root.join(label)).unwrap();
    let (overlaid, warnings) = generator::overlay::apply(&spec, &[(label, &overlay)]).unwrap_or_else(|d| panic!("{d}"));
    assert!(warnings.is_empty(), "{warnings:?}");
    let selection = generator::select::Selection {
        operations: vec!["listPets".to_string(), "GET /pets/{id}".to_string()],
        tags: Vec::new(),
    };
    let selected = generator::select::select(&overlaid, &selection).unwrap_or_else(|d| panic!("{d}"));
    let spec_label = "tests/fixtures/good/swagger20.yaml with tests/fixtures/overlays/swagger20.yaml";
    let first = testkit::generate_joined(&selected, spec_label).unwrap_or_else(|d| panic!("{d}"));
    let again =
        generator::select::select(&generator::overlay::apply(&spec, &[(label, &overlay)]).unwrap().0, &selection);
    assert_eq!(
        testkit::generate_joined(&again.unwrap(), spec_label).unwrap(),
        first,
        "output differs between two runs"
    );
    insta::assert_snapshot!("overlay_swagger20", first);
}

/// Malformed overlays give every finding, located in the overlay (pointer and line), and apply
/// nothing.
#[test]
fn bad_overlays_give_located_diagnostics() {
    let root = testkit::root();
    let spec = std::fs::read_to_string(root.join("tests/fixtures/good/swagger20.yaml")).unwrap();
    for name in ["bad_actions", "bad_targets"] {
        let label = format!("tests/fixtures/overlays/{name}.yaml");
        let overlay = std::fs::read_to_string(root.join(&label)).unwrap();
        let diags = match generator::overlay::apply(&spec, &[(&label, &overlay)]) {
            Ok(_) => panic!("{name}: a bad overlay applied without a diagnostic"),
            Err(d) => d,
        };
        for d in &diags.0 {
            assert!(d.pointer.starts_with('/') && d.line.is_some(), "{name}: diagnostic without a location: {d}");
        }
        insta::assert_snapshot!(format!("diag_overlay_{name}"), diags.to_string());
    }
}
