/**
 * Push for the selected service: the four notification types (NewMessage,
 * AddedToChannel, InvitedToChannel, RemovedFromChannel) with Enabled,
 * Template and Sound, NewMessage's BadgeCountEnabled and the push log
 * switch, saved with `POST /v2/Services/{IS}` (`Notifications.<Type>.<Field>`);
 * a live preview of each template, rendered by the server
 * (`GET /admin/Services/{IS}/PushPreview`, the rules its pushes use, with
 * sample values) as the operator types, debounced; and the account's push
 * credentials (`/v2/Credentials`, APNs or FCM). Key material is write-only:
 * its inputs start empty and are never filled from the server. A test push
 * to one device is sent from a user's bindings on the Users page.
 */
import { del, get, listAll, post, type Form } from "../api";
import { confirmTyped } from "../confirm";
import { button, checkbox, field, h, input, replace, section, select, table, uid } from "../dom";
import { formatDate, formatNumber, t, type Key } from "../i18n";
import { hrefOf } from "../router";
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
export function pushGroups(n: Notifications, previews?: Map<PushType, PreviewSlots>): SettingGroup[] {
  const groups: SettingGroup[] = PUSH_TYPES.map((type) => {
    const s = (n[SNAKE[type]] ?? {}) as PushSetting;
    const prefix = `Notifications.${type}`;
    const settings: SettingGroup["settings"] = [
      { param: `${prefix}.Enabled`, label: t("push.enabled"), kind: "bool", value: s.enabled ?? false },
      { param: `${prefix}.Template`, label: t("push.template"), kind: "textarea", value: s.template ?? "", hint: t("push.templateHint") },
      { param: `${prefix}.Sound`, label: t("push.sound"), kind: "text", value: s.sound ?? "" },
    ];
    if (type === "NewMessage") settings.push({ param: `${prefix}.BadgeCountEnabled`, label: t("push.badge"), kind: "bool", value: s.badge_count_enabled ?? false });
    const slots = previewSlots(type);
    previews?.set(type, slots);
    return { legend: t(TYPE_LABEL[type]), settings, extra: slots.root, class: "push-type" };
  });
  groups.push({ legend: t("push.log"), settings: [{ param: "Notifications.LogEnabled", label: t("push.logEnabled"), kind: "bool", value: n.log_enabled ?? false }] });
  return groups;
}

/** What `GET /admin/Services/{IS}/PushPreview` answers. */
export interface PushPreview {
  type: string;
  template: string;
  title: string;
  body: string;
  truncated: boolean;
  max_length: number;
}

/** The elements of one type's preview. */
export interface PreviewSlots {
  root: HTMLElement;
  card: HTMLElement;
  title: HTMLElement;
  body: HTMLElement;
  count: HTMLElement;
  cut: HTMLElement;
  error: HTMLElement;
}

/** The preview block of one push type: a notification card, its length, and a slot for errors. */
export function previewSlots(type: PushType): PreviewSlots {
  const title = h("span", { class: "push-card-title", "data-testid": `preview-title-${type}` });
  const body = h("span", { class: "push-card-body", "data-testid": `preview-${type}` });
  const card = h(
    "div",
    { class: "push-card", hidden: true },
    h("p", { class: "push-card-line" }, h("span", { class: "sr-only" }, t("push.previewTitle") + " "), title),
    h("p", { class: "push-card-line" }, h("span", { class: "sr-only" }, t("push.previewBody") + " "), body),
  );
  const count = h("p", { class: "preview-count", "data-testid": `preview-count-${type}` });
  const cut = h("p", { class: "preview-cut", hidden: true, "data-testid": `preview-cut-${type}` }, t("push.cut", { max: 110 }));
  const error = h("p", { class: "field-error", hidden: true, "data-testid": `preview-error-${type}` });
  const root = h(
    "div",
    { class: "preview", role: "group", "aria-label": t("push.previewOf", { type: t(TYPE_LABEL[type]) }) },
    h("p", { class: "preview-title" }, t("push.preview")),
    h("div", { "aria-live": "polite", "aria-atomic": "true" }, card, count, cut, error),
    h("p", { class: "hint" }, t("push.previewNote")),
  );
  return { root, card, title, body, count, cut, error };
}

