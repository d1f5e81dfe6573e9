//! Streamed response bodies: a response whose items arrive one at a time (OpenAPI 3.2's
//! `itemSchema` on `text/event-stream`, `application/jsonl`, `application/x-ndjson` and
//! `application/json-seq`), read as a [`Stream`] of typed items while the body is still coming.
//!
//! A [`StreamCall`] is sent like any call; awaiting it gives an [`ItemStream`], whose
//! documentation says how each format is read, and the limits and errors.

use super::call::{Answered, RawResponse, Response, WithoutUrlQuery};
use super::client::{Client, RequestOptions};
use super::error::{Error, ItemPosition};
use super::request::Request;
use crate::Message;
use futures_core::{FusedStream, Stream};
use reqwest::header::{HeaderName, HeaderValue};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use std::collections::VecDeque;
use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

/// How the items of a streamed body are delimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Framing {
    /// `text/event-stream`: server-sent events.
    ServerSentEvents,
    /// `application/jsonl`, `application/x-ndjson`: one JSON value per line.
    JsonLines,
    /// `application/json-seq` (RFC 7464): one JSON value after each record separator.
    JsonSeq,
}

/// One item as the stream delimits it, before it is decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// The item's text: an event's `data` (its lines joined with `\n`, read as UTF-8 with
    /// invalid bytes replaced, as the event-stream format says), a line (without its line end)
    /// or a record (without its separator).
    pub data: Vec<u8>,
    /// Server-sent events: the event type (`message` when the event names none).
    pub event: Option<String>,
    /// Server-sent events: the last event ID when the event was dispatched (`None` when no
    /// `id:` has set one, or an empty `id:` reset it).
    pub id: Option<String>,
    /// Server-sent events: the reconnection time a `retry:` line of this event asked for, in
    /// milliseconds.
    pub retry: Option<u64>,
    /// Where the item starts in the stream.
    pub position: ItemPosition,
}

/// How a streamed body's items become values: the framing, and the decoding of one item.
/// Implemented by [`Sse`], [`SseText`], [`JsonLines`] and [`JsonSeq`].
pub trait StreamDecode<M>: Send + 'static {
    /// One decoded item.
    type Item: Send + 'static;

    /// How the items are delimited.
    const FRAMING: Framing;

    /// Decodes one item of a response with `status`.
    fn item(frame: Frame, status: StatusCode) -> Result<Self::Item, Error<M>>;

    /// Turns a non-2xx response into an error.
    fn decode_error(raw: &RawResponse) -> Error<M> {
        raw.api_error(Vec::new(), Vec::new())
    }
}

/// One server-sent event: its `data` decoded, beside the fields that come with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent<T> {
    /// The event type: the `event:` field, `message` when the event has none.
    pub event: String,
    /// The last event ID when this event was dispatched: set by this event's `id:` line or by
    /// an earlier event's (IDs persist, as in a browser's `EventSource`); `None` when none was
    /// set, or an empty `id:` reset it. Send it back as `Last-Event-ID` to resume the stream.
    pub id: Option<String>,
    /// The reconnection time a `retry:` line of this event asked for.
    pub retry: Option<Duration>,
    /// The event's data (its `data:` lines joined with `\n`), decoded.
    pub data: T,
}

/// Server-sent events whose `data` is JSON of type `T`; items are [`SseEvent<T>`].
pub struct Sse<T>(PhantomData<fn() -> T>);

/// Server-sent events whose `data` is text; items are [`SseEvent<String>`].
pub struct SseText;

/// JSON Lines (NDJSON): items are the lines' values, of type `T`.
pub struct JsonLines<T>(PhantomData<fn() -> T>);

/// JSON text sequences (RFC 7464): items are the records' values, of type `T`.
pub struct JsonSeq<T>(PhantomData<fn() -> T>);

/// `frame`'s text decoded as JSON of type `T`, or the located error.
fn decode_json<T: DeserializeOwned, M>(frame: &Frame, status: StatusCode) -> Result<T, Error<M>> {
    match serde_json::from_slice(&frame.data) {
        Ok(value) => Ok(value),
        // The same second, tracked reading as for a whole body: path and position in the item.
        Err(_) => super::error::retrace(status, &frame.data, PhantomData::<T>).map_err(|mut e| {
            if let Error::Decode { item, .. } = &mut e {
                *item = Some(Box::new(frame.position));
            }
            e
        }),
    }
}

