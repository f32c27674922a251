//! Decoding with error paths.
//!
//! [`decode`] runs `serde_json::from_slice` directly. Only when that fails
//! does it work out *where*: a data error re-reads the input as a
//! `serde_json::Value` and deserializes the target type again through a
//! deserializer over that value that records the path of every map key and
//! array index; a syntax error scans the bytes up to the error position with
//! a small iterative scanner. Neither recurses deeper than the input, whose
//! nesting serde_json already limits.

use std::fmt;

use serde::de::value::BorrowedStrDeserializer;
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, EnumAccess, IntoDeserializer, MapAccess,
    SeqAccess, VariantAccess, Visitor,
};
use serde_json::Value;

use crate::scalar::clip;

/// The longest message kept in a [`DecodeError`], in characters.
const MAX_MESSAGE: usize = 300;
/// The longest map key kept in a path segment, in characters.
const MAX_KEY: usize = 64;
/// The longest path shown by `Display`, in characters.
const MAX_DISPLAY_PATH: usize = 200;

/// What kind of problem stopped decoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DecodeErrorKind {
    /// The input is not valid JSON (for example an HTML error page).
    Syntax,
    /// The input ended in the middle of a JSON value.
    Eof,
    /// Valid JSON, but not of the expected shape (a missing key, a wrong
    /// type, a duplicate key).
    Data,
}

impl fmt::Display for DecodeErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DecodeErrorKind::Syntax => "invalid JSON",
            DecodeErrorKind::Eof => "truncated JSON",
            DecodeErrorKind::Data => "unexpected JSON shape",
        })
    }
}

/// Why some bytes did not decode, and where.
///
/// [`DecodeError::path`] is the JSON path of the offending value, such as
/// `result.PartnerParams.job_type` or `history[3].Actions` (empty for the
/// whole document). `Display` shows the path (`$` for the whole document),
/// the message and the position; it is bounded in length and never repeats
/// more than a short excerpt of the input.
#[derive(Clone, PartialEq, Eq)]
pub struct DecodeError {
    kind: DecodeErrorKind,
    path: String,
    message: String,
    line: usize,
    column: usize,
}

impl DecodeError {
    /// The JSON path of the offending value; empty for the root.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What went wrong, without the position.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The kind of problem.
    pub fn kind(&self) -> DecodeErrorKind {
        self.kind
    }

    /// The 1-based line of the error in the input, when known.
    pub fn line(&self) -> Option<usize> {
        (self.line > 0).then_some(self.line)
    }

    /// The 1-based column of the error in the input, when known.
    pub fn column(&self) -> Option<usize> {
        (self.line > 0).then_some(self.column)
    }

    fn from_json(e: &serde_json::Error, path: String, message: Option<String>) -> DecodeError {
        let kind = match e.classify() {
            serde_json::error::Category::Eof => DecodeErrorKind::Eof,
            serde_json::error::Category::Data => DecodeErrorKind::Data,
            serde_json::error::Category::Syntax | serde_json::error::Category::Io => {
                DecodeErrorKind::Syntax
            }
        };
        let message = message.unwrap_or_else(|| strip_position(e));
        DecodeError {
            kind,
            path,
            message: clip(&message, MAX_MESSAGE).into_owned(),
            line: e.line(),
            column: e.column(),
        }
    }
}

impl From<serde_json::Error> for DecodeError {
    /// Keeps the message and position; the path is unknown (empty).
    fn from(e: serde_json::Error) -> Self {
        DecodeError::from_json(&e, String::new(), None)
    }
}

fn strip_position(e: &serde_json::Error) -> String {
    let full = e.to_string();
    if e.line() == 0 {
        return full;
    }
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    match full.strip_suffix(&suffix) {
        Some(s) => s.to_owned(),
        None => full,
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() {
            "$"
        } else {
            &self.path
        };
        write!(
            f,
            "{} at `{}`: {}",
            self.kind,
            clip(path, MAX_DISPLAY_PATH),
            self.message
        )?;
        if self.line > 0 {
            write!(f, " (line {}, column {})", self.line, self.column)?;
        }
        Ok(())
    }
}

impl fmt::Debug for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecodeError")
            .field("kind", &self.kind)
            .field("path", &self.path)
            .field("message", &self.message)
            .field("line", &self.line)
            .field("column", &self.column)
            .finish()
    }
}

impl std::error::Error for DecodeError {}

