//! Submits a SmartSelfie registration (job type 4) from a selfie file and
//! optional liveness frames, waits for the result and prints it.
//!
//! ```text
//! USAGE:
//!     image_job [--emulator] <USER_ID> <JOB_ID> <SELFIE.jpg> [LIVENESS.jpg...]
//!
//! OPTIONS:
//!     --emulator   start a local Smile ID emulator (TLS) and submit to it;
//!                  no credentials or network needed
//!
//! ENVIRONMENT (not needed with --emulator): SMILE_PARTNER_ID, SMILE_API_KEY,
//! SMILE_ENV, SMILE_BASE_URL, SMILE_CA_CERT, as for the job_status example.
//! ```
//!
//! ```text
//! cargo run -p smileid-hyper --example image_job -- --emulator user-1 job-1 selfie.jpg
//! ```
//!
//! Without a selfie at hand, `--emulator` with the path `-` uses a tiny
//! built-in JPEG. See `docs/image-jobs.md` for the other job types and for
//! resuming a job whose upload failed.

use std::process::ExitCode;
use std::time::Duration;

use smileid_hyper::{
    Client, ClientBuilder, Error, ImageJob, ImageJobType, SubmitEvent, SubmitOptions, WaitPolicy,
};

/// The smallest bytes that pass the JPEG check, for `-`.
const TINY_JPEG: &[u8] = &[
    0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0xFF, 0xD9,
];

#[tokio::main]
async fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let emulator = args.first().is_some_and(|a| a == "--emulator");
    if emulator {
        args.remove(0);
    }
    let [user_id, job_id, selfie, liveness @ ..] = args.as_slice() else {
        eprintln!(
            "usage: image_job [--emulator] <USER_ID> <JOB_ID> <SELFIE.jpg> [LIVENESS.jpg...]"
        );
        return ExitCode::from(2);
    };
    let read = |path: &str| -> Result<Vec<u8>, String> {
        if path == "-" {
            return Ok(TINY_JPEG.to_vec());
        }
        std::fs::read(path).map_err(|e| format!("{path}: {e}"))
    };
    let mut job = ImageJob::new(ImageJobType::SmartSelfieRegistration, user_id, job_id);
    match read(selfie) {
        Ok(bytes) => job = job.selfie(bytes),
        Err(e) => return fail(&e, 2),
    }
    for path in liveness {
        match read(path) {
            Ok(bytes) => job = job.liveness_frame(bytes),
            Err(e) => return fail(&e, 2),
        }
    }

    let (client, _emulator) = match make_client(emulator).await {
        Ok(made) => made,
        Err(code) => return code,
    };
    let options = SubmitOptions::default()
        .wait(WaitPolicy::fixed(Duration::from_secs(1)).with_deadline(Duration::from_secs(120)));
    let submitted = client
        .submit_job_with(job, &options, |event| match event {
            SubmitEvent::Prepared(prepared) => {
                eprintln!("job {} created", prepared.smile_job_id());
            }
            SubmitEvent::Zipped { bytes } => eprintln!("uploading {bytes} bytes"),
            SubmitEvent::Uploaded => eprintln!("uploaded; waiting for the result"),
            _ => {}
        })
        .await;
    match submitted {
        Ok(job) => {
            let status = job.status.expect("the submission waited");
            println!("Smile job id: {}", job.smile_job_id);
            println!("outcome:      {}", status.outcome());
            if let Some(result) = status.response().result_object()
                && let Some(code) = result.result_code()
            {
                println!(
                    "result:       {} {}",
                    code.as_str(),
                    result.result_text_trimmed().unwrap_or_default()
                );
            }
            ExitCode::SUCCESS
        }
        Err(Error::UploadIncomplete(e)) => {
            // The job exists and waits for its images: resume it, never
            // resubmit it under a new job id.
            fail(
                &format!(
                    "{e}\n  resume it: the same job with ImageJob::resume(), or \
                     `smileid submit ... --retry-upload`"
                ),
                3,
            )
        }
        Err(e) => fail(
            &format!(
                "{e}{}",
                e.hint()
                    .map(|h| format!("\n  hint: {h}"))
                    .unwrap_or_default()
            ),
            3,
        ),
    }
}

fn fail(message: &str, code: u8) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(code)
}

/// A client from the environment, or one pointed at a fresh local emulator.
async fn make_client(
    emulator: bool,
) -> Result<(Client, Option<smileid_emulator::EmulatorHandle>), ExitCode> {
    if !emulator {
        return Client::from_env()
            .map(|client| (client, None))
            .map_err(|e| fail(&e.to_string(), 2));
    }
    let handle = smileid_emulator::Emulator::start_tls()
        .await
        .map_err(|e| fail(&e.to_string(), 2))?;
    let client = ClientBuilder::new(handle.partner_id(), handle.api_key())
        .base_url(handle.base_url())
        .add_root_certificates_pem(handle.ca_cert_pem().unwrap_or_default().as_bytes())
        .build()
        .map_err(|e| fail(&e.to_string(), 2))?;
    eprintln!("(using the local emulator at {})", handle.base_url());
    Ok((client, Some(handle)))
}
