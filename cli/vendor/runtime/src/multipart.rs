//! `multipart/form-data` bodies.
//!
//! A body is any value that serializes as an object (a generated struct, a map). Each property
//! becomes one part named after it: strings, numbers and booleans as text, [`Binary`] values as
//! files, arrays as one part per item, objects as JSON (`Content-Type: application/json`);
//! absent and `null` properties send no part.

use serde::ser::{self, Impossible, Serialize, SerializeTupleStruct, Serializer};
use std::fmt;

use openapi_rust_runtime_model::binary::{Binary, BINARY};

/// One part's content.
#[derive(Debug)]
enum Part {
    Text(String),
    Json(String),
    File(Binary),
}

/// Encodes `body` (an object) as `multipart/form-data`: the bytes and the `Content-Type`.
pub(crate) fn encode<T: Serialize + ?Sized>(body: &T) -> Result<(Vec<u8>, String), String> {
    let fields = body.serialize(Fields).map_err(|e| e.message())?;
    let boundary = format!("------------------------{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..));
    let mut out = Vec::new();
    for (name, part) in fields {
        let name = quoted(&name);
        out.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"").as_bytes());
        let (content_type, data): (Option<&str>, &[u8]) = match &part {
            Part::Text(text) => (None, text.as_bytes()),
            Part::Json(json) => (Some("application/json"), json.as_bytes()),
            Part::File(file) => {
                let filename = file.filename.as_deref().map_or_else(|| name.clone(), quoted);
                out.extend_from_slice(format!("; filename=\"{filename}\"").as_bytes());
                (Some(file.content_type.as_deref().unwrap_or("application/octet-stream")), &file.data)
            }
        };
        if let Some(ct) = content_type {
            out.extend_from_slice(format!("\r\nContent-Type: {}", ct.replace(['\r', '\n'], " ")).as_bytes());
        }
        out.extend_from_slice(b"\r\n\r\n");
        out.extend_from_slice(data);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    Ok((out, format!("multipart/form-data; boundary={boundary}")))
}

/// A name inside a quoted header parameter, escaped as HTML forms do.
fn quoted(name: &str) -> String {
    name.replace('"', "%22").replace('\r', "%0D").replace('\n', "%0A")
}

/// Why a value is not one or more simple parts.
#[derive(Debug)]
enum Probe {
    /// A map, a struct, a tuple...: sent as JSON.
    Compound,
    /// A real failure.
    Custom(String),
}

impl Probe {
    fn message(self) -> String {
        match self {
            Probe::Compound => "a multipart body must be an object".to_string(),
            Probe::Custom(m) => m,
        }
    }
}

impl fmt::Display for Probe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Probe::Compound => f.write_str("not a simple value"),
            Probe::Custom(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for Probe {}

impl ser::Error for Probe {
    fn custom<M: fmt::Display>(msg: M) -> Self {
        Probe::Custom(msg.to_string())
    }
}

/// The parts of one property value: simple values directly, anything else as JSON.
fn parts_of<T: Serialize + ?Sized>(value: &T, nested: bool) -> Result<Vec<Part>, Probe> {
    match value.serialize(Value { nested }) {
        Err(Probe::Compound) => {
            serde_json::to_string(value).map(|json| vec![Part::Json(json)]).map_err(|e| Probe::Custom(e.to_string()))
        }
        other => other,
    }
}

/// Serializes the body object into `(name, part)` pairs.
struct Fields;

/// Collects the properties of the body object.
struct FieldList {
    fields: Vec<(String, Part)>,
    key: Option<String>,
}

impl FieldList {
    fn push<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<(), Probe> {
        for part in parts_of(value, false)? {
            self.fields.push((name.to_string(), part));
        }
        Ok(())
    }
}

impl ser::SerializeStruct for FieldList {
    type Ok = Vec<(String, Part)>;
    type Error = Probe;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), Probe> {
        self.push(key, value)
    }
    fn end(self) -> Result<Self::Ok, Probe> {
        Ok(self.fields)
    }
}

