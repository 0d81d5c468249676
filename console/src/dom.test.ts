import { describe, expect, it } from "vitest";
import { clearFieldErrors, field, h, input, paramNamedIn, pre, showFieldError, table } from "./dom";

describe("element builders", () => {
  it("set text as text, never as markup", () => {
    const evil = '<img src=x onerror="alert(1)">';
    const el = h("p", null, evil);
    expect(el.textContent).toBe(evil);
    expect(el.querySelector("img")).toBeNull();
    const cell = table("c", [{ header: "Body", cell: (m: { body: string }) => m.body }], [{ body: evil }]);
    expect(cell.querySelector("img")).toBeNull();
    expect(cell.querySelector("td")!.textContent).toBe(evil);
    expect(pre('{"a":"<b>x</b>"}').querySelector("b")).toBeNull();
  });

  it("refuse inline styles (the CSP would drop them)", () => {
    expect(() => h("div", { style: "color:red" })).toThrow(/CSP/);
  });

  it("attach listeners for on… attributes and leave false ones out", () => {
    let clicks = 0;
    const b = h("button", { onclick: () => clicks++, disabled: false, hidden: true });
    b.click();
    expect(clicks).toBe(1);
    expect(b.hasAttribute("disabled")).toBe(false);
    expect(b.hidden).toBe(true);
  });

  it("label every field", () => {
    const c = input();
    const f = field("Friendly name", c, { param: "FriendlyName", hint: "Shown to users" });
    const label = f.querySelector("label")!;
    expect(label.htmlFor).toBe(c.id);
    expect(label.textContent).toBe("Friendly name");
    expect(c.getAttribute("aria-describedby")).toBe(c.id + "-hint");
  });

  it("give tables a caption and column headers", () => {
    const tbl = table("Users", [{ header: "Identity", cell: (u: string) => u }], [], { empty: "None" });
    expect(tbl.caption?.textContent).toBe("Users");
    expect(tbl.querySelector("th")!.getAttribute("scope")).toBe("col");
    expect(tbl.querySelector("td")!.textContent).toBe("None");
  });
});

describe("which parameter an error names", () => {
  const params = ["FriendlyName", "TypingIndicatorTimeout", "Limits.ChannelMembers", "Limits.UserChannels", "RateLimits.ChannelActionsPerSecond", "Notifications.NewMessage.Template"];

  it("finds the exact name", () => {
    expect(paramNamedIn("TypingIndicatorTimeout must be between 1 and 3600 seconds", params)).toBe("TypingIndicatorTimeout");
    expect(paramNamedIn("Limits.ChannelMembers must be between 1 and 1000", params)).toBe("Limits.ChannelMembers");
  });

  it("prefers the longest match", () => {
    expect(paramNamedIn("RateLimits.ChannelActionsPerSecond must be between 0 (unlimited) and 1000", [...params, "ChannelActionsPerSecond"])).toBe("RateLimits.ChannelActionsPerSecond");
  });

  it("finds a name spelt with spaces", () => {
    expect(paramNamedIn("Friendly name too long: at most 256 characters", params)).toBe("FriendlyName");
  });

  it("answers null when none is named", () => {
    expect(paramNamedIn("Notification template too long", ["FriendlyName"])).toBeNull();
  });
});

describe("field errors", () => {
  it("appear next to the field with aria-invalid, and clear", () => {
    const c = input();
    const form = h("form", null, field("Timeout", c, { param: "TypingIndicatorTimeout" }));
    document.body.append(form);
    expect(showFieldError(form, "TypingIndicatorTimeout", "Too big.")).toBe(true);
    const slot = document.getElementById(c.id + "-err")!;
    expect(slot.textContent).toBe("Too big.");
    expect(slot.hidden).toBe(false);
    expect(c.getAttribute("aria-invalid")).toBe("true");
    expect(c.getAttribute("aria-describedby")).toContain(slot.id);
    expect(document.activeElement).toBe(c);
    clearFieldErrors(form);
    expect(slot.hidden).toBe(true);
    expect(c.hasAttribute("aria-invalid")).toBe(false);
    expect(showFieldError(form, "Other", "x")).toBe(false);
    form.remove();
  });
});
