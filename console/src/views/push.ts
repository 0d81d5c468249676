/**
 * Push for the selected service: the four notification types (NewMessage,
 * AddedToChannel, InvitedToChannel, RemovedFromChannel) with Enabled,
 * Template and Sound, NewMessage's BadgeCountEnabled and the push log
 * switch, saved with `POST /v2/Services/{IS}` (`Notifications.<Type>.<Field>`);
 * a preview of each template as typed (the server renders the variables
 * when it sends: the console does not reimplement its template engine and
 * the server has no preview endpoint yet); and the account's push
 * credentials (`/v2/Credentials`, APNs or FCM). Key material is write-only:
 * its inputs start empty and are never filled from the server.
 */
import { del, get, listAll, post, type Form } from "../api";
import { confirmTyped } from "../confirm";
import { button, checkbox, field, h, input, replace, section, select, table, uid } from "../dom";
import { formatDate, t, type Key } from "../i18n";
import { settingsForm, type SettingGroup } from "../settings";
import { act, failed, form, loading, requireService, servicePath, text, viewTitle } from "./common";

export const PUSH_TYPES = ["NewMessage", "AddedToChannel", "InvitedToChannel", "RemovedFromChannel"] as const;
export type PushType = (typeof PUSH_TYPES)[number];

const SNAKE: Record<PushType, string> = {
  NewMessage: "new_message",
  AddedToChannel: "added_to_channel",
  InvitedToChannel: "invited_to_channel",
  RemovedFromChannel: "removed_from_channel",
};

const TYPE_LABEL: Record<PushType, Key> = {
  NewMessage: "push.newMessage",
  AddedToChannel: "push.addedToChannel",
  InvitedToChannel: "push.invitedToChannel",
  RemovedFromChannel: "push.removedFromChannel",
};

interface PushSetting {
  enabled?: boolean;
  template?: string | null;
  sound?: string | null;
  badge_count_enabled?: boolean;
}

interface Notifications {
  log_enabled?: boolean;
  [k: string]: PushSetting | boolean | undefined;
}

interface Credential {
  sid: string;
  friendly_name: string | null;
  type: string;
  sandbox?: string | boolean | null;
  date_created: string;
  date_updated?: string;
  failure?: string | null;
  date_failed?: string | null;
  apn_key_id?: string | null;
  apn_team_id?: string | null;
  apn_topic?: string | null;
}

/** The push setting groups of a service (exported for tests). */
export function pushGroups(n: Notifications): SettingGroup[] {
  const groups: SettingGroup[] = PUSH_TYPES.map((type) => {
    const s = (n[SNAKE[type]] ?? {}) as PushSetting;
    const prefix = `Notifications.${type}`;
    const settings: SettingGroup["settings"] = [
      { param: `${prefix}.Enabled`, label: t("push.enabled"), kind: "bool", value: s.enabled ?? false },
      { param: `${prefix}.Template`, label: t("push.template"), kind: "textarea", value: s.template ?? "", hint: t("push.templateHint") },
      { param: `${prefix}.Sound`, label: t("push.sound"), kind: "text", value: s.sound ?? "" },
    ];
    if (type === "NewMessage") settings.push({ param: `${prefix}.BadgeCountEnabled`, label: t("push.badge"), kind: "bool", value: s.badge_count_enabled ?? false });
    return { legend: t(TYPE_LABEL[type]), settings, extra: preview(type), class: "push-type" };
  });
  groups.push({ legend: t("push.log"), settings: [{ param: "Notifications.LogEnabled", label: t("push.logEnabled"), kind: "bool", value: n.log_enabled ?? false }] });
  return groups;
}

function preview(type: PushType): HTMLElement {
  const id = `preview-${type}`;
  return h(
    "div",
    { class: "preview", role: "group", "aria-label": t("push.preview") },
    h("p", { class: "preview-title" }, t("push.preview")),
    h("p", { class: "preview-text", id, "aria-live": "polite", "data-testid": id }),
    h("p", { class: "hint" }, t("push.previewNote")),
  );
}

