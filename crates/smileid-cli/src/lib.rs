#![doc = include_str!("../README.md")]

pub mod args;
pub mod commands;
pub mod config;
pub mod exit;
pub mod progress;
pub mod render;
pub mod style;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::Parser as _;

pub use args::{Cli, Command};
pub use exit::Failure;

/// Parses the process's arguments, runs the command and returns its exit
/// code; what `main` calls.
pub fn main() -> ExitCode {
    run_from(std::env::args_os())
}

/// Parses `args` (the first is the program name), runs the command, reports
/// any failure on stderr and returns the exit code.
pub fn run_from<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version exit 0, usage errors 2.
            let _ = e.print();
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(exit::USAGE));
        }
    };
    match run(&cli) {
        Ok(()) => ExitCode::from(exit::SUCCESS),
        Err(failure) => {
            failure.report(&mut anstream::stderr());
            ExitCode::from(failure.code)
        }
    }
}

/// Runs a parsed command line.
///
/// # Errors
///
/// A [`Failure`] carrying the exit code and the message to show.
pub fn run(cli: &Cli) -> Result<(), Failure> {
    match &cli.command {
        Command::Sign(args) => commands::sign::sign(args),
        Command::Verify(args) => commands::sign::verify(args),
        Command::VerifyCallback(args) => commands::sign::verify_callback_cmd(args),
        Command::JobStatus(args) => block_on(commands::job_status::run(args)),
        Command::VerifyId(args) => block_on(commands::verify_id::run(args)),
        Command::VerifyBusiness(args) => block_on(commands::verify_business::run(args)),
        Command::Aml(args) => block_on(commands::aml::run(args)),
        Command::Submit(args) => block_on(commands::submit::run(args)),
        Command::WebToken(args) => block_on(commands::web_token::run(args)),
        Command::Services(args) => block_on(commands::discovery::services(args)),
        Command::ValidDocuments(args) => block_on(commands::discovery::valid_documents(args)),
        Command::ProductsConfig(args) => block_on(commands::discovery::products_config(args)),
        Command::Emulator(args) => block_on(commands::emulator::run(args)),
    }
}

/// Runs `future` on a single-threaded tokio runtime: one request at a time
/// needs no more, and the emulator serves from the same thread.
fn block_on<F: Future<Output = Result<(), Failure>>>(future: F) -> Result<(), Failure> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::usage(format!("could not start the async runtime: {e}")))?;
    runtime.block_on(future)
}
