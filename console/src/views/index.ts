/**
 * Which view draws which section. Each view module exports one `render`
 * that fills a fresh container for the route; the container is thrown away
 * on the next route change, so a late answer for an old view lands nowhere.
 */
import { t } from "../i18n";
import type { Route, Section } from "../router";
import { sectionLabel } from "../shell";
import { render as audit } from "./audit";
import { render as channels } from "./channels";
import { render as dashboard } from "./dashboard";
import { render as health } from "./health";
import { render as push } from "./push";
import { render as roles } from "./roles";
import { render as services } from "./services";
import { render as usage } from "./usage";
import { render as users } from "./users";
import { render as webhooks } from "./webhooks";

/** What views may ask of the frame. */
export interface ViewContext {
  /** Reloads the service list (after a create or delete) and the picker. */
  reloadServices(): Promise<void>;
}

export type View = (root: HTMLElement, route: Route, ctx: ViewContext) => Promise<void> | void;

const VIEWS: Record<Section, View> = { dashboard, usage, services, users, roles, channels, push, webhooks, audit, health };

export async function renderView(route: Route, root: HTMLElement, ctx: ViewContext): Promise<void> {
  document.title = sectionLabel(route.section) + " · " + t("app.title");
  const followedLink = document.activeElement === document.body || Boolean(document.activeElement?.closest("nav"));
  const done = VIEWS[route.section](root, route, ctx);
  // After a move from the navigation, put the focus on the new page's
  // heading so that keyboard and screen-reader users land where it starts.
  if (followedLink) root.querySelector<HTMLElement>("h1")?.focus();
  await done;
}
