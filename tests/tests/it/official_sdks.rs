//! The official Smile ID server SDKs accept the emulator's answers.
//!
//! The Python SDK (`smile-id-core` 3.0.1) and the Node SDK
//! (`smile-identity-core` 3.2.1) are installed once into
//! `target/official-sdks/` and drive `testkit/compat/*` (job status, ID
//! lookups, business verification, web tokens, image jobs) against an emulator served
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

// ----- image jobs (submit_job, job types 1 and 6) -----

/// Tiny images for the SDKs to send: only the JPEG signature and a tag. The
/// SDKs check none of their bytes; Python checks that a file ending in
/// `.jpg`/`.jpeg`/`.png` exists (and names other paths in info.json as if
/// they were base64), Node reads the files only after the prep upload. The
/// zips hold files under their base names, so the names must differ.
struct Images {
    dir: PathBuf,
}

impl Images {
    const NAMES: [&'static str; 4] = [
        "selfie.jpg",
        "liveness-1.jpg",
        "liveness-2.jpg",
        "id-front.jpg",
    ];

    fn write(tag: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("smileid-sdk-images-{}-{tag}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("the image folder is made");
        for (i, name) in Self::NAMES.iter().enumerate() {
            let mut bytes = vec![
                0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0,
            ];
            bytes.push(i as u8 + 1);
            bytes.extend_from_slice(&[0xFF, 0xD9]);
            std::fs::write(dir.join(name), bytes).expect("an image is written");
        }
        Self { dir }
    }

    fn path(&self, name: &str) -> String {
        self.dir
            .join(name)
            .to_str()
            .expect("a UTF-8 temp path")
            .to_owned()
    }

    /// The image arguments of a driver mode.
    fn args(&self, mode: &str) -> Vec<String> {
        match mode {
            "biometric" => vec![
                self.path("selfie.jpg"),
                self.path("liveness-1.jpg"),
                self.path("liveness-2.jpg"),
            ],
            _ => vec![self.path("selfie.jpg"), self.path("id-front.jpg")],
        }
    }
}

impl Drop for Images {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Runs an image-job driver: `mode` (`biometric`, job type 1, or
/// `document`, job type 6) for `user`/`job` with the images of `images`.
fn submit(
    command: Command,
    served: &Served,
    images: &Images,
    mode: &str,
    user: &str,
    job: &str,
) -> Called {
    let mut args: Vec<String> = vec![mode.to_owned(), user.to_owned(), job.to_owned()];
    args.extend(images.args(mode));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    lookup(command, served, &args)
}

/// One image job through an SDK's driver: the calls it made, the job the
/// emulator made of them, and the job status the SDK returned.
fn check_image_job(name: &str, served: &Served, doc: &Value, job_type: u32, user: &str, job: &str) {
    let emu = served.emulator();
    let base = emu.base_url();
    let origin = base.trim_end_matches("/v1");

    // The SDK's HTTP calls, in order: the prep upload, the PUT to the
    // presigned link (absolute, at the emulator), then the polls.
    let calls = doc["calls"].as_array().expect("calls");
    let call = |i: usize| {
        let c = &calls[i];
        (
            c["method"].as_str().unwrap_or_default(),
            c["url"].as_str().unwrap_or_default(),
            c["status"].as_u64().unwrap_or_default(),
        )
    };
    assert!(calls.len() >= 3, "{name}: {doc}");
    assert_eq!(
        call(0),
        ("POST", format!("{base}/upload").as_str(), 200),
        "{name}: {doc}"
    );
    let (method, url, status) = call(1);
    assert_eq!((method, status), ("PUT", 200), "{name}: {doc}");
    assert!(
        url.starts_with(&format!("{origin}/uploads/")),
        "{name}: {url}"
    );
    for i in 2..calls.len() {
        assert_eq!(
            call(i),
            ("POST", format!("{base}/job_status").as_str(), 200),
            "{name}: {doc}"
        );
    }

    // The job status the SDK stopped on.
    assert_eq!(doc["job_complete"], Value::Bool(true), "{name}: {doc}");
    assert_eq!(doc["job_success"], Value::Bool(true), "{name}: {doc}");
    assert_eq!(doc["result_code"], "0810", "{name}: {doc}");
    let answer = &doc["answer"];
    assert_eq!(
        answer["result"]["PartnerParams"]["job_id"], job,
        "{name}: {doc}"
    );
    // Asked without history and image links: neither comes back.
    assert!(answer.get("history").is_none(), "{name}: {doc}");
    assert!(answer.get("image_links").is_none(), "{name}: {doc}");
    let timestamp = answer["timestamp"].as_str().expect("timestamp");
    let signature = answer["signature"].as_str().expect("signature");
    assert!(
        emu.signer().verify(timestamp, signature).is_ok(),
        "{name}: {doc}"
    );

    // The emulator's job: made by the zip, of the right type, with the
    // Smile job id the result names.
    let info = emu
        .job(user, job)
        .unwrap_or_else(|| panic!("{name}: no job {user}/{job}"));
    assert_eq!(info.job_type, job_type, "{name}");
    assert!(info.complete, "{name}");
    assert_eq!(
        doc["smile_job_id"],
        info.smile_job_id.as_str(),
        "{name}: {doc}"
    );
    assert_eq!(info.polls as usize, calls.len() - 2, "{name}: {doc}");
}

#[test]
fn python_sdk_submits_image_jobs_to_the_emulator() {
    let sdk = match sdks::python_sdk() {
        Ok(sdk) => sdk,
        Err(why) => {
            skipped("Python", &why);
            return;
        }
    };
    let served = Served::start();
    let images = Images::write("python");
    let driver = || sdk.command("python_submit_job.py", Some(&served.ca_file));

    // Job type 1: a selfie file, two liveness frames as base64, entered ID
    // info.
    let bio = submit(driver(), &served, &images, "biometric", "sdk-img", "py-bio");
    let doc = bio.expect_json("python biometric");
    check_image_job("python biometric", &served, doc, 1, "sdk-img", "py-bio");
    // One sleep before each poll (2 s for the first three).
    let sleeps = doc["sleeps"].as_array().expect("sleeps");
    assert_eq!(
        sleeps.len(),
        doc["calls"].as_array().map_or(0, |c| c.len() - 2),
        "{doc}"
    );
    assert_eq!(sleeps[0], 2, "{doc}");
    // This SDK writes a junk `base64imgString` entry per base64 image, two
    // here under one name: the emulator's reader ignores them.
    assert!(
        doc["warnings"].as_array().is_some_and(|w| w
            .iter()
            .any(|w| w.as_str().is_some_and(|w| w.contains("base64imgString")))),
        "{doc}"
    );

    // Job type 6: a selfie and an ID front, country and ID type.
    let docv = submit(driver(), &served, &images, "document", "sdk-img", "py-doc");
    let doc = docv.expect_json("python document");
    check_image_job("python document", &served, doc, 6, "sdk-img", "py-doc");

    // The same job id again: the prep upload is refused (2215) and this SDK
    // raises on the 400 before uploading anything.
    let again = submit(driver(), &served, &images, "document", "sdk-img", "py-doc");
    assert!(!again.success, "python: {again:?}");
    assert!(again.stderr.contains("2215"), "python: {again:?}");
}

#[test]
fn node_sdk_submits_image_jobs_to_the_emulator() {
    let sdk = match sdks::node_sdk() {
        Ok(sdk) => sdk,
        Err(why) => {
            skipped("Node", &why);
            return;
        }
    };
    let served = Served::start();
    let images = Images::write("node");
    let driver = || sdk.command("node_submit_job.js", Some(&served.ca_file));

    // Job type 1. This SDK spreads the ID info into the prep upload's top
    // level and sends `entered` as "true" (a string), in info.json too.
    let bio = submit(
        driver(),
        &served,
        &images,
        "biometric",
        "sdk-img",
        "node-bio",
    );
    let doc = bio.expect_json("node biometric");
    check_image_job("node biometric", &served, doc, 1, "sdk-img", "node-bio");
    // Polled at once after the PUT, then after 2 s waits.
    let sleeps = doc["sleeps"].as_array().expect("sleeps");
    assert_eq!(
        sleeps.len() + 1,
        doc["calls"].as_array().map_or(0, |c| c.len() - 2),
        "{doc}"
    );

    // Job type 6 (`entered` "false" is added).
    let docv = submit(
        driver(),
        &served,
        &images,
        "document",
        "sdk-img",
        "node-doc",
    );
    let doc = docv.expect_json("node document");
    check_image_job("node document", &served, doc, 6, "sdk-img", "node-doc");

    // The same job id again: axios rejects the 400 (2215).
    let again = submit(
        driver(),
        &served,
        &images,
        "document",
        "sdk-img",
        "node-doc",
    );
    assert!(!again.success, "node: {again:?}");
    assert!(again.stderr.contains("2215"), "node: {again:?}");
}
