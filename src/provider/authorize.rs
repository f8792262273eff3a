//! The authorization request (OpenID Connect Core §3.1.2), parsed into a
//! typed value. What is done with it (answered from the session, refused,
//! sent through the chooser and a federation) is the broker's
//! (`crate::broker`), on every path that can answer it.
//!
//! An unknown client or an unregistered redirect URI is never redirected
//! to; any other problem goes back to the démarche as an OAuth error.
//!
//! # Limits
//!
//! The request is kept while the person chooses and logs in, so what a
//! stranger can make the portal keep is bounded ([`LIMITS`], bytes after
//! URL decoding; the whole encoded request at most [`MAX_REQUEST_BYTES`]).
//! Past a limit: `invalid_request` to the démarche (without echoing an
//! oversized `state`). `code_challenge` is 43 to 128 characters (PKCE);
//! `redirect_uri` must equal a registered one.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::params::params_of;
use super::scopes::STANDARD_SCOPES;
use super::{Demarche, Demarches, OAuthError, OAuthErrorCode, pkce};
use crate::domain::{Federation, PopulationId, required_level};
use crate::i18n::Lang;

/// The longest encoded authorization request (query string or form body).
pub const MAX_REQUEST_BYTES: usize = 8 * 1024;

/// The longest `state` kept (a démarche's, at authorization or logout).
pub const MAX_STATE_BYTES: usize = 1024;

/// The longest value of each parameter the portal keeps or reads.
pub const LIMITS: &[(&str, usize)] = &[
    ("state", MAX_STATE_BYTES),
    ("nonce", 512),
    ("login_hint", 256),
    ("acr_values", 256),
    ("ui_locales", 128),
    ("scope", 512),
    ("prompt", 64),
    ("max_age", 16),
    ("idp_hint", 64),
    ("population", 64),
    ("claims_locales", 128),
    ("siret_hint", 14),
];

/// A démarche's authorization request, kept while the person chooses and
/// logs in (fields added since the first version default, so that records
/// stored by either version are read by both during an upgrade).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuthorizationRequest {
    pub client_id: String,
    pub redirect_uri: String,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub code_challenge: Option<String>,
    pub scope: Vec<String>,
    /// The levels asked (any of them will do): the `claims` parameter's
    /// `id_token.acr` values when it has some, else `acr_values`.
    pub acr_values: Option<Vec<String>>,
    pub max_age: Option<i64>,
    pub force_login: bool,
    pub login_hint: Option<String>,
    /// `idp_hint`: the federation to use without asking.
    #[serde(default)]
    pub idp_hint: Option<Federation>,
    /// `population`: the chooser's answer, already known.
    #[serde(default)]
    pub population: Option<PopulationId>,
    /// `prompt=none`: no page may be shown.
    #[serde(default)]
    pub prompt_none: bool,
    /// First language of `ui_locales` the portal speaks.
    #[serde(default)]
    pub ui_lang: Option<Lang>,
    /// `siret_hint`: the organisation (14 digits) ProConnect should
    /// propose, passed on to it.
    #[serde(default)]
    pub siret_hint: Option<String>,
}

impl AuthorizationRequest {
    /// The eIDAS level asked, if any ([`required_level`]).
    pub fn required_level(&self) -> Option<u8> {
        required_level(self.acr_values.as_deref().unwrap_or_default())
    }
}

/// Why a request is not taken.
#[derive(Debug, Clone)]
pub enum Refusal {
    /// Unknown client: nowhere safe to send the person (error page).
    UnknownDemarche(String),
    /// Redirect URI not registered (or repeated): error page, no redirect.
    BadRedirectUri,
    /// Any other problem: an OAuth error sent to the redirect URI.
    ToDemarche {
        redirect_uri: String,
        state: Option<String>,
        error: OAuthError,
    },
}

