//! `POST /v1/token`: a web token for Smile ID's hosted web page, protocol
//! section 14.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::envelope::SignatureText;
use crate::scalar::{de_lenient_bool, de_lenient_string};

/// The product a hosted web page runs: an open set. The documented values
/// are variants; any other text passes through as [`Product::Other`], so a
/// product Smile ID adds needs no new release.
///
/// ```
/// use smileid_types::Product;
///
/// assert_eq!(Product::from("biometric_kyc"), Product::BiometricKyc);
/// assert_eq!(Product::from("future_product").as_str(), "future_product");
/// assert_eq!(Product::EnhancedKyc.to_string(), "enhanced_kyc");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Product {
    /// `authentication`: SmartSelfie authentication.
    Authentication,
    /// `basic_kyc`.
    BasicKyc,
    /// `smartselfie`: SmartSelfie registration.
    SmartSelfie,
    /// `biometric_kyc`.
    BiometricKyc,
    /// `enhanced_kyc`.
    EnhancedKyc,
    /// `doc_verification`: document verification.
    DocVerification,
    /// `ekyc_smartselfie`: the same page as `biometric_kyc`.
    EkycSmartSelfie,
    /// `identity_verification`: the same page as `basic_kyc`.
    IdentityVerification,
    /// `enhanced_document_verification`.
    EnhancedDocumentVerification,
    /// `e_signature`.
    ESignature,
    /// Any other product, as given.
    Other(String),
}

impl Product {
    /// Every documented product, in the protocol's order.
    pub const DOCUMENTED: [Product; 10] = [
        Product::Authentication,
        Product::BasicKyc,
        Product::SmartSelfie,
        Product::BiometricKyc,
        Product::EnhancedKyc,
        Product::DocVerification,
        Product::EkycSmartSelfie,
        Product::IdentityVerification,
        Product::EnhancedDocumentVerification,
        Product::ESignature,
    ];

    /// The product's wire text.
    pub fn as_str(&self) -> &str {
        match self {
            Product::Authentication => "authentication",
            Product::BasicKyc => "basic_kyc",
            Product::SmartSelfie => "smartselfie",
            Product::BiometricKyc => "biometric_kyc",
            Product::EnhancedKyc => "enhanced_kyc",
            Product::DocVerification => "doc_verification",
            Product::EkycSmartSelfie => "ekyc_smartselfie",
            Product::IdentityVerification => "identity_verification",
            Product::EnhancedDocumentVerification => "enhanced_document_verification",
            Product::ESignature => "e_signature",
            Product::Other(text) => text,
        }
    }

    /// Whether this is one of the documented products.
    pub fn is_documented(&self) -> bool {
        !matches!(self, Product::Other(_))
    }
}

impl From<&str> for Product {
    fn from(text: &str) -> Self {
        Product::DOCUMENTED
            .into_iter()
            .find(|p| p.as_str() == text)
            .unwrap_or_else(|| Product::Other(text.to_owned()))
    }
}

impl From<String> for Product {
    fn from(text: String) -> Self {
        match Product::from(text.as_str()) {
            Product::Other(_) => Product::Other(text),
            known => known,
        }
    }
}

impl fmt::Display for Product {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Product {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Product {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Product::from)
    }
}

/// A web token: the bearer credential that Smile ID's hosted web page uses
/// in place of a signature. It is a secret: `Debug` prints
/// `WebToken([REDACTED])`, there is no `Display`, and the value is reached
/// only through [`WebToken::expose_secret`]. Serializes as the plain string
/// (it is written to the browser that way).
///
/// ```
/// use smileid_types::WebToken;
///
/// let token = WebToken::new("b3KpWq9Z");
/// assert_eq!(format!("{token:?}"), "WebToken([REDACTED])");
/// assert_eq!(token.expose_secret(), "b3KpWq9Z");
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct WebToken(String);

impl WebToken {
    /// Wraps token text.
    pub fn new(text: impl Into<String>) -> Self {
        WebToken(text.into())
    }

    /// The token itself. Hand it to the hosted page and nowhere else: it
    /// lets its holder submit a job in the partner's name.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }

    /// Whether the token is empty (an answer that carried none).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for WebToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WebToken([REDACTED])")
    }
}

impl Serialize for WebToken {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for WebToken {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(WebToken)
    }
}

/// The JSON body of `POST /v1/token`, keys in the protocol's order;
/// `None` fields are omitted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct WebTokenRequest {
    /// The partner id, exactly as signed.
    pub partner_id: String,
    /// The signed timestamp.
    #[serde(deserialize_with = "de_lenient_string")]
    pub timestamp: String,
    /// The signature over `timestamp` and `partner_id`.
    pub signature: SignatureText,
    /// The partner's user id for the job the page will run.
    pub user_id: String,
    /// The partner's job id for the job the page will run.
    pub job_id: String,
    /// The product the page runs.
    pub product: Product,
    /// Where the job's result is POSTed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback_url: Option<String>,
    /// The name of the SDK sending the request (`rest_api`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_sdk: Option<String>,
    /// The version of the SDK sending the request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_sdk_version: Option<String>,
}

impl WebTokenRequest {
    /// A request for `user_id`, `job_id` and `product`, signed with
    /// `timestamp` and `signature`; no callback URL and no `source_sdk*`.
    pub fn new(
        partner_id: impl Into<String>,
        timestamp: impl Into<String>,
        signature: impl Into<SignatureText>,
        user_id: impl Into<String>,
        job_id: impl Into<String>,
        product: impl Into<Product>,
    ) -> Self {
        Self {
            partner_id: partner_id.into(),
            timestamp: timestamp.into(),
            signature: signature.into(),
            user_id: user_id.into(),
            job_id: job_id.into(),
            product: product.into(),
            callback_url: None,
            source_sdk: None,
            source_sdk_version: None,
        }
    }
}

/// The answer of `POST /v1/token`: `{"success": true, "token": "..."}`,
/// unsigned. `success` is read as a boolean or `"true"`; other keys are kept.
/// `Debug` never shows the token.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct WebTokenResponse {
    /// Whether a token was issued.
    #[serde(default, deserialize_with = "de_lenient_bool")]
    pub success: bool,
    /// The token.
    #[serde(default)]
    pub token: WebToken,
    /// Every other key, as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl WebTokenResponse {
    /// A successful answer carrying `token`.
    pub fn new(token: WebToken) -> Self {
        Self {
            success: true,
            token,
            extra: Map::new(),
        }
    }
}
