//! Checks of request fields made before anything is sent, shared by every
//! operation.

use crate::error::{Error, InputProblem, InvalidInput};

/// Longest `user_id` or `job_id` accepted, in bytes of UTF-8.
pub const MAX_ID_LEN: usize = 256;

/// Checks an id field (`user_id`, `job_id`) of `operation`'s request: not
/// empty or only whitespace, at most [`MAX_ID_LEN`] bytes, no control
/// characters.
pub(crate) fn check_id(
    operation: &'static str,
    field: &'static str,
    value: &str,
) -> Result<(), Error> {
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
        Some(problem) => Err(Error::InvalidInput(InvalidInput::new(
            operation, field, problem,
        ))),
        None => Ok(()),
    }
}
