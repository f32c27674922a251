//! Signed envelopes: the `timestamp` and `signature` pair that authenticates
//! a request, a response or a callback, and signature text kept out of `Debug`.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, IgnoredAny, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A base64 signature as it appears on the wire (`signature` fields).
///
/// Serializes as a plain JSON string. Its `Debug` output never shows the
/// value: it prints `SignatureText([REDACTED])`, so signatures do not end up
/// in logs. There is deliberately no `Display`; call [`SignatureText::as_str`]
/// where the text is really needed (signing, verification, the request body).
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct SignatureText(String);

impl SignatureText {
    /// Wraps signature text.
    pub fn new(text: impl Into<String>) -> Self {
        SignatureText(text.into())
    }

    /// The signature text, exactly as received or given.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The signature text, consuming the wrapper.
    pub fn into_inner(self) -> String {
        self.0
    }

    /// Whether the text is empty (for example when a response carried no
    /// `signature` at all).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for SignatureText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SignatureText([REDACTED])")
    }
}

impl From<String> for SignatureText {
    fn from(s: String) -> Self {
        SignatureText(s)
    }
}

impl From<&str> for SignatureText {
    fn from(s: &str) -> Self {
        SignatureText(s.to_owned())
    }
}

impl Serialize for SignatureText {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for SignatureText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(SignatureText)
    }
}

/// The `timestamp` and `signature` of a JSON object, read without decoding
/// the rest of it: what a verifier needs before it trusts anything else in
/// the body.
///
/// Lenient as responses are: a timestamp may be a string or an integer
/// (epoch milliseconds, read as its digits); `null` and empty strings read
/// as absent. Whether the object also has an `error` key is remembered, so
/// that an unsigned `{"code", "error"}` body can be told apart from a result
/// whose signature is missing.
///
/// ```
/// use smileid_types::SignedEnvelope;
///
/// let env = SignedEnvelope::read(br#"{"timestamp": 1678216434434, "signature": "c2ln", "x": 1}"#)?;
/// assert_eq!(env.timestamp(), Some("1678216434434"));
/// assert_eq!(env.signature(), Some("c2ln"));
/// assert!(!env.has_error());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct SignedEnvelope<'a> {
    timestamp: Option<Cow<'a, str>>,
    signature: Option<Cow<'a, str>>,
    has_error: bool,
}

impl<'a> SignedEnvelope<'a> {
    /// Reads the envelope of a JSON object, borrowing from `body` where it
    /// can.
    ///
    /// # Errors
    ///
    /// serde_json's error when `body` is not a JSON object, or when
    /// `timestamp` or `signature` has a shape no server sends (an array, an
    /// object, a float).
    pub fn read(body: &'a [u8]) -> Result<Self, serde_json::Error> {
        let raw: RawEnvelope<'a> = serde_json::from_slice(body)?;
        let keep = |text: Option<EnvelopeText<'a>>| text.map(|t| t.0).filter(|t| !t.is_empty());
        Ok(Self {
            timestamp: keep(raw.timestamp),
            signature: keep(raw.signature),
            has_error: raw.error.is_some(),
        })
    }

    /// The `timestamp`, when present and not empty.
    pub fn timestamp(&self) -> Option<&str> {
        self.timestamp.as_deref()
    }

    /// The `signature`, when present and not empty.
    pub fn signature(&self) -> Option<&str> {
        self.signature.as_deref()
    }

    /// Both, when both are present and not empty.
    pub fn signed_pair(&self) -> Option<(&str, &str)> {
        self.timestamp().zip(self.signature())
    }

    /// Whether the object has an `error` key (an error envelope).
    pub fn has_error(&self) -> bool {
        self.has_error
    }
}

impl fmt::Debug for SignedEnvelope<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignedEnvelope")
            .field("timestamp", &self.timestamp)
            .field("signature", &self.signature.as_ref().map(|_| "[REDACTED]"))
            .field("has_error", &self.has_error)
            .finish()
    }
}

#[derive(Deserialize)]
struct RawEnvelope<'a> {
    #[serde(default, borrow)]
    timestamp: Option<EnvelopeText<'a>>,
    #[serde(default, borrow)]
    signature: Option<EnvelopeText<'a>>,
    #[serde(default)]
    error: Option<IgnoredAny>,
}

/// A string, or an integer read as its digits; `null` reads as empty.
struct EnvelopeText<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for EnvelopeText<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl<'de> Visitor<'de> for TextVisitor {
            type Value = EnvelopeText<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(EnvelopeText(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(EnvelopeText(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(EnvelopeText(Cow::Owned(v)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(EnvelopeText(Cow::Owned(v.to_string())))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(EnvelopeText(Cow::Owned(v.to_string())))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(EnvelopeText(Cow::Borrowed("")))
            }
        }
        deserializer.deserialize_any(TextVisitor)
    }
}

/// The body of a signed call that carries nothing but its authentication:
/// `{"partner_id", "timestamp", "signature"}` plus `source_sdk*`
/// (`POST /v1/valid_documents`, `POST /v1/products_config`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SignedOnlyRequest {
    /// The partner id, exactly as signed.
    pub partner_id: String,
    /// The signed timestamp.
    #[serde(deserialize_with = "crate::scalar::de_lenient_string")]
    pub timestamp: String,
    /// The signature over `timestamp` and `partner_id`.
    pub signature: SignatureText,
    /// The name of the SDK sending the request (`rest_api`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_sdk: Option<String>,
    /// The version of the SDK sending the request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_sdk_version: Option<String>,
}

impl SignedOnlyRequest {
    /// A body signed with `timestamp` and `signature`, no `source_sdk*`.
    pub fn new(
        partner_id: impl Into<String>,
        timestamp: impl Into<String>,
        signature: impl Into<SignatureText>,
    ) -> Self {
        Self {
            partner_id: partner_id.into(),
            timestamp: timestamp.into(),
            signature: signature.into(),
            source_sdk: None,
            source_sdk_version: None,
        }
    }
}
