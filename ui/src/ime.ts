// Owns one rule for the whole window: a key that belongs to an IME
// composition (Chinese, Japanese, Korean input) is never a command. The
// Enter, Tab, Escape or arrow that picks or cancels a candidate must not
// also send the message, save the edit, open the channel in the switcher,
// run the search, close a panel or a dialog, or submit a form. Every
// command-key handler of the app goes through `unlessComposing`; the
// tracking it relies on is installed once, at start, on the document.
//
// A keydown is part of a composition if any of these holds:
//  - `isComposing` is set: the browser says so (Chromium, Firefox);
//  - `keyCode` is 229 (`key` "Process"): the IME consumed the key. Safari
//    gives the confirming Enter this code, with `isComposing` false;
//  - it is the first key event on its element after a `compositionend` on
//    that element, and not more than CONFIRM_WINDOW_MS after it. WebKit
//    ends the composition *before* dispatching the keydown of the key that
//    confirmed it, so that keydown says `isComposing: false`, and nothing
//    promises it carries 229. A key on another element is not affected.
//
// Why the last rule is "first key event, within a window" and neither of
// the simpler designs: a flag cleared only on the next keyup stays set
// when a candidate was picked with the mouse (no key follows), and would
// swallow the user's next real Enter seconds later; a time window alone
// would swallow a quick second Enter that is meant to send (Chromium's
// order is keydown 229, compositionend, keyup) and makes tests wait. So
// the end of a composition is remembered per element (WeakMap of its
// event's timeStamp), forgotten at the first keydown or keyup there, and
// only counts if that key comes at most CONFIRM_WINDOW_MS later. The
// compositionend and the keydown come from the same native key event, a
// few ms apart at most; WebKit may even stamp the keydown with the native
// key's earlier time, so a negative difference counts too. Nothing waits
// on a clock: the decision uses the two events' own timeStamps.
//
// Not every command is a handler: a form's implicit submission on Enter
// and a modal dialog's close on Escape are the browser's own. While the
// latest keydown was a composition key (until its keyup, or a pointer
// press), `submit` and `cancel` are stopped before the app sees them.
// Nothing here calls preventDefault on a key event: in WebKit that would
// keep the key from the IME itself.

/** How long after `compositionend` on an element its first keydown still
 *  counts as the key that confirmed the composition. */
export const CONFIRM_WINDOW_MS = 100;

/** When a composition last ended on each element (event timeStamp). */
const ended = new WeakMap<EventTarget, number>();
/** Keydowns judged part of a composition by the tracking. */
const composed = new WeakSet<Event>();
const installed = new WeakSet<Document | HTMLElement>();
/** Whether the latest keydown was a composition key and not released yet. */
let keyInFlight = false;

/** The rule on plain values: a keydown at `at` with `isComposing` and
 *  `keyCode`, on an element where a composition ended at `endedAt` (or
 *  never, since its last key event). */
export function composingKey(
  key: { isComposing: boolean; keyCode: number; key?: string },
  at: number,
  endedAt: number | undefined,
): boolean {
  if (key.isComposing || key.keyCode === 229 || key.key === "Process") return true;
  return endedAt !== undefined && at - endedAt <= CONFIRM_WINDOW_MS;
}

/** Installs the capture-phase listeners on `root`, once. */
export function installCompositionTracking(root: Document | HTMLElement = document): void {
  if (installed.has(root)) return;
  installed.add(root);
  const on = <K extends keyof HTMLElementEventMap>(type: K, f: (e: HTMLElementEventMap[K]) => void) =>
    root.addEventListener(type, f as EventListener, true);
  on("compositionstart", (e) => { if (e.target) ended.delete(e.target); });
  on("compositionend", (e) => { if (e.target) ended.set(e.target, e.timeStamp); });
  on("keydown", (e) => {
    const endedAt = e.target ? ended.get(e.target) : undefined;
    if (e.target) ended.delete(e.target);
    keyInFlight = composingKey(e, e.timeStamp, endedAt);
    if (keyInFlight) composed.add(e);
  });
  on("keyup", (e) => {
    if (e.target) ended.delete(e.target);
    keyInFlight = false;
  });
  on("pointerdown", () => (keyInFlight = false));
  const stop = (e: Event) => {
    if (!keyInFlight) return;
    e.preventDefault();
    e.stopImmediatePropagation();
  };
  on("submit", stop);
  on("cancel", stop);
}

/** Whether the keydown `e` belongs to an IME composition (see above). */
export function isComposing(e: KeyboardEvent): boolean {
  return composed.has(e) || composingKey(e, e.timeStamp, undefined);
}

/** `handler` for key events, not called for a composition's keys. */
export function unlessComposing<E extends KeyboardEvent>(handler: (ev: E) => void): (ev: E) => void {
  return (ev) => {
    if (!isComposing(ev)) handler(ev);
  };
}
