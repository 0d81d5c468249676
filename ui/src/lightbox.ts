// The picture viewer (#lightbox): a modal dialog that shows one picture of
// the timeline fitted to the window, with its caption (file, author, date),
// zoom and pan, Save…, and a walk to the previous and next picture. Owns the
// dialog, its keys and pointer, and which pictures it walks through: the
// kept pictures (media.ts's `pictureUrl`) of the messages loaded in the
// timeline of the picture's channel, in timeline order. That list is read
// again at each step, so pictures that arrived or were fetched meanwhile are
// in it. Every key pressed in the viewer stays in it (nothing reaches the
// window's shortcuts or the composer); Esc, Close and a click beside the
// picture close it, and the focus goes back to the picture that opened it
// (its twin, when its row was drawn again meanwhile).
import * as cmd from "./bindings/commands";
import { atHome, h, type Home, homeOf } from "./dom";
import { errorText, locale, t } from "./i18n";
import { unlessComposing } from "./ime";
import { pictureUrl } from "./media";
import type { ChannelSid, MessageView } from "./types";
import { dayLabel, timeOf } from "./view";

export interface LightboxHost {
  /** The messages loaded in the timeline, in its order. */
  messages(): readonly MessageView[];
  /** Tells the user that something failed (the window's toast). */
  error(message: string): void;
}

/** The largest zoom: 800 %. */
export const MAX_ZOOM = 8;
/** Where Zoom in / Zoom out and `+` / `-` stop, besides the fit. */
export const ZOOM_STEPS = [0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4, 6, 8];
/** A pointer that moved more than this (px) panned: its click is no close. */
const DRAG_SLOP = 4;

/** The messages among `messages` of `channel` whose picture is kept, in order. */
export function keptPictures(messages: readonly MessageView[], channel: ChannelSid): MessageView[] {
  return messages.filter((m) => m.channel_sid === channel && m.sid !== null && pictureUrl(m) !== null);
}

/** The scale that fits a `width`×`height` picture in a `roomWidth`×`roomHeight`
 *  stage: smaller pictures keep their size; 1 while a size is unknown. */
export function fitScale(width: number, height: number, roomWidth: number, roomHeight: number): number {
  if (width <= 0 || height <= 0 || roomWidth <= 0 || roomHeight <= 0) return 1;
  return Math.min(1, roomWidth / width, roomHeight / height);
}

/** The zoom one step in (`direction` 1) or out (-1) from `scale`: the next of
 *  ZOOM_STEPS and the fit, never below the fit nor above MAX_ZOOM. */
export function stepZoom(scale: number, direction: 1 | -1, fit: number): number {
  const stops = [...ZOOM_STEPS, fit].sort((a, b) => a - b);
  const next = direction > 0 ? stops.find((s) => s > scale * 1.001) : stops.reverse().find((s) => s < scale * 0.999);
  return Math.min(MAX_ZOOM, Math.max(fit, next ?? scale));
}

/** How far a picture `size` px long may be moved off the centre of a stage
 *  `room` px long (its edges never come inside the stage's): none when it fits. */
export function clampPan(pan: number, size: number, room: number): number {
  const slack = Math.max(0, (size - room) / 2);
  return Math.max(-slack, Math.min(slack, pan));
}

const percents = new Map<string, Intl.NumberFormat>();
/** "50%", "150 %", as the language writes percentages. */
function percent(scale: number): string {
  const tag = locale();
  let f = percents.get(tag);
  if (!f) percents.set(tag, (f = new Intl.NumberFormat(tag, { style: "percent", maximumFractionDigits: 0 })));
  return f.format(scale);
}

class Lightbox {
  readonly dialog = h("dialog", { class: "lightbox", attrs: { id: "lightbox" } });
  private name = h("span", { class: "lightbox-name" });
  private meta = h("span", { class: "lightbox-meta" });
  private failure = h("span", { class: "lightbox-error", attrs: { role: "alert" } });
  private counter = h("span", { class: "lightbox-counter" });
  private zoomOut = this.tool("−", () => this.zoomBy(-1));
  private level = h("output", { class: "lightbox-level" });
  private zoomIn = this.tool("+", () => this.zoomBy(1));
  private fit = this.tool("", () => this.setZoom("fit"));
  private save = this.tool("", () => this.saveCurrent());
  private closer = this.tool("", () => this.finish());
  private stage = h("div", { class: "lightbox-stage" });
  private previous = this.tool("‹", () => this.step(-1), "lightbox-nav previous");
  private next = this.tool("›", () => this.step(1), "lightbox-nav next");
  private picture: HTMLImageElement | null = null;

