//! Image jobs (job types 1, 2, 4, 6, 11), protocol section 13: the
//! prep-upload call (`POST /v1/upload`) and its answer, the image kinds,
//! and `info.json`, the manifest of the zip that is then PUT to the upload
//! URL.
//!
//! Writing follows the protocol's canonical example key for key; reading
//! accepts what the official clients send (section 13.5): `image_type_id` as
//! a number or a numeric string, `entered` and `retry` as a bool or a
//! string, `null` values, an image in file or base64 form, a
//! `server_information` that is only the upload URL, and unknown keys, kept.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::envelope::SignatureText;
use crate::partner_params::PartnerParams;
use crate::scalar::{de_lenient_bool, de_lenient_string, de_opt_lenient_bool, de_vec_or_null};

/// What an image is, independent of its form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ImageKind {
    /// The user's selfie.
    Selfie,
    /// The front of an ID card or document.
    IdFront,
    /// A liveness (proof of life) frame.
    Liveness,
    /// The back of an ID card or document.
    IdBack,
}

/// The encoding of an image, told by its first bytes (the only image
/// formats Smile ID takes in a zip).
///
/// ```
/// use smileid_types::image_job::ImageFormat;
///
/// assert_eq!(ImageFormat::detect(&[0xFF, 0xD8, 0xFF, 0xE0]), Some(ImageFormat::Jpeg));
/// assert_eq!(ImageFormat::detect(b"GIF89a"), None);
/// assert_eq!(ImageFormat::Png.extension(), "png");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ImageFormat {
    /// JPEG (`FF D8 FF`).
    Jpeg,
    /// PNG (`89 50 4E 47 0D 0A 1A 0A`).
    Png,
}

impl ImageFormat {
    /// The format of `bytes`, if they start with a JPEG or PNG signature.
    pub fn detect(bytes: &[u8]) -> Option<Self> {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Self::Jpeg)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Self::Png)
        } else {
            None
        }
    }

    /// The file name extension of a zip entry: `jpg` or `png`.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Jpeg => "jpg",
            Self::Png => "png",
        }
    }

    /// The media type: `image/jpeg` or `image/png`.
    pub fn mime(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
        }
    }
}

/// `image_type_id`: an image's kind and form (a file in the zip, or base64
/// text in `info.json`), protocol section 13.6. Unknown ids are kept as
/// [`ImageType::Other`].
///
/// ```
/// use smileid_types::image_job::{ImageKind, ImageType};
///
/// assert_eq!(ImageType::from_id(4), ImageType::LivenessFile);
/// assert_eq!(ImageType::LivenessFile.kind(), Some(ImageKind::Liveness));
/// assert_eq!(ImageType::SelfieBase64.id(), 2);
/// assert!(ImageType::SelfieBase64.is_base64());
/// assert_eq!(ImageType::from_id(12), ImageType::Other(12));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ImageType {
    /// 0: a selfie, as a file.
    SelfieFile,
    /// 1: an ID card front, as a file.
    IdFrontFile,
    /// 2: a selfie, as base64.
    SelfieBase64,
    /// 3: an ID card front, as base64.
    IdFrontBase64,
    /// 4: a liveness frame, as a file.
    LivenessFile,
    /// 5: an ID card back, as a file.
    IdBackFile,
    /// 6: a liveness frame, as base64.
    LivenessBase64,
    /// 7: an ID card back, as base64.
    IdBackBase64,
    /// Any other id (Smile ID also documents 12, a trusted-source portrait).
    Other(u32),
}

impl ImageType {
    /// The type of `id`.
    pub fn from_id(id: u32) -> Self {
        match id {
            0 => Self::SelfieFile,
            1 => Self::IdFrontFile,
            2 => Self::SelfieBase64,
            3 => Self::IdFrontBase64,
            4 => Self::LivenessFile,
            5 => Self::IdBackFile,
            6 => Self::LivenessBase64,
            7 => Self::IdBackBase64,
            other => Self::Other(other),
        }
    }

