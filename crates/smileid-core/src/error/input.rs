//! Input checked before anything is sent.

use std::fmt;

/// What is wrong with an input value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum InputProblem {
    /// Empty or only whitespace.
    Empty,
    /// Longer than allowed.
    TooLong {
        /// The length in bytes.
        len: usize,
        /// The maximum in bytes.
        max: usize,
    },
    /// Holds a control character (newline, NUL, ...).
    ControlCharacter,
    /// Holds a character the field does not allow (a space in an ID type,
    /// for one).
    InvalidCharacter,
    /// Not an ISO 3166-1 alpha-2 country code (two ASCII letters).
    InvalidCountry,
    /// Not a calendar date written `YYYY-MM-DD`.
    InvalidDate,
    /// Not a year written `YYYY`.
    InvalidYear,
    /// Not an absolute URL with a host.
    InvalidUrl,
    /// Not `https` (plain `http` is accepted only to a loopback host).
    InsecureUrl,
    /// A URL with `user:password@`.
    UrlHasUserinfo,
    /// A key the protocol reserves for itself.
    ReservedKey,
    /// Not one of the values the field accepts.
    NotOneOf(&'static [&'static str]),
    /// Required here (by the other fields' values), but absent.
    Missing,
    /// Given, but it does not apply to this request (it would not be sent).
    NotApplicable,
    /// More items than allowed.
    TooMany {
        /// How many were given.
        count: usize,
        /// The maximum.
        max: usize,
    },
    /// Bytes that are neither a JPEG nor a PNG image (by their first
    /// bytes).
    NotAnImage,
}

/// An invalid request field, reported before anything is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidInput {
    operation: &'static str,
    field: &'static str,
    problem: InputProblem,
}

impl InvalidInput {
    /// The field `field` of a request of `operation` has `problem`.
    pub fn new(operation: &'static str, field: &'static str, problem: InputProblem) -> Self {
        Self {
            operation,
            field,
            problem,
        }
    }

    /// The operation whose request was refused (`job_status`).
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The field's name, such as `user_id` or `job_id`.
    pub fn field(&self) -> &'static str {
        self.field
    }

    /// What is wrong with it.
    pub fn problem(&self) -> InputProblem {
        self.problem
    }
}

impl fmt::Display for InvalidInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let field = self.field;
        match self.problem {
            InputProblem::Empty => write!(f, "{field} is empty"),
            InputProblem::TooLong { len, max } => {
                write!(f, "{field} is {len} bytes long, the maximum is {max}")
            }
            InputProblem::ControlCharacter => write!(f, "{field} contains a control character"),
            InputProblem::InvalidCharacter => {
                write!(f, "{field} contains a character it does not allow")
            }
            InputProblem::InvalidCountry => write!(
                f,
                "{field} is not an ISO 3166-1 alpha-2 country code (two letters, like NG)"
            ),
            InputProblem::InvalidDate => {
                write!(f, "{field} is not a date written YYYY-MM-DD")
            }
            InputProblem::InvalidYear => write!(f, "{field} is not a year written YYYY"),
            InputProblem::InvalidUrl => write!(f, "{field} is not an absolute URL"),
            InputProblem::InsecureUrl => write!(
                f,
                "{field} must be an https URL (plain http only to a loopback host)"
            ),
            InputProblem::UrlHasUserinfo => {
                write!(f, "{field} must not contain user info (user:password@)")
            }
            InputProblem::ReservedKey => {
                write!(f, "{field} uses a key the protocol reserves for itself")
            }
            InputProblem::NotOneOf(values) => {
                write!(f, "{field} must be one of {}", values.join(", "))
            }
            InputProblem::Missing => write!(f, "{field} is required for this request"),
            InputProblem::NotApplicable => write!(
                f,
                "{field} does not apply to this request (it would not be sent)"
            ),
            InputProblem::TooMany { count, max } => {
                write!(f, "{field} has {count} items, the maximum is {max}")
            }
            InputProblem::NotAnImage => {
                write!(f, "{field} is not a JPEG or PNG image")
            }
        }
    }
}
