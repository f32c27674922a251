//! `POST /v1/business_verification` and `/v1/async_business_verification`:
//! KYB (job type 7), protocol section 11.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::envelope::SignatureText;
use crate::partner_params::PartnerParams;
use crate::record::scalar_record;
use crate::result::JobResult;
use crate::scalar::{de_lenient_string, de_opt_lenient_bool, de_vec_or_null};

/// The JSON body of a business verification, keys in the protocol's order;
/// `None` fields are omitted.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BusinessVerificationRequest {
    /// The partner id, exactly as signed.
    pub partner_id: String,
    /// The signed timestamp.
    #[serde(deserialize_with = "de_lenient_string")]
    pub timestamp: String,
    /// The signature over `timestamp` and `partner_id`.
    pub signature: SignatureText,
    /// `user_id`, `job_id`, `job_type` 7 and the partner's extras.
    pub partner_params: PartnerParams,
    /// ISO 3166-1 alpha-2 country code (`NG`, `KE`, `ZA`).
    pub country: String,
    /// `BASIC_BUSINESS_REGISTRATION`, `BUSINESS_REGISTRATION` or
    /// `TAX_INFORMATION`.
    pub id_type: String,
    /// The registration or tax number.
    pub id_number: String,
    /// `bn`, `co` or `it` (Nigerian registrations).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_type: Option<String>,
    /// Postal address (Kenyan registrations).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_address: Option<String>,
    /// Postal code (Kenyan registrations).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
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

impl BusinessVerificationRequest {
    /// A verification of `id_number` (`country`, `id_type`) for
    /// `partner_params`, signed by `partner_id` with `timestamp` and
    /// `signature`; the optional fields unset (set them before sending).
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

/// The answer of a sync business verification (and the body of its
/// callback): the flat result of section 10.2 plus the business blocks. A
/// missing block reads as empty; unknown keys are kept in the
/// [`JobResult`]'s `extra`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BusinessVerificationResponse {
    /// The result object (`ResultCode`, `SmileJobID`, `PartnerParams`,
    /// `Actions`, ...).
    #[serde(flatten)]
    pub result: JobResult,
    /// The registry's record of the company.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company_information: Option<CompanyInformation>,
    /// The company's directors.
    #[serde(default, deserialize_with = "de_vec_or_null")]
    pub directors: Vec<Director>,
    /// Its beneficial owners.
    #[serde(default, deserialize_with = "de_vec_or_null")]
    pub beneficial_owners: Vec<BeneficialOwner>,
    /// Its fiduciaries (secretaries, ...).
    #[serde(default, deserialize_with = "de_vec_or_null")]
    pub fiduciaries: Vec<Fiduciary>,
    /// Its proprietors, as raw JSON (their shape is not documented).
    #[serde(default, deserialize_with = "de_vec_or_null")]
    pub proprietors: Vec<Value>,
    /// Documents (`search_certificate`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub documents: Option<BusinessDocuments>,
    /// Whether the search succeeded.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_lenient_bool"
    )]
    pub success: Option<bool>,
    /// The signature over `timestamp`.
    #[serde(default)]
    pub signature: SignatureText,
    /// The signed timestamp.
    #[serde(default, deserialize_with = "de_lenient_string")]
    pub timestamp: String,
}

scalar_record! {
    /// `company_information`.
    CompanyInformation {
        /// The kind of company.
        company_type = "company_type",
        /// The country, as the registry names it.
        country = "country",
        /// The registered address.
        address = "address",
        /// The registration number.
        registration_number = "registration_number",
        /// The search number.
        search_number = "search_number",
        /// The authorized share capital, as text.
        authorized_shared_capital = "authorized_shared_capital",
        /// The industry.
        industry = "industry",
        /// The tax id.
        tax_id = "tax_id",
        /// The registration date, as text.
        registration_date = "registration_date",
        /// The phone number.
        phone = "phone",
        /// The legal name.
        legal_name = "legal_name",
        /// The state.
        state = "state",
        /// The e-mail address.
        email = "email",
        /// The registration status (`ACTIVE`).
        status = "status",
    }
}

scalar_record! {
    /// One of `directors`.
    Director {
        /// The name.
        name = "name",
        /// The director's ID type.
        id_type = "id_type",
        /// The director's ID number.
        id_number = "id_number",
        /// Date of birth, as text.
        date_of_birth = "date_of_birth",
        /// Gender.
        gender = "gender",
        /// Nationality.
        nationality = "nationality",
        /// Occupation.
        occupation = "occupation",
        /// Address.
        address = "address",
        /// Phone number.
        phone_number = "phone_number",
        /// Shareholdings, as text.
        shareholdings = "shareholdings",
    }
}

scalar_record! {
    /// One of `beneficial_owners`.
    BeneficialOwner {
        /// The name.
        name = "name",
        /// `Individual` or `Corporate`.
        shareholder_type = "shareholder_type",
        /// Shareholdings, as text.
        shareholdings = "shareholdings",
        /// Gender.
        gender = "gender",
        /// Nationality.
        nationality = "nationality",
        /// Registration number (a corporate owner).
        registration_number = "registration_number",
        /// Address.
        address = "address",
        /// Phone number.
        phone_number = "phone_number",
    }
}

scalar_record! {
    /// One of `fiduciaries`.
    Fiduciary {
        /// The name.
        name = "name",
        /// The kind of fiduciary (`SECRETARY_COMPANY`).
        fiduciary_type = "fiduciary_type",
        /// Registration number.
        registration_number = "registration_number",
        /// Address.
        address = "address",
        /// Status.
        status = "status",
    }
}

scalar_record! {
    /// `documents`.
    BusinessDocuments {
        /// The search certificate (`""` when none).
        search_certificate = "search_certificate",
    }
}
