/**
 * Services: every setting of the selected v2 Service (names, default roles,
 * read status, reachability, typing timeout, consumption interval, limits,
 * media compatibility message, and Parley's rate limits and pre-webhook
 * fail-open), saved with `POST /v2/Services/{IS}` (changed fields only), and
 * deleting the service after a typed confirmation of its name.
 */
import { del, get, post } from "../api";
import { confirmTyped } from "../confirm";
import { button, definitions, h, section } from "../dom";
import { formatDate, t } from "../i18n";
import { selectedService, selectService, type Service } from "../state";
import { settingsForm, type SettingGroup } from "../settings";
import type { ViewContext } from ".";
import { act, failed, loadRoles, requireService, roleOptions, servicePath, viewTitle, type Role } from "./common";

export interface ServiceResource extends Service {
  date_created: string;
  default_service_role_sid: string | null;
  default_channel_role_sid: string | null;
  default_channel_creator_role_sid: string | null;
  read_status_enabled: boolean;
  reachability_enabled: boolean;
  typing_indicator_timeout: number;
  consumption_report_interval: number;
  limits: { channel_members: number; user_channels: number };
  rate_limits?: { channel_actions_per_second: number | null; service_actions_per_second: number | null };
  pre_webhook_fail_open?: boolean;
  media: { size_limit_mb: number; compatibility_message: string | null };
  [k: string]: unknown;
}

/** The setting groups of a service (exported for tests). */
export function serviceGroups(s: ServiceResource, roles: Role[]): SettingGroup[] {
  return [
    {
      legend: t("svc.general"),
      settings: [
        { param: "FriendlyName", label: t("common.friendlyName"), kind: "text", value: s.friendly_name },
        { param: "ReadStatusEnabled", label: t("svc.readStatus"), kind: "bool", value: s.read_status_enabled },
        { param: "ReachabilityEnabled", label: t("svc.reachability"), kind: "bool", value: s.reachability_enabled },
        { param: "TypingIndicatorTimeout", label: t("svc.typingTimeout"), kind: "number", value: s.typing_indicator_timeout, min: 1, max: 3600 },
        { param: "ConsumptionReportInterval", label: t("svc.consumptionInterval"), kind: "number", value: s.consumption_report_interval, min: 0, hint: t("svc.deprecated") },
      ],
    },
    {
      legend: t("svc.roles"),
      settings: [
        { param: "DefaultServiceRoleSid", label: t("svc.defaultServiceRole"), kind: "select", value: s.default_service_role_sid, options: roleOptions(roles, "deployment") },
        { param: "DefaultChannelRoleSid", label: t("svc.defaultChannelRole"), kind: "select", value: s.default_channel_role_sid, options: roleOptions(roles, "channel") },
        { param: "DefaultChannelCreatorRoleSid", label: t("svc.defaultCreatorRole"), kind: "select", value: s.default_channel_creator_role_sid, options: roleOptions(roles, "channel") },
      ],
    },
    {
      legend: t("svc.limits"),
      settings: [
        { param: "Limits.ChannelMembers", label: t("svc.channelMembers"), kind: "number", value: s.limits?.channel_members, min: 1, max: 1000 },
        { param: "Limits.UserChannels", label: t("svc.userChannels"), kind: "number", value: s.limits?.user_channels, min: 1, max: 1000 },
        { param: "RateLimits.ChannelActionsPerSecond", label: t("svc.channelAps"), kind: "number", value: s.rate_limits?.channel_actions_per_second, min: 0, hint: t("svc.apsHint") },
        { param: "RateLimits.ServiceActionsPerSecond", label: t("svc.serviceAps"), kind: "number", value: s.rate_limits?.service_actions_per_second, min: 0, hint: t("svc.apsHint") },
      ],
    },
    {
      legend: t("svc.media"),
      settings: [{ param: "Media.CompatibilityMessage", label: t("svc.compatMessage"), kind: "text", value: s.media?.compatibility_message }],
    },
    {
      legend: t("svc.webhooks"),
      settings: [{ param: "PreWebhookFailOpen", label: t("svc.failOpen"), kind: "bool", value: s.pre_webhook_fail_open ?? false }],
    },
  ];
}

export async function render(root: HTMLElement, _route: unknown, ctx: ViewContext): Promise<void> {
  root.append(viewTitle("nav.services"));
  const sid = requireService(root);
  if (!sid) return;
  let s: ServiceResource;
  let roles: Role[];
  try {
    [s, roles] = await Promise.all([get<ServiceResource>(servicePath(sid)), loadRoles(sid)]);
  } catch (e) {
    root.append(failed(e));
    return;
  }
  const settings = settingsForm(serviceGroups(s, roles), t("common.save"), async (changes) => {
    const updated = await post<ServiceResource>(servicePath(sid), changes);
    if ("FriendlyName" in changes) await ctx.reloadServices();
    return updated;
  });
  settings.form.dataset.testid = "service-form";
  const remove = button(t("svc.delete"), async () => {
    const ok = await confirmTyped({ title: t("svc.delete"), message: t("svc.deleteWarning", { name: s.friendly_name }), expected: s.friendly_name || s.sid, action: t("svc.delete") });
    if (!ok) return;
    if (await act("common.deleted", () => del(servicePath(sid)), remove)) {
      await ctx.reloadServices();
      selectService(selectedService());
    }
  }, { class: "danger", "data-testid": "delete-service" });
  root.append(
    section(
      s.friendly_name || s.sid,
      definitions([
        [t("common.sid"), h("code", null, s.sid)],
        [t("common.created"), formatDate(s.date_created)],
        [t("svc.mediaLimit"), t("svc.mb", { n: s.media?.size_limit_mb ?? 0 })],
      ]),
      settings.form,
    ),
    section(t("svc.danger"), h("p", null, t("svc.deleteHint")), remove),
  );
}
