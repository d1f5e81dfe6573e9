//! The request side of the runtime under hostile values: what reaches a server is exactly the
//! parameters given, or the call fails before sending with `Error::InvalidArgument` naming the
//! parameter.
//!
//! The server is a raw TCP listener of our own on 127.0.0.1 that records each request head
//! byte for byte (request line and header block) and answers `204`: no HTTP library reads the
//! request for us, so nothing is normalised on the way. Requests are built as emitted code
//! builds them (`rt::Request` and its encoders) and sent through `Client::call`.
//!
//! - path parameters, in every style and explode, never make a segment a server reads as empty,
//!   `.` or `..` (decoding it, `/` and `\` as separators);
//! - names taken from the caller's objects (exploded query and cookie objects, `deepObject`
//!   keys) are well-formed and never repeat a credential or another parameter;
//! - numbers that are not finite, header values HTTP cannot carry, and values too long for a
//!   URL or header are refused, with short errors;
//! - a seeded property test over every encoder: arbitrary strings, arrays and objects with
//!   arbitrary keys, parsed back from the raw head.

use cloudflare_ssl::rt::{Empty, Method, Request, Style};
use cloudflare_ssl::{ApiSpec, AuthKind, AuthScheme, Client, ClientBuilder, Error, MAX_HEADER_LENGTH, MAX_URL_LENGTH};
use serde_json::{json, Map, Value};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// An API with an API key in the query and a session cookie, both sent on every call.
static SPEC: ApiSpec = ApiSpec {
    default_base_url: "http://127.0.0.1:9",
    base_url_env: None,
    schemes: &[
        AuthScheme { name: "query_key", kind: AuthKind::Query("api_key"), env: None },
        AuthScheme { name: "session", kind: AuthKind::Cookie("SESSION"), env: None },
    ],
    alternatives: &[&[0, 1]],
    combinations: &[&[0, 1]],
};

const QUERY_SECRET: &str = "qk-SECRET+/=";
const COOKIE_SECRET: &str = "sess-SECRET";

/// A loopback server that records every request head as received and answers `204`.
struct RawServer {
    base: String,
    heads: Arc<Mutex<Vec<Vec<u8>>>>,
}

impl RawServer {
    async fn start() -> RawServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let heads = Arc::new(Mutex::new(Vec::new()));
        let seen = heads.clone();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let seen = seen.clone();
                tokio::spawn(async move {
                    // Keep-alive: heads one after another on one connection (no bodies are sent).
                    let mut pending = Vec::new();
                    let mut buf = [0u8; 4096];
                    loop {
                        // Bounded: a head ends with an empty line, and is never over 256 KiB.
                        let end = loop {
                            if let Some(i) = pending.windows(4).position(|w| w == b"\r\n\r\n") {
                                break i + 4;
                            }
                            if pending.len() > 256 * 1024 {
                                return;
                            }
                            match socket.read(&mut buf).await {
                                Ok(0) | Err(_) => return,
                                Ok(n) => pending.extend_from_slice(&buf[..n]),
                            }
                        };
                        let head: Vec<u8> = pending.drain(..end).collect();
                        seen.lock().unwrap().push(head);
                        let answer = b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n";
                        if socket.write_all(answer).await.is_err() {
                            return;
                        }
                    }
                });
            }
        });
        RawServer { base, heads }
    }

    fn count(&self) -> usize {
        self.heads.lock().unwrap().len()
    }

    fn last(&self) -> Vec<u8> {
        self.heads.lock().unwrap().last().cloned().unwrap()
    }
}

fn client(server: &RawServer) -> Client {
    ClientBuilder::new(&SPEC)
        .from_env(false)
        .base_url(&server.base)
        .credential("query_key", QUERY_SECRET)
        .credential("session", COOKIE_SECRET)
        .max_retries(0)
        .build()
        .unwrap()
}

/// Sends `r`; `Ok(head)` with the head the server received, or the error (after checking that
/// nothing was sent and that the error is short and names a parameter).
async fn send(server: &RawServer, client: &Client, r: Request) -> Result<Head, String> {
    let before = server.count();
    match client.call::<Empty>(r).send().await {
        Ok(_) => {
            assert_eq!(server.count(), before + 1, "one request per call");
            Ok(Head::parse(&server.last()))
        }
        Err(Error::InvalidArgument { name, reason }) => {
            assert_eq!(server.count(), before, "a refused call sends nothing ({name}: {reason})");
            let shown = Error::InvalidArgument { name: name.clone(), reason: reason.clone() }.to_string();
            assert!(shown.len() < 2600, "errors stay short: {} bytes", shown.len());
            assert!(!shown.contains("SECRET"), "{shown}");
            Err(name)
        }
        Err(other) => panic!("expected success or an invalid argument, got {other}"),
    }
}

