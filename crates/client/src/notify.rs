//! Native notifications: what deserves one (policy, plain functions), what it
//! says (the service's templates or defaults, at most 110 characters), and
//! showing it through the OS (`notify-rust`; D-Bus on Linux).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use parley_protocol::resources::Notifications;
use parley_protocol::ChannelSid;

use crate::args;
use crate::cache::NotifyPolicy;
use crate::error::{ClientError, Result};
use crate::i18n::{Args, Words};

/// Longest notification body.
pub const MAX_LEN: usize = parley_protocol::template::MAX_TEXT;
/// More notifications than this from one catch-up become one summary.
pub const STORM_THRESHOLD: usize = 3;

/// Kinds of notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    NewMessage,
    AddedToChannel,
    InvitedToChannel,
    RemovedFromChannel,
}

/// A notification ready to show; `channel_sid` is what a click opens,
/// `open` the words on its button.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub summary: String,
    pub body: String,
    pub channel_sid: Option<ChannelSid>,
    pub open: String,
}

/// The state the policy needs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context {
    /// The channel open in the window, if any.
    pub open_channel: Option<String>,
    pub window_focused: bool,
    pub do_not_disturb: bool,
}

/// Whether an event deserves a notification. `level` is the channel's
/// `all` / `mentions` / `muted`; `mentions_me` whether the text names the user.
pub fn should_notify(
    kind: Kind,
    channel: &str,
    level: NotifyPolicy,
    mentions_me: bool,
    ctx: &Context,
) -> bool {
    if ctx.do_not_disturb {
        return false;
    }
    if kind == Kind::NewMessage {
        if ctx.window_focused && ctx.open_channel.as_deref() == Some(channel) {
            return false;
        }
        return match level {
            NotifyPolicy::Muted => false,
            NotifyPolicy::Mentions => mentions_me,
            NotifyPolicy::All => true,
        };
    }
    true
}

/// Whether `body` mentions `identity` (`@identity`, case-insensitive, as a
/// whole word: `@al` is not a mention of `@alice`'s `al`).
pub fn mentions(body: &str, identity: &str, friendly_name: Option<&str>) -> bool {
    let lower = body.to_lowercase();
    let hit = |name: &str| {
        if name.is_empty() {
            return false;
        }
        let needle = format!("@{}", name.to_lowercase());
        lower.match_indices(&needle).any(|(at, _)| {
            lower[at + needle.len()..]
                .chars()
                .next()
                .is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == '-'))
        })
    };
    hit(identity) || friendly_name.is_some_and(hit)
}

pub use parley_protocol::template::{cut as truncate, render, Vars};

/// The template for `kind`: the service's when set, otherwise the catalog's
/// in the user's language — its `$user`, `$channel` and `$message` given as
/// the template's own `${USER}`, `${CHANNEL}` and `${MESSAGE}`, so both kinds
/// render (and are cut) by the one template rule.
pub fn template(kind: Kind, n: Option<&Notifications>, words: &Words) -> String {
    let custom = n.and_then(|n| match kind {
        Kind::NewMessage => n.new_message.template.clone(),
        Kind::AddedToChannel => n.added_to_channel.template.clone(),
        Kind::InvitedToChannel => n.invited_to_channel.template.clone(),
        Kind::RemovedFromChannel => n.removed_from_channel.template.clone(),
    });
    custom.filter(|t| !t.is_empty()).unwrap_or_else(|| {
        let id = match kind {
            Kind::NewMessage => "notify-new-message",
            Kind::AddedToChannel => "notify-added-to-channel",
            Kind::InvitedToChannel => "notify-invited-to-channel",
            Kind::RemovedFromChannel => "notify-removed-from-channel",
        };
        words.text(
            id,
            &args!("user" => "${USER}", "channel" => "${CHANNEL}", "message" => "${MESSAGE}"),
        )
    })
}

/// The summary line of a notification.
pub fn summary(kind: Kind, channel_name: &str) -> String {
    truncate(
        &match kind {
            Kind::NewMessage => channel_name.to_owned(),
            Kind::AddedToChannel | Kind::InvitedToChannel | Kind::RemovedFromChannel => {
                "Parley".to_owned()
            }
        },
        MAX_LEN,
    )
}

/// One notification standing for many (after a long time offline).
pub fn storm_summary(n: &[Notification], words: &Words) -> Notification {
    let mut channels: Vec<&ChannelSid> = n.iter().filter_map(|x| x.channel_sid.as_ref()).collect();
    channels.sort_unstable();
    channels.dedup();
    Notification {
        summary: "Parley".into(),
        body: words.text(
            "notify-storm",
            &args!("count" => n.len(), "channels" => channels.len().max(1)),
        ),
        open: words.text("notify-open", &Args::new()),
        channel_sid: if channels.len() == 1 {
            channels.first().map(|c| (*c).clone())
        } else {
            None
        },
    }
}

/// Shows notifications.
pub trait Notifier: Send + Sync + std::fmt::Debug {
    fn show(&self, n: &Notification) -> Result<()>;
}

/// Called with the channel SID when the user clicks a notification.
pub type ClickHandler = Arc<dyn Fn(String) + Send + Sync>;

/// The OS notification service. With no service available it says so once
/// (in the log) and goes quiet; the client keeps working. A click on a
/// notification calls the click handler with its channel (on Linux and the
/// BSDs, where the notification server reports actions).
#[derive(Default)]
pub struct DesktopNotifier {
    unavailable: AtomicBool,
    on_click: Option<ClickHandler>,
}

impl std::fmt::Debug for DesktopNotifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DesktopNotifier")
            .field("unavailable", &self.unavailable)
            .finish()
    }
}

