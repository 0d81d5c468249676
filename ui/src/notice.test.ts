import { afterEach, describe, expect, it } from "vitest";
import { useLanguage } from "./i18n";
import { notKeptText } from "./notice";

afterEach(() => useLanguage("en"));

describe("the notice for a session that cannot be kept", () => {
  it("says why and what happens next", () => {
    const t = notKeptText("Secret Service: no result found");
    expect(t).toContain("can't keep you signed in");
    expect(t).toContain("Secret Service: no result found");
    expect(t).toContain("ask for your password");
  });

  it("says it in the language being spoken, the store's answer as it came", () => {
    useLanguage("zh-TW");
    const t = notKeptText("Secret Service: no result found");
    expect(t).toContain("無法在這台電腦上保持你的登入狀態");
    expect(t).toContain("Secret Service: no result found");
  });
});
