/**
 * Users of the selected service: search (`GET /admin/Services/{IS}/Users?Q=`)
 * with Previous/Next paging, checkbox selection with bulk role change and
 * delete (typed confirmation of the count), creating a user (with an
 * optional desktop-app password), and the detail page `#/users/{US}`: name,
 * attributes (JSON checked before sending), role, password, sign out
 * everywhere, delete (typed confirmation of the identity), the user's
 * channels and push bindings, each with "Send test push"
 * (`POST /admin/Services/{IS}/Bindings/{BS}/TestPush`, then the push
 * delivery log read again every second until the outcome shows).
 */
import { del, get, listAll, post, withQuery } from "../api";
import { confirmTyped } from "../confirm";
import { button, checkbox, definitions, field, h, input, replace, section, select, table } from "../dom";
import { formatDate, formatNumber, t, type Key } from "../i18n";
import { Pager } from "../pager";
import { hrefOf, navigate, type Route } from "../router";
import { report, reportError } from "../status";
import { act, failed, form, loading, loadRoles, pagingBar, requireService, roleName, roleOptions, servicePath, text, viewTitle, type Role } from "./common";

export interface User {
  sid: string;
  identity: string;
  friendly_name: string | null;
  role_sid: string | null;
  attributes: string;
  date_created: string;
  last_activity?: string | null;
  joined_channels_count?: number;
  is_online?: boolean | null;
}

/** One entry of `GET /admin/Services/{IS}/Deliveries`. */
export interface Delivery {
  kind: string;
  event?: string;
  target: string;
  outcome: string;
  status: number | null;
  attempt?: number;
  detail: string | null;
  date_created: string;
}

export interface PollOptions {
  /** Between two reads of the log (ms). */
  interval?: number;
  /** How long to keep reading (ms). */
  timeout?: number;
  /** False once nobody looks any more (the page was left): stop early. */
  alive?: () => boolean;
}

/**
 * Reads the service's push deliveries every `interval` ms until the first
 * entry (newest first) for `bindingSid` dated at or after `since` (the
 * click; the log's dates have whole seconds, so the click's second counts)
 * shows up, for at most `timeout` ms. Resolves with it, or null when none
 * came in time. A failed read rejects with its sentence.
 */
export async function awaitPushOutcome(service: string, bindingSid: string, since: number, opts: PollOptions = {}): Promise<Delivery | null> {
  const interval = opts.interval ?? 1000;
  const timeout = opts.timeout ?? 10_000;
  const from = Math.floor(since / 1000) * 1000;
  for (let waited = 0; waited < timeout; ) {
    await new Promise((r) => setTimeout(r, interval));
    waited += interval;
    if (opts.alive && !opts.alive()) return null;
    const { deliveries } = await get<{ deliveries?: Delivery[] }>(`/admin/Services/${encodeURIComponent(service)}/Deliveries`, { Kind: "push" });
    const hit = (deliveries ?? []).find((d) => typeof d.target === "string" && d.target.includes(bindingSid) && Date.parse(d.date_created) >= from);
    if (hit) return hit;
  }
  return null;
}

const OUTCOMES: Record<string, Key> = {
  delivered: "users.pushDelivered",
  retrying: "users.pushRetrying",
  failed: "users.pushFailed",
  rejected: "users.pushRejected",
  dropped: "users.pushDropped",
};

/** A delivery's outcome in words: what happened, the push service's status, and why. */
export function outcomeSentence(d: Delivery): string {
  const key = OUTCOMES[d.outcome];
  const parts = [key ? t(key) : t("users.pushOther", { outcome: String(d.outcome) })];
  if (d.status) parts.push(t("users.pushStatus", { status: d.status }));
  const detail = (d.detail ?? "").trim();
  if (detail) parts.push(t("users.pushReason", { detail: /[.!?…。]$/.test(detail) ? detail : detail + "." }));
  return parts.join(" ");
}

/** Whether an outcome is a failure (shown as an error). */
export function outcomeFailed(d: Delivery): boolean {
  return d.outcome === "failed" || d.outcome === "rejected" || d.outcome === "dropped";
}

/**
 * Sends a test push to one binding and reports, in the status region and in
 * `out`, first "Queued", then the delivery's outcome (or that none came).
 */
