//! Post-event webhooks: after a change is committed, the service's
//! `PostWebhookUrl` and matching channel webhooks are called with Twilio's
//! form parameters and an `X-Twilio-Signature` (HMAC-SHA1 with the account's
//! auth token over the URL and the sorted parameters), retried on timeout
//! (5 s), 429, 503 and 504 as many times as configured.
//!
//! Changes made by users (access tokens) always fire; changes made over REST
//! with account or API-key credentials fire only with
//! `X-Twilio-Webhook-Enabled: true`, as in Twilio.

use std::time::Duration;

use axum::http::HeaderMap;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use parley_protocol::resources::{Channel, Member, Message, User};
use sha1::Sha1;

use crate::app::App;
use crate::auth::Principal;
use crate::error::ApiError;

/// How long a webhook may take before it counts as timed out.
pub const TIMEOUT: Duration = Duration::from_secs(5);

/// Who made a change, for `Source` and `ClientIdentity`.
#[derive(Debug, Clone)]
pub struct Origin {
    source: &'static str,
    identity: Option<String>,
}

/// The origin of a change, or None when it must not fire webhooks (a REST
/// change without `X-Twilio-Webhook-Enabled: true`).
pub fn origin(p: &Principal, headers: &HeaderMap) -> Option<Origin> {
    match p {
        Principal::User(u) => Some(Origin {
            source: "SDK",
            identity: Some(u.identity.clone()),
        }),
        Principal::Admin { .. } => headers
            .get("x-twilio-webhook-enabled")
            .and_then(|v| v.to_str().ok())
            .filter(|v| v.eq_ignore_ascii_case("true"))
            .map(|_| Origin {
                source: "API",
                identity: None,
            }),
    }
}

