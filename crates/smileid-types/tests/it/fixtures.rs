//! Every fixture decodes with the expected values.

use smileid_types::{
    ActionName, ApiErrorBody, CallbackBody, DecodeErrorKind, JobStatusResponse, JobType, Outcome,
    ResultCategory, ScalarKind, Verdict, VerdictStatus, decode,
};

use smileid_testkit::fixture as data;

#[test]
fn complete_with_history_and_images() {
    let r =
        JobStatusResponse::from_slice(&data("job_status_complete_history_images.json")).unwrap();
    assert!(r.job_complete);
    assert!(r.job_success);
    assert_eq!(r.code.as_deref(), Some("2302"));
    assert_eq!(r.timestamp, "2019-10-10T12:32:04.622Z");
    assert_eq!(
        r.signature.as_str(),
        "uUYbEK5AFti5GQVEi1VoyJOw6/3acWDm+PBhiC+90so="
    );
    assert_eq!(r.outcome(), Outcome::Approved);
    assert!(r.message().is_none());
    assert!(r.extra.is_empty());

    let res = r.result_object().unwrap();
    assert_eq!(res.result_code().unwrap().as_str(), "0810");
    assert_eq!(res.category(), ResultCategory::Approved);
    assert_eq!(res.result_text.as_deref(), Some("Enroll User"));
    assert_eq!(res.result_type.as_deref(), Some("SAIA"));
    assert_eq!(res.smile_job_id(), Some("0000001111"));
    assert_eq!(res.confidence(), Some(99.0));
    assert_eq!(res.is_final(), Some(true));
    assert_eq!(res.is_machine_result(), Some(true));
    assert_eq!(res.json_version.as_deref(), Some("1.0.0"));
    assert_eq!(res.source.as_deref(), Some("WebAPI"));
    assert_eq!(res.job_type(), Some(JobType::BiometricKyc));
    let pp = res.partner_params().unwrap();
    assert_eq!(pp.user_id(), Some("HBBBBBBH57g"));
    assert_eq!(pp.job_id(), Some("HBBBBBBHg"));
    assert!(pp.job_type.as_ref().unwrap().is_text());
    assert_eq!(
        pp.extra.get("optional_info").and_then(|v| v.as_str()),
        Some("Your additional tracking information")
    );
    let actions = res.actions().unwrap();
    assert_eq!(actions.len(), 11);
    assert_eq!(actions.get("Verify_ID_Number"), Some(&Verdict::Verified));
    assert_eq!(
        actions.get(ActionName::RegisterSelfie),
        Some(&Verdict::Approved)
    );
    assert_eq!(
        actions.get("Selfie_To_ID_Authority_Compare"),
        Some(&Verdict::Completed)
    );
    assert_eq!(actions.get("Liveness_Check"), Some(&Verdict::NotApplicable));
    assert!(actions.entries().iter().all(|(n, _)| n.is_known()));
    let s = actions.summary();
    assert_eq!(
        (s.passed, s.not_applicable, s.failed, s.pending, s.unknown),
        (4, 7, 0, 0, 0)
    );
    assert_eq!(s.overall(), VerdictStatus::Passed);
    // Wire order is kept.
    let names: Vec<&str> = actions.iter().map(|(n, _)| n).collect();
    assert_eq!(names[0], "Verify_ID_Number");
    assert_eq!(names[10], "Selfie_To_Registered_Selfie_Compare");

    assert_eq!(r.history().len(), 1);
    let h = &r.history()[0];
    assert_eq!(h.result_text.as_deref(), Some(" Enroll User"));
    assert_eq!(h.result_text_trimmed(), Some("Enroll User"));
    assert_eq!(h.outcome(), Outcome::Approved);
    assert_eq!(
        h.partner_params().unwrap().extra.get("optional_info"),
        Some(&serde_json::json!("we are one"))
    );

    let links = r.image_links.as_ref().unwrap();
    assert_eq!(
        links.selfie_image(),
        Some("https://example.invalid/images/selfie.jpg?expires=1700000000")
    );
    assert_eq!(links.error(), None);
    assert_eq!(links.len(), 1);
}

#[test]
fn bad_signature_fixture_decodes_the_same_shape() {
    let good =
        JobStatusResponse::from_slice(&data("job_status_complete_history_images.json")).unwrap();
    let bad = JobStatusResponse::from_slice(&data("job_status_bad_signature.json")).unwrap();
    assert_ne!(good.signature, bad.signature);
    assert_eq!(
        bad.signature.as_str(),
        "kCLDFtR0za6PgpJbDqoFAnh8qqmLCePXabYgpEiJZjU="
    );
    assert_eq!(good.result, bad.result);
    assert_eq!(good.history, bad.history);
}

#[test]
fn pending_with_string_result() {
    let r = JobStatusResponse::from_slice(&data("job_status_pending_string_result.json")).unwrap();
    assert!(!r.job_complete);
    assert!(!r.job_success);
    assert_eq!(r.code.as_deref(), Some("2314"));
    assert_eq!(r.message(), Some("No zip file received"));
    assert!(r.result_object().is_none());
    assert_eq!(r.outcome(), Outcome::Pending);
    assert_eq!(r.timestamp, "1678216434434");
    assert!(r.history.is_none());
    assert!(r.image_links.is_none());
}

