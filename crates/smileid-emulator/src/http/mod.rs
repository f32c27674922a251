//! The HTTP layer: an axum [`Router`] with one route per endpoint, served by
//! the hyper-util accept loop of [`accept`].
//!
//! A request flows: accept loop → [`serve_request`] → router → (for a `/v1`
//! endpoint) the fault layer of [`faults`] → the endpoint's handler, whose
//! [`Signed`](signed::Signed) extractor reads, checks and authorizes the
//! body. Every answer is a [`Reply`](reply::Reply).

pub(crate) mod accept;
pub(crate) mod body;
pub(crate) mod faults;
pub(crate) mod reply;
pub(crate) mod signed;

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::handler::Handler;
use axum::middleware::from_fn_with_state;
use axum::response::Response;
use axum::routing::{MethodRouter, any, get, post, put};
use bytes::Bytes;
use http::{Request, StatusCode};
use hyper::body::Incoming;
use tower_service::Service;

use self::faults::CloseWithoutAnswer;
use self::reply::{DropConnection, Reply};
use crate::endpoints;
use crate::state::State;

/// The names of the `/v1` endpoints and of the upload target, as a fault's
/// `endpoint` gives them.
pub(crate) const ENDPOINTS: &[&str] = &[
    "job_status",
    "id_verification",
    "async_id_verification",
    "business_verification",
    "async_business_verification",
    "aml",
    "token",
    "services",
    "valid_documents",
    "products_config",
    "upload",
    crate::spec::UPLOAD_ZIP,
];

/// A 1x1 PNG, served for image links.
const PIXEL_PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x90, 0x77, 0x53,
    0xde, 0x00, 0x00, 0x00, 0x0c, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0x70, 0x62, 0x01,
    0x00, 0x05, 0x04, 0x02, 0x59, 0xc7, 0x7a, 0x60, 0xa2, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e,
    0x44, 0xae, 0x42, 0x60, 0x82,
];

/// A method router answering other methods with `405` and `Allow: allow`.
pub(crate) fn only(
    methods: MethodRouter<Arc<State>>,
    allow: &'static str,
) -> MethodRouter<Arc<State>> {
    methods.fallback(move || async move { Reply::method_not_allowed(allow) })
}

/// A signed `POST /v1/...` endpoint: its handler behind the fault layer.
fn signed_post<H, T>(state: &Arc<State>, handler: H) -> MethodRouter<Arc<State>>
where
    H: Handler<T, Arc<State>>,
    T: 'static,
{
    only(
        post(handler.layer(from_fn_with_state(Arc::clone(state), faults::inject))),
        "POST",
    )
}

/// An open `GET /v1/...` endpoint: its handler behind the fault layer.
fn open_get<H, T>(state: &Arc<State>, handler: H) -> MethodRouter<Arc<State>>
where
    H: Handler<T, Arc<State>>,
    T: 'static,
{
    only(
        get(handler.layer(from_fn_with_state(Arc::clone(state), faults::inject))),
        "GET, HEAD",
    )
}

/// The whole route table.
pub(crate) fn router(state: Arc<State>) -> Router {
    Router::new()
        .route(
            "/v1/job_status",
            signed_post(&state, endpoints::job_status::handle),
        )
        .route(
            "/v1/id_verification",
            signed_post(&state, endpoints::id_verification::handle),
        )
        .route(
            "/v1/async_id_verification",
            signed_post(&state, endpoints::id_verification::handle_async),
        )
        .route(
            "/v1/business_verification",
            signed_post(&state, endpoints::business_verification::handle),
        )
        .route(
            "/v1/async_business_verification",
            signed_post(&state, endpoints::business_verification::handle_async),
        )
        .route("/v1/aml", signed_post(&state, endpoints::aml::handle))
        .route(
            "/v1/token",
            signed_post(&state, endpoints::web_token::handle),
        )
        .route(
            "/v1/services",
            open_get(&state, endpoints::discovery::services),
        )
        .route(
            "/v1/valid_documents",
            signed_post(&state, endpoints::discovery::valid_documents),
        )
        .route(
            "/v1/products_config",
            signed_post(&state, endpoints::discovery::products_config),
        )
        .route(
            "/v1/upload",
            signed_post(&state, endpoints::upload::prep_upload),
        )
        .route(
            "/uploads/{*rest}",
            only(put(endpoints::upload::put_zip), "PUT"),
        )
        .route(
            "/images/{*rest}",
            only(get(|| async { image() }), "GET, HEAD"),
        )
        .route(
            "/healthz",
            any(|| async { Reply::json(StatusCode::OK, &br#"{"status":"ok"}"#[..]) }),
        )
        .merge(crate::admin::routes())
        .fallback(|| async { Reply::not_found() })
        .with_state(state)
}

fn image() -> Reply {
    Reply {
        status: StatusCode::OK,
        content_type: "image/png",
        body: Bytes::from_static(PIXEL_PNG),
        header: None,
    }
}

/// Runs one request through the router. A response marked
/// [`CloseWithoutAnswer`] becomes an error, so hyper closes the connection.
pub(crate) async fn serve_request(
    mut router: Router,
    req: Request<Incoming>,
) -> Result<Response, DropConnection> {
    // `Router` is always ready: no `poll_ready` needed before `call`.
    let response = match router.call(req.map(Body::new)).await {
        Ok(response) => response,
        Err(never) => match never {},
    };
    if response.extensions().get::<CloseWithoutAnswer>().is_some() {
        return Err(DropConnection);
    }
    Ok(response)
}
