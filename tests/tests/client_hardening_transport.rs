//! The runtime's transport under hostile servers and configurations (issue 12): bounded
//! response bodies, base URLs that carry credentials, permanent failures that are not retried,
//! and redirects that would carry a query API key away in `Referer`.
//!
//! Servers are our own on 127.0.0.1: raw TCP listeners that answer with canned bytes and count
//! what they see (connections, bytes written), and a TLS listener with a self-signed
//! certificate. Nothing is timed: waits are bounded by the client's timeout only so that a
//! regression fails instead of hanging.

use cloudflare_ssl::rt::{Bytes, Empty, Method, Request};
use cloudflare_ssl::{
    ApiSpec, AuthKind, AuthScheme, Backoff, Client, ClientBuilder, Error, RequestOptions, ERROR_BODY_LIMIT,
};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What a canned server answers: the head (status line and headers, without the blank line),
/// then `body_len` bytes of `x` in 64 KiB writes, optionally chunked, or nothing after the head.
#[derive(Clone)]
struct Answer {
    head: String,
    body_len: usize,
    chunked: bool,
    /// Keep the connection open after the head without writing anything (a stall).
    stall: bool,
}

/// A loopback server answering every request with `answer`; counts connections and the body
/// bytes it managed to write on each.
struct Canned {
    base: String,
    connections: Arc<AtomicUsize>,
    written: Arc<std::sync::Mutex<Vec<usize>>>,
}

async fn read_head(socket: &mut TcpStream) -> Option<Vec<u8>> {
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        if head.len() > 64 * 1024 {
            return None;
        }
        match socket.read(&mut buf).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    Some(head)
}

impl Canned {
    async fn start(answer: Answer) -> Canned {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let connections = Arc::new(AtomicUsize::new(0));
        let written = Arc::new(std::sync::Mutex::new(Vec::new()));
        let (count, record) = (connections.clone(), written.clone());
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                count.fetch_add(1, Ordering::SeqCst);
                let (answer, record) = (answer.clone(), record.clone());
                tokio::spawn(async move {
                    if read_head(&mut socket).await.is_none() {
                        return;
                    }
                    let head = format!("{}\r\nconnection: close\r\n\r\n", answer.head);
                    if socket.write_all(head.as_bytes()).await.is_err() {
                        return;
                    }
                    if answer.stall {
                        // Held open until the client gives up (its timeout bounds this).
                        let mut buf = [0u8; 1];
                        let _ = socket.read(&mut buf).await;
                        return;
                    }
                    let chunk = vec![b'x'; 64 * 1024];
                    let mut sent = 0;
                    while sent < answer.body_len {
                        let n = chunk.len().min(answer.body_len - sent);
                        let ok = if answer.chunked {
                            let mut piece = format!("{n:x}\r\n").into_bytes();
                            piece.extend_from_slice(&chunk[..n]);
                            piece.extend_from_slice(b"\r\n");
                            socket.write_all(&piece).await
                        } else {
                            socket.write_all(&chunk[..n]).await
                        };
                        if ok.is_err() {
                            break;
                        }
                        sent += n;
                    }
                    if answer.chunked && sent == answer.body_len {
                        let _ = socket.write_all(b"0\r\n\r\n").await;
                    }
                    record.lock().unwrap().push(sent);
                    let _ = socket.shutdown().await;
                });
            }
        });
        Canned { base, connections, written }
    }

    fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

fn answer(status: &str, body_len: usize, chunked: bool) -> Answer {
    let framing =
        if chunked { "transfer-encoding: chunked".to_string() } else { format!("content-length: {body_len}") };
    Answer {
        head: format!("HTTP/1.1 {status}\r\ncontent-type: text/plain\r\n{framing}"),
        body_len,
        chunked,
        stall: false,
    }
}

fn quick() -> Backoff {
    Backoff { initial: Duration::from_millis(1), max: Duration::from_millis(2) }
}

fn client(base: &str) -> ClientBuilder {
    Client::builder()
        .from_env(false)
        .base_url(base)
        .api_token("tok-SECRET")
        .backoff(quick())
        .timeout(Duration::from_secs(30))
}

