//! [`ParamValue`]: how values are written into paths, queries, headers and cookies.

use serde::Serialize;

/// A parameter described by `content: application/json`: its value is sent as JSON text.
#[derive(Debug, Clone, Copy)]
pub struct JsonParam<T>(pub T);

impl<T: Serialize> ParamValue for JsonParam<T> {
    fn to_param(&self) -> String {
        // Serializing the generated models to JSON cannot fail: every map is keyed by strings.
        serde_json::to_string(&self.0).unwrap_or_default()
    }
}

/// How a parameter value is written into a path, query or header.
pub trait ParamValue {
    /// The text form.
    fn to_param(&self) -> String;
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
display_param!(String, str, bool, i32, i64, u32, u64, f32, f64);

impl<T: ParamValue + ?Sized> ParamValue for &T {
    fn to_param(&self) -> String {
        (**self).to_param()
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
