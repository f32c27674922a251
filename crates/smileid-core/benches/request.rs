//! Building a signed job status request, and verifying and decoding a
//! response, without any I/O.

#![allow(missing_docs)] // criterion_group! generates an undocumented function

use std::hint::black_box;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use criterion::{Criterion, criterion_group, criterion_main};
use smileid_core::{
    Environment, JobStatusQuery, build_job_status_request, parse_job_status_response,
};
use smileid_sign::Signer;

fn request(c: &mut Criterion) {
    let signer = Signer::new("085", "fixture-api-key").expect("valid credentials");
    let base = Environment::Sandbox.base_url().expect("valid URL");
    let query = JobStatusQuery::new("user-0001", "job-0001")
        .with_history(true)
        .with_image_links(true);
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_787_313_600);
    c.bench_function("build_job_status_request (sign + JSON + headers)", |b| {
        b.iter(|| {
            build_job_status_request(black_box(&signer), &base, black_box(&query), now)
                .expect("valid query")
        })
    });

    let body = Bytes::from_static(
        smileid_testkit::fixtures::JOB_STATUS_COMPLETE_HISTORY_IMAGES.as_bytes(),
    );
    c.bench_function(
        "parse_job_status_response (verify + decode, history and images)",
        |b| {
            b.iter(|| {
                let response = http::Response::new(body.clone());
                parse_job_status_response(black_box(&signer), response, now)
                    .expect("fixture verifies")
            })
        },
    );
}

criterion_group!(benches, request);
criterion_main!(benches);
