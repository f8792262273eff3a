//! Authorization codes: issued once the person is logged in, exchanged at
//! the token endpoint (RFC 6749 §4.1.3, PKCE RFC 7636). A code works once;
//! presented again, the tokens it gave are revoked (RFC 6749 §4.1.2).

use std::collections::HashMap;

use base64::Engine;
use openidconnect::AccessToken;
use serde::{Deserialize, Serialize};
use url::Url;

use super::authorize::AuthorizationRequest;
use super::login_end::login_ended;
use super::params::parse_params;
use super::userinfo::AccessRecord;
use super::{Demarche, OAuthError, OAuthErrorCode, OpenIdProvider, pkce, redirect};
use crate::common::random_token;
use crate::domain::{Identity, LoggedIn};
use crate::store::keys::{ACCESS, CODE};
use crate::store::{Store, StoreError, get_json, put_json, take_json};

/// Whose code it is: read before the code is taken (the rest of its
/// record skipped, not built).
#[derive(Deserialize)]
struct CodeOwner {
    client_id: String,
}

/// A one-time authorization code's binding.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CodeRecord {
    pub client_id: String,
    pub redirect_uri: String,
    pub code_challenge: Option<String>,
    pub nonce: Option<String>,
    pub identity: Identity,
    /// When the person authenticated at the federation (its `auth_time`,
    /// else the time of the login at the portal).
    pub auth_time: i64,
    /// Set once the code was exchanged: a second exchange revokes these.
    pub used: bool,
    pub access_token_key: Option<String>,
    /// The login it was given from ([`LoggedIn::sid`]): once it is logged
    /// out, the code is void.
    #[serde(default)]
    pub sid: String,
}

/// What a démarche may be told of `identity` given the scopes it asked:
/// the organisation only for scope `organisation` (the person's profile
/// and e-mail are the federation's own release, made for this démarche's
/// request).
fn released_identity(
    identity: &crate::domain::Identity,
    scope: &[String],
) -> crate::domain::Identity {
    let mut released = identity.clone();
    if !scope.iter().any(|s| s == super::scopes::ORGANISATION_SCOPE) {
        released.organisation = None;
    }
    released
}

/// RFC 8693's grant type: a démarche exchanges its access token for the
/// federation's (`crate::broker`, API FranceConnectées).
pub const TOKEN_EXCHANGE: &str = "urn:ietf:params:oauth:grant-type:token-exchange";

/// A one-time code (256 random bits, `provider.code_ttl_seconds`) bound to the
/// client, redirect URI, PKCE challenge and nonce. Returns where to send
/// the browser: the redirect URI with `code`, `state` and `iss`.
pub async fn issue_code(
    provider: &OpenIdProvider,
    store: &dyn Store,
    request: &AuthorizationRequest,
    login: &LoggedIn,
) -> Result<Url, StoreError> {
    let code = random_token(32);
    let record = CodeRecord {
        client_id: request.client_id.clone(),
        redirect_uri: request.redirect_uri.clone(),
        code_challenge: request.code_challenge.clone(),
        nonce: request.nonce.clone(),
        identity: released_identity(&login.identity, &request.scope),
        auth_time: login.auth_time(),
        used: false,
        access_token_key: None,
        sid: login.sid.clone(),
    };
    put_json(store, &CODE.key(&code), &record, provider.code_ttl).await?;
    tracing::info!(client_id = %request.client_id, federation = %login.identity.federation, "authorization code issued");
    crate::metrics::code_issued(&request.client_id);
    let mut params = vec![("code", code.as_str())];
    if let Some(s) = &request.state {
        params.push(("state", s.as_str()));
    }
    Ok(redirect::to_demarche(
        &request.redirect_uri,
        &provider.issuer,
        &params,
    ))
}

/// The token request's body and its `Authorization: Basic` credentials
/// (the part after the scheme). Counted in the metrics either way.
pub async fn exchange(
    provider: &OpenIdProvider,
    store: &dyn Store,
    basic: Option<&str>,
    body: &[u8],
) -> Result<serde_json::Value, OAuthError> {
    let params = parse_params(body).inspect_err(|e| refused(None, e))?;
    let demarche = authenticate(provider, basic, &params).inspect_err(|e| refused(None, e))?;
    let result = exchange_for(provider, store, demarche, &params).await;
    match &result {
        Ok(_) => crate::metrics::code_redeemed(&demarche.client_id),
        Err(e) => refused(Some(&demarche.client_id), e),
    }
    result
}

fn refused(client_id: Option<&str>, error: &OAuthError) {
    crate::metrics::code_refused(client_id, error.code.as_str());
}

