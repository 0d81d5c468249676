//! The permission vocabulary of roles, and the default role sets every service
//! starts with. Twilio's vocabulary, and one permission of Parley's own:
//! [`MENTION_CHANNEL`].

pub use crate::kinds::RoleType;

const DEPLOYMENT_ONLY: &[&str] = &[
    "createChannel",
    "joinChannel",
    "editOwnUserInfo",
    "editAnyUserInfo",
];
const CHANNEL_ONLY: &[&str] = &[
    "sendMessage",
    "sendMediaMessage",
    "leaveChannel",
    "deleteOwnMessage",
    "editNotificationLevel",
    "editOwnMemberAttributes",
];
/// Parley's: mention everyone in a channel (`@channel`, `@here`), which
/// notifies members whose level is "mentions only".
pub const MENTION_CHANNEL: &str = "mentionChannel";

const BOTH: &[&str] = &[
    MENTION_CHANNEL,
    "destroyChannel",
    "inviteMember",
    "removeMember",
    "editChannelName",
    "editChannelAttributes",
    "addMember",
    "editOwnMessage",
    "editAnyMessage",
    "editOwnMessageAttributes",
    "editAnyMessageAttributes",
    "deleteAnyMessage",
    "editAnyMemberAttributes",
];

/// Every permission a role of type `ty` may hold: those of its type first,
/// then those both types share, in a stable order (the console's matrix).
pub fn for_type(ty: RoleType) -> Vec<&'static str> {
    let own = match ty {
        RoleType::Deployment => DEPLOYMENT_ONLY,
        RoleType::Channel => CHANNEL_ONLY,
    };
    own.iter().chain(BOTH).copied().collect()
}

/// Whether `name` is a permission a role of type `ty` may hold.
pub fn is_valid(ty: RoleType, name: &str) -> bool {
    BOTH.contains(&name)
        || match ty {
            RoleType::Deployment => DEPLOYMENT_ONLY.contains(&name),
            RoleType::Channel => CHANNEL_ONLY.contains(&name),
        }
}

/// Default "service admin" (deployment) role.
pub const SERVICE_ADMIN: &[&str] = &[
    "createChannel",
    "joinChannel",
    "destroyChannel",
    "editChannelAttributes",
    "editChannelName",
    "addMember",
    "inviteMember",
    "removeMember",
    "editAnyMemberAttributes",
    "editAnyMessage",
    "deleteAnyMessage",
    "editAnyMessageAttributes",
    "editAnyUserInfo",
    MENTION_CHANNEL,
];

/// Default "service user" (deployment) role.
pub const SERVICE_USER: &[&str] = &["createChannel", "joinChannel", "editOwnUserInfo"];

/// Default "channel admin" (channel) role, given to channel creators.
pub const CHANNEL_ADMIN: &[&str] = &[
    "addMember",
    "deleteAnyMessage",
    "destroyChannel",
    "editAnyMessage",
    "editAnyMessageAttributes",
    "editAnyMemberAttributes",
    "editChannelAttributes",
    "editChannelName",
    "inviteMember",
    "leaveChannel",
    "removeMember",
    "sendMessage",
    "sendMediaMessage",
    "editNotificationLevel",
    "editOwnMessage",
    "editOwnMessageAttributes",
    "deleteOwnMessage",
    "editOwnMemberAttributes",
    MENTION_CHANNEL,
];

/// Default "channel user" (channel) role.
pub const CHANNEL_USER: &[&str] = &[
    "sendMessage",
    "sendMediaMessage",
    "leaveChannel",
    "editOwnMessage",
    "editOwnMessageAttributes",
    "deleteOwnMessage",
    "editOwnMemberAttributes",
    "editNotificationLevel",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_roles_only_hold_permissions_valid_for_their_type() {
        for p in SERVICE_ADMIN.iter().chain(SERVICE_USER) {
            assert!(is_valid(RoleType::Deployment, p), "{p}");
        }
        for p in CHANNEL_ADMIN.iter().chain(CHANNEL_USER) {
            assert!(is_valid(RoleType::Channel, p), "{p}");
        }
    }

    #[test]
    fn unknown_and_misplaced_permissions_are_invalid() {
        assert!(!is_valid(RoleType::Channel, "createChannel"));
        assert!(!is_valid(RoleType::Deployment, "sendMessage"));
        assert!(!is_valid(RoleType::Channel, "flyToTheMoon"));
    }
}
