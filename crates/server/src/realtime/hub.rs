//! The realtime hub: one task that fans committed changes out to the open
//! sockets of their recipients, and keeps typing indicators.
//!
//! Each socket has a bounded queue. A socket whose queue is full is cut off
//! (its queue is dropped and it is marked slow) instead of buffering without
//! bound; the socket then closes with `SLOW_CONSUMER` and the client resumes
//! from its cursor. Frames are serialized once and shared by every recipient.
//!
//! Back-pressure: when most of the people a channel's last message went to
//! are more than [`BEHIND_FRAMES`] frames behind on every socket they have,
//! the channel is *behind*, and [`Hub::admit`] holds the answers to its
//! senders (2 s at most each) until most have caught up. A sender waiting
//! for its answers therefore cannot run ahead of its channel's readers, and
//! send→receive latency stays bounded instead of growing with a backlog.
//! Each person has one vote, so a minority of members with stuck sockets,
//! however many, cannot hold a channel back; their queues fill and they are
//! cut off as slow.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::Utf8Bytes;
use parley_protocol::realtime::{EventKind, ServerFrame};
use parley_protocol::ChannelSid;
use tokio::sync::{mpsc, Notify};
use tokio::time::Instant;

use crate::feed::{Change, Recipients};

/// Frames queued per socket before it counts as too slow.
pub const QUEUE_CAPACITY: usize = 512;
/// A socket with more frames than this waiting is behind.
pub const BEHIND_FRAMES: usize = 32;
/// A channel that is behind is let go once most are down to this.
const CAUGHT_UP_FRAMES: usize = 8;
/// Channels whose messages reach fewer people than this are never held back.
const PRESSURE_MIN_PEOPLE: usize = 16;
/// The longest a send's answer waits for its channel's readers.
const MAX_ADMIT_WAIT: Duration = Duration::from_secs(2);
/// How often the hub looks again at a channel that is behind.
const PRESSURE_RECHECK: Duration = Duration::from_millis(10);

/// The channels that are behind (see the module comment), shared by the
/// hub task, which decides, and the senders, which wait.
#[derive(Debug, Default)]
struct Pressure {
    behind: std::sync::Mutex<HashSet<String>>,
    /// `behind.len()`, read without the lock on every send.
    count: AtomicUsize,
    /// Woken when a channel stops being behind.
    room: Notify,
}

impl Pressure {
    fn is_behind(&self, channel: &str) -> bool {
        self.behind
            .lock()
            .map(|b| b.contains(channel))
            .unwrap_or(false)
    }

    fn set(&self, channel: &str, behind: bool) {
        let Ok(mut b) = self.behind.lock() else {
            return;
        };
        let changed = if behind {
            b.insert(channel.to_owned())
        } else {
            b.remove(channel)
        };
        self.count.store(b.len(), Ordering::Relaxed);
        if changed && !behind {
            self.room.notify_waiters();
        }
    }
}

/// A frame for one socket: `seq` is the change cursor, 0 for control frames.
#[derive(Debug, Clone)]
pub struct Outbound {
    pub seq: i64,
    pub text: Utf8Bytes,
}

fn control_frame(frame: &ServerFrame) -> Outbound {
    Outbound {
        seq: 0,
        text: Utf8Bytes::from(serde_json::to_string(frame).unwrap_or_default()),
    }
}

/// What a socket keeps of its registration.
#[derive(Debug)]
pub struct Registration {
    pub id: u64,
    pub queue: mpsc::Receiver<Outbound>,
    /// Set when the hub cut the socket off for being slow.
    pub slow: Arc<AtomicBool>,
}

#[derive(Debug)]
enum Control {
    Register {
        id: u64,
        service: String,
        identity: String,
        queue: mpsc::Sender<Outbound>,
        slow: Arc<AtomicBool>,
        done: tokio::sync::oneshot::Sender<()>,
    },
    Unregister {
        id: u64,
    },
    Typing {
        service: String,
        channel: ChannelSid,
        identity: String,
        timeout: u32,
        recipients: Vec<String>,
    },
}

