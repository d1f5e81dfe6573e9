//! The checked-in client is what the generator emits from the spec now (the same check as
//! `cargo xtask codegen --check`).

#[test]
fn checked_in_client_is_fresh() {
    if let Err(e) = xtask::codegen(true) {
        panic!("{e}");
    }
}

#[test]
fn generation_is_deterministic() {
    let spec = std::fs::read_to_string(testkit::root().join(xtask::SPEC)).unwrap();
    let a = testkit::generate_joined(&spec, xtask::SPEC).unwrap();
    let b = testkit::generate_joined(&spec, xtask::SPEC).unwrap();
    assert_eq!(a, b);
}
