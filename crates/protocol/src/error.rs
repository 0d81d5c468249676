//! Twilio's error vocabulary as Parley uses it — one enum with each code's
//! number, HTTP status and Twilio's own wording — and the error body every
//! REST error carries. The server answers with these codes; the client
//! reads them back from [`ErrorBody`] (a code it does not know stays a
//! number, see [`ErrorCode::from_code`]).

use serde::{Deserialize, Serialize};

macro_rules! error_codes {
    ($($name:ident = $code:literal, $status:literal, $message:literal;)*) => {
        /// A Twilio error code (the discriminant is the number).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[repr(u32)]
        #[non_exhaustive]
        pub enum ErrorCode {
            $(
                #[doc = $message]
                $name = $code,
            )*
        }

        impl ErrorCode {
            /// Every code, in numeric order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$name),*];

            /// The HTTP status an answer with this code has.
            pub const fn status(self) -> u16 {
                match self {
                    $(ErrorCode::$name => $status,)*
                }
            }

            /// Twilio's short description of the code.
            pub const fn message(self) -> &'static str {
                match self {
                    $(ErrorCode::$name => $message,)*
                }
            }

            /// The code with this number, if Parley uses it.
            pub const fn from_code(code: u32) -> Option<ErrorCode> {
                match code {
                    $($code => Some(ErrorCode::$name),)*
                    _ => None,
                }
            }
        }
    };
}

error_codes! {
    InvalidPage = 19038, 400, "Page must be bigger than or equal to 0";
    InvalidParameter = 20001, 400, "Invalid parameter";
    Unauthenticated = 20003, 401, "Authentication Error - invalid username";
    MethodNotAllowed = 20004, 405, "Method not allowed";
    InvalidAccessToken = 20101, 401, "Invalid Access Token";
    InvalidAccessTokenHeader = 20102, 401, "Invalid Access Token header";
    InvalidAccessTokenIssuer = 20103, 401, "Invalid Access Token issuer/subject";
    AccessTokenExpired = 20104, 401, "Access Token expired or expiration date invalid";
    AccessTokenNotYetValid = 20105, 401, "Access Token not yet valid";
    InvalidAccessTokenGrants = 20106, 401, "Invalid Access Token grants";
    InvalidAccessTokenSignature = 20107, 401, "Invalid Access Token signature";
    AccessTokenLifetimeTooLong = 20157, 401, "Expiration Time Exceeds Maximum Time Allowed";
    Forbidden = 20403, 403, "Forbidden";
    NotFound = 20404, 404, "The requested resource was not found";
    Conflict = 20409, 409, "Conflict";
    Gone = 20410, 410, "Gone";
    TooManyRequests = 20429, 429, "Too Many Requests";
    Internal = 20500, 500, "Internal Server Error";
    Unavailable = 20503, 503, "Service Unavailable";
    FriendlyNameNotProvided = 50000, 400, "FriendlyName not provided";
    FriendlyNameTooLong = 50003, 400, "Friendly name too long";
    UniqueNameTooLong = 50004, 400, "Unique Name too long";
    ServiceNotFound = 50050, 404, "Service Instance not found";
    InvalidTypingIndicatorFormat = 50053, 400, "Invalid typing indicator format";
    InvalidWebhookFormat = 50054, 400, "Invalid webhook format";
    InvalidWebhookMethod = 50055, 400, "Invalid webhook method";
    WebhookRejected = 50056, 403, "Webhook disabled processing of command";
    WebhookFailed = 50057, 502, "Webhook call failed to execute successfully";
    NotificationTemplateTooLong = 50058, 400, "Notification template too long";
    NotificationSoundNameTooLong = 50059, 400, "Notification sound name too long";
    InvalidUserChannelsLimitFormat = 50060, 400, "Invalid user channels limit format";
    InvalidChannelMembersLimitFormat = 50061, 400, "Invalid channel members limit format";
    ActionsPerSecondExceeded = 50063, 429, "Actions per second limit exceeded";
    InvalidWebhookRetryCount = 50065, 400, "Invalid webhook retry count";
    GlobalActionsPerSecondExceeded = 50074, 429, "Global actions per second limit exceeded";
    WebhookTimedOut = 50076, 504, "Webhook failed to execute successfully due to timeout";
    RoleNotFound = 50100, 404, "Role not found";
    ChannelRoleNotFound = 50101, 404, "Channel role not found";
    DeploymentRoleNotFound = 50102, 404, "Deployment role not found";
    PermissionNotFound = 50104, 400, "Permission not found";
    InvalidRoleType = 50105, 400, "Invalid role type";
    ChannelCreatorRoleNotFound = 50106, 404, "Channel creator role not found";
    NotAuthorized = 50107, 403, "User not authorized for command";
    UserNotFound = 50200, 404, "User not found";
    UserAlreadyExists = 50201, 409, "User already exists";
    IdentityReserved = 50203, 400, "Identity reserved";
    IdentityNotProvided = 50204, 400, "Identity not provided";
    UserUnauthorizedToSetRole = 50205, 403, "User unauthorized to set role";
    IdentityMatchesUserSidPattern = 50206, 400, "Identity should not match user SID pattern";
    IdentityTooLong = 50207, 400, "Identity too long";
    UserChannelLimitExceeded = 50208, 403, "User channel limit exceeded";
    InvalidBindingType = 50209, 400, "Invalid binding type";
    InvalidNotificationLevel = 50210, 400, "Invalid notification level";
    UserAlreadyInvited = 50212, 409, "User already invited";
    ChannelNotFound = 50300, 404, "Channel not found";
    AttributesTooLong = 50303, 400, "Attributes too long";
    AttributesNotValidJson = 50304, 400, "Attributes not valid JSON";
    UniqueNameMatchesChannelSidPattern = 50306, 400, "Unique name should not match channel SID pattern";
    UniqueNameTaken = 50307, 409, "Channel with provided unique name already exists";
    InvalidDateCreatedParameter = 50308, 400, "Invalid Date Created parameter";
    InvalidDateUpdatedParameter = 50309, 400, "Invalid Date Updated parameter";
    AuthorTooLong = 50310, 400, "Author parameter is too long";
    ChannelWebhookNotFound = 50320, 404, "Channel webhook not found";
    TooManyChannelWebhooks = 50321, 403, "Too many channel webhooks";
    TooManyChannelWebhookTriggers = 50322, 400, "Too many channel webhook triggers";
    InvalidChannelWebhookType = 50324, 400, "Invalid channel webhook type";
    InvalidChannelWebhookFilter = 50325, 400, "Invalid channel webhook filter";
    InvalidChannelWebhookTrigger = 50326, 400, "Invalid channel webhook trigger";
    InvalidChannelWebhookFlowSid = 50327, 400, "Invalid channel webhook flow sid";
    ChannelWebhookTypeNotProvided = 50328, 400, "Channel webhook type not provided";
    ChannelWebhookUrlNotProvided = 50329, 400, "Channel webhook url not provided";
    ChannelWebhookFilterNotProvided = 50330, 400, "Channel webhook filter not provided";
    ChannelWebhookTriggerNotProvided = 50331, 400, "Channel webhook trigger not provided";
    ChannelWebhookUrlTooLong = 50332, 400, "Channel webhook url too long";
    UserNotMemberOfChannel = 50400, 403, "User not member of channel";
    MemberNotFound = 50402, 404, "Member not found";
    ChannelMemberLimitExceeded = 50403, 403, "Channel member limit exceeded";
    MemberAlreadyExists = 50404, 409, "Member already exists";
    InvalidLastConsumptionTimestampFormat = 50405, 400, "Invalid last consumption timestamp format";
    InvalidLastConsumedMessageIndexFormat = 50406, 400, "Invalid last consumed message index format";
    MessageNotFound = 50500, 404, "Message not found";
    MessageBodyNotProvided = 50503, 400, "Message body not provided";
    MessageBodyTooLong = 50504, 400, "Message body parameter is too long";
    LastUpdatedByTooLong = 50505, 400, "Last Updated By parameter is too long";
    MediaSidNotProvided = 50506, 400, "Media SID not provided";
    MediaNotFound = 50507, 404, "Media not found";
    MediaAlreadySent = 50508, 409, "Media already sent with another message";
    InvalidMessageMediaContentType = 50511, 400, "Invalid message media content type";
    MediaTooLarge = 50512, 413, "Message media size is too large";
    InviteNotFound = 50601, 404, "Invite not found";
}

