//! The pre-flight check: an identity lookup checked against Smile ID's own
//! services catalogue before a billed request is sent.
//!
//! [`Preflight::new`] reads a [`ServicesResponse`] once (compiling every ID
//! number pattern it holds); [`Preflight::check`] then reports, for one
//! request, every required field that is missing and an ID number that does
//! not match its country's pattern, as a [`PreflightReport`]. Nothing is
//! sent; the catalogue is not cached anywhere but in the value you keep.
//!
//! The catalogue's patterns are JavaScript-flavoured (`^[0-9]{11}$`), some
//! with a stray `/i` suffix, some written `/.../i` in full: the flags are
//! read (`i` makes the match case-insensitive) and the slashes dropped. They
//! are matched with the [`regex`] crate, whose matching time is linear in
//! the input whatever the pattern, with a cap on the compiled size: a
//! hostile pattern cannot hang the process. A pattern that does not compile
//! (a backreference, a look-around) is reported as a
//! [`PreflightWarning`], never as a failure of the request.
//!
//! ```
//! use smileid_core::{IdVerification, Preflight};
//! use smileid_types::ServicesResponse;
//!
//! let catalogue: ServicesResponse = serde_json::from_str(r#"{
//!     "id_types": {"NG": {"BANK_ACCOUNT": ["country", "id_type", "id_number", "bank_code"]}},
//!     "hosted_web": {"enhanced_kyc": {"NG": {"name": "Nigeria", "id_types": {
//!         "BANK_ACCOUNT": {"label": "Bank Account", "id_number_regex": "^[0-9]{10}$"}}}}}
//! }"#).unwrap();
//! let preflight = Preflight::new(&catalogue);
//!
//! let lookup = IdVerification::new("user-1", "job-1", "NG", "BANK_ACCOUNT", "12345");
//! let report = preflight.check(&lookup);
//! assert!(!report.is_ok());
//! assert_eq!(
//!     report.to_string(),
//!     "missing field bank_code (required for NG BANK_ACCOUNT)\n\
//!      id_number does not match the pattern for NG BANK_ACCOUNT: ^[0-9]{10}$ (from enhanced_kyc)"
//! );
//!
//! let fixed = IdVerification::new("user-1", "job-1", "NG", "BANK_ACCOUNT", "0123456789")
//!     .bank_code("058");
//! assert!(preflight.check(&fixed).is_ok());
//! ```

use std::collections::BTreeMap;
use std::fmt;

use regex::{Regex, RegexBuilder};
use smileid_types::ServicesResponse;

use crate::id_verification::{AsyncIdVerification, IdVerification};

/// The longest pattern text compiled, in bytes; a longer one is a warning.
pub const MAX_PATTERN_LEN: usize = 1024;

/// The cap on a compiled pattern's size (and on its lazy DFA's cache), in
/// bytes; a pattern that needs more is a warning.
pub const MAX_PATTERN_SIZE: usize = 1 << 20;

/// The hosted-web products whose ID number pattern applies first, in this
/// order; then any other product that lists one.
const PATTERN_PRODUCTS: [&str; 3] = ["enhanced_kyc", "basic_kyc", "biometric_kyc"];

/// What a pre-flight check needs from a request: its country, ID type, and
/// the value of every field the catalogue may name. Implemented by the ID
/// lookups; implement it for other requests that carry ID info.
pub trait IdFields {
    /// The country code (either case).
    fn country(&self) -> &str;
    /// The ID type.
    fn id_type(&self) -> &str;
    /// The value of the field the catalogue calls `name`, or `None` when
    /// absent or empty.
    fn field(&self, name: &str) -> Option<&str>;
}

impl IdFields for IdVerification {
    fn country(&self) -> &str {
        IdVerification::country(self)
    }

    fn id_type(&self) -> &str {
        IdVerification::id_type(self).as_str()
    }

    fn field(&self, name: &str) -> Option<&str> {
        IdVerification::field(self, name)
    }
}

