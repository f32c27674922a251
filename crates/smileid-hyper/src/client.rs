//! [`Client`]: smileid-core's engine over [`HyperTransport`] and
//! [`TokioTimer`], as a cheap, cloneable handle.

use std::fmt;
use std::sync::Arc;

use smileid_core::{
    Environment, Error, ImageJob, JobStatus, JobStatusQuery, Operation, PollEvent, SubmitEvent,
    SubmitOptions, SubmittedJob, WaitPolicy,
};
use smileid_sign::ApiKey;

use crate::{BuildError, ClientBuilder, HyperTransport, TokioTimer};

/// smileid-core's generic client with this crate's transport and timer; what
/// [`Client`] shares.
pub type CoreClient = smileid_core::Client<HyperTransport, TokioTimer>;

/// A Smile ID v1 client over hyper, rustls and tokio: the one most
/// applications need.
///
/// Every endpoint goes through one method, [`send`](Client::send), which
/// signs a fresh request, verifies the response's signature (failing
/// closed), and retries what the operation's repeat safety allows (see
/// [`RetryPolicy`](smileid_core::RetryPolicy)); the common calls have short
/// forms ([`job_status`](Client::job_status), ...). Connections are pooled.
/// `Client` is a handle to shared state: cloning it is cheap (a reference
/// count), and every clone uses the same pool, so clone it into each task
/// instead of wrapping it in an `Arc`.
///
/// Calls need a tokio runtime with its time and IO drivers enabled (as
/// `#[tokio::main]` gives). A call polled outside one (by another executor)
/// fails with [`Error::InvalidConfig`] before anything is sent, instead of
/// panicking; see smileid-core's `examples/blocking_ureq.rs` for a program
/// with no runtime at all.
///
/// ```no_run
/// use smileid_hyper::{Client, JobStatusQuery};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let client = Client::sandbox("085", "my-api-key")?;
/// let status = client.job_status(&JobStatusQuery::new("user-1", "job-1")).await?;
/// println!("complete: {}, outcome: {:?}", status.is_complete(), status.outcome());
///
/// // The same call through the generic path.
/// let same = client.send(&JobStatusQuery::new("user-1", "job-1")).await?;
/// # let _ = same;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<CoreClient>,
}

impl Client {
    /// A client for Smile ID's sandbox with every default.
    ///
    /// # Errors
    ///
    /// [`BuildError::Core`] for an empty partner id or API key.
    pub fn sandbox(
        partner_id: impl Into<String>,
        api_key: impl Into<ApiKey>,
    ) -> Result<Self, BuildError> {
        Self::builder(partner_id, api_key)
            .environment(Environment::Sandbox)
            .build()
    }

    /// A client for Smile ID's production environment with every default.
    ///
    /// # Errors
    ///
    /// [`BuildError::Core`] for an empty partner id or API key.
    pub fn production(
        partner_id: impl Into<String>,
        api_key: impl Into<ApiKey>,
    ) -> Result<Self, BuildError> {
        Self::builder(partner_id, api_key)
            .environment(Environment::Production)
            .build()
    }

    /// A builder for every setting (environment, retries, timeouts, TLS
    /// roots, body cap), for `partner_id` with `api_key`: the same
    /// arguments as smileid-core's
    /// [`Client::builder`](smileid_core::Client::builder).
    pub fn builder(partner_id: impl Into<String>, api_key: impl Into<ApiKey>) -> ClientBuilder {
        ClientBuilder::new(partner_id, api_key)
    }

    /// A client configured from the process environment; see
    /// [`ClientBuilder::from_env`] for the variables.
    ///
    /// # Errors
    ///
    /// [`BuildError::MissingEnv`] naming a missing variable,
    /// [`BuildError::InvalidEnv`], or any error of [`ClientBuilder::build`].
    pub fn from_env() -> Result<Self, BuildError> {
        ClientBuilder::from_env()?.build()
    }

