//! The desktop app's token endpoint, OAuth2-style:
//! `POST /auth/token` (`grant_type=password` or `grant_type=refresh_token`)
//! and `POST /auth/revoke`. Refresh tokens are 256 random bits, stored only
//! as SHA-256 hashes, rotated on every use; presenting a rotated token again
//! revokes its whole family (it was stolen or replayed).

use std::net::IpAddr;

use crate::store::sessions::{self, NewRefresh};
use crate::store::{Conn, StoreResult, Tx};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use parley_protocol::token::{TokenError, TokenResponse};
use parley_protocol::ErrorCode;
use sha2::{Digest, Sha256};

use crate::app::App;
use crate::auth::ratelimit::Signer;
use crate::error::ApiError;
use crate::form::Form;
use crate::forwarded::ClientIp;

/// How long a refresh token stays valid without use.
pub const REFRESH_TTL: i64 = 30 * 24 * 3600;

fn oauth_error(status: StatusCode, error: &str, code: ErrorCode, message: &str) -> Response {
    let body = TokenError {
        error: error.to_owned(),
        error_description: message.to_owned(),
        code: code.code(),
        message: message.to_owned(),
        status: status.as_u16(),
    };
    (status, Json(body)).into_response()
}

fn invalid_grant(message: &str) -> Response {
    oauth_error(
        StatusCode::BAD_REQUEST,
        "invalid_grant",
        ErrorCode::Unauthenticated,
        message,
    )
}

pub(crate) fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub(crate) fn new_refresh_token() -> String {
    URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>())
}

/// Stores a fresh refresh token of `family` and returns it.
fn store_refresh(tx: &Tx<'_>, family: &str, service: &str, identity: &str) -> StoreResult<String> {
    let token = new_refresh_token();
    let t = tx.now();
    sessions::insert_refresh(
        tx,
        &NewRefresh {
            token_hash: &hash_token(&token),
            family,
            service_sid: service,
            identity,
            expires_at: t + REFRESH_TTL,
            date_created: t,
        },
    )?;
    Ok(token)
}

fn respond(
    app: &App,
    service: String,
    identity: String,
    refresh: String,
    device_token: Option<String>,
) -> Response {
    let ttl = app.token_ttl;
    let access = crate::auth::jwt::mint(
        &app.signing_key.0,
        &app.signing_key.1,
        &app.account_sid,
        &identity,
        &service,
        app.clock.now(),
        ttl,
    );
    Json(TokenResponse {
        access_token: access,
        token_type: "Bearer".into(),
        expires_in: ttl,
        refresh_token: refresh,
        identity,
        service_sid: service,
        device_token,
    })
    .into_response()
}

/// Picks the service a login is for: the one named, or the only one.
fn pick_service(conn: &Conn<'_>, named: Option<&str>) -> Result<Option<String>, ApiError> {
    if let Some(s) = named.filter(|s| !s.is_empty()) {
        return Ok(crate::store::services::exists(conn, s)?.then(|| s.to_owned()));
    }
    Ok(crate::store::services::only_service(conn)?)
}

/// `POST /auth/token`
pub async fn token(State(app): State<App>, ClientIp(peer): ClientIp, Form(p): Form) -> Response {
    match p.str("grant_type") {
        Some("password") => password_grant(app, peer, p).await,
        Some("refresh_token") => refresh_grant(app, p).await,
        Some(other) => oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            ErrorCode::InvalidParameter,
            &format!("grant_type {other:?} is not supported; use password or refresh_token"),
        ),
        None => oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            ErrorCode::InvalidParameter,
            "grant_type is required",
        ),
    }
}

fn too_many(message: &str, wait: u64) -> Response {
    let mut r = oauth_error(
        StatusCode::TOO_MANY_REQUESTS,
        "slow_down",
        ErrorCode::TooManyRequests,
        message,
    );
    r.headers_mut()
        .insert(axum::http::header::RETRY_AFTER, wait.into());
    r
}

/// What a password sign-in needs to know before its attempt is counted.
struct Candidate {
    service: String,
    hash: Option<String>,
    /// The presented device token's hash, if it belongs to this identity.
    device: Option<String>,
}

