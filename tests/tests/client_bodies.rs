//! Request bodies of every media type, structured parameters, and responses that may be empty,
//! against a local wiremock server.
//!
//! Requests are built the way the emitted code builds them (see the snapshots of
//! `request_bodies`, `parameter_styles` and `responses_optional_body` under
//! `tests/fixtures/good/`), on a client for an API without security.

use cloudflare_ssl::rt::{AllowEmpty, Bytes, Empty, Json, JsonParam, Method, Request, Style, Text};
use cloudflare_ssl::{ApiSpec, Binary, Client, ClientBuilder};
use serde::Serialize;
use std::collections::BTreeMap;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

static SPEC: ApiSpec = ApiSpec {
    default_base_url: "http://127.0.0.1:9",
    base_url_env: None,
    schemes: &[],
    alternatives: &[],
    combinations: &[],
};

fn client(server: &MockServer) -> Client {
    ClientBuilder::new(&SPEC).from_env(false).base_url(server.uri()).max_retries(0).build().unwrap()
}

async fn answering(template: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(template).mount(&server).await;
    server
}

async fn only_request(server: &MockServer) -> wiremock::Request {
    let mut requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    requests.remove(0)
}

fn header<'a>(r: &'a wiremock::Request, name: &str) -> Option<&'a str> {
    r.headers.get(name).map(|v| v.to_str().unwrap())
}

fn post(path: &str) -> Request {
    let mut r = Request::new(Method::POST, false);
    r.literal(path);
    r
}

/// A multipart body as generated for `UploadBody` in the `request_bodies` fixture.
#[derive(Serialize)]
struct UploadBody {
    file: Binary,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    caption: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tags: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    meta: Option<serde_json::Value>,
}

