//! The organisation behind a SIRET, as the public company directory
//! describes it: what a démarche that asks scope `organisation` receives
//! as the `organisation` claim, and what the account page shows.

use serde::{Deserialize, Serialize};

/// One establishment (SIRET) and the legal unit (SIREN) it belongs to,
/// normalized from the directory's answer (`directory::sirene` reads it,
/// `docs/sirene.md` says which field each comes from and why).
///
/// Every text is the directory's own value, never a value of the login; a
/// value the directory masks (`[NON-DIFFUSIBLE]`) or does not give is
/// `None`, never the mask itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    /// The establishment's number (14 digits): the result's
    /// `matching_etablissements[].siret` equal to the SIRET looked up.
    pub siret: String,
    /// The legal unit's number (9 digits): the result's `siren`.
    pub siren: String,
    /// The legal unit's name: `nom_raison_sociale` (a legal person's
    /// registered name), else `nom_complet` (a sole trader's first and last
    /// names: a person's, never logged). `None` when masked.
    pub name: Option<String>,
    /// The establishment's main activity, NAF rév. 2 (e.g. `84.11Z`): the
    /// establishment's `activite_principale`, else the legal unit's.
    pub naf: Option<String>,
    /// The establishment's commune, its COG (INSEE) code (e.g. `75107`; an
    /// arrondissement's code in Paris, Lyon and Marseille): its `commune`.
    /// `None` abroad.
    pub commune: Option<String>,
    /// The establishment's postcode: its `code_postal`. `None` when masked
    /// (an establishment whose address is not public) or abroad.
    pub postcode: Option<String>,
    /// A body of public law or an administration: `complements.est_administration`
    /// (or the older `est_service_public`), or an INSEE legal category of
    /// public law (`nature_juridique` 4xxx: public law under commercial law,
    /// 7xxx: under administrative law).
    pub public_body: bool,
    /// A local authority (commune, département, région, territorial
    /// collectivity): `complements.collectivite_territoriale` present at
    /// another level than `EPCI` (a grouping of communes is a public
    /// establishment, not an authority), or legal category 72xx.
    pub local_authority: bool,
    /// The establishment is open: its `etat_administratif` is `A` (`F`:
    /// closed).
    pub active: bool,
}
