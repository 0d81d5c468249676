//! Parley's marks on a message (`Attributes.parley`: a reaction, a reply,
//! a thread, mentions; `parley_protocol::attributes`), checked wherever a message is
//! written, inside the write's transaction: the object is well-formed, a
//! reaction's or a reply's target is a message of the same channel (see
//! [`check`] for the rest), and only a role with `mentionChannel` may mention
//! everyone. The store derives the
//! `hidden` column from the same marks (no unread count, no push). A
//! thread's replies go when its first message is deleted ([`replies`]).

use parley_protocol::attributes::{self, Marks, MarksError};
use parley_protocol::permission::MENTION_CHANNEL;
use parley_protocol::{ChannelSid, ErrorCode, MessageSid};

use crate::access::ChannelView;
use crate::error::{ApiError, ApiResult};
use crate::store::messages::MessageRow;
use crate::store::{self, Tx};

fn invalid(e: MarksError) -> ApiError {
    ApiError::new(ErrorCode::InvalidParameter, e.to_string())
}

/// A message as it is about to be stored.
#[derive(Debug, Clone, Copy)]
pub struct Written<'a> {
    pub attributes: &'a str,
    pub body: &'a str,
    pub has_media: bool,
}

fn refuse(what: &str) -> ApiError {
    ApiError::new(ErrorCode::InvalidParameter, what.to_owned())
}

/// Checks the marks of message `w` written to `channel` by a caller with
/// `view`; `before` is the stored message on an edit. Besides the shape:
/// - a reaction's or reply's target is another message of this channel;
/// - a reaction is its emoji and nothing else (its body is the emoji, no
///   file), and a message never becomes one or stops being one by an edit:
///   otherwise any text could be hidden from Parley's timelines;
/// - a reply quotes its original as it is (its author and the start of its
///   text), so nobody can put words in another's mouth;
/// - a thread's root is a message of this channel that is neither in a
///   thread nor a reaction, and an edit never moves a message between a
///   thread and the channel (what others read where would change);
/// - everyone is mentioned only with `mentionChannel`.
pub fn check(
    tx: &Tx<'_>,
    view: &ChannelView,
    channel: &ChannelSid,
    w: Written<'_>,
    before: Option<&MessageRow>,
) -> ApiResult<()> {
    let marks = Marks::checked(w.attributes)
        .map_err(invalid)?
        .unwrap_or_default();
    if let Some(before) = before {
        if Marks::of(&before.attributes).reaction.is_some() != marks.reaction.is_some() {
            return Err(refuse(
                "Attributes.parley.reaction: a message cannot become a reaction or stop being one",
            ));
        }
        if Marks::of(&before.attributes).thread != marks.thread {
            return Err(refuse(
                "Attributes.parley.thread: an edit cannot move a message into, out of or between threads",
            ));
        }
    }
    let own = before.map(|b| b.sid.as_str());
    let target = |to: &MessageSid, field: &str| -> ApiResult<MessageRow> {
        match store::messages::get(tx, channel, to)? {
            Some(m) if own != Some(to.as_str()) => Ok(m),
            _ => Err(refuse(&format!(
                "Attributes.parley.{field} names no other message of this channel"
            ))),
        }
    };
    if let Some(r) = &marks.reaction {
        target(&r.to, "reaction.to")?;
        if w.body != r.emoji || w.has_media {
            return Err(refuse(
                "Attributes.parley.reaction: a reaction's Body is its emoji, with no media",
            ));
        }
    }
    if let Some(r) = &marks.reply {
        let original = target(&r.to, "reply.to")?;
        if r.author != original.author || r.excerpt != attributes::excerpt(&original.body) {
            return Err(refuse(
                "Attributes.parley.reply: author and excerpt must be the original's",
            ));
        }
    }
    // An edit that keeps its thread was checked when the reply was written.
    let kept = before.is_some_and(|b| Marks::of(&b.attributes).thread == marks.thread);
    if let Some(t) = marks.thread.as_ref().filter(|_| !kept) {
        let root = target(&t.root, "thread.root")?;
        if hidden(&root.attributes) {
            return Err(refuse(
                "Attributes.parley.thread.root is a reaction or in a thread itself: threads are one level deep",
            ));
        }
    }
    if marks.mention_channel {
        view.require(MENTION_CHANNEL)?;
    }
    Ok(())
}

/// Whether a message with `attributes` is hidden (a reaction, a reply in a
/// thread).
pub fn hidden(attributes: &str) -> bool {
    Marks::of(attributes).is_hidden()
}

/// The replies in the thread of `root` (none for a message that cannot be a
/// root): deleting a thread's first message deletes them with it, as in
/// Mattermost, so that no reply is left hidden with nothing to show it on.
pub fn replies(tx: &Tx<'_>, root: &MessageRow) -> ApiResult<Vec<MessageRow>> {
    if hidden(&root.attributes) {
        return Ok(Vec::new());
    }
    Ok(
        store::messages::thread_candidates(tx, &root.channel_sid, &root.sid)?
            .into_iter()
            .filter(|m| {
                Marks::of(&m.attributes)
                    .thread
                    .is_some_and(|t| t.root == root.sid)
            })
            .collect(),
    )
}

/// Checks Parley's marks in a user's `attributes` (a status line).
pub fn check_user(attributes: &str) -> ApiResult<()> {
    attributes::UserMarks::checked(attributes)
        .map(|_| ())
        .map_err(invalid)
}
