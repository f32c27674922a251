//! Starting the emulator, and the handle that controls it.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;
use smileid_sign::{ApiKey, Signer};
use tokio::net::{TcpListener, TcpSocket};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;

use crate::callback::CallbackConfig;
use crate::error::EmulatorError;
use crate::spec::{FaultSpec, JobSpec, PresetOutcome, Seed};
use crate::state::{CallbackDelivery, FaultInfo, JobInfo, State, StateInit};
use crate::tls::make_tls;

/// The partner id the emulator accepts unless told otherwise.
pub const DEFAULT_PARTNER_ID: &str = "001";
/// The API key the emulator accepts unless told otherwise.
pub const DEFAULT_API_KEY: &str = "emulator-api-key";
/// The address the emulator listens on unless told otherwise: loopback, a
/// port chosen by the operating system.
pub const DEFAULT_LISTEN: SocketAddr = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0);

/// The key the wrong-signature fault signs with.
const WRONG_KEY: &str = "smileid-emulator-wrong-key";

/// Entry point: `Emulator::builder()` or `Emulator::start()`.
#[derive(Debug, Clone, Copy)]
pub struct Emulator;

impl Emulator {
    /// A builder with the defaults: partner id [`DEFAULT_PARTNER_ID`], API
    /// key [`DEFAULT_API_KEY`], plain HTTP on [`DEFAULT_LISTEN`], demo jobs
    /// on.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }

    /// Starts an emulator with the defaults (plain HTTP).
    ///
    /// # Errors
    ///
    /// See [`EmulatorBuilder::start`].
    pub async fn start() -> Result<EmulatorHandle, EmulatorError> {
        Self::builder().start().await
    }

    /// Starts an emulator with the defaults over HTTPS.
    ///
    /// # Errors
    ///
    /// See [`EmulatorBuilder::start`].
    pub async fn start_tls() -> Result<EmulatorHandle, EmulatorError> {
        Self::builder().tls(true).start().await
    }
}

enum SeedSource {
    File(PathBuf),
    Json(String),
    Value(Seed),
}

/// Configures and starts an emulator.
pub struct EmulatorBuilder {
    partner_id: String,
    api_key: ApiKey,
    tls: bool,
    listen: SocketAddr,
    demo_jobs: bool,
    seeds: Vec<SeedSource>,
    tls_names: Vec<String>,
    callback: CallbackConfig,
    callback_root_pems: Vec<String>,
    read_timeout: Duration,
    web_token_ttl: Duration,
    upload_url_ttl: Duration,
    image_job_processing: Duration,
}

/// How long a web token the emulator issues stays valid, by default: one
/// hour. Smile ID does not document its tokens' lifetime.
pub const DEFAULT_WEB_TOKEN_TTL: Duration = Duration::from_secs(60 * 60);

/// How long a presigned upload link the emulator returns from
/// `POST /v1/upload` stays valid, by default: 15 minutes, as the `Expires`
/// of Smile ID's S3 links.
pub const DEFAULT_UPLOAD_URL_TTL: Duration = Duration::from_secs(15 * 60);

/// How long an image job stays pending once its zip arrived, by default:
/// 200 ms.
pub const DEFAULT_IMAGE_JOB_PROCESSING: Duration = Duration::from_millis(200);

impl Default for EmulatorBuilder {
    fn default() -> Self {
        Self {
            partner_id: DEFAULT_PARTNER_ID.to_owned(),
            api_key: ApiKey::new(DEFAULT_API_KEY),
            tls: false,
            listen: DEFAULT_LISTEN,
            demo_jobs: true,
            seeds: Vec::new(),
            tls_names: Vec::new(),
            callback: CallbackConfig::default(),
            callback_root_pems: Vec::new(),
            read_timeout: crate::http::accept::DEFAULT_READ_TIMEOUT,
            web_token_ttl: DEFAULT_WEB_TOKEN_TTL,
            upload_url_ttl: DEFAULT_UPLOAD_URL_TTL,
            image_job_processing: DEFAULT_IMAGE_JOB_PROCESSING,
        }
    }
}

impl fmt::Debug for EmulatorBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmulatorBuilder")
            .field("partner_id", &self.partner_id)
            .field("api_key", &self.api_key)
            .field("tls", &self.tls)
            .field("listen", &self.listen)
            .field("demo_jobs", &self.demo_jobs)
            .field("seeds", &self.seeds.len())
            .finish_non_exhaustive()
    }
}