export async function sendTestPush(service: string, bindingSid: string, out: HTMLElement, btn: HTMLButtonElement | null, opts: PollOptions = {}): Promise<void> {
  const say = (text: string, kind: "ok" | "error" = "ok") => {
    out.textContent = text;
    out.dataset.kind = kind;
    report(text, kind);
  };
  if (btn) btn.disabled = true;
  try {
    const since = Date.now();
    try {
      await post(`/admin/Services/${encodeURIComponent(service)}/Bindings/${encodeURIComponent(bindingSid)}/TestPush`);
    } catch (e) {
      say(e instanceof Error ? e.message : String(e), "error");
      return;
    }
    say(t("users.testPushQueued"));
    const alive = () => out.isConnected && (opts.alive ? opts.alive() : true);
    let d: Delivery | null;
    try {
      d = await awaitPushOutcome(service, bindingSid, since, { ...opts, alive });
    } catch (e) {
      say(t("users.testPushUnknown", { reason: e instanceof Error ? e.message : String(e) }), "error");
      return;
    }
    if (!alive()) return;
    if (d) say(outcomeSentence(d), outcomeFailed(d) ? "error" : "ok");
    else say(t("users.testPushNoOutcome", { s: Math.round((opts.timeout ?? 10_000) / 1000) }));
  } finally {
    if (btn) btn.disabled = false;
  }
}

/** Parses attributes typed by the operator: null when not a JSON value. */
export function parseAttributes(text: string): string | null {
  const v = text.trim() === "" ? "{}" : text;
  try {
    JSON.parse(v);
    return v;
  } catch {
    return null;
  }
}

export async function render(root: HTMLElement, route: Route): Promise<void> {
  root.append(viewTitle("nav.users"));
  const service = requireService(root);
  if (!service) return;
  let roles: Role[] = [];
  try {
    roles = await loadRoles(service);
  } catch (e) {
    root.append(failed(e));
    return;
  }
  if (route.id) await renderDetail(root, service, route.id, roles);
  else renderList(root, service, roles);
}

function renderList(root: HTMLElement, service: string, roles: Role[]): void {
  const q = input({ type: "search", name: "Q", "data-testid": "user-search" });
  const listSlot = h("div", null, loading());
  const selected = new Set<string>();
  const base = `/admin/Services/${service}/Users`;
  const pager = new Pager<User>(withQuery(base, { PageSize: 25 }), "users");
  const bulkRole = select(roleOptions(roles, "deployment"), null);
  const bulkCount = h("span", { class: "count", "aria-live": "polite" });
  const updateCount = () => (bulkCount.textContent = t("users.selected", { n: selected.size }));

  const show = () => {
    selected.clear();
    updateCount();
    const all = checkbox(false, { "aria-label": t("users.selectAll") });
    const boxes: HTMLInputElement[] = [];
    all.addEventListener("change", () => {
      for (const b of boxes) {
        b.checked = all.checked;
        if (all.checked) selected.add(b.value);
        else selected.delete(b.value);
      }
      updateCount();
    });
    const tbl = table<User>(t("users.caption"), [
      {
        header: "",
        cell: (u) => {
          const b = checkbox(false, { value: u.sid, "aria-label": t("users.select", { identity: u.identity }) });
          boxes.push(b);
          b.addEventListener("change", () => {
            if (b.checked) selected.add(u.sid);
            else selected.delete(u.sid);
            updateCount();
          });
          return b;
        },
      },
      { header: t("users.identity"), cell: (u) => h("a", { href: hrefOf("users", u.sid) }, u.identity) },
      { header: t("common.friendlyName"), cell: (u) => text(u.friendly_name) },
      { header: t("users.role"), cell: (u) => roleName(roles, u.role_sid) },
      { header: t("users.lastActivity"), cell: (u) => (u.last_activity ? formatDate(u.last_activity) : t("users.never")) },
    ], pager.items, { empty: t("users.none") });
    tbl.querySelector("thead th")?.append(all);
    replace(listSlot, h("div", { class: "table-wrap" }, tbl), pagingBar(pager, show, t("users.paging")));
  };
  const search = async () => {
    replace(listSlot, loading());
    try {
      await pager.first(withQuery(base, { Q: q.value.trim() || undefined, PageSize: 25 }));
      show();
    } catch (e) {
      replace(listSlot, failed(e));
    }
  };

  const applyRole = button(t("users.changeRole"), async () => {
    if (selected.size === 0) return report(t("users.selectFirst"), "error");
    const sids = [...selected];
    await act("users.rolesChanged", async () => {
      for (const sid of sids) await post(`${servicePath(service)}/Users/${sid}`, { RoleSid: bulkRole.value });
    }, applyRole);
    await pager.reload().then(show, reportError);
  }, { "data-testid": "bulk-role" });
  const bulkDelete = button(t("users.deleteSelected"), async () => {
    if (selected.size === 0) return report(t("users.selectFirst"), "error");
    const sids = [...selected];
    const ok = await confirmTyped({ title: t("users.deleteSelected"), message: t("users.bulkDeleteWarning", { n: sids.length }), expected: String(sids.length), action: t("users.deleteSelected") });
    if (!ok) return;
    await act("common.deleted", async () => {
      for (const sid of sids) await del(`${servicePath(service)}/Users/${sid}`);
    }, bulkDelete);
    await pager.reload().then(show, reportError);
  }, { class: "danger", "data-testid": "bulk-delete" });

  const searchBtn = h("button", { type: "submit" }, t("common.search"));
  root.append(
    section(
      t("users.find"),
      form(() => void search(), h("div", { class: "row" }, field(t("users.searchLabel"), q), h("div", { class: "actions" }, searchBtn))),
      h("div", { class: "bulk", role: "group", "aria-label": t("users.bulk") }, bulkCount, field(t("users.newRole"), bulkRole), applyRole, bulkDelete),
      listSlot,
    ),
    section(t("users.create"), createForm(service, roles, () => void search())),
  );
  void search();
}

