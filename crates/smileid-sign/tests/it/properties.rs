//! Property tests: round trips, single-character changes, and no panics.

use std::time::{Duration, UNIX_EPOCH};

use proptest::prelude::*;
use smileid_sign::{Freshness, Signer, VerifyError, format_timestamp, parse_timestamp};

/// Non-blank text, so `Signer::new` accepts it.
fn credential() -> impl Strategy<Value = String> {
    any::<String>().prop_filter("non-blank", |s| !s.trim().is_empty())
}

fn signer(partner: &str, key: &str) -> Signer {
    Signer::new(partner, key).unwrap_or_else(|e| panic!("{e}"))
}

/// Replaces the character at `index % len` with a different one.
fn change_one_char(text: &str, index: usize, replacement: char) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    if chars.is_empty() {
        return None;
    }
    let i = index % chars.len();
    let new = if chars[i] == replacement {
        if replacement == 'a' { 'b' } else { 'a' }
    } else {
        replacement
    };
    let mut out = chars;
    out[i] = new;
    Some(out.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn sign_then_verify_round_trips(partner in credential(), key in credential(), ts in any::<String>()) {
        let s = signer(&partner, &key);
        let signed = s.sign(ts.as_str());
        prop_assert_eq!(&signed.timestamp, &ts);
        prop_assert_eq!(signed.signature.len(), 44);
        prop_assert_eq!(s.verify(&ts, &signed.signature), Ok(()));
        prop_assert_eq!(s.partner_id(), partner.as_str());
    }

    #[test]
    fn changing_one_signature_char_fails(ts in any::<String>(), index in any::<usize>(), c in any::<char>()) {
        let s = signer("1234", "test-api-key");
        let sig = s.sign(ts.as_str()).signature;
        let changed = change_one_char(&sig, index, c);
        prop_assume!(changed.is_some());
        let changed = changed.unwrap_or_default();
        let result = s.verify(&ts, &changed);
        prop_assert!(
            result == Err(VerifyError::Mismatch) || result == Err(VerifyError::Malformed),
            "{:?} -> {:?}", changed, result
        );
    }

    #[test]
    fn changing_one_timestamp_char_fails(ts in ".+", index in any::<usize>(), c in any::<char>()) {
        let s = signer("1234", "test-api-key");
        let sig = s.sign(ts.as_str()).signature;
        let changed = change_one_char(&ts, index, c).unwrap_or_default();
        prop_assert_eq!(s.verify(&changed, &sig), Err(VerifyError::Mismatch));
    }

    #[test]
    fn changing_one_partner_id_char_fails(partner in credential(), index in any::<usize>(), c in any::<char>()) {
        let sig = signer(&partner, "k").sign("2026-08-21T12:00:00.000Z").signature;
        let changed = change_one_char(&partner, index, c).unwrap_or_default();
        prop_assume!(!changed.trim().is_empty());
        prop_assert_eq!(
            signer(&changed, "k").verify("2026-08-21T12:00:00.000Z", &sig),
            Err(VerifyError::Mismatch)
        );
    }

    #[test]
    fn changing_one_key_char_fails(key in credential(), index in any::<usize>(), c in any::<char>()) {
        let sig = signer("1234", &key).sign("2026-08-21T12:00:00.000Z").signature;
        let changed = change_one_char(&key, index, c).unwrap_or_default();
        prop_assume!(!changed.trim().is_empty());
        prop_assert_eq!(
            signer("1234", &changed).verify("2026-08-21T12:00:00.000Z", &sig),
            Err(VerifyError::Mismatch)
        );
    }

    #[test]
    fn arbitrary_input_never_panics(ts in any::<String>(), sig in any::<String>(), secs in any::<u64>(), nanos in 0u32..1_000_000_000) {
        let s = signer("1234", "test-api-key");
        let _ = s.verify(&ts, &sig);
        let _ = parse_timestamp(&ts);
        let now = UNIX_EPOCH.checked_add(Duration::new(secs, nanos)).unwrap_or(UNIX_EPOCH);
        let _ = Freshness::default().check(&ts, now);
        let _ = Freshness::new(Duration::MAX, Duration::ZERO).check(&ts, now);
    }

    #[test]
    fn timestamp_shaped_input_never_panics(
        ts in "[0-9]{1,30}|[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{0,12})? ?([Zz]|[+-][0-9]{2}:?[0-9]{2})?"
    ) {
        let _ = parse_timestamp(&ts);
        let _ = Freshness::default().check(&ts, UNIX_EPOCH);
    }

    #[test]
    fn base64_shaped_signatures_never_panic(sig in "[A-Za-z0-9+/=]{40,48}") {
        let s = signer("1234", "test-api-key");
        prop_assert_ne!(s.verify("t", &sig), Ok(()));
    }

    #[test]
    fn format_parse_agrees_with_the_time_crate(ms in -62_167_219_200_000i64..=253_402_300_799_999) {
        let t = if ms >= 0 {
            UNIX_EPOCH + Duration::from_millis(ms.unsigned_abs())
        } else {
            UNIX_EPOCH - Duration::from_millis(ms.unsigned_abs())
        };
        let text = format_timestamp(t);
        prop_assert_eq!(text.len(), 24);
        prop_assert_eq!(parse_timestamp(&text), Ok(t));
        let odt = time::OffsetDateTime::parse(&text, &time::format_description::well_known::Rfc3339)
            .map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
        prop_assert_eq!(odt.unix_timestamp_nanos(), i128::from(ms) * 1_000_000);
    }

    #[test]
    fn format_never_panics(secs in any::<u64>(), nanos in 0u32..1_000_000_000, past in any::<bool>()) {
        let d = Duration::new(secs, nanos);
        let t = if past { UNIX_EPOCH.checked_sub(d) } else { UNIX_EPOCH.checked_add(d) };
        if let Some(t) = t {
            let text = format_timestamp(t);
            prop_assert_eq!(text.len(), 24);
            prop_assert!(parse_timestamp(&text).is_ok());
        }
    }

    #[test]
    fn epoch_millis_parse(ms in any::<u64>()) {
        prop_assert_eq!(
            parse_timestamp(&ms.to_string()).ok(),
            UNIX_EPOCH.checked_add(Duration::from_millis(ms))
        );
    }
}
