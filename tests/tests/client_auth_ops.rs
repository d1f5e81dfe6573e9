//! Per-operation security against a local wiremock server: each call sends exactly the first
//! combination its operation accepts whose credentials are all set; a call that needs missing
//! credentials fails before sending; partial credentials fail at build.
//!
//! The runtime is driven the way emitted code drives it: a static `ApiSpec` (the one emitted for
//! `tests/fixtures/good/per_operation_security.yaml`) and requests that call `r.security(..)`
//! with the operation's combinations.

use cloudflare_ssl::rt::{Empty, Method, Request};
use cloudflare_ssl::{ApiSpec, AuthKind, AuthScheme, Client, ClientBuilder, Error, Security};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const ADMIN: usize = 0;
const KEY: usize = 1;
const OAUTH: usize = 2;
const QUERY_KEY: usize = 3;
const SESSION: usize = 4;
const TOKEN: usize = 5;
const USER: usize = 6;

static SPEC: ApiSpec = ApiSpec {
    default_base_url: "http://127.0.0.1:9",
    base_url_env: None,
    schemes: &[
        AuthScheme { name: "admin", kind: AuthKind::Basic, env: None },
        AuthScheme { name: "key", kind: AuthKind::Header("x-key"), env: Some("AUTH_KEY") },
        AuthScheme { name: "oauth", kind: AuthKind::Bearer, env: None },
        AuthScheme { name: "query_key", kind: AuthKind::Query("api_key"), env: None },
        AuthScheme { name: "session", kind: AuthKind::Cookie("SESSION"), env: None },
        AuthScheme { name: "token", kind: AuthKind::Bearer, env: Some("AUTH_TOKEN") },
        AuthScheme { name: "user", kind: AuthKind::Header("x-user"), env: Some("AUTH_USER") },
    ],
    alternatives: &[&[TOKEN], &[KEY, USER]],
    combinations: &[&[TOKEN], &[KEY, USER], &[QUERY_KEY], &[OAUTH], &[SESSION], &[ADMIN]],
};

/// `GET /feed`: credentials optional.
const FEED: Security = &[&[], &[QUERY_KEY]];
/// `GET /status`: public.
const STATUS: Security = &[];
/// `GET /files`: OAuth2, then the session cookie.
const FILES: Security = &[&[OAUTH], &[SESSION]];
/// `DELETE /admin`: basic auth only.
const ADMIN_ONLY: Security = &[&[ADMIN]];

const SECRETS: [&str; 7] =
    ["admin:pw-SECRET", "key-SECRET", "oauth-SECRET", "qk-SECRET", "sess-SECRET", "tok-SECRET", "user-SECRET"];

fn builder(server: &MockServer) -> ClientBuilder {
    ClientBuilder::new(&SPEC).from_env(false).base_url(server.uri())
}

/// A builder with the credentials of the given schemes set.
fn with(server: &MockServer, schemes: &[usize]) -> Client {
    let mut b = builder(server);
    for &i in schemes {
        b = b.credential(SPEC.schemes[i].name, SECRETS[i]);
    }
    b.build().unwrap()
}

/// A request as an operation function builds it: the API's default combinations unless
/// `security` is given.
fn call(client: &Client, path: &str, security: Option<Security>) -> cloudflare_ssl::Call<Empty> {
    let mut r = Request::new(Method::GET, true);
    r.literal(path);
    if let Some(s) = security {
        r.security(s);
    }
    client.call(r)
}

async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    server
}

/// What the last request carried: (authorization, x-key, x-user, cookie, query).
async fn last(server: &MockServer) -> [Option<String>; 5] {
    let requests = server.received_requests().await.unwrap();
    let r = requests.last().expect("a request was sent");
    let get = |name: &str| r.headers.get(name).map(|v| v.to_str().unwrap().to_string());
    [get("authorization"), get("x-key"), get("x-user"), get("cookie"), r.url.query().map(str::to_string)]
}

fn some(s: &str) -> Option<String> {
    Some(s.to_string())
}

#[tokio::test]
async fn the_apis_default_combinations_apply_to_operations_without_their_own() {
    let server = server().await;
    call(&with(&server, &[TOKEN, KEY, USER, OAUTH, SESSION]), "/me", None).await.unwrap();
    assert_eq!(last(&server).await, [some("Bearer tok-SECRET"), None, None, None, None], "only the first");
    call(&with(&server, &[KEY, USER, OAUTH]), "/me", None).await.unwrap();
    assert_eq!(last(&server).await, [None, some("key-SECRET"), some("user-SECRET"), None, None]);
}

