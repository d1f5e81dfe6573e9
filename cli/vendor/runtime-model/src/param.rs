//! [`ParamValue`]: how values are written into paths, queries, headers and cookies.

use serde::ser::{self, Serialize};
use std::fmt;

/// A parameter described by `content: application/json`: its value is sent as JSON text.
#[derive(Debug, Clone, Copy)]
pub struct JsonParam<T>(pub T);

impl<T: Serialize> ParamValue for JsonParam<T> {
    fn to_param(&self) -> String {
        // Serializing the generated models to JSON cannot fail: every map is keyed by strings.
        serde_json::to_string(&self.0).unwrap_or_default()
    }

    fn invalid(&self) -> Option<&'static str> {
        finite(&self.0).err()
    }
}

/// How a parameter value is written into a path, query or header.
pub trait ParamValue {
    /// The text form.
    fn to_param(&self) -> String;

    /// Why the value cannot be sent at all, when it cannot: `NaN` and the infinities have no
    /// text form a server reads as a number. `None` for every other value.
    fn invalid(&self) -> Option<&'static str> {
        None
    }
}

macro_rules! display_param {
    ($($ty:ty),*) => {$(
        impl ParamValue for $ty {
            fn to_param(&self) -> String {
                self.to_string()
            }
        }
    )*};
}

// Floats print whole values without a fraction: `2.0_f64` goes on the wire as `2`.
display_param!(String, str, bool, i32, i64, u32, u64);

/// What a number that is not finite says about itself.
const NOT_FINITE: &str = "must be a finite number (NaN and infinities cannot be sent)";

macro_rules! float_param {
    ($($ty:ty),*) => {$(
        impl ParamValue for $ty {
            /// The number's shortest text; empty for `NaN` and the infinities, which have none
            /// (see [`ParamValue::invalid`]: the request that gets one fails before sending).
            fn to_param(&self) -> String {
                if self.is_finite() {
                    self.to_string()
                } else {
                    String::new()
                }
            }

            fn invalid(&self) -> Option<&'static str> {
                (!self.is_finite()).then_some(NOT_FINITE)
            }
        }
    )*};
}

float_param!(f32, f64);

impl<T: ParamValue + ?Sized> ParamValue for &T {
    fn to_param(&self) -> String {
        (**self).to_param()
    }

    fn invalid(&self) -> Option<&'static str> {
        (**self).invalid()
    }
}

impl ParamValue for chrono::DateTime<chrono::Utc> {
    fn to_param(&self) -> String {
        self.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
    }
}

impl ParamValue for chrono::NaiveDate {
    fn to_param(&self) -> String {
        self.format("%Y-%m-%d").to_string()
    }
}

#[cfg(feature = "uuid")]
impl ParamValue for uuid::Uuid {
    /// The hyphenated lower-case form (`67e55044-10b1-426f-9247-bb680e5fe0c8`).
    fn to_param(&self) -> String {
        self.hyphenated().to_string()
    }
}

#[cfg(feature = "url")]
impl ParamValue for url::Url {
    /// The URL as serialized (`Url::as_str`); where it goes, it is encoded as any text is.
    fn to_param(&self) -> String {
        self.as_str().to_string()
    }
}

/// Checks that a value holds no `NaN` or infinite number anywhere inside it. `serde_json`
/// writes those as `null`, so a parameter holding one would go out silently changed (or be left
/// out as if absent); the request fails instead.
pub fn finite<T: Serialize + ?Sized>(value: &T) -> Result<(), &'static str> {
    match value.serialize(Finite) {
        Err(NotFinite(Some(reason))) => Err(reason),
        // A value that does not serialize at all is reported when it is serialized for real.
        _ => Ok(()),
    }
}

/// The error of [`Finite`]: what is wrong.
#[derive(Debug)]
struct NotFinite(Option<&'static str>);

impl fmt::Display for NotFinite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.unwrap_or("does not serialize"))
    }
}

impl std::error::Error for NotFinite {}

impl ser::Error for NotFinite {
    fn custom<M: fmt::Display>(_: M) -> Self {
        NotFinite(None)
    }
}

/// A serializer that writes nothing and fails at the first number that is not finite.
struct Finite;

macro_rules! accept {
    ($($method:ident($ty:ty);)*) => {$(
        fn $method(self, _: $ty) -> Result<(), NotFinite> {
            Ok(())
        }
    )*};
}

impl ser::Serializer for Finite {
    type Ok = ();
    type Error = NotFinite;
    type SerializeSeq = Finite;
    type SerializeTuple = Finite;
    type SerializeTupleStruct = Finite;
    type SerializeTupleVariant = Finite;
    type SerializeMap = Finite;
    type SerializeStruct = Finite;
    type SerializeStructVariant = Finite;

