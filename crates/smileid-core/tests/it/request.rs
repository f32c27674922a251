//! The sans-IO functions: the exact request, and every response fixture.

use std::collections::BTreeSet;
use std::time::Duration;

use crate::support::*;
use bytes::Bytes;
use serde_json::{Value, json};
use smileid_core::types::Outcome;
use smileid_core::{
    Environment, Error, JobStatusQuery, SignatureFailure, build_job_status_request,
    parse_job_status_response,
};
use smileid_sign::{Signer, format_timestamp};

fn keys(body: &Value) -> BTreeSet<&str> {
    body.as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect()
}

#[test]
fn exact_request_for_each_environment() {
    let signer = signer();
    let query = JobStatusQuery::new("user-1", "job-1");
    for (env, url) in [
        (
            Environment::Sandbox,
            "https://testapi.smileidentity.com/v1/job_status",
        ),
        (
            Environment::Production,
            "https://api.smileidentity.com/v1/job_status",
        ),
        (
            Environment::custom("https://proxy.example.com/smile/v1/"),
            "https://proxy.example.com/smile/v1/job_status",
        ),
        (
            Environment::custom_insecure_loopback("http://127.0.0.1:8089/v1"),
            "http://127.0.0.1:8089/v1/job_status",
        ),
    ] {
        let base = env.base_url().unwrap();
        let request = build_job_status_request(&signer, &base, &query, epoch()).unwrap();
        assert_eq!(request.method(), http::Method::POST);
        assert_eq!(request.uri().to_string(), url);
        let h = request.headers();
        assert_eq!(h["content-type"], "application/json");
        assert_eq!(h["accept"], "application/json");
        assert_eq!(
            h["user-agent"],
            format!("smileid-core/{}", env!("CARGO_PKG_VERSION")).as_str()
        );
        assert_eq!(
            h["content-length"],
            request.body().len().to_string().as_str()
        );
        assert_eq!(h.len(), 4, "no other headers: {h:?}");

        let body: Value = serde_json::from_slice(request.body()).unwrap();
        assert_eq!(
            keys(&body),
            BTreeSet::from(["partner_id", "timestamp", "signature", "user_id", "job_id"])
        );
        assert_eq!(body["partner_id"], "085");
        assert_eq!(body["user_id"], "user-1");
        assert_eq!(body["job_id"], "job-1");
        assert_eq!(body["timestamp"], "2026-08-21T12:00:00.000Z");
        assert_eq!(body["timestamp"], format_timestamp(epoch()).as_str());
        signer
            .verify(
                body["timestamp"].as_str().unwrap(),
                body["signature"].as_str().unwrap(),
            )
            .unwrap();
    }
}

#[test]
fn history_and_image_links_are_sent_only_when_requested() {
    let base = Environment::Sandbox.base_url().unwrap();
    let body = |q: JobStatusQuery| -> Value {
        let r = build_job_status_request(&signer(), &base, &q, epoch()).unwrap();
        serde_json::from_slice(r.body()).unwrap()
    };
    let q = JobStatusQuery::new("u", "j");
    let both = body(q.clone().with_history(true).with_image_links(true));
    assert_eq!(both["history"], json!(true));
    assert_eq!(both["image_links"], json!(true));
    let history = body(q.clone().with_history(true));
    assert_eq!(history["history"], json!(true));
    assert!(history.get("image_links").is_none());
    let none = body(q.with_history(false).with_image_links(false));
    assert!(none.get("history").is_none() && none.get("image_links").is_none());
}

#[test]
fn each_request_is_signed_at_its_own_time() {
    let base = Environment::Sandbox.base_url().unwrap();
    let q = JobStatusQuery::new("u", "j");
    let a = build_job_status_request(&signer(), &base, &q, epoch()).unwrap();
    let b =
        build_job_status_request(&signer(), &base, &q, epoch() + Duration::from_millis(1)).unwrap();
    let a: Value = serde_json::from_slice(a.body()).unwrap();
    let b: Value = serde_json::from_slice(b.body()).unwrap();
    assert_ne!(a["timestamp"], b["timestamp"]);
    assert_ne!(a["signature"], b["signature"]);
}

