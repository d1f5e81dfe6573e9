//! `.pages()` and `.items()` against listing servers on 127.0.0.1 that behave in the ways real
//! ones do: with and without `total_pages`, capping `per_page`, ignoring `page`, failing midway,
//! serving empty pages before the last page they announce.

use cloudflare_ssl::types::{CustomTrustStore, ListCustomTrustStoreParams};
use cloudflare_ssl::{ApiErrorKind, Backoff, Client, Error, MAX_EMPTY_RUN};
use futures_util::StreamExt;
use std::sync::OnceLock;
use std::time::Duration;
use wiremock::matchers::{any, query_param};
use wiremock::{Mock, MockServer, Respond, ResponseTemplate};

const ZONE: &str = "023e105f4ecef8ad9ca31a8372d0c353";
const STORE_PATH: &str = "/zones/{zone_id}/acm/custom_trust_store";
/// Upper bound on what a test pulls from a stream, so a walk that never ends fails instead of hanging.
const GUARD: usize = 200;

fn client(server: &MockServer) -> Client {
    Client::builder()
        .from_env(false)
        .base_url(format!("{}/client/v4", server.uri()))
        .api_token("tok-SECRET")
        .backoff(Backoff { initial: Duration::from_millis(1), max: Duration::from_millis(10) })
        .build()
        .unwrap()
}

/// The documented trust-store item, with id `n` (as 32 hex digits).
fn item(n: usize) -> serde_json::Value {
    static TEMPLATE: OnceLock<serde_json::Value> = OnceLock::new();
    let template = TEMPLATE.get_or_init(|| testkit::response_examples(STORE_PATH, "get", "200").remove(0).1);
    let mut item = template["result"][0].clone();
    item["id"] = format!("{n:032x}").into();
    item
}

fn id(n: usize) -> String {
    format!("{n:032x}")
}

/// A listing server. Page `n` (1-based, from the `page` query parameter, default 1) holds
/// `sizes[n - 1]` items, numbered on from the previous pages; pages past the end are empty.
#[derive(Clone, Default)]
struct Listing {
    sizes: Vec<usize>,
    /// `result_info.total_pages`, when the server sends it.
    total_pages: Option<u64>,
    /// Whether `result_info` is sent at all.
    no_info: bool,
    /// Serve page 1 whatever `page` says.
    ignore_page: bool,
    /// Send `total_pages` on page 1 only (later pages have `result_info` without it).
    count_on_first_page_only: bool,
}

impl Respond for Listing {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        let param = |name: &str| request.url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned());
        let asked: usize = param("page").map_or(1, |p| p.parse().expect("page is sent as a whole number"));
        let page = if self.ignore_page { 1 } else { asked };
        let first: usize = self.sizes.iter().take(page - 1).sum();
        let count = self.sizes.get(page - 1).copied().unwrap_or(0);
        let items: Vec<_> = (first..first + count).map(item).collect();
        let mut body = serde_json::json!({"success": true, "errors": [], "messages": [], "result": items});
        if !self.no_info {
            let per_page: u64 = param("per_page").map_or(20, |p| p.parse().unwrap());
            let total_count: usize = self.sizes.iter().sum();
            let mut info =
                serde_json::json!({"page": page, "per_page": per_page, "count": count, "total_count": total_count});
            if let Some(total) = self.total_pages.filter(|_| page == 1 || !self.count_on_first_page_only) {
                info["total_pages"] = total.into();
            }
            body["result_info"] = info;
        }
        ResponseTemplate::new(200).set_body_json(body)
    }
}

async fn serve(listing: Listing) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(listing).with_priority(10).mount(&server).await;
    server
}

async fn queries(server: &MockServer) -> Vec<String> {
    let requests = server.received_requests().await.unwrap();
    requests.iter().map(|r| r.url.query().unwrap_or("").to_string()).collect()
}

fn per_page(n: f64) -> ListCustomTrustStoreParams {
    ListCustomTrustStoreParams::default().per_page(n)
}

