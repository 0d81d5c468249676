/**
 * Webhooks of the selected service: the service's pre- and post-event URLs,
 * method, event filters and retry counts (`POST /v2/Services/{IS}`); the
 * webhooks of one chosen channel (`…/Channels/{CH}/Webhooks`: list, add,
 * delete); and the recent delivery log (`GET /admin/Services/{IS}/Deliveries`).
 */
import { del, get, listAll, post, withQuery, type Form } from "../api";
import { confirmPlain } from "../confirm";
import { button, checkbox, field, h, input, replace, section, select, table, uid } from "../dom";
import { formatDate, t } from "../i18n";
import { Pager } from "../pager";
import { settingsForm, type SettingGroup } from "../settings";
import type { Channel } from "./channels";
import { act, failed, form, loading, pagingBar, requireService, servicePath, text, viewTitle } from "./common";

/** Every event name a service's WebhookFilters may hold (pre-events, then post-events). */
export const PRE_EVENTS = [
  "onMessageSend", "onMessageUpdate", "onMessageRemove", "onMediaMessageSend", "onChannelAdd", "onChannelUpdate",
  "onChannelDestroy", "onMemberAdd", "onMemberUpdate", "onMemberRemove", "onUserUpdate",
] as const;
export const POST_EVENTS = [
  "onMessageSent", "onMessageUpdated", "onMessageRemoved", "onMediaMessageSent", "onChannelAdded", "onChannelUpdated",
  "onChannelDestroyed", "onMemberAdded", "onMemberUpdated", "onMemberRemoved", "onUserAdded", "onUserUpdated",
] as const;

interface ServiceHooks {
  pre_webhook_url: string | null;
  post_webhook_url: string | null;
  webhook_method: string | null;
  webhook_filters: string[] | null;
  pre_webhook_retry_count: number;
  post_webhook_retry_count: number;
}

interface ChannelWebhook {
  sid: string;
  type: string;
  configuration: { url?: string | null; method?: string | null; filters?: string[] | null; triggers?: string[] | null; retry_count?: number | null };
  date_created: string;
}

interface Delivery {
  kind: string;
  event: string;
  target: string;
  outcome: string;
  status: number | null;
  attempt: number;
  detail: string | null;
  date_created: string;
}

export function webhookGroups(s: ServiceHooks): SettingGroup[] {
  const events = [...PRE_EVENTS, ...POST_EVENTS].map((e) => [e, e] as const);
  return [
    {
      legend: t("hooks.service"),
      settings: [
        { param: "PreWebhookUrl", label: t("hooks.preUrl"), kind: "url", value: s.pre_webhook_url ?? "" },
        { param: "PostWebhookUrl", label: t("hooks.postUrl"), kind: "url", value: s.post_webhook_url ?? "" },
        { param: "WebhookMethod", label: t("hooks.method"), kind: "select", value: s.webhook_method ?? "POST", options: [["POST", "POST"], ["GET", "GET"]] },
        { param: "PreWebhookRetryCount", label: t("hooks.preRetry"), kind: "number", value: s.pre_webhook_retry_count, min: 0, max: 3 },
        { param: "PostWebhookRetryCount", label: t("hooks.postRetry"), kind: "number", value: s.post_webhook_retry_count, min: 0, max: 3 },
        { param: "WebhookFilters", label: t("hooks.filters"), kind: "multi", value: s.webhook_filters ?? [], options: events },
      ],
    },
  ];
}

export async function render(root: HTMLElement): Promise<void> {
  root.append(viewTitle("nav.webhooks"));
  const service = requireService(root);
  if (!service) return;
  let s: ServiceHooks;
  try {
    s = await get<ServiceHooks>(servicePath(service));
  } catch (e) {
    root.append(failed(e));
    return;
  }
  const settings = settingsForm(webhookGroups(s), t("common.save"), (changes) => post(servicePath(service), changes));
  const channelHooks = h("div", null, loading());
  const deliveries = h("div", null, loading());
  root.append(section(t("hooks.service"), settings.form), section(t("hooks.channel"), channelHooks), section(t("hooks.deliveries"), deliveries));
  await Promise.all([drawChannelHooks(channelHooks, service), drawDeliveries(deliveries, service)]);
}

