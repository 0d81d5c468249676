//! Sign-in throttling per identity and per client address: an attempt is
//! counted *before* its password is checked, in the database (so it holds
//! across restarts and nodes, and concurrent guesses cannot race past the
//! limit); past the limit, attempts are refused until the window ends. A
//! correct password takes its attempt back and clears the identity's count.

use crate::store::{throttle, StoreResult, Tx};

/// The limits.
#[derive(Debug, Clone)]
pub struct LoginLimiter {
    /// Window length, seconds.
    pub window: i64,
    pub per_identity: i64,
    pub per_address: i64,
}

impl Default for LoginLimiter {
    fn default() -> Self {
        LoginLimiter {
            window: 15 * 60,
            per_identity: 5,
            per_address: 30,
        }
    }
}

fn keys(identity: &str, address: &str) -> [String; 2] {
    [format!("id:{identity}"), format!("ip:{address}")]
}

impl LoginLimiter {
    /// Counts an attempt, or returns the seconds to wait if either key is
    /// already at its limit (then nothing is counted).
    pub fn attempt(
        &self,
        tx: &Tx<'_>,
        identity: &str,
        address: &str,
        now: i64,
    ) -> StoreResult<Result<(), u64>> {
        let [id, ip] = keys(identity, address);
        let mut wait = 0;
        for (key, limit) in [(&id, self.per_identity), (&ip, self.per_address)] {
            let (start, n) = throttle::attempts(tx, key, now, self.window)?;
            if n >= limit {
                wait = wait.max((start + self.window - now).max(1) as u64);
            }
        }
        if wait > 0 {
            return Ok(Err(wait));
        }
        for key in [&id, &ip] {
            throttle::count(tx, key, now, self.window)?;
        }
        Ok(Ok(()))
    }

    /// A correct password: the attempt does not count against the address,
    /// and the identity starts afresh.
    pub fn succeeded(&self, tx: &Tx<'_>, identity: &str, address: &str) -> StoreResult<()> {
        let [id, ip] = keys(identity, address);
        throttle::clear(tx, &id)?;
        throttle::uncount(tx, &ip)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Db;

    async fn db() -> (tempfile::TempDir, Db) {
        let dir = tempfile::tempdir().expect("dir");
        let db = Db::open_sqlite(&dir.path().join("t.db")).expect("db");
        (dir, db)
    }

    async fn attempt(
        db: &Db,
        l: &LoginLimiter,
        who: &'static str,
        ip: &'static str,
        now: i64,
    ) -> Result<(), u64> {
        let l = l.clone();
        db.write(move |tx| l.attempt(tx, who, ip, now))
            .await
            .expect("write")
    }

    #[tokio::test]
    async fn an_identity_is_blocked_after_its_limit_and_freed_by_success() {
        let (_d, db) = db().await;
        let l = LoginLimiter {
            window: 60,
            per_identity: 3,
            per_address: 100,
        };
        for _ in 0..3 {
            assert_eq!(attempt(&db, &l, "alice", "1.2.3.4", 1000).await, Ok(()));
        }
        assert!(
            attempt(&db, &l, "alice", "5.6.7.8", 1010).await.is_err(),
            "blocked from any address"
        );
        assert_eq!(attempt(&db, &l, "bob", "5.6.7.8", 1010).await, Ok(()));
        let l2 = l.clone();
        db.write(move |tx| l2.succeeded(tx, "alice", "1.2.3.4"))
            .await
            .expect("ok");
        assert_eq!(attempt(&db, &l, "alice", "5.6.7.8", 1011).await, Ok(()));
        assert_eq!(
            attempt(&db, &l, "carol", "9.9.9.9", 1000 + 60).await,
            Ok(()),
            "a new window starts afresh"
        );
    }

    #[tokio::test]
    async fn an_address_is_blocked_across_identities() {
        let (_d, db) = db().await;
        let l = LoginLimiter {
            window: 60,
            per_identity: 100,
            per_address: 2,
        };
        assert_eq!(attempt(&db, &l, "a", "9.9.9.9", 5).await, Ok(()));
        assert_eq!(attempt(&db, &l, "b", "9.9.9.9", 5).await, Ok(()));
        assert_eq!(
            attempt(&db, &l, "c", "9.9.9.9", 20).await,
            Err(45),
            "seconds left in the window"
        );
    }
}
