//! Compressed responses, each distinct body compressed once.
//!
//! A page's variants are few (language × remembered answer × démarche):
//! instead of compressing every response again (actix `Compress`, nginx),
//! the compressed bytes are kept in a small in-memory cache keyed by a
//! 128-bit hash of the uncompressed body, its length and the encoding.
//! Correct by construction: the same body gives the same bytes, and any
//! change of the body (a text edited, another démarche) is another key.
//! Only bodies are cached, never headers: a response's cookies and
//! `Cache-Control` stay its own, and the key being the body itself, one
//! person's page can only ever be served to whoever produced the same
//! bytes.
//!
//! Responses marked `Cache-Control: no-store` (token responses, a
//! person's account page) are unique: caching them would only push the
//! shared pages out. They are compressed as they go, fast (gzip level 1,
//! nginx's default) and with gzip even when brotli is accepted (a fraction
//! of brotli's CPU for a body read once); under one TCP segment, not at all.
//! gzip reuses one deflate state per thread: a new one costs 300 KB
//! allocated and zeroed, more than compressing a page (BENCHMARKS.md).

use actix_web::Error;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{
    ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_TYPE, ETAG,
    HeaderMap, HeaderValue, VARY,
};
use actix_web::middleware::Next;
use actix_web::web::{Bytes, Data};

/// Bodies smaller than this are sent as they are (the headers would cost
/// more than the saving).
const MIN_LENGTH: usize = 256;
/// A body made for one response (`no-store`) smaller than this goes as it
/// is: it fits in one TCP segment (1460 bytes on Ethernet) either way, so
/// compressing it would save no packet, only cost CPU (a token response).
const UNIQUE_MIN_LENGTH: usize = 1460;
/// Bodies larger than this are sent as they are (never expected here).
const MAX_LENGTH: usize = 4 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Encoding {
    Brotli,
    Gzip,
}

impl Encoding {
    fn token(self) -> &'static str {
        match self {
            Encoding::Brotli => "br",
            Encoding::Gzip => "gzip",
        }
    }

    fn compress(self, body: &[u8], effort: Effort) -> Bytes {
        match self {
            Encoding::Gzip => Bytes::from(gzip(body, effort)),
            Encoding::Brotli => {
                let mut out = Vec::with_capacity(body.len() / 3);
                let params = brotli::enc::BrotliEncoderParams {
                    quality: match effort {
                        Effort::Once => 6,
                        Effort::EachTime => 1,
                    },
                    ..Default::default()
                };
                let _ = brotli::BrotliCompress(&mut &body[..], &mut out, &params);
                Bytes::from(out)
            }
        }
    }
}

/// How hard to compress: a body kept in the cache is compressed once
/// (gzip 6, brotli 6); one read once is compressed fast (gzip 1, nginx's
/// default level; brotli 1), at each response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Effort {
    Once,
    EachTime,
}

/// RFC 1952: a 10-byte header (no name, no time), the deflated body,
/// its CRC-32 and length. The deflate state is the thread's, reset.
fn gzip(body: &[u8], effort: Effort) -> Vec<u8> {
    use flate2::{Compress, Compression, FlushCompress, Status};
    thread_local! {
        static DEFLATE_ONCE: std::cell::RefCell<Compress> =
            std::cell::RefCell::new(Compress::new(Compression::new(6), false));
        static DEFLATE_FAST: std::cell::RefCell<Compress> =
            std::cell::RefCell::new(Compress::new(Compression::new(1), false));
    }
    let state = match effort {
        Effort::Once => &DEFLATE_ONCE,
        Effort::EachTime => &DEFLATE_FAST,
    };
    const HEADER: [u8; 10] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    let mut out = Vec::with_capacity(body.len() / 3 + HEADER.len() + 64);
    out.extend_from_slice(&HEADER);
    state.with_borrow_mut(|deflate| {
        deflate.reset();
        loop {
            let consumed = usize::try_from(deflate.total_in()).unwrap_or(body.len());
            let input = body.get(consumed..).unwrap_or_default();
            if out.capacity() - out.len() < 64 {
                out.reserve(out.capacity().max(256));
            }
            // Compressing into memory fails only on a bug in the state
            // machine; the body then goes out truncated no further than
            // what was deflated, which the client rejects as corrupt.
            match deflate.compress_vec(input, &mut out, FlushCompress::Finish) {
                Ok(Status::StreamEnd) | Err(_) => break,
                Ok(_) => {}
            }
        }
    });
    let mut crc = flate2::Crc::new();
    crc.update(body);
    out.extend_from_slice(&crc.sum().to_le_bytes());
    out.extend_from_slice(&(body.len() as u32).to_le_bytes());
    out
}

