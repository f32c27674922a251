//! The callback matrix.

use std::time::{Duration, SystemTime};

use crate::support::*;
use serde_json::{Value, json};
use smileid_core::types::Outcome;
use smileid_core::{
    CallbackError, CallbackPolicy, CallbackVerifier, SignatureFailure, verify_callback,
};
use smileid_sign::{Signer, parse_timestamp};

/// The fixture's signed time: 2026-08-21T12:00:05.123Z.
fn signed_at() -> SystemTime {
    parse_timestamp("2026-08-21T12:00:05.123Z").unwrap()
}

fn verify(body: &[u8], now: SystemTime) -> Result<smileid_core::VerifiedCallback, CallbackError> {
    verify_callback(&signer(), body, now, &CallbackPolicy::default())
}

fn fixture_json() -> Value {
    serde_json::from_slice(&fixture("callback_enhanced_kyc.json")).unwrap()
}

/// The fixture's fields, signed again by `signer` at `timestamp`.
fn resigned(signer: &Signer, timestamp: &str) -> Vec<u8> {
    let mut v = fixture_json();
    let map = v.as_object_mut().unwrap();
    map.remove("signature");
    map.remove("timestamp");
    signed_with(signer, timestamp, v).to_vec()
}

#[test]
fn valid_fixture() {
    let body = fixture("callback_enhanced_kyc.json");
    let now = signed_at() + Duration::from_secs(60);
    let callback = verify(&body, now).unwrap();
    assert_eq!(callback.signed_at(), signed_at());
    assert_eq!(callback.outcome(), Outcome::Approved);
    let result = callback.result();
    assert_eq!(result.result_code().map(|c| c.as_str()), Some("1012"));
    let params = result.partner_params().unwrap();
    assert_eq!(params.job_id(), Some("job-9"));
    assert_eq!(params.user_id(), Some("user-9"));
    assert_eq!(callback.body().timestamp, "2026-08-21T12:00:05.123Z");
    let debug = format!("{callback:?}");
    assert!(
        !debug.contains("8I2a4WWXU3BqTII9rdwxuIRRNexe6ahqdHLaszPZhUg="),
        "{debug}"
    );
    let body = callback.into_body();
    assert_eq!(
        body.signature.as_str(),
        "8I2a4WWXU3BqTII9rdwxuIRRNexe6ahqdHLaszPZhUg="
    );
}

#[test]
fn freshness_limits_are_inclusive_and_configurable() {
    let body = fixture("callback_enhanced_kyc.json");
    assert!(verify(&body, signed_at() + Duration::from_secs(300)).is_ok());
    assert!(verify(&body, signed_at() - Duration::from_secs(60)).is_ok());
    let relaxed = CallbackPolicy::default().with_max_age(Duration::from_secs(3600));
    assert!(
        verify_callback(
            &signer(),
            &body,
            signed_at() + Duration::from_secs(1800),
            &relaxed
        )
        .is_ok()
    );
}

#[test]
fn stale() {
    let body = fixture("callback_enhanced_kyc.json");
    let err = verify(&body, signed_at() + Duration::from_secs(301)).unwrap_err();
    assert_eq!(
        err,
        CallbackError::Stale {
            age: Duration::from_secs(301),
            max: Duration::from_secs(300)
        }
    );
    assert!(err.to_string().contains("too old"));
}

#[test]
fn future_dated() {
    let body = fixture("callback_enhanced_kyc.json");
    let err = verify(&body, signed_at() - Duration::from_secs(120)).unwrap_err();
    assert_eq!(
        err,
        CallbackError::FutureDated {
            ahead: Duration::from_secs(120),
            max: Duration::from_secs(60)
        }
    );
}

#[test]
fn bad_signature() {
    let mut v = fixture_json();
    v["signature"] = json!("AI2a4WWXU3BqTII9rdwxuIRRNexe6ahqdHLaszPZhUg=");
    let body = serde_json::to_vec(&v).unwrap();
    assert_eq!(
        verify(&body, signed_at()).unwrap_err(),
        CallbackError::BadSignature(SignatureFailure::Mismatch)
    );
    v["signature"] = json!("%%%");
    let body = serde_json::to_vec(&v).unwrap();
    assert_eq!(
        verify(&body, signed_at()).unwrap_err(),
        CallbackError::BadSignature(SignatureFailure::Malformed)
    );
}

#[test]
fn tampered_timestamp_breaks_the_signature() {
    let mut v = fixture_json();
    v["timestamp"] = json!("2026-08-21T12:00:06.123Z");
    let body = serde_json::to_vec(&v).unwrap();
    assert_eq!(
        verify(&body, signed_at()).unwrap_err(),
        CallbackError::BadSignature(SignatureFailure::Mismatch)
    );
}

