//! A request as the emitted operation functions describe it, checked before anything is sent.
//!
//! Every parameter is written so that a server reads back exactly the values given, and nothing
//! else: values are percent-encoded, a style's punctuation (`,` `|` `.` `;` `=`, brackets) is
//! written as is so that it cannot be told apart from a value's own characters only by a reader
//! that decodes before splitting, path parameters can never make a segment a server reads as
//! empty, `.` or `..`, and names taken from the caller's objects can neither be malformed nor
//! repeat a credential or another parameter. What cannot be written so fails the call before
//! sending, with [`Error::InvalidArgument`] naming the parameter.

use super::client::{ApiSpec, AuthKind, Security};
use super::error::{short, Unsent as Error, NAME_EXCERPT_LIMIT};
use super::retry::{idempotency_key_value, RetryFacts, RetryPolicy};
use openapi_rust_runtime_model::param::finite;
use openapi_rust_runtime_model::ParamValue;
use reqwest::header::{HeaderName, HeaderValue};
use reqwest::Method;
use serde::Serialize;
use serde_json::Value;
use std::fmt::Write as _;
use std::ops::Range;

/// The longest URL a request may have, in bytes as sent (base URL, encoded path and query,
/// credentials included): 8 KiB, the smallest common default of servers and proxies (nginx
/// reads a request line into 8 KiB buffers, Apache's `LimitRequestLine` is 8190), so a longer
/// one would most likely be refused anyway. A longer request fails before sending with
/// [`Error::InvalidArgument`] naming the parameter that takes the most room.
pub const MAX_URL_LENGTH: usize = 8 * 1024;

/// The longest value of one header a request may have, in bytes (the `Cookie` header, which
/// holds every cookie parameter, included): 8 KiB, Apache's `LimitRequestFieldSize` and
/// nginx's buffer. A longer one fails before sending with [`Error::InvalidArgument`].
pub const MAX_HEADER_LENGTH: usize = 8 * 1024;

/// One query parameter or cookie as it goes on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pair {
    /// The name, as the server reads it (it is encoded on the way).
    pub(crate) name: String,
    /// The value: one item for a scalar; the items of a list (a non-exploded array or object),
    /// written joined by `sep` as is while the items' own occurrences of it are encoded.
    pub(crate) items: Vec<String>,
    /// `,`, `|` or ` ` (written `%20`).
    pub(crate) sep: char,
    /// The parameter whose value supplied the name, when it is a key of the caller's object (an
    /// exploded object, `deepObject`); `None` when the name is the spec's.
    pub(crate) owner: Option<String>,
}

impl Pair {
    fn declared(name: &str, items: Vec<String>, sep: char) -> Pair {
        Pair { name: name.to_string(), items, sep, owner: None }
    }

    /// The parameter to name in an error about this pair.
    fn parameter(&self) -> &str {
        self.owner.as_deref().unwrap_or(&self.name)
    }
}

/// One request: method, path (already encoded), query, headers, cookies, body, and the
/// credentials it accepts.
///
/// Builders record the first problem they meet (a bad argument, say) instead of failing
/// mid-way; [`super::Call`] reports it without sending anything.
#[derive(Debug)]
pub struct Request {
    pub(crate) method: Method,
    pub(crate) path: String,
    /// Where each path parameter was written in `path`: its name and byte range.
    pub(crate) path_params: Vec<(String, Range<usize>)>,
    pub(crate) query: Vec<Pair>,
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    pub(crate) cookies: Vec<Pair>,
    /// The names the operation gave its query and cookie parameters (whether or not a value put
    /// them on the wire): names from the caller's objects must not repeat them.
    pub(crate) declared: Vec<(Place, String)>,
    /// The body and its `Content-Type`.
    pub(crate) body: Option<(bytes::Bytes, HeaderValue)>,
    pub(crate) retryable: bool,
    /// The operation's own accepted credentials; `None`: the API's default.
    pub(crate) security: Option<Security>,
    /// `3xx` statuses that are this operation's answers (see [`Request::answers`]).
    pub(crate) answers: &'static [u16],
    /// The whole URL to send instead of the base URL, path and query (the next page's URL a
    /// listing named, already checked to be under the base URL); credentials are still added.
    pub(crate) url_override: Option<String>,
    /// What the spec says about retrying this operation (policy, idempotency key, count header).
    pub(crate) retry: RetryFacts,
    pub(crate) error: Option<Error>,
    /// Decodes an error response's body into the operation's error type (see
    /// [`Request::error_body`]).
    pub(crate) error_body: Option<crate::error::DecodeErrorBody>,
}

/// Where a named parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Place {
    Query,
    Cookie,
}

impl Clone for Request {
    fn clone(&self) -> Self {
        Request {
            method: self.method.clone(),
            path: self.path.clone(),
            path_params: self.path_params.clone(),
            query: self.query.clone(),
            headers: self.headers.clone(),
            cookies: self.cookies.clone(),
            declared: self.declared.clone(),
            body: self.body.clone(),
            retryable: self.retryable,
            security: self.security,
            answers: self.answers,
            url_override: self.url_override.clone(),
            retry: self.retry.clone(),
            error: self.error.as_ref().map(Error::clone_before_send),
            error_body: self.error_body,
        }
    }
}

impl Request {
    /// A request; `retryable` says whether it may be sent again after a failure.
    pub fn new(method: Method, retryable: bool) -> Self {
        Request {
            method,
            path: String::new(),
            path_params: Vec::new(),
            query: Vec::new(),
            headers: Vec::new(),
            cookies: Vec::new(),
            declared: Vec::new(),
            body: None,
            retryable,
            security: None,
            answers: &[],
            url_override: None,
            retry: RetryFacts::default(),
            error: None,
            error_body: None,
        }
    }

    /// This operation's own retry policy (`x-speakeasy-retries`), replacing the default one.
    pub fn retry_policy(&mut self, policy: RetryPolicy) {
        self.retry.policy = Some(policy);
    }

    /// The header that carries this operation's idempotency key (`x-idempotency`): every call
    /// sends one (the caller's, see `Call::idempotency_key`, else a fresh random key), the same
    /// on every attempt of the call, so the server can tell a retry from a new call.
    pub fn idempotency_header(&mut self, name: &str) {
        match HeaderName::from_bytes(name.as_bytes()) {
            Ok(name) => self.retry.idempotency_header = Some(name),
            Err(_) => self.fail(Error::invalid(name, "is not a valid header name")),
        }
    }

