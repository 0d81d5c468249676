// The picture viewer, driven from a real timeline: a kept picture in a row
// opens it, the walk goes through the kept pictures of the loaded messages
// in order and stops at the ends, the zoom follows the keys, the wheel and a
// double-click, a drag pans, Save… saves the picture shown, every way of
// closing gives the focus back to the picture that opened it (or its twin),
// no key leaks out of it, and its words are the catalog's.
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { ChannelSid, MediaSid, MediaView, MessageSid, MessageView } from "./types";

// The shell's reads answer from `shell.page`, which a test may change and
// then have the timeline read again. A fetch never ends, so no row is drawn
// again unasked.
const shell = vi.hoisted(() => ({ page: [] as unknown[] }));

vi.mock("./bindings/commands", () => ({
  messages: vi.fn(async () => shell.page),
  messagesAfter: vi.fn(async () => []),
  members: vi.fn(async () => []),
  permissions: vi.fn(async () => []),
  hasPrevPage: vi.fn(async () => false),
  loadOlder: vi.fn(async () => 0),
  openLink: vi.fn(async () => undefined),
  retry: vi.fn(async () => true),
  discard: vi.fn(async () => true),
  cancelSend: vi.fn(async () => true),
  cancelDownload: vi.fn(async () => true),
  fetchMedia: vi.fn(() => new Promise(() => {})),
  saveMedia: vi.fn(async () => true),
}));

import * as cmd from "./bindings/commands";
import { useLanguage } from "./i18n";
import { clampPan, fitScale, keptPictures, MAX_ZOOM, stepZoom } from "./lightbox";
import { Timeline } from "./timeline";
import { messageView } from "./fixtures";

const CHANNEL = "CH1" as ChannelSid;

// jsdom has no modal dialogs, IntersectionObserver, scrolling into view or
// animation frames: enough of each for the timeline and the viewer.
beforeAll(() => {
  const proto = HTMLDialogElement.prototype as HTMLDialogElement & { showModal(): void; close(): void };
  proto.showModal = function (this: HTMLDialogElement) {
    this.setAttribute("open", "");
  };
  proto.close = function (this: HTMLDialogElement) {
    if (!this.hasAttribute("open")) return;
    this.removeAttribute("open");
    this.dispatchEvent(new Event("close"));
  };
  if (!("IntersectionObserver" in globalThis)) {
    (globalThis as { IntersectionObserver?: unknown }).IntersectionObserver = class {
      observe(): void {}
      unobserve(): void {}
      disconnect(): void {}
    };
  }
  if (!Element.prototype.scrollIntoView) Element.prototype.scrollIntoView = () => {};
  if (!("requestAnimationFrame" in globalThis)) {
    (globalThis as { requestAnimationFrame?: unknown }).requestAnimationFrame = (cb: FrameRequestCallback) => setTimeout(() => cb(0), 0);
  }
});

function message(index: number, media: Partial<MediaView> | null, extra: Partial<MessageView> = {}): MessageView {
  return messageView({
    sid: `IM${index}` as MessageSid,
    channel_sid: CHANNEL,
    index,
    author: index % 2 ? "alice" : "bob",
    body: "",
    date_created: `2024-05-01T12:0${index}:00.000Z`,
    media: media && { sid: `ME${index}` as MediaSid, size: 1000, content_type: "image/png", filename: `p${index}.png`, cached: true, ...media },
    ...extra,
  });
}

/** The channel's loaded messages: kept pictures at 2, 5 and 8; around them
 *  files of every other sort, which the viewer must pass over. */
