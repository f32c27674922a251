//! Formatting and parsing of every timestamp form, and freshness checks.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use smileid_sign::{Freshness, FreshnessError, format_timestamp, parse_timestamp};

/// 2026-08-21T12:00:00Z
const NOON: u64 = 1_787_313_600;

fn at(secs: u64, nanos: u32) -> SystemTime {
    UNIX_EPOCH + Duration::new(secs, nanos)
}

fn parse(text: &str) -> SystemTime {
    parse_timestamp(text).unwrap_or_else(|e| panic!("{text:?}: {e}"))
}

#[test]
fn format_is_utc_with_milliseconds() {
    assert_eq!(format_timestamp(at(NOON, 0)), "2026-08-21T12:00:00.000Z");
    assert_eq!(
        format_timestamp(at(NOON, 123_999_999)),
        "2026-08-21T12:00:00.123Z"
    );
    assert_eq!(
        format_timestamp(at(951_825_600, 0)), // leap day
        "2000-02-29T12:00:00.000Z"
    );
    assert_eq!(
        format_timestamp(UNIX_EPOCH - Duration::from_secs(86_400)),
        "1969-12-31T00:00:00.000Z"
    );
}

#[test]
fn format_never_panics_at_the_extremes() {
    for secs in [0u64, 1, 1 << 32, 1 << 40, 1 << 50, 1 << 62, i64::MAX as u64] {
        if let Some(t) = UNIX_EPOCH.checked_add(Duration::new(secs, 999_999_999)) {
            let s = format_timestamp(t);
            assert_eq!(s.len(), 24, "{s}");
        }
        if let Some(t) = UNIX_EPOCH.checked_sub(Duration::new(secs, 999_999_999)) {
            let s = format_timestamp(t);
            assert_eq!(s.len(), 24, "{s}");
        }
    }
    let far = UNIX_EPOCH.checked_add(Duration::from_secs(1 << 50));
    assert_eq!(
        far.map(format_timestamp).as_deref(),
        Some("9999-12-31T23:59:59.999Z")
    );
    let ancient = UNIX_EPOCH.checked_sub(Duration::from_secs(1 << 50));
    assert_eq!(
        ancient.map(format_timestamp).as_deref(),
        Some("0000-01-01T00:00:00.000Z")
    );
}

#[test]
fn format_then_parse_round_trips_to_the_millisecond() {
    let t = at(NOON, 456_789_123);
    assert_eq!(parse(&format_timestamp(t)), at(NOON, 456_000_000));
}

#[test]
fn every_protocol_form_parses() {
    let noon = at(NOON, 0);
    let cases = [
        // RFC 3339 with Z, with and without fraction
        ("2026-08-21T12:00:00.000Z", noon),
        ("2026-08-21T12:00:00Z", noon),
        ("2026-08-21T12:00:00.1Z", at(NOON, 100_000_000)),
        ("2026-08-21T12:00:00.12Z", at(NOON, 120_000_000)),
        ("2026-08-21T12:00:00.123456Z", at(NOON, 123_456_000)),
        ("2026-08-21T12:00:00.123456789Z", at(NOON, 123_456_789)),
        // numeric offsets
        ("2026-08-21T12:00:00.000+00:00", noon),
        ("2026-08-21T12:00:00.000000+00:00", noon),
        ("2026-08-21T12:00:00+00:00", noon),
        ("2026-08-21T12:00:00-00:00", noon),
        ("2026-08-21T13:00:00+01:00", noon),
        ("2026-08-21T06:30:00-05:30", noon),
        ("2026-08-22T01:45:00+13:45", noon),
        // lowercase and space separator
        ("2026-08-21t12:00:00z", noon),
        ("2026-08-21 12:00:00Z", noon),
        ("2026-08-21 12:00:00.000+00:00", noon),
        // the space-separated form with a colon-less offset
        ("2026-08-21 13:00:00 +0100", noon),
        ("2026-08-21 12:00:00 +0000", noon),
        ("2026-08-21 07:00:00 -0500", noon),
        ("2026-08-21T13:00:00+0100", noon),
        // epoch milliseconds
        ("1787313600000", noon),
        ("1678216434434", at(1_678_216_434, 434_000_000)),
        ("0", UNIX_EPOCH),
        ("0001787313600000", noon),
        // leap second
        ("2016-12-31T23:59:60Z", at(1_483_228_799, 999_999_999)),
    ];
    for (text, expected) in cases {
        assert_eq!(parse(text), expected, "{text}");
    }
}

