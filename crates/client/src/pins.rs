//! Pins and saved messages (docs/attributes.md). A channel's pins are in
//! its `Attributes.parley.pins`, so who may pin is whoever the channel role
//! lets edit the channel's attributes (the server checks); a pin reads the
//! attributes fresh from the server and writes them back whole, keeping what
//! other clients keep there. Saved messages are the user's alone and stay in
//! this account's cache.

use parley_protocol::attributes::{ChannelMarks, MAX_PINS};
use parley_protocol::{ChannelSid, MessageSid};
use serde::{Deserialize, Serialize};

use crate::cache::MessageView;
use crate::client::{channel_sid, Client};
use crate::error::{ClientError, Refusal, Result};

/// The cache setting that holds the saved messages (JSON).
pub(crate) const SAVED_KEY: &str = "saved";
/// Most messages a user saves.
const MAX_SAVED: usize = 500;

/// A saved message: where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Saved {
    pub channel: ChannelSid,
    pub message: MessageSid,
}

impl Client {
    fn message_sid(sid: &str) -> Result<MessageSid> {
        MessageSid::parse(sid).map_err(|_| ClientError::Refused(Refusal::NoSuchMessage))
    }

    /// Pins (or unpins) message `sid` of `channel`.
    pub async fn set_pinned(&self, channel: &str, sid: &str, pinned: bool) -> Result<()> {
        let channel = &channel_sid(channel)?;
        let sid = Self::message_sid(sid)?;
        let token = self.inner.session.access_token().await?;
        let (api, svc) = (&self.inner.api, self.inner.service());
        let ch = api.channel(&token, svc, channel).await?;
        let mut marks = ChannelMarks::of(&ch.attributes);
        marks.pins.retain(|p| *p != sid);
        if pinned {
            if marks.pins.len() >= MAX_PINS {
                return Err(ClientError::Refused(Refusal::TooManyPins {
                    max: MAX_PINS as u64,
                }));
            }
            marks.pins.push(sid);
        }
        api.set_channel_attributes(&token, svc, channel, &marks.write_into(&ch.attributes))
            .await?;
        crate::sync::refresh_channel(&self.inner, channel).await
    }

    /// The pinned messages of `channel` that are cached, oldest pin first.
    pub fn pinned(&self, channel: &str) -> Result<Vec<MessageView>> {
        let channel = &channel_sid(channel)?;
        let Some(attributes) = self.inner.cache.channel_attributes(channel)? else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for sid in ChannelMarks::of(&attributes).pins {
            if let Some(m) = self.inner.cache.message_by_sid(channel, &sid)? {
                out.push(m);
            }
        }
        Ok(out)
    }

    /// Saves (or forgets) message `sid` of `channel` for later. The list is
    /// the user's alone, kept in this account's cache: a user's attributes
    /// on the server are readable by every user of the service, and which
    /// messages someone saves is nobody else's business.
    pub async fn set_saved(&self, channel: &str, sid: &str, saved: bool) -> Result<()> {
        let channel: ChannelSid = channel_sid(channel)?;
        let sid = Self::message_sid(sid)?;
        let mut list = self.saved_list()?;
        list.retain(|s| s.message != sid);
        if saved {
            list.insert(
                0,
                Saved {
                    channel: channel.clone(),
                    message: sid,
                },
            );
            list.truncate(MAX_SAVED);
        }
        let json = serde_json::to_string(&list)
            .map_err(|e| ClientError::Cache(format!("cannot keep saved messages: {e}")))?;
        self.inner.cache.set_setting(SAVED_KEY, &json)?;
        self.inner.emit(crate::ClientEvent::MessagesChanged {
            channel_sid: channel,
        });
        Ok(())
    }

    fn saved_list(&self) -> Result<Vec<Saved>> {
        Ok(self
            .inner
            .cache
            .setting(SAVED_KEY)?
            .and_then(|j| serde_json::from_str(&j).ok())
            .unwrap_or_default())
    }

    /// The user's saved messages that are cached, newest save first.
    pub fn saved(&self) -> Result<Vec<MessageView>> {
        let mut out = Vec::new();
        for s in self.saved_list()? {
            if let Some(m) = self.inner.cache.message_by_sid(&s.channel, &s.message)? {
                out.push(m);
            }
        }
        Ok(out)
    }
}
