//! `smileid sign`, `smileid verify` and `smileid verify-callback`.

use std::io::{Read, Write};
use std::path::Path;
use std::time::SystemTime;

use smileid_hyper::sign::VerifyError;
use smileid_hyper::{CallbackError, CallbackPolicy, DEFAULT_MAX_CALLBACK_BYTES, verify_callback};

use crate::args::{SignArgs, VerifyArgs, VerifyCallbackArgs};
use crate::exit::{self, Failure};
use crate::{config, render};

/// Runs `sign`: prints `{"signature":"...","timestamp":"..."}`.
///
/// # Errors
///
/// A usage [`Failure`] without credentials.
pub fn sign(args: &SignArgs) -> Result<(), Failure> {
    let signer = config::signer(&args.credentials)?;
    let signed = match &args.timestamp {
        Some(timestamp) => signer.sign(timestamp.clone()),
        None => signer.sign_at(SystemTime::now()),
    };
    let line = serde_json::json!({
        "signature": signed.signature,
        "timestamp": signed.timestamp,
    });
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
    Ok(())
}

/// Runs `verify`: prints `valid`, or fails with exit 1.
///
/// # Errors
///
/// Exit 1 for a malformed or mismatching signature; a usage [`Failure`]
/// without credentials.
pub fn verify(args: &VerifyArgs) -> Result<(), Failure> {
    let signer = config::signer(&args.credentials)?;
    match signer.verify(&args.timestamp, &args.signature) {
        Ok(()) => {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "valid");
            Ok(())
        }
        Err(VerifyError::Malformed) => Err(Failure::new(
            exit::VERIFICATION_FAILED,
            "invalid: the signature is malformed (not base64 of a 32-byte HMAC-SHA256)",
        )),
        Err(_) => Err(Failure::new(
            exit::VERIFICATION_FAILED,
            "invalid: signature mismatch (not made with this partner id and API key over this timestamp)",
        )
        .with_hint(
            "check the partner id (\"085\" and \"85\" differ), the API key's environment, and that the timestamp is exactly as received",
        )),
    }
}

/// Reads at most `max + 1` bytes of the callback body from `path` (stdin
/// when `None` or `-`).
fn read_body(path: Option<&Path>, max: usize) -> Result<Vec<u8>, Failure> {
    let limit = u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1);
    let mut body = Vec::new();
    match path.filter(|p| p.as_os_str() != "-") {
        Some(path) => {
            let file = std::fs::File::open(path)
                .map_err(|e| Failure::usage(format!("could not open {}: {e}", path.display())))?;
            file.take(limit)
                .read_to_end(&mut body)
                .map_err(|e| Failure::usage(format!("could not read {}: {e}", path.display())))?;
        }
        None => {
            std::io::stdin()
                .lock()
                .take(limit)
                .read_to_end(&mut body)
                .map_err(|e| Failure::usage(format!("could not read standard input: {e}")))?;
        }
    }
    Ok(body)
}

/// Runs `verify-callback`: checks size, signature and age, then prints the
/// summary (or the body as JSON).
///
/// # Errors
///
/// Exit 1 when the callback is refused; a usage [`Failure`] without
/// credentials or when the input cannot be read.
pub fn verify_callback_cmd(args: &VerifyCallbackArgs) -> Result<(), Failure> {
    let signer = config::signer(&args.credentials)?;
    let policy = CallbackPolicy::default()
        .with_max_age(args.max_age)
        .with_max_future(args.max_future);
    let body = read_body(args.file.as_deref(), policy.max_body_bytes)?;
    if body.len() > policy.max_body_bytes {
        return Err(Failure::new(
            exit::VERIFICATION_FAILED,
            format!(
                "callback refused: the body is larger than the {DEFAULT_MAX_CALLBACK_BYTES}-byte limit"
            ),
        ));
    }
    let now = SystemTime::now();
    let callback = verify_callback(&signer, &body, now, &policy).map_err(|e| {
        let failure = Failure::new(exit::VERIFICATION_FAILED, format!("callback refused: {e}"));
        match e {
            CallbackError::Stale { .. } => failure.with_hint(
                "a stored callback can be checked with a larger --max-age (seconds)",
            ),
            CallbackError::FutureDated { .. } => failure.with_hint(
                "check this machine's clock, or allow more skew with --max-future (seconds)",
            ),
            CallbackError::BadSignature(_) => failure.with_hint(
                "check the partner id and that the API key belongs to the environment that sent the callback",
            ),
            _ => failure,
        }
    })?;
    let text = if args.json {
        super::job_status::pretty_json(&body)?
    } else {
        let age = now.duration_since(callback.signed_at()).ok();
        render::callback(callback.result(), &callback.body().timestamp, age)
    };
    let mut out = anstream::stdout();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
    Ok(())
}
