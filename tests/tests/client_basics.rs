//! The generated client against a local wiremock server: both operations end to end, auth,
//! base URL, User-Agent, a caller's own HTTP client, per-call headers, argument checks before
//! sending, path encoding, number formatting and unknown enum values.
//!
//! Every server here listens on 127.0.0.1; no test talks to the real API. Clients are built with
//! `from_env(false)` so that the process environment never changes what a test sees.

use cloudflare_ssl::types::{
    CertificateAuthority, CertificatePackResponseSingle, CertificatePackStatus, CertificatePackType,
    CustomTrustStoreResponseCollection, CustomTrustStoreStatus, ListCustomTrustStoreParams, ValidityDays,
};
use cloudflare_ssl::{Backoff, Client, ClientBuilder, Error};
use futures_util::StreamExt;
use std::time::Duration;
use wiremock::matchers::{any, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const ZONE: &str = "023e105f4ecef8ad9ca31a8372d0c353";
const PACK: &str = "3822ff90ea2944df9e5521300bb9419b";
const PACK_PATH: &str = "/zones/{zone_id}/ssl/certificate_packs/{certificate_pack_id}";
const STORE_PATH: &str = "/zones/{zone_id}/acm/custom_trust_store";
const TOKEN: &str = "tok-SECRET-0123456789";

/// The documented 200 example of an operation.
fn example(spec_path: &str) -> serde_json::Value {
    let mut examples = testkit::response_examples(spec_path, "get", "200");
    assert_eq!(examples.len(), 1, "{spec_path} has one documented 200 example");
    examples.remove(0).1
}

/// A client for `server`, no environment, fast backoff, no credentials yet.
fn bare_builder(server: &MockServer) -> ClientBuilder {
    Client::builder()
        .from_env(false)
        .base_url(format!("{}/client/v4", server.uri()))
        .backoff(Backoff { initial: Duration::from_millis(1), max: Duration::from_millis(10) })
}

fn client(server: &MockServer) -> Client {
    bare_builder(server).api_token(TOKEN).build().unwrap()
}

/// A server that answers every request with the documented Get Certificate Pack example.
async fn pack_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200).set_body_json(example(PACK_PATH))).mount(&server).await;
    server
}

fn header_value<'a>(request: &'a wiremock::Request, name: &str) -> Option<&'a str> {
    request.headers.get(name).map(|v| v.to_str().unwrap())
}

fn pack_wire_path(pack: &str) -> String {
    format!("/client/v4/zones/{ZONE}/ssl/certificate_packs/{pack}")
}

#[tokio::test]
async fn get_certificate_pack_end_to_end() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(pack_wire_path(PACK)))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(example(PACK_PATH)).insert_header("cf-ray", "8a1b2c3d"))
        .expect(1)
        .mount(&server)
        .await;

    let response = client(&server).get_certificate_pack(ZONE, PACK, &Default::default()).send().await.unwrap();

    let expected: CertificatePackResponseSingle = serde_json::from_value(example(PACK_PATH)).unwrap();
    assert_eq!(response.status.as_u16(), 200);
    assert_eq!(response.headers.get("cf-ray").unwrap(), "8a1b2c3d");
    assert_eq!(response.messages, expected.messages);
    assert_eq!(response.messages[0].code, 1000);
    assert_eq!(response.data, expected.result);
    assert_eq!(response.data.id, ZONE);
    assert_eq!(response.data.status, CertificatePackStatus::Initializing);
    assert_eq!(response.data.type_, CertificatePackType::Universal);
    assert_eq!(response.data.certificate_authority, Some(CertificateAuthority::LetsEncrypt));
    assert_eq!(response.data.validity_days, Some(ValidityDays::Value14));
    assert_eq!(response.data.hosts, ["example.com", "*.example.com", "www.example.com"]);

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    let r = &requests[0];
    assert_eq!(r.method.as_str(), "GET");
    assert_eq!(r.url.path(), pack_wire_path(PACK));
    assert_eq!(r.url.query(), None);
    assert_eq!(header_value(r, "authorization"), Some(format!("Bearer {TOKEN}").as_str()));
    assert_eq!(header_value(r, "x-auth-email"), None);
    assert_eq!(header_value(r, "x-auth-key"), None);
    assert_eq!(header_value(r, "accept"), Some("application/json"));
    assert_eq!(header_value(r, "content-type"), None, "a GET has no body");
    assert!(r.body.is_empty());
}

