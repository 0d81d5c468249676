//! Push delivery to devices, as Programmable Chat did it: when a change a
//! user should hear about commits — a new message in a channel they belong
//! to and did not write; being added to, invited to or removed from a
//! channel by someone else — and the service has that push type enabled,
//! every binding of theirs that subscribes to the type and has a device
//! token gets one push, rendered from the service's template (`template`)
//! with the keys Twilio's SDKs read. Muted channels send nothing.
//!
//! The pushes are jobs on the durable queue (`jobs`), written in the same
//! transaction as the change ([`queue`]), so they survive a restart and
//! exist only for changes that committed. The workers deliver them
//! ([`deliver`]) through FCM HTTP v1 (`fcm`) or APNs over HTTP/2 (`apns`)
//! with credentials parsed by `keys`, retrying what may pass later with
//! backoff, deleting a binding whose token the provider says is dead, and
//! marking a credential the provider refused (it is not retried). With
//! `Notifications.LogEnabled` every attempt goes to the delivery log.

pub mod apns;
pub mod fcm;
pub mod keys;
pub mod template;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::app::App;
use crate::error::{ApiError, ApiResult};
use crate::jobs::{self, Job, Logged, Next, Outcome};
use crate::store::{self, channels::ChannelRow, jobs::JobRow, services::ServiceRow, Tx};
use crate::webhooks::post::Queued;
use parley_protocol::NotificationLevel;

/// Google's FCM endpoint.
pub const FCM_URL: &str = "https://fcm.googleapis.com";
/// Apple's APNs endpoints.
pub const APNS_URL: &str = "https://api.push.apple.com";
pub const APNS_SANDBOX_URL: &str = "https://api.sandbox.push.apple.com";

/// How long one provider call may take.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// Attempts of one push before it is given up.
pub const MAX_ATTEMPTS: i64 = 5;

/// Where pushes go (tests and air-gapped sites point these elsewhere).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Urls {
    pub fcm: String,
    pub apns: String,
    pub apns_sandbox: String,
    /// PEM certificates trusted for these hosts besides the public roots
    /// (`--push-ca-file`: a relay or an egress proxy with a private CA).
    pub extra_roots: Option<String>,
}

impl Default for Urls {
    fn default() -> Self {
        Urls {
            fcm: FCM_URL.into(),
            apns: APNS_URL.into(),
            apns_sandbox: APNS_SANDBOX_URL.into(),
            extra_roots: None,
        }
    }
}

impl Urls {
    /// `builder` trusting the extra roots too.
    pub fn trusting(&self, mut builder: reqwest::ClientBuilder) -> reqwest::ClientBuilder {
        if let Some(pem) = &self.extra_roots {
            match reqwest::Certificate::from_pem_bundle(pem.as_bytes()) {
                Ok(certs) => {
                    for c in certs {
                        builder = builder.add_root_certificate(c);
                    }
                }
                Err(e) => {
                    tracing::error!(error = %e, "the push CA file holds no usable certificate")
                }
            }
        }
        builder
    }
}

/// Whether `address` can be a device token of a `kind` binding: APNs
/// tokens are hexadecimal, FCM registration tokens URL-safe text. (Tokens
/// go into request paths and bodies; nothing else may.)
pub fn valid_address(kind: &str, address: &str) -> bool {
    match kind {
        "apn" => {
            (1..=400).contains(&address.len()) && address.chars().all(|c| c.is_ascii_hexdigit())
        }
        _ => {
            (1..=4096).contains(&address.len())
                && address
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.'))
        }
    }
}

/// The four push types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PushType {
    NewMessage,
    AddedToChannel,
    InvitedToChannel,
    RemovedFromChannel,
}