fn get() -> Request {
    let mut r = Request::new(Method::GET, true);
    r.literal("/r");
    r
}

// Class 3: bounded bodies.

#[tokio::test]
async fn a_body_over_the_limit_fails_without_being_read_whole() {
    // Announced over the limit: refused at the head, before any byte of the body (the server
    // stalls after the head, so reading would only end at the 30 s timeout).
    let stalled = Canned::start(Answer { stall: true, ..answer("200 OK", 200_000_000, false) }).await;
    let err = client(&stalled.base).max_response_size(1024 * 1024).build().unwrap().call::<Bytes>(get()).await;
    match err {
        Err(Error::TooLarge { status, limit, content_length, attempts, .. }) => {
            assert_eq!((status.as_u16(), limit, content_length, attempts), (200, 1024 * 1024, Some(200_000_000), 1));
        }
        other => panic!("expected TooLarge, got {other:?}"),
    }
    assert_eq!(stalled.connections(), 1, "not retried");

    // Not announced (chunked): reading stops at the limit, far before the 64 MiB the server
    // has; what it could write is bounded by the socket buffers, not the body.
    let endless = Canned::start(answer("200 OK", 64 * 1024 * 1024, true)).await;
    let err = client(&endless.base).max_response_size(1024 * 1024).build().unwrap().call::<Bytes>(get()).await;
    let shown = match err {
        Err(e @ Error::TooLarge { content_length: None, .. }) => e.to_string(),
        other => panic!("expected TooLarge, got {other:?}"),
    };
    assert!(shown.contains("over the limit of 1048576 bytes"), "{shown}");
    // The server's write fails once the client is gone; wait for it to record (bounded).
    for _ in 0..200 {
        if !endless.written.lock().unwrap().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let written = endless.written.lock().unwrap().clone();
    assert!(written.len() == 1 && written[0] < 32 * 1024 * 1024, "the server wrote {written:?}");
}

#[tokio::test]
async fn the_limit_is_exact_and_settable_per_client_and_per_call() {
    let server = Canned::start(answer("200 OK", 1000, false)).await;
    let chunked = Canned::start(answer("200 OK", 1000, true)).await;
    for s in [&server, &chunked] {
        let at = client(&s.base).max_response_size(1000).build().unwrap();
        assert_eq!(at.call::<Bytes>(get()).await.unwrap().len(), 1000);
        let under = client(&s.base).max_response_size(999).build().unwrap();
        assert!(matches!(under.call::<Bytes>(get()).await, Err(Error::TooLarge { limit: 999, .. })));
        // Per call, both ways.
        assert_eq!(under.call::<Bytes>(get()).max_response_size(1000).await.unwrap().len(), 1000);
        let err = at.call::<Bytes>(get()).max_response_size(10).await.unwrap_err();
        assert!(matches!(err, Error::TooLarge { limit: 10, .. }), "{err}");
        // Per client, derived.
        let options = RequestOptions { max_response_size: Some(999), ..Default::default() };
        assert!(matches!(at.with_options(options).call::<Bytes>(get()).await, Err(Error::TooLarge { .. })));
    }
    // The default is generous: a 1000-byte body needs no setting.
    assert_eq!(client(&server.base).build().unwrap().call::<Bytes>(get()).await.unwrap().len(), 1000);
}

#[tokio::test]
async fn a_huge_error_body_is_neither_downloaded_nor_retried_whole() {
    // 48 MiB behind a retryable 500: the bodies of the attempts that are retried are not read,
    // the last one only up to ERROR_BODY_LIMIT; the error says so and keeps a 2 KiB excerpt.
    for chunked in [false, true] {
        let server = Canned::start(answer("500 Internal Server Error", 48 * 1024 * 1024, chunked)).await;
        let client = client(&server.base).max_retries(2).build().unwrap();
        let err = client.call::<Empty>(get()).await.unwrap_err();
        let api = err.api().unwrap_or_else(|| panic!("expected an API error, got {err}"));
        assert_eq!((api.status.as_u16(), api.attempts, api.truncated), (500, 3, true));
        assert!(api.body.len() <= cloudflare_ssl::BODY_EXCERPT_LIMIT + 3 && api.body.starts_with("xxxx"));
        assert!(err.to_string().contains("body longer than"), "{err}");
        assert_eq!(server.connections(), 3);
        for _ in 0..200 {
            if server.written.lock().unwrap().len() == 3 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        let written = server.written.lock().unwrap().clone();
        assert_eq!(written.len(), 3, "{written:?}");
        assert!(written.iter().all(|w| *w < 24 * 1024 * 1024), "each attempt stopped early: {written:?}");
        // What was read of the last one: the limit, and the error says so.
        assert!(err.to_string().contains(&ERROR_BODY_LIMIT.to_string()), "{err}");
    }
}

#[tokio::test]
async fn an_error_envelope_under_the_error_limit_is_still_decoded() {
    // A 200 KiB error envelope: its messages decode; nothing is marked truncated.
    let note = "n".repeat(200 * 1024);
    let body = format!(
        r#"{{"success":false,"errors":[{{"code":1003,"message":"bad zone"}}],"messages":[{{"code":1,"message":"{note}"}}],"result":null}}"#
    );
    let head = format!("HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: {}", body.len());
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        read_head(&mut socket).await.unwrap();
        let _ = socket.write_all(format!("{head}\r\nconnection: close\r\n\r\n{body}").as_bytes()).await;
    });
    let client = client(&base).build().unwrap();
    let err = client.get_certificate_pack("z", "p", &Default::default()).await.unwrap_err();
    let api = err.api().unwrap();
    assert!(!api.truncated);
    assert_eq!(api.errors.len(), 1, "{err}");
    assert_eq!(api.errors[0].code, 1003);
    assert_eq!(api.messages.len(), 1);
}

