//! Pagination declarations, read into one form ([`Decl`]) and bound to operations.
//!
//! Three spellings are read, so that specs written for other tools work unchanged:
//!
//! ```yaml
//! # ours: at the root (the default of every GET operation it fits) or on an operation
//! x-pagination: { style: page | offset | cursor | after-item | next-url | link-header,
//!                 items: /data, param: NAME, total: /meta/total, next: /next_cursor,
//!                 has-more: /has_more, item-id: /id }
//! x-pagination: false                      # an operation opts out of the root's
//! # Speakeasy, on an operation
//! x-speakeasy-pagination: { type: offsetLimit | cursor | url,
//!                           inputs: [{name, in: parameters, type: page | offset | limit | cursor}],
//!                           outputs: {results: $.data, numPages: $.pages, nextCursor: $.next, nextUrl: $.next} }
//! # Fern, on an operation (or at the root, with operations opting in by `true`)
//! x-fern-pagination: { cursor: $request.cursor, next_cursor: $response.next, offset: $request.page,
//!                      step: $request.limit, next_uri: $response.next, next_path: $response.next,
//!                      has-next-page: $response.has_more, results: $response.data }
//! ```
//!
//! The legacy root form of `x-pagination` (`page-param`, `info`, `total-pages`: page numbers
//! inside `x-envelope`) is read by `extensions.rs`, as before.

use super::Cx;
use crate::diag::{ptr, Diagnostic};
use crate::ir::PagingStyle;
use serde_json::{Map, Value};

/// A pagination declaration, not yet bound to an operation.
#[derive(Debug, Clone)]
pub(crate) struct Decl {
    /// Where the items are; `None`: the envelope's result, or the whole body.
    pub items: Option<String>,
    pub style: PagingStyle,
    pub has_more: Option<String>,
    /// The extension and its JSON pointer, for docs and diagnostics.
    pub by: String,
    pub at: String,
}

/// What an operation declares.
pub(crate) enum OpDecl {
    /// Nothing: the root's declaration applies where it fits.
    Inherit,
    /// `false`: not paginated.
    Off,
    /// Its own declaration (or `x-fern-pagination: true`: the root's, required to fit).
    Own(Decl),
}

/// Keys of the legacy root form (page numbers in the envelope), read by `extensions.rs`.
pub(crate) fn is_legacy(map: &Map<String, Value>) -> bool {
    ["page-param", "per-page-param", "info", "total-pages"].iter().any(|k| map.contains_key(*k))
}

/// The root's declaration: `x-pagination` (style keys) or `x-fern-pagination`.
pub(crate) fn read_root(cx: &mut Cx<'_>) -> Option<Decl> {
    let ext = &cx.doc.extensions;
    let ours = ext.get("x-pagination").filter(|v| !v.as_object().is_some_and(is_legacy));
    let fern = ext.get("x-fern-pagination");
    if ours.is_some() && fern.is_some() {
        cx.error(Diagnostic::invalid(
            "/x-fern-pagination",
            "declare the default pagination once: `x-pagination` or `x-fern-pagination`",
        ));
        return None;
    }
    if let Some(v) = ours {
        return ours_decl(cx, v, "/x-pagination");
    }
    fern.and_then(|v| fern_decl(cx, v, "/x-fern-pagination"))
}

