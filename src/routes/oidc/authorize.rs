//! `GET|POST /oidc/authorize`: a démarche sends a person here.
//!
//! An unknown client or an unregistered redirect URI gets an error page and
//! is never redirected to; any other problem goes back to the démarche as
//! an OAuth error with `state` and `iss`. Then: an existing session is
//! reused (SSO), or the chooser runs restricted to the démarche, or, when
//! one federation fits (or `idp_hint` names one), the login starts at once.

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, web};

use super::{error_to_client, parse_params};
use crate::domain::{Federation, PopulationId};
use crate::i18n::Lang;
use crate::provider::{AuthorizationRequest, Client, OAuthError};
use crate::routes::connect::begin_login;
use crate::routes::context::{AppState, PageCtx};
use crate::routes::demande::{Demande, DemandeKind, only_federation};
use crate::routes::session::logged_in;
use crate::routes::{PageError, see_other};
use crate::upstream::LoginHints;

pub async fn get(
    req: HttpRequest,
    page: PageCtx,
    session: Session,
) -> Result<HttpResponse, PageError> {
    authorize(req.query_string().as_bytes(), page, session).await
}

pub async fn post(
    body: web::Bytes,
    page: PageCtx,
    session: Session,
) -> Result<HttpResponse, PageError> {
    authorize(&body, page, session).await
}

/// What the request asks beyond the standard fields.
struct Hints {
    idp_hint: Option<Federation>,
    population: Option<PopulationId>,
    prompt_none: bool,
    ui_lang: Option<Lang>,
}

async fn authorize(
    encoded: &[u8],
    page: PageCtx,
    session: Session,
) -> Result<HttpResponse, PageError> {
    let state = page.state();
    // Before anything is trusted: the client and its exact redirect URI.
    let raw: Vec<(String, String)> = url::form_urlencoded::parse(encoded).into_owned().collect();
    let first = |name: &str| raw.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    let client_id = first("client_id").unwrap_or_default();
    let client = state.provider.clients.get(client_id).ok_or_else(|| {
        tracing::warn!(client_id, "authorization request from an unknown client");
        PageError::UnknownClient(client_id.to_owned())
    })?;
    let redirect_uri = first("redirect_uri").unwrap_or_default();
    if !client.has_redirect_uri(redirect_uri)
        || raw.iter().filter(|(k, _)| k == "redirect_uri").count() > 1
    {
        tracing::warn!(
            client_id,
            "authorization request with an unregistered redirect URI"
        );
        return Err(PageError::BadRedirectUri);
    }
    let issuer = state.provider.issuer.as_str();
    let client_state = first("state").filter(|s| !s.is_empty());
    let (request, hints) = match validate(client, redirect_uri, encoded) {
        Ok(parsed) => parsed,
        Err(e) => return Ok(error_to_client(redirect_uri, issuer, client_state, &e)),
    };

    // Single sign-on: a session from a federation this démarche accepts.
    let now = crate::clock::unix_now();
    if let Some(login) = logged_in(&session) {
        let federation = login.identity.federation;
        let fresh_enough = request.max_age.is_none_or(|max| now - login.at <= max);
        let hint_ok = hints.idp_hint.is_none_or(|f| f == federation);
        if client.accepts(federation) && hint_ok && fresh_enough && !request.force_login {
            return super::resume::issue_code(state, &request, &login).await;
        }
    }
    if hints.prompt_none {
        let e = OAuthError::new("login_required", "no session usable without interaction");
        return Ok(error_to_client(redirect_uri, issuer, client_state, &e));
    }

    let demande = Demande {
        client_id: client.client_id.clone(),
        kind: DemandeKind::Authorize(request.clone()),
    };
    let id = demande.save(state).await?;
    tracing::info!(client_id, "authorization request accepted");
    if let Some(federation) = hints.idp_hint.or_else(|| only_federation(state, client)) {
        return start_login(state, &session, federation, &request, &id).await;
    }
    let lang = hints
        .ui_lang
        .map(|l| format!("&lang={}", l.code()))
        .unwrap_or_default();
    let target = match hints.population {
        Some(p) => format!("/choix/{p}?demande={id}{lang}"),
        None => format!("/?demande={id}{lang}"),
    };
    Ok(see_other(&target))
}

/// Starts the federation login for a démarche's request; once logged in,
/// the browser comes back to `/oidc/reprise/{id}` for the code.
pub async fn start_login(
    state: &AppState,
    session: &Session,
    federation: Federation,
    request: &AuthorizationRequest,
    demande_id: &str,
) -> Result<HttpResponse, PageError> {
    let hints = LoginHints {
        login_hint: request.login_hint.clone(),
        force_login: request.force_login || request.max_age.is_some(),
        acr_values: request.acr_values.clone(),
    };
    begin_login(
        state,
        session,
        federation,
        &hints,
        Some(format!("/oidc/reprise/{demande_id}")),
    )
    .await
}

