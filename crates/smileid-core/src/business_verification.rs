//! `POST /v1/business_verification` and `/v1/async_business_verification`:
//! KYB (job type 7), protocol section 11.

use bytes::Bytes;
use smileid_types::{
    AsyncAcknowledgement, BusinessVerificationRequest, BusinessVerificationResponse, JobType,
};

use crate::error::{Error, InputProblem};
use crate::id_verification::acknowledgement;
use crate::lookup::{JobIds, SOURCE_SDK, SOURCE_SDK_VERSION};
use crate::operation::{Operation, RepeatSafety, Reply, RequestContext, SignatureMode};
use crate::validate::{
    MAX_CODE_LEN, MAX_TEXT_LEN, check_callback_url, check_code, check_country, check_opt_text,
    check_text, refuse,
};
use crate::verified::Verified;

const SYNC: &str = "business_verification";
const ASYNC: &str = "async_business_verification";

/// The verified answer of a business verification.
pub type BusinessVerificationResult = Verified<BusinessVerificationResponse>;

/// The ID types of business verification: an open set, with the documented
/// ones as constants.
pub struct BusinessIdType;

impl BusinessIdType {
    /// A basic search of the business registry.
    pub const BASIC_BUSINESS_REGISTRATION: &'static str = "BASIC_BUSINESS_REGISTRATION";
    /// A full search of the business registry (directors, owners, ...).
    pub const BUSINESS_REGISTRATION: &'static str = "BUSINESS_REGISTRATION";
    /// A search by tax number (Nigeria).
    pub const TAX_INFORMATION: &'static str = "TAX_INFORMATION";
}

/// The kind of a Nigerian business, required with the registry searches
/// there: `bn`, `co`, `it`, or another code Smile ID adds.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BusinessType(String);

impl BusinessType {
    /// A business name (`bn`).
    pub const BUSINESS_NAME: &'static str = "bn";
    /// A private or public limited company (`co`).
    pub const COMPANY: &'static str = "co";
    /// Incorporated trustees (`it`).
    pub const INCORPORATED_TRUSTEES: &'static str = "it";

    /// The business type `code`.
    pub fn new(code: impl Into<String>) -> Self {
        Self(code.into())
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<&str> for BusinessType {
    fn from(code: &str) -> Self {
        Self::new(code)
    }
}

/// A business verification (KYB, job type 7): a registry or tax search of a
/// company in `country`.
///
/// This call **creates (and may bill) a job**: it is never re-sent once it
/// may have reached the server (see [repeat safety](crate::retry#repeat-safety)).
///
/// Checked before anything is sent, beyond the ids and the country: a
/// `business_type` is required for Nigeria's two registry searches (the
/// server would answer `2413`), and refused elsewhere, where it would not
/// be sent; the postal address and code apply only to Kenya's
/// `BUSINESS_REGISTRATION` and are refused elsewhere.
///
/// ```
/// use smileid_core::{BusinessIdType, BusinessVerification};
///
/// let search = BusinessVerification::new(
///     "user-1", "job-1", "NG", BusinessIdType::BUSINESS_REGISTRATION, "0000001",
/// )
/// .business_type("co");
/// assert!(smileid_core::Operation::validate(&search).is_ok());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusinessVerification {
    ids: JobIds,
    country: String,
    id_type: String,
    id_number: String,
    business_type: Option<BusinessType>,
    postal_address: Option<String>,
    postal_code: Option<String>,
}

impl BusinessVerification {
    /// A search of `id_number` of type `id_type` in `country`, for the
    /// partner's `user_id` and a fresh, single-use `job_id`.
    pub fn new(
        user_id: impl Into<String>,
        job_id: impl Into<String>,
        country: impl Into<String>,
        id_type: impl Into<String>,
        id_number: impl Into<String>,
    ) -> Self {
        Self {
            ids: JobIds::new(user_id.into(), job_id.into()),
            country: country.into(),
            id_type: id_type.into(),
            id_number: id_number.into(),
            business_type: None,
            postal_address: None,
            postal_code: None,
        }
    }

    /// The business type (`bn`, `co`, `it`), for Nigerian registry
    /// searches.
    #[must_use]
    pub fn business_type(mut self, business_type: impl Into<BusinessType>) -> Self {
        self.business_type = Some(business_type.into());
        self
    }

    /// The postal address, for Kenyan registry searches.
    #[must_use]
    pub fn postal_address(mut self, address: impl Into<String>) -> Self {
        self.postal_address = Some(address.into());
        self
    }

    /// The postal code, for Kenyan registry searches.
    #[must_use]
    pub fn postal_code(mut self, code: impl Into<String>) -> Self {
        self.postal_code = Some(code.into());
        self
    }

    /// An extra partner param, echoed back in `PartnerParams`.
    #[must_use]
    pub fn partner_param(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.ids.set_extra(key.into(), value.into());
        self
    }

    /// The same search, answered by a POST of the result to `callback_url`.
    pub fn asynchronous(self, callback_url: impl Into<String>) -> AsyncBusinessVerification {
        AsyncBusinessVerification {
            search: self,
            callback_url: callback_url.into(),
        }
    }