/** The text the preview shows for a template as typed. */
export function previewText(template: string): string {
  return template.trim() ? template : t("push.defaultTemplate");
}

export async function render(root: HTMLElement): Promise<void> {
  root.append(viewTitle("nav.push"));
  const service = requireService(root);
  if (!service) return;
  const creds = h("div", null, loading());
  let svc: { notifications?: Notifications };
  try {
    svc = await get(servicePath(service));
  } catch (e) {
    root.append(failed(e));
    return;
  }
  const settings = settingsForm(pushGroups(svc.notifications ?? {}), t("common.save"), (changes) => post(servicePath(service), changes));
  for (const type of PUSH_TYPES) {
    const tpl = settings.controls.get(`Notifications.${type}.Template`) as HTMLTextAreaElement | undefined;
    const out = settings.form.querySelector<HTMLElement>(`#preview-${type}`);
    if (!tpl || !out) continue;
    const update = () => (out.textContent = previewText(tpl.value));
    tpl.addEventListener("input", update);
    update();
  }
  root.append(section(t("push.settings"), settings.form), section(t("push.credentials"), creds, credentialForm(null, () => void drawCredentials(creds))));
  await drawCredentials(creds);
}

async function drawCredentials(slot: HTMLElement): Promise<void> {
  let list: Credential[];
  try {
    list = await listAll<Credential>("/v2/Credentials", "credentials");
  } catch (e) {
    replace(slot, failed(e));
    return;
  }
  const editSlot = h("div");
  const redraw = () => void drawCredentials(slot);
  replace(
    slot,
    h("div", { class: "table-wrap" }, table<Credential>(t("push.credentials"), [
      { header: t("common.friendlyName"), cell: (c) => text(c.friendly_name) },
      { header: t("common.type"), cell: (c) => c.type.toUpperCase() },
      { header: t("push.sandbox"), cell: (c) => (String(c.sandbox).toLowerCase() === "true" ? t("common.yes") : t("common.no")) },
      { header: t("common.sid"), cell: (c) => h("code", null, c.sid) },
      { header: t("common.updated"), cell: (c) => formatDate(c.date_updated ?? c.date_created) },
      { header: t("push.failure"), cell: (c) => (c.failure ? `${c.failure} (${formatDate(c.date_failed ?? "")})` : "—") },
      {
        header: t("common.actions"),
        cell: (c) =>
          h(
            "span",
            { class: "inline" },
            button(t("common.edit"), () => {
              replace(editSlot, credentialForm(c, () => { replace(editSlot); redraw(); }));
              editSlot.querySelector<HTMLElement>("input, select, textarea")?.focus();
            }, { "aria-label": t("push.editCredential", { name: c.friendly_name || c.sid }) }),
            button(t("common.delete"), async (e) => {
              const btn = e.currentTarget as HTMLButtonElement;
              const ok = await confirmTyped({ title: t("push.deleteCredential"), message: t("push.deleteCredentialWarning", { name: c.friendly_name || c.sid }), expected: c.sid, action: t("common.delete") });
              if (ok && (await act("common.deleted", () => del(`/v2/Credentials/${c.sid}`), btn))) redraw();
            }, { class: "danger", "aria-label": t("push.deleteCredentialOf", { name: c.friendly_name || c.sid }) }),
          ),
      },
    ], list, { empty: t("push.noCredentials") })),
    editSlot,
  );
}

/** A write-only field for key material: empty, masked, with a file picker. */
function secretArea(label: string, param: string): { wrap: HTMLElement; read: () => string } {
  const area = h("textarea", { rows: 3, class: "masked code", autocomplete: "off", spellcheck: "false", "data-param": param });
  const fileId = uid("file");
  const file = h("input", { type: "file", id: fileId, accept: ".pem,.p8,.json,.key,.crt,.txt" });
  file.addEventListener("change", async () => {
    const f = file.files?.[0];
    if (f) area.value = await f.text();
  });
  const wrap = h("div", null, field(label, area, { param, hint: t("push.writeOnly") }), h("div", { class: "field" }, h("label", { for: fileId }, t("push.fromFile", { what: label })), file));
  return { wrap, read: () => area.value };
}

