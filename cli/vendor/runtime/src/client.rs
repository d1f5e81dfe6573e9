//! The client, its builder, and per-call options.

use super::error::{short, Unsent as Error, NAME_EXCERPT_LIMIT};
use super::request::{is_cookie_value, is_token, MAX_HEADER_LENGTH, MAX_URL_LENGTH};
use super::secret::Secret;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

/// What the runtime needs to know about one API; emitted from the spec.
#[derive(Debug)]
pub struct ApiSpec {
    /// The first `servers` URL.
    pub default_base_url: &'static str,
    /// Environment variable that overrides the base URL.
    pub base_url_env: Option<&'static str>,
    /// Security schemes.
    pub schemes: &'static [AuthScheme],
    /// The combinations of schemes accepted by operations that declare no `security` of their
    /// own, most preferred first; each is a list of indices into `schemes`.
    pub alternatives: Security,
    /// Every combination some operation accepts, for the check that no credential is given
    /// without its partners (see [`ClientBuilder::build`]).
    pub combinations: Security,
}

/// Accepted combinations of credentials, most preferred first: each combination is a list of
/// indices into [`ApiSpec::schemes`], all of which are sent together. No combination means no
/// authentication; an empty combination means credentials are optional.
pub type Security = &'static [&'static [usize]];

/// One security scheme.
#[derive(Debug)]
pub struct AuthScheme {
    /// Name in the spec.
    pub name: &'static str,
    /// How it is sent.
    pub kind: AuthKind,
    /// Environment variable holding a default value.
    pub env: Option<&'static str>,
}

/// How a credential is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthKind {
    /// `Authorization: Bearer <value>`.
    Bearer,
    /// `Authorization: Basic <base64(value)>`, the value being `user:password`.
    Basic,
    /// A header carrying the value as is.
    Header(&'static str),
    /// A query parameter carrying the value as is.
    Query(&'static str),
    /// A cookie carrying the value as is.
    Cookie(&'static str),
}

/// Defaults, as in Cloudflare's official SDKs.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// Retries after the first attempt.
pub const DEFAULT_MAX_RETRIES: u32 = 2;
/// A `Retry-After` longer than this is not waited out: the error is returned at once.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);
/// The longest successful response body a call accepts by default: 64 MiB. Bodies are held in
/// memory whole (and decoded from there), so this bounds what one response can cost; it is far
/// above any page of JSON an API sends (a few MiB at most), and a download bigger than this is
/// better streamed than buffered. Change it per client
/// ([`ClientBuilder::max_response_size`], [`RequestOptions::max_response_size`]) or per call
/// ([`super::Call::max_response_size`]). Error bodies are read only up to
/// [`super::ERROR_BODY_LIMIT`].
pub const DEFAULT_MAX_RESPONSE_SIZE: usize = 64 * 1024 * 1024;

/// Backoff between retries: `min(initial · 2^n, max)`, minus up to 25 % jitter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Backoff {
    /// Delay before the first retry.
    pub initial: Duration,
    /// Upper bound of one delay.
    pub max: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff { initial: Duration::from_millis(500), max: Duration::from_secs(8) }
    }
}

impl Backoff {
    /// The delay before retry number `retry` (0-based), jitter included.
    pub fn delay(&self, retry: u32) -> Duration {
        let base = self.initial.as_secs_f64() * 2f64.powi(retry.min(30) as i32);
        let capped = base.min(self.max.as_secs_f64());
        let jitter = 1.0 - fastrand::f64() * 0.25;
        // Bounded by `max`, which a caller may set to anything: saturate rather than panic.
        Duration::try_from_secs_f64(capped * jitter).unwrap_or(self.max)
    }
}

pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
    pub(crate) base_url: String,
    pub(crate) spec: &'static ApiSpec,
    /// The credential of each scheme of `spec.schemes` (same order), when given.
    pub(crate) credentials: Vec<Option<Secret>>,
    pub(crate) default_headers: HeaderMap,
    /// The header each credential is sent in (`Bearer` and header schemes), prepared once.
    pub(crate) auth_headers: Vec<Option<(HeaderName, HeaderValue)>>,
    pub(crate) options: RequestOptions,
    pub(crate) backoff: Backoff,
}