impl ErrorCode {
    /// The number, e.g. 50300.
    pub const fn code(self) -> u32 {
        self as u32
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.code(), self.message())
    }
}

/// `{code, message, more_info, status}` — what Twilio's helper libraries read
/// to build their exceptions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// Twilio error code, e.g. 50300 for "channel not found".
    pub code: u32,
    /// Human-readable explanation.
    pub message: String,
    /// Link to the code's documentation.
    pub more_info: String,
    /// The HTTP status of the response.
    pub status: u16,
}

impl ErrorBody {
    /// An error body whose `more_info` points at the code's documentation.
    pub fn new(code: u32, status: u16, message: impl Into<String>) -> Self {
        ErrorBody {
            code,
            message: message.into(),
            more_info: format!("https://www.twilio.com/docs/errors/{code}"),
            status,
        }
    }

    /// The code, when it is one of Parley's.
    pub fn error_code(&self) -> Option<ErrorCode> {
        ErrorCode::from_code(self.code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_round_trips_and_has_a_status_and_words() {
        for c in ErrorCode::ALL {
            assert_eq!(ErrorCode::from_code(c.code()), Some(*c));
            assert!((400..600).contains(&c.status()), "{c}");
            assert!(!c.message().is_empty());
        }
        assert_eq!(ErrorCode::ChannelNotFound.code(), 50300);
        assert_eq!(ErrorCode::ChannelNotFound.status(), 404);
        assert_eq!(ErrorCode::from_code(12345), None);
    }
}
