/**
 * Channels of the selected service: the list (public and private, paged,
 * filtered by type and searched by name on the server through
 * GET /admin/Services/{IS}/Channels), creating one, and the detail
 * page `#/channels/{CH}`: names and attributes, members with their role and
 * read horizon (add, remove, change role), the message history newest first
 * with moderation (delete a message after a question), delete the channel
 * (typed confirmation) and "Export JSON" of every message, built in the
 * browser.
 */
import { del, downloadBlob, get, listAll, post, withQuery } from "../api";
import { confirmPlain, confirmTyped } from "../confirm";
import { button, definitions, field, h, input, replace, section, select, table } from "../dom";
import { formatDate, formatNumber, t } from "../i18n";
import { Pager } from "../pager";
import { hrefOf, navigate, type Route } from "../router";
import { report, reportError } from "../status";
import { act, failed, form, loading, loadRoles, pagingBar, requireService, roleName, roleOptions, servicePath, text, viewTitle, type Role } from "./common";
import { parseAttributes } from "./users";

export interface Channel {
  sid: string;
  friendly_name: string | null;
  unique_name: string | null;
  attributes: string;
  type: "public" | "private";
  members_count: number;
  messages_count: number;
  date_created: string;
  created_by: string;
}

interface Member {
  sid: string;
  identity: string;
  role_sid: string | null;
  last_consumed_message_index: number | null;
  last_consumption_timestamp: string | null;
  date_created: string;
}

interface Message {
  sid: string;
  index: number;
  from: string;
  body: string;
  date_created: string;
  was_edited?: boolean;
  type?: string;
  media?: { filename?: string } | null;
}

export async function render(root: HTMLElement, route: Route): Promise<void> {
  root.append(viewTitle("nav.channels"));
  const service = requireService(root);
  if (!service) return;
  if (route.id) await renderDetail(root, service, route.id);
  else renderList(root, service);
}

function typesOf(filter: string): string[] {
  return filter === "all" ? ["public", "private"] : [filter];
}

function renderList(root: HTMLElement, service: string): void {
  const type = select([["all", t("channels.allTypes")], ["public", t("channels.public")], ["private", t("channels.private")]], "all", { "data-testid": "channel-type" });
  const q = input({ type: "search", "data-testid": "channel-search" });
  const slot = h("div", null, loading());
  const base = `/admin/Services/${encodeURIComponent(service)}/Channels`;
  const query = () => withQuery(base, { Type: typesOf(type.value), Q: q.value.trim() || undefined, PageSize: 50 });
  const pager = new Pager<Channel>(query(), "channels");
  const show = () => {
    const rows = pager.items;
    replace(
      slot,
      h("div", { class: "table-wrap" }, table<Channel>(t("channels.caption"), [
        { header: t("common.friendlyName"), cell: (c) => h("a", { href: hrefOf("channels", c.sid) }, c.friendly_name || c.unique_name || c.sid) },
        { header: t("channels.uniqueName"), cell: (c) => text(c.unique_name) },
        { header: t("common.type"), cell: (c) => (c.type === "private" ? t("channels.private") : t("channels.public")) },
        { header: t("channels.members"), cell: (c) => formatNumber(c.members_count), class: "num" },
        { header: t("channels.messages"), cell: (c) => formatNumber(c.messages_count), class: "num" },
        { header: t("common.created"), cell: (c) => formatDate(c.date_created) },
      ], rows, { empty: t("channels.none") })),
      pagingBar(pager, show, t("channels.paging")),
    );
  };
  const load = async () => {
    replace(slot, loading());
    try {
      await pager.first(query());
      show();
    } catch (e) {
      replace(slot, failed(e));
    }
  };
  type.addEventListener("change", () => void load());
  // Searching asks the server, a moment after typing stops.
  let typing: ReturnType<typeof setTimeout> | undefined;
  q.addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(() => void load(), 300);
  });
  root.append(
    section(t("channels.list"), h("div", { class: "row" }, field(t("channels.typeFilter"), type), field(t("channels.searchLabel"), q, { hint: t("channels.searchHint") })), slot),
    section(t("channels.create"), createForm(service, () => void load())),
  );
  void load();
}

