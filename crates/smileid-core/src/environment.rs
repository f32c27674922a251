//! Where requests go: Smile ID's sandbox, production, or a custom base URL.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

use crate::error::{BaseUrlError, BaseUrlProblem, Error};

/// Base URL of Smile ID's sandbox (test) environment.
pub const SANDBOX_BASE_URL: &str = "https://testapi.smileidentity.com/v1";

/// Base URL of Smile ID's production environment.
pub const PRODUCTION_BASE_URL: &str = "https://api.smileidentity.com/v1";

/// A Smile ID environment: which server the client talks to.
///
/// API keys are per environment: a sandbox key is refused by production (code
/// 2205) and the other way round.
///
/// A custom base URL must be `https`. Plain `http` is accepted only for a
/// loopback host (`127.0.0.0/8`, `::1`, `localhost`) and only when built with
/// [`Environment::custom_insecure_loopback`], for local test servers such as
/// the smileid emulator. The URL is checked when the client is built (or by
/// [`Environment::base_url`]); a bad one gives [`Error::InvalidBaseUrl`].
///
/// ```
/// use smileid_core::Environment;
///
/// let sandbox = Environment::Sandbox.base_url()?;
/// assert_eq!(sandbox.job_status_uri(), "https://testapi.smileidentity.com/v1/job_status");
///
/// let proxy = Environment::custom("https://proxy.example.com/smile/v1/").base_url()?;
/// assert_eq!(proxy.job_status_uri(), "https://proxy.example.com/smile/v1/job_status");
///
/// // Plain http only to loopback, and only when asked for explicitly.
/// assert!(Environment::custom("http://127.0.0.1:8080/v1").base_url().is_err());
/// assert!(Environment::custom_insecure_loopback("http://127.0.0.1:8080/v1").base_url().is_ok());
/// assert!(Environment::custom_insecure_loopback("http://example.com/v1").base_url().is_err());
/// # Ok::<(), smileid_core::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Environment {
    /// `https://testapi.smileidentity.com/v1`: test jobs, sandbox keys.
    #[default]
    Sandbox,
    /// `https://api.smileidentity.com/v1`: real jobs, production keys.
    Production,
    /// Any other base URL (a proxy, a local emulator). Checked when used.
    Custom(CustomUrl),
}

/// A custom base URL, not yet checked. Made by [`Environment::custom`] or
/// [`Environment::custom_insecure_loopback`].
#[derive(Clone, PartialEq, Eq)]
pub struct CustomUrl {
    url: String,
    allow_insecure_loopback: bool,
}

impl CustomUrl {
    /// The URL as given.
    pub fn as_str(&self) -> &str {
        &self.url
    }

    /// Whether plain `http` to a loopback host is allowed.
    pub fn allows_insecure_loopback(&self) -> bool {
        self.allow_insecure_loopback
    }
}

impl Environment {
    /// A custom `https` base URL, for example `https://proxy.example.com/v1`.
    pub fn custom(url: impl Into<String>) -> Self {
        Self::Custom(CustomUrl {
            url: url.into(),
            allow_insecure_loopback: false,
        })
    }

    /// A custom base URL that may also be plain `http` to a loopback host
    /// (`127.0.0.0/8`, `[::1]`, `localhost`), for local test servers.
    /// `https` URLs to any host are accepted too; `http` to any other host is
    /// still refused.
    pub fn custom_insecure_loopback(url: impl Into<String>) -> Self {
        Self::Custom(CustomUrl {
            url: url.into(),
            allow_insecure_loopback: true,
        })
    }

    /// The environment called `name`: `sandbox` (also `test`) or
    /// `production` (also `prod`, `live`), in any case, surrounding
    /// whitespace ignored. `None` for any other name.
    ///
    /// ```
    /// use smileid_core::Environment;
    ///
    /// assert_eq!(Environment::from_name(" Production "), Some(Environment::Production));
    /// assert_eq!(Environment::from_name("test"), Some(Environment::Sandbox));
    /// assert_eq!(Environment::from_name("staging"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<Self> {
        match name.trim().to_ascii_lowercase().as_str() {
            "sandbox" | "test" => Some(Self::Sandbox),
            "production" | "prod" | "live" => Some(Self::Production),
            _ => None,
        }
    }

    /// A short name: `sandbox`, `production` or `custom`.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Sandbox => "sandbox",
            Self::Production => "production",
            Self::Custom(_) => "custom",
        }
    }

    /// Checks the environment's URL and returns the validated base URL.
    pub fn base_url(&self) -> Result<BaseUrl, Error> {
        match self {
            Self::Sandbox => BaseUrl::parse(SANDBOX_BASE_URL, false),
            Self::Production => BaseUrl::parse(PRODUCTION_BASE_URL, false),
            Self::Custom(custom) => BaseUrl::parse(&custom.url, custom.allow_insecure_loopback),
        }
    }
}

