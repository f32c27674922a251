//! Authentication and malformed requests: JSON errors with Smile ID codes.

use crate::common::{Raw, signed_request};
use http::Method;
use serde_json::{Value, json};
use smileid_emulator::{DEMO_USER_ID, Emulator, MAX_REQUEST_BODY};
use smileid_types::ApiErrorBody;

fn assert_error(answer: &crate::common::Answer, status: u16, code: &str) {
    assert_eq!(
        answer.status,
        status,
        "body: {}",
        String::from_utf8_lossy(&answer.body)
    );
    let body: Value = answer.json();
    assert_eq!(body["code"], code, "{body}");
    assert!(
        body["error"].as_str().is_some_and(|e| !e.is_empty()),
        "{body}"
    );
    let parsed = ApiErrorBody::from_slice(&answer.body).expect("error body decodes");
    assert_eq!(parsed.code_str(), Some(code));
}

#[tokio::test]
async fn bad_signature_is_2205() {
    let emu = Emulator::start().await.expect("starts");
    let raw = Raw::new(&emu);

    let mut req = signed_request(&emu, DEMO_USER_ID, "demo-approved");
    req["signature"] = json!("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
    let answer = raw.job_status(&req).await;
    assert_error(&answer, 401, "2205");
    assert_eq!(answer.json()["error"], "You're not authorized to do that");

    // Malformed base64.
    req["signature"] = json!("not base64!");
    assert_error(&raw.job_status(&req).await, 401, "2205");

    // A timestamp other than the signed one.
    let mut req = signed_request(&emu, DEMO_USER_ID, "demo-approved");
    req["timestamp"] = json!("2020-01-01T00:00:00.000Z");
    assert_error(&raw.job_status(&req).await, 401, "2205");
}

#[tokio::test]
async fn signature_from_another_key_or_partner_is_2205() {
    let emu = Emulator::start().await.expect("starts");
    let raw = Raw::new(&emu);
    let other = smileid_sign::Signer::new(emu.partner_id(), "another-key").expect("signer");
    let signed = other.sign("2026-08-21T12:00:00.000Z");
    let req = json!({
        "partner_id": emu.partner_id(),
        "timestamp": signed.timestamp,
        "signature": signed.signature,
        "user_id": DEMO_USER_ID,
        "job_id": "demo-approved",
    });
    assert_error(&raw.job_status(&req).await, 401, "2205");

    // Unknown partner, even with a signature valid for that partner and key.
    let other = smileid_sign::Signer::new("999", emu.api_key()).expect("signer");
    let signed = other.sign("2026-08-21T12:00:00.000Z");
    let req = json!({
        "partner_id": "999",
        "timestamp": signed.timestamp,
        "signature": signed.signature,
        "user_id": DEMO_USER_ID,
        "job_id": "demo-approved",
    });
    assert_error(&raw.job_status(&req).await, 401, "2205");
}

#[tokio::test]
async fn any_timestamp_text_is_accepted_when_signed() {
    let emu = Emulator::start().await.expect("starts");
    let raw = Raw::new(&emu);
    for ts in [
        "2026-08-21T12:00:00.000Z",
        "2026-08-21T12:00:00.000000+00:00",
        "1678216434434",
        "2019-10-10T12:32:04.622Z",
    ] {
        let signed = emu.signer().sign(ts);
        let req = json!({
            "partner_id": emu.partner_id(),
            "timestamp": signed.timestamp,
            "signature": signed.signature,
            "user_id": DEMO_USER_ID,
            "job_id": "demo-approved",
        });
        assert_eq!(raw.job_status(&req).await.status, 200, "{ts}");
    }
}

#[tokio::test]
async fn custom_credentials_and_zero_padded_partner_id() {
    let emu = Emulator::builder()
        .partner_id("085")
        .api_key("test-api-key")
        .start()
        .await
        .expect("starts");
    let raw = Raw::new(&emu);
    // Vector from the shared signature vectors.
    let req = json!({
        "partner_id": "085",
        "timestamp": "2023-12-17T01:41:13.845Z",
        "signature": "+U1f5f/xm4nnLIHpqkMIg+uuSIrvpy4WOhs1CnLrnes=",
        "user_id": DEMO_USER_ID,
        "job_id": "demo-approved",
    });
    assert_eq!(raw.job_status(&req).await.status, 200);
    // "85" is another partner.
    let req = json!({
        "partner_id": "85",
        "timestamp": "2023-12-17T01:41:13.845Z",
        "signature": "8Gwrt2BdZqI4JGbzEE56M3n67PfYEPCCqXNA17FEu1s=",
        "user_id": DEMO_USER_ID,
        "job_id": "demo-approved",
    });
    assert_error(&raw.job_status(&req).await, 401, "2205");
}

#[tokio::test]
async fn missing_fields_are_2213() {
    let emu = Emulator::start().await.expect("starts");
    let raw = Raw::new(&emu);
    for field in ["partner_id", "timestamp", "signature", "user_id", "job_id"] {
        let mut req = signed_request(&emu, DEMO_USER_ID, "demo-approved");
        req.as_object_mut().map(|o| o.remove(field));
        let answer = raw.job_status(&req).await;
        assert_error(&answer, 400, "2213");
        assert!(
            answer.json()["error"]
                .as_str()
                .unwrap_or("")
                .contains(field),
            "{field}"
        );
        // null counts as missing.
        let mut req = signed_request(&emu, DEMO_USER_ID, "demo-approved");
        req[field] = Value::Null;
        assert_error(&raw.job_status(&req).await, 400, "2213");
    }
    assert_error(&raw.job_status(&json!({})).await, 400, "2213");
}

#[tokio::test]
async fn invalid_json_is_2203_and_wrong_types_are_2204() {
    let emu = Emulator::start().await.expect("starts");
    let raw = Raw::new(&emu);
    let url = format!("{}/job_status", raw.base);
    for body in [
        &b""[..],
        b"{",
        b"not json",
        b"[1,2,3]",
        b"\"text\"",
        b"{\"partner_id\": \"001\",}",
        b"\xff\xfe",
    ] {
        let answer = raw.send(Method::POST, &url, body.to_vec()).await;
        assert_error(&answer, 400, "2203");
    }
    let mut req = signed_request(&emu, DEMO_USER_ID, "demo-approved");
    req["user_id"] = json!(42);
    assert_error(&raw.job_status(&req).await, 400, "2204");
    let mut req = signed_request(&emu, DEMO_USER_ID, "demo-approved");
    req["history"] = json!({"yes": true});
    assert_error(&raw.job_status(&req).await, 400, "2204");
}

#[tokio::test]
async fn oversized_bodies_are_413() {
    let emu = Emulator::start().await.expect("starts");
    let raw = Raw::new(&emu);
    let url = format!("{}/job_status", raw.base);
    let big = vec![b' '; MAX_REQUEST_BODY + 1];
    let answer = raw.send(Method::POST, &url, big).await;
    assert_error(&answer, 413, "413");
    // Exactly at the cap is read (and is then not valid JSON).
    let mut at_cap = b"{}".to_vec();
    at_cap.resize(MAX_REQUEST_BODY, b' ');
    assert_error(&raw.send(Method::POST, &url, at_cap).await, 400, "2213");
}

#[tokio::test]
async fn oversized_chunked_bodies_are_413_too() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let emu = Emulator::start().await.expect("starts");
    let mut stream = tokio::net::TcpStream::connect(emu.addr())
        .await
        .expect("connects");
    let head = "POST /v1/job_status HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
    stream.write_all(head.as_bytes()).await.expect("head");
    let chunk = vec![b' '; 64 * 1024];
    let mut sent = 0;
    // Keep sending until the server answers and stops reading.
    let mut answered = false;
    while sent <= MAX_REQUEST_BODY * 2 {
        let frame = format!("{:x}\r\n", chunk.len());
        if stream.write_all(frame.as_bytes()).await.is_err()
            || stream.write_all(&chunk).await.is_err()
            || stream.write_all(b"\r\n").await.is_err()
        {
            answered = true;
            break;
        }
        sent += chunk.len();
    }
    let mut response = Vec::new();
    let _ = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        stream.read_to_end(&mut response),
    )
    .await;
    let text = String::from_utf8_lossy(&response);
    assert!(
        text.starts_with("HTTP/1.1 413"),
        "answered={answered} {text}"
    );
}

