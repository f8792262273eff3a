//! The démarche a chooser or error page belongs to: its pending request,
//! found by the page's `demande` id, shown only to the browser that made it.

use super::PageError;
use super::context::PageCtx;
use crate::broker::{Browser, ForDemarche, PageDemarche};

/// The page's démarche, if it carries a `demande`, as the page may show
/// it: waiting, or answered already (Back, a reload).
pub async fn page_demarche(page: &PageCtx) -> Result<Option<PageDemarche>, PageError> {
    let Some(id) = &page.pending else {
        return Ok(None);
    };
    let browser = Browser::new(page.browser_binding.clone(), None);
    Ok(Some(page.state().broker().for_page(&browser, id).await?))
}

/// The démarche whose request the chooser serves: waiting for the person.
/// An answered one is its own error page, with the way back.
pub async fn for_page(page: &PageCtx) -> Result<Option<ForDemarche>, PageError> {
    match page_demarche(page).await? {
        None => Ok(None),
        Some(PageDemarche::Waiting(demarche)) => Ok(Some(demarche)),
        Some(PageDemarche::Answered { name, home }) => Err(PageError::PendingRequestAnswered {
            demarche: name,
            home: home.to_string(),
        }),
    }
}
