//! A recording proxy on 127.0.0.1 between the harness and Prism: it passes bytes through
//! unchanged and keeps, per call, the response exactly as Prism sent it, so that a failure can be
//! judged against the body the client really received (was it valid against its schema?).
//!
//! The harness opens one connection per call (its HTTP client keeps no idle connections) and
//! names the call in an `x-conform-op` request header, so each connection is one exchange.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// A response as Prism sent it.
#[derive(Debug, Clone, Default)]
pub struct Recorded {
    /// Status code.
    pub status: u16,
    /// The body (de-chunked).
    pub body: Vec<u8>,
    /// The request's body as sent (de-chunked; at most 64 KiB kept).
    pub request_body: Vec<u8>,
    /// The request's `Content-Type` header, as sent.
    pub request_content_type: Option<String>,
    /// The request's body as recorded is shorter than its `Content-Length` said (more than
    /// the proxy keeps, or the connection ended early): not the whole body.
    pub request_cut: bool,
    /// When the proxy put a substitute in place of Prism's answer: Prism's answer.
    pub prism: Option<Verdict>,
}

/// Prism's answer to a request whose response the proxy substituted: its verdict on the request.
#[derive(Debug, Clone, Default)]
pub struct Verdict {
    /// Status code.
    pub status: u16,
    /// The body (Prism's problem JSON when it rejected the request).
    pub body: Vec<u8>,
    /// Its `sl-violations` header (the violations, when it answered with a response the spec
    /// declares).
    pub violations: Option<String>,
}

/// The recordings by call name (the last one wins).
pub type Recordings = Arc<Mutex<HashMap<String, Recorded>>>;

/// What the proxy changes, by call name.
#[derive(Debug, Default)]
pub struct Rules {
    /// Responses to put in place of Prism's: a status and a JSON body. Used only when Prism
    /// accepted the request (a 2xx, or its 500 saying that its own response breaks the schema),
    /// so that Prism still judges every request.
    pub substitutes: HashMap<String, (u16, Vec<u8>)>,
    /// Text to add to the request's path before Prism sees it (see
    /// [`super::routed_fragment`]): a path template with a fragment is matched by Prism only in
    /// the copy of the spec where the fragment became path segments.
    pub path_suffixes: HashMap<String, String>,
    /// Calls whose substitute is sent whatever Prism answered, a rejection included (see
    /// [`super::prism::Mode::BodyReadByHarness`]); Prism's answer is kept in
    /// [`Recorded::prism`] for the judge.
    pub despite_rejection: std::collections::HashSet<String>,
}

/// [`Rules`] shared with the proxy's threads.
pub type Substitutes = Arc<Rules>;

/// A running proxy; stops accepting on drop.
pub struct Proxy {
    /// Its port on 127.0.0.1.
    pub port: u16,
    /// What it recorded.
    pub recordings: Recordings,
    stop: Arc<AtomicBool>,
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

/// Starts a proxy to `upstream` (a port on 127.0.0.1), answering calls named in
/// `substitutes` with their substitute once Prism has accepted the request.
pub fn start(upstream: u16, substitutes: Substitutes) -> Result<Proxy, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("proxy: cannot listen: {e}"))?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    let recordings: Recordings = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let (rec, halt) = (recordings.clone(), stop.clone());
    thread::spawn(move || {
        for conn in listener.incoming() {
            if halt.load(Ordering::SeqCst) {
                break;
            }
            let Ok(client) = conn else { continue };
            let (rec, subs) = (rec.clone(), substitutes.clone());
            thread::spawn(move || exchange(client, upstream, &rec, &subs));
        }
    });
    Ok(Proxy { port, recordings, stop })
}

/// Copies `from` to `to` until end of stream, keeping a copy (at most `keep` bytes).
fn pump(mut from: TcpStream, mut to: TcpStream, keep: usize) -> Vec<u8> {
    let mut kept = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    loop {
        match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                let chunk = buf.get(..n).unwrap_or_default();
                if kept.len() < keep {
                    kept.extend_from_slice(chunk);
                }
                if to.write_all(chunk).is_err() {
                    break;
                }
            }
        }
    }
    let _ = to.shutdown(Shutdown::Write);
    kept
}

