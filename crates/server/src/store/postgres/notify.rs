//! Wake-ups between nodes: after a batch with feed changes commits, its
//! node sends `NOTIFY parley_feed` with the newest cursor; every node
//! listens and then reads the changes it has not seen from the `changes`
//! table. The notification is only a hint: the table is the truth, and a
//! listener that misses one catches up on its next poll.

use std::time::Duration;

use postgres::fallible_iterator::FallibleIterator;

use super::StoreError;

/// The channel feed wake-ups go out on.
pub const FEED_CHANNEL: &str = "parley_feed";
/// The channel typing indicators cross nodes on (they are not stored).
pub const TYPING_CHANNEL: &str = "parley_typing";

/// What a wait brought.
#[derive(Debug, Default)]
pub struct Woken {
    /// A feed wake-up came (or the connection was new): read the feed.
    pub feed: bool,
    /// Payloads sent on [`TYPING_CHANNEL`].
    pub typing: Vec<String>,
}

/// A dedicated connection that waits for feed wake-ups.
pub struct Listener {
    url: String,
    client: Option<postgres::Client>,
}

impl Drop for Listener {
    fn drop(&mut self) {
        // As for PgConn: never close a sync client on a tokio worker.
        if let Some(c) = self.client.take() {
            if tokio::runtime::Handle::try_current().is_ok() {
                let _ = std::thread::Builder::new().spawn(move || drop(c));
            }
        }
    }
}

impl std::fmt::Debug for Listener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Listener")
            .field("url", &super::redact(&self.url))
            .finish()
    }
}

impl Listener {
    pub fn new(url: &str) -> Listener {
        Listener {
            url: url.to_owned(),
            client: None,
        }
    }

    /// Waits up to `timeout` for notifications. Reconnects (and reports an
    /// error) when the connection broke, so the caller polls the table
    /// either way.
    pub fn wait(&mut self, timeout: Duration) -> Result<Woken, StoreError> {
        if self.client.as_ref().is_none_or(|c| c.is_closed()) {
            let mut c = super::connect(&self.url)?;
            c.batch_execute(&format!("LISTEN {FEED_CHANNEL}; LISTEN {TYPING_CHANNEL}"))?;
            self.client = Some(c);
            // Whatever was committed while we were not listening is read by
            // the caller's poll right after this.
            return Ok(Woken {
                feed: true,
                typing: Vec::new(),
            });
        }
        let Some(client) = self.client.as_mut() else {
            return Ok(Woken::default());
        };
        let mut woke = Woken::default();
        let mut take = |n: postgres::Notification| {
            if n.channel() == TYPING_CHANNEL {
                woke.typing.push(n.payload().to_owned());
            } else {
                woke.feed = true;
            }
        };
        let mut failed = None;
        {
            let mut n = client.notifications();
            match n.timeout_iter(timeout).next() {
                Ok(Some(x)) => take(x),
                Ok(None) => {}
                Err(e) => failed = Some(e),
            }
            if failed.is_none() {
                // Drain what else is queued without waiting.
                let mut rest = n.iter();
                while let Ok(Some(x)) = rest.next() {
                    take(x);
                }
            }
        }
        if let Some(e) = failed {
            self.client = None;
            return Err(e.into());
        }
        Ok(woke)
    }
}
