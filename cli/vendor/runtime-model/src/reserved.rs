//! The method names the runtime defines on a generated crate's own `Client` and `ClientBuilder`
//! (by `openapi_rust_runtime::client!`), declared once: the generator reads these lists and never
//! gives an operation or a credential setter one of these names, and a test of the runtime
//! checks that the macro defines exactly these. They live here, in the crate without HTTP, so
//! that the generator can depend on them.

/// Methods of the generated `Client`, as `client!` defines them.
pub const CLIENT_METHODS: &[&str] = &["builder", "from_env", "base_url", "with_options", "call", "call_stream"];

/// Methods of the generated `ClientBuilder`, as `client!` defines them.
pub const BUILDER_METHODS: &[&str] = &[
    "new",
    "credential",
    "base_url",
    "from_env",
    "timeout",
    "max_retries",
    "max_response_size",
    "backoff",
    "http_client",
    "user_agent",
    "header",
    "build",
];

/// Names taken on both types besides their own methods: those of the traits they implement
/// (`Clone`, `Debug`), which a method of the same name would shadow, and `new`, which clippy
/// expects to return `Self`.
pub const ALSO_TAKEN: &[&str] = &["clone", "clone_from", "fmt", "new"];
