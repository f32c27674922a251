//! Which [`TransportErrorKind`] an error from hyper, hyper-util, h2, rustls
//! or the OS is: the decision that retries rest on.

use std::error::Error as StdError;

use smileid_core::transport::{TransportErrorKind, error_chain as chain};

/// Decides the [`TransportErrorKind`] of an error from hyper, hyper-util,
/// h2, rustls or the OS by walking its source chain.
///
/// A timeout anywhere wins; then a TLS failure (a rustls error, inside an
/// I/O error as hyper-rustls reports it); then a failure while connecting
/// (refused, DNS); then a connection broken mid-flight; anything else is
/// `Other`.
pub(crate) fn classify(error: &(dyn StdError + 'static)) -> TransportErrorKind {
    let mut connect = false;
    let mut broken = false;
    if tls_error(error).is_some() {
        return if timed_out(error) {
            TransportErrorKind::Timeout
        } else {
            TransportErrorKind::Tls
        };
    }
    let mut current = Some(error);
    while let Some(e) = current {
        if let Some(e) = e.downcast_ref::<hyper_util::client::legacy::Error>() {
            connect |= e.is_connect();
        } else if let Some(e) = e.downcast_ref::<hyper::Error>() {
            if e.is_timeout() {
                return TransportErrorKind::Timeout;
            }
            broken |= e.is_incomplete_message()
                || e.is_canceled()
                || e.is_closed()
                || e.is_body_write_aborted();
        } else if let Some(e) = e.downcast_ref::<h2::Error>() {
            broken |= e.is_io() || e.is_reset() || e.is_go_away();
        } else if let Some(e) = e.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind as K;
            match e.kind() {
                K::TimedOut => return TransportErrorKind::Timeout,
                K::ConnectionRefused | K::AddrNotAvailable | K::HostUnreachable => connect = true,
                K::ConnectionReset
                | K::ConnectionAborted
                | K::BrokenPipe
                | K::UnexpectedEof
                | K::NotConnected => broken = true,
                _ => {}
            }
        }
        current = e.source();
    }
    if connect {
        TransportErrorKind::Connect
    } else if broken {
        TransportErrorKind::Io
    } else {
        TransportErrorKind::Other
    }
}

fn timed_out(error: &(dyn StdError + 'static)) -> bool {
    chain(error).any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::TimedOut)
    })
}

/// The rustls error in the chain of `error`, if any.
pub(crate) fn tls_error<'a>(error: &'a (dyn StdError + 'static)) -> Option<&'a rustls::Error> {
    chain(error).find_map(|e| e.downcast_ref::<rustls::Error>())
}

/// What a TLS failure means, in a few words: `certificate not trusted
/// (UnknownIssuer)`, `certificate not valid for this host`, ...
pub(crate) fn describe_tls(error: &rustls::Error) -> String {
    use rustls::CertificateError as C;
    match error {
        rustls::Error::InvalidCertificate(cert) => match cert {
            // Signed by no trusted CA, or by a CA of the same name that is
            // not the trusted one.
            C::UnknownIssuer | C::BadSignature => format!("certificate not trusted ({cert:?})"),
            C::NotValidForName | C::NotValidForNameContext { .. } => {
                "certificate not valid for this host name (NotValidForName)".to_owned()
            }
            C::Expired | C::ExpiredContext { .. } => "certificate expired (Expired)".to_owned(),
            C::NotValidYet | C::NotValidYetContext { .. } => {
                "certificate not valid yet (NotValidYet): check the system clock".to_owned()
            }
            C::Revoked => "certificate revoked (Revoked)".to_owned(),
            other => format!("certificate refused ({other:?})"),
        },
        rustls::Error::AlertReceived(alert) => {
            format!("the server refused the handshake ({alert:?})")
        }
        other => format!("handshake failed ({other})"),
    }
}

#[cfg(test)]
mod tests {
    use smileid_core::transport::TransportError;

    use super::*;

    #[test]
    fn io_error_kinds_are_classified() {
        use std::io::{Error, ErrorKind};
        let cases = [
            (ErrorKind::TimedOut, TransportErrorKind::Timeout),
            (ErrorKind::ConnectionRefused, TransportErrorKind::Connect),
            (ErrorKind::ConnectionReset, TransportErrorKind::Io),
            (ErrorKind::UnexpectedEof, TransportErrorKind::Io),
            (ErrorKind::BrokenPipe, TransportErrorKind::Io),
            (ErrorKind::InvalidData, TransportErrorKind::Other),
        ];
        for (io, expected) in cases {
            let error = Error::new(io, "x");
            assert_eq!(classify(&error), expected, "{io:?}");
            // Also when wrapped in another error's source chain.
            let wrapped = TransportError::new(TransportErrorKind::Other, error);
            assert_eq!(classify(&wrapped), expected, "wrapped {io:?}");
        }
    }

    #[test]
    fn a_rustls_error_inside_an_io_error_is_tls_and_described() {
        let rustls = rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer);
        let io = std::io::Error::new(std::io::ErrorKind::InvalidData, rustls);
        assert_eq!(classify(&io), TransportErrorKind::Tls);
        let wrapped = TransportError::new(TransportErrorKind::Other, io);
        assert_eq!(classify(&wrapped), TransportErrorKind::Tls);
        let found = tls_error(&wrapped).expect("found inside the I/O error");
        assert_eq!(
            describe_tls(found),
            "certificate not trusted (UnknownIssuer)"
        );
        assert!(!TransportErrorKind::Tls.is_retryable());
        assert!(TransportErrorKind::Tls.never_sent());
    }
}
