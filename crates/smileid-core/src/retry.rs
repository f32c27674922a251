//! When to retry a failed call, and how long to wait first.
//!
//! # Repeat safety
//!
//! Whether a failed attempt is sent again depends on the operation's
//! [`RepeatSafety`] as much as on the failure. This table is the rule; every
//! other page links here.
//!
//! | failure | idempotent (job status, services, valid documents, products config, web token, the zip upload) | entry (ID and business verification, AML, upload prep, their async variants) |
//! |---|---|---|
//! | `Connect` transport error (refused, DNS, TLS handshake: nothing was written) | retried | retried |
//! | HTTP 429 with `Retry-After` (at most `max_retry_after`) | retried after it | retried after it |
//! | HTTP 429 without `Retry-After` | retried with backoff | returned as [`Error::Api`] |
//! | HTTP 408, 500, 502, 503, 504 | retried with backoff (or `Retry-After`) | returned as [`Error::Api`]; the job may exist |
//! | `Timeout` or `Io` transport error (the request may have arrived) | retried with backoff | returned as [`Error::OutcomeUnknown`] |
//! | `BodyTooLarge` or `Other` transport error | returned | returned as [`Error::OutcomeUnknown`] |
//! | any other status, a signature or decode failure | returned | returned |
//!
//! When an entry call ends in [`Error::OutcomeUnknown`] (or a 5xx), the job
//! may have been created and billed: query its job status with the same
//! `user_id` and `job_id` before resubmitting.
//!
//! Every retry is a fresh request with a fresh timestamp and signature, and
//! never starts after the call's or the wait's deadline.

use std::time::{Duration, SystemTime};

use crate::error::Error;
use crate::operation::RepeatSafety;
use crate::transport::TransportErrorKind;

