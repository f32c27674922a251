//! What users describe: jobs, faults and seed files.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The preset outcome of a job, used when no full result object is given.
///
/// Each outcome produces a realistic result for the job's type (result code,
/// text, type, actions and, where fitting, KYC fields).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum PresetOutcome {
    /// Every action passed (for example `0810` Enroll User, `1012` ID Number
    /// Validated). `job_success` is `true`.
    #[default]
    Approved,
    /// Human review pending or inconclusive (for example `0814` Provisional
    /// Enroll - Under Review). `job_success` is `false`.
    Provisional,
    /// An action failed (for example `1013` Unable to Validate ID, `0811`).
    /// `job_success` is `false`.
    Rejected,
    /// The job could not be processed (for example `1015` Queried database
    /// unavailable). `job_success` is `false`.
    Error,
}

impl fmt::Display for PresetOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Approved => "approved",
            Self::Provisional => "provisional",
            Self::Rejected => "rejected",
            Self::Error => "error",
        })
    }
}

/// A job the emulator knows about: who it belongs to, what its result is,
/// when it completes and where its callback goes.
///
/// Build one with [`JobSpec::new`] and the setters, or deserialize one from
/// the JSON accepted by `POST /admin/jobs` and seed files:
///
/// ```
/// use smileid_emulator::{JobSpec, PresetOutcome};
///
/// let spec: JobSpec = serde_json::from_str(r#"{
///   "user_id": "user-1",
///   "job_id": "job-1",
///   "job_type": 5,
///   "outcome": "rejected",
///   "complete_after_polls": 2,
///   "callback_url": "http://127.0.0.1:9000/callback"
/// }"#)?;
/// assert_eq!(
///     spec,
///     JobSpec::new("user-1", "job-1")
///         .job_type(5)
///         .outcome(PresetOutcome::Rejected)
///         .complete_after_polls(2)
///         .callback_url("http://127.0.0.1:9000/callback")
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
///
/// A job with neither `complete_after_polls` nor `complete_after_ms` is
/// complete from the start. With one or both, it completes at whichever comes
/// first: the status poll after `complete_after_polls` pending polls, or
/// `complete_after_ms` after it was added.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JobSpec {
    /// The partner's user id (`PartnerParams.user_id`).
    pub user_id: String,
    /// The partner's job id (`PartnerParams.job_id`).
    pub job_id: String,
    /// The job type (1 Biometric KYC, 2 SmartSelfie Authentication, 4
    /// SmartSelfie Registration, 5 Enhanced KYC, 6 Document Verification, 7
    /// Business Verification, ...). Defaults to the result's
    /// `PartnerParams.job_type` when a full result is given, otherwise 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_type: Option<u32>,
    /// The preset outcome; ignored when `result` is given. Defaults to
    /// [`PresetOutcome::Approved`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<PresetOutcome>,
    /// A full result object (a JSON object), served verbatim (a
    /// `PartnerParams` object is added only when it is missing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<Value>,
    /// Overrides `job_success`. By default it is `true` exactly when the
    /// result code is in the Approved category.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_success: Option<bool>,
    /// The job stays pending for this many status polls and completes on the
    /// next one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complete_after_polls: Option<u32>,
    /// The job completes this many milliseconds after it was added (its
    /// callback, if any, is then sent without waiting for a poll).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complete_after_ms: Option<u64>,
    /// The `history` array returned when asked for. Defaults to `[result]`
    /// once complete (and `[]` while pending).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<Value>>,
    /// The `image_links` object returned when asked for. Defaults to a
    /// `selfie_image` link served by the emulator itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_links: Option<BTreeMap<String, String>>,
    /// An `http://` or `https://` URL that receives the signed result when the
    /// job completes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback_url: Option<String>,
}

impl JobSpec {
    /// A job for `user_id` and `job_id`, approved, Biometric KYC, complete
    /// from the start, without callback.
    pub fn new(user_id: impl Into<String>, job_id: impl Into<String>) -> Self {
        Self {
            user_id: user_id.into(),
            job_id: job_id.into(),
            job_type: None,
            outcome: None,
            result: None,
            job_success: None,
            complete_after_polls: None,
            complete_after_ms: None,
            history: None,
            image_links: None,
            callback_url: None,
        }
    }

