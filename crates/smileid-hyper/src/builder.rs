//! [`ClientBuilder`]: smileid-core's builder plus the transport's settings.

use std::ffi::OsString;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use smileid_core::{Environment, RetryPolicy};
use smileid_sign::ApiKey;

use crate::transport::USER_AGENT_TOKEN;
use crate::{BuildError, Client, HyperTransportBuilder, TokioTimer};

/// Extra time granted to smileid-core's own per-attempt limit beyond the
/// transport's request timeout, so that the transport's (more precise)
/// timeout error is the one reported.
const ATTEMPT_MARGIN: Duration = Duration::from_secs(1);

/// Environment variable holding the partner id.
pub const ENV_PARTNER_ID: &str = "SMILE_PARTNER_ID";
/// Environment variable holding the API key.
pub const ENV_API_KEY: &str = "SMILE_API_KEY";
/// Environment variable naming the environment: `sandbox` (default) or
/// `production`.
pub const ENV_ENVIRONMENT: &str = "SMILE_ENV";
/// Environment variable holding a custom base URL (overrides `SMILE_ENV`).
pub const ENV_BASE_URL: &str = "SMILE_BASE_URL";
/// Environment variable holding the path of a PEM file of extra trusted
/// root certificates.
pub const ENV_CA_CERT: &str = "SMILE_CA_CERT";

/// Builds a [`Client`]: smileid-core's [`ClientBuilder`](smileid_core::ClientBuilder)
/// (credentials, environment, retries, call timeout, user agent) and the
/// transport's settings (timeouts, body cap, TLS) in one place. Made by
/// [`Client::builder`].
///
/// ```no_run
/// use std::time::Duration;
/// use smileid_hyper::{Client, Environment, RetryPolicy};
///
/// # fn main() -> Result<(), smileid_hyper::BuildError> {
/// let client = Client::builder("085", "my-api-key")
///     .environment(Environment::Production)
///     .retry_policy(RetryPolicy::default().with_max_retries(3))
///     .connect_timeout(Duration::from_secs(5))
///     .request_timeout(Duration::from_secs(20))
///     .call_timeout(Some(Duration::from_secs(45)))
///     .max_body_bytes(8 * 1024 * 1024)
///     .add_root_certificates_pem_file("/etc/ssl/corporate-proxy.pem")
///     .build()?;
/// # let _ = client;
/// # Ok(()) }
/// ```
///
/// Against a local emulator over plain http (loopback only, by explicit
/// opt-in):
///
/// ```no_run
/// # fn main() -> Result<(), smileid_hyper::BuildError> {
/// let client = smileid_hyper::Client::builder("085", "emulator-key")
///     .insecure_loopback_base_url("http://127.0.0.1:8080/v1")
///     .build()?;
/// # let _ = client;
/// # Ok(()) }
/// ```
#[must_use]
#[derive(Clone)]
pub struct ClientBuilder {
    core: smileid_core::ClientBuilder,
    transport: HyperTransportBuilder,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("core", &self.core)
            .field("transport", &self.transport)
            .finish()
    }
}

impl ClientBuilder {
    /// A builder for `partner_id` with `api_key`, the sandbox, and every
    /// default; the same as [`Client::builder`]. The credentials are
    /// checked by [`build`](Self::build).
    pub fn new(partner_id: impl Into<String>, api_key: impl Into<ApiKey>) -> Self {
        Self {
            // This crate's token first, so that a user's suffix follows it.
            core: smileid_core::Client::builder(partner_id, api_key)
                .user_agent_suffix(USER_AGENT_TOKEN),
            transport: HyperTransportBuilder::new(),
        }
    }

    /// Wraps a core builder (credentials and core settings made elsewhere)
    /// with the default transport settings. The core builder's attempt
    /// timeout is replaced by one derived from the transport's request
    /// timeout when the client is built.
    pub fn from_core(core: smileid_core::ClientBuilder) -> Self {
        Self {
            core: core.user_agent_suffix(USER_AGENT_TOKEN),
            transport: HyperTransportBuilder::new(),
        }
    }

