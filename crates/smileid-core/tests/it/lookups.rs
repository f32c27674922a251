//! Identity lookups, business verification and AML: the exact requests,
//! every fixture through the verifying parser, validation before sending,
//! unsigned answers, and no double billing (counted on a scripted
//! transport).

use std::time::Duration;

use bytes::Bytes;
use serde_json::{Value, json};
use smileid_core::{
    Aml, BusinessIdType, BusinessVerification, Client, Error, ErrorKind, IdType, IdVerification,
    InputProblem, Operation, ParseOptions, SignatureCheck, SignatureFailure, TransportError,
    TransportErrorKind, build_request, parse_response, parse_response_with, verify_callback,
};
use smileid_types::Outcome;

use crate::support::*;

fn kyc() -> IdVerification {
    IdVerification::new("user-5-001", "job-5-001", "ng", IdType::BVN, "00000000000")
        .first_name("Adaeze")
        .last_name("Okafor")
        .date_of_birth("1991-03-14")
        .gender("F")
        .partner_param("order_ref", "A-1001")
}

fn kyb() -> BusinessVerification {
    BusinessVerification::new(
        "kyb-user-001",
        "kyb-job-001",
        "NG",
        BusinessIdType::BUSINESS_REGISTRATION,
        "0000001",
    )
    .business_type("co")
}

fn aml() -> Aml {
    Aml::new("aml-user-001", "aml-job-001", "John Example Doe", ["NG"])
        .birth_year("1965")
        .alias("Johnny Doe")
}

fn body_of<O: Operation>(op: &O) -> (http::Request<Bytes>, Value) {
    let base = smileid_core::Environment::Sandbox.base_url().unwrap();
    let request = build_request(op, &signer(), &base, epoch()).unwrap();
    let body = serde_json::from_slice(request.body()).unwrap();
    (request, body)
}

fn merged(mut base: Value, fields: Value) -> Value {
    let map = base.as_object_mut().unwrap();
    for (k, v) in fields.as_object().unwrap() {
        map.insert(k.clone(), v.clone());
    }
    base
}

