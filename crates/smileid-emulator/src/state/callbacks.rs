//! The log of callback deliveries.

use serde::Serialize;
use tokio::sync::watch;

use super::{State, lock};

/// One attempt to deliver a callback.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CallbackDelivery {
    /// The callback URL.
    pub url: String,
    /// The job's user id.
    pub user_id: String,
    /// The job's job id.
    pub job_id: String,
    /// The attempt number, starting at 1.
    pub attempt: u32,
    /// The receiver's HTTP status, when it answered.
    pub status: Option<u16>,
    /// Why the attempt failed without a status (connection error, timeout).
    pub error: Option<String>,
    /// Whether the receiver accepted the callback (a 2xx status).
    pub delivered: bool,
    /// When the attempt ended (ISO 8601, UTC).
    pub at: String,
}

impl State {
    // ----- callback log -----

    pub fn record_delivery(&self, delivery: CallbackDelivery, generation: u64) {
        if generation != self.generation() {
            return;
        }
        let len = {
            let mut log = lock(&self.deliveries);
            log.push(delivery);
            log.len()
        };
        self.delivery_count.send_replace(len);
    }

    pub fn deliveries(&self) -> Vec<CallbackDelivery> {
        lock(&self.deliveries).clone()
    }

    pub fn clear_deliveries(&self) {
        lock(&self.deliveries).clear();
        self.delivery_count.send_replace(0);
    }

    pub fn delivery_watch(&self) -> watch::Receiver<usize> {
        self.delivery_count.subscribe()
    }
}
