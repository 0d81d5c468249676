//! Numbered schema migrations for PostgreSQL, each applied in one
//! transaction together with its version bump; a database newer than this
//! binary is refused. Nodes starting at the same time take an advisory lock,
//! so exactly one of them migrates.

use super::StoreError;

/// Migrations in order; version N is `MIGRATIONS[N-1]`.
const MIGRATIONS: &[&str] = &[
    include_str!("../../../migrations/postgres/0001_init.sql"),
    include_str!("../../../migrations/postgres/0002_login_throttle.sql"),
    include_str!("../../../migrations/postgres/0003_presence.sql"),
    include_str!("../../../migrations/postgres/0004_messages_channel_fk.sql"),
    include_str!("../../../migrations/postgres/0005_hardening.sql"),
    include_str!("../../../migrations/postgres/0006_deliveries.sql"),
    include_str!("../../../migrations/postgres/0007_console.sql"),
    include_str!("../../../migrations/postgres/0008_marks.sql"),
];

/// The schema version this binary writes.
pub const LATEST: i64 = MIGRATIONS.len() as i64;

/// An arbitrary constant naming Parley's migration lock.
const LOCK_KEY: i64 = 0x5041_524C_4559; // "PARLEY"

/// The schema version of the database (0 for an empty one).
pub fn version(client: &mut postgres::Client) -> Result<i64, StoreError> {
    let exists: bool = client
        .query_one("SELECT to_regclass('parley_schema') IS NOT NULL", &[])?
        .get(0);
    if !exists {
        return Ok(0);
    }
    let v: Option<i64> = client
        .query_one("SELECT MAX(version) FROM parley_schema", &[])?
        .get(0);
    Ok(v.unwrap_or(0))
}

/// Brings the database up to [`LATEST`].
pub fn apply(client: &mut postgres::Client) -> Result<(), StoreError> {
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&LOCK_KEY])?;
    let exists: bool = tx
        .query_one("SELECT to_regclass('parley_schema') IS NOT NULL", &[])?
        .get(0);
    if !exists {
        tx.batch_execute("CREATE TABLE parley_schema (version BIGINT NOT NULL)")?;
    }
    let current: i64 = tx
        .query_one("SELECT COALESCE(MAX(version), 0) FROM parley_schema", &[])?
        .get(0);
    if current > LATEST {
        return Err(StoreError::TooNew {
            found: current,
            supported: LATEST,
        });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let version = i as i64 + 1;
        tx.batch_execute(sql)?;
        tx.execute(
            "INSERT INTO parley_schema (version) VALUES ($1)",
            &[&version],
        )?;
        tracing::info!(version, "applied schema migration (postgres)");
    }
    tx.commit()?;
    Ok(())
}
