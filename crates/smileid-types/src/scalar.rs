//! Lenient scalars: values the wire sends as a string, a number or a boolean.

use std::borrow::Cow;
use std::fmt;
use std::ops::Deref;

use serde::de::{self, Deserializer, Visitor};
use serde::ser::Serializer;
use serde::{Deserialize, Serialize};

/// The JSON shape a [`Scalar`] arrived in (and is written back in).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScalarKind {
    /// A JSON string: `"99"`.
    String,
    /// A JSON number: `99`.
    Number,
    /// A JSON boolean: `true`.
    Bool,
}

/// A scalar field that the wire may send as a string, a number or a boolean.
///
/// The text is kept exactly as received (a number keeps the text serde_json
/// gives it, a boolean is `"true"` or `"false"`), together with the shape it
/// arrived in, so serializing writes back the same JSON value that was read.
/// Typed views ([`Scalar::as_bool`], [`Scalar::as_f64`], [`Scalar::as_u64`])
/// accept every shape.
///
/// `Scalar` dereferences to `str`, so `Option<Scalar>::as_deref()` gives an
/// `Option<&str>`. Equality between scalars includes the shape (`"4"` is not
/// `4`); comparing with a `&str` looks at the text only. `Debug` cuts strings
/// longer than 128 characters.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Scalar {
    // A boxed `str` keeps the scalar at 24 bytes: result objects hold many.
    text: Box<str>,
    kind: ScalarKind,
}

impl Scalar {
    /// A scalar sent as a JSON string.
    pub fn string(text: impl Into<String>) -> Self {
        Scalar {
            text: text.into().into_boxed_str(),
            kind: ScalarKind::String,
        }
    }

    /// A scalar sent as a JSON boolean.
    pub fn bool(value: bool) -> Self {
        Scalar {
            text: Box::from(if value { "true" } else { "false" }),
            kind: ScalarKind::Bool,
        }
    }

    /// A scalar sent as a JSON number.
    pub fn number(value: serde_json::Number) -> Self {
        Scalar {
            text: value.to_string().into_boxed_str(),
            kind: ScalarKind::Number,
        }
    }

    /// A scalar sent as a JSON integer.
    pub fn integer(value: u64) -> Self {
        Scalar::number(value.into())
    }

    /// A scalar sent as a JSON floating-point number; `None` when `value` is
    /// not finite (JSON has no NaN or infinity).
    pub fn float(value: f64) -> Option<Self> {
        serde_json::Number::from_f64(value).map(Scalar::number)
    }

    /// The text as received (a number's decimal text, `"true"`/`"false"` for a
    /// boolean).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The text with leading and trailing whitespace removed.
    pub fn trimmed(&self) -> &str {
        self.text.trim()
    }

    /// The JSON shape this scalar arrived in.
    pub fn kind(&self) -> ScalarKind {
        self.kind
    }

    /// The text, consuming the scalar.
    pub fn into_string(self) -> String {
        self.text.into_string()
    }

    /// The value as a boolean: a JSON boolean, or the text `true`/`false`
    /// (ASCII case-insensitive, surrounding whitespace ignored), or the
    /// number `1`/`0`. `None` for anything else.
    pub fn as_bool(&self) -> Option<bool> {
        parse_bool_text(&self.text)
    }

    /// The value as a finite floating-point number: `99`, `"99"`,
    /// `"97.000000"` and `"99.99"` all work; surrounding whitespace ignored.
    pub fn as_f64(&self) -> Option<f64> {
        if self.kind == ScalarKind::Bool {
            return None;
        }
        self.text
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
    }

    /// The value as an unsigned integer: `4` or `"4"` (surrounding whitespace
    /// ignored). `None` for fractions, negatives, booleans and other text.
    pub fn as_u64(&self) -> Option<u64> {
        if self.kind == ScalarKind::Bool {
            return None;
        }
        let t = self.text.trim();
        let t = t.strip_prefix('+').unwrap_or(t);
        if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        t.parse::<u64>().ok()
    }
}

pub(crate) fn parse_bool_text(text: &str) -> Option<bool> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("true") || t == "1" {
        Some(true)
    } else if t.eq_ignore_ascii_case("false") || t == "0" {
        Some(false)
    } else {
        None
    }
}

/// Longer strings are cut in `Debug` output (a base64 photo can be a
/// megabyte).
const DEBUG_MAX_CHARS: usize = 128;

impl fmt::Debug for Scalar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            ScalarKind::String => match self.text.char_indices().nth(DEBUG_MAX_CHARS) {
                None => fmt::Debug::fmt(&*self.text, f),
                Some((cut, _)) => {
                    fmt::Debug::fmt(&self.text[..cut], f)?;
                    write!(f, "…({} bytes)", self.text.len())
                }
            },
            ScalarKind::Number | ScalarKind::Bool => f.write_str(&self.text),
        }
    }
}

impl fmt::Display for Scalar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Deref for Scalar {
    type Target = str;
    fn deref(&self) -> &str {
        &self.text
    }
}

impl AsRef<str> for Scalar {
    fn as_ref(&self) -> &str {
        &self.text
    }
}

impl From<String> for Scalar {
    fn from(s: String) -> Self {
        Scalar::string(s)
    }
}

impl From<&str> for Scalar {
    fn from(s: &str) -> Self {
        Scalar::string(s)
    }
}

impl From<bool> for Scalar {
    fn from(b: bool) -> Self {
        Scalar::bool(b)
    }
}