/// A request head, split.
#[derive(Debug)]
struct Head {
    method: String,
    path: String,
    query: Option<String>,
    headers: Vec<(String, String)>,
}

impl Head {
    fn parse(raw: &[u8]) -> Head {
        // Only ASCII goes in a head: no raw non-ASCII byte, no bare CR or LF, no control.
        let text = std::str::from_utf8(raw).unwrap();
        let text = text.strip_suffix("\r\n\r\n").unwrap();
        for line in text.split("\r\n") {
            assert!(line.bytes().all(|b| (0x20..0x7F).contains(&b) || b == b'\t'), "bad byte in head line {line:?}");
        }
        let mut lines = text.split("\r\n");
        let request_line = lines.next().unwrap();
        let mut parts = request_line.split(' ');
        let (method, target, version) = (parts.next().unwrap(), parts.next().unwrap(), parts.next().unwrap());
        assert_eq!(parts.next(), None, "three parts in {request_line:?}");
        assert_eq!(version, "HTTP/1.1");
        assert!(!target.contains('#'), "no fragment: {target}");
        let (path, query) = match target.split_once('?') {
            Some((p, q)) => (p.to_string(), Some(q.to_string())),
            None => (target.to_string(), None),
        };
        let headers = lines
            .map(|l| {
                let (n, v) = l.split_once(':').unwrap();
                (n.to_ascii_lowercase(), v.trim_matches([' ', '\t']).to_string())
            })
            .collect();
        Head { method: method.to_string(), path, query, headers }
    }

    fn header(&self, name: &str) -> Option<&str> {
        let mut found = self.headers.iter().filter(|(n, _)| n == name);
        let first = found.next().map(|(_, v)| v.as_str());
        assert!(found.next().is_none(), "header `{name}` sent twice");
        first
    }

    /// The query's pairs, raw (still encoded).
    fn query_pairs(&self) -> Vec<(String, String)> {
        let Some(q) = &self.query else { return Vec::new() };
        q.split('&')
            .map(|p| {
                let (n, v) = p.split_once('=').unwrap_or((p, ""));
                (n.to_string(), v.to_string())
            })
            .collect()
    }

    /// The cookies, raw (still encoded).
    fn cookies(&self) -> Vec<(String, String)> {
        let Some(c) = self.header("cookie") else { return Vec::new() };
        c.split("; ")
            .map(|p| {
                let (n, v) = p.split_once('=').unwrap();
                (n.to_string(), v.to_string())
            })
            .collect()
    }
}

/// Percent-decoding, as servers do (`+` as space in `form` text). Every `%` must start an
/// escape: the runtime encodes a `%` of a value.
fn decode(text: &str, plus_is_space: bool) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'%' => {
                let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
                let byte = hex.and_then(|h| u8::from_str_radix(h, 16).ok());
                out.push(byte.unwrap_or_else(|| panic!("bad escape in {text:?}")));
                i += 3;
            }
            b'+' if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap()
}

/// The path a server routes after decoding (up to three times, as a lenient server or a chain
/// of proxies may) and resolving dot segments, `/` and `\` both separators, empty steps merged.
fn routed(path: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut text = path.to_string();
    for _ in 0..3 {
        let mut stack: Vec<String> = Vec::new();
        for step in text.split(['/', '\\']) {
            match step {
                "" | "." => {}
                ".." => {
                    stack.pop();
                }
                s => stack.push(s.to_string()),
            }
        }
        out.push(stack);
        // One more decoding; escapes that are not hex stay as they are.
        let bytes = text.as_bytes();
        let mut next = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            let hex = bytes.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok());
            match (bytes[i], hex) {
                (b'%', Some(b)) => {
                    next.push(b);
                    i += 3;
                }
                (b, _) => {
                    next.push(b);
                    i += 1;
                }
            }
        }
        text = String::from_utf8_lossy(&next).into_owned();
    }
    out
}

/// Values that, alone or side by side, make or hide dot segments.
const DOTTY: [&str; 22] = [
    "",
    ".",
    "..",
    "...",
    "%2e",
    "%2E%2e",
    "%252e%252e",
    "./",
    "/..",
    "../x",
    "a/..",
    "\\..",
    "..\\",
    "a",
    ".a",
    "a.",
    "/",
    ",",
    ";",
    "=",
    "%",
    "%2f..",
];

