//! `openapi-rust-gen`: a typed, documented async Rust client crate from an OpenAPI description.
//!
//! The binary (`openapi-rust-gen generate|check`, see `openapi-rust-gen help`) writes a client
//! crate with the runtime's crates vendored beside it, from a spec and an optional config file
//! (`openapi-rust-gen.toml`), and regenerates it keeping what its owner added. As a library it
//! is the generator (re-exported) and the `build.rs` route, [`Builder`]:
//!
//! ```no_run
//! // build.rs: `fn main` of the build script.
//! let out = std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR");
//! openapi_rust_gen::Builder::new("api.yaml").write_to(std::path::Path::new(&out))?;
//! # Ok::<(), openapi_rust_gen::project::ProjectError>(())
//! ```

#![forbid(unsafe_code)]

mod embedded;

pub use embedded::RUNTIME_FILES;
pub use generator::project::{self, Builder, Config};
pub use generator::*;
