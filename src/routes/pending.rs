//! The démarche a chooser or error page belongs to: its pending request,
//! found by the page's `demande` id, shown only to the browser that made it.

use super::PageError;
use super::context::PageCtx;
use crate::broker::{Browser, ForDemarche};

/// The page's démarche, if it carries a `demande`.
pub async fn for_page(page: &PageCtx) -> Result<Option<ForDemarche>, PageError> {
    let Some(id) = &page.pending else {
        return Ok(None);
    };
    let browser = Browser::new(page.browser_binding.clone(), None);
    Ok(Some(page.state().broker().for_page(&browser, id).await?))
}