function createForm(service: string, reload: () => void): HTMLFormElement {
  const name = input({ "data-testid": "new-channel-name" });
  const unique = input({ "data-testid": "new-channel-unique" });
  const type = select([["public", t("channels.public")], ["private", t("channels.private")]], "public");
  const submit = h("button", { type: "submit" }, t("channels.createButton"));
  return form(
    () =>
      void act("channels.created", async () => {
        await post(`${servicePath(service)}/Channels`, { FriendlyName: name.value.trim() || undefined, UniqueName: unique.value.trim() || undefined, Type: type.value });
        name.value = unique.value = "";
        reload();
      }, submit),
    field(t("common.friendlyName"), name),
    field(t("channels.uniqueName"), unique),
    field(t("common.type"), type),
    h("div", { class: "actions" }, submit),
  );
}

async function renderDetail(root: HTMLElement, service: string, id: string): Promise<void> {
  root.append(h("p", null, h("a", { href: hrefOf("channels") }, t("channels.back"))));
  let c: Channel;
  let roles: Role[];
  try {
    [c, roles] = await Promise.all([get<Channel>(`${servicePath(service)}/Channels/${encodeURIComponent(id)}`), loadRoles(service)]);
  } catch (e) {
    root.append(failed(e));
    return;
  }
  const path = `${servicePath(service)}/Channels/${c.sid}`;

  const name = input({ value: c.friendly_name ?? "" });
  const unique = input({ value: c.unique_name ?? "" });
  const attrs = h("textarea", { rows: 4, class: "code", spellcheck: "false" });
  attrs.value = c.attributes ?? "{}";
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
      void act("common.saved", () => post(path, { FriendlyName: name.value, UniqueName: unique.value, Attributes: a }), save);
    },
    field(t("common.friendlyName"), name),
    field(t("channels.uniqueName"), unique),
    field(t("common.attributes"), attrs),
    attrsError,
    h("div", { class: "actions" }, save),
  );

  const members = h("div", null, loading());
  const messages = h("div", null, loading());
  const exportBtn = button(t("channels.export"), (e) =>
    void act("channels.exported", async () => {
      const all = await listAll<Message>(`${path}/Messages`, "messages", { Order: "asc", PageSize: 100 });
      downloadBlob(`${c.unique_name || c.sid}-messages.json`, JSON.stringify({ channel: c, messages: all }, null, 2), "application/json");
    }, e.currentTarget as HTMLButtonElement), { "data-testid": "export-json" });
  const remove = button(t("channels.delete"), async () => {
    const expected = c.unique_name || c.sid;
    const ok = await confirmTyped({ title: t("channels.delete"), message: t("channels.deleteWarning", { name: c.friendly_name || expected }), expected, action: t("channels.delete") });
    if (!ok) return;
    if (await act("common.deleted", () => del(path), remove)) navigate("channels");
  }, { class: "danger", "data-testid": "delete-channel" });

  root.append(
    section(
      c.friendly_name || c.unique_name || c.sid,
      definitions([
        [t("common.sid"), h("code", null, c.sid)],
        [t("common.type"), c.type === "private" ? t("channels.private") : t("channels.public")],
        [t("common.created"), formatDate(c.date_created)],
        [t("channels.createdBy"), text(c.created_by)],
      ]),
      edit,
    ),
    section(t("channels.members"), members, addMemberForm(path, roles, () => void drawMembers(members, path, roles))),
    section(t("channels.history"), h("div", { class: "actions" }, exportBtn), messages),
    section(t("svc.danger"), remove),
  );
  await Promise.all([drawMembers(members, path, roles), drawMessages(messages, path)]);
}

