//! Result codes, outcomes, verdicts, job types, requests and signatures.

use serde_json::json;
use smileid_types::{
    ActionName, Actions, JobResult, JobStatusRequest, JobStatusResponse, JobType, Outcome,
    ResultCategory, ResultCode, ResultOrMessage, SignatureText, Verdict, VerdictStatus,
};

#[test]
fn every_documented_result_code_has_its_category() {
    use ResultCategory::*;
    let expected: &[(&str, ResultCategory)] = &[
        ("0001", Rejected),
        ("0810", Approved),
        ("0811", Rejected),
        ("0812", Provisional),
        ("0814", Provisional),
        ("0903", Rejected),
        ("0907", Rejected),
        ("0911", Rejected),
        ("1012", Approved),
        ("1013", Rejected),
        ("1014", Error),
        ("1015", Error),
        ("1016", Error),
        ("1020", Approved),
        ("1021", Approved),
        ("1022", Rejected),
        ("1023", Rejected),
        ("1210", Approved),
        ("0820", Approved),
        ("0821", Rejected),
        ("0823", Rejected),
        ("0822", Provisional),
        ("0824", Provisional),
        ("0825", Provisional),
        ("0921", Rejected),
        ("0922", Rejected),
        ("1220", Approved),
        ("1221", Rejected),
        ("1222", Rejected),
        ("0840", Approved),
        ("0841", Rejected),
        ("0843", Rejected),
        ("0842", Provisional),
        ("0844", Provisional),
        ("0846", Provisional),
        ("0941", Rejected),
        ("0942", Rejected),
        ("1240", Approved),
        ("1241", Rejected),
        ("1242", Rejected),
    ];
    for (code, category) in expected {
        let rc = ResultCode::new(*code);
        assert_eq!(rc.category(), *category, "{code}");
        assert!(rc.is_known(), "{code}");
        assert!(rc.description().is_some_and(|d| !d.is_empty()), "{code}");
    }
    // The table has exactly these codes, each once.
    let mut known: Vec<&str> = ResultCode::known_codes().collect();
    let n = known.len();
    known.sort_unstable();
    known.dedup();
    assert_eq!(known.len(), n, "duplicate code in the table");
    let mut listed: Vec<&str> = expected.iter().map(|e| e.0).collect();
    listed.sort_unstable();
    assert_eq!(known, listed);
}

#[test]
fn unknown_and_odd_codes() {
    for code in ["", "9999", "2302", "08100", "0810a", "abcd", "-810", " "] {
        let rc = ResultCode::new(code);
        assert_eq!(rc.category(), ResultCategory::Unknown, "{code:?}");
        assert_eq!(rc.description(), None);
        assert_eq!(rc.as_str(), code);
    }
    // Surrounding whitespace and a lost leading zero are tolerated for
    // lookups; the text stays as given.
    assert_eq!(
        ResultCode::new(" 0810 ").category(),
        ResultCategory::Approved
    );
    assert_eq!(ResultCode::new("810").category(), ResultCategory::Approved);
    assert_eq!(ResultCode::new("1").category(), ResultCategory::Rejected);
    assert_eq!(ResultCode::new(" 0810 ").as_str(), " 0810 ");
    assert_eq!(ResultCategory::Provisional.to_string(), "provisional");
    assert_eq!(ResultCategory::Unknown.to_string(), "unknown");
}

fn response(job_complete: bool, result: Option<ResultOrMessage>) -> JobStatusResponse {
    {
        let mut value = JobStatusResponse::default();
        value.job_complete = job_complete;
        value.result = result;
        value
    }
}

fn with_code(code: &str) -> Option<ResultOrMessage> {
    Some(
        {
            let mut value = JobResult::default();
            value.result_code = Some(code.into());
            value
        }
        .into(),
    )
}

