//! `POST /v1/id_verification` and `/v1/async_id_verification`: Enhanced and
//! Basic KYC (job type 5). The sync answer is a
//! [`SignedResult`](crate::SignedResult) (alias
//! [`IdVerificationResponse`](crate::IdVerificationResponse)); the async
//! answer an [`AsyncAcknowledgement`](crate::AsyncAcknowledgement).

use serde::{Deserialize, Serialize};

use crate::envelope::SignatureText;
use crate::partner_params::PartnerParams;
use crate::scalar::{de_lenient_bool, de_lenient_string};

/// The JSON body of an ID lookup (protocol section 10.1), keys in the
/// protocol's order; `None` fields are omitted, never sent as `null`.
/// Deserializing (as a server does) reads a numeric timestamp as text and
/// ignores unknown keys.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct IdVerificationRequest {
    /// The partner id, exactly as signed.
    pub partner_id: String,
    /// The signed timestamp.
    #[serde(deserialize_with = "de_lenient_string")]
    pub timestamp: String,
    /// The signature over `timestamp` and `partner_id`.
    pub signature: SignatureText,
    /// `user_id`, `job_id`, `job_type` 5 and the partner's extras.
    pub partner_params: PartnerParams,
    /// ISO 3166-1 alpha-2 country code, upper case.
    pub country: String,
    /// The ID type (`BVN`, `NIN_V2`, `NATIONAL_ID`, ...).
    pub id_type: String,
    /// The ID number.
    pub id_number: String,
    /// First name, for matching.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Middle name, for matching.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub middle_name: Option<String>,
    /// Last name, for matching.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// Date of birth, `yyyy-mm-dd`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dob: Option<String>,
    /// Gender, `M` or `F`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<String>,
    /// Phone number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
    /// Bank code (for `BANK_ACCOUNT`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bank_code: Option<String>,
    /// The user's consent, for the ID types that require it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent_information: Option<ConsentInformation>,
    /// Where the result is posted (async only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback_url: Option<String>,
    /// The name of the SDK sending the request (`rest_api`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_sdk: Option<String>,
    /// The version of the SDK sending the request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_sdk_version: Option<String>,
}

impl IdVerificationRequest {
    /// A lookup of `id_number` (`country`, `id_type`) for `partner_params`,
    /// signed by `partner_id` with `timestamp` and `signature`; the optional
    /// fields unset (set them before sending).
    pub fn new(
        partner_id: impl Into<String>,
        timestamp: impl Into<String>,
        signature: impl Into<SignatureText>,
        partner_params: PartnerParams,
        country: impl Into<String>,
        id_type: impl Into<String>,
        id_number: impl Into<String>,
    ) -> Self {
        Self {
            partner_id: partner_id.into(),
            timestamp: timestamp.into(),
            signature: signature.into(),
            partner_params,
            country: country.into(),
            id_type: id_type.into(),
            id_number: id_number.into(),
            ..Self::default()
        }
    }
}

/// `consent_information`: `{"consented": {...}}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ConsentInformation {
    /// What the user consented to, and when.
    pub consented: Consent,
}

impl ConsentInformation {
    /// `{"consented": consented}`.
    pub fn new(consented: Consent) -> Self {
        Self { consented }
    }
}

/// The user's consent to the lookup of their data.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Consent {
    /// When consent was granted, ISO 8601.
    pub consent_granted_date: String,
    /// Consent to personal details.
    #[serde(deserialize_with = "de_lenient_bool")]
    pub personal_details: bool,
    /// Consent to contact information.
    #[serde(deserialize_with = "de_lenient_bool")]
    pub contact_information: bool,
    /// Consent to document information.
    #[serde(deserialize_with = "de_lenient_bool")]
    pub document_information: bool,
}

impl Consent {
    /// Consent granted at `granted_at` (ISO 8601) to each kind of data as
    /// given.
    pub fn new(
        granted_at: impl Into<String>,
        personal_details: bool,
        contact_information: bool,
        document_information: bool,
    ) -> Self {
        Self {
            consent_granted_date: granted_at.into(),
            personal_details,
            contact_information,
            document_information,
        }
    }

    /// Consent granted at `granted_at` (ISO 8601) to all three kinds of data.
    pub fn all(granted_at: impl Into<String>) -> Self {
        Self::new(granted_at, true, true, true)
    }
}
