//! Streamed responses against a loopback server written here: events are sent a piece at a
//! time, and the next piece only after the client has seen the item before it, so each test
//! proves items arrive while the body is still open; then the per-item size limit, the idle
//! timeout, errors before the stream, and decode errors inside it.

use futures_core::Stream;
use openapi_rust_runtime::rt::{JsonLines, Method, Request, Sse, SseText};
use openapi_rust_runtime::ApiSpec;
use std::pin::Pin;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;

static SPEC: ApiSpec = ApiSpec {
    default_base_url: "http://127.0.0.1:9",
    base_url_env: None,
    schemes: &[],
    alternatives: &[],
    combinations: &[],
};

openapi_rust_runtime::client!(serde_json::Value, SPEC);

/// An event's data.
#[derive(Debug, PartialEq, serde::Deserialize)]
struct Tick {
    n: u32,
}

impl Client {
    /// What a generator emits for a `text/event-stream` response with an `itemSchema`.
    fn ticks(&self) -> StreamCall<Sse<Tick>> {
        let mut r = Request::new(Method::GET, true);
        r.literal("/ticks");
        r.header("accept", "text/event-stream");
        self.call_stream(r)
    }

    /// Server-sent events whose data is text.
    fn log(&self) -> StreamCall<SseText> {
        let mut r = Request::new(Method::GET, true);
        r.literal("/log");
        self.call_stream(r)
    }

    /// JSON Lines.
    fn rows(&self) -> StreamCall<JsonLines<Tick>> {
        let mut r = Request::new(Method::GET, true);
        r.literal("/rows");
        self.call_stream(r)
    }
}

/// The next item of a stream.
async fn next<S: Stream + Unpin>(s: &mut S) -> Option<S::Item> {
    std::future::poll_fn(|cx| Pin::new(&mut *s).poll_next(cx)).await
}

/// Accepts one connection, reads the request head, and hands the socket over.
async fn accept(listener: tokio::net::TcpListener) -> (TcpStream, String) {
    let (mut socket, _) = listener.accept().await.unwrap();
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = socket.read(&mut buf).await.unwrap();
        if n == 0 {
            break;
        }
        seen.extend_from_slice(&buf[..n]);
    }
    (socket, String::from_utf8_lossy(&seen).into_owned())
}

/// A server on 127.0.0.1 that answers one request with `head` and then writes each of
/// `pieces` (flushed, 30 ms apart), waiting before each piece after the first for a word on
/// the returned channel; it closes the connection after the last. Returns the base URL, the
/// channel, and the request as read.
async fn serve_pieces(
    head: &'static str,
    pieces: Vec<&'static [u8]>,
) -> (String, mpsc::UnboundedSender<()>, tokio::task::JoinHandle<String>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (go, mut wait) = mpsc::unbounded_channel::<()>();
    let task = tokio::spawn(async move {
        let (mut socket, request) = accept(listener).await;
        socket.write_all(head.as_bytes()).await.unwrap();
        for (i, piece) in pieces.into_iter().enumerate() {
            if i > 0 && wait.recv().await.is_none() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(30)).await;
            if socket.write_all(piece).await.is_err() {
                break;
            }
            socket.flush().await.unwrap();
        }
        request
    });
    (base, go, task)
}

const SSE_HEAD: &str = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n";

fn client(base: &str) -> Client {
    Client::builder().from_env(false).base_url(base).max_retries(0).build().unwrap()
}

#[tokio::test]
async fn events_arrive_in_order_while_the_body_is_still_coming() {
    // The second event is cut inside its `data:` line and its line end (CR, then LF).
    let pieces: Vec<&[u8]> = vec![
        b"\xEF\xBB\xBF: welcome\n\nid: 1\nevent: tick\ndata: {\"n\": 1}\n\n",
        b"retry: 2500\ndata: {\"n\"",
        b": 2}\r",
        b"\n\r\n: keep-alive\n\n",
        b"data: {\"n\": 3}\n\ndata: {\"n\": 4}\n",
    ];
    let (base, go, server) = serve_pieces(SSE_HEAD, pieces).await;
    let response = client(&base).ticks().send().await.unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(response.headers["content-type"], "text/event-stream");
    let mut events = response.data;

    let first = next(&mut events).await.unwrap().unwrap();
    assert_eq!((first.event.as_str(), first.id.as_deref(), first.data.n), ("tick", Some("1"), 1));
    // Only now does the server send the rest, a piece per word.
    for _ in 0..3 {
        go.send(()).unwrap();
    }
    let second = next(&mut events).await.unwrap().unwrap();
    assert_eq!(
        (second.event.as_str(), second.id.as_deref(), second.retry, second.data.n),
        ("message", Some("1"), Some(Duration::from_millis(2500)), 2)
    );
    go.send(()).unwrap();
    let third = next(&mut events).await.unwrap().unwrap();
    assert_eq!(third.data, Tick { n: 3 });
    // The body ends in the middle of the fourth event: it is dropped.
    assert!(next(&mut events).await.is_none());
    assert!(next(&mut events).await.is_none());
    assert_eq!(events.last_event_id(), Some("1"));
    assert_eq!(events.retry(), Some(Duration::from_millis(2500)));
    let request = server.await.unwrap().to_ascii_lowercase();
    assert!(request.starts_with("get /ticks "), "{request}");
    assert!(request.contains("accept: text/event-stream"), "{request}");
}

