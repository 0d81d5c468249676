/**
 * Hash routes: `#/section` or `#/section/id` (e.g. `#/users/US…`). The hash
 * keeps the console a set of static files (no server routes to add) and
 * makes every section linkable and reload-safe. The list of sections, in
 * navigation order, lives here.
 */

export const SECTIONS = [
  "dashboard",
  "usage",
  "services",
  "users",
  "roles",
  "channels",
  "push",
  "webhooks",
  "audit",
  "health",
] as const;

export type Section = (typeof SECTIONS)[number];

export interface Route {
  section: Section;
  /** The item opened inside the section (a user, channel, …), if any. */
  id: string | null;
}

/** Parses a location hash; anything unknown is the dashboard. */
export function parseHash(hash: string): Route {
  const parts = hash.replace(/^#\/?/, "").split("/").filter(Boolean).map(decodeURIComponent);
  const section = (SECTIONS as readonly string[]).includes(parts[0] ?? "") ? (parts[0] as Section) : "dashboard";
  return { section, id: parts[1] ?? null };
}

/** The hash of a route. */
export function hrefOf(section: Section, id?: string | null): string {
  return "#/" + section + (id ? "/" + encodeURIComponent(id) : "");
}

/** Goes to a route (a hashchange follows). */
export function navigate(section: Section, id?: string | null): void {
  const next = hrefOf(section, id);
  if (location.hash === next) window.dispatchEvent(new HashChangeEvent("hashchange"));
  else location.hash = next;
}

/** Calls `f` with the current route now and on every change; returns a stop function. */
export function onRoute(f: (r: Route) => void): () => void {
  const handler = () => f(parseHash(location.hash));
  window.addEventListener("hashchange", handler);
  handler();
  return () => window.removeEventListener("hashchange", handler);
}