/// `DELETE /things/{ids}` (and `/things/{ids}/sub`) with every style, explode and value built
/// from [`DOTTY`]: what reaches the server routes under `/things/<one step>`, or the call is
/// refused naming `ids`.
#[tokio::test]
async fn no_path_rendering_escapes_its_segment() {
    let server = RawServer::start().await;
    let client = client(&server);
    let mut values: Vec<Value> = Vec::new();
    for a in DOTTY {
        values.push(json!(a));
        values.push(json!([a]));
        values.push(json!({ "k": a }));
        values.push(json!({ a: "v" }));
        for b in DOTTY {
            values.push(json!([a, b]));
            values.push(json!({ a: b }));
        }
    }
    values.push(json!([]));
    values.push(json!({}));
    let (mut sent, mut refused) = (0, 0);
    for value in &values {
        for style in [Style::Simple, Style::Label, Style::Matrix] {
            for explode in [false, true] {
                for suffix in ["", "/sub"] {
                    let mut r = Request::new(Method::DELETE, true);
                    r.literal("/things/");
                    if let (Style::Simple, Some(s)) = (style, value.as_str()) {
                        r.path_param("ids", s);
                    } else {
                        r.path_structured("ids", value, style, explode);
                    }
                    r.literal(suffix);
                    match send(&server, &client, r).await {
                        Ok(head) => {
                            sent += 1;
                            assert_eq!(head.method, "DELETE");
                            let raw_steps: Vec<&str> = head.path.split('/').collect();
                            assert_eq!(raw_steps.len(), if suffix.is_empty() { 3 } else { 4 }, "{}", head.path);
                            for (level, steps) in routed(&head.path).iter().enumerate() {
                                assert_eq!(
                                    steps.first().map(String::as_str),
                                    Some("things"),
                                    "{} at {level}",
                                    head.path
                                );
                                assert!(steps.len() >= raw_steps.len() - 1, "{} collapses at {level}", head.path);
                                if !suffix.is_empty() {
                                    assert_eq!(steps.last().map(String::as_str), Some("sub"), "{}", head.path);
                                }
                            }
                        }
                        Err(name) => {
                            refused += 1;
                            assert_eq!(name, "ids");
                        }
                    }
                }
            }
        }
    }
    // Both outcomes are exercised: the test is not vacuous.
    assert!(sent > 1000 && refused > 300, "sent {sent}, refused {refused}");
}

/// The case from the issue, in each style: an array holding `..` (or what decodes to it)
/// aimed at `/things/{ids}` must not reach `/`.
#[tokio::test]
async fn a_delete_never_reaches_the_parent_resource() {
    let server = RawServer::start().await;
    let client = client(&server);
    let cases = [
        (json!([".."]), Style::Simple, false),
        (json!(["", ""]), Style::Label, true),
        (json!(["."]), Style::Label, false),
        (json!([""]), Style::Label, false),
        (json!({"": "."}), Style::Label, true),
        (json!(["%2e%2e"]), Style::Simple, false),
        (json!(["../.."]), Style::Simple, true),
        (json!([]), Style::Label, false),
        (json!("."), Style::Label, false),
    ];
    for (value, style, explode) in cases {
        let mut r = Request::new(Method::DELETE, true);
        r.literal("/things/");
        r.path_structured("ids", &value, style, explode);
        match send(&server, &client, r).await {
            Err(name) => assert_eq!(name, "ids"),
            Ok(head) => {
                for steps in routed(&head.path) {
                    assert!(steps.len() == 2 && steps[0] == "things", "{value} as {style:?}: {}", head.path)
                }
            }
        }
    }
    // Two parameters side by side in one segment: each is fine alone, together they are `..`.
    let mut r = Request::new(Method::DELETE, true);
    r.literal("/things/");
    r.path_param("a", ".");
    r.path_param("b", ".");
    assert_eq!(send(&server, &client, r).await.unwrap_err(), "a");
}

