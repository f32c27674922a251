//! The signed-request extractor: every signed `/v1` endpoint's body is read,
//! checked and authorized here, with Smile ID's answers for each failure.
//!
//! In order, as Smile ID checks them:
//! 1. the body limit ([`MAX_BODY`]; `413`);
//! 2. a JSON object in valid UTF-8, or `2203 Invalid JSON`;
//! 3. every field of the right type, or `2204` (a wrong type wins over a
//!    missing field);
//! 4. every required field present and not `null`, or `2213`, naming them
//!    all;
//! 5. this partner's id and a valid signature over the request's own
//!    timestamp, or `401` `2205`.

use std::sync::Arc;

use axum::extract::{FromRequest, Request};
use http::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::Value;
use smileid_sign::Signer;

use super::body::{MAX_BODY, read_body};
use super::faults::WrongSignature;
use super::reply::Reply;
use crate::state::{State, TokenRefusal};

/// Smile ID's words for a refused signature.
const NOT_AUTHORIZED: &str = "You're not authorized to do that";

/// A top-level field a request cannot do without.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Field {
    name: &'static str,
    /// A stand-in value of the right JSON type, used to find wrong types
    /// among the other fields when this one is missing.
    stand_in: fn() -> Value,
}

impl Field {
    /// A required string.
    pub const fn text(name: &'static str) -> Self {
        Self {
            name,
            stand_in: || Value::String(String::new()),
        }
    }

    /// A required object.
    pub const fn object(name: &'static str) -> Self {
        Self {
            name,
            stand_in: || Value::Object(serde_json::Map::new()),
        }
    }

    /// A required array.
    pub const fn array(name: &'static str) -> Self {
        Self {
            name,
            stand_in: || Value::Array(Vec::new()),
        }
    }

    /// A required number.
    pub const fn number(name: &'static str) -> Self {
        Self {
            name,
            stand_in: || Value::from(0),
        }
    }
}

/// A request body that carries Smile ID's signed envelope.
pub(crate) trait SignedRequest: DeserializeOwned {
    /// The top-level fields the request cannot do without; a missing or
    /// `null` one is answered `2213`.
    const REQUIRED: &'static [Field];

    /// `(partner_id, timestamp, signature)`.
    fn envelope(&self) -> (&str, &str, &str);

    /// Whether Smile ID's hosted page may send this call with a web token
    /// (`"token"`, from `POST /v1/token`) in place of `timestamp` and
    /// `signature`.
    const ACCEPTS_WEB_TOKEN: bool = false;

    /// `(user_id, job_id)` of the request, checked against a web token's
    /// grant.
    fn job_ids(&self) -> (&str, &str) {
        ("", "")
    }
}

/// A parsed, authorized request, and how its answer is to be signed.
pub(crate) struct Signed<T> {
    /// The request.
    pub request: T,
    /// Set by the `wrong_signature` fault.
    wrong_signature: bool,
    /// Authorized by a web token rather than a signature.
    pub via_web_token: bool,
}

impl<T> Signed<T> {
    /// The signer for the answer: the partner's, or (`wrong_signature`
    /// fault) one with a key the client does not know.
    pub fn answer_signer<'s>(&self, state: &'s State) -> &'s Signer {
        if self.wrong_signature {
            &state.wrong_signer
        } else {
            &state.signer
        }
    }
}

impl<T: SignedRequest> FromRequest<Arc<State>> for Signed<T> {
    type Rejection = Reply;

    async fn from_request(req: Request, state: &Arc<State>) -> Result<Self, Reply> {
        let wrong_signature = req.extensions().get::<WrongSignature>().is_some();
        let (parts, body) = req.into_parts();
        let body = read_body(&parts.headers, body, MAX_BODY, state.read_timeout).await?;
        let (request, via_web_token) = match web_token_of::<T>(&body) {
            Some((token, map)) => (authorize_web_token::<T>(state, &token, map)?, true),
            None => (authorize::<T>(&state.signer, &body)?, false),
        };
        Ok(Self {
            request,
            wrong_signature,
            via_web_token,
        })
    }
}

/// Parses and authorizes `body` (points 2 to 5 of the module docs).
pub(crate) fn authorize<T: SignedRequest>(signer: &Signer, body: &[u8]) -> Result<T, Reply> {
    let request = parse::<T>(body)?;
    let (partner_id, timestamp, signature) = request.envelope();
    if partner_id != signer.partner_id() || signer.verify(timestamp, signature).is_err() {
        return Err(Reply::error(
            StatusCode::UNAUTHORIZED,
            "2205",
            NOT_AUTHORIZED,
        ));
    }
    Ok(request)
}

