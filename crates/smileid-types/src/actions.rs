//! The `Actions` object: action name → verdict.

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

use crate::scalar::Key;

macro_rules! text_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident => $text:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// Any other text, kept verbatim.
            Other(String),
        }

        impl $name {
            /// Every known value.
            pub const KNOWN: &'static [$name] = &[ $( $name::$variant, )* ];

            /// The value for a wire text: an exact match gives a known
            /// variant, anything else is kept verbatim as `Other`.
            pub fn parse(text: &str) -> Self {
                match text {
                    $( $text => $name::$variant, )*
                    other => $name::Other(other.to_owned()),
                }
            }

            /// Like [`Self::parse`], but reuses the `String`.
            pub fn from_string(text: String) -> Self {
                match text.as_str() {
                    $( $text => $name::$variant, )*
                    _ => $name::Other(text),
                }
            }

            /// The exact wire text.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $text, )*
                    $name::Other(s) => s,
                }
            }

            /// The position of a known value in `KNOWN`; `None` for `Other`.
            #[allow(dead_code)]
            pub(crate) fn known_index(&self) -> Option<usize> {
                let mut i = 0usize;
                $(
                    if let $name::$variant = self {
                        return Some(i);
                    }
                    i += 1;
                )*
                let _ = i;
                None
            }

            /// Whether this is a known value (not `Other`).
            pub fn is_known(&self) -> bool {
                !matches!(self, $name::Other(_))
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self {
                    $( $name::$variant => f.write_str(stringify!($variant)), )*
                    $name::Other(s) => write!(f, "Other({s:?})"),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                $name::parse(s)
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                $name::from_string(s)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct V;
                impl<'de> Visitor<'de> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str("a string")
                    }
                    fn visit_str<E: de::Error>(self, v: &str) -> Result<$name, E> {
                        Ok($name::parse(v))
                    }
                    fn visit_string<E: de::Error>(self, v: String) -> Result<$name, E> {
                        Ok($name::from_string(v))
                    }
                }
                deserializer.deserialize_str(V)
            }
        }
    };
}

text_enum! {
    /// The verdict of one action (`"Passed"`, `"Not Applicable"`, ...).
    ///
    /// Text that is not exactly one of the known verdicts is kept verbatim in
    /// [`Verdict::Other`], so [`Verdict::as_str`] always gives the wire text.
    #[non_exhaustive]
    pub enum Verdict {
        /// `Passed`
        Passed => "Passed",
        /// `Completed`
        Completed => "Completed",
        /// `Approved`
        Approved => "Approved",
        /// `Verified`
        Verified => "Verified",
        /// `Provisionally Approved`
        ProvisionallyApproved => "Provisionally Approved",
        /// `Returned`
        Returned => "Returned",
        /// `Not Returned`
        NotReturned => "Not Returned",
        /// `Failed`
        Failed => "Failed",
        /// `Rejected`
        Rejected => "Rejected",
        /// `Under Review`
        UnderReview => "Under Review",
        /// `Unable To Determine`
        UnableToDetermine => "Unable To Determine",
        /// `Not Applicable`
        NotApplicable => "Not Applicable",
        /// `Not Verified`
        NotVerified => "Not Verified",
        /// `Not Done`
        NotDone => "Not Done",
        /// `Issuer Unavailable`
        IssuerUnavailable => "Issuer Unavailable",
        /// `ID Authority Photo Not Available`
        IdAuthorityPhotoNotAvailable => "ID Authority Photo Not Available",
        /// `Sent to Human Review`
        SentToHumanReview => "Sent to Human Review",
    }
}

/// What a verdict means for the action, in five buckets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum VerdictStatus {
    /// The action succeeded.
    Passed,
    /// The action did not succeed (for any reason: a mismatch, a rejection,
    /// or a check that could not be completed).
    Failed,
    /// A person still has to look at it, or it was only provisionally
    /// approved.
    Pending,
    /// The action was not part of this job.
    NotApplicable,
    /// A verdict this crate does not know.
    Unknown,
}

