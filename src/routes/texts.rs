//! Every Fluent key the pages need: those written in templates and code
//! (found at build time), and those built from data (populations,
//! federations, error pages). `check-locales` and the tests check them.

use crate::configuration::site::AccessibilityStatus;
use crate::domain::{Chooser, Federation};
use crate::i18n::{Lang, LocaleIssue, Locales};
use crate::routes::error::ErrorStem;

mod used {
    include!(concat!(env!("OUT_DIR"), "/used_keys.rs"));
}
pub use used::USED_KEYS;

/// Keys built at run time from data (population and federation ids,
/// accessibility statuses, error kinds).
pub fn dynamic_keys(chooser: &Chooser) -> Vec<String> {
    let mut keys = Vec::new();
    for p in chooser.populations() {
        for suffix in ["", "-hint", "-help", "-advice"] {
            keys.push(format!("population-{}{suffix}", p.id));
        }
    }
    for f in Federation::ALL {
        for suffix in ["-what", "-access", "-why"] {
            keys.push(format!("federation-{}{suffix}", f.id()));
        }
    }
    for claim in LABELLED_CLAIMS {
        keys.push(format!("claim-{claim}"));
    }
    for level in 1..=3 {
        keys.push(level_key(level).to_owned());
    }
    for status in AccessibilityStatus::ALL {
        keys.push(format!("accessibility-status-{}", status.id()));
    }
    for stem in ErrorStem::ALL {
        keys.push(format!("error-{}-title", stem.as_str()));
        keys.push(format!("error-{}-body", stem.as_str()));
    }
    keys
}

/// Claims the federations send (README, "What the démarche gets") that
/// `/compte` names for people, `claim-<name>` in `locales/*/portail.ftl`;
/// others keep their name.
pub const LABELLED_CLAIMS: &[&str] = &[
    "uid",
    "siret",
    "siren",
    "idp_id",
    "idp_acr",
    "organizational_unit",
    "organization_label",
    "belonging_population",
    "phone_number",
    "birthdate",
    "birthplace",
    "birthcountry",
    "gender",
    "preferred_username",
    "given_name_array",
    "SubjectNameID",
    "SubjectRefPro",
    "SubjectOrganization",
    "SubjectRole",
    "codeCivilite",
];

/// The text of an eIDAS level's name (`faible`, `substantiel`, `élevé`),
/// for an `eidasN` level (N above 3 is the highest).
pub fn level_key(level: u8) -> &'static str {
    match level {
        0 | 1 => "level-eidas1",
        2 => "level-eidas2",
        _ => "level-eidas3",
    }
}

/// Every (language, key) the portal uses and the files do not define.
/// `-advice` is only needed where two federations or more fit.
pub fn missing_keys(locales: &Locales, chooser: &Chooser) -> Vec<(Lang, String)> {
    let optional: Vec<String> = chooser
        .populations()
        .iter()
        .filter(|p| p.federations.len() < 2)
        .map(|p| format!("population-{}-advice", p.id))
        .collect();
    let mut keys: Vec<String> = USED_KEYS.iter().map(|k| k.to_string()).collect();
    keys.extend(
        dynamic_keys(chooser)
            .into_iter()
            .filter(|k| !optional.contains(k)),
    );
    let mut missing = Vec::new();
    for lang in Lang::ALL {
        for key in &keys {
            if !locales.has(lang, key) {
                missing.push((lang, key.clone()));
            }
        }
    }
    missing
}

/// [`missing_keys`] as issues located in the file each text belongs in
/// (what `check-locales` prints and a refused edit logs).
pub fn missing_issues(locales: &Locales, chooser: &Chooser) -> Vec<LocaleIssue> {
    missing_keys(locales, chooser)
        .into_iter()
        .map(|(lang, key)| locales.missing_text(lang, &key))
        .collect()
}