#[test]
fn outcome_derivation() {
    assert_eq!(response(false, None).outcome(), Outcome::Pending);
    assert_eq!(response(true, None).outcome(), Outcome::Pending);
    assert_eq!(
        response(false, with_code("0810")).outcome(),
        Outcome::Pending
    );
    assert_eq!(
        response(true, Some(ResultOrMessage::Message("x".into()))).outcome(),
        Outcome::Pending
    );
    assert_eq!(
        response(true, with_code("0810")).outcome(),
        Outcome::Approved
    );
    assert_eq!(
        response(true, with_code("0814")).outcome(),
        Outcome::Provisional
    );
    assert_eq!(
        response(true, with_code("1022")).outcome(),
        Outcome::Rejected
    );
    assert_eq!(response(true, with_code("1015")).outcome(), Outcome::Error);
    assert_eq!(
        response(true, with_code("4242")).outcome(),
        Outcome::Unknown("4242".into())
    );
    assert_eq!(
        response(true, Some(JobResult::default().into())).outcome(),
        Outcome::Unknown(String::new())
    );
    assert!(Outcome::Pending.is_pending());
    assert!(Outcome::Rejected.is_final());
    assert_eq!(
        Outcome::Unknown("4242".into()).to_string(),
        "unknown (result code 4242)"
    );
}

#[test]
fn verdict_status_mapping() {
    use VerdictStatus as S;
    let table = [
        ("Passed", Verdict::Passed, S::Passed),
        ("Completed", Verdict::Completed, S::Passed),
        ("Approved", Verdict::Approved, S::Passed),
        ("Verified", Verdict::Verified, S::Passed),
        ("Returned", Verdict::Returned, S::Passed),
        (
            "Provisionally Approved",
            Verdict::ProvisionallyApproved,
            S::Pending,
        ),
        ("Under Review", Verdict::UnderReview, S::Pending),
        (
            "Sent to Human Review",
            Verdict::SentToHumanReview,
            S::Pending,
        ),
        ("Not Returned", Verdict::NotReturned, S::Failed),
        ("Failed", Verdict::Failed, S::Failed),
        ("Rejected", Verdict::Rejected, S::Failed),
        ("Unable To Determine", Verdict::UnableToDetermine, S::Failed),
        ("Not Verified", Verdict::NotVerified, S::Failed),
        ("Issuer Unavailable", Verdict::IssuerUnavailable, S::Failed),
        (
            "ID Authority Photo Not Available",
            Verdict::IdAuthorityPhotoNotAvailable,
            S::Failed,
        ),
        ("Not Applicable", Verdict::NotApplicable, S::NotApplicable),
        ("Not Done", Verdict::NotDone, S::NotApplicable),
    ];
    assert_eq!(table.len(), Verdict::KNOWN.len());
    for (text, verdict, status) in table {
        assert_eq!(Verdict::parse(text), verdict, "{text}");
        assert_eq!(verdict.as_str(), text);
        assert_eq!(verdict.status(), status, "{text}");
        let v: Verdict = serde_json::from_value(json!(text)).unwrap();
        assert_eq!(v, verdict);
        assert_eq!(serde_json::to_value(&v).unwrap(), json!(text));
    }
    // Loose spellings keep their text but map to the known status.
    for (text, status) in [
        ("passed", S::Passed),
        (" Not  Applicable ", S::NotApplicable),
        ("Sent To Human Review", S::Pending),
        ("NOT_VERIFIED", S::Failed),
        ("Looks Fine", S::Unknown),
        ("", S::Unknown),
    ] {
        let v = Verdict::parse(text);
        assert_eq!(v, Verdict::Other(text.to_owned()));
        assert_eq!(v.as_str(), text);
        assert_eq!(v.status(), status, "{text:?}");
    }
}

#[test]
fn action_names_and_summary() {
    assert_eq!(ActionName::KNOWN.len(), 19);
    for name in ActionName::KNOWN {
        assert_eq!(&ActionName::parse(name.as_str()), name);
    }
    assert_eq!(
        ActionName::parse("Brand_New"),
        ActionName::Other("Brand_New".into())
    );
    let actions: Actions = [
        ("Liveness_Check", "Passed"),
        ("Selfie_Check", "Under Review"),
        ("Verify_ID_Number", "Not Verified"),
        ("Document_Check", "Not Applicable"),
        ("New_One", "Whatever"),
    ]
    .into_iter()
    .collect();
    let s = actions.summary();
    assert_eq!(
        (s.passed, s.pending, s.failed, s.not_applicable, s.unknown),
        (1, 1, 1, 1, 1)
    );
    assert_eq!(s.overall(), VerdictStatus::Failed);
    let failed: Vec<&str> = actions
        .with_status(VerdictStatus::Failed)
        .map(|(n, _)| n)
        .collect();
    assert_eq!(failed, ["Verify_ID_Number"]);
    assert_eq!(actions.status("Selfie_Check"), Some(VerdictStatus::Pending));
    assert_eq!(actions.status("Nope"), None);
    assert_eq!(
        Actions::new().summary().overall(),
        VerdictStatus::NotApplicable
    );

    let mut a = actions.clone();
    a.insert(ActionName::LivenessCheck, Verdict::Failed);
    assert_eq!(a.len(), 5);
    assert_eq!(a.iter().next(), Some(("Liveness_Check", &Verdict::Failed)));
    assert_eq!(a.remove("New_One"), Some(Verdict::Other("Whatever".into())));
    assert_eq!(a.len(), 4);
}

