//! `GET /federations`: the whole table, and what administrations need to
//! know to use the portal.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use askama::Template;

use super::context::PageCtx;
use crate::domain::{Federation, Population, PopulationId};
use crate::i18n::{Lang, Tr};
use crate::upstream::Availability;

#[derive(Template)]
#[template(path = "federations.html")]
struct FederationsPage<'a> {
    t: Tr<'a>,
    page: &'a PageCtx,
    populations: &'a [Population],
    /// The table's columns: the mission's table. FranceConnect+ is
    /// FranceConnect's higher-level sibling (its section says so).
    table_federations: Vec<Federation>,
    federations: Vec<Federation>,
    issuer: String,
    /// The discovery document's address.
    discovery: String,
    /// A sample authorization request, placeholders for every value.
    sample: String,
    /// The openid-client code, for this issuer.
    snippet: String,
    placeholders: Placeholders,
    /// The operator (`[site] publisher`) and how to reach them.
    publisher: Option<String>,
    contact: Option<super::site_pages::Contact>,
    demarches: Vec<DemarcheLink>,
    /// Each federation's status as the last background probe found it.
    statuses: Vec<(Federation, StatusText)>,
}

impl FederationsPage<'_> {
    fn status(&self, federation: &Federation) -> Option<&StatusText> {
        self.statuses
            .iter()
            .find(|(f, _)| f == federation)
            .map(|(_, s)| s)
    }
}

/// A federation's status, ready for the page.
struct StatusText {
    /// `up`, `down`, `unknown` or `not-configured` (for tests and styles).
    code: &'static str,
    text: String,
}

fn status_text(page: &PageCtx, federation: Federation) -> StatusText {
    let t = page.tr();
    let Some(federation_client) = page.state().federations.get(federation) else {
        return StatusText {
            code: "not-configured",
            text: t.t("niveaux-status-not-configured"),
        };
    };
    let status = federation_client.status();
    let since = status
        .since
        .and_then(|s| chrono::DateTime::from_timestamp(s, 0))
        .map(|d| d.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default();
    let (code, key) = match status.availability {
        Availability::Up => ("up", "niveaux-status-up"),
        Availability::Down => ("down", "niveaux-status-down"),
        Availability::Unknown => ("unknown", "niveaux-status-unknown"),
    };
    StatusText {
        code,
        text: t.t1(key, "since", &since),
    }
}

/// A registered démarche: what the operator registered for it (what an
/// integrator checks against what they sent) and a sample authorization
/// request with its own client id and redirect URI.
struct DemarcheLink {
    client_id: String,
    name: String,
    federations: String,
    /// Its populations' names, or "every situation".
    populations: String,
    redirect_uris: Vec<String>,
    post_logout_redirect_uris: Vec<String>,
    link: String,
}

/// The placeholders of a sample request: obviously not values, in the
/// page's language (state, nonce, PKCE challenge, client id, redirect URI).
struct Placeholders {
    state: &'static str,
    nonce: &'static str,
    challenge: &'static str,
    client_id: &'static str,
    redirect_uri: &'static str,
    secret: &'static str,
    base_url: &'static str,
}

fn placeholders(lang: Lang) -> Placeholders {
    match lang {
        Lang::Fr => Placeholders {
            state: "ETAT_ALEATOIRE_A_GENERER",
            nonce: "NONCE_ALEATOIRE_A_GENERER",
            challenge: "DEFI_PKCE_A_CALCULER",
            client_id: "IDENTIFIANT_DE_VOTRE_DEMARCHE",
            redirect_uri: "https://votre-demarche.exemple.gouv.fr/callback",
            secret: "SECRET_DE_VOTRE_DEMARCHE",
            base_url: "ADRESSE_DE_VOTRE_DEMARCHE",
        },
        Lang::En => Placeholders {
            state: "RANDOM_STATE_TO_GENERATE",
            nonce: "RANDOM_NONCE_TO_GENERATE",
            challenge: "PKCE_CHALLENGE_TO_COMPUTE",
            client_id: "YOUR_DEMARCHE_CLIENT_ID",
            redirect_uri: "https://your-demarche.example.gouv.fr/callback",
            secret: "YOUR_DEMARCHE_SECRET",
            base_url: "YOUR_DEMARCHE_URL",
        },
    }
}

/// A sample authorization request: the code flow with PKCE (S256), the
/// per-login values left as placeholders (written as is, not encoded, so
/// that they read as what to replace).
fn sample_request(endpoint: &str, client_id: &str, redirect_uri: &str, p: &Placeholders) -> String {
    let encode = |v: &str| url::form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>();
    format!(
        "{endpoint}?client_id={}&redirect_uri={}&response_type=code&scope=openid%20profile%20email\
         &state={}&nonce={}&code_challenge={}&code_challenge_method=S256",
        encode(client_id),
        encode(redirect_uri),
        p.state,
        p.nonce,
        p.challenge,
    )
}

/// The openid-client (Node) code a démarche needs, for this issuer.
fn openid_client_snippet(issuer: &str, p: &Placeholders) -> String {
    format!(
        r#"import * as client from 'openid-client';

const config = await client.discovery(new URL('{issuer}'), '{client_id}', {secret});

// /login
const codeVerifier = client.randomPKCECodeVerifier();
const state = client.randomState();
const nonce = client.randomNonce();
// session: codeVerifier, state, nonce
res.redirect(client.buildAuthorizationUrl(config, {{
  redirect_uri: '{redirect_uri}',
  scope: 'openid profile email',
  state, nonce,
  code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
  code_challenge_method: 'S256',
}}).href);

// /callback
const tokens = await client.authorizationCodeGrant(config, new URL(req.originalUrl, {base_url}), {{
  pkceCodeVerifier: codeVerifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true,
}});
const claims = tokens.claims();   // sub, idp, given_name, family_name, email, acr
const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);

// /logout
res.redirect(client.buildEndSessionUrl(config, {{
  id_token_hint: tokens.id_token, post_logout_redirect_uri: {base_url} + '/', state: client.randomState(),
}}).href);"#,
        client_id = p.client_id,
        redirect_uri = p.redirect_uri,
        secret = p.secret,
        base_url = p.base_url,
    )
}

