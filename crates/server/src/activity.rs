//! When users are active: a user is seen when it signs in, opens a socket
//! or makes a request with an access token. Each node writes a sighting to
//! `user_activity` at most every five minutes per user (and at once on a
//! new UTC day), off the request's path, so activity costs one small write
//! per active user every few minutes rather than one per request.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::app::App;
use crate::store::activity::{self, DAY};

/// Seconds between two sightings of one user that a node writes.
const EVERY: i64 = 300;

/// Past this many users remembered, the stale ones are forgotten.
const FORGET_ABOVE: usize = 10_000;

/// The last sighting this node wrote of each user.
#[derive(Debug, Default)]
pub struct Activity {
    written: Mutex<HashMap<(String, String), i64>>,
}

impl Activity {
    /// Whether a sighting at `now` should be written (and notes it).
    fn due(&self, service: &str, identity: &str, now: i64) -> bool {
        let Ok(mut w) = self.written.lock() else {
            return false;
        };
        // Forget sightings too old to matter, so the map holds only the
        // users seen in the last few minutes.
        if w.len() >= FORGET_ABOVE {
            w.retain(|_, last| now - *last < EVERY);
        }
        let key = (service.to_owned(), identity.to_owned());
        match w.get(&key) {
            Some(&last) if now - last < EVERY && last.div_euclid(DAY) == now.div_euclid(DAY) => {
                false
            }
            _ => {
                w.insert(key, now);
                true
            }
        }
    }
}

/// Notes that `identity` of `service` is active now.
pub fn seen(app: &App, service: &str, identity: &str) {
    let now = app.clock.now();
    if !app.activity.due(service, identity, now) {
        return;
    }
    let (app, service, identity) = (app.clone(), service.to_owned(), identity.to_owned());
    tokio::spawn(async move {
        let result = app
            .db
            .write(move |tx| activity::record(tx, &service, &identity, now))
            .await;
        if let Err(e) = result {
            tracing::warn!(error = %e, "could not record user activity");
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sighting_is_written_every_five_minutes_and_on_a_new_day() {
        let a = Activity::default();
        let t = 10 * DAY + 100;
        assert!(a.due("IS1", "alice", t));
        assert!(!a.due("IS1", "alice", t + 10));
        assert!(a.due("IS1", "bob", t + 10), "per user");
        assert!(a.due("IS1", "alice", t + EVERY));
        assert!(a.due("IS1", "alice", 11 * DAY), "a new day");
    }
}
