/**
 * Usage: a period (from/to, default the last 30 days) and a service (the
 * selected one by default; the endpoint needs one), then a uPlot line chart per day of messages, active users,
 * users, channels and media bytes of a service from `GET /admin/Usage`, the same numbers
 * as a table (the chart's text alternative), and a CSV download of the same
 * query (`Format=csv`).
 */
import type uPlot from "uplot";
import { get, withQuery, type Form } from "../api";
import { downloadLink, field, h, input, replace, select, table } from "../dom";
import { formatBytes, formatDay, formatNumber, t } from "../i18n";
import { knownServices } from "../state";
import { failed, form, isoDay, loading, requireService, viewTitle } from "./common";

export interface UsageDay {
  date: string;
  users: number;
  new_users: number;
  active_users: number;
  messages: number;
  channels: number;
  new_channels: number;
  media_bytes: number;
}

export interface Usage {
  from: string;
  to: string;
  days: UsageDay[];
}

/** The chart's data: x = seconds since the epoch (UTC midnight), then one array per series. */
export function chartData(days: UsageDay[]): uPlot.AlignedData {
  const xs = days.map((d) => Date.parse(d.date + "T00:00:00Z") / 1000);
  return [
    xs,
    days.map((d) => d.messages),
    days.map((d) => d.active_users),
    days.map((d) => d.users),
    days.map((d) => d.channels),
    days.map((d) => d.media_bytes),
  ];
}

export async function render(root: HTMLElement): Promise<void> {
  const from = input({ type: "date", value: isoDay(29), "data-testid": "usage-from" });
  const to = input({ type: "date", value: isoDay(0), "data-testid": "usage-to" });
  root.append(viewTitle("nav.usage"));
  const service = requireService(root);
  if (!service) return;
  const svc = select(knownServices().map((s): [string, string] => [s.sid, s.friendly_name || s.sid]), service);
  const out = h("div");
  const submit = h("button", { type: "submit" }, t("usage.show"));
  const query = (): Form => ({ ServiceSid: svc.value, From: from.value, To: to.value });
  const load = async () => {
    replace(out, loading());
    try {
      const usage = await get<Usage>("/admin/Usage", query());
      await draw(out, usage, query());
    } catch (e) {
      replace(out, failed(e));
    }
  };
  root.append(
    form(() => void load(), h("div", { class: "row" }, field(t("usage.from"), from), field(t("usage.to"), to), field(t("shell.service"), svc), h("div", { class: "actions" }, submit))),
    out,
  );
  await load();
}

async function draw(out: HTMLElement, usage: Usage, q: Form): Promise<void> {
  const days = usage.days ?? [];
  const chart = h("div", { class: "chart", role: "figure", "aria-label": t("usage.chartLabel", { from: usage.from, to: usage.to }), "data-testid": "usage-chart" });
  const csv = downloadLink(t("usage.csv"), withQuery("/admin/Usage", { ...q, Format: "csv" }), `usage-${usage.from}-${usage.to}.csv`);
  csv.dataset.testid = "usage-csv";
  const tbl = table<UsageDay>(t("usage.tableCaption"), [
    { header: t("usage.date"), cell: (d) => h("time", { datetime: d.date }, formatDay(d.date)) },
    { header: t("usage.messages"), cell: (d) => formatNumber(d.messages), class: "num" },
    { header: t("usage.activeUsers"), cell: (d) => formatNumber(d.active_users), class: "num" },
    { header: t("usage.users"), cell: (d) => formatNumber(d.users), class: "num" },
    { header: t("usage.newUsers"), cell: (d) => formatNumber(d.new_users), class: "num" },
    { header: t("usage.channels"), cell: (d) => formatNumber(d.channels), class: "num" },
    { header: t("usage.newChannels"), cell: (d) => formatNumber(d.new_channels), class: "num" },
    { header: t("usage.mediaBytes"), cell: (d) => formatBytes(d.media_bytes), class: "num" },
  ], days, { empty: t("usage.none") });
  replace(out, chart, h("div", { class: "actions" }, csv), h("div", { class: "table-wrap" }, tbl));
  const width = Math.max(320, Math.min(1100, (out.clientWidth || 900) - 16));
  const opts: uPlot.Options = {
    width,
    height: 320,
    scales: { x: { time: true }, bytes: { auto: true } },
    axes: [
      {},
      { label: t("usage.count"), values: (_u, vals) => vals.map((v) => formatNumber(v)) },
      { scale: "bytes", side: 1, label: t("usage.mediaBytes"), values: (_u, vals) => vals.map((v) => formatBytes(v)), grid: { show: false } },
    ],
    series: [
      { label: t("usage.date"), value: (_u, v) => (v == null ? "—" : formatDay(new Date(v * 1000).toISOString().slice(0, 10))) },
      { label: t("usage.messages"), stroke: "#1f5fbf", width: 2 },
      { label: t("usage.activeUsers"), stroke: "#b3541e", width: 2 },
      { label: t("usage.users"), stroke: "#2e7d32", width: 2 },
      { label: t("usage.channels"), stroke: "#6a3fa0", width: 2 },
      { label: t("usage.mediaBytes"), stroke: "#555555", width: 2, dash: [6, 4], scale: "bytes", value: (_u, v) => (v == null ? "—" : formatBytes(v)) },
    ],
  };
  try {
    const { default: UPlot } = await import("uplot");
    opts.tzDate = (ts) => UPlot.tzDate(new Date(ts * 1000), "Etc/UTC");
    new UPlot(opts, chartData(days), chart);
  } catch (e) {
    chart.append(failed(e));
  }
}
