//! Numbered schema migrations, each applied in one transaction together with
//! its version bump; a database newer than this binary is refused.

use rusqlite::Connection;

use super::StoreError;

/// Migrations in order; version N is `MIGRATIONS[N-1]`.
const MIGRATIONS: &[&str] = &[
    include_str!("../../migrations/0001_init.sql"),
    include_str!("../../migrations/0002_feed.sql"),
];

/// The schema version this binary writes.
pub const LATEST: i64 = MIGRATIONS.len() as i64;

/// Brings the database up to [`LATEST`].
pub fn apply(conn: &mut Connection) -> Result<(), StoreError> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if current > LATEST {
        return Err(StoreError::TooNew {
            found: current,
            supported: LATEST,
        });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let version = i as i64 + 1;
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.execute_batch(&format!("PRAGMA user_version = {version}"))?;
        tx.commit()?;
        tracing::info!(version, "applied schema migration");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fresh_database_reaches_the_latest_version() {
        let mut conn = Connection::open_in_memory().expect("memory db");
        apply(&mut conn).expect("migrate");
        let v: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .expect("version");
        assert_eq!(v, LATEST);
        apply(&mut conn).expect("applying twice is a no-op");
    }

    #[test]
    fn a_newer_database_is_refused() {
        let mut conn = Connection::open_in_memory().expect("memory db");
        conn.execute_batch(&format!("PRAGMA user_version = {}", LATEST + 1))
            .expect("bump");
        assert!(matches!(apply(&mut conn), Err(StoreError::TooNew { .. })));
    }
}
