//! Sending a request: retries, timeouts, decoding.

use super::client::{AuthKind, Client, RequestOptions, MAX_RETRY_AFTER};
use super::error::Unsent;
use super::error::{excerpt, ApiError, BodyPosition, Error, ERROR_BODY_LIMIT};
use super::request::Request;
use super::retry::{new_idempotency_key, RetryPolicy};
use super::trace;
use crate::Message;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::StatusCode;
use serde::de::{DeserializeOwned, DeserializeSeed};
use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::pin::Pin;
use std::time::Duration;

/// A response as received: status, headers and the whole body.
#[derive(Debug, Clone)]
pub struct RawResponse {
    /// Status.
    pub status: StatusCode,
    /// Headers.
    pub headers: HeaderMap,
    /// Body.
    pub body: Vec<u8>,
}

impl RawResponse {
    /// A decode error for this response.
    pub fn decode_error<M>(&self, message: impl std::fmt::Display) -> Error<M> {
        self.decode_error_at(message, None)
    }

    /// A decode error for this response that points at a byte of the body.
    pub(crate) fn decode_error_at<M>(&self, message: impl std::fmt::Display, offset: Option<usize>) -> Error<M> {
        Error::Decode {
            status: self.status,
            message: message.to_string(),
            path: None,
            position: offset.filter(|o| *o < self.body.len()).map(|o| BodyPosition::of(&self.body, o)),
            body: excerpt(&self.body),
            item: None,
        }
    }

    /// Reads the body with `seed` a second time, tracking where it is, after the one fast pass
    /// failed: the error then names the path and position of the value that failed (see
    /// `error::retrace`). Never called on the way to a successful decode.
    pub(crate) fn retrace<'a, S: DeserializeSeed<'a>, M>(&'a self, seed: S) -> Result<S::Value, Error<M>> {
        super::error::retrace(self.status, &self.body, seed)
    }

    /// An API error for this response.
    pub fn api_error<M>(&self, errors: Vec<M>, messages: Vec<M>) -> Error<M> {
        Error::Api(Box::new(ApiError {
            status: self.status,
            headers: self.headers.clone(),
            errors,
            messages,
            body: excerpt(&self.body),
            retry_after: retry_after(&self.headers),
            attempts: 1,
            truncated: false,
            typed: None,
        }))
    }
}

/// A decoded response, with its status and headers.
#[derive(Debug, Clone)]
pub struct Response<T, M> {
    /// Status.
    pub status: StatusCode,
    /// Headers.
    pub headers: HeaderMap,
    /// Informational messages the API sent with the result (the envelope's `messages`).
    pub messages: Vec<M>,
    /// The decoded body.
    pub data: T,
}

impl<T, M> Response<T, M> {
    /// The decoded body.
    pub fn into_inner(self) -> T {
        self.data
    }
}

/// How a successful response body becomes a value, and an error body an [`Error`].
pub trait Decode<M>: Send + 'static {
    /// The decoded value.
    type Output: Send + 'static;

    /// Decodes a 2xx response. Returns the value and any informational messages.
    fn decode(raw: &RawResponse) -> Result<(Self::Output, Vec<M>), Error<M>>;

    /// Turns a non-2xx response into an error.
    fn decode_error(raw: &RawResponse) -> Error<M> {
        raw.api_error(Vec::new(), Vec::new())
    }
}

/// A JSON body decoded whole.
pub struct Json<T>(PhantomData<fn() -> T>);

impl<M, T: DeserializeOwned + Send + 'static> Decode<M> for Json<T> {
    type Output = T;
    fn decode(raw: &RawResponse) -> Result<(T, Vec<M>), Error<M>> {
        let value = match serde_json::from_slice(&raw.body) {
            Ok(value) => value,
            Err(_) => raw.retrace(PhantomData::<T>)?,
        };
        Ok((value, Vec::new()))
    }
}

/// No body expected; whatever comes is ignored.
pub struct Empty;

impl<M> Decode<M> for Empty {
    type Output = ();
    fn decode(_: &RawResponse) -> Result<((), Vec<M>), Error<M>> {
        Ok(((), Vec::new()))
    }
}

/// A text body.
pub struct Text;