    /// Sets the job type.
    #[must_use]
    pub fn job_type(mut self, job_type: u32) -> Self {
        self.job_type = Some(job_type);
        self
    }

    /// Sets the preset outcome.
    #[must_use]
    pub fn outcome(mut self, outcome: PresetOutcome) -> Self {
        self.outcome = Some(outcome);
        self
    }

    /// Uses a full result object instead of a preset outcome.
    ///
    /// A `result` that is not a JSON object is rejected by
    /// [`EmulatorHandle::add_job`](crate::EmulatorHandle::add_job).
    #[must_use]
    pub fn result(mut self, result: Value) -> Self {
        self.result = Some(result);
        self
    }

    /// Overrides `job_success`.
    #[must_use]
    pub fn job_success(mut self, success: bool) -> Self {
        self.job_success = Some(success);
        self
    }

    /// The job stays pending for `polls` status polls and completes on the
    /// next one.
    #[must_use]
    pub fn complete_after_polls(mut self, polls: u32) -> Self {
        self.complete_after_polls = Some(polls);
        self
    }

    /// The job completes `delay` after it was added (millisecond precision).
    #[must_use]
    pub fn complete_after(mut self, delay: Duration) -> Self {
        self.complete_after_ms = Some(u64::try_from(delay.as_millis()).unwrap_or(u64::MAX));
        self
    }

    /// Sets the `history` array.
    #[must_use]
    pub fn history(mut self, history: Vec<Value>) -> Self {
        self.history = Some(history);
        self
    }

    /// Sets the `image_links` object.
    #[must_use]
    pub fn image_links<K: Into<String>, V: Into<String>>(
        mut self,
        links: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        self.image_links = Some(
            links
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        );
        self
    }

    /// Sets the callback URL.
    #[must_use]
    pub fn callback_url(mut self, url: impl Into<String>) -> Self {
        self.callback_url = Some(url.into());
        self
    }
}

/// What a fault does to a matching request.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaultKind {
    /// Waits this long, then answers normally. Latency faults add up and
    /// combine with one other fault.
    Latency(Duration),
    /// Answers with this HTTP status and the JSON body
    /// `{"code": code, "error": message}`.
    HttpError {
        /// The HTTP status: 200-599, except 204, 205 and 304 (which cannot
        /// carry a body).
        status: u16,
        /// The Smile ID code, for example `"2201"`.
        code: String,
        /// The error message.
        message: String,
    },
    /// Answers `502 Bad Gateway` with an HTML page, as a proxy would.
    Html502,
    /// Answers `429 Too Many Requests` with `Retry-After: <seconds>` and the
    /// JSON body `{"code": "429", "error": "Too many requests"}`.
    RateLimited {
        /// The `Retry-After` value in seconds.
        retry_after_secs: u64,
    },
    /// Closes the connection without answering (HTTP/2: resets the stream).
    DropConnection,
    /// Sends a valid response head whose `Content-Length` is larger than the
    /// part of the JSON body that follows, then closes the connection.
    TruncatedBody,
    /// Answers normally, but the response signature is made with another key,
    /// so a client that verifies it must reject the response.
    WrongSignature,
}

impl FaultKind {
    /// The name used in JSON (`"kind"`).
    pub fn name(&self) -> &'static str {
        match self {
            Self::Latency(_) => "latency",
            Self::HttpError { .. } => "http_error",
            Self::Html502 => "html_502",
            Self::RateLimited { .. } => "rate_limited",
            Self::DropConnection => "drop_connection",
            Self::TruncatedBody => "truncated_body",
            Self::WrongSignature => "wrong_signature",
        }
    }
}