    /// A builder configured from the process environment:
    ///
    /// | variable | meaning |
    /// |---|---|
    /// | `SMILE_PARTNER_ID` | the partner id (required) |
    /// | `SMILE_API_KEY` | the API key (required; never printed) |
    /// | `SMILE_ENV` | `sandbox` (default) or `production` |
    /// | `SMILE_BASE_URL` | a custom base URL, overriding `SMILE_ENV`; plain `http` is accepted for loopback hosts only |
    /// | `SMILE_CA_CERT` | path of a PEM file of extra trusted roots (for a proxy or the emulator) |
    ///
    /// Settings can still be changed on the returned builder.
    ///
    /// # Errors
    ///
    /// [`BuildError::MissingEnv`] naming the first missing (or empty)
    /// required variable; [`BuildError::InvalidEnv`] for a value that is not
    /// UTF-8 or an unknown `SMILE_ENV`.
    pub fn from_env() -> Result<Self, BuildError> {
        Self::from_lookup(|name| std::env::var_os(name))
    }

    /// Like [`from_env`](Self::from_env), reading the variables from `vars`
    /// (name, value pairs) instead of the process environment; variables
    /// not listed count as unset.
    ///
    /// # Errors
    ///
    /// As [`from_env`](Self::from_env).
    pub fn from_vars<I, K, V>(vars: I) -> Result<Self, BuildError>
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<OsString>,
        V: Into<OsString>,
    {
        let vars: Vec<(OsString, OsString)> = vars
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        Self::from_lookup(|name| {
            vars.iter()
                .rev()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        })
    }

