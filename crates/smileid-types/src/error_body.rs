//! The body of a failed API call.

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::scalar::{Key, LenientText};

/// The JSON body of a failed call: `{"code": "2205", "error": "..."}`.
///
/// `code` may be a string or a number on the wire (a number is read as its
/// decimal text and written back as a string); other keys (such as
/// `"success": false`) are kept in [`ApiErrorBody::extra`].
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct ApiErrorBody {
    /// The error code (`"2205"`).
    pub code: Option<String>,
    /// The error text.
    pub error: Option<String>,
    /// Every other key, as received.
    pub extra: Map<String, Value>,
}

impl ApiErrorBody {
    /// The error code, if any.
    pub fn code_str(&self) -> Option<&str> {
        self.code.as_deref()
    }

    /// The error text, if any.
    pub fn error_str(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// Decodes an error body from JSON bytes; see [`crate::decode`].
    pub fn from_slice(bytes: &[u8]) -> Result<Self, crate::DecodeError> {
        crate::decode(bytes)
    }
}

impl Serialize for ApiErrorBody {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let extras = self
            .extra
            .iter()
            .filter(|(k, _)| k.as_str() != "code" && k.as_str() != "error");
        let n = usize::from(self.code.is_some())
            + usize::from(self.error.is_some())
            + extras.clone().count();
        let mut map = serializer.serialize_map(Some(n))?;
        if let Some(c) = &self.code {
            map.serialize_entry("code", c)?;
        }
        if let Some(e) = &self.error {
            map.serialize_entry("error", e)?;
        }
        for (k, v) in extras {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for ApiErrorBody {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ApiErrorBody;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an error object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ApiErrorBody, A::Error> {
                let mut body = ApiErrorBody::default();
                let (mut seen_code, mut seen_error) = (false, false);
                while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
                    match &*key {
                        "code" => {
                            if std::mem::replace(&mut seen_code, true) {
                                return Err(de::Error::duplicate_field("code"));
                            }
                            body.code = map.next_value::<Option<LenientText>>()?.map(|t| t.0);
                        }
                        "error" => {
                            if std::mem::replace(&mut seen_error, true) {
                                return Err(de::Error::duplicate_field("error"));
                            }
                            body.error = map.next_value()?;
                        }
                        _ => {
                            if body.extra.contains_key(&*key) {
                                return Err(de::Error::custom(format_args!(
                                    "duplicate field `{}`",
                                    crate::scalar::clip(&key, 64)
                                )));
                            }
                            let value: Value = map.next_value()?;
                            let key = key.into_owned();
                            body.extra.insert(key, value);
                        }
                    }
                }
                Ok(body)
            }
        }
        deserializer.deserialize_map(V)
    }
}
