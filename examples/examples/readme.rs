//! The README's "Using the client", compiled: README.md includes this file verbatim (a test
//! keeps the two the same). Run it with `cargo run -p cloudflare-ssl-examples --example readme`.
use cloudflare_ssl::{types::ListCustomTrustStoreParams, Client};
use futures_util::TryStreamExt;

#[tokio::main]
async fn main() -> Result<(), cloudflare_ssl::Error> {
    let token = std::env::var("CLOUDFLARE_API_TOKEN").unwrap_or_default();
    let zone_id = "023e105f4ecef8ad9ca31a8372d0c353";
    let pack_id = "3822ff90ea2944df9e5521300bb9419b";

    // Credentials and base URL can also come from the environment alone: `Client::from_env()`
    // reads CLOUDFLARE_API_TOKEN (or CLOUDFLARE_EMAIL + CLOUDFLARE_API_KEY) and CLOUDFLARE_BASE_URL.
    let client = Client::builder().api_token(token).build()?;

    // Awaiting a call gives the decoded value: here a `types::CertificatePack`. Every method takes
    // its optional parameters as a struct, this one's empty so far (`&Default::default()`).
    let pack = client.get_certificate_pack(zone_id, pack_id, &Default::default()).await?;
    println!("{:?} covers {:?}", pack.status, pack.hosts);

    // Every item of every page; one page in memory at a time. `per_page` must be 5..=50: a value
    // outside is an `Error::InvalidArgument`, before anything is sent.
    let params = ListCustomTrustStoreParams::default().per_page(50.0);
    let all: Vec<_> = client.list_custom_trust_store(zone_id, &params).items().try_collect().await?;
    println!("{} certificates", all.len());

    // Per-call settings, and the raw status and headers.
    let response = client
        .get_certificate_pack(zone_id, pack_id, &Default::default())
        .timeout(std::time::Duration::from_secs(5))
        .max_retries(0)
        .send()
        .await?;
    println!("{} {:?}", response.status, response.headers.get("cf-ray"));
    Ok(())
}
