//! Direct conversations: a private channel for two to nine people, marked
//! `Attributes.parley.dm` with everyone in it, under the unique name
//! `dm:` and their sorted identities (a hash of them when that is too long),
//! so that starting one again finds the one there is. A channel that merely
//! bears such a name is not trusted: it must carry the marker for exactly
//! these people and be made by one of them, or a new conversation is made
//! beside it (someone else could have taken the name first).

use parley_protocol::attributes::ChannelMarks;
use parley_protocol::resources::Channel;
use parley_protocol::ChannelSid;
use sha2::{Digest, Sha256};

use crate::client::Client;
use crate::error::{ClientError, Refusal, Result};

/// Most people in a direct conversation, the user included.
pub const MAX_PEOPLE: usize = 9;
/// Longest unique name the server takes.
const MAX_UNIQUE_NAME: usize = 256;

/// Everyone in a conversation of `me` with `others`: sorted, each once.
pub fn people(me: &str, others: &[String]) -> Vec<String> {
    let mut all: Vec<String> = others
        .iter()
        .map(|o| o.trim().to_owned())
        .filter(|o| !o.is_empty())
        .chain(std::iter::once(me.to_owned()))
        .collect();
    all.sort();
    all.dedup();
    all
}

/// The unique name of the conversation of `people` (sorted).
pub fn unique_name(people: &[String]) -> String {
    let plain = format!("dm:{}", people.join(","));
    if plain.len() <= MAX_UNIQUE_NAME {
        return plain;
    }
    format!(
        "dm:{}",
        hex::encode(Sha256::digest(people.join("\n").as_bytes()))
    )
}

/// Whether `ch` is the conversation of `people`, made by one of them.
fn is_theirs(ch: &Channel, people: &[String]) -> bool {
    ch.kind == parley_protocol::ChannelType::Private
        && ChannelMarks::of(&ch.attributes).dm == people
        && people.contains(&ch.created_by)
}

impl Client {
    /// The direct conversation with `others`: the one there is, or a new
    /// one with everyone added.
    pub async fn open_direct(&self, others: &[String]) -> Result<ChannelSid> {
        let me = self.inner.me().to_owned();
        let people = people(&me, others);
        if people.len() < 2 || people.len() > MAX_PEOPLE {
            return Err(ClientError::Refused(Refusal::DirectSize {
                max: MAX_PEOPLE as u64,
            }));
        }
        // `direct` holds only conversations made by one of their people.
        if let Some(found) = self
            .inner
            .cache
            .channel_list()?
            .into_iter()
            .find(|c| !c.direct.is_empty() && self::people(&me, &c.direct) == people)
        {
            return Ok(found.sid);
        }
        let token = self.inner.session.access_token().await?;
        let (api, svc) = (&self.inner.api, self.inner.service());
        let name = unique_name(&people);
        let attributes = ChannelMarks {
            dm: people.clone(),
            ..ChannelMarks::default()
        }
        .write_into("{}");
        let title = people
            .iter()
            .filter(|p| **p != me)
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        let created = match api
            .create_private_channel(&token, svc, &title, &name, &attributes)
            .await
        {
            Err(ClientError::Api { code: 50307, .. }) => {
                match api.channel(&token, svc, &name).await {
                    Ok(ch) if is_theirs(&ch, &people) => ch,
                    // Someone else's channel under this name: one beside it.
                    _ => {
                        let beside = format!("{name}:{}", hex::encode(rand::random::<[u8; 4]>()));
                        api.create_private_channel(&token, svc, &title, &beside, &attributes)
                            .await?
                    }
                }
            }
            other => other?,
        };
        for p in people.iter().filter(|p| **p != me) {
            match api.add_member(&token, svc, &created.sid, p).await {
                Ok(()) | Err(ClientError::Api { code: 50404, .. }) => {}
                Err(e) => return Err(e),
            }
        }
        crate::sync::refresh_channel(&self.inner, &created.sid).await?;
        Ok(created.sid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_people_give_the_same_name_and_long_lists_a_hash() {
        let a = people("bob", &["alice".into(), " carol ".into(), "alice".into()]);
        assert_eq!(a, ["alice", "bob", "carol"]);
        assert_eq!(unique_name(&a), "dm:alice,bob,carol");
        assert_eq!(
            unique_name(&people("carol", &["bob".into(), "alice".into()])),
            unique_name(&a)
        );
        let long: Vec<String> = (0..9).map(|i| format!("{}{i}", "x".repeat(40))).collect();
        let n = unique_name(&long);
        assert!(n.starts_with("dm:") && n.len() == 3 + 64, "{n}");
    }
}
