//! `GET /admin/Services/{IS}/Channels?Q=&Type=`: every channel of a
//! service, public and private (or the `Type`s given), whose friendly or
//! unique name contains `Q` (case-insensitively), in creation order and
//! paged like the Chat v2 list — the console's channel browser, which must
//! find a channel among thousands without loading them all.

use axum::extract::{Path, State};
use axum::Json;
use parley_protocol::paging;
use parley_protocol::resources::Channel;

use crate::api::services::load;
use crate::app::App;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::form::Query;
use crate::paging::{self as pg, PageRequest};
use crate::store::channels;

/// `GET /admin/Services/{IS}/Channels`
pub async fn list(
    State(app): State<App>,
    p: Principal,
    Path(service): Path<String>,
    Query(q): Query,
) -> ApiResult<Json<serde_json::Value>> {
    p.require_admin("search channels")?;
    let req = PageRequest::from_query(&q, 50)?;
    let mut types: Vec<String> = q
        .all("Type")
        .into_iter()
        .filter(|t| !t.is_empty())
        .collect();
    if types.is_empty() {
        types = vec!["public".into(), "private".into()];
    }
    if let Some(bad) = types.iter().find(|t| *t != "public" && *t != "private") {
        return Err(ApiError::invalid_param(format!(
            "Invalid channel Type {}: use public or private",
            crate::logging::Field(bad)
        )));
    }
    let needle = q.str("Q").map(str::trim).unwrap_or_default().to_owned();
    let a = app.clone();
    app.db
        .read(move |c| {
            load(c, &service)?;
            let matching = (!needle.is_empty()).then_some(needle.as_str());
            let w = channels::page(c, &service, &types, None, matching, req.bound(), req.size)?;
            let items: Vec<Channel> = w.items.iter().map(|ch| ch.render(&a)).collect();
            let path = format!("/admin/Services/{service}/Channels");
            let meta = pg::meta(&a.public_url, &path, "channels", &q, &req, &w);
            Ok(Json(paging::page_json(&items, &meta)))
        })
        .await
}
