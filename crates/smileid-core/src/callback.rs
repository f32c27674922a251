//! Verifying the result Smile ID posts to a job's callback URL.
//!
//! No HTTP client is involved: hand the raw request body your web server
//! received to [`verify_callback`] (or a [`CallbackVerifier`]).

use std::fmt;
use std::time::{Duration, SystemTime};

use smileid_sign::{Freshness, FreshnessError, Signer};
use smileid_types::{CallbackBody, JobResult, Outcome};

use smileid_types::SignedEnvelope;

use crate::error::SignatureFailure;
use crate::response::{is_json_object, signature_failure};

/// Default largest callback body: 2 MiB (real bodies reach about 1.5 MB).
pub const DEFAULT_MAX_CALLBACK_BYTES: usize = 2 * 1024 * 1024;

/// Limits applied to a callback before it is trusted.
///
/// Defaults: bodies up to 2 MiB; a timestamp at most 5 minutes old and at
/// most 1 minute in the future (clock skew). The age check limits how long a
/// captured callback can be replayed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallbackPolicy {
    /// The largest body accepted, in bytes. Checked before anything else.
    pub max_body_bytes: usize,
    /// The greatest accepted age of the signed timestamp.
    pub max_age: Duration,
    /// How far in the future the signed timestamp may be.
    pub max_future: Duration,
}

impl Default for CallbackPolicy {
    fn default() -> Self {
        Self {
            max_body_bytes: DEFAULT_MAX_CALLBACK_BYTES,
            max_age: Duration::from_secs(5 * 60),
            max_future: Duration::from_secs(60),
        }
    }
}

impl CallbackPolicy {
    /// Sets [`max_body_bytes`](Self::max_body_bytes).
    #[must_use]
    pub fn with_max_body_bytes(mut self, max: usize) -> Self {
        self.max_body_bytes = max;
        self
    }

    /// Sets [`max_age`](Self::max_age).
    #[must_use]
    pub fn with_max_age(mut self, max_age: Duration) -> Self {
        self.max_age = max_age;
        self
    }

    /// Sets [`max_future`](Self::max_future).
    #[must_use]
    pub fn with_max_future(mut self, max_future: Duration) -> Self {
        self.max_future = max_future;
        self
    }
}

/// Why a callback was refused. Each check has its own variant; none holds
/// the signature or the API key.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CallbackError {
    /// The body is larger than [`CallbackPolicy::max_body_bytes`]; nothing
    /// was parsed.
    TooLarge {
        /// The body's length in bytes.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// The body is not a JSON object (or is truncated).
    NotJson {
        /// What the JSON parser said.
        message: String,
    },
    /// The body has no (or an empty) `signature`.
    MissingSignature,
    /// The body has no (or an empty) `timestamp`.
    MissingTimestamp,
    /// The signature is malformed or does not match: the callback was not
    /// sent with this partner's API key.
    BadSignature(SignatureFailure),
    /// The signed timestamp could not be read as a time.
    UnparseableTimestamp,
    /// The signed timestamp is older than allowed.
    Stale {
        /// How old it is.
        age: Duration,
        /// The limit.
        max: Duration,
    },
    /// The signed timestamp is further in the future than allowed.
    FutureDated {
        /// How far ahead it is.
        ahead: Duration,
        /// The limit.
        max: Duration,
    },
    /// The signed body did not match the callback schema.
    Decode {
        /// Where (`PartnerParams.job_type`), empty for the root.
        path: String,
        /// What was wrong.
        message: String,
    },
}

