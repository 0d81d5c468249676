//! One running app per profile (data directory). The first instance holds an
//! exclusive lock on `instance.lock` in the data directory for as long as it
//! runs; a second start finds the lock taken, touches `instance.wake` and
//! exits, and the first instance, which watches that file, brings its window
//! to the front. Works the same on Linux, macOS and Windows, and lets two
//! profiles (two data directories) run side by side.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// How often the running instance looks for a wake-up.
const WATCH_EVERY: Duration = Duration::from_millis(400);

/// The lock of the running instance; released when dropped (or the process ends).
#[derive(Debug)]
pub struct Instance {
    _lock: File,
    wake: PathBuf,
}

/// What starting found.
#[derive(Debug)]
pub enum Start {
    /// This is the only instance of the profile.
    First(Instance),
    /// Another instance runs; it was asked to show its window.
    AlreadyRunning,
}

/// Takes the profile's lock, or wakes the instance that holds it.
pub fn start(data_dir: &Path) -> std::io::Result<Start> {
    std::fs::create_dir_all(data_dir)?;
    let lock = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(data_dir.join("instance.lock"))?;
    let wake = data_dir.join("instance.wake");
    match lock.try_lock() {
        Ok(()) => Ok(Start::First(Instance { _lock: lock, wake })),
        Err(std::fs::TryLockError::WouldBlock) => {
            std::fs::write(&wake, format!("{:?}", SystemTime::now()))?;
            Ok(Start::AlreadyRunning)
        }
        Err(std::fs::TryLockError::Error(e)) => Err(e),
    }
}

impl Instance {
    /// Calls `woken` whenever a second start asks this instance to show itself.
    pub fn watch(&self, woken: impl Fn() + Send + 'static) {
        let wake = self.wake.clone();
        let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
        let mut seen = modified(&wake);
        std::thread::spawn(move || loop {
            std::thread::sleep(WATCH_EVERY);
            let now = modified(&wake);
            if now.is_some() && now != seen {
                seen = now;
                woken();
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_start_of_a_profile_wakes_the_first_and_other_profiles_run() {
        let dir = tempfile::tempdir().expect("dir");
        let first = match start(dir.path()).expect("start") {
            Start::First(i) => i,
            Start::AlreadyRunning => panic!("nothing else runs"),
        };
        let (tx, rx) = std::sync::mpsc::channel();
        first.watch(move || {
            let _ = tx.send(());
        });
        std::thread::sleep(Duration::from_millis(50));
        assert!(matches!(
            start(dir.path()).expect("start"),
            Start::AlreadyRunning
        ));
        rx.recv_timeout(Duration::from_secs(5))
            .expect("the first instance is woken");
        let other = tempfile::tempdir().expect("dir");
        assert!(matches!(
            start(other.path()).expect("start"),
            Start::First(_)
        ));
        drop(first);
        assert!(
            matches!(start(dir.path()).expect("start"), Start::First(_)),
            "free again"
        );
    }
}
