//! Page-number pagination: a page at a time, or every item as one stream. When a walk goes on
//! and when it ends is documented on [`Pages`].

use super::call::{Call, Decode, RawResponse};
use super::envelope::{decode_part, envelope_error, retrace, Envelope};
use super::error::Error;
use crate::Message;
use futures_core::Stream;
use serde::de::DeserializeOwned;
use std::collections::VecDeque;
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

type PageFuture<T, I, M> = Pin<Box<dyn Future<Output = Result<Page<T, I>, Error<M>>> + Send>>;

/// Every page of a listing, in order.
///
/// The walk trusts the page count when the server sends one (the latest a page announced): it
/// neither stops early when a page is short or empty nor asks for a page past the last. Without
/// a count it stops at the first empty page, which is not yielded (unless it is the first page:
/// the listing is empty). An empty page before the announced last one is a page like any other
/// (yielded here, contributing nothing to [`Items`]), but more than [`MAX_EMPTY_RUN`] of them in
/// a row end the walk with [`Error::Pagination`], as does a server that ignores the page
/// parameter (the same items twice): a walk ends with the last page or with one error, never
/// with a loop or silently before the announced end.
#[must_use = "streams do nothing unless polled"]
pub struct Pages<P, T, I, M> {
    call: Call<Paged<P, T, I>, M>,
    next: u64,
    first: bool,
    /// The fingerprint of the page before, when it had items.
    previous: Option<u64>,
    /// The page count the latest page that sent one announced.
    announced: Option<u64>,
    /// Empty pages in a row before the announced end.
    empty_run: u32,
    /// An error to yield after the last page.
    failed: Option<Error<M>>,
    in_flight: Option<PageFuture<T, I, M>>,
    done: bool,
}

// No field is ever pinned in place: the future is boxed, the rest is moved freely.
impl<P, T, I, M> Unpin for Pages<P, T, I, M> {}

impl<P, T, I, M: Message> Call<Paged<P, T, I>, M>
where
    P: PageScheme,
    T: DeserializeOwned + Send + 'static,
    I: DeserializeOwned + PageInfo<P> + Send + 'static,
{
    /// Walks the listing a page at a time, starting from the page this call asks for (or 1).
    pub fn pages(self) -> Pages<P, T, I, M> {
        let start = self
            .request
            .query_value(P::PAGE_PARAM)
            .and_then(|v| v.parse::<f64>().ok())
            .map_or(1, |v| v.max(1.0) as u64);
        Pages {
            call: self,
            next: start,
            first: true,
            previous: None,
            announced: None,
            empty_run: 0,
            failed: None,
            in_flight: None,
            done: false,
        }
    }

    /// Every item of every page, as one stream; holds one page in memory at a time.
    pub fn items(self) -> Items<P, T, I, M> {
        Items { pages: self.pages(), buffer: VecDeque::new() }
    }
}

impl<P, T, I, M: Message> Pages<P, T, I, M>
where
    P: PageScheme,
    T: DeserializeOwned + Send + 'static,
    I: DeserializeOwned + PageInfo<P> + Send + 'static,
{
    fn fetch(&self) -> PageFuture<T, I, M> {
        let client = self.call.client.clone();
        let mut request = self.call.request.clone();
        let options = self.call.options.clone();
        let number = self.next;
        if !self.first || request.query_value(P::PAGE_PARAM).is_some() {
            request.set_query(P::PAGE_PARAM, number);
        }
        Box::pin(async move {
            let raw = client.execute(&request, &options, Paged::<P, T, I>::decode_error).await?;
            let (mut page, _) = Paged::<P, T, I>::decode(&raw)?;
            page.number = Some(number);
            Ok(page)
        })
    }
}

impl<P, T, I, M: Message> Stream for Pages<P, T, I, M>
where
    P: PageScheme,
    T: DeserializeOwned + Send + 'static,
    I: DeserializeOwned + PageInfo<P> + Send + 'static,
{
    type Item = Result<Page<T, I>, Error<M>>;

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
        let first = std::mem::replace(&mut this.first, false);
        let page = match result {
            Ok(page) => page,
            Err(e) => {
                this.done = true;
                return Poll::Ready(Some(Err(e)));
            }
        };
        let number = this.next;
        // A page without a count (or without metadata) leaves the count announced before.
        if let Some(total) = page.info.as_ref().and_then(PageInfo::<P>::total_pages) {
            this.announced = Some(total);
        }
        let before_end = this.announced.is_some_and(|total| number < total);
        if page.items.is_empty() {
            this.previous = None;
            if !before_end {
                // The end. An empty first page is still a page (the listing is empty), and so
                // is an announced last page; an empty page past the end, or without a count, is
                // only the end marker and is not yielded.
                this.done = true;
                let announced = this.announced.is_some_and(|total| number <= total);
                return Poll::Ready((first || announced).then_some(Ok(page)));
            }
            // The server says more pages follow: an empty page here is not the end.
            this.empty_run += 1;
            if this.empty_run > MAX_EMPTY_RUN {
                this.done = true;
                let from = number.saturating_sub(u64::from(MAX_EMPTY_RUN));
                return Poll::Ready(Some(Err(Error::Pagination(format!(
                    "pages {from} to {number} are all empty, but the server announced {} pages",
                    this.announced.unwrap_or_default()
                )))));
            }
        } else {
            this.empty_run = 0;
            if this.previous == Some(page.fingerprint) {
                this.done = true;
                return Poll::Ready(Some(Err(Error::Pagination(format!(
                    "page {number} has the same items as page {}: the server seems to ignore `{}`",
                    number.saturating_sub(1),
                    P::PAGE_PARAM
                )))));
            }
            this.previous = Some(page.fingerprint);
        }
        if this.announced.is_some_and(|total| number >= total) {
            this.done = true;
        } else if let Some(next) = number.checked_add(1) {
            this.next = next;
        } else {
            this.done = true;
            this.failed = Some(Error::Pagination(format!("there is no page number after {number}")));
        }
        Poll::Ready(Some(Ok(page)))
    }
}

/// Every item of a listing, page after page.
#[must_use = "streams do nothing unless polled"]
pub struct Items<P, T, I, M> {
    pages: Pages<P, T, I, M>,
    buffer: VecDeque<T>,
}

impl<P, T, I, M> Unpin for Items<P, T, I, M> {}

impl<P, T, I, M: Message> Stream for Items<P, T, I, M>
where
    P: PageScheme,
    T: DeserializeOwned + Send + 'static,
    I: DeserializeOwned + PageInfo<P> + Send + 'static,
{
    type Item = Result<T, Error<M>>;

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