function createForm(service: string, roles: Role[], reload: () => void): HTMLFormElement {
  const identity = input({ name: "Identity", required: true, autocomplete: "off", "data-testid": "new-identity" });
  const name = input({ name: "FriendlyName", "data-testid": "new-friendly-name" });
  const role = select(roleOptions(roles, "deployment", true), "", { "data-testid": "new-role" });
  const password = input({ type: "password", name: "Password", autocomplete: "new-password", "data-testid": "new-password" });
  const submit = h("button", { type: "submit" }, t("users.createButton"));
  return form(
    () =>
      void act(null, async () => {
        const u = await post<User>(`${servicePath(service)}/Users`, {
          Identity: identity.value.trim(),
          FriendlyName: name.value.trim() || undefined,
          RoleSid: role.value || undefined,
        });
        if (password.value) await post(`/admin/Services/${service}/Users/${u.sid}/Password`, { Password: password.value });
        identity.value = name.value = password.value = "";
        report(t("users.created", { identity: u.identity }));
        reload();
      }, submit),
    field(t("users.identity"), identity),
    field(t("common.friendlyName"), name),
    field(t("users.role"), role),
    field(t("users.passwordOptional"), password, { hint: t("users.passwordHint") }),
    h("div", { class: "actions" }, submit),
  );
}

