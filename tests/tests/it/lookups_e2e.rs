//! The entry calls end to end: smileid-hyper's client against the emulator
//! over TLS, answers verified, callbacks verified with smileid-core, and the
//! no-double-billing rule against a real server.

use std::time::{Duration, SystemTime};

use smileid_core::{
    Aml, BusinessVerification, CallbackPolicy, ErrorKind, IdVerification, JobStatusQuery,
    RetryPolicy, SignatureCheck, verify_callback,
};
use smileid_emulator::{Emulator, EmulatorHandle, FaultSpec, PresetOutcome};
use smileid_hyper::Client;
use smileid_types::{BusinessVerificationResponse, Outcome};

use crate::emulator_e2e::CallbackReceiver;

pub(crate) async fn emulator() -> EmulatorHandle {
    Emulator::builder()
        .tls(true)
        .callback_backoff(Duration::from_millis(10))
        .start()
        .await
        .expect("starts")
}

pub(crate) fn client(emu: &EmulatorHandle, retries: u32) -> Client {
    let pem = emu.ca_cert_pem().expect("TLS");
    Client::builder(emu.partner_id(), emu.api_key())
        .base_url(emu.base_url())
        .add_root_certificates_pem(pem.as_bytes())
        .retry_policy(
            RetryPolicy::default()
                .with_max_retries(retries)
                .with_initial_backoff(Duration::from_millis(5))
                .with_max_backoff(Duration::from_millis(20)),
        )
        .request_timeout(Duration::from_secs(10))
        .build()
        .expect("client builds")
}

#[tokio::test]
async fn enhanced_kyc_is_verified_typed_and_readable_by_job_status() {
    let emu = emulator().await;
    let client = client(&emu, 0);
    let lookup = IdVerification::new("u-kyc", "j-kyc", "NG", "BVN", "00000000000")
        .first_name("Adaeze")
        .last_name("Okafor")
        .date_of_birth("1991-03-14")
        .partner_param("order_ref", "A-1");
    let answer = client.send(&lookup).await.expect("validated");
    assert_eq!(answer.signature_check(), SignatureCheck::Verified);
    assert_eq!(answer.outcome(), Outcome::Approved);
    assert_eq!(
        answer.result().personal_info().full_name(),
        Some("OKAFOR ADAEZE")
    );
    let photo = answer.photo().expect("a photo");
    assert_eq!(&photo[..2], &[0xff, 0xd8], "a JPEG");
    let status = client
        .job_status(&JobStatusQuery::new("u-kyc", "j-kyc"))
        .await
        .expect("status");
    assert!(status.is_complete());
    assert_eq!(status.outcome(), Outcome::Approved);
}

#[tokio::test]
async fn an_unable_lookup_is_an_answer_not_an_error() {
    let emu = emulator().await;
    let client = client(&emu, 0);
    let answer = client
        .send(&IdVerification::new(
            "u",
            "j-1013",
            "NG",
            "NIN_V2",
            "1013000000",
        ))
        .await
        .expect("an answer");
    assert_eq!(answer.outcome(), Outcome::Rejected);
    assert!(answer.photo().is_none());
    assert!(answer.result().personal_info().full_name().is_none());
}

#[tokio::test]
async fn async_lookup_callback_verifies_with_smileid_core() {
    let emu = emulator().await;
    let receiver = CallbackReceiver::start(vec![]).await;
    let client = client(&emu, 0);
    emu.preset_outcome("u-async", "j-async", PresetOutcome::Rejected);
    let ack = client
        .send(
            &IdVerification::new("u-async", "j-async", "KE", "NATIONAL_ID", "00000000")
                .asynchronous(&receiver.url),
        )
        .await
        .expect("acknowledged");
    assert!(ack.success);
    emu.wait_for_callback_deliveries(1, Duration::from_secs(10))
        .await;
    let bodies = receiver.bodies();
    assert_eq!(bodies.len(), 1);
    let signer = client.core().signer().clone();
    let verified = verify_callback(
        &signer,
        &bodies[0],
        SystemTime::now(),
        &CallbackPolicy::default(),
    )
    .expect("the callback verifies");
    assert_eq!(verified.outcome(), Outcome::Rejected);
    assert_eq!(
        verified
            .result()
            .partner_params
            .as_ref()
            .and_then(|p| p.job_id()),
        Some("j-async")
    );
}