/** The create form (`existing` null) or the update form of one credential. */
function credentialForm(existing: Credential | null, done: () => void): HTMLFormElement {
  const type = select([["apn", "APNs"], ["fcm", "FCM"]], existing?.type ?? "apn", { disabled: Boolean(existing) });
  const name = input({ value: existing?.friendly_name ?? "", "data-param": "FriendlyName" });
  const sandbox = checkbox(String(existing?.sandbox).toLowerCase() === "true");
  const keyId = input({ value: existing?.apn_key_id ?? "" });
  const teamId = input({ value: existing?.apn_team_id ?? "" });
  const topic = input({ value: existing?.apn_topic ?? "" });
  const cert = secretArea(t("push.certificate"), "Certificate");
  const key = secretArea(t("push.privateKey"), "PrivateKey");
  const secret = input({ type: "password", autocomplete: "new-password", "data-param": "Secret" });
  const apnOnly = h("div", null, field(t("push.sandbox"), sandbox), cert.wrap, key.wrap, field(t("push.apnKeyId"), keyId, { param: "ApnKeyId" }), field(t("push.apnTeamId"), teamId, { param: "ApnTeamId" }), field(t("push.apnTopic"), topic, { param: "ApnTopic" }));
  const fcmOnly = h("div", null, field(t("push.fcmSecret"), secret, { param: "Secret", hint: t("push.writeOnly") }));
  const sync = () => {
    apnOnly.hidden = type.value !== "apn";
    fcmOnly.hidden = type.value !== "fcm";
  };
  type.addEventListener("change", sync);
  sync();
  const topError = h("p", { class: "form-error", role: "alert", hidden: true });
  const submit = h("button", { type: "submit", class: "primary" }, existing ? t("push.updateCredential") : t("push.createCredential"));
  const f = form(
    () => {
      const body: Form = {};
      const setIf = (k: string, v: string, old?: string | null) => {
        if (existing ? v !== (old ?? "") : v !== "") body[k] = v;
      };
      if (!existing) body.Type = type.value;
      setIf("FriendlyName", name.value.trim(), existing?.friendly_name);
      if (type.value === "apn") {
        const sb = sandbox.checked ? "true" : "false";
        if (!existing || sb !== (String(existing.sandbox).toLowerCase() === "true" ? "true" : "false")) body.Sandbox = sb;
        if (cert.read()) body.Certificate = cert.read();
        if (key.read()) body.PrivateKey = key.read();
        setIf("ApnKeyId", keyId.value.trim(), existing?.apn_key_id);
        setIf("ApnTeamId", teamId.value.trim(), existing?.apn_team_id);
        setIf("ApnTopic", topic.value.trim(), existing?.apn_topic);
      } else if (secret.value) {
        body.Secret = secret.value;
      }
      topError.hidden = true;
      void act(existing ? "common.saved" : "push.credentialCreated", async () => {
        try {
          await post(existing ? `/v2/Credentials/${existing.sid}` : "/v2/Credentials", body);
        } catch (e) {
          topError.textContent = e instanceof Error ? e.message : String(e);
          topError.hidden = false;
          throw e;
        }
        done();
      }, submit);
    },
    h("h3", null, existing ? t("push.editCredential", { name: existing.friendly_name || existing.sid }) : t("push.newCredential")),
    topError,
    field(t("common.type"), type),
    field(t("common.friendlyName"), name),
    apnOnly,
    fcmOnly,
    h("div", { class: "actions" }, submit, existing ? button(t("common.cancel"), () => done()) : null),
  );
  return f;
}
