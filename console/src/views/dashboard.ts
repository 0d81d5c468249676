/**
 * Dashboard: the account (SID; auth token hidden until Reveal; Rotate with
 * a typed confirmation of the SID, the new token shown once), API keys
 * (list, create with the secret shown once, revoke), the services (create,
 * open = select it) and a few numbers at a glance from /admin/Health and
 * today's /admin/Usage of the selected service.
 */
import { del, get, getPage, post } from "../api";
import { confirmTyped, showSecretOnce } from "../confirm";
import { button, definitions, field, h, input, replace, section, table } from "../dom";
import { formatBytes, formatDate, formatDuration, formatNumber, t } from "../i18n";
import { navigate } from "../router";
import { currentSession, knownServices, selectedService, selectService, type Service } from "../state";
import { report } from "../status";
import type { ViewContext } from ".";
import { act, failed, form, isoDay, loading, text, viewTitle } from "./common";

interface Key {
  sid: string;
  friendly_name: string;
  date_created: string;
  secret?: string;
}

export async function render(root: HTMLElement, _route: unknown, ctx: ViewContext): Promise<void> {
  const session = currentSession();
  if (!session) return;
  const ac = session.account_sid;
  const glance = h("div", null, loading());
  const keys = h("div", null, loading());
  root.append(
    viewTitle("nav.dashboard"),
    section(t("dash.glance"), glance),
    section(t("dash.account"), accountPanel(ac)),
    section(t("dash.keys"), keys, keyCreateForm(ac, () => void drawKeys(keys, ac))),
    section(t("dash.services"), servicesPanel(ctx)),
  );
  await Promise.all([drawGlance(glance), drawKeys(keys, ac)]);
}

function accountPanel(ac: string): HTMLElement {
  const tokenSlot = h("code", { class: "secret", "data-testid": "auth-token" }, "••••••••••••••••");
  let shown = false;
  const reveal = button(t("dash.reveal"), null, { "data-testid": "reveal-token" });
  reveal.addEventListener("click", () =>
    void act(null, async () => {
      if (shown) {
        tokenSlot.textContent = "••••••••••••••••";
        reveal.textContent = t("dash.reveal");
        shown = false;
        return;
      }
      const r = await post<{ auth_token: string }>("/admin/Account/AuthToken/Reveal");
      tokenSlot.textContent = r.auth_token;
      reveal.textContent = t("dash.hide");
      shown = true;
    }, reveal),
  );
  const rotate = button(t("dash.rotate"), null, { class: "danger", "data-testid": "rotate-token" });
  rotate.addEventListener("click", async () => {
    const ok = await confirmTyped({ title: t("dash.rotate"), message: t("dash.rotateWarning"), expected: ac, action: t("dash.rotate") });
    if (!ok) return;
    await act(null, async () => {
      const r = await post<{ auth_token: string }>("/admin/Account/AuthToken/Rotate", { Confirm: ac });
      tokenSlot.textContent = "••••••••••••••••";
      reveal.textContent = t("dash.reveal");
      shown = false;
      report(t("dash.rotated"));
      await showSecretOnce(t("dash.newToken"), t("dash.newTokenOnce"), r.auth_token);
    }, rotate);
  });
  return h(
    "div",
    null,
    definitions([
      [t("dash.accountSid"), h("code", { "data-testid": "account-sid" }, ac)],
      [t("dash.authToken"), h("span", null, tokenSlot, " ", reveal)],
    ]),
    h("div", { class: "actions" }, rotate),
  );
}

async function drawKeys(slot: HTMLElement, ac: string): Promise<void> {
  try {
    const page = await getPage<Key>(`/2010-04-01/Accounts/${ac}/Keys.json?PageSize=100`, "keys");
    replace(
      slot,
      table<Key>(t("dash.keys"), [
        { header: t("common.friendlyName"), cell: (k) => text(k.friendly_name) },
        { header: t("common.sid"), cell: (k) => h("code", null, k.sid) },
        { header: t("common.created"), cell: (k) => formatDate(k.date_created) },
        {
          header: t("common.actions"),
          cell: (k) =>
            button(t("dash.revoke"), async (e) => {
              const ok = await confirmTyped({ title: t("dash.revokeTitle"), message: t("dash.revokeWarning", { sid: k.sid }), expected: k.sid, action: t("dash.revoke") });
              if (!ok) return;
              if (await act("dash.revoked", () => del(`/2010-04-01/Accounts/${ac}/Keys/${k.sid}.json`), e.currentTarget as HTMLButtonElement)) await drawKeys(slot, ac);
            }, { "aria-label": t("dash.revokeKey", { sid: k.sid }) }),
        },
      ], page.items, { empty: t("dash.noKeys") }),
    );
  } catch (e) {
    replace(slot, failed(e));
  }
}