async function drawChannelHooks(slot: HTMLElement, service: string): Promise<void> {
  let channels: Channel[];
  try {
    channels = await listAll<Channel>(`${servicePath(service)}/Channels`, "channels", { Type: ["public", "private"], PageSize: 100 });
  } catch (e) {
    replace(slot, failed(e));
    return;
  }
  if (channels.length === 0) {
    replace(slot, h("p", null, t("channels.none")));
    return;
  }
  const pick = select(channels.map((c): [string, string] => [c.sid, c.friendly_name || c.unique_name || c.sid]), channels[0]!.sid, { "data-testid": "hook-channel" });
  const list = h("div", null, loading());
  const draw = async () => {
    const path = `${servicePath(service)}/Channels/${pick.value}/Webhooks`;
    try {
      const hooks = await listAll<ChannelWebhook>(path, "webhooks");
      replace(
        list,
        h("div", { class: "table-wrap" }, table<ChannelWebhook>(t("hooks.channelCaption"), [
          { header: t("common.type"), cell: (w) => w.type },
          { header: t("hooks.url"), cell: (w) => text(w.configuration?.url) },
          { header: t("hooks.method"), cell: (w) => text(w.configuration?.method) },
          { header: t("hooks.filtersOrTriggers"), cell: (w) => text([...(w.configuration?.filters ?? []), ...(w.configuration?.triggers ?? [])].join(", ")) },
          { header: t("hooks.retries"), cell: (w) => text(w.configuration?.retry_count) },
          {
            header: t("common.actions"),
            cell: (w) =>
              button(t("common.delete"), async (e) => {
                const btn = e.currentTarget as HTMLButtonElement;
                const ok = await confirmPlain(t("hooks.deleteTitle"), t("hooks.deleteWarning", { url: w.configuration?.url ?? w.sid }), t("common.delete"));
                if (ok && (await act("common.deleted", () => del(`${path}/${w.sid}`), btn))) await draw();
              }, { "aria-label": t("hooks.deleteOf", { sid: w.sid }) }),
          },
        ], hooks, { empty: t("hooks.none") })),
        channelHookForm(path, () => void draw()),
      );
    } catch (e) {
      replace(list, failed(e));
    }
  };
  pick.addEventListener("change", () => void draw());
  replace(slot, field(t("channels.channel"), pick), list);
  await draw();
}

function channelHookForm(path: string, reload: () => void): HTMLFormElement {
  const type = select([["webhook", t("hooks.typeWebhook")], ["trigger", t("hooks.typeTrigger")]], "webhook");
  const url = input({ type: "url", "data-param": "Configuration.Url" });
  const method = select([["POST", "POST"], ["GET", "GET"]], "POST");
  const retry = input({ type: "number", min: 0, max: 3, value: "0" });
  const triggers = input({ "data-param": "Configuration.Triggers" });
  const legendId = uid("lg");
  const boxes = [...PRE_EVENTS, ...POST_EVENTS].filter((e) => !["onChannelAdd", "onChannelAdded", "onUserUpdate", "onUserUpdated", "onUserAdded"].includes(e)).map((e) => checkbox(false, { value: e, id: uid("ev") }));
  const filters = h("fieldset", { "aria-labelledby": legendId }, h("legend", { id: legendId }, t("hooks.filters")), h("div", { class: "checks" }, ...boxes.map((b) => h("div", { class: "field-check" }, b, h("label", { for: b.id }, b.value)))));
  const triggerField = field(t("hooks.triggers"), triggers, { hint: t("hooks.triggersHint") });
  const sync = () => {
    filters.hidden = type.value !== "webhook";
    triggerField.hidden = type.value !== "trigger";
  };
  type.addEventListener("change", sync);
  sync();
  const submit = h("button", { type: "submit" }, t("hooks.add"));
  return form(
    () => {
      const body: Form = { Type: type.value, "Configuration.Url": url.value.trim(), "Configuration.Method": method.value, "Configuration.RetryCount": retry.value || "0" };
      if (type.value === "webhook") body["Configuration.Filters"] = boxes.filter((b) => b.checked).map((b) => b.value);
      else body["Configuration.Triggers"] = triggers.value.split(",").map((x) => x.trim()).filter(Boolean);
      void act("hooks.added", async () => {
        await post(path, body);
        reload();
      }, submit);
    },
    h("h3", null, t("hooks.add")),
    field(t("common.type"), type),
    field(t("hooks.url"), url),
    field(t("hooks.method"), method),
    field(t("hooks.retries"), retry),
    filters,
    triggerField,
    h("div", { class: "actions" }, submit),
  );
}

async function drawDeliveries(slot: HTMLElement, service: string): Promise<void> {
  const kind = select([["", t("hooks.allKinds")], ["webhook", t("hooks.kindWebhook")], ["pre-webhook", t("hooks.kindPre")], ["push", t("hooks.kindPush")]], "");
  const out = h("div", null, loading());
  const base = `/admin/Services/${service}/Deliveries`;
  const pager = new Pager<Delivery>(withQuery(base, { PageSize: 50 }), "deliveries");
  const show = () =>
    replace(
      out,
      h("div", { class: "table-wrap" }, table<Delivery>(t("hooks.deliveriesCaption"), [
        { header: t("common.status"), cell: (d) => h("span", { class: `outcome outcome-${d.outcome}` }, d.outcome, d.status ? ` (${d.status})` : "") },
        { header: t("common.time"), cell: (d) => formatDate(d.date_created) },
        { header: t("hooks.kind"), cell: (d) => d.kind },
        { header: t("hooks.event"), cell: (d) => d.event },
        { header: t("hooks.target"), cell: (d) => h("span", { class: "break" }, d.target) },
        { header: t("hooks.attempt"), cell: (d) => String(d.attempt), class: "num" },
        { header: t("hooks.detail"), cell: (d) => text(d.detail) },
      ], pager.items, { empty: t("hooks.noDeliveries") })),
      pagingBar(pager, show, t("hooks.deliveriesPaging")),
    );
  const load = async () => {
    replace(out, loading());
    try {
      await pager.first(withQuery(base, { Kind: kind.value || undefined, PageSize: 50 }));
      show();
    } catch (e) {
      replace(out, failed(e));
    }
  };
  kind.addEventListener("change", () => void load());
  replace(slot, field(t("hooks.kind"), kind), out);
  await load();
}
