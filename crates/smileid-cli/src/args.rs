//! The command line, as clap parses it.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::exit::EXIT_CODES_HELP;

/// `smileid`: Smile ID from a terminal: ID lookups, business verification,
/// AML screens, job status, signatures and callbacks.
#[derive(Debug, Parser)]
#[command(
    name = "smileid",
    version,
    about = "Smile ID from a terminal: ID lookups, business verification, AML screens, \
             job status, signatures and callbacks",
    long_about = "Smile ID from a terminal: ID lookups, business verification, AML screens, \
                  job status, signatures and callbacks.\n\n\
                  Every response is verified with the partner's API key before it is shown. \
                  Try it without an account: `smileid job-status --emulator --user-id demo-user \
                  --job-id demo-approved`.",
    after_help = EXIT_CODES_HELP,
    propagate_version = true
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Ask Smile ID for the status of a job (and optionally wait for it).
    #[command(after_help = EXIT_CODES_HELP)]
    JobStatus(JobStatusArgs),
    /// Print a fresh request signature as one JSON line.
    #[command(after_help = EXIT_CODES_HELP)]
    Sign(SignArgs),
    /// Check a signature over a timestamp.
    #[command(after_help = EXIT_CODES_HELP)]
    Verify(VerifyArgs),
    /// Verify and decode a callback body Smile ID posted (from a file or stdin).
    #[command(after_help = EXIT_CODES_HELP)]
    VerifyCallback(VerifyCallbackArgs),
    /// Look an ID number up with its authority: Enhanced or Basic KYC (job type 5).
    #[command(after_help = EXIT_CODES_HELP)]
    VerifyId(VerifyIdArgs),
    /// Look a business up in its registry or tax authority (KYB, job type 7).
    #[command(after_help = EXIT_CODES_HELP)]
    VerifyBusiness(VerifyBusinessArgs),
    /// Screen a person against sanctions, PEP and adverse-media lists (job type 10).
    #[command(after_help = EXIT_CODES_HELP)]
    Aml(AmlArgs),
    /// Submit an image job (Biometric KYC, SmartSelfie, document
    /// verification): prep upload, zip and upload, and optionally the wait.
    #[command(after_help = EXIT_CODES_HELP)]
    Submit(SubmitArgs),
    /// Mint a web token for Smile ID's hosted web page (printed alone on stdout).
    #[command(after_help = EXIT_CODES_HELP)]
    WebToken(WebTokenArgs),
    /// List the countries, ID types, required fields and banks Smile ID supports.
    #[command(after_help = EXIT_CODES_HELP)]
    Services(ServicesArgs),
    /// List the documents the hosted page can capture, per country.
    #[command(after_help = EXIT_CODES_HELP)]
    ValidDocuments(ValidDocumentsArgs),
    /// Show the partner's products configuration (ID types per product, consent).
    #[command(after_help = EXIT_CODES_HELP)]
    ProductsConfig(ProductsConfigArgs),
    /// Run a local Smile ID server (the emulator) in the foreground.
    #[command(after_help = EXIT_CODES_HELP)]
    Emulator(EmulatorArgs),
}

/// The partner's credentials. `Debug` never shows the API key.
#[derive(Clone, Args)]
pub struct CredentialArgs {
    /// The partner id.
    #[arg(long, env = "SMILE_PARTNER_ID", value_name = "ID")]
    pub partner_id: Option<String>,
    /// The API key (never printed; prefer the environment variable, which
    /// keeps it out of the shell history and the process list).
    #[arg(
        long,
        env = "SMILE_API_KEY",
        hide_env_values = true,
        allow_hyphen_values = true,
        value_name = "KEY"
    )]
    pub api_key: Option<String>,
}

impl fmt::Debug for CredentialArgs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialArgs")
            .field("partner_id", &self.partner_id)
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// Which Smile ID environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EnvName {
    /// `https://testapi.smileidentity.com/v1`.
    #[value(alias = "test")]
    Sandbox,
    /// `https://api.smileidentity.com/v1`.
    #[value(alias = "prod", alias = "live")]
    Production,
}

