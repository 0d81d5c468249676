//! Numbered schema migrations, each applied in one transaction together with
//! its version bump; a database newer than this binary is refused.

use rusqlite::Connection;

use super::StoreError;

/// Migrations in order; version N is `MIGRATIONS[N-1]`.
const MIGRATIONS: &[&str] = &[
    include_str!("../../../migrations/sqlite/0001_init.sql"),
    include_str!("../../../migrations/sqlite/0002_feed.sql"),
    include_str!("../../../migrations/sqlite/0003_media.sql"),
    include_str!("../../../migrations/sqlite/0004_login_throttle.sql"),
    include_str!("../../../migrations/sqlite/0005_hardening.sql"),
    include_str!("../../../migrations/sqlite/0006_deliveries.sql"),
    include_str!("../../../migrations/sqlite/0007_console.sql"),
    include_str!("../../../migrations/sqlite/0008_marks.sql"),
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
    fn a_version_1_database_upgrades_with_its_data() {
        let mut conn = Connection::open_in_memory().expect("memory db");
        conn.execute_batch(MIGRATIONS[0]).expect("v1 schema");
        conn.execute_batch(
            "PRAGMA user_version = 1;
             INSERT INTO services (sid, friendly_name, notifications, date_created, date_updated)
               VALUES ('IS1', 'old', '{}', 1, 1);
             INSERT INTO channels (sid, service_sid, type, created_by, date_created, date_updated)
               VALUES ('CH1', 'IS1', 'public', 'system', 1, 1);
             INSERT INTO members (sid, service_sid, channel_sid, identity, date_created, date_updated)
               VALUES ('MB1', 'IS1', 'CH1', 'ann', 1, 1);",
        )
        .expect("v1 data");
        apply(&mut conn).expect("upgrade");
        let (identity, joined_seq): (String, i64) = conn
            .query_row(
                "SELECT identity, joined_seq FROM members WHERE sid = 'MB1'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .expect("member kept");
        assert_eq!(
            (identity.as_str(), joined_seq),
            ("ann", 0),
            "old members see the whole feed"
        );
        let pruned: i64 = conn
            .query_row(
                "SELECT value FROM feed_state WHERE key = 'pruned_through'",
                [],
                |r| r.get(0),
            )
            .expect("feed state");
        assert_eq!(pruned, 0);
    }

    #[test]
    fn a_newer_database_is_refused() {
        let mut conn = Connection::open_in_memory().expect("memory db");
        conn.execute_batch(&format!("PRAGMA user_version = {}", LATEST + 1))
            .expect("bump");
        assert!(matches!(apply(&mut conn), Err(StoreError::TooNew { .. })));
    }
}