/// The fields of an event beside its data.
fn event<T>(frame: Frame, data: T) -> SseEvent<T> {
    SseEvent {
        event: frame.event.unwrap_or_else(|| "message".to_string()),
        id: frame.id,
        retry: frame.retry.map(Duration::from_millis),
        data,
    }
}

impl<M, T: DeserializeOwned + Send + 'static> StreamDecode<M> for Sse<T> {
    type Item = SseEvent<T>;
    const FRAMING: Framing = Framing::ServerSentEvents;

    fn item(frame: Frame, status: StatusCode) -> Result<SseEvent<T>, Error<M>> {
        let data = decode_json(&frame, status)?;
        Ok(event(frame, data))
    }
}

impl<M> StreamDecode<M> for SseText {
    type Item = SseEvent<String>;
    const FRAMING: Framing = Framing::ServerSentEvents;

    fn item(mut frame: Frame, _: StatusCode) -> Result<SseEvent<String>, Error<M>> {
        // Already valid UTF-8: the parser decoded each line.
        let data = String::from_utf8_lossy(&std::mem::take(&mut frame.data)).into_owned();
        Ok(event(frame, data))
    }
}

impl<M, T: DeserializeOwned + Send + 'static> StreamDecode<M> for JsonLines<T> {
    type Item = T;
    const FRAMING: Framing = Framing::JsonLines;

    fn item(frame: Frame, status: StatusCode) -> Result<T, Error<M>> {
        decode_json(&frame, status)
    }
}

impl<M, T: DeserializeOwned + Send + 'static> StreamDecode<M> for JsonSeq<T> {
    type Item = T;
    const FRAMING: Framing = Framing::JsonSeq;

    fn item(frame: Frame, status: StatusCode) -> Result<T, Error<M>> {
        decode_json(&frame, status)
    }
}

/// A UTF-8 byte order mark.
const BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];

/// The JSON text sequence record separator.
const RS: u8 = 0x1E;

/// Splits a body, fed in chunks of any size, into [`Frame`]s, holding at most one item (and
/// the line being read) at a time. Public within the crate for its tests and the fuzz harness.
#[derive(Debug)]
pub(crate) struct Parser {
    framing: Framing,
    limit: usize,
    /// Bytes of a byte order mark matched so far at the start; `None` once past the start.
    bom: Option<usize>,
    /// The line (or record) being read.
    line: Vec<u8>,
    /// The last line ended with a CR: an LF right after it belongs to that line end.
    skip_lf: bool,
    /// Offset of the next byte.
    offset: u64,
    /// Number (1-based) of the line being read.
    line_no: u64,
    /// Offset where the line being read starts.
    line_start: u64,
    /// Where the record being read starts (JSON text sequences).
    record_start: (u64, u64),
    /// Server-sent events: the data buffer, event type buffer, last event ID buffer, and the
    /// `retry:` and first `data:` line of the event being read.
    data: String,
    event: String,
    last_id: String,
    retry: Option<u64>,
    last_retry: Option<u64>,
    data_start: Option<(u64, u64)>,
    /// Items delimited so far (an item over the limit too).
    index: u64,
    /// Delimited items not yet taken; `Err(index)` for an item over the limit, after which
    /// nothing more is read.
    ready: VecDeque<Result<Frame, u64>>,
    failed: bool,
}

impl Parser {
    /// A parser for `framing`, each item at most `limit` bytes.
    pub(crate) fn new(framing: Framing, limit: usize) -> Parser {
        Parser {
            framing,
            limit,
            bom: (framing != Framing::JsonSeq).then_some(0),
            line: Vec::new(),
            skip_lf: false,
            offset: 0,
            line_no: 1,
            line_start: 0,
            record_start: (1, 0),
            data: String::new(),
            event: String::new(),
            last_id: String::new(),
            retry: None,
            last_retry: None,
            data_start: None,
            index: 0,
            ready: VecDeque::new(),
            failed: false,
        }
    }

    /// The next delimited item: a frame, or `Err(index)` for an item over the limit.
    pub(crate) fn next(&mut self) -> Option<Result<Frame, u64>> {
        self.ready.pop_front()
    }

