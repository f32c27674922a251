//! Lenient reading: strings for booleans and numbers, two shapes of
//! `result` and `job_type`, numbers for codes.

use serde_json::json;
use smileid_types::{
    JobResult, JobStatusResponse, JobType, JobTypeValue, Outcome, Scalar, ScalarKind, decode,
};

fn result(v: serde_json::Value) -> JobResult {
    decode(v.to_string().as_bytes()).unwrap()
}

#[test]
fn booleans_as_text_or_json() {
    for (input, expected) in [
        (json!(true), Some(true)),
        (json!(false), Some(false)),
        (json!("true"), Some(true)),
        (json!("false"), Some(false)),
        (json!("True"), Some(true)),
        (json!(" FALSE "), Some(false)),
        (json!("1"), Some(true)),
        (json!(0), Some(false)),
        (json!("yes"), None),
        (json!(""), None),
        (json!(2), None),
    ] {
        let r = result(json!({"IsFinalResult": input, "IsMachineResult": input}));
        assert_eq!(r.is_final(), expected, "{input}");
        assert_eq!(r.is_machine_result(), expected, "{input}");
    }
    assert_eq!(result(json!({})).is_final(), None);
}

#[test]
fn confidence_in_every_shape() {
    for (input, expected) in [
        (json!("99"), Some(99.0)),
        (json!(99), Some(99.0)),
        (json!("97.000000"), Some(97.0)),
        (json!("99.99"), Some(99.99)),
        (json!(99.99), Some(99.99)),
        (json!(" 12.5 "), Some(12.5)),
        (json!("-1"), Some(-1.0)),
        (json!("NaN"), None),
        (json!("inf"), None),
        (json!("high"), None),
        (json!(true), None),
        (json!(null), None),
    ] {
        let r = result(json!({ "ConfidenceValue": input }));
        assert_eq!(r.confidence(), expected, "{input}");
    }
    // The text is kept as sent.
    let r = result(json!({"ConfidenceValue": "97.000000"}));
    assert_eq!(r.confidence_value.as_deref(), Some("97.000000"));
}

#[test]
fn job_type_as_number_or_text() {
    for (input, expected, text) in [
        (json!(4), Some(JobType::SmartSelfieRegistration), false),
        (json!("1"), Some(JobType::BiometricKyc), true),
        (json!(" 5 "), Some(JobType::EnhancedKyc), true),
        (json!(13), Some(JobType::Other(13)), false),
        (json!("abc"), None, true),
        (json!(-1), None, false),
        (json!(1.5), None, false),
        (json!("99999999999"), None, true),
    ] {
        let r = result(json!({"PartnerParams": {"job_type": input}}));
        assert_eq!(r.job_type(), expected, "{input}");
        let jt = r
            .partner_params
            .as_ref()
            .unwrap()
            .job_type
            .as_ref()
            .unwrap();
        assert_eq!(jt.is_text(), text, "{input}");
        assert_eq!(serde_json::to_value(jt).unwrap(), input);
    }
    assert_eq!(
        serde_json::to_value(JobTypeValue::from(JobType::EnhancedKyc)).unwrap(),
        json!(5)
    );
    assert_eq!(
        serde_json::to_value(JobTypeValue::text(JobType::BiometricKyc)).unwrap(),
        json!("1")
    );
}