    /// The wire id.
    pub fn id(self) -> u32 {
        match self {
            Self::SelfieFile => 0,
            Self::IdFrontFile => 1,
            Self::SelfieBase64 => 2,
            Self::IdFrontBase64 => 3,
            Self::LivenessFile => 4,
            Self::IdBackFile => 5,
            Self::LivenessBase64 => 6,
            Self::IdBackBase64 => 7,
            Self::Other(id) => id,
        }
    }

    /// The file form of `kind`.
    pub fn file(kind: ImageKind) -> Self {
        match kind {
            ImageKind::Selfie => Self::SelfieFile,
            ImageKind::IdFront => Self::IdFrontFile,
            ImageKind::Liveness => Self::LivenessFile,
            ImageKind::IdBack => Self::IdBackFile,
        }
    }

    /// The base64 form of `kind`.
    pub fn base64(kind: ImageKind) -> Self {
        match kind {
            ImageKind::Selfie => Self::SelfieBase64,
            ImageKind::IdFront => Self::IdFrontBase64,
            ImageKind::Liveness => Self::LivenessBase64,
            ImageKind::IdBack => Self::IdBackBase64,
        }
    }

    /// What the image is; `None` for an unknown id.
    pub fn kind(self) -> Option<ImageKind> {
        match self {
            Self::SelfieFile | Self::SelfieBase64 => Some(ImageKind::Selfie),
            Self::IdFrontFile | Self::IdFrontBase64 => Some(ImageKind::IdFront),
            Self::LivenessFile | Self::LivenessBase64 => Some(ImageKind::Liveness),
            Self::IdBackFile | Self::IdBackBase64 => Some(ImageKind::IdBack),
            Self::Other(_) => None,
        }
    }

    /// Whether the image travels as base64 text in `info.json`.
    pub fn is_base64(self) -> bool {
        matches!(
            self,
            Self::SelfieBase64 | Self::IdFrontBase64 | Self::LivenessBase64 | Self::IdBackBase64
        )
    }
}

impl Serialize for ImageType {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u32(self.id())
    }
}

struct ImageTypeVisitor;

impl Visitor<'_> for ImageTypeVisitor {
    type Value = ImageType;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an image_type_id: a non-negative integer or a numeric string")
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<ImageType, E> {
        u32::try_from(v)
            .map(ImageType::from_id)
            .map_err(|_| E::custom(format!("image_type_id {v} is out of range")))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<ImageType, E> {
        u64::try_from(v)
            .map_err(|_| E::custom(format!("image_type_id {v} is negative")))
            .and_then(|v| self.visit_u64(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<ImageType, E> {
        v.trim()
            .parse::<u32>()
            .map(ImageType::from_id)
            .map_err(|_| E::custom(format!("image_type_id {v:?} is not a number")))
    }
}

impl<'de> Deserialize<'de> for ImageType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ImageTypeVisitor)
    }
}

/// Writes a bool as the text `"true"` or `"false"`, as `info.json` does.
fn ser_bool_text<S: Serializer>(value: &bool, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(if *value { "true" } else { "false" })
}

/// `Option<String>` that may arrive as a number; `null` is `None`.
fn de_opt_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<Value>::deserialize(deserializer)? {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s),
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(Value::Bool(b)) => Some(b.to_string()),
        Some(other) => {
            return Err(de::Error::custom(format!(
                "expected text, found {}",
                match other {
                    Value::Array(_) => "an array",
                    _ => "an object",
                }
            )));
        }
    })
}

/// `model_parameters`: an object, or `""` / `null` (read as empty).
fn de_object_or_empty<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Map<String, Value>, D::Error> {
    match Option::<Value>::deserialize(deserializer)? {
        Some(Value::Object(map)) => Ok(map),
        None | Some(Value::Null) => Ok(Map::new()),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(Map::new()),
        Some(_) => Err(de::Error::custom(
            "expected an object, an empty string or null",
        )),
    }
}

