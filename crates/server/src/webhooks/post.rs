//! Post-event webhooks on the durable queue: a write that makes a change
//! worth telling resolves, in its own transaction, which targets want the
//! event — the service's `PostWebhookUrl` (filtered by `WebhookFilters`)
//! and the channel's `webhook` and `trigger` hooks — and queues one job per
//! target ([`queue`]). The job workers deliver them ([`deliver`]), retrying
//! on a timeout, 429, 503, 504 or an unreachable target as often as the
//! target's retry count allows, with backoff in between, and log every
//! attempt.

use serde::{Deserialize, Serialize};

use super::call::{self, Answer};
use crate::app::App;
use crate::error::ApiResult;
use crate::jobs::{self, Job, Logged, Next, Outcome};
use crate::store::{self, jobs::JobRow, Tx};

/// A webhook call to queue when the change commits:
/// (event, service SID, channel SID, parameters); None when nothing fires.
pub type Hook = Option<(&'static str, String, Option<String>, Vec<(String, String)>)>;

/// One queued call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostCall {
    pub event: String,
    pub url: String,
    pub method: String,
    /// Retries after the first attempt.
    pub retries: u32,
    pub params: Vec<(String, String)>,
}

/// Whether a write queued any call (the claim loop is woken after commit).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[must_use]
pub struct Queued(bool);

impl From<bool> for Queued {
    fn from(b: bool) -> Self {
        Queued(b)
    }
}

impl std::ops::BitOr for Queued {
    type Output = Queued;
    fn bitor(self, other: Queued) -> Queued {
        Queued(self.0 || other.0)
    }
}

/// Queues one job per target interested in `hook`, inside the write.
pub fn queue(tx: &Tx<'_>, _app: &App, hook: Hook) -> ApiResult<Queued> {
    let Some((event, service, channel, params)) = hook else {
        return Ok(Queued(false));
    };
    let mut calls = Vec::new();
    let s = crate::api::services::load(tx, &service)?;
    if let (Some(url), true) = (
        s.post_webhook_url.clone(),
        super::wanted(s.webhook_filters.as_deref(), event),
    ) {
        calls.push(PostCall {
            event: event.to_owned(),
            url,
            method: s.webhook_method.clone().unwrap_or_else(|| "POST".into()),
            retries: u32::try_from(s.post_webhook_retry_count).unwrap_or(0),
            params: params.clone(),
        });
    }
    if let Some(ch) = &channel {
        let body = params
            .iter()
            .find(|(k, _)| k == "Body")
            .map(|(_, v)| v.as_str())
            .unwrap_or_default();
        for hook in store::webhooks::for_channel(tx, ch)? {
            let cfg = &hook.configuration;
            let fires = match hook.kind.as_str() {
                "webhook" => cfg
                    .filters
                    .as_ref()
                    .is_some_and(|f| f.iter().any(|x| x == event)),
                "trigger" => {
                    event == "onMessageSent"
                        && cfg.triggers.as_ref().is_some_and(|t| {
                            body.split_whitespace()
                                .any(|w| t.iter().any(|tr| tr.eq_ignore_ascii_case(w)))
                        })
                }
                _ => false,
            };
            if let (true, Some(url)) = (fires, cfg.url.clone()) {
                let mut p = params.clone();
                p.push(("WebhookSid".into(), hook.sid.to_string()));
                p.push(("WebhookType".into(), hook.kind.to_string()));
                calls.push(PostCall {
                    event: event.to_owned(),
                    url,
                    method: cfg.method.clone().unwrap_or_else(|| "POST".into()),
                    retries: cfg.retry_count,
                    params: p,
                });
            }
        }
    }
    let now = tx.now().saturating_mul(1000);
    for c in &calls {
        jobs::push(tx, &service, &Job::Webhook(c.clone()), now)?;
    }
    Ok(Queued(!calls.is_empty()))
}

/// For `Result::map` after a write that returned `(reply, queued)`: wakes
/// the job workers when the write queued calls, and passes the reply on.
pub fn fired<R>(app: &App) -> impl FnOnce((R, Queued)) -> R + '_ {
    move |(reply, queued)| {
        if queued.0 {
            app.jobs.wake();
        }
        reply
    }
}

/// Makes one attempt of a queued call and logs it.
pub async fn deliver(app: &App, row: &JobRow, c: &PostCall) -> Outcome {
    let attempt = row.attempts.max(1);
    let mut params = c.params.clone();
    let retry = (attempt - 1).to_string();
    match params.iter_mut().find(|(k, _)| k == "RetryCount") {
        Some(rc) => rc.1 = retry,
        None => params.push(("RetryCount".into(), retry)),
    }
    let answer = call::call(
        &app.webhook_http,
        &app.auth_token.current(&app.db).await,
        app.allow_link_local_webhooks,
        &c.url,
        &c.method,
        &params,
    )
    .await;
    let more = attempt <= i64::from(c.retries);
    let (next, label) = if answer.retryable() && more {
        let asked = match &answer {
            Answer::Status { retry_after, .. } => retry_after.map(std::time::Duration::from_secs),
            _ => None,
        };
        (Next::Retry { at_least: asked }, "retrying")
    } else if answer.success() {
        (Next::Done, "delivered")
    } else {
        (Next::Done, "failed")
    };
    if label != "delivered" {
        tracing::info!(
            url = %crate::logging::Field(&c.url),
            event = %c.event,
            attempt,
            outcome = label,
            detail = %answer.describe(),
            "webhook not delivered"
        );
    }
    Outcome {
        next,
        log: Some(Logged {
            kind: "webhook",
            event: c.event.clone(),
            target: c.url.clone(),
            outcome: label,
            status: answer.status(),
            detail: Some(answer.describe()),
        }),
    }
}
