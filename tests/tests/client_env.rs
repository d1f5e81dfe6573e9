//! Defaults from the environment: CLOUDFLARE_API_TOKEN, CLOUDFLARE_API_KEY, CLOUDFLARE_EMAIL and
//! CLOUDFLARE_BASE_URL.
//!
//! The environment is process-wide, so every test here takes [`ENV`] while it sets variables and
//! builds its client (the only moment the environment is read), and releases it before sending.
//! This file is its own test binary, so no other test file sees these variables. Every
//! CLOUDFLARE_BASE_URL set here points at a wiremock server on 127.0.0.1, and a test that leaves
//! it unset never sends a request.

use cloudflare_ssl::{Client, Error};
use std::sync::{Mutex, MutexGuard};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const ZONE: &str = "023e105f4ecef8ad9ca31a8372d0c353";
const PACK: &str = "3822ff90ea2944df9e5521300bb9419b";
const VARS: [&str; 4] = ["CLOUDFLARE_API_TOKEN", "CLOUDFLARE_API_KEY", "CLOUDFLARE_EMAIL", "CLOUDFLARE_BASE_URL"];

static ENV: Mutex<()> = Mutex::new(());

/// Holds the environment lock with exactly `vars` set (the other CLOUDFLARE_* variables unset);
/// clears them again when dropped.
struct Env<'a> {
    _lock: MutexGuard<'a, ()>,
}

impl Env<'_> {
    fn set(vars: &[(&str, &str)]) -> Self {
        let guard = ENV.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        for name in VARS {
            std::env::remove_var(name);
        }
        for (name, value) in vars {
            std::env::set_var(name, value);
        }
        Env { _lock: guard }
    }
}

impl Drop for Env<'_> {
    fn drop(&mut self) {
        for name in VARS {
            std::env::remove_var(name);
        }
    }
}

/// Builds a client with `vars` as the environment.
fn with_env(vars: &[(&str, &str)], build: impl FnOnce() -> Result<Client, Error>) -> Result<Client, Error> {
    let _env = Env::set(vars);
    build()
}

async fn pack_server() -> MockServer {
    let example =
        testkit::response_examples("/zones/{zone_id}/ssl/certificate_packs/{certificate_pack_id}", "get", "200");
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200).set_body_json(&example[0].1)).mount(&server).await;
    server
}

fn base(server: &MockServer) -> String {
    format!("{}/client/v4", server.uri())
}

/// The auth headers of the only request `server` received: (authorization, x-auth-email, x-auth-key).
async fn auth_of_only_request(server: &MockServer) -> (Option<String>, Option<String>, Option<String>) {
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    let get = |name: &str| requests[0].headers.get(name).map(|v| v.to_str().unwrap().to_string());
    assert_eq!(requests[0].url.path(), format!("/client/v4/zones/{ZONE}/ssl/certificate_packs/{PACK}"));
    (get("authorization"), get("x-auth-email"), get("x-auth-key"))
}

fn some(s: &str) -> Option<String> {
    Some(s.to_string())
}

#[tokio::test]
async fn token_and_base_url_from_the_environment() {
    let server = pack_server().await;
    let url = base(&server);
    let client =
        with_env(&[("CLOUDFLARE_API_TOKEN", "env-token"), ("CLOUDFLARE_BASE_URL", &url)], Client::from_env).unwrap();
    assert_eq!(client.base_url(), url);
    client.get_certificate_pack(ZONE, PACK, &Default::default()).await.unwrap();
    assert_eq!(auth_of_only_request(&server).await, (some("Bearer env-token"), None, None));
}

#[tokio::test]
async fn a_base_url_with_a_trailing_slash_from_the_environment() {
    let server = pack_server().await;
    let url = format!("{}/", base(&server));
    let client =
        with_env(&[("CLOUDFLARE_API_TOKEN", "env-token"), ("CLOUDFLARE_BASE_URL", &url)], Client::from_env).unwrap();
    client.get_certificate_pack(ZONE, PACK, &Default::default()).await.unwrap();
    auth_of_only_request(&server).await; // checks the path keeps /client/v4
}

#[tokio::test]
async fn email_and_key_from_the_environment() {
    let server = pack_server().await;
    let url = base(&server);
    let vars =
        [("CLOUDFLARE_EMAIL", "env@example.com"), ("CLOUDFLARE_API_KEY", "env-key"), ("CLOUDFLARE_BASE_URL", &url)];
    let client = with_env(&vars, Client::from_env).unwrap();
    client.get_certificate_pack(ZONE, PACK, &Default::default()).await.unwrap();
    assert_eq!(auth_of_only_request(&server).await, (None, some("env@example.com"), some("env-key")));
}

