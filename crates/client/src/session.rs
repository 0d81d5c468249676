//! The signed-in account and its tokens: a short-lived access token in memory,
//! refreshed before it expires; the refresh token in the secret store (or only
//! in memory when the user did not ask to be remembered). Refreshes are
//! serialized: refresh tokens rotate, and presenting a used one again would
//! revoke the session.
//!
//! A machine without a working secret store (no Secret Service on a plain X
//! session or some tiling desktops) does not stop anyone signing in: the
//! session is then kept in memory only, [`Session::not_kept`] says why, and
//! the next start asks for the password again.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use parley_protocol::token::TokenResponse;
use serde::{Deserialize, Serialize};
use tokio::sync::Mutex;

use crate::api::Api;
use crate::error::{ClientError, Result};
use crate::secrets::SecretStore;

/// Refresh when less than this many seconds are left.
const REFRESH_MARGIN: i64 = 120;

/// Who is signed in where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub server_url: String,
    pub identity: String,
    pub service_sid: String,
}

impl Account {
    /// The secret store's name for this account's refresh token.
    pub fn secret_name(&self) -> String {
        format!("{}|{}", self.server_url, self.identity)
    }

    /// The secret store's name for this device's sign-in token on the
    /// server (kept across sign-outs: it only exempts this device from the
    /// lock-out strangers' failed guesses cause).
    pub fn device_secret_name(server_url: &str, identity: &str) -> String {
        format!("device|{server_url}|{identity}")
    }

    /// A directory name for this account's data.
    pub fn dir_name(&self) -> String {
        let clean = |s: &str| -> String {
            s.chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '-' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect()
        };
        let host = self
            .server_url
            .trim_start_matches("https://")
            .trim_start_matches("http://");
        format!("{}__{}", clean(host), clean(&self.identity))
    }
}

#[derive(Debug)]
struct Tokens {
    /// (token, expires at, lifetime when issued)
    access: Option<(String, i64, i64)>,
    refresh: Option<String>,
}

/// Tokens of one account.
#[derive(Debug)]
pub struct Session {
    pub account: Account,
    api: Api,
    secrets: Arc<dyn SecretStore>,
    /// Whether the refresh token goes to the secret store: asked for, and
    /// the store works.
    remember: AtomicBool,
    /// Why a session the user asked to keep is not kept.
    not_kept: std::sync::Mutex<Option<String>>,
    tokens: Mutex<Tokens>,
    /// The client's "now" (shared with its cache; tests advance it).
    clock: parley_protocol::Clock,
}

impl Session {
    /// Signs in with a password.
    pub async fn login(
        api: Api,
        username: &str,
        password: &str,
        remember: bool,
        secrets: Arc<dyn SecretStore>,
    ) -> Result<Session> {
        // A secret store that cannot be read costs only the lock-out exemption.
        let device = secrets
            .get(&Account::device_secret_name(api.base(), username))
            .ok()
            .flatten();
        let t = api.login(username, password, device.as_deref()).await?;
        let account = Account {
            server_url: api.base().to_owned(),
            identity: t.identity.clone(),
            service_sid: t.service_sid.clone(),
        };
        if let Some(d) = t
            .device_token
            .as_deref()
            .filter(|d| Some(*d) != device.as_deref())
        {
            let name = Account::device_secret_name(&account.server_url, &account.identity);
            if let Err(e) = secrets.set(&name, d) {
                tracing::info!(error = %e, "this device's sign-in token cannot be kept");
            }
        }
        let s = Session {
            account,
            api,
            secrets,
            remember: AtomicBool::new(remember),
            not_kept: std::sync::Mutex::new(None),
            tokens: Mutex::new(Tokens {
                access: None,
                refresh: None,
            }),
            clock: Default::default(),
        };
        s.store(&t).await?;
        Ok(s)
    }

    /// A session for an account signed in earlier (its refresh token is in
    /// the secret store); nothing is checked until a token is needed.
    pub fn resume(api: Api, account: Account, secrets: Arc<dyn SecretStore>) -> Session {
        Session {
            account,
            api,
            secrets,
            remember: AtomicBool::new(true),
            not_kept: std::sync::Mutex::new(None),
            tokens: Mutex::new(Tokens {
                access: None,
                refresh: None,
            }),
            clock: Default::default(),
        }
    }

