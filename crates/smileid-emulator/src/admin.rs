//! The admin HTTP API under `/admin`.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State as AxumState};
use axum::routing::{delete, get, post};
use bytes::Bytes;
use http::{StatusCode, Uri};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::json;

use crate::error::EmulatorError;
use crate::http::body::read_body;
use crate::http::only;
use crate::http::reply::Reply;
use crate::spec::{FaultSpec, JobSpec, PresetOutcome};
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
    req: Request,
) -> Result<OneOrMany<T>, Reply> {
    let (parts, body) = req.into_parts();
    let body = read_body(&parts.headers, body, MAX_ADMIN_BODY, state.read_timeout).await?;
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

/// The admin routes, under `/admin`.
pub(crate) fn routes() -> Router<Arc<State>> {
    Router::new()
        .route("/admin", only(get(overview), "GET"))
        .route("/admin/", only(get(overview), "GET"))
        .route("/admin/ca.pem", only(get(ca_pem), "GET"))
        .route(
            "/admin/jobs",
            only(get(list_jobs).post(add_jobs), "GET, POST"),
        )
        .route(
            "/admin/jobs/{user_id}/{job_id}",
            only(get(show_job).delete(remove_job), "GET, DELETE"),
        )
        .route(
            "/admin/jobs/{user_id}/{job_id}/complete",
            only(post(complete_job), "POST"),
        )
        .route(
            "/admin/faults",
            only(
                get(list_faults).post(add_faults).delete(clear_faults),
                "GET, POST, DELETE",
            ),
        )
        .route("/admin/faults/{id}", only(delete(remove_fault), "DELETE"))
        .route(
            "/admin/callbacks",
            only(get(list_callbacks).delete(clear_callbacks), "GET, DELETE"),
        )
        .route("/admin/presets", only(post(add_presets), "POST"))
        .route("/admin/reset", only(post(reset), "POST"))
}

/// The user and job ids of `/admin/jobs/{user_id}/{job_id}[/...]`, decoded
/// here rather than by the router so that a bad escape is named.
fn job_key(uri: &Uri) -> Result<(String, String), Reply> {
    let mut segments = uri
        .path()
        .trim_start_matches("/admin/jobs/")
        .split('/')
        .map(decode_segment);
    match (segments.next(), segments.next()) {
        (Some(Some(user)), Some(Some(job))) => Ok((user, job)),
        _ => Err(bad_request("invalid percent-encoding in the path")),
    }
}

fn no_job(user: &str, job: &str) -> Reply {
    Reply::http_error(StatusCode::NOT_FOUND, &format!("no job {user}/{job}"))
}

async fn overview(AxumState(state): AxumState<Arc<State>>) -> Reply {
    ok(
        StatusCode::OK,
        &json!({
            "partner_id": state.signer.partner_id(),
            "base_url": state.base_url,
            "tls": state.ca_pem.is_some(),
            "jobs": state.job_count(),
            "faults": state.faults().len(),
            "callback_deliveries": *state.delivery_watch().borrow(),
        }),
    )
}

async fn ca_pem(AxumState(state): AxumState<Arc<State>>) -> Reply {
    match &state.ca_pem {
        Some(pem) => Reply {
            status: StatusCode::OK,
            content_type: "application/x-pem-file",
            body: Bytes::from(pem.clone()),
            header: None,
        },
        None => Reply::http_error(StatusCode::NOT_FOUND, "The emulator runs without TLS"),
    }
}

async fn list_jobs(AxumState(state): AxumState<Arc<State>>) -> Reply {
    ok(StatusCode::OK, &json!({ "jobs": state.jobs() }))
}

async fn add_jobs(AxumState(state): AxumState<Arc<State>>, req: Request) -> Reply {
    match json_body::<JobSpec>(&state, req).await {
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
    }
}

async fn show_job(AxumState(state): AxumState<Arc<State>>, uri: Uri) -> Reply {
    let (user, job) = match job_key(&uri) {
        Ok(key) => key,
        Err(reply) => return reply,
    };
    match state.job(&user, &job) {
        Some(j) => ok(StatusCode::OK, &j.info()),
        None => no_job(&user, &job),
    }
}

async fn remove_job(AxumState(state): AxumState<Arc<State>>, uri: Uri) -> Reply {
    let (user, job) = match job_key(&uri) {
        Ok(key) => key,
        Err(reply) => return reply,
    };
    if state.remove_job(&user, &job) {
        no_content()
    } else {
        no_job(&user, &job)
    }
}

async fn complete_job(AxumState(state): AxumState<Arc<State>>, uri: Uri) -> Reply {
    let (user, job) = match job_key(&uri) {
        Ok(key) => key,
        Err(reply) => return reply,
    };
    match state.complete_job(&user, &job) {
        Some(info) => ok(StatusCode::OK, &info),
        None => no_job(&user, &job),
    }
}

/// An outcome chosen in advance for the job an entry call will create.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Preset {
    user_id: String,
    job_id: String,
    outcome: PresetOutcome,
}

async fn add_presets(AxumState(state): AxumState<Arc<State>>, req: Request) -> Reply {
    let presets = match json_body::<Preset>(&state, req).await {
        Err(reply) => return reply,
        Ok(OneOrMany::One(preset)) => vec![preset],
        Ok(OneOrMany::Many(presets)) => presets,
    };
    if presets
        .iter()
        .any(|p| p.user_id.is_empty() || p.job_id.is_empty())
    {
        return bad_request("a preset needs a user_id and a job_id");
    }
    for p in &presets {
        state.preset_outcome(&p.user_id, &p.job_id, p.outcome);
    }
    no_content()
}

async fn list_faults(AxumState(state): AxumState<Arc<State>>) -> Reply {
    ok(StatusCode::OK, &json!({ "faults": state.faults() }))
}

async fn add_faults(AxumState(state): AxumState<Arc<State>>, req: Request) -> Reply {
    match json_body::<FaultSpec>(&state, req).await {
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
    }
}

async fn clear_faults(AxumState(state): AxumState<Arc<State>>) -> Reply {
    state.clear_faults();
    no_content()
}

async fn remove_fault(AxumState(state): AxumState<Arc<State>>, uri: Uri) -> Reply {
    let id = uri.path().trim_start_matches("/admin/faults/");
    match id.parse::<u64>() {
        Ok(id) if state.remove_fault(id) => no_content(),
        Ok(id) => Reply::http_error(StatusCode::NOT_FOUND, &format!("no fault {id}")),
        Err(_) => bad_request("a fault id is a number"),
    }
}

async fn list_callbacks(AxumState(state): AxumState<Arc<State>>) -> Reply {
    ok(StatusCode::OK, &json!({ "deliveries": state.deliveries() }))
}

async fn clear_callbacks(AxumState(state): AxumState<Arc<State>>) -> Reply {
    state.clear_deliveries();
    no_content()
}

async fn reset(AxumState(state): AxumState<Arc<State>>) -> Reply {
    match state.reset() {
        Ok(()) => no_content(),
        Err(e) => from_emulator_error(&e),
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
