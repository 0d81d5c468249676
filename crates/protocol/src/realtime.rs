//! Frames of the realtime WebSocket (`/v2/Services/{ServiceSid}/Stream`) and
//! the polled change feed. See `docs/protocol.md` for the semantics.
//!
//! Every change a user may see is an [`Event`] with a `cursor` that grows
//! for that user; control frames (typing, token lifetime, resync) carry none.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::sid::{ChannelSid, ServiceSid};

/// The WebSocket subprotocol a client offers and the server selects.
pub const SUBPROTOCOL: &str = "parley.v1";
/// Prefix of the subprotocol entry that carries an access token
/// (`Sec-WebSocket-Protocol: parley.v1, access_token.<jwt>`).
pub const TOKEN_SUBPROTOCOL_PREFIX: &str = "access_token.";

/// Close codes the server uses.
pub mod close {
    /// The first frame was not a valid `auth` frame, or came too late.
    pub const AUTH_FAILED: u16 = 4001;
    /// The access token expired and was not renewed with `updateToken`.
    pub const TOKEN_EXPIRED: u16 = 4002;
    /// The client could not keep up; reconnect with `since` = last cursor.
    pub const SLOW_CONSUMER: u16 = 4008;
    /// A frame could not be understood.
    pub const PROTOCOL_ERROR: u16 = 4000;
    /// No frame or pong within the heartbeat window.
    pub const HEARTBEAT_TIMEOUT: u16 = 4009;
    /// The server is shutting down; reconnect with `since`.
    pub const GOING_AWAY: u16 = 1001;
    /// A frame was larger than [`super::MAX_FRAME_BYTES`].
    pub const MESSAGE_TOO_BIG: u16 = 1009;
}

/// The largest frame (and message) a client may send, in bytes.
pub const MAX_FRAME_BYTES: usize = 64 * 1024;

/// A change, with the resource in its REST shape under `data`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Position in the user's feed; resume with `since` = the last one applied.
    pub cursor: i64,
    /// The channel the change belongs to, when it belongs to one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel_sid: Option<ChannelSid>,
    /// The resource after the change (for `…Removed`, as it was).
    pub data: Value,
}

/// Kinds of change events, as named on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum EventKind {
    MessageAdded,
    MessageUpdated,
    MessageRemoved,
    ChannelAdded,
    ChannelUpdated,
    ChannelRemoved,
    MemberJoined,
    MemberLeft,
    MemberUpdated,
    UserChannelUpdated,
    UserUpdated,
    InviteAdded,
    InviteRemoved,
}

impl EventKind {
    /// The wire name (`messageAdded`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::MessageAdded => "messageAdded",
            EventKind::MessageUpdated => "messageUpdated",
            EventKind::MessageRemoved => "messageRemoved",
            EventKind::ChannelAdded => "channelAdded",
            EventKind::ChannelUpdated => "channelUpdated",
            EventKind::ChannelRemoved => "channelRemoved",
            EventKind::MemberJoined => "memberJoined",
            EventKind::MemberLeft => "memberLeft",
            EventKind::MemberUpdated => "memberUpdated",
            EventKind::UserChannelUpdated => "userChannelUpdated",
            EventKind::UserUpdated => "userUpdated",
            EventKind::InviteAdded => "inviteAdded",
            EventKind::InviteRemoved => "inviteRemoved",
        }
    }

    pub fn parse(s: &str) -> Option<EventKind> {
        serde_json::from_value(Value::String(s.to_owned())).ok()
    }
}

/// A change event as it appears in the feed: kind plus [`Event`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeedEntry {
    #[serde(rename = "type")]
    pub kind: EventKind,
    #[serde(flatten)]
    pub event: Event,
}

/// Sent once the socket is authenticated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Connected {
    pub identity: String,
    pub service_sid: ServiceSid,
    /// The newest cursor at connect time.
    pub cursor: i64,
    /// The service's typing indicator timeout, seconds.
    pub typing_timeout: u32,
    /// Unix seconds at which the access token expires.
    pub token_expires_at: i64,
}

/// Frames the server sends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum ServerFrame {
    Connected(Connected),
    /// Every change after `since` has been sent; live events follow.
    CaughtUp {
        cursor: i64,
    },
    /// `since` is older than the feed keeps (or unknown): rebuild state over
    /// REST, then continue from `cursor`.
    ResyncRequired {
        cursor: i64,
        reason: String,
    },
    MessageAdded(Event),
    MessageUpdated(Event),
    MessageRemoved(Event),
    ChannelAdded(Event),
    ChannelUpdated(Event),
    ChannelRemoved(Event),
    MemberJoined(Event),
    MemberLeft(Event),
    MemberUpdated(Event),
    UserChannelUpdated(Event),
    UserUpdated(Event),
    InviteAdded(Event),
    InviteRemoved(Event),
    TypingStarted {
        channel_sid: ChannelSid,
        identity: String,
        timeout: u32,
    },
    TypingEnded {
        channel_sid: ChannelSid,
        identity: String,
    },
    TokenAboutToExpire {
        expires_at: i64,
    },
    TokenExpired,
    TokenUpdated {
        expires_at: i64,
    },
    Pong,
    Error {
        code: u32,
        message: String,
    },
}

