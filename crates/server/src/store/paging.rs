//! Keyset paging in SQL: a page is the rows after (or before) a key, so
//! page 500 is an index seek like page 1. The HTTP side (`crate::paging`)
//! turns `PageToken`s into a [`Bound`] and a [`Window`] into `meta`.

use super::sql::ToValue;
use super::{Conn, Param, Row, StoreResult};

/// Where a page starts, in the listing's own order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    /// Records strictly after this key.
    After(i64),
    /// Records strictly before this key.
    Before(i64),
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

/// Fetches one page of `size`. `sql` is a `SELECT` whose last column is the
/// integer key and which ends in a `WHERE` clause (use `WHERE TRUE` for
/// none); `descending` lists the newest key first.
#[allow(clippy::too_many_arguments)]
pub fn fetch<T>(
    conn: &Conn<'_>,
    sql: &str,
    key_col: &str,
    mut params: Vec<Param>,
    descending: bool,
    bound: Option<Bound>,
    size: u32,
    map: impl Fn(&Row<'_>) -> StoreResult<T>,
) -> StoreResult<Window<T>> {
    // `forward` = walking in the listing's order.
    let (forward, key) = match bound {
        None => (true, None),
        Some(Bound::After(k)) => (true, Some(k)),
        Some(Bound::Before(k)) => (false, Some(k)),
    };
    let ascending_scan = forward != descending;
    let mut q = String::from(sql);
    if let Some(k) = key {
        q.push_str(" AND ");
        q.push_str(key_col);
        q.push_str(if ascending_scan { " > ?" } else { " < ?" });
        params.push(Param::Int(k));
    }
    q.push_str(" ORDER BY ");
    q.push_str(key_col);
    q.push_str(if ascending_scan { " ASC" } else { " DESC" });
    q.push_str(" LIMIT ?");
    params.push(Param::Int(i64::from(size) + 1));

    let refs: Vec<&dyn ToValue> = params.iter().map(|p| p as &dyn ToValue).collect();
    let mut got: Vec<(i64, T)> = conn.query(&q, &refs, |row| {
        let key: i64 = row.get(row.len() - 1)?;
        Ok((key, map(row)?))
    })?;
    let more = got.len() > size as usize;
    got.truncate(size as usize);
    if !forward {
        got.reverse();
    }
    let (has_next, has_prev) = if forward {
        (more, key.is_some())
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

impl<T> Window<T> {
    /// The same window with every item converted.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Window<U> {
        Window {
            items: self.items.into_iter().map(f).collect(),
            first_key: self.first_key,
            last_key: self.last_key,
            has_next: self.has_next,
            has_prev: self.has_prev,
        }
    }
}
