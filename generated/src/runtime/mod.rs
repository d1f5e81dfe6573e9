//! The hand-written runtime the emitted code stands on: HTTP, auth, retries, errors, envelopes
//! and pagination. Nothing here is generated, and nothing here names a field of any API:
//! API-specific facts reach it through [`ApiSpec`], [`Envelope`] and [`PageScheme`], which the
//! emitted code implements from the spec.

mod call;
mod client;
mod envelope;
mod error;
mod multipart;
mod paginate;
mod request;
mod secret;

pub use crate::model::Binary;
pub use call::{AllowEmpty, Bytes, Call, Decode, Empty, Json, RawResponse, Response, Text};
pub use client::{
    ApiSpec, AuthKind, AuthScheme, Backoff, Client, ClientBuilder, RequestOptions, Security, DEFAULT_MAX_RESPONSE_SIZE,
    DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT, MAX_RETRY_AFTER,
};
pub use envelope::{Envelope, EnvelopeKeys, Enveloped, Opened, Typed};
pub use error::{ApiError, ApiErrorKind, BodyPosition, Error, BODY_EXCERPT_LIMIT, ERROR_BODY_LIMIT};
pub use paginate::{whole, Items, Page, PageInfo, PageScheme, Paged, Pages, MAX_EMPTY_RUN};
pub use request::{Request, Style, MAX_HEADER_LENGTH, MAX_URL_LENGTH};
pub use reqwest::Method;
pub use secret::Secret;

/// What the crate root re-exports for callers.
pub mod public {
    pub use super::{
        ApiError, ApiErrorKind, ApiSpec, AuthKind, AuthScheme, Backoff, Binary, BodyPosition, Call, Client,
        ClientBuilder, Error, Items, Page, PageInfo, Pages, RequestOptions, Response, Secret, Security,
        BODY_EXCERPT_LIMIT, DEFAULT_MAX_RESPONSE_SIZE, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT, ERROR_BODY_LIMIT,
        MAX_EMPTY_RUN, MAX_HEADER_LENGTH, MAX_RETRY_AFTER, MAX_URL_LENGTH,
    };
}

/// Building blocks the generated code uses; public so that generated signatures can name them.
pub mod rt {
    pub use super::{
        whole, AllowEmpty, Bytes, Decode, Empty, Envelope, EnvelopeKeys, Enveloped, Json, Method, Opened, PageInfo,
        PageScheme, Paged, RawResponse, Request, Style, Text, Typed,
    };
    pub use crate::model::rt::*;
}