/// A client for the API. Cheap to clone: clones share one connection pool.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let schemes: Vec<String> = (self.inner.spec.schemes.iter().zip(&self.inner.credentials))
            .filter_map(|(scheme, secret)| secret.as_ref().map(|s| format!("{}={s:?}", scheme.name)))
            .collect();
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("auth", &schemes)
            .field("timeout", &self.inner.options.timeout)
            .field("max_retries", &self.inner.options.max_retries)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// The base URL requests go to (no trailing slash).
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// A client that shares this one's connections and credentials, with other defaults for
    /// timeout, retries or headers.
    pub fn with_options(&self, options: RequestOptions) -> Client {
        let inner = &self.inner;
        let mut merged = inner.options.clone();
        merged.merge(&options);
        Client {
            inner: Arc::new(Inner {
                http: inner.http.clone(),
                base_url: inner.base_url.clone(),
                spec: inner.spec,
                credentials: inner.credentials.clone(),
                default_headers: inner.default_headers.clone(),
                auth_headers: inner.auth_headers.clone(),
                options: merged,
                backoff: inner.backoff,
            }),
        }
    }
}

/// Settings that can be changed per call (see [`super::Call`]) or per client
/// ([`Client::with_options`]).
#[derive(Debug, Clone, Default)]
pub struct RequestOptions {
    /// Timeout of one attempt (connect, send, and read the whole body).
    pub timeout: Option<Duration>,
    /// Retries after the first attempt.
    pub max_retries: Option<u32>,
    /// The longest response body accepted, in bytes (see [`DEFAULT_MAX_RESPONSE_SIZE`]).
    pub max_response_size: Option<usize>,
    /// Extra headers, added after the client's own.
    pub headers: HeaderMap,
}

impl RequestOptions {
    pub(crate) fn merge(&mut self, other: &RequestOptions) {
        if other.timeout.is_some() {
            self.timeout = other.timeout;
        }
        if other.max_retries.is_some() {
            self.max_retries = other.max_retries;
        }
        if other.max_response_size.is_some() {
            self.max_response_size = other.max_response_size;
        }
        for (k, v) in &other.headers {
            self.headers.insert(k.clone(), v.clone());
        }
    }
}

