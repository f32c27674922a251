//! The emulator's catalogue: the countries, ID types, required fields,
//! number patterns and test data behind `GET /v1/services`,
//! `POST /v1/valid_documents` and `POST /v1/products_config`.
//!
//! One table ([`ID_TYPES`]) feeds all three answers, so they agree with
//! each other and with the lookups: every `test_data` number matches its
//! pattern and is validated by `/v1/id_verification` (only the documented
//! test numbers of `docs/emulator.md` give other outcomes).

use serde_json::{Map, Value, json};

/// The hosted-web product keys of `services.hosted_web`: all six, as an
/// official mobile SDK requires.
pub(crate) const HOSTED_WEB_PRODUCTS: [&str; 6] = [
    "basic_kyc",
    "biometric_kyc",
    "enhanced_kyc",
    "doc_verification",
    "ekyc_smartselfie",
    "enhanced_document_verification",
];

/// The fields every lookup carries.
const BASE_FIELDS: [&str; 5] = ["country", "id_type", "id_number", "user_id", "job_id"];

/// The fields the hosted Basic KYC page adds: the details it matches.
const BASIC_KYC_FIELDS: [&str; 5] = ["first_name", "last_name", "day", "month", "year"];

/// One ID type of one country.
pub(crate) struct IdTypeEntry {
    pub country: &'static str,
    pub id_type: &'static str,
    pub label: &'static str,
    /// Fields required beyond [`BASE_FIELDS`].
    pub extra_fields: &'static [&'static str],
    /// The ID number pattern, JavaScript-flavoured as Smile ID writes them
    /// (some with a trailing `/i`); `None` for document-only types.
    pub pattern: Option<&'static str>,
    /// A number that matches the pattern and is validated.
    pub test_data: Option<&'static str>,
    /// Whether the document has a back to capture; `None` when it is not
    /// a capturable document (a number only).
    pub has_back: Option<bool>,
    /// Names the document is known by, for `valid_documents`.
    pub examples: &'static [&'static str],
    /// The hosted-web products that offer it.
    pub products: &'static [&'static str],
}

/// The countries, with their names.
pub(crate) const COUNTRIES: [(&str, &str); 5] = [
    ("GH", "Ghana"),
    ("KE", "Kenya"),
    ("NG", "Nigeria"),
    ("UG", "Uganda"),
    ("ZA", "South Africa"),
];

const LOOKUPS: &[&str] = &[
    "basic_kyc",
    "enhanced_kyc",
    "biometric_kyc",
    "ekyc_smartselfie",
];
const ENHANCED: &[&str] = &["enhanced_kyc", "biometric_kyc", "ekyc_smartselfie"];
const DOCUMENT: &[&str] = &["doc_verification", "enhanced_document_verification"];
const EVERY: &[&str] = &[
    "basic_kyc",
    "enhanced_kyc",
    "biometric_kyc",
    "ekyc_smartselfie",
    "doc_verification",
    "enhanced_document_verification",
];

