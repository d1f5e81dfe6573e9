//! Typed error bodies against local wiremock servers (127.0.0.1).
//!
//! The Cloudflare client is the generated crate itself: its operations declare `4XX` responses
//! (`errors::GetCertificatePackError`, `errors::ListCustomTrustStoreError`). GitHub's and
//! Stripe's error types are written here the way the generator emits them for the fixtures
//! `error_bodies_github` and `error_bodies_stripe` (see their snapshots; `fixtures_compile`
//! builds the emitted code itself under clippy), over models with the same fields, and sent with
//! requests built as the emitted methods build them (`r.error_body::<…>()`); the bodies are the
//! ones those APIs send.

use cloudflare_ssl::errors::{GetCertificatePackError, ListCustomTrustStoreError};
use cloudflare_ssl::rt::{decode_error_body, BodyMismatch, ErrorBody, Json, Method, Request};
use cloudflare_ssl::types::ListCustomTrustStoreParams;
use cloudflare_ssl::{ApiSpec, Client, ClientBuilder, Error};
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

// GitHub: `repos/update` (fixture `error_bodies_github`).

static OPEN: ApiSpec = ApiSpec {
    default_base_url: "http://127.0.0.1:9",
    base_url_env: None,
    schemes: &[],
    alternatives: &[],
    combinations: &[],
};

fn open_client(server: &MockServer) -> Client {
    ClientBuilder::new(&OPEN).from_env(false).base_url(server.uri()).max_retries(0).build().unwrap()
}

/// `basic-error`.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
struct BasicError {
    message: Option<String>,
    documentation_url: Option<String>,
    url: Option<String>,
    status: Option<String>,
}

/// `validation-error`.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
struct ValidationError {
    message: String,
    documentation_url: String,
    errors: Option<Vec<ValidationErrorErrorsItem>>,
}

/// An item of `validation-error`'s `errors` (its `value` union as JSON).
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
struct ValidationErrorErrorsItem {
    resource: Option<String>,
    field: Option<String>,
    message: Option<String>,
    code: String,
    index: Option<i64>,
    value: Option<serde_json::Value>,
}

/// As emitted for `repos_update`.
#[derive(Debug, Clone, PartialEq)]
enum ReposUpdateError {
    TemporaryRedirect(BasicError),
    Forbidden(BasicError),
    NotFound(BasicError),
    UnprocessableEntity(ValidationError),
}

impl ReposUpdateError {
    fn from_error(error: &Error) -> Option<&Self> {
        error.api().and_then(|e| e.body_as::<Self>())
    }
}

impl ErrorBody for ReposUpdateError {
    fn decode(status: u16, body: &[u8]) -> Option<Result<Self, BodyMismatch>> {
        let decoded = match status {
            307 => decode_error_body(body).map(Self::TemporaryRedirect),
            403 => decode_error_body(body).map(Self::Forbidden),
            404 => decode_error_body(body).map(Self::NotFound),
            422 => decode_error_body(body).map(Self::UnprocessableEntity),
            _ => return None,
        };
        Some(decoded)
    }
}

async fn repos_update(server: &MockServer) -> Error {
    let mut r = Request::new(Method::PATCH, false);
    r.literal("/repos/");
    r.path_param("owner", "octocat");
    r.literal("/");
    r.path_param("repo", "hello-world");
    r.json(&serde_json::json!({"name": "taken"}));
    r.error_body::<ReposUpdateError>();
    open_client(server).call::<Json<serde_json::Value>>(r).await.unwrap_err()
}

