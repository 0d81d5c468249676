//! PostgreSQL, for several server nodes on one database: a writer
//! connection per node (group commit, as on SQLite), a pool of read
//! connections, numbered migrations, and the wake-up other nodes get when
//! a batch with feed changes commits.
//!
//! Every write batch begins by locking the one row of `feed_head`
//! (`SELECT … FOR UPDATE`), and holds the lock to its commit. Batches of all
//! nodes therefore run one after another, which gives PostgreSQL the same
//! guarantees as SQLite's single writer: a permission check and the change
//! it guards see the same state, and feed cursors are issued in commit
//! order with no gaps (a later-numbered change can never become visible
//! before an earlier-numbered one). The price is one writer at a time in the
//! whole cluster; each batch carries up to 512 writes, and a commit waits
//! for the WAL flush (`synchronous_commit=on`) like SQLite's `FULL`.

pub mod migrations;
pub mod notify;
pub mod tail;

use super::sql::PgConn;
use super::writer::Engine;
use super::{Conn, StoreError};

/// How to reach the database.
#[derive(Clone)]
pub struct Config {
    /// `postgres://user:password@host:port/db?sslmode=…`
    pub url: String,
    /// Most read connections this node keeps open.
    pub pool_size: usize,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URL may carry a password: never print it.
        f.debug_struct("Config")
            .field("url", &redact(&self.url))
            .field("pool_size", &self.pool_size)
            .finish()
    }
}

/// The URL without its password, for messages and logs.
pub fn redact(url: &str) -> String {
    let url = url.split('?').next().unwrap_or(url);
    match url.parse::<postgres::Config>() {
        Ok(c) => {
            let host = c
                .get_hosts()
                .first()
                .map(|h| match h {
                    postgres::config::Host::Tcp(s) => s.clone(),
                    #[cfg(unix)]
                    postgres::config::Host::Unix(p) => p.display().to_string(),
                })
                .unwrap_or_default();
            let port = c.get_ports().first().copied().unwrap_or(5432);
            format!(
                "postgres://{}@{host}:{port}/{}",
                c.get_user().unwrap_or(""),
                c.get_dbname().unwrap_or("")
            )
        }
        Err(_) => "postgres://(unparsable URL)".into(),
    }
}

/// What a database URL asks for, split into what the driver reads and the
/// TLS settings Parley handles itself.
#[derive(Debug)]
struct Target {
    config: postgres::Config,
    /// Extra trust anchors (`sslrootcert=/path/ca.pem`).
    root_cert: Option<std::path::PathBuf>,
}

/// Reads a `postgres://` URL. libpq's `sslmode` values are accepted; with
/// any mode that uses TLS the certificate is verified (as libpq's
/// `verify-full`), against the system's trust store plus `sslrootcert`.
fn target(url: &str) -> Result<Target, StoreError> {
    let bad = |e: String| StoreError::Open(format!("invalid database URL {}: {e}", redact(url)));
    let mut parsed = url::Url::parse(url).map_err(|e| bad(e.to_string()))?;
    let mut root_cert = None;
    let mut kept: Vec<(String, String)> = Vec::new();
    for (k, v) in parsed.query_pairs() {
        match k.as_ref() {
            "sslrootcert" => root_cert = Some(std::path::PathBuf::from(v.as_ref())),
            "sslmode" if v == "verify-ca" || v == "verify-full" => {
                kept.push(("sslmode".into(), "require".into()))
            }
            _ => kept.push((k.into_owned(), v.into_owned())),
        }
    }
    if kept.is_empty() {
        parsed.set_query(None);
    } else {
        parsed.query_pairs_mut().clear().extend_pairs(kept);
    }
    let config = parsed
        .as_str()
        .parse::<postgres::Config>()
        .map_err(|e| bad(e.to_string()))?;
    Ok(Target { config, root_cert })
}

/// Opens one connection; TLS when the URL asks for it (`sslmode=require`).
pub fn connect(url: &str) -> Result<postgres::Client, StoreError> {
    let t = target(url)?;
    let client = match t.config.get_ssl_mode() {
        postgres::config::SslMode::Disable => t.config.connect(postgres::NoTls),
        _ => {
            let tls = tls::connector(t.root_cert.as_deref())?;
            t.config.connect(tls)
        }
    };
    client
        .map_err(|e| StoreError::Open(format!("cannot connect to {}: {}", redact(url), causes(&e))))
}

/// An error with its causes ("error performing TLS handshake: invalid peer
/// certificate: UnknownIssuer"), which the driver's message alone omits.
fn causes(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut next = e.source();
    while let Some(s) = next {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        next = s.source();
    }
    out
}

mod tls {
    //! TLS to the database (rustls): the system's trust roots plus an
    //! optional CA file, and the host name checked.
    use super::StoreError;

