//! Decode errors name the JSON path of the offending value.

use smileid_types::{
    ApiErrorBody, CallbackBody, DecodeErrorKind, JobResult, JobStatusRequest, JobStatusResponse,
    decode,
};

fn response_err(text: &str) -> smileid_types::DecodeError {
    decode::<JobStatusResponse>(text.as_bytes()).unwrap_err()
}

#[test]
fn path_of_a_nested_type_error() {
    let e = response_err(
        r#"{"job_complete": true, "result": {"PartnerParams": {"job_type": {"x": 1}}}}"#,
    );
    assert_eq!(e.kind(), DecodeErrorKind::Data);
    assert_eq!(e.path(), "result.PartnerParams.job_type");
    assert!(e.message().contains("invalid type: map"), "{e}");
    assert_eq!(e.line(), Some(1));
    assert!(e.column().is_some());
    let shown = e.to_string();
    assert!(shown.contains("result.PartnerParams.job_type"), "{shown}");
    assert!(!shown.contains(" at line "), "{shown}");
}

#[test]
fn path_through_history_index() {
    let entry = r#"{"ResultCode": "0810", "Actions": {"Liveness_Check": "Passed"}}"#;
    let text = format!(
        r#"{{"job_complete": true, "history": [{entry}, {entry}, {entry}, {{"Actions": ["Passed"]}}]}}"#
    );
    let e = response_err(&text);
    assert_eq!(e.path(), "history[3].Actions");
    assert!(e.message().contains("invalid type: sequence"), "{e}");
}

