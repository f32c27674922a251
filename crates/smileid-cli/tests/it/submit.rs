//! `submit`, run as a user would against emulators started here (and with
//! `--emulator`): the Smile job id, the final status with `--wait`, and the
//! exit codes of bad files, missing images, a used job id and an unknown
//! outcome.

use serde_json::Value;
use smileid_emulator::FaultSpec;

use super::cli::{TempFile, TestEmulator, assert_code, assert_contains_all, run};

const JPEG: &[u8] = &[
    0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0xFF, 0xD9,
];

fn biometric_kyc<'a>(job_id: &'a str, selfie: &'a TempFile, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "submit",
        "--job-type",
        "biometric-kyc",
        "--user-id",
        "cli-user",
        "--job-id",
        job_id,
        "--selfie",
        selfie.as_str(),
        "--liveness",
        selfie.as_str(),
        "--country",
        "NG",
        "--id-type",
        "NIN_V2",
        "--id-number",
        "00000000000",
    ];
    args.extend_from_slice(extra);
    args
}

#[test]
fn submit_prints_the_smile_job_id_or_the_final_status() {
    let emulator = TestEmulator::plain();
    let selfie = TempFile::new("selfie.jpg", JPEG);
    let out = emulator.run(&biometric_kyc("cli-img-1", &selfie, &[]));
    assert_code(&out, 0);
    let sid = out.stdout.strip_suffix('\n').expect("one line");
    assert!(
        sid.len() == 10 && sid.bytes().all(|b| b.is_ascii_digit()),
        "{out:?}"
    );
    let job = emulator
        .handle
        .job("cli-user", "cli-img-1")
        .expect("the job exists");
    assert_eq!(job.smile_job_id, sid);

    let out = emulator.run(&biometric_kyc("cli-img-2", &selfie, &["--json"]));
    assert_code(&out, 0);
    let doc: Value = serde_json::from_str(&out.stdout).expect("JSON");
    assert_eq!(doc["user_id"], "cli-user");
    assert_eq!(doc["job_id"], "cli-img-2");
    assert!(doc["smile_job_id"].as_str().is_some());

    let out = emulator.run(&biometric_kyc(
        "cli-img-3",
        &selfie,
        &["--wait", "--interval", "0.1", "--timeout", "30"],
    ));
    assert_code(&out, 0);
    assert_contains_all(&out.stdout, &["APPROVED", "0810", "NIN_V2"]);

    let out = emulator.run(&biometric_kyc(
        "cli-img-4",
        &selfie,
        &["--wait", "--interval", "0.1", "--json"],
    ));
    assert_code(&out, 0);
    let doc: Value = serde_json::from_str(&out.stdout).expect("JSON");
    assert_eq!(doc["job_complete"], true);
    assert_eq!(doc["result"]["ResultCode"], "0810");

    // With --emulator, no account needed.
    let out = run(
        &[
            "submit",
            "--job-type",
            "4",
            "--user-id",
            "u",
            "--job-id",
            "j",
            "--selfie",
            selfie.as_str(),
            "--emulator",
            "--wait",
            "--interval",
            "0.1",
        ],
        &[],
    );
    assert_code(&out, 0);
    assert_contains_all(&out.stdout, &["0840"]);
}

#[test]
fn bad_files_and_missing_images_exit_2_before_anything_is_sent() {
    let emulator = TestEmulator::plain();
    let before = emulator.handle.jobs().len();
    let selfie = TempFile::new("selfie.jpg", JPEG);
    let text = TempFile::new("notes.txt", b"not an image");
    let out = emulator.run(&biometric_kyc("cli-bad-1", &text, &[]));
    assert_code(&out, 2);
    assert_contains_all(
        &out.stderr,
        &["selfie is not a JPEG or PNG image", "nothing was sent"],
    );

    let out = emulator.run(&[
        "submit",
        "--job-type",
        "document-verification",
        "--user-id",
        "cli-user",
        "--job-id",
        "cli-bad-2",
        "--selfie",
        selfie.as_str(),
        "--country",
        "NG",
    ]);
    assert_code(&out, 2);
    assert_contains_all(&out.stderr, &["id_front is required"]);

    let out = emulator.run(&[
        "submit",
        "--job-type",
        "1",
        "--user-id",
        "cli-user",
        "--job-id",
        "cli-bad-3",
        "--selfie",
        "/nonexistent/selfie.jpg",
    ]);
    assert_code(&out, 2);
    assert_contains_all(&out.stderr, &["--selfie", "/nonexistent/selfie.jpg"]);

    let out = emulator.run(&[
        "submit",
        "--job-type",
        "5",
        "--user-id",
        "cli-user",
        "--job-id",
        "cli-bad-4",
    ]);
    assert_code(&out, 2);
    assert_contains_all(&out.stderr, &["not an image job type"]);
    assert_eq!(emulator.handle.jobs().len(), before, "nothing was created");
}

#[test]
fn a_used_job_id_and_an_unknown_outcome_have_their_codes() {
    let emulator = TestEmulator::plain();
    let selfie = TempFile::new("selfie.jpg", JPEG);
    assert_code(&emulator.run(&biometric_kyc("cli-dup", &selfie, &[])), 0);
    let out = emulator.run(&biometric_kyc("cli-dup", &selfie, &[]));
    assert_code(&out, 3);
    assert_contains_all(&out.stderr, &["2215", "already exists"]);
    // Its zip arrived, so resuming is refused too, and says so.
    let out = emulator.run(&biometric_kyc("cli-dup", &selfie, &["--retry-upload"]));
    assert_code(&out, 3);
    assert_contains_all(&out.stderr, &["2215", "query job status"]);

    // The prep upload's connection drops: the job may exist (exit 7), and
    // the prep upload is not sent again.
    emulator.set_fault(FaultSpec::drop_connection().for_endpoint("upload").count(1));
    let out = emulator.run(&biometric_kyc("cli-lost", &selfie, &[]));
    assert_code(&out, 7);
    assert_contains_all(
        &out.stderr,
        &["smileid job-status --user-id cli-user --job-id cli-lost"],
    );
}
