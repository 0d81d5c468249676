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
    let admin = admin_url()?;
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
    Some(format!("{base}/{name}"))
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
