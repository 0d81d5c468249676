//! The account that owns the server (SID + auth token) and its API keys,
//! including the internal key that signs tokens issued by `/auth/token`.

use crate::store::{accounts, Conn, Tx};
use rand::distr::{Alphanumeric, SampleString};

use parley_protocol::SidKind;

use crate::app::now;
use crate::error::ApiError;

/// The account's credentials.
pub use crate::store::accounts::AccountRow as Account;

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
    accounts::insert(tx, &sid, &token, now())?;
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
    accounts::insert_key(tx, &sid, &secret, friendly_name, internal, now())?;
    Ok((sid, secret))
}

/// The internal key that signs tokens from `/auth/token`.
pub fn signing_key(tx: &Tx<'_>) -> Result<(String, String), ApiError> {
    if let Some(k) = accounts::signing_key(tx)? {
        return Ok(k);
    }
    create_key(tx, Some("parley-internal token signing"), true)
}