impl From<u64> for Scalar {
    fn from(n: u64) -> Self {
        Scalar::integer(n)
    }
}

impl From<u32> for Scalar {
    fn from(n: u32) -> Self {
        Scalar::integer(n.into())
    }
}

impl From<i64> for Scalar {
    fn from(n: i64) -> Self {
        Scalar::number(n.into())
    }
}

impl PartialEq<str> for Scalar {
    fn eq(&self, other: &str) -> bool {
        &*self.text == other
    }
}

impl PartialEq<&str> for Scalar {
    fn eq(&self, other: &&str) -> bool {
        &*self.text == *other
    }
}

impl Serialize for Scalar {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.kind {
            ScalarKind::String => serializer.serialize_str(&self.text),
            ScalarKind::Bool => serializer.serialize_bool(&*self.text == "true"),
            ScalarKind::Number => {
                // The text always comes from a serde_json::Number, so one of
                // these parses succeeds; a string is the safe fallback.
                if let Ok(u) = self.text.parse::<u64>() {
                    serializer.serialize_u64(u)
                } else if let Ok(i) = self.text.parse::<i64>() {
                    serializer.serialize_i64(i)
                } else if let Some(f) = self.text.parse::<f64>().ok().filter(|f| f.is_finite()) {
                    serializer.serialize_f64(f)
                } else {
                    serializer.serialize_str(&self.text)
                }
            }
        }
    }
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string, number or boolean")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
        Ok(Scalar {
            text: Box::from(v),
            kind: ScalarKind::String,
        })
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Scalar, E> {
        Ok(Scalar::string(v))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar, E> {
        Ok(Scalar::bool(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
        Ok(Scalar::number(v.into()))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
        Ok(Scalar::number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
        serde_json::Number::from_f64(v)
            .map(Scalar::number)
            .ok_or_else(|| E::invalid_value(de::Unexpected::Float(v), &self))
    }
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ScalarVisitor)
    }
}

/// Text that may arrive as a string or a number (for example an error `code`):
/// the number becomes its decimal text.
pub(crate) struct LenientText(pub(crate) String);

struct LenientTextVisitor;

impl<'de> Visitor<'de> for LenientTextVisitor {
    type Value = LenientText;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string or a number")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<LenientText, E> {
        Ok(LenientText(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<LenientText, E> {
        Ok(LenientText(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<LenientText, E> {
        Ok(LenientText(v.to_string()))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<LenientText, E> {
        Ok(LenientText(v.to_string()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<LenientText, E> {
        serde_json::Number::from_f64(v)
            .map(|n| LenientText(n.to_string()))
            .ok_or_else(|| E::invalid_value(de::Unexpected::Float(v), &self))
    }
}

impl<'de> Deserialize<'de> for LenientText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(LenientTextVisitor)
    }
}

/// A boolean that may arrive as `true` or as the text `"true"`/`"false"`
/// (ASCII case-insensitive, surrounding whitespace ignored), or as `1`/`0`.
pub(crate) struct LenientBool(pub(crate) bool);

struct LenientBoolVisitor;

impl<'de> Visitor<'de> for LenientBoolVisitor {
    type Value = LenientBool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a boolean or the text \"true\"/\"false\"")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<LenientBool, E> {
        Ok(LenientBool(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<LenientBool, E> {
        parse_bool_text(v)
            .map(LenientBool)
            .ok_or_else(|| E::invalid_value(de::Unexpected::Str(&clip(v, 40)), &self))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<LenientBool, E> {
        match v {
            0 => Ok(LenientBool(false)),
            1 => Ok(LenientBool(true)),
            _ => Err(E::invalid_value(de::Unexpected::Unsigned(v), &self)),
        }
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<LenientBool, E> {
        match v {
            0 => Ok(LenientBool(false)),
            1 => Ok(LenientBool(true)),
            _ => Err(E::invalid_value(de::Unexpected::Signed(v), &self)),
        }
    }
}

impl<'de> Deserialize<'de> for LenientBool {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(LenientBoolVisitor)
    }
}

/// `Option<bool>` accepting the lenient shapes; `null` is `None`.
pub(crate) fn de_opt_lenient_bool<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<bool>, D::Error> {
    Ok(Option::<LenientBool>::deserialize(deserializer)?.map(|b| b.0))
}

/// A map key, borrowed from the input when possible.
pub(crate) struct Key<'de>(pub(crate) Cow<'de, str>);

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string key")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Borrowed(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(v)))
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// At most `max` characters of `s`, with an ellipsis when cut.
pub(crate) fn clip(s: &str, max: usize) -> Cow<'_, str> {
    match s.char_indices().nth(max) {
        None => Cow::Borrowed(s),
        Some((i, _)) => Cow::Owned(format!("{}…", &s[..i])),
    }
}

/// `bool` accepting the lenient shapes.
pub(crate) fn de_lenient_bool<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<bool, D::Error> {
    Ok(LenientBool::deserialize(deserializer)?.0)
}

/// A string that may arrive as a number (a timestamp in epoch
/// milliseconds); `null` reads as empty.
pub(crate) fn de_lenient_string<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<String, D::Error> {
    Ok(Option::<LenientText>::deserialize(deserializer)?
        .map(|t| t.0)
        .unwrap_or_default())
}

/// A list that may arrive as `null` (read as empty).
pub(crate) fn de_vec_or_null<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(deserializer)?.unwrap_or_default())
}
