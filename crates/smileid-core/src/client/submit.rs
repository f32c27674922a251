//! [`Client::submit_job`]: an image job's three steps in one call.

use super::Client;
use crate::error::{Error, UploadIncomplete, UploadStep};
use crate::image_job::{ImageJob, PreparedUpload};
use crate::job_status::JobStatusQuery;
use crate::transport::{HttpTransport, Timer};
use crate::upload::ZipUpload;
use crate::verified::JobStatus;
use crate::wait::{PollEvent, WaitPolicy};

/// How [`Client::submit_job`] ends.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct SubmitOptions {
    /// After the upload, wait for the job's result on this schedule
    /// ([`Client::wait_for_completion`]). Default: `None`, return once the
    /// zip is accepted (the result then comes by callback or job status).
    pub wait: Option<WaitPolicy>,
    /// With [`wait`](Self::wait): ask the final status for the user's
    /// earlier results too (`history`).
    pub history: bool,
    /// With [`wait`](Self::wait): ask the final status for image links.
    pub image_links: bool,
}

impl SubmitOptions {
    /// Waits for the result after the upload, on `policy`'s schedule.
    #[must_use]
    pub fn wait(mut self, policy: WaitPolicy) -> Self {
        self.wait = Some(policy);
        self
    }

    /// Sets [`history`](Self::history).
    #[must_use]
    pub fn with_history(mut self, history: bool) -> Self {
        self.history = history;
        self
    }

    /// Sets [`image_links`](Self::image_links).
    #[must_use]
    pub fn with_image_links(mut self, image_links: bool) -> Self {
        self.image_links = image_links;
        self
    }
}

/// What [`Client::submit_job_with`] reports as the job advances.
#[derive(Debug)]
#[non_exhaustive]
pub enum SubmitEvent<'a> {
    /// The prep upload created the job.
    Prepared(&'a PreparedUpload),
    /// The zip is built; its size in bytes.
    Zipped {
        /// The zip's size.
        bytes: usize,
    },
    /// The upload target accepted the zip.
    Uploaded,
    /// One poll of the wait for the result.
    Poll(&'a PollEvent<'a>),
}

/// A submitted image job: its ids and, when the submission waited, its
/// final status.
#[derive(Debug)]
#[non_exhaustive]
pub struct SubmittedJob {
    /// The partner's user id.
    pub user_id: String,
    /// The partner's job id.
    pub job_id: String,
    /// Smile ID's id of the job.
    pub smile_job_id: String,
    /// The final job status, when [`SubmitOptions::wait`] was set.
    pub status: Option<JobStatus>,
}

impl<T: HttpTransport, R: Timer> Client<T, R> {
    /// Submits an image job: the prep upload (which creates the job), the
    /// zip, its PUT to the upload URL, and, if asked, the wait for the
    /// result. Same as [`submit_job_with`](Self::submit_job_with) without an
    /// observer.
    ///
    /// # Errors
    ///
    /// As [`submit_job_with`](Self::submit_job_with).
    pub async fn submit_job(
        &self,
        job: ImageJob,
        options: &SubmitOptions,
    ) -> Result<SubmittedJob, Error> {
        self.submit_job_with(job, options, |_: &SubmitEvent<'_>| {})
            .await
    }

    /// Submits an image job, calling `observer` after each step (a progress
    /// display):
    ///
    /// 1. the job is checked in full ([`Error::InvalidInput`]; nothing is
    ///    sent);
    /// 2. the prep upload ([`PrepUpload`](crate::PrepUpload)) creates the
    ///    job; an entry call, never re-sent once it may have arrived
    ///    ([`Error::OutcomeUnknown`]); a `2215` is
    ///    [`Error::JobAlreadyExists`];
    /// 3. the zip is built ([`ImageJob::build_zip`]) and the job's images
    ///    are dropped, so that they are held once;
    /// 4. the zip is PUT to the upload URL ([`ZipUpload`], idempotent,
    ///    retried, each attempt limited by
    ///    [`ClientBuilder::upload_timeout`](crate::ClientBuilder::upload_timeout));
    ///    any failure from here on is [`Error::UploadIncomplete`], which
    ///    names the created job and the way back
    ///    ([`ImageJob::resume`]);
    /// 5. with [`SubmitOptions::wait`], the wait for the result
    ///    ([`Client::wait_for_completion`]).
    ///
    /// # Errors
    ///
    /// As listed above, and any error of the wait.
    pub async fn submit_job_with<F>(
        &self,
        job: ImageJob,
        options: &SubmitOptions,
        mut observer: F,
    ) -> Result<SubmittedJob, Error>
    where
        F: FnMut(&SubmitEvent<'_>),
    {
        let prepared = self.send(&job.prep_upload()).await?;
        observer(&SubmitEvent::Prepared(&prepared));
        let incomplete = |step, cause| {
            Error::UploadIncomplete(UploadIncomplete::new(
                prepared.user_id(),
                prepared.job_id(),
                prepared.smile_job_id(),
                step,
                cause,
            ))
        };
        let zip = job
            .build_zip(&prepared, &self.signer, self.timer.system_now())
            .map_err(|e| incomplete(UploadStep::Zip, e))?;
        drop(job);
        observer(&SubmitEvent::Zipped { bytes: zip.len() });
        let put =
            ZipUpload::new(prepared.upload_url().clone(), zip).with_timeout(self.upload_timeout);
        self.send(&put)
            .await
            .map_err(|e| incomplete(UploadStep::Put, e))?;
        drop(put);
        observer(&SubmitEvent::Uploaded);
        let status = match &options.wait {
            None => None,
            Some(policy) => {
                let query = JobStatusQuery::new(prepared.user_id(), prepared.job_id())
                    .with_history(options.history)
                    .with_image_links(options.image_links);
                let status = self
                    .wait_for_completion_with(&query, policy, |event: &PollEvent<'_>| {
                        observer(&SubmitEvent::Poll(event));
                    })
                    .await?;
                Some(status)
            }
        };
        Ok(SubmittedJob {
            user_id: prepared.user_id().to_owned(),
            job_id: prepared.job_id().to_owned(),
            smile_job_id: prepared.smile_job_id().to_owned(),
            status,
        })
    }
}
