use std::collections::HashSet;

use super::{Federation, Population, PopulationId};

/// The chooser rules: which populations exist, in which order, and which
/// federations serve each of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chooser {
    populations: Vec<Population>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChooserError {
    #[error("the chooser has no population")]
    Empty,
    #[error("population `{0}` is listed twice")]
    Duplicate(PopulationId),
    #[error("population `{0}` has no federation")]
    NoFederation(PopulationId),
    #[error("population `{0}` lists federation `{1}` twice")]
    DuplicateFederation(PopulationId, Federation),
}

impl Chooser {
    /// Builds the chooser, sorted by `order` (then by position), and checks it.
    pub fn new(mut populations: Vec<Population>) -> Result<Self, ChooserError> {
        if populations.is_empty() {
            return Err(ChooserError::Empty);
        }
        let mut seen = HashSet::new();
        for p in &populations {
            if !seen.insert(&p.id) {
                return Err(ChooserError::Duplicate(p.id.clone()));
            }
            if p.federations.is_empty() {
                return Err(ChooserError::NoFederation(p.id.clone()));
            }
            let mut feds = HashSet::new();
            if let Some(f) = p.federations.iter().find(|f| !feds.insert(**f)) {
                return Err(ChooserError::DuplicateFederation(p.id.clone(), *f));
            }
        }
        // Stable sort: equal orders keep their listing order.
        populations.sort_by_key(|p| p.order);
        Ok(Chooser { populations })
    }

    /// The seed table of the mission (api-authentification.md). The order of
    /// federations is the recommendation: Pro Santé Connect first for health
    /// professionals (their e-CPS card), ProConnect first for other professionals.
    pub fn seed() -> Self {
        use Federation::*;
        let rows: [(&str, &[Federation]); 6] = [
            ("particulier", &[FranceConnect]),
            ("professionnel", &[ProConnect, ProSanteConnect]),
            ("professionnel-sante", &[ProSanteConnect, ProConnect]),
            ("entreprise", &[ProConnect]),
            ("agent-etat", &[ProConnect]),
            ("agent-collectivite", &[ProConnect]),
        ];
        let populations = rows
            .iter()
            .zip(1..)
            .map(|((id, feds), rank)| Population {
                id: PopulationId::parse(id).expect("seed ids are valid"),
                federations: feds.to_vec(),
                order: rank * 10,
            })
            .collect();
        Chooser::new(populations).expect("the seed table is valid")
    }

    pub fn populations(&self) -> &[Population] {
        &self.populations
    }

    pub fn population(&self, id: &str) -> Option<&Population> {
        self.populations.iter().find(|p| p.id.as_str() == id)
    }

    /// Every federation used by at least one population, in a fixed order.
    pub fn federations(&self) -> Vec<Federation> {
        Federation::ALL
            .into_iter()
            .filter(|f| self.populations.iter().any(|p| p.accepts(*f)))
            .collect()
    }

    /// The chooser a démarche sees when it accepts only some federations or
    /// serves only some populations: federations it does not accept are
    /// removed, and populations left with none disappear.
    pub fn restricted(
        &self,
        federations: Option<&[Federation]>,
        populations: Option<&[PopulationId]>,
    ) -> Option<Chooser> {
        let kept = self
            .populations
            .iter()
            .filter(|p| populations.is_none_or(|allowed| allowed.contains(&p.id)))
            .map(|p| Population {
                federations: p
                    .federations
                    .iter()
                    .copied()
                    .filter(|f| federations.is_none_or(|allowed| allowed.contains(f)))
                    .collect(),
                ..p.clone()
            })
            .filter(|p| !p.federations.is_empty())
            .collect::<Vec<_>>();
        Chooser::new(kept).ok()
    }

    /// The chooser for a request at eIDAS `level`: each federation replaced
    /// by the one offered at that level ([`Federation::for_level`]), listed
    /// once per population. A population never ends up empty.
    pub fn for_level(&self, level: Option<u8>) -> Chooser {
        let populations = self
            .populations
            .iter()
            .map(|p| {
                let mut federations = Vec::new();
                for f in p.federations.iter().map(|f| f.for_level(level)) {
                    if !federations.contains(&f) {
                        federations.push(f);
                    }
                }
                Population {
                    federations,
                    ..p.clone()
                }
            })
            .collect();
        Chooser { populations }
    }

