//! The `openidconnect` client toward a federation and the types it is
//! built over: the discovery metadata (with the fields the core set does
//! not name) and the token response (its ID token kept as text). Built once
//! per discovery ([`super::discovery`]), used by the login's start and end.

use openidconnect::core::{
    CoreAuthDisplay, CoreAuthPrompt, CoreClaimName, CoreClaimType, CoreClientAuthMethod,
    CoreErrorResponseType, CoreGenderClaim, CoreGrantType, CoreJsonWebKey,
    CoreJweContentEncryptionAlgorithm, CoreJweKeyManagementAlgorithm, CoreJwsSigningAlgorithm,
    CoreResponseMode, CoreResponseType, CoreRevocableToken, CoreRevocationErrorResponse,
    CoreSubjectIdentifierType, CoreTokenIntrospectionResponse, CoreTokenType,
};
use openidconnect::{
    AccessToken, AdditionalProviderMetadata, AuthType, ClientId, ClientSecret,
    EmptyAdditionalClaims, ExtraTokenFields, OAuth2TokenResponse, ProviderMetadata, RedirectUrl,
    RefreshToken, Scope, StandardErrorResponse, StandardTokenResponse,
};
use serde::{Deserialize, Serialize};
use url::Url;

use super::FederationClient;

/// Metadata fields `openidconnect`'s core set does not name.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct ExtraMetadata {
    #[serde(default)]
    pub end_session_endpoint: Option<Url>,
    /// RFC 9207: the federation puts `iss` in authorization responses.
    #[serde(default)]
    pub authorization_response_iss_parameter_supported: Option<bool>,
    #[serde(default)]
    pub code_challenge_methods_supported: Option<Vec<String>>,
}

impl AdditionalProviderMetadata for ExtraMetadata {}

pub type Metadata = ProviderMetadata<
    ExtraMetadata,
    CoreAuthDisplay,
    CoreClientAuthMethod,
    CoreClaimName,
    CoreClaimType,
    CoreGrantType,
    CoreJweContentEncryptionAlgorithm,
    CoreJweKeyManagementAlgorithm,
    CoreJsonWebKey,
    CoreResponseMode,
    CoreResponseType,
    CoreSubjectIdentifierType,
>;

/// The token endpoint's answer, its ID token kept as text: a JWS, or a
/// JWE from a federation that encrypts, which `openidconnect` cannot
/// parse. `callback.rs` opens and verifies it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RawTokenResponse(StandardTokenResponse<RawIdToken, CoreTokenType>);

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RawIdToken {
    #[serde(default)]
    id_token: Option<String>,
}
impl ExtraTokenFields for RawIdToken {}

impl RawTokenResponse {
    pub fn raw_id_token(&self) -> Option<&str> {
        self.0.extra_fields().id_token.as_deref()
    }
}

impl OAuth2TokenResponse for RawTokenResponse {
    type TokenType = CoreTokenType;
    fn access_token(&self) -> &AccessToken {
        self.0.access_token()
    }
    fn token_type(&self) -> &CoreTokenType {
        self.0.token_type()
    }
    fn expires_in(&self) -> Option<std::time::Duration> {
        self.0.expires_in()
    }
    fn refresh_token(&self) -> Option<&RefreshToken> {
        self.0.refresh_token()
    }
    fn scopes(&self) -> Option<&Vec<Scope>> {
        self.0.scopes()
    }
}

/// Needed by `openidconnect::Client`; the parsed ID token is never read
/// from here (see [`RawTokenResponse::raw_id_token`]).
impl
    openidconnect::TokenResponse<
        EmptyAdditionalClaims,
        CoreGenderClaim,
        CoreJweContentEncryptionAlgorithm,
        CoreJwsSigningAlgorithm,
    > for RawTokenResponse
{
    fn id_token(
        &self,
    ) -> Option<
        &openidconnect::IdToken<
            EmptyAdditionalClaims,
            CoreGenderClaim,
            CoreJweContentEncryptionAlgorithm,
            CoreJwsSigningAlgorithm,
        >,
    > {
        None
    }
}

/// A client built from discovery: authorization endpoint set, token and
/// userinfo endpoints present when the federation advertises them; the
/// token response keeps the ID token as text.
pub(super) type DiscoveredClient = openidconnect::Client<
    EmptyAdditionalClaims,
    CoreAuthDisplay,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJsonWebKey,
    CoreAuthPrompt,
    StandardErrorResponse<CoreErrorResponseType>,
    RawTokenResponse,
    CoreTokenIntrospectionResponse,
    CoreRevocableToken,
    CoreRevocationErrorResponse,
    openidconnect::EndpointSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointMaybeSet,
    openidconnect::EndpointMaybeSet,
>;

impl FederationClient {
    /// The `openidconnect` client over `metadata`, or why it cannot be used.
    pub(super) fn build_client(&self, metadata: &Metadata) -> Result<DiscoveredClient, String> {
        let methods: Vec<String> = metadata
            .token_endpoint_auth_methods_supported()
            .map(|m| {
                m.iter()
                    .map(|m| {
                        serde_json::to_value(m)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_owned))
                            .unwrap_or_default()
                    })
                    .collect()
            })
            .unwrap_or_default();
        // client_secret_basic is the default when nothing is advertised.
        let auth = if methods.is_empty() || methods.iter().any(|m| m == "client_secret_basic") {
            AuthType::BasicAuth
        } else if methods.iter().any(|m| m == "client_secret_post") {
            AuthType::RequestBody
        } else {
            return Err(format!(
                "no supported token endpoint auth method among {methods:?}"
            ));
        };
        Ok(DiscoveredClient::from_provider_metadata(
            metadata.clone(),
            ClientId::new(self.client_id.clone()),
            Some(ClientSecret::new(self.client_secret.expose().to_owned())),
        )
        .set_redirect_uri(RedirectUrl::from_url(self.redirect_url.clone()))
        .set_auth_type(auth))
    }
}
