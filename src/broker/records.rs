//! The records of a journey, each under one key of the store
//! (`crate::store::keys`), each written and read only here:
//!
//! - [`PendingRequest`], `pending:<id>`: a démarche's request kept while
//!   the person chooses and logs in; it belongs to the browser that made
//!   it, and is used up once answered.
//! - [`LoginRecord`], `login:<state>`: a login in progress at a
//!   federation, taken once by its callback.
//! - [`LogoutRecord`], `logout:<state>`: a logout in progress at a
//!   federation, taken once when it comes back.
//!
//! Their stored form is shared with the previous version (same field
//! names, new fields defaulted), so that instances of both read each
//! other's records during a rolling upgrade.

use serde::{Deserialize, Serialize};

use super::{BrokerError, Browser};
use crate::domain::{Chooser, Federation, Journey, PendingId};
use crate::provider::Demarche;
use crate::provider::authorize::AuthorizationRequest;
use crate::store::keys::{ANSWERED, FEDERATION_TOKEN, LOGIN, LOGOUT, PENDING, USED_LOGIN};
use crate::store::{StoreError, create_json, get_json, put_json, take_json};
use crate::upstream::LoginTransaction;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum PendingKind {
    Authorize(Box<AuthorizationRequest>),
    /// `/decouverte`: send the chosen federation's id to `return_to`.
    Discovery {
        return_to: String,
        param: String,
    },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PendingRequest {
    pub client_id: String,
    /// The browser that made it ([`Browser`]'s binding). A record without
    /// one (an earlier version's) is nobody's.
    #[serde(default)]
    pub browser: Option<String>,
    pub kind: PendingKind,
}

impl PendingRequest {
    /// The eIDAS level the request needs (`None`: none asked, or discovery only).
    pub fn level(&self) -> Option<u8> {
        match &self.kind {
            PendingKind::Authorize(request) => request.required_level(),
            PendingKind::Discovery { .. } => None,
        }
    }

    /// What the request asks beyond the person's identity and e-mail: its
    /// data scopes and `organisation`, as asked (told to the person before
    /// they choose).
    pub fn data_asked(&self) -> Vec<String> {
        match &self.kind {
            PendingKind::Authorize(request) => request
                .scope
                .iter()
                .filter(|s| {
                    *s == crate::provider::scopes::ORGANISATION_SCOPE
                        || !crate::provider::scopes::STANDARD_SCOPES.contains(&s.as_str())
                })
                .cloned()
                .collect(),
            PendingKind::Discovery { .. } => Vec::new(),
        }
    }
}

/// A pending request used up (answered with a code or an error, or the
/// person went back): which démarche, and whose browser.
#[derive(Debug, Serialize, Deserialize)]
pub struct AnsweredRecord {
    pub client_id: String,
    pub browser: Option<String>,
}

/// The démarche a page carrying `demande=<id>` belongs to.
pub enum PageDemarche {
    /// Its request waits for the person.
    Waiting(ForDemarche),
    /// Its request was answered: the page leads back to the démarche
    /// (`home`), never to a login it no longer waits for.
    Answered { name: String, home: url::Url },
}

/// What the chooser pages show for a démarche: its name, and the chooser
/// restricted to what it accepts at the level it asks.
pub struct ForDemarche {
    pub name: String,
    pub chooser: Chooser,
    /// The eIDAS level it asks, if any.
    pub level: Option<u8>,
    /// The data it asks besides the identity ([`PendingRequest::data_asked`]).
    pub data_asked: Vec<String>,
}

/// Where a login goes once the federation vouched for the person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReturnTo {
    /// The account page: nobody asked for this login.
    Account,
    /// The démarche's pending request, answered at once.
    Pending(PendingId),
}

/// A login in progress: the relying party's transaction, and what the
/// broker needs to finish it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LoginRecord {
    #[serde(flatten)]
    pub transaction: LoginTransaction,
    /// The binding of the browser that started it: the callback must come
    /// from it.
    pub browser: String,
    /// Stored as the resume path earlier versions wrote
    /// (`/oidc/reprise/<id>`, or nothing).
    #[serde(rename = "resume", with = "return_to_path")]
    pub return_to: ReturnTo,
    /// Where the person was (kept for the pages after the federation's answer).
    #[serde(default)]
    pub journey: Journey,
}

