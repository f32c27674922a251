//! `smileid verify-id`: Enhanced and Basic KYC.

use smileid_hyper::{Client, IdVerification, Preflight, ServicesQuery};
use std::io::Write as _;

use smileid_hyper::sign::format_timestamp;

use crate::args::VerifyIdArgs;
use crate::exit::{self, Failure};
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
    if args.check {
        preflight(&client, &lookup).await?;
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

/// `--check`: reads the services catalogue (unbilled) and checks `lookup`
/// against it. Every problem is listed on stderr and the command stops with
/// exit 2 before the billed call; warnings (a pattern that could not be
/// used) are listed and the call goes on.
async fn preflight(client: &Client, lookup: &IdVerification) -> Result<(), Failure> {
    let services = client.send(&ServicesQuery::new()).await.map_err(|e| {
        let mut failure = exit::from_client_error(&e);
        failure.message = format!(
            "--check could not read the services catalogue: {}",
            failure.message
        );
        failure
    })?;
    let report = Preflight::new(services.response()).check(lookup);
    let mut err = anstream::stderr();
    for warning in report.warnings() {
        let _ = writeln!(
            err,
            "{} {}",
            crate::style::paint(crate::style::WAITING, "warning:"),
            crate::style::clean(&warning.to_string())
        );
    }
    if report.is_ok() {
        return Ok(());
    }
    for problem in report.problems() {
        let _ = writeln!(err, "  - {}", crate::style::clean(&problem.to_string()));
    }
    let count = report.problems().len();
    Err(Failure::usage(format!(
        "the lookup fails Smile ID's catalogue check ({count} problem{}); nothing billed was sent",
        if count == 1 { "" } else { "s" }
    ))
    .with_hint("`smileid services --country CC` lists each ID type's required fields"))
}