#[test]
fn rejected_enhanced_kyc() {
    let r = JobStatusResponse::from_slice(&data("job_status_rejected_enhanced_kyc.json")).unwrap();
    assert!(r.job_complete);
    assert!(!r.job_success);
    assert_eq!(r.outcome(), Outcome::Rejected);
    let res = r.result_object().unwrap();
    assert_eq!(res.result_code().unwrap(), "1013");
    assert_eq!(
        res.result_code().unwrap().description(),
        Some("Unable to Validate ID")
    );
    assert_eq!(res.confidence(), Some(0.0));
    assert_eq!(res.job_type(), Some(JobType::EnhancedKyc));
    let jt = res.partner_params().unwrap().job_type.as_ref().unwrap();
    assert_eq!(jt.raw().kind(), ScalarKind::Number);
    let actions = res.actions().unwrap();
    assert_eq!(actions.get("Verify_ID_Number"), Some(&Verdict::NotVerified));
    assert_eq!(
        actions.get("Return_Personal_Info"),
        Some(&Verdict::NotReturned)
    );
    assert_eq!(actions.summary().overall(), VerdictStatus::Failed);
    assert_eq!(res.country.as_deref(), Some("NG"));
    assert_eq!(res.id_type.as_deref(), Some("NIN"));
    assert_eq!(res.id_number.as_deref(), Some("00000000000"));
    assert_eq!(res.full_name.as_deref(), Some("Not Available"));
    assert_eq!(res.dob.as_deref(), Some("Not Available"));
    assert_eq!(res.photo.as_deref(), Some("Not Available"));
    assert!(res.extra.is_empty());
}

#[test]
fn callback_enhanced_kyc() {
    let c = CallbackBody::from_slice(&data("callback_enhanced_kyc.json")).unwrap();
    assert_eq!(c.timestamp, "2026-08-21T12:00:05.123Z");
    assert_eq!(
        c.signature.as_str(),
        "8I2a4WWXU3BqTII9rdwxuIRRNexe6ahqdHLaszPZhUg="
    );
    assert_eq!(c.outcome(), Outcome::Approved);
    let r = &c.result;
    assert_eq!(r.result_code().unwrap(), "1012");
    assert_eq!(r.confidence(), Some(100.0));
    assert_eq!(r.job_type(), Some(JobType::EnhancedKyc));
    assert_eq!(r.partner_params().unwrap().job_id(), Some("job-9"));
    assert_eq!(
        r.partner_params().unwrap().extra.get("order"),
        Some(&serde_json::json!("A-17"))
    );
    assert_eq!(r.full_name.as_deref(), Some("Jane Doe"));
    assert_eq!(r.dob.as_deref(), Some("1990-01-31"));
    assert_eq!(r.gender.as_deref(), Some("F"));
    assert_eq!(r.expiration_date.as_deref(), Some("Not Available"));
    assert_eq!(r.phone_number.as_deref(), Some("Not Available"));
    assert_eq!(r.id_number_previously_registered(), Some(false));
    assert_eq!(
        r.id_number_previously_registered.as_ref().unwrap().kind(),
        ScalarKind::Bool
    );
    assert_eq!(r.user_ids_of_previous_registrants, Some(vec![]));
    // signature and timestamp are not part of the result.
    assert!(r.extra.is_empty());
}

#[test]
fn error_bodies() {
    let e = ApiErrorBody::from_slice(&data("error_2205_unauthorized.json")).unwrap();
    assert_eq!(e.code_str(), Some("2205"));
    assert_eq!(e.error.as_deref(), Some("You're not authorized to do that"));
    let e = ApiErrorBody::from_slice(&data("error_2213_missing_parameter.json")).unwrap();
    assert_eq!(e.code_str(), Some("2213"));
    assert_eq!(e.error.as_deref(), Some("A required parameter is missing"));
}

#[test]
fn html_502_is_a_clear_syntax_error() {
    let bytes = data("error_502_html.txt");
    let e = decode::<ApiErrorBody>(&bytes).unwrap_err();
    assert_eq!(e.kind(), DecodeErrorKind::Syntax);
    assert_eq!(e.path(), "");
    assert_eq!(e.line(), Some(1));
    assert_eq!(e.column(), Some(1));
    let shown = e.to_string();
    assert!(shown.contains("expected value"), "{shown}");
    assert!(!shown.contains("Bad Gateway"), "{shown}");
    let e = JobStatusResponse::from_slice(&bytes).unwrap_err();
    assert_eq!(e.kind(), DecodeErrorKind::Syntax);
}

#[test]
fn a_response_body_is_not_an_error_body_and_vice_versa() {
    // An error body lacks job_complete: decoding it as a response fails
    // with the missing key named.
    let e = JobStatusResponse::from_slice(&data("error_2205_unauthorized.json")).unwrap_err();
    assert_eq!(e.kind(), DecodeErrorKind::Data);
    assert!(e.message().contains("job_complete"), "{e}");
    // A response decodes as an error body with no error text.
    let b = ApiErrorBody::from_slice(&data("job_status_pending_string_result.json")).unwrap();
    assert_eq!(b.code_str(), Some("2314"));
    assert!(b.error.is_none());
    assert!(b.extra.contains_key("job_complete"));
}
