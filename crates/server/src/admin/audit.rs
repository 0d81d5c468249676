//! The audit log: every change made with admin credentials — through the
//! console or with the account's or an API key's credentials over REST —
//! is written to `audit_log` with who made it, from which address, what it
//! was, the request's parameters and the resource before and after
//! (secrets redacted, long texts such as a message's body cut to 256
//! characters), and listed by `GET /admin/AuditLog` (searchable,
//! paged, exportable as CSV or JSON Lines).
//!
//! [`record`] wraps every route: it hands the request a [`Slot`] that the
//! `Principal` extractor fills when it authenticates an admin
//! ([`identify`]), keeps the form parameters, and after the handler ran
//! writes the entry, before the answer leaves, so a change the caller saw
//! succeed is in the log. Handlers of settings add the state they replaced
//! to their answer as a [`Before`] extension; the answer's own JSON is the
//! state after. End users' requests (access tokens) are not audited here:
//! their changes are the chat itself.

use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::{MatchedPath, Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use parley_protocol::admin::AuditEntry;
use parley_protocol::{paging, Timestamp};
use serde_json::Value;

use crate::app::App;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::form::{Params, Query, MAX_FORM_BYTES};
use crate::paging::{self as pg, PageRequest};
use crate::store::audit::{self, EntryRow, Filter, NewEntry};

/// Largest answer whose JSON is kept as the state after a change.
const MAX_AFTER_BYTES: usize = 256 * 1024;
/// Most entries one export holds (the newest).
const MAX_EXPORT: usize = 100_000;

/// Who made the request, once authenticated as an admin.
#[derive(Debug, Clone)]
struct Actor {
    sid: String,
    via: &'static str,
}

/// Filled by the `Principal` extractor for an admin request.
#[derive(Debug, Clone, Default)]
pub struct Slot(Arc<Mutex<Option<Actor>>>);

/// The resource as it was before a change, added by the handler to its
/// answer's extensions.
#[derive(Debug, Clone)]
pub struct Before(pub Value);

/// An update's answer: the resource after the change, carrying the state
/// before it for the audit log.
pub fn changed<T: serde::Serialize>(before: &T, after: &T) -> Response {
    let mut r = axum::Json(after).into_response();
    if let Ok(v) = serde_json::to_value(before) {
        r.extensions_mut().insert(Before(v));
    }
    r
}

/// Marks the request as made by the admin `sid`, `via` the console or
/// REST.
pub fn identify(parts: &Parts, sid: &str, via: &'static str) {
    if let Some(slot) = parts.extensions.get::<Slot>() {
        if let Ok(mut s) = slot.0.lock() {
            *s = Some(Actor {
                sid: sid.to_owned(),
                via,
            });
        }
    }
}

/// Whether a parameter or field holds a secret.
fn secret_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase().replace(['_', '.'], "");
    [
        "secret",
        "token",
        "password",
        "privatekey",
        "certificate",
        "apikey",
        "credential",
    ]
    .iter()
    .any(|s| n.contains(s))
        && !n.ends_with("sid")
}

const REDACTED: &str = "[redacted]";

fn redact_params(p: &Params) -> Value {
    let mut m = serde_json::Map::new();
    for (k, v) in p.pairs() {
        let v = if secret_name(k) {
            Value::String(REDACTED.into())
        } else {
            Value::String(v.clone())
        };
        match m.get_mut(k) {
            Some(Value::Array(a)) => a.push(v),
            Some(prev) => *prev = Value::Array(vec![prev.take(), v]),
            None => {
                m.insert(k.clone(), v);
            }
        }
    }
    Value::Object(m)
}

/// The same JSON with every secret-named field's value replaced.
pub fn redact(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.into_iter()
                .map(|(k, v)| {
                    if secret_name(&k) && !v.is_null() && !v.is_object() {
                        (k, Value::String(REDACTED.into()))
                    } else {
                        (k, redact(v))
                    }
                })
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.into_iter().map(redact).collect()),
        other => other,
    }
}

/// Longest text kept of one value: the log says what changed, not the
/// content (a message's body is the chat's, not the audit log's).
const MAX_VALUE_CHARS: usize = 256;