    /// Reads the next chunk of the body.
    pub(crate) fn feed(&mut self, mut chunk: &[u8]) {
        while let (Some(matched), Some((&b, rest))) = (self.bom, chunk.split_first()) {
            if BOM.get(matched) == Some(&b) {
                chunk = rest;
                self.bom = (matched + 1 < BOM.len()).then_some(matched + 1);
                if self.bom.is_none() {
                    self.offset = BOM.len() as u64;
                    self.line_start = self.offset;
                    self.record_start = (1, self.offset);
                }
            } else {
                // Not a byte order mark: what matched of one is text.
                self.bom = None;
                self.take(BOM.get(..matched).unwrap_or_default());
            }
        }
        self.take(chunk);
    }

    /// The body ended: what it ended in the middle of is an item (a last line or record
    /// without its end), or is dropped (an event before its blank line).
    pub(crate) fn finish(&mut self) {
        if self.failed {
            return;
        }
        if let Some(matched) = self.bom.take() {
            self.take(BOM.get(..matched).unwrap_or_default());
        }
        match self.framing {
            Framing::ServerSentEvents => {}
            Framing::JsonLines => self.end_line(),
            Framing::JsonSeq => self.end_record(),
        }
        self.line.clear();
        self.data.clear();
    }

    /// The reconnection time the last valid `retry:` line asked for, in milliseconds.
    pub(crate) fn last_retry(&self) -> Option<u64> {
        self.last_retry
    }

    /// The last event ID (server-sent events), `None` when empty.
    pub(crate) fn last_event_id(&self) -> Option<&str> {
        (!self.last_id.is_empty()).then_some(self.last_id.as_str())
    }

    fn take(&mut self, mut chunk: &[u8]) {
        while !chunk.is_empty() && !self.failed {
            if std::mem::take(&mut self.skip_lf) {
                if let Some(rest) = chunk.strip_prefix(b"\n") {
                    self.offset += 1;
                    self.line_start = self.offset;
                    chunk = rest;
                    continue;
                }
            }
            let end = match self.framing {
                Framing::ServerSentEvents => chunk.iter().position(|b| *b == b'\n' || *b == b'\r'),
                Framing::JsonLines => chunk.iter().position(|b| *b == b'\n'),
                Framing::JsonSeq => chunk.iter().position(|b| *b == RS || *b == b'\n'),
            };
            let (text, end_byte, rest) = match end {
                Some(i) => {
                    (chunk.get(..i).unwrap_or_default(), chunk.get(i).copied(), chunk.get(i + 1..).unwrap_or_default())
                }
                None => (chunk, None, &[][..]),
            };
            chunk = rest;
            if self.pending() + text.len() > self.limit {
                self.overflow();
                return;
            }
            self.line.extend_from_slice(text);
            self.offset += text.len() as u64;
            let Some(end_byte) = end_byte else { continue };
            self.offset += 1;
            match (self.framing, end_byte) {
                (Framing::JsonSeq, b'\n') => {
                    // A line end inside a record: part of it, counted for positions.
                    if self.pending() + 1 > self.limit {
                        self.overflow();
                        return;
                    }
                    self.line.push(b'\n');
                    self.line_no += 1;
                }
                (Framing::JsonSeq, _) => {
                    self.end_record();
                    self.record_start = (self.line_no, self.offset);
                }
                _ => {
                    self.skip_lf = end_byte == b'\r';
                    self.end_line();
                    self.line_no += 1;
                    self.line_start = self.offset;
                }
            }
        }
    }

    /// Bytes held for the item being read.
    fn pending(&self) -> usize {
        self.line.len() + self.data.len() + self.event.len()
    }

    fn overflow(&mut self) {
        self.failed = true;
        self.ready.push_back(Err(self.index));
        self.line = Vec::new();
        self.data = String::new();
    }

    fn position(&self, (line, offset): (u64, u64)) -> ItemPosition {
        ItemPosition { index: self.index, line, offset }
    }

    fn emit(&mut self, frame: Frame) {
        self.index += 1;
        self.ready.push_back(Ok(frame));
    }

    /// A JSON text sequence record ended (at a separator or the end of the body).
    fn end_record(&mut self) {
        let record = std::mem::take(&mut self.line);
        if record.iter().all(u8::is_ascii_whitespace) {
            return;
        }
        let position = self.position(self.record_start);
        self.emit(Frame { data: record, event: None, id: None, retry: None, position });
    }