function page(): MessageView[] {
  return [
    message(1, null, { body: "hello" }),
    message(2, { filename: "a.png" }),
    message(3, { filename: "b.jpg", content_type: "image/jpeg", cached: false, size: 30 * 1024 * 1024 }),
    message(4, { filename: "clip.mp4", content_type: "video/mp4" }),
    message(5, { filename: "c.png" }),
    message(6, { filename: "gone.png" }, { deleted: true }),
    message(7, { filename: "doc.pdf", content_type: "application/pdf" }),
    message(8, { filename: "d.gif", content_type: "image/gif" }),
    message(9, { sid: null, filename: "sending.png", cached: false }, { sid: null, index: null, state: "pending", outbox_id: 1 }),
  ];
}

let timeline: Timeline;
let errors: string[];

beforeEach(async () => {
  vi.clearAllMocks();
  document.body.innerHTML = `<ol id="messages"></ol><button id="latest"></button><textarea id="composer"></textarea>`;
  shell.page = page();
  errors = [];
  timeline = new Timeline(document.getElementById("messages") as HTMLOListElement, document.getElementById("latest") as HTMLButtonElement, {
    me: () => "me",
    error: (text) => errors.push(text),
    transfer: () => undefined,
  });
  await timeline.open(CHANNEL, null);
});

afterEach(() => {
  useLanguage("en");
  document.body.innerHTML = "";
});

const opener = (index: number) => document.querySelector<HTMLButtonElement>(`li[data-index="${index}"] button.picture`);
const viewer = () => document.getElementById("lightbox") as HTMLDialogElement;
const inViewer = <T extends HTMLElement>(selector: string) => viewer().querySelector<T>(selector) as T;
const shown = () => inViewer<HTMLImageElement>(".lightbox-picture").getAttribute("src");
const counter = () => inViewer(".lightbox-counter").textContent;
const level = () => inViewer(".lightbox-level").textContent;
const button = (name: string) => [...viewer().querySelectorAll("button")].find((b) => (b.getAttribute("aria-label") ?? b.textContent) === name) as HTMLButtonElement;

/** Presses `key` where the focus is (the viewer's buttons, once open). */
function press(key: string, init: KeyboardEventInit = {}): KeyboardEvent {
  const ev = new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true, ...init });
  (document.activeElement ?? document.body).dispatchEvent(ev);
  return ev;
}

/** Opens the viewer on the picture of message `index`, as a click on it does. */
function openAt(index: number): HTMLButtonElement {
  const b = opener(index)!;
  b.focus();
  b.click();
  return b;
}

/** Gives the shown picture a natural size and the stage a size, then "loads" it. */
function sizes(picture: [number, number], stage: [number, number]): void {
  const img = inViewer<HTMLImageElement>(".lightbox-picture");
  Object.defineProperty(img, "naturalWidth", { configurable: true, value: picture[0] });
  Object.defineProperty(img, "naturalHeight", { configurable: true, value: picture[1] });
  const room = inViewer(".lightbox-stage");
  Object.defineProperty(room, "clientWidth", { configurable: true, value: stage[0] });
  Object.defineProperty(room, "clientHeight", { configurable: true, value: stage[1] });
  img.dispatchEvent(new Event("load"));
}

function pointer(type: string, x: number, y: number): MouseEvent {
  const ev = new MouseEvent(type, { bubbles: true, cancelable: true, clientX: x, clientY: y, button: 0 });
  Object.defineProperty(ev, "pointerId", { value: 1 });
  return ev;
}

describe("a picture in the timeline", () => {
  it("is a button named after its file, only where its file is kept", () => {
    const b = opener(2)!;
    expect(b.tagName, "a native button: Enter and Space press it").toBe("BUTTON");
    expect(b.type).toBe("button");
    expect(b.getAttribute("aria-label")).toBe("Open picture a.png");
    expect(b.querySelector("img")?.getAttribute("alt")).toBe("a.png");
    expect(opener(3), "not kept yet: a file card with Download, no picture").toBeNull();
    expect(opener(9), "still being sent").toBeNull();
  });

  it("opens the viewer on a click, with its caption and its place among the pictures", () => {
    openAt(2);
    expect(viewer().open).toBe(true);
    expect(viewer().getAttribute("aria-label")).toBe("Picture viewer");
    expect(shown()).toBe("parley-media://localhost/ME2");
    expect(inViewer(".lightbox-name").textContent).toBe("a.png");
    expect(inViewer(".lightbox-meta").textContent).toMatch(/^bob · Wednesday, May 1, 2024 at \d/);
    expect(counter()).toBe("1 / 3");
    expect(viewer().contains(document.activeElement), "the focus moves into the viewer").toBe(true);
  });
});

