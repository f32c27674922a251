//! Jobs: how they are built from a spec, polled, completed and shown.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use serde::Serialize;
use serde_json::{Map, Value};

use super::{State, lock, read, write};
use crate::error::EmulatorError;
use crate::results::{is_approved_code, preset_result};
use crate::spec::{JobSpec, PresetOutcome};

/// The first `SmileJobID` number after a start or reset.
pub(super) const FIRST_SMILE_JOB_ID: u64 = 1;

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
pub(crate) struct JobPoll {
    pub complete: bool,
    pub just_completed: bool,
}

impl Job {
    fn completes_immediately(&self) -> bool {
        self.complete_after_polls.is_none() && self.complete_after_ms.is_none()
    }

    /// Counts one status poll and tells whether the job is complete.
    pub fn poll(&self) -> JobPoll {
        if self.complete.load(Ordering::Acquire) {
            self.polls.fetch_add(1, Ordering::Relaxed);
            return JobPoll {
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
            JobPoll {
                complete: true,
                just_completed,
            }
        } else {
            JobPoll {
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

impl State {
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
        self.start(Arc::clone(&job));
        Ok(job.info())
    }

    /// Starts a registered job: completes it now (and starts its callback)
    /// when it has no delay, or starts its completion timer.
    pub(super) fn start(self: &Arc<Self>, job: Arc<Job>) {
        if job.completes_immediately() {
            job.mark_complete();
            self.job_completed(&job);
        } else if let Some(ms) = job.complete_after_ms {
            let state = Arc::clone(self);
            let mut shutdown = self.shutdown.clone();
            self.runtime.spawn(async move {
                tokio::select! {
                    () = tokio::time::sleep(Duration::from_millis(ms)) => {
                        if state.is_current(&job) && job.mark_complete() {
                            state.job_completed(&job);
                        }
                    }
                    _ = shutdown.wait_for(|stop| *stop) => {}
                }
            });
        }
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

    /// Creates the job of an entry call (an ID lookup, a business
    /// verification, an AML check) from `spec`, its result made by
    /// `make_result` from the new job's `SmileJobID`. The job is complete at
    /// once, so its callback (if any) starts now. `Ok(None)` when this user
    /// already has a job with this id (Smile ID's `2215`): job ids are
    /// single-use.
    pub fn submit_job(
        self: &Arc<Self>,
        mut spec: JobSpec,
        make_result: impl FnOnce(&str) -> Map<String, Value>,
    ) -> Result<Option<Arc<Job>>, EmulatorError> {
        if self.job(&spec.user_id, &spec.job_id).is_some() {
            return Ok(None);
        }
        let smile_job_id = self.take_smile_job_id();
        spec.result = Some(Value::Object(make_result(&smile_job_id)));
        let job = Arc::new(self.build_job_as(spec, smile_job_id)?);
        {
            let mut jobs = write(&self.jobs);
            let of_user = jobs.entry(job.user_id.clone()).or_default();
            // Checked again under the lock: two requests may race.
            if of_user.contains_key(&job.job_id) {
                return Ok(None);
            }
            of_user.insert(job.job_id.clone(), Arc::clone(&job));
        }
        job.mark_complete();
        self.job_completed(&job);
        Ok(Some(job))
    }

    /// Chooses the outcome of the job that an entry call for `user_id` and
    /// `job_id` will create (replacing the one its ID number would give).
    pub fn preset_outcome(&self, user_id: &str, job_id: &str, outcome: PresetOutcome) {
        lock(&self.presets).insert((user_id.to_owned(), job_id.to_owned()), outcome);
    }

    /// The preset outcome for a job, used up by the entry call that reads it.
    pub fn take_preset(&self, user_id: &str, job_id: &str) -> Option<PresetOutcome> {
        lock(&self.presets).remove(&(user_id.to_owned(), job_id.to_owned()))
    }

    pub(super) fn take_smile_job_id(&self) -> String {
        let n = self.next_smile_job_id.fetch_add(1, Ordering::AcqRel);
        format!("{n:010}")
    }

    fn build_job(&self, spec: JobSpec) -> Result<Job, EmulatorError> {
        Self::validate_job(&spec)?;
        let smile_job_id = self.take_smile_job_id();
        self.build_job_as(spec, smile_job_id)
    }

    pub(super) fn build_job_as(
        &self,
        spec: JobSpec,
        smile_job_id: String,
    ) -> Result<Job, EmulatorError> {
        Self::validate_job(&spec)?;
        let invalid = |reason: String| EmulatorError::InvalidJob {
            user_id: spec.user_id.clone(),
            job_id: spec.job_id.clone(),
            reason,
        };
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
                let outcome = spec.outcome.unwrap_or(PresetOutcome::Approved);
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
