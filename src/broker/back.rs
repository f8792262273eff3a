//! "Retour à <démarche>": the person goes back without logging in; and
//! the discovery-only mode's request (`/decouverte`), which has no login
//! of its own.

use url::Url;

use super::records::PendingKind;
use super::{Broker, BrokerError, Browser, Failed, Next};
use crate::domain::{Journey, PendingId};
use crate::provider::{OAuthError, OAuthErrorCode};

impl Broker<'_> {
    /// The démarche's pending request `id` (this browser's) is used up and
    /// the démarche gets the standard answer: `error=access_denied` with
    /// its `state` and `iss` (RFC 6749 §4.1.2.1, RFC 9207) at its
    /// registered redirect URI; a discovery-only démarche gets its return
    /// address without any federation (no choice made).
    pub async fn go_back(&self, browser: &Browser, id: &PendingId) -> Result<Next, Failed> {
        let journey = Journey {
            pending: Some(id.clone()),
            population: None,
        };
        let pending = self
            .take_pending(browser, id)
            .await
            .map_err(Failed::during(&journey))?;
        // Still registered: its URIs are the ones it declared.
        self.demarche_of(&pending)?;
        tracing::info!(client_id = %pending.client_id, "the person went back to the démarche");
        match pending.kind {
            PendingKind::Authorize(request) => {
                let error = OAuthError::new(
                    OAuthErrorCode::AccessDenied,
                    "the person went back without logging in",
                );
                Ok(self.refuse(&request, &error))
            }
            PendingKind::Discovery { return_to, .. } => {
                let url = Url::parse(&return_to).map_err(|_| BrokerError::BadDiscoveryReturn)?;
                Ok(Next::DiscoveryReturn(url))
            }
        }
    }

    /// `/decouverte`: keeps the question for this browser, for the
    /// démarche that declared `return_to`; the person goes to the chooser.
    pub async fn ask_discovery(
        &self,
        browser: &mut Browser,
        return_to: &Url,
        param: String,
    ) -> Result<Next, BrokerError> {
        // Only to an address a registered démarche declared: no open redirect.
        let demarche = self
            .provider
            .demarches
            .all()
            .find(|d| d.allows_discovery_return(return_to))
            .ok_or_else(|| {
                tracing::warn!("discovery request with an unregistered return URL");
                BrokerError::BadDiscoveryReturn
            })?;
        let kind = PendingKind::Discovery {
            return_to: return_to.to_string(),
            param,
        };
        let id = self.park(browser, &demarche.client_id, kind).await?;
        Ok(Next::Chooser {
            pending: id,
            population: None,
            lang: None,
        })
    }
}
