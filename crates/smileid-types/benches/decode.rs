//! Decoding throughput: typed `JobStatusResponse` against `serde_json::Value`.
#![allow(missing_docs)]

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serde_json::Value;
use smileid_types::JobStatusResponse;
use std::hint::black_box;

const COMPLETE: &[u8] = smileid_testkit::fixtures::JOB_STATUS_COMPLETE_HISTORY_IMAGES.as_bytes();

/// A response with `n` history entries, each a copy of the fixture's result
/// with its own ids.
fn with_history(n: usize) -> Vec<u8> {
    let mut doc: Value = serde_json::from_slice(COMPLETE).expect("fixture is JSON");
    let entry = doc["history"][0].clone();
    let history: Vec<Value> = (0..n)
        .map(|i| {
            let mut e = entry.clone();
            e["SmileJobID"] = Value::String(format!("{:010}", 1000 + i));
            e["PartnerParams"]["job_id"] = Value::String(format!("job-{i}"));
            e
        })
        .collect();
    doc["history"] = Value::Array(history);
    serde_json::to_vec(&doc).expect("serializes")
}

fn bench(c: &mut Criterion) {
    let big = with_history(1000);
    for (name, bytes) in [("complete_fixture", COMPLETE), ("history_1000", &big[..])] {
        let mut group = c.benchmark_group(name);
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function("typed", |b| {
            b.iter(|| {
                let r: JobStatusResponse =
                    serde_json::from_slice(black_box(bytes)).expect("decodes");
                black_box(r)
            })
        });
        group.bench_function("typed_decode", |b| {
            b.iter(|| {
                let r: JobStatusResponse =
                    smileid_types::decode(black_box(bytes)).expect("decodes");
                black_box(r)
            })
        });
        group.bench_function("value", |b| {
            b.iter(|| {
                let v: Value = serde_json::from_slice(black_box(bytes)).expect("decodes");
                black_box(v)
            })
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
