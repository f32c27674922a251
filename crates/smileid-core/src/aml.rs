//! `POST /v1/aml`: an AML screen (job type 10), protocol section 12.

use bytes::Bytes;
use smileid_types::{AmlRequest, AmlResponse};

use crate::error::{Error, InputProblem};
use crate::lookup::{JobIds, SOURCE_SDK, SOURCE_SDK_VERSION};
use crate::operation::{Operation, RepeatSafety, Reply, RequestContext, SignatureMode};
use crate::validate::{MAX_TEXT_LEN, check_country, check_text, check_year, refuse};
use crate::verified::Verified;

const NAME: &str = "aml";

/// The most countries or aliases accepted in one screen.
pub const MAX_AML_LIST: usize = 32;

/// The verified answer of an AML screen.
pub type AmlResult = Verified<AmlResponse>;

/// An AML screen of a person against sanctions, PEP and adverse-media lists
/// (job type 10): a full name and the countries to search in.
///
/// This call **creates (and may bill) a job**: it is never re-sent once it
/// may have reached the server (see [repeat safety](crate::retry#repeat-safety)).
/// `strict_match` is sent as `true` unless [`strict_match(false)`](Self::strict_match)
/// is asked for.
///
/// ```
/// use smileid_core::Aml;
///
/// let screen = Aml::new("user-1", "job-1", "John Example Doe", ["NG"])
///     .birth_year("1965")
///     .alias("Johnny Doe");
/// assert!(smileid_core::Operation::validate(&screen).is_ok());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Aml {
    ids: JobIds,
    full_name: String,
    countries: Vec<String>,
    birth_year: Option<String>,
    aliases: Vec<String>,
    search_existing_user: bool,
    strict_match: bool,
}

impl Aml {
    /// A screen of `full_name` in `countries` (ISO 3166-1 alpha-2), for the
    /// partner's `user_id` and a fresh `job_id`.
    pub fn new<I, C>(
        user_id: impl Into<String>,
        job_id: impl Into<String>,
        full_name: impl Into<String>,
        countries: I,
    ) -> Self
    where
        I: IntoIterator<Item = C>,
        C: Into<String>,
    {
        Self {
            ids: JobIds::new(user_id.into(), job_id.into()),
            full_name: full_name.into(),
            countries: countries.into_iter().map(Into::into).collect(),
            birth_year: None,
            aliases: Vec::new(),
            search_existing_user: false,
            strict_match: true,
        }
    }

    /// The year of birth, `YYYY` (recommended).
    #[must_use]
    pub fn birth_year(mut self, year: impl Into<String>) -> Self {
        self.birth_year = Some(year.into());
        self
    }

    /// Another name of the person.
    #[must_use]
    pub fn alias(mut self, alias: impl Into<String>) -> Self {
        self.aliases.push(alias.into());
        self
    }

    /// Reuse the data of an earlier KYC job of this user (sent only when
    /// `true`).
    #[must_use]
    pub fn search_existing_user(mut self, search: bool) -> Self {
        self.search_existing_user = search;
        self
    }

    /// Match the name strictly. Default `true`.
    #[must_use]
    pub fn strict_match(mut self, strict: bool) -> Self {
        self.strict_match = strict;
        self
    }

    /// An extra partner param.
    #[must_use]
    pub fn partner_param(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.ids.set_extra(key.into(), value.into());
        self
    }

    /// The partner's user id.
    pub fn user_id(&self) -> &str {
        &self.ids.user_id
    }

    /// The partner's job id.
    pub fn job_id(&self) -> &str {
        &self.ids.job_id
    }
}

impl Operation for Aml {
    type Output = AmlResult;
    const NAME: &'static str = NAME;
    const REPEAT_SAFETY: RepeatSafety = RepeatSafety::Entry;

    fn validate(&self) -> Result<(), Error> {
        self.ids.validate(NAME)?;
        check_text(NAME, "full_name", &self.full_name, MAX_TEXT_LEN)?;
        if self.countries.is_empty() {
            return Err(refuse(NAME, "countries", InputProblem::Empty));
        }
        for (field, list) in [("countries", &self.countries), ("aliases", &self.aliases)] {
            if list.len() > MAX_AML_LIST {
                return Err(refuse(
                    NAME,
                    field,
                    InputProblem::TooMany {
                        count: list.len(),
                        max: MAX_AML_LIST,
                    },
                ));
            }
        }
        for country in &self.countries {
            check_country(NAME, "countries", country)?;
        }
        for alias in &self.aliases {
            check_text(NAME, "aliases", alias, MAX_TEXT_LEN)?;
        }
        if let Some(year) = &self.birth_year {
            check_year(NAME, "birth_year", year)?;
        }
        Ok(())
    }

    fn encode(&self, cx: &RequestContext<'_>) -> Result<http::Request<Bytes>, Error> {
        let signed = cx.sign();
        let extras = self.ids.extras_map();
        let mut body = AmlRequest::new(
            cx.partner_id(),
            signed.timestamp,
            signed.signature,
            self.ids.user_id.as_str(),
            self.ids.job_id.as_str(),
            self.full_name.as_str(),
            self.countries
                .iter()
                .map(|c| c.to_ascii_uppercase())
                .collect(),
        );
        body.birth_year.clone_from(&self.birth_year);
        body.search_existing_user = self.search_existing_user.then_some(true);
        body.strict_match = Some(self.strict_match);
        body.aliases.clone_from(&self.aliases);
        body.partner_params = (!extras.is_empty()).then_some(extras);
        body.source_sdk = Some(SOURCE_SDK.to_owned());
        body.source_sdk_version = Some(SOURCE_SDK_VERSION.to_owned());

        cx.post_json(NAME, &body)
    }

    fn signature_mode(&self) -> SignatureMode {
        SignatureMode::Expected
    }

    fn decode(&self, reply: Reply) -> Result<AmlResult, Error> {
        let answer: AmlResponse = reply.json()?;
        Ok(reply.into_verified(answer))
    }

    fn span(&self) -> tracing::Span {
        tracing::info_span!(
            "smileid.aml",
            user_id = self.user_id(),
            job_id = self.job_id(),
        )
    }
}
