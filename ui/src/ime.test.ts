import { beforeAll, describe, expect, it, vi } from "vitest";
import { CONFIRM_WINDOW_MS, composingKey, installCompositionTracking, isComposing, unlessComposing } from "./ime";

/** Dispatches `ev` on `target` at `at` ms (its timeStamp); returns it. */
function fire<E extends Event>(target: EventTarget, ev: E, at: number): E {
  Object.defineProperty(ev, "timeStamp", { value: at });
  target.dispatchEvent(ev);
  return ev;
}

const key = (type: "keydown" | "keyup", init: KeyboardEventInit = {}) =>
  new KeyboardEvent(type, { key: "Enter", bubbles: true, cancelable: true, ...init });
const comp = (type: "compositionstart" | "compositionend", data = "") =>
  new CompositionEvent(type, { bubbles: true, data });

/** A textarea in the page whose keydowns run a guarded command. */
function field() {
  const el = document.createElement("textarea");
  document.body.append(el);
  const command = vi.fn();
  el.addEventListener("keydown", unlessComposing(() => command()));
  return { el, command };
}

/** A composition on `el` that types "ni" and ends at `at`. */
function compose(el: HTMLTextAreaElement, at: number) {
  fire(el, comp("compositionstart"), at - 300);
  (el as HTMLTextAreaElement).value = "ni";
  fire(el, new InputEvent("input", { bubbles: true, isComposing: true, data: "ni" }), at - 200);
  fire(el, comp("compositionend", "ni"), at);
}

beforeAll(() => installCompositionTracking(document));

describe("the rule on plain values", () => {
  it("is composing when the browser says so or the IME took the key", () => {
    expect(composingKey({ isComposing: true, keyCode: 13 }, 0, undefined)).toBe(true);
    expect(composingKey({ isComposing: false, keyCode: 229 }, 0, undefined)).toBe(true);
    expect(composingKey({ isComposing: false, keyCode: 0, key: "Process" }, 0, undefined)).toBe(true);
    expect(composingKey({ isComposing: false, keyCode: 13 }, 0, undefined)).toBe(false);
  });

  it("counts a key right after compositionend (even stamped before it), not one later", () => {
    const enter = { isComposing: false, keyCode: 13 };
    expect(composingKey(enter, 1000, 1000)).toBe(true);
    expect(composingKey(enter, 1000 + CONFIRM_WINDOW_MS, 1000)).toBe(true);
    expect(composingKey(enter, 995, 1000)).toBe(true);
    expect(composingKey(enter, 1001 + CONFIRM_WINDOW_MS, 1000)).toBe(false);
  });
});

describe("keydowns in the page", () => {
  it("ignores a keydown with isComposing", () => {
    const { el, command } = field();
    const ev = fire(el, key("keydown", { isComposing: true }), 10);
    expect(isComposing(ev)).toBe(true);
    expect(command).not.toHaveBeenCalled();
    expect(ev.defaultPrevented).toBe(false);
  });

  it("ignores a keydown with keyCode 229", () => {
    const { el, command } = field();
    const ev = key("keydown", { keyCode: 229 });
    expect(ev.keyCode).toBe(229);
    fire(el, ev, 10);
    expect(isComposing(ev)).toBe(true);
    expect(command).not.toHaveBeenCalled();
  });

  it("ignores the Enter WebKit sends right after compositionend, on the same element", () => {
    const { el, command } = field();
    compose(el, 1000);
    const ev = fire(el, key("keydown", { keyCode: 13 }), 1002);
    expect(ev.isComposing).toBe(false);
    expect(isComposing(ev)).toBe(true);
    expect(command).not.toHaveBeenCalled();
  });

  it("acts on a later, separate Enter", () => {
    const { el, command } = field();
    compose(el, 1000);
    fire(el, key("keydown"), 1002);
    fire(el, key("keyup"), 1060);
    fire(el, key("keydown"), 1080);
    expect(command).toHaveBeenCalledTimes(1);

    // With no key after the composition (a candidate picked with the
    // mouse), an Enter well after it is a command too.
    compose(el, 5000);
    fire(el, key("keydown"), 5000 + CONFIRM_WINDOW_MS + 50);
    expect(command).toHaveBeenCalledTimes(2);
  });

  it("acts on the Enter that follows Chromium's keydown 229, compositionend, keyup", () => {
    const { el, command } = field();
    fire(el, comp("compositionstart"), 900);
    fire(el, key("keydown", { keyCode: 229, isComposing: true }), 1000);
    fire(el, comp("compositionend", "ni"), 1001);
    fire(el, key("keyup"), 1030);
    fire(el, key("keydown"), 1060);
    expect(command).toHaveBeenCalledTimes(1);
  });

  it("acts on an Enter on another element right after a composition ended", () => {
    const a = field();
    const b = field();
    compose(a.el, 1000);
    fire(b.el, key("keydown"), 1001);
    expect(b.command).toHaveBeenCalledTimes(1);
    // The composition's own element still ignores its confirming key.
    fire(a.el, key("keydown"), 1002);
    expect(a.command).not.toHaveBeenCalled();
  });

  it("guards every command key, not only Enter", () => {
    const { el, command } = field();
    for (const k of ["Enter", "Tab", "Escape", "ArrowUp", "ArrowDown"]) fire(el, key("keydown", { key: k, isComposing: true }), 10);
    expect(command).not.toHaveBeenCalled();
  });
});

describe("the browser's own commands", () => {
  it("stops a form's submit and a dialog's cancel while a composition key is down", () => {
    const form = document.createElement("form");
    const input = document.createElement("input");
    form.append(input);
    const dialog = document.createElement("dialog");
    document.body.append(form, dialog);
    const submitted = vi.fn((e: Event) => e.preventDefault());
    const cancelled = vi.fn();
    form.addEventListener("submit", submitted);
    dialog.addEventListener("cancel", cancelled);

    fire(input, key("keydown", { keyCode: 229 }), 10);
    const submit = new Event("submit", { bubbles: true, cancelable: true });
    form.dispatchEvent(submit);
    const cancel = new Event("cancel", { cancelable: true });
    dialog.dispatchEvent(cancel);
    expect(submitted).not.toHaveBeenCalled();
    expect(submit.defaultPrevented).toBe(true);
    expect(cancelled).not.toHaveBeenCalled();
    expect(cancel.defaultPrevented).toBe(true);

    // Once the key is up, an Enter submits and Esc cancels as usual.
    fire(input, key("keyup"), 60);
    fire(input, key("keydown"), 200);
    form.dispatchEvent(new Event("submit", { bubbles: true, cancelable: true }));
    dialog.dispatchEvent(new Event("cancel", { cancelable: true }));
    expect(submitted).toHaveBeenCalledTimes(1);
    expect(cancelled).toHaveBeenCalledTimes(1);
  });
});
