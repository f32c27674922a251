//! `web-token`, `services`, `valid-documents`, `products-config` and
//! `verify-id --check`, run as a user would against emulators started here
//! (and with `--emulator`).

use serde_json::Value;
use smileid_emulator::{Emulator, FaultSpec};

use super::cli::{Output, SECRET_KEY, TestEmulator, assert_code, assert_contains_all, run};

fn web_token<'a>(product: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "web-token",
        "--user-id",
        "cli-user",
        "--job-id",
        "cli-web",
        "--product",
        product,
    ];
    args.extend_from_slice(extra);
    args
}

#[test]
fn web_token_prints_the_token_alone() {
    let emulator = TestEmulator::plain();
    let out = emulator.run(&web_token(
        "biometric_kyc",
        &["--callback-url", "https://partner.example/cb"],
    ));
    assert_code(&out, 0);
    let token = out.stdout.strip_suffix('\n').expect("one line");
    assert!(
        token.len() >= 40 && !token.contains(char::is_whitespace),
        "{out:?}"
    );
    assert!(out.stderr.is_empty(), "{out:?}");

    let out = emulator.run(&web_token("basic_kyc", &["--json"]));
    assert_code(&out, 0);
    let doc: Value = serde_json::from_str(&out.stdout).expect("JSON");
    let keys: Vec<&String> = doc.as_object().expect("an object").keys().collect();
    assert_eq!(keys, ["token"]);
    assert!(doc["token"].as_str().is_some_and(|t| t.len() >= 40));

    // With --emulator: the notice goes to stderr, the token alone to stdout,
    // and the token is nowhere else.
    let out = run(&web_token("enhanced_kyc", &["--emulator"]), &[]);
    assert_code(&out, 0);
    let token = out.stdout.trim_end();
    assert_eq!(out.stdout.lines().count(), 1, "{out:?}");
    assert!(out.stderr.contains("Using a demo emulator"), "{out:?}");
    assert!(!out.stderr.contains(token), "{out:?}");
}

#[test]
fn web_token_errors_exit_with_their_codes() {
    let emulator = TestEmulator::plain();
    let out = emulator.run(&web_token("face_match", &[]));
    assert_code(&out, 3);
    assert_contains_all(&out.stderr, &["2217", "Invalid product."]);
    assert!(out.stdout.is_empty(), "{out:?}");

    let out = emulator.run(&web_token(
        "basic_kyc",
        &["--callback-url", "http://partner.example/cb"],
    ));
    assert_code(&out, 2);
    assert_contains_all(&out.stderr, &["callback_url"]);

    // The token call is retried as a read: one 503, then the token.
    emulator.set_fault(
        FaultSpec::http_error(503, "2201", "System error")
            .for_endpoint("token")
            .count(1),
    );
    let out = emulator.run(&web_token("basic_kyc", &[]));
    assert_code(&out, 0);

    // A wrong key: refused, and the key never printed.
    let out = super::cli::output_of(
        super::cli::smileid()
            .args(web_token("basic_kyc", &[]))
            .env("SMILE_PARTNER_ID", emulator.handle.partner_id())
            .env("SMILE_API_KEY", SECRET_KEY)
            .env("SMILE_BASE_URL", emulator.handle.base_url()),
        None,
    );
    assert_code(&out, 3);
    assert!(out.stdout.is_empty(), "{out:?}");
    assert!(!out.all().contains(SECRET_KEY), "{out:?}");
}

#[test]
fn services_prints_tables_or_the_response_as_received() {
    let emulator = TestEmulator::plain();
    let out = emulator.run(&["services", "--country", "ke"]);
    assert_code(&out, 0);
    assert_contains_all(
        &out.stdout,
        &[
            "COUNTRY  ID TYPE",
            "KE       NATIONAL_ID",
            "National ID",
            "country, id_type, id_number, user_id, job_id",
        ],
    );
    assert!(!out.stdout.contains("NG "), "{}", out.stdout);
    assert!(!out.stdout.contains("Bank codes"), "{}", out.stdout);

    let out = emulator.run(&["services", "--country", "NG", "--product", "basic_kyc"]);
    assert_code(&out, 0);
    assert_contains_all(
        &out.stdout,
        &[
            "NG       BVN",
            "day, month, year",
            "Bank codes",
            "058   Guaranty Trust Bank",
        ],
    );

    let out = emulator.run(&["services", "--json"]);
    assert_code(&out, 0);
    let doc: Value = serde_json::from_str(&out.stdout).expect("JSON");
    assert_eq!(doc["hosted_web"].as_object().map(|m| m.len()), Some(6));
    assert!(doc["id_types"]["UG"].is_object());

    let out = emulator.run(&["services", "--product", "face_match"]);
    assert_code(&out, 2);
    assert_contains_all(
        &out.stderr,
        &["no hosted-web product `face_match`", "basic_kyc"],
    );
    let out = emulator.run(&["services", "--country", "FR"]);
    assert_code(&out, 2);
    assert_contains_all(&out.stderr, &["no ID type for FR"]);

    let out = run(&["services", "--emulator", "--country", "ZA"], &[]);
    assert_code(&out, 0);
    assert_contains_all(&out.stdout, &["ZA       NATIONAL_ID_NO_PHOTO"]);
}

