//! Any operation's `http::Response<Bytes>` becomes its typed output or an
//! [`Error`]: the non-2xx branch and the signature check, written once.

use std::borrow::Cow;
use std::time::SystemTime;

use bytes::Bytes;
use http::header::{LOCATION, RETRY_AFTER};
use smileid_sign::{Signer, VerifyError};
use smileid_types::{ApiErrorBody, SignedEnvelope};

use crate::error::{ApiError, DecodeError, Error, SignatureError, SignatureFailure};
use crate::operation::{Operation, Reply, SignatureCheck, SignatureMode};
use crate::redaction::{one_line, snippet, truncate_chars};
use crate::retry::parse_retry_after;

/// Turns `op`'s response into its verified, typed output, failing closed.
///
/// In order, for every operation:
/// 1. a non-2xx status (including any redirect, which is never followed)
///    gives [`Error::Api`] with Smile ID's `code` and `error` when the body
///    is an error object, or a short `body_snippet` otherwise, and the
///    `Retry-After` delay (relative to `now`);
/// 2. unless the operation's answers are unsigned
///    ([`SignatureMode::Absent`]): a 2xx body that is not a JSON object
///    gives [`Error::Decode`]; only `timestamp` and `signature` are read
///    first; a missing one gives [`Error::Signature`] with
///    [`SignatureFailure::Missing`] (or [`Error::Api`] if the body is an
///    unsigned `{"code", "error"}` object), unless the operation accepts an
///    unsigned answer ([`SignatureMode::CheckedWhenPresent`]);
/// 3. the signature is checked over the response's own timestamp with
///    `signer`: [`SignatureFailure::Malformed`] or
///    [`SignatureFailure::Mismatch`] when it fails;
/// 4. only then does the operation decode the body
///    ([`Operation::decode`]): [`Error::Decode`] with the path of the first
///    problem.
///
/// Every error names `op` ([`Error::operation`]).
///
/// # Errors
///
/// As listed above.
pub fn parse_response<O: Operation>(
    op: &O,
    signer: &Signer,
    response: http::Response<Bytes>,
    now: SystemTime,
) -> Result<O::Output, Error> {
    parse_response_with(op, signer, response, now, ParseOptions::default())
}

/// How [`parse_response_with`] treats answers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ParseOptions {
    /// Accept an answer with no `signature` and `timestamp` at all from an
    /// operation whose mode is [`SignatureMode::Expected`] (a wrong
    /// signature is still refused). Default `false`: fail closed.
    pub accept_unsigned_answers: bool,
}

impl ParseOptions {
    /// Sets [`accept_unsigned_answers`](Self::accept_unsigned_answers).
    #[must_use]
    pub fn with_accept_unsigned_answers(mut self, accept: bool) -> Self {
        self.accept_unsigned_answers = accept;
        self
    }
}

/// [`parse_response`] with `options`.
///
/// # Errors
///
/// As [`parse_response`].
pub fn parse_response_with<O: Operation>(
    op: &O,
    signer: &Signer,
    response: http::Response<Bytes>,
    now: SystemTime,
    options: ParseOptions,
) -> Result<O::Output, Error> {
    parse(op, signer, response, now, options)
        .map_err(|e| op.refine_error(e.in_operation(O::NAME, O::REPEAT_SAFETY)))
}

fn parse<O: Operation>(
    op: &O,
    signer: &Signer,
    response: http::Response<Bytes>,
    now: SystemTime,
    options: ParseOptions,
) -> Result<O::Output, Error> {
    let (parts, body) = response.into_parts();
    if !parts.status.is_success() {
        return Err(api_error(parts.status, &parts.headers, &body, now));
    }
    let mode = match op.signature_mode() {
        SignatureMode::Expected if options.accept_unsigned_answers => {
            SignatureMode::CheckedWhenPresent
        }
        SignatureMode::Expected => SignatureMode::Required,
        mode => mode,
    };
    let signature = match mode {
        SignatureMode::Absent => SignatureCheck::NotApplicable,
        mode => check_signature(signer, mode, &parts, &body, now)?,
    };
    op.decode(Reply::new(parts.status, parts.headers, body, signature))
}

