//! `GET /admin/Health`: how this node is — version, uptime, the database
//! (kind, size, schema version), open sockets, the change feed's head and
//! the delivery queue.

use axum::extract::State;
use axum::Json;
use parley_protocol::admin::{DatabaseHealth, Health, JobsHealth};
use parley_protocol::Timestamp;

use crate::app::App;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::store::{feed, health, Dialect};

/// `GET /admin/Health`
pub async fn fetch(State(app): State<App>, p: Principal) -> ApiResult<Json<Health>> {
    p.require_admin("read the server's health")?;
    let now_ms = app.clock.now().saturating_mul(1000);
    let ((size, version), head, (queued, due, failing)) = app
        .db
        .read(move |c| {
            Ok::<_, ApiError>((
                health::database(c)?,
                feed::head(c)?,
                health::jobs(c, now_ms)?,
            ))
        })
        .await?;
    let (kind, migrations) = match app.db.dialect() {
        Dialect::Sqlite => ("sqlite", crate::store::sqlite::migrations::LATEST),
        Dialect::Postgres => ("postgres", crate::store::postgres::migrations::LATEST),
    };
    Ok(Json(Health {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        uptime: app.started.1.elapsed().as_secs() as i64,
        started: Timestamp(app.started.0),
        database: DatabaseHealth {
            kind: kind.to_owned(),
            size_bytes: size,
            migration: version,
            migrations,
        },
        sockets: app.hub.sockets(),
        feed_head: head,
        jobs: JobsHealth {
            queued,
            due,
            failing,
        },
    }))
}