#[test]
fn invalid_query_builds_nothing() {
    let base = Environment::Sandbox.base_url().unwrap();
    for q in [
        JobStatusQuery::new("", "j"),
        JobStatusQuery::new("u", "   "),
        JobStatusQuery::new("u\r\nX-Injected: 1", "j"),
        JobStatusQuery::new("u", "j".repeat(257)),
    ] {
        let err = build_job_status_request(&signer(), &base, &q, epoch()).unwrap_err();
        assert!(matches!(err, Error::InvalidInput(_)), "{err:?}");
        assert!(!err.is_retryable());
        assert_eq!(err.operation(), "job_status");
    }
}

fn parse(status: u16, body: impl Into<Bytes>) -> Result<smileid_core::JobStatus, Error> {
    parse_job_status_response(&signer(), response(status, body), epoch())
}

#[test]
fn fixture_pending_with_string_result() {
    let body = fixture("job_status_pending_string_result.json");
    let status = parse(200, body.clone()).unwrap();
    assert!(!status.is_complete());
    assert_eq!(status.outcome(), Outcome::Pending);
    assert_eq!(status.response().code.as_deref(), Some("2314"));
    assert_eq!(status.response().message(), Some("No zip file received"));
    assert_eq!(status.raw_json(), &body);
    assert_eq!(status.http_status(), http::StatusCode::OK);
}

#[test]
fn fixture_complete_with_history_and_images() {
    let status = parse(200, fixture("job_status_complete_history_images.json")).unwrap();
    assert!(status.is_complete());
    assert!(status.is_success());
    let response = status.response();
    assert_eq!(
        response
            .result_object()
            .and_then(|r| r.result_code())
            .map(|c| c.as_str()),
        Some("0810")
    );
    assert!(!response.history().is_empty());
    assert_eq!(
        response.image_links.as_ref().and_then(|l| l.selfie_image()),
        Some("https://example.invalid/images/selfie.jpg?expires=1700000000")
    );
    assert_eq!(status.outcome(), Outcome::Approved);
    let response = status.into_response();
    assert_eq!(response.timestamp, "2019-10-10T12:32:04.622Z");
}

#[test]
fn fixture_rejected_enhanced_kyc() {
    let status = parse(200, fixture("job_status_rejected_enhanced_kyc.json")).unwrap();
    assert!(status.is_complete());
    assert!(!status.is_success());
    assert_eq!(status.outcome(), Outcome::Rejected);
}

#[test]
fn fixture_bad_signature_is_a_mismatch() {
    let err = parse(200, fixture("job_status_bad_signature.json")).unwrap_err();
    assert!(
        matches!(err, Error::Signature(e) if e.failure() == SignatureFailure::Mismatch),
        "{err:?}"
    );
    assert!(!err.is_retryable());
    assert_eq!(err.operation(), "job_status");
    assert!(err.hint().is_some());
}

#[test]
fn fixture_2205_with_401() {
    let err = parse(401, fixture("error_2205_unauthorized.json")).unwrap_err();
    let Error::Api(api) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(api.status(), http::StatusCode::UNAUTHORIZED);
    assert_eq!(api.code(), Some("2205"));
    assert_eq!(api.message(), Some("You're not authorized to do that"));
    assert!(api.body_snippet().is_none());
    assert!(api.retry_after().is_none());
    assert_eq!(api.operation(), "job_status");
    assert!(!err.is_retryable());
    assert_eq!(err.operation(), "job_status");
    assert_eq!(
        err.to_string(),
        "Smile ID API error 2205 (HTTP 401 Unauthorized): You're not authorized to do that"
    );
    let hint = err.hint().unwrap();
    assert!(hint.contains("environment") && hint.contains("clock") && hint.contains("URL"));
}

