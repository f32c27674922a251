//! Identity lookups, business verification and AML: every fixture decodes
//! into the typed answer and round-trips; placeholders read as absent; the
//! requests write exactly the protocol's keys.

use serde_json::{Value, json};
use smileid_testkit::fixtures;
use smileid_types::{
    AmlRequest, AmlResponse, AsyncAcknowledgement, BusinessVerificationRequest,
    BusinessVerificationResponse, Consent, ConsentInformation, IdVerificationRequest,
    IdVerificationResponse, JobType, JobTypeValue, Outcome, PartnerParams, decode,
};

/// Serializing a decoded fixture gives back the same JSON document, but for
/// `null` values, which read as absent and are not written.
pub(crate) fn assert_round_trip<T: serde::Serialize>(value: &T, fixture: &str) {
    fn without_nulls(value: Value) -> Value {
        match value {
            Value::Object(map) => Value::Object(
                map.into_iter()
                    .filter(|(_, v)| !v.is_null())
                    .map(|(k, v)| (k, without_nulls(v)))
                    .collect(),
            ),
            Value::Array(items) => Value::Array(items.into_iter().map(without_nulls).collect()),
            other => other,
        }
    }
    let written = serde_json::to_value(value).unwrap();
    let original: Value = serde_json::from_str(fixture).unwrap();
    assert_eq!(written, without_nulls(original));
}

#[test]
fn enhanced_kyc_answer() {
    let answer: IdVerificationResponse =
        decode(fixtures::ID_VERIFICATION_RESPONSE.as_bytes()).unwrap();
    assert_eq!(answer.outcome(), Outcome::Approved);
    assert_eq!(answer.timestamp, "2026-08-21T12:00:05.123Z");
    assert!(!answer.signature.is_empty());
    let result = &answer.result;
    assert_eq!(result.smile_job_id(), Some("0000012301"));
    assert_eq!(result.job_type(), Some(JobType::EnhancedKyc));
    let params = result.partner_params().unwrap();
    assert_eq!(params.extra["order_ref"], json!("A-1001"));
    let info = result.personal_info();
    assert_eq!(info.full_name(), Some("OKAFOR ADAEZE CHIOMA"));
    assert_eq!(info.date_of_birth(), Some("1991-03-14"));
    assert_eq!(info.phone_number(), Some("08000000000"));
    assert_eq!(info.expiration_date(), None, "Not Available is no date");
    assert_eq!(info.address(), None);
    assert_eq!(
        info.photo_base64(),
        Some("/9j/4AAQSkZJRgABAQAAAQABAAD/2Q==")
    );
    assert_eq!(result.full_data, Some(json!({})));
    assert_round_trip(&answer, fixtures::ID_VERIFICATION_RESPONSE);
}

#[test]
fn unable_to_validate_answer_has_no_personal_info() {
    let answer: IdVerificationResponse =
        decode(fixtures::ID_VERIFICATION_UNABLE.as_bytes()).unwrap();
    assert_eq!(answer.outcome(), Outcome::Rejected);
    let info = answer.result.personal_info();
    assert_eq!(info.full_name(), None);
    assert_eq!(info.date_of_birth(), None, "NaN-NaN-NaN is no date");
    assert_eq!(info.photo_base64(), None);
    assert_eq!(info.country(), Some("KE"));
    // The raw text is still there for whoever wants it.
    assert_eq!(
        answer.result.full_name.as_ref().unwrap().as_str(),
        "Not Available"
    );
    assert_round_trip(&answer, fixtures::ID_VERIFICATION_UNABLE);
}

#[test]
fn business_verification_answer() {
    let answer: BusinessVerificationResponse =
        decode(fixtures::BUSINESS_VERIFICATION_RESPONSE.as_bytes()).unwrap();
    assert_eq!(answer.result.outcome(), Outcome::Approved);
    assert_eq!(
        answer.result.job_type(),
        Some(JobType::BusinessVerification)
    );
    assert_eq!(answer.success, Some(true));
    let company = answer.company_information.as_ref().unwrap();
    assert_eq!(company.legal_name(), Some("EXAMPLE TECHNOLOGIES LIMITED"));
    assert_eq!(company.tax_id(), None, "N/A is no tax id");
    assert_eq!(answer.directors.len(), 2);
    assert_eq!(answer.directors[1].date_of_birth(), None);
    assert_eq!(answer.directors[0].id_type(), Some("Passport"));
    assert_eq!(
        answer.beneficial_owners[1].shareholder_type(),
        Some("Corporate")
    );
    assert_eq!(answer.beneficial_owners[1].gender(), None);
    assert_eq!(
        answer.fiduciaries[0].fiduciary_type(),
        Some("SECRETARY_COMPANY")
    );
    assert!(answer.proprietors.is_empty());
    assert_eq!(
        answer.documents.as_ref().unwrap().search_certificate(),
        None
    );
    assert!(answer.result.extra.is_empty(), "{:?}", answer.result.extra);
    assert_round_trip(&answer, fixtures::BUSINESS_VERIFICATION_RESPONSE);
}

#[test]
fn a_tax_search_has_only_company_information() {
    let body = json!({
        "ResultCode": "1012", "ResultText": "Business Verified", "SmileJobID": "1",
        "PartnerParams": {"user_id": "u", "job_id": "j", "job_type": "7"},
        "company_information": {"tax_id": 12345, "legal_name": "X LTD"},
        "directors": null,
        "success": "true",
        "new_block": {"kept": true},
        "timestamp": 1_678_216_434_434_u64,
        "signature": "c2ln"
    });
    let answer: BusinessVerificationResponse = decode(body.to_string().as_bytes()).unwrap();
    assert!(answer.directors.is_empty() && answer.beneficial_owners.is_empty());
    assert_eq!(answer.company_information.unwrap().tax_id(), Some("12345"));
    assert_eq!(answer.success, Some(true));
    assert_eq!(answer.timestamp, "1678216434434");
    assert_eq!(answer.result.extra["new_block"], json!({"kept": true}));
}

