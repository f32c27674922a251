//! Realistic result objects for preset outcomes, and the built-in demo jobs.

use serde_json::{Map, Value, json};

use crate::spec::{JobSpec, PresetOutcome};

/// The user id of every built-in demo job.
pub const DEMO_USER_ID: &str = "demo-user";

/// Whether a `ResultCode` is in the Approved category.
pub(crate) fn is_approved_code(code: &str) -> bool {
    smileid_types::ResultCode::new(code).category() == smileid_types::ResultCategory::Approved
}

/// The built-in demo jobs, all for [`DEMO_USER_ID`].
///
/// | job id | job type | outcome | result code |
/// |---|---|---|---|
/// | `demo-approved` | 1 Biometric KYC | approved | `0810` Enroll User |
/// | `demo-provisional` | 1 Biometric KYC | provisional | `0814` Provisional Enroll - Under Review |
/// | `demo-rejected` | 5 Enhanced KYC | rejected | `1013` Unable to Validate ID |
/// | `demo-error` | 5 Enhanced KYC | error | `1015` Queried database unavailable |
/// | `demo-pending` | 1 Biometric KYC | approved after 2 pending polls | `0810` |
pub fn demo_jobs() -> Vec<JobSpec> {
    vec![
        JobSpec::new(DEMO_USER_ID, "demo-approved")
            .job_type(1)
            .outcome(PresetOutcome::Approved),
        JobSpec::new(DEMO_USER_ID, "demo-provisional")
            .job_type(1)
            .outcome(PresetOutcome::Provisional),
        JobSpec::new(DEMO_USER_ID, "demo-rejected")
            .job_type(5)
            .outcome(PresetOutcome::Rejected),
        JobSpec::new(DEMO_USER_ID, "demo-error")
            .job_type(5)
            .outcome(PresetOutcome::Error),
        JobSpec::new(DEMO_USER_ID, "demo-pending")
            .job_type(1)
            .outcome(PresetOutcome::Approved)
            .complete_after_polls(2),
    ]
}

/// The families of job types that share result codes and actions.
#[derive(Clone, Copy)]
enum Family {
    BiometricKyc,
    IdVerification,
    Authentication,
    Registration,
    Document,
    Business,
}

fn family(job_type: u32) -> Family {
    match job_type {
        2 => Family::Authentication,
        4 | 8 => Family::Registration,
        5 | 9 | 10 | 12 => Family::IdVerification,
        6 | 11 => Family::Document,
        7 => Family::Business,
        _ => Family::BiometricKyc,
    }
}

/// The common tail of every result.
fn base(
    code: &str,
    text: &str,
    result_type: &str,
    confidence: &str,
    smile_job_id: &str,
    partner_params: Value,
    actions: Value,
) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("ResultCode".into(), code.into());
    m.insert("ResultText".into(), text.into());
    m.insert("ResultType".into(), result_type.into());
    m.insert("SmileJobID".into(), smile_job_id.into());
    m.insert("JSONVersion".into(), "1.0.0".into());
    m.insert("IsFinalResult".into(), "true".into());
    m.insert("IsMachineResult".into(), "true".into());
    m.insert("ConfidenceValue".into(), confidence.into());
    m.insert("Source".into(), "WebAPI".into());
    m.insert("PartnerParams".into(), partner_params);
    m.insert("Actions".into(), actions);
    m
}

/// KYC fields of a person whose identity was returned.
fn person(m: &mut Map<String, Value>, id_type: &str, id_number: &str) {
    let fields = [
        ("Country", "NG"),
        ("IDType", id_type),
        ("IDNumber", id_number),
        ("FullName", "Ada Demo Okafor"),
        ("DOB", "1990-01-31"),
        ("Gender", "F"),
        ("ExpirationDate", "Not Available"),
        ("PhoneNumber", "+2348000000000"),
        ("PhoneNumber2", "Not Available"),
        ("Address", "1 Demo Street, Lagos"),
        ("Photo", "Not Available"),
    ];
    for (k, v) in fields {
        m.insert(k.into(), v.into());
    }
    m.insert("IDNumberPreviouslyRegistered".into(), Value::Bool(false));
    m.insert(
        "UserIDsOfPreviousRegistrants".into(),
        Value::Array(Vec::new()),
    );
}

