//! SIDs: 34-character resource identifiers, two uppercase letters naming the
//! kind followed by 32 lowercase hex digits.
//!
//! [`SidKind`] names the kinds; one newtype per kind ([`ChannelSid`],
//! [`MessageSid`], …) carries a SID whose shape was checked, so a user's SID
//! cannot be passed where a channel's is meant and a malformed one is refused
//! where it enters (a wire body, a command's argument, a stored row), never
//! carried along as text. In TypeScript each is a template-literal type
//! (`` `CH${string}` ``), so the window cannot confuse them either.

use std::fmt;

/// The kind of resource a SID names, which fixes its two-letter prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SidKind {
    /// `AC`: the account that owns everything on a server.
    Account,
    /// `IS`: a chat service.
    Service,
    /// `CH`: a channel.
    Channel,
    /// `MB`: a channel member.
    Member,
    /// `IM`: a message.
    Message,
    /// `RL`: a role.
    Role,
    /// `US`: a user.
    User,
    /// `IN`: an invite.
    Invite,
    /// `BS`: a push binding.
    Binding,
    /// `CR`: a push credential.
    Credential,
    /// `WH`: a channel webhook.
    Webhook,
    /// `SK`: an API key.
    ApiKey,
    /// `ME`: a media object.
    Media,
}

impl SidKind {
    /// The two-letter prefix of SIDs of this kind.
    pub const fn prefix(self) -> &'static str {
        match self {
            SidKind::Account => "AC",
            SidKind::Service => "IS",
            SidKind::Channel => "CH",
            SidKind::Member => "MB",
            SidKind::Message => "IM",
            SidKind::Role => "RL",
            SidKind::User => "US",
            SidKind::Invite => "IN",
            SidKind::Binding => "BS",
            SidKind::Credential => "CR",
            SidKind::Webhook => "WH",
            SidKind::ApiKey => "SK",
            SidKind::Media => "ME",
        }
    }

    /// A fresh random SID of this kind (128 random bits).
    pub fn generate(self) -> String {
        let bytes: [u8; 16] = rand::random();
        format!("{}{}", self.prefix(), hex::encode(bytes))
    }

    /// Whether `s` has the shape of a SID of this kind (prefix + 32 hex digits).
    pub fn matches(self, s: &str) -> bool {
        s.len() == 34
            && s.starts_with(self.prefix())
            && s.as_bytes()[2..].iter().all(|b| b.is_ascii_hexdigit())
    }
}

/// A text that is not a SID of the kind asked for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{found:?} is not a {kind} SID ({kind} and 32 hex digits)")]
pub struct SidError {
    /// The kind that was expected.
    pub kind: SidKind,
    /// What was found instead, cut to 40 characters.
    pub found: String,
}

/// What every SID newtype offers, so code (the store's column readers, the
/// cache's) can handle them all alike.
pub trait TypedSid:
    Sized + Clone + Eq + std::hash::Hash + fmt::Display + AsRef<str> + Into<String>
{
    /// The kind this type holds.
    const KIND: SidKind;

    /// Checks `s` and wraps it.
    fn parse(s: impl Into<String>) -> Result<Self, SidError>;

    /// The SID as text.
    fn as_str(&self) -> &str;
}

