//! The sans-IO heart: a query becomes an `http::Request`, an `http::Response`
//! becomes a verified status or an [`Error`].

use std::borrow::Cow;
use std::fmt;
use std::time::SystemTime;

use bytes::Bytes;
use http::header::{ACCEPT, CONTENT_LENGTH, CONTENT_TYPE, LOCATION, RETRY_AFTER, USER_AGENT};
use http::{HeaderValue, Method};
use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, Visitor};
use smileid_sign::{Signer, VerifyError};
use smileid_types::{ApiErrorBody, JobStatusRequest, JobStatusResponse};

use crate::environment::BaseUrl;
use crate::error::{ConfigError, Error, SignatureFailure, truncate_chars};
use crate::query::JobStatusQuery;
use crate::retry::parse_retry_after;
use crate::status::JobStatus;

/// The `User-Agent` smileid-core sends: `smileid-core/<version>`. Backends
/// append their own token (see
/// [`ClientBuilder::user_agent_suffix`](crate::ClientBuilder::user_agent_suffix)).
pub const DEFAULT_USER_AGENT: &str = concat!("smileid-core/", env!("CARGO_PKG_VERSION"));

/// The longest body snippet kept in [`Error::Api`], in characters.
pub const BODY_SNIPPET_CHARS: usize = 200;

/// Builds the signed `POST {base}/job_status` request for `query`, with a
/// timestamp and signature made from `now`.
///
/// The body is a JSON object with `partner_id`, `timestamp`, `signature`,
/// `user_id` and `job_id`, plus `"history": true` and `"image_links": true`
/// when requested (they are left out otherwise). Headers: `Content-Type:
/// application/json`, `Accept: application/json`, `Content-Length`, and
/// `User-Agent: smileid-core/<version>` (replace or extend it as you like).
///
/// Call it again for every attempt: each request must carry a fresh
/// timestamp and signature.
///
/// # Errors
///
/// [`Error::InvalidInput`] when the query's ids are invalid (see
/// [`JobStatusQuery::validate`]).
///
/// ```
/// use std::time::SystemTime;
/// use smileid_core::{Environment, JobStatusQuery, build_job_status_request};
/// use smileid_sign::Signer;
///
/// let signer = Signer::new("085", "my-api-key").unwrap();
/// let base = Environment::Sandbox.base_url()?;
/// let query = JobStatusQuery::new("user-1", "job-1");
/// let request = build_job_status_request(&signer, &base, &query, SystemTime::now())?;
/// assert_eq!(request.method(), http::Method::POST);
/// assert_eq!(request.uri(), "https://testapi.smileidentity.com/v1/job_status");
/// # Ok::<(), smileid_core::Error>(())
/// ```
pub fn build_job_status_request(
    signer: &Signer,
    base: &BaseUrl,
    query: &JobStatusQuery,
    now: SystemTime,
) -> Result<http::Request<Bytes>, Error> {
    query.validate()?;
    let signed = signer.sign_at(now);
    let body = JobStatusRequest {
        partner_id: signer.partner_id().to_owned(),
        timestamp: signed.timestamp,
        signature: signed.signature.into(),
        user_id: query.user_id().to_owned(),
        job_id: query.job_id().to_owned(),
        history: query.history().then_some(true),
        image_links: query.image_links().then_some(true),
        source_sdk: None,
        source_sdk_version: None,
    };
    let body = serde_json::to_vec(&body)
        .map_err(|_| Error::InvalidConfig(ConfigError::new("could not encode the request body")))?;
    let len = body.len();
    let mut request = http::Request::new(Bytes::from(body));
    *request.method_mut() = Method::POST;
    *request.uri_mut() = base.job_status_uri().clone();
    let headers = request.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
    headers.insert(USER_AGENT, HeaderValue::from_static(DEFAULT_USER_AGENT));
    headers.insert(CONTENT_LENGTH, HeaderValue::from(len));
    Ok(request)
}

