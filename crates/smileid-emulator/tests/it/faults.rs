//! Fault injection: every kind, counts, scopes, and the admin API for it.

use std::time::{Duration, Instant};

use crate::common::{Raw, assert_signed, signed_request};
use http::Method;
use serde_json::json;
use smileid_emulator::{DEMO_USER_ID, Emulator, EmulatorError, FaultKind, FaultSpec};

#[tokio::test]
async fn three_500s_then_success() {
    let emu = Emulator::start().await.expect("starts");
    emu.set_fault(FaultSpec::http_error(500, "2201", "System error").count(3))
        .expect("fault");
    let raw = Raw::new(&emu);
    let req = signed_request(&emu, DEMO_USER_ID, "demo-approved");
    for _ in 0..3 {
        let answer = raw.job_status(&req).await;
        assert_eq!(answer.status, 500);
        assert_eq!(
            answer.json(),
            json!({"code": "2201", "error": "System error"})
        );
    }
    let answer = raw.job_status(&req).await;
    assert_eq!(answer.status, 200);
    assert!(emu.faults().is_empty(), "a used-up fault is removed");
}

#[tokio::test]
async fn html_502_page() {
    let emu = Emulator::start().await.expect("starts");
    emu.set_fault(FaultSpec::html_502().count(1))
        .expect("fault");
    let raw = Raw::new(&emu);
    let answer = raw
        .job_status(&signed_request(&emu, DEMO_USER_ID, "demo-approved"))
        .await;
    assert_eq!(answer.status, 502);
    assert_eq!(
        answer
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("text/html")
    );
    assert!(answer.body.starts_with(b"<html>"));
    assert!(serde_json::from_slice::<serde_json::Value>(&answer.body).is_err());
}

#[tokio::test]
async fn rate_limited_with_retry_after() {
    let emu = Emulator::start().await.expect("starts");
    emu.set_fault(FaultSpec::rate_limited(7).count(1))
        .expect("fault");
    let raw = Raw::new(&emu);
    let answer = raw
        .job_status(&signed_request(&emu, DEMO_USER_ID, "demo-approved"))
        .await;
    assert_eq!(answer.status, 429);
    assert_eq!(
        answer
            .headers
            .get("retry-after")
            .and_then(|v| v.to_str().ok()),
        Some("7")
    );
    assert_eq!(answer.json()["code"], "429");
}

#[tokio::test]
async fn dropped_connection_gives_no_response() {
    for tls in [false, true] {
        let emu = Emulator::builder().tls(tls).start().await.expect("starts");
        emu.set_fault(FaultSpec::drop_connection().count(1))
            .expect("fault");
        let raw = Raw::new(&emu);
        let req = signed_request(&emu, DEMO_USER_ID, "demo-approved");
        let err = raw.try_job_status(&req).await.expect_err("no response");
        assert!(!err.is_empty());
        assert_eq!(raw.job_status(&req).await.status, 200, "tls={tls}");
    }
}

#[tokio::test]
async fn dropped_connection_over_http2() {
    let emu = Emulator::start_tls().await.expect("starts");
    emu.set_fault(FaultSpec::drop_connection().count(1))
        .expect("fault");
    let raw = Raw::with_version(&emu, true);
    let req = signed_request(&emu, DEMO_USER_ID, "demo-approved");
    assert!(raw.try_job_status(&req).await.is_err());
    assert_eq!(raw.job_status(&req).await.status, 200);
}

#[tokio::test]
async fn truncated_body_announces_more_than_it_sends() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let emu = Emulator::start().await.expect("starts");
    emu.set_fault(FaultSpec::truncated_body().count(1))
        .expect("fault");
    let body = serde_json::to_vec(&signed_request(&emu, DEMO_USER_ID, "demo-approved"))
        .unwrap_or_default();
    let mut stream = tokio::net::TcpStream::connect(emu.addr())
        .await
        .expect("connects");
    let head = format!(
        "POST /v1/job_status HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.expect("head");
    stream.write_all(&body).await.expect("body");
    let mut response = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut response)).await;
    let text = String::from_utf8_lossy(&response).into_owned();
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    let (head, body) = text.split_once("\r\n\r\n").expect("a head");
    let declared: usize = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length: ")
                .map(str::to_owned)
        })
        .and_then(|v| v.trim().parse().ok())
        .expect("content-length");
    assert!(!body.is_empty());
    assert!(body.len() < declared, "{} < {declared}", body.len());
    assert!(body.starts_with("{\"timestamp\""));
    assert!(serde_json::from_str::<serde_json::Value>(body).is_err());

    // A normal client sees an error, then the next request works.
    emu.set_fault(FaultSpec::truncated_body().count(1))
        .expect("fault");
    let raw = Raw::new(&emu);
    let req = signed_request(&emu, DEMO_USER_ID, "demo-approved");
    assert!(raw.try_job_status(&req).await.is_err());
    assert_eq!(raw.job_status(&req).await.status, 200);
}