#[tokio::test]
async fn awaiting_a_call_gives_the_decoded_result() {
    let server = pack_server().await;
    let pack = client(&server).get_certificate_pack(ZONE, PACK, &Default::default()).await.unwrap();
    let expected: CertificatePackResponseSingle = serde_json::from_value(example(PACK_PATH)).unwrap();
    assert_eq!(pack, expected.result);
}

#[tokio::test]
async fn list_custom_trust_store_end_to_end() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/client/v4/zones/{ZONE}/acm/custom_trust_store")))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(example(STORE_PATH)))
        .expect(1)
        .mount(&server)
        .await;

    let params = ListCustomTrustStoreParams::default().limit(10).offset(0).page(1.0).per_page(20.0);
    let response = client(&server).list_custom_trust_store(ZONE, &params).send().await.unwrap();

    let expected: CustomTrustStoreResponseCollection = serde_json::from_value(example(STORE_PATH)).unwrap();
    assert_eq!(response.status.as_u16(), 200);
    assert_eq!(response.messages, expected.messages);
    let page = response.data;
    assert_eq!(page.items, expected.result.unwrap());
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].status, CustomTrustStoreStatus::Active);
    assert_eq!(page.items[0].issuer, "GlobalSign");
    let info = page.info.unwrap();
    assert_eq!(info, expected.result_info.unwrap());
    assert_eq!(info.total_pages, Some(100.0));

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1, "awaiting a list call fetches the first page only");
    let r = &requests[0];
    assert_eq!(r.method.as_str(), "GET");
    assert_eq!(r.url.path(), format!("/client/v4/zones/{ZONE}/acm/custom_trust_store"));
    assert_eq!(r.url.query(), Some("limit=10&offset=0&page=1&per_page=20"));
    assert_eq!(header_value(r, "authorization"), Some(format!("Bearer {TOKEN}").as_str()));
    assert_eq!(header_value(r, "x-auth-key"), None);
}

#[tokio::test]
async fn list_without_parameters_sends_no_query() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200).set_body_json(example(STORE_PATH))).mount(&server).await;
    let page = client(&server).list_custom_trust_store(ZONE, &ListCustomTrustStoreParams::default()).await.unwrap();
    assert_eq!(page.items.len(), 1);
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].url.query(), None);
}

#[tokio::test]
async fn email_and_key_are_sent_as_x_auth_headers() {
    let server = pack_server().await;
    let client = bare_builder(&server).api_email("user@example.com").api_key("key-SECRET-abcdef").build().unwrap();
    client.get_certificate_pack(ZONE, PACK, &Default::default()).await.unwrap();

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    let r = &requests[0];
    assert_eq!(header_value(r, "x-auth-email"), Some("user@example.com"));
    assert_eq!(header_value(r, "x-auth-key"), Some("key-SECRET-abcdef"));
    assert_eq!(header_value(r, "authorization"), None);
}

#[tokio::test]
async fn token_takes_precedence_and_is_the_only_scheme_sent() {
    let server = pack_server().await;
    // Whatever order the setters are called in, the spec's first alternative (the token) wins.
    let token_first = bare_builder(&server).api_token(TOKEN).api_email("user@example.com").api_key("key-SECRET");
    let token_last = bare_builder(&server).api_email("user@example.com").api_key("key-SECRET").api_token(TOKEN);
    for builder in [token_first, token_last] {
        builder.build().unwrap().get_certificate_pack(ZONE, PACK, &Default::default()).await.unwrap();
    }

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    for r in &requests {
        assert_eq!(header_value(r, "authorization"), Some(format!("Bearer {TOKEN}").as_str()));
        assert_eq!(header_value(r, "x-auth-email"), None, "never both schemes");
        assert_eq!(header_value(r, "x-auth-key"), None, "never both schemes");
    }
}

