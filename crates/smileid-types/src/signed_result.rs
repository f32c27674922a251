//! The flat result with its signature: the body Smile ID posts to a job's
//! callback URL, and the answer of a synchronous ID lookup.

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

use crate::envelope::SignatureText;
use crate::result::JobResult;
use crate::result_code::Outcome;
use crate::scalar::{Key, LenientText};

/// The flat result object plus `signature` and `timestamp`, all at the top
/// level: a callback body (protocol section 4) and a synchronous ID lookup's
/// answer (section 10.2), which the protocol equates.
///
/// (De)serializes flat. `signature` and `timestamp` default to empty text
/// when absent, so a missing signature is reported as a signature failure.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct SignedResult {
    /// The result object (every key but `signature` and `timestamp`).
    pub result: JobResult,
    /// The signature over `timestamp`.
    pub signature: SignatureText,
    /// The signed timestamp, as text.
    pub timestamp: String,
}

/// The body Smile ID posts to a job's callback URL.
pub type CallbackBody = SignedResult;

/// The answer of `POST /v1/id_verification` (Enhanced and Basic KYC).
pub type IdVerificationResponse = SignedResult;

impl SignedResult {
    /// Decodes a signed result (a callback body, a lookup's answer) from JSON
    /// bytes; see [`crate::decode`].
    pub fn from_slice(bytes: &[u8]) -> Result<Self, crate::DecodeError> {
        crate::decode(bytes)
    }

    /// The outcome of the result (never [`Outcome::Pending`]).
    pub fn outcome(&self) -> Outcome {
        self.result.outcome()
    }
}

const RESERVED: &[&str] = &["signature", "timestamp"];

impl Serialize for SignedResult {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let n = self.result.entry_count(RESERVED) + 2;
        let mut map = serializer.serialize_map(Some(n))?;
        self.result.write_entries(&mut map, RESERVED)?;
        map.serialize_entry("signature", &self.signature)?;
        map.serialize_entry("timestamp", &self.timestamp)?;
        map.end()
    }
}

impl<'de> Deserialize<'de> for SignedResult {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = SignedResult;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a signed result object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<SignedResult, A::Error> {
                let mut result = JobResult::default();
                let mut seen = 0u32;
                let mut signature: Option<Option<SignatureText>> = None;
                let mut timestamp: Option<Option<LenientText>> = None;
                while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
                    match &*key {
                        "signature" => {
                            if signature.is_some() {
                                return Err(de::Error::duplicate_field("signature"));
                            }
                            signature = Some(map.next_value()?);
                        }
                        "timestamp" => {
                            if timestamp.is_some() {
                                return Err(de::Error::duplicate_field("timestamp"));
                            }
                            timestamp = Some(map.next_value()?);
                        }
                        _ => result.read_entry(&mut seen, key, &mut map)?,
                    }
                }
                Ok(SignedResult {
                    result,
                    signature: signature.flatten().unwrap_or_default(),
                    timestamp: timestamp.flatten().map(|t| t.0).unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_map(V)
    }
}
