//! The exact request of every endpoint, as golden files: one file per case in
//! `testkit/fixtures/requests/`, one driver loop. Each file holds the method,
//! the URL, the headers that matter and the whole JSON body (keys and JSON
//! types), signed with the fixture key at [`epoch`]; `$VERSION` stands for
//! this crate's version.
//!
//! `SMILEID_BLESS=1 cargo test -p smileid-core --test it golden` rewrites the
//! files from the current code; review the diff against the protocol before
//! committing it.

use std::collections::BTreeSet;

use bytes::Bytes;
use serde_json::{Value, json};
use smileid_core::{
    Aml, BusinessIdType, BusinessVerification, Environment, IdType, IdVerification, ImageIdInfo,
    ImageJob, ImageJobType, JobStatusQuery, Operation, ProductsConfigQuery, ServicesQuery,
    ValidDocumentsQuery, WebTokenQuery, build_request,
};
use smileid_types::Product;

use crate::support::*;

const VERSION: &str = env!("CARGO_PKG_VERSION");

fn jpeg() -> Bytes {
    Bytes::from_static(&[0xFF, 0xD8, 0xFF, 0xE0])
}

fn build<O: Operation>(op: O) -> http::Request<Bytes> {
    let base = Environment::Sandbox.base_url().unwrap();
    build_request(&op, &signer(), &base, epoch()).unwrap()
}

/// Every case: its file name and the request the code builds for it.
fn cases() -> Vec<(&'static str, http::Request<Bytes>)> {
    let kyc = || {
        IdVerification::new("user-5-001", "job-5-001", "NG", IdType::BVN, "00000000000")
            .first_name("Adaeze")
            .last_name("Okafor")
            .date_of_birth("1991-03-14")
            .gender("F")
            .partner_param("order_ref", "A-1001")
    };
    let kyb = || {
        BusinessVerification::new(
            "kyb-user-001",
            "kyb-job-001",
            "NG",
            BusinessIdType::BUSINESS_REGISTRATION,
            "0000001",
        )
        .business_type("co")
    };
    let aml = || {
        Aml::new("aml-user-001", "aml-job-001", "John Example Doe", ["NG"])
            .birth_year("1965")
            .alias("Johnny Doe")
    };
    vec![
        ("job_status", build(JobStatusQuery::new("user-1", "job-1"))),
        (
            "job_status_with_history_and_images",
            build(
                JobStatusQuery::new("user-1", "job-1")
                    .with_history(true)
                    .with_image_links(true),
            ),
        ),
        ("id_verification", build(kyc())),
        (
            "id_verification_every_field",
            build(
                IdVerification::new("user-5-002", "job-5-002", "ke", "NATIONAL_ID", "00000001")
                    .first_name("Wanjiru")
                    .middle_name("Njeri")
                    .last_name("Kamau")
                    .date_of_birth("1988-11-02")
                    .gender("F")
                    .phone_number("+254700000000")
                    .bank_code("058")
                    .consent("2026-08-21T11:59:00Z"),
            ),
        ),
        (
            "async_id_verification",
            build(kyc().asynchronous("https://example.com/smile/callback")),
        ),
        ("business_verification", build(kyb())),
        (
            "business_verification_kenya",
            build(
                BusinessVerification::new(
                    "kyb-user-002",
                    "kyb-job-002",
                    "KE",
                    BusinessIdType::BUSINESS_REGISTRATION,
                    "PVT-0000001",
                )
                .postal_address("P.O. Box 1000")
                .postal_code("00100"),
            ),
        ),
        (
            "async_business_verification",
            build(kyb().asynchronous("https://example.com/smile/callback")),
        ),
        ("aml", build(aml().partner_param("case", "7"))),
        (
            "aml_loose_existing_user",
            build(
                Aml::new("aml-user-002", "aml-job-002", "Jane Roe", ["NG", "KE"])
                    .strict_match(false)
                    .search_existing_user(true),
            ),
        ),
        (
            "token",
            build(
                WebTokenQuery::new("web-user-001", "web-job-001", Product::BiometricKyc)
                    .with_callback_url("https://example.com/smile/callback"),
            ),
        ),
        (
            "token_without_callback",
            build(WebTokenQuery::new(
                "web-user-002",
                "web-job-002",
                "a_future_product",
            )),
        ),
        ("services", build(ServicesQuery::new())),
        (
            "services_locale",
            build(ServicesQuery::new().with_locale("fr")),
        ),
        ("valid_documents", build(ValidDocumentsQuery)),
        (
            "prep_upload_biometric_kyc",
            build(
                ImageJob::new(ImageJobType::BiometricKyc, "user-1-001", "job-1-001")
                    .selfie(jpeg())
                    .id_info(
                        ImageIdInfo::new("NG")
                            .id_type("NIN_V2")
                            .id_number("00000000000"),
                    )
                    .callback_url("https://partner.example.com/smileid/callback")
                    .allow_new_enroll()
                    .prep_upload(),
            ),
        ),
        (
            "prep_upload_document_verification",
            build(
                ImageJob::new(
                    ImageJobType::DocumentVerification,
                    "user-6-001",
                    "job-6-001",
                )
                .id_front(jpeg())
                .id_info(ImageIdInfo::new("NG"))
                .use_enrolled_image()
                .partner_param("order_ref", "A-1001")
                .prep_upload(),
            ),
        ),
        (
            "prep_upload_resume",
            build(
                ImageJob::new(
                    ImageJobType::SmartSelfieRegistration,
                    "user-4-001",
                    "job-4-001",
                )
                .selfie(jpeg())
                .resume()
                .prep_upload(),
            ),
        ),
        ("products_config", build(ProductsConfigQuery)),
    ]
}

