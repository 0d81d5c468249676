//! Which addresses a webhook may be sent to. Webhook URLs are set by
//! admins, but an admin credential (or a leaked API key) must not turn the
//! server into a proxy to the cloud metadata service at 169.254.169.254 or
//! other link-local hosts, which hand out the machine's own credentials.
//! Such targets are refused — as IP literals when the URL is set and again
//! when a webhook is sent (a URL stored before the rule, or while it was
//! lifted), after DNS resolution (a name may resolve to them); redirects
//! are not followed and no proxy is used — unless the operator allows them
//! (`allow_link_local_webhooks`). Loopback and private addresses stay
//! allowed: a bot on the same machine or LAN is the usual self-hosted setup.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// Whether webhooks may reach `ip`.
pub fn allowed(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => allowed_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => allowed_v4(v4),
            None => allowed_v6(v6),
        },
    }
}

fn allowed_v4(ip: Ipv4Addr) -> bool {
    // Alibaba Cloud's metadata service lives outside link-local.
    const ALIBABA_METADATA: Ipv4Addr = Ipv4Addr::new(100, 100, 100, 200);
    !(ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.octets()[0] == 0
        || ip == ALIBABA_METADATA)
}

fn allowed_v6(ip: Ipv6Addr) -> bool {
    // AWS's IPv6 metadata endpoint.
    const AWS_METADATA: Ipv6Addr = Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254);
    let link_local = (ip.segments()[0] & 0xffc0) == 0xfe80;
    !(link_local || ip.is_unspecified() || ip.is_multicast() || ip == AWS_METADATA)
}

/// Checks a webhook URL when it is set: http(s), a host, at most 2048
/// bytes, and no forbidden IP literal. Returns why it is refused.
pub fn check_url(raw: &str, allow_link_local: bool) -> Result<(), String> {
    if raw.len() > 2048 {
        return Err("it is longer than 2048 characters".into());
    }
    if raw.chars().any(|c| c.is_control() || c.is_whitespace()) {
        // The URL parser would silently drop tabs and newlines.
        return Err("it contains whitespace or control characters".into());
    }
    let url = url::Url::parse(raw).map_err(|e| format!("it is not a URL ({e})"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err("it must start with http:// or https://".into());
    }
    let ip = match url.host() {
        None => return Err("it names no host".into()),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip),
        Some(url::Host::Domain(_)) => return Ok(()),
    };
    if allow_link_local || allowed(ip) {
        Ok(())
    } else {
        Err(format!(
            "it targets {ip}, a link-local or metadata address (allow_link_local_webhooks permits it)"
        ))
    }
}

/// The DNS resolver webhook deliveries use: the system's, without the
/// addresses [`allowed`] refuses.
#[derive(Debug, Clone, Copy)]
pub struct GuardedResolver;

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let found = tokio::net::lookup_host((host.as_str(), 0)).await?;
            let kept: Vec<SocketAddr> = found.filter(|a| allowed(a.ip())).collect();
            if kept.is_empty() {
                let e = std::io::Error::new(
                    std::io::ErrorKind::PermissionDenied,
                    format!("{host} resolves only to link-local or metadata addresses"),
                );
                return Err(Box::new(e) as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(kept.into_iter()) as Addrs)
        })
    }
}

/// The HTTP client webhooks are sent with.
pub fn client(
    timeout: std::time::Duration,
    allow_link_local: bool,
) -> reqwest::Result<reqwest::Client> {
    builder(timeout, allow_link_local).build()
}

/// What went wrong with an outgoing call, by its innermost cause
/// ("connection refused"), which is what an operator needs.
pub fn describe_error(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        return "no answer in time".into();
    }
    let mut last = e.to_string();
    let mut next = std::error::Error::source(e);
    while let Some(s) = next {
        last = s.to_string();
        next = s.source();
    }
    last
}

/// A client builder with the same guard, to add to (HTTP/2 for APNs).
pub fn builder(timeout: std::time::Duration, allow_link_local: bool) -> reqwest::ClientBuilder {
    // No proxy from the environment: it would resolve names past the guard.
    let builder = reqwest::Client::builder()
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy();
    if allow_link_local {
        builder
    } else {
        builder.dns_resolver(Arc::new(GuardedResolver))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_and_link_local_targets_are_refused_and_others_kept() {
        for bad in [
            "http://169.254.169.254/latest/meta-data/",
            "http://[fe80::1]/",
            "http://[::ffff:169.254.169.254]/",
            "http://[fd00:ec2::254]/",
            "http://100.100.100.200/",
            "http://0.0.0.0:8080/",
        ] {
            assert!(check_url(bad, false).is_err(), "{bad}");
            assert!(check_url(bad, true).is_ok(), "{bad} when allowed");
        }
        for good in [
            "http://127.0.0.1:9000/hook",
            "https://bots.example.com/hook",
            "http://10.0.0.5/hook",
            "http://[::1]:8080/",
        ] {
            assert_eq!(check_url(good, false), Ok(()), "{good}");
        }
        assert!(check_url("ftp://example.com/", false).is_err());
        assert!(check_url("http://", false).is_err());
    }

    #[tokio::test]
    async fn the_resolver_drops_forbidden_addresses() {
        let r = GuardedResolver
            .resolve("localhost".parse().expect("name"))
            .await
            .expect("localhost resolves");
        assert!(r.map(|a| a.ip()).all(allowed));
    }
}
