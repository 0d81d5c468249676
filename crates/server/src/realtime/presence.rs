//! Who is online: a user is online while at least one of their sockets is
//! open. Kept in memory; the User resource reads it, and transitions are
//! announced as `userUpdated` changes.

use std::collections::HashMap;
use std::sync::Mutex;

/// Open-socket counts per (service, identity).
#[derive(Debug, Default)]
pub struct Presence {
    sockets: Mutex<HashMap<(String, String), usize>>,
}

impl Presence {
    /// Counts a new socket; true when the user just came online.
    pub fn connect(&self, service: &str, identity: &str) -> bool {
        let Ok(mut m) = self.sockets.lock() else {
            return false;
        };
        let n = m
            .entry((service.to_owned(), identity.to_owned()))
            .or_insert(0);
        *n += 1;
        *n == 1
    }

    /// Counts a closed socket; true when the user just went offline.
    pub fn disconnect(&self, service: &str, identity: &str) -> bool {
        let Ok(mut m) = self.sockets.lock() else {
            return false;
        };
        let key = (service.to_owned(), identity.to_owned());
        match m.get_mut(&key) {
            Some(n) if *n > 1 => {
                *n -= 1;
                false
            }
            Some(_) => {
                m.remove(&key);
                true
            }
            None => false,
        }
    }

    pub fn is_online(&self, service: &str, identity: &str) -> bool {
        self.sockets
            .lock()
            .map(|m| m.contains_key(&(service.to_owned(), identity.to_owned())))
            .unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn online_while_any_socket_is_open() {
        let p = Presence::default();
        assert!(p.connect("IS", "a"), "first socket: online");
        assert!(!p.connect("IS", "a"), "second socket: no change");
        assert!(!p.disconnect("IS", "a"));
        assert!(p.is_online("IS", "a"));
        assert!(p.disconnect("IS", "a"), "last socket: offline");
        assert!(!p.is_online("IS", "a"));
        assert!(!p.disconnect("IS", "a"), "no underflow");
    }
}
