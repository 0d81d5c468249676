import { afterEach, describe, expect, it, vi } from "vitest";

vi.mock("./bindings/commands", () => ({
  setLanguage: vi.fn(async (tag: string | null) => ({ chosen: tag, tag: tag ?? "en", available: [] })),
  language: vi.fn(async () => ({ chosen: null, tag: "en", available: [] })),
  statusText: vi.fn(async () => "in Taipei"),
  setStatusText: vi.fn(async () => undefined),
}));

import * as cmd from "./bindings/commands";
import { useLanguage } from "./i18n";
import { languagePicker, settingsPanel } from "./settings";

const view = {
  chosen: "zh-TW",
  tag: "zh-TW",
  available: [
    { tag: "en", name: "English" },
    { tag: "zh-TW", name: "繁體中文" },
  ],
};
const act = (p: Promise<unknown>) => p.then(() => {});
const settle = () => new Promise<void>((r) => setTimeout(r, 0));

afterEach(() => {
  useLanguage("en");
  vi.clearAllMocks();
  document.body.innerHTML = "";
});

describe("the language picker", () => {
  it("offers the system's language first, then each catalog in its own name", () => {
    const picker = languagePicker(view, { act }, () => {});
    document.body.append(picker);
    const select = document.getElementById("language") as HTMLSelectElement;
    expect([...select.options].map((o) => [o.value, o.text])).toEqual([
      ["", "System default"],
      ["en", "English"],
      ["zh-TW", "繁體中文"],
    ]);
    expect(select.value).toBe("zh-TW");
    expect(picker.querySelector("label")?.htmlFor).toBe("language");
    expect(picker.querySelector("label")?.textContent).toBe("Language");
  });

  it("speaks the language in use", () => {
    useLanguage("zh-TW");
    const picker = languagePicker({ ...view, chosen: null }, { act }, () => {});
    expect(picker.querySelector("label")?.textContent).toBe("語言");
    expect((picker.querySelector("select") as HTMLSelectElement).value).toBe("");
    expect(picker.querySelector("option")?.textContent).toBe("系統預設");
  });

  it("tells the shell the choice, then reloads; System default is no choice", async () => {
    const reload = vi.fn();
    const picker = languagePicker(view, { act }, reload);
    const select = picker.querySelector("select") as HTMLSelectElement;
    select.value = "";
    select.dispatchEvent(new Event("change"));
    await settle();
    expect(cmd.setLanguage).toHaveBeenCalledWith(null);
    expect(reload).toHaveBeenCalledTimes(1);
    select.value = "en";
    select.dispatchEvent(new Event("change"));
    await settle();
    expect(cmd.setLanguage).toHaveBeenLastCalledWith("en");
  });

  it("does not reload when the shell refuses", async () => {
    vi.mocked(cmd.setLanguage).mockRejectedValueOnce({ code: "refused", message: "no", key: "refusal-unknown-language", args: { tag: "xx" } });
    const reload = vi.fn();
    const errors: unknown[] = [];
    const picker = languagePicker(view, { act: (p) => p.then(() => {}, (e) => void errors.push(e)) }, reload);
    const select = picker.querySelector("select") as HTMLSelectElement;
    select.value = "en";
    select.dispatchEvent(new Event("change"));
    await settle();
    expect(reload).not.toHaveBeenCalled();
    expect(errors).toHaveLength(1);
  });

  it("still offers the system's language when the shell does not answer", () => {
    const picker = languagePicker(null, { act }, () => {});
    expect([...(picker.querySelector("select") as HTMLSelectElement).options].map((o) => o.value)).toEqual([""]);
  });
});

describe("the app's settings", () => {
  it("offer the language and the theme when no channel is open", async () => {
    const nodes = await settingsPanel(null, { act, changed: async () => {} });
    document.body.append(...nodes);
    expect(document.getElementById("language")).not.toBeNull();
    expect((document.getElementById("theme") as HTMLSelectElement).value).toBe("");
  });

  it("offer the user's status line: Enter sets it, Clear takes it away", async () => {
    const nodes = await settingsPanel(null, { act, changed: async () => {} });
    document.body.append(...nodes);
    const input = document.getElementById("status") as HTMLInputElement;
    expect(input.value).toBe("in Taipei");
    expect(document.querySelector("label[for='status']")?.textContent).toBe("Your status");
    input.value = "  在台北到週五 ";
    input.form!.requestSubmit();
    expect(cmd.setStatusText).toHaveBeenLastCalledWith("在台北到週五");
    [...document.querySelectorAll<HTMLButtonElement>(".status-form button")].find((b) => b.textContent === "Clear")!.click();
    expect(cmd.setStatusText).toHaveBeenLastCalledWith(null);
    expect(input.value).toBe("");
  });
});