  /** The message whose picture is shown; null while closed. */
  private current: MessageView | null = null;
  private host: LightboxHost | null = null;
  private opener: HTMLElement | null = null;
  /** Where the opener is: found again if its row is redrawn meanwhile. */
  private home: Home = {};
  /** Fitted to the stage, or a scale (1: the picture's own size). */
  private zoom: "fit" | number = "fit";
  /** The picture's centre, off the stage's centre (px). */
  private panX = 0;
  private panY = 0;
  private drag: { pointer: number; x: number; y: number; panX: number; panY: number } | null = null;
  /** The last press panned: the click that ends it is not a click beside the picture. */
  private dragged = false;
  private onResize = () => this.layout();

  constructor() {
    this.dialog.append(
      h("div", { class: "lightbox-bar" },
        h("div", { class: "lightbox-caption", attrs: { "aria-live": "polite" } }, this.name, this.meta, this.failure),
        this.counter,
        h("div", { class: "lightbox-tools" }, this.zoomOut, this.level, this.zoomIn, this.fit, this.save, this.closer),
      ),
      h("div", { class: "lightbox-view" }, this.stage, this.previous, this.next),
    );
    document.body.append(this.dialog);
    // Every key in the viewer is the viewer's: none reaches the window's
    // shortcuts (main.ts) or the composer behind it.
    this.dialog.addEventListener("keydown", (ev) => ev.stopPropagation());
    this.dialog.addEventListener("keydown", unlessComposing((ev) => this.key(ev)));
    // Esc as the dialog's own cancel, and any other way it closes.
    this.dialog.addEventListener("cancel", (ev) => {
      ev.preventDefault();
      this.finish();
    });
    this.dialog.addEventListener("close", () => { if (!this.dialog.open) this.finish(); });
    // A click beside the picture (on the stage or the dialog's backdrop) closes it.
    this.dialog.addEventListener("click", (ev) => {
      if (this.dragged) {
        this.dragged = false;
        return;
      }
      if (ev.target === this.dialog || ev.target === this.stage) this.finish();
    });
    this.stage.addEventListener("wheel", (ev) => this.wheel(ev), { passive: false });
    this.stage.addEventListener("pointerdown", (ev) => this.press(ev));
    this.stage.addEventListener("pointermove", (ev) => this.move(ev));
    this.stage.addEventListener("pointerup", (ev) => this.release(ev));
    this.stage.addEventListener("pointercancel", (ev) => this.release(ev));
  }

  private tool(text: string, click: () => void, cls = ""): HTMLButtonElement {
    const b = h("button", { class: cls, attrs: { type: "button" } }, text);
    // Off buttons say so (aria-disabled) but keep the focus a press gave them.
    b.addEventListener("click", () => { if (b.getAttribute("aria-disabled") !== "true") click(); });
    return b;
  }

  open(m: MessageView, opener: HTMLElement | null, host: LightboxHost): void {
    if (pictureUrl(m) === null) return;
    this.finish();
    this.host = host;
    this.opener = opener ?? (document.activeElement as HTMLElement | null);
    this.home = homeOf(this.opener);
    this.speak();
    this.dialog.showModal();
    window.addEventListener("resize", this.onResize);
    this.show(m);
    this.closer.focus();
  }

  /** The buttons' words, in the language spoken now. */
  private speak(): void {
    this.dialog.setAttribute("aria-label", t("lightbox-title"));
    const name = (b: HTMLButtonElement, label: string, title: string) => {
      b.setAttribute("aria-label", label);
      b.title = title;
    };
    name(this.previous, t("lightbox-previous"), t("lightbox-previous.title"));
    name(this.next, t("lightbox-next"), t("lightbox-next.title"));
    name(this.zoomOut, t("lightbox-zoom-out"), t("lightbox-zoom-out.title"));
    name(this.zoomIn, t("lightbox-zoom-in"), t("lightbox-zoom-in.title"));
    this.fit.textContent = t("lightbox-fit");
    this.fit.title = t("lightbox-fit.title");
    this.save.textContent = t("file-save");
    this.closer.textContent = t("lightbox-close");
    this.closer.title = t("lightbox-close.title");
    this.level.setAttribute("aria-label", t("lightbox-zoom-level"));
  }

  /** The pictures walked through now: those of the opened one's channel. */
  private pictures(): MessageView[] {
    const m = this.current;
    return m && this.host ? keptPictures(this.host.messages(), m.channel_sid) : [];
  }