/// The exchange, once the client is authenticated.
async fn exchange_for(
    provider: &OpenIdProvider,
    store: &dyn Store,
    demarche: &Demarche,
    params: &HashMap<String, String>,
) -> Result<serde_json::Value, OAuthError> {
    match params.get("grant_type").map(String::as_str) {
        Some("authorization_code") => {}
        None => return Err(OAuthError::invalid_request("grant_type is required")),
        Some(other) => {
            return Err(OAuthError::new(
                OAuthErrorCode::UnsupportedGrantType,
                format!("`{other}`"),
            ));
        }
    }
    let code = params
        .get("code")
        .ok_or_else(|| OAuthError::invalid_request("code is required"))?;
    let record = redeem(store, demarche, code, params).await?;
    issue_tokens(provider, store, demarche, code, record).await
}

/// Client authentication (the démarche's): `client_secret_basic`, `client_secret_post`, or
/// `none` for a public client (which must then use PKCE).
pub fn authenticate<'a>(
    provider: &'a OpenIdProvider,
    basic: Option<&str>,
    params: &HashMap<String, String>,
) -> Result<&'a Demarche, OAuthError> {
    let invalid = || {
        OAuthError::new(
            OAuthErrorCode::InvalidClient,
            "client authentication failed",
        )
    };
    let Some(b64) = basic else {
        let id = params.get("client_id").ok_or_else(invalid)?;
        let demarche = provider.demarches.get(id).ok_or_else(invalid)?;
        return match (demarche.public, params.get("client_secret")) {
            (true, None) => Ok(demarche),
            (false, Some(secret)) if demarche.secret_matches(secret) => Ok(demarche),
            _ => Err(invalid()),
        };
    };
    if params.contains_key("client_secret") {
        return Err(OAuthError::invalid_request(
            "use one client authentication method",
        ));
    }
    let credentials = BasicCredentials::decode(b64).ok_or_else(invalid)?;
    let demarche = credentials
        .ids()
        .find_map(|id| provider.demarches.get(id))
        .ok_or_else(invalid)?;
    // Both readings of the secret are compared, each in constant time.
    let matches = credentials
        .secrets()
        .fold(false, |ok, secret| demarche.secret_matches(secret) | ok);
    if !demarche.public && matches {
        Ok(demarche)
    } else {
        Err(invalid())
    }
}

/// `base64(id:secret)`. RFC 6749 §2.3.1 has each part form-urlencoded
/// first; `curl -u`, Python `requests` and many libraries send them as
/// they are. Both readings are kept: a secret with `+` or `%` works
/// either way (a wrong reading simply does not match).
struct BasicCredentials {
    raw: (String, String),
    form_decoded: Option<(String, String)>,
}

impl BasicCredentials {
    fn decode(b64: &str) -> Option<BasicCredentials> {
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(b64.trim())
            .ok()?;
        let text = String::from_utf8(decoded).ok()?;
        let (id, secret) = text.split_once(':')?;
        let form_decode = |s: &str| {
            url::form_urlencoded::parse(format!("x={s}").as_bytes())
                .next()
                .map(|(_, v)| v.into_owned())
        };
        let form_decoded = form_decode(id).zip(form_decode(secret));
        Some(BasicCredentials {
            raw: (id.to_owned(), secret.to_owned()),
            form_decoded,
        })
    }

    /// The client id as RFC 6749 reads it first, then as sent.
    fn ids(&self) -> impl Iterator<Item = &str> {
        self.form_decoded
            .iter()
            .map(|(id, _)| id.as_str())
            .chain(std::iter::once(self.raw.0.as_str()))
    }

    fn secrets(&self) -> impl Iterator<Item = &str> {
        self.form_decoded
            .iter()
            .map(|(_, s)| s.as_str())
            .chain(std::iter::once(self.raw.1.as_str()))
    }
}

