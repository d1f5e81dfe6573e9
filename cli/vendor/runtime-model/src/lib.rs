//! The half of the hand-written runtime (`openapi-rust-runtime`) that the emitted models stand on: the shared halves of
//! their `Serialize`/`Deserialize` impls, small value types, and how values become parameters.
//! It depends on `serde`, `serde_json` and `chrono` only (and `uuid`, `url` behind the features
//! of the same names), not on the HTTP stack (nor on the runtime, which depends on it), so that
//! a big API's models can be a crate of their own that compiles beside the HTTP dependencies
//! (see `ARCHITECTURE.md`). [`reserved`] declares the names the runtime defines on generated
//! clients, for the generator.

pub mod base64;
pub mod binary;
pub mod param;
pub mod reserved;
pub mod serde_impl;
pub mod values;

pub use base64::Base64;
pub use binary::Binary;
pub use param::{JsonParam, ParamValue};
pub use values::{False, True};

/// The building blocks emitted models name, as `crate::rt::...`.
pub mod rt {
    /// The shared halves of the generated models' `Serialize`/`Deserialize` impls.
    pub use super::serde_impl as model;
    pub use super::{Base64, Binary, False, JsonParam, ParamValue, True};
}