impl fmt::Debug for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sandbox => f.write_str("Sandbox"),
            Self::Production => f.write_str("Production"),
            Self::Custom(custom) => f
                .debug_struct("Custom")
                .field("url", &redact_userinfo(&custom.url))
                .field("allow_insecure_loopback", &custom.allow_insecure_loopback)
                .finish(),
        }
    }
}

impl fmt::Debug for CustomUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CustomUrl")
            .field("url", &redact_userinfo(&self.url))
            .field("allow_insecure_loopback", &self.allow_insecure_loopback)
            .finish()
    }
}

impl fmt::Display for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Custom(custom) => f.write_str(&redact_userinfo(&custom.url)),
            other => f.write_str(other.name()),
        }
    }
}

/// Parses a name known to [`Environment::from_name`] (`sandbox`,
/// `production`, ...), or else a custom `https` URL. Never fails: a bad URL
/// is reported when it is used.
impl FromStr for Environment {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self::from_name(s).unwrap_or_else(|| Self::custom(s.trim())))
    }
}

/// A checked base URL, such as `https://testapi.smileidentity.com/v1`.
///
/// Made by [`Environment::base_url`] or [`BaseUrl::parse`]; guarantees an
/// `https` URL (or `http` to loopback, when allowed) with a host, and no user
/// info, query or fragment.
#[derive(Clone, PartialEq, Eq)]
pub struct BaseUrl {
    base: String,
    scheme: http::uri::Scheme,
    authority: http::uri::Authority,
    /// The path without a trailing slash (empty for the root).
    path: String,
    /// The URLs of the v1 endpoints, built once: cloning an `http::Uri` is a
    /// reference-count bump, building one parses and copies its path.
    known: std::sync::Arc<[(&'static str, http::Uri)]>,
}

/// The endpoint paths whose URLs a [`BaseUrl`] builds once, up front.
const KNOWN_ENDPOINTS: &[&str] = &[
    "job_status",
    "id_verification",
    "async_id_verification",
    "business_verification",
    "async_business_verification",
    "aml",
    "upload",
    "token",
    "services",
    "valid_documents",
    "products_config",
];

impl BaseUrl {
    /// Checks `url` as a Smile ID base URL. `allow_insecure_loopback` permits
    /// plain `http` to `127.0.0.0/8`, `[::1]` and `localhost`.
    pub fn parse(url: &str, allow_insecure_loopback: bool) -> Result<Self, Error> {
        let fail = |problem| Error::InvalidBaseUrl(BaseUrlError::new(url, problem));
        let trimmed = url.trim();
        if trimmed.is_empty() {
            return Err(fail(BaseUrlProblem::Empty));
        }
        // http::Uri silently drops a fragment; look for it in the text.
        if trimmed.contains('#') {
            return Err(fail(BaseUrlProblem::HasFragment));
        }
        if trimmed.contains('?') {
            return Err(fail(BaseUrlProblem::HasQuery));
        }
        let uri: http::Uri = trimmed
            .parse()
            .map_err(|_| fail(BaseUrlProblem::Unparseable))?;
        let (Some(scheme), Some(authority)) = (uri.scheme_str(), uri.authority()) else {
            return Err(fail(BaseUrlProblem::NotAbsolute));
        };
        if authority.as_str().contains('@') {
            return Err(fail(BaseUrlProblem::HasUserinfo));
        }
        if uri.query().is_some() {
            return Err(fail(BaseUrlProblem::HasQuery));
        }
        let host = uri.host().unwrap_or_default();
        if host.is_empty() {
            return Err(fail(BaseUrlProblem::NotAbsolute));
        }
        match scheme.to_ascii_lowercase().as_str() {
            "https" => {}
            "http" => {
                if !is_loopback_host(host) {
                    return Err(fail(BaseUrlProblem::InsecureHttp));
                }
                if !allow_insecure_loopback {
                    return Err(fail(BaseUrlProblem::InsecureLoopbackNotAllowed));
                }
            }
            _ => return Err(fail(BaseUrlProblem::UnsupportedScheme)),
        }
        let path = uri.path().trim_end_matches('/').to_owned();
        let base = format!("{scheme}://{authority}{path}");
        let (Some(scheme), Some(authority)) = (uri.scheme().cloned(), uri.authority().cloned())
        else {
            return Err(fail(BaseUrlProblem::NotAbsolute));
        };
        let mut built = Self {
            base,
            scheme,
            authority,
            path,
            known: std::sync::Arc::from(Vec::new()),
        };
        let known = KNOWN_ENDPOINTS
            .iter()
            .map(|name| built.build_endpoint(name).map(|uri| (*name, uri)))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| fail(BaseUrlProblem::Unparseable))?;
        built.known = std::sync::Arc::from(known);
        Ok(built)
    }

    /// `{base}/{path}`: the URL of an endpoint, such as `job_status` or
    /// `services?locale=en` (a path relative to the base, with an optional
    /// query).
    ///
    /// ```
    /// use smileid_core::Environment;
    ///
    /// let base = Environment::Sandbox.base_url()?;
    /// assert_eq!(base.endpoint("id_verification")?, "https://testapi.smileidentity.com/v1/id_verification");
    /// # Ok::<(), smileid_core::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when `path` is empty, starts with `/`, or
    /// makes no valid URL.
    pub fn endpoint(&self, path: &str) -> Result<http::Uri, Error> {
        if let Some((_, uri)) = self.known.iter().find(|(name, _)| *name == path) {
            return Ok(uri.clone());
        }
        self.build_endpoint(path)
    }

    fn build_endpoint(&self, path: &str) -> Result<http::Uri, Error> {
        let invalid = || {
            Error::InvalidConfig(crate::error::ConfigError::new(format!(
                "`{}` is not a valid endpoint path",
                crate::redaction::truncate_chars(path, 100)
            )))
        };
        if path.is_empty() || path.starts_with('/') {
            return Err(invalid());
        }
        let path_and_query = http::uri::PathAndQuery::try_from(format!("{}/{path}", self.path))
            .map_err(|_| invalid())?;
        let mut parts = http::uri::Parts::default();
        parts.scheme = Some(self.scheme.clone());
        parts.authority = Some(self.authority.clone());
        parts.path_and_query = Some(path_and_query);
        http::Uri::from_parts(parts).map_err(|_| invalid())
    }

    /// The base URL without a trailing slash.
    pub fn as_str(&self) -> &str {
        &self.base
    }

    /// `{base}/job_status`.
    pub fn job_status_uri(&self) -> http::Uri {
        // A constant path always makes a valid URL from a checked base.
        self.endpoint("job_status")
            .unwrap_or_else(|_| http::Uri::from_static("/job_status"))
    }

    /// Whether requests go over plain `http` (loopback only).
    pub fn is_insecure(&self) -> bool {
        self.scheme == http::uri::Scheme::HTTP
    }
}

impl fmt::Debug for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("BaseUrl").field(&self.base).finish()
    }
}

