//! The conformance harness: a program that calls every operation of a generated client once,
//! with arguments read from a JSON file, and prints one JSON line per call saying what came
//! back (`cargo xtask conform` chooses the arguments, starts the mock server and judges the
//! lines). It is emitted from the IR, like the client, so it follows every spec the generator
//! can read: each call is written against the very signature [`super::operations`] emits.

use super::operations::{arg_type, body_arg_type};
use super::toolkit::lit;
use crate::ir::{Api, BodyEncoding, Operation, ResponseBody, SchemeKind};

/// How a call's decoded value is reported, by the runtime decoder the operation uses.
fn outcome_fn(op: &Operation) -> &'static str {
    if op.paginated.is_some() {
        return "paged";
    }
    match &op.response {
        ResponseBody::Empty => "empty",
        ResponseBody::Text { .. } => "text",
        ResponseBody::Bytes { .. } => "bytes",
        // An enveloped payload arrives unwrapped: it is reported as any JSON value is.
        ResponseBody::Json(_) | ResponseBody::Enveloped { .. } => "json",
        // Its status and headers; the items are not read.
        ResponseBody::Stream { .. } => "stream",
    }
}

/// The owned type that a borrowed argument type is taken from (`&str` from `String`, `&[T]`
/// from `Vec<T>`, `&T` from `T`), and how to pass it.
fn owned(arg: &str) -> (String, Passing) {
    if arg == "&str" {
        ("String".into(), Passing::Borrow)
    } else if arg == "impl Into<Vec<u8>>" {
        ("Vec<u8>".into(), Passing::Value)
    } else if let Some(inner) = arg.strip_prefix("&[").and_then(|t| t.strip_suffix(']')) {
        (format!("Vec<{inner}>"), Passing::Borrow)
    } else if let Some(inner) = arg.strip_prefix('&') {
        (inner.to_string(), Passing::Borrow)
    } else {
        (arg.to_string(), Passing::Value)
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Passing {
    Borrow,
    Value,
}

/// Code that refers to the client crate as `client::` instead of `crate::`.
fn in_harness(ty: &str) -> String {
    ty.replace("crate::", "client::")
}

/// One `async fn` per operation, reading its arguments from `a` and calling the client.
fn operation(api: &Api, op: &Operation) -> String {
    let mut out = format!(
        "/// `{} {}`\nasync fn {}(c: &Client, a: &Args<'_>) -> Result<Outcome, String> {{\n",
        op.method.as_str(),
        op.path.replace('`', "'"),
        op.rust_name
    );
    let mut call_args = Vec::new();
    for p in op.params.iter().filter(|p| p.required) {
        let (ty, passing) = owned(&in_harness(&arg_type(api, &p.ty)));
        let local = format!("p_{}", p.rust_name);
        out.push_str(&format!("    let {local}: {ty} = a.required({})?;\n", lit(&p.rust_name)));
        call_args.push(if passing == Passing::Borrow { format!("&{local}") } else { local });
    }
    if let Some(pt) = &op.params_type {
        out.push_str(&format!("    let mut params = types::{pt}::default();\n"));
        for p in op.params.iter().filter(|p| !p.required) {
            out.push_str(&format!("    params.{} = a.optional({})?;\n", p.rust_name, lit(&p.rust_name)));
        }
        call_args.push("&params".into());
    }
    if let Some(b) = &op.body {
        let (ty, passing) = owned(&in_harness(&body_arg_type(api, b)));
        let read = if b.encoding == BodyEncoding::Binary { "bytes" } else { "required" };
        if b.required {
            out.push_str(&format!("    let body: {ty} = a.{read}(\"$body\")?;\n"));
            call_args.push(if passing == Passing::Borrow { "&body".into() } else { "body".into() });
        } else {
            let read = if b.encoding == BodyEncoding::Binary { "optional_bytes" } else { "optional" };
            out.push_str(&format!("    let body: Option<{ty}> = a.{read}(\"$body\")?;\n"));
            call_args.push(match (passing, ty.as_str()) {
                (Passing::Value, _) => "body".into(),
                (_, "String") => "body.as_deref()".into(),
                (_, t) if t.starts_with("Vec<") => "body.as_deref()".into(),
                _ => "body.as_ref()".into(),
            });
        }
    }
    out.push_str(&format!(
        "    Ok({}(c.{}({}).header(\"x-conform-op\", {}).send().await))\n}}\n",
        outcome_fn(op),
        op.rust_name,
        call_args.join(", "),
        lit(&op.rust_name)
    ));
    out
}

/// The harness's `main.rs` for `api`, whose client crate is named `client` in the harness's
/// manifest.
pub fn harness(api: &Api) -> String {
    let mut out = String::from(PRELUDE);
    // Every credential set (placeholder values): each call then sends the combination its
    // operation accepts, and the mock server checks that one is present.
    let mut creds = String::new();
    for s in api.auth.schemes.values() {
        let value = if s.kind == SchemeKind::Basic { "conformance:secret" } else { "conformance-credential" };
        creds.push_str(&format!("        .credential({}, {})\n", lit(&s.spec_name), lit(value)));
    }
    out.push_str(&format!(
        "\n/// The client: one connection per call (so that the recording proxy in front of the mock\n/// server sees one exchange per connection), no retries, every credential.\nfn client(base_url: &str) -> Result<Client, client::Error> {{\n    let http = reqwest::Client::builder()\n        .pool_max_idle_per_host(0)\n        .redirect(reqwest::redirect::Policy::none())\n        .build()\n        .map_err(|e| client::Error::Config(e.to_string()))?;\n    Client::builder()\n        .from_env(false)\n        .http_client(http)\n        .base_url(base_url)\n        .max_retries(0)\n{creds}        .build()\n}}\n"
    ));
    out.push_str(
        "\n/// Every operation by name. Each call's future is boxed: unboxed, the dispatch future and the\n/// frame that polls it grow with the number of operations (a debug build of GitHub's 1,223\n/// overflowed the main thread's stack).\nasync fn dispatch(c: &Client, name: &str, a: &Args<'_>) -> Result<Outcome, String> {\n    match name {\n",
    );
    for op in &api.operations {
        out.push_str(&format!("        {} => Box::pin({}(c, a)).await,\n", lit(&op.rust_name), op.rust_name));
    }
    out.push_str("        other => Err(format!(\"no operation {other}\")),\n    }\n}\n\n/// Every operation's name, in order.\nconst OPERATIONS: &[&str] = &[\n");
    for op in &api.operations {
        out.push_str(&format!("    {},\n", lit(&op.rust_name)));
    }
    out.push_str("];\n");
    for op in &api.operations {
        out.push('\n');
        out.push_str(&operation(api, op));
    }
    out
}

/// The fixed part: argument reading, outcome reporting, the main loop.
const PRELUDE: &str = r#"//! Conformance harness, emitted by the generator from the same IR as the client: one call per
//! operation, arguments from a JSON file, one JSON line per call on stdout.
//!
//! usage: harness BASE_URL ARGS_JSON [OPERATION...]
#![allow(deprecated, dead_code, unused, clippy::all)]

use client::{types, Client, Error, Response};
use serde::Serialize;
use serde_json::{json, Value};

/// One operation's arguments: `{"name": value, ..., "body": value}`.
struct Args<'a>(Option<&'a serde_json::Map<String, Value>>);

impl Args<'_> {
    fn get(&self, name: &str) -> Option<&Value> {
        self.0.and_then(|m| m.get(name))
    }

    fn required<T: serde::de::DeserializeOwned>(&self, name: &str) -> Result<T, String> {
        let v = self.get(name).ok_or_else(|| format!("argument `{name}`: no value chosen"))?;
        serde_json::from_value(v.clone()).map_err(|e| format!("argument `{name}` does not convert to its Rust type: {e} (value {v})"))
    }

    fn optional<T: serde::de::DeserializeOwned>(&self, name: &str) -> Result<Option<T>, String> {
        match self.get(name) {
            None => Ok(None),
            Some(_) => self.required(name).map(Some),
        }
    }

    fn bytes(&self, name: &str) -> Result<Vec<u8>, String> {
        match self.get(name) {
            Some(Value::String(s)) => Ok(s.clone().into_bytes()),
            Some(other) => Ok(other.to_string().into_bytes()),
            None => Err(format!("argument `{name}`: no value chosen")),
        }
    }

    fn optional_bytes(&self, name: &str) -> Result<Option<Vec<u8>>, String> {
        match self.get(name) {
            None => Ok(None),
            Some(_) => self.bytes(name).map(Some),
        }
    }
}