impl IdFields for AsyncIdVerification {
    fn country(&self) -> &str {
        self.lookup().country()
    }

    fn id_type(&self) -> &str {
        self.lookup().id_type().as_str()
    }

    fn field(&self, name: &str) -> Option<&str> {
        match name {
            "callback_url" => Some(self.callback_url()).filter(|u| !u.is_empty()),
            _ => self.lookup().field(name),
        }
    }
}

/// A reason the request would be refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PreflightProblem {
    /// The catalogue lists no such ID type for the country.
    UnknownIdType {
        /// The country, upper case.
        country: String,
        /// The ID type.
        id_type: String,
    },
    /// A field the catalogue requires for this ID type is absent.
    MissingField {
        /// The field, as the catalogue names it.
        field: String,
        /// The country, upper case.
        country: String,
        /// The ID type.
        id_type: String,
    },
    /// The ID number does not match the catalogue's pattern. The number
    /// itself is personal data and is not kept here.
    IdNumberMismatch {
        /// The country, upper case.
        country: String,
        /// The ID type.
        id_type: String,
        /// The pattern, as the catalogue gives it.
        pattern: String,
        /// The hosted-web product the pattern came from.
        product: String,
    },
}

impl fmt::Display for PreflightProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownIdType { country, id_type } => write!(
                f,
                "the services catalogue lists no ID type {id_type} for {country}"
            ),
            Self::MissingField {
                field,
                country,
                id_type,
            } => write!(
                f,
                "missing field {field} (required for {country} {id_type})"
            ),
            Self::IdNumberMismatch {
                country,
                id_type,
                pattern,
                product,
            } => write!(
                f,
                "id_number does not match the pattern for {country} {id_type}: {pattern} (from {product})"
            ),
        }
    }
}

/// Something the check could not do; the request is not refused for it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PreflightWarning {
    /// The catalogue's pattern could not be used (it does not compile, or
    /// it is too long or too large), so the ID number was not checked.
    UnusablePattern {
        /// The country, upper case.
        country: String,
        /// The ID type.
        id_type: String,
        /// The hosted-web product the pattern came from.
        product: String,
        /// The pattern, as the catalogue gives it.
        pattern: String,
        /// Why it could not be used.
        reason: String,
    },
}

impl fmt::Display for PreflightWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnusablePattern {
                country,
                id_type,
                product,
                pattern,
                reason,
            } => write!(
                f,
                "the ID number was not checked: the pattern for {country} {id_type} (from {product}) cannot be used ({reason}): {pattern}"
            ),
        }
    }
}

/// What [`Preflight::check`] found: every problem, and what it could not
/// check. `Display` prints one line per problem, then one per warning.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PreflightReport {
    problems: Vec<PreflightProblem>,
    warnings: Vec<PreflightWarning>,
}

impl PreflightReport {
    /// No problem found (warnings aside).
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }

    /// Every problem, in the catalogue's field order, the pattern last.
    pub fn problems(&self) -> &[PreflightProblem] {
        &self.problems
    }

    /// What could not be checked.
    pub fn warnings(&self) -> &[PreflightWarning] {
        &self.warnings
    }
}

impl fmt::Display for PreflightReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lines = self
            .problems
            .iter()
            .map(ToString::to_string)
            .chain(self.warnings.iter().map(|w| format!("warning: {w}")));
        for (i, line) in lines.enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            f.write_str(&line)?;
        }
        Ok(())
    }
}

/// One catalogue pattern, compiled or not.
#[derive(Debug, Clone)]
struct Pattern {
    product: String,
    text: String,
    compiled: Result<Regex, String>,
}

/// What the catalogue says of one country and ID type.
#[derive(Debug, Clone, Default)]
struct Entry {
    required: Option<Vec<String>>,
    hosted_required: Option<Vec<String>>,
    pattern: Option<Pattern>,
}

