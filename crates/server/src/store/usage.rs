//! Usage per day, counted from the tables themselves (so it is right after
//! a restart and on every node): rows created per UTC day in a service's
//! users, channels, messages and media (by the `*_by_service_date`
//! indexes), running totals of users and channels, and active users from
//! `user_activity`.

use std::collections::BTreeMap;

use super::activity::DAY;
use super::{Conn, StoreResult};
use crate::args;

/// One day's figures; `day` counts UTC days since the epoch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Day {
    pub day: i64,
    /// Users that exist now and were created by the end of the day.
    pub users: i64,
    pub new_users: i64,
    /// Distinct users seen that day (signed in, connected, or used a token).
    pub active_users: i64,
    pub messages: i64,
    /// Channels that exist now and were created by the end of the day.
    pub channels: i64,
    pub new_channels: i64,
    /// Bytes of media uploaded that day.
    pub media_bytes: i64,
}

/// `agg` (an aggregate) of `table` per day in `[from_day, to_day]`, and over
/// everything before.
fn per_day(
    conn: &Conn<'_>,
    table: &str,
    agg: &str,
    service: &str,
    from_day: i64,
    to_day: i64,
) -> StoreResult<(i64, BTreeMap<i64, i64>)> {
    let before: i64 = conn
        .query_opt(
            &format!("SELECT {agg} FROM {table} WHERE service_sid = ?1 AND date_created < ?2"),
            args![service, from_day * DAY],
            |r| r.get(0),
        )?
        .unwrap_or(0);
    let rows: Vec<(i64, i64)> = conn.query(
        &format!(
            "SELECT date_created / {DAY}, {agg} FROM {table}
             WHERE service_sid = ?1 AND date_created >= ?2 AND date_created < ?3
             GROUP BY date_created / {DAY}"
        ),
        args![service, from_day * DAY, (to_day + 1) * DAY],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok((before, rows.into_iter().collect()))
}

const COUNT: &str = "COUNT(*)";
// SUM of a BIGINT is NUMERIC on PostgreSQL.
const BYTES: &str = "CAST(COALESCE(SUM(size), 0) AS BIGINT)";

/// The figures of `service` for every day from `from_day` to `to_day`.
pub fn days(conn: &Conn<'_>, service: &str, from_day: i64, to_day: i64) -> StoreResult<Vec<Day>> {
    let (users_before, new_users) = per_day(conn, "users", COUNT, service, from_day, to_day)?;
    let (channels_before, new_channels) =
        per_day(conn, "channels", COUNT, service, from_day, to_day)?;
    let (_, messages) = per_day(conn, "messages", COUNT, service, from_day, to_day)?;
    let (_, media) = per_day(conn, "media", BYTES, service, from_day, to_day)?;
    let active: BTreeMap<i64, i64> = conn
        .query(
            "SELECT day, COUNT(*) FROM user_activity WHERE service_sid = ?1 AND day >= ?2 AND day <= ?3
             GROUP BY day",
            args![service, from_day, to_day],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?
        .into_iter()
        .collect();
    let (mut users, mut channels) = (users_before, channels_before);
    let get = |m: &BTreeMap<i64, i64>, d| m.get(&d).copied().unwrap_or(0);
    Ok((from_day..=to_day)
        .map(|day| {
            users += get(&new_users, day);
            channels += get(&new_channels, day);
            Day {
                day,
                users,
                new_users: get(&new_users, day),
                active_users: get(&active, day),
                messages: get(&messages, day),
                channels,
                new_channels: get(&new_channels, day),
                media_bytes: get(&media, day),
            }
        })
        .collect())
}