/// KYC fields when nothing could be returned.
fn nobody(m: &mut Map<String, Value>, id_type: &str, id_number: &str) {
    let fields = [
        ("Country", "NG"),
        ("IDType", id_type),
        ("IDNumber", id_number),
        ("FullName", "Not Available"),
        ("DOB", "Not Available"),
        ("Gender", "Not Available"),
        ("ExpirationDate", "Not Available"),
        ("PhoneNumber", "Not Available"),
        ("Photo", "Not Available"),
    ];
    for (k, v) in fields {
        m.insert(k.into(), v.into());
    }
}

/// Builds the result object for a preset outcome.
pub(crate) fn preset_result(
    outcome: PresetOutcome,
    job_type: u32,
    user_id: &str,
    job_id: &str,
    smile_job_id: &str,
) -> Map<String, Value> {
    let partner_params = json!({ "user_id": user_id, "job_id": job_id, "job_type": job_type });
    match (family(job_type), outcome) {
        (Family::BiometricKyc, o) => biometric_kyc(o, partner_params, smile_job_id),
        (Family::IdVerification, PresetOutcome::Provisional) => {
            // ID lookups have no provisional code: use the Biometric KYC one.
            biometric_kyc(PresetOutcome::Provisional, partner_params, smile_job_id)
        }
        (Family::IdVerification, o) => id_verification(o, partner_params, smile_job_id),
        (Family::Authentication, o) => selfie(o, partner_params, smile_job_id, true),
        (Family::Registration, o) => selfie(o, partner_params, smile_job_id, false),
        (Family::Document, o) => document(o, partner_params, smile_job_id),
        (Family::Business, PresetOutcome::Provisional) => {
            biometric_kyc(PresetOutcome::Provisional, partner_params, smile_job_id)
        }
        (Family::Business, o) => business(o, partner_params, smile_job_id),
    }
}

fn biometric_kyc(outcome: PresetOutcome, partner_params: Value, sid: &str) -> Map<String, Value> {
    let na = "Not Applicable";
    let (code, text, confidence, actions) = match outcome {
        PresetOutcome::Approved => (
            "0810",
            "Enroll User",
            "99",
            json!({
                "Verify_ID_Number": "Verified",
                "Return_Personal_Info": "Returned",
                "Liveness_Check": "Passed",
                "Register_Selfie": "Approved",
                "Selfie_To_ID_Authority_Compare": "Completed",
                "Selfie_To_ID_Card_Compare": na,
                "Selfie_To_Registered_Selfie_Compare": na,
                "Update_Registered_Selfie_On_File": na,
                "Human_Review_Compare": na,
                "Human_Review_Liveness_Check": na,
                "Human_Review_Update_Selfie": na,
            }),
        ),
        PresetOutcome::Provisional => (
            "0814",
            "Provisional Enroll - Under Review",
            "72",
            json!({
                "Verify_ID_Number": "Verified",
                "Return_Personal_Info": "Returned",
                "Liveness_Check": "Under Review",
                "Register_Selfie": "Under Review",
                "Selfie_To_ID_Authority_Compare": "Under Review",
                "Selfie_To_ID_Card_Compare": na,
                "Selfie_To_Registered_Selfie_Compare": na,
                "Update_Registered_Selfie_On_File": na,
                "Human_Review_Compare": "Under Review",
                "Human_Review_Liveness_Check": "Under Review",
                "Human_Review_Update_Selfie": na,
            }),
        ),
        PresetOutcome::Rejected => (
            "0811",
            "Failed Enroll - Compare Rejected",
            "12",
            json!({
                "Verify_ID_Number": "Verified",
                "Return_Personal_Info": "Returned",
                "Liveness_Check": "Passed",
                "Register_Selfie": "Rejected",
                "Selfie_To_ID_Authority_Compare": "Failed",
                "Selfie_To_ID_Card_Compare": na,
                "Selfie_To_Registered_Selfie_Compare": na,
                "Update_Registered_Selfie_On_File": na,
                "Human_Review_Compare": na,
                "Human_Review_Liveness_Check": na,
                "Human_Review_Update_Selfie": na,
            }),
        ),
        PresetOutcome::Error => (
            "1015",
            "Queried database unavailable",
            "0",
            json!({
                "Verify_ID_Number": "Issuer Unavailable",
                "Return_Personal_Info": "Not Returned",
                "Liveness_Check": "Passed",
                "Register_Selfie": "Not Done",
                "Selfie_To_ID_Authority_Compare": "Not Done",
                "Selfie_To_ID_Card_Compare": na,
                "Selfie_To_Registered_Selfie_Compare": na,
                "Update_Registered_Selfie_On_File": na,
                "Human_Review_Compare": na,
                "Human_Review_Liveness_Check": na,
                "Human_Review_Update_Selfie": na,
            }),
        ),
    };
    let mut m = base(code, text, "SAIA", confidence, sid, partner_params, actions);
    match outcome {
        PresetOutcome::Approved | PresetOutcome::Provisional | PresetOutcome::Rejected => {
            person(&mut m, "NIN", "12345678901");
        }
        PresetOutcome::Error => nobody(&mut m, "NIN", "12345678901"),
    }
    m
}