impl PushType {
    /// The name in a binding's `message_types`.
    pub fn binding_name(self) -> &'static str {
        match self {
            PushType::NewMessage => "new_message",
            PushType::AddedToChannel => "added_to_channel",
            PushType::InvitedToChannel => "invited_to_channel",
            PushType::RemovedFromChannel => "removed_from_channel",
        }
    }

    /// `twi_message_type`, as Twilio's SDKs read it.
    pub fn twilio_name(self) -> &'static str {
        match self {
            PushType::NewMessage => "twilio.channel.new_message",
            PushType::AddedToChannel => "twilio.channel.added_to_channel",
            PushType::InvitedToChannel => "twilio.channel.invited_to_channel",
            PushType::RemovedFromChannel => "twilio.channel.removed_from_channel",
        }
    }

    /// Twilio's default template of the type.
    pub fn default_template(self) -> &'static str {
        match self {
            PushType::NewMessage => "${CHANNEL};${USER}: ${MESSAGE}",
            PushType::AddedToChannel => "You have been added to channel ${CHANNEL} by ${USER}",
            PushType::InvitedToChannel => "${USER} has invited you to join the channel ${CHANNEL}",
            PushType::RemovedFromChannel => "${USER} has removed you from the channel ${CHANNEL}",
        }
    }

    /// The service's own template of the type, if it set one.
    pub fn template_of(self, s: &ServiceRow) -> Option<&str> {
        self.setting(s).1
    }

    /// (enabled, template, sound) in the service's settings.
    fn setting(self, s: &ServiceRow) -> (bool, Option<&str>, Option<&str>) {
        let n = &s.notifications;
        let (enabled, template, sound) = match self {
            PushType::NewMessage => (
                n.new_message.enabled,
                &n.new_message.template,
                &n.new_message.sound,
            ),
            PushType::AddedToChannel => (
                n.added_to_channel.enabled,
                &n.added_to_channel.template,
                &n.added_to_channel.sound,
            ),
            PushType::InvitedToChannel => (
                n.invited_to_channel.enabled,
                &n.invited_to_channel.template,
                &n.invited_to_channel.sound,
            ),
            PushType::RemovedFromChannel => (
                n.removed_from_channel.enabled,
                &n.removed_from_channel.template,
                &n.removed_from_channel.sound,
            ),
        };
        (
            enabled,
            template.as_deref().filter(|t| !t.is_empty()),
            sound.as_deref().filter(|t| !t.is_empty()),
        )
    }
}

/// One push to one binding, as queued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushJob {
    pub push_type: PushType,
    pub binding_sid: String,
    pub binding_type: String,
    pub credential_sid: Option<String>,
    pub address: String,
    /// The recipient.
    pub identity: String,
    pub title: String,
    pub body: String,
    pub sound: Option<String>,
    /// Put the recipient's unread count in `aps.badge`.
    pub badge: bool,
    pub channel_sid: String,
    pub message_sid: Option<String>,
    pub message_index: Option<i64>,
    pub author: Option<String>,
    /// `Notifications.LogEnabled` when it was queued.
    pub log: bool,
}

/// A change that may push.
#[derive(Debug)]
pub struct Change<'a> {
    pub kind: PushType,
    pub channel: &'a ChannelRow,
    /// Who made the change (`system` for admin credentials).
    pub actor: &'a str,
    /// Added, invited or removed: who. A new message: everyone else.
    pub target: Option<&'a str>,
    /// A new message: (SID, index, body).
    pub message: Option<(&'a str, i64, &'a str)>,
}

/// The (title, body) a push of `kind` shows: the channel's name, and
/// `template` (else the type's default) rendered — what devices get and
/// what the console previews.
pub fn render(
    kind: PushType,
    template: Option<&str>,
    vars: &template::Vars<'_>,
) -> (String, String) {
    let body = template::render(template.unwrap_or(kind.default_template()), vars);
    let title = template::cut(vars.channel_name(), template::MAX_TEXT);
    (title, body)
}

/// Queues the pushes `change` causes, inside its write.
pub fn queue(tx: &Tx<'_>, s: &ServiceRow, change: Change<'_>) -> ApiResult<Queued> {
    let (enabled, template, sound) = change.kind.setting(s);
    if !enabled {
        return Ok(Queued::default());
    }
    let ch = change.channel;
    let bindings = match change.target {
        // Joining by oneself is not news to oneself.
        Some(t) if t == change.actor => return Ok(Queued::default()),
        Some(t) => {
            let muted = store::members::user_channel(tx, &ch.sid, t)?
                .and_then(|m| m.notification_level)
                .is_some_and(|l| l == NotificationLevel::Muted);
            if muted {
                return Ok(Queued::default());
            }
            store::bindings::for_identity(tx, &s.sid, t)?
        }
        None => store::bindings::for_channel_members(tx, &ch.sid, change.actor)?,
    };
    let wanted: Vec<_> = bindings
        .into_iter()
        .filter(|b| {
            b.message_types
                .iter()
                .any(|m| m == change.kind.binding_name())
        })
        .collect();
    if wanted.is_empty() {
        return Ok(Queued::default());
    }
    let actor = store::users::by_identity(tx, &s.sid, change.actor)?;
    let vars = template::Vars {
        user_identity: change.actor,
        user_friendly_name: actor.as_ref().and_then(|u| u.friendly_name.as_deref()),
        channel_sid: &ch.sid,
        channel_friendly_name: ch.friendly_name.as_deref(),
        channel_unique_name: ch.unique_name.as_deref(),
        message: change.message.map_or("", |(_, _, body)| body),
    };
    let (title, body) = render(change.kind, template, &vars);
    let badge =
        change.kind == PushType::NewMessage && s.notifications.new_message.badge_count_enabled;
    let now = tx.now().saturating_mul(1000);
    for b in &wanted {
        let Some(address) = b.address.clone() else {
            continue;
        };
        let job = PushJob {
            push_type: change.kind,
            binding_sid: b.sid.to_string(),
            binding_type: b.binding_type.to_string(),
            credential_sid: b.credential_sid.clone().map(Into::into),
            address,
            identity: b.identity.clone(),
            title: title.clone(),
            body: body.clone(),
            sound: sound.map(str::to_owned),
            badge,
            channel_sid: ch.sid.to_string(),
            message_sid: change.message.map(|(sid, _, _)| sid.to_owned()),
            message_index: change.message.map(|(_, i, _)| i),
            author: change.message.map(|_| change.actor.to_owned()),
            log: s.notifications.log_enabled,
        };
        jobs::push(tx, &s.sid, &Job::Push(job), now)?;
    }
    Ok(Queued::from(true))
}

