//! The admin HTTP API under `/admin`.

use std::sync::Arc;

use bytes::Bytes;
use http::{Method, Request, StatusCode};
use hyper::body::Incoming;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::json;

use crate::error::EmulatorError;
use crate::server::{Reply, read_body};
use crate::spec::{FaultSpec, JobSpec};
use crate::state::State;

/// Largest accepted admin request body (results can be large).
const MAX_ADMIN_BODY: usize = 16 * 1024 * 1024;

fn ok<T: Serialize>(status: StatusCode, value: &T) -> Reply {
    match serde_json::to_vec(value) {
        Ok(body) => Reply::json(status, body),
        Err(e) => Reply::http_error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    }
}

fn no_content() -> Reply {
    Reply::json(StatusCode::NO_CONTENT, Bytes::new())
}

fn bad_request(message: &str) -> Reply {
    Reply::http_error(StatusCode::BAD_REQUEST, message)
}

fn from_emulator_error(e: &EmulatorError) -> Reply {
    match e {
        EmulatorError::UnknownJob { .. } => {
            Reply::http_error(StatusCode::NOT_FOUND, &e.to_string())
        }
        _ => bad_request(&e.to_string()),
    }
}

/// One value or a list of them.
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum OneOrMany<T> {
    Many(Vec<T>),
    One(T),
}

async fn json_body<T: DeserializeOwned>(
    state: &State,
    req: Request<Incoming>,
) -> Result<OneOrMany<T>, Reply> {
    let body = read_body(req, MAX_ADMIN_BODY, state.read_timeout).await?;
    // Parse as a value first so that errors name the problem, not "did not
    // match any variant".
    let value: serde_json::Value =
        serde_json::from_slice(&body).map_err(|e| bad_request(&format!("invalid JSON: {e}")))?;
    if value.is_array() {
        serde_json::from_value::<Vec<T>>(value)
            .map(OneOrMany::Many)
            .map_err(|e| bad_request(&e.to_string()))
    } else {
        serde_json::from_value::<T>(value)
            .map(OneOrMany::One)
            .map_err(|e| bad_request(&e.to_string()))
    }
}