// The bodies, keys and JSON types of every endpoint are golden files
// (`golden.rs`); here, what a JSON value comparison cannot see.
#[test]
fn bodies_lead_with_the_envelope_in_protocol_order() {
    fn text<O: Operation>(op: &O) -> String {
        String::from_utf8(body_of(op).0.body().to_vec()).unwrap()
    }
    for body in [
        text(&kyc()),
        text(&kyc().asynchronous("https://example.com/cb")),
        text(&kyb()),
        text(&kyb().asynchronous("https://example.com/cb")),
        text(&aml()),
    ] {
        assert!(
            body.starts_with(r#"{"partner_id":"085","timestamp":""#),
            "{body}"
        );
        // Absent optional fields are left out, never sent as null.
        assert!(!body.contains("null"), "{body}");
    }
    let (_, body) = body_of(&kyc().asynchronous("https://example.com/cb"));
    assert_eq!(body["callback_url"], json!("https://example.com/cb"));
    assert_eq!(
        body,
        merged(
            body_of(&kyc()).1,
            json!({"callback_url": "https://example.com/cb"})
        )
    );
}

fn problem<O: Operation>(op: &O) -> (&'static str, &'static str, InputProblem) {
    match op.validate() {
        Err(Error::InvalidInput(e)) => (e.operation(), e.field(), e.problem()),
        other => panic!("expected InvalidInput, got {other:?}"),
    }
}

#[test]
fn invalid_requests_name_the_field_and_the_rule() {
    let base = || IdVerification::new("u", "j", "NG", IdType::BVN, "1");
    assert_eq!(
        problem(&IdVerification::new("u", "j", "NGA", IdType::BVN, "1")),
        ("id_verification", "country", InputProblem::InvalidCountry)
    );
    assert_eq!(
        problem(&IdVerification::new("u", "j", "NG", "NIN V2", "1")),
        ("id_verification", "id_type", InputProblem::InvalidCharacter)
    );
    assert_eq!(
        problem(&IdVerification::new("u", "j", "NG", IdType::BVN, " ")),
        ("id_verification", "id_number", InputProblem::Empty)
    );
    assert_eq!(
        problem(&base().date_of_birth("1991-02-30")),
        ("id_verification", "dob", InputProblem::InvalidDate)
    );
    assert_eq!(
        problem(&base().gender("Female")),
        (
            "id_verification",
            "gender",
            InputProblem::NotOneOf(&["M", "F"])
        )
    );
    assert_eq!(
        problem(&base().first_name("a\u{0}b")),
        (
            "id_verification",
            "first_name",
            InputProblem::ControlCharacter
        )
    );
    assert_eq!(
        problem(&base().partner_param("job_id", "x")),
        (
            "id_verification",
            "partner_params",
            InputProblem::ReservedKey
        )
    );
    assert_eq!(
        problem(&IdVerification::new(
            "u",
            "j",
            "NG",
            IdType::BANK_ACCOUNT,
            "1"
        )),
        ("id_verification", "bank_code", InputProblem::Missing)
    );
    assert_eq!(
        problem(&base().asynchronous("http://example.com/cb")),
        (
            "async_id_verification",
            "callback_url",
            InputProblem::InsecureUrl
        )
    );
    assert_eq!(
        problem(&BusinessVerification::new(
            "u",
            "j",
            "NG",
            BusinessIdType::BASIC_BUSINESS_REGISTRATION,
            "1"
        )),
        (
            "business_verification",
            "business_type",
            InputProblem::Missing
        )
    );
    assert_eq!(
        problem(
            &BusinessVerification::new("u", "j", "KE", BusinessIdType::BUSINESS_REGISTRATION, "1")
                .business_type("co")
        ),
        (
            "business_verification",
            "business_type",
            InputProblem::NotApplicable
        )
    );
    assert_eq!(
        problem(
            &BusinessVerification::new("u", "j", "NG", BusinessIdType::TAX_INFORMATION, "1")
                .postal_code("00100")
        ),
        (
            "business_verification",
            "postal_code",
            InputProblem::NotApplicable
        )
    );
    assert!(
        BusinessVerification::new("u", "j", "KE", BusinessIdType::BUSINESS_REGISTRATION, "1")
            .postal_address("PO Box 1")
            .postal_code("00100")
            .validate()
            .is_ok()
    );
    assert_eq!(
        problem(&Aml::new("u", "j", "X", Vec::<String>::new())),
        ("aml", "countries", InputProblem::Empty)
    );
    assert_eq!(
        problem(&aml().birth_year("65")),
        ("aml", "birth_year", InputProblem::InvalidYear)
    );
}

fn parse_fixture<O: Operation>(op: &O, fixture: &str) -> Result<O::Output, Error> {
    parse_response(op, &signer(), response(200, fixture.to_owned()), epoch())
}

#[test]
fn every_fixture_through_the_verifying_parser() {
    use smileid_testkit::fixtures;
    let answer = parse_fixture(&kyc(), fixtures::ID_VERIFICATION_RESPONSE).unwrap();
    assert_eq!(answer.signature_check(), SignatureCheck::Verified);
    assert_eq!(answer.outcome(), Outcome::Approved);
    assert_eq!(
        answer.result().personal_info().full_name(),
        Some("OKAFOR ADAEZE CHIOMA")
    );
    let photo = answer.photo().unwrap();
    assert_eq!(&photo[..3], [0xff, 0xd8, 0xff], "a JPEG");

    let unable = parse_fixture(&kyc(), fixtures::ID_VERIFICATION_UNABLE).unwrap();
    assert_eq!(unable.outcome(), Outcome::Rejected);
    assert_eq!(unable.photo(), None);

    let business = parse_fixture(&kyb(), fixtures::BUSINESS_VERIFICATION_RESPONSE).unwrap();
    assert_eq!(business.response().directors.len(), 2);

    let screen = parse_fixture(&aml(), fixtures::AML_RESPONSE).unwrap();
    assert_eq!(screen.response().persons_found(), 1);

    let err = parse_fixture(&kyb(), fixtures::ERROR_2413_UNSUPPORTED_BUSINESS_TYPE);
    // A 2xx error envelope without a signature is the server's refusal.
    assert!(
        matches!(&err, Err(Error::Api(api)) if api.code() == Some("2413") && api.operation() == "business_verification"),
        "{err:?}"
    );
    let err = parse_response(
        &kyb(),
        &signer(),
        response(400, fixtures::ERROR_2413_UNSUPPORTED_BUSINESS_TYPE),
        epoch(),
    )
    .unwrap_err();
    assert_eq!(err.api_code(), Some("2413"));
}

#[test]
fn a_callback_of_a_lookup_is_the_same_typed_result() {
    let signed = signer().sign_at(epoch());
    let mut body: Value =
        serde_json::from_str(smileid_testkit::fixtures::ID_VERIFICATION_RESPONSE).unwrap();
    body["timestamp"] = json!(signed.timestamp);
    body["signature"] = json!(signed.signature);
    let callback = verify_callback(
        &signer(),
        body.to_string().as_bytes(),
        epoch(),
        &smileid_core::CallbackPolicy::default(),
    )
    .unwrap();
    let sync = parse_fixture(&kyc(), &body.to_string()).unwrap();
    assert_eq!(callback.body(), sync.response());
}

#[test]
fn a_callback_of_a_business_verification_reads_as_its_sync_answer() {
    let signed = signer().sign_at(epoch());
    let mut body: Value =
        serde_json::from_str(smileid_testkit::fixtures::BUSINESS_VERIFICATION_RESPONSE).unwrap();
    body["timestamp"] = json!(signed.timestamp);
    body["signature"] = json!(signed.signature);
    let callback = verify_callback(
        &signer(),
        body.to_string().as_bytes(),
        epoch(),
        &smileid_core::CallbackPolicy::default(),
    )
    .unwrap();
    let typed: smileid_types::BusinessVerificationResponse = callback.decode_as().unwrap();
    let sync = parse_fixture(&kyb(), &body.to_string()).unwrap();
    assert_eq!(&typed, sync.response());
    assert!(!typed.directors.is_empty());
    assert!(typed.company_information.is_some());

    // A callback that is not of the asked-for shape is a decode error with
    // its path, not a panic or an empty value.
    let signed_other = signer().sign_at(epoch());
    let other = json!({
        "ResultCode": "1012", "ResultText": "Business Verified", "SmileJobID": "1",
        "PartnerParams": {"user_id": "u", "job_id": "j", "job_type": 7},
        "directors": "not a list",
        "timestamp": signed_other.timestamp, "signature": signed_other.signature,
    });
    let callback = verify_callback(
        &signer(),
        other.to_string().as_bytes(),
        epoch(),
        &smileid_core::CallbackPolicy::default(),
    )
    .unwrap();
    match callback.decode_as::<smileid_types::BusinessVerificationResponse>() {
        Err(smileid_core::CallbackError::Decode { path, .. }) => assert_eq!(path, "directors"),
        other => panic!("expected a decode error at `directors`, got {other:?}"),
    }
}

#[test]
fn unsigned_answers_are_refused_unless_accepted_and_wrong_ones_always() {
    let mut unsigned: Value =
        serde_json::from_str(smileid_testkit::fixtures::ID_VERIFICATION_RESPONSE).unwrap();
    let object = unsigned.as_object_mut().unwrap();
    object.remove("signature");
    object.remove("timestamp");
    let unsigned = unsigned.to_string();
    let err = parse_fixture(&kyc(), &unsigned).unwrap_err();
    assert!(
        matches!(&err, Error::Signature(e) if e.failure() == SignatureFailure::Missing && e.operation() == "id_verification"),
        "{err:?}"
    );
    let accepting = ParseOptions::default().with_accept_unsigned_answers(true);
    let answer = parse_response_with(
        &kyc(),
        &signer(),
        response(200, unsigned.clone()),
        epoch(),
        accepting,
    )
    .unwrap();
    assert_eq!(answer.signature_check(), SignatureCheck::Unsigned);
    assert_eq!(answer.outcome(), Outcome::Approved);

    let wrong = smileid_testkit::fixtures::ID_VERIFICATION_RESPONSE
        .replace("2026-08-21T12:00:05.123Z", "2026-08-21T12:00:05.124Z");
    let err = parse_response_with(&kyc(), &signer(), response(200, wrong), epoch(), accepting)
        .unwrap_err();
    assert!(
        matches!(&err, Error::Signature(e) if e.failure() == SignatureFailure::Mismatch),
        "{err:?}"
    );
    // The client setting does the same.
    let transport = Scripted::new([respond(200, unsigned)]);
    let client = Client::builder(PARTNER_ID, API_KEY)
        .accept_unsigned_answers(true)
        .build(transport, FakeTimer::default())
        .unwrap();
    assert!(client.accepts_unsigned_answers());
    let answer = block_on(client.send(&kyc())).unwrap();
    assert_eq!(answer.signature_check(), SignatureCheck::Unsigned);
    // Job status never accepts an unsigned answer.
    let transport = Scripted::new([respond(
        200,
        r#"{"job_complete": true, "job_success": true}"#,
    )]);
    let client = Client::builder(PARTNER_ID, API_KEY)
        .accept_unsigned_answers(true)
        .build(transport, FakeTimer::default())
        .unwrap();
    let err =
        block_on(client.job_status(&smileid_core::JobStatusQuery::new("u", "j"))).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Signature);
}