impl fmt::Display for CallbackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooLarge { len, max } => {
                write!(
                    f,
                    "callback body too large: {len} bytes, the limit is {max}"
                )
            }
            Self::NotJson { message } => write!(f, "callback body is not a JSON object: {message}"),
            Self::MissingSignature => f.write_str("callback has no signature"),
            Self::MissingTimestamp => f.write_str("callback has no timestamp"),
            Self::BadSignature(SignatureFailure::Mismatch) => {
                f.write_str("callback signature does not match (not signed with this API key)")
            }
            Self::BadSignature(failure) => write!(f, "callback {failure}"),
            Self::UnparseableTimestamp => f.write_str("callback timestamp is not a readable time"),
            Self::Stale { age, max } => write!(
                f,
                "callback is too old: signed {}s ago, the limit is {}s",
                age.as_secs(),
                max.as_secs()
            ),
            Self::FutureDated { ahead, max } => write!(
                f,
                "callback is dated {}s in the future, the limit is {}s (check the clock)",
                ahead.as_secs(),
                max.as_secs()
            ),
            Self::Decode { path, message } if path.is_empty() => {
                write!(f, "callback body could not be decoded: {message}")
            }
            Self::Decode { path, message } => {
                write!(
                    f,
                    "callback body could not be decoded at `{path}`: {message}"
                )
            }
        }
    }
}

impl std::error::Error for CallbackError {}

/// A callback whose size, signature and age have been checked.
#[derive(Clone)]
pub struct VerifiedCallback {
    body: CallbackBody,
    signed_at: SystemTime,
}

impl VerifiedCallback {
    /// The typed body.
    pub fn body(&self) -> &CallbackBody {
        &self.body
    }

    /// The typed body, consuming the callback.
    pub fn into_body(self) -> CallbackBody {
        self.body
    }

    /// The result object.
    pub fn result(&self) -> &JobResult {
        &self.body.result
    }

    /// The result's outcome (approved, rejected, ...).
    pub fn outcome(&self) -> Outcome {
        self.body.outcome()
    }

    /// The signed timestamp, as a time.
    pub fn signed_at(&self) -> SystemTime {
        self.signed_at
    }

    /// The verified body read as `T`: the typed answer of the call that
    /// asked for this callback, such as
    /// [`BusinessVerificationResponse`](smileid_types::BusinessVerificationResponse)
    /// for an async business verification. (An async ID lookup's callback is
    /// [`body`](Self::body) itself, the type of the sync answer.) It is read
    /// from the typed body, unknown fields included, so nothing the server
    /// sent is lost on the way.
    ///
    /// # Errors
    ///
    /// [`CallbackError::Decode`] when the body does not have `T`'s shape.
    pub fn decode_as<T: serde::de::DeserializeOwned>(&self) -> Result<T, CallbackError> {
        let bytes = serde_json::to_vec(&self.body).map_err(|e| CallbackError::Decode {
            path: String::new(),
            message: e.to_string(),
        })?;
        smileid_types::decode(&bytes).map_err(|e| CallbackError::Decode {
            path: e.path().to_owned(),
            message: e.message().to_owned(),
        })
    }
}

impl fmt::Debug for VerifiedCallback {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifiedCallback")
            .field("timestamp", &self.body.timestamp)
            .field("outcome", &self.outcome())
            .finish_non_exhaustive()
    }
}