/// The JSON body of `POST /v1/upload` (protocol 13.1), keys in the
/// protocol's order; `None` fields are omitted. Identity keys and
/// `metadata` that some clients add are kept in `extra`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PrepUploadRequest {
    /// The partner id (this call names it `smile_client_id`).
    pub smile_client_id: String,
    /// The signed timestamp.
    #[serde(deserialize_with = "de_lenient_string")]
    pub timestamp: String,
    /// The signature over `timestamp` and the partner id.
    pub signature: SignatureText,
    /// `user_id`, `job_id`, `job_type` (1, 2, 4, 6 or 11) and extras.
    pub partner_params: PartnerParams,
    /// The zip's name: `selfie.zip`.
    #[serde(default, deserialize_with = "de_lenient_string")]
    pub file_name: String,
    /// Always `{}` when written; `""` and `null` read as empty.
    #[serde(default, deserialize_with = "de_object_or_empty")]
    pub model_parameters: Map<String, Value>,
    /// Where the result is posted; `""` when the caller polls.
    #[serde(default, deserialize_with = "de_lenient_string")]
    pub callback_url: String,
    /// Use the selfie on file (job types 6 and 11 only).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_lenient_bool"
    )]
    pub use_enrolled_image: Option<bool>,
    /// Let an enrolled user enrol again (job types 1 and 4).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_lenient_bool"
    )]
    pub allow_new_enroll: Option<bool>,
    /// `true` only to get a fresh upload URL for a job whose zip never
    /// arrived (the `2215` recovery, protocol 13.8).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_lenient_bool"
    )]
    pub retry: Option<bool>,
    /// The name of the SDK sending the request (`rest_api`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_sdk: Option<String>,
    /// The version of the SDK sending the request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_sdk_version: Option<String>,
    /// Every other key, as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The answer of `POST /v1/upload` (protocol 13.2), unsigned. A missing
/// `upload_url` or `smile_job_id` is a decode error; `code` and
/// `smile_job_id` are read as text or numbers. Written in the order Smile
/// ID sends it, which is also `info.json`'s `server_information`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PrepUploadResponse {
    /// The presigned URL the zip is PUT to, byte for byte as received.
    pub upload_url: String,
    /// `<partner_id>-<smile_job_id>-<hash>`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_text"
    )]
    pub ref_id: Option<String>,
    /// Smile ID's job id (the result's `SmileJobID`), zero-padded.
    #[serde(deserialize_with = "de_lenient_string")]
    pub smile_job_id: String,
    /// Undocumented (`"null"` seen); kept as received.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub camera_config: Option<Value>,
    /// `"2202"` on success.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_text"
    )]
    pub code: Option<String>,
    /// Every other key, as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl PrepUploadResponse {
    /// The success code of a prep upload.
    pub const SUCCESS_CODE: &'static str = "2202";

    /// An answer with `upload_url` and `smile_job_id`, code `2202`.
    pub fn new(upload_url: impl Into<String>, smile_job_id: impl Into<String>) -> Self {
        Self {
            upload_url: upload_url.into(),
            ref_id: None,
            smile_job_id: smile_job_id.into(),
            camera_config: None,
            code: Some(Self::SUCCESS_CODE.to_owned()),
            extra: Map::new(),
        }
    }
}

/// `package_information.apiVersion`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ApiVersion {
    /// `0`.
    #[serde(default)]
    pub build_number: u32,
    /// `2`.
    #[serde(default)]
    pub major_version: u32,
    /// `0`.
    #[serde(default)]
    pub minor_version: u32,
}

/// `info.json`'s `package_information`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PackageInformation {
    /// The manifest version: 2.0.0.
    pub api_version: ApiVersion,
    /// The writer's language (`rust` for smileid).
    #[serde(default, deserialize_with = "de_lenient_string")]
    pub language: String,
    /// Every other key, as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Default for PackageInformation {
    /// API version 2.0.0, language `rust`.
    fn default() -> Self {
        Self {
            api_version: ApiVersion {
                build_number: 0,
                major_version: 2,
                minor_version: 0,
            },
            language: "rust".to_owned(),
            extra: Map::new(),
        }
    }
}