/// Handle to the hub task; cheap to clone.
#[derive(Debug, Clone)]
pub struct Hub {
    control: mpsc::UnboundedSender<Control>,
    next_id: Arc<AtomicU64>,
    /// Sockets registered and not yet unregistered.
    open: Arc<std::sync::atomic::AtomicI64>,
    /// Frames the hub queued to sockets, ever.
    delivered: Arc<AtomicU64>,
    pressure: Arc<Pressure>,
}

struct Conn {
    service: String,
    identity: String,
    queue: mpsc::Sender<Outbound>,
    slow: Arc<AtomicBool>,
}

struct Typing {
    service: String,
    channel: ChannelSid,
    deadline: Instant,
    recipients: Vec<String>,
}

#[derive(Default)]
struct State {
    conns: HashMap<u64, Conn>,
    /// service → identity → sockets.
    by_user: HashMap<String, HashMap<String, Vec<u64>>>,
    by_service: HashMap<String, HashSet<u64>>,
    typing: HashMap<(String, String), Typing>,
    /// Frames queued to sockets, ever (the hub's fan-out, for metrics).
    delivered: Arc<AtomicU64>,
    pressure: Arc<Pressure>,
    /// Channel → the sockets its last message went to, while it is behind.
    watched: HashMap<String, Vec<u64>>,
}

impl State {
    fn register(
        &mut self,
        id: u64,
        service: String,
        identity: String,
        queue: mpsc::Sender<Outbound>,
        slow: Arc<AtomicBool>,
    ) {
        self.by_user
            .entry(service.clone())
            .or_default()
            .entry(identity.clone())
            .or_default()
            .push(id);
        self.by_service
            .entry(service.clone())
            .or_default()
            .insert(id);
        self.conns.insert(
            id,
            Conn {
                service,
                identity,
                queue,
                slow,
            },
        );
    }

    fn unregister(&mut self, id: u64) {
        let Some(c) = self.conns.remove(&id) else {
            return;
        };
        if let Some(users) = self.by_user.get_mut(&c.service) {
            if let Some(v) = users.get_mut(&c.identity) {
                v.retain(|x| *x != id);
                if v.is_empty() {
                    users.remove(&c.identity);
                }
            }
            if users.is_empty() {
                self.by_user.remove(&c.service);
            }
        }
        if let Some(v) = self.by_service.get_mut(&c.service) {
            v.remove(&id);
            if v.is_empty() {
                self.by_service.remove(&c.service);
            }
        }
    }

    /// Queues a frame for one socket; a full queue cuts the socket off.
    fn push(&mut self, id: u64, out: &Outbound, cut: &mut Vec<u64>) {
        if let Some(c) = self.conns.get(&id) {
            match c.queue.try_send(out.clone()) {
                Ok(()) => {
                    self.delivered.fetch_add(1, Ordering::Relaxed);
                }
                Err(mpsc::error::TrySendError::Full(_)) => {
                    c.slow.store(true, Ordering::SeqCst);
                    cut.push(id);
                }
                Err(mpsc::error::TrySendError::Closed(_)) => {}
            }
        }
    }

    /// Queues `out` for the sockets of `identities` (but `except`); returns
    /// the sockets it went to.
    fn send_to(
        &mut self,
        service: &str,
        identities: &[String],
        out: &Outbound,
        except: Option<&str>,
    ) -> Vec<u64> {
        let mut ids: Vec<u64> = Vec::new();
        let Some(users) = self.by_user.get(service) else {
            return ids;
        };
        for identity in identities {
            if Some(identity.as_str()) == except {
                continue;
            }
            if let Some(v) = users.get(identity) {
                ids.extend(v);
            }
        }
        self.push_all(ids, out)
    }

    fn push_all(&mut self, ids: Vec<u64>, out: &Outbound) -> Vec<u64> {
        let mut cut = Vec::new();
        for id in &ids {
            self.push(*id, out, &mut cut);
        }
        for id in cut {
            self.unregister(id);
        }
        ids
    }

    fn deliver(&mut self, change: &Change) {
        let out = Outbound {
            seq: change.seq,
            text: change.frame.clone(),
        };
        let ids = match &change.recipients {
            Recipients::Identities(ids) => self.send_to(&change.service_sid, ids, &out, None),
            Recipients::Service => {
                let ids = self
                    .by_service
                    .get(&change.service_sid)
                    .map(|s| s.iter().copied().collect())
                    .unwrap_or_default();
                self.push_all(ids, &out)
            }
        };
        if change.kind == EventKind::MessageAdded {
            if let Some(channel) = &change.channel_sid {
                self.weigh(channel, ids);
                if let Some(author) = &change.author {
                    self.end_typing(channel, author);
                }
            }
        }
    }