impl<M> Decode<M> for Text {
    type Output = String;
    fn decode(raw: &RawResponse) -> Result<(String, Vec<M>), Error<M>> {
        String::from_utf8(raw.body.clone())
            .map(|s| (s, Vec::new()))
            .map_err(|e| raw.decode_error_at(&e, Some(e.utf8_error().valid_up_to())))
    }
}

/// A binary body.
pub struct Bytes;

impl<M> Decode<M> for Bytes {
    type Output = Vec<u8>;
    fn decode(raw: &RawResponse) -> Result<(Vec<u8>, Vec<M>), Error<M>> {
        Ok((raw.body.clone(), Vec::new()))
    }
}

/// A response that may come without a body (a `204` beside a `200` with JSON, say): an empty
/// body decodes as the default value (`None` for an `Option`), anything else as `D` decodes it.
pub struct AllowEmpty<D>(PhantomData<fn() -> D>);

impl<M, D: Decode<M>> Decode<M> for AllowEmpty<D>
where
    D::Output: Default,
{
    type Output = D::Output;

    fn decode(raw: &RawResponse) -> Result<(D::Output, Vec<M>), Error<M>> {
        if raw.body.iter().all(u8::is_ascii_whitespace) {
            return Ok((D::Output::default(), Vec::new()));
        }
        D::decode(raw)
    }

    fn decode_error(raw: &RawResponse) -> Error<M> {
        D::decode_error(raw)
    }
}

/// One call, ready to send. `.await` it for the decoded value, or call [`Call::send`] for the
/// status and headers too. Per-call settings override the client's.
#[must_use = "a call does nothing until it is awaited"]
pub struct Call<D, M> {
    pub(crate) client: Client,
    pub(crate) request: Request,
    pub(crate) options: RequestOptions,
    pub(crate) _decode: PhantomData<fn() -> (D, M)>,
}

impl<D, M> std::fmt::Debug for Call<D, M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Call")
            .field("method", &self.request.method)
            .field("path", &self.request.path)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Wraps a request built by an operation function.
    pub fn call<D: Decode<M>, M>(&self, request: Request) -> Call<D, M> {
        Call { client: self.clone(), request, options: RequestOptions::default(), _decode: PhantomData }
    }
}

impl<M: Message, D: Decode<M>> Call<D, M> {
    /// Timeout of each attempt of this call.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options.timeout = Some(timeout);
        self
    }

    /// Retries after the first attempt, for this call.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.options.max_retries = Some(retries);
        self
    }

    /// The longest response body this call accepts, in bytes (see
    /// [`super::ClientBuilder::max_response_size`]).
    pub fn max_response_size(mut self, bytes: usize) -> Self {
        self.options.max_response_size = Some(bytes);
        self
    }

    /// An extra header for this call. An invalid name or value fails the call before sending.
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

    /// The idempotency key of this call, for an operation whose spec declares an idempotency
    /// header (`x-idempotency`): sent as given on every attempt, instead of a random key. A key
    /// that is not printable ASCII (edge spaces, control characters, over
    /// [`super::MAX_IDEMPOTENCY_KEY_LENGTH`] bytes), or one given to an operation that declares
    /// no idempotency header, fails the call before sending.
    pub fn idempotency_key(mut self, key: &str) -> Self {
        self.request.set_idempotency_key(key);
        self
    }

    /// Sends the call and returns the decoded value with the response's status and headers.
    pub async fn send(self) -> Result<Response<D::Output, M>, Error<M>> {
        let raw = self.client.execute(&self.request, &self.options, D::decode_error).await?;
        let (data, messages) = D::decode(&raw)?;
        Ok(Response { status: raw.status, headers: raw.headers, messages, data })
    }
}

impl<M: Message, D: Decode<M>> IntoFuture for Call<D, M> {
    type Output = Result<D::Output, Error<M>>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move { self.send().await.map(|r| r.data) })
    }
}