    /// A line ended (or the body, for a JSON line).
    fn end_line(&mut self) {
        let mut line = std::mem::take(&mut self.line);
        if self.framing == Framing::JsonLines {
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            if !line.iter().all(u8::is_ascii_whitespace) {
                let position = self.position((self.line_no, self.line_start));
                self.emit(Frame { data: line, event: None, id: None, retry: None, position });
            }
            return;
        }
        if line.is_empty() {
            self.dispatch();
            return;
        }
        if line.first() == Some(&b':') {
            return;
        }
        let line = String::from_utf8_lossy(&line);
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (&*line, ""),
        };
        match field {
            "data" => {
                if self.data_start.is_none() {
                    self.data_start = Some((self.line_no, self.line_start));
                }
                self.data.push_str(value);
                self.data.push('\n');
            }
            "event" => self.event = value.to_string(),
            "id" if !value.contains('\0') => self.last_id = value.to_string(),
            "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                // Digits too many for a `u64` are no time anyone waits: ignored.
                if let Ok(ms) = value.parse::<u64>() {
                    self.retry = Some(ms);
                    self.last_retry = Some(ms);
                }
            }
            _ => {}
        }
    }

    /// A blank line: the event read so far is dispatched, if it has data.
    fn dispatch(&mut self) {
        let data = std::mem::take(&mut self.data);
        let event = std::mem::take(&mut self.event);
        let retry = self.retry.take();
        let Some(start) = self.data_start.take() else { return };
        let mut data = data.into_bytes();
        if data.last() == Some(&b'\n') {
            data.pop();
        }
        let position = self.position(start);
        let event = (!event.is_empty()).then_some(event);
        let id = self.last_event_id().map(str::to_string);
        self.emit(Frame { data, event, id, retry, position });
    }
}

/// A streamed call, ready to send: `.await` it for the [`ItemStream`] once the status and
/// headers are in, or call [`StreamCall::send`] for them too. Per-call settings override the
/// client's. See [`ItemStream`] for how the body is read.
#[must_use = "a call does nothing until it is awaited"]
pub struct StreamCall<D, M> {
    client: Client,
    request: Request,
    options: RequestOptions,
    _decode: PhantomData<fn() -> (D, M)>,
}

impl<D, M> std::fmt::Debug for StreamCall<D, M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StreamCall")
            .field("method", &self.request.method)
            .field("path", &self.request.path)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Wraps a request built by an operation function whose response is streamed.
    pub fn call_stream<D: StreamDecode<M>, M>(&self, request: Request) -> StreamCall<D, M> {
        StreamCall { client: self.clone(), request, options: RequestOptions::default(), _decode: PhantomData }
    }
}

impl<M: Message, D: StreamDecode<M>> StreamCall<D, M> {
    /// The timeout of each attempt's wait for the status and headers, and then of each wait
    /// for the next chunk of the body.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options.timeout = Some(timeout);
        self
    }

    /// Retries after the first attempt, for this call (until the stream starts; never after).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.options.max_retries = Some(retries);
        self
    }

    /// The longest item (event, line or record) this call accepts, in bytes.
    pub fn max_response_size(mut self, bytes: usize) -> Self {
        self.options.max_response_size = Some(bytes);
        self
    }

    /// The idempotency key of this call, as [`super::Call::idempotency_key`].
    pub fn idempotency_key(mut self, key: &str) -> Self {
        self.request.set_idempotency_key(key);
        self
    }

    /// An extra header for this call (`Last-Event-ID`, say). An invalid name or value fails
    /// the call before sending.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        match (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(value)) {
            (Ok(n), Ok(v)) => {
                self.options.headers.insert(n, v);
            }
            _ => {
                if self.request.error.is_none() {
                    self.request.error = Some(Error::invalid(name, "is not a valid header"));
                }
            }
        }
        self
    }

    /// Sends the call; once the status and headers are in, returns them with the stream of
    /// items (its body not read yet).
    pub async fn send(self) -> Result<Response<ItemStream<D, M>, M>, Error<M>> {
        let limit = self.client.max_response_size(&self.options);
        let idle = self.client.attempt_timeout(&self.options);
        let mut parser = Parser::new(D::FRAMING, limit);
        let (status, headers, body, attempts) =
            match self.client.attempts(&self.request, &self.options, D::decode_error, true).await? {
                Answered::Open { status, headers, resp, attempts } => (status, headers, Some(resp), attempts),
                // Not expected (`open` asks for the body unread); read as it came.
                Answered::Whole(raw) => {
                    parser.feed(&raw.body);
                    parser.finish();
                    (raw.status, raw.headers, None, 1)
                }
            };
        let done = body.is_none();
        let stream = ItemStream { parser, body, reading: None, status, idle, attempts, done, _decode: PhantomData };
        Ok(Response { status, headers, messages: Vec::new(), data: stream })
    }
}

