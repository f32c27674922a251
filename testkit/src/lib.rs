//! Test helpers shared by the smileid workspace (`publish = false`).
//!
//! - [`fixture`]: the wire fixtures of `testkit/fixtures/` (one folder for
//!   the whole workspace): Smile ID responses, callbacks and error bodies in
//!   their real shapes, and the signature vectors (`signatures.json`).
//!   Unless its description says otherwise, a fixture is signed for partner
//!   [`FIXTURE_PARTNER_ID`] with key [`FIXTURE_API_KEY`].
//! - [`raw_http`]: scripted HTTP/1.1 servers on raw TCP, for faults a
//!   well-behaved server cannot produce.
//! - [`sdks`]: installs and runs the official Python and Node SDKs.
//!
//! Standard library only.

use std::path::{Path, PathBuf};

pub mod raw_http;
pub mod sdks;
#[cfg(feature = "servers")]
pub mod servers;

/// The partner id the fixtures are signed for.
pub const FIXTURE_PARTNER_ID: &str = "085";
/// The API key the fixtures are signed with (`job_status_bad_signature.json`
/// is signed with [`FIXTURE_WRONG_KEY`] instead).
pub const FIXTURE_API_KEY: &str = "fixture-api-key";
/// The key `job_status_bad_signature.json` is signed with.
pub const FIXTURE_WRONG_KEY: &str = "wrong-key";

/// The folder of the fixtures.
pub fn fixtures_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures"))
}

/// The path of the fixture `name` (a file name such as
/// `job_status_pending_string_result.json`).
pub fn fixture_path(name: &str) -> PathBuf {
    fixtures_dir().join(name)
}

/// The bytes of the fixture `name`.
///
/// # Panics
///
/// When the file cannot be read: a test that names a missing fixture is
/// broken, and says which file it wanted.
pub fn fixture(name: &str) -> Vec<u8> {
    let path = fixture_path(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()))
}

/// The names of every JSON fixture, sorted.
pub fn json_fixtures() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(fixtures_dir())
        .map(|dir| {
            dir.filter_map(|entry| entry.ok()?.file_name().into_string().ok())
                .filter(|name| name.ends_with(".json"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// Every fixture's text, embedded at compile time (named after its file).
pub mod fixtures {
    /// `aml_response.json`.
    pub const AML_RESPONSE: &str = include_str!("../fixtures/aml_response.json");
    /// `business_verification_response.json`.
    pub const BUSINESS_VERIFICATION_RESPONSE: &str =
        include_str!("../fixtures/business_verification_response.json");
    /// `callback_enhanced_kyc.json`.
    pub const CALLBACK_ENHANCED_KYC: &str = include_str!("../fixtures/callback_enhanced_kyc.json");
    /// `error_2205_unauthorized.json`.
    pub const ERROR_2205_UNAUTHORIZED: &str =
        include_str!("../fixtures/error_2205_unauthorized.json");
    /// `error_2213_missing_parameter.json`.
    pub const ERROR_2213_MISSING_PARAMETER: &str =
        include_str!("../fixtures/error_2213_missing_parameter.json");
    /// `error_2215_job_exists.json`.
    pub const ERROR_2215_JOB_EXISTS: &str = include_str!("../fixtures/error_2215_job_exists.json");
    /// `error_2217_invalid_product.json`.
    pub const ERROR_2217_INVALID_PRODUCT: &str =
        include_str!("../fixtures/error_2217_invalid_product.json");
    /// `error_2413_unsupported_business_type.json`.
    pub const ERROR_2413_UNSUPPORTED_BUSINESS_TYPE: &str =
        include_str!("../fixtures/error_2413_unsupported_business_type.json");
    /// `error_502_html.txt`.
    pub const ERROR_502_HTML: &str = include_str!("../fixtures/error_502_html.txt");
    /// `id_verification_response.json`.
    pub const ID_VERIFICATION_RESPONSE: &str =
        include_str!("../fixtures/id_verification_response.json");
    /// `id_verification_unable.json`.
    pub const ID_VERIFICATION_UNABLE: &str =
        include_str!("../fixtures/id_verification_unable.json");
    /// `info_json_biometric_kyc.json`.
    pub const INFO_JSON_BIOMETRIC_KYC: &str =
        include_str!("../fixtures/info_json_biometric_kyc.json");
    /// `job_status_bad_signature.json`.
    pub const JOB_STATUS_BAD_SIGNATURE: &str =
        include_str!("../fixtures/job_status_bad_signature.json");
    /// `job_status_complete_history_images.json`.
    pub const JOB_STATUS_COMPLETE_HISTORY_IMAGES: &str =
        include_str!("../fixtures/job_status_complete_history_images.json");
    /// `job_status_pending_string_result.json`.
    pub const JOB_STATUS_PENDING_STRING_RESULT: &str =
        include_str!("../fixtures/job_status_pending_string_result.json");
    /// `job_status_rejected_enhanced_kyc.json`.
    pub const JOB_STATUS_REJECTED_ENHANCED_KYC: &str =
        include_str!("../fixtures/job_status_rejected_enhanced_kyc.json");
    /// `prep_upload_response.json`.
    pub const PREP_UPLOAD_RESPONSE: &str = include_str!("../fixtures/prep_upload_response.json");
    /// `products_config.json`.
    pub const PRODUCTS_CONFIG: &str = include_str!("../fixtures/products_config.json");
    /// `s3_error_expired.xml`.
    pub const S3_ERROR_EXPIRED: &str = include_str!("../fixtures/s3_error_expired.xml");
    /// `services.json`.
    pub const SERVICES: &str = include_str!("../fixtures/services.json");
    /// `signatures.json`.
    pub const SIGNATURES: &str = include_str!("../fixtures/signatures.json");
    /// `valid_documents.json`.
    pub const VALID_DOCUMENTS: &str = include_str!("../fixtures/valid_documents.json");
    /// `web_token_response.json`.
    pub const WEB_TOKEN_RESPONSE: &str = include_str!("../fixtures/web_token_response.json");
}
