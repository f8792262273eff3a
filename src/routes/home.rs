//! `GET /`: "Vous êtes…", one question as a radio group.

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
    /// Population to preselect (remembered from the last visit).
    pub selected: Option<&'a str>,
    /// The form was sent without an answer.
    pub missing_answer: bool,
    /// The démarche the person is logging in to, if any.
    pub demarche: Option<String>,
}

impl HomePage<'_> {
    fn is_selected(&self, id: &str) -> bool {
        self.selected == Some(id)
    }
}

pub async fn render(page: &PageCtx, missing_answer: bool) -> Result<HttpResponse, PageError> {
    let demarche = super::pending::for_page(page).await?;
    let chooser = demarche
        .as_ref()
        .map_or(&page.state().chooser, |d| &d.chooser);
    // A remembered answer the démarche does not serve is not preselected.
    let remembered = page
        .remembered
        .as_ref()
        .map(|id| id.as_str())
        .filter(|id| chooser.population(id).is_some());
    let body = HomePage {
        t: page.tr(),
        page,
        populations: chooser.populations(),
        selected: remembered,
        missing_answer,
        demarche: demarche.as_ref().map(|d| d.name.clone()),
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