/// Where requests go, and whom to trust.
#[derive(Debug, Clone, Args)]
pub struct ConnectionArgs {
    /// The Smile ID environment.
    #[arg(
        long = "env",
        env = "SMILE_ENV",
        value_enum,
        default_value = "sandbox",
        value_name = "ENV"
    )]
    pub env: EnvName,
    /// A custom base URL (a proxy, an emulator), overriding --env. Must be
    /// https, except for a loopback host (127.0.0.1, ::1, localhost).
    #[arg(long, env = "SMILE_BASE_URL", value_name = "URL")]
    pub base_url: Option<String>,
    /// A PEM file of extra trusted root certificates (a proxy's or an
    /// emulator's CA).
    #[arg(long, env = "SMILE_CA_CERT", value_name = "FILE")]
    pub ca_cert: Option<PathBuf>,
    /// Retries of a failed attempt (connection errors, timeouts, 429, 5xx).
    #[arg(long, default_value_t = 2, value_name = "N")]
    pub retries: u32,
    /// The longest one attempt may take, from connecting to the last byte of
    /// the answer, in seconds.
    #[arg(long, value_name = "SECS", value_parser = parse_timeout, default_value = "30")]
    pub request_timeout: Duration,
}

/// `smileid job-status`.
#[derive(Debug, Clone, Args)]
pub struct JobStatusArgs {
    /// The partner's user id of the job.
    #[arg(long, value_name = "USER_ID")]
    pub user_id: String,
    /// The partner's job id (not Smile ID's SmileJobID).
    #[arg(long, value_name = "JOB_ID")]
    pub job_id: String,
    /// Also ask for every earlier result of this user.
    #[arg(long)]
    pub history: bool,
    /// Also ask for signed, expiring image links.
    #[arg(long)]
    pub images: bool,
    /// Print the verified response as pretty JSON (every field kept).
    #[arg(long)]
    pub json: bool,
    /// Poll until the job is complete.
    #[arg(long)]
    pub wait: bool,
    /// With --wait: give up after this many seconds.
    #[arg(long, requires = "wait", value_name = "SECS", value_parser = parse_timeout, default_value = "120")]
    pub timeout: Duration,
    /// With --wait: poll every SECS seconds (default: 2 s three times, then 4 s).
    #[arg(long, requires = "wait", value_name = "SECS", value_parser = parse_interval)]
    pub interval: Option<Duration>,
    /// Query a demo emulator started in this process (TLS, demo jobs of user
    /// `demo-user`); no account or network needed. The credential and
    /// connection options are then ignored.
    #[arg(long)]
    pub emulator: bool,
    /// The partner's credentials.
    #[command(flatten)]
    pub credentials: CredentialArgs,
    /// Where requests go.
    #[command(flatten)]
    pub connection: ConnectionArgs,
}

/// The ids and options every call that creates a job shares.
#[derive(Debug, Clone, Args)]
pub struct EntryArgs {
    /// The partner's user id.
    #[arg(long, value_name = "USER_ID")]
    pub user_id: String,
    /// A fresh job id: job ids are single-use, and this call creates (and
    /// may bill) the job.
    #[arg(long, value_name = "JOB_ID")]
    pub job_id: String,
    /// An extra partner param, returned with the result (repeatable).
    #[arg(long = "partner-param", value_name = "KEY=VALUE", value_parser = parse_key_value)]
    pub partner_params: Vec<(String, String)>,
    /// Print the verified response as pretty JSON (every field kept).
    #[arg(long)]
    pub json: bool,
    /// Send the call to a demo emulator started in this process (TLS; see
    /// docs/emulator.md for its test ID numbers); no account or network
    /// needed. The credential and connection options are then ignored.
    #[arg(long)]
    pub emulator: bool,
    /// The partner's credentials.
    #[command(flatten)]
    pub credentials: CredentialArgs,
    /// Where requests go.
    #[command(flatten)]
    pub connection: ConnectionArgs,
}

/// The output and connection options of the calls that only read (and the
/// web token, which creates no job).
#[derive(Debug, Clone, Args)]
pub struct ReadArgs {
    /// Print the response as received, pretty JSON (every field kept).
    #[arg(long)]
    pub json: bool,
    /// Ask a demo emulator started in this process (TLS); no account or
    /// network needed. The credential and connection options are then
    /// ignored.
    #[arg(long)]
    pub emulator: bool,
    /// The partner's credentials.
    #[command(flatten)]
    pub credentials: CredentialArgs,
    /// Where requests go.
    #[command(flatten)]
    pub connection: ConnectionArgs,
}

