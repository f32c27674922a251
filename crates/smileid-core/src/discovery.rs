//! The discovery reads, protocol section 15: `GET /v1/services`,
//! `POST /v1/valid_documents` and `POST /v1/products_config`.
//!
//! All three are idempotent reads, retried as job status is. Their answers
//! are unsigned ([`SignatureCheck::NotApplicable`](crate::SignatureCheck)).
//! The client keeps no cache: fetch the catalogue once, keep the value, and
//! pass it to [`preflight`](crate::preflight) as often as needed.

use bytes::Bytes;
use smileid_types::{
    ProductsConfigResponse, ServicesResponse, SignedOnlyRequest, ValidDocumentsResponse,
};

use crate::error::{Error, InputProblem};
use crate::id_verification::refusal;
use crate::lookup::{SOURCE_SDK, SOURCE_SDK_VERSION};
use crate::operation::{Operation, RepeatSafety, Reply, RequestContext, SignatureMode};
use crate::validate::refuse;
use crate::verified::Verified;

const SERVICES: &str = "services";
const VALID_DOCUMENTS: &str = "valid_documents";
const PRODUCTS_CONFIG: &str = "products_config";

/// Longest `locale` accepted, in bytes.
const MAX_LOCALE_LEN: usize = 35;

/// The services catalogue, as received: [`ServicesQuery`]'s answer.
pub type Services = Verified<ServicesResponse>;
/// The documents the hosted page can capture: [`ValidDocumentsQuery`]'s answer.
pub type ValidDocuments = Verified<ValidDocumentsResponse>;
/// The partner's product configuration: [`ProductsConfigQuery`]'s answer.
pub type ProductsConfig = Verified<ProductsConfigResponse>;

/// `GET /v1/services`: Smile ID's catalogue of ID types, the fields each
/// needs, bank codes and the hosted-web products. Unauthenticated; an
/// optional `locale` (a language tag such as `fr` or `en-GB`: letters,
/// digits and `-`, at most 35 bytes) asks for translated labels.
///
/// ```
/// use smileid_core::{Operation, ServicesQuery};
///
/// assert!(ServicesQuery::new().validate().is_ok());
/// assert!(ServicesQuery::new().with_locale("fr").validate().is_ok());
/// assert!(ServicesQuery::new().with_locale("fr&x=1").validate().is_err());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct ServicesQuery {
    locale: Option<String>,
}

impl ServicesQuery {
    /// The catalogue in the server's default language.
    pub fn new() -> Self {
        Self::default()
    }

    /// Ask for labels in `locale`.
    #[must_use]
    pub fn with_locale(mut self, locale: impl Into<String>) -> Self {
        self.locale = Some(locale.into());
        self
    }

    /// The locale asked for, if any.
    pub fn locale(&self) -> Option<&str> {
        self.locale.as_deref()
    }
}

impl Operation for ServicesQuery {
    type Output = Services;
    const NAME: &'static str = SERVICES;
    const REPEAT_SAFETY: RepeatSafety = RepeatSafety::Idempotent;

    fn validate(&self) -> Result<(), Error> {
        let Some(locale) = &self.locale else {
            return Ok(());
        };
        if locale.is_empty() {
            return Err(refuse(SERVICES, "locale", InputProblem::Empty));
        }
        if locale.len() > MAX_LOCALE_LEN {
            return Err(refuse(
                SERVICES,
                "locale",
                InputProblem::TooLong {
                    len: locale.len(),
                    max: MAX_LOCALE_LEN,
                },
            ));
        }
        if !locale
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return Err(refuse(SERVICES, "locale", InputProblem::InvalidCharacter));
        }
        Ok(())
    }

    fn encode(&self, cx: &RequestContext<'_>) -> Result<http::Request<Bytes>, Error> {
        match &self.locale {
            Some(locale) => cx.get(&format!("{SERVICES}?locale={locale}")),
            None => cx.get(SERVICES),
        }
    }

    fn signature_mode(&self) -> SignatureMode {
        SignatureMode::Absent
    }

    fn decode(&self, reply: Reply) -> Result<Services, Error> {
        let answer: ServicesResponse = reply.json()?;
        checked(reply, answer, |a| &a.extra)
    }

    fn span(&self) -> tracing::Span {
        tracing::info_span!("smileid.services", locale = self.locale.as_deref())
    }
}

/// The answer, unless it is an error envelope sent with a 2xx status
/// (`{"code", "error"}` in place of the catalogue), which is the server's
/// refusal: [`Error::Api`].
fn checked<T>(
    reply: Reply,
    answer: T,
    extra: impl Fn(&T) -> &serde_json::Map<String, serde_json::Value>,
) -> Result<Verified<T>, Error> {
    let extra = extra(&answer);
    if extra.contains_key("error") || extra.get("success") == Some(&serde_json::Value::Bool(false))
    {
        return Err(refusal(&reply, extra));
    }
    Ok(reply.into_verified(answer))
}

/// The signed body of a call that carries only its authentication.
fn signed_only(cx: &RequestContext<'_>, path: &str) -> Result<http::Request<Bytes>, Error> {
    let signed = cx.sign();
    let mut body = SignedOnlyRequest::new(cx.partner_id(), signed.timestamp, signed.signature);
    body.source_sdk = Some(SOURCE_SDK.to_owned());
    body.source_sdk_version = Some(SOURCE_SDK_VERSION.to_owned());
    cx.post_json(path, &body)
}

macro_rules! signed_read {
    (
        $(#[$meta:meta])*
        $query:ident, $name:ident, $span:literal, $response:ty, $output:ty
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
        pub struct $query;

        impl Operation for $query {
            type Output = $output;
            const NAME: &'static str = $name;
            const REPEAT_SAFETY: RepeatSafety = RepeatSafety::Idempotent;

            fn validate(&self) -> Result<(), Error> {
                Ok(())
            }

            fn encode(&self, cx: &RequestContext<'_>) -> Result<http::Request<Bytes>, Error> {
                signed_only(cx, $name)
            }

            fn signature_mode(&self) -> SignatureMode {
                SignatureMode::Absent
            }

            fn decode(&self, reply: Reply) -> Result<$output, Error> {
                let answer: $response = reply.json()?;
                checked(reply, answer, |a| &a.extra)
            }

            fn span(&self) -> tracing::Span {
                tracing::info_span!($span)
            }
        }
    };
}

signed_read! {
    /// `POST /v1/valid_documents`: per country, the documents the hosted
    /// page can capture and whether each has a back. A signed read; its
    /// answer is unsigned.
    ///
    /// ```
    /// use smileid_core::{Operation, ValidDocumentsQuery};
    ///
    /// assert!(ValidDocumentsQuery.validate().is_ok());
    /// ```
    ValidDocumentsQuery, VALID_DOCUMENTS, "smileid.valid_documents", ValidDocumentsResponse, ValidDocuments
}

signed_read! {
    /// `POST /v1/products_config`: the partner's configuration, which ID
    /// types each product offers per country and which need consent. A
    /// signed read; its answer is unsigned.
    ///
    /// ```
    /// use smileid_core::{Operation, ProductsConfigQuery};
    ///
    /// assert!(ProductsConfigQuery.validate().is_ok());
    /// ```
    ProductsConfigQuery, PRODUCTS_CONFIG, "smileid.products_config", ProductsConfigResponse, ProductsConfig
}