impl EmulatorBuilder {
    /// The partner id requests must carry (and responses are signed for).
    #[must_use]
    pub fn partner_id(mut self, partner_id: impl Into<String>) -> Self {
        self.partner_id = partner_id.into();
        self
    }

    /// The API key requests must be signed with.
    #[must_use]
    pub fn api_key(mut self, api_key: impl Into<ApiKey>) -> Self {
        self.api_key = api_key.into();
        self
    }

    /// Serve HTTPS with a certificate made at start (see
    /// [`EmulatorHandle::ca_cert_pem`]) instead of plain HTTP.
    #[must_use]
    pub fn tls(mut self, tls: bool) -> Self {
        self.tls = tls;
        self
    }

    /// The address to listen on (default `127.0.0.1:0`: a free port).
    #[must_use]
    pub fn listen(mut self, addr: SocketAddr) -> Self {
        self.listen = addr;
        self
    }

    /// Whether the built-in demo jobs exist (default `true`).
    #[must_use]
    pub fn demo_jobs(mut self, enabled: bool) -> Self {
        self.demo_jobs = enabled;
        self
    }

    /// Adds a seed (jobs and faults present from the start and after a
    /// reset). Seeds are applied in the order given.
    #[must_use]
    pub fn seed(mut self, seed: Seed) -> Self {
        self.seeds.push(SeedSource::Value(seed));
        self
    }

    /// Adds a seed read from a JSON file at start.
    #[must_use]
    pub fn seed_file(mut self, path: impl AsRef<Path>) -> Self {
        self.seeds
            .push(SeedSource::File(path.as_ref().to_path_buf()));
        self
    }

    /// Adds a seed from JSON text, parsed at start.
    #[must_use]
    pub fn seed_json(mut self, json: impl Into<String>) -> Self {
        self.seeds.push(SeedSource::Json(json.into()));
        self
    }

    /// An extra DNS name or IP address for the server certificate (besides
    /// `localhost`, `127.0.0.1` and `::1`).
    #[must_use]
    pub fn tls_name(mut self, name: impl Into<String>) -> Self {
        self.tls_names.push(name.into());
        self
    }