/// Parses an authorization request (query string or form body).
pub fn parse<'a>(
    demarches: &'a Demarches,
    encoded: &[u8],
) -> Result<(&'a Demarche, AuthorizationRequest), Refusal> {
    // Before anything is trusted: the client and its exact redirect URI.
    let raw: Vec<(String, String)> = url::form_urlencoded::parse(encoded).into_owned().collect();
    let first = |name: &str| raw.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    let client_id = first("client_id").unwrap_or_default();
    // Logged once, cut, with the error page (`routes::middleware`).
    let demarche = demarches
        .get(client_id)
        .ok_or_else(|| Refusal::UnknownDemarche(client_id.to_owned()))?;
    let redirect_uri = first("redirect_uri").unwrap_or_default().to_owned();
    if !demarche.has_redirect_uri(&redirect_uri)
        || raw.iter().filter(|(k, _)| k == "redirect_uri").count() > 1
    {
        tracing::warn!(
            client_id = %demarche.client_id,
            "authorization request with an unregistered redirect URI"
        );
        return Err(Refusal::BadRedirectUri);
    }
    let state = first("state")
        .filter(|s| !s.is_empty() && s.len() <= MAX_STATE_BYTES)
        .map(str::to_owned);
    let to_demarche = |error| Refusal::ToDemarche {
        redirect_uri: redirect_uri.clone(),
        state: state.clone(),
        error,
    };
    if encoded.len() > MAX_REQUEST_BYTES {
        return Err(to_demarche(OAuthError::invalid_request(format!(
            "request too large: at most {MAX_REQUEST_BYTES} bytes"
        ))));
    }
    // Decoded once: the pairs read above become the parameters.
    let params = params_of(raw).map_err(to_demarche)?;
    check_sizes(&params).map_err(to_demarche)?;
    let request = validate(demarche, &redirect_uri, &params).map_err(to_demarche)?;
    Ok((demarche, request))
}

