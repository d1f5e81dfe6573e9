//! Pagination: a listing a page at a time ([`Pages`]), or every item as one stream ([`Items`]).
//!
//! How pages turn is a value the generated code declares from the spec ([`Paging`], inside a
//! [`ListingSpec`]; see [`Listed`]): five styles cover the APIs in use.
//!
//! | style | the next request | the end |
//! |---|---|---|
//! | [`Paging::PageNumber`] | the page parameter + 1 | the announced page count, else the first empty page |
//! | [`Paging::Offset`] | the offset parameter + the items received | the announced item count, else the first empty page |
//! | [`Paging::Cursor`] | the cursor parameter = the page's next cursor | an absent, `null` or empty cursor |
//! | [`Paging::AfterItem`] | the cursor parameter = the last item's id | `has_more: false`, else the first empty page |
//! | [`Paging::NextUrl`] | the URL the page names (body, or `Link: <…>; rel="next"`) | no next URL |
//!
//! Every style gives the same guarantees: every item once, in order; no request past an end
//! the server announced (a count, `has_more: false`, no cursor, no next URL); a server that
//! repeats itself (the same items as the page before, a cursor, last id or URL seen before)
//! ends the walk with [`Error::Pagination`], never a loop; one page in memory. Any style may
//! also read a `has_more` flag ([`ListingSpec::has_more`]): `false` ends the walk there. A next
//! URL is followed only when it stays under the client's base URL (same scheme, host and port,
//! path under the base path), else the walk ends with [`Error::ForeignNextPage`] and nothing is
//! sent there.
//!
//! The envelope-based page-number scheme of `x-pagination` with `info` ([`Paged`],
//! [`PageScheme`], [`PageInfo`]) walks the same way as [`Paging::PageNumber`].

use super::call::{Call, Decode, RawResponse};
use super::envelope::{decode_part, envelope_error, read, retrace, Envelope, EnvelopeKeys, EnvelopeVisitor};
use super::error::Error;
use crate::Message;
use futures_core::Stream;
use serde::de::{self, DeserializeOwned, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::future::Future;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

/// How many empty pages in a row the walk asks for before the announced last page before it
/// gives up with [`Error::Pagination`] (a server that announces pages it does not serve).
pub const MAX_EMPTY_RUN: u32 = 10;

/// An API's pagination scheme; emitted from the spec's `x-pagination`.
pub trait PageScheme: Send + 'static {
    /// The envelope pages come in.
    type Envelope: Envelope;
    /// The query parameter with the 1-based page number.
    const PAGE_PARAM: &'static str;
}

/// Page metadata that may know how many pages there are, in the pagination scheme `P`. (`P` is
/// the generated crate's own type, so a generated crate may implement this for metadata types
/// that live in its models crate.)
pub trait PageInfo<P> {
    /// The number of pages in the whole listing, if the server said.
    fn total_pages(&self) -> Option<u64>;
}

/// One page of a listing.
#[derive(Debug, Clone)]
pub struct Page<T, I> {
    /// The items on this page.
    pub items: Vec<T>,
    /// The page metadata, if the server sent it.
    pub info: Option<I>,
    number: Option<u64>,
    fingerprint: u64,
}

impl<T, I> Page<T, I> {
    /// The page number this page was requested as, when it came from [`Pages`] (a call that is
    /// awaited directly does not know which page the server chose to send).
    pub fn number(&self) -> Option<u64> {
        self.number
    }
}

/// Decodes one page in the scheme `P`.
pub struct Paged<P, T, I>(PhantomData<Marker<P, T, I>>);

/// Makes `Paged` covariant, `Send` and `Sync` whatever its parameters are.
type Marker<P, T, I> = fn() -> (P, T, I);

