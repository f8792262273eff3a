//! Pure types of the portal: federations, populations and the chooser rules.
//! Nothing here knows about HTTP, templates or configuration files.

mod assurance;
mod chooser;
mod federation;
mod identity;
mod journey;
mod login;
mod organisation;
mod population;

pub use assurance::{acr_satisfies, eidas_level, required_level};
pub use chooser::{Chooser, ChooserError};
pub use federation::{Federation, UnknownFederation};
pub use identity::Identity;
pub use journey::{Journey, PendingId};
pub use login::LoggedIn;
pub use organisation::Organisation;
pub use population::{Population, PopulationId, PopulationIdError};
