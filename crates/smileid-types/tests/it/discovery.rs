//! Web tokens and the discovery endpoints: every fixture decodes into its
//! typed answer and round-trips; the token never shows in `Debug`; products
//! pass through; the requests write exactly the protocol's keys.

use serde_json::json;
use smileid_testkit::fixtures;
use smileid_types::{
    ApiErrorBody, Product, ProductsConfigResponse, ServicesResponse, SignedOnlyRequest,
    ValidDocumentsResponse, WebToken, WebTokenRequest, WebTokenResponse, decode,
};

use crate::lookups::assert_round_trip;

#[test]
fn web_token_answer_keeps_the_token_out_of_debug() {
    let answer: WebTokenResponse = decode(fixtures::WEB_TOKEN_RESPONSE.as_bytes()).unwrap();
    assert!(answer.success);
    assert_eq!(
        answer.token.expose_secret(),
        "b3KpWq9ZtX2mN7sLcV4hR8jD1fG6yE0uA5oI"
    );
    let debug = format!("{answer:?} {:?}", answer.token);
    assert!(!debug.contains("b3KpWq9Z"), "{debug}");
    assert!(debug.contains("WebToken([REDACTED])"), "{debug}");
    assert_round_trip(&answer, fixtures::WEB_TOKEN_RESPONSE);
}

