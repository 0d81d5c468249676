// What the window tells the user outside the conversation: a passing toast
// (an error, a confirmation), and a notice it shows once, in words, and keeps
// until it is dismissed — today, that the session cannot be kept on this
// machine (no working secret store), so the next start asks for the password.
import { $ } from "./dom";
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
  return (
    "Parley can't keep you signed in on this computer, because no secret store " +
    `(such as GNOME Keyring or KWallet) answered: ${why}. ` +
    "You stay signed in until you quit; next time Parley will ask for your password."
  );
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
