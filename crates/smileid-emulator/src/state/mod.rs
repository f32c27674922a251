//! The emulator's state: jobs, faults and the callback log.
//!
//! Locks are `std::sync` locks, held only for short, non-async sections;
//! poisoning is ignored (the protected data stays consistent because every
//! section either completes or changes nothing).

mod callbacks;
mod faults;
mod jobs;
mod uploads;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, Instant};

use smileid_sign::Signer;
use tokio::sync::watch;

use crate::callback::{CallbackConfig, CallbackSender};
use crate::error::EmulatorError;
use crate::results::demo_jobs;
use crate::spec::{PresetOutcome, Seed};

pub use callbacks::CallbackDelivery;
use faults::ActiveFault;
pub use faults::FaultInfo;
use jobs::FIRST_SMILE_JOB_ID;
pub(crate) use jobs::Job;
pub use jobs::JobInfo;
pub(crate) use uploads::{LinkRefusal, PendingUpload, Prepared};

/// The most web tokens kept at once; the oldest go first beyond it.
const MAX_WEB_TOKENS: usize = 10_000;

/// What a web token was issued for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct WebTokenGrant {
    pub user_id: String,
    pub job_id: String,
    pub product: String,
    expires: Instant,
    serial: u64,
}

/// Why a web token is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenRefusal {
    /// Never issued (or forgotten by a reset).
    Unknown,
    /// Issued, but older than the token lifetime.
    Expired,
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn read<T>(m: &RwLock<T>) -> RwLockReadGuard<'_, T> {
    m.read().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn write<T>(m: &RwLock<T>) -> RwLockWriteGuard<'_, T> {
    m.write().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// What [`State::new`] needs.
pub(crate) struct StateInit {
    pub signer: Signer,
    pub wrong_signer: Signer,
    pub origin: String,
    pub base_url: String,
    pub ca_pem: Option<String>,
    pub demo_jobs: bool,
    pub seed: Seed,
    pub read_timeout: Duration,
    pub web_token_ttl: Duration,
    pub upload_url_ttl: Duration,
    pub image_job_processing: Duration,
    pub callback_config: CallbackConfig,
    pub runtime: tokio::runtime::Handle,
    pub shutdown: watch::Receiver<bool>,
}

/// Everything the server and the handle share.
pub(crate) struct State {
    pub signer: Signer,
    /// Signs with a key the clients do not know (the wrong-signature fault).
    pub wrong_signer: Signer,
    /// `http://127.0.0.1:PORT` or `https://...`: used for image links.
    pub origin: String,
    /// `{origin}/v1`.
    pub base_url: String,
    /// The CA certificate clients must trust, when TLS is on.
    pub ca_pem: Option<String>,
    pub demo_jobs: bool,
    pub seed: Seed,
    /// Longest wait for a handshake, request head or request body.
    pub read_timeout: Duration,
    /// How long a web token stays valid.
    pub web_token_ttl: Duration,
    /// How long a presigned upload link stays valid.
    pub upload_url_ttl: Duration,
    /// How long an image job stays pending after its zip arrived.
    pub image_job_processing: Duration,
    /// Image jobs by `SmileJobID`, from their prep upload on.
    uploads: Mutex<HashMap<String, uploads::PendingUpload>>,
    web_tokens: Mutex<HashMap<String, WebTokenGrant>>,
    next_web_token: AtomicU64,
    jobs: RwLock<HashMap<String, HashMap<String, Arc<Job>>>>,
    faults: Mutex<Vec<ActiveFault>>,
    /// Number of installed faults: lets the hot path skip the fault lock.
    fault_count: AtomicUsize,
    next_fault_id: AtomicU64,
    next_smile_job_id: AtomicU64,
    /// Outcomes chosen in advance for jobs an entry call will create.
    presets: Mutex<HashMap<(String, String), PresetOutcome>>,
    generation: AtomicU64,
    deliveries: Mutex<Vec<CallbackDelivery>>,
    delivery_count: watch::Sender<usize>,
    pub callbacks: CallbackSender,
    pub runtime: tokio::runtime::Handle,
    pub shutdown: watch::Receiver<bool>,
}

