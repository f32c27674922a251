//! The emulator's state: jobs, faults and the callback log.
//!
//! Locks are `std::sync` locks, held only for short, non-async sections;
//! poisoning is ignored (the protected data stays consistent because every
//! section either completes or changes nothing).

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use serde::Serialize;
use serde_json::{Map, Value};
use smileid_sign::Signer;
use tokio::sync::watch;

use crate::callback::{CallbackConfig, CallbackSender};
use crate::error::EmulatorError;
use crate::results::{demo_jobs, is_approved_code, preset_result};
use crate::spec::{FaultKind, FaultSpec, JobSpec, Outcome, Seed};

pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn read<T>(m: &RwLock<T>) -> RwLockReadGuard<'_, T> {
    m.read().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn write<T>(m: &RwLock<T>) -> RwLockWriteGuard<'_, T> {
    m.write().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The first `SmileJobID` number after a start or reset.
const FIRST_SMILE_JOB_ID: u64 = 1;

/// One job, with its pre-serialized answers.
pub(crate) struct Job {
    pub user_id: String,
    pub job_id: String,
    pub job_type: u32,
    pub smile_job_id: String,
    pub complete_after_polls: Option<u32>,
    pub complete_after_ms: Option<u64>,
    pub callback_url: Option<String>,
    pub job_success: bool,
    /// The result object as JSON text.
    pub result_json: Bytes,
    /// The result object, for callbacks and the admin API.
    pub result: Map<String, Value>,
    /// The `history` array as JSON text (used once complete).
    pub history_json: Bytes,
    /// The `image_links` object as JSON text (used once complete).
    pub image_links_json: Bytes,
    pub polls: AtomicU32,
    pub complete: AtomicBool,
    pub callback_started: AtomicBool,
    pub created_at: SystemTime,
    /// The state generation the job belongs to (see [`State::reset`]).
    pub generation: u64,
}

/// What a poll of a job found.
pub(crate) struct PollOutcome {
    pub complete: bool,
    pub just_completed: bool,
}

impl Job {
    fn completes_immediately(&self) -> bool {
        self.complete_after_polls.is_none() && self.complete_after_ms.is_none()
    }

    /// Counts one status poll and tells whether the job is complete.
    pub fn poll(&self) -> PollOutcome {
        if self.complete.load(Ordering::Acquire) {
            self.polls.fetch_add(1, Ordering::Relaxed);
            return PollOutcome {
                complete: true,
                just_completed: false,
            };
        }
        let n = self.polls.fetch_add(1, Ordering::AcqRel).saturating_add(1);
        let by_polls = self.complete_after_polls.is_some_and(|after| n > after);
        let by_time = self.complete_after_ms.is_some_and(|ms| {
            self.created_at
                .elapsed()
                .is_ok_and(|e| e >= Duration::from_millis(ms))
        });
        if by_polls || by_time {
            let just_completed = self.mark_complete();
            PollOutcome {
                complete: true,
                just_completed,
            }
        } else {
            PollOutcome {
                complete: false,
                just_completed: false,
            }
        }
    }

    /// Marks the job complete; true when this call completed it.
    pub fn mark_complete(&self) -> bool {
        !self.complete.swap(true, Ordering::AcqRel)
    }

    /// A snapshot for the admin API and the handle.
    pub fn info(&self) -> JobInfo {
        JobInfo {
            user_id: self.user_id.clone(),
            job_id: self.job_id.clone(),
            job_type: self.job_type,
            smile_job_id: self.smile_job_id.clone(),
            complete: self.complete.load(Ordering::Acquire),
            job_success: self.job_success,
            polls: self.polls.load(Ordering::Relaxed),
            complete_after_polls: self.complete_after_polls,
            complete_after_ms: self.complete_after_ms,
            callback_url: self.callback_url.clone(),
            result: Value::Object(self.result.clone()),
        }
    }
}

/// A snapshot of a job, as shown by `GET /admin/jobs/{user_id}/{job_id}` and
/// [`EmulatorHandle::job`](crate::EmulatorHandle::job).
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JobInfo {
    /// The partner's user id.
    pub user_id: String,
    /// The partner's job id.
    pub job_id: String,
    /// The job type.
    pub job_type: u32,
    /// Smile ID's job id (zero-padded).
    pub smile_job_id: String,
    /// Whether the job is complete.
    pub complete: bool,
    /// The `job_success` value served once complete.
    pub job_success: bool,
    /// How many authenticated status polls asked for this job.
    pub polls: u32,
    /// See [`JobSpec::complete_after_polls`](crate::JobSpec::complete_after_polls).
    pub complete_after_polls: Option<u32>,
    /// See [`JobSpec::complete_after_ms`](crate::JobSpec::complete_after_ms).
    pub complete_after_ms: Option<u64>,
    /// The callback URL, if any.
    pub callback_url: Option<String>,
    /// The result object served once complete.
    pub result: Value,
}

