//! Credential checks and the two kinds of verification failure.

use smileid_sign::{CredentialError, Signer, VerifyError};

const TS: &str = "2026-08-21T12:00:00.000Z";
const SIG: &str = "Pu9f+Rp3WnyJ+fI4nQsM8N5BagNzwTi0CdJHUEV1pQ8=";

fn signer() -> Signer {
    Signer::new("1234", "test-api-key").unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn empty_or_blank_partner_id_is_rejected() {
    for id in ["", " ", "\t\n", "\u{3000}"] {
        assert_eq!(
            Signer::new(id, "key").unwrap_err(),
            CredentialError::EmptyPartnerId,
            "{id:?}"
        );
    }
}

#[test]
fn empty_or_blank_key_is_rejected() {
    for key in ["", "  ", "\r\n", "\u{a0}"] {
        assert_eq!(
            Signer::new("1234", key).unwrap_err(),
            CredentialError::EmptyApiKey,
            "{key:?}"
        );
    }
}

#[test]
fn partner_id_is_checked_before_the_key() {
    assert_eq!(
        Signer::new("", "").unwrap_err(),
        CredentialError::EmptyPartnerId
    );
}

#[test]
fn credentials_with_inner_spaces_are_accepted_verbatim() {
    let signer = Signer::new(" 12 34 ", " k ").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(signer.partner_id(), " 12 34 ");
    let trimmed = Signer::new("12 34", "k").unwrap_or_else(|e| panic!("{e}"));
    assert_ne!(signer.sign(TS).signature, trimmed.sign(TS).signature);
}

#[test]
fn known_signature_verifies() {
    assert_eq!(signer().verify(TS, SIG), Ok(()));
}

#[test]
fn malformed_signatures() {
    let s = signer();
    let cases = [
        String::new(),
        "not base64".into(),
        format!(" {SIG}"),
        format!("{SIG} "),
        format!("{SIG}\n"),
        SIG.trim_end_matches('=').into(), // missing padding
        format!("{SIG}="),                // extra padding
        SIG.replace('+', "-"),            // URL-safe alphabet
        "A".repeat(44),                   // decodes to 33 bytes
        "AAAA".repeat(10) + "AAA=",       // 32 bytes but ...
        "AAAA".repeat(11),                // 33 bytes
        "AAAA".repeat(8) + "AA==",        // 25 bytes
        "QUFB".repeat(2000),              // long
        format!("{}=", &SIG[..42]),       // 31 bytes + junk
        SIG.replacen('P', "é", 1),
    ];
    for sig in &cases[..] {
        let expected = if sig == &("AAAA".repeat(10) + "AAA=") {
            // Valid shape (32 zero bytes), simply wrong.
            Err(VerifyError::Mismatch)
        } else {
            Err(VerifyError::Malformed)
        };
        assert_eq!(s.verify(TS, sig), expected, "{sig:?}");
    }
}

#[test]
fn wrong_but_well_formed_signatures_mismatch() {
    let s = signer();
    assert_eq!(
        s.verify("2026-08-21T12:00:00.000+00:00", SIG),
        Err(VerifyError::Mismatch)
    );
    let other_key = Signer::new("1234", "test-api-kez").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(other_key.verify(TS, SIG), Err(VerifyError::Mismatch));
    let other_partner = Signer::new("1235", "test-api-key").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(other_partner.verify(TS, SIG), Err(VerifyError::Mismatch));
}

#[test]
fn sign_at_uses_the_canonical_format() {
    use std::time::{Duration, UNIX_EPOCH};
    let now = UNIX_EPOCH + Duration::from_secs(1_787_313_600);
    let signed = signer().sign_at(now);
    assert_eq!(signed.timestamp, TS);
    assert_eq!(signed.signature, SIG);
}

#[test]
fn error_messages() {
    assert_eq!(
        VerifyError::Mismatch.to_string(),
        "the signature does not match"
    );
    assert!(VerifyError::Malformed.to_string().contains("base64"));
    assert_eq!(
        CredentialError::EmptyPartnerId.to_string(),
        "the partner id is empty"
    );
}

#[test]
fn clones_sign_alike() {
    let s = signer();
    let c = s.clone();
    assert_eq!(s.sign(TS), c.sign(TS));
    assert_eq!(c.partner_id(), "1234");
}
