//! What Parley keeps in a message's Twilio `Attributes`: one `parley`
//! object next to whatever else a client stores there (docs/attributes.md).
//! It marks a message as a reaction to another (hidden from timelines,
//! unread counts and notifications; shown aggregated on its target), as a
//! reply quoting another, as a reply in the thread of another (hidden from
//! the channel's timeline and unread count; shown in the thread), and names
//! whom it mentions. The server checks it
//! before a message is stored; clients read it with [`Marks::of`].
//!
//! Reactions are messages of their own rather than a list in the target's
//! attributes: a channel user may not edit other people's attributes, and
//! two people reacting at once must not overwrite each other. Removing a
//! reaction deletes its message.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::sid::MessageSid;

/// The key of Parley's object inside `Attributes`.
pub const KEY: &str = "parley";
/// Longest reaction (an emoji with its modifiers and joiners).
pub const MAX_EMOJI_BYTES: usize = 64;
/// Longest quoted excerpt of a reply, in characters.
pub const MAX_EXCERPT: usize = 280;
/// Most identities one message may mention.
pub const MAX_MENTIONS: usize = 100;

/// A reaction: `emoji` on message `to` (of the same channel).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reaction {
    pub to: MessageSid,
    pub emoji: String,
}

/// A reply to message `to`, with what it quotes so that it reads without
/// the original at hand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reply {
    pub to: MessageSid,
    pub author: String,
    pub excerpt: String,
}

/// A message in the thread of message `root` (of the same channel, and not
/// itself in a thread: threads are one level deep, as in Slack).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Thread {
    pub root: MessageSid,
}

/// Parley's marks on a message.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Marks {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reaction: Option<Reaction>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply: Option<Reply>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread: Option<Thread>,
    /// Identities the text mentions (`@alice`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mentions: Vec<String>,
    /// `@channel` or `@here`: everyone in the channel (a permission).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub mention_channel: bool,
}

/// Why Parley's part of `Attributes` is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MarksError {
    #[error("Attributes.parley is not a valid Parley object: {0}")]
    Shape(String),
    #[error("Attributes.parley.reaction.emoji must be 1 to {MAX_EMOJI_BYTES} bytes without spaces or control characters")]
    Emoji,
    #[error("Attributes.parley: a reaction is neither a reply nor in a thread")]
    ReactionAndReply,
    #[error("Attributes.parley.reply.excerpt is longer than {MAX_EXCERPT} characters")]
    Excerpt,
    #[error("Attributes.parley.mentions names more than {MAX_MENTIONS} identities")]
    Mentions,
    #[error("Attributes.parley.status must be one line of at most {MAX_STATUS} characters")]
    Status,
}

impl Marks {
    /// Parley's marks in `attributes` (a message's `Attributes` text), read
    /// leniently: anything but a well-formed `parley` object is no marks.
    pub fn of(attributes: &str) -> Marks {
        Marks::checked(attributes)
            .ok()
            .flatten()
            .unwrap_or_default()
    }

    /// Parley's marks in `attributes`, strictly: `None` without a `parley`
    /// key (or without JSON-object attributes, which are not Parley's to
    /// judge), an error when the `parley` object is malformed.
    pub fn checked(attributes: &str) -> Result<Option<Marks>, MarksError> {
        let marks = strict_part::<Marks>(attributes)?;
        if let Some(m) = &marks {
            m.validate()?;
        }
        Ok(marks)
    }

    fn validate(&self) -> Result<(), MarksError> {
        if let Some(r) = &self.reaction {
            if !is_emoji_like(&r.emoji) {
                return Err(MarksError::Emoji);
            }
            if self.reply.is_some() || self.thread.is_some() {
                return Err(MarksError::ReactionAndReply);
            }
        }
        if let Some(r) = &self.reply {
            if r.excerpt.chars().count() > MAX_EXCERPT {
                return Err(MarksError::Excerpt);
            }
        }
        if self.mentions.len() > MAX_MENTIONS {
            return Err(MarksError::Mentions);
        }
        Ok(())
    }

    /// Whether Parley keeps the message out of the channel's timeline and
    /// unread count (and the server pushes nothing for it): a reaction
    /// shows on its target, a reply in a thread in the thread.
    pub fn is_hidden(&self) -> bool {
        self.reaction.is_some() || self.thread.is_some()
    }

    /// Whether the message mentions `identity`, by name or as everyone.
    pub fn mentions(&self, identity: &str) -> bool {
        self.mention_channel
            || self
                .mentions
                .iter()
                .any(|m| m.eq_ignore_ascii_case(identity))
    }

    /// `attributes` with these marks as its `parley` object (none: removed),
    /// keeping everything else a client stored there.
    pub fn write_into(&self, attributes: &str) -> String {
        write_part(attributes, self, *self == Marks::default())
    }
}