/// A fault to inject into `POST /v1/job_status` requests: what it does, which
/// requests it applies to, and how many times.
///
/// JSON form (admin API and seed files), one fault per line here:
///
/// ```
/// use std::time::Duration;
/// use smileid_emulator::FaultSpec;
///
/// let json = r#"
/// {"kind": "http_error", "status": 500, "code": "2201", "message": "System error", "count": 3}
/// {"kind": "latency", "delay_ms": 250, "user_id": "demo-user", "job_id": "demo-pending"}
/// {"kind": "html_502"}
/// {"kind": "rate_limited", "retry_after_secs": 2, "count": 1}
/// {"kind": "drop_connection", "count": 1}
/// {"kind": "truncated_body", "count": 1}
/// {"kind": "wrong_signature"}
/// "#;
/// let faults = json
///     .lines()
///     .filter(|line| !line.is_empty())
///     .map(serde_json::from_str)
///     .collect::<Result<Vec<FaultSpec>, _>>()?;
/// assert_eq!(
///     faults,
///     [
///         FaultSpec::http_error(500, "2201", "System error").count(3),
///         FaultSpec::latency(Duration::from_millis(250)).for_job("demo-user", "demo-pending"),
///         FaultSpec::html_502(),
///         FaultSpec::rate_limited(2).count(1),
///         FaultSpec::drop_connection().count(1),
///         FaultSpec::truncated_body().count(1),
///         FaultSpec::wrong_signature(),
///     ]
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawFault", into = "RawFault")]
pub struct FaultSpec {
    /// What the fault does.
    pub kind: FaultKind,
    /// Only requests to this endpoint, named as in its path without `/v1/`
    /// (`job_status`); any endpoint when `None`.
    pub endpoint: Option<String>,
    /// Only requests for this user id (any user when `None`).
    pub user_id: Option<String>,
    /// Only requests for this job id (any job when `None`).
    pub job_id: Option<String>,
    /// Applies to the next `count` matching requests, then is removed; `None`
    /// applies until cleared.
    pub count: Option<u32>,
}

impl FaultSpec {
    /// A fault for every request to a `/v1` endpoint, until cleared.
    pub fn new(kind: FaultKind) -> Self {
        Self {
            kind,
            endpoint: None,
            user_id: None,
            job_id: None,
            count: None,
        }
    }

    /// Limits the fault to one endpoint, named as in its path without `/v1/`
    /// (`job_status`).
    #[must_use]
    pub fn for_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// Limits the fault to requests for one job.
    #[must_use]
    pub fn for_job(mut self, user_id: impl Into<String>, job_id: impl Into<String>) -> Self {
        self.user_id = Some(user_id.into());
        self.job_id = Some(job_id.into());
        self
    }

    /// Limits the fault to requests for one user.
    #[must_use]
    pub fn for_user(mut self, user_id: impl Into<String>) -> Self {
        self.user_id = Some(user_id.into());
        self
    }

    /// Applies the fault to the next `count` matching requests only.
    #[must_use]
    pub fn count(mut self, count: u32) -> Self {
        self.count = Some(count);
        self
    }

    /// Added latency.
    pub fn latency(delay: Duration) -> Self {
        Self::new(FaultKind::Latency(delay))
    }

    /// An HTTP error with a Smile ID code and message.
    pub fn http_error(status: u16, code: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(FaultKind::HttpError {
            status,
            code: code.into(),
            message: message.into(),
        })
    }

    /// An HTML `502 Bad Gateway` page.
    pub fn html_502() -> Self {
        Self::new(FaultKind::Html502)
    }

    /// `429 Too Many Requests` with `Retry-After` in seconds.
    pub fn rate_limited(retry_after_secs: u64) -> Self {
        Self::new(FaultKind::RateLimited { retry_after_secs })
    }

    /// The connection is closed without a response.
    pub fn drop_connection() -> Self {
        Self::new(FaultKind::DropConnection)
    }

    /// A response whose body is cut short.
    pub fn truncated_body() -> Self {
        Self::new(FaultKind::TruncatedBody)
    }

    /// A response signed with the wrong key.
    pub fn wrong_signature() -> Self {
        Self::new(FaultKind::WrongSignature)
    }

