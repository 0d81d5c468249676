//! Channel webhooks: `/v2/Services/{ServiceSid}/Channels/{ChannelSid}/Webhooks`
//! (admin only), at most five per channel. Types: `webhook` (URL + event
//! filters), `trigger` (URL + up to five trigger words), `studio` (flow SID).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use parley_protocol::resources::{ChannelWebhook, WebhookConfiguration};
use parley_protocol::{paging, SidKind, Timestamp};
use crate::args;
use crate::store::Conn;
use crate::store::OptionalExt;
use crate::store::Row;
use crate::store::StoreResult;

use super::channels::load_visible;
use crate::app::{created, now, App};
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::form::{Form, Params, Query};
use crate::paging::{self as pg, PageRequest};

/// Most webhooks per channel.
pub const MAX_PER_CHANNEL: i64 = 5;

/// Events a channel webhook may filter on.
pub const EVENTS: &[&str] = &[
    "onMessageSent",
    "onMessageUpdated",
    "onMessageRemoved",
    "onMediaMessageSent",
    "onChannelUpdated",
    "onChannelDestroyed",
    "onMemberAdded",
    "onMemberUpdated",
    "onMemberRemoved",
    "onMessageSend",
    "onMessageUpdate",
    "onMessageRemove",
    "onMediaMessageSend",
    "onChannelUpdate",
    "onChannelDestroy",
    "onMemberAdd",
    "onMemberUpdate",
    "onMemberRemove",
];

const COLUMNS: &str =
    "sid, service_sid, channel_sid, type, configuration, date_created, date_updated";

fn render(app: &App, r: &Row<'_>) -> StoreResult<ChannelWebhook> {
    let sid: String = r.get(0)?;
    let service: String = r.get(1)?;
    let channel: String = r.get(2)?;
    let config: String = r.get(4)?;
    Ok(ChannelWebhook {
        url: format!(
            "{}/v2/Services/{service}/Channels/{channel}/Webhooks/{sid}",
            app.public_url
        ),
        sid,
        account_sid: app.account_sid.clone(),
        service_sid: service,
        channel_sid: channel,
        kind: r.get(3)?,
        configuration: serde_json::from_str(&config).unwrap_or_default(),
        date_created: Timestamp(r.get(5)?),
        date_updated: Timestamp(r.get(6)?),
    })
}

fn load(conn: &Conn<'_>, app: &App, channel: &str, sid: &str) -> ApiResult<ChannelWebhook> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM channel_webhooks WHERE channel_sid = ?1 AND sid = ?2"),
        args![channel, sid],
        |r| render(app, r),
    )
    .optional()?
    .ok_or_else(|| ApiError::not_found(50320, format!("Channel webhook {sid} not found")))
}

/// Applies `Configuration.*` parameters to `cfg` and validates the result.
fn configure(kind: &str, cfg: &mut WebhookConfiguration, f: &Params) -> ApiResult<()> {
    if let Some(u) = f.str("Configuration.Url") {
        if u.len() > 2048 {
            return Err(ApiError::bad_request(50332, "Channel webhook url too long"));
        }
        if !(u.starts_with("http://") || u.starts_with("https://")) {
            return Err(ApiError::bad_request(
                50054,
                format!("Invalid webhook URL {u:?}"),
            ));
        }
        cfg.url = Some(u.to_owned());
    }
    if let Some(m) = f.str("Configuration.Method") {
        let m = m.to_ascii_uppercase();
        if m != "GET" && m != "POST" {
            return Err(ApiError::bad_request(
                50055,
                "Configuration.Method must be GET or POST",
            ));
        }
        cfg.method = Some(m);
    }
    if f.has("Configuration.Filters") {
        let filters: Vec<String> = f
            .all("Configuration.Filters")
            .into_iter()
            .filter(|x| !x.is_empty())
            .collect();
        if let Some(bad) = filters.iter().find(|x| !EVENTS.contains(&x.as_str())) {
            return Err(ApiError::bad_request(
                50325,
                format!("Invalid channel webhook filter {bad:?}"),
            ));
        }
        cfg.filters = Some(filters);
    }
    if f.has("Configuration.Triggers") {
        let triggers: Vec<String> = f
            .all("Configuration.Triggers")
            .into_iter()
            .filter(|x| !x.is_empty())
            .collect();
        if triggers.len() > 5 {
            return Err(ApiError::bad_request(
                50322,
                "Too many channel webhook triggers: at most 5",
            ));
        }
        if triggers.iter().any(|t| t.chars().count() > 256) {
            return Err(ApiError::bad_request(
                50326,
                "Invalid channel webhook trigger",
            ));
        }
        cfg.triggers = Some(triggers);
    }
    if let Some(flow) = f.str("Configuration.FlowSid") {
        if !(flow.len() == 34
            && flow.starts_with("FW")
            && flow[2..].bytes().all(|b| b.is_ascii_hexdigit()))
        {
            return Err(ApiError::bad_request(
                50327,
                format!("Invalid channel webhook flow sid {flow:?}"),
            ));
        }
        cfg.flow_sid = Some(flow.to_owned());
    }
    if let Some(n) = f.int("Configuration.RetryCount", 50065)? {
        if !(0..=3).contains(&n) {
            return Err(ApiError::bad_request(
                50065,
                "Configuration.RetryCount must be between 0 and 3",
            ));
        }
        cfg.retry_count = n as u32;
    }
    match kind {
        "webhook" => {
            if cfg.url.is_none() {
                return Err(ApiError::bad_request(
                    50329,
                    "Channel webhook url not provided",
                ));
            }
            if cfg.filters.as_ref().is_none_or(|x| x.is_empty()) {
                return Err(ApiError::bad_request(
                    50330,
                    "Channel webhook filter not provided",
                ));
            }
        }
        "trigger" => {
            if cfg.url.is_none() {
                return Err(ApiError::bad_request(
                    50329,
                    "Channel webhook url not provided",
                ));
            }
            if cfg.triggers.as_ref().is_none_or(|x| x.is_empty()) {
                return Err(ApiError::bad_request(
                    50331,
                    "Channel webhook trigger not provided",
                ));
            }
        }
        "studio" => {
            if cfg.flow_sid.is_none() {
                return Err(ApiError::bad_request(
                    50327,
                    "Channel webhook flow sid not provided",
                ));
            }
        }
        _ => {
            return Err(ApiError::bad_request(
                50324,
                format!("Invalid channel webhook type {kind:?}"),
            ))
        }
    }
    if cfg.method.is_none() && kind != "studio" {
        cfg.method = Some("POST".into());
    }
    Ok(())
}

