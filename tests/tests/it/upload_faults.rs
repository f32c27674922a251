//! The fault matrix for image jobs: the emulator's faults on the prep
//! upload (`upload`) and on the upload target's PUT (`upload_zip`), with
//! `smileid_hyper::Client::submit_job` over TLS and the settings of
//! [`crate::faults`] (2 retries, 20-100 ms backoffs).
//!
//! Each case checks the error (and its cause), how many prep uploads and
//! PUTs the emulator saw, and where a job was created, that it can still be
//! finished: the PUT is idempotent and retried; the prep upload creates the
//! job and is never sent twice once it may have arrived.
//!
//! Requests are counted by a zero `latency` fault per endpoint, which every
//! request to it meets without any change to its answer.

use std::time::Duration;

use smileid_core::{
    Error, ErrorKind, ImageJob, ImageJobType, SubmitEvent, SubmitOptions, SubmittedJob,
    TransportErrorKind, UploadStep, WaitPolicy,
};
use smileid_emulator::{EmulatorHandle, FaultSpec};
use smileid_hyper::Client;

use crate::faults::{ATTEMPTS, emulator, emulator_client};
use crate::image_jobs_e2e::jpeg;

const USER: &str = "u-upload-faults";
const JOB: &str = "j-upload-faults";

/// A SmartSelfie registration (a selfie is all it needs).
fn job() -> ImageJob {
    ImageJob::new(ImageJobType::SmartSelfieRegistration, USER, JOB).selfie(jpeg(8192, 0))
}

fn wait() -> SubmitOptions {
    SubmitOptions::default()
        .wait(WaitPolicy::fixed(Duration::from_millis(50)).with_deadline(Duration::from_secs(20)))
}

/// Request counters for the prep upload and the PUT: `(prep, put)` fault ids.
struct Counters {
    prep: u64,
    put: u64,
}

impl Counters {
    fn install(emulator: &EmulatorHandle) -> Self {
        let counter = |endpoint: &str| {
            emulator
                .set_fault(FaultSpec::latency(Duration::ZERO).for_endpoint(endpoint))
                .expect("a valid fault")
                .id
        };
        Self {
            prep: counter("upload"),
            put: counter("upload_zip"),
        }
    }

    /// `(prep uploads, PUTs)` seen so far.
    fn seen(&self, emulator: &EmulatorHandle) -> (u64, u64) {
        let faults = emulator.faults();
        let hits = |id| faults.iter().find(|f| f.id == id).map_or(0, |f| f.hits);
        (hits(self.prep), hits(self.put))
    }
}

/// An emulator with the request counters and `fault`, and a client for it.
async fn setup(fault: Option<FaultSpec>) -> (EmulatorHandle, Counters, Client) {
    let emulator = emulator().await;
    let counters = Counters::install(&emulator);
    if let Some(fault) = fault {
        emulator.set_fault(fault).expect("a valid fault");
    }
    let client = emulator_client(&emulator);
    (emulator, counters, client)
}

/// `client.submit_job(job, options)`, failing the test on a hang.
async fn submit(
    client: &Client,
    job: ImageJob,
    options: &SubmitOptions,
) -> Result<SubmittedJob, Error> {
    tokio::time::timeout(Duration::from_secs(60), client.submit_job(job, options))
        .await
        .expect("the submission hung")
}

fn result_code(job: &SubmittedJob) -> String {
    let status = job.status.as_ref().expect("waited");
    assert!(status.is_complete());
    let result = status.response().result_object().expect("a result");
    result.result_code().expect("a code").as_str().to_owned()
}

/// Removes every fault but the counters.
fn clear_all_but_counters(emulator: &EmulatorHandle, counters: &Counters) {
    for fault in emulator.faults() {
        if fault.id != counters.prep && fault.id != counters.put {
            assert!(emulator.remove_fault(fault.id));
        }
    }
}

/// The error of a submission whose PUT failed after the job was created,
/// checked, and its cause.
fn upload_incomplete(error: Error) -> Error {
    assert_eq!(error.kind(), ErrorKind::UploadIncomplete, "{error:?}");
    let Error::UploadIncomplete(incomplete) = error else {
        unreachable!()
    };
    assert_eq!(incomplete.step(), UploadStep::Put);
    assert_eq!((incomplete.user_id(), incomplete.job_id()), (USER, JOB));
    assert!(!incomplete.smile_job_id().is_empty());
    let message = incomplete.to_string();
    assert!(
        message.contains("was created but its images did not arrive"),
        "{message}"
    );
    incomplete.into_cause()
}

/// One PUT meets `fault`, the retried PUT succeeds, and the job completes:
/// one prep upload, two PUTs.
async fn assert_one_retried_put_completes(fault: FaultSpec) {
    let (emulator, counters, client) = setup(Some(fault.for_endpoint("upload_zip").count(1))).await;
    let submitted = submit(&client, job(), &wait()).await.expect("submitted");
    assert_eq!(result_code(&submitted), "0840");
    assert_eq!(counters.seen(&emulator), (1, 2));
}

#[tokio::test]
async fn a_put_reset_once_is_retried_and_the_job_completes() {
    assert_one_retried_put_completes(FaultSpec::drop_connection()).await;
}