/// A federation's access token kept for the démarches that asked its
/// data (API FranceConnectées), under the login's `sid`, sealed.
#[derive(Debug, Serialize, Deserialize)]
pub struct FederationTokenRecord {
    pub federation: Federation,
    pub access_token: crate::common::Secret,
    /// Unix time (the system's: the federation's clock) it stops working.
    pub expires_at: i64,
    pub data_scopes: Vec<String>,
}

/// How long a federation token lives when its federation does not say
/// (ProConnect documents 60 s for its access tokens).
const FEDERATION_TOKEN_DEFAULT_TTL: std::time::Duration = std::time::Duration::from_secs(60);

/// A logout in progress at a federation.
#[derive(Debug, Serialize, Deserialize)]
pub struct LogoutRecord {
    pub federation: Federation,
    /// A démarche's registered post-logout URI (with its `state`), if not
    /// the portal's own "logged out" page.
    #[serde(rename = "resume")]
    pub return_to: Option<String>,
}

mod return_to_path {
    use serde::{Deserialize, Deserializer, Serializer};

    use super::ReturnTo;
    use crate::domain::PendingId;

    const PREFIX: &str = "/oidc/reprise/";

    pub fn serialize<S: Serializer>(to: &ReturnTo, s: S) -> Result<S::Ok, S::Error> {
        match to {
            ReturnTo::Account => s.serialize_none(),
            ReturnTo::Pending(id) => s.serialize_some(&format!("{PREFIX}{id}")),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<ReturnTo, D::Error> {
        let path = Option::<String>::deserialize(d)?;
        Ok(match path.as_deref().and_then(|p| p.strip_prefix(PREFIX)) {
            Some(id) => ReturnTo::Pending(
                PendingId::parse(id)
                    .ok_or_else(|| serde::de::Error::custom("bad pending request id"))?,
            ),
            None => ReturnTo::Account,
        })
    }
}

impl super::Broker<'_> {
    /// Keeps the request for this browser; returns its id.
    pub(super) async fn park(
        &self,
        browser: &mut Browser,
        client_id: &str,
        kind: PendingKind,
    ) -> Result<PendingId, StoreError> {
        let id = PendingId::new();
        let record = PendingRequest {
            client_id: client_id.to_owned(),
            browser: Some(browser.binding()),
            kind,
        };
        // New and anonymous: drawn on the strangers' budget.
        create_json(
            self.store,
            &PENDING.key(id.as_str()),
            &record,
            PENDING.fixed_ttl(),
        )
        .await?;
        browser.bound();
        Ok(id)
    }

    /// The pending request `id`, if this browser made it: an unknown,
    /// expired, used or foreign one is "expired" alike.
    pub(super) async fn pending(
        &self,
        browser: &Browser,
        id: &PendingId,
    ) -> Result<PendingRequest, BrokerError> {
        let record: Option<PendingRequest> =
            get_json(self.store, &PENDING.key(id.as_str())).await?;
        match record {
            Some(r) if browser.owns(r.browser.as_deref()) => Ok(r),
            Some(_) => {
                tracing::warn!("a pending request used from another browser");
                Err(BrokerError::PendingExpired)
            }
            None => Err(BrokerError::PendingExpired),
        }
    }

    /// Uses up the pending request `id` (this browser's): of concurrent
    /// takers, one only gets it.
    pub(super) async fn take_pending(
        &self,
        browser: &Browser,
        id: &PendingId,
    ) -> Result<PendingRequest, BrokerError> {
        // Checked before it is taken: another browser cannot use it up.
        let pending = self.pending(browser, id).await?;
        self.use_up_pending(browser, id, &pending.client_id).await?;
        Ok(pending)
    }

    /// Uses up the pending request `id` of `client_id`, already read for
    /// this browser with [`Broker::pending`] (a kept request never changes:
    /// what was read is what is taken, so it is not read again). Of
    /// concurrent takers, one only gets it; then its trace stays for the
    /// pages that come after.
    pub(super) async fn use_up_pending(
        &self,
        browser: &Browser,
        id: &PendingId,
        client_id: &str,
    ) -> Result<(), BrokerError> {
        self.store
            .take(&PENDING.key(id.as_str()))
            .await?
            .ok_or(BrokerError::PendingExpired)?;
        let answered = AnsweredRecord {
            client_id: client_id.to_owned(),
            browser: browser.current_binding().map(str::to_owned),
        };
        // For the stale pages that come after (Back, a reload): losing it
        // only loses the way back, never the answer.
        if let Err(e) = put_json(
            self.store,
            &ANSWERED.key(id.as_str()),
            &answered,
            ANSWERED.fixed_ttl(),
        )
        .await
        {
            tracing::warn!(error = %e, "the answered request's trace not kept");
        }
        Ok(())
    }

    /// The démarche of a pending request, still registered.
    pub(super) fn demarche_of(&self, pending: &PendingRequest) -> Result<&Demarche, BrokerError> {
        self.provider
            .demarches
            .get(&pending.client_id)
            .ok_or_else(|| BrokerError::UnknownDemarche(pending.client_id.clone()))
    }

    /// What a page carrying `demande=<id>` shows of its démarche, for this
    /// browser: the request waiting (the démarche's name, the chooser
    /// restricted to what it accepts at the level it asks), or answered
    /// already (the way back to the démarche).
    pub async fn for_page(
        &self,
        browser: &Browser,
        id: &PendingId,
    ) -> Result<PageDemarche, BrokerError> {
        match self.waiting_for_page(browser, id).await {
            Err(BrokerError::PendingExpired) => {}
            other => return other.map(PageDemarche::Waiting),
        }
        let answered: Option<AnsweredRecord> =
            get_json(self.store, &ANSWERED.key(id.as_str())).await?;
        let demarche = answered
            .filter(|a| browser.owns(a.browser.as_deref()))
            .and_then(|a| self.provider.demarches.get(&a.client_id))
            .ok_or(BrokerError::PendingExpired)?;
        Ok(PageDemarche::Answered {
            name: demarche.name.clone(),
            home: demarche.home.clone(),
        })
    }

    async fn waiting_for_page(
        &self,
        browser: &Browser,
        id: &PendingId,
    ) -> Result<ForDemarche, BrokerError> {
        let pending = self.pending(browser, id).await?;
        let demarche = self.demarche_of(&pending)?;
        // Authorization refused a level no federation it accepts can give;
        // `check-config` makes sure something is left without a level.
        let chooser = super::rules::restricted_chooser(self.chooser, demarche, pending.level())
            .ok_or(BrokerError::PendingExpired)?;
        Ok(ForDemarche {
            name: demarche.name.clone(),
            chooser,
            level: pending.level(),
            data_asked: pending.data_asked(),
        })
    }

    pub(super) async fn keep_login(
        &self,
        state: &str,
        record: &LoginRecord,
    ) -> Result<(), StoreError> {
        create_json(self.store, &LOGIN.key(state), record, LOGIN.fixed_ttl()).await
    }

    /// Single use: taken, whatever happens next. Where its person was is
    /// kept a while: the same answer replayed (Back to the callback) still
    /// knows their démarche ([`Broker::journey_of_used_login`]).
    pub(super) async fn take_login(&self, state: &str) -> Result<Option<LoginRecord>, StoreError> {
        let record: Option<LoginRecord> = take_json(self.store, &LOGIN.key(state)).await?;
        if let Some(r) = record.as_ref().filter(|r| !r.journey.is_empty())
            && let Err(e) = put_json(
                self.store,
                &USED_LOGIN.key(state),
                &r.journey,
                USED_LOGIN.fixed_ttl(),
            )
            .await
        {
            tracing::warn!(error = %e, "the finished login's journey not kept");
        }
        Ok(record)
    }

    /// Where the person of a login already finished was (their démarche).
    pub(super) async fn journey_of_used_login(&self, state: &str) -> Option<Journey> {
        get_json(self.store, &USED_LOGIN.key(state))
            .await
            .ok()
            .flatten()
    }

    /// Keeps the federation's token of login `sid`, sealed, for as long
    /// as it lives (never longer).
    pub(super) async fn keep_federation_token(
        &self,
        sid: &str,
        federation: Federation,
        token: crate::upstream::FederationToken,
    ) -> Result<(), StoreError> {
        let ttl = token.expires_in.unwrap_or(FEDERATION_TOKEN_DEFAULT_TTL);
        let expires_at = crate::common::clock::system_now()
            .saturating_add(i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX));
        let record = FederationTokenRecord {
            federation,
            access_token: token.access_token,
            expires_at,
            data_scopes: token.data_scopes,
        };
        let key = FEDERATION_TOKEN.key(sid);
        let sealed = self
            .sealer
            .seal(&serde_json::to_vec(&record)?, key.as_bytes());
        self.store.put(&key, sealed, ttl).await
    }

