//! Channel webhooks: `/v2/Services/{ServiceSid}/Channels/{ChannelSid}/Webhooks`
//! (admin only), at most five per channel. Types: `webhook` (URL + event
//! filters), `trigger` (URL + up to five trigger words), `studio` (flow SID).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use parley_protocol::resources::{ChannelWebhook, WebhookConfiguration};
use parley_protocol::ErrorCode;
use parley_protocol::{paging, SidKind, Timestamp, WebhookType};

use super::channels::load_visible;
use crate::app::{created, App};
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::form::{Form, Params, Query};
use crate::paging::{self as pg, PageRequest};
use crate::store::webhooks::{self as store, WebhookRow};
use crate::store::Conn;

/// Most webhooks per channel.
pub const MAX_PER_CHANNEL: i64 = 5;

fn render(app: &App, w: WebhookRow) -> ChannelWebhook {
    ChannelWebhook {
        url: format!(
            "{}/v2/Services/{}/Channels/{}/Webhooks/{}",
            app.public_url, w.service_sid, w.channel_sid, w.sid
        ),
        sid: w.sid,
        account_sid: app.account_sid.clone(),
        service_sid: w.service_sid,
        channel_sid: w.channel_sid,
        kind: w.kind,
        configuration: w.configuration,
        date_created: Timestamp(w.date_created),
        date_updated: Timestamp(w.date_updated),
    }
}

fn load(conn: &Conn<'_>, app: &App, channel: &str, sid: &str) -> ApiResult<ChannelWebhook> {
    store::get(conn, channel, sid)?
        .map(|w| render(app, w))
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::ChannelWebhookNotFound,
                format!("Channel webhook {sid} not found"),
            )
        })
}

/// Applies `Configuration.*` parameters to `cfg` and validates the result.
fn configure(
    kind: WebhookType,
    cfg: &mut WebhookConfiguration,
    f: &Params,
    allow_link_local: bool,
) -> ApiResult<()> {
    if let Some(u) = f.str("Configuration.Url") {
        if u.len() > 2048 {
            return Err(ApiError::new(
                ErrorCode::ChannelWebhookUrlTooLong,
                "Channel webhook url too long",
            ));
        }
        if let Err(why) = crate::webhook_targets::check_url(u, allow_link_local) {
            return Err(ApiError::new(
                ErrorCode::InvalidWebhookFormat,
                format!("Invalid webhook URL {}: {why}", crate::logging::Field(u)),
            ));
        }
        cfg.url = Some(u.to_owned());
    }
    if let Some(m) = f.str("Configuration.Method") {
        let m = m.to_ascii_uppercase();
        if m != "GET" && m != "POST" {
            return Err(ApiError::new(
                ErrorCode::InvalidWebhookMethod,
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
        if let Some(bad) = filters.iter().find(|x| !crate::webhooks::channel_event(x)) {
            return Err(ApiError::new(
                ErrorCode::InvalidChannelWebhookFilter,
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
            return Err(ApiError::new(
                ErrorCode::TooManyChannelWebhookTriggers,
                "Too many channel webhook triggers: at most 5",
            ));
        }
        if triggers.iter().any(|t| t.chars().count() > 256) {
            return Err(ApiError::new(
                ErrorCode::InvalidChannelWebhookTrigger,
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
            return Err(ApiError::new(
                ErrorCode::InvalidChannelWebhookFlowSid,
                format!("Invalid channel webhook flow sid {flow:?}"),
            ));
        }
        cfg.flow_sid = Some(flow.to_owned());
    }
    if let Some(n) = f.int(
        "Configuration.RetryCount",
        ErrorCode::InvalidWebhookRetryCount,
    )? {
        if !(0..=3).contains(&n) {
            return Err(ApiError::new(
                ErrorCode::InvalidWebhookRetryCount,
                "Configuration.RetryCount must be between 0 and 3",
            ));
        }
        cfg.retry_count = n as u32;
    }
    match kind {
        WebhookType::Webhook => {
            if cfg.url.is_none() {
                return Err(ApiError::new(
                    ErrorCode::ChannelWebhookUrlNotProvided,
                    "Channel webhook url not provided",
                ));
            }
            if cfg.filters.as_ref().is_none_or(|x| x.is_empty()) {
                return Err(ApiError::new(
                    ErrorCode::ChannelWebhookFilterNotProvided,
                    "Channel webhook filter not provided",
                ));
            }
        }
        WebhookType::Trigger => {
            if cfg.url.is_none() {
                return Err(ApiError::new(
                    ErrorCode::ChannelWebhookUrlNotProvided,
                    "Channel webhook url not provided",
                ));
            }
            if cfg.triggers.as_ref().is_none_or(|x| x.is_empty()) {
                return Err(ApiError::new(
                    ErrorCode::ChannelWebhookTriggerNotProvided,
                    "Channel webhook trigger not provided",
                ));
            }
        }
        WebhookType::Studio => {
            if cfg.flow_sid.is_none() {
                return Err(ApiError::new(
                    ErrorCode::InvalidChannelWebhookFlowSid,
                    "Channel webhook flow sid not provided",
                ));
            }
        }
    }
    if cfg.method.is_none() && kind != WebhookType::Studio {
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
    let req = PageRequest::from_query(&q, 5)?;
    let a = app.clone();
    app.db
        .read(move |c| {
            let (_, _, ch, _) = load_visible(c, &service, &channel, &p)?;
            let w = store::page(c, &ch.sid, req.bound(), req.size)?;
            let path = format!("/v2/Services/{service}/Channels/{channel}/Webhooks");
            let meta = pg::meta(&a.public_url, &path, "webhooks", &q, &req, &w);
            let items: Vec<ChannelWebhook> = w.items.into_iter().map(|h| render(&a, h)).collect();
            Ok(Json(paging::page_json(&items, &meta)))
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
    let kind_s = f.required("Type", ErrorCode::ChannelWebhookTypeNotProvided)?;
    let kind: WebhookType = kind_s.parse().map_err(|_| {
        ApiError::new(
            ErrorCode::InvalidChannelWebhookType,
            format!(
                "Invalid channel webhook type {:?}",
                crate::logging::Field(kind_s)
            ),
        )
    })?;
    let mut cfg = WebhookConfiguration::default();
    configure(kind, &mut cfg, &f, app.allow_link_local_webhooks)?;
    let a = app.clone();
    app.db
        .write(move |c| {
            let (_, _, ch, _) = load_visible(c, &service, &channel, &p)?;
            let n = store::count_for_channel(c, &ch.sid)?;
            if n >= MAX_PER_CHANNEL {
                return Err(ApiError::new(
                    ErrorCode::TooManyChannelWebhooks,
                    "Too many channel webhooks: at most 5 per channel",
                ));
            }
            let sid = SidKind::Webhook.generate();
            store::insert(c, &sid, &service, &ch.sid, kind.as_str(), &cfg, c.now())?;
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
            configure(
                hook.kind,
                &mut hook.configuration,
                &f,
                a.allow_link_local_webhooks,
            )?;
            store::set_configuration(c, &sid, &hook.configuration, c.now())?;
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
            store::delete(c, &sid)?;
            Ok(StatusCode::NO_CONTENT)
        })
        .await
}