/// Decodes JSON bytes into `T`, reporting the JSON path of the offending
/// value on failure.
///
/// Decoding itself is a plain `serde_json::from_slice`; the path is worked
/// out only after a failure.
///
/// ```
/// use smileid_types::{decode, JobStatusResponse};
///
/// let err = decode::<JobStatusResponse>(
///     br#"{"job_complete": true, "result": {"PartnerParams": {"job_type": [1]}}}"#,
/// )
/// .unwrap_err();
/// assert_eq!(err.path(), "result.PartnerParams.job_type");
/// ```
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, DecodeError> {
    match serde_json::from_slice::<T>(bytes) {
        Ok(v) => Ok(v),
        Err(e) => Err(locate::<T>(bytes, &e)),
    }
}

/// Works out the path of a failed decode.
#[cold]
fn locate<T: DeserializeOwned>(bytes: &[u8], e: &serde_json::Error) -> DecodeError {
    match e.classify() {
        serde_json::error::Category::Data => match serde_json::from_slice::<Value>(bytes) {
            Ok(value) => match T::deserialize(ValueDe {
                value: &value,
                step: &PathStep::Root,
            }) {
                Err(pe) => DecodeError::from_json(e, pe.path.unwrap_or_default(), Some(pe.message)),
                // Re-reading succeeded: the problem was something a `Value`
                // does not keep (a key given twice). Scan to the position.
                Ok(_) => {
                    let path = syntax_path(bytes, e.line(), e.column());
                    DecodeError::from_json(e, path, None)
                }
            },
            Err(_) => {
                let path = syntax_path(bytes, e.line(), e.column());
                DecodeError::from_json(e, path, None)
            }
        },
        _ => {
            let path = syntax_path(bytes, e.line(), e.column());
            DecodeError::from_json(e, path, None)
        }
    }
}

// ---------------------------------------------------------------------------
// Paths

/// One step of a path, linked to its parent on the stack.
enum PathStep<'p> {
    Root,
    Key(&'p PathStep<'p>, &'p str),
    Index(&'p PathStep<'p>, usize),
}

fn is_plain_key(k: &str) -> bool {
    let mut chars = k.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn push_key(out: &mut String, key: &str) {
    if is_plain_key(key) {
        if !out.is_empty() {
            out.push('.');
        }
        out.push_str(&clip(key, MAX_KEY));
    } else {
        let clipped = clip(key, MAX_KEY);
        out.push('[');
        // A JSON string literal: quotes and control characters escaped.
        match serde_json::to_string(&*clipped) {
            Ok(s) => out.push_str(&s),
            Err(_) => out.push_str("\"?\""),
        }
        out.push(']');
    }
}

fn push_index(out: &mut String, i: usize) {
    out.push('[');
    out.push_str(&i.to_string());
    out.push(']');
}

impl PathStep<'_> {
    fn render(&self) -> String {
        let mut steps = Vec::new();
        let mut cur = self;
        loop {
            match cur {
                PathStep::Root => break,
                PathStep::Key(parent, _) | PathStep::Index(parent, _) => {
                    steps.push(cur);
                    cur = parent;
                }
            }
        }
        let mut out = String::new();
        for step in steps.iter().rev() {
            match step {
                PathStep::Root => {}
                PathStep::Key(_, k) => push_key(&mut out, k),
                PathStep::Index(_, i) => push_index(&mut out, *i),
            }
        }
        out
    }
}

// ---------------------------------------------------------------------------
// A deserializer over a `Value` that records where errors happen.

#[derive(Debug)]
struct PathError {
    message: String,
    path: Option<String>,
}

impl PathError {
    fn at(mut self, step: &PathStep<'_>) -> Self {
        if self.path.is_none() {
            self.path = Some(step.render());
        }
        self
    }
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for PathError {}

impl de::Error for PathError {
    fn custom<M: fmt::Display>(msg: M) -> Self {
        let message = msg.to_string();
        PathError {
            message: clip(&message, MAX_MESSAGE).into_owned(),
            path: None,
        }
    }

    /// Says `null` where serde would say "unit value", as serde_json does.
    fn invalid_type(unexp: de::Unexpected<'_>, exp: &dyn de::Expected) -> Self {
        match unexp {
            de::Unexpected::Unit => {
                de::Error::custom(format_args!("invalid type: null, expected {exp}"))
            }
            other => de::Error::custom(format_args!("invalid type: {other}, expected {exp}")),
        }
    }