    /// The federations [`Chooser::for_level`] then [`Chooser::restricted`]
    /// would offer (the same as their [`Chooser::federations`], empty when
    /// nothing is left), without building those choosers: asked at every
    /// authorization.
    pub fn offered(
        &self,
        level: Option<u8>,
        federations: Option<&[Federation]>,
        populations: Option<&[PopulationId]>,
    ) -> Vec<Federation> {
        let allowed = |f: &Federation| federations.is_none_or(|a| a.contains(f));
        Federation::ALL
            .into_iter()
            .filter(|f| allowed(f))
            .filter(|f| {
                self.populations
                    .iter()
                    .filter(|p| populations.is_none_or(|a| a.contains(&p.id)))
                    .any(|p| p.federations.iter().any(|g| g.for_level(level) == *f))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Federation::*;

    /// The mission's table, cell by cell (✅ = true).
    const TABLE: [(&str, [bool; 3]); 6] = [
        ("particulier", [true, false, false]),
        ("professionnel", [false, true, true]),
        ("professionnel-sante", [false, true, true]),
        ("entreprise", [false, true, false]),
        ("agent-etat", [false, true, false]),
        ("agent-collectivite", [false, true, false]),
    ];

    #[test]
    fn seed_equals_the_mission_table() {
        let chooser = Chooser::seed();
        assert_eq!(chooser.populations().len(), TABLE.len());
        for (id, cells) in TABLE {
            let p = chooser.population(id).expect(id);
            for (fed, expected) in [FranceConnect, ProConnect, ProSanteConnect]
                .iter()
                .zip(cells)
            {
                assert_eq!(p.accepts(*fed), expected, "{id} / {fed}");
            }
        }
        let order: Vec<_> = chooser
            .populations()
            .iter()
            .map(|p| p.id.as_str())
            .collect();
        assert_eq!(order, TABLE.map(|(id, _)| id));
    }

    #[test]
    fn offered_is_what_the_restricted_chooser_at_the_level_shows() {
        let chooser = Chooser::seed();
        let ids: Vec<PopulationId> = chooser.populations().iter().map(|p| p.id.clone()).collect();
        let all = Federation::ALL;
        // Every subset of the federations and of the populations, at each level.
        for fed_mask in 0..(1u32 << all.len()) {
            let feds: Vec<Federation> = (0..all.len())
                .filter(|i| fed_mask & (1 << i) != 0)
                .map(|i| all[i])
                .collect();
            for pop_mask in 0..(1u32 << ids.len()) {
                let pops: Vec<PopulationId> = (0..ids.len())
                    .filter(|i| pop_mask & (1 << i) != 0)
                    .map(|i| ids[i].clone())
                    .collect();
                for level in [None, Some(1), Some(2), Some(3)] {
                    for (f, p) in [
                        (Some(feds.as_slice()), Some(pops.as_slice())),
                        (Some(feds.as_slice()), None),
                        (None, Some(pops.as_slice())),
                        (None, None),
                    ] {
                        let built = chooser
                            .for_level(level)
                            .restricted(f, p)
                            .map(|c| c.federations())
                            .unwrap_or_default();
                        assert_eq!(chooser.offered(level, f, p), built, "{level:?} {f:?} {p:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn restriction_drops_empty_populations() {
        let only_pc = Chooser::seed()
            .restricted(Some(&[ProConnect]), None)
            .unwrap();
        assert!(only_pc.population("particulier").is_none());
        assert_eq!(
            only_pc.population("professionnel").unwrap().federations,
            vec![ProConnect]
        );
        assert_eq!(only_pc.federations(), vec![ProConnect]);
        assert!(Chooser::seed().restricted(Some(&[]), None).is_none());
        let citizens = [PopulationId::parse("particulier").unwrap()];
        let c = Chooser::seed().restricted(None, Some(&citizens)).unwrap();
        assert_eq!(c.federations(), vec![FranceConnect]);
    }

    #[test]
    fn at_eidas2_citizens_see_franceconnect_plus_instead_of_franceconnect() {
        let seed = Chooser::seed();
        assert_eq!(seed.for_level(Some(1)), seed);
        assert_eq!(seed.for_level(None), seed);
        let high = seed.for_level(Some(2));
        assert_eq!(
            high.population("particulier").unwrap().federations,
            vec![FranceConnectPlus]
        );
        assert_eq!(
            high.population("professionnel").unwrap().federations,
            vec![ProConnect, ProSanteConnect]
        );
        // Listed explicitly, FranceConnect+ still only shows from eidas2 on.
        let both = Chooser::new(vec![Population {
            id: PopulationId::parse("particulier").unwrap(),
            federations: vec![FranceConnect, FranceConnectPlus],
            order: 0,
        }])
        .unwrap();
        assert_eq!(both.for_level(None).federations(), vec![FranceConnect]);
        assert_eq!(
            both.for_level(Some(3)).federations(),
            vec![FranceConnectPlus]
        );
    }

    #[test]
    fn invalid_rules_are_refused() {
        let p = |id: &str, feds: Vec<Federation>| Population {
            id: PopulationId::parse(id).unwrap(),
            federations: feds,
            order: 0,
        };
        assert_eq!(Chooser::new(vec![]), Err(ChooserError::Empty));
        assert!(matches!(
            Chooser::new(vec![p("a", vec![ProConnect]), p("a", vec![ProConnect])]),
            Err(ChooserError::Duplicate(_))
        ));
        assert!(matches!(
            Chooser::new(vec![p("a", vec![])]),
            Err(ChooserError::NoFederation(_))
        ));
        assert!(matches!(
            Chooser::new(vec![p("a", vec![ProConnect, ProConnect])]),
            Err(ChooserError::DuplicateFederation(..))
        ));
    }
}
