//! The exact wire shape of `POST /v1/job_status` answers.

use crate::common::{Raw, assert_signed, signed_request};
use serde_json::{Value, json};
use smileid_emulator::{DEMO_USER_ID, Emulator, JobSpec};
use smileid_types::JobStatusResponse;

fn check_result_shape(result: &Value, job_id: &str, job_type: u64) {
    let obj = result.as_object().expect("result is an object");
    for key in [
        "ResultCode",
        "ResultText",
        "ResultType",
        "SmileJobID",
        "ConfidenceValue",
        "IsFinalResult",
        "IsMachineResult",
        "JSONVersion",
    ] {
        assert!(obj[key].is_string(), "{key} must be a string: {result}");
    }
    assert_eq!(obj["IsFinalResult"], "true");
    let sid = obj["SmileJobID"].as_str().unwrap_or("");
    assert_eq!(sid.len(), 10, "SmileJobID is zero-padded: {sid}");
    assert!(sid.bytes().all(|b| b.is_ascii_digit()));
    assert!(
        obj["ConfidenceValue"]
            .as_str()
            .is_some_and(|c| c.parse::<f64>().is_ok())
    );
    assert_eq!(obj["PartnerParams"]["user_id"], DEMO_USER_ID);
    assert_eq!(obj["PartnerParams"]["job_id"], job_id);
    assert_eq!(obj["PartnerParams"]["job_type"], job_type);
    let actions = obj["Actions"].as_object().expect("Actions is an object");
    assert!(!actions.is_empty());
    assert!(actions.values().all(Value::is_string));
}

#[tokio::test]
async fn every_demo_job_has_the_documented_outcome() {
    let emu = Emulator::start().await.expect("starts");
    let raw = Raw::new(&emu);
    let cases = [
        ("demo-approved", 1, "0810", true, "Verified"),
        ("demo-provisional", 1, "0814", false, "Verified"),
        ("demo-rejected", 5, "1013", false, "Not Verified"),
        ("demo-error", 5, "1015", false, "Issuer Unavailable"),
    ];
    for (job_id, job_type, code, success, verify) in cases {
        let answer = raw
            .job_status(&signed_request(&emu, DEMO_USER_ID, job_id))
            .await;
        assert_eq!(answer.status, 200, "{job_id}");
        assert_eq!(
            answer
                .headers
                .get("content-type")
                .and_then(|v| v.to_str().ok()),
            Some("application/json")
        );
        let body = answer.json();
        assert_signed(&emu, &body);
        assert_eq!(body["job_complete"], Value::Bool(true), "{job_id}");
        assert_eq!(body["job_success"], Value::Bool(success), "{job_id}");
        assert_eq!(body["code"], "2302");
        assert_eq!(body["result"]["ResultCode"], code, "{job_id}");
        assert_eq!(
            body["result"]["Actions"]["Verify_ID_Number"], verify,
            "{job_id}"
        );
        check_result_shape(&body["result"], job_id, job_type);
        // The SDK's own schema reads it.
        let parsed = JobStatusResponse::from_slice(&answer.body).expect("decodes");
        assert!(parsed.job_complete);
        assert_eq!(parsed.job_success, success);
    }
}

#[tokio::test]
async fn kyc_fields_where_fitting() {
    let emu = Emulator::start().await.expect("starts");
    let raw = Raw::new(&emu);
    let approved = raw
        .job_status(&signed_request(&emu, DEMO_USER_ID, "demo-approved"))
        .await
        .json();
    assert_eq!(approved["result"]["FullName"], "Ada Demo Okafor");
    assert_eq!(approved["result"]["Country"], "NG");
    let rejected = raw
        .job_status(&signed_request(&emu, DEMO_USER_ID, "demo-rejected"))
        .await
        .json();
    assert_eq!(rejected["result"]["FullName"], "Not Available");
    assert_eq!(rejected["result"]["ResultType"], "ID Verification");
}

