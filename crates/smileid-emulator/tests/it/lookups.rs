//! The entry calls: ID lookups (sync and async), business verification and
//! AML, with their test numbers, presets, errors and callbacks.

use std::time::{Duration, SystemTime};

use crate::common::{Answer, Raw, Receiver, assert_signed};
use http::Method;
use serde_json::{Value, json};
use smileid_emulator::{Emulator, EmulatorHandle, FaultSpec, PresetOutcome};
use smileid_types::{BusinessVerificationResponse, IdVerificationResponse, ResultCategory};

pub(crate) fn envelope(emu: &EmulatorHandle) -> serde_json::Map<String, Value> {
    let signed = emu.signer().sign_at(SystemTime::now());
    let mut m = serde_json::Map::new();
    m.insert("partner_id".into(), emu.partner_id().into());
    m.insert("timestamp".into(), signed.timestamp.into());
    m.insert("signature".into(), signed.signature.into());
    m
}

pub(crate) fn id_request(emu: &EmulatorHandle, job_id: &str, id_number: &str) -> Value {
    let mut m = envelope(emu);
    m.insert(
        "partner_params".into(),
        json!({"user_id": "kyc-user", "job_id": job_id, "job_type": 5, "order_ref": "A-1"}),
    );
    m.insert("country".into(), "NG".into());
    m.insert("id_type".into(), "BVN".into());
    m.insert("id_number".into(), id_number.into());
    m.insert("first_name".into(), "Adaeze".into());
    m.insert("last_name".into(), "Okafor".into());
    m.insert("dob".into(), "1991-03-14".into());
    m.insert("source_sdk".into(), "rest_api".into());
    m.insert("source_sdk_version".into(), "0".into());
    Value::Object(m)
}

pub(crate) async fn post(raw: &Raw, path: &str, body: &Value) -> Answer {
    raw.send(
        Method::POST,
        &format!("{}/{path}", raw.base),
        serde_json::to_vec(body).expect("json"),
    )
    .await
}

pub(crate) fn assert_error(answer: &Answer, status: u16, code: &str) {
    assert_eq!(answer.status, status, "{:?}", answer.json());
    assert_eq!(answer.json()["code"], code, "{:?}", answer.json());
}

#[tokio::test]
async fn an_ordinary_id_number_is_validated_signed_and_visible_to_job_status() {
    let emu = Emulator::start().await.expect("starts");
    let raw = Raw::new(&emu);
    let answer = post(
        &raw,
        "id_verification",
        &id_request(&emu, "j1", "00000000000"),
    )
    .await;
    assert_eq!(answer.status, 200);
    let body = answer.json();
    assert_signed(&emu, &body);
    assert_eq!(body["ResultCode"], "1012");
    assert_eq!(body["PartnerParams"]["order_ref"], "A-1");
    assert_eq!(body["PartnerParams"]["job_type"], 5);
    assert_eq!(body["IDNumber"], "00000000000");
    let typed: IdVerificationResponse =
        smileid_types::decode(&answer.body).expect("decodes as the typed result");
    assert_eq!(typed.result.category(), ResultCategory::Approved);
    let info = typed.result.personal_info();
    assert_eq!(info.full_name(), Some("OKAFOR ADAEZE"));
    assert_eq!(info.date_of_birth(), Some("1991-03-14"));
    assert_eq!(
        info.photo_base64(),
        Some("/9j/4AAQSkZJRgABAQAAAQABAAD/2Q==")
    );
    // The job now exists, complete, with the same result.
    let status = raw
        .job_status(&crate::common::signed_request(&emu, "kyc-user", "j1"))
        .await
        .json();
    assert_eq!(status["job_complete"], true);
    assert_eq!(status["result"]["ResultCode"], "1012");
    assert_eq!(status["result"]["SmileJobID"], body["SmileJobID"]);
}

#[tokio::test]
async fn test_id_numbers_choose_the_outcome() {
    let emu = Emulator::start().await.expect("starts");
    let raw = Raw::new(&emu);
    for (i, (number, code, data)) in [
        ("1013000000", "1013", false),
        ("1014000000", "1014", false),
        ("1015000000", "1015", false),
        ("1016000000", "1016", false),
        ("1021000000", "1021", true),
        ("1022000000", "1022", false),
        ("1023000000", "1023", false),
    ]
    .into_iter()
    .enumerate()
    {
        let body = post(
            &raw,
            "id_verification",
            &id_request(&emu, &format!("t{i}"), number),
        )
        .await
        .json();
        assert_eq!(body["ResultCode"], code, "{number}");
        let expected_name = if data {
            json!("OKAFOR ADAEZE")
        } else {
            json!("Not Available")
        };
        assert_eq!(body["FullName"], expected_name, "{number}");
        let typed: IdVerificationResponse =
            serde_json::from_value(body).expect("decodes as the typed result");
        assert_eq!(typed.result.personal_info().full_name().is_some(), data);
    }
}

