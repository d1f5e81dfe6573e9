//! The one error type: API errors (non-2xx, and `success: false` on 2xx), decode errors with a
//! body excerpt, what `Display` says, and that no credential ever shows up in `Debug` or
//! `Display`. Servers listen on 127.0.0.1 only.

use cloudflare_ssl::types::ListCustomTrustStoreParams;
use cloudflare_ssl::{ApiErrorKind, Backoff, Client, ClientBuilder, Error, BODY_EXCERPT_LIMIT};
use futures_util::StreamExt;
use std::time::Duration;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const ZONE: &str = "023e105f4ecef8ad9ca31a8372d0c353";
const PACK: &str = "3822ff90ea2944df9e5521300bb9419b";
const PACK_PATH: &str = "/zones/{zone_id}/ssl/certificate_packs/{certificate_pack_id}";
const TOKEN: &str = "tok-VERY-SECRET-7f3a9c";
const KEY: &str = "key-VERY-SECRET-51e0d2";
const EMAIL: &str = "secret-person@example.com";

fn builder(base: &str) -> ClientBuilder {
    Client::builder()
        .from_env(false)
        .base_url(base)
        .backoff(Backoff { initial: Duration::from_millis(1), max: Duration::from_millis(10) })
}

fn client(server: &MockServer) -> Client {
    builder(&format!("{}/client/v4", server.uri())).api_token(TOKEN).build().unwrap()
}

async fn always(response: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(response).mount(&server).await;
    server
}

