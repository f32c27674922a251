//! Which [`TransportErrorKind`] an error from hyper, hyper-util, h2, rustls
//! or the OS is: the decision that retries rest on.

use std::error::Error as StdError;

use smileid_core::transport::TransportErrorKind;

/// Decides the [`TransportErrorKind`] of an error from hyper, hyper-util,
/// h2, rustls or the OS by walking its source chain.
///
/// A timeout anywhere wins; then a failure while connecting (refused, DNS,
/// TLS handshake); then a connection broken mid-flight; anything else is
/// `Other`.
pub(crate) fn classify(error: &(dyn StdError + 'static)) -> TransportErrorKind {
    let mut connect = false;
    let mut broken = false;
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
}
