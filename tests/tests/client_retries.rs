//! Retries, backoff, `Retry-After`, timeouts and transport failures, against servers on
//! 127.0.0.1 only. Backoff is shortened to milliseconds everywhere except the one test that
//! checks the default formula as a pure function; no test measures wall-clock time.

use cloudflare_ssl::rt::{Json, Method, Request};
use cloudflare_ssl::{ApiErrorKind, Backoff, Client, ClientBuilder, Error, RequestOptions};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::AsyncReadExt;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const ZONE: &str = "023e105f4ecef8ad9ca31a8372d0c353";
const PACK: &str = "3822ff90ea2944df9e5521300bb9419b";
const PACK_PATH: &str = "/zones/{zone_id}/ssl/certificate_packs/{certificate_pack_id}";
const FAST: Backoff = Backoff { initial: Duration::from_millis(1), max: Duration::from_millis(10) };

fn example() -> serde_json::Value {
    testkit::response_examples(PACK_PATH, "get", "200").remove(0).1
}

fn builder_for(base: &str) -> ClientBuilder {
    Client::builder().from_env(false).base_url(base).api_token("tok-SECRET").backoff(FAST)
}

fn client(server: &MockServer) -> Client {
    builder_for(&format!("{}/client/v4", server.uri())).build().unwrap()
}

fn ok() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(example())
}

fn failure(status: u16) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(serde_json::json!({
        "success": false,
        "errors": [{"code": 10000 + status, "message": format!("failure {status}")}],
        "messages": [],
        "result": null
    }))
}

/// A server that answers `first` once, then `then` for every later request.
async fn server_with(first: ResponseTemplate, then: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(first).up_to_n_times(1).with_priority(1).mount(&server).await;
    Mock::given(any()).respond_with(then).with_priority(2).mount(&server).await;
    server
}

async fn always(response: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(response).mount(&server).await;
    server
}