/// `GET …/Channels/{ChannelSid}/Webhooks`
pub async fn list(
    State(app): State<App>,
    p: Principal,
    Path((service, channel)): Path<(String, String)>,
    Query(q): Query,
) -> ApiResult<Json<serde_json::Value>> {
    p.require_admin("list channel webhooks")?;
    let req = PageRequest::from_query(&q, 5, 5)?;
    let a = app.clone();
    app.db
        .read(move |c| {
            let (_, _, ch, _) = load_visible(c, &service, &channel, &p)?;
            let sql =
                format!("SELECT {COLUMNS}, rowid FROM channel_webhooks WHERE channel_sid = ?");
            let w = pg::fetch(
                c,
                &sql,
                "rowid",
                vec![ch.sid.clone().into()],
                false,
                &req,
                |r| render(&a, r),
            )?;
            let path = format!("/v2/Services/{service}/Channels/{channel}/Webhooks");
            let meta = pg::meta(&a.public_url, &path, "webhooks", &q, &req, &w);
            Ok(Json(paging::page_json(&w.items, &meta)))
        })
        .await
}

/// `POST …/Channels/{ChannelSid}/Webhooks`
pub async fn create(
    State(app): State<App>,
    p: Principal,
    Path((service, channel)): Path<(String, String)>,
    Form(f): Form,
) -> ApiResult<Response> {
    p.require_admin("create channel webhooks")?;
    let kind = f.required("Type", 50328)?.to_owned();
    let mut cfg = WebhookConfiguration::default();
    configure(&kind, &mut cfg, &f)?;
    let a = app.clone();
    app.db
        .write(move |c| {
            let (_, _, ch, _) = load_visible(c, &service, &channel, &p)?;
            let n: i64 = c.query_row("SELECT COUNT(*) FROM channel_webhooks WHERE channel_sid = ?1", args![&ch.sid], |r| r.get(0))?;
            if n >= MAX_PER_CHANNEL {
                return Err(ApiError::limit(50321, "Too many channel webhooks: at most 5 per channel"));
            }
            let sid = SidKind::Webhook.generate();
            c.execute(
                "INSERT INTO channel_webhooks (sid, service_sid, channel_sid, type, configuration, date_created, date_updated)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
                args![sid, service, ch.sid, kind, serde_json::to_string(&cfg).unwrap_or_default(), now()],
            )?;
            Ok(created(load(c, &a, &ch.sid, &sid)?))
        })
        .await
}

/// `GET …/Channels/{ChannelSid}/Webhooks/{Sid}`
pub async fn fetch(
    State(app): State<App>,
    p: Principal,
    Path((service, channel, sid)): Path<(String, String, String)>,
) -> ApiResult<Json<ChannelWebhook>> {
    p.require_admin("fetch channel webhooks")?;
    let a = app.clone();
    app.db
        .read(move |c| {
            let (_, _, ch, _) = load_visible(c, &service, &channel, &p)?;
            Ok(Json(load(c, &a, &ch.sid, &sid)?))
        })
        .await
}

/// `POST …/Channels/{ChannelSid}/Webhooks/{Sid}`
pub async fn update(
    State(app): State<App>,
    p: Principal,
    Path((service, channel, sid)): Path<(String, String, String)>,
    Form(f): Form,
) -> ApiResult<Json<ChannelWebhook>> {
    p.require_admin("update channel webhooks")?;
    let a = app.clone();
    app.db
        .write(move |c| {
            let (_, _, ch, _) = load_visible(c, &service, &channel, &p)?;
            let mut hook = load(c, &a, &ch.sid, &sid)?;
            configure(&hook.kind, &mut hook.configuration, &f)?;
            c.execute(
                "UPDATE channel_webhooks SET configuration = ?2, date_updated = ?3 WHERE sid = ?1",
                args![
                    sid,
                    serde_json::to_string(&hook.configuration).unwrap_or_default(),
                    now()
                ],
            )?;
            Ok(Json(load(c, &a, &ch.sid, &sid)?))
        })
        .await
}

/// `DELETE …/Channels/{ChannelSid}/Webhooks/{Sid}`
pub async fn delete(
    State(app): State<App>,
    p: Principal,
    Path((service, channel, sid)): Path<(String, String, String)>,
) -> ApiResult<StatusCode> {
    p.require_admin("delete channel webhooks")?;
    let a = app.clone();
    app.db
        .write(move |c| {
            let (_, _, ch, _) = load_visible(c, &service, &channel, &p)?;
            load(c, &a, &ch.sid, &sid)?;
            c.execute("DELETE FROM channel_webhooks WHERE sid = ?1", args![&sid])?;
            Ok(StatusCode::NO_CONTENT)
        })
        .await
}
