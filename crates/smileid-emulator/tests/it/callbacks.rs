//! Callback delivery: signed bodies, retries, the delivery log.

use std::time::Duration;

use crate::common::{Raw, Receiver, signed_request};
use http::Method;
use serde_json::{Value, json};
use smileid_emulator::{Emulator, JobSpec, PresetOutcome};
use smileid_types::CallbackBody;

const WAIT: Duration = Duration::from_secs(10);

#[tokio::test]
async fn completed_job_posts_a_signed_flat_result() {
    let receiver = Receiver::start(vec![]).await;
    let emu = Emulator::start().await.expect("starts");
    emu.add_job(
        JobSpec::new("cb-user", "cb-job")
            .job_type(5)
            .outcome(PresetOutcome::Approved)
            .complete_after_polls(1)
            .callback_url(&receiver.url),
    )
    .expect("added");
    let raw = Raw::new(&emu);
    let req = signed_request(&emu, "cb-user", "cb-job");
    assert_eq!(raw.job_status(&req).await.json()["job_complete"], false);
    assert!(
        emu.callback_deliveries().is_empty(),
        "no callback before completion"
    );
    assert_eq!(raw.job_status(&req).await.json()["job_complete"], true);

    let log = emu.wait_for_callback_deliveries(1, WAIT).await;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].url, receiver.url);
    assert_eq!(log[0].attempt, 1);
    assert_eq!(log[0].status, Some(200));
    assert!(log[0].delivered);
    assert_eq!(log[0].job_id, "cb-job");

    let bodies = receiver.bodies();
    assert_eq!(bodies.len(), 1);
    let body: Value = serde_json::from_slice(&bodies[0]).expect("JSON");
    assert_eq!(body["ResultCode"], "1012");
    assert_eq!(body["PartnerParams"]["job_id"], "cb-job");
    let ts = body["timestamp"].as_str().expect("timestamp");
    let sig = body["signature"].as_str().expect("signature");
    assert!(emu.signer().verify(ts, sig).is_ok());
    let parsed = CallbackBody::from_slice(&bodies[0]).expect("decodes as a callback");
    assert_eq!(parsed.timestamp, ts);

    // More polls do not send it again.
    raw.job_status(&req).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(receiver.bodies().len(), 1);
}

#[tokio::test]
async fn failing_receiver_is_retried_with_backoff() {
    let receiver = Receiver::start(vec![500, 503]).await;
    let emu = Emulator::builder()
        .callback_backoff(Duration::from_millis(10))
        .start()
        .await
        .expect("starts");
    emu.add_job(JobSpec::new("u", "j").callback_url(&receiver.url))
        .expect("added");
    let log = emu.wait_for_callback_deliveries(3, WAIT).await;
    assert_eq!(log.len(), 3, "{log:?}");
    assert_eq!(
        log.iter()
            .map(|d| (d.attempt, d.status, d.delivered))
            .collect::<Vec<_>>(),
        vec![
            (1, Some(500), false),
            (2, Some(503), false),
            (3, Some(200), true)
        ]
    );
    assert_eq!(receiver.bodies().len(), 3);
    // Each attempt is signed anew and verifies.
    for body in receiver.bodies() {
        let body: Value = serde_json::from_slice(&body).expect("JSON");
        let ok = emu.signer().verify(
            body["timestamp"].as_str().unwrap_or(""),
            body["signature"].as_str().unwrap_or(""),
        );
        assert!(ok.is_ok());
    }
}

#[tokio::test]
async fn unreachable_receiver_gives_up_after_the_last_attempt() {
    // A port with nothing listening.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binds");
    let url = format!("http://{}/cb", closed.local_addr().expect("addr"));
    drop(closed);
    let emu = Emulator::builder()
        .callback_attempts(3)
        .callback_backoff(Duration::from_millis(5))
        .start()
        .await
        .expect("starts");
    emu.add_job(JobSpec::new("u", "j").callback_url(&url))
        .expect("added");
    let log = emu.wait_for_callback_deliveries(3, WAIT).await;
    assert_eq!(log.len(), 3);
    assert!(
        log.iter()
            .all(|d| !d.delivered && d.status.is_none() && d.error.is_some())
    );
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(emu.callback_deliveries().len(), 3, "no fourth attempt");
}

