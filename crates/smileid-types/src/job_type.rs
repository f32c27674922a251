//! Job types (protocol section 6) and the `PartnerParams.job_type` value.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::scalar::{Scalar, ScalarKind};

/// A Smile ID job type.
///
/// Numbers without a known name are kept as [`JobType::Other`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum JobType {
    /// 1: Biometric KYC.
    BiometricKyc,
    /// 2: SmartSelfie Authentication.
    SmartSelfieAuthentication,
    /// 4: SmartSelfie Registration.
    SmartSelfieRegistration,
    /// 5: Enhanced KYC (and Basic KYC).
    EnhancedKyc,
    /// 6: Document Verification.
    DocumentVerification,
    /// 7: Business Verification.
    BusinessVerification,
    /// 8: Update Photo.
    UpdatePhoto,
    /// 9: Compare User Info.
    CompareUserInfo,
    /// 10: AML.
    Aml,
    /// 11: Enhanced Document Verification.
    EnhancedDocumentVerification,
    /// 12: Address Verification.
    AddressVerification,
    /// Any other job type number.
    Other(u32),
}

impl JobType {
    /// Every job type with a known name, in number order.
    pub const KNOWN: [JobType; 11] = [
        JobType::BiometricKyc,
        JobType::SmartSelfieAuthentication,
        JobType::SmartSelfieRegistration,
        JobType::EnhancedKyc,
        JobType::DocumentVerification,
        JobType::BusinessVerification,
        JobType::UpdatePhoto,
        JobType::CompareUserInfo,
        JobType::Aml,
        JobType::EnhancedDocumentVerification,
        JobType::AddressVerification,
    ];

    /// The job type for a number; unknown numbers give [`JobType::Other`].
    pub fn from_number(n: u32) -> JobType {
        match n {
            1 => JobType::BiometricKyc,
            2 => JobType::SmartSelfieAuthentication,
            4 => JobType::SmartSelfieRegistration,
            5 => JobType::EnhancedKyc,
            6 => JobType::DocumentVerification,
            7 => JobType::BusinessVerification,
            8 => JobType::UpdatePhoto,
            9 => JobType::CompareUserInfo,
            10 => JobType::Aml,
            11 => JobType::EnhancedDocumentVerification,
            12 => JobType::AddressVerification,
            other => JobType::Other(other),
        }
    }

    /// The job type's number.
    pub fn number(self) -> u32 {
        match self {
            JobType::BiometricKyc => 1,
            JobType::SmartSelfieAuthentication => 2,
            JobType::SmartSelfieRegistration => 4,
            JobType::EnhancedKyc => 5,
            JobType::DocumentVerification => 6,
            JobType::BusinessVerification => 7,
            JobType::UpdatePhoto => 8,
            JobType::CompareUserInfo => 9,
            JobType::Aml => 10,
            JobType::EnhancedDocumentVerification => 11,
            JobType::AddressVerification => 12,
            JobType::Other(n) => n,
        }
    }

    /// A human name (`"Biometric KYC"`); `"Unknown job type"` for
    /// [`JobType::Other`].
    pub fn name(self) -> &'static str {
        match self {
            JobType::BiometricKyc => "Biometric KYC",
            JobType::SmartSelfieAuthentication => "SmartSelfie Authentication",
            JobType::SmartSelfieRegistration => "SmartSelfie Registration",
            JobType::EnhancedKyc => "Enhanced KYC",
            JobType::DocumentVerification => "Document Verification",
            JobType::BusinessVerification => "Business Verification",
            JobType::UpdatePhoto => "Update Photo",
            JobType::CompareUserInfo => "Compare User Info",
            JobType::Aml => "AML",
            JobType::EnhancedDocumentVerification => "Enhanced Document Verification",
            JobType::AddressVerification => "Address Verification",
            JobType::Other(_) => "Unknown job type",
        }
    }
}

impl fmt::Display for JobType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JobType::Other(n) => write!(f, "job type {n}"),
            known => write!(f, "{} ({})", known.name(), known.number()),
        }
    }
}

impl From<u32> for JobType {
    fn from(n: u32) -> Self {
        JobType::from_number(n)
    }
}

impl From<JobType> for u32 {
    fn from(t: JobType) -> Self {
        t.number()
    }
}

/// The `job_type` value of `PartnerParams`, kept in the shape it arrived in:
/// the number `4` or the text `"1"`.
///
/// [`JobTypeValue::job_type`] reads either shape; serialization writes the
/// original shape back.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct JobTypeValue(Scalar);

impl JobTypeValue {
    /// A job type written as a JSON number (`4`).
    pub fn number(job_type: JobType) -> Self {
        JobTypeValue(Scalar::integer(job_type.number().into()))
    }

    /// A job type written as a JSON string (`"1"`).
    pub fn text(job_type: JobType) -> Self {
        JobTypeValue(Scalar::string(job_type.number().to_string()))
    }

    /// A raw value, as received.
    pub fn from_raw(raw: Scalar) -> Self {
        JobTypeValue(raw)
    }

    /// The raw value as received.
    pub fn raw(&self) -> &Scalar {
        &self.0
    }

    /// The raw text (`"4"` for both `4` and `"4"`).
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// Whether it arrived as a JSON string.
    pub fn is_text(&self) -> bool {
        self.0.kind() == ScalarKind::String
    }

    /// The job type, when the value is a whole number (surrounding
    /// whitespace in text is ignored). `None` for text that is not a number.
    pub fn job_type(&self) -> Option<JobType> {
        self.0
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .map(JobType::from_number)
    }
}

impl fmt::Debug for JobTypeValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "JobTypeValue({:?})", self.0)
    }
}

impl From<JobType> for JobTypeValue {
    /// Numbers are the shape Smile ID documents for requests.
    fn from(t: JobType) -> Self {
        JobTypeValue::number(t)
    }
}

impl Serialize for JobTypeValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for JobTypeValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Scalar::deserialize(deserializer).map(JobTypeValue)
    }
}