impl fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.base)
    }
}

/// Whether `host` (as in a URL's authority) is a loopback host, the only
/// kind plain `http` may be sent to: `localhost` (any case), an IPv4
/// address in `127.0.0.0/8`, or `::1` (with or without brackets). Names
/// that merely resolve to loopback (`localhost.`, `app.localhost`) are not.
///
/// ```
/// use smileid_core::environment::is_loopback_host;
///
/// assert!(is_loopback_host("127.0.0.1") && is_loopback_host("[::1]"));
/// assert!(!is_loopback_host("10.0.0.1") && !is_loopback_host("localhost.example.com"));
/// ```
pub fn is_loopback_host(host: &str) -> bool {
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    if let Ok(v4) = bare.parse::<Ipv4Addr>() {
        return v4.is_loopback();
    }
    if let Ok(v6) = bare.parse::<Ipv6Addr>() {
        return IpAddr::V6(v6).is_loopback();
    }
    false
}

/// Hides a `user:password@` part, if any, so that a URL can be shown safely.
pub(crate) fn redact_userinfo(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return if url.contains('@') {
            "<redacted>".to_owned()
        } else {
            url.to_owned()
        };
    };
    let rest = &url[scheme_end + 3..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{}://<redacted>@{}", &url[..scheme_end], &rest[at + 1..]),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(url: &str, loopback: bool) -> BaseUrlProblem {
        match BaseUrl::parse(url, loopback) {
            Err(Error::InvalidBaseUrl(e)) => e.problem(),
            other => panic!("expected InvalidBaseUrl for {url}, got {other:?}"),
        }
    }

    #[test]
    fn known_environments() {
        assert_eq!(
            Environment::Sandbox.base_url().unwrap().job_status_uri(),
            "https://testapi.smileidentity.com/v1/job_status"
        );
        assert_eq!(
            Environment::Production.base_url().unwrap().job_status_uri(),
            "https://api.smileidentity.com/v1/job_status"
        );
    }

    #[test]
    fn trailing_slashes_and_ports() {
        for (input, expected) in [
            ("https://h.example/v1/", "https://h.example/v1/job_status"),
            ("https://h.example/v1//", "https://h.example/v1/job_status"),
            ("https://h.example", "https://h.example/job_status"),
            ("https://h.example/", "https://h.example/job_status"),
            (
                "https://h.example:8443/a/b",
                "https://h.example:8443/a/b/job_status",
            ),
            (
                "  https://h.example/v1  ",
                "https://h.example/v1/job_status",
            ),
        ] {
            let base = BaseUrl::parse(input, false).unwrap();
            assert_eq!(base.job_status_uri(), expected, "{input}");
            assert!(!base.is_insecure());
        }
    }

    #[test]
    fn loopback_http_needs_opt_in() {
        for url in [
            "http://127.0.0.1:8080/v1",
            "http://127.9.9.9/v1",
            "http://[::1]:9000/v1",
            "http://localhost:1/v1",
            "http://LOCALHOST/v1",
        ] {
            assert_eq!(
                problem(url, false),
                BaseUrlProblem::InsecureLoopbackNotAllowed,
                "{url}"
            );
            let base = BaseUrl::parse(url, true).unwrap();
            assert!(base.is_insecure());
            assert!(
                base.job_status_uri()
                    .to_string()
                    .ends_with("/v1/job_status")
            );
        }
    }

    #[test]
    fn bad_urls_are_rejected() {
        assert_eq!(problem("", true), BaseUrlProblem::Empty);
        assert_eq!(problem("not a url", true), BaseUrlProblem::Unparseable);
        assert_eq!(problem("/v1", true), BaseUrlProblem::NotAbsolute);
        assert_eq!(
            problem("https://h.example/v1?x=1", true),
            BaseUrlProblem::HasQuery
        );
        assert_eq!(
            problem("https://h.example/v1#frag", true),
            BaseUrlProblem::HasFragment
        );
        assert_eq!(
            problem("https://user:pw@h.example/v1", true),
            BaseUrlProblem::HasUserinfo
        );
        assert_eq!(
            problem("ftp://h.example/v1", true),
            BaseUrlProblem::UnsupportedScheme
        );
        assert_eq!(
            problem("http://h.example/v1", true),
            BaseUrlProblem::InsecureHttp
        );
        assert_eq!(
            problem("http://10.0.0.1/v1", true),
            BaseUrlProblem::InsecureHttp
        );
        assert_eq!(
            problem("http://localhost.example.com/v1", true),
            BaseUrlProblem::InsecureHttp
        );
        assert_eq!(
            problem("http://[::2]/v1", true),
            BaseUrlProblem::InsecureHttp
        );
    }

    #[test]
    fn userinfo_is_never_shown() {
        let err = BaseUrl::parse("https://user:s3cret@h.example/v1", false).unwrap_err();
        assert!(!err.to_string().contains("s3cret"), "{err}");
        assert!(!format!("{err:?}").contains("s3cret"));
        let env = Environment::custom("https://user:s3cret@h.example/v1");
        assert!(!format!("{env:?}").contains("s3cret"));
        assert!(!env.to_string().contains("s3cret"));
    }

    #[test]
    fn from_str_names() {
        assert_eq!(
            "sandbox".parse::<Environment>().unwrap(),
            Environment::Sandbox
        );
        assert_eq!(
            "Production".parse::<Environment>().unwrap(),
            Environment::Production
        );
        assert_eq!(
            "https://x.example/v1".parse::<Environment>().unwrap(),
            Environment::custom("https://x.example/v1")
        );
        for (name, expected) in [
            ("sandbox", Some(Environment::Sandbox)),
            ("TEST", Some(Environment::Sandbox)),
            (" prod\n", Some(Environment::Production)),
            ("live", Some(Environment::Production)),
            ("custom", None),
            ("", None),
        ] {
            assert_eq!(Environment::from_name(name), expected, "{name:?}");
        }
    }

    #[test]
    fn loopback_hosts() {
        for host in [
            "localhost",
            "LocalHost",
            "127.0.0.1",
            "127.8.9.10",
            "[::1]",
            "::1",
        ] {
            assert!(is_loopback_host(host), "{host}");
        }
        for host in [
            "",
            "localhost.",
            "app.localhost",
            "localhost.example.com",
            "10.0.0.1",
            "128.0.0.1",
            "[::2]",
            "[::ffff:127.0.0.1]",
        ] {
            assert!(!is_loopback_host(host), "{host}");
        }
    }
}
