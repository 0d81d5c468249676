//! Sign-in throttling. An attempt is counted *before* its password is
//! checked, in the database (so it holds across restarts and nodes, and
//! concurrent guesses cannot race past the limit); past a limit, attempts
//! are refused until the window ends.
//!
//! Lock-out must not be a weapon: a stranger who guesses at `alice`'s
//! password can block further guesses *from strangers* — per identity and
//! per address — but not `alice` on a device she signed in from before. A
//! sign-in that presents such a device's token (`device_token`, issued with
//! every successful sign-in) is counted against that device alone, with the
//! same limit, so a stolen laptop still gets only five guesses per window.
//! Successes count too, per address, at a higher limit (a credential-stuffing
//! run that finds valid passwords is still slowed down).

use crate::store::{throttle, StoreResult, Tx};

/// The limits.
#[derive(Debug, Clone)]
pub struct LoginLimiter {
    /// Window length, seconds.
    pub window: i64,
    /// Wrong passwords per identity, from strangers.
    pub per_identity: i64,
    /// Wrong passwords per client address, from strangers.
    pub per_address: i64,
    /// Sign-ins per client address, right or wrong, from strangers.
    pub per_address_total: i64,
    /// Wrong passwords per known device.
    pub per_device: i64,
}

impl Default for LoginLimiter {
    fn default() -> Self {
        LoginLimiter {
            window: 15 * 60,
            per_identity: 5,
            per_address: 30,
            per_address_total: 100,
            per_device: 5,
        }
    }
}

/// Who is signing in, as far as throttling goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Signer {
    /// No device token of this identity: counted per identity and address.
    Stranger { identity: String, address: String },
    /// A device that signed in as this identity before (its token's hash).
    Device { token_hash: String },
    /// Counted per address only: for a sign-in whose name is no secret
    /// (the console's account SID), so that strangers cannot lock its
    /// owner out by failing on purpose.
    Address { address: String },
}

/// (key, limit, whether a correct password takes the attempt back)
fn keys(l: &LoginLimiter, who: &Signer) -> Vec<(String, i64, bool)> {
    match who {
        Signer::Stranger { identity, address } => vec![
            (format!("id:{identity}"), l.per_identity, true),
            (format!("ip:{address}"), l.per_address, true),
            (format!("all:{address}"), l.per_address_total, false),
        ],
        Signer::Device { token_hash } => vec![(format!("dev:{token_hash}"), l.per_device, true)],
        Signer::Address { address } => vec![
            (format!("ip:{address}"), l.per_address, true),
            (format!("all:{address}"), l.per_address_total, false),
        ],
    }
}

impl LoginLimiter {
    /// Counts an attempt, or returns the seconds to wait if any of its keys
    /// is already at its limit (then nothing is counted).
    pub fn attempt(&self, tx: &Tx<'_>, who: &Signer, now: i64) -> StoreResult<Result<(), u64>> {
        let keys = keys(self, who);
        let mut wait = 0;
        for (key, limit, _) in &keys {
            let (start, n) = throttle::attempts(tx, key, now, self.window)?;
            if n >= *limit {
                wait = wait.max((start + self.window - now).max(1) as u64);
            }
        }
        if wait > 0 {
            return Ok(Err(wait));
        }
        for (key, _, _) in &keys {
            throttle::count(tx, key, now, self.window)?;
        }
        Ok(Ok(()))
    }

    /// A correct password: the identity (or device) starts afresh and the
    /// attempt does not count as a failure of the address.
    pub fn succeeded(&self, tx: &Tx<'_>, who: &Signer) -> StoreResult<()> {
        for (i, (key, _, take_back)) in keys(self, who).into_iter().enumerate() {
            match (i, take_back) {
                (0, _) => throttle::clear(tx, &key)?,
                (_, true) => throttle::uncount(tx, &key)?,
                (_, false) => {}
            }
        }
        Ok(())
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

    fn stranger(who: &str, ip: &str) -> Signer {
        Signer::Stranger {
            identity: who.into(),
            address: ip.into(),
        }
    }

    async fn attempt(db: &Db, l: &LoginLimiter, who: &str, ip: &str, now: i64) -> Result<(), u64> {
        attempt_as(db, l, stranger(who, ip), now).await
    }

    async fn attempt_as(db: &Db, l: &LoginLimiter, who: Signer, now: i64) -> Result<(), u64> {
        let l = l.clone();
        db.write(move |tx| l.attempt(tx, &who, now))
            .await
            .expect("write")
    }

    async fn succeeded(db: &Db, l: &LoginLimiter, who: Signer) {
        let l = l.clone();
        db.write(move |tx| l.succeeded(tx, &who)).await.expect("ok");
    }

    #[tokio::test]
    async fn an_identity_is_blocked_after_its_limit_and_freed_by_success() {
        let (_d, db) = db().await;
        let l = LoginLimiter {
            window: 60,
            per_identity: 3,
            per_address: 100,
            ..Default::default()
        };
        for _ in 0..3 {
            assert_eq!(attempt(&db, &l, "alice", "1.2.3.4", 1000).await, Ok(()));
        }
        assert!(
            attempt(&db, &l, "alice", "5.6.7.8", 1010).await.is_err(),
            "blocked from any address"
        );
        assert_eq!(attempt(&db, &l, "bob", "5.6.7.8", 1010).await, Ok(()));
        succeeded(&db, &l, stranger("alice", "1.2.3.4")).await;
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
            ..Default::default()
        };
        assert_eq!(attempt(&db, &l, "a", "9.9.9.9", 5).await, Ok(()));
        assert_eq!(attempt(&db, &l, "b", "9.9.9.9", 5).await, Ok(()));
        assert_eq!(
            attempt(&db, &l, "c", "9.9.9.9", 20).await,
            Err(45),
            "seconds left in the window"
        );
    }

    #[tokio::test]
    async fn a_known_device_is_not_locked_out_by_strangers_but_has_its_own_limit() {
        let (_d, db) = db().await;
        let l = LoginLimiter {
            window: 60,
            per_identity: 2,
            per_device: 2,
            ..Default::default()
        };
        let laptop = || Signer::Device {
            token_hash: "h1".into(),
        };
        for _ in 0..2 {
            assert_eq!(attempt(&db, &l, "alice", "6.6.6.6", 10).await, Ok(()));
        }
        assert!(
            attempt(&db, &l, "alice", "1.1.1.1", 11).await.is_err(),
            "strangers are locked out"
        );
        assert_eq!(
            attempt_as(&db, &l, laptop(), 12).await,
            Ok(()),
            "her laptop is not"
        );
        assert_eq!(attempt_as(&db, &l, laptop(), 13).await, Ok(()));
        assert!(
            attempt_as(&db, &l, laptop(), 14).await.is_err(),
            "but it has its own limit"
        );
    }

    #[tokio::test]
    async fn successes_count_against_the_address_at_a_higher_limit() {
        let (_d, db) = db().await;
        let l = LoginLimiter {
            window: 60,
            per_address_total: 3,
            ..Default::default()
        };
        for who in ["a", "b", "c"] {
            assert_eq!(attempt(&db, &l, who, "7.7.7.7", 10).await, Ok(()));
            succeeded(&db, &l, stranger(who, "7.7.7.7")).await;
        }
        assert!(attempt(&db, &l, "d", "7.7.7.7", 11).await.is_err());
        assert_eq!(attempt(&db, &l, "d", "8.8.8.8", 11).await, Ok(()));
    }
}
