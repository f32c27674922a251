//! Web tokens and the discovery reads: the token's issue, its use in place
//! of a signature and its refusals; the catalogue's three answers.

use std::collections::BTreeSet;
use std::time::Duration;

use crate::common::{Raw, Receiver};
use crate::lookups::{assert_error, envelope, id_request, post};
use http::Method;
use serde_json::{Value, json};
use smileid_emulator::{Emulator, EmulatorHandle};
use smileid_types::{ProductsConfigResponse, ServicesResponse, ValidDocumentsResponse};

fn token_request(emu: &EmulatorHandle, job_id: &str, product: &str) -> Value {
    let mut m = envelope(emu);
    m.insert("user_id".into(), "kyc-user".into());
    m.insert("job_id".into(), job_id.into());
    m.insert("product".into(), product.into());
    m.insert("callback_url".into(), "https://partner.example/cb".into());
    Value::Object(m)
}

async fn mint(raw: &Raw, emu: &EmulatorHandle, job_id: &str) -> String {
    let answer = post(raw, "token", &token_request(emu, job_id, "biometric_kyc")).await;
    assert_eq!(answer.status, 200, "{:?}", answer.json());
    let doc = answer.json();
    assert_eq!(doc["success"], true);
    let token = doc["token"].as_str().expect("a token").to_owned();
    assert!(
        token.len() >= 40
            && token
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
        "{token}"
    );
    token
}

/// An async lookup sent as the hosted page sends it: the token in place of
/// `timestamp` and `signature`.
fn tokened_lookup(emu: &EmulatorHandle, job_id: &str, token: &str, callback: &str) -> Value {
    let mut req = id_request(emu, job_id, "00000000000");
    let map = req.as_object_mut().unwrap();
    map.remove("timestamp");
    map.remove("signature");
    map.insert("token".into(), token.into());
    map.insert("callback_url".into(), callback.into());
    req
}

