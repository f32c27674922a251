//! `smileid emulator`: a local Smile ID server in the foreground.

use std::io::Write;

use smileid_emulator::{DEMO_USER_ID, Emulator, EmulatorHandle};

use crate::args::EmulatorArgs;
use crate::exit::{self, Failure};

/// Runs the emulator until Ctrl-C (SIGINT) or SIGTERM, then stops it
/// cleanly.
///
/// # Errors
///
/// A usage [`Failure`] when it cannot start (address in use, bad seed file,
/// empty credentials, CA file not writable).
pub async fn run(args: &EmulatorArgs) -> Result<(), Failure> {
    // Listen for signals before announcing the URL, so that a signal sent
    // right after the announcement is never missed.
    let mut stop = StopSignal::new()?;
    let mut builder = Emulator::builder()
        .listen(args.listen)
        .tls(args.tls)
        .demo_jobs(!args.no_demo_jobs);
    if let Some(partner_id) = &args.partner_id {
        builder = builder.partner_id(partner_id.clone());
    }
    if let Some(api_key) = &args.api_key {
        builder = builder.api_key(api_key.clone());
    }
    for seed in &args.seed {
        builder = builder.seed_file(seed);
    }
    let emulator = builder.start().await.map_err(|e| {
        Failure::usage(format!("could not start the emulator: {}", exit::chain(&e)))
    })?;
    if let Some(path) = &args.ca_cert_out {
        emulator
            .write_ca_cert(path)
            .map_err(|e| Failure::usage(exit::chain(&e)))?;
    }
    announce(&emulator, args);
    stop.recv().await;
    let mut err = std::io::stderr().lock();
    let _ = writeln!(
        err,
        "stopping the emulator (requests in flight may finish; Ctrl-C again stops at once)"
    );
    drop(err);
    tokio::select! {
        () = emulator.shutdown() => {}
        () = stop.recv() => {
            let _ = writeln!(std::io::stderr().lock(), "stopped at once");
        }
    }
    Ok(())
}

/// Prints the base URL, the credentials and how to query a demo job.
fn announce(emulator: &EmulatorHandle, args: &EmulatorArgs) {
    let mut text = String::new();
    text.push_str("smileid emulator running\n");
    text.push_str(&format!("base URL:   {}\n", emulator.base_url()));
    text.push_str(&format!("admin URL:  {}\n", emulator.admin_url()));
    text.push_str(&format!("partner id: {}\n", emulator.partner_id()));
    // The emulator's own key: not a Smile ID key, printed so clients can use it.
    text.push_str(&format!("API key:    {}\n", emulator.api_key()));
    let mut ca_env = String::new();
    if let Some(path) = &args.ca_cert_out {
        text.push_str(&format!("CA cert:    {}\n", path.display()));
        ca_env = format!(" SMILE_CA_CERT={}", shell_word(&path.display().to_string()));
    } else if let Some(pem) = emulator.ca_cert_pem() {
        text.push_str("CA cert (trust it in clients; or use --ca-cert-out FILE):\n");
        text.push_str(pem);
        if !pem.ends_with('\n') {
            text.push('\n');
        }
        ca_env = " SMILE_CA_CERT=<the CA above, saved to a file>".to_owned();
    }
    if !args.no_demo_jobs {
        text.push_str(&format!(
            "demo jobs:  user {DEMO_USER_ID}: demo-approved, demo-provisional, demo-rejected, demo-error, demo-pending\n"
        ));
    }
    text.push_str(&format!(
        "try:        SMILE_BASE_URL={} SMILE_PARTNER_ID={} SMILE_API_KEY={}{ca_env} smileid job-status --user-id {DEMO_USER_ID} --job-id demo-approved\n",
        emulator.base_url(),
        shell_word(emulator.partner_id()),
        shell_word(emulator.api_key()),
    ));
    text.push_str("Press Ctrl-C to stop.\n");
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

/// `word` quoted for a POSIX shell when it needs it.
fn shell_word(word: &str) -> String {
    if !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@+,".contains(c))
    {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// Ctrl-C (SIGINT) and SIGTERM, listened for from creation on, so that none
/// is missed; each [`StopSignal::recv`] waits for the next one.
struct StopSignal {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl StopSignal {
    fn new() -> Result<Self, Failure> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let listen = |kind: SignalKind| {
                signal(kind)
                    .map_err(|e| Failure::usage(format!("could not listen for signals: {e}")))
            };
            Ok(Self {
                interrupt: listen(SignalKind::interrupt())?,
                terminate: listen(SignalKind::terminate())?,
            })
        }
        #[cfg(not(unix))]
        {
            Ok(Self {})
        }
    }

    /// Resolves at the next Ctrl-C or SIGTERM.
    async fn recv(&mut self) {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.interrupt.recv() => {}
                _ = self.terminate.recv() => {}
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::shell_word;

    #[test]
    fn shell_words() {
        assert_eq!(shell_word("emulator-api-key"), "emulator-api-key");
        assert_eq!(shell_word("a b"), "'a b'");
        assert_eq!(shell_word("it's"), r"'it'\''s'");
        assert_eq!(shell_word(""), "''");
    }
}