/// Whether a status is worth retrying: the operation's policy says which (by default 408, 409,
/// 429 and 5xx), unless the server says otherwise with `x-should-retry`.
fn retryable_status(status: StatusCode, headers: &HeaderMap, policy: Option<&RetryPolicy>) -> bool {
    match headers.get("x-should-retry").and_then(|v| v.to_str().ok()) {
        Some("true") => return true,
        Some("false") => return false,
        _ => {}
    }
    match policy {
        Some(policy) => policy.retries_status(status),
        None => matches!(status.as_u16(), 408 | 409 | 429) || status.is_server_error(),
    }
}

/// The wait a response asks for: `retry-after-ms`, then `Retry-After` (seconds or HTTP date).
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
    // A wait too long for a `Duration` (`1e300`) is the longest one: over the cap, so the error
    // goes back at once, never a panic.
    let seconds = |s: f64| Duration::try_from_secs_f64(s).unwrap_or(Duration::MAX);
    if let Some(ms) = text("retry-after-ms").and_then(|v| v.parse::<f64>().ok()) {
        if ms.is_finite() && ms >= 0.0 {
            return Some(seconds(ms / 1000.0));
        }
    }
    let value = text("retry-after")?;
    if let Ok(secs) = value.parse::<f64>() {
        return (secs.is_finite() && secs >= 0.0).then(|| seconds(secs));
    }
    let date = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).ok()?;
    let wait = date.timestamp().saturating_sub(now.as_secs() as i64);
    Some(Duration::from_secs(wait.max(0) as u64))
}

/// A success as [`Client::attempts`] returns it.
pub(crate) enum Answered {
    /// Read whole.
    Whole(RawResponse),
    /// Status and headers; the body not read yet (a streamed call); the attempts it took.
    Open { status: StatusCode, headers: HeaderMap, resp: reqwest::Response, attempts: u32 },
}

impl Client {
    /// Sends `request` with retries; returns the first 2xx response, read whole, or the error
    /// for the last attempt.
    pub(crate) async fn execute<M>(
        &self,
        request: &Request,
        call_options: &RequestOptions,
        decode_error: fn(&RawResponse) -> Error<M>,
    ) -> Result<RawResponse, Error<M>> {
        match self.attempts(request, call_options, decode_error, false).await? {
            Answered::Whole(raw) => Ok(raw),
            // Not expected: `open` is false. Read what is there, under the same limit.
            Answered::Open { status, headers, mut resp, attempts } => {
                let max_size = self.max_response_size(call_options);
                match read_body(&mut resp, max_size, false).await {
                    Ok((body, true)) => Ok(RawResponse { status, headers, body }),
                    Ok((_, false)) => Err(Error::TooLarge {
                        status,
                        limit: max_size,
                        content_length: resp.content_length(),
                        attempts,
                        item: None,
                    }),
                    Err(e) => Err(Error::Transport { source: e.without_url_query(), attempts }),
                }
            }
        }
    }

    /// The response size limit of a call: the call's, else the client's, else the default.
    pub(crate) fn max_response_size(&self, call_options: &RequestOptions) -> usize {
        call_options
            .max_response_size
            .or(self.inner.options.max_response_size)
            .unwrap_or(super::client::DEFAULT_MAX_RESPONSE_SIZE)
    }

    /// The timeout of each attempt of a call: the call's, else the client's, else the default.
    pub(crate) fn attempt_timeout(&self, call_options: &RequestOptions) -> Duration {
        call_options.timeout.or(self.inner.options.timeout).unwrap_or(super::client::DEFAULT_TIMEOUT)
    }

    /// Sends `request` with retries; returns the first 2xx response, or the error for the last
    /// attempt. Only the retry loop lives here; it is shared by every operation. With `open`
    /// (a streamed call), a success comes back with its body unread, and the timeout bounds
    /// each attempt's wait for the status and headers (and the reading of an error's body)
    /// instead of the whole exchange: the caller reads the body, as long as it lasts.
    pub(crate) async fn attempts<M>(
        &self,
        request: &Request,
        call_options: &RequestOptions,
        decode_error: fn(&RawResponse) -> Error<M>,
        open: bool,
    ) -> Result<Answered, Error<M>> {
        let span = trace::request_span(&request.method, || request.template());
        trace::in_span(span, self.attempts_in_span(request, call_options, decode_error, open)).await
    }

