//! The realtime hub: one task that fans committed changes out to the open
//! sockets of their recipients, and keeps typing indicators.
//!
//! Each socket has a bounded queue. A socket whose queue is full is cut off
//! (its queue is dropped and it is marked slow) instead of buffering without
//! bound; the socket then closes with `SLOW_CONSUMER` and the client resumes
//! from its cursor. Frames are serialized once and shared by every recipient.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::Utf8Bytes;
use parley_protocol::realtime::{EventKind, ServerFrame};
use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::feed::{Change, Recipients};

/// Frames queued per socket before it counts as too slow.
pub const QUEUE_CAPACITY: usize = 512;

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
        channel: String,
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
}

struct Conn {
    service: String,
    identity: String,
    queue: mpsc::Sender<Outbound>,
    slow: Arc<AtomicBool>,
}

struct Typing {
    service: String,
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

    fn send_to(
        &mut self,
        service: &str,
        identities: &[String],
        out: &Outbound,
        except: Option<&str>,
    ) {
        let mut ids: Vec<u64> = Vec::new();
        let Some(users) = self.by_user.get(service) else {
            return;
        };
        for identity in identities {
            if Some(identity.as_str()) == except {
                continue;
            }
            if let Some(v) = users.get(identity) {
                ids.extend(v);
            }
        }
        let mut cut = Vec::new();
        for id in ids {
            self.push(id, out, &mut cut);
        }
        for id in cut {
            self.unregister(id);
        }
    }

    fn deliver(&mut self, change: &Change) {
        let out = Outbound {
            seq: change.seq,
            text: change.frame.clone(),
        };
        match &change.recipients {
            Recipients::Identities(ids) => self.send_to(&change.service_sid, ids, &out, None),
            Recipients::Service => {
                let ids = self
                    .by_service
                    .get(&change.service_sid)
                    .cloned()
                    .unwrap_or_default();
                let mut cut = Vec::new();
                for id in ids {
                    self.push(id, &out, &mut cut);
                }
                for id in cut {
                    self.unregister(id);
                }
            }
        }
        if change.kind == EventKind::MessageAdded {
            if let (Some(channel), Some(author)) = (&change.channel_sid, &change.author) {
                self.end_typing(channel, author);
            }
        }
    }

    fn typing(
        &mut self,
        service: String,
        channel: String,
        identity: String,
        timeout: u32,
        recipients: Vec<String>,
    ) {
        let deadline = Instant::now() + Duration::from_secs(timeout as u64);
        let key = (channel.clone(), identity.clone());
        if let Some(t) = self.typing.get_mut(&key) {
            // A repeat only extends the indicator; nobody is told twice.
            t.deadline = deadline;
            t.recipients = recipients;
            return;
        }
        let frame = ServerFrame::TypingStarted {
            channel_sid: channel,
            identity: identity.clone(),
            timeout,
        };
        let out = control_frame(&frame);
        self.send_to(&service, &recipients, &out, Some(&identity));
        self.typing.insert(
            key,
            Typing {
                service,
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
            channel_sid: channel.to_owned(),
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
        let counted = delivered.clone();
        tokio::spawn(async move {
            let mut state = State {
                delivered: counted,
                ..State::default()
            };
            let mut tick = tokio::time::interval(Duration::from_millis(100));
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
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
                }
            }
        });
        Hub {
            control,
            next_id: Arc::new(AtomicU64::new(1)),
            open: Arc::new(std::sync::atomic::AtomicI64::new(0)),
            delivered,
        }
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
        channel: &str,
        identity: &str,
        timeout: u32,
        recipients: Vec<String>,
    ) {
        let _ = self.control.send(Control::Typing {
            service: service.to_owned(),
            channel: channel.to_owned(),
            identity: identity.to_owned(),
            timeout,
            recipients,
        });
    }
}
