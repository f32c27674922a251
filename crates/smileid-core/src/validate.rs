//! Checks of request fields made before anything is sent, shared by every
//! operation. Each failure is an [`Error::InvalidInput`] naming the
//! operation, the field and the rule.

use crate::environment::is_loopback_host;
use crate::error::{Error, InputProblem, InvalidInput};

/// Longest `user_id` or `job_id` accepted, in bytes of UTF-8.
pub const MAX_ID_LEN: usize = 256;

/// Longest free text field (a name, an address) accepted, in bytes.
pub const MAX_TEXT_LEN: usize = 1024;

/// Longest code-like field (an ID type, an ID number, a bank code, a phone
/// number) accepted, in bytes.
pub const MAX_CODE_LEN: usize = 64;

/// Longest URL accepted, in bytes.
pub const MAX_URL_LEN: usize = 2048;

/// The keys a partner's extra `partner_params` may not use.
pub const RESERVED_PARTNER_PARAMS: &[&str] = &[
    "user_id",
    "job_id",
    "job_type",
    "partner_id",
    "smile_client_id",
    "timestamp",
    "signature",
    "partner_params",
    "callback_url",
    "source_sdk",
    "source_sdk_version",
];

/// The most extra partner params accepted.
pub const MAX_PARTNER_PARAMS: usize = 32;

fn fail(operation: &'static str, field: &'static str, problem: InputProblem) -> Error {
    Error::InvalidInput(InvalidInput::new(operation, field, problem))
}

/// Text that must be present: not empty or only whitespace, at most `max`
/// bytes, no control characters.
pub(crate) fn check_text(
    operation: &'static str,
    field: &'static str,
    value: &str,
    max: usize,
) -> Result<(), Error> {
    if value.trim().is_empty() {
        Err(fail(operation, field, InputProblem::Empty))
    } else if value.len() > max {
        Err(fail(
            operation,
            field,
            InputProblem::TooLong {
                len: value.len(),
                max,
            },
        ))
    } else if value.chars().any(char::is_control) {
        Err(fail(operation, field, InputProblem::ControlCharacter))
    } else {
        Ok(())
    }
}

/// [`check_text`] for an optional field.
pub(crate) fn check_opt_text(
    operation: &'static str,
    field: &'static str,
    value: Option<&str>,
    max: usize,
) -> Result<(), Error> {
    value.map_or(Ok(()), |v| check_text(operation, field, v, max))
}

/// Checks an id field (`user_id`, `job_id`) of `operation`'s request: not
/// empty or only whitespace, at most [`MAX_ID_LEN`] bytes, no control
/// characters.
pub(crate) fn check_id(
    operation: &'static str,
    field: &'static str,
    value: &str,
) -> Result<(), Error> {
    check_text(operation, field, value, MAX_ID_LEN)
}

/// A code-like token (an ID type): [`check_text`] with [`MAX_CODE_LEN`], and
/// no whitespace.
pub(crate) fn check_code(
    operation: &'static str,
    field: &'static str,
    value: &str,
) -> Result<(), Error> {
    check_text(operation, field, value, MAX_CODE_LEN)?;
    if value.chars().any(char::is_whitespace) {
        return Err(fail(operation, field, InputProblem::InvalidCharacter));
    }
    Ok(())
}

/// An ISO 3166-1 alpha-2 code: two ASCII letters (either case; it is sent
/// upper case).
pub(crate) fn check_country(
    operation: &'static str,
    field: &'static str,
    value: &str,
) -> Result<(), Error> {
    if value.is_empty() {
        return Err(fail(operation, field, InputProblem::Empty));
    }
    if value.len() != 2 || !value.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(fail(operation, field, InputProblem::InvalidCountry));
    }
    Ok(())
}

