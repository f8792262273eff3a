//! Static files (DSFR subset, portal CSS), compiled into the binary so the
//! portal runs from anywhere with nothing else installed.

use actix_web::http::header::{self, EntityTag};
use actix_web::{HttpRequest, HttpResponse, web};
use rust_embed::RustEmbed;

use super::PageError;

#[derive(RustEmbed)]
#[folder = "static/"]
#[exclude = "*/README.md"]
#[exclude = "*/SHA256SUMS"]
#[exclude = "*/VERSION"]
struct StaticAssets;

pub async fn serve(req: HttpRequest, path: web::Path<String>) -> Result<HttpResponse, PageError> {
    let path = path.into_inner();
    let file = StaticAssets::get(&path).ok_or(PageError::NotFound)?;
    let hash: String = file.metadata.sha256_hash()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let etag = EntityTag::new_strong(hash);
    let quoted = etag.to_string();
    if req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .any(|t| t.trim().trim_start_matches("W/") == quoted)
        })
    {
        return Ok(HttpResponse::NotModified()
            .insert_header(header::ETag(etag))
            .finish());
    }
    Ok(HttpResponse::Ok()
        .content_type(file.metadata.mimetype())
        .insert_header(header::ETag(etag))
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(file.data.into_owned()))
}
