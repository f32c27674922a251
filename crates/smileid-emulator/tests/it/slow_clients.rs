//! Slow or silent clients are disconnected after the read timeout.

use std::time::Duration;

use crate::common::{Raw, signed_request};
use smileid_emulator::{DEMO_USER_ID, Emulator, EmulatorHandle};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn quick_emulator(tls: bool) -> EmulatorHandle {
    Emulator::builder()
        .tls(tls)
        .read_timeout(Duration::from_millis(200))
        .start()
        .await
        .expect("starts")
}

/// Reads until the server closes; fails the test if it never does.
async fn read_until_closed(stream: &mut tokio::net::TcpStream) -> Vec<u8> {
    let mut out = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut out)).await;
    assert!(closed.is_ok(), "the server kept the connection open");
    out
}

#[tokio::test]
async fn silent_connection_is_closed() {
    for tls in [false, true] {
        let emu = quick_emulator(tls).await;
        let mut stream = tokio::net::TcpStream::connect(emu.addr())
            .await
            .expect("connects");
        let got = read_until_closed(&mut stream).await;
        assert!(
            got.is_empty() || !got.starts_with(b"HTTP/1.1 200"),
            "tls={tls}"
        );
    }
}

#[tokio::test]
async fn partial_request_head_is_closed() {
    let emu = quick_emulator(false).await;
    let mut stream = tokio::net::TcpStream::connect(emu.addr())
        .await
        .expect("connects");
    // More than the 24 bytes of version detection, but no end of head.
    stream
        .write_all(b"POST /v1/job_status HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        .await
        .expect("writes");
    let got = read_until_closed(&mut stream).await;
    assert!(!got.starts_with(b"HTTP/1.1 200"));
}

#[tokio::test]
async fn a_few_bytes_then_nothing_is_closed() {
    let emu = quick_emulator(false).await;
    let mut stream = tokio::net::TcpStream::connect(emu.addr())
        .await
        .expect("connects");
    stream.write_all(b"PRI * HT").await.expect("writes");
    read_until_closed(&mut stream).await;
}

#[tokio::test]
async fn slow_body_gets_408() {
    let emu = quick_emulator(false).await;
    let mut stream = tokio::net::TcpStream::connect(emu.addr())
        .await
        .expect("connects");
    stream
        .write_all(b"POST /v1/job_status HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"partner_id\"")
        .await
        .expect("writes");
    let got = read_until_closed(&mut stream).await;
    let text = String::from_utf8_lossy(&got);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(text.contains("\"code\":\"408\""), "{text}");
}

#[tokio::test]
async fn normal_clients_are_unaffected() {
    let emu = quick_emulator(true).await;
    let raw = Raw::new(&emu);
    let req = signed_request(&emu, DEMO_USER_ID, "demo-approved");
    assert_eq!(raw.job_status(&req).await.status, 200);
    // An idle pooled connection may be closed by the server meanwhile; the
    // next request still succeeds.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(raw.job_status(&req).await.status, 200);
}
