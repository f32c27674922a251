//! Exit codes, and the one-line error messages that go with them.

use std::error::Error as StdError;
use std::fmt;
use std::io::Write;

use smileid_hyper::{BuildError, Error, ErrorKind};

use crate::style;

/// Success.
pub const SUCCESS: u8 = 0;
/// A signature or callback verification failed.
pub const VERIFICATION_FAILED: u8 = 1;
/// A usage or configuration error (clap's own usage errors exit 2 too).
pub const USAGE: u8 = 2;
/// Smile ID answered with an error.
pub const API_ERROR: u8 = 3;
/// No response: connection, TLS, timeout, or a body that was too large.
pub const TRANSPORT: u8 = 4;
/// A response not signed by Smile ID, or one that could not be decoded.
pub const UNTRUSTED_RESPONSE: u8 = 5;
/// `--wait` reached its timeout before the job completed.
pub const WAIT_TIMED_OUT: u8 = 6;
/// A call that creates a job may have reached Smile ID, but no answer came
/// back: the job may exist (check with `smileid job-status` before
/// resubmitting).
pub const OUTCOME_UNKNOWN: u8 = 7;

/// The exit code table, shown after every `--help`.
pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0  success (job-status: the query succeeded, whatever the job's outcome)
  1  signature or callback verification failed
  2  usage or configuration error (verify-id --check: problems found, nothing sent)
  3  Smile ID (or, for submit, the upload target) answered with an error
     (such as 2205 not authorized, 2215 job already exists, S3's AccessDenied)
  4  transport failure (connect, TLS, timeout, body too large)
  5  the response was not signed by Smile ID or could not be decoded (submit:
     an unusable prep-upload answer, such as an upload URL that is not https)
  6  --wait timed out before the job completed
  7  the request may have reached Smile ID but no answer came back; the job
     may exist: check with `smileid job-status` before resubmitting";

/// Why a command failed: the exit code, a one-line message and perhaps a
/// hint. Never holds the API key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The exit code.
    pub code: u8,
    /// The message, without the `error: ` prefix.
    pub message: String,
    /// A suggestion of what to do, if any.
    pub hint: Option<String>,
}

impl Failure {
    /// A failure with `code` and `message`.
    pub fn new(code: u8, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            hint: None,
        }
    }

    /// A usage or configuration failure (exit 2).
    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(USAGE, message)
    }

    /// Adds a hint.
    #[must_use]
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Writes `error: message` and `hint: ...` lines to `out` (stderr).
    pub fn report(&self, out: &mut dyn Write) {
        let _ = writeln!(
            out,
            "{}error:{} {}",
            style::ERROR.render(),
            style::ERROR.render_reset(),
            style::clean(&self.message)
        );
        if let Some(hint) = &self.hint {
            let _ = writeln!(
                out,
                "{}hint:{} {}",
                style::HINT.render(),
                style::HINT.render_reset(),
                style::clean(hint)
            );
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// The message of `error` followed by each of its sources, joined by `: `
/// (a source repeating the text already shown is skipped).
pub fn chain(error: &dyn StdError) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(e) = source {
        let part = e.to_string();
        if !part.is_empty() && !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = e.source();
    }
    text
}

/// The exit code for a client error of `kind`: the command's contract,
/// listed in [`EXIT_CODES_HELP`].
pub fn code_for(kind: ErrorKind) -> u8 {
    match kind {
        ErrorKind::InvalidInput | ErrorKind::InvalidConfig | ErrorKind::InvalidBaseUrl => USAGE,
        ErrorKind::Api | ErrorKind::JobAlreadyExists => API_ERROR,
        ErrorKind::Transport => TRANSPORT,
        ErrorKind::OutcomeUnknown => OUTCOME_UNKNOWN,
        ErrorKind::Decode | ErrorKind::Signature => UNTRUSTED_RESPONSE,
        ErrorKind::WaitTimedOut => WAIT_TIMED_OUT,
        // A kind added to smileid-core later: a failure, but none of the
        // above.
        _ => VERIFICATION_FAILED,
    }
}

/// The failure for a client error: its exit code, one line naming Smile
/// ID's code and message, and a hint.
pub fn from_client_error(error: &Error) -> Failure {
    // An image job whose zip did not arrive: the code of what failed, the
    // message and hint of the whole (which name the created job).
    if let Error::UploadIncomplete(incomplete) = error {
        let mut failure = from_client_error(incomplete.cause());
        failure.message = format!(
            "job {} (job_id {}) was created but its images did not arrive: {}",
            incomplete.smile_job_id(),
            incomplete.job_id(),
            failure.message
        );
        failure.hint = error.hint().map(str::to_owned);
        return failure;
    }
    let api = match error {
        Error::JobAlreadyExists(exists) => Some(exists.api()),
        Error::Api(api) => Some(api),
        _ => None,
    };
    let message = match api {
        Some(api) if !api.status().is_redirection() => {
            let (status, code, message, body_snippet) =
                (api.status(), api.code(), api.message(), api.body_snippet());
            let mut text = String::from(if api.operation() == "upload_zip" {
                "upload target error"
            } else {
                "Smile ID error"
            });
            if let Some(code) = code {
                text.push(' ');
                text.push_str(code);
            }
            match message {
                Some(message) => {
                    text.push_str(": ");
                    text.push_str(message);
                    text.push_str(&format!(" (HTTP {})", status.as_u16()));
                }
                None => {
                    text.push_str(&format!(": HTTP {status}"));
                    if let Some(snippet) = body_snippet.filter(|s| !s.is_empty()) {
                        text.push_str("; body: ");
                        text.push_str(snippet);
                    }
                }
            }
            text
        }
        _ => chain(error),
    };
    let mut failure = Failure::new(code_for(error.kind()), message);
    if let Some(hint) = error.hint() {
        failure = failure.with_hint(hint);
    }
    failure
}

/// The failure for a client that could not be built (exit 2).
pub fn from_build_error(error: &BuildError) -> Failure {
    let mut failure = Failure::usage(chain(error));
    if let Some(hint) = error.hint() {
        failure = failure.with_hint(hint);
    }
    failure
}

#[cfg(test)]
mod tests {
    use smileid_hyper::ApiError;
    use smileid_hyper::smileid_core::http::StatusCode;

    use super::*;

    #[test]
    fn every_kind_has_its_documented_code() {
        for (kind, code) in [
            (ErrorKind::InvalidInput, 2),
            (ErrorKind::InvalidConfig, 2),
            (ErrorKind::InvalidBaseUrl, 2),
            (ErrorKind::Api, 3),
            (ErrorKind::Transport, 4),
            (ErrorKind::OutcomeUnknown, 7),
            (ErrorKind::Decode, 5),
            (ErrorKind::Signature, 5),
            (ErrorKind::WaitTimedOut, 6),
            (ErrorKind::JobAlreadyExists, 3),
        ] {
            assert_eq!(code_for(kind), code, "{kind:?}");
            assert!(EXIT_CODES_HELP.contains(&format!("  {code}  ")), "{code}");
        }
    }

    #[test]
    fn api_errors_name_the_code_and_message() {
        let error = Error::Api(
            ApiError::new("job_status", StatusCode::UNAUTHORIZED)
                .with_code("2205")
                .with_message("You're not authorized to do that"),
        );
        let failure = from_client_error(&error);
        assert_eq!(failure.code, API_ERROR);
        assert_eq!(
            failure.message,
            "Smile ID error 2205: You're not authorized to do that (HTTP 401)"
        );
        assert!(failure.hint.is_some_and(|h| h.contains("environment")));
    }

    #[test]
    fn api_errors_without_a_json_body_show_the_snippet() {
        let error = Error::Api(
            ApiError::new("job_status", StatusCode::BAD_GATEWAY)
                .with_body_snippet("<html>bad gateway</html>"),
        );
        let failure = from_client_error(&error);
        assert_eq!(failure.code, API_ERROR);
        assert_eq!(
            failure.message,
            "Smile ID error: HTTP 502 Bad Gateway; body: <html>bad gateway</html>"
        );
    }
}
