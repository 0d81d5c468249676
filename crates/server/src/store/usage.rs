//! Usage per day, counted from the tables themselves (so it is right after
//! a restart and on every node): rows created per UTC day in a service's
//! users, channels, messages and media (by the `*_by_service_date`
//! indexes), running totals of users and channels, and active users from
//! `user_activity`. Messages and media — the big tables — are counted once
//! for a day that is over and remembered in `usage_days` ([`remember`]);
//! only today's, and days never asked for before, are counted live.

use std::collections::BTreeMap;

use super::activity::DAY;
use super::{Conn, StoreResult, Tx};
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

/// `agg` (an aggregate) of `table` per day in `[from_day, to_day]`, and,
/// for a running total (`running`), over everything before.
fn per_day(
    conn: &Conn<'_>,
    table: &str,
    agg: &str,
    running: bool,
    service: &str,
    from_day: i64,
    to_day: i64,
) -> StoreResult<(i64, BTreeMap<i64, i64>)> {
    if !running {
        return Ok((
            0,
            per_day_rows(conn, table, agg, service, from_day, to_day)?,
        ));
    }
    let before: i64 = conn
        .query_opt(
            &format!("SELECT {agg} FROM {table} WHERE service_sid = ?1 AND date_created < ?2"),
            args![service, from_day * DAY],
            |r| r.get(0),
        )?
        .unwrap_or(0);
    Ok((
        before,
        per_day_rows(conn, table, agg, service, from_day, to_day)?,
    ))
}

fn per_day_rows(
    conn: &Conn<'_>,
    table: &str,
    agg: &str,
    service: &str,
    from_day: i64,
    to_day: i64,
) -> StoreResult<BTreeMap<i64, i64>> {
    let rows: Vec<(i64, i64)> = conn.query(
        &format!(
            "SELECT date_created / {DAY}, {agg} FROM {table}
             WHERE service_sid = ?1 AND date_created >= ?2 AND date_created < ?3
             GROUP BY date_created / {DAY}"
        ),
        args![service, from_day * DAY, (to_day + 1) * DAY],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(rows.into_iter().collect())
}

const COUNT: &str = "COUNT(*)";
// SUM of a BIGINT is NUMERIC on PostgreSQL.
const BYTES: &str = "CAST(COALESCE(SUM(size), 0) AS BIGINT)";

/// Messages and media bytes of a day that is over, counted once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counted {
    pub day: i64,
    pub messages: i64,
    pub media_bytes: i64,
}

/// The figures of `service` for every day from `from_day` to `to_day`
/// (`today` is the day still going on), and the days over that were
/// counted now for the first time: [`remember`] them.
pub fn days(
    conn: &Conn<'_>,
    service: &str,
    from_day: i64,
    to_day: i64,
    today: i64,
) -> StoreResult<(Vec<Day>, Vec<Counted>)> {
    let (users_before, new_users) = per_day(conn, "users", COUNT, true, service, from_day, to_day)?;
    let (channels_before, new_channels) =
        per_day(conn, "channels", COUNT, true, service, from_day, to_day)?;
    let mut remembered: BTreeMap<i64, (i64, i64)> = conn
        .query(
            "SELECT day, messages, media_bytes FROM usage_days
             WHERE service_sid = ?1 AND day >= ?2 AND day <= ?3",
            args![service, from_day, to_day],
            |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))),
        )?
        .into_iter()
        .collect();
    // Live: today, and the span of days over that were never counted.
    let over_end = to_day.min(today - 1);
    let missing: Vec<i64> = (from_day..=over_end)
        .filter(|d| !remembered.contains_key(d))
        .collect();
    let mut counted = Vec::new();
    let live = |from: i64, to: i64| -> StoreResult<BTreeMap<i64, (i64, i64)>> {
        let (_, messages) = per_day(conn, "messages", COUNT, false, service, from, to)?;
        let (_, media) = per_day(conn, "media", BYTES, false, service, from, to)?;
        Ok((from..=to)
            .map(|d| {
                let v = (
                    messages.get(&d).copied().unwrap_or(0),
                    media.get(&d).copied().unwrap_or(0),
                );
                (d, v)
            })
            .collect())
    };
    if let (Some(&first), Some(&last)) = (missing.first(), missing.last()) {
        for (d, v) in live(first, last)? {
            if let std::collections::btree_map::Entry::Vacant(slot) = remembered.entry(d) {
                counted.push(Counted {
                    day: d,
                    messages: v.0,
                    media_bytes: v.1,
                });
                slot.insert(v);
            }
        }
    }
    if to_day >= today {
        remembered.extend(live(today.max(from_day), to_day)?);
    }
    let messages: BTreeMap<i64, i64> = remembered.iter().map(|(d, v)| (*d, v.0)).collect();
    let media: BTreeMap<i64, i64> = remembered.iter().map(|(d, v)| (*d, v.1)).collect();
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
    Ok((
        (from_day..=to_day)
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
            .collect(),
        counted,
    ))
}

/// Remembers the counts of days that are over (a day counted twice, by two
/// nodes at once, keeps the first).
pub fn remember(tx: &Tx<'_>, service: &str, days: &[Counted]) -> StoreResult<()> {
    for d in days {
        tx.execute(
            "INSERT INTO usage_days (service_sid, day, messages, media_bytes) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (service_sid, day) DO NOTHING",
            args![service, d.day, d.messages, d.media_bytes],
        )?;
    }
    Ok(())
}