impl fmt::Display for VerdictStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            VerdictStatus::Passed => "passed",
            VerdictStatus::Failed => "failed",
            VerdictStatus::Pending => "pending",
            VerdictStatus::NotApplicable => "not applicable",
            VerdictStatus::Unknown => "unknown",
        })
    }
}

impl Verdict {
    /// The status bucket of this verdict.
    ///
    /// | verdicts | status |
    /// |---|---|
    /// | `Passed`, `Completed`, `Approved`, `Verified`, `Returned` | [`VerdictStatus::Passed`] |
    /// | `Failed`, `Rejected`, `Not Verified`, `Not Returned`, `Unable To Determine`, `Issuer Unavailable`, `ID Authority Photo Not Available` | [`VerdictStatus::Failed`] |
    /// | `Under Review`, `Sent to Human Review`, `Provisionally Approved` | [`VerdictStatus::Pending`] |
    /// | `Not Applicable`, `Not Done` | [`VerdictStatus::NotApplicable`] |
    /// | anything else | [`VerdictStatus::Unknown`] |
    ///
    /// `Unable To Determine`, `Issuer Unavailable` and `ID Authority Photo Not
    /// Available` count as failed: the action reached no positive answer and
    /// will not reach one within this job. Whether that is a rejection of the
    /// user or a service problem is told by the job's
    /// [`ResultCode`](crate::ResultCode) category, not by the verdict.
    ///
    /// [`Verdict::Other`] text that differs from a known verdict only in
    /// letter case, surrounding whitespace, repeated spaces or underscores
    /// for spaces (`"not  applicable"`, `"Sent To Human Review"`) gets the
    /// known verdict's status; the text itself stays as received.
    pub fn status(&self) -> VerdictStatus {
        match self {
            Verdict::Passed
            | Verdict::Completed
            | Verdict::Approved
            | Verdict::Verified
            | Verdict::Returned => VerdictStatus::Passed,
            Verdict::Failed
            | Verdict::Rejected
            | Verdict::NotVerified
            | Verdict::NotReturned
            | Verdict::UnableToDetermine
            | Verdict::IssuerUnavailable
            | Verdict::IdAuthorityPhotoNotAvailable => VerdictStatus::Failed,
            Verdict::UnderReview | Verdict::SentToHumanReview | Verdict::ProvisionallyApproved => {
                VerdictStatus::Pending
            }
            Verdict::NotApplicable | Verdict::NotDone => VerdictStatus::NotApplicable,
            Verdict::Other(text) => match Verdict::normalized(text) {
                Some(known) => known.status(),
                None => VerdictStatus::Unknown,
            },
        }
    }

    /// The known verdict that `text` spells loosely (case, whitespace and
    /// underscores ignored), if any.
    pub fn normalized(text: &str) -> Option<Verdict> {
        if text.len() > 64 {
            return None;
        }
        let squash = |s: &str| -> String {
            s.split(|c: char| c.is_whitespace() || c == '_')
                .filter(|w| !w.is_empty())
                .map(|w| w.to_ascii_lowercase())
                .collect::<Vec<_>>()
                .join(" ")
        };
        let wanted = squash(text);
        Verdict::KNOWN
            .iter()
            .find(|v| squash(v.as_str()) == wanted)
            .cloned()
    }
}

