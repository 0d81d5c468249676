//! Where the refresh token lives: the OS secret store (Secret Service on
//! Linux, Keychain on macOS, Credential Manager on Windows) behind a small
//! trait, with an in-memory store for tests and "don't remember me".

use std::collections::HashMap;
use std::sync::Mutex;

use crate::error::{ClientError, Result};

/// A place for one secret per account name.
pub trait SecretStore: Send + Sync + std::fmt::Debug {
    fn get(&self, account: &str) -> Result<Option<String>>;
    fn set(&self, account: &str, secret: &str) -> Result<()>;
    /// Deletes the secret; deleting a missing one is not an error.
    fn delete(&self, account: &str) -> Result<()>;
}

/// The OS secret store through the `keyring` crate.
#[derive(Debug, Clone)]
pub struct KeyringStore {
    service: String,
}

impl KeyringStore {
    /// Entries are filed under `service` (e.g. `parley` or a test namespace).
    pub fn new(service: &str) -> KeyringStore {
        KeyringStore {
            service: service.to_owned(),
        }
    }

    fn entry(&self, account: &str) -> Result<keyring::Entry> {
        keyring::Entry::new(&self.service, account).map_err(|e| ClientError::Secrets(e.to_string()))
    }
}

impl SecretStore for KeyringStore {
    fn get(&self, account: &str) -> Result<Option<String>> {
        match self.entry(account)?.get_password() {
            Ok(s) => Ok(Some(s)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(ClientError::Secrets(e.to_string())),
        }
    }

    fn set(&self, account: &str, secret: &str) -> Result<()> {
        self.entry(account)?
            .set_password(secret)
            .map_err(|e| ClientError::Secrets(e.to_string()))
    }

    fn delete(&self, account: &str) -> Result<()> {
        match self.entry(account)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(ClientError::Secrets(e.to_string())),
        }
    }
}

/// Secrets kept in memory only (tests; sessions not to be remembered).
#[derive(Debug, Default)]
pub struct MemoryStore {
    secrets: Mutex<HashMap<String, String>>,
}

impl SecretStore for MemoryStore {
    fn get(&self, account: &str) -> Result<Option<String>> {
        Ok(self
            .secrets
            .lock()
            .map_err(|e| ClientError::Secrets(e.to_string()))?
            .get(account)
            .cloned())
    }

    fn set(&self, account: &str, secret: &str) -> Result<()> {
        self.secrets
            .lock()
            .map_err(|e| ClientError::Secrets(e.to_string()))?
            .insert(account.to_owned(), secret.to_owned());
        Ok(())
    }

    fn delete(&self, account: &str) -> Result<()> {
        self.secrets
            .lock()
            .map_err(|e| ClientError::Secrets(e.to_string()))?
            .remove(account);
        Ok(())
    }
}
