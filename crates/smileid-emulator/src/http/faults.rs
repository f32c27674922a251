//! Fault injection, as a layer around each `/v1` endpoint's handler.
//!
//! A fault matches by endpoint, user id and job id (each optional). The ids
//! are read from the request body, at the top level (job status) or in
//! `partner_params` (the calls that create jobs); a body the layer cannot
//! read matches only faults without ids. When no fault is installed the
//! layer does nothing, not even read the body.

use std::borrow::Cow;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State as AxumState};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http::StatusCode;
use http::header::{self, HeaderValue};
use serde::Deserialize;

use super::body::{MAX_BODY, read_body};
use super::reply::{Reply, truncate};
use crate::spec::FaultKind;
use crate::state::State;

/// The page sent by the `html_502` fault.
const BAD_GATEWAY_HTML: &str = "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>\n";

/// A request extension: sign the answer with a key the client does not
/// know (the `wrong_signature` fault).
#[derive(Debug, Clone, Copy)]
pub(crate) struct WrongSignature;

/// A response extension: close the connection instead of answering (the
/// `drop_connection` fault). The accept loop's service turns it into an
/// error, which makes hyper close the connection.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CloseWithoutAnswer;

/// The ids a request is about.
#[derive(Deserialize, Default)]
struct Target<'a> {
    #[serde(borrow, default)]
    user_id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    job_id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    partner_params: Option<Ids<'a>>,
}

#[derive(Deserialize, Default)]
struct Ids<'a> {
    #[serde(borrow, default)]
    user_id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    job_id: Option<Cow<'a, str>>,
}

impl Target<'_> {
    fn user_id(&self) -> Option<&str> {
        self.user_id
            .as_deref()
            .or_else(|| self.partner_params.as_ref()?.user_id.as_deref())
    }

    fn job_id(&self) -> Option<&str> {
        self.job_id
            .as_deref()
            .or_else(|| self.partner_params.as_ref()?.job_id.as_deref())
    }
}

/// The endpoint name of a `/v1` path: `job_status` for `/v1/job_status`.
fn endpoint_of(path: &str) -> &str {
    path.strip_prefix("/v1/").unwrap_or(path)
}

/// The fault layer (see the module docs).
pub(crate) async fn inject(
    AxumState(state): AxumState<Arc<State>>,
    req: Request,
    next: Next,
) -> Response {
    if !state.has_faults() {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    // The body is read first, as the handler would: a body over the limit is
    // refused before any fault counts.
    let bytes: Bytes = match read_body(&parts.headers, body, MAX_BODY, state.read_timeout).await {
        Ok(bytes) => bytes,
        Err(reply) => return reply.into_response(),
    };
    let target = serde_json::from_slice::<Target<'_>>(&bytes).unwrap_or_default();
    let decision = state.take_faults(
        endpoint_of(parts.uri.path()),
        target.user_id(),
        target.job_id(),
    );
    drop(target);
    let mut req = Request::from_parts(parts, Body::from(bytes));
    if !decision.delay.is_zero() {
        tokio::time::sleep(decision.delay).await;
    }
    match decision.action {
        None | Some(FaultKind::Latency(_)) => next.run(req).await,
        Some(FaultKind::HttpError {
            status,
            code,
            message,
        }) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            Reply::error(status, &code, &message).into_response()
        }
        Some(FaultKind::Html502) => bad_gateway_page(),
        Some(FaultKind::RateLimited { retry_after_secs }) => {
            Reply::error(StatusCode::TOO_MANY_REQUESTS, "429", "Too many requests")
                .with_header(header::RETRY_AFTER, HeaderValue::from(retry_after_secs))
                .into_response()
        }
        Some(FaultKind::DropConnection) => close_without_answer(),
        Some(FaultKind::TruncatedBody) => truncate(next.run(req).await).await,
        Some(FaultKind::WrongSignature) => {
            req.extensions_mut().insert(WrongSignature);
            next.run(req).await
        }
    }
}

/// The `html_502` fault's answer: `502 Bad Gateway` with a proxy's HTML page.
pub(crate) fn bad_gateway_page() -> Response {
    Reply {
        status: StatusCode::BAD_GATEWAY,
        content_type: "text/html",
        body: Bytes::from_static(BAD_GATEWAY_HTML.as_bytes()),
        header: None,
    }
    .into_response()
}

/// The `drop_connection` fault's answer: a response the accept loop turns
/// into a closed connection.
pub(crate) fn close_without_answer() -> Response {
    let mut response = Response::default();
    response.extensions_mut().insert(CloseWithoutAnswer);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_come_from_the_top_level_or_partner_params() {
        let top: Target<'_> =
            serde_json::from_str(r#"{"user_id":"u","job_id":"j"}"#).expect("parses");
        assert_eq!((top.user_id(), top.job_id()), (Some("u"), Some("j")));
        let nested: Target<'_> = serde_json::from_str(
            r#"{"partner_params":{"user_id":"u2","job_id":"j2","job_type":5}}"#,
        )
        .expect("parses");
        assert_eq!(
            (nested.user_id(), nested.job_id()),
            (Some("u2"), Some("j2"))
        );
        assert_eq!(endpoint_of("/v1/id_verification"), "id_verification");
    }
}
