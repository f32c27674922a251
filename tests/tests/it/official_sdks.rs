//! The official Smile ID server SDKs accept the emulator's answers.
//!
//! The Python SDK (`smile-id-core` 3.0.1) and the Node SDK
//! (`smile-identity-core` 3.2.1) are installed once into
//! `target/official-sdks/` and drive `testkit/compat/*` (job status, ID
//! lookups, business verification, web tokens) against an emulator served
//! over TLS. Without python3, node or npm, or without the
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

// ----- identity lookups -----

/// Runs a lookup driver with `args` after the connection arguments.
fn lookup(mut command: Command, served: &Served, args: &[&str]) -> Called {
    let emu = served.emulator();
    command.args([emu.base_url(), emu.partner_id(), emu.api_key()]);
    command.args(args);
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

/// The sync Enhanced KYC answer each SDK returns: the emulator's signed
/// flat result, job visible to job status.
fn check_kyc_answer(name: &str, served: &Served, doc: &Value, job_id: &str, order_ref: &str) {
    assert_eq!(doc["ResultCode"], "1012", "{name}: {doc}");
    assert_eq!(doc["FullName"], "OKAFOR ADAEZE", "{name}: {doc}");
    assert_eq!(doc["PartnerParams"]["job_id"], job_id, "{name}: {doc}");
    assert_eq!(
        doc["PartnerParams"]["order_ref"], order_ref,
        "{name}: {doc}"
    );
    let emu = served.emulator();
    let timestamp = doc["timestamp"].as_str().expect("timestamp");
    let signature = doc["signature"].as_str().expect("signature");
    assert!(
        emu.signer().verify(timestamp, signature).is_ok(),
        "{name}: {doc}"
    );
    let job = emu.job("sdk-kyc", job_id).expect("the job exists");
    assert!(job.complete, "{name}");
}

#[test]
fn python_sdk_submits_lookups_to_the_emulator() {
    let sdk = match sdks::python_sdk() {
        Ok(sdk) => sdk,
        Err(why) => {
            skipped("Python", &why);
            return;
        }
    };
    let served = Served::start();
    let driver = || sdk.command("python_lookup.py", Some(&served.ca_file));
    let kyc = lookup(
        driver(),
        &served,
        &["kyc", "sdk-kyc", "py-kyc", "00000000000"],
    );
    check_kyc_answer(
        "python",
        &served,
        kyc.expect_json("python kyc"),
        "py-kyc",
        "py-1",
    );

    let kyb = lookup(
        driver(),
        &served,
        &["kyb", "sdk-kyb", "py-kyb", "RC0000000"],
    );
    let doc = kyb.expect_json("python kyb");
    assert_eq!(doc["ResultText"], "Business Verified", "python: {doc}");
    assert_eq!(
        doc["company_information"]["registration_number"],
        "RC0000000"
    );
    assert_eq!(doc["success"], Value::Bool(true), "python: {doc}");

    // A job id used twice: the SDK raises on the 400 (2215).
    let again = lookup(
        driver(),
        &served,
        &["kyc", "sdk-kyc", "py-kyc", "00000000000"],
    );
    assert!(!again.success, "python: {again:?}");
    assert!(again.stderr.contains("2215"), "python: {again:?}");
}

#[test]
fn node_sdk_submits_lookups_sync_and_async_to_the_emulator() {
    let sdk = match sdks::node_sdk() {
        Ok(sdk) => sdk,
        Err(why) => {
            skipped("Node", &why);
            return;
        }
    };
    let served = Served::start();
    let driver = || sdk.command("node_lookup.js", Some(&served.ca_file));
    let kyc = lookup(
        driver(),
        &served,
        &["sync", "sdk-kyc", "node-kyc", "00000000000"],
    );
    check_kyc_answer(
        "node",
        &served,
        kyc.expect_json("node kyc"),
        "node-kyc",
        "node-1",
    );

    // Async: the acknowledgement, then the callback at a receiver, whose
    // signature the SDK's own Signature accepts.
    let receiver =
        smileid_testkit::raw_http::RawServer::always(smileid_testkit::raw_http::json(200, "{}"));
    let callback_url = format!("{}/callback", receiver.base_url());
    let ack = lookup(
        driver(),
        &served,
        &[
            "async",
            "sdk-kyc",
            "node-async",
            "1013000000",
            &callback_url,
        ],
    );
    let doc = ack.expect_json("node async");
    assert_eq!(doc, &serde_json::json!({"success": true}), "node: {doc}");
    let deliveries = served.runtime.block_on(
        served
            .emulator()
            .wait_for_callback_deliveries(1, Duration::from_secs(20)),
    );
    assert!(deliveries.iter().any(|d| d.delivered), "{deliveries:?}");
    let bodies = receiver.request_bodies();
    let callback: Value = serde_json::from_slice(&bodies[0]).expect("the callback is JSON");
    assert_eq!(callback["ResultCode"], "1013", "node: {callback}");
    assert_eq!(callback["PartnerParams"]["job_id"], "node-async");
    let confirmed = lookup(
        driver(),
        &served,
        &[
            "confirm",
            callback["timestamp"].as_str().expect("timestamp"),
            callback["signature"].as_str().expect("signature"),
        ],
    );
    assert_eq!(
        confirmed.expect_json("node confirm"),
        &serde_json::json!({"confirmed": true})
    );
}

// ----- web tokens -----

/// An async lookup sent as Smile ID's hosted page sends it, with a web token
/// in place of the signature: an [`Operation`](smileid_core::Operation)
/// written outside smileid-core, sent by the ordinary client.
struct LookupWithToken {
    token: String,
    job_id: &'static str,
}

impl smileid_core::Operation for LookupWithToken {
    type Output = smileid_types::AsyncAcknowledgement;
    const NAME: &'static str = "async_id_verification";
    const REPEAT_SAFETY: smileid_core::RepeatSafety = smileid_core::RepeatSafety::Entry;

    fn validate(&self) -> Result<(), smileid_core::Error> {
        Ok(())
    }

    fn encode(
        &self,
        cx: &smileid_core::RequestContext<'_>,
    ) -> Result<http::Request<bytes::Bytes>, smileid_core::Error> {
        let body = serde_json::json!({
            "partner_id": cx.partner_id(),
            "token": self.token,
            "partner_params": {"user_id": "sdk-web", "job_id": self.job_id, "job_type": 5},
            "country": "NG",
            "id_type": "BVN",
            "id_number": "00000000000",
            "callback_url": "https://partner.example/smileid/callback",
        });
        cx.post_json(Self::NAME, &body)
    }

    fn signature_mode(&self) -> smileid_core::SignatureMode {
        smileid_core::SignatureMode::Absent
    }

    fn decode(&self, reply: smileid_core::Reply) -> Result<Self::Output, smileid_core::Error> {
        reply.json()
    }
}

/// Mints a token with an SDK's driver, checks the answer's shape, and uses
/// the token where the hosted page would.
fn check_web_token(name: &str, served: &Served, driver: impl Fn() -> Command) {
    let emu = served.emulator();
    let args = |job: &str, product: &str| -> Vec<String> {
        [
            emu.base_url(),
            emu.partner_id(),
            emu.api_key(),
            "sdk-web",
            job,
            product,
            "https://partner.example/smileid/callback",
        ]
        .map(str::to_owned)
        .to_vec()
    };
    let mut command = driver();
    command.args(args("web-1", "biometric_kyc"));
    let out = sdks::run(command, RUN_TIMEOUT).expect("the driver runs");
    assert!(out.status.success(), "{name}: {out:?}");
    let doc: Value = serde_json::from_str(out.stdout.trim()).expect("one line of JSON");
    assert_eq!(doc["success"], Value::Bool(true), "{name}: {doc}");
    let token = doc["token"].as_str().expect("a token").to_owned();

    let client = smileid_hyper::Client::builder(emu.partner_id(), emu.api_key())
        .base_url(emu.base_url())
        .add_root_certificates_pem(emu.ca_cert_pem().expect("TLS").as_bytes())
        .build()
        .expect("client builds");
    let ack = served
        .runtime
        .block_on(client.send(&LookupWithToken {
            token: token.clone(),
            job_id: "web-1",
        }))
        .expect("the token is accepted");
    assert!(ack.success, "{name}");
    assert!(
        emu.job("sdk-web", "web-1").is_some(),
        "{name}: the job exists"
    );
    // The token is for web-1 only.
    let err = served
        .runtime
        .block_on(client.send(&LookupWithToken {
            token,
            job_id: "web-2",
        }))
        .unwrap_err();
    assert_eq!(err.api_code(), Some("2205"), "{name}: {err}");

    // An unknown product: Python hands back the error body, Node rejects.
    let mut command = driver();
    command.args(args("web-3", "face_match"));
    let out = sdks::run(command, RUN_TIMEOUT).expect("the driver runs");
    let text = format!("{}{}", out.stdout, out.stderr);
    assert!(
        text.contains("2217") && text.contains("Invalid product."),
        "{name}: {out:?}"
    );
}

#[test]
fn python_sdk_mints_web_tokens_from_the_emulator() {
    let sdk = match sdks::python_sdk() {
        Ok(sdk) => sdk,
        Err(why) => {
            skipped("Python", &why);
            return;
        }
    };
    let served = Served::start();
    check_web_token("python", &served, || {
        sdk.command("python_web_token.py", Some(&served.ca_file))
    });
}

#[test]
fn node_sdk_mints_web_tokens_from_the_emulator() {
    let sdk = match sdks::node_sdk() {
        Ok(sdk) => sdk,
        Err(why) => {
            skipped("Node", &why);
            return;
        }
    };
    let served = Served::start();
    check_web_token("node", &served, || {
        sdk.command("node_web_token.js", Some(&served.ca_file))
    });
}
