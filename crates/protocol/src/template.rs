//! Notification texts from a service's templates — one rule for the
//! server's pushes and the desktop app's notifications: `${USER}` (the
//! actor's friendly name, or identity), `${USER_FRIENDLY_NAME}` (falls back
//! to the identity), `${USER_IDENTITY}`, `${CHANNEL}` (the channel's
//! friendly name, else unique name, else SID), `${CHANNEL_FRIENDLY_NAME}`
//! and `${CHANNEL_UNIQUE_NAME}` (each falls back to `${CHANNEL}`),
//! `${CHANNEL_SID}` and `${MESSAGE}`, replaced in one pass — a message or a
//! name that itself contains `${USER}` stays as written — and anything else
//! kept as it is. The text is cut to 110 characters, as Twilio does, ending
//! in "…" when cut.

/// Longest text, in characters.
pub const MAX_TEXT: usize = 110;

/// What the variables stand for.
#[derive(Debug, Clone, Default)]
pub struct Vars<'a> {
    pub user_identity: &'a str,
    pub user_friendly_name: Option<&'a str>,
    pub channel_sid: &'a str,
    pub channel_friendly_name: Option<&'a str>,
    pub channel_unique_name: Option<&'a str>,
    /// The message's body (empty for membership changes).
    pub message: &'a str,
}

/// `v` unless it is empty.
fn nonempty(v: Option<&str>) -> Option<&str> {
    v.filter(|s| !s.is_empty())
}

impl Vars<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        Some(match name {
            "USER" | "USER_FRIENDLY_NAME" => {
                nonempty(self.user_friendly_name).unwrap_or(self.user_identity)
            }
            "USER_IDENTITY" => self.user_identity,
            "CHANNEL" => self.channel_name(),
            "CHANNEL_FRIENDLY_NAME" => {
                nonempty(self.channel_friendly_name).unwrap_or(self.channel_name())
            }
            "CHANNEL_UNIQUE_NAME" => {
                nonempty(self.channel_unique_name).unwrap_or(self.channel_name())
            }
            "CHANNEL_SID" => self.channel_sid,
            "MESSAGE" => self.message,
            _ => return None,
        })
    }

    /// How the channel is called: its friendly name, else its unique name,
    /// else its SID.
    pub fn channel_name(&self) -> &str {
        nonempty(self.channel_friendly_name)
            .or(nonempty(self.channel_unique_name))
            .unwrap_or(self.channel_sid)
    }
}

/// `template` with its variables replaced, trimmed and cut to [`MAX_TEXT`].
pub fn render(template: &str, vars: &Vars<'_>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after
            .find('}')
            .and_then(|end| Some((end, vars.get(&after[..end])?)))
        {
            Some((end, value)) => {
                out.push_str(value);
                rest = &after[end + 1..];
            }
            None => {
                out.push_str("${");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    cut(&out, MAX_TEXT)
}

/// `text` trimmed, in at most `max` characters, ending in "…" when it was
/// longer.
pub fn cut(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars() -> Vars<'static> {
        Vars {
            user_identity: "alice",
            user_friendly_name: Some("Alice"),
            channel_sid: "CH00000000000000000000000000000001",
            channel_friendly_name: None,
            channel_unique_name: Some("general"),
            message: "hi ${USER}",
        }
    }

    #[test]
    fn variables_are_replaced_once_and_unknown_ones_kept() {
        assert_eq!(
            render("${CHANNEL};${USER}: ${MESSAGE}", &vars()),
            "general;Alice: hi ${USER}"
        );
        assert_eq!(
            render("${USER_IDENTITY} ${CHANNEL_SID} ${NOPE} ${", &vars()),
            "alice CH00000000000000000000000000000001 ${NOPE} ${"
        );
        assert_eq!(
            render("${CHANNEL_FRIENDLY_NAME}|${USER_FRIENDLY_NAME}", &vars()),
            "general|Alice",
            "names fall back"
        );
    }

    #[test]
    fn long_texts_are_cut_to_110_characters() {
        let long = "預".repeat(200);
        let v = Vars {
            message: &long,
            ..vars()
        };
        let out = render("${MESSAGE}", &v);
        assert_eq!(out.chars().count(), MAX_TEXT);
        assert!(out.ends_with('…'));
        assert_eq!(render("  short ", &v), "short");
    }
}