async fn password_grant(app: App, peer: IpAddr, p: crate::form::Params) -> Response {
    let (Some(username), Some(password)) = (p.str("username"), p.str("password")) else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            ErrorCode::InvalidParameter,
            "username and password are required",
        );
    };
    if password.len() > crate::auth::password::MAX_PASSWORD_BYTES {
        return invalid_grant("Invalid username or password");
    }
    let username = crate::names::normalize(username).into_owned();
    let password = password.to_owned();
    // A place in the hashing queue first: a refused sign-in costs nothing.
    let place = match app.hasher.admit() {
        Ok(place) => place,
        Err(busy) => return too_many(&format!("The server is busy: {busy}"), 1),
    };
    let named = p.str("service_sid").map(str::to_owned);
    let presented = p.str("device_token").map(hash_token);
    let who = username.clone();
    let found =
        app.db
            .read(move |c| {
                let Some(service) = pick_service(c, named.as_deref())? else {
                    return Ok::<_, ApiError>(None);
                };
                let hash = sessions::password_hash(c, &service, &who)?.flatten();
                let device = match presented {
                    Some(h) => (sessions::device(c, &h)? == Some((service.clone(), who.clone())))
                        .then_some(h),
                    None => None,
                };
                Ok(Some(Candidate {
                    service,
                    hash,
                    device,
                }))
            })
            .await;
    let Candidate {
        service,
        hash,
        device,
    } = match found {
        Ok(Some(v)) => v,
        Ok(None) => return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            ErrorCode::ServiceNotFound,
            "Unknown service: name service_sid (this server has several services, or none matches)",
        ),
        Err(e) => return e.into_response(),
    };
    let address = crate::forwarded::limit_key(peer);
    let signer = match &device {
        Some(h) => Signer::Device {
            token_hash: h.clone(),
        },
        None => Signer::Stranger {
            identity: username.clone(),
            address: address.clone(),
        },
    };
    let (limiter, counted_as) = (app.limiter.clone(), signer.clone());
    let counted = app
        .db
        .write(move |tx| Ok::<_, ApiError>(limiter.attempt(tx, &counted_as, tx.now())?))
        .await;
    match counted {
        Ok(Ok(())) => {}
        Ok(Err(wait)) => {
            return too_many(
                &format!("Too many sign-in attempts; try again in {wait} seconds"),
                wait,
            )
        }
        Err(e) => return e.into_response(),
    }
    if !app.hasher.verify(place, password, hash).await {
        tracing::info!(identity = %crate::logging::Field(&username), %address, "failed sign-in");
        return invalid_grant("Invalid username or password");
    }
    // A known device keeps its token; a new one is given one.
    let device_token = match (&device, p.str("device_token")) {
        (Some(_), Some(known)) => known.to_owned(),
        _ => new_refresh_token(),
    };
    let (svc, id, issued) = (service.clone(), username.clone(), device_token.clone());
    let family = hex::encode(rand::random::<[u8; 16]>());
    let limiter = app.limiter.clone();
    match app
        .db
        .write(move |c| {
            limiter.succeeded(c, &signer)?;
            sessions::remember_device(c, &hash_token(&issued), &svc, &id, c.now())?;
            store_refresh(c, &family, &svc, &id).map_err(ApiError::from)
        })
        .await
    {
        Ok(refresh) => {
            crate::activity::seen(&app, &service, &username);
            respond(&app, service, username, refresh, Some(device_token))
        }
        Err(e) => e.into_response(),
    }
}

enum Refresh {
    Issued {
        service: String,
        identity: String,
        token: String,
    },
    Invalid(&'static str),
}

async fn refresh_grant(app: App, p: crate::form::Params) -> Response {
    let Some(presented) = p.str("refresh_token").map(str::to_owned) else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            ErrorCode::InvalidParameter,
            "refresh_token is required",
        );
    };
    let result = app
        .db
        .write(move |c| {
            let presented_hash = hash_token(&presented);
            let Some(row) = sessions::find_refresh(c, &presented_hash)? else {
                return Ok::<_, ApiError>(Refresh::Invalid("Unknown refresh token"));
            };
            let sessions::RefreshRow { family, service_sid: service, identity, expires_at, revoked } = row;
            if revoked {
                sessions::revoke_family(c, &family)?;
                tracing::warn!(identity = %crate::logging::Field(&identity), "a rotated refresh token was presented again; its family is revoked");
                return Ok(Refresh::Invalid("Refresh token was revoked; sign in again"));
            }
            if expires_at <= c.now() {
                return Ok(Refresh::Invalid("Refresh token expired; sign in again"));
            }
            if !sessions::user_exists(c, &service, &identity)? {
                return Ok(Refresh::Invalid("The user no longer exists"));
            }
            sessions::revoke_refresh(c, &presented_hash)?;
            let token = store_refresh(c, &family, &service, &identity)?;
            Ok(Refresh::Issued { service, identity, token })
        })
        .await;
    match result {
        Ok(Refresh::Issued {
            service,
            identity,
            token,
        }) => respond(&app, service, identity, token, None),
        Ok(Refresh::Invalid(why)) => invalid_grant(why),
        Err(e) => e.into_response(),
    }
}

/// `POST /auth/revoke` — revokes the refresh token's whole family. Answers 200
/// whether or not the token was known (RFC 7009).
pub async fn revoke(State(app): State<App>, Form(p): Form) -> Response {
    let Some(presented) = p
        .str("token")
        .or_else(|| p.str("refresh_token"))
        .map(str::to_owned)
    else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            ErrorCode::InvalidParameter,
            "token is required",
        );
    };
    let r = app
        .db
        .write(move |c| {
            sessions::revoke_family_of(c, &hash_token(&presented)).map_err(ApiError::from)
        })
        .await;
    match r {
        Ok(_) => (StatusCode::OK, Json(serde_json::json!({"revoked": true}))).into_response(),
        Err(e) => e.into_response(),
    }
}