#[test]
fn pre_epoch_and_extreme_years_parse() {
    assert_eq!(
        parse("1969-12-31T23:59:59.500Z"),
        UNIX_EPOCH - Duration::from_millis(500)
    );
    assert_eq!(
        parse("0000-01-01T00:00:00Z"),
        UNIX_EPOCH - Duration::from_secs(62_167_219_200)
    );
    assert_eq!(
        parse("9999-12-31T23:59:59.999Z"),
        UNIX_EPOCH + Duration::from_millis(253_402_300_799_999)
    );
    // An offset can carry the instant outside years 0..=9999.
    assert!(parse_timestamp("0000-01-01T00:00:00+01:00").is_ok());
    assert!(parse_timestamp("9999-12-31T23:59:59-01:00").is_ok());
}

#[test]
fn everything_else_is_rejected() {
    let bad = [
        "",
        " ",
        "yesterday",
        " 2026-08-21T12:00:00Z",
        "2026-08-21T12:00:00Z ",
        "2026-08-21T12:00:00Z\n",
        "2026-08-21T12:00:00",             // no offset
        "2026-08-21T12:00:00.000",         // no offset
        "2026-08-21",                      // date only
        "2026-08-21T12:00Z",               // no seconds
        "2026-08-21T12:00:00.Z",           // empty fraction
        "2026-08-21T12:00:00.1234567890Z", // 10 fraction digits
        "2026-08-21T12:00:00,000Z",        // comma fraction
        "2026-08-21T12:00:00+01",          // short offset
        "2026-08-21T12:00:00+1:00",
        "2026-08-21T12:00:00+01:0",
        "2026-08-21T12:00:00+24:00", // offset hour out of range
        "2026-08-21T12:00:00+01:60",
        "2026-08-21T12:00:00ZZ",
        "2026-08-21T12:00:00Z+01:00",
        "2026-08-21T12:00:00  +0100", // two spaces
        "2026-08-21T24:00:00Z",
        "2026-08-21T12:60:00Z",
        "2026-08-21T12:00:61Z",
        "2026-02-29T12:00:00Z", // not a leap year
        "2026-02-30T12:00:00Z",
        "2026-13-01T12:00:00Z",
        "2026-00-01T12:00:00Z",
        "2026-08-00T12:00:00Z",
        "2026-8-21T12:00:00Z",
        "26-08-21T12:00:00Z",
        "+2026-08-21T12:00:00Z",
        "12026-08-21T12:00:00Z",
        "2026-08-21X12:00:00Z",
        "2026/08/21 12:00:00 +0100",
        "Fri, 21 Aug 2026 12:00:00 GMT",
        "-1678216434434",
        "1678216434434.5",
        "１２３",               // non-ASCII digits
        "18446744073709551616", // u64::MAX + 1 milliseconds
        "99999999999999999999999999999999",
        "2026-W34-5T12:00:00Z",
    ];
    for text in bad {
        assert!(parse_timestamp(text).is_err(), "{text:?} was accepted");
    }
}

#[test]
fn error_message_quotes_a_truncated_copy() {
    let err = parse_timestamp("2026-08-21T12:00:00").unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("\"2026-08-21T12:00:00\""), "{msg}");
    assert!(msg.contains("offset"), "{msg}");

    let long = format!("2026-08-21T12:00:00Z{}", "x".repeat(10_000));
    let msg = parse_timestamp(&long).unwrap_err().to_string();
    assert!(msg.len() < 200, "{msg}");
    assert!(msg.contains("2026-08-21T12:00:00Zxxxx"), "{msg}");
    assert!(msg.contains("..."), "{msg}");

    let msg = parse_timestamp("a\"b\nc").unwrap_err().to_string();
    assert!(!msg.contains('\n'), "control characters are escaped: {msg}");
}

