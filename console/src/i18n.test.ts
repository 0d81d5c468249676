import { beforeEach, describe, expect, it } from "vitest";
import { DICTIONARIES, formatBytes, formatDay, formatDuration, formatNumber, language, languageFor, languageSwitch, resetLanguage, setLanguage, t, type Key } from "./i18n";

beforeEach(() => {
  localStorage.clear();
  setLanguage("en");
  localStorage.clear();
});

describe("the default language", () => {
  it("is Traditional Chinese for any zh-Hant, zh-TW or zh-HK preference", () => {
    for (const tag of ["zh-TW", "zh-Hant", "zh-Hant-TW", "zh-HK", "zh-hk", "zh-Hant-HK", "zh-MO"]) {
      expect(languageFor([tag]), tag).toBe("zh-TW");
    }
  });

  it("is English otherwise, and follows the first preference that decides", () => {
    expect(languageFor(["en-US", "zh-TW"])).toBe("en");
    expect(languageFor(["fr-FR", "zh-TW"])).toBe("zh-TW");
    expect(languageFor(["zh-CN"])).toBe("en");
    expect(languageFor([])).toBe("en");
  });

  it("gives way to a choice kept in localStorage", () => {
    setLanguage("zh-TW");
    resetLanguage(["en-US"]);
    expect(language()).toBe("zh-TW");
    localStorage.clear();
    resetLanguage(["en-US"]);
    expect(language()).toBe("en");
  });
});

describe("the dictionaries", () => {
  it("have every English key in zh-TW, with a text of its own", () => {
    const en = Object.keys(DICTIONARIES.en) as Key[];
    const zh = DICTIONARIES["zh-TW"];
    const missing = en.filter((k) => typeof zh[k] !== "string" || zh[k].trim() === "");
    expect(missing, "keys zh-TW lacks").toEqual([]);
    expect(Object.keys(zh).sort()).toEqual([...en].sort());
  });

  it("keep every {placeholder} of a string in its translation", () => {
    const ph = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
    for (const k of Object.keys(DICTIONARIES.en) as Key[]) {
      expect(ph(DICTIONARIES["zh-TW"][k]), k).toEqual(ph(DICTIONARIES.en[k]));
    }
  });

  it("name the ten sections in both languages", () => {
    expect(t("nav.audit")).toBe("Audit log");
    setLanguage("zh-TW");
    expect(["nav.dashboard", "nav.usage", "nav.users", "nav.health"].map((k) => t(k as Key))).toEqual(["儀表板", "用量", "使用者", "健康狀態"]);
  });
});

describe("t()", () => {
  it("fills placeholders", () => {
    expect(t("users.selected", { n: 3 })).toBe("3 selected");
    expect(t("common.page", { n: 2 })).toBe("Page 2");
  });

  it("sets the document's language", () => {
    setLanguage("zh-TW");
    expect(document.documentElement.lang).toBe("zh-TW");
  });
});

describe("formatting", () => {
  it("uses Intl for numbers in the chosen language", () => {
    expect(formatNumber(1234567)).toBe("1,234,567");
  });

  it("shows a usage day as a date in the chosen language, in UTC", () => {
    expect(formatDay("2026-03-01")).toBe("Mar 1, 2026");
    setLanguage("zh-TW");
    expect(formatDay("2026-03-01")).toBe("2026年3月1日");
    expect(formatDay("nonsense")).toBe("nonsense");
  });

  it("shows bytes in binary units", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(1536)).toBe("1.5 KiB");
    expect(formatBytes(5 * 1024 * 1024)).toBe("5 MiB");
  });

  it("shows durations as days, hours and minutes", () => {
    expect(formatDuration(90061)).toMatch(/1.*day.*1.*hr.*1.*min/);
    expect(formatDuration(5)).toMatch(/5.*sec/);
  });
});

describe("the language switch", () => {
  it("is a labelled select that changes the language", () => {
    const el = languageSwitch();
    document.body.append(el);
    const sel = el.querySelector("select")!;
    expect(el.querySelector(`label[for="${sel.id}"]`)?.textContent).toBe("Language");
    sel.value = "zh-TW";
    sel.dispatchEvent(new Event("change"));
    expect(language()).toBe("zh-TW");
    expect(localStorage.getItem("parley.console.lang")).toBe("zh-TW");
    el.remove();
  });
});
