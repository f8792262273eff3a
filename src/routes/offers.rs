//! Which federations a person is offered, and in which state: a button
//! only for a federation this portal can log in with. A federation the
//! population fits but that has no client here is named as unavailable,
//! never offered as a button that leads nowhere.

use super::context::AppState;
use crate::domain::{Chooser, Federation, Population, PopulationId};

/// Why a federation is shown, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfferState {
    /// Its official button, which starts the login.
    Active,
    /// Configured, but the background probe found it down: its button
    /// disabled, with what to do meanwhile.
    Down,
    /// Not configured on this portal: said plainly, no button.
    NotConfigured,
}

/// One federation on a population's page.
#[derive(Debug, Clone, Copy)]
pub struct Offer {
    pub federation: Federation,
    pub state: OfferState,
}

impl Offer {
    pub fn is_active(&self) -> bool {
        self.state == OfferState::Active
    }
}

impl AppState {
    /// The portal can start a login with `federation` (enabled, with its
    /// client credentials).
    pub fn can_log_in_with(&self, federation: Federation) -> bool {
        self.federations.get(federation).is_some()
    }
}

/// The population's federations: the active ones first, in the order of
/// recommendation, then those not available here.
pub fn offers(state: &AppState, population: &Population) -> Vec<Offer> {
    let mut offers: Vec<Offer> = population
        .federations
        .iter()
        .map(|&federation| Offer {
            federation,
            state: match (
                state.can_log_in_with(federation),
                state.federations.is_down(federation),
            ) {
                (true, false) => OfferState::Active,
                (true, true) => OfferState::Down,
                (false, _) => OfferState::NotConfigured,
            },
        })
        .collect();
    // Stable: the recommendation order is kept within each group.
    offers.sort_by_key(|o| o.state != OfferState::Active);
    offers
}

/// Federations other than `except` that would let this person log in here:
/// those of their population when known, else any of the chooser's.
pub fn other_active(
    state: &AppState,
    chooser: &Chooser,
    population: Option<&PopulationId>,
    except: Option<Federation>,
) -> Vec<Federation> {
    let candidates = match population.and_then(|p| chooser.population(p.as_str())) {
        Some(p) => p.federations.clone(),
        None => chooser.federations(),
    };
    candidates
        .into_iter()
        .filter(|f| Some(*f) != except && state.can_log_in_with(*f))
        .collect()
}