  /** Shows the picture of `m`, fitted, with its caption and place in the list. */
  private show(m: MessageView): void {
    this.current = m;
    this.zoom = "fit";
    this.panX = this.panY = 0;
    this.failure.textContent = "";
    const name = m.media?.filename ?? t("file-unnamed");
    const picture = h("img", { class: "lightbox-picture loading", attrs: { src: pictureUrl(m) ?? "", alt: name, draggable: "false" } });
    picture.addEventListener("load", () => {
      picture.classList.remove("loading");
      if (picture === this.picture) this.layout();
    });
    picture.addEventListener("error", () => {
      if (picture === this.picture) this.failure.textContent = t("lightbox-load-failed");
    });
    picture.addEventListener("dblclick", (ev) => this.toggleActualSize(ev));
    this.picture = picture;
    this.stage.replaceChildren(picture);
    if (picture.complete && picture.naturalWidth > 0) picture.classList.remove("loading");

    this.name.textContent = name;
    this.meta.textContent = t("lightbox-sent", { author: m.author, day: dayLabel(m.date_created), time: timeOf(m.date_created) });
    const list = this.pictures();
    const at = list.findIndex((p) => p.sid === m.sid);
    const alone = list.length <= 1 || at < 0;
    this.counter.hidden = alone;
    this.counter.textContent = alone ? "" : t("lightbox-counter", { position: at + 1, total: list.length });
    this.previous.hidden = this.next.hidden = alone;
    this.previous.setAttribute("aria-disabled", String(at <= 0));
    this.next.setAttribute("aria-disabled", String(at < 0 || at >= list.length - 1));
    if (alone && (document.activeElement === this.previous || document.activeElement === this.next)) this.closer.focus();
    this.layout();
  }

  /** To the picture `by` places further in the timeline, when there is one. */
  private step(by: number): void {
    const m = this.current;
    if (!m) return;
    const list = this.pictures();
    const at = list.findIndex((p) => p.sid === m.sid);
    const to = at < 0 ? undefined : list[at + by];
    if (to) this.show(to);
  }

  private jumpTo(end: "first" | "last"): void {
    const list = this.pictures();
    const to = end === "first" ? list[0] : list.at(-1);
    if (to && to.sid !== this.current?.sid) this.show(to);
  }

  /** The scale that fits the picture in the stage now. */
  private fitNow(): number {
    const p = this.picture;
    return p ? fitScale(p.naturalWidth, p.naturalHeight, this.stage.clientWidth, this.stage.clientHeight) : 1;
  }

  private scaleNow(): number {
    return this.zoom === "fit" ? this.fitNow() : this.zoom;
  }

  /** Zooms to `to`, keeping the point `at` (off the stage's centre, px) where it is. */
  private setZoom(to: "fit" | number, at = { x: 0, y: 0 }): void {
    const fit = this.fitNow();
    const before = this.scaleNow();
    const scale = to === "fit" ? fit : Math.min(MAX_ZOOM, Math.max(fit, to));
    if (scale <= fit * 1.0001) {
      this.zoom = "fit";
      this.panX = this.panY = 0;
    } else {
      this.zoom = scale;
      this.panX = at.x - ((at.x - this.panX) * scale) / before;
      this.panY = at.y - ((at.y - this.panY) * scale) / before;
    }
    this.layout();
  }

  private zoomBy(direction: 1 | -1): void {
    this.setZoom(stepZoom(this.scaleNow(), direction, this.fitNow()));
  }

  /** Where a pointer event is, off the stage's centre. */
  private pointAt(ev: MouseEvent): { x: number; y: number } {
    const box = this.stage.getBoundingClientRect();
    return { x: ev.clientX - box.left - box.width / 2, y: ev.clientY - box.top - box.height / 2 };
  }

  /** Double-click: the picture's own size at that point, or back to the fit. */
  private toggleActualSize(ev: MouseEvent): void {
    ev.preventDefault();
    this.setZoom(this.zoom === "fit" ? 1 : "fit", this.pointAt(ev));
  }

  /** The wheel (with Ctrl or Cmd, or without: a pinch is one) zooms at the pointer. */
  private wheel(ev: WheelEvent): void {
    ev.preventDefault();
    const unit = ev.deltaMode === 1 ? 16 : ev.deltaMode === 2 ? this.stage.clientHeight : 1;
    if (ev.deltaY === 0) return;
    this.setZoom(this.scaleNow() * Math.exp(-ev.deltaY * unit * 0.002), this.pointAt(ev));
  }

