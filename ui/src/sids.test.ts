import { describe, expect, it } from "vitest";
import { asChannelSid } from "./sids";

describe("asChannelSid", () => {
  it("takes only text with the shape of a channel SID", () => {
    const sid = "CH" + "0123456789abcdef".repeat(2);
    expect(asChannelSid(sid)).toBe(sid);
    expect(asChannelSid("CH" + "0123456789ABCDEF".repeat(2))).toBe("CH" + "0123456789ABCDEF".repeat(2));
    expect(asChannelSid(null)).toBeNull();
    expect(asChannelSid(undefined)).toBeNull();
    expect(asChannelSid("")).toBeNull();
    expect(asChannelSid("CH1")).toBeNull();
    expect(asChannelSid("IM" + "0".repeat(32))).toBeNull();
    expect(asChannelSid("CH" + "z".repeat(32))).toBeNull();
    expect(asChannelSid(sid + "0")).toBeNull();
  });
});