#[tokio::test]
async fn partial_credentials_fail_at_build_missing_ones_at_the_call() {
    let server = MockServer::start().await;
    // A credential whose every combination lacks a part is a mistake: `build` says which part.
    let cases = [
        (bare_builder(&server).api_email("user@example.com"), "api_key"),
        (bare_builder(&server).api_key("key-SECRET"), "api_email"),
    ];
    for (builder, missing) in cases {
        match builder.build() {
            Err(Error::Config(message)) => {
                assert!(message.contains(missing), "{message}");
                assert!(!message.contains("key-SECRET") && !message.contains("user@example.com"), "{message}");
            }
            other => panic!("expected a configuration error, got {other:?}"),
        }
    }
    assert!(bare_builder(&server).credential("no_such_scheme", "x").api_token(TOKEN).build().is_err());

    // No credentials at all builds (an API may have public operations); a call that needs them
    // fails before sending, naming what it accepts.
    let client = bare_builder(&server).build().unwrap();
    match client.get_certificate_pack(ZONE, PACK, &Default::default()).await {
        Err(Error::Config(message)) => {
            for name in ["api_token", "api_email", "api_key", "CLOUDFLARE_API_TOKEN"] {
                assert!(message.contains(name), "{name}: {message}");
            }
        }
        other => panic!("expected a configuration error, got {other:?}"),
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn base_url_with_or_without_trailing_slash_keeps_client_v4() {
    let server = pack_server().await;
    for base in [format!("{}/client/v4", server.uri()), format!("{}/client/v4/", server.uri())] {
        let client = bare_builder(&server).base_url(base).api_token(TOKEN).build().unwrap();
        assert_eq!(client.base_url(), format!("{}/client/v4", server.uri()));
        client.get_certificate_pack(ZONE, PACK, &Default::default()).await.unwrap();
    }
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    for r in &requests {
        assert_eq!(r.url.path(), pack_wire_path(PACK));
    }
}

#[test]
fn bad_base_urls_are_configuration_errors() {
    for base in ["not a url", "ftp://127.0.0.1/client/v4", "http://127.0.0.1/client/v4?x=1"] {
        let result = Client::builder().from_env(false).base_url(base).api_token(TOKEN).build();
        assert!(matches!(result, Err(Error::Config(_))), "{base}: {result:?}");
    }
}

#[test]
fn the_default_base_url_is_cloudflares() {
    // Built only: no request is sent.
    let client = Client::builder().from_env(false).api_token(TOKEN).build().unwrap();
    assert_eq!(client.base_url(), "https://api.cloudflare.com/client/v4");
}

/// The version in `generated/Cargo.toml`.
fn crate_version() -> String {
    let manifest = std::fs::read_to_string(testkit::root().join("generated/Cargo.toml")).unwrap();
    let line = manifest.lines().find(|l| l.starts_with("version")).unwrap();
    line.split('"').nth(1).unwrap().to_string()
}

#[tokio::test]
async fn user_agent_names_the_crate_and_version_and_can_be_replaced() {
    let server = pack_server().await;
    client(&server).get_certificate_pack(ZONE, PACK, &Default::default()).await.unwrap();
    bare_builder(&server)
        .api_token(TOKEN)
        .user_agent("my-app/2.1")
        .build()
        .unwrap()
        .get_certificate_pack(ZONE, PACK, &Default::default())
        .await
        .unwrap();

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    let agent = header_value(&requests[0], "user-agent").unwrap();
    assert!(agent.starts_with(&format!("cloudflare-ssl/{} ", crate_version())), "{agent}");
    assert_eq!(header_value(&requests[1], "user-agent"), Some("my-app/2.1"));
}

#[tokio::test]
async fn a_callers_own_reqwest_client_is_used() {
    let server = pack_server().await;
    let mut defaults = reqwest::header::HeaderMap::new();
    defaults.insert("x-from-own-client", reqwest::header::HeaderValue::from_static("yes"));
    let own = reqwest::Client::builder().default_headers(defaults).build().unwrap();
    let client = bare_builder(&server).api_token(TOKEN).http_client(own).build().unwrap();
    client.get_certificate_pack(ZONE, PACK, &Default::default()).await.unwrap();

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    assert_eq!(header_value(&requests[0], "x-from-own-client"), Some("yes"));
    assert_eq!(header_value(&requests[0], "authorization"), Some(format!("Bearer {TOKEN}").as_str()));
    assert!(header_value(&requests[0], "user-agent").unwrap().starts_with("cloudflare-ssl/"));
}

#[tokio::test]
async fn client_and_per_call_headers() {
    let server = pack_server().await;
    let client = bare_builder(&server).api_token(TOKEN).header("x-team", "client-wide").build().unwrap();
    client.get_certificate_pack(ZONE, PACK, &Default::default()).await.unwrap();
    client
        .get_certificate_pack(ZONE, PACK, &Default::default())
        .header("x-team", "this-call")
        .header("x-trace-id", "t-42")
        .await
        .unwrap();

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    assert_eq!(header_value(&requests[0], "x-team"), Some("client-wide"));
    assert_eq!(header_value(&requests[0], "x-trace-id"), None);
    let values: Vec<_> = requests[1].headers.get_all("x-team").iter().map(|v| v.to_str().unwrap()).collect();
    assert_eq!(values, ["this-call"], "a per-call header replaces the client's");
    assert_eq!(header_value(&requests[1], "x-trace-id"), Some("t-42"));
}

#[tokio::test]
async fn an_invalid_per_call_header_fails_before_sending() {
    let server = pack_server().await;
    let err = client(&server)
        .get_certificate_pack(ZONE, PACK, &Default::default())
        .header("bad header", "v")
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::InvalidArgument { name, .. } if name == "bad header"), "{err:?}");
    let err = client(&server)
        .get_certificate_pack(ZONE, PACK, &Default::default())
        .header("x-ok", "line\nbreak")
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::InvalidArgument { name, .. } if name == "x-ok"), "{err:?}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn invalid_arguments_are_rejected_before_any_request() {
    let server = pack_server().await;
    let client = client(&server);
    let long = "a".repeat(33);

    let get_cases: [(&str, &str, &str); 6] = [
        ("", PACK, "zone_id"),
        (ZONE, "", "certificate_pack_id"),
        (ZONE, "..", "certificate_pack_id"),
        (ZONE, ".", "certificate_pack_id"),
        ("..", PACK, "zone_id"),
        (&long, PACK, "zone_id"),
    ];
    for (zone, pack, name) in get_cases {
        let err = client.get_certificate_pack(zone, pack, &Default::default()).await.unwrap_err();
        match &err {
            Error::InvalidArgument { name: got, .. } => assert_eq!(got, name, "({zone:?}, {pack:?})"),
            other => panic!("({zone:?}, {pack:?}): expected InvalidArgument, got {other:?}"),
        }
        assert!(err.to_string().contains(name), "{err}");
    }
    let err = client.get_certificate_pack(ZONE, &long, &Default::default()).await.unwrap_err();
    assert!(
        matches!(&err, Error::InvalidArgument { name, reason } if name == "certificate_pack_id" && reason.contains("32"))
    );

    let list_cases = [
        (ListCustomTrustStoreParams::default().per_page(4.0), "per_page"),
        (ListCustomTrustStoreParams::default().per_page(51.0), "per_page"),
        (ListCustomTrustStoreParams::default().per_page(f64::NAN), "per_page"),
        (ListCustomTrustStoreParams::default().page(0.0), "page"),
        (ListCustomTrustStoreParams::default().page(-3.0), "page"),
    ];
    for (params, name) in &list_cases {
        let err = client.list_custom_trust_store(ZONE, params).await.unwrap_err();
        assert!(matches!(&err, Error::InvalidArgument { name: got, .. } if got == name), "{params:?}: {err:?}");
        // The streams report the same error, once, and send nothing either.
        let mut items = client.list_custom_trust_store(ZONE, params).items();
        assert!(matches!(items.next().await, Some(Err(Error::InvalidArgument { .. }))));
        assert!(items.next().await.is_none());
        let mut pages = client.list_custom_trust_store(ZONE, params).pages();
        assert!(matches!(pages.next().await, Some(Err(Error::InvalidArgument { .. }))));
        assert!(pages.next().await.is_none());
    }
    let err = client.list_custom_trust_store("", &ListCustomTrustStoreParams::default()).await.unwrap_err();
    assert!(matches!(&err, Error::InvalidArgument { name, .. } if name == "zone_id"));

    assert!(server.received_requests().await.unwrap().is_empty(), "no request may be sent for a bad argument");
}

