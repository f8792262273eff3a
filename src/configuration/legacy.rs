//! Names a deployed configuration may still use. `[providers.*]` (and
//! `AIGUILLAGE__PROVIDERS__…`) became `[federations.*]`: both are read, the
//! old one with a deprecation note that `check-config` prints and `serve`
//! logs. (Population and démarche lists still accept `providers = […]`
//! beside `federations = […]`, see their settings.)

use std::sync::{Arc, Mutex};

use figment::value::{Dict, Map};
use figment::{Error, Metadata, Profile, Provider};

/// Old top-level section → new one.
const RENAMED_SECTIONS: &[(&str, &str)] = &[
    ("providers", "federations"),
    ("oidc", "provider"),
    ("clients", "demarches"),
];

/// Federation tables whose id has a `-`, which environment variable names
/// cannot hold: `AIGUILLAGE__FEDERATIONS__FRANCECONNECT_PLUS__ENABLED` is
/// read as `[federations.franceconnect-plus] enabled` (no note: it is the
/// only way to write it there).
const ENV_SPELLINGS: &[(&str, &str)] = &[("franceconnect_plus", "franceconnect-plus")];

/// Deprecation notes gathered while the layers are read.
pub type Notes = Arc<Mutex<Vec<String>>>;

/// Wraps a layer (the TOML file, the environment) and renames its old
/// sections before they are merged.
pub struct LegacyNames<P> {
    pub inner: P,
    pub notes: Notes,
}

impl<P: Provider> Provider for LegacyNames<P> {
    fn metadata(&self) -> Metadata {
        self.inner.metadata()
    }

    fn data(&self) -> Result<Map<Profile, Dict>, Error> {
        let mut data = self.inner.data()?;
        let source = self.inner.metadata().name;
        for dict in data.values_mut() {
            for (old, new) in RENAMED_SECTIONS {
                let Some(value) = dict.remove(*old) else {
                    continue;
                };
                if dict.contains_key(*new) {
                    return Err(Error::from(format!(
                        "{source}: both `{old}` and `{new}` are set; keep only `{new}`"
                    )));
                }
                dict.insert((*new).to_owned(), value);
                self.notes.lock().expect("notes lock").push(format!(
                    "{source}: `{old}` is deprecated, rename it `{new}` (read as `{new}` for now)"
                ));
            }
            if let Some(figment::value::Value::Dict(_, federations)) = dict.get_mut("federations") {
                for (env, real) in ENV_SPELLINGS {
                    if let Some(value) = federations.remove(*env) {
                        if federations.contains_key(*real) {
                            return Err(Error::from(format!(
                                "{source}: both `{env}` and `{real}` are set; keep only one"
                            )));
                        }
                        federations.insert((*real).to_owned(), value);
                    }
                }
            }
        }
        Ok(data)
    }
}

#[cfg(test)]
mod tests {
    use crate::configuration::Settings;

    #[test]
    fn franceconnect_plus_reads_with_a_dash_or_the_environment_s_underscore() {
        let dir = tempfile::tempdir().unwrap();
        for table in ["franceconnect-plus", "franceconnect_plus"] {
            let path = dir.path().join(format!("{table}.toml"));
            std::fs::write(
                &path,
                format!(
                    "[federations.{table}]\nenabled = true\nclient_id = \"fcp\"\nclient_secret = \"s\"\nencryption_alg = \"A128KW\"\nencryption_key_file = \"/nulle-part.pem\"\n"
                ),
            )
            .unwrap();
            let settings = Settings::load(Some(&path)).expect(table);
            assert!(settings.federations.franceconnect_plus.enabled, "{table}");
            let errors = settings.resolve().unwrap_err().to_string();
            for key in [
                "federations.franceconnect-plus.encryption_alg",
                "federations.franceconnect-plus.encryption_key_file",
            ] {
                assert!(errors.contains(key), "{table}: {key} in {errors}");
            }
        }
    }
}
