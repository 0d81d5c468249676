//! PostgreSQL, for several server nodes on one database: writer connections
//! (group commit, as on SQLite), a pool of read connections, numbered
//! migrations, and the wake-up other nodes get when a batch with feed
//! changes commits.
//!
//! Each node has one *serial* writer, whose batches begin by taking an
//! advisory lock that they hold to their commit: serial batches of all
//! nodes run one after another, which gives every ordinary write SQLite's
//! guarantee that a permission check and the change it guards see the same
//! state, cluster-wide. Sending a message — the hot path — goes to one of a
//! few *keyed* writers instead (by channel), whose batches run in parallel
//! with everything else: a send changes its channel only through atomic
//! statements (`UPDATE channels … RETURNING next_index` takes the row lock),
//! so concurrent batches cannot give two messages one index. Every batch
//! takes its feed cursors last, under the `feed_head` row lock, and holds
//! it to its commit (see `store::feed`), so cursors are issued in commit
//! order with no gaps. A commit waits for the WAL flush
//! (`synchronous_commit=on`) like SQLite's `FULL`.

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
    /// Writers for keyed writes (message sends), besides the serial one.
    pub keyed_writers: usize,
}

/// Default number of keyed writers per node.
pub const KEYED_WRITERS: usize = 4;

/// What a writer connection is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Unkeyed writes: its batches run one at a time in the whole cluster.
    Serial,
    /// Keyed writes (see `Db::write_keyed`): batches run in parallel.
    Keyed,
}

/// Most writes in one batch (see `max_batch`).
const MAX_BATCH: usize = 60;

/// The advisory lock serial batches hold: an arbitrary constant ("PRLYWR").
const SERIAL_LOCK: i64 = 0x5052_4C59_5752;

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URL may carry a password: never print it.
        f.debug_struct("Config")
            .field("url", &redact(&self.url))
            .field("pool_size", &self.pool_size)
            .field("keyed_writers", &self.keyed_writers)
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
    let mut config = parsed
        .as_str()
        .parse::<postgres::Config>()
        .map_err(|e| bad(e.to_string()))?;
    if config.get_connect_timeout().is_none() {
        // A database host that does not answer must not hang a node.
        config.connect_timeout(std::time::Duration::from_secs(5));
    }
    Ok(Target { config, root_cert })
}

/// Opens one connection; TLS when the URL asks for it (`sslmode=require`,
/// `verify-ca` or `verify-full`). Without `sslmode` (or with `disable` or
/// `prefer`) the connection is plain: a TLS that would not check the
/// certificate, as libpq's `prefer` does, only looks safe.
pub fn connect(url: &str) -> Result<postgres::Client, StoreError> {
    let t = target(url)?;
    let client = match t.config.get_ssl_mode() {
        postgres::config::SslMode::Disable | postgres::config::SslMode::Prefer => {
            let mut plain = t.config.clone();
            plain.ssl_mode(postgres::config::SslMode::Disable);
            plain.connect(postgres::NoTls)
        }
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

/// One of a node's writer connections.
pub struct Writer {
    url: String,
    role: Role,
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
    pub fn open(url: &str, role: Role) -> Result<Writer, StoreError> {
        let mut client = connect(url)?;
        migrations::apply(&mut client)?;
        Ok(Writer {
            url: url.to_owned(),
            role,
            conn: PgConn::new(client),
        })
    }
}

impl Engine for Writer {
    fn begin(&mut self) -> Result<(), StoreError> {
        match self.role {
            // Serial batches of every node run one after another.
            Role::Serial => self.conn.batch(&format!(
                "BEGIN; SELECT pg_advisory_xact_lock({SERIAL_LOCK})"
            )),
            Role::Keyed => self.conn.batch("BEGIN"),
        }
    }

    fn control(&mut self, sql: &str) -> Result<(), StoreError> {
        self.conn.batch(sql)
    }

    fn commit(&mut self, pending: Vec<super::feed::Pending>) -> Result<(), StoreError> {
        if pending.is_empty() {
            return self.conn.batch("COMMIT");
        }
        // Cursors last: the feed_head lock is held only from here to the
        // commit, and commits that carry changes are ordered by it.
        let last = super::feed::write_pending(&Conn::postgres(&mut self.conn), &pending)?;
        // Sent at commit, while the lock still orders commits.
        self.conn.batch(&format!(
            "NOTIFY {}, '{last}'; COMMIT",
            notify::FEED_CHANNEL
        ))
    }

    fn announces_commits(&self) -> bool {
        false
    }

    fn max_batch(&self) -> usize {
        // Each write is a savepoint, i.e. a subtransaction; past 64 in one
        // transaction PostgreSQL's subtransaction cache overflows and every
        // other session's snapshots slow down.
        MAX_BATCH
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

    /// Whether a connection can be had and answers, within two seconds.
    pub async fn ping(&self) -> Result<(), StoreError> {
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = pool
                .get_timeout(std::time::Duration::from_secs(2))
                .map_err(|e| StoreError::Open(format!("no database connection: {e}")))?;
            conn.batch("SELECT 1")
        })
        .await
        .map_err(|e| StoreError::Task(e.to_string()))?
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
