//! One endpoint of Smile ID's v1 API as a value: the [`Operation`] trait.
//!
//! An operation knows its name, how to check itself, how to become an
//! `http::Request<Bytes>`, how its answer is authenticated and decoded, and
//! how safe it is to send twice. Everything else (signing time, timeouts,
//! the non-2xx branch, retries, tracing) is done once for all operations, by
//! [`build_request`](crate::build_request) and
//! [`parse_response`](crate::parse_response) for callers that drive their
//! own HTTP client, and by [`Client::send`](crate::Client::send).

use std::time::SystemTime;

use bytes::Bytes;
use http::header::{ACCEPT, CONTENT_LENGTH, CONTENT_TYPE, USER_AGENT};
use http::{HeaderValue, Method};
use serde::Serialize;
use serde::de::DeserializeOwned;
use smileid_sign::{SignedTimestamp, Signer};

use crate::environment::BaseUrl;
use crate::error::{ConfigError, DecodeError, Error};
use crate::request::DEFAULT_USER_AGENT;
use crate::verified::Verified;

/// How safe a request is to send more than once; decides which failures the
/// client retries. The table is in [the retry docs](crate::retry#repeat-safety).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RepeatSafety {
    /// Asking twice changes nothing (job status, the discovery reads, a web
    /// token, an upload of the same zip): every transient failure is
    /// retried per the [`RetryPolicy`](crate::RetryPolicy).
    Idempotent,
    /// The request creates (and may bill) a job. It is re-sent only when it
    /// provably never left (a `Connect` transport error) or when the server
    /// refused it with `429` and a `Retry-After`; any other failure after
    /// it may have arrived ends the call, as
    /// [`Error::OutcomeUnknown`] for transport failures.
    Entry,
}

/// How an operation's 2xx answer is authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignatureMode {
    /// The answer must be a JSON object whose `signature` verifies over its
    /// own `timestamp`; anything else fails closed.
    Required,
    /// A signature, when the answer carries one, must verify; an answer
    /// with no `signature` and `timestamp` at all is accepted and marked
    /// [`SignatureCheck::Unsigned`]. A wrong signature is never accepted.
    CheckedWhenPresent,
    /// The answer carries no signature (an unauthenticated read, an upload
    /// to a presigned URL); nothing is checked.
    Absent,
    /// Like [`Required`](Self::Required), unless the caller accepts unsigned
    /// answers ([`ClientBuilder::accept_unsigned_answers`](crate::ClientBuilder::accept_unsigned_answers),
    /// [`ParseOptions::accept_unsigned_answers`](crate::ParseOptions::accept_unsigned_answers)),
    /// in which case it is [`CheckedWhenPresent`](Self::CheckedWhenPresent):
    /// for the answers whose signing Smile ID documents but does not
    /// settle (sync ID lookups, business verification, AML).
    Expected,
}

/// What the signature check found, handed to [`Operation::decode`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignatureCheck {
    /// The signature verified over the answer's own timestamp.
    Verified,
    /// The answer carried no signature and the operation's
    /// [`SignatureMode::CheckedWhenPresent`] accepted that.
    Unsigned,
    /// The operation's answers are not signed ([`SignatureMode::Absent`]).
    NotApplicable,
}

/// One request of Smile ID's v1 API: what it is, how it is sent and how its
/// answer is read.
///
/// Implemented by the request types of this crate ([`JobStatusQuery`](crate::JobStatusQuery),
/// ...); an endpoint this crate does not know yet can be added by
/// implementing it too, and is then sent by [`Client::send`](crate::Client::send)
/// with the same signing, timeouts, retries and verification.
pub trait Operation: Sync {
    /// What a successful call returns.
    type Output: Send;

    /// The operation's name, as errors and logs show it (`job_status`).
    const NAME: &'static str;

    /// How safe the request is to send twice; decides the retries.
    const REPEAT_SAFETY: RepeatSafety;

    /// Checks the request before anything is sent.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] naming the field and the rule.
    fn validate(&self) -> Result<(), Error>;

