//! The pages every State site owes, and the help page: `/accessibilite`
//! (accessibility statement, after the RGAA's model), `/mentions-legales`
//! (legal notice, LCEN art. 6), `/donnees-personnelles` (what the portal
//! handles, how long, and the cookies it sets), `/plan-du-site` (every
//! public page), `/aide` ("I don't know which answer fits me"). What
//! depends on the operator comes from `[site]`; what is not configured is
//! said to be missing, never made up.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use askama::Template;

use super::PageError;
use super::context::{LANG_COOKIE, POPULATION_COOKIE, PageCtx};
use crate::configuration::site::SiteConfig;
use crate::domain::Population;
use crate::i18n::{Lang, Tr};

/// How to reach the publisher: the link and its text (the e-mail
/// address itself, or "Contacter l'équipe de ce portail" for a page).
pub struct Contact {
    pub href: String,
    pub label: String,
}

pub fn contact(page: &PageCtx) -> Option<Contact> {
    let site = &page.state().site;
    let href = site.contact_href()?;
    let label = match (&site.contact_url, &site.contact_email) {
        (None, Some(email)) => email.clone(),
        _ => page.tr().t("site-contact-link"),
    };
    Some(Contact { href, label })
}

/// A date as the page's language writes it (`12/03/2026`, `March 12, 2026`).
fn written_date(lang: Lang, date: chrono::NaiveDate) -> String {
    match lang {
        Lang::Fr => date.format("%d/%m/%Y").to_string(),
        Lang::En => date.format("%B %-d, %Y").to_string(),
    }
}

#[derive(Template)]
#[template(path = "accessibilite.html")]
struct AccessibilityPage<'a> {
    t: Tr<'a>,
    page: &'a PageCtx,
    site: &'a SiteConfig,
    site_url: String,
    status: String,
    /// The audit's date, written for the page's language.
    audit_date: Option<String>,
    /// The date this statement was made, written for the page's language.
    statement_date: Option<String>,
    rate: Option<String>,
    contact: Option<Contact>,
}

pub async fn accessibility(page: PageCtx) -> HttpResponse {
    let site = &page.state().site;
    let body = AccessibilityPage {
        t: page.tr(),
        page: &page,
        site,
        site_url: page.state().public_url.to_string(),
        status: page.accessibility_status(),
        audit_date: site
            .accessibility_audit_date
            .map(|d| written_date(page.lang, d)),
        statement_date: site
            .accessibility_statement_date
            .map(|d| written_date(page.lang, d)),
        rate: site.accessibility_rate.map(|r| r.to_string()),
        contact: contact(&page),
    };
    super::html(StatusCode::OK, &body)
}

#[derive(Template)]
#[template(path = "mentions_legales.html")]
struct LegalPage<'a> {
    t: Tr<'a>,
    page: &'a PageCtx,
    publisher: Option<String>,
    director: Option<String>,
    host: Option<String>,
    status: String,
    contact: Option<Contact>,
}

pub async fn legal(page: PageCtx) -> HttpResponse {
    let site = &page.state().site;
    let body = LegalPage {
        t: page.tr(),
        page: &page,
        publisher: site.publisher.clone(),
        director: site.publication_director.clone(),
        host: site.host.clone(),
        status: page.accessibility_status(),
        contact: contact(&page),
    };
    super::html(StatusCode::OK, &body)
}

#[derive(Template)]
#[template(path = "donnees_personnelles.html")]
struct PrivacyPage<'a> {
    t: Tr<'a>,
    page: &'a PageCtx,
    publisher: Option<String>,
    session_minutes: String,
    /// The absolute maximum of a login (`server.session_max_hours`).
    session_hours: String,
    code_seconds: String,
    token_seconds: String,
    session_cookie: String,
    lang_cookie: String,
    population_cookie: String,
    contact: Option<Contact>,
}

pub async fn privacy(page: PageCtx) -> HttpResponse {
    let state = page.state();
    let body = PrivacyPage {
        t: page.tr(),
        page: &page,
        publisher: state.site.publisher.clone(),
        session_minutes: state.site.session_ttl_minutes().to_string(),
        session_hours: (state.session_max.as_secs() / 3600).to_string(),
        code_seconds: state.provider.code_ttl.as_secs().to_string(),
        token_seconds: state.provider.token_ttl.as_secs().to_string(),
        session_cookie: state.cookie_name(super::SESSION_COOKIE),
        lang_cookie: state.cookie_name(LANG_COOKIE),
        population_cookie: state.cookie_name(POPULATION_COOKIE),
        contact: contact(&page),
    };
    super::html(StatusCode::OK, &body)
}

#[derive(Template)]
#[template(path = "plan_du_site.html")]
struct SitemapPage<'a> {
    t: Tr<'a>,
    page: &'a PageCtx,
    populations: &'a [Population],
    demarche: Option<String>,
}

/// `/plan-du-site`: every page a person can open from a link (the
/// démarche's situations when there is one), as the DSFR's site map.
pub async fn sitemap(page: PageCtx) -> Result<HttpResponse, PageError> {
    let demarche = super::pending::for_page(&page).await?;
    let chooser = demarche
        .as_ref()
        .map_or(&page.state().chooser, |d| &d.chooser);
    let body = SitemapPage {
        t: page.tr(),
        page: &page,
        populations: chooser.populations(),
        demarche: demarche.as_ref().map(|d| d.name.clone()),
    };
    Ok(super::html(StatusCode::OK, &body))
}

#[derive(Template)]
#[template(path = "aide.html")]
struct HelpPage<'a> {
    t: Tr<'a>,
    page: &'a PageCtx,
    populations: &'a [Population],
    demarche: Option<String>,
    contact: Option<Contact>,
}

/// The situations of the chooser (the démarche's, when there is one),
/// each explained with examples and a link to its page.
pub async fn help(page: PageCtx) -> Result<HttpResponse, PageError> {
    let demarche = super::pending::for_page(&page).await?;
    let chooser = demarche
        .as_ref()
        .map_or(&page.state().chooser, |d| &d.chooser);
    let body = HelpPage {
        t: page.tr(),
        page: &page,
        populations: chooser.populations(),
        demarche: demarche.as_ref().map(|d| d.name.clone()),
        contact: contact(&page),
    };
    Ok(super::html(StatusCode::OK, &body))
}
