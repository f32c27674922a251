//! What the job-creating lookups share: the partner's ids and extras, the
//! SDK fields every body carries, and the accessors of a verified lookup
//! answer.

use base64::Engine as _;
use serde_json::{Map, Value};
use smileid_types::{JobResult, JobType, JobTypeValue, Outcome, PartnerParams, SignedResult};

use crate::error::Error;
use crate::validate::{check_id, check_partner_params};
use crate::verified::Verified;

/// `source_sdk` of every body this crate writes (Smile ID's value for REST
/// callers).
pub const SOURCE_SDK: &str = "rest_api";

/// `source_sdk_version`: this crate's version.
pub const SOURCE_SDK_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The partner's ids of a job and its extra partner params, as every job
/// endpoint takes them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct JobIds {
    pub(crate) user_id: String,
    pub(crate) job_id: String,
    pub(crate) extras: Vec<(String, String)>,
}

impl JobIds {
    pub(crate) fn new(user_id: String, job_id: String) -> Self {
        Self {
            user_id,
            job_id,
            extras: Vec::new(),
        }
    }

    /// Adds or replaces an extra.
    pub(crate) fn set_extra(&mut self, key: String, value: String) {
        match self.extras.iter_mut().find(|(k, _)| *k == key) {
            Some(entry) => entry.1 = value,
            None => self.extras.push((key, value)),
        }
    }

    pub(crate) fn validate(&self, operation: &'static str) -> Result<(), Error> {
        check_id(operation, "user_id", &self.user_id)?;
        check_id(operation, "job_id", &self.job_id)?;
        check_partner_params(operation, &self.extras)
    }

    /// The extras as a JSON object of strings.
    pub(crate) fn extras_map(&self) -> Map<String, Value> {
        self.extras
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect()
    }

    /// `partner_params` with `job_type` as a JSON integer.
    pub(crate) fn partner_params(&self, job_type: JobType) -> PartnerParams {
        let mut params = PartnerParams::new(
            self.user_id.as_str(),
            self.job_id.as_str(),
            JobTypeValue::number(job_type),
        );
        params.extra = self.extras_map();
        params
    }
}

/// The verified answer of a sync ID lookup (and the body of its callback).
pub type IdVerificationResult = Verified<SignedResult>;

impl Verified<SignedResult> {
    /// The result object.
    pub fn result(&self) -> &JobResult {
        &self.response().result
    }

    /// What the lookup came to, from its result code (`1012` approved,
    /// `1013` rejected, `1015` an error, ...).
    pub fn outcome(&self) -> Outcome {
        self.response().outcome()
    }

    /// The ID photo, decoded from its base64 text; `None` when there is no
    /// photo, a placeholder, or text that is not base64 (the rest of the
    /// answer stays usable).
    pub fn photo(&self) -> Option<Vec<u8>> {
        decode_base64(self.result().personal_info().photo_base64()?)
    }
}

/// Standard base64, with or without padding, surrounding whitespace
/// ignored.
pub(crate) fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let text = text.trim();
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(text))
        .ok()
}
