/**
 * Questions before destructive actions, in a modal <dialog>.
 *
 * `confirmTyped` is the typed confirmation: the destructive button stays
 * disabled until the operator has typed exactly the name or SID shown
 * (rotate the auth token, delete a user, channel, role or service, revoke a
 * key, bulk deletes). `confirmPlain` is a yes/no question for smaller
 * actions (deleting one message). Cancel has the focus first in the plain
 * dialog and Esc always answers no. Each resolves true only when the
 * operator confirmed.
 */
import { button, h, input, uid } from "./dom";
import { t } from "./i18n";

export interface TypedConfirmation {
  title: string;
  /** What will happen, as a sentence. */
  message: string;
  /** The text the operator must type (a name, a SID, a count). */
  expected: string;
  /** The destructive button's label, e.g. "Delete user". */
  action: string;
}

function openDialog(dlg: HTMLDialogElement): void {
  document.body.append(dlg);
  if (typeof dlg.showModal === "function") {
    try {
      dlg.showModal();
      return;
    } catch {
      /* fall through: not supported (jsdom) */
    }
  }
  dlg.setAttribute("open", "");
}

function closeDialog(dlg: HTMLDialogElement): void {
  if (typeof dlg.close === "function" && dlg.open) {
    try {
      dlg.close();
    } catch {
      dlg.removeAttribute("open");
    }
  } else {
    dlg.removeAttribute("open");
  }
  dlg.remove();
}

function dialogShell(title: string): { dlg: HTMLDialogElement; titleId: string } {
  const titleId = uid("dlg");
  const dlg = h("dialog", { class: "confirm", "aria-labelledby": titleId, "aria-modal": "true" });
  dlg.append(h("h2", { id: titleId }, title));
  return { dlg, titleId };
}

/** Asks for a typed confirmation; resolves true when the operator typed it and confirmed. */
export function confirmTyped(c: TypedConfirmation): Promise<boolean> {
  return new Promise((resolve) => {
    const { dlg } = dialogShell(c.title);
    const field = input({ autocomplete: "off", spellcheck: "false", "data-testid": "confirm-input" });
    const fieldId = uid("confirm");
    field.id = fieldId;
    const confirmBtn = button(c.action, null, { class: "danger", disabled: true, "data-testid": "confirm-ok" });
    const cancelBtn = button(t("common.cancel"), null, { "data-testid": "confirm-cancel" });
    const expectedCode = h("code", { class: "expected" }, c.expected);
    let done = false;
    const finish = (ok: boolean) => {
      if (done) return;
      done = true;
      closeDialog(dlg);
      resolve(ok);
    };
    field.addEventListener("input", () => {
      confirmBtn.disabled = field.value !== c.expected;
    });
    const form = h(
      "form",
      { method: "dialog", class: "confirm-form" },
      h("p", null, c.message),
      h("label", { for: fieldId }, t("confirm.typeToConfirm"), " ", expectedCode),
      field,
      h("div", { class: "actions" }, cancelBtn, confirmBtn),
    );
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      if (field.value === c.expected) finish(true);
    });
    confirmBtn.addEventListener("click", () => {
      if (field.value === c.expected) finish(true);
    });
    cancelBtn.addEventListener("click", () => finish(false));
    dlg.addEventListener("cancel", (e) => {
      e.preventDefault();
      finish(false);
    });
    dlg.addEventListener("keydown", (e) => {
      if ((e as KeyboardEvent).key === "Escape") {
        e.preventDefault();
        finish(false);
      }
    });
    dlg.append(form);
    openDialog(dlg);
    field.focus();
  });
}

/** Asks a yes/no question; Cancel has the focus. */
export function confirmPlain(title: string, message: string, action: string): Promise<boolean> {
  return new Promise((resolve) => {
    const { dlg } = dialogShell(title);
    const okBtn = button(action, null, { class: "danger", "data-testid": "confirm-ok" });
    const cancelBtn = button(t("common.cancel"), null, { "data-testid": "confirm-cancel" });
    let done = false;
    const finish = (ok: boolean) => {
      if (done) return;
      done = true;
      closeDialog(dlg);
      resolve(ok);
    };
    okBtn.addEventListener("click", () => finish(true));
    cancelBtn.addEventListener("click", () => finish(false));
    dlg.addEventListener("cancel", (e) => {
      e.preventDefault();
      finish(false);
    });
    dlg.addEventListener("keydown", (e) => {
      if ((e as KeyboardEvent).key === "Escape") {
        e.preventDefault();
        finish(false);
      }
    });
    dlg.append(h("p", null, message), h("div", { class: "actions" }, cancelBtn, okBtn));
    openDialog(dlg);
    cancelBtn.focus();
  });
}

/**
 * Shows a secret once (a new auth token, a new API key's secret) in a
 * dialog with a read-only field to copy from; resolves when closed.
 */
export function showSecretOnce(title: string, message: string, secret: string): Promise<void> {
  return new Promise((resolve) => {
    const { dlg } = dialogShell(title);
    const id = uid("secret");
    const field = input({ id, readonly: true, value: secret, class: "secret", "data-testid": "secret-value" });
    const close = button(t("common.close"), null, { "data-testid": "secret-close" });
    const finish = () => {
      closeDialog(dlg);
      resolve();
    };
    close.addEventListener("click", finish);
    dlg.addEventListener("cancel", (e) => {
      e.preventDefault();
      finish();
    });
    dlg.append(h("p", null, message), h("label", { for: id }, t("confirm.secret")), field, h("div", { class: "actions" }, close));
    openDialog(dlg);
    field.focus();
    field.select();
  });
}
