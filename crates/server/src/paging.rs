//! Keyset paging for list endpoints: an opaque `PageToken` names the key the
//! page starts after (or ends before), so page 500 costs the same as page 1.
//! Builds the `meta` object with absolute URLs from the server's public URL.

use parley_protocol::Meta;
use rusqlite::types::Value;
use rusqlite::{Connection, Row};

use crate::error::{ApiError, ApiResult};
use crate::form::Params;

/// Where a page starts, in the listing's own order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cursor {
    /// Records strictly after this key.
    After(i64),
    /// Records strictly before this key.
    Before(i64),
}

impl Cursor {
    fn encode(self) -> String {
        match self {
            Cursor::After(k) => format!("PA{k}"),
            Cursor::Before(k) => format!("PB{k}"),
        }
    }

    fn decode(s: &str) -> Option<Cursor> {
        let (kind, key) = (s.get(..2)?, s.get(2..)?.parse::<i64>().ok()?);
        match kind {
            "PA" => Some(Cursor::After(key)),
            "PB" => Some(Cursor::Before(key)),
            _ => None,
        }
    }
}

/// A list request's paging parameters.
#[derive(Debug, Clone)]
pub struct PageRequest {
    pub size: u32,
    pub page: u32,
    pub cursor: Option<Cursor>,
}

impl PageRequest {
    /// Reads `PageSize` (clamped to `1..=max`, default `default`), `Page` and
    /// `PageToken` from the query.
    pub fn from_query(q: &Params, default: u32, max: u32) -> ApiResult<Self> {
        let size = match q.int("PageSize", 20001)? {
            None => default,
            Some(n) if n < 1 => return Err(ApiError::invalid_param("PageSize must be at least 1")),
            Some(n) => (n.min(max as i64)) as u32,
        };
        let page = match q.int("Page", 20001)? {
            None => 0,
            Some(n) if n < 0 => {
                return Err(ApiError::bad_request(
                    19038,
                    "Page token must be bigger than or equal to 0",
                ))
            }
            Some(n) => n.min(u32::MAX as i64) as u32,
        };
        let cursor = match q.str("PageToken") {
            None | Some("") => None,
            Some(t) => Some(
                Cursor::decode(t)
                    .ok_or_else(|| ApiError::invalid_param(format!("Invalid PageToken {t:?}")))?,
            ),
        };
        Ok(PageRequest { size, page, cursor })
    }
}

/// One page of records and whether pages exist on either side.
#[derive(Debug)]
pub struct Window<T> {
    pub items: Vec<T>,
    pub first_key: Option<i64>,
    pub last_key: Option<i64>,
    pub has_next: bool,
    pub has_prev: bool,
}

/// Fetches one page. `sql` is a `SELECT` whose last column is the integer
/// key and which ends in a `WHERE` clause (use `WHERE 1` for none);
/// `descending` lists newest key first.
pub fn fetch<T>(
    conn: &Connection,
    sql: &str,
    key_col: &str,
    mut params: Vec<Value>,
    descending: bool,
    req: &PageRequest,
    map: impl Fn(&Row<'_>) -> rusqlite::Result<T>,
) -> rusqlite::Result<Window<T>> {
    // `forward` = walking in the listing's order.
    let (forward, bound) = match req.cursor {
        None => (true, None),
        Some(Cursor::After(k)) => (true, Some(k)),
        Some(Cursor::Before(k)) => (false, Some(k)),
    };
    let ascending_scan = forward != descending;
    let mut q = String::from(sql);
    if let Some(k) = bound {
        q.push_str(" AND ");
        q.push_str(key_col);
        q.push_str(if ascending_scan { " > ?" } else { " < ?" });
        params.push(Value::Integer(k));
    }
    q.push_str(" ORDER BY ");
    q.push_str(key_col);
    q.push_str(if ascending_scan { " ASC" } else { " DESC" });
    q.push_str(" LIMIT ?");
    params.push(Value::Integer(req.size as i64 + 1));

    let mut stmt = conn.prepare_cached(&q)?;
    let cols = stmt.column_count();
    let mut rows = stmt.query(rusqlite::params_from_iter(params))?;
    let mut got: Vec<(i64, T)> = Vec::new();
    while let Some(row) = rows.next()? {
        let key: i64 = row.get(cols - 1)?;
        got.push((key, map(row)?));
    }
    let more = got.len() > req.size as usize;
    got.truncate(req.size as usize);
    if !forward {
        got.reverse();
    }
    let (has_next, has_prev) = if forward {
        (more, bound.is_some())
    } else {
        (true, more)
    };
    Ok(Window {
        first_key: got.first().map(|(k, _)| *k),
        last_key: got.last().map(|(k, _)| *k),
        items: got.into_iter().map(|(_, t)| t).collect(),
        has_next,
        has_prev,
    })
}

/// Builds `meta` for a window of `path` (e.g. `/v2/Services`), keeping the
/// request's filter parameters in every URL.
pub fn meta<T>(
    public_url: &str,
    path: &str,
    key: &str,
    query: &Params,
    req: &PageRequest,
    w: &Window<T>,
) -> Meta {
    let filters: Vec<(String, String)> = query
        .pairs()
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "PageSize" | "Page" | "PageToken"))
        .cloned()
        .collect();
    let url_for = |page: u32, cursor: Option<Cursor>| {
        let mut ser = form_urlencoded::Serializer::new(String::new());
        for (k, v) in &filters {
            ser.append_pair(k, v);
        }
        ser.append_pair("PageSize", &req.size.to_string());
        ser.append_pair("Page", &page.to_string());
        if let Some(c) = cursor {
            ser.append_pair("PageToken", &c.encode());
        }
        format!("{public_url}{path}?{}", ser.finish())
    };
    Meta {
        page: req.page,
        page_size: req.size,
        first_page_url: url_for(0, None),
        previous_page_url: match (w.has_prev, w.first_key) {
            (true, Some(k)) => Some(url_for(req.page.saturating_sub(1), Some(Cursor::Before(k)))),
            _ => None,
        },
        url: url_for(req.page, req.cursor),
        next_page_url: match (w.has_next, w.last_key) {
            (true, Some(k)) => Some(url_for(req.page + 1, Some(Cursor::After(k)))),
            _ => None,
        },
        key: key.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_tokens_round_trip_and_reject_garbage() {
        for c in [Cursor::After(42), Cursor::Before(-3)] {
            assert_eq!(Cursor::decode(&c.encode()), Some(c));
        }
        assert_eq!(Cursor::decode("PT50"), None);
        assert_eq!(Cursor::decode("PAx"), None);
        assert_eq!(Cursor::decode(""), None);
    }
}
