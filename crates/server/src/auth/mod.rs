//! Who is calling: HTTP Basic (account SID + auth token, or API key SID +
//! secret) for full access, or an access token (`X-Twilio-Token` or
//! `Authorization: Bearer`) that makes the request act as one identity of one
//! service, subject to its roles; or the operator console's session cookie
//! (`crate::admin::session`), which acts as the admin who signed in.

pub mod jwt;
pub mod login;
pub mod password;
pub mod ratelimit;

use crate::store::{accounts, sessions, Conn, StoreResult};
use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use parley_protocol::ErrorCode;
use subtle::ConstantTimeEq;

use crate::app::App;
use crate::error::{ApiError, ApiResult};

/// The authenticated caller of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// Account credentials (`key_sid: None`) or an API key: everything is
    /// allowed, but managing keys needs the account's own credentials.
    Admin { key_sid: Option<String> },
    /// An end user acting through an access token.
    User(TokenUser),
}

/// The identity an access token speaks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenUser {
    pub identity: String,
    pub service_sid: String,
    pub exp: i64,
    /// The API key that signed the token (open sockets re-check it).
    pub key_sid: String,
    /// When the token was issued (a later "sign out everywhere" ends it).
    pub issued_at: i64,
}

/// Whether `u`'s token still holds: its key exists and its user was not
/// signed out everywhere after it was issued (open sockets ask this at
/// every heartbeat).
pub fn still_valid(conn: &Conn<'_>, u: &TokenUser) -> StoreResult<Result<(), &'static str>> {
    if key_secret(conn, &u.key_sid)?.is_none() {
        return Ok(Err("the key that signed the access token was revoked"));
    }
    if crate::store::users::signed_out_at(conn, &u.service_sid, &u.identity)?
        .is_some_and(|t| t >= u.issued_at)
    {
        return Ok(Err("the user was signed out everywhere"));
    }
    Ok(Ok(()))
}

impl Principal {
    /// Refuses end users: for account-level operations.
    pub fn require_admin(&self, what: &str) -> ApiResult<()> {
        match self {
            Principal::Admin { .. } => Ok(()),
            Principal::User(_) => Err(ApiError::not_authorized(what)),
        }
    }

    /// Refuses a token issued for another service than the one in the path.
    pub fn check_service(&self, service_sid: &str) -> ApiResult<()> {
        match self {
            Principal::User(u) if u.service_sid != service_sid => Err(ApiError::new(
                ErrorCode::Forbidden,
                "The access token is not valid for this service",
            )),
            _ => Ok(()),
        }
    }
}

/// Compares two secrets in constant time (for equal lengths).
pub(crate) fn eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// Looks up an API key's secret.
pub fn key_secret(conn: &Conn<'_>, sid: &str) -> StoreResult<Option<String>> {
    accounts::key_secret(conn, sid)
}

/// Verifies an access token against this server's keys. Each refusal
/// carries Twilio's code for it (see [`jwt::TokenError::code`]).
pub async fn verify_token(app: &App, token: &str) -> ApiResult<TokenUser> {
    use jwt::TokenError as T;
    let to_api = |e: T| {
        let message = match &e {
            T::Expired => "Access Token expired or expiration date invalid".to_owned(),
            T::TooLong => "Access Token expiration time exceeds the maximum of 24 hours".to_owned(),
            other => format!("Invalid Access Token: {other}"),
        };
        ApiError::new(e.code(), message)
    };
    let iss = jwt::issuer(token).map_err(to_api)?;
    let key_sid = iss.clone();
    let secret = app
        .db
        .read(move |c| key_secret(c, &iss).map_err(ApiError::from))
        .await?
        .ok_or_else(|| to_api(T::UnknownIssuer))?;
    let v = jwt::verify(token, &secret, &app.account_sid, app.clock.now()).map_err(to_api)?;
    // Stored and looked up in NFC, as every identity is (crate::names).
    let user = TokenUser {
        identity: crate::names::normalize(&v.identity).into_owned(),
        service_sid: v.service_sid,
        exp: v.exp,
        key_sid,
        issued_at: v.issued_at,
    };
    ensure_user(app, &user, v.issued_at).await?;
    crate::activity::seen(app, &user.service_sid, &user.identity);
    Ok(user)
}

/// Creates the token's user on first use, with the service's default role,
/// as Twilio does when an identity first connects — unless an admin deleted
/// that user after the token was issued: then the token is refused, so a
/// deleted user stays deleted.
async fn ensure_user(app: &App, u: &TokenUser, issued_at: i64) -> ApiResult<()> {
    let (service, identity) = (u.service_sid.clone(), u.identity.clone());
    let gone = || {
        ApiError::new(
            ErrorCode::InvalidAccessToken,
            "Invalid Access Token: its user was deleted after it was issued",
        )
    };
    let signed_out = || {
        ApiError::new(
            ErrorCode::InvalidAccessToken,
            "Invalid Access Token: its user was signed out everywhere after it was issued",
        )
    };
    let known = app
        .db
        .read(move |c| {
            let service_exists = crate::store::services::exists(c, &service)?;
            let user_exists = sessions::user_exists(c, &service, &identity)?;
            let deleted = crate::store::users::deleted_at(c, &service, &identity)?;
            if user_exists
                && crate::store::users::signed_out_at(c, &service, &identity)?
                    .is_some_and(|t| t >= issued_at)
            {
                return Err(signed_out());
            }
            Ok::<_, ApiError>((!service_exists || user_exists, deleted))
        })
        .await?;
    match known {
        (true, _) => return Ok(()),
        (false, Some(deleted)) if deleted >= issued_at => return Err(gone()),
        _ => {}
    }
    let (service, identity) = (u.service_sid.clone(), u.identity.clone());
    app.db
        .write(move |c| {
            if crate::store::users::deleted_at(c, &service, &identity)?
                .is_some_and(|deleted| deleted >= issued_at)
            {
                return Err(gone());
            }
            let s = crate::api::services::load(c, &service)?;
            crate::api::users::ensure(c, &s, &identity).map(|_| ())
        })
        .await
}

/// Whom a SID + secret pair names: `Some(None)` the account (its auth
/// token), `Some(Some(SK…))` an API key (its secret), `None` nobody. HTTP
/// Basic and the console's sign-in both ask this.
pub async fn admin_credentials(
    app: &App,
    sid: &str,
    secret: &str,
) -> ApiResult<Option<Option<String>>> {
    if eq(sid, &app.account_sid) {
        return Ok(app
            .auth_token
            .matches(&app.db, secret)
            .await
            .then_some(None));
    }
    if !parley_protocol::SidKind::ApiKey.matches(sid) {
        return Ok(None);
    }
    let lookup = sid.to_owned();
    let stored = app
        .db
        .read(move |c| key_secret(c, &lookup).map_err(ApiError::from))
        .await?;
    Ok(stored
        .is_some_and(|s| !s.is_empty() && eq(secret, &s))
        .then(|| Some(sid.to_owned())))
}

impl FromRequestParts<App> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        let header = |name| parts.headers.get(name).and_then(|v| v.to_str().ok());
        if let Some(token) = header("x-twilio-token") {
            return Ok(Principal::User(verify_token(app, token.trim()).await?));
        }
        let Some(auth) = header(AUTHORIZATION.as_str()) else {
            // The operator console's session cookie (admin::session).
            return match crate::admin::session::authenticate(parts, app).await {
                Some(result) => result,
                None => Err(ApiError::unauthenticated()),
            };
        };
        let auth = auth.trim();
        if let Some(token) = auth
            .strip_prefix("Bearer ")
            .or_else(|| auth.strip_prefix("bearer "))
        {
            return Ok(Principal::User(verify_token(app, token.trim()).await?));
        }
        let Some(b64) = auth
            .strip_prefix("Basic ")
            .or_else(|| auth.strip_prefix("basic "))
        else {
            return Err(ApiError::unauthenticated());
        };
        let decoded = STANDARD
            .decode(b64.trim())
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .ok_or_else(ApiError::unauthenticated)?;
        let (user, pass) = decoded
            .split_once(':')
            .ok_or_else(ApiError::unauthenticated)?;
        match admin_credentials(app, user, pass).await? {
            Some(key_sid) => {
                crate::admin::audit::identify(parts, user, "rest");
                Ok(Principal::Admin { key_sid })
            }
            None => Err(ApiError::unauthenticated()),
        }
    }
}