/// Takes the code (single use, whatever happens next) and checks its
/// binding: client, redirect URI, PKCE.
async fn redeem(
    store: &dyn Store,
    demarche: &Demarche,
    code: &str,
    params: &HashMap<String, String>,
) -> Result<CodeRecord, OAuthError> {
    let unknown = || OAuthError::invalid_grant("unknown, expired or already used code");
    // Read first: a code presented by another client is refused without
    // being used up (its rightful client can still redeem it: RFC 6749
    // §4.1.3 binds a code to its client, and another client must not be
    // able to spend it).
    let seen: CodeOwner = get_json(store, &CODE.key(code))
        .await
        .map_err(OAuthError::storage)?
        .ok_or_else(unknown)?;
    if seen.client_id != demarche.client_id {
        tracing::warn!(client_id = %demarche.client_id, "a code presented by another client than its own: refused, kept");
        return Err(OAuthError::invalid_grant("code issued to another client"));
    }
    // Single use from here, whatever happens next.
    let record: CodeRecord = take_json(store, &CODE.key(code))
        .await
        .map_err(OAuthError::storage)?
        .ok_or_else(unknown)?;
    if record.used {
        if let Some(key) = &record.access_token_key {
            store.delete(key).await.map_err(OAuthError::storage)?;
        }
        tracing::warn!(client_id = %record.client_id, "authorization code replayed: its tokens are revoked");
        return Err(OAuthError::invalid_grant("code already used"));
    }
    if record.client_id != demarche.client_id {
        return Err(OAuthError::invalid_grant("code issued to another client"));
    }
    if login_ended(store, &record.sid)
        .await
        .map_err(OAuthError::storage)?
    {
        return Err(OAuthError::invalid_grant("the login was logged out"));
    }
    if params.get("redirect_uri") != Some(&record.redirect_uri) {
        return Err(OAuthError::invalid_grant(
            "redirect_uri does not match the authorization request",
        ));
    }
    match (&record.code_challenge, params.get("code_verifier")) {
        (Some(challenge), Some(verifier)) if pkce::verifier_matches(challenge, verifier) => {}
        (Some(_), _) => return Err(OAuthError::invalid_grant("PKCE verification failed")),
        // A verifier for a request made without a challenge: a downgrade.
        (None, Some(_)) => {
            return Err(OAuthError::invalid_grant(
                "code_verifier without code_challenge",
            ));
        }
        (None, None) => {}
    }
    Ok(record)
}

/// The access token (kept for userinfo) and the signed ID token; the code
/// stays, marked used, while its tokens live, to catch a replay.
async fn issue_tokens(
    provider: &OpenIdProvider,
    store: &dyn Store,
    demarche: &Demarche,
    code: &str,
    mut record: CodeRecord,
) -> Result<serde_json::Value, OAuthError> {
    let access_token = random_token(32);
    // One `sub` for the ID token and userinfo.
    let sub = provider.sub_for(&record.identity, &demarche.client_id);
    let access = AccessRecord {
        client_id: demarche.client_id.clone(),
        claims: provider.user_claims(&record.identity, &sub),
        sid: record.sid.clone(),
    };
    let key = ACCESS.key(&access_token);
    put_json(store, &key, &access, provider.token_ttl)
        .await
        .map_err(OAuthError::storage)?;
    let id_token = provider.id_token(&record, &AccessToken::new(access_token.clone()), sub)?;
    record.used = true;
    record.access_token_key = Some(key);
    put_json(store, &CODE.key(code), &record, provider.token_ttl)
        .await
        .map_err(OAuthError::storage)?;
    tracing::info!(client_id = %demarche.client_id, "tokens issued");
    Ok(serde_json::json!({
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": provider.token_ttl.as_secs(),
        "id_token": id_token,
        "scope": "openid",
    }))
}

#[cfg(test)]
mod tests {
    use super::BasicCredentials;
    use base64::Engine;

    fn read(text: &str) -> (Vec<String>, Vec<String>) {
        let b64 = base64::engine::general_purpose::STANDARD.encode(text);
        let c = BasicCredentials::decode(&b64).unwrap();
        (
            c.ids().map(str::to_owned).collect(),
            c.secrets().map(str::to_owned).collect(),
        )
    }

    #[test]
    fn basic_credentials_are_read_form_decoded_then_as_sent() {
        let (ids, secrets) = read("my%20app:s%2Bcret");
        assert_eq!(ids, ["my app", "my%20app"]);
        assert_eq!(secrets, ["s+cret", "s%2Bcret"]);
        // `curl -u app:s+cret` sends the `+` as it is.
        let (_, secrets) = read("app:s+cret");
        assert_eq!(secrets, ["s cret", "s+cret"]);
        assert!(BasicCredentials::decode("not base64!").is_none());
    }
}

/// The code's life without HTTP: issued, exchanged once, replay revokes.
#[cfg(test)]
mod exchange_tests {
    use std::path::PathBuf;
    use std::time::Duration;

    use base64::Engine;

    use super::*;
    use crate::domain::Federation;
    use crate::provider::settings::{DemarcheSettings, ProviderConfig};
    use crate::store::MemoryStore;

    const SECRET: &str = "a-secret-of-the-demarche-0123456789";
    const REDIRECT: &str = "https://demarche.example/cb";
    const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    fn provider() -> OpenIdProvider {
        let settings: DemarcheSettings = serde_json::from_value(serde_json::json!({
            "client_id": "demarche",
            "client_secret": SECRET,
            "name": "Démarche",
            "redirect_uris": [REDIRECT],
        }))
        .unwrap();
        let demarche = settings
            .resolve(0, None, &mut Vec::new(), &mut Vec::new())
            .unwrap();
        let config = ProviderConfig {
            data_dir: PathBuf::from("/nonexistent"),
            signing_key_file: Some(
                PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/keys/rsa-1.pem"),
            ),
            retired_key_files: Vec::new(),
            es256_key_file: None,
            pairwise_secret: Some(crate::common::Secret("p".repeat(40))),
            code_ttl: Duration::from_secs(60),
            token_ttl: Duration::from_secs(300),
        };
        let url = Url::parse("https://aiguillage.example/").unwrap();
        OpenIdProvider::new(&config, vec![demarche], &url, Default::default()).unwrap()
    }

