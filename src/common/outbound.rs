//! Requests the portal makes to services outside it (the federations'
//! back channel, the public company directory): one way to build their
//! client and to read their answers, so that none of them can hold a login
//! for long or make the portal read an unbounded body.
//!
//! - [`client`]: a total timeout (connecting, sending and the whole body),
//!   redirects never followed (a redirect could send the request anywhere:
//!   SSRF), the portal's `User-Agent`.
//! - [`read_capped`]: an answer's body, at most so many bytes.

use std::time::Duration;

/// What the portal says it is, on every request it makes (the directory's
/// documentation asks callers for an explicit `User-Agent`).
pub const USER_AGENT: &str = concat!("aiguillage/", env!("CARGO_PKG_VERSION"));

#[derive(Debug, thiserror::Error)]
pub enum CappedReadError {
    #[error("{}", describe(.0))]
    Request(#[from] reqwest::Error),
    #[error("answer over {max} bytes: not read")]
    TooLarge { max: usize },
}

/// A fixed description of a reqwest error: its own `Display` prints the
/// URL (with its query: a SIRET, a code…), which callers name themselves
/// when they may.
pub fn describe(e: &reqwest::Error) -> &'static str {
    if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "connection failed"
    } else if e.is_decode() || e.is_body() {
        "unreadable body"
    } else {
        "request failed"
    }
}

/// An HTTP client whose every request ends within `timeout`, that never
/// follows a redirect.
pub fn client(timeout: Duration) -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(timeout)
        .timeout(timeout)
        .user_agent(USER_AGENT)
        .build()
        // Only a TLS backend that fails to initialize makes this fail: the
        // portal cannot work at all then.
        .expect("HTTP client builds")
}

/// The answer's body, at most `max` bytes: an announced larger length is
/// refused before any byte is read, a longer body as soon as it passes the
/// cap (the connection is then dropped).
pub async fn read_capped(
    mut res: reqwest::Response,
    max: usize,
) -> Result<Vec<u8>, CappedReadError> {
    if res.content_length().is_some_and(|len| len > max as u64) {
        return Err(CappedReadError::TooLarge { max });
    }
    let mut body = Vec::new();
    while let Some(chunk) = res.chunk().await? {
        if body.len() + chunk.len() > max {
            return Err(CappedReadError::TooLarge { max });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
