use url::Url;

/// `http://127.0.0.1…`, `http://[::1]…` or `http://localhost…`.
pub fn is_loopback_url(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d == "localhost",
        None => false,
    }
}

/// The one rule for URLs the portal is reached at or reaches: https, or
/// plain http on a loopback address (development and tests).
pub fn check_web_url(url: &Url) -> Result<(), String> {
    match url.scheme() {
        "https" if url.host().is_some() => Ok(()),
        "http" if is_loopback_url(url) => Ok(()),
        "http" if url.host().is_some() => {
            Err("plain http is only accepted on a loopback address; use https".into())
        }
        "http" | "https" => Err(format!("`{url}` has no host")),
        other => Err(format!("unsupported scheme `{other}`")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_anywhere_http_only_on_loopback() {
        let ok = |s: &str| check_web_url(&Url::parse(s).unwrap());
        assert!(ok("https://example.gouv.fr/").is_ok());
        assert!(ok("http://localhost:3000/").is_ok());
        assert!(ok("http://127.0.0.1/").is_ok());
        assert!(ok("http://[::1]:8080/").is_ok());
        assert!(
            ok("http://example.gouv.fr/")
                .unwrap_err()
                .contains("loopback")
        );
        assert!(
            ok("ftp://example.gouv.fr/")
                .unwrap_err()
                .contains("scheme `ftp`")
        );
    }
}
