//! Image-job benchmark: `submit_job` of one 2 MB selfie and eight 200 kB
//! liveness frames (Biometric KYC) to the emulator over TLS, timed from the
//! call to the accepted zip, with the client's peak memory; then the same
//! files through the official Python SDK's `WebApi.submit_job` against the
//! same emulator, side by side.
//!
//! ```text
//! cargo bench -p smileid-e2e --bench submit -- [--json PATH] [--runs N] [--no-sdks]
//! ```
//!
//! - The emulator runs in a child process, and so does smileid's client, so
//!   that the client's peak resident set size (`VmHWM`) is its own: the
//!   runtime, TLS, the images read from disk, the zip and the upload.
//! - Each of the `N` runs (default 10) is a new job id; every run must end
//!   with the zip accepted (`200` from the upload target), or the bench
//!   fails.
//! - Neither side waits for the result: smileid's submission returns at the
//!   accepted upload, and the Python SDK's job-status polling is stubbed
//!   out in its driver (`testkit/compat/python_submit_bench.py`), so it
//!   returns there too (its polling sleeps are not part of the figures). Everything the Python SDK does
//!   before it returns is in its time, as a user would see it (its ID
//!   checks, the prep upload, zipping the files, the PUT); the calls it
//!   made are reported.
//! - The images are random bytes behind a JPEG header, so neither side can
//!   compress them (real JPEGs do not compress either).
//!
//! Prints the figures and, with `--json`, writes them for `cargo xtask
//! bench`. Nothing here asserts on timings.

#![allow(missing_docs)]

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use bytes::Bytes;
use serde_json::{Value, json};
use smileid_core::{ImageIdInfo, ImageJob, ImageJobType, SubmitOptions};
use smileid_testkit::sdks;
use support::{EmulatorOptions, EmulatorProcess};

/// The argument that turns this binary into the measured client.
const CLIENT_ARG: &str = "--client-child";
/// The selfie's size.
const SELFIE_BYTES: usize = 2_000_000;
/// The liveness frames: how many, and the size of each.
const FRAMES: usize = 8;
const FRAME_BYTES: usize = 200_000;
/// The goal's allowance on top of the image bytes.
const RSS_ALLOWANCE: u64 = 16 * 1024 * 1024;
const USER: &str = "bench-submit";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let outcome = match args.first().map(String::as_str) {
        Some(support::SERVE_ARG) => support::serve_emulator(&args[1..]),
        Some(CLIENT_ARG) => client_child(&args[1..]).map(|v| println!("{v}")),
        _ => parent(&args),
    };
    if let Err(e) = outcome {
        eprintln!("submit bench: {e}");
        std::process::exit(1);
    }
}