/// What a provider said about one push.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Delivered,
    /// The device token is gone: the binding is deleted.
    DeadToken(String),
    /// The provider refused the credential: marked, not retried.
    CredentialRejected(String),
    /// May pass later (with the provider's `Retry-After`, if any).
    Retry(String, Option<Duration>),
    /// Will not pass (a malformed request): given up.
    Failed(String),
}

/// A provider of one credential, built once and cached.
#[derive(Debug)]
pub enum Provider {
    Fcm(fcm::Fcm),
    Apns(apns::Apns),
}

/// The providers of this node, by credential, rebuilt when a credential
/// changes (a digest of what it holds).
#[derive(Default)]
pub struct Providers {
    cache: Mutex<HashMap<String, (u64, Arc<Provider>)>>,
}

/// What a credential holds, as one number (in memory only).
fn digest(s: &store::credentials::Secrets) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (
        &s.kind,
        s.sandbox,
        &s.certificate,
        &s.private_key,
        &s.secret,
        &s.apn_key_id,
        &s.apn_team_id,
        &s.apn_topic,
    )
        .hash(&mut h);
    h.finish()
}

impl std::fmt::Debug for Providers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Providers").finish_non_exhaustive()
    }
}

/// This node's push state: where to send, HTTP clients, providers.
#[derive(Debug)]
pub struct Push {
    pub urls: Urls,
    /// FCM and OAuth calls.
    pub http: reqwest::Client,
    /// APNs (HTTP/2 only) with token auth.
    pub h2: reqwest::Client,
    pub providers: Providers,
    allow_link_local: bool,
}

impl Push {
    /// Clients with the webhook address guard (a service account's
    /// `token_uri` is the operator's input too); an error when they cannot
    /// be built (a bad `--push-ca-file`), never an unguarded fallback.
    pub fn new(urls: Urls, allow_link_local: bool) -> reqwest::Result<Push> {
        let base = || urls.trusting(crate::webhook_targets::builder(TIMEOUT, allow_link_local));
        let http = base().build()?;
        let h2 = base().http2_prior_knowledge().build()?;
        Ok(Push {
            urls,
            http,
            h2,
            providers: Providers::default(),
            allow_link_local,
        })
    }

    /// A client builder with this node's guard and trusted roots.
    pub fn client_builder(&self) -> reqwest::ClientBuilder {
        self.urls.trusting(crate::webhook_targets::builder(
            TIMEOUT,
            self.allow_link_local,
        ))
    }

    fn provider(
        &self,
        sid: &str,
        secrets: &store::credentials::Secrets,
        allow_link_local: bool,
    ) -> Result<Arc<Provider>, String> {
        let version = digest(secrets);
        if let Ok(cache) = self.providers.cache.lock() {
            if let Some((v, p)) = cache.get(sid) {
                if *v == version {
                    return Ok(p.clone());
                }
            }
        }
        let p = Arc::new(match secrets.kind.as_str() {
            "fcm" => Provider::Fcm(fcm::Fcm::new(keys::service_account(
                secrets.secret.as_deref().unwrap_or(""),
                allow_link_local,
            )?)),
            "apn" => Provider::Apns(apns::Apns::new(keys::apn(secrets)?, self)?),
            other => {
                return Err(format!(
                    "{other} credentials use Google's retired legacy API; add an fcm credential"
                ))
            }
        });
        if let Ok(mut cache) = self.providers.cache.lock() {
            cache.insert(sid.to_owned(), (version, p.clone()));
        }
        Ok(p)
    }
}

