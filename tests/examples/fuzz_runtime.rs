//! The runtime half of `cargo xtask fuzz` (which builds and runs this; see `xtask/src/fuzz.rs`):
//! arbitrary responses (status, headers, body) fed to every decoder of the hand-written runtime
//! as the generated Cloudflare client uses them: the two operations' own decoders (an enveloped
//! payload; a page with its `PageInfo`), `Json<T>` of the generated models, `Enveloped` payloads,
//! `Text`, `Bytes`, `Empty`, `AllowEmpty`, error decoding, `Retry-After` parsing (through
//! `RawResponse::api_error`), `whole`, and the `Display`/`Debug` of every error and the `Serialize`
//! of every decoded model.
//!
//! Bodies are mutations of the spec's example responses (`spec/cloudflare-ssl.yaml`: values
//! replaced, huge and tiny numbers, deep nesting, duplicate keys, invalid UTF-8, cut short) and
//! random bytes, 100,000-deep `[` and `{`, wide arrays and long strings.
//!
//! Checked per input and decoder: no panic (caught, reported, the batch goes on), no stack
//! overflow (the decoders run on a thread with a 2 MiB stack, a tokio worker's default; an
//! overflow kills the batch, which the parent pins to the last announced input), and bounded
//! memory: the peak of live heap bytes while one decoder runs, counted by this binary's global
//! allocator, stays under `MEMORY_FACTOR` times the body's size plus `MEMORY_SLACK`.
//!
//! `fuzz_runtime batch SEED COUNT` runs inputs `0..COUNT` of batch `SEED`, printing
//! `start I LABEL` before each, `finding I WHAT` for each finding and `done N RATIO WHERE` at the
//! end (the most memory a decoder used, relative to its body, and where); exit code 2 when something was found. `fuzz_runtime one SEED I` runs input `I` alone;
//! `fuzz_runtime dump SEED I PATH` writes it (status, headers, then the body) to a file. With
//! `FUZZ_TIMES` set, each decoder's time per input goes to stderr.

