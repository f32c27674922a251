//! The discovery reads: `GET /v1/services` (open), `POST /v1/valid_documents`
//! and `POST /v1/products_config` (signed), answered from the
//! [catalogue](super::catalogue), unsigned.

use std::sync::{Arc, OnceLock};

use axum::extract::State as AxumState;
use bytes::Bytes;
use http::StatusCode;
use smileid_types::SignedOnlyRequest;

use super::catalogue;
use crate::http::reply::Reply;
use crate::http::signed::{Field, Signed, SignedRequest};
use crate::state::State;

impl SignedRequest for SignedOnlyRequest {
    const REQUIRED: &'static [Field] = &[
        Field::text("partner_id"),
        Field::text("timestamp"),
        Field::text("signature"),
    ];

    fn envelope(&self) -> (&str, &str, &str) {
        (&self.partner_id, &self.timestamp, self.signature.as_str())
    }
}

/// A catalogue body, encoded once.
fn encoded(cell: &'static OnceLock<Bytes>, build: fn() -> serde_json::Value) -> Bytes {
    cell.get_or_init(|| Bytes::from(serde_json::to_vec(&build()).unwrap_or_default()))
        .clone()
}

/// `GET /v1/services`: no authentication; a `locale` query is accepted and
/// changes nothing (the emulator speaks English).
pub(crate) async fn services() -> Reply {
    static BODY: OnceLock<Bytes> = OnceLock::new();
    Reply::json(StatusCode::OK, encoded(&BODY, catalogue::services))
}

/// `POST /v1/valid_documents`.
pub(crate) async fn valid_documents(_signed: Signed<SignedOnlyRequest>) -> Reply {
    static BODY: OnceLock<Bytes> = OnceLock::new();
    Reply::json(StatusCode::OK, encoded(&BODY, catalogue::valid_documents))
}

/// `POST /v1/products_config`: `enterpriseId` is the partner id, padded.
pub(crate) async fn products_config(
    AxumState(state): AxumState<Arc<State>>,
    _signed: Signed<SignedOnlyRequest>,
) -> Reply {
    let body = catalogue::products_config(state.signer.partner_id());
    Reply::json(
        StatusCode::OK,
        serde_json::to_vec(&body).unwrap_or_default(),
    )
}
