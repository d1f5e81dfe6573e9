//! Response envelopes: a JSON object that wraps every body with a success flag, error and
//! informational messages, and the payload. The property names come from the spec
//! (`x-envelope`); the emitted code implements [`Envelope`] for them.

use super::call::{Decode, RawResponse};
use super::error::Error;
use crate::ApiMessage;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
use std::marker::PhantomData;

/// An envelope split into its parts; the payload and page metadata stay undecoded.
#[derive(Debug, Default)]
pub struct Opened<'a> {
    /// The success flag, if present.
    pub success: Option<bool>,
    /// Error messages.
    pub errors: Vec<ApiMessage>,
    /// Informational messages.
    pub messages: Vec<ApiMessage>,
    /// The payload, as raw JSON.
    pub result: Option<&'a RawValue>,
    /// Page metadata, as raw JSON (paginated operations only).
    pub info: Option<&'a RawValue>,
}

/// An API's envelope format.
pub trait Envelope: Send + 'static {
    /// Splits a body into its parts.
    fn open(body: &[u8]) -> Result<Opened<'_>, serde_json::Error>;

    /// Decodes a body in one pass with the payload typed (the fast path). `None` when the
    /// format has no such decoder; an `Err` sends the caller to [`Envelope::open`], which tells
    /// a failed call (`success: false`) from a payload of the wrong shape.
    fn open_typed<T: DeserializeOwned>(body: &[u8]) -> Option<Result<Typed<T>, serde_json::Error>> {
        let _ = body;
        None
    }
}

/// An envelope decoded in one pass, its payload typed.
#[derive(Debug)]
pub struct Typed<T> {
    /// The success flag, if present.
    pub success: Option<bool>,
    /// Error messages.
    pub errors: Vec<ApiMessage>,
    /// Informational messages.
    pub messages: Vec<ApiMessage>,
    /// The payload, when present and not `null`.
    pub result: Option<T>,
}

/// A payload decoded from inside the envelope `E`. A 2xx response whose envelope says
/// `success: false` is an API error.
pub struct Enveloped<E, T>(PhantomData<fn() -> (E, T)>);

/// Decodes `raw` (or JSON `null` when absent) into `T`.
pub(crate) fn decode_part<T: DeserializeOwned>(raw: Option<&RawValue>) -> Result<T, serde_json::Error> {
    match raw {
        Some(v) => serde_json::from_str(v.get()),
        None => serde_json::from_str("null"),
    }
}

/// Opens a 2xx body, turning `success: false` into an API error.
pub(crate) fn open_success<'a, E: Envelope>(raw: &'a RawResponse) -> Result<Opened<'a>, Error> {
    let opened = E::open(&raw.body).map_err(|e| raw.decode_error(format!("not a valid envelope: {e}")))?;
    if opened.success == Some(false) {
        return Err(raw.api_error(opened.errors, opened.messages));
    }
    Ok(opened)
}

/// The error for a non-2xx body: with the envelope's messages when it has one.
pub(crate) fn envelope_error<E: Envelope>(raw: &RawResponse) -> Error {
    match E::open(&raw.body) {
        Ok(o) => raw.api_error(o.errors, o.messages),
        Err(_) => raw.api_error(Vec::new(), Vec::new()),
    }
}

impl<E: Envelope, T: DeserializeOwned + Send + 'static> Decode for Enveloped<E, T> {
    type Output = T;

    fn decode(raw: &RawResponse) -> Result<(T, Vec<ApiMessage>), Error> {
        // One pass over the body in the common case; the two-step path below only runs when
        // that fails, to tell `success: false` from a payload that does not decode.
        if let Some(Ok(typed)) = E::open_typed::<T>(&raw.body) {
            if typed.success == Some(false) {
                return Err(raw.api_error(typed.errors, typed.messages));
            }
            let value = match typed.result {
                Some(v) => v,
                None => decode_part(None).map_err(|e| raw.decode_error(format!("result: {e}")))?,
            };
            return Ok((value, typed.messages));
        }
        let opened = open_success::<E>(raw)?;
        let value = decode_part(opened.result).map_err(|e| raw.decode_error(format!("result: {e}")))?;
        Ok((value, opened.messages))
    }

    fn decode_error(raw: &RawResponse) -> Error {
        envelope_error::<E>(raw)
    }
}