use cloudflare_ssl::rt::{AllowEmpty, Bytes, Decode, Empty, Envelope, EnvelopeKeys, Enveloped, Json, Text};
use cloudflare_ssl::rt::{PageInfo, RawResponse};
use cloudflare_ssl::types::{
    ApiResponseCommonFailure, CertificatePack, CertificatePackResponseSingle, CustomTrustStore,
    CustomTrustStoreResponseCollection, ResultInfo,
};
use cloudflare_ssl::{Call, Client, Error};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::StatusCode;
use serde_json::Value;
use std::alloc::{GlobalAlloc, Layout, System};
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Peak live heap bytes a decoder may use, per byte of body... (`serde_json::Value`, which
/// `Json<Value>` decodes schemaless bodies into, needs about 100 for `[{"a":0},...]`: a B-tree
/// node of some 600 bytes per 7-byte object; the models need far less.)
const MEMORY_FACTOR: usize = 128;
/// ...plus this.
const MEMORY_SLACK: usize = 1 << 20;
/// Mutated examples stay under this size.
const MAX_MUTATED: usize = 200_000;
/// The decoders' stack: a tokio worker thread's default.
const STACK: usize = 2 << 20;

/// Where the last panic happened (the panic hook's note).
static PANICKED_AT: std::sync::Mutex<String> = std::sync::Mutex::new(String::new());

/// The global allocator, counting live bytes and their peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = LIVE.fetch_add(by, Ordering::Relaxed) + by;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

// Only counts, then hands every call to the system allocator unchanged.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                grew(new_size - layout.size());
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// A small deterministic random number generator (xorshift64*), as in `xtask/src/fuzz.rs`.
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
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// The envelope the spec declares (`x-envelope`), for decoders the operations do not use.
struct Env;

impl Envelope for Env {
    const KEYS: EnvelopeKeys = EnvelopeKeys {
        success: "success",
        errors: "errors",
        messages: "messages",
        result: "result",
        info: Some("result_info"),
    };
}

/// Number literals serde_json's `Value` cannot hold, spliced into the text in place of
/// `"\u0001N\u0001"` markers.
const NUMBERS: &[&str] = &[
    "1e400",
    "-1e400",
    "1e-400",
    "-0",
    "0e0",
    "123456789012345678901234567890",
    "-9223372036854775809",
    "18446744073709551616",
    "1.7976931348623157e308",
    "4.9e-324",
    "0.000000000000000000000000000000000000000000000000001",
    "1E+2",
    "1e999999999999",
];

fn marker(n: usize) -> Value {
    Value::String(format!("\u{1}{n}\u{1}"))
}

fn splice_numbers(text: &str) -> String {
    let mut out = text.to_owned();
    for (n, literal) in NUMBERS.iter().enumerate() {
        out = out.replace(&format!("\"\\u0001{n}\\u0001\""), literal);
    }
    out
}

fn random_scalar(rng: &mut Rng) -> Value {
    match rng.below(14) {
        0 => Value::Null,
        1 => Value::Bool(rng.chance(50)),
        2 => Value::from(rng.next() as i64),
        3 => Value::from(rng.next()),
        4 => Value::from(f64::from_bits(rng.next()) % 1e12),
        5 => marker(rng.below(NUMBERS.len())),
        6 => Value::String(String::new()),
        7 => Value::String("ü\u{0}\u{202e}<>\"\\\u{10FFFF}".into()),
        8 => Value::String("x".repeat(rng.below(70_000))),
        9 => Value::String(
            rng.pick(&["2014-01-01T05:20:00.12345Z", "2014-01-01", "not a date", "+275760-09-13T00:00:00Z", "T"])
                .to_string(),
        ),
        10 => Value::String(rng.pick(&["active", "pending_validation", "Unknown", "", "ACTIVE"]).to_string()),
        11 => Value::Array(vec![]),
        12 => Value::Object(Default::default()),
        _ => Value::from(*rng.pick(&[0.0, -1.0, 1.5, 1e300, 4.0, 2e19])),
    }
}

/// Every pointer in the document (bounded), to pick mutation targets from.
fn pointers(value: &Value, here: String, out: &mut Vec<String>) {
    if out.len() > 5_000 {
        return;
    }
    match value {
        Value::Object(m) => {
            for (k, v) in m {
                let p = format!("{here}/{}", k.replace('~', "~0").replace('/', "~1"));
                out.push(p.clone());
                pointers(v, p, out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                let p = format!("{here}/{i}");
                out.push(p.clone());
                pointers(v, p, out);
            }
        }
        _ => {}
    }
}

fn mutate_value(doc: &mut Value, rng: &mut Rng) {
    let mut all = vec![String::new()];
    pointers(doc, String::new(), &mut all);
    let target = rng.pick(&all[..]).clone();
    let donor = rng.pick(&all[..]).clone();
    let donor = doc.pointer(&donor).cloned().unwrap_or(Value::Null);
    let Some(slot) = doc.pointer_mut(&target) else { return };
    match rng.below(8) {
        0..=2 => *slot = random_scalar(rng),
        3 => *slot = donor,
        4 => {
            if let Value::Object(m) = slot {
                if let Some(k) = m.keys().nth(rng.below(m.len())).cloned() {
                    m.remove(&k);
                }
            }
        }
        5 => {
            if let Value::Object(m) = slot {
                let key = rng.pick(&["success", "result", "result_info", "errors", "messages", "total_pages", "x"]);
                m.insert(key.to_string(), random_scalar(rng));
            }
        }
        6 => {
            // Many copies of an element (a long page).
            if let Value::Array(items) = slot {
                if let Some(first) = items.first().cloned() {
                    items.resize(items.len() + rng.below(2_000), first);
                }
            }
        }
        _ => {
            let mut v = slot.clone();
            for _ in 0..rng.below(300) {
                v = if rng.chance(50) { Value::Array(vec![v]) } else { serde_json::json!({ "a": v }) };
            }
            *slot = v;
        }
    }
}

fn mutate_bytes(bytes: &mut Vec<u8>, rng: &mut Rng) {
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(bytes.len() + 1);
        match rng.below(6) {
            0 => bytes.truncate(at),
            1 => {
                if at < bytes.len() {
                    bytes.remove(at);
                }
            }
            2 => {
                let junks: [&[u8]; 9] = [b"\xff", b"\xc3", b"\xed\xa0\x80", b"\0", b"\\u", b"\"", b",", b"]", b"}"];
                let junk = *rng.pick(&junks);
                bytes.splice(at..at, junk.iter().copied());
            }
            3 => {
                if at < bytes.len() {
                    bytes[at] = rng.next() as u8;
                }
            }
            4 => {
                let escapes: [&[u8]; 5] = [b"\\ud800", b"\\udfff\\ud800", b"\\u0000", b"\\x", b"\\"];
                let escape = *rng.pick(&escapes);
                bytes.splice(at..at, escape.iter().copied());
            }
            _ => {
                bytes.splice(0..0, *b"\xef\xbb\xbf");
            }
        }
    }
}

/// One fuzz input: a response as received.
struct Input {
    label: String,
    status: u16,
    headers: Vec<(&'static str, Vec<u8>)>,
    body: Vec<u8>,
}

/// The documented example responses of the spec (`application/json` ones, any status).
fn examples() -> Vec<Value> {
    let spec = testkit::spec_json();
    let mut out = Vec::new();
    for item in spec["paths"].as_object().into_iter().flat_map(|m| m.values()) {
        for op in item.as_object().into_iter().flat_map(|m| m.values()) {
            for response in op["responses"].as_object().into_iter().flat_map(|m| m.values()) {
                let content = &response["content"]["application/json"];
                if let Some(examples) = content["examples"].as_object() {
                    out.extend(examples.values().map(|e| e["value"].clone()));
                }
                if !content["example"].is_null() {
                    out.push(content["example"].clone());
                }
            }
        }
    }
    out
}

const RETRY_AFTER: &[&str] = &[
    "0",
    "1",
    "120",
    "-1",
    "0.5",
    "1e300",
    "1e20",
    "18446744073709551616",
    "NaN",
    "inf",
    "  7  ",
    "Wed, 21 Oct 2015 07:28:00 GMT",
    "Fri, 31 Dec 9999 23:59:59 GMT",
    "Thu, 01 Jan 1970 00:00:00 +0000",
    "Mon, 32 Foo 2015 99:99:99 XYZ",
    "",
];

/// Nests `inner` `depth` times in the brackets of `open`/`close`, closed or left open.
fn nested(open: &str, close: &str, inner: &str, depth: usize, closed: bool) -> String {
    let mut s = open.repeat(depth);
    s.push_str(inner);
    if closed {
        s.push_str(&close.repeat(depth));
    }
    s
}

/// The `i`-th input of batch `seed`.
fn input(examples: &[Value], seed: u64, i: u64) -> Input {
    let mut rng = Rng::new(seed.wrapping_mul(1_000_003).wrapping_add(i));
    let status = if rng.chance(70) {
        *rng.pick(&[200, 200, 200, 201, 204, 400, 403, 404, 409, 429, 500, 502, 503])
    } else {
        100 + rng.below(900) as u16
    };
    let mut headers = Vec::new();
    for name in ["retry-after", "retry-after-ms", "x-should-retry", "content-type"] {
        if rng.chance(30) {
            let value = if rng.chance(80) {
                rng.pick(RETRY_AFTER).as_bytes().to_vec()
            } else {
                (0..rng.below(40)).map(|_| rng.next() as u8).collect()
            };
            headers.push((name, value));
        }
    }
    let example = rng.pick(examples).clone();
    let (kind, body) = match rng.below(20) {
        0..=8 => {
            let mut doc = example;
            for _ in 0..1 + rng.below(5) {
                let before = doc.clone();
                mutate_value(&mut doc, &mut rng);
                // Mutations that blow the document up past `MAX_MUTATED` bytes are undone
                // (big bodies have inputs of their own).
                if doc.to_string().len() > MAX_MUTATED {
                    doc = before;
                }
            }
            let text =
                if rng.chance(50) { doc.to_string() } else { serde_json::to_string_pretty(&doc).unwrap_or_default() };
            let mut body = splice_numbers(&text).into_bytes();
            if rng.chance(20) {
                mutate_bytes(&mut body, &mut rng);
            }
            ("mutated example", body)
        }
        9..=11 => {
            let mut body = example.to_string().into_bytes();
            mutate_bytes(&mut body, &mut rng);
            ("example, bytes mutated", body)
        }
        12 | 13 => ("random bytes", (0..rng.below(4096)).map(|_| rng.next() as u8).collect()),
        14 | 15 => {
            // 100,000 deep in one-byte brackets; the longer openers less deep (a body of
            // at most 220 kB), as decoding time grows with the body.
            let closed = rng.chance(50);
            let (open, close) = *rng.pick(&[("[", "]"), ("{\"a\":", "}"), ("{\"result\":", "}"), ("[{\"x\":", "}]")]);
            let depth = *rng.pick(&[200, 5_000, if open.len() == 1 { 100_000 } else { 20_000 }]);
            let deep = nested(open, close, "1", depth, closed);
            let body = match rng.below(5) {
                0 => deep,
                1 => format!("{{\"success\":true,\"errors\":[],\"messages\":[],\"result\":{deep}}}"),
                2 => format!("{{\"success\":true,\"result\":[],\"result_info\":{deep}}}"),
                3 => format!("{{\"success\":false,\"errors\":{deep},\"messages\":[]}}"),
                _ => format!("{{\"unknown\":{deep},\"success\":true,\"result\":[]}}"),
            };
            ("deep nesting", body.into_bytes())
        }
        16 => {
            let n = *rng.pick(&[1_000, 30_000]);
            let body = match rng.below(4) {
                0 => format!("{{\"success\":true,\"result\":[{}1]}}", "1,".repeat(n)),
                1 => format!("{{\"success\":true,\"result\":[{}{{}}]}}", "{},".repeat(n)),
                2 => format!("{{\"success\":true,\"result\":\"{}\"}}", "\\u00e9".repeat(n)),
                _ => {
                    let keys: String = (0..n).map(|k| format!("\"k{k}\":0,")).collect();
                    format!("{{{keys}\"success\":true,\"result\":[]}}")
                }
            };
            ("wide", body.into_bytes())
        }
        17 => {
            let body = rng.pick(&["", " ", "\n\t ", "null", "[]", "{}", "true", "0", "\"\"", "{\"result\":null}"]);
            ("tiny", body.as_bytes().to_vec())
        }
        18 => {
            let text = example.to_string();
            let inner = text.trim_start_matches('{');
            let body = format!("{{\"result\":{},\"success\":false,\"success\":true,{inner}", random_scalar(&mut rng));
            ("duplicate keys", splice_numbers(&body).into_bytes())
        }
        _ => {
            let mut body = b"\xef\xbb\xbf".to_vec();
            body.extend(example.to_string().into_bytes());
            ("byte order mark", body)
        }
    };
    Input { label: format!("{kind}, status {status}, {} bytes, seed={seed} i={i}", body.len()), status, headers, body }
}

fn raw(input: &Input) -> RawResponse {
    let mut headers = HeaderMap::new();
    for (name, value) in &input.headers {
        if let Ok(v) = HeaderValue::from_bytes(value) {
            headers.append(HeaderName::from_static(name), v);
        }
    }
    let status = StatusCode::from_u16(input.status).unwrap_or(StatusCode::OK);
    RawResponse { status, headers, body: input.body.clone() }
}

/// Everything an error shows, so that formatting it runs too.
fn show(error: &Error) -> usize {
    let mut n = format!("{error}").len() + format!("{error:?}").len();
    if let Error::Api(e) = error {
        n = n.wrapping_add(e.retry_after.map_or(0, |d| d.subsec_nanos() as usize));
    }
    n
}

type Target = Box<dyn Fn(&RawResponse) -> usize>;

/// `D`'s decode and error decode.
fn decoder<D: Decode<cloudflare_ssl::ApiMessage>>() -> Target
where
    D::Output: std::fmt::Debug,
{
    Box::new(|raw| {
        let n = match D::decode(raw) {
            Ok((value, messages)) => format!("{value:?}").len().wrapping_add(messages.len()),
            Err(e) => show(&e),
        };
        n.wrapping_add(show(&D::decode_error(raw)))
    })
}

/// `D`'s decoders, and a decoded value written back as JSON.
fn model_decoder<D: Decode<cloudflare_ssl::ApiMessage>>() -> Target
where
    D::Output: std::fmt::Debug + serde::Serialize,
{
    Box::new(|raw| {
        let n = match D::decode(raw) {
            Ok((value, _)) => serde_json::to_vec(&value).map_or(0, |v| v.len()),
            Err(e) => show(&e),
        };
        n.wrapping_add(decoder::<D>()(raw))
    })
}

/// The decoders of an operation, whatever its (unnameable) decoder type is.
fn operation<D: Decode<cloudflare_ssl::ApiMessage>>(_: &Call<D>) -> Target
where
    D::Output: std::fmt::Debug,
{
    decoder::<D>()
}

/// A page's decoders, its page count read as the walk reads it.
fn paged<P, T, I>(_: &Call<cloudflare_ssl::rt::Paged<P, T, I>>) -> Target
where
    P: cloudflare_ssl::rt::PageScheme,
    T: serde::de::DeserializeOwned + std::fmt::Debug + Send + 'static,
    I: serde::de::DeserializeOwned + std::fmt::Debug + PageInfo<P> + Send + 'static,
{
    Box::new(|raw| {
        let n = match <cloudflare_ssl::rt::Paged<P, T, I> as Decode<cloudflare_ssl::ApiMessage>>::decode(raw) {
            Ok((page, _)) => {
                let total = page.info.as_ref().and_then(PageInfo::<P>::total_pages).unwrap_or_default();
                page.items.len().wrapping_add(total as usize).wrapping_add(page.number().map_or(0, |n| n as usize))
            }
            Err(e) => show(&e),
        };
        n.wrapping_add(decoder::<cloudflare_ssl::rt::Paged<P, T, I>>()(raw))
    })
}

fn targets() -> Vec<(&'static str, Target)> {
    let client = Client::builder()
        .from_env(false)
        .base_url("http://127.0.0.1:9/client/v4")
        .api_token("tok")
        .build()
        .expect("a client");
    let zone = "023e105f4ecef8ad9ca31a8372d0c353";
    let store = Default::default();
    vec![
        ("get_certificate_pack", operation(&client.get_certificate_pack(zone, zone, &Default::default()))),
        ("list_custom_trust_store", paged(&client.list_custom_trust_store(zone, &store))),
        ("Json<CertificatePack>", model_decoder::<Json<CertificatePack>>()),
        ("Json<CertificatePackResponseSingle>", model_decoder::<Json<CertificatePackResponseSingle>>()),
        ("Json<CustomTrustStoreResponseCollection>", model_decoder::<Json<CustomTrustStoreResponseCollection>>()),
        ("Json<ResultInfo>", model_decoder::<Json<ResultInfo>>()),
        ("Json<ApiResponseCommonFailure>", model_decoder::<Json<ApiResponseCommonFailure>>()),
        ("Json<Value>", model_decoder::<Json<Value>>()),
        ("Enveloped<Vec<CustomTrustStore>>", model_decoder::<Enveloped<Env, Vec<CustomTrustStore>>>()),
        ("Enveloped<Option<ResultInfo>>", model_decoder::<Enveloped<Env, Option<ResultInfo>>>()),
        ("AllowEmpty<Json<Option<CertificatePack>>>", model_decoder::<AllowEmpty<Json<Option<CertificatePack>>>>()),
        (
            "AllowEmpty<Enveloped<Option<CertificatePack>>>",
            model_decoder::<AllowEmpty<Enveloped<Env, Option<CertificatePack>>>>(),
        ),
        ("Text", decoder::<Text>()),
        ("Bytes", decoder::<Bytes>()),
        ("Empty", decoder::<Empty>()),
        (
            "api_error and whole",
            Box::new(|raw: &RawResponse| {
                let from_body = f64::from_bits(raw.body.iter().fold(0u64, |h, b| h.rotate_left(5) ^ u64::from(*b)));
                let whole = cloudflare_ssl::rt::whole(from_body).unwrap_or_default() as usize;
                whole.wrapping_add(show(&raw.api_error(Vec::new(), Vec::new())))
            }),
        ),
    ]
}

/// Runs inputs `range` of batch `seed`; returns the number of findings.
fn batch(seed: u64, range: std::ops::Range<u64>) -> usize {
    // A panic is reported on stdout as a finding, with where it happened; the default hook's
    // message and backtrace on stderr would only repeat it.
    std::panic::set_hook(Box::new(|info| {
        // The innermost frame in the client's or the runtime's code, when the panic came from a library under it.
        let trace = std::backtrace::Backtrace::force_capture().to_string();
        let ours = trace.lines().map(str::trim).find(|l| {
            l.starts_with("at ")
                && ["generated/src/", "runtime/src/", "runtime-model/src/"].iter().any(|p| l.contains(p))
        });
        let at = match (ours, info.location()) {
            (Some(frame), Some(l)) => format!("{} (in {}:{})", frame.trim_start_matches("at "), l.file(), l.line()),
            (None, Some(l)) => format!("{}:{}", l.file(), l.line()),
            _ => String::new(),
        };
        if let Ok(mut slot) = PANICKED_AT.lock() {
            *slot = at;
        }
    }));
    let examples = examples();
    let targets = targets();
    let (mut findings, mut worst) = (0, (0.0f64, String::new()));
    let count = range.end - range.start;
    for i in range {
        let input = input(&examples, seed, i);
        println!("start {i} {}", input.label);
        let response = raw(&input);
        for (name, target) in &targets {
            let base = LIVE.load(Ordering::Relaxed);
            PEAK.store(base, Ordering::Relaxed);
            let started = std::time::Instant::now();
            let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| target(&response)));
            if std::env::var_os("FUZZ_TIMES").is_some() {
                eprintln!("time {i} {name} {:?}", started.elapsed());
            }
            let used = PEAK.load(Ordering::Relaxed).saturating_sub(base);
            if let Err(panic) = outcome {
                let message = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                let at = PANICKED_AT.lock().map(|at| at.clone()).unwrap_or_default();
                println!("finding {i} panic in {name} at {at}: {}", message.replace('\n', " "));
                findings += 1;
                continue;
            }
            let ratio = used as f64 / input.body.len().max(1) as f64;
            if ratio > worst.0 && input.body.len() > 1000 {
                worst = (ratio, format!("{name} on input {i} ({used} bytes for {})", input.body.len()));
            }
            if used > MEMORY_FACTOR * input.body.len() + MEMORY_SLACK {
                println!("finding {i} memory in {name}: {used} bytes at peak for a body of {}", input.body.len());
                findings += 1;
            }
        }
    }
    println!("done {count} {:.1} {}", worst.0, worst.1);
    findings
}

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let number = |s: &str| s.parse::<u64>().ok();
    match args[..] {
        ["batch" | "one", seed, n] => {
            let (Some(seed), Some(n)) = (number(seed), number(n)) else { return 1.into() };
            let range = if args[0] == "one" { n..n + 1 } else { 0..n };
            let worker = std::thread::Builder::new().stack_size(STACK).spawn(move || batch(seed, range));
            match worker.map(|w| w.join()) {
                Ok(Ok(0)) => 0.into(),
                Ok(Ok(_)) => 2.into(),
                _ => 3.into(),
            }
        }
        ["dump", seed, i, path] => {
            let (Some(seed), Some(i)) = (number(seed), number(i)) else { return 1.into() };
            let input = input(&examples(), seed, i);
            let mut out = format!("{}\nHTTP {}\n", input.label, input.status).into_bytes();
            for (name, value) in &input.headers {
                out.extend_from_slice(name.as_bytes());
                out.extend_from_slice(b": ");
                out.extend_from_slice(value);
                out.push(b'\n');
            }
            out.push(b'\n');
            out.extend_from_slice(&input.body);
            match std::fs::write(path, out) {
                Ok(()) => 0.into(),
                Err(e) => {
                    eprintln!("error: {e}");
                    1.into()
                }
            }
        }
        _ => {
            eprintln!("usage: fuzz_runtime batch SEED COUNT | one SEED I | dump SEED I PATH");
            1.into()
        }
    }
}
