//! A request as the emitted operation functions describe it, checked before anything is sent.

use super::client::Security;
use super::error::Error;
use crate::model::ParamValue;
use reqwest::header::{HeaderName, HeaderValue};
use reqwest::Method;
use serde::Serialize;
use serde_json::Value;
use std::fmt::Write as _;

/// One request: method, path (already encoded), query, headers, cookies, body, and the
/// credentials it accepts.
///
/// Builders record the first problem they meet (a bad argument, say) instead of failing
/// mid-way; [`super::Call`] reports it without sending anything.
#[derive(Debug)]
pub struct Request {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    pub(crate) cookies: Vec<(String, String)>,
    /// The body and its `Content-Type`.
    pub(crate) body: Option<(bytes::Bytes, HeaderValue)>,
    pub(crate) retryable: bool,
    /// The operation's own accepted credentials; `None`: the API's default.
    pub(crate) security: Option<Security>,
    /// `3xx` statuses that are this operation's answers (see [`Request::answers`]).
    pub(crate) answers: &'static [u16],
    pub(crate) error: Option<Error>,
}

impl Clone for Request {
    fn clone(&self) -> Self {
        Request {
            method: self.method.clone(),
            path: self.path.clone(),
            query: self.query.clone(),
            headers: self.headers.clone(),
            cookies: self.cookies.clone(),
            body: self.body.clone(),
            retryable: self.retryable,
            security: self.security,
            answers: self.answers,
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
            cookies: Vec::new(),
            body: None,
            retryable,
            security: None,
            answers: &[],
            error: None,
        }
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

    /// Appends a path parameter whose value is structured (an array, an object, a union), or
    /// that has the `label` or `matrix` style; the style's punctuation is written as is, the
    /// values percent-encoded:
    ///
    /// | style | scalar | array | object | object, `explode` |
    /// |---|---|---|---|---|
    /// | `Simple` | `v` | `a,b` | `k1,v1,k2,v2` | `k1=v1,k2=v2` |
    /// | `Label` | `.v` | `.a,b` (`.a.b` exploded) | `.k1,v1,k2,v2` | `.k1=v1.k2=v2` |
    /// | `Matrix` | `;name=v` | `;name=a,b` (`;name=a;name=b` exploded) | `;name=k1,v1,k2,v2` | `;k1=v1;k2=v2` |
    pub fn path_structured<T: Serialize + ?Sized>(&mut self, name: &str, value: &T, style: Style, explode: bool) {
        let value = match serde_json::to_value(value) {
            Ok(v) => v,
            Err(e) => return self.fail(Error::invalid(name, e.to_string())),
        };
        let encode = |text: &str| {
            let mut out = String::new();
            encode_segment(text, &mut out);
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
        if text.is_empty() {
            return self.fail(Error::invalid(name, "must not be empty"));
        }
        self.path.push_str(&text);
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

    /// Adds a header whose value is a list of scalars, comma-joined (the `simple` style).
    pub fn header_list<T: ParamValue>(&mut self, name: &str, values: &[T]) {
        let joined: Vec<String> = values.iter().map(ParamValue::to_param).collect();
        self.header(name, joined.join(","));
    }

    /// Adds a query parameter whose value is structured (an object, an array, any value
    /// the spec describes with a schema that is not a plain scalar), written per its `style`:
    ///
    /// - an array: `name=a&name=b` when `explode`, else `name=a,b` (`a b`, `a|b` for the
    ///   space- and pipe-delimited styles);
    /// - an object, `deepObject`: `name[key]=value` (nested objects go one bracket deeper);
    /// - an object, `form` with `explode`: each property is its own `key=value`;
    /// - an object otherwise: `name=key1,value1,key2,value2`.
    ///
    /// `null` values are left out; values nested in arrays or objects that are themselves
    /// objects are written as JSON.
    pub fn query_structured<T: Serialize + ?Sized>(&mut self, name: &str, value: &T, style: Style, explode: bool) {
        match serde_json::to_value(value) {
            Ok(v) => styled_pairs(name, &v, style, explode, &mut self.query),
            Err(e) => self.fail(Error::invalid(name, e.to_string())),
        }
    }

    /// Adds a header parameter whose value is structured, in the `simple` style: arrays as
    /// `a,b`; objects as `key1,value1,key2,value2`, or `key1=value1,key2=value2` when `explode`.
    /// A `null` value sends no header.
    pub fn header_structured<T: Serialize + ?Sized>(&mut self, name: &str, value: &T, explode: bool) {
        match serde_json::to_value(value) {
            Ok(Value::Null) => {}
            Ok(v) => self.header(name, simple(&v, explode)),
            Err(e) => self.fail(Error::invalid(name, e.to_string())),
        }
    }

    /// Adds a cookie parameter.
    pub fn cookie(&mut self, name: &str, value: impl ParamValue) {
        self.cookies.push((name.to_string(), value.to_param()));
    }

    /// Adds a cookie parameter whose value is structured, in the `form` style (as
    /// [`Request::query_structured`] writes it; with `explode`, each property of an object is
    /// its own cookie).
    pub fn cookie_structured<T: Serialize + ?Sized>(&mut self, name: &str, value: &T, explode: bool) {
        match serde_json::to_value(value) {
            Ok(v) => styled_pairs(name, &v, Style::Form, explode, &mut self.cookies),
            Err(e) => self.fail(Error::invalid(name, e.to_string())),
        }
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
            styled_pairs(key, value, style, explode, &mut pairs);
        }
        match serde_urlencoded::to_string(&pairs) {
            Ok(text) => self.set_body(text.into_bytes(), "application/x-www-form-urlencoded"),
            Err(e) => self.fail(Error::invalid("body", e.to_string())),
        }
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
    fn delimiter(self) -> &'static str {
        match self {
            Style::SpaceDelimited => " ",
            Style::PipeDelimited => "|",
            _ => ",",
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

/// Pairs for a `form`-family or `deepObject` parameter (see [`Request::query_structured`]).
fn styled_pairs(name: &str, value: &Value, style: Style, explode: bool, out: &mut Vec<(String, String)>) {
    let delimiter = style.delimiter();
    match value {
        Value::Null => {}
        Value::Array(_) | Value::Object(_) if style == Style::DeepObject => deep_pairs(name, value, out),
        Value::Array(items) if explode => {
            out.extend(items.iter().filter(|v| !v.is_null()).map(|v| (name.to_string(), text(v))));
        }
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().filter(|v| !v.is_null()).map(text).collect();
            out.push((name.to_string(), parts.join(delimiter)));
        }
        Value::Object(map) if explode => {
            for (key, v) in map {
                match v {
                    Value::Array(items) => out.extend(items.iter().map(|v| (key.clone(), text(v)))),
                    Value::Null => {}
                    other => out.push((key.clone(), text(other))),
                }
            }
        }
        Value::Object(map) => {
            let parts: Vec<String> =
                map.iter().filter(|(_, v)| !v.is_null()).flat_map(|(k, v)| [k.clone(), text(v)]).collect();
            out.push((name.to_string(), parts.join(delimiter)));
        }
        scalar => out.push((name.to_string(), text(scalar))),
    }
}

/// `deepObject`: `name[key]=value` for objects, `name[0]=value` for arrays, nested as deep as
/// the value goes (the bracket convention servers parse: Rails, PHP, `qs`).
fn deep_pairs(name: &str, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Null => {}
        Value::Object(map) => {
            for (key, v) in map {
                deep_pairs(&format!("{name}[{key}]"), v, out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                deep_pairs(&format!("{name}[{i}]"), v, out);
            }
        }
        other => out.push((name.to_string(), text(other))),
    }
}

/// The `simple` style (headers): arrays `a,b`; objects `k1,v1,k2,v2` or, exploded, `k1=v1,k2=v2`.
fn simple(value: &Value, explode: bool) -> String {
    match value {
        Value::Object(map) => {
            let parts: Vec<String> = map
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| if explode { format!("{k}={}", text(v)) } else { format!("{k},{}", text(v)) })
                .collect();
            parts.join(",")
        }
        other => text(other),
    }
}

/// Percent-encodes a cookie value: everything outside RFC 6265's cookie-octets but the comma
/// (which OpenAPI's `form` style uses as its separator, and servers accept), and `%`.
pub(crate) fn encode_cookie(value: &str, out: &mut String) {
    for byte in value.bytes() {
        match byte {
            0x21 | 0x23..=0x24 | 0x26..=0x3A | 0x3C..=0x5B | 0x5D..=0x7E => out.push(byte as char),
            _ => {
                let _ = write!(out, "%{byte:02X}");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::JsonParam;

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

    // Objects are built with their keys in order: the order on the wire is the map's, which
    // depends on serde_json's `preserve_order` feature.
    #[test]
    fn structured_query_styles() {
        let value = serde_json::json!({"first": "Alex", "none": null, "role": "admin", "tags": ["a", "b"]});
        let pairs = |style, explode| {
            let mut r = Request::new(Method::GET, true);
            r.query_structured("id", &value, style, explode);
            r.query.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&")
        };
        assert_eq!(pairs(Style::Form, true), "first=Alex&role=admin&tags=a&tags=b");
        assert_eq!(pairs(Style::Form, false), "id=first,Alex,role,admin,tags,a,b");
        assert_eq!(pairs(Style::DeepObject, true), "id[first]=Alex&id[role]=admin&id[tags][0]=a&id[tags][1]=b");
        let mut r = Request::new(Method::GET, true);
        r.query_structured("ids", &[3, 4, 5], Style::PipeDelimited, false);
        r.query_structured("ids", &[2.0, 2.5], Style::SpaceDelimited, false);
        r.query_structured("n", &serde_json::json!({"a": {"b": 1}}), Style::DeepObject, true);
        r.query_structured("e", &["x"], Style::DeepObject, true);
        let expected = [("ids", "3|4|5"), ("ids", "2 2.5"), ("n[a][b]", "1"), ("e[0]", "x")];
        assert_eq!(r.query, expected.map(|(k, v)| (k.to_string(), v.to_string())));
        assert_eq!(simple(&serde_json::json!({"a": 1, "b": "x"}), true), "a=1,b=x");
        assert_eq!(simple(&serde_json::json!({"a": 1, "b": "x"}), false), "a,1,b,x");
        assert_eq!(JsonParam(&serde_json::json!({"a": [1]})).to_param(), r#"{"a":[1]}"#);
        let mut s = String::new();
        encode_cookie("a b;c=d%\u{e9}", &mut s);
        assert_eq!(s, "a%20b%3Bc=d%25%C3%A9");
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