/// `X-Twilio-Signature` of a call to `url` with form `params`.
pub fn signature(auth_token: &str, url: &str, params: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = params.iter().collect();
    sorted.sort();
    let mut data = url.to_owned();
    for (k, v) in sorted {
        data.push_str(k);
        data.push_str(v);
    }
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(auth_token.as_bytes()) else {
        return String::new();
    };
    mac.update(data.as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
}

fn base(event: &str, app: &App, service: &str, o: &Origin) -> Vec<(String, String)> {
    let mut p = vec![
        ("EventType".into(), event.to_owned()),
        ("AccountSid".into(), app.account_sid.clone()),
        ("InstanceSid".into(), service.to_owned()),
        ("Source".into(), o.source.to_owned()),
        ("RetryCount".into(), "0".into()),
    ];
    if let Some(i) = &o.identity {
        p.push(("ClientIdentity".into(), i.clone()));
    }
    p
}

/// Parameters of a message event.
pub fn message_params(event: &str, app: &App, o: &Origin, m: &Message) -> Vec<(String, String)> {
    let mut p = base(event, app, &m.service_sid, o);
    p.extend([
        ("ChannelSid".into(), m.channel_sid.clone()),
        ("MessageSid".into(), m.sid.clone()),
        ("Index".into(), m.index.to_string()),
        ("From".into(), m.from.clone()),
        ("Body".into(), m.body.clone()),
        ("Attributes".into(), m.attributes.clone()),
        ("DateCreated".into(), m.date_created.to_string()),
    ]);
    if let Some(media) = &m.media {
        p.extend([
            ("MediaSid".into(), media.sid.clone()),
            ("MediaContentType".into(), media.content_type.clone()),
            (
                "MediaFilename".into(),
                media.filename.clone().unwrap_or_default(),
            ),
            ("MediaSize".into(), media.size.to_string()),
        ]);
    }
    p
}

/// Parameters of a channel event.
pub fn channel_params(event: &str, app: &App, o: &Origin, c: &Channel) -> Vec<(String, String)> {
    let mut p = base(event, app, &c.service_sid, o);
    p.extend([
        ("ChannelSid".into(), c.sid.clone()),
        ("ChannelType".into(), c.kind.clone()),
        (
            "FriendlyName".into(),
            c.friendly_name.clone().unwrap_or_default(),
        ),
        (
            "UniqueName".into(),
            c.unique_name.clone().unwrap_or_default(),
        ),
        ("Attributes".into(), c.attributes.clone()),
        ("CreatedBy".into(), c.created_by.clone()),
        ("DateCreated".into(), c.date_created.to_string()),
    ]);
    p
}

/// Parameters of a member event.
pub fn member_params(event: &str, app: &App, o: &Origin, m: &Member) -> Vec<(String, String)> {
    let mut p = base(event, app, &m.service_sid, o);
    p.extend([
        ("ChannelSid".into(), m.channel_sid.clone()),
        ("MemberSid".into(), m.sid.clone()),
        ("Identity".into(), m.identity.clone()),
        ("RoleSid".into(), m.role_sid.clone().unwrap_or_default()),
        ("Attributes".into(), m.attributes.clone()),
        ("DateCreated".into(), m.date_created.to_string()),
    ]);
    if event == "onMemberRemoved" {
        p.push((
            "Reason".into(),
            if o.identity.as_deref() == Some(m.identity.as_str()) {
                "LEFT"
            } else {
                "REMOVED"
            }
            .into(),
        ));
    }
    p
}

/// Parameters of a user event.
pub fn user_params(event: &str, app: &App, o: &Origin, u: &User) -> Vec<(String, String)> {
    let mut p = base(event, app, &u.service_sid, o);
    p.extend([
        ("UserSid".into(), u.sid.clone()),
        ("Identity".into(), u.identity.clone()),
        (
            "FriendlyName".into(),
            u.friendly_name.clone().unwrap_or_default(),
        ),
        ("Attributes".into(), u.attributes.clone()),
        ("RoleSid".into(), u.role_sid.clone().unwrap_or_default()),
        ("DateCreated".into(), u.date_created.to_string()),
    ]);
    p
}

struct Target {
    url: String,
    method: String,
    retries: u32,
    channel_hook: Option<(String, String)>,
}

/// A webhook call to make once the change is committed:
/// (event, service SID, channel SID, parameters).
pub type Hook = Option<(&'static str, String, Option<String>, Vec<(String, String)>)>;

/// Fires a hook returned by a write.
pub fn fire_hook(app: &App, hook: Hook) {
    if let Some((event, service, channel, params)) = hook {
        fire(app, &service, channel.as_deref(), event, params);
    }
}

/// For `Result::map` after a write that returned `(reply, hook)`: fires the
/// hook (the change is committed by then) and passes the reply on.
pub fn fired<R>(app: &App) -> impl FnOnce((R, Hook)) -> R + '_ {
    move |(reply, hook)| {
        fire_hook(app, hook);
        reply
    }
}

/// Calls every webhook interested in `event` (after the change committed).
pub fn fire(
    app: &App,
    service: &str,
    channel: Option<&str>,
    event: &'static str,
    params: Vec<(String, String)>,
) {
    let (app, service, channel) = (app.clone(), service.to_owned(), channel.map(str::to_owned));
    tokio::spawn(async move {
        let body = params
            .iter()
            .find(|(k, _)| k == "Body")
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        let targets = app
            .db
            .read(move |c| {
                let mut out = Vec::new();
                let s = crate::api::services::load(c, &service)?;
                let wanted = s
                    .webhook_filters
                    .as_ref()
                    .is_none_or(|f| f.is_empty() || f.iter().any(|x| x == event));
                if let (Some(url), true) = (s.post_webhook_url.clone(), wanted) {
                    out.push(Target {
                        url,
                        method: s.webhook_method.clone().unwrap_or_else(|| "POST".into()),
                        retries: s.post_webhook_retry_count.max(0) as u32,
                        channel_hook: None,
                    });
                }
                if let Some(ch) = &channel {
                    for hook in crate::store::webhooks::for_channel(c, ch)? {
                        let (sid, kind, cfg) = (hook.sid, hook.kind, hook.configuration);
                        let fires = match kind.as_str() {
                            "webhook" => cfg
                                .filters
                                .as_ref()
                                .is_some_and(|f| f.iter().any(|x| x == event)),
                            "trigger" => {
                                event == "onMessageSent"
                                    && cfg.triggers.as_ref().is_some_and(|t| {
                                        body.split_whitespace()
                                            .any(|w| t.iter().any(|tr| tr.eq_ignore_ascii_case(w)))
                                    })
                            }
                            _ => false,
                        };
                        if let (true, Some(url)) = (fires, cfg.url.clone()) {
                            out.push(Target {
                                url,
                                method: cfg.method.clone().unwrap_or_else(|| "POST".into()),
                                retries: cfg.retry_count,
                                channel_hook: Some((sid, kind)),
                            });
                        }
                    }
                }
                Ok::<_, ApiError>(out)
            })
            .await
            .unwrap_or_else(|e| {
                tracing::warn!(error = %e.message, event, "could not read the webhooks to call");
                Vec::new()
            });
        for t in targets {
            let mut p = params.clone();
            if let Some((sid, kind)) = &t.channel_hook {
                p.push(("WebhookSid".into(), sid.clone()));
                p.push(("WebhookType".into(), kind.clone()));
            }
            tokio::spawn(deliver(
                app.auth_token.clone(),
                app.allow_link_local_webhooks,
                t,
                p,
            ));
        }
    });
}

async fn deliver(
    auth_token: String,
    allow_link_local: bool,
    t: Target,
    mut params: Vec<(String, String)>,
) {
    if let Err(why) = crate::webhook_targets::check_url(&t.url, allow_link_local) {
        tracing::warn!(url = %crate::logging::Field(&t.url), %why, "webhook not sent");
        return;
    }
    let http = match crate::webhook_targets::client(TIMEOUT, allow_link_local) {
        Ok(h) => h,
        Err(_) => return,
    };
    for attempt in 0..=t.retries {
        if let Some(rc) = params.iter_mut().find(|(k, _)| k == "RetryCount") {
            rc.1 = attempt.to_string();
        }
        let (url, form) = if t.method == "GET" {
            let q: String = form_urlencoded::Serializer::new(String::new())
                .extend_pairs(&params)
                .finish();
            let sep = if t.url.contains('?') { '&' } else { '?' };
            (format!("{}{sep}{q}", t.url), None)
        } else {
            (t.url.clone(), Some(params.clone()))
        };
        let sig = signature(&auth_token, &url, form.as_deref().unwrap_or(&[]));
        let mut req = if t.method == "GET" {
            http.get(&url)
        } else {
            http.post(&url)
        };
        req = req
            .header("X-Twilio-Signature", sig)
            .header("User-Agent", "Parley-Webhooks/1");
        if let Some(f) = &form {
            req = req.form(f);
        }
        match req.send().await {
            Ok(r) if !matches!(r.status().as_u16(), 429 | 503 | 504) => return,
            Ok(r) => {
                tracing::info!(url = %crate::logging::Field(&t.url), status = %r.status(), attempt, "webhook answered with a retryable status")
            }
            Err(e) => {
                tracing::info!(url = %crate::logging::Field(&t.url), error = %e, attempt, "webhook call failed")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_matches_twilios_published_example() {
        let params: Vec<(String, String)> = [
            ("CallSid", "CA1234567890ABCDE"),
            ("Caller", "+12349013030"),
            ("Digits", "1234"),
            ("From", "+12349013030"),
            ("To", "+18005551212"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        assert_eq!(
            signature(
                "12345",
                "https://mycompany.com/myapp.php?foo=1&bar=2",
                &params
            ),
            "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
        );
    }
}