/// Builds a [`Client`].
///
/// Credentials: set every one you have (one setter per security scheme of the spec). The client
/// keeps them all; each call sends exactly one combination: the first, in the spec's order of
/// preference, that the operation accepts and whose every part is set. An operation that needs
/// credentials none of whose combinations is complete fails before sending, with an
/// [`Error::Config`] naming the combinations it accepts and their environment variables.
/// Credentials set on the builder replace the environment entirely; the environment is read only
/// when none are set.
pub struct ClientBuilder {
    spec: &'static ApiSpec,
    base_url: Option<String>,
    credentials: BTreeMap<&'static str, Secret>,
    unknown_credential: Option<String>,
    use_env: bool,
    timeout: Duration,
    max_retries: u32,
    max_response_size: usize,
    backoff: Backoff,
    http: Option<reqwest::Client>,
    user_agent: Option<String>,
    headers: Vec<(String, String)>,
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url.as_deref().map(redact_url))
            .field("credentials", &self.credentials)
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// A builder for the API described by `spec`.
    pub fn new(spec: &'static ApiSpec) -> Self {
        ClientBuilder {
            spec,
            base_url: None,
            credentials: BTreeMap::new(),
            unknown_credential: None,
            use_env: true,
            timeout: DEFAULT_TIMEOUT,
            max_retries: DEFAULT_MAX_RETRIES,
            max_response_size: DEFAULT_MAX_RESPONSE_SIZE,
            backoff: Backoff::default(),
            http: None,
            user_agent: None,
            headers: Vec::new(),
        }
    }

    /// Sets the credential for the security scheme named `scheme` in the spec. The emitted
    /// setters (one per scheme) call this.
    pub fn credential(mut self, scheme: &str, value: impl Into<Secret>) -> Self {
        match self.spec.schemes.iter().find(|s| s.name == scheme) {
            Some(s) => {
                self.credentials.insert(s.name, value.into());
            }
            None => self.unknown_credential = Some(scheme.to_string()),
        }
        self
    }

    /// The base URL, with or without a trailing slash (`https://host/client/v4` and
    /// `https://host/client/v4/` are the same). Overrides the environment.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Whether to read defaults (base URL, credentials) from the environment. On by default.
    pub fn from_env(mut self, yes: bool) -> Self {
        self.use_env = yes;
        self
    }

    /// Timeout of one attempt. Default 60 s.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Retries after the first attempt. Default 2.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// The longest successful response body accepted, in bytes; a longer one fails the call
    /// with [`Error::TooLarge`] (not retried), without reading further. Default
    /// [`DEFAULT_MAX_RESPONSE_SIZE`] (64 MiB).
    pub fn max_response_size(mut self, bytes: usize) -> Self {
        self.max_response_size = bytes;
        self
    }

    /// Backoff between retries. Default 0.5 s doubling up to 8 s.
    pub fn backoff(mut self, backoff: Backoff) -> Self {
        self.backoff = backoff;
        self
    }

    /// Uses the caller's own `reqwest::Client` (proxies, TLS settings, connection pool). Its
    /// own timeout, if any, still applies on top of this client's, and so does its redirect
    /// policy: build it with `redirect(reqwest::redirect::Policy::none())` (as this crate's own
    /// client is built) unless you trust every host a redirect may lead to with your
    /// credentials. A `reqwest::Client` follows up to 10 redirects by default, and then:
    ///
    /// - credentials sent in headers other than `Authorization` and `Cookie` (API keys in a
    ///   header of their own) are sent to the redirect's target, whatever its host;
    /// - an API key sent in the query (an `in: query` scheme) reaches the target in the
    ///   `Referer` header, which reqwest sets to the previous URL, query included (unless the
    ///   redirect goes from `https` to `http`); `referer(false)` on the builder turns that off.
    ///
    /// The runtime cannot see or change a caller's client's policy, so it cannot prevent
    /// either; its own client follows no redirect and sends no `Referer`.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Replaces the `User-Agent` (default: this crate's name and version).
    pub fn user_agent(mut self, agent: impl Into<String>) -> Self {
        self.user_agent = Some(agent.into());
        self
    }

    /// A header sent with every request.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Builds the client. Fails, before any request, when the base URL is not an http(s) URL, a
    /// header or credential is malformed, or credentials are *partial*: some are given, but no
    /// combination any operation accepts is complete (an email without its key, say), which is
    /// almost always a mistake. Missing credentials are not an error here: some operations may
    /// need none, and the others fail when called (see the type's docs).
    pub fn build(self) -> Result<Client, Error> {
        let env = |name: Option<&str>| -> Option<String> {
            name.and_then(|n| std::env::var(n).ok()).filter(|v| !v.trim().is_empty())
        };
        let raw_base = match (&self.base_url, self.use_env) {
            (Some(url), _) => url.clone(),
            (None, true) => env(self.spec.base_url_env).unwrap_or_else(|| self.spec.default_base_url.to_string()),
            (None, false) => self.spec.default_base_url.to_string(),
        };
        let base_url = normalize_base_url(&raw_base)?;
        if let Some(name) = self.unknown_credential {
            return Err(Error::Config(format!("`{name}` is not a security scheme of this API")));
        }
        let mut given = self.credentials;
        if given.is_empty() && self.use_env {
            for s in self.spec.schemes {
                if let Some(v) = env(s.env) {
                    given.insert(s.name, Secret::new(v));
                }
            }
        }
        let credentials: Vec<Option<Secret>> = self.spec.schemes.iter().map(|s| given.get(s.name).cloned()).collect();
        // Checks every credential that travels in a header, and prepares the header once.
        let auth_headers = (self.spec.schemes.iter().zip(&credentials))
            .map(|(scheme, secret)| secret.as_ref().map_or(Ok(None), |secret| auth_header(scheme, secret)))
            .collect::<Result<Vec<_>, Error>>()?;
        check_partial(self.spec, &given)?;

        let mut default_headers = HeaderMap::new();
        let agent = self
            .user_agent
            .unwrap_or_else(|| concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"), " (Rust)").to_string());
        // (A generated client's builder sets its own crate's name; see `client!`.)
        let agent = HeaderValue::from_str(&agent).map_err(|_| Error::Config("invalid User-Agent".into()))?;
        default_headers.insert(reqwest::header::USER_AGENT, agent);
        default_headers.insert(reqwest::header::ACCEPT, HeaderValue::from_static("application/json"));
        for (name, value) in self.headers {
            let n = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| Error::Config(format!("invalid header name `{}`", short(&name, NAME_EXCERPT_LIMIT))))?;
            let v = HeaderValue::from_str(&value).map_err(|_| {
                Error::Config(format!("invalid value for header `{}`", short(&name, NAME_EXCERPT_LIMIT)))
            })?;
            default_headers.insert(n, v);
        }
        let http = match self.http {
            Some(c) => c,
            // Redirects are not followed: a 3xx comes back as an API error. reqwest, when
            // following one to another host, strips `Authorization` but would still send API
            // keys carried in other headers there, and query API keys in `Referer` (off too).
            None => reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .referer(false)
                .build()
                .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?,
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                spec: self.spec,
                credentials,
                default_headers,
                auth_headers,
                options: RequestOptions {
                    timeout: Some(self.timeout),
                    max_retries: Some(self.max_retries),
                    max_response_size: Some(self.max_response_size),
                    headers: HeaderMap::new(),
                },
                backoff: self.backoff,
            }),
        })
    }
}