#[test]
fn fixture_2213_with_400() {
    let err = parse(400, fixture("error_2213_missing_parameter.json")).unwrap_err();
    assert_eq!(err.api_code(), Some("2213"));
    assert_eq!(err.http_status(), Some(http::StatusCode::BAD_REQUEST));
    assert!(
        matches!(&err, Error::Api(api) if api.message() == Some("A required parameter is missing"))
    );
    assert!(!err.is_retryable());
}

#[test]
fn fixture_502_html_gives_a_snippet() {
    let err = parse(502, fixture("error_502_html.txt")).unwrap_err();
    let Error::Api(api) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(api.status(), http::StatusCode::BAD_GATEWAY);
    assert!(api.code().is_none() && api.message().is_none());
    let snippet = api.body_snippet().unwrap();
    assert!(
        snippet.starts_with("<html><head><title>502 Bad Gateway"),
        "{snippet}"
    );
    assert!(!snippet.contains('\n'));
    assert!(snippet.chars().count() <= 203);
    assert!(err.is_retryable());
    let line = err.to_string();
    assert!(!line.contains('\n'));
    assert!(line.contains("HTTP 502 Bad Gateway"), "{line}");
}

#[test]
fn long_non_json_bodies_are_cut() {
    let err = parse(500, "x".repeat(10_000)).unwrap_err();
    let Some(snippet) = (match &err {
        Error::Api(api) => api.body_snippet(),
        _ => None,
    }) else {
        panic!("{err:?}")
    };
    assert_eq!(snippet.chars().count(), 203);
    assert!(snippet.ends_with("..."));
}

