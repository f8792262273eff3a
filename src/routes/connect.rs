//! `POST /connexion/{federation}`: starts the login with a federation.

use actix_web::{HttpResponse, web};

use super::PageError;
use crate::domain::Federation;

pub async fn start(path: web::Path<String>) -> Result<HttpResponse, PageError> {
    let federation: Federation = path
        .parse()
        .map_err(|_| PageError::UnknownFederation(path.into_inner()))?;
    // No federation client is configured yet: the person is told so, with
    // a way back, rather than sent to a federation that would refuse them.
    Err(PageError::FederationNotConfigured(federation))
}
