//! `GET /v1/services`: Smile ID's catalogue of ID types, required fields,
//! bank codes and hosted-web products, protocol section 15.1.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::scalar::{de_lenient_string, de_vec_or_null};

/// The answer of `GET /v1/services` (unauthenticated, unsigned). Missing
/// parts read as empty; unknown keys are kept at every level.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ServicesResponse {
    /// Nigerian bank codes, for `BANK_ACCOUNT` lookups.
    #[serde(default, deserialize_with = "de_vec_or_null")]
    pub bank_codes: Vec<BankCode>,
    /// Per country code, per ID type: the fields a request for that type
    /// must carry (in identity fields or partner params).
    #[serde(default, deserialize_with = "de_map_or_null")]
    pub id_types: BTreeMap<String, BTreeMap<String, Vec<String>>>,
    /// Per hosted-web product (`basic_kyc`, ...), per country code: what the
    /// hosted page offers.
    #[serde(default, deserialize_with = "de_map_or_null")]
    pub hosted_web: BTreeMap<String, BTreeMap<String, HostedWebCountry>>,
    /// Every other key, as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ServicesResponse {
    /// The fields required for `id_type` in `country` (upper-case codes), if
    /// the catalogue lists the pair.
    pub fn required_fields(&self, country: &str, id_type: &str) -> Option<&[String]> {
        self.id_types
            .get(country)
            .and_then(|types| types.get(id_type))
            .map(Vec::as_slice)
    }

    /// Every hosted-web entry for `id_type` in `country`, with its product.
    pub fn hosted_web_entries<'a>(
        &'a self,
        country: &'a str,
        id_type: &'a str,
    ) -> impl Iterator<Item = (&'a str, &'a HostedWebIdType)> + 'a {
        self.hosted_web
            .iter()
            .filter_map(move |(product, countries)| {
                countries
                    .get(country)
                    .and_then(|c| c.id_types.get(id_type))
                    .map(|entry| (product.as_str(), entry))
            })
    }
}

/// One bank of `bank_codes`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BankCode {
    /// The bank's name.
    #[serde(default, deserialize_with = "de_lenient_string")]
    pub name: String,
    /// The code to send as `bank_code`.
    #[serde(default, deserialize_with = "de_lenient_string")]
    pub code: String,
    /// The bank's NIP code, when listed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nip_code: Option<String>,
    /// Every other key, as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One country of a hosted-web product.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct HostedWebCountry {
    /// The country's name.
    #[serde(default, deserialize_with = "de_lenient_string")]
    pub name: String,
    /// Per ID type: how the hosted page asks for it.
    #[serde(default, deserialize_with = "de_map_or_null")]
    pub id_types: BTreeMap<String, HostedWebIdType>,
    /// Every other key, as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One ID type of a hosted-web country. `doc_verification` entries carry
/// only `label`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct HostedWebIdType {
    /// The label shown to the user.
    #[serde(default, deserialize_with = "de_lenient_string")]
    pub label: String,
    /// The fields the page collects (absent for `doc_verification`).
    #[serde(
        default,
        deserialize_with = "de_vec_or_null",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub required_fields: Vec<String>,
    /// An ID number that works in the sandbox, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test_data: Option<String>,
    /// The pattern an ID number must match, JavaScript-flavoured and kept as
    /// text (some carry a stray `/i` suffix).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_number_regex: Option<String>,
    /// Every other key, as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A map that may arrive as `null` (read as empty).
pub(crate) fn de_map_or_null<'de, D, K, V>(deserializer: D) -> Result<BTreeMap<K, V>, D::Error>
where
    D: serde::Deserializer<'de>,
    K: Deserialize<'de> + Ord,
    V: Deserialize<'de>,
{
    Ok(Option::<BTreeMap<K, V>>::deserialize(deserializer)?.unwrap_or_default())
}
