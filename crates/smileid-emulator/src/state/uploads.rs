//! Image jobs between their prep upload and their zip: the presigned
//! upload links, the `2215` rule with its `retry` recovery, and the job
//! made once the zip arrives.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, SystemTime};

use serde_json::Value;

use super::{State, lock, write};
use crate::error::EmulatorError;
use crate::spec::JobSpec;

/// An image job created by its prep upload.
#[derive(Debug, Clone)]
pub(crate) struct PendingUpload {
    pub user_id: String,
    pub job_id: String,
    pub job_type: u32,
    pub smile_job_id: String,
    /// `""` when the caller polls.
    pub callback_url: String,
    /// As the prep upload sent them (extras included).
    pub partner_params: Value,
    pub use_enrolled_image: bool,
    /// Set once a zip was accepted: the job then exists in the job table.
    pub zip_received: bool,
}

/// What a prep upload gets.
pub(crate) enum Prepared {
    /// A new job, or (with `retry`) the same job again before its zip.
    Upload(PendingUpload),
    /// `2215`: the job id has a job (whose zip arrived, when `retry` was
    /// asked).
    Exists,
}

/// Why a presigned upload link is refused (`403`, S3-style).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LinkRefusal {
    /// The signature does not match the path and expiry.
    BadSignature,
    /// The link's `Expires` has passed.
    Expired,
    /// The link is well signed but names no job (after a reset).
    NoSuchUpload,
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl State {
    /// The prep upload of `pending` (its `smile_job_id` not yet chosen):
    /// a new job, the same job again when `retry` is asked before its zip
    /// arrived, or `2215`.
    pub fn prepare_upload(&self, mut pending: PendingUpload, retry: bool) -> Prepared {
        let mut uploads = lock(&self.uploads);
        if let Some(existing) = uploads
            .values()
            .find(|u| u.user_id == pending.user_id && u.job_id == pending.job_id)
        {
            return if retry && !existing.zip_received {
                Prepared::Upload(existing.clone())
            } else {
                Prepared::Exists
            };
        }
        if self.job(&pending.user_id, &pending.job_id).is_some() {
            return Prepared::Exists;
        }
        let n = self.next_smile_job_id.fetch_add(1, Ordering::AcqRel);
        pending.smile_job_id = format!("{n:010}");
        uploads.insert(pending.smile_job_id.clone(), pending.clone());
        Prepared::Upload(pending)
    }

    /// The presigned upload URL of a job: its path, an `Expires` (Unix
    /// seconds) `upload_url_ttl` from now, and a signature over both made
    /// with the partner's key.
    pub fn upload_url(&self, smile_job_id: &str) -> String {
        let path = format!("/uploads/{smile_job_id}/selfie.zip");
        let expires = unix_now().saturating_add(self.upload_url_ttl.as_secs());
        let signature = self.link_signature(&path, expires);
        format!(
            "{}{path}?Content-Type=application%2Fzip&Expires={expires}&Signature={signature}",
            self.origin
        )
    }

    fn link_signature(&self, path: &str, expires: u64) -> String {
        self.url_safe_mac(&format!("upload:PUT:{path}:{expires}"))
    }

    /// Checks a presigned link: the signature over `path` and `expires`,
    /// then the expiry, then the job it names.
    pub fn check_upload_link(
        &self,
        path: &str,
        expires: Option<&str>,
        signature: Option<&str>,
    ) -> Result<PendingUpload, LinkRefusal> {
        let (Some(expires_text), Some(signature)) = (expires, signature) else {
            return Err(LinkRefusal::BadSignature);
        };
        let expires: u64 = expires_text
            .parse()
            .map_err(|_| LinkRefusal::BadSignature)?;
        let expected = self.link_signature(path, expires);
        if !constant_time_eq(expected.as_bytes(), signature.as_bytes()) {
            return Err(LinkRefusal::BadSignature);
        }
        if unix_now() > expires {
            return Err(LinkRefusal::Expired);
        }
        let smile_job_id = path
            .strip_prefix("/uploads/")
            .and_then(|rest| rest.split('/').next())
            .unwrap_or_default();
        lock(&self.uploads)
            .get(smile_job_id)
            .cloned()
            .ok_or(LinkRefusal::NoSuchUpload)
    }

    /// Marks the zip of `smile_job_id` received; false when it had been
    /// already (a repeated PUT, which changes nothing).
    pub fn mark_zip_received(&self, smile_job_id: &str) -> bool {
        match lock(&self.uploads).get_mut(smile_job_id) {
            Some(upload) if !upload.zip_received => {
                upload.zip_received = true;
                true
            }
            _ => false,
        }
    }

    /// Registers the job of an uploaded zip under its prep upload's
    /// `SmileJobID`, pending for the processing time, then complete (and
    /// its callback sent).
    pub fn add_uploaded_job(
        self: &Arc<Self>,
        spec: JobSpec,
        smile_job_id: String,
    ) -> Result<(), EmulatorError> {
        let job = Arc::new(self.build_job_as(spec, smile_job_id)?);
        write(&self.jobs)
            .entry(job.user_id.clone())
            .or_default()
            .insert(job.job_id.clone(), Arc::clone(&job));
        self.start(job);
        Ok(())
    }

    /// How long an uploaded job stays pending.
    pub fn processing_time(&self) -> Duration {
        self.image_job_processing
    }
}

/// Equality that takes as long for every input of the same length.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
