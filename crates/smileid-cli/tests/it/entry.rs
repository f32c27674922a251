//! `verify-id`, `verify-business` and `aml`: the calls that create (and may
//! bill) a job, run as a user would against emulators started here. Each
//! exit code of these commands, the output of each answer, and the proof
//! that nothing is sent twice.

use serde_json::Value;
use smileid_emulator::FaultSpec;

use super::cli::{Output, SECRET_KEY, TempFile, TestEmulator, assert_code, assert_contains_all};

/// `verify-id` for `job` with a Nigerian BVN `number`, then `extra`.
fn verify_id<'a>(job: &'a str, number: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "verify-id",
        "--user-id",
        "cli-user",
        "--job-id",
        job,
        "--country",
        "NG",
        "--id-type",
        "BVN",
        "--id-number",
        number,
    ];
    args.extend_from_slice(extra);
    args
}

/// The number of jobs the emulator holds for `cli-user`.
fn jobs_of_cli_user(emulator: &TestEmulator) -> usize {
    emulator
        .handle
        .jobs()
        .iter()
        .filter(|job| job.user_id == "cli-user")
        .count()
}

#[track_caller]
fn assert_no_secret(out: &Output) {
    assert!(
        !out.all().contains(SECRET_KEY),
        "the key leaked:\n{}",
        out.all()
    );
}

#[test]
fn help_lists_the_entry_commands_and_their_exit_codes() {
    let out = super::cli::run(&["--help"], &[]);
    assert_code(&out, 0);
    assert_contains_all(&out.stdout, &["verify-id", "verify-business", "aml"]);
    for sub in ["verify-id", "verify-business", "aml"] {
        let out = super::cli::run(&[sub, "--help"], &[]);
        assert_code(&out, 0);
        for code in 0..=7 {
            assert!(
                out.stdout.contains(&format!("\n  {code}  ")),
                "{sub}: exit code {code} not documented"
            );
        }
        assert_contains_all(
            &out.stdout,
            &[
                "--user-id",
                "--job-id",
                "--partner-param",
                "--json",
                "--emulator",
            ],
        );
    }
    let out = super::cli::run(&["verify-id", "--help"], &[]);
    assert_contains_all(
        &out.stdout,
        &[
            "--country",
            "--id-type",
            "--id-number",
            "--dob",
            "--async",
            "--callback-url",
            "--photo-out",
            "--consent",
        ],
    );
}

#[test]
fn an_approved_lookup_is_shown_without_the_photo() {
    let emulator = TestEmulator::plain();
    let out = emulator.run(&verify_id(
        "cli-ok",
        "22222222222",
        &[
            "--first-name",
            "Ada",
            "--last-name",
            "Obi",
            "--api-key",
            SECRET_KEY,
        ],
    ));
    // A wrong key on the command line: the emulator refuses it with 2205.
    assert_code(&out, 3);
    assert_contains_all(&out.stderr, &["2205"]);
    assert_no_secret(&out);

    let out = emulator.run(&verify_id(
        "cli-ok",
        "22222222222",
        &[
            "--first-name",
            "Ada",
            "--last-name",
            "Obi",
            "--partner-param",
            "ref=abc=1",
        ],
    ));
    assert_code(&out, 0);
    assert_contains_all(
        &out.stdout,
        &[
            "APPROVED  ID lookup for job cli-ok of user cli-user",
            "1012 ID Number Validated (approved)",
            "signature        valid",
            "OBI ADA",
            "Verify_ID_Number      Verified",
            "photo            present (32 characters of base64)",
            "ref       abc=1",
        ],
    );
    assert!(
        !out.stdout.contains("/9j/"),
        "the photo's base64 is printed:\n{}",
        out.stdout
    );
}

#[test]
fn a_rejected_lookup_exits_0_and_placeholders_are_not_shown_as_names() {
    let emulator = TestEmulator::plain();
    let out = emulator.run(&verify_id("cli-rejected", "1013000000", &[]));
    assert_code(&out, 0);
    assert_contains_all(
        &out.stdout,
        &[
            "REJECTED  ID lookup",
            "1013 Unable to Validate ID (rejected)",
            "failed actions   Return_Personal_Info (Not Returned), Verify_ID_Number (Not Verified)",
        ],
    );
    assert!(!out.stdout.contains("Not Available"), "{}", out.stdout);
    assert!(!out.stdout.contains("full name"), "{}", out.stdout);
}