    pub fn connector(
        extra: Option<&std::path::Path>,
    ) -> Result<tokio_postgres_rustls::MakeRustlsConnect, StoreError> {
        let mut roots = rustls::RootCertStore::empty();
        for cert in rustls_native_certs::load_native_certs().certs {
            let _ = roots.add(cert);
        }
        if let Some(path) = extra {
            let pem = std::fs::read(path).map_err(|e| {
                StoreError::Open(format!("cannot read sslrootcert {}: {e}", path.display()))
            })?;
            let mut found = 0;
            for cert in rustls_pemfile::certs(&mut pem.as_slice()) {
                let cert = cert.map_err(|e| {
                    StoreError::Open(format!("sslrootcert {}: {e}", path.display()))
                })?;
                roots.add(cert).map_err(|e| {
                    StoreError::Open(format!("sslrootcert {}: {e}", path.display()))
                })?;
                found += 1;
            }
            if found == 0 {
                return Err(StoreError::Open(format!(
                    "sslrootcert {} holds no PEM certificate",
                    path.display()
                )));
            }
        }
        let config = rustls::ClientConfig::builder()
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
    }
}

/// A node's writer connection.
pub struct Writer {
    url: String,
    conn: PgConn,
}

impl std::fmt::Debug for Writer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Writer")
            .field("url", &redact(&self.url))
            .finish()
    }
}

impl Writer {
    /// Connects and brings the schema up to date.
    pub fn open(url: &str) -> Result<Writer, StoreError> {
        let mut client = connect(url)?;
        migrations::apply(&mut client)?;
        Ok(Writer {
            url: url.to_owned(),
            conn: PgConn::new(client),
        })
    }
}

impl Engine for Writer {
    fn begin(&mut self) -> Result<(), StoreError> {
        let c = &mut self.conn;
        // Serializes the batches of every node; see the module doc.
        c.batch("BEGIN; SELECT seq FROM feed_head FOR UPDATE")
    }

    fn control(&mut self, sql: &str) -> Result<(), StoreError> {
        self.conn.batch(sql)
    }

    fn commit(&mut self, last_seq: Option<i64>) -> Result<(), StoreError> {
        let c = &mut self.conn;
        match last_seq {
            // Sent at commit; the lock on feed_head already orders commits.
            Some(seq) => c.batch(&format!("NOTIFY {}, '{seq}'; COMMIT", notify::FEED_CHANNEL)),
            None => c.batch("COMMIT"),
        }
    }

    fn announces_commits(&self) -> bool {
        false
    }

    fn conn(&mut self) -> Conn<'_> {
        Conn::postgres(&mut self.conn)
    }

    fn recover(&mut self) {
        if self.conn.is_closed() {
            match connect(&self.url) {
                Ok(c) => self.conn = PgConn::new(c),
                Err(e) => tracing::error!(error = %e, "the database writer cannot reconnect"),
            }
        }
    }
}

/// Opens read connections for the pool (r2d2), each with its statement cache.
struct Manager {
    url: String,
}

impl r2d2::ManageConnection for Manager {
    type Connection = PgConn;
    type Error = StoreError;

    fn connect(&self) -> Result<PgConn, StoreError> {
        Ok(PgConn::new(connect(&self.url)?))
    }

    fn is_valid(&self, conn: &mut PgConn) -> Result<(), StoreError> {
        conn.batch("")
    }

    fn has_broken(&self, conn: &mut PgConn) -> bool {
        conn.is_closed()
    }
}

/// The pool of read connections.
pub struct Readers {
    pool: r2d2::Pool<Manager>,
}

impl std::fmt::Debug for Readers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Readers")
            .field("open", &self.pool.state().connections)
            .finish()
    }
}

impl Readers {
    /// A pool of up to `config.pool_size` connections, opened as needed.
    pub fn new(config: &Config) -> Readers {
        let pool = r2d2::Pool::builder()
            .max_size(config.pool_size.clamp(1, u32::MAX as usize) as u32)
            .min_idle(Some(0))
            .connection_timeout(std::time::Duration::from_secs(10))
            .build_unchecked(Manager {
                url: config.url.clone(),
            });
        Readers { pool }
    }

    /// Sends a notification to every node's listener.
    pub async fn notify(&self, channel: &'static str, payload: String) -> Result<(), StoreError> {
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = pool
                .get()
                .map_err(|e| StoreError::Open(format!("no database connection: {e}")))?;
            conn.client()?
                .execute("SELECT pg_notify($1, $2)", &[&channel, &payload])?;
            Ok(())
        })
        .await
        .map_err(|e| StoreError::Task(e.to_string()))?
    }

    /// Runs `f` on a pooled connection inside a read-only snapshot.
    pub async fn run<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&Conn<'_>) -> Result<T, E> + Send + 'static,
    {
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || {
            let mut pooled = pool
                .get()
                .map_err(|e| E::from(StoreError::Open(format!("no database connection: {e}"))))?;
            let conn: &mut PgConn = &mut pooled;
            conn.batch("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                .map_err(E::from)?;
            let out = f(&Conn::postgres(&mut *conn));
            // Read-only: ending the snapshot cannot lose anything.
            let _ = conn.batch("COMMIT");
            out
        })
        .await
        .map_err(|e| E::from(StoreError::Task(e.to_string())))?
    }
}
