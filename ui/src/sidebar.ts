// The sidebar's channel lists: the joined channels and, apart, the direct
// conversations (name, unread badge — or the mention badge when unread
// messages mention the user — last message), the open one marked, and the
// invitations with Accept / Decline.
// main.ts owns which channel is open; this only draws.
import { avatar } from "./avatar";
import { $, h } from "./dom";
import { t } from "./i18n";
import type { ChannelSid, ChannelSummary } from "./types";
import { directTitle, fetchPeople, isDirect, onlineOf } from "./directs";
import { badge, channelLabel, channelName, mentionBadge, presence, presenceTitle, previewText } from "./view";

export interface SidebarHost {
  open(sid: ChannelSid): void;
  accept(sid: ChannelSid): void;
  decline(sid: ChannelSid): void;
}

/** One channel row: its name, unread or mention badge, last message;
 *  `marks` go before the name (a direct conversation's avatar, and the
 *  presence dot of a 1:1). */
function channelRow(c: ChannelSummary, current: ChannelSid | null, host: SidebarHost, label: string, marks: (HTMLElement | null)[], cls = ""): HTMLLIElement {
  const b = badge(c);
  const at = mentionBadge(c);
  return h("li", {
      class: "channel" + cls + (c.sid === current ? " active" : "") + (b || at ? " unread" : "") + (c.notify === "muted" ? " muted" : ""),
      data: { sid: c.sid },
      on: { click: () => host.open(c.sid) },
    },
    ...marks,
    h("span", { class: "name" }, label),
    at ? h("span", { class: "badge mention-badge", attrs: { "aria-label": t("sidebar-mentions", { count: c.mentions }) } }, at)
    : b ? h("span", { class: "badge", attrs: { "aria-label": t("sidebar-unread", { count: c.unread }) } }, b) : null,
    h("span", { class: "preview" }, previewText(c)),
  );
}

/** The avatar of a direct conversation: its first other person's (the
 *  first name of its title), with their friendly name where known. */
function avatarOf(c: ChannelSummary): HTMLElement {
  const who = c.direct[0];
  const shown = directTitle([who]);
  return avatar(who, shown === who ? null : shown, "small");
}

/** The presence dot of the other person of a 1:1 conversation. */
function dotOf(c: ChannelSummary): HTMLElement | null {
  if (c.direct.length !== 1) return null;
  const online = onlineOf(c.direct[0]);
  return h("span", { class: "presence " + presence(online), title: presenceTitle(online) });
}

/** Draws the joined channels, the direct conversations (their members read
 *  once per draw, for names and presence) and the invitations of `channels`. */
export function drawSidebar(channels: ChannelSummary[], current: ChannelSid | null, host: SidebarHost): void {
  const joined = channels.filter((c) => c.status === "joined");
  const invited = channels.filter((c) => c.status === "invited");
  const directs = joined.filter(isDirect);
  $("channels").replaceChildren(...joined.filter((c) => !isDirect(c)).map((c) => channelRow(c, current, host, channelLabel(c), [])));
  const list = document.getElementById("directs");
  if (list) {
    const draw = (c: ChannelSummary) => channelRow(c, current, host, directTitle(c.direct), [avatarOf(c), dotOf(c)], " direct");
    list.replaceChildren(...directs.map(draw));
    fetchPeople(directs, (c) => {
      const old = [...list.children].find((li) => (li as HTMLElement).dataset.sid === c.sid);
      old?.replaceWith(draw(c));
    });
  }
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
