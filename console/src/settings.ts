/**
 * Settings forms over one resource (a service's settings, its push
 * settings, its webhooks, a credential): fields described as data, built as
 * labelled controls, and saved by sending only what the operator changed
 * (so an untouched field keeps the server's value or default — e.g. an empty
 * rate limit stays "the server's default" instead of being pinned). A 400
 * is shown next to the field whose parameter the message names, else at the
 * top of the form.
 */
import { ApiError, type Form } from "./api";
import { checkbox, clearFieldErrors, field, h, input, paramNamedIn, select, showFieldError, uid, type Child } from "./dom";
import { t } from "./i18n";
import { report } from "./status";

export type SettingKind = "text" | "url" | "number" | "bool" | "select" | "textarea" | "multi";

export interface Setting {
  param: string;
  label: string;
  kind: SettingKind;
  /** The current value: "true"/"false" for bools, the selected values for multi. */
  value: string | boolean | readonly string[] | number | null | undefined;
  options?: ReadonlyArray<readonly [string, string]>;
  hint?: string;
  min?: number;
  max?: number;
}

export interface SettingGroup {
  legend: string;
  settings: Setting[];
  /** Extra content shown beside the group's fields (e.g. a preview). */
  extra?: Child;
  /** A class for the group's fieldset. */
  class?: string;
}

export interface SettingsForm {
  form: HTMLFormElement;
  /** The control of each parameter. */
  controls: Map<string, HTMLElement>;
  /** Parameters changed since the form was built or last saved. */
  changes(): Form;
}

function asString(v: Setting["value"]): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "boolean") return v ? "true" : "false";
  if (Array.isArray(v)) return [...v].sort().join("\n");
  return String(v);
}

function build(s: Setting): { control: HTMLElement; read: () => string; wrap: HTMLElement } {
  if (s.kind === "bool") {
    const c = checkbox(asString(s.value) === "true");
    return { control: c, read: () => (c.checked ? "true" : "false"), wrap: field(s.label, c, { param: s.param, hint: s.hint }) };
  }
  if (s.kind === "select") {
    const c = select(s.options ?? [], asString(s.value));
    return { control: c, read: () => c.value, wrap: field(s.label, c, { param: s.param, hint: s.hint }) };
  }
  if (s.kind === "textarea") {
    const c = h("textarea", { rows: 3 });
    c.value = asString(s.value);
    return { control: c, read: () => c.value, wrap: field(s.label, c, { param: s.param, hint: s.hint }) };
  }
  if (s.kind === "multi") {
    const legendId = uid("lg");
    const boxes: HTMLInputElement[] = [];
    const chosen = new Set(Array.isArray(s.value) ? (s.value as string[]) : []);
    const list = h("div", { class: "checks" });
    for (const [value, label] of s.options ?? []) {
      const b = checkbox(chosen.has(value), { value, id: uid("m") });
      boxes.push(b);
      list.append(h("div", { class: "field-check" }, b, h("label", { for: b.id }, label)));
    }
    const err = h("p", { class: "field-error", role: "alert", hidden: true });
    const fs = h("fieldset", { class: "multi", "data-param": s.param, "aria-labelledby": legendId, tabindex: "-1" }, h("legend", { id: legendId }, s.label), list, err);
    fs.id = uid("fs");
    err.id = fs.id + "-err";
    const read = () => boxes.filter((b) => b.checked).map((b) => b.value).sort().join("\n");
    return { control: fs, read, wrap: fs };
  }
  const c = input({ type: s.kind === "number" ? "number" : s.kind === "url" ? "url" : "text", min: s.min, max: s.max, inputmode: s.kind === "number" ? "numeric" : undefined });
  c.value = asString(s.value);
  return { control: c, read: () => c.value.trim(), wrap: field(s.label, c, { param: s.param, hint: s.hint }) };
}

/**
 * Builds a settings form. `save` receives only the changed parameters;
 * multi-selects are sent as repeated values (an empty one as a single empty
 * value, which clears the list).
 */
export function settingsForm(groups: SettingGroup[], submitLabel: string, save: (changes: Form) => Promise<unknown>): SettingsForm {
  const controls = new Map<string, HTMLElement>();
  const readers = new Map<string, () => string>();
  const initial = new Map<string, string>();
  const kinds = new Map<string, SettingKind>();
  const topError = h("p", { class: "form-error", role: "alert", hidden: true });
  const body: Child[] = [topError];
  for (const g of groups) {
    const fs = h("fieldset", { class: g.class ? `group ${g.class}` : "group" }, h("legend", null, g.legend));
    const fields = g.extra ? h("div", { class: "group-fields" }) : fs;
    for (const s of g.settings) {
      const b = build(s);
      controls.set(s.param, b.control);
      readers.set(s.param, b.read);
      initial.set(s.param, b.read());
      kinds.set(s.param, s.kind);
      fields.append(b.wrap);
    }
    if (g.extra) fs.append(fields, g.extra as Node);
    body.push(fs);
  }
  const submit = h("button", { type: "submit", class: "primary" }, submitLabel);
  const form = h("form", { class: "form settings", novalidate: true }, ...body, h("div", { class: "actions" }, submit));

  const changes = (): Form => {
    const out: Form = {};
    for (const [param, read] of readers) {
      const now = read();
      if (now === initial.get(param)) continue;
      out[param] = kinds.get(param) === "multi" ? (now ? now.split("\n") : "") : now;
    }
    return out;
  };

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    topError.hidden = true;
    const diff = changes();
    if (Object.keys(diff).length === 0) {
      report(t("common.nothingChanged"));
      return;
    }
    submit.disabled = true;
    try {
      await save(diff);
      for (const [param, read] of readers) initial.set(param, read());
      report(t("common.saved"));
    } catch (err) {
      const sentence = err instanceof Error ? err.message : String(err);
      placeError(form, topError, err, Object.keys(diff), [...readers.keys()], sentence);
      report(sentence, "error");
    } finally {
      submit.disabled = false;
    }
  });
  return { form, controls, changes };
}

/**
 * Puts an API error next to the field it names: first among the parameters
 * sent, then among all of the form's; a lone changed parameter takes an
 * error that names none. Otherwise at the form's top.
 */
export function placeError(form: HTMLElement, top: HTMLElement, err: unknown, sent: string[], all: string[], sentence: string): void {
  const msg = err instanceof ApiError ? err.serverMessage ?? sentence : sentence;
  const is400 = err instanceof ApiError && err.status === 400;
  let param = is400 ? paramNamedIn(msg, sent) ?? paramNamedIn(msg, all) : null;
  if (!param && is400 && sent.length === 1) param = sent[0] ?? null;
  if (param && showFieldError(form, param, sentence)) return;
  top.textContent = sentence;
  top.hidden = false;
}
