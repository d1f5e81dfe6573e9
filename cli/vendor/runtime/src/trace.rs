//! Optional `tracing` spans and events for calls (cargo feature `tracing`): one `request` span
//! per call (method, path *template*), one `attempt` span per attempt (its number), and events
//! for each answer (status), retry (delay, reason) and failure (kind). Nothing else is
//! recorded: no filled-in path (it may hold identifiers), no query string, no header value, no
//! body, so no credential can reach a subscriber. Without the feature, all of this compiles to
//! nothing.

use reqwest::{Method, StatusCode};
use std::future::Future;
use std::time::Duration;

#[cfg(feature = "tracing")]
pub(crate) use tracing::Span;

/// Without the feature: a span that is nothing.
#[cfg(not(feature = "tracing"))]
#[derive(Clone)]
pub(crate) struct Span;

/// The span of one call.
#[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
pub(crate) fn request_span(method: &Method, template: impl FnOnce() -> String) -> Span {
    #[cfg(feature = "tracing")]
    {
        tracing::info_span!("request", method = %method, path = %template())
    }
    #[cfg(not(feature = "tracing"))]
    Span
}

/// The span of one attempt, inside the call's.
#[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
pub(crate) fn attempt_span(attempt: u32) -> Span {
    #[cfg(feature = "tracing")]
    {
        tracing::info_span!("attempt", attempt)
    }
    #[cfg(not(feature = "tracing"))]
    Span
}

/// `future`, run inside `span`.
pub(crate) fn in_span<F: Future>(span: Span, future: F) -> impl Future<Output = F::Output> {
    #[cfg(feature = "tracing")]
    {
        tracing::Instrument::instrument(future, span)
    }
    #[cfg(not(feature = "tracing"))]
    {
        let _ = span;
        future
    }
}

/// An attempt brought back a status.
#[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
pub(crate) fn answered(status: StatusCode) {
    #[cfg(feature = "tracing")]
    tracing::debug!(status = status.as_u16(), "response");
}

/// The call is sent again after `delay`, because of `reason` (a status or an error kind).
#[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
pub(crate) fn retrying(attempt: u32, delay: Duration, reason: &str) {
    #[cfg(feature = "tracing")]
    tracing::info!(attempt, delay = ?delay, reason, "retrying");
}

/// An attempt failed without a status; `kind` names how (`timeout`, `connect`, …).
#[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
pub(crate) fn failed(kind: &str) {
    #[cfg(feature = "tracing")]
    tracing::warn!(error_kind = kind, "attempt failed");
}

/// The kind of a transport failure, for [`failed`] and [`retrying`].
pub(crate) fn error_kind(e: &reqwest::Error) -> &'static str {
    if e.is_timeout() {
        "timeout"
    } else if e.is_connect() {
        "connect"
    } else if e.is_body() || e.is_decode() {
        "body"
    } else if e.is_builder() {
        "builder"
    } else {
        "request"
    }
}
