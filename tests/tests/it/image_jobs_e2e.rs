//! Image jobs end to end: smileid-hyper's client against the emulator over
//! TLS: prep upload, zip and PUT to the presigned link, the wait for the
//! result of each job type, the `2215` rule and its resume path, refused
//! links, unusable zips, presets and callbacks.

use std::time::Duration;

use bytes::Bytes;
use smileid_core::{
    Error, ErrorKind, ImageIdInfo, ImageJob, ImageJobType, JobStatusQuery, SubmitOptions,
    WaitPolicy, ZipUpload,
};
use smileid_emulator::{Emulator, EmulatorHandle, PresetOutcome};
use smileid_types::Outcome;

use crate::lookups_e2e::{client, emulator};

/// JPEG bytes of about `len` bytes (start of image, JFIF, filler, end).
pub(crate) fn jpeg(len: usize, tag: u8) -> Bytes {
    let mut bytes = vec![
        0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0, tag,
    ];
    bytes.resize(len.max(14) - 2, tag);
    bytes.extend_from_slice(&[0xFF, 0xD9]);
    Bytes::from(bytes)
}

fn wait() -> SubmitOptions {
    SubmitOptions::default()
        .wait(WaitPolicy::fixed(Duration::from_millis(50)).with_deadline(Duration::from_secs(20)))
}

fn biometric_kyc(user: &str, job: &str) -> ImageJob {
    ImageJob::new(ImageJobType::BiometricKyc, user, job)
        .selfie(jpeg(4096, 0))
        .liveness_frames((1..=8).map(|i| jpeg(1024, i)))
        .id_info(
            ImageIdInfo::new("NG")
                .id_type("NIN_V2")
                .id_number("00000000000")
                .first_name("Adaeze")
                .last_name("Okafor")
                .date_of_birth("1991-03-14"),
        )
        .partner_param("order_ref", "A-1")
}

fn result_code(job: &smileid_core::SubmittedJob) -> String {
    let status = job.status.as_ref().expect("waited");
    assert!(status.is_complete());
    let result = status.response().result_object().expect("a result");
    result.result_code().expect("a code").as_str().to_owned()
}

#[tokio::test]
async fn each_job_type_completes_with_its_result() {
    let emu = emulator().await;
    let client = client(&emu, 0);
    let doc = |t, user: &str| {
        ImageJob::new(t, user, "j-doc")
            .selfie(jpeg(2048, 0))
            .id_front(jpeg(2048, 1))
            .id_back(jpeg(2048, 2))
            .id_info(ImageIdInfo::new("NG").id_type("PASSPORT"))
    };
    let cases = [
        (biometric_kyc("u-1", "j-1"), "0810"),
        (
            ImageJob::new(ImageJobType::SmartSelfieRegistration, "u-4", "j-4")
                .selfie(jpeg(2048, 0)),
            "0840",
        ),
        (
            ImageJob::new(ImageJobType::SmartSelfieAuthentication, "u-4", "j-2")
                .selfie(jpeg(2048, 0)),
            "0820",
        ),
        (doc(ImageJobType::DocumentVerification, "u-6"), "0810"),
        (
            doc(ImageJobType::EnhancedDocumentVerification, "u-11"),
            "0810",
        ),
    ];
    for (job, code) in cases {
        let job_type = job.job_type();
        let submitted = client.submit_job(job, &wait()).await.expect("submitted");
        assert_eq!(result_code(&submitted), code, "{job_type:?}");
        let status = submitted.status.as_ref().unwrap();
        let result = status.response().result_object().unwrap();
        assert_eq!(
            result.smile_job_id(),
            Some(submitted.smile_job_id.as_str()),
            "{job_type:?}"
        );
        if job_type == ImageJobType::BiometricKyc {
            // The ID info of the zip, and the extra partner param, come back.
            assert_eq!(result.personal_info().id_number(), Some("00000000000"));
            assert_eq!(
                result.partner_params().unwrap().extra.get("order_ref"),
                Some(&serde_json::json!("A-1"))
            );
        }
        if job_type == ImageJobType::DocumentVerification {
            assert_eq!(result.personal_info().id_type(), Some("PASSPORT"));
        }
    }
}

