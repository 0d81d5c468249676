// The window: renders what parley-client has in its cache and sends the
// user's intents back through the shell's commands, in the user's language
// (i18n.ts). Message text is only ever set as text (see dom.ts), never as
// HTML. The sidebar's lists, the side panel and settings are their own
// modules (sidebar.ts, panel.ts, settings.ts), and so is the composer
// (composer.ts); this wires them together.
import "./theme"; // first: the chosen theme is on <html> before anything draws
import { listen } from "@tauri-apps/api/event";
import { Composer } from "./composer";
import { directTitle, installDirectDialog, isDirect } from "./directs";
import { $, h } from "./dom";
import { errorText, localize, t, useLanguage } from "./i18n";
import { installCompositionTracking, unlessComposing } from "./ime";
import * as cmd from "./bindings/commands";
import { sessionNotice, toast } from "./notice";
import { Panel } from "./panel";
import { SearchBox } from "./search-chips";
import { installKeys } from "./shortcuts";
import { drawSidebar } from "./sidebar";
import { asChannelSid } from "./sids";
import { Timeline } from "./timeline";
import type { ChannelSid, ChannelSummary, ClientEvent, ConnectionState, DroppedFile } from "./types";
import { badge, channelLabel, channelName, connectionText, filterChannels, formatBytes, listOf, typingText } from "./view";

let me = "";
let current: ChannelSid | null = null;
let channels: ChannelSummary[] = [];
let connection: { state: ConnectionState; last_sync: number | null } = { state: "offline", last_sync: null };
const transfers = new Map<string, { done: number; total: number }>();

const timeline = new Timeline($("messages"), $("latest"), {
  me: () => me,
  error: toast,
  transfer: (key) => transfers.get(key),
  reply: (m) => composer.replyTo(m),
  thread: (m) => { if (m.sid) void panel.thread(m.channel_sid, m.sid); },
});
const composer = new Composer({ current: () => current, me: () => me, timeline, error: toast });

function show(signedIn: boolean) {
  $("splash").hidden = true;
  $("signin").hidden = signedIn;
  $("main").hidden = !signedIn;
}

async function renderChannels() {
  await drawChannels(await cmd.channels());
}

async function drawChannels(list: ChannelSummary[]) {
  channels = list;
  drawSidebar(channels, current, {
    open: (sid) => void openChannel(sid),
    accept: (sid) => void act(cmd.acceptInvite(sid).then(() => openChannel(sid))),
    decline: (sid) => void act(cmd.declineInvite(sid)),
  });
  markFirstList();
  const joined = channels.filter((c) => c.status === "joined");
  if (!current && joined.length > 0) {
    const last = asChannelSid(localStorage.getItem("parley-last-channel"));
    await openChannel(joined.find((c) => c.sid === last)?.sid ?? joined[0].sid);
  }
}

/** When the first frame with the channel list was painted (the task after
 * the frame's animation callbacks): marked, and reported to the shell's log
 * for the start-up benchmark. */
function markFirstList() {
  if (listMarked) return;
  listMarked = true;
  requestAnimationFrame(() =>
    window.setTimeout(() => {
      const mark = performance.mark("parley-channel-list");
      const origin = performance.timeOrigin;
      // Only a start that opened on the cache is a start-up time (not one
      // that waited for the user to sign in).
      if (restored) void cmd.firstFrame(origin, origin + mark.startTime).catch(() => {});
    }, 0),
  );
}
let listMarked = false;
/** Whether this run opened on a cached session. */
let restored = false;

/** Waits for `p`; what went wrong is said in a toast. */
const act = (p: Promise<unknown>): Promise<void> => p.then(() => {}, (e) => toast(errorText(e)));

const saveDraft = () => composer.saveDraft();

async function openChannel(sid: ChannelSid) {
  const box = composer.box;
  if (current && current !== sid) await saveDraft();
  if (current !== sid) composer.switched();
  current = sid;
  // The composer empties with the switch itself: the last channel's text
  // must never be sent here, even if Enter comes before this channel's
  // draft is read.
  if (box.value) box.value = "";
  localStorage.setItem("parley-last-channel", sid);
  const c = channels.find((x) => x.sid === sid);
  $("channel-title").textContent = c ? (isDirect(c) ? directTitle(c.direct) : channelLabel(c)) : "";
  $("typing").textContent = "";
  const draft = await cmd.draft(sid).catch(() => null);
  if (current === sid && box.value === "") box.value = draft ?? "";
  await timeline.open(sid, c?.last_consumed_index ?? null);
  await cmd.openChannel(sid).catch(() => {});
  await renderChannels();
  if (panel.open && panel.open !== "search") await panel.render();
  box.focus();
}

/** Opens a channel the list may not have yet (just made or found). */
const openNew = async (sid: ChannelSid) => {
  await renderChannels();
  await openChannel(sid);
};