#[test]
fn valid_documents_and_products_config() {
    let emulator = TestEmulator::plain();
    let out = emulator.run(&["valid-documents", "--country", "NG"]);
    assert_code(&out, 0);
    assert_contains_all(
        &out.stdout,
        &["HAS BACK", "NG       PASSPORT", "Voter's Card", "yes", "no"],
    );
    assert!(!out.stdout.contains("GH "), "{}", out.stdout);
    let out = emulator.run(&["valid-documents", "--json"]);
    assert_code(&out, 0);
    let doc: Value = serde_json::from_str(&out.stdout).expect("JSON");
    assert!(
        doc["valid_documents"]
            .as_array()
            .is_some_and(|l| l.len() == 5)
    );

    let out = emulator.run(&["products-config"]);
    assert_code(&out, 0);
    assert_contains_all(
        &out.stdout,
        &[
            "Enterprise id: 000000001",
            "PRODUCT",
            "enhanced_kyc",
            "Consent required",
            "NIN_V2",
        ],
    );
    let out = emulator.run(&["products-config", "--json"]);
    assert_code(&out, 0);
    let doc: Value = serde_json::from_str(&out.stdout).expect("JSON");
    assert_eq!(doc["enterpriseId"], "000000001");
    let out = run(&["products-config", "--emulator"], &[]);
    assert_code(&out, 0);
}

fn check<'a>(job: &'a str, id_type: &'a str, number: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "verify-id",
        "--check",
        "--user-id",
        "cli-user",
        "--job-id",
        job,
        "--country",
        "NG",
        "--id-type",
        id_type,
        "--id-number",
        number,
    ];
    args.extend_from_slice(extra);
    args
}

fn jobs(emulator: &TestEmulator) -> usize {
    emulator
        .handle
        .jobs()
        .iter()
        .filter(|job| job.user_id == "cli-user")
        .count()
}

#[test]
fn verify_id_check_stops_before_the_billed_call() {
    let emulator = TestEmulator::start(Emulator::builder().demo_jobs(false));
    let out: Output = emulator.run(&check("chk-1", "BANK_ACCOUNT", "123", &[]));
    assert_code(&out, 2);
    assert_contains_all(
        &out.stderr,
        &[
            "missing field bank_code (required for NG BANK_ACCOUNT)",
            "id_number does not match the pattern for NG BANK_ACCOUNT: ^[0-9]{10}$",
            "nothing billed was sent",
        ],
    );
    assert!(!out.stderr.contains("123 "), "{out:?}");
    assert_eq!(jobs(&emulator), 0, "no job was created");

    let out = emulator.run(&check("chk-2", "SHOE_SIZE", "42", &[]));
    assert_code(&out, 2);
    assert_contains_all(&out.stderr, &["lists no ID type SHOE_SIZE for NG"]);

    // A lookup that passes is sent.
    let out = emulator.run(&check(
        "chk-3",
        "BANK_ACCOUNT",
        "0000000000",
        &["--bank-code", "058"],
    ));
    assert_code(&out, 0);
    assert_eq!(jobs(&emulator), 1);

    // The catalogue cannot be read: the lookup is not sent either.
    emulator.set_fault(
        FaultSpec::http_error(400, "2201", "Bad")
            .for_endpoint("services")
            .count(1),
    );
    let out = emulator.run(&check("chk-4", "BVN", "00000000000", &[]));
    assert_code(&out, 3);
    assert_contains_all(
        &out.stderr,
        &["--check could not read the services catalogue"],
    );
    assert_eq!(jobs(&emulator), 1);

    let out = run(&check("chk-5", "BVN", "1234", &["--emulator"]), &[]);
    assert_code(&out, 2);
}
