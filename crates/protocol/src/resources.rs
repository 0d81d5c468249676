//! REST resources exactly as the Chat v2 API renders them: snake_case fields,
//! nullable where the reference marks them nullable, `attributes` as a JSON
//! string.

use crate::kinds::{
    BindingType, ChannelType, MessageType, NotificationLevel, RoleType, UserChannelStatus,
    WebhookType,
};
use crate::sid::{
    AccountSid, BindingSid, ChannelSid, CredentialSid, InviteSid, MediaSid, MemberSid, MessageSid,
    RoleSid, ServiceSid, UserSid, WebhookSid,
};
use crate::Timestamp;
use serde::{Deserialize, Serialize};

/// Member and channel limits of a service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceLimits {
    pub channel_members: u32,
    pub user_channels: u32,
}

/// Parley extension of a service (`rate_limits`): the actions per second
/// its users may take before answering 429 (Twilio's fixed 30 each; 0 is
/// unlimited).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateLimits {
    /// Per channel: its messages, members, invites and channel updates.
    pub channel_actions_per_second: u32,
    /// Per service: channels created or deleted, users, roles.
    pub service_actions_per_second: u32,
}

/// One push notification type's settings (added/invited/removed).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationSetting {
    pub enabled: bool,
    pub template: Option<String>,
    pub sound: Option<String>,
}

/// The new-message push settings, which add a badge count switch.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewMessageNotification {
    pub enabled: bool,
    pub template: Option<String>,
    pub sound: Option<String>,
    pub badge_count_enabled: bool,
}

/// A service's push notification templates.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notifications {
    pub log_enabled: bool,
    pub new_message: NewMessageNotification,
    pub added_to_channel: NotificationSetting,
    pub invited_to_channel: NotificationSetting,
    pub removed_from_channel: NotificationSetting,
}

/// Media settings of a service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaSettings {
    pub size_limit_mb: u32,
    pub compatibility_message: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceLinks {
    pub channels: String,
    pub users: String,
    pub roles: String,
    pub bindings: String,
}

/// `IS…` — a chat service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Service {
    pub sid: ServiceSid,
    pub account_sid: AccountSid,
    pub friendly_name: String,
    pub date_created: Timestamp,
    pub date_updated: Timestamp,
    pub default_service_role_sid: Option<RoleSid>,
    pub default_channel_role_sid: Option<RoleSid>,
    pub default_channel_creator_role_sid: Option<RoleSid>,
    pub read_status_enabled: bool,
    pub reachability_enabled: bool,
    pub typing_indicator_timeout: u32,
    pub consumption_report_interval: u32,
    pub limits: ServiceLimits,
    /// Parley extension (absent from Twilio's responses).
    #[serde(default)]
    pub rate_limits: RateLimits,
    pub pre_webhook_url: Option<String>,
    pub post_webhook_url: Option<String>,
    pub webhook_method: Option<String>,
    pub webhook_filters: Option<Vec<String>>,
    pub pre_webhook_retry_count: u32,
    pub post_webhook_retry_count: u32,
    /// Parley extension: when the pre-event webhook times out or cannot
    /// be reached, let the change through instead of rejecting it.
    #[serde(default)]
    pub pre_webhook_fail_open: bool,
    pub notifications: Notifications,
    pub media: MediaSettings,
    pub url: String,
    pub links: ServiceLinks,
}

/// `CR…` — a push credential (secrets are never rendered).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credential {
    pub sid: CredentialSid,
    pub account_sid: AccountSid,
    pub friendly_name: Option<String>,
    #[serde(rename = "type")]
    pub kind: BindingType,
    /// `"True"` or `"False"`, a string as in Twilio's responses.
    pub sandbox: Option<String>,
    pub date_created: Timestamp,
    pub date_updated: Timestamp,
    pub url: String,
    /// Parley extension: why a push provider last refused the credential.
    #[serde(default)]
    pub failure: Option<String>,
    /// Parley extension: when it did.
    #[serde(default)]
    pub date_failed: Option<Timestamp>,
}

/// `RL…` — a role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Role {
    pub sid: RoleSid,
    pub account_sid: AccountSid,
    pub service_sid: ServiceSid,
    pub friendly_name: String,
    #[serde(rename = "type")]
    pub kind: RoleType,
    pub permissions: Vec<String>,
    pub date_created: Timestamp,
    pub date_updated: Timestamp,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserLinks {
    pub user_channels: String,
    pub user_bindings: String,
}

/// `US…` — a user of a service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub sid: UserSid,
    pub account_sid: AccountSid,
    pub service_sid: ServiceSid,
    pub attributes: String,
    pub friendly_name: Option<String>,
    pub role_sid: Option<RoleSid>,
    pub identity: String,
    pub is_online: Option<bool>,
    pub is_notifiable: Option<bool>,
    pub date_created: Timestamp,
    pub date_updated: Timestamp,
    pub joined_channels_count: u32,
    pub links: UserLinks,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserChannelLinks {
    pub channel: String,
    pub member: Option<String>,
}

/// A user's view of one channel: membership status, read horizon, unread count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserChannel {
    pub account_sid: AccountSid,
    pub service_sid: ServiceSid,
    pub channel_sid: ChannelSid,
    pub user_sid: UserSid,
    pub member_sid: Option<MemberSid>,
    pub status: UserChannelStatus,
    pub last_consumed_message_index: Option<i64>,
    pub unread_messages_count: Option<i64>,
    pub links: UserChannelLinks,
    pub url: String,
    pub notification_level: Option<NotificationLevel>,
}

