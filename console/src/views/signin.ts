/**
 * The sign-in page: account SID (or API key SID) and auth token (or key
 * secret), posted to `POST /admin/Session`. A refusal (401 wrong
 * credentials, 429 too many attempts) is shown as the server's sentence.
 * The page has its own landmarks and the language switch.
 */
import { request, setCsrfToken, type Session } from "../api";
import { field, h, input } from "../dom";
import { languageSwitch, t } from "../i18n";
import { skipLink } from "../shell";

/** Renders the sign-in page into `root`; `onSignedIn` gets the new session. */
export function renderSignIn(root: HTMLElement, onSignedIn: (s: Session) => void, notice?: string): void {
  const sid = input({ name: "Sid", autocomplete: "username", spellcheck: "false", required: true, "data-testid": "signin-sid" });
  const secret = input({ name: "Secret", type: "password", autocomplete: "current-password", required: true, "data-testid": "signin-secret" });
  const error = h("p", { class: "form-error", role: "alert", hidden: true, "data-testid": "signin-error" });
  const submit = h("button", { type: "submit", class: "primary" }, t("signin.submit"));
  const form = h(
    "form",
    { class: "form signin", novalidate: true },
    error,
    field(t("signin.sid"), sid),
    field(t("signin.secret"), secret),
    h("div", { class: "actions" }, submit),
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    error.hidden = true;
    if (!sid.value.trim() || !secret.value) {
      error.textContent = t("signin.missing");
      error.hidden = false;
      return;
    }
    submit.disabled = true;
    try {
      const s = await request<Session>("POST", "/admin/Session", { Sid: sid.value.trim(), Secret: secret.value }, { allowUnauthorized: true });
      setCsrfToken(s.csrf_token);
      secret.value = "";
      onSignedIn(s);
    } catch (err) {
      error.textContent = err instanceof Error ? err.message : String(err);
      error.hidden = false;
      secret.focus();
    } finally {
      submit.disabled = false;
    }
  });
  const main = h(
    "main",
    { id: "main", tabindex: "-1", class: "signin-main" },
    h("h1", null, t("signin.title")),
    notice ? h("p", { class: "notice", role: "status" }, notice) : null,
    form,
  );
  root.replaceChildren(
    h("div", { class: "signin-page" }, skipLink(main), h("header", { class: "top" }, h("p", { class: "brand" }, t("app.title")), languageSwitch()), main),
  );
  sid.focus();
}