    /// [`Client::attempts`], inside the call's span.
    async fn attempts_in_span<M>(
        &self,
        request: &Request,
        call_options: &RequestOptions,
        decode_error: fn(&RawResponse) -> Error<M>,
        open: bool,
    ) -> Result<Answered, Error<M>> {
        if let Some(e) = &request.error {
            return Err(e.clone_before_send().widen());
        }
        let inner = &self.inner;
        // Per-call settings win over the client's; nothing is cloned for the merge.
        let timeout = self.attempt_timeout(call_options);
        let any_retries = call_options.max_retries.or(inner.options.max_retries).unwrap_or(0);
        let facts = &request.retry;
        let policy = facts.policy.as_ref();
        // A call that carries an idempotency key is safe to send again, whatever its method:
        // the server answers a repeated key with the first attempt's outcome.
        let retryable = request.retryable || facts.idempotency_header.is_some();
        let max_retries = if retryable { any_retries } else { 0 };
        let connection_retries = policy.is_none_or(|p| p.connection_errors);
        let started = std::time::Instant::now();
        // Whether a retry after `delay` still ends within the policy's elapsed-time budget.
        let in_budget = |delay: Duration| {
            policy.and_then(|p| p.max_elapsed).is_none_or(|max| started.elapsed().saturating_add(delay) <= max)
        };
        // One key for every attempt of this call: the caller's, unless they set the header
        // themselves (a parameter of the operation, or a header of the client or the call:
        // theirs is never replaced), else a fresh one.
        let set_by_caller = |name: &HeaderName| {
            request.headers.iter().any(|(k, _)| k == name)
                || inner.options.headers.contains_key(name)
                || call_options.headers.contains_key(name)
        };
        let idempotency = match &facts.idempotency_header {
            Some(name) if !set_by_caller(name) => {
                let key = match &facts.key {
                    Some(key) => key.clone(),
                    None => new_idempotency_key()
                        .ok_or_else(|| Error::Config("the system gave no randomness for an idempotency key".into()))?,
                };
                Some((name, key))
            }
            _ => None,
        };
        let max_size = self.max_response_size(call_options);
        let auth = self.credentials_for(request.security.unwrap_or(inner.spec.alternatives)).map_err(Unsent::widen)?;
        request.check_path().map_err(Unsent::widen)?;
        request.check_names(inner.spec).map_err(Unsent::widen)?;
        let mut query_credentials = Vec::new();
        let mut cookie_credentials = Vec::new();
        let mut basic = None;
        for &(_, kind, secret) in &auth {
            match kind {
                // Prepared once, when the client was built.
                AuthKind::Bearer | AuthKind::Header(_) => {}
                AuthKind::Basic => basic = Some(secret.expose().split_once(':').unwrap_or((secret.expose(), ""))),
                AuthKind::Query(name) => query_credentials.push((name, secret.expose())),
                AuthKind::Cookie(name) => cookie_credentials.push((name, secret.expose())),
            }
        }
        let url = request.url(&inner.base_url, &query_credentials).map_err(Unsent::widen)?;
        let cookie = match request.cookie_header(&cookie_credentials).map_err(Unsent::widen)? {
            None => None,
            Some(text) => {
                let mut v = HeaderValue::from_str(&text)
                    .map_err(|_| Error::Config("a cookie is not a valid header value".into()))?;
                v.set_sensitive(true);
                Some(v)
            }
        };

        let mut attempt: u32 = 0;
        loop {
            // Saturating: `max_retries(u32::MAX)` retries for as long as it takes, never an
            // overflow panic at the 2^32nd attempt.
            attempt = attempt.saturating_add(1);
            // The wait before the next attempt, should this one fail (a `Retry-After` wins).
            let delay = policy.map_or_else(|| inner.backoff.delay(attempt - 1), |p| p.delay(attempt - 1));
            let mut builder = inner.http.request(request.method.clone(), &url);
            if !open {
                builder = builder.timeout(timeout);
            }
            if let Some((user, pass)) = basic {
                builder = builder.basic_auth(user, Some(pass));
            }
            if let Some((body, _)) = &request.body {
                // `Bytes`: a reference count, not a copy, per attempt.
                builder = builder.body(body.clone());
            }

            let outcome = async {
                let mut http_request = builder.build()?;
                // Headers go straight into the request, later ones replacing earlier ones of the
                // same name: the client's defaults, credentials, cookies, the operation's header
                // parameters, the client's extra headers, the call's, then the body's type.
                let headers = http_request.headers_mut();
                for (k, v) in &inner.default_headers {
                    headers.insert(k.clone(), v.clone());
                }
                for &(index, _, _) in &auth {
                    if let Some(Some((name, value))) = inner.auth_headers.get(index) {
                        headers.insert(name.clone(), value.clone());
                    }
                }
                if let Some(v) = &cookie {
                    headers.insert(reqwest::header::COOKIE, v.clone());
                }
                for (k, v) in &request.headers {
                    headers.insert(k.clone(), v.clone());
                }
                if let Some((name, key)) = &idempotency {
                    headers.insert((*name).clone(), key.clone());
                }
                if let Some(name) = facts.count_header.as_ref().filter(|_| attempt > 1) {
                    headers.insert(name.clone(), HeaderValue::from(attempt - 1));
                }
                for (k, v) in inner.options.headers.iter().chain(&call_options.headers) {
                    headers.insert(k.clone(), v.clone());
                }
                if let Some((_, content_type)) = &request.body {
                    headers.insert(reqwest::header::CONTENT_TYPE, content_type.clone());
                }
                let mut resp = inner.http.execute(http_request).await?;
                let status = resp.status();
                trace::answered(status);
                let headers = std::mem::take(resp.headers_mut());
                if status.is_success() || request.answers.contains(&status.as_u16()) {
                    if open {
                        return Ok(Outcome::Open { status, headers, resp });
                    }
                    let content_length = resp.content_length();
                    return Ok(match read_body(&mut resp, max_size, false).await? {
                        (body, true) => Outcome::Answer(RawResponse { status, headers, body }),
                        (_, false) => Outcome::TooLarge { status, content_length },
                    });
                }
                // An error: its body is only read when it is the last attempt's (see below).
                Ok(Outcome::Error { status, headers, resp })
            };
            let outcome = trace::in_span(trace::attempt_span(attempt), outcome);
            let outcome = if open {
                match tokio::time::timeout(timeout, outcome).await {
                    Ok(outcome) => outcome,
                    Err(_) if attempt <= max_retries && connection_retries && in_budget(delay) => {
                        trace::retrying(attempt, delay, "timeout");
                        tokio::time::sleep(delay).await;
                        continue;
                    }
                    Err(_) => {
                        trace::failed("timeout");
                        return Err(Error::Timeout { after: timeout, attempts: attempt });
                    }
                }
            } else {
                outcome.await
            };

            let retries_left = attempt <= max_retries;
            let failure = match outcome {
                Ok(Outcome::Answer(raw)) => return Ok(Answered::Whole(raw)),
                Ok(Outcome::Open { status, headers, resp }) => {
                    return Ok(Answered::Open { status, headers, resp, attempts: attempt })
                }
                Ok(Outcome::TooLarge { status, content_length }) => {
                    return Err(Error::TooLarge {
                        status,
                        limit: max_size,
                        content_length,
                        attempts: attempt,
                        item: None,
                    })
                }
                Ok(Outcome::Error { status, headers, mut resp }) => {
                    let wait = retry_after(&headers);
                    let can_retry = retries_left && retryable_status(status, &headers, policy);
                    // A wait longer than the cap is not slept blindly: the error goes back to
                    // the caller at once, with the requested wait in `retry_after`.
                    let too_long = wait.is_some_and(|w| w > MAX_RETRY_AFTER);
                    let delay = wait.unwrap_or(delay);
                    if can_retry && !too_long && in_budget(delay) {
                        // The body of an answer that is retried is never read.
                        drop(resp);
                        trace::retrying(attempt, delay, status.as_str());
                        tokio::time::sleep(delay).await;
                        continue;
                    }
                    // Only as much as an error keeps (and its envelope needs) is downloaded.
                    let read = read_body(&mut resp, max_size.min(ERROR_BODY_LIMIT), true);
                    let read = if open {
                        match tokio::time::timeout(timeout, read).await {
                            Ok(read) => read,
                            Err(_) => return Err(Error::Timeout { after: timeout, attempts: attempt }),
                        }
                    } else {
                        read.await
                    };
                    match read {
                        Ok((body, complete)) => {
                            let raw = RawResponse { status, headers, body };
                            let mut error = decode_error(&raw);
                            if let Error::Api(e) = &mut error {
                                e.attempts = attempt;
                                e.truncated = !complete;
                                // The operation's error type, from the whole body only.
                                if complete {
                                    e.typed = request.error_body.and_then(|decode| decode(status.as_u16(), &raw.body));
                                }
                            }
                            return Err(error);
                        }
                        Err(e) => e,
                    }
                }
                Err(e) => e,
            };
            // A request that never reached the server is always safe to send again.
            let e = failure;
            let safe = retryable || e.is_connect();
            let retries_left =
                attempt <= any_retries && safe && connection_retries && !permanent(&e) && in_budget(delay);
            if retries_left && (e.is_timeout() || e.is_connect() || e.is_request() || e.is_body() || e.is_decode()) {
                trace::retrying(attempt, delay, trace::error_kind(&e));
                tokio::time::sleep(delay).await;
                continue;
            }
            trace::failed(trace::error_kind(&e));
            if e.is_timeout() {
                return Err(Error::Timeout { after: timeout, attempts: attempt });
            }
            return Err(Error::Transport { source: e.without_url_query(), attempts: attempt });
        }
    }
}

