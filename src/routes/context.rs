//! What every page needs from the request: the language (and the links to
//! switch it), the remembered population, and the shared application state.

use std::future::{Ready, ready};
use std::sync::Arc;

use actix_web::cookie::{Cookie, SameSite, time::Duration};
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use url::Url;

use crate::domain::{Chooser, PopulationId};
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
    pub op: OpenIdProvider,
    /// Renders `/metrics` when it is served on the portal's own address.
    pub metrics: Option<metrics_exporter_prometheus::PrometheusHandle>,
}

pub const LANG_COOKIE: &str = "aiguillage_lang";
pub const POPULATION_COOKIE: &str = "aiguillage_population";

impl AppState {
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
    pub languages: Vec<LangLink>,
    pub remembered: Option<PopulationId>,
    /// The pending démarche request this page belongs to (`?demande=`),
    /// carried from page to page until a federation is chosen.
    pub demande: Option<String>,
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
    url::form_urlencoded::parse(req.query_string().as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
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

/// The same page in another language: the path and query with `lang` set.
fn switch_href(req: &HttpRequest, lang: Lang) -> String {
    let mut query: Vec<(String, String)> =
        url::form_urlencoded::parse(req.query_string().as_bytes())
            .filter(|(k, _)| k != "lang")
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
    query.push(("lang".into(), lang.code().into()));
    let qs = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(query)
        .finish();
    format!("{}?{}", req.path(), qs)
}

impl PageCtx {
    pub fn from_request(req: &HttpRequest) -> PageCtx {
        let state = req
            .app_data::<web::Data<AppState>>()
            .expect("AppState is registered")
            .clone();
        let lang = negotiate_lang(req, &state);
        let languages = Lang::ALL
            .into_iter()
            .map(|l| LangLink {
                lang: l,
                href: switch_href(req, l),
                current: l == lang,
            })
            .collect();
        let remembered = req
            .cookie(&state.cookie_name(POPULATION_COOKIE))
            .and_then(|c| PopulationId::parse(c.value()).ok())
            .filter(|id| state.chooser.population(id.as_str()).is_some());
        let demande = query_param(req, "demande").filter(|d| is_token(d));
        PageCtx {
            lang,
            languages,
            remembered,
            demande,
            locales: state.locales.load_full(),
            state,
        }
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// A portal path with this page's `demande` carried over.
    pub fn link(&self, path: &str) -> String {
        match &self.demande {
            None => path.to_owned(),
            Some(d) => {
                let sep = if path.contains('?') { '&' } else { '?' };
                format!("{path}{sep}demande={d}")
            }
        }
    }

    pub fn tr(&self) -> Tr<'_> {
        self.locales.tr(self.lang)
    }

    /// The URL of a static file (its content-hashed name).
    pub fn asset(&self, path: &str) -> String {
        super::assets::url(path)
    }

    pub fn current_language(&self) -> &LangLink {
        self.languages
            .iter()
            .find(|l| l.current)
            .expect("one language is current")
    }
}

impl FromRequest for PageCtx {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(PageCtx::from_request(req)))
    }
}

/// A random token as the portal makes them (base64url, 43 characters):
/// anything else in a URL is ignored rather than looked up.
pub fn is_token(s: &str) -> bool {
    s.len() == 43
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}