/// Keys of the caller's objects that would add a cookie, repeat a credential or another
/// parameter are refused, naming the parameter they came from; well-formed ones go through.
#[tokio::test]
async fn names_from_the_callers_objects_cannot_add_or_shadow_parameters() {
    let server = RawServer::start().await;
    let client = client(&server);
    // Cookies: names must be RFC 6265 tokens; never a credential's or another parameter's.
    for key in ["k; x=1", "k=v", "a b", "", "é", "k,x", "\"k\"", "k\r\nx-evil: 1", "SESSION", "session", "other"] {
        let mut r = Request::new(Method::GET, true);
        r.literal("/c");
        r.cookie("other", "1");
        r.cookie_structured("prefs", &json!({ key: "v" }), true);
        assert_eq!(send(&server, &client, r).await.unwrap_err(), "prefs", "{key:?}");
    }
    // Query: any text can be a name (it is encoded), but not a credential's (in any case)
    // nor another parameter's, declared before or after, given or not.
    for key in ["api_key", "API_KEY", "Api_Key", "page", "per_page", "shared", ""] {
        let mut r = Request::new(Method::GET, true);
        r.literal("/q");
        r.query("page", 1);
        r.query_structured("filter", &json!({ key: "v" }), Style::Form, true);
        r.query_structured("more", &json!({"shared": "x"}), Style::Form, true);
        r.query_array("per_page", &[] as &[i32], true);
        assert_eq!(send(&server, &client, r).await.unwrap_err(), "filter", "{key:?}");
    }
    // deepObject keys: no brackets (they would read as another structure), not empty.
    for key in ["a]", "[x", "a][b", ""] {
        let mut r = Request::new(Method::GET, true);
        r.literal("/q");
        r.query_structured("f", &json!({ key: "v" }), Style::DeepObject, true);
        assert_eq!(send(&server, &client, r).await.unwrap_err(), "f", "{key:?}");
    }
    // An empty object has no deepObject pair: the server would read it as absent.
    for value in [json!({}), json!({"address": {}}), json!({"a": {"b": {}}, "c": "1"}), json!([{}])] {
        let mut r = Request::new(Method::GET, true);
        r.literal("/q");
        r.query_structured("f", &value, Style::DeepObject, true);
        assert_eq!(send(&server, &client, r).await.unwrap_err(), "f", "{value}");
    }
    // The same in a form body whose `encoding` makes a property a deepObject (Stripe's
    // `shipping[address]`); a property that is set stays accepted beside it.
    let mut r = Request::new(Method::POST, true);
    r.literal("/f");
    r.form_styled(&json!({"name": "n", "shipping": {"address": {}}}), &[("shipping", Style::DeepObject, true)]);
    assert_eq!(send(&server, &client, r).await.unwrap_err(), "shipping");
    let mut r = Request::new(Method::POST, true);
    r.literal("/f");
    r.form_styled(&json!({"shipping": {"address": {"city": "x"}}}), &[("shipping", Style::DeepObject, true)]);
    send(&server, &client, r).await.expect("a deepObject form property with a value is sent");
    // A declared name that itself holds brackets is not repeated through a deepObject.
    let mut r = Request::new(Method::GET, true);
    r.literal("/q");
    r.query("filter[status]", "on");
    r.query_structured("filter", &json!({"status": "off"}), Style::DeepObject, true);
    assert_eq!(send(&server, &client, r).await.unwrap_err(), "filter");
    // Pagination's own `page` is not replaced behind the caller's back either.
    let mut r = Request::new(Method::GET, true);
    r.literal("/q");
    r.query_structured("filter", &json!({"page": "7"}), Style::Form, true);
    r.set_query("page", 2);
    assert_eq!(send(&server, &client, r).await.unwrap_err(), "filter");

    // What is allowed arrives exactly, credentials once each.
    let mut r = Request::new(Method::GET, true);
    r.literal("/ok");
    r.query_structured("filter", &json!({"a&b=c": "x&y=z", "é ü": "1"}), Style::Form, true);
    r.cookie_structured("prefs", &json!({"theme": "dark; x=1", "lang": "a,b"}), true);
    let head = send(&server, &client, r).await.unwrap();
    let query: Vec<(String, String)> =
        head.query_pairs().iter().map(|(n, v)| (decode(n, true), decode(v, true))).collect();
    let expected = [("a&b=c", "x&y=z"), ("é ü", "1"), ("api_key", QUERY_SECRET)];
    assert_eq!(query, expected.map(|(a, b)| (a.to_string(), b.to_string())));
    let cookies: Vec<(String, String)> = head.cookies().into_iter().map(|(n, v)| (n, decode(&v, false))).collect();
    let expected = [("SESSION", COOKIE_SECRET), ("theme", "dark; x=1"), ("lang", "a,b")];
    assert_eq!(cookies, expected.map(|(a, b)| (a.to_string(), b.to_string())));
}

/// `NaN` and infinities are refused wherever they are, naming the parameter.
#[tokio::test]
async fn numbers_that_are_not_finite_are_refused_everywhere() {
    let server = RawServer::start().await;
    let client = client(&server);
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        type Build = Box<dyn Fn(&mut Request, f64)>;
        let builds: Vec<Build> = vec![
            Box::new(|r, x| r.query("n", x)),
            Box::new(|r, x| r.query("n", x as f32)),
            Box::new(|r, x| r.query_array("n", &[1.0, x], false)),
            Box::new(|r, x| r.query_structured("n", &vec![x], Style::Form, true)),
            Box::new(|r, x| {
                r.query_structured("n", &std::collections::BTreeMap::from([("k", x)]), Style::DeepObject, true)
            }),
            Box::new(|r, x| r.header("n", x)),
            Box::new(|r, x| r.header_list("n", &[x])),
            Box::new(|r, x| r.header_structured("n", &(1, x), false)),
            Box::new(|r, x| r.cookie("n", x)),
            Box::new(|r, x| r.cookie_structured("n", &[x], false)),
            // As emitted code writes a number path parameter: its text first.
            Box::new(|r, x| r.path_param("n", &cloudflare_ssl::rt::ParamValue::to_param(&x))),
            Box::new(|r, x| r.path_structured("n", &x, Style::Label, false)),
            Box::new(|r, x| r.path_structured("n", &[Some(x)], Style::Simple, false)),
            Box::new(|r, x| r.query("n", cloudflare_ssl::rt::JsonParam(&[x]))),
        ];
        for (i, build) in builds.iter().enumerate() {
            let mut r = Request::new(Method::GET, true);
            r.literal("/n/");
            build(&mut r, bad);
            assert_eq!(send(&server, &client, r).await.unwrap_err(), "n", "case {i} with {bad}");
        }
    }
}

