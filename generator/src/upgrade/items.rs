//! OpenAPI 3.2's `itemSchema`: a response of a sequential media type whose items are described
//! one at a time. The media type is rewritten onto 3.0's: its `schema` becomes the schema of one
//! item, and [`STREAM`] says how the items are framed, for lowering to read (an extension, so
//! that lowering still sees an OpenAPI 3.0 document).
//!
//! - `application/jsonl`, `application/x-ndjson` (JSON Lines) and `application/json-seq` (JSON
//!   text sequences): the item schema is the schema of each JSON value.
//! - `text/event-stream` (server-sent events): the item schema describes each event as an
//!   object of its fields, `data`, `event`, `id` and `retry` (as OpenAPI 3.2 says). The items
//!   are the events' data: JSON of the `data` property's `contentSchema` when it has one (the
//!   way 3.2 describes JSON carried in a string), JSON of the `data` property's schema when that
//!   is not a string, text otherwise. An item schema that names none of the event's fields is
//!   read as the schema of the JSON in each event's `data`, with a warning (as text, without
//!   one, when it is a string or any value).
//!
//! Any other media type with an `itemSchema` (`multipart/mixed`, say), and `itemSchema` in a
//! request body, are left as they were with a warning (the body is read or sent as `schema`
//! says); an `itemSchema` that is not a schema is an error.

use super::{local_target, ptr, Origins, METHODS};
use crate::diag::Diagnostic;
use serde_json::{json, Map, Value};

/// The media type extension that marks a streamed response: `sse` (server-sent events whose
/// data is JSON of `schema`), `sse-text` (whose data is text), `json-lines` or `json-seq`.
pub(crate) const STREAM: &str = "x-openapi-rust-stream";

/// The fields of a server-sent event.
const SSE_FIELDS: [&str; 4] = ["data", "event", "id", "retry"];

/// Rewrites every media type with an `itemSchema` in `doc` (responses and request bodies of
/// operations, in `paths` and `components`).
pub(super) fn item_schemas(
    doc: &mut Value,
    errors: &mut Vec<Diagnostic>,
    warnings: &mut Vec<Diagnostic>,
    origins: &mut Origins,
) {
    let mut found: Vec<(String, String, bool)> = Vec::new();
    let mut items: Vec<(String, &Value)> = Vec::new();
    for container in ["/paths", "/components/pathItems"] {
        for (k, item) in doc.pointer(container).and_then(Value::as_object).into_iter().flatten() {
            items.push((ptr(container, k), item));
        }
    }
    for (here, item) in items {
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let at = ptr(&here, method);
            if let Some(body) = op.get("requestBody") {
                media_types(body, &ptr(&at, "requestBody"), false, &mut found);
            }
            for (status, r) in op.get("responses").and_then(Value::as_object).into_iter().flatten() {
                media_types(r, &ptr(&ptr(&at, "responses"), status), true, &mut found);
            }
        }
    }
    for (kind, response) in [("requestBodies", false), ("responses", true)] {
        let base = ptr("/components", kind);
        for (k, v) in doc.pointer(&base).and_then(Value::as_object).into_iter().flatten() {
            media_types(v, &ptr(&base, k), response, &mut found);
        }
    }
    for (at, media, response) in found {
        let item_at = ptr(&at, "itemSchema");
        let Some(item) = doc.pointer(&item_at).cloned() else { continue };
        if !(item.is_object() || item.is_boolean()) {
            errors.push(Diagnostic::invalid(
                &item_at,
                format!("`itemSchema` must be a schema (an object or a boolean), not {}", describe(&item)),
            ));
            remove_item_schema(doc, &at);
            continue;
        }
        let essence = media.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
        let rewrite = match essence.as_str() {
            _ if !response => {
                warnings.push(Diagnostic::warning(
                    &item_at,
                    "streamed request bodies (`itemSchema`, OpenAPI 3.2) are not supported; the body is sent as \
                     its `schema` says (untyped without one)",
                ));
                None
            }
            "application/jsonl" | "application/x-ndjson" => Some(("json-lines", item, item_at)),
            "application/json-seq" => Some(("json-seq", item, item_at)),
            "text/event-stream" => sse(doc, item, item_at, false, errors, warnings),
            _ => {
                warnings.push(Diagnostic::warning(
                    &item_at,
                    format!(
                        "`{media}` is not streamed by this generator (text/event-stream, application/jsonl, \
                         application/x-ndjson and application/json-seq are); its `itemSchema` is ignored and the body \
                         is read as its `schema` says (untyped without one)"
                    ),
                ));
                None
            }
        };
        let Some(map) = doc.pointer_mut(&at).and_then(Value::as_object_mut) else { continue };
        map.remove("itemSchema");
        if let Some((framing, schema, from)) = rewrite {
            // The schema of the whole stream (an array of the items, if anything) says nothing
            // the items do not.
            map.insert("schema".into(), schema);
            map.insert(STREAM.into(), Value::String(framing.into()));
            origins.record(ptr(&at, "schema"), from);
        }
    }
}

