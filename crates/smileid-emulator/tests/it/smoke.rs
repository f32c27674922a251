//! Starting emulators and reading demo jobs over HTTP and HTTPS.

use crate::common::{Raw, assert_signed, signed_request};
use smileid_emulator::Emulator;

#[tokio::test]
async fn plain_http_demo_approved() {
    let emu = Emulator::start().await.expect("starts");
    assert!(emu.base_url().starts_with("http://127.0.0.1:"));
    assert!(emu.base_url().ends_with("/v1"));
    assert!(emu.ca_cert_pem().is_none());
    let raw = Raw::new(&emu);
    let answer = raw
        .job_status(&signed_request(&emu, "demo-user", "demo-approved"))
        .await;
    assert_eq!(answer.status, 200);
    let body = answer.json();
    assert_signed(&emu, &body);
    assert_eq!(body["job_complete"], true);
    assert_eq!(body["job_success"], true);
    assert_eq!(body["code"], "2302");
    assert_eq!(body["result"]["ResultCode"], "0810");
    assert!(body.get("history").is_none());
    assert!(body.get("image_links").is_none());
}

#[tokio::test]
async fn tls_demo_approved_over_http1_and_http2() {
    let emu = Emulator::start_tls().await.expect("starts");
    assert!(emu.base_url().starts_with("https://127.0.0.1:"));
    assert!(
        emu.ca_cert_pem()
            .is_some_and(|p| p.contains("BEGIN CERTIFICATE"))
    );
    for h2 in [false, true] {
        let raw = Raw::with_version(&emu, h2);
        let answer = raw
            .job_status(&signed_request(&emu, "demo-user", "demo-approved"))
            .await;
        assert_eq!(answer.status, 200, "h2={h2}");
        let body = answer.json();
        assert_signed(&emu, &body);
        assert_eq!(body["result"]["ResultCode"], "0810");
    }
}
