//! The broker: a démarche's login from its authorization request to the
//! code handed back (or the refusal), and the logout. The one place where
//! the OpenID provider side ([`crate::provider`], toward démarches) and the
//! relying party side ([`crate::upstream`], toward the federations) meet,
//! through [`crate::domain::Identity`].
//!
//! It owns the records of a journey (`login:<state>`, `pending:<id>`,
//! `logout:<state>`, see [`records`]) and every rule that joins the two
//! sides ([`rules`]): which federation can give the level, the hints, a
//! federation that is down, whether a login answers a request, the browser
//! a request belongs to, what logs out at once. Each is written once, and
//! every path that can reach its outcome goes through it: authorization,
//! the callback's hand-back, `/oidc/reprise`, "Retour à", logout.
//!
//! Handlers in `routes` read the browser's session into a [`Browser`],
//! call one function here, write the session back, and turn the outcome
//! ([`Next`], [`LogoutNext`]) or the error ([`Failed`]) into a response.
//! Nothing here knows HTTP.

mod authorize;
mod back;
mod browser;
mod error;
mod exchange;
mod login;
mod logout;
pub mod records;
pub mod rules;

use url::Url;

use crate::common::clock::Clock;
use crate::common::seal::Sealer;
use crate::directory::Directory;
use crate::domain::{Chooser, Federation, PendingId, PopulationId};
use crate::i18n::Lang;
use crate::provider::OpenIdProvider;
use crate::store::Store;
use crate::upstream::Federations;

pub use authorize::Authorization;
pub use browser::{Browser, SessionChange};
pub use error::{BrokerError, Failed};
pub use logout::LogoutNext;
pub use records::{ForDemarche, PageDemarche, PendingKind, PendingRequest};

/// What the broker works with: borrowed from the running portal for one
/// request (`routes::context::AppState::broker`).
pub struct Broker<'a> {
    pub provider: &'a OpenIdProvider,
    pub federations: &'a Federations,
    pub chooser: &'a Chooser,
    pub store: &'a dyn Store,
    pub clock: &'a Clock,
    /// Seals the federations' access tokens kept for démarches.
    pub sealer: &'a Sealer,
    /// The company directory (`None`: off): the organisation behind a
    /// login's SIRET.
    pub directory: Option<&'a Directory>,
}

/// Where the browser goes next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// Back to the démarche: its code, or an OAuth error, at its redirect
    /// URI with its `state` and `iss`.
    Demarche(Url),
    /// To a federation's login page (its `state` kept under `login:`).
    Federation(Url),
    /// To the page that explains a step-up (the level asked is above the
    /// session's) before the person logs in at `federation`.
    StepUp {
        pending: PendingId,
        federation: Federation,
    },
    /// To the chooser, for the pending request.
    Chooser {
        pending: PendingId,
        population: Option<PopulationId>,
        lang: Option<Lang>,
    },
    /// A discovery-only démarche's return address, with the chosen
    /// federation's id (or without one: the person went back).
    DiscoveryReturn(Url),
    /// The person's account page: a login no démarche asked for.
    Account,
}

impl Broker<'_> {
    /// The portal can start a login with `federation` (enabled here, with
    /// its client credentials).
    pub fn can_log_in_with(&self, federation: Federation) -> bool {
        self.federations.get(federation).is_some()
    }
}
