//! `Client`: the desktop app's whole brain for one account. Reads come from
//! the cache at once (offline too); writes go through the outbox; the sync
//! engine and the outbox worker run in the background once started.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use parley_protocol::resources::Notifications;
use parley_protocol::ChannelSid;

use crate::cache::NotifyPolicy;
use tokio::sync::{broadcast, mpsc, Notify};

use crate::api::Api;
use crate::cache::{Cache, ChannelSummary, MessageView, OutboxItem, OutboxKind, SearchHit};
use crate::error::{ClientError, Refusal, Result};
use crate::events::{ClientEvent, ConnectionState};
use crate::i18n::Words;
use crate::notify::{self, Notifier};
use crate::preferences::Preferences;
use crate::secrets::SecretStore;
use crate::session::{Account, Session};

/// Most server pages one [`Client::messages_before`] fetches.
pub const MAX_OLDER_PAGES: usize = 10;

/// Where an account's data lives.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Root of all accounts' data (the platform data directory by default).
    pub data_dir: PathBuf,
}

impl ClientConfig {
    /// The platform's data directory for Parley (e.g. `~/.local/share/parley`).
    pub fn platform_default() -> Result<ClientConfig> {
        let dirs = directories::ProjectDirs::from("org", "Parley", "parley")
            .ok_or_else(|| ClientError::Cache("no home directory to keep data in".into()))?;
        Ok(ClientConfig {
            data_dir: dirs.data_dir().to_owned(),
        })
    }

    fn account_dir(&self, a: &Account) -> PathBuf {
        self.data_dir.join("accounts").join(a.dir_name())
    }
}

/// Accounts that have a cache under `data_dir`, for "open the last account".
pub fn known_accounts(cfg: &ClientConfig) -> Vec<Account> {
    let Ok(dirs) = std::fs::read_dir(cfg.data_dir.join("accounts")) else {
        return Vec::new();
    };
    dirs.filter_map(|d| d.ok())
        .filter_map(|d| std::fs::read_to_string(d.path().join("account.json")).ok())
        .filter_map(|s| serde_json::from_str(&s).ok())
        .collect()
}

pub(crate) struct Inner {
    pub(crate) session: Session,
    pub(crate) api: Api,
    pub(crate) cache: Cache,
    pub(crate) dir: PathBuf,
    pub(crate) notifier: Arc<dyn Notifier>,
    pub(crate) events: broadcast::Sender<ClientEvent>,
    pub(crate) state: Mutex<ConnectionState>,
    pub(crate) wake_outbox: Notify,
    pub(crate) stop: tokio::sync::watch::Sender<bool>,
    pub(crate) socket_out: Mutex<Option<mpsc::UnboundedSender<String>>>,
    pub(crate) typing: Mutex<HashMap<ChannelSid, HashMap<String, Instant>>>,
    pub(crate) typing_timeout: AtomicU32,
    pub(crate) typing_sent: Mutex<HashMap<String, Instant>>,
    pub(crate) read_sent: Mutex<HashMap<String, Instant>>,
    pub(crate) notify_ctx: Mutex<notify::Context>,
    pub(crate) templates: Mutex<Option<Notifications>>,
    /// The language of notifications (the profile's, see `preferences`).
    pub(crate) words: Mutex<Arc<Words>>,
    pub(crate) started: AtomicBool,
    pub(crate) transfers: crate::media::Transfers,
}

impl std::fmt::Debug for Inner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("account", &self.session.account)
            .finish()
    }
}

impl Inner {
    /// The words notifications are written in.
    pub(crate) fn words(&self) -> Arc<Words> {
        self.words
            .lock()
            .map(|w| w.clone())
            .unwrap_or_else(|_| Arc::new(Words::new(crate::i18n::FALLBACK)))
    }

    pub(crate) fn emit(&self, e: ClientEvent) {
        let _ = self.events.send(e);
    }

