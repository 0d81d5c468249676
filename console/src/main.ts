/**
 * Start-up: find out whether a session exists (`GET /admin/Session`, which
 * also hands a reloaded page its CSRF token), then show the sign-in form or
 * the console; re-render when the language changes; send the operator back
 * to sign-in whenever the server answers 401.
 */
import "uplot/dist/uPlot.min.css";
import "./style.css";
import { listAll, request, setCsrfToken, setUnauthorizedHandler, type Session } from "./api";
import { onLanguageChange, t } from "./i18n";
import { onRoute, type Route } from "./router";
import { onServiceChange, setServices, setSession, type Service } from "./state";
import { shell, type Shell } from "./shell";
import { clearStatus } from "./status";
import { renderView } from "./views";
import { renderSignIn } from "./views/signin";

const app = document.getElementById("app")!;
let stopRoute: (() => void) | null = null;
let current: Shell | null = null;
let lastRoute: Route | null = null;

function showSignIn(notice?: string): void {
  stopRoute?.();
  stopRoute = null;
  current = null;
  lastRoute = null;
  setCsrfToken(null);
  setSession(null);
  document.title = t("signin.title") + " · " + t("app.title");
  renderSignIn(app, (s) => void start(s), notice);
}

async function loadServices(): Promise<void> {
  setServices(await listAll<Service>("/v2/Services", "services"));
}

function draw(route: Route): void {
  if (!current) return;
  if (lastRoute && lastRoute.section !== route.section) clearStatus();
  lastRoute = route;
  current.setActive(route.section);
  const outlet = current.outlet;
  const fresh = outlet.cloneNode(false) as HTMLElement;
  outlet.replaceWith(fresh);
  current.outlet = fresh;
  void renderView(route, fresh, { reloadServices: async () => { await loadServices(); current?.refreshServices(); } });
}

async function start(s: Session): Promise<void> {
  setCsrfToken(s.csrf_token);
  setSession(s);
  try {
    await loadServices();
  } catch {
    /* a 401 already went back to sign-in; other errors show in the views */
  }
  mount();
}

function mount(): void {
  stopRoute?.();
  current = shell(() => showSignIn());
  app.replaceChildren(current.root);
  stopRoute = onRoute(draw);
}

setUnauthorizedHandler(() => {
  if (current) showSignIn(t("signin.expired"));
});
onLanguageChange(() => {
  if (current) mount();
  else showSignIn();
});
onServiceChange(() => {
  if (current && lastRoute) draw(lastRoute);
});

void (async () => {
  try {
    const s = await request<Session>("GET", "/admin/Session", undefined, { allowUnauthorized: true });
    await start(s);
  } catch {
    showSignIn();
  }
})();
