/**
 * Health: `GET /admin/Health` as a definition list (version, uptime, start
 * time, database, sockets, feed head, jobs) with a Refresh button.
 */
import { get } from "../api";
import { button, definitions, h, replace, section, type Child } from "../dom";
import { formatBytes, formatDate, formatDuration, formatNumber, t } from "../i18n";
import { failed, loading, viewTitle } from "./common";

export interface Health {
  version: string;
  uptime: number;
  started: string;
  database: { kind: string; size_bytes: number; migration: number; migrations: number };
  sockets: number;
  feed_head: number | string;
  jobs: { queued: number; due: number; failing: number };
}

/** The rows shown for a health answer. */
export function healthPairs(hl: Health): [string, Child][] {
  return [
    [t("health.version"), String(hl.version ?? "—")],
    [t("health.uptime"), formatDuration(hl.uptime ?? 0)],
    [t("health.started"), hl.started ? formatDate(hl.started) : "—"],
    [t("health.dbKind"), String(hl.database?.kind ?? "—")],
    [t("health.dbSize"), formatBytes(hl.database?.size_bytes ?? 0)],
    [t("health.migration"), t("health.migrationOf", { n: hl.database?.migration ?? 0, total: hl.database?.migrations ?? 0 })],
    [t("health.sockets"), formatNumber(hl.sockets ?? 0)],
    [t("health.feedHead"), String(hl.feed_head ?? "—")],
    [t("health.jobsQueued"), formatNumber(hl.jobs?.queued ?? 0)],
    [t("health.jobsDue"), formatNumber(hl.jobs?.due ?? 0)],
    [t("health.jobsFailing"), formatNumber(hl.jobs?.failing ?? 0)],
  ];
}

export async function render(root: HTMLElement): Promise<void> {
  const out = h("div", null, loading());
  const load = async () => {
    try {
      const hl = await get<Health>("/admin/Health");
      replace(out, definitions(healthPairs(hl), { "data-testid": "health" }), h("p", { class: "hint" }, t("health.checkedAt", { time: formatDate(new Date().toISOString()) })));
    } catch (e) {
      replace(out, failed(e));
    }
  };
  const refresh = button(t("health.refresh"), async () => {
    refresh.disabled = true;
    await load();
    refresh.disabled = false;
  }, { "data-testid": "health-refresh" });
  root.append(viewTitle("nav.health"), section(t("health.server"), h("div", { class: "actions" }, refresh), out));
  await load();
}
