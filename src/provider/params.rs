use std::collections::HashMap;

use super::OAuthError;

/// Request parameters (query string or form body); a repeated one is an
/// error, an empty value the same as an absent one (RFC 6749 §3.1).
pub fn parse_params(encoded: &[u8]) -> Result<HashMap<String, String>, OAuthError> {
    let mut params = HashMap::new();
    for (k, v) in url::form_urlencoded::parse(encoded) {
        if params.insert(k.to_string(), v.into_owned()).is_some() {
            return Err(OAuthError::invalid_request(format!(
                "parameter `{k}` repeated"
            )));
        }
    }
    params.retain(|_, v| !v.is_empty());
    Ok(params)
}
