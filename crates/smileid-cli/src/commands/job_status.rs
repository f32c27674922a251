//! `smileid job-status`.

use std::io::Write;

use smileid_hyper::{Error, JobStatus, JobStatusQuery, WaitPolicy};

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
        let (client, emulator) = super::emulator_client(
            args.connection.retries,
            "demo jobs of user demo-user: demo-approved, demo-provisional, demo-rejected, \
             demo-error, demo-pending",
        )
        .await?;
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
