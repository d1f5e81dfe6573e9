//! Prints every custom origin trust store certificate of a zone, across all pages, as one JSON
//! array.
//!
//! ```text
//! cargo run -p cloudflare-ssl-examples --example list_custom_trust_store -- ZONE_ID [PER_PAGE]
//! ```
//!
//! Credentials come from `CLOUDFLARE_API_TOKEN` (or `CLOUDFLARE_EMAIL` + `CLOUDFLARE_API_KEY`),
//! the base URL from `CLOUDFLARE_BASE_URL` when set. Errors go to stderr with the API's error
//! codes and messages, and the exit status is non-zero.

use cloudflare_ssl::types::ListCustomTrustStoreParams;
use cloudflare_ssl_examples::fail;
use futures_util::TryStreamExt;
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (zone_id, per_page) = match args.as_slice() {
        [zone] => (zone, None),
        [zone, per_page] => match per_page.parse::<f64>() {
            Ok(n) => (zone, Some(n)),
            Err(_) => {
                eprintln!("error: PER_PAGE must be a number, got {per_page:?}");
                return ExitCode::from(2);
            }
        },
        _ => {
            eprintln!("usage: list_custom_trust_store ZONE_ID [PER_PAGE]");
            return ExitCode::from(2);
        }
    };
    let client = match cloudflare_ssl::Client::from_env() {
        Ok(c) => c,
        Err(e) => return fail(&e),
    };
    // The params struct is `#[non_exhaustive]` (a later spec may add parameters): start from
    // `default()` and set fields, rather than a struct literal.
    let mut params = ListCustomTrustStoreParams::default();
    params.per_page = per_page;
    let items: Vec<_> = match client.list_custom_trust_store(zone_id, &params).items().try_collect().await {
        Ok(items) => items,
        Err(e) => return fail(&e),
    };
    match serde_json::to_string_pretty(&items) {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: cannot print the result: {e}");
            ExitCode::FAILURE
        }
    }
}
