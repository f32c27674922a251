//! Web tokens and discovery end to end: smileid-hyper's client against the
//! emulator over TLS; the pre-flight check over every entry of the
//! emulator's catalogue, and a checked lookup that the emulator validates.

use smileid_core::{
    ErrorKind, IdVerification, Preflight, PreflightProblem, ProductsConfigQuery, ServicesQuery,
    SignatureCheck, ValidDocumentsQuery, WebTokenQuery,
};
use smileid_types::{Outcome, Product};

use crate::lookups_e2e::{client, emulator};

#[tokio::test]
async fn a_web_token_is_minted_and_kept_secret() {
    let emu = emulator().await;
    let client = client(&emu, 0);
    let query = WebTokenQuery::new("web-user", "web-job", Product::BiometricKyc)
        .with_callback_url("https://partner.example/smileid/callback");
    let token = client.send(&query).await.expect("a token");
    assert!(token.expose_secret().len() >= 40);
    assert_eq!(format!("{token:?}"), "WebToken([REDACTED])");

    let err = client
        .send(&WebTokenQuery::new("web-user", "web-job", "face_match"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Api);
    assert_eq!(err.api_code(), Some("2217"));
}

#[tokio::test]
async fn every_catalogue_entry_passes_with_its_test_data_and_fails_mangled() {
    let emu = emulator().await;
    let client = client(&emu, 0);
    let services = client.send(&ServicesQuery::new()).await.expect("services");
    assert_eq!(services.signature_check(), SignatureCheck::NotApplicable);
    let catalogue = services.response();
    let preflight = Preflight::new(catalogue);
    let mut checked = 0;
    for (product, countries) in &catalogue.hosted_web {
        for (country, hosted) in countries {
            for (id_type, entry) in &hosted.id_types {
                let Some(number) = &entry.test_data else {
                    continue;
                };
                let full = |number: &str| {
                    IdVerification::new("pf-user", "pf-job", country, id_type.as_str(), number)
                        .first_name("Ada")
                        .last_name("Obi")
                        .date_of_birth("1990-01-31")
                        .bank_code("058")
                };
                let report = preflight.check(&full(number));
                assert!(report.is_ok(), "{product} {country} {id_type}: {report}");
                assert!(report.warnings().is_empty(), "{report}");
                // A character no pattern allows.
                let mangled = format!("{number}#");
                let report = preflight.check(&full(&mangled));
                assert!(
                    matches!(
                        report.problems(),
                        [PreflightProblem::IdNumberMismatch { .. }]
                    ),
                    "{product} {country} {id_type}: {report}"
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 30, "{checked} entries checked");

    // A checked lookup goes through; the emulator validates its test data.
    let lookup =
        IdVerification::new("pf-user", "pf-1", "NG", "BANK_ACCOUNT", "0000000000").bank_code("058");
    assert!(preflight.check(&lookup).is_ok());
    let answer = client.send(&lookup).await.expect("validated");
    assert_eq!(answer.outcome(), Outcome::Approved);
    let unchecked = IdVerification::new("pf-user", "pf-2", "NG", "BANK_ACCOUNT", "123");
    let report = preflight.check(&unchecked);
    assert_eq!(
        report.to_string(),
        "missing field bank_code (required for NG BANK_ACCOUNT)\n\
         id_number does not match the pattern for NG BANK_ACCOUNT: ^[0-9]{10}$ (from enhanced_kyc)"
    );
}

#[tokio::test]
async fn valid_documents_and_products_config_are_read() {
    let emu = emulator().await;
    let client = client(&emu, 0);
    let docs = client.send(&ValidDocumentsQuery).await.expect("documents");
    let gh = docs.response().country("GH").expect("Ghana");
    assert!(
        gh.id_types
            .iter()
            .any(|t| t.code == "GHANA_CARD" && t.has_back)
    );
    let config = client.send(&ProductsConfigQuery).await.expect("config");
    assert!(config.response().consent_required("NG", "NIN_V2"));
    assert_eq!(config.signature_check(), SignatureCheck::NotApplicable);
}
