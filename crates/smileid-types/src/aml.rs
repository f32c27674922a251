//! `POST /v1/aml`: an AML screen (job type 10), protocol section 12.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::envelope::SignatureText;
use crate::record::scalar_record;
use crate::result::JobResult;
use crate::scalar::{Scalar, de_lenient_string, de_vec_or_null};

/// The JSON body of an AML check: the user and job ids at the **top level**
/// (not in `partner_params`, which holds the partner's extras only). Keys in
/// the protocol's order; `None` fields and an empty `aliases` are omitted.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AmlRequest {
    /// The partner id, exactly as signed.
    pub partner_id: String,
    /// The signed timestamp.
    #[serde(deserialize_with = "de_lenient_string")]
    pub timestamp: String,
    /// The signature over `timestamp` and `partner_id`.
    pub signature: SignatureText,
    /// The partner's user id.
    pub user_id: String,
    /// The partner's job id.
    pub job_id: String,
    /// The job type: 10.
    pub job_type: u32,
    /// The full name to screen.
    pub full_name: String,
    /// ISO 3166-1 alpha-2 codes of the countries to screen in.
    pub countries: Vec<String>,
    /// The year of birth, `yyyy`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_year: Option<String>,
    /// Reuse the data of an earlier KYC job of `user_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search_existing_user: Option<bool>,
    /// Match the name strictly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strict_match: Option<bool>,
    /// Other names of the person.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// The partner's extras (strings), when any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partner_params: Option<Map<String, Value>>,
    /// The name of the SDK sending the request (`rest_api`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_sdk: Option<String>,
    /// The version of the SDK sending the request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_sdk_version: Option<String>,
}

impl AmlRequest {
    /// A screen of `full_name` in `countries` for `user_id`'s `job_id`
    /// (`job_type` 10), signed by `partner_id` with `timestamp` and
    /// `signature`; the optional fields unset (set them before sending).
    pub fn new(
        partner_id: impl Into<String>,
        timestamp: impl Into<String>,
        signature: impl Into<SignatureText>,
        user_id: impl Into<String>,
        job_id: impl Into<String>,
        full_name: impl Into<String>,
        countries: Vec<String>,
    ) -> Self {
        Self {
            partner_id: partner_id.into(),
            timestamp: timestamp.into(),
            signature: signature.into(),
            user_id: user_id.into(),
            job_id: job_id.into(),
            job_type: crate::JobType::Aml.number(),
            full_name: full_name.into(),
            countries,
            ..Self::default()
        }
    }
}

/// The answer of an AML check: the result object (`ResultCode` `1030`
/// "Found on list", `SmileJobID`, `PartnerParams`, `Actions`), the people
/// found, and the signature.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AmlResponse {
    /// The result object.
    #[serde(flatten)]
    pub result: JobResult,
    /// Whether the search matched strictly (a boolean, read leniently).
    #[serde(
        rename = "StrictMatch",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub strict_match: Option<Scalar>,
    /// How many people were found (a number, read leniently).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_of_persons_found: Option<Scalar>,
    /// The people found.
    #[serde(default, deserialize_with = "de_vec_or_null")]
    pub people: Vec<AmlPerson>,
    /// The signature over `timestamp`.
    #[serde(default)]
    pub signature: SignatureText,
    /// The signed timestamp.
    #[serde(default, deserialize_with = "de_lenient_string")]
    pub timestamp: String,
}

impl AmlResponse {
    /// `no_of_persons_found` as a number (or, when absent, the length of
    /// `people`).
    pub fn persons_found(&self) -> u64 {
        self.no_of_persons_found
            .as_ref()
            .and_then(Scalar::as_u64)
            .unwrap_or(self.people.len() as u64)
    }

    /// `StrictMatch` as a boolean.
    pub fn is_strict_match(&self) -> Option<bool> {
        self.strict_match.as_ref().and_then(Scalar::as_bool)
    }
}

/// One person found by an AML check.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AmlPerson {
    /// The person's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Scalar>,
    /// Other names.
    #[serde(default, deserialize_with = "de_vec_or_null")]
    pub aliases: Vec<Scalar>,
    /// Known addresses.
    #[serde(default, deserialize_with = "de_vec_or_null")]
    pub addresses: Vec<Scalar>,
    /// Known dates (or years) of birth.
    #[serde(default, deserialize_with = "de_vec_or_null")]
    pub dates_of_birth: Vec<Scalar>,
    /// Nationalities.
    #[serde(default, deserialize_with = "de_vec_or_null")]
    pub nationalities: Vec<Scalar>,
    /// Adverse media articles.
    #[serde(default, deserialize_with = "de_vec_or_null")]
    pub adverse_media: Vec<AdverseMedia>,
    /// Known associates.
    #[serde(default, deserialize_with = "de_vec_or_null")]
    pub associations: Vec<Association>,
    /// Politically exposed person data, when listed as one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pep: Option<Pep>,
    /// Sanctions lists the person is on.
    #[serde(default, deserialize_with = "de_vec_or_null")]
    pub sanctions: Vec<Sanction>,
    /// Every other key, as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

scalar_record! {
    /// An article of `adverse_media`.
    AdverseMedia {
        /// When it was published.
        date_published = "date_published",
        /// The publisher.
        publisher = "publisher",
        /// A link to it.
        source_link = "source_link",
        /// Its title.
        title = "title",
    }
}

scalar_record! {
    /// One of `associations`.
    Association {
        /// The kind of association (`Family`).
        association_type = "association_type",
        /// The associate's name.
        name = "name",
        /// The relationship (`Spouse`).
        relationship = "relationship",
    }
}

/// `pep`: politically exposed person data.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Pep {
    /// The PEP level (a number, read leniently).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pep_level: Option<Scalar>,
    /// The positions held.
    #[serde(default, deserialize_with = "de_vec_or_null")]
    pub political_positions: Vec<PoliticalPosition>,
    /// Where the data comes from.
    #[serde(default, deserialize_with = "de_vec_or_null")]
    pub sources: Vec<PepSource>,
    /// Every other key, as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

scalar_record! {
    /// One of `political_positions`; `to` is absent while in office.
    PoliticalPosition {
        /// The country.
        country = "country",
        /// Since when.
        from = "from",
        /// The position.
        position = "position",
        /// Until when (`None` while in office).
        to = "to",
    }
}

scalar_record! {
    /// One of a PEP entry's `sources`.
    PepSource {
        /// A link to the source.
        source_link = "source_link",
        /// The source's name.
        source_name = "source_name",
    }
}

/// One of `sanctions`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Sanction {
    /// The listed date of birth.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_of_birth: Option<Scalar>,
    /// The listed nationality.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nationality: Option<Scalar>,
    /// The list the person is on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_details: Option<SanctionSource>,
    /// Every other key, as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A sanction's `source_details`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SanctionSource {
    /// When the person was listed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listed_date: Option<Scalar>,
    /// Links to the list.
    #[serde(default, deserialize_with = "de_vec_or_null")]
    pub source_link: Vec<Scalar>,
    /// The list's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_name: Option<Scalar>,
    /// The kind of list (`Sanctions`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_type: Option<Scalar>,
    /// Every other key, as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