/// An operation's own declaration; `pointer` is the operation's.
pub(crate) fn read_operation(
    cx: &mut Cx<'_>,
    ext: &indexmap::IndexMap<String, Value>,
    pointer: &str,
    root: Option<&Decl>,
) -> OpDecl {
    let names = ["x-pagination", "x-speakeasy-pagination", "x-fern-pagination"];
    let present: Vec<&str> = names.iter().copied().filter(|n| ext.contains_key(*n)).collect();
    if present.len() > 1 {
        cx.error(Diagnostic::invalid(
            ptr(pointer, &[present.get(1).copied().unwrap_or_default()]),
            format!("declare an operation's pagination once (found {})", present.join(", ")),
        ));
        return OpDecl::Inherit;
    }
    let Some(name) = present.first().copied() else { return OpDecl::Inherit };
    let Some(value) = ext.get(name) else { return OpDecl::Inherit };
    let at = ptr(pointer, &[name]);
    match (name, value) {
        (_, Value::Bool(false)) => OpDecl::Off,
        ("x-fern-pagination", Value::Bool(true)) => match root {
            Some(d) => OpDecl::Own(d.clone()),
            None => {
                cx.error(Diagnostic::invalid(
                    &at,
                    "`true` opts into the root's `x-fern-pagination`, but there is none",
                ));
                OpDecl::Inherit
            }
        },
        ("x-pagination", v) => {
            if v.as_object().is_some_and(is_legacy) {
                cx.error(Diagnostic::invalid(
                    &at,
                    "on an operation, declare pagination with `style` keys (`page-param`/`info`/`total-pages` are the \
                     root's envelope form)",
                ));
                return OpDecl::Inherit;
            }
            ours_decl(cx, v, &at).map_or(OpDecl::Inherit, OpDecl::Own)
        }
        ("x-speakeasy-pagination", v) => speakeasy_decl(cx, v, &at).map_or(OpDecl::Inherit, OpDecl::Own),
        (_, v) => fern_decl(cx, v, &at).map_or(OpDecl::Inherit, OpDecl::Own),
    }
}

fn object<'v>(cx: &mut Cx<'_>, value: &'v Value, at: &str) -> Option<&'v Map<String, Value>> {
    let map = value.as_object();
    if map.is_none() {
        cx.error(Diagnostic::invalid(at, "expected an object (or `false`)"));
    }
    map
}

fn string<'v>(cx: &mut Cx<'_>, map: &'v Map<String, Value>, key: &str, at: &str) -> Option<&'v str> {
    match map.get(key) {
        Some(Value::String(s)) if !s.is_empty() => Some(s),
        Some(_) => {
            cx.error(Diagnostic::invalid(ptr(at, &[key]), "expected a non-empty string"));
            None
        }
        None => None,
    }
}

fn required<T>(
    cx: &mut Cx<'_>,
    value: Option<T>,
    map: &Map<String, Value>,
    key: &str,
    at: &str,
    why: &str,
) -> Option<T> {
    if value.is_none() && !map.contains_key(key) {
        cx.error(Diagnostic::invalid(at, format!("missing `{key}` ({why})")));
    }
    value
}

/// A JSON pointer (RFC 6901): `""` (only where `empty` is allowed) or `/`-separated steps.
fn pointer(cx: &mut Cx<'_>, map: &Map<String, Value>, key: &str, at: &str, empty: bool) -> Option<String> {
    let text = match map.get(key) {
        Some(Value::String(s)) => s,
        Some(_) => {
            cx.error(Diagnostic::invalid(ptr(at, &[key]), "expected a JSON pointer (a string like `/data`)"));
            return None;
        }
        None => return None,
    };
    let valid = (text.is_empty() && empty) || (text.starts_with('/') && !has_bad_escape(text));
    if !valid {
        let wanted = if empty { "`\"\"` (the whole body) or " } else { "" };
        cx.error(Diagnostic::invalid(
            ptr(at, &[key]),
            format!("`{text}` is not a JSON pointer: expected {wanted}`/`-separated keys like `/meta/next`"),
        ));
        return None;
    }
    Some(text.clone())
}

/// A `~` not followed by `0` or `1`.
fn has_bad_escape(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().any(|(i, b)| *b == b'~' && !matches!(bytes.get(i + 1), Some(b'0' | b'1')))
}

/// A key to a pointer step.
fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn check_keys(cx: &mut Cx<'_>, map: &Map<String, Value>, known: &[&str], at: &str, context: &str) {
    for key in map.keys() {
        if !known.contains(&key.as_str()) {
            cx.error(Diagnostic::invalid(
                ptr(at, &[key]),
                format!("unknown key `{key}` {context}(expected one of: {})", known.join(", ")),
            ));
        }
    }
}