    /// Wraps a core client built elsewhere.
    pub fn from_core(inner: CoreClient) -> Self {
        Self {
            inner: Arc::new(inner),
        }
    }

    /// The shared core client: its settings (partner id, base URL,
    /// policies, timeouts) and its transport.
    pub fn core(&self) -> &CoreClient {
        &self.inner
    }

    /// Sends any operation; see [`smileid_core::Client::send`].
    ///
    /// # Errors
    ///
    /// Any [`Error`] but the configuration ones and `WaitTimedOut`.
    pub async fn send<O: Operation>(&self, op: &O) -> Result<O::Output, Error> {
        in_runtime()?;
        self.inner.send(op).await
    }

    /// Asks for the status of one job: [`send`](Self::send) of `query`.
    ///
    /// # Errors
    ///
    /// Any [`Error`] but the configuration ones and `WaitTimedOut`.
    pub async fn job_status(&self, query: &JobStatusQuery) -> Result<JobStatus, Error> {
        in_runtime()?;
        self.inner.send(query).await
    }

    /// Submits an image job: prep upload, zip, PUT and, if asked, the wait;
    /// see [`smileid_core::Client::submit_job`]. The PUT goes to the upload
    /// URL's host (usually not the API's) over the same connection pool and
    /// TLS settings, each attempt limited by the upload timeout
    /// ([`ClientBuilder::upload_timeout`](crate::ClientBuilder::upload_timeout)).
    ///
    /// # Errors
    ///
    /// As [`smileid_core::Client::submit_job_with`].
    pub async fn submit_job(
        &self,
        job: ImageJob,
        options: &SubmitOptions,
    ) -> Result<SubmittedJob, Error> {
        in_runtime()?;
        self.inner.submit_job(job, options).await
    }

    /// [`submit_job`](Self::submit_job), calling `observer` after each step;
    /// see [`smileid_core::Client::submit_job_with`].
    ///
    /// # Errors
    ///
    /// As [`smileid_core::Client::submit_job_with`].
    pub async fn submit_job_with<F>(
        &self,
        job: ImageJob,
        options: &SubmitOptions,
        observer: F,
    ) -> Result<SubmittedJob, Error>
    where
        F: FnMut(&SubmitEvent<'_>),
    {
        in_runtime()?;
        self.inner.submit_job_with(job, options, observer).await
    }

    /// Polls the job until it is complete; see
    /// [`smileid_core::Client::wait_for_completion`].
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
        in_runtime()?;
        self.inner.wait_for_completion(query, policy).await
    }

    /// Polls the job until it is complete, calling `observer` after every
    /// poll; see [`smileid_core::Client::wait_for_completion_with`].
    ///
    /// # Errors
    ///
    /// As [`Client::wait_for_completion`].
    pub async fn wait_for_completion_with<F>(
        &self,
        query: &JobStatusQuery,
        policy: &WaitPolicy,
        observer: F,
    ) -> Result<JobStatus, Error>
    where
        F: FnMut(&PollEvent<'_>),
    {
        in_runtime()?;
        self.inner
            .wait_for_completion_with(query, policy, observer)
            .await
    }
}

/// The message of the error a call outside a tokio runtime gets.
pub(crate) const NO_RUNTIME: &str = "smileid_hyper::Client needs a tokio runtime: call it from \
    within #[tokio::main], a tokio task or Runtime::block_on (with the time and IO drivers \
    enabled); nothing was sent";

/// `Ok` when called from within a tokio runtime (the transport and the
/// timer would otherwise panic).
fn in_runtime() -> Result<(), Error> {
    match tokio::runtime::Handle::try_current() {
        Ok(_) => Ok(()),
        Err(_) => Err(Error::InvalidConfig(smileid_core::ConfigError::new(
            NO_RUNTIME,
        ))),
    }
}

impl From<CoreClient> for Client {
    fn from(inner: CoreClient) -> Self {
        Self::from_core(inner)
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("core", &self.inner)
            .field("transport", self.inner.transport())
            .finish()
    }
}
