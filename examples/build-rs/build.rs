//! Generates the Pets client into `OUT_DIR/client.rs` from the spec the config file beside this
//! crate names; `src/lib.rs` includes it.

fn main() {
    let Some(out) = std::env::var_os("OUT_DIR") else {
        eprintln!("OUT_DIR is not set: run this through cargo");
        std::process::exit(1);
    };
    if let Err(e) = openapi_rust_gen::Builder::from_config("openapi-rust-gen.toml").write_to(std::path::Path::new(&out))
    {
        eprintln!("{e}");
        std::process::exit(1);
    }
}
