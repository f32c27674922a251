//! The emulator's own certificate authority and server certificate.

use std::sync::Arc;
use std::time::Duration;

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose,
};
use rustls::ServerConfig;
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use time::OffsetDateTime;

use crate::error::EmulatorError;

/// The names every server certificate covers.
pub(crate) const DEFAULT_NAMES: [&str; 3] = ["localhost", "127.0.0.1", "::1"];

/// A freshly made CA and the server configuration using a leaf signed by it.
pub(crate) struct TlsMaterial {
    /// The CA certificate in PEM, for clients to trust.
    pub ca_pem: String,
    /// The rustls server configuration (ring provider, ALPN h2 + http/1.1).
    pub config: Arc<ServerConfig>,
}

fn tls_err(what: &str, e: impl std::fmt::Display) -> EmulatorError {
    EmulatorError::Tls(format!("{what}: {e}"))
}

/// Makes a new CA and a leaf certificate for `DEFAULT_NAMES` plus `extra`.
pub(crate) fn make_tls(extra_names: &[String]) -> Result<TlsMaterial, EmulatorError> {
    let now = OffsetDateTime::now_utc();
    let not_before = now - Duration::from_secs(3600);

    let ca_key = KeyPair::generate().map_err(|e| tls_err("generating the CA key", e))?;
    let mut ca_params = CertificateParams::default();
    let mut ca_dn = DistinguishedName::new();
    ca_dn.push(DnType::CommonName, "smileid-emulator local CA");
    ca_dn.push(DnType::OrganizationName, "smileid-emulator");
    ca_params.distinguished_name = ca_dn;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    ca_params.not_before = not_before;
    ca_params.not_after = now + Duration::from_secs(10 * 365 * 24 * 3600);
    let ca_cert = ca_params
        .self_signed(&ca_key)
        .map_err(|e| tls_err("signing the CA certificate", e))?;
    let ca_pem = ca_cert.pem();
    let issuer = Issuer::new(ca_params, ca_key);

    let mut names: Vec<String> = DEFAULT_NAMES.iter().map(|s| (*s).to_owned()).collect();
    for name in extra_names {
        if !names.contains(name) {
            names.push(name.clone());
        }
    }
    let leaf_key = KeyPair::generate().map_err(|e| tls_err("generating the server key", e))?;
    let mut leaf_params =
        CertificateParams::new(names).map_err(|e| tls_err("invalid certificate name", e))?;
    let mut leaf_dn = DistinguishedName::new();
    leaf_dn.push(DnType::CommonName, "localhost");
    leaf_params.distinguished_name = leaf_dn;
    leaf_params.is_ca = IsCa::ExplicitNoCa;
    leaf_params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    leaf_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    leaf_params.use_authority_key_identifier_extension = true;
    leaf_params.not_before = not_before;
    // Short enough for every client's validity limits (at most 397 days).
    leaf_params.not_after = now + Duration::from_secs(365 * 24 * 3600);
    let leaf_cert = leaf_params
        .signed_by(&leaf_key, &issuer)
        .map_err(|e| tls_err("signing the server certificate", e))?;

    let chain = vec![
        CertificateDer::from(leaf_cert.der().to_vec()),
        CertificateDer::from(ca_cert.der().to_vec()),
    ];
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));

    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| tls_err("TLS protocol versions", e))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| tls_err("server certificate", e))?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(TlsMaterial {
        ca_pem,
        config: Arc::new(config),
    })
}
