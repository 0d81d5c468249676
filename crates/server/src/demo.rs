//! Demo data for `parley-server demo` and `make run`: a service "Parley Demo"
//! with users alice, bob and carol, channels general and random (public) and
//! team (private), and a little history.

use parley_protocol::Timestamp;

use crate::api::{channels, members, messages, services, users};
use crate::error::ApiError;
use crate::store::{self, Db};

/// What was created, for printing.
#[derive(Debug, Clone)]
pub struct Demo {
    pub service_sid: String,
    /// (identity, password) of each demo user.
    pub users: Vec<(String, String)>,
    /// False when the demo service already existed (passwords were reset).
    pub created: bool,
}

const USERS: &[(&str, &str)] = &[
    ("alice", "Alice Liddell"),
    ("bob", "Bob Builder"),
    ("carol", "Carol Danvers"),
];

const HISTORY: &[(&str, &str, &str)] = &[
    (
        "general",
        "alice",
        "Welcome to Parley! This is the general channel.",
    ),
    ("general", "bob", "Hi everyone 👋"),
    (
        "general",
        "carol",
        "Hello! Is the release still planned for Friday?",
    ),
    ("general", "alice", "Yes — code freeze Thursday noon."),
    ("random", "bob", "Anyone up for lunch?"),
    ("random", "carol", "Sure, 12:30?"),
    (
        "team",
        "alice",
        "Private planning channel for the core team.",
    ),
    ("team", "carol", "I'll draft the roadmap."),
];

/// Creates (or refreshes the passwords of) the demo data. Passwords are
/// `password` when given, otherwise random.
pub async fn seed(db: &Db, password: Option<String>) -> Result<Demo, ApiError> {
    let mut creds = Vec::new();
    for (identity, _) in USERS {
        let pw = password.clone().unwrap_or_else(|| {
            use rand::distr::{Alphanumeric, SampleString};
            Alphanumeric.sample_string(&mut rand::rng(), 12)
        });
        let phc = tokio::task::spawn_blocking({
            let pw = pw.clone();
            move || crate::auth::password::hash(&pw)
        })
        .await
        .map_err(|_| ApiError::internal())?
        .map_err(|_| ApiError::internal())?;
        creds.push((identity.to_string(), pw, phc));
    }
    db.write(move |c| {
        let existing = store::services::named(c, "Parley Demo")?;
        let (service, created) = match existing {
            Some(sid) => (services::load(c, &sid)?, false),
            None => (services::create_service(c, "Parley Demo")?, true),
        };
        for ((identity, friendly), (_, _, phc)) in USERS.iter().zip(&creds) {
            let u = users::set_password(c, &service, identity, phc)?;
            store::sessions::set_user_friendly_name(c, &u.sid, friendly)?;
        }
        if created {
            let start = Timestamp::now().0 - 3600;
            let mut made = std::collections::HashMap::new();
            for (name, kind, who) in [
                ("general", "public", &["alice", "bob", "carol"][..]),
                ("random", "public", &["bob", "carol"][..]),
                ("team", "private", &["alice", "carol"][..]),
            ] {
                let ch = channels::insert(
                    c,
                    channels::NewChannel {
                        service_sid: &service.sid,
                        unique_name: Some(name),
                        friendly_name: Some(name),
                        attributes: "{}",
                        kind,
                        created_by: who[0],
                        date_created: Some(start),
                        date_updated: Some(start),
                    },
                )?;
                for (i, identity) in who.iter().enumerate() {
                    let role = if i == 0 {
                        service.default_channel_creator_role_sid.as_deref()
                    } else {
                        None
                    };
                    members::insert(c, None, &service, &ch, identity, role, None)?;
                }
                made.insert(name, ch);
            }
            for (i, (channel, author, body)) in HISTORY.iter().enumerate() {
                if let Some(ch) = made.get(channel) {
                    let t = start + 60 * (i as i64 + 1);
                    messages::insert(
                        c,
                        ch,
                        messages::NewMessage {
                            author: author.to_string(),
                            body: body.to_string(),
                            attributes: "{}".into(),
                            date_created: Some(t),
                            date_updated: Some(t),
                            last_updated_by: None,
                            media: None,
                        },
                    )?;
                }
            }
        }
        Ok(Demo {
            service_sid: service.sid.to_string(),
            users: creds.into_iter().map(|(i, p, _)| (i, p)).collect(),
            created,
        })
    })
    .await
}
