//! The conversation features that ride on messages (docs/attributes.md):
//! a send names whom it mentions, a reply quotes what it answers, a reply
//! in a thread names the thread's first message, and a reaction is a small
//! message of its own that its author removes by deleting it. Everything goes through the outbox, so it works offline and
//! is delivered exactly once.

use parley_protocol::attributes::{self, Marks, Reaction, Reply, Thread};
use parley_protocol::permission::MENTION_CHANNEL;
use parley_protocol::{ChannelSid, MessageSid};

use crate::cache::{MessageView, OutboxKind};
use crate::client::{channel_sid, Client};
use crate::error::{ClientError, Refusal, Result};

/// The longest message body, in bytes (the server's limit).
const MAX_BODY: usize = 32 * 1024;

/// The `@` words of `body` (without the `@`, trailing punctuation cut).
fn at_words(body: &str) -> impl Iterator<Item = &str> {
    body.split(|c: char| c.is_whitespace())
        .filter_map(|w| w.strip_prefix('@'))
        .map(|w| w.trim_end_matches(|c: char| !(c.is_alphanumeric() || "_-.".contains(c))))
        .map(|w| w.trim_end_matches('.'))
        .filter(|w| !w.is_empty())
}

/// Whether `body` calls everyone (`@channel`, `@here`).
pub fn calls_everyone(body: &str) -> bool {
    at_words(body).any(|w| w.eq_ignore_ascii_case("channel") || w.eq_ignore_ascii_case("here"))
}

impl Client {
    fn check_body(body: &str) -> Result<()> {
        if body.trim().is_empty() {
            return Err(ClientError::Refused(Refusal::EmptyMessage));
        }
        if body.len() > MAX_BODY {
            return Err(ClientError::Refused(Refusal::MessageTooLong {
                max_kib: (MAX_BODY / 1024) as u64,
            }));
        }
        Ok(())
    }

    /// The marks a message with `body` carries in `channel`: the members it
    /// names, and everyone when it says `@channel`/`@here` and the user's
    /// role allows it (otherwise the words stay text: nobody is notified).
    fn mentions_in(&self, channel: &ChannelSid, body: &str) -> Result<Marks> {
        let members = self.inner.cache.members(channel)?;
        let mut mentions: Vec<String> = Vec::new();
        for w in at_words(body) {
            if let Some(m) = members.iter().find(|m| m.identity.eq_ignore_ascii_case(w)) {
                if !mentions.contains(&m.identity) && mentions.len() < attributes::MAX_MENTIONS {
                    mentions.push(m.identity.clone());
                }
            }
        }
        let mention_channel = calls_everyone(body) && self.may_mention_everyone(channel)?;
        Ok(Marks {
            mentions,
            mention_channel,
            ..Marks::default()
        })
    }

    /// Whether the user's roles allow `@channel` and `@here` in `channel`.
    pub fn may_mention_everyone(&self, channel: &str) -> Result<bool> {
        Ok(self
            .permissions(channel)?
            .iter()
            .any(|p| p == MENTION_CHANNEL))
    }

    fn enqueue_send(&self, channel: &ChannelSid, body: &str, marks: &Marks) -> Result<i64> {
        let attributes = (*marks != Marks::default()).then(|| marks.write_into("{}"));
        let id = self.inner.cache.enqueue(
            OutboxKind::Send,
            channel,
            None,
            Some(body),
            attributes.as_deref(),
        )?;
        self.after_enqueue(channel);
        Ok(id)
    }

    /// Queues a message, naming the members it mentions (`@identity`); it
    /// shows at once as pending and is delivered exactly once.
    pub fn send(&self, channel: &str, body: &str) -> Result<i64> {
        let channel = &channel_sid(channel)?;
        Self::check_body(body)?;
        let marks = self.mentions_in(channel, body)?;
        let id = self.enqueue_send(channel, body, &marks)?;
        self.inner.cache.set_draft(channel, "")?;
        Ok(id)
    }

    /// Queues a reply to message `to` of `channel`, quoting its start.
    pub fn reply(&self, channel: &str, to: &str, body: &str) -> Result<i64> {
        let channel = &channel_sid(channel)?;
        Self::check_body(body)?;
        let original = self.target(channel, to)?;
        let mut marks = self.mentions_in(channel, body)?;
        marks.reply = Some(Reply {
            to: original.0,
            author: original.1,
            excerpt: attributes::excerpt(&original.2),
        });
        let id = self.enqueue_send(channel, body, &marks)?;
        self.inner.cache.set_draft(channel, "")?;
        Ok(id)
    }

    /// Queues a reply in the thread of message `root` of `channel` (a
    /// message not in a thread itself). The channel's draft is left alone:
    /// the thread has its own composer.
    pub fn reply_in_thread(&self, channel: &str, root: &str, body: &str) -> Result<i64> {
        let channel = &channel_sid(channel)?;
        Self::check_body(body)?;
        let (root, _, _) = self.target(channel, root)?;
        if self
            .inner
            .cache
            .message_by_sid(channel, &root)?
            .is_some_and(|m| m.thread_root.is_some() || Marks::of(&m.attributes).reaction.is_some())
        {
            return Err(ClientError::Refused(Refusal::NoSuchMessage));
        }
        let mut marks = self.mentions_in(channel, body)?;
        marks.thread = Some(Thread { root });
        self.enqueue_send(channel, body, &marks)
    }

    /// The thread of message `root`: the root first, then the replies,
    /// oldest first, then the user's replies not sent yet. Empty when the
    /// root is not cached.
    pub fn thread(&self, channel: &str, root: &str) -> Result<Vec<MessageView>> {
        let channel = &channel_sid(channel)?;
        self.inner.cache.thread(channel, root)
    }

