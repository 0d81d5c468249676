// A message's file in the timeline: the picture or player once it is kept,
// and its file card (name, size, progress, Cancel / Download / Save…). Owns
// which files are being fetched, and fetches pictures, video and audio of
// up to AUTO_DOWNLOAD as soon as they are shown (once per file). A picture
// is a button that opens it in the viewer (lightbox.ts, through the host).
import * as cmd from "./bindings/commands";
import { h } from "./dom";
import { errorText, t } from "./i18n";
import type { MediaSid, MessageView } from "./types";
import { autoDownload, formatBytes, mediaKind, mediaUrl } from "./view";

export interface MediaHost {
  error(message: string): void;
  transfer(key: string): { done: number; total: number } | undefined;
  /** Draws the row of `m` again (a fetch ended). */
  redraw(m: MessageView): void;
  /** Shows the picture of `m` large (the lightbox); the focus goes back to `opener`. */
  view(m: MessageView, opener: HTMLElement): void;
}

const WINDOWS = navigator.userAgent.includes("Windows");

/** The URL of `m`'s picture when the timeline shows it (a sent message's
 *  picture, kept on disk), else null: the pictures the lightbox walks through. */
export function pictureUrl(m: MessageView): string | null {
  const media = m.media;
  if (!media?.sid || !media.cached || m.state !== "sent" || m.deleted || mediaKind(media) !== "image") return null;
  return mediaUrl(media.sid, WINDOWS);
}

export class Media {
  /** Files being fetched now. */
  private requested = new Set<MediaSid>();
  /** Files fetched unasked once already (not again, if that failed). */
  private tried = new Set<MediaSid>();

  constructor(private host: MediaHost) {}

  /** Whether the file of `m` is being fetched (its row shows Cancel). */
  busy(m: MessageView): boolean {
    return m.media?.sid ? this.requested.has(m.media.sid) : false;
  }

  /** The file of `m`, which has one. */
  render(m: MessageView): HTMLElement {
    const media = m.media!;
    const kind = mediaKind(media);
    const name = media.filename ?? t("file-unnamed");
    const wrap = h("div", { class: `media ${kind}` });
    if (m.state !== "sent") {
      const key = `up:${m.outbox_id}`;
      wrap.append(
        h("div", { class: "file-card" },
          h("span", { class: "file-name" }, name),
          h("span", { class: "file-size" }, formatBytes(media.size)),
          progress(key, this.host.transfer(key)),
          m.state === "pending"
            ? h("button", { class: "link", attrs: { type: "button" }, on: { click: () => void cmd.cancelSend(m.outbox_id as number) } }, t("cancel"))
            : null,
        ),
      );
      return wrap;
    }
    const sid = media.sid!;
    if (media.cached && kind !== "file") {
      const url = mediaUrl(sid, WINDOWS);
      if (kind === "image") {
        const open = h("button", {
          class: "picture",
          data: { action: "view-picture" },
          attrs: { type: "button", "aria-label": t("lightbox-open", { file: name }) },
        }, h("img", { class: "preview", attrs: { src: url, alt: name, loading: "lazy" } }));
        open.addEventListener("click", () => this.host.view(m, open));
        wrap.append(open);
      } else if (kind === "video") wrap.append(h("video", { class: "preview", attrs: { src: url, controls: "", preload: "metadata" } }));
      else wrap.append(h("audio", { attrs: { src: url, controls: "", preload: "metadata" } }));
    }
    const downloadKey = `down:${sid}`;
    const fetchIt = () => {
      this.requested.add(sid);
      void cmd.fetchMedia(m.channel_sid, sid)
        .catch((e) => {
          if (e?.code !== "cancelled") this.host.error(t("file-failed", { file: name, error: errorText(e) }));
        })
        .finally(() => {
          this.requested.delete(sid);
          this.host.redraw(m);
        });
    };
    if (!media.cached && autoDownload(media) && !this.requested.has(sid) && !this.tried.has(sid)) {
      this.tried.add(sid);
      fetchIt();
    }
    const busy = this.requested.has(sid);
    wrap.append(
      h("div", { class: "file-card" },
        h("span", { class: "file-name" }, name),
        h("span", { class: "file-size" }, formatBytes(media.size)),
        media.cached ? null : progress(downloadKey, this.host.transfer(downloadKey)),
        !media.cached && busy
          ? h("button", { class: "link", attrs: { type: "button" }, on: { click: () => void cmd.cancelDownload(sid) } }, t("cancel"))
          : null,
        !media.cached && !busy && kind !== "file"
          ? h("button", { class: "link", attrs: { type: "button" }, on: { click: fetchIt } }, t("file-download"))
          : null,
        h("button", {
          class: "link save",
          attrs: { type: "button" },
          on: {
            click: () => void cmd.saveMedia(m.channel_sid, sid, media.filename).catch((e) => this.host.error(errorText(e))),
          },
        }, t("file-save")),
      ),
    );
    return wrap;
  }
}

/** "1.5 MB of 4.0 MB" */
function progressText(done: number, total: number): string {
  return t("file-progress-done", { done: formatBytes(done), total: formatBytes(total) });
}

function progress(key: string, now: { done: number; total: number } | undefined): HTMLElement {
  const bar = h("progress", { data: { transfer: key }, attrs: { max: String(now?.total ?? 1), "aria-label": t("file-progress") } });
  bar.value = now?.done ?? 0;
  bar.hidden = !now;
  return h("span", { class: "progress" }, bar, h("span", { class: "progress-label" }, now ? progressText(now.done, now.total) : ""));
}

/** Updates the progress bars of transfer `key` under `root` in place. */
export function showTransfer(root: ParentNode, key: string, done: number, total: number): void {
  for (const bar of root.querySelectorAll<HTMLProgressElement>(`progress[data-transfer="${CSS.escape(key)}"]`)) {
    bar.max = total;
    bar.value = done;
    bar.hidden = false;
    const label = bar.parentElement?.querySelector<HTMLElement>(".progress-label");
    if (label) label.textContent = progressText(done, total);
  }
}
