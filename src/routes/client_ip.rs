//! Which address a request comes from, for rate limiting.
//!
//! By default the TCP peer's address: no header is trusted, since anyone
//! can send `X-Forwarded-For`. Behind a load balancer every request comes
//! from the balancer, so `[server] trusted_proxies` lists its addresses
//! (CIDR ranges): for a request whose peer is in that list, the address is
//! read from `[server] client_ip_header` (default `X-Forwarded-For`, or
//! `Forwarded` as RFC 7239 writes it), from the right, skipping trusted
//! proxies: the first untrusted address is the client. Addresses a client
//! put at the left of the header are never believed.

use std::net::IpAddr;

use actix_web::http::header::{HeaderMap, HeaderName};
use ipnet::IpNet;

/// How to find a request's client address.
#[derive(Debug, Clone)]
pub struct ClientIpRule {
    trusted: Vec<IpNet>,
    header: HeaderName,
}

impl ClientIpRule {
    pub fn new(trusted: Vec<IpNet>, header: HeaderName) -> ClientIpRule {
        ClientIpRule { trusted, header }
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.trusted.iter().any(|net| net.contains(&ip))
    }

    /// The client's address: the peer's, or the one the trusted proxies
    /// in front of it saw. `None` without a peer address (a test socket).
    pub fn client_ip(&self, peer: Option<IpAddr>, headers: &HeaderMap) -> Option<IpAddr> {
        let peer = canonical(peer?);
        if !self.trusts(peer) {
            return Some(peer);
        }
        let chain = self.forwarded_chain(headers);
        // Right to left: each hop was added by the proxy after it.
        let mut client = peer;
        for hop in chain.into_iter().rev() {
            let Some(ip) = hop else {
                // Unreadable (obfuscated or garbled): stop at the last known hop.
                break;
            };
            client = ip;
            if !self.trusts(ip) {
                break;
            }
        }
        Some(client)
    }

    /// Every address in the configured header(s), in order, `None` for an
    /// entry that is not an address.
    fn forwarded_chain(&self, headers: &HeaderMap) -> Vec<Option<IpAddr>> {
        let rfc7239 = self.header.as_str() == "forwarded";
        headers
            .get_all(&self.header)
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(|entry| {
                if rfc7239 {
                    forwarded_for(entry)
                } else {
                    parse_ip(entry.trim())
                }
            })
            .collect()
    }
}

/// The `for=` of one RFC 7239 `Forwarded` element.
fn forwarded_for(element: &str) -> Option<IpAddr> {
    element.split(';').find_map(|pair| {
        let (name, value) = pair.trim().split_once('=')?;
        name.eq_ignore_ascii_case("for")
            .then(|| parse_ip(value.trim().trim_matches('"')))
            .flatten()
    })
}

/// `192.0.2.1`, `192.0.2.1:4711`, `2001:db8::1` or `[2001:db8::1]:4711`.
fn parse_ip(text: &str) -> Option<IpAddr> {
    if let Ok(ip) = text.parse() {
        return Some(ip);
    }
    if let Some(rest) = text.strip_prefix('[') {
        return rest.split_once(']')?.0.parse().ok();
    }
    let (host, port) = text.rsplit_once(':')?;
    port.parse::<u16>().ok()?;
    host.parse().ok()
}

/// IPv4 addresses seen through an IPv6 socket (`::ffff:a.b.c.d`) as IPv4.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map(IpAddr::V4)
            .unwrap_or(IpAddr::V6(v6)),
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::HeaderValue;

    fn headers(name: &'static str, values: &[&'static str]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for v in values {
            map.append(HeaderName::from_static(name), HeaderValue::from_static(v));
        }
        map
    }

    fn rule(trusted: &[&str], header: &'static str) -> ClientIpRule {
        ClientIpRule::new(
            trusted.iter().map(|t| t.parse().unwrap()).collect(),
            HeaderName::from_static(header),
        )
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn without_trusted_proxies_the_header_is_ignored() {
        let r = rule(&[], "x-forwarded-for");
        let h = headers("x-forwarded-for", &["203.0.113.9"]);
        assert_eq!(
            r.client_ip(Some(ip("198.51.100.7")), &h),
            Some(ip("198.51.100.7"))
        );
    }

    #[test]
    fn behind_a_trusted_proxy_the_rightmost_untrusted_address_is_the_client() {
        let r = rule(&["10.0.0.0/8"], "x-forwarded-for");
        // The client forged the left entry; the balancer appended the real one.
        let h = headers("x-forwarded-for", &["1.2.3.4, 203.0.113.9", "10.0.0.3"]);
        assert_eq!(
            r.client_ip(Some(ip("10.0.0.2")), &h),
            Some(ip("203.0.113.9"))
        );
        // Not from the proxy: the header is not believed.
        assert_eq!(
            r.client_ip(Some(ip("198.51.100.7")), &h),
            Some(ip("198.51.100.7"))
        );
        // From the proxy without the header: the proxy itself.
        assert_eq!(
            r.client_ip(Some(ip("10.0.0.2")), &HeaderMap::new()),
            Some(ip("10.0.0.2"))
        );
    }

    #[test]
    fn rfc_7239_forwarded_and_ports_and_mapped_addresses_are_read() {
        let r = rule(&["127.0.0.1/32"], "forwarded");
        let h = headers(
            "forwarded",
            &["for=\"[2001:db8::7]:4711\";proto=https, for=192.0.2.60:80"],
        );
        assert_eq!(
            r.client_ip(Some(ip("::ffff:127.0.0.1")), &h),
            Some(ip("192.0.2.60"))
        );
        let r = rule(&["127.0.0.1/32", "192.0.2.0/24"], "forwarded");
        assert_eq!(
            r.client_ip(Some(ip("127.0.0.1")), &h),
            Some(ip("2001:db8::7"))
        );
    }
}