impl<M: Message, P, T, I> Decode<M> for Paged<P, T, I>
where
    P: PageScheme,
    T: DeserializeOwned + Send + 'static,
    I: DeserializeOwned + Send + 'static,
{
    type Output = Page<T, I>;

    fn decode(raw: &RawResponse) -> Result<(Page<T, I>, Vec<M>), Error<M>> {
        // Any failure is located by a second, tracked reading of the whole body (see
        // `envelope::retrace`), which also tells `success: false` from a body that does not
        // decode; a page that decodes is read once (and its payload once more, typed).
        let Ok(opened) = P::Envelope::open::<M>(&raw.body) else {
            return Err(relocate::<P, T, I, M>(raw));
        };
        if opened.success == Some(false) {
            return Err(raw.api_error(opened.errors, opened.messages));
        }
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        opened.result.map(|r| r.get()).unwrap_or("").hash(&mut hasher);
        let (Ok(items), Ok(info)) =
            (decode_part::<Option<Vec<T>>>(opened.result), decode_part::<Option<I>>(opened.info))
        else {
            return Err(relocate::<P, T, I, M>(raw));
        };
        let page = Page { items: items.unwrap_or_default(), info, number: None, fingerprint: hasher.finish() };
        Ok((page, opened.messages))
    }

    fn decode_error(raw: &RawResponse) -> Error<M> {
        envelope_error::<P::Envelope, M>(raw)
    }
}

/// The error of a page that did not decode, located by a second, tracked reading.
fn relocate<P: PageScheme, T: DeserializeOwned, I: DeserializeOwned, M: Message>(raw: &RawResponse) -> Error<M> {
    match retrace::<P::Envelope, Vec<T>, I, M>(raw) {
        Err(e) => e,
        // Not expected: both readings decode the same types from the same bytes.
        Ok(_) => raw.decode_error("the page decodes only when read a second time"),
    }
}

/// How a listing turns pages: one of the styles real APIs use. Parameters are query parameters
/// of the operation; locations are JSON pointers (RFC 6901) into the response body (`/meta/next`;
/// an array element by its index), except [`Paging::AfterItem::item_id`], which points into one
/// item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paging {
    /// Page numbers: the walk starts at the page the call asks for (or 1) and sets `param` to
    /// the next number.
    PageNumber {
        /// The query parameter with the 1-based page number.
        param: &'static str,
        /// Where a page says how many pages there are, if it does.
        total_pages: Option<&'static str>,
    },
    /// Offsets: the walk starts at the offset the call asks for (or 0) and sets `param` to it
    /// plus the items received so far (so a server that sends fewer items than asked for loses
    /// none). The page size is the caller's (a `limit` parameter, say), never changed.
    Offset {
        /// The query parameter with the offset.
        param: &'static str,
        /// Where a page says how many items the listing has, if it does.
        total_items: Option<&'static str>,
    },
    /// An opaque cursor from each page (`next_cursor`, `nextPageToken`): the walk sets `param`
    /// to it, and ends on a page without one (absent, `null` or empty).
    Cursor {
        /// The query parameter the cursor goes in.
        param: &'static str,
        /// Where a page holds the next cursor.
        next: &'static str,
    },
    /// The last item's id as the next request's cursor (Stripe's `starting_after`), usually
    /// with a `has_more` flag ([`ListingSpec::has_more`]); without one the walk ends at the
    /// first empty page.
    AfterItem {
        /// The query parameter the last item's id goes in.
        param: &'static str,
        /// Where an item holds its id, as a JSON pointer into the item (`/id`).
        item_id: &'static str,
    },
    /// The next page's URL, from the body or from the `Link` header (`rel="next"`, RFC 8288,
    /// as GitHub sends it): resolved against the page's URL and followed only under the
    /// client's base URL.
    NextUrl {
        /// Where the body holds the next page's URL; `None`: the `Link` header.
        next: Option<&'static str>,
    },
}

impl Paging {
    /// The query parameter the walk sets, if any.
    pub fn param(&self) -> Option<&'static str> {
        match *self {
            Paging::PageNumber { param, .. }
            | Paging::Offset { param, .. }
            | Paging::Cursor { param, .. }
            | Paging::AfterItem { param, .. } => Some(param),
            Paging::NextUrl { .. } => None,
        }
    }
}

