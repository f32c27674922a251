//! Web tokens and the discovery reads: every fixture through the parser,
//! validation before sending, the token kept out of every output, retries
//! as for job status (counted on a scripted transport), and the pre-flight
//! check over the fixture catalogue.

use smileid_core::{
    Error, ErrorKind, IdVerification, InputProblem, Operation, Preflight, PreflightProblem,
    PreflightWarning, ProductsConfigQuery, ServicesQuery, SignatureCheck, TransportError,
    TransportErrorKind, ValidDocumentsQuery, WebTokenQuery, parse_response,
};
use smileid_testkit::fixtures;
use smileid_types::{Product, ServicesResponse};

use crate::support::*;

fn token_query() -> WebTokenQuery {
    WebTokenQuery::new("web-user-001", "web-job-001", Product::BiometricKyc)
        .with_callback_url("https://example.com/smile/callback")
}

fn parse<O: Operation>(op: &O, status: u16, body: &'static str) -> Result<O::Output, Error> {
    parse_response(op, &signer(), response(status, body), epoch())
}

const TOKEN: &str = "b3KpWq9ZtX2mN7sLcV4hR8jD1fG6yE0uA5oI";

#[test]
fn web_token_answer_is_the_token_and_never_shows_it() {
    let token = parse(&token_query(), 200, fixtures::WEB_TOKEN_RESPONSE).unwrap();
    assert_eq!(token.expose_secret(), TOKEN);
    assert_eq!(format!("{token:?}"), "WebToken([REDACTED])");
}

