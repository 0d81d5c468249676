//! The PostgreSQL side of the harness: with `PARLEY_TEST_POSTGRES` set to an
//! admin URL of a test cluster (`make test` starts one), every test server
//! gets a database of its own; without it, tests run on SQLite.

/// The admin URL of the test cluster, if the tests run on PostgreSQL.
pub fn admin_url() -> Option<String> {
    std::env::var("PARLEY_TEST_POSTGRES")
        .ok()
        .filter(|u| !u.is_empty())
}

/// Creates an empty database on the test cluster and returns its URL.
pub fn fresh_database() -> Option<String> {
    Some(fresh_database_on(&admin_url()?))
}

/// Creates an empty database on the cluster of `admin` and returns its URL.
pub fn fresh_database_on(admin: &str) -> String {
    let admin = admin.to_owned();
    let name = format!("t{}", hex_id());
    let url = admin.clone();
    let sql = format!("CREATE DATABASE {name}");
    // The sync client runs its own runtime: keep it off the test's.
    std::thread::spawn(move || {
        let mut c =
            postgres::Client::connect(&url, postgres::NoTls).expect("test cluster reachable");
        c.batch_execute(&sql).expect("database created");
    })
    .join()
    .expect("create database");
    let (base, _) = admin.rsplit_once('/').expect("admin URL ends in /dbname");
    format!("{base}/{name}")
}

/// A PostgreSQL cluster of one test's own (`tests/support/pg-cluster`), for
/// tests that stop or restart it: the shared one serves every other test of
/// the binary at the same time. Stopped and removed when dropped.
pub struct OwnCluster {
    pub dir: tempfile::TempDir,
    pub admin: String,
}

fn pg_cluster(args: &[&str]) -> std::process::Output {
    std::process::Command::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/support/pg-cluster"
    ))
    .args(args)
    .output()
    .expect("pg-cluster ran")
}

impl OwnCluster {
    pub fn start() -> OwnCluster {
        let dir = tempfile::tempdir().expect("dir");
        let data = dir.path().join("pg");
        let out = pg_cluster(&["start", &data.display().to_string()]);
        assert!(
            out.status.success(),
            "pg-cluster start: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let admin = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        OwnCluster { dir, admin }
    }

    /// `pg-cluster down|up|restart` of this cluster.
    pub fn run(&self, what: &str) {
        let data = self.dir.path().join("pg");
        let out = pg_cluster(&[what, &data.display().to_string()]);
        assert!(
            out.status.success(),
            "pg-cluster {what}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

impl Drop for OwnCluster {
    fn drop(&mut self) {
        let data = self.dir.path().join("pg");
        let _ = pg_cluster(&["stop", &data.display().to_string()]);
    }
}

fn hex_id() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!(
        "{:x}{:x}{:x}",
        std::process::id(),
        t & 0xffff_ffff,
        N.fetch_add(1, Ordering::Relaxed)
    )
}
