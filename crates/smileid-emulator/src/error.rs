//! The emulator's error type.

use std::net::SocketAddr;
use std::path::PathBuf;

/// Why the emulator could not start, or refused an operation.
///
/// No variant ever contains the API key.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum EmulatorError {
    /// The partner id or API key is empty.
    #[error("invalid emulator credentials")]
    Credentials(#[source] smileid_sign::CredentialError),
    /// The listening socket could not be opened.
    #[error("could not listen on {addr}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// `start` was not called from within a tokio runtime, or the runtime
    /// has no IO or timer driver.
    #[error("the emulator must be started within a tokio runtime with IO and timers enabled")]
    NoRuntime,
    /// The certificate authority, the server certificate or the TLS
    /// configuration could not be made.
    #[error("TLS setup failed: {0}")]
    Tls(String),
    /// A seed file could not be read.
    #[error("could not read seed file {path}")]
    SeedFile {
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// A seed is not valid JSON of the seed format.
    #[error("invalid seed ({origin})")]
    Seed {
        /// Where the seed came from (a file path, or `"JSON text"`).
        origin: String,
        /// The parser's error.
        #[source]
        source: serde_json::Error,
    },
    /// A job description was refused.
    #[error("invalid job {user_id}/{job_id}: {reason}")]
    InvalidJob {
        /// The job's user id.
        user_id: String,
        /// The job's job id.
        job_id: String,
        /// Why it was refused.
        reason: String,
    },
    /// A fault description was refused.
    #[error("invalid fault: {0}")]
    InvalidFault(String),
    /// The job does not exist.
    #[error("no job {user_id}/{job_id}")]
    UnknownJob {
        /// The user id asked for.
        user_id: String,
        /// The job id asked for.
        job_id: String,
    },
    /// A TLS-only operation was asked of an emulator running plain HTTP.
    #[error("the emulator runs without TLS, so it has no CA certificate")]
    TlsDisabled,
    /// A file could not be written.
    #[error("could not write {path}")]
    Write {
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
}
