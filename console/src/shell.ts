/**
 * The signed-in page frame: skip link, header (title, service picker,
 * language switch, who is signed in, Sign out), the section navigation and
 * the main landmark with the status region. Views render into the element
 * `shell()` returns as `outlet`.
 */
import { del, setCsrfToken } from "./api";
import { button, field, h, select } from "./dom";
import { languageSwitch, t, type Key } from "./i18n";
import { hrefOf, SECTIONS, type Section } from "./router";
import { currentSession, knownServices, selectedService, selectService, setSession } from "./state";
import { reportError, statusRegion } from "./status";

export interface Shell {
  root: HTMLElement;
  outlet: HTMLElement;
  setActive(section: Section): void;
  refreshServices(): void;
}

const NAV_KEYS: Record<Section, Key> = {
  dashboard: "nav.dashboard",
  usage: "nav.usage",
  services: "nav.services",
  users: "nav.users",
  roles: "nav.roles",
  channels: "nav.channels",
  push: "nav.push",
  webhooks: "nav.webhooks",
  audit: "nav.audit",
  health: "nav.health",
};

export function sectionLabel(s: Section): string {
  return t(NAV_KEYS[s]);
}

/** A skip link to the main landmark that does not disturb the hash route. */
export function skipLink(main: HTMLElement): HTMLAnchorElement {
  const a = h("a", { class: "skip-link", href: "#main" }, t("shell.skip"));
  a.addEventListener("click", (e) => {
    e.preventDefault();
    main.focus();
  });
  return a;
}

/** Builds the frame. `onSignedOut` shows the sign-in form again. */
export function shell(onSignedOut: () => void): Shell {
  const outlet = h("div", { class: "view" });
  const main = h("main", { id: "main", tabindex: "-1" }, statusRegion(), outlet);
  const links = new Map<Section, HTMLAnchorElement>();
  const list = h("ul");
  for (const s of SECTIONS) {
    const a = h("a", { href: hrefOf(s), "data-section": s }, sectionLabel(s));
    links.set(s, a);
    list.append(h("li", null, a));
  }
  const nav = h("nav", { "aria-label": t("shell.sections") }, list);

  const pickerSlot = h("div", { class: "service-picker" });
  const renderPicker = () => {
    const services = knownServices();
    const opts: [string, string][] = services.map((s) => [s.sid, s.friendly_name || s.sid]);
    if (opts.length === 0) opts.push(["", t("shell.noServices")]);
    const sel = select(opts, selectedService(), { "data-testid": "service-picker" });
    sel.addEventListener("change", () => selectService(sel.value || null));
    pickerSlot.replaceChildren(field(t("shell.service"), sel));
  };
  renderPicker();

  const session = currentSession();
  const signOut = button(t("shell.signOut"), async () => {
    try {
      await del("/admin/Session");
    } catch (e) {
      reportError(e);
    }
    setCsrfToken(null);
    setSession(null);
    onSignedOut();
  }, { "data-testid": "sign-out" });

  const header = h(
    "header",
    { class: "top" },
    h("p", { class: "brand" }, t("app.title")),
    pickerSlot,
    languageSwitch(),
    h("p", { class: "who" }, t("shell.signedInAs", { sid: session?.sid ?? "" })),
    signOut,
  );
  const root = h("div", { class: "shell" }, skipLink(main), header, h("div", { class: "body" }, nav, main));
  return {
    root,
    outlet,
    setActive(section) {
      for (const [s, a] of links) {
        if (s === section) a.setAttribute("aria-current", "page");
        else a.removeAttribute("aria-current");
      }
    },
    refreshServices: renderPicker,
  };
}
