//! The job status response.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::envelope::SignatureText;
use crate::result::{JobResult, visit_job_result_map};
use crate::result_code::Outcome;
use crate::scalar::{Key, LenientBool, LenientText};

/// The `result` of a job status response: a result object, or a sentence
/// (`"No zip file received"`) while there is none.
#[derive(Debug, Clone, PartialEq)]
pub enum ResultOrMessage {
    /// A result object.
    Result(Box<JobResult>),
    /// A free-text message, kept verbatim.
    Message(String),
}

impl ResultOrMessage {
    /// The result object, if this is one.
    pub fn as_result(&self) -> Option<&JobResult> {
        match self {
            ResultOrMessage::Result(r) => Some(r),
            ResultOrMessage::Message(_) => None,
        }
    }

    /// The message, if this is one.
    pub fn as_message(&self) -> Option<&str> {
        match self {
            ResultOrMessage::Result(_) => None,
            ResultOrMessage::Message(m) => Some(m),
        }
    }
}

impl From<JobResult> for ResultOrMessage {
    fn from(r: JobResult) -> Self {
        ResultOrMessage::Result(Box::new(r))
    }
}

impl Serialize for ResultOrMessage {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            ResultOrMessage::Result(r) => r.serialize(serializer),
            ResultOrMessage::Message(m) => serializer.serialize_str(m),
        }
    }
}

struct ResultOrMessageVisitor;

impl<'de> Visitor<'de> for ResultOrMessageVisitor {
    type Value = ResultOrMessage;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a result object or a message string")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<ResultOrMessage, E> {
        Ok(ResultOrMessage::Message(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<ResultOrMessage, E> {
        Ok(ResultOrMessage::Message(v))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<ResultOrMessage, A::Error> {
        visit_job_result_map(map).map(|r| ResultOrMessage::Result(Box::new(r)))
    }
}

impl<'de> Deserialize<'de> for ResultOrMessage {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ResultOrMessageVisitor)
    }
}

/// The `image_links` object: names to signed, expiring URLs (or an error
/// text under `error`). Every key is kept.
///
/// A signed URL grants access to the image until it expires, through the
/// signature in its query string, so `Debug` shows each URL only up to its
/// `?` and prints `[REDACTED]` for the query. The values themselves are
/// kept whole.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct ImageLinks(BTreeMap<String, String>);

impl fmt::Debug for ImageLinks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        /// The map, with URL queries redacted.
        struct Entries<'a>(&'a BTreeMap<String, String>);
        /// One value: a URL's query is replaced by the redaction marker.
        struct Link<'a>(&'a str);

        impl fmt::Debug for Entries<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_map()
                    .entries(self.0.iter().map(|(k, v)| (k, Link(v))))
                    .finish()
            }
        }

        impl fmt::Debug for Link<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self.0.split_once('?') {
                    Some((base, _)) if base.contains("://") => {
                        fmt::Debug::fmt(&format!("{base}?[REDACTED]"), f)
                    }
                    _ => fmt::Debug::fmt(self.0, f),
                }
            }
        }

        f.debug_tuple("ImageLinks")
            .field(&Entries(&self.0))
            .finish()
    }
}

impl ImageLinks {
    /// No links.
    pub fn new() -> Self {
        ImageLinks::default()
    }

    /// The URL of the selfie (`selfie_image`).
    pub fn selfie_image(&self) -> Option<&str> {
        self.get("selfie_image")
    }

    /// The error text (`error`), when the links could not be made.
    pub fn error(&self) -> Option<&str> {
        self.get("error")
    }

    /// The value of any key.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str)
    }

    /// Sets a key, returning the previous value.
    pub fn insert(&mut self, key: impl Into<String>, value: impl Into<String>) -> Option<String> {
        self.0.insert(key.into(), value.into())
    }

    /// Every key and value, in key order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &str)> + '_ {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The number of keys.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no keys.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The underlying map.
    pub fn as_map(&self) -> &BTreeMap<String, String> {
        &self.0
    }

    /// The underlying map, consuming the links.
    pub fn into_map(self) -> BTreeMap<String, String> {
        self.0
    }
}

