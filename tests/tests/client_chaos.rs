//! Chaos: a long listing walked with `.items()` through a loopback server of our own (raw TCP,
//! so it can do what HTTP mocks cannot: reset connections, stall past the timeout, cut bodies
//! short) that injects seeded faults into some attempts: 429 with `Retry-After: 0`, 429 asking
//! for a wait too long for a `Duration` (`Retry-After: 1e300`, `18446744073709551616`,
//! `retry-after-ms: 1e300`), 5xx with JSON or HTML, resets, stalls, truncated bodies, HTML with a
//! 200, and real empty pages before the announced end (sometimes more of them in a row than the
//! walk accepts).
//!
//! The invariant, for every seed: every item exactly once and in order, or the items of the
//! pages before the failing one, one error that the server's last answer explains, and then the
//! end. The server also checks that pages are asked for in order and never past the announced
//! last page. Retries are immediate (zero backoff, `Retry-After: 0`); only the injected stalls
//! wait, for the client's short timeout. Nothing is asserted about time.

use cloudflare_ssl::types::{CustomTrustStore, ListCustomTrustStoreParams};
use cloudflare_ssl::{Backoff, Client, Error, MAX_EMPTY_RUN, MAX_RETRY_AFTER};
use futures_util::StreamExt;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const ZONE: &str = "023e105f4ecef8ad9ca31a8372d0c353";
const STORE_PATH: &str = "/zones/{zone_id}/acm/custom_trust_store";
const SEEDS: u64 = 50;
/// Seeds walked at the same time (each against its own server).
const PARALLEL: u64 = 10;
const PAGES: usize = 44;
const PER_PAGE: usize = 5;
const MAX_RETRIES: u32 = 2;
/// Per attempt; only injected stalls ever reach it.
const TIMEOUT: Duration = Duration::from_millis(500);
/// Empty pages in a row the walk goes through before the announced end.
const EMPTY_RUN: usize = MAX_EMPTY_RUN as usize;
/// Scattered stalls per seed at most (each costs a timeout).
const MAX_STALLS: usize = 3;
/// A guard against a walk that hangs (a failure, not a measurement).
const HANG_GUARD: Duration = Duration::from_secs(120);

/// A small deterministic random number generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// What the server does with one attempt instead of serving the page.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Fault {
    /// 429 with `Retry-After: 0`.
    TooMany,
    /// 429 asking for a wait too long for a `Duration` (the header line): not waited out, the
    /// error goes back at once.
    LongWait(&'static str),
    /// A 5xx with the API's error envelope.
    ServerError(u16),
    /// A 502 with an HTML page (a proxy's).
    HtmlGateway,
    /// The connection is reset once the request is read.
    Reset,
    /// The connection is closed once the request is read, without an answer.
    Close,
    /// No answer until the client gives up.
    Stall,
    /// `Content-Length` says more than is sent before the connection closes.
    TruncatedBody,
    /// A 200 whose (correctly framed) JSON stops halfway.
    TruncatedJson,
    /// A 200 with an HTML page.
    Html200,
}

const FAULTS: [Fault; 13] = [
    Fault::TooMany,
    Fault::LongWait("retry-after: 1e300"),
    Fault::LongWait("retry-after: 18446744073709551616"),
    Fault::LongWait("retry-after-ms: 1e300"),
    Fault::ServerError(500),
    Fault::ServerError(503),
    Fault::HtmlGateway,
    Fault::Reset,
    Fault::Close,
    Fault::Stall,
    Fault::TruncatedBody,
    Fault::TruncatedJson,
    Fault::Html200,
];

/// One seed's listing and faults.
struct Plan {
    /// Items on each page; `total_pages` is their number.
    sizes: Vec<usize>,
    /// The fault of attempt `a` (0-based) at page `p` (1-based), keyed `(p, a)`.
    faults: HashMap<(usize, u32), Fault>,
}

