// Start-up in the shell's language: main.ts booted on the real page with the
// shell's commands answered by hand, signed out (the restore fails).
import { beforeEach, describe, expect, it, vi } from "vitest";

const page = Object.values(import.meta.glob("../index.html", { query: "?raw", import: "default", eager: true }) as Record<string, string>)[0];
const shell = vi.hoisted(() => ({ language: true }));

vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn(async () => () => {}) }));
vi.mock("./bindings/commands", () => ({
  language: vi.fn(async () => {
    if (!shell.language) throw new Error("no such command");
    return { chosen: "zh-TW", tag: "zh-TW", available: [{ tag: "en", name: "English" }, { tag: "zh-TW", name: "繁體中文" }] };
  }),
  defaults: vi.fn(async () => ({ server_url: "http://x" })),
  restore: vi.fn(async () => {
    throw { code: "unreachable", message: "cannot reach the server: x", key: "error-unreachable", args: { detail: "x" } };
  }),
}));


async function boot(): Promise<void> {
  vi.resetModules();
  document.documentElement.lang = "en";
  document.body.innerHTML = page.replace(/^[\s\S]*<body>|<\/body>[\s\S]*$/g, "").replace(/<script[^>]*><\/script>/, "");
  await import("./main");
  await vi.waitFor(() => expect(document.getElementById("signin")!.hidden).toBe(false));
}

beforeEach(() => {
  shell.language = true;
});

describe("start-up", () => {
  it("speaks the shell's language before the sign-in screen shows", async () => {
    await boot();
    expect(document.documentElement.lang).toBe("zh-TW");
    expect(document.getElementById("signin-button")!.textContent).toBe("登入");
    expect(document.getElementById("signin-error")!.textContent).toBe("無法連線到伺服器：x。");
    expect(document.getElementById("composer")!.getAttribute("placeholder")).toContain("輸入訊息");
    expect(document.querySelector("#signin h1")!.textContent).toBe("Parley");
  });

  it("speaks English when the shell does not say", async () => {
    shell.language = false;
    await boot();
    expect(document.documentElement.lang).toBe("en");
    expect(document.getElementById("signin-button")!.textContent).toBe("Sign in");
    expect(document.getElementById("signin-error")!.textContent).toBe("Can't reach the server: x.");
  });
});
