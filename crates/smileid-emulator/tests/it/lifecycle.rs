//! Many emulators, concurrency, shutdown and drop.

use std::time::Duration;

use crate::common::{Raw, signed_request};
use smileid_emulator::{DEMO_USER_ID, Emulator, EmulatorError, FaultSpec, JobSpec};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_are_all_answered_correctly() {
    let emu = Emulator::start_tls().await.expect("starts");
    emu.add_job(JobSpec::new("c", "slow").complete_after_polls(10_000))
        .expect("added");
    let raw = std::sync::Arc::new(Raw::new(&emu));
    let emu = std::sync::Arc::new(emu);
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..64 {
        let raw = std::sync::Arc::clone(&raw);
        let emu = std::sync::Arc::clone(&emu);
        tasks.spawn(async move {
            for j in 0..10 {
                let (user, job, code) = match (i + j) % 3 {
                    0 => (DEMO_USER_ID, "demo-approved", "2302"),
                    1 => (DEMO_USER_ID, "demo-rejected", "2302"),
                    _ => ("c", "slow", "2314"),
                };
                let body = raw
                    .job_status(&signed_request(&emu, user, job))
                    .await
                    .json();
                assert_eq!(body["code"], code);
                crate::common::assert_signed(&emu, &body);
            }
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.expect("task succeeded");
    }
    let polls = emu.job("c", "slow").map(|j| j.polls).unwrap_or(0);
    let expected = (0..64)
        .flat_map(|i| (0..10).map(move |j| (i + j) % 3))
        .filter(|k| *k == 2)
        .count();
    assert_eq!(polls as usize, expected, "every poll counted exactly once");
}

#[tokio::test]
async fn many_emulators_in_one_process() {
    let mut emulators = Vec::new();
    for i in 0..6 {
        let emu = Emulator::builder()
            .tls(i % 2 == 0)
            .partner_id(format!("{}", 100 + i))
            .start()
            .await
            .expect("starts");
        emulators.push(emu);
    }
    let mut ports: Vec<u16> = emulators.iter().map(|e| e.addr().port()).collect();
    ports.sort_unstable();
    ports.dedup();
    assert_eq!(ports.len(), 6);
    // Each has its own CA.
    let cas: Vec<&str> = emulators.iter().filter_map(|e| e.ca_cert_pem()).collect();
    assert_eq!(cas.len(), 3);
    assert_ne!(cas[0], cas[1]);
    // Each answers with its own partner id, and its state is its own.
    emulators[1]
        .add_job(JobSpec::new("only", "here"))
        .expect("added");
    for emu in &emulators {
        let raw = Raw::new(emu);
        let body = raw
            .job_status(&signed_request(emu, "only", "here"))
            .await
            .json();
        let expected = if emu.partner_id() == "101" {
            "2302"
        } else {
            "2314"
        };
        assert_eq!(body["code"], expected);
        // A request signed for another emulator is refused.
        let other = if emu.partner_id() == "100" {
            &emulators[1]
        } else {
            &emulators[0]
        };
        let answer = raw
            .job_status(&signed_request(other, DEMO_USER_ID, "demo-approved"))
            .await;
        assert_eq!(answer.status, 401);
    }
    // One TLS emulator's CA does not vouch for another's certificate.
    let mut client_for_0 = Raw::new(&emulators[0]);
    client_for_0.base = emulators[2].base_url().to_owned();
    assert!(
        client_for_0
            .try_job_status(&signed_request(
                &emulators[2],
                DEMO_USER_ID,
                "demo-approved"
            ))
            .await
            .is_err()
    );
}

#[tokio::test]
async fn shutdown_stops_listening() {
    let emu = Emulator::start().await.expect("starts");
    let addr = emu.addr();
    let raw = Raw::new(&emu);
    assert_eq!(
        raw.job_status(&signed_request(&emu, DEMO_USER_ID, "demo-approved"))
            .await
            .status,
        200
    );
    emu.shutdown().await;
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_lets_a_request_in_flight_finish() {
    let emu = Emulator::start().await.expect("starts");
    emu.set_fault(FaultSpec::latency(Duration::from_millis(300)).count(1))
        .expect("fault");
    let addr = emu.addr();
    let raw = Raw::new(&emu);
    let request = signed_request(&emu, DEMO_USER_ID, "demo-approved");
    let in_flight = tokio::spawn(async move { raw.try_job_status(&request).await });
    // Wait until the request has reached the emulator (its fault applied).
    let mut arrived = false;
    for _ in 0..500 {
        if emu.faults().is_empty() {
            arrived = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(arrived, "the request never arrived");
    emu.shutdown().await;
    // The request was answered before the server stopped...
    let answer = in_flight.await.expect("the task ends");
    assert_eq!(answer.map(|a| a.status.as_u16()), Ok(200));
    // ...and nothing listens any more.
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn drop_stops_listening() {
    let emu = Emulator::start().await.expect("starts");
    let addr = emu.addr();
    drop(emu);
    let mut refused = false;
    for _ in 0..200 {
        if tokio::net::TcpStream::connect(addr).await.is_err() {
            refused = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(refused);
}

#[tokio::test]
async fn listen_on_a_chosen_address_and_report_bind_errors() {
    let emu = Emulator::builder()
        .listen("127.0.0.1:0".parse().expect("addr"))
        .start()
        .await
        .expect("starts");
    let taken = emu.addr();
    let clash = Emulator::builder().listen(taken).start().await;
    match clash {
        Err(EmulatorError::Bind { addr, .. }) => assert_eq!(addr, taken),
        other => panic!("expected a bind error, got {other:?}"),
    }
}

#[tokio::test]
async fn ipv6_loopback_with_tls() {
    if std::net::TcpListener::bind("[::1]:0").is_err() {
        // No IPv6 loopback on this machine: nothing to check.
        return;
    }
    let emu = Emulator::builder()
        .tls(true)
        .listen("[::1]:0".parse().expect("addr"))
        .start()
        .await
        .expect("starts on the IPv6 loopback");
    assert!(emu.base_url().starts_with("https://[::1]:"));
    let raw = Raw::new(&emu);
    let answer = raw
        .job_status(&signed_request(&emu, DEMO_USER_ID, "demo-approved"))
        .await;
    assert_eq!(answer.status, 200);
}

#[tokio::test]
async fn localhost_name_is_in_the_certificate() {
    let emu = Emulator::start_tls().await.expect("starts");
    let mut raw = Raw::new(&emu);
    raw.base = format!("https://localhost:{}/v1", emu.addr().port());
    let answer = raw
        .try_job_status(&signed_request(&emu, DEMO_USER_ID, "demo-approved"))
        .await;
    // localhost may resolve to ::1 first, where nothing listens; the client
    // then falls back to 127.0.0.1. Either way the certificate must verify.
    assert_eq!(answer.map(|a| a.status.as_u16()), Ok(200));
}

#[tokio::test]
async fn empty_credentials_are_refused_and_the_key_never_shows() {
    let err = Emulator::builder()
        .partner_id("")
        .start()
        .await
        .expect_err("refused");
    assert!(matches!(err, EmulatorError::Credentials(_)));
    let err = Emulator::builder()
        .api_key(" ")
        .start()
        .await
        .expect_err("refused");
    assert!(matches!(err, EmulatorError::Credentials(_)));
    let builder = Emulator::builder().api_key("super-secret-key-123");
    assert!(!format!("{builder:?}").contains("super-secret"));
    let emu = builder.start().await.expect("starts");
    assert!(!format!("{emu:?}").contains("super-secret"));
    assert_eq!(emu.api_key(), "super-secret-key-123");
}

#[test]
fn start_outside_a_runtime_is_an_error_not_a_panic() {
    // `start` needs a tokio runtime context; polling it from a bare
    // executor must give NoRuntime.
    let result = block_on_without_runtime(Emulator::start());
    assert!(matches!(result, Err(EmulatorError::NoRuntime)));
}

/// Polls a future to completion on the current thread without any runtime.
fn block_on_without_runtime<F: std::future::Future>(fut: F) -> F::Output {
    use std::task::{Context, Poll, Wake, Waker};
    struct Noop;
    impl Wake for Noop {
        fn wake(self: std::sync::Arc<Self>) {}
    }
    let waker = Waker::from(std::sync::Arc::new(Noop));
    let mut cx = Context::from_waker(&waker);
    let mut fut = std::pin::pin!(fut);
    loop {
        if let Poll::Ready(v) = fut.as_mut().poll(&mut cx) {
            return v;
        }
        std::thread::yield_now();
    }
}

#[test]
fn runtime_without_timers_or_io_is_an_error_not_a_panic() {
    let no_drivers = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    let result = no_drivers.block_on(Emulator::start());
    assert!(matches!(result, Err(EmulatorError::NoRuntime)));
    let no_io = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("runtime");
    let result = no_io.block_on(Emulator::start());
    assert!(matches!(result, Err(EmulatorError::NoRuntime)));
}
