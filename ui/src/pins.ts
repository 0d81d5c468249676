// The side panel's lists of messages kept aside: a channel's pinned
// messages and the user's saved ones (across channels). A click shows the
// message in its channel (the timeline's jump used by reply quotes).
// panel.ts puts them in the panel.
import * as cmd from "./bindings/commands";
import { h } from "./dom";
import { errorText, t } from "./i18n";
import { unlessComposing } from "./ime";
import type { ChannelSid, ChannelSummary, MessageView } from "./types";
import { bodyText, channelName, dayLabel, timeOf } from "./view";

export interface KeptHost {
  channels(): ChannelSummary[];
  /** Shows `m` in its channel (opening it if it is not the open one). */
  jump(m: MessageView): Promise<void>;
  error?(text: string): void;
}

function item(m: MessageView, host: KeptHost, where: string | null): HTMLLIElement {
  const when = `${dayLabel(m.date_created)} ${timeOf(m.date_created)}`;
  const text = m.body || (m.media ? (m.media.filename ?? t("file-unnamed")) : bodyText(m));
  return h("li", {
      class: "kept",
      data: { channel: m.channel_sid, ...(m.sid ? { sid: m.sid } : {}) },
      attrs: { tabindex: "0" },
      on: {
        click: () => void host.jump(m),
        keydown: unlessComposing((ev) => { if (ev.key === "Enter") void host.jump(m); }) as (ev: Event) => void,
      },
    },
    h("div", { class: "meta" },
      where === null ? null : h("span", { class: "where" }, `#${where} · `),
      h("span", { class: "author" }, m.author),
      " · ",
      h("time", { attrs: { datetime: m.date_created } }, when),
    ),
    h("div", { class: "snippet" }, text),
  );
}

function listOf(items: MessageView[], host: KeptHost, empty: string, where: (m: MessageView) => string | null): HTMLElement {
  return h("ul", { class: "results kept-list" },
    ...(items.length === 0 ? [h("li", { class: "empty" }, empty)] : items.map((m) => item(m, host, where(m)))),
  );
}

async function read(p: Promise<MessageView[]>, host: KeptHost): Promise<MessageView[]> {
  try {
    return await p;
  } catch (e) {
    host.error?.(errorText(e));
    return [];
  }
}

/** The pinned messages of `channel`, oldest pin first. */
export async function pinnedList(channel: ChannelSid, host: KeptHost): Promise<HTMLElement> {
  const items = await read(cmd.pinned(channel), host);
  return listOf(items, host, t("pins-empty"), () => null);
}

/** The user's saved messages, newest first, each with its channel's name. */
export async function savedList(host: KeptHost): Promise<HTMLElement> {
  const items = await read(cmd.saved(), host);
  const name = (sid: ChannelSid) => {
    const c = host.channels().find((x) => x.sid === sid);
    return c ? channelName(c) : sid;
  };
  return listOf(items, host, t("saved-empty"), (m) => name(m.channel_sid));
}
