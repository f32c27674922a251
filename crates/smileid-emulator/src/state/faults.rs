//! The fault table: installed faults and which ones a request meets.

use std::sync::atomic::Ordering;
use std::time::Duration;

use serde::Serialize;

use super::{State, lock};
use crate::error::EmulatorError;
use crate::spec::{FaultKind, FaultSpec, UPLOAD_ZIP};

/// An installed fault.
pub(super) struct ActiveFault {
    id: u64,
    spec: FaultSpec,
    remaining: Option<u32>,
    hits: u64,
}

/// A snapshot of an installed fault, as shown by `GET /admin/faults` and
/// [`EmulatorHandle::faults`](crate::EmulatorHandle::faults).
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FaultInfo {
    /// The fault's id, for `DELETE /admin/faults/{id}` and
    /// [`EmulatorHandle::remove_fault`](crate::EmulatorHandle::remove_fault).
    pub id: u64,
    /// The fault as installed.
    #[serde(flatten)]
    pub spec: FaultSpec,
    /// How many more requests it applies to (`None`: until cleared).
    pub remaining: Option<u32>,
    /// How many requests it has applied to so far.
    pub hits: u64,
}

/// What the fault table decided for one request.
#[derive(Default)]
pub(crate) struct FaultDecision {
    pub delay: Duration,
    pub action: Option<FaultKind>,
}

impl State {
    // ----- faults -----

    pub fn add_fault(&self, spec: FaultSpec) -> Result<FaultInfo, EmulatorError> {
        spec.validate().map_err(EmulatorError::InvalidFault)?;
        let id = self.next_fault_id.fetch_add(1, Ordering::AcqRel);
        let fault = ActiveFault {
            id,
            remaining: spec.count,
            spec,
            hits: 0,
        };
        let info = fault_info(&fault);
        let mut faults = lock(&self.faults);
        faults.push(fault);
        self.fault_count.store(faults.len(), Ordering::Release);
        Ok(info)
    }

    pub fn faults(&self) -> Vec<FaultInfo> {
        lock(&self.faults).iter().map(fault_info).collect()
    }

    pub fn remove_fault(&self, id: u64) -> bool {
        let mut faults = lock(&self.faults);
        let before = faults.len();
        faults.retain(|f| f.id != id);
        self.fault_count.store(faults.len(), Ordering::Release);
        faults.len() != before
    }

    pub fn clear_faults(&self) {
        let mut faults = lock(&self.faults);
        faults.clear();
        self.fault_count.store(0, Ordering::Release);
    }

    /// Whether any fault is installed (a lock-free check for the hot path).
    pub fn has_faults(&self) -> bool {
        self.fault_count.load(Ordering::Acquire) != 0
    }

    /// Picks the faults for one request to `endpoint` (`job_status`): every matching latency fault, plus
    /// the first matching fault of another kind. Counts are consumed.
    pub fn take_faults(
        &self,
        endpoint: &str,
        user_id: Option<&str>,
        job_id: Option<&str>,
    ) -> FaultDecision {
        self.take_matching_faults(endpoint, false, user_id, job_id)
    }

    /// As [`take_faults`](Self::take_faults) for the upload target
    /// (`upload_zip`), which only faults naming it apply to: a fault for
    /// every endpoint means every `/v1` endpoint.
    pub fn take_upload_faults(&self, user_id: &str, job_id: &str) -> FaultDecision {
        self.take_matching_faults(UPLOAD_ZIP, true, Some(user_id), Some(job_id))
    }

    fn take_matching_faults(
        &self,
        endpoint: &str,
        named_only: bool,
        user_id: Option<&str>,
        job_id: Option<&str>,
    ) -> FaultDecision {
        if !self.has_faults() {
            return FaultDecision::default();
        }
        let mut decision = FaultDecision::default();
        let mut faults = lock(&self.faults);
        for fault in faults.iter_mut() {
            let endpoint_matches = match fault.spec.endpoint.as_deref() {
                Some(e) => e == endpoint,
                None => !named_only,
            };
            let matches = endpoint_matches
                && fault
                    .spec
                    .user_id
                    .as_deref()
                    .is_none_or(|u| Some(u) == user_id)
                && fault
                    .spec
                    .job_id
                    .as_deref()
                    .is_none_or(|j| Some(j) == job_id);
            if !matches || fault.remaining == Some(0) {
                continue;
            }
            let applies = match &fault.spec.kind {
                FaultKind::Latency(d) => {
                    decision.delay = decision.delay.saturating_add(*d);
                    true
                }
                other if decision.action.is_none() => {
                    decision.action = Some(other.clone());
                    true
                }
                _ => false,
            };
            if applies {
                fault.hits = fault.hits.saturating_add(1);
                if let Some(r) = fault.remaining.as_mut() {
                    *r = r.saturating_sub(1);
                }
            }
        }
        faults.retain(|f| f.remaining != Some(0));
        self.fault_count.store(faults.len(), Ordering::Release);
        decision
    }
}

fn fault_info(f: &ActiveFault) -> FaultInfo {
    FaultInfo {
        id: f.id,
        spec: f.spec.clone(),
        remaining: f.remaining,
        hits: f.hits,
    }
}
