use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{Federation, Organisation};

/// A person authenticated by a federation, normalized: the one type the
/// upstream side (relying party) hands to the provider side (toward the
/// démarches).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Identity {
    pub federation: Federation,
    /// The federation's issuer, as verified in the ID token.
    pub issuer: String,
    /// The federation's subject identifier (unique per issuer).
    pub sub: String,
    pub acr: Option<String>,
    #[serde(default)]
    pub amr: Vec<String>,
    pub auth_time: Option<i64>,
    pub given_name: Option<String>,
    /// FranceConnect / Pro Santé Connect `family_name`, ProConnect `usual_name`.
    pub family_name: Option<String>,
    pub email: Option<String>,
    /// Every other claim the federation sent, unchanged (birthdate,
    /// birthplace, siret, uid, SubjectRefPro…).
    #[serde(default)]
    pub claims: Map<String, Value>,
    /// The organisation behind the federation's `siret`, as the company
    /// directory describes it (`None`: no SIRET, the directory off, or it
    /// did not answer). Given to a démarche only for scope `organisation`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<Organisation>,
}

impl Identity {
    /// The SIRET the federation vouched for: ProConnect's `siret`; Pro
    /// Santé Connect's activity site (`SubjectRefPro.exercices[].activites[]
    /// .numeroSiretSite`) when the person's activities name exactly one
    /// (several sites: none, rather than an organisation picked at random).
    pub fn siret(&self) -> Option<&str> {
        match self.federation {
            Federation::ProSanteConnect => self.activity_site(),
            _ => self.claims.get("siret").and_then(Value::as_str),
        }
    }

    fn activity_site(&self) -> Option<&str> {
        let exercices = self
            .claims
            .get("SubjectRefPro")?
            .get("exercices")?
            .as_array()?;
        let mut sites = exercices
            .iter()
            .filter_map(|e| e.get("activites")?.as_array())
            .flatten()
            .filter_map(|a| a.get("numeroSiretSite")?.as_str())
            .filter(|s| !s.is_empty());
        let first = sites.next()?;
        sites.all(|s| s == first).then_some(first)
    }
}

/// Claims that [`Identity`] holds in its own fields, or that only make
/// sense between the federation and the portal.
const NORMALIZED: &[&str] = &[
    "iss",
    "sub",
    "aud",
    "exp",
    "iat",
    "nbf",
    "jti",
    "nonce",
    "acr",
    "amr",
    "auth_time",
    "azp",
    "at_hash",
    "c_hash",
    "sid",
    "given_name",
    "family_name",
    "usual_name",
    "email",
    // The portal's own claim (the company directory's): never the
    // federation's value under that name.
    "organisation",
];

impl Identity {
    /// Builds the identity from the verified ID token claims and the
    /// userinfo claims (userinfo wins for profile data; the caller has
    /// already checked both have the same `sub`).
    pub fn from_claims(
        federation: Federation,
        id_token: &Map<String, Value>,
        userinfo: &Map<String, Value>,
    ) -> Option<Identity> {
        let get = |name: &str| userinfo.get(name).or_else(|| id_token.get(name));
        let text = |name: &str| {
            get(name)
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let family_name = match federation {
            Federation::ProConnect => text("usual_name").or_else(|| text("family_name")),
            _ => text("family_name"),
        };
        let amr = match id_token.get("amr") {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
            Some(Value::String(one)) => vec![one.clone()],
            _ => Vec::new(),
        };
        let mut claims = Map::new();
        for (k, v) in id_token.iter().chain(userinfo.iter()) {
            if !NORMALIZED.contains(&k.as_str()) {
                claims.insert(k.clone(), v.clone());
            }
        }
        Some(Identity {
            federation,
            issuer: id_token.get("iss")?.as_str()?.to_owned(),
            sub: id_token.get("sub")?.as_str()?.to_owned(),
            acr: id_token
                .get("acr")
                .and_then(Value::as_str)
                .map(str::to_owned),
            amr,
            auth_time: id_token.get("auth_time").and_then(Value::as_i64),
            given_name: text("given_name"),
            family_name,
            email: text("email"),
            claims,
            organisation: None,
        })
    }

    /// "Given Family", or the e-mail, or the subject: never empty.
    pub fn display_name(&self) -> String {
        let name = [self.given_name.as_deref(), self.family_name.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        if !name.is_empty() {
            name
        } else {
            self.email.clone().unwrap_or_else(|| self.sub.clone())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn proconnect_usual_name_becomes_the_family_name_and_extras_are_kept() {
        let id = map(
            json!({"iss": "https://pc", "sub": "s1", "acr": "eidas1", "amr": ["pwd", "mfa"], "auth_time": 10}),
        );
        let ui = map(
            json!({"sub": "s1", "given_name": "Ada", "usual_name": "Martin", "email": "a@b.fr", "siret": "1234", "uid": "u"}),
        );
        let identity = Identity::from_claims(Federation::ProConnect, &id, &ui).unwrap();
        assert_eq!(identity.family_name.as_deref(), Some("Martin"));
        assert_eq!(identity.amr, ["pwd", "mfa"]);
        assert_eq!(identity.claims["siret"], "1234");
        assert!(!identity.claims.contains_key("usual_name"));
        assert_eq!(identity.display_name(), "Ada Martin");
    }

    #[test]
    fn the_siret_is_proconnect_s_claim_or_pro_sante_connect_s_one_activity_site() {
        let id = map(json!({"iss": "https://f", "sub": "s1"}));
        let site = |siret: &str| json!({"numeroSiretSite": siret});
        let cases = [
            (
                Federation::ProConnect,
                json!({"siret": "13002526500013"}),
                Some("13002526500013"),
            ),
            (Federation::ProConnect, json!({}), None),
            (
                Federation::ProSanteConnect,
                json!({"siret": "13002526500013"}),
                None,
            ),
            (
                Federation::ProSanteConnect,
                json!({"SubjectRefPro": {"exercices": [{"activites": [site(""), site("26750045200011")]}]}}),
                Some("26750045200011"),
            ),
            (
                Federation::ProSanteConnect,
                json!({"SubjectRefPro": {"exercices": [
                    {"activites": [site("26750045200011")]},
                    {"activites": [site("26750045200011")]}
                ]}}),
                Some("26750045200011"),
            ),
            (
                Federation::ProSanteConnect,
                json!({"SubjectRefPro": {"exercices": [{"activites": [site("26750045200011"), site("78467169500087")]}]}}),
                None,
            ),
            (
                Federation::ProSanteConnect,
                json!({"SubjectRefPro": {"exercices": [{"activites": [site("")]}]}}),
                None,
            ),
        ];
        for (federation, userinfo, expected) in cases {
            let identity = Identity::from_claims(federation, &id, &map(userinfo.clone())).unwrap();
            assert_eq!(identity.siret(), expected, "{federation} {userinfo}");
        }
    }

    #[test]
    fn a_federation_s_own_organisation_claim_is_never_taken_for_the_portal_s() {
        let id = map(json!({"iss": "https://pc", "sub": "s1"}));
        let userinfo = map(json!({"organisation": {"siret": "forged"}}));
        let identity = Identity::from_claims(Federation::ProConnect, &id, &userinfo).unwrap();
        assert!(identity.organisation.is_none());
        assert!(!identity.claims.contains_key("organisation"));
    }
}
