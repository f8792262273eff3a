//! OpenID RP-Initiated Logout 1.0 toward démarches: which démarche asks,
//! what its `id_token_hint` says, and where the browser may go at the end.
//! Whether the logout is done at once or asked first is the broker's rule
//! (`crate::broker`).

use std::collections::HashMap;

use url::Url;

use super::OpenIdProvider;
use super::id_token::IdTokenHint;

#[derive(Debug, Clone, thiserror::Error)]
pub enum LogoutRefusal {
    #[error("bad logout request: {0}")]
    BadRequest(String),
    #[error("post-logout redirect URI not registered")]
    UnregisteredRedirect,
}

/// A démarche's logout request, checked.
#[derive(Debug, Clone)]
pub struct LogoutRequest {
    /// A valid `id_token_hint` (one this portal signed).
    pub hint: Option<IdTokenHint>,
    /// The démarche asking: the hint's audience, else `client_id`.
    pub client_id: Option<String>,
    /// Where to send the browser once the portal and the federation are
    /// done: a registered `post_logout_redirect_uri` with the démarche's
    /// `state`, or `None` (the portal's own "logged out" page).
    pub return_to: Option<String>,
}

pub fn read_logout(
    provider: &OpenIdProvider,
    params: &HashMap<String, String>,
) -> Result<LogoutRequest, LogoutRefusal> {
    let hint = params
        .get("id_token_hint")
        .and_then(|h| provider.read_id_token_hint(h));
    if params.contains_key("id_token_hint") && hint.is_none() {
        tracing::warn!("logout with an id_token_hint this portal did not issue");
    }
    // The démarche: the hint's audience, else `client_id`; both must agree.
    let client_id = match (
        hint.as_ref().map(|h| h.aud.as_str()),
        params.get("client_id"),
    ) {
        (Some(a), Some(c)) if a != c => {
            return Err(LogoutRefusal::BadRequest(
                "client_id and id_token_hint disagree".into(),
            ));
        }
        (Some(a), _) => Some(a.to_owned()),
        (None, c) => c.cloned(),
    };
    if params
        .get("state")
        .is_some_and(|s| s.len() > super::authorize::MAX_STATE_BYTES)
    {
        return Err(LogoutRefusal::BadRequest(format!(
            "state too long: at most {} bytes",
            super::authorize::MAX_STATE_BYTES
        )));
    }
    let return_to = match params.get("post_logout_redirect_uri") {
        None => None,
        Some(uri) => Some(registered_return(
            provider,
            client_id.as_deref(),
            uri,
            params,
        )?),
    };
    Ok(LogoutRequest {
        hint,
        client_id,
        return_to,
    })
}

/// Only an exact registered URI, with the démarche's `state`.
fn registered_return(
    provider: &OpenIdProvider,
    client_id: Option<&str>,
    uri: &str,
    params: &HashMap<String, String>,
) -> Result<String, LogoutRefusal> {
    let demarche = client_id
        .and_then(|id| provider.demarches.get(id))
        .ok_or(LogoutRefusal::UnregisteredRedirect)?;
    if !demarche.has_post_logout_redirect_uri(uri) {
        tracing::warn!(client_id = %demarche.client_id, "logout to an unregistered post_logout_redirect_uri");
        return Err(LogoutRefusal::UnregisteredRedirect);
    }
    let mut url = Url::parse(uri).map_err(|_| LogoutRefusal::UnregisteredRedirect)?;
    if let Some(s) = params.get("state") {
        url.query_pairs_mut().append_pair("state", s);
    }
    Ok(url.to_string())
}