/// `x-pagination` with style keys.
fn ours_decl(cx: &mut Cx<'_>, value: &Value, at: &str) -> Option<Decl> {
    let map = object(cx, value, at)?;
    let style = match map.get("style") {
        None => "page",
        Some(Value::String(s)) => s.as_str(),
        Some(_) => "",
    };
    let (known, needs): (&[&str], &[&str]) = match style {
        "page" | "offset" => (&["style", "items", "param", "total", "has-more"], &["param"]),
        "cursor" => (&["style", "items", "param", "next", "has-more"], &["param", "next"]),
        "after-item" => (&["style", "items", "param", "item-id", "has-more"], &["param", "item-id"]),
        "next-url" => (&["style", "items", "next", "has-more"], &["next"]),
        "link-header" => (&["style", "items", "has-more"], &[]),
        _ => {
            cx.error(Diagnostic::invalid(
                ptr(at, &["style"]),
                "expected one of: page, offset, cursor, after-item, next-url, link-header",
            ));
            return None;
        }
    };
    check_keys(cx, map, known, at, &format!("for `style: {style}` "));
    for key in needs {
        if !map.contains_key(*key) {
            cx.error(Diagnostic::invalid(at, format!("missing `{key}` (needed by `style: {style}`)")));
        }
    }
    let param = string(cx, map, "param", at).map(str::to_string);
    let items = pointer(cx, map, "items", at, true);
    let total = pointer(cx, map, "total", at, false);
    let next = pointer(cx, map, "next", at, false);
    let item_id = pointer(cx, map, "item-id", at, true);
    let has_more = pointer(cx, map, "has-more", at, false);
    let style = match style {
        "page" => PagingStyle::PageNumber { param: param?, total_pages: total },
        "offset" => PagingStyle::Offset { param: param?, total_items: total },
        "cursor" => PagingStyle::Cursor { param: param?, next: next? },
        "after-item" => PagingStyle::AfterItem { param: param?, item_id: item_id? },
        "next-url" => PagingStyle::NextUrl { next: Some(next?) },
        _ => PagingStyle::NextUrl { next: None },
    };
    Some(Decl { items, style, has_more, by: format!("`x-pagination` at `{at}`"), at: at.to_string() })
}

/// A Speakeasy JSONPath (`$`, `$.a.b`, `$['a']`) as JSON pointer steps; a trailing `[-1]`
/// (the last item) is returned apart: `(steps before it, Some(steps after it))`.
fn json_path(text: &str) -> Option<(Vec<String>, Option<Vec<String>>)> {
    let mut rest = text.trim().strip_prefix('$')?;
    let mut before = Vec::new();
    let mut after: Option<Vec<String>> = None;
    while !rest.is_empty() {
        let target = after.as_mut().unwrap_or(&mut before);
        if let Some(r) = rest.strip_prefix("[-1]") {
            if after.is_some() {
                return None;
            }
            after = Some(Vec::new());
            rest = r;
        } else if let Some(r) = rest.strip_prefix('.') {
            let end = r.find(['.', '[']).unwrap_or(r.len());
            let key = r.get(..end)?;
            if key.is_empty() {
                return None;
            }
            target.push(key.to_string());
            rest = r.get(end..)?;
        } else if let Some(r) = rest.strip_prefix("['").or_else(|| rest.strip_prefix("[\"")) {
            let end = r.find(['\'', '"'])?;
            target.push(r.get(..end)?.to_string());
            rest = r.get(end + 1..)?.strip_prefix(']')?;
        } else {
            return None;
        }
    }
    Some((before, after))
}

fn to_pointer(steps: &[String]) -> String {
    steps.iter().map(|s| format!("/{}", escape(s))).collect()
}

/// A Speakeasy output location; the last-item form only where `last` is allowed.
fn path_at(cx: &mut Cx<'_>, map: &Map<String, Value>, key: &str, at: &str) -> Option<(String, Option<String>)> {
    let text = string(cx, map, key, at)?;
    match json_path(text) {
        Some((before, after)) => Some((to_pointer(&before), after.map(|a| to_pointer(&a)))),
        None => {
            cx.error(Diagnostic::unsupported(
                ptr(at, &[key]),
                format!("`{text}`: only JSONPaths of keys (`$.data.items`, `$['data']`), with `[-1]` for the last item, are read"),
            ));
            None
        }
    }
}