impl ServerFrame {
    /// Wraps a change event in its frame.
    pub fn event(kind: EventKind, e: Event) -> ServerFrame {
        match kind {
            EventKind::MessageAdded => ServerFrame::MessageAdded(e),
            EventKind::MessageUpdated => ServerFrame::MessageUpdated(e),
            EventKind::MessageRemoved => ServerFrame::MessageRemoved(e),
            EventKind::ChannelAdded => ServerFrame::ChannelAdded(e),
            EventKind::ChannelUpdated => ServerFrame::ChannelUpdated(e),
            EventKind::ChannelRemoved => ServerFrame::ChannelRemoved(e),
            EventKind::MemberJoined => ServerFrame::MemberJoined(e),
            EventKind::MemberLeft => ServerFrame::MemberLeft(e),
            EventKind::MemberUpdated => ServerFrame::MemberUpdated(e),
            EventKind::UserChannelUpdated => ServerFrame::UserChannelUpdated(e),
            EventKind::UserUpdated => ServerFrame::UserUpdated(e),
            EventKind::InviteAdded => ServerFrame::InviteAdded(e),
            EventKind::InviteRemoved => ServerFrame::InviteRemoved(e),
        }
    }

    /// The change event inside, if this is one.
    pub fn as_event(&self) -> Option<(EventKind, &Event)> {
        Some(match self {
            ServerFrame::MessageAdded(e) => (EventKind::MessageAdded, e),
            ServerFrame::MessageUpdated(e) => (EventKind::MessageUpdated, e),
            ServerFrame::MessageRemoved(e) => (EventKind::MessageRemoved, e),
            ServerFrame::ChannelAdded(e) => (EventKind::ChannelAdded, e),
            ServerFrame::ChannelUpdated(e) => (EventKind::ChannelUpdated, e),
            ServerFrame::ChannelRemoved(e) => (EventKind::ChannelRemoved, e),
            ServerFrame::MemberJoined(e) => (EventKind::MemberJoined, e),
            ServerFrame::MemberLeft(e) => (EventKind::MemberLeft, e),
            ServerFrame::MemberUpdated(e) => (EventKind::MemberUpdated, e),
            ServerFrame::UserChannelUpdated(e) => (EventKind::UserChannelUpdated, e),
            ServerFrame::UserUpdated(e) => (EventKind::UserUpdated, e),
            ServerFrame::InviteAdded(e) => (EventKind::InviteAdded, e),
            ServerFrame::InviteRemoved(e) => (EventKind::InviteRemoved, e),
            _ => return None,
        })
    }
}

/// Frames the client sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum ClientFrame {
    /// First frame when the token is not in `Sec-WebSocket-Protocol`.
    Auth {
        token: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        since: Option<i64>,
    },
    /// Resume point when the token came in the handshake (first frame).
    Resume {
        since: i64,
    },
    /// "I am typing in this channel."
    Typing {
        channel_sid: String,
    },
    /// Replace the access token (same identity and service) before it expires.
    UpdateToken {
        token: String,
    },
    Ping,
}

/// `GET /v2/Services/{ServiceSid}/Users/{Identity}/Changes` response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangesPage {
    pub changes: Vec<FeedEntry>,
    /// Pass as `Since` to get the next page (the last cursor returned, or
    /// `Since` itself when there was nothing new).
    pub next_since: i64,
    /// True when more changes follow right away.
    pub has_more: bool,
    /// The newest cursor of the feed when the page was read.
    pub head: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_frames_are_flat_with_a_camel_case_type() {
        let ch = ChannelSid::generate();
        let f = ServerFrame::event(
            EventKind::MessageAdded,
            Event {
                cursor: 7,
                channel_sid: Some(ch.clone()),
                data: serde_json::json!({"index": 0}),
            },
        );
        let v = serde_json::to_value(&f).expect("serialize");
        assert_eq!(
            v,
            serde_json::json!({"type": "messageAdded", "cursor": 7, "channel_sid": ch.as_str(), "data": {"index": 0}})
        );
        let back: ServerFrame = serde_json::from_value(v).expect("parse");
        assert_eq!(
            back.as_event().map(|(k, e)| (k, e.cursor)),
            Some((EventKind::MessageAdded, 7))
        );
    }

    #[test]
    fn control_frames_round_trip() {
        for f in [
            ServerFrame::TypingStarted {
                channel_sid: ChannelSid::generate(),
                identity: "a".into(),
                timeout: 5,
            },
            ServerFrame::TokenExpired,
            ServerFrame::ResyncRequired {
                cursor: 9,
                reason: "too old".into(),
            },
        ] {
            let s = serde_json::to_string(&f).expect("serialize");
            assert_eq!(serde_json::from_str::<ServerFrame>(&s).expect("parse"), f);
        }
        let c: ClientFrame =
            serde_json::from_str(r#"{"type":"typing","channel_sid":"CH1"}"#).expect("parse");
        assert_eq!(
            c,
            ClientFrame::Typing {
                channel_sid: "CH1".into()
            }
        );
        let a: ClientFrame = serde_json::from_str(r#"{"type":"auth","token":"t"}"#).expect("parse");
        assert_eq!(
            a,
            ClientFrame::Auth {
                token: "t".into(),
                since: None
            }
        );
    }

    #[test]
    fn every_event_kind_parses_from_its_wire_name() {
        for k in [
            EventKind::MessageAdded,
            EventKind::UserChannelUpdated,
            EventKind::InviteRemoved,
        ] {
            assert_eq!(EventKind::parse(k.as_str()), Some(k));
        }
    }
}
