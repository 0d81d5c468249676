//! The account as the console shows it: `GET /admin/Account` (never the
//! token), `POST /admin/Account/AuthToken/Reveal` and
//! `POST /admin/Account/AuthToken/Rotate` (form `Confirm` = the account
//! SID, so no stray request rotates it). Only the account's own
//! credentials may reveal or rotate its token, as only they may manage API
//! keys; an API key is refused. A rotation takes effect at once on the
//! node that made it and within a second on every other node
//! ([`crate::account::AuthToken`]); the account's other console sessions
//! end, and webhooks are signed with the new token from then on.

use axum::extract::State;
use axum::http::request::Parts;
use axum::Json;
use parley_protocol::admin::{Account, AuthToken};
use parley_protocol::{ErrorCode, Timestamp};

use crate::app::App;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::form::Form;
use crate::store::accounts;

fn require_account(p: &Principal, what: &str) -> ApiResult<()> {
    match p {
        Principal::Admin { key_sid: None } => Ok(()),
        Principal::Admin { key_sid: Some(_) } => Err(ApiError::new(
            ErrorCode::Forbidden,
            format!("Only the account's own credentials may {what}; an API key may not"),
        )),
        Principal::User(_) => Err(ApiError::not_authorized(what)),
    }
}

/// `GET /admin/Account`
pub async fn fetch(State(app): State<App>, p: Principal) -> ApiResult<Json<Account>> {
    p.require_admin("read the account")?;
    let rotated = app
        .db
        .read(|c| accounts::date_auth_token_rotated(c).map_err(ApiError::from))
        .await?;
    Ok(Json(Account {
        sid: app.account_sid.to_string(),
        date_auth_token_rotated: rotated.map(Timestamp),
    }))
}

/// `POST /admin/Account/AuthToken/Reveal`
pub async fn reveal(State(app): State<App>, p: Principal) -> ApiResult<Json<AuthToken>> {
    require_account(&p, "reveal the auth token")?;
    Ok(Json(AuthToken {
        auth_token: app.auth_token.current(&app.db).await,
    }))
}

/// `POST /admin/Account/AuthToken/Rotate`
pub async fn rotate(
    State(app): State<App>,
    p: Principal,
    parts: Parts,
    Form(f): Form,
) -> ApiResult<Json<AuthToken>> {
    require_account(&p, "rotate the auth token")?;
    if f.str("Confirm").map(str::trim) != Some(app.account_sid.as_str()) {
        return Err(ApiError::invalid_param(
            "To rotate the auth token, send Confirm with the account SID",
        ));
    }
    let token = crate::account::new_auth_token();
    let stored = token.clone();
    app.db
        .write(move |tx| accounts::set_auth_token(tx, &stored).map_err(ApiError::from))
        .await?;
    app.auth_token.set(token.clone());
    super::session::end_other_account_sessions(&app, &parts.headers).await?;
    tracing::info!("the auth token was rotated");
    Ok(Json(AuthToken { auth_token: token }))
}