impl<'a> IntoIterator for &'a ImageLinks {
    type Item = (&'a String, &'a String);
    type IntoIter = std::collections::btree_map::Iter<'a, String, String>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl From<BTreeMap<String, String>> for ImageLinks {
    fn from(m: BTreeMap<String, String>) -> Self {
        ImageLinks(m)
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for ImageLinks {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        ImageLinks(
            iter.into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )
    }
}

impl Serialize for ImageLinks {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for ImageLinks {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ImageLinks;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of names to URL strings")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ImageLinks, A::Error> {
                let mut m = BTreeMap::new();
                while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
                    if m.contains_key(&*key) {
                        return Err(de::Error::custom(format_args!(
                            "duplicate field `{}`",
                            crate::scalar::clip(&key, 64)
                        )));
                    }
                    let value: String = map.next_value()?;
                    let key = key.into_owned();
                    m.insert(key, value);
                }
                Ok(ImageLinks(m))
            }
        }
        deserializer.deserialize_map(V)
    }
}

/// The body of a successful `POST /job_status` answer (protocol section 3).
///
/// Reading is lenient: `job_success` and `job_complete` may be booleans or
/// the text `"true"`/`"false"`; `code` may be a string or a number; `result`
/// may be an object or a sentence; `null` reads as absent; unknown keys are
/// kept in [`JobStatusResponse::extra`]. Writing is exact: the documented
/// shapes, then the extra keys.
///
/// `job_complete` is required: a body without it is not a job status
/// answer (an error body `{"code": "2205", "error": ...}` served with 200,
/// say), so decoding fails with a "missing field" error naming it, at the
/// root path; a `null` value fails at the path `job_complete`.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct JobStatusResponse {
    /// The timestamp the server signed, as text (empty when absent).
    pub timestamp: String,
    /// The server's signature over `timestamp` (empty when absent, so a
    /// missing signature is reported as a signature failure).
    pub signature: SignatureText,
    /// Whether a final result exists. Required on the wire.
    pub job_complete: bool,
    /// Whether the job succeeded (false when absent).
    pub job_success: bool,
    /// The status call's code: `"2302"` with a result, `"2314"` while no
    /// upload arrived. A number on the wire is read as its decimal text.
    pub code: Option<String>,
    /// The result object, or a message while there is none.
    pub result: Option<ResultOrMessage>,
    /// Every earlier result of the user, when `history` was requested.
    pub history: Option<Vec<JobResult>>,
    /// Signed image URLs, when `image_links` was requested.
    pub image_links: Option<ImageLinks>,
    /// The KYC receipt, when present.
    pub kyc_receipt: Option<String>,
    /// The KYB receipt, when present.
    pub kyb_receipt: Option<String>,
    /// Keys not listed above, as received.
    pub extra: Map<String, Value>,
}

impl JobStatusResponse {
    /// The wire names of the typed fields.
    pub const KNOWN_KEYS: &'static [&'static str] = &[
        "timestamp",
        "signature",
        "job_complete",
        "job_success",
        "code",
        "result",
        "history",
        "image_links",
        "kyc_receipt",
        "kyb_receipt",
    ];

    /// Decodes a response from JSON bytes; see [`crate::decode`].
    pub fn from_slice(bytes: &[u8]) -> Result<Self, crate::DecodeError> {
        crate::decode(bytes)
    }

    /// The job's outcome: [`Outcome::Pending`] while `job_complete` is false
    /// or there is no result object, otherwise from the result code's
    /// category.
    pub fn outcome(&self) -> Outcome {
        if !self.job_complete {
            return Outcome::Pending;
        }
        match self.result_object() {
            Some(r) => r.outcome(),
            None => Outcome::Pending,
        }
    }

    /// The result object, when `result` is one.
    pub fn result_object(&self) -> Option<&JobResult> {
        self.result.as_ref().and_then(ResultOrMessage::as_result)
    }

    /// The message, when `result` is a sentence.
    pub fn message(&self) -> Option<&str> {
        self.result.as_ref().and_then(ResultOrMessage::as_message)
    }

    /// The history entries (empty when not requested).
    pub fn history(&self) -> &[JobResult] {
        self.history.as_deref().unwrap_or(&[])
    }
}

