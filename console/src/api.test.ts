import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError, encodeForm, errorSentence, get, listAll, post, request, setCsrfToken, setFetch, setUnauthorizedHandler, withQuery } from "./api";
import { setLanguage } from "./i18n";

interface Call {
  url: string;
  init: RequestInit;
}

function fakeFetch(answers: Array<{ status: number; body?: unknown }>): { calls: Call[] } {
  const calls: Call[] = [];
  setFetch((async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    const a = answers.shift() ?? { status: 200, body: {} };
    const text = a.body === undefined ? "" : JSON.stringify(a.body);
    return new Response(a.status === 204 ? null : text, { status: a.status });
  }) as unknown as typeof fetch);
  return { calls };
}

function header(c: Call, name: string): string | undefined {
  return (c.init.headers as Record<string, string>)[name];
}

beforeEach(() => {
  setLanguage("en");
  setCsrfToken("csrf-123");
  setUnauthorizedHandler(null);
});
afterEach(() => setCsrfToken(null));

describe("the CSRF header", () => {
  it("is sent on every request that changes something", async () => {
    const { calls } = fakeFetch([{ status: 201, body: {} }, { status: 204 }, { status: 200, body: {} }]);
    await post("/v2/Services", { FriendlyName: "x" });
    await request("DELETE", "/v2/Services/IS1");
    await request("PUT", "/x");
    expect(calls.map((c) => header(c, "X-Parley-Csrf"))).toEqual(["csrf-123", "csrf-123", "csrf-123"]);
  });

  it("is not sent on GET, and credentials stay same-origin", async () => {
    const { calls } = fakeFetch([{ status: 200, body: {} }]);
    await get("/v2/Services");
    expect(header(calls[0]!, "X-Parley-Csrf")).toBeUndefined();
    expect(calls[0]!.init.credentials).toBe("same-origin");
  });

  it("follows the token set after a sign-in", async () => {
    const { calls } = fakeFetch([{ status: 200, body: {} }]);
    setCsrfToken("other");
    await post("/x");
    expect(header(calls[0]!, "X-Parley-Csrf")).toBe("other");
  });
});

describe("form bodies", () => {
  it("are form-encoded like Twilio's API, arrays as repeated names", async () => {
    const { calls } = fakeFetch([{ status: 200, body: {} }]);
    await post("/v2/Services/IS1/Roles/RL1", { Permission: ["sendMessage", "leaveChannel"], FriendlyName: "a b", Skip: undefined, Empty: null });
    expect(header(calls[0]!, "Content-Type")).toBe("application/x-www-form-urlencoded");
    expect(String(calls[0]!.init.body)).toBe("Permission=sendMessage&Permission=leaveChannel&FriendlyName=a+b&Empty=");
  });

  it("turns booleans and numbers into strings", () => {
    expect(encodeForm({ A: true, B: 3 }).toString()).toBe("A=true&B=3");
  });

  it("puts GET parameters in the query string", async () => {
    const { calls } = fakeFetch([{ status: 200, body: {} }]);
    await get("/admin/Usage", { From: "2026-01-01", ServiceSid: undefined });
    expect(calls[0]!.url).toBe("/admin/Usage?From=2026-01-01");
    expect(withQuery("/a?x=1", { Type: ["public", "private"] })).toBe("/a?x=1&Type=public&Type=private");
  });
});

describe("error sentences", () => {
  it("use the server's message and code", () => {
    expect(errorSentence(401, { code: 20003, message: "Authenticate", status: 401 })).toBe("Authenticate. (error 20003)");
  });

  it("keep a message's own full stop", () => {
    expect(errorSentence(400, { code: 50053, message: "TypingIndicatorTimeout must be between 1 and 3600 seconds." })).toBe(
      "TypingIndicatorTimeout must be between 1 and 3600 seconds. (error 50053)",
    );
  });

  it("fall back to the status when the body is not Twilio's", () => {
    expect(errorSentence(502, null)).toBe("The server answered with status 502.");
    expect(errorSentence(0, null)).toBe("The server could not be reached.");
  });

  it("are the message of the ApiError a request rejects with", async () => {
    fakeFetch([{ status: 404, body: { code: 50300, message: "Channel not found", status: 404 } }]);
    const err = (await get("/v2/Services/IS1/Channels/x").catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(404);
    expect(err.code).toBe(50300);
    expect(err.message).toBe("Channel not found. (error 50300)");
  });

  it("report an unreachable server in words", async () => {
    setFetch((async () => {
      throw new TypeError("Failed to fetch");
    }) as unknown as typeof fetch);
    const err = (await get("/x").catch((e: unknown) => e)) as ApiError;
    expect(err.message).toBe("The server could not be reached.");
  });

  it("are translated", () => {
    setLanguage("zh-TW");
    expect(errorSentence(500, null)).toBe("伺服器回應狀態碼 500。");
    expect(errorSentence(401, { code: 20003, message: "Authenticate" })).toBe("Authenticate.（錯誤 20003）");
  });
});

describe("a 401", () => {
  it("sends the operator back to the sign-in form", async () => {
    fakeFetch([{ status: 401, body: { code: 20003, message: "Authenticate" } }]);
    const onUnauthorized = vi.fn();
    setUnauthorizedHandler(onUnauthorized);
    await expect(get("/v2/Services")).rejects.toBeInstanceOf(ApiError);
    expect(onUnauthorized).toHaveBeenCalledOnce();
  });

  it("does not, for the sign-in request itself", async () => {
    fakeFetch([{ status: 401, body: { code: 20003, message: "Authenticate" } }]);
    const onUnauthorized = vi.fn();
    setUnauthorizedHandler(onUnauthorized);
    await expect(request("POST", "/admin/Session", { Sid: "x", Secret: "y" }, { allowUnauthorized: true })).rejects.toThrow("Authenticate.");
    expect(onUnauthorized).not.toHaveBeenCalled();
  });
});

describe("paging", () => {
  it("follows meta.next_page_url as it is until it is null", async () => {
    const { calls } = fakeFetch([
      { status: 200, body: { users: [{ sid: "US1" }], meta: { key: "users", next_page_url: "http://127.0.0.1:9/v2/Services/IS1/Users?PageSize=1&PageToken=PT1" } } },
      { status: 200, body: { users: [{ sid: "US2" }], meta: { key: "users", next_page_url: "http://127.0.0.1:9/v2/Services/IS1/Users?PageSize=1&PageToken=PT2" } } },
      { status: 200, body: { users: [{ sid: "US3" }], meta: { key: "users", next_page_url: null } } },
    ]);
    const all = await listAll<{ sid: string }>("/v2/Services/IS1/Users", "users", { PageSize: 1 });
    expect(all.map((u) => u.sid)).toEqual(["US1", "US2", "US3"]);
    expect(calls.map((c) => c.url)).toEqual([
      "/v2/Services/IS1/Users?PageSize=1",
      "http://127.0.0.1:9/v2/Services/IS1/Users?PageSize=1&PageToken=PT1",
      "http://127.0.0.1:9/v2/Services/IS1/Users?PageSize=1&PageToken=PT2",
    ]);
  });

  it("stops when a page points back at itself", async () => {
    fakeFetch([
      { status: 200, body: { x: [1], meta: { next_page_url: "/a" } } },
      { status: 200, body: { x: [2], meta: { next_page_url: "/a" } } },
    ]);
    expect(await listAll("/a", "x")).toEqual([1]);
  });
});