/// `head` (a request's first bytes) with `suffix` added to the path of its request target,
/// before any query; unchanged if the request line cannot be read.
fn with_path_suffix(head: Vec<u8>, suffix: &str) -> Vec<u8> {
    let Some(end) = head.windows(2).position(|w| w == b"\r\n") else { return head };
    let Ok(line) = std::str::from_utf8(&head[..end]) else { return head };
    let mut words = line.splitn(3, ' ');
    let (Some(method), Some(target), Some(version)) = (words.next(), words.next(), words.next()) else { return head };
    let (path, query) = target.split_once('?').map_or((target, None), |(p, q)| (p, Some(q)));
    let mut out = format!("{method} {}{suffix}", path.trim_end_matches('/'));
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out.push(' ');
    out.push_str(version);
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(&head[end..]);
    bytes
}

/// Largest response kept per call.
const KEEP: usize = 64 * 1024 * 1024;

fn exchange(mut client: TcpStream, upstream: u16, recordings: &Recordings, substitutes: &Substitutes) {
    let Ok(mut server) = TcpStream::connect(("127.0.0.1", upstream)) else {
        let _ = client.shutdown(Shutdown::Both);
        return;
    };
    for s in [&client, &server] {
        let _ = s.set_read_timeout(Some(Duration::from_secs(600)));
    }
    // The request's head names the call, and so whether its response is substituted.
    let head = read_until(&mut client, |b| split_head(b).is_some());
    let name = header(&head, "x-conform-op");
    let head = match name.as_ref().and_then(|n| substitutes.path_suffixes.get(n)) {
        Some(suffix) => with_path_suffix(head, suffix),
        None => head,
    };
    if server.write_all(&head).is_err() {
        return;
    }
    let substitute = name.as_ref().and_then(|n| substitutes.substitutes.get(n)).cloned();
    let despite_rejection = name.as_ref().is_some_and(|n| substitutes.despite_rejection.contains(n));
    let (Ok(client2), Ok(server2)) = (client.try_clone(), server.try_clone()) else { return };
    let request = thread::spawn(move || {
        let mut kept = head;
        kept.extend(pump(client2, server2, 64 * 1024));
        kept
    });
    let (response, verdict) = match substitute {
        None => (pump(server, client, KEEP), None),
        Some(sub) => {
            let got = read_until(&mut server, complete);
            let sent = if despite_rejection { Some(substitute_response(&sub)) } else { substituted(&got, &sub) };
            let verdict = sent.as_ref().and_then(|_| {
                let prism = parse_response(&got)?;
                Some(Verdict { status: prism.status, body: prism.body, violations: header(&got, "sl-violations") })
            });
            let sent = sent.unwrap_or(got);
            let _ = client.write_all(&sent);
            let _ = client.shutdown(Shutdown::Write);
            (sent, verdict)
        }
    };
    let request = request.join().unwrap_or_default();
    let Some(name) = name else { return };
    if let Some(mut recorded) = parse_response(&response) {
        let body = parse_response_like_body(&request).unwrap_or_default();
        let declared = header(&request, "content-length").and_then(|v| v.parse::<usize>().ok());
        recorded.request_cut = declared.is_some_and(|len| body.len() < len);
        recorded.request_body = body;
        recorded.request_content_type = header(&request, "content-type");
        recorded.prism = verdict;
        if let Ok(mut map) = recordings.lock() {
            map.insert(name, recorded);
        }
    }
}

/// Reads from `stream` until `done` holds for what was read (or the stream ends).
fn read_until(stream: &mut TcpStream, done: impl Fn(&[u8]) -> bool) -> Vec<u8> {
    let mut got = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    while !done(&got) && got.len() < KEEP {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => got.extend_from_slice(buf.get(..n).unwrap_or_default()),
        }
    }
    got
}