/// `smileid web-token`.
#[derive(Debug, Clone, Args)]
pub struct WebTokenArgs {
    /// The partner's user id of the job the page will run.
    #[arg(long, value_name = "USER_ID")]
    pub user_id: String,
    /// The partner's job id of the job the page will run.
    #[arg(long, value_name = "JOB_ID")]
    pub job_id: String,
    /// The product the page runs: authentication, basic_kyc, smartselfie,
    /// biometric_kyc, enhanced_kyc, doc_verification, ekyc_smartselfie,
    /// identity_verification, enhanced_document_verification (others are
    /// passed through).
    #[arg(long, value_name = "PRODUCT")]
    pub product: String,
    /// Where the job's result is posted (https, or http to a loopback host).
    #[arg(long, value_name = "URL")]
    pub callback_url: Option<String>,
    /// Output and connection.
    #[command(flatten)]
    pub read: ReadArgs,
}

/// `smileid services`.
#[derive(Debug, Clone, Args)]
pub struct ServicesArgs {
    /// Only this country (ISO 3166-1 alpha-2).
    #[arg(long, value_name = "CC")]
    pub country: Option<String>,
    /// Only the ID types the hosted page offers for this product
    /// (basic_kyc, biometric_kyc, enhanced_kyc, doc_verification, ...).
    #[arg(long, value_name = "PRODUCT")]
    pub product: Option<String>,
    /// Labels in this language (a tag such as `fr`).
    #[arg(long, value_name = "TAG")]
    pub locale: Option<String>,
    /// Output and connection.
    #[command(flatten)]
    pub read: ReadArgs,
}

/// `smileid valid-documents`.
#[derive(Debug, Clone, Args)]
pub struct ValidDocumentsArgs {
    /// Only this country (ISO 3166-1 alpha-2).
    #[arg(long, value_name = "CC")]
    pub country: Option<String>,
    /// Output and connection.
    #[command(flatten)]
    pub read: ReadArgs,
}

/// `smileid products-config`.
#[derive(Debug, Clone, Args)]
pub struct ProductsConfigArgs {
    /// Output and connection.
    #[command(flatten)]
    pub read: ReadArgs,
}

/// `smileid verify-id`.
#[derive(Debug, Clone, Args)]
pub struct VerifyIdArgs {
    /// The ISO 3166-1 alpha-2 country of the ID (NG, KE, GH, ZA, ...).
    #[arg(long, value_name = "CC")]
    pub country: String,
    /// The ID type (BVN, NIN_V2, NATIONAL_ID, PASSPORT, ...).
    #[arg(long, value_name = "TYPE")]
    pub id_type: String,
    /// The ID number.
    #[arg(long, value_name = "NUMBER")]
    pub id_number: String,
    /// First name, for matching.
    #[arg(long, value_name = "NAME")]
    pub first_name: Option<String>,
    /// Middle name, for matching.
    #[arg(long, value_name = "NAME")]
    pub middle_name: Option<String>,
    /// Last name, for matching.
    #[arg(long, value_name = "NAME")]
    pub last_name: Option<String>,
    /// Date of birth, for matching.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub dob: Option<String>,
    /// Phone number.
    #[arg(long, value_name = "PHONE")]
    pub phone_number: Option<String>,
    /// Bank code (for BANK_ACCOUNT).
    #[arg(long, value_name = "CODE")]
    pub bank_code: Option<String>,
    /// Gender, M or F.
    #[arg(long, value_name = "M|F")]
    pub gender: Option<String>,
    /// The user consented, now, to the lookup of their personal details,
    /// contact information and document information.
    #[arg(long)]
    pub consent: bool,
    /// Ask for the result at --callback-url instead of waiting for it.
    #[arg(long = "async", requires = "callback_url")]
    pub asynchronous: bool,
    /// Where the result is posted (https, or http to a loopback host).
    #[arg(long, requires = "asynchronous", value_name = "URL")]
    pub callback_url: Option<String>,
    /// First check the lookup against Smile ID's services catalogue (one
    /// unbilled read): every missing required field and an ID number that
    /// does not match its country's pattern are listed, and nothing billed
    /// is sent (exit 2).
    #[arg(long)]
    pub check: bool,
    /// Write the decoded ID photo (JPEG) to FILE, when the authority returns one.
    #[arg(long, value_name = "FILE", conflicts_with = "asynchronous")]
    pub photo_out: Option<PathBuf>,
    /// Ids, output and connection.
    #[command(flatten)]
    pub entry: EntryArgs,
}

