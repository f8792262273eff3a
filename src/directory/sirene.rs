//! The API Recherche d'entreprises' answer to `GET /search?q=<siret>`, and
//! the [`Organisation`] it describes.
//!
//! The shape is the API's own, read in its source
//! (github.com/annuaire-entreprises-data-gouv-fr/search-api at commit
//! 7cc364f8faac27f258b35d6d24a6a6a66a95b1f3, July 2026): `app/models/
//! unite_legale.py` (`UniteLegaleResponse`, `Etablissement`, `Complements`,
//! `CollectiviteTerritoriale`), `app/models/response.py` (`ResponseModel`),
//! `app/doc/open-api.yml`. Only the fields used are read; the others (and
//! new ones) are ignored, so the API may grow. `docs/sirene.md` tells why
//! each field is the one used.

use serde::Deserialize;

use super::{DirectoryError, Siret};
use crate::domain::Organisation;

/// What the API puts in place of a value its owner asked not to publish
/// (`app/service/formatters/non_diffusible.py`, `NON_DIFFUSIBLE_MASK`).
const NON_DIFFUSIBLE: &str = "[NON-DIFFUSIBLE]";

/// `ResponseModel`: `results` (the model allows null: no result), and
/// pagination not read. An answer without `results` is not this one (the
/// API's errors are `{"erreur": "…"}`).
#[derive(Debug, Deserialize)]
struct SearchAnswer {
    #[serde(deserialize_with = "null_is_empty")]
    results: Vec<LegalUnit>,
}

fn null_is_empty<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<LegalUnit>, D::Error> {
    Ok(Option::<Vec<LegalUnit>>::deserialize(d)?.unwrap_or_default())
}

/// `UniteLegaleResponse`: a legal unit (SIREN).
#[derive(Debug, Deserialize)]
struct LegalUnit {
    siren: String,
    nom_complet: Option<String>,
    nom_raison_sociale: Option<String>,
    activite_principale: Option<String>,
    /// INSEE legal category, 4 digits (`5710` SAS, `7120` a ministry's
    /// central service, `7210` a commune…).
    nature_juridique: Option<String>,
    siege: Option<Establishment>,
    /// For `q=<siret>`: that establishment alone (OpenAPI, `matching_etablissements`).
    matching_etablissements: Option<Vec<Establishment>>,
    complements: Option<Complements>,
}

/// `Etablissement`: one establishment (SIRET).
#[derive(Debug, Default, Deserialize)]
struct Establishment {
    siret: Option<String>,
    activite_principale: Option<String>,
    code_postal: Option<String>,
    /// COG code of the establishment's commune.
    commune: Option<String>,
    /// `A` active, `F` closed (fermé).
    etat_administratif: Option<String>,
}

/// `Complements`: what other sources say of the legal unit.
#[derive(Debug, Deserialize)]
struct Complements {
    collectivite_territoriale: Option<LocalAuthority>,
    /// The API's "administration" (its legal categories' list, a white
    /// list, the State's operators; false once closed).
    est_administration: Option<bool>,
    /// Deprecated for `est_administration` (same value until June 2026,
    /// always null since): read so that an older deployment still counts.
    est_service_public: Option<bool>,
}

/// `CollectiviteTerritoriale` (its `elus`, people's names, are not read).
#[derive(Debug, Deserialize)]
struct LocalAuthority {
    /// `Commune`, `Département`, `Région`, `EPCI`, `Ville de Paris`,
    /// `Métropole de Lyon`, … (search-infra's colter pipeline).
    niveau: Option<String>,
}

/// The organisation behind `siret` in the API's answer `body`: `None` when
/// the API does not know it (no result); an error when the answer is not
/// the documented one (the API answered for another establishment, or is
/// not JSON of that shape): an unknown SIRET must not be cached on a
/// misunderstanding.
pub(super) fn organisation(
    siret: &Siret,
    body: &[u8],
) -> Result<Option<Organisation>, DirectoryError> {
    let answer: SearchAnswer = serde_json::from_slice(body).map_err(|e| {
        // serde_json's message may quote the body (a person's name): only
        // where it failed is kept.
        DirectoryError::Malformed(format!(
            "{:?} error at line {} column {}",
            e.classify(),
            e.line(),
            e.column()
        ))
    })?;
    let results = answer.results;
    if results.is_empty() {
        return Ok(None);
    }
    let found = results
        .iter()
        .find_map(|unit| unit.establishment(siret).map(|e| (unit, e)));
    let Some((unit, establishment)) = found else {
        return Err(DirectoryError::Malformed(
            "no result holds the establishment asked for".into(),
        ));
    };
    if unit.siren != siret.siren() {
        return Err(DirectoryError::Malformed(
            "the establishment's legal unit is not the one its SIRET names".into(),
        ));
    }
    Ok(Some(unit.organisation(siret, establishment)))
}