    /// The caller's idempotency key for this call (see `Call::idempotency_key`): checked now,
    /// the call failing before sending when it is invalid or the operation takes none.
    pub(crate) fn set_idempotency_key(&mut self, key: &str) {
        let checked = match self.retry.idempotency_header {
            None => Err("is not taken by this operation: its spec declares no idempotency header"),
            Some(_) => idempotency_key_value(key),
        };
        match checked {
            Ok(value) => self.retry.key = Some(value),
            Err(reason) => self.fail(Error::invalid("idempotency_key", reason)),
        }
    }

    /// The header that tells the server how many retries came before an attempt (`1`, `2`, …;
    /// not sent on the first attempt).
    pub fn retry_count_header(&mut self, name: &str) {
        match HeaderName::from_bytes(name.as_bytes()) {
            Ok(name) => self.retry.count_header = Some(name),
            Err(_) => self.fail(Error::invalid(name, "is not a valid header name")),
        }
    }

    /// The path as the spec's template wrote it: every parameter's value replaced by its
    /// `{name}` again, so that it can be logged without the identifiers it held.
    #[cfg_attr(not(feature = "tracing"), allow(dead_code))]
    pub(crate) fn template(&self) -> String {
        let mut out = String::with_capacity(self.path.len());
        let mut at = 0;
        for (name, range) in &self.path_params {
            out.push_str(self.path.get(at..range.start).unwrap_or_default());
            out.push('{');
            out.push_str(name);
            out.push('}');
            at = range.end;
        }
        out.push_str(self.path.get(at..).unwrap_or_default());
        out
    }

    /// The operation's error type: an error response whose status it declares a schema for has
    /// its whole body decoded into `E` (see [`crate::ErrorBody`]), kept on the `ApiError`.
    pub fn error_body<E: crate::ErrorBody>(&mut self) {
        self.error_body = Some(crate::error::typed_body::<E>);
    }

    /// `3xx` statuses the spec declares as this operation's answers (it has no `2xx`): they
    /// are successes, not errors. Redirects are never followed.
    pub fn answers(&mut self, statuses: &'static [u16]) {
        self.answers = statuses;
    }

    /// The combinations of credentials this operation accepts, when they differ from the API's
    /// default (`&[]`: none needed). See [`Security`].
    pub fn security(&mut self, alternatives: Security) {
        self.security = Some(alternatives);
    }

    fn fail(&mut self, error: Error) {
        if self.error.is_none() {
            self.error = Some(error);
        }
    }

    /// The first problem recorded while the request was built, if any (the error the call
    /// returns without sending).
    pub fn error(&self) -> Option<&Error> {
        self.error.as_ref()
    }

    /// Appends literal path text from the spec's template.
    pub fn literal(&mut self, text: &str) {
        self.path.push_str(text);
    }

    /// Appends one path parameter, percent-encoded (everything but RFC 3986's unreserved
    /// characters). Rejected: an empty value (a `NaN` or infinite number, which has no text,
    /// included), `.` and `..`, and any value a server could read as such a step, decoding it
    /// (`/` and `\` as separators): they would change which resource the path names. The
    /// segment the value ends up in is checked again, whole, before sending.
    pub fn path_param(&mut self, name: &str, value: &str) {
        if value.is_empty() {
            return self
                .fail(Error::invalid(name, "must not be empty (NaN and infinities, which have no text, are empty)"));
        }
        let mut piece = String::new();
        encode_segment(value, &mut piece);
        self.push_path_piece(name, &piece);
    }

    /// Appends an encoded path piece after the checks every path parameter gets.
    fn push_path_piece(&mut self, name: &str, piece: &str) {
        if piece.is_empty() {
            return self.fail(Error::invalid(name, "must not be empty"));
        }
        if let Some(reason) = unsafe_segment(piece) {
            return self.fail(Error::invalid(name, reason));
        }
        if piece.len() > MAX_URL_LENGTH {
            return self.fail(too_long(name, piece.len(), "URL", MAX_URL_LENGTH));
        }
        let start = self.path.len();
        self.path.push_str(piece);
        self.path_params.push((name.to_string(), start..self.path.len()));
    }

