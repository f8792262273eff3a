//! `GET /choix?population=ID` (the form's answer) and `GET /choix/{id}`
//! (the official buttons of that population's federations).

use actix_web::cookie::time::Duration;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::context::{POPULATION_COOKIE, PageCtx, query_param};
use super::{PageError, see_other};
use crate::domain::{Federation, Population};
use crate::i18n::Tr;

/// How long the answer is remembered (like a discovery service's IdP cookie).
const REMEMBER_FOR: Duration = Duration::days(90);

pub async fn answer(req: HttpRequest, page: PageCtx) -> Result<HttpResponse, PageError> {
    match query_param(&req, "population").filter(|v| !v.is_empty()) {
        None => super::home::render(&page, true).await,
        Some(id) => {
            let demarche = super::pending::for_page(&page).await?;
            let chooser = demarche
                .as_ref()
                .map_or(&page.state().chooser, |d| &d.chooser);
            let population = chooser
                .population(&id)
                .ok_or(PageError::UnknownPopulation(id))?;
            Ok(see_other(&page.link(&format!("/choix/{}", population.id))))
        }
    }
}

#[derive(Template)]
#[template(path = "choice.html")]
struct ChoicePage<'a> {
    t: Tr<'a>,
    page: &'a PageCtx,
    population: &'a Population,
    federations: &'a [Federation],
    demarche: Option<String>,
    /// Federations the background probe found down (no active button).
    down: Vec<Federation>,
}

impl ChoicePage<'_> {
    fn is_down(&self, federation: &Federation) -> bool {
        self.down.contains(federation)
    }

    /// The DSFR classes of the federation's official button.
    fn connect_class(&self, federation: &Federation) -> &'static str {
        match federation {
            Federation::FranceConnectPlus => "fr-connect fr-connect--plus",
            Federation::ProConnect => "fr-connect fr-connect--pro",
            Federation::FranceConnect | Federation::ProSanteConnect => "fr-connect",
        }
    }

    /// Another federation of this population to use meanwhile, if one is up.
    fn alternative(&self, federation: &Federation) -> Option<Federation> {
        self.federations
            .iter()
            .copied()
            .find(|f| f != federation && !self.down.contains(f))
    }
}

pub async fn show(page: PageCtx, path: web::Path<String>) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    let state = page.state();
    let demarche = super::pending::for_page(&page).await?;
    // Without a démarche, no level is asked (FranceConnect+ stays hidden).
    let without_demarche;
    let chooser = match &demarche {
        Some(d) => &d.chooser,
        None => {
            without_demarche = state.chooser.for_level(None);
            &without_demarche
        }
    };
    let population = chooser
        .population(&id)
        .ok_or(PageError::UnknownPopulation(id))?;
    let body = ChoicePage {
        t: page.tr(),
        page: &page,
        population,
        federations: &population.federations,
        demarche: demarche.as_ref().map(|d| d.name.clone()),
        down: population
            .federations
            .iter()
            .copied()
            .filter(|f| state.federations.is_down(*f))
            .collect(),
    };
    let mut res = super::html(actix_web::http::StatusCode::OK, &body);
    res.add_cookie(&state.cookie(POPULATION_COOKIE, population.id.to_string(), REMEMBER_FOR))
        .map_err(|e| PageError::Internal(e.to_string()))?;
    Ok(res)
}

/// "Ce n'est pas moi / changer": forget the remembered answer.
pub async fn forget(page: PageCtx) -> Result<HttpResponse, PageError> {
    let mut res = see_other(&page.link("/"));
    res.add_removal_cookie(&page.state().removal_cookie(POPULATION_COOKIE))
        .map_err(|e| PageError::Internal(e.to_string()))?;
    Ok(res)
}
