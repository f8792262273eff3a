//! OAuth errors sent back to démarches (RFC 6749 §4.1.2.1 and §5.2,
//! OpenID Connect Core §3.1.2.6, RFC 6750 §3.1).

/// The error codes this provider answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OAuthErrorCode {
    InvalidRequest,
    InvalidClient,
    InvalidGrant,
    InvalidScope,
    InvalidToken,
    /// RFC 8693 §2.2.2: the target (`audience`) is not one the portal
    /// can give a token for.
    InvalidTarget,
    UnsupportedGrantType,
    UnsupportedResponseType,
    RequestNotSupported,
    RequestUriNotSupported,
    AccessDenied,
    LoginRequired,
    ServerError,
    TemporarilyUnavailable,
}

impl OAuthErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            OAuthErrorCode::InvalidRequest => "invalid_request",
            OAuthErrorCode::InvalidClient => "invalid_client",
            OAuthErrorCode::InvalidGrant => "invalid_grant",
            OAuthErrorCode::InvalidScope => "invalid_scope",
            OAuthErrorCode::InvalidToken => "invalid_token",
            OAuthErrorCode::InvalidTarget => "invalid_target",
            OAuthErrorCode::UnsupportedGrantType => "unsupported_grant_type",
            OAuthErrorCode::UnsupportedResponseType => "unsupported_response_type",
            OAuthErrorCode::RequestNotSupported => "request_not_supported",
            OAuthErrorCode::RequestUriNotSupported => "request_uri_not_supported",
            OAuthErrorCode::AccessDenied => "access_denied",
            OAuthErrorCode::LoginRequired => "login_required",
            OAuthErrorCode::ServerError => "server_error",
            OAuthErrorCode::TemporarilyUnavailable => "temporarily_unavailable",
        }
    }
}

impl std::fmt::Display for OAuthErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An OAuth error with its human-readable description.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{code}: {description}")]
pub struct OAuthError {
    pub code: OAuthErrorCode,
    pub description: String,
}

impl OAuthError {
    pub fn new(code: OAuthErrorCode, description: impl Into<String>) -> OAuthError {
        OAuthError {
            code,
            description: description.into(),
        }
    }

    pub fn invalid_request(description: impl Into<String>) -> OAuthError {
        OAuthError::new(OAuthErrorCode::InvalidRequest, description)
    }

    pub fn invalid_grant(description: impl Into<String>) -> OAuthError {
        OAuthError::new(OAuthErrorCode::InvalidGrant, description)
    }

    /// `temporarily_unavailable`: the store does not answer now.
    pub fn store_unavailable() -> OAuthError {
        OAuthError::new(
            OAuthErrorCode::TemporarilyUnavailable,
            "the portal's storage is unavailable; try again shortly",
        )
    }

    /// The store failed. Unavailable: `temporarily_unavailable`, the
    /// démarche may try again; a value over the size limit: the request's
    /// fault; anything else: `server_error`. The details (Redis address…)
    /// go to the log only.
    pub fn storage(e: crate::store::StoreError) -> OAuthError {
        crate::metrics::store_error(e.kind());
        use crate::store::StoreError;
        match e {
            StoreError::Backend(why) | StoreError::Full(why) => {
                tracing::warn!(error = %why, "store unavailable");
                OAuthError::store_unavailable()
            }
            StoreError::TooLarge { .. } => OAuthError::invalid_request("request too large"),
            other => {
                tracing::error!(error = %other, "store failure");
                OAuthError::new(OAuthErrorCode::ServerError, "internal error")
            }
        }
    }

    /// The JSON body of a token or userinfo error.
    pub fn json(&self) -> serde_json::Value {
        serde_json::json!({ "error": self.code.as_str(), "error_description": self.description })
    }
}
