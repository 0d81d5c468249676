/**
 * What the whole console shares: the signed-in session (account SID, how
 * the operator signed in) and the service the service-scoped sections act
 * on. The chosen service is remembered in localStorage so a reload keeps it;
 * nothing secret is stored.
 */
import type { Session } from "./api";

export interface Service {
  sid: string;
  friendly_name: string;
  [k: string]: unknown;
}

const SERVICE_KEY = "parley.console.service";

let session: Session | null = null;
let services: Service[] = [];
let selected: string | null = null;
const listeners = new Set<() => void>();

export function currentSession(): Session | null {
  return session;
}

export function setSession(s: Session | null): void {
  session = s;
}

export function knownServices(): Service[] {
  return services;
}

/** Replaces the service list, keeping the selection if it still exists. */
export function setServices(list: Service[]): void {
  services = list;
  const stored = selected ?? safeGet(SERVICE_KEY);
  const keep = list.find((s) => s.sid === stored);
  selected = keep ? keep.sid : list[0]?.sid ?? null;
}

export function selectedService(): string | null {
  return selected;
}

/** Selects a service and tells the listeners (the open view re-renders). */
export function selectService(sid: string | null): void {
  selected = sid;
  try {
    if (sid) localStorage.setItem(SERVICE_KEY, sid);
  } catch {
    /* storage may be unavailable */
  }
  for (const f of listeners) f();
}

export function onServiceChange(f: () => void): () => void {
  listeners.add(f);
  return () => listeners.delete(f);
}

function safeGet(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}
