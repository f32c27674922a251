//! Formatting and parsing of timestamps.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use time::{Date, Month, OffsetDateTime};

/// Unix milliseconds of `0000-01-01T00:00:00.000Z`, the earliest formatted instant.
const MIN_MILLIS: i128 = -62_167_219_200_000;
/// Unix milliseconds of `9999-12-31T23:59:59.999Z`, the latest formatted instant.
const MAX_MILLIS: i128 = 253_402_300_799_999;
/// Julian day number of 1970-01-01.
const UNIX_EPOCH_JULIAN_DAY: i64 = 2_440_588;
/// How many characters of a rejected timestamp an error message repeats.
const SNIPPET_CHARS: usize = 40;

/// Formats `t` as Smile ID expects: UTC, millisecond precision, `Z` suffix,
/// for example `2026-08-21T12:00:00.000Z` (always 24 characters).
///
/// Digits below the millisecond are dropped (the time is rounded toward the
/// past, also before 1970). This function never panics: instants before
/// `0000-01-01T00:00:00.000Z` format as that instant, and instants after
/// `9999-12-31T23:59:59.999Z` format as that one, since RFC 3339 has no
/// other years.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use smileid_sign::format_timestamp;
///
/// let t = UNIX_EPOCH + Duration::from_millis(1_787_313_600_123);
/// assert_eq!(format_timestamp(t), "2026-08-21T12:00:00.123Z");
/// ```
pub fn format_timestamp(t: SystemTime) -> String {
    let millis = match t.duration_since(UNIX_EPOCH) {
        Ok(after) => i128::try_from(after.as_millis()).unwrap_or(i128::MAX),
        // Round toward the past: 1 ns before the epoch is -1 ms.
        Err(before) => {
            -i128::try_from(before.duration().as_nanos().div_ceil(1_000_000)).unwrap_or(i128::MAX)
        }
    };
    let millis = millis.clamp(MIN_MILLIS, MAX_MILLIS);
    let secs = millis.div_euclid(1000);
    let milli = millis.rem_euclid(1000);
    let secs = i64::try_from(secs).unwrap_or_default();
    let Ok(dt) = OffsetDateTime::from_unix_timestamp(secs) else {
        // Unreachable: the clamped range lies inside what `time` supports.
        return String::from(if millis < 0 {
            "0000-01-01T00:00:00.000Z"
        } else {
            "9999-12-31T23:59:59.999Z"
        });
    };
    let mut out = String::with_capacity(24);
    push_digits(&mut out, i128::from(dt.year()), 4);
    out.push('-');
    push_digits(&mut out, i128::from(u8::from(dt.month())), 2);
    out.push('-');
    push_digits(&mut out, i128::from(dt.day()), 2);
    out.push('T');
    push_digits(&mut out, i128::from(dt.hour()), 2);
    out.push(':');
    push_digits(&mut out, i128::from(dt.minute()), 2);
    out.push(':');
    push_digits(&mut out, i128::from(dt.second()), 2);
    out.push('.');
    push_digits(&mut out, milli, 3);
    out.push('Z');
    out
}

/// Appends the `width` lowest decimal digits of the non-negative `value`.
fn push_digits(out: &mut String, value: i128, width: u32) {
    let mut div = 10i128.pow(width.saturating_sub(1));
    while div > 0 {
        let digit = (value / div).rem_euclid(10);
        out.push(char::from(b'0' + u8::try_from(digit).unwrap_or(0)));
        div /= 10;
    }
}

/// A timestamp that [`parse_timestamp`] could not read.
///
/// The message repeats the start of the text (at most 40 characters, escaped)
/// and says what was expected.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
#[error("invalid timestamp {snippet:?}{ellipsis}: {reason}", ellipsis = if *.truncated { "..." } else { "" })]
pub struct TimestampError {
    snippet: String,
    truncated: bool,
    reason: Reason,
}

impl TimestampError {
    fn new(text: &str, reason: Reason) -> Self {
        let (snippet, truncated) = crate::truncate_chars(text, SNIPPET_CHARS);
        Self {
            snippet: snippet.to_owned(),
            truncated,
            reason,
        }
    }
}

/// What was wrong with a timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reason {
    Empty,
    EpochOverflow,
    Date,
    Separator,
    Time,
    Fraction,
    MissingOffset,
    Offset,
    Trailing,
    NoSuchDate,
    TimeRange,
    OffsetRange,
    OutOfRange,
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Empty => "the text is empty",
            Self::EpochOverflow => "epoch milliseconds out of range",
            Self::Date => "expected an RFC 3339 date-time (YYYY-MM-DD) or epoch milliseconds",
            Self::Separator => "expected 'T' or a space between date and time",
            Self::Time => "expected a time as hh:mm:ss",
            Self::Fraction => "expected 1 to 9 digits after the decimal point",
            Self::MissingOffset => "missing UTC offset (Z, +hh:mm or -hh:mm)",
            Self::Offset => "expected an offset: Z, +hh:mm, -hh:mm, +hhmm or -hhmm",
            Self::Trailing => "unexpected text after the offset",
            Self::NoSuchDate => "no such calendar date",
            Self::TimeRange => "hour, minute or second out of range",
            Self::OffsetRange => "offset out of range",
            Self::OutOfRange => "instant not representable as a system time",
        })
    }
}