impl ser::SerializeMap for FieldList {
    type Ok = Vec<(String, Part)>;
    type Error = Probe;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Probe> {
        match parts_of(key, true)?.pop() {
            Some(Part::Text(name)) => {
                self.key = Some(name);
                Ok(())
            }
            _ => Err(Probe::Custom("multipart property names must be strings".into())),
        }
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Probe> {
        let key = self.key.take().unwrap_or_default();
        self.push(&key, value)
    }
    fn end(self) -> Result<Self::Ok, Probe> {
        Ok(self.fields)
    }
}

/// Everything that is not a struct or a map is refused as a body.
macro_rules! refuse {
    ($($method:ident($($arg:ty),*);)*) => {$(
        fn $method(self, $(_: $arg),*) -> Result<Self::Ok, Probe> {
            Err(Probe::Compound)
        }
    )*};
}

impl Serializer for Fields {
    type Ok = Vec<(String, Part)>;
    type Error = Probe;
    type SerializeSeq = Impossible<Self::Ok, Probe>;
    type SerializeTuple = Impossible<Self::Ok, Probe>;
    type SerializeTupleStruct = Impossible<Self::Ok, Probe>;
    type SerializeTupleVariant = Impossible<Self::Ok, Probe>;
    type SerializeMap = FieldList;
    type SerializeStruct = FieldList;
    type SerializeStructVariant = Impossible<Self::Ok, Probe>;

