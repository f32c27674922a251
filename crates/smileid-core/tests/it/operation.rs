//! The generic operation path with operations defined here: repeat safety
//! (entry calls are never re-sent once they may have arrived), the three
//! signature modes, and the sans-IO pair for any operation.

use std::time::Duration;

use bytes::Bytes;
use serde_json::{Value, json};
use smileid_core::operation::Reply as OpReply;
use smileid_core::{
    Error, ErrorKind, InputProblem, InvalidInput, Operation, RepeatSafety, RequestContext,
    SignatureCheck, SignatureFailure, SignatureMode, TransportError, TransportErrorKind, Verified,
    build_request, parse_response,
};

use crate::support::*;

/// A call that creates a job, like an ID lookup.
struct CreateJob {
    user_id: &'static str,
}

impl Operation for CreateJob {
    type Output = Verified<Value>;
    const NAME: &'static str = "create_job";
    const REPEAT_SAFETY: RepeatSafety = RepeatSafety::Entry;

    fn validate(&self) -> Result<(), Error> {
        if self.user_id.is_empty() {
            return Err(InvalidInput::new(Self::NAME, "user_id", InputProblem::Empty).into());
        }
        Ok(())
    }

    fn encode(&self, cx: &RequestContext<'_>) -> Result<http::Request<Bytes>, Error> {
        let signed = cx.sign();
        cx.post_json(
            "create_job",
            &json!({
                "partner_id": cx.partner_id(),
                "timestamp": signed.timestamp,
                "signature": signed.signature,
                "user_id": self.user_id,
            }),
        )
    }

    fn decode(&self, reply: OpReply) -> Result<Self::Output, Error> {
        let value: Value = reply.json()?;
        Ok(reply.into_verified(value))
    }
}

/// An unauthenticated read, like the services catalogue.
struct Catalogue;

impl Operation for Catalogue {
    type Output = Value;
    const NAME: &'static str = "catalogue";
    const REPEAT_SAFETY: RepeatSafety = RepeatSafety::Idempotent;

    fn validate(&self) -> Result<(), Error> {
        Ok(())
    }

    fn encode(&self, cx: &RequestContext<'_>) -> Result<http::Request<Bytes>, Error> {
        cx.get("catalogue?locale=en")
    }

    fn signature_mode(&self) -> SignatureMode {
        SignatureMode::Absent
    }

    fn decode(&self, reply: OpReply) -> Result<Value, Error> {
        assert_eq!(reply.signature(), SignatureCheck::NotApplicable);
        reply.json()
    }
}

/// A signed read whose answer may come unsigned.
struct MaybeSigned;

impl Operation for MaybeSigned {
    type Output = Verified<Value>;
    const NAME: &'static str = "maybe_signed";
    const REPEAT_SAFETY: RepeatSafety = RepeatSafety::Idempotent;

    fn validate(&self) -> Result<(), Error> {
        Ok(())
    }

    fn encode(&self, cx: &RequestContext<'_>) -> Result<http::Request<Bytes>, Error> {
        cx.post_json("maybe_signed", &json!({}))
    }

    fn signature_mode(&self) -> SignatureMode {
        SignatureMode::CheckedWhenPresent
    }

    fn decode(&self, reply: OpReply) -> Result<Self::Output, Error> {
        let value: Value = reply.json()?;
        Ok(reply.into_verified(value))
    }
}

fn create() -> CreateJob {
    CreateJob { user_id: "user-1" }
}

fn fail(kind: TransportErrorKind) -> Reply {
    Reply::Fail(TransportError::msg(kind, "scripted failure"))
}

fn signed_ok() -> Reply {
    respond(
        200,
        signed_with(
            &signer(),
            "2026-08-21T12:00:00.000Z",
            json!({"success": true}),
        ),
    )
}

