//! The durable job queue (`jobs`): work that must happen after a change
//! commits — a post-event webhook call, a push to a device — written in the
//! change's own transaction, so a job exists exactly when its change does
//! and survives a restart. Workers on any node claim due jobs by leasing
//! them (`lease_until_ms`); a job whose worker died becomes due again when
//! its lease runs out. On PostgreSQL claims go through the serial writer,
//! whose batches run one at a time in the cluster, so no two nodes lease
//! one job.

use super::{Conn, StoreResult, Tx};
use crate::args;

/// A leased job.
#[derive(Debug, Clone)]
pub struct JobRow {
    pub id: i64,
    /// `webhook` or `push`.
    pub kind: String,
    pub service_sid: String,
    /// The job's JSON (see `crate::jobs::Job`).
    pub payload: String,
    /// Attempts so far, this one included.
    pub attempts: i64,
    /// The lease this claim holds: an outcome is recorded only while the
    /// job still carries it (it was not taken again meanwhile).
    pub lease_until_ms: i64,
}

/// Queues a job due at `due_ms`.
pub fn insert(
    tx: &Tx<'_>,
    kind: &str,
    service: &str,
    payload: &str,
    due_ms: i64,
) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO jobs (kind, service_sid, payload, due_ms, date_created)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        args![kind, service, payload, due_ms, tx.now()],
    )?;
    Ok(())
}

/// Leases up to `limit` jobs due at `now_ms` until `lease_until_ms`, oldest
/// due first, counting an attempt on each.
pub fn claim(
    tx: &Tx<'_>,
    now_ms: i64,
    lease_until_ms: i64,
    limit: u32,
) -> StoreResult<Vec<JobRow>> {
    let mut rows = tx.query(
        "UPDATE jobs SET lease_until_ms = ?1, attempts = attempts + 1
         WHERE id IN (SELECT id FROM jobs WHERE due_ms <= ?2 AND lease_until_ms <= ?2
                      ORDER BY due_ms LIMIT ?3)
         RETURNING id, kind, service_sid, payload, attempts, due_ms, lease_until_ms",
        args![lease_until_ms, now_ms, limit],
        |r| {
            Ok((
                r.get::<i64>(5)?,
                JobRow {
                    id: r.get(0)?,
                    kind: r.get(1)?,
                    service_sid: r.get(2)?,
                    payload: r.get(3)?,
                    attempts: r.get(4)?,
                    lease_until_ms: r.get(6)?,
                },
            ))
        },
    )?;
    rows.sort_by_key(|(due, j)| (*due, j.id));
    Ok(rows.into_iter().map(|(_, j)| j).collect())
}

/// The job claimed as `job` is done (delivered, or given up on): it leaves
/// the queue — unless its lease ran out and it was taken again.
pub fn finish(tx: &Tx<'_>, job: &JobRow) -> StoreResult<()> {
    tx.execute(
        "DELETE FROM jobs WHERE id = ?1 AND lease_until_ms = ?2",
        args![job.id, job.lease_until_ms],
    )?;
    Ok(())
}

/// Releases the job claimed as `job` to be tried again at `due_ms` (the
/// same proviso as [`finish`]).
pub fn retry_at(tx: &Tx<'_>, job: &JobRow, due_ms: i64) -> StoreResult<()> {
    tx.execute(
        "UPDATE jobs SET due_ms = ?3, lease_until_ms = 0 WHERE id = ?1 AND lease_until_ms = ?2",
        args![job.id, job.lease_until_ms, due_ms],
    )?;
    Ok(())
}

/// The earliest time a job becomes claimable: the soonest due of those not
/// leased at `now_ms`, or the soonest lease to run out.
pub fn next_due(conn: &Conn<'_>, now_ms: i64) -> StoreResult<Option<i64>> {
    let due: Option<i64> = conn.value(
        "SELECT MIN(due_ms) FROM jobs WHERE lease_until_ms <= ?1",
        args![now_ms],
    )?;
    let lease: Option<i64> = conn.value(
        "SELECT MIN(lease_until_ms) FROM jobs WHERE lease_until_ms > ?1",
        args![now_ms],
    )?;
    Ok(match (due, lease) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    })
}

/// Jobs waiting (due or not, leased or not), by kind.
pub fn depth(conn: &Conn<'_>, kind: &str) -> StoreResult<i64> {
    conn.value("SELECT COUNT(*) FROM jobs WHERE kind = ?1", args![kind])
}