/// A services catalogue made ready for checking requests: required fields
/// per country and ID type, and every ID number pattern compiled once.
/// Cheap to share (`&Preflight` checks any number of requests).
#[derive(Debug, Clone, Default)]
pub struct Preflight {
    entries: BTreeMap<(String, String), Entry>,
}

impl Preflight {
    /// Reads `services`: `id_types` for the required fields, `hosted_web`
    /// for the patterns (first `enhanced_kyc`, then `basic_kyc`, then
    /// `biometric_kyc`, then any product) and, where `id_types` does not
    /// list a pair, the hosted page's required fields.
    pub fn new(services: &ServicesResponse) -> Self {
        let mut entries: BTreeMap<(String, String), Entry> = BTreeMap::new();
        for (country, types) in &services.id_types {
            for (id_type, fields) in types {
                entries
                    .entry((country.to_ascii_uppercase(), id_type.clone()))
                    .or_default()
                    .required = Some(fields.clone());
            }
        }
        let ordered = PATTERN_PRODUCTS
            .iter()
            .filter_map(|p| services.hosted_web.get_key_value(*p))
            .chain(
                services
                    .hosted_web
                    .iter()
                    .filter(|(p, _)| !PATTERN_PRODUCTS.contains(&p.as_str())),
            );
        for (product, countries) in ordered {
            for (country, hosted) in countries {
                for (id_type, item) in &hosted.id_types {
                    let entry = entries
                        .entry((country.to_ascii_uppercase(), id_type.clone()))
                        .or_default();
                    if entry.hosted_required.is_none() && !item.required_fields.is_empty() {
                        entry.hosted_required = Some(item.required_fields.clone());
                    }
                    if entry.pattern.is_none()
                        && let Some(text) = item
                            .id_number_regex
                            .as_deref()
                            .filter(|t| !t.trim().is_empty())
                    {
                        entry.pattern = Some(Pattern {
                            product: product.clone(),
                            text: text.to_owned(),
                            compiled: compile_js_pattern(text),
                        });
                    }
                }
            }
        }
        Self { entries }
    }

    /// Whether the catalogue lists `id_type` for `country` (any case).
    pub fn knows(&self, country: &str, id_type: &str) -> bool {
        self.entries
            .contains_key(&(country.to_ascii_uppercase(), id_type.to_owned()))
    }

    /// Checks `request` against the catalogue: the ID type is listed for
    /// the country, every required field is present, and the ID number
    /// matches the pattern (when the catalogue has a usable one).
    pub fn check(&self, request: &impl IdFields) -> PreflightReport {
        let country = request.country().to_ascii_uppercase();
        let id_type = request.id_type().to_owned();
        let mut report = PreflightReport::default();
        let Some(entry) = self.entries.get(&(country.clone(), id_type.clone())) else {
            report
                .problems
                .push(PreflightProblem::UnknownIdType { country, id_type });
            return report;
        };
        let required = entry
            .required
            .as_ref()
            .or(entry.hosted_required.as_ref())
            .map_or(&[][..], Vec::as_slice);
        for field in required {
            if request.field(field).is_none() {
                report.problems.push(PreflightProblem::MissingField {
                    field: field.clone(),
                    country: country.clone(),
                    id_type: id_type.clone(),
                });
            }
        }
        if let (Some(pattern), Some(number)) = (&entry.pattern, request.field("id_number")) {
            match &pattern.compiled {
                Ok(regex) if !regex.is_match(number) => {
                    report.problems.push(PreflightProblem::IdNumberMismatch {
                        country,
                        id_type,
                        pattern: pattern.text.clone(),
                        product: pattern.product.clone(),
                    });
                }
                Ok(_) => {}
                Err(reason) => report.warnings.push(PreflightWarning::UnusablePattern {
                    country,
                    id_type,
                    product: pattern.product.clone(),
                    pattern: pattern.text.clone(),
                    reason: reason.clone(),
                }),
            }
        }
        report
    }
}

