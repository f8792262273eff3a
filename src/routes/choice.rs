//! `GET /choix?population=ID` (the form's answer, remembered) and
//! `GET /choix/{id}` (the official buttons of that population's
//! federations that work here).

use actix_web::cookie::time::Duration;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::context::{POPULATION_COOKIE, PageCtx, query_param};
use super::offers::{Offer, OfferState, offers};
use super::{PageError, see_other};
use crate::domain::{Federation, Population};
use crate::i18n::Tr;

/// How long the answer is remembered (like a discovery service's IdP cookie).
pub const REMEMBER_FOR: Duration = Duration::days(90);

/// The home form's answer. Only here is the answer remembered: a link to
/// `/choix/{id}` (a démarche's `population`, a shared link) never replaces
/// what the person answered themselves.
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
            let state = page.state();
            let mut res = see_other(&page.link(&format!("/choix/{}", population.id)));
            res.add_cookie(&state.cookie(
                POPULATION_COOKIE,
                population.id.to_string(),
                REMEMBER_FOR,
            ))
            .map_err(|e| PageError::Internal(e.to_string()))?;
            Ok(res)
        }
    }
}

#[derive(Template)]
#[template(path = "choice.html")]
struct ChoicePage<'a> {
    t: Tr<'a>,
    page: &'a PageCtx,
    population: &'a Population,
    offers: Vec<Offer>,
    /// How many buttons the page shows.
    active: usize,
    heading: String,
    demarche: Option<String>,
    /// Where people without a way to log in here may ask (`[site]`).
    contact: Option<super::site_pages::Contact>,
    /// The eIDAS name of the level the démarche asks (`substantiel`,
    /// `élevé`), said with FranceConnect+'s button.
    level: String,
    /// What the démarche asks besides the identity: (scope, what it is in
    /// words: its `data-scope-<scope>` text, else its name).
    data_asked: Vec<(String, String)>,
}

impl ChoicePage<'_> {
    /// Federations of this population that have no client here.
    fn not_configured(&self) -> Vec<Federation> {
        self.offers_in(OfferState::NotConfigured)
    }

    /// Federations configured here that the background probe found down.
    fn down(&self) -> Vec<Federation> {
        self.offers_in(OfferState::Down)
    }

    fn offers_in(&self, state: OfferState) -> Vec<Federation> {
        self.offers
            .iter()
            .filter(|o| o.state == state)
            .map(|o| o.federation)
            .collect()
    }

    fn connect_class(&self, federation: &Federation) -> &'static str {
        connect_class(*federation)
    }

    /// Another federation of this population to use meanwhile, if one works.
    fn alternative(&self, federation: &Federation) -> Option<Federation> {
        self.offers
            .iter()
            .find(|o| o.is_active() && o.federation != *federation)
            .map(|o| o.federation)
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
    let offers = offers(state, population);
    let active: Vec<Federation> = offers
        .iter()
        .filter(|o| o.is_active())
        .map(|o| o.federation)
        .collect();
    let t = page.tr();
    // FranceConnect+ shows only from eidas2 on: its sentence names the
    // level the démarche asks.
    let level = demarche.as_ref().and_then(|d| d.level).unwrap_or(2);
    let level = t.t(super::texts::level_key(level));
    // One button: no choice to make, the heading says which service. None:
    // a service down for now is not one that is not offered here.
    let down: Vec<Federation> = offers
        .iter()
        .filter(|o| o.state == OfferState::Down)
        .map(|o| o.federation)
        .collect();
    let heading = match (active.as_slice(), down.as_slice()) {
        ([], [one]) => t.t1("choice-down-title", "federation", one.brand()),
        ([], [_, ..]) => t.t("choice-down-several-title"),
        ([], []) => t.t("choice-none-title"),
        ([only], _) => t.t1("choice-one-title", "federation", only.brand()),
        _ => t.t("choice-title"),
    };
    let data_asked = demarche
        .as_ref()
        .map(|d| {
            d.data_asked
                .iter()
                .map(|scope| {
                    let key = format!("data-scope-{scope}");
                    let words = if t.has(&key) {
                        t.t(&key)
                    } else {
                        scope.clone()
                    };
                    (scope.clone(), words)
                })
                .collect()
        })
        .unwrap_or_default();
    let body = ChoicePage {
        t,
        data_asked,
        page: &page,
        population,
        active: active.len(),
        offers,
        heading,
        demarche: demarche.as_ref().map(|d| d.name.clone()),
        contact: super::site_pages::contact(&page),
        level,
    };
    Ok(super::html(actix_web::http::StatusCode::OK, &body))
}

/// The DSFR classes of the federation's official button.
pub fn connect_class(federation: Federation) -> &'static str {
    match federation {
        Federation::FranceConnectPlus => "fr-connect fr-connect--plus aig-connect",
        Federation::ProConnect => "fr-connect fr-connect--pro aig-connect",
        Federation::ProSanteConnect => "fr-connect aig-connect aig-psc",
        Federation::FranceConnect => "fr-connect aig-connect",
    }
}

/// "Ce n'est pas moi / changer": forget the remembered answer.
pub async fn forget(page: PageCtx) -> Result<HttpResponse, PageError> {
    let mut res = see_other(&page.link("/"));
    res.add_removal_cookie(&page.state().removal_cookie(POPULATION_COOKIE))
        .map_err(|e| PageError::Internal(e.to_string()))?;
    Ok(res)
}
