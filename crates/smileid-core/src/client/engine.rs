//! The engine: one generic path that signs, sends, times, retries and
//! verifies every operation.

use std::pin::pin;
use std::time::{Duration, Instant, SystemTime};

use futures_util::future::{Either, select};
use http::header::USER_AGENT;
use tracing::Instrument as _;

use super::Client;
use crate::error::{Error, OutcomeUnknown};
use crate::job_status::JobStatusQuery;
use crate::operation::{Operation, RepeatSafety, RequestContext};
use crate::response::parse_response_with;
use crate::transport::{HttpTransport, RequestTimeout, Timer, TransportError, TransportErrorKind};
use crate::verified::JobStatus;

/// Which limit cut an attempt short.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Limit {
    /// The deadline of a wait.
    Wait,
    /// The overall limit of one call ([`ClientBuilder::call_timeout`]).
    Call,
    /// The limit of one attempt ([`ClientBuilder::attempt_timeout`]).
    Attempt,
}

/// Why one attempt or call stopped without a status.
pub(super) enum Stop {
    Failed(Error),
    /// The caller's deadline (of a wait) passed.
    Deadline,
}

impl<T: HttpTransport, R: Timer> Client<T, R> {
    /// Sends one operation: checks it, then signs and sends its request,
    /// retrying what its [repeat safety](crate::retry#repeat-safety) and the
    /// [`RetryPolicy`](crate::RetryPolicy) allow. Each attempt is signed
    /// afresh and bounded by the attempt timeout; the whole call by the call
    /// timeout, if one is set ([`ClientBuilder::call_timeout`](crate::ClientBuilder::call_timeout)).
    /// The call runs in the operation's `tracing` span
    /// ([`Operation::span`]), each attempt in a `smileid.attempt` span.
    ///
    /// # Errors
    ///
    /// Any [`Error`] but the configuration ones and `WaitTimedOut`; every
    /// error names the operation ([`Error::operation`]).
    pub async fn send<O: Operation>(&self, op: &O) -> Result<O::Output, Error> {
        op.validate()
            .map_err(|e| e.in_operation(O::NAME, O::REPEAT_SAFETY))?;
        match self.call(op, None).instrument(op.span()).await {
            Ok(output) => Ok(output),
            Err(Stop::Failed(e)) => Err(e),
            // Unreachable without a deadline; reported as a timeout anyway.
            Err(Stop::Deadline) => {
                let mut error = TransportError::msg(TransportErrorKind::Timeout, "deadline passed");
                error.set_operation(O::NAME);
                Err(sent_and_failed(O::NAME, O::REPEAT_SAFETY, error))
            }
        }
    }

    /// Asks for the status of one job: [`send`](Self::send) of `query`,
    /// retrying transient failures per the [`RetryPolicy`](crate::RetryPolicy).
    /// The returned status may be incomplete; see
    /// [`Client::wait_for_completion`] to wait.
    ///
    /// # Errors
    ///
    /// Any [`Error`] but the configuration ones and `WaitTimedOut`.
    pub async fn job_status(&self, query: &JobStatusQuery) -> Result<JobStatus, Error> {
        self.send(query).await
    }

    /// One call of `op` with retries (as its repeat safety allows), bounded
    /// by the wait's `deadline` if any, and by the call timeout if set.
    pub(super) async fn call<O: Operation>(
        &self,
        op: &O,
        deadline: Option<Instant>,
    ) -> Result<O::Output, Stop> {
        let call_deadline = self
            .call_timeout
            .and_then(|timeout| self.timer.now().checked_add(timeout));
        // The sooner of the two: no backoff may end past it.
        let last_resume = match (deadline, call_deadline) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let mut retries: u32 = 0;
        loop {
            let span = tracing::info_span!(
                "smileid.attempt",
                attempt = retries + 1,
                http.status = tracing::field::Empty,
                latency_ms = tracing::field::Empty,
            );
            let error = match self
                .attempt(op, deadline, call_deadline)
                .instrument(span)
                .await
            {
                Ok(status) => return Ok(status),
                Err(Stop::Deadline) => return Err(Stop::Deadline),
                Err(Stop::Failed(error)) => error,
            };
            let jitter = match self.rng.lock() {
                Ok(mut rng) => rng.f64(),
                Err(poisoned) => poisoned.into_inner().f64(),
            };
            let Some(delay) = self
                .retry
                .decide_for(O::REPEAT_SAFETY, retries, &error, jitter)
            else {
                return Err(Stop::Failed(error));
            };
            if let Some(last_resume) = last_resume {
                let resume = self.timer.now().checked_add(delay);
                if resume.is_none_or(|at| at >= last_resume) {
                    return Err(Stop::Failed(error));
                }
            }
            tracing::info!(
                error = %error,
                retry_in_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                "attempt failed; retrying"
            );
            self.timer.sleep(delay).await;
            retries += 1;
        }
    }

