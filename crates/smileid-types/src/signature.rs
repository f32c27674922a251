//! Signature text, kept out of `Debug` output.

use std::fmt;

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