/// What one call gave.
struct Outcome {
    status: Option<u16>,
    content_type: Option<String>,
    violations: Option<String>,
    value: Option<Value>,
    info: Option<Value>,
    error: Option<Value>,
}

fn header(headers: &reqwest::header::HeaderMap, name: &str) -> Option<String> {
    headers.get(name).map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
}

fn report<T>(r: Result<Response<T>, Error>, value: impl FnOnce(T) -> (Option<Value>, Option<Value>)) -> Outcome {
    match r {
        Ok(resp) => {
            let (status, content_type) = (Some(resp.status.as_u16()), header(&resp.headers, "content-type"));
            let violations = header(&resp.headers, "sl-violations");
            let (value, info) = value(resp.data);
            Outcome { status, content_type, violations, value, info, error: None }
        }
        Err(e) => {
            let (kind, body, headers) = match &e {
                Error::InvalidArgument { .. } => ("invalid_argument", None, None),
                Error::Config(_) => ("config", None, None),
                Error::Transport { .. } => ("transport", None, None),
                Error::Timeout { .. } => ("timeout", None, None),
                Error::Api(api) => ("api", Some(api.body.clone()), Some(&api.headers)),
                Error::Decode { body, .. } => ("decode", Some(body.clone()), None),
                Error::Pagination(_) => ("pagination", None, None),
                _ => ("other", None, None),
            };
            Outcome {
                status: e.status().map(|s| s.as_u16()),
                content_type: headers.and_then(|h| header(h, "content-type")),
                violations: headers.and_then(|h| header(h, "sl-violations")),
                value: None,
                info: None,
                error: Some(json!({"kind": kind, "message": e.to_string(), "body": body})),
            }
        }
    }
}