    fn login() -> LoggedIn {
        let claims =
            serde_json::json!({ "iss": "https://fc.example", "sub": "person-1", "acr": "eidas1" });
        let identity = Identity::from_claims(
            Federation::FranceConnect,
            claims.as_object().unwrap(),
            &serde_json::Map::new(),
        )
        .unwrap();
        LoggedIn {
            identity,
            id_token: String::new(),
            at: crate::common::clock::system_now(),
            sid: "login-1".into(),
            made_for: None,
            data_scopes: Vec::new(),
        }
    }

    fn request() -> AuthorizationRequest {
        AuthorizationRequest {
            client_id: "demarche".into(),
            redirect_uri: REDIRECT.into(),
            state: Some("s".into()),
            nonce: Some("n".into()),
            code_challenge: Some(CHALLENGE.into()),
            scope: vec!["openid".into()],
            acr_values: None,
            max_age: None,
            force_login: false,
            login_hint: None,
            idp_hint: None,
            population: None,
            prompt_none: false,
            ui_lang: None,
            siret_hint: None,
        }
    }

    fn body(code: &str, verifier: &str) -> Vec<u8> {
        format!(
            "grant_type=authorization_code&code={code}&redirect_uri={}&code_verifier={verifier}",
            url::form_urlencoded::byte_serialize(REDIRECT.as_bytes()).collect::<String>()
        )
        .into_bytes()
    }

    /// A code issued for the test request: the redirect and the code.
    async fn issue(provider: &OpenIdProvider, store: &MemoryStore) -> (Url, String) {
        let url = issue_code(provider, store, &request(), &login())
            .await
            .unwrap();
        let code = url
            .query_pairs()
            .find(|(k, _)| k == "code")
            .map(|(_, v)| v.into_owned())
            .unwrap();
        (url, code)
    }

    #[tokio::test]
    async fn a_code_is_exchanged_once_and_its_replay_revokes_the_tokens() {
        let (provider, store) = (provider(), MemoryStore::new());
        let basic = base64::engine::general_purpose::STANDARD.encode(format!("demarche:{SECRET}"));
        let (url, code) = issue(&provider, &store).await;
        assert!(url.as_str().contains("state=s") && url.as_str().contains("iss=https"));

        let wrong = exchange(
            &provider,
            &store,
            Some(&basic),
            &body(&code, &VERIFIER.replace('d', "e")),
        )
        .await;
        assert_eq!(
            wrong.unwrap_err().code,
            OAuthErrorCode::InvalidGrant,
            "wrong PKCE verifier"
        );

        // The failed attempt took the code: PKCE failures are final too.
        let (_, code) = issue(&provider, &store).await;
        let tokens = exchange(&provider, &store, Some(&basic), &body(&code, VERIFIER))
            .await
            .unwrap();
        let access = tokens["access_token"].as_str().unwrap().to_owned();
        assert!(
            super::super::userinfo::claims_for(&store, &access)
                .await
                .unwrap()
                .is_some()
        );

        let replay = exchange(&provider, &store, Some(&basic), &body(&code, VERIFIER)).await;
        assert_eq!(replay.unwrap_err().code, OAuthErrorCode::InvalidGrant);
        assert!(
            super::super::userinfo::claims_for(&store, &access)
                .await
                .unwrap()
                .is_none(),
            "the replay revoked the access token"
        );
    }

    #[test]
    fn the_pairwise_sub_is_hmac_sha256_of_the_length_prefixed_parts() {
        // Computed with Python's hmac module: the same sub for the same
        // person whatever the implementation (démarches know people by it).
        assert_eq!(
            provider().pairwise_sub("franceconnect", "person-1", "demarche"),
            "qw0xKcFFQ1k0mJaKJefgewdGiHrImyR44h_2b7OKH0o"
        );
    }

    #[tokio::test]
    async fn a_wrong_secret_is_invalid_client() {
        let (provider, store) = (provider(), MemoryStore::new());
        let basic = base64::engine::general_purpose::STANDARD.encode("demarche:not-the-secret");
        let refused = exchange(&provider, &store, Some(&basic), &body("x", VERIFIER)).await;
        assert_eq!(refused.unwrap_err().code, OAuthErrorCode::InvalidClient);
    }
}