/// The same JSON with every string cut to [`MAX_VALUE_CHARS`].
fn clip(v: Value) -> Value {
    match v {
        Value::String(s) if s.chars().count() > MAX_VALUE_CHARS => {
            let n = s.chars().count();
            let kept: String = s.chars().take(MAX_VALUE_CHARS).collect();
            Value::String(format!("{kept}… ({n} characters)"))
        }
        Value::Object(m) => Value::Object(m.into_iter().map(|(k, v)| (k, clip(v))).collect()),
        Value::Array(a) => Value::Array(a.into_iter().map(clip).collect()),
        other => other,
    }
}

fn is_sid(s: &str) -> bool {
    s.len() == 34
        && s.as_bytes()[..2].iter().all(u8::is_ascii_uppercase)
        && s[2..].bytes().all(|b| b.is_ascii_hexdigit())
}

/// What a change does, from its method and route: `create user`,
/// `update service`, `delete message`, or a named admin action.
pub fn action(method: &Method, route: &str) -> String {
    let named = match (method.as_str(), route) {
        ("POST", "/admin/Session") => Some("console sign-in"),
        ("DELETE", "/admin/Session") => Some("console sign-out"),
        ("POST", "/admin/Account/AuthToken/Rotate") => Some("rotate auth token"),
        ("POST", "/admin/Account/AuthToken/Reveal") => Some("reveal auth token"),
        ("POST", "/admin/Services/{service}/Users/{user}/Password") => Some("set user password"),
        ("POST", "/admin/Services/{service}/Users/{user}/SignOut") => Some("sign user out"),
        _ => None,
    };
    if let Some(n) = named {
        return n.to_owned();
    }
    let segments: Vec<&str> = route.split('/').filter(|s| !s.is_empty()).collect();
    let item = segments.last().is_some_and(|s| s.starts_with('{'));
    let noun = segments
        .iter()
        .rev()
        .find(|s| !s.starts_with('{'))
        .map(|s| s.trim_end_matches(".json"))
        .unwrap_or("resource");
    let noun = singular(noun);
    let verb = match (method.as_str(), item) {
        ("DELETE", _) => "delete",
        ("POST", true) => "update",
        ("POST", false) => "create",
        (m, _) => return format!("{} {noun}", m.to_ascii_lowercase()),
    };
    format!("{verb} {noun}")
}

/// `Services` → `service`, `Bindings` → `binding`; Twilio's nouns are all
/// regular plurals.
fn singular(noun: &str) -> String {
    let lower = noun.to_ascii_lowercase();
    match lower.strip_suffix('s') {
        Some(s) if !s.is_empty() => s.to_owned(),
        _ => lower,
    }
}

fn content_type_is(headers: &axum::http::HeaderMap, prefix: &str) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with(prefix))
}

/// The middleware (see the module doc).
pub async fn record(State(app): State<App>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned())
        .unwrap_or_default();
    let slot = Slot::default();
    let (mut parts, body) = req.into_parts();
    parts.extensions.insert(slot.clone());
    let address = crate::forwarded::of_parts(&app, &parts).map(|ip| ip.to_string());
    let (method, path) = (parts.method.clone(), parts.uri.path().to_owned());
    // The form is kept as the bytes the handler reads too (shared, not
    // copied), and parsed only if an admin turns out to have sent it.
    let (body, form) = if content_type_is(&parts.headers, "application/x-www-form-urlencoded") {
        match axum::body::to_bytes(body, MAX_FORM_BYTES).await {
            Ok(bytes) => (Body::from(bytes.clone()), Some(bytes)),
            Err(_) => {
                return ApiError::with_status(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    parley_protocol::ErrorCode::InvalidParameter,
                    format!("Request body too large: at most {MAX_FORM_BYTES} bytes"),
                )
                .into_response()
            }
        }
    } else {
        (body, None)
    };
    let resp = next.run(Request::from_parts(parts, body)).await;
    let actor = slot.0.lock().ok().and_then(|mut s| s.take());
    let Some(actor) = actor else {
        return resp;
    };
    let status = resp.status().as_u16();
    let before = resp
        .extensions()
        .get::<Before>()
        .map(|b| redact(b.0.clone()));
    let (resp, after) = answer_json(resp).await;
    // A failed change has no state after; its status says it failed.
    let after = after.filter(|_| resp.status().is_success()).map(redact);
    // What was changed: the item the path names, or what a creation made;
    // else the nearest SID in the path.
    let created = after
        .as_ref()
        .and_then(|a| a.get("sid"))
        .and_then(Value::as_str)
        .filter(|s| is_sid(s))
        .map(str::to_owned);
    let last = path
        .rsplit('/')
        .next()
        .filter(|s| is_sid(s))
        .map(str::to_owned);
    let target_sid = if route.ends_with('}') {
        last.or(created)
    } else {
        created.or(last)
    }
    .or_else(|| path.rsplit('/').find(|s| is_sid(s)).map(str::to_owned));
    let entry = NewEntry {
        actor_sid: actor.sid,
        via: actor.via,
        address,
        action: action(&method, &route),
        method: method.to_string(),
        path,
        target_sid,
        status,
        request: form.map(|f| clip(redact_params(&Params::parse(&f))).to_string()),
        before: before.map(|b| clip(b).to_string()),
        after: after.map(|a| clip(a).to_string()),
    };
    // The change has committed: should its entry fail to be written (the
    // database went away in between), the answer still says what happened
    // and the failure is logged loudly.
    if let Err(e) = app
        .db
        .write(move |tx| audit::insert(tx, &entry).map_err(ApiError::from))
        .await
    {
        tracing::error!(error = ?e.message, "could not write the audit log entry");
    }
    resp
}

