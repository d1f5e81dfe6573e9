//! Runnable examples of the generated client `cloudflare-ssl`, in `examples/` (this library is
//! what they share: printing an error with the API's codes and messages).
//!
//! ```text
//! cargo run -p cloudflare-ssl-examples --example get_certificate_pack -- ZONE_ID CERTIFICATE_PACK_ID
//! cargo run -p cloudflare-ssl-examples --example list_custom_trust_store -- ZONE_ID [PER_PAGE]
//! cargo run -p cloudflare-ssl-examples --example readme
//! ```
//!
//! `readme` is the program README.md shows (a test keeps the two the same).

use std::process::ExitCode;

/// Prints `e` to stderr, one line per API error code, and returns a failing exit code.
pub fn fail(e: &cloudflare_ssl::Error) -> ExitCode {
    eprintln!("error: {e}");
    if let Some(api) = e.api() {
        for m in &api.errors {
            eprintln!("  code {}: {}", m.code, m.message);
        }
    }
    ExitCode::FAILURE
}