/// The request as the golden file writes it.
fn describe(request: &http::Request<Bytes>) -> Value {
    let headers: serde_json::Map<String, Value> = ["content-type", "accept"]
        .into_iter()
        .filter_map(|name| {
            let value = request.headers().get(name)?.to_str().ok()?;
            Some((name.to_owned(), json!(value)))
        })
        .collect();
    let mut body: Value = if request.body().is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(request.body()).expect("a JSON body")
    };
    if body.get("source_sdk_version") == Some(&json!(VERSION)) {
        body["source_sdk_version"] = json!("$VERSION");
    }
    json!({
        "method": request.method().as_str(),
        "url": request.uri().to_string(),
        "headers": headers,
        "body": body,
    })
}

fn dir() -> std::path::PathBuf {
    smileid_testkit::fixtures_dir().join("requests")
}

#[test]
fn every_endpoint_sends_exactly_its_golden_request() {
    let bless = std::env::var_os("SMILEID_BLESS").is_some();
    let cases = cases();
    let mut failures = Vec::new();
    for (name, request) in &cases {
        let path = dir().join(format!("{name}.json"));
        let actual = describe(request);
        // The length header is the body's exact length, in every case with
        // a body; a GET carries neither.
        match request.headers().get("content-length") {
            Some(len) => assert_eq!(len, request.body().len().to_string().as_str(), "{name}"),
            None => assert!(
                request.method() == http::Method::GET && request.body().is_empty(),
                "{name}: no Content-Length"
            ),
        }
        if bless {
            let text = serde_json::to_string_pretty(&actual).unwrap() + "\n";
            std::fs::write(&path, text).unwrap();
            continue;
        }
        let expected: Value = match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .unwrap_or_else(|e| panic!("{}: not JSON: {e}", path.display())),
            Err(e) => panic!("{}: {e} (SMILEID_BLESS=1 writes it)", path.display()),
        };
        if actual != expected {
            failures.push(format!(
                "{name}:\n  expected {expected}\n  actual   {actual}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    // No golden file without a case (a renamed case must not leave a stale
    // file that nothing checks).
    let on_disk: BTreeSet<String> = std::fs::read_dir(dir())
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect();
    let known: BTreeSet<String> = cases.iter().map(|(n, _)| format!("{n}.json")).collect();
    assert_eq!(on_disk, known);
}
