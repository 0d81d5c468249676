//! Every type that crosses the wire between parley-server and its clients.
//!
//! The REST resources follow the Programmable Chat v2 shapes (snake_case JSON,
//! Twilio dates, attributes as JSON strings); the server renders them and the
//! client parses them, so a change of shape here is a change of the protocol.
//! This crate depends on neither side.

pub mod admin;
pub mod attributes;
pub mod error;
pub mod kinds;
pub mod media;
pub mod paging;
pub mod permission;
pub mod realtime;
pub mod resources;
pub mod sid;
pub mod template;
pub mod timestamp;
pub mod token;

pub use error::{ErrorBody, ErrorCode};
pub use kinds::{
    BindingType, ChannelType, MessageType, NotificationLevel, RoleType, UserChannelStatus,
    WebhookType,
};
pub use paging::Meta;
pub use sid::{
    AccountSid, ApiKeySid, BindingSid, ChannelSid, CredentialSid, InviteSid, MediaSid, MemberSid,
    MessageSid, RoleSid, ServiceSid, SidError, SidKind, TypedSid, UserSid, WebhookSid,
};
pub use timestamp::{Clock, Timestamp};
