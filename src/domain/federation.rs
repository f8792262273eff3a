use std::fmt;
use std::str::FromStr;

/// The identity federations of the French State. FranceConnect+ is
/// FranceConnect's higher-level sibling (eIDAS substantial and high): one
/// service for citizens, two federations for the protocol.
///
/// They are a closed set on purpose: each one needs its own protocol rules
/// (parameters it requires or rejects, claim names, button), so adding one
/// is a code change, while *who* is sent to them is data (see [`super::Chooser`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Federation {
    FranceConnect,
    FranceConnectPlus,
    ProConnect,
    ProSanteConnect,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown federation `{0}` (expected one of franceconnect, franceconnect-plus, proconnect, prosanteconnect)"
)]
pub struct UnknownFederation(pub String);

impl Federation {
    pub const ALL: [Federation; 4] = [
        Federation::FranceConnect,
        Federation::FranceConnectPlus,
        Federation::ProConnect,
        Federation::ProSanteConnect,
    ];

    /// Stable identifier used in URLs, configuration and claims (`idp`).
    pub fn id(self) -> &'static str {
        match self {
            Federation::FranceConnect => "franceconnect",
            Federation::FranceConnectPlus => "franceconnect-plus",
            Federation::ProConnect => "proconnect",
            Federation::ProSanteConnect => "prosanteconnect",
        }
    }

    /// The brand name, never translated.
    pub fn brand(self) -> &'static str {
        match self {
            Federation::FranceConnect => "FranceConnect",
            Federation::FranceConnectPlus => "FranceConnect+",
            Federation::ProConnect => "ProConnect",
            Federation::ProSanteConnect => "Pro Santé Connect",
        }
    }

    /// The federation's public page for people ("Qu'est-ce que … ?").
    pub fn about_url(self) -> &'static str {
        match self {
            Federation::FranceConnect | Federation::FranceConnectPlus => {
                "https://franceconnect.gouv.fr/"
            }
            Federation::ProConnect => "https://www.proconnect.gouv.fr/",
            Federation::ProSanteConnect => {
                "https://esante.gouv.fr/produits-services/pro-sante-connect"
            }
        }
    }

    /// Where an administration asks for access to the federation.
    pub fn partners_url(self) -> &'static str {
        match self {
            Federation::FranceConnect | Federation::FranceConnectPlus => {
                "https://partenaires.franceconnect.gouv.fr/"
            }
            Federation::ProConnect => "https://partenaires.proconnect.gouv.fr/",
            Federation::ProSanteConnect => {
                "https://industriels.esante.gouv.fr/produits-services/pro-sante-connect"
            }
        }
    }

    /// Whether it can give the eIDAS `level` (`None`: no level asked).
    /// FranceConnect gives only `eidas1`, FranceConnect+ only `eidas2` and
    /// `eidas3`; ProConnect and Pro Santé Connect are asked for the level
    /// and their answer is checked.
    pub fn serves_level(self, level: Option<u8>) -> bool {
        match self {
            Federation::FranceConnect => level.unwrap_or(1) <= 1,
            Federation::FranceConnectPlus => level.is_some_and(|l| l >= 2),
            Federation::ProConnect | Federation::ProSanteConnect => true,
        }
    }

    /// The federation to offer in its place for `level`: FranceConnect
    /// becomes FranceConnect+ from `eidas2` on, and FranceConnect+ is only
    /// offered there (citizens see it when a démarche asks for it, and only then).
    pub fn for_level(self, level: Option<u8>) -> Federation {
        match self {
            Federation::FranceConnect | Federation::FranceConnectPlus => {
                if level.is_some_and(|l| l >= 2) {
                    Federation::FranceConnectPlus
                } else {
                    Federation::FranceConnect
                }
            }
            other => other,
        }
    }

    /// The `acr` values to ask this federation for, given what a démarche
    /// asked: only those it knows (FranceConnect rejects others), or
    /// `None` to ask its configured default.
    pub fn acr_values_for(self, asked: &[String]) -> Option<Vec<String>> {
        let known = |acr: &String| match self {
            Federation::FranceConnect => acr == "eidas1",
            Federation::FranceConnectPlus => acr == "eidas2" || acr == "eidas3",
            Federation::ProConnect | Federation::ProSanteConnect => true,
        };
        let kept: Vec<String> = asked.iter().filter(|a| known(a)).cloned().collect();
        (!kept.is_empty()).then_some(kept)
    }

    /// FranceConnect+ keeps no single sign-on at its levels: every login
    /// there authenticates the person again (`prompt=login`).
    pub fn always_reauthenticates(self) -> bool {
        self == Federation::FranceConnectPlus
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

    #[test]
    fn franceconnect_plus_takes_franceconnect_s_place_from_eidas2_on() {
        use Federation::*;
        for (level, fc, fc_plus) in [
            (None, FranceConnect, FranceConnect),
            (Some(1), FranceConnect, FranceConnect),
            (Some(2), FranceConnectPlus, FranceConnectPlus),
            (Some(3), FranceConnectPlus, FranceConnectPlus),
        ] {
            assert_eq!(FranceConnect.for_level(level), fc, "{level:?}");
            assert_eq!(FranceConnectPlus.for_level(level), fc_plus, "{level:?}");
            assert_eq!(ProConnect.for_level(level), ProConnect);
            assert!(fc.serves_level(level) && !fc.for_level(Some(2)).serves_level(Some(1)));
        }
        let asked = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            FranceConnectPlus.acr_values_for(&asked(&["eidas1", "eidas2"])),
            Some(asked(&["eidas2"]))
        );
        assert_eq!(FranceConnect.acr_values_for(&asked(&["eidas3"])), None);
        assert_eq!(
            ProConnect.acr_values_for(&asked(&["eidas2"])),
            Some(asked(&["eidas2"]))
        );
    }
}
