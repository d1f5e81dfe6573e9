//! [`Base64`], the type of `format: byte` strings when the config maps them to bytes
//! (`[types] byte = "base64"`).

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// The bytes a `format: byte` string encodes: read from standard base64 text (RFC 4648 §4,
/// the `+` and `/` alphabet; the `=` padding may be left out), written as padded standard base64.
/// Text that is not base64 fails to decode, saying which character and where.
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Base64(pub Vec<u8>);

impl Base64 {
    /// Wraps bytes.
    pub fn new(data: impl Into<Vec<u8>>) -> Self {
        Base64(data.into())
    }

    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The bytes, owned.
    pub fn into_bytes(self) -> Vec<u8> {
        self.0
    }

    /// The bytes as padded standard base64 text.
    pub fn encode(&self) -> String {
        let mut out = String::with_capacity(self.0.len().div_ceil(3) * 4);
        for chunk in self.0.chunks(3) {
            let b = [chunk.first().copied(), chunk.get(1).copied(), chunk.get(2).copied()];
            let n = (u32::from(b[0].unwrap_or(0)) << 16)
                | (u32::from(b[1].unwrap_or(0)) << 8)
                | u32::from(b[2].unwrap_or(0));
            let sextet = |shift: u32| char::from(ALPHABET[((n >> shift) & 0x3f) as usize]);
            out.push(sextet(18));
            out.push(sextet(12));
            out.push(if b[1].is_some() { sextet(6) } else { '=' });
            out.push(if b[2].is_some() { sextet(0) } else { '=' });
        }
        out
    }

    /// Decodes standard base64 text (padding optional); the error names the first character
    /// that does not belong and its byte offset.
    pub fn decode(text: &str) -> Result<Base64, DecodeError> {
        let bytes = text.as_bytes();
        let body = bytes.strip_suffix(b"==").or_else(|| bytes.strip_suffix(b"=")).unwrap_or(bytes);
        let padded = body.len() != bytes.len();
        if padded && !bytes.len().is_multiple_of(4) {
            return Err(DecodeError {
                offset: body.len(),
                reason: "padding where the text does not end a group of four",
            });
        }
        let mut out = Vec::with_capacity(body.len() / 4 * 3 + 2);
        let mut acc: u32 = 0;
        let mut bits = 0;
        for (offset, &c) in body.iter().enumerate() {
            let value = match c {
                b'A'..=b'Z' => c - b'A',
                b'a'..=b'z' => c - b'a' + 26,
                b'0'..=b'9' => c - b'0' + 52,
                b'+' => 62,
                b'/' => 63,
                _ => return Err(DecodeError { offset, reason: "not a standard base64 character" }),
            };
            acc = (acc << 6) | u32::from(value);
            bits += 6;
            if bits >= 8 {
                bits -= 8;
                out.push((acc >> bits) as u8);
                acc &= (1 << bits) - 1;
            }
        }
        if body.len() % 4 == 1 {
            return Err(DecodeError { offset: body.len().saturating_sub(1), reason: "a lone character ends the text" });
        }
        // The bits left over must be zero, so that one text encodes one byte string.
        if acc != 0 {
            return Err(DecodeError {
                offset: body.len().saturating_sub(1),
                reason: "non-zero bits after the last byte",
            });
        }
        Ok(Base64(out))
    }
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Text that is not standard base64: where, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecodeError {
    /// The byte offset in the text.
    pub offset: usize,
    /// What is wrong there.
    pub reason: &'static str,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid base64 at offset {}: {}", self.offset, self.reason)
    }
}

impl std::error::Error for DecodeError {}

/// The length only: the bytes may be large, or a secret.
impl fmt::Debug for Base64 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Base64").field("len", &self.0.len()).finish()
    }
}

impl From<Vec<u8>> for Base64 {
    fn from(data: Vec<u8>) -> Self {
        Base64(data)
    }
}

impl From<&[u8]> for Base64 {
    fn from(data: &[u8]) -> Self {
        Base64(data.to_vec())
    }
}

impl Serialize for Base64 {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.encode())
    }
}

impl<'de> Deserialize<'de> for Base64 {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Base64;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a base64 string")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Base64, E> {
                Base64::decode(v).map_err(E::custom)
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

impl crate::ParamValue for Base64 {
    fn to_param(&self) -> String {
        self.encode()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_the_rfc_4648_vectors() {
        let vectors = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, encoded) in vectors {
            assert_eq!(Base64::new(plain).encode(), encoded);
            assert_eq!(Base64::decode(encoded), Ok(Base64::new(plain)));
            assert_eq!(Base64::decode(encoded.trim_end_matches('=')), Ok(Base64::new(plain)), "{encoded} unpadded");
        }
        let all: Vec<u8> = (0..=255).collect();
        assert_eq!(Base64::decode(&Base64::new(all.clone()).encode()), Ok(Base64(all)));
    }

    #[test]
    fn rejects_what_is_not_standard_base64_saying_where() {
        let err = |text: &str| Base64::decode(text).err().map(|e| e.to_string()).unwrap_or_default();
        assert_eq!(err("Zm9v!A=="), "invalid base64 at offset 4: not a standard base64 character");
        assert_eq!(err("Zm9-"), "invalid base64 at offset 3: not a standard base64 character");
        assert_eq!(err("Zm9 v"), "invalid base64 at offset 3: not a standard base64 character");
        assert_eq!(err("Zm9vY"), "invalid base64 at offset 4: a lone character ends the text");
        assert_eq!(err("Zg="), "invalid base64 at offset 2: padding where the text does not end a group of four");
        assert_eq!(err("Zh=="), "invalid base64 at offset 1: non-zero bits after the last byte");
    }

    #[test]
    fn serde_reads_and_writes_text() {
        let v: Base64 = serde_json::from_str("\"aGk=\"").unwrap_or_default();
        assert_eq!(v.as_bytes(), b"hi");
        assert_eq!(serde_json::to_string(&v).unwrap_or_default(), "\"aGk=\"");
        let err = serde_json::from_str::<Base64>("\"a*k=\"").err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.starts_with("invalid base64 at offset 1: not a standard base64 character"), "{err}");
        assert_eq!(format!("{v:?}"), "Base64 { len: 2 }");
    }
}