    /// One signed request and its verified response, raced against the
    /// tightest of the wait's deadline, the call's deadline and the attempt
    /// timeout.
    async fn attempt<O: Operation>(
        &self,
        op: &O,
        deadline: Option<Instant>,
        call_deadline: Option<Instant>,
    ) -> Result<O::Output, Stop> {
        let started = self.timer.now();
        let left = |at: Option<Instant>| at.map(|at| at.saturating_duration_since(started));
        let (wait_left, call_left) = (left(deadline), left(call_deadline));
        if wait_left == Some(Duration::ZERO) {
            return Err(Stop::Deadline);
        }
        if call_left == Some(Duration::ZERO) {
            // Nothing was sent: a plain transport error, whatever the
            // operation.
            let mut error = self.call_timed_out();
            error.set_operation(O::NAME);
            return Err(Stop::Failed(Error::Transport(error)));
        }
        let cx = RequestContext::new(&self.signer, &self.base, self.signing_time());
        let mut request = op
            .encode(&cx)
            .map_err(|e| Stop::Failed(e.in_operation(O::NAME, O::REPEAT_SAFETY)))?;
        // An operation that needs longer than an API call (an upload) says
        // so on its request.
        let attempt_timeout = request
            .extensions()
            .get::<RequestTimeout>()
            .map(|t| t.0)
            .or(self.attempt_timeout);
        // The first of equal limits wins: a wait's deadline is reported as
        // such, and the call's limit before the attempt's.
        let limit = [
            (wait_left, Limit::Wait),
            (call_left, Limit::Call),
            (attempt_timeout, Limit::Attempt),
        ]
        .into_iter()
        .filter_map(|(left, which)| left.map(|left| (left, which)))
        .min_by_key(|&(left, _)| left);

        request
            .headers_mut()
            .insert(USER_AGENT, self.user_agent.clone());
        let send = self.transport.send(request);
        let sent = match limit {
            None => send.await,
            Some((limit, which)) => match select(pin!(send), pin!(self.timer.sleep(limit))).await {
                Either::Left((sent, _)) => sent,
                Either::Right(((), _)) => match which {
                    Limit::Wait => {
                        tracing::debug!("deadline passed while the request was in flight");
                        return Err(Stop::Deadline);
                    }
                    Limit::Call => Err(self.call_timed_out()),
                    Limit::Attempt => Err(TransportError::msg(
                        TransportErrorKind::Timeout,
                        format!("no response within {limit:?}"),
                    )),
                },
            },
        };
        let latency = self.timer.now().saturating_duration_since(started);
        let span = tracing::Span::current();
        span.record(
            "latency_ms",
            u64::try_from(latency.as_millis()).unwrap_or(u64::MAX),
        );
        let response = sent.map_err(|mut e| {
            e.set_operation(O::NAME);
            Stop::Failed(sent_and_failed(O::NAME, O::REPEAT_SAFETY, e))
        })?;
        span.record("http.status", response.status().as_u16());
        parse_response_with(
            op,
            &self.signer,
            response,
            self.timer.system_now(),
            self.parse_options,
        )
        .map_err(Stop::Failed)
    }
}

impl<T, R: Timer> Client<T, R> {
    /// The time to sign the next request at: the wall clock, moved on to one
    /// millisecond after the previous request's time when the clock has not
    /// passed it yet. Timestamps carry milliseconds, so without this two
    /// attempts in the same millisecond (a `Retry-After: 0` answered at
    /// once) would carry the same timestamp and signature. A clock stepped
    /// back by more than a second is followed as it is.
    fn signing_time(&self) -> SystemTime {
        const STEP: Duration = Duration::from_millis(1);
        const MAX_LEAD: Duration = Duration::from_secs(1);
        let now = self.timer.system_now();
        let mut last = match self.last_signed.lock() {
            Ok(last) => last,
            Err(poisoned) => poisoned.into_inner(),
        };
        let at = match last.and_then(|previous| previous.checked_add(STEP)) {
            Some(next)
                if now < next && next.duration_since(now).unwrap_or_default() <= MAX_LEAD =>
            {
                next
            }
            _ => now,
        };
        *last = Some(at);
        at
    }

    /// The error of a call that outlasted its call timeout.
    fn call_timed_out(&self) -> TransportError {
        TransportError::msg(
            TransportErrorKind::Timeout,
            format!(
                "the call did not complete within its limit of {:?}",
                self.call_timeout.unwrap_or_default()
            ),
        )
    }
}

/// The error for a request that failed after it was handed to the
/// transport: for a call that creates a job, anything but a failure to
/// connect (TCP or TLS) may have reached the server, so its outcome is
/// unknown.
fn sent_and_failed(operation: &'static str, safety: RepeatSafety, error: TransportError) -> Error {
    if safety == RepeatSafety::Entry && !error.kind().never_sent() {
        Error::OutcomeUnknown(OutcomeUnknown::new(operation, error))
    } else {
        Error::Transport(error)
    }
}