    /// Appends a path parameter whose value is structured (an array, an object, a union), or
    /// that has the `label` or `matrix` style; the style's punctuation is written as is, the
    /// values percent-encoded (with `.` too, in the `label` style, whose separator it is):
    ///
    /// | style | scalar | array | object | object, `explode` |
    /// |---|---|---|---|---|
    /// | `Simple` | `v` | `a,b` | `k1,v1,k2,v2` | `k1=v1,k2=v2` |
    /// | `Label` | `.v` | `.a,b` (`.a.b` exploded) | `.k1,v1,k2,v2` | `.k1=v1.k2=v2` |
    /// | `Matrix` | `;name=v` | `;name=a,b` (`;name=a;name=b` exploded) | `;name=k1,v1,k2,v2` | `;k1=v1;k2=v2` |
    ///
    /// Whatever the style, the result is checked as [`Request::path_param`] checks a value.
    pub fn path_structured<T: Serialize + ?Sized>(&mut self, name: &str, value: &T, style: Style, explode: bool) {
        let value = match checked_value(value) {
            Ok(v) => v,
            Err(e) => return self.fail(Error::invalid(name, e)),
        };
        let encode = |text: &str| {
            let mut out = String::new();
            if style == Style::Label {
                encode_label(text, &mut out);
            } else {
                encode_segment(text, &mut out);
            }
            out
        };
        // (key, value) pieces; `keyed` when they come from an object's properties.
        let (pieces, keyed): (Vec<(String, String)>, bool) = match &value {
            Value::Array(items) => (items.iter().map(|v| (encode(name), encode(&text(v)))).collect(), false),
            Value::Object(map) => {
                (map.iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (encode(k), encode(&text(v)))).collect(), true)
            }
            scalar if !matches!(style, Style::Label | Style::Matrix) => return self.path_param(name, &text(scalar)),
            scalar => (vec![(encode(name), encode(&text(scalar)))], false),
        };
        if pieces.is_empty() {
            // `simple` would write nothing, `label` a lone `.`, `matrix` what `[""]` writes.
            return self.fail(Error::invalid(name, "must not be empty (an array or object with no value)"));
        }
        let joined = |pair_sep: &str, sep: &str, with_keys: bool| {
            let parts: Vec<String> =
                pieces.iter().map(|(k, v)| if with_keys { format!("{k}{pair_sep}{v}") } else { v.clone() }).collect();
            parts.join(sep)
        };
        let encoded_name = encode(name);
        let text = match (style, keyed, explode) {
            (Style::Label, true, true) => format!(".{}", joined("=", ".", true)),
            (Style::Label, true, false) => format!(".{}", joined(",", ",", true)),
            (Style::Label, false, true) => format!(".{}", joined("", ".", false)),
            (Style::Label, false, false) => format!(".{}", joined("", ",", false)),
            (Style::Matrix, true, true) => format!(";{}", joined("=", ";", true)),
            (Style::Matrix, true, false) => format!(";{encoded_name}={}", joined(",", ",", true)),
            (Style::Matrix, false, true) => format!(";{}", joined("=", ";", true)),
            (Style::Matrix, false, false) => format!(";{encoded_name}={}", joined("", ",", false)),
            (_, true, true) => joined("=", ",", true),
            (_, true, false) => joined(",", ",", true),
            (_, false, _) => joined("", ",", false),
        };
        self.push_path_piece(name, &text);
    }

    /// Checks, before sending, every path segment a parameter was written into, whole (the
    /// template's text around the parameter included), as [`Request::path_param`] checks a
    /// value: `/{a}{b}` with `.` and `.` is `..` though neither value is.
    pub(crate) fn check_path(&self) -> Result<(), Error> {
        let mut start = 0;
        for segment in self.path.split('/') {
            let range = start..start + segment.len();
            start = range.end + 1;
            let Some((name, _)) =
                self.path_params.iter().find(|(_, r)| r.start < range.end.max(range.start + 1) && r.end > range.start)
            else {
                continue;
            };
            if segment.is_empty() {
                return Err(Error::invalid(name, "makes an empty path segment"));
            }
            if let Some(reason) = unsafe_segment(segment) {
                return Err(Error::invalid(name, format!("makes a path segment that {reason}")));
            }
        }
        Ok(())
    }

    /// Declares every query and cookie parameter of the operation by name, given or not, so
    /// that a key of the caller's object cannot stand in for one left out (parameters that are
    /// given are known without this). Emitted code may call it before the parameters.
    pub fn parameters(&mut self, query: &[&str], cookies: &[&str]) {
        for name in query {
            self.declare(Place::Query, name);
        }
        for name in cookies {
            self.declare(Place::Cookie, name);
        }
    }

    /// Records a name the operation gave a query or cookie parameter.
    fn declare(&mut self, place: Place, name: &str) {
        if !self.declared.iter().any(|(p, n)| *p == place && n == name) {
            self.declared.push((place, name.to_string()));
        }
    }

    /// Adds pairs, after checking them for `place`; `None`: the value failed, already recorded.
    fn add_pairs(&mut self, place: Place, parameter: &str, pairs: Result<Vec<Pair>, String>) {
        self.declare(place, parameter);
        let pairs = match pairs {
            Ok(pairs) => pairs,
            Err(reason) => return self.fail(Error::invalid(parameter, reason)),
        };
        for pair in pairs {
            if let Some(reason) = check_pair(place, &pair) {
                return self.fail(Error::invalid(pair.parameter(), reason));
            }
            match place {
                Place::Query => self.query.push(pair),
                Place::Cookie => self.cookies.push(pair),
            }
        }
    }

    /// Adds a query pair. A `NaN` or infinite number fails the call.
    pub fn query(&mut self, name: &str, value: impl ParamValue) {
        let pairs = scalar(&value).map(|text| vec![Pair::declared(name, vec![text], ',')]);
        self.add_pairs(Place::Query, name, pairs);
    }

    /// Adds an array query parameter: `explode` repeats the key, otherwise values are
    /// comma-joined (the commas written as is, the values' own commas encoded).
    pub fn query_array<T: ParamValue>(&mut self, name: &str, values: &[T], explode: bool) {
        let texts: Result<Vec<String>, String> = values.iter().map(scalar).collect();
        let pairs = texts.map(|texts| {
            if explode {
                texts.into_iter().map(|t| Pair::declared(name, vec![t], ',')).collect()
            } else {
                vec![Pair::declared(name, texts, ',')]
            }
        });
        self.add_pairs(Place::Query, name, pairs);
    }

    /// Sets a query parameter, replacing any value it had (used to turn pages). A pair named so
    /// by a key of the caller's object is not replaced: the call then fails, as any such
    /// repetition does.
    pub fn set_query(&mut self, name: &str, value: impl ParamValue) {
        self.query.retain(|p| p.name != name || p.owner.is_some());
        self.query(name, value);
    }

    /// Reads a query parameter back (the first item of the spec's parameter of that name).
    pub fn query_value(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|p| p.name == name && p.owner.is_none())
            .and_then(|p| p.items.first())
            .map(String::as_str)
    }

    /// Adds a header parameter. Rejected: a `NaN` or infinite number, and values HTTP cannot
    /// carry exactly: with control characters (CR, LF...) or non-ASCII characters, beginning or
    /// ending with whitespace (which servers drop), or longer than [`MAX_HEADER_LENGTH`].
    pub fn header(&mut self, name: &str, value: impl ParamValue) {
        match scalar(&value) {
            Ok(text) => self.header_text(name, &text),
            Err(reason) => self.fail(Error::invalid(name, reason)),
        }
    }

    fn header_text(&mut self, name: &str, text: &str) {
        let Ok(header_name) = HeaderName::from_bytes(name.as_bytes()) else {
            return self.fail(Error::invalid(name, "is not a valid header name"));
        };
        match header_value(text) {
            Ok(v) => self.headers.push((header_name, v)),
            Err(reason) => self.fail(Error::invalid(name, reason)),
        }
    }

    /// Adds a header whose value is a list of scalars, comma-joined (the `simple` style). An
    /// item that holds a comma is rejected: the server could not tell the items apart.
    pub fn header_list<T: ParamValue>(&mut self, name: &str, values: &[T]) {
        let texts: Result<Vec<String>, String> = values.iter().map(scalar).collect();
        match texts.and_then(|t| header_items(&t, ",")) {
            Ok(text) => self.header_text(name, &text),
            Err(reason) => self.fail(Error::invalid(name, reason)),
        }
    }

    /// Adds a query parameter whose value is structured (an object, an array, any value
    /// the spec describes with a schema that is not a plain scalar), written per its `style`:
    ///
    /// - an array: `name=a&name=b` when `explode`, else `name=a,b` (`a%20b`, `a|b` for the
    ///   space- and pipe-delimited styles; the values' own delimiters are encoded);
    /// - an object, `deepObject`: `name[key]=value` (nested objects go one bracket deeper);
    ///   keys must be non-empty and hold no bracket;
    /// - an object, `form` with `explode`: each property is its own `key=value`; keys must be
    ///   non-empty, and must not be the name of a credential or of another parameter (checked
    ///   before sending);
    /// - an object otherwise: `name=key1,value1,key2,value2`.
    ///
    /// `null` values are left out; values nested in arrays or objects that are themselves
    /// objects are written as JSON. A `NaN` or infinite number anywhere fails the call.
    pub fn query_structured<T: Serialize + ?Sized>(&mut self, name: &str, value: &T, style: Style, explode: bool) {
        let pairs = checked_value(value).and_then(|v| styled_pairs(name, &v, style, explode));
        self.add_pairs(Place::Query, name, pairs);
    }

    /// Adds a header parameter whose value is structured, in the `simple` style: arrays as
    /// `a,b`; objects as `key1,value1,key2,value2`, or `key1=value1,key2=value2` when `explode`.
    /// A `null` value sends no header. Items holding a comma, and keys holding `=` when
    /// `explode`, are rejected (the server could not tell them apart); so is anything
    /// [`Request::header`] rejects.
    pub fn header_structured<T: Serialize + ?Sized>(&mut self, name: &str, value: &T, explode: bool) {
        match checked_value(value).and_then(|v| simple(&v, explode)) {
            Ok(None) => {}
            Ok(Some(text)) => self.header_text(name, &text),
            Err(reason) => self.fail(Error::invalid(name, reason)),
        }
    }

    /// Adds a cookie parameter; its value is percent-encoded (everything outside RFC 6265's
    /// cookie-octets, and `%`). The name must be an RFC 6265 token.
    pub fn cookie(&mut self, name: &str, value: impl ParamValue) {
        let pairs = scalar(&value).map(|text| vec![Pair::declared(name, vec![text], ',')]);
        self.add_pairs(Place::Cookie, name, pairs);
    }

    /// Adds a cookie parameter whose value is structured, in the `form` style (as
    /// [`Request::query_structured`] writes it; with `explode`, each property of an object is
    /// its own cookie, whose name must be an RFC 6265 token and must not be the name of a
    /// credential or another parameter).
    pub fn cookie_structured<T: Serialize + ?Sized>(&mut self, name: &str, value: &T, explode: bool) {
        let pairs = checked_value(value).and_then(|v| styled_pairs(name, &v, Style::Form, explode));
        self.add_pairs(Place::Cookie, name, pairs);
    }

    /// Checks, before sending, that no name taken from the caller's objects repeats a
    /// credential of `spec` sent the same way, a parameter of the operation, or a name taken
    /// from another parameter's object. Names compare ignoring ASCII case, as some servers read
    /// them.
    pub(crate) fn check_names(&self, spec: &ApiSpec) -> Result<(), Error> {
        for (place, pairs) in [(Place::Query, &self.query), (Place::Cookie, &self.cookies)] {
            for pair in pairs {
                let Some(owner) = &pair.owner else { continue };
                let same = |other: &str| other.eq_ignore_ascii_case(&pair.name);
                let shown = short(&pair.name, NAME_EXCERPT_LIMIT);
                let credential = spec.schemes.iter().find(|s| match (place, s.kind) {
                    (Place::Query, AuthKind::Query(n)) | (Place::Cookie, AuthKind::Cookie(n)) => same(n),
                    _ => false,
                });
                if let Some(scheme) = credential {
                    let reason =
                        format!("has a key `{shown}` that would repeat the `{}` credential's name", scheme.name);
                    return Err(Error::invalid(owner, reason));
                }
                if let Some((_, declared)) = self.declared.iter().find(|(p, n)| *p == place && same(n)) {
                    let reason = format!("has a key `{shown}` that would repeat the parameter `{declared}`");
                    return Err(Error::invalid(owner, reason));
                }
                let other = pairs.iter().find(|p| p.owner.as_ref().is_some_and(|o| o != owner) && same(&p.name));
                if let Some(other) = other {
                    let reason = format!("has a key `{shown}` that parameter `{}` has too", other.parameter());
                    return Err(Error::invalid(owner, reason));
                }
            }
        }
        Ok(())
    }

    fn set_body(&mut self, body: Vec<u8>, content_type: &str) {
        match HeaderValue::from_str(content_type) {
            Ok(ct) => self.body = Some((body.into(), ct)),
            Err(_) => self.fail(Error::invalid("body", format!("`{content_type}` is not a valid Content-Type"))),
        }
    }

    /// Sets a JSON body.
    pub fn json<T: Serialize + ?Sized>(&mut self, body: &T) {
        match serde_json::to_vec(body) {
            Ok(bytes) => self.set_body(bytes, "application/json"),
            Err(e) => self.fail(Error::invalid("body", e.to_string())),
        }
    }

    /// Sets an `application/x-www-form-urlencoded` body: each property of the object `body`
    /// is written as a `form`-style, exploded query parameter would be (arrays repeat the key,
    /// object properties become keys of their own).
    pub fn form<T: Serialize + ?Sized>(&mut self, body: &T) {
        self.form_styled(body, &[]);
    }

    /// As [`Request::form`], with the style (and `explode`) of some properties given by the
    /// spec's `encoding` (`deepObject` for nested objects, say).
    pub fn form_styled<T: Serialize + ?Sized>(&mut self, body: &T, styles: &[(&str, Style, bool)]) {
        let map = match serde_json::to_value(body) {
            Ok(Value::Object(map)) => map,
            Ok(_) => return self.fail(Error::invalid("body", "a form body must be an object")),
            Err(e) => return self.fail(Error::invalid("body", e.to_string())),
        };
        let mut pairs = Vec::new();
        for (key, value) in &map {
            let (style, explode) =
                styles.iter().find(|(name, _, _)| name == key).map_or((Style::Form, true), |(_, s, e)| (*s, *e));
            match styled_pairs(key, value, style, explode) {
                Ok(more) => pairs.extend(more),
                Err(reason) => return self.fail(Error::invalid(key, reason)),
            }
        }
        let mut text = String::new();
        write_query(&pairs, &mut text);
        self.set_body(text.into_bytes(), "application/x-www-form-urlencoded");
    }

    /// Sets a `multipart/form-data` body: each property of the object `body` is one part (see
    /// [`super::Binary`] for files).
    pub fn multipart<T: Serialize + ?Sized>(&mut self, body: &T) {
        match super::multipart::encode(body) {
            Ok((bytes, content_type)) => self.set_body(bytes, &content_type),
            Err(e) => self.fail(Error::invalid("body", e)),
        }
    }

    /// Sets a text body with the given media type (`text/plain`, say).
    pub fn text(&mut self, body: &str, content_type: &str) {
        self.set_body(body.as_bytes().to_vec(), content_type);
    }

    /// Sets a body of raw bytes with the given media type (`application/octet-stream`, say).
    pub fn bytes(&mut self, body: impl Into<Vec<u8>>, content_type: &str) {
        self.set_body(body.into(), content_type);
    }

    /// Checks a string's length in characters against `minLength`/`maxLength`.
    pub fn check_length(&mut self, name: &str, value: &str, min: Option<usize>, max: Option<usize>) {
        let len = value.chars().count();
        if let Some(min) = min {
            if len < min {
                self.fail(Error::invalid(name, format!("must be at least {min} characters long, got {len}")));
            }
        }
        if let Some(max) = max {
            if len > max {
                self.fail(Error::invalid(name, format!("must be at most {max} characters long, got {len}")));
            }
        }
    }

    /// Checks a number against `minimum`/`maximum` (inclusive unless marked exclusive).
    pub fn check_range(&mut self, name: &str, value: f64, min: Option<(f64, bool)>, max: Option<(f64, bool)>) {
        if !value.is_finite() {
            self.fail(Error::invalid(name, "must be a finite number"));
            return;
        }
        if let Some((min, exclusive)) = min {
            if value < min || (exclusive && value == min) {
                let op = if exclusive { ">" } else { "≥" };
                self.fail(Error::invalid(name, format!("must be {op} {min}, got {value}")));
            }
        }
        if let Some((max, exclusive)) = max {
            if value > max || (exclusive && value == max) {
                let op = if exclusive { "<" } else { "≤" };
                self.fail(Error::invalid(name, format!("must be {op} {max}, got {value}")));
            }
        }
    }

    /// Checks an array's length against `minItems`/`maxItems`.
    pub fn check_items(&mut self, name: &str, len: usize, min: Option<usize>, max: Option<usize>) {
        if min.is_some_and(|m| len < m) || max.is_some_and(|m| len > m) {
            self.fail(Error::invalid(name, format!("has {len} items, outside {min:?}..={max:?}")));
        }
    }

    /// The URL to send: `base` (no trailing slash), the path, then the query: the parameters,
    /// then `credentials` (`(name, value)` of API keys sent in the query). Fails when it is longer
    /// than [`MAX_URL_LENGTH`], naming the parameter that takes the most room.
    pub(crate) fn url(&self, base: &str, credentials: &[(&str, &str)]) -> Result<String, Error> {
        let mut url = String::with_capacity(base.len() + self.path.len() + 64);
        let mut query = String::new();
        match &self.url_override {
            Some(whole) => {
                let (before, after) = whole.split_once('?').unwrap_or((whole, ""));
                url.push_str(before);
                query.push_str(after);
            }
            None => {
                url.push_str(base);
                url.push_str(&self.path);
                write_query(&self.query, &mut query);
            }
        }
        for (name, value) in credentials {
            if !query.is_empty() {
                query.push('&');
            }
            encode_query(name, &mut query);
            query.push('=');
            encode_query(value, &mut query);
        }
        if !query.is_empty() {
            url.push('?');
            url.push_str(&query);
        }
        if url.len() <= MAX_URL_LENGTH {
            return Ok(url);
        }
        // The parameter with the most bytes on the wire.
        let mut sizes: Vec<(&str, usize)> = self.path_params.iter().map(|(n, r)| (n.as_str(), r.len())).collect();
        for pair in &self.query {
            let mut one = String::new();
            write_query(std::slice::from_ref(pair), &mut one);
            match sizes.iter_mut().find(|(n, _)| *n == pair.parameter()) {
                Some((_, size)) => *size += one.len() + 1,
                None => sizes.push((pair.parameter(), one.len())),
            }
        }
        let name = sizes.iter().max_by_key(|(_, size)| *size).map_or("(path)", |(n, _)| n);
        Err(too_long(name, url.len(), "URL", MAX_URL_LENGTH))
    }

    /// The `Cookie` header: `credentials` (`(name, value)`, checked when the client was built)
    /// then the cookie parameters, percent-encoded; `None` when there are none. Fails when it is
    /// longer than [`MAX_HEADER_LENGTH`], naming the biggest cookie parameter.
    pub(crate) fn cookie_header(&self, credentials: &[(&str, &str)]) -> Result<Option<String>, Error> {
        let mut out = String::new();
        for (name, value) in credentials {
            if !out.is_empty() {
                out.push_str("; ");
            }
            let _ = write!(out, "{name}={value}");
        }
        for pair in &self.cookies {
            if !out.is_empty() {
                out.push_str("; ");
            }
            write_cookie(pair, &mut out);
        }
        if out.len() > MAX_HEADER_LENGTH {
            let biggest =
                self.cookies.iter().max_by_key(|p| p.name.len() + p.items.iter().map(String::len).sum::<usize>());
            let name = biggest.map_or("Cookie", Pair::parameter);
            return Err(too_long(name, out.len(), "`Cookie` header", MAX_HEADER_LENGTH));
        }
        Ok((!out.is_empty()).then_some(out))
    }
}

