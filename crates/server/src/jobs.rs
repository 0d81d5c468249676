//! The job workers: deliver what the durable queue (`store::jobs`) holds —
//! post-event webhook calls now, pushes to devices next — after the change
//! that queued them committed. Each node runs one claim loop: it leases due
//! jobs in batches (as many as it has free delivery slots), delivers each on
//! its own task, and records the outcome: done (the job leaves the queue),
//! retry later (exponential backoff with jitter, or the far end's
//! `Retry-After` when it asks for longer), or give up. A job leased by a
//! node that died becomes due again when its lease runs out, so nothing
//! queued is lost; the cost is that a call in flight at a crash may be made
//! twice (at-least-once, as every webhook system promises).
//!
//! The loop wakes when a write on this node queued a job ([`Queue::wake`]),
//! when a retry it scheduled falls due, and once a second for jobs other
//! nodes queued or leases that ran out. It also prunes the rate-limit
//! counters each minute.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use tokio::sync::{Notify, Semaphore};

use crate::app::App;
use crate::error::ApiError;
use crate::store::{self, jobs::JobRow, Tx};

/// Jobs delivered at once by one node.
pub const CONCURRENCY: usize = 64;
/// How long a claimed job is this node's before another may take it.
pub const LEASE: Duration = Duration::from_secs(60);
/// The longest one attempt may take (well inside [`LEASE`]).
const ATTEMPT_LIMIT: Duration = Duration::from_secs(45);
/// How often the loop looks for jobs nobody told it about.
const POLL: Duration = Duration::from_secs(1);
/// First retry delay; each later one doubles, up to [`MAX_BACKOFF`].
const BASE_BACKOFF: Duration = Duration::from_secs(1);
const MAX_BACKOFF: Duration = Duration::from_secs(600);
/// The longest `Retry-After` honoured.
const MAX_RETRY_AFTER: u64 = 3600;

/// A unit of work in the queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Job {
    /// A post-event webhook call.
    Webhook(crate::webhooks::post::PostCall),
    /// A push to one device.
    Push(crate::push::PushJob),
}

impl Job {
    fn kind(&self) -> &'static str {
        match self {
            Job::Webhook(_) => "webhook",
            Job::Push(_) => "push",
        }
    }
}

/// What became of one delivery attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub next: Next,
    /// The delivery-log entry of the attempt, written with the outcome.
    pub log: Option<Logged>,
}

/// What happens to the job after an attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// Delivered, or not worth trying again: the job leaves the queue.
    Done,
    /// Try again; `at_least` is what the far end asked for (`Retry-After`).
    Retry { at_least: Option<Duration> },
}

/// A delivery-log entry (see `store::deliveries`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logged {
    pub kind: &'static str,
    pub event: String,
    pub target: String,
    pub outcome: &'static str,
    pub status: Option<u16>,
    pub detail: Option<String>,
}

/// Queues `job` in the write `tx` (it exists exactly when the write commits).
pub fn push(tx: &Tx<'_>, service: &str, job: &Job, now_ms: i64) -> Result<(), ApiError> {
    let payload = serde_json::to_string(job).map_err(|e| {
        tracing::error!(error = %e, "a job does not serialise");
        ApiError::internal()
    })?;
    store::jobs::insert(tx, job.kind(), service, &payload, now_ms)?;
    Ok(())
}

/// This node's side of the queue: how writes wake the claim loop.
#[derive(Debug, Default)]
pub struct Queue {
    wake: Notify,
}

impl Queue {
    /// Tells the claim loop a job was queued (after the write committed).
    pub fn wake(&self) {
        self.wake.notify_one();
    }
}

/// The delay before attempt `attempts + 1`: `BASE · 2^(attempts-1)` capped,
/// with full jitter in its upper half, or longer when the far end asked.
pub fn backoff(attempts: i64, asked: Option<Duration>) -> Duration {
    let exp = u32::try_from(attempts.saturating_sub(1).clamp(0, 20)).unwrap_or(20);
    let base = BASE_BACKOFF
        .saturating_mul(2u32.saturating_pow(exp))
        .min(MAX_BACKOFF);
    let jittered = base.mul_f64(0.5 + rand::random::<f64>() * 0.5);
    match asked {
        Some(a) => jittered.max(a.min(Duration::from_secs(MAX_RETRY_AFTER))),
        None => jittered,
    }
}

/// How long a shutdown waits for deliveries in flight.
pub const DRAIN: Duration = Duration::from_secs(10);

/// Starts the claim loop of this node. When the server shuts down it stops
/// claiming and ends once the deliveries in flight have finished and
/// recorded their outcome (at most [`DRAIN`]), so a restart sends nothing
/// twice; a job still in flight after that is taken again when its lease
/// runs out.
pub fn spawn(app: App) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let slots = Arc::new(Semaphore::new(CONCURRENCY));
        let mut shutdown = app.shutdown.subscribe();
        let mut next_prune = Instant::now();
        // When a retry this node scheduled falls due.
        let soonest: Arc<std::sync::Mutex<Option<Instant>>> = Default::default();
        loop {
            if *shutdown.borrow() {
                let all = u32::try_from(CONCURRENCY).unwrap_or(u32::MAX);
                if tokio::time::timeout(DRAIN, slots.acquire_many(all))
                    .await
                    .is_err()
                {
                    tracing::warn!(
                        "deliveries still in flight at shutdown; their leases will bring them back"
                    );
                }
                break;
            }
            if Instant::now() >= next_prune {
                next_prune = Instant::now() + Duration::from_secs(60);
                prune(&app).await;
            }
            let free = slots.available_permits();
            let claimed = if free > 0 {
                claim(&app, free as u32).await
            } else {
                Vec::new()
            };
            let full = claimed.len() == free && free > 0;
            for job in claimed {
                let Ok(permit) = slots.clone().acquire_owned().await else {
                    return;
                };
                let (app, soonest) = (app.clone(), soonest.clone());
                tokio::spawn(async move {
                    if let Some(due) = run(&app, job).await {
                        if let Ok(mut s) = soonest.lock() {
                            *s = Some(s.map_or(due, |t| t.min(due)));
                        }
                    }
                    drop(permit);
                });
            }
            if full {
                // More may be due; come back as soon as a slot frees up.
                if let Ok(p) = slots.clone().acquire_owned().await {
                    drop(p);
                }
                continue;
            }
            let wait = soonest
                .lock()
                .ok()
                .and_then(|mut s| s.take())
                .map_or(POLL, |t| {
                    t.saturating_duration_since(Instant::now()).min(POLL)
                });
            tokio::select! {
                _ = app.jobs.wake.notified() => {}
                _ = tokio::time::sleep(wait) => {}
                _ = shutdown.changed() => {}
            }
        }
    })
}