    /// The federation's token of login `sid`, while it lives.
    pub(super) async fn federation_token(
        &self,
        sid: &str,
    ) -> Result<Option<FederationTokenRecord>, StoreError> {
        if sid.is_empty() {
            return Ok(None);
        }
        let key = FEDERATION_TOKEN.key(sid);
        let Some(sealed) = self.store.get(&key).await? else {
            return Ok(None);
        };
        let Some(plain) = self.sealer.open(&sealed, key.as_bytes()) else {
            // Another secret sealed it (the session key changed): unusable.
            tracing::warn!("a federation token sealed with another key: ignored");
            return Ok(None);
        };
        let record: FederationTokenRecord = serde_json::from_slice(&plain)?;
        Ok(Some(record).filter(|r| r.expires_at > crate::common::clock::system_now()))
    }

    pub(super) async fn forget_federation_token(&self, sid: &str) -> Result<(), StoreError> {
        if sid.is_empty() {
            return Ok(());
        }
        self.store.delete(&FEDERATION_TOKEN.key(sid)).await
    }

    pub(super) async fn keep_logout(
        &self,
        state: &str,
        record: &LogoutRecord,
    ) -> Result<(), StoreError> {
        put_json(self.store, &LOGOUT.key(state), record, LOGOUT.fixed_ttl()).await
    }