    accept! {
        serialize_bool(bool); serialize_i8(i8); serialize_i16(i16); serialize_i32(i32); serialize_i64(i64);
        serialize_i128(i128); serialize_u8(u8); serialize_u16(u16); serialize_u32(u32); serialize_u64(u64);
        serialize_u128(u128); serialize_char(char); serialize_str(&str); serialize_bytes(&[u8]);
        serialize_unit_struct(&'static str);
    }

    fn serialize_f32(self, v: f32) -> Result<(), NotFinite> {
        if v.is_finite() {
            Ok(())
        } else {
            Err(NotFinite(Some(NOT_FINITE)))
        }
    }

    fn serialize_f64(self, v: f64) -> Result<(), NotFinite> {
        if v.is_finite() {
            Ok(())
        } else {
            Err(NotFinite(Some(NOT_FINITE)))
        }
    }

    fn serialize_none(self) -> Result<(), NotFinite> {
        Ok(())
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), NotFinite> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), NotFinite> {
        Ok(())
    }

    fn serialize_unit_variant(self, _: &'static str, _: u32, _: &'static str) -> Result<(), NotFinite> {
        Ok(())
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, value: &T) -> Result<(), NotFinite> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        value: &T,
    ) -> Result<(), NotFinite> {
        value.serialize(self)
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Finite, NotFinite> {
        Ok(Finite)
    }

    fn serialize_tuple(self, _: usize) -> Result<Finite, NotFinite> {
        Ok(Finite)
    }

    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Finite, NotFinite> {
        Ok(Finite)
    }

    fn serialize_tuple_variant(self, _: &'static str, _: u32, _: &'static str, _: usize) -> Result<Finite, NotFinite> {
        Ok(Finite)
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Finite, NotFinite> {
        Ok(Finite)
    }

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Finite, NotFinite> {
        Ok(Finite)
    }

    fn serialize_struct_variant(self, _: &'static str, _: u32, _: &'static str, _: usize) -> Result<Finite, NotFinite> {
        Ok(Finite)
    }
}

/// The compound halves of [`Finite`]: every element, key and value is checked the same way.
macro_rules! compound {
    ($($trait:ident { $($method:ident($($arg:ty),*);)* })*) => {$(
        impl ser::$trait for Finite {
            type Ok = ();
            type Error = NotFinite;
            $(
                fn $method<T: Serialize + ?Sized>(&mut self, $(_: $arg,)* value: &T) -> Result<(), NotFinite> {
                    value.serialize(Finite)
                }
            )*
            fn end(self) -> Result<(), NotFinite> {
                Ok(())
            }
        }
    )*};
}

compound! {
    SerializeSeq { serialize_element(); }
    SerializeTuple { serialize_element(); }
    SerializeTupleStruct { serialize_field(); }
    SerializeTupleVariant { serialize_field(); }
    SerializeMap { serialize_key(); serialize_value(); }
    SerializeStruct { serialize_field(&'static str); }
    SerializeStructVariant { serialize_field(&'static str); }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The mapped types' text forms: a UUID hyphenated in lower case, a URL as serialized, bytes
    /// as padded standard base64.
    #[test]
    #[cfg(all(feature = "uuid", feature = "url"))]
    fn mapped_types_write_their_text_forms() {
        let id: uuid::Uuid = "67E55044-10B1-426F-9247-BB680E5FE0C8".parse().unwrap();
        assert_eq!(id.to_param(), "67e55044-10b1-426f-9247-bb680e5fe0c8");
        let url = url::Url::parse("HTTPS://Example.com/a b?q=1").unwrap();
        assert_eq!(url.to_param(), "https://example.com/a%20b?q=1");
        assert_eq!(crate::Base64::new(*b"\xfb\xff").to_param(), "+/8=");
    }

    #[test]
    fn numbers_that_are_not_finite_are_found_wherever_they_are() {
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert_eq!(bad.to_param(), "");
            assert!(bad.invalid().is_some());
            assert!((bad as f32).invalid().is_some());
            assert!(finite(&bad).is_err());
            assert!(finite(&vec![1.0, bad]).is_err());
            assert!(finite(&Some(std::collections::BTreeMap::from([("k", (1, bad))]))).is_err());
            assert!(JsonParam(&[bad]).invalid().is_some());
        }
        assert_eq!(2.5_f64.to_param(), "2.5");
        assert!(finite(&serde_json::json!({"a": [1.5, "x", null, {"b": -0.0}]})).is_ok());
        assert!(2.5_f64.invalid().is_none() && "NaN".invalid().is_none());
    }
}
