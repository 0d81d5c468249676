//! Who is online: a user is online while at least one of their sockets is
//! open, on any node. Each node counts its own sockets in memory; on
//! PostgreSQL a node also keeps one row per user it has sockets for, and a
//! heartbeat, so every node answers the same (see `store::presence`). A
//! user's transitions — first socket anywhere, last socket gone, or their
//! node dying — are announced as `userUpdated` changes, in the order this
//! node saw them (one relay task handles them one after another).

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use tokio::sync::mpsc;

use crate::store::Conn;

/// How often a node refreshes its heartbeat and sweeps dead nodes.
pub const HEARTBEAT: Duration = Duration::from_secs(10);
/// A node not heard from for this long is taken for dead.
pub const STALE_AFTER: i64 = 30;

/// A change of this node's sockets for a user.
#[derive(Debug, Clone)]
pub struct Transition {
    pub service: String,
    pub identity: String,
    pub online: bool,
}

/// Open-socket counts per (service, identity) on this node.
#[derive(Debug)]
pub struct Presence {
    sockets: Mutex<HashMap<(String, String), usize>>,
    /// This node's name in the `presence` table; `None` on SQLite.
    node: Option<String>,
    relay: OnceLock<mpsc::UnboundedSender<Transition>>,
}

impl Default for Presence {
    fn default() -> Self {
        Presence::local()
    }
}

impl Presence {
    /// Presence of a single node (SQLite): memory is the truth.
    pub fn local() -> Presence {
        Presence {
            sockets: Mutex::new(HashMap::new()),
            node: None,
            relay: OnceLock::new(),
        }
    }

    /// Presence shared with other nodes through the database.
    pub fn shared() -> Presence {
        Presence {
            node: Some(format!("N{}", hex::encode(rand::random::<[u8; 12]>()))),
            ..Presence::local()
        }
    }

    /// This node's name, when presence is shared.
    pub fn node(&self) -> Option<&str> {
        self.node.as_deref()
    }

    /// Where transitions go (set once, at start).
    pub fn set_relay(&self, relay: mpsc::UnboundedSender<Transition>) {
        let _ = self.relay.set(relay);
    }

    fn emit(&self, service: &str, identity: &str, online: bool) {
        if let Some(r) = self.relay.get() {
            let _ = r.send(Transition {
                service: service.to_owned(),
                identity: identity.to_owned(),
                online,
            });
        }
    }

    /// Counts a new socket; true when it is the user's first on this node.
    pub fn connect(&self, service: &str, identity: &str) -> bool {
        let Ok(mut m) = self.sockets.lock() else {
            return false;
        };
        let n = m
            .entry((service.to_owned(), identity.to_owned()))
            .or_insert(0);
        *n += 1;
        let first = *n == 1;
        drop(m);
        if first {
            self.emit(service, identity, true);
        }
        first
    }

    /// Counts a closed socket; true when it was the user's last on this node.
    pub fn disconnect(&self, service: &str, identity: &str) -> bool {
        let Ok(mut m) = self.sockets.lock() else {
            return false;
        };
        let key = (service.to_owned(), identity.to_owned());
        let last = match m.get_mut(&key) {
            Some(n) if *n > 1 => {
                *n -= 1;
                false
            }
            Some(_) => {
                m.remove(&key);
                true
            }
            None => false,
        };
        drop(m);
        if last {
            self.emit(service, identity, false);
        }
        last
    }

    /// Whether the user has a socket open on this node.
    pub fn is_online_here(&self, service: &str, identity: &str) -> bool {
        self.sockets
            .lock()
            .map(|m| m.contains_key(&(service.to_owned(), identity.to_owned())))
            .unwrap_or(false)
    }

    /// Whether the user has a socket open anywhere.
    pub fn is_online(
        &self,
        conn: &Conn<'_>,
        service: &str,
        identity: &str,
    ) -> crate::store::StoreResult<bool> {
        match &self.node {
            None => Ok(self.is_online_here(service, identity)),
            Some(_) => {
                crate::store::presence::online(conn, service, identity, conn.now() - STALE_AFTER)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn online_while_any_socket_is_open() {
        let p = Presence::local();
        assert!(p.connect("IS", "a"), "first socket: online");
        assert!(!p.connect("IS", "a"), "second socket: no change");
        assert!(!p.disconnect("IS", "a"));
        assert!(p.is_online_here("IS", "a"));
        assert!(p.disconnect("IS", "a"), "last socket: offline");
        assert!(!p.is_online_here("IS", "a"));
        assert!(!p.disconnect("IS", "a"), "no underflow");
    }
}
