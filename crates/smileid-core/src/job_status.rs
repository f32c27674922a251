//! `POST /v1/job_status`: the status and result of one job.

use std::time::SystemTime;

use bytes::Bytes;
use smileid_sign::Signer;
use smileid_types::{JobStatusRequest, JobStatusResponse};

use crate::environment::BaseUrl;
use crate::error::Error;
use crate::operation::{Operation, RepeatSafety, Reply, RequestContext};
use crate::validate::check_id;
use crate::verified::JobStatus;

/// The operation's name in errors and logs.
pub(crate) const NAME: &str = "job_status";

/// Which job to ask about: the partner's `user_id` and `job_id` (not Smile
/// ID's `SmileJobID`), and whether to include the user's earlier results
/// (`history`) and signed image links (`image_links`).
///
/// Ids are checked before anything is sent (see [`JobStatusQuery::validate`]):
/// each must be non-empty, not only whitespace, at most [`MAX_ID_LEN`](crate::MAX_ID_LEN) (256)
/// bytes, and free of control characters. A bad id gives
/// [`Error::InvalidInput`].
///
/// `history` and `image_links` are sent as `true` only when requested and
/// left out of the body otherwise (the API's default is `false`).
///
/// ```
/// use smileid_core::JobStatusQuery;
///
/// let query = JobStatusQuery::new("user-1", "job-1").with_history(true);
/// assert!(query.history());
/// assert!(!query.image_links());
/// assert!(query.validate().is_ok());
/// assert!(JobStatusQuery::new(" ", "job-1").validate().is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct JobStatusQuery {
    user_id: String,
    job_id: String,
    history: bool,
    image_links: bool,
}

impl JobStatusQuery {
    /// A query for the job `job_id` of the user `user_id`, without history or
    /// image links.
    pub fn new(user_id: impl Into<String>, job_id: impl Into<String>) -> Self {
        Self {
            user_id: user_id.into(),
            job_id: job_id.into(),
            history: false,
            image_links: false,
        }
    }

    /// Also return every earlier result of this user.
    #[must_use]
    pub fn with_history(mut self, history: bool) -> Self {
        self.history = history;
        self
    }

    /// Also return signed, expiring image URLs.
    #[must_use]
    pub fn with_image_links(mut self, image_links: bool) -> Self {
        self.image_links = image_links;
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

    /// Whether history is requested.
    pub fn history(&self) -> bool {
        self.history
    }

    /// Whether image links are requested.
    pub fn image_links(&self) -> bool {
        self.image_links
    }

    /// Checks both ids; the first problem found is returned as
    /// [`Error::InvalidInput`].
    pub fn validate(&self) -> Result<(), Error> {
        check_id(NAME, "user_id", &self.user_id)?;
        check_id(NAME, "job_id", &self.job_id)
    }
}

impl Operation for JobStatusQuery {
    type Output = JobStatus;
    const NAME: &'static str = NAME;
    const REPEAT_SAFETY: RepeatSafety = RepeatSafety::Idempotent;

    fn validate(&self) -> Result<(), Error> {
        JobStatusQuery::validate(self)
    }

    fn encode(&self, cx: &RequestContext<'_>) -> Result<http::Request<Bytes>, Error> {
        let signed = cx.sign();
        let mut body = JobStatusRequest::new(
            cx.partner_id(),
            signed.timestamp,
            signed.signature,
            self.user_id.as_str(),
            self.job_id.as_str(),
        );
        body.history = self.history.then_some(true);
        body.image_links = self.image_links.then_some(true);

        cx.post_json("job_status", &body)
    }

    fn decode(&self, reply: Reply) -> Result<JobStatus, Error> {
        let response: JobStatusResponse = reply.json()?;
        Ok(reply.into_verified(response))
    }

