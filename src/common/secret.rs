use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::ConfigIssue;

/// A secret that never shows up in logs or `Debug` output.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(pub String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(…)")
    }
}

/// The one rule for every secret setting `NAME` / `NAME_file`: the inline
/// value wins, else the file is read (surrounding whitespace and the final
/// newline editors and `openssl` write are dropped). `key` is the setting's
/// full name without `_file`, used in the issue.
pub fn read_secret(
    key: &str,
    inline: Option<&Secret>,
    file: Option<&PathBuf>,
) -> Result<Option<Secret>, ConfigIssue> {
    match (inline, file) {
        (Some(s), _) => Ok(Some(s.clone())),
        (None, Some(path)) => std::fs::read_to_string(path)
            .map(|s| Some(Secret(s.trim().to_owned())))
            .map_err(|e| {
                ConfigIssue::new(
                    format!("{key}_file"),
                    format!("cannot read {}: {e}", path.display()),
                )
            }),
        (None, None) => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        assert_eq!(format!("{:?}", Secret("hunter2".into())), "Secret(…)");
    }

    #[test]
    fn a_file_secret_is_trimmed_and_an_unreadable_file_names_its_key() {
        let dir = std::env::temp_dir().join(format!("aiguillage-secret-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("s");
        std::fs::write(&path, "abc\n").unwrap();
        let read = read_secret("x.client_secret", None, Some(&path)).unwrap();
        assert_eq!(read, Some(Secret("abc".into())));
        let missing = dir.join("missing");
        let issue = read_secret("x.client_secret", None, Some(&missing)).unwrap_err();
        assert_eq!(issue.key, "x.client_secret_file");
        let inline = Secret("inline".into());
        assert_eq!(
            read_secret("k", Some(&inline), Some(&missing)).unwrap(),
            Some(inline)
        );
    }
}
