//! `smileid verify-id`: Enhanced and Basic KYC.

use smileid_hyper::IdVerification;
use smileid_hyper::sign::format_timestamp;

use crate::args::VerifyIdArgs;
use crate::exit::Failure;
use crate::render;

use super::entry;

/// Runs `verify-id`.
///
/// # Errors
///
/// A [`Failure`] with the exit code of the error (7 when the job may exist
/// but no answer came back).
pub async fn run(args: &VerifyIdArgs) -> Result<(), Failure> {
    let (client, _emulator) = entry::client(&args.entry, entry::ID_HINT).await?;
    let mut lookup = IdVerification::new(
        args.entry.user_id.clone(),
        args.entry.job_id.clone(),
        args.country.clone(),
        args.id_type.clone(),
        args.id_number.clone(),
    );
    for (value, set) in [
        (
            &args.first_name,
            IdVerification::first_name as fn(_, String) -> _,
        ),
        (&args.middle_name, IdVerification::middle_name),
        (&args.last_name, IdVerification::last_name),
        (&args.dob, IdVerification::date_of_birth),
        (&args.phone_number, IdVerification::phone_number),
        (&args.bank_code, IdVerification::bank_code),
        (&args.gender, IdVerification::gender),
    ] {
        if let Some(value) = value {
            lookup = set(lookup, value.clone());
        }
    }
    if args.consent {
        lookup = lookup.consent(format_timestamp(std::time::SystemTime::now()));
    }
    for (key, value) in &args.entry.partner_params {
        lookup = lookup.partner_param(key.clone(), value.clone());
    }
    if let Some(url) = args.callback_url.as_deref().filter(|_| args.asynchronous) {
        client
            .send(&lookup.asynchronous(url))
            .await
            .map_err(|e| entry::failure(&args.entry, &e))?;
        return entry::print_acknowledged(&args.entry, url);
    }
    let answer = client
        .send(&lookup)
        .await
        .map_err(|e| entry::failure(&args.entry, &e))?;
    if let Some(path) = &args.photo_out {
        match answer.photo() {
            Some(bytes) => std::fs::write(path, bytes).map_err(|e| {
                Failure::usage(format!(
                    "could not write the photo to {}: {e}",
                    path.display()
                ))
            })?,
            None => {
                let mut err = anstream::stderr();
                let _ = std::io::Write::write_all(
                    &mut err,
                    b"no photo in the answer; nothing written\n",
                );
            }
        }
    }
    let response = answer.response();
    entry::print(&args.entry, answer.raw_json(), || {
        render::lookup("ID lookup", &response.result, &response.timestamp)
    })
}