/// Header values are printable ASCII without whitespace at either end (what HTTP carries
/// exactly); anything else is refused, naming the parameter.
#[tokio::test]
async fn header_values_http_cannot_carry_are_refused() {
    let server = RawServer::start().await;
    let client = client(&server);
    for bad in ["é", "日本", "a\r\nx-evil: 1", "a\nb", "a\rb", "\u{0}", "\u{7f}", " lead", "trail ", "\ttab", "😀"]
    {
        for case in 0..3 {
            let mut r = Request::new(Method::GET, true);
            r.literal("/h");
            match case {
                0 => r.header("x-h", bad),
                1 => r.header_list("x-h", &["ok", bad]),
                _ => r.header_structured("x-h", &json!({"k": bad}), true),
            }
            assert_eq!(send(&server, &client, r).await.unwrap_err(), "x-h", "{bad:?} case {case}");
        }
    }
    // List items that hold the separator cannot be told apart.
    for value in [json!(["a,b"]), json!({"k=1": "v"}), json!({"k": "a,b"}), json!([["a", "b"]])] {
        let mut r = Request::new(Method::GET, true);
        r.literal("/h");
        r.header_structured("x-h", &value, true);
        assert_eq!(send(&server, &client, r).await.unwrap_err(), "x-h", "{value}");
    }
    let mut r = Request::new(Method::GET, true);
    r.literal("/h");
    r.header("x-h", "a, b; c=\"d\" (e) ~!");
    let head = send(&server, &client, r).await.unwrap();
    assert_eq!(head.header("x-h"), Some("a, b; c=\"d\" (e) ~!"));
}

/// Values too long for a URL or a header are refused before sending, naming the parameter,
/// with an error that does not carry them; the limits themselves are sendable.
#[tokio::test]
async fn values_too_long_are_refused_with_short_errors() {
    let server = RawServer::start().await;
    let client = client(&server);
    let huge = "x".repeat(100_000);
    type Build<'a> = Box<dyn Fn(&mut Request) + 'a>;
    let cases: Vec<Build> = vec![
        Box::new(|r| r.path_param("big", &huge)),
        Box::new(|r| r.path_structured("big", &[&huge], Style::Simple, false)),
        Box::new(|r| r.query("big", &*huge)),
        Box::new(|r| r.query_structured("big", &json!({ "k": huge }), Style::Form, true)),
        Box::new(|r| r.query_structured("big", &json!({ huge.clone(): "v" }), Style::Form, true)),
        Box::new(|r| r.header("big", &*huge)),
        Box::new(|r| r.cookie("big", &*huge)),
        Box::new(|r| r.cookie_structured("big", &json!({ huge.clone(): "v" }), true)),
        // Each small enough, together too long.
        Box::new(|r| {
            r.query("small", "y".repeat(3000));
            r.query("big", "z".repeat(6000));
        }),
        Box::new(|r| {
            r.cookie("small", "y".repeat(3000));
            r.cookie("big", "z".repeat(6000));
        }),
        // Every byte encodes to three: short in text, long on the wire.
        Box::new(|r| r.query("big", "é".repeat(2000))),
    ];
    for (i, build) in cases.iter().enumerate() {
        let mut r = Request::new(Method::GET, true);
        r.literal("/l/");
        build(&mut r);
        let name = send(&server, &client, r).await.unwrap_err();
        assert_eq!(name, "big", "case {i}");
    }
    // At the limits, calls go through.
    let mut r = Request::new(Method::GET, true);
    r.literal("/l/");
    let room = MAX_URL_LENGTH - format!("{}/l/?q=&api_key=qk-SECRET%2B%2F%3D", server.base).len();
    r.query("q", "q".repeat(room));
    let head = send(&server, &client, r).await.unwrap();
    assert_eq!(head.path.len() + 1 + head.query.unwrap().len() + server.base.len(), MAX_URL_LENGTH);
    let mut r = Request::new(Method::GET, true);
    r.literal("/l/");
    r.header("x-h", "h".repeat(MAX_HEADER_LENGTH));
    assert_eq!(send(&server, &client, r).await.unwrap().header("x-h").map(str::len), Some(MAX_HEADER_LENGTH));
}

