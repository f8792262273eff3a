use serde::{Deserialize, Serialize};

use super::{Identity, PendingId};

/// A person logged in through a federation, as the browser's session
/// keeps it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LoggedIn {
    pub identity: Identity,
    /// The federation's ID token, for its logout (`id_token_hint`); never logged.
    pub id_token: String,
    /// Unix time of the login at the portal.
    pub at: i64,
    /// This login's own id (the `sid` of the ID tokens given from it):
    /// its logout ends the tokens given from it. Empty for a login kept
    /// by an earlier version.
    #[serde(default)]
    pub sid: String,
    /// The démarche's request this login was made for, if any: that
    /// request may take it as fresh (see `broker::rules`).
    #[serde(default)]
    pub made_for: Option<PendingId>,
    /// The federation's data scopes this login granted (API
    /// FranceConnectées): a request asking others needs a new login there.
    #[serde(default)]
    pub data_scopes: Vec<String>,
}

impl LoggedIn {
    /// When the person authenticated: the federation's `auth_time` when it
    /// gave one (it may predate this login: its own single sign-on), else
    /// the time of this login.
    pub fn auth_time(&self) -> i64 {
        self.identity.auth_time.unwrap_or(self.at)
    }

    /// The level the federation gave satisfies one of those `asked`.
    pub fn satisfies_acr(&self, asked: &[String]) -> bool {
        asked.is_empty()
            || self
                .identity
                .acr
                .as_deref()
                .is_some_and(|acr| super::acr_satisfies(acr, asked))
    }

    /// A démarche's `login_hint` names this person: their e-mail, compared
    /// without regard to case. No e-mail known: it cannot be them.
    pub fn matches_login_hint(&self, hint: &str) -> bool {
        self.identity
            .email
            .as_deref()
            .is_some_and(|email| email.trim().eq_ignore_ascii_case(hint.trim()))
    }
}
