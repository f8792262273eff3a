use serde::{Deserialize, Serialize};

use super::PopulationId;

/// Where a person is in the portal: the démarche that sent them (its
/// parked request's id, `demande=` in URLs) and their answer to "Vous
/// êtes…". It travels with them through every page, through the
/// federation's login and back, so that an error page still offers the
/// retry, the other services that fit them, and the way back to the
/// démarche.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Journey {
    pub demande: Option<String>,
    pub population: Option<PopulationId>,
}

impl Journey {
    pub fn is_empty(&self) -> bool {
        self.demande.is_none() && self.population.is_none()
    }
}