fn id_verification(outcome: PresetOutcome, partner_params: Value, sid: &str) -> Map<String, Value> {
    let (code, text, confidence, verify, info) = match outcome {
        PresetOutcome::Approved | PresetOutcome::Provisional => {
            ("1012", "ID Number Validated", "100", "Verified", "Returned")
        }
        PresetOutcome::Rejected => (
            "1013",
            "Unable to Validate ID",
            "0",
            "Not Verified",
            "Not Returned",
        ),
        PresetOutcome::Error => (
            "1015",
            "Queried database unavailable",
            "0",
            "Issuer Unavailable",
            "Not Returned",
        ),
    };
    let actions = json!({ "Verify_ID_Number": verify, "Return_Personal_Info": info });
    let mut m = base(
        code,
        text,
        "ID Verification",
        confidence,
        sid,
        partner_params,
        actions,
    );
    if matches!(
        outcome,
        PresetOutcome::Approved | PresetOutcome::Provisional
    ) {
        person(&mut m, "NIN", "12345678901");
    } else {
        nobody(&mut m, "NIN", "12345678901");
    }
    m
}

fn selfie(
    outcome: PresetOutcome,
    partner_params: Value,
    sid: &str,
    authentication: bool,
) -> Map<String, Value> {
    let na = "Not Applicable";
    let (code, text, confidence, liveness, compare) = match (authentication, outcome) {
        (true, PresetOutcome::Approved) => (
            "0820",
            "Authenticate User Machine Judgement - PASS",
            "99",
            "Passed",
            "Approved",
        ),
        (true, PresetOutcome::Provisional) => (
            "0822",
            "Authenticate User Machine Judgement - PURE PROVISIONAL",
            "70",
            "Under Review",
            "Under Review",
        ),
        (true, PresetOutcome::Rejected) => {
            ("0821", "Images did not match", "8", "Passed", "Rejected")
        }
        (false, PresetOutcome::Approved) => ("0840", "Enroll User", "99", "Passed", na),
        (false, PresetOutcome::Provisional) => (
            "0842",
            "Provisional Enroll - Under Review",
            "70",
            "Under Review",
            na,
        ),
        (false, PresetOutcome::Rejected) => {
            ("0843", "Failed Enroll - Possible Spoof", "5", "Failed", na)
        }
        (_, PresetOutcome::Error) => (
            "1016",
            "Need to activate product",
            "0",
            "Not Done",
            "Not Done",
        ),
    };
    let register = match (authentication, outcome) {
        (true, _) => na,
        (false, PresetOutcome::Approved) => "Approved",
        (false, PresetOutcome::Provisional) => "Under Review",
        (false, PresetOutcome::Rejected) => "Rejected",
        (false, PresetOutcome::Error) => "Not Done",
    };
    let actions = json!({
        "Liveness_Check": liveness,
        "Register_Selfie": register,
        "Selfie_Provided": "Passed",
        "Selfie_To_Registered_Selfie_Compare": compare,
        "Human_Review_Compare": if outcome == PresetOutcome::Provisional { "Under Review" } else { na },
        "Human_Review_Liveness_Check": if outcome == PresetOutcome::Provisional { "Under Review" } else { na },
        "Verify_ID_Number": na,
        "Return_Personal_Info": na,
    });
    base(code, text, "SAIA", confidence, sid, partner_params, actions)
}