#[tokio::test]
async fn slow_receiver_times_out_per_attempt() {
    // Accepts connections but never answers.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binds");
    let url = format!("http://{}/cb", silent.local_addr().expect("addr"));
    let hold = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((s, _)) = silent.accept().await {
            held.push(s);
        }
    });
    let emu = Emulator::builder()
        .callback_attempts(2)
        .callback_backoff(Duration::from_millis(5))
        .callback_timeout(Duration::from_millis(100))
        .start()
        .await
        .expect("starts");
    emu.add_job(JobSpec::new("u", "j").callback_url(&url))
        .expect("added");
    let log = emu.wait_for_callback_deliveries(2, WAIT).await;
    assert_eq!(log.len(), 2);
    assert!(
        log.iter()
            .all(|d| d.error.as_deref().is_some_and(|e| e.contains("timed out")))
    );
    hold.abort();
}

#[tokio::test]
async fn an_endless_receiver_answer_is_not_read_to_its_end() {
    // Answers 200 with a chunked body that never ends.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binds");
    let url = format!("http://{}/cb", listener.local_addr().expect("addr"));
    let endless = tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut request = [0u8; 4096];
                let _ = stream.read(&mut request).await;
                let head = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
                if stream.write_all(head).await.is_err() {
                    return;
                }
                let chunk = format!("4000\r\n{}\r\n", "x".repeat(0x4000));
                while stream.write_all(chunk.as_bytes()).await.is_ok() {}
            });
        }
    });
    // Without the cap, the attempt would end only at this deadline, as a
    // timeout.
    let emu = Emulator::builder()
        .callback_attempts(1)
        .callback_timeout(Duration::from_secs(30))
        .start()
        .await
        .expect("starts");
    emu.add_job(JobSpec::new("u", "j").callback_url(&url))
        .expect("added");
    let log = emu.wait_for_callback_deliveries(1, WAIT).await;
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!((log[0].status, log[0].delivered), (Some(200), true));
    assert_eq!(log[0].error, None);
    endless.abort();
}

#[tokio::test]
async fn responses_are_not_delayed_by_callbacks() {
    // The receiver never answers; the status answer must still come at once.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binds");
    let url = format!("http://{}/cb", silent.local_addr().expect("addr"));
    let emu = Emulator::builder()
        .callback_timeout(Duration::from_secs(30))
        .start()
        .await
        .expect("starts");
    emu.add_job(
        JobSpec::new("u", "j")
            .complete_after_polls(0)
            .callback_url(&url),
    )
    .expect("added");
    let raw = Raw::new(&emu);
    let answer = tokio::time::timeout(
        Duration::from_secs(5),
        raw.job_status(&signed_request(&emu, "u", "j")),
    )
    .await
    .expect("answered while the callback hangs");
    assert_eq!(answer.json()["job_complete"], true);
    drop(silent);
}

#[tokio::test]
async fn callbacks_over_the_admin_api_and_forced_completion() {
    let receiver = Receiver::start(vec![]).await;
    let emu = Emulator::start().await.expect("starts");
    let raw = Raw::new(&emu);
    let created = raw
        .admin(
            Method::POST,
            "/jobs",
            Some(json!({
                "user_id": "admin user",
                "job_id": "job/1",
                "job_type": 1,
                "outcome": "rejected",
                "complete_after_polls": 100,
                "callback_url": receiver.url,
            })),
        )
        .await;
    assert_eq!(created.status, 201);
    assert_eq!(created.json()["complete"], false);
    let completed = raw
        .admin(Method::POST, "/jobs/admin%20user/job%2F1/complete", None)
        .await;
    assert_eq!(completed.status, 200);
    assert_eq!(completed.json()["complete"], true);
    let log = emu.wait_for_callback_deliveries(1, WAIT).await;
    assert_eq!(log.len(), 1);
    let listed = raw.admin(Method::GET, "/callbacks", None).await.json();
    assert_eq!(listed["deliveries"][0]["url"], receiver.url);
    assert_eq!(listed["deliveries"][0]["status"], 200);
    assert_eq!(listed["deliveries"][0]["delivered"], true);
    assert_eq!(listed["deliveries"][0]["attempt"], 1);
    assert!(listed["deliveries"][0]["at"].is_string());
    let body: Value = serde_json::from_slice(&receiver.bodies()[0]).expect("JSON");
    assert_eq!(body["ResultCode"], "0811");
    assert_eq!(
        raw.admin(Method::DELETE, "/callbacks", None).await.status,
        204
    );
    assert!(emu.callback_deliveries().is_empty());
}

#[tokio::test]
async fn invalid_callback_urls_are_refused() {
    let emu = Emulator::start().await.expect("starts");
    for url in ["ftp://x/y", "not a url", "/relative", "http://"] {
        assert!(
            emu.add_job(JobSpec::new("u", "j").callback_url(url))
                .is_err(),
            "{url}"
        );
    }
}
