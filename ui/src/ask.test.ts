import { beforeEach, describe, expect, it } from "vitest";
import { ask } from "./ask";

// jsdom has no modal dialogs: enough of one to drive the real markup.
beforeEach(() => {
  document.body.innerHTML = `
    <dialog id="ask"><form method="dialog"><p id="ask-text"></p>
      <button id="ask-cancel" value="cancel">Cancel</button>
      <button id="ask-ok" value="ok">OK</button></form></dialog>`;
  const d = document.getElementById("ask") as HTMLDialogElement;
  d.showModal = () => d.setAttribute("open", "");
  d.close = (value?: string) => {
    if (value !== undefined) d.returnValue = value;
    d.removeAttribute("open");
    d.dispatchEvent(new Event("close"));
  };
});

const dialog = () => document.getElementById("ask") as HTMLDialogElement;

describe("ask", () => {
  it("shows the question and the action, with Cancel focused", async () => {
    const answer = ask("Delete this message for everyone?", "Delete");
    expect(dialog().hasAttribute("open")).toBe(true);
    expect(document.getElementById("ask-text")!.textContent).toBe("Delete this message for everyone?");
    expect(document.getElementById("ask-ok")!.textContent).toBe("Delete");
    expect(document.activeElement?.id).toBe("ask-cancel");
    dialog().close("ok");
    await expect(answer).resolves.toBe(true);
  });

  it("answers no on Cancel and on Esc (closed without a value)", async () => {
    const cancelled = ask("Leave this channel?", "Leave");
    dialog().close("cancel");
    await expect(cancelled).resolves.toBe(false);
    const escaped = ask("Leave this channel?", "Leave");
    dialog().close();
    await expect(escaped).resolves.toBe(false);
  });

  it("does not carry an earlier yes into the next question", async () => {
    const first = ask("Remove bob from this channel?", "Remove");
    dialog().close("ok");
    await first;
    const second = ask("Remove carol from this channel?", "Remove");
    dialog().close();
    await expect(second).resolves.toBe(false);
  });
});
