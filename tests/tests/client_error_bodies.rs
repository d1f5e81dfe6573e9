//! Typed error bodies in the checked-in generated Cloudflare client (`generated/`), against local
//! wiremock servers (127.0.0.1): its operations declare `4XX` responses
//! (`errors::GetCertificatePackError`, `errors::ListCustomTrustStoreError`), and these tests read
//! them through the generated `from_error`, beside the envelope's messages.
//!
//! GitHub's and Stripe's error bodies (a 404 `basic-error`, a 422 `validation-error`, a 402
//! under Stripe's `default`) are tested on clients generated from the real specs, in
//! `client_overlays.rs` (a slow suite: it reads the spec corpus).

use cloudflare_ssl::errors::{GetCertificatePackError, ListCustomTrustStoreError};
use cloudflare_ssl::types::ListCustomTrustStoreParams;
use cloudflare_ssl::{Client, Error};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const ZONE: &str = "023e105f4ecef8ad9ca31a8372d0c353";
const PACK: &str = "3822ff90ea2944df9e5521300bb9419b";

async fn always(response: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(response).mount(&server).await;
    server
}

fn cloudflare(server: &MockServer) -> Client {
    Client::builder()
        .from_env(false)
        .base_url(format!("{}/client/v4", server.uri()))
        .api_token("t")
        .max_retries(0)
        .build()
        .unwrap()
}

const CLOUDFLARE_FAILURE: &str = r#"{
  "errors": [{"code": 7003, "message": "Could not route to /zones/x/ssl, perhaps your object identifier is invalid?"}],
  "messages": [],
  "success": false,
  "result": null
}"#;

#[tokio::test]
async fn a_cloudflare_4xx_decodes_into_the_generated_error_type_beside_the_envelope_messages() {
    let server = always(ResponseTemplate::new(400).set_body_raw(CLOUDFLARE_FAILURE, "application/json")).await;
    let err = cloudflare(&server).get_certificate_pack(ZONE, PACK, &Default::default()).await.unwrap_err();
    let Some(GetCertificatePackError::ClientError(failure)) = GetCertificatePackError::from_error(&err) else {
        panic!("expected the typed 4XX body, got {err:?}");
    };
    assert_eq!((failure.errors.len(), failure.errors[0].code), (1, 7003));
    assert!(failure.result.is_none() && failure.messages.is_empty());
    // The envelope's messages, status, headers and excerpt are still there.
    let api = err.api().unwrap();
    assert_eq!((api.status.as_u16(), api.errors[0].code), (400, 7003));
    assert_eq!(api.headers["content-type"], "application/json");
    assert_eq!(api.body, CLOUDFLARE_FAILURE);
    // Another operation's type is not this one's.
    assert!(ListCustomTrustStoreError::from_error(&err).is_none());
}

#[tokio::test]
async fn a_status_outside_the_declared_ones_or_a_body_off_schema_is_not_typed() {
    // `5XX` is not declared: nothing decoded, nothing failed.
    let server = always(ResponseTemplate::new(503).set_body_raw(CLOUDFLARE_FAILURE, "application/json")).await;
    let err = cloudflare(&server).get_certificate_pack(ZONE, PACK, &Default::default()).await.unwrap_err();
    assert!(GetCertificatePackError::from_error(&err).is_none());
    assert!(err.api().unwrap().body_failure().is_none());

    // `success: true` where the failure schema says `false`: a located mismatch on the error.
    let body = CLOUDFLARE_FAILURE.replace("\"success\": false", "\"success\": true");
    let server = always(ResponseTemplate::new(404).set_body_raw(body.clone(), "application/json")).await;
    let err = cloudflare(&server).get_certificate_pack(ZONE, PACK, &Default::default()).await.unwrap_err();
    assert!(GetCertificatePackError::from_error(&err).is_none());
    let mismatch = err.api().unwrap().body_failure().expect("a mismatch");
    assert_eq!(mismatch.path.as_deref(), Some("success"));
    let at = mismatch.position.unwrap();
    assert!(body[at.offset..].starts_with("true"), "{at:?}");
    assert_eq!(err.api().unwrap().status.as_u16(), 404);
}

/// Both operations with `?`: one `Error` type for the whole API, typed bodies included.
async fn both(client: &Client) -> Result<usize, Error> {
    let pack = client.get_certificate_pack(ZONE, PACK, &Default::default()).await?;
    let stores = client.list_custom_trust_store(ZONE, &ListCustomTrustStoreParams::default()).await?;
    Ok(pack.id.len() + stores.items.len())
}

#[tokio::test]
async fn typed_errors_travel_through_question_marks() {
    let server = always(ResponseTemplate::new(403).set_body_raw(CLOUDFLARE_FAILURE, "application/json")).await;
    let err = both(&cloudflare(&server)).await.unwrap_err();
    assert!(matches!(GetCertificatePackError::from_error(&err), Some(GetCertificatePackError::ClientError(_))));
}

/// A body longer than the runtime reads of an error response (`ERROR_BODY_LIMIT`, 1 MiB) is not
/// decoded: its first MiB would fail the schema where it was cut, which says nothing about the
/// body the server sent. The same body, short enough, is typed (so the padding is not why).
#[tokio::test]
async fn a_truncated_error_body_is_neither_typed_nor_called_a_mismatch() {
    let padded = |len: usize| {
        let end = CLOUDFLARE_FAILURE.rfind('}').unwrap();
        format!("{}, \"padding\": \"{}\"}}", &CLOUDFLARE_FAILURE[..end].trim_end(), "x".repeat(len))
    };
    let server = always(ResponseTemplate::new(404).set_body_raw(padded(1_000), "application/json")).await;
    let err = cloudflare(&server).get_certificate_pack(ZONE, PACK, &Default::default()).await.unwrap_err();
    assert!(
        matches!(GetCertificatePackError::from_error(&err), Some(GetCertificatePackError::ClientError(_))),
        "{err}"
    );

    let server = always(ResponseTemplate::new(404).set_body_raw(padded(2 << 20), "application/json")).await;
    let err = cloudflare(&server).get_certificate_pack(ZONE, PACK, &Default::default()).await.unwrap_err();
    let api = err.api().unwrap();
    assert!(api.truncated, "{err}");
    assert_eq!(api.status.as_u16(), 404);
    assert!(GetCertificatePackError::from_error(&err).is_none());
    assert!(api.body_failure().is_none(), "{:?}", api.body_failure());
}