    /// Longest wait for a client's TLS handshake, first bytes, request head
    /// and request body (default 10 s); slower clients are disconnected (or
    /// get `408` for a slow body).
    #[must_use]
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.read_timeout = timeout;
        self
    }

    /// How long a web token issued by `POST /v1/token` is accepted in place
    /// of a signature (default [`DEFAULT_WEB_TOKEN_TTL`], one hour).
    #[must_use]
    pub fn web_token_ttl(mut self, ttl: Duration) -> Self {
        self.web_token_ttl = ttl;
        self
    }

    /// How long a presigned upload link returned by `POST /v1/upload` is
    /// accepted (default [`DEFAULT_UPLOAD_URL_TTL`], 15 minutes); later
    /// PUTs get S3's `403` `AccessDenied` "Request has expired".
    #[must_use]
    pub fn upload_url_ttl(mut self, ttl: Duration) -> Self {
        self.upload_url_ttl = ttl;
        self
    }

    /// How long an image job stays pending once its zip arrived, before
    /// its result (default [`DEFAULT_IMAGE_JOB_PROCESSING`], 200 ms).
    #[must_use]
    pub fn image_job_processing(mut self, time: Duration) -> Self {
        self.image_job_processing = time;
        self
    }

    /// Attempts per callback, the first included (default 4; at least 1).
    #[must_use]
    pub fn callback_attempts(mut self, attempts: u32) -> Self {
        self.callback.max_attempts = attempts.max(1);
        self
    }

    /// Wait before the second callback attempt, doubled after each failure
    /// up to 5 s (default 250 ms).
    #[must_use]
    pub fn callback_backoff(mut self, backoff: Duration) -> Self {
        self.callback.backoff = backoff;
        self
    }

    /// Deadline of one callback attempt (default 5 s).
    #[must_use]
    pub fn callback_timeout(mut self, timeout: Duration) -> Self {
        self.callback.timeout = timeout;
        self
    }

    /// Trusts the certificates in `pem` for `https://` callback URLs
    /// (besides the Mozilla roots and the emulator's own CA).
    #[must_use]
    pub fn callback_root_cert_pem(mut self, pem: impl Into<String>) -> Self {
        self.callback_root_pems.push(pem.into());
        self
    }

    /// Binds the socket, makes the certificates, loads the seeds and starts
    /// serving in a background task of the current tokio runtime.
    ///
    /// # Errors
    ///
    /// [`EmulatorError::NoRuntime`] outside a tokio runtime (or one without
    /// IO and timers enabled),
    /// [`EmulatorError::Credentials`] for an empty partner id or key,
    /// [`EmulatorError::SeedFile`], [`EmulatorError::Seed`],
    /// [`EmulatorError::InvalidJob`] or [`EmulatorError::InvalidFault`] for a
    /// bad seed, [`EmulatorError::Tls`] when certificates cannot be made,
    /// [`EmulatorError::Bind`] when the address cannot be used.
    pub async fn start(self) -> Result<EmulatorHandle, EmulatorError> {
        let runtime =
            tokio::runtime::Handle::try_current().map_err(|_| EmulatorError::NoRuntime)?;
        // A runtime built without `enable_time` panics on the first timer:
        // find out now and report it.
        let timers = std::panic::catch_unwind(|| drop(tokio::time::sleep(Duration::ZERO)));
        if timers.is_err() {
            return Err(EmulatorError::NoRuntime);
        }
        let signer = Signer::new(self.partner_id.clone(), self.api_key.clone())
            .map_err(EmulatorError::Credentials)?;
        let wrong_signer =
            Signer::new(self.partner_id.clone(), WRONG_KEY).map_err(EmulatorError::Credentials)?;

        let mut seed = Seed::default();
        let mut demo_jobs = self.demo_jobs;
        for source in self.seeds {
            let part = match source {
                SeedSource::Value(seed) => seed,
                SeedSource::Json(text) => {
                    Seed::from_json(&text).map_err(|source| EmulatorError::Seed {
                        origin: "JSON text".to_owned(),
                        source,
                    })?
                }
                SeedSource::File(path) => {
                    let text = std::fs::read_to_string(&path).map_err(|source| {
                        EmulatorError::SeedFile {
                            path: path.clone(),
                            source,
                        }
                    })?;
                    Seed::from_json(&text).map_err(|source| EmulatorError::Seed {
                        origin: path.display().to_string(),
                        source,
                    })?
                }
            };
            if part.demo_jobs == Some(false) {
                demo_jobs = false;
            }
            seed.jobs.extend(part.jobs);
            seed.faults.extend(part.faults);
        }
        for fault in &seed.faults {
            fault.validate().map_err(EmulatorError::InvalidFault)?;
        }

        let mut callback = self.callback;
        for pem in &self.callback_root_pems {
            for cert in CertificateDer::pem_slice_iter(pem.as_bytes()) {
                let cert = cert.map_err(|e| {
                    EmulatorError::Tls(format!("invalid callback root certificate PEM: {e}"))
                })?;
                callback.extra_roots.push(cert);
            }
        }

        let tls = if self.tls {
            Some(make_tls(&self.tls_names)?)
        } else {
            None
        };
        if let Some(material) = &tls {
            for cert in CertificateDer::pem_slice_iter(material.ca_pem.as_bytes()).flatten() {
                callback.extra_roots.push(cert);
            }
        }

        let listener = bind(self.listen)?;
        let addr = listener
            .local_addr()
            .map_err(|source| EmulatorError::Bind {
                addr: self.listen,
                source,
            })?;
        let scheme = if tls.is_some() { "https" } else { "http" };
        let host = match addr.ip() {
            IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
            ip => ip,
        };
        let origin = format!("{scheme}://{}", SocketAddr::new(host, addr.port()));
        let base_url = format!("{origin}/v1");
        let admin_url = format!("{origin}/admin");

        let (shutdown_tx, shutdown_rx) = watch::channel(false);
        let ca_pem = tls.as_ref().map(|m| m.ca_pem.clone());
        let acceptor = tls.map(|m| TlsAcceptor::from(m.config));
        let state = Arc::new(State::new(StateInit {
            signer,
            wrong_signer,
            origin,
            base_url: base_url.clone(),
            ca_pem,
            demo_jobs,
            seed,
            read_timeout: self.read_timeout,
            web_token_ttl: self.web_token_ttl,
            upload_url_ttl: self.upload_url_ttl,
            image_job_processing: self.image_job_processing,
            callback_config: callback,
            runtime: runtime.clone(),
            shutdown: shutdown_rx.clone(),
        }));
        if let Err(e) = state.reset() {
            let _ = shutdown_tx.send(true);
            return Err(e);
        }
        let server = runtime.spawn(crate::http::accept::serve(
            listener,
            acceptor,
            crate::http::router(Arc::clone(&state)),
            self.read_timeout,
            shutdown_rx,
        ));
        tracing::debug!(%addr, base_url, "smileid emulator started");
        Ok(EmulatorHandle {
            state,
            addr,
            base_url,
            admin_url,
            api_key: self.api_key,
            shutdown_tx,
            server: Some(server),
        })
    }
}