    /// Whether most of the people `ids` (a message's sockets) belong to are
    /// more than `frames` behind. Each person has one vote, behind only if
    /// all their sockets are: opening many sockets and not reading them
    /// gives a member no more say than reading one.
    fn most_behind(&self, ids: &[u64], frames: usize) -> bool {
        let behind_at = |c: &Conn| QUEUE_CAPACITY - c.queue.capacity() > frames;
        // The usual case, cheaply: nobody is behind.
        if !ids
            .iter()
            .filter_map(|id| self.conns.get(id))
            .any(behind_at)
        {
            return false;
        }
        let mut people: HashMap<&str, bool> = HashMap::new();
        for c in ids.iter().filter_map(|id| self.conns.get(id)) {
            let behind = behind_at(c);
            people
                .entry(c.identity.as_str())
                .and_modify(|b| *b &= behind)
                .or_insert(behind);
        }
        let behind = people.values().filter(|b| **b).count();
        people.len() >= PRESSURE_MIN_PEOPLE && behind * 2 > people.len()
    }

    /// After a message went to `ids`: is its channel behind now? A channel
    /// becomes behind past [`BEHIND_FRAMES`] and stays so until most have
    /// caught up to [`CAUGHT_UP_FRAMES`], so it does not flip every message.
    fn weigh(&mut self, channel: &str, ids: Vec<u64>) {
        let watched = self.watched.contains_key(channel);
        if ids.len() < PRESSURE_MIN_PEOPLE && !watched {
            return;
        }
        let frames = if watched {
            CAUGHT_UP_FRAMES
        } else {
            BEHIND_FRAMES
        };
        if self.most_behind(&ids, frames) {
            if self.watched.insert(channel.to_owned(), ids).is_none() {
                self.pressure.set(channel, true);
            }
        } else if self.watched.remove(channel).is_some() {
            self.pressure.set(channel, false);
        }
    }

    /// Looks again at the channels that are behind.
    fn recheck_pressure(&mut self) {
        let caught_up: Vec<String> = self
            .watched
            .iter()
            .filter(|(_, ids)| !self.most_behind(ids, CAUGHT_UP_FRAMES))
            .map(|(ch, _)| ch.clone())
            .collect();
        for ch in caught_up {
            self.watched.remove(&ch);
            self.pressure.set(&ch, false);
        }
    }

    fn typing(
        &mut self,
        service: String,
        channel: ChannelSid,
        identity: String,
        timeout: u32,
        recipients: Vec<String>,
    ) {
        let deadline = Instant::now() + Duration::from_secs(timeout as u64);
        let key = (channel.to_string(), identity.clone());
        if let Some(t) = self.typing.get_mut(&key) {
            // A repeat only extends the indicator; nobody is told twice.
            t.deadline = deadline;
            t.recipients = recipients;
            return;
        }
        let frame = ServerFrame::TypingStarted {
            channel_sid: channel.clone(),
            identity: identity.clone(),
            timeout,
        };
        let out = control_frame(&frame);
        self.send_to(&service, &recipients, &out, Some(&identity));
        self.typing.insert(
            key,
            Typing {
                service,
                channel,
                deadline,
                recipients,
            },
        );
    }

    fn end_typing(&mut self, channel: &str, identity: &str) {
        let Some(t) = self
            .typing
            .remove(&(channel.to_owned(), identity.to_owned()))
        else {
            return;
        };
        let frame = ServerFrame::TypingEnded {
            channel_sid: t.channel,
            identity: identity.to_owned(),
        };
        let out = control_frame(&frame);
        self.send_to(&t.service, &t.recipients, &out, Some(identity));
    }

    fn expire_typing(&mut self) {
        let now = Instant::now();
        let expired: Vec<(String, String)> = self
            .typing
            .iter()
            .filter(|(_, t)| t.deadline <= now)
            .map(|(k, _)| k.clone())
            .collect();
        for (channel, identity) in expired {
            self.end_typing(&channel, &identity);
        }
    }
}