#[tokio::test]
async fn a_preset_outcome_wins_over_the_id_number() {
    let emu = Emulator::start().await.expect("starts");
    let raw = Raw::new(&emu);
    emu.preset_outcome("kyc-user", "p1", PresetOutcome::Rejected);
    let answer = raw
        .admin(
            Method::POST,
            "/presets",
            Some(json!({"user_id": "kyc-user", "job_id": "p2", "outcome": "error"})),
        )
        .await;
    assert_eq!(answer.status, 204);
    let p1 = post(
        &raw,
        "id_verification",
        &id_request(&emu, "p1", "00000000000"),
    )
    .await;
    assert_eq!(p1.json()["ResultCode"], "1013");
    let p2 = post(
        &raw,
        "id_verification",
        &id_request(&emu, "p2", "00000000000"),
    )
    .await;
    assert_eq!(p2.json()["ResultCode"], "1015");
    let bad = raw
        .admin(
            Method::POST,
            "/presets",
            Some(json!({"user_id": "u", "job_id": "j", "outcome": "maybe"})),
        )
        .await;
    assert_eq!(bad.status, 400);
}

#[tokio::test]
async fn a_job_id_is_single_use() {
    let emu = Emulator::start().await.expect("starts");
    let raw = Raw::new(&emu);
    let first = post(
        &raw,
        "id_verification",
        &id_request(&emu, "once", "00000000000"),
    )
    .await;
    assert_eq!(first.status, 200);
    let again = post(
        &raw,
        "id_verification",
        &id_request(&emu, "once", "00000000000"),
    )
    .await;
    assert_error(&again, 400, "2215");
    assert_eq!(
        again.json()["error"],
        "Job already exists. Did you mean to set the retry flag to true?"
    );
}

#[tokio::test]
async fn missing_and_mistyped_fields() {
    let emu = Emulator::start().await.expect("starts");
    let raw = Raw::new(&emu);
    let mut req = id_request(&emu, "m1", "00000000000");
    req.as_object_mut().map(|o| o.remove("id_number"));
    let answer = post(&raw, "id_verification", &req).await;
    assert_error(&answer, 400, "2213");
    assert_eq!(
        answer.json()["error"],
        "A required parameter is missing: id_number"
    );

    let mut req = id_request(&emu, "m2", "00000000000");
    req.as_object_mut().map(|o| o.remove("partner_params"));
    let answer = post(&raw, "id_verification", &req).await;
    assert_eq!(
        answer.json()["error"],
        "A required parameter is missing: partner_params"
    );

    let mut req = id_request(&emu, "m3", "00000000000");
    req["partner_params"]["user_id"] = json!("");
    let answer = post(&raw, "id_verification", &req).await;
    assert_error(&answer, 400, "2213");
    assert!(
        answer.json()["error"]
            .as_str()
            .unwrap_or("")
            .contains("partner_params.user_id")
    );

    let mut req = id_request(&emu, "m4", "00000000000");
    req["country"] = json!(["NG"]);
    assert_error(&post(&raw, "id_verification", &req).await, 400, "2204");

    let mut req = id_request(&emu, "m5", "00000000000");
    req["signature"] = json!("bm90IGEgc2lnbmF0dXJl");
    assert_error(&post(&raw, "id_verification", &req).await, 401, "2205");
    // Nothing was created by the refused calls.
    assert!(emu.job("kyc-user", "m5").is_none());
}

#[tokio::test]
async fn async_lookup_acknowledges_then_calls_back_signed() {
    let emu = Emulator::start().await.expect("starts");
    let raw = Raw::new(&emu);
    let receiver = Receiver::start(vec![]).await;
    let mut req = id_request(&emu, "a1", "00000000000");
    req["callback_url"] = json!(receiver.url);
    let answer = post(&raw, "async_id_verification", &req).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body.as_ref(), br#"{"success":true}"#);
    let deliveries = emu
        .wait_for_callback_deliveries(1, Duration::from_secs(10))
        .await;
    assert!(deliveries.iter().any(|d| d.delivered && d.job_id == "a1"));
    let bodies = receiver.bodies();
    let callback: Value = serde_json::from_slice(&bodies[0]).expect("callback is JSON");
    assert_signed(&emu, &callback);
    assert_eq!(callback["ResultCode"], "1012");
    assert_eq!(callback["PartnerParams"]["job_id"], "a1");

    let mut req = id_request(&emu, "a2", "00000000000");
    req.as_object_mut().map(|o| o.remove("callback_url"));
    let answer = post(&raw, "async_id_verification", &req).await;
    assert_eq!(
        answer.json()["error"],
        "A required parameter is missing: callback_url"
    );
}

fn business_request(
    emu: &EmulatorHandle,
    job_id: &str,
    id_type: &str,
    business_type: Option<&str>,
) -> Value {
    let mut m = envelope(emu);
    m.insert(
        "partner_params".into(),
        json!({"user_id": "kyb-user", "job_id": job_id, "job_type": 7}),
    );
    m.insert("country".into(), "NG".into());
    m.insert("id_type".into(), id_type.into());
    m.insert("id_number".into(), "0000000".into());
    if let Some(t) = business_type {
        m.insert("business_type".into(), t.into());
    }
    Value::Object(m)
}