#[tokio::test]
async fn boundary_values_are_accepted() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200).set_body_json(example(STORE_PATH))).mount(&server).await;
    let client = client(&server);
    let max_id = "b".repeat(32);
    client
        .list_custom_trust_store(&max_id, &ListCustomTrustStoreParams::default().per_page(5.0).page(1.0))
        .await
        .unwrap();
    client.list_custom_trust_store(ZONE, &ListCustomTrustStoreParams::default().per_page(50.0)).await.unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].url.path(), format!("/client/v4/zones/{max_id}/acm/custom_trust_store"));
    assert_eq!(requests[0].url.query(), Some("page=1&per_page=5"));
    assert_eq!(requests[1].url.query(), Some("per_page=50"));
}

#[tokio::test]
async fn path_parameters_are_percent_encoded() {
    let server = pack_server().await;
    let client = client(&server);
    client.get_certificate_pack(ZONE, "a/b?c", &Default::default()).await.unwrap();
    client.get_certificate_pack(ZONE, "x y#z%", &Default::default()).await.unwrap();
    client.get_certificate_pack(ZONE, "..a", &Default::default()).await.unwrap();

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 3);
    assert_eq!(requests[0].url.path(), pack_wire_path("a%2Fb%3Fc"));
    assert_eq!(requests[0].url.query(), None, "`?` in a path parameter must not start a query");
    assert_eq!(requests[1].url.path(), pack_wire_path("x%20y%23z%25"));
    assert_eq!(requests[1].url.fragment(), None);
    assert_eq!(requests[2].url.path(), pack_wire_path("..a"));
}