async function drawMembers(slot: HTMLElement, path: string, roles: Role[]): Promise<void> {
  let list: Member[];
  try {
    list = await listAll<Member>(`${path}/Members`, "members");
  } catch (e) {
    replace(slot, failed(e));
    return;
  }
  const redraw = () => void drawMembers(slot, path, roles);
  replace(
    slot,
    h("div", { class: "table-wrap" }, table<Member>(t("channels.members"), [
      { header: t("users.identity"), cell: (m) => m.identity },
      {
        header: t("users.role"),
        cell: (m) => {
          const s = select(roleOptions(roles, "channel"), m.role_sid, { "aria-label": t("channels.memberRole", { identity: m.identity }) });
          const apply = button(t("channels.changeRole"), (e) => void act("common.saved", () => post(`${path}/Members/${m.sid}`, { RoleSid: s.value }), e.currentTarget as HTMLButtonElement), { "aria-label": t("channels.changeRoleOf", { identity: m.identity }) });
          return h("span", { class: "inline" }, s, apply, h("span", { class: "sr-only" }, roleName(roles, m.role_sid)));
        },
      },
      { header: t("channels.horizon"), cell: (m) => (m.last_consumed_message_index == null ? t("channels.nothingRead") : formatNumber(m.last_consumed_message_index)), class: "num" },
      { header: t("channels.lastRead"), cell: (m) => (m.last_consumption_timestamp ? formatDate(m.last_consumption_timestamp) : "—") },
      {
        header: t("common.actions"),
        cell: (m) =>
          button(t("channels.removeMember"), async (e) => {
            const btn = e.currentTarget as HTMLButtonElement;
            const ok = await confirmPlain(t("channels.removeMember"), t("channels.removeWarning", { identity: m.identity }), t("channels.removeMember"));
            if (ok && (await act("channels.removed", () => del(`${path}/Members/${m.sid}`), btn))) redraw();
          }, { "aria-label": t("channels.removeOf", { identity: m.identity }) }),
      },
    ], list, { empty: t("channels.noMembers") })),
  );
}

function addMemberForm(path: string, roles: Role[], reload: () => void): HTMLFormElement {
  const identity = input({ required: true, autocomplete: "off", "data-testid": "add-member-identity" });
  const role = select(roleOptions(roles, "channel", true), "");
  const submit = h("button", { type: "submit" }, t("channels.addMember"));
  return form(
    () =>
      void act("channels.added", async () => {
        await post(`${path}/Members`, { Identity: identity.value.trim(), RoleSid: role.value || undefined });
        identity.value = "";
        reload();
      }, submit),
    h("h3", null, t("channels.addMember")),
    h("div", { class: "row" }, field(t("users.identity"), identity), field(t("users.role"), role), h("div", { class: "actions" }, submit)),
  );
}

async function drawMessages(slot: HTMLElement, path: string): Promise<void> {
  const pager = new Pager<Message>(withQuery(`${path}/Messages`, { Order: "desc", PageSize: 50 }), "messages");
  const show = () =>
    replace(
      slot,
      h("div", { class: "table-wrap" }, table<Message>(t("channels.history"), [
        { header: "#", cell: (m) => formatNumber(m.index), class: "num" },
        { header: t("channels.from"), cell: (m) => m.from },
        { header: t("channels.body"), cell: (m) => h("span", { class: "body-text" }, m.body || (m.media?.filename ? `📎 ${m.media.filename}` : ""), m.was_edited ? h("span", { class: "muted" }, " " + t("channels.edited")) : null) },
        { header: t("common.created"), cell: (m) => formatDate(m.date_created) },
        {
          header: t("common.actions"),
          cell: (m) =>
            button(t("common.delete"), async (e) => {
              const btn = e.currentTarget as HTMLButtonElement;
              const ok = await confirmPlain(t("channels.deleteMessage"), t("channels.deleteMessageWarning", { index: m.index, from: m.from }), t("common.delete"));
              if (!ok) return;
              if (await act("channels.messageDeleted", () => del(`${path}/Messages/${m.sid}`), btn)) await pager.reload().then(show, reportError);
            }, { "aria-label": t("channels.deleteMessageOf", { index: m.index }), "data-testid": `delete-message-${m.index}` }),
        },
      ], pager.items, { empty: t("channels.noMessages"), rowAttrs: (m) => ({ "data-sid": m.sid }) })),
      pagingBar(pager, show, t("channels.historyPaging")),
    );
  try {
    await pager.first();
    show();
  } catch (e) {
    replace(slot, failed(e));
    report(e instanceof Error ? e.message : String(e), "error");
  }
}