#[tokio::test]
async fn a_content_length_no_memory_holds_is_not_reserved_when_the_limit_is_lifted() {
    // A caller that lifts the limit (usize::MAX) leaves the server's Content-Length alone to
    // size the body's up-front reservation: the largest hyper accepts was a capacity-overflow
    // panic, 10^18 an allocation failure (an abort of the whole process). Now the body grows
    // as it arrives, and the short one these servers send is a transport error.
    let largest = u64::MAX - 2;
    for announced in [largest, 1_000_000_000_000_000_000] {
        let head = format!("HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: {announced}");
        let server = Canned::start(Answer { head, body_len: 10, chunked: false, stall: false }).await;
        let unlimited = client(&server.base).max_response_size(usize::MAX).max_retries(0).build().unwrap();
        match unlimited.call::<Bytes>(get()).await {
            Err(Error::Transport { attempts: 1, .. }) => {}
            other => panic!("Content-Length {announced}: expected a transport error, got {other:?}"),
        }
        assert_eq!(server.connections(), 1);
    }
}

#[tokio::test]
async fn the_largest_settings_a_caller_can_give_are_not_a_panic() {
    // Durations and counts as large as their types go, per client and per call: a deadline
    // computed as now + timeout, or a reservation of the limit, would panic here.
    let server = Canned::start(answer("200 OK", 1000, false)).await;
    let largest = client(&server.base)
        .timeout(Duration::MAX)
        .max_retries(u32::MAX)
        .max_response_size(usize::MAX)
        .backoff(Backoff { initial: Duration::MAX, max: Duration::MAX })
        .build()
        .unwrap();
    assert_eq!(largest.call::<Bytes>(get()).await.unwrap().len(), 1000);
    let per_call = client(&server.base).build().unwrap();
    let call = per_call.call::<Bytes>(get()).timeout(Duration::MAX).max_retries(u32::MAX);
    assert_eq!(call.max_response_size(usize::MAX).await.unwrap().len(), 1000);
    let options = RequestOptions {
        timeout: Some(Duration::MAX),
        max_retries: Some(u32::MAX),
        max_response_size: Some(usize::MAX),
        ..Default::default()
    };
    assert_eq!(per_call.with_options(options).call::<Bytes>(get()).await.unwrap().len(), 1000);
    assert_eq!(server.connections(), 3);
}

// Class 5: credentials in base URLs.