/// A listing operation's pagination, as the spec declares it: where the items are and how
/// pages turn.
#[derive(Debug, Clone, Copy)]
pub struct ListingSpec {
    /// Where the items array is: a JSON pointer into the body (`""`: the body is the array).
    /// An absent or `null` array is an empty page.
    pub items: &'static str,
    /// How pages turn.
    pub paging: Paging,
    /// Where a page says whether more follow (`has_more`, `hasNextPage`), if it does: `false`
    /// (or absent) ends the walk after this page.
    pub has_more: Option<&'static str>,
    /// The API's envelope, when pages come in one: `success: false` is an error, and its
    /// messages are kept.
    pub envelope: Option<EnvelopeKeys>,
}

/// A listing's declaration, implemented by a unit type the generated code emits for it.
pub trait Listing: Send + 'static {
    /// The declaration.
    const SPEC: ListingSpec;
}

/// What one page said about the listing, as its declaration reads it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageMeta {
    /// The page count ([`Paging::PageNumber`]) or item count ([`Paging::Offset`]), if sent.
    pub total: Option<u64>,
    /// The next cursor, the last item's id or the next page's URL, by style, if there is one.
    pub next: Option<String>,
    /// The `has_more` flag, if declared and sent.
    pub has_more: Option<bool>,
}

impl serde::Serialize for PageMeta {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("PageMeta", 3)?;
        s.serialize_field("total", &self.total)?;
        s.serialize_field("next", &self.next)?;
        s.serialize_field("has_more", &self.has_more)?;
        s.end()
    }
}

/// A decoder whose pages can be walked: [`Paged`] and [`Listed`].
pub trait Walk<M>: Decode<M, Output = Page<Self::Item, Self::Info>> {
    /// One item.
    type Item: Send + 'static;
    /// The page metadata.
    type Info: Send + 'static;
    /// How pages turn.
    const PAGING: Paging;
    /// Whether pages carry a `has_more` flag (for [`Paging::AfterItem`], its absence ends the
    /// walk too).
    const HAS_MORE: bool = false;
    /// What a page says about the listing.
    fn meta(page: &Page<Self::Item, Self::Info>) -> PageMeta;
}

impl<M: Message, P, T, I> Walk<M> for Paged<P, T, I>
where
    P: PageScheme,
    T: DeserializeOwned + Send + 'static,
    I: DeserializeOwned + PageInfo<P> + Send + 'static,
{
    type Item = T;
    type Info = I;
    const PAGING: Paging = Paging::PageNumber { param: P::PAGE_PARAM, total_pages: None };

    fn meta(page: &Page<T, I>) -> PageMeta {
        PageMeta { total: page.info.as_ref().and_then(PageInfo::<P>::total_pages), ..PageMeta::default() }
    }
}

/// Decodes one page of the listing `L`, its items as `T`; the page's [`PageMeta`] is its info.
pub struct Listed<L, T>(PhantomData<fn() -> (L, T)>);

