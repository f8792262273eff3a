//! What every page needs from the request: the language (and the links to
//! switch it), the remembered population, and the shared application state.

use std::borrow::Cow;
use std::future::{Ready, ready};
use std::sync::Arc;

use actix_web::cookie::{Cookie, SameSite, time::Duration};
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use url::Url;

use crate::broker::Broker;
use crate::common::clock::Clock;
use crate::common::form::first_value;
use crate::configuration::site::SiteConfig;
use crate::directory::Directory;
use crate::domain::{Chooser, Journey, PendingId, PopulationId};
use crate::i18n::{Lang, LiveLocales, Locales, Tr};
use crate::provider::OpenIdProvider;
use crate::store::SharedStore;
use crate::upstream::Federations;

/// Shared state of the running portal.
pub struct AppState {
    pub public_url: Url,
    pub chooser: Chooser,
    /// The texts in service (replaced when an edit of the files is accepted).
    pub locales: LiveLocales,
    /// `false` only when the public URL is plain http on loopback (development).
    pub secure_cookies: bool,
    /// The relying party toward each enabled federation.
    pub federations: Federations,
    pub store: SharedStore,
    /// The portal as an OpenID provider toward démarches.
    pub provider: OpenIdProvider,
    /// The company directory: the organisation behind a SIRET (`None`:
    /// `[directory] enabled = false`).
    pub directory: Option<Directory>,
    /// Publisher, contact, accessibility status (`[site]`).
    pub site: SiteConfig,
    /// The absolute maximum of a login (`server.session_max_hours`).
    pub session_max: std::time::Duration,
    /// Every text the pages use is defined in every language (readiness).
    pub texts_complete: bool,
    /// Renders `/metrics` when it is served on the portal's own address.
    pub metrics: Option<metrics_exporter_prometheus::PrometheusHandle>,
    /// The portal's clock (tests move it forward).
    pub clock: Clock,
    /// The route patterns whose GET a language link must not repeat
    /// (`.single_use()` in the route table).
    pub single_use_routes: std::collections::HashSet<String>,
    /// Seals the federations' tokens kept for démarches (a key derived
    /// from the session key: the same on every instance).
    pub sealer: crate::common::seal::Sealer,
}

/// The session key of this browser's binding ([`crate::broker::Browser`]).
pub const BROWSER: &str = "browser";

/// The binding of this browser's session, if it has one (pages read it to
/// show a pending request only to its browser).
pub fn binding(session: &actix_session::Session) -> Option<String> {
    session.get::<String>(BROWSER).ok().flatten()
}

pub const LANG_COOKIE: &str = "aiguillage_lang";
pub const POPULATION_COOKIE: &str = "aiguillage_population";

impl AppState {
    /// The rules of a démarche's login, over this portal's parts.
    pub fn broker(&self) -> Broker<'_> {
        Broker {
            provider: &self.provider,
            federations: &self.federations,
            chooser: &self.chooser,
            store: self.store.as_ref(),
            clock: &self.clock,
            sealer: &self.sealer,
            directory: self.directory.as_ref(),
        }
    }

    /// Cookie names get the `__Host-` prefix whenever cookies are `Secure`:
    /// the browser then refuses them from subdomains and over http.
    pub fn cookie_name(&self, base: &str) -> String {
        if self.secure_cookies {
            format!("__Host-{base}")
        } else {
            base.to_owned()
        }
    }

    /// A preference cookie: HttpOnly, SameSite=Lax, Secure outside development.
    pub fn cookie(&self, base: &str, value: String, max_age: Duration) -> Cookie<'static> {
        Cookie::build(self.cookie_name(base), value)
            .path("/")
            .http_only(true)
            .secure(self.secure_cookies)
            .same_site(SameSite::Lax)
            .max_age(max_age)
            .finish()
    }

    pub fn removal_cookie(&self, base: &str) -> Cookie<'static> {
        let mut c = self.cookie(base, String::new(), Duration::ZERO);
        c.make_removal();
        c
    }
}

/// A link of the language selector.
#[derive(Debug, Clone)]
pub struct LangLink {
    pub lang: Lang,
    pub href: String,
    pub current: bool,
}

/// Per-request page context, extracted from the request.
#[derive(Clone)]
pub struct PageCtx {
    pub lang: Lang,
    pub remembered: Option<PopulationId>,
    /// The démarche's pending request this page belongs to (`?demande=`,
    /// or the journey a handler recorded), carried from page to page until
    /// the person is back at the démarche.
    pub pending: Option<PendingId>,
    /// This browser's binding ([`crate::broker::Browser`]): a pending
    /// request is shown only to the browser that made it.
    pub browser_binding: Option<String>,
    /// The population the page is about: its path, `?population=`, or the
    /// journey a handler recorded (a button's form, a login's transaction).
    pub population: Option<PopulationId>,
    /// A GET address that shows this page again (the matched route, never
    /// the raw request path), for the language links; `None` when the
    /// request cannot be repeated (a form, a federation's callback, an
    /// unknown path): error pages then link to `/erreur/…`.
    self_link: Option<String>,
    /// The texts in service when the request arrived: one set per page.
    locales: Arc<Locales>,
    state: web::Data<AppState>,
}

/// The language asked for with `?lang=` on this request, if valid; the
/// language middleware turns it into a cookie.
pub fn lang_from_query(req: &HttpRequest) -> Option<Lang> {
    query_param(req, "lang").and_then(|v| Lang::parse(&v))
}

pub fn query_param(req: &HttpRequest, name: &str) -> Option<String> {
    first_value(req.query_string().as_bytes(), name).map(Cow::into_owned)
}