/// Declares one SID newtype per kind with its checks, conversions and
/// (behind the `ts` feature) its TypeScript template-literal type.
macro_rules! sid_types {
    ($($(#[$doc:meta])* $name:ident => $kind:ident, $ts:literal;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, type = $ts))]
        pub struct $name(String);

        impl $name {
            /// A fresh random SID of this kind.
            pub fn generate() -> Self {
                $name(SidKind::$kind.generate())
            }

            /// Checks `s` and wraps it.
            pub fn parse(s: impl Into<String>) -> Result<Self, SidError> {
                <Self as TypedSid>::parse(s)
            }

            /// The SID as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The SID as owned text.
            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl TypedSid for $name {
            const KIND: SidKind = SidKind::$kind;

            fn parse(s: impl Into<String>) -> Result<Self, SidError> {
                let s = s.into();
                if SidKind::$kind.matches(&s) {
                    Ok($name(s))
                } else {
                    Err(SidError { kind: SidKind::$kind, found: s.chars().take(40).collect() })
                }
            }

            fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::ops::Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::str::FromStr for $name {
            type Err = SidError;
            fn from_str(s: &str) -> Result<Self, SidError> {
                Self::parse(s)
            }
        }

        impl TryFrom<String> for $name {
            type Error = SidError;
            fn try_from(s: String) -> Result<Self, SidError> {
                Self::parse(s)
            }
        }

        impl TryFrom<&str> for $name {
            type Error = SidError;
            fn try_from(s: &str) -> Result<Self, SidError> {
                Self::parse(s)
            }
        }

        impl From<$name> for String {
            fn from(s: $name) -> String {
                s.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                &self.0 == other
            }
        }

        impl PartialEq<$name> for String {
            fn eq(&self, other: &$name) -> bool {
                *self == other.0
            }
        }

        impl PartialEq<$name> for str {
            fn eq(&self, other: &$name) -> bool {
                self == other.0
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }

        #[cfg(feature = "rusqlite")]
        impl rusqlite::types::FromSql for $name {
            fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
                Self::parse(v.as_str()?).map_err(|e| rusqlite::types::FromSqlError::Other(Box::new(e)))
            }
        }

        #[cfg(feature = "rusqlite")]
        impl rusqlite::types::ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                Ok(rusqlite::types::ToSqlOutput::from(self.0.as_str()))
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Self::parse(s).map_err(serde::de::Error::custom)
            }
        }
    )*};
}

sid_types! {
    /// `AC…`: the account.
    AccountSid => Account, "`AC${string}`";
    /// `IS…`: a chat service.
    ServiceSid => Service, "`IS${string}`";
    /// `CH…`: a channel.
    ChannelSid => Channel, "`CH${string}`";
    /// `MB…`: a channel member.
    MemberSid => Member, "`MB${string}`";
    /// `IM…`: a message.
    MessageSid => Message, "`IM${string}`";
    /// `RL…`: a role.
    RoleSid => Role, "`RL${string}`";
    /// `US…`: a user.
    UserSid => User, "`US${string}`";
    /// `IN…`: an invite.
    InviteSid => Invite, "`IN${string}`";
    /// `BS…`: a push binding.
    BindingSid => Binding, "`BS${string}`";
    /// `CR…`: a push credential.
    CredentialSid => Credential, "`CR${string}`";
    /// `WH…`: a channel webhook.
    WebhookSid => Webhook, "`WH${string}`";
    /// `SK…`: an API key.
    ApiKeySid => ApiKey, "`SK${string}`";
    /// `ME…`: a media object.
    MediaSid => Media, "`ME${string}`";
}

impl fmt::Display for SidKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.prefix())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_sids_have_the_documented_shape() {
        for kind in [
            SidKind::Account,
            SidKind::Channel,
            SidKind::ApiKey,
            SidKind::Media,
        ] {
            let sid = kind.generate();
            assert_eq!(sid.len(), 34, "a SID is always 34 characters: {sid}");
            assert!(kind.matches(&sid));
            assert!(sid[2..]
                .chars()
                .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c)));
        }
    }

    #[test]
    fn a_sid_of_another_kind_or_length_does_not_match() {
        let ch = SidKind::Channel.generate();
        assert!(!SidKind::User.matches(&ch));
        assert!(!SidKind::Channel.matches(&ch[..33]));
        assert!(!SidKind::Channel.matches("CHzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"));
    }

    #[test]
    fn a_typed_sid_takes_only_its_own_kind() {
        let ch = ChannelSid::generate();
        assert_eq!(ChannelSid::parse(ch.as_str()), Ok(ch.clone()));
        let e = UserSid::parse(ch.as_str()).expect_err("a channel SID is not a user SID");
        assert_eq!(e.kind, SidKind::User);
        assert!(e.to_string().contains("is not a US SID"), "{e}");
        assert!(MessageSid::parse("IM123").is_err());
        // Compares with text either way round, for code that holds a `&str`.
        assert!(ch == *ch.as_str() && *ch.as_str() == ch);
    }

    #[test]
    fn a_typed_sid_is_plain_text_on_the_wire_and_checked_when_read() {
        let m = MessageSid::generate();
        let json = serde_json::to_string(&m).expect("serializes");
        assert_eq!(json, format!("\"{m}\""));
        assert_eq!(serde_json::from_str::<MessageSid>(&json).ok(), Some(m));
        let e = serde_json::from_str::<ChannelSid>("\"CHnot-hex\"").expect_err("malformed");
        assert!(e.to_string().contains("is not a CH SID"), "{e}");
    }

    #[test]
    fn a_long_bad_sid_is_cut_in_the_error() {
        let e = ChannelSid::parse("x".repeat(10_000)).expect_err("malformed");
        assert_eq!(e.found.len(), 40);
    }
}
