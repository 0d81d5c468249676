//! Parley's marks on a message (`Attributes.parley`: a reaction, a reply,
//! mentions; `parley_protocol::attributes`), checked wherever a message is
//! written, inside the write's transaction: the object is well-formed, a
//! reaction's or a reply's target is a message of the same channel, and only
//! a role with `mentionChannel` may mention everyone. The store derives the
//! `hidden` column from the same marks (no unread count, no push).

use parley_protocol::attributes::{Marks, MarksError};
use parley_protocol::permission::MENTION_CHANNEL;
use parley_protocol::{ChannelSid, ErrorCode};

use crate::access::ChannelView;
use crate::error::{ApiError, ApiResult};
use crate::store::{self, Tx};

fn invalid(e: MarksError) -> ApiError {
    ApiError::new(ErrorCode::InvalidParameter, e.to_string())
}

/// Checks the marks in `attributes` of a message written to `channel` by a
/// caller with `view`; `own` is the message's SID on an edit (a message
/// cannot react to or answer itself).
pub fn check(
    tx: &Tx<'_>,
    view: &ChannelView,
    channel: &ChannelSid,
    attributes: &str,
    own: Option<&str>,
) -> ApiResult<()> {
    let Some(marks) = Marks::checked(attributes).map_err(invalid)? else {
        return Ok(());
    };
    let targets = marks
        .reaction
        .as_ref()
        .map(|r| (&r.to, "reaction"))
        .into_iter()
        .chain(marks.reply.as_ref().map(|r| (&r.to, "reply")));
    for (to, what) in targets {
        if own == Some(to.as_str()) || store::messages::get(tx, channel, to)?.is_none() {
            return Err(ApiError::new(
                ErrorCode::InvalidParameter,
                format!("Attributes.parley.{what}.to names no other message of this channel"),
            ));
        }
    }
    if marks.mention_channel {
        view.require(MENTION_CHANNEL)?;
    }
    Ok(())
}

/// Whether a message with `attributes` is hidden (a reaction).
pub fn hidden(attributes: &str) -> bool {
    Marks::of(attributes).is_hidden()
}
