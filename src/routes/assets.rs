//! Static files (DSFR subset, portal CSS), compiled into the binary so the
//! portal runs from anywhere with nothing else installed.
//!
//! `build.rs` gives each file a content-hashed name (`dsfr.min.3f2a….css`),
//! which pages link to and which is cached for a year (`immutable`): a new
//! version has a new name. Stylesheets point at the hashed fonts and
//! icons. The plain names still answer (old pages, bookmarks), cached for
//! an hour with a validator. gzip and brotli copies are made at build
//! time and chosen from `Accept-Encoding`.

use std::collections::HashMap;
use std::sync::LazyLock;

use actix_web::http::header::{self, EntityTag, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};

use super::PageError;

/// One file of `static/`, as `build.rs` prepared it.
pub struct StaticFile {
    /// Path under `/static/`, as in the source tree.
    pub path: &'static str,
    /// The same with the content's hash before the extension.
    pub hashed: &'static str,
    pub mime: &'static str,
    /// The content's hash (a strong validator).
    pub etag: &'static str,
    pub identity: &'static [u8],
    pub gzip: Option<&'static [u8]>,
    pub brotli: Option<&'static [u8]>,
}

include!(concat!(env!("OUT_DIR"), "/static_files.rs"));

/// Cache-Control of a hashed name: its content never changes.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Cache-Control of a plain name: its content changes with a new version.
const REVALIDATE_HOURLY: &str = "public, max-age=3600";

/// Every file by both its names; `true` for the hashed one.
static BY_PATH: LazyLock<HashMap<&'static str, (&'static StaticFile, bool)>> =
    LazyLock::new(|| {
        let mut map = HashMap::new();
        for file in STATIC_FILES {
            map.insert(file.path, (file, false));
            map.insert(file.hashed, (file, true));
        }
        map
    });

/// The URL pages use for `static/{path}`: its hashed name.
pub fn url(path: &str) -> String {
    match BY_PATH.get(path) {
        Some((file, _)) => format!("/static/{}", file.hashed),
        // A template names a file that does not exist: a bug the pages
        // test catches (the link answers 404).
        None => format!("/static/{path}"),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Brotli,
    Gzip,
    Identity,
}

/// Whether `Accept-Encoding` accepts `coding` (a q-value of 0 refuses it).
fn accepts(accept_encoding: &str, coding: &str) -> bool {
    accept_encoding.split(',').any(|item| {
        let mut parts = item.split(';');
        let name = parts.next().unwrap_or("").trim();
        let refused = parts.any(|p| {
            p.trim()
                .strip_prefix("q=")
                .and_then(|q| q.trim().parse::<f32>().ok())
                .is_some_and(|q| q == 0.0)
        });
        name.eq_ignore_ascii_case(coding) && !refused
    })
}

/// Brotli (smallest) if accepted and made, else gzip, else the file as is.
fn choose(req: &HttpRequest, file: &StaticFile) -> (Encoding, &'static [u8]) {
    let accepted = req
        .headers()
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    match (file.brotli, file.gzip) {
        (Some(br), _) if accepts(accepted, "br") => (Encoding::Brotli, br),
        (_, Some(gz)) if accepts(accepted, "gzip") => (Encoding::Gzip, gz),
        _ => (Encoding::Identity, file.identity),
    }
}

pub async fn serve(req: HttpRequest, path: web::Path<String>) -> Result<HttpResponse, PageError> {
    let (file, hashed) = *BY_PATH.get(path.as_str()).ok_or(PageError::NotFound)?;
    let (encoding, body) = choose(&req, file);
    // One validator per representation (RFC 9110 §8.8.3).
    let etag = EntityTag::new_strong(match encoding {
        Encoding::Brotli => format!("{}-br", file.etag),
        Encoding::Gzip => format!("{}-gz", file.etag),
        Encoding::Identity => file.etag.to_owned(),
    });
    let cache_control = if hashed { IMMUTABLE } else { REVALIDATE_HOURLY };
    let mut res = if if_none_match(&req, &etag) {
        HttpResponse::NotModified().finish()
    } else {
        HttpResponse::Ok().content_type(file.mime).body(body)
    };
    let headers = res.headers_mut();
    headers.insert(header::ETAG, etag.to_string().parse().expect("valid ETag"));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control),
    );
    if file.gzip.is_some() || file.brotli.is_some() {
        headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    }
    let coding = match encoding {
        Encoding::Brotli => Some("br"),
        Encoding::Gzip => Some("gzip"),
        Encoding::Identity => None,
    };
    if let Some(coding) = coding {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
    } else {
        // Tells the compression middleware to leave the body alone.
        headers.insert(
            header::CONTENT_ENCODING,
            HeaderValue::from_static("identity"),
        );
    }
    Ok(res)
}

fn if_none_match(req: &HttpRequest, etag: &EntityTag) -> bool {
    let quoted = etag.to_string();
    req.headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .any(|t| t.trim() == "*" || t.trim().trim_start_matches("W/") == quoted)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_encoding_honours_a_zero_q_value() {
        assert!(accepts("gzip, deflate, br", "br"));
        assert!(accepts("gzip;q=0.5, br;q=1.0", "gzip"));
        assert!(!accepts("gzip, br;q=0", "br"));
        assert!(!accepts("identity", "gzip"));
        assert!(!accepts("", "br"));
    }

    #[test]
    fn every_stylesheet_points_at_hashed_files_that_exist() {
        for file in STATIC_FILES.iter().filter(|f| f.mime == "text/css") {
            let css = std::str::from_utf8(file.identity).unwrap();
            for (pos, _) in css.match_indices("url(") {
                let target = &css[pos + 4..pos + 4 + css[pos + 4..].find(')').unwrap()];
                if target.starts_with("\"data:") || target.starts_with("data:") {
                    continue;
                }
                let dir = file.path.rsplit_once('/').map_or("", |(d, _)| d);
                let full = format!("{dir}/{target}");
                let (_, hashed) = BY_PATH.get(full.as_str()).unwrap_or_else(|| {
                    panic!("{} points at {full}, which is not served", file.path)
                });
                assert!(hashed, "{} points at the plain name {full}", file.path);
            }
        }
    }
}
