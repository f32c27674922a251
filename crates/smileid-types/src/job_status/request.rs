//! The job status request body.

use serde::{Deserialize, Serialize};

use crate::envelope::SignatureText;
use crate::scalar::de_opt_lenient_bool;

/// The JSON body of `POST {base}/job_status` (protocol section 3).
///
/// Serializes exactly the documented keys; `None` fields are omitted.
/// Deserializing (as a server does) requires `partner_id`, `timestamp`,
/// `signature`, `user_id` and `job_id` as strings, names a missing key in
/// its error, reads `history` and `image_links` as a boolean or the text
/// `"true"`/`"false"`, and ignores unknown keys.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct JobStatusRequest {
    /// The partner id, exactly as signed (`"085"`).
    pub partner_id: String,
    /// The signed timestamp, exactly as signed.
    pub timestamp: String,
    /// The signature over `timestamp` and `partner_id`.
    pub signature: SignatureText,
    /// The partner's user id of the job.
    pub user_id: String,
    /// The partner's job id (not `SmileJobID`).
    pub job_id: String,
    /// Also return every earlier result of this user.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_lenient_bool"
    )]
    pub history: Option<bool>,
    /// Also return signed, expiring image URLs.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_lenient_bool"
    )]
    pub image_links: Option<bool>,
    /// The name of the SDK sending the request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_sdk: Option<String>,
    /// The version of the SDK sending the request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_sdk_version: Option<String>,
}

impl JobStatusRequest {
    /// A request for the status of `user_id`'s `job_id`, signed by
    /// `partner_id` with `timestamp` and `signature`; the optional flags
    /// unset.
    pub fn new(
        partner_id: impl Into<String>,
        timestamp: impl Into<String>,
        signature: impl Into<SignatureText>,
        user_id: impl Into<String>,
        job_id: impl Into<String>,
    ) -> Self {
        Self {
            partner_id: partner_id.into(),
            timestamp: timestamp.into(),
            signature: signature.into(),
            user_id: user_id.into(),
            job_id: job_id.into(),
            ..Self::default()
        }
    }
}

impl JobStatusRequest {
    /// The keys a request may carry, required ones first.
    pub const KEYS: &'static [&'static str] = &[
        "partner_id",
        "timestamp",
        "signature",
        "user_id",
        "job_id",
        "history",
        "image_links",
        "source_sdk",
        "source_sdk_version",
    ];

    /// Decodes a request body from JSON bytes; see [`crate::decode`].
    pub fn from_slice(bytes: &[u8]) -> Result<Self, crate::DecodeError> {
        crate::decode(bytes)
    }
}
