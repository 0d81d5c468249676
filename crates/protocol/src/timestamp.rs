//! Timestamps on the wire: whole seconds in UTC rendered exactly as
//! `2016-03-24T20:37:57Z`, the only form Twilio's helper libraries parse.

use serde::{de, Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use time::{format_description::well_known::Rfc3339, OffsetDateTime};

/// A point in time with one-second precision, stored as Unix seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// The current time, truncated to the second.
    pub fn now() -> Self {
        Timestamp(OffsetDateTime::now_utc().unix_timestamp())
    }

    /// Parses an ISO 8601 / RFC 3339 date-time (fractions and offsets allowed).
    pub fn parse(s: &str) -> Option<Self> {
        OffsetDateTime::parse(s.trim(), &Rfc3339)
            .ok()
            .map(|t| Timestamp(t.unix_timestamp()))
    }
}

/// "Now" as one side counts it: the wall clock shifted by an offset that
/// tests advance instead of sleeping. Clones share the offset. The server
/// and the client each hold one and never ask the system clock elsewhere.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    offset: Arc<AtomicI64>,
}

impl Clock {
    /// Now, in Unix seconds.
    pub fn now(&self) -> i64 {
        Timestamp::now().0 + self.offset.load(Ordering::Relaxed)
    }

    /// Now, in Unix milliseconds (for schedules finer than a second).
    pub fn now_ms(&self) -> i64 {
        let wall = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
            .unwrap_or(0);
        wall.saturating_add(self.offset.load(Ordering::Relaxed).saturating_mul(1000))
    }

    /// Moves this clock (and its clones) `secs` seconds ahead.
    pub fn advance(&self, secs: i64) {
        self.offset.fetch_add(secs, Ordering::Relaxed);
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match OffsetDateTime::from_unix_timestamp(self.0) {
            Ok(t) => write!(
                f,
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
                t.year(),
                u8::from(t.month()),
                t.day(),
                t.hour(),
                t.minute(),
                t.second()
            ),
            Err(_) => write!(f, "1970-01-01T00:00:00Z"),
        }
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Timestamp::parse(&s).ok_or_else(|| de::Error::custom(format!("invalid date-time {s:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_without_fractional_seconds() {
        assert_eq!(Timestamp(1_458_851_877).to_string(), "2016-03-24T20:37:57Z");
    }

    #[test]
    fn parses_what_it_renders_and_fractional_input() {
        assert_eq!(
            Timestamp::parse("2016-03-24T20:37:57Z"),
            Some(Timestamp(1_458_851_877))
        );
        assert_eq!(
            Timestamp::parse("2016-03-24T20:37:57.295Z"),
            Some(Timestamp(1_458_851_877))
        );
        assert_eq!(Timestamp::parse("yesterday"), None);
    }
}