impl Hub {
    /// Starts the hub task fed by `changes` (the store's change sink).
    pub fn start(mut changes: mpsc::UnboundedReceiver<Vec<Change>>) -> Hub {
        let (control, mut rx) = mpsc::unbounded_channel::<Control>();
        let delivered = Arc::new(AtomicU64::new(0));
        let pressure = Arc::new(Pressure::default());
        let (counted, weighed) = (delivered.clone(), pressure.clone());
        tokio::spawn(async move {
            let mut state = State {
                delivered: counted,
                pressure: weighed,
                ..State::default()
            };
            let mut tick = tokio::time::interval(Duration::from_millis(100));
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            let mut recheck = tokio::time::interval(PRESSURE_RECHECK);
            recheck.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    batch = changes.recv() => match batch {
                        Some(batch) => batch.iter().for_each(|c| state.deliver(c)),
                        None => break,
                    },
                    msg = rx.recv() => match msg {
                        Some(Control::Register { id, service, identity, queue, slow, done }) => {
                            state.register(id, service, identity, queue, slow);
                            let _ = done.send(());
                        }
                        Some(Control::Unregister { id }) => state.unregister(id),
                        Some(Control::Typing { service, channel, identity, timeout, recipients }) => {
                            state.typing(service, channel, identity, timeout, recipients)
                        }
                        None => break,
                    },
                    _ = tick.tick(), if !state.typing.is_empty() => state.expire_typing(),
                    _ = recheck.tick(), if !state.watched.is_empty() => state.recheck_pressure(),
                }
            }
        });
        Hub {
            control,
            next_id: Arc::new(AtomicU64::new(1)),
            open: Arc::new(std::sync::atomic::AtomicI64::new(0)),
            delivered,
            pressure,
        }
    }

    /// Resolves once `channel` is not behind (see the module comment), or
    /// after [`MAX_ADMIT_WAIT`] at most; at once when nothing is behind.
    pub async fn admit(&self, channel: &str) {
        if self.pressure.count.load(Ordering::Relaxed) == 0 {
            return;
        }
        let deadline = Instant::now() + MAX_ADMIT_WAIT;
        loop {
            let room = self.pressure.room.notified();
            tokio::pin!(room);
            room.as_mut().enable();
            if !self.pressure.is_behind(channel) {
                return;
            }
            if tokio::time::timeout_at(deadline, room).await.is_err() {
                return;
            }
        }
    }

    /// Whether `channel`'s fan-out is behind on this node now.
    pub fn is_behind(&self, channel: &str) -> bool {
        self.pressure.is_behind(channel)
    }

    /// Frames queued to this node's sockets since it started.
    pub fn delivered(&self) -> u64 {
        self.delivered.load(Ordering::Relaxed)
    }

    /// Sockets registered on this node now.
    pub fn sockets(&self) -> i64 {
        self.open.load(Ordering::Relaxed)
    }

    /// Registers a socket of `identity`. Once this returns, every change the
    /// hub has not yet delivered will be queued for it: a feed position read
    /// afterwards leaves no gap between replay and live changes.
    pub async fn register(&self, service: &str, identity: &str) -> Registration {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        self.open.fetch_add(1, Ordering::Relaxed);
        let (queue, rx) = mpsc::channel(QUEUE_CAPACITY);
        let slow = Arc::new(AtomicBool::new(false));
        let (done, registered) = tokio::sync::oneshot::channel();
        let _ = self.control.send(Control::Register {
            id,
            service: service.to_owned(),
            identity: identity.to_owned(),
            queue,
            slow: slow.clone(),
            done,
        });
        let _ = registered.await;
        Registration {
            id,
            queue: rx,
            slow,
        }
    }

    pub fn unregister(&self, id: u64) {
        self.open.fetch_sub(1, Ordering::Relaxed);
        let _ = self.control.send(Control::Unregister { id });
    }

    /// Announces that `identity` is typing in `channel` to `recipients`.
    pub fn typing(
        &self,
        service: &str,
        channel: &ChannelSid,
        identity: &str,
        timeout: u32,
        recipients: Vec<String>,
    ) {
        let _ = self.control.send(Control::Typing {
            service: service.to_owned(),
            channel: channel.clone(),
            identity: identity.to_owned(),
            timeout,
            recipients,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CH1: &str = "CH00000000000000000000000000000001";

    fn message(seq: i64, identities: &[String]) -> Change {
        Change {
            seq,
            service_sid: "IS1".into(),
            kind: EventKind::MessageAdded,
            channel_sid: Some(ChannelSid::parse(CH1).expect("a channel SID")),
            recipients: Recipients::Identities(identities.to_vec()),
            frame: Utf8Bytes::from_static("{}"),
            author: Some("sender".into()),
        }
    }

    /// Waits until the hub has queued `n` frames.
    async fn delivered(hub: &Hub, n: u64) {
        tokio::time::timeout(Duration::from_secs(5), async {
            while hub.delivered() < n {
                tokio::task::yield_now().await;
            }
        })
        .await
        .expect("the hub delivers the batch");
    }

    /// Readers that do not read make their channel behind; the sender's
    /// answer then waits until they catch up, and no longer.
    #[tokio::test]
    async fn a_channel_whose_readers_fall_behind_holds_its_senders_until_they_catch_up() {
        let (sink, changes) = mpsc::unbounded_channel();
        let hub = Hub::start(changes);
        let people: Vec<String> = (0..20).map(|i| format!("u{i}")).collect();
        let mut regs = Vec::new();
        for p in &people {
            regs.push(hub.register("IS1", p).await);
        }
        hub.admit(CH1).await; // nothing behind: at once
        let batch: Vec<Change> = (1..=(BEHIND_FRAMES as i64 + 1))
            .map(|seq| message(seq, &people))
            .collect();
        sink.send(batch).expect("hub running");
        delivered(&hub, 20 * (BEHIND_FRAMES as u64 + 1)).await;
        assert!(
            hub.is_behind(CH1),
            "20 readers {BEHIND_FRAMES}+ frames behind"
        );
        assert!(!hub.is_behind("CH2"), "another channel is not held back");

        let waiting = tokio::spawn({
            let hub = hub.clone();
            async move { hub.admit(CH1).await }
        });
        tokio::task::yield_now().await;
        assert!(
            !waiting.is_finished(),
            "the sender waits while most readers are behind"
        );
        // A minority still behind does not hold the channel back.
        for r in regs.iter_mut().take(15) {
            while r.queue.try_recv().is_ok() {}
        }
        tokio::time::timeout(Duration::from_secs(1), waiting)
            .await
            .expect("the sender goes on once most readers caught up")
            .expect("admit task");
        assert!(!hub.is_behind(CH1));
    }

    /// One member with many sockets that read nothing has one vote.
    #[tokio::test]
    async fn one_member_with_many_stuck_sockets_cannot_hold_a_channel_back() {
        let (sink, changes) = mpsc::unbounded_channel();
        let hub = Hub::start(changes);
        let mut people: Vec<String> = (0..16).map(|i| format!("u{i}")).collect();
        let mut readers = Vec::new();
        for p in &people {
            readers.push(hub.register("IS1", p).await);
        }
        let mut _stuck = Vec::new();
        for _ in 0..40 {
            _stuck.push(hub.register("IS1", "mallory").await);
        }
        people.push("mallory".into());
        let n = BEHIND_FRAMES as i64 + 1;
        for seq in 1..=n {
            sink.send(vec![message(seq, &people)]).expect("hub running");
            delivered(&hub, 56 * seq as u64).await;
            // The 16 honest readers keep up.
            for r in readers.iter_mut() {
                while r.queue.try_recv().is_ok() {}
            }
        }
        assert!(
            !hub.is_behind(CH1),
            "40 stuck sockets of one member are one vote of 17"
        );
    }

    #[tokio::test]
    async fn small_channels_are_never_held_back() {
        let (sink, changes) = mpsc::unbounded_channel();
        let hub = Hub::start(changes);
        let people: Vec<String> = (0..3).map(|i| format!("u{i}")).collect();
        let mut _regs = Vec::new();
        for p in &people {
            _regs.push(hub.register("IS1", p).await);
        }
        let batch: Vec<Change> = (1..=100).map(|seq| message(seq, &people)).collect();
        sink.send(batch).expect("hub running");
        delivered(&hub, 300).await;
        assert!(!hub.is_behind(CH1));
    }
}