/// `smileid verify-business`.
#[derive(Debug, Clone, Args)]
pub struct VerifyBusinessArgs {
    /// The ISO 3166-1 alpha-2 country of the business (NG, KE, ZA, ...).
    #[arg(long, value_name = "CC")]
    pub country: String,
    /// BASIC_BUSINESS_REGISTRATION, BUSINESS_REGISTRATION or TAX_INFORMATION.
    #[arg(long, value_name = "TYPE")]
    pub id_type: String,
    /// The registration or tax number.
    #[arg(long, value_name = "NUMBER")]
    pub id_number: String,
    /// bn (business name), co (company) or it (incorporated trustees):
    /// required for Nigerian registry searches.
    #[arg(long, value_name = "bn|co|it")]
    pub business_type: Option<String>,
    /// Postal address (Kenyan BUSINESS_REGISTRATION).
    #[arg(long, value_name = "TEXT")]
    pub postal_address: Option<String>,
    /// Postal code (Kenyan BUSINESS_REGISTRATION).
    #[arg(long, value_name = "CODE")]
    pub postal_code: Option<String>,
    /// Ask for the result at --callback-url instead of waiting for it.
    #[arg(long = "async", requires = "callback_url")]
    pub asynchronous: bool,
    /// Where the result is posted (https, or http to a loopback host).
    #[arg(long, requires = "asynchronous", value_name = "URL")]
    pub callback_url: Option<String>,
    /// Ids, output and connection.
    #[command(flatten)]
    pub entry: EntryArgs,
}

/// `smileid aml`.
#[derive(Debug, Clone, Args)]
pub struct AmlArgs {
    /// The person's full name.
    #[arg(long, value_name = "NAME")]
    pub full_name: String,
    /// A country to screen in, ISO 3166-1 alpha-2 (repeatable).
    #[arg(long = "country", value_name = "CC", required = true)]
    pub countries: Vec<String>,
    /// The year of birth.
    #[arg(long, value_name = "YYYY")]
    pub birth_year: Option<String>,
    /// Another name the person is known by (repeatable).
    #[arg(long = "alias", value_name = "NAME")]
    pub aliases: Vec<String>,
    /// Match names loosely (strict matching is the default).
    #[arg(long)]
    pub no_strict_match: bool,
    /// Reuse the data of an earlier KYC job of this user.
    #[arg(long)]
    pub search_existing_user: bool,
    /// Ids, output and connection.
    #[command(flatten)]
    pub entry: EntryArgs,
}