/// The table.
pub(crate) const ID_TYPES: &[IdTypeEntry] = &[
    IdTypeEntry {
        country: "GH",
        id_type: "DRIVERS_LICENSE",
        label: "Driver's License",
        extra_fields: &[],
        pattern: Some("^[a-zA-Z0-9]{6,10}$"),
        test_data: Some("B0000000"),
        has_back: Some(true),
        examples: &["Driving License"],
        products: EVERY,
    },
    IdTypeEntry {
        country: "GH",
        id_type: "GHANA_CARD",
        label: "Ghana Card",
        extra_fields: &[],
        pattern: Some("^GHA-[0-9]{9}-[0-9]$"),
        test_data: Some("GHA-000000000-0"),
        has_back: Some(true),
        examples: &["Ghana Card", "Ghana National ID"],
        products: EVERY,
    },
    IdTypeEntry {
        country: "GH",
        id_type: "PASSPORT",
        label: "Passport",
        extra_fields: &[],
        pattern: Some("^[A-Z][0-9]{7,9}$/i"),
        test_data: Some("G0000000"),
        has_back: Some(false),
        examples: &["Passports"],
        products: EVERY,
    },
    IdTypeEntry {
        country: "GH",
        id_type: "SSNIT",
        label: "SSNIT",
        extra_fields: &[],
        pattern: Some("^[A-Z][0-9]{12}$/i"),
        test_data: Some("C000000000000"),
        has_back: None,
        examples: &[],
        products: ENHANCED,
    },
    IdTypeEntry {
        country: "GH",
        id_type: "VOTER_ID",
        label: "Voter's ID",
        extra_fields: &[],
        pattern: Some("^[0-9]{10}$"),
        test_data: Some("0000000000"),
        has_back: Some(true),
        examples: &["Voter's Card"],
        products: EVERY,
    },
    IdTypeEntry {
        country: "KE",
        id_type: "ALIEN_CARD",
        label: "Alien Card",
        extra_fields: &[],
        pattern: Some("^[0-9]{6,9}$"),
        test_data: Some("000000"),
        has_back: Some(true),
        examples: &["Alien ID"],
        products: EVERY,
    },
    IdTypeEntry {
        country: "KE",
        id_type: "KRA_PIN",
        label: "KRA PIN",
        extra_fields: &[],
        pattern: Some("^[A-Z][0-9]{9}[A-Z]$"),
        test_data: Some("A000000000B"),
        has_back: None,
        examples: &[],
        products: ENHANCED,
    },
    IdTypeEntry {
        country: "KE",
        id_type: "NATIONAL_ID",
        label: "National ID",
        extra_fields: &[],
        pattern: Some("^[0-9]{1,9}$"),
        test_data: Some("00000000"),
        has_back: Some(true),
        examples: &["National ID Card"],
        products: EVERY,
    },
    IdTypeEntry {
        country: "KE",
        id_type: "PASSPORT",
        label: "Passport",
        extra_fields: &[],
        pattern: Some("^[A-Z0-9]{7,9}$"),
        test_data: Some("A00000000"),
        has_back: Some(false),
        examples: &["Passports"],
        products: EVERY,
    },
    IdTypeEntry {
        country: "NG",
        id_type: "BANK_ACCOUNT",
        label: "Bank Account",
        extra_fields: &["bank_code"],
        pattern: Some("^[0-9]{10}$"),
        test_data: Some("0000000000"),
        has_back: None,
        examples: &[],
        products: &["enhanced_kyc"],
    },
    IdTypeEntry {
        country: "NG",
        id_type: "BVN",
        label: "Bank Verification Number",
        extra_fields: &[],
        pattern: Some("^[0-9]{11}$"),
        test_data: Some("00000000000"),
        has_back: None,
        examples: &[],
        products: LOOKUPS,
    },
    IdTypeEntry {
        country: "NG",
        id_type: "DRIVERS_LICENSE",
        label: "Driver's License",
        extra_fields: &["first_name", "last_name", "dob"],
        pattern: Some("^[A-Z]{3}([ -])?[A-Z0-9]{6,7}([ -])?[A-Z0-9]{2,3}$/i"),
        test_data: Some("ABC000000000"),
        has_back: Some(true),
        examples: &["Driving License"],
        products: EVERY,
    },
    IdTypeEntry {
        country: "NG",
        id_type: "NIN_SLIP",
        label: "NIN Slip",
        extra_fields: &[],
        pattern: Some("^[0-9]{11}$"),
        test_data: Some("00000000000"),
        has_back: Some(false),
        examples: &["NIN Slip"],
        products: EVERY,
    },
    IdTypeEntry {
        country: "NG",
        id_type: "NIN_V2",
        label: "National ID Number",
        extra_fields: &[],
        pattern: Some("^[0-9]{11}$"),
        test_data: Some("00000000000"),
        has_back: None,
        examples: &[],
        products: LOOKUPS,
    },
    IdTypeEntry {
        country: "NG",
        id_type: "PASSPORT",
        label: "Passport",
        extra_fields: &["first_name", "last_name"],
        pattern: Some("^[A-Z][0-9]{8}$/i"),
        test_data: Some("A00000000"),
        has_back: Some(false),
        examples: &["Passports"],
        products: EVERY,
    },
    IdTypeEntry {
        country: "NG",
        id_type: "PHONE_NUMBER",
        label: "Phone Number",
        extra_fields: &[],
        pattern: Some("^[0-9]{11}$"),
        test_data: Some("08000000000"),
        has_back: None,
        examples: &[],
        products: &["enhanced_kyc"],
    },
    IdTypeEntry {
        country: "NG",
        id_type: "VOTER_ID",
        label: "Voter's Card",
        extra_fields: &[],
        pattern: Some("^[a-zA-Z0-9 ]{9,19}$"),
        test_data: Some("0000000000000000000"),
        has_back: Some(true),
        examples: &["Permanent Voter's Card"],
        products: EVERY,
    },
    IdTypeEntry {
        country: "UG",
        id_type: "NATIONAL_ID_NO_PHOTO",
        label: "National ID (no photo)",
        extra_fields: &[],
        pattern: Some("^[A-Z0-9]{14}$"),
        test_data: Some("CM000000000000"),
        has_back: None,
        examples: &[],
        products: &["basic_kyc", "enhanced_kyc"],
    },
    IdTypeEntry {
        country: "UG",
        id_type: "PASSPORT",
        label: "Passport",
        extra_fields: &[],
        pattern: None,
        test_data: None,
        has_back: Some(false),
        examples: &["Passports"],
        products: DOCUMENT,
    },
    IdTypeEntry {
        country: "ZA",
        id_type: "NATIONAL_ID",
        label: "National ID",
        extra_fields: &[],
        pattern: Some("^[0-9]{13}$"),
        test_data: Some("0000000000000"),
        has_back: Some(true),
        examples: &["Green ID Book", "Smart ID Card"],
        products: EVERY,
    },
    IdTypeEntry {
        country: "ZA",
        id_type: "NATIONAL_ID_NO_PHOTO",
        label: "National ID (no photo)",
        extra_fields: &[],
        pattern: Some("^[0-9]{13}$"),
        test_data: Some("0000000000000"),
        has_back: None,
        examples: &[],
        products: &["basic_kyc", "enhanced_kyc"],
    },
];

