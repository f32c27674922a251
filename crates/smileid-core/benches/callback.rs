//! Verifying and decoding a callback body: size, signature, age, then the
//! typed result, as a callback endpoint does for every POST it receives.

#![allow(missing_docs)] // criterion_group! generates an undocumented function

use std::hint::black_box;
use std::time::{Duration, SystemTime};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use smileid_core::CallbackVerifier;
use smileid_sign::Signer;

/// Signed with partner `085` and key `fixture-api-key` at
/// 2026-08-21T12:00:05.123Z.
const CALLBACK: &[u8] = smileid_testkit::fixtures::CALLBACK_ENHANCED_KYC.as_bytes();

/// The fixture with a `Photo` of about 1 MiB of base64, as an ID authority
/// photo makes it (the signature covers only the timestamp, so it still
/// verifies).
fn with_photo() -> Vec<u8> {
    let text = std::str::from_utf8(CALLBACK).expect("UTF-8 fixture");
    let photo = format!("\"Photo\": \"{}\"", "QUJDRA==".repeat(1024 * 1024 / 8));
    let replaced = text.replace("\"Photo\": \"Not Available\"", &photo);
    assert!(replaced.len() > text.len(), "the fixture has a Photo field");
    replaced.into_bytes()
}

fn callback(c: &mut Criterion) {
    let signer = Signer::new("085", "fixture-api-key").expect("valid credentials");
    let verifier = CallbackVerifier::new(signer);
    let now = SystemTime::UNIX_EPOCH + Duration::from_millis(1_787_313_606_123);
    let big = with_photo();
    assert!(
        verifier.verify(CALLBACK, now).is_ok(),
        "the fixture verifies"
    );
    assert!(
        verifier.verify(&big, now).is_ok(),
        "the large callback verifies"
    );

    for (name, body) in [("fixture", CALLBACK), ("photo_1mib", &big[..])] {
        let mut group = c.benchmark_group(format!("callback_verify_decode/{name}"));
        group.throughput(Throughput::Bytes(body.len() as u64));
        group.bench_function("verifier", |b| {
            b.iter(|| {
                verifier
                    .verify(black_box(body), now)
                    .expect("the callback verifies")
            })
        });
        group.bench_function("value_baseline", |b| {
            // What a hand-rolled endpoint does at least: parse to a Value.
            b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(body)).expect("JSON"))
        });
        group.finish();
    }
}

criterion_group!(benches, callback);
criterion_main!(benches);