/// Opens the listening socket (with `SO_REUSEADDR`, so a fixed port can be
/// reused at once after a restart).
fn bind(addr: SocketAddr) -> Result<TcpListener, EmulatorError> {
    let bind_err = |source| EmulatorError::Bind { addr, source };
    let socket = if addr.is_ipv4() {
        TcpSocket::new_v4()
    } else {
        TcpSocket::new_v6()
    }
    .map_err(bind_err)?;
    socket.set_reuseaddr(true).map_err(bind_err)?;
    socket.bind(addr).map_err(bind_err)?;
    // A runtime built without `enable_io` panics here: report it instead.
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| socket.listen(1024))) {
        Ok(listener) => listener.map_err(bind_err),
        Err(_) => Err(EmulatorError::NoRuntime),
    }
}

/// A running emulator. Dropping it stops the server (connections are closed
/// gracefully in the background); [`EmulatorHandle::shutdown`] stops it and
/// waits.
///
/// `Debug` shows the address and partner id, never the API key.
pub struct EmulatorHandle {
    state: Arc<State>,
    addr: SocketAddr,
    base_url: String,
    admin_url: String,
    api_key: ApiKey,
    shutdown_tx: watch::Sender<bool>,
    server: Option<JoinHandle<()>>,
}

impl fmt::Debug for EmulatorHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmulatorHandle")
            .field("base_url", &self.base_url)
            .field("partner_id", &self.partner_id())
            .field("api_key", &self.api_key)
            .field("tls", &self.is_tls())
            .finish_non_exhaustive()
    }
}

impl EmulatorHandle {
    /// The API base URL, ending in `/v1`: `http://127.0.0.1:PORT/v1`, or
    /// `https://127.0.0.1:PORT/v1` with TLS (the certificate covers
    /// `127.0.0.1`, `::1` and `localhost`, so `https://localhost:PORT/v1`
    /// works too).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The admin API's base URL (`.../admin`).
    pub fn admin_url(&self) -> &str {
        &self.admin_url
    }

    /// The address the emulator listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The partner id requests must carry.
    pub fn partner_id(&self) -> &str {
        self.state.signer.partner_id()
    }

    /// The API key requests must be signed with. (An emulator's key is not
    /// a secret, but it is still never shown by `Debug`.)
    pub fn api_key(&self) -> &str {
        self.api_key.expose_secret()
    }

    /// A signer for the emulator's credentials, for tests that build
    /// requests or verify responses themselves.
    pub fn signer(&self) -> &Signer {
        &self.state.signer
    }

    /// Whether the emulator serves HTTPS.
    pub fn is_tls(&self) -> bool {
        self.state.ca_pem.is_some()
    }

    /// The PEM of the CA that signed the server certificate, when TLS is on.
    /// Clients must trust it (it is made fresh at every start).
    pub fn ca_cert_pem(&self) -> Option<&str> {
        self.state.ca_pem.as_deref()
    }

    /// Writes the CA certificate (PEM) to `path`, for `curl --cacert`,
    /// `NODE_EXTRA_CA_CERTS` or `REQUESTS_CA_BUNDLE`.
    ///
    /// # Errors
    ///
    /// [`EmulatorError::TlsDisabled`] without TLS, [`EmulatorError::Write`]
    /// when the file cannot be written.
    pub fn write_ca_cert(&self, path: impl AsRef<Path>) -> Result<(), EmulatorError> {
        let pem = self.ca_cert_pem().ok_or(EmulatorError::TlsDisabled)?;
        let path = path.as_ref();
        std::fs::write(path, pem).map_err(|source| EmulatorError::Write {
            path: path.to_path_buf(),
            source,
        })
    }

