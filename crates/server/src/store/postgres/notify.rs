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

/// A dedicated connection that waits for feed wake-ups.
pub struct Listener {
    url: String,
    client: Option<postgres::Client>,
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

    /// Waits up to `timeout` for a wake-up; `Ok(true)` if one (or more)
    /// came. Reconnects (and reports an error) when the connection broke,
    /// so the caller polls the table either way.
    pub fn wait(&mut self, timeout: Duration) -> Result<bool, StoreError> {
        if self.client.as_ref().is_none_or(|c| c.is_closed()) {
            let mut c = super::connect(&self.url)?;
            c.batch_execute(&format!("LISTEN {FEED_CHANNEL}"))?;
            self.client = Some(c);
            // Whatever was committed while we were not listening is read by
            // the caller's poll right after this.
            return Ok(true);
        }
        let Some(client) = self.client.as_mut() else {
            return Ok(false);
        };
        let mut woke = false;
        let mut failed = None;
        {
            let mut n = client.notifications();
            match n.timeout_iter(timeout).next() {
                Ok(Some(_)) => woke = true,
                Ok(None) => {}
                Err(e) => failed = Some(e),
            }
            if failed.is_none() {
                // Drain what else is queued without waiting.
                let mut rest = n.iter();
                while let Ok(Some(_)) = rest.next() {
                    woke = true;
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
