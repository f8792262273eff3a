use std::collections::HashMap;

use super::OAuthError;

/// Request parameters (query string or form body); a repeated one is an
/// error, an empty value the same as an absent one (RFC 6749 §3.1).
pub fn parse_params(encoded: &[u8]) -> Result<HashMap<String, String>, OAuthError> {
    params_of(url::form_urlencoded::parse(encoded).into_owned())
}

/// [`parse_params`] of pairs already decoded.
pub fn params_of(
    pairs: impl IntoIterator<Item = (String, String)>,
) -> Result<HashMap<String, String>, OAuthError> {
    let mut params = HashMap::new();
    for (k, v) in pairs {
        if params.contains_key(&k) {
            return Err(OAuthError::invalid_request(format!(
                "parameter `{k}` repeated"
            )));
        }
        params.insert(k, v);
    }
    params.retain(|_, v| !v.is_empty());
    Ok(params)
}

/// The credentials of an `Authorization` header for `scheme` (`Basic`,
/// `Bearer`): the scheme is case-insensitive (RFC 9110 §11.1), the
/// credentials follow one or more spaces.
pub fn authorization_credentials<'a>(header: &'a str, scheme: &str) -> Option<&'a str> {
    let (given, credentials) = header.trim().split_once(' ')?;
    given
        .eq_ignore_ascii_case(scheme)
        .then(|| credentials.trim())
        .filter(|c| !c.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorization_schemes_are_case_insensitive() {
        for header in ["Basic abc", "basic abc", "BASIC  abc", " bAsIc abc "] {
            assert_eq!(authorization_credentials(header, "Basic"), Some("abc"));
        }
        assert_eq!(authorization_credentials("Bearer abc", "Basic"), None);
        assert_eq!(authorization_credentials("Basic", "Basic"), None);
        assert_eq!(authorization_credentials("Basicabc", "Basic"), None);
        assert_eq!(
            authorization_credentials("bearer t0k", "Bearer"),
            Some("t0k")
        );
    }
}
