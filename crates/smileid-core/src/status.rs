//! A verified job status.

use std::fmt;

use bytes::Bytes;
use smileid_types::{JobStatusResponse, Outcome};

/// A job status whose signature has been verified with the partner's API key.
///
/// Only [`parse_job_status_response`](crate::parse_job_status_response) (and
/// so the client) makes one: it exists only for a 2xx JSON object whose
/// `signature` matches its own `timestamp`. `Debug` shows the HTTP status and
/// the headline fields, never the signature or the raw body.
#[derive(Clone)]
pub struct JobStatus {
    http_status: http::StatusCode,
    response: JobStatusResponse,
    raw: Bytes,
}

impl JobStatus {
    pub(crate) fn new(
        http_status: http::StatusCode,
        response: JobStatusResponse,
        raw: Bytes,
    ) -> Self {
        Self {
            http_status,
            response,
            raw,
        }
    }

    /// The typed response.
    pub fn response(&self) -> &JobStatusResponse {
        &self.response
    }

    /// The typed response, consuming the status.
    pub fn into_response(self) -> JobStatusResponse {
        self.response
    }

    /// What the job came to so far (pending, approved, rejected, ...).
    pub fn outcome(&self) -> Outcome {
        self.response.outcome()
    }

    /// Whether Smile ID has a final result for the job (`job_complete`).
    pub fn is_complete(&self) -> bool {
        self.response.job_complete
    }

    /// Whether the job succeeded (`job_success`).
    pub fn is_success(&self) -> bool {
        self.response.job_success
    }

    /// The verified response body, byte for byte as received (for storage
    /// or audit). It contains the response signature.
    pub fn raw_json(&self) -> &Bytes {
        &self.raw
    }

    /// The HTTP status of the response (a 2xx).
    pub fn http_status(&self) -> http::StatusCode {
        self.http_status
    }
}

impl fmt::Debug for JobStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JobStatus")
            .field("http_status", &self.http_status.as_u16())
            .field("job_complete", &self.response.job_complete)
            .field("job_success", &self.response.job_success)
            .field("code", &self.response.code)
            .field("timestamp", &self.response.timestamp)
            .field("outcome", &self.outcome())
            .field("raw_len", &self.raw.len())
            .finish_non_exhaustive()
    }
}
