//! What the examples share: printing an error with the API's codes and messages.

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