/// The header a credential is sent in, for the schemes sent as one (`Bearer`, API key in a
/// header), marked sensitive so that it is never printed. Every credential is checked here, so
/// that a malformed one fails at build with an error that names its scheme (never its value):
/// one sent in a header must be printable ASCII (no control or non-ASCII character, no
/// whitespace at either end) and at most [`MAX_HEADER_LENGTH`] bytes; a cookie must be RFC 6265
/// cookie-octets only (no `;`, `,`, space, quote or backslash); one in the query at most
/// [`MAX_URL_LENGTH`] bytes. Cookie credentials share the `Cookie` header with cookie
/// parameters, built per call.
fn auth_header(scheme: &AuthScheme, secret: &Secret) -> Result<Option<(HeaderName, HeaderValue)>, Error> {
    let bad = |why: &str| Error::Config(format!("the `{}` credential {why}", scheme.name));
    let value = secret.expose();
    let printable = value.bytes().all(|b| matches!(b, b' '..=b'~'));
    let trimmed = value.trim_matches(' ') == value;
    let header_ok = || -> Result<(), Error> {
        if value.len() > MAX_HEADER_LENGTH {
            return Err(bad(&format!("is longer than {MAX_HEADER_LENGTH} bytes, the limit of a header")));
        }
        if !printable {
            return Err(bad("holds a control or non-ASCII character, which a header cannot carry"));
        }
        if !trimmed || value.is_empty() {
            return Err(bad("is empty or begins or ends with whitespace"));
        }
        Ok(())
    };
    let (name, value) = match scheme.kind {
        AuthKind::Bearer => {
            header_ok()?;
            (reqwest::header::AUTHORIZATION, format!("Bearer {value}"))
        }
        AuthKind::Header(name) => {
            header_ok()?;
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| Error::Config(format!("`{name}` is not a valid header name")))?;
            (name, value.to_string())
        }
        AuthKind::Cookie(name) => {
            if !is_token(name) {
                return Err(Error::Config(format!("`{name}` is not a valid cookie name")));
            }
            header_ok()?;
            if !is_cookie_value(value) {
                return Err(bad("holds a character a cookie value cannot (`;`, `,`, space, quote, backslash)"));
            }
            return Ok(None);
        }
        AuthKind::Basic => {
            if value.len() > MAX_HEADER_LENGTH / 2 {
                return Err(bad(&format!("is longer than {} bytes, the limit of a header", MAX_HEADER_LENGTH / 2)));
            }
            return Ok(None);
        }
        AuthKind::Query(_) => {
            if value.len() > MAX_URL_LENGTH / 2 {
                return Err(bad(&format!("is longer than {} bytes, the limit of a URL", MAX_URL_LENGTH / 2)));
            }
            return Ok(None);
        }
    };
    let mut value = HeaderValue::from_str(&value).map_err(|_| bad("is not a valid header value"))?;
    value.set_sensitive(true);
    Ok(Some((name, value)))
}

/// Checks the base URL and drops trailing slashes, so that paths (which start with `/`) are
/// appended to it, never resolved against it: `/client/v4` keeps its `/v4`.
///
/// A base URL must be `http` or `https` with no user-info (`user:password@`: a password there
/// would show wherever the URL does, and be sent as Basic auth beside the API's credentials),
/// no query and no fragment (which the paths would be appended after). Errors show the URL
/// with those parts replaced by `***` (see [`redact_url`]).
fn normalize_base_url(raw: &str) -> Result<String, Error> {
    let shown = redact_url(raw);
    let url = reqwest::Url::parse(raw.trim()).map_err(|e| Error::Config(format!("base URL `{shown}`: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::Config(format!("base URL `{shown}` must be http or https")));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::Config(format!(
            "base URL `{shown}` must not hold user-info (`user:password@`): set credentials with the builder"
        )));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::Config(format!("base URL `{shown}` must not have a query or fragment")));
    }
    Ok(url.as_str().trim_end_matches('/').to_string())
}