/// An installed fault.
struct ActiveFault {
    id: u64,
    spec: FaultSpec,
    remaining: Option<u32>,
    hits: u64,
}

/// A snapshot of an installed fault, as shown by `GET /admin/faults` and
/// [`EmulatorHandle::faults`](crate::EmulatorHandle::faults).
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FaultInfo {
    /// The fault's id, for `DELETE /admin/faults/{id}` and
    /// [`EmulatorHandle::remove_fault`](crate::EmulatorHandle::remove_fault).
    pub id: u64,
    /// The fault as installed.
    #[serde(flatten)]
    pub spec: FaultSpec,
    /// How many more requests it applies to (`None`: until cleared).
    pub remaining: Option<u32>,
    /// How many requests it has applied to so far.
    pub hits: u64,
}

/// What the fault table decided for one request.
#[derive(Default)]
pub(crate) struct FaultDecision {
    pub delay: Duration,
    pub action: Option<FaultKind>,
}

/// One attempt to deliver a callback.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CallbackDelivery {
    /// The callback URL.
    pub url: String,
    /// The job's user id.
    pub user_id: String,
    /// The job's job id.
    pub job_id: String,
    /// The attempt number, starting at 1.
    pub attempt: u32,
    /// The receiver's HTTP status, when it answered.
    pub status: Option<u16>,
    /// Why the attempt failed without a status (connection error, timeout).
    pub error: Option<String>,
    /// Whether the receiver accepted the callback (a 2xx status).
    pub delivered: bool,
    /// When the attempt ended (ISO 8601, UTC).
    pub at: String,
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
    jobs: RwLock<HashMap<String, HashMap<String, Arc<Job>>>>,
    faults: Mutex<Vec<ActiveFault>>,
    /// Number of installed faults: lets the hot path skip the fault lock.
    fault_count: AtomicUsize,
    next_fault_id: AtomicU64,
    next_smile_job_id: AtomicU64,
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
            jobs: RwLock::new(HashMap::new()),
            faults: Mutex::new(Vec::new()),
            fault_count: AtomicUsize::new(0),
            next_fault_id: AtomicU64::new(1),
            next_smile_job_id: AtomicU64::new(FIRST_SMILE_JOB_ID),
            generation: AtomicU64::new(0),
            deliveries: Mutex::new(Vec::new()),
            delivery_count,
            callbacks: CallbackSender::new(init.callback_config),
            runtime: init.runtime,
            shutdown: init.shutdown,
        }
    }

    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Puts the state back to how it was at start: demo and seed jobs, seed
    /// faults, an empty callback log.
    pub fn reset(self: &Arc<Self>) -> Result<(), EmulatorError> {
        self.generation.fetch_add(1, Ordering::AcqRel);
        write(&self.jobs).clear();
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

    /// Looks a job up without allocating.
    pub fn job(&self, user_id: &str, job_id: &str) -> Option<Arc<Job>> {
        read(&self.jobs)
            .get(user_id)
            .and_then(|jobs| jobs.get(job_id))
            .cloned()
    }

    pub fn jobs(&self) -> Vec<JobInfo> {
        let jobs: Vec<Arc<Job>> = read(&self.jobs)
            .values()
            .flat_map(|m| m.values().cloned())
            .collect();
        let mut infos: Vec<JobInfo> = jobs.iter().map(|j| j.info()).collect();
        infos.sort_by(|a, b| (&a.user_id, &a.job_id).cmp(&(&b.user_id, &b.job_id)));
        infos
    }

    pub fn job_count(&self) -> usize {
        read(&self.jobs).values().map(HashMap::len).sum()
    }

    pub fn remove_job(&self, user_id: &str, job_id: &str) -> bool {
        let mut jobs = write(&self.jobs);
        let Some(user_jobs) = jobs.get_mut(user_id) else {
            return false;
        };
        let removed = user_jobs.remove(job_id).is_some();
        if user_jobs.is_empty() {
            jobs.remove(user_id);
        }
        removed
    }

    /// Whether `job` is still the registered job for its ids.
    pub fn is_current(&self, job: &Arc<Job>) -> bool {
        self.job(&job.user_id, &job.job_id)
            .is_some_and(|j| Arc::ptr_eq(&j, job))
    }

    /// Validates a spec, builds the job and registers it (replacing any job
    /// with the same ids). Starts its completion timer and, when it is
    /// complete from the start, its callback.
    pub fn add_job(self: &Arc<Self>, spec: JobSpec) -> Result<JobInfo, EmulatorError> {
        let job = Arc::new(self.build_job(spec)?);
        {
            let mut jobs = write(&self.jobs);
            jobs.entry(job.user_id.clone())
                .or_default()
                .insert(job.job_id.clone(), Arc::clone(&job));
        }
        if job.completes_immediately() {
            job.mark_complete();
            self.job_completed(&job);
        } else if let Some(ms) = job.complete_after_ms {
            let state = Arc::clone(self);
            let timer_job = Arc::clone(&job);
            let mut shutdown = self.shutdown.clone();
            self.runtime.spawn(async move {
                tokio::select! {
                    () = tokio::time::sleep(Duration::from_millis(ms)) => {
                        if state.is_current(&timer_job) && timer_job.mark_complete() {
                            state.job_completed(&timer_job);
                        }
                    }
                    _ = shutdown.wait_for(|stop| *stop) => {}
                }
            });
        }
        Ok(job.info())
    }

    /// Completes a job now; `None` when it does not exist.
    pub fn complete_job(self: &Arc<Self>, user_id: &str, job_id: &str) -> Option<JobInfo> {
        let job = self.job(user_id, job_id)?;
        if job.mark_complete() {
            self.job_completed(&job);
        }
        Some(job.info())
    }

    /// Runs what follows a job's completion: its callback, if any.
    pub fn job_completed(self: &Arc<Self>, job: &Arc<Job>) {
        if job.callback_url.is_some() && !job.callback_started.swap(true, Ordering::AcqRel) {
            self.callbacks.deliver(self, Arc::clone(job));
        }
    }

    /// Checks a spec without adding it.
    pub fn validate_job(spec: &JobSpec) -> Result<(), EmulatorError> {
        let invalid = |reason: String| EmulatorError::InvalidJob {
            user_id: spec.user_id.clone(),
            job_id: spec.job_id.clone(),
            reason,
        };
        if spec.user_id.is_empty() {
            return Err(invalid("user_id is empty".into()));
        }
        if spec.job_id.is_empty() {
            return Err(invalid("job_id is empty".into()));
        }
        if spec.result.as_ref().is_some_and(|r| !r.is_object()) {
            return Err(invalid("result must be a JSON object".into()));
        }
        if let Some(url) = &spec.callback_url {
            check_callback_url(url).map_err(invalid)?;
        }
        Ok(())
    }

    fn build_job(&self, spec: JobSpec) -> Result<Job, EmulatorError> {
        Self::validate_job(&spec)?;
        let invalid = |reason: String| EmulatorError::InvalidJob {
            user_id: spec.user_id.clone(),
            job_id: spec.job_id.clone(),
            reason,
        };
        let n = self.next_smile_job_id.fetch_add(1, Ordering::AcqRel);
        let smile_job_id = format!("{n:010}");
        let (job_type, result) = match &spec.result {
            Some(Value::Object(given)) => {
                let mut result = given.clone();
                let job_type = spec
                    .job_type
                    .or_else(|| {
                        result
                            .get("PartnerParams")
                            .and_then(|p| p.get("job_type"))
                            .and_then(job_type_of)
                    })
                    .unwrap_or(1);
                if !result.contains_key("PartnerParams") {
                    result.insert(
                        "PartnerParams".into(),
                        serde_json::json!({
                            "user_id": spec.user_id,
                            "job_id": spec.job_id,
                            "job_type": job_type,
                        }),
                    );
                }
                (job_type, result)
            }
            Some(_) => return Err(invalid("result must be a JSON object".into())),
            None => {
                let job_type = spec.job_type.unwrap_or(1);
                let outcome = spec.outcome.unwrap_or(Outcome::Approved);
                let result = preset_result(
                    outcome,
                    job_type,
                    &spec.user_id,
                    &spec.job_id,
                    &smile_job_id,
                );
                (job_type, result)
            }
        };
        let job_success = spec.job_success.unwrap_or_else(|| {
            result
                .get("ResultCode")
                .and_then(Value::as_str)
                .is_some_and(is_approved_code)
        });
        let result_value = Value::Object(result);
        let result_json = to_json_bytes(&result_value);
        let history_json = match &spec.history {
            Some(history) => to_json_bytes(history),
            None => {
                let mut out = Vec::with_capacity(result_json.len() + 2);
                out.push(b'[');
                out.extend_from_slice(&result_json);
                out.push(b']');
                Bytes::from(out)
            }
        };
        let image_links = match &spec.image_links {
            Some(links) => links.clone(),
            None => default_image_links(&self.origin, &smile_job_id),
        };
        let image_links_json = to_json_bytes(&image_links);
        let Value::Object(result) = result_value else {
            return Err(invalid("result must be a JSON object".into()));
        };
        Ok(Job {
            user_id: spec.user_id,
            job_id: spec.job_id,
            job_type,
            smile_job_id,
            complete_after_polls: spec.complete_after_polls,
            complete_after_ms: spec.complete_after_ms,
            callback_url: spec.callback_url,
            job_success,
            result_json,
            result,
            history_json,
            image_links_json,
            polls: AtomicU32::new(0),
            complete: AtomicBool::new(false),
            callback_started: AtomicBool::new(false),
            created_at: SystemTime::now(),
            generation: self.generation(),
        })
    }

    // ----- faults -----

    pub fn add_fault(&self, spec: FaultSpec) -> Result<FaultInfo, EmulatorError> {
        spec.validate().map_err(EmulatorError::InvalidFault)?;
        let id = self.next_fault_id.fetch_add(1, Ordering::AcqRel);
        let fault = ActiveFault {
            id,
            remaining: spec.count,
            spec,
            hits: 0,
        };
        let info = fault_info(&fault);
        let mut faults = lock(&self.faults);
        faults.push(fault);
        self.fault_count.store(faults.len(), Ordering::Release);
        Ok(info)
    }

    pub fn faults(&self) -> Vec<FaultInfo> {
        lock(&self.faults).iter().map(fault_info).collect()
    }

    pub fn remove_fault(&self, id: u64) -> bool {
        let mut faults = lock(&self.faults);
        let before = faults.len();
        faults.retain(|f| f.id != id);
        self.fault_count.store(faults.len(), Ordering::Release);
        faults.len() != before
    }

    pub fn clear_faults(&self) {
        let mut faults = lock(&self.faults);
        faults.clear();
        self.fault_count.store(0, Ordering::Release);
    }

    /// Picks the faults for one request: every matching latency fault, plus
    /// the first matching fault of another kind. Counts are consumed.
    pub fn take_faults(&self, user_id: Option<&str>, job_id: Option<&str>) -> FaultDecision {
        if self.fault_count.load(Ordering::Acquire) == 0 {
            return FaultDecision::default();
        }
        let mut decision = FaultDecision::default();
        let mut faults = lock(&self.faults);
        for fault in faults.iter_mut() {
            let matches = fault
                .spec
                .user_id
                .as_deref()
                .is_none_or(|u| Some(u) == user_id)
                && fault
                    .spec
                    .job_id
                    .as_deref()
                    .is_none_or(|j| Some(j) == job_id);
            if !matches || fault.remaining == Some(0) {
                continue;
            }
            let applies = match &fault.spec.kind {
                FaultKind::Latency(d) => {
                    decision.delay = decision.delay.saturating_add(*d);
                    true
                }
                other if decision.action.is_none() => {
                    decision.action = Some(other.clone());
                    true
                }
                _ => false,
            };
            if applies {
                fault.hits = fault.hits.saturating_add(1);
                if let Some(r) = fault.remaining.as_mut() {
                    *r = r.saturating_sub(1);
                }
            }
        }
        faults.retain(|f| f.remaining != Some(0));
        self.fault_count.store(faults.len(), Ordering::Release);
        decision
    }

    // ----- callback log -----

    pub fn record_delivery(&self, delivery: CallbackDelivery, generation: u64) {
        if generation != self.generation() {
            return;
        }
        let len = {
            let mut log = lock(&self.deliveries);
            log.push(delivery);
            log.len()
        };
        self.delivery_count.send_replace(len);
    }

    pub fn deliveries(&self) -> Vec<CallbackDelivery> {
        lock(&self.deliveries).clone()
    }

    pub fn clear_deliveries(&self) {
        lock(&self.deliveries).clear();
        self.delivery_count.send_replace(0);
    }

    pub fn delivery_watch(&self) -> watch::Receiver<usize> {
        self.delivery_count.subscribe()
    }
}

