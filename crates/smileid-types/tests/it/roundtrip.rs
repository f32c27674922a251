//! parse -> serialize -> parse gives an equal value, and unknown keys survive.

use serde_json::{Value, json};
use smileid_types::{ApiErrorBody, CallbackBody, JobResult, JobStatusResponse, decode};

use smileid_testkit::fixture as data;

/// Decodes, re-encodes, decodes again; checks both values and JSON agree.
fn roundtrip<T>(bytes: &[u8]) -> T
where
    T: serde::de::DeserializeOwned + serde::Serialize + PartialEq + std::fmt::Debug,
{
    let first: T = decode(bytes).unwrap();
    let out = serde_json::to_vec(&first).unwrap();
    let second: T = decode(&out).unwrap();
    assert_eq!(first, second);
    // The JSON written equals the JSON read, as values.
    let read: Value = serde_json::from_slice(bytes).unwrap();
    let written: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(read, written, "written JSON differs from the input");
    second
}

#[test]
fn fixtures_round_trip_exactly() {
    for name in [
        "job_status_complete_history_images.json",
        "job_status_bad_signature.json",
        "job_status_pending_string_result.json",
        "job_status_rejected_enhanced_kyc.json",
    ] {
        roundtrip::<JobStatusResponse>(&data(name));
    }
    roundtrip::<CallbackBody>(&data("callback_enhanced_kyc.json"));
    roundtrip::<ApiErrorBody>(&data("error_2205_unauthorized.json"));
    roundtrip::<ApiErrorBody>(&data("error_2213_missing_parameter.json"));
}

fn inject_result(r: &mut Value, tag: &str) {
    r["X_Unknown_Result_Key"] = json!({"nested": [1, tag, null, true]});
    r["PartnerParams"]["x_partner_extra"] = json!(tag);
    r["PartnerParams"]["x_partner_number"] = json!(42.5);
    r["Actions"]["X_New_Action"] = json!("Mostly  Fine");
    r["Actions"]["Liveness_Check"] = json!("passed ");
    r["ResultCode"] = json!("7777");
    r["Antifraud"] = json!({"suspected": false, "list": []});
    r["FullData"] = json!(null);
}

#[test]
fn unknown_keys_survive_at_every_level() {
    let mut doc: Value =
        serde_json::from_slice(&data("job_status_complete_history_images.json")).unwrap();
    doc["x_top_level"] = json!({"a": 1});
    doc["x_top_array"] = json!([1, 2, 3]);
    doc["image_links"]["x_other_image"] = json!("https://example.invalid/other");
    doc["image_links"]["error"] = json!("Some images expired");
    inject_result(&mut doc["result"], "result");
    inject_result(&mut doc["history"][0], "history");
    let bytes = serde_json::to_vec(&doc).unwrap();

    let r = roundtrip::<JobStatusResponse>(&bytes);
    assert_eq!(r.extra["x_top_level"], json!({"a": 1}));
    assert_eq!(r.extra["x_top_array"], json!([1, 2, 3]));
    let links = r.image_links.as_ref().unwrap();
    assert_eq!(
        links.get("x_other_image"),
        Some("https://example.invalid/other")
    );
    assert_eq!(links.error(), Some("Some images expired"));
    for (res, tag) in [
        (r.result_object().unwrap(), "result"),
        (&r.history()[0], "history"),
    ] {
        assert_eq!(
            res.extra["X_Unknown_Result_Key"],
            json!({"nested": [1, tag, null, true]})
        );
        let pp = res.partner_params().unwrap();
        assert_eq!(pp.extra["x_partner_extra"], json!(tag));
        assert_eq!(pp.extra["x_partner_number"], json!(42.5));
        let actions = res.actions().unwrap();
        assert_eq!(
            actions.get("X_New_Action").unwrap().as_str(),
            "Mostly  Fine"
        );
        assert_eq!(actions.get("Liveness_Check").unwrap().as_str(), "passed ");
        assert_eq!(res.result_code().unwrap().as_str(), "7777");
        assert_eq!(res.antifraud, Some(json!({"suspected": false, "list": []})));
        assert_eq!(res.full_data, Some(Value::Null));
    }
    assert_eq!(r.outcome(), smileid_types::Outcome::Unknown("7777".into()));
}