    /// Marks the thread of `root` read up to its newest reply (the sidebar's
    /// mention badge and the root's unread replies follow).
    pub fn mark_thread_read(&self, channel: &str, root: &str) -> Result<()> {
        let channel = &channel_sid(channel)?;
        self.inner.cache.mark_thread_read(channel, root)?;
        self.inner.emit(crate::events::ClientEvent::ChannelsChanged);
        self.inner
            .emit(crate::events::ClientEvent::MessagesChanged {
                channel_sid: channel.clone(),
            });
        Ok(())
    }

    /// Sets the user's status line (`None` or blank: none), keeping the
    /// rest of their attributes. Online only: it is the server's to keep.
    pub async fn set_status(&self, status: Option<&str>) -> Result<()> {
        let status = status.map(str::trim).filter(|s| !s.is_empty());
        let me = self.inner.me();
        let token = self.inner.session.access_token().await?;
        // The attributes as the server has them now, not as cached: another
        // device of the user may have changed them.
        let now = self
            .inner
            .api
            .user(&token, self.inner.service(), me)
            .await?;
        let mut marks = attributes::UserMarks::of(&now.attributes);
        marks.status = status.map(str::to_owned);
        let written = marks.write_into(&now.attributes);
        if attributes::UserMarks::checked(&written).is_err() {
            return Err(ClientError::Refused(Refusal::StatusTooLong {
                max: attributes::MAX_STATUS as u64,
            }));
        }
        let user = self
            .inner
            .api
            .set_user_attributes(&token, self.inner.service(), me, &written)
            .await?;
        self.inner.cache.store_user(&user)?;
        self.inner.emit(crate::events::ClientEvent::UserChanged {
            identity: me.to_owned(),
        });
        Ok(())
    }

    /// The user's status line, as cached.
    pub fn status(&self) -> Result<Option<String>> {
        Ok(self
            .inner
            .cache
            .user_attributes(self.inner.me())?
            .and_then(|a| attributes::UserMarks::of(&a).status))
    }

    /// A delivered message of `channel`: its SID, author and text.
    fn target(&self, channel: &ChannelSid, to: &str) -> Result<(MessageSid, String, String)> {
        let m = MessageSid::parse(to)
            .ok()
            .and_then(|sid| {
                self.inner
                    .cache
                    .message_by_sid(channel, &sid)
                    .ok()
                    .flatten()
            })
            .filter(|m| !m.deleted)
            .ok_or(ClientError::Refused(Refusal::NoSuchMessage))?;
        let sid = m.sid.ok_or(ClientError::Refused(Refusal::NoSuchMessage))?;
        Ok((sid, m.author, m.body))
    }

    /// The index of message `sid` of `channel` in the cache (a reply's
    /// original, to jump to); `None` when it is not cached or deleted.
    pub fn locate(&self, channel: &str, sid: &str) -> Result<Option<i64>> {
        let channel = &channel_sid(channel)?;
        Ok(self
            .target(channel, sid)
            .ok()
            .and_then(|(sid, _, _)| {
                self.inner
                    .cache
                    .message_by_sid(channel, &sid)
                    .ok()
                    .flatten()
            })
            .and_then(|m| m.index))
    }

    /// Reacts to message `to` with `emoji` (nothing when the user already
    /// did with that emoji).
    pub fn react(&self, channel: &str, to: &str, emoji: &str) -> Result<()> {
        let channel = &channel_sid(channel)?;
        let (sid, _, _) = self.target(channel, to)?;
        let marks = Marks {
            reaction: Some(Reaction {
                to: sid.clone(),
                emoji: emoji.to_owned(),
            }),
            ..Marks::default()
        };
        if Marks::checked(&marks.write_into("{}")).is_err() {
            return Err(ClientError::Refused(Refusal::NotAnEmoji));
        }
        let (delivered, pending) =
            self.inner
                .cache
                .own_reactions(channel, &sid, emoji, self.inner.me())?;
        if delivered.is_empty() && pending.is_empty() {
            self.enqueue_send(channel, emoji, &marks)?;
        }
        Ok(())
    }

    /// Takes the user's `emoji` reaction off message `to`: a reaction not
    /// sent yet is dropped, a delivered one deleted.
    pub fn unreact(&self, channel: &str, to: &str, emoji: &str) -> Result<()> {
        let channel = &channel_sid(channel)?;
        let Ok(to) = MessageSid::parse(to) else {
            return Err(ClientError::Refused(Refusal::NoSuchMessage));
        };
        let (delivered, pending) =
            self.inner
                .cache
                .own_reactions(channel, &to, emoji, self.inner.me())?;
        for id in pending {
            self.inner.cache.outbox_discard(id)?;
        }
        for sid in delivered {
            self.inner
                .cache
                .enqueue(OutboxKind::Delete, channel, Some(&sid), None, None)?;
        }
        self.after_enqueue(channel);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_words_find_names_and_everyone_but_not_addresses() {
        let words: Vec<&str> =
            at_words("hi @alice, @Bob. and @carol_l! mail bob@example.com @").collect();
        assert_eq!(words, vec!["alice", "Bob", "carol_l"]);
        assert!(calls_everyone("lunch @here?"));
        assert!(calls_everyone("@Channel: deploy"));
        assert!(!calls_everyone("see #channel or here@x"));
        assert_eq!(at_words("@王小明 你好").collect::<Vec<_>>(), vec!["王小明"]);
    }
}