    /// Chooses the outcome of the job that the next ID lookup, business
    /// verification or AML check for `user_id` and `job_id` creates, in place
    /// of the one its ID number (or name) gives; used up by that call. For
    /// AML, [`PresetOutcome::Approved`] means "not on the list" and any
    /// other outcome "found". Cleared by a reset.
    pub fn preset_outcome(&self, user_id: &str, job_id: &str, outcome: PresetOutcome) {
        self.state.preset_outcome(user_id, job_id, outcome);
    }

    /// Adds a job, replacing any job with the same user id and job id.
    ///
    /// # Errors
    ///
    /// [`EmulatorError::InvalidJob`] for an empty id, a result that is not an
    /// object, or a callback URL that is not `http(s)://`.
    pub fn add_job(&self, spec: JobSpec) -> Result<JobInfo, EmulatorError> {
        self.state.add_job(spec)
    }

    /// A snapshot of one job.
    pub fn job(&self, user_id: &str, job_id: &str) -> Option<JobInfo> {
        self.state.job(user_id, job_id).map(|j| j.info())
    }

    /// Snapshots of every job, sorted by user id and job id.
    pub fn jobs(&self) -> Vec<JobInfo> {
        self.state.jobs()
    }

    /// Removes a job; `false` when there was none.
    pub fn remove_job(&self, user_id: &str, job_id: &str) -> bool {
        self.state.remove_job(user_id, job_id)
    }

    /// Completes a job now (sending its callback, if any).
    ///
    /// # Errors
    ///
    /// [`EmulatorError::UnknownJob`] when there is no such job.
    pub fn complete_job(&self, user_id: &str, job_id: &str) -> Result<JobInfo, EmulatorError> {
        self.state
            .complete_job(user_id, job_id)
            .ok_or_else(|| EmulatorError::UnknownJob {
                user_id: user_id.to_owned(),
                job_id: job_id.to_owned(),
            })
    }

    /// Installs a fault.
    ///
    /// # Errors
    ///
    /// [`EmulatorError::InvalidFault`] for a status outside 200-599, a
    /// status that cannot carry a body (204, 205, 304) or a count of 0.
    pub fn set_fault(&self, fault: FaultSpec) -> Result<FaultInfo, EmulatorError> {
        self.state.add_fault(fault)
    }

    /// The installed faults, in the order they are checked.
    pub fn faults(&self) -> Vec<FaultInfo> {
        self.state.faults()
    }

    /// Removes one fault; `false` when there was none with this id.
    pub fn remove_fault(&self, id: u64) -> bool {
        self.state.remove_fault(id)
    }

    /// Removes every fault.
    pub fn clear_faults(&self) {
        self.state.clear_faults();
    }

    /// Every callback delivery attempt so far, oldest first.
    pub fn callback_deliveries(&self) -> Vec<CallbackDelivery> {
        self.state.deliveries()
    }

    /// Waits until at least `min` delivery attempts were recorded or
    /// `timeout` passed, then returns every attempt so far (check the length).
    pub async fn wait_for_callback_deliveries(
        &self,
        min: usize,
        timeout: Duration,
    ) -> Vec<CallbackDelivery> {
        let mut count = self.state.delivery_watch();
        let _ = tokio::time::timeout(timeout, count.wait_for(|n| *n >= min)).await;
        self.state.deliveries()
    }

    /// Empties the callback log.
    pub fn clear_callback_deliveries(&self) {
        self.state.clear_deliveries();
    }

    /// Back to the state at start: demo and seed jobs (with fresh poll
    /// counts), seed faults only, an empty callback log.
    ///
    /// # Errors
    ///
    /// Only if a seed job became invalid, which cannot happen for seeds
    /// accepted at start.
    pub fn reset(&self) -> Result<(), EmulatorError> {
        self.state.reset()
    }

    /// Stops accepting connections, lets requests in flight finish (at most
    /// 5 s), then closes every connection.
    pub async fn shutdown(mut self) {
        let _ = self.shutdown_tx.send(true);
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
    }
}

impl Drop for EmulatorHandle {
    fn drop(&mut self) {
        let _ = self.shutdown_tx.send(true);
    }
}
