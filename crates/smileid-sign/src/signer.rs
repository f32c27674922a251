//! Signing and verification.

use std::fmt;
use std::time::SystemTime;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::key::{ApiKey, REDACTED};
use crate::timestamp::format_timestamp;

type HmacSha256 = Hmac<Sha256>;

/// The constant text appended to every signed message.
const SUFFIX: &str = "sid_request";

/// Length of a signature: base64 of 32 bytes, with padding.
const SIGNATURE_LEN: usize = 44;

/// Length of an HMAC-SHA256 tag in bytes.
const TAG_LEN: usize = 32;

/// Why a [`Signer`] could not be built.
#[non_exhaustive]
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum CredentialError {
    /// The partner id is empty or only whitespace.
    #[error("the partner id is empty")]
    EmptyPartnerId,
    /// The API key is empty or only whitespace.
    #[error("the API key is empty")]
    EmptyApiKey,
}

/// Why a signature was rejected by [`Signer::verify`].
#[non_exhaustive]
#[derive(Debug, thiserror::Error, Clone, Copy, PartialEq, Eq)]
pub enum VerifyError {
    /// The signature is not strict, padded, standard base64 of exactly
    /// 32 bytes (surrounding whitespace also counts as malformed).
    #[error("the signature is not a base64-encoded 32-byte HMAC-SHA256 value")]
    Malformed,
    /// The signature is well formed but was not made with this partner id
    /// and API key over this timestamp.
    #[error("the signature does not match")]
    Mismatch,
}

/// A timestamp together with its signature, ready to be sent.
///
/// Send `timestamp` exactly as it is: the signature covers that text, byte
/// for byte. `Debug` shows the timestamp and redacts the signature.
#[derive(Clone, PartialEq, Eq)]
pub struct SignedTimestamp {
    /// The base64 signature (44 characters).
    pub signature: String,
    /// The signed timestamp text.
    pub timestamp: String,
}

impl fmt::Debug for SignedTimestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignedTimestamp")
            .field("signature", &Redacted)
            .field("timestamp", &self.timestamp)
            .finish()
    }
}

/// Prints [`REDACTED`] without quotes in `Debug` output.
struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

/// Signs and verifies Smile ID v1 signatures for one partner id and API key.
///
/// `signature = base64(HMAC-SHA256(key = api_key, msg = timestamp ++ partner_id ++ "sid_request"))`
///
/// The signer keeps the keyed HMAC state (not the key text), so each
/// signature costs two SHA-256 block compressions for the usual short
/// messages. Cloning is cheap and needs no allocation beyond the partner id.
/// `Debug` shows the partner id and redacts the key.
#[derive(Clone)]
pub struct Signer {
    /// The HMAC after the key has been absorbed.
    mac: HmacSha256,
    /// `partner_id ++ "sid_request"`, appended to every timestamp.
    tail: Box<str>,
    /// Length of the partner id at the start of `tail`.
    partner_len: usize,
}

impl Signer {
    /// Builds a signer. The partner id and key are used exactly as written
    /// (`"085"` and `"85"` sign differently); an empty or whitespace-only
    /// partner id or key is rejected.
    ///
    /// # Errors
    ///
    /// [`CredentialError::EmptyPartnerId`] or [`CredentialError::EmptyApiKey`]
    /// (the partner id is checked first).
    pub fn new(
        partner_id: impl Into<String>,
        api_key: impl Into<ApiKey>,
    ) -> Result<Self, CredentialError> {
        let partner_id = partner_id.into();
        let api_key = api_key.into();
        if partner_id.trim().is_empty() {
            return Err(CredentialError::EmptyPartnerId);
        }
        if api_key.expose_secret().trim().is_empty() {
            return Err(CredentialError::EmptyApiKey);
        }
        // HMAC accepts keys of any length, so this error cannot occur.
        let mac = HmacSha256::new_from_slice(api_key.expose_secret().as_bytes())
            .map_err(|_| CredentialError::EmptyApiKey)?;
        let partner_len = partner_id.len();
        let mut tail = partner_id;
        tail.push_str(SUFFIX);
        Ok(Self {
            mac,
            tail: tail.into_boxed_str(),
            partner_len,
        })
    }

    /// The partner id, as given to [`Signer::new`].
    pub fn partner_id(&self) -> &str {
        self.tail.get(..self.partner_len).unwrap_or_default()
    }