    fn span(&self) -> tracing::Span {
        tracing::info_span!(
            "smileid.job_status",
            user_id = self.user_id(),
            job_id = self.job_id(),
        )
    }
}

/// Builds the signed `POST {base}/job_status` request for `query`, with a
/// timestamp and signature made from `now`: [`build_request`](crate::build_request)
/// for job status.
///
/// The body is a JSON object with `partner_id`, `timestamp`, `signature`,
/// `user_id` and `job_id`, plus `"history": true` and `"image_links": true`
/// when requested (they are left out otherwise). Headers: `Content-Type:
/// application/json`, `Accept: application/json`, `Content-Length`, and
/// `User-Agent: smileid-core/<version>` (replace or extend it as you like).
///
/// Call it again for every attempt: each request must carry a fresh
/// timestamp and signature.
///
/// # Errors
///
/// [`Error::InvalidInput`] when the query's ids are invalid (see
/// [`JobStatusQuery::validate`]).
///
/// ```
/// use std::time::SystemTime;
/// use smileid_core::{Environment, JobStatusQuery, build_job_status_request};
/// use smileid_sign::Signer;
///
/// let signer = Signer::new("085", "my-api-key").unwrap();
/// let base = Environment::Sandbox.base_url()?;
/// let query = JobStatusQuery::new("user-1", "job-1");
/// let request = build_job_status_request(&signer, &base, &query, SystemTime::now())?;
/// assert_eq!(request.method(), http::Method::POST);
/// assert_eq!(request.uri(), "https://testapi.smileidentity.com/v1/job_status");
/// # Ok::<(), smileid_core::Error>(())
/// ```
pub fn build_job_status_request(
    signer: &Signer,
    base: &BaseUrl,
    query: &JobStatusQuery,
    now: SystemTime,
) -> Result<http::Request<Bytes>, Error> {
    crate::build_request(query, signer, base, now)
}

/// Turns a job status response into a verified [`JobStatus`], failing
/// closed: [`parse_response`](crate::parse_response) for job status, whose
/// answers must be signed. See there for the order of the checks.
///
/// # Errors
///
/// [`Error::Api`] for a non-2xx answer, [`Error::Signature`] for a missing
/// or wrong signature, [`Error::Decode`] for a body that is not a job
/// status.
pub fn parse_job_status_response(
    signer: &Signer,
    response: http::Response<Bytes>,
    now: SystemTime,
) -> Result<JobStatus, Error> {
    // Decoding does not depend on the query's fields.
    crate::parse_response(&JobStatusQuery::new("", ""), signer, response, now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MAX_ID_LEN;
    use crate::error::InputProblem;

    fn problem(user: &str, job: &str) -> (&'static str, InputProblem) {
        match JobStatusQuery::new(user, job).validate() {
            Err(Error::InvalidInput(e)) => (e.field(), e.problem()),
            other => panic!("expected InvalidInput, got {other:?}"),
        }
    }

    #[test]
    fn valid_ids() {
        JobStatusQuery::new("u", "j").validate().unwrap();
        JobStatusQuery::new("ü-ser 1", "job/1").validate().unwrap();
        let max = "x".repeat(MAX_ID_LEN);
        JobStatusQuery::new(&max, &max).validate().unwrap();
    }

    #[test]
    fn invalid_ids() {
        assert_eq!(problem("", "j"), ("user_id", InputProblem::Empty));
        assert_eq!(problem("u", " \t"), ("job_id", InputProblem::Empty));
        assert_eq!(
            problem("u", &"x".repeat(MAX_ID_LEN + 1)),
            (
                "job_id",
                InputProblem::TooLong {
                    len: MAX_ID_LEN + 1,
                    max: MAX_ID_LEN
                }
            )
        );
        assert_eq!(
            problem("a\nb", "j"),
            ("user_id", InputProblem::ControlCharacter)
        );
        assert_eq!(
            problem("u", "j\u{7f}"),
            ("job_id", InputProblem::ControlCharacter)
        );
        assert_eq!(
            problem("u", "j\u{0}"),
            ("job_id", InputProblem::ControlCharacter)
        );
    }

    #[test]
    fn flags() {
        let q = JobStatusQuery::new("u", "j")
            .with_history(true)
            .with_image_links(true);
        assert!(q.history() && q.image_links());
        let q = q.with_history(false);
        assert!(!q.history() && q.image_links());
    }
}