fn parent(args: &[String]) -> Result<(), String> {
    let runs: usize = support::arg_value(args, "--runs")
        .map(|s| s.parse().map_err(|_| format!("bad --runs {s:?}")))
        .transpose()?
        .unwrap_or(10)
        .max(1);
    let with_sdks = !args.iter().any(|a| a == "--no-sdks");
    let json_path = support::arg_value(args, "--json").map(PathBuf::from);

    let emulator = EmulatorProcess::start(&EmulatorOptions::default())?;
    let dir = std::env::temp_dir().join(format!("smileid-submit-bench-{}", std::process::id()));
    let files = write_images(&dir)?;
    let image_bytes = (SELFIE_BYTES + FRAMES * FRAME_BYTES) as u64;

    let smileid = smileid_run(&emulator, &files, runs);
    let python = if with_sdks {
        python_run(&emulator, &files, runs)
    } else {
        json!({ "skipped": "--no-sdks" })
    };
    let _ = std::fs::remove_dir_all(&dir);
    let smileid = smileid?;

    let median = |doc: &Value| -> Option<f64> {
        let mut runs: Vec<f64> = doc["runs_ms"]
            .as_array()?
            .iter()
            .filter_map(Value::as_f64)
            .collect();
        median_of(&mut runs)
    };
    let smileid_median = median(&smileid);
    let python_median = median(&python);
    let peak = smileid["peak_rss_bytes"].as_u64().unwrap_or(0);
    let mib = |b: u64| b as f64 / (1024.0 * 1024.0);
    println!(
        "smileid      median {:>8.2} ms (first {:.2} ms, {runs} runs), client peak RSS {:.1} MiB \
         (goal ≤ {:.1} MiB: images {:.1} MiB + 16 MiB)",
        smileid_median.unwrap_or(0.0),
        smileid["runs_ms"][0].as_f64().unwrap_or(0.0),
        mib(peak),
        mib(image_bytes + RSS_ALLOWANCE),
        mib(image_bytes),
    );
    let mut report = json!({
        "workload": {
            "job_type": 1,
            "selfie_bytes": SELFIE_BYTES,
            "frames": FRAMES,
            "frame_bytes": FRAME_BYTES,
            "image_bytes": image_bytes,
            "runs": runs,
            "transport": "TLS, loopback",
        },
        "smileid": smileid,
        "python": python,
    });
    if let Some(reason) = report["python"]["skipped"].as_str() {
        println!("Python SDK   skipped: {reason}");
    } else if let (Some(py), Some(rs)) = (python_median, smileid_median) {
        println!(
            "Python SDK   median {py:>8.2} ms, peak RSS {:.1} MiB; smileid is {:.1}x faster",
            mib(report["python"]["peak_rss_bytes"].as_u64().unwrap_or(0)),
            py / rs
        );
        report["ratio_python"] = json!(py / rs);
    }
    if let Some(path) = json_path {
        support::write_json(&path, &report)?;
        println!("\nfigures written to {}", path.display());
    }
    Ok(())
}

fn median_of(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len().is_multiple_of(2) {
        (values[mid - 1] + values[mid]) / 2.0
    } else {
        values[mid]
    })
}

/// The image files: `selfie.jpg` and `frame-1.jpg` .. `frame-8.jpg`.
struct Files {
    selfie: PathBuf,
    frames: Vec<PathBuf>,
}

fn write_images(dir: &Path) -> Result<Files, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let write = |name: &str, len: usize, seed: u64| -> Result<PathBuf, String> {
        let path = dir.join(name);
        std::fs::write(&path, jpeg(len, seed)).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(path)
    };
    Ok(Files {
        selfie: write("selfie.jpg", SELFIE_BYTES, 1)?,
        frames: (1..=FRAMES)
            .map(|i| write(&format!("frame-{i}.jpg"), FRAME_BYTES, 1 + i as u64))
            .collect::<Result<_, _>>()?,
    })
}

/// `len` bytes: a JPEG start of image and JFIF header, random filler
/// (xorshift, so nothing compresses), and an end of image.
fn jpeg(len: usize, seed: u64) -> Vec<u8> {
    let mut bytes = vec![
        0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0, 1,
    ];
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    while bytes.len() < len - 2 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        bytes.extend_from_slice(&state.to_le_bytes());
    }
    bytes.truncate(len - 2);
    bytes.extend_from_slice(&[0xFF, 0xD9]);
    bytes
}

/// Runs the measured client in a child process and reads its figures.
fn smileid_run(emulator: &EmulatorProcess, files: &Files, runs: usize) -> Result<Value, String> {
    let exe = std::env::current_exe().map_err(|e| format!("current_exe: {e}"))?;
    let mut command = Command::new(exe);
    command
        .arg(CLIENT_ARG)
        .arg(&emulator.base_url)
        .arg(&emulator.ca_file)
        .arg(&emulator.partner_id)
        .arg(&emulator.api_key)
        .arg(runs.to_string())
        .arg(&files.selfie)
        .args(&files.frames);
    let out = sdks::run(command, Duration::from_secs(120))?;
    if !out.status.success() {
        return Err(format!(
            "the client process failed ({}): {}",
            out.status,
            out.stderr.trim()
        ));
    }
    last_json_line(&out.stdout).ok_or_else(|| format!("the client process said {:?}", out.stdout))
}

fn last_json_line(stdout: &str) -> Option<Value> {
    stdout
        .lines()
        .rev()
        .find(|l| l.starts_with('{'))
        .and_then(|l| serde_json::from_str(l).ok())
}