#[tokio::test]
async fn unknown_paths_and_methods_get_json_errors() {
    let emu = Emulator::start().await.expect("starts");
    let raw = Raw::new(&emu);
    let base = raw.base.clone();
    let answer = raw
        .send(Method::GET, &format!("{base}/job_status"), Vec::new())
        .await;
    assert_error(&answer, 405, "405");
    assert_eq!(
        answer.headers.get("allow").and_then(|v| v.to_str().ok()),
        Some("POST")
    );
    for (method, path) in [
        (Method::POST, format!("{base}/nope")),
        (Method::GET, base.clone()),
        (Method::POST, format!("{base}/job_status/extra")),
        (Method::GET, base.replace("/v1", "/")),
        (Method::GET, format!("{}/nope", raw.admin)),
    ] {
        assert_error(&raw.send(method, &path, Vec::new()).await, 404, "404");
    }
}

#[tokio::test]
async fn garbage_on_the_socket_does_not_stop_the_server() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let emu = Emulator::start().await.expect("starts");
    for garbage in [
        &b"\x16\x03\x01\x00\x00garbage"[..],
        b"GET / HTTP/9.9\r\n\r\n",
        b"POST /v1/job_status HTTP/1.1\r\nContent-Length: nope\r\n\r\n",
        b"\r\n\r\n\r\n",
    ] {
        let mut stream = tokio::net::TcpStream::connect(emu.addr())
            .await
            .expect("connects");
        let _ = stream.write_all(garbage).await;
        let _ = stream.shutdown().await;
        let mut sink = Vec::new();
        let _ = tokio::time::timeout(
            std::time::Duration::from_secs(5),
            stream.read_to_end(&mut sink),
        )
        .await;
    }
    let raw = Raw::new(&emu);
    let answer = raw
        .job_status(&signed_request(&emu, DEMO_USER_ID, "demo-approved"))
        .await;
    assert_eq!(answer.status, 200);
}

