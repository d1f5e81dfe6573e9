//! Typed error bodies through the retry loop: an operation's error type, written here as the
//! generator emits it (see the `error_bodies` fixture's snapshot), decodes the body of an error
//! response whose status it declares; the value is read back typed from the one `Error` type,
//! a body that does not match is reported where it fails, and a truncated body is not decoded.
//! Served by a one-shot HTTP server on 127.0.0.1.

use openapi_rust_runtime::rt::{decode_error_body, ErrorBody, Json, Method, Request};
use openapi_rust_runtime::{ApiSpec, BodyMismatch, ERROR_BODY_LIMIT};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

static SPEC: ApiSpec = ApiSpec {
    default_base_url: "http://127.0.0.1:9",
    base_url_env: None,
    schemes: &[],
    alternatives: &[],
    combinations: &[],
};

openapi_rust_runtime::client!(serde_json::Value, SPEC);

/// A problem body (the fixture's `Problem`).
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
struct Problem {
    title: String,
    status: Option<i64>,
}

/// The teapot's body (the fixture's `BrewStatus418Body`).
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
struct Teapot {
    short_and_stout: bool,
}

/// The error type of `brew`, as emitted: `418`, `4XX`, `default`; `409` declared without a schema.
#[derive(Debug, Clone, PartialEq)]
enum BrewError {
    Status418(Teapot),
    ClientError(Problem),
    Default(Problem),
}

impl ErrorBody for BrewError {
    fn decode(status: u16, body: &[u8]) -> Option<Result<Self, BodyMismatch>> {
        let decoded = match status {
            409 => return None,
            418 => decode_error_body(body).map(Self::Status418),
            400..=499 => decode_error_body(body).map(Self::ClientError),
            _ => decode_error_body(body).map(Self::Default),
        };
        Some(decoded)
    }
}

/// Another operation's error type: never what `brew`'s errors hold.
#[derive(Debug)]
struct OtherError;

impl ErrorBody for OtherError {
    fn decode(_: u16, _: &[u8]) -> Option<Result<Self, BodyMismatch>> {
        Some(Ok(OtherError))
    }
}

impl Client {
    /// `POST /brew`, as emitted.
    fn brew(&self) -> Call<Json<serde_json::Value>> {
        let mut r = Request::new(Method::POST, false);
        r.literal("/brew");
        r.error_body::<BrewError>();
        self.call(r)
    }

    /// `POST /brew` without an error type (an operation that declares no error schema).
    fn brew_untyped(&self) -> Call<Json<serde_json::Value>> {
        let mut r = Request::new(Method::POST, false);
        r.literal("/brew");
        self.call(r)
    }
}

/// Serves one connection with `status` and `body`; returns the base URL.
async fn serve_once(status: &'static str, body: String) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
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
        let head = format!(
            "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
            body.len()
        );
        // The client may stop reading (an error body over the limit): a failed write is expected then.
        let _ = socket.write_all(head.as_bytes()).await;
        let _ = socket.write_all(body.as_bytes()).await;
    });
    base
}

async fn brew_error(status: &'static str, body: &str, typed: bool) -> Error {
    let base = serve_once(status, body.to_string()).await;
    let client = Client::builder().from_env(false).base_url(base).max_retries(0).build().unwrap();
    let call = if typed { client.brew() } else { client.brew_untyped() };
    call.await.unwrap_err()
}

#[tokio::test]
async fn each_declared_status_decodes_into_its_variant() {
    let err = brew_error("418 I'm a teapot", r#"{"short_and_stout": true}"#, true).await;
    let api = err.api().expect("an API error");
    assert_eq!(api.body_as::<BrewError>(), Some(&BrewError::Status418(Teapot { short_and_stout: true })));
    // Status, headers and excerpt stay.
    assert_eq!(api.status.as_u16(), 418);
    assert_eq!(api.headers["content-type"], "application/json");
    assert_eq!(api.body, r#"{"short_and_stout": true}"#);
    assert!(api.body_failure().is_none());
    // Only as the operation's own type.
    assert!(api.body_as::<OtherError>().is_none());

    let problem = r#"{"title": "Bad milk", "status": 400}"#;
    let err = brew_error("400 Bad Request", problem, true).await;
    let expected = Problem { title: "Bad milk".into(), status: Some(400) };
    assert_eq!(err.api().unwrap().body_as::<BrewError>(), Some(&BrewError::ClientError(expected.clone())));

    let err = brew_error("503 Service Unavailable", problem, true).await;
    assert_eq!(err.api().unwrap().body_as::<BrewError>(), Some(&BrewError::Default(expected)));
}

#[tokio::test]
async fn a_status_declared_without_a_schema_or_an_untyped_operation_decodes_nothing() {
    let err = brew_error("409 Conflict", "already brewing", true).await;
    let api = err.api().unwrap();
    assert_eq!((api.status.as_u16(), api.body.as_str()), (409, "already brewing"));
    assert!(api.body_as::<BrewError>().is_none() && api.body_failure().is_none());

    let err = brew_error("400 Bad Request", r#"{"title": "x"}"#, false).await;
    let api = err.api().unwrap();
    assert!(api.body_as::<BrewError>().is_none() && api.body_failure().is_none());
}

#[tokio::test]
async fn a_body_that_does_not_match_its_schema_is_reported_where_it_fails() {
    let body = "{\"title\": \"ok\",\n \"status\": \"four hundred\"}";
    let err = brew_error("400 Bad Request", body, true).await;
    let api = err.api().unwrap();
    assert!(api.body_as::<BrewError>().is_none());
    let mismatch = api.body_failure().expect("a mismatch");
    assert_eq!(mismatch.path.as_deref(), Some("status"));
    let at = mismatch.position.expect("a position");
    assert_eq!((at.line, at.column, &body[at.offset..at.offset + 6]), (2, 12, "\"four "));
    assert!(mismatch.message.contains("invalid type"), "{}", mismatch.message);
    // The error still says everything else, and its text names the mismatch.
    assert_eq!(api.status.as_u16(), 400);
    let shown = err.to_string();
    assert!(shown.contains("does not match its declared schema at status (line 2, column 12)"), "{shown}");
}

#[tokio::test]
async fn a_truncated_body_is_not_decoded() {
    // A valid problem padded past the error body limit: only its start is read.
    let body = format!(r#"{{"title": "big", "detail": "{}"}}"#, "x".repeat(ERROR_BODY_LIMIT));
    let err = brew_error("400 Bad Request", &body, true).await;
    let api = err.api().unwrap();
    assert!(api.truncated);
    assert!(api.body_as::<BrewError>().is_none() && api.body_failure().is_none());
    assert!(api.body.starts_with(r#"{"title": "big""#));
}