text_enum! {
    /// The name of an action (`Verify_ID_Number`, `Liveness_Check`, ...).
    ///
    /// Names not listed here are kept verbatim in [`ActionName::Other`].
    #[non_exhaustive]
    pub enum ActionName {
        /// `Verify_ID_Number`
        VerifyIdNumber => "Verify_ID_Number",
        /// `Return_Personal_Info`
        ReturnPersonalInfo => "Return_Personal_Info",
        /// `Verify_Document`
        VerifyDocument => "Verify_Document",
        /// `Document_Check`
        DocumentCheck => "Document_Check",
        /// `Liveness_Check`
        LivenessCheck => "Liveness_Check",
        /// `Register_Selfie`
        RegisterSelfie => "Register_Selfie",
        /// `Selfie_Check`
        SelfieCheck => "Selfie_Check",
        /// `Selfie_Provided`
        SelfieProvided => "Selfie_Provided",
        /// `Selfie_To_ID_Authority_Compare`
        SelfieToIdAuthorityCompare => "Selfie_To_ID_Authority_Compare",
        /// `Selfie_To_ID_Card_Compare`
        SelfieToIdCardCompare => "Selfie_To_ID_Card_Compare",
        /// `Selfie_To_Registered_Selfie_Compare`
        SelfieToRegisteredSelfieCompare => "Selfie_To_Registered_Selfie_Compare",
        /// `Update_Registered_Selfie_On_File`
        UpdateRegisteredSelfieOnFile => "Update_Registered_Selfie_On_File",
        /// `Human_Review_Compare`
        HumanReviewCompare => "Human_Review_Compare",
        /// `Human_Review_Document_Check`
        HumanReviewDocumentCheck => "Human_Review_Document_Check",
        /// `Human_Review_Liveness_Check`
        HumanReviewLivenessCheck => "Human_Review_Liveness_Check",
        /// `Human_Review_Selfie_Check`
        HumanReviewSelfieCheck => "Human_Review_Selfie_Check",
        /// `Human_Review_Update_Selfie`
        HumanReviewUpdateSelfie => "Human_Review_Update_Selfie",
        /// `Verify_Business`
        VerifyBusiness => "Verify_Business",
        /// `Return_Business_Info`
        ReturnBusinessInfo => "Return_Business_Info",
    }
}

// Known action names fit the bit set used for duplicate detection.
const _: () = assert!(ActionName::KNOWN.len() <= 32);

/// The `Actions` object of a result: each action's verdict, in wire order.
///
/// Known names are typed ([`ActionName`]); unknown names and verdicts are
/// kept as text. Serializes back to the same object.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Actions {
    entries: Vec<(ActionName, Verdict)>,
}

/// Counts of action verdicts by [`VerdictStatus`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct ActionSummary {
    /// Actions whose verdict is [`VerdictStatus::Passed`].
    pub passed: usize,
    /// Actions whose verdict is [`VerdictStatus::Failed`].
    pub failed: usize,
    /// Actions whose verdict is [`VerdictStatus::Pending`].
    pub pending: usize,
    /// Actions whose verdict is [`VerdictStatus::NotApplicable`].
    pub not_applicable: usize,
    /// Actions whose verdict is [`VerdictStatus::Unknown`].
    pub unknown: usize,
}

impl ActionSummary {
    /// The most significant status present: `Failed` over `Unknown` over
    /// `Pending` over `Passed` over `NotApplicable` (also for no actions).
    pub fn overall(&self) -> VerdictStatus {
        if self.failed > 0 {
            VerdictStatus::Failed
        } else if self.unknown > 0 {
            VerdictStatus::Unknown
        } else if self.pending > 0 {
            VerdictStatus::Pending
        } else if self.passed > 0 {
            VerdictStatus::Passed
        } else {
            VerdictStatus::NotApplicable
        }
    }
}

impl Actions {
    /// No actions.
    pub fn new() -> Self {
        Actions::default()
    }

    /// The verdict of an action, by its wire name (`"Liveness_Check"`) or
    /// an [`ActionName`].
    pub fn get(&self, name: impl AsRef<str>) -> Option<&Verdict> {
        let name = name.as_ref();
        self.entries
            .iter()
            .find(|(n, _)| n.as_str() == name)
            .map(|(_, v)| v)
    }

