//! SIDs: 34-character resource identifiers, two uppercase letters naming the
//! kind followed by 32 lowercase hex digits.

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
}