#[tokio::test]
async fn a_github_404_and_422_decode_into_basic_and_validation_errors() {
    let not_found = r#"{"message":"Not Found","documentation_url":"https://docs.github.com/rest/repos/repos#update-a-repository","status":"404"}"#;
    let server = always(ResponseTemplate::new(404).set_body_raw(not_found, "application/json; charset=utf-8")).await;
    let err = repos_update(&server).await;
    let Some(ReposUpdateError::NotFound(basic)) = ReposUpdateError::from_error(&err) else { panic!("{err:?}") };
    assert_eq!(basic.message.as_deref(), Some("Not Found"));
    assert_eq!(basic.status.as_deref(), Some("404"));
    assert!(basic.url.is_none());
    assert!(basic.documentation_url.as_deref().unwrap().ends_with("#update-a-repository"));

    let invalid = r#"{"message":"Repository creation failed.","errors":[{"resource":"Repository","code":"custom","field":"name","message":"name already exists on this account"}],"documentation_url":"https://docs.github.com/rest/repos/repos#update-a-repository","status":"422"}"#;
    let server = always(ResponseTemplate::new(422).set_body_raw(invalid, "application/json; charset=utf-8")).await;
    let err = repos_update(&server).await;
    let Some(ReposUpdateError::UnprocessableEntity(v)) = ReposUpdateError::from_error(&err) else { panic!("{err:?}") };
    assert_eq!(v.message, "Repository creation failed.");
    let item = &v.errors.as_ref().unwrap()[0];
    assert_eq!((item.code.as_str(), item.field.as_deref()), ("custom", Some("name")));
    assert_eq!(item.message.as_deref(), Some("name already exists on this account"));
    assert!(item.index.is_none() && item.value.is_none() && item.resource.is_some());
    assert_eq!(v.documentation_url, "https://docs.github.com/rest/repos/repos#update-a-repository");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(422));
}

// Stripe: `PostPaymentIntentsIntentConfirm` (fixture `error_bodies_stripe`), `default` only.

/// `error` (the Rust name `ErrorType` in the fixture).
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
struct StripeError {
    error: ApiErrors,
}

/// `api_errors`, the properties this test reads (the emitted model has them all).
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
struct ApiErrors {
    charge: Option<String>,
    code: Option<String>,
    decline_code: Option<String>,
    doc_url: Option<String>,
    message: Option<String>,
    #[serde(rename = "type")]
    type_: String,
}

/// As emitted for `get_customers_customer`, which the confirm operation's type is an alias of.
#[derive(Debug, Clone, PartialEq)]
enum GetCustomersCustomerError {
    Default(StripeError),
}

impl ErrorBody for GetCustomersCustomerError {
    fn decode(_status: u16, body: &[u8]) -> Option<Result<Self, BodyMismatch>> {
        Some(decode_error_body(body).map(Self::Default))
    }
}

type PostPaymentIntentsIntentConfirmError = GetCustomersCustomerError;

#[tokio::test]
async fn a_stripe_402_decodes_into_the_default_error_response() {
    let declined = r#"{
  "error": {
    "charge": "ch_3OdQ2LBN2B1zR1mt0Ib3Qx6b",
    "code": "card_declined",
    "decline_code": "insufficient_funds",
    "doc_url": "https://stripe.com/docs/error-codes/card-declined",
    "message": "Your card has insufficient funds.",
    "request_log_url": "https://dashboard.stripe.com/test/logs/req_1ZqN7sA2b3C4d5?t=1706000000",
    "type": "card_error"
  }
}"#;
    let server = always(ResponseTemplate::new(402).set_body_raw(declined, "application/json")).await;
    let mut r = Request::new(Method::POST, false);
    r.literal("/v1/payment_intents/");
    r.path_param("intent", "pi_3OdQ2LBN2B1zR1mt0");
    r.literal("/confirm");
    r.form(&serde_json::json!({"payment_method": "pm_card_visa_chargeDeclinedInsufficientFunds"}));
    r.error_body::<PostPaymentIntentsIntentConfirmError>();
    let err = open_client(&server).call::<Json<serde_json::Value>>(r).await.unwrap_err();
    let api = err.api().unwrap();
    let Some(PostPaymentIntentsIntentConfirmError::Default(StripeError { error })) =
        api.body_as::<PostPaymentIntentsIntentConfirmError>()
    else {
        panic!("{err:?}")
    };
    assert_eq!(error.type_, "card_error");
    assert_eq!(error.code.as_deref(), Some("card_declined"));
    assert_eq!(error.decline_code.as_deref(), Some("insufficient_funds"));
    assert_eq!(error.message.as_deref(), Some("Your card has insufficient funds."));
    assert_eq!(error.charge.as_deref(), Some("ch_3OdQ2LBN2B1zR1mt0Ib3Qx6b"));
    assert!(error.doc_url.as_deref().unwrap().ends_with("card-declined"));
    assert_eq!((api.status.as_u16(), api.truncated), (402, false));
}
