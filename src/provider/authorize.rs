//! The authorization request (OpenID Connect Core §3.1.2): parsed into a
//! typed value, then answered from the session (single sign-on), refused,
//! or sent through the chooser and a federation.
//!
//! An unknown client or an unregistered redirect URI is never redirected
//! to; any other problem goes back to the démarche as an OAuth error.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::params::parse_params;
use super::{Client, Clients, OAuthError, OAuthErrorCode, pkce};
use crate::domain::{Federation, LoggedIn, PopulationId};
use crate::i18n::Lang;

/// A démarche's authorization request, kept while the person chooses and
/// logs in.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuthorizationRequest {
    pub client_id: String,
    pub redirect_uri: String,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub code_challenge: Option<String>,
    pub scope: Vec<String>,
    pub acr_values: Option<Vec<String>>,
    pub max_age: Option<i64>,
    pub force_login: bool,
    pub login_hint: Option<String>,
}

/// What the request asks beyond the standard fields.
#[derive(Debug, Clone, Default)]
pub struct AuthorizationHints {
    /// `idp_hint`: the federation to use without asking.
    pub idp_hint: Option<Federation>,
    /// `population`: the chooser's answer, already known.
    pub population: Option<PopulationId>,
    pub prompt_none: bool,
    /// First language of `ui_locales` the portal speaks.
    pub ui_lang: Option<Lang>,
}

/// Why a request is not taken.
#[derive(Debug, Clone)]
pub enum Refusal {
    /// Unknown client: nowhere safe to send the person (error page).
    UnknownClient(String),
    /// Redirect URI not registered (or repeated): error page, no redirect.
    BadRedirectUri,
    /// Any other problem: an OAuth error sent to the redirect URI.
    ToClient {
        redirect_uri: String,
        state: Option<String>,
        error: OAuthError,
    },
}

/// Parses an authorization request (query string or form body).
pub fn parse<'a>(
    clients: &'a Clients,
    encoded: &[u8],
) -> Result<(&'a Client, AuthorizationRequest, AuthorizationHints), Refusal> {
    // Before anything is trusted: the client and its exact redirect URI.
    let raw: Vec<(String, String)> = url::form_urlencoded::parse(encoded).into_owned().collect();
    let first = |name: &str| raw.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    let client_id = first("client_id").unwrap_or_default();
    // Logged once, cut, with the error page (`routes::middleware`).
    let client = clients
        .get(client_id)
        .ok_or_else(|| Refusal::UnknownClient(client_id.to_owned()))?;
    let redirect_uri = first("redirect_uri").unwrap_or_default();
    if !client.has_redirect_uri(redirect_uri)
        || raw.iter().filter(|(k, _)| k == "redirect_uri").count() > 1
    {
        tracing::warn!(
            client_id = %client.client_id,
            "authorization request with an unregistered redirect URI"
        );
        return Err(Refusal::BadRedirectUri);
    }
    let to_client = |error| Refusal::ToClient {
        redirect_uri: redirect_uri.to_owned(),
        state: first("state").filter(|s| !s.is_empty()).map(str::to_owned),
        error,
    };
    let params = parse_params(encoded).map_err(to_client)?;
    let (request, hints) = validate(client, redirect_uri, &params).map_err(to_client)?;
    Ok((client, request, hints))
}