/// Everything after client and redirect URI, as OAuth errors.
fn validate(
    demarche: &Demarche,
    redirect_uri: &str,
    p: &HashMap<String, String>,
) -> Result<AuthorizationRequest, OAuthError> {
    let get = |k: &str| p.get(k).map(String::as_str);
    check_supported(&get)?;
    let scope = words(get("scope"));
    if !scope.iter().any(|s| s == "openid") {
        return Err(OAuthError::new(
            OAuthErrorCode::InvalidScope,
            "the `openid` scope is required",
        ));
    }
    if let Some(unknown) = scope
        .iter()
        .find(|s| !STANDARD_SCOPES.contains(&s.as_str()) && !demarche.allows_data_scope(s))
    {
        return Err(OAuthError::new(
            OAuthErrorCode::InvalidScope,
            format!("`{unknown}` is not a scope this client may ask"),
        ));
    }
    let code_challenge = code_challenge(get("code_challenge"), get("code_challenge_method"))?;
    if demarche.public && code_challenge.is_none() {
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
    let population = match get("population") {
        None => None,
        Some(v) => Some(
            PopulationId::parse(v)
                .map_err(|_| OAuthError::invalid_request(format!("unknown population `{v}`")))?,
        ),
    };
    Ok(AuthorizationRequest {
        client_id: demarche.client_id.clone(),
        redirect_uri: redirect_uri.to_owned(),
        state: get("state").map(str::to_owned),
        nonce: get("nonce").map(str::to_owned),
        code_challenge,
        scope,
        acr_values: asked_acr(get("acr_values"), get("claims"))?,
        max_age: max_age(get("max_age"))?,
        force_login: prompts.iter().any(|p| p == "login"),
        login_hint: get("login_hint").map(str::to_owned),
        idp_hint: idp_hint(demarche, get("idp_hint"))?,
        population,
        prompt_none,
        ui_lang: get("ui_locales").and_then(Lang::from_ui_locales),
        siret_hint: siret_hint(get("siret_hint"))?,
    })
}

/// Every limited parameter within its limit.
fn check_sizes(params: &HashMap<String, String>) -> Result<(), OAuthError> {
    for (name, max) in LIMITS {
        if params.get(*name).is_some_and(|v| v.len() > *max) {
            return Err(OAuthError::invalid_request(format!(
                "{name} too long: at most {max} bytes"
            )));
        }
    }
    Ok(())
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

/// The levels asked: the `claims` parameter's `id_token.acr` (`value` or
/// `values`, essential or not: a démarche asks a level because the law
/// ties it to the procedure) wins over `acr_values`. The rest of `claims`
/// is not read: every claim the federation gives is passed on anyway.
fn asked_acr(
    acr_values: Option<&str>,
    claims: Option<&str>,
) -> Result<Option<Vec<String>>, OAuthError> {
    let bad = |why: &str| OAuthError::invalid_request(format!("claims: {why}"));
    if let Some(claims) = claims {
        let json: serde_json::Value = serde_json::from_str(claims).map_err(|_| bad("not JSON"))?;
        if !json.is_object() {
            return Err(bad("not a JSON object"));
        }
        let acr = &json["id_token"]["acr"];
        let listed = match (&acr["value"], &acr["values"]) {
            (serde_json::Value::String(one), serde_json::Value::Null) => vec![one.clone()],
            (serde_json::Value::Null, serde_json::Value::Array(many)) => many
                .iter()
                .map(|v| v.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| bad("acr values must be strings"))?,
            (serde_json::Value::Null, serde_json::Value::Null) => Vec::new(),
            _ => return Err(bad("malformed id_token.acr request")),
        };
        if !listed.is_empty() {
            return Ok(Some(listed));
        }
    }
    Ok(acr_values.map(|v| words(Some(v))))
}

/// A SIRET: 14 digits, nothing else.
fn siret_hint(value: Option<&str>) -> Result<Option<String>, OAuthError> {
    match value {
        None => Ok(None),
        Some(v) if v.len() == 14 && v.bytes().all(|b| b.is_ascii_digit()) => Ok(Some(v.to_owned())),
        Some(_) => Err(OAuthError::invalid_request("siret_hint must be 14 digits")),
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

fn idp_hint(demarche: &Demarche, value: Option<&str>) -> Result<Option<Federation>, OAuthError> {
    let Some(v) = value else { return Ok(None) };
    let federation: Federation = v
        .parse()
        .map_err(|_| OAuthError::invalid_request(format!("unknown idp_hint `{v}`")))?;
    if !demarche.accepts(federation) {
        return Err(OAuthError::invalid_request(format!(
            "idp_hint `{v}` is not accepted for this client"
        )));
    }
    Ok(Some(federation))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::settings::DemarcheSettings;

    fn demarches() -> Demarches {
        let settings: DemarcheSettings = serde_json::from_value(serde_json::json!({
            "client_id": "demarche",
            "name": "Démarche",
            "redirect_uris": ["https://demarche.example/cb"],
            "public": true,
        }))
        .unwrap();
        let demarche = settings
            .resolve(0, None, &mut Vec::new(), &mut Vec::new())
            .unwrap();
        Demarches::new(vec![demarche])
    }

    const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    fn query(extra: &str) -> String {
        format!(
            "client_id=demarche&redirect_uri=https%3A%2F%2Fdemarche.example%2Fcb&response_type=code\
             &scope=openid&state=s1&code_challenge={CHALLENGE}&code_challenge_method=S256{extra}"
        )
    }

    fn refused(extra: &str) -> (OAuthErrorCode, Option<String>) {
        let demarches = demarches();
        match parse(&demarches, query(extra).as_bytes()) {
            Err(Refusal::ToDemarche { error, state, .. }) => (error.code, state),
            other => panic!("expected an error for the démarche, got {other:?}"),
        }
    }

    #[test]
    fn a_valid_request_is_parsed_with_its_hints() {
        let demarches = demarches();
        let q = query("&prompt=login&max_age=60&idp_hint=proconnect&ui_locales=en-GB+fr");
        let (_, request) = parse(&demarches, q.as_bytes()).unwrap();
        assert!(request.force_login);
        assert_eq!(request.max_age, Some(60));
        assert_eq!(request.code_challenge.as_deref(), Some(CHALLENGE));
        assert_eq!(request.idp_hint, Some(Federation::ProConnect));
        assert_eq!(request.ui_lang, Some(Lang::En));
    }

    #[test]
    fn an_unknown_client_or_redirect_uri_is_never_sent_back() {
        let demarches = demarches();
        let q = query("").replace("client_id=demarche", "client_id=other");
        assert!(matches!(
            parse(&demarches, q.as_bytes()),
            Err(Refusal::UnknownDemarche(_))
        ));
        let q = query("").replace("cb", "cb2");
        assert!(matches!(
            parse(&demarches, q.as_bytes()),
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
    fn oversized_values_are_refused_and_an_oversized_state_is_not_echoed() {
        use OAuthErrorCode::*;
        for (name, max) in LIMITS {
            let extra = format!("&{name}={}", "a".repeat(max + 1));
            let q =
                query(&extra).replace("&state=s1", if *name == "state" { "" } else { "&state=s1" });
            let demarches = demarches();
            match parse(&demarches, q.as_bytes()) {
                Err(Refusal::ToDemarche { error, state, .. }) => {
                    assert_eq!(error.code, InvalidRequest, "{name}");
                    assert!(error.description.contains(name), "{name}: {error}");
                    let expected = (*name != "state").then(|| "s1".to_owned());
                    assert_eq!(state, expected, "{name}");
                }
                other => panic!("{name}: {other:?}"),
            }
        }
        let huge = query(&format!("&x={}", "a".repeat(MAX_REQUEST_BYTES)));
        assert!(matches!(
            parse(&demarches(), huge.as_bytes()),
            Err(Refusal::ToDemarche { error, .. }) if error.description.contains("too large")
        ));
    }

    #[test]
    fn a_public_client_must_use_pkce_s256() {
        let demarches = demarches();
        let plain = query("").replace("S256", "plain");
        let without = query("").replace(
            &format!("&code_challenge={CHALLENGE}&code_challenge_method=S256"),
            "",
        );
        for q in [plain, without] {
            match parse(&demarches, q.as_bytes()) {
                Err(Refusal::ToDemarche { error, .. }) => {
                    assert_eq!(error.code, OAuthErrorCode::InvalidRequest)
                }
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn a_malformed_claims_parameter_is_invalid_request() {
        for claims in [
            "not-json",
            "%5B%5D",
            "%7B%22id_token%22%3A%7B%22acr%22%3A%7B%22values%22%3A%5B1%5D%7D%7D%7D",
        ] {
            let (code, _) = refused(&format!("&claims={claims}"));
            assert_eq!(code, OAuthErrorCode::InvalidRequest, "{claims}");
        }
    }

    #[test]
    fn a_scope_the_portal_does_not_give_nor_the_demarche_may_ask_is_invalid_scope() {
        let demarches = demarches();
        let with = |scope: &str| query("").replace("&scope=openid", &format!("&scope={scope}"));
        for scope in ["openid+dgfip_rfr", "openid+admin", "openid+email+unknown"] {
            match parse(&demarches, with(scope).as_bytes()) {
                Err(Refusal::ToDemarche { error, .. }) => {
                    assert_eq!(error.code, OAuthErrorCode::InvalidScope, "{scope}");
                }
                other => panic!("{scope}: {other:?}"),
            }
        }
        for scope in [
            "openid",
            "openid+profile+email",
            "openid+organisation+phone",
        ] {
            assert!(parse(&demarches, with(scope).as_bytes()).is_ok(), "{scope}");
        }
    }
}