impl<M: Message, L: Listing, T: DeserializeOwned + Send + 'static> Decode<M> for Listed<L, T> {
    type Output = Page<T, PageMeta>;

    fn decode(raw: &RawResponse) -> Result<(Page<T, PageMeta>, Vec<M>), Error<M>> {
        let spec = L::SPEC;
        let mut messages = Vec::new();
        if let Some(keys) = spec.envelope {
            let keys = EnvelopeKeys { info: None, ..keys };
            let Ok(parts) = read(&raw.body, EnvelopeVisitor::<IgnoredAny, IgnoredAny, M>::new(keys)) else {
                return Err(match raw.retrace(EnvelopeVisitor::<IgnoredAny, IgnoredAny, M>::new(keys)) {
                    Err(e) => e,
                    Ok(_) => raw.decode_error("the page decodes only when read a second time"),
                });
            };
            if parts.success == Some(false) {
                return Err(raw.api_error(parts.errors, parts.messages));
            }
            messages = parts.messages;
        }
        let items_at = steps(spec.items);
        let relocate = |raw: &RawResponse| match raw.retrace(Find::<Option<Vec<T>>>::new(&items_at)) {
            Err(e) => e,
            Ok(_) => raw.decode_error("the page decodes only when read a second time"),
        };
        let found = find_raw(&raw.body, &items_at).map_err(|_| relocate(raw))?;
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        found.map(|r| r.get()).unwrap_or("").hash(&mut hasher);
        let items: Vec<T> = decode_part::<Option<Vec<T>>>(found).map_err(|_| relocate(raw))?.unwrap_or_default();
        let value_at = |pointer: &str| -> Option<serde_json::Value> {
            let at = steps(pointer);
            let found = find_raw(&raw.body, &at).ok().flatten()?;
            serde_json::from_str(found.get()).ok()
        };
        let mut meta =
            PageMeta { has_more: spec.has_more.and_then(&value_at).and_then(|v| v.as_bool()), ..PageMeta::default() };
        match spec.paging {
            Paging::PageNumber { total_pages: Some(p), .. } | Paging::Offset { total_items: Some(p), .. } => {
                meta.total = value_at(p).and_then(|v| v.as_f64()).and_then(whole);
            }
            Paging::PageNumber { total_pages: None, .. } | Paging::Offset { total_items: None, .. } => {}
            Paging::Cursor { next, .. } | Paging::NextUrl { next: Some(next) } => {
                meta.next = value_at(next).and_then(text)
            }
            Paging::AfterItem { item_id, .. } => {
                if let Some(last) = items.len().checked_sub(1) {
                    let mut at = items_at.clone();
                    at.push(last.to_string());
                    at.extend(steps(item_id));
                    meta.next = find_raw(&raw.body, &at)
                        .ok()
                        .flatten()
                        .and_then(|r| serde_json::from_str(r.get()).ok())
                        .and_then(text);
                }
            }
            Paging::NextUrl { next: None } => meta.next = next_link(&raw.headers),
        }
        let page = Page { items, info: Some(meta), number: None, fingerprint: hasher.finish() };
        Ok((page, messages))
    }

    fn decode_error(raw: &RawResponse) -> Error<M> {
        match L::SPEC.envelope {
            Some(keys) => match read(&raw.body, EnvelopeVisitor::<IgnoredAny, IgnoredAny, M>::new(keys)) {
                Ok(parts) => raw.api_error(parts.errors, parts.messages),
                Err(_) => raw.api_error(Vec::new(), Vec::new()),
            },
            None => raw.api_error(Vec::new(), Vec::new()),
        }
    }
}

impl<M: Message, L: Listing, T: DeserializeOwned + Send + 'static> Walk<M> for Listed<L, T> {
    type Item = T;
    type Info = PageMeta;
    const PAGING: Paging = L::SPEC.paging;
    const HAS_MORE: bool = L::SPEC.has_more.is_some();

    fn meta(page: &Page<T, PageMeta>) -> PageMeta {
        page.info.clone().unwrap_or_default()
    }
}

/// A cursor, id or URL as text: a non-empty string, or a number's digits.
fn text(value: serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::String(s) if !s.is_empty() => Some(s),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The steps of a JSON pointer (RFC 6901): `""` is the whole document, `/a/b` two steps, `~1`
/// and `~0` stand for `/` and `~`.
fn steps(pointer: &str) -> Vec<String> {
    if pointer.is_empty() {
        return Vec::new();
    }
    pointer.strip_prefix('/').unwrap_or(pointer).split('/').map(|s| s.replace("~1", "/").replace("~0", "~")).collect()
}

/// The raw value at `at` in `body`, if there is one there.
fn find_raw<'a>(body: &'a [u8], at: &[String]) -> Result<Option<&'a RawValue>, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let value = Find::<&RawValue>::new(at).deserialize(&mut de)?;
    de.end()?;
    Ok(value)
}

/// Reads a value as `V` at a path of keys (and array indexes) in a document, skipping the rest;
/// `None` when the path leads nowhere (a missing key, a scalar on the way).
struct Find<'p, V> {
    at: &'p [String],
    value: PhantomData<fn() -> V>,
}

impl<'p, V> Find<'p, V> {
    fn new(at: &'p [String]) -> Self {
        Find { at, value: PhantomData }
    }
}

impl<'de, V: de::Deserialize<'de>> DeserializeSeed<'de> for Find<'_, V> {
    type Value = Option<V>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<V>, D::Error> {
        if self.at.is_empty() {
            return <Option<V> as de::Deserialize>::deserialize(deserializer);
        }
        deserializer.deserialize_any(self)
    }
}

