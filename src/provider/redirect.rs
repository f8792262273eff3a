//! Where the browser goes back to a démarche: its (already verified)
//! redirect URI with the response parameters and `iss` (RFC 9207).

use url::Url;

use super::OAuthError;

/// `redirect_uri?…params…&iss=…`.
pub fn to_demarche(redirect_uri: &str, issuer: &str, params: &[(&str, &str)]) -> Url {
    let mut url = Url::parse(redirect_uri).expect("registered redirect URIs are valid URLs");
    {
        let mut q = url.query_pairs_mut();
        for (k, v) in params {
            q.append_pair(k, v);
        }
        q.append_pair("iss", issuer);
    }
    url
}

/// An OAuth error for the démarche, with its `state`.
pub fn error_to_demarche(
    redirect_uri: &str,
    issuer: &str,
    state: Option<&str>,
    error: &OAuthError,
) -> Url {
    tracing::warn!(
        error = %error.code,
        description = %crate::common::Untrusted(&error.description),
        "authorization request refused"
    );
    let mut params = vec![
        ("error", error.code.as_str()),
        ("error_description", error.description.as_str()),
    ];
    if let Some(s) = state {
        params.push(("state", s));
    }
    to_demarche(redirect_uri, issuer, &params)
}