/// `misc_information.userData`: a fixed legacy block, written as the
/// protocol's example has it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[non_exhaustive]
pub struct UserData {
    /// `false`.
    pub is_verified_process: bool,
    /// `""`.
    pub name: String,
    /// `""`.
    #[serde(rename = "fbUserID")]
    pub fb_user_id: String,
    /// `""`.
    pub first_name: String,
    /// `""`.
    pub last_name: String,
    /// `""`.
    pub gender: String,
    /// `""`.
    pub email: String,
    /// `""`.
    pub phone: String,
    /// `"+"`.
    pub country_code: String,
    /// `""`.
    pub country_name: String,
}

impl Default for UserData {
    fn default() -> Self {
        Self {
            is_verified_process: false,
            name: String::new(),
            fb_user_id: String::new(),
            first_name: String::new(),
            last_name: String::new(),
            gender: String::new(),
            email: String::new(),
            phone: String::new(),
            country_code: "+".to_owned(),
            country_name: String::new(),
        }
    }
}

/// `info.json`'s `misc_information`: a fresh signature, and the prep
/// upload's values repeated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MiscInformation {
    /// A fresh signature, made when the zip is built.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<SignatureText>,
    /// Its timestamp.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_text"
    )]
    pub timestamp: Option<String>,
    /// Always `"false"` when written; a bool or a string when read.
    #[serde(
        default,
        serialize_with = "ser_bool_text",
        deserialize_with = "de_lenient_bool"
    )]
    pub retry: bool,
    /// As sent in the prep upload.
    #[serde(default)]
    pub partner_params: PartnerParams,
    /// As sent in the prep upload (`selfie.zip`).
    #[serde(default, deserialize_with = "de_lenient_string")]
    pub file_name: String,
    /// The partner id.
    #[serde(default, deserialize_with = "de_lenient_string")]
    pub smile_client_id: String,
    /// As sent in the prep upload.
    #[serde(default, deserialize_with = "de_lenient_string")]
    pub callback_url: String,
    /// The legacy block.
    #[serde(rename = "userData", default)]
    pub user_data: UserData,
    /// Every other key, as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `info.json`'s `id_info`: the lookup fields of job type 1, the document's
/// country and type for job types 6 and 11, only `entered` for 2 and 4.
/// Written in the canonical example's order; absent fields are omitted.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct IdInfo {
    /// First name.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_text"
    )]
    pub first_name: Option<String>,
    /// Middle name.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_text"
    )]
    pub middle_name: Option<String>,
    /// Last name.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_text"
    )]
    pub last_name: Option<String>,
    /// Country, ISO 3166-1 alpha-2.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_text"
    )]
    pub country: Option<String>,
    /// ID type.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_text"
    )]
    pub id_type: Option<String>,
    /// ID number.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_text"
    )]
    pub id_number: Option<String>,
    /// Date of birth, `YYYY-MM-DD`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_text"
    )]
    pub dob: Option<String>,
    /// Gender, `M` or `F`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_text"
    )]
    pub gender: Option<String>,
    /// Phone number.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_text"
    )]
    pub phone_number: Option<String>,
    /// Bank code.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_text"
    )]
    pub bank_code: Option<String>,
    /// Whether the lookup fields were entered (`"true"`) or an ID image
    /// replaces them (`"false"`); written as text, read as a bool or text.
    #[serde(
        default,
        serialize_with = "ser_bool_text",
        deserialize_with = "de_lenient_bool"
    )]
    pub entered: bool,
    /// Every other key, as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One entry of `info.json`'s `images`: a file of the zip (`file_name` set,
