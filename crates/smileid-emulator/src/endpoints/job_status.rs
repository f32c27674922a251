//! `POST /v1/job_status`: a job's status and result, signed.

use std::sync::Arc;
use std::time::SystemTime;

use axum::extract::State as AxumState;
use bytes::Bytes;
use http::StatusCode;
use smileid_sign::Signer;
use smileid_types::job_status::JobStatusRequest;

use crate::http::reply::Reply;
use crate::http::signed::{Field, Signed, SignedRequest, authorize};
use crate::state::State;

/// `image_links` of a job without a result.
const NO_IMAGES: &[u8] = br#"{"error":"No images were received for this job"}"#;

impl SignedRequest for JobStatusRequest {
    const REQUIRED: &'static [Field] = &[
        Field::text("partner_id"),
        Field::text("timestamp"),
        Field::text("signature"),
        Field::text("user_id"),
        Field::text("job_id"),
    ];

    fn envelope(&self) -> (&str, &str, &str) {
        (&self.partner_id, &self.timestamp, self.signature.as_str())
    }
}

/// Checks a `POST /v1/job_status` body exactly as the server does before it
/// looks the job up, without any I/O or state: `Ok(())` when the request
/// would be answered with a job status, otherwise the HTTP status and JSON
/// error body it would get (`2203`, `2204`, `2213` or `2205`). The body size
/// limit ([`MAX_REQUEST_BODY`](crate::MAX_REQUEST_BODY)) is checked before
/// this. For fuzzing and load tests; not a stable API.
#[doc(hidden)]
pub fn check_job_status_request(signer: &Signer, body: &[u8]) -> Result<(), (u16, Bytes)> {
    authorize::<JobStatusRequest>(signer, body)
        .map(|_| ())
        .map_err(|reply| (reply.status.as_u16(), reply.body))
}

/// The handler.
pub(crate) async fn handle(
    AxumState(state): AxumState<Arc<State>>,
    signed: Signed<JobStatusRequest>,
) -> Reply {
    let signer = signed.answer_signer(&state);
    let req = &signed.request;
    let history = req.history.unwrap_or(false);
    let image_links = req.image_links.unwrap_or(false);
    let body = match state.job(&req.user_id, &req.job_id) {
        Some(job) => {
            let poll = job.poll();
            if poll.just_completed {
                state.job_completed(&job);
            }
            if poll.complete {
                status_json(
                    signer,
                    true,
                    job.job_success,
                    &job.result_json,
                    history.then_some(&job.history_json[..]),
                    image_links.then_some(&job.image_links_json[..]),
                )
            } else {
                pending_json(signer, history, image_links)
            }
        }
        None => pending_json(signer, history, image_links),
    };
    Reply::json(StatusCode::OK, body)
}

/// The answer for a job without a result (pending, or unknown).
fn pending_json(signer: &Signer, history: bool, image_links: bool) -> Bytes {
    status_json(
        signer,
        false,
        false,
        br#""No zip file received""#,
        history.then_some(&b"[]"[..]),
        image_links.then_some(NO_IMAGES),
    )
}

/// Writes a signed job status answer around pre-serialized parts.
fn status_json(
    signer: &Signer,
    complete: bool,
    success: bool,
    result: &[u8],
    history: Option<&[u8]>,
    image_links: Option<&[u8]>,
) -> Bytes {
    let signed = signer.sign_at(SystemTime::now());
    let capacity = 160
        + result.len()
        + history.map_or(0, <[u8]>::len)
        + image_links.map_or(0, <[u8]>::len)
        + signed.timestamp.len();
    let mut out = Vec::with_capacity(capacity);
    out.extend_from_slice(br#"{"timestamp":"#);
    // The timestamp is our own ISO text and the signature is base64: neither
    // needs escaping, but write them through serde to be safe.
    push_json_str(&mut out, &signed.timestamp);
    out.extend_from_slice(br#","signature":"#);
    push_json_str(&mut out, &signed.signature);
    out.extend_from_slice(if complete {
        br#","job_complete":true"#
    } else {
        br#","job_complete":false"#
    });
    out.extend_from_slice(if success {
        br#","job_success":true"#
    } else {
        br#","job_success":false"#
    });
    out.extend_from_slice(if complete {
        br#","code":"2302""#
    } else {
        br#","code":"2314""#
    });
    out.extend_from_slice(br#","result":"#);
    out.extend_from_slice(result);
    if let Some(history) = history {
        out.extend_from_slice(br#","history":"#);
        out.extend_from_slice(history);
    }
    if let Some(links) = image_links {
        out.extend_from_slice(br#","image_links":"#);
        out.extend_from_slice(links);
    }
    out.push(b'}');
    Bytes::from(out)
}

fn push_json_str(out: &mut Vec<u8>, s: &str) {
    if s.bytes()
        .all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\')
    {
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    } else {
        // Not reached with our own timestamps; correct for any text.
        let _ = serde_json::to_writer(&mut *out, s);
    }
}
