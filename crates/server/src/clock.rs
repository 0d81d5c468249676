//! The server's one "now": wall-clock Unix seconds, shifted by an offset
//! that tests advance instead of sleeping (token, link, refresh-token and
//! throttle expiry). Every request reads it once, when its transaction
//! starts (`Conn::now`), so everything one request writes carries the same
//! time; code outside a transaction asks `AppState::clock`.

pub use parley_protocol::Clock;

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
