//! Password hashing with argon2id (PHC strings with their own salt), and the
//! bounded pool the server checks passwords on.
//!
//! Each check needs ~19 MiB of working memory (OWASP's argon2id setting:
//! m = 19 MiB, t = 2, p = 1, argon2's default). Run unbounded on the
//! blocking pool, a burst of sign-ins allocated one such buffer per thread
//! and the allocator kept them: RSS went from 17 MB to 1.4 GB and stayed. The
//! [`Hasher`] runs at most one check per core, each on a buffer it keeps and
//! reuses, so memory is bounded by cores × 19 MiB; callers past a short queue
//! are told to come back ([`Busy`]) instead of piling up.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use argon2::password_hash::{PasswordHash, PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use subtle::ConstantTimeEq;

/// Longest password accepted, in bytes (longer ones are refused unhashed).
pub const MAX_PASSWORD_BYTES: usize = 4096;

/// Hashes `password` into a PHC string (CLI, demo data, tests).
pub fn hash(password: &str) -> Result<String, String> {
    let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>()).map_err(|e| e.to_string())?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// Whether `password` matches the stored PHC string, computed in `memory`
/// (grown to the hash's size if needed, then kept by the caller).
fn verify_in(password: &str, phc: &str, memory: &mut Vec<Block>) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return false;
    };
    let Ok(params) = Params::try_from(&parsed) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(parsed.algorithm) else {
        return false;
    };
    let version = match parsed.version.map(Version::try_from) {
        None => Version::default(),
        Some(Ok(v)) => v,
        Some(Err(_)) => return false,
    };
    let mut salt_buf = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_buf) else {
        return false;
    };
    let needed = params.block_count();
    if memory.len() < needed {
        memory.resize(needed, Block::default());
    }
    let mut out = vec![0u8; expected.len()];
    let argon = Argon2::new(algorithm, version, params);
    argon
        .hash_password_into_with_memory(password.as_bytes(), salt, &mut out, &mut memory[..])
        .is_ok()
        && bool::from(out.as_slice().ct_eq(expected.as_bytes()))
}

/// Whether `password` matches the stored PHC string.
pub fn verify(password: &str, phc: &str) -> bool {
    verify_in(password, phc, &mut Vec::new())
}

/// A hash to verify against when the user does not exist, so that a login
/// for an unknown user costs the same time as one with a wrong password.
pub fn decoy() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash("decoy password").unwrap_or_default())
}

/// Every hashing slot is taken and the queue is full: try again shortly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("too many sign-ins are being checked; try again in a second")]
pub struct Busy;

/// The bounded pool password checks run on.
#[derive(Debug)]
pub struct Hasher {
    slots: tokio::sync::Semaphore,
    /// Checks running or waiting for a slot.
    admitted: AtomicUsize,
    /// Most checks admitted at once (running + queued).
    capacity: usize,
    /// Working memory, one buffer per slot, reused.
    buffers: Mutex<Vec<Vec<Block>>>,
}

/// A place in the [`Hasher`]'s queue, taken before any other work is done
/// for a sign-in (so a refused one costs nothing).
#[derive(Debug)]
pub struct Admission(Arc<Hasher>);

impl Drop for Admission {
    fn drop(&mut self) {
        self.0.admitted.fetch_sub(1, Ordering::AcqRel);
    }
}

impl Hasher {
    /// A pool running `slots` checks at once with `queue` more waiting.
    pub fn new(slots: usize, queue: usize) -> Arc<Hasher> {
        let slots = slots.max(1);
        Arc::new(Hasher {
            slots: tokio::sync::Semaphore::new(slots),
            admitted: AtomicUsize::new(0),
            capacity: slots + queue,
            buffers: Mutex::new(Vec::new()),
        })
    }

    /// One slot per core, and a queue of eight checks per slot (about a
    /// quarter of a second of waiting on this hardware).
    pub fn for_this_machine() -> Arc<Hasher> {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Hasher::new(cores, cores * 8)
    }

    /// Takes a place in the queue, or says the pool is full.
    pub fn admit(self: &Arc<Self>) -> Result<Admission, Busy> {
        let before = self.admitted.fetch_add(1, Ordering::AcqRel);
        let admission = Admission(self.clone());
        if before >= self.capacity {
            return Err(Busy);
        }
        Ok(admission)
    }

    /// Checks `password` against `phc` (or against a decoy when there is
    /// no stored hash, so that the answer takes as long) on the pool.
    pub async fn verify(&self, _place: Admission, password: String, phc: Option<String>) -> bool {
        let Ok(_slot) = self.slots.acquire().await else {
            return false;
        };
        let mut memory = self
            .buffers
            .lock()
            .map(|mut b| b.pop())
            .ok()
            .flatten()
            .unwrap_or_default();
        let (ok, memory) = tokio::task::spawn_blocking(move || {
            let stored = phc.as_deref().unwrap_or_else(|| decoy());
            let ok = verify_in(&password, stored, &mut memory) && phc.is_some();
            (ok, memory)
        })
        .await
        .unwrap_or((false, Vec::new()));
        if let Ok(mut b) = self.buffers.lock() {
            b.push(memory);
        }
        ok
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_right_password_verifies_and_a_wrong_one_does_not() {
        let h = super::hash("correct horse").expect("hash");
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(super::verify("correct horse", &h));
        assert!(!super::verify("battery staple", &h));
        assert!(!super::verify("x", "not a phc string"));
    }

    #[test]
    fn a_reused_buffer_gives_the_same_answers() {
        let h = super::hash("correct horse").expect("hash");
        let mut memory = Vec::new();
        assert!(verify_in("correct horse", &h, &mut memory));
        let len = memory.len();
        assert!(!verify_in("wrong", &h, &mut memory));
        assert!(verify_in("correct horse", &h, &mut memory));
        assert_eq!(memory.len(), len, "the buffer is reused, not grown");
    }

    #[tokio::test]
    async fn the_pool_refuses_past_its_queue_and_admits_again_after() {
        let pool = Hasher::new(1, 1);
        let a = pool.admit().expect("slot");
        let b = pool.admit().expect("queue");
        assert_eq!(pool.admit().map(|_| ()), Err(Busy));
        drop(a);
        let h = super::hash("pw").expect("hash");
        assert!(
            pool.verify(pool.admit().expect("freed"), "pw".into(), Some(h))
                .await
        );
        assert!(
            !pool.verify(b, "pw".into(), None).await,
            "no hash: never true"
        );
    }
}
