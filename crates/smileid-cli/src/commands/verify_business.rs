//! `smileid verify-business`: KYB.

use smileid_hyper::BusinessVerification;

use crate::args::VerifyBusinessArgs;
use crate::exit::Failure;
use crate::render;

use super::entry;

/// Runs `verify-business`.
///
/// # Errors
///
/// A [`Failure`] with the exit code of the error (7 when the job may exist
/// but no answer came back).
pub async fn run(args: &VerifyBusinessArgs) -> Result<(), Failure> {
    let (client, _emulator) = entry::client(&args.entry, entry::ID_HINT).await?;
    let mut search = BusinessVerification::new(
        args.entry.user_id.clone(),
        args.entry.job_id.clone(),
        args.country.clone(),
        args.id_type.clone(),
        args.id_number.clone(),
    );
    if let Some(business_type) = &args.business_type {
        search = search.business_type(business_type.as_str());
    }
    if let Some(address) = &args.postal_address {
        search = search.postal_address(address.clone());
    }
    if let Some(code) = &args.postal_code {
        search = search.postal_code(code.clone());
    }
    for (key, value) in &args.entry.partner_params {
        search = search.partner_param(key.clone(), value.clone());
    }
    if let Some(url) = args.callback_url.as_deref().filter(|_| args.asynchronous) {
        client
            .send(&search.asynchronous(url))
            .await
            .map_err(|e| entry::failure(&args.entry, &e))?;
        return entry::print_acknowledged(&args.entry, url);
    }
    let answer = client
        .send(&search)
        .await
        .map_err(|e| entry::failure(&args.entry, &e))?;
    let response = answer.response();
    entry::print(&args.entry, answer.raw_json(), || {
        let mut text = render::lookup(
            "business verification",
            &response.result,
            &response.timestamp,
        );
        text.push_str(&render::business(response));
        text
    })
}
