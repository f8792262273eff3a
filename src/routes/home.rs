//! `GET /`: "Vous êtes…", one question as a radio group.
//!
//! Sent without an answer (`GET /choix`), the same page in the DSFR's
//! error state, rendered by the server (no JavaScript needed): `<title>`
//! prefixed "Erreur : ", an error summary at the top that takes the focus
//! (`autofocus`, `role="alert"`) and links to the first answer, and the
//! group itself in error (`fr-fieldset--error`, its message part of the
//! group's name through `aria-labelledby`, as the DSFR writes it).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;

use super::PageError;
use super::context::PageCtx;
use crate::domain::Population;
use crate::i18n::Tr;

#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage<'a> {
    pub t: Tr<'a>,
    pub page: &'a PageCtx,
    pub populations: &'a [Population],
    /// Population to preselect: the one in the address (`?population=`,
    /// e.g. kept by a language link), else the remembered answer.
    pub selected: Option<&'a str>,
    /// The answer remembered from before (cookie), when it is the one
    /// preselected: the page says so and offers to forget it.
    pub remembered: Option<&'a str>,
    /// The form was sent without an answer.
    pub missing_answer: bool,
    /// The démarche the person is logging in to, if any.
    pub demarche: Option<String>,
    /// The page's `<title>` (before the site name).
    pub title: String,
}

impl HomePage<'_> {
    fn is_selected(&self, id: &str) -> bool {
        self.selected == Some(id)
    }

    /// The first answer, where the error summary's link leads.
    fn first_population(&self) -> &str {
        self.populations.first().map_or("", |p| p.id.as_str())
    }
}

pub async fn render(page: &PageCtx, missing_answer: bool) -> Result<HttpResponse, PageError> {
    let demarche = super::pending::for_page(page).await?;
    let chooser = demarche
        .as_ref()
        .map_or(&page.state().chooser, |d| &d.chooser);
    // An answer the démarche does not serve is not preselected.
    let served = |id: &&str| chooser.population(id).is_some();
    let asked = (!missing_answer)
        .then_some(page.population.as_ref())
        .flatten()
        .map(|id| id.as_str())
        .filter(served);
    let remembered = page
        .remembered
        .as_ref()
        .map(|id| id.as_str())
        .filter(served);
    let selected = asked.or(remembered);
    let t = page.tr();
    let heading = match &demarche {
        Some(d) => t.t1("demarche-title", "demarche", &d.name),
        None => t.t("home-title"),
    };
    let title = if missing_answer {
        t.t1("form-error-title", "title", &heading)
    } else {
        heading
    };
    let body = HomePage {
        t,
        page,
        populations: chooser.populations(),
        selected,
        remembered: remembered.filter(|r| selected == Some(*r)),
        missing_answer,
        demarche: demarche.as_ref().map(|d| d.name.clone()),
        title,
    };
    let status = if missing_answer {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    Ok(super::html(status, &body))
}

pub async fn show(
    page: PageCtx,
    session: actix_session::Session,
    req: HttpRequest,
) -> Result<HttpResponse, PageError> {
    // ProConnect's registered post-logout URI is the home page.
    if let Some(res) = super::logout::finish_with_state(&page, &session, &req).await? {
        return Ok(res);
    }
    render(&page, false).await
}