/// Everything after client and redirect URI, as OAuth errors.
fn validate(
    client: &Client,
    redirect_uri: &str,
    encoded: &[u8],
) -> Result<(AuthorizationRequest, Hints), OAuthError> {
    let p = parse_params(encoded)?;
    let get = |k: &str| p.get(k).map(String::as_str);
    if get("request").is_some() {
        return Err(OAuthError::new(
            "request_not_supported",
            "request objects are not supported",
        ));
    }
    if get("request_uri").is_some() {
        return Err(OAuthError::new(
            "request_uri_not_supported",
            "request_uri is not supported",
        ));
    }
    match get("response_type") {
        Some("code") => {}
        None => {
            return Err(OAuthError::new(
                "invalid_request",
                "response_type is required",
            ));
        }
        Some(other) => {
            return Err(OAuthError::new(
                "unsupported_response_type",
                format!("`{other}`: only `code`"),
            ));
        }
    }
    if get("response_mode").is_some_and(|m| m != "query") {
        return Err(OAuthError::new(
            "invalid_request",
            "only response_mode=query",
        ));
    }
    let scope: Vec<String> = get("scope")
        .unwrap_or_default()
        .split(' ')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    if !scope.iter().any(|s| s == "openid") {
        return Err(OAuthError::new(
            "invalid_scope",
            "the `openid` scope is required",
        ));
    }
    // PKCE: S256 only (plain would let a stolen code be redeemed).
    let code_challenge = match (get("code_challenge"), get("code_challenge_method")) {
        (None, None) => None,
        (Some(c), Some("S256")) => {
            let ok = (43..=128).contains(&c.len())
                && c.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'));
            if !ok {
                return Err(OAuthError::new(
                    "invalid_request",
                    "malformed code_challenge",
                ));
            }
            Some(c.to_owned())
        }
        (Some(_), None | Some(_)) => {
            return Err(OAuthError::new(
                "invalid_request",
                "code_challenge_method must be S256",
            ));
        }
        (None, Some(_)) => {
            return Err(OAuthError::new(
                "invalid_request",
                "code_challenge is missing",
            ));
        }
    };
    if client.public && code_challenge.is_none() {
        return Err(OAuthError::new(
            "invalid_request",
            "PKCE (S256) is required for this client",
        ));
    }
    let prompts: Vec<&str> = get("prompt")
        .unwrap_or_default()
        .split(' ')
        .filter(|s| !s.is_empty())
        .collect();
    let prompt_none = prompts.contains(&"none");
    if prompt_none && prompts.len() > 1 {
        return Err(OAuthError::new(
            "invalid_request",
            "prompt=none cannot be combined",
        ));
    }
    let max_age = match get("max_age") {
        None => None,
        Some(v) => Some(v.parse::<i64>().ok().filter(|n| *n >= 0).ok_or_else(|| {
            OAuthError::new("invalid_request", "max_age must be a number of seconds")
        })?),
    };
    let idp_hint = match get("idp_hint") {
        None => None,
        Some(v) => {
            let f: Federation = v.parse().map_err(|_| {
                OAuthError::new("invalid_request", format!("unknown idp_hint `{v}`"))
            })?;
            if !client.accepts(f) {
                return Err(OAuthError::new(
                    "invalid_request",
                    format!("idp_hint `{v}` is not accepted for this client"),
                ));
            }
            Some(f)
        }
    };
    let population = match get("population") {
        None => None,
        Some(v) => Some(PopulationId::parse(v).map_err(|_| {
            OAuthError::new("invalid_request", format!("unknown population `{v}`"))
        })?),
    };
    let ui_lang = get("ui_locales").and_then(|l| l.split(' ').find_map(Lang::parse));
    let acr_values = get("acr_values").map(|v| {
        v.split(' ')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    });
    let request = AuthorizationRequest {
        client_id: client.client_id.clone(),
        redirect_uri: redirect_uri.to_owned(),
        state: get("state").map(str::to_owned),
        nonce: get("nonce").map(str::to_owned),
        code_challenge,
        scope,
        acr_values,
        max_age,
        force_login: prompts.contains(&"login"),
        login_hint: get("login_hint").map(str::to_owned),
    };
    Ok((
        request,
        Hints {
            idp_hint,
            population,
            prompt_none,
            ui_lang,
        },
    ))
}