#[tokio::test]
async fn a_put_reset_every_time_is_upload_incomplete_and_resume_finishes_the_job() {
    let fault = FaultSpec::drop_connection().for_endpoint("upload_zip");
    let (emulator, counters, client) = setup(Some(fault)).await;
    let error = submit(&client, job(), &wait()).await.unwrap_err();
    let cause = upload_incomplete(error);
    assert!(
        matches!(&cause, Error::Transport(e) if e.kind() == TransportErrorKind::Io),
        "{cause:?}"
    );
    // The PUT was retried; the prep upload was not sent again.
    assert_eq!(counters.seen(&emulator), (1, ATTEMPTS as u64));

    // The job exists and waits for its zip: the same job again without the
    // resume flag is refused, with it a fresh link finishes the job.
    clear_all_but_counters(&emulator, &counters);
    let error = submit(&client, job(), &wait()).await.unwrap_err();
    let Error::JobAlreadyExists(exists) = &error else {
        panic!("{error:?}")
    };
    assert!(!exists.resume_refused());
    let submitted = submit(&client, job().resume(), &wait())
        .await
        .expect("resumed");
    assert_eq!(result_code(&submitted), "0840");
    assert_eq!(counters.seen(&emulator), (3, ATTEMPTS as u64 + 1));
}

#[tokio::test]
async fn an_expired_upload_link_is_not_retried_and_resume_gets_a_fresh_one() {
    let fault = FaultSpec::http_error(403, "AccessDenied", "Request has expired")
        .for_endpoint("upload_zip")
        .count(1);
    let (emulator, counters, client) = setup(Some(fault)).await;
    let error = submit(&client, job(), &wait()).await.unwrap_err();
    let cause = upload_incomplete(error);
    assert_eq!(cause.http_status().map(|s| s.as_u16()), Some(403));
    assert_eq!(cause.api_code(), Some("AccessDenied"));
    assert!(cause.to_string().contains("Request has expired"), "{cause}");
    assert!(!cause.is_retryable());
    assert_eq!(counters.seen(&emulator), (1, 1));

    let submitted = submit(&client, job().resume(), &wait())
        .await
        .expect("resumed");
    assert_eq!(result_code(&submitted), "0840");
    assert_eq!(counters.seen(&emulator), (2, 2));
}

#[tokio::test]
async fn a_put_503_then_success_is_retried() {
    assert_one_retried_put_completes(FaultSpec::http_error(
        503,
        "SlowDown",
        "Please reduce your request rate.",
    ))
    .await;
}

#[tokio::test]
async fn a_put_503_beyond_the_retries_is_upload_incomplete_with_s3s_code() {
    let fault = FaultSpec::http_error(503, "SlowDown", "Please reduce your request rate.")
        .for_endpoint("upload_zip");
    let (emulator, counters, client) = setup(Some(fault)).await;
    let cause = upload_incomplete(submit(&client, job(), &wait()).await.unwrap_err());
    assert_eq!(cause.http_status().map(|s| s.as_u16()), Some(503));
    assert_eq!(cause.api_code(), Some("SlowDown"));
    assert_eq!(counters.seen(&emulator), (1, ATTEMPTS as u64));
}

#[tokio::test]
async fn a_prep_upload_500_is_sent_once_and_no_zip_follows() {
    let fault = FaultSpec::http_error(500, "2201", "System error").for_endpoint("upload");
    let (emulator, counters, client) = setup(Some(fault)).await;
    let error = submit(&client, job(), &wait()).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Api, "{error:?}");
    assert_eq!(error.http_status().map(|s| s.as_u16()), Some(500));
    assert_eq!(error.api_code(), Some("2201"));
    let hint = error.hint().expect("a hint");
    assert!(hint.contains("job status"), "{hint}");
    assert_eq!(counters.seen(&emulator), (1, 0));
}

#[tokio::test]
async fn a_prep_upload_timeout_is_outcome_unknown_and_sent_once() {
    // Longer than the client's 500 ms request timeout.
    let fault = FaultSpec::latency(Duration::from_secs(3)).for_endpoint("upload");
    let (emulator, counters, client) = setup(Some(fault)).await;
    let error = submit(&client, job(), &wait()).await.unwrap_err();
    let Error::OutcomeUnknown(unknown) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(unknown.operation(), "prep_upload");
    assert_eq!(unknown.cause().kind(), TransportErrorKind::Timeout);
    let hint = error.hint().expect("a hint");
    assert!(
        hint.contains("query job status with the same user_id and job_id"),
        "{hint}"
    );
    assert_eq!(counters.seen(&emulator), (1, 0));
}

#[tokio::test]
async fn a_fault_for_every_endpoint_leaves_the_upload_target_alone() {
    let (emulator, counters, client) = setup(None).await;
    let mut every = None;
    let submitted = client
        .submit_job_with(job(), &SubmitOptions::default(), |event| {
            if matches!(event, SubmitEvent::Prepared(_)) {
                // Between the prep upload and the PUT.
                let fault = emulator
                    .set_fault(FaultSpec::drop_connection())
                    .expect("valid");
                every = Some(fault.id);
            }
        })
        .await
        .expect("the PUT is not affected");
    assert!(submitted.status.is_none());
    let every = every.expect("the prep upload was reported");
    let fault = emulator
        .faults()
        .into_iter()
        .find(|f| f.id == every)
        .expect("still set");
    assert_eq!(fault.hits, 0);
    assert_eq!(counters.seen(&emulator), (1, 1));
}

#[tokio::test]
async fn faults_that_cannot_apply_to_the_upload_target_are_refused() {
    let emulator = emulator().await;
    for (fault, says) in [
        (FaultSpec::wrong_signature(), "answers are not signed"),
        (FaultSpec::truncated_body(), "use `drop_connection`"),
    ] {
        let error = emulator
            .set_fault(fault.for_endpoint("upload_zip"))
            .unwrap_err()
            .to_string();
        assert!(error.contains("does not apply to `upload_zip`"), "{error}");
        assert!(error.contains(says), "{error}");
    }
    assert!(emulator.faults().is_empty());
}