#[test]
fn web_token_answer_reads_odd_shapes() {
    let answer: WebTokenResponse =
        decode(br#"{"success":"true","token":"t","expires":"soon"}"#).unwrap();
    assert!(answer.success);
    assert_eq!(answer.token.expose_secret(), "t");
    assert_eq!(answer.extra["expires"], json!("soon"));
    let failed: WebTokenResponse = decode(br#"{"success":false}"#).unwrap();
    assert!(!failed.success);
    assert_eq!(failed.token, WebToken::default());
}

#[test]
fn invalid_product_error_body() {
    let body: ApiErrorBody = decode(fixtures::ERROR_2217_INVALID_PRODUCT.as_bytes()).unwrap();
    assert_eq!(body.code.as_deref(), Some("2217"));
    assert_eq!(body.error.as_deref(), Some("Invalid product."));
}

#[test]
fn products_are_an_open_set() {
    for product in Product::DOCUMENTED {
        assert!(product.is_documented());
        assert_eq!(Product::from(product.as_str()), product);
        let json = serde_json::to_value(&product).unwrap();
        assert_eq!(json, json!(product.as_str()));
        assert_eq!(serde_json::from_value::<Product>(json).unwrap(), product);
    }
    let issue_list = [
        "authentication",
        "basic_kyc",
        "smartselfie",
        "biometric_kyc",
        "enhanced_kyc",
        "doc_verification",
        "ekyc_smartselfie",
        "identity_verification",
        "enhanced_document_verification",
    ];
    for text in issue_list {
        assert!(Product::from(text).is_documented(), "{text}");
    }
    let new = Product::from(String::from("face_match"));
    assert_eq!(new, Product::Other("face_match".into()));
    assert!(!new.is_documented());
    assert_eq!(serde_json::to_value(&new).unwrap(), json!("face_match"));
    assert_eq!(
        Product::from("BASIC_KYC"),
        Product::Other("BASIC_KYC".into())
    );
}

#[test]
fn web_token_request_writes_the_protocol_keys() {
    let mut request = WebTokenRequest::new(
        "085",
        "2026-08-21T12:00:00.000Z",
        "c2lnbmF0dXJl",
        "user-1",
        "job-1",
        Product::BiometricKyc,
    );
    assert_eq!(
        serde_json::to_string(&request).unwrap(),
        r#"{"partner_id":"085","timestamp":"2026-08-21T12:00:00.000Z","signature":"c2lnbmF0dXJl","user_id":"user-1","job_id":"job-1","product":"biometric_kyc"}"#
    );
    request.callback_url = Some("https://partner.example/cb".into());
    request.source_sdk = Some("rest_api".into());
    request.source_sdk_version = Some("0.1.0".into());
    assert_eq!(
        serde_json::to_string(&request).unwrap(),
        r#"{"partner_id":"085","timestamp":"2026-08-21T12:00:00.000Z","signature":"c2lnbmF0dXJl","user_id":"user-1","job_id":"job-1","product":"biometric_kyc","callback_url":"https://partner.example/cb","source_sdk":"rest_api","source_sdk_version":"0.1.0"}"#
    );
    let back: WebTokenRequest = decode(&serde_json::to_vec(&request).unwrap()).unwrap();
    assert_eq!(back, request);
}

#[test]
fn signed_only_request_writes_the_protocol_keys() {
    let mut request = SignedOnlyRequest::new("085", "2026-08-21T12:00:00.000Z", "c2ln");
    assert_eq!(
        serde_json::to_string(&request).unwrap(),
        r#"{"partner_id":"085","timestamp":"2026-08-21T12:00:00.000Z","signature":"c2ln"}"#
    );
    request.source_sdk = Some("rest_api".into());
    request.source_sdk_version = Some("0.1.0".into());
    assert_eq!(
        serde_json::to_string(&request).unwrap(),
        r#"{"partner_id":"085","timestamp":"2026-08-21T12:00:00.000Z","signature":"c2ln","source_sdk":"rest_api","source_sdk_version":"0.1.0"}"#
    );
}

#[test]
fn services_catalogue() {
    let services: ServicesResponse = decode(fixtures::SERVICES.as_bytes()).unwrap();
    assert_eq!(services.bank_codes.len(), 3);
    let access = &services.bank_codes[0];
    assert_eq!(
        (access.name.as_str(), access.code.as_str()),
        ("Access Bank", "044")
    );
    assert_eq!(access.nip_code.as_deref(), Some("000014"));
    assert_eq!(
        services.id_types.keys().collect::<Vec<_>>(),
        ["GH", "KE", "NG", "ZA"]
    );
    assert_eq!(
        services.required_fields("NG", "BANK_ACCOUNT").unwrap(),
        [
            "country",
            "id_type",
            "id_number",
            "bank_code",
            "user_id",
            "job_id"
        ]
    );
    assert_eq!(services.required_fields("NG", "NOPE"), None);
    assert_eq!(services.required_fields("XX", "BVN"), None);

    assert_eq!(
        services.hosted_web.keys().collect::<Vec<_>>(),
        [
            "basic_kyc",
            "biometric_kyc",
            "doc_verification",
            "ekyc_smartselfie",
            "enhanced_document_verification",
            "enhanced_kyc"
        ]
    );
    let za = &services.hosted_web["basic_kyc"]["ZA"];
    assert_eq!(za.name, "South Africa");
    let entry = &za.id_types["NATIONAL_ID_NO_PHOTO"];
    assert_eq!(entry.label, "National ID (no photo)");
    assert!(entry.required_fields.iter().any(|f| f == "day"));
    assert_eq!(entry.test_data.as_deref(), Some("0000000000000"));
    assert_eq!(entry.id_number_regex.as_deref(), Some("^[0-9]{13}$"));

    let gh_passport = &services.hosted_web["enhanced_kyc"]["GH"].id_types["PASSPORT"];
    assert_eq!(
        gh_passport.id_number_regex.as_deref(),
        Some("^[A-Z0-9]{6,10}$/i"),
        "the stray suffix is kept as received"
    );
    let alien = &services.hosted_web["ekyc_smartselfie"]["KE"].id_types["ALIEN_CARD"];
    assert_eq!(
        (alien.test_data.as_ref(), alien.id_number_regex.as_ref()),
        (None, None)
    );
    let doc = &services.hosted_web["doc_verification"]["NG"].id_types["PASSPORT"];
    assert!(doc.required_fields.is_empty());

    let bvn: Vec<&str> = services
        .hosted_web_entries("NG", "BVN")
        .map(|(product, _)| product)
        .collect();
    assert_eq!(bvn, ["biometric_kyc", "enhanced_kyc"]);
    assert_round_trip(&services, fixtures::SERVICES);
}

#[test]
fn services_reads_nulls_and_unknown_keys() {
    let services: ServicesResponse = decode(
        br#"{"bank_codes":null,"id_types":null,"hosted_web":{"basic_kyc":{"NG":{"name":"Nigeria","id_types":{"BVN":{"label":"BVN","required_fields":null,"colour":"blue"}},"flag":"ng"}}},"new_section":[1]}"#,
    )
    .unwrap();
    assert!(services.bank_codes.is_empty());
    assert!(services.id_types.is_empty());
    let ng = &services.hosted_web["basic_kyc"]["NG"];
    assert_eq!(ng.extra["flag"], json!("ng"));
    assert_eq!(ng.id_types["BVN"].extra["colour"], json!("blue"));
    assert!(ng.id_types["BVN"].required_fields.is_empty());
    assert_eq!(services.extra["new_section"], json!([1]));
    let empty: ServicesResponse = decode(b"{}").unwrap();
    assert_eq!(empty, ServicesResponse::default());
}

#[test]
fn valid_documents() {
    let docs: ValidDocumentsResponse = decode(fixtures::VALID_DOCUMENTS.as_bytes()).unwrap();
    assert_eq!(docs.valid_documents.len(), 3);
    let ke = docs.country("KE").unwrap();
    assert_eq!(ke.country.name, "Kenya");
    assert_eq!(ke.country.continent, "AFRICA");
    let codes: Vec<(&str, bool)> = ke
        .id_types
        .iter()
        .map(|t| (t.code.as_str(), t.has_back))
        .collect();
    assert_eq!(
        codes,
        [
            ("ALIEN_CARD", true),
            ("NATIONAL_ID", true),
            ("PASSPORT", false)
        ]
    );
    let ghana_card = &docs.country("GH").unwrap().id_types[1];
    assert_eq!(ghana_card.example, ["Ghana Card", "Ghana National ID"]);
    assert!(docs.country("ZA").is_none());
    assert_round_trip(&docs, fixtures::VALID_DOCUMENTS);

    let odd: ValidDocumentsResponse = decode(
        br#"{"valid_documents":[{"country":{"code":"UG"},"id_types":[{"code":"NATIONAL_ID","has_back":"false","example":null,"pages":2}]}]}"#,
    )
    .unwrap();
    let ug = odd.country("UG").unwrap();
    assert!(!ug.id_types[0].has_back);
    assert!(ug.id_types[0].example.is_empty());
    assert_eq!(ug.id_types[0].extra["pages"], json!(2));
}

#[test]
fn products_config() {
    let config: ProductsConfigResponse = decode(fixtures::PRODUCTS_CONFIG.as_bytes()).unwrap();
    assert_eq!(config.enterprise_id, "000000085");
    assert!(config.consent_required("NG", "NIN_V2"));
    assert!(!config.consent_required("NG", "BVN"));
    assert!(!config.consent_required("KE", "NATIONAL_ID"));
    assert_eq!(
        config.id_selection["biometric_kyc"]["NG"],
        ["BVN", "NIN_V2"]
    );
    assert_eq!(config.id_selection.len(), 4);
    assert!(config.extra.is_empty());
    assert_round_trip(&config, fixtures::PRODUCTS_CONFIG);

    let odd: ProductsConfigResponse =
        decode(br#"{"enterpriseId":85,"consentRequired":null,"newKey":true}"#).unwrap();
    assert_eq!(odd.enterprise_id, "85");
    assert!(odd.consent_required.is_empty());
    assert_eq!(odd.extra["newKey"], json!(true));
}
