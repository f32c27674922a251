//! The generic client: request building, verification, retries and waiting,
//! driven through an [`HttpTransport`] and a [`Timer`].

use std::fmt;
use std::pin::pin;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use futures_util::future::{Either, select};
use http::HeaderValue;
use http::header::USER_AGENT;
use smileid_sign::{ApiKey, CredentialError, Signer};
use tracing::Instrument as _;

use crate::environment::{BaseUrl, Environment};
use crate::error::{ConfigError, Error};
use crate::query::JobStatusQuery;
use crate::request::{DEFAULT_USER_AGENT, build_job_status_request, parse_job_status_response};
use crate::retry::RetryPolicy;
use crate::status::JobStatus;
use crate::transport::{HttpTransport, Timer, TransportError, TransportErrorKind};
use crate::wait::{PollEvent, PollOutcome, WaitPolicy};

/// The default limit on one attempt (one request and its response).
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);

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

/// A Smile ID v1 client over any [`HttpTransport`] and [`Timer`].
///
/// It owns no socket, runtime or clock: the transport sends, the timer
/// sleeps and tells the time. Backend crates (such as `smileid-hyper`) wrap
/// it with a concrete transport. Every call builds a freshly signed request,
/// verifies the response's signature, and retries only what may succeed on a
/// second try (see [`RetryPolicy`]).
///
/// `Debug` shows the partner id, base URL and policies, never the API key.
pub struct Client<T, R> {
    signer: Signer,
    environment: Environment,
    base: BaseUrl,
    retry: RetryPolicy,
    attempt_timeout: Option<Duration>,
    call_timeout: Option<Duration>,
    user_agent: HeaderValue,
    rng: Mutex<fastrand::Rng>,
    /// The time the latest request was signed at; see
    /// [`Client::signing_time`].
    last_signed: Mutex<Option<SystemTime>>,
    transport: T,
    timer: R,
}

/// Builds a [`Client`]; made by [`Client::builder`].
///
/// ```
/// use std::time::Duration;
/// use smileid_core::{Client, Environment, RetryPolicy};
///
/// let builder = Client::builder("085", "my-api-key")
///     .environment(Environment::Production)
///     .retry_policy(RetryPolicy::default().with_max_retries(3))
///     .attempt_timeout(Some(Duration::from_secs(10)))
///     .call_timeout(Some(Duration::from_secs(25)))
///     .user_agent_suffix("my-app/1.2");
/// ```
#[must_use]
pub struct ClientBuilder {
    signer: Result<Signer, CredentialError>,
    environment: Environment,
    retry: RetryPolicy,
    attempt_timeout: Option<Duration>,
    call_timeout: Option<Duration>,
    user_agent_suffix: Option<String>,
    rng_seed: Option<u64>,
}

impl ClientBuilder {
    fn with_signer(signer: Result<Signer, CredentialError>) -> Self {
        Self {
            signer,
            environment: Environment::Sandbox,
            retry: RetryPolicy::default(),
            attempt_timeout: Some(DEFAULT_ATTEMPT_TIMEOUT),
            call_timeout: None,
            user_agent_suffix: None,
            rng_seed: None,
        }
    }

    /// A builder around an existing [`Signer`].
    pub fn from_signer(signer: Signer) -> Self {
        Self::with_signer(Ok(signer))
    }

    /// Which server to talk to. Default: [`Environment::Sandbox`].
    pub fn environment(mut self, environment: Environment) -> Self {
        self.environment = environment;
        self
    }

