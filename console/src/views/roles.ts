/**
 * Roles of the selected service as a permission matrix: one table per role
 * type (service roles = deployment, channel roles), rows = permissions,
 * columns = roles, a checkbox per cell. Each role is saved on its own
 * (`POST …/Roles/{RL}` with the whole set as repeated `Permission`). A
 * custom role is created with name, type and permissions; deleting one asks
 * for its name typed and then asks the server, which alone decides whether
 * the role is still in use (a service default, or held by a user, a channel
 * member or an invite): its refusal is shown as it says it.
 */
import { del, post } from "../api";
import { confirmTyped } from "../confirm";
import { button, checkbox, field, h, input, replace, section, select, uid } from "../dom";
import { t } from "../i18n";
import { loadVocabulary, matrixRows, permissionsFor, type RoleType } from "../permissions";
import { act, failed, form, loadRoles, requireService, servicePath, viewTitle, type Role } from "./common";

export async function render(root: HTMLElement): Promise<void> {
  root.append(viewTitle("nav.roles"));
  const service = requireService(root);
  if (!service) return;
  const body = h("div");
  root.append(body);
  const draw = async () => {
    let roles: Role[];
    try {
      [roles] = await Promise.all([loadRoles(service), loadVocabulary()]);
    } catch (e) {
      replace(body, failed(e));
      return;
    }
    replace(
      body,
      section(t("roles.deployment"), matrix(service, "deployment", roles, draw)),
      section(t("roles.channel"), matrix(service, "channel", roles, draw)),
      section(t("roles.create"), createForm(service, draw)),
    );
  };
  await draw();
}

function matrix(service: string, type: RoleType, all: Role[], redraw: () => Promise<void>): HTMLElement {
  const roles = all.filter((r) => r.type === type);
  const rows = matrixRows(type, roles);
  const boxes = new Map<string, Map<string, HTMLInputElement>>();
  const headers = roles.map((r) => h("th", { scope: "col", id: uid("rh") }, r.friendly_name));
  const tbody = h("tbody");
  for (const p of rows) {
    const rowHeaderId = uid("ph");
    const tr = h("tr", null, h("th", { scope: "row", id: rowHeaderId }, h("code", null, p)));
    roles.forEach((r, i) => {
      const b = checkbox(r.permissions.includes(p), { "aria-label": t("roles.cell", { permission: p, role: r.friendly_name }), "data-role": r.sid, "data-permission": p });
      if (!boxes.has(r.sid)) boxes.set(r.sid, new Map());
      boxes.get(r.sid)!.set(p, b);
      tr.append(h("td", { class: "cell", headers: `${headers[i]!.id} ${rowHeaderId}` }, b));
    });
    tbody.append(tr);
  }
  const actions = h("tr", null, h("th", { scope: "row" }, t("common.actions")));
  for (const r of roles) {
    const save = button(t("common.save"), null, { "aria-label": t("roles.save", { name: r.friendly_name }), "data-testid": `save-role-${r.sid}` });
    save.addEventListener("click", () => {
      const perms = [...(boxes.get(r.sid) ?? new Map<string, HTMLInputElement>()).entries()].filter(([, b]) => b.checked).map(([p]) => p);
      void act("roles.saved", async () => {
        await post(`${servicePath(service)}/Roles/${r.sid}`, { Permission: perms.length ? perms : [""] });
        r.permissions = perms;
      }, save);
    });
    const remove = button(t("common.delete"), null, { class: "danger", "aria-label": t("roles.delete", { name: r.friendly_name }), "data-testid": `delete-role-${r.sid}` });
    remove.addEventListener("click", async () => {
      const ok = await confirmTyped({ title: t("roles.deleteTitle"), message: t("roles.deleteWarning", { name: r.friendly_name }), expected: r.friendly_name, action: t("common.delete") });
      if (!ok) return;
      if (await act("common.deleted", () => del(`${servicePath(service)}/Roles/${r.sid}`), remove)) await redraw();
    });
    actions.append(h("td", { class: "cell-actions" }, save, remove));
  }
  const caption = type === "deployment" ? t("roles.deploymentCaption") : t("roles.channelCaption");
  const tbl = h(
    "table",
    { class: "matrix", "data-testid": `matrix-${type}` },
    h("caption", null, caption),
    h("thead", null, h("tr", null, h("th", { scope: "col" }, t("roles.permission")), ...headers)),
    tbody,
    h("tfoot", null, actions),
  );
  return h("div", { class: "table-wrap" }, roles.length ? tbl : h("p", null, t("roles.none")));
}

function createForm(service: string, redraw: () => Promise<void>): HTMLFormElement {
  const name = input({ name: "FriendlyName", required: true, "data-testid": "role-name" });
  const type = select([["deployment", t("roles.typeDeployment")], ["channel", t("roles.typeChannel")]], "deployment", { "data-testid": "role-type" });
  const permsSlot = h("div", { class: "checks" });
  const legendId = uid("lg");
  let boxes: HTMLInputElement[] = [];
  const drawPerms = () => {
    boxes = permissionsFor(type.value as RoleType).map((p) => checkbox(false, { value: p, id: uid("p") }));
    replace(permsSlot, ...boxes.map((b) => h("div", { class: "field-check" }, b, h("label", { for: b.id }, h("code", null, b.value)))));
  };
  type.addEventListener("change", drawPerms);
  drawPerms();
  const submit = h("button", { type: "submit" }, t("roles.createButton"));
  return form(
    () => {
      const perms = boxes.filter((b) => b.checked).map((b) => b.value);
      void act("roles.created", async () => {
        await post(`${servicePath(service)}/Roles`, { FriendlyName: name.value.trim(), Type: type.value, Permission: perms.length ? perms : [""] });
        name.value = "";
        await redraw();
      }, submit);
    },
    field(t("common.friendlyName"), name),
    field(t("common.type"), type),
    h("fieldset", { "aria-labelledby": legendId }, h("legend", { id: legendId }, t("roles.permissions")), permsSlot),
    h("div", { class: "actions" }, submit),
  );
}
