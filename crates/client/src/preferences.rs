//! What the user chose for the whole app rather than for one account —
//! today the language — kept in `preferences.json` in the profile's data
//! directory, since it is needed before anyone signs in. A missing or
//! unreadable file means the defaults (the app follows the system); a write
//! replaces the file whole, so a crash never leaves half of one.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::error::{ClientError, Refusal, Result};
use crate::ClientConfig;

/// The profile's preferences.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Preferences {
    /// The language tag the user chose; `None` follows the system.
    pub language: Option<String>,
}

fn path(config: &ClientConfig) -> PathBuf {
    config.data_dir.join("preferences.json")
}

impl Preferences {
    /// The profile's preferences, or the defaults.
    pub fn load(config: &ClientConfig) -> Preferences {
        match std::fs::read(path(config)) {
            Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|e| {
                tracing::warn!(error = %e, "preferences.json is unreadable; using the defaults");
                Preferences::default()
            }),
            Err(_) => Preferences::default(),
        }
    }

    /// Writes the preferences (to a temporary file, then renamed over).
    pub fn save(&self, config: &ClientConfig) -> Result<()> {
        let target = path(config);
        std::fs::create_dir_all(&config.data_dir)
            .map_err(|e| ClientError::Cache(format!("cannot create the data directory: {e}")))?;
        let tmp = target.with_extension("json.tmp");
        let bytes = serde_json::to_vec_pretty(self)
            .map_err(|e| ClientError::Cache(format!("cannot encode preferences: {e}")))?;
        std::fs::write(&tmp, bytes)
            .and_then(|()| std::fs::rename(&tmp, &target))
            .map_err(|e| ClientError::Cache(format!("cannot write preferences: {e}")))
    }

    /// Chooses a language (`None`: follow the system); only one with a catalog.
    pub fn set_language(&mut self, tag: Option<&str>) -> Result<()> {
        match tag {
            Some(t) if !crate::i18n::is_available(t) => {
                Err(ClientError::Refused(Refusal::UnknownLanguage {
                    tag: t.to_owned(),
                }))
            }
            _ => {
                self.language = tag.map(str::to_owned);
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_choice_survives_a_restart_and_a_bad_file_means_defaults() {
        let dir = tempfile::tempdir().expect("temp dir");
        let config = ClientConfig {
            data_dir: dir.path().join("profile"),
        };
        assert_eq!(Preferences::load(&config), Preferences::default());
        let mut p = Preferences::default();
        p.set_language(Some("zh-TW")).expect("zh-TW has a catalog");
        p.save(&config).expect("saved");
        assert_eq!(
            Preferences::load(&config).language.as_deref(),
            Some("zh-TW")
        );
        assert!(matches!(
            p.set_language(Some("tlh")),
            Err(ClientError::Refused(Refusal::UnknownLanguage { .. }))
        ));
        std::fs::write(path(&config), b"{not json").expect("write");
        assert_eq!(Preferences::load(&config), Preferences::default());
    }
}