  private press(ev: PointerEvent): void {
    this.dragged = false;
    if (ev.button !== 0 || !this.stage.classList.contains("pannable")) return;
    ev.preventDefault();
    this.drag = { pointer: ev.pointerId, x: ev.clientX, y: ev.clientY, panX: this.panX, panY: this.panY };
    this.stage.setPointerCapture?.(ev.pointerId);
    this.stage.classList.add("panning");
  }

  private move(ev: PointerEvent): void {
    const d = this.drag;
    if (!d || ev.pointerId !== d.pointer) return;
    const dx = ev.clientX - d.x;
    const dy = ev.clientY - d.y;
    if (Math.abs(dx) + Math.abs(dy) > DRAG_SLOP) this.dragged = true;
    this.panX = d.panX + dx;
    this.panY = d.panY + dy;
    this.layout();
  }

  private release(ev: PointerEvent): void {
    if (!this.drag || ev.pointerId !== this.drag.pointer) return;
    this.drag = null;
    this.stage.releasePointerCapture?.(ev.pointerId);
    this.stage.classList.remove("panning");
  }

  /** Sizes and places the picture for the zoom and pan, and shows the zoom. */
  private layout(): void {
    const p = this.picture;
    if (!p || !this.current) return;
    const width = p.naturalWidth;
    const height = p.naturalHeight;
    const known = width > 0 && height > 0;
    const roomW = this.stage.clientWidth;
    const roomH = this.stage.clientHeight;
    const scale = this.scaleNow();
    const w = width * scale;
    const ht = height * scale;
    this.panX = clampPan(this.panX, w, roomW);
    this.panY = clampPan(this.panY, ht, roomH);
    if (known) {
      Object.assign(p.style, {
        width: `${w}px`,
        height: `${ht}px`,
        left: `${(roomW - w) / 2 + this.panX}px`,
        top: `${(roomH - ht) / 2 + this.panY}px`,
      });
    }
    this.stage.classList.toggle("pannable", known && (w > roomW + 0.5 || ht > roomH + 0.5));
    this.level.textContent = known ? percent(scale) : "";
    this.zoomOut.setAttribute("aria-disabled", String(!known || this.zoom === "fit"));
    this.zoomIn.setAttribute("aria-disabled", String(!known || scale >= MAX_ZOOM));
    this.fit.setAttribute("aria-disabled", String(!known || this.zoom === "fit"));
  }

  private saveCurrent(): void {
    const m = this.current;
    const sid = m?.media?.sid;
    if (!m || !sid) return;
    void cmd.saveMedia(m.channel_sid, sid, m.media?.filename ?? null).catch((e) => {
      const text = errorText(e);
      // The toast is behind the modal viewer (inert, under its backdrop):
      // the viewer says it too.
      this.failure.textContent = text;
      this.host?.error(text);
    });
  }

  private key(ev: KeyboardEvent): void {
    if (ev.altKey) return;
    switch (ev.key) {
      case "Escape":
        this.finish();
        break;
      case "ArrowLeft":
        this.step(-1);
        break;
      case "ArrowRight":
        this.step(1);
        break;
      case "Home":
        this.jumpTo("first");
        break;
      case "End":
        this.jumpTo("last");
        break;
      // With Ctrl or Cmd too: the picture zooms, not the whole window.
      case "+":
      case "=":
        this.zoomBy(1);
        break;
      case "-":
      case "_":
        this.zoomBy(-1);
        break;
      case "0":
        this.setZoom("fit");
        break;
      default:
        return;
    }
    ev.preventDefault();
  }

  private finish(): void {
    if (!this.current) return;
    this.current = null;
    this.drag = null;
    this.dragged = false;
    window.removeEventListener("resize", this.onResize);
    if (this.dialog.open) this.dialog.close();
    this.picture = null;
    this.stage.replaceChildren();
    this.stage.classList.remove("pannable", "panning");
    const back = this.opener;
    this.opener = null;
    if (back?.isConnected) back.focus();
    else atHome(this.home)?.focus();
  }
}

let lightbox: Lightbox | null = null;

/** Shows the picture of `m` in the viewer, among the kept pictures of
 *  `host`'s messages; the focus goes back to `opener` when it closes. */
export function openLightbox(m: MessageView, opener: HTMLElement | null, host: LightboxHost): void {
  if (!lightbox || !lightbox.dialog.isConnected) lightbox = new Lightbox();
  lightbox.open(m, opener, host);
}