/// A calendar date `YYYY-MM-DD` (years 1000 to 9999, leap years counted).
pub(crate) fn check_date(
    operation: &'static str,
    field: &'static str,
    value: &str,
) -> Result<(), Error> {
    if is_date(value) {
        Ok(())
    } else {
        Err(fail(operation, field, InputProblem::InvalidDate))
    }
}

fn is_date(value: &str) -> bool {
    let b = value.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        let digits = &value[range];
        digits
            .bytes()
            .all(|d| d.is_ascii_digit())
            .then(|| digits.parse().ok())
            .flatten()
    };
    let (Some(year), Some(month), Some(day)) = (number(0..4), number(5..7), number(8..10)) else {
        return false;
    };
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    year >= 1000 && (1..=days).contains(&day)
}

/// A year `YYYY`.
pub(crate) fn check_year(
    operation: &'static str,
    field: &'static str,
    value: &str,
) -> Result<(), Error> {
    if value.len() == 4 && value.bytes().all(|b| b.is_ascii_digit()) && !value.starts_with('0') {
        Ok(())
    } else {
        Err(fail(operation, field, InputProblem::InvalidYear))
    }
}

/// A callback URL: absolute, `https` (or plain `http` to a loopback host, for
/// a local receiver), no user info, at most [`MAX_URL_LEN`] bytes.
pub(crate) fn check_callback_url(
    operation: &'static str,
    field: &'static str,
    value: &str,
) -> Result<(), Error> {
    check_text(operation, field, value, MAX_URL_LEN)?;
    let uri: http::Uri = value
        .parse()
        .map_err(|_| fail(operation, field, InputProblem::InvalidUrl))?;
    let (Some(scheme), Some(authority)) = (uri.scheme_str(), uri.authority()) else {
        return Err(fail(operation, field, InputProblem::InvalidUrl));
    };
    if authority.as_str().contains('@') {
        return Err(fail(operation, field, InputProblem::UrlHasUserinfo));
    }
    if authority.host().is_empty() {
        return Err(fail(operation, field, InputProblem::InvalidUrl));
    }
    match scheme.to_ascii_lowercase().as_str() {
        "https" => Ok(()),
        "http" if is_loopback_host(authority.host()) => Ok(()),
        _ => Err(fail(operation, field, InputProblem::InsecureUrl)),
    }
}

/// A value from a closed list.
pub(crate) fn check_one_of(
    operation: &'static str,
    field: &'static str,
    value: &str,
    allowed: &'static [&'static str],
) -> Result<(), Error> {
    if allowed.contains(&value) {
        Ok(())
    } else {
        Err(fail(operation, field, InputProblem::NotOneOf(allowed)))
    }
}

/// The partner's extra `partner_params`: at most [`MAX_PARTNER_PARAMS`],
/// keys code-like and not [reserved](RESERVED_PARTNER_PARAMS), values text.
pub(crate) fn check_partner_params(
    operation: &'static str,
    params: &[(String, String)],
) -> Result<(), Error> {
    const FIELD: &str = "partner_params";
    if params.len() > MAX_PARTNER_PARAMS {
        return Err(fail(
            operation,
            FIELD,
            InputProblem::TooMany {
                count: params.len(),
                max: MAX_PARTNER_PARAMS,
            },
        ));
    }
    for (key, value) in params {
        check_code(operation, FIELD, key)?;
        if RESERVED_PARTNER_PARAMS.contains(&key.as_str()) {
            return Err(fail(operation, FIELD, InputProblem::ReservedKey));
        }
        if value.len() > MAX_TEXT_LEN {
            return Err(fail(
                operation,
                FIELD,
                InputProblem::TooLong {
                    len: value.len(),
                    max: MAX_TEXT_LEN,
                },
            ));
        }
        if value.chars().any(char::is_control) {
            return Err(fail(operation, FIELD, InputProblem::ControlCharacter));
        }
    }
    Ok(())
}