/// `x-speakeasy-pagination`.
fn speakeasy_decl(cx: &mut Cx<'_>, value: &Value, at: &str) -> Option<Decl> {
    let map = object(cx, value, at)?;
    check_keys(cx, map, &["type", "inputs", "outputs"], at, "");
    let kind = string(cx, map, "type", at);
    let kind = required(cx, kind, map, "type", at, "offsetLimit, cursor or url")?;
    let mut inputs: Vec<(String, String)> = Vec::new();
    match map.get("inputs") {
        Some(Value::Array(list)) => {
            for (i, input) in list.iter().enumerate() {
                let i_at = ptr(at, &["inputs", &i.to_string()]);
                let Some(m) = object(cx, input, &i_at) else { continue };
                check_keys(cx, m, &["name", "in", "type"], &i_at, "");
                let name = string(cx, m, "name", &i_at);
                let name = required(cx, name, m, "name", &i_at, "the parameter");
                let kind = string(cx, m, "type", &i_at);
                let kind = required(cx, kind, m, "type", &i_at, "page, offset, limit or cursor");
                match string(cx, m, "in", &i_at) {
                    Some("parameters") | None => {}
                    Some(other) => {
                        cx.error(Diagnostic::unsupported(
                            ptr(&i_at, &["in"]),
                            format!("`in: {other}`: only `in: parameters` (a query parameter) is supported"),
                        ));
                        continue;
                    }
                }
                if let (Some(name), Some(kind)) = (name, kind) {
                    if !matches!(kind, "page" | "offset" | "limit" | "cursor") {
                        cx.error(Diagnostic::invalid(ptr(&i_at, &["type"]), "expected page, offset, limit or cursor"));
                        continue;
                    }
                    inputs.push((kind.to_string(), name.to_string()));
                }
            }
        }
        Some(_) => cx.error(Diagnostic::invalid(ptr(at, &["inputs"]), "expected a list of inputs")),
        None => {}
    }
    let input = |kind: &str| inputs.iter().find(|(k, _)| k == kind).map(|(_, n)| n.clone());
    let empty = Map::new();
    let outputs = match map.get("outputs") {
        Some(v) => object(cx, v, &ptr(at, &["outputs"]))?,
        None => &empty,
    };
    let o_at = ptr(at, &["outputs"]);
    check_keys(cx, outputs, &["results", "numPages", "nextCursor", "nextUrl"], &o_at, "");
    let results = path_at(cx, outputs, "results", &o_at);
    let mut items = results.as_ref().map(|(p, _)| p.clone());
    if results.as_ref().is_some_and(|(_, last)| last.is_some()) {
        cx.error(Diagnostic::invalid(ptr(&o_at, &["results"]), "`[-1]` is for `nextCursor` only"));
        return None;
    }
    let style = match kind {
        "offsetLimit" => match (input("page"), input("offset")) {
            (Some(param), _) => {
                let total = path_at(cx, outputs, "numPages", &o_at).map(|(p, _)| p);
                PagingStyle::PageNumber { param, total_pages: total }
            }
            (None, Some(param)) => PagingStyle::Offset { param, total_items: None },
            (None, None) => {
                cx.error(Diagnostic::invalid(
                    at,
                    "`type: offsetLimit` needs an input of `type: page` or `type: offset`",
                ));
                return None;
            }
        },
        "cursor" => {
            let param = input("cursor");
            if param.is_none() {
                cx.error(Diagnostic::invalid(at, "`type: cursor` needs an input of `type: cursor`, `in: parameters`"));
            }
            let next = path_at(cx, outputs, "nextCursor", &o_at);
            let next = required(cx, next, outputs, "nextCursor", &o_at, "where the next cursor is");
            let (param, (next, last)) = (param?, next?);
            match last {
                // `$.data[-1].id`: the last item's id; the items are before `[-1]`.
                Some(item_id) => {
                    if items.as_ref().is_some_and(|i| *i != next) {
                        cx.error(Diagnostic::invalid(
                            ptr(&o_at, &["nextCursor"]),
                            "`[-1]` must follow the `results` path (the last item of the results)",
                        ));
                        return None;
                    }
                    items = Some(next);
                    PagingStyle::AfterItem { param, item_id }
                }
                None => PagingStyle::Cursor { param, next },
            }
        }
        "url" => {
            let next = path_at(cx, outputs, "nextUrl", &o_at);
            let (next, _) = required(cx, next, outputs, "nextUrl", &o_at, "where the next page's URL is")?;
            PagingStyle::NextUrl { next: Some(next) }
        }
        other => {
            cx.error(Diagnostic::invalid(
                ptr(at, &["type"]),
                format!("`{other}`: expected offsetLimit, cursor or url"),
            ));
            return None;
        }
    };
    Some(Decl { items, style, has_more: None, by: format!("`x-speakeasy-pagination` at `{at}`"), at: at.to_string() })
}

