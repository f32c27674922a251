//! The API key type.

use std::fmt;

use zeroize::Zeroizing;

/// The text printed in place of a secret by every `Debug` and `Display`
/// implementation of this crate.
pub const REDACTED: &str = "[REDACTED]";

/// A Smile ID API key.
///
/// The key text is kept in memory that is overwritten with zeros when the
/// value is dropped. `Debug` prints `ApiKey([REDACTED])` and `Display` prints
/// `[REDACTED]`, so the key cannot leak through formatting or logging. The
/// type deliberately implements no `Serialize`, no `PartialEq` and no way to
/// read the key other than [`ApiKey::expose_secret`].
///
/// ```
/// use smileid_sign::ApiKey;
///
/// let key = ApiKey::new("my-api-key");
/// assert_eq!(format!("{key:?}"), "ApiKey([REDACTED])");
/// assert_eq!(key.to_string(), "[REDACTED]");
/// assert_eq!(key.expose_secret(), "my-api-key");
/// ```
#[derive(Clone)]
pub struct ApiKey(Zeroizing<String>);

impl ApiKey {
    /// Wraps the key text. The text is used as raw UTF-8 bytes for the HMAC,
    /// exactly as given (it is never trimmed or base64-decoded).
    pub fn new(key: impl Into<String>) -> Self {
        Self(Zeroizing::new(key.into()))
    }

    /// The key text. Call this only where the key itself must be handed on
    /// (for example to a secret store); never log the result.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl From<String> for ApiKey {
    fn from(key: String) -> Self {
        Self::new(key)
    }
}

impl From<&str> for ApiKey {
    fn from(key: &str) -> Self {
        Self::new(key)
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ApiKey({REDACTED})")
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formatting_is_redacted_even_with_flags() {
        let key = ApiKey::new("hunter2-secret");
        for text in [
            format!("{key:?}"),
            format!("{key:#?}"),
            format!("{key}"),
            format!("{key:>40}"),
        ] {
            assert!(!text.contains("hunter2"), "{text}");
            assert!(text.contains(REDACTED), "{text}");
        }
    }

    #[test]
    fn conversions_keep_the_text_verbatim() {
        assert_eq!(ApiKey::from(" a b ").expose_secret(), " a b ");
        assert_eq!(ApiKey::from(String::from("k")).expose_secret(), "k");
        assert_eq!(ApiKey::new("k").clone().expose_secret(), "k");
    }
}