/// A URL as it may be shown: user-info (everything before the last `@`), query and fragment
/// replaced by `***`, and cut to [`NAME_EXCERPT_LIMIT`] bytes; works on text that does not
/// parse as a URL too.
pub(crate) fn redact_url(raw: &str) -> String {
    let raw = raw.trim();
    let (before_query, query) = match raw.find(['?', '#']) {
        Some(i) => (raw.get(..i).unwrap_or_default(), raw.get(i..i + 1)),
        None => (raw, None),
    };
    let (scheme, rest) = match before_query.find("://") {
        Some(i) => before_query.split_at(i + 3),
        None => ("", before_query),
    };
    // Up to the last `@`, wherever it is: a password may hold `/`, which ends the authority
    // for a parser but not for a reader.
    let shown_rest = match rest.rfind('@') {
        Some(i) => format!("***@{}", rest.get(i + 1..).unwrap_or_default()),
        None => rest.to_string(),
    };
    let mut out = format!("{scheme}{shown_rest}");
    if let Some(mark) = query {
        out.push_str(mark);
        out.push_str("***");
    }
    short(&out, NAME_EXCERPT_LIMIT)
}

/// `scheme (env VAR) + scheme`, for messages.
fn describe(spec: &ApiSpec, combination: &[usize]) -> String {
    let parts: Vec<String> = combination
        .iter()
        .filter_map(|i| spec.schemes.get(*i))
        .map(|s| match s.env {
            Some(env) => format!("{} (env {env})", s.name),
            None => s.name.to_string(),
        })
        .collect();
    parts.join(" + ")
}

/// Fails when credentials are given but no combination any operation accepts is complete: the
/// client could authenticate nothing with them.
fn check_partial(spec: &ApiSpec, given: &BTreeMap<&'static str, Secret>) -> Result<(), Error> {
    let has = |i: &usize| spec.schemes.get(*i).is_some_and(|s| given.contains_key(s.name));
    if given.is_empty() || spec.combinations.iter().any(|c| c.iter().all(has)) {
        return Ok(());
    }
    // The combinations the given credentials are part of; none: they are for no operation.
    let to_complete: Vec<String> =
        spec.combinations.iter().filter(|c| c.iter().any(has)).map(|c| describe(spec, c)).collect();
    if to_complete.is_empty() {
        return Ok(());
    }
    let have: Vec<&str> = given.keys().copied().collect();
    Err(Error::Config(format!(
        "incomplete credentials (have: {}); complete one of: {}",
        have.join(", "),
        to_complete.join("; or ")
    )))
}

impl Client {
    /// The credentials to send with a request that accepts `alternatives`: the first non-empty
    /// combination whose every part is set; none when the operation needs no authentication
    /// (no combination, or an empty one); otherwise an error naming what would do.
    /// Each is `(index of the scheme in the spec, kind, secret)`.
    pub(crate) fn credentials_for(&self, alternatives: Security) -> Result<Vec<(usize, AuthKind, &Secret)>, Error> {
        let inner = &self.inner;
        let lookup = |i: &usize| {
            let scheme = inner.spec.schemes.get(*i)?;
            let secret = inner.credentials.get(*i)?.as_ref()?;
            Some((*i, scheme.kind, secret))
        };
        for combination in alternatives.iter().filter(|c| !c.is_empty()) {
            if let Some(chosen) = combination.iter().map(lookup).collect::<Option<Vec<_>>>() {
                return Ok(chosen);
            }
        }
        if alternatives.is_empty() || alternatives.iter().any(|c| c.is_empty()) {
            return Ok(Vec::new());
        }
        let accepted: Vec<String> = alternatives.iter().map(|c| describe(inner.spec, c)).collect();
        let have: Vec<&str> = (inner.spec.schemes.iter().zip(&inner.credentials))
            .filter(|(_, secret)| secret.is_some())
            .map(|(scheme, _)| scheme.name)
            .collect();
        let have = if have.is_empty() { String::new() } else { format!(" (have: {})", have.join(", ")) };
        Err(Error::Config(format!("this operation needs credentials{have}; set one of: {}", accepted.join("; or "))))
    }
}
