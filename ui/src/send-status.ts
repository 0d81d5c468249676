// What a message of the user's not delivered yet says under its text:
// "Sending…", or why it failed with Retry and Discard. The timeline and a
// thread draw it alike.
import * as cmd from "./bindings/commands";
import { h } from "./dom";
import { t } from "./i18n";
import type { MessageView } from "./types";

/** The status line of `m` (null for a delivered one); `after` runs once a
 *  retry or discard is queued. */
export function sendStatus(m: MessageView, after: () => void = () => {}): HTMLElement | null {
  if (m.state === "failed") {
    const id = m.outbox_id as number;
    return h("div", { class: "send-error", attrs: { role: "alert" } },
      t("message-not-sent", { error: m.error ?? t("message-unknown-error") }) + " ",
      h("button", { class: "link", attrs: { type: "button" }, on: { click: () => void cmd.retry(id).then(after) } }, t("message-retry")),
      " ",
      h("button", { class: "link", attrs: { type: "button" }, on: { click: () => void cmd.discard(id).then(after) } }, t("message-discard")),
    );
  }
  if (m.state === "pending") return h("div", { class: "sending" }, t("message-sending"));
  return null;
}