impl State {
    pub fn new(init: StateInit) -> Self {
        let (delivery_count, _) = watch::channel(0);
        Self {
            signer: init.signer,
            wrong_signer: init.wrong_signer,
            origin: init.origin,
            base_url: init.base_url,
            ca_pem: init.ca_pem,
            demo_jobs: init.demo_jobs,
            seed: init.seed,
            read_timeout: init.read_timeout,
            web_token_ttl: init.web_token_ttl,
            upload_url_ttl: init.upload_url_ttl,
            image_job_processing: init.image_job_processing,
            uploads: Mutex::new(HashMap::new()),
            web_tokens: Mutex::new(HashMap::new()),
            next_web_token: AtomicU64::new(1),
            jobs: RwLock::new(HashMap::new()),
            faults: Mutex::new(Vec::new()),
            fault_count: AtomicUsize::new(0),
            next_fault_id: AtomicU64::new(1),
            next_smile_job_id: AtomicU64::new(FIRST_SMILE_JOB_ID),
            presets: Mutex::new(HashMap::new()),
            generation: AtomicU64::new(0),
            deliveries: Mutex::new(Vec::new()),
            delivery_count,
            callbacks: CallbackSender::new(init.callback_config),
            runtime: init.runtime,
            shutdown: init.shutdown,
        }
    }

    /// Issues a web token for the hosted page to run `product` for
    /// `user_id` and `job_id`: unguessable without the partner's key (an
    /// HMAC of a serial number and the time), URL-safe.
    pub fn issue_web_token(&self, user_id: &str, job_id: &str, product: &str) -> String {
        let serial = self.next_web_token.fetch_add(1, Ordering::AcqRel);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let token = self.url_safe_mac(&format!("web-token:{serial}:{nanos}:{user_id}:{job_id}"));
        let now = Instant::now();
        let grant = WebTokenGrant {
            user_id: user_id.to_owned(),
            job_id: job_id.to_owned(),
            product: product.to_owned(),
            expires: now + self.web_token_ttl,
            serial,
        };
        let mut tokens = lock(&self.web_tokens);
        tokens.retain(|_, g| g.expires > now);
        if tokens.len() >= MAX_WEB_TOKENS
            && let Some(oldest) = tokens
                .iter()
                .min_by_key(|(_, g)| g.serial)
                .map(|(t, _)| t.clone())
        {
            tokens.remove(&oldest);
        }
        tokens.insert(token.clone(), grant);
        token
    }

    /// An HMAC of `text` with the partner's key, as URL-safe base64 without
    /// padding: web tokens and upload-link signatures.
    pub(crate) fn url_safe_mac(&self, text: &str) -> String {
        self.signer
            .sign(text)
            .signature
            .chars()
            .filter_map(|c| match c {
                '+' => Some('-'),
                '/' => Some('_'),
                '=' => None,
                c => Some(c),
            })
            .collect()
    }

    /// The grant of a token this emulator issued and that has not expired.
    pub fn check_web_token(&self, token: &str) -> Result<WebTokenGrant, TokenRefusal> {
        let tokens = lock(&self.web_tokens);
        let grant = tokens.get(token).ok_or(TokenRefusal::Unknown)?;
        if grant.expires <= Instant::now() {
            return Err(TokenRefusal::Expired);
        }
        Ok(grant.clone())
    }

    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Puts the state back to how it was at start: demo and seed jobs, seed
    /// faults, an empty callback log.
    pub fn reset(self: &Arc<Self>) -> Result<(), EmulatorError> {
        self.generation.fetch_add(1, Ordering::AcqRel);
        write(&self.jobs).clear();
        lock(&self.presets).clear();
        lock(&self.web_tokens).clear();
        lock(&self.uploads).clear();
        {
            let mut faults = lock(&self.faults);
            faults.clear();
            self.fault_count.store(0, Ordering::Release);
        }
        lock(&self.deliveries).clear();
        self.delivery_count.send_replace(0);
        self.next_smile_job_id
            .store(FIRST_SMILE_JOB_ID, Ordering::Release);
        if self.demo_jobs {
            for spec in demo_jobs() {
                self.add_job(spec)?;
            }
        }
        for spec in self.seed.jobs.clone() {
            self.add_job(spec)?;
        }
        for fault in self.seed.faults.clone() {
            self.add_fault(fault)?;
        }
        Ok(())
    }
}