    async fn store(&self, t: &TokenResponse) -> Result<()> {
        let mut tokens = self.tokens.lock().await;
        tokens.access = Some((
            t.access_token.clone(),
            self.clock.now() + t.expires_in,
            t.expires_in,
        ));
        tokens.refresh = Some(t.refresh_token.clone());
        self.keep(&t.refresh_token);
        Ok(())
    }

    /// Puts the refresh token in the secret store when the session is to be
    /// kept. A store that refuses it makes this a session of this run only:
    /// signing in still works, and [`Session::not_kept`] says why.
    fn keep(&self, refresh: &str) {
        if !self.remember.load(Ordering::Relaxed) {
            return;
        }
        if let Err(e) = self.secrets.set(&self.account.secret_name(), refresh) {
            tracing::warn!(error = %e, "the session cannot be kept on this machine");
            self.remember.store(false, Ordering::Relaxed);
            if let Ok(mut why) = self.not_kept.lock() {
                *why = Some(e.to_string());
            }
        }
    }

    /// Whether a session from an earlier run can go on: its refresh token is
    /// in the secret store and the store answers. When not, the app asks for
    /// the password instead of opening a session that can only end.
    pub fn is_kept(&self) -> bool {
        matches!(self.secrets.get(&self.account.secret_name()), Ok(Some(_)))
    }

    /// Why this session, asked to be kept, is not: the secret store's
    /// answer. None when it is kept (or was not asked to be).
    pub fn not_kept(&self) -> Option<String> {
        self.not_kept.lock().ok().and_then(|w| w.clone())
    }

    /// The clock this session (and its account's cache) reads.
    pub fn clock(&self) -> &parley_protocol::Clock {
        &self.clock
    }

    /// A valid access token, refreshing it when it is close to expiry.
    pub async fn access_token(&self) -> Result<String> {
        let mut tokens = self.tokens.lock().await;
        if let Some((t, exp, life)) = &tokens.access {
            // Refresh two minutes before expiry, or at a third of the life of short tokens.
            if *exp - self.clock.now() > REFRESH_MARGIN.min(life / 3) {
                return Ok(t.clone());
            }
        }
        self.refresh_locked(&mut tokens).await
    }

    /// Refreshes now (the server said the token is about to expire).
    pub async fn force_refresh(&self) -> Result<String> {
        let mut tokens = self.tokens.lock().await;
        self.refresh_locked(&mut tokens).await
    }

    async fn refresh_locked(&self, tokens: &mut Tokens) -> Result<String> {
        let refresh = match &tokens.refresh {
            Some(r) => r.clone(),
            // A store that cannot be read holds no session either: sign in
            // again (never a retry loop on a store that is not there).
            None => match self.secrets.get(&self.account.secret_name()) {
                Ok(Some(r)) => r,
                Ok(None) => return Err(ClientError::NotSignedIn),
                Err(e) => {
                    tracing::warn!(error = %e, "the kept session cannot be read; sign in again");
                    return Err(ClientError::NotSignedIn);
                }
            },
        };
        let t = self.api.refresh(&refresh).await?;
        tokens.access = Some((
            t.access_token.clone(),
            self.clock.now() + t.expires_in,
            t.expires_in,
        ));
        tokens.refresh = Some(t.refresh_token.clone());
        self.keep(&t.refresh_token);
        Ok(t.access_token)
    }

    /// Revokes the refresh token on the server (best effort) and forgets it.
    pub async fn logout(&self) -> Result<()> {
        let mut tokens = self.tokens.lock().await;
        let refresh = match tokens.refresh.take() {
            Some(r) => Some(r),
            None => self.secrets.get(&self.account.secret_name()).ok().flatten(),
        };
        tokens.access = None;
        if let Some(r) = refresh {
            if let Err(e) = self.api.revoke(&r).await {
                tracing::warn!(error = %e, "could not revoke the refresh token on the server");
            }
        }
        // Without a working store there is nothing kept to forget.
        if let Err(e) = self.secrets.delete(&self.account.secret_name()) {
            tracing::info!(error = %e, "no kept session to remove");
        }
        Ok(())
    }
}
