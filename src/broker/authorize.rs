//! A démarche's request answered: at `/oidc/authorize`, and again for a
//! pending request once a login came back (the callback's hand-back,
//! `/oidc/reprise/<id>`). Both ask the same [`rules::decide`].

use url::Url;

use super::records::PendingKind;
use super::rules::{self, Decision, LoginAge};
use super::{Broker, BrokerError, Browser, Failed, Next};
use crate::domain::{Federation, Journey, LoggedIn, PendingId};
use crate::provider::authorize::{self, AuthorizationRequest, Refusal};
use crate::provider::{Demarche, OAuthError, OAuthErrorCode, redirect, token};
use crate::store::StoreError;

/// Where a person who must log in goes, as [`rules::decide`] said.
#[derive(Debug, Clone, Copy)]
struct Interaction {
    /// Straight to this federation, when one is known to fit.
    federation: Option<Federation>,
    /// The session's level is below the one asked.
    step_up: bool,
}

/// The answer to an authorization request.
pub struct Authorization {
    pub next: Next,
    /// The registered démarche, for the metrics' label.
    pub client_id: Option<String>,
    /// It goes on (a code, the chooser, a federation) rather than refused.
    pub accepted: bool,
}

impl Broker<'_> {
    /// `/oidc/authorize`: the request parsed, then answered from the
    /// session, refused, or sent to choose and log in. An unknown démarche
    /// or redirect URI is an error page; once the redirect URI is known,
    /// every problem goes back to the démarche as an OAuth error (`browser`
    /// is `None` when the session could not be read: the store is down).
    pub async fn authorize(
        &self,
        browser: Option<&mut Browser>,
        encoded: &[u8],
    ) -> Result<Authorization, Failed> {
        let (demarche, request) = match authorize::parse(&self.provider.demarches, encoded) {
            Ok(parsed) => parsed,
            Err(Refusal::UnknownDemarche(id)) => {
                return Err(BrokerError::UnknownDemarche(id).into());
            }
            Err(Refusal::BadRedirectUri) => return Err(BrokerError::BadRedirectUri.into()),
            Err(Refusal::ToDemarche {
                redirect_uri,
                state,
                error,
            }) => {
                let url = redirect::error_to_demarche(
                    &redirect_uri,
                    &self.provider.issuer,
                    state.as_deref(),
                    &error,
                );
                return Ok(Authorization {
                    next: Next::Demarche(url),
                    client_id: registered(self, encoded),
                    accepted: false,
                });
            }
        };
        let client_id = Some(demarche.client_id.clone());
        let answered = match browser {
            Some(browser) => self.answer(browser, demarche, request.clone(), None).await,
            None => Err(StoreError::Backend("the session could not be read".into()).into()),
        };
        let next = match answered {
            Ok(next) => next,
            // The redirect URI is verified: the store down (the démarche
            // may retry) or a request too large to keep go back to it.
            Err(Failed {
                error: BrokerError::Store(e),
                ..
            }) if e.is_unavailable() || matches!(e, StoreError::TooLarge { .. }) => {
                self.refuse(&request, &OAuthError::storage(e))
            }
            Err(failed) => return Err(failed),
        };
        let accepted = !matches!(&next, Next::Demarche(url) if has_error(url));
        if accepted {
            tracing::info!(client_id = %demarche.client_id, "authorization request accepted");
        }
        Ok(Authorization {
            next,
            client_id,
            accepted,
        })
    }

    /// The pending request `id` answered with the browser's login: after
    /// the callback (a login made for it), or at `/oidc/reprise/<id>`.
    /// Exactly what authorization would do with that login, the request
    /// being already kept.
    pub async fn resume(&self, browser: &mut Browser, id: &PendingId) -> Result<Next, Failed> {
        let journey = Journey {
            pending: Some(id.clone()),
            population: None,
        };
        let pending = self
            .pending(browser, id)
            .await
            .map_err(Failed::during(&journey))?;
        let demarche = self
            .demarche_of(&pending)
            .map_err(Failed::during(&journey))?;
        let PendingKind::Authorize(request) = pending.kind else {
            return Err(Failed::during(&journey)(BrokerError::PendingExpired));
        };
        self.answer(browser, demarche, *request, Some(id.clone()))
            .await
    }

    /// The one decision, for a new request (`pending` = `None`) or a kept
    /// one (read for this browser by [`Broker::resume`]: used up without
    /// being read again).
    async fn answer(
        &self,
        browser: &mut Browser,
        demarche: &Demarche,
        mut request: AuthorizationRequest,
        pending: Option<PendingId>,
    ) -> Result<Next, Failed> {
        let login = browser.login();
        let age = match (&pending, login.and_then(|l| l.made_for.as_ref())) {
            (Some(id), Some(made_for)) if id == made_for => LoginAge::MadeForThisRequest,
            _ => LoginAge::Earlier,
        };
        let live_scopes = self.live_data_scopes(demarche, &request, login).await?;
        let data = rules::DataAccess {
            live_scopes: &live_scopes,
        };
        let decision = rules::decide(demarche, &request, login, age, data, self.clock.now());
        match decision {
            Decision::IssueCode => {
                // `decide` answers with a code only for a login.
                let login = login.cloned().ok_or(BrokerError::PendingExpired)?;
                if let Some(id) = &pending {
                    // Used up now: of two tabs resuming it, one only gets a code.
                    self.use_up_pending(browser, id, &request.client_id).await?;
                }
                let url = token::issue_code(self.provider, self.store, &request, &login).await?;
                Ok(Next::Demarche(url))
            }
            Decision::Refuse(error) => {
                if let Some(id) = &pending {
                    self.use_up_pending(browser, id, &request.client_id).await?;
                }
                Ok(self.refuse(&request, &error))
            }
            Decision::Interact {
                federation,
                fresh_login,
                step_up,
            } => {
                // A session that does not fit: the federation must not
                // answer from its own (wrong level, too old, another person).
                request.force_login |= fresh_login;
                let straight_to = Interaction {
                    federation,
                    step_up,
                };
                self.interact(browser, demarche, request, pending, straight_to)
                    .await
            }
        }
    }

    /// The data scopes the session's login can still give: those it
    /// granted while the federation's token lives. Read only when the
    /// request asks some of that federation.
    async fn live_data_scopes(
        &self,
        demarche: &Demarche,
        request: &AuthorizationRequest,
        login: Option<&LoggedIn>,
    ) -> Result<Vec<String>, Failed> {
        let Some(login) = login else {
            return Ok(Vec::new());
        };
        if demarche
            .data_scopes_for(login.identity.federation, &request.scope)
            .is_empty()
        {
            return Ok(Vec::new());
        }
        let token = self.federation_token(&login.sid).await?;
        Ok(token.map(|t| t.data_scopes).unwrap_or_default())
    }

    /// The person must choose and log in: straight at the one federation
    /// that fits when there is one (and it is up), else the chooser.
    async fn interact(
        &self,
        browser: &mut Browser,
        demarche: &Demarche,
        request: AuthorizationRequest,
        pending: Option<PendingId>,
        straight_to: Interaction,
    ) -> Result<Next, Failed> {
        let level = request.required_level();
        // eidas2 asked by a démarche that accepts FranceConnect alone: no
        // federation it accepts can give it.
        if rules::offered_federations(self.chooser, demarche, level).is_empty() {
            let error = OAuthError::invalid_request(
                "no federation this client accepts can give the level of assurance asked",
            );
            return self
                .refuse_pending(browser, &request, pending, &error)
                .await;
        }
        let wanted = rules::wanted_federation(
            self.chooser,
            demarche,
            &request,
            straight_to.federation,
            |f| self.can_log_in_with(f),
        );
        if let Some(federation) = wanted.filter(|f| !self.can_log_in_with(*f)) {
            // The démarche hears it at once, as a standard error, rather
            // than the person meeting a dead end.
            let error = OAuthError::new(
                OAuthErrorCode::TemporarilyUnavailable,
                format!("{} is not available on this portal", federation.id()),
            );
            return self
                .refuse_pending(browser, &request, pending, &error)
                .await;
        }
        let id = match pending {
            Some(id) => id,
            None => {
                let kind = PendingKind::Authorize(Box::new(request.clone()));
                self.park(browser, &demarche.client_id, kind).await?
            }
        };
        let journey = Journey {
            pending: Some(id.clone()),
            population: request.population.clone(),
        };
        // Never straight to one found down: the chooser says so, and
        // offers another.
        match wanted.filter(|f| !self.federations.is_down(*f)) {
            // Logged in below the level asked: the person is told why a new
            // login is needed, and what it takes, before being sent there.
            Some(federation) if straight_to.step_up => Ok(Next::StepUp {
                pending: id,
                federation,
            }),
            Some(federation) => self
                .begin_for_request(browser, federation, &request, &id, &journey)
                .await
                .map_err(Failed::during(&journey)),
            None => Ok(Next::Chooser {
                pending: id,
                population: request.population,
                lang: request.ui_lang,
            }),
        }
    }

    /// Back to the démarche with `error`; a kept request is used up.
    async fn refuse_pending(
        &self,
        browser: &Browser,
        request: &AuthorizationRequest,
        pending: Option<PendingId>,
        error: &OAuthError,
    ) -> Result<Next, Failed> {
        if let Some(id) = &pending {
            self.use_up_pending(browser, id, &request.client_id).await?;
        }
        Ok(self.refuse(request, error))
    }

    /// The démarche's redirect URI with `error` (and its `state`, `iss`).
    pub(super) fn refuse(&self, request: &AuthorizationRequest, error: &OAuthError) -> Next {
        Next::Demarche(redirect::error_to_demarche(
            &request.redirect_uri,
            &self.provider.issuer,
            request.state.as_deref(),
            error,
        ))
    }
}

fn has_error(url: &Url) -> bool {
    url.query_pairs().any(|(k, _)| k == "error")
}

/// The démarche's id when it is registered (metrics labels only ever hold
/// registered ids).
fn registered(broker: &Broker<'_>, encoded: &[u8]) -> Option<String> {
    let id = crate::common::form::first_value(encoded, "client_id")?;
    broker
        .provider
        .demarches
        .get(&id)
        .map(|d| d.client_id.clone())
}
