//! `POST /v1/token`: a web token for Smile ID's hosted web page, protocol
//! section 14.

use bytes::Bytes;
use smileid_types::{Product, WebToken, WebTokenRequest, WebTokenResponse};

use crate::error::{DecodeError, Error};
use crate::id_verification::refusal;
use crate::lookup::{SOURCE_SDK, SOURCE_SDK_VERSION};
use crate::operation::{Operation, RepeatSafety, Reply, RequestContext, SignatureMode};
use crate::validate::{check_callback_url, check_code, check_id};

const NAME: &str = "token";

/// A web token for Smile ID's hosted web page, which then runs `product` for
/// the partner's `user_id` and `job_id` and submits the job with the token in
/// place of a signature.
///
/// Minting a token creates no job, so the call is retried as job status is
/// (see [repeat safety](crate::retry#repeat-safety)). Its answer is the
/// [`WebToken`] itself: a bearer credential that `Debug` prints redacted and
/// that is read only through [`WebToken::expose_secret`]. Smile ID documents
/// neither its format nor its lifetime: mint one per page load.
///
/// Checked before anything is sent: the ids (as for job status), the
/// product (present, no spaces) and the callback URL (`https`; plain `http`
/// only to a loopback host). Smile ID's docs list `callback_url` as
/// required; without one the job's result is read through job status only.
///
/// ```
/// use smileid_core::WebTokenQuery;
/// use smileid_types::Product;
///
/// let query = WebTokenQuery::new("user-1", "job-1", Product::BiometricKyc)
///     .with_callback_url("https://partner.example/smileid/callback");
/// assert!(smileid_core::Operation::validate(&query).is_ok());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebTokenQuery {
    user_id: String,
    job_id: String,
    product: Product,
    callback_url: Option<String>,
}

impl WebTokenQuery {
    /// A token for the hosted page to run `product` for the partner's
    /// `user_id` and `job_id`.
    pub fn new(
        user_id: impl Into<String>,
        job_id: impl Into<String>,
        product: impl Into<Product>,
    ) -> Self {
        Self {
            user_id: user_id.into(),
            job_id: job_id.into(),
            product: product.into(),
            callback_url: None,
        }
    }

    /// Where Smile ID posts the job's result.
    #[must_use]
    pub fn with_callback_url(mut self, url: impl Into<String>) -> Self {
        self.callback_url = Some(url.into());
        self
    }

    /// The partner's user id.
    pub fn user_id(&self) -> &str {
        &self.user_id
    }

    /// The partner's job id.
    pub fn job_id(&self) -> &str {
        &self.job_id
    }

    /// The product.
    pub fn product(&self) -> &Product {
        &self.product
    }

    /// The callback URL, when set.
    pub fn callback_url(&self) -> Option<&str> {
        self.callback_url.as_deref()
    }
}

impl Operation for WebTokenQuery {
    type Output = WebToken;
    const NAME: &'static str = NAME;
    const REPEAT_SAFETY: RepeatSafety = RepeatSafety::Idempotent;

    fn validate(&self) -> Result<(), Error> {
        check_id(NAME, "user_id", &self.user_id)?;
        check_id(NAME, "job_id", &self.job_id)?;
        check_code(NAME, "product", self.product.as_str())?;
        if let Some(url) = &self.callback_url {
            check_callback_url(NAME, "callback_url", url)?;
        }
        Ok(())
    }

    fn encode(&self, cx: &RequestContext<'_>) -> Result<http::Request<Bytes>, Error> {
        let signed = cx.sign();
        let mut body = WebTokenRequest::new(
            cx.partner_id(),
            signed.timestamp,
            signed.signature,
            self.user_id.clone(),
            self.job_id.clone(),
            self.product.clone(),
        );
        body.callback_url.clone_from(&self.callback_url);
        body.source_sdk = Some(SOURCE_SDK.to_owned());
        body.source_sdk_version = Some(SOURCE_SDK_VERSION.to_owned());
        cx.post_json(NAME, &body)
    }

    fn signature_mode(&self) -> SignatureMode {
        SignatureMode::Absent
    }

    /// The token; a 2xx `{"success": false, ...}` is the server's refusal
    /// ([`Error::Api`]); a success without a token is [`Error::Decode`].
    fn decode(&self, reply: Reply) -> Result<WebToken, Error> {
        let answer: WebTokenResponse = reply.json()?;
        if !answer.success {
            return Err(refusal(&reply, &answer.extra));
        }
        let token = answer.token.expose_secret();
        if token.trim().is_empty() {
            return Err(Error::Decode(DecodeError::new(
                "",
                "token",
                "the answer carries no token",
            )));
        }
        if token.chars().any(char::is_control) {
            return Err(Error::Decode(DecodeError::new(
                "",
                "token",
                "the token holds a control character",
            )));
        }
        Ok(answer.token)
    }

    fn span(&self) -> tracing::Span {
        tracing::info_span!(
            "smileid.token",
            user_id = self.user_id(),
            job_id = self.job_id(),
            product = self.product.as_str(),
        )
    }
}
