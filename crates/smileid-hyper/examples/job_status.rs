//! Asks Smile ID for the status of one job and prints its outcome and
//! actions.
//!
//! ```text
//! USAGE:
//!     job_status [OPTIONS] <USER_ID> <JOB_ID>
//!
//! OPTIONS:
//!     --history       also fetch the user's earlier results
//!     --image-links   also fetch signed links to the job's images
//!     --emulator      start a local Smile ID emulator (TLS, demo jobs) and
//!                     query it instead; no credentials or network needed
//!     -h, --help      print this help
//!
//! ENVIRONMENT (not needed with --emulator):
//!     SMILE_PARTNER_ID   your partner id (required)
//!     SMILE_API_KEY      the API key of that environment (required; never printed)
//!     SMILE_ENV          sandbox (default) or production
//!     SMILE_BASE_URL     another base URL, such as a proxy or an emulator
//!                        running elsewhere (plain http only to loopback)
//!     SMILE_CA_CERT      a PEM file of extra trusted CA certificates
//!
//! EXIT STATUS:
//!     0 the status was received and verified; 2 bad usage or settings;
//!     3 Smile ID answered with an error; 4 no response (network);
//!     5 the response was not signed with your key or was malformed.
//! ```
//!
//! Against the sandbox:
//!
//! ```text
//! SMILE_PARTNER_ID=1234 SMILE_API_KEY=... \
//!     cargo run -p smileid-hyper --example job_status -- my-user-id my-job-id
//! ```
//!
//! Against the local emulator, started in-process (demo jobs of user
//! `demo-user`: demo-approved, demo-provisional, demo-rejected, demo-error,
//! demo-pending):
//!
//! ```text
//! cargo run -p smileid-hyper --example job_status -- --emulator demo-user demo-approved
//! ```
//!
//! Against an emulator already running elsewhere, point the variables at it:
//! `SMILE_BASE_URL=https://127.0.0.1:PORT/v1 SMILE_CA_CERT=emulator-ca.pem`
//! with the emulator's partner id and key (by default `001` and
//! `emulator-api-key`).

use std::error::Error as StdError;
use std::process::ExitCode;

use smileid_hyper::{BuildError, Client, ClientBuilder, JobStatus, JobStatusQuery};

const USAGE: &str = "usage: job_status [--history] [--image-links] [--emulator] <USER_ID> <JOB_ID>
       job_status --help";

struct Args {
    user_id: String,
    job_id: String,
    history: bool,
    image_links: bool,
    emulator: bool,
}

enum Parsed {
    Run(Args),
    Help,
}

fn parse_args() -> Result<Parsed, String> {
    let mut positional = Vec::new();
    let (mut history, mut image_links, mut emulator) = (false, false, false);
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "-h" | "--help" => return Ok(Parsed::Help),
            "--history" => history = true,
            "--image-links" => image_links = true,
            "--emulator" => emulator = true,
            flag if flag.starts_with('-') => return Err(format!("unknown option `{flag}`")),
            _ => positional.push(arg),
        }
    }
    let [user_id, job_id]: [String; 2] = positional.try_into().map_err(|p: Vec<String>| {
        format!("expected <USER_ID> <JOB_ID>, got {} argument(s)", p.len())
    })?;
    Ok(Parsed::Run(Args {
        user_id,
        job_id,
        history,
        image_links,
        emulator,
    }))
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(Parsed::Run(args)) => args,
        Ok(Parsed::Help) => {
            println!("Queries the status of one Smile ID job.\n\n{USAGE}\n");
            println!(
                "Credentials come from SMILE_PARTNER_ID and SMILE_API_KEY (SMILE_ENV=sandbox|production,"
            );
            println!(
                "optional SMILE_BASE_URL and SMILE_CA_CERT), or use --emulator to try it locally."
            );
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("error: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };

    // The emulator (if any) must outlive the query: keep its handle.
    let (client, _emulator) = match make_client(args.emulator).await {
        Ok(pair) => pair,
        Err(exit) => return exit,
    };

    let query = JobStatusQuery::new(args.user_id, args.job_id)
        .with_history(args.history)
        .with_image_links(args.image_links);
    match client.job_status(&query).await {
        Ok(status) => {
            print_status(&status);
            ExitCode::SUCCESS
        }
        Err(error) => report(&error, error.hint(), 1),
    }
}

/// A client from the environment, or one pointed at a fresh local emulator.
/// Reports a failure and returns the exit code.
async fn make_client(
    emulator: bool,
) -> Result<(Client, Option<smileid_emulator::EmulatorHandle>), ExitCode> {
    let failed = |error: BuildError| report(&error, error.hint(), 2);
    if !emulator {
        return Client::from_env()
            .map(|client| (client, None))
            .map_err(failed);
    }
    let handle = smileid_emulator::Emulator::start_tls()
        .await
        .map_err(|error| report(&error, None, 2))?;
    let client = ClientBuilder::new(handle.partner_id(), handle.api_key())
        .base_url(handle.base_url())
        .add_root_certificates_pem(handle.ca_cert_pem().unwrap_or_default().as_bytes())
        .build()
        .map_err(failed)?;
    eprintln!("(using the local emulator at {})", handle.base_url());
    Ok((client, Some(handle)))
}

fn print_status(status: &JobStatus) {
    let response = status.response();
    println!("outcome:      {}", status.outcome());
    println!("job complete: {}", response.job_complete);
    println!("job success:  {}", response.job_success);
    if let Some(code) = &response.code {
        println!("status code:  {code}");
    }
    match response.result_object() {
        Some(result) => {
            if let Some(code) = result.result_code() {
                let text = result.result_text_trimmed().unwrap_or("");
                println!("result:       {code} {text}");
            }
            if let Some(id) = result.smile_job_id() {
                println!("SmileJobID:   {id}");
            }
            if let Some(confidence) = result.confidence() {
                println!("confidence:   {confidence}");
            }
            match result.actions() {
                Some(actions) if !actions.is_empty() => {
                    println!("actions:");
                    for (name, verdict) in actions.iter() {
                        println!("  {name:<40} {verdict} ({})", verdict.status());
                    }
                }
                _ => println!("actions:      none"),
            }
        }
        None => {
            if let Some(message) = response.result.as_ref().and_then(|r| r.as_message()) {
                println!("result:       {message}");
            }
        }
    }
    if let Some(history) = &response.history {
        println!("history:      {} earlier result(s)", history.len());
    }
    if let Some(links) = &response.image_links {
        for (name, link) in links.iter() {
            println!("image link:   {name}: {link}");
        }
    }
}

/// Prints an error, its causes and a hint; returns the exit code.
fn report(error: &dyn StdError, hint: Option<&str>, code: u8) -> ExitCode {
    eprintln!("error: {error}");
    let mut source = error.source();
    while let Some(cause) = source {
        eprintln!("  caused by: {cause}");
        source = cause.source();
    }
    if let Some(hint) = hint {
        eprintln!("hint: {hint}");
    }
    ExitCode::from(code)
}
