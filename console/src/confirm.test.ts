import { beforeEach, describe, expect, it } from "vitest";
import { confirmPlain, confirmTyped, showSecretOnce } from "./confirm";
import { setLanguage } from "./i18n";

beforeEach(() => {
  setLanguage("en");
  document.body.replaceChildren();
});

function dialog(): HTMLDialogElement {
  const d = document.querySelector("dialog");
  if (!d) throw new Error("no dialog open");
  return d;
}

function type(input: HTMLInputElement, value: string): void {
  input.value = value;
  input.dispatchEvent(new Event("input"));
}

describe("the typed confirmation", () => {
  it("keeps the destructive button disabled until the exact text is typed", async () => {
    const answer = confirmTyped({ title: "Delete user", message: "alice will be deleted.", expected: "alice", action: "Delete user" });
    const input = dialog().querySelector<HTMLInputElement>("[data-testid=confirm-input]")!;
    const ok = dialog().querySelector<HTMLButtonElement>("[data-testid=confirm-ok]")!;
    expect(ok.disabled).toBe(true);
    type(input, "alic");
    expect(ok.disabled).toBe(true);
    type(input, "Alice");
    expect(ok.disabled, "case matters").toBe(true);
    type(input, "alice");
    expect(ok.disabled).toBe(false);
    ok.click();
    await expect(answer).resolves.toBe(true);
    expect(document.querySelector("dialog"), "the dialog is gone").toBeNull();
  });

  it("shows what to type, labels the field and focuses it", () => {
    void confirmTyped({ title: "Rotate", message: "m", expected: "AC123", action: "Rotate" });
    const input = dialog().querySelector<HTMLInputElement>("input")!;
    const label = dialog().querySelector(`label[for="${input.id}"]`)!;
    expect(label.textContent).toContain("AC123");
    expect(document.activeElement).toBe(input);
    expect(dialog().getAttribute("aria-labelledby")).toBeTruthy();
  });

  it("answers no on Cancel and on Escape", async () => {
    const a = confirmTyped({ title: "t", message: "m", expected: "x", action: "Go" });
    dialog().querySelector<HTMLButtonElement>("[data-testid=confirm-cancel]")!.click();
    await expect(a).resolves.toBe(false);
    const b = confirmTyped({ title: "t", message: "m", expected: "x", action: "Go" });
    type(dialog().querySelector("input")!, "x");
    dialog().dispatchEvent(new KeyboardEvent("keydown", { key: "Escape" }));
    await expect(b).resolves.toBe(false);
  });

  it("does not confirm on Enter before the text matches", async () => {
    const a = confirmTyped({ title: "t", message: "m", expected: "3", action: "Delete" });
    const form = dialog().querySelector("form")!;
    form.dispatchEvent(new Event("submit", { cancelable: true }));
    expect(document.querySelector("dialog"), "still open").not.toBeNull();
    type(dialog().querySelector("input")!, "3");
    form.dispatchEvent(new Event("submit", { cancelable: true }));
    await expect(a).resolves.toBe(true);
  });
});

describe("the plain confirmation", () => {
  it("gives Cancel the focus and resolves with the answer", async () => {
    const a = confirmPlain("Delete message", "Message 3 will be deleted.", "Delete");
    expect(document.activeElement?.textContent).toBe("Cancel");
    dialog().querySelector<HTMLButtonElement>("[data-testid=confirm-ok]")!.click();
    await expect(a).resolves.toBe(true);
  });
});

describe("a secret shown once", () => {
  it("is in a read-only field until closed", async () => {
    const done = showSecretOnce("New auth token", "Shown once.", "s3cr3t");
    const field = dialog().querySelector<HTMLInputElement>("[data-testid=secret-value]")!;
    expect(field.value).toBe("s3cr3t");
    expect(field.readOnly).toBe(true);
    dialog().querySelector<HTMLButtonElement>("[data-testid=secret-close]")!.click();
    await done;
    expect(document.querySelector("dialog")).toBeNull();
  });
});