async fn request_count(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

fn api_error(result: Result<impl std::fmt::Debug, Error>) -> cloudflare_ssl::ApiError {
    match result {
        Err(Error::Api(e)) => *e,
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[test]
fn default_backoff_follows_the_documented_formula() {
    let backoff = Backoff::default();
    assert_eq!(backoff.initial, Duration::from_millis(500));
    assert_eq!(backoff.max, Duration::from_secs(8));
    let within = |retry: u32, low: f64, high: f64| {
        for _ in 0..500 {
            let d = backoff.delay(retry).as_secs_f64();
            assert!((low..=high).contains(&d), "delay({retry}) = {d} not in {low}..={high}");
        }
    };
    within(0, 0.375, 0.5); // 0.5 s minus up to 25 %
    within(1, 0.75, 1.0);
    within(4, 6.0, 8.0); // 0.5·2^4 = 8 s
    within(10, 6.0, 8.0); // capped at 8 s
    within(u32::MAX, 6.0, 8.0);
    // Jitter is real: not every delay is the same.
    let samples: std::collections::HashSet<u128> = (0..50).map(|_| backoff.delay(0).as_nanos()).collect();
    assert!(samples.len() > 1);
}

#[tokio::test]
async fn rate_limited_with_retry_after_zero_then_success() {
    let server = server_with(failure(429).insert_header("retry-after", "0"), ok()).await;
    let response = client(&server).get_certificate_pack(ZONE, PACK, &Default::default()).send().await.unwrap();
    assert_eq!(response.status.as_u16(), 200);
    assert_eq!(response.data.id, ZONE);
    assert_eq!(request_count(&server).await, 2);
}

#[tokio::test]
async fn retry_after_ms_is_honoured_and_wins_over_retry_after() {
    // `retry-after-ms: 5` is read first, so the 120 s `Retry-After` does not stop the retry.
    let first = failure(429).insert_header("retry-after-ms", "5").insert_header("retry-after", "120");
    let server = server_with(first, ok()).await;
    client(&server).get_certificate_pack(ZONE, PACK, &Default::default()).await.unwrap();
    assert_eq!(request_count(&server).await, 2);
}

#[tokio::test]
async fn a_retry_after_beyond_the_cap_returns_at_once() {
    let server = always(failure(429).insert_header("retry-after", "120")).await;
    let call = client(&server).get_certificate_pack(ZONE, PACK, &Default::default());
    // Loose guard only: if the client slept the 120 s, this fails instead of hanging.
    let result = tokio::time::timeout(Duration::from_secs(30), call).await.expect("must not wait out Retry-After");
    let e = api_error(result);
    assert_eq!(e.kind(), ApiErrorKind::RateLimited);
    assert_eq!(e.retry_after, Some(Duration::from_secs(120)));
    assert_eq!(e.attempts, 1);
    assert_eq!(e.errors[0].code, 10429);
    assert!(e.to_string().contains("retry after 120"), "{e}");
    assert_eq!(request_count(&server).await, 1, "exactly one request");
}

#[tokio::test]
async fn a_retry_after_date_far_ahead_returns_at_once() {
    let server = always(failure(503).insert_header("retry-after", "Fri, 31 Dec 2100 23:59:59 GMT")).await;
    let call = client(&server).get_certificate_pack(ZONE, PACK, &Default::default());
    let e = api_error(tokio::time::timeout(Duration::from_secs(30), call).await.unwrap());
    assert_eq!(e.kind(), ApiErrorKind::Server);
    assert!(e.retry_after.unwrap() > Duration::from_secs(60));
    assert_eq!(request_count(&server).await, 1);
}

#[tokio::test]
async fn a_wait_too_long_for_a_duration_returns_at_once_without_a_panic() {
    // Found by `cargo xtask fuzz`: these once panicked in `Duration::from_secs_f64`.
    for (name, value) in [
        ("retry-after", "1e20"),
        ("retry-after", "1e300"),
        ("retry-after", "18446744073709551616"),
        ("retry-after-ms", "1e300"),
    ] {
        let server = always(failure(429).insert_header(name, value)).await;
        let call = client(&server).get_certificate_pack(ZONE, PACK, &Default::default());
        let e = api_error(tokio::time::timeout(Duration::from_secs(30), call).await.unwrap());
        assert_eq!(e.retry_after, Some(Duration::MAX), "{name}: {value}");
        assert_eq!(e.attempts, 1, "{name}: {value}");
        assert_eq!(request_count(&server).await, 1, "{name}: {value}");
    }
}

#[test]
fn a_backoff_beyond_a_duration_saturates() {
    // Jitter takes off at most a quarter; the point is that no retry number panics.
    let backoff = Backoff { initial: Duration::MAX, max: Duration::MAX };
    for retry in [0, 3, 40] {
        assert!(backoff.delay(retry) >= Duration::from_secs(u64::MAX / 2));
    }
}

#[tokio::test]
async fn server_error_then_success() {
    let server = server_with(failure(503), ok()).await;
    let pack = client(&server).get_certificate_pack(ZONE, PACK, &Default::default()).await.unwrap();
    assert_eq!(pack.id, ZONE);
    assert_eq!(request_count(&server).await, 2);
}

#[tokio::test]
async fn persistent_server_errors_stop_after_three_attempts() {
    let server = always(failure(500)).await;
    let e = api_error(client(&server).get_certificate_pack(ZONE, PACK, &Default::default()).await);
    assert_eq!(e.kind(), ApiErrorKind::Server);
    assert_eq!(e.status.as_u16(), 500);
    assert_eq!(e.attempts, 3);
    assert_eq!(e.errors[0].code, 10500);
    assert!(e.to_string().contains("after 3 attempts"), "{e}");
    assert_eq!(request_count(&server).await, 3);
}

#[tokio::test]
async fn retryable_and_final_statuses() {
    for status in [408, 409, 429, 500, 502, 503, 504] {
        let server = always(failure(status)).await;
        let e = api_error(client(&server).get_certificate_pack(ZONE, PACK, &Default::default()).await);
        assert_eq!((e.status.as_u16(), e.attempts), (status, 3));
        assert_eq!(request_count(&server).await, 3, "HTTP {status} is retried twice");
    }
    for status in [400, 401, 403, 404, 422] {
        let server = always(failure(status)).await;
        let e = api_error(client(&server).get_certificate_pack(ZONE, PACK, &Default::default()).await);
        assert_eq!((e.status.as_u16(), e.attempts), (status, 1));
        assert_eq!(request_count(&server).await, 1, "HTTP {status} is not retried");
    }
}

#[tokio::test]
async fn x_should_retry_overrides_the_status() {
    let server = always(failure(400).insert_header("x-should-retry", "true")).await;
    assert_eq!(api_error(client(&server).get_certificate_pack(ZONE, PACK, &Default::default()).await).attempts, 3);
    assert_eq!(request_count(&server).await, 3);

    let server = always(failure(503).insert_header("x-should-retry", "false")).await;
    assert_eq!(api_error(client(&server).get_certificate_pack(ZONE, PACK, &Default::default()).await).attempts, 1);
    assert_eq!(request_count(&server).await, 1);
}

#[tokio::test]
async fn max_retries_on_the_builder_bounds_the_attempts() {
    for (retries, attempts) in [(0, 1), (1, 2), (4, 5)] {
        let server = always(failure(502)).await;
        let base = format!("{}/client/v4", server.uri());
        let client = builder_for(&base).max_retries(retries).build().unwrap();
        assert_eq!(api_error(client.get_certificate_pack(ZONE, PACK, &Default::default()).await).attempts, attempts);
        assert_eq!(request_count(&server).await, attempts as usize);
    }
}

#[tokio::test]
async fn per_call_and_per_client_max_retries() {
    let server = always(failure(500)).await;
    let client = client(&server);
    assert_eq!(
        api_error(client.get_certificate_pack(ZONE, PACK, &Default::default()).max_retries(0).await).attempts,
        1
    );
    assert_eq!(request_count(&server).await, 1);
    assert_eq!(
        api_error(client.get_certificate_pack(ZONE, PACK, &Default::default()).max_retries(1).await).attempts,
        2
    );
    assert_eq!(request_count(&server).await, 3);

    let no_retries = client.with_options(RequestOptions { max_retries: Some(0), ..Default::default() });
    assert_eq!(api_error(no_retries.get_certificate_pack(ZONE, PACK, &Default::default()).await).attempts, 1);
    assert_eq!(request_count(&server).await, 4);
    // The original client keeps its own setting.
    assert_eq!(api_error(client.get_certificate_pack(ZONE, PACK, &Default::default()).await).attempts, 3);
    assert_eq!(request_count(&server).await, 7);
}

/// A POST built by hand through the public building blocks, `retryable` as the spec would say.
fn post(client: &Client, retryable: bool) -> cloudflare_ssl::Call<Json<serde_json::Value>> {
    let mut request = Request::new(Method::POST, retryable);
    request.literal("/zones/");
    request.path_param("zone_id", ZONE);
    request.literal("/things");
    request.json(&serde_json::json!({"name": "x"}));
    client.call(request)
}

#[tokio::test]
async fn a_non_idempotent_request_is_not_retried_unless_marked_retryable() {
    let server = always(failure(500)).await;
    let client = client(&server);
    let e = api_error(post(&client, false).await);
    assert_eq!(e.attempts, 1);
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].method.as_str(), "POST");
    assert_eq!(requests[0].url.path(), format!("/client/v4/zones/{ZONE}/things"));
    assert_eq!(requests[0].body, br#"{"name":"x"}"#);

    assert_eq!(api_error(post(&client, true).await).attempts, 3);
    assert_eq!(request_count(&server).await, 4);
}

/// An address on 127.0.0.1 where nothing listens (a port bound and released).
fn closed_port_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}/client/v4")
}

