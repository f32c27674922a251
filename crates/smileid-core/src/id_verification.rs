//! `POST /v1/id_verification` and `/v1/async_id_verification`: Enhanced and
//! Basic KYC (job type 5), protocol section 10.

use bytes::Bytes;
use smileid_types::{
    AsyncAcknowledgement, Consent, ConsentInformation, IdVerificationRequest, JobType, SignedResult,
};

use crate::error::{Error, InputProblem};
use crate::lookup::{IdVerificationResult, JobIds, SOURCE_SDK, SOURCE_SDK_VERSION};
use crate::operation::{Operation, RepeatSafety, Reply, RequestContext, SignatureMode};
use crate::validate::{
    MAX_CODE_LEN, MAX_TEXT_LEN, check_callback_url, check_code, check_country, check_date,
    check_one_of, check_opt_text, check_text, refuse,
};

const SYNC: &str = "id_verification";
const ASYNC: &str = "async_id_verification";

/// An ID type, such as `BVN` or `NATIONAL_ID`: an open set (Smile ID adds
/// types; any code-like text is accepted), with the common ones as
/// constants. The catalogue of `GET /v1/services` lists them per country.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IdType(String);

impl IdType {
    /// Nigeria's Bank Verification Number.
    pub const BVN: &'static str = "BVN";
    /// Nigeria's National Identification Number (current version).
    pub const NIN_V2: &'static str = "NIN_V2";
    /// A national ID card (Kenya, Ghana, Uganda, ...).
    pub const NATIONAL_ID: &'static str = "NATIONAL_ID";
    /// A passport.
    pub const PASSPORT: &'static str = "PASSPORT";
    /// A voter's card.
    pub const VOTER_ID: &'static str = "VOTER_ID";
    /// A bank account (needs a bank code).
    pub const BANK_ACCOUNT: &'static str = "BANK_ACCOUNT";