/// Whether a failure is one that sending again cannot mend: the request could not be built (an
/// invalid URL, say), or TLS refused the server or its certificate (untrusted issuer, expired,
/// wrong name), which the next attempt would meet again. reqwest has no kind for TLS errors, and
/// the runtime does not depend on rustls: the causes are read for rustls' wording
/// ("invalid peer certificate", alerts naming a certificate).
fn permanent(e: &reqwest::Error) -> bool {
    if e.is_builder() {
        return true;
    }
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        let text = c.to_string().to_ascii_lowercase();
        if text.contains("certificate") {
            return true;
        }
        cause = c.source();
    }
    false
}

/// What one attempt brought back.
enum Outcome {
    /// A success (or a declared `3xx` answer), read whole.
    Answer(RawResponse),
    /// A success whose body is left unread (a streamed call).
    Open { status: StatusCode, headers: HeaderMap, resp: reqwest::Response },
    /// A success whose body is over the limit.
    TooLarge { status: StatusCode, content_length: Option<u64> },
    /// A status that makes an error; the body not read yet.
    Error { status: StatusCode, headers: HeaderMap, resp: reqwest::Response },
}

/// Reads a body in chunks, at most `limit` bytes: the bytes, and whether that is the whole
/// body. A `Content-Length` over the limit stops it before reading, unless `start` (keep the
/// start of a body that is too long, for an error's excerpt).
async fn read_body(resp: &mut reqwest::Response, limit: usize, start: bool) -> Result<(Vec<u8>, bool), reqwest::Error> {
    let announced = resp.content_length();
    if !start && announced.is_some_and(|n| n > limit as u64) {
        return Ok((Vec::new(), false));
    }
    // Reserved once when announced (no doubling on the way), never more than the limit. Under a
    // limit the caller lifted, the server's Content-Length alone sizes this: a reservation no
    // memory holds (10^18 bytes, say) is skipped, not an abort, and the body grows as it comes.
    let mut body = Vec::new();
    if let Some(n) = announced {
        let _ = body.try_reserve_exact(n.min(limit as u64) as usize);
    }
    while let Some(chunk) = resp.chunk().await? {
        let room = limit - body.len();
        if chunk.len() > room {
            body.extend_from_slice(chunk.get(..room).unwrap_or_default());
            return Ok((body, false));
        }
        body.extend_from_slice(&chunk);
    }
    Ok((body, true))
}

pub(crate) trait WithoutUrlQuery {
    fn without_url_query(self) -> Self;
}

impl WithoutUrlQuery for reqwest::Error {
    /// Query strings can carry API keys (`in: query` schemes): keep them out of messages.
    fn without_url_query(mut self) -> Self {
        if let Some(url) = self.url_mut() {
            url.set_query(None);
        }
        self
    }
}