impl Plan {
    fn new(seed: u64) -> Plan {
        let mut rng = Rng::new(seed);
        let mut sizes: Vec<usize> = (0..PAGES)
            .map(|_| match rng.below(10) {
                0 => 0,
                1 => 1 + rng.below(PER_PAGE - 1),
                _ => PER_PAGE,
            })
            .collect();
        // Now and then a run of empty pages: within what the walk accepts, or one longer.
        if rng.chance(30) {
            let run = if rng.chance(50) { EMPTY_RUN } else { EMPTY_RUN + 1 };
            let at = 1 + rng.below(PAGES - run - 1);
            sizes[at..at + run].fill(0);
        }
        // Calm seeds have a fault now and then; stormy ones in a third of the attempts. Faults
        // that are not retried (a 200 that does not decode, a wait too long) are rarer than the
        // others.
        let rate = if rng.chance(25) { 35 } else { 5 };
        let (mut faults, mut stalls) = (HashMap::new(), 0);
        for page in 1..=PAGES {
            for attempt in 0..=MAX_RETRIES {
                if !rng.chance(rate) {
                    continue;
                }
                let mut fault = match FAULTS[rng.below(FAULTS.len())] {
                    Fault::TruncatedJson | Fault::Html200 | Fault::LongWait(_) if rng.chance(70) => Fault::TooMany,
                    fault => fault,
                };
                if fault == Fault::Stall {
                    if stalls == MAX_STALLS {
                        fault = Fault::Reset;
                    }
                    stalls += 1;
                }
                faults.insert((page, attempt), fault);
            }
        }
        // Now and then a page whose every attempt stalls (a backend that is down).
        if rng.chance(10) {
            let page = 1 + rng.below(PAGES);
            for attempt in 0..=MAX_RETRIES {
                faults.insert((page, attempt), Fault::Stall);
            }
        }
        Plan { sizes, faults }
    }

    /// The items of the whole listing, by id, and how many of them come before a run of empty
    /// pages longer than the walk accepts (all of them if there is none).
    fn expected(&self) -> (Vec<String>, usize) {
        let ids: Vec<String> = (0..self.sizes.iter().sum()).map(id).collect();
        let mut run = 0;
        for (page, &size) in self.sizes.iter().enumerate() {
            run = if size == 0 { run + 1 } else { 0 };
            if run > EMPTY_RUN && page + 1 < self.sizes.len() {
                return (ids, self.sizes[..page].iter().sum());
            }
        }
        let all = ids.len();
        (ids, all)
    }
}

fn id(n: usize) -> String {
    format!("{n:032x}")
}

/// What the server saw and did: one entry a request, in order.
#[derive(Debug, Default)]
struct Log {
    /// `(page, attempt, fault)` per request.
    requests: Vec<(usize, u32, Option<Fault>)>,
    /// Problems with the requests themselves (a page asked for again after it was served, out
    /// of order or past the end; a request that does not parse).
    problems: Vec<String>,
}

struct Server {
    plan: Plan,
    /// The documented trust-store item, to number.
    template: serde_json::Value,
    log: Mutex<Log>,
    attempts: Mutex<HashMap<usize, u32>>,
}

impl Server {
    /// The page asked for and what to do with it.
    fn route(&self, head: &str) -> Result<(usize, Option<Fault>), String> {
        let target = head.split_whitespace().nth(1).ok_or("no request target")?;
        let query = target.split_once('?').map_or("", |(_, q)| q);
        let mut page = 1;
        for pair in query.split('&') {
            if let Some(v) = pair.strip_prefix("page=") {
                page = v.parse().map_err(|_| format!("page {v:?} is not a whole number"))?;
            }
        }
        if !target.contains(&format!("per_page={PER_PAGE}")) {
            return Err(format!("per_page missing: {target}"));
        }
        let mut attempts = self.attempts.lock().unwrap();
        let attempt = attempts.entry(page).or_default();
        let fault = self.plan.faults.get(&(page, *attempt)).copied();
        let mut log = self.log.lock().unwrap();
        if let Some(&(last, _, fault)) = log.requests.last() {
            if page != last && page != last + 1 {
                log.problems.push(format!("page {page} asked for after page {last}"));
            }
            if page == last && fault.is_none() {
                log.problems.push(format!("page {page} asked for again after it was served"));
            }
        } else if page != 1 {
            log.problems.push(format!("the walk began at page {page}"));
        }
        if page == 0 || page > self.plan.sizes.len() {
            log.problems.push(format!("page {page} asked for; there are {}", self.plan.sizes.len()));
        }
        log.requests.push((page, *attempt, fault));
        *attempt += 1;
        Ok((page, fault))
    }

    fn page_body(&self, page: usize) -> Vec<u8> {
        let first: usize = self.plan.sizes.iter().take(page.saturating_sub(1)).sum();
        let count = page.checked_sub(1).and_then(|i| self.plan.sizes.get(i)).copied().unwrap_or(0);
        let items: Vec<_> = (first..first + count)
            .map(|n| {
                let mut item = self.template.clone();
                item["id"] = id(n).into();
                item
            })
            .collect();
        let total_count: usize = self.plan.sizes.iter().sum();
        let info = serde_json::json!({
            "page": page, "per_page": PER_PAGE, "count": count, "total_count": total_count,
            "total_pages": self.plan.sizes.len(),
        });
        let body = serde_json::json!({
            "success": true, "errors": [], "messages": [], "result": items, "result_info": info,
        });
        serde_json::to_vec(&body).unwrap()
    }

