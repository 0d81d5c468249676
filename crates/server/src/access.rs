//! Permission checks for requests made with access tokens.
//!
//! A user's rights are the permissions of their service (deployment) role,
//! plus, inside a channel they are a member of, those of their channel role.
//! Admin callers (account credentials, API keys) may do everything. A private
//! channel is invisible (404) to users who are neither members nor invitees.

use parley_protocol::{ChannelType, ErrorCode};
use std::collections::HashSet;

use crate::store::{self, Conn};

use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::store::channels::ChannelRow;
use crate::store::services::ServiceRow;

/// The permissions of a role, or none if it does not exist. A stored list
/// that does not parse is an error naming the role.
pub fn role_permissions(conn: &Conn<'_>, role_sid: Option<&str>) -> ApiResult<HashSet<String>> {
    let Some(sid) = role_sid else {
        return Ok(HashSet::new());
    };
    let Some(text) = store::access::role_permissions(conn, sid)? else {
        return Ok(HashSet::new());
    };
    let perms: Vec<String> = store::json("roles", sid, "permissions", &text)?;
    Ok(perms.into_iter().collect())
}

/// The caller of a request within one service.
#[derive(Debug, Clone)]
pub struct Caller {
    pub admin: bool,
    pub identity: Option<String>,
    pub service_perms: HashSet<String>,
}

impl Caller {
    /// Resolves the principal's rights in `service`.
    pub fn load(conn: &Conn<'_>, service: &ServiceRow, p: &Principal) -> ApiResult<Caller> {
        match p {
            Principal::Admin { .. } => Ok(Caller {
                admin: true,
                identity: None,
                service_perms: HashSet::new(),
            }),
            Principal::User(u) => {
                p.check_service(&service.sid)?;
                Caller::user(conn, service, &u.identity)
            }
        }
    }

    /// The rights of the user `identity` in `service`.
    pub fn user(conn: &Conn<'_>, service: &ServiceRow, identity: &str) -> ApiResult<Caller> {
        let role = store::access::user_role(conn, &service.sid, identity)?;
        // A user the service has not seen yet holds the default role.
        let role = match role {
            Some(r) => r,
            None => service.default_service_role_sid.clone().map(Into::into),
        };
        Ok(Caller {
            admin: false,
            identity: Some(identity.to_owned()),
            service_perms: role_permissions(conn, role.as_deref())?,
        })
    }

    pub fn allows(&self, perm: &str) -> bool {
        self.admin || self.service_perms.contains(perm)
    }

    pub fn require(&self, perm: &str) -> ApiResult<()> {
        if self.allows(perm) {
            Ok(())
        } else {
            Err(ApiError::not_authorized(perm))
        }
    }

    /// Only admins may do this.
    pub fn require_admin(&self, what: &str) -> ApiResult<()> {
        if self.admin {
            Ok(())
        } else {
            Err(ApiError::not_authorized(what))
        }
    }

    /// Whether the caller is the user `identity` acting on their own behalf.
    pub fn is(&self, identity: &str) -> bool {
        self.identity.as_deref() == Some(identity)
    }

    /// The caller's standing in one channel.
    pub fn in_channel(&self, conn: &Conn<'_>, ch: &ChannelRow) -> ApiResult<ChannelView> {
        let public = ch.kind == ChannelType::Public;
        let Some(identity) = &self.identity else {
            return Ok(ChannelView {
                admin: true,
                public,
                member_sid: None,
                invited: false,
                perms: HashSet::new(),
            });
        };
        let member = store::members::sid_and_role(conn, &ch.sid, identity)?;
        let invited = member.is_none() && store::invites::exists(conn, &ch.sid, identity)?;
        let mut perms = self.service_perms.clone();
        if let Some((_, role)) = &member {
            perms.extend(role_permissions(conn, role.as_deref())?);
        }
        Ok(ChannelView {
            admin: false,
            public,
            member_sid: member.map(|m| m.0),
            invited,
            perms,
        })
    }

    /// Like [`Caller::in_channel`], but a channel the caller may not see is
    /// reported exactly as one that does not exist: 404 50300 naming `key`,
    /// the SID or unique name the caller used (never the SID it resolved to).
    pub fn see_channel(
        &self,
        conn: &Conn<'_>,
        ch: &ChannelRow,
        key: &str,
    ) -> ApiResult<ChannelView> {
        let view = self.in_channel(conn, ch)?;
        if view.visible() {
            Ok(view)
        } else {
            Err(channel_not_found(key))
        }
    }
}

/// 404 50300 for a channel that does not exist or may not be seen; `key` is
/// what the caller named it by.
pub fn channel_not_found(key: &str) -> ApiError {
    ApiError::new(
        ErrorCode::ChannelNotFound,
        format!("Channel {key} not found"),
    )
}

/// What a caller may do in one channel.
#[derive(Debug, Clone)]
pub struct ChannelView {
    pub admin: bool,
    pub public: bool,
    pub member_sid: Option<String>,
    pub invited: bool,
    pub perms: HashSet<String>,
}

impl ChannelView {
    pub fn is_member(&self) -> bool {
        self.member_sid.is_some()
    }

    /// Public channels are visible to every user; private ones to members and invitees.
    pub fn visible(&self) -> bool {
        self.admin || self.public || self.is_member() || self.invited
    }

    /// Messages and members of private channels are for members only.
    pub fn can_read(&self) -> bool {
        self.admin || self.public || self.is_member()
    }

    pub fn require_read(&self) -> ApiResult<()> {
        if self.can_read() {
            Ok(())
        } else {
            Err(ApiError::new(
                ErrorCode::UserNotMemberOfChannel,
                "User not member of channel",
            ))
        }
    }

    pub fn allows(&self, perm: &str) -> bool {
        self.admin || self.perms.contains(perm)
    }

    pub fn require(&self, perm: &str) -> ApiResult<()> {
        if self.allows(perm) {
            Ok(())
        } else {
            Err(ApiError::not_authorized(perm))
        }
    }

    /// Requires membership and `perm` (a channel-role permission such as sendMessage).
    pub fn require_member(&self, perm: &str) -> ApiResult<()> {
        if self.admin {
            return Ok(());
        }
        if !self.is_member() {
            return Err(ApiError::new(
                ErrorCode::UserNotMemberOfChannel,
                "User not member of channel",
            ));
        }
        self.require(perm)
    }
}