fn to_json<T: Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or_else(|e| json!({"$serialize_error": e.to_string()}))
}

fn json<T: Serialize>(r: Result<Response<T>, Error>) -> Outcome {
    report(r, |d| (Some(to_json(&d)), None))
}

fn paged<T: Serialize, I: Serialize>(r: Result<Response<client::Page<T, I>>, Error>) -> Outcome {
    report(r, |p| (Some(to_json(&p.items)), p.info.as_ref().map(to_json)))
}

fn text(r: Result<Response<String>, Error>) -> Outcome {
    report(r, |s| (Some(Value::String(s)), None))
}

fn bytes(r: Result<Response<Vec<u8>>, Error>) -> Outcome {
    report(r, |b| (Some(json!({"$bytes": b.len()})), None))
}

fn empty(r: Result<Response<()>, Error>) -> Outcome {
    report(r, |_| (None, None))
}

#[allow(dead_code)]
fn stream<S>(r: Result<Response<S>, Error>) -> Outcome {
    report(r, |_| (None, None))
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let (Some(base_url), Some(args_path)) = (argv.first(), argv.get(1)) else {
        eprintln!("usage: harness BASE_URL ARGS_JSON [OPERATION...]");
        std::process::exit(2);
    };
    let text = std::fs::read_to_string(args_path).unwrap_or_else(|e| {
        eprintln!("cannot read {args_path}: {e}");
        std::process::exit(2)
    });
    let all: Value = serde_json::from_str(&text).unwrap_or_else(|e| {
        eprintln!("{args_path}: {e}");
        std::process::exit(2)
    });
    let c = client(base_url).unwrap_or_else(|e| {
        eprintln!("client: {e}");
        std::process::exit(2)
    });
    let chosen: Vec<&str> = if argv.len() > 2 { argv[2..].iter().map(String::as_str).collect() } else { OPERATIONS.to_vec() };
    for name in chosen {
        let args = Args(all.get(name).and_then(Value::as_object));
        let line = match dispatch(&c, name, &args).await {
            Ok(o) => json!({
                "op": name, "status": o.status, "content_type": o.content_type, "violations": o.violations,
                "value": o.value, "info": o.info, "error": o.error,
            }),
            Err(e) => json!({"op": name, "error": {"kind": "arguments", "message": e}}),
        };
        println!("{line}");
    }
}
"#;

#[cfg(test)]
mod tests {
    /// With `[types]` mappings, each mapped argument is read from the arguments' JSON (the text
    /// `cargo xtask conform` synthesises for the format) into its Rust type by serde, as any
    /// other argument is: the harness names the mapped types and nothing else changes.
    #[test]
    fn mapped_arguments_are_read_into_their_types() {
        let spec = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /d/{id}:\n    put:\n      \
            operationId: putD\n      parameters:\n        - {name: id, in: path, required: true, schema: {type: string, format: uuid}}\n        \
            - {name: at, in: query, schema: {type: string, format: uri}}\n      requestBody:\n        required: true\n        \
            content: {application/json: {schema: {type: string, format: byte}}}\n      responses: {'204': {description: ok}}\n";
        let mappings = crate::ir::TypeMappings { uuid: true, url: true, byte: true };
        let (api, _) = crate::lower_mapped(spec, mappings).unwrap_or_else(|d| panic!("{d}"));
        let harness = super::harness(&api);
        assert!(harness.contains("    let p_id: uuid::Uuid = a.required(\"id\")?;\n"), "{harness}");
        assert!(harness.contains("    params.at = a.optional(\"at\")?;\n"), "{harness}");
        assert!(harness.contains("    let body: client::rt::Base64 = a.required(\"$body\")?;\n"), "{harness}");
        assert!(harness.contains("c.put_d(&p_id, &params, &body)"), "{harness}");
    }
}
