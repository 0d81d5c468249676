// The sidebar's channel lists: the joined channels (name, unread badge —
// or the mention badge when unread messages mention the user — last
// message), the open one marked, and the invitations with Accept / Decline.
// main.ts owns which channel is open; this only draws.
import { $, h } from "./dom";
import { t } from "./i18n";
import type { ChannelSid, ChannelSummary } from "./types";
import { badge, channelLabel, channelName, mentionBadge, previewText } from "./view";

export interface SidebarHost {
  open(sid: ChannelSid): void;
  accept(sid: ChannelSid): void;
  decline(sid: ChannelSid): void;
}

/** Draws the joined channels and the invitations of `channels`. */
export function drawSidebar(channels: ChannelSummary[], current: ChannelSid | null, host: SidebarHost): void {
  const joined = channels.filter((c) => c.status === "joined");
  const invited = channels.filter((c) => c.status === "invited");
  $("channels").replaceChildren(
    ...joined.map((c) => {
      const b = badge(c);
      const at = mentionBadge(c);
      return h("li", {
          class: "channel" + (c.sid === current ? " active" : "") + (b || at ? " unread" : "") + (c.notify === "muted" ? " muted" : ""),
          data: { sid: c.sid },
          on: { click: () => host.open(c.sid) },
        },
        h("span", { class: "name" }, channelLabel(c)),
        at ? h("span", { class: "badge mention-badge", attrs: { "aria-label": t("sidebar-mentions", { count: c.mentions }) } }, at)
        : b ? h("span", { class: "badge", attrs: { "aria-label": t("sidebar-unread", { count: c.unread }) } }, b) : null,
        h("span", { class: "preview" }, previewText(c)),
      );
    }),
  );
  $("invites-title").hidden = invited.length === 0;
  $("invites").replaceChildren(
    ...invited.map((c) =>
      h("li", { class: "channel invite", data: { sid: c.sid } },
        h("span", { class: "name" }, "✉ " + channelName(c)),
        h("span", { class: "invite-actions" },
          h("button", { attrs: { type: "button" }, on: { click: () => host.accept(c.sid) } }, t("sidebar-accept")),
          h("button", { attrs: { type: "button" }, on: { click: () => host.decline(c.sid) } }, t("sidebar-decline")),
        ),
      ),
    ),
  );
}
