//! `POST /v1/valid_documents`: the documents accepted per country,
//! protocol section 15.2. The request is a
//! [`SignedOnlyRequest`](crate::SignedOnlyRequest).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::scalar::{de_lenient_bool, de_lenient_string, de_vec_or_null};

/// The answer of `POST /v1/valid_documents` (unsigned).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ValidDocumentsResponse {
    /// One entry per country.
    #[serde(default, deserialize_with = "de_vec_or_null")]
    pub valid_documents: Vec<CountryDocuments>,
    /// Every other key, as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ValidDocumentsResponse {
    /// The entry of `country` (an upper-case code), if listed.
    pub fn country(&self, country: &str) -> Option<&CountryDocuments> {
        self.valid_documents
            .iter()
            .find(|entry| entry.country.code == country)
    }
}

/// The documents of one country.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CountryDocuments {
    /// The country.
    #[serde(default)]
    pub country: DocumentCountry,
    /// Its accepted documents.
    #[serde(default, deserialize_with = "de_vec_or_null")]
    pub id_types: Vec<DocumentType>,
    /// Every other key, as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A country of `valid_documents`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DocumentCountry {
    /// ISO 3166-1 alpha-2 code.
    #[serde(default, deserialize_with = "de_lenient_string")]
    pub code: String,
    /// The country's name.
    #[serde(default, deserialize_with = "de_lenient_string")]
    pub name: String,
    /// Its continent (`AFRICA`).
    #[serde(default, deserialize_with = "de_lenient_string")]
    pub continent: String,
    /// Every other key, as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One accepted document.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DocumentType {
    /// The ID type code (`PASSPORT`).
    #[serde(default, deserialize_with = "de_lenient_string")]
    pub code: String,
    /// Its name.
    #[serde(default, deserialize_with = "de_lenient_string")]
    pub name: String,
    /// Names the document goes by.
    #[serde(default, deserialize_with = "de_vec_or_null")]
    pub example: Vec<String>,
    /// Whether the document has a back to capture (`image_type_id` 5 or 7).
    #[serde(default, deserialize_with = "de_lenient_bool")]
    pub has_back: bool,
    /// Every other key, as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
