//! Age checks on signed timestamps.

use std::time::{Duration, SystemTime};

use crate::timestamp::{TimestampError, parse_timestamp};

/// How old, or how far ahead of the local clock, a signed timestamp may be.
///
/// A valid signature proves who made a message, not when: checking the age
/// of its timestamp limits how long a captured response or callback can be
/// replayed. The default allows 5 minutes of age and 1 minute of clock skew
/// into the future. Both limits are inclusive.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use smileid_sign::{Freshness, FreshnessError};
///
/// let now = UNIX_EPOCH + Duration::from_secs(1_787_313_600); // 2026-08-21T12:00:00Z
/// let fresh = Freshness::default();
/// assert!(fresh.check("2026-08-21T11:58:00.000Z", now).is_ok());
/// assert!(matches!(
///     fresh.check("2026-08-21T11:50:00.000Z", now),
///     Err(FreshnessError::TooOld { .. })
/// ));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Freshness {
    /// The greatest accepted age (timestamp before `now`).
    pub max_age: Duration,
    /// The greatest accepted lead (timestamp after `now`), for clock skew.
    pub max_future: Duration,
}

impl Default for Freshness {
    /// 5 minutes of age, 1 minute into the future.
    fn default() -> Self {
        Self::new(Duration::from_secs(5 * 60), Duration::from_secs(60))
    }
}

impl Freshness {
    /// Limits of `max_age` into the past and `max_future` into the future.
    pub const fn new(max_age: Duration, max_future: Duration) -> Self {
        Self {
            max_age,
            max_future,
        }
    }

    /// Parses `timestamp` (any form [`parse_timestamp`] accepts) and checks it
    /// against `now`. Returns the parsed instant.
    ///
    /// # Errors
    ///
    /// [`FreshnessError::Unparseable`], [`FreshnessError::TooOld`] or
    /// [`FreshnessError::TooFarInFuture`].
    pub fn check(&self, timestamp: &str, now: SystemTime) -> Result<SystemTime, FreshnessError> {
        let t = parse_timestamp(timestamp)?;
        match now.duration_since(t) {
            Ok(age) if age > self.max_age => Err(FreshnessError::TooOld {
                age,
                max_age: self.max_age,
            }),
            Ok(_) => Ok(t),
            Err(ahead) => {
                let ahead = ahead.duration();
                if ahead > self.max_future {
                    Err(FreshnessError::TooFarInFuture {
                        ahead,
                        max_future: self.max_future,
                    })
                } else {
                    Ok(t)
                }
            }
        }
    }
}

/// Why [`Freshness::check`] rejected a timestamp.
#[non_exhaustive]
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum FreshnessError {
    /// The timestamp could not be parsed; the cause is the [`source`](std::error::Error::source).
    #[error("the timestamp could not be parsed")]
    Unparseable(#[from] TimestampError),
    /// The timestamp is older than allowed.
    #[error("the timestamp is {age:?} old, more than the {max_age:?} allowed")]
    TooOld {
        /// How far the timestamp lies before `now`.
        age: Duration,
        /// The limit that was exceeded.
        max_age: Duration,
    },
    /// The timestamp lies further in the future than allowed.
    #[error("the timestamp is {ahead:?} in the future, more than the {max_future:?} allowed")]
    TooFarInFuture {
        /// How far the timestamp lies after `now`.
        ahead: Duration,
        /// The limit that was exceeded.
        max_future: Duration,
    },
}
