// Direct conversations on the page's own markup, with the shell's commands
// answered by hand: the sidebar's "Direct messages" list, the dialog that
// starts one, and the members panel's Message button.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ChannelSid, ChannelSummary, MemberView } from "./types";

const page = Object.values(import.meta.glob("../index.html", { query: "?raw", import: "default", eager: true }) as Record<string, string>)[0];
const shell = vi.hoisted(() => ({
  members: {} as Record<string, unknown[]>,
  open: { sid: "CHD" as string, error: null as unknown },
}));

vi.mock("./bindings/commands", () => ({
  members: vi.fn(async (channel: string) => shell.members[channel] ?? []),
  permissions: vi.fn(async () => []),
  openDirect: vi.fn(async () => {
    if (shell.open.error) throw shell.open.error;
    return shell.open.sid;
  }),
}));

import * as cmd from "./bindings/commands";
import { directTitle, installDirectDialog, parsePeople } from "./directs";
import { useLanguage } from "./i18n";
import { Panel } from "./panel";
import { drawSidebar } from "./sidebar";
import { memberView, threadHost } from "./fixtures";

const settle = () => new Promise<void>((r) => setTimeout(r, 0));
const channel = (over: Partial<ChannelSummary>): ChannelSummary => ({
  sid: "CH1" as ChannelSid, unique_name: "general", friendly_name: null, kind: "public", status: "joined", unread: 0, mentions: 0,
  notify: "all", last_consumed_index: null, members_count: 2, attributes: "{}", direct: [], last_message: null, ...over,
}) as ChannelSummary;
const member = (identity: string, over: Partial<MemberView> = {}): MemberView => memberView(identity, over);
const opened: string[] = [];
const host = { open: (sid: ChannelSid) => void opened.push(sid), accept: () => {}, decline: () => {} };

beforeEach(() => {
  vi.clearAllMocks();
  opened.length = 0;
  shell.members = {};
  shell.open = { sid: "CHD", error: null };
  document.body.innerHTML = page.replace(/^[\s\S]*<body>|<\/body>[\s\S]*$/g, "").replace(/<script[^>]*><\/script>/, "");
  const d = document.getElementById("direct-dialog") as HTMLDialogElement;
  d.showModal = () => d.setAttribute("open", "");
  d.close = () => d.removeAttribute("open");
});
afterEach(() => useLanguage("en"));

describe("the sidebar's direct messages", () => {
  const list = () => [
    channel({ sid: "CH1" as ChannelSid }),
    channel({ sid: "CHB" as ChannelSid, kind: "private", unique_name: "dm:alice,bob", friendly_name: "bob", direct: ["bob"], unread: 3 }),
    channel({ sid: "CHG" as ChannelSid, kind: "private", unique_name: "dm:alice,carol,dave", direct: ["carol", "dave"], mentions: 1, unread: 1 }),
  ];

  it("lists direct conversations apart from channels, titled by the other people, with badges", async () => {
    drawSidebar(list(), "CHB" as ChannelSid, host);
    const channels = [...document.querySelectorAll<HTMLElement>("#channels .channel")].map((r) => r.dataset.sid);
    expect(channels).toEqual(["CH1"]);
    const rows = [...document.querySelectorAll<HTMLElement>("#directs .channel")];
    expect(rows.map((r) => r.dataset.sid)).toEqual(["CHB", "CHG"]);
    expect(rows.map((r) => r.querySelector(".name")!.textContent)).toEqual(["bob", "carol and dave"]);
    expect(rows[0].classList.contains("active")).toBe(true);
    expect(rows[0].querySelector(".badge")!.textContent).toBe("3");
    expect(rows[1].querySelector(".mention-badge")!.textContent).toBe("@1");
    rows[1].click();
    expect(opened).toEqual(["CHG"]);
    // The heading is the catalog's.
    expect(document.querySelector("[data-i18n='directs-title']")!.textContent).toBe("Direct messages");
  });

  it("reads each conversation's members once, for names and the 1:1 presence dot", async () => {
    shell.members = {
      CHB: [member("alice"), member("bob", { friendly_name: "Bob B.", online: true })],
      CHG: [member("alice"), member("carol", { friendly_name: "Carol", online: false }), member("dave")],
    };
    drawSidebar(list(), null, host);
    await settle();
    expect(cmd.members).toHaveBeenCalledTimes(2);
    expect(vi.mocked(cmd.members).mock.calls.map((c) => c[0]).sort()).toEqual(["CHB", "CHG"]);
    const rows = [...document.querySelectorAll<HTMLElement>("#directs .channel")];
    expect(rows.map((r) => r.querySelector(".name")!.textContent)).toEqual(["Bob B.", "Carol and dave"]);
    expect(rows[0].querySelector(".presence")!.className).toBe("presence online");
    // A group conversation has no single presence.
    expect(rows[1].querySelector(".presence")).toBeNull();
  });

  it("lists people as the language does", () => {
    useLanguage("zh-TW");
    expect(directTitle(["erin", "frank"])).toBe("erin和frank");
    expect(document.querySelector("#directs")).not.toBeNull();
  });
});