/// `smileid submit`.
#[derive(Debug, Clone, Args)]
pub struct SubmitArgs {
    /// The job type: biometric-kyc (1), smartselfie-authentication (2),
    /// smartselfie-registration (4), document-verification (6) or
    /// enhanced-document-verification (11), by name or number.
    #[arg(long, value_name = "TYPE", value_parser = parse_image_job_type)]
    pub job_type: smileid_hyper::ImageJobType,
    /// The selfie, a JPEG or PNG file.
    #[arg(long, value_name = "FILE")]
    pub selfie: Option<std::path::PathBuf>,
    /// A liveness frame, a JPEG or PNG file (repeatable, in order).
    #[arg(long, value_name = "FILE")]
    pub liveness: Vec<std::path::PathBuf>,
    /// The front of the ID card or document.
    #[arg(long, value_name = "FILE")]
    pub id_front: Option<std::path::PathBuf>,
    /// The back of the ID card or document.
    #[arg(long, value_name = "FILE")]
    pub id_back: Option<std::path::PathBuf>,
    /// The ISO 3166-1 alpha-2 country of the ID (needed for Biometric KYC
    /// without an ID front, and for document verification).
    #[arg(long, value_name = "CC")]
    pub country: Option<String>,
    /// The ID type (NIN_V2, PASSPORT, ...).
    #[arg(long, value_name = "TYPE", requires = "country")]
    pub id_type: Option<String>,
    /// The ID number (Biometric KYC).
    #[arg(long, value_name = "NUMBER", requires = "country")]
    pub id_number: Option<String>,
    /// First name, for matching.
    #[arg(long, value_name = "NAME", requires = "country")]
    pub first_name: Option<String>,
    /// Middle name, for matching.
    #[arg(long, value_name = "NAME", requires = "country")]
    pub middle_name: Option<String>,
    /// Last name, for matching.
    #[arg(long, value_name = "NAME", requires = "country")]
    pub last_name: Option<String>,
    /// Date of birth, for matching.
    #[arg(long, value_name = "YYYY-MM-DD", requires = "country")]
    pub dob: Option<String>,
    /// Gender, M or F.
    #[arg(long, value_name = "M|F", requires = "country")]
    pub gender: Option<String>,
    /// Phone number.
    #[arg(long, value_name = "PHONE", requires = "country")]
    pub phone_number: Option<String>,
    /// Bank code (for BANK_ACCOUNT).
    #[arg(long, value_name = "CODE", requires = "country")]
    pub bank_code: Option<String>,
    /// Use the selfie on file instead of --selfie (document verification only).
    #[arg(long)]
    pub use_enrolled_image: bool,
    /// Let an enrolled user enrol again (Biometric KYC, SmartSelfie registration).
    #[arg(long)]
    pub allow_new_enroll: bool,
    /// Where the result is posted (https, or http to a loopback host).
    #[arg(long, value_name = "URL")]
    pub callback_url: Option<String>,
    /// The job exists but its images never arrived (an expired link, a
    /// failed upload): ask for a fresh upload URL for the same job and
    /// upload again. Never done automatically.
    #[arg(long)]
    pub retry_upload: bool,
    /// After the upload, poll until the job is complete and print its status.
    #[arg(long)]
    pub wait: bool,
    /// With --wait: give up after this many seconds.
    #[arg(long, requires = "wait", value_name = "SECS", value_parser = parse_timeout, default_value = "120")]
    pub timeout: Duration,
    /// With --wait: poll every SECS seconds (default: 2 s three times, then 4 s).
    #[arg(long, requires = "wait", value_name = "SECS", value_parser = parse_interval)]
    pub interval: Option<Duration>,
    /// With --wait: also ask for every earlier result of this user.
    #[arg(long, requires = "wait")]
    pub history: bool,
    /// With --wait: also ask for signed, expiring image links.
    #[arg(long, requires = "wait")]
    pub images: bool,
    /// Ids, output and connection.
    #[command(flatten)]
    pub entry: EntryArgs,
}

fn parse_image_job_type(text: &str) -> Result<smileid_hyper::ImageJobType, String> {
    smileid_hyper::ImageJobType::parse(text).ok_or_else(|| {
        format!(
            "`{text}` is not an image job type: use biometric-kyc, smartselfie-authentication, \
             smartselfie-registration, document-verification, enhanced-document-verification \
             or 1, 2, 4, 6, 11"
        )
    })
}

fn parse_key_value(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((key, value)) if !key.trim().is_empty() => {
            Ok((key.trim().to_owned(), value.to_owned()))
        }
        _ => Err(format!("expected KEY=VALUE, got `{text}`")),
    }
}

/// `smileid sign`.
#[derive(Debug, Clone, Args)]
pub struct SignArgs {
    /// Sign this timestamp verbatim instead of the current time.
    #[arg(long, value_name = "TS")]
    pub timestamp: Option<String>,
    /// The partner's credentials.
    #[command(flatten)]
    pub credentials: CredentialArgs,
}

/// `smileid verify`.
#[derive(Debug, Clone, Args)]
pub struct VerifyArgs {
    /// The signed timestamp, exactly as received.
    #[arg(long, value_name = "TS")]
    pub timestamp: String,
    /// The signature to check (base64).
    #[arg(long, value_name = "SIG")]
    pub signature: String,
    /// The partner's credentials.
    #[command(flatten)]
    pub credentials: CredentialArgs,
}