/// Everything after client and redirect URI, as OAuth errors.
fn validate(
    client: &Client,
    redirect_uri: &str,
    p: &HashMap<String, String>,
) -> Result<(AuthorizationRequest, AuthorizationHints), OAuthError> {
    let get = |k: &str| p.get(k).map(String::as_str);
    check_supported(&get)?;
    let scope = words(get("scope"));
    if !scope.iter().any(|s| s == "openid") {
        return Err(OAuthError::new(
            OAuthErrorCode::InvalidScope,
            "the `openid` scope is required",
        ));
    }
    let code_challenge = code_challenge(get("code_challenge"), get("code_challenge_method"))?;
    if client.public && code_challenge.is_none() {
        return Err(OAuthError::invalid_request(
            "PKCE (S256) is required for this client",
        ));
    }
    let prompts = words(get("prompt"));
    let prompt_none = prompts.iter().any(|p| p == "none");
    if prompt_none && prompts.len() > 1 {
        return Err(OAuthError::invalid_request(
            "prompt=none cannot be combined",
        ));
    }
    let request = AuthorizationRequest {
        client_id: client.client_id.clone(),
        redirect_uri: redirect_uri.to_owned(),
        state: get("state").map(str::to_owned),
        nonce: get("nonce").map(str::to_owned),
        code_challenge,
        scope,
        acr_values: get("acr_values").map(|v| words(Some(v))),
        max_age: max_age(get("max_age"))?,
        force_login: prompts.iter().any(|p| p == "login"),
        login_hint: get("login_hint").map(str::to_owned),
    };
    let hints =
        AuthorizationHints {
            idp_hint: idp_hint(client, get("idp_hint"))?,
            population: match get("population") {
                None => None,
                Some(v) => Some(PopulationId::parse(v).map_err(|_| {
                    OAuthError::invalid_request(format!("unknown population `{v}`"))
                })?),
            },
            prompt_none,
            ui_lang: get("ui_locales").and_then(Lang::from_ui_locales),
        };
    Ok((request, hints))
}

/// `response_type=code` in the query, without request objects.
fn check_supported<'a>(get: &impl Fn(&str) -> Option<&'a str>) -> Result<(), OAuthError> {
    if get("request").is_some() {
        return Err(OAuthError::new(
            OAuthErrorCode::RequestNotSupported,
            "request objects are not supported",
        ));
    }
    if get("request_uri").is_some() {
        return Err(OAuthError::new(
            OAuthErrorCode::RequestUriNotSupported,
            "request_uri is not supported",
        ));
    }
    match get("response_type") {
        Some("code") => {}
        None => return Err(OAuthError::invalid_request("response_type is required")),
        Some(other) => {
            return Err(OAuthError::new(
                OAuthErrorCode::UnsupportedResponseType,
                format!("`{other}`: only `code`"),
            ));
        }
    }
    if get("response_mode").is_some_and(|m| m != "query") {
        return Err(OAuthError::invalid_request("only response_mode=query"));
    }
    Ok(())
}

