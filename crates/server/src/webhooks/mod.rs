//! Webhooks: what a service tells its own servers about changes, in
//! Twilio's shapes — form parameters per event (this module), the
//! `X-Twilio-Signature` (HMAC-SHA1 with the account's auth token over the
//! URL and the sorted parameters), one HTTP call (`call`), post-event calls
//! queued with the change and delivered by the job workers (`post`), and
//! pre-event calls that may reject or rewrite a change before it commits
//! (`pre`).
//!
//! Changes made by users (access tokens) always fire post-events and are the
//! only ones that fire pre-events; changes made over REST with account or
//! API-key credentials fire post-events only with
//! `X-Twilio-Webhook-Enabled: true`, as in Twilio.

pub mod call;
pub mod post;
pub mod pre;

use axum::http::HeaderMap;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use parley_protocol::resources::{Channel, Member, Message, MessageMedia, User};
use sha1::Sha1;

use crate::app::App;
use crate::auth::Principal;

pub use call::TIMEOUT;
pub use post::{fired, queue, Hook};

/// Every event a service's `WebhookFilters` may name: the pre-events (a
/// change about to happen) and the post-events (a change made).
pub const EVENTS: &[&str] = &[
    "onMessageSend",
    "onMessageUpdate",
    "onMessageRemove",
    "onMediaMessageSend",
    "onChannelAdd",
    "onChannelUpdate",
    "onChannelDestroy",
    "onMemberAdd",
    "onMemberUpdate",
    "onMemberRemove",
    "onUserUpdate",
    "onMessageSent",
    "onMessageUpdated",
    "onMessageRemoved",
    "onMediaMessageSent",
    "onChannelAdded",
    "onChannelUpdated",
    "onChannelDestroyed",
    "onMemberAdded",
    "onMemberUpdated",
    "onMemberRemoved",
    "onUserAdded",
    "onUserUpdated",
];

/// Whether a channel webhook may filter on `event`: every event about what
/// happens inside a channel (not a channel's creation, not users).
pub fn channel_event(event: &str) -> bool {
    EVENTS.contains(&event)
        && !matches!(
            event,
            "onChannelAdd" | "onChannelAdded" | "onUserAdded" | "onUserUpdate" | "onUserUpdated"
        )
}

/// Whether a service whose `WebhookFilters` are `filters` wants `event`
/// (no filters: every event).
pub fn wanted(filters: Option<&[String]>, event: &str) -> bool {
    filters.is_none_or(|f| f.is_empty() || f.iter().any(|x| x == event))
}

/// Who made a change, for `Source` and `ClientIdentity`.
#[derive(Debug, Clone)]
pub struct Origin {
    source: &'static str,
    identity: Option<String>,
}

impl Origin {
    /// A change a user made from the SDK (an access token).
    pub fn user(identity: &str) -> Origin {
        Origin {
            source: "SDK",
            identity: Some(identity.to_owned()),
        }
    }
}

/// The origin of a change, or None when it must not fire webhooks (a REST
/// change without `X-Twilio-Webhook-Enabled: true`).
pub fn origin(p: &Principal, headers: &HeaderMap) -> Option<Origin> {
    match p {
        Principal::User(u) => Some(Origin::user(&u.identity)),
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

/// The parameters every event carries.
pub fn base(event: &str, app: &App, service: &str, o: &Origin) -> Vec<(String, String)> {
    let mut p = vec![
        ("EventType".into(), event.to_owned()),
        ("AccountSid".into(), app.account_sid.to_string()),
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
        ("ChannelSid".into(), m.channel_sid.to_string()),
        ("MessageSid".into(), m.sid.to_string()),
        ("Index".into(), m.index.to_string()),
        ("From".into(), m.from.clone()),
        ("Body".into(), m.body.clone()),
        ("Attributes".into(), m.attributes.clone()),
        ("DateCreated".into(), m.date_created.to_string()),
    ]);
    if let Some(media) = &m.media {
        p.extend(media_params(media));
    }
    p
}

/// Parameters of a message's media.
pub fn media_params(media: &MessageMedia) -> Vec<(String, String)> {
    vec![
        ("MediaSid".into(), media.sid.to_string()),
        ("MediaContentType".into(), media.content_type.clone()),
        (
            "MediaFilename".into(),
            media.filename.clone().unwrap_or_default(),
        ),
        ("MediaSize".into(), media.size.to_string()),
    ]
}

/// Parameters of a channel event.
pub fn channel_params(event: &str, app: &App, o: &Origin, c: &Channel) -> Vec<(String, String)> {
    let mut p = base(event, app, &c.service_sid, o);
    p.extend(channel_fields(c));
    p
}

/// The channel's own parameters (without [`base`]'s).
pub fn channel_fields(c: &Channel) -> Vec<(String, String)> {
    vec![
        ("ChannelSid".into(), c.sid.to_string()),
        ("ChannelType".into(), c.kind.to_string()),
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
    ]
}

/// Parameters of a member event.
pub fn member_params(event: &str, app: &App, o: &Origin, m: &Member) -> Vec<(String, String)> {
    let mut p = base(event, app, &m.service_sid, o);
    p.extend([
        ("ChannelSid".into(), m.channel_sid.to_string()),
        ("MemberSid".into(), m.sid.to_string()),
        ("Identity".into(), m.identity.clone()),
        (
            "RoleSid".into(),
            m.role_sid.as_deref().unwrap_or_default().to_owned(),
        ),
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
    p.extend(user_fields(u));
    p
}

/// The user's own parameters (without [`base`]'s).
pub fn user_fields(u: &User) -> Vec<(String, String)> {
    vec![
        ("UserSid".into(), u.sid.to_string()),
        ("Identity".into(), u.identity.clone()),
        (
            "FriendlyName".into(),
            u.friendly_name.clone().unwrap_or_default(),
        ),
        ("Attributes".into(), u.attributes.clone()),
        (
            "RoleSid".into(),
            u.role_sid.as_deref().unwrap_or_default().to_owned(),
        ),
        ("DateCreated".into(), u.date_created.to_string()),
    ]
}

/// `fields` with each of `changes` that is `Some` put in place of its
/// current value (a pre-event carries the values the change would set).
pub fn with_changes(
    mut fields: Vec<(String, String)>,
    changes: &[(&str, Option<&str>)],
) -> Vec<(String, String)> {
    for (name, value) in changes {
        if let Some(v) = value {
            match fields.iter_mut().find(|(k, _)| k == name) {
                Some(slot) => slot.1 = (*v).to_owned(),
                None => fields.push(((*name).to_owned(), (*v).to_owned())),
            }
        }
    }
    fields
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
