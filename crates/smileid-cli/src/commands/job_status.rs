//! `smileid job-status`.

use std::io::Write;

use smileid_emulator::Emulator;
use smileid_hyper::{Client, Error, JobStatus, JobStatusQuery, RetryPolicy, WaitPolicy};

use crate::args::JobStatusArgs;
use crate::exit::{self, Failure};
use crate::progress::Spinner;
use crate::{config, render};

/// Runs `job-status`: one query, or a wait with `--wait`.
///
/// # Errors
///
/// A [`Failure`] with the exit code of the error.
pub async fn run(args: &JobStatusArgs) -> Result<(), Failure> {
    // The emulator (if any) must outlive the client's calls.
    let (client, _emulator) = if args.emulator {
        let (client, emulator) = emulator_client(args.connection.retries).await?;
        (client, Some(emulator))
    } else {
        (config::client(&args.credentials, &args.connection)?, None)
    };
    let query = JobStatusQuery::new(args.user_id.clone(), args.job_id.clone())
        .with_history(args.history)
        .with_image_links(args.images);

    let result = if args.wait {
        let policy = match args.interval {
            Some(interval) => WaitPolicy::fixed(interval),
            None => WaitPolicy::default(),
        }
        .with_deadline(args.timeout)
        .with_max_polls(u32::MAX);
        let spinner = Spinner::start(format!(
            "waiting for job {} of user {}",
            crate::style::clean(&args.job_id),
            crate::style::clean(&args.user_id)
        ));
        let result = client
            .wait_for_completion_with(&query, &policy, |event| spinner.observe(event))
            .await;
        spinner.finish();
        result
    } else {
        client.job_status(&query).await
    };

    match result {
        Ok(status) => print_status(&status, args),
        Err(error) => {
            let mut failure = exit::from_client_error(&error);
            if let Error::WaitTimedOut(timed_out) = &error {
                if let Some(last) = timed_out.last() {
                    print_status(last, args)?;
                }
                let polls = timed_out.polls();
                failure.message = format!(
                    "the job was still pending at the {}s timeout ({polls} poll{} in {:.1}s)",
                    args.timeout.as_secs_f64(),
                    if polls == 1 { "" } else { "s" },
                    timed_out.elapsed().as_secs_f64()
                );
            }
            Err(failure)
        }
    }
}

/// Prints a verified status, as JSON or for a human.
fn print_status(status: &JobStatus, args: &JobStatusArgs) -> Result<(), Failure> {
    let text = if args.json {
        pretty_json(status.raw_json())?
    } else {
        render::job_status(status, &args.user_id, &args.job_id)
    };
    let mut out = anstream::stdout();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
    Ok(())
}

/// The verified body, pretty-printed with every field kept.
pub fn pretty_json(raw: &[u8]) -> Result<String, Failure> {
    let value: serde_json::Value = serde_json::from_slice(raw).map_err(|e| {
        Failure::new(
            exit::UNTRUSTED_RESPONSE,
            format!("could not re-read the verified response as JSON: {e}"),
        )
    })?;
    let mut text = serde_json::to_string_pretty(&value).map_err(|e| {
        Failure::new(
            exit::UNTRUSTED_RESPONSE,
            format!("could not print the response as JSON: {e}"),
        )
    })?;
    text.push('\n');
    Ok(text)
}

/// Starts a TLS emulator with its demo jobs in this process, and a client
/// that trusts only its CA and uses its credentials.
async fn emulator_client(
    retries: u32,
) -> Result<(Client, smileid_emulator::EmulatorHandle), Failure> {
    let emulator = Emulator::builder().tls(true).start().await.map_err(|e| {
        Failure::usage(format!("could not start the emulator: {}", exit::chain(&e)))
    })?;
    let Some(ca_pem) = emulator.ca_cert_pem() else {
        return Err(Failure::usage("the emulator started without TLS"));
    };
    let client = Client::builder(emulator.partner_id(), emulator.api_key())
        .base_url(emulator.base_url())
        .built_in_roots(false)
        .add_root_certificates_pem(ca_pem.as_bytes())
        .retry_policy(RetryPolicy::default().with_max_retries(retries))
        .user_agent_suffix(config::USER_AGENT)
        .build()
        .map_err(|e| exit::from_build_error(&e))?;
    let mut err = anstream::stderr();
    let _ = writeln!(
        err,
        "{}",
        crate::style::paint(
            crate::style::DIM,
            &format!(
                "Using a demo emulator at {} (partner id {}); demo jobs of user demo-user: \
                 demo-approved, demo-provisional, demo-rejected, demo-error, demo-pending.",
                emulator.base_url(),
                emulator.partner_id()
            )
        )
    );
    Ok((client, emulator))
}