describe("the walk through the pictures", () => {
  it("goes through the kept pictures in timeline order and stops at the ends", () => {
    openAt(2);
    const previous = button("Previous picture");
    const next = button("Next picture");
    expect(previous.getAttribute("aria-disabled")).toBe("true");
    press("ArrowLeft");
    expect(shown(), "nothing before the first").toBe("parley-media://localhost/ME2");
    press("ArrowRight");
    expect([shown(), counter()]).toEqual(["parley-media://localhost/ME5", "2 / 3"]);
    next.click();
    expect([shown(), counter()]).toEqual(["parley-media://localhost/ME8", "3 / 3"]);
    expect(inViewer(".lightbox-name").textContent).toBe("d.gif");
    expect(next.getAttribute("aria-disabled")).toBe("true");
    next.click();
    press("ArrowRight");
    expect(shown(), "nothing after the last").toBe("parley-media://localhost/ME8");
    previous.click();
    expect(shown()).toBe("parley-media://localhost/ME5");
    press("Home");
    expect(shown()).toBe("parley-media://localhost/ME2");
    press("End");
    expect(shown()).toBe("parley-media://localhost/ME8");
  });

  it("passes over files not kept, videos, other files, deleted messages, sends in progress and other channels", () => {
    const other = message(10, { filename: "elsewhere.png" }, { channel_sid: "CH2" as ChannelSid });
    expect(keptPictures([...page(), other], CHANNEL).map((m) => m.sid)).toEqual(["IM2", "IM5", "IM8"]);
  });

  it("takes in a picture fetched while it is open", async () => {
    openAt(2);
    shell.page = page().map((m) => (m.index === 3 && m.media ? { ...m, media: { ...m.media, cached: true } } : m));
    await timeline.refresh();
    press("ArrowRight");
    expect([shown(), counter()]).toEqual(["parley-media://localhost/ME3", "2 / 4"]);
  });

  it("shows no counter nor arrows for a channel's only picture", () => {
    shell.page = [page()[1]];
    return timeline.refresh().then(() => {
      openAt(2);
      expect(inViewer(".lightbox-counter").hidden).toBe(true);
      expect(button("Next picture").hidden).toBe(true);
      expect(button("Previous picture").hidden).toBe(true);
    });
  });
});

