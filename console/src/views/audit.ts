/**
 * Audit log: `GET /admin/AuditLog` as a table (time, actor, via, address,
 * action, target, status), a search box (`Q`), Previous/Next paging, a
 * Details toggle per row showing its request, before and after as
 * preformatted JSON text, and CSV / JSONL exports of the same query.
 */
import { withQuery, type Form } from "../api";
import { button, definitions, downloadLink, field, h, input, pre, replace, section } from "../dom";
import { formatDate, t } from "../i18n";
import { Pager } from "../pager";
import { failed, form, loading, pagingBar, text, viewTitle } from "./common";

export interface AuditEntry {
  sid: string;
  date_created: string;
  actor_sid: string | null;
  via: string | null;
  address: string | null;
  method: string | null;
  path: string | null;
  action: string;
  target_sid: string | null;
  status: number | null;
  request: unknown;
  before: unknown;
  after: unknown;
}

const COLUMNS = 8;

/** The table body rows of entries: one row each, and a hidden details row after it. */
export function auditRows(entries: AuditEntry[]): HTMLTableRowElement[] {
  const rows: HTMLTableRowElement[] = [];
  for (const e of entries) {
    const detailsId = `audit-${e.sid}`;
    const details = h(
      "tr",
      { id: detailsId, class: "details", hidden: true },
      h("td", { colspan: COLUMNS }, definitions([
        [t("audit.request"), pre(e.request ?? (e.method ? `${e.method} ${e.path ?? ""}` : null))],
        [t("audit.before"), pre(e.before)],
        [t("audit.after"), pre(e.after)],
      ])),
    );
    const toggle = button(t("audit.details"), null, { "aria-expanded": "false", "aria-controls": detailsId, "aria-label": t("audit.detailsOf", { action: e.action, time: formatDate(e.date_created) }) });
    toggle.addEventListener("click", () => {
      const open = details.hidden;
      details.hidden = !open;
      toggle.setAttribute("aria-expanded", String(open));
    });
    rows.push(
      h(
        "tr",
        { "data-action": e.action },
        h("td", null, formatDate(e.date_created)),
        h("td", null, h("code", null, text(e.actor_sid))),
        h("td", null, text(e.via)),
        h("td", null, text(e.address)),
        h("td", { class: "action" }, e.action),
        h("td", null, h("code", null, text(e.target_sid))),
        h("td", { class: "num" }, text(e.status)),
        h("td", null, toggle),
      ),
      details,
    );
  }
  return rows;
}

export async function render(root: HTMLElement): Promise<void> {
  root.append(viewTitle("nav.audit"));
  const q = input({ type: "search", "data-testid": "audit-search" });
  const out = h("div", null, loading());
  const exports = h("div", { class: "actions" });
  const pager = new Pager<AuditEntry>("/admin/AuditLog?PageSize=50", "entries");
  const query = (): Form => ({ Q: q.value.trim() || undefined });
  const show = () => {
    const headers = [t("common.time"), t("audit.actor"), t("audit.via"), t("audit.address"), t("audit.action"), t("audit.target"), t("common.status"), t("common.details")];
    const tbl = h(
      "table",
      { class: "audit", "data-testid": "audit-table" },
      h("caption", null, t("audit.caption")),
      h("thead", null, h("tr", null, ...headers.map((x) => h("th", { scope: "col" }, x)))),
      h("tbody", null, ...auditRows(pager.items)),
    );
    if (pager.items.length === 0) tbl.tBodies[0]!.append(h("tr", null, h("td", { colspan: COLUMNS, class: "empty" }, t("audit.none"))));
    replace(out, h("div", { class: "table-wrap" }, tbl), pagingBar(pager, show, t("audit.paging")));
  };
  const load = async () => {
    replace(exports,
      downloadLink(t("audit.csv"), withQuery("/admin/AuditLog", { ...query(), Format: "csv" }), "audit-log.csv"),
      downloadLink(t("audit.jsonl"), withQuery("/admin/AuditLog", { ...query(), Format: "jsonl" }), "audit-log.jsonl"),
    );
    replace(out, loading());
    try {
      await pager.first(withQuery("/admin/AuditLog", { ...query(), PageSize: 50 }));
      show();
    } catch (e) {
      replace(out, failed(e));
    }
  };
  const submit = h("button", { type: "submit" }, t("common.search"));
  root.append(section(t("audit.entries"), form(() => void load(), h("div", { class: "row" }, field(t("audit.search"), q), h("div", { class: "actions" }, submit))), exports, out));
  await load();
}
