//! `ApiError`: every failure a handler can return, rendered as Twilio's error
//! body with the right HTTP status and code.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use parley_protocol::ErrorBody;

use crate::store::StoreError;

/// An error reply: HTTP status, Twilio code and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: u32,
    pub message: String,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(status: StatusCode, code: u32, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }

    /// 400 with a chat-specific code.
    pub fn bad_request(code: u32, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// 404 with a chat-specific code.
    pub fn not_found(code: u32, message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, code, message)
    }

    /// 409 with a chat-specific code.
    pub fn conflict(code: u32, message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, message)
    }

    /// 403 50107: the acting user's roles do not allow this.
    pub fn not_authorized(what: &str) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            50107,
            format!("User not authorized for command: {what}"),
        )
    }

    /// 403 with a limit code (50208, 50403, ...).
    pub fn limit(code: u32, message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, code, message)
    }

    /// 401 20003: no or wrong credentials.
    pub fn unauthenticated() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            20003,
            "Authentication Error - invalid username",
        )
    }

    /// 401 with an access-token code (20101 invalid, 20104 expired).
    pub fn bad_token(code: u32, message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, code, message)
    }

    /// 400 20001: a parameter that cannot be understood.
    pub fn invalid_param(message: impl Into<String>) -> Self {
        Self::bad_request(20001, message)
    }

    /// 404 20404 for a path that names nothing.
    pub fn no_route(path: &str) -> Self {
        Self::not_found(
            20404,
            format!("The requested resource {path} was not found"),
        )
    }

    /// 500 20500 without internal detail (the detail is logged).
    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            20500,
            "Internal Server Error",
        )
    }

    pub fn body(&self) -> ErrorBody {
        ErrorBody::new(self.code, self.status.as_u16(), self.message.clone())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body())).into_response()
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        tracing::error!(error = %e, "storage failure");
        ApiError::internal()
    }
}