#[test]
fn json_prints_the_verified_answer_with_every_field() {
    let emulator = TestEmulator::plain();
    let out = emulator.run(&verify_id("cli-json", "22222222222", &["--json"]));
    assert_code(&out, 0);
    let body: Value = serde_json::from_str(&out.stdout).expect("stdout is JSON");
    assert_eq!(body["ResultCode"], "1012");
    assert_eq!(body["PartnerParams"]["job_id"], "cli-json");
    assert_eq!(body["PartnerParams"]["job_type"], 5);
    assert!(
        body["Photo"]
            .as_str()
            .is_some_and(|p| p.starts_with("/9j/"))
    );
    assert!(body["signature"].as_str().is_some_and(|s| !s.is_empty()));
}

#[test]
fn photo_out_writes_the_decoded_jpeg() {
    let emulator = TestEmulator::plain();
    let file = TempFile::new("photo.jpg", b"");
    let out = emulator.run(&verify_id(
        "cli-photo",
        "22222222222",
        &["--photo-out", file.as_str()],
    ));
    assert_code(&out, 0);
    let bytes = std::fs::read(file.path()).expect("the photo is written");
    assert_eq!(&bytes[..2], [0xff, 0xd8], "a JPEG starts with FF D8");
    assert_eq!(
        &bytes[bytes.len() - 2..],
        [0xff, 0xd9],
        "and ends with FF D9"
    );

    // No photo in a rejected answer: nothing is written, and stderr says so.
    let file = TempFile::new("none.jpg", b"untouched");
    let out = emulator.run(&verify_id(
        "cli-nophoto",
        "1013000000",
        &["--photo-out", file.as_str()],
    ));
    assert_code(&out, 0);
    assert_contains_all(&out.stderr, &["no photo in the answer; nothing written"]);
    assert_eq!(
        std::fs::read(file.path()).expect("still there"),
        b"untouched"
    );
}

#[test]
fn invalid_input_exits_2_and_nothing_is_sent() {
    let emulator = TestEmulator::plain();
    let cases: [(&[&str], &str); 5] = [
        (
            &[
                "verify-id",
                "--user-id",
                "cli-user",
                "--job-id",
                "j-bad",
                "--country",
                "Nigeria",
                "--id-type",
                "BVN",
                "--id-number",
                "1",
            ],
            "country is not an ISO 3166-1 alpha-2 country code",
        ),
        (
            &[
                "verify-id",
                "--user-id",
                "cli-user",
                "--job-id",
                "j-bad",
                "--country",
                "NG",
                "--id-type",
                "BVN",
                "--id-number",
                "1",
                "--dob",
                "1990-13-01",
            ],
            "dob is not a date written YYYY-MM-DD",
        ),
        (
            &[
                "verify-business",
                "--user-id",
                "cli-user",
                "--job-id",
                "j-bad",
                "--country",
                "NG",
                "--id-type",
                "BUSINESS_REGISTRATION",
                "--id-number",
                "RC1",
            ],
            "business_type is required",
        ),
        (
            &[
                "verify-id",
                "--user-id",
                "cli-user",
                "--job-id",
                "j-bad",
                "--country",
                "NG",
                "--id-type",
                "BVN",
                "--id-number",
                "1",
                "--async",
                "--callback-url",
                "http://example.com/cb",
            ],
            "callback_url",
        ),
        (
            &[
                "aml",
                "--user-id",
                "cli-user",
                "--job-id",
                "j-bad",
                "--full-name",
                "A Person",
                "--country",
                "NG",
                "--birth-year",
                "19x0",
            ],
            "birth_year",
        ),
    ];
    for (args, message) in cases {
        let out = emulator.run(args);
        assert_code(&out, 2);
        assert_contains_all(&out.stderr, &["nothing was sent", message]);
    }
    assert_eq!(jobs_of_cli_user(&emulator), 0, "a job was created");

    // Usage errors clap catches.
    for args in [
        &verify_id("j-bad", "1", &["--partner-param", "no-equals-sign"])[..],
        &verify_id("j-bad", "1", &["--async"])[..],
        &["aml", "--user-id", "u", "--job-id", "j", "--full-name", "A"][..],
    ] {
        assert_code(&emulator.run(args), 2);
    }
}

#[test]
fn a_reused_job_id_is_an_api_error_exit_3() {
    let emulator = TestEmulator::plain();
    assert_code(&emulator.run(&verify_id("cli-once", "22222222222", &[])), 0);
    let out = emulator.run(&verify_id("cli-once", "22222222222", &[]));
    assert_code(&out, 3);
    assert_contains_all(&out.stderr, &["2215"]);
}

