//! `cargo xtask fuzz`: long fuzzing runs on stable Rust.
//!
//! The targets are proptest-driven tests in `tests/tests/it/fuzz.rs`; a normal
//! `cargo test` runs a few hundred cases of each. This task runs them in
//! release mode with many more cases (a million per target by default), one
//! target at a time, and prints the cases, time and outcome classes of each.

use std::process::Command;
use std::time::Instant;

/// The fuzz targets, as named in `tests/tests/it/fuzz.rs` (`fuzz::fuzz_<name>`).
pub const TARGETS: &[&str] = &[
    "response",
    "types",
    "callback",
    "emulator_request",
    "upload_zip",
];

/// Cases per target unless `--cases` says otherwise.
pub const DEFAULT_CASES: u32 = 1_000_000;

/// The help text of this task.
pub const HELP: &str = "  fuzz   [--cases N] [TARGET...]  fuzz in release mode, N cases per target\n         \
                        (default 1000000); targets: response, types, callback,\n         \
                        emulator_request, upload_zip (default: all)\n";

/// Runs the fuzz targets named in `args` (all when none is named).
pub fn fuzz(args: &[String]) -> Result<(), String> {
    let mut cases = DEFAULT_CASES;
    let mut targets: Vec<&str> = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--cases" => {
                let value = args.next().ok_or("--cases needs a number")?;
                cases = value
                    .replace('_', "")
                    .parse()
                    .map_err(|_| format!("--cases: `{value}` is not a number"))?;
                if cases == 0 {
                    return Err("--cases must be at least 1".to_owned());
                }
            }
            name => match TARGETS.iter().find(|t| **t == name) {
                Some(target) => targets.push(target),
                None => {
                    return Err(format!(
                        "unknown fuzz target `{name}`; targets: {}",
                        TARGETS.join(", ")
                    ));
                }
            },
        }
    }
    if targets.is_empty() {
        targets = TARGETS.to_vec();
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let started = Instant::now();
    for target in &targets {
        let filter = format!("fuzz::fuzz_{target}");
        let args = [
            "test",
            "--release",
            "-p",
            "smileid-e2e",
            "--test",
            "it",
            "--",
            "--exact",
            &filter,
            "--nocapture",
        ];
        println!(
            "\n==> [fuzz {target}] SMILEID_FUZZ_CASES={cases} cargo {}",
            args.join(" ")
        );
        let status = Command::new(&cargo)
            .args(args)
            .env("SMILEID_FUZZ_CASES", cases.to_string())
            .env("RUST_BACKTRACE", "0")
            .status()
            .map_err(|e| format!("could not run cargo: {e}"))?;
        if !status.success() {
            return Err(format!(
                "fuzz target `{target}` failed ({status}); add the failing input to \
                 tests/fuzz-corpus/ and fix the cause"
            ));
        }
    }
    println!(
        "\nxtask fuzz: {} target(s), {cases} cases each, no failure, in {:.0}s",
        targets.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