/// The error for a parameter that makes something too long.
fn too_long(name: &str, len: usize, what: &str, limit: usize) -> Error {
    Error::invalid(name, format!("makes the {what} {len} bytes long, over the limit of {limit} bytes"))
}

/// Percent-encodes one path segment: everything but RFC 3986 unreserved characters.
pub fn encode_segment(value: &str, out: &mut String) {
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => out.push(byte as char),
            _ => {
                let _ = write!(out, "%{byte:02X}");
            }
        }
    }
}

/// As [`encode_segment`], with `.` encoded too: the separator of the `label` style.
fn encode_label(value: &str, out: &mut String) {
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'~' => out.push(byte as char),
            _ => {
                let _ = write!(out, "%{byte:02X}");
            }
        }
    }
}

/// Why a path segment (as encoded) must not be sent, if it must not: a server may decode it,
/// once or more (`%252e` is `%2e`, then `.`), and may read `/` and `\` in it as separators;
/// none of the steps it then sees may be empty, `.` or `..`.
fn unsafe_segment(segment: &str) -> Option<&'static str> {
    let mut text = segment.to_string();
    for _ in 0..3 {
        let has_separator = text.contains(['/', '\\']);
        for step in text.split(['/', '\\']) {
            match step {
                "." | ".." => return Some("would be read as a `.` or `..` path step, naming another resource"),
                "" if has_separator => return Some("would be read as a path with an empty step"),
                "" => return Some("would be read as an empty path segment"),
                _ => {}
            }
        }
        let decoded = percent_decode(&text);
        if decoded == text {
            break;
        }
        text = decoded;
    }
    None
}

