//! `smileid submit`: an image job, from files.

use std::io::{Read as _, Write as _};
use std::path::Path;

use smileid_hyper::{
    ImageIdInfo, ImageJob, MAX_IMAGE_BYTES, SubmitEvent, SubmitOptions, SubmittedJob, WaitPolicy,
};

use crate::args::SubmitArgs;
use crate::exit::Failure;
use crate::progress::Spinner;
use crate::render;

use super::entry;

/// What to try on a demo emulator's image jobs.
const SUBMIT_HINT: &str = "image jobs complete shortly after their upload; Biometric KYC takes \
                           the test ID numbers of verify-id (see docs/emulator.md)";

/// Runs `submit`.
///
/// # Errors
///
/// A [`Failure`] with the exit code of the error: 2 for unreadable files,
/// images that are not JPEG or PNG, or images and ID info the job type
/// needs and did not get (nothing sent then); 3 for an error answer from
/// Smile ID or the upload target; 5 for an unusable prep-upload answer; 7
/// when the prep upload's outcome is unknown.
pub async fn run(args: &SubmitArgs) -> Result<(), Failure> {
    // Files first: nothing is sent when one cannot be read.
    let job = build_job(args)?;
    let (client, _emulator) = entry::client(&args.entry, SUBMIT_HINT).await?;
    let mut options = SubmitOptions::default();
    if args.wait {
        let policy = match args.interval {
            Some(interval) => WaitPolicy::fixed(interval),
            None => WaitPolicy::default(),
        }
        .with_deadline(args.timeout)
        .with_max_polls(u32::MAX);
        options = options
            .wait(policy)
            .with_history(args.history)
            .with_image_links(args.images);
    }
    let spinner = Spinner::start(format!(
        "submitting job {} of user {}",
        crate::style::clean(&args.entry.job_id),
        crate::style::clean(&args.entry.user_id)
    ));
    spinner.status(format!(
        "preparing the upload of {}",
        size(job.image_bytes())
    ));
    let result = client
        .submit_job_with(job, &options, |event| match event {
            SubmitEvent::Prepared(prepared) => {
                spinner.status(format!("job {} created", prepared.smile_job_id()));
            }
            SubmitEvent::Zipped { bytes } => spinner.status(format!("uploading {}", size(*bytes))),
            SubmitEvent::Uploaded => spinner.status("uploaded"),
            SubmitEvent::Poll(poll) => spinner.observe(poll),
            _ => {}
        })
        .await;
    spinner.finish();
    let submitted = result.map_err(|e| entry::failure(&args.entry, &e))?;
    print(args, &submitted)
}

/// The job of `args`, its images read from their files.
fn build_job(args: &SubmitArgs) -> Result<ImageJob, Failure> {
    let entry = &args.entry;
    let mut job = ImageJob::new(args.job_type, entry.user_id.clone(), entry.job_id.clone());
    if let Some(path) = &args.selfie {
        job = job.selfie(read_image(path, "--selfie")?);
    }
    for path in &args.liveness {
        job = job.liveness_frame(read_image(path, "--liveness")?);
    }
    if let Some(path) = &args.id_front {
        job = job.id_front(read_image(path, "--id-front")?);
    }
    if let Some(path) = &args.id_back {
        job = job.id_back(read_image(path, "--id-back")?);
    }
    if let Some(country) = &args.country {
        let mut info = ImageIdInfo::new(country.clone());
        if let Some(id_type) = &args.id_type {
            info = info.id_type(id_type.clone());
        }
        for (value, set) in [
            (
                &args.id_number,
                ImageIdInfo::id_number as fn(_, String) -> _,
            ),
            (&args.first_name, ImageIdInfo::first_name),
            (&args.middle_name, ImageIdInfo::middle_name),
            (&args.last_name, ImageIdInfo::last_name),
            (&args.dob, ImageIdInfo::date_of_birth),
            (&args.gender, ImageIdInfo::gender),
            (&args.phone_number, ImageIdInfo::phone_number),
            (&args.bank_code, ImageIdInfo::bank_code),
        ] {
            if let Some(value) = value {
                info = set(info, value.clone());
            }
        }
        job = job.id_info(info);
    }
    if args.use_enrolled_image {
        job = job.use_enrolled_image();
    }
    if args.allow_new_enroll {
        job = job.allow_new_enroll();
    }
    if let Some(url) = &args.callback_url {
        job = job.callback_url(url.clone());
    }
    if args.retry_upload {
        job = job.resume();
    }
    for (key, value) in &entry.partner_params {
        job = job.partner_param(key.clone(), value.clone());
    }
    // The whole job is checked here too, so that a bad image or a missing
    // one is exit 2 before the client is even built.
    smileid_hyper::Operation::validate(&job.prep_upload())
        .map_err(|e| crate::exit::from_client_error(&e))?;
    Ok(job)
}

/// The bytes of the image file at `path` (`flag` names it in errors), at
/// most [`MAX_IMAGE_BYTES`]: a larger file is refused before it is read.
fn read_image(path: &Path, flag: &str) -> Result<Vec<u8>, Failure> {
    let refuse = |why: String| Failure::usage(format!("{flag} {}: {why}", path.display()));
    let file = std::fs::File::open(path).map_err(|e| refuse(e.to_string()))?;
    let cap = MAX_IMAGE_BYTES as u64;
    let mut bytes = Vec::new();
    file.take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| refuse(e.to_string()))?;
    if bytes.len() as u64 > cap {
        return Err(refuse(format!(
            "larger than the {} an image may be",
            size(MAX_IMAGE_BYTES)
        )));
    }
    Ok(bytes)
}

/// `2.0 MB`, `512 kB`, `80 B`.
fn size(bytes: usize) -> String {
    match bytes {
        b if b >= 1_000_000 => format!("{:.1} MB", b as f64 / 1e6),
        b if b >= 1_000 => format!("{} kB", b / 1_000),
        b => format!("{b} B"),
    }
}

/// Prints the job: its final status as `job-status` prints it after a
/// wait; else the Smile job id alone (or `{"smile_job_id", "user_id",
/// "job_id"}` with `--json`).
fn print(args: &SubmitArgs, submitted: &SubmittedJob) -> Result<(), Failure> {
    let text = match (&submitted.status, args.entry.json) {
        (Some(status), true) => super::job_status::pretty_json(status.raw_json())?,
        (Some(status), false) => render::job_status(status, &submitted.user_id, &submitted.job_id),
        (None, true) => {
            let value = serde_json::json!({
                "smile_job_id": submitted.smile_job_id,
                "user_id": submitted.user_id,
                "job_id": submitted.job_id,
            });
            format!("{value:#}\n")
        }
        (None, false) => format!("{}\n", submitted.smile_job_id),
    };
    let mut out = anstream::stdout();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
    Ok(())
}