/// OpenAPI 3.0 and 3.1 (and Swagger 2.0, once upgraded) have no `itemSchema`: a
/// `text/event-stream` response's `schema` is read the way [`item_schemas`] reads one, as
/// describing each event (its `data`, `event`, `id`, `retry` fields) or, naming none of them,
/// each event's `data` (what such specs mean by it); the response is then a stream of events,
/// never read whole (a stream may not end). A `text/event-stream` response without a schema, and
/// one a 3.2 `itemSchema` already made a stream, are left as they are.
pub(super) fn event_stream_schemas(doc: &mut Value, errors: &mut Vec<Diagnostic>, origins: &mut Origins) {
    let mut found: Vec<String> = Vec::new();
    for container in ["/paths", "/components/pathItems"] {
        for (k, item) in doc.pointer(container).and_then(Value::as_object).into_iter().flatten() {
            let here = ptr(container, k);
            for method in METHODS {
                let responses = item.get(method).and_then(|op| op.get("responses")).and_then(Value::as_object);
                for (status, r) in responses.into_iter().flatten() {
                    event_streams(r, &ptr(&ptr(&ptr(&here, method), "responses"), status), &mut found);
                }
            }
        }
    }
    for (k, r) in doc.pointer("/components/responses").and_then(Value::as_object).into_iter().flatten() {
        event_streams(r, &ptr("/components/responses", k), &mut found);
    }
    for at in found {
        let schema_at = ptr(&at, "schema");
        let Some(schema) = doc.pointer(&schema_at).cloned() else { continue };
        if !(schema.is_object() || schema.is_boolean()) {
            continue; // The keyword check reports it where it is.
        }
        // No warnings: each is about an `itemSchema`, which this is not.
        let rewrite = sse(doc, schema, schema_at.clone(), true, errors, &mut Vec::new());
        let Some(map) = doc.pointer_mut(&at).and_then(Value::as_object_mut) else { continue };
        if let Some((framing, schema, from)) = rewrite {
            map.insert("schema".into(), schema);
            map.insert(STREAM.into(), Value::String(framing.into()));
            if from != schema_at {
                origins.record(schema_at, from);
            }
        }
    }
}

/// The `text/event-stream` media types of a response at `here` with a `schema` and no mark yet.
fn event_streams(response: &Value, here: &str, found: &mut Vec<String>) {
    for (media, m) in response.get("content").and_then(Value::as_object).into_iter().flatten() {
        let essence = media.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
        if essence == "text/event-stream" && m.get("schema").is_some() && m.get(STREAM).is_none() {
            found.push(ptr(&ptr(here, "content"), media));
        }
    }
}

/// The media types of a response or request body at `here` that have an `itemSchema`.
fn media_types(body: &Value, here: &str, response: bool, found: &mut Vec<(String, String, bool)>) {
    for (media, m) in body.get("content").and_then(Value::as_object).into_iter().flatten() {
        if m.get("itemSchema").is_some() {
            found.push((ptr(&ptr(here, "content"), media), media.clone(), response));
        }
    }
}

fn remove_item_schema(doc: &mut Value, at: &str) {
    if let Some(map) = doc.pointer_mut(at).and_then(Value::as_object_mut) {
        map.remove("itemSchema");
    }
}

/// `schema`, following local references (a short chain), with the pointer it was found at.
fn follow<'d>(doc: &'d Value, schema: &'d Value, at: String) -> (&'d Value, String) {
    let (mut current, mut at) = (schema, at);
    for _ in 0..8 {
        let Some(target) = current.get("$ref").and_then(Value::as_str).and_then(local_target) else { break };
        let Some(next) = doc.pointer(&target) else { break };
        (current, at) = (next, target);
    }
    (current, at)
}