impl DesktopNotifier {
    /// A notifier whose clicks call `on_click(channel_sid)`.
    pub fn with_click_handler(on_click: ClickHandler) -> DesktopNotifier {
        DesktopNotifier {
            unavailable: AtomicBool::new(false),
            on_click: Some(on_click),
        }
    }
}

impl Notifier for DesktopNotifier {
    fn show(&self, n: &Notification) -> Result<()> {
        if self.unavailable.load(Ordering::Relaxed) {
            return Ok(());
        }
        let mut note = notify_rust::Notification::new();
        note.appname("Parley")
            .summary(&n.summary)
            .body(&n.body)
            .action("default", &n.open);
        match note.show() {
            Ok(handle) => {
                #[cfg(all(unix, not(target_os = "macos")))]
                if let (Some(on_click), Some(channel)) =
                    (self.on_click.clone(), n.channel_sid.clone())
                {
                    // Waits for the click (or the close) off the async runtime.
                    std::thread::spawn(move || {
                        handle.wait_for_action(|action| {
                            if action == "default" {
                                on_click(channel.to_string());
                            }
                        })
                    });
                }
                #[cfg(not(all(unix, not(target_os = "macos"))))]
                let _ = handle;
                Ok(())
            }
            Err(e) => {
                if !self.unavailable.swap(true, Ordering::Relaxed) {
                    tracing::warn!(error = %e, "desktop notifications are unavailable; continuing without them");
                }
                Err(ClientError::Invalid(format!(
                    "notifications unavailable: {e}"
                )))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_open_channel_in_a_focused_window_is_quiet() {
        let ctx = Context {
            open_channel: Some("CH1".into()),
            window_focused: true,
            do_not_disturb: false,
        };
        assert!(!should_notify(
            Kind::NewMessage,
            "CH1",
            NotifyPolicy::All,
            false,
            &ctx
        ));
        assert!(should_notify(
            Kind::NewMessage,
            "CH2",
            NotifyPolicy::All,
            false,
            &ctx
        ));
        let unfocused = Context {
            window_focused: false,
            ..ctx
        };
        assert!(
            should_notify(
                Kind::NewMessage,
                "CH1",
                NotifyPolicy::All,
                false,
                &unfocused
            ),
            "unfocused window: notify"
        );
    }

    #[test]
    fn levels_and_do_not_disturb_are_respected() {
        let ctx = Context::default();
        assert!(!should_notify(
            Kind::NewMessage,
            "C",
            NotifyPolicy::Muted,
            true,
            &ctx
        ));
        assert!(!should_notify(
            Kind::NewMessage,
            "C",
            NotifyPolicy::Mentions,
            false,
            &ctx
        ));
        assert!(should_notify(
            Kind::NewMessage,
            "C",
            NotifyPolicy::Mentions,
            true,
            &ctx
        ));
        let dnd = Context {
            do_not_disturb: true,
            ..Context::default()
        };
        assert!(!should_notify(
            Kind::AddedToChannel,
            "C",
            NotifyPolicy::All,
            false,
            &dnd
        ));
    }

    #[test]
    fn templates_fill_variables_and_truncate_to_110_characters() {
        let v = Vars {
            user_identity: "bob",
            user_friendly_name: Some("Bob B."),
            channel_sid: "CH1",
            channel_unique_name: Some("general"),
            channel_friendly_name: Some("General"),
            message: &"é".repeat(200),
        };
        let t = render("New in ${CHANNEL} from ${USER}: ${MESSAGE}", &v);
        assert!(t.starts_with("New in General from Bob B.: éé"));
        assert_eq!(t.chars().count(), MAX_LEN);
        assert!(t.ends_with('…'));
        assert_eq!(
            render("${USER_IDENTITY}@${CHANNEL_UNIQUE_NAME}", &v),
            "bob@general"
        );
    }

    #[test]
    fn defaults_speak_the_users_language_and_a_service_template_wins() {
        let v = Vars {
            user_identity: "bob",
            user_friendly_name: None,
            channel_sid: "CH1",
            channel_unique_name: None,
            channel_friendly_name: Some("預算"),
            message: "明天開會",
        };
        let zh = Words::new("zh-TW");
        assert_eq!(
            render(&template(Kind::NewMessage, None, &zh), &v),
            "bob：明天開會"
        );
        assert_eq!(
            render(&template(Kind::AddedToChannel, None, &zh), &v),
            "bob 已將你加入 預算"
        );
        let en = Words::new("en");
        assert_eq!(
            render(&template(Kind::InvitedToChannel, None, &en), &v),
            "bob invited you to 預算"
        );
        let mut custom = Notifications::default();
        custom.new_message.template = Some("${CHANNEL} ← ${USER}".into());
        assert_eq!(
            render(&template(Kind::NewMessage, Some(&custom), &zh), &v),
            "預算 ← bob"
        );
        let one = Notification {
            summary: "s".into(),
            body: "b".into(),
            channel_sid: Some(ChannelSid::generate()),
            open: String::new(),
        };
        let storm = storm_summary(&[one.clone(), one.clone(), one.clone(), one], &zh);
        assert_eq!(storm.body, "1 個頻道有 4 則新通知");
        assert_eq!(storm.open, "開啟");
    }

    #[test]
    fn mentions_are_found_case_insensitively() {
        assert!(mentions("hey @Alice look", "alice", None));
        assert!(mentions("ping @Alice_L", "x", Some("alice_l")));
        assert!(!mentions("alice without at", "alice", None));
        assert!(!mentions("hi @alice", "al", None), "a whole word only");
        assert!(mentions("hi @al, and @alice", "al", None));
        assert!(mentions("@al.", "al", None));
    }
}
