//! `POST /v1/token`: a web token for the hosted page. The call creates no
//! job; the token is accepted in place of a signature by
//! `POST /v1/async_id_verification` for the same `user_id` and `job_id`,
//! until it expires ([`DEFAULT_WEB_TOKEN_TTL`](crate::DEFAULT_WEB_TOKEN_TTL)
//! unless configured).

use std::sync::Arc;

use axum::extract::State as AxumState;
use http::StatusCode;
use serde_json::json;
use smileid_types::{Product, WebTokenRequest};

use super::entry;
use crate::http::reply::Reply;
use crate::http::signed::{Field, Signed, SignedRequest};
use crate::state::State;

impl SignedRequest for WebTokenRequest {
    const REQUIRED: &'static [Field] = &[
        Field::text("partner_id"),
        Field::text("timestamp"),
        Field::text("signature"),
        Field::text("user_id"),
        Field::text("job_id"),
        Field::text("product"),
    ];

    fn envelope(&self) -> (&str, &str, &str) {
        (&self.partner_id, &self.timestamp, self.signature.as_str())
    }
}

/// The handler: `{"success": true, "token": "..."}`, or `2217 Invalid
/// product.` for a product Smile ID does not document.
pub(crate) async fn handle(
    AxumState(state): AxumState<Arc<State>>,
    signed: Signed<WebTokenRequest>,
) -> Reply {
    let req = &signed.request;
    if let Err(reply) = entry::require_text(&[("user_id", &req.user_id), ("job_id", &req.job_id)]) {
        return reply;
    }
    if !Product::from(req.product.as_str()).is_documented() {
        return Reply::error(StatusCode::BAD_REQUEST, "2217", "Invalid product.");
    }
    let token = state.issue_web_token(&req.user_id, &req.job_id, req.product.as_str());
    let body = json!({"success": true, "token": token});
    Reply::json(
        StatusCode::OK,
        serde_json::to_vec(&body).unwrap_or_default(),
    )
}
