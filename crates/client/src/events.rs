//! Events the client emits for a UI to redraw from the cache.

use parley_protocol::ChannelSid;
use serde::Serialize;

/// Connection to the server.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ConnectionState {
    Offline,
    Connecting,
    Online,
}

/// Something changed; read the cache again.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum ClientEvent {
    /// The channel list (names, membership, unread counts) changed.
    ChannelsChanged,
    /// Messages of a channel changed (new, edited, deleted, read receipts, outbox).
    MessagesChanged { channel_sid: ChannelSid },
    /// A user's profile or presence (online or not) changed.
    UserChanged { identity: String },
    /// Who is typing in a channel now.
    Typing {
        channel_sid: ChannelSid,
        identities: Vec<String>,
    },
    /// Connection state, with the last successful sync (Unix seconds).
    Connection {
        state: ConnectionState,
        #[cfg_attr(feature = "ts", ts(type = "number | null"))]
        last_sync: Option<i64>,
    },
    /// The access token was renewed before it expired (token state).
    TokenRefreshed,
    /// The session ended (refresh refused): sign in again.
    SessionExpired,
    /// A file is moving: `key` is `up:{outbox id}` or `down:{media sid}`.
    Transfer {
        key: String,
        channel_sid: Option<ChannelSid>,
        direction: crate::media::Direction,
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        done: u64,
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        total: u64,
    },
    /// A native notification was shown; a click should open `channel_sid`.
    Notified {
        summary: String,
        body: String,
        channel_sid: Option<ChannelSid>,
    },
}