#[test]
fn numeric_error_code_and_retry_after() {
    let mut r = response(503, r#"{"code": 2201, "error": "System error"}"#);
    r.headers_mut().insert("retry-after", "12".parse().unwrap());
    let err = parse_job_status_response(&signer(), r, epoch()).unwrap_err();
    assert_eq!(err.api_code(), Some("2201"));
    assert_eq!(err.retry_after(), Some(Duration::from_secs(12)));
    assert!(err.is_retryable());

    let mut r = response(429, "");
    r.headers_mut().insert(
        "retry-after",
        httpdate::fmt_http_date(epoch() + Duration::from_secs(7))
            .parse()
            .unwrap(),
    );
    let err = parse_job_status_response(&signer(), r, epoch()).unwrap_err();
    assert_eq!(err.retry_after(), Some(Duration::from_secs(7)));
    assert!(matches!(&err, Error::Api(api) if api.body_snippet().is_none()));
}

#[test]
fn redirects_are_api_errors_not_followed() {
    let mut r = response(302, "");
    r.headers_mut().insert(
        "location",
        "https://elsewhere.example/v1/job_status".parse().unwrap(),
    );
    let err = parse_job_status_response(&signer(), r, epoch()).unwrap_err();
    assert_eq!(err.http_status(), Some(http::StatusCode::FOUND));
    assert!(!err.is_retryable());
    let line = err.to_string();
    assert!(
        line.contains("redirect") && line.contains("elsewhere.example"),
        "{line}"
    );
}

#[test]
fn missing_malformed_and_foreign_signatures() {
    let unsigned =
        r#"{"job_complete": true, "job_success": true, "timestamp": "2026-08-21T12:00:00.000Z"}"#;
    assert!(matches!(
        parse(200, unsigned).unwrap_err(),
        Error::Signature(e) if e.failure() == SignatureFailure::Missing
    ));
    let no_timestamp =
        r#"{"job_complete": true, "signature": "MP7iSK9pYyh7Q1405lhyTz/S8ngA2jBwiFiG8dLzkS0="}"#;
    assert!(matches!(
        parse(200, no_timestamp).unwrap_err(),
        Error::Signature(e) if e.failure() == SignatureFailure::Missing
    ));
    let empty = r#"{"job_complete": true, "timestamp": "t", "signature": ""}"#;
    assert!(matches!(
        parse(200, empty).unwrap_err(),
        Error::Signature(e) if e.failure() == SignatureFailure::Missing
    ));
    let malformed = r#"{"job_complete": true, "timestamp": "t", "signature": "not base64!"}"#;
    assert!(matches!(
        parse(200, malformed).unwrap_err(),
        Error::Signature(e) if e.failure() == SignatureFailure::Malformed
    ));
    let other_key = Signer::new("085", "another-key").unwrap();
    let foreign = signed_with(
        &other_key,
        "2026-08-21T12:00:00.000Z",
        json!({"job_complete": true, "job_success": true}),
    );
    assert!(matches!(
        parse(200, foreign).unwrap_err(),
        Error::Signature(e) if e.failure() == SignatureFailure::Mismatch
    ));
    let other_partner = Signer::new("85", API_KEY).unwrap();
    let foreign = signed_with(&other_partner, "t", json!({"job_complete": true}));
    assert!(matches!(
        parse(200, foreign).unwrap_err(),
        Error::Signature(e) if e.failure() == SignatureFailure::Mismatch
    ));
}

#[test]
fn signature_is_checked_before_the_schema() {
    // Wrong types everywhere, and no valid signature: the signature failure wins.
    let body = r#"{"job_complete": {"x": 1}, "history": 5, "timestamp": "t", "signature": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}"#;
    assert!(matches!(
        parse(200, body).unwrap_err(),
        Error::Signature(e) if e.failure() == SignatureFailure::Mismatch
    ));
}

#[test]
fn signed_but_malformed_body_is_a_decode_error_with_a_path() {
    let body = signed_with(
        &signer(),
        "2026-08-21T12:00:00.000Z",
        json!({"job_complete": {"not": "a bool"}, "job_success": true}),
    );
    let err = parse(200, body).unwrap_err();
    let Error::Decode(decode) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(decode.path(), "job_complete");
    assert!(!decode.message().is_empty());
    assert_eq!(decode.operation(), "job_status");
    assert!(!err.is_retryable());
    assert_eq!(err.operation(), "job_status");
}

#[test]
fn non_object_2xx_bodies_are_decode_errors() {
    for body in [
        "",
        "   ",
        "[]",
        "\"text\"",
        "42",
        "<html>OK</html>",
        "{\"timestamp\": ",
        "{\"timestamp\": \"t\", \"timestamp\": \"u\", \"signature\": \"s\"}",
    ] {
        let err = parse(200, body).unwrap_err();
        assert!(matches!(err, Error::Decode(_)), "{body:?}: {err:?}");
        assert!(!err.to_string().contains('\n'));
    }
}

#[test]
fn unsigned_error_object_with_2xx_is_an_api_error() {
    let err = parse(200, fixture("error_2205_unauthorized.json")).unwrap_err();
    assert_eq!(err.api_code(), Some("2205"));
    assert_eq!(err.http_status(), Some(http::StatusCode::OK));
    assert!(!err.is_retryable());
}

#[test]
fn epoch_millisecond_timestamps_verify() {
    let body = signed_with(
        &signer(),
        "1678216434434",
        json!({"job_complete": false, "job_success": false}),
    );
    assert!(parse(200, body).is_ok());
    // An integer timestamp is read as its digits.
    let signature = signer().sign("1678216434434").signature;
    let body = format!(
        r#"{{"job_complete": false, "timestamp": 1678216434434, "signature": "{signature}"}}"#
    );
    // The signature verifies; the typed decode may or may not accept a
    // number, but the answer is never a signature failure.
    let result = parse(200, body);
    assert!(!matches!(result, Err(Error::Signature(_))), "{result:?}");
}

#[test]
fn any_2xx_is_accepted() {
    assert!(parse(203, pending_body()).is_ok());
}
