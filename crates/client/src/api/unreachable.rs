//! Why a request never got an answer, in words a person can act on:
//! reqwest's own text ("error sending request for url (…)") names the
//! request, not the reason, which sits at the bottom of its source chain.

use std::error::Error as _;

use crate::error::ClientError;

/// `ClientError::Unreachable` with the reason `e` failed.
pub(crate) fn unreachable(e: &reqwest::Error) -> ClientError {
    ClientError::Unreachable(reason(e))
}

/// "127.0.0.1:9 refused the connection (is the server running?)" and the like.
fn reason(e: &reqwest::Error) -> String {
    let host = e
        .url()
        .and_then(|u| {
            u.host_str().map(|h| match u.port() {
                Some(p) => format!("{h}:{p}"),
                None => h.to_owned(),
            })
        })
        .unwrap_or_else(|| "the server".into());
    let mut innermost = e.to_string();
    let mut kind = None;
    let mut source = e.source();
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            kind = Some(io.kind());
        }
        innermost = s.to_string();
        source = s.source();
    }
    let lower = innermost.to_lowercase();
    if e.is_timeout() || kind == Some(std::io::ErrorKind::TimedOut) {
        format!("{host} did not answer in time")
    } else if kind == Some(std::io::ErrorKind::ConnectionRefused) {
        format!("{host} refused the connection (is the server running?)")
    } else if lower.contains("lookup address") || lower.contains("dns error") {
        format!("the name {host} could not be found")
    } else if lower.contains("certificate") || lower.contains("tls") {
        format!("a secure connection to {host} failed: {innermost}")
    } else if e.is_connect() {
        format!("no connection to {host}: {innermost}")
    } else {
        format!("the connection to {host} failed: {innermost}")
    }
}

#[cfg(test)]
mod tests {
    use super::unreachable;

    #[tokio::test]
    async fn a_refused_connection_says_so_with_the_address() {
        // A port that was free a moment ago: nothing listens there now.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free port");
        let e = reqwest::get(format!("http://127.0.0.1:{port}/"))
            .await
            .expect_err("refused");
        assert_eq!(
            unreachable(&e).to_string(),
            format!(
                "cannot reach the server: 127.0.0.1:{port} refused the connection (is the server running?)"
            )
        );
    }
}