/// Credentials a header or cookie cannot carry exactly fail at build, naming the scheme and
/// never showing the value.
#[test]
fn malformed_credentials_fail_at_build_without_showing_them() {
    static HEADERS: ApiSpec = ApiSpec {
        default_base_url: "http://127.0.0.1:9",
        base_url_env: None,
        schemes: &[
            AuthScheme { name: "key", kind: AuthKind::Header("x-key"), env: None },
            AuthScheme { name: "token", kind: AuthKind::Bearer, env: None },
            AuthScheme { name: "session", kind: AuthKind::Cookie("SESSION"), env: None },
        ],
        alternatives: &[&[0], &[1], &[2]],
        combinations: &[&[0], &[1], &[2]],
    };
    let long = "S".repeat(MAX_HEADER_LENGTH + 1);
    let header_bad = ["SECRETé", "SECRET\r\nx: 1", "SECRET\n", "SECRET\u{0}", " SECRET", "SECRET ", "", &long];
    let cookie_bad = ["SECRET;x=1", "SECRET,x", "SE CRET", "SECRET\"", "SECRET\\", "SECRETé", "SECRET\r\n"];
    let cases = (header_bad.iter().flat_map(|v| [("key", *v), ("token", *v), ("session", *v)]))
        .chain(cookie_bad.iter().map(|v| ("session", *v)));
    let mut checked = 0;
    for (scheme, value) in cases {
        let err = ClientBuilder::new(&HEADERS).from_env(false).credential(scheme, value).build().unwrap_err();
        let shown = format!("{err} {err:?}");
        assert!(matches!(err, Error::Config(_)), "{scheme}: {shown}");
        assert!(shown.contains(&format!("`{scheme}`")), "names the scheme: {shown}");
        assert!(!shown.contains("SECRET") && !shown.contains("SSSS"), "never the value: {shown}");
        checked += 1;
    }
    assert_eq!(checked, header_bad.len() * 3 + cookie_bad.len());
    // Well-formed ones build.
    for (scheme, value) in
        [("key", "a-b_c.d~e+f/g=h"), ("token", "t0k3n"), ("session", "abc-._~!#$%&'()*+/:<=>?@[]^`{|}")]
    {
        ClientBuilder::new(&HEADERS).from_env(false).credential(scheme, value).build().unwrap();
    }
}

// The property test.
//
// A seeded generator (xorshift; no dependency), a fixed number of cases: each case is one
// request with a path parameter, two query parameters, a header and a cookie parameter, in a
// random style and explode, with random values (strings from a hostile alphabet, arrays, objects
// with hostile keys). Either the call is refused before sending (`InvalidArgument`, nothing
// sent), or the head the server received parses back, by the style's own rules, to exactly
// those parameters and the two credentials, and nothing more.

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn string(&mut self) -> String {
        const PIECES: [&str; 36] = [
            "a", "Z", "0", "-", "_", "~", " ", "/", "?", "#", "&", "=", ";", ",", "%", "%2e", "%2F", ".", "..", "\r",
            "\n", "é", "日", "😀", "+", "|", "[", "]", "\"", "\\", "\t", "\u{0}", "*", "'", "(", "api_key",
        ];
        match self.below(12) {
            0 => String::new(),
            1 => ".".into(),
            2 => "..".into(),
            _ => (0..self.below(6)).map(|_| *self.pick(&PIECES)).collect(),
        }
    }

    fn key(&mut self) -> String {
        const KEYS: [&str; 12] =
            ["a", "b", "api_key", "API_KEY", "SESSION", "q0", "h", "c", "k; x=1", "", "id[0]", "x y"];
        if self.below(2) == 0 {
            self.pick(&KEYS).to_string()
        } else {
            self.string()
        }
    }

    /// A value: a string, an array of strings, or an object of strings.
    fn value(&mut self) -> Value {
        match self.below(3) {
            0 => Value::String(self.string()),
            1 => Value::Array((0..self.below(4)).map(|_| Value::String(self.string())).collect()),
            _ => Value::Object(
                (0..self.below(4)).map(|_| (self.key(), Value::String(self.string()))).collect::<Map<_, _>>(),
            ),
        }
    }
}

fn strings(value: &Value) -> Vec<String> {
    match value {
        Value::Array(items) => items.iter().map(|v| v.as_str().unwrap().to_string()).collect(),
        Value::Object(map) => map.iter().flat_map(|(k, v)| [k.clone(), v.as_str().unwrap().to_string()]).collect(),
        Value::String(s) => vec![s.clone()],
        other => panic!("{other}"),
    }
}

