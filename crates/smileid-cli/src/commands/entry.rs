//! What `verify-id`, `verify-business` and `aml` share: the client (or a
//! demo emulator), and printing a verified answer.

use std::io::Write;

use smileid_emulator::EmulatorHandle;
use smileid_hyper::{Client, Error, ErrorKind};

use crate::args::EntryArgs;
use crate::exit::{self, Failure};

/// What to try on a demo emulator's ID lookups.
pub(crate) const ID_HINT: &str = "every ID number is validated except its test numbers \
                             1013000000, 1014000000, 1015000000, 1016000000, 1021000000, \
                             1022000000 and 1023000000 (see docs/emulator.md)";

/// What to try on a demo emulator's AML screens.
pub(crate) const AML_HINT: &str = "the name \"John Example Doe\", or any name with the word \
                              \"listed\" in it, is found on a list; others are not \
                              (see docs/emulator.md)";

/// The client for an entry call, and the emulator it talks to (kept alive
/// by the caller) with `--emulator`, which tells the user `hint`.
pub(crate) async fn client(
    args: &EntryArgs,
    hint: &str,
) -> Result<(Client, Option<EmulatorHandle>), Failure> {
    super::client_for(args.emulator, &args.credentials, &args.connection, hint).await
}

/// Prints the verified body as pretty JSON with `--json`, else `human`.
pub(crate) fn print(
    args: &EntryArgs,
    raw: &[u8],
    human: impl FnOnce() -> String,
) -> Result<(), Failure> {
    let text = if args.json {
        super::job_status::pretty_json(raw)?
    } else {
        human()
    };
    let mut out = anstream::stdout();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
    Ok(())
}

/// Prints the acknowledgement of an async call.
pub(crate) fn print_acknowledged(args: &EntryArgs, callback_url: &str) -> Result<(), Failure> {
    let raw = br#"{"success":true}"#;
    print(args, raw, || {
        format!(
            "{}  job {} of user {} accepted; the result will be posted to {}\n  \
             (or read it with: smileid job-status --user-id {} --job-id {})\n",
            crate::style::paint(crate::style::GOOD, "ACCEPTED"),
            crate::style::clean(&args.job_id),
            crate::style::clean(&args.user_id),
            crate::style::clean(callback_url),
            crate::style::clean(&args.user_id),
            crate::style::clean(&args.job_id),
        )
    })
}

/// The failure for an error of an entry call. When the outcome is unknown,
/// the hint is the exact command that finds out (the core's hint says the
/// same in library terms).
pub(crate) fn failure(args: &EntryArgs, error: &Error) -> Failure {
    let failure = exit::from_client_error(error);
    if error.kind() != ErrorKind::OutcomeUnknown {
        return failure;
    }
    failure.with_hint(format!(
        "the job may have been created and billed: check it with \
         `smileid job-status --user-id {} --job-id {}` before resubmitting \
         (fresh ids would create, and bill, a second job)",
        args.user_id, args.job_id,
    ))
}
