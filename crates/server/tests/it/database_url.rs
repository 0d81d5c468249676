//! The database URL: TLS when it asks for it (with the certificate
//! checked), and its password never shown.
//!
//! Needs the test cluster (`PARLEY_TEST_POSTGRES`, whose server speaks TLS
//! with a certificate signed by `PARLEY_TEST_POSTGRES_CA`); `make test`
//! runs these under `tests/support/with-postgres … --include-ignored`.

use crate::common;

use parley_server::{start, Database, ServeOptions};

fn options(dir: &tempfile::TempDir, url: String) -> ServeOptions {
    let mut opts = ServeOptions::new(dir.path().to_owned(), "127.0.0.1:0".parse().expect("addr"));
    opts.database = Database::from_url(Some(url), Some(2)).expect("a postgres URL");
    opts
}

#[tokio::test]
#[ignore = "needs PostgreSQL: make test runs it with tests/support/with-postgres"]
async fn sslmode_require_connects_over_tls_and_checks_the_certificate() {
    let url = common::postgres::fresh_database().expect("PARLEY_TEST_POSTGRES");
    let ca = std::env::var("PARLEY_TEST_POSTGRES_CA").expect("PARLEY_TEST_POSTGRES_CA");
    let db = url.rsplit('/').next().expect("db name").to_owned();

    // A certificate the system does not trust is refused.
    let dir = tempfile::tempdir().expect("dir");
    let refused = start(options(&dir, format!("{url}?sslmode=require"))).await;
    let err = refused.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        err.to_lowercase().contains("certificate") || err.contains("UnknownIssuer"),
        "an unknown issuer is refused: {err:?}"
    );

    // With its CA named, the server runs, and its connections are TLS.
    let server = start(options(
        &dir,
        format!("{url}?sslmode=require&sslrootcert={ca}"),
    ))
    .await
    .expect("starts over TLS");
    let r = reqwest::Client::new()
        .get(format!("{}/v2/Services", server.url()))
        .basic_auth(
            &server.app.account_sid,
            Some(&server.app.auth_token.cached()),
        )
        .send()
        .await
        .expect("sent");
    assert_eq!(r.status(), 200);
    let admin = common::postgres::admin_url().expect("admin");
    let (plain, tls) = std::thread::spawn(move || {
        let mut c = postgres::Client::connect(&admin, postgres::NoTls).expect("admin");
        let row = c
            .query_one(
                "SELECT COUNT(*) FILTER (WHERE NOT s.ssl), COUNT(*) FILTER (WHERE s.ssl)
                 FROM pg_stat_ssl s JOIN pg_stat_activity a ON a.pid = s.pid WHERE a.datname = $1",
                &[&db],
            )
            .expect("query");
        (row.get::<_, i64>(0), row.get::<_, i64>(1))
    })
    .join()
    .expect("thread");
    assert!(tls > 0, "the server's connections use TLS");
    assert_eq!(plain, 0, "none of them in plain text");
    server.stop().await;
}

#[tokio::test]
#[ignore = "needs PostgreSQL: make test runs it with tests/support/with-postgres"]
async fn a_password_in_the_url_is_never_shown() {
    let admin = common::postgres::admin_url().expect("PARLEY_TEST_POSTGRES");
    let (base, _) = admin.rsplit_once('/').expect("db");
    let url = base.replacen("postgres://parley@", "postgres://nobody:s3cr3t-pw@", 1) + "/nope";
    let dir = tempfile::tempdir().expect("dir");
    let err = start(options(&dir, url.clone()))
        .await
        .expect_err("refused");
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("s3cr3t-pw"), "{shown}");
    assert!(
        shown.contains("nobody@127.0.0.1"),
        "it says which database: {shown}"
    );

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_parley-server"))
        .args(["--data-dir", &dir.path().display().to_string(), "account"])
        .env("PARLEY_DATABASE_URL", &url)
        .output()
        .expect("ran");
    assert!(!out.status.success());
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!said.contains("s3cr3t-pw"), "{said}");
}
