//! Which address a request comes from. Behind a reverse proxy every
//! connection comes from the proxy, so per-address limits (sign-in
//! throttling, connection caps) would lump all users together: when the peer
//! is a trusted proxy (`--trusted-proxy`), the client is the right-most
//! address of `X-Forwarded-For` that is not itself a trusted proxy. Nothing
//! else is believed: a client cannot spoof its address by sending the header
//! to a server that trusts no proxy, or past a proxy that appends to it.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use ipnet::IpNet;

use crate::app::App;
use crate::error::ApiError;

/// The client's address, as far as limits go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

/// Whether `ip` is one of `trusted`.
pub fn trusted(trusted: &[IpNet], ip: IpAddr) -> bool {
    let ip = ip.to_canonical();
    trusted.iter().any(|n| n.contains(&ip))
}

/// The key per-address limits count under: the address, or for IPv6 its
/// /64 (one subscriber's network; rotating addresses inside it must not
/// escape the limits).
pub fn limit_key(ip: IpAddr) -> String {
    match ip.to_canonical() {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
    }
}

/// The client address of a request from `peer` carrying these
/// `X-Forwarded-For` values (in order).
pub fn client_ip<'a>(
    trusted_proxies: &[IpNet],
    peer: IpAddr,
    forwarded_for: impl Iterator<Item = &'a str>,
) -> IpAddr {
    // An IPv4 client of a dual-stack socket arrives as ::ffff:a.b.c.d.
    let peer = peer.to_canonical();
    if !trusted(trusted_proxies, peer) {
        return peer;
    }
    let hops: Vec<&str> = forwarded_for.flat_map(|v| v.split(',')).collect();
    for hop in hops.iter().rev() {
        match hop.trim().parse::<IpAddr>().map(|ip| ip.to_canonical()) {
            Ok(ip) if trusted(trusted_proxies, ip) => continue,
            Ok(ip) => return ip,
            // Garbage in the chain: stop at the last hop we could read.
            Err(_) => break,
        }
    }
    peer
}

/// The client address of a request (`None` without connection info).
pub fn of_parts(app: &App, parts: &Parts) -> Option<IpAddr> {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())?;
    let values = parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok());
    Some(client_ip(&app.trusted_proxies, peer, values))
}

impl FromRequestParts<App> for ClientIp {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        of_parts(app, parts)
            .map(ClientIp)
            .ok_or_else(ApiError::internal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    #[test]
    fn only_a_trusted_proxy_is_believed() {
        let proxies: Vec<IpNet> = vec![
            "127.0.0.1/32".parse().expect("net"),
            "10.0.0.0/8".parse().expect("net"),
        ];
        let xff = |v: &'static str| std::iter::once(v);
        assert_eq!(
            client_ip(&[], ip("127.0.0.1"), xff("6.6.6.6")),
            ip("127.0.0.1"),
            "no proxy trusted"
        );
        assert_eq!(
            client_ip(&proxies, ip("8.8.8.8"), xff("6.6.6.6")),
            ip("8.8.8.8"),
            "not from a proxy"
        );
        assert_eq!(
            client_ip(&proxies, ip("127.0.0.1"), xff("203.0.113.9")),
            ip("203.0.113.9")
        );
        assert_eq!(
            client_ip(
                &proxies,
                ip("127.0.0.1"),
                xff("6.6.6.6, 203.0.113.9, 10.1.2.3")
            ),
            ip("203.0.113.9"),
            "the right-most untrusted hop; what the client claimed before it is ignored"
        );
        assert_eq!(
            client_ip(&proxies, ip("127.0.0.1"), xff("junk")),
            ip("127.0.0.1")
        );
        assert_eq!(
            client_ip(&proxies, ip("127.0.0.1"), std::iter::empty()),
            ip("127.0.0.1")
        );
        assert_eq!(
            client_ip(&proxies, ip("::ffff:127.0.0.1"), xff("203.0.113.9")),
            ip("203.0.113.9"),
            "a dual-stack socket's IPv4 peer is still the trusted proxy"
        );
    }

    #[test]
    fn ipv6_clients_are_limited_per_64() {
        assert_eq!(limit_key(ip("203.0.113.9")), "203.0.113.9");
        assert_eq!(limit_key(ip("::ffff:203.0.113.9")), "203.0.113.9");
        assert_eq!(
            limit_key(ip("2001:db8:1:2:aaaa::1")),
            limit_key(ip("2001:db8:1:2:ffff::9"))
        );
        assert_ne!(
            limit_key(ip("2001:db8:1:2::1")),
            limit_key(ip("2001:db8:1:3::1"))
        );
    }
}
