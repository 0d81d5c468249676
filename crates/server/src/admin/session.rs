//! Console sessions: `POST /admin/Session` signs in with the account SID +
//! auth token or an API key SID + secret and sets an `HttpOnly`,
//! `SameSite=Strict` cookie holding a random token (the database keeps its
//! SHA-256); `GET` tells the console who it is and its CSRF token;
//! `DELETE` signs out.
//!
//! The cookie authenticates any REST request as that admin
//! ([`authenticate`], called by the `Principal` extractor when a request
//! carries neither Basic credentials nor an access token). A request that
//! changes something must also carry `X-Parley-Csrf` with the session's
//! CSRF token and, when it says where it comes from (`Origin`,
//! `Sec-Fetch-Site`), come from this server; `SameSite=Strict` alone would
//! not stop a same-site page. Sessions end after `idle_timeout` without a
//! request and at `max_age` after sign-in; failed sign-ins are throttled
//! per address (not per SID: the account SID is no secret, and strangers
//! must not be able to lock the operator out).

use axum::extract::State;
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use cookie::{Cookie, SameSite};
use parley_protocol::admin::ConsoleSession;
use parley_protocol::{ErrorCode, SidKind, Timestamp};

use crate::app::App;
use crate::auth::login::{hash_token, new_refresh_token};
use crate::auth::ratelimit::Signer;
use crate::auth::{eq, Principal};
use crate::error::{ApiError, ApiResult};
use crate::forwarded::ClientIp;
use crate::store::accounts;
use crate::store::console::{self, NewSession, SessionRow};

/// The cookie's name.
pub const COOKIE_NAME: &str = "parley_console";
/// The header a change carries the CSRF token in.
pub const CSRF_HEADER: &str = "x-parley-csrf";
/// A session is touched in the database at most this often (seconds), so
/// browsing does not turn every read into a write.
const TOUCH_EVERY: i64 = 30;

/// How long sessions last.
#[derive(Debug, Clone, Copy)]
pub struct SessionLimits {
    /// Seconds without a request after which a session ends.
    pub idle_timeout: i64,
    /// Seconds after sign-in after which a session ends regardless.
    pub max_age: i64,
}

impl Default for SessionLimits {
    fn default() -> Self {
        SessionLimits {
            idle_timeout: 30 * 60,
            max_age: 12 * 3600,
        }
    }
}

fn render(app: &App, s: &SessionRow) -> ConsoleSession {
    ConsoleSession {
        account_sid: app.account_sid.to_string(),
        sid: s.principal_sid.clone(),
        kind: if SidKind::ApiKey.matches(&s.principal_sid) {
            "key"
        } else {
            "account"
        }
        .to_owned(),
        csrf_token: s.csrf_token.clone(),
        idle_timeout: app.console.idle_timeout,
        date_expires: Timestamp(s.date_expires),
    }
}

/// Whether clients reach the server over https (its public URL says so),
/// so the cookie gets `Secure`.
fn over_https(app: &App) -> bool {
    app.public_url.starts_with("https://")
}

fn cookie_header(app: &App, value: &str, max_age: Option<i64>) -> HeaderValue {
    let mut c = Cookie::build((COOKIE_NAME, value.to_owned()))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(over_https(app));
    if let Some(secs) = max_age {
        c = c.max_age(cookie::time::Duration::seconds(secs));
    }
    // A cookie built from our own ASCII token always makes a valid header.
    HeaderValue::from_str(&c.build().to_string()).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The session token the request's cookie carries, if any.
pub fn token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == COOKIE_NAME)
        .map(|c| c.value().to_owned())
}

fn csrf_refused(why: &str) -> ApiError {
    ApiError::new(
        ErrorCode::Forbidden,
        format!("Refused a change without a valid CSRF token: {why}"),
    )
}

/// Whether a change comes from this server's own pages: browsers say
/// where a request comes from in `Sec-Fetch-Site` and `Origin`; a request
/// that says neither is no browser's cross-site request.
fn same_origin(app: &App, headers: &HeaderMap) -> bool {
    let header = |n: &str| headers.get(n).and_then(|v| v.to_str().ok());
    if let Some(site) = header("sec-fetch-site") {
        if site != "same-origin" && site != "none" {
            return false;
        }
    }
    match header("origin") {
        None => true,
        Some(origin) => {
            let host = header("host").unwrap_or_default();
            let public = url::Url::parse(&app.public_url)
                .map(|u| u.origin().ascii_serialization())
                .unwrap_or_default();
            origin == public
                || origin
                    .split_once("://")
                    .is_some_and(|(_, authority)| authority == host)
        }
    }
}

/// Authenticates a request by its console cookie: `None` when it carries
/// none, else the admin who signed in, or why not (401 for an unknown or
/// ended session, 403 for a change without CSRF proof).
pub async fn authenticate(parts: &Parts, app: &App) -> Option<ApiResult<Principal>> {
    let token = token(&parts.headers)?;
    Some(check(parts, app, &token).await)
}