/// The items of server-sent events: (framing, schema of one item, where it was written).
/// `data_by_default`: a schema that names none of the event's fields is the schema of each
/// event's `data` without a warning (a 3.0 or 3.1 `schema`, which conventionally describes it),
/// rather than with one (a 3.2 `itemSchema`, which should describe the event).
fn sse(
    doc: &Value,
    item: Value,
    item_at: String,
    data_by_default: bool,
    errors: &mut Vec<Diagnostic>,
    warnings: &mut Vec<Diagnostic>,
) -> Option<(&'static str, Value, String)> {
    let text = |at: String| Some(("sse-text", json!({"type": "string"}), at));
    let (event, event_at) = follow(doc, &item, item_at.clone());
    let properties = event.get("properties").and_then(Value::as_object);
    let named = properties.is_some_and(|p| {
        if data_by_default {
            // A payload with an `id` of its own is common: only an object of nothing but the
            // event's fields, `data` among them, describes the event.
            p.contains_key("data") && p.keys().all(|k| SSE_FIELDS.contains(&k.as_str()))
        } else {
            p.keys().any(|k| SSE_FIELDS.contains(&k.as_str()))
        }
    });
    let Some(properties) = properties.filter(|_| named) else {
        // Anything, or a string: the text of each event's `data`.
        let string = event.get("type").and_then(Value::as_str) == Some("string") && properties.is_none();
        if string || event == &Value::Bool(true) || event.as_object().is_some_and(Map::is_empty) {
            return text(item_at);
        }
        if !data_by_default {
            warnings.push(Diagnostic::warning(
                &item_at,
                "the `itemSchema` of text/event-stream describes each event as an object of its fields (`data`, \
                 `event`, `id`, `retry`); this one names none of them: each event's `data` is read as JSON of this \
                 schema",
            ));
        }
        return Some(("sse", item, item_at));
    };
    let properties_at = ptr(&event_at, "properties");
    for name in properties.keys().filter(|k| !SSE_FIELDS.contains(&k.as_str())) {
        warnings.push(Diagnostic::warning(
            ptr(&properties_at, name),
            format!("`{name}` is not a field of a server-sent event (`data`, `event`, `id`, `retry`); ignored"),
        ));
    }
    let Some(written) = properties.get("data") else { return text(ptr(&properties_at, "data")) };
    let written_at = ptr(&properties_at, "data");
    let (data, data_at) = follow(doc, written, written_at.clone());
    let media = data.get("contentMediaType").and_then(Value::as_str).map(str::to_ascii_lowercase);
    // (No `Option::is_none_or`: the workspace's rust-version is 1.80.)
    let json_media = match media.as_deref().map(|m| m.split(';').next().unwrap_or_default().trim()) {
        Some(m) => m == "application/json" || m.ends_with("+json"),
        None => true,
    };
    if let Some(content) = data.get("contentSchema") {
        let content_at = ptr(&data_at, "contentSchema");
        if !(content.is_object() || content.is_boolean()) {
            errors.push(Diagnostic::invalid(
                &content_at,
                format!("`contentSchema` must be a schema (an object or a boolean), not {}", describe(content)),
            ));
            return None;
        }
        if !json_media {
            return text(data_at);
        }
        return Some(("sse", content.clone(), content_at));
    }
    let string = match data.get("type") {
        Some(Value::String(t)) => t == "string",
        Some(Value::Array(ts)) => ts.iter().all(|t| t == "string" || t == "null"),
        // No type: anything, which the text of an event always is.
        None => !["properties", "items", "allOf", "oneOf", "anyOf", "$ref", "enum", "const"]
            .iter()
            .any(|k| data.get(*k).is_some()),
        Some(_) => false,
    };
    if string || media.is_some() {
        return text(data_at);
    }
    Some(("sse", written.clone(), written_at))
}