impl LegalUnit {
    /// The establishment `siret` among the matching ones, else the head
    /// office when it is that one (an answer without `matching_etablissements`).
    fn establishment(&self, siret: &Siret) -> Option<&Establishment> {
        let is_it = |e: &&Establishment| e.siret.as_deref() == Some(siret.as_str());
        self.matching_etablissements
            .iter()
            .flatten()
            .find(is_it)
            .or_else(|| self.siege.as_ref().filter(is_it))
    }

    fn organisation(&self, siret: &Siret, establishment: &Establishment) -> Organisation {
        let category = self.nature_juridique.as_deref().unwrap_or("");
        let complements = self.complements.as_ref();
        let administration = complements.is_some_and(|c| {
            c.est_administration == Some(true) || c.est_service_public == Some(true)
        });
        // INSEE legal categories, level 1: 4 "personne morale de droit
        // public soumise au droit commercial", 7 "personne morale et
        // organisme soumis au droit administratif". Read too because the
        // API's flag is false for a closed body and "not exhaustive"
        // (OpenAPI, `est_administration`).
        let public_law = category.starts_with('4') || category.starts_with('7');
        // Level 2, 72 "collectivité territoriale" (commune, département,
        // région, collectivité d'outre-mer…).
        let authority_category = category.starts_with("72");
        let listed_authority = complements
            .and_then(|c| c.collectivite_territoriale.as_ref())
            .is_some_and(|a| a.niveau.as_deref() != Some("EPCI"));
        Organisation {
            siret: siret.as_str().to_owned(),
            siren: self.siren.clone(),
            name: public(&self.nom_raison_sociale).or_else(|| public(&self.nom_complet)),
            naf: public(&establishment.activite_principale)
                .or_else(|| public(&self.activite_principale)),
            commune: public(&establishment.commune),
            postcode: public(&establishment.code_postal),
            public_body: administration || public_law,
            local_authority: listed_authority || authority_category,
            active: establishment.etat_administratif.as_deref() == Some("A"),
        }
    }
}

