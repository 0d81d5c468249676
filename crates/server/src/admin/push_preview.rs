//! `GET /admin/Services/{IS}/PushPreview?Type=&Template=`: a push template
//! rendered as a device would show it — by the same rules the server's
//! pushes and the desktop app's notifications use
//! (`parley_protocol::template`), so the console's preview cannot drift
//! from what is sent. The sample's user, channel and message may be given
//! (`User`, `Channel`, `Message`); `Template` defaults to the service's
//! template of the type, then to Twilio's default.

use axum::extract::{Path, State};
use axum::Json;
use parley_protocol::template;
use serde_json::{json, Value};

use crate::api::services::load;
use crate::app::App;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::form::Query;
use crate::push::PushType;

fn push_type(name: &str) -> Option<PushType> {
    Some(match name {
        "NewMessage" => PushType::NewMessage,
        "AddedToChannel" => PushType::AddedToChannel,
        "InvitedToChannel" => PushType::InvitedToChannel,
        "RemovedFromChannel" => PushType::RemovedFromChannel,
        _ => return None,
    })
}

/// `GET /admin/Services/{IS}/PushPreview`
pub async fn fetch(
    State(app): State<App>,
    p: Principal,
    Path(service): Path<String>,
    Query(q): Query,
) -> ApiResult<Json<Value>> {
    p.require_admin("preview push templates")?;
    let name = q.str("Type").unwrap_or("NewMessage").to_owned();
    let kind = push_type(&name).ok_or_else(|| {
        ApiError::invalid_param(
            "Type must be NewMessage, AddedToChannel, InvitedToChannel or RemovedFromChannel",
        )
    })?;
    let s = app.db.read(move |c| load(c, &service)).await?;
    let template = q
        .str("Template")
        .filter(|t| !t.trim().is_empty())
        .or(kind.template_of(&s))
        .unwrap_or(kind.default_template())
        .to_owned();
    let user = q.str("User").unwrap_or("Alice Chen");
    let channel = q.str("Channel").unwrap_or("General");
    let message = q.str("Message").unwrap_or(
        "Are we still on for lunch tomorrow? I booked a table for four at half past twelve, near the station — tell me if that changes.",
    );
    let message = if kind == PushType::NewMessage {
        message
    } else {
        ""
    };
    let vars = template::Vars {
        user_identity: "alice",
        user_friendly_name: Some(user),
        channel_sid: "CH00000000000000000000000000000000",
        channel_friendly_name: Some(channel),
        channel_unique_name: None,
        message,
    };
    let (title, body) = crate::push::render(kind, Some(&template), &vars);
    Ok(Json(json!({
        "type": name,
        "template": template,
        "title": title,
        "truncated": body.chars().count() == template::MAX_TEXT && body.ends_with('…'),
        "body": body,
        "max_length": template::MAX_TEXT,
    })))
}
