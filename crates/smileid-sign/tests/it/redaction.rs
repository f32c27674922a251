//! Secrets never appear in `Debug` or `Display` output.

use smileid_sign::{ApiKey, REDACTED, Signer};

const KEY: &str = "sk-very-secret-key-4242";

#[test]
fn redaction_marker_is_pinned() {
    assert_eq!(REDACTED, "[REDACTED]");
}

#[test]
fn api_key_debug_and_display() {
    let key = ApiKey::new(KEY);
    assert_eq!(format!("{key:?}"), "ApiKey([REDACTED])");
    assert_eq!(format!("{key:#?}"), "ApiKey([REDACTED])");
    assert_eq!(format!("{key}"), "[REDACTED]");
    assert_eq!(key.expose_secret(), KEY);
}

#[test]
fn signer_debug_shows_partner_id_and_hides_key() {
    let signer = Signer::new("085", KEY).unwrap_or_else(|e| panic!("{e}"));
    for text in [format!("{signer:?}"), format!("{signer:#?}")] {
        assert!(!text.contains(KEY), "{text}");
        assert!(!text.contains("secret"), "{text}");
        assert!(text.contains("\"085\""), "{text}");
        assert!(text.contains("ApiKey([REDACTED])"), "{text}");
    }
    assert_eq!(
        format!("{signer:?}"),
        r#"Signer { partner_id: "085", api_key: ApiKey([REDACTED]) }"#
    );
}

#[test]
fn signed_timestamp_debug_hides_signature() {
    let signer = Signer::new("085", KEY).unwrap_or_else(|e| panic!("{e}"));
    let signed = signer.sign("2026-08-21T12:00:00.000Z");
    assert_eq!(signed.signature.len(), 44);
    for text in [format!("{signed:?}"), format!("{signed:#?}")] {
        assert!(!text.contains(&signed.signature), "{text}");
        // Not even a fragment of it.
        assert!(!text.contains(&signed.signature[..8]), "{text}");
        assert!(text.contains("2026-08-21T12:00:00.000Z"), "{text}");
        assert!(text.contains(REDACTED), "{text}");
    }
    assert_eq!(
        format!("{signed:?}"),
        r#"SignedTimestamp { signature: [REDACTED], timestamp: "2026-08-21T12:00:00.000Z" }"#
    );
}

#[test]
fn errors_do_not_carry_the_key_or_signature() {
    let signer = Signer::new("085", KEY).unwrap_or_else(|e| panic!("{e}"));
    let signed = signer.sign("t");
    let err = signer.verify("other", &signed.signature).unwrap_err();
    for text in [err.to_string(), format!("{err:?}")] {
        assert!(!text.contains(&signed.signature), "{text}");
        assert!(!text.contains(KEY), "{text}");
    }
    let err = Signer::new("085", "   ").unwrap_err();
    assert_eq!(err.to_string(), "the API key is empty");
}
