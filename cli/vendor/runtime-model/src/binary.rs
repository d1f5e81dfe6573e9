//! [`Binary`], the type of `format: binary` properties.

use serde::ser::{Serialize, SerializeTupleStruct, Serializer};
use std::fmt;

/// The tuple-struct name [`Binary`] serializes under when the format is not human-readable, so
/// that the multipart encoder can tell a file from other values.
pub const BINARY: &str = "$multipart::Binary";

/// Raw bytes: a file, or any `type: string, format: binary` value.
///
/// In a `multipart/form-data` body it is sent as a file part, with [`Binary::filename`]
/// (default: the property's name) and [`Binary::content_type`] (default:
/// `application/octet-stream`). JSON has no bytes: there it is written as a string (invalid
/// UTF-8 replaced by U+FFFD) and read from a string or an array of byte values.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Binary {
    /// The bytes.
    pub data: Vec<u8>,
    /// The file name sent in a multipart body.
    pub filename: Option<String>,
    /// The media type sent in a multipart body.
    pub content_type: Option<String>,
}

impl Binary {
    /// Wraps bytes.
    pub fn new(data: impl Into<Vec<u8>>) -> Self {
        Binary { data: data.into(), filename: None, content_type: None }
    }

    /// Sets the file name sent in a multipart body.
    pub fn filename(mut self, name: impl Into<String>) -> Self {
        self.filename = Some(name.into());
        self
    }

    /// Sets the media type sent in a multipart body (`image/png`, say).
    pub fn content_type(mut self, media_type: impl Into<String>) -> Self {
        self.content_type = Some(media_type.into());
        self
    }
}

impl fmt::Debug for Binary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Binary")
            .field("len", &self.data.len())
            .field("filename", &self.filename)
            .field("content_type", &self.content_type)
            .finish()
    }
}

impl From<Vec<u8>> for Binary {
    fn from(data: Vec<u8>) -> Self {
        Binary::new(data)
    }
}

impl From<&[u8]> for Binary {
    fn from(data: &[u8]) -> Self {
        Binary::new(data)
    }
}

impl From<&str> for Binary {
    fn from(text: &str) -> Self {
        Binary::new(text)
    }
}

impl From<String> for Binary {
    fn from(text: String) -> Self {
        Binary::new(text)
    }
}

/// Bytes that serialize with `serialize_bytes`.
struct Bytes<'a>(&'a [u8]);

impl Serialize for Bytes<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(self.0)
    }
}

impl Serialize for Binary {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if serializer.is_human_readable() {
            return serializer.serialize_str(&String::from_utf8_lossy(&self.data));
        }
        let mut t = serializer.serialize_tuple_struct(BINARY, 3)?;
        t.serialize_field(&Bytes(&self.data))?;
        t.serialize_field(&self.filename)?;
        t.serialize_field(&self.content_type)?;
        t.end()
    }
}

impl<'de> serde::Deserialize<'de> for Binary {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Binary;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string, bytes, or an array of byte values")
            }
            fn visit_str<E>(self, v: &str) -> Result<Binary, E> {
                Ok(Binary::new(v))
            }
            fn visit_bytes<E>(self, v: &[u8]) -> Result<Binary, E> {
                Ok(Binary::new(v))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Binary, A::Error> {
                let mut data = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                while let Some(byte) = seq.next_element::<u8>()? {
                    data.push(byte);
                }
                Ok(Binary::new(data))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}
