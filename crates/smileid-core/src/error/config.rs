//! Configuration errors: credentials, options and base URLs.

use std::error::Error as StdError;
use std::fmt;

use crate::redaction::truncate_chars;

/// An invalid client configuration. `Display` says what; the underlying error
/// (for example the credential check's), if any, is the `source()`.
#[derive(Debug)]
pub struct ConfigError {
    message: String,
    source: Option<Box<dyn StdError + Send + Sync + 'static>>,
}

impl ConfigError {
    /// A configuration error with a message.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            source: None,
        }
    }

    /// A configuration error with a message and an underlying cause.
    pub fn with_source(
        message: impl Into<String>,
        source: impl Into<Box<dyn StdError + Send + Sync + 'static>>,
    ) -> Self {
        Self {
            message: message.into(),
            source: Some(source.into()),
        }
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl StdError for ConfigError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn StdError + 'static))
    }
}

/// What is wrong with a base URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BaseUrlProblem {
    /// The URL is empty.
    Empty,
    /// The text is not a URL.
    Unparseable,
    /// The URL has no scheme or no host.
    NotAbsolute,
    /// The scheme is neither `https` nor `http`.
    UnsupportedScheme,
    /// The URL has a `?query`.
    HasQuery,
    /// The URL has a `#fragment`.
    HasFragment,
    /// The URL has `user:password@`; credentials never go in the URL.
    HasUserinfo,
    /// Plain `http` to a host that is not loopback.
    InsecureHttp,
    /// Plain `http` to a loopback host without the explicit opt-in
    /// ([`Environment::custom_insecure_loopback`](crate::Environment::custom_insecure_loopback)).
    InsecureLoopbackNotAllowed,
}

impl fmt::Display for BaseUrlProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Empty => "it is empty",
            Self::Unparseable => "it is not a valid URL",
            Self::NotAbsolute => "it needs a scheme and a host, like https://api.example.com/v1",
            Self::UnsupportedScheme => "only https is supported",
            Self::HasQuery => "it must not have a query (?...)",
            Self::HasFragment => "it must not have a fragment (#...)",
            Self::HasUserinfo => "it must not contain user info (user:password@)",
            Self::InsecureHttp => "plain http is only allowed to a loopback host; use https",
            Self::InsecureLoopbackNotAllowed => {
                "plain http to a loopback host needs the explicit insecure-loopback opt-in"
            }
        })
    }
}

/// A refused base URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrlError {
    shown: Option<String>,
    problem: BaseUrlProblem,
}

impl BaseUrlError {
    pub(crate) fn new(url: &str, problem: BaseUrlProblem) -> Self {
        let shown = match problem {
            // The text may hold credentials: do not repeat it.
            BaseUrlProblem::HasUserinfo | BaseUrlProblem::Unparseable | BaseUrlProblem::Empty => {
                None
            }
            _ => Some(truncate_chars(
                &crate::environment::redact_userinfo(url.trim()),
                200,
            )),
        };
        Self { shown, problem }
    }

    /// What is wrong.
    pub fn problem(&self) -> BaseUrlProblem {
        self.problem
    }
}

impl fmt::Display for BaseUrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.shown {
            Some(url) => write!(f, "`{url}`: {}", self.problem),
            None => write!(f, "{}", self.problem),
        }
    }
}
