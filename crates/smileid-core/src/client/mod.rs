//! The generic client: one engine for every operation ([`Client::send`]),
//! driven through an [`HttpTransport`] and a [`Timer`].

mod builder;
mod engine;
mod submit;
mod wait;

use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use http::HeaderValue;
use smileid_sign::{ApiKey, Signer};

pub use builder::ClientBuilder;
pub use submit::{SubmitEvent, SubmitOptions, SubmittedJob};

use crate::environment::{BaseUrl, Environment};
use crate::request::DEFAULT_USER_AGENT;
use crate::response::ParseOptions;
use crate::retry::RetryPolicy;
use crate::transport::{HttpTransport, Timer};

/// The default limit on one attempt (one request and its response).
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);

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
    upload_timeout: Duration,
    parse_options: ParseOptions,
    user_agent: HeaderValue,
    rng: Mutex<fastrand::Rng>,
    /// The time the latest request was signed at; see
    /// [`Client::signing_time`].
    last_signed: Mutex<Option<SystemTime>>,
    transport: T,
    timer: R,
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

    /// The time limit of each attempt of a zip upload
    /// ([`ClientBuilder::upload_timeout`]).
    pub fn upload_timeout(&self) -> Duration {
        self.upload_timeout
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

    /// Whether answers that Smile ID does not settle as signed may come
    /// unsigned ([`ClientBuilder::accept_unsigned_answers`]).
    pub fn accepts_unsigned_answers(&self) -> bool {
        self.parse_options.accept_unsigned_answers
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
