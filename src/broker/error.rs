use crate::domain::{Federation, Journey};
use crate::store::StoreError;
use crate::upstream::UpstreamError;

/// Why the broker could not go on: each is a page for the person
/// (`routes::PageError`), never something a démarche is redirected with
/// (those are [`super::Next::Demarche`]).
#[derive(Debug, thiserror::Error)]
pub enum BrokerError {
    #[error("unknown démarche `{0}`")]
    UnknownDemarche(String),
    #[error("redirect URI not registered for the démarche")]
    BadRedirectUri,
    /// Unknown, expired, already used, or made by another browser: all
    /// look the same from outside.
    #[error("pending request unknown, expired, used or another browser's")]
    PendingExpired,
    #[error("federation {0} not accepted by this démarche")]
    FederationNotAccepted(Federation),
    #[error("federation {0} cannot give the level of assurance asked")]
    LevelNotOffered(Federation),
    #[error("federation {0} is not configured on this portal")]
    FederationNotConfigured(Federation),
    /// The background probe found it down, or it did not answer now.
    #[error("federation {0} unavailable")]
    FederationDown(Federation),
    #[error("federation {federation}: {error}")]
    Upstream {
        federation: Federation,
        error: UpstreamError,
    },
    #[error("login with {0} expired or already used")]
    LoginExpired(Federation),
    #[error("logout return with an unknown state")]
    LogoutUnconfirmed,
    #[error("discovery return URL not registered")]
    BadDiscoveryReturn,
    #[error(transparent)]
    LogoutRefused(crate::provider::logout::LogoutRefusal),
    /// The federation vouched for the person with more than the portal
    /// keeps in a session: refused before anything is kept or issued.
    #[error("the identity {0} gave is too large to keep ({1} bytes)")]
    IdentityTooLarge(Federation, usize),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl BrokerError {
    pub fn upstream(federation: Federation, error: UpstreamError) -> BrokerError {
        BrokerError::Upstream { federation, error }
    }
}

/// A [`BrokerError`], with where the person was when it happened (their
/// démarche and answer, once known), so that the page still offers the
/// retry and the way back.
#[derive(Debug)]
pub struct Failed {
    pub error: BrokerError,
    pub journey: Option<Journey>,
}

impl Failed {
    pub fn during(journey: &Journey) -> impl FnOnce(BrokerError) -> Failed + '_ {
        move |error| Failed {
            error,
            journey: Some(journey.clone()),
        }
    }
}

impl From<BrokerError> for Failed {
    fn from(error: BrokerError) -> Failed {
        Failed {
            error,
            journey: None,
        }
    }
}

impl From<StoreError> for Failed {
    fn from(error: StoreError) -> Failed {
        BrokerError::from(error).into()
    }
}