#[tokio::test]
async fn history_and_image_links_only_when_asked() {
    let emu = Emulator::start().await.expect("starts");
    let raw = Raw::new(&emu);
    let mut req = signed_request(&emu, DEMO_USER_ID, "demo-approved");
    req["history"] = json!(true);
    let body = raw.job_status(&req).await.json();
    let history = body["history"].as_array().expect("history is an array");
    assert_eq!(history.len(), 1);
    assert_eq!(history[0]["ResultCode"], "0810");
    assert!(body.get("image_links").is_none());

    let mut req = signed_request(&emu, DEMO_USER_ID, "demo-approved");
    req["image_links"] = json!(true);
    req["history"] = json!(false);
    let body = raw.job_status(&req).await.json();
    assert!(body.get("history").is_none());
    let links = body["image_links"]
        .as_object()
        .expect("image_links is an object");
    assert!(!links.is_empty());
    assert!(links.values().all(Value::is_string));
    let selfie = links["selfie_image"].as_str().unwrap_or("");
    assert!(selfie.starts_with("http://127.0.0.1:"), "{selfie}");
    // The link is served.
    let image = raw.send(http::Method::GET, selfie, Vec::new()).await;
    assert_eq!(image.status, 200);
    assert!(image.body.starts_with(b"\x89PNG"));

    // Both at once, parsed by the SDK schema.
    let mut req = signed_request(&emu, DEMO_USER_ID, "demo-rejected");
    req["image_links"] = json!(true);
    req["history"] = json!(true);
    let answer = raw.job_status(&req).await;
    let parsed = JobStatusResponse::from_slice(&answer.body).expect("decodes");
    assert_eq!(parsed.history().len(), 1);
    assert!(parsed.image_links.is_some());
}

#[tokio::test]
async fn demo_pending_completes_on_the_third_poll() {
    let emu = Emulator::start().await.expect("starts");
    let raw = Raw::new(&emu);
    for poll in 1..=2 {
        let mut req = signed_request(&emu, DEMO_USER_ID, "demo-pending");
        req["history"] = json!(true);
        req["image_links"] = json!(true);
        let answer = raw.job_status(&req).await;
        assert_eq!(answer.status, 200);
        let body = answer.json();
        assert_signed(&emu, &body);
        assert_eq!(body["job_complete"], false, "poll {poll}");
        assert_eq!(body["job_success"], false, "poll {poll}");
        assert_eq!(body["code"], "2314");
        assert_eq!(body["result"], "No zip file received");
        assert_eq!(body["history"], json!([]));
        assert!(body["image_links"].is_object());
        let parsed = JobStatusResponse::from_slice(&answer.body).expect("decodes");
        assert!(!parsed.job_complete);
    }
    let body = raw
        .job_status(&signed_request(&emu, DEMO_USER_ID, "demo-pending"))
        .await
        .json();
    assert_eq!(body["job_complete"], true);
    assert_eq!(body["job_success"], true);
    assert_eq!(body["code"], "2302");
    assert_eq!(body["result"]["ResultCode"], "0810");
    assert_eq!(
        emu.job(DEMO_USER_ID, "demo-pending").map(|j| j.polls),
        Some(3)
    );
    // Stays complete.
    let body = raw
        .job_status(&signed_request(&emu, DEMO_USER_ID, "demo-pending"))
        .await
        .json();
    assert_eq!(body["job_complete"], true);
}

#[tokio::test]
async fn unknown_job_is_reported_as_no_upload_yet() {
    let emu = Emulator::start().await.expect("starts");
    let raw = Raw::new(&emu);
    let answer = raw
        .job_status(&signed_request(&emu, "nobody", "nothing"))
        .await;
    assert_eq!(answer.status, 200);
    let body = answer.json();
    assert_signed(&emu, &body);
    assert_eq!(
        body,
        json!({
            "timestamp": body["timestamp"],
            "signature": body["signature"],
            "job_complete": false,
            "job_success": false,
            "code": "2314",
            "result": "No zip file received",
        })
    );
}

#[tokio::test]
async fn every_response_has_a_fresh_signed_timestamp_in_the_documented_format() {
    let emu = Emulator::start().await.expect("starts");
    let raw = Raw::new(&emu);
    let req = signed_request(&emu, DEMO_USER_ID, "demo-approved");
    let mut seen = Vec::new();
    for _ in 0..3 {
        // The same request (and timestamp) three times: reuse is accepted.
        let body = raw.job_status(&req).await.json();
        assert_signed(&emu, &body);
        let ts = body["timestamp"].as_str().unwrap_or("").to_owned();
        // 2026-08-21T12:00:00.000Z
        assert_eq!(ts.len(), 24, "{ts}");
        assert!(ts.ends_with('Z') && ts.as_bytes()[19] == b'.', "{ts}");
        assert!(smileid_sign::parse_timestamp(&ts).is_ok());
        seen.push(ts);
        tokio::time::sleep(std::time::Duration::from_millis(3)).await;
    }
    seen.dedup();
    assert_eq!(seen.len(), 3, "each response is signed anew: {seen:?}");
}