impl Serialize for JobStatusResponse {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let extras = self
            .extra
            .iter()
            .filter(|(k, _)| !Self::KNOWN_KEYS.contains(&k.as_str()));
        let n = 4
            + usize::from(self.code.is_some())
            + usize::from(self.result.is_some())
            + usize::from(self.history.is_some())
            + usize::from(self.image_links.is_some())
            + usize::from(self.kyc_receipt.is_some())
            + usize::from(self.kyb_receipt.is_some())
            + extras.clone().count();
        let mut map = serializer.serialize_map(Some(n))?;
        map.serialize_entry("timestamp", &self.timestamp)?;
        map.serialize_entry("signature", &self.signature)?;
        map.serialize_entry("job_complete", &self.job_complete)?;
        map.serialize_entry("job_success", &self.job_success)?;
        if let Some(v) = &self.code {
            map.serialize_entry("code", v)?;
        }
        if let Some(v) = &self.result {
            map.serialize_entry("result", v)?;
        }
        if let Some(v) = &self.history {
            map.serialize_entry("history", v)?;
        }
        if let Some(v) = &self.image_links {
            map.serialize_entry("image_links", v)?;
        }
        if let Some(v) = &self.kyc_receipt {
            map.serialize_entry("kyc_receipt", v)?;
        }
        if let Some(v) = &self.kyb_receipt {
            map.serialize_entry("kyb_receipt", v)?;
        }
        for (k, v) in extras {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

fn dup<T, E: de::Error>(seen: &Option<T>, field: &'static str) -> Result<(), E> {
    if seen.is_some() {
        Err(E::duplicate_field(field))
    } else {
        Ok(())
    }
}

struct ResponseVisitor;

impl<'de> Visitor<'de> for ResponseVisitor {
    type Value = JobStatusResponse;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a job status response object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<JobStatusResponse, A::Error> {
        let mut timestamp: Option<Option<LenientText>> = None;
        let mut signature: Option<Option<SignatureText>> = None;
        // Required: `null` is an error at its own path, not "missing".
        let mut job_complete: Option<LenientBool> = None;
        let mut job_success: Option<Option<LenientBool>> = None;
        let mut code: Option<Option<LenientText>> = None;
        let mut result: Option<Option<ResultOrMessage>> = None;
        let mut history: Option<Option<Vec<JobResult>>> = None;
        let mut image_links: Option<Option<ImageLinks>> = None;
        let mut kyc_receipt: Option<Option<String>> = None;
        let mut kyb_receipt: Option<Option<String>> = None;
        let mut extra = Map::new();
        while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
            match &*key {
                "timestamp" => {
                    dup(&timestamp, "timestamp")?;
                    timestamp = Some(map.next_value()?);
                }
                "signature" => {
                    dup(&signature, "signature")?;
                    signature = Some(map.next_value()?);
                }
                "job_complete" => {
                    dup(&job_complete, "job_complete")?;
                    job_complete = Some(map.next_value()?);
                }
                "job_success" => {
                    dup(&job_success, "job_success")?;
                    job_success = Some(map.next_value()?);
                }
                "code" => {
                    dup(&code, "code")?;
                    code = Some(map.next_value()?);
                }
                "result" => {
                    dup(&result, "result")?;
                    result = Some(map.next_value()?);
                }
                "history" => {
                    dup(&history, "history")?;
                    history = Some(map.next_value()?);
                }
                "image_links" => {
                    dup(&image_links, "image_links")?;
                    image_links = Some(map.next_value()?);
                }
                "kyc_receipt" => {
                    dup(&kyc_receipt, "kyc_receipt")?;
                    kyc_receipt = Some(map.next_value()?);
                }
                "kyb_receipt" => {
                    dup(&kyb_receipt, "kyb_receipt")?;
                    kyb_receipt = Some(map.next_value()?);
                }
                _ => {
                    if extra.contains_key(&*key) {
                        return Err(de::Error::custom(format_args!(
                            "duplicate field `{}`",
                            crate::scalar::clip(&key, 64)
                        )));
                    }
                    let value: Value = map.next_value()?;
                    let key = key.into_owned();
                    extra.insert(key, value);
                }
            }
        }
        let Some(LenientBool(job_complete)) = job_complete else {
            return Err(de::Error::missing_field("job_complete"));
        };
        Ok(JobStatusResponse {
            timestamp: timestamp.flatten().map(|t| t.0).unwrap_or_default(),
            signature: signature.flatten().unwrap_or_default(),
            job_complete,
            job_success: job_success.flatten().is_some_and(|b| b.0),
            code: code.flatten().map(|c| c.0),
            result: result.flatten(),
            history: history.flatten(),
            image_links: image_links.flatten(),
            kyc_receipt: kyc_receipt.flatten(),
            kyb_receipt: kyb_receipt.flatten(),
            extra,
        })
    }
}

impl<'de> Deserialize<'de> for JobStatusResponse {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(ResponseVisitor)
    }
}
