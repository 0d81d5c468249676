//! Pre-event webhooks: before a change a user makes (with an access token)
//! commits, the service's `PreWebhookUrl` is asked, synchronously, whether
//! it may happen. A 2xx lets it through, and a 2xx with a JSON object may
//! rewrite the fields the event allows (messages: `Body`, `Attributes`;
//! channels: `FriendlyName`, `UniqueName`, `Attributes`; members:
//! `Attributes`; users: `FriendlyName`, `Attributes`; either casing): the
//! answer replaces those request parameters, and the change is then parsed
//! and validated like any other. Any other status
//! rejects the change with 50056. A timeout or an unreachable hook, after
//! `PreWebhookRetryCount` retries, rejects with 50076 / 50057 — or lets the
//! change through when the service says `PreWebhookFailOpen` (a Parley
//! extension). REST changes with account or API-key credentials never ask,
//! as on Twilio.
//!
//! No transaction is held while the hook is awaited. A handler's work runs
//! twice: the first time it parses, checks permissions and reaches the
//! point where it would change something; if a hook must be asked it stops
//! there, having written nothing, and returns [`Step::Ask`]. [`run`] asks,
//! applies the answer to the request's parameters, and runs the work again
//! ([`Pre::Allowed`]), which parses and checks everything again against the
//! state of that moment. Work with no hook to ask completes the first time,
//! at no extra cost.

use std::future::Future;

use parley_protocol::ErrorCode;

use super::call::{self, Answer};
use crate::app::App;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::form::Params;
use crate::store::services::ServiceRow;
use crate::webhooks::post::Queued;

/// For `Result::map` after a write that returned a [`Step`] of
/// `(reply, queued)`: wakes the job workers when the write queued
/// post-event calls, and passes the reply (or the question) on.
pub fn fired<R>(app: &App) -> impl FnOnce(Step<(R, Queued)>) -> Step<R> + '_ {
    move |step| match step {
        Step::Done(done) => Step::Done(super::post::fired(app)(done)),
        Step::Ask(ask) => Step::Ask(ask),
    }
}

/// How far a write has got with its pre-event webhook.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Pre {
    /// Not asked yet.
    #[default]
    First,
    /// Asked, and allowed (its rewrite is in the parameters by now).
    Allowed,
}

/// What a write returns: done, or stopped before changing anything
/// because a hook must be asked first.
#[derive(Debug)]
pub enum Step<T> {
    Done(T),
    Ask(Ask),
}

/// A pre-event webhook call to make.
#[derive(Debug, Clone)]
pub struct Ask {
    event: &'static str,
    service: String,
    url: String,
    method: String,
    retries: u32,
    fail_open: bool,
    params: Vec<(String, String)>,
}

/// Fields a hook's answer replaced, by their Twilio names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rewrite {
    fields: Vec<(&'static str, String)>,
}

impl Rewrite {
    /// The rewritten fields, in the event's order.
    pub fn fields(&self) -> &[(&'static str, String)] {
        &self.fields
    }

    /// The rewritten value of `field` (`Body`, `Attributes`, …), if any.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| *k == field)
            .map(|(_, v)| v.as_str())
    }

    /// Puts the rewritten fields into the request's parameters.
    pub fn apply(&self, f: &mut Params) {
        for (k, v) in &self.fields {
            f.set(k, v.clone());
        }
    }
}

impl Pre {
    /// Inside a write, once the change is decided and nothing is written
    /// yet: the hook to ask first, if `p`'s change in service `s` must be
    /// put to one. `params` builds the event's parameters (beyond the ones
    /// every event has) only when a hook will be called.
    pub fn ask(
        &self,
        app: &App,
        p: &Principal,
        s: &ServiceRow,
        event: &'static str,
        params: impl FnOnce() -> Vec<(String, String)>,
    ) -> Option<Ask> {
        let Pre::First = self else { return None };
        let Principal::User(u) = p else { return None };
        let url = s.pre_webhook_url.clone()?;
        if !super::wanted(s.webhook_filters.as_deref(), event) {
            return None;
        }
        let origin = super::Origin::user(&u.identity);
        let mut all = super::base(event, app, &s.sid, &origin);
        all.extend(params());
        Some(Ask {
            event,
            service: s.sid.to_string(),
            url,
            method: s.webhook_method.clone().unwrap_or_else(|| "POST".into()),
            retries: u32::try_from(s.pre_webhook_retry_count).unwrap_or(0),
            fail_open: s.pre_webhook_fail_open,
            params: all,
        })
    }
}