/// Turns a job status response into a verified [`JobStatus`], failing closed.
///
/// In order:
/// 1. a non-2xx status (including any redirect, which is never followed)
///    gives [`Error::Api`] with Smile ID's `code` and `error` when the body
///    is an error object, or a short `body_snippet` otherwise, and the
///    `Retry-After` delay (relative to `now`);
/// 2. a 2xx body that is not a JSON object gives [`Error::Decode`];
/// 3. only `timestamp` and `signature` are read first; a missing one gives
///    [`Error::Signature`]`(Missing)` (or [`Error::Api`] if the body is an
///    unsigned `{"code", "error"}` object);
/// 4. the signature is checked over the response's own timestamp with
///    `signer`: [`Error::Signature`]`(Malformed | Mismatch)` when it fails;
/// 5. only then is the whole body decoded: [`Error::Decode`] with the path of
///    the first problem.
pub fn parse_job_status_response(
    signer: &Signer,
    response: http::Response<Bytes>,
    now: SystemTime,
) -> Result<JobStatus, Error> {
    let (parts, body) = response.into_parts();
    if !parts.status.is_success() {
        return Err(api_error(parts.status, &parts.headers, &body, now));
    }
    if !is_json_object(&body) {
        return Err(Error::Decode {
            path: String::new(),
            message: format!("expected a JSON object, got {}", describe_non_object(&body)),
        });
    }
    let envelope: Envelope<'_> = serde_json::from_slice(&body).map_err(|e| Error::Decode {
        path: String::new(),
        message: e.to_string(),
    })?;
    let (timestamp, signature) = match (&envelope.timestamp, &envelope.signature) {
        (Some(t), Some(s)) if !t.0.is_empty() && !s.0.is_empty() => (&t.0, &s.0),
        _ => {
            if envelope.error.is_some() {
                return Err(api_error(parts.status, &parts.headers, &body, now));
            }
            return Err(Error::Signature(SignatureFailure::Missing));
        }
    };
    signer
        .verify(timestamp, signature)
        .map_err(|e| Error::Signature(signature_failure(e)))?;
    let decoded: JobStatusResponse = smileid_types::decode(&body).map_err(|e| Error::Decode {
        path: e.path().to_owned(),
        message: e.message().to_owned(),
    })?;
    Ok(JobStatus::new(parts.status, decoded, body))
}

pub(crate) fn signature_failure(e: VerifyError) -> SignatureFailure {
    match e {
        VerifyError::Mismatch => SignatureFailure::Mismatch,
        _ => SignatureFailure::Malformed,
    }
}

/// The error for a non-2xx response (or an unsigned 2xx error object).
fn api_error(
    status: http::StatusCode,
    headers: &http::HeaderMap,
    body: &Bytes,
    now: SystemTime,
) -> Error {
    let retry_after = headers
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| parse_retry_after(v, now));
    let parsed = if is_json_object(body) {
        smileid_types::decode::<ApiErrorBody>(body).ok()
    } else {
        None
    };
    let (code, mut message, body_snippet) = match parsed {
        Some(b) if b.code.is_some() || b.error.is_some() => (
            b.code.map(|c| one_line(&c, 32)),
            b.error.map(|m| one_line(&m, 500)),
            None,
        ),
        _ => (None, None, snippet(body)),
    };
    if status.is_redirection() && message.is_none() {
        message = headers.get(LOCATION).map(|l| {
            format!(
                "to {}",
                one_line(&String::from_utf8_lossy(l.as_bytes()), 200)
            )
        });
    }
    Error::Api {
        status,
        code,
        message,
        body_snippet,
        retry_after,
    }
}

/// The start of a body as one line of at most [`BODY_SNIPPET_CHARS`]
/// characters, with the value of any `"signature"` redacted; `None` when it
/// is empty.
fn snippet(body: &[u8]) -> Option<String> {
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
fn one_line(text: &str, max: usize) -> String {
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

/// Whether the first non-whitespace byte opens a JSON object.
pub(crate) fn is_json_object(body: &[u8]) -> bool {
    body.iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|&b| b == b'{')
}

fn describe_non_object(body: &[u8]) -> Cow<'static, str> {
    match body.iter().find(|b| !b.is_ascii_whitespace()) {
        None => "an empty body".into(),
        Some(b'[') => "a JSON array".into(),
        Some(b'"') => "a JSON string".into(),
        Some(b'<') => "markup (HTML or XML)".into(),
        Some(_) => match snippet(body) {
            Some(s) => format!("`{}`", truncate_chars(&s, 40)).into(),
            None => "something else".into(),
        },
    }
}

/// The two fields checked before anything else is decoded.
#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(default, borrow)]
    timestamp: Option<Text<'a>>,
    #[serde(default, borrow)]
    signature: Option<Text<'a>>,
    #[serde(default)]
    error: Option<IgnoredAny>,
}

/// A string (or, for a timestamp, an integer read as its digits).
pub(crate) struct Text<'a>(pub(crate) Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl<'de> Visitor<'de> for TextVisitor {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v.to_string())))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v.to_string())))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Text(Cow::Borrowed("")))
            }
        }
        deserializer.deserialize_any(TextVisitor)
    }
}

/// Reads `timestamp` and `signature` of a JSON object without decoding the
/// rest. Shared with callback verification.
pub(crate) fn read_envelope(
    body: &[u8],
) -> Result<(Option<String>, Option<String>), serde_json::Error> {
    let envelope: Envelope<'_> = serde_json::from_slice(body)?;
    Ok((
        envelope
            .timestamp
            .map(|t| t.0.into_owned())
            .filter(|t| !t.is_empty()),
        envelope
            .signature
            .map(|s| s.0.into_owned())
            .filter(|s| !s.is_empty()),
    ))
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

    #[test]
    fn objects_only() {
        assert!(is_json_object(b" \n{}"));
        assert!(!is_json_object(b"[]"));
        assert!(!is_json_object(b""));
    }
}
