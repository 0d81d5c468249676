//! The closed word sets of the Chat v2 wire: a channel's type, a message's,
//! a push binding's and credential's, a role's, a user's standing in a
//! channel and their notification level, a webhook's type.
//!
//! Each is an enum that reads and writes exactly Twilio's spelling (serde for
//! JSON, strum for form values and stored columns), so a typo is a compile
//! error and an unknown word where one arrives is an error naming it. In
//! TypeScript each is a union of its words.

use serde::{Deserialize, Serialize};

/// Declares a word enum: serde and strum spell every variant alike, and the
/// `ts` feature exports it as a TypeScript union.
macro_rules! word_enum {
    ($(#[$doc:meta])* $case:literal $name:ident { $($(#[$vdoc:meta])* $variant:ident),* $(,)? }) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize,
            strum::EnumString, strum::AsRefStr, strum::IntoStaticStr, strum::Display,
            strum::VariantArray,
        )]
        #[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
        #[serde(rename_all = $case)]
        #[strum(serialize_all = $case)]
        pub enum $name {
            $($(#[$vdoc])* $variant),*
        }

        impl $name {
            /// The word as Twilio spells it.
            pub fn as_str(self) -> &'static str {
                self.into()
            }
        }

        #[cfg(feature = "rusqlite")]
        impl rusqlite::types::FromSql for $name {
            fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
                let s = v.as_str()?;
                s.parse().map_err(|_| {
                    rusqlite::types::FromSqlError::Other(
                        format!("{s:?} is not a {}", stringify!($name)).into(),
                    )
                })
            }
        }

        #[cfg(feature = "rusqlite")]
        impl rusqlite::types::ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                Ok(rusqlite::types::ToSqlOutput::from(self.as_str()))
            }
        }
    };
}

word_enum! {
    /// Who may see a channel (`type`).
    "lowercase" ChannelType { Public, Private }
}

word_enum! {
    /// What a message carries (`type`).
    "lowercase" MessageType { Text, Media }
}

word_enum! {
    /// The push service of a binding (`binding_type`) or a credential (`type`).
    "lowercase" BindingType {
        /// Apple Push Notification service.
        Apn,
        /// Google Cloud Messaging, Firebase's predecessor (accepted, delivered through FCM).
        Gcm,
        /// Firebase Cloud Messaging.
        Fcm,
    }
}

word_enum! {
    /// What a role applies to (`type`).
    "lowercase" RoleType {
        /// Rights inside one channel.
        Channel,
        /// Rights across the service.
        Deployment,
    }
}

word_enum! {
    /// A user's standing in a channel (`status` of a user channel).
    "camelCase" UserChannelStatus { Joined, Invited, NotParticipating }
}

word_enum! {
    /// Whether a user's channel pushes (`notification_level`).
    "lowercase" NotificationLevel { Default, Muted }
}

word_enum! {
    /// How a channel webhook is called (`type`).
    "lowercase" WebhookType { Webhook, Trigger, Studio }
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::VariantArray;

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
            assert_eq!(v.as_ref().parse::<T>().ok(), Some(*v), "{v:?}");
        }
    }

    #[test]
    fn json_and_text_spell_every_word_alike() {
        agree::<ChannelType>();
        agree::<MessageType>();
        agree::<BindingType>();
        agree::<RoleType>();
        agree::<UserChannelStatus>();
        agree::<NotificationLevel>();
        agree::<WebhookType>();
    }

    #[test]
    fn the_words_are_twilios() {
        assert_eq!(
            UserChannelStatus::NotParticipating.as_str(),
            "notParticipating"
        );
        assert_eq!(ChannelType::Private.as_str(), "private");
        assert_eq!("fcm".parse::<BindingType>().ok(), Some(BindingType::Fcm));
        assert!(
            "Public".parse::<ChannelType>().is_err(),
            "the words are case-sensitive, as Twilio's"
        );
        let e = serde_json::from_str::<MessageType>("\"sticker\"").expect_err("unknown word");
        assert!(e.to_string().contains("sticker"), "{e}");
    }
}
