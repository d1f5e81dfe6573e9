//! Decode errors say where the body failed: a path into the JSON as it arrived (for an enveloped
//! response, from the envelope's own `result` key) and the byte it points at, counted in the
//! whole body. Every case checks that slicing the body at the reported offset shows the value
//! that failed, and that the line and column are those of that offset. Servers listen on
//! 127.0.0.1 only.

use cloudflare_ssl::rt::{Json, Method, Request, Text};
use cloudflare_ssl::types::{Certificate, ListCustomTrustStoreParams};
use cloudflare_ssl::{BodyPosition, Client, Error};
use serde::{Deserialize, Deserializer};
use serde_json::json;
use std::collections::BTreeMap;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const ZONE: &str = "023e105f4ecef8ad9ca31a8372d0c353";
const PACK: &str = "3822ff90ea2944df9e5521300bb9419b";
const PACK_PATH: &str = "/zones/{zone_id}/ssl/certificate_packs/{certificate_pack_id}";

async fn serving(body: impl AsRef<[u8]>) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_raw(body.as_ref().to_vec(), "application/json"))
        .mount(&server)
        .await;
    server
}

fn client(server: &MockServer) -> Client {
    Client::builder()
        .from_env(false)
        .base_url(format!("{}/client/v4", server.uri()))
        .api_token("tok")
        .max_retries(0)
        .build()
        .unwrap()
}

/// Get Certificate Pack answered with `body`.
async fn get_pack(body: &str) -> Result<cloudflare_ssl::types::CertificatePack, Error> {
    let server = serving(body).await;
    client(&server).get_certificate_pack(ZONE, PACK, &Default::default()).await
}

/// A plain-JSON call (no envelope) answered with `body`, decoded as `T`.
async fn get_json<T: serde::de::DeserializeOwned + Send + 'static>(body: &str) -> Result<T, Error> {
    let server = serving(body).await;
    client(&server).call::<Json<T>>(Request::new(Method::GET, true)).await
}

/// A decode error's parts.
#[derive(Debug)]
struct Failure {
    message: String,
    path: Option<String>,
    position: Option<BodyPosition>,
    shown: String,
}