impl<M: Message, D: StreamDecode<M>> IntoFuture for StreamCall<D, M> {
    type Output = Result<ItemStream<D, M>, Error<M>>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move { self.send().await.map(|r| r.data) })
    }
}

/// A chunk being read: the response back, with the chunk, the end, or the failure.
type Reading = Pin<Box<dyn Future<Output = (reqwest::Response, Chunk)> + Send>>;
type Chunk = Result<Result<Option<bytes::Bytes>, reqwest::Error>, tokio::time::error::Elapsed>;

/// The items of a streamed response body, decoded as they arrive: a [`Stream`] of
/// `Result<item, Error>`. Dropping it closes the connection.
///
/// A [`StreamCall`] is sent like any call (the same retries, credentials and argument checks);
/// a non-2xx status is the same [`Error::Api`]. Awaiting it gives this stream once the
/// status and headers are in; the body is then read a chunk at a time and never kept whole:
///
/// - **Server-sent events** ([`Sse`], [`SseText`]) are parsed by the rules of the HTML
///   standard's event-stream format: lines end at CRLF, LF or CR; a UTF-8 byte order mark at the
///   very start is dropped; `data:` lines are joined with `\n`; `event:` names the event
///   (`message` when absent); `id:` sets the last event ID, which persists across events (an
///   `id:` holding NUL is ignored); a `retry:` of ASCII digits is kept (others are ignored);
///   lines starting with `:` are comments; other fields are ignored; an event is dispatched at a
///   blank line, and not at all when it has no `data:` line; an event the body ends in the
///   middle of (before its blank line) is dropped. Each item is an [`SseEvent`]: the event's
///   `data` decoded as JSON of the item type ([`Sse`]) or kept as text ([`SseText`]), beside its
///   `event`, `id` and `retry`.
/// - **JSON Lines / NDJSON** ([`JsonLines`]): one JSON value per line (lines end at LF; a CR
///   before it is dropped); blank lines are skipped; the last line needs no line end.
/// - **JSON text sequences** ([`JsonSeq`], RFC 7464): one JSON value after each record
///   separator (0x1E); empty records are skipped.
///
/// Limits: the response size limit ([`crate::ClientBuilder::max_response_size`], or the call's
/// [`StreamCall::max_response_size`]) applies to each item instead of the whole body: an event
/// (the lines it is made of, as buffered), a line or a record longer than it ends the stream with
/// [`Error::TooLarge`] (its `item` set), so memory stays bounded however long the stream runs.
/// The call's timeout bounds the wait for the status and headers, and then each wait for the
/// next chunk of the body (an idle timeout: a stream that keeps sending, even only comments,
/// never times out); a gap longer than that ends the stream with [`Error::Timeout`].
///
/// Errors: an item that does not decode is an [`Error::Decode`] whose `item` says which item
/// and where it starts in the stream, and whose `path` and `position` point into the item's own
/// text (an event's `data`, a line); the stream goes on with the next item. A transport error,
/// a timeout or an item over the limit is the stream's last item. Nothing is retried once the
/// stream has started: to resume a stream of server-sent events, call again with a
/// `Last-Event-ID` header ([`ItemStream::last_event_id`]) after [`ItemStream::retry`].
#[must_use = "streams do nothing unless polled"]
pub struct ItemStream<D, M> {
    parser: Parser,
    body: Option<reqwest::Response>,
    reading: Option<Reading>,
    status: StatusCode,
    idle: Duration,
    attempts: u32,
    done: bool,
    _decode: PhantomData<fn() -> (D, M)>,
}

impl<D, M> std::fmt::Debug for ItemStream<D, M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ItemStream")
            .field("status", &self.status)
            .field("framing", &self.parser.framing)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl<D, M> ItemStream<D, M> {
    /// Server-sent events: the last event ID read so far (even from an event not dispatched),
    /// to send as `Last-Event-ID` when resuming; `None` when there is none.
    pub fn last_event_id(&self) -> Option<&str> {
        self.parser.last_event_id()
    }

    /// Server-sent events: the reconnection time the server last asked for (`retry:`).
    pub fn retry(&self) -> Option<Duration> {
        self.parser.last_retry().map(Duration::from_millis)
    }

    fn end(&mut self) {
        self.done = true;
        self.body = None;
        self.reading = None;
    }
}