#[tokio::test]
async fn an_operation_sends_only_a_combination_it_accepts() {
    let server = server().await;
    // The token is set but `/files` does not accept it: the session cookie goes instead.
    call(&with(&server, &[TOKEN, SESSION]), "/files", Some(FILES)).await.unwrap();
    assert_eq!(last(&server).await, [None, None, None, some("SESSION=sess-SECRET"), None]);
    // OAuth2 comes first in the operation's order, and is a bearer token.
    call(&with(&server, &[TOKEN, SESSION, OAUTH]), "/files", Some(FILES)).await.unwrap();
    assert_eq!(last(&server).await, [some("Bearer oauth-SECRET"), None, None, None, None]);
    // Basic auth.
    call(&with(&server, &[ADMIN, TOKEN]), "/admin", Some(ADMIN_ONLY)).await.unwrap();
    assert_eq!(last(&server).await[0], some("Basic YWRtaW46cHctU0VDUkVU"));
}

#[tokio::test]
async fn public_and_optional_operations() {
    let server = server().await;
    let everything = with(&server, &[ADMIN, KEY, OAUTH, QUERY_KEY, SESSION, TOKEN, USER]);
    call(&everything, "/status", Some(STATUS)).await.unwrap();
    assert_eq!(last(&server).await, [None, None, None, None, None], "a public operation sends nothing");
    // Optional credentials: sent when complete, else the call goes out without.
    call(&everything, "/feed", Some(FEED)).await.unwrap();
    assert_eq!(last(&server).await, [None, None, None, None, some("api_key=qk-SECRET")]);
    call(&with(&server, &[TOKEN]), "/feed", Some(FEED)).await.unwrap();
    assert_eq!(last(&server).await, [None, None, None, None, None]);
    // With no credentials at all, public operations work.
    call(&builder(&server).build().unwrap(), "/status", Some(STATUS)).await.unwrap();
    assert_eq!(server.received_requests().await.unwrap().len(), 4);
}

#[tokio::test]
async fn missing_credentials_fail_the_call_before_sending() {
    let server = server().await;
    let client = with(&server, &[TOKEN, SESSION]);
    match call(&client, "/admin", Some(ADMIN_ONLY)).await {
        Err(Error::Config(message)) => {
            assert!(message.contains("admin"), "{message}");
            assert!(message.contains("have: session, token"), "{message}");
            for secret in SECRETS {
                assert!(!message.contains(secret), "{message}");
            }
        }
        other => panic!("expected a configuration error, got {other:?}"),
    }
    match call(&builder(&server).build().unwrap(), "/me", None).await {
        Err(Error::Config(message)) => {
            assert!(message.contains("token (env AUTH_TOKEN)"), "{message}");
            assert!(message.contains("key (env AUTH_KEY) + user (env AUTH_USER)"), "{message}");
        }
        other => panic!("expected a configuration error, got {other:?}"),
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn partial_credentials_fail_at_build() {
    let server = server().await;
    // `key` is only ever used with `user`: alone, it can authenticate nothing.
    match builder(&server).credential("key", "key-SECRET").build() {
        Err(Error::Config(message)) => {
            assert!(message.contains("have: key") && message.contains("key (env AUTH_KEY) + user (env AUTH_USER)"));
            assert!(!message.contains("SECRET"), "{message}");
        }
        other => panic!("expected a configuration error, got {other:?}"),
    }
    // Credentials that complete some combination build, whatever operations they serve (a stray
    // partial one beside them is never sent).
    for schemes in [&[][..], &[SESSION], &[ADMIN], &[KEY, USER], &[QUERY_KEY, OAUTH], &[KEY, TOKEN]] {
        let mut b = builder(&server);
        for &i in schemes {
            b = b.credential(SPEC.schemes[i].name, SECRETS[i]);
        }
        assert!(b.build().is_ok(), "{schemes:?}");
    }
    // A cookie credential must be a valid header value.
    assert!(matches!(builder(&server).credential("session", "a\nb").build(), Err(Error::Config(_))));
}

#[tokio::test]
async fn cookie_credentials_and_cookie_parameters_share_one_header() {
    let server = server().await;
    let client = with(&server, &[SESSION]);
    let mut r = Request::new(Method::GET, true);
    r.literal("/files");
    r.security(FILES);
    r.cookie("lang", "en gb;x");
    r.cookie_structured("prefs", &["a", "b"], false);
    client.call::<Empty>(r).await.unwrap();
    assert_eq!(last(&server).await[3], some("SESSION=sess-SECRET; lang=en%20gb%3Bx; prefs=a,b"));
}

#[test]
fn debug_shows_which_credentials_are_set_never_their_values() {
    let client = ClientBuilder::new(&SPEC)
        .from_env(false)
        .credential("session", "sess-SECRET")
        .credential("admin", "admin:pw-SECRET")
        .build()
        .unwrap();
    let shown = format!("{client:?}");
    assert!(shown.contains("session=Secret(***)") && shown.contains("admin=Secret(***)"), "{shown}");
    assert!(!shown.contains("SECRET"), "{shown}");
}
