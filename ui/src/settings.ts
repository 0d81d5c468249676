// The settings panel: the open channel's details, its notification level and
// Mark all read; and the app's language, for every channel (a choice is the
// shell's to keep, and the window reloads to speak it: the shell keeps the
// session across a reload), and its colour theme (theme.ts keeps it).
import * as cmd from "./bindings/commands";
import { h } from "./dom";
import { t } from "./i18n";
import { setTheme, storedTheme, type Theme } from "./theme";
import type { ChannelSummary, LanguageView, NotifyPolicy } from "./types";
import { channelName } from "./view";

export interface SettingsHost {
  act(p: Promise<unknown>): Promise<void>;
  /** The channel list changed (a level, read state). */
  changed(): Promise<void>;
}

/** The panel's contents under its header: the channel's settings when one is open. */
export async function settingsPanel(c: ChannelSummary | null, host: SettingsHost): Promise<Node[]> {
  const language = languagePicker(await cmd.language().catch(() => null), host);
  const theme = themePicker();
  const status = statusEditor(await cmd.statusText().catch(() => null), host);
  if (!c) return [status, language, theme];
  const channel = c.sid;
  const level = (value: NotifyPolicy, label: string) => {
    const r = h("input", { attrs: { type: "radio", name: "notify", value } });
    r.checked = c.notify === value;
    r.addEventListener("change", () => void host.act(cmd.setNotifyLevel(channel, value).then(host.changed)));
    return h("label", { class: "check" }, r, label);
  };
  return [
    h("dl", {},
      h("dt", {}, t("settings-name")), h("dd", {}, channelName(c)),
      h("dt", {}, t("settings-unique-name")), h("dd", {}, c.unique_name ?? "—"),
      h("dt", {}, t("settings-type")), h("dd", {}, c.kind === "private" ? t("settings-type-private") : t("settings-type-public")),
      h("dt", {}, t("settings-members")), h("dd", {}, String(c.members_count)),
      h("dt", {}, t("settings-attributes")), h("dd", {}, h("pre", { class: "attributes" }, prettyJson(c.attributes))),
    ),
    h("fieldset", {},
      h("legend", {}, t("settings-notifications")),
      level("all", t("settings-notify-all")),
      level("mentions", t("settings-notify-mentions")),
      level("muted", t("settings-notify-muted")),
    ),
    h("button", { attrs: { type: "button" }, on: { click: () => void host.act(cmd.markRead(channel).then(host.changed)) } }, t("settings-mark-read")),
    status,
    language,
    theme,
  ];
}

/** Most characters of a status line (the server's limit). */
const MAX_STATUS = 100;

/** The user's status line (`#status`): what the members lists show next
 *  to their name. Enter or Save sets it, Clear takes it away. */
export function statusEditor(current: string | null, host: Pick<SettingsHost, "act">): HTMLElement {
  const input = h("input", {
    attrs: { id: "status", type: "text", maxlength: String(MAX_STATUS), placeholder: t("settings-status-placeholder"), autocomplete: "off" },
  });
  input.value = current ?? "";
  const clear = h("button", { attrs: { type: "button" } }, t("settings-status-clear"));
  clear.addEventListener("click", () => {
    input.value = "";
    void host.act(cmd.setStatusText(null));
  });
  return h("form", {
      class: "status-form",
      on: {
        submit: (ev) => {
          ev.preventDefault();
          void host.act(cmd.setStatusText(input.value.trim() || null));
        },
      },
    },
    h("label", { attrs: { for: "status" } }, t("settings-status")),
    input,
    h("button", { attrs: { type: "submit" } }, t("settings-status-save")),
    clear,
  );
}

/** The language select (`#language`): the system's language first, then
 *  every catalog in its own name. Choosing one reloads the window. */
export function languagePicker(
  view: LanguageView | null,
  host: Pick<SettingsHost, "act">,
  reload: () => void = () => location.reload(),
): HTMLElement {
  const select = h("select", { attrs: { id: "language" } },
    h("option", { attrs: { value: "" } }, t("settings-language-system")),
    ...(view?.available ?? []).map((l) => h("option", { attrs: { value: l.tag, lang: l.tag } }, l.name)),
  );
  const chosen = view?.chosen ?? "";
  select.value = view?.available.some((l) => l.tag === chosen) ? chosen : "";
  select.addEventListener("change", () => void host.act(cmd.setLanguage(select.value || null).then(reload)));
  return h("div", { class: "setting" }, h("label", { attrs: { for: "language" } }, t("settings-language")), select);
}

/** The theme select (`#theme`): the system's, light or dark; a choice
 *  shows at once, no reload. */
export function themePicker(): HTMLElement {
  const select = h("select", { attrs: { id: "theme" } },
    h("option", { attrs: { value: "" } }, t("settings-theme-system")),
    h("option", { attrs: { value: "light" } }, t("settings-theme-light")),
    h("option", { attrs: { value: "dark" } }, t("settings-theme-dark")),
  );
  select.value = storedTheme() ?? "";
  select.addEventListener("change", () => setTheme((select.value || null) as Theme | null));
  return h("div", { class: "setting" }, h("label", { attrs: { for: "theme" } }, t("settings-theme")), select);
}

/** Attributes as indented JSON text (or as they are, if not JSON). */
function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
