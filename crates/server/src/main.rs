//! The `parley-server` binary: serve, init, demo data, users, keys, tokens.
//! Settings come from flags, then `PARLEY_*` environment variables, then a
//! TOML file (`--config`), then defaults.

use std::io::Read;
use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use parley_server::{account, api, auth, demo, open_db, store, Database, ServeOptions};
use serde::Deserialize;

#[derive(Parser, Debug)]
#[command(
    name = "parley-server",
    version,
    about = "Self-hosted chat service speaking the Programmable Chat v2 REST API"
)]
struct Cli {
    /// Directory holding the database (parley.db). Default: ./parley-data
    #[arg(long, global = true, env = "PARLEY_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// PostgreSQL database to use instead of SQLite in the data directory:
    /// postgres://user[:password]@host:port/db[?sslmode=require]. Several
    /// servers may share one.
    #[arg(
        long,
        global = true,
        env = "PARLEY_DATABASE_URL",
        hide_env_values = true
    )]
    database_url: Option<String>,
    /// Most read connections a server keeps open to PostgreSQL. Default: 16
    #[arg(long, global = true, env = "PARLEY_DATABASE_POOL_SIZE")]
    database_pool_size: Option<usize>,
    /// TOML file with any of: data_dir, database_url, database_pool_size, media_dir, listen, public_url, token_ttl, console_idle_timeout, allowed_origins, feed_retention, media_size_limit_mb, media_link_ttl, media_retention, max_connections, max_connections_per_address, allow_link_local_webhooks, trusted_proxies, channel_actions_per_second, service_actions_per_second, admin_actions_per_second, push_fcm_url, push_apns_url, push_apns_sandbox_url, push_ca_file.
    #[arg(long, global = true, env = "PARLEY_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run the HTTP server (initialises the account on first start).
    Serve {
        /// Address to listen on. Default: 127.0.0.1:8080
        #[arg(long, env = "PARLEY_LISTEN")]
        listen: Option<SocketAddr>,
        /// Base URL clients reach the server at, used in `url`, `links` and paging URLs.
        #[arg(long, env = "PARLEY_PUBLIC_URL")]
        public_url: Option<String>,
        /// Lifetime of access tokens issued by /auth/token, in seconds (180..=86400). Default: 3600
        #[arg(long, env = "PARLEY_TOKEN_TTL")]
        token_ttl: Option<i64>,
        /// Seconds without a request after which an operator console session ends (60..=86400). Default: 1800
        #[arg(long, env = "PARLEY_CONSOLE_IDLE_TIMEOUT")]
        console_idle_timeout: Option<i64>,
        /// An extra Origin allowed to open the WebSocket stream (repeatable; the desktop app's origins and the public URL are always allowed).
        #[arg(
            long = "allowed-origin",
            env = "PARLEY_ALLOWED_ORIGINS",
            value_delimiter = ','
        )]
        allowed_origins: Vec<String>,
        /// How long the change feed keeps changes for resuming clients, in seconds. Default: 2592000 (30 days)
        #[arg(long, env = "PARLEY_FEED_RETENTION")]
        feed_retention: Option<i64>,
        /// Largest media upload, in MB (MiB, 1..=4096). Default: 150
        #[arg(long, env = "PARLEY_MEDIA_SIZE_LIMIT_MB")]
        media_size_limit_mb: Option<u32>,
        /// Lifetime of temporary media links, in seconds (1..=86400). Default: 300
        #[arg(long, env = "PARLEY_MEDIA_LINK_TTL")]
        media_link_ttl: Option<i64>,
        /// How long an upload that no message takes is kept, in seconds. Default: 86400
        #[arg(long, env = "PARLEY_MEDIA_RETENTION")]
        media_retention: Option<i64>,
        /// Folder of media files. Default: media/ in the data directory. Servers
        /// sharing a PostgreSQL database must share this folder too.
        #[arg(long, env = "PARLEY_MEDIA_DIR")]
        media_dir: Option<PathBuf>,
        /// Most connections open at once (WebSockets included). Default: 10000
        #[arg(long, env = "PARLEY_MAX_CONNECTIONS")]
        max_connections: Option<usize>,
        /// Most connections open at once from one client address. Default: 1000
        #[arg(long, env = "PARLEY_MAX_CONNECTIONS_PER_ADDRESS")]
        max_connections_per_address: Option<usize>,
        /// A reverse proxy (address or CIDR, repeatable) whose X-Forwarded-For names the client; its own connections are not capped per address.
        #[arg(
            long = "trusted-proxy",
            env = "PARLEY_TRUSTED_PROXIES",
            value_delimiter = ','
        )]
        trusted_proxies: Vec<String>,
        /// Let webhook URLs target link-local and cloud-metadata addresses (169.254.0.0/16, fe80::/10, …), refused by default.
        #[arg(long, env = "PARLEY_ALLOW_LINK_LOCAL_WEBHOOKS")]
        allow_link_local_webhooks: bool,
        /// Actions a second one channel takes from users (messages, members, invites, channel updates), averaged over 5 s; 0 = unlimited. A service may set its own. Default: 30
        #[arg(long, env = "PARLEY_CHANNEL_ACTIONS_PER_SECOND")]
        channel_actions_per_second: Option<u32>,
        /// Actions a second one service takes from users (channels, users, roles), averaged over 5 s; 0 = unlimited. A service may set its own. Default: 30
        #[arg(long, env = "PARLEY_SERVICE_ACTIONS_PER_SECOND")]
        service_actions_per_second: Option<u32>,
        /// The same limits for account and API-key credentials (REST), counted apart from users'; 0 = unlimited (bulk imports). Default: 30
        #[arg(long, env = "PARLEY_ADMIN_ACTIONS_PER_SECOND")]
        admin_actions_per_second: Option<u32>,
        /// Base URL of FCM HTTP v1. Default: https://fcm.googleapis.com
        #[arg(long, env = "PARLEY_PUSH_FCM_URL")]
        push_fcm_url: Option<String>,
        /// Base URL of APNs for production credentials. Default: https://api.push.apple.com
        #[arg(long, env = "PARLEY_PUSH_APNS_URL")]
        push_apns_url: Option<String>,
        /// Base URL of APNs for sandbox credentials. Default: https://api.sandbox.push.apple.com
        #[arg(long, env = "PARLEY_PUSH_APNS_SANDBOX_URL")]
        push_apns_sandbox_url: Option<String>,
        /// PEM file of CA certificates to trust for the push hosts besides the public roots (a relay or egress proxy with a private CA).
        #[arg(long, env = "PARLEY_PUSH_CA_FILE")]
        push_ca_file: Option<PathBuf>,
    },
    /// Create the account; SID and auth token from PARLEY_ACCOUNT_SID / PARLEY_AUTH_TOKEN or generated and printed once.
    Init,
    /// Print the account SID and auth token (whoever can read the data dir can read them anyway).
    Account,
    /// Create the "Parley Demo" service with users alice, bob, carol and some history; prints their passwords.
    Demo {
        /// Use this password for every demo user instead of random ones.
        #[arg(long, env = "PARLEY_DEMO_PASSWORD")]
        password: Option<String>,
    },
    /// Manage users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage API keys.
    Key {
        #[command(subcommand)]
        command: KeyCommand,
    },
    /// Copy a SQLite installation (its data dir) into an empty PostgreSQL
    /// database, keeping every SID, message index and feed cursor, and check
    /// the counts. Stop the server first.
    Migrate {
        /// Data directory of the SQLite installation (holds parley.db).
        #[arg(long)]
        from_data_dir: PathBuf,
        /// The PostgreSQL database to fill: postgres://user@host:port/db
        #[arg(long)]
        to: String,
    },
    /// Mint an access token for an identity (as Twilio's token tutorial does).
    Token {
        /// The identity the token speaks for.
        #[arg(long)]
        identity: String,
        /// Service SID; may be omitted when the server has one service.
        #[arg(long)]
        service: Option<String>,
        /// Lifetime in seconds (180..=86400). Default: 3600
        #[arg(long, default_value_t = 3600)]
        ttl: i64,
    },
}