/// The answer's JSON body (when small), and the answer rebuilt.
async fn answer_json(resp: Response) -> (Response, Option<Value>) {
    use http_body::Body as _;
    let small = resp
        .body()
        .size_hint()
        .upper()
        .is_some_and(|n| n <= MAX_AFTER_BYTES as u64);
    if !content_type_is(resp.headers(), "application/json") || !small {
        return (resp, None);
    }
    let (parts, body) = resp.into_parts();
    match axum::body::to_bytes(body, MAX_AFTER_BYTES).await {
        Ok(bytes) => {
            let json = serde_json::from_slice(&bytes).ok();
            (Response::from_parts(parts, Body::from(bytes)), json)
        }
        Err(_) => (ApiError::internal().into_response(), None),
    }
}

fn parse_json(s: &Option<String>) -> Option<Value> {
    s.as_deref().and_then(|s| serde_json::from_str(s).ok())
}

fn render(e: &EntryRow) -> AuditEntry {
    AuditEntry {
        sid: format!("AU{:032x}", e.id),
        date_created: Timestamp(e.date_created),
        actor_sid: e.actor_sid.clone(),
        via: e.via.clone(),
        address: e.address.clone(),
        method: e.method.clone(),
        path: e.path.clone(),
        action: e.action.clone(),
        target_sid: e.target_sid.clone(),
        status: e.status,
        request: parse_json(&e.request),
        before: parse_json(&e.before),
        after: parse_json(&e.after),
    }
}