async function renderDetail(root: HTMLElement, service: string, sid: string, roles: Role[]): Promise<void> {
  root.append(h("p", null, h("a", { href: hrefOf("users") }, t("users.back"))));
  let u: User;
  try {
    u = await get<User>(`${servicePath(service)}/Users/${encodeURIComponent(sid)}`);
  } catch (e) {
    root.append(failed(e));
    return;
  }
  const path = `${servicePath(service)}/Users/${u.sid}`;

  const name = input({ value: u.friendly_name ?? "", "data-param": "FriendlyName" });
  const attrs = h("textarea", { rows: 4, class: "code", spellcheck: "false" });
  attrs.value = u.attributes ?? "{}";
  const role = select(roleOptions(roles, "deployment"), u.role_sid, { "data-testid": "user-role" });
  const attrsError = h("p", { class: "form-error", role: "alert", hidden: true });
  const save = h("button", { type: "submit", class: "primary" }, t("common.save"));
  const edit = form(
    () => {
      attrsError.hidden = true;
      const a = parseAttributes(attrs.value);
      if (a === null) {
        attrsError.textContent = t("common.badJson");
        attrsError.hidden = false;
        attrs.focus();
        return;
      }
      void act("common.saved", () => post(path, { FriendlyName: name.value, Attributes: a, RoleSid: role.value }), save);
    },
    field(t("common.friendlyName"), name),
    field(t("common.attributes"), attrs),
    attrsError,
    field(t("users.role"), role),
    h("div", { class: "actions" }, save),
  );

  const password = input({ type: "password", autocomplete: "new-password", "data-testid": "set-password" });
  const setPw = h("button", { type: "submit" }, t("users.setPassword"));
  const pwForm = form(
    () => {
      if (!password.value) return report(t("users.passwordEmpty"), "error");
      void act("users.passwordSet", async () => {
        await post(`/admin/Services/${service}/Users/${u.sid}/Password`, { Password: password.value });
        password.value = "";
      }, setPw);
    },
    field(t("users.newPassword"), password),
    h("div", { class: "actions" }, setPw),
  );
  const signOut = button(t("users.signOutEverywhere"), (e) => void act("users.signedOut", () => post(`/admin/Services/${service}/Users/${u.sid}/SignOut`), e.currentTarget as HTMLButtonElement));
  const remove = button(t("users.delete"), async () => {
    const ok = await confirmTyped({ title: t("users.delete"), message: t("users.deleteWarning", { identity: u.identity }), expected: u.identity, action: t("users.delete") });
    if (!ok) return;
    if (await act("common.deleted", () => del(path), remove)) navigate("users");
  }, { class: "danger", "data-testid": "delete-user" });

  const channels = h("div", null, loading());
  const bindings = h("div", null, loading());
  root.append(
    section(
      u.identity,
      definitions([
        [t("common.sid"), h("code", null, u.sid)],
        [t("common.created"), formatDate(u.date_created)],
        [t("users.joined"), formatNumber(u.joined_channels_count ?? 0)],
        [t("users.online"), u.is_online == null ? "—" : u.is_online ? t("common.yes") : t("common.no")],
      ]),
      edit,
    ),
    section(t("users.password"), pwForm, h("div", { class: "actions" }, signOut)),
    section(t("users.channels"), channels),
    section(t("users.bindings"), bindings),
    section(t("svc.danger"), remove),
  );
  listAll<{ channel_sid: string; status: string; unread_messages_count: number | null; notification_level?: string }>(`${path}/Channels`, "channels").then(
    (list) =>
      replace(channels, table(t("users.channels"), [
        { header: t("channels.channel"), cell: (c) => h("a", { href: hrefOf("channels", c.channel_sid) }, c.channel_sid) },
        { header: t("common.status"), cell: (c) => text(c.status) },
        { header: t("users.unread"), cell: (c) => text(c.unread_messages_count) },
        { header: t("users.notifications"), cell: (c) => text(c.notification_level) },
      ], list, { empty: t("users.noChannels") })),
    (e) => replace(channels, failed(e)),
  );
  listAll<{ sid: string; binding_type: string; endpoint: string | null; credential_sid: string | null; date_created: string }>(`${path}/Bindings`, "bindings").then(
    (list) =>
      replace(bindings, table(t("users.bindings"), [
        { header: t("common.sid"), cell: (b) => h("code", null, b.sid) },
        { header: t("common.type"), cell: (b) => b.binding_type },
        { header: t("users.endpoint"), cell: (b) => text(b.endpoint) },
        { header: t("push.credential"), cell: (b) => text(b.credential_sid) },
        { header: t("common.created"), cell: (b) => formatDate(b.date_created) },
        {
          header: t("users.testPushHeader"),
          cell: (b) => {
            const out = h("span", { class: "test-result", "data-testid": `test-push-result-${b.sid}` });
            const send = button(t("users.testPush"), (e) => void sendTestPush(service, b.sid, out, e.currentTarget as HTMLButtonElement), {
              "aria-label": t("users.testPushTo", { sid: b.sid }),
              "data-testid": `test-push-${b.sid}`,
            });
            return h("span", { class: "inline test-push" }, send, out);
          },
        },
      ], list, { empty: t("users.noBindings") })),
    (e) => replace(bindings, failed(e)),
  );
}
