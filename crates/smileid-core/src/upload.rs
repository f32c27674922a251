//! `PUT {upload_url}`: an image job's zip, sent to the presigned URL its
//! prep upload returned (protocol 13.3), usually on Smile ID's S3 bucket
//! rather than the API host.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use http::{HeaderValue, Method, StatusCode};

use crate::environment::{BaseUrl, is_loopback_host};
use crate::error::{ApiError, DecodeError, Error, InputProblem};
use crate::image_job::MAX_IMAGES_TOTAL_BYTES;
use crate::operation::{Operation, RepeatSafety, Reply, RequestContext, SignatureMode};
use crate::transport::RequestTimeout;
use crate::validate::refuse;

const UPLOAD_ZIP: &str = "upload_zip";

/// The longest upload URL accepted, in bytes (presigned S3 URLs with a
/// session token run to about 1.5 kB).
pub const MAX_UPLOAD_URL_LEN: usize = 8 * 1024;

/// The whole-request time limit of a zip PUT unless set otherwise
/// ([`ZipUpload::with_timeout`], the client builders' `upload_timeout`):
/// two minutes, enough for 48 MiB at 4 Mbit/s.
pub const DEFAULT_UPLOAD_TIMEOUT: Duration = Duration::from_secs(120);

/// The largest zip accepted for upload: the images' cap plus room for
/// `info.json`.
pub const MAX_ZIP_BYTES: usize = MAX_IMAGES_TOTAL_BYTES + 1024 * 1024;

/// A checked upload URL: absolute, `https` or `http`, with a host and no
/// user info, at most [`MAX_UPLOAD_URL_LEN`] bytes, kept byte for byte as
/// received (its query is presigned: never re-encoded). Plain `http` is
/// used only when the client's base URL is itself an opted-in loopback URL
/// and the upload host is loopback too ([`allowed_with`](Self::allowed_with)).
///
/// `Debug` and `Display` leave out the query, which holds the presigned
/// signature and session token.
///
/// ```
/// use smileid_core::UploadUrl;
///
/// let url = UploadUrl::parse("https://bucket.s3.amazonaws.com/085/selfie.zip?Expires=1787314500&Signature=abc")?;
/// assert_eq!(url.host(), "bucket.s3.amazonaws.com");
/// assert_eq!(url.expires(), Some(1787314500));
/// assert_eq!(url.to_string(), "https://bucket.s3.amazonaws.com/085/selfie.zip?…");
/// assert!(UploadUrl::parse("/relative/selfie.zip").is_err());
/// assert!(UploadUrl::parse("https://user:pw@host/selfie.zip").is_err());
/// # Ok::<(), String>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct UploadUrl {
    text: String,
    uri: http::Uri,
}

impl UploadUrl {
    /// Checks `text` as an upload URL.
    ///
    /// # Errors
    ///
    /// A one-line reason when it is not absolute `http(s)` with a host, has
    /// user info, a fragment, whitespace or control characters, or is too
    /// long.
    pub fn parse(text: &str) -> Result<Self, String> {
        if text.is_empty() {
            return Err("empty".into());
        }
        if text.len() > MAX_UPLOAD_URL_LEN {
            return Err(format!(
                "{} bytes long, the maximum is {MAX_UPLOAD_URL_LEN}",
                text.len()
            ));
        }
        if text
            .bytes()
            .any(|b| b.is_ascii_whitespace() || b.is_ascii_control())
        {
            return Err("contains whitespace or a control character".into());
        }
        if text.contains('#') {
            return Err("has a fragment".into());
        }
        let uri: http::Uri = text.parse().map_err(|_| "not a valid URL".to_owned())?;
        let (Some(scheme), Some(authority)) = (uri.scheme_str(), uri.authority()) else {
            return Err("not an absolute URL".into());
        };
        if !matches!(scheme, "https" | "http") {
            return Err(format!("the scheme {scheme} is not https"));
        }
        if authority.as_str().contains('@') {
            return Err("has user info (user:password@)".into());
        }
        if authority.host().is_empty() {
            return Err("has no host".into());
        }
        Ok(Self {
            text: text.to_owned(),
            uri,
        })
    }

    /// The URL, byte for byte as received (with its presigned query).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The URL as a URI.
    pub fn uri(&self) -> &http::Uri {
        &self.uri
    }

    /// The host.
    pub fn host(&self) -> &str {
        self.uri.host().unwrap_or_default()
    }

    /// Whether the URL is plain `http`.
    pub fn is_insecure(&self) -> bool {
        self.uri.scheme_str() == Some("http")
    }

    /// The presigned expiry, the `Expires` query value (Unix seconds), when
    /// the URL has one.
    pub fn expires(&self) -> Option<u64> {
        self.uri
            .query()?
            .split('&')
            .find_map(|pair| pair.strip_prefix("Expires="))
            .and_then(|value| value.parse().ok())
    }

