//! Services: `/v2/Services` and `/v2/Services/{Sid}`, the root of every chat
//! resource. Creating a service also creates its four default roles.

use super::roles::role_of_type;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use parley_protocol::permission::{CHANNEL_ADMIN, CHANNEL_USER, SERVICE_ADMIN, SERVICE_USER};
use parley_protocol::resources::{MediaSettings, RateLimits, Service, ServiceLimits, ServiceLinks};
use parley_protocol::ErrorCode;
use parley_protocol::RoleType;
use parley_protocol::{paging, SidKind, Timestamp};

use crate::access::Caller;
use crate::app::{created, App};
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::form::{Form, Params, Query};
use crate::paging::{self as pg, PageRequest};
pub use crate::store::services::ServiceRow;
use crate::store::{self, Conn, Tx};

/// Upper bound of both service limits.
pub const MAX_LIMIT: i64 = 1000;
/// Largest actions-per-second limit a service may set for itself.
pub const MAX_ACTIONS_PER_SECOND: i64 = 100_000;
/// Default media size limit of every service, in MB (MiB).
pub const MEDIA_SIZE_LIMIT_MB: u32 = 150;

impl ServiceRow {
    /// The wire shape.
    pub fn render(&self, app: &App) -> Service {
        let url = format!("{}/v2/Services/{}", app.public_url, self.sid);
        Service {
            sid: self.sid.clone(),
            account_sid: app.account_sid.clone(),
            friendly_name: self.friendly_name.clone(),
            date_created: Timestamp(self.date_created),
            date_updated: Timestamp(self.date_updated),
            default_service_role_sid: self.default_service_role_sid.clone(),
            default_channel_role_sid: self.default_channel_role_sid.clone(),
            default_channel_creator_role_sid: self.default_channel_creator_role_sid.clone(),
            read_status_enabled: self.read_status_enabled,
            reachability_enabled: self.reachability_enabled,
            typing_indicator_timeout: self.typing_indicator_timeout as u32,
            consumption_report_interval: self.consumption_report_interval as u32,
            limits: ServiceLimits {
                channel_members: self.limit_channel_members as u32,
                user_channels: self.limit_user_channels as u32,
            },
            rate_limits: {
                let (channel, service) = app.rate_limits.for_users(self);
                RateLimits {
                    channel_actions_per_second: channel,
                    service_actions_per_second: service,
                }
            },
            pre_webhook_url: self.pre_webhook_url.clone(),
            post_webhook_url: self.post_webhook_url.clone(),
            webhook_method: self.webhook_method.clone(),
            webhook_filters: self.webhook_filters.clone(),
            pre_webhook_retry_count: self.pre_webhook_retry_count as u32,
            post_webhook_retry_count: self.post_webhook_retry_count as u32,
            pre_webhook_fail_open: self.pre_webhook_fail_open,
            notifications: self.notifications.clone(),
            media: MediaSettings {
                size_limit_mb: app.media.limit_mb,
                compatibility_message: self.media_compatibility_message.clone(),
            },
            links: ServiceLinks {
                channels: format!("{url}/Channels"),
                users: format!("{url}/Users"),
                roles: format!("{url}/Roles"),
                bindings: format!("{url}/Bindings"),
            },
            url,
        }
    }
}

/// Loads a service or fails with 20404.
pub fn load(conn: &Conn<'_>, sid: &str) -> ApiResult<ServiceRow> {
    store::services::get(conn, sid)?.ok_or_else(|| ApiError::no_route(&format!("/Services/{sid}")))
}

/// Loads the service and the caller's rights in it.
pub fn load_with_caller(
    conn: &Conn<'_>,
    sid: &str,
    p: &Principal,
) -> ApiResult<(ServiceRow, Caller)> {
    p.check_service(sid)?;
    let s = load(conn, sid)?;
    let caller = Caller::load(conn, &s, p)?;
    Ok((s, caller))
}

