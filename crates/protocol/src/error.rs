//! The error body every Parley REST error carries, in Twilio's shape.

use serde::{Deserialize, Serialize};

/// `{code, message, more_info, status}` — what Twilio's helper libraries read
/// to build their exceptions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// Twilio error code, e.g. 50300 for "channel not found".
    pub code: u32,
    /// Human-readable explanation.
    pub message: String,
    /// Link to the code's documentation.
    pub more_info: String,
    /// The HTTP status of the response.
    pub status: u16,
}

impl ErrorBody {
    /// An error body whose `more_info` points at the code's documentation.
    pub fn new(code: u32, status: u16, message: impl Into<String>) -> Self {
        ErrorBody {
            code,
            message: message.into(),
            more_info: format!("https://www.twilio.com/docs/errors/{code}"),
            status,
        }
    }
}