#[test]
fn response_booleans_and_code() {
    let r: JobStatusResponse =
        decode(br#"{"job_complete": "true", "job_success": "TRUE", "code": 2302, "result": "x"}"#)
            .unwrap();
    assert!(r.job_complete);
    assert!(r.job_success);
    assert_eq!(r.code.as_deref(), Some("2302"));
    // job_success absent or null defaults to false.
    let r: JobStatusResponse = decode(br#"{"job_complete": false}"#).unwrap();
    assert!(!r.job_success);
    assert!(r.signature.is_empty());
    assert_eq!(r.timestamp, "");
    let r: JobStatusResponse =
        decode(br#"{"job_complete": 1, "job_success": null, "code": null}"#).unwrap();
    assert!(r.job_complete);
    assert!(!r.job_success);
    assert!(r.code.is_none());
}

#[test]
fn result_is_object_or_sentence() {
    let r: JobStatusResponse =
        decode(br#"{"job_complete": false, "result": "No zip file received"}"#).unwrap();
    assert_eq!(r.message(), Some("No zip file received"));
    assert_eq!(r.outcome(), Outcome::Pending);

    let r: JobStatusResponse =
        decode(br#"{"job_complete": true, "result": {"ResultCode": "0812"}}"#).unwrap();
    assert_eq!(r.outcome(), Outcome::Provisional);
    assert!(r.message().is_none());

    // Complete, but only a sentence: still pending (no result object).
    let r: JobStatusResponse = decode(br#"{"job_complete": true, "result": "odd"}"#).unwrap();
    assert_eq!(r.outcome(), Outcome::Pending);

    // A result object while job_complete is false: pending.
    let r: JobStatusResponse =
        decode(br#"{"job_complete": false, "result": {"ResultCode": "0810"}}"#).unwrap();
    assert_eq!(r.outcome(), Outcome::Pending);

    let r: JobStatusResponse = decode(br#"{"job_complete": true, "result": null}"#).unwrap();
    assert!(r.result.is_none());
    assert_eq!(r.outcome(), Outcome::Pending);
}

#[test]
fn text_is_kept_verbatim() {
    let r = result(json!({
        "ResultText": "  Enroll  User ",
        "FullName": "Ñandú  Pérez",
        "SmileJobID": "0000000001",
        "Actions": {"Liveness_Check": " Passed", "Odd_Check": "not APPLICABLE"}
    }));
    assert_eq!(r.result_text.as_deref(), Some("  Enroll  User "));
    assert_eq!(r.result_text_trimmed(), Some("Enroll  User"));
    assert_eq!(r.full_name.as_deref(), Some("Ñandú  Pérez"));
    assert_eq!(r.smile_job_id(), Some("0000000001"));
    let a = r.actions().unwrap();
    assert_eq!(a.get("Liveness_Check").unwrap().as_str(), " Passed");
    assert_eq!(a.get("Odd_Check").unwrap().as_str(), "not APPLICABLE");
    let out = serde_json::to_value(&r).unwrap();
    assert_eq!(out["Actions"]["Liveness_Check"], json!(" Passed"));
    assert_eq!(out["ResultText"], json!("  Enroll  User "));
}

#[test]
fn numbers_where_text_is_documented() {
    let r = result(json!({
        "ResultCode": 810,
        "SmileJobID": 1111,
        "IDNumber": 12345678,
        "PartnerParams": {"user_id": 7, "job_id": 8}
    }));
    assert_eq!(r.result_code().unwrap().as_str(), "810");
    assert_eq!(r.result_code().unwrap().raw().kind(), ScalarKind::Number);
    // A code that lost its leading zero still finds its category.
    assert_eq!(r.outcome(), Outcome::Approved);
    assert_eq!(r.smile_job_id(), Some("1111"));
    assert_eq!(r.id_number.as_deref(), Some("12345678"));
    let pp = r.partner_params().unwrap();
    assert_eq!(pp.user_id(), Some("7"));
    assert_eq!(pp.job_id(), Some("8"));
}

#[test]
fn nulls_read_as_absent() {
    let r = result(json!({
        "ResultCode": null, "FullName": null, "Actions": null, "PartnerParams": null,
        "UserIDsOfPreviousRegistrants": null
    }));
    assert!(r.result_code.is_none());
    assert!(r.full_name.is_none());
    assert!(r.actions.is_none());
    assert!(r.partner_params.is_none());
    assert!(r.user_ids_of_previous_registrants.is_none());
    assert!(r.extra.is_empty());
}

#[test]
fn scalar_views() {
    let s = Scalar::from("  42 ");
    assert_eq!(s.as_u64(), Some(42));
    assert_eq!(s.as_f64(), Some(42.0));
    assert_eq!(s.trimmed(), "42");
    assert_eq!(s.as_str(), "  42 ");
    assert_eq!(Scalar::from(true).as_bool(), Some(true));
    assert_eq!(Scalar::from(true).as_u64(), None);
    assert_eq!(Scalar::from(7u32).kind(), ScalarKind::Number);
    assert_eq!(Scalar::float(f64::NAN), None);
    assert_eq!(Scalar::from("4.5").as_u64(), None);
    assert_eq!(Scalar::from("-4").as_u64(), None);
    assert_eq!(
        serde_json::to_value(Scalar::from(-3i64)).unwrap(),
        json!(-3)
    );
    assert_eq!(
        serde_json::to_value(Scalar::float(2.5).unwrap()).unwrap(),
        json!(2.5)
    );
}

#[test]
fn debug_of_long_text_is_cut() {
    let photo = "QUJD".repeat(100_000);
    let r = result(json!({ "Photo": photo }));
    let shown = format!("{r:?}");
    assert!(shown.len() < 2_000, "{}", shown.len());
    assert!(shown.contains("(400000 bytes)"), "{shown}");
    // The value itself is whole.
    assert_eq!(r.photo.as_deref().map(str::len), Some(400_000));
    assert_eq!(format!("{:?}", Scalar::from("short")), "\"short\"");
    assert_eq!(format!("{:?}", Scalar::from(5u32)), "5");
}