#[tokio::test]
async fn plain_http_to_a_tls_emulator_fails_cleanly() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let emu = Emulator::start_tls().await.expect("starts");
    let mut stream = tokio::net::TcpStream::connect(emu.addr())
        .await
        .expect("connects");
    let _ = stream
        .write_all(b"POST /v1/job_status HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}")
        .await;
    let mut sink = Vec::new();
    let _ = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        stream.read_to_end(&mut sink),
    )
    .await;
    assert!(!sink.starts_with(b"HTTP/1.1 200"));
    let raw = Raw::new(&emu);
    let answer = raw
        .job_status(&signed_request(&emu, DEMO_USER_ID, "demo-approved"))
        .await;
    assert_eq!(answer.status, 200);
}

#[tokio::test]
async fn booleans_are_read_as_smileid_types_reads_them() {
    let emu = Emulator::start().await.expect("starts");
    let raw = Raw::new(&emu);
    for (value, with_history) in [
        (json!(true), true),
        (json!("true"), true),
        (json!(" True "), true),
        (json!(1), true),
        (json!(false), false),
        (json!("false"), false),
        (json!(0), false),
        (Value::Null, false),
    ] {
        let mut req = signed_request(&emu, DEMO_USER_ID, "demo-approved");
        req["history"] = value.clone();
        let answer = raw.job_status(&req).await;
        assert_eq!(answer.status, 200, "history {value}");
        assert_eq!(
            answer.json().get("history").is_some(),
            with_history,
            "history {value}"
        );
    }
    for value in [json!(2), json!("yes"), json!("")] {
        let mut req = signed_request(&emu, DEMO_USER_ID, "demo-approved");
        req["image_links"] = value;
        assert_error(&raw.job_status(&req).await, 400, "2204");
    }
}

#[tokio::test]
async fn a_wrong_type_wins_over_a_missing_field() {
    let emu = Emulator::start().await.expect("starts");
    let raw = Raw::new(&emu);
    let mut req = signed_request(&emu, DEMO_USER_ID, "demo-approved");
    req.as_object_mut().map(|o| o.remove("job_id"));
    req["partner_id"] = Value::Null;
    req["user_id"] = json!(7);
    assert_error(&raw.job_status(&req).await, 400, "2204");
    // Without the wrong type, every missing field is named.
    req["user_id"] = json!(DEMO_USER_ID);
    let answer = raw.job_status(&req).await;
    assert_error(&answer, 400, "2213");
    assert_eq!(
        answer.json()["error"],
        "A required parameter is missing: partner_id, job_id"
    );
}
