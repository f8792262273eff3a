//! The pages every State site owes, and the help page: `/accessibilite`
//! (accessibility statement, RGAA), `/mentions-legales` (legal notice,
//! LCEN art. 6), `/donnees-personnelles` (what the portal handles and the
//! cookies it sets), `/aide` ("I don't know which answer fits me"). What
//! depends on the operator comes from `[site]`; what is not configured is
//! said to be missing, never made up.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use askama::Template;

use super::PageError;
use super::context::{LANG_COOKIE, POPULATION_COOKIE, PageCtx};
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

/// The publisher's name, or what stands for it when not configured.
fn publisher(page: &PageCtx) -> String {
    page.state()
        .site
        .publisher
        .clone()
        .unwrap_or_else(|| page.tr().t("site-publisher-unknown"))
}

#[derive(Template)]
#[template(path = "accessibilite.html")]
struct AccessibilityPage<'a> {
    t: Tr<'a>,
    page: &'a PageCtx,
    publisher: String,
    site_url: String,
    status: String,
    /// The audit's date, written for the page's language.
    audit_date: Option<String>,
    contact: Option<Contact>,
}

pub async fn accessibility(page: PageCtx) -> HttpResponse {
    let site = &page.state().site;
    let audit_date = site.accessibility_audit_date.map(|d| match page.lang {
        Lang::Fr => d.format("%d/%m/%Y").to_string(),
        Lang::En => d.format("%B %-d, %Y").to_string(),
    });
    let body = AccessibilityPage {
        t: page.tr(),
        page: &page,
        publisher: publisher(&page),
        site_url: page.state().public_url.to_string(),
        status: page.accessibility_status(),
        audit_date,
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
    publisher: String,
    session_minutes: String,
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
        publisher: publisher(&page),
        session_minutes: state.site.session_ttl_minutes().to_string(),
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
