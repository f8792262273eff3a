//! Logout: the portal's own (`/deconnexion`) and a démarche's (OpenID
//! RP-Initiated Logout, `/oidc/logout`), then the federation's.
//!
//! Another site must not be able to log a person out (a link, an image, a
//! form): a logout is done at once only when the portal's own form sent it
//! (`confirmed`: it carried the session's token) or when a démarche's
//! `id_token_hint` names this very login (its `sid`) and its person, for
//! the démarche it was given to. Anything else asks first. Once done, the
//! codes and tokens given from that login no longer answer.

use url::Url;

use super::records::LogoutRecord;
use super::{Broker, BrokerError, Browser};
use crate::common::random_token;
use crate::domain::Federation;
use crate::provider::login_end::end_login;
use crate::provider::logout::read_logout;

/// Where a logout goes next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogoutNext {
    /// Ask first ("Se déconnecter ?"), naming the démarche that asks; its
    /// "Annuler" leads back to the démarche when it gave a return address.
    Ask {
        demarche: Option<String>,
        cancel: Option<String>,
    },
    /// Nobody is logged in here: nothing to end (said so, not "logged out").
    NotLoggedIn,
    /// The federation's logout, which comes back with our `state`.
    Federation(Url),
    /// A démarche's registered post-logout URI, with its `state`.
    Demarche(String),
    /// The portal's "logged out" page (the federation that confirmed it).
    LoggedOut(Option<Federation>),
}

impl Broker<'_> {
    /// `POST /deconnexion`: the portal's own form (`confirmed` when it
    /// carried the session's token).
    pub async fn log_out(
        &self,
        browser: &mut Browser,
        confirmed: bool,
    ) -> Result<LogoutNext, BrokerError> {
        if browser.login().is_none() {
            // Nothing to end here: said plainly.
            return Ok(LogoutNext::NotLoggedIn);
        }
        if !confirmed {
            tracing::warn!("logout form without this session's token: asking for confirmation");
            return Ok(LogoutNext::Ask {
                demarche: None,
                cancel: None,
            });
        }
        self.end(browser, None).await
    }

    /// `/oidc/logout`: a démarche's logout request (`confirmed`: the
    /// portal's confirmation form sent it again).
    pub async fn log_out_for_demarche(
        &self,
        browser: &mut Browser,
        params: &std::collections::HashMap<String, String>,
        confirmed: bool,
    ) -> Result<LogoutNext, BrokerError> {
        let request = read_logout(self.provider, params).map_err(BrokerError::LogoutRefused)?;
        let Some(login) = browser.login() else {
            // Nobody logged in: nothing to end, the request goes on.
            return Ok(match request.return_to {
                Some(uri) => LogoutNext::Demarche(uri),
                None => LogoutNext::NotLoggedIn,
            });
        };
        let hinted = request
            .hint
            .as_ref()
            .is_some_and(|hint| hint.names(self.provider, login));
        if request.hint.is_some() && !hinted {
            tracing::warn!("logout with an id_token_hint of another login: asking the person");
        }
        if !hinted && !confirmed {
            let demarche = request
                .client_id
                .as_deref()
                .and_then(|id| self.provider.demarches.get(id))
                .map(|d| d.name.clone());
            // Declining goes back to the démarche, which asked.
            return Ok(LogoutNext::Ask {
                demarche,
                cancel: request.return_to,
            });
        }
        tracing::info!(federation = %login.identity.federation, "logout asked by a démarche");
        self.end(browser, request.return_to).await
    }

    /// Ends the portal's login (and the tokens given from it), then the
    /// federation's when it has a logout endpoint; `return_to` at the end.
    async fn end(
        &self,
        browser: &mut Browser,
        return_to: Option<String>,
    ) -> Result<LogoutNext, BrokerError> {
        let Some(login) = browser.login().cloned() else {
            return Ok(LogoutNext::LoggedOut(None));
        };
        end_login(self.provider, self.store, &login.sid).await?;
        self.forget_federation_token(&login.sid).await?;
        browser.log_out();
        let federation = login.identity.federation;
        tracing::info!(%federation, "logout started");
        let after = |return_to: Option<String>| match return_to {
            Some(uri) => LogoutNext::Demarche(uri),
            None => LogoutNext::LoggedOut(None),
        };
        let Some(federation_client) = self.federations.get(federation) else {
            return Ok(after(return_to));
        };
        let state = random_token(32);
        let url = match federation_client
            .end_session_url(&login.id_token, &state)
            .await
        {
            Ok(Some(url)) => url,
            Ok(None) => return Ok(after(return_to)),
            Err(e) => {
                // The portal session is gone anyway.
                tracing::warn!(%federation, error = %crate::common::Untrusted(&e), "federation logout unavailable");
                return Ok(after(return_to));
            }
        };
        let record = LogoutRecord {
            federation,
            return_to,
        };
        self.keep_logout(&state, &record).await?;
        Ok(LogoutNext::Federation(url))
    }

    /// The federation's logout came back with our `state`: `None` when it
    /// is unknown (expired, used, or not ours).
    pub async fn finish_logout(&self, state: &str) -> Result<Option<LogoutNext>, BrokerError> {
        if !crate::common::is_random_token(state) {
            return Ok(None);
        }
        let Some(record) = self.take_logout(state).await? else {
            return Ok(None);
        };
        tracing::info!(federation = %record.federation, "logout confirmed by the federation");
        Ok(Some(match record.return_to {
            Some(uri) => LogoutNext::Demarche(uri),
            None => LogoutNext::LoggedOut(Some(record.federation)),
        }))
    }
}
