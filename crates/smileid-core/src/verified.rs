//! A typed answer whose signature has been checked: [`Verified`], and the
//! job status it most often holds.

use std::fmt;

use bytes::Bytes;
use smileid_types::{JobStatusResponse, Outcome};

use crate::operation::SignatureCheck;

/// A typed answer that passed its operation's signature check, with the
/// HTTP status and the body byte for byte.
///
/// Only [`parse_response`](crate::parse_response) (and so the client) makes
/// one. For operations whose answers must be signed (job status) it exists
/// only for a 2xx JSON object whose `signature` matches its own `timestamp`
/// under the partner's key. Smile ID's signature covers the timestamp and
/// the partner id, not the body: it proves who answered and when, and the
/// transport's TLS protects the body on its way.
///
/// `Debug` shows the HTTP status, the signature check, the typed value
/// (whose signature fields print redacted) and the raw body's length, never
/// the raw body.
#[derive(Clone)]
pub struct Verified<T> {
    http_status: http::StatusCode,
    value: T,
    raw: Bytes,
    signature: SignatureCheck,
}

/// A verified job status: the answer of
/// [`Client::job_status`](crate::Client::job_status).
pub type JobStatus = Verified<JobStatusResponse>;

impl<T> Verified<T> {
    pub(crate) fn new(
        http_status: http::StatusCode,
        value: T,
        raw: Bytes,
        signature: SignatureCheck,
    ) -> Self {
        Self {
            http_status,
            value,
            raw,
            signature,
        }
    }

    /// The typed response.
    pub fn response(&self) -> &T {
        &self.value
    }

    /// The typed response, consuming the wrapper.
    pub fn into_response(self) -> T {
        self.value
    }

    /// The response body, byte for byte as received (for storage or audit).
    /// It contains the response signature.
    pub fn raw_json(&self) -> &Bytes {
        &self.raw
    }

    /// The HTTP status of the response (a 2xx).
    pub fn http_status(&self) -> http::StatusCode {
        self.http_status
    }

    /// What the signature check found: [`SignatureCheck::Verified`] for
    /// every operation whose answers must be signed.
    pub fn signature_check(&self) -> SignatureCheck {
        self.signature
    }
}

impl Verified<JobStatusResponse> {
    /// What the job came to so far (pending, approved, rejected, ...).
    pub fn outcome(&self) -> Outcome {
        self.value.outcome()
    }

    /// Whether Smile ID has a final result for the job (`job_complete`).
    pub fn is_complete(&self) -> bool {
        self.value.job_complete
    }

    /// Whether the job succeeded (`job_success`).
    pub fn is_success(&self) -> bool {
        self.value.job_success
    }
}

impl<T: fmt::Debug> fmt::Debug for Verified<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verified")
            .field("http_status", &self.http_status.as_u16())
            .field("signature", &self.signature)
            .field("response", &self.value)
            .field("raw_len", &self.raw.len())
            .finish()
    }
}
