//! Polls a Smile ID job until it is complete, printing every poll, then its
//! outcome and actions.
//!
//! ```text
//! USAGE:
//!     wait [OPTIONS] <USER_ID> <JOB_ID>
//!
//! OPTIONS:
//!     --deadline <SECONDS>   give up after this long (default 120)
//!     --interval <SECONDS>   poll at this fixed interval (default: 2 s three
//!                            times, then every 4 s, like the official SDKs)
//!     --emulator             start a local Smile ID emulator (TLS, demo jobs)
//!                            and wait on it instead; no credentials needed
//!     -h, --help             print this help
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
//!     0 the job completed (whatever its outcome); 2 bad usage or settings;
//!     3 Smile ID answered with an error; 4 no response (network);
//!     5 a response was not signed with your key or was malformed;
//!     6 the job was still not complete at the deadline.
//! ```
//!
//! Against the sandbox:
//!
//! ```text
//! SMILE_PARTNER_ID=1234 SMILE_API_KEY=... \
//!     cargo run -p smileid-hyper --example wait -- my-user-id my-job-id
//! ```
//!
//! Against the local emulator, started in-process; its job `demo-pending`
//! completes on the third poll:
//!
//! ```text
//! cargo run -p smileid-hyper --example wait -- --emulator --interval 1 demo-user demo-pending
//! ```
//!
//! Against an emulator already running elsewhere, set `SMILE_BASE_URL` and
//! `SMILE_CA_CERT` (and its partner id and key, by default `001` and
//! `emulator-api-key`).
//!
//! In an application, prefer callbacks to polling when you can: Smile ID
//! posts the signed result to your `callback_url` (see `verify_callback`).

use std::error::Error as StdError;
use std::process::ExitCode;
use std::time::Duration;

use smileid_hyper::{
    BuildError, Client, ClientBuilder, Error, JobStatus, JobStatusQuery, PollEvent, PollOutcome,
    WaitPolicy,
};

const USAGE: &str =
    "usage: wait [--deadline SECONDS] [--interval SECONDS] [--emulator] <USER_ID> <JOB_ID>
       wait --help";

struct Args {
    user_id: String,
    job_id: String,
    policy: WaitPolicy,
    emulator: bool,
}

enum Parsed {
    Run(Args),
    Help,
}

fn seconds(flag: &str, value: Option<String>) -> Result<Duration, String> {
    let value = value.ok_or_else(|| format!("`{flag}` needs a number of seconds"))?;
    value
        .parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s > 0.0 && *s < 86_400.0)
        .map(Duration::from_secs_f64)
        .ok_or_else(|| format!("`{flag}`: `{value}` is not a number of seconds (0 to 86400)"))
}

fn parse_args() -> Result<Parsed, String> {
    let mut positional = Vec::new();
    let mut deadline = None;
    let mut interval = None;
    let mut emulator = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-h" | "--help" => return Ok(Parsed::Help),
            "--deadline" => deadline = Some(seconds("--deadline", args.next())?),
            "--interval" => interval = Some(seconds("--interval", args.next())?),
            "--emulator" => emulator = true,
            flag if flag.starts_with('-') => return Err(format!("unknown option `{flag}`")),
            _ => positional.push(arg),
        }
    }
    let [user_id, job_id]: [String; 2] = positional.try_into().map_err(|p: Vec<String>| {
        format!("expected <USER_ID> <JOB_ID>, got {} argument(s)", p.len())
    })?;
    let mut policy = match interval {
        Some(interval) => WaitPolicy::fixed(interval),
        None => WaitPolicy::default(),
    };
    if let Some(deadline) = deadline {
        policy = policy.with_deadline(deadline);
    }
    Ok(Parsed::Run(Args {
        user_id,
        job_id,
        policy,
        emulator,
    }))
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(Parsed::Run(args)) => args,
        Ok(Parsed::Help) => {
            println!("Polls a Smile ID job until it is complete.\n\n{USAGE}\n");
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

    // The emulator (if any) must outlive the wait: keep its handle.
    let (client, _emulator) = match make_client(args.emulator).await {
        Ok(pair) => pair,
        Err(exit) => return exit,
    };

    let query = JobStatusQuery::new(args.user_id, args.job_id);
    println!(
        "waiting up to {:?} for job {} of user {}",
        args.policy.deadline,
        query.job_id(),
        query.user_id()
    );
    let result = client
        .wait_for_completion_with(&query, &args.policy, print_poll)
        .await;
    match result {
        Ok(status) => {
            print_status(&status);
            ExitCode::SUCCESS
        }
        Err(error) => {
            if let Some(last) = match &error {
                Error::WaitTimedOut(timed_out) => timed_out.last(),
                _ => None,
            } {
                println!("last status seen:");
                print_status(last);
            }
            report(&error, error.hint(), 1)
        }
    }
}

/// Prints one line per poll.
fn print_poll(event: &PollEvent<'_>) {
    let what = match &event.outcome {
        PollOutcome::Status(status) => match &status.response().code {
            Some(code) => format!("{} (code {code})", status.outcome()),
            None => status.outcome().to_string(),
        },
        PollOutcome::Failed(error) => format!("failed: {error}"),
        PollOutcome::DeadlineReached => "deadline reached".to_owned(),
        _ => "?".to_owned(),
    };
    let next = match event.next_poll_in {
        Some(next) => format!("; next poll in {:.1}s", next.as_secs_f64()),
        None => String::new(),
    };
    println!(
        "poll {} at {:.1}s: {what}{next}",
        event.poll,
        event.elapsed.as_secs_f64()
    );
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
    println!("(using the local emulator at {})", handle.base_url());
    Ok((client, Some(handle)))
}

fn print_status(status: &JobStatus) {
    let response = status.response();
    println!("outcome:      {}", status.outcome());
    println!("job complete: {}", response.job_complete);
    println!("job success:  {}", response.job_success);
    let Some(result) = response.result_object() else {
        if let Some(message) = response.result.as_ref().and_then(|r| r.as_message()) {
            println!("result:       {message}");
        }
        return;
    };
    if let Some(code) = result.result_code() {
        let text = result.result_text_trimmed().unwrap_or("");
        println!("result:       {code} {text}");
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
