//! Colours and terminal-safe text.
//!
//! Output is written through [`anstream`], which keeps the colours when the
//! stream is a terminal and `NO_COLOR` is unset (honouring `CLICOLOR` and
//! `CLICOLOR_FORCE` too), and strips them otherwise.

use std::borrow::Cow;
use std::fmt::Write as _;

use anstyle::{AnsiColor, Effects, Style};
use smileid_hyper::types::{Outcome, ResultCategory, VerdictStatus};

/// `error:`.
pub const ERROR: Style = AnsiColor::Red.on_default().effects(Effects::BOLD);
/// `hint:`.
pub const HINT: Style = AnsiColor::Cyan.on_default().effects(Effects::BOLD);
/// Section headings.
pub const HEADING: Style = Style::new().effects(Effects::BOLD);
/// Labels and secondary text.
pub const DIM: Style = Style::new().effects(Effects::DIMMED);
/// Good news.
pub const GOOD: Style = AnsiColor::Green.on_default();
/// Bad news.
pub const BAD: Style = AnsiColor::Red.on_default();
/// Waiting.
pub const WAITING: Style = AnsiColor::Yellow.on_default();
/// A failure of the job itself (not the user).
pub const FAULT: Style = AnsiColor::Magenta.on_default();

/// The style of an outcome, bold.
pub fn outcome(outcome: &Outcome) -> Style {
    let base = match outcome {
        Outcome::Approved => GOOD,
        Outcome::Provisional => WAITING,
        Outcome::Rejected => BAD,
        Outcome::Error => FAULT,
        Outcome::Pending => AnsiColor::Cyan.on_default(),
        _ => Style::new(),
    };
    base.effects(Effects::BOLD)
}

/// The style of a result category.
pub fn category(category: ResultCategory) -> Style {
    match category {
        ResultCategory::Approved => GOOD,
        ResultCategory::Provisional => WAITING,
        ResultCategory::Rejected => BAD,
        ResultCategory::Error => FAULT,
        _ => Style::new(),
    }
}

/// The style of an action's verdict.
pub fn verdict(status: VerdictStatus) -> Style {
    match status {
        VerdictStatus::Passed => GOOD,
        VerdictStatus::Failed => BAD,
        VerdictStatus::Pending => WAITING,
        VerdictStatus::NotApplicable => DIM,
        _ => Style::new(),
    }
}

/// `text` in `style`.
pub fn paint(style: Style, text: &str) -> String {
    format!("{}{}{}", style.render(), clean(text), style.render_reset())
}

/// `text` with every control character (escape sequences, newlines, ...)
/// shown as an escape, so that text from a server cannot move the cursor
/// or recolour the terminal.
pub fn clean(text: &str) -> Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            let _ = write!(out, "{}", c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(clean("plain text"), "plain text");
        assert_eq!(clean("a\u{1b}[2Jb\nc"), "a\\u{1b}[2Jb\\nc");
    }
}
