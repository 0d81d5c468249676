//! What the health page asks the database: its size, its schema version,
//! and how many deliveries wait in the job queue.

use super::{Conn, Dialect, StoreResult};
use crate::args;

/// (size in bytes, schema version) of the database.
pub fn database(conn: &Conn<'_>) -> StoreResult<(Option<i64>, i64)> {
    let (size, version) = match conn.dialect() {
        Dialect::Sqlite => (
            "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()",
            "SELECT user_version FROM pragma_user_version()",
        ),
        Dialect::Postgres => (
            "SELECT pg_database_size(current_database())",
            "SELECT COALESCE(MAX(version), 0) FROM parley_schema",
        ),
    };
    let size = conn.query_opt(size, args![], |r| r.get(0))?;
    let version = conn.query_opt(version, args![], |r| r.get(0))?.unwrap_or(0);
    Ok((size, version))
}

/// (queued, due now, retried at least once) jobs.
pub fn jobs(conn: &Conn<'_>, now_ms: i64) -> StoreResult<(i64, i64, i64)> {
    Ok(conn
        .query_opt(
            "SELECT COUNT(*),
                    COALESCE(SUM(CASE WHEN due_ms <= ?1 THEN 1 ELSE 0 END), 0),
                    COALESCE(SUM(CASE WHEN attempts > 0 THEN 1 ELSE 0 END), 0)
             FROM jobs",
            args![now_ms],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?
        .unwrap_or((0, 0, 0)))
}