    async fn serve(self: Arc<Self>, mut stream: TcpStream) {
        let mut head = Vec::new();
        let mut buf = [0u8; 4096];
        while !head.windows(4).any(|w| w == b"\r\n\r\n") {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => head.extend_from_slice(&buf[..n]),
            }
            if head.len() > 64 * 1024 {
                return;
            }
        }
        let (page, fault) = match self.route(&String::from_utf8_lossy(&head)) {
            Ok(routed) => routed,
            Err(problem) => {
                self.log.lock().unwrap().problems.push(problem);
                return;
            }
        };
        const HTML: &[u8] =
            b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>502</h1></body></html>";
        let error = br#"{"success":false,"errors":[{"code":10000,"message":"boom"}],"messages":[],"result":null}"#;
        let body = self.page_body(page);
        let wait = match fault {
            Some(Fault::LongWait(line)) => format!("{line}\r\n"),
            _ => String::new(),
        };
        let (status, content_type, extra, payload, sent): (u16, &str, &str, &[u8], usize) = match fault {
            None => (200, "application/json", "", &body, body.len()),
            Some(Fault::TooMany) => (429, "application/json", "retry-after: 0\r\n", error, error.len()),
            Some(Fault::LongWait(_)) => (429, "application/json", &wait, error, error.len()),
            Some(Fault::ServerError(status)) => (status, "application/json", "", error, error.len()),
            Some(Fault::HtmlGateway) => (502, "text/html", "", HTML, HTML.len()),
            Some(Fault::Html200) => (200, "text/html", "", HTML, HTML.len()),
            Some(Fault::TruncatedJson) => (200, "application/json", "", &body[..body.len() / 2], body.len() / 2),
            Some(Fault::TruncatedBody) => (200, "application/json", "", &body, body.len() / 2),
            Some(Fault::Reset) => {
                let _ = stream.set_zero_linger();
                return;
            }
            Some(Fault::Close) => {
                let _ = stream.shutdown().await;
                return;
            }
            Some(Fault::Stall) => {
                // Until the client gives up and closes (bounded, should it never).
                let _ = tokio::time::timeout(HANG_GUARD, stream.read(&mut buf)).await;
                return;
            }
        };
        let head = format!(
            "HTTP/1.1 {status} X\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\n{extra}connection: close\r\n\r\n",
            payload.len()
        );
        let mut out = head.into_bytes();
        out.extend_from_slice(&payload[..sent]);
        let _ = stream.write_all(&out).await;
        let _ = stream.shutdown().await;
    }
}

/// Whether `error` is what the server's last answer (`fault`, `None` for a page served whole, to
/// attempt `attempt`, 0-based) should end the walk with; `at_empty_run`: whether the walk
/// stopped where a run of empty pages grows longer than it accepts.
fn explains(fault: Option<Fault>, attempt: u32, error: &Error, at_empty_run: bool) -> bool {
    let attempts_all = |attempts: u32| attempts == MAX_RETRIES + 1;
    match (fault, error) {
        (Some(Fault::TooMany), Error::Api(e)) => e.status == 429 && attempts_all(e.attempts),
        // Not waited out, not retried: back at once, with the wait asked for (saturated).
        (Some(Fault::LongWait(_)), Error::Api(e)) => {
            e.status == 429 && e.attempts == attempt + 1 && e.retry_after.is_some_and(|w| w > MAX_RETRY_AFTER)
        }
        (Some(Fault::ServerError(s)), Error::Api(e)) => {
            e.status == s && attempts_all(e.attempts) && e.errors.first().is_some_and(|m| m.code == 10000)
        }
        (Some(Fault::HtmlGateway), Error::Api(e)) => e.status == 502 && attempts_all(e.attempts),
        (Some(Fault::Reset | Fault::Close | Fault::TruncatedBody), Error::Transport { attempts, .. }) => {
            attempts_all(*attempts)
        }
        (Some(Fault::Stall), Error::Timeout { attempts, .. }) => attempts_all(*attempts),
        (Some(Fault::TruncatedJson | Fault::Html200), Error::Decode { status, .. }) => *status == 200,
        (None, Error::Pagination(message)) => at_empty_run && message.contains("empty"),
        _ => false,
    }
}

/// How one seed's walk ended.
#[derive(Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Outcome {
    Complete,
    Failed(&'static str),
}

