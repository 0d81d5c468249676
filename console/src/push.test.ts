// The push preview (debounced, rendered by the server, shown as text) and
// the test push (POST, then the push delivery log read every second until
// the binding's outcome shows), with fake timers and a fake fetch. The e2e
// tests cover the real server.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError, setCsrfToken, setFetch } from "./api";
import { setLanguage } from "./i18n";
import { setServices } from "./state";
import { currentStatus } from "./status";
import { charCount, fetchPushPreview, livePreview, previewSlots, render, showPreview, type PushPreview } from "./views/push";
import { awaitPushOutcome, outcomeSentence, sendTestPush, type Delivery } from "./views/users";

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
}

/** A fake network: `answer` decides each response from the URL and method. */
function fakeFetch(answer: (url: string, method: string) => { status: number; body?: unknown }): Call[] {
  const calls: Call[] = [];
  setFetch((async (url: string, init: RequestInit) => {
    const method = init.method ?? "GET";
    calls.push({ url, method, headers: (init.headers ?? {}) as Record<string, string> });
    const a = answer(url, method);
    return new Response(a.body === undefined ? null : JSON.stringify(a.body), { status: a.status });
  }) as unknown as typeof fetch);
  return calls;
}

const sample = (body: string, truncated = false): PushPreview => ({ type: "NewMessage", template: "t", title: "General", body, truncated, max_length: 110 });

beforeEach(() => {
  setLanguage("en");
  setCsrfToken("csrf-1");
  document.body.replaceChildren();
});
afterEach(() => {
  vi.useRealTimers();
  setCsrfToken(null);
});