/// Percent-decodes `text` once (invalid escapes kept as they are, bytes that are not UTF-8
/// replaced).
pub(crate) fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = |j: usize| bytes.get(j).and_then(|c| (*c as char).to_digit(16));
        match (b, hex(i + 1), hex(i + 2)) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Appends query text: RFC 3986 unreserved characters as they are, space as `+`, everything
/// else (the styles' separators `,` and `|`, `&`, `=`, `+`, `%`, brackets...) as `%XX`, as
/// `application/x-www-form-urlencoded` readers expect.
pub(crate) fn encode_query(value: &str, out: &mut String) {
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => out.push(byte as char),
            b' ' => out.push('+'),
            _ => {
                let _ = write!(out, "%{byte:02X}");
            }
        }
    }
}

/// Appends `name=value&...` for `pairs`; a list's separators are written as is (` ` as `%20`).
pub(crate) fn write_query(pairs: &[Pair], out: &mut String) {
    for pair in pairs {
        if !out.is_empty() {
            out.push('&');
        }
        encode_query(&pair.name, out);
        out.push('=');
        for (i, item) in pair.items.iter().enumerate() {
            if i > 0 {
                match pair.sep {
                    ' ' => out.push_str("%20"),
                    sep => out.push(sep),
                }
            }
            encode_query(item, out);
        }
    }
}

