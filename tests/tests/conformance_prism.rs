//! Conformance against an independent implementation of our own spec: the Prism mock server
//! (`@stoplight/prism-cli`), started on 127.0.0.1 from `spec/cloudflare-ssl.yaml`. Prism
//! validates each request (path, query constraints, auth headers) against the spec and answers
//! with the documented examples (static mode) or with data generated from the schemas (dynamic
//! mode), which the client must decode.
//!
//! A slow suite (the `tests` crate's `slow` feature): `cargo xtask test --slow` installs Prism
//! and runs it. Prism is found through `PRISM_BIN`, `$CARGO_TARGET_DIR/prism` (default
//! `target/prism`, where `cargo xtask test --slow` installs it) or `PATH`; without it the test
//! fails.

use cloudflare_ssl::types::ListCustomTrustStoreParams;
use cloudflare_ssl::{Client, Error};
use futures_util::StreamExt;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const ZONE: &str = "023e105f4ecef8ad9ca31a8372d0c353";
const PACK: &str = "3822ff90ea2944df9e5521300bb9419b";

struct Prism {
    child: Child,
    base_url: String,
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `PRISM_BIN`, the copy `cargo xtask test --slow` installs (under `$CARGO_TARGET_DIR`, else
/// `target/`), or `prism` on the `PATH`.
fn prism_bin() -> Option<PathBuf> {
    let installed = xtask::prism_path();
    if std::env::var_os("PRISM_BIN").is_some() || installed.exists() {
        return Some(installed);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|d| d.join("prism")).find(|p| p.exists())
}

fn start(dynamic: bool) -> Prism {
    // Never skipped: this suite runs only when asked for (the `slow` feature), and
    // `cargo xtask test --slow` installs Prism first.
    let Some(bin) = prism_bin() else {
        panic!("Prism not found: run `cargo xtask test --slow`, which installs it, or set PRISM_BIN")
    };
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let spec = testkit::root().join(xtask::SPEC);
    let mut cmd = Command::new(bin);
    cmd.args(["mock", "-h", "127.0.0.1", "-p", &port.to_string()]);
    if dynamic {
        cmd.arg("-d");
    }
    let child = cmd.arg(&spec).stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("prism starts");
    let prism = Prism { child, base_url: format!("http://127.0.0.1:{port}") };
    let deadline = Instant::now() + Duration::from_secs(60);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "prism did not start listening within 60 s");
        std::thread::sleep(Duration::from_millis(100));
    }
    prism
}

fn client(prism: &Prism) -> Client {
    Client::builder()
        .from_env(false)
        .base_url(&prism.base_url)
        .api_token("prism-test-token")
        .max_retries(0)
        .build()
        .unwrap()
}

#[tokio::test]
async fn both_operations_conform_to_the_spec_static_examples() {
    let prism = start(false);
    let client = client(&prism);

    let pack = client.get_certificate_pack(ZONE, PACK, &Default::default()).await.expect("Prism accepts the request");
    assert_eq!(pack.id, ZONE, "Prism answers with the documented example");
    assert_eq!(pack.hosts, ["example.com", "*.example.com", "www.example.com"]);

    let params = ListCustomTrustStoreParams::default().page(1.0).per_page(20.0);
    let first = client.list_custom_trust_store(ZONE, &params).send().await.expect("Prism accepts the request");
    assert_eq!(first.status, 200);
    assert_eq!(first.data.items.len(), 1);
    assert_eq!(first.data.info.as_ref().and_then(|i| i.total_pages), Some(100.0));

    // The example claims 100 pages but Prism answers every page with the same example: the
    // walk must notice that the page parameter is ignored and stop, not make 100 requests.
    let pages: Vec<_> = client.list_custom_trust_store(ZONE, &params).pages().collect().await;
    assert_eq!(pages.len(), 2, "one good page, then the error");
    assert!(pages[0].is_ok());
    assert!(matches!(pages[1], Err(Error::Pagination(_))), "{:?}", pages[1]);
}

#[tokio::test]
async fn prism_rejects_what_the_spec_forbids_so_the_client_never_sends_it() {
    let prism = start(false);
    // Without credentials Prism answers 401: the spec's security is enforced on its side.
    let status = plain_get(&prism.base_url, &format!("/zones/{ZONE}/acm/custom_trust_store")).await;
    assert_eq!(status, 401);
    // Out of range, Prism answers 422; the client checks the same constraint before sending.
    let status = plain_get(&prism.base_url, &format!("/zones/{ZONE}/acm/custom_trust_store?per_page=51")).await;
    assert!(status == 401 || status == 422, "{status}");
    let err = client(&prism).list_custom_trust_store(ZONE, &ListCustomTrustStoreParams::default().per_page(51.0)).await;
    assert!(matches!(err, Err(Error::InvalidArgument { ref name, .. }) if name == "per_page"), "{err:?}");
    // And the email + key scheme is accepted by Prism as well.
    let legacy = Client::builder()
        .from_env(false)
        .base_url(&prism.base_url)
        .api_email("user@example.com")
        .api_key("144c9defac04969c7bfad8efaa8ea194")
        .build()
        .unwrap();
    legacy.get_certificate_pack(ZONE, PACK, &Default::default()).await.expect("Prism accepts email + key");
}

/// A plain HTTP/1.1 GET without credentials; returns the status code.
async fn plain_get(base: &str, path: &str) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let req = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: application/json\r\nConnection: close\r\n\r\n");
    stream.write_all(req.as_bytes()).await.unwrap();
    let mut buf = Vec::new();
    stream.read_to_end(&mut buf).await.unwrap();
    let text = String::from_utf8_lossy(&buf);
    text.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0)
}

#[tokio::test]
async fn generated_data_from_the_schemas_decodes() {
    let prism = start(true);
    let client = client(&prism);
    // Dynamic mode invents values for every field from the schemas (random enum members,
    // strings up to maxLength, date-times...). Every one of them must decode.
    for _ in 0..20 {
        client.get_certificate_pack(ZONE, PACK, &Default::default()).await.expect("generated certificate pack decodes");
        let page = client
            .list_custom_trust_store(ZONE, &ListCustomTrustStoreParams::default().per_page(5.0))
            .await
            .expect("generated trust store page decodes");
        let _ = page.items.len();
    }
}