describe("the live push preview", () => {
  it("waits until typing pauses for 250 ms, then asks once with the last text", async () => {
    vi.useFakeTimers();
    const ask = vi.fn(async (tpl: string | undefined) => sample(`rendered ${tpl}`));
    const show = vi.fn();
    const live = livePreview(ask, show);
    live.schedule("a");
    await vi.advanceTimersByTimeAsync(100);
    live.schedule("ab");
    await vi.advanceTimersByTimeAsync(249);
    expect(ask).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(ask).toHaveBeenCalledTimes(1);
    expect(ask).toHaveBeenCalledWith("ab");
    expect(show).toHaveBeenCalledWith(sample("rendered ab"));
  });

  it("drops an answer that comes after a newer request was sent", async () => {
    vi.useFakeTimers();
    const pending: Array<(p: PushPreview) => void> = [];
    const ask = (tpl: string | undefined) => new Promise<PushPreview>((resolve) => pending.push(() => resolve(sample(String(tpl)))));
    const show = vi.fn();
    const live = livePreview(ask, show);
    void live.now("old");
    live.schedule("new");
    await vi.advanceTimersByTimeAsync(250);
    expect(pending).toHaveLength(2);
    pending[1]!(sample(""));
    await vi.advanceTimersByTimeAsync(0);
    pending[0]!(sample(""));
    await vi.advanceTimersByTimeAsync(0);
    expect(show).toHaveBeenCalledTimes(1);
    expect(show).toHaveBeenCalledWith(sample("new"));
  });

  it("hands a failed request on as an error, and cancel drops what is pending", async () => {
    vi.useFakeTimers();
    const show = vi.fn();
    const live = livePreview(async () => { throw new ApiError(400, 20001, "bad", "Bad template. (error 20001)"); }, show);
    await live.now("x");
    expect(show.mock.calls[0]![0]).toBeInstanceOf(Error);
    live.schedule("y");
    live.cancel();
    await vi.advanceTimersByTimeAsync(1000);
    expect(show).toHaveBeenCalledTimes(1);
  });

  it("shows title and body as text, the count against 110 and the cut note", () => {
    const slots = previewSlots("NewMessage");
    document.body.append(slots.root);
    const long = "x".repeat(109) + "…";
    showPreview(slots, { ...sample(long, true), title: "<b>General</b>" });
    expect(slots.title.textContent).toBe("<b>General</b>");
    expect(slots.root.querySelector("b")).toBeNull();
    expect(slots.body.textContent).toBe(long);
    expect(slots.card.hidden).toBe(false);
    expect(slots.count.textContent).toBe("110 of 110 characters");
    expect(slots.cut.hidden).toBe(false);
    expect(slots.cut.textContent).toBe("Cut to 110 characters");
    showPreview(slots, sample("short"));
    expect(slots.count.textContent).toBe("5 of 110 characters");
    expect(slots.cut.hidden).toBe(true);
  });

  it("puts an error in words in place of the card", () => {
    const slots = previewSlots("AddedToChannel");
    showPreview(slots, new ApiError(0, undefined, undefined, "The server could not be reached."));
    expect(slots.card.hidden).toBe(true);
    expect(slots.error.hidden).toBe(false);
    expect(slots.error.textContent).toBe("No preview: The server could not be reached.");
    showPreview(slots, sample("ok"));
    expect(slots.error.hidden).toBe(true);
  });

  it("says it in zh-TW too", () => {
    setLanguage("zh-TW");
    const slots = previewSlots("AddedToChannel");
    showPreview(slots, { ...sample("Alice Chen 把你加入了 General", true) });
    expect(slots.count.textContent).toBe("24 / 110 個字元");
    expect(slots.cut.textContent).toBe("已截至 110 個字元");
  });

  it("counts characters as code points, as the server does", () => {
    expect(charCount("👍🏽 ok")).toBe(5);
    expect(charCount("把你加入了")).toBe(5);
  });

  it("asks the server with the type and the template, or without a template for the saved one", async () => {
    const calls = fakeFetch(() => ({ status: 200, body: sample("x") }));
    await fetchPushPreview("IS1", "AddedToChannel", "${USER} 把你加入了 ${CHANNEL}");
    await fetchPushPreview("IS1", "NewMessage", undefined);
    await fetchPushPreview("IS1", "NewMessage", "");
    const q = calls.map((c) => new URL(c.url, "http://x").searchParams);
    expect(calls[0]!.url.startsWith("/admin/Services/IS1/PushPreview?")).toBe(true);
    expect([q[0]!.get("Type"), q[0]!.get("Template")]).toEqual(["AddedToChannel", "${USER} 把你加入了 ${CHANNEL}"]);
    expect(q[1]!.has("Template")).toBe(false);
    expect(q[2]!.get("Template")).toBe("");
    expect(calls.every((c) => c.method === "GET")).toBe(true);
  });

  it("shows every type's saved template on first render, then previews what is typed", async () => {
    vi.useFakeTimers();
    setServices([{ sid: "IS1", friendly_name: "Acme" }]);
    const calls = fakeFetch((url) => {
      if (url.startsWith("/admin/Services/IS1/PushPreview")) {
        const p = new URL(url, "http://x").searchParams;
        const tpl = p.get("Template");
        return { status: 200, body: { ...sample(tpl === null ? `saved ${p.get("Type")}` : `typed ${tpl}`), type: p.get("Type") } };
      }
      if (url.startsWith("/v2/Credentials")) return { status: 200, body: { credentials: [], meta: { key: "credentials", next_page_url: null } } };
      return { status: 200, body: { sid: "IS1", notifications: { new_message: { enabled: true, template: "saved one" } } } };
    });
    const root = document.createElement("div");
    document.body.append(root);
    await render(root);
    for (const type of ["NewMessage", "AddedToChannel", "InvitedToChannel", "RemovedFromChannel"]) {
      expect(root.querySelector(`[data-testid=preview-${type}]`)!.textContent).toBe(`saved ${type}`);
    }
    const tpl = root.querySelector<HTMLTextAreaElement>("[data-testid=template-NewMessage]")!;
    expect(tpl.value).toBe("saved one");
    const before = calls.length;
    tpl.value = "${USER}: ${MESSAGE}";
    tpl.dispatchEvent(new Event("input"));
    await vi.advanceTimersByTimeAsync(250);
    expect(calls.length).toBe(before + 1);
    expect(root.querySelector("[data-testid=preview-NewMessage]")!.textContent).toBe("typed ${USER}: ${MESSAGE}");
    expect(root.querySelector("[data-testid=test-push-note] a")!.getAttribute("href")).toBe("#/users");
  });
});

