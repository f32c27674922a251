//! Benchmarks for signing and verification.

#![allow(missing_docs)]

use std::hint::black_box;
use std::time::{Duration, UNIX_EPOCH};

use criterion::{Criterion, criterion_group, criterion_main};
use hmac::{Hmac, Mac};
use sha2::Sha256;
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

    // Baseline for the cached key state: the same HMAC keyed afresh for
    // every signature (two more SHA-256 compressions, for the ipad and opad
    // blocks), as a signer that kept only the key text would do.
    let message = format!("{timestamp}1234sid_request");
    c.bench_function("hmac_rekeyed", |b| {
        b.iter(|| {
            let mut mac = match Hmac::<Sha256>::new_from_slice(black_box(b"test-api-key")) {
                Ok(mac) => mac,
                Err(_) => return [0u8; 32],
            };
            mac.update(black_box(message.as_bytes()));
            mac.finalize().into_bytes().into()
        })
    });
    // The HMAC part of `sign` alone: the keyed state cloned per signature.
    let Ok(keyed) = Hmac::<Sha256>::new_from_slice(b"test-api-key") else {
        return;
    };
    c.bench_function("hmac_cached_key", |b| {
        b.iter(|| {
            let mut mac = keyed.clone();
            mac.update(black_box(message.as_bytes()));
            <[u8; 32]>::from(mac.finalize().into_bytes())
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
