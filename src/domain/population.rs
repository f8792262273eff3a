use std::fmt;

use super::Federation;

/// Identifier of a population ("Vous êtes…" answer): lowercase ASCII letters,
/// digits and dashes, so it is safe in URLs, cookies and Fluent message ids.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct PopulationId(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid population id `{0}`: use 1 to 40 characters among a-z, 0-9 and '-'")]
pub struct PopulationIdError(pub String);

impl PopulationId {
    pub fn parse(s: &str) -> Result<Self, PopulationIdError> {
        let ok = !s.is_empty()
            && s.len() <= 40
            && !s.starts_with('-')
            && !s.ends_with('-')
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if ok {
            Ok(PopulationId(s.to_owned()))
        } else {
            Err(PopulationIdError(s.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PopulationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for PopulationId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        PopulationId::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// One answer to "Vous êtes…" and the federations that serve it, in the
/// order they should be tried (the first one is recommended).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Population {
    pub id: PopulationId,
    pub federations: Vec<Federation>,
    /// Position in the chooser (ascending).
    pub order: i32,
}

impl Population {
    pub fn accepts(&self, federation: Federation) -> bool {
        self.federations.contains(&federation)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn population_ids_are_url_safe() {
        assert!(PopulationId::parse("agent-etat").is_ok());
        for bad in ["", "Agent", "a b", "-x", "x-", "é", "a/b", &"x".repeat(41)] {
            assert!(PopulationId::parse(bad).is_err(), "{bad:?} accepted");
        }
    }
}
