//! Result codes (protocol section 5), their categories, and job outcomes.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::scalar::Scalar;

/// The category of a result code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ResultCategory {
    /// Every action passed.
    Approved,
    /// Human review pending or inconclusive; treat per business rule.
    Provisional,
    /// An action failed.
    Rejected,
    /// The job could not be processed (no charge, or re-run later).
    Error,
    /// A code this crate does not know.
    Unknown,
}

impl fmt::Display for ResultCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ResultCategory::Approved => "approved",
            ResultCategory::Provisional => "provisional",
            ResultCategory::Rejected => "rejected",
            ResultCategory::Error => "error",
            ResultCategory::Unknown => "unknown",
        })
    }
}

/// The documented result codes: code, description, category.
pub(crate) const TABLE: &[(&str, &str, ResultCategory)] = {
    use ResultCategory::*;
    &[
        (
            "0001",
            "Data invalid, image unusable or ID authority image not available",
            Rejected,
        ),
        ("0810", "Enroll User (machine)", Approved),
        ("0811", "Failed Enroll - Compare Rejected", Rejected),
        ("0812", "Machine Judgement - Pure Provisional", Provisional),
        ("0814", "Provisional Enroll - Under Review", Provisional),
        ("0820", "Authentication: machine pass", Approved),
        ("0821", "Authentication: failed comparison", Rejected),
        (
            "0822",
            "Authentication: provisional (pure provisional)",
            Provisional,
        ),
        ("0823", "Authentication: failed, possible spoof", Rejected),
        (
            "0824",
            "Authentication: provisional (possible spoof)",
            Provisional,
        ),
        (
            "0825",
            "Authentication: provisional (machine unsure)",
            Provisional,
        ),
        ("0840", "Registration: machine pass", Approved),
        ("0841", "Registration: failed comparison", Rejected),
        ("0842", "Registration: provisional", Provisional),
        ("0843", "Registration: failed, possible spoof", Rejected),
        ("0844", "Registration: provisional", Provisional),
        ("0846", "Registration: pending", Provisional),
        ("0903", "Zip Corrupt", Rejected),
        ("0907", "FAIL - Possible Spoof - Strict Setting", Rejected),
        ("0911", "Failed Enroll - images unusable", Rejected),
        ("0921", "Authentication: no face found", Rejected),
        ("0922", "Authentication: image quality too poor", Rejected),
        ("0941", "Registration: no face found", Rejected),
        ("0942", "Registration: image quality too poor", Rejected),
        (
            "1012",
            "Valid ID / ID Number Validated / Business Verified",
            Approved,
        ),
        ("1013", "Unable to Validate ID", Rejected),
        ("1014", "Unsupported ID number format", Error),
        ("1015", "Queried database unavailable", Error),
        ("1016", "Need to activate product", Error),
        ("1020", "Exact Match", Approved),
        ("1021", "Partial Match", Approved),
        ("1022", "No Match", Rejected),
        ("1023", "Not Found", Rejected),
        ("1210", "Enroll User (after human review)", Approved),
        ("1220", "Authentication human review: pass", Approved),
        (
            "1221",
            "Authentication human review: compare failed",
            Rejected,
        ),
        (
            "1222",
            "Authentication human review: possible spoof",
            Rejected,
        ),
        ("1240", "Registration human review: pass", Approved),
        (
            "1241",
            "Registration human review: images unusable",
            Rejected,
        ),
        (
            "1242",
            "Registration human review: possible spoof",
            Rejected,
        ),
    ]
};

/// A `ResultCode`, kept as received (`"0810"`).
///
/// Codes outside the documented table keep their text and have the category
/// [`ResultCategory::Unknown`]. Lookups ignore surrounding whitespace, and a
/// code of fewer than four digits (as a number `810` would give) is
/// zero-padded for the lookup; [`ResultCode::as_str`] still gives the text as
/// received, and serialization writes back the shape it arrived in.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ResultCode(Scalar);

impl ResultCode {
    /// A result code from its text.
    pub fn new(code: impl Into<String>) -> Self {
        ResultCode(Scalar::string(code))
    }

    /// A result code from a raw scalar, as received.
    pub fn from_raw(raw: Scalar) -> Self {
        ResultCode(raw)
    }

    /// The code text as received.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The raw value, as received.
    pub fn raw(&self) -> &Scalar {
        &self.0
    }

    fn entry(&self) -> Option<&'static (&'static str, &'static str, ResultCategory)> {
        let t = self.0.trimmed();
        if t.is_empty() || t.len() > 4 || !t.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let mut padded = [b'0'; 4];
        padded[4 - t.len()..].copy_from_slice(t.as_bytes());
        TABLE.iter().find(|(c, _, _)| c.as_bytes() == padded)
    }

    /// The category from the documented table; [`ResultCategory::Unknown`]
    /// for any other code.
    pub fn category(&self) -> ResultCategory {
        self.entry().map_or(ResultCategory::Unknown, |e| e.2)
    }

    /// A short description from the documented table.
    pub fn description(&self) -> Option<&'static str> {
        self.entry().map(|e| e.1)
    }

    /// Whether the code is in the documented table.
    pub fn is_known(&self) -> bool {
        self.entry().is_some()
    }

    /// Every documented code, in numeric order.
    pub fn known_codes() -> impl ExactSizeIterator<Item = &'static str> {
        TABLE.iter().map(|e| e.0)
    }
}

impl fmt::Debug for ResultCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ResultCode({:?})", self.0.as_str())
    }
}

impl fmt::Display for ResultCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.as_str())
    }
}

impl From<&str> for ResultCode {
    fn from(s: &str) -> Self {
        ResultCode::new(s)
    }
}

impl From<String> for ResultCode {
    fn from(s: String) -> Self {
        ResultCode::new(s)
    }
}

impl PartialEq<str> for ResultCode {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for ResultCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl Serialize for ResultCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for ResultCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Scalar::deserialize(deserializer).map(ResultCode)
    }
}

/// The outcome of a job, as a caller acts on it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Outcome {
    /// No final result yet (`job_complete` is false, or there is no result
    /// object).
    Pending,
    /// The result code is in the Approved category.
    Approved,
    /// The result code is in the Provisional category.
    Provisional,
    /// The result code is in the Rejected category.
    Rejected,
    /// The result code is in the Error category.
    Error,
    /// The result code is not documented: its text as received (empty when
    /// the result carried no code).
    Unknown(String),
}

impl Outcome {
    /// The outcome for a result code.
    pub fn from_code(code: &ResultCode) -> Outcome {
        match code.category() {
            ResultCategory::Approved => Outcome::Approved,
            ResultCategory::Provisional => Outcome::Provisional,
            ResultCategory::Rejected => Outcome::Rejected,
            ResultCategory::Error => Outcome::Error,
            ResultCategory::Unknown => Outcome::Unknown(code.as_str().to_owned()),
        }
    }

    /// Whether no final result exists yet.
    pub fn is_pending(&self) -> bool {
        matches!(self, Outcome::Pending)
    }

    /// Whether the outcome is final (anything but [`Outcome::Pending`]).
    pub fn is_final(&self) -> bool {
        !self.is_pending()
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Pending => f.write_str("pending"),
            Outcome::Approved => f.write_str("approved"),
            Outcome::Provisional => f.write_str("provisional"),
            Outcome::Rejected => f.write_str("rejected"),
            Outcome::Error => f.write_str("error"),
            Outcome::Unknown(code) if code.is_empty() => f.write_str("unknown (no result code)"),
            Outcome::Unknown(code) => {
                write!(f, "unknown (result code {})", crate::scalar::clip(code, 16))
            }
        }
    }
}