    pub(crate) fn validate(&self) -> Result<(), String> {
        if let FaultKind::HttpError { status, .. } = &self.kind {
            if !(100..=599).contains(status) {
                return Err(format!("status {status} is not an HTTP status (100-599)"));
            }
            if (100..200).contains(status) {
                return Err(format!(
                    "status {status} is informational and cannot end a request"
                ));
            }
            if matches!(status, 204 | 205 | 304) {
                // HTTP forbids a body with these, and the fault's answer is a
                // JSON body: HTTP/2 clients would see a protocol error.
                return Err(format!(
                    "status {status} cannot carry the JSON error body of an http_error fault"
                ));
            }
        }
        if let Some(endpoint) = &self.endpoint {
            if !crate::http::ENDPOINTS.contains(&endpoint.as_str()) {
                return Err(format!(
                    "unknown endpoint `{endpoint}` (expected one of {})",
                    crate::http::ENDPOINTS.join(", ")
                ));
            }
            if endpoint == UPLOAD_ZIP {
                match self.kind {
                    FaultKind::WrongSignature => {
                        return Err(format!(
                            "kind `wrong_signature` does not apply to `{UPLOAD_ZIP}`: the upload target's answers are not signed"
                        ));
                    }
                    FaultKind::TruncatedBody => {
                        return Err(format!(
                            "kind `truncated_body` does not apply to `{UPLOAD_ZIP}`: its success answer has no body (use `drop_connection`)"
                        ));
                    }
                    _ => {}
                }
            }
        }
        if self.count == Some(0) {
            return Err("count must be at least 1 (omit it to apply until cleared)".into());
        }
        Ok(())
    }
}

/// The fault endpoint name of the upload target, `PUT
/// /uploads/{smile_job_id}/selfie.zip` (the presigned link of a prep upload).
pub(crate) const UPLOAD_ZIP: &str = "upload_zip";

/// The flat JSON form of a fault.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFault {
    kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    delay_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    status: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    retry_after_secs: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    endpoint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    user_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    job_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    count: Option<u32>,
}

impl TryFrom<RawFault> for FaultSpec {
    type Error = String;

    fn try_from(raw: RawFault) -> Result<Self, String> {
        let unexpected = |field: &str, present: bool| {
            if present {
                Err(format!(
                    "field `{field}` does not apply to kind `{}`",
                    raw.kind
                ))
            } else {
                Ok(())
            }
        };
        let kind = match raw.kind.as_str() {
            "latency" => {
                unexpected("status", raw.status.is_some())?;
                unexpected("retry_after_secs", raw.retry_after_secs.is_some())?;
                let ms = raw
                    .delay_ms
                    .ok_or_else(|| "kind `latency` needs `delay_ms`".to_owned())?;
                FaultKind::Latency(Duration::from_millis(ms))
            }
            "http_error" => {
                unexpected("delay_ms", raw.delay_ms.is_some())?;
                unexpected("retry_after_secs", raw.retry_after_secs.is_some())?;
                let status = raw
                    .status
                    .ok_or_else(|| "kind `http_error` needs `status`".to_owned())?;
                FaultKind::HttpError {
                    status,
                    code: raw.code.clone().unwrap_or_else(|| "2201".to_owned()),
                    message: raw
                        .message
                        .clone()
                        .unwrap_or_else(|| "System error".to_owned()),
                }
            }
            "rate_limited" => {
                unexpected("delay_ms", raw.delay_ms.is_some())?;
                unexpected("status", raw.status.is_some())?;
                FaultKind::RateLimited {
                    retry_after_secs: raw.retry_after_secs.unwrap_or(1),
                }
            }
            other => {
                unexpected("delay_ms", raw.delay_ms.is_some())?;
                unexpected("status", raw.status.is_some())?;
                unexpected("code", raw.code.is_some())?;
                unexpected("message", raw.message.is_some())?;
                unexpected("retry_after_secs", raw.retry_after_secs.is_some())?;
                match other {
                    "html_502" => FaultKind::Html502,
                    "drop_connection" => FaultKind::DropConnection,
                    "truncated_body" => FaultKind::TruncatedBody,
                    "wrong_signature" => FaultKind::WrongSignature,
                    _ => {
                        return Err(format!(
                            "unknown fault kind `{other}` (expected one of latency, http_error, \
                             html_502, rate_limited, drop_connection, truncated_body, \
                             wrong_signature)"
                        ));
                    }
                }
            }
        };
        let spec = FaultSpec {
            kind,
            endpoint: raw.endpoint,
            user_id: raw.user_id,
            job_id: raw.job_id,
            count: raw.count,
        };
        spec.validate()?;
        Ok(spec)
    }
}