#[tokio::test]
async fn business_verification_and_its_2413() {
    let emu = Emulator::start().await.expect("starts");
    let raw = Raw::new(&emu);
    let answer = post(
        &raw,
        "business_verification",
        &business_request(&emu, "b1", "BUSINESS_REGISTRATION", None),
    )
    .await;
    assert_eq!(answer.status, 400);
    assert_eq!(
        answer.json(),
        json!({"code": "2413", "error": "Unsupported business type", "success": false})
    );
    let answer = post(
        &raw,
        "business_verification",
        &business_request(&emu, "b2", "BUSINESS_REGISTRATION", Some("co")),
    )
    .await;
    assert_eq!(answer.status, 200);
    let body = answer.json();
    assert_signed(&emu, &body);
    assert_eq!(body["ResultText"], "Business Verified");
    assert_eq!(
        body["company_information"]["registration_number"],
        "0000000"
    );
    let typed: BusinessVerificationResponse =
        smileid_types::decode(&answer.body).expect("decodes as the typed result");
    assert_eq!(typed.directors.len(), 1);
    assert_eq!(typed.beneficial_owners.len(), 1);
    assert_eq!(typed.success, Some(true));
    // A tax search fills only the company information.
    let tax = post(
        &raw,
        "business_verification",
        &business_request(&emu, "b3", "TAX_INFORMATION", None),
    )
    .await
    .json();
    assert_eq!(tax["directors"], json!([]));
}

#[tokio::test]
async fn async_business_verification_calls_back() {
    let emu = Emulator::start().await.expect("starts");
    let raw = Raw::new(&emu);
    let receiver = Receiver::start(vec![]).await;
    let mut req = business_request(&emu, "ab1", "BASIC_BUSINESS_REGISTRATION", Some("bn"));
    req["callback_url"] = json!(receiver.url);
    let answer = post(&raw, "async_business_verification", &req).await;
    assert_eq!(answer.body.as_ref(), br#"{"success":true}"#);
    emu.wait_for_callback_deliveries(1, Duration::from_secs(10))
        .await;
    let callback: Value = serde_json::from_slice(&receiver.bodies()[0]).expect("JSON");
    assert_signed(&emu, &callback);
    assert_eq!(callback["ResultType"], "Business Verification");
}

fn aml_request(emu: &EmulatorHandle, job_id: &str, name: &str) -> Value {
    let mut m = envelope(emu);
    m.insert("user_id".into(), "aml-user".into());
    m.insert("job_id".into(), job_id.into());
    m.insert("job_type".into(), 10.into());
    m.insert("full_name".into(), name.into());
    m.insert("countries".into(), json!(["NG"]));
    m.insert("birth_year".into(), "1965".into());
    Value::Object(m)
}

#[tokio::test]
async fn aml_finds_listed_names_only() {
    let emu = Emulator::start().await.expect("starts");
    let raw = Raw::new(&emu);
    let found = post(&raw, "aml", &aml_request(&emu, "x1", "John Example Doe")).await;
    assert_eq!(found.status, 200);
    let body = found.json();
    assert_signed(&emu, &body);
    assert_eq!(body["ResultCode"], "1030");
    assert_eq!(body["no_of_persons_found"], 1);
    let typed: smileid_types::AmlResponse = smileid_types::decode(&found.body).expect("typed");
    assert_eq!(typed.people.len(), 1);
    let clean = post(&raw, "aml", &aml_request(&emu, "x2", "Ada Okafor"))
        .await
        .json();
    assert_eq!(clean["ResultCode"], "1031");
    assert_eq!(clean["people"], json!([]));
    let mut req = aml_request(&emu, "x3", "Ada Okafor");
    req.as_object_mut().map(|o| o.remove("countries"));
    let answer = post(&raw, "aml", &req).await;
    assert_error(&answer, 400, "2213");
    assert_eq!(
        answer.json()["error"],
        "A required parameter is missing: countries"
    );
}

#[tokio::test]
async fn faults_target_lookups_by_endpoint_and_partner_params() {
    let emu = Emulator::start().await.expect("starts");
    let raw = Raw::new(&emu);
    emu.set_fault(
        FaultSpec::http_error(500, "2201", "System error")
            .for_endpoint("id_verification")
            .for_job("kyc-user", "f1")
            .count(1),
    )
    .expect("fault");
    let other = post(
        &raw,
        "id_verification",
        &id_request(&emu, "f0", "00000000000"),
    )
    .await;
    assert_eq!(other.status, 200);
    let hit = post(
        &raw,
        "id_verification",
        &id_request(&emu, "f1", "00000000000"),
    )
    .await;
    assert_eq!(hit.status, 500);
    // The fault stopped the request: no job was created, so a retry works.
    assert!(emu.job("kyc-user", "f1").is_none());
    let retry = post(
        &raw,
        "id_verification",
        &id_request(&emu, "f1", "00000000000"),
    )
    .await;
    assert_eq!(retry.status, 200);
}