describe("the test push", () => {
  const click = new Date("2026-12-01T18:46:49.600Z");
  const entry = (target: string, date: string, outcome = "failed", detail: string | null = "no fcm credential to push with (give the binding a CredentialSid, or keep exactly one)"): Delivery =>
    ({ kind: "push", event: "twilio.channel.new_message", target, outcome, status: null, attempt: 1, detail, date_created: date });

  it("reads the push log every second and stops at the binding's first entry since the click", async () => {
    vi.useFakeTimers();
    vi.setSystemTime(click);
    const reads: Delivery[][] = [
      [],
      [entry("BS1", "2026-12-01T18:46:40Z", "delivered"), entry("BS2", "2026-12-01T18:46:50Z")],
      [entry("BS1", "2026-12-01T18:46:49Z"), entry("BS1", "2026-12-01T18:46:40Z", "delivered")],
    ];
    const calls = fakeFetch(() => ({ status: 200, body: { deliveries: reads.shift() ?? [] } }));
    const done = vi.fn();
    void awaitPushOutcome("IS1", "BS1", Date.now()).then(done);
    await vi.advanceTimersByTimeAsync(999);
    expect(calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.url).toBe("/admin/Services/IS1/Deliveries?Kind=push");
    await vi.advanceTimersByTimeAsync(2000);
    expect(calls).toHaveLength(3);
    expect(done).toHaveBeenCalledWith(entry("BS1", "2026-12-01T18:46:49Z"));
    await vi.advanceTimersByTimeAsync(5000);
    expect(calls, "no more reads once found").toHaveLength(3);
  });

  it("gives up after about 10 seconds", async () => {
    vi.useFakeTimers();
    vi.setSystemTime(click);
    const calls = fakeFetch(() => ({ status: 200, body: { deliveries: [entry("BS1", "2026-12-01T18:46:00Z")] } }));
    const done = vi.fn();
    void awaitPushOutcome("IS1", "BS1", Date.now()).then(done);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls).toHaveLength(10);
    expect(done).toHaveBeenCalledWith(null);
  });

  it("posts TestPush with the CSRF header, reports Queued, then the outcome in words", async () => {
    vi.useFakeTimers();
    vi.setSystemTime(click);
    let reads = 0;
    const calls = fakeFetch((url, method) => {
      if (method === "POST") return { status: 202, body: { binding_sid: "BS1", queued: true } };
      reads += 1;
      return { status: 200, body: { deliveries: reads < 2 ? [] : [entry("BS1", "2026-12-01T18:46:50Z")] } };
    });
    const out = document.createElement("span");
    const btn = document.createElement("button");
    document.body.append(out, btn);
    const done = sendTestPush("IS1", "BS1", out, btn);
    await vi.advanceTimersByTimeAsync(0);
    expect(calls[0]).toMatchObject({ url: "/admin/Services/IS1/Bindings/BS1/TestPush", method: "POST" });
    expect(calls[0]!.headers["X-Parley-Csrf"]).toBe("csrf-1");
    expect(out.textContent).toBe("Queued. Waiting for the outcome…");
    expect(currentStatus()).toBe("Queued. Waiting for the outcome…");
    expect(btn.disabled).toBe(true);
    await vi.advanceTimersByTimeAsync(2000);
    await done;
    const said = "The test push failed. Reason: no fcm credential to push with (give the binding a CredentialSid, or keep exactly one).";
    expect(out.textContent).toBe(said);
    expect(out.dataset.kind).toBe("error");
    expect(currentStatus()).toBe(said);
    expect(btn.disabled).toBe(false);
  });

  it("shows the server's refusal and does not poll", async () => {
    vi.useFakeTimers();
    const calls = fakeFetch(() => ({ status: 400, body: { code: 20001, message: "The binding has no device token to push to", status: 400 } }));
    const out = document.createElement("span");
    document.body.append(out);
    await sendTestPush("IS1", "BS1", out, null);
    await vi.advanceTimersByTimeAsync(5000);
    expect(calls).toHaveLength(1);
    expect(out.textContent).toBe("The binding has no device token to push to. (error 20001)");
  });

  it("says when no outcome came in time, and stops when the page was left", async () => {
    vi.useFakeTimers();
    vi.setSystemTime(click);
    const calls = fakeFetch((url, method) => (method === "POST" ? { status: 202, body: {} } : { status: 200, body: { deliveries: [] } }));
    const out = document.createElement("span");
    document.body.append(out);
    const done = sendTestPush("IS1", "BS1", out, null);
    await vi.advanceTimersByTimeAsync(10_000);
    await done;
    expect(out.textContent).toMatch(/^No outcome yet after 10 seconds/);
    const left = document.createElement("span");
    document.body.append(left);
    const before = calls.length;
    const again = sendTestPush("IS1", "BS1", left, null);
    await vi.advanceTimersByTimeAsync(0);
    left.remove();
    await vi.advanceTimersByTimeAsync(10_000);
    await again;
    expect(calls.length - before, "only the POST").toBe(1);
  });

  it("words every outcome, with the push service's status, in both languages", () => {
    const d = (outcome: string, status: number | null = null, detail: string | null = null): Delivery => ({ kind: "push", target: "BS1", outcome, status, detail, date_created: "2026-12-01T00:00:00Z" });
    expect(outcomeSentence(d("delivered", 200))).toBe("The test push was delivered. The push service answered 200.");
    expect(outcomeSentence(d("retrying", 503, "unavailable"))).toBe("The test push did not go through yet; it will be retried. The push service answered 503. Reason: unavailable.");
    expect(outcomeSentence(d("rejected", 400, "BadDeviceToken"))).toMatch(/^The push service rejected the test push\./);
    expect(outcomeSentence(d("odd"))).toBe("The test push ended as “odd”.");
    setLanguage("zh-TW");
    expect(outcomeSentence(d("failed", null, "no fcm credential"))).toBe("測試推播失敗。 原因：no fcm credential.");
  });
});
