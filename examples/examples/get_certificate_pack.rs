//! Prints one certificate pack as JSON.
//!
//! ```text
//! cargo run -p cloudflare-ssl-examples --example get_certificate_pack -- ZONE_ID CERTIFICATE_PACK_ID
//! ```
//!
//! Credentials come from `CLOUDFLARE_API_TOKEN` (or `CLOUDFLARE_EMAIL` + `CLOUDFLARE_API_KEY`),
//! the base URL from `CLOUDFLARE_BASE_URL` when set. Errors go to stderr with the API's error
//! codes and messages, and the exit status is non-zero.

use cloudflare_ssl_examples::fail;
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [zone_id, pack_id] = args.as_slice() else {
        eprintln!("usage: get_certificate_pack ZONE_ID CERTIFICATE_PACK_ID");
        return ExitCode::from(2);
    };
    let client = match cloudflare_ssl::Client::from_env() {
        Ok(c) => c,
        Err(e) => return fail(&e),
    };
    match client.get_certificate_pack(zone_id, pack_id, &Default::default()).await {
        Ok(pack) => match serde_json::to_string_pretty(&pack) {
            Ok(json) => {
                println!("{json}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: cannot print the result: {e}");
                ExitCode::FAILURE
            }
        },
        Err(e) => fail(&e),
    }
}
