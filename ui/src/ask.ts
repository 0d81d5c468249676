// Yes/no questions before destructive actions, asked in the window's own
// dialog. The webview's `confirm()` cannot be used: Tauri's dialog plugin
// replaces it with an asynchronous function whose Promise is always truthy,
// so `if (confirm(…))` went ahead without waiting for the answer.
import { $ } from "./dom";

/** Shows `question` with Cancel and `action`; true if `action` was chosen.
 *  Cancel has the focus, and Esc or closing the dialog answers no. */
export function ask(question: string, action: string): Promise<boolean> {
  const dialog = $<HTMLDialogElement>("ask");
  $("ask-text").textContent = question;
  $("ask-ok").textContent = action;
  dialog.returnValue = "";
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), { once: true });
    dialog.showModal();
    $("ask-cancel").focus();
  });
}