#[tokio::test]
async fn truncated_body_over_tls_and_http2() {
    for h2 in [false, true] {
        let emu = Emulator::start_tls().await.expect("starts");
        emu.set_fault(FaultSpec::truncated_body().count(1))
            .expect("fault");
        let raw = Raw::with_version(&emu, h2);
        let req = signed_request(&emu, DEMO_USER_ID, "demo-approved");
        assert!(raw.try_job_status(&req).await.is_err(), "h2={h2}");
        assert_eq!(raw.job_status(&req).await.status, 200);
    }
}

#[tokio::test]
async fn wrong_signature_fails_verification() {
    let emu = Emulator::start().await.expect("starts");
    emu.set_fault(FaultSpec::wrong_signature().count(1))
        .expect("fault");
    let raw = Raw::new(&emu);
    let req = signed_request(&emu, DEMO_USER_ID, "demo-approved");
    let body = raw.job_status(&req).await.json();
    assert_eq!(body["job_complete"], true);
    let ts = body["timestamp"].as_str().unwrap_or("");
    let sig = body["signature"].as_str().unwrap_or("");
    assert_eq!(sig.len(), 44);
    assert!(emu.signer().verify(ts, sig).is_err());
    // Then correct again.
    assert_signed(&emu, &raw.job_status(&req).await.json());
}

#[tokio::test]
async fn latency_delays_and_combines() {
    let emu = Emulator::start().await.expect("starts");
    emu.set_fault(FaultSpec::latency(Duration::from_millis(150)).count(1))
        .expect("fault");
    emu.set_fault(FaultSpec::http_error(503, "2201", "busy").count(1))
        .expect("fault");
    let raw = Raw::new(&emu);
    let req = signed_request(&emu, DEMO_USER_ID, "demo-approved");
    let started = Instant::now();
    let answer = raw.job_status(&req).await;
    // A lower bound only: the delay must have been applied.
    assert!(started.elapsed() >= Duration::from_millis(150));
    assert_eq!(answer.status, 503);
    assert_eq!(raw.job_status(&req).await.status, 200);
}

#[tokio::test]
async fn faults_scoped_to_a_job_or_user() {
    let emu = Emulator::start().await.expect("starts");
    emu.set_fault(
        FaultSpec::http_error(500, "2201", "System error").for_job(DEMO_USER_ID, "demo-rejected"),
    )
    .expect("fault");
    emu.set_fault(FaultSpec::http_error(403, "2220", "not enabled").for_user("other-user"))
        .expect("fault");
    let raw = Raw::new(&emu);
    for _ in 0..2 {
        let r = raw
            .job_status(&signed_request(&emu, DEMO_USER_ID, "demo-rejected"))
            .await;
        assert_eq!(r.status, 500);
        let r = raw
            .job_status(&signed_request(&emu, DEMO_USER_ID, "demo-approved"))
            .await;
        assert_eq!(r.status, 200);
        let r = raw
            .job_status(&signed_request(&emu, "other-user", "x"))
            .await;
        assert_eq!(r.status, 403);
        assert_eq!(r.json()["code"], "2220");
    }
    let faults = emu.faults();
    assert_eq!(faults.len(), 2);
    assert_eq!(faults[0].hits, 2);
    assert_eq!(faults[0].remaining, None);
    assert!(emu.remove_fault(faults[0].id));
    assert!(!emu.remove_fault(faults[0].id));
    emu.clear_faults();
    assert!(emu.faults().is_empty());
    let r = raw
        .job_status(&signed_request(&emu, DEMO_USER_ID, "demo-rejected"))
        .await;
    assert_eq!(r.status, 200);
}

#[tokio::test]
async fn faults_apply_before_authentication_but_not_to_admin() {
    let emu = Emulator::start().await.expect("starts");
    emu.set_fault(FaultSpec::html_502()).expect("fault");
    let raw = Raw::new(&emu);
    let answer = raw.job_status(&json!({"nonsense": true})).await;
    assert_eq!(answer.status, 502);
    let admin = raw.admin(Method::GET, "/faults", None).await;
    assert_eq!(admin.status, 200);
}

#[tokio::test]
async fn faulted_requests_do_not_count_as_polls() {
    let emu = Emulator::start().await.expect("starts");
    emu.set_fault(FaultSpec::http_error(500, "2201", "x").count(2))
        .expect("fault");
    let raw = Raw::new(&emu);
    let req = signed_request(&emu, DEMO_USER_ID, "demo-pending");
    for _ in 0..2 {
        assert_eq!(raw.job_status(&req).await.status, 500);
    }
    assert_eq!(
        emu.job(DEMO_USER_ID, "demo-pending").map(|j| j.polls),
        Some(0)
    );
    for expected in [false, false, true] {
        assert_eq!(raw.job_status(&req).await.json()["job_complete"], expected);
    }
}

#[tokio::test]
async fn invalid_faults_are_refused() {
    let emu = Emulator::start().await.expect("starts");
    assert!(emu.set_fault(FaultSpec::http_error(99, "x", "y")).is_err());
    assert!(emu.set_fault(FaultSpec::http_error(700, "x", "y")).is_err());
    // Statuses that cannot carry the JSON error body.
    for status in [204, 205, 304] {
        let refused = emu.set_fault(FaultSpec::http_error(status, "2201", "System error"));
        assert!(
            matches!(refused, Err(EmulatorError::InvalidFault(ref m)) if m.contains("body")),
            "{status}: {refused:?}"
        );
    }
    assert!(emu.set_fault(FaultSpec::html_502().count(0)).is_err());
    assert!(emu.faults().is_empty());
}

