//! The job status query: which job, and what to include in the answer.

use crate::error::{Error, InputProblem, InvalidInput};

/// Longest `user_id` or `job_id` accepted, in bytes of UTF-8.
pub const MAX_ID_LEN: usize = 256;

/// Which job to ask about: the partner's `user_id` and `job_id` (not Smile
/// ID's `SmileJobID`), and whether to include the user's earlier results
/// (`history`) and signed image links (`image_links`).
///
/// Ids are checked before anything is sent (see [`JobStatusQuery::validate`]):
/// each must be non-empty, not only whitespace, at most [`MAX_ID_LEN`] (256)
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
        validate_id("user_id", &self.user_id)?;
        validate_id("job_id", &self.job_id)
    }
}

fn validate_id(field: &'static str, value: &str) -> Result<(), Error> {
    let problem = if value.trim().is_empty() {
        Some(InputProblem::Empty)
    } else if value.len() > MAX_ID_LEN {
        Some(InputProblem::TooLong {
            len: value.len(),
            max: MAX_ID_LEN,
        })
    } else if value.chars().any(char::is_control) {
        Some(InputProblem::ControlCharacter)
    } else {
        None
    };
    match problem {
        Some(problem) => Err(Error::InvalidInput(InvalidInput::new(field, problem))),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
