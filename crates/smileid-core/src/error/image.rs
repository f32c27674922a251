//! The two errors only image jobs have: a prep upload refused because the
//! job exists, and a job created whose zip did not arrive.

use std::fmt;

use super::{ApiError, Error};

/// A prep upload answered `2215`: the `job_id` already has a job. Held by
/// [`Error::JobAlreadyExists`](crate::Error::JobAlreadyExists).
///
/// If the job is this caller's and its zip never arrived (the upload URL
/// expired, the PUT failed), the same prep upload sent again with the
/// resume flag ([`ImageJob::resume`](crate::ImageJob::resume)) gets a fresh
/// upload URL for the same job; see [`resume_refused`](Self::resume_refused)
/// for when that was already tried.
#[derive(Debug)]
pub struct JobAlreadyExists {
    // Boxed: an `Error` stays as small as its largest common variant.
    inner: Box<Exists>,
}

#[derive(Debug)]
struct Exists {
    user_id: String,
    job_id: String,
    resume_refused: bool,
    api: ApiError,
}

impl JobAlreadyExists {
    /// The job `job_id` of `user_id` exists, as `api` said;
    /// `resume_refused` when the refused request already asked to resume.
    pub fn new(
        user_id: impl Into<String>,
        job_id: impl Into<String>,
        resume_refused: bool,
        api: ApiError,
    ) -> Self {
        Self {
            inner: Box::new(Exists {
                user_id: user_id.into(),
                job_id: job_id.into(),
                resume_refused,
                api,
            }),
        }
    }

    /// The partner's user id of the job.
    pub fn user_id(&self) -> &str {
        &self.inner.user_id
    }

    /// The partner's job id that already has a job.
    pub fn job_id(&self) -> &str {
        &self.inner.job_id
    }

    /// Whether the refused request already asked to resume: then the job's
    /// zip has arrived (or the job is not resumable) and job status is the
    /// way to its result.
    pub fn resume_refused(&self) -> bool {
        self.inner.resume_refused
    }

    /// The server's answer (status, code `2215`, message).
    pub fn api(&self) -> &ApiError {
        &self.inner.api
    }
}

impl fmt::Display for JobAlreadyExists {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "job {} of user {} already exists ({})",
            self.inner.job_id, self.inner.user_id, self.inner.api
        )
    }
}

impl std::error::Error for JobAlreadyExists {}

/// Which step of an image job failed after the job was created.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum UploadStep {
    /// Building the zip (signing `info.json`).
    Zip,
    /// The PUT of the zip to the upload URL (including a refused upload
    /// URL).
    Put,
}

/// The prep upload created a job, but its zip did not arrive. Held by
/// [`Error::UploadIncomplete`](crate::Error::UploadIncomplete).
///
/// The job exists at Smile ID (with [`smile_job_id`](Self::smile_job_id))
/// and waits for its zip: resubmitting with a new `job_id` would create (and
/// may bill) a second job. The way back is the same job again with
/// [`ImageJob::resume`](crate::ImageJob::resume), which asks for a fresh
/// upload URL (protocol section 13.8).
#[derive(Debug)]
pub struct UploadIncomplete {
    user_id: String,
    job_id: String,
    smile_job_id: String,
    step: UploadStep,
    cause: Box<Error>,
}

impl UploadIncomplete {
    /// The job `smile_job_id` (`user_id`, `job_id`) was created, and `step`
    /// failed with `cause`.
    pub fn new(
        user_id: impl Into<String>,
        job_id: impl Into<String>,
        smile_job_id: impl Into<String>,
        step: UploadStep,
        cause: Error,
    ) -> Self {
        Self {
            user_id: user_id.into(),
            job_id: job_id.into(),
            smile_job_id: smile_job_id.into(),
            step,
            cause: Box::new(cause),
        }
    }

    /// The partner's user id.
    pub fn user_id(&self) -> &str {
        &self.user_id
    }

    /// The partner's job id.
    pub fn job_id(&self) -> &str {
        &self.job_id
    }

    /// Smile ID's id of the created job.
    pub fn smile_job_id(&self) -> &str {
        &self.smile_job_id
    }

    /// The step that failed.
    pub fn step(&self) -> UploadStep {
        self.step
    }

    /// Why it failed (an [`Error::Api`] with S3's code and message, a
    /// transport error, a refused upload URL, ...).
    pub fn cause(&self) -> &Error {
        &self.cause
    }

    /// The cause, consuming the error.
    pub fn into_cause(self) -> Error {
        *self.cause
    }
}

impl fmt::Display for UploadIncomplete {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let step = match self.step {
            UploadStep::Zip => "building its zip",
            UploadStep::Put => "uploading its zip",
        };
        write!(
            f,
            "job {} (job_id {}) was created but its images did not arrive: {step} failed: {}",
            self.smile_job_id, self.job_id, self.cause
        )
    }
}

impl std::error::Error for UploadIncomplete {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.cause)
    }
}
