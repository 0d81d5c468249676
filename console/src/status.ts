/**
 * The page's one status region (role=status, aria-live=polite): every action
 * reports "Saved", "Deleted" or the server's refusal here, so a screen reader
 * hears it and a sighted operator sees it under the header. Errors use
 * role=alert in their own element, so they are announced at once.
 */
import { h, replace } from "./dom";

let region: HTMLElement | null = null;
let timer: ReturnType<typeof setTimeout> | undefined;

/** The region element; the shell puts it in the page once. */
export function statusRegion(): HTMLElement {
  if (!region) {
    region = h("div", { id: "status", class: "status", role: "status", "aria-live": "polite", "aria-atomic": "true" });
  }
  return region;
}

/** Reports a success (cleared after a while) or an error (kept until the next report). */
export function report(message: string, kind: "ok" | "error" = "ok"): void {
  const el = statusRegion();
  if (timer) clearTimeout(timer);
  el.dataset.kind = kind;
  if (kind === "error") {
    replace(el, h("p", { class: "status-error", role: "alert" }, message));
  } else {
    replace(el, h("p", { class: "status-ok" }, message));
    timer = setTimeout(() => {
      if (el.dataset.kind === "ok") replace(el);
    }, 8000);
  }
}

/** Empties the region (a move to another section). */
export function clearStatus(): void {
  if (timer) clearTimeout(timer);
  const el = statusRegion();
  delete el.dataset.kind;
  replace(el);
}

/** Reports an exception's sentence as an error. */
export function reportError(e: unknown): void {
  report(e instanceof Error ? e.message : String(e), "error");
}

/** The text currently shown (for tests). */
export function currentStatus(): string {
  return statusRegion().textContent ?? "";
}
