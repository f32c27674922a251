//! What the entry calls (ID lookups, business verification, AML) share:
//! their ids, single-use job ids (`2215`), the test ID numbers that choose
//! an outcome, the signed sync answer and the async acknowledgement.

use std::sync::Arc;
use std::time::SystemTime;

use http::StatusCode;
use serde_json::{Map, Value};
use smileid_sign::Signer;
use smileid_types::PartnerParams;

use crate::http::reply::Reply;
use crate::http::signed::missing_parameter;
use crate::spec::{JobSpec, PresetOutcome};
use crate::state::{Job, State};

/// Smile ID's words for a job id used twice.
const JOB_EXISTS: &str = "Job already exists. Did you mean to set the retry flag to true?";

/// The outcome a lookup gives, by result code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LookupCode {
    /// `1012` ID Number Validated.
    Validated,
    /// `1013` Unable to Validate ID.
    Unable,
    /// `1014` Unsupported ID number format.
    UnsupportedFormat,
    /// `1015` Queried database unavailable.
    Unavailable,
    /// `1016` Need to activate product.
    NotActivated,
    /// `1021` Partial Match (Basic KYC).
    PartialMatch,
    /// `1022` No Match (Basic KYC).
    NoMatch,
    /// `1023` Not Found (Basic KYC).
    NotFound,
}

impl LookupCode {
    /// The documented test ID numbers (`docs/emulator.md`); every other
    /// number is validated.
    pub fn for_id_number(id_number: &str) -> Self {
        match id_number.trim() {
            "1013000000" => Self::Unable,
            "1014000000" => Self::UnsupportedFormat,
            "1015000000" => Self::Unavailable,
            "1016000000" => Self::NotActivated,
            "1021000000" => Self::PartialMatch,
            "1022000000" => Self::NoMatch,
            "1023000000" => Self::NotFound,
            _ => Self::Validated,
        }
    }

    /// A preset outcome as a lookup code.
    pub fn for_preset(outcome: PresetOutcome) -> Self {
        match outcome {
            PresetOutcome::Approved => Self::Validated,
            PresetOutcome::Provisional => Self::PartialMatch,
            PresetOutcome::Rejected => Self::Unable,
            PresetOutcome::Error => Self::Unavailable,
        }
    }

    /// The code a job gets: its preset (admin API) if one was set, else its
    /// ID number's.
    pub fn choose(state: &State, user_id: &str, job_id: &str, id_number: &str) -> Self {
        state
            .take_preset(user_id, job_id)
            .map_or_else(|| Self::for_id_number(id_number), Self::for_preset)
    }

    /// `(ResultCode, ResultText)`.
    pub fn code_and_text(self) -> (&'static str, &'static str) {
        match self {
            Self::Validated => ("1012", "ID Number Validated"),
            Self::Unable => ("1013", "Unable to Validate ID"),
            Self::UnsupportedFormat => ("1014", "Unsupported ID number format"),
            Self::Unavailable => ("1015", "Queried database unavailable"),
            Self::NotActivated => ("1016", "Need to activate product"),
            Self::PartialMatch => ("1021", "Partial Match"),
            Self::NoMatch => ("1022", "No Match"),
            Self::NotFound => ("1023", "Not Found"),
        }
    }

    /// Whether the authority's record comes back (personal data, photo).
    pub fn returns_data(self) -> bool {
        matches!(self, Self::Validated | Self::PartialMatch)
    }
}

/// A required text field that is present but empty is missing too.
pub(crate) fn require_text(fields: &[(&str, &str)]) -> Result<(), Reply> {
    let empty: Vec<&str> = fields
        .iter()
        .filter(|(_, value)| value.trim().is_empty())
        .map(|(name, _)| *name)
        .collect();
    if empty.is_empty() {
        Ok(())
    } else {
        Err(missing_parameter(&empty.join(", ")))
    }
}

/// `partner_params.user_id` and `partner_params.job_id`, both required.
pub(crate) fn job_ids(partner_params: &PartnerParams) -> Result<(String, String), Reply> {
    let user_id = partner_params.user_id().unwrap_or_default();
    let job_id = partner_params.job_id().unwrap_or_default();
    require_text(&[
        ("partner_params.user_id", user_id),
        ("partner_params.job_id", job_id),
    ])?;
    Ok((user_id.to_owned(), job_id.to_owned()))
}

/// The callback URL an async call must carry.
pub(crate) fn callback_url(url: Option<&str>) -> Result<String, Reply> {
    match url.map(str::trim) {
        Some(url) if !url.is_empty() => Ok(url.to_owned()),
        _ => Err(missing_parameter("callback_url")),
    }
}

/// Creates the job (complete at once; its callback starts if it has one).
/// `2215` when the job id was used before; `2204` for a callback URL that
/// is not an absolute http(s) URL.
pub(crate) fn create_job(
    state: &Arc<State>,
    spec: JobSpec,
    make_result: impl FnOnce(&str) -> Map<String, Value>,
) -> Result<Arc<Job>, Reply> {
    match state.submit_job(spec, make_result) {
        Ok(Some(job)) => Ok(job),
        Ok(None) => Err(Reply::error(StatusCode::BAD_REQUEST, "2215", JOB_EXISTS)),
        Err(e) => Err(Reply::error(
            StatusCode::BAD_REQUEST,
            "2204",
            &format!("A parameter is of the wrong type: {e}"),
        )),
    }
}

/// The sync answer: the job's flat result with a fresh `timestamp` and
/// `signature`.
pub(crate) fn signed_result(signer: &Signer, job: &Job) -> Reply {
    let signed = signer.sign_at(SystemTime::now());
    let mut body = job.result.clone();
    body.insert("timestamp".into(), Value::String(signed.timestamp));
    body.insert("signature".into(), Value::String(signed.signature));
    Reply::json(
        StatusCode::OK,
        serde_json::to_vec(&body).unwrap_or_default(),
    )
}

/// The async acknowledgement, `{"success":true}`.
pub(crate) fn acknowledged() -> Reply {
    Reply::json(StatusCode::OK, &br#"{"success":true}"#[..])
}

/// The partner params a result echoes: the request's, with `job_type` as
/// given (or `job_type` when absent).
pub(crate) fn echoed_partner_params(partner_params: &PartnerParams, job_type: u32) -> Value {
    let mut value = serde_json::to_value(partner_params).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut value {
        map.entry("job_type")
            .or_insert_with(|| Value::from(job_type));
    }
    value
}