fn words(value: Option<&str>) -> Vec<String> {
    value
        .unwrap_or_default()
        .split(' ')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// PKCE: S256 only (plain would let a stolen code be redeemed).
fn code_challenge(
    challenge: Option<&str>,
    method: Option<&str>,
) -> Result<Option<String>, OAuthError> {
    match (challenge, method) {
        (None, None) => Ok(None),
        (Some(c), Some("S256")) if pkce::is_well_formed(c) => Ok(Some(c.to_owned())),
        (Some(_), Some("S256")) => Err(OAuthError::invalid_request("malformed code_challenge")),
        (Some(_), None | Some(_)) => Err(OAuthError::invalid_request(
            "code_challenge_method must be S256",
        )),
        (None, Some(_)) => Err(OAuthError::invalid_request("code_challenge is missing")),
    }
}

fn max_age(value: Option<&str>) -> Result<Option<i64>, OAuthError> {
    value
        .map(|v| {
            v.parse::<i64>()
                .ok()
                .filter(|n| *n >= 0)
                .ok_or_else(|| OAuthError::invalid_request("max_age must be a number of seconds"))
        })
        .transpose()
}

fn idp_hint(client: &Client, value: Option<&str>) -> Result<Option<Federation>, OAuthError> {
    let Some(v) = value else { return Ok(None) };
    let federation: Federation = v
        .parse()
        .map_err(|_| OAuthError::invalid_request(format!("unknown idp_hint `{v}`")))?;
    if !client.accepts(federation) {
        return Err(OAuthError::invalid_request(format!(
            "idp_hint `{v}` is not accepted for this client"
        )));
    }
    Ok(Some(federation))
}

/// What to do with a valid request, given the browser's session.
#[derive(Debug)]
pub enum Decision {
    /// Single sign-on: the session's login fits; a code is issued at once.
    IssueCode,
    /// `prompt=none` and no usable session.
    Refuse(OAuthError),
    /// The person must choose and log in.
    Interact,
}

/// Whether the session's login answers the request.
pub fn decide(
    client: &Client,
    request: &AuthorizationRequest,
    hints: &AuthorizationHints,
    login: Option<&LoggedIn>,
    now: i64,
) -> Decision {
    if let Some(login) = login {
        let federation = login.identity.federation;
        let fresh_enough = request.max_age.is_none_or(|max| now - login.at <= max);
        let hint_ok = hints.idp_hint.is_none_or(|f| f == federation);
        if client.accepts(federation) && hint_ok && fresh_enough && !request.force_login {
            return Decision::IssueCode;
        }
    }
    if hints.prompt_none {
        return Decision::Refuse(OAuthError::new(
            OAuthErrorCode::LoginRequired,
            "no session usable without interaction",
        ));
    }
    Decision::Interact
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::settings::ClientSettings;

    fn clients() -> Clients {
        let settings: ClientSettings = serde_json::from_value(serde_json::json!({
            "client_id": "demarche",
            "name": "Démarche",
            "redirect_uris": ["https://demarche.example/cb"],
            "public": true,
        }))
        .unwrap();
        let client = settings
            .resolve(0, None, &mut Vec::new(), &mut Vec::new())
            .unwrap();
        Clients::new(vec![client])
    }

    const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    fn query(extra: &str) -> String {
        format!(
            "client_id=demarche&redirect_uri=https%3A%2F%2Fdemarche.example%2Fcb&response_type=code\
             &scope=openid&state=s1&code_challenge={CHALLENGE}&code_challenge_method=S256{extra}"
        )
    }

    fn refused(extra: &str) -> (OAuthErrorCode, Option<String>) {
        let clients = clients();
        match parse(&clients, query(extra).as_bytes()) {
            Err(Refusal::ToClient { error, state, .. }) => (error.code, state),
            other => panic!("expected an error for the client, got {other:?}"),
        }
    }

    #[test]
    fn a_valid_request_is_parsed_with_its_hints() {
        let clients = clients();
        let q = query("&prompt=login&max_age=60&idp_hint=proconnect&ui_locales=en-GB+fr");
        let (_, request, hints) = parse(&clients, q.as_bytes()).unwrap();
        assert!(request.force_login);
        assert_eq!(request.max_age, Some(60));
        assert_eq!(request.code_challenge.as_deref(), Some(CHALLENGE));
        assert_eq!(hints.idp_hint, Some(Federation::ProConnect));
        assert_eq!(hints.ui_lang, Some(Lang::En));
    }

    #[test]
    fn an_unknown_client_or_redirect_uri_is_never_sent_back() {
        let clients = clients();
        let q = query("").replace("client_id=demarche", "client_id=other");
        assert!(matches!(
            parse(&clients, q.as_bytes()),
            Err(Refusal::UnknownClient(_))
        ));
        let q = query("").replace("cb", "cb2");
        assert!(matches!(
            parse(&clients, q.as_bytes()),
            Err(Refusal::BadRedirectUri)
        ));
    }

    #[test]
    fn malformed_requests_go_back_to_the_client_with_their_state() {
        use OAuthErrorCode::*;
        for (extra, expected) in [
            ("&request=x", RequestNotSupported),
            ("&response_mode=fragment", InvalidRequest),
            ("&max_age=-1", InvalidRequest),
            ("&prompt=none+login", InvalidRequest),
            ("&idp_hint=educonnect", InvalidRequest),
            ("&state=again", InvalidRequest),
        ] {
            assert_eq!(refused(extra), (expected, Some("s1".into())), "{extra}");
        }
        let (code, _) = refused("&scope=profile");
        assert_eq!(code, InvalidRequest, "scope repeated");
    }

    #[test]
    fn a_public_client_must_use_pkce_s256() {
        let clients = clients();
        let plain = query("").replace("S256", "plain");
        let without = query("").replace(
            &format!("&code_challenge={CHALLENGE}&code_challenge_method=S256"),
            "",
        );
        for q in [plain, without] {
            match parse(&clients, q.as_bytes()) {
                Err(Refusal::ToClient { error, .. }) => {
                    assert_eq!(error.code, OAuthErrorCode::InvalidRequest)
                }
                other => panic!("{other:?}"),
            }
        }
    }
}