/// `smileid verify-callback`.
#[derive(Debug, Clone, Args)]
pub struct VerifyCallbackArgs {
    /// The file holding the callback body; standard input when absent or `-`.
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// The greatest accepted age of the callback's timestamp, in seconds.
    #[arg(long, value_name = "SECS", default_value = "300", value_parser = parse_seconds)]
    pub max_age: Duration,
    /// How far in the future the callback's timestamp may be, in seconds.
    #[arg(long, value_name = "SECS", default_value = "60", value_parser = parse_seconds)]
    pub max_future: Duration,
    /// Print the verified callback as pretty JSON instead of a summary.
    #[arg(long)]
    pub json: bool,
    /// The partner's credentials.
    #[command(flatten)]
    pub credentials: CredentialArgs,
}

/// `smileid emulator`.
#[derive(Debug, Clone, Args)]
pub struct EmulatorArgs {
    /// The address to listen on (port 0: a free port).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:0")]
    pub listen: SocketAddr,
    /// The partner id the emulator accepts (default 001). Environment
    /// variables are not read here, so a real key is never picked up.
    #[arg(long, value_name = "ID")]
    pub partner_id: Option<String>,
    /// The API key the emulator accepts (default emulator-api-key). It is the
    /// emulator's own key, so it is printed at start.
    #[arg(long, allow_hyphen_values = true, value_name = "KEY")]
    pub api_key: Option<String>,
    /// Serve HTTPS with a CA made at start (see --ca-cert-out).
    #[arg(long)]
    pub tls: bool,
    /// With --tls: write the CA certificate (PEM) to FILE for clients to
    /// trust (without it, the PEM is printed).
    #[arg(long, requires = "tls", value_name = "FILE")]
    pub ca_cert_out: Option<PathBuf>,
    /// A seed file (JSON: jobs and faults); may be repeated.
    #[arg(long, value_name = "FILE")]
    pub seed: Vec<PathBuf>,
    /// Start without the built-in demo jobs.
    #[arg(long)]
    pub no_demo_jobs: bool,
}

/// Reads a non-negative number of seconds, such as `120` or `0.5`.
pub(crate) fn parse_seconds(text: &str) -> Result<Duration, String> {
    let secs: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a number of seconds"))?;
    if !secs.is_finite() || secs < 0.0 {
        return Err(format!("`{text}` is not a non-negative number of seconds"));
    }
    Duration::try_from_secs_f64(secs).map_err(|_| format!("`{text}` seconds is too long"))
}

/// A wait deadline: more than zero seconds.
fn parse_timeout(text: &str) -> Result<Duration, String> {
    let d = parse_seconds(text)?;
    if d.is_zero() {
        return Err("the timeout must be more than 0 seconds".to_owned());
    }
    Ok(d)
}

/// A poll interval: at least 0.1 s, so that a server is never hammered.
fn parse_interval(text: &str) -> Result<Duration, String> {
    let d = parse_seconds(text)?;
    if d < Duration::from_millis(100) {
        return Err("the interval must be at least 0.1 seconds".to_owned());
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn debug_never_shows_the_api_key() {
        let secret = "sk-debug-5d41402abc4b2a76b971";
        for args in [
            vec![
                "smileid",
                "sign",
                "--partner-id",
                "085",
                "--api-key",
                secret,
            ],
            vec![
                "smileid",
                "job-status",
                "--user-id",
                "u",
                "--job-id",
                "j",
                "--api-key",
                secret,
            ],
            vec!["smileid", "verify-callback", "--api-key", secret],
        ] {
            let cli = Cli::try_parse_from(&args).expect("parses");
            let debug = format!("{cli:?} {cli:#?}");
            assert!(!debug.contains(secret), "{debug}");
            assert!(debug.contains("<redacted>"), "{debug}");
        }
    }

    #[test]
    fn seconds() {
        assert_eq!(parse_seconds("2"), Ok(Duration::from_secs(2)));
        assert_eq!(parse_seconds("0.5"), Ok(Duration::from_millis(500)));
        assert!(parse_seconds("-1").is_err());
        assert!(parse_seconds("NaN").is_err());
        assert!(parse_seconds("1e30").is_err());
        assert!(parse_timeout("0").is_err());
        assert!(parse_interval("0.01").is_err());
        assert_eq!(parse_interval("0.1"), Ok(Duration::from_millis(100)));
    }
}