/// What a delivery needs from the database, read at once.
struct Context {
    binding_exists: bool,
    credential: Option<(String, store::credentials::Secrets)>,
    badge: Option<i64>,
}

/// Makes one attempt of a queued push.
pub async fn deliver(app: &App, row: &JobRow, job: &PushJob) -> Outcome {
    let j = job.clone();
    let service = row.service_sid.clone();
    let ctx = app
        .db
        .read(move |c| {
            let binding_exists = store::bindings::exists(c, &j.binding_sid)?;
            let kind = match j.binding_type.as_str() {
                "apn" => "apn",
                _ => "fcm",
            };
            let sid = match &j.credential_sid {
                Some(s) => Some(s.clone()),
                None => store::credentials::only_of_kind(c, kind)?,
            };
            let credential = match sid {
                Some(sid) => store::credentials::secrets(c, &sid)?.map(|s| (sid, s)),
                None => None,
            };
            let badge = if j.badge {
                Some(store::members::unread_total(c, &service, &j.identity)?)
            } else {
                None
            };
            Ok::<_, ApiError>(Context {
                binding_exists,
                credential,
                badge,
            })
        })
        .await;
    let ctx = match ctx {
        Ok(c) => c,
        Err(e) => {
            // The store logged the cause.
            let why = format!("reading the push's recipient failed: {}", e.message);
            return outcome(job, Verdict::Retry(why, None), row.attempts);
        }
    };
    if !ctx.binding_exists {
        return outcome(
            job,
            Verdict::Failed("the binding was deleted".into()),
            row.attempts,
        );
    }
    let Some((credential_sid, secrets)) = ctx.credential else {
        return outcome(
            job,
            Verdict::Failed(format!(
                "no {} credential to push with (give the binding a CredentialSid, or keep exactly one)",
                if job.binding_type == "apn" { "apn" } else { "fcm" }
            )),
            row.attempts,
        );
    };
    let verdict = match app
        .push
        .provider(&credential_sid, &secrets, app.allow_link_local_webhooks)
    {
        Err(why) => Verdict::CredentialRejected(why),
        Ok(p) => match p.as_ref() {
            Provider::Fcm(f) => f.send(&app.push, job).await,
            Provider::Apns(a) => a.send(&app.push, job, ctx.badge).await,
        },
    };
    match &verdict {
        Verdict::DeadToken(why) => {
            let sid = job.binding_sid.clone();
            tracing::info!(binding = %sid, reason = %why, "push token is dead; deleting its binding");
            let _ = app
                .db
                .write(move |tx| store::bindings::delete(tx, &sid).map_err(ApiError::from))
                .await;
        }
        Verdict::CredentialRejected(why) => {
            tracing::warn!(credential = %credential_sid, reason = %why, "push provider refused a credential");
            let (sid, why) = (credential_sid.clone(), why.clone());
            let _ = app
                .db
                .write(move |tx| {
                    let t = tx.now();
                    store::credentials::mark_failed(tx, &sid, &why, t).map_err(ApiError::from)
                })
                .await;
        }
        _ => {}
    }
    outcome(job, verdict, row.attempts)
}

/// The queue's next step after `verdict`, and the log entry if wanted.
fn outcome(job: &PushJob, verdict: Verdict, attempts: i64) -> Outcome {
    let (next, label, detail) = match verdict {
        Verdict::Delivered => (Next::Done, "delivered", None),
        Verdict::Retry(why, after) if attempts < MAX_ATTEMPTS => {
            (Next::Retry { at_least: after }, "retrying", Some(why))
        }
        Verdict::Retry(why, _) => (
            Next::Done,
            "failed",
            Some(format!("{why}; gave up after {attempts} attempts")),
        ),
        Verdict::DeadToken(why) => (
            Next::Done,
            "dropped",
            Some(format!("{why}; binding deleted")),
        ),
        Verdict::CredentialRejected(why) => (Next::Done, "rejected", Some(why)),
        Verdict::Failed(why) => (Next::Done, "failed", Some(why)),
    };
    Outcome {
        next,
        log: job.log.then(|| Logged {
            kind: "push",
            event: job.push_type.twilio_name().to_owned(),
            target: job.binding_sid.clone(),
            outcome: label,
            status: None,
            detail,
        }),
    }
}

/// When a cached token made at `made` for `lifetime` should be renewed.
pub(crate) fn fresh(made: Instant, lifetime: Duration) -> bool {
    made.elapsed() < lifetime
}
