import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ChannelSid, MemberView, MessageSid, MessageView } from "./types";

// The shell's reads, answered by hand: each `messages` call waits until the
// test resolves it, so a slow read can be made to land after the user has
// opened another channel. The other reads answer at once with nothing.
const shell = vi.hoisted(() => {
  interface Deferred<T> {
    promise: Promise<T>;
    resolve: (value: T) => void;
  }
  function deferred<T>(): Deferred<T> {
    let resolve!: (value: T) => void;
    const promise = new Promise<T>((r) => (resolve = r));
    return { promise, resolve };
  }
  const reads: { channel: string; before: number | null; limit: number; answer: Deferred<unknown[]> }[] = [];
  return { deferred, reads };
});

vi.mock("./bindings/commands", () => ({
  messages: vi.fn((channel: string, before: number | null, limit: number) => {
    const answer = shell.deferred<unknown[]>();
    shell.reads.push({ channel, before, limit, answer });
    return answer.promise;
  }),
  messagesAfter: vi.fn(async () => []),
  members: vi.fn(async () => []),
  permissions: vi.fn(async () => []),
  hasPrevPage: vi.fn(async () => false),
  loadOlder: vi.fn(async () => 0),
  openLink: vi.fn(async () => undefined),
  retry: vi.fn(async () => true),
  discard: vi.fn(async () => true),
  remove: vi.fn(async () => 0),
  edit: vi.fn(async () => 0),
  markUnreadFrom: vi.fn(async () => undefined),
  cancelSend: vi.fn(async () => true),
  cancelDownload: vi.fn(async () => true),
  fetchMedia: vi.fn(async () => undefined),
  saveMedia: vi.fn(async () => true),
}));

import * as cmd from "./bindings/commands";
import { Timeline, type TimelineHost } from "./timeline";
import { memberView, messageView } from "./fixtures";

// jsdom has no IntersectionObserver; the timeline only needs it to exist.
class NoIntersections {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
  takeRecords(): IntersectionObserverEntry[] {
    return [];
  }
}
if (!("IntersectionObserver" in globalThis)) {
  (globalThis as { IntersectionObserver?: unknown }).IntersectionObserver = NoIntersections;
}
// Nor scrolling into view: open() scrolls to the unread divider.
if (!Element.prototype.scrollIntoView) Element.prototype.scrollIntoView = () => {};
if (!("requestAnimationFrame" in globalThis)) {
  (globalThis as { requestAnimationFrame?: unknown }).requestAnimationFrame = (cb: FrameRequestCallback) =>
    setTimeout(() => cb(0), 0);
}

function message(channel: ChannelSid, index: number, body: string): MessageView {
  return messageView({ sid: `IM${channel}${index}` as MessageSid, channel_sid: channel, index, body });
}

/** The one `messages` read of `channel` still waiting for its answer. */
function pendingRead(channel: ChannelSid) {
  const waiting = shell.reads.filter((r) => r.channel === channel);
  expect(waiting).toHaveLength(1);
  const read = waiting[0];
  shell.reads.splice(shell.reads.indexOf(read), 1);
  return read;
}

/** Lets every settled promise run its continuations. */
const settle = () => new Promise<void>((r) => setTimeout(r, 0));

let list: HTMLOListElement;
let latest: HTMLButtonElement;
let timeline: Timeline;

beforeEach(() => {
  shell.reads.length = 0;
  vi.clearAllMocks();
  list = document.createElement("ol");
  latest = document.createElement("button");
  document.body.append(list, latest);
  const host: TimelineHost = {
    me: () => "alice",
    error: () => {},
    transfer: () => undefined,
  };
  timeline = new Timeline(list, latest, host);
});

afterEach(() => {
  document.body.innerHTML = "";
});

/** Opens `channel` and answers its first page with one message `body`. */
async function openWith(channel: ChannelSid, body: string): Promise<void> {
  const opened = timeline.open(channel, null);
  pendingRead(channel).answer.resolve([message(channel, 0, body)]);
  await opened;
}