    /// How failed attempts are retried. Default: [`RetryPolicy::default`].
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The longest one attempt (request and response) may take before it
    /// fails with a retryable `Timeout` transport error; `None` leaves it to
    /// the transport. Default: 30 s.
    pub fn attempt_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.attempt_timeout = timeout;
        self
    }

    /// The longest one [`Client::job_status`] call may take in all: every
    /// attempt and every backoff between them. `None` (the default) sets no
    /// overall limit, so with the default attempt timeout and retry policy a
    /// call against a server that never answers can take about 92 s (three
    /// attempts of 30 s and two backoffs), and longer when the server asks
    /// for a `Retry-After` wait.
    ///
    /// When the limit passes during an attempt, that attempt is dropped and
    /// the call fails with a retryable `Timeout` transport error; a retry
    /// whose backoff would end past the limit is not made, and the error of
    /// the last attempt is returned instead. In
    /// [`Client::wait_for_completion`] the limit applies to each poll, inside
    /// the wait's own deadline.
    pub fn call_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.call_timeout = timeout;
        self
    }

    /// A product token appended to the `User-Agent`, giving for example
    /// `smileid-core/0.1.0 smileid-hyper/0.1.0`. Calling it again appends
    /// another token.
    pub fn user_agent_suffix(mut self, token: impl Into<String>) -> Self {
        let token = token.into();
        self.user_agent_suffix = Some(match self.user_agent_suffix.take() {
            Some(previous) => format!("{previous} {token}"),
            None => token,
        });
        self
    }

    /// Seeds the backoff jitter, for reproducible tests. Default: a random
    /// seed.
    pub fn rng_seed(mut self, seed: u64) -> Self {
        self.rng_seed = Some(seed);
        self
    }

    /// Checks the configuration and builds the client.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] for an empty partner id or API key or a user
    /// agent suffix that is not a valid header value;
    /// [`Error::InvalidBaseUrl`] for a refused environment URL.
    pub fn build<T: HttpTransport, R: Timer>(
        self,
        transport: T,
        timer: R,
    ) -> Result<Client<T, R>, Error> {
        let signer = self.signer.map_err(|e| {
            Error::InvalidConfig(ConfigError::with_source("invalid credentials", e))
        })?;
        let base = self.environment.base_url()?;
        let user_agent = match &self.user_agent_suffix {
            None => HeaderValue::from_static(DEFAULT_USER_AGENT),
            Some(suffix) => {
                let suffix = suffix.trim();
                HeaderValue::from_str(&format!("{DEFAULT_USER_AGENT} {suffix}")).map_err(|_| {
                    Error::InvalidConfig(ConfigError::new(
                        "the user agent suffix is not a valid header value",
                    ))
                })?
            }
        };
        let rng = match self.rng_seed {
            Some(seed) => fastrand::Rng::with_seed(seed),
            None => fastrand::Rng::new(),
        };
        Ok(Client {
            signer,
            environment: self.environment,
            base,
            retry: self.retry,
            attempt_timeout: self.attempt_timeout,
            call_timeout: self.call_timeout,
            user_agent,
            rng: Mutex::new(rng),
            last_signed: Mutex::new(None),
            transport,
            timer,
        })
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("signer", &self.signer)
            .field("environment", &self.environment)
            .field("retry", &self.retry)
            .field("attempt_timeout", &self.attempt_timeout)
            .field("call_timeout", &self.call_timeout)
            .field("user_agent_suffix", &self.user_agent_suffix)
            .finish_non_exhaustive()
    }
}

/// Why one attempt or call stopped without a status.
enum Stop {
    Failed(Error),
    /// The caller's deadline (of a wait) passed.
    Deadline,
}

impl Client<(), ()> {
    /// Starts building a client for `partner_id` with `api_key`. The
    /// credentials are checked by [`ClientBuilder::build`].
    pub fn builder(partner_id: impl Into<String>, api_key: impl Into<ApiKey>) -> ClientBuilder {
        ClientBuilder::with_signer(Signer::new(partner_id, api_key))
    }
}

impl<T: HttpTransport, R: Timer> Client<T, R> {
    /// The signer (partner id and key).
    pub fn signer(&self) -> &Signer {
        &self.signer
    }

    /// The partner id.
    pub fn partner_id(&self) -> &str {
        self.signer.partner_id()
    }

    /// The environment the client was built for.
    pub fn environment(&self) -> &Environment {
        &self.environment
    }