describe("the zoom", () => {
  it("fits by default and follows +, - and 0", () => {
    openAt(2);
    sizes([2000, 1000], [1000, 800]);
    const img = inViewer<HTMLImageElement>(".lightbox-picture");
    expect(level(), "fitted: half size").toBe("50%");
    expect(img.style.width).toBe("1000px");
    expect(button("Zoom out").getAttribute("aria-disabled"), "nothing smaller than the fit").toBe("true");
    press("-");
    expect(level()).toBe("50%");
    press("+");
    expect(level()).toBe("75%");
    press("+");
    expect(level()).toBe("100%");
    expect(img.style.width).toBe("2000px");
    expect(inViewer(".lightbox-stage").classList.contains("pannable"), "larger than the window: it pans").toBe(true);
    press("=");
    expect(level()).toBe("150%");
    press("-");
    expect(level()).toBe("100%");
    press("0");
    expect(level()).toBe("50%");
    expect(inViewer(".lightbox-stage").classList.contains("pannable")).toBe(false);
    const zoomKey = press("+", { ctrlKey: true });
    expect(level(), "Ctrl + zooms the picture…").toBe("75%");
    expect(zoomKey.defaultPrevented, "…not the whole window").toBe(true);
  });

  it("has buttons for zooming in and out and back to the fit", () => {
    openAt(2);
    sizes([2000, 1000], [1000, 800]);
    button("Zoom in").click();
    expect(level()).toBe("75%");
    button("Zoom out").click();
    expect(level()).toBe("50%");
    button("Zoom in").click();
    button("Fit").click();
    expect(level()).toBe("50%");
  });

  it("toggles between the fit and 100 % on a double-click, and zooms with the wheel", () => {
    openAt(2);
    sizes([2000, 1000], [1000, 800]);
    const img = inViewer<HTMLImageElement>(".lightbox-picture");
    img.dispatchEvent(new MouseEvent("dblclick", { bubbles: true, clientX: 0, clientY: 0 }));
    expect(level()).toBe("100%");
    img.dispatchEvent(new MouseEvent("dblclick", { bubbles: true }));
    expect(level()).toBe("50%");
    const wheel = new WheelEvent("wheel", { deltaY: -200, ctrlKey: true, bubbles: true, cancelable: true });
    inViewer(".lightbox-stage").dispatchEvent(wheel);
    expect(Number.parseInt(level() ?? "", 10)).toBeGreaterThan(50);
    expect(wheel.defaultPrevented, "the window itself neither scrolls nor zooms").toBe(true);
    inViewer(".lightbox-stage").dispatchEvent(new WheelEvent("wheel", { deltaY: 5000, bubbles: true, cancelable: true }));
    expect(level(), "the wheel out stops at the fit").toBe("50%");
  });

  it("pans a zoomed picture with a drag, never past its edges, and the drag closes nothing", () => {
    openAt(2);
    sizes([2000, 1000], [1000, 800]);
    press("+");
    press("+");
    const stage = inViewer(".lightbox-stage");
    const img = inViewer<HTMLImageElement>(".lightbox-picture");
    expect([img.style.left, img.style.top]).toEqual(["-500px", "-100px"]);
    stage.dispatchEvent(pointer("pointerdown", 100, 100));
    stage.dispatchEvent(pointer("pointermove", 400, 600));
    stage.dispatchEvent(pointer("pointerup", 400, 600));
    expect([img.style.left, img.style.top], "300 px right; down only as far as the top edge").toEqual(["-200px", "0px"]);
    stage.click();
    expect(viewer().open, "the click that ends a drag is not a click beside the picture").toBe(true);
  });

  it("steps through ZOOM_STEPS between the fit and MAX_ZOOM", () => {
    expect(fitScale(2000, 1000, 1000, 800)).toBe(0.5);
    expect(fitScale(200, 100, 1000, 800), "a small picture keeps its size").toBe(1);
    expect(fitScale(0, 0, 1000, 800), "not loaded yet").toBe(1);
    expect(stepZoom(0.4, 1, 0.4)).toBe(0.5);
    expect(stepZoom(0.5, -1, 0.4)).toBe(0.4);
    expect(stepZoom(0.4, -1, 0.4)).toBe(0.4);
    expect(stepZoom(1.2, 1, 0.4)).toBe(1.5);
    expect(stepZoom(MAX_ZOOM, 1, 0.4)).toBe(MAX_ZOOM);
    expect(clampPan(900, 2000, 1000)).toBe(500);
    expect(clampPan(-900, 2000, 1000)).toBe(-500);
    expect(clampPan(50, 800, 1000), "a picture that fits stays centred").toBe(0);
  });
});

