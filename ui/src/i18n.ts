// The window's words in the user's language. The catalogs are the Fluent
// files in `locales/<tag>/parley.ftl` — the same files the shell and the
// client read for the tray, notifications and errors — bundled at build time,
// so a new language is a new catalog file and nothing else. Which language
// to use is the shell's answer (the user's choice, else the system's); the
// window only formats. Static text in index.html names its message with
// `data-i18n` (text) and `data-i18n-attr` (`attr:id;attr:id`).
/// <reference types="vite/client" />
import { FluentBundle, FluentResource, type FluentVariable } from "@fluent/bundle";
import type { UiError } from "./types";

/** Every catalog, by language tag (`en`, `zh-TW`, …). */
export const catalogs: Record<string, string> = Object.fromEntries(
  Object.entries(
    import.meta.glob("../../locales/*/parley.ftl", { query: "?raw", import: "default", eager: true }) as Record<string, string>,
  ).map(([path, text]) => [path.split("/").at(-2) ?? path, text]),
);

export const FALLBACK = "en";

export type Args = Record<string, FluentVariable>;

function bundleOf(tag: string): FluentBundle {
  // No bidi isolation marks: the catalogs so far are left-to-right, and the
  // marks would travel into copied text and the window's tests.
  const bundle = new FluentBundle(tag, { useIsolating: false });
  const text = catalogs[tag];
  if (text !== undefined) bundle.addResource(new FluentResource(text));
  return bundle;
}

const english = bundleOf(FALLBACK);
let active = english;

/** Speaks `tag` from now on (an unknown tag speaks English). */
export function useLanguage(tag: string): void {
  active = tag !== FALLBACK && catalogs[tag] !== undefined ? bundleOf(tag) : english;
  document.documentElement.lang = active.locales[0] ?? FALLBACK;
}

/** The language being spoken, for `Intl` formats. */
export function locale(): string {
  return active.locales[0] ?? FALLBACK;
}

function format(bundle: FluentBundle, id: string, args?: Args): string | null {
  const [name, attr] = id.split(".", 2) as [string, string | undefined];
  const msg = bundle.getMessage(name);
  const pattern = attr ? msg?.attributes[attr] : msg?.value;
  if (!pattern) return null;
  // A missing argument shows as `{$name}` instead of throwing: a message
  // half-formatted beats a window that stops drawing (i18n.test.ts formats
  // every message with its arguments, so none is missing in a release).
  const errors: Error[] = [];
  return bundle.formatPattern(pattern, args ?? null, errors);
}

/** Whether the catalogs have a message `id`. */
export function has(id: string): boolean {
  return format(active, id) !== null || format(english, id) !== null;
}

/** The message `id` (`name` or `name.attribute`) with `args`; English when the
 *  active catalog lacks it, the id itself when no catalog has it. */
export function t(id: string, args?: Args): string {
  return format(active, id, args) ?? format(english, id, args) ?? id;
}

/** An error from the shell in words: its catalog message when it names one,
 *  else its (English) message; either way a sentence, first letter capital
 *  (a catalog's `{ $detail }.` starts with the words of whatever failed). */
export function errorText(e: unknown): string {
  const err = e as Partial<UiError> | null;
  const text =
    err && typeof err.key === "string" && has(err.key)
      ? t(err.key, (err.args ?? {}) as Args)
      : typeof err?.message === "string"
        ? err.message
        : String(e);
  return text ? text.charAt(0).toLocaleUpperCase(locale()) + text.slice(1) : text;
}

/** Sets the text and attributes that `root`'s elements name with `data-i18n`. */
export function localize(root: ParentNode = document): void {
  for (const el of root.querySelectorAll<HTMLElement>("[data-i18n]")) {
    el.textContent = t(el.dataset.i18n ?? "");
  }
  for (const el of root.querySelectorAll<HTMLElement>("[data-i18n-attr]")) {
    for (const pair of (el.dataset.i18nAttr ?? "").split(";")) {
      const [attr, id] = pair.split(":").map((s) => s.trim());
      if (attr && id) el.setAttribute(attr, t(id));
    }
  }
}
