//! Benchmarks for signing and verification.

#![allow(missing_docs)]

use std::hint::black_box;
use std::time::{Duration, UNIX_EPOCH};

use criterion::{Criterion, criterion_group, criterion_main};
use smileid_sign::Signer;

fn bench(c: &mut Criterion) {
    let Ok(signer) = Signer::new("1234", "test-api-key") else {
        return;
    };
    let timestamp = "2026-08-21T12:00:00.000Z";
    let signature = signer.sign(timestamp).signature;
    let now = UNIX_EPOCH + Duration::from_millis(1_787_313_600_123);

    c.bench_function("sign", |b| b.iter(|| signer.sign(black_box(timestamp))));
    c.bench_function("sign_at", |b| b.iter(|| signer.sign_at(black_box(now))));
    c.bench_function("verify", |b| {
        b.iter(|| signer.verify(black_box(timestamp), black_box(&signature)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