/// The encodings a request's `Accept-Encoding` accepts with a non-zero
/// quality (RFC 9110 §12.5.3; `*` stands for both).
#[derive(Debug, Clone, Copy, Default)]
pub struct Accepted {
    brotli: bool,
    gzip: bool,
}

impl Accepted {
    /// Brotli, else gzip; for a body sent once (`unique`), gzip first.
    fn choose(self, unique: bool) -> Option<Encoding> {
        match (self.brotli, self.gzip) {
            (_, true) if unique => Some(Encoding::Gzip),
            (true, _) => Some(Encoding::Brotli),
            (false, true) => Some(Encoding::Gzip),
            (false, false) => None,
        }
    }
}

pub fn accepted(headers: &HeaderMap) -> Accepted {
    let mut brotli = None;
    let mut gzip = None;
    let mut any = None;
    for value in headers.get_all(ACCEPT_ENCODING) {
        let Ok(value) = value.to_str() else { continue };
        for item in value.split(',') {
            let mut parts = item.split(';');
            let name = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let accepted = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .next_back()
                .is_none_or(|q| q.trim().parse::<f32>().is_ok_and(|q| q > 0.0));
            match name.as_str() {
                "br" => brotli = Some(accepted),
                "gzip" | "x-gzip" => gzip = Some(accepted),
                "*" => any = Some(accepted),
                _ => {}
            }
        }
    }
    let any = any.unwrap_or(false);
    Accepted {
        brotli: brotli.unwrap_or(any),
        gzip: gzip.unwrap_or(any),
    }
}

/// Text formats worth compressing.
fn compressible(headers: &HeaderMap) -> bool {
    let Some(kind) = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let kind = kind.split(';').next().unwrap_or("").trim();
    kind.starts_with("text/")
        || kind.ends_with("json")
        || kind.ends_with("+xml")
        || kind == "application/javascript"
        || kind == "application/xml"
}

/// Compressed bodies by (hash of the body, its length, encoding), bounded
/// by their total size.
#[derive(Clone)]
pub struct CompressedBodies {
    cache: moka::future::Cache<(u128, usize, Encoding), Bytes>,
}

impl CompressedBodies {
    pub fn new(max_bytes: u64) -> CompressedBodies {
        CompressedBodies {
            cache: moka::future::Cache::builder()
                .weigher(|_, bytes: &Bytes| u32::try_from(bytes.len()).unwrap_or(u32::MAX))
                .max_capacity(max_bytes)
                .build(),
        }
    }

    /// The body compressed, from the cache or compressed now (concurrent
    /// requests for the same body compress it once).
    pub async fn compressed(&self, body: &Bytes, encoding: Encoding) -> Bytes {
        let key = (xxhash_rust::xxh3::xxh3_128(body), body.len(), encoding);
        self.cache
            .get_with(key, async { encoding.compress(body, Effort::Once) })
            .await
    }
}

/// `Cache-Control: no-store`: a body made for this response only.
fn unique(headers: &HeaderMap) -> bool {
    headers.get_all(CACHE_CONTROL).any(|v| {
        v.to_str().is_ok_and(|v| {
            v.split(',')
                .any(|d| d.trim().eq_ignore_ascii_case("no-store"))
        })
    })
}

/// Adds `Accept-Encoding` to `Vary`, keeping what is there.
fn vary_on_encoding(headers: &mut HeaderMap) {
    let present = headers.get_all(VARY).any(|v| {
        v.to_str().is_ok_and(|v| {
            v.split(',')
                .any(|p| p.trim().eq_ignore_ascii_case("accept-encoding") || p.trim() == "*")
        })
    });
    if !present {
        headers.append(VARY, HeaderValue::from_static("Accept-Encoding"));
    }
}

