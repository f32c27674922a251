//! `partner_params` / `PartnerParams`: the partner's own ids for a job, its
//! job type and any extra keys, shared by every job endpoint, result and
//! callback.

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::job_type::{JobType, JobTypeValue};
use crate::scalar::{Key, LenientText};

/// The `PartnerParams` object: the partner's own ids for the job, the job
/// type, and any extra keys the partner sent.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct PartnerParams {
    /// The partner's user id (`user_id`). A number on the wire is read as its
    /// decimal text.
    pub user_id: Option<String>,
    /// The partner's job id (`job_id`). A number on the wire is read as its
    /// decimal text.
    pub job_id: Option<String>,
    /// The job type (`job_type`), as a number or as text, kept in its shape.
    pub job_type: Option<JobTypeValue>,
    /// Every other key, as received (`optional_info`, ...).
    pub extra: Map<String, Value>,
}

impl PartnerParams {
    /// The ids and job type of a job, with no extra keys (add them to
    /// [`extra`](Self::extra)).
    pub fn new(
        user_id: impl Into<String>,
        job_id: impl Into<String>,
        job_type: impl Into<JobTypeValue>,
    ) -> Self {
        Self {
            user_id: Some(user_id.into()),
            job_id: Some(job_id.into()),
            job_type: Some(job_type.into()),
            extra: Map::new(),
        }
    }

    /// The job type, when `job_type` holds a whole number.
    pub fn job_type(&self) -> Option<JobType> {
        self.job_type.as_ref().and_then(JobTypeValue::job_type)
    }

    /// The partner's user id.
    pub fn user_id(&self) -> Option<&str> {
        self.user_id.as_deref()
    }

    /// The partner's job id.
    pub fn job_id(&self) -> Option<&str> {
        self.job_id.as_deref()
    }

    fn is_known_key(key: &str) -> bool {
        matches!(key, "user_id" | "job_id" | "job_type")
    }
}

impl Serialize for PartnerParams {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let extras = self.extra.iter().filter(|(k, _)| !Self::is_known_key(k));
        let n = usize::from(self.user_id.is_some())
            + usize::from(self.job_id.is_some())
            + usize::from(self.job_type.is_some())
            + extras.clone().count();
        let mut map = serializer.serialize_map(Some(n))?;
        if let Some(v) = &self.user_id {
            map.serialize_entry("user_id", v)?;
        }
        if let Some(v) = &self.job_id {
            map.serialize_entry("job_id", v)?;
        }
        if let Some(v) = &self.job_type {
            map.serialize_entry("job_type", v)?;
        }
        for (k, v) in extras {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

struct PartnerParamsVisitor;

impl<'de> Visitor<'de> for PartnerParamsVisitor {
    type Value = PartnerParams;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a PartnerParams object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<PartnerParams, A::Error> {
        let mut p = PartnerParams::default();
        // Seen flags rather than `is_some()`, so `null` then a value is
        // still a duplicate.
        let (mut seen_user, mut seen_job, mut seen_type) = (false, false, false);
        while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
            match &*key {
                "user_id" => {
                    if std::mem::replace(&mut seen_user, true) {
                        return Err(de::Error::duplicate_field("user_id"));
                    }
                    p.user_id = map.next_value::<Option<LenientText>>()?.map(|t| t.0);
                }
                "job_id" => {
                    if std::mem::replace(&mut seen_job, true) {
                        return Err(de::Error::duplicate_field("job_id"));
                    }
                    p.job_id = map.next_value::<Option<LenientText>>()?.map(|t| t.0);
                }
                "job_type" => {
                    if std::mem::replace(&mut seen_type, true) {
                        return Err(de::Error::duplicate_field("job_type"));
                    }
                    p.job_type = map.next_value()?;
                }
                _ => {
                    if p.extra.contains_key(&*key) {
                        return Err(de::Error::custom(format_args!(
                            "duplicate field `{}`",
                            crate::scalar::clip(&key, 64)
                        )));
                    }
                    let value: Value = map.next_value()?;
                    let key = key.into_owned();
                    p.extra.insert(key, value);
                }
            }
        }
        Ok(p)
    }
}

impl<'de> Deserialize<'de> for PartnerParams {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(PartnerParamsVisitor)
    }
}
