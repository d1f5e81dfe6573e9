//! The shared halves of the `Serialize`/`Deserialize` impls the generator writes for models.
//!
//! The emitted impls are small on purpose (one match arm or one line per property): everything
//! that does not depend on the model's properties lives here once, instead of being expanded by
//! `#[derive]` for each of thousands of models. That is what keeps a big client compiling
//! quickly; at run time they do what serde's derive does, minus the sequence form of structs
//! (JSON objects only) and with the last of duplicate keys winning.

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;
use std::marker::PhantomData;

/// A model read from a JSON object, one property at a time. Implemented by the generated code.
pub trait Object<'de>: Sized {
    /// The model's name, for error messages.
    const NAME: &'static str;
    /// The wire names of its properties; [`Key::Field`] indexes this list.
    const FIELDS: &'static [&'static str];
    /// Whether properties not in `FIELDS` are kept (`additionalProperties`): [`Key::Other`]
    /// then carries their names.
    const KEEPS_OTHERS: bool = false;

    /// Reads the object's entries.
    fn from_map<A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// One key of an object being read.
#[derive(Debug)]
pub enum Key<'de> {
    /// The property at this index of [`Object::FIELDS`].
    Field(usize),
    /// Another property: its name when the model keeps such properties, else empty.
    Other(Cow<'de, str>),
}

/// `Deserialize::deserialize` for a model: reads a JSON object with [`Object::from_map`].
pub fn object<'de, D: Deserializer<'de>, T: Object<'de>>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_map(ObjectVisitor(PhantomData))
}

struct ObjectVisitor<T>(PhantomData<fn() -> T>);

impl<'de, T: Object<'de>> Visitor<'de> for ObjectVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an object ({})", T::NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::from_map(map)
    }
}

/// The next key of `map`, matched against `T::FIELDS` (no allocation unless an unlisted key is
/// kept and had to be unescaped).
pub fn next_key<'de, T: Object<'de>, A: MapAccess<'de>>(map: &mut A) -> Result<Option<Key<'de>>, A::Error> {
    map.next_key_seed(KeySeed { fields: T::FIELDS, keep: T::KEEPS_OTHERS })
}

struct KeySeed {
    fields: &'static [&'static str],
    keep: bool,
}

impl KeySeed {
    fn find(&self, key: &str) -> Option<Key<'static>> {
        self.fields.iter().position(|f| *f == key).map(Key::Field)
    }
}

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Key<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Key<'de>, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a property name")
    }

    fn visit_borrowed_str<E: de::Error>(self, key: &'de str) -> Result<Key<'de>, E> {
        Ok(match self.find(key) {
            Some(k) => k,
            None => Key::Other(if self.keep { Cow::Borrowed(key) } else { Cow::Borrowed("") }),
        })
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Key<'de>, E> {
        Ok(match self.find(key) {
            Some(k) => k,
            None => Key::Other(if self.keep { Cow::Owned(key.to_owned()) } else { Cow::Borrowed("") }),
        })
    }

    fn visit_string<E: de::Error>(self, key: String) -> Result<Key<'de>, E> {
        Ok(match self.find(&key) {
            Some(k) => k,
            None => Key::Other(if self.keep { Cow::Owned(key) } else { Cow::Borrowed("") }),
        })
    }
}

/// `Deserialize::deserialize` for a string enum, made `From` the text, which is borrowed from
/// the input when it can be (no allocation for known values).
pub fn str_value<'de, D: Deserializer<'de>, T: for<'a> From<&'a str>>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_str(StrVisitor(PhantomData))
}

struct StrVisitor<T>(PhantomData<fn() -> T>);

impl<'de, T: for<'a> From<&'a str>> Visitor<'de> for StrVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<T, E> {
        Ok(T::from(value))
    }
}

thread_local! {
    /// Properties left out so far by the models being read on this thread (see [`Pick`]).
    static DROPPED: Cell<usize> = const { Cell::new(0) };
}

/// Skips the value of a property the model does not know (and counts it, see [`Pick::variant`]).
pub fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    DROPPED.with(|d| d.set(d.get().saturating_add(1)));
    map.next_value::<de::IgnoredAny>().map(drop)
}

/// The value of a required property, or serde's "missing field" error.
pub fn required<T, E: de::Error>(value: Option<T>, name: &'static str) -> Result<T, E> {
    value.ok_or_else(|| E::missing_field(name))
}

/// Reads an untagged union from its buffered value: the first variant that reads every
/// property, else the one that leaves out fewest (keys its models do not know, at any depth).
/// An object whose properties are all optional accepts any object, so the first variant that
/// decodes is not always the one the value is.
pub struct Pick<'v, U> {
    value: &'v serde_json::Value,
    best: Option<(U, usize)>,
}

impl<'v, U> Pick<'v, U> {
    /// Starts reading `value`.
    pub fn new(value: &'v serde_json::Value) -> Self {
        Pick { value, best: None }
    }

    /// Tries the variant `wrap` makes from a `T` (nothing once one has read every property).
    pub fn variant<T: de::DeserializeOwned>(&mut self, wrap: impl FnOnce(T) -> U) {
        if self.best.as_ref().is_some_and(|(_, dropped)| *dropped == 0) {
            return;
        }
        let before = DROPPED.with(|d| d.replace(0));
        let result = <T as Deserialize>::deserialize(self.value).ok();
        let dropped = DROPPED.with(|d| d.replace(before));
        if let Some(v) = result {
            // (`Option::is_none_or` is newer than the crate's `rust-version`.)
            let better = match &self.best {
                Some((_, least)) => dropped < *least,
                None => true,
            };
            if better {
                self.best = Some((wrap(v), dropped));
            }
        }
    }

    /// The variant chosen (what it left out counts toward an enclosing union's choice), or the
    /// error naming the union `name` when none reads the value.
    pub fn finish<E: de::Error>(self, name: &str) -> Result<U, E> {
        let (chosen, dropped) = self.best.ok_or_else(|| no_variant(name))?;
        DROPPED.with(|d| d.set(d.get().saturating_add(dropped)));
        Ok(chosen)
    }
}

/// The error for a value no variant of an untagged union accepts.
fn no_variant<E: de::Error>(name: &str) -> E {
    E::custom(format_args!("data did not match any variant of untagged enum {name}"))
}

/// Starts writing a model as a JSON object.
pub fn begin<S: serde::Serializer>(serializer: S) -> Result<S::SerializeMap, S::Error> {
    serializer.serialize_map(None)
}

/// Writes a property that is always present.
pub fn field<M: SerializeMap, T: Serialize + ?Sized>(
    map: &mut M,
    name: &'static str,
    value: &T,
) -> Result<(), M::Error> {
    map.serialize_entry(name, value)
}

/// Writes an optional property, leaving it out when `None`.
pub fn optional<M: SerializeMap, T: Serialize>(
    map: &mut M,
    name: &'static str,
    value: &Option<T>,
) -> Result<(), M::Error> {
    match value {
        Some(v) => map.serialize_entry(name, v),
        None => Ok(()),
    }
}

/// Writes the properties a model keeps beyond its listed ones.
pub fn others<M: SerializeMap, T: Serialize>(
    map: &mut M,
    others: &std::collections::BTreeMap<String, T>,
) -> Result<(), M::Error> {
    others.iter().try_for_each(|(k, v)| map.serialize_entry(k, v))
}
