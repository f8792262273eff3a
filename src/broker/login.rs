//! A login at a federation: begun from a chooser button or for a pending
//! request, finished by the federation's callback, which hands the
//! request back at once.

use super::records::{LoginRecord, PendingKind, ReturnTo};
use super::rules::{self, Misfit};
use super::{Broker, BrokerError, Browser, Failed, Next};
use crate::common::{Untrusted, random_token};
use crate::domain::{Federation, Identity, Journey, LoggedIn, Organisation, PendingId};
use crate::metrics::{self, LoginFailure};
use crate::provider::authorize::AuthorizationRequest;
use crate::upstream::{CallbackParams, LoginHints, UpstreamError};

impl Broker<'_> {
    /// `POST /connexion/{federation}`: a chooser button. With the
    /// journey's pending request, a login for it (or, for a discovery-only
    /// démarche, its return address with the federation chosen).
    pub async fn connect(
        &self,
        browser: &mut Browser,
        federation: Federation,
        journey: &Journey,
    ) -> Result<Next, Failed> {
        let during = || Failed::during(journey);
        // A page shown before the federation went down still has its button.
        if self.federations.is_down(federation) {
            return Err(during()(BrokerError::FederationDown(federation)));
        }
        let Some(id) = &journey.pending else {
            let hints = LoginHints::default();
            return self
                .begin(browser, federation, &hints, ReturnTo::Account, journey)
                .await
                .map_err(during());
        };
        let pending = self.pending(browser, id).await.map_err(during())?;
        let demarche = self.demarche_of(&pending).map_err(during())?;
        match pending.kind {
            PendingKind::Authorize(request) => self
                .begin_for_request(browser, federation, &request, id, journey)
                .await
                .map_err(during()),
            PendingKind::Discovery { return_to, param } => {
                if !demarche.accepts(federation) {
                    return Err(during()(BrokerError::FederationNotAccepted(federation)));
                }
                // Discovery only: the démarche runs its own login.
                self.use_up_pending(browser, id, &pending.client_id)
                    .await
                    .map_err(during())?;
                let mut url = url::Url::parse(&return_to)
                    .map_err(|_| during()(BrokerError::BadDiscoveryReturn))?;
                url.query_pairs_mut().append_pair(&param, federation.id());
                tracing::info!(client_id = %Untrusted(&pending.client_id), %federation, "federation chosen (discovery only)");
                Ok(Next::DiscoveryReturn(url))
            }
        }
    }

    /// The federation login for a démarche's pending request `id`: the
    /// federation must fit it; what it asks (level, person, a new
    /// authentication, `max_age`) is asked of the federation.
    pub(super) async fn begin_for_request(
        &self,
        browser: &mut Browser,
        federation: Federation,
        request: &AuthorizationRequest,
        id: &PendingId,
        journey: &Journey,
    ) -> Result<Next, BrokerError> {
        let demarche = self
            .provider
            .demarches
            .get(&request.client_id)
            .ok_or_else(|| BrokerError::UnknownDemarche(request.client_id.clone()))?;
        match rules::federation_fits(demarche, federation, request.required_level()) {
            Ok(()) => {}
            Err(Misfit::NotAccepted) => return Err(BrokerError::FederationNotAccepted(federation)),
            Err(Misfit::LevelNotOffered) => return Err(BrokerError::LevelNotOffered(federation)),
        }
        let hints = LoginHints {
            login_hint: request.login_hint.clone(),
            force_login: request.force_login,
            acr_values: request
                .acr_values
                .as_deref()
                .and_then(|asked| federation.acr_values_for(asked)),
            max_age: request.max_age,
            data_scopes: demarche.data_scopes_for(federation, &request.scope),
            siret_hint: request.siret_hint.clone(),
        };
        let return_to = ReturnTo::Pending(id.clone());
        self.begin(browser, federation, &hints, return_to, journey)
            .await
    }

    /// Sends the browser to the federation, the login kept under its
    /// `state`, bound to this browser.
    async fn begin(
        &self,
        browser: &mut Browser,
        federation: Federation,
        hints: &LoginHints,
        return_to: ReturnTo,
        journey: &Journey,
    ) -> Result<Next, BrokerError> {
        // A federation without a client here: the person is told so, with
        // a way back, rather than sent to a federation that would refuse them.
        let federation_client = self
            .federations
            .get(federation)
            .ok_or(BrokerError::FederationNotConfigured(federation))?;
        federation_client
            .confirm_up()
            .await
            .map_err(|e| BrokerError::upstream(federation, e))?;
        let start = federation_client
            .start(hints)
            .await
            .map_err(|e| BrokerError::upstream(federation, e))?;
        let record = LoginRecord {
            transaction: start.transaction,
            browser: browser.binding(),
            return_to,
            journey: journey.clone(),
        };
        self.keep_login(&start.state, &record).await?;
        browser.bound();
        tracing::info!(%federation, "login started");
        metrics::login_started(federation);
        Ok(Next::Federation(start.url))
    }

    /// The federation's callback: its login taken by `state` (once),
    /// checked (this federation, this browser), finished by the relying
    /// party; the person logged in; a démarche's request answered at once.
    pub async fn finish(
        &self,
        browser: &mut Browser,
        federation: Federation,
        params: &CallbackParams,
    ) -> Result<Next, Failed> {
        let result = self.finish_login(browser, federation, params).await;
        match &result {
            Ok(_) => metrics::login_completed(federation),
            Err(failed) => metrics::login_failed(federation, failure(&failed.error)),
        }
        let return_to = match result {
            // The démarche waiting is told, with a standard error.
            Err(Failed {
                error: BrokerError::IdentityTooLarge(..),
                journey: Some(Journey {
                    pending: Some(id), ..
                }),
            }) => return self.refuse_too_large(browser, &id).await,
            other => other?,
        };
        match return_to {
            ReturnTo::Pending(id) => self.resume(browser, &id).await,
            ReturnTo::Account => Ok(Next::Account),
        }
    }

    async fn finish_login(
        &self,
        browser: &mut Browser,
        federation: Federation,
        params: &CallbackParams,
    ) -> Result<ReturnTo, Failed> {
        let rejected = |reason: &str| {
            tracing::warn!(%federation, reason = %Untrusted(reason), "login callback rejected");
            BrokerError::upstream(federation, UpstreamError::Rejected(reason.to_owned()))
        };
        let Some(state) = params.state.as_deref().filter(|s| !s.is_empty()) else {
            return Err(rejected("callback without state").into());
        };
        if !crate::common::is_random_token(state) {
            tracing::warn!(%federation, "state not made by this portal");
            return Err(BrokerError::LoginExpired(federation).into());
        }
        let Some(record) = self.take_login(state).await? else {
            tracing::warn!(%federation, "unknown, expired or replayed state");
            // Replayed (Back to the callback): the page still leads back
            // to the person's démarche.
            return Err(Failed {
                error: BrokerError::LoginExpired(federation),
                journey: self.journey_of_used_login(state).await,
            });
        };
        // From here on, any page keeps the person's démarche and answer.
        let during = Failed::during(&record.journey);
        if record.transaction.federation != federation {
            return Err(during(rejected(
                "response arrived on another federation's callback (mix-up)",
            )));
        }
        if !browser.owns(Some(&record.browser)) {
            return Err(during(rejected(
                "callback from a browser that did not start this login",
            )));
        }
        let Some(federation_client) = self.federations.get(federation) else {
            return Err(during(BrokerError::FederationNotConfigured(federation)));
        };
        let login = match federation_client.finish(&record.transaction, params).await {
            Ok(login) => login,
            Err(e) => return Err(during(BrokerError::upstream(federation, e))),
        };
        let made_for = match &record.return_to {
            ReturnTo::Pending(id) => Some(id.clone()),
            ReturnTo::Account => None,
        };
        let federation_token = login.federation_token;
        let mut identity = login.identity;
        identity.organisation = self.organisation_of(&identity).await;
        let login = LoggedIn {
            identity,
            id_token: login.id_token,
            at: self.clock.now(),
            sid: random_token(32),
            made_for,
            data_scopes: federation_token
                .as_ref()
                .map(|t| t.data_scopes.clone())
                .unwrap_or_default(),
        };
        // Before anything is kept or issued: a session that could not be
        // written would lose the login after the démarche's code was given.
        // Serialized once: measured here, written to the session as is.
        let serialized = serde_json::value::to_raw_value(&login).ok();
        let size = serialized.as_ref().map_or(usize::MAX, |j| j.get().len());
        let fits = size.saturating_add(SESSION_ROOM) <= self.store.max_value_bytes();
        let Some(serialized) = serialized.filter(|_| fits) else {
            tracing::warn!(%federation, size, "the federation's identity is too large to keep");
            return Err(during(BrokerError::IdentityTooLarge(federation, size)));
        };
        if let Some(token) = federation_token {
            self.keep_federation_token(&login.sid, federation, token)
                .await
                .map_err(|e| during(e.into()))?;
        }
        browser.log_in(login, serialized);
        tracing::info!(%federation, "login succeeded");
        Ok(record.return_to)
    }
}

