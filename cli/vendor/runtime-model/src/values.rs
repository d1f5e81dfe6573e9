//! Small value types the emitted models use.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A boolean the spec allows to be only `true` (`enum: [true]`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct True;

/// A boolean the spec allows to be only `false` (`enum: [false]`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct False;

macro_rules! const_bool {
    ($ty:ident, $value:literal) => {
        impl $ty {
            /// The one value, as a `bool`.
            pub const fn get(self) -> bool {
                $value
            }
        }

        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_bool($value)
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                if bool::deserialize(deserializer)? == $value {
                    Ok($ty)
                } else {
                    Err(serde::de::Error::custom(concat!("expected `", stringify!($value), "`")))
                }
            }
        }
    };
}

const_bool!(True, true);
const_bool!(False, false);