/// A strong ETag names one representation: the compressed one gets a weak
/// one (If-None-Match compares weakly, so revalidation still works).
fn weaken_etag(headers: &mut HeaderMap) {
    let Some(tag) = headers.get(ETAG).and_then(|v| v.to_str().ok()) else {
        return;
    };
    if tag.starts_with("W/") {
        return;
    }
    if let Ok(weak) = HeaderValue::from_str(&format!("W/{tag}")) {
        headers.insert(ETAG, weak);
    }
}

/// Middleware: compresses text responses for clients that accept it,
/// each distinct body once (see the module docs). Responses already
/// encoded (pre-compressed assets), streamed, tiny or not text pass as
/// they are.
pub async fn compress_once(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let accepted = accepted(req.headers());
    let bodies = req.app_data::<Data<CompressedBodies>>().cloned();
    let mut res = next.call(req).await?;
    let headers = res.headers();
    if !compressible(headers) || headers.contains_key(CONTENT_ENCODING) {
        return Ok(res.map_into_boxed_body());
    }
    vary_on_encoding(res.headers_mut());
    let size = match res.response().body().size() {
        actix_web::body::BodySize::Sized(n) => usize::try_from(n).unwrap_or(usize::MAX),
        _ => 0,
    };
    let unique = unique(res.headers());
    let (Some(encoding), Some(bodies)) = (accepted.choose(unique), bodies) else {
        return Ok(res.map_into_boxed_body());
    };
    let min_length = if unique {
        UNIQUE_MIN_LENGTH
    } else {
        MIN_LENGTH
    };
    if !(min_length..=MAX_LENGTH).contains(&size) {
        return Ok(res.map_into_boxed_body());
    }
    let (req, response) = res.into_parts();
    let (mut response, body) = response.into_parts();
    let body = actix_web::body::to_bytes(body)
        .await
        .map_err(|e| actix_web::error::ErrorInternalServerError(e.into().to_string()))?;
    let compressed = if unique {
        encoding.compress(&body, Effort::EachTime)
    } else {
        bodies.compressed(&body, encoding).await
    };
    let headers = response.headers_mut();
    headers.remove(CONTENT_LENGTH);
    headers.insert(CONTENT_ENCODING, HeaderValue::from_static(encoding.token()));
    weaken_etag(headers);
    let response = response.set_body(compressed).map_into_boxed_body();
    Ok(ServiceResponse::new(req, response))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn gunzip(bytes: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(bytes)
            .read_to_end(&mut out)
            .expect("a valid gzip stream");
        out
    }

    #[test]
    fn the_thread_s_deflate_state_compresses_body_after_body_correctly() {
        // Incompressible bytes larger than the first guess of the output
        // size, then text, then nothing: each decodes to itself.
        let mut noise = Vec::with_capacity(200_000);
        let mut x: u32 = 12345;
        for _ in 0..200_000 {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            noise.push((x >> 16) as u8);
        }
        let text = "Vous êtes un particulier ? ".repeat(500).into_bytes();
        for effort in [Effort::Once, Effort::EachTime] {
            for body in [&noise[..], &text[..], &[][..], &text[..]] {
                let compressed = gzip(body, effort);
                assert_eq!(gunzip(&compressed), body);
            }
            let compressed = gzip(&text, effort).len();
            assert!(compressed < text.len() / 10, "text is compressed");
        }
    }

    #[test]
    fn a_body_sent_once_goes_out_gzipped_when_gzip_is_accepted() {
        let both = Accepted {
            brotli: true,
            gzip: true,
        };
        let brotli_only = Accepted {
            brotli: true,
            gzip: false,
        };
        assert_eq!(both.choose(false), Some(Encoding::Brotli));
        assert_eq!(both.choose(true), Some(Encoding::Gzip));
        assert_eq!(brotli_only.choose(true), Some(Encoding::Brotli));
        assert_eq!(Accepted::default().choose(true), None);
    }
}