fn fault_info(f: &ActiveFault) -> FaultInfo {
    FaultInfo {
        id: f.id,
        spec: f.spec.clone(),
        remaining: f.remaining,
        hits: f.hits,
    }
}

fn job_type_of(v: &Value) -> Option<u32> {
    match v {
        Value::Number(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn to_json_bytes<T: Serialize + ?Sized>(value: &T) -> Bytes {
    // Serializing a Value or a map of strings cannot fail.
    Bytes::from(serde_json::to_vec(value).unwrap_or_else(|_| b"null".to_vec()))
}

fn default_image_links(origin: &str, smile_job_id: &str) -> BTreeMap<String, String> {
    let expires = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
        .saturating_add(3600);
    let mut links = BTreeMap::new();
    links.insert(
        "selfie_image".to_owned(),
        format!("{origin}/images/{smile_job_id}/selfie.png?expires={expires}"),
    );
    links
}

fn check_callback_url(url: &str) -> Result<(), String> {
    let uri: http::Uri = url
        .parse()
        .map_err(|e| format!("callback_url is not a valid URL: {e}"))?;
    match uri.scheme_str() {
        Some("http" | "https") => {}
        _ => return Err("callback_url must start with http:// or https://".into()),
    }
    if uri.host().is_none_or(str::is_empty) {
        return Err("callback_url has no host".into());
    }
    Ok(())
}
