//! One module per subcommand.

pub mod aml;
pub mod discovery;
pub mod emulator;
mod entry;
pub mod job_status;
pub mod sign;
pub mod submit;
pub mod verify_business;
pub mod verify_id;
pub mod web_token;

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

/// The client for a read (or a web token), and the emulator it talks to
/// (kept alive by the caller) with `--emulator`, which tells the user
/// `hint`.
pub(crate) async fn read_client(
    args: &crate::args::ReadArgs,
    hint: &str,
) -> Result<(Client, Option<smileid_emulator::EmulatorHandle>), Failure> {
    client_for(args.emulator, &args.credentials, &args.connection, hint).await
}

/// A demo emulator's client when `emulator`, else the configured one.
pub(crate) async fn client_for(
    emulator: bool,
    credentials: &crate::args::CredentialArgs,
    connection: &crate::args::ConnectionArgs,
    hint: &str,
) -> Result<(Client, Option<smileid_emulator::EmulatorHandle>), Failure> {
    if emulator {
        let (client, emulator) = emulator_client(connection.retries, hint).await?;
        Ok((client, Some(emulator)))
    } else {
        Ok((config::client(credentials, connection)?, None))
    }
}

/// Writes `text` to stdout.
pub(crate) fn print(text: &str) {
    let mut out = anstream::stdout();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}
