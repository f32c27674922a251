//! Every published signature vector signs and verifies.

use serde::Deserialize;
use smileid_sign::{Signer, VerifyError};

#[derive(Deserialize)]
struct File {
    vectors: Vec<Vector>,
}

#[derive(Deserialize)]
struct Vector {
    partner_id: String,
    api_key: String,
    timestamp: String,
    signature: String,
    note: String,
}

fn vectors() -> Vec<Vector> {
    let file: File = serde_json::from_str(smileid_testkit::fixtures::SIGNATURES)
        .unwrap_or_else(|e| panic!("signatures.json: {e}"));
    assert!(file.vectors.len() >= 10, "vector file lost entries");
    file.vectors
}

fn signer(v: &Vector) -> Signer {
    Signer::new(v.partner_id.as_str(), v.api_key.as_str())
        .unwrap_or_else(|e| panic!("{}: {e}", v.note))
}

#[test]
fn every_vector_signs_to_the_published_signature() {
    for v in vectors() {
        let signed = signer(&v).sign(v.timestamp.as_str());
        assert_eq!(signed.signature, v.signature, "{}", v.note);
        assert_eq!(signed.timestamp, v.timestamp, "{}", v.note);
    }
}

#[test]
fn every_vector_verifies() {
    for v in vectors() {
        assert_eq!(
            signer(&v).verify(&v.timestamp, &v.signature),
            Ok(()),
            "{}",
            v.note
        );
    }
}

#[test]
fn no_vector_verifies_under_another_vectors_inputs() {
    let all = vectors();
    for (i, a) in all.iter().enumerate() {
        for (j, b) in all.iter().enumerate() {
            if i == j || a.signature == b.signature {
                continue;
            }
            assert_eq!(
                signer(a).verify(&a.timestamp, &b.signature),
                Err(VerifyError::Mismatch),
                "{} accepted the signature of {}",
                a.note,
                b.note
            );
        }
    }
}

#[test]
fn zero_padded_partner_ids_sign_differently() {
    let all = vectors();
    let padded = all.iter().find(|v| v.partner_id == "085");
    let plain = all.iter().find(|v| v.partner_id == "85");
    let (Some(padded), Some(plain)) = (padded, plain) else {
        panic!("vectors for 085 and 85 are missing");
    };
    assert_eq!(padded.timestamp, plain.timestamp);
    assert_ne!(
        signer(padded).sign(padded.timestamp.as_str()).signature,
        signer(plain).sign(plain.timestamp.as_str()).signature
    );
    assert_eq!(
        signer(plain).verify(&padded.timestamp, &padded.signature),
        Err(VerifyError::Mismatch)
    );
}