async fn walk(seed: u64, template: serde_json::Value) -> Result<Outcome, String> {
    let plan = Plan::new(seed);
    let (expected, before_long_run) = plan.expected();
    let server = Arc::new(Server { plan, template, log: Mutex::default(), attempts: Mutex::default() });
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let accept = tokio::spawn({
        let server = server.clone();
        async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(server.clone().serve(stream));
            }
        }
    });
    let client = Client::builder()
        .from_env(false)
        .base_url(format!("http://{addr}/client/v4"))
        .api_token("tok-SECRET")
        .timeout(TIMEOUT)
        .max_retries(MAX_RETRIES)
        .backoff(Backoff { initial: Duration::ZERO, max: Duration::ZERO })
        .build()
        .unwrap();
    let params = ListCustomTrustStoreParams::default().per_page(PER_PAGE as f64);
    let stream = client.list_custom_trust_store(ZONE, &params).items().take(expected.len() + 10);
    let results: Vec<Result<CustomTrustStore, Error>> =
        tokio::time::timeout(HANG_GUARD, stream.collect()).await.map_err(|_| format!("seed {seed}: the walk hangs"))?;
    accept.abort();

    let fail = |what: String| Err(format!("seed {seed}: {what}"));
    let log = std::mem::take(&mut *server.log.lock().unwrap());
    if !log.problems.is_empty() {
        return fail(format!("requests: {:?}", log.problems));
    }
    let got: Vec<&str> = results.iter().map_while(|r| r.as_ref().ok()).map(|item| item.id.as_str()).collect();
    if got != expected[..got.len().min(expected.len())] || got.len() > expected.len() {
        return fail(format!("items out of order, repeated or unknown after {} good ones", got.len()));
    }
    let errors: Vec<&Error> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    match errors[..] {
        [] if got.len() == before_long_run && before_long_run == expected.len() => Ok(Outcome::Complete),
        [] => fail(format!("the walk ended silently after {} of {} items", got.len(), expected.len())),
        [error] => {
            if results.last().is_some_and(Result::is_ok) {
                return fail(format!("items after the error {error}"));
            }
            let (_, attempt, last) = log.requests.last().copied().unwrap_or_default();
            let at_long_run = got.len() == before_long_run && before_long_run < expected.len();
            if !explains(last, attempt, error, at_long_run) {
                return fail(format!("the error `{error}` does not follow from the last answer ({last:?})"));
            }
            // The pages before the failing one are all there.
            let (page, _, _) = log.requests.last().copied().unwrap_or_default();
            let before: usize = server.plan.sizes.iter().take(page.saturating_sub(1)).sum();
            let through: usize = server.plan.sizes.iter().take(page).sum();
            let whole_pages = got.len() == before || (last.is_none() && got.len() == through);
            if !whole_pages {
                return fail(format!(
                    "{} items before an error at page {page} (page starts at item {before})",
                    got.len()
                ));
            }
            Ok(Outcome::Failed(match (last, error) {
                (Some(Fault::LongWait(line)), _) => line,
                (_, Error::Api(_)) => "api",
                (_, Error::Transport { .. }) => "transport",
                (_, Error::Timeout { .. }) => "timeout",
                (_, Error::Decode { .. }) => "decode",
                (_, Error::Pagination(_)) => "pagination",
                _ => "other",
            }))
        }
        _ => fail(format!("{} errors", errors.len())),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_item_once_in_order_or_an_explained_error_then_the_end() {
    let template = testkit::response_examples(STORE_PATH, "get", "200").remove(0).1["result"][0].clone();
    let mut outcomes: HashMap<Outcome, usize> = HashMap::new();
    let mut failures = Vec::new();
    for chunk in (0..SEEDS).collect::<Vec<_>>().chunks(PARALLEL as usize) {
        let mut walks = tokio::task::JoinSet::new();
        for &seed in chunk {
            walks.spawn(walk(seed, template.clone()));
        }
        while let Some(done) = walks.join_next().await {
            match done.expect("a walk panicked") {
                Ok(outcome) => *outcomes.entry(outcome).or_default() += 1,
                Err(failure) => failures.push(failure),
            }
        }
    }
    let mut summary: Vec<_> = outcomes.iter().collect();
    summary.sort();
    eprintln!("chaos outcomes over {SEEDS} seeds: {summary:?}");
    assert!(failures.is_empty(), "{} seeds broke the invariant:\n{}", failures.len(), failures.join("\n"));
    // The seeded plans make both endings occur (stormy seeds fail, calm ones mostly finish).
    assert!(outcomes.contains_key(&Outcome::Complete), "{summary:?}");
    assert!(outcomes.keys().any(|o| matches!(o, Outcome::Failed(_))), "{summary:?}");
    // Each wait too long for a `Duration` ends some seed's walk (the server sent it, the client
    // neither panicked nor slept).
    for fault in FAULTS {
        if let Fault::LongWait(line) = fault {
            assert!(outcomes.contains_key(&Outcome::Failed(line)), "no walk ended on `{line}`: {summary:?}");
        }
    }
}