    pub(crate) fn set_state(&self, s: ConnectionState) {
        let changed = match self.state.lock() {
            Ok(mut st) => std::mem::replace(&mut *st, s) != s,
            Err(_) => false,
        };
        if changed {
            let last_sync = self
                .cache
                .meta("last_sync")
                .ok()
                .flatten()
                .and_then(|v| v.parse().ok());
            self.emit(ClientEvent::Connection {
                state: s,
                last_sync,
            });
            if s == ConnectionState::Online {
                self.wake_outbox.notify_one();
            }
        }
    }

    pub(crate) fn me(&self) -> &str {
        &self.session.account.identity
    }

    pub(crate) fn service(&self) -> &str {
        &self.session.account.service_sid
    }

    pub(crate) fn stopped(&self) -> bool {
        *self.stop.borrow()
    }
}

/// The client of one account; cheap to clone.
#[derive(Debug, Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

/// Read-horizon updates go to the server at most this often per channel.
const READ_THROTTLE: Duration = Duration::from_secs(3);

impl Client {
    fn build(
        cfg: &ClientConfig,
        session: Session,
        api: Api,
        notifier: Arc<dyn Notifier>,
    ) -> Result<Client> {
        let dir = cfg.account_dir(&session.account);
        let cache = Cache::open(&dir.join("cache.db"))?.with_clock(session.clock().clone());
        cache.set_meta("identity", &session.account.identity)?;
        cache.set_meta("service_sid", &session.account.service_sid)?;
        std::fs::write(
            dir.join("account.json"),
            serde_json::to_string(&session.account).unwrap_or_default(),
        )
        .map_err(|e| ClientError::Cache(e.to_string()))?;
        let (events, _) = broadcast::channel(1024);
        let (stop, _) = tokio::sync::watch::channel(false);
        let dnd = cache.setting("dnd")?.as_deref() == Some("true");
        Ok(Client {
            inner: Arc::new(Inner {
                session,
                api,
                cache,
                dir,
                notifier,
                events,
                state: Mutex::new(ConnectionState::Offline),
                wake_outbox: Notify::new(),
                stop,
                socket_out: Mutex::new(None),
                typing: Mutex::new(HashMap::new()),
                typing_timeout: AtomicU32::new(5),
                typing_sent: Mutex::new(HashMap::new()),
                read_sent: Mutex::new(HashMap::new()),
                notify_ctx: Mutex::new(notify::Context {
                    do_not_disturb: dnd,
                    ..Default::default()
                }),
                templates: Mutex::new(None),
                words: Mutex::new(Arc::new(Words::new(crate::i18n::choose(
                    Preferences::load(cfg).language.as_deref(),
                    &crate::i18n::system_languages(),
                )))),
                started: AtomicBool::new(false),
                transfers: Default::default(),
            }),
        })
    }

    /// Signs in with server URL, username and password. With `remember`, the
    /// refresh token (never the password) goes to the secret store so that the
    /// next start needs no password.
    pub async fn login(
        cfg: &ClientConfig,
        server_url: &str,
        username: &str,
        password: &str,
        remember: bool,
        secrets: Arc<dyn SecretStore>,
        notifier: Arc<dyn Notifier>,
    ) -> Result<Client> {
        if username.trim().is_empty() || password.is_empty() {
            return Err(ClientError::Refused(Refusal::MissingCredentials));
        }
        let api = Api::new(server_url)?;
        let session =
            Session::login(api.clone(), username.trim(), password, remember, secrets).await?;
        Self::build(cfg, session, api, notifier)
    }

    /// Opens an account signed in earlier, from its cache alone: reads work at
    /// once; the network is touched only after [`Client::start`].
    pub fn open(
        cfg: &ClientConfig,
        account: Account,
        secrets: Arc<dyn SecretStore>,
        notifier: Arc<dyn Notifier>,
    ) -> Result<Client> {
        let api = Api::new(&account.server_url)?;
        let session = Session::resume(api.clone(), account, secrets);
        Self::build(cfg, session, api, notifier)
    }

