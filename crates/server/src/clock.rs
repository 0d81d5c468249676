//! The server's one "now": wall-clock Unix seconds, shifted by an offset
//! that tests advance instead of sleeping (token, link, refresh-token and
//! throttle expiry). Every request reads it once, when its transaction
//! starts (`Conn::now`), so everything one request writes carries the same
//! time; code outside a transaction asks `AppState::clock`.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

/// Unix seconds, shared by everything one server runs.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    offset: Arc<AtomicI64>,
}

impl Clock {
    /// Now, in Unix seconds.
    pub fn now(&self) -> i64 {
        parley_protocol::Timestamp::now().0 + self.offset.load(Ordering::Relaxed)
    }

    /// Moves this clock `secs` seconds ahead (tests).
    pub fn advance(&self, secs: i64) {
        self.offset.fetch_add(secs, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_advanced_clock_is_ahead_of_the_wall_clock() {
        let c = super::Clock::default();
        let wall = parley_protocol::Timestamp::now().0;
        c.advance(3600);
        assert!(c.now() >= wall + 3600);
        let shared = c.clone();
        shared.advance(60);
        assert!(c.now() >= wall + 3660, "clones share the offset");
    }
}