fn filter(q: &Params) -> Filter {
    let nonempty = |n: &str| {
        q.str(n)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    Filter {
        actor_sid: nonempty("ActorSid"),
        search: nonempty("Q"),
    }
}

/// `GET /admin/AuditLog`: newest first, paged; `Q` searches action, path,
/// target and actor; `ActorSid` keeps one actor; `Format=csv` or `jsonl`
/// exports every matching entry (the newest 100,000).
pub async fn list(State(app): State<App>, p: Principal, Query(q): Query) -> ApiResult<Response> {
    p.require_admin("read the audit log")?;
    let f = filter(&q);
    match q.str("Format").unwrap_or("json") {
        "json" => {}
        "csv" | "jsonl" => return export(&app, f, q.str("Format") == Some("csv")).await,
        other => {
            return Err(ApiError::invalid_param(format!(
                "Invalid Format {}: use json, csv or jsonl",
                crate::logging::Field(other)
            )))
        }
    }
    let req = PageRequest::from_query(&q, 50)?;
    let a = app.clone();
    app.db
        .read(move |c| {
            let w = audit::page(c, &f, req.bound(), req.size)?;
            let items: Vec<AuditEntry> = w.items.iter().map(render).collect();
            let meta = pg::meta(&a.public_url, "/admin/AuditLog", "entries", &q, &req, &w);
            Ok(axum::Json(paging::page_json(&items, &meta)).into_response())
        })
        .await
}

async fn export(app: &App, f: Filter, csv: bool) -> ApiResult<Response> {
    let entries = app
        .db
        .read(move |c| {
            let mut all = Vec::new();
            let mut bound = None;
            loop {
                let w = audit::page(c, &f, bound, 1000)?;
                all.extend(w.items.iter().map(render));
                match (w.has_next, w.last_key) {
                    (true, Some(k)) if all.len() < MAX_EXPORT => {
                        bound = Some(crate::store::paging::Bound::After(k))
                    }
                    _ => break,
                }
            }
            all.truncate(MAX_EXPORT);
            Ok::<_, ApiError>(all)
        })
        .await?;
    let (body, kind, ext) = if csv {
        (to_csv(&entries)?, "text/csv; charset=utf-8", "csv")
    } else {
        let mut out = String::new();
        for e in &entries {
            out.push_str(&serde_json::to_string(e).map_err(|_| ApiError::internal())?);
            out.push('\n');
        }
        (out.into_bytes(), "application/x-ndjson", "jsonl")
    };
    Ok(super::download(
        body,
        kind,
        &format!("parley-audit-log.{ext}"),
    ))
}

fn to_csv(entries: &[AuditEntry]) -> ApiResult<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| {
        tracing::error!(error = %e, "could not write CSV");
        ApiError::internal()
    };
    w.write_record([
        "sid",
        "date_created",
        "actor_sid",
        "via",
        "address",
        "method",
        "path",
        "action",
        "target_sid",
        "status",
        "request",
        "before",
        "after",
    ])
    .map_err(fail)?;
    let json = |v: &Option<Value>| v.as_ref().map(Value::to_string).unwrap_or_default();
    for e in entries {
        w.write_record([
            e.sid.as_str(),
            &e.date_created.to_string(),
            &e.actor_sid,
            &e.via,
            e.address.as_deref().unwrap_or_default(),
            &e.method,
            &e.path,
            &e.action,
            e.target_sid.as_deref().unwrap_or_default(),
            &e.status.to_string(),
            &json(&e.request),
            &json(&e.before),
            &json(&e.after),
        ])
        .map_err(fail)?;
    }
    w.into_inner().map_err(|_| ApiError::internal())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_are_named_from_the_route() {
        let post = Method::POST;
        assert_eq!(action(&post, "/v2/Services"), "create service");
        assert_eq!(action(&post, "/v2/Services/{service}"), "update service");
        assert_eq!(
            action(
                &Method::DELETE,
                "/v2/Services/{service}/Channels/{channel}/Messages/{sid}"
            ),
            "delete message"
        );
        assert_eq!(
            action(&post, "/2010-04-01/Accounts/{account}/Keys.json"),
            "create key"
        );
        assert_eq!(
            action(&post, "/admin/Account/AuthToken/Rotate"),
            "rotate auth token"
        );
    }

    #[test]
    fn long_values_are_cut_and_short_ones_kept() {
        let long = "字".repeat(1000);
        let v = clip(serde_json::json!({"Body": long, "n": 3, "list": ["short", "x".repeat(300)]}));
        let body = v["Body"].as_str().unwrap_or_default();
        assert!(body.ends_with("… (1000 characters)"), "{body}");
        assert_eq!(body.chars().filter(|c| *c == '字').count(), MAX_VALUE_CHARS);
        assert_eq!(v["n"], 3);
        assert_eq!(v["list"][0], "short");
        assert!(v["list"][1]
            .as_str()
            .unwrap_or_default()
            .ends_with("(300 characters)"));
    }

    #[test]
    fn secrets_are_redacted_in_params_and_answers() {
        let p = Params::parse(b"FriendlyName=k&Secret=s3&Password=pw&RoleSid=RL1&Notifications.NewMessage.Template=hi");
        let v = redact_params(&p);
        assert_eq!(v["Secret"], REDACTED);
        assert_eq!(v["Password"], REDACTED);
        assert_eq!(v["FriendlyName"], "k");
        assert_eq!(v["RoleSid"], "RL1", "a SID is no secret");
        assert_eq!(v["Notifications.NewMessage.Template"], "hi");
        let a = redact(
            serde_json::json!({"sid": "SK1", "secret": "abc", "nested": {"auth_token": "t"}}),
        );
        assert_eq!(a["secret"], REDACTED);
        assert_eq!(a["nested"]["auth_token"], REDACTED);
        assert_eq!(a["sid"], "SK1");
    }
}