/// Parley's marks on a channel (`Attributes.parley` of a channel).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelMarks {
    /// A direct conversation: everyone in it (the creator included), sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dm: Vec<String>,
    /// Pinned messages, oldest pin first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pins: Vec<MessageSid>,
}

impl ChannelMarks {
    /// Parley's marks in a channel's `attributes`, read leniently.
    pub fn of(attributes: &str) -> ChannelMarks {
        part(attributes).unwrap_or_default()
    }

    /// `attributes` with these marks as its `parley` object.
    pub fn write_into(&self, attributes: &str) -> String {
        write_part(attributes, self, *self == ChannelMarks::default())
    }
}

/// Most pins in a channel.
pub const MAX_PINS: usize = 100;
/// Longest status text of a user, in characters.
pub const MAX_STATUS: usize = 100;

/// Parley's marks on a user (`Attributes.parley` of a user): what they say
/// about themselves to everyone in the service.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserMarks {
    /// A line of status text ("In Taipei until Friday"), one line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}

impl UserMarks {
    /// Parley's marks in a user's `attributes`, read leniently.
    pub fn of(attributes: &str) -> UserMarks {
        part(attributes).unwrap_or_default()
    }

    /// Parley's marks in a user's `attributes`, strictly: `None` without a
    /// `parley` object, an error when it is malformed or the status is
    /// longer than [`MAX_STATUS`] characters or holds a line break.
    pub fn checked(attributes: &str) -> Result<Option<UserMarks>, MarksError> {
        let Some(marks) = strict_part::<UserMarks>(attributes)? else {
            return Ok(None);
        };
        if let Some(s) = &marks.status {
            if s.chars().count() > MAX_STATUS || s.chars().any(char::is_control) {
                return Err(MarksError::Status);
            }
        }
        Ok(Some(marks))
    }

    /// `attributes` with these marks as its `parley` object.
    pub fn write_into(&self, attributes: &str) -> String {
        write_part(attributes, self, *self == UserMarks::default())
    }
}

/// The `parley` object of `attributes` as `T`, if well-formed.
fn part<T: serde::de::DeserializeOwned>(attributes: &str) -> Option<T> {
    let Ok(Value::Object(mut all)) = serde_json::from_str::<Value>(attributes) else {
        return None;
    };
    all.remove(KEY)
        .filter(Value::is_object)
        .and_then(|v| serde_json::from_value(v).ok())
}

/// The `parley` object of `attributes` as `T`, strictly: `None` without a
/// `parley` key (or without JSON-object attributes, which are not Parley's
/// to judge), an error when the `parley` object is not a `T`.
fn strict_part<T: serde::de::DeserializeOwned>(attributes: &str) -> Result<Option<T>, MarksError> {
    let Ok(Value::Object(mut all)) = serde_json::from_str::<Value>(attributes) else {
        return Ok(None);
    };
    let Some(part) = all.remove(KEY) else {
        return Ok(None);
    };
    if !part.is_object() {
        return Err(MarksError::Shape("expected an object".into()));
    }
    serde_json::from_value(part)
        .map(Some)
        .map_err(|e| MarksError::Shape(e.to_string()))
}

/// `attributes` with `marks` as its `parley` object (`empty`: removed).
fn write_part<T: Serialize>(attributes: &str, marks: &T, empty: bool) -> String {
    let mut all = match serde_json::from_str::<Value>(attributes) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    };
    if empty {
        all.remove(KEY);
    } else if let Ok(v) = serde_json::to_value(marks) {
        all.insert(KEY.to_owned(), v);
    }
    Value::Object(all).to_string()
}

