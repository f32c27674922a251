//! Turning options into a signer or a client.

use smileid_hyper::{ApiKey, Client, Environment, RetryPolicy, Signer};

use crate::args::{ConnectionArgs, CredentialArgs, EnvName};
use crate::exit::{Failure, from_build_error};

/// The token appended to the `User-Agent` of every request.
pub const USER_AGENT: &str = concat!("smileid-cli/", env!("CARGO_PKG_VERSION"));

/// The partner id and API key, or a usage failure naming what is missing.
pub fn credentials(args: &CredentialArgs) -> Result<(String, ApiKey), Failure> {
    let partner_id = args
        .partner_id
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty());
    let api_key = args.api_key.as_deref().filter(|k| !k.trim().is_empty());
    match (partner_id, api_key) {
        (Some(partner_id), Some(api_key)) => {
            Ok((partner_id.to_owned(), ApiKey::new(api_key.to_owned())))
        }
        (None, _) => {
            Err(Failure::usage("no partner id")
                .with_hint("pass --partner-id or set SMILE_PARTNER_ID"))
        }
        (_, None) => {
            Err(Failure::usage("no API key").with_hint("set SMILE_API_KEY (or pass --api-key)"))
        }
    }
}

/// A signer for the credentials.
pub fn signer(args: &CredentialArgs) -> Result<Signer, Failure> {
    let (partner_id, api_key) = credentials(args)?;
    Signer::new(partner_id, api_key)
        .map_err(|e| Failure::usage(format!("invalid credentials: {e}")))
}

/// The environment the options name: `--base-url` (plain http allowed for
/// loopback hosts only), else `--env`.
pub fn environment(args: &ConnectionArgs) -> Environment {
    match args
        .base_url
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
    {
        Some(url) => Environment::custom_insecure_loopback(url),
        None => match args.env {
            EnvName::Sandbox => Environment::Sandbox,
            EnvName::Production => Environment::Production,
        },
    }
}

/// A client for the credentials and connection options. Nothing is sent.
pub fn client(credentials_args: &CredentialArgs, args: &ConnectionArgs) -> Result<Client, Failure> {
    let (partner_id, api_key) = credentials(credentials_args)?;
    let environment = environment(args);
    // Check the URL first, so that plain http to a remote host gets its own
    // clear message.
    if let Err(e) = environment.base_url() {
        return Err(Failure::usage(crate::exit::chain(&e)).with_hint(
            "use an https:// base URL; plain http:// is accepted only for 127.0.0.1, [::1] and localhost",
        ));
    }
    let mut builder = Client::builder(partner_id, api_key)
        .environment(environment)
        .retry_policy(RetryPolicy::default().with_max_retries(args.retries))
        .request_timeout(args.request_timeout)
        .user_agent_suffix(USER_AGENT);
    if let Some(path) = &args.ca_cert {
        builder = builder.add_root_certificates_pem_file(path.clone());
    }
    builder.build().map_err(|e| from_build_error(&e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn connection(env: EnvName, base_url: Option<&str>) -> ConnectionArgs {
        ConnectionArgs {
            env,
            base_url: base_url.map(str::to_owned),
            ca_cert: None,
            retries: 0,
            request_timeout: std::time::Duration::from_secs(30),
        }
    }

    fn base_url(args: &ConnectionArgs) -> Result<String, String> {
        environment(args)
            .base_url()
            .map(|url| url.as_str().to_owned())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn the_environment_picks_the_base_url() {
        assert_eq!(
            base_url(&connection(EnvName::Sandbox, None)).as_deref(),
            Ok("https://testapi.smileidentity.com/v1")
        );
        assert_eq!(
            base_url(&connection(EnvName::Production, None)).as_deref(),
            Ok("https://api.smileidentity.com/v1")
        );
        // A base URL overrides the environment; blank means none.
        assert_eq!(
            base_url(&connection(
                EnvName::Production,
                Some("https://proxy.example/v1")
            ))
            .as_deref(),
            Ok("https://proxy.example/v1")
        );
        assert_eq!(
            base_url(&connection(EnvName::Production, Some("  "))).as_deref(),
            Ok("https://api.smileidentity.com/v1")
        );
        // Plain http: loopback only.
        for url in [
            "http://127.0.0.1:8080/v1",
            "http://localhost:8080/v1",
            "http://[::1]:8080/v1",
        ] {
            assert!(
                base_url(&connection(EnvName::Sandbox, Some(url))).is_ok(),
                "{url}"
            );
        }
        assert!(base_url(&connection(EnvName::Sandbox, Some("http://10.0.0.1/v1"))).is_err());
    }

    #[test]
    fn environment_names_and_aliases() {
        use clap::ValueEnum as _;
        for (name, env) in [
            ("sandbox", EnvName::Sandbox),
            ("test", EnvName::Sandbox),
            ("production", EnvName::Production),
            ("prod", EnvName::Production),
            ("live", EnvName::Production),
        ] {
            assert_eq!(EnvName::from_str(name, false), Ok(env), "{name}");
        }
        assert!(EnvName::from_str("staging", false).is_err());
    }
}