/// A whole response (head and body, by length or chunks) is in `bytes`.
fn complete(bytes: &[u8]) -> bool {
    let Some((_, rest)) = split_head(bytes) else { return false };
    if header(bytes, "transfer-encoding").is_some_and(|v| v.to_ascii_lowercase().contains("chunked")) {
        return dechunk(rest).is_some();
    }
    header(bytes, "content-length").and_then(|v| v.parse::<usize>().ok()).is_some_and(|len| rest.len() >= len)
}

/// The substitute response for Prism's `got`, when Prism accepted the request. Prism checks a
/// request before it negotiates and builds the answer (with `--errors`, a request that breaks
/// the spec gets 422 even where a valid one gets 406 or a 500 from the answer's generation), so
/// it accepted the request when it answered with a 2xx, with its 406 (no declared media type it
/// matches to `Accept`), or with a 500 that lists no violation of the request (its generator
/// failed, or its own response breaks the schema).
fn substituted(got: &[u8], sub: &(u16, Vec<u8>)) -> Option<Vec<u8>> {
    let prism = parse_response(got)?;
    accepted(prism.status, &prism.body).then(|| substitute_response(sub))
}

/// Prism accepted the request it answered with `status` and `body` (see [`substituted`]).
pub fn accepted(status: u16, body: &[u8]) -> bool {
    let problem = || serde_json::from_slice::<serde_json::Value>(body).ok();
    let kind = |p: &serde_json::Value| p.get("type").and_then(|t| t.as_str()).unwrap_or_default().to_string();
    match status {
        200..=299 => true,
        406 => problem().is_some_and(|p| kind(&p).ends_with("#NOT_ACCEPTABLE")),
        500 => problem().is_some_and(|p| {
            let list = p.get("validation").and_then(|v| v.as_array()).cloned().unwrap_or_default();
            kind(&p).starts_with("https://stoplight.io/prism/errors#")
                && list.iter().all(|v| v.pointer("/location/0").and_then(|l| l.as_str()) == Some("response"))
        }),
        _ => false,
    }
}

/// The substitute, as an HTTP response.
fn substitute_response((status, body): &(u16, Vec<u8>)) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {status} Substituted\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}

/// The head of an HTTP message and the rest.
fn split_head(bytes: &[u8]) -> Option<(&str, &[u8])> {
    let end = bytes.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(bytes.get(..end)?).ok()?;
    Some((head, bytes.get(end + 4..)?))
}

/// A header's value in a message's head (first occurrence, name case-insensitive).
fn header(bytes: &[u8], name: &str) -> Option<String> {
    let (head, _) = split_head(bytes)?;
    head.lines().skip(1).find_map(|line| {
        let (n, v) = line.split_once(':')?;
        n.trim().eq_ignore_ascii_case(name).then(|| v.trim().to_string())
    })
}

/// The status and body of the first response in `bytes`.
fn parse_response(bytes: &[u8]) -> Option<Recorded> {
    let (head, rest) = split_head(bytes)?;
    let status = head.split_whitespace().nth(1)?.parse().ok()?;
    let chunked = header(bytes, "transfer-encoding").is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    let body = if chunked {
        dechunk(rest)?
    } else if let Some(len) = header(bytes, "content-length").and_then(|v| v.parse::<usize>().ok()) {
        rest.get(..len.min(rest.len()))?.to_vec()
    } else {
        rest.to_vec()
    };
    Some(Recorded { status, body, ..Recorded::default() })
}

/// The body of the first message in `bytes` (a request: its first line is not a status line).
fn parse_response_like_body(bytes: &[u8]) -> Option<Vec<u8>> {
    let (_, rest) = split_head(bytes)?;
    let chunked = header(bytes, "transfer-encoding").is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    if chunked {
        return dechunk(rest);
    }
    let len = header(bytes, "content-length").and_then(|v| v.parse::<usize>().ok()).unwrap_or(0);
    Some(rest.get(..len.min(rest.len()))?.to_vec())
}