#[tokio::test]
async fn connection_refused_is_retried_then_a_transport_error() {
    let client = builder_for(&closed_port_url()).build().unwrap();
    match client.get_certificate_pack(ZONE, PACK, &Default::default()).await {
        Err(Error::Transport { attempts, .. }) => assert_eq!(attempts, 3),
        other => panic!("expected a transport error, got {other:?}"),
    }
    match client.get_certificate_pack(ZONE, PACK, &Default::default()).max_retries(0).await {
        Err(Error::Transport { attempts, .. }) => assert_eq!(attempts, 1),
        other => panic!("expected a transport error, got {other:?}"),
    }
    // A request that never reached the server is safe to send again, even a POST.
    match post(&client, false).await {
        Err(Error::Transport { attempts, .. }) => assert_eq!(attempts, 3),
        other => panic!("expected a transport error, got {other:?}"),
    }
}

/// A server on 127.0.0.1 that reads each request and hangs up without answering; counts
/// connections.
async fn hang_up_server() -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let connections = Arc::new(AtomicUsize::new(0));
    let counter = connections.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            let mut buf = [0u8; 8192];
            let _ = socket.read(&mut buf).await;
            drop(socket);
        }
    });
    (format!("http://{addr}/client/v4"), connections)
}

#[tokio::test]
async fn a_dropped_connection_is_retried_then_a_transport_error() {
    let (base, connections) = hang_up_server().await;
    let client = builder_for(&base).build().unwrap();
    let err = client.get_certificate_pack(ZONE, PACK, &Default::default()).await.unwrap_err();
    assert!(matches!(err, Error::Transport { attempts: 3, .. }), "{err:?}");
    assert!(std::error::Error::source(&err).is_some());
    assert_eq!(connections.load(Ordering::SeqCst), 3);

    // Without retries: one connection, one attempt.
    let err = client.get_certificate_pack(ZONE, PACK, &Default::default()).max_retries(0).await.unwrap_err();
    assert!(matches!(err, Error::Transport { attempts: 1, .. }), "{err:?}");
    assert_eq!(connections.load(Ordering::SeqCst), 4);

    // A POST that may have reached the server is not sent again.
    let err = post(&client, false).await.unwrap_err();
    assert!(matches!(err, Error::Transport { attempts: 1, .. }), "{err:?}");
    assert_eq!(connections.load(Ordering::SeqCst), 5);
}