const panel = new Panel({
  me: () => me,
  current: () => current,
  channels: () => channels,
  act: (p) => act(p),
  changed: () => renderChannels(),
  left: () => {
    current = null;
    return renderChannels();
  },
  show: async (channel, index) => {
    if (current !== channel) await openChannel(channel);
    await timeline.openAt(channel, index);
  },
  open: openNew,
  jump: async (m) => {
    if (current !== m.channel_sid) await openChannel(m.channel_sid);
    if (m.sid) await timeline.showOriginal(m.sid);
  },
  threads: timeline.threads,
});

// ---- dialogs: switcher, browser, creator ----

function openSwitcher() {
  const d = $<HTMLDialogElement>("switcher");
  const input = $<HTMLInputElement>("switcher-input");
  input.value = "";
  let selected = 0;
  const draw = () => {
    const list = filterChannels(channels.filter((c) => c.status === "joined"), input.value);
    selected = Math.min(selected, Math.max(0, list.length - 1));
    $("switcher-list").replaceChildren(
      ...list.map((c, i) =>
        h("li", {
            class: i === selected ? "selected" : "",
            on: { click: () => { d.close(); void openChannel(c.sid); } },
          },
          "# " + channelName(c),
          badge(c) ? h("span", { class: "badge" }, badge(c) as string) : null,
        ),
      ),
    );
    return list;
  };
  input.oninput = () => { selected = 0; draw(); };
  input.onkeydown = unlessComposing((ev) => {
    const list = filterChannels(channels.filter((c) => c.status === "joined"), input.value);
    if (ev.key === "ArrowDown") { selected = Math.min(selected + 1, list.length - 1); draw(); ev.preventDefault(); }
    else if (ev.key === "ArrowUp") { selected = Math.max(selected - 1, 0); draw(); ev.preventDefault(); }
    else if (ev.key === "Enter") {
      ev.preventDefault();
      const c = list[selected];
      d.close();
      if (c) void openChannel(c.sid);
    }
  });
  draw();
  d.showModal();
  input.focus();
}

async function openBrowser() {
  const d = $<HTMLDialogElement>("browser");
  const list = await cmd.publicChannels().catch(() => [] as ChannelSummary[]);
  $("browser-list").replaceChildren(
    ...(list.length === 0
      ? [h("li", { class: "empty" }, t("browser-empty"))]
      : list.map((c) =>
          h("li", {},
            h("span", {}, `# ${channelName(c)} · ${t("browser-members", { count: c.members_count })}`),
            h("button", {
                attrs: { type: "button" },
                on: {
                  click: () => void act(cmd.join(c.sid).then(async () => {
                    d.close();
                    await renderChannels();
                    await openChannel(c.sid);
                  })),
                },
              },
              t("browser-join"),
            ),
          ),
        )),
  );
  d.showModal();
}

function openCreator() {
  const d = $<HTMLDialogElement>("creator");
  $<HTMLFormElement>("creator-form").reset();
  $("create-error").textContent = "";
  d.showModal();
  $<HTMLInputElement>("create-name").focus();
}

function showDrop(files: DroppedFile[]) {
  const box = $("drop-confirm");
  if (!current || files.length === 0) {
    box.hidden = true;
    return;
  }
  const c = channels.find((x) => x.sid === current);
  box.replaceChildren(
    h("span", {}, t("drop-question", {
      files: listOf(files.map((f) => t("drop-file", { name: f.name, size: formatBytes(f.size) }))),
      channel: c ? channelName(c) : "",
    })),
    h("button", { attrs: { type: "button" }, on: { click: () => { box.hidden = true; if (current) void act(cmd.sendDropped(current)); } } }, t("drop-send")),
    h("button", { attrs: { type: "button" }, on: { click: () => (box.hidden = true) } }, t("cancel")),
  );
  box.hidden = false;
}

function setStatus() {
  $("status").textContent = connectionText(connection.state, connection.last_sync);
  $("status").dataset.state = connection.state;
}

async function enter(identity: string) {
  me = identity;
  $("me").textContent = identity;
  // The cached channel list is fetched before the main view is shown, so
  // the first frame of it already has the list: it is what the user came for.
  const [list, dnd, state] = await Promise.all([
    cmd.channels().catch((e) => {
      toast(errorText(e));
      return [];
    }),
    cmd.doNotDisturb().catch(() => false),
    cmd.status().catch((): ConnectionState => "offline"),
  ]);
  $<HTMLInputElement>("dnd").checked = dnd;
  connection.state = state;
  setStatus();
  show(true);
  await drawChannels(list);
}

