//! `GET /erreur/{stem}?federation=…&code=…&population=…&demande=…`: an
//! error page shown again, for the language links of error pages whose
//! own request cannot be repeated (a button's form, a federation's
//! callback, an unknown path). Only known stems, federations and codes;
//! nothing is logged (the error was when it happened).

use actix_web::{HttpRequest, HttpResponse, web};

use super::PageError;
use super::context::{PageCtx, query_param};
use super::error::ErrorStem;
use crate::domain::Federation;

pub async fn show(
    req: HttpRequest,
    page: PageCtx,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let stem = ErrorStem::parse(&path).ok_or(PageError::NotFound)?;
    let federation = query_param(&req, "federation").and_then(|f| f.parse::<Federation>().ok());
    let code = query_param(&req, "code");
    let error =
        PageError::from_stem(stem, federation, code.as_deref()).ok_or(PageError::NotFound)?;
    let address = error.address(&page);
    Ok(error.render(&page.with_self_link(address)).await)
}