/// The web token of a body that carries one and no signature, with the
/// body as a JSON object; `None` for every other body (and for every
/// request type that does not accept tokens).
fn web_token_of<T: SignedRequest>(body: &[u8]) -> Option<(String, serde_json::Map<String, Value>)> {
    if !T::ACCEPTS_WEB_TOKEN {
        return None;
    }
    let Ok(Value::Object(mut map)) = serde_json::from_slice::<Value>(body) else {
        return None;
    };
    if map.get("signature").is_some_and(|s| !s.is_null()) {
        return None;
    }
    match map.remove("token") {
        Some(Value::String(token)) => Some((token, map)),
        _ => None,
    }
}

/// `401` `2205` for a web token sent to a call the hosted page does not
/// make.
pub(crate) fn token_not_accepted() -> Reply {
    Reply::error(
        StatusCode::UNAUTHORIZED,
        "2205",
        &format!("{NOT_AUTHORIZED}: this call needs a signature, not a web token"),
    )
}

/// Authorizes a request sent with a web token: the body is checked as a
/// signed one is (its fields, its partner id), then the token must be one
/// this emulator issued, not expired, for the same `user_id` and `job_id`.
/// A refused token is `401` `2205`, as a refused signature is.
fn authorize_web_token<T: SignedRequest>(
    state: &State,
    token: &str,
    mut map: serde_json::Map<String, Value>,
) -> Result<T, Reply> {
    for key in ["timestamp", "signature"] {
        map.entry(key)
            .or_insert_with(|| Value::String(String::new()));
    }
    let body =
        serde_json::to_vec(&Value::Object(map)).map_err(|e| invalid_json(&format_args!("{e}")))?;
    let request = parse::<T>(&body)?;
    let refuse = |why: &str| {
        Reply::error(
            StatusCode::UNAUTHORIZED,
            "2205",
            &format!("{NOT_AUTHORIZED}: {why}"),
        )
    };
    if request.envelope().0 != state.signer.partner_id() {
        return Err(refuse("the token is not this partner's"));
    }
    let grant = state
        .check_web_token(token)
        .map_err(|refusal| match refusal {
            TokenRefusal::Unknown => refuse("unknown web token"),
            TokenRefusal::Expired => refuse("the web token has expired"),
        })?;
    if request.job_ids() != (grant.user_id.as_str(), grant.job_id.as_str()) {
        return Err(refuse(
            "the web token was issued for another user_id or job_id",
        ));
    }
    Ok(request)
}

fn invalid_json(detail: &dyn std::fmt::Display) -> Reply {
    Reply::error(
        StatusCode::BAD_REQUEST,
        "2203",
        &format!("Invalid JSON: {detail}"),
    )
}

fn wrong_type(detail: &dyn std::fmt::Display) -> Reply {
    Reply::error(
        StatusCode::BAD_REQUEST,
        "2204",
        &format!("A parameter is of the wrong type: {detail}"),
    )
}

/// `2213`, naming what is missing.
pub(crate) fn missing_parameter(names: &str) -> Reply {
    Reply::error(
        StatusCode::BAD_REQUEST,
        "2213",
        &format!("A required parameter is missing: {names}"),
    )
}

fn parse<T: SignedRequest>(body: &[u8]) -> Result<T, Reply> {
    // A derived struct also reads a JSON array (fields by position), which
    // Smile ID refuses: only an object is a request.
    if body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(invalid_json(&"expected a JSON object"));
    }
    // JSON text is UTF-8; serde_json checks only the strings it keeps, not
    // those of ignored keys.
    if let Err(e) = std::str::from_utf8(body) {
        return Err(invalid_json(&format_args!(
            "invalid UTF-8 at byte {}",
            e.valid_up_to()
        )));
    }
    let first = match serde_json::from_slice::<T>(body) {
        Ok(request) => return Ok(request),
        Err(e) => e,
    };
    // An object whose fields are wrong, or not JSON at all? (`Value`, not
    // `IgnoredAny`: the latter lets invalid UTF-8 in strings pass.)
    let Ok(Value::Object(mut map)) = serde_json::from_slice::<Value>(body) else {
        return Err(invalid_json(&first));
    };
    let missing: Vec<&Field> = T::REQUIRED
        .iter()
        .filter(|field| map.get(field.name).is_none_or(Value::is_null))
        .collect();
    if missing.is_empty() {
        return Err(wrong_type(&first));
    }
    // A wrong type elsewhere wins over the missing fields: decode again with
    // them filled in to find out.
    for field in &missing {
        map.insert(field.name.to_owned(), (field.stand_in)());
    }
    match serde_json::from_value::<T>(Value::Object(map)) {
        Ok(_) => {
            let names: Vec<&str> = missing.iter().map(|field| field.name).collect();
            Err(missing_parameter(&names.join(", ")))
        }
        Err(e) => Err(wrong_type(&e)),
    }
}