fn document(outcome: PresetOutcome, partner_params: Value, sid: &str) -> Map<String, Value> {
    let na = "Not Applicable";
    let (code, text, confidence, doc, compare) = match outcome {
        PresetOutcome::Approved => ("0810", "Document Verified", "99", "Passed", "Completed"),
        PresetOutcome::Provisional => (
            "0812",
            "Machine Judgement - Pure Provisional",
            "65",
            "Under Review",
            "Under Review",
        ),
        PresetOutcome::Rejected => (
            "0811",
            "Failed Enroll - Compare Rejected",
            "10",
            "Passed",
            "Failed",
        ),
        PresetOutcome::Error => (
            "1016",
            "Need to activate product",
            "0",
            "Not Done",
            "Not Done",
        ),
    };
    let actions = json!({
        "Verify_Document": doc,
        "Document_Check": doc,
        "Human_Review_Document_Check": if outcome == PresetOutcome::Provisional { "Under Review" } else { na },
        "Liveness_Check": if outcome == PresetOutcome::Error { "Not Done" } else { "Passed" },
        "Register_Selfie": match outcome {
            PresetOutcome::Approved => "Approved",
            PresetOutcome::Provisional => "Under Review",
            PresetOutcome::Rejected => "Rejected",
            PresetOutcome::Error => "Not Done",
        },
        "Selfie_To_ID_Card_Compare": compare,
        "Return_Personal_Info": if outcome == PresetOutcome::Error { "Not Returned" } else { "Returned" },
        "Human_Review_Compare": if outcome == PresetOutcome::Provisional { "Under Review" } else { na },
    });
    let mut m = base(
        code,
        text,
        "Document Verification",
        confidence,
        sid,
        partner_params,
        actions,
    );
    if outcome == PresetOutcome::Error {
        nobody(&mut m, "PASSPORT", "Not Available");
    } else {
        person(&mut m, "PASSPORT", "A00000000");
        m.insert("ExpirationDate".into(), "2031-12-31".into());
    }
    m
}

fn business(outcome: PresetOutcome, partner_params: Value, sid: &str) -> Map<String, Value> {
    let (code, text, confidence, verify, info) = match outcome {
        PresetOutcome::Approved | PresetOutcome::Provisional => {
            ("1012", "Business Verified", "100", "Verified", "Returned")
        }
        PresetOutcome::Rejected => (
            "1013",
            "Unable to Verify Business",
            "0",
            "Not Verified",
            "Not Returned",
        ),
        PresetOutcome::Error => (
            "1015",
            "Queried database unavailable",
            "0",
            "Issuer Unavailable",
            "Not Returned",
        ),
    };
    let actions = json!({ "Verify_Business": verify, "Return_Business_Info": info });
    let mut m = base(
        code,
        text,
        "Business Verification",
        confidence,
        sid,
        partner_params,
        actions,
    );
    m.insert("Country".into(), "NG".into());
    m.insert("IDType".into(), "BUSINESS_REGISTRATION".into());
    m.insert("IDNumber".into(), "RC0000000".into());
    if matches!(
        outcome,
        PresetOutcome::Approved | PresetOutcome::Provisional
    ) {
        m.insert("FullName".into(), "Demo Trading Limited".into());
    } else {
        m.insert("FullName".into(), "Not Available".into());
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_match_their_category() {
        for job_type in [1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12] {
            for outcome in [
                PresetOutcome::Approved,
                PresetOutcome::Provisional,
                PresetOutcome::Rejected,
                PresetOutcome::Error,
            ] {
                let r = preset_result(outcome, job_type, "u", "j", "0000000001");
                let code = r.get("ResultCode").and_then(Value::as_str).unwrap_or("");
                assert_eq!(code.len(), 4, "{job_type} {outcome}");
                assert_eq!(
                    is_approved_code(code),
                    outcome == PresetOutcome::Approved,
                    "{job_type} {outcome} {code}"
                );
                assert_eq!(r["PartnerParams"]["job_type"], job_type);
                assert_eq!(r["IsFinalResult"], "true");
                assert!(r["ConfidenceValue"].is_string());
                assert!(r["Actions"].as_object().is_some_and(|a| !a.is_empty()));
            }
        }
    }
}