#[test]
fn aml_answer() {
    let answer: AmlResponse = decode(fixtures::AML_RESPONSE.as_bytes()).unwrap();
    assert_eq!(answer.result.result_code().unwrap().as_str(), "1030");
    assert_eq!(answer.result.job_type(), Some(JobType::Aml));
    assert_eq!(answer.persons_found(), 1);
    assert_eq!(answer.is_strict_match(), Some(true));
    let person = &answer.people[0];
    assert_eq!(person.name.as_ref().unwrap().as_str(), "John Example Doe");
    assert_eq!(person.aliases.len(), 2);
    let pep = person.pep.as_ref().unwrap();
    assert_eq!(pep.pep_level.as_ref().and_then(|l| l.as_u64()), Some(2));
    assert_eq!(pep.political_positions[1].to(), None, "still in office");
    assert_eq!(pep.political_positions[0].to(), Some("2015-06-06"));
    assert_eq!(
        person.sanctions[0]
            .source_details
            .as_ref()
            .unwrap()
            .source_link
            .len(),
        1
    );
    assert_eq!(person.adverse_media[0].publisher(), Some("Example Daily"));
    assert_eq!(person.associations[0].relationship(), Some("Spouse"));
    assert_round_trip(&answer, fixtures::AML_RESPONSE);
}

#[test]
fn aml_answer_read_leniently() {
    let body = json!({
        "ResultCode": "1030", "SmileJobID": "1", "StrictMatch": "false",
        "no_of_persons_found": "3", "people": null, "signature": "s", "timestamp": "t"
    });
    let answer: AmlResponse = decode(body.to_string().as_bytes()).unwrap();
    assert_eq!(answer.is_strict_match(), Some(false));
    assert_eq!(answer.persons_found(), 3);
    assert!(answer.people.is_empty());
}

#[test]
fn async_acknowledgement() {
    for (body, success) in [
        (r#"{"success": true}"#, true),
        (r#"{"success": "true"}"#, true),
        (r#"{"success": false, "code": "2213"}"#, false),
    ] {
        let ack: AsyncAcknowledgement = decode(body.as_bytes()).unwrap();
        assert_eq!(ack.success, success, "{body}");
    }
    assert!(decode::<AsyncAcknowledgement>(b"{}").is_err());
}

fn partner_params(job_type: JobType) -> PartnerParams {
    let mut extra = serde_json::Map::new();
    extra.insert("order_ref".into(), json!("A-1"));
    let mut params = PartnerParams::new("u-1", "j-1", JobTypeValue::number(job_type));
    params.extra = extra;
    params
}

#[test]
fn id_verification_request_writes_the_protocol_keys_in_order() {
    let mut request = IdVerificationRequest::new(
        "085",
        "2026-08-21T12:00:00.000Z",
        "c2ln",
        partner_params(JobType::EnhancedKyc),
        "NG",
        "BVN",
        "00000000000",
    );
    request.first_name = Some("Adaeze".into());
    request.dob = Some("1991-03-14".into());
    request.consent_information = Some(ConsentInformation::new(Consent::new(
        "2026-08-21T11:59:00.000Z",
        true,
        true,
        false,
    )));
    request.source_sdk = Some("rest_api".into());
    request.source_sdk_version = Some("0.1.0".into());
    let written = serde_json::to_string(&request).unwrap();
    assert_eq!(
        written,
        r#"{"partner_id":"085","timestamp":"2026-08-21T12:00:00.000Z","signature":"c2ln","partner_params":{"user_id":"u-1","job_id":"j-1","job_type":5,"order_ref":"A-1"},"country":"NG","id_type":"BVN","id_number":"00000000000","first_name":"Adaeze","dob":"1991-03-14","consent_information":{"consented":{"consent_granted_date":"2026-08-21T11:59:00.000Z","personal_details":true,"contact_information":true,"document_information":false}},"source_sdk":"rest_api","source_sdk_version":"0.1.0"}"#
    );
    let back: IdVerificationRequest = serde_json::from_str(&written).unwrap();
    assert_eq!(back, request);
}

#[test]
fn business_and_aml_requests_write_the_protocol_keys() {
    let kyb = {
        let mut value = BusinessVerificationRequest::new(
            "085",
            "t",
            "s",
            partner_params(JobType::BusinessVerification),
            "NG",
            "BUSINESS_REGISTRATION",
            "0000001",
        );
        value.business_type = Some("co".into());
        value.callback_url = Some("https://example.com/cb".into());
        value
    };
    assert_eq!(
        serde_json::to_string(&kyb).unwrap(),
        r#"{"partner_id":"085","timestamp":"t","signature":"s","partner_params":{"user_id":"u-1","job_id":"j-1","job_type":7,"order_ref":"A-1"},"country":"NG","id_type":"BUSINESS_REGISTRATION","id_number":"0000001","business_type":"co","callback_url":"https://example.com/cb"}"#
    );
    let aml = {
        let mut value = AmlRequest::new("085", "t", "s", "u", "j", "John Doe", vec!["NG".into()]);
        value.strict_match = Some(true);
        value
    };
    assert_eq!(
        serde_json::to_string(&aml).unwrap(),
        r#"{"partner_id":"085","timestamp":"t","signature":"s","user_id":"u","job_id":"j","job_type":10,"full_name":"John Doe","countries":["NG"],"strict_match":true}"#
    );
}
