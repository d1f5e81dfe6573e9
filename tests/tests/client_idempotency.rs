//! Idempotency keys, the retry-count header and an operation's own retry policy
//! (`x-idempotency`, `x-fern-idempotency-headers`, `x-client.retry-count-header`,
//! `x-speakeasy-retries`), against servers on 127.0.0.1 only. The requests are built through the
//! public building blocks, with the calls the generator emits for those declarations (see the
//! fixtures `retries_idempotency`, `retries_fern_idempotency` and `retries_speakeasy`); backoff is
//! shortened to milliseconds, and no test measures wall-clock time.

use cloudflare_ssl::rt::{Json, Method, Request, RetryPolicy};
use cloudflare_ssl::{Backoff, Client, Error};
use std::time::Duration;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const FAST: Backoff = Backoff { initial: Duration::from_millis(1), max: Duration::from_millis(5) };
const KEY: &str = "Idempotency-Key";

fn client(server: &MockServer) -> Client {
    Client::builder().from_env(false).base_url(server.uri()).api_token("tok-SECRET").backoff(FAST).build().unwrap()
}

/// A server that answers `status` to the first `failures` requests, then `200` with `{}`.
async fn failing_then_ok(status: u16, failures: u64) -> MockServer {
    let server = MockServer::start().await;
    if failures > 0 {
        Mock::given(any())
            .respond_with(ResponseTemplate::new(status))
            .up_to_n_times(failures)
            .with_priority(1)
            .mount(&server)
            .await;
    }
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({})))
        .mount(&server)
        .await;
    server
}

/// A server that always answers `200` with `{}`.
async fn ok() -> MockServer {
    failing_then_ok(200, 0).await
}

/// A POST, as an operation emits it: `retryable` as the method and `x-retryable` say, then the
/// spec's retry facts.
fn post(client: &Client, facts: impl FnOnce(&mut Request)) -> cloudflare_ssl::Call<Json<serde_json::Value>> {
    let mut request = Request::new(Method::POST, false);
    request.literal("/orders");
    request.json(&serde_json::json!({"name": "x"}));
    facts(&mut request);
    client.call(request)
}

fn with_key(r: &mut Request) {
    r.idempotency_header(KEY);
}

/// The values of `name` in each request the server received, in order (`None` where absent).
async fn header_values(server: &MockServer, name: &str) -> Vec<Option<String>> {
    let requests = server.received_requests().await.unwrap();
    requests.iter().map(|r| r.headers.get(name).map(|v| v.to_str().unwrap().to_string())).collect()
}

