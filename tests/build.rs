//! Generates the client of the fixture `mapped_types` into `OUT_DIR/mapped_types.rs` with the
//! config beside it (`[types]` mappings and `derives`), through the `build.rs` route
//! (`openapi_rust_gen::Builder`), for `tests/client_mapped_types.rs`, which includes it.

fn main() {
    let Some(out) = std::env::var_os("OUT_DIR") else {
        eprintln!("OUT_DIR is not set: run this through cargo");
        std::process::exit(1);
    };
    let builder =
        openapi_rust_gen::Builder::from_config("fixtures/good/mapped_types.toml").file_name("mapped_types.rs");
    if let Err(e) = builder.write_to(std::path::Path::new(&out)) {
        eprintln!("{e}");
        std::process::exit(1);
    }
}
