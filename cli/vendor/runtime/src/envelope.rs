//! Response envelopes: a JSON object that wraps every body with a success flag, error and
//! informational messages, and the payload. The property names come from the spec
//! (`x-envelope`); the emitted code implements [`Envelope`] for them.

use super::call::{Decode, RawResponse};
use super::error::{Error, Step};
use crate::Message;
use serde::de::{self, DeserializeOwned, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use std::fmt;
use std::marker::PhantomData;

/// An envelope split into its parts; the payload and page metadata stay undecoded.
#[derive(Debug)]
pub struct Opened<'a, M> {
    /// The success flag, if present.
    pub success: Option<bool>,
    /// Error messages.
    pub errors: Vec<M>,
    /// Informational messages.
    pub messages: Vec<M>,
    /// The payload, as raw JSON.
    pub result: Option<&'a RawValue>,
    /// Page metadata, as raw JSON (paginated operations only).
    pub info: Option<&'a RawValue>,
}

/// The property names of an envelope, as the spec declares them.
#[derive(Debug, Clone, Copy)]
pub struct EnvelopeKeys {
    /// The success flag.
    pub success: &'static str,
    /// Error messages.
    pub errors: &'static str,
    /// Informational messages.
    pub messages: &'static str,
    /// The payload.
    pub result: &'static str,
    /// Page metadata, for APIs with pagination.
    pub info: Option<&'static str>,
}

/// An API's envelope format.
pub trait Envelope: Send + 'static {
    /// Its property names.
    const KEYS: EnvelopeKeys;

    /// Splits a body into its parts.
    fn open<M: Message>(body: &[u8]) -> Result<Opened<'_, M>, serde_json::Error> {
        read(body, EnvelopeVisitor::<&RawValue, &RawValue, M>::new(Self::KEYS)).map(Opened::from)
    }

    /// Decodes a body in one pass with the payload typed (the fast path). An `Err` sends the
    /// caller to [`Envelope::open`], which tells a failed call (`success: false`) from a payload
    /// of the wrong shape.
    fn open_typed<T: DeserializeOwned, M: Message>(body: &[u8]) -> Result<Typed<T, M>, serde_json::Error> {
        read(body, EnvelopeVisitor::<T, &RawValue, M>::new(Self::KEYS)).map(|o| Typed {
            success: o.success,
            errors: o.errors,
            messages: o.messages,
            result: o.result,
        })
    }
}

/// Reads a whole body as one JSON object with `visitor`.
pub(crate) fn read<'a, V: Visitor<'a>>(body: &'a [u8], visitor: V) -> Result<V::Value, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let value = de.deserialize_map(visitor)?;
    de.end()?;
    Ok(value)
}

/// An envelope's parts with the payload as `R` and the page metadata as `I` (raw JSON, typed,
/// or skipped).
pub(crate) struct Parts<R, I, M> {
    pub(crate) success: Option<bool>,
    pub(crate) errors: Vec<M>,
    pub(crate) messages: Vec<M>,
    pub(crate) result: Option<R>,
    pub(crate) info: Option<I>,
}

/// Makes `EnvelopeVisitor` covariant, `Send` and `Sync` whatever its parameters are.
type Marker<R, I, M> = fn() -> (R, I, M);

/// Reads an envelope by its keys; also the seed of the tracked second reading.
pub(crate) struct EnvelopeVisitor<R, I, M> {
    keys: EnvelopeKeys,
    parts: PhantomData<Marker<R, I, M>>,
}

impl<R, I, M> EnvelopeVisitor<R, I, M> {
    pub(crate) fn new(keys: EnvelopeKeys) -> Self {
        EnvelopeVisitor { keys, parts: PhantomData }
    }
}

impl<'de, R: de::Deserialize<'de>, I: de::Deserialize<'de>, M: Message> DeserializeSeed<'de>
    for EnvelopeVisitor<R, I, M>
{
    type Value = Parts<R, I, M>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Parts<R, I, M>, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, R: de::Deserialize<'de>, I: de::Deserialize<'de>, M: Message> Visitor<'de> for EnvelopeVisitor<R, I, M> {
    type Value = Parts<R, I, M>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an envelope object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let k = self.keys;
        let names = [k.success, k.errors, k.messages, k.result, k.info.unwrap_or_default()];
        let count = if k.info.is_some() { 5 } else { 4 };
        let mut parts = Parts { success: None, errors: Vec::new(), messages: Vec::new(), result: None, info: None };
        while let Some(key) = map.next_key_seed(KeyAmong(names.get(..count).unwrap_or_default()))? {
            match key {
                Some(0) => parts.success = map.next_value()?,
                Some(1) => parts.errors = map.next_value::<Option<Vec<M>>>()?.unwrap_or_default(),
                Some(2) => parts.messages = map.next_value::<Option<Vec<M>>>()?.unwrap_or_default(),
                Some(3) => parts.result = map.next_value()?,
                Some(4) => parts.info = map.next_value()?,
                _ => map.next_value::<de::IgnoredAny>().map(drop)?,
            }
        }
        Ok(parts)
    }
}