    pub(super) async fn take_logout(
        &self,
        state: &str,
    ) -> Result<Option<LogoutRecord>, StoreError> {
        take_json(self.store, &LOGOUT.key(state)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_login_record_reads_the_earlier_versions_resume_path() {
        let id = PendingId::new();
        let earlier = serde_json::json!({
            "federation": "franceconnect", "issuer": "https://fc.example", "nonce": "n",
            "pkce_verifier": null, "acr_values": ["eidas1"], "browser": "b",
            "resume": format!("/oidc/reprise/{id}"), "started_at": 1, "fresh_login": false,
            "journey": { "demande": id.as_str(), "population": null },
        });
        let record: LoginRecord = serde_json::from_value(earlier.clone()).unwrap();
        assert_eq!(record.return_to, ReturnTo::Pending(id.clone()));
        assert_eq!(record.journey.pending, Some(id));
        assert_eq!(
            serde_json::to_value(&record).unwrap(),
            earlier,
            "written back alike"
        );
        let to_account = serde_json::json!({
            "federation": "proconnect", "issuer": "https://pc.example", "nonce": "n",
            "pkce_verifier": "v", "acr_values": [], "browser": "b", "resume": null,
        });
        let record: LoginRecord = serde_json::from_value(to_account).unwrap();
        assert_eq!(record.return_to, ReturnTo::Account);
        let forged = serde_json::json!({
            "federation": "proconnect", "issuer": "https://pc.example", "nonce": "n",
            "acr_values": [], "browser": "b", "resume": "/oidc/reprise/../../x",
        });
        assert!(serde_json::from_value::<LoginRecord>(forged).is_err());
    }
}
