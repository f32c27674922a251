//! Errors raised while building a transport or a client.

use std::path::PathBuf;

/// Why a [`HyperTransport`](crate::HyperTransport) or a
/// [`Client`](crate::Client) could not be built.
///
/// Every problem with settings, certificates or environment variables is
/// reported here, before any request is sent. `Display` gives a one-line
/// message; the underlying error (if any) is reachable through
/// [`std::error::Error::source`]. No variant ever holds the API key.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// Trusted root certificates given as PEM could not be parsed.
    #[error("invalid PEM in the trusted root certificates{}", origin_suffix(.origin))]
    InvalidPem {
        /// The file the PEM came from, if it came from a file.
        origin: Option<PathBuf>,
        /// The parse error.
        #[source]
        source: rustls_pki_types::pem::Error,
    },

    /// PEM given as trusted roots held no `CERTIFICATE` block.
    #[error("no CERTIFICATE block in the trusted root certificates PEM{}", origin_suffix(.origin))]
    NoCertificatesInPem {
        /// The file the PEM came from, if it came from a file.
        origin: Option<PathBuf>,
    },

    /// A file of trusted root certificates could not be read.
    #[error("could not read the CA certificate file {}", .path.display())]
    ReadCaFile {
        /// The file's path.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },

    /// An extra root certificate is not a usable X.509 trust anchor.
    #[error("extra root certificate #{index} is not a valid trust anchor")]
    InvalidRootCertificate {
        /// Position of the certificate among the extra roots (0-based).
        index: usize,
        /// Why rustls refused it.
        #[source]
        source: rustls::Error,
    },

    /// The root store would be empty, so no server could be trusted.
    ///
    /// Happens with neither the `webpki-roots` nor the `native-roots` feature
    /// (or with built-in roots turned off) and no extra root certificate, or
    /// when the operating system's store is empty.
    #[error(
        "no trusted root certificates: enable the `webpki-roots` or `native-roots` feature, \
         or add roots with add_root_certificates_pem"
    )]
    NoRootCertificates,

    /// Extra root certificates were combined with a custom
    /// [`rustls::ClientConfig`], whose verifier is already built.
    #[error(
        "extra root certificates cannot be combined with a custom TLS config: \
         put them in that config's root store instead"
    )]
    RootsWithCustomTlsConfig,

    /// The user agent token is not a valid HTTP header value (it holds a
    /// control character such as a newline).
    #[error("the user agent token is not a valid HTTP header value")]
    InvalidUserAgent,

    /// rustls refused the TLS configuration.
    #[error("invalid TLS configuration")]
    Tls(#[source] rustls::Error),

    /// smileid-core refused the client settings: empty credentials
    /// ([`Error::InvalidConfig`](smileid_core::Error::InvalidConfig)) or a
    /// refused base URL such as plain `http` to a non-loopback host
    /// ([`Error::InvalidBaseUrl`](smileid_core::Error::InvalidBaseUrl)).
    /// `Display` and `source` are the core error's.
    #[error(transparent)]
    Core(#[from] smileid_core::Error),

    /// A required environment variable is not set (or is empty).
    #[error("environment variable {name} is not set")]
    MissingEnv {
        /// The variable's name.
        name: &'static str,
    },

    /// An environment variable holds a value that cannot be used.
    ///
    /// The message names the variable and what is wrong, never its value
    /// when the variable is secret.
    #[error("environment variable {name} is invalid: {reason}")]
    InvalidEnv {
        /// The variable's name.
        name: &'static str,
        /// What is wrong with it.
        reason: String,
    },
}

/// So that `?` works from building a client to calling it, in a function
/// returning [`smileid_core::Error`] (`smileid_hyper::Error`): a
/// [`BuildError::Core`] gives back the core error it holds; every other
/// problem becomes [`Error::InvalidConfig`](smileid_core::Error::InvalidConfig),
/// with the same message and the build error as its `source`.
impl From<BuildError> for smileid_core::Error {
    fn from(error: BuildError) -> Self {
        match error {
            BuildError::Core(core) => core,
            other => Self::InvalidConfig(smileid_core::ConfigError::with_source(
                other.to_string(),
                other,
            )),
        }
    }
}

impl BuildError {
    /// A one-line suggestion of what to do, when there is one.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            Self::MissingEnv { .. } => Some(
                "set SMILE_PARTNER_ID and SMILE_API_KEY (and optionally SMILE_ENV=sandbox|production, \
                 SMILE_BASE_URL, SMILE_CA_CERT)",
            ),
            Self::InvalidEnv {
                name: "SMILE_ENV", ..
            } => Some(
                "SMILE_ENV must be `sandbox` or `production`; use SMILE_BASE_URL for any other server",
            ),
            Self::InvalidEnv { .. } => Some("environment variables must be valid UTF-8 text"),
            Self::InvalidPem { .. } | Self::NoCertificatesInPem { .. } => {
                Some("give a PEM file of CA certificates (-----BEGIN CERTIFICATE----- blocks)")
            }
            Self::ReadCaFile { .. } => {
                Some("check the path of the CA certificate file (SMILE_CA_CERT)")
            }
            Self::NoRootCertificates => Some(
                "enable the `webpki-roots` or `native-roots` feature of smileid-hyper, or add root certificates",
            ),
            Self::Core(e) => e.hint(),
            _ => None,
        }
    }
}

fn origin_suffix(origin: &Option<PathBuf>) -> String {
    match origin {
        Some(path) => format!(" from {}", path.display()),
        None => String::new(),
    }
}