/// Leases up to `limit` due jobs (none when nothing is due: a read first,
/// so an idle node does not write once a second).
async fn claim(app: &App, limit: u32) -> Vec<JobRow> {
    let now = app.clock.now_ms();
    let due = app
        .db
        .read(move |c| store::jobs::next_due(c, now).map_err(ApiError::from))
        .await;
    match due {
        Ok(Some(t)) if t <= now => {}
        Ok(_) => return Vec::new(),
        Err(e) => {
            tracing::warn!(error = %e.message, "cannot read the job queue");
            return Vec::new();
        }
    }
    let lease = i64::try_from(LEASE.as_millis()).unwrap_or(60_000);
    let claimed = app
        .db
        .write(move |tx| store::jobs::claim(tx, now, now + lease, limit).map_err(ApiError::from))
        .await;
    claimed.unwrap_or_else(|e| {
        tracing::warn!(error = %e.message, "cannot claim jobs");
        Vec::new()
    })
}

/// Delivers one job and records what came of it (the outcome and its log
/// entry in one write); returns when a retry falls due, if one was
/// scheduled.
async fn run(app: &App, row: JobRow) -> Option<Instant> {
    let (service, attempt) = (row.service_sid.clone(), row.attempts);
    let delivery = async {
        match serde_json::from_str::<Job>(&row.payload) {
            Ok(Job::Webhook(call)) => crate::webhooks::post::deliver(app, &row, &call).await,
            Ok(Job::Push(push)) => crate::push::deliver(app, &row, &push).await,
            // A kind this node does not know (a newer node queued it during
            // a rolling upgrade): left for a node that does.
            Err(e) => {
                tracing::warn!(id = row.id, kind = %row.kind, error = %e, "a job this node cannot read; leaving it for later");
                Outcome {
                    next: Next::Retry {
                        at_least: Some(MAX_BACKOFF),
                    },
                    log: None,
                }
            }
        }
    };
    // An attempt ends well inside its lease, so no other claim overlaps it.
    let outcome = match tokio::time::timeout(ATTEMPT_LIMIT, delivery).await {
        Ok(o) => o,
        Err(_) => Outcome {
            next: Next::Retry { at_least: None },
            log: None,
        },
    };
    let retry = match outcome.next {
        Next::Done => None,
        Next::Retry { at_least } => Some(backoff(attempt, at_least)),
    };
    let due =
        retry.map(|d| app.clock.now_ms() + i64::try_from(d.as_millis()).unwrap_or(i64::MAX / 2));
    let log = outcome.log;
    let (id, job) = (row.id, row);
    let r = app
        .db
        .write(move |tx| {
            if let Some(l) = &log {
                store::deliveries::insert(
                    tx,
                    &store::deliveries::NewDelivery {
                        service_sid: &service,
                        kind: l.kind,
                        event: &l.event,
                        target: &l.target,
                        outcome: l.outcome,
                        status: l.status,
                        attempt,
                        detail: l.detail.as_deref(),
                    },
                )?;
            }
            match due {
                Some(due) => store::jobs::retry_at(tx, &job, due)?,
                None => store::jobs::finish(tx, &job)?,
            }
            Ok::<_, ApiError>(())
        })
        .await;
    if let Err(e) = r {
        tracing::warn!(id, error = %e.message, "cannot record a job's outcome; its lease will run out");
    }
    retry.map(|d| Instant::now() + d)
}

/// Drops rate-limit seconds out of every window and old delivery-log rows.
async fn prune(app: &App) {
    let now = app.clock.now();
    app.rate_limits.prune(now);
    let r = app
        .db
        .write(move |tx| {
            store::actions::prune(tx, now - 60)?;
            store::deliveries::prune(tx, now - DELIVERY_LOG_RETENTION)?;
            Ok::<_, ApiError>(())
        })
        .await;
    if let Err(e) = r {
        tracing::warn!(error = %e.message, "pruning rate-limit counters failed");
    }
}

/// How long the delivery log keeps an attempt: 7 days.
pub const DELIVERY_LOG_RETENTION: i64 = 7 * 24 * 3600;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_and_honours_retry_after() {
        for attempts in 1..=6 {
            let d = backoff(attempts, None);
            let full = BASE_BACKOFF * 2u32.pow(attempts as u32 - 1);
            assert!(d >= full / 2 && d <= full, "{attempts}: {d:?}");
        }
        assert!(backoff(40, None) <= MAX_BACKOFF);
        assert!(backoff(1, Some(Duration::from_secs(30))) >= Duration::from_secs(30));
        assert!(
            backoff(1, Some(Duration::from_secs(1 << 40))) <= Duration::from_secs(MAX_RETRY_AFTER)
        );
    }
}
