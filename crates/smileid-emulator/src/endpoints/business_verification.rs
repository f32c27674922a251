//! `POST /v1/business_verification` and
//! `POST /v1/async_business_verification`: KYB (job type 7).

use std::sync::Arc;

use axum::extract::State as AxumState;
use http::StatusCode;
use serde_json::{Map, Value, json};
use smileid_types::BusinessVerificationRequest;

use super::entry::{self, LookupCode};
use crate::http::reply::Reply;
use crate::http::signed::{Field, Signed, SignedRequest};
use crate::spec::JobSpec;
use crate::state::{Job, State};

impl SignedRequest for BusinessVerificationRequest {
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
}

/// `POST /v1/business_verification`: the result, signed.
pub(crate) async fn handle(
    AxumState(state): AxumState<Arc<State>>,
    signed: Signed<BusinessVerificationRequest>,
) -> Reply {
    match submit(&state, &signed.request, None) {
        Ok(job) => entry::signed_result(signed.answer_signer(&state), &job),
        Err(reply) => reply,
    }
}

/// `POST /v1/async_business_verification`: `{"success":true}`, then the
/// signed result at the callback URL.
pub(crate) async fn handle_async(
    AxumState(state): AxumState<Arc<State>>,
    signed: Signed<BusinessVerificationRequest>,
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

/// Whether Smile ID needs a `business_type` for this search: Nigerian
/// registry searches.
fn needs_business_type(req: &BusinessVerificationRequest) -> bool {
    req.country.eq_ignore_ascii_case("NG")
        && matches!(
            req.id_type.as_str(),
            "BASIC_BUSINESS_REGISTRATION" | "BUSINESS_REGISTRATION"
        )
}

fn submit(
    state: &Arc<State>,
    req: &BusinessVerificationRequest,
    callback_url: Option<String>,
) -> Result<Arc<Job>, Reply> {
    let (user_id, job_id) = entry::job_ids(&req.partner_params)?;
    entry::require_text(&[
        ("country", &req.country),
        ("id_type", &req.id_type),
        ("id_number", &req.id_number),
    ])?;
    if needs_business_type(req) && !matches!(req.business_type.as_deref(), Some("bn" | "co" | "it"))
    {
        let body = json!({"code": "2413", "error": "Unsupported business type", "success": false});
        return Err(Reply::json(
            StatusCode::BAD_REQUEST,
            serde_json::to_vec(&body).unwrap_or_default(),
        ));
    }
    let code = LookupCode::choose(state, &user_id, &job_id, &req.id_number);
    let mut spec = JobSpec::new(user_id, job_id).job_type(7);
    if let Some(url) = callback_url {
        spec = spec.callback_url(url);
    }
    entry::create_job(state, spec, |smile_job_id| result(req, code, smile_job_id))
}

/// The flat result of a business search (protocol section 11.1).
fn result(
    req: &BusinessVerificationRequest,
    code: LookupCode,
    smile_job_id: &str,
) -> Map<String, Value> {
    let found = code.returns_data();
    let (result_code, result_text) = if found {
        ("1012", "Business Verified")
    } else {
        code.code_and_text()
    };
    let mut m = Map::new();
    m.insert("SmileJobID".into(), smile_job_id.into());
    m.insert(
        "PartnerParams".into(),
        entry::echoed_partner_params(&req.partner_params, 7),
    );
    m.insert("ResultType".into(), "Business Verification".into());
    m.insert("ResultText".into(), result_text.into());
    m.insert("ResultCode".into(), result_code.into());
    m.insert("IsFinalResult".into(), "true".into());
    m.insert(
        "Actions".into(),
        if found {
            json!({"Verify_Business": "Verified", "Return_Business_Info": "Returned"})
        } else {
            json!({"Verify_Business": "Not Verified", "Return_Business_Info": "Not Returned"})
        },
    );
    let country = req.country.to_ascii_uppercase();
    if found {
        m.insert(
            "company_information".into(),
            json!({
                "company_type": "PRIVATE_COMPANY_LIMITED_BY_SHARES",
                "country": country,
                "address": "1 Example Close, Victoria Island, Lagos",
                "registration_number": req.id_number,
                "search_number": req.id_number,
                "authorized_shared_capital": "1000000",
                "industry": "Software",
                "tax_id": "N/A",
                "registration_date": "2015-06-01",
                "phone": "08000000000",
                "legal_name": "EXAMPLE TECHNOLOGIES LIMITED",
                "state": "Lagos",
                "email": "info@example.com",
                "status": "ACTIVE",
            }),
        );
        let registry = req.id_type != "TAX_INFORMATION";
        let people = |v: Value| if registry { v } else { json!([]) };
        m.insert(
            "directors".into(),
            people(json!([{
                "name": "ADAEZE CHIOMA OKAFOR",
                "id_type": "Passport",
                "id_number": "A00000000",
                "date_of_birth": "1980-01-31",
                "gender": "Female",
                "nationality": "Nigerian",
                "occupation": "Director",
                "address": "1 Example Close, Lagos",
                "phone_number": "08000000000",
                "shareholdings": "500000",
            }])),
        );
        m.insert(
            "beneficial_owners".into(),
            people(json!([{
                "name": "ADAEZE CHIOMA OKAFOR",
                "shareholder_type": "Individual",
                "shareholdings": "500000",
                "gender": "Female",
                "nationality": "Nigerian",
                "registration_number": "N/A",
                "address": "1 Example Close, Lagos",
                "phone_number": "08000000000",
            }])),
        );
        m.insert("fiduciaries".into(), json!([]));
        m.insert("proprietors".into(), json!([]));
        m.insert("documents".into(), json!({"search_certificate": ""}));
    }
    m.insert("success".into(), Value::Bool(found));
    m
}