fn failure<T: std::fmt::Debug>(result: Result<T, Error>) -> Failure {
    match result {
        Err(e @ Error::Decode { .. }) => {
            let shown = e.to_string();
            let Error::Decode { message, path, position, .. } = e else { unreachable!() };
            Failure { message, path, position, shown }
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}

/// The body from the reported position on, after checking that the line and column are those of
/// the offset (1-based, columns in bytes).
fn at(body: &str, p: BodyPosition) -> &str {
    let before = &body[..p.offset];
    assert_eq!(p.line, before.matches('\n').count() + 1, "line of {p:?}");
    assert_eq!(p.column, before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1, "column of {p:?}");
    &body[p.offset..]
}

/// The documented Get Certificate Pack body with three certificates.
fn pack_body() -> serde_json::Value {
    let mut body = testkit::response_examples(PACK_PATH, "get", "200").remove(0).1;
    let certificates = body["result"]["certificates"].as_array_mut().unwrap();
    let first = certificates[0].clone();
    certificates.push(first.clone());
    certificates.push(first);
    body
}

#[tokio::test]
async fn a_wrong_type_deep_in_the_envelope_is_named_by_its_path_and_located_in_the_whole_body() {
    let mut body = pack_body();
    body["result"]["certificates"][2]["expires_on"] = json!(12345);
    let message = "invalid type: integer `12345`, expected an RFC 3339 formatted date and time string";

    // Pretty-printed, so the position is a line and column well into the body; compact, so it
    // is far past where `result` starts (positions used to count from there).
    for text in [serde_json::to_string_pretty(&body).unwrap(), serde_json::to_string(&body).unwrap()] {
        let f = failure(get_pack(&text).await);
        assert_eq!(f.path.as_deref(), Some("result.certificates[2].expires_on"));
        assert_eq!(f.message, message);
        let p = f.position.expect("a position");
        assert!(at(&text, p).starts_with("12345"), "{}", &text[p.offset..]);
        assert_eq!(text.matches("12345").count(), 1);
        assert_eq!(p.offset, text.find("12345").unwrap());
        assert_eq!(p.line > 1, text.contains('\n'), "{p:?}");
        assert!(p.offset > text.find("\"certificates\"").unwrap(), "counted from the start of the body");
        let head = format!(
            "HTTP 200 OK response body does not decode at result.certificates[2].expires_on (line {}, column {}): \
             {message}; body: {{",
            p.line, p.column
        );
        assert!(f.shown.starts_with(&head), "{}", f.shown);
    }

    // The same with a short body, whole: the message as a user sees it.
    let certificate = r#"{"id":"c","hosts":[],"status":"active"}"#;
    let text = format!(
        r#"{{"success":true,"errors":[],"messages":[],"result":{{"certificates":[{certificate},{certificate},{{"id":"c","expires_on":5}}]}}}}"#
    );
    let f = failure(get_pack(&text).await);
    assert_eq!(
        f.shown,
        format!(
            "HTTP 200 OK response body does not decode at result.certificates[2].expires_on (line 1, column 172): \
             invalid type: integer `5`, expected an RFC 3339 formatted date and time string; body: {text}"
        )
    );
    assert!(at(&text, f.position.unwrap()).starts_with("5}]}}"));
}

#[tokio::test]
async fn a_missing_required_property_names_the_object_and_the_property() {
    let mut body = pack_body();
    body["result"]["certificates"][1].as_object_mut().unwrap().remove("id");
    let text = serde_json::to_string_pretty(&body).unwrap();
    let f = failure(get_pack(&text).await);
    assert_eq!(f.path.as_deref(), Some("result.certificates[1]"));
    assert_eq!(f.message, "missing field `id`");
    // The position is the object's opening brace: the object that lacks the property.
    let object = serde_json::to_string_pretty(&body["result"]["certificates"][1]).unwrap().replace('\n', "\n      ");
    assert!(at(&text, f.position.unwrap()).starts_with(&object), "{}", &text[f.position.unwrap().offset..]);
    assert!(f.shown.contains("at result.certificates[1] (line "), "{}", f.shown);

    // A whole payload missing (no `result`, or `null`) for an operation that returns an object.
    let message = "invalid type: null, expected an object (CertificatePack)";
    let f = failure(get_pack(r#"{"success":true,"errors":[],"messages":[]}"#).await);
    assert_eq!((f.path.as_deref(), f.position, f.message.as_str()), (Some("result"), None, message));
    let text = r#"{"success":true,"errors":[],"messages":[],"result":null}"#;
    let f = failure(get_pack(text).await);
    assert_eq!((f.path.as_deref(), f.message.as_str()), (Some("result"), message));
    assert_eq!(at(text, f.position.unwrap()), "null}");
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Listing {
    items: Vec<Certificate>,
}

#[tokio::test]
async fn a_plain_json_body_is_named_from_its_root() {
    let text = r#"{"items":[{"id":7,"hosts":[],"status":"active"}]}"#;
    let f = failure(get_json::<Listing>(text).await);
    assert_eq!(
        f.shown,
        format!(
            "HTTP 200 OK response body does not decode at items[0].id (line 1, column 17): \
             invalid type: integer `7`, expected a string; body: {text}"
        )
    );
    assert!(at(text, f.position.unwrap()).starts_with("7,"));

    // The whole body of the wrong shape: the root, at its first byte.
    let text = "\n  {\"items\": []}";
    let f = failure(get_json::<Vec<Certificate>>(text).await);
    assert_eq!(f.path.as_deref(), Some("(root)"));
    assert_eq!(f.message, "invalid type: map, expected a sequence");
    assert_eq!(f.position, Some(BodyPosition { offset: 3, line: 2, column: 3 }));

    // Not JSON at all: where reading stopped.
    let f = failure(get_json::<Listing>("<html>").await);
    assert_eq!((f.path.as_deref(), f.message.as_str()), (Some("(root)"), "expected value"));
    assert_eq!(f.position, Some(BodyPosition { offset: 0, line: 1, column: 1 }));

    // JSON followed by more: not inside any value, so no path.
    let text = r#"{"items":[]} x"#;
    let f = failure(get_json::<Listing>(text).await);
    assert_eq!((f.path, f.message.as_str()), (None, "trailing characters"));
    assert_eq!(at(text, f.position.unwrap()), "x");
    assert_eq!(
        f.shown,
        format!("HTTP 200 OK response body does not decode (line 1, column 14): trailing characters; body: {text}")
    );

    // Text that is not UTF-8: the first byte that is not.
    let server = serving(b"ok \xff".as_slice()).await;
    let f = failure(client(&server).call::<Text>(Request::new(Method::GET, true)).await);
    assert_eq!((f.path, f.position.map(|p| p.offset)), (None, Some(3)));
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Labelled {
    labels: BTreeMap<String, u32>,
}

#[tokio::test]
async fn keys_that_are_not_identifiers_are_quoted() {
    let cases = [
        (r#"{"labels":{"plain":1,"odd key":"x"}}"#, r#"labels["odd key"]"#, r#""x"}}"#),
        (r#"{"labels":{"say \"hi\"":true}}"#, r#"labels["say \"hi\""]"#, "true}}"),
        // Escaped in the body, matched unescaped; written as JSON would write it.
        (r#"{"labels":{"caf\u00e9":1,"caf\u00e9":-1}}"#, r#"labels["café"]"#, "-1}}"),
        (r#"{"labels":{"2xx":null}}"#, r#"labels["2xx"]"#, "null}}"),
        (r#"{"labels":{"":[]}}"#, r#"labels[""]"#, "[]}}"),
    ];
    for (text, path, rest) in cases {
        let f = failure(get_json::<Labelled>(text).await);
        assert_eq!(f.path.as_deref(), Some(path), "{text}");
        assert_eq!(at(text, f.position.unwrap()), rest, "{text}");
    }
    // An identifier-like key at the root, then a quoted one.
    let f = failure(get_json::<BTreeMap<String, Labelled>>(r#"{"a-b":{"labels":{"x_1":"y"}}}"#).await);
    assert_eq!(f.path.as_deref(), Some(r#"["a-b"].labels.x_1"#));
}

/// An untagged union, written as the generator writes one (see the `one_of_any_of` snapshot):
/// the value is buffered, then each variant tried.
#[derive(Debug)]
#[allow(dead_code)]
enum IdOrCount {
    Id(String),
    Count(i64),
}

impl<'de> Deserialize<'de> for IdOrCount {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
        let mut pick = cloudflare_ssl::rt::model::Pick::new(&value);
        pick.variant(IdOrCount::Id);
        pick.variant(IdOrCount::Count);
        pick.finish("IdOrCount")
    }
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Refs {
    refs: Vec<IdOrCount>,
    after: u32,
    #[serde(default)]
    last: Option<IdOrCount>,
}

#[tokio::test]
async fn enum_and_union_failures_name_the_value() {
    // A string enum given a number.
    let mut body = pack_body();
    body["result"]["status"] = json!(5);
    let text = serde_json::to_string(&body).unwrap();
    let f = failure(get_pack(&text).await);
    assert_eq!(
        (f.path.as_deref(), f.message.as_str()),
        (Some("result.status"), "invalid type: integer `5`, expected a string")
    );
    assert!(at(&text, f.position.unwrap()).starts_with("5,"));

    // A union no variant accepts: its error is raised after its value was read whole, yet the
    // path and position are the union's, in an array and as the last property of an object.
    let message = "data did not match any variant of untagged enum IdOrCount";
    let text = r#"{"refs":["a",2,{"x":1},3],"after":1}"#;
    let f = failure(get_json::<Refs>(text).await);
    assert_eq!((f.path.as_deref(), f.message.as_str()), (Some("refs[2]"), message));
    assert_eq!(at(text, f.position.unwrap()), r#"{"x":1},3],"after":1}"#);
    let text = r#"{"refs":[], "after":1, "last": [true]}"#;
    let f = failure(get_json::<Refs>(text).await);
    assert_eq!((f.path.as_deref(), f.message.as_str()), (Some("last"), message));
    assert_eq!(at(text, f.position.unwrap()), "[true]}");
    // At the root, where serde_json gives no position at all.
    let f = failure(get_json::<IdOrCount>(" {}").await);
    assert_eq!((f.path.as_deref(), f.position.map(|p| p.offset)), (Some("(root)"), Some(1)));
}

#[tokio::test]
async fn pages_envelope_keys_and_broken_bodies_are_located_too() {
    let store = |expires_on: serde_json::Value| {
        json!({"id": "a", "certificate": "c", "expires_on": expires_on, "issuer": "i", "signature": "s",
               "status": "active", "updated_at": "2024-01-01T00:00:00Z", "uploaded_on": "2024-01-01T00:00:00Z"})
    };
    let list = |body: serde_json::Value| async move {
        let server = serving(serde_json::to_vec(&body).unwrap()).await;
        client(&server).list_custom_trust_store(ZONE, &ListCustomTrustStoreParams::default()).await
    };
    let good = store(json!("2024-01-01T00:00:00Z"));

    // An item of a page.
    let body = json!({"success": true, "errors": [], "messages": [],
                      "result": [good.clone(), store(json!(false))], "result_info": {"page": 1}});
    let text = serde_json::to_string(&body).unwrap();
    let f = failure(list(body).await);
    assert_eq!(f.path.as_deref(), Some("result[1].expires_on"));
    assert!(at(&text, f.position.unwrap()).starts_with("false,"));

    // The page metadata.
    let body = json!({"success": true, "errors": [], "messages": [], "result": [good.clone()],
                      "result_info": {"total_pages": "many"}});
    let text = serde_json::to_string(&body).unwrap();
    let f = failure(list(body).await);
    assert_eq!(f.path.as_deref(), Some("result_info.total_pages"));
    assert!(at(&text, f.position.unwrap()).starts_with(r#""many"}"#));

    // The envelope's own keys.
    let text = r#"{"success":true,"errors":[],"messages":[{"code":"one","message":"m"}],"result":{}}"#;
    let f = failure(get_pack(text).await);
    assert_eq!(f.path.as_deref(), Some("messages[0].code"));
    assert!(at(text, f.position.unwrap()).starts_with(r#""one""#));
    let f = failure(get_pack(r#"[{"success":true}]"#).await);
    assert_eq!((f.path.as_deref(), f.position.map(|p| p.offset)), (Some("(root)"), Some(0)));

    // A body cut short: where reading stopped, inside the value being read.
    let text = r#"{"success": true, "result": {"id": "#;
    let f = failure(get_pack(text).await);
    assert_eq!((f.path.as_deref(), f.message.as_str()), (Some("result.id"), "EOF while parsing a value"));
    assert_eq!(f.position, Some(BodyPosition { offset: text.len() - 1, line: 1, column: text.len() }));

    // `success: false` is still an API error, whatever the payload looks like.
    let failed = json!({"success": false, "errors": [{"code": 7003, "message": "no"}], "messages": [],
                        "result": {"id": 5}});
    let err = get_pack(&failed.to_string()).await.unwrap_err();
    assert_eq!(err.api().map(|e| e.errors[0].code), Some(7003), "{err:?}");
    let err = list(failed).await.unwrap_err();
    assert_eq!(err.api().map(|e| e.errors[0].code), Some(7003), "{err:?}");
}
