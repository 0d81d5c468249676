//! The account that owns the server (SID + auth token) and its API keys,
//! including the internal key that signs tokens issued by `/auth/token`.

use crate::store::{accounts, Conn, Tx};
use parley_protocol::ErrorCode;
use rand::distr::{Alphanumeric, SampleString};

use parley_protocol::{AccountSid, SidKind};

use crate::error::ApiError;

/// The account's credentials.
pub use crate::store::accounts::AccountRow as Account;

/// A fresh auth token: 32 hex digits, as Twilio's.
pub fn new_auth_token() -> String {
    hex::encode(rand::random::<[u8; 16]>())
}

/// The account's auth token as this node knows it. Checked on every
/// request with account credentials, so it is read again from the
/// database when the copy is over a second old: a rotation made on any
/// node holds on every node within a second (at once on its own). A read
/// that began before a rotation on this node never replaces the rotated
/// token (`generation`).
#[derive(Debug)]
pub struct AuthToken {
    cached: std::sync::RwLock<Cached>,
}

#[derive(Debug)]
struct Cached {
    token: String,
    fetched: std::time::Instant,
    /// Bumped by every [`AuthToken::set`].
    generation: u64,
}

/// How long a node trusts its copy of the auth token.
const AUTH_TOKEN_FRESH: std::time::Duration = std::time::Duration::from_secs(1);

impl AuthToken {
    pub fn new(token: String) -> Self {
        AuthToken {
            cached: std::sync::RwLock::new(Cached {
                token,
                fetched: std::time::Instant::now(),
                generation: 0,
            }),
        }
    }

    /// The current token. Should the database not answer, the last copy
    /// (the request that asks will fail on the database anyway).
    pub async fn current(&self, db: &crate::store::Db) -> String {
        let (cached, generation) = match self.cached.read() {
            Ok(c) if c.fetched.elapsed() < AUTH_TOKEN_FRESH => return c.token.clone(),
            Ok(c) => (c.token.clone(), c.generation),
            Err(_) => (String::new(), 0),
        };
        match db.read(accounts::auth_token).await {
            Ok(Some(token)) => {
                if let Ok(mut c) = self.cached.write() {
                    // A rotation while we read wins over what we read.
                    if c.generation == generation {
                        c.token = token.clone();
                        c.fetched = std::time::Instant::now();
                    } else {
                        return c.token.clone();
                    }
                }
                token
            }
            Ok(None) => cached,
            Err(e) => {
                tracing::warn!(error = %e, "could not read the auth token; using this node's copy");
                cached
            }
        }
    }

    /// Whether `presented` is the current token (in constant time; an
    /// empty token never matches).
    pub async fn matches(&self, db: &crate::store::Db, presented: &str) -> bool {
        let current = self.current(db).await;
        !current.is_empty() && crate::auth::eq(presented, &current)
    }

    /// This node's copy, without asking the database (tests, and code that
    /// must not wait).
    pub fn cached(&self) -> String {
        self.cached
            .read()
            .map(|c| c.token.clone())
            .unwrap_or_default()
    }

    /// Replaces this node's copy (after a rotation).
    pub fn set(&self, token: String) {
        if let Ok(mut c) = self.cached.write() {
            c.token = token;
            c.fetched = std::time::Instant::now();
            c.generation += 1;
        }
    }
}

fn random_secret() -> String {
    Alphanumeric.sample_string(&mut rand::rng(), 32)
}

/// The account, if the server was initialised.
pub fn load(conn: &Conn<'_>) -> Result<Option<Account>, ApiError> {
    Ok(accounts::get(conn)?)
}

/// Creates the account (from the given SID/token, or fresh random ones) and
/// the internal signing key; returns it and whether it was created now.
pub fn init(
    tx: &Tx<'_>,
    sid: Option<&str>,
    token: Option<&str>,
) -> Result<(Account, bool), ApiError> {
    if let Some(a) = load(tx)? {
        return Ok((a, false));
    }
    let sid = match sid {
        Some(s) => AccountSid::parse(s).map_err(|e| ApiError::invalid_param(e.to_string()))?,
        None => AccountSid::generate(),
    };
    let token = match token {
        Some(t) if t.len() >= 16 => t.to_owned(),
        Some(_) => {
            return Err(ApiError::invalid_param(
                "the auth token must be at least 16 characters",
            ))
        }
        None => new_auth_token(),
    };
    accounts::insert(tx, &sid, &token, tx.now())?;
    create_key(tx, Some("parley-internal token signing"), true)?;
    Ok((
        Account {
            sid,
            auth_token: token,
        },
        true,
    ))
}

/// Creates an API key; returns (SID, secret). The secret is shown only once.
pub fn create_key(
    tx: &Tx<'_>,
    friendly_name: Option<&str>,
    internal: bool,
) -> Result<(String, String), ApiError> {
    let sid = SidKind::ApiKey.generate();
    let secret = random_secret();
    accounts::insert_key(tx, &sid, &secret, friendly_name, internal, tx.now())?;
    Ok((sid, secret))
}

/// The internal key that signs tokens from `/auth/token`.
pub fn signing_key(tx: &Tx<'_>) -> Result<(String, String), ApiError> {
    if let Some(k) = accounts::signing_key(tx)? {
        return Ok(k);
    }
    create_key(tx, Some("parley-internal token signing"), true)
}

/// Every API key (never with its secret).
pub fn list_keys(conn: &Conn<'_>) -> Result<Vec<accounts::KeyRow>, ApiError> {
    Ok(accounts::keys(conn)?)
}

/// The API key `sid`, or 404 20404.
pub fn key(conn: &Conn<'_>, sid: &str) -> Result<accounts::KeyRow, ApiError> {
    accounts::key(conn, sid)?.ok_or_else(|| key_not_found(sid))
}

fn key_not_found(sid: &str) -> ApiError {
    ApiError::new(
        ErrorCode::NotFound,
        format!("The requested resource API key {sid} was not found"),
    )
}

/// An API key's name: at most 64 characters.
pub fn check_key_name(friendly_name: Option<&str>) -> Result<(), ApiError> {
    if friendly_name.is_some_and(|n| n.chars().count() > 64) {
        return Err(ApiError::invalid_param(
            "FriendlyName is too long: at most 64 characters",
        ));
    }
    Ok(())
}

/// Renames the API key `sid`.
pub fn rename_key(
    tx: &Tx<'_>,
    sid: &str,
    friendly_name: Option<&str>,
) -> Result<accounts::KeyRow, ApiError> {
    check_key_name(friendly_name)?;
    if accounts::rename_key(tx, sid, friendly_name, tx.now())? == 0 {
        return Err(key_not_found(sid));
    }
    key(tx, sid)
}

/// Revokes the API key `sid`: its secret stops authenticating, and the
/// tokens it signed stop verifying, on every node from the next request
/// (keys are looked up per request, never cached). The server's own
/// signing key cannot be revoked this way: that would sign every user out.
pub fn revoke_key(tx: &Tx<'_>, sid: &str) -> Result<(), ApiError> {
    if key(tx, sid)?.internal {
        return Err(ApiError::invalid_param(
            "This key signs the tokens /auth/token issues to the desktop app; it cannot be revoked",
        ));
    }
    accounts::delete_key(tx, sid)?;
    Ok(())
}
