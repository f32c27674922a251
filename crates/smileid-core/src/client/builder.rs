//! [`ClientBuilder`]: credentials, environment, retries, timeouts and the
//! user agent, checked once.

use std::fmt;
use std::sync::Mutex;
use std::time::Duration;

use http::HeaderValue;
use smileid_sign::{CredentialError, Signer};

use super::{Client, DEFAULT_ATTEMPT_TIMEOUT};
use crate::environment::Environment;
use crate::error::{ConfigError, Error};
use crate::request::DEFAULT_USER_AGENT;
use crate::retry::RetryPolicy;
use crate::transport::{HttpTransport, Timer};

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
#[derive(Clone)]
pub struct ClientBuilder {
    signer: Result<Signer, CredentialError>,
    environment: Environment,
    retry: RetryPolicy,
    attempt_timeout: Option<Duration>,
    call_timeout: Option<Duration>,
    upload_timeout: Duration,
    accept_unsigned_answers: bool,
    user_agent_suffix: Option<String>,
    rng_seed: Option<u64>,
}

impl ClientBuilder {
    pub(super) fn with_signer(signer: Result<Signer, CredentialError>) -> Self {
        Self {
            signer,
            environment: Environment::Sandbox,
            retry: RetryPolicy::default(),
            attempt_timeout: Some(DEFAULT_ATTEMPT_TIMEOUT),
            call_timeout: None,
            upload_timeout: crate::upload::DEFAULT_UPLOAD_TIMEOUT,
            accept_unsigned_answers: false,
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

    /// The longest one call ([`Client::send`], [`Client::job_status`]) may
    /// take in all: every
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

    /// Sets the time limit of each attempt of an image job's zip PUT
    /// ([`ZipUpload`](crate::ZipUpload)), which replaces the attempt
    /// timeout for that request. Default:
    /// [`DEFAULT_UPLOAD_TIMEOUT`](crate::DEFAULT_UPLOAD_TIMEOUT), two
    /// minutes.
    pub fn upload_timeout(mut self, timeout: Duration) -> Self {
        self.upload_timeout = timeout;
        self
    }

    /// Accept answers that carry no signature at all from the operations
    /// whose signing Smile ID documents but does not settle (sync ID
    /// lookups, business verification, AML:
    /// [`SignatureMode::Expected`](crate::SignatureMode::Expected)), for
    /// the case that production does not sign them. An answer whose
    /// signature is present but wrong is still refused, and job status
    /// always requires one. Such answers are marked
    /// [`SignatureCheck::Unsigned`](crate::SignatureCheck::Unsigned).
    /// Default `false`: every one must be signed (fail closed).
    pub fn accept_unsigned_answers(mut self, accept: bool) -> Self {
        self.accept_unsigned_answers = accept;
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

    /// A custom `https` base URL (a proxy), such as
    /// `https://proxy.example.com/smile/v1`: the same as
    /// `environment(Environment::custom(url))`, and as smileid-hyper's
    /// builder method of this name. Checked by [`build`](Self::build).
    pub fn base_url(self, url: impl Into<String>) -> Self {
        self.environment(crate::Environment::custom(url))
    }

    /// A custom base URL that may also be plain `http` to a loopback host,
    /// for a local emulator: `environment(Environment::custom_insecure_loopback(url))`.
    /// Plain `http` to any other host is still refused by
    /// [`build`](Self::build).
    pub fn insecure_loopback_base_url(self, url: impl Into<String>) -> Self {
        self.environment(crate::Environment::custom_insecure_loopback(url))
    }

    /// Checks the configured environment's URL, as [`build`](Self::build)
    /// will, and returns it.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidBaseUrl`] for a refused URL.
    pub fn check_base_url(&self) -> Result<crate::BaseUrl, Error> {
        self.environment.base_url()
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
            upload_timeout: self.upload_timeout,
            parse_options: crate::ParseOptions::default()
                .with_accept_unsigned_answers(self.accept_unsigned_answers),
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
            .field("upload_timeout", &self.upload_timeout)
            .field("accept_unsigned_answers", &self.accept_unsigned_answers)
            .field("user_agent_suffix", &self.user_agent_suffix)
            .finish_non_exhaustive()
    }
}