/// `image` empty) or base64 text (`image` set, `file_name` empty). Either key
/// may be absent or `null` when read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct InfoImage {
    /// The image's kind and form.
    pub image_type_id: ImageType,
    /// Base64 text, or `""` for a file.
    #[serde(default, deserialize_with = "de_lenient_string")]
    pub image: String,
    /// The zip entry's name, or `""` for base64.
    #[serde(default, deserialize_with = "de_lenient_string")]
    pub file_name: String,
}

impl InfoImage {
    /// An image stored in the zip as `file_name`.
    pub fn file(kind: ImageKind, file_name: impl Into<String>) -> Self {
        Self {
            image_type_id: ImageType::file(kind),
            image: String::new(),
            file_name: file_name.into(),
        }
    }
}

/// `info.json`'s `server_information`: the prep-upload answer as received,
/// or (from some clients) only the upload URL.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum ServerInformation {
    /// The whole answer.
    Response(PrepUploadResponse),
    /// Only the upload URL.
    UploadUrl(String),
    /// Anything else, kept.
    Other(Value),
}

/// `info.json`: the manifest of an image job's zip (protocol 13.4, 13.5).
/// Only `images` is required when read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct InfoJson {
    /// The manifest version and the writer's language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package_information: Option<PackageInformation>,
    /// The signature and the prep upload's values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub misc_information: Option<MiscInformation>,
    /// The ID info, where the job type takes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_info: Option<IdInfo>,
    /// The images.
    #[serde(deserialize_with = "de_vec_or_null")]
    pub images: Vec<InfoImage>,
    /// The prep-upload answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_information: Option<ServerInformation>,
    /// Every other key, as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl PrepUploadRequest {
    /// A request for the job `partner_params` names, signed with
    /// `timestamp` and `signature`: `file_name` `selfie.zip`,
    /// `model_parameters` `{}`, no callback URL (`""`), no flags and no
    /// `source_sdk*`.
    pub fn new(
        smile_client_id: impl Into<String>,
        timestamp: impl Into<String>,
        signature: impl Into<SignatureText>,
        partner_params: PartnerParams,
    ) -> Self {
        Self {
            smile_client_id: smile_client_id.into(),
            timestamp: timestamp.into(),
            signature: signature.into(),
            partner_params,
            file_name: ZIP_FILE_NAME.to_owned(),
            model_parameters: Map::new(),
            callback_url: String::new(),
            use_enrolled_image: None,
            allow_new_enroll: None,
            retry: None,
            source_sdk: None,
            source_sdk_version: None,
            extra: Map::new(),
        }
    }
}

/// The zip's name, in the prep upload and in `info.json`.
pub const ZIP_FILE_NAME: &str = "selfie.zip";

impl MiscInformation {
    /// The block for a zip signed with `timestamp` and `signature`, for the
    /// prep upload that sent `partner_params`, `smile_client_id` and
    /// `callback_url`: `retry` `"false"`, `file_name` `selfie.zip`, the
    /// legacy `userData`.
    pub fn new(
        signature: impl Into<SignatureText>,
        timestamp: impl Into<String>,
        partner_params: PartnerParams,
        smile_client_id: impl Into<String>,
        callback_url: impl Into<String>,
    ) -> Self {
        Self {
            signature: Some(signature.into()),
            timestamp: Some(timestamp.into()),
            retry: false,
            partner_params,
            file_name: ZIP_FILE_NAME.to_owned(),
            smile_client_id: smile_client_id.into(),
            callback_url: callback_url.into(),
            user_data: UserData::default(),
            extra: Map::new(),
        }
    }
}

impl InfoJson {
    /// A manifest of `images` with [`PackageInformation::default`] and
    /// nothing else; set the other parts as the job needs.
    pub fn new(images: Vec<InfoImage>) -> Self {
        Self {
            package_information: Some(PackageInformation::default()),
            misc_information: None,
            id_info: None,
            images,
            server_information: None,
            extra: Map::new(),
        }
    }
}