    /// Sets an action's verdict, replacing an earlier one of the same name
    /// (keeping its place) or appending.
    pub fn insert(&mut self, name: impl Into<ActionName>, verdict: impl Into<Verdict>) {
        let name = name.into();
        let verdict = verdict.into();
        match self.entries.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = verdict,
            None => self.entries.push((name, verdict)),
        }
    }

    /// Removes an action, returning its verdict.
    pub fn remove(&mut self, name: impl AsRef<str>) -> Option<Verdict> {
        let name = name.as_ref();
        let pos = self.entries.iter().position(|(n, _)| n.as_str() == name)?;
        Some(self.entries.remove(pos).1)
    }

    /// Each action's wire name and verdict, in wire order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &Verdict)> + '_ {
        self.entries.iter().map(|(n, v)| (n.as_str(), v))
    }

    /// Each action's typed name and verdict, in wire order.
    pub fn entries(&self) -> &[(ActionName, Verdict)] {
        &self.entries
    }

    /// The number of actions.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no actions.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The status of one action's verdict.
    pub fn status(&self, name: impl AsRef<str>) -> Option<VerdictStatus> {
        self.get(name).map(Verdict::status)
    }

    /// Counts of verdicts by status.
    pub fn summary(&self) -> ActionSummary {
        let mut s = ActionSummary::default();
        for (_, v) in &self.entries {
            match v.status() {
                VerdictStatus::Passed => s.passed += 1,
                VerdictStatus::Failed => s.failed += 1,
                VerdictStatus::Pending => s.pending += 1,
                VerdictStatus::NotApplicable => s.not_applicable += 1,
                VerdictStatus::Unknown => s.unknown += 1,
            }
        }
        s
    }

    /// The actions whose verdict has the given status.
    pub fn with_status(
        &self,
        status: VerdictStatus,
    ) -> impl Iterator<Item = (&str, &Verdict)> + '_ {
        self.iter().filter(move |(_, v)| v.status() == status)
    }
}

impl<N: Into<ActionName>, V: Into<Verdict>> FromIterator<(N, V)> for Actions {
    fn from_iter<I: IntoIterator<Item = (N, V)>>(iter: I) -> Self {
        let mut a = Actions::new();
        for (n, v) in iter {
            a.insert(n, v);
        }
        a
    }
}

impl<'a> IntoIterator for &'a Actions {
    type Item = (&'a str, &'a Verdict);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (ActionName, Verdict)>,
        fn(&'a (ActionName, Verdict)) -> (&'a str, &'a Verdict),
    >;
    fn into_iter(self) -> Self::IntoIter {
        fn pair(e: &(ActionName, Verdict)) -> (&str, &Verdict) {
            (e.0.as_str(), &e.1)
        }
        self.entries.iter().map(pair)
    }
}

impl Serialize for Actions {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.entries.len()))?;
        for (n, v) in &self.entries {
            map.serialize_entry(n.as_str(), v.as_str())?;
        }
        map.end()
    }
}

struct ActionsVisitor;

impl<'de> Visitor<'de> for ActionsVisitor {
    type Value = Actions;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of action names to verdict strings")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Actions, A::Error> {
        let mut entries: Vec<(ActionName, Verdict)> =
            Vec::with_capacity(map.size_hint().unwrap_or(12).min(32));
        // Duplicates: known names through a bit set; other names by a scan
        // while few, through a hash set once there are many.
        let mut known_seen: u32 = 0;
        let mut others_seen = 0usize;
        let mut other_set: Option<std::collections::HashSet<String>> = None;
        while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
            let name = ActionName::parse(&key);
            let duplicate = match name.known_index() {
                Some(i) => {
                    let bit = 1u32 << i;
                    let dup = known_seen & bit != 0;
                    known_seen |= bit;
                    dup
                }
                None => {
                    others_seen += 1;
                    match &mut other_set {
                        Some(set) => !set.insert(key.clone().into_owned()),
                        None => {
                            let dup = entries.iter().any(|(n, _)| *n == name);
                            if others_seen >= 16 {
                                other_set = Some(
                                    entries
                                        .iter()
                                        .filter(|(n, _)| !n.is_known())
                                        .map(|(n, _)| n.as_str().to_owned())
                                        .chain(std::iter::once(key.clone().into_owned()))
                                        .collect(),
                                );
                            }
                            dup
                        }
                    }
                }
            };
            if duplicate {
                return Err(de::Error::custom(format_args!(
                    "duplicate action `{}`",
                    crate::scalar::clip(&key, 64)
                )));
            }
            let verdict: Verdict = map.next_value()?;
            entries.push((name, verdict));
        }
        Ok(Actions { entries })
    }
}

impl<'de> Deserialize<'de> for Actions {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(ActionsVisitor)
    }
}