/// A Fern location: `$request.NAME` (a parameter) or `$response.a.b` (a JSON pointer).
fn fern_path(cx: &mut Cx<'_>, map: &Map<String, Value>, key: &str, at: &str, side: &str) -> Option<String> {
    let text = string(cx, map, key, at)?;
    let prefix = format!("${side}.");
    let Some(rest) = text.strip_prefix(&prefix) else {
        cx.error(Diagnostic::invalid(ptr(at, &[key]), format!("`{text}`: expected `{prefix}…`")));
        return None;
    };
    if rest.is_empty() || rest.split('.').any(str::is_empty) || (side == "request" && rest.contains('.')) {
        cx.error(Diagnostic::unsupported(
            ptr(at, &[key]),
            format!("`{text}`: expected `$request.PARAMETER` (a query parameter) or `$response.a.b`"),
        ));
        return None;
    }
    Some(match side {
        "request" => rest.to_string(),
        _ => rest.split('.').map(|s| format!("/{}", escape(s))).collect(),
    })
}

/// `x-fern-pagination`.
fn fern_decl(cx: &mut Cx<'_>, value: &Value, at: &str) -> Option<Decl> {
    let map = object(cx, value, at)?;
    let known = ["cursor", "next_cursor", "offset", "step", "next_uri", "next_path", "results", "has-next-page"];
    check_keys(cx, map, &known, at, "");
    let items = fern_path(cx, map, "results", at, "response");
    let has_more = fern_path(cx, map, "has-next-page", at, "response");
    let style = if map.contains_key("cursor") || map.contains_key("next_cursor") {
        let param = fern_path(cx, map, "cursor", at, "request");
        let param = required(cx, param, map, "cursor", at, "the request's cursor parameter");
        let next = fern_path(cx, map, "next_cursor", at, "response");
        let next = required(cx, next, map, "next_cursor", at, "where the next cursor is");
        PagingStyle::Cursor { param: param?, next: next? }
    } else if map.contains_key("offset") {
        let param = fern_path(cx, map, "offset", at, "request")?;
        // Without `step` Fern adds 1 to `offset` per page: it is a page number.
        match map.contains_key("step") {
            true => {
                fern_path(cx, map, "step", at, "request")?;
                PagingStyle::Offset { param, total_items: None }
            }
            false => PagingStyle::PageNumber { param, total_pages: None },
        }
    } else if map.contains_key("next_uri") || map.contains_key("next_path") {
        let key = if map.contains_key("next_uri") { "next_uri" } else { "next_path" };
        PagingStyle::NextUrl { next: Some(fern_path(cx, map, key, at, "response")?) }
    } else {
        cx.error(Diagnostic::invalid(at, "expected `cursor` + `next_cursor`, `offset`, `next_uri` or `next_path`"));
        return None;
    };
    Some(Decl { items, style, has_more, by: format!("`x-fern-pagination` at `{at}`"), at: at.to_string() })
}

#[cfg(test)]
mod tests {
    use super::json_path;

    #[test]
    fn json_paths() {
        let s = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(json_path("$"), Some((vec![], None)));
        assert_eq!(json_path("$.data.items"), Some((s(&["data", "items"]), None)));
        assert_eq!(json_path("$['data'].x"), Some((s(&["data", "x"]), None)));
        assert_eq!(json_path("$.data[-1].id"), Some((s(&["data"]), Some(s(&["id"])))));
        assert_eq!(json_path("$.data[0]"), None);
        assert_eq!(json_path("data"), None);
        assert_eq!(json_path("$..x"), None);
    }
}