/// Parses a timestamp in any form Smile ID and its SDKs are known to send.
///
/// Accepted forms:
///
/// - RFC 3339: `2026-08-21T12:00:00Z`, with an optional fraction of 1 to 9
///   digits (`.123`, `.123456`) and an offset `Z` or `±hh:mm`
///   (`+00:00`, `-05:30`). Lowercase `t` and `z` are accepted, as RFC 3339
///   allows, and so is a space in place of `T`.
/// - The space-separated form `2026-08-21 12:00:00 +0100`: the offset may
///   follow one space and may omit its colon (`±hhmm`).
/// - Epoch milliseconds: a non-empty string of ASCII digits only, such as
///   `1678216434434` (always milliseconds, never seconds).
///
/// A leap second (`:60`) is read as the last nanosecond of second 59.
/// Nothing else is accepted: no surrounding whitespace, no local time without
/// an offset, no week or ordinal dates. Values that overflow give an error;
/// this function never panics.
///
/// # Errors
///
/// [`TimestampError`], whose message quotes the start of the text.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use smileid_sign::parse_timestamp;
///
/// let noon = UNIX_EPOCH + Duration::from_secs(1_787_313_600);
/// assert_eq!(parse_timestamp("2026-08-21T12:00:00.000Z").unwrap(), noon);
/// assert_eq!(parse_timestamp("2026-08-21T12:00:00+00:00").unwrap(), noon);
/// assert_eq!(parse_timestamp("2026-08-21 13:00:00 +0100").unwrap(), noon);
/// assert_eq!(parse_timestamp("1787313600000").unwrap(), noon);
/// assert!(parse_timestamp("yesterday").is_err());
/// ```
pub fn parse_timestamp(text: &str) -> Result<SystemTime, TimestampError> {
    let bytes = text.as_bytes();
    if bytes.is_empty() {
        return Err(TimestampError::new(text, Reason::Empty));
    }
    let result = if bytes.iter().all(u8::is_ascii_digit) {
        parse_epoch_millis(bytes)
    } else {
        parse_date_time(bytes)
    };
    result.map_err(|reason| TimestampError::new(text, reason))
}

fn parse_epoch_millis(digits: &[u8]) -> Result<SystemTime, Reason> {
    let mut millis: u64 = 0;
    for &d in digits {
        millis = millis
            .checked_mul(10)
            .and_then(|m| m.checked_add(u64::from(d - b'0')))
            .ok_or(Reason::EpochOverflow)?;
    }
    UNIX_EPOCH
        .checked_add(Duration::from_millis(millis))
        .ok_or(Reason::OutOfRange)
}

/// A read position in the text.
struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn eat(&mut self, expected: u8) -> bool {
        let found = self.peek() == Some(expected);
        if found {
            self.pos += 1;
        }
        found
    }

    fn eat_any(&mut self, options: &[u8]) -> Option<u8> {
        let b = self.peek().filter(|b| options.contains(b))?;
        self.pos += 1;
        Some(b)
    }

    /// Exactly `n` ASCII digits as a number.
    fn digits(&mut self, n: usize) -> Option<u32> {
        let slice = self.bytes.get(self.pos..self.pos.checked_add(n)?)?;
        let mut value: u32 = 0;
        for &b in slice {
            if !b.is_ascii_digit() {
                return None;
            }
            value = value * 10 + u32::from(b - b'0');
        }
        self.pos += n;
        Some(value)
    }

    /// A run of ASCII digits, however long.
    fn digit_run(&mut self) -> &[u8] {
        let start = self.pos;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
        self.bytes.get(start..self.pos).unwrap_or_default()
    }

    fn at_end(&self) -> bool {
        self.pos >= self.bytes.len()
    }
}

