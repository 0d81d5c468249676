import { describe, expect, it } from "vitest";
import { notKeptText } from "./notice";

describe("the notice for a session that cannot be kept", () => {
  it("says why and what happens next", () => {
    const t = notKeptText("Secret Service: no result found");
    expect(t).toContain("can't keep you signed in");
    expect(t).toContain("Secret Service: no result found");
    expect(t).toContain("ask for your password");
  });
});