describe("Timeline channel switches", () => {
  it("drops a refresh of the previous channel that lands after another channel opened", async () => {
    await openWith("CHa", "from a");
    expect(list.textContent).toContain("from a");

    // The cache changed: CHa is read again, slowly.
    const refreshed = timeline.refresh();
    const stale = pendingRead("CHa");
    expect(stale.before).toBeNull();

    // Meanwhile the user opens CHb, whose page comes back first.
    await openWith("CHb", "from b");
    expect(list.textContent).toContain("from b");

    // Now CHa's old read lands.
    stale.answer.resolve([message("CHa", 0, "from a, late")]);
    await refreshed;
    await settle();

    expect(timeline.channel).toBe("CHb");
    expect(timeline.messages.map((m) => m.body)).toEqual(["from b"]);
    expect(list.textContent).toContain("from b");
    expect(list.textContent).not.toContain("from a, late");
  });

  it("drops the members of the previous channel when they arrive after another channel opened", async () => {
    await openWith("CHa", "from a");

    // CHa's members are read again, slowly; they have read everything.
    const answer = shell.deferred<MemberView[]>();
    vi.mocked(cmd.members).mockImplementationOnce(() => answer.promise);
    const loaded = timeline.loadMembers();
    expect(cmd.members).toHaveBeenLastCalledWith("CHa");

    await openWith("CHb", "from b");

    answer.resolve([memberView("carol", { friendly_name: "Carol", last_consumed_index: 5, online: true })]);
    await loaded;
    await settle();

    // Whatever draws CHb next must not show CHa's readers on it.
    timeline.render();
    expect(list.textContent).toContain("from b");
    expect(list.textContent).not.toContain("Seen by Carol");
  });

  it("keeps the channel opened last when an earlier open's page lands after it", async () => {
    const first = timeline.open("CHa", null);
    const slow = pendingRead("CHa");

    await openWith("CHb", "from b");

    slow.answer.resolve([message("CHa", 0, "from a, late")]);
    await first;
    await settle();

    expect(timeline.channel).toBe("CHb");
    expect(timeline.messages.map((m) => m.body)).toEqual(["from b"]);
    expect(list.textContent).toContain("from b");
    expect(list.textContent).not.toContain("from a, late");
  });
});

describe("Timeline message bodies", () => {
  it("draws a body's Markdown and opens its links through the shell", async () => {
    await openWith("CHa", "**plan**: see https://example.com/docs and <b>this</b>");
    const body = list.querySelector(".message .body")!;
    expect(body.querySelector("strong")?.textContent).toBe("plan");
    expect(body.querySelector("b")).toBeNull();
    expect(body.textContent).toBe("plan: see https://example.com/docs and <b>this</b>");
    const a = body.querySelector<HTMLAnchorElement>("a[href='https://example.com/docs']")!;
    const click = new MouseEvent("click", { bubbles: true, cancelable: true });
    a.dispatchEvent(click);
    expect(click.defaultPrevented).toBe(true);
    expect(cmd.openLink).toHaveBeenCalledWith("https://example.com/docs");
  });

  it("says an edited message is edited after its text, in its last paragraph", async () => {
    const opened = timeline.open("CHa", null);
    pendingRead("CHa").answer.resolve([
      { ...message("CHa", 0, "first\n\nsecond plan"), was_edited: true },
      { ...message("CHa", 1, "```\ncode\n```"), was_edited: true },
    ]);
    await opened;
    const [prose, code] = list.querySelectorAll(".message .body");
    expect(prose.lastElementChild?.textContent).toBe("second plan (edited)");
    expect(code.lastElementChild?.className).toBe("edited");
  });

  it("formats in the edit box with the shortcuts", async () => {
    await openWith("CHa", "make this bold");
    timeline.startEdit("IMCHa0" as MessageSid);
    const box = list.querySelector<HTMLTextAreaElement>(".edit-box")!;
    box.setSelectionRange(5, 9);
    box.dispatchEvent(new KeyboardEvent("keydown", { key: "b", ctrlKey: true, bubbles: true, cancelable: true }));
    expect(box.value).toBe("make **this** bold");
    box.dispatchEvent(new KeyboardEvent("keydown", { key: "b", ctrlKey: true, isComposing: true, bubbles: true, cancelable: true }));
    expect(box.value).toBe("make **this** bold");
  });
});
