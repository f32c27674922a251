//! One module per subcommand.

pub mod aml;
pub mod emulator;
mod entry;
pub mod job_status;
pub mod sign;
pub mod verify_business;
pub mod verify_id;

use std::io::Write;

use smileid_emulator::Emulator;
use smileid_hyper::{Client, RetryPolicy};

use crate::config;
use crate::exit::{self, Failure};

/// Starts a TLS emulator with its demo jobs in this process, and a client
/// that trusts only its CA and uses its credentials; `hint` tells the user
/// what to try on it.
pub(crate) async fn emulator_client(
    retries: u32,
    hint: &str,
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
                "Using a demo emulator at {} (partner id {}); {hint}.",
                emulator.base_url(),
                emulator.partner_id()
            )
        )
    );
    Ok((client, emulator))
}