/// Steps 2 and 3 of [`parse_response`].
fn check_signature(
    signer: &Signer,
    mode: SignatureMode,
    parts: &http::response::Parts,
    body: &Bytes,
    now: SystemTime,
) -> Result<SignatureCheck, Error> {
    if !is_json_object(body) {
        return Err(decode_error(format!(
            "expected a JSON object, got {}",
            describe_non_object(body)
        )));
    }
    let envelope = SignedEnvelope::read(body).map_err(|e| decode_error(e.to_string()))?;
    let Some((timestamp, signature)) = envelope.signed_pair() else {
        if envelope.has_error() {
            return Err(api_error(parts.status, &parts.headers, body, now));
        }
        let unsigned = envelope.timestamp().is_none() && envelope.signature().is_none();
        if mode == SignatureMode::CheckedWhenPresent && unsigned {
            return Ok(SignatureCheck::Unsigned);
        }
        return Err(Error::Signature(SignatureError::new(
            "",
            SignatureFailure::Missing,
        )));
    };
    signer
        .verify(timestamp, signature)
        .map_err(|e| Error::Signature(SignatureError::new("", signature_failure(e))))?;
    Ok(SignatureCheck::Verified)
}

fn decode_error(message: String) -> Error {
    Error::Decode(DecodeError::new("", "", message))
}

pub(crate) fn signature_failure(e: VerifyError) -> SignatureFailure {
    match e {
        VerifyError::Mismatch => SignatureFailure::Mismatch,
        _ => SignatureFailure::Malformed,
    }
}

/// The error for a non-2xx response (or an unsigned 2xx error object): the
/// one place every operation's error answers are read.
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
    let mut error = ApiError::new("", status).with_retry_after(retry_after);
    let mut has_message = false;
    match parsed {
        Some(b) if b.code.is_some() || b.error.is_some() => {
            if let Some(code) = b.code {
                error = error.with_code(one_line(&code, 32));
            }
            if let Some(message) = b.error {
                error = error.with_message(one_line(&message, 500));
                has_message = true;
            }
        }
        _ => match xml_error(body) {
            // An S3-style XML error (an upload target): its code and message.
            Some((code, message)) => {
                if let Some(code) = code {
                    error = error.with_code(one_line(&code, 64));
                }
                if let Some(message) = message {
                    error = error.with_message(one_line(&message, 500));
                    has_message = true;
                }
            }
            None => {
                if let Some(snippet) = snippet(body) {
                    error = error.with_body_snippet(snippet);
                }
            }
        },
    }
    if status.is_redirection()
        && !has_message
        && let Some(location) = headers.get(LOCATION)
    {
        error = error.with_message(format!(
            "to {}",
            one_line(&String::from_utf8_lossy(location.as_bytes()), 200)
        ));
    }
    Error::Api(error)
}

/// The `Code` and `Message` of an S3-style XML error body
/// (`<Error><Code>AccessDenied</Code><Message>Request has expired</Message>...`),
/// when the body is one and names at least one of them. Only the first
/// 16 KiB are looked at.
pub(crate) fn xml_error(body: &[u8]) -> Option<(Option<String>, Option<String>)> {
    let head = &body[..body.len().min(16 * 1024)];
    let text = std::str::from_utf8(head).ok()?.trim_start();
    if !text.starts_with('<') || !text.contains("<Error>") {
        return None;
    }
    let element = |name: &str| {
        let open = format!("<{name}>");
        let close = format!("</{name}>");
        let start = text.find(&open)? + open.len();
        let len = text[start..].find(&close)?;
        Some(xml_unescape(&text[start..start + len]))
    };
    let (code, message) = (element("Code"), element("Message"));
    (code.is_some() || message.is_some()).then_some((code, message))
}

/// XML's five predefined entities; other `&...;` text is left as it is.
fn xml_unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s3_xml_errors() {
        let body = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AccessDenied</Code><Message>Request has expired &amp; more</Message></Error>";
        assert_eq!(
            xml_error(body),
            Some((
                Some("AccessDenied".to_owned()),
                Some("Request has expired & more".to_owned())
            ))
        );
        assert_eq!(xml_error(b"<html><body>502</body></html>"), None);
        assert_eq!(xml_error(b"<Error></Error>"), None);
        assert_eq!(xml_error(b"{\"Error\": 1}"), None);
    }

    #[test]
    fn objects_only() {
        assert!(is_json_object(b" \n{}"));
        assert!(!is_json_object(b"[]"));
        assert!(!is_json_object(b""));
    }
}
