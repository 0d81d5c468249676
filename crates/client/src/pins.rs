//! Pins and saved messages (docs/attributes.md). A channel's pins are in
//! its `Attributes.parley.pins`, so who may pin is whoever the channel role
//! lets edit the channel's attributes (the server checks); a user's saved
//! messages are in their own `Attributes.parley.saved`, which only they
//! (and admins) may write. Each change reads the attributes fresh from the
//! server and writes them back whole, keeping what other clients keep there.

use parley_protocol::attributes::{ChannelMarks, Saved, UserMarks, MAX_PINS, MAX_SAVED};
use parley_protocol::{ChannelSid, MessageSid};

use crate::cache::MessageView;
use crate::client::{channel_sid, Client};
use crate::error::{ClientError, Refusal, Result};

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

    /// Saves (or forgets) message `sid` of `channel` for later.
    pub async fn set_saved(&self, channel: &str, sid: &str, saved: bool) -> Result<()> {
        let channel: ChannelSid = channel_sid(channel)?;
        let sid = Self::message_sid(sid)?;
        let token = self.inner.session.access_token().await?;
        let (api, svc, me) = (&self.inner.api, self.inner.service(), self.inner.me());
        let user = api.user(&token, svc, me).await?;
        let mut marks = UserMarks::of(&user.attributes);
        marks.saved.retain(|s| s.message != sid);
        if saved {
            marks.saved.insert(
                0,
                Saved {
                    channel: channel.clone(),
                    message: sid,
                },
            );
            marks.saved.truncate(MAX_SAVED);
        }
        let updated = api
            .set_user_attributes(&token, svc, me, &marks.write_into(&user.attributes))
            .await?;
        self.inner.cache.store_user(&updated)?;
        self.inner.emit(crate::ClientEvent::MessagesChanged {
            channel_sid: channel,
        });
        Ok(())
    }

    /// The user's saved messages that are cached, newest save first.
    pub fn saved(&self) -> Result<Vec<MessageView>> {
        let attributes = self
            .inner
            .cache
            .user_attributes(self.inner.me())?
            .unwrap_or_default();
        let mut out = Vec::new();
        for s in UserMarks::of(&attributes).saved {
            if let Some(m) = self.inner.cache.message_by_sid(&s.channel, &s.message)? {
                out.push(m);
            }
        }
        Ok(out)
    }
}