impl<M: Message, D: StreamDecode<M>> Stream for ItemStream<D, M> {
    type Item = Result<D::Item, Error<M>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            match this.parser.next() {
                Some(Ok(frame)) => return Poll::Ready(Some(D::item(frame, this.status))),
                Some(Err(index)) => {
                    this.end();
                    let limit = this.parser.limit;
                    let error = Error::TooLarge {
                        status: this.status,
                        limit,
                        content_length: None,
                        attempts: this.attempts,
                        item: Some(index),
                    };
                    return Poll::Ready(Some(Err(error)));
                }
                None if this.done => return Poll::Ready(None),
                None => {}
            }
            if this.reading.is_none() {
                let Some(mut resp) = this.body.take() else {
                    this.end();
                    continue;
                };
                let idle = this.idle;
                this.reading = Some(Box::pin(async move {
                    let chunk = tokio::time::timeout(idle, resp.chunk()).await;
                    (resp, chunk)
                }));
            }
            let Some(reading) = this.reading.as_mut() else { continue };
            let (resp, chunk) = match reading.as_mut().poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(read) => read,
            };
            this.reading = None;
            match chunk {
                Ok(Ok(Some(bytes))) => {
                    this.body = Some(resp);
                    this.parser.feed(&bytes);
                }
                Ok(Ok(None)) => {
                    this.parser.finish();
                    this.end();
                }
                Ok(Err(e)) => {
                    this.end();
                    return Poll::Ready(Some(Err(Error::Transport {
                        source: e.without_url_query(),
                        attempts: this.attempts,
                    })));
                }
                Err(_) => {
                    this.end();
                    return Poll::Ready(Some(Err(Error::Timeout { after: this.idle, attempts: this.attempts })));
                }
            }
        }
    }
}