/** What the client reports, applied to the window. */
function onClientEvent(ev: ClientEvent) {
  switch (ev.type) {
    case "channelsChanged":
      void renderChannels();
      break;
    case "messagesChanged":
      if (ev.channel_sid === current) {
        void timeline.refresh();
        if (document.hasFocus() && timeline.atNewest) void cmd.markRead(current).catch(() => {});
        // Members joining, leaving or reading show in an open members panel.
        if (panel.open === "members" || panel.open === "pins" || panel.open === "thread") void panel.render();
      }
      break;
    case "userChanged":
      // Presence and names in an open members panel stay current.
      if (panel.open === "members" || panel.open === "saved") void panel.render();
      break;
    case "typing":
      if (ev.channel_sid === current) $("typing").textContent = typingText(ev.identities.filter((i) => i !== me));
      break;
    case "connection":
      connection = { state: ev.state, last_sync: ev.last_sync ?? connection.last_sync };
      setStatus();
      break;
    case "sessionExpired":
      toast(t("session-expired"));
      show(false);
      break;
    case "transfer":
      transfers.set(ev.key, { done: ev.done, total: ev.total });
      timeline.showTransfer(ev.key, ev.done, ev.total);
      if (ev.done >= ev.total) window.setTimeout(() => transfers.delete(ev.key), 1000);
      break;
  }
}

async function boot() {
  installCompositionTracking(document);
  // The language is asked for alongside the rest (one round trip); nothing
  // but the splash (the app's name) shows before the window speaks it.
  // Without an answer, English.
  const speaking = cmd.language().then((l) => useLanguage(l.tag), () => {}).then(() => localize());
  // One round trip: the listeners are asked for first, the session is
  // restored alongside, and whatever an event could have said before they
  // were in place, `enter` reads from the cache.
  const listening = Promise.all([
    listen<ClientEvent>("parley-event", (e) => onClientEvent(e.payload)),
    listen<string>("parley-open-channel", (e) => { const sid = asChannelSid(e.payload); if (sid) void openChannel(sid); }),
    listen<DroppedFile[]>("parley-dropped", (e) => showDrop(e.payload)),
    listen<boolean>("parley-dnd", (e) => ($<HTMLInputElement>("dnd").checked = e.payload)),
  ]);
  const [defaults, session] = await Promise.all([
    cmd.defaults(),
    cmd.restore().catch(async (e) => {
      await speaking;
      $("signin-error").textContent = errorText(e);
      return null;
    }),
    speaking,
  ]);
  await listening;
  window.setInterval(setStatus, 30_000);
  if (defaults.server_url) $<HTMLInputElement>("server").value = defaults.server_url;
  restored = session !== null;
  if (session) await enter(session.identity);
  else show(false);

  $<HTMLFormElement>("signin-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const err = $("signin-error");
    err.textContent = "";
    $<HTMLButtonElement>("signin-button").disabled = true;
    try {
      const s = await cmd.signIn(
        $<HTMLInputElement>("server").value,
        $<HTMLInputElement>("username").value,
        $<HTMLInputElement>("password").value,
        $<HTMLInputElement>("remember").checked,
      );
      $<HTMLInputElement>("password").value = "";
      await enter(s.identity).then(() => sessionNotice(s));
    } catch (e) {
      err.textContent = errorText(e);
    } finally {
      $<HTMLButtonElement>("signin-button").disabled = false;
    }
  });

  $("attach").addEventListener("click", () => { if (current) void act(cmd.attach(current)); });

  $("switcher-open").addEventListener("click", openSwitcher);
  $("browse").addEventListener("click", () => void openBrowser());
  $("browser-close").addEventListener("click", () => $<HTMLDialogElement>("browser").close());
  $("create").addEventListener("click", openCreator);
  $("create-cancel").addEventListener("click", () => $<HTMLDialogElement>("creator").close());
  $<HTMLFormElement>("creator-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      const sid = await cmd.createChannel(
        $<HTMLInputElement>("create-name").value,
        $<HTMLInputElement>("create-unique").value || null,
        $<HTMLInputElement>("create-private").checked,
      );
      $<HTMLDialogElement>("creator").close();
      await openNew(sid);
    } catch (e) {
      $("create-error").textContent = errorText(e);
    }
  });

  $("members-toggle").addEventListener("click", () => panel.toggle("members"));
  $("settings-toggle").addEventListener("click", () => panel.toggle("settings"));
  $("pins-toggle").addEventListener("click", () => panel.toggle("pins"));
  $("saved-toggle").addEventListener("click", () => panel.toggle("saved"));
  installDirectDialog(openNew);
  const search = new SearchBox($("search"), $("search-chips"), (q) => panel.search(q));
  $<HTMLInputElement>("dnd").addEventListener("change", (ev) => {
    void act(cmd.setDoNotDisturb((ev.target as HTMLInputElement).checked));
  });

  installKeys({
    switcher: () => { if (!$("main").hidden) openSwitcher(); },
    escape: () => {
      if (timeline.cancelEdit()) return;
      if (!$("drop-confirm").hidden) $("drop-confirm").hidden = true;
      else if (panel.open) panel.close();
      else if ($<HTMLInputElement>("search").value) search.clear();
    },
  });
  window.addEventListener("beforeunload", () => void saveDraft());

  $("signout").addEventListener("click", async () => {
    await saveDraft();
    await cmd.signOut().catch((e) => toast(errorText(e)));
    current = null;
    panel.close();
    show(false);
  });
}

void boot();
