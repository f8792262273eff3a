//! OpenID RP-Initiated Logout 1.0 toward démarches: which démarche asks,
//! and where the browser may go at the end.

use std::collections::HashMap;

use url::Url;

use super::OpenIdProvider;

#[derive(Debug, Clone, thiserror::Error)]
pub enum LogoutRefusal {
    #[error("bad logout request: {0}")]
    BadRequest(String),
    #[error("post-logout redirect URI not registered")]
    UnregisteredRedirect,
}

/// Where to send the browser once the portal and the federation are done:
/// a registered `post_logout_redirect_uri` with the démarche's `state`, or
/// `None` (the portal's own "logged out" page).
pub fn return_target(
    op: &OpenIdProvider,
    params: &HashMap<String, String>,
) -> Result<Option<String>, LogoutRefusal> {
    let hint = params
        .get("id_token_hint")
        .and_then(|h| op.read_id_token_hint(h));
    if params.contains_key("id_token_hint") && hint.is_none() {
        tracing::warn!("logout with an id_token_hint this portal did not issue");
    }
    // The client: the hint's audience, else `client_id`; both must agree.
    let client_id = match (hint.as_deref(), params.get("client_id")) {
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
    let Some(uri) = params.get("post_logout_redirect_uri") else {
        return Ok(None);
    };
    // Only an exact registered URI.
    let client = client_id
        .as_deref()
        .and_then(|id| op.clients.get(id))
        .ok_or(LogoutRefusal::UnregisteredRedirect)?;
    if !client.has_post_logout_redirect_uri(uri) {
        tracing::warn!(client_id = %client.client_id, "logout to an unregistered post_logout_redirect_uri");
        return Err(LogoutRefusal::UnregisteredRedirect);
    }
    let mut url = Url::parse(uri).map_err(|_| LogoutRefusal::UnregisteredRedirect)?;
    if let Some(s) = params.get("state") {
        url.query_pairs_mut().append_pair("state", s);
    }
    Ok(Some(url.to_string()))
}