function keyCreateForm(ac: string, reload: () => void): HTMLFormElement {
  const name = input({ name: "FriendlyName", "data-testid": "key-name" });
  const submit = h("button", { type: "submit" }, t("dash.createKey"));
  return form(
    () =>
      void act(null, async () => {
        const k = await post<Key>(`/2010-04-01/Accounts/${ac}/Keys.json`, { FriendlyName: name.value.trim() || undefined });
        name.value = "";
        reload();
        report(t("dash.keyCreated"));
        await showSecretOnce(t("dash.keySecret"), t("dash.keySecretOnce", { sid: k.sid }), k.secret ?? "");
      }, submit),
    h("h3", null, t("dash.newKey")),
    field(t("common.friendlyName"), name),
    h("div", { class: "actions" }, submit),
  );
}

function servicesPanel(ctx: ViewContext): HTMLElement {
  const listSlot = h("div");
  const draw = () =>
    replace(
      listSlot,
      table<Service>(t("dash.services"), [
        { header: t("common.friendlyName"), cell: (s) => text(s.friendly_name) },
        { header: t("common.sid"), cell: (s) => h("code", null, s.sid) },
        { header: t("common.created"), cell: (s) => formatDate(s.date_created as string) },
        {
          header: t("common.actions"),
          cell: (s) => button(t("dash.open"), () => { selectService(s.sid); navigate("services"); }, { "aria-label": t("dash.openService", { name: s.friendly_name || s.sid }) }),
        },
      ], knownServices(), { empty: t("dash.noServices") }),
    );
  draw();
  const name = input({ name: "FriendlyName", required: true, "data-testid": "service-name" });
  const submit = h("button", { type: "submit" }, t("dash.createService"));
  const create = form(
    () =>
      void act("dash.serviceCreated", async () => {
        const s = await post<Service>("/v2/Services", { FriendlyName: name.value.trim() });
        name.value = "";
        await ctx.reloadServices();
        selectService(s.sid);
      }, submit),
    h("h3", null, t("dash.newService")),
    field(t("common.friendlyName"), name),
    h("div", { class: "actions" }, submit),
  );
  return h("div", null, listSlot, create);
}

interface Health {
  version?: string;
  uptime?: number;
  sockets?: number;
  database?: { kind?: string; size_bytes?: number };
  jobs?: { queued?: number; due?: number; failing?: number };
}

interface UsageDay {
  date: string;
  users: number;
  new_users: number;
  active_users: number;
  messages: number;
  channels: number;
  new_channels: number;
  media_bytes: number;
}

async function drawGlance(slot: HTMLElement): Promise<void> {
  const today = isoDay();
  const service = selectedService();
  const [health, usage] = await Promise.allSettled([
    get<Health>("/admin/Health"),
    service ? get<{ days: UsageDay[] }>("/admin/Usage", { ServiceSid: service, From: today, To: today }) : Promise.resolve({ days: [] }),
  ]);
  const pairs: [string, string | HTMLElement][] = [];
  if (health.status === "fulfilled") {
    const hl = health.value;
    pairs.push([t("health.version"), String(hl.version ?? "—")]);
    pairs.push([t("health.uptime"), formatDuration(hl.uptime ?? 0)]);
    pairs.push([t("health.sockets"), formatNumber(hl.sockets ?? 0)]);
    pairs.push([t("health.jobsFailing"), formatNumber(hl.jobs?.failing ?? 0)]);
    pairs.push([t("health.dbSize"), formatBytes(hl.database?.size_bytes ?? 0)]);
  } else {
    pairs.push([t("nav.health"), failed(health.reason)]);
  }
  if (usage.status === "fulfilled") {
    const d = usage.value.days?.[usage.value.days.length - 1];
    const name = knownServices().find((x) => x.sid === service)?.friendly_name ?? service ?? "—";
    pairs.push([t("usage.messagesToday", { service: name }), formatNumber(d?.messages ?? 0)]);
    pairs.push([t("usage.activeToday"), formatNumber(d?.active_users ?? 0)]);
    pairs.push([t("usage.users"), formatNumber(d?.users ?? 0)]);
    pairs.push([t("usage.channels"), formatNumber(d?.channels ?? 0)]);
  } else {
    pairs.push([t("nav.usage"), failed(usage.reason)]);
  }
  replace(slot, definitions(pairs, { class: "glance", "data-testid": "glance" }));
}
