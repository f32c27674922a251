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
        }
    }
}