impl<'de, V: de::Deserialize<'de>> Visitor<'de> for Find<'_, V> {
    type Value = Option<V>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<V>, A::Error> {
        let (first, rest) = self.at.split_first().map_or(("", &[][..]), |(f, r)| (f.as_str(), r));
        let mut found = None;
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if key == first && found.is_none() {
                found = map.next_value_seed(Find::<V>::new(rest))?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Option<V>, A::Error> {
        let (first, rest) = self.at.split_first().map_or(("", &[][..]), |(f, r)| (f.as_str(), r));
        let index = first.parse::<usize>().ok();
        let mut found = None;
        let mut n = 0usize;
        loop {
            if Some(n) == index {
                match seq.next_element_seed(Find::<V>::new(rest))? {
                    Some(v) => found = v,
                    None => break,
                }
            } else if seq.next_element::<IgnoredAny>()?.is_none() {
                break;
            }
            n = n.saturating_add(1);
        }
        Ok(found)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Option<V>, E> {
        Ok(None)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Option<V>, E> {
        Ok(None)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Option<V>, E> {
        Ok(None)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Option<V>, E> {
        Ok(None)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Option<V>, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Option<V>, E> {
        Ok(None)
    }
    fn visit_none<E: de::Error>(self) -> Result<Option<V>, E> {
        Ok(None)
    }
}

/// The target of the first `rel="next"` link of the `Link` headers (RFC 8288), if any.
pub(crate) fn next_link(headers: &reqwest::header::HeaderMap) -> Option<String> {
    for value in headers.get_all(reqwest::header::LINK) {
        let Ok(text) = value.to_str() else { continue };
        let mut rest = text;
        // Each link-value: `<target>` then `; param=value` pairs, links separated by commas
        // (which a target, being inside `<>`, and a quoted value may hold too).
        while let Some(open) = rest.find('<') {
            let after = rest.get(open + 1..).unwrap_or_default();
            let Some(close) = after.find('>') else { break };
            let target = after.get(..close).unwrap_or_default();
            let mut params = after.get(close + 1..).unwrap_or_default();
            // The parameters run to the next comma outside quotes.
            let mut end = params.len();
            let mut quoted = false;
            for (i, c) in params.char_indices() {
                match c {
                    '"' => quoted = !quoted,
                    ',' if !quoted => {
                        end = i;
                        break;
                    }
                    _ => {}
                }
            }
            rest = params.get(end..).unwrap_or_default();
            params = params.get(..end).unwrap_or_default();
            let next = params.split(';').any(|p| {
                let Some((name, value)) = p.split_once('=') else { return false };
                name.trim().eq_ignore_ascii_case("rel")
                    && value.trim().trim_matches('"').split_ascii_whitespace().any(|r| r.eq_ignore_ascii_case("next"))
            });
            if next && !target.trim().is_empty() {
                return Some(target.trim().to_string());
            }
        }
    }
    None
}

/// `next` resolved against the URL of the page that named it, if it stays under `base` (same
/// scheme, host and port; path equal to the base path or under it); the resolved URL without
/// its fragment, or the URL as it may be shown in the error.
pub(crate) fn under_base(base: &str, page: &str, next: &str) -> Result<String, String> {
    let shown = || super::client::redact_url(next);
    let page = reqwest::Url::parse(page).map_err(|_| shown())?;
    let mut url = page.join(next.trim()).map_err(|_| shown())?;
    url.set_fragment(None);
    let base = reqwest::Url::parse(base).map_err(|_| shown())?;
    let same_origin = url.scheme() == base.scheme()
        && url.host_str() == base.host_str()
        && url.port_or_known_default() == base.port_or_known_default();
    let base_path = base.path().trim_end_matches('/');
    let path = url.path();
    let under = base_path.is_empty()
        || path == base_path
        || path.strip_prefix(base_path).is_some_and(|rest| rest.starts_with('/'));
    let clean = url.username().is_empty() && url.password().is_none();
    if same_origin && under && clean {
        Ok(url.to_string())
    } else {
        Err(super::client::redact_url(url.as_str()))
    }
}

type PageFuture<T, I, M> = Pin<Box<dyn Future<Output = Result<Page<T, I>, Error<M>>> + Send>>;

/// Every page of a listing, in order.
///
/// The walk trusts what the server announces (the latest count a page sent, `has_more`, a
/// cursor or a next URL): it neither stops early when a page is short or empty nor asks for a
/// page past an announced end. Without such a signal (a page-number or offset listing without a
/// count, an after-item listing without `has_more`) it stops at the first empty page, which is
/// not yielded (unless it is the first page: the listing is empty). An empty page before the
/// announced end is a page like any other (yielded here, contributing nothing to [`Items`]),
/// but more than [`MAX_EMPTY_RUN`] of them in a row end the walk with [`Error::Pagination`], as
/// does a server that repeats itself: the same items as the page before (a server that ignores
/// the page parameter), or a cursor, last item or next URL it already sent. An offset listing
/// whose count says more items follow an empty page, and an after-item listing whose
/// `has_more` says more follow an empty page, end with [`Error::Pagination`] too (there is no
/// way on). A next URL outside the client's base URL ends it with [`Error::ForeignNextPage`],
/// unrequested. A walk ends with the last page or with one error, never with a loop or silently
/// before the announced end.
#[must_use = "streams do nothing unless polled"]
pub struct Pages<D: Walk<M>, M> {
    call: Call<D, M>,
    /// The next page number ([`Paging::PageNumber`]).
    next: u64,
    /// The offset the walk started at plus the items received ([`Paging::Offset`]).
    offset: u64,
    first: bool,
    /// The fingerprint of the page before, when it had items.
    previous: Option<u64>,
    /// The count the latest page that sent one announced.
    announced: Option<u64>,
    /// Empty pages in a row before the announced end.
    empty_run: u32,
    /// Fingerprints of the cursors, last ids or URLs followed so far.
    followed: HashSet<u64>,
    /// An error to yield after the last page.
    failed: Option<Error<M>>,
    in_flight: Option<PageFuture<D::Item, D::Info, M>>,
    done: bool,
}

// No field is ever pinned in place: the future is boxed, the rest is moved freely.
impl<D: Walk<M>, M> Unpin for Pages<D, M> {}

impl<D: Walk<M>, M: Message> Call<D, M> {
    /// Walks the listing a page at a time, starting from the page (or offset) this call asks
    /// for, else the first.
    pub fn pages(self) -> Pages<D, M> {
        let asked = |name: &str| self.request.query_value(name).and_then(|v| v.parse::<f64>().ok());
        let (next, offset) = match D::PAGING {
            Paging::PageNumber { param, .. } => (asked(param).map_or(1, |v| v.max(1.0) as u64), 0),
            Paging::Offset { param, .. } => (1, asked(param).map_or(0, |v| v.max(0.0) as u64)),
            _ => (1, 0),
        };
        let mut call = self;
        // A page number the caller gave is sent as the walk reads it (whole, at least 1).
        if let Paging::PageNumber { param, .. } = D::PAGING {
            if call.request.query_value(param).is_some() {
                call.request.set_query(param, next);
            }
        }
        Pages {
            call,
            next,
            offset,
            first: true,
            previous: None,
            announced: None,
            empty_run: 0,
            followed: HashSet::new(),
            failed: None,
            in_flight: None,
            done: false,
        }
    }

    /// Every item of every page, as one stream; holds one page in memory at a time.
    pub fn items(self) -> Items<D, M> {
        Items { pages: self.pages(), buffer: VecDeque::new() }
    }
}

impl<D: Walk<M>, M: Message> Pages<D, M> {
    fn fetch(&self) -> PageFuture<D::Item, D::Info, M> {
        let client = self.call.client.clone();
        let request = self.call.request.clone();
        let options = self.call.options.clone();
        let number = matches!(D::PAGING, Paging::PageNumber { .. }).then_some(self.next);
        Box::pin(async move {
            let raw = client.execute(&request, &options, D::decode_error).await?;
            let (mut page, _) = D::decode(&raw)?;
            page.number = number;
            Ok(page)
        })
    }

    /// The walk ends with `error` once the current page is yielded.
    fn fail_after(&mut self, error: Error<M>) {
        self.done = true;
        self.failed = Some(error);
    }

    /// Whether `key` was followed before (a loop); records it.
    fn repeats(&mut self, key: &str) -> bool {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        key.hash(&mut hasher);
        !self.followed.insert(hasher.finish())
    }

    /// Counts an empty page before the announced end; the error once there are too many.
    fn empty_before_end(&mut self, at: &str) -> Option<Error<M>> {
        self.empty_run += 1;
        (self.empty_run > MAX_EMPTY_RUN).then(|| {
            Error::Pagination(format!(
                "{} empty pages in a row up to {at}, but the server says more follow",
                self.empty_run
            ))
        })
    }

    /// Decides what follows `page` and prepares the next request; `None`: yield the page,
    /// `Some(None)`: end without yielding it, `Some(Some(e))`: yield `e` instead.
    fn turn(&mut self, page: &Page<D::Item, D::Info>, meta: PageMeta) -> Option<Option<Error<M>>> {
        let first = std::mem::replace(&mut self.first, false);
        let empty = page.items.is_empty();
        let param = D::PAGING.param().unwrap_or_default();
        if empty {
            self.previous = None;
        } else {
            self.empty_run = 0;
            if self.previous == Some(page.fingerprint) {
                self.done = true;
                let what = match D::PAGING {
                    Paging::PageNumber { .. } => format!(
                        "page {} has the same items as page {}: the server seems to ignore `{param}`",
                        self.next,
                        self.next.saturating_sub(1)
                    ),
                    Paging::NextUrl { .. } => "a page has the same items as the page before".to_string(),
                    _ => format!("a page has the same items as the page before: the server seems to ignore `{param}`"),
                };
                return Some(Some(Error::Pagination(what)));
            }
            self.previous = Some(page.fingerprint);
        }
        if meta.total.is_some() {
            self.announced = meta.total;
        }
        let more = meta.has_more;
        match D::PAGING {
            Paging::PageNumber { param, .. } => {
                let number = self.next;
                let before_end = self.announced.is_some_and(|total| number < total) || more == Some(true);
                if empty {
                    if !before_end {
                        // The end. An empty first page is still a page (the listing is empty), and
                        // so is an announced last page; an empty page past the end, or without a
                        // count, is only the end marker and is not yielded.
                        self.done = true;
                        let announced = self.announced.is_some_and(|total| number <= total);
                        return (!(first || announced)).then_some(None);
                    }
                    // The server says more pages follow: an empty page here is not the end.
                    self.empty_run += 1;
                    if self.empty_run > MAX_EMPTY_RUN {
                        self.done = true;
                        let from = number.saturating_sub(u64::from(MAX_EMPTY_RUN));
                        return Some(Some(Error::Pagination(match self.announced {
                            Some(total) => format!(
                                "pages {from} to {number} are all empty, but the server announced {total} pages"
                            ),
                            None => format!("pages {from} to {number} are all empty, but the server says more follow"),
                        })));
                    }
                }
                if self.announced.is_some_and(|total| number >= total) || more == Some(false) {
                    self.done = true;
                } else if let Some(next) = number.checked_add(1) {
                    self.next = next;
                    self.call.request.set_query(param, next);
                } else {
                    self.fail_after(Error::Pagination(format!("there is no page number after {number}")));
                }
            }
            Paging::Offset { param, .. } => {
                let at = self.offset;
                self.offset = at.saturating_add(page.items.len() as u64);
                let before_end = self.announced.is_some_and(|total| self.offset < total) || more == Some(true);
                if empty {
                    self.done = true;
                    if before_end {
                        return Some(Some(Error::Pagination(format!(
                            "the page at offset {at} is empty, but the server says more items follow"
                        ))));
                    }
                    return (!first).then_some(None);
                }
                if !before_end && (self.announced.is_some() || more.is_some()) {
                    self.done = true;
                } else {
                    self.call.request.set_query(param, self.offset);
                }
            }
            Paging::Cursor { param, .. } => match meta.next {
                Some(cursor) if more != Some(false) => {
                    if self.repeats(&cursor) {
                        // This page is new; only following its cursor would loop.
                        self.fail_after(Error::Pagination(format!(
                            "the server sent the cursor `{}` again: following it would loop",
                            super::error::short(&cursor, 40)
                        )));
                        return None;
                    }
                    if empty {
                        if let Some(e) = self.empty_before_end("this one") {
                            self.done = true;
                            return Some(Some(e));
                        }
                    }
                    self.call.request.set_query(param, cursor.as_str());
                }
                _ => self.done = true,
            },
            Paging::AfterItem { param, .. } => {
                if empty {
                    self.done = true;
                    if more == Some(true) {
                        return Some(Some(Error::Pagination(
                            "the server says more items follow an empty page: there is no item to continue after"
                                .into(),
                        )));
                    }
                    return (!first).then_some(None);
                }
                if more == Some(false) || (more.is_none() && D::HAS_MORE) {
                    self.done = true;
                } else {
                    match meta.next {
                        Some(id) if self.repeats(&id) => self.fail_after(Error::Pagination(format!(
                            "the last item `{}` was the last item of a page before: following it would loop",
                            super::error::short(&id, 40)
                        ))),
                        Some(id) => self.call.request.set_query(param, id.as_str()),
                        None => self
                            .fail_after(Error::Pagination("the page's last item has no id to continue after".into())),
                    }
                }
            }
            Paging::NextUrl { .. } => match meta.next {
                Some(next) if more != Some(false) => {
                    let base = self.call.client.base_url().to_string();
                    let here = self.call.request.url(&base, &[]).unwrap_or_else(|_| base.clone());
                    match under_base(&base, &here, &next) {
                        Err(url) => self.fail_after(Error::ForeignNextPage { url }),
                        Ok(url) if self.repeats(&url) => self.fail_after(Error::Pagination(format!(
                            "the server named `{}` as the next page again: following it would loop",
                            super::client::redact_url(&url)
                        ))),
                        Ok(url) => {
                            if empty {
                                if let Some(e) = self.empty_before_end("this one") {
                                    self.done = true;
                                    return Some(Some(e));
                                }
                            }
                            self.call.request.url_override = Some(url);
                        }
                    }
                }
                _ => self.done = true,
            },
        }
        None
    }
}

impl<D: Walk<M>, M: Message> Stream for Pages<D, M> {
    type Item = Result<Page<D::Item, D::Info>, Error<M>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.done {
            return Poll::Ready(this.failed.take().map(Err));
        }
        if this.in_flight.is_none() {
            this.in_flight = Some(this.fetch());
        }
        let Some(fut) = this.in_flight.as_mut() else { return Poll::Ready(None) };
        let result = match fut.as_mut().poll(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(r) => r,
        };
        this.in_flight = None;
        let page = match result {
            Ok(page) => page,
            Err(e) => {
                this.done = true;
                return Poll::Ready(Some(Err(e)));
            }
        };
        let meta = D::meta(&page);
        match this.turn(&page, meta) {
            None => Poll::Ready(Some(Ok(page))),
            Some(None) => Poll::Ready(None),
            Some(Some(e)) => Poll::Ready(Some(Err(e))),
        }
    }
}

/// Every item of a listing, page after page.
#[must_use = "streams do nothing unless polled"]
pub struct Items<D: Walk<M>, M> {
    pages: Pages<D, M>,
    buffer: VecDeque<D::Item>,
}

impl<D: Walk<M>, M> Unpin for Items<D, M> {}

impl<D: Walk<M>, M: Message> Stream for Items<D, M> {
    type Item = Result<D::Item, Error<M>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.buffer.pop_front() {
                return Poll::Ready(Some(Ok(item)));
            }
            match Pin::new(&mut this.pages).poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
                Poll::Ready(Some(Ok(page))) => this.buffer.extend(page.items),
            }
        }
    }
}

/// A whole number of pages from a JSON number (page counts are sometimes sent as floats).
pub fn whole(value: f64) -> Option<u64> {
    (value.is_finite() && value >= 0.0).then_some(value as u64)
}