#[tokio::test]
async fn async_business_verification_callback_verifies_and_reads_typed() {
    let emu = emulator().await;
    let receiver = CallbackReceiver::start(vec![]).await;
    let client = client(&emu, 0);
    let ack = client
        .send(
            &BusinessVerification::new(
                "u-kyb-async",
                "j-kyb-async",
                "NG",
                "BUSINESS_REGISTRATION",
                "RC0000000",
            )
            .business_type("co")
            .asynchronous(&receiver.url),
        )
        .await
        .expect("acknowledged");
    assert!(ack.success);
    emu.wait_for_callback_deliveries(1, Duration::from_secs(10))
        .await;
    let bodies = receiver.bodies();
    assert_eq!(bodies.len(), 1);
    let signer = client.core().signer().clone();
    let verified = verify_callback(
        &signer,
        &bodies[0],
        SystemTime::now(),
        &CallbackPolicy::default(),
    )
    .expect("the callback verifies");
    assert_eq!(verified.outcome(), Outcome::Approved);
    let kyb: BusinessVerificationResponse = verified.decode_as().expect("a KYB result");
    assert_eq!(
        kyb.result.partner_params.as_ref().and_then(|p| p.job_id()),
        Some("j-kyb-async")
    );
    assert_eq!(kyb.directors.len(), 1);
    assert!(kyb.company_information.is_some());
    assert_eq!(kyb.success, Some(true));
}

#[tokio::test]
async fn business_verification_and_aml() {
    let emu = emulator().await;
    let client = client(&emu, 0);
    let kyb = client
        .send(
            &BusinessVerification::new(
                "u-kyb",
                "j-kyb",
                "NG",
                "BUSINESS_REGISTRATION",
                "RC0000000",
            )
            .business_type("co"),
        )
        .await
        .expect("verified");
    assert_eq!(kyb.signature_check(), SignatureCheck::Verified);
    assert_eq!(kyb.response().directors.len(), 1);
    let aml = client
        .send(&Aml::new("u-aml", "j-aml", "John Example Doe", ["NG"]).birth_year("1965"))
        .await
        .expect("screened");
    assert_eq!(aml.signature_check(), SignatureCheck::Verified);
    assert_eq!(aml.response().people.len(), 1);
}

#[tokio::test]
async fn a_job_id_used_twice_is_an_api_error() {
    let emu = emulator().await;
    let client = client(&emu, 3);
    let lookup = IdVerification::new("u", "j-twice", "NG", "BVN", "00000000000");
    client.send(&lookup).await.expect("first");
    let err = client.send(&lookup).await.expect_err("second");
    assert_eq!(err.kind(), ErrorKind::Api);
    assert_eq!(err.api_code(), Some("2215"));
}

#[tokio::test]
async fn a_lookup_is_never_resent_after_a_5xx_or_a_dropped_connection() {
    let emu = emulator().await;
    let client = client(&emu, 3);
    emu.set_fault(
        FaultSpec::http_error(502, "2201", "Bad gateway")
            .for_endpoint("id_verification")
            .count(1),
    )
    .expect("fault");
    let err = client
        .send(&IdVerification::new(
            "u",
            "j-502",
            "NG",
            "BVN",
            "00000000000",
        ))
        .await
        .expect_err("502");
    assert_eq!(err.kind(), ErrorKind::Api);
    assert_eq!(emu.faults().len(), 0, "the one fault was used");
    // A retry would have created the job: it does not exist.
    assert!(emu.job("u", "j-502").is_none());

    emu.set_fault(
        FaultSpec::drop_connection()
            .for_endpoint("id_verification")
            .count(1),
    )
    .expect("fault");
    let err = client
        .send(&IdVerification::new(
            "u",
            "j-drop",
            "NG",
            "BVN",
            "00000000000",
        ))
        .await
        .expect_err("dropped");
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown);
    assert!(emu.job("u", "j-drop").is_none(), "sent once, never again");
}