/// Creates a service with its default roles.
pub fn create_service(tx: &Tx<'_>, friendly_name: &str) -> ApiResult<ServiceRow> {
    let sid = SidKind::Service.generate();
    let t = tx.now();
    store::services::insert(tx, &sid, friendly_name, t)?;
    let role = |name: &str, kind: &str, perms: &[&str]| -> ApiResult<String> {
        let role_sid = SidKind::Role.generate();
        store::roles::insert(tx, &role_sid, &sid, name, kind, perms, t)?;
        Ok(role_sid)
    };
    let service_user = role("service user", "deployment", SERVICE_USER)?;
    role("service admin", "deployment", SERVICE_ADMIN)?;
    let channel_user = role("channel user", "channel", CHANNEL_USER)?;
    let channel_admin = role("channel admin", "channel", CHANNEL_ADMIN)?;
    store::services::set_default_roles(tx, &sid, &service_user, &channel_user, &channel_admin)?;
    load(tx, &sid)
}

fn check_friendly_name(name: &str) -> ApiResult<()> {
    if name.chars().count() > 256 {
        return Err(ApiError::new(
            ErrorCode::FriendlyNameTooLong,
            "Friendly name too long: at most 256 characters",
        ));
    }
    Ok(())
}

/// `GET /v2/Services`
pub async fn list(
    State(app): State<App>,
    p: Principal,
    Query(q): Query,
) -> ApiResult<Json<serde_json::Value>> {
    p.require_admin("list services")?;
    let req = PageRequest::from_query(&q, 50)?;
    let a = app.clone();
    app.db
        .read(move |c| {
            let w = store::services::page(c, req.bound(), req.size)?;
            let items: Vec<Service> = w.items.iter().map(|s| s.render(&a)).collect();
            let meta = pg::meta(&a.public_url, "/v2/Services", "services", &q, &req, &w);
            Ok(Json(paging::page_json(&items, &meta)))
        })
        .await
}

/// `POST /v2/Services`
pub async fn create(State(app): State<App>, p: Principal, Form(f): Form) -> ApiResult<Response> {
    p.require_admin("create services")?;
    let name = f
        .required("FriendlyName", ErrorCode::FriendlyNameNotProvided)?
        .to_owned();
    check_friendly_name(&name)?;
    let a = app.clone();
    app.db
        .write(move |c| Ok(created(create_service(c, &name)?.render(&a))))
        .await
}

/// `GET /v2/Services/{Sid}`
pub async fn fetch(
    State(app): State<App>,
    p: Principal,
    Path(sid): Path<String>,
) -> ApiResult<Json<Service>> {
    p.check_service(&sid)?;
    let a = app.clone();
    app.db
        .read(move |c| Ok(Json(load(c, &sid)?.render(&a))))
        .await
}

fn webhook_url(
    f: &Params,
    name: &str,
    allow_link_local: bool,
) -> ApiResult<Option<Option<String>>> {
    match f.str(name) {
        None => Ok(None),
        Some("") => Ok(Some(None)),
        Some(u) => match crate::webhook_targets::check_url(u, allow_link_local) {
            Ok(()) => Ok(Some(Some(u.to_owned()))),
            Err(why) => Err(ApiError::new(
                ErrorCode::InvalidWebhookFormat,
                format!("Invalid webhook URL {}: {why}", crate::logging::Field(u)),
            )),
        },
    }
}

fn apply_notification(
    f: &Params,
    prefix: &str,
    enabled: &mut bool,
    template: &mut Option<String>,
    sound: &mut Option<String>,
) -> ApiResult<()> {
    if let Some(v) = f.bool(&format!("{prefix}.Enabled"))? {
        *enabled = v;
    }
    if let Some(t) = f.str(&format!("{prefix}.Template")) {
        if t.chars().count() > 1024 {
            return Err(ApiError::new(
                ErrorCode::NotificationTemplateTooLong,
                "Notification template too long: at most 1024 characters",
            ));
        }
        *template = (!t.is_empty()).then(|| t.to_owned());
    }
    if let Some(s) = f.str(&format!("{prefix}.Sound")) {
        if s.chars().count() > 255 {
            return Err(ApiError::new(
                ErrorCode::NotificationSoundNameTooLong,
                "Notification sound name too long: at most 255 characters",
            ));
        }
        *sound = (!s.is_empty()).then(|| s.to_owned());
    }
    Ok(())
}

/// The push types a service has templates for, as `Notifications.<Type>.…`.
const PUSH_TYPES: [&str; 4] = [
    "NewMessage",
    "AddedToChannel",
    "RemovedFromChannel",
    "InvitedToChannel",
];