/// Splits raw text on a separator written as is, then decodes each item.
fn items(raw: &str, sep: &str, plus_is_space: bool) -> Vec<String> {
    raw.split(sep).map(|i| decode(i, plus_is_space)).collect()
}

/// An empty list and a list of one empty string are written alike (`name=`): they compare equal.
fn same_items(got: &[String], want: &[String]) -> bool {
    got == want || (want.is_empty() && got == [""])
}

/// The path segment a style wrote, read back into (key, value) pairs or values.
fn read_path(raw: &str, name: &str, value: &Value, style: Style, explode: bool) -> Vec<String> {
    let keyed = value.is_object();
    let split_pairs = |parts: Vec<&str>, eq: bool| -> Vec<String> {
        if eq {
            parts
                .into_iter()
                .flat_map(|p| {
                    let (k, v) = p.split_once('=').unwrap();
                    [decode(k, false), decode(v, false)]
                })
                .collect()
        } else {
            parts.into_iter().map(|p| decode(p, false)).collect()
        }
    };
    match style {
        Style::Simple => match (value, explode) {
            (Value::String(_), _) => vec![decode(raw, false)],
            (_, true) if keyed => split_pairs(raw.split(',').collect(), true),
            _ => split_pairs(raw.split(',').collect(), false),
        },
        Style::Label => {
            let rest = raw.strip_prefix('.').unwrap();
            match (value, explode) {
                (Value::String(_), _) => vec![decode(rest, false)],
                (_, true) if keyed => split_pairs(rest.split('.').collect(), true),
                (_, true) => split_pairs(rest.split('.').collect(), false),
                _ => split_pairs(rest.split(',').collect(), false),
            }
        }
        _ => {
            let rest = raw.strip_prefix(';').unwrap();
            match (value, explode) {
                (Value::Array(_), true) => rest
                    .split(';')
                    .map(|p| {
                        let (k, v) = p.split_once('=').unwrap();
                        assert_eq!(decode(k, false), name);
                        decode(v, false)
                    })
                    .collect(),
                (Value::Object(_), true) => split_pairs(rest.split(';').collect(), true),
                _ => {
                    let (k, v) = rest.split_once('=').unwrap();
                    assert_eq!(decode(k, false), name);
                    if value.is_string() || value.as_array().is_some_and(|a| a.len() == 1) {
                        vec![decode(v, false)]
                    } else {
                        split_pairs(v.split(',').collect(), false)
                    }
                }
            }
        }
    }
}

/// What one query parameter should put on the wire: (name, items, separator as written).
fn expected_query(name: &str, value: &Value, style: Style, explode: bool) -> Vec<(String, Vec<String>, &'static str)> {
    let sep = match style {
        Style::SpaceDelimited => "%20",
        Style::PipeDelimited => "|",
        _ => ",",
    };
    match (value, style, explode) {
        (Value::String(s), _, _) => vec![(name.to_string(), vec![s.clone()], sep)],
        (Value::Object(map), Style::DeepObject, _) => {
            map.iter().map(|(k, v)| (format!("{name}[{k}]"), strings(v), sep)).collect()
        }
        (Value::Array(items), Style::DeepObject, _) => {
            items.iter().enumerate().map(|(i, v)| (format!("{name}[{i}]"), strings(v), sep)).collect()
        }
        (Value::Array(items), Style::Form, true) => items.iter().map(|v| (name.to_string(), strings(v), sep)).collect(),
        (Value::Object(map), Style::Form, true) => map.iter().map(|(k, v)| (k.clone(), strings(v), sep)).collect(),
        (other, _, _) => vec![(name.to_string(), strings(other), sep)],
    }
}