fn status_with_retry_after(status: u16, retry_after: Option<&str>) -> Reply {
    let mut r = response(status, r#"{"code": "2201", "error": "System error"}"#);
    if let Some(value) = retry_after {
        r.headers_mut()
            .insert("retry-after", value.parse().unwrap());
    }
    Reply::Respond(r)
}

const QUERY_FIRST: &str = "query job status with the same user_id and job_id before resubmitting";

#[test]
fn an_entry_call_is_resent_after_a_refused_connection() {
    let transport = Scripted::new([fail(TransportErrorKind::Connect), signed_ok()]);
    let timer = FakeTimer::default();
    let client = client(transport.clone(), timer.clone());
    let out = block_on(client.send(&create())).unwrap();
    assert_eq!(out.response()["success"], json!(true));
    assert_eq!(out.signature_check(), SignatureCheck::Verified);
    assert_eq!(transport.count(), 2);
    assert_eq!(timer.sleeps().len(), 1);
    // Each attempt carries its own signature.
    let bodies = transport.bodies();
    assert_ne!(bodies[0]["timestamp"], bodies[1]["timestamp"]);
}

#[test]
fn an_entry_call_is_resent_after_429_with_retry_after() {
    let transport = Scripted::new([status_with_retry_after(429, Some("3")), signed_ok()]);
    let timer = FakeTimer::default();
    let client = client(transport.clone(), timer.clone());
    block_on(client.send(&create())).unwrap();
    assert_eq!(transport.count(), 2);
    assert_eq!(timer.sleeps(), [Duration::from_secs(3)]);
}

#[test]
fn an_entry_call_is_sent_once_on_429_without_retry_after_and_on_5xx() {
    for (status, retry_after) in [
        (429, None),
        (500, None),
        (502, None),
        (503, Some("1")),
        (504, None),
        (408, None),
    ] {
        let transport = Scripted::new([status_with_retry_after(status, retry_after)]);
        let client = client(transport.clone(), FakeTimer::default());
        let err = block_on(client.send(&create())).unwrap_err();
        assert_eq!(transport.count(), 1, "{status}");
        let Error::Api(api) = &err else {
            panic!("{status}: {err:?}")
        };
        assert_eq!(api.status().as_u16(), status);
        assert_eq!(api.operation(), "create_job");
        assert_eq!(api.repeat_safety(), RepeatSafety::Entry);
        if status >= 500 {
            let hint = err.hint().unwrap();
            assert!(hint.contains(QUERY_FIRST), "{status}: {hint}");
        }
    }
}

#[test]
fn an_entry_call_that_may_have_arrived_is_outcome_unknown_and_sent_once() {
    for kind in [
        TransportErrorKind::Timeout,
        TransportErrorKind::Io,
        TransportErrorKind::BodyTooLarge,
        TransportErrorKind::Other,
    ] {
        let transport = Scripted::new([fail(kind)]);
        let timer = FakeTimer::default();
        let client = client(transport.clone(), timer.clone());
        let err = block_on(client.send(&create())).unwrap_err();
        assert_eq!(transport.count(), 1, "{kind:?}");
        assert!(timer.sleeps().is_empty());
        let Error::OutcomeUnknown(unknown) = &err else {
            panic!("{kind:?}: {err:?}")
        };
        assert_eq!(unknown.cause().kind(), kind);
        assert_eq!(unknown.operation(), "create_job");
        assert_eq!(err.kind(), ErrorKind::OutcomeUnknown);
        assert_eq!(err.operation(), "create_job");
        assert!(!err.is_retryable());
        assert!(err.hint().unwrap().contains(QUERY_FIRST));
        assert_eq!(
            err.to_string(),
            "outcome unknown: the create_job request may have reached Smile ID, and the job may \
             have been created and billed"
        );
        let source = std::error::Error::source(&err).unwrap();
        assert_eq!(source.to_string(), format!("{kind}: scripted failure"));
    }
}

#[test]
fn an_entry_call_cut_off_by_the_attempt_timeout_is_outcome_unknown() {
    let transport = Scripted::new([Reply::Hang]);
    let timer = FakeTimer::default();
    let client = client(transport.clone(), timer.clone());
    let err = block_on(client.send(&create())).unwrap_err();
    assert_eq!(transport.count(), 1);
    let Error::OutcomeUnknown(unknown) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(unknown.cause().kind(), TransportErrorKind::Timeout);
    assert_eq!(timer.elapsed(), Duration::from_secs(30));
}

#[test]
fn an_idempotent_call_retries_the_same_failures() {
    let transport = Scripted::new([
        fail(TransportErrorKind::Timeout),
        fail(TransportErrorKind::Io),
        respond(200, r#"{"ok": true}"#),
    ]);
    let client = client(transport.clone(), FakeTimer::default());
    assert_eq!(
        block_on(client.send(&Catalogue)).unwrap(),
        json!({"ok": true})
    );
    assert_eq!(transport.count(), 3);
}

#[test]
fn an_invalid_operation_sends_nothing_and_names_itself() {
    let transport = Scripted::new([]);
    let client = client(transport.clone(), FakeTimer::default());
    let err = block_on(client.send(&CreateJob { user_id: "" })).unwrap_err();
    let Error::InvalidInput(input) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        (input.operation(), input.field(), input.problem()),
        ("create_job", "user_id", InputProblem::Empty)
    );
    assert_eq!(transport.count(), 0);
}

#[test]
fn an_unsigned_get_is_built_and_read_without_a_signature() {
    let base = smileid_core::Environment::Sandbox.base_url().unwrap();
    let request = build_request(&Catalogue, &signer(), &base, epoch()).unwrap();
    assert_eq!(request.method(), http::Method::GET);
    assert_eq!(
        request.uri(),
        "https://testapi.smileidentity.com/v1/catalogue?locale=en"
    );
    assert!(request.body().is_empty());
    assert_eq!(request.headers()["accept"], "application/json");

    let out = parse_response(&Catalogue, &signer(), response(200, r#"{"a": 1}"#), epoch());
    assert_eq!(out.unwrap(), json!({"a": 1}));
    // The non-2xx branch is the same for every operation.
    let err = parse_response(
        &Catalogue,
        &signer(),
        response(404, r#"{"code": "2204", "error": "nope"}"#),
        epoch(),
    )
    .unwrap_err();
    let Error::Api(api) = &err else {
        panic!("{err:?}")
    };
    assert_eq!((api.operation(), api.code()), ("catalogue", Some("2204")));
    // An undecodable body names the operation too.
    let err = parse_response(&Catalogue, &signer(), response(200, "{"), epoch()).unwrap_err();
    assert!(
        matches!(&err, Error::Decode(d) if d.operation() == "catalogue"),
        "{err:?}"
    );
}

#[test]
fn checked_when_present_accepts_no_signature_but_never_a_wrong_one() {
    let parse = |body: &str| {
        parse_response(
            &MaybeSigned,
            &signer(),
            response(200, body.to_owned()),
            epoch(),
        )
    };
    let unsigned = parse(r#"{"ResultCode": "1012"}"#).unwrap();
    assert_eq!(unsigned.signature_check(), SignatureCheck::Unsigned);

    let Reply::Respond(signed) = signed_ok() else {
        unreachable!()
    };
    let body = String::from_utf8(signed.body().to_vec()).unwrap();
    assert_eq!(
        parse(&body).unwrap().signature_check(),
        SignatureCheck::Verified
    );

    let wrong = body.replace("2026-08-21T12:00:00.000Z", "2026-08-21T12:00:01.000Z");
    let err = parse(&wrong).unwrap_err();
    assert!(
        matches!(&err, Error::Signature(e) if e.failure() == SignatureFailure::Mismatch && e.operation() == "maybe_signed"),
        "{err:?}"
    );
    // Half an envelope is not "no signature".
    let err = parse(r#"{"timestamp": "2026-08-21T12:00:00.000Z"}"#).unwrap_err();
    assert!(
        matches!(&err, Error::Signature(e) if e.failure() == SignatureFailure::Missing),
        "{err:?}"
    );
    // Not JSON at all is still refused.
    let err = parse("<html>").unwrap_err();
    assert!(matches!(err, Error::Decode(_)), "{err:?}");
}

#[test]
fn endpoints_join_the_base_path() {
    let base = smileid_core::Environment::custom("https://proxy.example/smile/v1/")
        .base_url()
        .unwrap();
    assert_eq!(
        base.endpoint("id_verification").unwrap(),
        "https://proxy.example/smile/v1/id_verification"
    );
    for bad in ["", "/job_status", "a b"] {
        let err = base.endpoint(bad).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidConfig, "{bad:?}");
    }
}