/** Characters as the server counts them (code points, not UTF-16 units). */
export function charCount(s: string): number {
  return [...s].length;
}

/** Shows a preview answer, or the sentence of the error that came instead. Text only. */
export function showPreview(slots: PreviewSlots, result: PushPreview | Error): void {
  if (result instanceof Error) {
    slots.card.hidden = true;
    slots.cut.hidden = true;
    slots.count.textContent = "";
    slots.error.textContent = t("push.previewFailed", { reason: result.message });
    slots.error.hidden = false;
    return;
  }
  slots.error.hidden = true;
  slots.error.textContent = "";
  slots.title.textContent = result.title;
  slots.body.textContent = result.body;
  slots.card.hidden = false;
  slots.count.textContent = t("push.count", { n: formatNumber(charCount(result.body)), max: formatNumber(result.max_length) });
  slots.cut.textContent = t("push.cut", { max: formatNumber(result.max_length) });
  slots.cut.hidden = !result.truncated;
}

export interface LivePreview {
  /** Asks for a preview of `template` once the operator pauses (`delay` ms). */
  schedule(template: string | undefined): void;
  /** Asks at once (first render); resolves when shown. */
  now(template: string | undefined): Promise<void>;
  /** Drops the pending request; a late answer is ignored. */
  cancel(): void;
}

/**
 * Debounces preview requests: each `schedule` restarts the wait, and only
 * the answer to the newest request is shown (an older one arriving late is
 * dropped, so the preview never goes back to a template already replaced).
 */
export function livePreview(fetchPreview: (template: string | undefined) => Promise<PushPreview>, show: (r: PushPreview | Error) => void, delay = 250): LivePreview {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let seq = 0;
  const run = async (template: string | undefined) => {
    const mine = ++seq;
    let result: PushPreview | Error;
    try {
      result = await fetchPreview(template);
    } catch (e) {
      result = e instanceof Error ? e : new Error(String(e));
    }
    if (mine === seq) show(result);
  };
  return {
    schedule(template) {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        timer = undefined;
        void run(template);
      }, delay);
    },
    now(template) {
      if (timer) clearTimeout(timer);
      timer = undefined;
      return run(template);
    },
    cancel() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      seq += 1;
    },
  };
}

/** `GET /admin/Services/{IS}/PushPreview`; no template means the saved one (then Twilio's default). */
export function fetchPushPreview(service: string, type: PushType, template: string | undefined): Promise<PushPreview> {
  return get<PushPreview>(`/admin/Services/${encodeURIComponent(service)}/PushPreview`, { Type: type, Template: template });
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
  const previews = new Map<PushType, PreviewSlots>();
  const settings = settingsForm(pushGroups(svc.notifications ?? {}, previews), t("common.save"), (changes) => post(servicePath(service), changes));
  const first: Promise<void>[] = [];
  for (const type of PUSH_TYPES) {
    const tpl = settings.controls.get(`Notifications.${type}.Template`) as HTMLTextAreaElement | undefined;
    const slots = previews.get(type);
    if (!tpl || !slots) continue;
    tpl.dataset.testid = `template-${type}`;
    const live = livePreview((template) => fetchPushPreview(service, type, template), (r) => showPreview(slots, r));
    // Typed text is always sent, also when empty (the server then shows its default text).
    tpl.addEventListener("input", () => live.schedule(tpl.value));
    // The first preview is of the saved template (what the server would send now).
    first.push(live.now(undefined));
  }
  const testPushNote = h("p", { class: "notice", "data-testid": "test-push-note" }, t("push.testPushNote"), " ", h("a", { href: hrefOf("users") }, t("push.testPushLink")));
  root.append(section(t("push.settings"), testPushNote, settings.form), section(t("push.credentials"), creds, credentialForm(null, () => void drawCredentials(creds))));
  await Promise.all([drawCredentials(creds), ...first]);
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
