//! Waiting for a job: polls of job status on a schedule, within a deadline.

use std::time::Duration;

use tracing::Instrument as _;

use super::Client;
use super::engine::Stop;
use crate::error::{Error, WaitTimedOut};
use crate::job_status::{JobStatusQuery, NAME as JOB_STATUS};
use crate::operation::RepeatSafety;
use crate::transport::{HttpTransport, Timer};
use crate::verified::JobStatus;
use crate::wait::{PollEvent, PollOutcome, WaitPolicy};

impl<T: HttpTransport, R: Timer> Client<T, R> {
    /// Polls the job until it is complete, on the schedule of `policy`.
    /// Same as [`Client::wait_for_completion_with`] without an observer.
    ///
    /// # Errors
    ///
    /// [`Error::WaitTimedOut`] at the deadline or the poll limit; the first
    /// non-retryable error otherwise.
    pub async fn wait_for_completion(
        &self,
        query: &JobStatusQuery,
        policy: &WaitPolicy,
    ) -> Result<JobStatus, Error> {
        self.wait_for_completion_with(query, policy, |_: &PollEvent<'_>| {})
            .await
    }

    /// Polls the job until `job_complete` is true, calling `observer` after
    /// every poll (a progress display, a log line).
    ///
    /// Every poll is a freshly signed [`Client::job_status`] call, with its
    /// own retries (and its own call timeout, if set). A retryable failure that outlasts those retries does not
    /// end the wait: the next poll follows on schedule (or after the
    /// server's `Retry-After`, if longer). A non-retryable failure ends the
    /// wait at once. The overall deadline bounds everything, including a
    /// request in flight, which is cut off when the deadline passes.
    ///
    /// Dropping the returned future cancels the wait: nothing is spawned.
    ///
    /// # Errors
    ///
    /// [`Error::WaitTimedOut`] with the last status seen, at the deadline or
    /// the poll limit; the first non-retryable error otherwise.
    pub async fn wait_for_completion_with<F>(
        &self,
        query: &JobStatusQuery,
        policy: &WaitPolicy,
        observer: F,
    ) -> Result<JobStatus, Error>
    where
        F: FnMut(&PollEvent<'_>),
    {
        query
            .validate()
            .map_err(|e| e.in_operation(JOB_STATUS, RepeatSafety::Idempotent))?;
        let span = tracing::info_span!(
            "smileid.wait_for_completion",
            user_id = query.user_id(),
            job_id = query.job_id(),
            polls = tracing::field::Empty,
        );
        self.wait_inner(query, policy, observer)
            .instrument(span)
            .await
    }

    async fn wait_inner<F>(
        &self,
        query: &JobStatusQuery,
        policy: &WaitPolicy,
        mut observer: F,
    ) -> Result<JobStatus, Error>
    where
        F: FnMut(&PollEvent<'_>),
    {
        let start = self.timer.now();
        let deadline = start.checked_add(policy.deadline);
        let mut polls: u32 = 0;
        let mut last: Option<JobStatus> = None;
        let timed_out = |last: Option<JobStatus>, polls: u32, timer: &R| {
            tracing::Span::current().record("polls", polls);
            Error::WaitTimedOut(WaitTimedOut::new(
                last,
                polls,
                timer.now().saturating_duration_since(start),
            ))
        };
        loop {
            if polls >= policy.max_polls {
                return Err(timed_out(last, polls, &self.timer));
            }
            polls += 1;
            // Boxed: the state of a request in flight (the transport's future
            // included) lives on the heap only while the poll runs, so a wait
            // that sleeps between polls stays small (see docs/performance.md).
            let result = Box::pin(
                self.call(query, deadline)
                    .instrument(tracing::info_span!("smileid.poll", poll = polls)),
            )
            .await;
            let elapsed = self.timer.now().saturating_duration_since(start);
            // How long until the next poll, if there is one.
            let next = |server_wait: Option<Duration>| -> Option<Duration> {
                if polls >= policy.max_polls {
                    return None;
                }
                let delay = policy
                    .delay_after(polls)
                    .max(server_wait.unwrap_or_default());
                let at = self.timer.now().checked_add(delay)?;
                match deadline {
                    Some(deadline) if at >= deadline => None,
                    _ => Some(delay),
                }
            };
            let delay = match result {
                Ok(status) => {
                    if status.is_complete() {
                        observer(&PollEvent {
                            poll: polls,
                            elapsed,
                            outcome: PollOutcome::Status(&status),
                            next_poll_in: None,
                        });
                        tracing::Span::current().record("polls", polls);
                        return Ok(status);
                    }
                    let delay = next(None);
                    observer(&PollEvent {
                        poll: polls,
                        elapsed,
                        outcome: PollOutcome::Status(&status),
                        next_poll_in: delay,
                    });
                    last = Some(status);
                    delay
                }
                Err(Stop::Failed(error)) => {
                    let delay = if error.is_retryable() {
                        next(error.retry_after())
                    } else {
                        None
                    };
                    observer(&PollEvent {
                        poll: polls,
                        elapsed,
                        outcome: PollOutcome::Failed(&error),
                        next_poll_in: delay,
                    });
                    if !error.is_retryable() {
                        tracing::Span::current().record("polls", polls);
                        return Err(error);
                    }
                    tracing::debug!(error = %error, "poll failed; the wait goes on");
                    delay
                }
                Err(Stop::Deadline) => {
                    observer(&PollEvent {
                        poll: polls,
                        elapsed,
                        outcome: PollOutcome::DeadlineReached,
                        next_poll_in: None,
                    });
                    None
                }
            };
            match delay {
                Some(delay) => self.timer.sleep(delay).await,
                None => return Err(timed_out(last, polls, &self.timer)),
            }
        }
    }
}
