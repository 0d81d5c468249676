//! Signing in on a machine whose secret store does not work (no Secret
//! Service on a plain X session, some tiling desktops): the sign-in works,
//! the session is kept for this run only, the client says why, and the next
//! start asks for the password instead of retrying a store that is not
//! there. (The real window does the same against a real D-Bus without a
//! Secret Service: `src-tauri/tests/it/window/session.rs`.)

use std::sync::Arc;

use crate::common::{online, until, Recorder, Server, PASSWORD};
use parley_client::secrets::SecretStore;
use parley_client::{Client, ClientConfig, ClientError, ClientEvent};

/// What keyring answers when no Secret Service is on the bus.
#[derive(Debug, Default)]
struct NoSecretService;

const ANSWER: &str = "Couldn't access platform secure storage: Secret Service: no result found";

impl SecretStore for NoSecretService {
    fn get(&self, _: &str) -> parley_client::error::Result<Option<String>> {
        Err(ClientError::Secrets(ANSWER.into()))
    }
    fn set(&self, _: &str, _: &str) -> parley_client::error::Result<()> {
        Err(ClientError::Secrets(ANSWER.into()))
    }
    fn delete(&self, _: &str) -> parley_client::error::Result<()> {
        Err(ClientError::Secrets(ANSWER.into()))
    }
}

#[tokio::test]
async fn without_a_secret_store_sign_in_works_says_why_it_is_not_kept_and_the_next_start_asks_again(
) {
    let server = Server::start().await;
    let room = server.channel("room", &["alice"]).await;
    let data = tempfile::tempdir().expect("dir");
    let cfg = ClientConfig {
        data_dir: data.path().to_owned(),
    };
    let secrets: Arc<dyn SecretStore> = Arc::new(NoSecretService);
    let notes = Arc::new(Recorder::default());
    let c = Client::login(
        &cfg,
        &server.url,
        "alice",
        PASSWORD,
        true,
        secrets.clone(),
        notes.clone(),
    )
    .await
    .expect("signing in does not need the secret store");
    let why = c
        .session_not_kept()
        .expect("the client says the session is not kept");
    assert!(why.contains("Secret Service"), "{why}");
    c.start();
    online(&c).await;
    c.send(&room, "signed in without a keyring")
        .expect("queued");
    until(&c, "sent", || {
        c.outbox().map(|o| o.is_empty()).unwrap_or(false)
    })
    .await;
    c.stop();

    // The next start: the cached history is there, and the session ends at
    // once (sign in again) instead of retrying the store for ever.
    let account = parley_client::known_accounts(&cfg)
        .into_iter()
        .next()
        .expect("account on disk");
    let again = Client::open(&cfg, account, secrets.clone(), notes.clone()).expect("open");
    let mut events = again.subscribe();
    assert_eq!(again.messages(&room, None, 10).expect("cached").len(), 1);
    again.start();
    let ended = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        loop {
            match events.recv().await {
                Ok(ClientEvent::SessionExpired) => return true,
                Ok(_) => continue,
                Err(_) => return false,
            }
        }
    })
    .await
    .unwrap_or(false);
    assert!(ended, "the app is told to ask for the password");
    again
        .logout(true)
        .await
        .expect("signing out needs no secret store either");

    // Not asked to be kept: nothing to say.
    let plain = Client::login(&cfg, &server.url, "alice", PASSWORD, false, secrets, notes)
        .await
        .expect("sign in");
    assert_eq!(plain.session_not_kept(), None);
}
