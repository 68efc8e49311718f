//! Which URLs Khabar may fetch.
//!
//! Only `http` and `https`. A link found *inside* a feed (an article page, an
//! image) that points at loopback, private, link-local or otherwise
//! non-public addresses is refused, unless the feed itself lives on such an
//! address: a public feed cannot make Khabar probe the user's router, while a
//! feed served from the user's own machine or LAN keeps working.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use url::{Host, Url};

use crate::error::FetchError;

/// Where a request may go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressPolicy {
    /// Any address: for URLs the user typed (feeds, OPML subscriptions), and
    /// for links of a feed that itself lives on a local address.
    Any,
    /// Public addresses only: for links named by a public feed.
    PublicOnly,
}

/// Parses `raw` and checks its scheme.
pub fn parse_http_url(raw: &str) -> Result<Url, FetchError> {
    let url = Url::parse(raw.trim()).map_err(|e| FetchError::InvalidUrl(format!("{raw} ({e})")))?;
    check_scheme(&url)?;
    Ok(url)
}

/// Refuses anything but http and https, and URLs without a host.
pub fn check_scheme(url: &Url) -> Result<(), FetchError> {
    match url.scheme() {
        "http" | "https" if url.host().is_some() => Ok(()),
        "http" | "https" => Err(FetchError::InvalidUrl(url.to_string())),
        other => Err(FetchError::Scheme(other.to_string())),
    }
}

/// True for addresses that are not on the public internet.
pub fn is_non_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_non_public_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_non_public_v4(v4);
            }
            let seg0 = v6.segments()[0];
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (seg0 & 0xfe00) == 0xfc00 // unique local fc00::/7
                || (seg0 & 0xffc0) == 0xfe80 // link-local fe80::/10
                || (seg0 & 0xffc0) == 0xfec0 // site-local (deprecated)
                || v6 == Ipv6Addr::new(0x64, 0xff9b, 0, 0, 0, 0, 0, 1) // NAT64 well-known edge
        }
    }
}

fn is_non_public_v4(v4: Ipv4Addr) -> bool {
    let o = v4.octets();
    v4.is_loopback()
        || v4.is_private()
        || v4.is_link_local()
        || v4.is_unspecified()
        || v4.is_broadcast()
        || v4.is_multicast()
        || v4.is_documentation()
        || o[0] == 0
        || (o[0] == 100 && (o[1] & 0xc0) == 64) // carrier-grade NAT 100.64/10
        || (o[0] == 198 && (o[1] & 0xfe) == 18) // benchmarking 198.18/15
        || o[0] >= 240
}

/// True when the URL's host is, or resolves to, a non-public address.
/// A name that does not resolve is treated as public (the fetch itself will
/// then fail with a DNS error).
pub async fn url_is_local(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => is_non_public(IpAddr::V4(ip)),
        Some(Host::Ipv6(ip)) => is_non_public(IpAddr::V6(ip)),
        Some(Host::Domain(name)) => {
            let lower = name.to_ascii_lowercase();
            if lower == "localhost" || lower.ends_with(".localhost") {
                return true;
            }
            let port = url.port_or_known_default().unwrap_or(80);
            match tokio::net::lookup_host((name, port)).await {
                Ok(addrs) => addrs.into_iter().any(|a| is_non_public(a.ip())),
                Err(_) => false,
            }
        }
        None => false,
    }
}

/// Checks `url` against `policy`.
pub async fn check_policy(url: &Url, policy: AddressPolicy) -> Result<(), FetchError> {
    check_scheme(url)?;
    if policy == AddressPolicy::PublicOnly && url_is_local(url).await {
        return Err(FetchError::LocalAddress(
            url.host_str().unwrap_or_default().to_string(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_addresses() {
        for local in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:192.168.0.1",
        ] {
            let ip: IpAddr = local.parse().unwrap();
            assert!(is_non_public(ip), "{local} should be non-public");
        }
        for public in ["8.8.8.8", "93.184.216.34", "2606:4700::1111"] {
            let ip: IpAddr = public.parse().unwrap();
            assert!(!is_non_public(ip), "{public} should be public");
        }
    }

    #[test]
    fn only_http_and_https() {
        assert!(parse_http_url("https://example.com/feed").is_ok());
        assert!(matches!(
            parse_http_url("file:///etc/passwd"),
            Err(FetchError::Scheme(_))
        ));
        assert!(matches!(
            parse_http_url("javascript:alert(1)"),
            Err(FetchError::Scheme(_))
        ));
        assert!(matches!(
            parse_http_url("ftp://x/y"),
            Err(FetchError::Scheme(_))
        ));
    }

    #[tokio::test]
    async fn public_only_refuses_loopback_names_and_literals() {
        for u in [
            "http://127.0.0.1:8080/x",
            "http://localhost/x",
            "http://[::1]/",
            "http://192.168.0.1/admin",
        ] {
            let url = Url::parse(u).unwrap();
            assert!(matches!(
                check_policy(&url, AddressPolicy::PublicOnly).await,
                Err(FetchError::LocalAddress(_))
            ));
            assert!(check_policy(&url, AddressPolicy::Any).await.is_ok());
        }
    }
}
