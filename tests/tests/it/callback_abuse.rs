//! Abused callbacks: a genuine callback posted by the emulator, then stale,
//! future-dated, re-signed with another key, truncated and oversized
//! versions of it. Each is refused by `smileid_core::verify_callback` with
//! its own error variant, and none of them is ever accepted.

use std::mem::discriminant;
use std::time::{Duration, SystemTime};

use serde_json::{Value, json};
use smileid_core::{
    CallbackError, CallbackPolicy, DEFAULT_MAX_CALLBACK_BYTES, SignatureFailure, verify_callback,
};
use smileid_emulator::{Emulator, JobSpec, PresetOutcome};
use smileid_sign::{Signer, format_timestamp};
use smileid_testkit::raw_http::{self, RawServer};
use smileid_types::Outcome as JobOutcome;

const PARTNER_ID: &str = "085";
const API_KEY: &str = "callback-abuse-api-key";

fn signer() -> Signer {
    Signer::new(PARTNER_ID, API_KEY).unwrap()
}

/// A callback as the emulator posts it, captured by a raw server.
async fn genuine_callback() -> Vec<u8> {
    let receiver = RawServer::always(raw_http::json(200, "{}"));
    let emulator = Emulator::builder()
        .partner_id(PARTNER_ID)
        .api_key(API_KEY)
        .callback_backoff(Duration::from_millis(10))
        .start()
        .await
        .unwrap();
    emulator
        .add_job(
            JobSpec::new("cb-user", "cb-job")
                .job_type(5)
                .outcome(PresetOutcome::Approved)
                .callback_url(format!("http://{}/callback", receiver.addr())),
        )
        .unwrap();
    emulator.complete_job("cb-user", "cb-job").unwrap();
    let deliveries = emulator
        .wait_for_callback_deliveries(1, Duration::from_secs(10))
        .await;
    assert!(
        deliveries.first().is_some_and(|d| d.delivered),
        "{deliveries:?}"
    );
    let bodies = receiver.request_bodies();
    assert_eq!(bodies.len(), 1);
    emulator.shutdown().await;
    bodies.into_iter().next().unwrap()
}

/// `body` with a new timestamp, signed by `signer`.
fn resigned(body: &[u8], signer: &Signer, at: SystemTime) -> Vec<u8> {
    let mut value: Value = serde_json::from_slice(body).unwrap();
    let signed = signer.sign_at(at);
    value["timestamp"] = json!(signed.timestamp);
    value["signature"] = json!(signed.signature);
    serde_json::to_vec(&value).unwrap()
}

fn verify(body: &[u8], now: SystemTime) -> Result<JobOutcome, CallbackError> {
    verify_callback(&signer(), body, now, &CallbackPolicy::default()).map(|v| v.outcome())
}

#[tokio::test]
async fn every_abuse_is_refused_with_its_own_error() {
    let genuine = genuine_callback().await;
    let now = SystemTime::now();
    assert_eq!(verify(&genuine, now), Ok(JobOutcome::Approved));

    let minutes = |m: u64| Duration::from_secs(60 * m);
    let stale = resigned(&genuine, &signer(), now - minutes(10));
    let future = resigned(&genuine, &signer(), now + minutes(10));
    let stranger = Signer::new(PARTNER_ID, "someone-elses-key").unwrap();
    let foreign = resigned(&genuine, &stranger, now);
    let truncated = genuine[..genuine.len() / 2].to_vec();
    let oversized = {
        let mut value: Value = serde_json::from_slice(&genuine).unwrap();
        value["Padding"] = json!("x".repeat(DEFAULT_MAX_CALLBACK_BYTES));
        serde_json::to_vec(&value).unwrap()
    };

    let errors = [
        ("stale", verify(&stale, now).unwrap_err()),
        ("future-dated", verify(&future, now).unwrap_err()),
        ("another key", verify(&foreign, now).unwrap_err()),
        ("truncated", verify(&truncated, now).unwrap_err()),
        ("oversized", verify(&oversized, now).unwrap_err()),
    ];
    assert!(
        matches!(errors[0].1, CallbackError::Stale { age, max } if age >= minutes(10) && max == minutes(5)),
        "{errors:?}"
    );
    assert!(
        matches!(errors[1].1, CallbackError::FutureDated { ahead, max } if ahead >= minutes(9) && max == minutes(1)),
        "{errors:?}"
    );
    assert_eq!(
        errors[2].1,
        CallbackError::BadSignature(SignatureFailure::Mismatch)
    );
    assert!(
        matches!(errors[3].1, CallbackError::NotJson { .. }),
        "{errors:?}"
    );
    assert_eq!(
        errors[4].1,
        CallbackError::TooLarge {
            len: oversized.len(),
            max: DEFAULT_MAX_CALLBACK_BYTES
        }
    );
    // Five abuses, five different variants.
    for (i, (name_a, a)) in errors.iter().enumerate() {
        for (name_b, b) in &errors[i + 1..] {
            assert_ne!(
                discriminant(a),
                discriminant(b),
                "{name_a} and {name_b} give the same variant"
            );
        }
        // The message is one short line that names the problem, not the body.
        let text = a.to_string();
        assert!(!text.contains('\n') && text.len() < 300, "{name_a}: {text}");
    }
}