/// Verifies a callback body, in this order: size (before any parsing), JSON
/// object with `signature` and `timestamp`, signature (over the body's own
/// timestamp, with `signer`'s partner id and key), freshness against `now`,
/// and finally the typed decode.
///
/// # Errors
///
/// A [`CallbackError`] naming the first check that failed.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use smileid_core::{CallbackError, CallbackPolicy, verify_callback};
/// use smileid_sign::Signer;
///
/// let signer = Signer::new("085", "my-api-key").unwrap();
/// let now = SystemTime::now();
/// let signed = signer.sign_at(now);
/// let body = format!(
///     r#"{{"ResultCode":"1012","ResultText":"ID Number Validated","SmileJobID":"0000000001",
///         "PartnerParams":{{"user_id":"u-1","job_id":"j-1","job_type":5}},
///         "timestamp":"{}","signature":"{}"}}"#,
///     signed.timestamp, signed.signature
/// );
/// let callback = verify_callback(&signer, body.as_bytes(), now, &CallbackPolicy::default()).unwrap();
/// assert_eq!(callback.result().result_code().map(|c| c.as_str()), Some("1012"));
///
/// // The same body, checked ten minutes later, is refused as a possible replay.
/// let later = now + Duration::from_secs(600);
/// assert!(matches!(
///     verify_callback(&signer, body.as_bytes(), later, &CallbackPolicy::default()),
///     Err(CallbackError::Stale { .. })
/// ));
/// ```
pub fn verify_callback(
    signer: &Signer,
    body: &[u8],
    now: SystemTime,
    policy: &CallbackPolicy,
) -> Result<VerifiedCallback, CallbackError> {
    if body.len() > policy.max_body_bytes {
        return Err(CallbackError::TooLarge {
            len: body.len(),
            max: policy.max_body_bytes,
        });
    }
    if !is_json_object(body) {
        return Err(CallbackError::NotJson {
            message: "expected a JSON object".to_owned(),
        });
    }
    let envelope = SignedEnvelope::read(body).map_err(|e| CallbackError::NotJson {
        message: e.to_string(),
    })?;
    let signature = envelope
        .signature()
        .ok_or(CallbackError::MissingSignature)?;
    let timestamp = envelope
        .timestamp()
        .ok_or(CallbackError::MissingTimestamp)?;
    signer
        .verify(timestamp, signature)
        .map_err(|e| CallbackError::BadSignature(signature_failure(e)))?;
    let freshness = Freshness::new(policy.max_age, policy.max_future);
    let signed_at = freshness.check(timestamp, now).map_err(|e| match e {
        FreshnessError::TooOld { age, max_age } => CallbackError::Stale { age, max: max_age },
        FreshnessError::TooFarInFuture { ahead, max_future } => CallbackError::FutureDated {
            ahead,
            max: max_future,
        },
        _ => CallbackError::UnparseableTimestamp,
    })?;
    let body: CallbackBody = smileid_types::decode(body).map_err(|e| CallbackError::Decode {
        path: e.path().to_owned(),
        message: e.message().to_owned(),
    })?;
    Ok(VerifiedCallback { body, signed_at })
}

/// A [`Signer`] and a [`CallbackPolicy`] together, for a web handler that
/// verifies every incoming callback the same way. Needs no HTTP client.
///
/// ```
/// use std::time::SystemTime;
/// use smileid_core::{CallbackError, CallbackVerifier};
/// use smileid_sign::Signer;
///
/// let verifier = CallbackVerifier::new(Signer::new("085", "my-api-key").unwrap());
/// let err = verifier.verify(b"{\"ResultCode\":\"1012\"}", SystemTime::now()).unwrap_err();
/// assert_eq!(err, CallbackError::MissingSignature);
/// ```
#[derive(Clone, Debug)]
pub struct CallbackVerifier {
    signer: Signer,
    policy: CallbackPolicy,
}

impl CallbackVerifier {
    /// A verifier with the default [`CallbackPolicy`].
    pub fn new(signer: Signer) -> Self {
        Self::with_policy(signer, CallbackPolicy::default())
    }

    /// A verifier with `policy`.
    pub fn with_policy(signer: Signer, policy: CallbackPolicy) -> Self {
        Self { signer, policy }
    }

    /// The policy.
    pub fn policy(&self) -> &CallbackPolicy {
        &self.policy
    }

    /// Verifies `body` as of `now`; see [`verify_callback`].
    ///
    /// # Errors
    ///
    /// A [`CallbackError`] naming the first check that failed.
    pub fn verify(&self, body: &[u8], now: SystemTime) -> Result<VerifiedCallback, CallbackError> {
        verify_callback(&self.signer, body, now, &self.policy)
    }

    /// Verifies `body` as of the system clock.
    ///
    /// # Errors
    ///
    /// A [`CallbackError`] naming the first check that failed.
    pub fn verify_now(&self, body: &[u8]) -> Result<VerifiedCallback, CallbackError> {
        self.verify(body, SystemTime::now())
    }
}
