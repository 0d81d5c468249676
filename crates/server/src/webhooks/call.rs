//! One webhook HTTP call, as both pre- and post-events make it: Twilio's
//! form parameters (`POST` body or `GET` query), `X-Twilio-Signature` over
//! the URL that is called, a 5 s timeout, the address guard of
//! `webhook_targets` checked again at send time, and the answer read back
//! (bounded) so a pre-event hook can rewrite the change.

use std::time::Duration;

use super::signature;

/// How long a webhook may take before it counts as timed out.
pub const TIMEOUT: Duration = Duration::from_secs(5);

/// Largest answer body read back (a pre-event hook's JSON).
const MAX_ANSWER: usize = 64 * 1024;

/// What a webhook call came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// The far end answered.
    Status {
        code: u16,
        /// The body, when it is at most 64 KiB of UTF-8.
        body: Option<String>,
        /// `Retry-After`, in seconds.
        retry_after: Option<u64>,
    },
    /// No answer within [`TIMEOUT`].
    TimedOut,
    /// The call could not be made (refused, reset, a name that does not
    /// resolve, an address the guard refuses).
    Failed(String),
}

impl Answer {
    /// Twilio retries a webhook on a timeout, 429, 503 and 504; Parley also
    /// when the far end cannot be reached (a durable queue outlives an
    /// outage).
    pub fn retryable(&self) -> bool {
        match self {
            Answer::Status { code, .. } => matches!(code, 429 | 503 | 504),
            Answer::TimedOut | Answer::Failed(_) => true,
        }
    }

    /// The HTTP status, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Answer::Status { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// Whether the far end said yes (2xx).
    pub fn success(&self) -> bool {
        self.status().is_some_and(|c| (200..300).contains(&c))
    }

    /// A short description for the delivery log.
    pub fn describe(&self) -> String {
        match self {
            Answer::Status { code, .. } => format!("answered {code}"),
            Answer::TimedOut => format!("no answer within {} s", TIMEOUT.as_secs()),
            Answer::Failed(why) => why.clone(),
        }
    }
}

/// The HTTP client every webhook call shares (no proxy, no redirects, the
/// resolver guard unless link-local targets are allowed). A client that
/// cannot be built stops the start: there is no unguarded fallback.
pub fn client(allow_link_local: bool) -> reqwest::Result<reqwest::Client> {
    crate::webhook_targets::client(TIMEOUT, allow_link_local)
}

/// Calls `url` with `params`, signed with `auth_token`.
pub async fn call(
    http: &reqwest::Client,
    auth_token: &str,
    allow_link_local: bool,
    url: &str,
    method: &str,
    params: &[(String, String)],
) -> Answer {
    if let Err(why) = crate::webhook_targets::check_url(url, allow_link_local) {
        return Answer::Failed(format!("target refused: {why}"));
    }
    let get = method.eq_ignore_ascii_case("GET");
    let (target, form) = if get {
        let q: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(params)
            .finish();
        let sep = if url.contains('?') { '&' } else { '?' };
        (format!("{url}{sep}{q}"), None)
    } else {
        (url.to_owned(), Some(params))
    };
    let sig = signature(auth_token, &target, form.unwrap_or(&[]));
    let mut req = if get {
        http.get(&target)
    } else {
        http.post(&target)
    };
    req = req
        .header("X-Twilio-Signature", sig)
        .header("User-Agent", "Parley-Webhooks/1");
    if let Some(f) = form {
        req = req.form(f);
    }
    match req.send().await {
        Ok(mut r) => {
            let code = r.status().as_u16();
            let retry_after = r
                .headers()
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok());
            let mut bytes = Vec::new();
            let mut whole = true;
            loop {
                match r.chunk().await {
                    Ok(Some(c)) if bytes.len() + c.len() <= MAX_ANSWER => {
                        bytes.extend_from_slice(&c)
                    }
                    Ok(Some(_)) => {
                        whole = false;
                        break;
                    }
                    Ok(None) => break,
                    Err(e) if e.is_timeout() => return Answer::TimedOut,
                    Err(_) => {
                        whole = false;
                        break;
                    }
                }
            }
            Answer::Status {
                code,
                body: whole.then(|| String::from_utf8(bytes).ok()).flatten(),
                retry_after,
            }
        }
        Err(e) if e.is_timeout() => Answer::TimedOut,
        Err(e) => Answer::Failed(crate::webhook_targets::describe_error(&e)),
    }
}
