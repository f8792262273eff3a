use std::fmt;

/// One configuration problem, with the key it is about
/// (`federations.proconnect.client_id`, `clients[0].redirect_uris[1]`…).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigIssue {
    pub key: String,
    pub message: String,
}

impl ConfigIssue {
    pub fn new(key: impl Into<String>, message: impl Into<String>) -> ConfigIssue {
        ConfigIssue {
            key: key.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for ConfigIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.key, self.message)
    }
}

/// Every problem found at once, one per line.
#[derive(Debug, thiserror::Error)]
pub struct ConfigErrors(pub Vec<ConfigIssue>);

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, issue) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{issue}")?;
        }
        Ok(())
    }
}

impl ConfigErrors {
    pub fn one(key: impl Into<String>, message: impl Into<String>) -> Self {
        ConfigErrors(vec![ConfigIssue::new(key, message)])
    }

    /// `Ok(value)` when no issue was collected.
    pub fn check<T>(issues: Vec<ConfigIssue>, value: T) -> Result<T, ConfigErrors> {
        if issues.is_empty() {
            Ok(value)
        } else {
            Err(ConfigErrors(issues))
        }
    }
}

/// A list setting that has a current and a deprecated name: the one used,
/// with its name (issues name the key the administrator wrote).
pub fn renamed_list<'a, T>(
    current: (&'static str, Option<&'a Vec<T>>),
    former: (&'static str, Option<&'a Vec<T>>),
    key: &str,
    notes: &mut Vec<String>,
    issues: &mut Vec<ConfigIssue>,
) -> Option<(&'static str, &'a Vec<T>)> {
    match (current.1, former.1) {
        (Some(_), Some(_)) => {
            issues.push(ConfigIssue::new(
                format!("{key}.{}", former.0),
                format!(
                    "both `{}` and `{}` are set; keep only `{}`",
                    current.0, former.0, current.0
                ),
            ));
            None
        }
        (Some(list), None) => Some((current.0, list)),
        (None, Some(list)) => {
            notes.push(format!(
                "{key}.{}: deprecated, rename it `{}`",
                former.0, current.0
            ));
            Some((former.0, list))
        }
        (None, None) => None,
    }
}