#[tokio::test]
async fn a_slow_server_times_out_and_the_timeout_is_retried() {
    let server = always(ok().set_delay(Duration::from_secs(5))).await;
    let base = format!("{}/client/v4", server.uri());
    let client = builder_for(&base).timeout(Duration::from_millis(100)).build().unwrap();
    match client.get_certificate_pack(ZONE, PACK, &Default::default()).await {
        Err(Error::Timeout { after, attempts }) => {
            assert_eq!(after, Duration::from_millis(100));
            assert_eq!(attempts, 3);
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
    assert_eq!(request_count(&server).await, 3);
}

#[tokio::test]
async fn per_call_timeout_overrides_the_clients() {
    let server = always(ok().set_delay(Duration::from_secs(5))).await;
    let client = client(&server); // default 60 s timeout
    let result = client
        .get_certificate_pack(ZONE, PACK, &Default::default())
        .timeout(Duration::from_millis(100))
        .max_retries(0)
        .await;
    assert!(matches!(result, Err(Error::Timeout { after, attempts: 1 }) if after == Duration::from_millis(100)));
    assert_eq!(request_count(&server).await, 1);
}

#[tokio::test]
async fn a_fast_enough_server_is_within_the_timeout() {
    let server = always(ok().set_delay(Duration::from_millis(20))).await;
    let client = client(&server);
    let pack =
        client.get_certificate_pack(ZONE, PACK, &Default::default()).timeout(Duration::from_secs(10)).await.unwrap();
    assert_eq!(pack.id, ZONE);
    assert_eq!(request_count(&server).await, 1);
}