    /// The checked base URL.
    pub fn base_url(&self) -> &BaseUrl {
        &self.base
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    /// The per-attempt timeout.
    pub fn attempt_timeout(&self) -> Option<Duration> {
        self.attempt_timeout
    }

    /// The overall limit of one call, all attempts included
    /// ([`ClientBuilder::call_timeout`]).
    pub fn call_timeout(&self) -> Option<Duration> {
        self.call_timeout
    }

    /// The `User-Agent` sent.
    pub fn user_agent(&self) -> &str {
        self.user_agent.to_str().unwrap_or(DEFAULT_USER_AGENT)
    }

    /// The transport.
    pub fn transport(&self) -> &T {
        &self.transport
    }

    /// The timer.
    pub fn timer(&self) -> &R {
        &self.timer
    }

    /// Asks for the status of one job, retrying transient failures per the
    /// [`RetryPolicy`]. Each attempt is signed afresh and bounded by the
    /// attempt timeout; the whole call by the call timeout, if one is set
    /// ([`ClientBuilder::call_timeout`]). The returned status may be
    /// incomplete; see [`Client::wait_for_completion`] to wait.
    ///
    /// # Errors
    ///
    /// Any [`Error`] but the configuration ones and `WaitTimedOut`.
    pub async fn job_status(&self, query: &JobStatusQuery) -> Result<JobStatus, Error> {
        query.validate()?;
        let span = tracing::info_span!(
            "smileid.job_status",
            user_id = query.user_id(),
            job_id = query.job_id(),
        );
        match self.call(query, None).instrument(span).await {
            Ok(status) => Ok(status),
            Err(Stop::Failed(e)) => Err(e),
            // Unreachable without a deadline; reported as a timeout anyway.
            Err(Stop::Deadline) => Err(Error::Transport(TransportError::msg(
                TransportErrorKind::Timeout,
                "deadline passed",
            ))),
        }
    }

    /// Polls the job until it is complete, on the schedule of `policy`.
    /// Same as [`Client::wait_for_completion_with`] without an observer.
    ///
    /// # Errors
    ///
    /// [`Error::WaitTimedOut`] at the deadline or the poll limit; the first
    /// non-retryable error otherwise.
    pub async fn wait_for_completion(
        &self,
        query: &JobStatusQuery,
        policy: &WaitPolicy,
    ) -> Result<JobStatus, Error> {
        self.wait_for_completion_with(query, policy, |_: &PollEvent<'_>| {})
            .await
    }

    /// Polls the job until `job_complete` is true, calling `observer` after
    /// every poll (a progress display, a log line).
    ///
    /// Every poll is a freshly signed [`Client::job_status`] call, with its
    /// own retries (and its own call timeout, if set). A retryable failure that outlasts those retries does not
    /// end the wait: the next poll follows on schedule (or after the
    /// server's `Retry-After`, if longer). A non-retryable failure ends the
    /// wait at once. The overall deadline bounds everything, including a
    /// request in flight, which is cut off when the deadline passes.
    ///
    /// Dropping the returned future cancels the wait: nothing is spawned.
    ///
    /// # Errors
    ///
    /// [`Error::WaitTimedOut`] with the last status seen, at the deadline or
    /// the poll limit; the first non-retryable error otherwise.
    pub async fn wait_for_completion_with<F>(
        &self,
        query: &JobStatusQuery,
        policy: &WaitPolicy,
        observer: F,
    ) -> Result<JobStatus, Error>
    where
        F: FnMut(&PollEvent<'_>),
    {
        query.validate()?;
        let span = tracing::info_span!(
            "smileid.wait_for_completion",
            user_id = query.user_id(),
            job_id = query.job_id(),
            polls = tracing::field::Empty,
        );
        self.wait_inner(query, policy, observer)
            .instrument(span)
            .await
    }

    async fn wait_inner<F>(
        &self,
        query: &JobStatusQuery,
        policy: &WaitPolicy,
        mut observer: F,
    ) -> Result<JobStatus, Error>
    where
        F: FnMut(&PollEvent<'_>),
    {
        let start = self.timer.now();
        let deadline = start.checked_add(policy.deadline);
        let mut polls: u32 = 0;
        let mut last: Option<JobStatus> = None;
        let timed_out = |last: Option<JobStatus>, polls: u32, timer: &R| {
            tracing::Span::current().record("polls", polls);
            Error::WaitTimedOut {
                last: last.map(Box::new),
                polls,
                elapsed: timer.now().saturating_duration_since(start),
            }
        };
        loop {
            if polls >= policy.max_polls {
                return Err(timed_out(last, polls, &self.timer));
            }
            polls += 1;
            // Boxed: the state of a request in flight (the transport's future
            // included) lives on the heap only while the poll runs, so a wait
            // that sleeps between polls stays small (see docs/performance.md).
            let result = Box::pin(
                self.call(query, deadline)
                    .instrument(tracing::info_span!("smileid.poll", poll = polls)),
            )
            .await;
            let elapsed = self.timer.now().saturating_duration_since(start);
            // How long until the next poll, if there is one.
            let next = |server_wait: Option<Duration>| -> Option<Duration> {
                if polls >= policy.max_polls {
                    return None;
                }
                let delay = policy
                    .delay_after(polls)
                    .max(server_wait.unwrap_or_default());
                let at = self.timer.now().checked_add(delay)?;
                match deadline {
                    Some(deadline) if at >= deadline => None,
                    _ => Some(delay),
                }
            };
            let delay = match result {
                Ok(status) => {
                    if status.is_complete() {
                        observer(&PollEvent {
                            poll: polls,
                            elapsed,
                            outcome: PollOutcome::Status(&status),
                            next_poll_in: None,
                        });
                        tracing::Span::current().record("polls", polls);
                        return Ok(status);
                    }
                    let delay = next(None);
                    observer(&PollEvent {
                        poll: polls,
                        elapsed,
                        outcome: PollOutcome::Status(&status),
                        next_poll_in: delay,
                    });
                    last = Some(status);
                    delay
                }
                Err(Stop::Failed(error)) => {
                    let delay = if error.is_retryable() {
                        next(error.retry_after())
                    } else {
                        None
                    };
                    observer(&PollEvent {
                        poll: polls,
                        elapsed,
                        outcome: PollOutcome::Failed(&error),
                        next_poll_in: delay,
                    });
                    if !error.is_retryable() {
                        tracing::Span::current().record("polls", polls);
                        return Err(error);
                    }
                    tracing::debug!(error = %error, "poll failed; the wait goes on");
                    delay
                }
                Err(Stop::Deadline) => {
                    observer(&PollEvent {
                        poll: polls,
                        elapsed,
                        outcome: PollOutcome::DeadlineReached,
                        next_poll_in: None,
                    });
                    None
                }
            };
            match delay {
                Some(delay) => self.timer.sleep(delay).await,
                None => return Err(timed_out(last, polls, &self.timer)),
            }
        }
    }

    /// One job status call with retries, bounded by the wait's `deadline`
    /// if any, and by the call timeout if set.
    async fn call(
        &self,
        query: &JobStatusQuery,
        deadline: Option<Instant>,
    ) -> Result<JobStatus, Stop> {
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
                .attempt(query, deadline, call_deadline)
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
            let Some(delay) = self.retry.decide(retries, &error, jitter) else {
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
    async fn attempt(
        &self,
        query: &JobStatusQuery,
        deadline: Option<Instant>,
        call_deadline: Option<Instant>,
    ) -> Result<JobStatus, Stop> {
        let started = self.timer.now();
        let left = |at: Option<Instant>| at.map(|at| at.saturating_duration_since(started));
        let (wait_left, call_left) = (left(deadline), left(call_deadline));
        if wait_left == Some(Duration::ZERO) {
            return Err(Stop::Deadline);
        }
        if call_left == Some(Duration::ZERO) {
            return Err(Stop::Failed(Error::Transport(self.call_timed_out())));
        }
        // The first of equal limits wins: a wait's deadline is reported as
        // such, and the call's limit before the attempt's.
        let limit = [
            (wait_left, Limit::Wait),
            (call_left, Limit::Call),
            (self.attempt_timeout, Limit::Attempt),
        ]
        .into_iter()
        .filter_map(|(left, which)| left.map(|left| (left, which)))
        .min_by_key(|&(left, _)| left);

        let mut request =
            build_job_status_request(&self.signer, &self.base, query, self.signing_time())
                .map_err(Stop::Failed)?;
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
        let response = sent.map_err(|e| Stop::Failed(Error::Transport(e)))?;
        span.record("http.status", response.status().as_u16());
        parse_job_status_response(&self.signer, response, self.timer.system_now())
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

impl<T, R> fmt::Debug for Client<T, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("partner_id", &self.signer.partner_id())
            .field("environment", &self.environment.name())
            .field("base_url", &self.base)
            .field("retry", &self.retry)
            .field("attempt_timeout", &self.attempt_timeout)
            .field("call_timeout", &self.call_timeout)
            .field("user_agent", &self.user_agent)
            .finish_non_exhaustive()
    }
}