/// A value's kind, for messages.
fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::super::upgrade;
    use serde_json::{json, Value};

    /// The media type `m` of the 200 response of `GET /s` after the upgrade, with the warning
    /// and error pointers.
    fn upgraded(m: &str, media: Value, schemas: Value) -> (Value, Vec<String>, Vec<String>, String) {
        let mut doc = json!({"openapi": "3.2.0", "info": {"title": "T", "version": "1"},
            "components": {"schemas": schemas},
            "paths": {"/s": {"get": {"responses": {"200": {"description": "d", "content": {m: media}}}}}}});
        let up = upgrade(&mut doc).unwrap_or_default();
        let at = format!("/paths/~1s/get/responses/200/content/{}", m.replace('/', "~1"));
        let origin = up.origins.original(&format!("{at}/schema"));
        let pointers = |list: &[crate::diag::Diagnostic]| list.iter().map(|d| d.pointer.clone()).collect();
        (doc.pointer(&at).cloned().unwrap_or_default(), pointers(&up.warnings), pointers(&up.errors), origin)
    }

    #[test]
    fn json_lines_and_sequences_take_the_item_schema() {
        let (m, warnings, errors, origin) =
            upgraded("application/x-ndjson", json!({"itemSchema": {"type": "integer"}}), json!({}));
        assert_eq!(m, json!({"schema": {"type": "integer"}, "x-openapi-rust-stream": "json-lines"}));
        assert!(warnings.is_empty() && errors.is_empty());
        assert_eq!(origin, "/paths/~1s/get/responses/200/content/application~1x-ndjson/itemSchema");
        let (m, ..) = upgraded("application/json-seq", json!({"itemSchema": true}), json!({}));
        assert_eq!(m, json!({"schema": {}, "x-openapi-rust-stream": "json-seq"}));
    }

    #[test]
    fn server_sent_events_are_read_by_their_data() {
        let payload = json!({"type": "object", "properties": {"n": {"type": "integer"}}});
        // `contentSchema` of the `data` field, behind a reference.
        let event = json!({"type": "object", "required": ["data"], "properties": {
            "event": {"type": "string"}, "id": {"type": "string"}, "retry": {"type": "integer"},
            "data": {"type": "string", "contentMediaType": "application/json", "contentSchema": {"$ref": "#/components/schemas/P"}}}});
        let (m, warnings, _, origin) = upgraded(
            "text/event-stream",
            json!({"itemSchema": {"$ref": "#/components/schemas/E"}}),
            json!({"E": event, "P": payload.clone()}),
        );
        assert_eq!(m["schema"], json!({"$ref": "#/components/schemas/P"}));
        assert_eq!(m["x-openapi-rust-stream"], "sse");
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(origin, "/components/schemas/E/properties/data/contentSchema");
        // `data` of a schema that is not a string: JSON of that schema.
        let (m, ..) = upgraded(
            "text/event-stream",
            json!({"itemSchema": {"properties": {"data": {"$ref": "#/components/schemas/P"}}}}),
            json!({"P": payload}),
        );
        assert_eq!(
            (m["schema"].clone(), m["x-openapi-rust-stream"].clone()),
            (json!({"$ref": "#/components/schemas/P"}), json!("sse"))
        );
        // A string, no `data`, or anything: text.
        for item in [
            json!({"properties": {"data": {"type": "string"}, "event": {}}}),
            json!({"properties": {"id": {}}}),
            json!({}),
        ] {
            let (m, ..) = upgraded("text/event-stream", json!({"itemSchema": item}), json!({}));
            assert_eq!(m, json!({"schema": {"type": "string"}, "x-openapi-rust-stream": "sse-text"}), "{item}");
        }
        // No event field named: the schema of the data, with a warning; a field that is not one
        // of an event: a warning.
        let (m, warnings, ..) =
            upgraded("text/event-stream", json!({"itemSchema": {"properties": {"n": {"type": "integer"}}}}), json!({}));
        assert_eq!(m["x-openapi-rust-stream"], "sse");
        assert_eq!(warnings, ["/paths/~1s/get/responses/200/content/text~1event-stream/itemSchema"]);
        let (_, warnings, ..) = upgraded(
            "text/event-stream",
            json!({"itemSchema": {"properties": {"data": {"type": "string"}, "name": {}}}}),
            json!({}),
        );
        assert_eq!(warnings, ["/paths/~1s/get/responses/200/content/text~1event-stream/itemSchema/properties/name"]);
    }

    #[test]
    fn a_stream_beside_json_is_left_out_with_a_warning_and_streams_lower_to_their_kind() {
        let spec = r#"{"openapi": "3.2.0", "info": {"title": "T", "version": "1"}, "paths": {
            "/chat": {"post": {"operationId": "chat", "responses": {"200": {"description": "d", "content": {
                "application/json": {"schema": {"type": "string"}},
                "text/event-stream": {"itemSchema": {"properties": {"data": {"type": "string"}}}}}}}}},
            "/rows": {"get": {"operationId": "rows", "responses": {"200": {"description": "d", "content": {
                "application/jsonl": {"itemSchema": {"type": "integer"}}}}}}}}}"#;
        let Ok((api, warnings)) = crate::lower_with_warnings(spec) else { panic!("does not lower") };
        assert_eq!(
            warnings.0.iter().map(|w| w.pointer.as_str()).collect::<Vec<_>>(),
            ["/paths/~1chat/post/responses/200/content/text~1event-stream"]
        );
        let responses: Vec<_> = api.operations.iter().map(|op| op.response.clone()).collect();
        assert_eq!(
            responses,
            [
                crate::ir::ResponseBody::Json(crate::ir::TypeRef::String),
                crate::ir::ResponseBody::Stream {
                    item: crate::ir::TypeRef::I64,
                    framing: crate::ir::Framing::JsonLines,
                    accept: "application/jsonl".into()
                }
            ]
        );
    }

    /// The media type `m` of the 200 response of `GET /s` in an OpenAPI 3.0 document after the
    /// upgrade, and where its schema came from.
    fn upgraded_30(m: &str, media: Value, schemas: Value) -> (Value, String) {
        let mut doc = json!({"openapi": "3.0.3", "info": {"title": "T", "version": "1"},
            "components": {"schemas": schemas},
            "paths": {"/s": {"get": {"responses": {"200": {"description": "d", "content": {m: media}}}}}}});
        let up = upgrade(&mut doc).unwrap_or_default();
        assert!(up.warnings.is_empty() && up.errors.is_empty());
        let at = format!("/paths/~1s/get/responses/200/content/{}", m.replace('/', "~1"));
        (doc.pointer(&at).cloned().unwrap_or_default(), up.origins.original(&format!("{at}/schema")))
    }

    #[test]
    fn event_streams_before_3_2_are_streams_of_their_schema() {
        // The schema of each event's data, as 3.0 specs write it, an `id` of its own included.
        let chunk =
            json!({"Chunk": {"type": "object", "properties": {"id": {"type": "string"}, "n": {"type": "integer"}}}});
        let (m, _) = upgraded_30("text/event-stream", json!({"schema": {"$ref": "#/components/schemas/Chunk"}}), chunk);
        assert_eq!(m, json!({"schema": {"$ref": "#/components/schemas/Chunk"}, "x-openapi-rust-stream": "sse"}));
        // Text, as the whole body's `type: string` says.
        let (m, _) = upgraded_30("text/event-stream; charset=utf-8", json!({"schema": {"type": "string"}}), json!({}));
        assert_eq!(m, json!({"schema": {"type": "string"}, "x-openapi-rust-stream": "sse-text"}));
        // The event's fields, as 3.2 describes them: the data's schema is taken.
        let event = json!({"schema": {"type": "object", "properties": {
            "event": {"type": "string"}, "data": {"type": "object", "properties": {"n": {"type": "integer"}}}}}});
        let (m, origin) = upgraded_30("text/event-stream", event, json!({}));
        assert_eq!(m["schema"], json!({"type": "object", "properties": {"n": {"type": "integer"}}}));
        assert_eq!(origin, "/paths/~1s/get/responses/200/content/text~1event-stream/schema/properties/data");
        // No schema: left as it was (read whole, as text).
        let (m, _) = upgraded_30("text/event-stream", json!({}), json!({}));
        assert_eq!(m, json!({}));
    }

    #[test]
    fn other_uses_are_diagnosed_where_they_are() {
        let (m, warnings, errors, _) = upgraded("multipart/mixed", json!({"itemSchema": {}}), json!({}));
        assert_eq!(m, json!({}));
        assert_eq!(warnings, ["/paths/~1s/get/responses/200/content/multipart~1mixed/itemSchema"]);
        assert!(errors.is_empty());
        let (_, _, errors, _) = upgraded("application/jsonl", json!({"itemSchema": "yes"}), json!({}));
        assert_eq!(errors, ["/paths/~1s/get/responses/200/content/application~1jsonl/itemSchema"]);
        let (_, _, errors, _) = upgraded(
            "text/event-stream",
            json!({"itemSchema": {"properties": {"data": {"contentSchema": 5}}}}),
            json!({}),
        );
        assert_eq!(
            errors,
            ["/paths/~1s/get/responses/200/content/text~1event-stream/itemSchema/properties/data/contentSchema"]
        );
    }
}