impl<M: Message, D: StreamDecode<M>> FusedStream for ItemStream<D, M> {
    fn is_terminated(&self) -> bool {
        self.done && self.parser.ready.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::NoMessage;

    /// The items of `body` fed in `chunks` (split at these offsets), then ended.
    fn parse_split(framing: Framing, body: &[u8], cuts: &[usize], limit: usize) -> Vec<Result<Frame, u64>> {
        let mut p = Parser::new(framing, limit);
        let mut out = Vec::new();
        let mut from = 0;
        for &cut in cuts.iter().chain([&body.len()]) {
            p.feed(&body[from..cut]);
            from = cut;
            out.extend(std::iter::from_fn(|| p.next()));
        }
        p.finish();
        out.extend(std::iter::from_fn(|| p.next()));
        out
    }

    fn parse(framing: Framing, body: &str) -> Vec<Frame> {
        parse_split(framing, body.as_bytes(), &[], 1 << 20).into_iter().map(Result::unwrap).collect()
    }

    /// (event, id, data) of each event.
    fn events(body: &str) -> Vec<(String, Option<String>, String)> {
        parse(Framing::ServerSentEvents, body)
            .into_iter()
            .map(|f| (f.event.unwrap_or_else(|| "message".into()), f.id, String::from_utf8(f.data).unwrap()))
            .collect()
    }

    fn ev(event: &str, id: Option<&str>, data: &str) -> (String, Option<String>, String) {
        (event.to_string(), id.map(str::to_string), data.to_string())
    }

    #[test]
    fn sse_fields_follow_the_event_stream_rules() {
        // `data:` lines joined with LF; one leading space stripped, not two; `event:` named.
        assert_eq!(events("data: a\ndata:  b\ndata:c\nevent: tick\n\n"), [ev("tick", None, "a\n b\nc")]);
        // Comments, unknown fields and a field without a colon; `data` alone is an empty line.
        assert_eq!(events(": keep-alive\nfoo: bar\ndata\ndata\n\n"), [ev("message", None, "\n")]);
        assert_eq!(events("data\n\n"), [ev("message", None, "")]);
        // No `data:` line: nothing is dispatched (and the event type does not leak on).
        assert_eq!(events("event: lonely\n\ndata: x\n\n"), [ev("message", None, "x")]);
        // IDs persist across events; an empty `id:` resets it; one holding NUL is ignored.
        assert_eq!(
            events("id: 1\ndata: a\n\ndata: b\n\nid\ndata: c\n\nid: 2\0\ndata: d\n\n"),
            [
                ev("message", Some("1"), "a"),
                ev("message", Some("1"), "b"),
                ev("message", None, "c"),
                ev("message", None, "d")
            ]
        );
        // An id set by an event that is not dispatched still counts.
        assert_eq!(events("id: 7\n\ndata: x\n\n"), [ev("message", Some("7"), "x")]);
        // Field names are case-sensitive; a colon in the value is kept.
        assert_eq!(events("Data: no\ndata: a: b\n\n"), [ev("message", None, "a: b")]);
    }

    #[test]
    fn sse_retry_is_kept_only_when_it_is_digits() {
        let frames = parse(Framing::ServerSentEvents, "retry: 1500\ndata: a\n\nretry: 1.5\ndata: b\n\nretry: x\n\n");
        assert_eq!(frames.iter().map(|f| f.retry).collect::<Vec<_>>(), [Some(1500), None]);
        let mut p = Parser::new(Framing::ServerSentEvents, 100);
        p.feed(b"retry: 99999999999999999999999\n\nretry: 20\n\n");
        assert_eq!(p.last_retry(), Some(20));
        assert!(p.next().is_none());
    }

    #[test]
    fn sse_line_ends_bom_and_the_end_of_the_body() {
        let expected = [ev("message", None, "a\nb"), ev("x", None, "c")];
        for body in [
            "data: a\ndata: b\n\nevent: x\ndata: c\n\n",
            "data: a\r\ndata: b\r\n\r\nevent: x\r\ndata: c\r\n\r\n",
            "data: a\rdata: b\r\revent: x\rdata: c\r\r",
            "\u{feff}data: a\r\ndata: b\r\revent: x\ndata: c\n\r\n",
        ] {
            assert_eq!(events(body), expected, "{body:?}");
        }
        // A byte order mark only counts at the very start: later it is part of a field name.
        assert_eq!(events("\u{feff}\u{feff}data: a\n\ndata: b\n\n"), [ev("message", None, "b")]);
        // The body ends before the blank line: the event is dropped, whatever was read of it.
        assert_eq!(events("data: a\n\ndata: b\n"), [ev("message", None, "a")]);
        assert_eq!(events("data: a\n\ndata: b"), [ev("message", None, "a")]);
        // Bytes that are not UTF-8 are replaced, as the format decodes the stream.
        let frames = parse_split(Framing::ServerSentEvents, b"data: \xff!\n\n", &[], 100);
        assert_eq!(frames[0].as_ref().unwrap().data, "\u{fffd}!".as_bytes());
    }

    #[test]
    fn sse_events_split_across_chunks_at_every_byte_are_the_same_events() {
        let body = "\u{feff}: hello\r\nretry: 10\r\nid: 1\r\nevent: add\r\ndata: {\"n\": 1}\r\ndata: é\r\n\r\n\
                    data:2\rid\r\r:c\ndata\n\nevent: end\ndata: 3\n\ndata: cut";
        let whole = parse_split(Framing::ServerSentEvents, body.as_bytes(), &[], 1 << 20);
        assert_eq!(whole.len(), 4, "{whole:?}");
        for cut in 0..=body.len() {
            assert_eq!(parse_split(Framing::ServerSentEvents, body.as_bytes(), &[cut], 1 << 20), whole, "cut at {cut}");
        }
        for cut in 0..body.len() {
            let cuts: Vec<usize> = (cut..body.len()).collect();
            assert_eq!(
                parse_split(Framing::ServerSentEvents, body.as_bytes(), &cuts, 1 << 20),
                whole,
                "bytes from {cut}"
            );
        }
        // Positions: the first `data:` line of each event, in the body as received.
        let at: Vec<(u64, u64, u64)> =
            whole.iter().map(|f| f.as_ref().unwrap().position).map(|p| (p.index, p.line, p.offset)).collect();
        let offset = |needle: &str| body.find(needle).unwrap() as u64;
        assert_eq!(
            at,
            [
                (0, 5, offset("data: {")),
                (1, 8, offset("data:2")),
                (2, 12, offset("data\n")),
                (3, 15, offset("data: 3"))
            ]
        );
    }

    #[test]
    fn an_item_over_the_limit_ends_the_stream() {
        // The limit counts the event as buffered: its data so far and the line being read.
        let body = b"data: 12345\n\ndata: 123\ndata: 456\n\ndata: late\n\n";
        let frames = parse_split(Framing::ServerSentEvents, body, &[], 12);
        assert_eq!(frames.len(), 2, "{frames:?}");
        assert!(frames[0].is_ok());
        assert_eq!(frames[1], Err(1));
        // A line without an end is stopped at the limit, however it arrives.
        let long = vec![b'x'; 10_000];
        for framing in [Framing::ServerSentEvents, Framing::JsonLines, Framing::JsonSeq] {
            let cuts: Vec<usize> = (1..long.len()).step_by(7).collect();
            assert_eq!(parse_split(framing, &long, &cuts, 100), [Err(0)], "{framing:?}");
        }
        let mut p = Parser::new(Framing::JsonLines, 100);
        p.feed(&long);
        assert!(p.line.capacity() <= 100, "{} bytes held", p.line.capacity());
    }

    #[test]
    fn json_lines_are_one_value_per_non_empty_line() {
        let body = "{\"a\":1}\r\n\n  \n[2]\n\u{0020}3";
        let frames = parse(Framing::JsonLines, body);
        let items: Vec<&[u8]> = frames.iter().map(|f| f.data.as_slice()).collect();
        assert_eq!(items, [&b"{\"a\":1}"[..], b"[2]", b" 3"]);
        let at: Vec<(u64, u64, u64)> =
            frames.iter().map(|f| (f.position.index, f.position.line, f.position.offset)).collect();
        assert_eq!(at, [(0, 1, 0), (1, 4, 13), (2, 5, 17)]);
        for cut in 0..=body.len() {
            let split = parse_split(Framing::JsonLines, body.as_bytes(), &[cut], 1 << 20);
            assert_eq!(split, frames.iter().cloned().map(Ok).collect::<Vec<_>>(), "cut at {cut}");
        }
    }

    #[test]
    fn json_text_sequences_are_one_value_per_record() {
        let body = "\u{1e}{\"a\":\n1}\n\u{1e}\n\u{1e}2\n";
        let frames = parse(Framing::JsonSeq, body);
        let items: Vec<&[u8]> = frames.iter().map(|f| f.data.as_slice()).collect();
        assert_eq!(items, [&b"{\"a\":\n1}\n"[..], b"2\n"]);
        assert_eq!((frames[1].position.index, frames[1].position.line), (1, 4));
    }

    fn frame(data: &str, index: u64, line: u64) -> Frame {
        Frame {
            data: data.as_bytes().to_vec(),
            event: Some("add".into()),
            id: Some("9".into()),
            retry: Some(5),
            position: ItemPosition { index, line, offset: 40 },
        }
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Item {
        n: u32,
    }

    #[test]
    fn items_decode_into_their_type_and_errors_say_where() {
        let ok = <Sse<Item> as StreamDecode<NoMessage>>::item(frame("{\"n\": 1}", 0, 3), StatusCode::OK).unwrap();
        assert_eq!(
            ok,
            SseEvent {
                event: "add".into(),
                id: Some("9".into()),
                retry: Some(Duration::from_millis(5)),
                data: Item { n: 1 }
            }
        );
        let text = <SseText as StreamDecode<NoMessage>>::item(frame("a\nb", 0, 3), StatusCode::OK).unwrap();
        assert_eq!(text.data, "a\nb");
        let bad = <Sse<Vec<Item>> as StreamDecode<NoMessage>>::item(
            frame("[{\"n\": 1},\n {\"n\": \"x\"}]", 4, 12),
            StatusCode::OK,
        );
        match bad {
            Err(e @ Error::Decode { .. }) => {
                let shown = e.to_string();
                let Error::Decode { path, position, item, .. } = e else { unreachable!() };
                assert_eq!(path.as_deref(), Some("[1].n"));
                assert_eq!(position.map(|p| (p.line, p.column)), Some((2, 8)));
                assert_eq!(item.as_deref(), Some(&ItemPosition { index: 4, line: 12, offset: 40 }));
                assert!(
                    shown.starts_with(
                        "HTTP 200 OK response stream: item 4 (line 12 of the stream) does not decode at [1].n"
                    ),
                    "{shown}"
                );
            }
            other => panic!("{other:?}"),
        }
        let cut = <JsonLines<Item> as StreamDecode<NoMessage>>::item(frame("{\"n\": ", 1, 2), StatusCode::OK);
        assert!(matches!(&cut, Err(Error::Decode { item: Some(i), .. }) if i.index == 1), "{cut:?}");
    }
}