/// Compiles a JavaScript-style pattern: `/body/flags` or a bare body with a
/// stray `/flags` suffix; `i`, `m` and `s` are honoured, `g`, `u`, `y` and
/// `d` change nothing for a test of one string.
fn compile_js_pattern(text: &str) -> Result<Regex, String> {
    if text.len() > MAX_PATTERN_LEN {
        return Err(format!("longer than {MAX_PATTERN_LEN} bytes"));
    }
    let trimmed = text.trim();
    let (body, flags) = split_flags(trimmed);
    let mut builder = RegexBuilder::new(body);
    builder
        .size_limit(MAX_PATTERN_SIZE)
        .dfa_size_limit(MAX_PATTERN_SIZE)
        .nest_limit(64);
    for flag in flags.chars() {
        match flag {
            'i' => {
                builder.case_insensitive(true);
            }
            'm' => {
                builder.multi_line(true);
            }
            's' => {
                builder.dot_matches_new_line(true);
            }
            _ => {}
        }
    }
    builder.build().map_err(|e| match e {
        regex::Error::CompiledTooBig(limit) => {
            format!("needs more than {limit} bytes compiled")
        }
        other => last_line(&other.to_string()),
    })
}

/// `("body", "flags")` of `/body/flags`, or of `body/flags` when the suffix
/// is only JavaScript flag letters; otherwise the text and no flags.
fn split_flags(text: &str) -> (&str, &str) {
    const FLAGS: &str = "dgimsuy";
    if let Some(slash) = text.rfind('/') {
        let (head, tail) = (&text[..slash], &text[slash + 1..]);
        let only_flags = tail.chars().all(|c| FLAGS.contains(c));
        if only_flags && slash > 0 {
            let body = head.strip_prefix('/').unwrap_or(head);
            if head.starts_with('/') || !tail.is_empty() {
                return (body, tail);
            }
        }
    }
    (text, "")
}

/// The last line of a multi-line error text (regex's carry the pattern and
/// a caret line first), at most 200 characters.
fn last_line(text: &str) -> String {
    let line = text
        .lines()
        .map(str::trim)
        .rfind(|l| !l.is_empty())
        .unwrap_or("does not compile");
    crate::redaction::one_line(line, 200)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_are_split_from_the_body() {
        assert_eq!(split_flags("^[0-9]{11}$"), ("^[0-9]{11}$", ""));
        assert_eq!(split_flags("^[A-Z0-9]{6,10}$/i"), ("^[A-Z0-9]{6,10}$", "i"));
        assert_eq!(split_flags("/^[a-z]+$/i"), ("^[a-z]+$", "i"));
        assert_eq!(split_flags("/^[a-z]+$/"), ("^[a-z]+$", ""));
        assert_eq!(split_flags("^a/b$"), ("^a/b$", ""));
        assert_eq!(split_flags("^[0-9]/x$"), ("^[0-9]/x$", ""));
        assert_eq!(split_flags("/"), ("/", ""));
    }

    #[test]
    fn case_insensitive_flag_is_honoured() {
        let regex = compile_js_pattern("^[A-Z0-9]{6,10}$/i").unwrap();
        assert!(regex.is_match("g0000000"));
        let strict = compile_js_pattern("^[A-Z0-9]{6,10}$").unwrap();
        assert!(!strict.is_match("g0000000"));
    }

    #[test]
    fn unusable_patterns_say_why() {
        let backreference = compile_js_pattern(r"^(\d)\1$").unwrap_err();
        assert!(backreference.contains("backreferences"), "{backreference}");
        let lookahead = compile_js_pattern(r"^(?=\d)\d+$").unwrap_err();
        assert!(lookahead.contains("look-around"), "{lookahead}");
        let long = compile_js_pattern(&"a".repeat(MAX_PATTERN_LEN + 1)).unwrap_err();
        assert_eq!(long, "longer than 1024 bytes");
        let huge = compile_js_pattern(r"^\w{1000}\w{1000}\w{1000}$").unwrap_err();
        assert!(huge.starts_with("needs more than"), "{huge}");
    }
}
