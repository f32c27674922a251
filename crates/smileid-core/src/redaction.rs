//! Making response text safe to show: one line, bounded, signatures
//! redacted. Used by every error that quotes what a server sent.

use std::borrow::Cow;

/// The longest body snippet kept in an [`ApiError`](crate::ApiError), in
/// characters.
pub const BODY_SNIPPET_CHARS: usize = 200;

/// The start of a body as one line of at most [`BODY_SNIPPET_CHARS`]
/// characters, with the value of any `"signature"` redacted; `None` when it
/// is empty.
pub(crate) fn snippet(body: &[u8]) -> Option<String> {
    // Four bytes per character is the most UTF-8 needs.
    let head = &body[..body.len().min(BODY_SNIPPET_CHARS * 4)];
    let head = String::from_utf8_lossy(head);
    let text = one_line(&redact_signatures(&head), BODY_SNIPPET_CHARS);
    (!text.is_empty()).then_some(text)
}

/// Replaces the string after every `"signature"` key with
/// [`REDACTED`](smileid_sign::REDACTED), also in JSON that is cut short or
/// invalid: a (timestamp, signature) pair in a log would let its reader pass
/// off any body as signed.
fn redact_signatures(text: &str) -> Cow<'_, str> {
    const KEY: &str = "\"signature\"";
    if !text.contains(KEY) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(KEY) {
        let (before, after) = rest.split_at(at + KEY.len());
        out.push_str(before);
        let value = after.trim_start();
        let Some(value) = value.strip_prefix(':').map(str::trim_start) else {
            rest = after;
            continue;
        };
        let Some(value) = value.strip_prefix('"') else {
            rest = after;
            continue;
        };
        out.push_str(&after[..after.len() - value.len()]);
        out.push_str(smileid_sign::REDACTED);
        // The value ends at the next unescaped quote, or with the text.
        let mut end = value.len();
        let mut escaped = false;
        for (i, c) in value.char_indices() {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => {
                    end = i;
                    break;
                }
                _ => escaped = false,
            }
        }
        rest = &value[end..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Control characters and whitespace runs become one space; cut to `max`
/// characters.
pub(crate) fn one_line(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max * 4));
    let mut space = false;
    for c in text.trim().chars() {
        if c.is_whitespace() || c.is_control() {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.push(c);
    }
    truncate_chars(&out, max)
}

/// At most `max` characters of `s`, with `...` when cut.
pub(crate) fn truncate_chars(s: &str, max: usize) -> String {
    match smileid_sign::truncate_chars(s, max) {
        (kept, true) => format!("{kept}..."),
        (all, false) => all.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_collapses_and_cuts() {
        assert_eq!(one_line("  a\n\n b\t\u{0}c ", 100), "a b c");
        assert_eq!(one_line("abcdef", 3), "abc...");
        assert_eq!(one_line("", 3), "");
    }

    #[test]
    fn snippet_is_bounded_and_lossy() {
        let long = "é".repeat(1000);
        let s = snippet(long.as_bytes()).unwrap();
        assert_eq!(s.chars().count(), BODY_SNIPPET_CHARS + 3);
        assert_eq!(snippet(&[0xff, b'a']).unwrap(), "\u{fffd}a");
        assert_eq!(snippet(b"  \n "), None);
    }

    #[test]
    fn signatures_are_redacted_from_snippets() {
        let body = br#"{"timestamp": "t", "signature" : "c2lnbmF0dXJl\"x", "a":"signature"}"#;
        let s = snippet(body).unwrap();
        assert_eq!(
            s,
            r#"{"timestamp": "t", "signature" : "[REDACTED]", "a":"signature"}"#
        );
        // Cut short, or not JSON at all.
        assert_eq!(
            snippet(br#"<p>{"signature":"c2ln"#).unwrap(),
            r#"<p>{"signature":"[REDACTED]"#
        );
        assert_eq!(
            redact_signatures(r#""signature"x "signature":1 "signature":"a""signature":"b""#),
            r#""signature"x "signature":1 "signature":"[REDACTED]""signature":"[REDACTED]""#
        );
        assert_eq!(redact_signatures("plain"), "plain");
    }
}