fn is_uuid_v4(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.iter().map(|g| g.len()).collect::<Vec<_>>() == [8, 4, 4, 4, 12]
        && text.bytes().all(|b| b == b'-' || b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        && groups[2].starts_with('4')
        && matches!(groups[3].as_bytes()[0], b'8' | b'9' | b'a' | b'b')
}

#[tokio::test]
async fn the_key_is_the_same_on_every_attempt_of_a_call_and_differs_between_calls() {
    let server = failing_then_ok(503, 2).await;
    let client = client(&server);
    post(&client, with_key).await.unwrap();
    post(&client, with_key).await.unwrap();
    let keys = header_values(&server, KEY).await;
    assert_eq!(keys.len(), 4, "two attempts failed, then two successes: {keys:?}");
    let keys: Vec<String> = keys.into_iter().map(Option::unwrap).collect();
    assert!(keys.iter().all(|k| is_uuid_v4(k)), "{keys:?}");
    assert_eq!(keys[0], keys[1]);
    assert_eq!(keys[1], keys[2], "every attempt of the first call carries its key");
    assert_ne!(keys[2], keys[3], "the second call has a key of its own");
}

#[tokio::test]
async fn a_post_with_a_declared_key_is_retried_on_503_and_one_without_is_not() {
    let server = failing_then_ok(503, 1).await;
    match post(&client(&server), |_| {}).await {
        Err(Error::Api(e)) => {
            assert_eq!(e.status.as_u16(), 503);
            assert_eq!(e.attempts, 1);
        }
        other => panic!("expected the 503, got {other:?}"),
    }
    assert_eq!(header_values(&server, KEY).await, [None], "no key where none is declared");

    let server = failing_then_ok(503, 1).await;
    let response = post(&client(&server), with_key).send().await.unwrap();
    assert_eq!(response.status.as_u16(), 200);
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_callers_key_is_sent_as_given_and_never_replaced() {
    let server = failing_then_ok(500, 1).await;
    post(&client(&server), with_key).idempotency_key("order-42/v1:a=b").await.unwrap();
    assert_eq!(header_values(&server, KEY).await, [Some("order-42/v1:a=b".into()), Some("order-42/v1:a=b".into())]);

    // A key given as the operation's own header parameter, or set as a plain header on the call
    // or on the client, is the caller's too.
    let server = failing_then_ok(500, 1).await;
    post(&client(&server), |r| {
        r.header(KEY, "from-parameter");
        with_key(r);
    })
    .await
    .unwrap();
    assert_eq!(header_values(&server, KEY).await, [Some("from-parameter".into()), Some("from-parameter".into())]);
    let server = failing_then_ok(500, 1).await;
    post(&client(&server), with_key).header(KEY, "mine").await.unwrap();
    assert_eq!(header_values(&server, KEY).await, [Some("mine".into()), Some("mine".into())]);
    let server = ok().await;
    let options = cloudflare_ssl::RequestOptions {
        headers: [(KEY.parse().unwrap(), "client-wide".parse().unwrap())].into_iter().collect(),
        ..Default::default()
    };
    post(&client(&server).with_options(options), with_key).await.unwrap();
    assert_eq!(header_values(&server, KEY).await, [Some("client-wide".into())]);
}

#[tokio::test]
async fn an_invalid_key_is_rejected_before_sending() {
    let server = ok().await;
    let client = client(&server);
    let long = "k".repeat(256);
    for bad in ["", " padded", "line\r\nX-Injected: 1", "naïve", long.as_str()] {
        match post(&client, with_key).idempotency_key(bad).await {
            Err(Error::InvalidArgument { name, reason }) => {
                assert_eq!(name, "idempotency_key");
                assert!(!reason.contains("X-Injected"), "the value is not echoed: {reason}");
            }
            other => panic!("{bad:?}: expected an invalid argument, got {other:?}"),
        }
    }
    // An operation that declares no idempotency header takes no key.
    match post(&client, |_| {}).idempotency_key("order-42").await {
        Err(Error::InvalidArgument { name, reason }) => {
            assert_eq!(name, "idempotency_key");
            assert!(reason.contains("declares no idempotency header"), "{reason}");
        }
        other => panic!("expected an invalid argument, got {other:?}"),
    }
    assert!(server.received_requests().await.unwrap().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn the_retry_count_header_counts_retries() {
    let server = failing_then_ok(503, 2).await;
    let mut request = Request::new(Method::GET, true);
    request.literal("/orders");
    request.retry_count_header("X-Retry-Count");
    let response = client(&server).call::<Json<serde_json::Value>>(request).send().await.unwrap();
    assert_eq!(response.status.as_u16(), 200);
    assert_eq!(header_values(&server, "x-retry-count").await, [None, Some("1".into()), Some("2".into())]);
}

/// A policy that retries only `418` and `5XX`, at once.
const TEAPOT: RetryPolicy = RetryPolicy {
    statuses: &[(418, 418), (500, 599)],
    backoff: Backoff { initial: Duration::from_millis(1), max: Duration::from_millis(4) },
    exponent: 2.0,
    max_elapsed: None,
    connection_errors: false,
};

fn get_with(client: &Client, policy: RetryPolicy) -> cloudflare_ssl::Call<Json<serde_json::Value>> {
    let mut request = Request::new(Method::GET, true);
    request.literal("/jobs");
    request.retry_policy(policy);
    client.call(request)
}

#[tokio::test]
async fn a_declared_policy_chooses_the_statuses_retried() {
    // 418 is not retried by default, but is by this policy.
    let server = failing_then_ok(418, 1).await;
    get_with(&client(&server), TEAPOT).await.unwrap();
    assert_eq!(server.received_requests().await.unwrap().len(), 2);

    // 429 is retried by default, but not by this policy.
    let server = failing_then_ok(429, 1).await;
    match get_with(&client(&server), TEAPOT).await {
        Err(Error::Api(e)) => assert_eq!((e.status.as_u16(), e.attempts), (429, 1)),
        other => panic!("expected the 429, got {other:?}"),
    }
    // The server's `x-should-retry` still wins over the policy.
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(429).insert_header("x-should-retry", "true"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({})))
        .mount(&server)
        .await;
    get_with(&client(&server), TEAPOT).await.unwrap();
    assert_eq!(server.received_requests().await.unwrap().len(), 2);

    // The client's retry count still bounds the policy: 2 retries, 3 attempts.
    let server = failing_then_ok(503, 10).await;
    match get_with(&client(&server), TEAPOT).await {
        Err(Error::Api(e)) => assert_eq!(e.attempts, 3),
        other => panic!("expected the 503, got {other:?}"),
    }
}

#[tokio::test]
async fn a_declared_policy_bounds_the_elapsed_time_and_connection_retries() {
    // No time left for any retry: the first failure is the answer.
    let server = failing_then_ok(503, 1).await;
    match get_with(&client(&server), RetryPolicy { max_elapsed: Some(Duration::ZERO), ..TEAPOT }).await {
        Err(Error::Api(e)) => assert_eq!(e.attempts, 1),
        other => panic!("expected the 503, got {other:?}"),
    }
    // An hour is plenty for a retry after a millisecond.
    let server = failing_then_ok(503, 1).await;
    get_with(&client(&server), RetryPolicy { max_elapsed: Some(Duration::from_secs(3600)), ..TEAPOT }).await.unwrap();

    // A closed port: refused connections are retried only when the policy says so.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let client = Client::builder().from_env(false).base_url(&base).api_token("t").backoff(FAST).build().unwrap();
    for (connection_errors, attempts_made) in [(false, 1), (true, 3)] {
        match get_with(&client, RetryPolicy { connection_errors, ..TEAPOT }).await {
            Err(Error::Transport { attempts, .. }) => assert_eq!(attempts, attempts_made, "{connection_errors}"),
            other => panic!("expected a transport error, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn strategy_none_retries_nothing() {
    let none = RetryPolicy { statuses: &[], connection_errors: false, ..TEAPOT };
    let server = failing_then_ok(503, 1).await;
    match get_with(&client(&server), none).await {
        Err(Error::Api(e)) => assert_eq!(e.attempts, 1),
        other => panic!("expected the 503, got {other:?}"),
    }
}