/// A chunked body decoded.
fn dechunk(mut rest: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = rest.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(rest.get(..line_end)?).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        rest = rest.get(line_end + 2..)?;
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(rest.get(..size)?);
        rest = rest.get(size + 2..)?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_length_and_chunked_bodies() {
        let plain = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX: y\r\n\r\nhello";
        let r = parse_response(plain).unwrap();
        assert_eq!((r.status, r.body.as_slice()), (200, &b"hello"[..]));
        let chunked = b"HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nhel\r\n2\r\nlo\r\n0\r\n\r\n";
        let r = parse_response(chunked).unwrap();
        assert_eq!((r.status, r.body.as_slice()), (201, &b"hello"[..]));
        assert_eq!(
            header(b"GET / HTTP/1.1\r\nX-Conform-Op: list_pets\r\n\r\n", "x-conform-op").as_deref(),
            Some("list_pets")
        );
    }

    #[test]
    fn substitutes_only_what_prism_accepted() {
        let sub = (201, b"{\"a\":1}".to_vec());
        let ok = b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nnull";
        let out = substituted(ok, &sub).unwrap();
        let r = parse_response(&out).unwrap();
        assert_eq!((r.status, r.body.as_slice()), (201, &b"{\"a\":1}"[..]));
        let own = br#"{"type":"https://stoplight.io/prism/errors#VIOLATIONS","validation":[{"location":["response","body"],"message":"x"}]}"#;
        let mut bad_own = format!("HTTP/1.1 500 X\r\nContent-Length: {}\r\n\r\n", own.len()).into_bytes();
        bad_own.extend_from_slice(own);
        assert!(substituted(&bad_own, &sub).is_some());
        let req = br#"{"type":"https://stoplight.io/prism/errors#VIOLATIONS","validation":[{"location":["request","body"],"message":"x"}]}"#;
        let mut rejected = format!("HTTP/1.1 500 X\r\nContent-Length: {}\r\n\r\n", req.len()).into_bytes();
        rejected.extend_from_slice(req);
        assert!(substituted(&rejected, &sub).is_none());
        assert!(substituted(b"HTTP/1.1 422 X\r\nContent-Length: 2\r\n\r\n{}", &sub).is_none());
        let negotiation = br#"{"type":"https://stoplight.io/prism/errors#NOT_ACCEPTABLE","status":406}"#;
        let mut refused = format!("HTTP/1.1 406 X\r\nContent-Length: {}\r\n\r\n", negotiation.len()).into_bytes();
        refused.extend_from_slice(negotiation);
        assert!(substituted(&refused, &sub).is_some());
        let faker = br#"{"type":"https://stoplight.io/prism/errors#UNKNOWN","title":"TypeError"}"#;
        let mut failed = format!("HTTP/1.1 500 X\r\nContent-Length: {}\r\n\r\n", faker.len()).into_bytes();
        failed.extend_from_slice(faker);
        assert!(substituted(&failed, &sub).is_some());
        assert!(complete(ok) && !complete(&ok[..ok.len() - 1]));
    }

    #[test]
    fn passes_bytes_through_and_records_by_call() {
        let upstream = TcpListener::bind("127.0.0.1:0").unwrap();
        let up_port = upstream.local_addr().unwrap().port();
        thread::spawn(move || {
            let (mut s, _) = upstream.accept().unwrap();
            let mut buf = [0u8; 1024];
            let _ = s.read(&mut buf).unwrap();
            s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}").unwrap();
        });
        let proxy = start(up_port, Substitutes::default()).unwrap();
        let mut c = TcpStream::connect(("127.0.0.1", proxy.port)).unwrap();
        c.write_all(b"GET /x HTTP/1.1\r\nx-conform-op: get_x\r\n\r\n").unwrap();
        let mut got = Vec::new();
        let mut buf = [0u8; 1024];
        while !got.ends_with(b"{}") {
            let n = c.read(&mut buf).unwrap();
            assert!(n > 0, "connection closed early");
            got.extend_from_slice(&buf[..n]);
        }
        c.shutdown(Shutdown::Write).unwrap();
        assert!(got.starts_with(b"HTTP/1.1 200 OK"));
        for _ in 0..100 {
            if proxy.recordings.lock().unwrap().contains_key("get_x") {
                break;
            }
            thread::sleep(Duration::from_millis(20));
        }
        assert_eq!(proxy.recordings.lock().unwrap()["get_x"].body, b"{}");
    }

    /// For a call answered despite a rejection, the client gets the substitute and the
    /// recording keeps Prism's verdict (status, body, `sl-violations`) and the request's
    /// `Content-Type`.
    #[test]
    fn substitutes_despite_a_rejection_and_keeps_prisms_verdict() {
        let upstream = TcpListener::bind("127.0.0.1:0").unwrap();
        let up_port = upstream.local_addr().unwrap().port();
        thread::spawn(move || {
            let (mut s, _) = upstream.accept().unwrap();
            let mut buf = [0u8; 1024];
            let _ = s.read(&mut buf).unwrap();
            s.write_all(b"HTTP/1.1 422 X\r\nsl-violations: [{\"location\":[\"request\",\"body\"]}]\r\nContent-Length: 4\r\n\r\nnull")
                .unwrap();
        });
        let rules = Rules {
            substitutes: HashMap::from([("make".to_string(), (201, b"{\"id\":1}".to_vec()))]),
            despite_rejection: ["make".to_string()].into_iter().collect(),
            ..Rules::default()
        };
        let proxy = start(up_port, Arc::new(rules)).unwrap();
        let mut c = TcpStream::connect(("127.0.0.1", proxy.port)).unwrap();
        c.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let request = "POST /x HTTP/1.1\r\nx-conform-op: make\r\nContent-Type: application/x-www-form-urlencoded\r\n\
                       Content-Length: 7\r\n\r\na[0]=b&";
        c.write_all(request.as_bytes()).unwrap();
        c.shutdown(Shutdown::Write).unwrap();
        let mut got = Vec::new();
        c.read_to_end(&mut got).unwrap();
        assert!(got.starts_with(b"HTTP/1.1 201 Substituted") && got.ends_with(b"{\"id\":1}"));
        let mut recorded = None;
        for _ in 0..100 {
            recorded = proxy.recordings.lock().unwrap().get("make").cloned();
            if recorded.is_some() {
                break;
            }
            thread::sleep(Duration::from_millis(20));
        }
        let recorded = recorded.expect("the call was recorded");
        let verdict = recorded.prism.expect("Prism's verdict is kept");
        assert_eq!((verdict.status, verdict.body.as_slice()), (422, &b"null"[..]));
        assert_eq!(verdict.violations.as_deref(), Some("[{\"location\":[\"request\",\"body\"]}]"));
        assert_eq!(recorded.request_body, b"a[0]=b&");
        assert_eq!(recorded.request_content_type.as_deref(), Some("application/x-www-form-urlencoded"));
        assert!(!recorded.request_cut);
    }

    #[test]
    fn a_fragment_suffix_goes_before_the_query() {
        let head = b"GET /tags/arn%3Ax?tagKeys=a HTTP/1.1\r\nHost: h\r\n\r\nbody".to_vec();
        let out = with_path_suffix(head, "/~fragment~/tagKeys");
        assert_eq!(out, b"GET /tags/arn%3Ax/~fragment~/tagKeys?tagKeys=a HTTP/1.1\r\nHost: h\r\n\r\nbody".to_vec());
        let root = with_path_suffix(b"POST / HTTP/1.1\r\n\r\n".to_vec(), "/~fragment~/X-Amz-Target=S.Op");
        assert_eq!(root, b"POST /~fragment~/X-Amz-Target=S.Op HTTP/1.1\r\n\r\n".to_vec());
        // The template Prism gets matches what the proxy makes of the request.
        let (template, suffix) = crate::conform::routed_fragment("/#X-Amz-Target=S.Op").expect("a fragment");
        assert_eq!(
            (template.as_str(), suffix.as_str()),
            ("/~fragment~/X-Amz-Target=S.Op", "/~fragment~/X-Amz-Target=S.Op")
        );
        assert_eq!(crate::conform::routed_fragment("/plain/{id}"), None);
    }
}
