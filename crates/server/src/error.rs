//! `ApiError`: every failure a handler can return, rendered as Twilio's error
//! body with the right HTTP status and code.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use parley_protocol::{ErrorBody, ErrorCode};

use crate::store::StoreError;

/// An error reply: HTTP status, Twilio code and message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} ({code})", code = self.code.code())]
pub struct ApiError {
    pub status: StatusCode,
    pub code: ErrorCode,
    pub message: String,
    /// Seconds a client should wait before trying again (`Retry-After`).
    pub retry_after: Option<u64>,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    /// `code` with its own HTTP status.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        let status = StatusCode::from_u16(code.status()).unwrap_or(StatusCode::BAD_REQUEST);
        Self::with_status(status, code, message)
    }

    /// `code` with another status than its own (the few places where
    /// Twilio answers one code with several statuses).
    pub fn with_status(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            retry_after: None,
        }
    }

    /// The same error, telling the client to wait `secs` (`Retry-After`).
    pub fn retry_after(mut self, secs: u64) -> Self {
        self.retry_after = Some(secs);
        self
    }

    /// 403 50107: the acting user's roles do not allow this.
    pub fn not_authorized(what: &str) -> Self {
        Self::new(
            ErrorCode::NotAuthorized,
            format!("User not authorized for command: {what}"),
        )
    }

    /// 401 20003: no or wrong credentials.
    pub fn unauthenticated() -> Self {
        Self::new(
            ErrorCode::Unauthenticated,
            "Authentication Error - invalid username",
        )
    }

    /// 400 20001: a parameter that cannot be understood.
    pub fn invalid_param(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidParameter, message)
    }

    /// 404 20404 for a path that names nothing.
    pub fn no_route(path: &str) -> Self {
        Self::new(
            ErrorCode::NotFound,
            format!("The requested resource {path} was not found"),
        )
    }

    /// 500 20500 without internal detail (the detail is logged).
    pub fn internal() -> Self {
        Self::new(ErrorCode::Internal, "Internal Server Error")
    }

    pub fn body(&self) -> ErrorBody {
        ErrorBody::new(self.code.code(), self.status.as_u16(), self.message.clone())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut r = (self.status, Json(self.body())).into_response();
        if let Some(secs) = self.retry_after {
            r.headers_mut()
                .insert(axum::http::header::RETRY_AFTER, secs.into());
        }
        r
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        tracing::error!(error = %e, "storage failure");
        ApiError::internal()
    }
}
