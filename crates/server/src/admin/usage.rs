//! `GET /admin/Usage?ServiceSid=&From=YYYY-MM-DD&To=YYYY-MM-DD`: a
//! service's figures per UTC day (users, active users, messages, channels,
//! media bytes; see `parley_protocol::admin::UsageDay` for what each
//! counts), counted from the database (`store::usage`), as JSON or with
//! `Format=csv` as a CSV file. The period defaults to the last 30 days and
//! may span at most 366.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use parley_protocol::admin::{Usage, UsageDay};
use time::macros::format_description;
use time::{Date, OffsetDateTime};

use crate::api::services::load;
use crate::app::App;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::form::Query;
use crate::store::activity::DAY;
use crate::store::usage;

/// Longest period one request may ask for, in days.
pub const MAX_DAYS: i64 = 366;

fn day_number(d: Date) -> i64 {
    (d.midnight().assume_utc().unix_timestamp()).div_euclid(DAY)
}

fn date_of(day: i64) -> String {
    OffsetDateTime::from_unix_timestamp(day * DAY)
        .map(|t| {
            t.date()
                .format(format_description!("[year]-[month]-[day]"))
                .unwrap_or_default()
        })
        .unwrap_or_default()
}

fn parse_day(name: &str, value: Option<&str>) -> ApiResult<Option<i64>> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => Date::parse(v, format_description!("[year]-[month]-[day]"))
            .map(|d| Some(day_number(d)))
            .map_err(|_| {
                ApiError::invalid_param(format!(
                    "{name} must be a date as YYYY-MM-DD, not {}",
                    crate::logging::Field(v)
                ))
            }),
    }
}

/// `GET /admin/Usage`
pub async fn fetch(State(app): State<App>, p: Principal, Query(q): Query) -> ApiResult<Response> {
    p.require_admin("read usage")?;
    let service = q
        .str("ServiceSid")
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ApiError::invalid_param("ServiceSid is required"))?
        .to_owned();
    let today = app.clock.now().div_euclid(DAY);
    let to = parse_day("To", q.str("To"))?.unwrap_or(today);
    let from = parse_day("From", q.str("From"))?.unwrap_or(to - 29);
    if from > to {
        return Err(ApiError::invalid_param("From must not be after To"));
    }
    if to - from + 1 > MAX_DAYS {
        return Err(ApiError::invalid_param(format!(
            "The period may span at most {MAX_DAYS} days"
        )));
    }
    let csv = match q.str("Format").unwrap_or("json") {
        "json" => false,
        "csv" => true,
        other => {
            return Err(ApiError::invalid_param(format!(
                "Invalid Format {}: use json or csv",
                crate::logging::Field(other)
            )))
        }
    };
    let sid = service.clone();
    let (days, counted) = app
        .db
        .read(move |c| {
            load(c, &sid)?;
            Ok::<_, ApiError>(usage::days(c, &sid, from, to, today)?)
        })
        .await?;
    if !counted.is_empty() {
        let sid = service.clone();
        app.db
            .write(move |tx| usage::remember(tx, &sid, &counted).map_err(ApiError::from))
            .await?;
    }
    let usage = Usage {
        service_sid: service,
        from: date_of(from),
        to: date_of(to),
        days: days
            .into_iter()
            .map(|d| UsageDay {
                date: date_of(d.day),
                users: d.users,
                new_users: d.new_users,
                active_users: d.active_users,
                messages: d.messages,
                channels: d.channels,
                new_channels: d.new_channels,
                media_bytes: d.media_bytes,
            })
            .collect(),
    };
    if !csv {
        return Ok(Json(usage).into_response());
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    let fail = |_| ApiError::internal();
    w.write_record([
        "date",
        "users",
        "new_users",
        "active_users",
        "messages",
        "channels",
        "new_channels",
        "media_bytes",
    ])
    .map_err(fail)?;
    for d in &usage.days {
        w.serialize((
            &d.date,
            d.users,
            d.new_users,
            d.active_users,
            d.messages,
            d.channels,
            d.new_channels,
            d.media_bytes,
        ))
        .map_err(fail)?;
    }
    let body = w.into_inner().map_err(|_| ApiError::internal())?;
    let name = format!(
        "parley-usage-{}-{}-{}.csv",
        usage.service_sid, usage.from, usage.to
    );
    Ok(super::download(body, "text/csv; charset=utf-8", &name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_and_dates_round_trip() {
        let d = parse_day("From", Some("2026-12-01"))
            .expect("ok")
            .expect("day");
        assert_eq!(date_of(d), "2026-12-01");
        assert_eq!(date_of(0), "1970-01-01");
        assert!(parse_day("From", Some("01/12/2026")).is_err());
        assert_eq!(parse_day("From", Some("")).expect("ok"), None);
    }
}
