//! `POST /admin/Services/{IS}/Bindings/{BS}/TestPush`: sends one push to
//! one device, so an operator can check a credential and a binding
//! without waiting for a message. It is queued like any push (same
//! provider code, retries and delivery log, logged even when the service
//! does not log pushes) and answers 202 at once; the outcome shows in
//! `GET /admin/Services/{IS}/Deliveries?Kind=push`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::api::services::load;
use crate::app::App;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::jobs::{self, Job};
use crate::push::{PushJob, PushType};
use crate::store::bindings;

/// `POST /admin/Services/{IS}/Bindings/{BS}/TestPush`
pub async fn send(
    State(app): State<App>,
    p: Principal,
    Path((service, binding)): Path<(String, String)>,
) -> ApiResult<Response> {
    p.require_admin("send a test push")?;
    let queued = app
        .db
        .write(move |tx| {
            let s = load(tx, &service)?;
            let b = bindings::get(tx, &service, &binding)?.ok_or_else(|| {
                ApiError::no_route(&format!("/Services/{service}/Bindings/{binding}"))
            })?;
            let address = b.address.clone().ok_or_else(|| {
                ApiError::invalid_param("This binding has no device token (Address) to push to")
            })?;
            let job = PushJob {
                push_type: PushType::NewMessage,
                binding_sid: b.sid.to_string(),
                binding_type: b.binding_type.to_string(),
                credential_sid: b.credential_sid.clone().map(Into::into),
                address,
                identity: b.identity.clone(),
                title: s.friendly_name.clone(),
                body: "A test push from the Parley console".to_owned(),
                sound: None,
                badge: false,
                channel_sid: String::new(),
                message_sid: None,
                message_index: None,
                author: None,
                log: true,
            };
            jobs::push(tx, &s.sid, &Job::Push(job), tx.now().saturating_mul(1000))?;
            Ok::<_, ApiError>(b.sid)
        })
        .await?;
    app.jobs.wake();
    Ok((
        StatusCode::ACCEPTED,
        Json(json!({"binding_sid": queued, "queued": true})),
    )
        .into_response())
}
