import { beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError, setFetch } from "./api";
import { setLanguage } from "./i18n";
import { matrixRows, permissionsFor, setVocabulary } from "./permissions";
import { parseHash, hrefOf, SECTIONS } from "./router";
import { placeError, settingsForm } from "./settings";
import { currentStatus } from "./status";
import { auditRows, type AuditEntry } from "./views/audit";
import { isoDay, pagingBar, roleName, type Role } from "./views/common";
import { healthPairs, type Health } from "./views/health";
import { pushGroups } from "./views/push";
import { serviceGroups, type ServiceResource } from "./views/services";
import { chartData } from "./views/usage";
import { parseAttributes } from "./views/users";
import { webhookGroups, PRE_EVENTS, POST_EVENTS } from "./views/webhooks";
import { Pager } from "./pager";

beforeEach(() => {
  setLanguage("en");
  document.body.replaceChildren();
});

const roles: Role[] = [
  { sid: "RL1", friendly_name: "service user", type: "deployment", permissions: ["createChannel"] },
  { sid: "RL2", friendly_name: "channel user", type: "channel", permissions: ["sendMessage", "customThing"] },
];

const service: ServiceResource = {
  sid: "IS1",
  friendly_name: "Acme",
  date_created: "2026-01-01T00:00:00Z",
  default_service_role_sid: "RL1",
  default_channel_role_sid: "RL2",
  default_channel_creator_role_sid: "RL2",
  read_status_enabled: true,
  reachability_enabled: false,
  typing_indicator_timeout: 5,
  consumption_report_interval: 10,
  limits: { channel_members: 100, user_channels: 250 },
  rate_limits: { channel_actions_per_second: 30, service_actions_per_second: 30 },
  pre_webhook_fail_open: false,
  media: { size_limit_mb: 150, compatibility_message: null },
};

async function submit(form: HTMLFormElement): Promise<void> {
  form.dispatchEvent(new Event("submit", { cancelable: true }));
  await new Promise((r) => setTimeout(r, 0));
}