#[derive(Subcommand, Debug)]
enum UserCommand {
    /// Create a user (or set its password), reading the password from standard input.
    Add {
        #[arg(long)]
        identity: String,
        /// Read the password from standard input (first line).
        #[arg(long, required = true)]
        password_stdin: bool,
        /// Service SID; may be omitted when the server has one service.
        #[arg(long)]
        service: Option<String>,
        #[arg(long)]
        friendly_name: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
enum KeyCommand {
    /// Create an API key; its secret is printed once.
    Create {
        #[arg(long)]
        friendly_name: Option<String>,
    },
    /// List the API keys (never their secrets).
    List,
    /// Revoke an API key: its secret and the tokens it signed stop working
    /// at once, on every node.
    Revoke {
        /// The key's SID (SK…).
        sid: String,
    },
}

#[derive(Deserialize, Default, Debug)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    database_pool_size: Option<usize>,
    media_dir: Option<PathBuf>,
    listen: Option<SocketAddr>,
    public_url: Option<String>,
    token_ttl: Option<i64>,
    console_idle_timeout: Option<i64>,
    allowed_origins: Option<Vec<String>>,
    feed_retention: Option<i64>,
    media_size_limit_mb: Option<u32>,
    media_link_ttl: Option<i64>,
    media_retention: Option<i64>,
    max_connections: Option<usize>,
    max_connections_per_address: Option<usize>,
    allow_link_local_webhooks: Option<bool>,
    trusted_proxies: Option<Vec<String>>,
    channel_actions_per_second: Option<u32>,
    service_actions_per_second: Option<u32>,
    admin_actions_per_second: Option<u32>,
    push_fcm_url: Option<String>,
    push_apns_url: Option<String>,
    push_apns_sandbox_url: Option<String>,
    push_ca_file: Option<PathBuf>,
}

fn file_config(path: Option<&PathBuf>) -> Result<FileConfig> {
    let Some(path) = path else {
        return Ok(FileConfig::default());
    };
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading config file {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("parsing config file {}", path.display()))
}

async fn pick_service(
    db: &parley_server::store::Db,
    named: Option<String>,
) -> Result<api::services::ServiceRow> {
    let found = db
        .read(move |c| {
            if let Some(s) = named {
                return api::services::load(c, &s).map(|s| vec![s]);
            }
            let sids = store::services::first_sids(c, 2)?;
            sids.iter().map(|s| api::services::load(c, s)).collect()
        })
        .await
        .map_err(|e| anyhow::anyhow!(e.message))?;
    match found.len() {
        1 => Ok(found.into_iter().next().context("service")?),
        0 => bail!("this server has no service yet: create one (POST /v2/Services) or run `parley-server demo`"),
        _ => bail!("this server has several services: name one with --service IS…"),
    }
}

#[tokio::main]
async fn main() -> Result<()> {
    parley_server::logging::init();
    let cli = Cli::parse();
    let file = file_config(cli.config.as_ref())?;
    let data_dir = cli
        .data_dir
        .or(file.data_dir)
        .unwrap_or_else(|| PathBuf::from("parley-data"));
    let database = Database::from_url(
        cli.database_url.or(file.database_url),
        cli.database_pool_size.or(file.database_pool_size),
    )?;

    match cli.command {
        Command::Serve {
            listen,
            public_url,
            token_ttl,
            console_idle_timeout,
            allowed_origins,
            feed_retention,
            media_size_limit_mb,
            media_link_ttl,
            media_retention,
            media_dir,
            max_connections,
            max_connections_per_address,
            allow_link_local_webhooks,
            trusted_proxies,
            channel_actions_per_second,
            service_actions_per_second,
            admin_actions_per_second,
            push_fcm_url,
            push_apns_url,
            push_apns_sandbox_url,
            push_ca_file,
        } => {
            let listen = listen
                .or(file.listen)
                .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080)));
            let mut opts = ServeOptions::new(data_dir.clone(), listen);
            opts.database = database.clone();
            opts.media_dir = media_dir.or(file.media_dir);
            opts.public_url = public_url.or(file.public_url);
            opts.token_ttl = token_ttl.or(file.token_ttl).unwrap_or(3600);
            if !parley_server::TOKEN_TTL_RANGE.contains(&opts.token_ttl) {
                bail!("--token-ttl must be between 180 and 86400 seconds");
            }
            if let Some(idle) = console_idle_timeout.or(file.console_idle_timeout) {
                if !(60..=86_400).contains(&idle) {
                    bail!("--console-idle-timeout must be between 60 and 86400 seconds");
                }
                opts.console.idle_timeout = idle;
            }
            opts.allowed_origins = if allowed_origins.is_empty() {
                file.allowed_origins.unwrap_or_default()
            } else {
                allowed_origins
            };
            let retention = feed_retention
                .or(file.feed_retention)
                .unwrap_or(parley_server::DEFAULT_FEED_RETENTION);
            if retention < 60 {
                bail!("--feed-retention must be at least 60 seconds");
            }
            opts.feed_retention = retention;
            if let Some(mb) = media_size_limit_mb.or(file.media_size_limit_mb) {
                if !(1..=4096).contains(&mb) {
                    bail!("--media-size-limit-mb must be between 1 and 4096");
                }
                opts.media_size_limit_mb = mb;
            }
            if let Some(ttl) = media_link_ttl.or(file.media_link_ttl) {
                if !(1..=86_400).contains(&ttl) {
                    bail!("--media-link-ttl must be between 1 and 86400 seconds");
                }
                opts.media_link_ttl = ttl;
            }
            if let Some(r) = media_retention.or(file.media_retention) {
                if r < 60 {
                    bail!("--media-retention must be at least 60 seconds");
                }
                opts.media_retention = r;
            }
            if let Some(n) = max_connections.or(file.max_connections) {
                if n < 1 {
                    bail!("--max-connections must be at least 1");
                }
                opts.limits.max_connections = n;
            }
            if let Some(n) = max_connections_per_address.or(file.max_connections_per_address) {
                if n < 1 {
                    bail!("--max-connections-per-address must be at least 1");
                }
                opts.limits.max_per_address = n;
            }
            let proxies = if trusted_proxies.is_empty() {
                file.trusted_proxies.unwrap_or_default()
            } else {
                trusted_proxies
            };
            for p in proxies {
                let net = p
                    .parse::<ipnet::IpNet>()
                    .or_else(|_| p.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                    .with_context(|| format!("--trusted-proxy {p:?} is not an address or CIDR"))?;
                opts.limits.trusted_proxies.push(net);
            }
            opts.allow_link_local_webhooks =
                allow_link_local_webhooks || file.allow_link_local_webhooks.unwrap_or(false);
            for (given, in_file, slot) in [
                (
                    channel_actions_per_second,
                    file.channel_actions_per_second,
                    &mut opts.rate_limits.channel,
                ),
                (
                    service_actions_per_second,
                    file.service_actions_per_second,
                    &mut opts.rate_limits.service,
                ),
                (
                    admin_actions_per_second,
                    file.admin_actions_per_second,
                    &mut opts.rate_limits.admin,
                ),
            ] {
                if let Some(n) = given.or(in_file) {
                    *slot = n;
                }
            }
            for (name, given, in_file, slot) in [
                (
                    "--push-fcm-url",
                    push_fcm_url,
                    file.push_fcm_url,
                    &mut opts.push_urls.fcm,
                ),
                (
                    "--push-apns-url",
                    push_apns_url,
                    file.push_apns_url,
                    &mut opts.push_urls.apns,
                ),
                (
                    "--push-apns-sandbox-url",
                    push_apns_sandbox_url,
                    file.push_apns_sandbox_url,
                    &mut opts.push_urls.apns_sandbox,
                ),
            ] {
                if let Some(u) = given.or(in_file) {
                    let parsed = url::Url::parse(&u)
                        .with_context(|| format!("{name} {u:?} is not a URL"))?;
                    if !matches!(parsed.scheme(), "http" | "https") {
                        bail!("{name} must be an http or https URL");
                    }
                    *slot = u;
                }
            }
            if let Some(path) = push_ca_file.or(file.push_ca_file) {
                let pem = std::fs::read_to_string(&path)
                    .with_context(|| format!("reading --push-ca-file {}", path.display()))?;
                reqwest::Certificate::from_pem_bundle(pem.as_bytes())
                    .ok()
                    .filter(|c| !c.is_empty())
                    .with_context(|| {
                        format!("--push-ca-file {} holds no PEM certificate", path.display())
                    })?;
                opts.push_urls.extra_roots = Some(pem);
            }
            let server = parley_server::start(opts)
                .await
                .context("starting the server")?;
            if server.created_account {
                // The auth token is a secret: `serve` output ends up in logs.
                println!(
                    "Created account {}; `parley-server account` prints its auth token (stored in {})",
                    server.app.account_sid,
                    database.describe(&data_dir)
                );
            }
            println!(
                "parley-server listening on {} (public URL {})",
                server.addr, server.app.public_url
            );
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = terminate() => {}
            }
            server.stop().await;
        }
        Command::Init => {
            let db = open_db(&data_dir, &database)?;
            let sid = std::env::var("PARLEY_ACCOUNT_SID").ok();
            let token = std::env::var("PARLEY_AUTH_TOKEN").ok();
            let (a, created) = db
                .write(move |c| account::init(c, sid.as_deref(), token.as_deref()))
                .await
                .map_err(|e| anyhow::anyhow!(e.message))?;
            if created {
                println!("PARLEY_ACCOUNT_SID={}", a.sid);
                println!("PARLEY_AUTH_TOKEN={}", a.auth_token);
            } else {
                println!("Already initialised: account {}", a.sid);
            }
        }
        Command::Account => {
            let db = open_db(&data_dir, &database)?;
            let a = db
                .read(account::load)
                .await
                .map_err(|e| anyhow::anyhow!(e.message))?
                .context("not initialised: run `parley-server init` first")?;
            println!("PARLEY_ACCOUNT_SID={}", a.sid);
            println!("PARLEY_AUTH_TOKEN={}", a.auth_token);
        }
        Command::Demo { password } => {
            let db = open_db(&data_dir, &database)?;
            let (a, created) = db
                .write(|c| account::init(c, None, None))
                .await
                .map_err(|e| anyhow::anyhow!(e.message))?;
            if created {
                println!("Created account {} with auth token {}", a.sid, a.auth_token);
            }
            let d = demo::seed(&db, password)
                .await
                .map_err(|e| anyhow::anyhow!(e.message))?;
            println!("Demo service \"Parley Demo\": {}", d.service_sid);
            for (identity, pw) in &d.users {
                println!("  user {identity:<6} password {pw}");
            }
        }
        Command::User {
            command:
                UserCommand::Add {
                    identity,
                    password_stdin: _,
                    service,
                    friendly_name,
                },
        } => {
            let mut line = String::new();
            std::io::stdin()
                .read_to_string(&mut line)
                .context("reading the password from standard input")?;
            let password = line.lines().next().unwrap_or("").to_owned();
            let min = parley_server::admin::users::MIN_PASSWORD;
            if password.chars().count() < min {
                bail!("the password must be at least {min} characters");
            }
            let identity =
                api::users::check_identity(&identity).map_err(|e| anyhow::anyhow!(e.message))?;
            let db = open_db(&data_dir, &database)?;
            let s = pick_service(&db, service).await?;
            let phc = auth::password::hash(&password).map_err(|e| anyhow::anyhow!(e))?;
            let u = db
                .write(move |c| {
                    let u = api::users::set_password(c, &s, &identity, &phc)?;
                    if let Some(n) = friendly_name {
                        store::sessions::set_user_friendly_name(c, &u.sid, &n)?;
                    }
                    Ok::<_, parley_server::error::ApiError>(u)
                })
                .await
                .map_err(|e| anyhow::anyhow!(e.message))?;
            println!("User {} ({}) can sign in", u.identity, u.sid);
        }
        Command::Key {
            command: KeyCommand::Create { friendly_name },
        } => {
            let db = open_db(&data_dir, &database)?;
            let (sid, secret) = db
                .write(move |c| account::create_key(c, friendly_name.as_deref(), false))
                .await
                .map_err(|e| anyhow::anyhow!(e.message))?;
            println!("API key SID: {sid}");
            println!("API key secret (shown once): {secret}");
        }
        Command::Key {
            command: KeyCommand::List,
        } => {
            let db = open_db(&data_dir, &database)?;
            let keys = db
                .read(|c| account::list_keys(c))
                .await
                .map_err(|e| anyhow::anyhow!(e.message))?;
            println!("{:<34}  {:<20}  NAME", "SID", "CREATED");
            for k in keys {
                let created = parley_protocol::Timestamp(k.date_created).to_string();
                let name = k.friendly_name.unwrap_or_default();
                let note = if k.internal {
                    " (signs sign-in tokens)"
                } else {
                    ""
                };
                println!("{:<34}  {:<20}  {name}{note}", k.sid, created);
            }
        }
        Command::Key {
            command: KeyCommand::Revoke { sid },
        } => {
            let db = open_db(&data_dir, &database)?;
            let shown = sid.clone();
            db.write(move |c| account::revoke_key(c, &sid))
                .await
                .map_err(|e| anyhow::anyhow!(e.message))?;
            println!("API key {shown} revoked: its secret and its tokens no longer work");
        }
        Command::Migrate { from_data_dir, to } => {
            let Database::Postgres(target) = Database::from_url(Some(to), None)? else {
                bail!("--to must be a postgres:// URL");
            };
            let source = from_data_dir.join("parley.db");
            let url = target.url.clone();
            let report =
                tokio::task::spawn_blocking(move || store::copy::sqlite_to_postgres(&source, &url))
                    .await
                    .context("the copy stopped")?
                    .with_context(|| {
                        format!(
                            "copying {} to {}",
                            from_data_dir.join("parley.db").display(),
                            store::postgres::redact(&target.url)
                        )
                    })?;
            println!(
                "Copied {} into {}:",
                from_data_dir.join("parley.db").display(),
                store::postgres::redact(&target.url)
            );
            for (table, n) in &report.tables {
                println!("  {table:<18} {n:>10} rows");
            }
            println!("Counts verified. The feed continues after cursor {}, so connected clients resume without a resync.", report.head);
            println!(
                "Media files stay in {}: start every server with --media-dir pointing there (or at a shared copy of it).",
                from_data_dir.join("media").display()
            );
        }
        Command::Token {
            identity,
            service,
            ttl,
        } => {
            if !parley_server::TOKEN_TTL_RANGE.contains(&ttl) {
                bail!("--ttl must be between 180 and 86400 seconds");
            }
            let db = open_db(&data_dir, &database)?;
            let s = pick_service(&db, service).await?;
            let (a, key) = db
                .read(|c| {
                    let a = account::load(c)?.ok_or_else(|| {
                        parley_server::error::ApiError::invalid_param(
                            "run `parley-server init` first",
                        )
                    })?;
                    let k = store::accounts::signing_key(c)?.ok_or(store::StoreError::NoRow)?;
                    Ok::<_, parley_server::error::ApiError>((a, k))
                })
                .await
                .map_err(|e| anyhow::anyhow!(e.message))?;
            let now = parley_protocol::Timestamp::now().0;
            println!(
                "{}",
                auth::jwt::mint(&key.0, &key.1, &a.sid, &identity, &s.sid, now, ttl)
            );
        }
    }
    Ok(())
}

#[cfg(unix)]
async fn terminate() {
    if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        s.recv().await;
    }
}

#[cfg(not(unix))]
async fn terminate() {
    std::future::pending::<()>().await
}