/// A few Nigerian banks, for `BANK_ACCOUNT` lookups.
const BANK_CODES: [(&str, &str, &str); 5] = [
    ("Access Bank", "044", "000014"),
    ("First Bank of Nigeria", "011", "000016"),
    ("Guaranty Trust Bank", "058", "000013"),
    ("United Bank for Africa", "033", "000004"),
    ("Zenith Bank", "057", "000015"),
];

/// The ID types whose lookups need `consent_information`.
const CONSENT_REQUIRED: [(&str, &str); 2] = [("NG", "NIN_V2"), ("NG", "NIN_SLIP")];

fn country_name(code: &str) -> &'static str {
    COUNTRIES
        .iter()
        .find(|(c, _)| *c == code)
        .map_or("", |(_, name)| name)
}

fn required_fields(entry: &IdTypeEntry) -> Vec<&'static str> {
    BASE_FIELDS
        .iter()
        .chain(entry.extra_fields)
        .copied()
        .collect()
}

/// The body of `GET /v1/services`.
pub(crate) fn services() -> Value {
    let bank_codes: Vec<Value> = BANK_CODES
        .iter()
        .map(|(name, code, nip)| json!({"name": name, "code": code, "nip_code": nip}))
        .collect();
    let mut id_types = Map::new();
    for entry in ID_TYPES.iter().filter(|e| e.pattern.is_some()) {
        let country = id_types
            .entry(entry.country)
            .or_insert_with(|| Value::Object(Map::new()));
        country[entry.id_type] = json!(required_fields(entry));
    }
    let mut hosted_web = Map::new();
    for product in HOSTED_WEB_PRODUCTS {
        let mut countries = Map::new();
        for entry in ID_TYPES.iter().filter(|e| e.products.contains(&product)) {
            let country = countries
                .entry(entry.country)
                .or_insert_with(|| json!({"name": country_name(entry.country), "id_types": {}}));
            let item = if product == "doc_verification" {
                json!({"label": entry.label})
            } else {
                let mut fields = required_fields(entry);
                if product == "basic_kyc" {
                    for field in BASIC_KYC_FIELDS {
                        if !fields.contains(&field) {
                            fields.push(field);
                        }
                    }
                }
                if product == "enhanced_document_verification" {
                    fields.retain(|f| *f != "id_number");
                }
                json!({
                    "label": entry.label,
                    "required_fields": fields,
                    "test_data": entry.test_data,
                    "id_number_regex": entry.pattern,
                })
            };
            country["id_types"][entry.id_type] = item;
        }
        hosted_web.insert(product.to_owned(), Value::Object(countries));
    }
    json!({"bank_codes": bank_codes, "id_types": id_types, "hosted_web": hosted_web})
}

