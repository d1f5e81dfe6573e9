//! A typed async client for Cloudflare's SSL/TLS API: certificate packs and the custom origin
//! trust store.
//!
//! The models and operations in [`types`] and on [`Client`] are generated from
//! `spec/cloudflare-ssl.yaml` by `cargo xtask codegen`; the runtime under them (HTTP, auth,
//! retries, errors, pagination) is the hand-written crate `openapi-rust-runtime`. To add an endpoint, add it to the spec and
//! regenerate.
//!
//! ```no_run
//! # async fn demo() -> Result<(), cloudflare_ssl::Error> {
//! use futures_util::TryStreamExt;
//!
//! // Reads CLOUDFLARE_API_TOKEN (or CLOUDFLARE_EMAIL + CLOUDFLARE_API_KEY) and CLOUDFLARE_BASE_URL.
//! let client = cloudflare_ssl::Client::from_env()?;
//! let pack = client
//!     .get_certificate_pack("023e105f4ecef8ad9ca31a8372d0c353", "3822ff90ea2944df9e5521300bb9419b")
//!     .await?;
//! println!("{:?} covers {:?}", pack.status, pack.hosts);
//!
//! let params = cloudflare_ssl::types::ListCustomTrustStoreParams::default().per_page(50.0);
//! let all: Vec<_> = client
//!     .list_custom_trust_store("023e105f4ecef8ad9ca31a8372d0c353", &params)
//!     .items()
//!     .try_collect()
//!     .await?;
//! println!("{} certificates", all.len());
//! # Ok(())
//! # }
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[rustfmt::skip] // Emitted code is formatted by the generator (prettyplease), never by rustfmt.
mod api;

pub use api::*;
pub use openapi_rust_runtime::public::*;
pub use openapi_rust_runtime::rt;
