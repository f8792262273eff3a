use serde::{Deserialize, Serialize};

use super::PopulationId;
use crate::common::{is_random_token, random_token};

/// The id of a démarche's pending request: the request kept while the
/// person chooses and logs in. 256 random bits; in URLs and forms it is
/// `demande=<id>` ("demande" = request, not "démarche").
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PendingId(String);

impl PendingId {
    pub fn new() -> PendingId {
        PendingId(random_token(32))
    }

    /// An id as the portal makes them; anything else is never looked up.
    pub fn parse(s: &str) -> Option<PendingId> {
        is_random_token(s).then(|| PendingId(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for PendingId {
    fn default() -> Self {
        PendingId::new()
    }
}

impl std::fmt::Display for PendingId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for PendingId {
    type Error = String;

    fn try_from(s: String) -> Result<PendingId, String> {
        PendingId::parse(&s).ok_or_else(|| "not a pending request id".to_owned())
    }
}

impl From<PendingId> for String {
    fn from(id: PendingId) -> String {
        id.0
    }
}

/// Where a person is in the portal: the démarche that sent them (its
/// pending request) and their answer to "Vous êtes…". It travels with
/// them through every page, through the federation's login and back, so
/// that an error page still offers the retry, the other services that fit
/// them, and the way back to the démarche.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Journey {
    /// Kept under its URL name in stored records.
    #[serde(rename = "demande")]
    pub pending: Option<PendingId>,
    pub population: Option<PopulationId>,
}

impl Journey {
    pub fn is_empty(&self) -> bool {
        self.pending.is_none() && self.population.is_none()
    }
}