async fn check(parts: &Parts, app: &App, token: &str) -> ApiResult<Principal> {
    let hash = hash_token(token);
    let lookup = hash.clone();
    let limits = app.console;
    let found = app
        .db
        .read(move |c| {
            let Some(s) = console::get(c, &lookup)? else {
                return Ok::<_, ApiError>(None);
            };
            // A session signed in with a key ends when the key is deleted.
            if SidKind::ApiKey.matches(&s.principal_sid)
                && accounts::key_secret(c, &s.principal_sid)?.is_none()
            {
                return Ok(None);
            }
            Ok(Some(s))
        })
        .await?;
    let now = app.clock.now();
    let session = match found {
        Some(s) if s.date_expires > now && s.last_seen + limits.idle_timeout > now => s,
        _ => {
            return Err(ApiError::new(
                ErrorCode::Unauthenticated,
                "The console session has ended: sign in again",
            ))
        }
    };
    if !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS) {
        if !same_origin(app, &parts.headers) {
            return Err(csrf_refused("the request comes from another site"));
        }
        let sent = parts
            .headers
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        if !eq(sent, &session.csrf_token) {
            return Err(csrf_refused(if sent.is_empty() {
                "the X-Parley-Csrf header is missing"
            } else {
                "the X-Parley-Csrf header is wrong"
            }));
        }
    }
    if now - session.last_seen >= TOUCH_EVERY {
        app.db
            .write(move |tx| console::touch(tx, &hash).map_err(ApiError::from))
            .await?;
    }
    let key_sid = SidKind::ApiKey
        .matches(&session.principal_sid)
        .then(|| session.principal_sid.clone());
    crate::admin::audit::identify(parts, &session.principal_sid, "console");
    Ok(Principal::Admin { key_sid })
}

/// `POST /admin/Session` (form `Sid`, `Secret`).
pub async fn create(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    parts: axum::http::request::Parts,
    crate::form::Form(p): crate::form::Form,
) -> ApiResult<Response> {
    let sid = p.str("Sid").unwrap_or_default().trim().to_owned();
    let secret = p.str("Secret").unwrap_or_default().to_owned();
    if sid.is_empty() || secret.is_empty() {
        return Err(ApiError::invalid_param(
            "Sign in with the account SID and auth token, or an API key SID and its secret",
        ));
    }
    let address = crate::forwarded::limit_key(ip);
    // Per address only: the account SID is no secret, and a limit per SID
    // would let anyone lock the operator out by failing on purpose.
    let signer = Signer::Address {
        address: format!("console:{address}"),
    };
    let (limiter, counted_as) = (app.limiter.clone(), signer.clone());
    let counted = app
        .db
        .write(move |tx| Ok::<_, ApiError>(limiter.attempt(tx, &counted_as, tx.now())?))
        .await?;
    if let Err(wait) = counted {
        return Err(ApiError::new(
            ErrorCode::TooManyRequests,
            format!("Too many sign-in attempts; try again in {wait} seconds"),
        )
        .retry_after(wait));
    }
    if crate::auth::admin_credentials(&app, &sid, &secret)
        .await?
        .is_none()
    {
        tracing::info!(sid = %crate::logging::Field(&sid), %address, "failed console sign-in");
        return Err(ApiError::new(
            ErrorCode::Unauthenticated,
            "Wrong SID or secret: sign in with the account SID and auth token, or an API key SID and its secret",
        ));
    }
    let token = new_refresh_token();
    let csrf = new_refresh_token();
    let hash = hash_token(&token);
    let expires = app.clock.now() + app.console.max_age;
    let (limiter, principal) = (app.limiter.clone(), sid.clone());
    let row = app
        .db
        .write(move |tx| {
            limiter.succeeded(tx, &signer)?;
            console::insert(
                tx,
                &NewSession {
                    token_hash: &hash,
                    principal_sid: &principal,
                    csrf_token: &csrf,
                    address: &address,
                    date_expires: expires,
                },
            )?;
            console::get(tx, &hash)?.ok_or_else(ApiError::internal)
        })
        .await?;
    crate::admin::audit::identify(&parts, &sid, "console");
    let mut r = (StatusCode::CREATED, Json(render(&app, &row))).into_response();
    r.headers_mut()
        .insert(SET_COOKIE, cookie_header(&app, &token, None));
    Ok(r)
}

/// `GET /admin/Session`: the session the cookie names.
pub async fn fetch(State(app): State<App>, parts: Parts) -> ApiResult<Json<ConsoleSession>> {
    let Some(token) = token(&parts.headers) else {
        return Err(ApiError::new(
            ErrorCode::Unauthenticated,
            "Not signed in to the console",
        ));
    };
    check(&parts, &app, &token).await?;
    let hash = hash_token(&token);
    let row = app
        .db
        .read(move |c| console::get(c, &hash).map_err(ApiError::from))
        .await?
        .ok_or_else(ApiError::unauthenticated)?;
    Ok(Json(render(&app, &row)))
}

/// `DELETE /admin/Session`: signs out (and clears the cookie).
pub async fn delete(State(app): State<App>, parts: Parts) -> ApiResult<Response> {
    let Some(token) = token(&parts.headers) else {
        return Err(ApiError::new(
            ErrorCode::Unauthenticated,
            "Not signed in to the console",
        ));
    };
    check(&parts, &app, &token).await?;
    let hash = hash_token(&token);
    app.db
        .write(move |tx| console::delete(tx, &hash).map_err(ApiError::from))
        .await?;
    let mut r = StatusCode::NO_CONTENT.into_response();
    r.headers_mut()
        .insert(SET_COOKIE, cookie_header(&app, "", Some(0)));
    Ok(r)
}

/// Ends every console session of the account but the caller's (after the
/// auth token was rotated).
pub async fn end_other_account_sessions(app: &App, headers: &HeaderMap) -> ApiResult<()> {
    let keep = token(headers).map(|t| hash_token(&t)).unwrap_or_default();
    let account = app.account_sid.clone();
    app.db
        .write(move |tx| {
            console::delete_others(tx, &account, &keep)?;
            Ok::<_, ApiError>(())
        })
        .await
}
