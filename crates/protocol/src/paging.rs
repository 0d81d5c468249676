//! The `meta` object of list responses and helpers to build and read pages.

use serde::{de::DeserializeOwned, Deserialize, Serialize};
use serde_json::{Map, Value};

/// Paging metadata; `key` names the field that holds the page's records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meta {
    pub page: u32,
    pub page_size: u32,
    pub first_page_url: String,
    pub previous_page_url: Option<String>,
    pub url: String,
    pub next_page_url: Option<String>,
    pub key: String,
}

/// Renders a list response: `{"<key>": [...], "meta": {...}}`.
pub fn page_json<T: Serialize>(items: &[T], meta: &Meta) -> Value {
    let mut m = Map::new();
    m.insert(
        meta.key.clone(),
        serde_json::to_value(items).unwrap_or(Value::Array(Vec::new())),
    );
    m.insert(
        "meta".into(),
        serde_json::to_value(meta).unwrap_or(Value::Null),
    );
    Value::Object(m)
}

/// A list response read back: its records and its meta.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub meta: Meta,
}

/// Parses a list response, finding the records through `meta.key`.
pub fn parse_page<T: DeserializeOwned>(mut v: Value) -> Result<Page<T>, serde_json::Error> {
    let meta: Meta = serde_json::from_value(v.get("meta").cloned().unwrap_or(Value::Null))?;
    let items = v
        .get_mut(&meta.key)
        .map(Value::take)
        .unwrap_or(Value::Array(Vec::new()));
    Ok(Page {
        items: serde_json::from_value(items)?,
        meta,
    })
}
