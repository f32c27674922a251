//! The personal data an ID authority returned, with Smile ID's placeholders
//! (`"Not Available"`, `"N/A"`, `"NaN-NaN-NaN"`, ...) read as absent.

use crate::result::JobResult;
use crate::scalar::Scalar;

/// The texts Smile ID sends in place of a value it does not have (protocol
/// sections 10.2 and 11.1), compared without case and surrounding spaces.
pub const PLACEHOLDERS: &[&str] = &[
    "",
    "Not Available",
    "N/A",
    "NA",
    "NaN-NaN-NaN",
    "Not Applicable",
    "None",
    "null",
];

/// Whether `text` is one of Smile ID's "no value" [`PLACEHOLDERS`].
///
/// ```
/// use smileid_types::is_placeholder;
///
/// assert!(is_placeholder(" not available ") && is_placeholder("NaN-NaN-NaN"));
/// assert!(!is_placeholder("OKAFOR ADAEZE"));
/// ```
pub fn is_placeholder(text: &str) -> bool {
    let text = text.trim();
    PLACEHOLDERS.iter().any(|p| p.eq_ignore_ascii_case(text))
}

/// The text of `value`, trimmed, unless it is absent or a placeholder.
pub(crate) fn known(value: Option<&Scalar>) -> Option<&str> {
    value.map(Scalar::trimmed).filter(|t| !is_placeholder(t))
}

/// The personal-info fields of a result ([`JobResult::personal_info`]):
/// each accessor gives the trimmed text, or `None` when the field is absent
/// or a placeholder, so that `"Not Available"` is never taken for a name.
/// The raw values stay in the [`JobResult`]'s fields.
#[derive(Debug, Clone, Copy)]
pub struct PersonalInfo<'a> {
    result: &'a JobResult,
}

macro_rules! known_fields {
    ($( $(#[$meta:meta])* $name:ident => $field:ident, )*) => {
        impl<'a> PersonalInfo<'a> {
            $(
                $(#[$meta])*
                pub fn $name(&self) -> Option<&'a str> {
                    known(self.result.$field.as_ref())
                }
            )*

            /// Whether every field above is absent or a placeholder.
            pub fn is_empty(&self) -> bool {
                true $( && self.$name().is_none() )*
            }
        }
    };
}

known_fields! {
    /// `FullName`.
    full_name => full_name,
    /// `DOB`, as text (`"1991-03-14"`; formats vary by authority).
    date_of_birth => dob,
    /// `Gender` (`"Male"`, `"F"`, ...).
    gender => gender,
    /// `PhoneNumber`.
    phone_number => phone_number,
    /// `PhoneNumber2`.
    phone_number2 => phone_number2,
    /// `Address`.
    address => address,
    /// `ExpirationDate`, as text.
    expiration_date => expiration_date,
    /// `Country` as echoed.
    country => country,
    /// `IDType` as echoed.
    id_type => id_type,
    /// `IDNumber` as echoed.
    id_number => id_number,
    /// `Secondary_ID_Number`.
    secondary_id_number => secondary_id_number,
    /// `Photo`: base64 JPEG text (decode it with any base64 decoder, or
    /// `smileid-core`'s lookup result).
    photo_base64 => photo,
    /// `Document`: base64 image text.
    document_base64 => document,
}

impl JobResult {
    /// The personal-info fields, placeholders read as absent.
    ///
    /// ```
    /// use smileid_types::JobResult;
    ///
    /// let result: JobResult = serde_json::from_str(
    ///     r#"{"ResultCode": "1013", "FullName": "Not Available", "DOB": "NaN-NaN-NaN", "Country": "KE"}"#,
    /// ).unwrap();
    /// let info = result.personal_info();
    /// assert_eq!(info.full_name(), None);
    /// assert_eq!(info.date_of_birth(), None);
    /// assert_eq!(info.country(), Some("KE"));
    /// ```
    pub fn personal_info(&self) -> PersonalInfo<'_> {
        PersonalInfo { result: self }
    }
}
