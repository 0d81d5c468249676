//! The account that owns the server (SID + auth token) and its API keys,
//! including the internal key that signs tokens issued by `/auth/token`.

use rand::distr::{Alphanumeric, SampleString};
use crate::args;
use crate::store::Conn;
use crate::store::OptionalExt;
use crate::store::StoreResult;

use parley_protocol::SidKind;

use crate::app::now;
use crate::error::ApiError;

/// The account's credentials.
#[derive(Debug, Clone)]
pub struct Account {
    pub sid: String,
    pub auth_token: String,
}

fn random_secret() -> String {
    Alphanumeric.sample_string(&mut rand::rng(), 32)
}

/// The account, if the server was initialised.
pub fn load(conn: &Conn<'_>) -> Result<Option<Account>, ApiError> {
    Ok(conn
        .query_row("SELECT sid, auth_token FROM account LIMIT 1", args![], |r| {
            Ok(Account {
                sid: r.get(0)?,
                auth_token: r.get(1)?,
            })
        })
        .optional()?)
}

/// Creates the account (from the given SID/token, or fresh random ones) and
/// the internal signing key; returns it and whether it was created now.
pub fn init(
    conn: &Conn<'_>,
    sid: Option<&str>,
    token: Option<&str>,
) -> Result<(Account, bool), ApiError> {
    if let Some(a) = load(conn)? {
        return Ok((a, false));
    }
    let sid = match sid {
        Some(s) if SidKind::Account.matches(s) => s.to_owned(),
        Some(s) => {
            return Err(ApiError::invalid_param(format!(
                "{s:?} is not an account SID (AC + 32 hex digits)"
            )))
        }
        None => SidKind::Account.generate(),
    };
    let token = match token {
        Some(t) if t.len() >= 16 => t.to_owned(),
        Some(_) => {
            return Err(ApiError::invalid_param(
                "the auth token must be at least 16 characters",
            ))
        }
        None => hex::encode(rand::random::<[u8; 16]>()),
    };
    conn.execute(
        "INSERT INTO account (sid, auth_token, date_created) VALUES (?1, ?2, ?3)",
        args![sid, token, now()],
    )?;
    create_key(conn, Some("parley-internal token signing"), true)?;
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
    conn: &Conn<'_>,
    friendly_name: Option<&str>,
    internal: bool,
) -> Result<(String, String), ApiError> {
    let sid = SidKind::ApiKey.generate();
    let secret = random_secret();
    conn.execute(
        "INSERT INTO api_keys (sid, secret, friendly_name, internal, date_created) VALUES (?1, ?2, ?3, ?4, ?5)",
        args![sid, secret, friendly_name, internal, now()],
    )?;
    Ok((sid, secret))
}

/// The internal key that signs tokens from `/auth/token`.
pub fn signing_key(conn: &Conn<'_>) -> Result<(String, String), ApiError> {
    if let Some(k) = conn
        .query_row(
            "SELECT sid, secret FROM api_keys WHERE internal = 1 ORDER BY rowid LIMIT 1",
            args![],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
    {
        return Ok(k);
    }
    create_key(conn, Some("parley-internal token signing"), true)
}
