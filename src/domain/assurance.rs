//! Levels of assurance: the eIDAS `acr` values (`eidas1` low, `eidas2`
//! substantial, `eidas3` high) démarches ask for and federations give.
//! Other values (ProConnect's `https://proconnect.gouv.fr/assurance/…`)
//! have no level: they are only ever equal to themselves.

/// `eidas1-mfa` → 1. Higher eIDAS levels satisfy lower ones.
pub fn eidas_level(acr: &str) -> Option<u8> {
    acr.strip_prefix("eidas")?.split('-').next()?.parse().ok()
}

/// The returned `acr` is one of those asked, or a higher eIDAS level
/// (Pro Santé Connect answers `eidas2` to a card login when `eidas1` was asked).
pub fn acr_satisfies(returned: &str, asked: &[String]) -> bool {
    if asked.iter().any(|a| a == returned) {
        return true;
    }
    match (eidas_level(returned), required_level(asked)) {
        (Some(got), Some(min)) => got >= min,
        _ => false,
    }
}

/// The eIDAS level a request needs: the lowest one asked (any asked value
/// will do), `None` when no eIDAS level was asked.
pub fn required_level(asked: &[String]) -> Option<u8> {
    asked.iter().filter_map(|a| eidas_level(a)).min()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(values: &[&str]) -> Vec<String> {
        values.iter().map(|v| v.to_string()).collect()
    }

    #[test]
    fn higher_eidas_levels_satisfy_lower_ones_and_other_values_only_themselves() {
        let asked = list(&["eidas1"]);
        assert!(acr_satisfies("eidas1", &asked));
        assert!(acr_satisfies("eidas2", &asked));
        assert!(acr_satisfies("eidas1-mfa", &asked));
        assert!(!acr_satisfies("eidas0", &asked));
        assert!(!acr_satisfies("", &asked));
        assert!(!acr_satisfies("eidas1", &list(&["eidas2"])));
        let custom = list(&["https://proconnect.gouv.fr/assurance/self-asserted-2fa"]);
        assert!(acr_satisfies(&custom[0], &custom));
        assert!(!acr_satisfies("eidas3", &custom));
    }

    #[test]
    fn the_required_level_is_the_lowest_asked() {
        assert_eq!(required_level(&list(&["eidas3", "eidas2"])), Some(2));
        assert_eq!(required_level(&list(&["eidas1-mfa"])), Some(1));
        assert_eq!(required_level(&list(&["https://x"])), None);
        assert_eq!(required_level(&[]), None);
    }
}
