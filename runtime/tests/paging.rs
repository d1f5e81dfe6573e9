//! `.pages()` / `.items()` in every pagination style, against listing servers on 127.0.0.1.
//! The listings are declared as the generator emits them from `x-pagination` (see the
//! `pagination_styles` fixture's snapshot: `paging.rs` and the operations). Each style: every
//! item in order exactly once, no request past the announced end, a server that repeats itself
//! is an error and not a loop; for next URLs, one outside the base URL is refused unrequested.

use futures_core::Stream;
use openapi_rust_runtime::rt::{Listed, Listing, ListingSpec, Method, Paging, Request};
use openapi_rust_runtime::{ApiSpec, AuthKind, AuthScheme};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

static SPEC: ApiSpec = ApiSpec {
    default_base_url: "http://127.0.0.1:9",
    base_url_env: None,
    schemes: &[AuthScheme { name: "token", kind: AuthKind::Header("x-token"), env: None }],
    alternatives: &[&[0]],
    combinations: &[&[0]],
};

openapi_rust_runtime::client!(serde_json::Value, SPEC);

#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
struct Item {
    id: String,
}

macro_rules! listing {
    ($name:ident, $items:expr, $paging:expr, $has_more:expr) => {
        struct $name;
        impl Listing for $name {
            const SPEC: ListingSpec =
                ListingSpec { items: $items, paging: $paging, has_more: $has_more, envelope: None };
        }
    };
}

listing!(Cursors, "/data", Paging::Cursor { param: "cursor", next: "/next_cursor" }, None);
listing!(Pages, "/items", Paging::PageNumber { param: "page", total_pages: Some("/meta/total_pages") }, None);
listing!(BarePages, "/items", Paging::PageNumber { param: "page", total_pages: None }, None);
listing!(Offsets, "/results", Paging::Offset { param: "offset", total_items: Some("/total") }, None);
listing!(BareOffsets, "/results", Paging::Offset { param: "offset", total_items: None }, None);
listing!(AfterItems, "/data", Paging::AfterItem { param: "starting_after", item_id: "/id" }, Some("/has_more"));
listing!(BodyUrls, "/values", Paging::NextUrl { next: Some("/links/next") }, None);
listing!(LinkHeaders, "", Paging::NextUrl { next: None }, None);

impl Client {
    /// An operation as the generator emits one: `GET /v1/{path}`, the query given.
    fn list<L: Listing>(&self, path: &str, query: &[(&str, &str)]) -> Call<Listed<L, Item>> {
        let mut r = Request::new(Method::GET, true);
        r.literal("/");
        r.literal(path);
        for (k, v) in query {
            r.query(k, *v);
        }
        self.call(r)
    }
}

/// A reply: extra headers and a JSON body.
type Reply = (Vec<(String, String)>, String);

/// A server answering every request with `handler(target)`; returns its base URL (with `/v1`)
/// and the request targets (path and query) it received, in order.
async fn serve(handler: impl Fn(&str, &str) -> Reply + Send + Sync + 'static) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let (handler, log, at) = (Arc::new(handler), seen.clone(), origin.clone());
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else { return };
            let (handler, log, at) = (handler.clone(), log.clone(), at.clone());
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 4096];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let text = String::from_utf8_lossy(&head).into_owned();
                let target = text.split(' ').nth(1).unwrap_or_default().to_string();
                log.lock().unwrap().push(target.clone());
                let (headers, body) = handler(&at, &target);
                let extra: String = headers.iter().map(|(k, v)| format!("{k}: {v}\r\n")).collect();
                let response = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n{extra}connection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(response.as_bytes()).await;
            });
        }
    });
    (format!("{origin}/v1"), seen)
}

fn client(base: &str) -> Client {
    Client::builder().from_env(false).base_url(base).credential("token", "s3cret").max_retries(0).build().unwrap()
}

