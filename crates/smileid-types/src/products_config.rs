//! `POST /v1/products_config`: the partner's product settings, protocol
//! section 15.3 (camelCase keys, unlike the rest of the API). The request is
//! a [`SignedOnlyRequest`](crate::SignedOnlyRequest).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::scalar::de_lenient_string;
use crate::services::de_map_or_null;

/// The answer of `POST /v1/products_config` (unsigned). Missing maps read
/// as empty; unknown keys are kept.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ProductsConfigResponse {
    /// Per country code: the ID types whose lookups need
    /// `consent_information`.
    #[serde(
        rename = "consentRequired",
        default,
        deserialize_with = "de_map_or_null"
    )]
    pub consent_required: BTreeMap<String, Vec<String>>,
    /// Per product, per country code: the ID types enabled for the partner.
    #[serde(rename = "idSelection", default, deserialize_with = "de_map_or_null")]
    pub id_selection: BTreeMap<String, BTreeMap<String, Vec<String>>>,
    /// The partner's enterprise id.
    #[serde(
        rename = "enterpriseId",
        default,
        deserialize_with = "de_lenient_string"
    )]
    pub enterprise_id: String,
    /// Every other key, as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ProductsConfigResponse {
    /// Whether a lookup of `id_type` in `country` needs consent.
    pub fn consent_required(&self, country: &str, id_type: &str) -> bool {
        self.consent_required
            .get(country)
            .is_some_and(|types| types.iter().any(|t| t == id_type))
    }
}