/// A value the API publishes: neither absent, empty nor masked.
fn public(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty() && *v != NON_DIFFUSIBLE)
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        let path = format!(
            "{}/tests/fixtures/sirene/{name}.json",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    fn siret(s: &str) -> Siret {
        Siret::parse(s).expect("a SIRET")
    }

    fn found(name: &str, s: &str) -> Organisation {
        organisation(&siret(s), &fixture(name))
            .expect("the documented shape")
            .expect("found")
    }

    #[test]
    fn a_company_s_establishment_with_its_own_place_and_activity() {
        assert_eq!(
            found("company", "91234567500025"),
            Organisation {
                siret: "91234567500025".into(),
                siren: "912345675".into(),
                name: Some("ATELIER NUMERIQUE DU RHONE".into()),
                // The establishment's, not the legal unit's 62.01Z nor the
                // head office's place (Paris).
                naf: Some("62.02A".into()),
                commune: Some("69383".into()),
                postcode: Some("69003".into()),
                public_body: false,
                local_authority: false,
                active: true,
            }
        );
    }

    #[test]
    fn a_ministry_s_service_is_a_public_body_and_not_a_local_authority() {
        assert_eq!(
            found("public-body", "13002526500013"),
            Organisation {
                siret: "13002526500013".into(),
                siren: "130025265".into(),
                // The registered name, without the sigle `nom_complet` adds.
                name: Some("DIRECTION INTERMINISTERIELLE DU NUMERIQUE".into()),
                naf: Some("84.11Z".into()),
                commune: Some("75107".into()),
                postcode: Some("75007".into()),
                public_body: true,
                local_authority: false,
                active: true,
            }
        );
    }

    #[test]
    fn a_commune_is_a_local_authority_and_a_public_body() {
        let org = found("local-authority", "21340126800130");
        assert_eq!(org.name.as_deref(), Some("COMMUNE DE LAMALOU LES BAINS"));
        assert_eq!(org.commune.as_deref(), Some("34126"));
        assert_eq!(org.postcode.as_deref(), Some("34240"));
        assert!(org.public_body && org.local_authority && org.active);
    }

    #[test]
    fn a_closed_establishment_of_an_active_company_is_not_active() {
        let org = found("closed-establishment", "91234567500033");
        assert!(!org.active);
        assert_eq!(org.commune.as_deref(), Some("38185"));
    }

    #[test]
    fn masked_values_are_absent_never_the_mask() {
        let org = found("non-diffusible", "84512367800011");
        assert_eq!(org.name, None);
        assert_eq!(org.postcode, None);
        // The commune is published even for a masked address.
        assert_eq!(org.commune.as_deref(), Some("33063"));
        assert_eq!(org.naf.as_deref(), Some("74.10Z"));
        assert!(!org.public_body && !org.local_authority && org.active);
        let json = serde_json::to_string(&org).unwrap();
        assert!(!json.contains(NON_DIFFUSIBLE), "{json}");
    }

    #[test]
    fn no_result_is_an_unknown_siret() {
        assert_eq!(
            organisation(&siret("91234567500041"), &fixture("unknown")).unwrap(),
            None
        );
        assert_eq!(
            organisation(&siret("91234567500041"), br#"{"results":null}"#).unwrap(),
            None
        );
    }

    #[test]
    fn an_answer_about_another_establishment_or_of_another_shape_is_an_error() {
        // The company's answer names 91234567500025, not this one.
        let other = organisation(&siret("91234567500041"), &fixture("company"));
        assert!(
            matches!(other, Err(DirectoryError::Malformed(_))),
            "{other:?}"
        );
        for body in [
            &b"<html>maintenance</html>"[..],
            br#"{"results":[{"nom_complet":"NO SIREN"}]}"#,
            br#"{"results":{"siren":"912345675"}}"#,
            br#"{"erreur":"Veuillez indiquer au moins un param\u00e8tre de recherche."}"#,
        ] {
            let result = organisation(&siret("91234567500025"), body);
            assert!(
                matches!(result, Err(DirectoryError::Malformed(_))),
                "{:?}: {result:?}",
                String::from_utf8_lossy(body)
            );
        }
    }

    #[test]
    fn a_parse_error_never_quotes_the_body() {
        let body = br#"{"results":[{"siren":912345675,"nom_complet":"CAMILLE EXEMPLE"}]}"#;
        let Err(DirectoryError::Malformed(message)) = organisation(&siret("91234567500025"), body)
        else {
            panic!("a malformed answer");
        };
        assert!(!message.contains("912345675") && !message.contains("CAMILLE"));
    }

    #[test]
    fn the_head_office_answers_when_no_matching_establishment_is_given() {
        // An answer asked without `matching_etablissements` (the head
        // office looked up).
        let mut answer: serde_json::Value =
            serde_json::from_slice(&fixture("public-body")).unwrap();
        answer["results"][0]
            .as_object_mut()
            .unwrap()
            .remove("matching_etablissements");
        let body = serde_json::to_vec(&answer).unwrap();
        let org = organisation(&siret("13002526500013"), &body)
            .unwrap()
            .unwrap();
        assert_eq!(org.postcode.as_deref(), Some("75007"));
    }

    #[test]
    fn the_legal_category_alone_tells_a_public_body_and_a_local_authority() {
        let with = |category: &str, complements: serde_json::Value| {
            let body = serde_json::json!({"results": [{
                "siren": "912345675",
                "nature_juridique": category,
                "matching_etablissements": [{"siret": "91234567500025", "etat_administratif": "A"}],
                "complements": complements,
            }]});
            let org = organisation(&siret("91234567500025"), body.to_string().as_bytes())
                .unwrap()
                .unwrap();
            (org.public_body, org.local_authority)
        };
        let none = serde_json::json!({});
        let cases = [
            ("5710", none.clone(), (false, false)),
            // An EPIC (ONF, RATP…): public law under commercial law.
            ("4110", none.clone(), (true, false)),
            ("7220", none.clone(), (true, true)),
            // A community of communes: public, not an authority.
            (
                "7346",
                serde_json::json!({"collectivite_territoriale": {"code": "200000000", "niveau": "EPCI"}}),
                (true, false),
            ),
            // A social security fund the API lists as an administration.
            (
                "8110",
                serde_json::json!({"est_administration": true}),
                (true, false),
            ),
            // An older deployment's flag.
            (
                "9220",
                serde_json::json!({"est_service_public": true}),
                (true, false),
            ),
            // A region the category does not tell (hypothetical), listed.
            (
                "",
                serde_json::json!({"collectivite_territoriale": {"code": "84", "niveau": "Région"}}),
                (false, true),
            ),
        ];
        for (category, complements, expected) in cases {
            assert_eq!(
                with(category, complements.clone()),
                expected,
                "{category} {complements}"
            );
        }
    }
}