    /// The clock the client reads (tests advance it instead of sleeping).
    pub fn clock(&self) -> &parley_protocol::Clock {
        self.inner.session.clock()
    }

    pub fn account(&self) -> &Account {
        &self.inner.session.account
    }

    /// Whether this account's session was kept for the next start (see
    /// [`Session::is_kept`]).
    pub fn session_is_kept(&self) -> bool {
        self.inner.session.is_kept()
    }

    /// Why the session the user asked to keep cannot be kept on this
    /// machine (the secret store's answer); None when it is kept.
    pub fn session_not_kept(&self) -> Option<String> {
        self.inner.session.not_kept()
    }

    /// Starts the sync engine and the outbox worker (once).
    pub fn start(&self) {
        if self.inner.started.swap(true, Ordering::SeqCst) {
            return;
        }
        tokio::spawn(crate::sync::run(self.inner.clone()));
        tokio::spawn(crate::delivery::run(self.inner.clone()));
    }

    /// Stops the background tasks (the cache stays readable).
    pub fn stop(&self) {
        let _ = self.inner.stop.send(true);
        self.inner.wake_outbox.notify_one();
    }

    pub fn subscribe(&self) -> broadcast::Receiver<ClientEvent> {
        self.inner.events.subscribe()
    }

    pub fn connection_state(&self) -> ConnectionState {
        self.inner
            .state
            .lock()
            .map(|s| *s)
            .unwrap_or(ConnectionState::Offline)
    }

    // ---- reads (cache only) ----

    pub fn channels(&self) -> Result<Vec<ChannelSummary>> {
        self.inner.cache.channel_list()
    }

    pub fn public_channels(&self) -> Result<Vec<ChannelSummary>> {
        self.inner.cache.public_channels()
    }