/// The body of `POST /v1/valid_documents`: the capturable documents.
pub(crate) fn valid_documents() -> Value {
    let list: Vec<Value> = COUNTRIES
        .iter()
        .filter_map(|(code, name)| {
            let types: Vec<Value> = ID_TYPES
                .iter()
                .filter(|e| e.country == *code)
                .filter_map(|e| {
                    e.has_back.map(|has_back| {
                        json!({
                            "code": e.id_type,
                            "example": e.examples,
                            "has_back": has_back,
                            "name": e.label,
                        })
                    })
                })
                .collect();
            (!types.is_empty()).then(|| {
                json!({
                    "country": {"code": code, "continent": "AFRICA", "name": name},
                    "id_types": types,
                })
            })
        })
        .collect();
    json!({"valid_documents": list})
}

/// Appends `item` to the list under `key`.
fn push(map: &mut Map<String, Value>, key: &str, item: &str) {
    if let Value::Array(list) = map.entry(key).or_insert_with(|| json!([])) {
        list.push(json!(item));
    }
}

/// The body of `POST /v1/products_config` for `partner_id`.
pub(crate) fn products_config(partner_id: &str) -> Value {
    let mut consent = Map::new();
    for (country, id_type) in CONSENT_REQUIRED {
        push(&mut consent, country, id_type);
    }
    let mut selection = Map::new();
    for product in HOSTED_WEB_PRODUCTS {
        let mut countries = Map::new();
        for entry in ID_TYPES.iter().filter(|e| e.products.contains(&product)) {
            push(&mut countries, entry.country, entry.id_type);
        }
        selection.insert(product.to_owned(), Value::Object(countries));
    }
    json!({
        "consentRequired": consent,
        "enterpriseId": format!("{partner_id:0>9}"),
        "idSelection": selection,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_country_is_named_and_every_entry_is_consistent() {
        for entry in ID_TYPES {
            assert!(!country_name(entry.country).is_empty(), "{}", entry.id_type);
            assert_eq!(entry.pattern.is_some(), entry.test_data.is_some());
            assert!(!entry.products.is_empty());
            assert!(
                entry
                    .products
                    .iter()
                    .all(|p| HOSTED_WEB_PRODUCTS.contains(p))
            );
        }
        let services = services();
        assert_eq!(
            services["hosted_web"].as_object().map(Map::len),
            Some(HOSTED_WEB_PRODUCTS.len())
        );
        for (code, _) in COUNTRIES {
            assert!(services["id_types"].get(code).is_some(), "{code}");
        }
    }
}