/// A query parameter of a request target.
fn param(target: &str, name: &str) -> Option<String> {
    let query = target.split_once('?')?.1;
    query.split('&').find_map(|kv| kv.strip_prefix(&format!("{name}="))).map(str::to_string)
}

/// Items `from..to` as JSON, ids `i0`, `i1`...
fn items(range: std::ops::Range<usize>) -> String {
    let list: Vec<String> = range.map(|n| format!(r#"{{"id":"i{n}"}}"#)).collect();
    format!("[{}]", list.join(","))
}

fn ids(range: std::ops::Range<usize>) -> Vec<String> {
    range.map(|n| format!("i{n}")).collect()
}

/// Every result of the item stream, at most 200 (a walk that never ends fails the test instead
/// of hanging it).
async fn collect<L: Listing>(call: Call<Listed<L, Item>>) -> Vec<Result<Item, Error>> {
    let mut stream = call.items();
    let mut out = Vec::new();
    while out.len() < 200 {
        match std::future::poll_fn(|cx| Pin::new(&mut stream).poll_next(cx)).await {
            Some(r) => out.push(r),
            None => break,
        }
    }
    out
}

fn ok_ids(results: &[Result<Item, Error>]) -> Vec<String> {
    results.iter().map(|r| r.as_ref().expect("no error expected").id.clone()).collect()
}

/// The items, then exactly one error, which is returned.
fn items_then_error(results: &[Result<Item, Error>], expected: Vec<String>) -> &Error {
    assert_eq!(results.len(), expected.len() + 1, "{results:?}");
    assert_eq!(ok_ids(&results[..expected.len()]), expected);
    results.last().unwrap().as_ref().unwrap_err()
}

fn pagination_message(e: &Error) -> &str {
    match e {
        Error::Pagination(m) => m,
        other => panic!("expected a pagination error, got {other:?}"),
    }
}

#[tokio::test]
async fn cursor_every_item_once_and_no_request_after_the_last_cursor() {
    let (base, seen) = serve(|_, target| {
        let page = match param(target, "cursor").as_deref() {
            None => (items(0..3), r#""c1""#),
            Some("c1") => (items(3..6), r#""c2""#),
            Some("c2") => (items(6..7), "null"),
            Some(other) => panic!("unexpected cursor {other}"),
        };
        (vec![], format!(r#"{{"data":{},"next_cursor":{}}}"#, page.0, page.1))
    })
    .await;
    let results = collect(client(&base).list::<Cursors>("events", &[("limit", "3")])).await;
    assert_eq!(ok_ids(&results), ids(0..7));
    assert_eq!(
        *seen.lock().unwrap(),
        ["/v1/events?limit=3", "/v1/events?limit=3&cursor=c1", "/v1/events?limit=3&cursor=c2"]
    );

    // An empty cursor is the end too.
    let (base, seen) = serve(|_, _| (vec![], format!(r#"{{"data":{},"next_cursor":""}}"#, items(0..2)))).await;
    assert_eq!(ok_ids(&collect(client(&base).list::<Cursors>("events", &[])).await), ids(0..2));
    assert_eq!(seen.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn cursor_a_server_that_sends_a_cursor_again_is_an_error_not_a_loop() {
    // A → B → A: every page differs, but the cursors cycle.
    let (base, seen) = serve(|_, target| {
        let (page, next) = match param(target, "cursor").as_deref() {
            None => (items(0..2), "A"),
            Some("A") => (items(2..4), "B"),
            _ => (items(4..6), "A"),
        };
        (vec![], format!(r#"{{"data":{page},"next_cursor":"{next}"}}"#))
    })
    .await;
    let results = collect(client(&base).list::<Cursors>("events", &[])).await;
    let e = items_then_error(&results, ids(0..6));
    assert!(pagination_message(e).contains("`A` again"), "{e}");
    assert_eq!(seen.lock().unwrap().len(), 3, "the repeated cursor is never requested");
}

#[tokio::test]
async fn page_numbers_without_an_envelope_trust_the_page_count() {
    let (base, seen) = serve(|_, target| {
        let page: usize = param(target, "page").map_or(1, |p| p.parse().unwrap());
        // Short pages (2 items although 5 were asked for): not the end while the count says so.
        let body = format!(r#"{{"items":{},"meta":{{"total_pages":3}}}}"#, items((page - 1) * 2..page * 2));
        (vec![], body)
    })
    .await;
    let results = collect(client(&base).list::<Pages>("pages", &[("per_page", "5")])).await;
    assert_eq!(ok_ids(&results), ids(0..6));
    assert_eq!(
        *seen.lock().unwrap(),
        ["/v1/pages?per_page=5", "/v1/pages?per_page=5&page=2", "/v1/pages?per_page=5&page=3"]
    );

    // A server that ignores `page`: an error after the first page's items, not a loop.
    for total in ["3", "null"] {
        let (base, seen) =
            serve(move |_, _| (vec![], format!(r#"{{"items":{},"meta":{{"total_pages":{total}}}}}"#, items(0..2))))
                .await;
        let results = collect(client(&base).list::<Pages>("pages", &[])).await;
        assert!(pagination_message(items_then_error(&results, ids(0..2))).contains("ignore `page`"));
        assert_eq!(seen.lock().unwrap().len(), 2);
    }
}

#[tokio::test]
async fn page_numbers_without_a_count_end_at_the_first_empty_page() {
    let (base, seen) = serve(|_, target| {
        let page: usize = param(target, "page").map_or(1, |p| p.parse().unwrap());
        let body = if page <= 2 { items((page - 1) * 2..page * 2) } else { "[]".into() };
        (vec![], format!(r#"{{"items":{body}}}"#))
    })
    .await;
    assert_eq!(ok_ids(&collect(client(&base).list::<BarePages>("pages", &[])).await), ids(0..4));
    assert_eq!(seen.lock().unwrap().len(), 3, "without a count, the empty page 3 is the end");
}

#[tokio::test]
async fn offsets_advance_by_the_items_received_and_stop_at_the_total() {
    // Asked for 10 a page, the server sends at most 4: the offset follows what came.
    let (base, seen) = serve(|_, target| {
        let offset: usize = param(target, "offset").map_or(0, |p| p.parse().unwrap());
        let end = (offset + 4).min(10);
        (vec![], format!(r#"{{"results":{},"total":10}}"#, items(offset..end)))
    })
    .await;
    let results = collect(client(&base).list::<Offsets>("records", &[("limit", "10")])).await;
    assert_eq!(ok_ids(&results), ids(0..10));
    assert_eq!(
        *seen.lock().unwrap(),
        ["/v1/records?limit=10", "/v1/records?limit=10&offset=4", "/v1/records?limit=10&offset=8"],
        "no request at offset 10: the total says there is nothing there"
    );

    // Without a total, the first empty page is the end.
    let (base, seen) = serve(|_, target| {
        let offset: usize = param(target, "offset").map_or(0, |p| p.parse().unwrap());
        (vec![], format!(r#"{{"results":{}}}"#, items(offset..(offset + 4).min(6))))
    })
    .await;
    assert_eq!(ok_ids(&collect(client(&base).list::<BareOffsets>("records", &[])).await), ids(0..6));
    assert_eq!(seen.lock().unwrap().len(), 3);
}

#[tokio::test]
async fn offsets_a_server_that_ignores_the_offset_is_an_error_not_a_loop() {
    let (base, seen) = serve(|_, _| (vec![], format!(r#"{{"results":{},"total":100}}"#, items(0..4)))).await;
    let results = collect(client(&base).list::<Offsets>("records", &[])).await;
    assert!(pagination_message(items_then_error(&results, ids(0..4))).contains("ignore `offset`"));
    assert_eq!(seen.lock().unwrap().len(), 2);

    // A total that promises items an empty page does not have: an error, not a silent end.
    let (base, _) = serve(|_, target| {
        let body = if param(target, "offset").is_none() { items(0..4) } else { "[]".into() };
        (vec![], format!(r#"{{"results":{body},"total":100}}"#))
    })
    .await;
    let results = collect(client(&base).list::<Offsets>("records", &[])).await;
    assert!(pagination_message(items_then_error(&results, ids(0..4))).contains("offset 4 is empty"));
}

#[tokio::test]
async fn after_item_continues_after_the_last_id_until_has_more_is_false() {
    let (base, seen) = serve(|_, target| {
        let (page, more) = match param(target, "starting_after").as_deref() {
            None => (items(0..3), true),
            Some("i2") => (items(3..6), true),
            Some("i5") => (items(6..8), false),
            Some(other) => panic!("unexpected starting_after {other}"),
        };
        (vec![], format!(r#"{{"object":"list","data":{page},"has_more":{more}}}"#))
    })
    .await;
    let results = collect(client(&base).list::<AfterItems>("customers", &[("limit", "3")])).await;
    assert_eq!(ok_ids(&results), ids(0..8));
    assert_eq!(
        *seen.lock().unwrap(),
        ["/v1/customers?limit=3", "/v1/customers?limit=3&starting_after=i2", "/v1/customers?limit=3&starting_after=i5"]
    );

    // A server that ignores `starting_after`: the same page again is an error, not a loop.
    let (base, seen) = serve(|_, _| (vec![], format!(r#"{{"data":{},"has_more":true}}"#, items(0..3)))).await;
    let results = collect(client(&base).list::<AfterItems>("customers", &[])).await;
    assert!(pagination_message(items_then_error(&results, ids(0..3))).contains("ignore `starting_after`"));
    assert_eq!(seen.lock().unwrap().len(), 2);

    // `has_more: true` on an empty page: no item to continue after, an error.
    let (base, _) = serve(|_, target| {
        let body = if param(target, "starting_after").is_none() { items(0..3) } else { "[]".into() };
        (vec![], format!(r#"{{"data":{body},"has_more":true}}"#))
    })
    .await;
    let results = collect(client(&base).list::<AfterItems>("customers", &[])).await;
    assert!(pagination_message(items_then_error(&results, ids(0..3))).contains("empty page"));
}

#[tokio::test]
async fn next_url_from_the_body_is_followed_under_the_base_url() {
    let (base, seen) = serve(|origin, target| {
        let page: usize = param(target, "p").map_or(1, |p| p.parse().unwrap());
        let next = match page {
            // Absolute, relative to the page, and root-relative: all under the base URL.
            1 => format!(r#""{origin}/v1/links?p=2""#),
            2 => r#""links?p=3""#.to_string(),
            3 => r#""/v1/links?p=4""#.to_string(),
            _ => "null".to_string(),
        };
        (vec![], format!(r#"{{"values":{},"links":{{"next":{next}}}}}"#, items((page - 1) * 2..page * 2)))
    })
    .await;
    let results = collect(client(&base).list::<BodyUrls>("links", &[])).await;
    assert_eq!(ok_ids(&results), ids(0..8));
    assert_eq!(*seen.lock().unwrap(), ["/v1/links", "/v1/links?p=2", "/v1/links?p=3", "/v1/links?p=4"]);

    // The same URL again: an error, not a loop.
    let (base, seen) =
        serve(|origin, _| (vec![], format!(r#"{{"values":[],"links":{{"next":"{origin}/v1/links?p=2"}}}}"#))).await;
    let results = collect(client(&base).list::<BodyUrls>("links", &[])).await;
    assert!(pagination_message(items_then_error(&results, vec![])).contains("again"));
    assert_eq!(seen.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn link_header_pages_are_followed_like_github_s() {
    let (base, seen) = serve(|origin, target| {
        let page: usize = param(target, "page").map_or(1, |p| p.parse().unwrap());
        let last = format!(r#"<{origin}/v1/repos?per_page=2&page=3>; rel="last""#);
        let link = match page {
            1 => format!(r#"<{origin}/v1/repos?per_page=2&page=2>; rel="next", {last}"#),
            2 => format!(r#"<{origin}/v1/repos?per_page=2&page=1>; rel="prev", <{origin}/v1/repos?per_page=2&page=3>; rel="next", {last}"#),
            _ => format!(r#"<{origin}/v1/repos?per_page=2&page=1>; rel="first""#),
        };
        (vec![("link".into(), link)], items((page - 1) * 2..page * 2))
    })
    .await;
    let results = collect(client(&base).list::<LinkHeaders>("repos", &[("per_page", "2")])).await;
    assert_eq!(ok_ids(&results), ids(0..6));
    assert_eq!(
        *seen.lock().unwrap(),
        ["/v1/repos?per_page=2", "/v1/repos?per_page=2&page=2", "/v1/repos?per_page=2&page=3"],
        "no request after the page without rel=\"next\""
    );

    // A server that names the same next page again: an error, not a loop.
    let (base, seen) =
        serve(|origin, _| (vec![("link".into(), format!(r#"<{origin}/v1/repos?page=2>; rel="next""#))], items(0..2)))
            .await;
    let results = collect(client(&base).list::<LinkHeaders>("repos", &[])).await;
    // Page 2 has the same items as page 1: that is seen first.
    assert!(pagination_message(items_then_error(&results, ids(0..2))).contains("same items"));
    assert_eq!(seen.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn a_next_url_outside_the_base_url_is_refused_and_never_requested() {
    // Another server on 127.0.0.1 that must never be asked (it would see the token).
    let (elsewhere, elsewhere_seen) = serve(|_, _| (vec![], "[]".to_string())).await;
    let elsewhere_origin = elsewhere.trim_end_matches("/v1").to_string();
    for (link, shown) in [
        (format!("{elsewhere}/repos?page=2"), elsewhere.clone()),
        // Same origin, outside the base path.
        ("/v2/repos?page=2".to_string(), "/v2/repos".to_string()),
        ("../admin?page=2".to_string(), "/admin".to_string()),
        // Another scheme, user-info, protocol-relative.
        ("https://127.0.0.1/v1/repos".to_string(), "https://127.0.0.1/v1/repos".to_string()),
        (format!("//{}/v1/repos", elsewhere_origin.trim_start_matches("http://")), elsewhere.clone()),
    ] {
        let header = format!("<{link}>; rel=\"next\"");
        let (base, seen) = serve(move |_, _| (vec![("link".into(), header.clone())], items(0..2))).await;
        let results = collect(client(&base).list::<LinkHeaders>("repos", &[])).await;
        match items_then_error(&results, ids(0..2)) {
            Error::ForeignNextPage { url } => {
                assert!(url.contains(&shown), "{url} should show {shown}");
                assert!(!url.contains("page=2"), "the query is not shown: {url}");
            }
            other => panic!("expected ForeignNextPage for {link}, got {other:?}"),
        }
        assert_eq!(seen.lock().unwrap().len(), 1, "{link}");
        // The same refusal for a URL from the body.
        let body_link = link.clone();
        let (base, _) =
            serve(move |_, _| (vec![], format!(r#"{{"values":{},"links":{{"next":"{body_link}"}}}}"#, items(0..2))))
                .await;
        let results = collect(client(&base).list::<BodyUrls>("links", &[])).await;
        assert!(matches!(items_then_error(&results, ids(0..2)), Error::ForeignNextPage { .. }), "{link}");
    }
    assert!(elsewhere_seen.lock().unwrap().is_empty(), "no request, so no credential, went elsewhere");
}
