//! The runtime against a tiny API defined here, as a generator would emit it: a message type, the
//! API's facts (`ApiSpec`), an envelope, the client types from `client!`, one operation and one
//! credential setter; served by a one-shot HTTP server on 127.0.0.1.

use openapi_rust_runtime::rt::{Envelope, EnvelopeKeys, Enveloped, Method, Request};
use openapi_rust_runtime::{ApiSpec, AuthKind, AuthScheme};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The test API's message.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Note {
    code: i64,
    text: String,
}

static SPEC: ApiSpec = ApiSpec {
    default_base_url: "http://127.0.0.1:9",
    base_url_env: Some("TINY_API_BASE_URL_NEVER_SET"),
    schemes: &[AuthScheme { name: "token", kind: AuthKind::Header("x-token"), env: None }],
    alternatives: &[&[0]],
    combinations: &[&[0]],
};

openapi_rust_runtime::client!(Note, SPEC);

/// The test API's envelope: `{"ok": .., "problems": [..], "notes": [..], "data": ..}`.
struct Wrapped;

impl Envelope for Wrapped {
    const KEYS: EnvelopeKeys =
        EnvelopeKeys { success: "ok", errors: "problems", messages: "notes", result: "data", info: None };
}

impl ClientBuilder {
    /// The credential setter a generator emits for the `token` scheme.
    fn token(self, value: &str) -> Self {
        self.credential("token", value)
    }
}

impl Client {
    /// The operation a generator emits for `GET /things/{id}`.
    fn get_thing(&self, id: &str) -> Call<Enveloped<Wrapped, u32>> {
        let mut r = Request::new(Method::GET, true);
        r.literal("/things/");
        r.path_param("id", id);
        self.call(r)
    }
}

/// Serves one connection with `status` and `body`; returns the base URL and the request as read.
async fn serve_once(status: &'static str, body: &'static str) -> (String, tokio::task::JoinHandle<String>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut seen = Vec::new();
        let mut buf = [0u8; 4096];
        while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = socket.read(&mut buf).await.unwrap();
            if n == 0 {
                break;
            }
            seen.extend_from_slice(&buf[..n]);
        }
        let response = format!(
            "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        socket.write_all(response.as_bytes()).await.unwrap();
        String::from_utf8_lossy(&seen).into_owned()
    });
    (base, task)
}

#[tokio::test]
async fn an_enveloped_result_decodes_and_carries_the_apis_messages() {
    let (base, request) =
        serve_once("200 OK", r#"{"ok":true,"problems":[],"notes":[{"code":1,"text":"hi"}],"data":7}"#).await;
    let client = Client::builder().from_env(false).base_url(base).token("s3cret").max_retries(0).build().unwrap();
    let response = client.get_thing("a b").send().await.unwrap();
    assert_eq!(response.data, 7);
    assert_eq!(response.messages[0].code, 1);
    assert_eq!(response.messages[0].text, "hi");
    let request = request.await.unwrap();
    assert!(request.starts_with("GET /things/a%20b HTTP/1.1\r\n"), "{request}");
    assert!(request.to_ascii_lowercase().contains("x-token: s3cret"), "{request}");
    // The default User-Agent names the crate that invoked `client!`, not the runtime.
    let agent = format!("user-agent: {}/", env!("CARGO_PKG_NAME"));
    assert!(request.to_ascii_lowercase().contains(&agent), "{request}");
}

#[tokio::test]
async fn an_api_error_is_typed_by_the_apis_message() {
    let (base, _request) =
        serve_once("404 Not Found", r#"{"ok":false,"problems":[{"code":42,"text":"no such thing"}]}"#).await;
    let client = Client::builder().from_env(false).base_url(base).token("t").max_retries(0).build().unwrap();
    let err: Error = client.get_thing("x").await.unwrap_err();
    let api = err.api().expect("an API error");
    assert_eq!(api.status.as_u16(), 404);
    assert_eq!(api.errors[0].code, 42);
    assert_eq!(api.errors[0].text, "no such thing");
    let shown = err.to_string();
    assert!(shown.contains("no such thing"), "{shown}");
}

#[tokio::test]
async fn errors_raised_before_sending_reach_the_apis_error_type() {
    // No credential for an operation that needs one: nothing is sent.
    let client = Client::builder().from_env(false).max_retries(0).build().unwrap();
    match client.get_thing("x").await {
        Err(Error::Config(message)) => assert!(message.contains("token"), "{message}"),
        other => panic!("expected a configuration error, got {other:?}"),
    }
    // An invalid argument, checked before sending.
    let err = Client::builder().from_env(false).base_url("ftp://nowhere").build().unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
}

#[test]
fn the_client_shows_no_secret() {
    let client = Client::builder().from_env(false).token("s3cret").build().unwrap();
    assert_eq!(client.base_url(), "http://127.0.0.1:9");
    let shown = format!("{client:?} {:?}", Client::builder().token("s3cret"));
    assert!(!shown.contains("s3cret"), "{shown}");
}