#[tokio::test]
async fn a_genuine_callback_replayed_later_is_stale() {
    let genuine = genuine_callback().await;
    let later = SystemTime::now() + Duration::from_secs(6 * 60);
    assert!(matches!(
        verify(&genuine, later),
        Err(CallbackError::Stale { .. })
    ));
    // ... and accepted by a policy that allows the age, so it is the age,
    // not anything else, that is refused.
    let lenient = CallbackPolicy::default().with_max_age(Duration::from_secs(3600));
    assert!(verify_callback(&signer(), &genuine, later, &lenient).is_ok());
}

#[tokio::test]
async fn a_tampered_result_keeps_its_signature_but_not_the_key_check() {
    // The signature covers only the timestamp (as Smile ID signs it), so
    // tampering with the result is undetectable by design; but swapping in
    // a fresh timestamp without the key is not.
    let genuine = genuine_callback().await;
    let mut value: Value = serde_json::from_slice(&genuine).unwrap();
    // A second after the signed timestamp: fresh, but never the signed text.
    let signed_at = value["timestamp"]
        .as_str()
        .and_then(|text| smileid_sign::parse_timestamp(text).ok())
        .unwrap();
    value["timestamp"] = json!(format_timestamp(signed_at + Duration::from_secs(1)));
    let tampered = serde_json::to_vec(&value).unwrap();
    assert_eq!(
        verify(&tampered, SystemTime::now()),
        Err(CallbackError::BadSignature(SignatureFailure::Mismatch))
    );
}

#[test]
fn other_malformed_callbacks_have_their_own_errors_too() {
    let now = SystemTime::now();
    let signed = signer().sign_at(now);
    let body = |fields: Value| serde_json::to_vec(&fields).unwrap();
    let cases = [
        (
            body(json!({"ResultCode": "1012", "timestamp": signed.timestamp})),
            CallbackError::MissingSignature,
        ),
        (
            body(json!({"ResultCode": "1012", "signature": signed.signature})),
            CallbackError::MissingTimestamp,
        ),
        (
            body(
                json!({"ResultCode": "1012", "timestamp": signed.timestamp, "signature": "not base64!"}),
            ),
            CallbackError::BadSignature(SignatureFailure::Malformed),
        ),
        (
            body({
                let odd = signer().sign("yesterday at noon");
                json!({"ResultCode": "1012", "timestamp": odd.timestamp, "signature": odd.signature})
            }),
            CallbackError::UnparseableTimestamp,
        ),
    ];
    for (body, expected) in cases {
        assert_eq!(verify(&body, now), Err(expected));
    }
    // A signed body of the wrong shape is a decode error with a path.
    let wrong = body(json!({
        "PartnerParams": "not an object",
        "timestamp": signed.timestamp,
        "signature": signed.signature,
    }));
    match verify(&wrong, now) {
        Err(CallbackError::Decode { path, .. }) => assert_eq!(path, "PartnerParams"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_smaller_cap_is_checked_before_anything_else() {
    let policy = CallbackPolicy::default().with_max_body_bytes(16);
    let err = verify_callback(&signer(), &[b'{'; 17], SystemTime::now(), &policy).unwrap_err();
    assert_eq!(err, CallbackError::TooLarge { len: 17, max: 16 });
}
