//! The feed tailer of a node on PostgreSQL: waits for wake-ups (or polls
//! once a second), reads every change after the last one it handed on, in
//! cursor order, and passes them to the change sink (the realtime hub).
//! Because cursors are issued in commit order with no gaps, reading
//! `seq > last` never skips a change that commits late.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::notify::Listener;
use super::{connect, StoreError};
use crate::store::sql::PgConn;
use crate::store::{feed, ChangeSink, Conn};

/// How long the tailer waits for a wake-up before polling anyway.
pub const POLL: Duration = Duration::from_secs(1);
/// Most changes read per query.
const PAGE: u32 = 1000;

/// Where the tailer hands on what it reads.
#[derive(Debug, Default, Clone)]
pub struct Sinks {
    pub changes: Arc<Mutex<Option<ChangeSink>>>,
    pub typing: Arc<Mutex<Option<crate::store::TypingSink>>>,
}

/// Runs until `stop` is set; starts after cursor `from`.
pub fn run(url: String, from: i64, sinks: Sinks, stop: Arc<AtomicBool>) {
    let mut listener = Listener::new(&url);
    let mut conn: Option<PgConn> = None;
    let mut last = from;
    while !stop.load(Ordering::Relaxed) {
        match listener.wait(POLL) {
            Ok(woken) => forward_typing(woken.typing, &sinks),
            Err(e) => {
                tracing::warn!(error = %e, "feed wake-ups interrupted; polling");
                std::thread::sleep(POLL);
            }
        }
        if stop.load(Ordering::Relaxed) {
            break;
        }
        if conn.as_ref().is_none_or(|c| c.is_closed()) {
            match connect(&url) {
                Ok(c) => conn = Some(PgConn::new(c)),
                Err(e) => {
                    tracing::warn!(error = %e, "the feed tailer cannot reach the database");
                    continue;
                }
            }
        }
        let Some(c) = conn.as_mut() else { continue };
        if let Err(e) = catch_up(&Conn::postgres(c), &mut last, &sinks.changes) {
            tracing::warn!(error = %e, "reading the feed failed; retrying");
        }
    }
}

fn forward_typing(payloads: Vec<String>, sinks: &Sinks) {
    if payloads.is_empty() {
        return;
    }
    let Ok(sink) = sinks.typing.lock() else {
        return;
    };
    let Some(sink) = sink.as_ref() else { return };
    for p in payloads {
        match serde_json::from_str::<crate::store::Typing>(&p) {
            Ok(t) => {
                let _ = sink.send(t);
            }
            Err(e) => tracing::warn!(error = %e, "an unreadable typing notification"),
        }
    }
}

fn catch_up(
    conn: &Conn<'_>,
    last: &mut i64,
    sink: &Arc<Mutex<Option<ChangeSink>>>,
) -> Result<(), StoreError> {
    loop {
        let rows = feed::after(conn, *last, PAGE)?;
        let full = rows.len() == PAGE as usize;
        let mut changes = Vec::with_capacity(rows.len());
        for row in rows {
            if row.seq != *last + 1 {
                tracing::warn!(
                    after = *last,
                    next = row.seq,
                    "the feed has a gap (pruned?)"
                );
            }
            *last = row.seq;
            let recipients = match row.audience.as_str() {
                "service" => Vec::new(),
                _ => feed::recipients_of(conn, &row)?,
            };
            changes.extend(crate::feed::from_tail(row, recipients));
        }
        if !changes.is_empty() {
            if let Ok(s) = sink.lock() {
                if let Some(s) = s.as_ref() {
                    let _ = s.send(changes);
                }
            }
        }
        if !full {
            return Ok(());
        }
    }
}
