// What the window tells the user outside the conversation: a passing toast
// (an error, a confirmation), and a notice it shows once, in words, and keeps
// until it is dismissed — today, that the session cannot be kept on this
// machine (no working secret store), so the next start asks for the password.
import { $ } from "./dom";
import { t } from "./i18n";
import type { SessionView } from "./types";

let toastTimer: number | undefined;

/** A message at the bottom of the window for a few seconds. */
export function toast(text: string): void {
  const t = $("toast");
  t.textContent = text;
  t.hidden = false;
  window.clearTimeout(toastTimer);
  toastTimer = window.setTimeout(() => (t.hidden = true), 6000);
}

/** The words for a session that cannot be kept; `why` is the secret store's answer. */
export function notKeptText(why: string): string {
  return t("session-not-kept", { why });
}

/** Shows the notice a fresh session calls for, if any. */
export function sessionNotice(s: SessionView): void {
  if (!s.not_kept) return;
  const box = $("notice");
  $("notice-text").textContent = notKeptText(s.not_kept);
  box.hidden = false;
  $("notice-close").onclick = () => {
    box.hidden = true;
  };
}
