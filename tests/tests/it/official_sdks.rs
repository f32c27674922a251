//! The official Smile ID server SDKs accept the emulator's answers.
//!
//! The Python SDK (`smile-id-core` 3.0.1) and the Node SDK
//! (`smile-identity-core` 3.2.1) are installed once into
//! `target/official-sdks/` and drive `testkit/compat/*_job_status.*` against an
//! emulator served over TLS. Without python3, node or npm, or without the
//! package registries, the tests print why and pass without checking
//! anything (set `SMILEID_SKIP_OFFICIAL_SDKS=1` to skip them on purpose).

use smileid_testkit::sdks;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use serde_json::Value;
use smileid_emulator::{DEMO_USER_ID, Emulator, EmulatorHandle, JobSpec, PresetOutcome};

/// Longest time one driver run may take.
const RUN_TIMEOUT: Duration = Duration::from_secs(60);

/// An emulator over TLS on its own runtime, with its CA written to a file.
struct Served {
    emulator: Option<EmulatorHandle>,
    runtime: tokio::runtime::Runtime,
    ca_file: PathBuf,
}

impl Served {
    fn start() -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a tokio runtime");
        let emulator = runtime
            .block_on(Emulator::builder().tls(true).start())
            .expect("the emulator starts");
        let ca_file = std::env::temp_dir().join(format!(
            "smileid-official-sdks-{}-{}.pem",
            std::process::id(),
            emulator.addr().port()
        ));
        emulator.write_ca_cert(&ca_file).expect("the CA is written");
        Self {
            emulator: Some(emulator),
            runtime,
            ca_file,
        }
    }

    fn emulator(&self) -> &EmulatorHandle {
        self.emulator.as_ref().expect("running")
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Some(emulator) = self.emulator.take() {
            self.runtime.block_on(emulator.shutdown());
        }
        let _ = std::fs::remove_file(&self.ca_file);
    }
}

/// Runs one driver and returns its exit success, parsed stdout and stderr.
fn call(mut command: Command, base_url: &str, key: &str, user: &str, job: &str) -> Called {
    let emulator_partner = smileid_emulator::DEFAULT_PARTNER_ID;
    command.args([base_url, emulator_partner, key, user, job]);
    let out = sdks::run(command, RUN_TIMEOUT).expect("the driver runs");
    let json = out
        .stdout
        .lines()
        .rev()
        .find(|l| l.trim_start().starts_with('{'))
        .and_then(|l| serde_json::from_str(l).ok());
    Called {
        success: out.status.success(),
        code: out.status.code(),
        json,
        stdout: out.stdout,
        stderr: out.stderr,
    }
}

#[derive(Debug)]
struct Called {
    success: bool,
    code: Option<i32>,
    json: Option<Value>,
    stdout: String,
    stderr: String,
}

impl Called {
    fn expect_json(&self, what: &str) -> &Value {
        assert!(
            self.success,
            "{what}: the driver failed ({:?})\nstdout: {}\nstderr: {}",
            self.code, self.stdout, self.stderr
        );
        self.json.as_ref().unwrap_or_else(|| {
            panic!(
                "{what}: no JSON printed\nstdout: {}\nstderr: {}",
                self.stdout, self.stderr
            )
        })
    }
}