#[test]
fn resigned_with_another_key() {
    let other = Signer::new(PARTNER_ID, "some-other-key").unwrap();
    let body = resigned(&other, "2026-08-21T12:00:05.123Z");
    assert_eq!(
        verify(&body, signed_at()).unwrap_err(),
        CallbackError::BadSignature(SignatureFailure::Mismatch)
    );
    // The same content signed with the right key passes.
    let body = resigned(&signer(), "2026-08-21T12:00:05.123Z");
    assert!(verify(&body, signed_at()).is_ok());
}

#[test]
fn truncated() {
    let body = fixture("callback_enhanced_kyc.json");
    for cut in [1, 10, body.len() / 2, body.len() - 2] {
        let err = verify(&body[..cut], signed_at()).unwrap_err();
        assert!(
            matches!(err, CallbackError::NotJson { .. }),
            "{cut}: {err:?}"
        );
    }
}

#[test]
fn not_an_object() {
    for body in [&b""[..], b"[]", b"null", b"\"x\"", b"<xml/>"] {
        assert!(matches!(
            verify(body, signed_at()).unwrap_err(),
            CallbackError::NotJson { .. }
        ));
    }
}

#[test]
fn oversized_is_refused_before_parsing() {
    let body = fixture("callback_enhanced_kyc.json");
    let policy = CallbackPolicy::default().with_max_body_bytes(100);
    assert_eq!(
        verify_callback(&signer(), &body, signed_at(), &policy).unwrap_err(),
        CallbackError::TooLarge {
            len: body.len(),
            max: 100
        }
    );
    // Over the 2 MiB default; not even JSON, so the size is what failed first.
    let huge = vec![b'x'; 2 * 1024 * 1024 + 1];
    assert_eq!(
        verify(&huge, signed_at()).unwrap_err(),
        CallbackError::TooLarge {
            len: huge.len(),
            max: 2 * 1024 * 1024
        }
    );
    // A valid 1.5 MB callback passes under the default.
    let mut v = fixture_json();
    v["Photo"] = json!("A".repeat(1_500_000));
    v.as_object_mut().unwrap().remove("signature");
    v.as_object_mut().unwrap().remove("timestamp");
    let big = signed_with(&signer(), "2026-08-21T12:00:05.123Z", v);
    assert!(verify(&big, signed_at()).is_ok());
}

#[test]
fn missing_signature_or_timestamp() {
    let mut v = fixture_json();
    v.as_object_mut().unwrap().remove("signature");
    assert_eq!(
        verify(&serde_json::to_vec(&v).unwrap(), signed_at()).unwrap_err(),
        CallbackError::MissingSignature
    );
    v["signature"] = json!("");
    assert_eq!(
        verify(&serde_json::to_vec(&v).unwrap(), signed_at()).unwrap_err(),
        CallbackError::MissingSignature
    );
    let mut v = fixture_json();
    v.as_object_mut().unwrap().remove("timestamp");
    assert_eq!(
        verify(&serde_json::to_vec(&v).unwrap(), signed_at()).unwrap_err(),
        CallbackError::MissingTimestamp
    );
}

#[test]
fn unparseable_timestamp() {
    let body = resigned(&signer(), "last tuesday");
    assert_eq!(
        verify(&body, signed_at()).unwrap_err(),
        CallbackError::UnparseableTimestamp
    );
}

#[test]
fn signed_but_wrong_shape_is_a_decode_error() {
    let mut v = fixture_json();
    v["PartnerParams"] = json!(["not", "an", "object"]);
    v.as_object_mut().unwrap().remove("signature");
    v.as_object_mut().unwrap().remove("timestamp");
    let body = signed_with(&signer(), "2026-08-21T12:00:05.123Z", v);
    let err = verify(&body, signed_at()).unwrap_err();
    let CallbackError::Decode { path, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(path, "PartnerParams");
}

#[test]
fn verifier_holds_signer_and_policy() {
    let verifier = CallbackVerifier::with_policy(
        signer(),
        CallbackPolicy::default().with_max_future(Duration::ZERO),
    );
    let body = fixture("callback_enhanced_kyc.json");
    assert!(verifier.verify(&body, signed_at()).is_ok());
    assert!(matches!(
        verifier.verify(&body, signed_at() - Duration::from_millis(1)),
        Err(CallbackError::FutureDated { .. })
    ));
    // Real clock: the 2026 fixture is either stale or future-dated, never accepted.
    assert!(matches!(
        verifier.verify_now(&body),
        Err(CallbackError::Stale { .. } | CallbackError::FutureDated { .. })
    ));
    assert!(!format!("{verifier:?}").contains(API_KEY));
}