#[test]
fn large_actions_objects_decode_and_reject_duplicates() {
    let mut map = serde_json::Map::new();
    for i in 0..5000 {
        map.insert(format!("Action_{i}"), json!("Passed"));
    }
    let text = json!({ "Actions": map }).to_string();
    let r: JobResult = smileid_types::decode(text.as_bytes()).unwrap();
    assert_eq!(r.actions().unwrap().len(), 5000);
    let dup = format!(
        "{{\"Actions\": {{{}, \"Action_7\": \"Failed\"}}}}",
        (0..100)
            .map(|i| format!("\"Action_{i}\": \"Passed\""))
            .collect::<Vec<_>>()
            .join(",")
    );
    let e = smileid_types::decode::<JobResult>(dup.as_bytes()).unwrap_err();
    assert!(e.message().contains("duplicate action `Action_7`"), "{e}");
}

#[test]
fn job_types() {
    let names = [
        (1, JobType::BiometricKyc, "Biometric KYC"),
        (
            2,
            JobType::SmartSelfieAuthentication,
            "SmartSelfie Authentication",
        ),
        (
            4,
            JobType::SmartSelfieRegistration,
            "SmartSelfie Registration",
        ),
        (5, JobType::EnhancedKyc, "Enhanced KYC"),
        (6, JobType::DocumentVerification, "Document Verification"),
        (7, JobType::BusinessVerification, "Business Verification"),
        (8, JobType::UpdatePhoto, "Update Photo"),
        (9, JobType::CompareUserInfo, "Compare User Info"),
        (10, JobType::Aml, "AML"),
        (
            11,
            JobType::EnhancedDocumentVerification,
            "Enhanced Document Verification",
        ),
        (12, JobType::AddressVerification, "Address Verification"),
    ];
    for (n, t, name) in names {
        assert_eq!(JobType::from_number(n), t);
        assert_eq!(t.number(), n);
        assert_eq!(t.name(), name);
    }
    for n in [0, 3, 13, u32::MAX] {
        assert_eq!(JobType::from_number(n), JobType::Other(n));
        assert_eq!(JobType::Other(n).number(), n);
    }
    assert_eq!(JobType::KNOWN.len(), 11);
    assert_eq!(JobType::BiometricKyc.to_string(), "Biometric KYC (1)");
}

#[test]
fn request_serializes_exactly_the_documented_keys() {
    let mut req =
        JobStatusRequest::new("085", "2026-08-21T12:00:00.000Z", "c2ln", "user-1", "job-1");
    assert_eq!(
        serde_json::to_value(&req).unwrap(),
        json!({
            "partner_id": "085",
            "timestamp": "2026-08-21T12:00:00.000Z",
            "signature": "c2ln",
            "user_id": "user-1",
            "job_id": "job-1"
        })
    );
    req.history = Some(true);
    req.image_links = Some(false);
    req.source_sdk = Some("rust".into());
    req.source_sdk_version = Some("0.1.0".into());
    let v = serde_json::to_value(&req).unwrap();
    let mut keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    let mut documented = JobStatusRequest::KEYS.to_vec();
    documented.sort_unstable();
    assert_eq!(keys, documented);
    assert_eq!(v["history"], json!(true));
    assert_eq!(v["image_links"], json!(false));
    // And it reads back, with lenient booleans.
    let back: JobStatusRequest = serde_json::from_value(v).unwrap();
    assert_eq!(back, req);
    let lenient: JobStatusRequest = smileid_types::decode(
        br#"{"partner_id": "085", "timestamp": "t", "signature": "s", "user_id": "u",
             "job_id": "j", "history": "true", "image_links": "False", "unknown": 1}"#,
    )
    .unwrap();
    assert_eq!(lenient.history, Some(true));
    assert_eq!(lenient.image_links, Some(false));
    let e = smileid_types::decode::<JobStatusRequest>(
        br#"{"partner_id": 85, "timestamp": "t", "signature": "s", "user_id": "u", "job_id": "j"}"#,
    )
    .unwrap_err();
    assert_eq!(e.path(), "partner_id");
    let e = smileid_types::decode::<JobStatusRequest>(
        br#"{"partner_id": "085", "timestamp": "t", "signature": "s", "user_id": "u", "job_id": "j", "history": "sometimes"}"#,
    )
    .unwrap_err();
    assert_eq!(e.path(), "history");
}