/// `BS…` — a push binding, as listed under the service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Binding {
    pub sid: BindingSid,
    pub account_sid: AccountSid,
    pub service_sid: ServiceSid,
    pub date_created: Timestamp,
    pub date_updated: Timestamp,
    pub endpoint: String,
    pub identity: String,
    pub credential_sid: Option<CredentialSid>,
    pub binding_type: BindingType,
    pub message_types: Vec<String>,
    pub url: String,
    pub links: BindingLinks,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BindingLinks {
    pub user: String,
}

/// `BS…` — a push binding, as listed under its user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserBinding {
    pub sid: BindingSid,
    pub account_sid: AccountSid,
    pub service_sid: ServiceSid,
    pub date_created: Timestamp,
    pub date_updated: Timestamp,
    pub endpoint: String,
    pub identity: String,
    pub user_sid: UserSid,
    pub credential_sid: Option<CredentialSid>,
    pub binding_type: BindingType,
    pub message_types: Vec<String>,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelLinks {
    pub members: String,
    pub messages: String,
    pub invites: String,
    pub webhooks: String,
    pub last_message: Option<String>,
}

/// `CH…` — a channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Channel {
    pub sid: ChannelSid,
    pub account_sid: AccountSid,
    pub service_sid: ServiceSid,
    pub friendly_name: Option<String>,
    pub unique_name: Option<String>,
    pub attributes: String,
    #[serde(rename = "type")]
    pub kind: ChannelType,
    pub date_created: Timestamp,
    pub date_updated: Timestamp,
    pub created_by: String,
    pub members_count: u32,
    pub messages_count: u64,
    pub url: String,
    pub links: ChannelLinks,
}

/// `MB…` — a member of a channel, with its read horizon.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub sid: MemberSid,
    pub account_sid: AccountSid,
    pub channel_sid: ChannelSid,
    pub service_sid: ServiceSid,
    pub identity: String,
    pub date_created: Timestamp,
    pub date_updated: Timestamp,
    pub role_sid: Option<RoleSid>,
    pub last_consumed_message_index: Option<i64>,
    pub last_consumption_timestamp: Option<Timestamp>,
    pub url: String,
    pub attributes: String,
}

/// The media a message carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageMedia {
    pub sid: MediaSid,
    pub size: u64,
    pub content_type: String,
    pub filename: Option<String>,
}

/// `ME…` — an uploaded file (the media service's resource,
/// `/v1/Services/{IS}/Media/{ME}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Media {
    pub sid: MediaSid,
    pub account_sid: AccountSid,
    pub service_sid: ServiceSid,
    /// Set once a message carries it.
    pub channel_sid: Option<ChannelSid>,
    pub message_sid: Option<MessageSid>,
    pub size: u64,
    pub content_type: String,
    pub filename: Option<String>,
    /// The uploader's identity.
    pub author: String,
    pub date_created: Timestamp,
    pub date_updated: Timestamp,
    pub url: String,
    pub links: MediaLinks,
}

/// Where a media file's bytes are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaLinks {
    /// Needs the same credentials as the resource.
    pub content: String,
    /// Works without credentials for a few minutes; each fetch of the
    /// resource gives a new one.
    pub content_direct_temporary: String,
}

/// `IM…` — a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub sid: MessageSid,
    pub account_sid: AccountSid,
    pub attributes: String,
    pub service_sid: ServiceSid,
    pub to: String,
    pub channel_sid: ChannelSid,
    pub date_created: Timestamp,
    pub date_updated: Timestamp,
    pub last_updated_by: Option<String>,
    pub was_edited: bool,
    pub from: String,
    pub body: String,
    pub index: i64,
    #[serde(rename = "type")]
    pub kind: MessageType,
    pub media: Option<MessageMedia>,
    pub url: String,
}

/// `IN…` — an invitation to a channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invite {
    pub sid: InviteSid,
    pub account_sid: AccountSid,
    pub channel_sid: ChannelSid,
    pub service_sid: ServiceSid,
    pub identity: String,
    pub date_created: Timestamp,
    pub date_updated: Timestamp,
    pub role_sid: Option<RoleSid>,
    pub created_by: Option<String>,
    pub url: String,
}

/// Settings of a channel webhook.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookConfiguration {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filters: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub triggers: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flow_sid: Option<String>,
    pub retry_count: u32,
}

/// `WH…` — a webhook scoped to one channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelWebhook {
    pub sid: WebhookSid,
    pub account_sid: AccountSid,
    pub service_sid: ServiceSid,
    pub channel_sid: ChannelSid,
    #[serde(rename = "type")]
    pub kind: WebhookType,
    pub url: String,
    pub configuration: WebhookConfiguration,
    pub date_created: Timestamp,
    pub date_updated: Timestamp,
}

/// One attempt in a service's delivery log (`GET /admin/Services/{IS}/Deliveries`,
/// a Parley admin endpoint).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    pub service_sid: ServiceSid,
    /// `webhook`, `pre-webhook` or `push`.
    pub kind: String,
    /// The event (`onMessageSent`) or push type (`twilio.channel.new_message`).
    pub event: String,
    /// The URL called or the binding pushed to.
    pub target: String,
    /// `delivered`, `retrying`, `failed`, `rejected` or `dropped`.
    pub outcome: String,
    /// The HTTP status the far end answered with.
    pub status: Option<i64>,
    /// 1 for the first attempt.
    pub attempt: i64,
    pub detail: Option<String>,
    pub date_created: Timestamp,
}