#[test]
fn callback_unknown_keys_survive() {
    let mut doc: Value = serde_json::from_slice(&data("callback_enhanced_kyc.json")).unwrap();
    inject_result(&mut doc, "callback");
    let bytes = serde_json::to_vec(&doc).unwrap();
    let c = roundtrip::<CallbackBody>(&bytes);
    assert!(c.result.extra.contains_key("X_Unknown_Result_Key"));
    assert!(!c.result.extra.contains_key("signature"));
    assert!(!c.result.extra.contains_key("timestamp"));
}

#[test]
fn error_body_extras_survive() {
    let c =
        ApiErrorBody::from_slice(br#"{"code": 2204, "error": "bad", "success": false}"#).unwrap();
    assert_eq!(c.code_str(), Some("2204"));
    assert_eq!(c.extra["success"], json!(false));
    // The documented shape is written: `code` as a string.
    let out = serde_json::to_value(&c).unwrap();
    assert_eq!(
        out,
        json!({"code": "2204", "error": "bad", "success": false})
    );
    assert_eq!(
        ApiErrorBody::from_slice(out.to_string().as_bytes()).unwrap(),
        c
    );
}

#[test]
fn scalar_shapes_are_written_back_as_read() {
    let bytes = br#"{
        "ResultCode": 810, "ConfidenceValue": 99.5, "IsFinalResult": true,
        "IsMachineResult": "false", "IDNumberPreviouslyRegistered": "true",
        "UserIDsOfPreviousRegistrants": ["a", 7],
        "PartnerParams": {"job_type": 4}
    }"#;
    let r = roundtrip::<JobResult>(bytes);
    let out: Value = serde_json::to_value(&r).unwrap();
    assert_eq!(out["ResultCode"], json!(810));
    assert_eq!(out["ConfidenceValue"], json!(99.5));
    assert_eq!(out["IsFinalResult"], json!(true));
    assert_eq!(out["IsMachineResult"], json!("false"));
    assert_eq!(out["PartnerParams"]["job_type"], json!(4));
    assert_eq!(out["UserIDsOfPreviousRegistrants"], json!(["a", 7]));
}

#[test]
fn serialized_response_has_documented_shape() {
    let r = JobStatusResponse::from_slice(
        br#"{"job_complete": "true", "job_success": "false", "code": 2302, "timestamp": 1678216434434}"#,
    )
    .unwrap();
    let out = serde_json::to_value(&r).unwrap();
    assert_eq!(
        out,
        json!({
            "job_complete": true,
            "job_success": false,
            "code": "2302",
            "timestamp": "1678216434434",
            "signature": ""
        })
    );
}

#[test]
fn extras_colliding_with_typed_keys_are_not_written_twice() {
    let mut r = {
        let mut value = JobStatusResponse::default();
        value.job_complete = true;
        value.code = Some("2302".into());
        value
    };
    r.extra.insert("code".into(), json!("9999"));
    r.extra.insert("fresh".into(), json!(1));
    let text = serde_json::to_string(&r).unwrap();
    assert_eq!(text.matches("\"code\"").count(), 1, "{text}");
    let back = JobStatusResponse::from_slice(text.as_bytes()).unwrap();
    assert_eq!(back.code.as_deref(), Some("2302"));
    assert_eq!(back.extra.get("fresh"), Some(&json!(1)));

    let mut res = JobResult::default();
    res.extra.insert("ResultCode".into(), json!("0001"));
    let mut cb = {
        let mut value = CallbackBody::default();
        value.result = res;
        value
    };
    cb.result.extra.insert("signature".into(), json!("forged"));
    let v = serde_json::to_value(&cb).unwrap();
    assert_eq!(v, json!({"signature": "", "timestamp": ""}));
}