#[test]
fn request_reads_null_options_as_absent() {
    // Official SDKs send `null` for options the caller did not set.
    let body = br#"{"partner_id": "085", "timestamp": "2026-08-21T12:00:00.000Z",
        "signature": "c2ln", "user_id": "user-1", "job_id": "job-1",
        "history": null, "image_links": null,
        "source_sdk": null, "source_sdk_version": null}"#;
    let req = JobStatusRequest::from_slice(body).unwrap();
    assert_eq!(req.partner_id, "085");
    assert_eq!(req.signature.as_str(), "c2ln");
    assert_eq!(req.history, None);
    assert_eq!(req.image_links, None);
    assert_eq!(req.source_sdk, None);
    assert_eq!(req.source_sdk_version, None);
    // Written back, unset options are omitted rather than null.
    assert_eq!(
        serde_json::to_value(&req).unwrap(),
        json!({
            "partner_id": "085",
            "timestamp": "2026-08-21T12:00:00.000Z",
            "signature": "c2ln",
            "user_id": "user-1",
            "job_id": "job-1"
        })
    );
    // Mixed: one option set, the other null.
    let req = JobStatusRequest::from_slice(
        br#"{"partner_id": "085", "timestamp": "t", "signature": "s", "user_id": "u",
             "job_id": "j", "history": true, "image_links": null}"#,
    )
    .unwrap();
    assert_eq!((req.history, req.image_links), (Some(true), None));
}

#[test]
fn image_link_queries_never_show_in_debug() {
    let query = "X-Amz-Signature=0123456789abcdef&Expires=1700000000";
    let r = JobStatusResponse::from_slice(
        format!(
            r#"{{"job_complete": true, "image_links": {{
                "selfie_image": "https://example.invalid/selfie.jpg?{query}",
                "plain": "https://example.invalid/id.jpg",
                "error": "Some images expired?"}}}}"#
        )
        .as_bytes(),
    )
    .unwrap();
    let links = r.image_links.as_ref().unwrap();
    // The value is whole...
    assert_eq!(
        links.selfie_image(),
        Some(format!("https://example.invalid/selfie.jpg?{query}").as_str())
    );
    // ...but Debug stops at the query.
    assert_eq!(
        format!("{links:?}"),
        r#"ImageLinks({"error": "Some images expired?", "plain": "https://example.invalid/id.jpg", "selfie_image": "https://example.invalid/selfie.jpg?[REDACTED]"})"#
    );
    for shown in [format!("{r:?}"), format!("{r:#?}")] {
        assert!(!shown.contains("0123456789abcdef"), "{shown}");
        assert!(shown.contains("selfie.jpg?[REDACTED]"), "{shown}");
    }
}

#[test]
fn signatures_never_show_in_debug() {
    let secret = "uUYbEK5AFti5GQVEi1VoyJOw6/3acWDm+PBhiC+90so=";
    let sig = SignatureText::from(secret);
    assert_eq!(format!("{sig:?}"), "SignatureText([REDACTED])");
    assert_eq!(sig.as_str(), secret);
    assert!(!sig.is_empty());
    assert_eq!(serde_json::to_value(&sig).unwrap(), json!(secret));
    let req = {
        let mut value = JobStatusRequest::default();
        value.signature = sig.clone();
        value
    };
    assert!(!format!("{req:?}").contains(secret));
    let resp = {
        let mut value = JobStatusResponse::default();
        value.signature = sig.clone();
        value
    };
    assert!(!format!("{resp:?}").contains(secret));
    assert!(!format!("{resp:#?}").contains(secret));
    let cb = {
        let mut value = smileid_types::CallbackBody::default();
        value.signature = sig.clone();
        value
    };
    assert!(!format!("{cb:?}").contains(secret));
    assert_eq!(sig.into_inner(), secret);
    assert!(SignatureText::from(String::new()).is_empty());
}