    /// Says `null` where serde would say "unit value", as serde_json does.
    fn invalid_value(unexp: de::Unexpected<'_>, exp: &dyn de::Expected) -> Self {
        match unexp {
            de::Unexpected::Unit => {
                de::Error::custom(format_args!("invalid value: null, expected {exp}"))
            }
            other => de::Error::custom(format_args!("invalid value: {other}, expected {exp}")),
        }
    }
}

struct ValueDe<'a, 'p> {
    value: &'a Value,
    step: &'p PathStep<'p>,
}

impl<'a, 'p> ValueDe<'a, 'p> {
    fn any<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, PathError> {
        match self.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => {
                if let Some(u) = n.as_u64() {
                    visitor.visit_u64(u)
                } else if let Some(i) = n.as_i64() {
                    visitor.visit_i64(i)
                } else if let Some(f) = n.as_f64() {
                    visitor.visit_f64(f)
                } else {
                    visitor.visit_string(n.to_string())
                }
            }
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::Array(items) => {
                let mut seq = SeqDe {
                    iter: items.iter(),
                    index: 0,
                    step: self.step,
                };
                let out = visitor.visit_seq(&mut seq)?;
                let rest = seq.iter.len();
                if rest == 0 {
                    Ok(out)
                } else {
                    Err(de::Error::invalid_length(
                        items.len(),
                        &"fewer elements in array",
                    ))
                }
            }
            Value::Object(map) => {
                let mut access = MapDe {
                    iter: map.iter(),
                    pending: None,
                    step: self.step,
                };
                let out = visitor.visit_map(&mut access)?;
                if access.iter.len() == 0 {
                    Ok(out)
                } else {
                    Err(de::Error::invalid_length(
                        map.len(),
                        &"fewer elements in map",
                    ))
                }
            }
        }
    }
}

impl<'a, 'p> Deserializer<'a> for ValueDe<'a, 'p> {
    type Error = PathError;

    fn deserialize_any<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, PathError> {
        let step = self.step;
        self.any(visitor).map_err(|e| e.at(step))
    }

    fn deserialize_option<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, PathError> {
        let step = self.step;
        match self.value {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
        .map_err(|e| e.at(step))
    }

    fn deserialize_newtype_struct<V: Visitor<'a>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, PathError> {
        let step = self.step;
        visitor.visit_newtype_struct(self).map_err(|e| e.at(step))
    }

    fn deserialize_enum<V: Visitor<'a>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, PathError> {
        let step = self.step;
        match self.value {
            Value::String(s) => visitor.visit_enum(BorrowedStrDeserializer::new(s)),
            Value::Object(map) if map.len() == 1 => match map.iter().next() {
                Some((variant, value)) => visitor.visit_enum(EnumDe {
                    variant,
                    value,
                    step,
                }),
                None => Err(de::Error::custom("expected an enum")),
            },
            other => Err(de::Error::invalid_type(unexpected(other), &"an enum")),
        }
        .map_err(|e| e.at(step))
    }

    serde::forward_to_deserialize_any! {
        <W: Visitor<'a>>
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map struct
        identifier ignored_any
    }
}

fn unexpected(v: &Value) -> de::Unexpected<'_> {
    match v {
        Value::Null => de::Unexpected::Unit,
        Value::Bool(b) => de::Unexpected::Bool(*b),
        Value::Number(_) => de::Unexpected::Other("number"),
        Value::String(s) => de::Unexpected::Str(s),
        Value::Array(_) => de::Unexpected::Seq,
        Value::Object(_) => de::Unexpected::Map,
    }
}

struct SeqDe<'a, 'p> {
    iter: std::slice::Iter<'a, Value>,
    index: usize,
    step: &'p PathStep<'p>,
}

impl<'a> SeqAccess<'a> for SeqDe<'a, '_> {
    type Error = PathError;

    fn next_element_seed<T: DeserializeSeed<'a>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, PathError> {
        match self.iter.next() {
            None => Ok(None),
            Some(value) => {
                let step = PathStep::Index(self.step, self.index);
                self.index += 1;
                seed.deserialize(ValueDe { value, step: &step })
                    .map(Some)
                    .map_err(|e| e.at(&step))
            }
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

struct MapDe<'a, 'p> {
    iter: serde_json::map::Iter<'a>,
    pending: Option<(&'a str, &'a Value)>,
    step: &'p PathStep<'p>,
}

impl<'a> MapAccess<'a> for MapDe<'a, '_> {
    type Error = PathError;

    fn next_key_seed<K: DeserializeSeed<'a>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, PathError> {
        match self.iter.next() {
            None => Ok(None),
            Some((key, value)) => {
                self.pending = Some((key.as_str(), value));
                seed.deserialize(BorrowedStrDeserializer::new(key.as_str()))
                    .map(Some)
                    .map_err(|e: PathError| e.at(self.step))
            }
        }
    }

    fn next_value_seed<V: DeserializeSeed<'a>>(&mut self, seed: V) -> Result<V::Value, PathError> {
        match self.pending.take() {
            Some((key, value)) => {
                let step = PathStep::Key(self.step, key);
                seed.deserialize(ValueDe { value, step: &step })
                    .map_err(|e| e.at(&step))
            }
            None => Err(de::Error::custom("value requested before key")),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

struct EnumDe<'a, 'p> {
    variant: &'a str,
    value: &'a Value,
    step: &'p PathStep<'p>,
}

impl<'a, 'p> EnumAccess<'a> for EnumDe<'a, 'p> {
    type Error = PathError;
    type Variant = VariantDe<'a, 'p>;

    fn variant_seed<V: DeserializeSeed<'a>>(
        self,
        seed: V,
    ) -> Result<(V::Value, VariantDe<'a, 'p>), PathError> {
        let v = seed.deserialize(self.variant.into_deserializer())?;
        Ok((
            v,
            VariantDe {
                variant: self.variant,
                value: self.value,
                step: self.step,
            },
        ))
    }
}

struct VariantDe<'a, 'p> {
    variant: &'a str,
    value: &'a Value,
    step: &'p PathStep<'p>,
}

impl<'a> VariantAccess<'a> for VariantDe<'a, '_> {
    type Error = PathError;

