//! rustls configuration: the crypto provider, the root store, extra roots.

use std::path::PathBuf;
use std::sync::Arc;

use rustls::RootCertStore;
use rustls::crypto::CryptoProvider;
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;

use crate::BuildError;

/// The name of the rustls crypto provider this build uses: `"ring"` when the
/// `ring` feature is enabled (even together with `aws-lc-rs`), otherwise
/// `"aws-lc-rs"`.
///
/// The provider is handed to each `rustls::ClientConfig` explicitly; smileid
/// never installs a process-wide default provider.
pub const CRYPTO_PROVIDER: &str = if cfg!(feature = "ring") {
    "ring"
} else {
    "aws-lc-rs"
};

/// The crypto provider chosen by the enabled features: `ring` wins when both
/// are enabled, deterministically and without touching the process default.
#[cfg(feature = "ring")]
pub(crate) fn crypto_provider() -> CryptoProvider {
    rustls::crypto::ring::default_provider()
}

#[cfg(all(feature = "aws-lc-rs", not(feature = "ring")))]
pub(crate) fn crypto_provider() -> CryptoProvider {
    rustls::crypto::aws_lc_rs::default_provider()
}

#[cfg(not(any(feature = "ring", feature = "aws-lc-rs")))]
pub(crate) fn crypto_provider() -> CryptoProvider {
    compile_error!(
        "smileid-hyper needs a rustls crypto provider: enable its `ring` feature (the default) \
         or its `aws-lc-rs` feature"
    )
}

/// Where an extra trusted root comes from.
#[derive(Clone)]
pub(crate) enum RootSource {
    /// PEM text (one or more `CERTIFICATE` blocks).
    Pem(Vec<u8>),
    /// A PEM file, read when the transport is built.
    PemFile(PathBuf),
    /// One DER certificate.
    Der(CertificateDer<'static>),
}

impl std::fmt::Debug for RootSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Pem(pem) => write!(f, "Pem({} bytes)", pem.len()),
            Self::PemFile(path) => f.debug_tuple("PemFile").field(path).finish(),
            Self::Der(der) => write!(f, "Der({} bytes)", der.len()),
        }
    }
}

/// Parses every `CERTIFICATE` block of `pem`; other blocks (keys, CRLs) are
/// skipped. No certificate at all is an error.
pub(crate) fn parse_pem_certificates(
    pem: &[u8],
    origin: Option<&PathBuf>,
) -> Result<Vec<CertificateDer<'static>>, BuildError> {
    let mut certs = Vec::new();
    for item in CertificateDer::pem_slice_iter(pem) {
        match item {
            Ok(cert) => certs.push(cert),
            Err(source) => {
                return Err(BuildError::InvalidPem {
                    origin: origin.cloned(),
                    source,
                });
            }
        }
    }
    if certs.is_empty() {
        return Err(BuildError::NoCertificatesInPem {
            origin: origin.cloned(),
        });
    }
    Ok(certs)
}

/// Resolves every extra root source into DER certificates.
pub(crate) fn load_extra_roots(
    sources: &[RootSource],
) -> Result<Vec<CertificateDer<'static>>, BuildError> {
    let mut out = Vec::new();
    for source in sources {
        match source {
            RootSource::Pem(pem) => out.extend(parse_pem_certificates(pem, None)?),
            RootSource::PemFile(path) => {
                let pem = std::fs::read(path).map_err(|source| BuildError::ReadCaFile {
                    path: path.clone(),
                    source,
                })?;
                out.extend(parse_pem_certificates(&pem, Some(path))?);
            }
            RootSource::Der(der) => out.push(der.clone()),
        }
    }
    Ok(out)
}

/// Builds the root store: built-in roots (per features, if `built_in` is
/// set) plus the extra roots.
pub(crate) fn root_store(
    built_in: bool,
    extra: Vec<CertificateDer<'static>>,
) -> Result<RootCertStore, BuildError> {
    let mut roots = RootCertStore::empty();
    if built_in {
        add_built_in_roots(&mut roots);
    }
    for (index, cert) in extra.into_iter().enumerate() {
        roots
            .add(cert)
            .map_err(|source| BuildError::InvalidRootCertificate { index, source })?;
    }
    if roots.is_empty() {
        return Err(BuildError::NoRootCertificates);
    }
    Ok(roots)
}

#[allow(unused_variables)]
fn add_built_in_roots(roots: &mut RootCertStore) {
    #[cfg(feature = "webpki-roots")]
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());

    #[cfg(feature = "native-roots")]
    {
        let loaded = rustls_native_certs::load_native_certs();
        for error in &loaded.errors {
            tracing::debug!(%error, "could not load some native root certificates");
        }
        let (added, ignored) = roots.add_parsable_certificates(loaded.certs);
        tracing::debug!(added, ignored, "loaded native root certificates");
    }
}

/// A rustls client config with the chosen provider and `roots`, ALPN empty
/// (the connector builder fills it in).
pub(crate) fn client_config(roots: RootCertStore) -> Result<rustls::ClientConfig, BuildError> {
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(crypto_provider()))
        .with_safe_default_protocol_versions()
        .map_err(BuildError::Tls)?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ring_wins_when_enabled() {
        // rustls names each provider's random source after the provider.
        let provider = crypto_provider();
        let random = format!("{:?}", provider.secure_random);
        if cfg!(feature = "ring") {
            assert_eq!(CRYPTO_PROVIDER, "ring");
            assert_eq!(random, "Ring");
        } else {
            assert_eq!(CRYPTO_PROVIDER, "aws-lc-rs");
            assert_eq!(random, "AwsLcRs");
        }
        assert!(!provider.cipher_suites.is_empty());
    }

    #[test]
    fn building_never_installs_a_process_default_provider() {
        // With both providers enabled (`--all-features`), rustls cannot pick
        // a default by itself; building must not need one, nor set one.
        let config = client_config(RootCertStore::empty()).unwrap();
        assert!(config.alpn_protocols.is_empty());
        let transport = crate::HyperTransport::builder().tls_config(config).build();
        assert!(transport.is_ok());
        assert!(CryptoProvider::get_default().is_none());
    }

    #[test]
    fn pem_parsing_skips_other_blocks_and_reports_errors() {
        let key_only = b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
        assert!(matches!(
            parse_pem_certificates(key_only, None),
            Err(BuildError::NoCertificatesInPem { origin: None })
        ));
        let truncated = b"-----BEGIN CERTIFICATE-----\nAAAA\n";
        assert!(matches!(
            parse_pem_certificates(truncated, None),
            Err(BuildError::InvalidPem { .. })
        ));
        let two = b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n\
                    -----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n\
                    -----BEGIN CERTIFICATE-----\nAAEC\n-----END CERTIFICATE-----\n";
        let certs = parse_pem_certificates(two, None).unwrap();
        assert_eq!(certs.len(), 2);
        assert_eq!(certs[1].as_ref(), &[0u8, 1, 2]);
    }
}
