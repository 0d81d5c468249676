/**
 * The console's only door to the server: every request goes through
 * `request()` here. It owns the session's CSRF token (kept in memory only; a
 * reloaded page gets it again from `GET /admin/Session`), sends it as
 * `X-Parley-Csrf` on every request that is not GET/HEAD, encodes bodies as
 * forms the way Twilio's API expects (repeated names for arrays), turns a
 * Twilio error body into a sentence a person can read, follows
 * `meta.next_page_url` for lists, and sends the operator back to the
 * sign-in form when the server answers 401 (the session ended).
 */
import { t } from "./i18n";

/** A value a form field may carry; arrays become repeated parameters. */
export type FormValue = string | number | boolean | null | undefined | readonly string[];
export type Form = Record<string, FormValue>;

/** Twilio's error body. */
export interface ErrorBody {
  code?: number;
  message?: string;
  more_info?: string;
  status?: number;
}

/** A refusal from the server, with the sentence to show and the raw body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number | undefined,
    readonly serverMessage: string | undefined,
    sentence: string,
  ) {
    super(sentence);
    this.name = "ApiError";
  }
}

/** Twilio's `meta` block of a list page. */
export interface PageMeta {
  key?: string;
  next_page_url?: string | null;
  previous_page_url?: string | null;
  url?: string;
  first_page_url?: string;
  page?: number;
  page_size?: number;
}

export interface Page<T> {
  items: T[];
  meta: PageMeta;
}

/** What `POST|GET /admin/Session` answer. */
export interface Session {
  account_sid: string;
  sid: string;
  kind: "account" | "key";
  csrf_token: string;
  idle_timeout: number;
  date_expires: string;
}

let csrfToken: string | null = null;
let onUnauthorized: (() => void) | null = null;
let fetchImpl: typeof fetch = (...a) => fetch(...a);

/** Keeps the session's CSRF token for the requests that follow. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export function csrf(): string | null {
  return csrfToken;
}

/** What to do when the server says the session is over (401). */
export function setUnauthorizedHandler(f: (() => void) | null): void {
  onUnauthorized = f;
}

/** For tests: replace the network. */
export function setFetch(f: typeof fetch): void {
  fetchImpl = f;
}

/** Encodes a form: arrays as repeated names, null as empty, undefined left out. */
export function encodeForm(form: Form): URLSearchParams {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(form)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      for (const v of value) body.append(name, v);
    } else if (value === null) {
      body.append(name, "");
    } else {
      body.append(name, String(value));
    }
  }
  return body;
}

/** Adds a query string built from `query` (same rules as forms) to `path`. */
export function withQuery(path: string, query?: Form): string {
  if (!query) return path;
  const q = encodeForm(query).toString();
  if (!q) return path;
  return path + (path.includes("?") ? "&" : "?") + q;
}

/** The sentence to show for an error answer (status plus the parsed body, if any). */
export function errorSentence(status: number, body: unknown): string {
  const b = (body && typeof body === "object" ? body : {}) as ErrorBody;
  const message = typeof b.message === "string" ? b.message.trim() : "";
  const code = typeof b.code === "number" ? b.code : undefined;
  if (message) {
    const sentence = /[.!?…]$/.test(message) ? message : message + ".";
    return code !== undefined ? t("error.withCode", { message: sentence, code }) : sentence;
  }
  if (status === 0) return t("error.network");
  return t("error.status", { status });
}

export interface RequestOptions {
  /** Do not treat 401 as "session over" (the sign-in form itself). */
  allowUnauthorized?: boolean;
  /** Extra headers. */
  headers?: Record<string, string>;
}

/**
 * Sends one request. Resolves with the parsed JSON (or null for an empty
 * body); rejects with an ApiError whose message is a readable sentence.
 */
export async function request<T = unknown>(
  method: string,
  path: string,
  form?: Form,
  opts: RequestOptions = {},
): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json", ...opts.headers };
  const upper = method.toUpperCase();
  if (upper !== "GET" && upper !== "HEAD" && csrfToken) headers["X-Parley-Csrf"] = csrfToken;
  let body: URLSearchParams | undefined;
  if (form && upper !== "GET" && upper !== "HEAD") {
    body = encodeForm(form);
    headers["Content-Type"] = "application/x-www-form-urlencoded";
  }
  const url = upper === "GET" && form ? withQuery(path, form) : path;
  let res: Response;
  try {
    res = await fetchImpl(url, { method: upper, headers, body, credentials: "same-origin" });
  } catch {
    throw new ApiError(0, undefined, undefined, t("error.network"));
  }
  const text = await res.text();
  let parsed: unknown = null;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = null;
    }
  }
  if (!res.ok) {
    const b = (parsed ?? {}) as ErrorBody;
    const err = new ApiError(res.status, b.code, b.message, errorSentence(res.status, parsed));
    if (res.status === 401 && !opts.allowUnauthorized && onUnauthorized) onUnauthorized();
    throw err;
  }
  if (parsed === null && text) return text as unknown as T;
  return parsed as T;
}

export const get = <T = unknown>(path: string, query?: Form) => request<T>("GET", path, query);
export const post = <T = unknown>(path: string, form: Form = {}) => request<T>("POST", path, form);
export const del = (path: string) => request<null>("DELETE", path);

/** Reads one list page at `url` (a path, or an absolute `meta` URL followed as it is). */
export async function getPage<T>(url: string, key: string): Promise<Page<T>> {
  const body = await get<Record<string, unknown>>(url);
  const meta = ((body && body.meta) || {}) as PageMeta;
  const k = meta.key || key;
  const items = (Array.isArray(body?.[k]) ? body[k] : Array.isArray(body?.[key]) ? body[key] : []) as T[];
  return { items, meta };
}

/**
 * Reads every page of a list, following `meta.next_page_url` until it is
 * null. `limit` stops early (a guard against endless lists).
 */
export async function listAll<T>(path: string, key: string, query?: Form, limit = 100_000): Promise<T[]> {
  const all: T[] = [];
  let url: string | null | undefined = withQuery(path, query);
  const seen = new Set<string>();
  while (url && all.length < limit) {
    if (seen.has(url)) break;
    seen.add(url);
    const page: Page<T> = await getPage<T>(url, key);
    all.push(...page.items);
    url = page.meta.next_page_url;
  }
  return all.slice(0, limit);
}

/** Triggers a download of `data` as a file, built in the browser. */
export function downloadBlob(name: string, data: string, type: string): void {
  const blob = new Blob([data], { type });
  const href = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = href;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}