    /// Signs `timestamp` verbatim. Any text is accepted: the HMAC treats the
    /// timestamp as opaque bytes.
    pub fn sign(&self, timestamp: impl Into<String>) -> SignedTimestamp {
        let timestamp = timestamp.into();
        let tag = self.tag(&timestamp).finalize().into_bytes();
        SignedTimestamp {
            signature: encode_tag(&tag),
            timestamp,
        }
    }

    /// Formats `now` with [`format_timestamp`] (UTC, milliseconds, `Z`) and
    /// signs the result.
    pub fn sign_at(&self, now: SystemTime) -> SignedTimestamp {
        self.sign(format_timestamp(now))
    }

    /// Checks that `signature` is the signature of `timestamp` for this
    /// partner id and key.
    ///
    /// The signature must be strict standard base64 with padding, decoding to
    /// exactly 32 bytes; surrounding whitespace is not trimmed. The decoded
    /// bytes are compared with the expected HMAC in constant time.
    ///
    /// # Errors
    ///
    /// [`VerifyError::Malformed`] when the signature has the wrong shape,
    /// [`VerifyError::Mismatch`] when it has the right shape but is wrong.
    pub fn verify(&self, timestamp: &str, signature: &str) -> Result<(), VerifyError> {
        if signature.len() != SIGNATURE_LEN {
            return Err(VerifyError::Malformed);
        }
        // 44 base64 characters decode to at most 33 bytes; leave room so the
        // decoder never reports a short buffer for an otherwise valid input.
        let mut buf = [0u8; 36];
        let len = STANDARD
            .decode_slice(signature.as_bytes(), &mut buf)
            .map_err(|_| VerifyError::Malformed)?;
        let tag = buf.get(..len).filter(|tag| tag.len() == TAG_LEN);
        let tag = tag.ok_or(VerifyError::Malformed)?;
        self.tag(timestamp)
            .verify_slice(tag)
            .map_err(|_| VerifyError::Mismatch)
    }

    /// The HMAC state after absorbing the whole message for `timestamp`.
    fn tag(&self, timestamp: &str) -> HmacSha256 {
        let mut mac = self.mac.clone();
        mac.update(timestamp.as_bytes());
        mac.update(self.tail.as_bytes());
        mac
    }
}

/// Base64-encodes a tag on the stack, then copies it into one exact-size
/// allocation.
fn encode_tag(tag: &[u8]) -> String {
    let mut buf = [0u8; SIGNATURE_LEN];
    let mut signature = String::with_capacity(SIGNATURE_LEN);
    // A 32-byte tag always encodes to 44 ASCII characters, so neither step
    // can fail; matching on the results only keeps panics out of the code.
    if let Ok(len) = STANDARD.encode_slice(tag, &mut buf)
        && let Ok(text) = std::str::from_utf8(buf.get(..len).unwrap_or_default())
    {
        signature.push_str(text);
    }
    signature
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("partner_id", &self.partner_id())
            .field("api_key", &format_args!("ApiKey({REDACTED})"))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signer() -> Signer {
        match Signer::new("1234", "test-api-key") {
            Ok(signer) => signer,
            Err(e) => panic!("valid credentials rejected: {e}"),
        }
    }

    #[test]
    fn canonical_vector() {
        let signed = signer().sign("2026-08-21T12:00:00.000Z");
        assert_eq!(
            signed.signature,
            "Pu9f+Rp3WnyJ+fI4nQsM8N5BagNzwTi0CdJHUEV1pQ8="
        );
        assert_eq!(signed.signature.capacity(), SIGNATURE_LEN);
    }

    #[test]
    fn partner_id_is_kept_verbatim() {
        let signer = match Signer::new(" 085 ", "k") {
            Ok(s) => s,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(signer.partner_id(), " 085 ");
    }

    #[test]
    fn a_signature_decoding_to_33_bytes_is_malformed() {
        // 44 characters without padding decode to 33 bytes.
        let sig = "A".repeat(44);
        assert_eq!(signer().verify("t", &sig), Err(VerifyError::Malformed));
    }

    #[test]
    fn signature_with_non_canonical_trailing_bits_is_malformed() {
        let good = signer().sign("t").signature;
        // The last data character carries 2 unused low bits; setting one makes
        // the encoding non-canonical.
        let mut bytes = good.into_bytes();
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let pos = alphabet.iter().position(|&c| c == bytes[42]).unwrap_or(0);
        bytes[42] = alphabet[pos ^ 1];
        let sig = String::from_utf8(bytes).unwrap_or_default();
        assert_eq!(signer().verify("t", &sig), Err(VerifyError::Malformed));
    }
}
