//! `GET /`: "Vous êtes…", one question as a radio group.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;

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
}

impl HomePage<'_> {
    fn is_selected(&self, id: &str) -> bool {
        self.selected == Some(id)
    }
}

pub fn render(page: &PageCtx, missing_answer: bool) -> HttpResponse {
    let remembered = page.remembered.as_ref().map(|id| id.as_str());
    let body = HomePage {
        t: page.tr(),
        page,
        populations: page.state().chooser.populations(),
        selected: remembered,
        missing_answer,
    };
    let status = if missing_answer {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    super::html(status, &body)
}

pub async fn show(page: PageCtx, req: HttpRequest) -> HttpResponse {
    // ProConnect's registered post-logout URI is the home page.
    if let Some(res) = super::logout::finish_with_state(&page, &req).await {
        return res;
    }
    render(&page, false)
}