/// Appends `name=value` for one cookie parameter; a list's commas are written as is.
fn write_cookie(pair: &Pair, out: &mut String) {
    out.push_str(&pair.name);
    out.push('=');
    for (i, item) in pair.items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        encode_cookie(item, out);
    }
}

/// Whether `name` is an RFC 7230 token (RFC 6265's cookie-name).
pub(crate) fn is_token(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Whether `value` is made of RFC 6265 cookie-octets only (what a cookie credential may be).
pub(crate) fn is_cookie_value(value: &str) -> bool {
    value.bytes().all(|b| matches!(b, 0x21 | 0x23..=0x2B | 0x2D..=0x3A | 0x3C..=0x5B | 0x5D..=0x7E))
}

/// Why a pair cannot go in `place`, if it cannot.
fn check_pair(place: Place, pair: &Pair) -> Option<String> {
    let shown = || short(&pair.name, NAME_EXCERPT_LIMIT);
    if pair.owner.is_some() && pair.name.is_empty() {
        return Some("has a key that is empty, which cannot be sent as a name".into());
    }
    if place == Place::Cookie && !is_token(&pair.name) {
        return Some(format!("would send a cookie named `{shown}`, which is not an RFC 6265 token", shown = shown()));
    }
    let len = pair.name.len() + pair.items.iter().map(String::len).sum::<usize>();
    let limit = if place == Place::Query { MAX_URL_LENGTH } else { MAX_HEADER_LENGTH };
    // Encoding at least keeps the length; each item at most triples.
    (len > limit).then(|| format!("is {len} bytes long, over the limit of {limit} bytes"))
}

/// The text of a scalar parameter, or why it cannot be sent.
fn scalar<T: ParamValue + ?Sized>(value: &T) -> Result<String, String> {
    match value.invalid() {
        Some(reason) => Err(reason.to_string()),
        None => Ok(value.to_param()),
    }
}

/// A value as JSON, after checking it holds no `NaN` or infinity (which JSON writes `null`).
fn checked_value<T: Serialize + ?Sized>(value: &T) -> Result<Value, String> {
    finite(value)?;
    serde_json::to_value(value).map_err(|e| e.to_string())
}

/// A header value, or why `text` cannot be one exactly.
fn header_value(text: &str) -> Result<HeaderValue, String> {
    if text.len() > MAX_HEADER_LENGTH {
        return Err(format!("is {} bytes long, over the limit of {MAX_HEADER_LENGTH} bytes of a header", text.len()));
    }
    if let Some(c) = text.chars().find(|c| !matches!(c, ' '..='~' | '\t')) {
        let what = if c.is_ascii() { "a control character" } else { "a character that is not ASCII" };
        return Err(format!("holds {what} ({:?}), which a header cannot carry", c));
    }
    if text.starts_with([' ', '\t']) || text.ends_with([' ', '\t']) {
        return Err("begins or ends with whitespace, which servers drop from a header".into());
    }
    HeaderValue::from_str(text).map_err(|e| e.to_string())
}

/// `items` joined by `sep`, or why an item would make the list ambiguous: a comma, or
/// whitespace at either end (which HTTP's list syntax drops around each item).
fn header_items(items: &[String], sep: &str) -> Result<String, String> {
    if items.iter().any(|i| i.starts_with([' ', '\t']) || i.ends_with([' ', '\t'])) {
        return Err("has an item that begins or ends with whitespace, which servers drop from list items".into());
    }
    if let Some(item) = items.iter().find(|i| i.contains(',')) {
        return Err(format!(
            "has an item holding a comma (`{}`): the server could not tell the items of the list apart",
            short(item, NAME_EXCERPT_LIMIT)
        ));
    }
    Ok(items.join(sep))
}
/// How a structured parameter is written: OpenAPI's `style`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `form` (query, cookie, form bodies): arrays and objects comma-separated, or exploded
    /// into several pairs.
    Form,
    /// `spaceDelimited` (query): arrays separated by spaces.
    SpaceDelimited,
    /// `pipeDelimited` (query): arrays separated by `|`.
    PipeDelimited,
    /// `deepObject` (query, form bodies): `name[key]=value`, `name[0]=value` for arrays.
    DeepObject,
    /// `simple` (path, header): comma-separated.
    Simple,
    /// `label` (path): `.value`.
    Label,
    /// `matrix` (path): `;name=value`.
    Matrix,
}

impl Style {
    fn delimiter(self) -> char {
        match self {
            Style::SpaceDelimited => ' ',
            Style::PipeDelimited => '|',
            _ => ',',
        }
    }
}

/// The text of one value: strings as they are, whole numbers without a fraction, arrays
/// comma-joined, objects as JSON.
fn text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => i.to_string(),
            (_, Some(u), _) => u.to_string(),
            (_, _, Some(f)) => f.to_param(),
            _ => n.to_string(),
        },
        Value::Array(items) => items.iter().map(text).collect::<Vec<_>>().join(","),
        Value::Object(_) => value.to_string(),
    }
}