    fn unit_variant(self) -> Result<(), PathError> {
        match self.value {
            Value::Null => Ok(()),
            other => Err(de::Error::invalid_type(unexpected(other), &"unit variant")),
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'a>>(self, seed: T) -> Result<T::Value, PathError> {
        let step = PathStep::Key(self.step, self.variant);
        seed.deserialize(ValueDe {
            value: self.value,
            step: &step,
        })
    }

    fn tuple_variant<V: Visitor<'a>>(self, _len: usize, visitor: V) -> Result<V::Value, PathError> {
        let step = PathStep::Key(self.step, self.variant);
        ValueDe {
            value: self.value,
            step: &step,
        }
        .deserialize_any(visitor)
    }

    fn struct_variant<V: Visitor<'a>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, PathError> {
        let step = PathStep::Key(self.step, self.variant);
        ValueDe {
            value: self.value,
            step: &step,
        }
        .deserialize_any(visitor)
    }
}

// ---------------------------------------------------------------------------
// Paths of syntax errors.

/// The path of the value being read at `line`/`column` (1-based, as
/// serde_json reports them), found by scanning the bytes up to there with
/// an explicit stack. Best effort: empty when the position is unknown.
fn syntax_path(bytes: &[u8], line: usize, column: usize) -> String {
    if line == 0 {
        return String::new();
    }
    // Byte offset of the error position: the bytes before the offending
    // character are scanned.
    let mut line_start = 0;
    if line > 1 {
        let mut cur = 1;
        for (i, &b) in bytes.iter().enumerate() {
            if b == b'\n' {
                cur += 1;
                if cur == line {
                    line_start = i + 1;
                    break;
                }
            }
        }
    }
    let end = line_start
        .saturating_add(column.saturating_sub(1))
        .min(bytes.len());

    enum Frame {
        Object { key: Option<String> },
        Array { index: usize },
    }
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    // The last string read, and whether it may be an object key.
    let mut last_string: Option<(usize, usize)> = None;
    while i < end {
        let b = bytes[i];
        match b {
            b'"' => {
                let start = i + 1;
                let mut j = start;
                while j < bytes.len() && bytes[j] != b'"' {
                    if bytes[j] == b'\\' {
                        j += 1;
                    }
                    j += 1;
                }
                last_string = Some((start, j.min(bytes.len())));
                i = j + 1;
                continue;
            }
            b'{' => stack.push(Frame::Object { key: None }),
            b'[' => stack.push(Frame::Array { index: 0 }),
            b'}' | b']' => {
                stack.pop();
            }
            b':' => {
                if let (Some(Frame::Object { key }), Some((s, e))) = (stack.last_mut(), last_string)
                {
                    let raw = &bytes[s..e];
                    let text = serde_json::from_slice::<String>(
                        &bytes[s.saturating_sub(1)..(e + 1).min(bytes.len())],
                    )
                    .unwrap_or_else(|_| String::from_utf8_lossy(raw).into_owned());
                    *key = Some(text);
                }
            }
            b',' => match stack.last_mut() {
                Some(Frame::Array { index }) => *index += 1,
                Some(Frame::Object { key }) => *key = None,
                None => {}
            },
            _ => {}
        }
        i += 1;
    }
    let mut out = String::new();
    for frame in &stack {
        match frame {
            Frame::Object { key: Some(k) } => push_key(&mut out, k),
            Frame::Object { key: None } => {}
            Frame::Array { index } => push_index(&mut out, *index),
        }
    }
    out
}