#[tokio::test]
async fn job_status_says_no_zip_until_the_upload() {
    let emu = emulator().await;
    let client = client(&emu, 0);
    let job = biometric_kyc("u-nozip", "j-nozip");
    let prepared = client.send(&job.prep_upload()).await.expect("prepared");
    let status = client
        .job_status(&JobStatusQuery::new("u-nozip", "j-nozip"))
        .await
        .expect("status");
    assert!(!status.is_complete());
    assert_eq!(status.response().code.as_deref(), Some("2314"));

    // The same job id again is 2215; resume gets a fresh link for the same
    // job, which then completes.
    let err = client.send(&job.prep_upload()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::JobAlreadyExists, "{err}");
    let resumed = client
        .submit_job(job.clone().resume(), &wait())
        .await
        .expect("resumed");
    assert_eq!(resumed.smile_job_id, prepared.smile_job_id());
    assert_eq!(result_code(&resumed), "0810");
    // After the zip, even resume is refused.
    let err = client
        .send(&job.clone().resume().prep_upload())
        .await
        .unwrap_err();
    let Error::JobAlreadyExists(e) = &err else {
        panic!("{err:?}")
    };
    assert!(e.resume_refused());
}

#[tokio::test]
async fn a_tampered_or_expired_link_is_refused_in_s3_style() {
    let emu = Emulator::builder()
        .tls(true)
        .upload_url_ttl(Duration::ZERO)
        .start()
        .await
        .expect("starts");
    let client = client(&emu, 0);
    let job = biometric_kyc("u-exp", "j-exp");
    let prepared = client.send(&job.prep_upload()).await.expect("prepared");
    let url = prepared.upload_url().clone();

    let tampered =
        smileid_core::UploadUrl::parse(&url.as_str().replace("Signature=", "Signature=x"))
            .expect("still a URL");
    let err = client
        .send(&ZipUpload::new(tampered, Bytes::from_static(b"PK\x05\x06")))
        .await
        .unwrap_err();
    assert_eq!(err.http_status().map(|s| s.as_u16()), Some(403));
    let Error::Api(api) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(api.code(), Some("SignatureDoesNotMatch"));

    // A link valid for zero seconds has expired once its second is over.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let err = client
        .send(&ZipUpload::new(url, Bytes::from_static(b"PK\x05\x06")))
        .await
        .unwrap_err();
    let Error::Api(api) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        (api.status().as_u16(), api.code()),
        (403, Some("AccessDenied"))
    );
    assert_eq!(api.message(), Some("Request has expired"));
}

#[tokio::test]
async fn an_unusable_zip_is_a_rejected_result_not_a_put_error() {
    let emu = emulator().await;
    let client = client(&emu, 0);
    let job = biometric_kyc("u-bad", "j-bad");
    let prepared = client.send(&job.prep_upload()).await.expect("prepared");
    client
        .send(&ZipUpload::new(
            prepared.upload_url().clone(),
            Bytes::from_static(b"this is not a zip"),
        ))
        .await
        .expect("the upload target does not look inside");
    let status = client
        .wait_for_completion(
            &JobStatusQuery::new("u-bad", "j-bad"),
            &WaitPolicy::fixed(Duration::from_millis(50)).with_deadline(Duration::from_secs(20)),
        )
        .await
        .expect("complete");
    let result = status.response().result_object().unwrap();
    assert_eq!(result.result_code().unwrap().as_str(), "0903");
    assert_eq!(status.outcome(), Outcome::Rejected);
}

#[tokio::test]
async fn presets_and_callbacks_apply_to_image_jobs() {
    let receiver = crate::emulator_e2e::CallbackReceiver::start(Vec::new()).await;
    let emu: EmulatorHandle = emulator().await;
    let client = client(&emu, 0);
    emu.preset_outcome("u-pre", "j-pre", PresetOutcome::Rejected);
    let job = ImageJob::new(ImageJobType::SmartSelfieRegistration, "u-pre", "j-pre")
        .selfie(jpeg(2048, 0))
        .callback_url(receiver.url.clone());
    let submitted = client.submit_job(job, &wait()).await.expect("submitted");
    assert_eq!(result_code(&submitted), "0843");
    let deliveries = emu
        .wait_for_callback_deliveries(1, Duration::from_secs(10))
        .await;
    assert_eq!(deliveries.len(), 1, "{deliveries:?}");
    assert_eq!(deliveries[0].user_id, "u-pre");
    assert!(deliveries[0].delivered, "{deliveries:?}");
}
