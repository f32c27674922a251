//! Building a signed job status request, verifying and decoding a
//! response, and the pre-flight check of a lookup (an ordinary catalogue,
//! and a hostile pattern), without any I/O.

#![allow(missing_docs)] // criterion_group! generates an undocumented function

use std::hint::black_box;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use criterion::{Criterion, criterion_group, criterion_main};
use smileid_core::{
    Environment, IdVerification, JobStatusQuery, Preflight, build_job_status_request,
    parse_job_status_response,
};
use smileid_sign::Signer;
use smileid_types::ServicesResponse;

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

fn preflight(c: &mut Criterion) {
    let services: ServicesResponse =
        smileid_types::decode(smileid_testkit::fixtures::SERVICES.as_bytes()).expect("fixture");
    let catalogue = Preflight::new(&services);
    let lookup =
        IdVerification::new("user-1", "job-1", "NG", "BANK_ACCOUNT", "0123456789").bank_code("058");
    c.bench_function("preflight check (services fixture, NG BANK_ACCOUNT)", |b| {
        b.iter(|| black_box(&catalogue).check(black_box(&lookup)))
    });
    // `^(a+)+$` against 63 `a`s and a `!`: exponential for a backtracking
    // engine, linear here.
    let hostile: ServicesResponse = serde_json::from_str(
        r#"{"hosted_web": {"enhanced_kyc": {"XX": {"name": "X", "id_types": {
            "EVIL": {"label": "evil", "required_fields": ["id_number"], "id_number_regex": "^(a+)+$"}
        }}}}}"#,
    )
    .expect("catalogue");
    let hostile = Preflight::new(&hostile);
    let evil = IdVerification::new("u", "j", "XX", "EVIL", format!("{}!", "a".repeat(63)));
    c.bench_function("preflight check (hostile pattern, 64 bytes)", |b| {
        b.iter(|| black_box(&hostile).check(black_box(&evil)))
    });
}

criterion_group!(benches, request, preflight);
criterion_main!(benches);