/// `?lang=`, then the language cookie, then `Accept-Language`, then French.
pub fn negotiate_lang(req: &HttpRequest, state: &AppState) -> Lang {
    lang_from_query(req)
        .or_else(|| {
            req.cookie(&state.cookie_name(LANG_COOKIE))
                .and_then(|c| Lang::parse(c.value()))
        })
        .or_else(|| {
            req.headers()
                .get(actix_web::http::header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::from_accept_language)
        })
        .unwrap_or(Lang::DEFAULT)
}

/// Records where the person is (a button's form, a login's transaction),
/// so that the page rendered for this request, error pages included,
/// keeps their démarche and answer.
pub fn record_journey(req: &HttpRequest, journey: Journey) {
    req.extensions_mut().insert(journey);
}

/// The page's own address, rebuilt from the route that matched (its
/// pattern and the values it captured, percent-encoded), with the only
/// query a page needs besides `demande`: `population` (the answer form).
fn route_self_link(req: &HttpRequest, state: &AppState) -> Option<String> {
    use actix_web::http::Method;
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        return None;
    }
    let pattern = req.match_pattern()?;
    if state.single_use_routes.contains(pattern.as_str()) {
        return None;
    }
    let mut path = fill_pattern(&pattern, |name| req.match_info().get(name))?;
    if let Some(p) = query_param(req, "population").and_then(|p| PopulationId::parse(&p).ok()) {
        path.push_str("?population=");
        path.push_str(p.as_str());
    }
    Some(path)
}

/// `/choix/{population}` with `population = x` → `/choix/x`. Captured
/// values are percent-encoded whole (`/` and `\` included): the result
/// always starts with the pattern's own first segment, never `//` or `/\`.
pub fn fill_pattern<'a>(pattern: &str, value: impl Fn(&str) -> Option<&'a str>) -> Option<String> {
    let mut out = String::new();
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = open + rest[open..].find('}')?;
        let name = rest[open + 1..close].split(':').next()?;
        out.push_str(&encode_segment(value(name)?));
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out.starts_with('/').then_some(out)
}

fn encode_segment(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl PageCtx {
    pub fn from_request(req: &HttpRequest) -> PageCtx {
        let state = req
            .app_data::<web::Data<AppState>>()
            .expect("AppState is registered")
            .clone();
        let lang = negotiate_lang(req, &state);
        let remembered = req
            .cookie(&state.cookie_name(POPULATION_COOKIE))
            .and_then(|c| PopulationId::parse(c.value()).ok())
            .filter(|id| state.chooser.population(id.as_str()).is_some());
        let journey = req
            .extensions()
            .get::<Journey>()
            .cloned()
            .unwrap_or_default();
        let pending = query_param(req, "demande")
            .and_then(|d| PendingId::parse(&d))
            .or(journey.pending);
        let browser_binding = {
            use actix_session::SessionExt;
            binding(&req.get_session())
        };
        let population = req
            .match_info()
            .get("population")
            .map(str::to_owned)
            .or_else(|| query_param(req, "population"))
            .and_then(|p| PopulationId::parse(&p).ok())
            .or(journey.population);
        PageCtx {
            lang,
            remembered,
            pending,
            browser_binding,
            population,
            self_link: route_self_link(req, &state),
            locales: state.locales.load_full(),
            state,
        }
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// The démarche and answer this page carries.
    pub fn journey(&self) -> Journey {
        Journey {
            pending: self.pending.clone(),
            population: self.population.clone(),
        }
    }

    /// This page is shown again by a GET of `link` (a portal path).
    pub fn with_self_link(mut self, link: impl Into<String>) -> PageCtx {
        self.self_link = Some(link.into());
        self
    }

    pub fn self_link(&self) -> Option<&str> {
        self.self_link.as_deref()
    }

    /// A portal path with this page's `demande` carried over.
    pub fn link(&self, path: &str) -> String {
        match &self.pending {
            None => path.to_owned(),
            Some(d) => {
                let sep = if path.contains('?') { '&' } else { '?' };
                format!("{path}{sep}demande={d}")
            }
        }
    }

    /// The same page in each language: its own address (or the home page
    /// when it has none) with `demande` and `lang`.
    pub fn language_links(&self) -> Vec<LangLink> {
        let base = self.link(self.self_link.as_deref().unwrap_or("/"));
        let sep = if base.contains('?') { '&' } else { '?' };
        Lang::ALL
            .into_iter()
            .map(|l| LangLink {
                lang: l,
                href: format!("{base}{sep}lang={}", l.code()),
                current: l == self.lang,
            })
            .collect()
    }

    pub fn tr(&self) -> Tr<'_> {
        self.locales.tr(self.lang)
    }

    /// The URL of a static file (its content-hashed name).
    pub fn asset(&self, path: &str) -> String {
        super::assets::url(path)
    }

    /// The State's sites every State site's footer links to (DSFR footer).
    pub fn state_sites(&self) -> &'static [(&'static str, &'static str)] {
        STATE_SITES
    }

    /// The RGAA status of `[site]`, in the page's language.
    pub fn accessibility_status(&self) -> String {
        let id = self.state.site.accessibility_status.id();
        self.tr().t(&format!("accessibility-status-{id}"))
    }
}

/// The institutional links of the DSFR footer.
pub const STATE_SITES: &[(&str, &str)] = &[
    ("https://www.info.gouv.fr", "info.gouv.fr"),
    ("https://www.service-public.fr", "service-public.fr"),
    ("https://www.legifrance.gouv.fr", "legifrance.gouv.fr"),
    ("https://www.data.gouv.fr", "data.gouv.fr"),
];

impl FromRequest for PageCtx {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(PageCtx::from_request(req)))
    }
}
