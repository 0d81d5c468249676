//! Keyset paging for list endpoints: an opaque `PageToken` names the key the
//! page starts after (or ends before), so page 500 costs the same as page 1.
//! Builds the `meta` object with absolute URLs from the server's public URL.

use crate::store::paging::Bound;
use crate::store::Conn;
use crate::store::Param as Value;
use crate::store::Row;
use crate::store::StoreResult;
use parley_protocol::ErrorCode;
use parley_protocol::Meta;

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

/// The largest `PageSize` any list accepts, as on Twilio.
pub const MAX_PAGE_SIZE: u32 = 1000;

/// `PageSize` from the query: `default` when absent, 400 20001 outside
/// `1..=MAX_PAGE_SIZE` — the same rule for every list, never a silent clamp.
pub fn page_size(q: &Params, default: u32) -> ApiResult<u32> {
    match q.int("PageSize", ErrorCode::InvalidParameter)? {
        None => Ok(default),
        Some(n) if (1..=MAX_PAGE_SIZE as i64).contains(&n) => Ok(n as u32),
        Some(n) => Err(ApiError::invalid_param(format!(
            "PageSize {n} is out of range: it must be between 1 and {MAX_PAGE_SIZE}"
        ))),
    }
}

impl PageRequest {
    /// Reads `PageSize` (see [`page_size`]), `Page` and `PageToken` from the
    /// query.
    pub fn from_query(q: &Params, default: u32) -> ApiResult<Self> {
        let size = page_size(q, default)?;
        let page = match q.int("Page", ErrorCode::InvalidParameter)? {
            None => 0,
            Some(n) if n < 0 => {
                return Err(ApiError::new(
                    ErrorCode::InvalidPage,
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

    /// Where the page starts, for the store's keyset query.
    pub fn bound(&self) -> Option<Bound> {
        self.cursor.map(|c| match c {
            Cursor::After(k) => Bound::After(k),
            Cursor::Before(k) => Bound::Before(k),
        })
    }
}

pub use crate::store::paging::Window;

/// Fetches one page; see [`crate::store::paging::fetch`].
pub fn fetch<T>(
    conn: &Conn<'_>,
    sql: &str,
    key_col: &str,
    params: Vec<Value>,
    descending: bool,
    req: &PageRequest,
    map: impl Fn(&Row<'_>) -> StoreResult<T>,
) -> StoreResult<Window<T>> {
    crate::store::paging::fetch(
        conn,
        sql,
        key_col,
        params,
        descending,
        req.bound(),
        req.size,
        map,
    )
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
