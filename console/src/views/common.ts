/**
 * Pieces every view shares: the "pick a service first" notice, an async
 * action wrapper that reports success or the server's sentence in the status
 * region, loading placeholders, role lookups, and the paging bar (Previous /
 * Next over a Pager).
 */
import { ApiError, listAll } from "../api";
import { button, h, replace, type Child } from "../dom";
import { t, type Key } from "../i18n";
import type { Pager } from "../pager";
import { hrefOf } from "../router";
import { selectedService } from "../state";
import { report, reportError } from "../status";

export interface Role {
  sid: string;
  friendly_name: string;
  type: "deployment" | "channel";
  permissions: string[];
  [k: string]: unknown;
}

/** Path prefix of the selected service, e.g. `/v2/Services/IS…`. */
export function servicePath(sid: string): string {
  return `/v2/Services/${encodeURIComponent(sid)}`;
}

/**
 * The selected service's SID, or null after writing a notice into `root`
 * that a service must be chosen or created first.
 */
export function requireService(root: HTMLElement): string | null {
  const sid = selectedService();
  if (sid) return sid;
  replace(root, h("p", { class: "notice" }, t("common.noService"), " ", h("a", { href: hrefOf("dashboard") }, t("nav.dashboard"))));
  return null;
}

/** A heading for a view (the page's h1). */
export function viewTitle(key: Key): HTMLElement {
  return h("h1", { tabindex: "-1", class: "view-title" }, t(key));
}

export function loading(): HTMLElement {
  return h("p", { class: "loading" }, t("common.loading"));
}

/** A sentence in place of content that failed to load. */
export function failed(e: unknown): HTMLElement {
  return h("p", { class: "load-error", role: "alert" }, e instanceof Error ? e.message : String(e));
}

/**
 * Runs an action from a button or form: disables `busy` while it runs,
 * reports `success` (a dictionary key) when it resolves and the error
 * sentence when it throws. Returns whether it succeeded.
 */
export async function act(success: Key | null, f: () => Promise<unknown>, busy?: HTMLButtonElement | null): Promise<boolean> {
  if (busy) busy.disabled = true;
  try {
    await f();
    if (success) report(t(success));
    return true;
  } catch (e) {
    reportError(e);
    return false;
  } finally {
    if (busy) busy.disabled = false;
  }
}

/** Every role of a service. */
export function loadRoles(service: string): Promise<Role[]> {
  return listAll<Role>(`${servicePath(service)}/Roles`, "roles");
}

/** [sid, name] options of the roles of one type, for a <select>. */
export function roleOptions(roles: Role[], type: "deployment" | "channel", withDefault = false): [string, string][] {
  const opts: [string, string][] = roles.filter((r) => r.type === type).map((r) => [r.sid, r.friendly_name]);
  return withDefault ? [["", t("common.defaultRole")], ...opts] : opts;
}

/** A role's name by SID, or the SID itself when unknown. */
export function roleName(roles: Role[], sid: string | null | undefined): string {
  if (!sid) return "—";
  return roles.find((r) => r.sid === sid)?.friendly_name ?? sid;
}

/**
 * A paging bar for a Pager: Previous and Next buttons and "Page n". `show`
 * redraws the list after a move.
 */
export function pagingBar<T>(pager: Pager<T>, show: () => void, label: string): HTMLElement {
  const prev = button(t("common.previous"), null, { disabled: !pager.hasPrevious, "data-testid": "page-prev" });
  const next = button(t("common.next"), null, { disabled: !pager.hasNext, "data-testid": "page-next" });
  prev.addEventListener("click", () => void act(null, async () => { await pager.previous(); show(); }, prev));
  next.addEventListener("click", () => void act(null, async () => { await pager.next(); show(); }, next));
  return h("nav", { class: "paging", "aria-label": label }, prev, h("span", { class: "page-number" }, t("common.page", { n: pager.pageNumber })), next);
}

/** A cell value for possibly-missing server data. */
export function text(v: unknown): Child {
  if (v === null || v === undefined || v === "") return "—";
  return String(v);
}

/** Whether an error is the API's 404. */
export function isNotFound(e: unknown): boolean {
  return e instanceof ApiError && e.status === 404;
}

/** A form that calls `onSubmit` (default prevented), with a class. */
export function form(onSubmit: (f: HTMLFormElement) => void, ...children: Child[]): HTMLFormElement {
  const f = h("form", { class: "form", novalidate: true }, ...children);
  f.addEventListener("submit", (e) => {
    e.preventDefault();
    onSubmit(f);
  });
  return f;
}

/** Today's date (UTC) as YYYY-MM-DD, optionally `days` earlier. */
export function isoDay(daysAgo = 0, now = new Date()): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - daysAgo));
  return d.toISOString().slice(0, 10);
}
