//! `POST /v1/aml`: an AML screen (job type 10), synchronous.

use std::sync::Arc;

use axum::extract::State as AxumState;
use serde_json::{Map, Value, json};
use smileid_types::AmlRequest;

use super::entry;
use crate::http::reply::Reply;
use crate::http::signed::{Field, Signed, SignedRequest};
use crate::spec::{JobSpec, PresetOutcome};
use crate::state::State;

/// The emulator's code for "nobody found": Smile ID documents only `1030`
/// Found on list.
pub(crate) const NOT_FOUND_CODE: &str = "1031";

impl SignedRequest for AmlRequest {
    const REQUIRED: &'static [Field] = &[
        Field::text("partner_id"),
        Field::text("timestamp"),
        Field::text("signature"),
        Field::text("user_id"),
        Field::text("job_id"),
        Field::number("job_type"),
        Field::text("full_name"),
        Field::array("countries"),
    ];

    fn envelope(&self) -> (&str, &str, &str) {
        (&self.partner_id, &self.timestamp, self.signature.as_str())
    }
}

/// Whether a name is on the emulator's list: the fixture's `John Example
/// Doe`, or any name with the word `listed` in it (case-insensitive).
fn is_listed(full_name: &str) -> bool {
    let name = full_name
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    name == "john example doe" || name.split(' ').any(|word| word == "listed")
}

/// The handler.
pub(crate) async fn handle(
    AxumState(state): AxumState<Arc<State>>,
    signed: Signed<AmlRequest>,
) -> Reply {
    let req = &signed.request;
    if let Err(reply) = entry::require_text(&[
        ("user_id", &req.user_id),
        ("job_id", &req.job_id),
        ("full_name", &req.full_name),
    ]) {
        return reply;
    }
    if req.countries.iter().all(|c| c.trim().is_empty()) {
        return crate::http::signed::missing_parameter("countries");
    }
    let found = match state.take_preset(&req.user_id, &req.job_id) {
        Some(PresetOutcome::Approved) => false,
        Some(_) => true,
        None => is_listed(&req.full_name),
    };
    let spec = JobSpec::new(req.user_id.clone(), req.job_id.clone()).job_type(10);
    match entry::create_job(&state, spec, |smile_job_id| {
        result(req, found, smile_job_id)
    }) {
        Ok(job) => entry::signed_result(signed.answer_signer(&state), &job),
        Err(reply) => reply,
    }
}

fn result(req: &AmlRequest, found: bool, smile_job_id: &str) -> Map<String, Value> {
    let mut partner_params = req.partner_params.clone().unwrap_or_default();
    partner_params.insert("user_id".into(), req.user_id.clone().into());
    partner_params.insert("job_id".into(), req.job_id.clone().into());
    partner_params.insert("job_type".into(), Value::from(10));
    let people = if found {
        json!([{
            "name": req.full_name.trim(),
            "aliases": req.aliases,
            "addresses": ["Abuja, Nigeria"],
            "dates_of_birth": req.birth_year.iter().collect::<Vec<_>>(),
            "nationalities": req.countries,
            "adverse_media": [{
                "date_published": "2021-06-03",
                "publisher": "Example Daily",
                "source_link": "https://news.example.com/articles/12345",
                "title": "Example official questioned over contract awards",
            }],
            "associations": [],
            "pep": {
                "pep_level": 2,
                "political_positions": [{
                    "country": "Nigeria",
                    "from": "2019-06-11",
                    "position": "Senator",
                    "to": null,
                }],
                "sources": [{
                    "source_link": "https://registry.example.org/pep/98765",
                    "source_name": "Example PEP Registry",
                }],
            },
            "sanctions": [],
        }])
    } else {
        json!([])
    };
    let mut m = Map::new();
    m.insert("SmileJobID".into(), smile_job_id.into());
    m.insert("PartnerParams".into(), Value::Object(partner_params));
    m.insert("people".into(), people);
    if found {
        m.insert("ResultText".into(), "Found on list".into());
        m.insert("ResultCode".into(), "1030".into());
        m.insert("Actions".into(), json!({"Listed": "Listed"}));
    } else {
        m.insert("ResultText".into(), "Not found on list".into());
        m.insert("ResultCode".into(), NOT_FOUND_CODE.into());
        m.insert("Actions".into(), json!({"Listed": "Not Listed"}));
    }
    m.insert(
        "StrictMatch".into(),
        Value::Bool(req.strict_match.unwrap_or(true)),
    );
    m.insert("no_of_persons_found".into(), Value::from(u8::from(found)));
    m
}

#[cfg(test)]
mod tests {
    use super::is_listed;

    #[test]
    fn the_list() {
        assert!(is_listed("John  Example Doe"));
        assert!(is_listed("jane LISTED"));
        assert!(!is_listed("Ada Okafor"));
        assert!(!is_listed("Enlisted Person"));
    }
}