/// Runs a handler's work that may have to ask a pre-event webhook first:
/// `work` is called with the request's parameters and [`Pre::First`]; if it
/// asks, the hook is called and `work` runs again with the parameters as
/// the hook rewrote them.
pub async fn run<T, F, Fut>(app: &App, form: Params, mut work: F) -> ApiResult<T>
where
    F: FnMut(Params, Pre) -> Fut,
    Fut: Future<Output = ApiResult<Step<T>>>,
{
    match work(form.clone(), Pre::First).await? {
        Step::Done(t) => Ok(t),
        Step::Ask(ask) => {
            let rewrite = decide(app, &ask).await?;
            let mut form = form;
            rewrite.apply(&mut form);
            match work(form, Pre::Allowed).await? {
                Step::Done(t) => Ok(t),
                Step::Ask(_) => {
                    tracing::error!(
                        event = ask.event,
                        "a write asked its pre-event webhook twice"
                    );
                    Err(ApiError::internal())
                }
            }
        }
    }
}

/// Calls the hook (with retries) and turns its answer into a decision.
async fn decide(app: &App, ask: &Ask) -> ApiResult<Rewrite> {
    let mut attempt = 0u32;
    let answer = loop {
        let mut params = ask.params.clone();
        if let Some(rc) = params.iter_mut().find(|(k, _)| k == "RetryCount") {
            rc.1 = attempt.to_string();
        }
        let answer = call::call(
            &app.webhook_http,
            &app.auth_token.current(&app.db).await,
            app.allow_link_local_webhooks,
            &ask.url,
            &ask.method,
            &params,
        )
        .await;
        log(app, ask, &answer, attempt);
        if answer.retryable() && attempt < ask.retries {
            attempt += 1;
            continue;
        }
        break answer;
    };
    match answer {
        Answer::Status { code, body, .. } if (200..300).contains(&code) => Ok(body
            .as_deref()
            .map(|b| parse_rewrite(ask.event, b))
            .unwrap_or_default()),
        Answer::Status { code, body, .. } => Err(ApiError::new(
            ErrorCode::WebhookRejected,
            match body.as_deref().and_then(reason) {
                Some(why) => format!("Webhook disabled processing of command: {why}"),
                None => format!(
                    "Webhook disabled processing of command: the service's pre-event webhook answered {code}"
                ),
            },
        )),
        _ if ask.fail_open => {
            tracing::warn!(event = ask.event, detail = %answer.describe(), "pre-event webhook unreachable; the service lets changes through");
            Ok(Rewrite::default())
        }
        Answer::TimedOut => Err(ApiError::new(
            ErrorCode::WebhookTimedOut,
            format!(
                "Webhook failed to execute successfully due to timeout: the service's pre-event webhook did not answer within {} s",
                call::TIMEOUT.as_secs()
            ),
        )),
        Answer::Failed(_) => Err(ApiError::new(
            ErrorCode::WebhookFailed,
            "Webhook call failed to execute successfully: the service's pre-event webhook cannot be reached",
        )),
    }
}

/// A rejecting hook's reason for the user: the first line of a short text
/// answer (not JSON, not HTML), at most 200 characters.
fn reason(body: &str) -> Option<String> {
    let line = body.lines().next()?.trim();
    if line.is_empty() || line.starts_with('{') || line.starts_with('<') {
        return None;
    }
    let cut: String = line.chars().filter(|c| !c.is_control()).take(200).collect();
    Some(cut)
}

