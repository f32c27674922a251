//! `{"success": true}`: the answer of every asynchronous job endpoint.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::scalar::de_lenient_bool;

/// The acknowledgement of an asynchronous job (`async_id_verification`,
/// `async_business_verification`): `{"success": true}`. The result follows
/// by callback and through job status. `success` is read as a boolean or the
/// text `"true"`; other keys are kept.
///
/// ```
/// use smileid_types::AsyncAcknowledgement;
///
/// let ack: AsyncAcknowledgement = serde_json::from_str(r#"{"success": "true"}"#).unwrap();
/// assert!(ack.success);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AsyncAcknowledgement {
    /// Whether the job was accepted.
    #[serde(deserialize_with = "de_lenient_bool")]
    pub success: bool,
    /// Every other key, as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
