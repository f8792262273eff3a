//! Rate limiting per client address (`[rate_limit]`) on every route that
//! makes the portal keep something or call a federation, declared in the
//! route table (`routes::endpoints`, `.limited(…)`): the "login" budget
//! (`/oidc/authorize`, `/oidc/reprise/…`, `/decouverte`, `POST
//! /connexion/*`, `POST /retour-demarche`, logouts) and the "token" budget
//! (`POST /oidc/token`, larger: a démarche's server redeems every person's
//! code from one address).
//!
//! The limit is a middleware of the route the router matched, not of the
//! raw path: a percent-encoded path (`/%63onnexion/…`), `HEAD` for `GET`,
//! any spelling that reaches a route reaches its limit; one that reaches
//! no route stores nothing.
//!
//! Each client address has its own GCRA limiter (`governor`): a burst,
//! then a sustained rate. Limiters live in a bounded `moka` cache (at most
//! `max_clients` per budget, least recently used first out, each dropped
//! once idle long enough to be full again), so a flood from many addresses
//! cannot grow memory either. IPv6 clients are counted per /64 (what one
//! subscriber usually gets). Past the limit: `429 Too Many Requests` with
//! `Retry-After`, a localized page for browsers, OAuth JSON at the token
//! endpoint. The counters are per instance: behind N instances an address
//! gets N times the budget at most (README, "Rate limits").
//!
//! The address is the TCP peer's unless `[server] trusted_proxies` says
//! otherwise ([`super::client_ip`]): behind a load balancer, configure it,
//! or every person shares the balancer's budget.

use std::net::{IpAddr, Ipv6Addr};
use std::sync::Arc;
use std::time::Duration;

use actix_web::body::BoxBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{Error, web};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultDirectRateLimiter, Quota};
use moka::future::Cache;

use super::PageError;
use super::client_ip::ClientIpRule;
use super::context::PageCtx;
use crate::configuration::rate_limit::RateLimitConfig;
use crate::provider::{OAuthError, OAuthErrorCode};

/// One budget: a limiter per client address, in a bounded cache.
struct Budget {
    quota: Quota,
    clock: DefaultClock,
    limiters: Cache<IpAddr, Arc<DefaultDirectRateLimiter>>,
}

impl Budget {
    fn new(quota: Quota, max_clients: u64) -> Budget {
        // Idle that long, a limiter is full again: forgetting it changes nothing.
        let refill = quota.replenish_interval() * quota.burst_size().get();
        Budget {
            quota,
            clock: DefaultClock::default(),
            limiters: Cache::builder()
                .max_capacity(max_clients)
                .time_to_idle(refill + Duration::from_secs(1))
                .build(),
        }
    }

    /// `Err(wait)` when the client is over its budget.
    async fn check(&self, address: IpAddr) -> Result<(), Duration> {
        let limiter = self
            .limiters
            .get_with(address, async {
                Arc::new(DefaultDirectRateLimiter::direct_with_clock(
                    self.quota,
                    self.clock.clone(),
                ))
            })
            .await;
        limiter
            .check()
            .map_err(|not_until| not_until.wait_time_from(self.clock.now()))
    }
}

/// The portal's budgets and how to tell clients apart.
pub struct RateLimits {
    login: Budget,
    token: Budget,
    clients: ClientIpRule,
}

impl RateLimits {
    pub fn new(config: &RateLimitConfig, clients: ClientIpRule) -> RateLimits {
        RateLimits {
            login: Budget::new(config.login, config.max_clients),
            token: Budget::new(config.token, config.max_clients),
            clients,
        }
    }
}

/// Which budget a route draws on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Login,
    Token,
}

/// IPv6 clients by /64, IPv4 by address.
fn bucket(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => {
            let s = v6.segments();
            IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
        }
        v4 => v4,
    }
}

/// Whole seconds to wait, at least 1.
fn retry_after(wait: Duration) -> u64 {
    (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
}

/// The middleware of a route limited by `kind`, for its own `methods`
/// (`OPTIONS` and a method it does not take go by: they keep nothing).
/// Answers 429 to a client past its budget.
pub async fn limit(
    kind: Kind,
    methods: std::rc::Rc<Vec<Method>>,
    req: ServiceRequest,
    next: Next<BoxBody>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let counted = req.method() != Method::OPTIONS && methods.contains(req.method());
    // Registered beside the app's state only when rate limiting is on.
    let wait = match req.app_data::<web::Data<RateLimits>>() {
        Some(limits) if counted => check(limits, kind, &req).await.err(),
        _ => None,
    };
    let Some(wait) = wait else {
        return next.call(req).await;
    };
    let seconds = retry_after(wait);
    crate::metrics::rate_limited(match kind {
        Kind::Login => "login",
        Kind::Token => "token",
    });
    tracing::warn!(
        route = req.match_pattern().as_deref().unwrap_or("?"),
        retry_after = seconds,
        "rate limit reached"
    );
    let res = match kind {
        Kind::Token => {
            let error = OAuthError::new(
                OAuthErrorCode::TemporarilyUnavailable,
                "too many requests from this address; retry later",
            );
            let mut res = super::no_store_json(StatusCode::TOO_MANY_REQUESTS, &error.json());
            res.headers_mut()
                .insert(actix_web::http::header::RETRY_AFTER, seconds.into());
            res
        }
        Kind::Login => {
            PageError::TooManyRequests(seconds)
                .render(&PageCtx::from_request(req.request()))
                .await
        }
    };
    Ok(req.into_response(res))
}

async fn check(limits: &RateLimits, kind: Kind, req: &ServiceRequest) -> Result<(), Duration> {
    let peer = req.peer_addr().map(|a| a.ip());
    let Some(address) = limits.clients.client_ip(peer, req.headers()) else {
        return Ok(());
    };
    let budget = match kind {
        Kind::Login => &limits.login,
        Kind::Token => &limits.token,
    };
    budget.check(bucket(address)).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::configuration::rate_limit::RateLimitSettings;

    #[test]
    fn zero_rates_are_refused_with_their_key() {
        let settings = RateLimitSettings {
            login_per_minute: 0,
            token_burst: 0,
            ..RateLimitSettings::default()
        };
        let mut issues = Vec::new();
        assert!(settings.resolve(&mut issues).is_none());
        let keys: Vec<_> = issues.iter().map(|i| i.key.as_str()).collect();
        assert_eq!(
            keys,
            ["rate_limit.login_per_minute", "rate_limit.token_burst"]
        );
    }

    #[tokio::test]
    async fn a_burst_passes_then_the_client_waits_while_others_go_on() {
        let settings = RateLimitSettings {
            login_per_minute: 1,
            login_burst: 3,
            ..RateLimitSettings::default()
        };
        let config = settings.resolve(&mut Vec::new()).unwrap();
        let budget = Budget::new(config.login, 10);
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        for _ in 0..3 {
            assert!(budget.check(a).await.is_ok());
        }
        let wait = budget.check(a).await.unwrap_err();
        assert!(wait > Duration::from_secs(50) && wait <= Duration::from_secs(60));
        assert!((wait.as_secs()..=60).contains(&retry_after(wait)));
        assert_eq!(retry_after(Duration::ZERO), 1);
        assert!(budget.check(b).await.is_ok());
    }

    #[test]
    fn ipv6_clients_share_their_64() {
        let one: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let two: IpAddr = "2001:db8:1:2:bbbb::2".parse().unwrap();
        assert_eq!(bucket(one), bucket(two));
        let four: IpAddr = "192.0.2.1".parse().unwrap();
        assert_eq!(bucket(four), four);
    }
}
