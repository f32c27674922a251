//! `POST /v1/id_verification` and `POST /v1/async_id_verification`:
//! Enhanced and Basic KYC (job type 5).

use std::sync::Arc;

use axum::extract::State as AxumState;
use serde_json::{Map, Value, json};
use smileid_types::IdVerificationRequest;

use super::entry::{self, LookupCode};
use crate::http::reply::Reply;
use crate::http::signed::{Field, Signed, SignedRequest};
use crate::spec::JobSpec;
use crate::state::State;

/// A minimal JPEG (start of image, JFIF header, end of image), base64: the
/// `Photo` of a validated lookup.
pub(crate) const PHOTO: &str = "/9j/4AAQSkZJRgABAQAAAQABAAD/2Q==";

/// What the emulator's "authority" knows of anyone: placeholders.
const NOT_AVAILABLE: &str = "Not Available";

impl SignedRequest for IdVerificationRequest {
    const REQUIRED: &'static [Field] = &[
        Field::text("partner_id"),
        Field::text("timestamp"),
        Field::text("signature"),
        Field::object("partner_params"),
        Field::text("country"),
        Field::text("id_type"),
        Field::text("id_number"),
    ];

    fn envelope(&self) -> (&str, &str, &str) {
        (&self.partner_id, &self.timestamp, self.signature.as_str())
    }

    /// The hosted page submits async lookups with its web token.
    const ACCEPTS_WEB_TOKEN: bool = true;

    fn job_ids(&self) -> (&str, &str) {
        (
            self.partner_params.user_id().unwrap_or(""),
            self.partner_params.job_id().unwrap_or(""),
        )
    }
}

/// `POST /v1/id_verification`: the result, signed.
pub(crate) async fn handle(
    AxumState(state): AxumState<Arc<State>>,
    signed: Signed<IdVerificationRequest>,
) -> Reply {
    if signed.via_web_token {
        return crate::http::signed::token_not_accepted();
    }
    match submit(&state, &signed.request, None) {
        Ok(job) => entry::signed_result(signed.answer_signer(&state), &job),
        Err(reply) => reply,
    }
}

/// `POST /v1/async_id_verification`: `{"success":true}`, then the signed
/// result at the callback URL.
pub(crate) async fn handle_async(
    AxumState(state): AxumState<Arc<State>>,
    signed: Signed<IdVerificationRequest>,
) -> Reply {
    let url = match entry::callback_url(signed.request.callback_url.as_deref()) {
        Ok(url) => url,
        Err(reply) => return reply,
    };
    match submit(&state, &signed.request, Some(url)) {
        Ok(_) => entry::acknowledged(),
        Err(reply) => reply,
    }
}

fn submit(
    state: &Arc<State>,
    req: &IdVerificationRequest,
    callback_url: Option<String>,
) -> Result<Arc<crate::state::Job>, Reply> {
    let (user_id, job_id) = entry::job_ids(&req.partner_params)?;
    entry::require_text(&[
        ("country", &req.country),
        ("id_type", &req.id_type),
        ("id_number", &req.id_number),
    ])?;
    let code = LookupCode::choose(state, &user_id, &job_id, &req.id_number);
    let mut spec = JobSpec::new(user_id, job_id).job_type(5);
    if let Some(url) = callback_url {
        spec = spec.callback_url(url);
    }
    entry::create_job(state, spec, |smile_job_id| result(req, code, smile_job_id))
}

/// The flat result of a lookup (protocol section 10.2).
pub(crate) fn result(
    req: &IdVerificationRequest,
    code: LookupCode,
    smile_job_id: &str,
) -> Map<String, Value> {
    let (result_code, result_text) = code.code_and_text();
    let (verify, personal_info) = match code {
        LookupCode::Validated | LookupCode::PartialMatch => ("Verified", "Returned"),
        LookupCode::NoMatch => ("Verified", "Not Returned"),
        LookupCode::Unavailable => ("Issuer Unavailable", "Not Returned"),
        LookupCode::NotActivated => ("Not Done", "Not Returned"),
        LookupCode::Unable | LookupCode::UnsupportedFormat | LookupCode::NotFound => {
            ("Not Verified", "Not Returned")
        }
    };
    let mut m = Map::new();
    m.insert("JSONVersion".into(), "1.0.0".into());
    m.insert("SmileJobID".into(), smile_job_id.into());
    m.insert(
        "PartnerParams".into(),
        entry::echoed_partner_params(&req.partner_params, 5),
    );
    m.insert("ResultType".into(), "ID Verification".into());
    m.insert("ResultText".into(), result_text.into());
    m.insert("ResultCode".into(), result_code.into());
    m.insert("IsFinalResult".into(), "true".into());
    m.insert(
        "Actions".into(),
        json!({ "Verify_ID_Number": verify, "Return_Personal_Info": personal_info }),
    );
    m.insert("Country".into(), req.country.to_ascii_uppercase().into());
    m.insert("IDType".into(), req.id_type.clone().into());
    m.insert("IDNumber".into(), req.id_number.clone().into());
    let person = code.returns_data().then(|| Person::of(req));
    let field = |f: fn(&Person) -> String| -> Value {
        person.as_ref().map_or(NOT_AVAILABLE.to_owned(), f).into()
    };
    m.insert("FullName".into(), field(|p| p.full_name.clone()));
    m.insert("DOB".into(), field(|p| p.dob.clone()));
    m.insert("Gender".into(), field(|p| p.gender.clone()));
    m.insert("ExpirationDate".into(), NOT_AVAILABLE.into());
    m.insert("PhoneNumber".into(), field(|p| p.phone_number.clone()));
    m.insert("PhoneNumber2".into(), NOT_AVAILABLE.into());
    m.insert(
        "Address".into(),
        field(|_| "1 Example Street, Lagos".to_owned()),
    );
    m.insert("Photo".into(), field(|_| PHOTO.to_owned()));
    m.insert(
        "FullData".into(),
        person.as_ref().map_or_else(
            || json!({}),
            |p| json!({ "full_name": p.full_name, "dob": p.dob, "source": "smileid-emulator" }),
        ),
    );
    m.insert("Source".into(), "ID API".into());
    m
}

/// Well-formed, made-up personal data: the request's own names and date of
/// birth where it gave them (so matching succeeds), fixed ones otherwise.
struct Person {
    full_name: String,
    dob: String,
    gender: String,
    phone_number: String,
}

impl Person {
    fn of(req: &IdVerificationRequest) -> Self {
        let names: Vec<&str> = [&req.last_name, &req.first_name, &req.middle_name]
            .into_iter()
            .filter_map(|n| n.as_deref().map(str::trim).filter(|n| !n.is_empty()))
            .collect();
        let full_name = if names.is_empty() {
            "OKAFOR ADAEZE CHIOMA".to_owned()
        } else {
            names.join(" ").to_uppercase()
        };
        let gender = match req.gender.as_deref().map(str::trim) {
            Some(g) if g.eq_ignore_ascii_case("m") || g.eq_ignore_ascii_case("male") => "Male",
            _ => "Female",
        };
        Self {
            full_name,
            dob: req
                .dob
                .clone()
                .filter(|d| !d.trim().is_empty())
                .unwrap_or_else(|| "1991-03-14".to_owned()),
            gender: gender.to_owned(),
            phone_number: req
                .phone_number
                .clone()
                .filter(|p| !p.trim().is_empty())
                .unwrap_or_else(|| "08000000000".to_owned()),
        }
    }
}