#[test]
fn async_acknowledgements() {
    let op = kyc().asynchronous("https://example.com/cb");
    let ack = parse_fixture(&op, r#"{"success": true}"#).unwrap();
    assert!(ack.success);
    let err = parse_fixture(
        &op,
        r#"{"success": false, "code": "2213", "error": "Missing callback"}"#,
    )
    .unwrap_err();
    assert!(
        matches!(&err, Error::Api(api) if api.code() == Some("2213") && api.message() == Some("Missing callback")),
        "{err:?}"
    );
    let err = parse_fixture(&op, r#"{"ok": 1}"#).unwrap_err();
    assert!(
        matches!(&err, Error::Decode(d) if d.operation() == "async_id_verification"),
        "{err:?}"
    );
}

fn fail(kind: TransportErrorKind) -> Reply {
    Reply::Fail(TransportError::msg(kind, "scripted failure"))
}

fn ok_answer() -> Reply {
    respond(200, smileid_testkit::fixtures::ID_VERIFICATION_RESPONSE)
}

/// Runs `op` against `replies` and returns the result and how many requests
/// were sent.
fn run<O: Operation>(op: &O, replies: Vec<Reply>) -> (Result<O::Output, Error>, usize) {
    let transport = Scripted::new(replies);
    let client = Client::builder(PARTNER_ID, API_KEY)
        .accept_unsigned_answers(true)
        .rng_seed(1)
        .build(transport.clone(), FakeTimer::default())
        .unwrap();
    let result = block_on(client.send(op));
    (result, transport.count())
}

fn with_retry_after(status: u16) -> Reply {
    let mut r = response(status, r#"{"code": "2429", "error": "Too many requests"}"#);
    r.headers_mut().insert("retry-after", "1".parse().unwrap());
    Reply::Respond(r)
}

/// The no-double-billing matrix for one entry operation.
fn no_double_billing<O: Operation>(op: &O, answer: fn() -> Reply)
where
    O::Output: std::fmt::Debug,
{
    let name = O::NAME;
    let (result, sent) = run(op, vec![fail(TransportErrorKind::Connect), answer()]);
    assert!(result.is_ok(), "{name}: {result:?}");
    assert_eq!(sent, 2, "{name}: a refused connection is retried");

    let (result, sent) = run(op, vec![with_retry_after(429), answer()]);
    assert!(result.is_ok(), "{name}: {result:?}");
    assert_eq!(sent, 2, "{name}: a 429 with Retry-After is retried");

    for status in [500, 502, 503] {
        let (result, sent) = run(
            op,
            vec![respond(
                status,
                r#"{"code": "2201", "error": "System error"}"#,
            )],
        );
        assert_eq!(sent, 1, "{name}: {status} is sent once");
        let err = result.unwrap_err();
        assert_eq!(err.http_status().map(|s| s.as_u16()), Some(status));
        assert!(err.hint().unwrap().contains("job status"), "{name}: {err}");
    }
    for kind in [TransportErrorKind::Timeout, TransportErrorKind::Io] {
        let (result, sent) = run(op, vec![fail(kind)]);
        assert_eq!(sent, 1, "{name}: {kind:?} is sent once");
        let err = result.unwrap_err();
        let Error::OutcomeUnknown(unknown) = &err else {
            panic!("{name}: {err:?}")
        };
        assert_eq!(unknown.operation(), name);
        assert_eq!(unknown.cause().kind(), kind);
        assert!(
            err.hint()
                .unwrap()
                .contains("query job status with the same user_id and job_id"),
            "{err}"
        );
    }
}

#[test]
fn no_entry_call_is_billed_twice() {
    no_double_billing(&kyc(), ok_answer);
    no_double_billing(&kyc().asynchronous("https://example.com/cb"), || {
        respond(200, r#"{"success": true}"#)
    });
    no_double_billing(&kyb(), || {
        respond(
            200,
            smileid_testkit::fixtures::BUSINESS_VERIFICATION_RESPONSE,
        )
    });
    no_double_billing(&kyb().asynchronous("https://example.com/cb"), || {
        respond(200, r#"{"success": true}"#)
    });
    no_double_billing(&aml(), || {
        respond(200, smileid_testkit::fixtures::AML_RESPONSE)
    });
}

#[test]
fn an_attempt_timeout_on_a_lookup_is_outcome_unknown() {
    let transport = Scripted::new([Reply::Hang]);
    let timer = FakeTimer::default();
    let client = client(transport.clone(), timer.clone());
    let err = block_on(client.send(&kyc())).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown);
    assert_eq!(transport.count(), 1);
    assert_eq!(timer.elapsed(), Duration::from_secs(30));
}