#[tokio::test]
async fn faults_over_the_admin_api() {
    let emu = Emulator::start().await.expect("starts");
    let raw = Raw::new(&emu);
    let created = raw
        .admin(
            Method::POST,
            "/faults",
            Some(json!({"kind": "http_error", "status": 503, "code": "2201", "message": "down", "count": 1})),
        )
        .await;
    assert_eq!(created.status, 201);
    let id = created.json()["id"].as_u64().expect("an id");
    let listed = raw.admin(Method::GET, "/faults", None).await.json();
    assert_eq!(listed["faults"][0]["id"], id);
    assert_eq!(listed["faults"][0]["kind"], "http_error");
    assert_eq!(listed["faults"][0]["remaining"], 1);
    let req = signed_request(&emu, DEMO_USER_ID, "demo-approved");
    assert_eq!(raw.job_status(&req).await.status, 503);
    assert_eq!(raw.job_status(&req).await.status, 200);

    // A list at once; then delete one by id and all.
    let created = raw
        .admin(
            Method::POST,
            "/faults",
            Some(json!([
                {"kind": "rate_limited", "retry_after_secs": 1},
                {"kind": "latency", "delay_ms": 1, "user_id": "u", "job_id": "j"},
                {"kind": "wrong_signature"},
                {"kind": "drop_connection", "count": 2},
                {"kind": "truncated_body"},
                {"kind": "html_502"}
            ])),
        )
        .await;
    assert_eq!(created.status, 201);
    let ids: Vec<u64> = created.json()["faults"]
        .as_array()
        .map(|a| a.iter().filter_map(|f| f["id"].as_u64()).collect())
        .unwrap_or_default();
    assert_eq!(ids.len(), 6);
    assert!(matches!(
        emu.faults()[1].spec.kind,
        FaultKind::Latency(d) if d == Duration::from_millis(1)
    ));
    let deleted = raw
        .admin(Method::DELETE, &format!("/faults/{}", ids[0]), None)
        .await;
    assert_eq!(deleted.status, 204);
    let again = raw
        .admin(Method::DELETE, &format!("/faults/{}", ids[0]), None)
        .await;
    assert_eq!(again.status, 404);
    assert_eq!(raw.admin(Method::DELETE, "/faults", None).await.status, 204);
    assert!(emu.faults().is_empty());

    // Invalid faults get 400 with a reason.
    for bad in [
        json!({"kind": "nope"}),
        json!({"kind": "http_error"}),
        json!({"kind": "latency", "delay_ms": "slow"}),
        json!([{"kind": "html_502"}, {"kind": "bogus"}]),
    ] {
        let answer = raw.admin(Method::POST, "/faults", Some(bad.clone())).await;
        assert_eq!(answer.status, 400, "{bad}");
        assert!(
            answer.json()["error"]
                .as_str()
                .is_some_and(|e| !e.is_empty())
        );
    }
}

#[tokio::test]
async fn a_fault_can_target_an_endpoint() {
    let emu = Emulator::start().await.expect("starts");
    let info = emu
        .set_fault(FaultSpec::http_error(503, "2201", "System error").for_endpoint("job_status"))
        .expect("fault");
    assert_eq!(info.spec.endpoint.as_deref(), Some("job_status"));
    let raw = Raw::new(&emu);
    let answer = raw
        .job_status(&signed_request(&emu, DEMO_USER_ID, "demo-approved"))
        .await;
    assert_eq!(answer.status, 503);
    // Requests outside `/v1` never meet a fault.
    let health = raw
        .send(
            Method::GET,
            &format!("{}/healthz", emu.admin_url().trim_end_matches("/admin")),
            Vec::new(),
        )
        .await;
    assert_eq!(health.status, 200);
    assert_eq!(emu.faults()[0].hits, 1);
}

#[tokio::test]
async fn an_unknown_endpoint_is_refused() {
    let emu = Emulator::start().await.expect("starts");
    let err = emu
        .set_fault(FaultSpec::drop_connection().for_endpoint("jobstatus"))
        .expect_err("no such endpoint");
    match err {
        EmulatorError::InvalidFault(message) => {
            assert!(
                message.contains("unknown endpoint `jobstatus`"),
                "{message}"
            );
            assert!(message.contains("job_status"), "{message}");
        }
        other => panic!("expected InvalidFault, got {other:?}"),
    }
    // The same over the admin API, from JSON.
    let raw = Raw::new(&emu);
    let answer = raw
        .send(
            Method::POST,
            &format!("{}/faults", emu.admin_url()),
            serde_json::to_vec(&json!({"kind": "html_502", "endpoint": "nope"})).expect("json"),
        )
        .await;
    assert_eq!(answer.status, 400);
    assert!(emu.faults().is_empty());
}