    fn from_lookup(lookup: impl Fn(&str) -> Option<OsString>) -> Result<Self, BuildError> {
        // Unset and empty are the same: `SMILE_BASE_URL= cmd` clears it.
        let get = |name: &'static str| -> Result<Option<String>, BuildError> {
            match lookup(name) {
                None => Ok(None),
                Some(value) => match value.into_string() {
                    Ok(value) if value.trim().is_empty() => Ok(None),
                    Ok(value) => Ok(Some(value)),
                    Err(_) => Err(BuildError::InvalidEnv {
                        name,
                        reason: "not valid UTF-8".to_owned(),
                    }),
                },
            }
        };
        let required = |name: &'static str| -> Result<String, BuildError> {
            get(name)?.ok_or(BuildError::MissingEnv { name })
        };

        let partner_id = required(ENV_PARTNER_ID)?;
        let api_key = ApiKey::from(required(ENV_API_KEY)?);
        let mut builder = Self::new(partner_id.trim(), api_key);

        if let Some(env) = get(ENV_ENVIRONMENT)? {
            let environment =
                Environment::from_name(&env).ok_or_else(|| BuildError::InvalidEnv {
                    name: ENV_ENVIRONMENT,
                    reason: format!(
                        "expected `sandbox` or `production`, got `{}` \
                         (set {ENV_BASE_URL} for a custom URL)",
                        env.trim()
                    ),
                })?;
            builder = builder.environment(environment);
        }
        if let Some(url) = get(ENV_BASE_URL)? {
            builder = builder.insecure_loopback_base_url(url.trim());
        }
        if let Some(path) = get(ENV_CA_CERT)? {
            builder = builder.add_root_certificates_pem_file(PathBuf::from(path));
        }
        Ok(builder)
    }

    /// Which server to talk to. Default: [`Environment::Sandbox`].
    pub fn environment(mut self, environment: Environment) -> Self {
        self.core = self.core.environment(environment);
        self
    }

    /// A custom `https` base URL (a proxy), such as
    /// `https://proxy.example.com/smile/v1`. Checked by
    /// [`build`](Self::build).
    pub fn base_url(self, url: impl Into<String>) -> Self {
        self.environment(Environment::custom(url))
    }

    /// A custom base URL that may also be plain `http` to a loopback host
    /// (`localhost`, `127.0.0.0/8`, `[::1]`), for a local emulator. Plain
    /// `http` to any other host is still refused by [`build`](Self::build).
    pub fn insecure_loopback_base_url(self, url: impl Into<String>) -> Self {
        self.environment(Environment::custom_insecure_loopback(url))
    }

    /// How failed attempts are retried. Default: [`RetryPolicy::default`]
    /// (2 retries).
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.core = self.core.retry_policy(retry);
        self
    }

    /// A product token (such as `my-app/1.2`) appended to the `User-Agent`
    /// (`smileid-core/<v> smileid-hyper/<v> my-app/1.2`). Calling it again
    /// appends another token, as smileid-core's builder does.
    pub fn user_agent_suffix(mut self, token: impl Into<String>) -> Self {
        self.core = self.core.user_agent_suffix(token);
        self
    }

    /// Limit for opening a TCP connection. Default 10 s.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.transport = self.transport.connect_timeout(timeout);
        self
    }

    /// Limit for one attempt, from connecting to reading the whole response
    /// body. Default 30 s. (Retries each get their own.)
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.transport = self.transport.request_timeout(timeout);
        self
    }

    /// Limit for one whole call: every attempt and the backoffs
    /// between them. Default `None`: each attempt is bounded by the request
    /// timeout, but the call as a whole only by the retry policy (about 92 s
    /// with the defaults against a server that never answers). See
    /// [`smileid_core::ClientBuilder::call_timeout`].
    pub fn call_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.core = self.core.call_timeout(timeout);
        self
    }

    /// Limit for one attempt of an image job's zip PUT
    /// ([`smileid_core::ZipUpload`]), which replaces the request timeout
    /// for that request. Default
    /// [`DEFAULT_UPLOAD_TIMEOUT`](smileid_core::DEFAULT_UPLOAD_TIMEOUT), two
    /// minutes.
    pub fn upload_timeout(mut self, timeout: Duration) -> Self {
        self.core = self.core.upload_timeout(timeout);
        self
    }

    /// Largest response body accepted. Default 4 MiB.
    pub fn max_body_bytes(mut self, max: usize) -> Self {
        self.transport = self.transport.max_body_bytes(max);
        self
    }

    /// Also trusts the certificates in `pem`; see
    /// [`HyperTransportBuilder::add_root_certificates_pem`].
    pub fn add_root_certificates_pem(mut self, pem: &[u8]) -> Self {
        self.transport = self.transport.add_root_certificates_pem(pem);
        self
    }

    /// Also trusts the certificates in the PEM file at `path`; see
    /// [`HyperTransportBuilder::add_root_certificates_pem_file`].
    pub fn add_root_certificates_pem_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.transport = self.transport.add_root_certificates_pem_file(path);
        self
    }

    /// Also trusts one DER certificate.
    pub fn add_root_certificate_der(
        mut self,
        der: rustls_pki_types::CertificateDer<'static>,
    ) -> Self {
        self.transport = self.transport.add_root_certificate_der(der);
        self
    }

    /// Whether the built-in roots are trusted; see
    /// [`HyperTransportBuilder::built_in_roots`].
    pub fn built_in_roots(mut self, enabled: bool) -> Self {
        self.transport = self.transport.built_in_roots(enabled);
        self
    }

    /// A complete rustls configuration; see
    /// [`HyperTransportBuilder::tls_config`].
    pub fn tls_config(mut self, config: rustls::ClientConfig) -> Self {
        self.transport = self.transport.tls_config(config);
        self
    }

    /// Replaces every transport setting at once.
    pub fn transport(mut self, transport: HyperTransportBuilder) -> Self {
        self.transport = transport;
        self
    }

    /// Checks every setting, loads the root certificates and builds the
    /// client. Nothing is sent.
    ///
    /// # Errors
    ///
    /// [`BuildError::Core`] for a refused base URL (plain `http` to a
    /// non-loopback host, for one) or empty credentials; the certificate
    /// errors of [`HyperTransportBuilder::build`].
    pub fn build(self) -> Result<Client, BuildError> {
        // Check the URL first: a refused URL is the more useful error.
        self.core.check_base_url()?;
        let transport = self.transport.build()?;
        let attempt_timeout = transport.request_timeout().saturating_add(ATTEMPT_MARGIN);
        let core = self
            .core
            .attempt_timeout(Some(attempt_timeout))
            .build(transport, TokioTimer::new())?;
        Ok(Client::from_core(core))
    }
}
