//! The refresh token in a real Secret Service (gnome-keyring inside
//! `dbus-run-session`), never in the cache. `make test` runs these with
//! `--ignored` inside such a session; a plain `cargo test` has no bus.

use crate::common;

use std::sync::Arc;

use common::{Recorder, Server, PASSWORD};
use parley_client::secrets::{KeyringStore, SecretStore};
use parley_client::{Client, ClientConfig};

fn namespace() -> String {
    format!("parley-test-{}", hex::encode(rand::random::<[u8; 4]>()))
}

fn secret_tool_lookup(service: &str, account: &str) -> Option<String> {
    let out = std::process::Command::new("secret-tool")
        .args(["lookup", "service", service, "username", account])
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
        .filter(|s| !s.is_empty())
}

#[test]
#[ignore = "needs a Secret Service: make test runs it inside dbus-run-session with gnome-keyring-daemon"]
fn secrets_round_trip_through_the_os_store() {
    let ns = namespace();
    let store = KeyringStore::new(&ns);
    assert_eq!(store.get("acct").expect("get"), None);
    store.set("acct", "s3cret-value").expect("set");
    assert_eq!(store.get("acct").expect("get"), Some("s3cret-value".into()));
    assert_eq!(
        secret_tool_lookup(&ns, "acct").as_deref(),
        Some("s3cret-value"),
        "another program sees it in the keyring"
    );
    let again = KeyringStore::new(&ns);
    assert_eq!(
        again.get("acct").expect("get"),
        Some("s3cret-value".into()),
        "a second handle finds it (no mock)"
    );
    store.delete("acct").expect("delete");
    assert_eq!(store.get("acct").expect("get"), None);
    store.delete("acct").expect("deleting twice is fine");
}

#[tokio::test]
#[ignore = "needs a Secret Service: make test runs it inside dbus-run-session with gnome-keyring-daemon"]
async fn sign_in_keeps_only_the_refresh_token_in_the_keyring_and_sign_out_removes_it() {
    let server = Server::start().await;
    let data = tempfile::tempdir().expect("dir");
    let cfg = ClientConfig {
        data_dir: data.path().to_owned(),
    };
    let ns = namespace();
    let secrets: Arc<dyn SecretStore> = Arc::new(KeyringStore::new(&ns));
    let client = Client::login(
        &cfg,
        &server.url,
        "alice",
        PASSWORD,
        true,
        secrets.clone(),
        Arc::new(Recorder::default()),
    )
    .await
    .expect("login");
    let name = client.account().secret_name();
    let stored = secret_tool_lookup(&ns, &name).expect("refresh token in the keyring");
    assert!(stored.len() >= 40);
    // Nothing secret on disk: not the refresh token, not the password.
    for entry in walk(data.path()) {
        let bytes = std::fs::read(&entry).unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains(&stored),
            "{} holds the refresh token",
            entry.display()
        );
        assert!(
            !text.contains(PASSWORD),
            "{} holds the password",
            entry.display()
        );
    }
    // The next start signs in from the keyring alone.
    let account = parley_client::known_accounts(&cfg)
        .into_iter()
        .next()
        .expect("account");
    let reopened = Client::open(
        &cfg,
        account,
        secrets.clone(),
        Arc::new(Recorder::default()),
    )
    .expect("open");
    reopened.start();
    common::online(&reopened).await;
    reopened.stop();

    client.logout(true).await.expect("logout");
    assert_eq!(
        secret_tool_lookup(&ns, &name),
        None,
        "sign-out deletes the keyring entry"
    );
    assert!(
        parley_client::known_accounts(&cfg).is_empty(),
        "and, when asked, the cache"
    );
    let rotated = secrets.get(&name).expect("get");
    assert_eq!(rotated, None);
    let refused = reqwest::Client::new()
        .post(format!("{}/auth/token", server.url))
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", stored.as_str()),
        ])
        .send()
        .await
        .expect("sent");
    assert_eq!(
        refused.status(),
        400,
        "the refresh token was revoked on the server"
    );
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}
