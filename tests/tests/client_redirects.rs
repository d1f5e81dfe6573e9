//! Redirect answers: an operation the spec answers with a `3xx` and no `2xx` (emitted as
//! `Request::answers`) succeeds on that status with its headers; any other `3xx` stays an error,
//! and no redirect is ever followed. Runtime-level requests through `Client::call`, against a
//! wiremock server on 127.0.0.1.

use cloudflare_ssl::{rt, Client, Error};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/repos/r/tarball"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", "http://127.0.0.1:9/elsewhere.tar.gz"))
        .mount(&server)
        .await;
    server
}

fn client(server: &MockServer) -> Client {
    Client::builder().from_env(false).base_url(server.uri()).api_token("t").max_retries(0).build().unwrap()
}

fn tarball(answers: &'static [u16]) -> rt::Request {
    let mut r = rt::Request::new(rt::Method::GET, true);
    r.literal("/repos/r/tarball");
    r.answers(answers);
    r
}

#[tokio::test]
async fn a_declared_redirect_is_the_answer_with_its_location() {
    let server = server().await;
    let response = client(&server).call::<rt::Empty>(tarball(&[302, 307])).send().await.unwrap();
    assert_eq!(response.status.as_u16(), 302);
    assert_eq!(response.headers["location"], "http://127.0.0.1:9/elsewhere.tar.gz");
    // Not followed: the one request is the one the server saw.
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn an_undeclared_redirect_is_an_error_and_is_not_followed() {
    let server = server().await;
    for answers in [&[][..], &[307][..]] {
        let err = client(&server).call::<rt::Empty>(tarball(answers)).send().await.unwrap_err();
        match &err {
            Error::Api(e) => {
                assert_eq!(e.status.as_u16(), 302);
                assert_eq!(e.headers["location"], "http://127.0.0.1:9/elsewhere.tar.gz");
            }
            other => panic!("expected an API error, got {other:?}"),
        }
    }
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}