/// `GET /federations/jwks`: the portal's public encryption keys, the
/// `jwks_uri` registered at federations that encrypt (FranceConnect+).
pub async fn encryption_jwks(page: PageCtx) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("Cache-Control", "public, max-age=300"))
        .content_type("application/jwk-set+json")
        .body(page.state().federations.encryption_jwks().to_string())
}

pub async fn show(page: PageCtx) -> HttpResponse {
    let state = page.state();
    let t = page.tr();
    let p = placeholders(page.lang);
    let authorize = state.provider.endpoint("/oidc/authorize");
    let population_names = |ids: &[PopulationId]| {
        ids.iter()
            .map(|id| t.population(id.as_str(), ""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let demarches = state
        .provider
        .demarches
        .all()
        .map(|c| DemarcheLink {
            client_id: c.client_id.clone(),
            name: c.name.clone(),
            federations: Federation::ALL
                .into_iter()
                .filter(|f| c.accepts(*f))
                .map(Federation::brand)
                .collect::<Vec<_>>()
                .join(", "),
            populations: c
                .populations
                .as_deref()
                .map(population_names)
                .unwrap_or_else(|| t.t("federations-demarche-every-population")),
            redirect_uris: c.redirect_uris.iter().map(|u| u.to_string()).collect(),
            post_logout_redirect_uris: c
                .post_logout_redirect_uris
                .iter()
                .map(|u| u.to_string())
                .collect(),
            link: sample_request(
                &authorize,
                &c.client_id,
                c.redirect_uris.first().map(|u| u.as_str()).unwrap_or(""),
                &p,
            ),
        })
        .collect();
    let body = FederationsPage {
        t: page.tr(),
        page: &page,
        populations: state.chooser.populations(),
        table_federations: Federation::ALL
            .into_iter()
            .filter(|f| *f != Federation::FranceConnectPlus)
            .collect(),
        federations: Federation::ALL.to_vec(),
        issuer: state.provider.issuer.clone(),
        discovery: format!(
            "{}/.well-known/openid-configuration",
            state.provider.issuer.trim_end_matches('/')
        ),
        statuses: Federation::ALL
            .into_iter()
            .map(|f| (f, status_text(&page, f)))
            .collect(),
        sample: sample_request(&authorize, p.client_id, p.redirect_uri, &p),
        snippet: openid_client_snippet(&state.provider.issuer, &p),
        placeholders: p,
        publisher: state.site.publisher.clone(),
        contact: super::site_pages::contact(&page),
        demarches,
    };
    super::html(StatusCode::OK, &body)
}