#[test]
fn web_token_refusals_are_typed() {
    let err = parse(&token_query(), 400, fixtures::ERROR_2217_INVALID_PRODUCT).unwrap_err();
    let Error::Api(api) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(api.operation(), "token");
    assert_eq!(
        (api.code(), api.message()),
        (Some("2217"), Some("Invalid product."))
    );

    // The same refusal with a 200 status.
    let err = parse(
        &token_query(),
        200,
        r#"{"success": false, "code": "2217", "error": "Invalid product."}"#,
    )
    .unwrap_err();
    assert!(
        matches!(&err, Error::Api(api) if api.code() == Some("2217") && api.status() == http::StatusCode::OK),
        "{err:?}"
    );

    for body in [
        r#"{"success": true}"#,
        r#"{"success": true, "token": ""}"#,
        r#"{"success": true, "token": "a\nb"}"#,
    ] {
        let err = parse(&token_query(), 200, body).unwrap_err();
        assert!(
            matches!(&err, Error::Decode(d) if d.operation() == "token" && d.path() == "token"),
            "{body}: {err:?}"
        );
    }
    let err = parse(&token_query(), 200, r#"{"success": true, "token": 7}"#).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
}

#[test]
fn web_token_is_checked_before_sending() {
    let cases = [
        (
            WebTokenQuery::new("u", "j", Product::SmartSelfie)
                .with_callback_url("http://partner.example/cb"),
            "callback_url",
            InputProblem::InsecureUrl,
        ),
        (
            WebTokenQuery::new("u", "j", Product::SmartSelfie)
                .with_callback_url("https://user:pw@partner.example/cb"),
            "callback_url",
            InputProblem::UrlHasUserinfo,
        ),
        (
            WebTokenQuery::new("u", "j", "basic kyc"),
            "product",
            InputProblem::InvalidCharacter,
        ),
        (
            WebTokenQuery::new("u", "j", ""),
            "product",
            InputProblem::Empty,
        ),
        (
            WebTokenQuery::new(" ", "j", Product::SmartSelfie),
            "user_id",
            InputProblem::Empty,
        ),
    ];
    for (query, field, problem) in cases {
        let transport = Scripted::new([]);
        let client = client(transport.clone(), FakeTimer::default());
        let err = block_on(client.send(&query)).unwrap_err();
        let Error::InvalidInput(input) = &err else {
            panic!("{err:?}")
        };
        assert_eq!(
            (input.operation(), input.field(), input.problem()),
            ("token", field, problem)
        );
        assert_eq!(transport.count(), 0, "nothing is sent");
    }
    // A local receiver over plain http is fine.
    assert!(
        WebTokenQuery::new("u", "j", Product::SmartSelfie)
            .with_callback_url("http://127.0.0.1:8080/cb")
            .validate()
            .is_ok()
    );
}

/// Reads and the token are retried on what job status is retried on,
/// with a fresh signature per signed attempt.
#[test]
fn reads_and_the_token_are_retried() {
    fn retried<O: Operation>(op: &O, answer: &'static str) -> usize
    where
        O::Output: std::fmt::Debug,
    {
        let mut sent = 0;
        for first in [
            Reply::Fail(TransportError::msg(TransportErrorKind::Timeout, "slow")),
            Reply::Fail(TransportError::msg(TransportErrorKind::Io, "reset")),
        ] {
            let transport = Scripted::new([
                first,
                respond(503, r#"{"code": "2201", "error": "System error"}"#),
                respond(200, answer),
            ]);
            let timer = FakeTimer::default();
            let client = client(transport.clone(), timer.clone());
            block_on(client.send(op)).unwrap();
            assert_eq!(timer.sleeps().len(), 2, "{}", O::NAME);
            sent += transport.count();
        }
        sent
    }
    assert_eq!(retried(&token_query(), fixtures::WEB_TOKEN_RESPONSE), 6);
    assert_eq!(retried(&ServicesQuery::new(), fixtures::SERVICES), 6);
    assert_eq!(retried(&ValidDocumentsQuery, fixtures::VALID_DOCUMENTS), 6);
    assert_eq!(retried(&ProductsConfigQuery, fixtures::PRODUCTS_CONFIG), 6);

    // A 4xx is final.
    let transport = Scripted::new([respond(400, fixtures::ERROR_2217_INVALID_PRODUCT)]);
    let client = client(transport.clone(), FakeTimer::default());
    let err = block_on(client.send(&token_query())).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Api);
    assert_eq!(transport.count(), 1);
}

#[test]
fn signed_reads_sign_every_attempt_afresh() {
    let transport = Scripted::new([
        respond(503, "busy"),
        respond(200, fixtures::VALID_DOCUMENTS),
    ]);
    let timer = FakeTimer::default();
    let client = client(transport.clone(), timer.clone());
    block_on(client.send(&ValidDocumentsQuery)).unwrap();
    let bodies = transport.bodies();
    assert_eq!(bodies.len(), 2);
    assert_ne!(bodies[0]["timestamp"], bodies[1]["timestamp"]);
    for body in &bodies {
        let ts = body["timestamp"].as_str().unwrap();
        let sig = body["signature"].as_str().unwrap();
        assert!(signer().verify(ts, sig).is_ok(), "{body}");
    }
}

#[test]
fn discovery_answers_are_typed_and_unsigned() {
    let services = parse(&ServicesQuery::new(), 200, fixtures::SERVICES).unwrap();
    assert_eq!(services.signature_check(), SignatureCheck::NotApplicable);
    assert_eq!(services.response().bank_codes.len(), 3);
    assert_eq!(services.raw_json(), fixtures::SERVICES.as_bytes());

    let docs = parse(&ValidDocumentsQuery, 200, fixtures::VALID_DOCUMENTS).unwrap();
    assert!(docs.response().country("NG").is_some());
    let config = parse(&ProductsConfigQuery, 200, fixtures::PRODUCTS_CONFIG).unwrap();
    assert_eq!(config.response().enterprise_id, "000000085");

    // An error envelope with a 2xx status is a refusal, not an empty
    // catalogue.
    let err = parse(
        &ProductsConfigQuery,
        200,
        r#"{"code": "2205", "error": "You're not authorized to do that."}"#,
    )
    .unwrap_err();
    assert!(
        matches!(&err, Error::Api(api) if api.operation() == "products_config" && api.code() == Some("2205")),
        "{err:?}"
    );
    let err = parse(&ServicesQuery::new(), 200, "[1, 2]").unwrap_err();
    assert!(
        matches!(&err, Error::Decode(d) if d.operation() == "services"),
        "{err:?}"
    );
}

#[test]
fn services_locale_is_checked() {
    for (locale, problem) in [
        ("", InputProblem::Empty),
        ("fr&x=1", InputProblem::InvalidCharacter),
        ("fr fr", InputProblem::InvalidCharacter),
        (
            "a-very-long-locale-tag-that-no-one-uses",
            InputProblem::TooLong { len: 39, max: 35 },
        ),
    ] {
        let err = ServicesQuery::new()
            .with_locale(locale)
            .validate()
            .unwrap_err();
        assert!(
            matches!(&err, Error::InvalidInput(i) if i.field() == "locale" && i.problem() == problem),
            "{locale}: {err:?}"
        );
    }
}

fn catalogue() -> Preflight {
    let services: ServicesResponse = smileid_types::decode(fixtures::SERVICES.as_bytes()).unwrap();
    Preflight::new(&services)
}

#[test]
fn preflight_passes_the_catalogue_test_data() {
    let preflight = catalogue();
    // Every entry with test data: the test data with every field the
    // catalogue requires passes.
    let services: ServicesResponse = smileid_types::decode(fixtures::SERVICES.as_bytes()).unwrap();
    let mut checked = 0;
    for countries in services.hosted_web.values() {
        for (country, hosted) in countries {
            for (id_type, entry) in &hosted.id_types {
                let Some(number) = &entry.test_data else {
                    continue;
                };
                let lookup = full_lookup(country, id_type, number);
                let report = preflight.check(&lookup);
                assert!(report.is_ok(), "{country} {id_type}: {report}");
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 8);
}

fn full_lookup(country: &str, id_type: &str, number: &str) -> IdVerification {
    IdVerification::new("u", "j", country, id_type, number)
        .first_name("Ada")
        .last_name("Obi")
        .date_of_birth("1990-01-31")
        .bank_code("058")
}

#[test]
fn preflight_reports_every_problem() {
    let preflight = catalogue();
    let bare = IdVerification::new("u", "j", "NG", "BANK_ACCOUNT", "12345");
    let report = preflight.check(&bare);
    assert_eq!(
        report.problems(),
        [
            PreflightProblem::MissingField {
                field: "bank_code".into(),
                country: "NG".into(),
                id_type: "BANK_ACCOUNT".into()
            },
            PreflightProblem::IdNumberMismatch {
                country: "NG".into(),
                id_type: "BANK_ACCOUNT".into(),
                pattern: "^[0-9]{10}$".into(),
                product: "enhanced_kyc".into()
            },
        ]
    );
    assert!(
        !report.to_string().contains("12345"),
        "no ID number in the report"
    );

    let passport = IdVerification::new("u", "j", "ng", "PASSPORT", "A00000000");
    assert_eq!(
        preflight.check(&passport).to_string(),
        "missing field first_name (required for NG PASSPORT)\nmissing field last_name (required for NG PASSPORT)"
    );

    let unknown = IdVerification::new("u", "j", "NG", "SHOE_SIZE", "42");
    assert_eq!(
        preflight.check(&unknown).problems(),
        [PreflightProblem::UnknownIdType {
            country: "NG".into(),
            id_type: "SHOE_SIZE".into()
        }]
    );
    // The stray /i makes the Ghana passport pattern case-insensitive.
    assert!(
        preflight
            .check(&full_lookup("GH", "PASSPORT", "g1234567"))
            .is_ok()
    );
    assert!(
        !preflight
            .check(&full_lookup("GH", "PASSPORT", "G-123"))
            .is_ok()
    );
    // Day, month and year come from the date of birth; unknown fields
    // from partner params.
    let catalogue: ServicesResponse = serde_json::from_str(
        r#"{"id_types": {"ZA": {"NATIONAL_ID": ["id_number", "day", "month", "year", "citizenship"]}}}"#,
    )
    .unwrap();
    let preflight = Preflight::new(&catalogue);
    let lookup = IdVerification::new("u", "j", "ZA", "NATIONAL_ID", "0000000000000");
    let missing: Vec<String> = preflight
        .check(&lookup)
        .problems()
        .iter()
        .map(|p| match p {
            PreflightProblem::MissingField { field, .. } => field.clone(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(missing, ["day", "month", "year", "citizenship"]);
    let lookup = lookup
        .date_of_birth("1990-07-01")
        .partner_param("citizenship", "ZA");
    assert!(preflight.check(&lookup).is_ok());
}

#[test]
fn preflight_survives_hostile_and_broken_patterns() {
    let catalogue: ServicesResponse = serde_json::from_str(
        r#"{"hosted_web": {"enhanced_kyc": {"XX": {"name": "X", "id_types": {
            "EVIL": {"label": "evil", "required_fields": ["id_number"], "id_number_regex": "^(a+)+$"},
            "BACKREF": {"label": "b", "required_fields": ["id_number"], "id_number_regex": "^(\\d)\\1$"},
            "NESTED": {"label": "n", "required_fields": ["id_number"], "id_number_regex": "((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((a))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))"}
        }}}}}"#,
    )
    .unwrap();
    let preflight = Preflight::new(&catalogue);
    // Catastrophic backtracking for a backtracking engine; linear here.
    let evil = IdVerification::new("u", "j", "XX", "EVIL", format!("{}!", "a".repeat(63)));
    let report = preflight.check(&evil);
    assert!(
        matches!(
            report.problems(),
            [PreflightProblem::IdNumberMismatch { .. }]
        ),
        "{report}"
    );
    for id_type in ["BACKREF", "NESTED"] {
        let report = preflight.check(&IdVerification::new("u", "j", "XX", id_type, "11"));
        assert!(
            report.is_ok(),
            "an unusable pattern does not refuse: {report}"
        );
        assert!(
            matches!(report.warnings(), [PreflightWarning::UnusablePattern { id_type: t, .. }] if t == id_type),
            "{report}"
        );
        assert!(
            report
                .to_string()
                .starts_with("warning: the ID number was not checked")
        );
    }
}

#[test]
fn preflight_checks_an_image_jobs_id_info_too() {
    use smileid_core::{ImageIdInfo, ImageJob, ImageJobType};
    let preflight = catalogue();
    let job = |info: ImageIdInfo| {
        ImageJob::new(ImageJobType::BiometricKyc, "u", "j")
            .selfie(bytes::Bytes::from_static(&[0xFF, 0xD8, 0xFF]))
            .id_info(info)
    };
    let bare = job(ImageIdInfo::new("NG")
        .id_type("BANK_ACCOUNT")
        .id_number("12345"));
    let report = preflight.check(&bare);
    assert_eq!(
        report.problems(),
        preflight
            .check(&IdVerification::new(
                "u",
                "j",
                "NG",
                "BANK_ACCOUNT",
                "12345"
            ))
            .problems(),
        "the same rules as for the lookup"
    );
    assert_eq!(report.problems().len(), 2, "{report}");
    let good = job(ImageIdInfo::new("NG")
        .id_type("BANK_ACCOUNT")
        .id_number("0000000000")
        .bank_code("058")
        .first_name("Ada")
        .last_name("Obi")
        .date_of_birth("1990-01-31"));
    let report = preflight.check(&good);
    assert!(report.is_ok(), "{report}");
}