#[test]
fn base_urls_with_user_info_are_refused_without_showing_it() {
    let urls = [
        "http://user:pa55word@127.0.0.1:9",
        "https://user:pa55word@example.com/client/v4/",
        "http://pa55word@127.0.0.1:9",
        "http://user:pa55%2Fword@127.0.0.1:9/x",
        // Not a valid URL (a `/` in the password ends the authority), still not shown.
        "http://user:pa55/word@127.0.0.1:9",
        "http://user:pa55 word@127.0.0.1:9",
        // A query or fragment in a base URL is refused too, and not shown.
        "http://127.0.0.1:9/v4?key=pa55word",
        "http://127.0.0.1:9/v4#pa55word",
    ];
    for url in urls {
        let builder = Client::builder().from_env(false).base_url(url);
        let debug = format!("{builder:?}");
        assert!(!debug.contains("pa55"), "{debug}");
        let err = builder.build().unwrap_err();
        let shown = format!("{err} {err:?}");
        assert!(matches!(err, Error::Config(_)), "{url}: {shown}");
        assert!(!shown.contains("pa55"), "{url}: {shown}");
    }
    // User-info is refused by name, with the host still shown.
    let err = Client::builder().from_env(false).base_url("http://user:pa55word@127.0.0.1:9").build().unwrap_err();
    assert!(err.to_string().contains("***@127.0.0.1:9") && err.to_string().contains("user-info"), "{err}");
    // A plain base URL is unchanged.
    let client = Client::builder().from_env(false).base_url("http://127.0.0.1:9/v4/").build().unwrap();
    assert_eq!(client.base_url(), "http://127.0.0.1:9/v4");
}

// Class 6: permanent failures are not retried.

/// A self-signed certificate for 127.0.0.1 (EC P-256, generated once with `openssl req -x509`),
/// which no client trusts.
const CERT: &str = "-----BEGIN CERTIFICATE-----
MIIBkDCCATagAwIBAgIUOS7OL6if+/kwqu6c2rRuZbssZnwwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTIwNjIzMTQzNFoYDzIxMjYxMTEy
MjMxNDM0WjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAASoyZlwosP5y+nucctpZM2qY2p1QZXMVMCVLja6ftUXuLOG89UzMbhM
CymTmWOZg8QHc/agQQWbykTTjXBt/HRko2QwYjAdBgNVHQ4EFgQUQitJOm49il8s
gu6dbNeAoXrXScMwHwYDVR0jBBgwFoAUQitJOm49il8sgu6dbNeAoXrXScMwDwYD
VR0TAQH/BAUwAwEB/zAPBgNVHREECDAGhwR/AAABMAoGCCqGSM49BAMCA0gAMEUC
IQCxuLxb9Rgqi3vDCg8jupxNpXDI7NgINGWJKrvG6iQGhAIgXLuk3LvKqYRWm6GL
j/gBtLiyKsEhTDb4cKXseZU0j5k=
-----END CERTIFICATE-----
";
const KEY: &str = "-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg3n6U/k2EjJn8aNj7
lUhCMMU/OiRZR/kVwKyrJdJx9RqhRANCAASoyZlwosP5y+nucctpZM2qY2p1QZXM
VMCVLja6ftUXuLOG89UzMbhMCymTmWOZg8QHc/agQQWbykTTjXBt/HRk
-----END PRIVATE KEY-----
";

/// A TLS server on 127.0.0.1 with [`CERT`]; counts TCP connections (handshake attempts).
async fn tls_server() -> (String, Arc<AtomicUsize>) {
    use tokio_rustls::rustls::pki_types::pem::PemObject;
    use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
    use tokio_rustls::rustls::{crypto::ring, ServerConfig};
    let certs = vec![CertificateDer::from_pem_slice(CERT.as_bytes()).unwrap()];
    let key = PrivateKeyDer::from_pem_slice(KEY.as_bytes()).unwrap();
    let config = ServerConfig::builder_with_provider(Arc::new(ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("https://{}", listener.local_addr().unwrap());
    let connections = Arc::new(AtomicUsize::new(0));
    let count = connections.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                // The client refuses the certificate: the handshake fails; nothing more to do.
                if let Ok(mut tls) = acceptor.accept(socket).await {
                    let mut buf = [0u8; 1024];
                    let _ = tls.read(&mut buf).await;
                    let _ = tls.write_all(b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n").await;
                }
            });
        }
    });
    (base, connections)
}