/// Fails with `problem` for `field`.
pub(crate) fn refuse(operation: &'static str, field: &'static str, problem: InputProblem) -> Error {
    fail(operation, field, problem)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(result: Result<(), Error>) -> Option<InputProblem> {
        match result {
            Ok(()) => None,
            Err(Error::InvalidInput(e)) => Some(e.problem()),
            Err(other) => panic!("{other:?}"),
        }
    }

    #[test]
    fn dates() {
        for ok in [
            "1991-03-14",
            "2024-02-29",
            "2000-02-29",
            "1000-01-01",
            "9999-12-31",
        ] {
            assert!(is_date(ok), "{ok}");
        }
        for bad in [
            "",
            "1991-3-14",
            "1991/03/14",
            "1900-02-29",
            "2023-02-29",
            "1991-13-01",
            "1991-00-10",
            "1991-04-31",
            "0999-01-01",
            "１９９１-03-14",
            "1991-03-14T00",
        ] {
            assert!(!is_date(bad), "{bad}");
        }
    }

    #[test]
    fn countries_years_and_codes() {
        assert_eq!(problem(check_country("op", "country", "NG")), None);
        assert_eq!(problem(check_country("op", "country", "ng")), None);
        for bad in ["NGA", "N", "N1", "ÑG"] {
            assert_eq!(
                problem(check_country("op", "country", bad)),
                Some(InputProblem::InvalidCountry),
                "{bad}"
            );
        }
        assert_eq!(
            problem(check_country("op", "country", "")),
            Some(InputProblem::Empty)
        );
        assert_eq!(problem(check_year("op", "birth_year", "1965")), None);
        for bad in ["65", "0965", "19６5", "19650"] {
            assert_eq!(
                problem(check_year("op", "birth_year", bad)),
                Some(InputProblem::InvalidYear)
            );
        }
        assert_eq!(
            problem(check_code("op", "id_type", "NIN V2")),
            Some(InputProblem::InvalidCharacter)
        );
    }

    #[test]
    fn callback_urls() {
        for ok in [
            "https://example.com/cb",
            "https://example.com:8443/a?b=c",
            "http://127.0.0.1:9000/cb",
            "http://localhost/cb",
        ] {
            assert_eq!(
                problem(check_callback_url("op", "callback_url", ok)),
                None,
                "{ok}"
            );
        }
        for (bad, expected) in [
            ("http://example.com/cb", InputProblem::InsecureUrl),
            ("ftp://example.com/cb", InputProblem::InsecureUrl),
            ("/cb", InputProblem::InvalidUrl),
            ("not a url", InputProblem::InvalidUrl),
            (
                "https://user:pw@example.com/cb",
                InputProblem::UrlHasUserinfo,
            ),
            ("", InputProblem::Empty),
        ] {
            assert_eq!(
                problem(check_callback_url("op", "callback_url", bad)),
                Some(expected),
                "{bad}"
            );
        }
    }

    #[test]
    fn partner_params() {
        let ok = vec![("order_ref".to_owned(), "A-1".to_owned())];
        assert_eq!(problem(check_partner_params("op", &ok)), None);
        for key in ["job_id", "signature", "timestamp"] {
            let reserved = vec![(key.to_owned(), "x".to_owned())];
            assert_eq!(
                problem(check_partner_params("op", &reserved)),
                Some(InputProblem::ReservedKey),
                "{key}"
            );
        }
        let many: Vec<_> = (0..=MAX_PARTNER_PARAMS)
            .map(|i| (format!("k{i}"), String::new()))
            .collect();
        assert_eq!(
            problem(check_partner_params("op", &many)),
            Some(InputProblem::TooMany {
                count: MAX_PARTNER_PARAMS + 1,
                max: MAX_PARTNER_PARAMS
            })
        );
        let newline = vec![("k".to_owned(), "a\nb".to_owned())];
        assert_eq!(
            problem(check_partner_params("op", &newline)),
            Some(InputProblem::ControlCharacter)
        );
    }
}