describe("Save…", () => {
  it("saves the picture shown, through saveMedia", () => {
    openAt(2);
    press("ArrowRight");
    button("Save…").click();
    expect(cmd.saveMedia).toHaveBeenCalledWith(CHANNEL, "ME5", "c.png");
  });

  it("says why a save failed, in the viewer and through the window's error", async () => {
    vi.mocked(cmd.saveMedia).mockRejectedValueOnce({ code: "io", message: "disk full" });
    openAt(2);
    button("Save…").click();
    await new Promise((r) => setTimeout(r, 0));
    expect(errors).toEqual(["Disk full"]);
    expect(inViewer(".lightbox-error").textContent).toBe("Disk full");
    press("ArrowRight");
    expect(inViewer(".lightbox-error").textContent, "the next picture starts without it").toBe("");
  });
});

describe("closing", () => {
  it("on Esc, gives the focus back to the picture that opened it", () => {
    const from = openAt(5);
    press("ArrowRight");
    press("Escape");
    expect(viewer().open).toBe(false);
    expect(document.activeElement).toBe(from);
    expect(inViewer(".lightbox-stage").children, "the picture is let go").toHaveLength(0);
  });

  it("on the Close button and on a click beside the picture", () => {
    const from = openAt(2);
    button("Close").click();
    expect(viewer().open).toBe(false);
    expect(document.activeElement).toBe(from);
    openAt(2);
    inViewer(".lightbox-stage").click();
    expect(viewer().open).toBe(false);
    openAt(2);
    inViewer<HTMLImageElement>(".lightbox-picture").click();
    expect(viewer().open, "a click on the picture itself is no click beside it").toBe(true);
    viewer().click();
    expect(viewer().open).toBe(false);
  });

  it("on the dialog's own cancel (Esc in the browser)", () => {
    const from = openAt(2);
    const cancel = new Event("cancel", { cancelable: true });
    viewer().dispatchEvent(cancel);
    expect(cancel.defaultPrevented).toBe(true);
    expect(viewer().open).toBe(false);
    expect(document.activeElement).toBe(from);
  });

  it("gives the focus to the picture's twin when its row was drawn again meanwhile", async () => {
    const from = openAt(5);
    shell.page = page().map((m) => (m.index === 5 ? { ...m, pinned: true } : m));
    await timeline.refresh();
    expect(from.isConnected, "the row was drawn anew").toBe(false);
    press("Escape");
    expect(document.activeElement).toBe(opener(5));
  });
});

describe("keys in the viewer", () => {
  it("stay in it: none reaches the window's shortcuts or the composer", () => {
    const window = vi.fn();
    document.addEventListener("keydown", window);
    try {
      openAt(2);
      for (const key of ["ArrowRight", "+", "a", "Enter"]) press(key);
      press("k", { ctrlKey: true });
      press("Escape");
      expect(viewer().open).toBe(false);
      expect(window).not.toHaveBeenCalled();
      expect((document.getElementById("composer") as HTMLTextAreaElement).value).toBe("");
    } finally {
      document.removeEventListener("keydown", window);
    }
  });
});

describe("the viewer's words", () => {
  it("are the catalog's, in the language spoken", async () => {
    useLanguage("zh-TW");
    await timeline.open(CHANNEL, null);
    expect(opener(2)!.getAttribute("aria-label")).toBe("開啟圖片 a.png");
    openAt(2);
    expect(viewer().getAttribute("aria-label")).toBe("圖片檢視器");
    const next = button("下一張圖片");
    expect(next.title).toBe("下一張圖片（→）");
    expect(button("放大").title).toBe("放大（+）");
    expect(button("另存新檔…")).toBeDefined();
    expect(button("關閉").title).toBe("關閉（Esc）");
    expect(inViewer(".lightbox-meta").textContent).toMatch(/^bob · /);
    expect(counter()).toBe("1 / 3");
  });

  it("name no message the catalogs lack (no id shows as itself)", () => {
    openAt(2);
    const words = [...viewer().querySelectorAll("*")].flatMap((el) => [el.textContent ?? "", el.getAttribute("aria-label") ?? "", el.getAttribute("title") ?? ""]);
    expect(words.filter((w) => /lightbox-|file-/.test(w))).toEqual([]);
  });
});
