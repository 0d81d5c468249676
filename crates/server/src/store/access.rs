//! The lookups permission checks are made of: a role's permission list and
//! a user's service role. Interpreting them is `crate::access`'s.

use super::{Conn, OptionalExt, StoreResult};
use crate::args;

/// The raw JSON permission list of role `role_sid`, if the role exists.
pub fn role_permissions(conn: &Conn<'_>, role_sid: &str) -> StoreResult<Option<String>> {
    conn.query_row(
        "SELECT permissions FROM roles WHERE sid = ?1",
        args![role_sid],
        |r| r.get(0),
    )
    .optional()
}

/// The service role of user `identity`: `None` if the service has no such
/// user, `Some(None)` if the user holds no role.
pub fn user_role(
    conn: &Conn<'_>,
    service: &str,
    identity: &str,
) -> StoreResult<Option<Option<String>>> {
    conn.query_row(
        "SELECT role_sid FROM users WHERE service_sid = ?1 AND identity = ?2",
        args![service, identity],
        |r| r.get(0),
    )
    .optional()
}