    /// Builds the HTTP request, signed with `cx`'s signer and time when the
    /// endpoint needs it. Called afresh for every attempt.
    ///
    /// # Errors
    ///
    /// Any error of building the request (an unencodable body).
    fn encode(&self, cx: &RequestContext<'_>) -> Result<http::Request<Bytes>, Error>;

    /// How the 2xx answer is authenticated. Default:
    /// [`SignatureMode::Required`].
    fn signature_mode(&self) -> SignatureMode {
        SignatureMode::Required
    }

    /// Reads a 2xx answer whose signature passed
    /// [`signature_mode`](Self::signature_mode). Non-2xx answers never get
    /// here: they are [`Error::Api`] for every operation.
    ///
    /// # Errors
    ///
    /// [`Error::Decode`] when the body does not have the documented shape.
    fn decode(&self, reply: Reply) -> Result<Self::Output, Error>;

    /// Turns an error of this operation's call into a more specific one,
    /// once it names the operation: a prep upload's `2215` becomes
    /// [`Error::JobAlreadyExists`]. Default: the error as it is.
    fn refine_error(&self, error: Error) -> Error {
        error
    }

    /// The `tracing` span a call of this operation runs in. Default:
    /// `smileid.call` with an `operation` field.
    fn span(&self) -> tracing::Span {
        tracing::info_span!("smileid.call", operation = Self::NAME)
    }
}

/// What [`Operation::encode`] may use: the signer, the base URL and the
/// time to sign at, and helpers for the usual request shapes.
#[derive(Debug, Clone, Copy)]
pub struct RequestContext<'a> {
    signer: &'a Signer,
    base: &'a BaseUrl,
    now: SystemTime,
}

impl<'a> RequestContext<'a> {
    /// A context signing with `signer` at `now`, for requests to `base`.
    pub fn new(signer: &'a Signer, base: &'a BaseUrl, now: SystemTime) -> Self {
        Self { signer, base, now }
    }

    /// The signer (partner id and key).
    pub fn signer(&self) -> &'a Signer {
        self.signer
    }

    /// The partner id.
    pub fn partner_id(&self) -> &'a str {
        self.signer.partner_id()
    }

    /// The checked base URL.
    pub fn base_url(&self) -> &'a BaseUrl {
        self.base
    }

    /// The time to sign at.
    pub fn now(&self) -> SystemTime {
        self.now
    }

    /// A fresh timestamp and signature for [`now`](Self::now).
    pub fn sign(&self) -> SignedTimestamp {
        self.signer.sign_at(self.now)
    }

    /// `POST {base}/{path}` with `body` as JSON, and the headers every JSON
    /// call sends: `Content-Type` and `Accept: application/json`,
    /// `Content-Length`, and the default `User-Agent`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when the body cannot be encoded or `path`
    /// makes no valid URL.
    pub fn post_json<T: Serialize + ?Sized>(
        &self,
        path: &str,
        body: &T,
    ) -> Result<http::Request<Bytes>, Error> {
        // Most request bodies fit in 512 bytes: one allocation, no regrowth.
        let mut out = Vec::with_capacity(512);
        serde_json::to_writer(&mut out, body).map_err(|_| {
            Error::InvalidConfig(ConfigError::new("could not encode the request body"))
        })?;
        let body = out;
        let len = body.len();
        let mut request = http::Request::new(Bytes::from(body));
        *request.method_mut() = Method::POST;
        *request.uri_mut() = self.base.endpoint(path)?;
        let headers = request.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert(USER_AGENT, HeaderValue::from_static(DEFAULT_USER_AGENT));
        headers.insert(CONTENT_LENGTH, HeaderValue::from(len));
        Ok(request)
    }

    /// `GET {base}/{path_and_query}` with `Accept: application/json` and the
    /// default `User-Agent`; nothing signed.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when `path_and_query` makes no valid URL.
    pub fn get(&self, path_and_query: &str) -> Result<http::Request<Bytes>, Error> {
        let mut request = http::Request::new(Bytes::new());
        *request.uri_mut() = self.base.endpoint(path_and_query)?;
        let headers = request.headers_mut();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert(USER_AGENT, HeaderValue::from_static(DEFAULT_USER_AGENT));
        Ok(request)
    }
}

/// A 2xx answer that passed the operation's signature check, handed to
/// [`Operation::decode`].
#[derive(Debug)]
pub struct Reply {
    status: http::StatusCode,
    headers: http::HeaderMap,
    body: Bytes,
    signature: SignatureCheck,
}

impl Reply {
    pub(crate) fn new(
        status: http::StatusCode,
        headers: http::HeaderMap,
        body: Bytes,
        signature: SignatureCheck,
    ) -> Self {
        Self {
            status,
            headers,
            body,
            signature,
        }
    }

    /// The HTTP status (a 2xx).
    pub fn status(&self) -> http::StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &http::HeaderMap {
        &self.headers
    }

    /// The body, as received.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// What the signature check found.
    pub fn signature(&self) -> SignatureCheck {
        self.signature
    }

    /// Decodes the body as `T` with smileid-types' lenient reader.
    ///
    /// # Errors
    ///
    /// [`Error::Decode`] with the path of the first problem.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        smileid_types::decode(&self.body)
            .map_err(|e| Error::Decode(DecodeError::new("", e.path(), e.message())))
    }

    /// The decoded `value` together with this answer's status, raw body and
    /// signature check.
    pub fn into_verified<T>(self, value: T) -> Verified<T> {
        Verified::new(self.status, value, self.body, self.signature)
    }
}