/// Pairs for a `form`-family or `deepObject` parameter (see [`Request::query_structured`]),
/// or why the value cannot be written so.
fn styled_pairs(name: &str, value: &Value, style: Style, explode: bool) -> Result<Vec<Pair>, String> {
    let sep = style.delimiter();
    let mut out = Vec::new();
    match value {
        Value::Null => {}
        Value::Array(_) | Value::Object(_) if style == Style::DeepObject => deep_pairs(name, name, value, &mut out)?,
        Value::Array(items) if explode => {
            out.extend(items.iter().filter(|v| !v.is_null()).map(|v| Pair::declared(name, vec![text(v)], sep)));
        }
        Value::Array(items) => {
            out.push(Pair::declared(name, items.iter().filter(|v| !v.is_null()).map(text).collect(), sep))
        }
        Value::Object(map) if explode => {
            for (key, v) in map {
                let pair = |item: &Value| Pair {
                    name: key.clone(),
                    items: vec![text(item)],
                    sep,
                    owner: Some(name.to_string()),
                };
                match v {
                    Value::Array(items) => out.extend(items.iter().map(pair)),
                    Value::Null => {}
                    other => out.push(pair(other)),
                }
            }
        }
        Value::Object(map) => {
            let items = map.iter().filter(|(_, v)| !v.is_null()).flat_map(|(k, v)| [k.clone(), text(v)]).collect();
            out.push(Pair::declared(name, items, sep));
        }
        scalar => out.push(Pair::declared(name, vec![text(scalar)], sep)),
    }
    Ok(out)
}

/// `deepObject`: `name[key]=value` for objects, `name[0]=value` for arrays, nested as deep as
/// the value goes (the bracket convention servers parse: Rails, PHP, `qs`). Keys that are empty
/// or hold a bracket are rejected: such servers would read another structure. So is an empty
/// object: it has no pair, so the server would read the property as absent (a required one as
/// missing) while the caller set it.
fn deep_pairs(parameter: &str, name: &str, value: &Value, out: &mut Vec<Pair>) -> Result<(), String> {
    match value {
        Value::Null => {}
        Value::Object(map) if map.is_empty() => {
            return Err(format!(
                "holds an empty object at `{}`, which `deepObject` cannot write (no `name[key]=value` pair \
                 would reach the server, which would read it as absent): leave it unset or give it a property",
                short(name, NAME_EXCERPT_LIMIT)
            ));
        }
        Value::Object(map) => {
            for (key, v) in map {
                if key.is_empty() || key.contains(['[', ']']) {
                    return Err(format!(
                        "has a key `{}` that is empty or holds a bracket, which `deepObject` cannot write",
                        short(key, NAME_EXCERPT_LIMIT)
                    ));
                }
                deep_pairs(parameter, &format!("{name}[{key}]"), v, out)?;
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                deep_pairs(parameter, &format!("{name}[{i}]"), v, out)?;
            }
        }
        other => {
            let owner = (name != parameter).then(|| parameter.to_string());
            out.push(Pair { name: name.to_string(), items: vec![text(other)], sep: ',', owner });
        }
    }
    Ok(())
}

/// The `simple` style (headers): arrays `a,b`; objects `k1,v1,k2,v2` or, exploded, `k1=v1,k2=v2`;
/// `None` for `null`. Fails when an item holds a comma (or a key `=`, exploded).
fn simple(value: &Value, explode: bool) -> Result<Option<String>, String> {
    match value {
        Value::Null => Ok(None),
        Value::Object(map) => {
            let mut items = Vec::new();
            for (k, v) in map.iter().filter(|(_, v)| !v.is_null()) {
                let v = text(v);
                if explode {
                    if k.contains('=') {
                        let k = short(k, NAME_EXCERPT_LIMIT);
                        return Err(format!("has a key holding `=` (`{k}`): the server could not tell key from value"));
                    }
                    header_items(&[k.clone(), v.clone()], "")?;
                    items.push(format!("{k}={v}"));
                } else {
                    items.push(k.clone());
                    items.push(v);
                }
            }
            header_items(&items, ",").map(Some)
        }
        Value::Array(items) => {
            header_items(&items.iter().filter(|v| !v.is_null()).map(text).collect::<Vec<_>>(), ",").map(Some)
        }
        other => Ok(Some(text(other))),
    }
}

