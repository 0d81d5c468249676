//! Failed-login throttling per identity and per client address: after too
//! many failures in a window, further attempts are refused until it ends.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Counts failures per key in fixed windows.
#[derive(Debug)]
pub struct LoginLimiter {
    window: Duration,
    per_identity: u32,
    per_address: u32,
    failures: Mutex<HashMap<String, (Instant, u32)>>,
}

impl Default for LoginLimiter {
    fn default() -> Self {
        LoginLimiter::new(Duration::from_secs(15 * 60), 5, 30)
    }
}

impl LoginLimiter {
    pub fn new(window: Duration, per_identity: u32, per_address: u32) -> Self {
        LoginLimiter {
            window,
            per_identity,
            per_address,
            failures: Mutex::new(HashMap::new()),
        }
    }

    fn keys(identity: &str, address: &str) -> [String; 2] {
        [format!("id:{identity}"), format!("ip:{address}")]
    }

    /// Seconds to wait if either key is over its limit, else `None`.
    pub fn blocked(&self, identity: &str, address: &str) -> Option<u64> {
        let now = Instant::now();
        let map = self.failures.lock().ok()?;
        let [id, ip] = Self::keys(identity, address);
        [(id, self.per_identity), (ip, self.per_address)]
            .into_iter()
            .filter_map(|(k, limit)| {
                let (start, n) = map.get(&k)?;
                let left = self.window.checked_sub(now.duration_since(*start))?;
                (*n >= limit).then(|| left.as_secs().max(1))
            })
            .max()
    }

    /// Records a failed attempt.
    pub fn failed(&self, identity: &str, address: &str) {
        let now = Instant::now();
        if let Ok(mut map) = self.failures.lock() {
            if map.len() > 100_000 {
                map.retain(|_, (start, _)| now.duration_since(*start) < self.window);
            }
            for k in Self::keys(identity, address) {
                let e = map.entry(k).or_insert((now, 0));
                if now.duration_since(e.0) >= self.window {
                    *e = (now, 0);
                }
                e.1 += 1;
            }
        }
    }

    /// Clears the identity's count after a successful login.
    pub fn succeeded(&self, identity: &str) {
        if let Ok(mut map) = self.failures.lock() {
            map.remove(&format!("id:{identity}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_identity_is_blocked_after_its_limit_and_freed_by_success() {
        let l = LoginLimiter::new(Duration::from_secs(60), 3, 100);
        for _ in 0..2 {
            l.failed("alice", "1.2.3.4");
        }
        assert_eq!(l.blocked("alice", "1.2.3.4"), None);
        l.failed("alice", "1.2.3.4");
        assert!(
            l.blocked("alice", "5.6.7.8").is_some(),
            "blocked from any address"
        );
        assert_eq!(l.blocked("bob", "5.6.7.8"), None);
        l.succeeded("alice");
        assert_eq!(l.blocked("alice", "5.6.7.8"), None);
    }

    #[test]
    fn an_address_is_blocked_across_identities() {
        let l = LoginLimiter::new(Duration::from_secs(60), 100, 2);
        l.failed("a", "9.9.9.9");
        l.failed("b", "9.9.9.9");
        assert!(l.blocked("c", "9.9.9.9").is_some());
    }
}