/// How many times, and after how long, a failed attempt is retried; which
/// failures are retried is decided by the operation's repeat safety (the
/// [table](self#repeat-safety)).
///
/// For idempotent calls, a failed attempt is retried when [`Error::is_retryable`] says so
/// (`Connect`, `Timeout` and `Io` transport errors; HTTP 408, 429, 500, 502,
/// 503, 504) and fewer than `max_retries` retries were made. Nothing else is
/// retried: not 400, 401, 403, 404, redirects, signature or decode failures.
///
/// The delay before retry `n` (0-based) is exponential backoff with *equal
/// jitter*: with `ceiling = min(max_backoff, initial_backoff * 2^n)`, the
/// delay is uniformly drawn from `[ceiling / 2, ceiling]`.
///
/// When the response carried `Retry-After` (seconds or an HTTP date), that
/// delay is used instead of the backoff, as long as it is at most
/// `max_retry_after`. A longer `Retry-After` stops the retries: the error is
/// returned at once, with [`Error::retry_after`] telling the caller how long
/// the server asked to wait. (Retrying sooner than the server asked would
/// only earn another refusal; sleeping for minutes inside a call would look
/// like a hang.)
///
/// Every retry is a fresh request with a fresh timestamp and signature.
///
/// ```
/// use std::time::Duration;
/// use smileid_core::RetryPolicy;
///
/// let policy = RetryPolicy::default()
///     .with_max_retries(3)
///     .with_initial_backoff(Duration::from_millis(100));
/// assert_eq!(policy.max_retries, 3);
/// // The largest possible delay before the first retry is the initial backoff.
/// assert_eq!(policy.backoff(0, 1.0), Duration::from_millis(100));
/// assert_eq!(policy.backoff(0, 0.0), Duration::from_millis(50));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Retries after the first attempt. Default 2 (three attempts at most).
    pub max_retries: u32,
    /// Backoff ceiling for the first retry. Default 500 ms.
    pub initial_backoff: Duration,
    /// Largest backoff ceiling. Default 8 s.
    pub max_backoff: Duration,
    /// Longest `Retry-After` that is honoured by waiting; a longer one ends
    /// the retries. Default 30 s.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 2,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// No retries at all: every failure is returned at once.
    pub fn none() -> Self {
        Self {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// Sets [`max_retries`](Self::max_retries).
    #[must_use]
    pub fn with_max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// Sets [`initial_backoff`](Self::initial_backoff).
    #[must_use]
    pub fn with_initial_backoff(mut self, initial_backoff: Duration) -> Self {
        self.initial_backoff = initial_backoff;
        self
    }

    /// Sets [`max_backoff`](Self::max_backoff).
    #[must_use]
    pub fn with_max_backoff(mut self, max_backoff: Duration) -> Self {
        self.max_backoff = max_backoff;
        self
    }

    /// Sets [`max_retry_after`](Self::max_retry_after).
    #[must_use]
    pub fn with_max_retry_after(mut self, max_retry_after: Duration) -> Self {
        self.max_retry_after = max_retry_after;
        self
    }

    /// The backoff before retry number `retry` (0 for the first retry), with
    /// `jitter` in `[0, 1]` (values outside are clamped): `ceiling / 2 +
    /// ceiling / 2 * jitter`, where `ceiling = min(max_backoff,
    /// initial_backoff * 2^retry)`.
    pub fn backoff(&self, retry: u32, jitter: f64) -> Duration {
        let factor = 2u32.checked_pow(retry.min(31)).unwrap_or(u32::MAX);
        let ceiling = self
            .initial_backoff
            .checked_mul(factor)
            .unwrap_or(self.max_backoff)
            .min(self.max_backoff);
        let jitter = if jitter.is_nan() {
            0.0
        } else {
            jitter.clamp(0.0, 1.0)
        };
        let half = ceiling / 2;
        half.saturating_add(half.mul_f64(jitter))
    }

    /// The pure retry decision: after `retries` retries already made, with
    /// this `error` from the latest attempt and a `jitter` in `[0, 1]`,
    /// returns how long to wait before the next attempt, or `None` when the
    /// error must be returned.
    ///
    /// ```
    /// use std::time::Duration;
    /// use smileid_core::{ApiError, Error, RetryPolicy};
    ///
    /// let policy = RetryPolicy::default();
    /// let unavailable = Error::Api(
    ///     ApiError::new("job_status", http::StatusCode::SERVICE_UNAVAILABLE)
    ///         .with_retry_after(Some(Duration::from_secs(3))),
    /// );
    /// assert_eq!(policy.decide(0, &unavailable, 0.5), Some(Duration::from_secs(3)));
    /// assert_eq!(policy.decide(2, &unavailable, 0.5), None); // out of retries
    /// ```
    pub fn decide(&self, retries: u32, error: &Error, jitter: f64) -> Option<Duration> {
        self.decide_for(RepeatSafety::Idempotent, retries, error, jitter)
    }

    /// [`decide`](Self::decide) for an operation of repeat safety `safety`:
    /// an [`RepeatSafety::Entry`] call is retried only after a `Connect`
    /// transport error or a `429` with `Retry-After` (the
    /// [table](self#repeat-safety)).
    ///
    /// ```
    /// use std::time::Duration;
    /// use smileid_core::{ApiError, Error, RepeatSafety, RetryPolicy};
    ///
    /// let policy = RetryPolicy::default();
    /// let failed = Error::Api(ApiError::new("id_verification", http::StatusCode::INTERNAL_SERVER_ERROR));
    /// assert!(policy.decide_for(RepeatSafety::Idempotent, 0, &failed, 0.5).is_some());
    /// assert_eq!(policy.decide_for(RepeatSafety::Entry, 0, &failed, 0.5), None);
    /// ```
    pub fn decide_for(
        &self,
        safety: RepeatSafety,
        retries: u32,
        error: &Error,
        jitter: f64,
    ) -> Option<Duration> {
        if retries >= self.max_retries || !error.is_retryable() {
            return None;
        }
        if safety == RepeatSafety::Entry && !is_provably_unsent_or_refused(error) {
            return None;
        }
        match error.retry_after() {
            Some(wait) if wait > self.max_retry_after => None,
            Some(wait) => Some(wait),
            None => Some(self.backoff(retries, jitter)),
        }
    }
}

/// Whether an entry call may be sent again after `error`: it provably never
/// left, or the server refused it with `429` and said when to come back.
fn is_provably_unsent_or_refused(error: &Error) -> bool {
    match error {
        Error::Transport(e) => e.kind() == TransportErrorKind::Connect,
        Error::Api(e) => {
            e.status() == http::StatusCode::TOO_MANY_REQUESTS && e.retry_after().is_some()
        }
        _ => false,
    }
}

/// Reads a `Retry-After` header value: delay-seconds (`"120"`) or an HTTP
/// date (`"Wed, 21 Oct 2026 07:28:00 GMT"`), taken relative to `now`. A date
/// in the past gives zero; anything else unreadable gives `None`.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use smileid_core::retry::parse_retry_after;
///
/// let now = UNIX_EPOCH + Duration::from_secs(1_000_000_000);
/// assert_eq!(parse_retry_after("7", now), Some(Duration::from_secs(7)));
/// assert_eq!(
///     parse_retry_after("Sun, 09 Sep 2001 01:47:30 GMT", now),
///     Some(Duration::from_secs(50))
/// );
/// assert_eq!(parse_retry_after("soon", now), None);
/// ```
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // Absurdly long digit strings saturate rather than fail.
        let secs = value.parse::<u64>().unwrap_or(u64::MAX);
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transport::{TransportError, TransportErrorKind};

    fn api(status: u16, retry_after: Option<Duration>) -> Error {
        Error::Api(
            crate::ApiError::new("test", http::StatusCode::from_u16(status).unwrap())
                .with_retry_after(retry_after),
        )
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let p = RetryPolicy::default();
        assert_eq!(p.backoff(0, 1.0), Duration::from_millis(500));
        assert_eq!(p.backoff(1, 1.0), Duration::from_secs(1));
        assert_eq!(p.backoff(2, 1.0), Duration::from_secs(2));
        assert_eq!(p.backoff(10, 1.0), Duration::from_secs(8));
        assert_eq!(p.backoff(u32::MAX, 1.0), Duration::from_secs(8));
        assert_eq!(p.backoff(10, 0.0), Duration::from_secs(4));
        assert_eq!(p.backoff(0, 0.5), Duration::from_millis(375));
        assert_eq!(p.backoff(0, -3.0), Duration::from_millis(250));
        assert_eq!(p.backoff(0, f64::NAN), Duration::from_millis(250));
        // Extreme settings saturate instead of overflowing.
        let huge = RetryPolicy::default()
            .with_initial_backoff(Duration::MAX)
            .with_max_backoff(Duration::MAX);
        for retry in [0, 1, 40, u32::MAX] {
            for jitter in [0.0, 0.5, 1.0] {
                assert!(huge.backoff(retry, jitter) >= Duration::MAX / 2);
            }
        }
    }

    #[test]
    fn retryable_statuses_only() {
        let p = RetryPolicy::default();
        for status in [408, 429, 500, 502, 503, 504] {
            assert!(p.decide(0, &api(status, None), 1.0).is_some(), "{status}");
            assert!(p.decide(1, &api(status, None), 1.0).is_some(), "{status}");
            assert!(p.decide(2, &api(status, None), 1.0).is_none(), "{status}");
        }
        for status in [301, 302, 400, 401, 403, 404, 409, 422, 501, 505] {
            assert!(p.decide(0, &api(status, None), 1.0).is_none(), "{status}");
        }
        assert!(
            p.decide(
                0,
                &Error::Signature(crate::SignatureError::new(
                    "test",
                    crate::SignatureFailure::Mismatch
                )),
                1.0
            )
            .is_none()
        );
        assert!(
            p.decide(
                0,
                &Error::Decode(crate::DecodeError::new("test", "", "")),
                1.0
            )
            .is_none()
        );
    }

    #[test]
    fn transport_kinds() {
        let p = RetryPolicy::default();
        for (kind, retry) in [
            (TransportErrorKind::Connect, true),
            (TransportErrorKind::Timeout, true),
            (TransportErrorKind::Io, true),
            (TransportErrorKind::BodyTooLarge, false),
            (TransportErrorKind::Other, false),
        ] {
            let e = Error::Transport(TransportError::msg(kind, "x"));
            assert_eq!(p.decide(0, &e, 0.0).is_some(), retry, "{kind:?}");
        }
    }

    #[test]
    fn retry_after_is_honoured_up_to_the_cap() {
        let p = RetryPolicy::default();
        assert_eq!(
            p.decide(0, &api(429, Some(Duration::from_secs(30))), 0.0),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            p.decide(0, &api(429, Some(Duration::from_secs(31))), 0.0),
            None
        );
        assert_eq!(
            p.decide(0, &api(503, Some(Duration::ZERO)), 0.0),
            Some(Duration::ZERO)
        );
    }

    #[test]
    fn entry_calls_retry_only_what_never_arrived() {
        let p = RetryPolicy::default();
        let entry = |e: &Error| p.decide_for(RepeatSafety::Entry, 0, e, 0.0);
        let transport = |kind| Error::Transport(crate::TransportError::msg(kind, "x"));
        assert!(entry(&transport(TransportErrorKind::Connect)).is_some());
        for kind in [
            TransportErrorKind::Timeout,
            TransportErrorKind::Io,
            TransportErrorKind::BodyTooLarge,
            TransportErrorKind::Other,
        ] {
            assert_eq!(entry(&transport(kind)), None, "{kind:?}");
        }
        assert_eq!(
            entry(&api(429, Some(Duration::from_secs(2)))),
            Some(Duration::from_secs(2))
        );
        // Too long a Retry-After still ends the retries.
        assert_eq!(entry(&api(429, Some(Duration::from_secs(31)))), None);
        for status in [408, 500, 502, 503, 504] {
            assert_eq!(entry(&api(status, None)), None, "{status}");
            assert_eq!(entry(&api(status, Some(Duration::ZERO))), None, "{status}");
        }
        assert_eq!(entry(&api(429, None)), None);
        // Out of retries is out of retries.
        assert_eq!(
            p.decide_for(
                RepeatSafety::Entry,
                2,
                &transport(TransportErrorKind::Connect),
                0.0
            ),
            None
        );
    }

    #[test]
    fn none_never_retries() {
        assert_eq!(RetryPolicy::none().decide(0, &api(503, None), 0.0), None);
    }

    #[test]
    fn retry_after_forms() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("99999999999999999999999", now),
            Some(Duration::from_secs(u64::MAX))
        );
        assert_eq!(
            parse_retry_after("Sun, 09 Sep 2001 01:46:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("-5", now), None);
        assert_eq!(parse_retry_after("1.5", now), None);
        assert_eq!(parse_retry_after("", now), None);
    }
}