fn parse_date_time(bytes: &[u8]) -> Result<SystemTime, Reason> {
    let mut c = Cursor { bytes, pos: 0 };

    let (year, month, day) = (|| {
        let year = c.digits(4)?;
        c.eat(b'-').then_some(())?;
        let month = c.digits(2)?;
        c.eat(b'-').then_some(())?;
        let day = c.digits(2)?;
        Some((year, month, day))
    })()
    .ok_or(Reason::Date)?;

    c.eat_any(b"Tt ").ok_or(Reason::Separator)?;

    let (hour, minute, second) = (|| {
        let hour = c.digits(2)?;
        c.eat(b':').then_some(())?;
        let minute = c.digits(2)?;
        c.eat(b':').then_some(())?;
        let second = c.digits(2)?;
        Some((hour, minute, second))
    })()
    .ok_or(Reason::Time)?;

    let mut nanos: u32 = 0;
    if c.eat(b'.') {
        let fraction = c.digit_run();
        if fraction.is_empty() || fraction.len() > 9 {
            return Err(Reason::Fraction);
        }
        for i in 0..9 {
            let digit = fraction.get(i).map_or(0, |d| u32::from(d - b'0'));
            nanos = nanos * 10 + digit;
        }
    }

    if c.at_end() {
        return Err(Reason::MissingOffset);
    }
    c.eat(b' ');
    let offset_secs: i64 = match c.eat_any(b"Zz+-") {
        Some(b'Z' | b'z') => 0,
        Some(sign) => {
            let hours = c.digits(2).ok_or(Reason::Offset)?;
            c.eat(b':');
            let minutes = c.digits(2).ok_or(Reason::Offset)?;
            if hours > 23 || minutes > 59 {
                return Err(Reason::OffsetRange);
            }
            let secs = i64::from(hours * 3600 + minutes * 60);
            if sign == b'-' { -secs } else { secs }
        }
        None => return Err(Reason::Offset),
    };
    if !c.at_end() {
        return Err(Reason::Trailing);
    }

    if hour > 23 || minute > 59 || second > 60 {
        return Err(Reason::TimeRange);
    }
    let (second, nanos) = if second == 60 {
        (59, 999_999_999)
    } else {
        (second, nanos)
    };

    let month = u8::try_from(month)
        .ok()
        .and_then(|m| Month::try_from(m).ok())
        .ok_or(Reason::NoSuchDate)?;
    let day = u8::try_from(day).map_err(|_| Reason::NoSuchDate)?;
    let year = i32::try_from(year).map_err(|_| Reason::NoSuchDate)?;
    let date = Date::from_calendar_date(year, month, day).map_err(|_| Reason::NoSuchDate)?;
    let days = i64::from(date.to_julian_day()) - UNIX_EPOCH_JULIAN_DAY;

    let secs = days * 86_400 + i64::from(hour) * 3600 + i64::from(minute) * 60 + i64::from(second)
        - offset_secs;
    let total_nanos = i128::from(secs) * 1_000_000_000 + i128::from(nanos);
    system_time_from_unix_nanos(total_nanos).ok_or(Reason::OutOfRange)
}

/// `UNIX_EPOCH` moved by a signed number of nanoseconds, if representable.
fn system_time_from_unix_nanos(nanos: i128) -> Option<SystemTime> {
    let magnitude = nanos.unsigned_abs();
    let secs = u64::try_from(magnitude / 1_000_000_000).ok()?;
    let sub = u32::try_from(magnitude % 1_000_000_000).ok()?;
    let delta = Duration::new(secs, sub);
    if nanos >= 0 {
        UNIX_EPOCH.checked_add(delta)
    } else {
        UNIX_EPOCH.checked_sub(delta)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn millis(ms: i64) -> SystemTime {
        match system_time_from_unix_nanos(i128::from(ms) * 1_000_000) {
            Some(t) => t,
            None => panic!("unrepresentable"),
        }
    }

    #[test]
    fn formats_bounds_and_pre_epoch() {
        assert_eq!(format_timestamp(UNIX_EPOCH), "1970-01-01T00:00:00.000Z");
        assert_eq!(format_timestamp(millis(-1)), "1969-12-31T23:59:59.999Z");
        let one_ns_before = UNIX_EPOCH.checked_sub(Duration::from_nanos(1));
        if let Some(t) = one_ns_before {
            assert_eq!(format_timestamp(t), "1969-12-31T23:59:59.999Z");
        }
        assert_eq!(
            format_timestamp(millis(MIN_MILLIS as i64)),
            "0000-01-01T00:00:00.000Z"
        );
        assert_eq!(
            format_timestamp(millis(MAX_MILLIS as i64)),
            "9999-12-31T23:59:59.999Z"
        );
    }

    #[test]
    fn format_clamps_out_of_range_instants() {
        let far_past = UNIX_EPOCH.checked_sub(Duration::from_secs(1 << 40));
        let far_future = UNIX_EPOCH.checked_add(Duration::from_secs(1 << 40));
        if let Some(t) = far_past {
            assert_eq!(format_timestamp(t), "0000-01-01T00:00:00.000Z");
        }
        if let Some(t) = far_future {
            assert_eq!(format_timestamp(t), "9999-12-31T23:59:59.999Z");
        }
        assert_eq!(
            format_timestamp(millis(MAX_MILLIS as i64 + 1)),
            "9999-12-31T23:59:59.999Z"
        );
    }

    #[test]
    fn snippet_is_truncated_on_a_char_boundary() {
        let text = "é".repeat(100);
        let err = TimestampError::new(&text, Reason::Date);
        assert_eq!(err.snippet.chars().count(), SNIPPET_CHARS);
        assert!(err.truncated);
        assert!(err.to_string().contains("\"..."), "{err}");
        let short = TimestampError::new("abc", Reason::Date);
        assert_eq!(short.snippet, "abc");
        assert!(!short.truncated);
    }

    #[test]
    fn pads_digits() {
        let mut s = String::new();
        push_digits(&mut s, 7, 4);
        push_digits(&mut s, 45, 3);
        assert_eq!(s, "0007045");
    }
}