#[test]
fn a_dropped_answer_exits_7_and_is_never_resent() {
    let emulator = TestEmulator::plain();
    // One drop only: a second attempt would be answered, and exit 0.
    emulator.set_fault(
        FaultSpec::drop_connection()
            .for_endpoint("id_verification")
            .count(1),
    );
    let out = emulator.run(&verify_id("cli-drop", "22222222222", &["--retries", "3"]));
    assert_code(&out, 7);
    assert_contains_all(&out.stderr, &["outcome unknown", "job-status", "cli-drop"]);
    assert!(
        emulator.handle.faults().is_empty(),
        "the fault was used once"
    );
    assert_eq!(jobs_of_cli_user(&emulator), 0);

    // A 500 after the request arrived: exit 3, once, the same rule.
    emulator.set_fault(
        FaultSpec::http_error(500, "2201", "System error")
            .for_endpoint("aml")
            .count(1),
    );
    let out = emulator.run(&[
        "aml",
        "--user-id",
        "cli-user",
        "--job-id",
        "cli-500",
        "--full-name",
        "A Person",
        "--country",
        "NG",
        "--retries",
        "3",
    ]);
    assert_code(&out, 3);
    assert_contains_all(&out.stderr, &["2201"]);
    assert!(emulator.handle.faults().is_empty());
}

#[test]
fn an_async_lookup_is_acknowledged_and_its_job_exists() {
    let emulator = TestEmulator::plain();
    let out = emulator.run(&verify_id(
        "cli-async",
        "22222222222",
        &["--async", "--callback-url", "https://partner.example/smile"],
    ));
    assert_code(&out, 0);
    assert_contains_all(
        &out.stdout,
        &[
            "ACCEPTED  job cli-async of user cli-user accepted",
            "https://partner.example/smile",
            "smileid job-status --user-id cli-user --job-id cli-async",
        ],
    );
    let job = emulator
        .handle
        .job("cli-user", "cli-async")
        .expect("the job exists");
    assert_eq!(job.job_type, 5);

    let out = emulator.run(&verify_id(
        "cli-async-json",
        "22222222222",
        &[
            "--async",
            "--callback-url",
            "https://partner.example/smile",
            "--json",
        ],
    ));
    assert_code(&out, 0);
    let body: Value = serde_json::from_str(&out.stdout).expect("JSON");
    assert_eq!(body, serde_json::json!({"success": true}));
}

#[test]
fn business_verification_shows_the_company() {
    let emulator = TestEmulator::plain();
    let out = emulator.run(&[
        "verify-business",
        "--user-id",
        "cli-user",
        "--job-id",
        "cli-kyb",
        "--country",
        "NG",
        "--id-type",
        "BUSINESS_REGISTRATION",
        "--id-number",
        "RC123",
        "--business-type",
        "co",
    ]);
    assert_code(&out, 0);
    assert_contains_all(
        &out.stdout,
        &[
            "APPROVED  business verification for job cli-kyb",
            "Business Verification (7)",
            "registration number  RC123",
            "Directors (1)",
        ],
    );
}

#[test]
fn aml_is_headed_by_whether_anyone_was_found() {
    let emulator = TestEmulator::plain();
    let out = emulator.run(&[
        "aml",
        "--user-id",
        "cli-user",
        "--job-id",
        "cli-aml-1",
        "--full-name",
        "John Example Doe",
        "--country",
        "NG",
        "--country",
        "KE",
        "--birth-year",
        "1970",
    ]);
    assert_code(&out, 0);
    assert_contains_all(
        &out.stdout,
        &[
            "LISTED  AML screen for job cli-aml-1",
            "People found (1)",
            "John Example Doe  PEP level 2",
        ],
    );

    let out = emulator.run(&[
        "aml",
        "--user-id",
        "cli-user",
        "--job-id",
        "cli-aml-2",
        "--full-name",
        "Jane Clean",
        "--country",
        "NG",
    ]);
    assert_code(&out, 0);
    assert_contains_all(
        &out.stdout,
        &[
            "NOT LISTED  AML screen",
            "People found (0)",
            "nobody on the lists",
        ],
    );
}

#[test]
fn the_emulator_flag_needs_no_account() {
    let out = super::cli::run(
        &verify_id("cli-demo", "22222222222", &["--emulator"]),
        &[("SMILE_API_KEY", SECRET_KEY)],
    );
    assert_code(&out, 0);
    assert_contains_all(&out.stdout, &["APPROVED  ID lookup"]);
    assert_contains_all(&out.stderr, &["Using a demo emulator", "1013000000"]);
    assert_no_secret(&out);

    let out = super::cli::run(
        &[
            "aml",
            "--user-id",
            "u",
            "--job-id",
            "j",
            "--full-name",
            "A Listed Person",
            "--country",
            "NG",
            "--emulator",
        ],
        &[],
    );
    assert_code(&out, 0);
    assert_contains_all(&out.stdout, &["LISTED  AML screen"]);
    assert_contains_all(&out.stderr, &["John Example Doe"]);
}
