#![doc = include_str!("../README.md")]

mod error;
mod timer;
mod tls;
mod transport;

pub use error::BuildError;
pub use timer::TokioTimer;
pub use tls::CRYPTO_PROVIDER;
pub use transport::{
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_BODY_BYTES, DEFAULT_POOL_IDLE_TIMEOUT,
    DEFAULT_REQUEST_TIMEOUT, HyperTransport, HyperTransportBuilder,
};

/// rustls, re-exported for [`HyperTransportBuilder::tls_config`].
pub use rustls;
/// The `CertificateDer` type of [`HyperTransportBuilder::add_root_certificate_der`].
pub use rustls_pki_types::CertificateDer;
pub use smileid_core::transport::{HttpTransport, Timer, TransportError, TransportErrorKind};
