//! The back channel to a federation: every request made within the
//! federation's timeout (reqwest's total timeout: connecting, sending and
//! the whole body), every answer read with a cap, redirects never
//! followed. The `openidconnect` client uses it too (its token request),
//! so no answer of a federation is ever read whole into memory unbounded.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use openidconnect::{AsyncHttpClient, HttpRequest, HttpResponse};

use crate::common::outbound::{self, CappedReadError};

/// The largest answer read from a federation, per kind (README, "Limits").
#[derive(Debug, Clone, Copy)]
pub struct BodyLimits {
    /// Discovery document and JWKS.
    pub metadata: usize,
    /// Token response (an ID token, encrypted for FranceConnect+).
    pub token: usize,
    /// Userinfo (JSON or a signed, maybe encrypted, JWT).
    pub userinfo: usize,
}

impl BodyLimits {
    pub const DEFAULT: BodyLimits = BodyLimits {
        metadata: 256 * 1024,
        token: 64 * 1024,
        userinfo: 64 * 1024,
    };
}

#[derive(Debug, thiserror::Error)]
pub enum BackChannelError {
    #[error("{}", outbound::describe(.0))]
    Request(#[from] reqwest::Error),
    #[error("answer over {max} bytes: not read")]
    TooLarge { max: usize },
    #[error("malformed HTTP answer: {0}")]
    Http(#[from] openidconnect::http::Error),
}

impl BackChannelError {
    pub fn is_too_large(&self) -> bool {
        matches!(self, BackChannelError::TooLarge { .. })
    }
}

impl From<CappedReadError> for BackChannelError {
    fn from(e: CappedReadError) -> Self {
        match e {
            CappedReadError::Request(e) => BackChannelError::Request(e),
            CappedReadError::TooLarge { max } => BackChannelError::TooLarge { max },
        }
    }
}

/// An HTTP client toward one federation.
#[derive(Clone)]
pub struct BackChannel {
    client: reqwest::Client,
    /// The cap on answers read through [`AsyncHttpClient`] (the token
    /// endpoint's, read by `openidconnect`).
    token_max: usize,
}

impl BackChannel {
    pub fn new(timeout: Duration, token_max: usize) -> BackChannel {
        // Never follows redirects from a federation's back channel (SSRF).
        let client = outbound::client(timeout);
        BackChannel { client, token_max }
    }

    pub fn get(&self, url: url::Url) -> reqwest::RequestBuilder {
        self.client.get(url)
    }
}

/// The answer's body, at most `max` bytes ([`outbound::read_capped`]).
pub async fn read_capped(res: reqwest::Response, max: usize) -> Result<Vec<u8>, BackChannelError> {
    Ok(outbound::read_capped(res, max).await?)
}

impl<'c> AsyncHttpClient<'c> for BackChannel {
    type Error = BackChannelError;
    type Future =
        Pin<Box<dyn Future<Output = Result<HttpResponse, Self::Error>> + Send + Sync + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(async move {
            let request: reqwest::Request = request.try_into()?;
            let res = self.client.execute(request).await?;
            let mut builder = openidconnect::http::Response::builder()
                .status(res.status())
                .version(res.version());
            for (name, value) in res.headers() {
                builder = builder.header(name, value);
            }
            let body = read_capped(res, self.token_max).await?;
            Ok(builder.body(body)?)
        })
    }
}