describe("the new direct message dialog", () => {
  const start = async (text: string) => {
    (document.getElementById("new-direct") as HTMLButtonElement).click();
    (document.getElementById("direct-people") as HTMLInputElement).value = text;
    document.getElementById("direct-form")!.dispatchEvent(new Event("submit", { cancelable: true }));
    await settle();
  };

  it("reads identities separated by commas or spaces", () => {
    expect(parsePeople(" bob, carol  dave,,@erin bob")).toEqual(["bob", "carol", "dave", "erin"]);
    expect(parsePeople(" , ")).toEqual([]);
  });

  it("opens the conversation with the people typed", async () => {
    const open = vi.fn(async () => {});
    installDirectDialog(open);
    const button = document.getElementById("new-direct")!;
    expect(button.getAttribute("aria-label")).toBe("New direct message");
    await start("bob, carol");
    expect(cmd.openDirect).toHaveBeenCalledWith(["bob", "carol"]);
    expect(open).toHaveBeenCalledWith("CHD");
    expect(document.getElementById("direct-dialog")!.hasAttribute("open")).toBe(false);
  });

  it("says in the dialog what went wrong, and opens nothing", async () => {
    const open = vi.fn(async () => {});
    installDirectDialog(open);
    shell.open.error = { code: "api", message: "server error 50400: not a member", key: "error-api-50400", args: { code: 50400 } };
    await start("mallory");
    expect(document.getElementById("direct-error")!.textContent).toBe("You're not a member of this channel.");
    expect(open).not.toHaveBeenCalled();
    expect(document.getElementById("direct-dialog")!.hasAttribute("open")).toBe(true);
    await start("  ");
    expect(document.getElementById("direct-error")!.textContent).toBe("Name at least one person.");
    expect(cmd.openDirect).toHaveBeenCalledTimes(1);
  });
});

describe("the members panel's Message button", () => {
  it("opens the direct conversation with that member, and is not offered for the user", async () => {
    shell.members = { CH1: [member("alice"), member("bob")] };
    const open = vi.fn(async () => {});
    const panel = new Panel({
      threads: threadHost,
      me: () => "alice",
      current: () => "CH1" as ChannelSid,
      channels: () => [],
      act: async (p) => { await p; },
      changed: async () => {},
      left: async () => {},
      show: async () => {},
      open,
      jump: async () => {},
    });
    panel.toggle("members");
    await vi.waitFor(() => expect(document.querySelectorAll(".members li")).toHaveLength(2));
    const buttons = [...document.querySelectorAll<HTMLButtonElement>(".members [data-action='direct']")];
    expect(buttons).toHaveLength(1);
    expect(buttons[0].closest("li")!.textContent).toContain("bob");
    expect(buttons[0].textContent).toBe("Message");
    buttons[0].click();
    await settle();
    expect(cmd.openDirect).toHaveBeenCalledWith(["bob"]);
    expect(open).toHaveBeenCalledWith("CHD");
  });
});
