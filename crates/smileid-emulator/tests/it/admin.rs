//! The admin API, seeds and reset.

use crate::common::{Raw, signed_request};
use http::Method;
use serde_json::{Value, json};
use smileid_emulator::{DEMO_USER_ID, Emulator, EmulatorError, JobSpec, Seed};

#[tokio::test]
async fn admin_info_and_job_listing() {
    let emu = Emulator::start().await.expect("starts");
    let raw = Raw::new(&emu);
    let info = raw.admin(Method::GET, "", None).await.json();
    assert_eq!(info["partner_id"], "001");
    assert_eq!(info["base_url"], emu.base_url());
    assert_eq!(info["tls"], false);
    assert!(
        !info.to_string().contains(emu.api_key()),
        "no API key in admin info"
    );
    let jobs = raw.admin(Method::GET, "/jobs", None).await.json();
    let ids: Vec<&str> = jobs["jobs"]
        .as_array()
        .map(|a| a.iter().filter_map(|j| j["job_id"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        ids,
        [
            "demo-approved",
            "demo-error",
            "demo-pending",
            "demo-provisional",
            "demo-rejected"
        ]
    );
    let one = raw
        .admin(Method::GET, "/jobs/demo-user/demo-pending", None)
        .await
        .json();
    assert_eq!(one["complete"], false);
    assert_eq!(one["polls"], 0);
    assert_eq!(one["complete_after_polls"], 2);
    assert_eq!(one["result"]["ResultCode"], "0810");
    assert_eq!(
        raw.admin(Method::GET, "/jobs/demo-user/nope", None)
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn create_read_delete_jobs() {
    let emu = Emulator::start().await.expect("starts");
    let raw = Raw::new(&emu);
    let created = raw
        .admin(
            Method::POST,
            "/jobs",
            Some(json!({"user_id": "u1", "job_id": "j1", "job_type": 7, "outcome": "approved"})),
        )
        .await;
    assert_eq!(created.status, 201);
    let created = created.json();
    assert_eq!(created["result"]["ResultType"], "Business Verification");
    assert_eq!(created["job_success"], true);
    let body = raw
        .job_status(&signed_request(&emu, "u1", "j1"))
        .await
        .json();
    assert_eq!(body["result"]["Actions"]["Verify_Business"], "Verified");

    // Replacing a job resets it.
    let replaced = raw
        .admin(
            Method::POST,
            "/jobs",
            Some(json!({"user_id": "u1", "job_id": "j1", "outcome": "error"})),
        )
        .await
        .json();
    assert_eq!(replaced["result"]["ResultCode"], "1015");
    assert_eq!(replaced["polls"], 0);

    assert_eq!(
        raw.admin(Method::DELETE, "/jobs/u1/j1", None).await.status,
        204
    );
    assert_eq!(
        raw.admin(Method::DELETE, "/jobs/u1/j1", None).await.status,
        404
    );
    let body = raw
        .job_status(&signed_request(&emu, "u1", "j1"))
        .await
        .json();
    assert_eq!(body["code"], "2314");

    // Several at once.
    let many = raw
        .admin(
            Method::POST,
            "/jobs",
            Some(json!([
                {"user_id": "u2", "job_id": "a"},
                {"user_id": "u2", "job_id": "b", "result": {"ResultCode": "1022", "ResultText": "No Match"}}
            ])),
        )
        .await;
    assert_eq!(many.status, 201);
    assert_eq!(many.json()["jobs"].as_array().map(Vec::len), Some(2));
    let b = emu.job("u2", "b").expect("exists");
    assert!(!b.job_success);
    assert_eq!(
        b.result["PartnerParams"]["job_id"], "b",
        "PartnerParams added"
    );
}

#[tokio::test]
async fn invalid_admin_requests_get_400_and_change_nothing() {
    let emu = Emulator::start().await.expect("starts");
    let raw = Raw::new(&emu);
    let before = emu.jobs().len();
    for bad in [
        json!({"user_id": "u"}),
        json!({"user_id": "", "job_id": "j"}),
        json!({"user_id": "u", "job_id": "j", "outcome": "great"}),
        json!({"user_id": "u", "job_id": "j", "result": "text"}),
        json!({"user_id": "u", "job_id": "j", "callback_url": "ftp://x"}),
        json!({"user_id": "u", "job_id": "j", "unknown_field": 1}),
        json!([{"user_id": "ok", "job_id": "ok"}, {"user_id": "u", "job_id": ""}]),
    ] {
        let answer = raw.admin(Method::POST, "/jobs", Some(bad.clone())).await;
        assert_eq!(answer.status, 400, "{bad}");
        assert_eq!(answer.json()["code"], "400");
    }
    assert_eq!(emu.jobs().len(), before);
    let url = format!("{}/jobs", raw.admin);
    let answer = raw.send(Method::POST, &url, b"{oops".to_vec()).await;
    assert_eq!(answer.status, 400);
    assert_eq!(raw.admin(Method::PUT, "/jobs", None).await.status, 405);
    assert_eq!(raw.admin(Method::GET, "/reset", None).await.status, 405);
    assert_eq!(
        raw.admin(Method::GET, "/jobs/%zz/x", None).await.status,
        400
    );
    assert_eq!(
        raw.admin(Method::DELETE, "/faults/abc", None).await.status,
        400
    );
}

#[tokio::test]
async fn reset_restores_the_start_state() {
    let emu = Emulator::builder()
        .seed_json(r#"{"jobs": [{"user_id": "s", "job_id": "seeded"}], "faults": [{"kind": "latency", "delay_ms": 1}]}"#)
        .start()
        .await
        .expect("starts");
    let raw = Raw::new(&emu);
    let req = signed_request(&emu, DEMO_USER_ID, "demo-pending");
    for _ in 0..3 {
        raw.job_status(&req).await;
    }
    assert!(
        emu.job(DEMO_USER_ID, "demo-pending")
            .is_some_and(|j| j.complete)
    );
    emu.add_job(JobSpec::new("x", "y")).expect("added");
    emu.clear_faults();
    emu.remove_job("s", "seeded");

    assert_eq!(raw.admin(Method::POST, "/reset", None).await.status, 204);
    let pending = emu.job(DEMO_USER_ID, "demo-pending").expect("exists");
    assert!(!pending.complete);
    assert_eq!(pending.polls, 0);
    assert!(emu.job("x", "y").is_none());
    assert!(emu.job("s", "seeded").is_some());
    assert_eq!(emu.faults().len(), 1);
    assert_eq!(raw.job_status(&req).await.json()["job_complete"], false);
    // SmileJobIDs are assigned the same way after a reset.
    let first = emu
        .job(DEMO_USER_ID, "demo-approved")
        .map(|j| j.smile_job_id);
    emu.reset().expect("reset");
    assert_eq!(
        emu.job(DEMO_USER_ID, "demo-approved")
            .map(|j| j.smile_job_id),
        first
    );
}

#[tokio::test]
async fn seed_file_and_seed_value() {
    let dir = std::env::temp_dir().join(format!("smileid-emulator-seed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("seed.json");
    std::fs::write(
        &path,
        r#"{
          "demo_jobs": false,
          "jobs": [
            {"user_id": "file-user", "job_id": "kyc", "job_type": 5, "outcome": "rejected"},
            {"user_id": "file-user", "job_id": "slow", "complete_after_polls": 1,
             "history": [], "image_links": {"selfie_image": "https://img.invalid/1"}}
          ],
          "faults": [{"kind": "http_error", "status": 500, "code": "2201", "message": "x", "job_id": "kyc", "count": 1}]
        }"#,
    )
    .expect("seed written");
    let emu = Emulator::builder()
        .seed_file(&path)
        .seed(Seed::default())
        .start()
        .await
        .expect("starts");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        emu.job(DEMO_USER_ID, "demo-approved").is_none(),
        "demo jobs off"
    );
    assert_eq!(emu.jobs().len(), 2);
    let raw = Raw::new(&emu);
    let req = signed_request(&emu, "file-user", "kyc");
    assert_eq!(raw.job_status(&req).await.status, 500);
    let body = raw.job_status(&req).await.json();
    assert_eq!(body["result"]["ResultCode"], "1013");
    let mut req = signed_request(&emu, "file-user", "slow");
    req["image_links"] = json!(true);
    req["history"] = json!(true);
    assert_eq!(raw.job_status(&req).await.json()["job_complete"], false);
    let body = raw.job_status(&req).await.json();
    assert_eq!(body["history"], json!([]));
    assert_eq!(
        body["image_links"],
        json!({"selfie_image": "https://img.invalid/1"})
    );
}

#[tokio::test]
async fn bad_seeds_fail_start_with_a_clear_error() {
    let missing = Emulator::builder()
        .seed_file("/nonexistent/seed.json")
        .start()
        .await;
    assert!(matches!(missing, Err(EmulatorError::SeedFile { .. })));
    let invalid = Emulator::builder().seed_json("{not json").start().await;
    assert!(matches!(invalid, Err(EmulatorError::Seed { .. })));
    let unknown = Emulator::builder()
        .seed_json(r#"{"jobz": []}"#)
        .start()
        .await;
    assert!(matches!(unknown, Err(EmulatorError::Seed { .. })));
    let bad_job = Emulator::builder()
        .seed_json(r#"{"jobs": [{"user_id": "u", "job_id": "j", "result": []}]}"#)
        .start()
        .await;
    assert!(matches!(bad_job, Err(EmulatorError::InvalidJob { .. })));
    let err = Emulator::builder()
        .seed_json("[")
        .start()
        .await
        .expect_err("fails");
    assert!(err.to_string().contains("seed"));
}

#[tokio::test]
async fn ca_certificate_over_admin_and_to_a_file() {
    let emu = Emulator::start_tls().await.expect("starts");
    let raw = Raw::new(&emu);
    let pem = raw.admin(Method::GET, "/ca.pem", None).await;
    assert_eq!(pem.status, 200);
    assert_eq!(std::str::from_utf8(&pem.body).ok(), emu.ca_cert_pem());
    let path = std::env::temp_dir().join(format!("smileid-emulator-ca-{}.pem", std::process::id()));
    emu.write_ca_cert(&path).expect("written");
    let written = std::fs::read_to_string(&path).expect("readable");
    let _ = std::fs::remove_file(&path);
    assert_eq!(Some(written.as_str()), emu.ca_cert_pem());

    let plain = Emulator::start().await.expect("starts");
    assert!(matches!(
        plain.write_ca_cert(&path),
        Err(EmulatorError::TlsDisabled)
    ));
    let raw = Raw::new(&plain);
    assert_eq!(raw.admin(Method::GET, "/ca.pem", None).await.status, 404);
}

#[tokio::test]
async fn healthz() {
    let emu = Emulator::start().await.expect("starts");
    let raw = Raw::new(&emu);
    let url = emu.base_url().replace("/v1", "/healthz");
    let answer = raw.send(Method::GET, &url, Vec::new()).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.json(), json!({"status": "ok"}));
    let _: Value = answer.json();
}