impl<'a, M> From<Parts<&'a RawValue, &'a RawValue, M>> for Opened<'a, M> {
    fn from(p: Parts<&'a RawValue, &'a RawValue, M>) -> Self {
        Opened { success: p.success, errors: p.errors, messages: p.messages, result: p.result, info: p.info }
    }
}

/// A key's index among `names`, or `None`.
struct KeyAmong<'k>(&'k [&'k str]);

impl<'de> DeserializeSeed<'de> for KeyAmong<'_> {
    type Value = Option<usize>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<usize>, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeyAmong<'_> {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a property name")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Option<usize>, E> {
        Ok(self.0.iter().position(|n| *n == key))
    }
}

/// An envelope decoded in one pass, its payload typed.
#[derive(Debug)]
pub struct Typed<T, M> {
    /// The success flag, if present.
    pub success: Option<bool>,
    /// Error messages.
    pub errors: Vec<M>,
    /// Informational messages.
    pub messages: Vec<M>,
    /// The payload, when present and not `null`.
    pub result: Option<T>,
}

/// A payload decoded from inside the envelope `E`. A 2xx response whose envelope says
/// `success: false` is an API error.
pub struct Enveloped<E, T>(PhantomData<fn() -> (E, T)>);

/// Decodes `raw` (or JSON `null` when absent) into `T`. Read as bytes, like whole bodies, so
/// that the same deserializer type (and so the same compiled copy of `T`'s impl) serves both.
pub(crate) fn decode_part<T: DeserializeOwned>(raw: Option<&RawValue>) -> Result<T, serde_json::Error> {
    serde_json::from_slice(raw.map_or("null", |v| v.get()).as_bytes())
}

/// Reads an envelope a second time, typed and tracked (see `RawResponse::retrace`), after the
/// fast path failed: the error names the path of the value that failed, from the envelope's
/// own keys (`result.certificates[2].expires_on`), and its position in the whole body.
pub(crate) fn retrace<E: Envelope, R: DeserializeOwned, I: DeserializeOwned, M: Message>(
    raw: &RawResponse,
) -> Result<Parts<R, I, M>, Error<M>> {
    let parts = raw.retrace(EnvelopeVisitor::<R, I, M>::new(E::KEYS))?;
    if parts.success == Some(false) {
        return Err(raw.api_error(parts.errors, parts.messages));
    }
    Ok(parts)
}

/// The payload of an envelope without one (absent or `null`), for a `T` that accepts that.
fn absent_result<E: Envelope, T: DeserializeOwned, M>(raw: &RawResponse) -> Result<T, Error<M>> {
    decode_part(None).map_err(|e| {
        // Named at the payload's key; the position, if any, is the body's `null`.
        let path = [Step::Key(E::KEYS.result.to_owned())];
        super::error::located(raw.status, &raw.body, &e, Some(&path), false)
    })
}

/// The error for a non-2xx body: with the envelope's messages when it has one.
pub(crate) fn envelope_error<E: Envelope, M: Message>(raw: &RawResponse) -> Error<M> {
    match E::open::<M>(&raw.body) {
        Ok(o) => raw.api_error(o.errors, o.messages),
        Err(_) => raw.api_error(Vec::new(), Vec::new()),
    }
}

impl<M: Message, E: Envelope, T: DeserializeOwned + Send + 'static> Decode<M> for Enveloped<E, T> {
    type Output = T;

    fn decode(raw: &RawResponse) -> Result<(T, Vec<M>), Error<M>> {
        // One pass over the body in the common case; the two-step path below only runs when
        // that fails, to tell `success: false` from a payload that does not decode.
        if let Ok(typed) = E::open_typed::<T, M>(&raw.body) {
            if typed.success == Some(false) {
                return Err(raw.api_error(typed.errors, typed.messages));
            }
            let value = match typed.result {
                Some(v) => v,
                None => absent_result::<E, T, M>(raw)?,
            };
            return Ok((value, typed.messages));
        }
        if let Ok(opened) = E::open::<M>(&raw.body) {
            if opened.success == Some(false) {
                return Err(raw.api_error(opened.errors, opened.messages));
            }
        }
        let parts = retrace::<E, T, de::IgnoredAny, M>(raw)?;
        let value = match parts.result {
            Some(v) => v,
            None => absent_result::<E, T, M>(raw)?,
        };
        Ok((value, parts.messages))
    }

    fn decode_error(raw: &RawResponse) -> Error<M> {
        envelope_error::<E, M>(raw)
    }
}