/// The child: `ARGS = [BASE_URL, CA_FILE, PARTNER_ID, API_KEY, RUNS, SELFIE, FRAME...]`.
fn client_child(args: &[String]) -> Result<Value, String> {
    let [
        base_url,
        ca_file,
        partner_id,
        api_key,
        runs,
        selfie,
        frames @ ..,
    ] = args
    else {
        return Err(format!(
            "{CLIENT_ARG} BASE_URL CA_FILE PARTNER_ID API_KEY RUNS SELFIE FRAME..."
        ));
    };
    let runs: usize = runs.parse().map_err(|_| "bad RUNS")?;
    let rss_start = support::self_rss();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("runtime: {e}"))?;
    let pem = std::fs::read(ca_file).map_err(|e| format!("{ca_file}: {e}"))?;
    let client = runtime.block_on(async {
        smileid_hyper::Client::builder(partner_id.as_str(), api_key.as_str())
            .base_url(base_url)
            .add_root_certificates_pem(&pem)
            .built_in_roots(false)
            .build()
            .map_err(|e| format!("client: {e}"))
    })?;
    let rss_client = support::self_rss();
    let read = |path: &String| -> Result<Bytes, String> {
        std::fs::read(path)
            .map(Bytes::from)
            .map_err(|e| format!("{path}: {e}"))
    };
    let selfie = read(selfie)?;
    let frames: Vec<Bytes> = frames.iter().map(read).collect::<Result<_, _>>()?;
    let image_bytes = selfie.len() + frames.iter().map(Bytes::len).sum::<usize>();
    let cpu_before = support::self_cpu_time();
    let mut runs_ms = Vec::with_capacity(runs);
    runtime.block_on(async {
        for i in 0..runs {
            let job = ImageJob::new(ImageJobType::BiometricKyc, USER, format!("rs-{i}"))
                .selfie(selfie.clone())
                .liveness_frames(frames.iter().cloned())
                .id_info(
                    ImageIdInfo::new("NG")
                        .id_type("NIN_V2")
                        .id_number("00000000000")
                        .first_name("Adaeze")
                        .last_name("Okafor")
                        .date_of_birth("1991-03-14"),
                );
            let started = Instant::now();
            let submitted = client
                .submit_job(job, &SubmitOptions::default())
                .await
                .map_err(|e| format!("run {i}: {e}"))?;
            runs_ms.push(started.elapsed().as_secs_f64() * 1e3);
            if submitted.smile_job_id.is_empty() {
                return Err(format!("run {i}: no smile_job_id"));
            }
        }
        Ok::<_, String>(())
    })?;
    Ok(json!({
        "runs_ms": runs_ms,
        "image_bytes": image_bytes,
        "rss_start_bytes": rss_start,
        "rss_with_client_bytes": rss_client,
        "peak_rss_bytes": support::self_peak_rss(),
        "cpu_s": support::self_cpu_time().saturating_sub(cpu_before).as_secs_f64(),
    }))
}

/// The same files through the Python SDK; `{"skipped": reason}` when it
/// cannot be installed or run here.
fn python_run(emulator: &EmulatorProcess, files: &Files, runs: usize) -> Value {
    let mut command = match sdks::python_sdk() {
        Ok(sdk) => sdk.command("python_submit_bench.py", Some(&emulator.ca_file)),
        Err(why) => return json!({ "skipped": why.0 }),
    };
    command
        .args([
            emulator.base_url.as_str(),
            emulator.partner_id.as_str(),
            emulator.api_key.as_str(),
            USER,
            "py",
            &runs.to_string(),
        ])
        .arg(&files.selfie)
        .args(&files.frames);
    let out = match sdks::run(command, Duration::from_secs(60 + 10 * runs as u64)) {
        Ok(out) => out,
        Err(e) => return json!({ "skipped": format!("could not run the driver: {e}") }),
    };
    match last_json_line(&out.stdout).filter(|_| out.status.success()) {
        Some(doc) => doc,
        None => json!({
            "skipped": format!("the driver failed ({}): {}", out.status, out.stderr.trim())
        }),
    }
}