#[tokio::test]
async fn content_type_does_not_matter_and_extra_fields_are_ignored() {
    let emu = Emulator::start().await.expect("starts");
    let raw = Raw::new(&emu);
    let mut req = signed_request(&emu, DEMO_USER_ID, "demo-approved");
    req["job_type"] = json!(1);
    req["something_new"] = json!({"nested": [1, 2]});
    let url = format!("{}/job_status", raw.base);
    for ct in [
        None,
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
    ] {
        let answer = raw
            .try_send(
                http::Method::POST,
                &url,
                serde_json::to_vec(&req).unwrap_or_default(),
                ct,
            )
            .await
            .expect("answered");
        assert_eq!(answer.status, 200, "{ct:?}");
        assert_eq!(answer.json()["result"]["ResultCode"], "0810");
    }
}

#[tokio::test]
async fn lenient_boolean_flags() {
    let emu = Emulator::start().await.expect("starts");
    let raw = Raw::new(&emu);
    let mut req = signed_request(&emu, DEMO_USER_ID, "demo-approved");
    req["history"] = json!("true");
    req["image_links"] = json!(null);
    let body = raw.job_status(&req).await.json();
    assert!(body["history"].is_array());
    assert!(body.get("image_links").is_none());
}

#[tokio::test]
async fn custom_full_result_is_served_verbatim() {
    let emu = Emulator::start().await.expect("starts");
    let result = json!({
        "ResultCode": "1012",
        "ResultText": "ID Number Validated",
        "ResultType": "ID Verification",
        "SmileJobID": "0000009876",
        "PartnerParams": {"job_type": "5", "user_id": "u9", "job_id": "j9", "order": "A-17"},
        "Actions": {"Verify_ID_Number": "Verified", "Return_Personal_Info": "Returned"},
        "ConfidenceValue": "100",
        "IsFinalResult": "true",
        "SomethingNew": {"kept": true}
    });
    let info = emu
        .add_job(JobSpec::new("u9", "j9").result(result.clone()))
        .expect("added");
    assert_eq!(info.job_type, 5);
    assert!(info.job_success);
    let raw = Raw::new(&emu);
    let body = raw
        .job_status(&signed_request(&emu, "u9", "j9"))
        .await
        .json();
    assert_eq!(body["result"], result);
    assert_eq!(body["job_success"], true);
}

#[tokio::test]
async fn custom_history_image_links_and_job_success() {
    let emu = Emulator::start().await.expect("starts");
    emu.add_job(
        JobSpec::new("u", "j")
            .job_type(6)
            .outcome(smileid_emulator::PresetOutcome::Provisional)
            .job_success(true)
            .history(vec![
                json!({"ResultCode": "0812"}),
                json!({"ResultCode": "0810"}),
            ])
            .image_links([
                ("selfie_image", "https://img.invalid/s.jpg"),
                ("id_card_image", "x"),
            ]),
    )
    .expect("added");
    let raw = Raw::new(&emu);
    let mut req = signed_request(&emu, "u", "j");
    req["history"] = json!(true);
    req["image_links"] = json!(true);
    let body = raw.job_status(&req).await.json();
    assert_eq!(body["job_success"], true);
    assert_eq!(body["result"]["ResultCode"], "0812");
    assert_eq!(body["result"]["ResultType"], "Document Verification");
    assert_eq!(body["history"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        body["image_links"]["selfie_image"],
        "https://img.invalid/s.jpg"
    );
    assert_eq!(body["image_links"]["id_card_image"], "x");
}

#[tokio::test]
async fn complete_after_a_duration() {
    let emu = Emulator::start().await.expect("starts");
    emu.add_job(JobSpec::new("u", "timed").complete_after(std::time::Duration::from_millis(50)))
        .expect("added");
    let raw = Raw::new(&emu);
    let body = raw
        .job_status(&signed_request(&emu, "u", "timed"))
        .await
        .json();
    assert_eq!(body["job_complete"], false);
    // Completed by the timer, without further polls.
    let mut complete = false;
    for _ in 0..200 {
        if emu.job("u", "timed").is_some_and(|j| j.complete) {
            complete = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert!(complete);
    let body = raw
        .job_status(&signed_request(&emu, "u", "timed"))
        .await
        .json();
    assert_eq!(body["job_complete"], true);
}