impl Broker<'_> {
    /// The organisation behind the SIRET the federation vouched for, from
    /// the company directory. Asked at every login that carries one (an
    /// answer is kept a day, so it is one request per SIRET per day), not
    /// only for a démarche asking scope `organisation`: the session then
    /// answers a later démarche that asks it, and the account page shows
    /// it. The directory slow or down costs the claim, never the login.
    async fn organisation_of(&self, identity: &Identity) -> Option<Organisation> {
        let directory = self.directory?;
        let siret = identity.siret()?;
        directory.lookup(siret).await.ok().flatten()
    }
}

/// What a session holds besides the login (binding, CSRF token, keys).
const SESSION_ROOM: usize = 2048;

impl Broker<'_> {
    /// The démarche's request `id` answered with `server_error`: the
    /// person's identity is too large for the portal to keep.
    async fn refuse_too_large(&self, browser: &Browser, id: &PendingId) -> Result<Next, Failed> {
        let pending = self.take_pending(browser, id).await?;
        let PendingKind::Authorize(request) = pending.kind else {
            return Err(BrokerError::PendingExpired.into());
        };
        let error = crate::provider::OAuthError::new(
            crate::provider::OAuthErrorCode::ServerError,
            "the identity the federation gave is too large for the portal to keep",
        );
        Ok(self.refuse(&request, &error))
    }
}

/// What the metrics call a callback's failure.
fn failure(error: &BrokerError) -> LoginFailure {
    match error {
        BrokerError::LoginExpired(_) => LoginFailure::Expired,
        BrokerError::FederationDown(_) | BrokerError::FederationNotConfigured(_) => {
            LoginFailure::Unreachable
        }
        BrokerError::Upstream { error, .. } => match error {
            UpstreamError::Unreachable(_) => LoginFailure::Unreachable,
            UpstreamError::Refused { .. } => LoginFailure::Refused,
            UpstreamError::Rejected(_) => LoginFailure::Rejected,
        },
        BrokerError::Store(_) => LoginFailure::Internal,
        _ => LoginFailure::Rejected,
    }
}