describe("settings forms", () => {
  it("send only what changed", async () => {
    const save = vi.fn(async () => ({}));
    const s = settingsForm(serviceGroups(service, roles), "Save", save);
    document.body.append(s.form);
    (s.controls.get("TypingIndicatorTimeout") as HTMLInputElement).value = "7";
    (s.controls.get("ReachabilityEnabled") as HTMLInputElement).checked = true;
    await submit(s.form);
    expect(save).toHaveBeenCalledWith({ TypingIndicatorTimeout: "7", ReachabilityEnabled: "true" });
    expect(currentStatus()).toBe("Saved.");
    await submit(s.form);
    expect(save, "nothing changed after the save").toHaveBeenCalledTimes(1);
    expect(currentStatus()).toBe("Nothing changed.");
  });

  it("cover every setting of the v2 Service plus Parley's", () => {
    const params = serviceGroups(service, roles).flatMap((g) => g.settings.map((s) => s.param));
    expect(params.sort()).toEqual([
      "ConsumptionReportInterval", "DefaultChannelCreatorRoleSid", "DefaultChannelRoleSid", "DefaultServiceRoleSid", "FriendlyName",
      "Limits.ChannelMembers", "Limits.UserChannels", "Media.CompatibilityMessage", "PreWebhookFailOpen", "RateLimits.ChannelActionsPerSecond",
      "RateLimits.ServiceActionsPerSecond", "ReachabilityEnabled", "ReadStatusEnabled", "TypingIndicatorTimeout",
    ]);
  });

  it("offer only roles of the right type for the defaults", () => {
    const s = settingsForm(serviceGroups(service, roles), "Save", async () => ({}));
    const opts = (p: string) => [...(s.controls.get(p) as HTMLSelectElement).options].map((o) => o.value);
    expect(opts("DefaultServiceRoleSid")).toEqual(["RL1"]);
    expect(opts("DefaultChannelRoleSid")).toEqual(["RL2"]);
  });

  it("show a 400 next to the field it names", async () => {
    const s = settingsForm(serviceGroups(service, roles), "Save", async () => {
      throw new ApiError(400, 50060, "Limits.ChannelMembers must be between 1 and 1000", "Limits.ChannelMembers must be between 1 and 1000. (error 50060)");
    });
    document.body.append(s.form);
    const c = s.controls.get("Limits.ChannelMembers") as HTMLInputElement;
    c.value = "5000";
    (s.controls.get("FriendlyName") as HTMLInputElement).value = "Other";
    await submit(s.form);
    expect(document.getElementById(c.id + "-err")!.textContent).toContain("between 1 and 1000");
    expect(c.getAttribute("aria-invalid")).toBe("true");
    expect(s.form.querySelector<HTMLElement>(".form-error")!.hidden).toBe(true);
  });

  it("show an error that names no field at the form's top", () => {
    const form = document.createElement("form");
    const top = document.createElement("p");
    placeError(form, top, new ApiError(403, 20403, "Forbidden", "Forbidden. (error 20403)"), ["A", "B"], ["A", "B"], "Forbidden. (error 20403)");
    expect(top.textContent).toBe("Forbidden. (error 20403)");
    expect(top.hidden).toBe(false);
  });

  it("send a cleared multi-select as one empty value", async () => {
    const save = vi.fn(async () => ({}));
    const s = settingsForm(webhookGroups({ pre_webhook_url: null, post_webhook_url: null, webhook_method: "POST", webhook_filters: ["onMessageSent"], pre_webhook_retry_count: 0, post_webhook_retry_count: 0 }), "Save", save);
    document.body.append(s.form);
    const box = s.form.querySelector<HTMLInputElement>('input[value="onMessageSent"]')!;
    expect(box.checked).toBe(true);
    box.checked = false;
    s.form.querySelector<HTMLInputElement>('input[value="onMessageRemoved"]')!.checked = true;
    s.form.querySelector<HTMLInputElement>('input[value="onChannelAdded"]')!.checked = true;
    await submit(s.form);
    expect(save).toHaveBeenLastCalledWith({ WebhookFilters: ["onChannelAdded", "onMessageRemoved"] });
    s.form.querySelector<HTMLInputElement>('input[value="onMessageRemoved"]')!.checked = false;
    s.form.querySelector<HTMLInputElement>('input[value="onChannelAdded"]')!.checked = false;
    await submit(s.form);
    expect(save).toHaveBeenLastCalledWith({ WebhookFilters: "" });
  });

  it("list every webhook event once", () => {
    const all = [...PRE_EVENTS, ...POST_EVENTS];
    expect(new Set(all).size).toBe(23);
  });
});

describe("push settings", () => {
  it("have Enabled, Template and Sound for the four types, and a badge for new messages", () => {
    const params = pushGroups({ new_message: { enabled: true, template: "From ${USER}", sound: null, badge_count_enabled: false } }).flatMap((g) => g.settings.map((s) => s.param));
    for (const type of ["NewMessage", "AddedToChannel", "InvitedToChannel", "RemovedFromChannel"]) {
      for (const f of ["Enabled", "Template", "Sound"]) expect(params).toContain(`Notifications.${type}.${f}`);
    }
    expect(params).toContain("Notifications.NewMessage.BadgeCountEnabled");
    expect(params.filter((p) => p.endsWith("BadgeCountEnabled"))).toHaveLength(1);
    expect(params).toContain("Notifications.LogEnabled");
  });
});

describe("roles", () => {
  it("show the server's vocabulary and whatever the server's roles hold", () => {
    setVocabulary({
      deployment: ["createChannel", "editAnyUserInfo", "destroyChannel"],
      channel: ["sendMessage", "destroyChannel"],
    });
    const rows = matrixRows("channel", roles);
    expect(rows).toContain("sendMessage");
    expect(rows).toContain("customThing");
    expect(rows).not.toContain("createChannel");
    expect(permissionsFor("deployment")).toContain("editAnyUserInfo");
  });

  it("name roles by SID", () => {
    expect(roleName(roles, "RL2")).toBe("channel user");
    expect(roleName(roles, "RLx")).toBe("RLx");
    expect(roleName(roles, null)).toBe("—");
  });
});