#[tokio::test]
async fn an_event_over_the_size_limit_ends_the_stream_with_an_error() {
    // A server that, after one small event, sends a `data:` line that never ends.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(async move {
        let (mut socket, _) = accept(listener).await;
        socket.write_all(SSE_HEAD.as_bytes()).await.unwrap();
        socket.write_all(b"data: small\n\ndata: ").await.unwrap();
        let chunk = vec![b'x'; 64 * 1024];
        let mut sent = 0usize;
        // Until the client hangs up (or 64 MiB, which it must never need).
        while sent < 64 << 20 && socket.write_all(&chunk).await.is_ok() {
            sent += chunk.len();
        }
        sent
    });
    let mut events = client(&base).log().max_response_size(100_000).await.unwrap();
    assert_eq!(next(&mut events).await.unwrap().unwrap().data, "small");
    match next(&mut events).await {
        Some(Err(e @ Error::TooLarge { .. })) => {
            let shown = e.to_string();
            let Error::TooLarge { limit, item, status, .. } = e else { unreachable!() };
            assert_eq!((status.as_u16(), limit, item), (200, 100_000, Some(1)));
            assert_eq!(shown, "HTTP 200 OK response stream: item 1 is over the limit of 100000 bytes; attempt 1");
        }
        other => panic!("expected TooLarge, got {other:?}"),
    }
    assert!(next(&mut events).await.is_none());
    drop(events);
    // The client stopped reading near the limit and hung up: the server could not send it all.
    let sent = server.await.unwrap();
    assert!(sent < 64 << 20, "the server sent {sent} bytes");
}

#[tokio::test]
async fn a_stream_that_goes_quiet_for_longer_than_the_timeout_ends_with_a_timeout() {
    // The second piece is never sent (no word comes), so the body stalls after the first event.
    let (base, _go, _server) = serve_pieces(SSE_HEAD, vec![b"data: {\"n\": 1}\n\n", b"data: {\"n\": 2}\n\n"]).await;
    let mut events = client(&base).ticks().timeout(Duration::from_millis(300)).await.unwrap();
    assert_eq!(next(&mut events).await.unwrap().unwrap().data.n, 1);
    match next(&mut events).await {
        Some(Err(Error::Timeout { after, .. })) => assert_eq!(after, Duration::from_millis(300)),
        other => panic!("expected a timeout, got {other:?}"),
    }
    assert!(next(&mut events).await.is_none());
}

#[tokio::test]
async fn an_error_status_is_an_api_error_before_any_stream() {
    let head = "HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\ncontent-length: 20\r\nconnection: \
                close\r\n\r\n{\"error\":\"no ticks\"}";
    let (base, _go, _server) = serve_pieces(head, vec![]).await;
    match client(&base).ticks().await {
        Err(Error::Api(e)) => assert_eq!((e.status.as_u16(), e.body.as_str()), (404, "{\"error\":\"no ticks\"}")),
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_json_line_that_does_not_decode_is_an_error_located_in_the_stream_and_the_rest_follow() {
    let head = "HTTP/1.1 200 OK\r\ncontent-type: application/jsonl\r\nconnection: close\r\n\r\n";
    let pieces: Vec<&[u8]> = vec![b"{\"n\": 1}\n\n{\"n\": \"two\"}\n", b"{\"n\": 3}"];
    let (base, go, _server) = serve_pieces(head, pieces).await;
    let mut rows = client(&base).rows().await.unwrap();
    assert_eq!(next(&mut rows).await.unwrap().unwrap(), Tick { n: 1 });
    match next(&mut rows).await {
        Some(Err(e @ Error::Decode { .. })) => {
            let Error::Decode { path, position, item, body, .. } = &e else { unreachable!() };
            assert_eq!(path.as_deref(), Some("n"));
            assert_eq!(position.map(|p| p.offset), Some(6));
            let item = item.as_deref().unwrap();
            assert_eq!((item.index, item.line, item.offset), (1, 3, 10));
            assert_eq!(body, "{\"n\": \"two\"}");
            assert!(e.to_string().contains("item 1 (line 3 of the stream) does not decode at n"), "{e}");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    go.send(()).unwrap();
    // The last line needs no line end.
    assert_eq!(next(&mut rows).await.unwrap().unwrap(), Tick { n: 3 });
    assert!(next(&mut rows).await.is_none());
}