/// A reaction's text: short, one "word", no control characters. (Which
/// strings are emoji is the picker's business; the server only bounds it.)
fn is_emoji_like(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_EMOJI_BYTES
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// The excerpt a reply quotes: the start of `body`, at most
/// [`MAX_EXCERPT`] characters, lines joined.
pub fn excerpt(body: &str) -> String {
    let flat = body.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= MAX_EXCERPT {
        return flat;
    }
    let mut cut: String = flat.chars().take(MAX_EXCERPT - 1).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sid() -> MessageSid {
        MessageSid::generate()
    }

    #[test]
    fn marks_round_trip_and_keep_other_clients_attributes() {
        let to = sid();
        let marks = Marks {
            reaction: Some(Reaction {
                to: to.clone(),
                emoji: "👍🏽".into(),
            }),
            ..Marks::default()
        };
        let written = marks.write_into(r#"{"color":"blue"}"#);
        let v: Value = serde_json::from_str(&written).expect("json");
        assert_eq!(v["color"], "blue");
        assert_eq!(v["parley"]["reaction"]["to"], to.as_str());
        assert_eq!(Marks::of(&written), marks);
        assert!(Marks::of(&written).is_hidden());
        // No marks: the key goes, the rest stays.
        assert_eq!(Marks::default().write_into(&written), r#"{"color":"blue"}"#);
        // Attributes that are not an object become one.
        assert!(Marks::of(&marks.write_into("[1,2]")).is_hidden());
    }

    #[test]
    fn a_malformed_parley_object_is_refused_strictly_and_ignored_leniently() {
        for bad in [
            r#"{"parley":{"reaction":{"to":"CH00000000000000000000000000000000","emoji":"x"}}}"#,
            r#"{"parley":{"reaction":{"to":"IM00000000000000000000000000000000"}}}"#,
            r#"{"parley":{"surprise":1}}"#,
            r#"{"parley":"yes"}"#,
            r#"{"parley":[]}"#,
            r#"{"parley":{"reaction":{"to":"IM00000000000000000000000000000000","emoji":""}}}"#,
            r#"{"parley":{"reaction":{"to":"IM00000000000000000000000000000000","emoji":"two words"}}}"#,
            r#"{"parley":{"mentions":"alice"}}"#,
        ] {
            assert!(Marks::checked(bad).is_err(), "{bad}");
            assert_eq!(Marks::of(bad), Marks::default(), "{bad}");
        }
        let both = Marks {
            reaction: Some(Reaction {
                to: sid(),
                emoji: "👍".into(),
            }),
            reply: Some(Reply {
                to: sid(),
                author: "bob".into(),
                excerpt: "hi".into(),
            }),
            ..Marks::default()
        };
        assert_eq!(
            Marks::checked(&both.write_into("{}")),
            Err(MarksError::ReactionAndReply)
        );
        let threaded = Marks {
            reply: None,
            thread: Some(Thread { root: sid() }),
            ..both
        };
        assert_eq!(
            Marks::checked(&threaded.write_into("{}")),
            Err(MarksError::ReactionAndReply)
        );
        for fine in ["{}", "", "not json", "[]", r#"{"other":{"parley":1}}"#] {
            assert_eq!(Marks::checked(fine), Ok(None), "{fine}");
        }
    }

    #[test]
    fn a_reply_in_a_thread_is_hidden_from_the_channel_and_keeps_its_root() {
        let root = sid();
        let written = r#"{"parley":{"thread":{"root":"ROOT"}}}"#.replace("ROOT", root.as_str());
        let marks = Marks::checked(&written).expect("valid").expect("marks");
        assert_eq!(marks.thread, Some(Thread { root }));
        assert!(marks.is_hidden());
        assert!(Marks::checked(r#"{"parley":{"thread":{}}}"#).is_err());
        assert!(Marks::checked(
            r#"{"parley":{"thread":{"root":"IM00000000000000000000000000000000","x":1}}}"#
        )
        .is_err());
    }

    #[test]
    fn a_status_is_one_short_line_and_keeps_other_attributes() {
        let marks = UserMarks {
            status: Some("在台北到週五".into()),
        };
        let written = marks.write_into(r#"{"avatar_color":"teal"}"#);
        assert_eq!(UserMarks::checked(&written), Ok(Some(marks.clone())));
        assert!(written.contains("avatar_color"));
        assert_eq!(UserMarks::of(&written), marks);
        for bad in [
            format!(
                r#"{{"parley":{{"status":"{}"}}}}"#,
                "x".repeat(MAX_STATUS + 1)
            ),
            r#"{"parley":{"status":"two\nlines"}}"#.to_owned(),
            r#"{"parley":{"status":1}}"#.to_owned(),
            r#"{"parley":{"mood":"happy"}}"#.to_owned(),
        ] {
            assert!(UserMarks::checked(&bad).is_err(), "{bad}");
        }
        assert_eq!(UserMarks::checked("{}"), Ok(None));
        assert_eq!(
            UserMarks::default().write_into(&written),
            r#"{"avatar_color":"teal"}"#
        );
    }

    #[test]
    fn mentions_name_people_or_everyone_and_excerpts_are_bounded() {
        let m = Marks {
            mentions: vec!["Alice".into()],
            ..Marks::default()
        };
        assert!(m.mentions("alice") && !m.mentions("bob"));
        let all = Marks {
            mention_channel: true,
            ..Marks::default()
        };
        assert!(all.mentions("bob"));
        assert_eq!(excerpt("a\n\n  b"), "a b");
        let long = excerpt(&"字".repeat(1000));
        assert_eq!(long.chars().count(), MAX_EXCERPT);
        assert!(long.ends_with('…'));
    }
}
