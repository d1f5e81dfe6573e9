//! Every good fixture's output compiles, with the real runtime, without warnings or clippy
//! lints (all fixtures as crates of one scratch workspace, checked by one `cargo clippy` run).

#[test]
fn good_fixtures_compile_without_warnings() {
    let crates: Vec<(String, Vec<generator::File>)> = testkit::fixtures("good")
        .into_iter()
        .map(|(name, path)| {
            let spec = std::fs::read_to_string(&path).unwrap();
            let files = generator::generate(&spec, &testkit::options(&name))
                .unwrap_or_else(|d| panic!("{name} does not generate:\n{d}"));
            (name, files)
        })
        .collect();
    if let Err(out) = testkit::compile_crates("fixture-crates", &crates) {
        panic!("generated fixture crates do not compile cleanly:\n{out}");
    }
}
