//! The delivery log, for operators: `GET /admin/Services/{ServiceSid}/Deliveries`
//! (a Parley admin endpoint; account or API-key credentials only) lists
//! every attempt to deliver a post-event webhook, a pre-event webhook or a
//! push for the service in the last 7 days, newest first, paged like the
//! Chat v2 lists (`meta`, `PageSize`, `PageToken`). `Kind=webhook`,
//! `pre-webhook` or `push` keeps one kind.

use axum::extract::{Path, State};
use axum::Json;
use parley_protocol::resources::Delivery;
use parley_protocol::{paging, Timestamp};

use super::services::load;
use crate::app::App;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::form::Query;
use crate::paging::{self as pg, PageRequest};
use crate::store::deliveries::DeliveryRow;

fn render(d: &DeliveryRow) -> Delivery {
    Delivery {
        service_sid: d.service_sid.clone(),
        kind: d.kind.clone(),
        event: d.event.clone(),
        target: d.target.clone(),
        outcome: d.outcome.clone(),
        status: d.status,
        attempt: d.attempt,
        detail: d.detail.clone(),
        date_created: Timestamp(d.date_created),
    }
}

const KINDS: &[&str] = &["webhook", "pre-webhook", "push"];

/// `GET /admin/Services/{ServiceSid}/Deliveries`
pub async fn list(
    State(app): State<App>,
    p: Principal,
    Path(service): Path<String>,
    Query(q): Query,
) -> ApiResult<Json<serde_json::Value>> {
    p.require_admin("read the delivery log")?;
    let req = PageRequest::from_query(&q, 50)?;
    let kind = match q.str("Kind").filter(|k| !k.is_empty()) {
        None => None,
        Some(k) if KINDS.contains(&k) => Some(k.to_owned()),
        Some(k) => {
            return Err(ApiError::invalid_param(format!(
                "Invalid Kind {}: use webhook, pre-webhook or push",
                crate::logging::Field(k)
            )))
        }
    };
    let a = app.clone();
    app.db
        .read(move |c| {
            load(c, &service)?;
            let w = crate::store::deliveries::page(
                c,
                &service,
                kind.as_deref(),
                req.bound(),
                req.size,
            )?;
            let items: Vec<Delivery> = w.items.iter().map(render).collect();
            let path = format!("/admin/Services/{service}/Deliveries");
            let meta = pg::meta(&a.public_url, &path, "deliveries", &q, &req, &w);
            Ok(Json(paging::page_json(&items, &meta)))
        })
        .await
}