#[tokio::test]
async fn multipart_bodies_send_one_part_per_property() {
    let server = answering(ResponseTemplate::new(204)).await;
    let png = vec![0x89, b'P', b'N', b'G', 0, 0xff];
    let body = UploadBody {
        file: Binary::new(png.clone()).filename("chart.png").content_type("image/png"),
        caption: Some("Q3 \"final\"".into()),
        tags: Some(vec!["a".into(), "b".into()]),
        meta: Some(serde_json::json!({"pinned": true})),
    };
    let mut r = post("/uploads");
    r.multipart(&body);
    client(&server).call::<Empty>(r).await.unwrap();

    let request = only_request(&server).await;
    let content_type = header(&request, "content-type").unwrap();
    let boundary = content_type.strip_prefix("multipart/form-data; boundary=").expect(content_type);
    let mut expected = Vec::new();
    let mut part = |head: &str, data: &[u8]| {
        expected.extend_from_slice(format!("--{boundary}\r\n{head}\r\n\r\n").as_bytes());
        expected.extend_from_slice(data);
        expected.extend_from_slice(b"\r\n");
    };
    part("Content-Disposition: form-data; name=\"file\"; filename=\"chart.png\"\r\nContent-Type: image/png", &png);
    part("Content-Disposition: form-data; name=\"caption\"", b"Q3 \"final\"");
    part("Content-Disposition: form-data; name=\"tags\"", b"a");
    part("Content-Disposition: form-data; name=\"tags\"", b"b");
    part("Content-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json", br#"{"pinned":true}"#);
    expected.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    assert_eq!(String::from_utf8_lossy(&request.body), String::from_utf8_lossy(&expected));
    assert_eq!(request.body, expected);
}

#[tokio::test]
async fn a_file_without_a_name_is_named_after_its_property() {
    let server = answering(ResponseTemplate::new(204)).await;
    let mut r = post("/uploads");
    r.multipart(&UploadBody { file: Binary::from("plain"), caption: None, tags: None, meta: None });
    client(&server).call::<Empty>(r).await.unwrap();
    let body = String::from_utf8(only_request(&server).await.body).unwrap();
    assert!(
        body.contains(
            "Content-Disposition: form-data; name=\"file\"; filename=\"file\"\r\n\
             Content-Type: application/octet-stream\r\n\r\nplain\r\n"
        ),
        "{body}"
    );
    assert!(!body.contains("caption"), "absent properties send no part: {body}");
}

#[tokio::test]
async fn raw_text_json_and_absent_bodies() {
    let server = answering(ResponseTemplate::new(204)).await;
    let client = client(&server);

    let mut r = post("/blobs/a");
    r.bytes(vec![1u8, 2, 3], "image/png");
    client.call::<Empty>(r).await.unwrap();
    let mut r = post("/markdown");
    r.text("# Title", "text/x-markdown");
    client.call::<Empty>(r).await.unwrap();
    let mut r = post("/notes");
    r.json(&serde_json::json!({"text": "hi"}));
    client.call::<Empty>(r).await.unwrap();
    // An optional body left out: no body, no Content-Type.
    client.call::<Empty>(post("/notes")).await.unwrap();

    let requests = server.received_requests().await.unwrap();
    let seen: Vec<(Option<&str>, &[u8])> =
        requests.iter().map(|r| (header(r, "content-type"), r.body.as_slice())).collect();
    assert_eq!(
        seen,
        [
            (Some("image/png"), &[1u8, 2, 3][..]),
            (Some("text/x-markdown"), &b"# Title"[..]),
            (Some("application/json"), &br#"{"text":"hi"}"#[..]),
            (None, &b""[..]),
        ]
    );
}

#[tokio::test]
async fn an_invalid_media_type_fails_before_sending() {
    let server = answering(ResponseTemplate::new(204)).await;
    let mut r = post("/blobs/a");
    r.bytes(b"x".to_vec(), "image/png\r\nx-injected: 1");
    let err = client(&server).call::<Empty>(r).await.unwrap_err();
    assert!(matches!(&err, cloudflare_ssl::Error::InvalidArgument { name, .. } if name == "body"), "{err:?}");
    let mut r = post("/uploads");
    r.multipart(&[1, 2]);
    assert!(client(&server).call::<Empty>(r).await.is_err(), "a multipart body must be an object");
    assert!(server.received_requests().await.unwrap().is_empty());
}

/// Fields in name order, so that the wire order does not depend on serde_json's
/// `preserve_order` feature.
#[derive(Serialize)]
struct Range {
    #[serde(skip_serializing_if = "Option::is_none")]
    max: Option<i64>,
    min: i64,
}

#[tokio::test]
async fn structured_parameters_follow_their_style() {
    let server = answering(ResponseTemplate::new(204)).await;
    let mut r = Request::new(Method::GET, true);
    r.literal("/search/");
    let filter = Range { min: 1, max: Some(2) };
    r.path_param("filter", &cloudflare_ssl::rt::ParamValue::to_param(&JsonParam(&filter)));
    r.query_structured("range", &Range { min: 3, max: None }, Style::Form, true);
    r.query_structured("point", &Range { min: 4, max: Some(5) }, Style::Form, false);
    let where_: BTreeMap<&str, &str> = [("name", "a b"), ("kind", "x&y")].into();
    r.query_structured("where", &where_, Style::DeepObject, true);
    r.query_structured("ids", &[3, 4][..], Style::PipeDelimited, false);
    r.query_structured("words", &["x", "y"], Style::SpaceDelimited, false);
    r.query("q", JsonParam(&serde_json::json!({"term": "t"})));
    r.header_structured("x-dimensions", &Range { min: 6, max: Some(7) }, true);
    client(&server).call::<Empty>(r).await.unwrap();

    let request = only_request(&server).await;
    assert_eq!(request.url.path(), "/search/%7B%22max%22%3A2%2C%22min%22%3A1%7D");
    let pairs: Vec<(String, String)> = request.url.query_pairs().into_owned().collect();
    let expected = [
        ("min", "3"),
        ("point", "max,5,min,4"),
        ("where[kind]", "x&y"),
        ("where[name]", "a b"),
        ("ids", "3|4"),
        ("words", "x y"),
        ("q", r#"{"term":"t"}"#),
    ];
    let expected: Vec<(String, String)> = expected.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    assert_eq!(pairs, expected);
    assert_eq!(header(&request, "x-dimensions"), Some("max=7,min=6"));
}

#[derive(Debug, PartialEq, serde::Deserialize)]
struct Job {
    id: String,
}

#[tokio::test]
async fn a_response_that_may_be_empty_decodes_to_none() {
    let get =
        |server: &MockServer| client(server).call::<AllowEmpty<Json<Option<Job>>>>(Request::new(Method::GET, true));
    let empty = answering(ResponseTemplate::new(204)).await;
    assert_eq!(get(&empty).await.unwrap(), None);
    let full = answering(ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": "j1"}))).await;
    assert_eq!(get(&full).await.unwrap(), Some(Job { id: "j1".into() }));
    // An empty 200 too: what counts is the body.
    let blank = answering(ResponseTemplate::new(200).set_body_string(" \n")).await;
    assert_eq!(get(&blank).await.unwrap(), None);
    // Free-form JSON: `Null`.
    let value = client(&empty).call::<AllowEmpty<Json<serde_json::Value>>>(Request::new(Method::GET, true)).await;
    assert_eq!(value.unwrap(), serde_json::Value::Null);
    // A body that is not JSON is still an error.
    let bad = answering(ResponseTemplate::new(200).set_body_string("<html>")).await;
    assert!(matches!(get(&bad).await, Err(cloudflare_ssl::Error::Decode { .. })));
}

#[tokio::test]
async fn text_and_binary_responses() {
    let png = vec![0x89, b'P', b'N', b'G', 0xff];
    let server = answering(ResponseTemplate::new(200).set_body_raw(png.clone(), "image/png")).await;
    let bytes = client(&server).call::<Bytes>(Request::new(Method::GET, true)).await.unwrap();
    assert_eq!(bytes, png);
    let server = answering(ResponseTemplate::new(200).set_body_raw("héllo", "text/plain")).await;
    assert_eq!(client(&server).call::<Text>(Request::new(Method::GET, true)).await.unwrap(), "héllo");
}

#[tokio::test]
async fn form_bodies_write_nested_values_per_their_encoding() {
    let server = answering(ResponseTemplate::new(204)).await;
    // As generated for `subscribe` in the `request_bodies` fixture (keys in name order: the
    // wire order follows the map's).
    let body = serde_json::json!({
        "address": {"city": "Lyon", "lines": ["1 rue A", "B"]},
        "items": ["x", "y"],
        "plan": "pro & co",
    });
    let mut r = post("/subscriptions");
    r.form_styled(&body, &[("address", Style::DeepObject, true)]);
    client(&server).call::<Empty>(r).await.unwrap();
    let request = only_request(&server).await;
    assert_eq!(header(&request, "content-type"), Some("application/x-www-form-urlencoded"));
    let pairs: Vec<(String, String)> = url_pairs(&request.body);
    let expected = [
        ("address[city]", "Lyon"),
        ("address[lines][0]", "1 rue A"),
        ("address[lines][1]", "B"),
        ("items", "x"),
        ("items", "y"),
        ("plan", "pro & co"),
    ];
    assert_eq!(pairs, expected.map(|(k, v)| (k.to_string(), v.to_string())));
}

/// Decodes an `application/x-www-form-urlencoded` body.
fn url_pairs(body: &[u8]) -> Vec<(String, String)> {
    let url = reqwest::Url::parse(&format!("http://x/?{}", String::from_utf8_lossy(body))).unwrap();
    url.query_pairs().into_owned().collect()
}