#[test]
fn huge_epoch_values_are_errors() {
    let msg = parse_timestamp("18446744073709551616")
        .unwrap_err()
        .to_string();
    assert!(msg.contains("out of range"), "{msg}");
    // The largest u64 of milliseconds is still a representable SystemTime here.
    assert!(parse_timestamp("18446744073709551615").is_ok());
}

#[test]
fn freshness_defaults() {
    let f = Freshness::default();
    assert_eq!(f.max_age, Duration::from_secs(300));
    assert_eq!(f.max_future, Duration::from_secs(60));
    assert_eq!(
        Freshness::new(Duration::from_secs(1), Duration::from_secs(2)),
        Freshness {
            max_age: Duration::from_secs(1),
            max_future: Duration::from_secs(2)
        }
    );
}

#[test]
fn freshness_accepts_within_limits_inclusive() {
    let f = Freshness::default();
    let now = at(NOON, 0);
    assert_eq!(f.check("2026-08-21T12:00:00.000Z", now), Ok(now));
    assert_eq!(
        f.check("2026-08-21T11:55:00.000Z", now),
        Ok(at(NOON - 300, 0))
    );
    assert_eq!(
        f.check("2026-08-21T12:01:00.000Z", now),
        Ok(at(NOON + 60, 0))
    );
    assert_eq!(
        f.check("2026-08-21 13:01:00 +0100", now),
        Ok(at(NOON + 60, 0))
    );
    assert_eq!(f.check("1787313600000", now), Ok(now));
}

#[test]
fn freshness_rejects_too_old() {
    let f = Freshness::default();
    let now = at(NOON, 0);
    assert_eq!(
        f.check("2026-08-21T11:54:59.999Z", now),
        Err(FreshnessError::TooOld {
            age: Duration::from_millis(300_001),
            max_age: Duration::from_secs(300),
        })
    );
    let msg = f
        .check("2026-08-21T11:00:00Z", now)
        .unwrap_err()
        .to_string();
    assert!(msg.contains("3600s") && msg.contains("300s"), "{msg}");
}

#[test]
fn freshness_rejects_the_future() {
    let f = Freshness::default();
    let now = at(NOON, 0);
    assert_eq!(
        f.check("2026-08-21T12:01:00.001Z", now),
        Err(FreshnessError::TooFarInFuture {
            ahead: Duration::from_millis(60_001),
            max_future: Duration::from_secs(60),
        })
    );
}

#[test]
fn freshness_rejects_unparseable_with_source() {
    use std::error::Error as _;
    let f = Freshness::default();
    let err = f.check("not a time", at(NOON, 0)).unwrap_err();
    let FreshnessError::Unparseable(inner) = &err else {
        panic!("expected Unparseable, got {err:?}");
    };
    assert_eq!(Some(inner), parse_timestamp("not a time").err().as_ref());
    let source = err.source().map(ToString::to_string).unwrap_or_default();
    assert!(source.contains("not a time"), "{source}");
    assert!(
        !err.to_string().contains("not a time"),
        "Display does not repeat the source"
    );
}

#[test]
fn freshness_with_extreme_now_does_not_panic() {
    let f = Freshness::new(Duration::MAX, Duration::MAX);
    assert!(
        f.check("0000-01-01T00:00:00Z", at(u64::from(u32::MAX), 0))
            .is_ok()
    );
    let zero = Freshness::new(Duration::ZERO, Duration::ZERO);
    assert_eq!(zero.check("0", UNIX_EPOCH), Ok(UNIX_EPOCH));
    assert!(matches!(
        zero.check("1", UNIX_EPOCH),
        Err(FreshnessError::TooFarInFuture { .. })
    ));
    assert!(matches!(
        zero.check("0", UNIX_EPOCH + Duration::from_nanos(1)),
        Err(FreshnessError::TooOld { .. })
    ));
}
