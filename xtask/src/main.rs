//! Project automation for the smileid workspace.
//!
//! ```text
//! cargo xtask ci      fmt check, clippy -D warnings, dependency policy, every test, docs -D warnings
//! cargo xtask bench   every benchmark, report in target/bench-report.md
//! cargo xtask fuzz    a million fuzz cases per target, in release mode
//! cargo xtask deps    the dependency policy: allowed licences, no OpenSSL (offline)
//! ```

mod bench;
mod deps;
mod fuzz;

use std::process::{Command, ExitCode};
use std::time::Instant;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("ci") => ci(),
        Some("bench") => bench::bench(&args[1..]),
        Some("fuzz") => fuzz::fuzz(&args[1..]),
        Some("deps") => deps::check(),
        Some("semver") => semver(args.get(1).map(String::as_str)),
        Some("help") | Some("--help") | Some("-h") | None => {
            print_help();
            Ok(())
        }
        Some(other) => Err(format!("unknown task `{other}`; run `cargo xtask help`")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

fn print_help() {
    println!(
        "cargo xtask <task>\n\n\
         tasks:\n  \
         ci     cargo fmt --check, clippy -D warnings on all targets and features, deps,\n         \
                the whole test suite (unit, integration, doctests), the blocking example,\n         \
                cargo doc -D warnings, cargo package (verified) of the published crates\n{}{}  \
         deps   the dependency policy (allowed licences, no OpenSSL), offline\n  \
         semver cargo semver-checks of the published crates against a baseline commit\n         \
                (default HEAD~1); needs cargo-semver-checks (see docs/releasing.md)\n",
        bench::HELP,
        fuzz::HELP
    );
}

/// Runs one step, printing its command line first, and fails on a non-zero exit.
fn step(name: &str, args: &[&str], envs: &[(&str, &str)]) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    println!("\n==> [{name}] cargo {}", args.join(" "));
    let started = Instant::now();
    let status = Command::new(&cargo)
        .args(args)
        .envs(envs.iter().copied())
        .status()
        .map_err(|e| format!("could not run cargo: {e}"))?;
    println!(
        "==> [{name}] {} in {:.1}s",
        if status.success() { "ok" } else { "FAILED" },
        started.elapsed().as_secs_f64()
    );
    if status.success() {
        Ok(())
    } else {
        Err(format!("step `{name}` failed ({status})"))
    }
}

fn ci() -> Result<(), String> {
    step("fmt", &["fmt", "--all", "--", "--check"], &[])?;
    step(
        "clippy",
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--all-features",
            "--",
            "-D",
            "warnings",
        ],
        &[],
    )?;
    // After clippy, so that every package is already downloaded and the
    // offline `cargo metadata` works on a machine with an empty cache too.
    deps::check()?;
    step(
        "test",
        &["test", "--workspace", "--all-features", "--no-fail-fast"],
        &[],
    )?;
    // The blocking example, run as users run it, against the bundled
    // emulator it starts itself.
    step(
        "blocking example",
        &["run", "-p", "smileid-core", "--example", "blocking_ureq"],
        &[],
    )?;
    step(
        "doc",
        &["doc", "--workspace", "--all-features", "--no-deps"],
        &[("RUSTDOCFLAGS", "-D warnings")],
    )?;
    // The published crates as crates.io would get them: each packaged,
    // then built from its tarball against the others' (cargo's local
    // overlay, in dependency order).
    forget_packaged_sources()?;
    step(
        "package",
        &[
            "package",
            "--workspace",
            "--exclude",
            "smileid-check-*",
            "--exclude",
            "smileid-e2e",
            "--exclude",
            "smileid-testkit",
            "--exclude",
            "xtask",
            "--allow-dirty",
        ],
        &[],
    )?;
    println!("\nxtask ci: all steps passed");
    Ok(())
}

/// `cargo xtask semver [BASELINE]`: the published crates' public API
/// against `BASELINE` (a commit or tag, default `HEAD~1`), with
/// cargo-semver-checks, which CI does not have (docs/releasing.md).
fn semver(baseline: Option<&str>) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let installed = Command::new(&cargo)
        .args(["semver-checks", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !installed {
        return Err("cargo-semver-checks is not installed: run \
                    `cargo install cargo-semver-checks --locked` (see docs/releasing.md)"
            .to_owned());
    }
    let baseline = baseline.unwrap_or("HEAD~1");
    step(
        "semver",
        &[
            "semver-checks",
            "check-release",
            "--workspace",
            "--baseline-rev",
            baseline,
        ],
        &[],
    )
}

/// Removes cargo's extracted copies of our own packages from earlier
/// `cargo package` runs. Cargo extracts the local overlay's tarballs into
/// `$CARGO_HOME/registry/src/-<hash>/` (the hash is of the workspace path)
/// and, as for any registry, never extracts a name and version again: a
/// second run from the same path would verify against the first run's
/// sources. Only those overlay folders (named `-<hash>`) and only our
/// `smileid-*` packages in them are touched.
fn forget_packaged_sources() -> Result<(), String> {
    let home = match std::env::var_os("CARGO_HOME") {
        Some(home) if !home.is_empty() => std::path::PathBuf::from(home),
        _ => match std::env::var_os("HOME") {
            Some(home) => std::path::Path::new(&home).join(".cargo"),
            None => return Ok(()),
        },
    };
    let Ok(registries) = std::fs::read_dir(home.join("registry").join("src")) else {
        return Ok(());
    };
    for registry in registries.flatten() {
        if !registry.file_name().to_string_lossy().starts_with('-') {
            continue;
        }
        let Ok(packages) = std::fs::read_dir(registry.path()) else {
            continue;
        };
        for package in packages.flatten() {
            if package
                .file_name()
                .to_string_lossy()
                .starts_with("smileid-")
            {
                std::fs::remove_dir_all(package.path())
                    .map_err(|e| format!("cannot remove {}: {e}", package.path().display()))?;
            }
        }
    }
    Ok(())
}