/// Refuses a `Notifications.…` parameter that names no push type or
/// setting, so a typo (`Notifications.NewMesage.Enabled`) is not silently
/// ignored.
fn check_notification_keys(f: &Params) -> ApiResult<()> {
    for (key, _) in f.pairs() {
        let Some(rest) = key.strip_prefix("Notifications.") else {
            continue;
        };
        let known = rest == "LogEnabled"
            || rest == "NewMessage.BadgeCountEnabled"
            || rest.split_once('.').is_some_and(|(kind, setting)| {
                PUSH_TYPES.contains(&kind) && ["Enabled", "Template", "Sound"].contains(&setting)
            });
        if !known {
            let kind = rest.split('.').next().unwrap_or(rest);
            let why = if PUSH_TYPES.contains(&kind) {
                format!("{kind} has no setting {rest}: use Enabled, Template or Sound")
            } else {
                format!(
                    "{kind} is not a push type: use one of {}",
                    PUSH_TYPES.join(", ")
                )
            };
            return Err(ApiError::invalid_param(format!(
                "Unknown parameter {}: {why}",
                crate::logging::Field(key)
            )));
        }
    }
    Ok(())
}

fn apply_update(
    conn: &Conn<'_>,
    s: &mut ServiceRow,
    f: &Params,
    allow_link_local: bool,
) -> ApiResult<()> {
    if let Some(n) = f.str("FriendlyName") {
        check_friendly_name(n)?;
        s.friendly_name = n.to_owned();
    }
    if let Some(r) = f.str("DefaultServiceRoleSid") {
        s.default_service_role_sid = Some(role_of_type(
            conn,
            &s.sid,
            r,
            RoleType::Deployment,
            ErrorCode::DeploymentRoleNotFound,
        )?);
    }
    if let Some(r) = f.str("DefaultChannelRoleSid") {
        s.default_channel_role_sid = Some(role_of_type(
            conn,
            &s.sid,
            r,
            RoleType::Channel,
            ErrorCode::ChannelRoleNotFound,
        )?);
    }
    if let Some(r) = f.str("DefaultChannelCreatorRoleSid") {
        s.default_channel_creator_role_sid = Some(role_of_type(
            conn,
            &s.sid,
            r,
            RoleType::Channel,
            ErrorCode::ChannelCreatorRoleNotFound,
        )?);
    }
    if let Some(v) = f.bool("ReadStatusEnabled")? {
        s.read_status_enabled = v;
    }
    if let Some(v) = f.bool("ReachabilityEnabled")? {
        s.reachability_enabled = v;
    }
    if let Some(v) = f.int(
        "TypingIndicatorTimeout",
        ErrorCode::InvalidTypingIndicatorFormat,
    )? {
        if !(1..=3600).contains(&v) {
            return Err(ApiError::new(
                ErrorCode::InvalidTypingIndicatorFormat,
                "TypingIndicatorTimeout must be between 1 and 3600 seconds",
            ));
        }
        s.typing_indicator_timeout = v;
    }
    if let Some(v) = f.int("ConsumptionReportInterval", ErrorCode::InvalidParameter)? {
        s.consumption_report_interval = v.clamp(0, 3600);
    }
    check_notification_keys(f)?;
    let n = &mut s.notifications;
    apply_notification(
        f,
        "Notifications.NewMessage",
        &mut n.new_message.enabled,
        &mut n.new_message.template,
        &mut n.new_message.sound,
    )?;
    if let Some(v) = f.bool("Notifications.NewMessage.BadgeCountEnabled")? {
        n.new_message.badge_count_enabled = v;
    }
    for (prefix, setting) in [
        ("Notifications.AddedToChannel", &mut n.added_to_channel),
        (
            "Notifications.RemovedFromChannel",
            &mut n.removed_from_channel,
        ),
        ("Notifications.InvitedToChannel", &mut n.invited_to_channel),
    ] {
        apply_notification(
            f,
            prefix,
            &mut setting.enabled,
            &mut setting.template,
            &mut setting.sound,
        )?;
    }
    if let Some(v) = f.bool("Notifications.LogEnabled")? {
        n.log_enabled = v;
    }
    if let Some(u) = webhook_url(f, "PreWebhookUrl", allow_link_local)? {
        s.pre_webhook_url = u;
    }
    if let Some(u) = webhook_url(f, "PostWebhookUrl", allow_link_local)? {
        s.post_webhook_url = u;
    }
    if let Some(m) = f.str("WebhookMethod") {
        let m = m.to_ascii_uppercase();
        if m != "GET" && m != "POST" {
            return Err(ApiError::new(
                ErrorCode::InvalidWebhookMethod,
                "WebhookMethod must be GET or POST",
            ));
        }
        s.webhook_method = Some(m);
    }
    if f.has("WebhookFilters") {
        let filters: Vec<String> = f
            .all("WebhookFilters")
            .into_iter()
            .filter(|x| !x.is_empty())
            .collect();
        if let Some(bad) = filters
            .iter()
            .find(|x| !crate::webhooks::EVENTS.contains(&x.as_str()))
        {
            return Err(ApiError::new(
                ErrorCode::InvalidWebhookFormat,
                format!(
                    "Invalid webhook filter {}: not an event (onMessageSend, onMessageSent, …)",
                    crate::logging::Field(bad)
                ),
            ));
        }
        s.webhook_filters = Some(filters);
    }
    if let Some(v) = f.bool("PreWebhookFailOpen")? {
        s.pre_webhook_fail_open = v;
    }
    for (name, slot) in [
        (
            "RateLimits.ChannelActionsPerSecond",
            &mut s.limit_channel_actions,
        ),
        (
            "RateLimits.ServiceActionsPerSecond",
            &mut s.limit_service_actions,
        ),
    ] {
        match f.nullable_int(name, ErrorCode::InvalidParameter)? {
            None => {}
            Some(None) => *slot = None,
            Some(Some(v)) if (0..=MAX_ACTIONS_PER_SECOND).contains(&v) => *slot = Some(v),
            Some(Some(_)) => {
                return Err(ApiError::invalid_param(format!(
                    "{name} must be between 0 (unlimited) and {MAX_ACTIONS_PER_SECOND}, or empty for the server's default"
                )))
            }
        }
    }
    for (name, slot) in [
        ("PreWebhookRetryCount", &mut s.pre_webhook_retry_count),
        ("PostWebhookRetryCount", &mut s.post_webhook_retry_count),
    ] {
        if let Some(v) = f.int(name, ErrorCode::InvalidWebhookRetryCount)? {
            if !(0..=3).contains(&v) {
                return Err(ApiError::new(
                    ErrorCode::InvalidWebhookRetryCount,
                    format!("{name} must be between 0 and 3"),
                ));
            }
            *slot = v;
        }
    }
    if let Some(v) = f.int(
        "Limits.ChannelMembers",
        ErrorCode::InvalidUserChannelsLimitFormat,
    )? {
        if !(1..=MAX_LIMIT).contains(&v) {
            return Err(ApiError::new(
                ErrorCode::InvalidUserChannelsLimitFormat,
                "Limits.ChannelMembers must be between 1 and 1000",
            ));
        }
        s.limit_channel_members = v;
    }
    if let Some(v) = f.int(
        "Limits.UserChannels",
        ErrorCode::InvalidChannelMembersLimitFormat,
    )? {
        if !(1..=MAX_LIMIT).contains(&v) {
            return Err(ApiError::new(
                ErrorCode::InvalidChannelMembersLimitFormat,
                "Limits.UserChannels must be between 1 and 1000",
            ));
        }
        s.limit_user_channels = v;
    }
    if let Some(m) = f.str("Media.CompatibilityMessage") {
        s.media_compatibility_message = (!m.is_empty()).then(|| m.to_owned());
    }
    Ok(())
}

/// `POST /v2/Services/{Sid}`
pub async fn update(
    State(app): State<App>,
    p: Principal,
    Path(sid): Path<String>,
    Form(f): Form,
) -> ApiResult<axum::response::Response> {
    p.require_admin("update services")?;
    let a = app.clone();
    app.db
        .write(move |c| {
            let mut s = load(c, &sid)?;
            let before = s.render(&a);
            apply_update(c, &mut s, &f, a.allow_link_local_webhooks)?;
            store::services::update(c, &s, c.now())?;
            Ok(crate::admin::audit::changed(
                &before,
                &load(c, &sid)?.render(&a),
            ))
        })
        .await
}

/// `DELETE /v2/Services/{Sid}`
pub async fn delete(
    State(app): State<App>,
    p: Principal,
    Path(sid): Path<String>,
) -> ApiResult<StatusCode> {
    p.require_admin("delete services")?;
    app.db
        .write(move |c| {
            load(c, &sid)?;
            store::services::delete(c, &sid)?;
            Ok(StatusCode::NO_CONTENT)
        })
        .await
}