async fn request_count(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

/// Asserts that no credential appears in `text`.
fn assert_no_secret(text: &str) {
    for secret in [TOKEN, KEY, EMAIL] {
        assert!(!text.contains(secret), "a credential leaked: {text}");
    }
}

#[tokio::test]
async fn malformed_json_on_200_is_a_decode_error_with_status_and_excerpt() {
    let server =
        always(ResponseTemplate::new(200).set_body_raw(r#"{"success": true, "result": {"id": "#, "application/json"))
            .await;
    match client(&server).get_certificate_pack(ZONE, PACK, &Default::default()).await {
        Err(e @ Error::Decode { .. }) => {
            assert_eq!(e.status().map(|s| s.as_u16()), Some(200));
            let Error::Decode { body, message, .. } = &e else { unreachable!() };
            assert_eq!(body, r#"{"success": true, "result": {"id": "#);
            assert!(!message.is_empty());
            let shown = e.to_string();
            assert!(shown.contains("200") && shown.contains(r#""result": {"id""#), "{shown}");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    assert_eq!(request_count(&server).await, 1, "a decode error is not retried");
}

#[tokio::test]
async fn a_result_of_the_wrong_shape_is_a_decode_error_naming_the_field() {
    let body = serde_json::json!({"success": true, "errors": [], "messages": [], "result": {"id": "x"}});
    let server = always(ResponseTemplate::new(200).set_body_json(body)).await;
    match client(&server).get_certificate_pack(ZONE, PACK, &Default::default()).await {
        Err(Error::Decode { status, message, body, path, .. }) => {
            assert_eq!(path.as_deref(), Some("result"), "the payload lacks a property: {message}");
            assert_eq!(status.as_u16(), 200);
            assert!(message.contains("missing field"), "{message}");
            assert!(body.contains(r#""id":"x""#), "{body}");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }

    // A listing whose `result` is not a list.
    let body = serde_json::json!({"success": true, "errors": [], "messages": [], "result": {"not": "a list"}});
    let server = always(ResponseTemplate::new(200).set_body_json(body)).await;
    let result = client(&server).list_custom_trust_store(ZONE, &ListCustomTrustStoreParams::default()).await;
    assert!(matches!(result, Err(Error::Decode { .. })), "{result:?}");
}

#[tokio::test]
async fn a_long_body_is_cut_to_the_excerpt_limit_at_a_character_boundary() {
    // One ASCII byte, then two-byte characters: the limit falls inside a character.
    let text = format!("x{}", "é".repeat(BODY_EXCERPT_LIMIT));
    let server = always(ResponseTemplate::new(200).set_body_raw(text.clone(), "application/json")).await;
    match client(&server).get_certificate_pack(ZONE, PACK, &Default::default()).await {
        Err(Error::Decode { body, .. }) => {
            assert!(body.ends_with('…'), "the cut is marked");
            let kept = body.trim_end_matches('…');
            assert!(kept.len() <= BODY_EXCERPT_LIMIT);
            assert!(text.starts_with(kept), "the excerpt is a prefix of the body, no character split or replaced");
            assert!(kept.len() >= BODY_EXCERPT_LIMIT - 3);
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn success_false_on_200_is_an_api_error() {
    let body = testkit::response_examples(PACK_PATH, "get", "4XX").remove(0).1;
    let server = always(ResponseTemplate::new(200).set_body_json(body)).await;
    let err = client(&server).get_certificate_pack(ZONE, PACK, &Default::default()).await.unwrap_err();
    let e = err.api().expect("an API error");
    assert_eq!(e.status.as_u16(), 200);
    assert_eq!(e.kind(), ApiErrorKind::Unsuccessful);
    assert_eq!(e.errors.len(), 1);
    assert_eq!(e.errors[0].code, 7003);
    assert!(e.errors[0].message.starts_with("Could not route to"));
    assert_eq!(e.attempts, 1);
    let shown = err.to_string();
    assert!(shown.contains("success: false") && shown.contains("7003"), "{shown}");
    assert_eq!(request_count(&server).await, 1, "success: false is final, not retried");

    // The same for a listing, through the item stream.
    let mut items = client(&server).list_custom_trust_store(ZONE, &ListCustomTrustStoreParams::default()).items();
    let first = items.next().await.unwrap();
    assert!(matches!(&first, Err(Error::Api(e)) if e.kind() == ApiErrorKind::Unsuccessful), "{first:?}");
    assert!(items.next().await.is_none());
}

#[tokio::test]
async fn not_found_with_an_envelope_is_an_api_error_with_code_and_message() {
    let body = serde_json::json!({
        "success": false,
        "errors": [{"code": 7003, "message": "Could not route to /zones/x, perhaps your object identifier is invalid?"}],
        "messages": [{"code": 1, "message": "see the docs"}],
        "result": null
    });
    let server = always(ResponseTemplate::new(404).set_body_json(body).insert_header("cf-ray", "ray-1")).await;
    let err = client(&server).get_certificate_pack(ZONE, PACK, &Default::default()).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    let e = err.api().unwrap();
    assert_eq!(e.kind(), ApiErrorKind::NotFound);
    assert_eq!(e.errors[0].code, 7003);
    assert_eq!(e.errors[0].message, "Could not route to /zones/x, perhaps your object identifier is invalid?");
    assert_eq!(e.messages[0].message, "see the docs");
    assert_eq!(e.headers.get("cf-ray").unwrap(), "ray-1");
    assert_eq!(e.retry_after, None);
    assert_eq!(e.attempts, 1);

    let shown = err.to_string();
    assert!(shown.contains("404"), "{shown}");
    assert!(shown.contains("7003"), "the code is named: {shown}");
    assert!(shown.contains("perhaps your object identifier is invalid"), "the message is named: {shown}");
    assert_eq!(request_count(&server).await, 1);
}

#[tokio::test]
async fn each_status_has_its_kind() {
    let cases = [
        (400, ApiErrorKind::BadRequest),
        (401, ApiErrorKind::Authentication),
        (403, ApiErrorKind::PermissionDenied),
        (404, ApiErrorKind::NotFound),
        (409, ApiErrorKind::Conflict),
        (418, ApiErrorKind::Other),
        (422, ApiErrorKind::UnprocessableEntity),
        (429, ApiErrorKind::RateLimited),
        (503, ApiErrorKind::Server),
    ];
    for (status, kind) in cases {
        let server = always(ResponseTemplate::new(status)).await;
        let err =
            client(&server).get_certificate_pack(ZONE, PACK, &Default::default()).max_retries(0).await.unwrap_err();
        assert_eq!(err.api().map(|e| e.kind()), Some(kind), "HTTP {status}");
        assert!(err.api().unwrap().errors.is_empty());
    }
}

#[tokio::test]
async fn a_non_json_error_body_is_kept_as_an_excerpt() {
    let html = "<html><body>502 Bad Gateway</body></html>";
    let server = always(ResponseTemplate::new(502).set_body_raw(html, "text/html")).await;
    let err = client(&server).get_certificate_pack(ZONE, PACK, &Default::default()).max_retries(0).await.unwrap_err();
    let e = err.api().unwrap();
    assert_eq!(e.kind(), ApiErrorKind::Server);
    assert!(e.errors.is_empty());
    assert_eq!(e.body, html);
    assert!(err.to_string().contains("502 Bad Gateway"), "{err}");
}

#[tokio::test]
async fn invalid_argument_display_names_the_parameter() {
    let server = always(ResponseTemplate::new(200)).await;
    let params = ListCustomTrustStoreParams::default().per_page(51.0);
    let err = client(&server).list_custom_trust_store(ZONE, &params).await.unwrap_err();
    let shown = err.to_string();
    assert!(shown.contains("per_page") && shown.contains("50"), "{shown}");
    assert_eq!(err.status(), None);
    assert!(err.api().is_none());
    assert_eq!(request_count(&server).await, 0);
}

#[test]
fn debug_of_builder_and_client_hides_credentials() {
    let base = "http://127.0.0.1:9/client/v4"; // never contacted: nothing is sent here
    let full = || builder(base).api_token(TOKEN).api_email(EMAIL).api_key(KEY);
    let shown = format!("{:?}", full());
    assert_no_secret(&shown);
    assert!(shown.contains("***"), "{shown}");
    let client = full().build().unwrap();
    let shown = format!("{client:?} {client:#?}");
    assert_no_secret(&shown);
    assert!(shown.contains("127.0.0.1:9"), "the rest is still shown: {shown}");

    let legacy = builder(base).api_email(EMAIL).api_key(KEY).build().unwrap();
    assert_no_secret(&format!("{legacy:?}"));
    assert_no_secret(&format!("{:?}", cloudflare_ssl::Secret::new(TOKEN)));
    assert_no_secret(&cloudflare_ssl::Secret::new(TOKEN).to_string());
}

#[tokio::test]
async fn errors_never_show_credentials() {
    let mut shown = Vec::new();

    // Configuration errors.
    for result in
        [builder("http://127.0.0.1:9").api_email(EMAIL).build(), builder("http://127.0.0.1:9").api_key(KEY).build()]
    {
        let err = result.unwrap_err();
        shown.push(format!("{err} {err:?}"));
    }

    // An API error (401), a timeout and a transport error, all with every credential set.
    let server = always(ResponseTemplate::new(401).set_body_json(serde_json::json!({
        "success": false, "errors": [{"code": 10000, "message": "Authentication error"}], "messages": [], "result": null
    })))
    .await;
    let slow = always(ResponseTemplate::new(200).set_delay(Duration::from_secs(5))).await;
    let refused = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        drop(listener);
        format!("http://{addr}/client/v4")
    };
    for (base, timeout) in
        [(format!("{}/client/v4", server.uri()), 60_000), (format!("{}/client/v4", slow.uri()), 50), (refused, 60_000)]
    {
        let legacy = builder(&base).api_email(EMAIL).api_key(KEY).timeout(Duration::from_millis(timeout));
        for b in [builder(&base).api_token(TOKEN).timeout(Duration::from_millis(timeout)), legacy] {
            let err = b
                .build()
                .unwrap()
                .get_certificate_pack(ZONE, PACK, &Default::default())
                .max_retries(0)
                .await
                .unwrap_err();
            shown.push(format!("{err} {err:?} {:?}", std::error::Error::source(&err)));
        }
    }

    // A credential that cannot be a header value: `build` says so without repeating it.
    let err = builder(&format!("{}/client/v4", server.uri())).api_token(format!("{TOKEN}\n")).build().unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    shown.push(format!("{err} {err:?}"));

    assert_eq!(shown.len(), 9);
    for text in &shown {
        assert_no_secret(text);
    }
    assert!(shown[2].contains("Authentication error"), "{}", shown[2]);
}

#[test]
fn errors_are_send_sync_and_std_errors() {
    fn check<T: Send + Sync + std::error::Error + 'static>() {}
    check::<Error>();
    fn check_client<T: Send + Sync + Clone + 'static>() {}
    check_client::<Client>();
}

#[tokio::test]
async fn calls_and_streams_can_move_to_another_task() {
    let server = always(ResponseTemplate::new(200).set_body_json(serde_json::json!({
        "success": true, "errors": [], "messages": [], "result": [], "result_info": {"total_pages": 0}
    })))
    .await;
    let client = client(&server);
    let c = client.clone();
    let items = tokio::spawn(async move {
        c.list_custom_trust_store(ZONE, &ListCustomTrustStoreParams::default()).items().collect::<Vec<_>>().await
    });
    assert!(items.await.unwrap().is_empty());
    let c = client.clone();
    let page = tokio::spawn(async move { c.list_custom_trust_store(ZONE, &Default::default()).await });
    assert!(page.await.unwrap().unwrap().items.is_empty());
}

#[tokio::test]
async fn a_redirect_never_hands_credentials_to_another_host() {
    // Both servers are on 127.0.0.1; a different port is a different origin.
    let elsewhere = always(
        ResponseTemplate::new(200).set_body_json(testkit::response_examples(PACK_PATH, "get", "200").remove(0).1),
    )
    .await;
    let redirecting =
        always(ResponseTemplate::new(302).insert_header("location", format!("{}/steal", elsewhere.uri()))).await;
    let base = format!("{}/client/v4", redirecting.uri());
    let token = builder(&base).api_token(TOKEN).build().unwrap();
    let legacy = builder(&base).api_email(EMAIL).api_key(KEY).build().unwrap();
    for client in [token, legacy] {
        let err = client.get_certificate_pack(ZONE, PACK, &Default::default()).await.unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(302), "{err:?}");
        assert_eq!(err.api().unwrap().attempts, 1, "a redirect is not retried");
    }
    assert_eq!(request_count(&redirecting).await, 2);
    for r in elsewhere.received_requests().await.unwrap() {
        let headers = format!("{:?}", r.headers);
        assert_no_secret(&headers);
    }
    assert_eq!(request_count(&elsewhere).await, 0, "redirects are not followed");
}