#[tokio::test]
async fn whole_numbers_go_on_the_wire_without_a_fraction() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200).set_body_json(example(STORE_PATH))).mount(&server).await;
    let client = client(&server);
    client.list_custom_trust_store(ZONE, &ListCustomTrustStoreParams::default().per_page(20.0)).await.unwrap();
    client
        .list_custom_trust_store(ZONE, &ListCustomTrustStoreParams::default().page(2.0).per_page(12.5))
        .await
        .unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests[0].url.query(), Some("per_page=20"));
    assert_eq!(requests[1].url.query(), Some("page=2&per_page=12.5"));
}

#[tokio::test]
async fn unknown_enum_values_decode_as_unknown() {
    let server = MockServer::start().await;
    let mut pack = example(PACK_PATH);
    pack["result"]["status"] = "brand_new_status".into();
    pack["result"]["type"] = "brand_new_type".into();
    pack["result"]["certificate_authority"] = "new_ca".into();
    pack["result"]["validity_days"] = 45.into();
    pack["result"]["field_added_later"] = serde_json::json!({"anything": [1, 2]});
    let mut store = example(STORE_PATH);
    store["result"][0]["status"] = "quarantined".into();
    Mock::given(path(pack_wire_path(PACK)))
        .respond_with(ResponseTemplate::new(200).set_body_json(pack))
        .mount(&server)
        .await;
    Mock::given(path(format!("/client/v4/zones/{ZONE}/acm/custom_trust_store")))
        .respond_with(ResponseTemplate::new(200).set_body_json(store))
        .mount(&server)
        .await;

    let client = client(&server);
    let pack = client.get_certificate_pack(ZONE, PACK, &Default::default()).await.unwrap();
    assert_eq!(pack.status, CertificatePackStatus::Unknown("brand_new_status".into()));
    assert_eq!(pack.status.as_str(), "brand_new_status");
    assert_eq!(pack.type_, CertificatePackType::Unknown("brand_new_type".into()));
    assert_eq!(pack.certificate_authority, Some(CertificateAuthority::Unknown("new_ca".into())));
    assert_eq!(pack.validity_days, Some(ValidityDays::Unknown(45)));
    assert_eq!(pack.hosts.len(), 3, "the rest of the payload still decodes");

    let page = client.list_custom_trust_store(ZONE, &ListCustomTrustStoreParams::default()).await.unwrap();
    assert_eq!(page.items[0].status, CustomTrustStoreStatus::Unknown("quarantined".into()));
}