/// Every result of the item stream, bounded by [`GUARD`].
async fn all_items(client: &Client, params: &ListCustomTrustStoreParams) -> Vec<Result<CustomTrustStore, Error>> {
    client.list_custom_trust_store(ZONE, params).items().take(GUARD).collect().await
}

fn ok_ids(results: &[Result<CustomTrustStore, Error>]) -> Vec<String> {
    results.iter().map(|r| r.as_ref().expect("no error expected").id.clone()).collect()
}

fn ids(range: std::ops::Range<usize>) -> Vec<String> {
    range.map(id).collect()
}

#[tokio::test]
async fn total_pages_present_means_exactly_that_many_requests() {
    let server = serve(Listing { sizes: vec![5, 5, 5], total_pages: Some(3), ..Default::default() }).await;
    let params = per_page(5.0).limit(100).offset(0);
    let items = all_items(&client(&server), &params).await;
    assert_eq!(ok_ids(&items), ids(0..15));
    assert_eq!(
        queries(&server).await,
        [
            "limit=100&offset=0&per_page=5",
            "limit=100&offset=0&per_page=5&page=2",
            "limit=100&offset=0&per_page=5&page=3"
        ]
    );
}

#[tokio::test]
async fn pages_yields_each_page_with_its_number_and_info() {
    let server = serve(Listing { sizes: vec![5, 5, 2], total_pages: Some(3), ..Default::default() }).await;
    let pages: Vec<_> =
        client(&server).list_custom_trust_store(ZONE, &per_page(5.0)).pages().take(GUARD).collect().await;
    let pages: Vec<_> = pages.into_iter().map(Result::unwrap).collect();
    assert_eq!(pages.iter().map(|p| p.number()).collect::<Vec<_>>(), [Some(1), Some(2), Some(3)]);
    assert_eq!(pages.iter().map(|p| p.items.len()).collect::<Vec<_>>(), [5, 5, 2]);
    let info = pages[2].info.as_ref().unwrap();
    assert_eq!((info.page, info.total_pages, info.count), (Some(3.0), Some(3.0), Some(2.0)));
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn a_server_that_caps_per_page_still_yields_every_item() {
    // Asked for 50 a page, the server sends 5, but says there are 4 pages: short pages are not the end.
    let server = serve(Listing { sizes: vec![5, 5, 5, 5], total_pages: Some(4), ..Default::default() }).await;
    let items = all_items(&client(&server), &per_page(50.0)).await;
    assert_eq!(ok_ids(&items), ids(0..20));
    assert_eq!(
        queries(&server).await,
        ["per_page=50", "per_page=50&page=2", "per_page=50&page=3", "per_page=50&page=4"]
    );
}

#[tokio::test]
async fn no_request_past_the_last_page() {
    // The server would serve more, but it says there are 2 pages.
    let server = serve(Listing { sizes: vec![5, 5, 5, 5], total_pages: Some(2), ..Default::default() }).await;
    let items = all_items(&client(&server), &per_page(5.0)).await;
    assert_eq!(ok_ids(&items), ids(0..10));
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn without_total_pages_the_walk_stops_at_the_first_empty_page() {
    for no_info in [false, true] {
        let listing = Listing { sizes: vec![5, 5, 2], total_pages: None, no_info, ..Default::default() };
        let server = serve(listing.clone()).await;
        let items = all_items(&client(&server), &per_page(5.0)).await;
        assert_eq!(ok_ids(&items), ids(0..12), "no_info: {no_info}");
        assert_eq!(
            queries(&server).await,
            ["per_page=5", "per_page=5&page=2", "per_page=5&page=3", "per_page=5&page=4"],
            "a short page is not the end without a page count; the empty page 4 is"
        );

        let server = serve(listing).await;
        let pages: Vec<_> =
            client(&server).list_custom_trust_store(ZONE, &per_page(5.0)).pages().take(GUARD).collect().await;
        let sizes: Vec<usize> = pages.into_iter().map(|p| p.unwrap().items.len()).collect();
        assert_eq!(sizes, [5, 5, 2], "the empty end marker is not yielded as a page");
        assert_eq!(server.received_requests().await.unwrap().len(), 4);
    }
}

#[tokio::test]
async fn a_server_that_ignores_page_ends_with_an_error_not_a_loop() {
    for total_pages in [Some(10), None] {
        let listing = Listing { sizes: vec![5], total_pages, ignore_page: true, ..Default::default() };
        let server = serve(listing.clone()).await;
        let results = all_items(&client(&server), &per_page(5.0)).await;
        assert_eq!(results.len(), 6, "5 items, then one error, then the end ({total_pages:?})");
        assert_eq!(ok_ids(&results[..5]), ids(0..5));
        match &results[5] {
            Err(e @ Error::Pagination(message)) => {
                assert!(message.contains("page"), "{message}");
                assert!(e.to_string().starts_with("pagination"), "{e}");
            }
            other => panic!("expected a pagination error, got {other:?}"),
        }
        assert_eq!(queries(&server).await, ["per_page=5", "per_page=5&page=2"]);

        let server = serve(listing).await;
        let mut pages = client(&server).list_custom_trust_store(ZONE, &per_page(5.0)).pages();
        assert_eq!(pages.next().await.unwrap().unwrap().items.len(), 5);
        assert!(matches!(pages.next().await, Some(Err(Error::Pagination(_)))));
        assert!(pages.next().await.is_none());
        assert_eq!(server.received_requests().await.unwrap().len(), 2);
    }
}

#[tokio::test]
async fn an_empty_listing_is_one_empty_page_and_no_items() {
    for total_pages in [Some(0), Some(1), None] {
        let server = serve(Listing { sizes: vec![], total_pages, ..Default::default() }).await;
        let client = client(&server);
        assert!(all_items(&client, &per_page(5.0)).await.is_empty());
        let pages: Vec<_> = client.list_custom_trust_store(ZONE, &per_page(5.0)).pages().take(GUARD).collect().await;
        assert_eq!(pages.len(), 1, "{total_pages:?}");
        assert!(pages[0].as_ref().unwrap().items.is_empty());
        assert_eq!(queries(&server).await, ["per_page=5", "per_page=5"]);
    }
}

#[tokio::test]
async fn the_walk_starts_at_the_requested_page() {
    let server = serve(Listing { sizes: vec![5, 5, 5], total_pages: Some(3), ..Default::default() }).await;
    let params = per_page(5.0).page(2.0);
    let items = all_items(&client(&server), &params).await;
    assert_eq!(ok_ids(&items), ids(5..15));
    assert_eq!(queries(&server).await, ["per_page=5&page=2", "per_page=5&page=3"]);
}

#[tokio::test]
async fn an_error_midway_ends_the_walk_after_the_items_so_far() {
    let listing = Listing { sizes: vec![5, 5, 5], total_pages: Some(3), ..Default::default() };
    let failing = ResponseTemplate::new(500).set_body_json(serde_json::json!({
        "success": false, "errors": [{"code": 10500, "message": "boom"}], "messages": [], "result": null
    }));
    for (max_retries, requests) in [(None, 4), (Some(0), 2)] {
        let server = serve(listing.clone()).await;
        Mock::given(query_param("page", "2")).respond_with(failing.clone()).with_priority(1).mount(&server).await;
        let mut call = client(&server).list_custom_trust_store(ZONE, &per_page(5.0));
        if let Some(n) = max_retries {
            call = call.max_retries(n);
        }
        let results: Vec<_> = call.items().take(GUARD).collect().await;
        assert_eq!(results.len(), 6);
        assert_eq!(ok_ids(&results[..5]), ids(0..5));
        match &results[5] {
            Err(Error::Api(e)) => {
                assert_eq!(e.kind(), ApiErrorKind::Server);
                assert_eq!(e.errors[0].code, 10500);
            }
            other => panic!("expected an API error, got {other:?}"),
        }
        // Page 2 is retried like any call (per-call settings apply to every page); page 3 is never asked for.
        assert_eq!(server.received_requests().await.unwrap().len(), requests, "max_retries {max_retries:?}");
    }
}

#[tokio::test]
async fn per_call_headers_go_with_every_page() {
    let server = serve(Listing { sizes: vec![5, 5, 5], total_pages: Some(3), ..Default::default() }).await;
    let call = client(&server).list_custom_trust_store(ZONE, &per_page(5.0)).header("x-walk", "w-1");
    let items: Vec<_> = call.items().take(GUARD).collect().await;
    assert_eq!(ok_ids(&items), ids(0..15));
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 3);
    for r in &requests {
        assert_eq!(r.headers.get("x-walk").unwrap(), "w-1");
        assert_eq!(r.headers.get("authorization").unwrap(), "Bearer tok-SECRET");
    }
}

/// The page sizes the `.pages()` stream yields (every page must be `Ok`).
async fn page_sizes(client: &Client) -> Vec<usize> {
    let pages: Vec<_> = client.list_custom_trust_store(ZONE, &per_page(5.0)).pages().take(GUARD).collect().await;
    pages.into_iter().map(|p| p.unwrap().items.len()).collect()
}

#[tokio::test]
async fn an_empty_page_before_the_announced_end_is_not_the_end() {
    for sizes in [vec![5, 0, 0, 5, 0, 2], vec![0, 5], vec![0, 0, 3, 0], vec![5, 0]] {
        let total = sizes.len();
        let listing = Listing { sizes: sizes.clone(), total_pages: Some(total as u64), ..Default::default() };
        let server = serve(listing.clone()).await;
        let items = all_items(&client(&server), &per_page(5.0)).await;
        assert_eq!(ok_ids(&items), ids(0..sizes.iter().sum()), "{sizes:?}");
        assert_eq!(server.received_requests().await.unwrap().len(), total, "one request a page: {sizes:?}");

        // `.pages()` yields every announced page, the empty ones too, with their numbers.
        let server = serve(listing).await;
        assert_eq!(page_sizes(&client(&server)).await, sizes);
        assert_eq!(server.received_requests().await.unwrap().len(), total);
    }
}

#[tokio::test]
async fn a_page_count_sent_once_still_holds_when_later_pages_omit_it() {
    let listing =
        Listing { sizes: vec![5, 0, 5, 5], total_pages: Some(3), count_on_first_page_only: true, ..Default::default() };
    let server = serve(listing).await;
    let items = all_items(&client(&server), &per_page(5.0)).await;
    assert_eq!(ok_ids(&items), ids(0..10), "the empty page 2 is not the end; page 3 is the last");
    assert_eq!(queries(&server).await, ["per_page=5", "per_page=5&page=2", "per_page=5&page=3"]);
}

#[tokio::test]
async fn a_run_of_empty_pages_before_the_announced_end_is_bounded_by_an_error() {
    // MAX_EMPTY_RUN empty pages in a row are walked through; one more is an error, not a silent
    // end (a server that announces a million pages and serves one, say).
    let most = MAX_EMPTY_RUN as usize;
    let run = |empty: usize| [vec![5], vec![0; empty], vec![5]].concat();
    let longest = Listing { sizes: run(most), total_pages: Some(most as u64 + 2), ..Default::default() };
    let server = serve(longest).await;
    assert_eq!(ok_ids(&all_items(&client(&server), &per_page(5.0)).await), ids(0..10));
    assert_eq!(server.received_requests().await.unwrap().len(), most + 2);

    let too_long = Listing { sizes: run(most + 1), total_pages: Some(most as u64 + 3), ..Default::default() };
    let million = Listing { sizes: vec![5], total_pages: Some(1_000_000), ..Default::default() };
    let never = Listing { sizes: vec![], total_pages: Some(5_000), ignore_page: true, ..Default::default() };
    for (listing, items) in [(too_long, 5), (million, 5), (never, 0)] {
        let server = serve(listing.clone()).await;
        let results = all_items(&client(&server), &per_page(5.0)).await;
        assert_eq!(results.len(), items + 1, "{items} items, then one error, then the end");
        assert_eq!(ok_ids(&results[..items]), ids(0..items));
        match &results[items] {
            Err(Error::Pagination(message)) => assert!(message.contains("empty"), "{message}"),
            other => panic!("expected a pagination error, got {other:?}"),
        }
        // The first page (when it has items), then MAX_EMPTY_RUN + 1 empty ones; never the page
        // after.
        let requests = if items > 0 { most + 2 } else { most + 1 };
        assert_eq!(server.received_requests().await.unwrap().len(), requests, "{:?}", listing.total_pages);

        let server = serve(listing).await;
        let mut pages = client(&server).list_custom_trust_store(ZONE, &per_page(5.0)).pages();
        for n in 1..requests as u64 {
            let page = pages.next().await.unwrap().unwrap();
            assert_eq!((page.number(), page.items.len()), (Some(n), if n == 1 { items } else { 0 }));
        }
        assert!(matches!(pages.next().await, Some(Err(Error::Pagination(_)))));
        assert!(pages.next().await.is_none());
    }
}

/// One item a page, whatever page is asked for, and no page count.
struct Endless;

impl Respond for Endless {
    fn respond(&self, _: &wiremock::Request) -> ResponseTemplate {
        let body = serde_json::json!({"success": true, "errors": [], "messages": [], "result": [item(0)]});
        ResponseTemplate::new(200).set_body_json(body)
    }
}

#[tokio::test]
async fn the_last_page_number_there_is_ends_with_an_error() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(Endless).mount(&server).await;
    let call = client(&server).list_custom_trust_store(ZONE, &per_page(5.0).page(2e19));
    let results: Vec<_> = call.pages().take(GUARD).collect().await;
    assert_eq!(results.len(), 2, "the page, then one error, then the end");
    assert_eq!(results[0].as_ref().unwrap().number(), Some(u64::MAX));
    assert!(matches!(&results[1], Err(Error::Pagination(m)) if m.contains("no page")), "{:?}", results[1]);
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

/// The listing's decoder, named from outside the crate: its page scheme (`envelope::ApiPagination`)
/// is public, so a caller can write down the type of a call, of `.pages()` and of `.items()`.
type TrustStoreListing = cloudflare_ssl::rt::Paged<
    cloudflare_ssl::envelope::ApiPagination,
    CustomTrustStore,
    cloudflare_ssl::types::ResultInfo,
>;

/// A caller's struct holding walks by their written-out types (no `impl Trait`, no inference).
struct Walks {
    first: cloudflare_ssl::Call<TrustStoreListing>,
    pages: cloudflare_ssl::Pages<TrustStoreListing, cloudflare_ssl::ApiMessage>,
    items: cloudflare_ssl::Items<TrustStoreListing, cloudflare_ssl::ApiMessage>,
}

#[tokio::test]
async fn the_types_of_a_call_and_its_walks_can_be_named_outside_the_crate() {
    let server = serve(Listing { sizes: vec![2, 1], total_pages: Some(2), ..Default::default() }).await;
    let client = client(&server);
    let call = || client.list_custom_trust_store(ZONE, &ListCustomTrustStoreParams::default());
    let walks = Walks { first: call(), pages: call().pages(), items: call().items() };
    let first: cloudflare_ssl::Page<CustomTrustStore, cloudflare_ssl::types::ResultInfo> = walks.first.await.unwrap();
    assert_eq!(first.items.iter().map(|i| i.id.clone()).collect::<Vec<_>>(), ids(0..2));
    let pages: Vec<_> = walks.pages.take(GUARD).collect().await;
    assert_eq!(pages.into_iter().map(|p| p.unwrap().items.len()).collect::<Vec<_>>(), [2, 1]);
    let items: Vec<_> = walks.items.take(GUARD).collect().await;
    assert_eq!(ok_ids(&items), ids(0..3));
}
