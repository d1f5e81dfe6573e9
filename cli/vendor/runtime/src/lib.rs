//! The hand-written runtime every generated client stands on: HTTP, auth, retries, errors,
//! envelopes and pagination. Nothing here is generated, and nothing here names an API: this crate
//! cannot name a generated item (it depends on none), so what an API contributes reaches it from
//! the generated crate, as
//!
//! - values: [`ApiSpec`] (base URL and its environment variable, security schemes and their
//!   environment variables, accepted combinations), given to [`ClientBuilder::new`];
//! - a type parameter: the API's message type `M` ([`Message`]) of [`Error`], [`ApiError`],
//!   [`Response`], [`Call`], [`StreamCall`], [`Decode`] and [`StreamDecode`];
//! - trait impls: [`Envelope`] (its key names), [`Listing`] (a listing's [`ListingSpec`]: where
//!   its items are and how its pages turn, [`Paging`]), and [`PageScheme`] and [`PageInfo`] (the
//!   envelope-based page numbers of `x-pagination` with `info`);
//! - the [`client!`] macro, which a generated crate invokes once to define its own `Client` and
//!   `ClientBuilder` (so that it can add one method per operation and one setter per security
//!   scheme to them) and its aliases `Error`, `ApiError`, `Response`, `Call` and `StreamCall`.
//!
//! With the cargo feature `tracing`, each call is a `tracing` span and each attempt one inside
//! it (method, path template, attempt, status, retry delay, error kind; never a header value, the
//! query string or a filled-in path).
//!
//! The half of the runtime the generated *models* need is the crate `openapi-rust-runtime-model`
//! (no HTTP), re-exported here as [`model`] and in [`rt`].

mod call;
mod client;
mod envelope;
mod error;
mod macros;
mod multipart;
mod paginate;
mod request;
mod retry;
mod secret;
mod stream;
mod trace;

pub use call::{AllowEmpty, Bytes, Call, Decode, Empty, Json, RawResponse, Response, Text};
pub use client::{
    ApiSpec, AuthKind, AuthScheme, Backoff, Client, ClientBuilder, RequestOptions, Security, DEFAULT_MAX_RESPONSE_SIZE,
    DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT, MAX_RETRY_AFTER,
};
pub use envelope::{Envelope, EnvelopeKeys, Enveloped, Opened, Typed};
pub use error::{
    decode_error_body, ApiError, ApiErrorKind, BodyMismatch, BodyPosition, Error, ErrorBody, ItemPosition, NoMessage,
    Unsent, BODY_EXCERPT_LIMIT, ERROR_BODY_LIMIT,
};
pub use openapi_rust_runtime_model as model;
pub use openapi_rust_runtime_model::Binary;
pub use paginate::{
    whole, Items, Listed, Listing, ListingSpec, Page, PageInfo, PageMeta, PageScheme, Paged, Pages, Paging, Walk,
    MAX_EMPTY_RUN,
};
pub use request::{Request, Style, MAX_HEADER_LENGTH, MAX_URL_LENGTH};
#[doc(hidden)]
pub use reqwest;
pub use reqwest::Method;
pub use retry::{RetryPolicy, MAX_IDEMPOTENCY_KEY_LENGTH};
pub use secret::Secret;
pub use stream::{Frame, Framing, ItemStream, JsonLines, JsonSeq, Sse, SseEvent, SseText, StreamCall, StreamDecode};

/// An API's message type: one error or informational message of its envelope (the generated
/// `ApiMessage`; `serde_json::Value` for an API without an envelope). Implemented for every type
/// that can be one.
pub trait Message: serde::Serialize + serde::de::DeserializeOwned + std::fmt::Debug + Send + Sync + 'static {}

impl<T: serde::Serialize + serde::de::DeserializeOwned + std::fmt::Debug + Send + Sync + 'static> Message for T {}

/// What a generated crate's root re-exports for callers, beside what [`client!`] defines there.
pub mod public {
    pub use super::{
        ApiErrorKind, ApiSpec, AuthKind, AuthScheme, Backoff, Binary, BodyMismatch, BodyPosition, ErrorBody,
        ItemPosition, ItemStream, Items, Page, PageInfo, PageMeta, Pages, Paging, RequestOptions, Secret, Security,
        SseEvent, BODY_EXCERPT_LIMIT, DEFAULT_MAX_RESPONSE_SIZE, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT,
        ERROR_BODY_LIMIT, MAX_EMPTY_RUN, MAX_HEADER_LENGTH, MAX_IDEMPOTENCY_KEY_LENGTH, MAX_RETRY_AFTER,
        MAX_URL_LENGTH,
    };
}

/// Building blocks the generated code uses; public so that generated signatures can name them.
pub mod rt {
    pub use super::{
        decode_error_body, whole, AllowEmpty, Backoff, BodyMismatch, Bytes, Decode, Empty, Envelope, EnvelopeKeys,
        Enveloped, ErrorBody, Json, JsonLines, JsonSeq, Listed, Listing, ListingSpec, Message, Method, NoMessage,
        Opened, PageInfo, PageMeta, PageScheme, Paged, Paging, RawResponse, Request, RetryPolicy, Sse, SseText,
        StreamDecode, Style, Text, Typed, Unsent, Walk,
    };
    pub use crate::client;
    pub use openapi_rust_runtime_model::rt::*;
}
