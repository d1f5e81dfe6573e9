//! A request as the emitted operation functions describe it, checked before anything is sent.

use super::error::Error;
use reqwest::header::{HeaderName, HeaderValue};
use reqwest::Method;
use std::fmt::Write as _;

/// One request: method, path (already encoded), query, headers and body.
///
/// Builders record the first problem they meet (a bad argument, say) instead of failing
/// mid-way; [`super::Call`] reports it without sending anything.
#[derive(Debug)]
pub struct Request {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    pub(crate) body: Option<(Vec<u8>, &'static str)>,
    pub(crate) retryable: bool,
    pub(crate) error: Option<Error>,
}

impl Clone for Request {
    fn clone(&self) -> Self {
        Request {
            method: self.method.clone(),
            path: self.path.clone(),
            query: self.query.clone(),
            headers: self.headers.clone(),
            body: self.body.clone(),
            retryable: self.retryable,
            error: self.error.as_ref().map(Error::clone_before_send),
        }
    }
}

impl Request {
    /// A request; `retryable` says whether it may be sent again after a failure.
    pub fn new(method: Method, retryable: bool) -> Self {
        Request {
            method,
            path: String::new(),
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
            retryable,
            error: None,
        }
    }

    fn fail(&mut self, error: Error) {
        if self.error.is_none() {
            self.error = Some(error);
        }
    }

    /// Appends literal path text from the spec's template.
    pub fn literal(&mut self, text: &str) {
        self.path.push_str(text);
    }

    /// Appends one path parameter, percent-encoded. Empty values, `.` and `..` are rejected:
    /// they would change which resource the path names.
    pub fn path_param(&mut self, name: &str, value: &str) {
        match value {
            "" => self.fail(Error::invalid(name, "must not be empty")),
            "." | ".." => self.fail(Error::invalid(name, format!("`{value}` is not allowed in a path"))),
            _ => encode_segment(value, &mut self.path),
        }
    }

    /// Adds a query pair.
    pub fn query(&mut self, name: &str, value: impl ParamValue) {
        self.query.push((name.to_string(), value.to_param()));
    }

    /// Adds an array query parameter: `explode` repeats the key, otherwise values are
    /// comma-joined.
    pub fn query_array<T: ParamValue>(&mut self, name: &str, values: &[T], explode: bool) {
        if explode {
            for v in values {
                self.query.push((name.to_string(), v.to_param()));
            }
        } else {
            let joined: Vec<String> = values.iter().map(ParamValue::to_param).collect();
            self.query.push((name.to_string(), joined.join(",")));
        }
    }

    /// Sets a query parameter, replacing any value it had (used to turn pages).
    pub fn set_query(&mut self, name: &str, value: impl ParamValue) {
        self.query.retain(|(k, _)| k != name);
        self.query(name, value);
    }

    /// Reads a query parameter back.
    pub fn query_value(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// Adds a header parameter.
    pub fn header(&mut self, name: &str, value: impl ParamValue) {
        match (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(&value.to_param())) {
            (Ok(n), Ok(v)) => self.headers.push((n, v)),
            _ => self.fail(Error::invalid(name, "is not a valid header value")),
        }
    }

    /// Sets a JSON body.
    pub fn json(&mut self, body: &impl serde::Serialize) {
        match serde_json::to_vec(body) {
            Ok(bytes) => self.body = Some((bytes, "application/json")),
            Err(e) => self.fail(Error::invalid("body", e.to_string())),
        }
    }

    /// Sets an `application/x-www-form-urlencoded` body.
    pub fn form(&mut self, body: &impl serde::Serialize) {
        match serde_urlencoded::to_string(body) {
            Ok(text) => self.body = Some((text.into_bytes(), "application/x-www-form-urlencoded")),
            Err(e) => self.fail(Error::invalid("body", e.to_string())),
        }
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

/// How a parameter value is written into a path, query or header.
pub trait ParamValue {
    /// The text form.
    fn to_param(&self) -> String;
}

macro_rules! display_param {
    ($($ty:ty),*) => {$(
        impl ParamValue for $ty {
            fn to_param(&self) -> String {
                self.to_string()
            }
        }
    )*};
}

// Floats print whole values without a fraction: `2.0_f64` goes on the wire as `2`.
display_param!(String, str, bool, i32, i64, u32, u64, f32, f64);

impl<T: ParamValue + ?Sized> ParamValue for &T {
    fn to_param(&self) -> String {
        (**self).to_param()
    }
}

impl ParamValue for chrono::DateTime<chrono::Utc> {
    fn to_param(&self) -> String {
        self.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
    }
}

impl ParamValue for chrono::NaiveDate {
    fn to_param(&self) -> String {
        self.format("%Y-%m-%d").to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
