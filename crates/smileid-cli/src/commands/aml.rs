//! `smileid aml`: an AML screen.

use smileid_hyper::Aml;

use crate::args::AmlArgs;
use crate::exit::Failure;
use crate::render;

use super::entry;

/// Runs `aml`.
///
/// # Errors
///
/// A [`Failure`] with the exit code of the error (7 when the job may exist
/// but no answer came back).
pub async fn run(args: &AmlArgs) -> Result<(), Failure> {
    let (client, _emulator) = entry::client(&args.entry, entry::AML_HINT).await?;
    let mut screen = Aml::new(
        args.entry.user_id.clone(),
        args.entry.job_id.clone(),
        args.full_name.clone(),
        args.countries.iter().cloned(),
    )
    .strict_match(!args.no_strict_match)
    .search_existing_user(args.search_existing_user);
    if let Some(year) = &args.birth_year {
        screen = screen.birth_year(year.clone());
    }
    for alias in &args.aliases {
        screen = screen.alias(alias.clone());
    }
    for (key, value) in &args.entry.partner_params {
        screen = screen.partner_param(key.clone(), value.clone());
    }
    let answer = client
        .send(&screen)
        .await
        .map_err(|e| entry::failure(&args.entry, &e))?;
    let response = answer.response();
    entry::print(&args.entry, answer.raw_json(), || render::aml(response))
}