#[test]
fn path_of_a_verdict() {
    let e = response_err(r#"{"job_complete": true, "result": {"Actions": {"Liveness_Check": 5}}}"#);
    assert_eq!(e.path(), "result.Actions.Liveness_Check");
}

#[test]
fn path_of_top_level_fields() {
    let e = response_err(r#"{"job_complete": "maybe"}"#);
    assert_eq!(e.path(), "job_complete");
    assert!(e.message().contains("maybe"), "{e}");

    let e = response_err(r#"{"job_complete": true, "result": 5}"#);
    assert_eq!(e.path(), "result");
    assert!(
        e.message().contains("a result object or a message string"),
        "{e}"
    );

    let e = response_err(r#"{"job_complete": true, "image_links": {"selfie_image": 3}}"#);
    assert_eq!(e.path(), "image_links.selfie_image");

    let e = response_err(r#"{"job_complete": true, "history": {}}"#);
    assert_eq!(e.path(), "history");

    let e = response_err(
        r#"{"job_complete": true, "result": {"UserIDsOfPreviousRegistrants": ["a", {}]}}"#,
    );
    assert_eq!(e.path(), "result.UserIDsOfPreviousRegistrants[1]");
}

#[test]
fn missing_and_duplicate_keys() {
    let e = response_err(r#"{"job_success": true}"#);
    assert_eq!(e.path(), "");
    assert_eq!(e.message(), "missing field `job_complete`");
    assert!(e.to_string().contains("`$`"), "{e}");

    let e = response_err(r#"{"job_complete": true, "job_complete": false}"#);
    assert_eq!(e.message(), "duplicate field `job_complete`");

    let e = response_err(
        r#"{"job_complete": true, "result": {"Actions": {"A": "Passed", "A": "Failed"}}}"#,
    );
    assert_eq!(e.path(), "result.Actions");
    assert!(e.message().contains("duplicate action `A`"), "{e}");

    let e = response_err(
        r#"{"job_complete": true, "result": {"Actions": {"Liveness_Check": "Passed", "B": "x", "Liveness_Check": "Failed"}}}"#,
    );
    assert_eq!(e.path(), "result.Actions");
    assert!(
        e.message().contains("duplicate action `Liveness_Check`"),
        "{e}"
    );

    let e =
        response_err(r#"{"job_complete": true, "result": {"PartnerParams": {"x": 1, "x": 2}}}"#);
    assert_eq!(e.path(), "result.PartnerParams");

    for key in ["partner_id", "timestamp", "signature", "user_id", "job_id"] {
        let mut v = serde_json::json!({
            "partner_id": "085", "timestamp": "t", "signature": "s",
            "user_id": "u", "job_id": "j"
        });
        v.as_object_mut().unwrap().remove(key);
        let e = decode::<JobStatusRequest>(v.to_string().as_bytes()).unwrap_err();
        assert_eq!(e.message(), format!("missing field `{key}`"));
    }
}

#[test]
fn odd_keys_are_quoted_in_paths() {
    let e = decode::<JobResult>(br#"{"PartnerParams": {"job_type": 1}, "Actions": {"a.b c": 1}}"#)
        .unwrap_err();
    assert_eq!(e.path(), r#"Actions["a.b c"]"#);
}

#[test]
fn callback_and_error_paths() {
    let e = decode::<CallbackBody>(br#"{"ResultCode": "1012", "signature": 5}"#).unwrap_err();
    assert_eq!(e.path(), "signature");
    let e = decode::<CallbackBody>(br#"{"PartnerParams": [], "signature": "s"}"#).unwrap_err();
    assert_eq!(e.path(), "PartnerParams");
    let e = decode::<ApiErrorBody>(br#"{"code": [2205]}"#).unwrap_err();
    assert_eq!(e.path(), "code");
    let e = decode::<ApiErrorBody>(br#"[]"#).unwrap_err();
    assert_eq!(e.path(), "");
}

#[test]
fn syntax_errors_point_into_the_document() {
    let e = response_err(
        "{\n  \"job_complete\": true,\n  \"result\": {\"PartnerParams\": {\"job_id\": x}}\n}",
    );
    assert_eq!(e.kind(), DecodeErrorKind::Syntax);
    assert_eq!(e.line(), Some(3));
    assert_eq!(e.path(), "result.PartnerParams.job_id");

    let e = response_err(r#"{"job_complete": true, "history": [{}, {}, {"Actions": {"#);
    assert_eq!(e.kind(), DecodeErrorKind::Eof);
    assert_eq!(e.path(), "history[2].Actions");

    let e = response_err("");
    assert_eq!(e.kind(), DecodeErrorKind::Eof);
    assert_eq!(e.path(), "");

    let e = response_err(r#"{"job_complete": true} trailing"#);
    assert_eq!(e.kind(), DecodeErrorKind::Syntax);
    assert!(e.message().contains("trailing characters"), "{e}");
}

#[test]
fn display_is_bounded_and_does_not_echo_input() {
    let huge_value = "A".repeat(100_000);
    let huge_key = "K".repeat(100_000);
    let text = format!(
        r#"{{"job_complete": true, "result": {{"Actions": {{"{huge_key}": {{"v": "{huge_value}"}}}}}}}}"#
    );
    let e = response_err(&text);
    assert!(e.path().starts_with("result.Actions.KKK"));
    assert!(e.path().len() < 200, "{}", e.path().len());
    let shown = e.to_string();
    assert!(shown.len() < 800, "{}", shown.len());
    assert!(!shown.contains(&"A".repeat(100)));

    let e = response_err(&format!(r#"{{"job_complete": "{huge_value}"}}"#));
    assert!(e.to_string().len() < 800);
    assert!(e.message().chars().count() <= 301);
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let deep = format!(
        r#"{{"job_complete": true, "x": {}{}}}"#,
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let e = response_err(&deep);
    assert!(e.message().contains("recursion limit"), "{e}");
    let e =
        decode::<JobResult>(format!(r#"{{"Antifraud": {}}}"#, "{\"a\":".repeat(50_000)).as_bytes())
            .unwrap_err();
    assert!(e.message().contains("recursion limit"), "{e}");
}

#[test]
fn from_slice_conveniences_agree_with_decode() {
    let bad = br#"{"job_complete": true, "result": {"ResultCode": []}}"#;
    let a = JobStatusResponse::from_slice(bad).unwrap_err();
    let b = decode::<JobStatusResponse>(bad).unwrap_err();
    assert_eq!(a, b);
    assert_eq!(a.path(), "result.ResultCode");
    assert_eq!(
        JobResult::from_slice(br#"{"ResultCode": []}"#)
            .unwrap_err()
            .path(),
        "ResultCode"
    );
}

#[test]
fn a_key_given_twice_is_an_error_even_when_the_first_is_null() {
    for (text, field) in [
        (
            r#"{"ResultCode": null, "ResultCode": "0810"}"#,
            "ResultCode",
        ),
        (r#"{"Antifraud": null, "Antifraud": {}}"#, "Antifraud"),
        (r#"{"FullName": "A", "FullName": null}"#, "FullName"),
        (
            r#"{"PartnerParams": {"user_id": null, "user_id": "u"}}"#,
            "user_id",
        ),
        (
            r#"{"PartnerParams": {"job_id": null, "job_id": "j"}}"#,
            "job_id",
        ),
        (
            r#"{"PartnerParams": {"job_type": null, "job_type": 1}}"#,
            "job_type",
        ),
    ] {
        let e = decode::<JobResult>(text.as_bytes()).unwrap_err();
        assert_eq!(e.kind(), DecodeErrorKind::Data, "{text}");
        assert_eq!(e.message(), format!("duplicate field `{field}`"), "{text}");
    }
    let e = decode::<CallbackBody>(br#"{"ResultCode": null, "signature": "s", "ResultCode": "1"}"#)
        .unwrap_err();
    assert_eq!(e.message(), "duplicate field `ResultCode`");
    let e = response_err(r#"{"job_complete": true, "result": null, "result": "x"}"#);
    assert_eq!(e.message(), "duplicate field `result`");
    let e = response_err(
        r#"{"job_complete": true, "history": [{"PartnerParams": {"user_id": null, "user_id": "u"}}]}"#,
    );
    assert_eq!(e.message(), "duplicate field `user_id`");
    assert_eq!(e.path(), "history[0].PartnerParams");
    // One null and nothing else is simply absent.
    let r = decode::<JobResult>(br#"{"ResultCode": null, "PartnerParams": {"user_id": null}}"#)
        .unwrap();
    assert!(r.result_code.is_none());
    assert_eq!(r.partner_params.unwrap().user_id, None);
}

#[test]
fn job_complete_is_required_with_a_clear_message() {
    // An error body served with status 200 is not a job status answer.
    let body = br#"{"code":"2205","error":"You're not authorized to do that"}"#;
    let e = decode::<JobStatusResponse>(body).unwrap_err();
    assert_eq!(e.kind(), DecodeErrorKind::Data);
    assert_eq!(e.path(), "");
    assert_eq!(
        e.to_string(),
        "unexpected JSON shape at `$`: missing field `job_complete` (line 1, column 58)"
    );
    // `null` is reported where it is, with serde_json's wording.
    let e = response_err(r#"{"job_complete": null, "job_success": true}"#);
    assert_eq!(e.kind(), DecodeErrorKind::Data);
    assert_eq!(e.path(), "job_complete");
    assert_eq!(
        e.message(),
        r#"invalid type: null, expected a boolean or the text "true"/"false""#
    );
}

#[test]
fn null_is_called_null_in_messages() {
    let e = response_err(r#"{"job_complete": true, "image_links": {"selfie_image": null}}"#);
    assert_eq!(e.path(), "image_links.selfie_image");
    assert_eq!(e.message(), "invalid type: null, expected a string");
    let e =
        response_err(r#"{"job_complete": true, "result": {"Actions": {"Liveness_Check": null}}}"#);
    assert_eq!(e.path(), "result.Actions.Liveness_Check");
    assert_eq!(e.message(), "invalid type: null, expected a string");
    let e = response_err(r#"{"job_complete": true, "history": [null]}"#);
    assert_eq!(e.path(), "history[0]");
    assert_eq!(e.message(), "invalid type: null, expected a result object");
}
