//! The flat result object: the `result` of a job status response, each
//! `history` entry, the body of a callback, and the answer of a synchronous
//! lookup.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::actions::Actions;
use crate::job_type::JobType;
use crate::partner_params::PartnerParams;
use crate::result_code::{Outcome, ResultCategory, ResultCode};
use crate::scalar::{Key, Scalar};

/// Reads one field value from a map: `null` gives `None` for typed fields,
/// while raw JSON fields keep `null` as `Some(Value::Null)`.
trait FieldValue: Sized {
    fn read<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Option<Self>, A::Error>;
}

macro_rules! field_value_opt {
    ($($t:ty),*) => {$(
        impl FieldValue for $t {
            fn read<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Option<Self>, A::Error> {
                map.next_value::<Option<$t>>()
            }
        }
    )*};
}

field_value_opt!(Scalar, ResultCode, PartnerParams, Actions, Vec<Scalar>);

impl FieldValue for Value {
    fn read<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Option<Self>, A::Error> {
        map.next_value::<Value>().map(Some)
    }
}

macro_rules! job_result {
    ( $( $(#[$meta:meta])* $field:ident : $ty:ty = $wire:literal, )* ) => {
        /// The typed fields, numbered for the duplicate-key bit set.
        #[allow(non_camel_case_types)]
        enum FieldBit {
            $( $field, )*
            /// The number of typed fields.
            Count,
        }

        // Every typed field has a bit in the `u32` of seen keys.
        const _: () = assert!((FieldBit::Count as u32) <= 32);

        /// A result object (protocol section 3): the `result` of a job status
        /// response, each entry of its `history`, and the result part of a
        /// callback body.
        ///
        /// Every documented key is a typed field named in snake case (the wire
        /// names are given on each field). Scalars are [`Scalar`]s, which keep
        /// the text and the JSON shape as received. Keys this crate does not
        /// know are kept in [`JobResult::extra`] and written back on
        /// serialization. A `null` value of a typed field reads as `None`
        /// (and is then omitted on serialization).
        #[derive(Debug, Clone, Default, PartialEq)]
        #[non_exhaustive]
        pub struct JobResult {
            $(
                $(#[$meta])*
                #[doc = concat!("\n\nWire name: `", $wire, "`.")]
                pub $field: Option<$ty>,
            )*
            /// Keys not listed above, with their values as received.
            pub extra: Map<String, Value>,
        }

        impl JobResult {
            /// The wire names of every typed field, in documentation order.
            pub const KNOWN_KEYS: &'static [&'static str] = &[ $( $wire, )* ];

            /// Whether `key` is the wire name of a typed field.
            pub fn is_known_key(key: &str) -> bool {
                matches!(key, $( $wire )|*)
            }

            /// Reads the value of one entry of the result object. `seen`
            /// holds a bit per typed field already read (also when its value
            /// was `null`), so a key given twice is an error.
            pub(crate) fn read_entry<'de, A: MapAccess<'de>>(
                &mut self,
                seen: &mut u32,
                key: Cow<'de, str>,
                map: &mut A,
            ) -> Result<(), A::Error> {
                match &*key {
                    $(
                        $wire => {
                            let bit = 1u32 << (FieldBit::$field as u32);
                            if *seen & bit != 0 {
                                return Err(de::Error::duplicate_field($wire));
                            }
                            *seen |= bit;
                            self.$field = <$ty as FieldValue>::read(map)?;
                        }
                    )*
                    _ => {
                        if self.extra.contains_key(&*key) {
                            return Err(de::Error::custom(format_args!(
                                "duplicate field `{}`",
                                crate::scalar::clip(&key, 64)
                            )));
                        }
                        let value: Value = map.next_value()?;
                        let key = key.into_owned();
                        self.extra.insert(key, value);
                    }
                }
                Ok(())
            }

            /// The number of entries [`JobResult::write_entries`] writes.
            pub(crate) fn entry_count(&self, reserved: &[&str]) -> usize {
                let mut n = 0;
                $( if self.$field.is_some() { n += 1; } )*
                n + self
                    .extra
                    .keys()
                    .filter(|k| !Self::is_known_key(k) && !reserved.contains(&k.as_str()))
                    .count()
            }

            /// Writes the entries of the result object into `map`. Extra keys
            /// that collide with a typed field or with `reserved` are skipped.
            pub(crate) fn write_entries<M: SerializeMap>(
                &self,
                map: &mut M,
                reserved: &[&str],
            ) -> Result<(), M::Error> {
                $(
                    if let Some(v) = &self.$field {
                        map.serialize_entry($wire, v)?;
                    }
                )*
                for (k, v) in &self.extra {
                    if !Self::is_known_key(k) && !reserved.contains(&k.as_str()) {
                        map.serialize_entry(k, v)?;
                    }
                }
                Ok(())
            }
        }
    };
}

job_result! {
    /// The result code (`"0810"`); see [`ResultCode`].
    result_code: ResultCode = "ResultCode",
    /// Human text for the result; may carry stray spaces (`" Enroll User"`),
    /// see [`JobResult::result_text_trimmed`].
    result_text: Scalar = "ResultText",
    /// The kind of result: `SAIA`, `DIVA`, `ID Verification`, ...
    result_type: Scalar = "ResultType",
    /// Smile ID's own job id (zero-padded text).
    smile_job_id: Scalar = "SmileJobID",
    /// The partner parameters given with the job.
    partner_params: PartnerParams = "PartnerParams",
    /// Each action's verdict.
    actions: Actions = "Actions",
    /// Confidence, usually text (`"99"`, `"97.000000"`); see
    /// [`JobResult::confidence`].
    confidence_value: Scalar = "ConfidenceValue",
    /// `"true"`/`"false"`; see [`JobResult::is_final`].
    is_final_result: Scalar = "IsFinalResult",
    /// `"true"`/`"false"`; see [`JobResult::is_machine_result`].
    is_machine_result: Scalar = "IsMachineResult",
    /// Result format version (`"1.0.0"`).
    json_version: Scalar = "JSONVersion",
    /// Where the job came from (`"WebAPI"`).
    source: Scalar = "Source",
    /// KYC data: the ID's country (`"NG"`).
    country: Scalar = "Country",
    /// KYC data: the ID type (`"NIN"`).
    id_type: Scalar = "IDType",
    /// KYC data: the ID number.
    id_number: Scalar = "IDNumber",
    /// KYC data: full name.
    full_name: Scalar = "FullName",
    /// KYC data: date of birth.
    dob: Scalar = "DOB",
    /// KYC data: ID expiration date.
    expiration_date: Scalar = "ExpirationDate",
    /// KYC data: gender.
    gender: Scalar = "Gender",
    /// KYC data: phone number.
    phone_number: Scalar = "PhoneNumber",
    /// KYC data: second phone number.
    phone_number2: Scalar = "PhoneNumber2",
    /// KYC data: address.
    address: Scalar = "Address",
    /// KYC data: the ID photo, base64 or `"Not Available"`.
    photo: Scalar = "Photo",
    /// KYC data: the document image.
    document: Scalar = "Document",
    /// KYC data: a secondary ID number.
    secondary_id_number: Scalar = "Secondary_ID_Number",
    /// Whether the ID number was registered before (a boolean, or the text
    /// `"true"`); see [`JobResult::id_number_previously_registered`].
    id_number_previously_registered: Scalar = "IDNumberPreviouslyRegistered",
    /// The user ids that registered this ID number before.
    user_ids_of_previous_registrants: Vec<Scalar> = "UserIDsOfPreviousRegistrants",
    /// Anti-fraud details, kept as raw JSON.
    antifraud: Value = "Antifraud",
    /// The full data returned by the ID authority, kept as raw JSON.
    full_data: Value = "FullData",
}

impl JobResult {
    /// Decodes a result object (for example one `history` entry) from JSON
    /// bytes; see [`crate::decode`].
    pub fn from_slice(bytes: &[u8]) -> Result<Self, crate::DecodeError> {
        crate::decode(bytes)
    }

    /// The result code.
    pub fn result_code(&self) -> Option<&ResultCode> {
        self.result_code.as_ref()
    }

    /// The category of the result code ([`ResultCategory::Unknown`] when the
    /// code is missing or not documented).
    pub fn category(&self) -> ResultCategory {
        self.result_code
            .as_ref()
            .map_or(ResultCategory::Unknown, ResultCode::category)
    }

    /// The outcome of this result, from its result code's category
    /// ([`Outcome::Unknown`] with the code text for undocumented codes, and
    /// with empty text when there is no code). Never [`Outcome::Pending`].
    pub fn outcome(&self) -> Outcome {
        match &self.result_code {
            Some(code) => Outcome::from_code(code),
            None => Outcome::Unknown(String::new()),
        }
    }

    /// The result text without surrounding whitespace.
    pub fn result_text_trimmed(&self) -> Option<&str> {
        self.result_text.as_ref().map(Scalar::trimmed)
    }

    /// The confidence value as a number (`"99"`, `99`, `"97.000000"`,
    /// `"99.99"`); `None` when missing or not a finite number.
    pub fn confidence(&self) -> Option<f64> {
        self.confidence_value.as_ref().and_then(Scalar::as_f64)
    }

    /// `IsFinalResult` as a boolean (`"true"`, `true`, `"True"`...).
    pub fn is_final(&self) -> Option<bool> {
        self.is_final_result.as_ref().and_then(Scalar::as_bool)
    }

    /// `IsMachineResult` as a boolean.
    pub fn is_machine_result(&self) -> Option<bool> {
        self.is_machine_result.as_ref().and_then(Scalar::as_bool)
    }

    /// `IDNumberPreviouslyRegistered` as a boolean.
    pub fn id_number_previously_registered(&self) -> Option<bool> {
        self.id_number_previously_registered
            .as_ref()
            .and_then(Scalar::as_bool)
    }

    /// Smile ID's job id.
    pub fn smile_job_id(&self) -> Option<&str> {
        self.smile_job_id.as_deref()
    }

    /// The actions and their verdicts.
    pub fn actions(&self) -> Option<&Actions> {
        self.actions.as_ref()
    }

    /// The partner parameters.
    pub fn partner_params(&self) -> Option<&PartnerParams> {
        self.partner_params.as_ref()
    }

    /// The job type from `PartnerParams.job_type`.
    pub fn job_type(&self) -> Option<JobType> {
        self.partner_params
            .as_ref()
            .and_then(PartnerParams::job_type)
    }
}

struct JobResultVisitor;

impl<'de> Visitor<'de> for JobResultVisitor {
    type Value = JobResult;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a result object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<JobResult, A::Error> {
        let mut result = JobResult::default();
        let mut seen = 0u32;
        while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
            result.read_entry(&mut seen, key, &mut map)?;
        }
        Ok(result)
    }
}

pub(crate) fn visit_job_result_map<'de, A: MapAccess<'de>>(map: A) -> Result<JobResult, A::Error> {
    JobResultVisitor.visit_map(map)
}

impl<'de> Deserialize<'de> for JobResult {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(JobResultVisitor)
    }
}

impl Serialize for JobResult {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.entry_count(&[])))?;
        self.write_entries(&mut map, &[])?;
        map.end()
    }
}