#[tokio::test]
async fn with_everything_in_the_environment_only_the_token_is_sent() {
    let server = pack_server().await;
    let url = base(&server);
    let vars = [
        ("CLOUDFLARE_API_TOKEN", "env-token"),
        ("CLOUDFLARE_EMAIL", "env@example.com"),
        ("CLOUDFLARE_API_KEY", "env-key"),
        ("CLOUDFLARE_BASE_URL", url.as_str()),
    ];
    let client = with_env(&vars, Client::from_env).unwrap();
    client.get_certificate_pack(ZONE, PACK, &Default::default()).await.unwrap();
    assert_eq!(auth_of_only_request(&server).await, (some("Bearer env-token"), None, None));
}

#[tokio::test]
async fn a_blank_variable_counts_as_unset() {
    let server = pack_server().await;
    let url = base(&server);
    let vars = [
        ("CLOUDFLARE_API_TOKEN", "   "),
        ("CLOUDFLARE_EMAIL", "env@example.com"),
        ("CLOUDFLARE_API_KEY", "env-key"),
        ("CLOUDFLARE_BASE_URL", url.as_str()),
    ];
    let client = with_env(&vars, Client::from_env).unwrap();
    client.get_certificate_pack(ZONE, PACK, &Default::default()).await.unwrap();
    assert_eq!(auth_of_only_request(&server).await, (None, some("env@example.com"), some("env-key")));
}

#[tokio::test]
async fn credentials_on_the_builder_replace_the_environment() {
    let server = pack_server().await;
    let url = base(&server);
    let build = || Client::builder().api_email("builder@example.com").api_key("builder-key").build();
    let client = with_env(&[("CLOUDFLARE_API_TOKEN", "env-token"), ("CLOUDFLARE_BASE_URL", &url)], build).unwrap();
    client.get_certificate_pack(ZONE, PACK, &Default::default()).await.unwrap();
    assert_eq!(auth_of_only_request(&server).await, (None, some("builder@example.com"), some("builder-key")));
}

#[tokio::test]
async fn a_base_url_on_the_builder_replaces_the_environment() {
    let used = pack_server().await;
    let ignored = pack_server().await;
    let (used_url, ignored_url) = (base(&used), base(&ignored));
    let build = || Client::builder().base_url(&used_url).build();
    let client =
        with_env(&[("CLOUDFLARE_API_TOKEN", "env-token"), ("CLOUDFLARE_BASE_URL", &ignored_url)], build).unwrap();
    client.get_certificate_pack(ZONE, PACK, &Default::default()).await.unwrap();
    assert_eq!(auth_of_only_request(&used).await, (some("Bearer env-token"), None, None));
    assert!(ignored.received_requests().await.unwrap().is_empty());
}

#[test]
fn incomplete_credentials_in_the_environment_name_what_is_missing() {
    match with_env(&[("CLOUDFLARE_EMAIL", "env@example.com")], Client::from_env) {
        Err(Error::Config(message)) => {
            assert!(message.contains("CLOUDFLARE_API_KEY"), "{message}");
            assert!(!message.contains("env@example.com"), "{message}");
        }
        other => panic!("expected a configuration error, got {other:?}"),
    }
}

#[tokio::test]
async fn without_credentials_in_the_environment_calls_fail_before_sending() {
    let server = pack_server().await;
    let url = base(&server);
    let client = with_env(&[("CLOUDFLARE_BASE_URL", &url)], Client::from_env).unwrap();
    match client.get_certificate_pack(ZONE, PACK, &Default::default()).await {
        Err(Error::Config(message)) => {
            assert!(message.contains("CLOUDFLARE_API_TOKEN"), "{message}");
            assert!(message.contains("CLOUDFLARE_API_KEY"), "{message}");
        }
        other => panic!("expected a configuration error, got {other:?}"),
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn from_env_false_reads_nothing() {
    let server = pack_server().await;
    let url = base(&server);
    // The token and base URL in the environment are ignored: the call has no credentials and
    // fails before sending.
    let vars = [("CLOUDFLARE_API_TOKEN", "env-token"), ("CLOUDFLARE_BASE_URL", url.as_str())];
    let no_env = with_env(&vars, || Client::builder().from_env(false).base_url(&url).build()).unwrap();
    let err = no_env.get_certificate_pack(ZONE, PACK, &Default::default()).await.unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    assert!(server.received_requests().await.unwrap().is_empty());
    let client = with_env(&vars, || Client::builder().from_env(false).api_token("t").build()).unwrap();
    assert_eq!(client.base_url(), "https://api.cloudflare.com/client/v4");
}

#[test]
fn without_a_base_url_variable_the_default_is_cloudflares() {
    // Built only, never used.
    let client = with_env(&[("CLOUDFLARE_API_TOKEN", "env-token")], Client::from_env).unwrap();
    assert_eq!(client.base_url(), "https://api.cloudflare.com/client/v4");
    assert!(!format!("{client:?}").contains("env-token"));
}

#[test]
fn a_bad_base_url_in_the_environment_fails_at_build() {
    let vars = [("CLOUDFLARE_API_TOKEN", "env-token"), ("CLOUDFLARE_BASE_URL", "not a url")];
    let result = with_env(&vars, || Client::builder().build());
    assert!(matches!(result, Err(Error::Config(m)) if m.contains("base URL")));
}