/// The fields event `event` lets a hook rewrite.
pub fn rewritable(event: &str) -> &'static [&'static str] {
    match event {
        "onMessageSend" | "onMediaMessageSend" | "onMessageUpdate" => &["Body", "Attributes"],
        "onChannelAdd" | "onChannelUpdate" => &["FriendlyName", "UniqueName", "Attributes"],
        "onMemberAdd" | "onMemberUpdate" => &["Attributes"],
        "onUserUpdate" => &["FriendlyName", "Attributes"],
        _ => &[],
    }
}

/// Reads a hook's 2xx answer: a JSON object whose keys name fields of the
/// event (`Body` or `body`); string values are taken as they are, an
/// object or array for `Attributes` as its JSON text. Anything else —
/// not JSON, not an object, unknown keys, other value types — changes
/// nothing.
pub fn parse_rewrite(event: &str, body: &str) -> Rewrite {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(body) else {
        return Rewrite::default();
    };
    let mut fields = Vec::new();
    for field in rewritable(event) {
        let value = map
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(field))
            .map(|(_, v)| v);
        let text = match value {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(v @ (serde_json::Value::Object(_) | serde_json::Value::Array(_)))
                if *field == "Attributes" =>
            {
                v.to_string()
            }
            _ => continue,
        };
        fields.push((*field, text));
    }
    Rewrite { fields }
}

/// Logs a call in the delivery log without making the user wait for it.
fn log(app: &App, ask: &Ask, answer: &Answer, attempt: u32) {
    let outcome = if answer.success() {
        "delivered"
    } else if answer.status().is_some() {
        "rejected"
    } else {
        "failed"
    };
    let (app, service, event, url, status, detail) = (
        app.clone(),
        ask.service.clone(),
        ask.event,
        ask.url.clone(),
        answer.status(),
        answer.describe(),
    );
    tokio::spawn(async move {
        let r = app
            .db
            .write(move |tx| {
                crate::store::deliveries::insert(
                    tx,
                    &crate::store::deliveries::NewDelivery {
                        service_sid: &service,
                        kind: "pre-webhook",
                        event,
                        target: &url,
                        outcome,
                        status,
                        attempt: i64::from(attempt) + 1,
                        detail: Some(&detail),
                    },
                )
                .map_err(ApiError::from)
            })
            .await;
        if let Err(e) = r {
            tracing::warn!(error = %e.message, "cannot log a pre-event webhook call");
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rewrite_takes_the_events_fields_in_either_casing_and_nothing_else() {
        let r = parse_rewrite(
            "onMessageSend",
            r#"{"body":"clean","Attributes":{"checked":true},"From":"mallory","unknown":1}"#,
        );
        assert_eq!(r.get("Body"), Some("clean"));
        assert_eq!(r.get("Attributes"), Some(r#"{"checked":true}"#));
        assert_eq!(r.get("From"), None);
        let r = parse_rewrite("onChannelUpdate", r#"{"FriendlyName":"x","Body":"y"}"#);
        assert_eq!((r.get("FriendlyName"), r.get("Body")), (Some("x"), None));
        for nothing in ["", "ok", "[1]", "null", r#"{"Body":5}"#, "{\"Body\":"] {
            assert_eq!(
                parse_rewrite("onMessageSend", nothing),
                Rewrite::default(),
                "{nothing}"
            );
        }
        assert_eq!(
            parse_rewrite("onMessageRemove", r#"{"Body":"x"}"#),
            Rewrite::default()
        );
    }

    #[test]
    fn a_reason_is_one_short_line_of_text() {
        assert_eq!(
            reason("Contains a banned word\nmore"),
            Some("Contains a banned word".into())
        );
        assert_eq!(reason("{\"error\":1}"), None);
        assert_eq!(reason("<html>"), None);
        assert_eq!(reason(&"x".repeat(500)).map(|r| r.len()), Some(200));
        assert_eq!(reason("bad\u{1b}[31m"), Some("bad[31m".into()));
    }
}
