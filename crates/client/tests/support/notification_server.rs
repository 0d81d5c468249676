//! A notification server on the test's D-Bus session bus: python3-dbusmock's
//! `notification_daemon` template, logging every `Notify` call; a click is
//! the server emitting `ActionInvoked`. Shared by parley-client's
//! notification tests and the desktop's window tests (through `#[path]`).

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// The running server; stopped on drop.
pub struct NotificationServer {
    child: Child,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl Drop for NotificationServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `gdbus call` on the notification server's object; true if it answered.
fn call(method: &str, args: &[&str]) -> bool {
    Command::new("gdbus")
        .args([
            "call",
            "--session",
            "--dest",
            "org.freedesktop.Notifications",
            "--object-path",
            "/org/freedesktop/Notifications",
            "--method",
            method,
        ])
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success())
}

impl NotificationServer {
    /// Starts it and waits (up to 10 s) until it answers on the bus.
    pub fn start() -> NotificationServer {
        let dir = tempfile::tempdir().expect("dir");
        let log = dir.path().join("notify.log");
        let child = Command::new("/usr/bin/python3")
            .args(["-m", "dbusmock", "--template", "notification_daemon", "-l"])
            .arg(&log)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3-dbusmock");
        for _ in 0..100 {
            if call("org.freedesktop.Notifications.GetServerInformation", &[]) {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        NotificationServer {
            child,
            log,
            _dir: dir,
        }
    }

    /// The notifications shown so far: (summary, body).
    pub fn notified(&self) -> Vec<(String, String)> {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        text.lines()
            .filter(|l| l.contains(" Notify "))
            .filter_map(|l| {
                // Notify "app" id "icon" "summary" "body" [...] {...} timeout
                let quoted: Vec<&str> = l.split('"').collect();
                Some((quoted.get(5)?.to_string(), quoted.get(7)?.to_string()))
            })
            .collect()
    }

    /// The user clicks notification `id` (the server numbers them from 1).
    pub fn click(&self, id: u32) {
        let clicked = call(
            "org.freedesktop.DBus.Mock.EmitSignal",
            &[
                "org.freedesktop.Notifications",
                "ActionInvoked",
                "us",
                &format!("[<uint32 {id}>, <'default'>]"),
            ],
        );
        assert!(clicked, "the click was sent on the bus");
    }
}