#[tokio::test]
async fn a_token_is_issued_and_accepted_in_place_of_a_signature() {
    let emu = Emulator::start().await.expect("starts");
    let raw = Raw::new(&emu);
    let token = mint(&raw, &emu, "web-1").await;
    let other = mint(&raw, &emu, "web-2").await;
    assert_ne!(token, other, "every token is fresh");

    let receiver = Receiver::start(vec![]).await;
    let answer = post(
        &raw,
        "async_id_verification",
        &tokened_lookup(&emu, "web-1", &token, &receiver.url),
    )
    .await;
    assert_eq!(answer.status, 200, "{:?}", answer.json());
    assert_eq!(answer.body.as_ref(), br#"{"success":true}"#);
    let deliveries = emu
        .wait_for_callback_deliveries(1, Duration::from_secs(10))
        .await;
    assert!(
        deliveries
            .iter()
            .any(|d| d.delivered && d.job_id == "web-1")
    );
    assert!(emu.job("kyc-user", "web-1").is_some());
}

#[tokio::test]
async fn tokens_are_refused_where_they_do_not_apply() {
    let emu = Emulator::builder()
        .web_token_ttl(Duration::ZERO)
        .start()
        .await
        .expect("starts");
    let raw = Raw::new(&emu);
    let expired = mint(&raw, &emu, "web-1").await;
    let answer = post(
        &raw,
        "async_id_verification",
        &tokened_lookup(&emu, "web-1", &expired, "https://partner.example/cb"),
    )
    .await;
    assert_error(&answer, 401, "2205");
    assert!(
        answer.json()["error"]
            .as_str()
            .unwrap()
            .ends_with("the web token has expired"),
        "{:?}",
        answer.json()
    );

    let emu = Emulator::start().await.expect("starts");
    let raw = Raw::new(&emu);
    let token = mint(&raw, &emu, "web-1").await;
    for (req, why) in [
        (
            tokened_lookup(&emu, "web-1", "not-a-token", "https://partner.example/cb"),
            "unknown web token",
        ),
        (
            tokened_lookup(&emu, "web-9", &token, "https://partner.example/cb"),
            "the web token was issued for another user_id or job_id",
        ),
    ] {
        let answer = post(&raw, "async_id_verification", &req).await;
        assert_error(&answer, 401, "2205");
        assert!(
            answer.json()["error"].as_str().unwrap().ends_with(why),
            "{:?}",
            answer.json()
        );
    }
    // The sync lookup, and job status, want a signature.
    let mut sync = tokened_lookup(&emu, "web-1", &token, "https://partner.example/cb");
    sync.as_object_mut().unwrap().remove("callback_url");
    let answer = post(&raw, "id_verification", &sync).await;
    assert_error(&answer, 401, "2205");
    assert!(emu.job("kyc-user", "web-1").is_none(), "no job was created");
    // A reset forgets every token.
    emu.reset().expect("resets");
    let answer = post(
        &raw,
        "async_id_verification",
        &tokened_lookup(&emu, "web-1", &token, "https://partner.example/cb"),
    )
    .await;
    assert_error(&answer, 401, "2205");
}

#[tokio::test]
async fn token_requests_are_checked() {
    let emu = Emulator::start().await.expect("starts");
    let raw = Raw::new(&emu);
    let answer = post(&raw, "token", &token_request(&emu, "j", "face_match")).await;
    assert_error(&answer, 400, "2217");
    assert_eq!(answer.json()["error"], "Invalid product.");
    for product in [
        "authentication",
        "basic_kyc",
        "smartselfie",
        "biometric_kyc",
        "enhanced_kyc",
        "doc_verification",
        "ekyc_smartselfie",
        "identity_verification",
        "enhanced_document_verification",
        "e_signature",
    ] {
        let answer = post(&raw, "token", &token_request(&emu, "j", product)).await;
        assert_eq!(answer.status, 200, "{product}");
    }
    let mut unsigned = token_request(&emu, "j", "basic_kyc");
    unsigned["signature"] = json!("AAAA");
    assert_error(&post(&raw, "token", &unsigned).await, 401, "2205");
    let mut missing = token_request(&emu, "j", "basic_kyc");
    missing.as_object_mut().unwrap().remove("product");
    let answer = post(&raw, "token", &missing).await;
    assert_error(&answer, 400, "2213");
    // No callback URL is fine: the result is then read by job status.
    let mut no_callback = token_request(&emu, "j", "basic_kyc");
    no_callback.as_object_mut().unwrap().remove("callback_url");
    assert_eq!(post(&raw, "token", &no_callback).await.status, 200);
}

#[tokio::test]
async fn the_catalogue_is_realistic_and_consistent() {
    let emu = Emulator::start().await.expect("starts");
    let raw = Raw::new(&emu);
    let answer = raw
        .send(Method::GET, &format!("{}/services?locale=fr", raw.base), "")
        .await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.headers["content-type"], "application/json");
    let services: ServicesResponse = serde_json::from_slice(&answer.body).expect("typed");
    let countries: BTreeSet<&str> = services.id_types.keys().map(String::as_str).collect();
    assert_eq!(countries, BTreeSet::from(["GH", "KE", "NG", "UG", "ZA"]));
    assert!(services.bank_codes.iter().any(|b| b.code == "058"));
    assert_eq!(
        services
            .hosted_web
            .keys()
            .map(String::as_str)
            .collect::<BTreeSet<_>>(),
        BTreeSet::from([
            "basic_kyc",
            "biometric_kyc",
            "doc_verification",
            "ekyc_smartselfie",
            "enhanced_document_verification",
            "enhanced_kyc"
        ])
    );
    assert_eq!(
        services.required_fields("NG", "BANK_ACCOUNT").unwrap(),
        [
            "country",
            "id_type",
            "id_number",
            "user_id",
            "job_id",
            "bank_code"
        ]
    );
    let doc = &services.hosted_web["doc_verification"]["NG"].id_types["PASSPORT"];
    assert_eq!(
        (
            doc.label.as_str(),
            doc.required_fields.len(),
            doc.test_data.as_ref()
        ),
        ("Passport", 0, None)
    );
    let stray = &services.hosted_web["enhanced_kyc"]["GH"].id_types["PASSPORT"];
    assert_eq!(
        stray.id_number_regex.as_deref(),
        Some("^[A-Z][0-9]{7,9}$/i")
    );
    assert!(services.extra.is_empty());
    // The catalogue is open; other methods are not.
    let answer = post(&raw, "services", &json!({})).await;
    assert_eq!(answer.status, 405);

    let answer = post(&raw, "valid_documents", &Value::Object(envelope(&emu))).await;
    assert_eq!(answer.status, 200);
    let docs: ValidDocumentsResponse = serde_json::from_slice(&answer.body).expect("typed");
    let ng = docs.country("NG").expect("Nigeria");
    let passport = ng.id_types.iter().find(|t| t.code == "PASSPORT").unwrap();
    assert!(!passport.has_back);
    let voter = ng.id_types.iter().find(|t| t.code == "VOTER_ID").unwrap();
    assert!(voter.has_back);
    assert!(
        ng.id_types.iter().all(|t| t.code != "BVN"),
        "a number is no document"
    );

    let answer = post(&raw, "products_config", &Value::Object(envelope(&emu))).await;
    assert_eq!(answer.status, 200);
    let config: ProductsConfigResponse = serde_json::from_slice(&answer.body).expect("typed");
    assert_eq!(config.enterprise_id, format!("{:0>9}", emu.partner_id()));
    assert!(config.consent_required("NG", "NIN_V2"));
    assert!(config.id_selection["enhanced_kyc"]["NG"].contains(&"BANK_ACCOUNT".to_owned()));

    // The signed reads want a signature.
    let mut bad = envelope(&emu);
    bad.insert("signature".into(), "AAAA".into());
    for path in ["valid_documents", "products_config"] {
        let answer = post(&raw, path, &Value::Object(bad.clone())).await;
        assert_error(&answer, 401, "2205");
    }
}