    /// Whether this URL may be used by a client of `base`: `https` always;
    /// plain `http` only to a loopback host and only when `base` is itself
    /// an opted-in plain-http loopback URL (a local test server).
    ///
    /// # Errors
    ///
    /// [`Error::Decode`] at `upload_url` otherwise: the prep upload's answer
    /// is unusable, and nothing is sent to it.
    pub fn allowed_with(&self, base: &BaseUrl) -> Result<(), Error> {
        if !self.is_insecure() || (base.is_insecure() && is_loopback_host(self.host())) {
            return Ok(());
        }
        Err(Error::Decode(DecodeError::new(
            "",
            "upload_url",
            format!(
                "plain http to {} is refused: upload URLs must be https (http only to a loopback \
                 host, when the base URL is an opted-in loopback URL)",
                self.host()
            ),
        )))
    }
}

impl fmt::Display for UploadUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = self.uri.scheme_str().unwrap_or_default();
        let authority = self.uri.authority().map_or("", |a| a.as_str());
        write!(f, "{scheme}://{authority}{}", self.uri.path())?;
        if self.uri.query().is_some() {
            f.write_str("?…")?;
        }
        Ok(())
    }
}

impl fmt::Debug for UploadUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("UploadUrl")
            .field(&format_args!("{self}"))
            .finish()
    }
}

/// The PUT of an image job's zip to its upload URL: no signature, no
/// key, `Content-Type: application/zip` exactly (the presigned signature
/// covers it) and the exact `Content-Length`. Idempotent (the same bytes to
/// the same object): retried as job status is. Success is exactly HTTP 200;
/// an error answer is [`Error::Api`] with S3's XML `Code` and `Message`
/// (a `403` usually means the URL expired). The request carries a
/// [`RequestTimeout`] sized for uploads.
///
/// ```
/// use std::time::SystemTime;
/// use bytes::Bytes;
/// use smileid_core::{Environment, UploadUrl, ZipUpload, build_request};
/// use smileid_sign::Signer;
///
/// let url = UploadUrl::parse("https://bucket.s3.amazonaws.com/085/selfie.zip?Expires=1")?;
/// let put = ZipUpload::new(url, Bytes::from_static(b"PK\x05\x06"));
/// let signer = Signer::new("085", "my-api-key")?;
/// let base = Environment::Sandbox.base_url()?;
/// let request = build_request(&put, &signer, &base, SystemTime::now())?;
/// assert_eq!(request.method(), http::Method::PUT);
/// assert_eq!(request.headers()["content-type"], "application/zip");
/// assert_eq!(request.headers()["content-length"], "4");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct ZipUpload {
    url: UploadUrl,
    zip: Bytes,
    timeout: Duration,
}

impl ZipUpload {
    /// A PUT of `zip` to `url`, with the [`DEFAULT_UPLOAD_TIMEOUT`].
    pub fn new(url: UploadUrl, zip: Bytes) -> Self {
        Self {
            url,
            zip,
            timeout: DEFAULT_UPLOAD_TIMEOUT,
        }
    }

    /// Sets the whole-request time limit of each attempt.
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The upload URL.
    pub fn url(&self) -> &UploadUrl {
        &self.url
    }

    /// The zip.
    pub fn zip(&self) -> &Bytes {
        &self.zip
    }

    /// The time limit of each attempt.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }
}

impl Operation for ZipUpload {
    type Output = ();
    const NAME: &'static str = UPLOAD_ZIP;
    const REPEAT_SAFETY: RepeatSafety = RepeatSafety::Idempotent;

    fn validate(&self) -> Result<(), Error> {
        if self.zip.is_empty() {
            return Err(refuse(UPLOAD_ZIP, "zip", InputProblem::Empty));
        }
        if self.zip.len() > MAX_ZIP_BYTES {
            return Err(refuse(
                UPLOAD_ZIP,
                "zip",
                InputProblem::TooLong {
                    len: self.zip.len(),
                    max: MAX_ZIP_BYTES,
                },
            ));
        }
        Ok(())
    }

    fn encode(&self, cx: &RequestContext<'_>) -> Result<http::Request<Bytes>, Error> {
        self.url.allowed_with(cx.base_url())?;
        let mut request = http::Request::new(self.zip.clone());
        *request.method_mut() = Method::PUT;
        *request.uri_mut() = self.url.uri.clone();
        let headers = request.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/zip"));
        headers.insert(CONTENT_LENGTH, HeaderValue::from(self.zip.len()));
        request
            .extensions_mut()
            .insert(RequestTimeout(self.timeout));
        Ok(request)
    }

    fn signature_mode(&self) -> SignatureMode {
        SignatureMode::Absent
    }

    fn decode(&self, reply: Reply) -> Result<(), Error> {
        if reply.status() == StatusCode::OK {
            return Ok(());
        }
        Err(Error::Api(ApiError::new("", reply.status()).with_message(
            "the upload target must answer exactly 200 OK",
        )))
    }

    fn span(&self) -> tracing::Span {
        tracing::info_span!(
            "smileid.upload_zip",
            host = self.url.host(),
            bytes = self.zip.len(),
        )
    }
}
