//! Properties over arbitrary input: never a panic, and only verified bodies
//! become statuses.

use crate::support::*;
use bytes::Bytes;
use proptest::prelude::*;
use serde_json::Value;
use smileid_core::{
    BaseUrl, CallbackPolicy, Environment, Error, JobStatusQuery, MAX_ID_LEN,
    build_job_status_request, parse_job_status_response, verify_callback,
};

proptest! {
    #[test]
    fn any_response_is_handled_without_panic(
        status in 100u16..600,
        body in proptest::collection::vec(any::<u8>(), 0..512),
        retry_after in proptest::option::of("[ -~]{0,40}"),
    ) {
        let mut response = response(status, Bytes::from(body.clone()));
        if let Some(value) = retry_after.and_then(|v| http::HeaderValue::from_str(&v).ok()) {
            response.headers_mut().insert("retry-after", value);
        }
        match parse_job_status_response(&signer(), response, epoch()) {
            Ok(s) => {
                // Only a 2xx with a verifying signature gets here.
                prop_assert!((200..300).contains(&status));
                let v: Value = serde_json::from_slice(&body).unwrap();
                let ts = v["timestamp"].as_str().unwrap_or_default().to_owned();
                let sig = v["signature"].as_str().unwrap_or_default().to_owned();
                prop_assert!(signer().verify(&ts, &sig).is_ok());
                prop_assert_eq!(s.raw_json().as_ref(), &body[..]);
            }
            Err(e) => {
                let line = e.to_string();
                prop_assert!(!line.contains('\n'));
                if let Some(snippet) = match &e { Error::Api(api) => api.body_snippet(), _ => None } {
                    prop_assert!(snippet.chars().count() <= 203);
                }
            }
        }
    }

    #[test]
    fn arbitrary_json_objects_without_a_valid_signature_are_refused(
        complete in any::<bool>(),
        timestamp in "[ -~]{0,30}",
        signature in "[A-Za-z0-9+/=]{0,50}",
    ) {
        let body = serde_json::json!({
            "job_complete": complete, "timestamp": timestamp, "signature": signature,
        });
        let result = parse_job_status_response(
            &signer(),
            response(200, serde_json::to_vec(&body).unwrap()),
            epoch(),
        );
        let genuine = signer().verify(&timestamp, &signature).is_ok();
        prop_assert_eq!(result.is_ok(), genuine);
    }

    #[test]
    fn any_base_url_is_checked_without_panic(url in "\\PC{0,60}", loopback in any::<bool>()) {
        if let Ok(base) = BaseUrl::parse(&url, loopback) {
            let uri = base.job_status_uri();
            prop_assert!(uri.path().ends_with("/job_status"));
            prop_assert!(uri.query().is_none());
            match uri.scheme_str() {
                Some("https") => {}
                Some("http") => prop_assert!(loopback),
                other => prop_assert!(false, "scheme {:?}", other),
            }
        }
    }

    #[test]
    fn ids_are_sent_exactly_or_refused(user in "\\PC{0,40}|[\\x00-\\x7f]{0,10}", job in "\\PC{0,300}") {
        let base = Environment::Sandbox.base_url().unwrap();
        let query = JobStatusQuery::new(user.clone(), job.clone());
        let valid = |s: &str| !s.trim().is_empty() && s.len() <= MAX_ID_LEN && !s.chars().any(char::is_control);
        match build_job_status_request(&signer(), &base, &query, epoch()) {
            Ok(request) => {
                prop_assert!(valid(&user) && valid(&job));
                let body: Value = serde_json::from_slice(request.body()).unwrap();
                prop_assert_eq!(body["user_id"].as_str(), Some(user.as_str()));
                prop_assert_eq!(body["job_id"].as_str(), Some(job.as_str()));
            }
            Err(e) => {
                prop_assert!(matches!(e, Error::InvalidInput(_)));
                prop_assert!(!(valid(&user) && valid(&job)));
            }
        }
    }

    #[test]
    fn any_callback_body_is_handled_without_panic(body in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = verify_callback(&signer(), &body, epoch(), &CallbackPolicy::default());
    }
}
