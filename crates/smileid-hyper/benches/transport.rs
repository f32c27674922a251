//! Round trips over loopback: the transport on a pooled connection (HTTP/1.1
//! plain, HTTP/2 over TLS), a fresh TLS connection per request, and a whole
//! `Client::job_status` (sign, send, verify, decode) over TLS.
//!
//! ```text
//! cargo bench -p smileid-hyper --bench transport -- --warm-up-time 1 --measurement-time 3
//! ```
// criterion's macros generate undocumented items.
#![allow(missing_docs)]

use bytes::Bytes;
use criterion::{Criterion, criterion_group, criterion_main};
use smileid_hyper::{Client, HttpTransport, HyperTransport, JobStatusQuery};
use smileid_testkit::servers::{self, Pki, full};

/// A signed job status response (partner 085, key `fixture-api-key`), 1.3 KB.
const RESPONSE: &str = smileid_testkit::fixtures::JOB_STATUS_REJECTED_ENHANCED_KYC;

fn request(url: &str) -> http::Request<Bytes> {
    http::Request::post(url)
        .header("content-type", "application/json")
        .body(Bytes::from_static(b"{\"partner_id\":\"085\"}"))
        .expect("a valid request")
}

fn benches(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let pki = Pki::new();
    let (plain, tls) = runtime.block_on(async {
        let plain = servers::serve(None, |_| http::Response::new(full(RESPONSE))).await;
        let tls = servers::serve(Some(pki.server_config(&[b"h2", b"http/1.1"])), |_| {
            http::Response::new(full(RESPONSE))
        })
        .await;
        (plain, tls)
    });

    let pooled = HyperTransport::builder()
        .add_root_certificates_pem(pki.ca_pem.as_bytes())
        .build()
        .expect("a transport");
    let plain_url = plain.url("http", "/v1/job_status");
    c.bench_function("transport_http1_pooled", |b| {
        b.iter(|| {
            runtime
                .block_on(pooled.send(request(&plain_url)))
                .expect("a response")
        })
    });

    let tls_url = tls.url("https", "/v1/job_status");
    c.bench_function("transport_h2_tls_pooled", |b| {
        b.iter(|| {
            runtime
                .block_on(pooled.send(request(&tls_url)))
                .expect("a response")
        })
    });

    let fresh = HyperTransport::builder()
        .add_root_certificates_pem(pki.ca_pem.as_bytes())
        .pool_max_idle_per_host(0)
        .build()
        .expect("a transport");
    c.bench_function("transport_tls_new_connection", |b| {
        b.iter(|| {
            runtime
                .block_on(fresh.send(request(&tls_url)))
                .expect("a response")
        })
    });

    let client = Client::builder("085", "fixture-api-key")
        .base_url(tls.url("https", "/v1"))
        .add_root_certificates_pem(pki.ca_pem.as_bytes())
        .build()
        .expect("a client");
    let query = JobStatusQuery::new("user-77", "job-77");
    c.bench_function("client_job_status_h2_tls", |b| {
        b.iter(|| {
            runtime
                .block_on(client.job_status(&query))
                .expect("a verified status")
        })
    });

    drop((plain, tls));
}

criterion_group!(group, benches);
criterion_main!(group);