#[tokio::test]
async fn an_untrusted_certificate_is_not_retried() {
    let (base, connections) = tls_server().await;
    let tls_client = client(&base).max_retries(3).build().unwrap();
    let err = tls_client.call::<Empty>(get()).await.unwrap_err();
    match &err {
        Error::Transport { attempts, .. } => assert_eq!(*attempts, 1, "{err}"),
        other => panic!("expected a transport error, got {other}"),
    }
    assert!(err.to_string().contains("certificate"), "{err}");
    assert_eq!(connections.load(Ordering::SeqCst), 1, "one handshake, no retry");

    // Control: a server that closes the connection without answering is retried, so the count
    // above is that of attempts.
    let closing = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let closing_base = format!("http://{}", closing.local_addr().unwrap());
    let closed = Arc::new(AtomicUsize::new(0));
    let count = closed.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = closing.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            let _ = read_head(&mut socket).await;
            drop(socket);
        }
    });
    let err = client(&closing_base).max_retries(3).build().unwrap().call::<Empty>(get()).await.unwrap_err();
    assert!(matches!(err, Error::Transport { attempts: 4, .. }), "{err}");
    assert_eq!(closed.load(Ordering::SeqCst), 4);
}

// Class 8: `Referer` on redirects.

/// A server that redirects every request to `target` with a `302`.
async fn redirecting_to(target: &str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let location = format!("{target}/landed");
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let location = location.clone();
            tokio::spawn(async move {
                if read_head(&mut socket).await.is_some() {
                    let head = format!(
                        "HTTP/1.1 302 Found\r\nlocation: {location}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                    );
                    let _ = socket.write_all(head.as_bytes()).await;
                }
            });
        }
    });
    base
}

/// A server recording the heads it receives, answering `204`.
async fn recording() -> (String, Arc<std::sync::Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let heads = Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = heads.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let seen = seen.clone();
            tokio::spawn(async move {
                if let Some(head) = read_head(&mut socket).await {
                    seen.lock().unwrap().push(String::from_utf8_lossy(&head).to_ascii_lowercase());
                    let _ = socket
                        .write_all(b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                        .await;
                }
            });
        }
    });
    (base, heads)
}

static QUERY_KEY_API: ApiSpec = ApiSpec {
    default_base_url: "http://127.0.0.1:9",
    base_url_env: None,
    schemes: &[AuthScheme { name: "query_key", kind: AuthKind::Query("api_key"), env: None }],
    alternatives: &[&[0]],
    combinations: &[&[0]],
};

#[tokio::test]
async fn a_query_api_key_never_reaches_a_redirect_target_from_the_runtimes_own_client() {
    let (target, heads) = recording().await;
    let origin = redirecting_to(&target).await;
    let builder =
        || ClientBuilder::new(&QUERY_KEY_API).from_env(false).base_url(&origin).credential("query_key", "qk-SECRET");

    // Our own client: the redirect is not followed (a 302 is an error), nothing reaches the target.
    let err = builder().max_retries(0).build().unwrap().call::<Empty>(get()).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(302), "{err}");
    assert!(heads.lock().unwrap().is_empty());

    // A caller's client that follows redirects with `referer(false)`: the target is reached,
    // without the key.
    let follows_quietly = reqwest::Client::builder().referer(false).build().unwrap();
    builder().http_client(follows_quietly).build().unwrap().call::<Empty>(get()).await.unwrap();
    let head = heads.lock().unwrap().pop().unwrap();
    assert!(head.starts_with("get /landed ") && !head.contains("secret") && !head.contains("referer"), "{head}");

    // As `ClientBuilder::http_client` documents: a caller's client with reqwest's defaults sends
    // the previous URL, query and key included, in `Referer`; the runtime cannot stop it.
    let defaults = reqwest::Client::new();
    builder().http_client(defaults).build().unwrap().call::<Empty>(get()).await.unwrap();
    let head = heads.lock().unwrap().pop().unwrap();
    assert!(head.contains("referer: ") && head.contains("api_key=qk-secret"), "{head}");
}