    pub fn messages(
        &self,
        channel: &str,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<MessageView>> {
        self.inner.cache.messages(channel, before, limit)
    }

    /// Up to `limit` messages of the channel's timeline before index
    /// `before` (None: before its newest, without the outbox), oldest first,
    /// fetching older pages from the server while the cache has too few.
    /// A page of the server can bring none at all (replies in threads and
    /// reactions are not in the timeline), so it keeps going, up to
    /// [`MAX_OLDER_PAGES`]. Offline, what the cache has.
    pub async fn messages_before(
        &self,
        channel: &str,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<MessageView>> {
        let channel = &channel_sid(channel)?;
        let before = Some(before.unwrap_or(i64::MAX));
        for _ in 0..MAX_OLDER_PAGES {
            let page = self.inner.cache.messages(channel, before, limit)?;
            if page.len() >= limit as usize || !self.inner.cache.has_older(channel)? {
                return Ok(page);
            }
            match crate::sync::load_older(&self.inner, channel).await {
                Ok(0) => return Ok(page),
                Ok(_) => {}
                Err(_) if !page.is_empty() => return Ok(page),
                Err(e) => return Err(e),
            }
        }
        self.inner.cache.messages(channel, before, limit)
    }

    pub fn messages_after(
        &self,
        channel: &str,
        after: i64,
        limit: u32,
    ) -> Result<Vec<MessageView>> {
        self.inner.cache.messages_after(channel, after, limit)
    }

    /// Whether the server has older messages than the cache (`hasPrevPage`).
    pub fn has_prev_page(&self, channel: &str) -> Result<bool> {
        self.inner.cache.has_older(channel)
    }

    pub fn members(&self, channel: &str) -> Result<Vec<crate::cache::MemberView>> {
        self.inner.cache.members(channel)
    }

    pub fn search(&self, query: &str, channel: Option<&str>) -> Result<Vec<SearchHit>> {
        self.inner.cache.search(query, channel, 50)
    }

    pub fn badge_count(&self) -> Result<i64> {
        self.inner.cache.badge_count()
    }

    pub fn outbox(&self) -> Result<Vec<OutboxItem>> {
        self.inner.cache.outbox()
    }

    pub fn draft(&self, channel: &str) -> Result<Option<String>> {
        self.inner.cache.draft(channel)
    }

    pub fn set_draft(&self, channel: &str, body: &str) -> Result<()> {
        self.inner.cache.set_draft(channel, body)
    }

    /// Who is typing in `channel` now.
    pub fn typing_in(&self, channel: &str) -> Vec<String> {
        let now = Instant::now();
        self.inner
            .typing
            .lock()
            .map(|t| {
                let mut v: Vec<String> = t
                    .get(channel)
                    .map(|m| {
                        m.iter()
                            .filter(|(_, until)| **until > now)
                            .map(|(i, _)| i.clone())
                            .collect()
                    })
                    .unwrap_or_default();
                v.sort();
                v
            })
            .unwrap_or_default()
    }

    // ---- writes (through the outbox) ----

    // Sends, replies and reactions: conversation.rs.

    /// Queues an edit of a message.
    pub fn edit(&self, channel: &str, message_sid: &str, body: &str) -> Result<i64> {
        let channel = &channel_sid(channel)?;
        if body.trim().is_empty() {
            return Err(ClientError::Refused(Refusal::EmptyMessage));
        }
        let id = self.inner.cache.enqueue(
            OutboxKind::Edit,
            channel,
            Some(message_sid),
            Some(body),
            None,
        )?;
        self.after_enqueue(channel);
        Ok(id)
    }

    /// Queues a deletion of a message.
    pub fn delete(&self, channel: &str, message_sid: &str) -> Result<i64> {
        let channel = &channel_sid(channel)?;
        let id =
            self.inner
                .cache
                .enqueue(OutboxKind::Delete, channel, Some(message_sid), None, None)?;
        self.after_enqueue(channel);
        Ok(id)
    }

    pub(crate) fn after_enqueue(&self, channel: &ChannelSid) {
        self.inner.emit(ClientEvent::MessagesChanged {
            channel_sid: channel.clone(),
        });
        self.inner.wake_outbox.notify_one();
    }

    /// Retries a failed outbox entry.
    pub fn retry(&self, outbox_id: i64) -> Result<bool> {
        let ok = self.inner.cache.outbox_retry(outbox_id)?;
        self.inner.wake_outbox.notify_one();
        Ok(ok)
    }

    /// Discards a failed (or not yet sent) outbox entry.
    pub fn discard(&self, outbox_id: i64) -> Result<bool> {
        let media = self.inner.cache.outbox_media(outbox_id)?;
        let channel = self
            .inner
            .cache
            .outbox()?
            .into_iter()
            .find(|i| i.id == outbox_id)
            .map(|i| i.channel_sid);
        let gone = self.inner.cache.outbox_discard(outbox_id)?;
        if gone {
            if let Some(m) = media {
                let _ = std::fs::remove_file(&m.path);
            }
            if let Some(ch) = channel {
                self.inner
                    .emit(ClientEvent::MessagesChanged { channel_sid: ch });
            }
        }
        Ok(gone)
    }

    // ---- read horizon ----

    /// The user opened `channel`: it is read up to its newest message, and
    /// notifications for it stop while the window has focus.
    pub fn open_channel(&self, channel: Option<&str>) -> Result<()> {
        if let Ok(mut ctx) = self.inner.notify_ctx.lock() {
            ctx.open_channel = channel.map(str::to_owned);
        }
        if let Some(ch) = channel {
            self.mark_read(ch)?;
        }
        Ok(())
    }

    pub fn set_window_focused(&self, focused: bool) {
        if let Ok(mut ctx) = self.inner.notify_ctx.lock() {
            ctx.window_focused = focused;
        }
    }

    /// Whether do-not-disturb is on.
    pub fn do_not_disturb(&self) -> bool {
        self.inner
            .notify_ctx
            .lock()
            .map(|c| c.do_not_disturb)
            .unwrap_or(false)
    }

    /// Speaks `tag` in notifications from now on (English without a catalog).
    pub fn set_language(&self, tag: &str) {
        if let Ok(mut w) = self.inner.words.lock() {
            *w = Arc::new(Words::new(tag));
        }
    }

    pub fn set_do_not_disturb(&self, on: bool) -> Result<()> {
        if let Ok(mut ctx) = self.inner.notify_ctx.lock() {
            ctx.do_not_disturb = on;
        }
        self.inner
            .cache
            .set_setting("dnd", if on { "true" } else { "false" })
    }

    /// Marks everything in `channel` read.
    pub fn mark_read(&self, channel: &str) -> Result<()> {
        let newest = self.inner.cache.newest_index(channel)?;
        self.set_horizon(channel, newest)
    }

    /// Marks `index` and everything after it unread.
    pub fn mark_unread_from(&self, channel: &str, index: i64) -> Result<()> {
        self.set_horizon(channel, if index > 0 { Some(index - 1) } else { None })
    }

    fn set_horizon(&self, channel: &str, index: Option<i64>) -> Result<()> {
        self.inner.cache.set_read_horizon(channel, index)?;
        self.inner.emit(ClientEvent::ChannelsChanged);
        // At most one update per channel every few seconds; the last value wins.
        let inner = self.inner.clone();
        let channel = channel.to_owned();
        let wait = {
            let mut sent = self
                .inner
                .read_sent
                .lock()
                .map_err(|e| ClientError::Cache(e.to_string()))?;
            let next = sent
                .get(&channel)
                .map(|t| *t + READ_THROTTLE)
                .unwrap_or_else(Instant::now);
            let now = Instant::now();
            if sent.get(&channel).is_some_and(|t| *t > now) {
                return Ok(()); // an update is already scheduled and will send the newest value
            }
            let at = next.max(now);
            sent.insert(channel.clone(), at);
            at - now
        };
        tokio::spawn(async move {
            tokio::time::sleep(wait).await;
            let horizon = inner
                .cache
                .channel(&channel)
                .ok()
                .flatten()
                .and_then(|c| c.last_consumed_index);
            let result = async {
                let token = inner.session.access_token().await?;
                inner
                    .api
                    .set_horizon(&token, inner.service(), inner.me(), &channel, horizon)
                    .await
            }
            .await;
            if let Err(e) = result {
                tracing::info!(error = %e, "read horizon not sent; it is kept locally");
            }
        });
        Ok(())
    }

    /// Per-channel notification policy: `all`, `mentions` or `muted` (muted is
    /// also set on the server so that the user's other devices follow).
    pub async fn set_notify_level(&self, channel: &str, level: NotifyPolicy) -> Result<()> {
        self.inner.cache.set_notify(channel, level)?;
        self.inner.emit(ClientEvent::ChannelsChanged);
        let server_level = if level == NotifyPolicy::Muted {
            "muted"
        } else {
            "default"
        };
        let token = self.inner.session.access_token().await?;
        self.inner
            .api
            .set_notification_level(
                &token,
                self.inner.service(),
                self.inner.me(),
                channel,
                server_level,
            )
            .await?;
        Ok(())
    }

    // ---- typing ----

    /// Tells others the user is typing (at most once per service timeout).
    pub fn typing(&self, channel: &str) {
        let timeout =
            Duration::from_secs(self.inner.typing_timeout.load(Ordering::Relaxed).max(1) as u64);
        if let Ok(mut sent) = self.inner.typing_sent.lock() {
            if sent.get(channel).is_some_and(|t| t.elapsed() < timeout) {
                return;
            }
            sent.insert(channel.to_owned(), Instant::now());
        }
        let frame = serde_json::json!({"type": "typing", "channel_sid": channel}).to_string();
        if let Ok(out) = self.inner.socket_out.lock() {
            if let Some(tx) = out.as_ref() {
                let _ = tx.send(frame);
            }
        }
    }

    // ---- online-only actions ----

    /// Older history of `channel`, fetched once and kept; returns how many
    /// messages were added.
    pub async fn load_older(&self, channel: &str) -> Result<usize> {
        crate::sync::load_older(&self.inner, &channel_sid(channel)?).await
    }

    pub async fn join(&self, channel: &str) -> Result<()> {
        let token = self.inner.session.access_token().await?;
        self.inner
            .api
            .join(&token, self.inner.service(), channel, self.inner.me())
            .await?;
        crate::sync::refresh_channel(&self.inner, channel).await
    }

    pub async fn leave(&self, channel: &str) -> Result<()> {
        let token = self.inner.session.access_token().await?;
        self.inner
            .api
            .leave(&token, self.inner.service(), channel, self.inner.me())
            .await
    }

    pub async fn create_channel(
        &self,
        name: &str,
        unique_name: Option<&str>,
        private: bool,
    ) -> Result<ChannelSid> {
        let token = self.inner.session.access_token().await?;
        let ch = self
            .inner
            .api
            .create_channel(&token, self.inner.service(), name, unique_name, private)
            .await?;
        crate::sync::refresh_channel(&self.inner, &ch.sid).await?;
        Ok(ch.sid)
    }

    /// What the user may do in `channel`: the permissions of their service
    /// role and of their role in the channel, as of the last sync (the
    /// server checks every request anyway; this only decides what to offer).
    pub fn permissions(&self, channel: &str) -> Result<Vec<String>> {
        let cache = &self.inner.cache;
        let roles: HashMap<String, Vec<String>> = cache
            .meta("roles")?
            .and_then(|j| serde_json::from_str(&j).ok())
            .unwrap_or_default();
        let mut out: Vec<String> = Vec::new();
        let mine = [
            cache.meta("my_role")?,
            cache.member_role(channel, self.inner.me())?,
        ];
        for role in mine.into_iter().flatten() {
            for p in roles.get(&role).into_iter().flatten() {
                if !out.contains(p) {
                    out.push(p.clone());
                }
            }
        }
        out.sort();
        Ok(out)
    }

    /// Removes another member from a channel (needs removeMember).
    pub async fn remove_member(&self, channel: &str, identity: &str) -> Result<()> {
        let token = self.inner.session.access_token().await?;
        self.inner
            .api
            .leave(&token, self.inner.service(), channel, identity)
            .await
    }

    pub async fn invite(&self, channel: &str, identity: &str) -> Result<()> {
        let token = self.inner.session.access_token().await?;
        self.inner
            .api
            .invite(&token, self.inner.service(), channel, identity)
            .await
            .map(|_| ())
    }

    pub async fn accept_invite(&self, channel: &str) -> Result<()> {
        self.join(channel).await
    }

    pub async fn decline_invite(&self, channel: &str) -> Result<()> {
        let token = self.inner.session.access_token().await?;
        self.inner
            .api
            .decline(&token, self.inner.service(), self.inner.me(), channel)
            .await
    }

    /// Signs out: revokes the refresh token, deletes it from the secret store
    /// and, with `wipe_cache`, deletes the account's cache.
    pub async fn logout(self, wipe_cache: bool) -> Result<()> {
        self.stop();
        self.inner.session.logout().await?;
        if wipe_cache {
            remove_dir(&self.inner.dir)?;
        }
        Ok(())
    }
}

fn remove_dir(dir: &Path) -> Result<()> {
    match std::fs::remove_dir_all(dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(ClientError::Cache(e.to_string())),
    }
}

/// The channel a write names, checked before anything is queued: the outbox
/// and the window's events hold SIDs, never a key that names no channel.
pub(crate) fn channel_sid(key: &str) -> Result<ChannelSid> {
    ChannelSid::parse(key).map_err(|e| {
        tracing::debug!(error = %e, "a write named no channel SID");
        ClientError::Refused(Refusal::NoSuchChannel)
    })
}
