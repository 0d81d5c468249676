// What jsdom lacks and the window's modules need to exist in the unit tests
// (vite.config.ts names this file): an IntersectionObserver that sees
// nothing, scrolling into view, and animation frames as timeouts.
if (!("IntersectionObserver" in globalThis)) {
  (globalThis as { IntersectionObserver?: unknown }).IntersectionObserver = class {
    observe(): void {}
    unobserve(): void {}
    disconnect(): void {}
    takeRecords(): IntersectionObserverEntry[] {
      return [];
    }
  };
}
if (!Element.prototype.scrollIntoView) Element.prototype.scrollIntoView = () => {};
if (!("requestAnimationFrame" in globalThis)) {
  (globalThis as { requestAnimationFrame?: unknown }).requestAnimationFrame = (cb: FrameRequestCallback) => setTimeout(() => cb(0), 0);
}