/// Decodes `%XX` escapes in a path segment.
fn decode_segment(segment: &str) -> Option<String> {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = bytes.get(i + 1..i + 3)?;
                let hex = std::str::from_utf8(hex).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

pub(crate) async fn handle(state: &Arc<State>, req: Request<Incoming>) -> Reply {
    let path = req.uri().path().to_owned();
    let segments: Vec<&str> = path
        .trim_start_matches("/admin")
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    let method = req.method().clone();
    match (segments.as_slice(), method) {
        ([], Method::GET) => ok(
            StatusCode::OK,
            &json!({
                "partner_id": state.signer.partner_id(),
                "base_url": state.base_url,
                "tls": state.ca_pem.is_some(),
                "jobs": state.job_count(),
                "faults": state.faults().len(),
                "callback_deliveries": *state.delivery_watch().borrow(),
            }),
        ),
        ([], _) => Reply::method_not_allowed("GET"),

        (["ca.pem"], Method::GET) => match &state.ca_pem {
            Some(pem) => Reply {
                status: StatusCode::OK,
                content_type: "application/x-pem-file",
                body: Bytes::from(pem.clone()),
                header: None,
            },
            None => Reply::http_error(StatusCode::NOT_FOUND, "The emulator runs without TLS"),
        },
        (["ca.pem"], _) => Reply::method_not_allowed("GET"),

        (["jobs"], Method::GET) => ok(StatusCode::OK, &json!({ "jobs": state.jobs() })),
        (["jobs"], Method::POST) => match json_body::<JobSpec>(state, req).await {
            Err(reply) => reply,
            Ok(OneOrMany::One(spec)) => match state.add_job(spec) {
                Ok(info) => ok(StatusCode::CREATED, &info),
                Err(e) => from_emulator_error(&e),
            },
            Ok(OneOrMany::Many(specs)) => {
                // All or nothing: check every job before adding any.
                if let Some(e) = specs.iter().find_map(|s| State::validate_job(s).err()) {
                    return from_emulator_error(&e);
                }
                let mut infos = Vec::with_capacity(specs.len());
                for spec in specs {
                    match state.add_job(spec) {
                        Ok(info) => infos.push(info),
                        Err(e) => return from_emulator_error(&e),
                    }
                }
                ok(StatusCode::CREATED, &json!({ "jobs": infos }))
            }
        },
        (["jobs"], _) => Reply::method_not_allowed("GET, POST"),

        (["jobs", user, job], m) => {
            let (Some(user), Some(job)) = (decode_segment(user), decode_segment(job)) else {
                return bad_request("invalid percent-encoding in the path");
            };
            match m {
                Method::GET => match state.job(&user, &job) {
                    Some(j) => ok(StatusCode::OK, &j.info()),
                    None => {
                        Reply::http_error(StatusCode::NOT_FOUND, &format!("no job {user}/{job}"))
                    }
                },
                Method::DELETE => {
                    if state.remove_job(&user, &job) {
                        no_content()
                    } else {
                        Reply::http_error(StatusCode::NOT_FOUND, &format!("no job {user}/{job}"))
                    }
                }
                _ => Reply::method_not_allowed("GET, DELETE"),
            }
        }
        (["jobs", user, job, "complete"], m) => {
            let (Some(user), Some(job)) = (decode_segment(user), decode_segment(job)) else {
                return bad_request("invalid percent-encoding in the path");
            };
            if m != Method::POST {
                return Reply::method_not_allowed("POST");
            }
            match state.complete_job(&user, &job) {
                Some(info) => ok(StatusCode::OK, &info),
                None => Reply::http_error(StatusCode::NOT_FOUND, &format!("no job {user}/{job}")),
            }
        }

        (["faults"], Method::GET) => ok(StatusCode::OK, &json!({ "faults": state.faults() })),
        (["faults"], Method::POST) => match json_body::<FaultSpec>(state, req).await {
            Err(reply) => reply,
            Ok(OneOrMany::One(spec)) => match state.add_fault(spec) {
                Ok(info) => ok(StatusCode::CREATED, &info),
                Err(e) => from_emulator_error(&e),
            },
            Ok(OneOrMany::Many(specs)) => {
                let mut infos = Vec::with_capacity(specs.len());
                for spec in specs {
                    match state.add_fault(spec) {
                        Ok(info) => infos.push(info),
                        Err(e) => return from_emulator_error(&e),
                    }
                }
                ok(StatusCode::CREATED, &json!({ "faults": infos }))
            }
        },
        (["faults"], Method::DELETE) => {
            state.clear_faults();
            no_content()
        }
        (["faults"], _) => Reply::method_not_allowed("GET, POST, DELETE"),
        (["faults", id], Method::DELETE) => match id.parse::<u64>() {
            Ok(id) if state.remove_fault(id) => no_content(),
            Ok(id) => Reply::http_error(StatusCode::NOT_FOUND, &format!("no fault {id}")),
            Err(_) => bad_request("a fault id is a number"),
        },
        (["faults", _], _) => Reply::method_not_allowed("DELETE"),

        (["callbacks"], Method::GET) => {
            ok(StatusCode::OK, &json!({ "deliveries": state.deliveries() }))
        }
        (["callbacks"], Method::DELETE) => {
            state.clear_deliveries();
            no_content()
        }
        (["callbacks"], _) => Reply::method_not_allowed("GET, DELETE"),

        (["reset"], Method::POST) => match state.reset() {
            Ok(()) => no_content(),
            Err(e) => from_emulator_error(&e),
        },
        (["reset"], _) => Reply::method_not_allowed("POST"),

        _ => Reply::not_found(),
    }
}

#[cfg(test)]
mod tests {
    use super::decode_segment;

    #[test]
    fn percent_decoding() {
        assert_eq!(decode_segment("a%20b").as_deref(), Some("a b"));
        assert_eq!(decode_segment("plain").as_deref(), Some("plain"));
        assert_eq!(decode_segment("%2"), None);
        assert_eq!(decode_segment("%zz"), None);
        assert_eq!(decode_segment("%ff"), None);
    }
}
