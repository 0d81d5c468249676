//! Request parameters: form-encoded bodies and query strings parsed into an
//! ordered multimap, with typed getters whose failures are Twilio errors.
//!
//! Arrays are repeated names (`Permission=a&Permission=b`); nested fields are
//! dotted names (`Notifications.NewMessage.Enabled`). Unknown names are
//! ignored, as Twilio does.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use parley_protocol::ErrorCode;
use parley_protocol::Timestamp;

use crate::error::ApiError;

/// Largest form body accepted; the largest legitimate one is a 32 KiB message
/// body with 16 KiB of attributes, percent-encoded.
pub const MAX_FORM_BYTES: usize = 256 * 1024;

/// Largest attributes value (bytes of JSON text).
pub const MAX_ATTRIBUTES: usize = 16 * 1024;

/// Parsed parameters in request order.
#[derive(Debug, Clone, Default)]
pub struct Params(Vec<(String, String)>);

impl Params {
    pub fn parse(raw: &[u8]) -> Self {
        Params(form_urlencoded::parse(raw).into_owned().collect())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn pairs(&self) -> &[(String, String)] {
        &self.0
    }

    /// Whether the parameter was sent at all (even empty).
    pub fn has(&self, name: &str) -> bool {
        self.0.iter().any(|(k, _)| k == name)
    }

    /// Replaces every value sent under `name` by `value`.
    pub fn set(&mut self, name: &str, value: String) {
        self.0.retain(|(k, _)| k != name);
        self.0.push((name.to_owned(), value));
    }

    /// The last value sent under `name`.
    pub fn str(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// A non-empty value, or `code` as an error.
    pub fn required(&self, name: &str, code: ErrorCode) -> Result<&str, ApiError> {
        match self.str(name) {
            Some(v) if !v.is_empty() => Ok(v),
            _ => Err(ApiError::new(
                code,
                format!("Missing required parameter {name}"),
            )),
        }
    }

    /// Every value sent under `name`, in order.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// `true`/`false` (any case); anything else is error 20001.
    pub fn bool(&self, name: &str) -> Result<Option<bool>, ApiError> {
        match self.str(name) {
            None => Ok(None),
            Some(v) if v.eq_ignore_ascii_case("true") => Ok(Some(true)),
            Some(v) if v.eq_ignore_ascii_case("false") => Ok(Some(false)),
            Some(v) => Err(ApiError::invalid_param(format!(
                "Invalid value {v:?} for {name}: expected true or false"
            ))),
        }
    }

    /// An integer; a malformed one is error `code`.
    pub fn int(&self, name: &str, code: ErrorCode) -> Result<Option<i64>, ApiError> {
        match self.str(name) {
            None => Ok(None),
            Some(v) => v.trim().parse::<i64>().map(Some).map_err(|_| {
                ApiError::new(
                    code,
                    format!("Invalid value {v:?} for {name}: expected an integer"),
                )
            }),
        }
    }

    /// A nullable integer: absent is `None`, empty or `null` is `Some(None)`.
    pub fn nullable_int(
        &self,
        name: &str,
        code: ErrorCode,
    ) -> Result<Option<Option<i64>>, ApiError> {
        match self.str(name) {
            None => Ok(None),
            Some(v) if v.is_empty() || v.eq_ignore_ascii_case("null") => Ok(Some(None)),
            Some(_) => Ok(Some(self.int(name, code)?)),
        }
    }

    /// A date-time; a malformed one is error `code`.
    pub fn date(&self, name: &str, code: ErrorCode) -> Result<Option<Timestamp>, ApiError> {
        match self.str(name) {
            None => Ok(None),
            Some(v) => Timestamp::parse(v)
                .map(Some)
                .ok_or_else(|| ApiError::new(code, format!("Invalid date-time {v:?} for {name}"))),
        }
    }

    /// A JSON `Attributes` string: at most 16 KiB (50303) and valid JSON (50304).
    /// An empty value means `{}`.
    pub fn attributes(&self, name: &str) -> Result<Option<String>, ApiError> {
        match self.str(name) {
            None => Ok(None),
            Some("") => Ok(Some("{}".to_owned())),
            Some(v) => {
                if v.len() > MAX_ATTRIBUTES {
                    return Err(ApiError::new(
                        ErrorCode::AttributesTooLong,
                        format!(
                            "Attributes too long: {} bytes, at most {MAX_ATTRIBUTES}",
                            v.len()
                        ),
                    ));
                }
                if serde_json::from_str::<serde_json::Value>(v).is_err() {
                    return Err(ApiError::new(
                        ErrorCode::AttributesNotValidJson,
                        "Attributes are not valid JSON",
                    ));
                }
                Ok(Some(v.to_owned()))
            }
        }
    }
}

/// A form-encoded request body, refused with 413 before it grows past
/// [`MAX_FORM_BYTES`].
#[derive(Debug, Clone, Default)]
pub struct Form(pub Params);

impl<S: Send + Sync> FromRequest<S> for Form {
    type Rejection = ApiError;

    async fn from_request(req: Request, _state: &S) -> Result<Self, Self::Rejection> {
        let too_large = || {
            ApiError::with_status(
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorCode::InvalidParameter,
                format!("Request body too large: at most {MAX_FORM_BYTES} bytes"),
            )
        };
        if let Some(len) = req
            .headers()
            .get(axum::http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok())
        {
            if len > MAX_FORM_BYTES as u64 {
                return Err(too_large());
            }
        }
        let bytes: Bytes = axum::body::to_bytes(req.into_body(), MAX_FORM_BYTES)
            .await
            .map_err(|_| too_large())?;
        Ok(Form(Params::parse(&bytes)))
    }
}

/// The query string's parameters.
#[derive(Debug, Clone, Default)]
pub struct Query(pub Params);

impl<S: Send + Sync> FromRequestParts<S> for Query {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Query(Params::parse(
            parts.uri.query().unwrap_or("").as_bytes(),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn repeated_and_dotted_names_are_kept() {
        let p = Params::parse(b"Permission=a&Permission=b&Notifications.NewMessage.Enabled=True");
        assert_eq!(p.all("Permission"), vec!["a", "b"]);
        assert_eq!(p.bool("Notifications.NewMessage.Enabled"), Ok(Some(true)));
    }

    #[test]
    fn empty_index_means_null() {
        let p = Params::parse(b"LastConsumedMessageIndex=");
        assert_eq!(
            p.nullable_int(
                "LastConsumedMessageIndex",
                ErrorCode::InvalidLastConsumedMessageIndexFormat
            ),
            Ok(Some(None))
        );
        let p = Params::parse(b"LastConsumedMessageIndex=x");
        assert_eq!(
            p.nullable_int(
                "LastConsumedMessageIndex",
                ErrorCode::InvalidLastConsumedMessageIndexFormat
            )
            .map_err(|e| e.code),
            Err(ErrorCode::InvalidLastConsumedMessageIndexFormat)
        );
    }

    #[test]
    fn attributes_are_checked_for_json_and_size() {
        assert_eq!(
            Params::parse(b"Attributes=%7B")
                .attributes("Attributes")
                .map_err(|e| e.code),
            Err(ErrorCode::AttributesNotValidJson)
        );
        let big = format!("Attributes=%22{}%22", "a".repeat(MAX_ATTRIBUTES));
        assert_eq!(
            Params::parse(big.as_bytes())
                .attributes("Attributes")
                .map_err(|e| e.code),
            Err(ErrorCode::AttributesTooLong)
        );
    }

    proptest! {
        #[test]
        fn any_bytes_parse_without_panicking(raw in proptest::collection::vec(any::<u8>(), 0..512)) {
            let p = Params::parse(&raw);
            let _ = p.bool("A");
            let _ = p.int("A", ErrorCode::InvalidParameter);
            let _ = p.nullable_int("A", ErrorCode::InvalidParameter);
            let _ = p.date("A", ErrorCode::InvalidParameter);
            let _ = p.attributes("A");
            let _ = p.all("A");
        }
    }
}