impl From<FaultSpec> for RawFault {
    fn from(spec: FaultSpec) -> Self {
        let mut raw = RawFault {
            kind: spec.kind.name().to_owned(),
            delay_ms: None,
            status: None,
            code: None,
            message: None,
            retry_after_secs: None,
            endpoint: spec.endpoint,
            user_id: spec.user_id,
            job_id: spec.job_id,
            count: spec.count,
        };
        match spec.kind {
            FaultKind::Latency(d) => {
                raw.delay_ms = Some(u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
            }
            FaultKind::HttpError {
                status,
                code,
                message,
            } => {
                raw.status = Some(status);
                raw.code = Some(code);
                raw.message = Some(message);
            }
            FaultKind::RateLimited { retry_after_secs } => {
                raw.retry_after_secs = Some(retry_after_secs);
            }
            FaultKind::Html502
            | FaultKind::DropConnection
            | FaultKind::TruncatedBody
            | FaultKind::WrongSignature => {}
        }
        raw
    }
}

/// The content of a seed file: extra jobs and faults present from the start
/// (and restored by a reset).
///
/// ```
/// use smileid_emulator::Seed;
///
/// let seed = Seed::from_json(r#"{
///   "demo_jobs": true,
///   "jobs": [
///     {"user_id": "u1", "job_id": "j1", "job_type": 5, "outcome": "approved"}
///   ],
///   "faults": [
///     {"kind": "latency", "delay_ms": 100}
///   ]
/// }"#)?;
/// assert_eq!((seed.demo_jobs, seed.jobs.len(), seed.faults.len()), (Some(true), 1, 1));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Seed {
    /// Whether the built-in demo jobs exist (default `true`). When several
    /// seeds are given, any seed saying `false` turns them off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub demo_jobs: Option<bool>,
    /// Jobs to create.
    #[serde(default)]
    pub jobs: Vec<JobSpec>,
    /// Faults to install.
    #[serde(default)]
    pub faults: Vec<FaultSpec>,
}

impl Seed {
    /// Parses a seed from its JSON text.
    ///
    /// # Errors
    ///
    /// The JSON parser's message when the text is not a valid seed.
    pub fn from_json(text: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fault_json_round_trip() {
        let text = r#"{"kind":"http_error","status":503,"code":"2201","message":"busy","count":3}"#;
        let spec: FaultSpec = match serde_json::from_str(text) {
            Ok(s) => s,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(spec, FaultSpec::http_error(503, "2201", "busy").count(3));
        let back = serde_json::to_value(&spec).unwrap_or_default();
        assert_eq!(back["status"], 503);
        assert_eq!(back["kind"], "http_error");
    }

    #[test]
    fn fault_json_rejects_nonsense() {
        for text in [
            r#"{"kind":"nope"}"#,
            r#"{"kind":"latency"}"#,
            r#"{"kind":"html_502","status":500}"#,
            r#"{"kind":"http_error","status":700}"#,
            r#"{"kind":"http_error","status":204}"#,
            r#"{"kind":"http_error","status":304}"#,
            r#"{"kind":"drop_connection","count":0}"#,
            r#"{"kind":"drop_connection","typo":1}"#,
        ] {
            assert!(serde_json::from_str::<FaultSpec>(text).is_err(), "{text}");
        }
    }

    #[test]
    fn job_spec_rejects_unknown_fields() {
        let text = r#"{"user_id":"u","job_id":"j","outcom":"approved"}"#;
        assert!(serde_json::from_str::<JobSpec>(text).is_err());
    }
}