/// The checks both SDKs must pass, driven by `driver` (a fresh command each
/// call).
fn check_sdk(name: &str, driver: impl Fn(&Path) -> Command) {
    let served = Served::start();
    let emu = served.emulator();
    let base = emu.base_url();
    let key = emu.api_key();
    let origin = base.trim_end_matches("/v1");
    let run = |user: &str, job: &str| call(driver(&served.ca_file), base, key, user, job);

    // A completed job, with history and image links.
    let approved = run(DEMO_USER_ID, "demo-approved");
    let doc = approved.expect_json(&format!("{name} demo-approved"));
    assert_eq!(doc["job_complete"], Value::Bool(true), "{name}: {doc}");
    assert_eq!(doc["job_success"], Value::Bool(true), "{name}: {doc}");
    assert_eq!(doc["code"], "2302", "{name}: {doc}");
    assert_eq!(doc["result"]["ResultCode"], "0810", "{name}: {doc}");
    assert_eq!(
        doc["result"]["PartnerParams"]["job_id"], "demo-approved",
        "{name}: {doc}"
    );
    let history = doc["history"].as_array().expect("history is an array");
    assert!(!history.is_empty(), "{name}: empty history: {doc}");
    assert_eq!(history[0]["ResultCode"], "0810", "{name}: {doc}");
    let selfie = doc["image_links"]["selfie_image"]
        .as_str()
        .unwrap_or_else(|| panic!("{name}: no image_links.selfie_image: {doc}"));
    assert!(selfie.starts_with(origin), "{name}: {selfie}");
    assert!(doc["signature"].as_str().is_some_and(|s| s.len() == 44));
    assert!(doc["timestamp"].as_str().is_some_and(|t| !t.is_empty()));

    // Without the options (Python then sends `"history": null` and
    // `"image_links": null`): neither comes back.
    let mut plain_driver = driver(&served.ca_file);
    plain_driver.env("SMILE_HISTORY_IMAGES", "0");
    let plain = call(plain_driver, base, key, DEMO_USER_ID, "demo-approved");
    let doc = plain.expect_json(&format!("{name} demo-approved without options"));
    assert_eq!(doc["job_complete"], Value::Bool(true), "{name}: {doc}");
    assert_eq!(doc["result"]["ResultCode"], "0810", "{name}: {doc}");
    assert!(doc.get("history").is_none(), "{name}: {doc}");
    assert!(doc.get("image_links").is_none(), "{name}: {doc}");

    // A pending job: two answers without a result, then the result.
    for poll in 1..=2 {
        let pending = run(DEMO_USER_ID, "demo-pending");
        let doc = pending.expect_json(&format!("{name} demo-pending poll {poll}"));
        assert_eq!(doc["job_complete"], Value::Bool(false), "{name}: {doc}");
        assert_eq!(doc["job_success"], Value::Bool(false), "{name}: {doc}");
        assert_eq!(doc["code"], "2314", "{name}: {doc}");
        assert!(doc["result"].is_string(), "{name}: {doc}");
        assert_eq!(doc["history"], Value::Array(Vec::new()), "{name}: {doc}");
        assert!(doc["image_links"]["error"].is_string(), "{name}: {doc}");
    }
    let done = run(DEMO_USER_ID, "demo-pending");
    let doc = done.expect_json(&format!("{name} demo-pending poll 3"));
    assert_eq!(doc["job_complete"], Value::Bool(true), "{name}: {doc}");
    assert_eq!(doc["result"]["ResultCode"], "0810", "{name}: {doc}");
    assert!(
        doc["image_links"]["selfie_image"].is_string(),
        "{name}: {doc}"
    );

    // A rejected job with a given history: kept as it is.
    emu.add_job(
        JobSpec::new("sdk-user", "sdk-rejected")
            .job_type(5)
            .outcome(PresetOutcome::Rejected)
            .history(vec![
                serde_json::json!({"ResultCode": "1013", "SmileJobID": "0000000007"}),
            ]),
    )
    .expect("job added");
    let rejected = run("sdk-user", "sdk-rejected");
    let doc = rejected.expect_json(&format!("{name} sdk-rejected"));
    assert_eq!(doc["job_success"], Value::Bool(false), "{name}: {doc}");
    assert_eq!(doc["result"]["ResultCode"], "1013", "{name}: {doc}");
    assert_eq!(
        doc["history"][0]["SmileJobID"], "0000000007",
        "{name}: {doc}"
    );

    // The driver fails (it does not print a status) when the key is wrong.
    let refused = call(
        driver(&served.ca_file),
        base,
        "not-the-key",
        DEMO_USER_ID,
        "demo-approved",
    );
    assert!(
        !refused.success,
        "{name}: a wrong key must fail: {refused:?}"
    );
    assert!(refused.json.is_none(), "{name}: {refused:?}");
}

/// Says why a test checks nothing, on stderr directly so that the test
/// harness does not capture it.
fn skipped(sdk: &str, why: &sdks::Unavailable) {
    use std::io::Write as _;
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED: the official {sdk} SDK is not available here: {why}"
    );
}

#[test]
fn python_sdk_accepts_emulator_answers() {
    let sdk = match sdks::python_sdk() {
        Ok(sdk) => sdk,
        Err(why) => {
            skipped("Python", &why);
            return;
        }
    };
    check_sdk("python", |ca| sdk.command("python_job_status.py", Some(ca)));
}

#[test]
fn node_sdk_accepts_emulator_answers() {
    let sdk = match sdks::node_sdk() {
        Ok(sdk) => sdk,
        Err(why) => {
            skipped("Node", &why);
            return;
        }
    };
    check_sdk("node", |ca| sdk.command("node_job_status.js", Some(ca)));
}
