//! The closed sets of words the cache stores in TEXT columns and the window
//! reads that are the client's own: the user's standing in a channel, their
//! notification choice, and where a message stands (a channel's type is the
//! wire's, `parley_protocol::ChannelType`). Each is an enum, so the window gets a
//! TypeScript union instead of `string`, and a word the cache does not know
//! is an error naming the column, never a silent default.

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use serde::{Deserialize, Serialize};

/// Implements the SQLite conversions of a word enum through its strum names.
macro_rules! stored_as_text {
    ($($t:ty),*) => {$(
        impl FromSql for $t {
            fn column_result(v: ValueRef<'_>) -> FromSqlResult<Self> {
                let s = v.as_str()?;
                s.parse().map_err(|_| {
                    FromSqlError::Other(format!("{s:?} is not a {}", stringify!($t)).into())
                })
            }
        }

        impl ToSql for $t {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.as_ref()))
            }
        }
    )*};
}

/// The user's standing in a channel.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    strum::EnumString,
    strum::AsRefStr,
    strum::VariantArray,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum ChannelStatus {
    /// A member.
    Joined,
    /// Invited, not yet a member.
    Invited,
    /// Neither: a public channel they could join.
    Public,
}

/// What of a channel reaches the user as a notification.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    strum::EnumString,
    strum::AsRefStr,
    strum::VariantArray,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum NotifyPolicy {
    All,
    Mentions,
    Muted,
}

/// Where a message stands as the window shows it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    strum::EnumString,
    strum::AsRefStr,
    strum::VariantArray,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum MessageState {
    /// On the server.
    Sent,
    /// In the outbox, not yet accepted.
    Pending,
    /// Refused; the user may retry or discard it.
    Failed,
}

stored_as_text!(ChannelStatus, NotifyPolicy, MessageState);

#[cfg(test)]
mod tests {
    use super::*;
    use strum::VariantArray;

    /// serde (the window, the wire) and strum (the cache) spell every word alike.
    fn agree<T>()
    where
        T: VariantArray
            + Serialize
            + AsRef<str>
            + std::str::FromStr
            + PartialEq
            + std::fmt::Debug
            + Copy,
    {
        for v in T::VARIANTS {
            let json = serde_json::to_value(v).expect("serializes");
            assert_eq!(json.as_str(), Some(v.as_ref()), "{v:?}");
            assert_eq!(v.as_ref().parse::<T>().ok(), Some(*v));
        }
    }

    #[test]
    fn every_word_is_spelled_the_same_for_the_window_and_the_cache() {
        agree::<ChannelStatus>();
        agree::<NotifyPolicy>();
        agree::<MessageState>();
    }

    #[test]
    fn a_word_the_cache_does_not_know_is_an_error_naming_it() {
        let c = rusqlite::Connection::open_in_memory().expect("sqlite");
        let e = c
            .query_row("SELECT 'sideways'", [], |r| r.get::<_, ChannelStatus>(0))
            .expect_err("unknown word");
        assert!(e.to_string().contains("sideways"), "{e}");
        let ok: NotifyPolicy = c
            .query_row("SELECT 'muted'", [], |r| r.get(0))
            .expect("known word");
        assert_eq!(ok, NotifyPolicy::Muted);
    }
}