    /// The ID type `text`, checked when the request is validated.
    pub fn new(text: impl Into<String>) -> Self {
        Self(text.into())
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<&str> for IdType {
    fn from(text: &str) -> Self {
        Self::new(text)
    }
}

impl From<String> for IdType {
    fn from(text: String) -> Self {
        Self(text)
    }
}

/// An Enhanced or Basic KYC lookup (job type 5): a country, an ID type and
/// number, and the details to match. Send it with
/// [`Client::send`](crate::Client::send) for the answer now, or make it
/// [`asynchronous`](Self::asynchronous) to get the result by callback.
///
/// This call **creates (and may bill) a job**: it is never re-sent once it
/// may have reached the server (see [repeat safety](crate::retry#repeat-safety)).
///
/// Everything is checked before anything is sent: the ids (as for job
/// status), the country (ISO 3166-1 alpha-2, sent upper case), the ID type
/// and number (present, at most 64 bytes, no control characters; the ID
/// type without spaces), the date of birth (`YYYY-MM-DD`, a real date), the
/// gender (`M` or `F`), the names and other texts (at most 1024 bytes, no
/// control characters) and the extra partner params (not a reserved key).
///
/// ```
/// use smileid_core::{IdType, IdVerification};
///
/// let lookup = IdVerification::new("user-1", "job-1", "NG", IdType::BVN, "00000000000")
///     .first_name("Adaeze")
///     .last_name("Okafor")
///     .date_of_birth("1991-03-14")
///     .partner_param("order_ref", "A-1001");
/// assert!(smileid_core::Operation::validate(&lookup).is_ok());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdVerification {
    ids: JobIds,
    country: String,
    id_type: IdType,
    id_number: String,
    first_name: Option<String>,
    middle_name: Option<String>,
    last_name: Option<String>,
    dob: Option<String>,
    gender: Option<String>,
    phone_number: Option<String>,
    bank_code: Option<String>,
    consent: Option<Consent>,
}

macro_rules! optional_setters {
    ($( $(#[$meta:meta])* $name:ident => $field:ident, )*) => {
        $(
            $(#[$meta])*
            #[must_use]
            pub fn $name(mut self, value: impl Into<String>) -> Self {
                self.$field = Some(value.into());
                self
            }
        )*
    };
}

impl IdVerification {
    /// A lookup of `id_number` of type `id_type` in `country`, for the
    /// partner's `user_id` and a fresh, single-use `job_id`.
    pub fn new(
        user_id: impl Into<String>,
        job_id: impl Into<String>,
        country: impl Into<String>,
        id_type: impl Into<IdType>,
        id_number: impl Into<String>,
    ) -> Self {
        Self {
            ids: JobIds::new(user_id.into(), job_id.into()),
            country: country.into(),
            id_type: id_type.into(),
            id_number: id_number.into(),
            first_name: None,
            middle_name: None,
            last_name: None,
            dob: None,
            gender: None,
            phone_number: None,
            bank_code: None,
            consent: None,
        }
    }

    optional_setters! {
        /// The first name, to match.
        first_name => first_name,
        /// The middle name, to match.
        middle_name => middle_name,
        /// The last name, to match.
        last_name => last_name,
        /// The date of birth, `YYYY-MM-DD`, to match.
        date_of_birth => dob,
        /// The gender: `M` or `F`.
        gender => gender,
        /// The phone number.
        phone_number => phone_number,
        /// The bank code (for [`IdType::BANK_ACCOUNT`]), from the services
        /// catalogue.
        bank_code => bank_code,
    }

    /// The user's consent, for the ID types that require it: granted at
    /// `granted_at` (ISO 8601), covering all three kinds of data.
    #[must_use]
    pub fn consent(mut self, granted_at: impl Into<String>) -> Self {
        self.consent = Some(Consent::all(granted_at));
        self
    }

    /// The user's consent, in detail.
    #[must_use]
    pub fn consent_details(mut self, consent: Consent) -> Self {
        self.consent = Some(consent);
        self
    }

    /// An extra partner param, echoed back in `PartnerParams` (a later
    /// value for the same key replaces the earlier).
    #[must_use]
    pub fn partner_param(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.ids.set_extra(key.into(), value.into());
        self
    }

    /// The same lookup, answered by a POST of the result to `callback_url`
    /// (`https`; plain `http` only to a loopback host).
    pub fn asynchronous(self, callback_url: impl Into<String>) -> AsyncIdVerification {
        AsyncIdVerification {
            lookup: self,
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

    /// The country, as given.
    pub fn country(&self) -> &str {
        &self.country
    }

    /// The ID type.
    pub fn id_type(&self) -> &IdType {
        &self.id_type
    }

    /// The value of the request field named as Smile ID's services
    /// catalogue names it (`id_number`, `first_name`, `dob`, `bank_code`,
    /// ...; `day`, `month` and `year` are read from the date of birth), or
    /// of the extra partner param of that name; `None` when absent or empty.
    ///
    /// ```
    /// use smileid_core::{IdType, IdVerification};
    ///
    /// let lookup = IdVerification::new("u", "j", "ZA", "NATIONAL_ID", "0000000000000")
    ///     .date_of_birth("1990-07-01")
    ///     .partner_param("citizenship", "ZA");
    /// assert_eq!(lookup.field("id_number"), Some("0000000000000"));
    /// assert_eq!(lookup.field("month"), Some("07"));
    /// assert_eq!(lookup.field("citizenship"), Some("ZA"));
    /// assert_eq!(lookup.field("first_name"), None);
    /// ```
    pub fn field(&self, name: &str) -> Option<&str> {
        let dob_part = |index: usize| {
            self.dob
                .as_deref()
                .and_then(|dob| dob.split('-').nth(index))
        };
        let value = match name {
            "user_id" => Some(self.ids.user_id.as_str()),
            "job_id" => Some(self.ids.job_id.as_str()),
            "country" => Some(self.country.as_str()),
            "id_type" => Some(self.id_type.as_str()),
            "id_number" => Some(self.id_number.as_str()),
            "first_name" => self.first_name.as_deref(),
            "middle_name" => self.middle_name.as_deref(),
            "last_name" => self.last_name.as_deref(),
            "dob" => self.dob.as_deref(),
            "year" => dob_part(0),
            "month" => dob_part(1),
            "day" => dob_part(2),
            "gender" => self.gender.as_deref(),
            "phone_number" => self.phone_number.as_deref(),
            "bank_code" => self.bank_code.as_deref(),
            other => self
                .ids
                .extras
                .iter()
                .find(|(key, _)| key == other)
                .map(|(_, value)| value.as_str()),
        };
        value.filter(|v| !v.trim().is_empty())
    }

    /// The ID number, as given.
    pub fn id_number(&self) -> &str {
        &self.id_number
    }

    fn check(&self, operation: &'static str) -> Result<(), Error> {
        self.ids.validate(operation)?;
        check_country(operation, "country", &self.country)?;
        check_code(operation, "id_type", self.id_type.as_str())?;
        check_text(operation, "id_number", &self.id_number, MAX_CODE_LEN)?;
        for (field, value) in [
            ("first_name", &self.first_name),
            ("middle_name", &self.middle_name),
            ("last_name", &self.last_name),
        ] {
            check_opt_text(operation, field, value.as_deref(), MAX_TEXT_LEN)?;
        }
        if let Some(dob) = &self.dob {
            check_date(operation, "dob", dob)?;
        }
        if let Some(gender) = &self.gender {
            check_one_of(operation, "gender", gender, &["M", "F"])?;
        }
        check_opt_text(
            operation,
            "phone_number",
            self.phone_number.as_deref(),
            MAX_CODE_LEN,
        )?;
        check_opt_text(
            operation,
            "bank_code",
            self.bank_code.as_deref(),
            MAX_CODE_LEN,
        )?;
        if self.id_type.as_str() == IdType::BANK_ACCOUNT && self.bank_code.is_none() {
            return Err(refuse(operation, "bank_code", InputProblem::Missing));
        }
        if let Some(consent) = &self.consent {
            check_text(
                operation,
                "consent_granted_date",
                &consent.consent_granted_date,
                MAX_CODE_LEN,
            )?;
        }
        Ok(())
    }

    fn body(&self, cx: &RequestContext<'_>, callback_url: Option<&str>) -> IdVerificationRequest {
        let signed = cx.sign();
        let mut body = IdVerificationRequest::new(
            cx.partner_id(),
            signed.timestamp,
            signed.signature,
            self.ids.partner_params(JobType::EnhancedKyc),
            self.country.to_ascii_uppercase(),
            self.id_type.as_str(),
            self.id_number.as_str(),
        );
        body.first_name.clone_from(&self.first_name);
        body.middle_name.clone_from(&self.middle_name);
        body.last_name.clone_from(&self.last_name);
        body.dob.clone_from(&self.dob);
        body.gender.clone_from(&self.gender);
        body.phone_number.clone_from(&self.phone_number);
        body.bank_code.clone_from(&self.bank_code);
        body.consent_information = self.consent.clone().map(ConsentInformation::new);
        body.callback_url = callback_url.map(str::to_owned);
        body.source_sdk = Some(SOURCE_SDK.to_owned());
        body.source_sdk_version = Some(SOURCE_SDK_VERSION.to_owned());
        body
    }
}

impl Operation for IdVerification {
    type Output = IdVerificationResult;
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

    fn decode(&self, reply: Reply) -> Result<IdVerificationResult, Error> {
        let answer: SignedResult = reply.json()?;
        Ok(reply.into_verified(answer))
    }

    fn span(&self) -> tracing::Span {
        tracing::info_span!(
            "smileid.id_verification",
            user_id = self.user_id(),
            job_id = self.job_id(),
            country = self.country(),
            id_type = self.id_type.as_str(),
        )
    }
}

/// An ID lookup whose result is POSTed to a callback URL; the call itself
/// answers with an [`AsyncAcknowledgement`]. Made by
/// [`IdVerification::asynchronous`]. The result that arrives at the
/// callback is verified with [`verify_callback`](crate::verify_callback)
/// into the same [`SignedResult`] as the sync answer, and is also readable
/// through job status with the same ids.
///
/// This call **creates (and may bill) a job**, as the sync lookup does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AsyncIdVerification {
    lookup: IdVerification,
    callback_url: String,
}

impl AsyncIdVerification {
    /// The lookup.
    pub fn lookup(&self) -> &IdVerification {
        &self.lookup
    }

    /// Where the result is posted.
    pub fn callback_url(&self) -> &str {
        &self.callback_url
    }
}

impl Operation for AsyncIdVerification {
    type Output = AsyncAcknowledgement;
    const NAME: &'static str = ASYNC;
    const REPEAT_SAFETY: RepeatSafety = RepeatSafety::Entry;

    fn validate(&self) -> Result<(), Error> {
        self.lookup.check(ASYNC)?;
        check_callback_url(ASYNC, "callback_url", &self.callback_url)
    }

    fn encode(&self, cx: &RequestContext<'_>) -> Result<http::Request<Bytes>, Error> {
        cx.post_json(ASYNC, &self.lookup.body(cx, Some(&self.callback_url)))
    }

    fn signature_mode(&self) -> SignatureMode {
        SignatureMode::Absent
    }

    fn decode(&self, reply: Reply) -> Result<AsyncAcknowledgement, Error> {
        acknowledgement(reply)
    }

    fn span(&self) -> tracing::Span {
        tracing::info_span!(
            "smileid.async_id_verification",
            user_id = self.lookup.user_id(),
            job_id = self.lookup.job_id(),
        )
    }
}

/// Reads `{"success": true}`; a 2xx `{"success": false, "code", "error"}` is
/// the server's refusal, given as [`Error::Api`].
pub(crate) fn acknowledgement(reply: Reply) -> Result<AsyncAcknowledgement, Error> {
    let ack: AsyncAcknowledgement = reply.json()?;
    if !ack.success {
        return Err(refusal(&reply, &ack.extra));
    }
    Ok(ack)
}

/// A 2xx answer with `"success": false`: the server's refusal, given as
/// [`Error::Api`] with the body's `code` and `error` when present.
pub(crate) fn refusal(reply: &Reply, extra: &serde_json::Map<String, serde_json::Value>) -> Error {
    let mut error = crate::ApiError::new("", reply.status());
    if let Some(code) = extra.get("code").and_then(json_text) {
        error = error.with_code(code);
    }
    if let Some(message) = extra.get("error").and_then(json_text) {
        error = error.with_message(message);
    }
    Error::Api(error)
}

fn json_text(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::String(s) => Some(crate::redaction::one_line(s, 500)),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}
