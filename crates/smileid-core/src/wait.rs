//! How to poll a job until it completes.

use std::time::Duration;

use crate::error::Error;
use crate::verified::JobStatus;

/// How [`Client::wait_for_completion`](crate::Client::wait_for_completion)
/// polls.
///
/// The first poll is made at once. After poll `n` (1-based) the wait sleeps
/// `first_interval` while `n <= first_polls`, and `interval` after that. The
/// default matches the official SDKs' schedule: 2 s three times, then 4 s;
/// with an overall `deadline` of 120 s and at most 40 polls.
///
/// The deadline covers everything: polls, retries inside a poll, and the
/// sleeps between them. An in-flight request is cut off when the deadline
/// passes, and a poll that could only start after the deadline is not made:
/// the wait ends with [`Error::WaitTimedOut`] carrying the last status seen.
/// Reaching `max_polls` without completion ends it the same way.
///
/// ```
/// use std::time::Duration;
/// use smileid_core::WaitPolicy;
///
/// let policy = WaitPolicy::default();
/// let gaps: Vec<u64> = (1..=5).map(|poll| policy.delay_after(poll).as_secs()).collect();
/// assert_eq!(gaps, [2, 2, 2, 4, 4]);
///
/// let fixed = WaitPolicy::fixed(Duration::from_secs(5)).with_deadline(Duration::from_secs(60));
/// assert_eq!(fixed.delay_after(1), Duration::from_secs(5));
/// assert_eq!(fixed.deadline, Duration::from_secs(60));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct WaitPolicy {
    /// The sleep after each of the first `first_polls` polls. Default 2 s.
    pub first_interval: Duration,
    /// How many polls are followed by `first_interval`. Default 3.
    pub first_polls: u32,
    /// The sleep after every later poll. Default 4 s.
    pub interval: Duration,
    /// The overall limit on the wait. Default 120 s.
    pub deadline: Duration,
    /// The most polls made. Default 40.
    pub max_polls: u32,
}

impl Default for WaitPolicy {
    fn default() -> Self {
        Self {
            first_interval: Duration::from_secs(2),
            first_polls: 3,
            interval: Duration::from_secs(4),
            deadline: Duration::from_secs(120),
            max_polls: 40,
        }
    }
}

impl WaitPolicy {
    /// The same `interval` after every poll (default deadline and poll limit).
    pub fn fixed(interval: Duration) -> Self {
        Self {
            first_interval: interval,
            first_polls: 0,
            interval,
            ..Self::default()
        }
    }

    /// Sets [`deadline`](Self::deadline).
    #[must_use]
    pub fn with_deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// Sets [`max_polls`](Self::max_polls).
    #[must_use]
    pub fn with_max_polls(mut self, max_polls: u32) -> Self {
        self.max_polls = max_polls;
        self
    }

    /// Sets the schedule: `first_interval` after each of the first
    /// `first_polls` polls, `interval` after the others.
    #[must_use]
    pub fn with_schedule(
        mut self,
        first_interval: Duration,
        first_polls: u32,
        interval: Duration,
    ) -> Self {
        self.first_interval = first_interval;
        self.first_polls = first_polls;
        self.interval = interval;
        self
    }

    /// The sleep after poll number `poll` (1-based).
    pub fn delay_after(&self, poll: u32) -> Duration {
        if poll <= self.first_polls {
            self.first_interval
        } else {
            self.interval
        }
    }
}

/// What one poll of a wait produced, reported to the observer of
/// [`Client::wait_for_completion_with`](crate::Client::wait_for_completion_with).
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct PollEvent<'a> {
    /// The poll's number, from 1.
    pub poll: u32,
    /// Time since the wait started, when the poll ended.
    pub elapsed: Duration,
    /// What the poll produced.
    pub outcome: PollOutcome<'a>,
    /// How long until the next poll, or `None` when the wait ends with this
    /// poll.
    pub next_poll_in: Option<Duration>,
}

impl<'a> PollEvent<'a> {
    /// The verified status, if the poll produced one.
    pub fn status(&self) -> Option<&'a JobStatus> {
        match self.outcome {
            PollOutcome::Status(status) => Some(status),
            _ => None,
        }
    }

    /// The error, if the poll failed.
    pub fn error(&self) -> Option<&'a Error> {
        match self.outcome {
            PollOutcome::Failed(error) => Some(error),
            _ => None,
        }
    }
}

/// The result of one poll.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum PollOutcome<'a> {
    /// A verified status (complete or not).
    Status(&'a JobStatus),
    /// The poll failed (after its own retries). The wait goes on when the
    /// error is retryable and time remains, and ends otherwise.
    Failed(&'a Error),
    /// The wait's deadline passed while the poll was in flight.
    DeadlineReached,
}