#[tokio::test]
async fn property_every_encoder_round_trips_or_refuses() {
    let server = RawServer::start().await;
    let client = client(&server);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let (mut sent, mut refused) = (0, 0);
    const CASES: usize = 600;
    for case in 0..CASES {
        let path_value = rng.value();
        let path_style = *rng.pick(&[Style::Simple, Style::Label, Style::Matrix]);
        let path_explode = rng.below(2) == 0;
        let queries: Vec<(String, Value, Style, bool)> = ["q0", "q1"]
            .iter()
            .map(|name| {
                let value = rng.value();
                let style = if value.is_array() {
                    *rng.pick(&[Style::Form, Style::SpaceDelimited, Style::PipeDelimited, Style::DeepObject])
                } else {
                    *rng.pick(&[Style::Form, Style::DeepObject])
                };
                let explode = match style {
                    Style::SpaceDelimited | Style::PipeDelimited => false,
                    Style::DeepObject => true,
                    _ => rng.below(2) == 0,
                };
                (name.to_string(), value, style, explode)
            })
            .collect();
        let header_value = rng.value();
        let header_explode = rng.below(2) == 0;
        let cookie_value = rng.value();
        let cookie_explode = rng.below(2) == 0;

        let mut r = Request::new(Method::POST, true);
        r.literal("/p/");
        r.path_structured("ids", &path_value, path_style, path_explode);
        r.literal("/x");
        for (name, value, style, explode) in &queries {
            r.query_structured(name, value, *style, *explode);
        }
        r.header_structured("x-h", &header_value, header_explode);
        r.cookie_structured("c", &cookie_value, cookie_explode);
        let head = match send(&server, &client, r).await {
            Err(name) => {
                assert!(["ids", "q0", "q1", "x-h", "c"].contains(&name.as_str()), "case {case}: {name}");
                refused += 1;
                continue;
            }
            Ok(head) => head,
        };
        sent += 1;
        let context = format!("case {case}: {head:?}");

        // Path: `/p/<one segment>/x`, the segment reading back to the value.
        let steps: Vec<&str> = head.path.split('/').collect();
        assert_eq!(steps.len(), 4, "{context}");
        assert_eq!((steps[0], steps[1], steps[3]), ("", "p", "x"), "{context}");
        assert_eq!(
            read_path(steps[2], "ids", &path_value, path_style, path_explode),
            strings(&path_value),
            "{context}"
        );
        for routed in routed(&head.path) {
            assert!(routed.len() >= 3 && routed[0] == "p" && routed.last().unwrap() == "x", "{context}");
        }

        // Query: exactly the parameters, in order, then the credential.
        let mut want: Vec<(String, Vec<String>, &str)> = Vec::new();
        for (name, value, style, explode) in &queries {
            want.extend(expected_query(name, value, *style, *explode));
        }
        want.push(("api_key".into(), vec![QUERY_SECRET.into()], ","));
        let got = head.query_pairs();
        assert_eq!(got.len(), want.len(), "{context}");
        for ((raw_name, raw_value), (name, values, sep)) in got.iter().zip(&want) {
            assert_eq!(&decode(raw_name, true), name, "{context}");
            if values.len() == 1 {
                assert_eq!(decode(raw_value, true), values[0], "{context}");
            } else {
                assert!(same_items(&items(raw_value, sep, true), values), "{context}: {raw_value} vs {values:?}");
            }
        }

        // Header: the `simple` style, read back; no other header than the fixed ones.
        let header = head.header("x-h").unwrap();
        match &header_value {
            Value::String(s) => assert_eq!(header, s, "{context}"),
            Value::Object(map) if header_explode => {
                let read: Vec<String> = if header.is_empty() {
                    Vec::new()
                } else {
                    header
                        .split(',')
                        .flat_map(|p| p.split_once('=').map(|(k, v)| [k.to_string(), v.to_string()]).unwrap())
                        .collect()
                };
                assert_eq!(read, strings(&Value::Object(map.clone())), "{context}");
            }
            other => assert!(
                same_items(&header.split(',').map(String::from).collect::<Vec<_>>(), &strings(other)),
                "{context}"
            ),
        }
        for (name, _) in &head.headers {
            assert!(["host", "user-agent", "accept", "x-h", "cookie"].contains(&name.as_str()), "{context}: {name}");
        }

        // Cookies: the credential, then the parameter.
        let cookies = head.cookies();
        assert_eq!(cookies[0], ("SESSION".to_string(), COOKIE_SECRET.to_string()), "{context}");
        let want: Vec<(String, Vec<String>)> = match (&cookie_value, cookie_explode) {
            (Value::Array(items), true) => items.iter().map(|v| ("c".to_string(), strings(v))).collect(),
            (Value::Object(map), true) => map.iter().map(|(k, v)| (k.clone(), strings(v))).collect(),
            (other, _) => vec![("c".to_string(), strings(other))],
        };
        assert_eq!(cookies.len() - 1, want.len(), "{context}");
        for ((raw_name, raw_value), (name, values)) in cookies[1..].iter().zip(&want) {
            assert_eq!(raw_name, name, "{context}");
            if values.len() == 1 {
                assert_eq!(&decode(raw_value, false), &values[0], "{context}");
            } else {
                assert!(same_items(&items(raw_value, ",", false), values), "{context}");
            }
        }
    }
    eprintln!("property: {sent} sent, {refused} refused");
    assert_eq!(sent + refused, CASES);
    // Both outcomes happen often enough for the test to mean something.
    assert!(sent >= CASES / 10 && refused >= CASES / 10, "sent {sent}, refused {refused}");
}
