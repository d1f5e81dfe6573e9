//! The names `client!` defines are the names `openapi_rust_runtime_model::reserved` declares (and
//! the generator reserves): read from the macro's own text, so that a method added to the macro
//! without its name in the list fails here, not in some generated crate.

use openapi_rust_runtime_model::reserved::{ALSO_TAKEN, BUILDER_METHODS, CLIENT_METHODS};

/// The `pub fn` names of the `impl $name {` block of the macro.
fn methods_of(source: &str, ty: &str) -> Vec<String> {
    let start = source.find(&format!("        impl {ty} {{")).unwrap_or_else(|| panic!("no `impl {ty}` in the macro"));
    let block = &source[start..];
    let end = block.find("\n        }\n").expect("the end of the impl block");
    block[..end]
        .lines()
        .filter_map(|l| l.trim().strip_prefix("pub fn "))
        .map(|rest| rest.split(|c: char| !c.is_alphanumeric() && c != '_').next().unwrap().to_string())
        .collect()
}

#[test]
fn the_reserved_names_are_the_macros_methods() {
    let source = include_str!("../src/macros.rs");
    let client = methods_of(source, "Client");
    let builder = methods_of(source, "ClientBuilder");
    assert_eq!(client, ["builder", "from_env", "base_url", "with_options", "call", "call_stream"]);
    assert_eq!(client, CLIENT_METHODS, "CLIENT_METHODS is not the macro's `impl Client`");
    assert_eq!(builder, BUILDER_METHODS, "BUILDER_METHODS is not the macro's `impl ClientBuilder`");
    assert!(["clone", "fmt", "new"].iter().all(|n| ALSO_TAKEN.contains(n)));
}