    refuse! {
        serialize_bool(bool); serialize_i8(i8); serialize_i16(i16); serialize_i32(i32); serialize_i64(i64);
        serialize_u8(u8); serialize_u16(u16); serialize_u32(u32); serialize_u64(u64); serialize_f32(f32);
        serialize_f64(f64); serialize_char(char); serialize_str(&str); serialize_bytes(&[u8]);
        serialize_none(); serialize_unit(); serialize_unit_struct(&'static str);
        serialize_unit_variant(&'static str, u32, &'static str);
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Self::Ok, Probe> {
        value.serialize(self)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, value: &T) -> Result<Self::Ok, Probe> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<Self::Ok, Probe> {
        Err(Probe::Compound)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Probe> {
        Err(Probe::Compound)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Probe> {
        Err(Probe::Compound)
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeTupleStruct, Probe> {
        Err(Probe::Compound)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Probe> {
        Err(Probe::Compound)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<FieldList, Probe> {
        Ok(FieldList { fields: Vec::new(), key: None })
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<FieldList, Probe> {
        Ok(FieldList { fields: Vec::new(), key: None })
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Probe> {
        Err(Probe::Compound)
    }
}

/// Serializes one property value into parts; `Err(Probe::Compound)` for values sent as JSON.
/// `nested`: inside an array, where arrays are JSON too.
struct Value {
    nested: bool,
}

/// The items of an array property, one part (or none, for `null`) each.
struct Items(Vec<Part>);

impl ser::SerializeSeq for Items {
    type Ok = Vec<Part>;
    type Error = Probe;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Probe> {
        self.0.extend(parts_of(value, true)?);
        Ok(())
    }
    fn end(self) -> Result<Vec<Part>, Probe> {
        Ok(self.0)
    }
}

/// The fields of a [`Binary`]: bytes, file name, media type.
struct File(Binary, usize);

impl SerializeTupleStruct for File {
    type Ok = Vec<Part>;
    type Error = Probe;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Probe> {
        let part = value.serialize(Value { nested: true })?.pop();
        match (self.1, part) {
            (0, Some(Part::File(b))) => self.0.data = b.data,
            (1, Some(Part::Text(name))) => self.0.filename = Some(name),
            (2, Some(Part::Text(ct))) => self.0.content_type = Some(ct),
            _ => {}
        }
        self.1 += 1;
        Ok(())
    }
    fn end(self) -> Result<Vec<Part>, Probe> {
        Ok(vec![Part::File(self.0)])
    }
}

macro_rules! text {
    ($($method:ident($ty:ty);)*) => {$(
        fn $method(self, v: $ty) -> Result<Vec<Part>, Probe> {
            Ok(vec![Part::Text(v.to_string())])
        }
    )*};
}

impl Serializer for Value {
    type Ok = Vec<Part>;
    type Error = Probe;
    type SerializeSeq = Items;
    type SerializeTuple = Impossible<Vec<Part>, Probe>;
    type SerializeTupleStruct = File;
    type SerializeTupleVariant = Impossible<Vec<Part>, Probe>;
    type SerializeMap = Impossible<Vec<Part>, Probe>;
    type SerializeStruct = Impossible<Vec<Part>, Probe>;
    type SerializeStructVariant = Impossible<Vec<Part>, Probe>;

    fn is_human_readable(&self) -> bool {
        false
    }

    text! {
        serialize_bool(bool); serialize_i8(i8); serialize_i16(i16); serialize_i32(i32); serialize_i64(i64);
        serialize_u8(u8); serialize_u16(u16); serialize_u32(u32); serialize_u64(u64); serialize_f32(f32);
        serialize_f64(f64); serialize_char(char); serialize_str(&str);
    }

    fn serialize_bytes(self, v: &[u8]) -> Result<Vec<Part>, Probe> {
        Ok(vec![Part::File(Binary::new(v))])
    }
    fn serialize_none(self) -> Result<Vec<Part>, Probe> {
        Ok(Vec::new())
    }
    fn serialize_unit(self) -> Result<Vec<Part>, Probe> {
        Ok(Vec::new())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<Vec<Part>, Probe> {
        Ok(Vec::new())
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result<Vec<Part>, Probe> {
        Ok(vec![Part::Text(variant.to_string())])
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Vec<Part>, Probe> {
        value.serialize(self)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, value: &T) -> Result<Vec<Part>, Probe> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<Vec<Part>, Probe> {
        Err(Probe::Compound)
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Items, Probe> {
        if self.nested {
            return Err(Probe::Compound);
        }
        Ok(Items(Vec::with_capacity(len.unwrap_or(0))))
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Probe> {
        Err(Probe::Compound)
    }
    fn serialize_tuple_struct(self, name: &'static str, _: usize) -> Result<File, Probe> {
        if name == BINARY {
            Ok(File(Binary::default(), 0))
        } else {
            Err(Probe::Compound)
        }
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Probe> {
        Err(Probe::Compound)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Probe> {
        Err(Probe::Compound)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Probe> {
        Err(Probe::Compound)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Probe> {
        Err(Probe::Compound)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Serialize)]
    struct Upload {
        name: String,
        count: i64,
        #[serde(skip_serializing_if = "Option::is_none")]
        absent: Option<String>,
        file: Binary,
        tags: Vec<String>,
        meta: serde_json::Value,
    }

    #[test]
    fn each_property_is_a_part() {
        let body = Upload {
            name: "a \"b\"".into(),
            count: 2,
            absent: None,
            file: Binary::new(vec![0u8, 159, 255]).filename("x.bin"),
            tags: vec!["t1".into(), "t2".into()],
            meta: serde_json::json!({"k": [1]}),
        };
        let (bytes, content_type) = encode(&body).unwrap();
        let boundary = content_type.strip_prefix("multipart/form-data; boundary=").unwrap();
        let text = String::from_utf8_lossy(&bytes).replace(boundary, "B");
        let expected = "--B\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\na \"b\"\r\n\
             --B\r\nContent-Disposition: form-data; name=\"count\"\r\n\r\n2\r\n\
             --B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.bin\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n\u{0}\u{fffd}\u{fffd}\r\n\
             --B\r\nContent-Disposition: form-data; name=\"tags\"\r\n\r\nt1\r\n\
             --B\r\nContent-Disposition: form-data; name=\"tags\"\r\n\r\nt2\r\n\
             --B\r\nContent-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json\r\n\r\n\
             {\"k\":[1]}\r\n--B--\r\n";
        assert_eq!(text, expected);
        assert!(bytes.windows(3).any(|w| w == [0, 159, 255]), "bytes are sent as they are");
    }

    #[test]
    fn only_objects_are_bodies_and_binary_is_a_string_in_json() {
        assert!(encode(&[1, 2]).is_err());
        assert!(encode("text").is_err());
        let map: std::collections::BTreeMap<&str, i32> = [("a", 1)].into();
        assert!(encode(&map).is_ok());
        assert_eq!(serde_json::to_string(&Binary::new("hi")).unwrap(), "\"hi\"");
        let back: Binary = serde_json::from_str("\"hi\"").unwrap();
        assert_eq!(back.data, b"hi");
        let back: Binary = serde_json::from_str("[104, 105]").unwrap();
        assert_eq!(back.data, b"hi");
    }
}
