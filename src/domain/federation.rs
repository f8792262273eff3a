use std::fmt;
use std::str::FromStr;

/// The three identity federations of the French State.
///
/// They are a closed set on purpose: each one needs its own protocol rules
/// (parameters it requires or rejects, claim names, button), so adding one
/// is a code change, while *who* is sent to them is data (see [`super::Chooser`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Federation {
    FranceConnect,
    ProConnect,
    ProSanteConnect,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown federation `{0}` (expected one of franceconnect, proconnect, prosanteconnect)")]
pub struct UnknownFederation(pub String);

impl Federation {
    pub const ALL: [Federation; 3] = [
        Federation::FranceConnect,
        Federation::ProConnect,
        Federation::ProSanteConnect,
    ];

    /// Stable identifier used in URLs, configuration and claims (`idp`).
    pub fn id(self) -> &'static str {
        match self {
            Federation::FranceConnect => "franceconnect",
            Federation::ProConnect => "proconnect",
            Federation::ProSanteConnect => "prosanteconnect",
        }
    }

    /// The brand name, never translated.
    pub fn brand(self) -> &'static str {
        match self {
            Federation::FranceConnect => "FranceConnect",
            Federation::ProConnect => "ProConnect",
            Federation::ProSanteConnect => "Pro Santé Connect",
        }
    }

    /// The federation's public page for people ("Qu'est-ce que … ?").
    pub fn about_url(self) -> &'static str {
        match self {
            Federation::FranceConnect => "https://franceconnect.gouv.fr/",
            Federation::ProConnect => "https://www.proconnect.gouv.fr/",
            Federation::ProSanteConnect => {
                "https://esante.gouv.fr/produits-services/pro-sante-connect"
            }
        }
    }

    /// Where an administration asks for access to the federation.
    pub fn partners_url(self) -> &'static str {
        match self {
            Federation::FranceConnect => "https://partenaires.franceconnect.gouv.fr/",
            Federation::ProConnect => "https://partenaires.proconnect.gouv.fr/",
            Federation::ProSanteConnect => {
                "https://industriels.esante.gouv.fr/produits-services/pro-sante-connect"
            }
        }
    }
}

impl fmt::Display for Federation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl FromStr for Federation {
    type Err = UnknownFederation;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Federation::ALL
            .into_iter()
            .find(|f| f.id() == s)
            .ok_or_else(|| UnknownFederation(s.to_owned()))
    }
}

impl serde::Serialize for Federation {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

impl<'de> serde::Deserialize<'de> for Federation {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip() {
        for f in Federation::ALL {
            assert_eq!(f.id().parse::<Federation>(), Ok(f));
        }
        assert!("FranceConnect".parse::<Federation>().is_err());
    }
}