/// Percent-encodes a cookie value: everything outside RFC 6265's cookie-octets (among them the
/// comma, which separates the items of a `form`-style list, and `;`), and `%`.
pub(crate) fn encode_cookie(value: &str, out: &mut String) {
    for byte in value.bytes() {
        match byte {
            0x21 | 0x23..=0x24 | 0x26..=0x2B | 0x2D..=0x3A | 0x3C..=0x5B | 0x5D..=0x7E => out.push(byte as char),
            _ => {
                let _ = write!(out, "%{byte:02X}");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use openapi_rust_runtime_model::JsonParam;

    #[test]
    fn path_segments_are_encoded() {
        let mut s = String::new();
        encode_segment("a/b?c d#e%", &mut s);
        assert_eq!(s, "a%2Fb%3Fc%20d%23e%25");
        let mut s = String::new();
        encode_segment("ünï", &mut s);
        assert_eq!(s, "%C3%BCn%C3%AF");
    }

    #[test]
    fn whole_floats_have_no_fraction() {
        assert_eq!(2.0_f64.to_param(), "2");
        assert_eq!(2.5_f64.to_param(), "2.5");
        assert_eq!(50_i64.to_param(), "50");
    }

    #[test]
    fn dot_segments_and_empty_values_are_rejected() {
        for bad in ["", ".", ".."] {
            let mut r = Request::new(Method::GET, true);
            r.path_param("zone_id", bad);
            assert!(matches!(r.error, Some(Error::InvalidArgument { ref name, .. }) if name == "zone_id"), "{bad:?}");
        }
        let mut r = Request::new(Method::GET, true);
        r.path_param("zone_id", "..a");
        assert!(r.error.is_none());
        assert_eq!(r.path, "..a");
    }

    /// The query string a request sends (no credentials).
    fn wire_query(r: &Request) -> String {
        let mut out = String::new();
        write_query(&r.query, &mut out);
        out
    }

    // Objects are built with their keys in order: the order on the wire is the map's, which
    // depends on serde_json's `preserve_order` feature.
    #[test]
    fn structured_query_styles() {
        let value = serde_json::json!({"first": "Alex", "none": null, "role": "admin", "tags": ["a", "b"]});
        let pairs = |style, explode| {
            let mut r = Request::new(Method::GET, true);
            r.query_structured("id", &value, style, explode);
            wire_query(&r)
        };
        assert_eq!(pairs(Style::Form, true), "first=Alex&role=admin&tags=a&tags=b");
        assert_eq!(pairs(Style::Form, false), "id=first,Alex,role,admin,tags,a%2Cb");
        assert_eq!(
            pairs(Style::DeepObject, true),
            "id%5Bfirst%5D=Alex&id%5Brole%5D=admin&id%5Btags%5D%5B0%5D=a&id%5Btags%5D%5B1%5D=b"
        );
        let mut r = Request::new(Method::GET, true);
        r.query_structured("ids", &[3, 4, 5], Style::PipeDelimited, false);
        r.query_structured("ids", &[2.0, 2.5], Style::SpaceDelimited, false);
        r.query_structured("n", &serde_json::json!({"a": {"b": 1}}), Style::DeepObject, true);
        r.query_structured("e", &["x"], Style::DeepObject, true);
        r.query_structured("d", &["a,b", "c|d e"], Style::Form, false);
        r.query_structured("p", &["a,b", "c|d e"], Style::PipeDelimited, false);
        r.query_structured("s", &["a,b", "c|d e"], Style::SpaceDelimited, false);
        assert_eq!(
            wire_query(&r),
            "ids=3|4|5&ids=2%202.5&n%5Ba%5D%5Bb%5D=1&e%5B0%5D=x&d=a%2Cb,c%7Cd+e&p=a%2Cb|c%7Cd+e&s=a%2Cb%20c%7Cd+e"
        );
        assert!(r.error.is_none());
        assert_eq!(simple(&serde_json::json!({"a": 1, "b": "x"}), true), Ok(Some("a=1,b=x".into())));
        assert_eq!(simple(&serde_json::json!({"a": 1, "b": "x"}), false), Ok(Some("a,1,b,x".into())));
        assert_eq!(JsonParam(&serde_json::json!({"a": [1]})).to_param(), r#"{"a":[1]}"#);
        let mut s = String::new();
        encode_cookie("a b;c=d%,\u{e9}", &mut s);
        assert_eq!(s, "a%20b%3Bc=d%25%2C%C3%A9");
    }

    #[test]
    fn path_styles() {
        let path = |value: serde_json::Value, style, explode| {
            let mut r = Request::new(Method::GET, true);
            r.path_structured("id", &value, style, explode);
            r.path
        };
        let object = serde_json::json!({"a": "x y", "b": 2});
        assert_eq!(path(serde_json::json!(5), Style::Simple, false), "5");
        assert_eq!(path(serde_json::json!("a/b"), Style::Label, false), ".a%2Fb");
        assert_eq!(path(serde_json::json!(5), Style::Matrix, false), ";id=5");
        assert_eq!(path(serde_json::json!([3, 4]), Style::Simple, false), "3,4");
        assert_eq!(path(serde_json::json!([3, 4]), Style::Label, true), ".3.4");
        assert_eq!(path(serde_json::json!([3, 4]), Style::Matrix, true), ";id=3;id=4");
        assert_eq!(path(serde_json::json!([3, 4]), Style::Matrix, false), ";id=3,4");
        assert_eq!(path(object.clone(), Style::Simple, false), "a,x%20y,b,2");
        assert_eq!(path(object.clone(), Style::Simple, true), "a=x%20y,b=2");
        assert_eq!(path(object.clone(), Style::Label, true), ".a=x%20y.b=2");
        assert_eq!(path(object.clone(), Style::Matrix, true), ";a=x%20y;b=2");
        assert_eq!(path(object, Style::Matrix, false), ";id=a,x%20y,b,2");
        let mut r = Request::new(Method::GET, true);
        r.path_structured("id", &serde_json::json!(".."), Style::Simple, false);
        assert!(r.error.is_some(), "the checks of `path_param` apply");
    }

    #[test]
    fn keys_never_repeat_a_declared_parameter_given_or_not() {
        static SPEC: ApiSpec = ApiSpec {
            default_base_url: "http://127.0.0.1:9",
            base_url_env: None,
            schemes: &[],
            alternatives: &[],
            combinations: &[],
        };
        let mut r = Request::new(Method::GET, true);
        r.parameters(&["page", "per_page"], &["theme"]);
        r.query_structured("filter", &serde_json::json!({"a": 1}), Style::Form, true);
        r.cookie_structured("prefs", &serde_json::json!({"lang": "en"}), true);
        assert!(r.check_names(&SPEC).is_ok());
        for (query_key, cookie_key) in [("PER_PAGE", "lang"), ("a", "theme")] {
            let mut r = Request::new(Method::GET, true);
            r.parameters(&["page", "per_page"], &["theme"]);
            r.query_structured("filter", &serde_json::json!({ query_key: 1 }), Style::Form, true);
            r.cookie_structured("prefs", &serde_json::json!({ cookie_key: "en" }), true);
            let err = r.check_names(&SPEC).unwrap_err();
            assert!(
                matches!(err, Error::InvalidArgument { ref name, .. } if name == "filter" || name == "prefs"),
                "{err}"
            );
        }
    }

    #[test]
    fn form_bodies_follow_the_encoding() {
        let body = serde_json::json!({"address": {"city": "Paris"}, "name": "a b", "tags": ["x", "y"]});
        let mut r = Request::new(Method::POST, false);
        r.form_styled(&body, &[("address", Style::DeepObject, true)]);
        let (bytes, content_type) = r.body.unwrap();
        assert_eq!(content_type, "application/x-www-form-urlencoded");
        assert_eq!(String::from_utf8(bytes.to_vec()).unwrap(), "address%5Bcity%5D=Paris&name=a+b&tags=x&tags=y");
    }

    #[test]
    fn ranges_and_lengths() {
        let mut r = Request::new(Method::GET, true);
        r.check_range("per_page", 4.0, Some((5.0, false)), Some((50.0, false)));
        assert!(r.error.as_ref().is_some_and(|e| e.to_string().contains("per_page")));
        let mut r = Request::new(Method::GET, true);
        r.check_range("per_page", 50.0, Some((5.0, false)), Some((50.0, false)));
        r.check_length("id", &"a".repeat(32), None, Some(32));
        assert!(r.error.is_none());
        r.check_length("id", &"a".repeat(33), None, Some(32));
        assert!(r.error.is_some());
    }
}