    /// The partner's user id.
    pub fn user_id(&self) -> &str {
        &self.ids.user_id
    }

    /// The partner's job id.
    pub fn job_id(&self) -> &str {
        &self.ids.job_id
    }

    fn is_nigerian_registry_search(&self) -> bool {
        self.country.eq_ignore_ascii_case("NG")
            && matches!(
                self.id_type.as_str(),
                BusinessIdType::BASIC_BUSINESS_REGISTRATION | BusinessIdType::BUSINESS_REGISTRATION
            )
    }

    fn is_kenyan_registry_search(&self) -> bool {
        self.country.eq_ignore_ascii_case("KE")
            && self.id_type == BusinessIdType::BUSINESS_REGISTRATION
    }

    fn check(&self, operation: &'static str) -> Result<(), Error> {
        self.ids.validate(operation)?;
        check_country(operation, "country", &self.country)?;
        check_code(operation, "id_type", &self.id_type)?;
        check_text(operation, "id_number", &self.id_number, MAX_CODE_LEN)?;
        match (&self.business_type, self.is_nigerian_registry_search()) {
            (None, true) => return Err(refuse(operation, "business_type", InputProblem::Missing)),
            (Some(_), false) => {
                return Err(refuse(
                    operation,
                    "business_type",
                    InputProblem::NotApplicable,
                ));
            }
            (Some(t), true) => check_code(operation, "business_type", t.as_str())?,
            (None, false) => {}
        }
        for (field, value) in [
            ("postal_address", &self.postal_address),
            ("postal_code", &self.postal_code),
        ] {
            if value.is_some() && !self.is_kenyan_registry_search() {
                return Err(refuse(operation, field, InputProblem::NotApplicable));
            }
            check_opt_text(operation, field, value.as_deref(), MAX_TEXT_LEN)?;
        }
        Ok(())
    }

    fn body(
        &self,
        cx: &RequestContext<'_>,
        callback_url: Option<&str>,
    ) -> BusinessVerificationRequest {
        let signed = cx.sign();
        let mut body = BusinessVerificationRequest::new(
            cx.partner_id(),
            signed.timestamp,
            signed.signature,
            self.ids.partner_params(JobType::BusinessVerification),
            self.country.to_ascii_uppercase(),
            self.id_type.as_str(),
            self.id_number.as_str(),
        );
        body.business_type = self.business_type.as_ref().map(|t| t.as_str().to_owned());
        body.postal_address.clone_from(&self.postal_address);
        body.postal_code.clone_from(&self.postal_code);
        body.callback_url = callback_url.map(str::to_owned);
        body.source_sdk = Some(SOURCE_SDK.to_owned());
        body.source_sdk_version = Some(SOURCE_SDK_VERSION.to_owned());
        body
    }
}

impl Operation for BusinessVerification {
    type Output = BusinessVerificationResult;
    const NAME: &'static str = SYNC;
    const REPEAT_SAFETY: RepeatSafety = RepeatSafety::Entry;

    fn validate(&self) -> Result<(), Error> {
        self.check(SYNC)
    }

    fn encode(&self, cx: &RequestContext<'_>) -> Result<http::Request<Bytes>, Error> {
        cx.post_json(SYNC, &self.body(cx, None))
    }

    fn signature_mode(&self) -> SignatureMode {
        SignatureMode::Expected
    }

    fn decode(&self, reply: Reply) -> Result<BusinessVerificationResult, Error> {
        let answer: BusinessVerificationResponse = reply.json()?;
        Ok(reply.into_verified(answer))
    }

    fn span(&self) -> tracing::Span {
        tracing::info_span!(
            "smileid.business_verification",
            user_id = self.user_id(),
            job_id = self.job_id(),
        )
    }
}

/// A business verification whose result is POSTed to a callback URL; made by
/// [`BusinessVerification::asynchronous`]. Creates (and may bill) a job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AsyncBusinessVerification {
    search: BusinessVerification,
    callback_url: String,
}

impl AsyncBusinessVerification {
    /// The search.
    pub fn search(&self) -> &BusinessVerification {
        &self.search
    }

    /// Where the result is posted.
    pub fn callback_url(&self) -> &str {
        &self.callback_url
    }
}

impl Operation for AsyncBusinessVerification {
    type Output = AsyncAcknowledgement;
    const NAME: &'static str = ASYNC;
    const REPEAT_SAFETY: RepeatSafety = RepeatSafety::Entry;

    fn validate(&self) -> Result<(), Error> {
        self.search.check(ASYNC)?;
        check_callback_url(ASYNC, "callback_url", &self.callback_url)
    }

    fn encode(&self, cx: &RequestContext<'_>) -> Result<http::Request<Bytes>, Error> {
        cx.post_json(ASYNC, &self.search.body(cx, Some(&self.callback_url)))
    }

    fn signature_mode(&self) -> SignatureMode {
        SignatureMode::Absent
    }

    fn decode(&self, reply: Reply) -> Result<AsyncAcknowledgement, Error> {
        acknowledgement(reply)
    }
}