describe("view helpers", () => {
  it("check attributes are JSON before sending", () => {
    expect(parseAttributes('{"a":1}')).toBe('{"a":1}');
    expect(parseAttributes("")).toBe("{}");
    expect(parseAttributes("{a:1}")).toBeNull();
  });


  it("turn usage days into chart series", () => {
    const data = chartData([{ date: "2026-01-02", users: 3, new_users: 1, active_users: 2, messages: 10, channels: 4, new_channels: 0, media_bytes: 99 }]);
    expect(data[0]).toEqual([Date.UTC(2026, 0, 2) / 1000]);
    expect(data.slice(1).map((s) => s[0])).toEqual([10, 2, 3, 4, 99]);
  });

  it("default the period to the last 30 days", () => {
    const now = new Date(Date.UTC(2026, 2, 1, 12));
    expect(isoDay(0, now)).toBe("2026-03-01");
    expect(isoDay(29, now)).toBe("2026-01-31");
  });

  it("render health as label/value pairs", () => {
    const pairs = healthPairs({ version: "0.1.0", uptime: 3600, started: "2026-01-01T00:00:00Z", database: { kind: "sqlite", size_bytes: 2048, migration: 7, migrations: 7 }, sockets: 2, feed_head: 42, jobs: { queued: 1, due: 0, failing: 0 } } as Health);
    expect(pairs.map(([k]) => k)).toContain("Database");
    expect(pairs.find(([k]) => k === "Schema")![1]).toBe("migration 7 of 7");
  });

  it("expand an audit row to its request, before and after as text", () => {
    const e: AuditEntry = { sid: "AU1", date_created: "2026-01-01T00:00:00Z", actor_sid: "AC1", via: "console", address: "127.0.0.1", method: "POST", path: "/v2/Services", action: "service.create", target_sid: "IS1", status: 201, request: { FriendlyName: "<b>x</b>" }, before: null, after: { sid: "IS1" } };
    const tbody = document.createElement("tbody");
    tbody.append(...auditRows([e]));
    document.body.append(tbody);
    const toggle = tbody.querySelector("button")!;
    const details = tbody.querySelector<HTMLElement>("tr.details")!;
    expect(details.hidden).toBe(true);
    toggle.click();
    expect(details.hidden).toBe(false);
    expect(toggle.getAttribute("aria-expanded")).toBe("true");
    expect(details.querySelector("pre")!.textContent).toContain('"FriendlyName": "<b>x</b>"');
    expect(details.querySelector("b")).toBeNull();
  });

  it("page with Previous and Next", async () => {
    const pages: Record<string, { items: number[]; meta: { next_page_url: string | null } }> = {
      "/a": { items: [1], meta: { next_page_url: "/b" } },
      "/b": { items: [2], meta: { next_page_url: null } },
    };
    const p = new Pager<number>("/a", "x", async (u) => pages[u]!);
    await p.first();
    const slot = document.createElement("div");
    const draw = () => slot.replaceChildren(pagingBar(p, draw, "Pages"));
    draw();
    document.body.append(slot);
    const [prev, next] = [...slot.querySelectorAll("button")];
    expect(prev!.disabled).toBe(true);
    next!.click();
    await new Promise((r) => setTimeout(r, 0));
    expect(p.items).toEqual([2]);
    expect(slot.textContent).toContain("Page 2");
    expect(slot.querySelector<HTMLButtonElement>("[data-testid=page-next]")!.disabled).toBe(true);
  });
});

describe("routes", () => {
  it("are hashes of the ten sections, in navigation order", () => {
    expect(SECTIONS).toEqual(["dashboard", "usage", "services", "users", "roles", "channels", "push", "webhooks", "audit", "health"]);
    expect(parseHash("#/users/US123")).toEqual({ section: "users", id: "US123" });
    expect(parseHash("#/nope")).toEqual({ section: "dashboard", id: null });
    expect(parseHash("")).toEqual({ section: "dashboard", id: null });
    expect(hrefOf("channels", "CH 1")).toBe("#/channels/CH%201");
  });
});

setFetch((async () => new Response("{}", { status: 200 })) as unknown as typeof fetch);
