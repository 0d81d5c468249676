// The window: renders what parley-client has in its cache and sends the
// user's intents back. Message text is only ever set with textContent.
import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import { badge, bodyText, channelName, startsGroup, timeOf, type ChannelSummary, type MessageView } from "./view";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
let current: string | null = null;

interface UiError { code: string; message: string }
const messageOf = (e: unknown) => (e as UiError)?.message ?? String(e);

function show(signedIn: boolean) {
  $("signin").hidden = signedIn;
  $("main").hidden = !signedIn;
}

async function renderChannels() {
  const list = await invoke<ChannelSummary[]>("channels");
  const ul = $<HTMLUListElement>("channels");
  ul.replaceChildren(
    ...list.map((c) => {
      const li = document.createElement("li");
      li.className = "channel" + (c.sid === current ? " active" : "");
      li.dataset.sid = c.sid;
      const name = document.createElement("span");
      name.className = "name";
      name.textContent = (c.status === "invited" ? "✉ " : "# ") + channelName(c);
      li.append(name);
      const b = badge(c);
      if (b) {
        const span = document.createElement("span");
        span.className = "badge";
        span.textContent = b;
        li.append(span);
      }
      li.addEventListener("click", () => void openChannel(c.sid, channelName(c)));
      return li;
    }),
  );
  if (!current && list.length > 0) await openChannel(list[0].sid, channelName(list[0]));
}

async function renderMessages() {
  if (!current) return;
  const msgs = await invoke<MessageView[]>("messages", { channel: current, before: null, limit: 200 });
  const ol = $<HTMLOListElement>("messages");
  const atBottom = ol.scrollHeight - ol.scrollTop - ol.clientHeight < 40;
  ol.replaceChildren(
    ...msgs.map((m, i) => {
      const li = document.createElement("li");
      li.className = `message ${m.state}` + (m.deleted ? " deleted" : "");
      if (startsGroup(msgs[i - 1], m)) {
        const author = document.createElement("span");
        author.className = "author";
        author.textContent = m.author;
        const time = document.createElement("span");
        time.className = "time";
        time.textContent = timeOf(m.date_created);
        li.append(author, time, document.createElement("br"));
      }
      const body = document.createElement("span");
      body.className = "body";
      body.textContent = bodyText(m);
      li.append(body);
      return li;
    }),
  );
  if (atBottom) ol.scrollTop = ol.scrollHeight;
}

async function openChannel(sid: string, name: string) {
  current = sid;
  $("channel-title").textContent = "# " + name;
  $("older").hidden = false;
  await invoke("open_channel", { channel: sid });
  await renderChannels();
  await renderMessages();
  const ol = $<HTMLOListElement>("messages");
  ol.scrollTop = ol.scrollHeight;
}

async function enter(identity: string) {
  $("me").textContent = identity;
  show(true);
  await renderChannels();
}

async function boot() {
  await listen<{ type: string; channel_sid?: string; state?: string }>("parley-event", (e) => {
    const ev = e.payload;
    if (ev.type === "channelsChanged") void renderChannels();
    if (ev.type === "messagesChanged" && ev.channel_sid === current) void renderMessages();
    if (ev.type === "connection" && ev.state) $("status").textContent = ev.state;
    if (ev.type === "sessionExpired") show(false);
  });
  await listen<string>("parley-open-channel", (e) => void openChannel(e.payload, e.payload));

  const defaults = await invoke<{ server_url: string | null }>("defaults");
  if (defaults.server_url) $<HTMLInputElement>("server").value = defaults.server_url;
  const session = await invoke<{ identity: string } | null>("restore");
  if (session) await enter(session.identity);
  else show(false);

  $<HTMLFormElement>("signin-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const err = $("signin-error");
    err.textContent = "";
    $<HTMLButtonElement>("signin-button").disabled = true;
    try {
      const s = await invoke<{ identity: string }>("sign_in", {
        serverUrl: $<HTMLInputElement>("server").value,
        username: $<HTMLInputElement>("username").value,
        password: $<HTMLInputElement>("password").value,
        remember: $<HTMLInputElement>("remember").checked,
      });
      $<HTMLInputElement>("password").value = "";
      await enter(s.identity);
    } catch (e) {
      err.textContent = messageOf(e);
    } finally {
      $<HTMLButtonElement>("signin-button").disabled = false;
    }
  });

  const composer = $<HTMLTextAreaElement>("composer");
  composer.addEventListener("keydown", async (ev) => {
    if (ev.key === "Enter" && !ev.shiftKey) {
      ev.preventDefault();
      const body = composer.value;
      if (!current || !body.trim()) return;
      try {
        await invoke("send", { channel: current, body });
        composer.value = "";
        await renderMessages();
      } catch (e) {
        $("status").textContent = messageOf(e);
      }
    }
  });

  $("older").addEventListener("click", async () => {
    if (!current) return;
    const n = await invoke<number>("load_older", { channel: current });
    if (n === 0) $("older").hidden = true;
    await renderMessages();
  });

  $("signout").addEventListener("click", async () => {
    await invoke("sign_out");
    current = null;
    show(false);
  });
}

void boot();
