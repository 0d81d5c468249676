/**
 * Element builders. Every view builds its DOM through these so that one rule
 * holds everywhere: text — above all anything that came from the server, like
 * message bodies, names and attributes — is only ever set as `textContent`
 * (a text node), never parsed as HTML. There is deliberately no helper that
 * takes HTML. Inline `style` attributes are never set either (the server's
 * CSP refuses them); classes come from style.css.
 */

export type Child = Node | string | number | null | undefined | false;
type Handler = (ev: Event) => void;

export interface Attrs {
  [name: string]: string | number | boolean | Handler | null | undefined;
}

let idCounter = 0;
/** A fresh element id, for label/for and aria-describedby pairs. */
export function uid(prefix = "c"): string {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

/**
 * Builds an element. `on…` attributes with function values become event
 * listeners; `class` sets className; boolean true sets an empty attribute,
 * false/null/undefined leave it out; `value`, `checked` and `disabled` are
 * set as properties. Children that are strings become text nodes.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs | null = null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [name, value] of Object.entries(attrs)) {
      if (value === undefined || value === null || value === false) continue;
      if (name === "style") throw new Error("inline styles are refused by the CSP; use a class");
      if (typeof value === "function") {
        el.addEventListener(name.slice(2).toLowerCase(), value as Handler);
      } else if (name === "class") {
        el.className = String(value);
      } else if (name === "value") {
        (el as unknown as HTMLInputElement).value = String(value);
      } else if (name === "checked" || name === "disabled" || name === "selected") {
        (el as unknown as Record<string, boolean>)[name] = Boolean(value);
      } else if (value === true) {
        el.setAttribute(name, "");
      } else {
        el.setAttribute(name, String(value));
      }
    }
  }
  append(el, ...children);
  return el;
}

/** Appends children, strings as text nodes. */
export function append(el: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
  }
}

/** Empties an element. */
export function clear(el: Node): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

/** Replaces an element's children. */
export function replace(el: Node, ...children: Child[]): void {
  clear(el);
  append(el, ...children);
}

export interface FieldOptions {
  /** The form parameter this control sends (used to place API errors). */
  param?: string;
  hint?: string;
}

/**
 * A labelled control: a wrapper with a <label for> and the control, and an
 * error slot that `showFieldError` fills. The control gets an id if it has
 * none and `data-param` when it stands for an API parameter.
 */
export function field(label: string, control: HTMLElement, opts: FieldOptions = {}): HTMLElement {
  if (!control.id) control.id = uid("f");
  if (opts.param) control.dataset.param = opts.param;
  const err = h("p", { class: "field-error", id: control.id + "-err", role: "alert", hidden: true });
  const parts: Child[] = [h("label", { for: control.id }, label)];
  if (opts.hint) {
    const hint = h("p", { class: "hint", id: control.id + "-hint" }, opts.hint);
    control.setAttribute("aria-describedby", hint.id);
    parts.push(control, hint);
  } else {
    parts.push(control);
  }
  parts.push(err);
  const isCheck = control instanceof HTMLInputElement && (control.type === "checkbox" || control.type === "radio");
  return h("div", { class: isCheck ? "field field-check" : "field", "data-field": opts.param ?? null }, ...(isCheck ? [parts[1], parts[0], ...parts.slice(2)] : parts));
}

export function input(attrs: Attrs = {}): HTMLInputElement {
  return h("input", { type: "text", ...attrs });
}

export function checkbox(checked: boolean, attrs: Attrs = {}): HTMLInputElement {
  return h("input", { type: "checkbox", checked, ...attrs });
}

/** A <select> of [value, label] options with `selected` chosen. */
export function select(options: ReadonlyArray<readonly [string, string]>, selected: string | null | undefined, attrs: Attrs = {}): HTMLSelectElement {
  const s = h("select", attrs);
  for (const [value, label] of options) {
    const o = h("option", { value }, label);
    if (value === (selected ?? "")) o.selected = true;
    s.append(o);
  }
  return s;
}

export function button(label: string, onClick: Handler | null, attrs: Attrs = {}): HTMLButtonElement {
  return h("button", { type: "button", onclick: onClick ?? undefined, ...attrs }, label);
}

/** A column of a table: header text and how to build the cell from a row. */
export interface Column<T> {
  header: string;
  cell: (row: T) => Child;
  class?: string;
}

/**
 * A table with a caption (its accessible name; visually hidden unless
 * `showCaption`, since tables sit under a heading that says the same), a
 * header row and one row per item.
 */
export function table<T>(caption: string, columns: Column<T>[], rows: T[], opts: { empty?: string; rowAttrs?: (row: T) => Attrs; showCaption?: boolean } = {}): HTMLTableElement {
  const thead = h("thead", null, h("tr", null, ...columns.map((c) => h("th", { scope: "col", class: c.class }, c.header))));
  const tbody = h("tbody");
  for (const r of rows) {
    tbody.append(h("tr", opts.rowAttrs ? opts.rowAttrs(r) : null, ...columns.map((c) => h("td", { class: c.class }, c.cell(r)))));
  }
  if (rows.length === 0 && opts.empty) {
    tbody.append(h("tr", null, h("td", { colspan: columns.length, class: "empty" }, opts.empty)));
  }
  return h("table", null, h("caption", { class: opts.showCaption ? null : "sr-only" }, caption), thead, tbody);
}

/** A definition list from [term, value] pairs. */
export function definitions(pairs: ReadonlyArray<readonly [string, Child]>, attrs: Attrs = {}): HTMLDListElement {
  const dl = h("dl", attrs);
  for (const [k, v] of pairs) dl.append(h("dt", null, k), h("dd", null, v));
  return dl;
}

/** A section of a page with a heading; `level` 2 by default. */
export function section(title: string, ...children: Child[]): HTMLElement {
  const id = uid("s");
  return h("section", { "aria-labelledby": id, class: "panel" }, h("h2", { id }, title), ...children);
}

/** Preformatted JSON (or text) for request/attribute bodies; always as text. */
export function pre(value: unknown): HTMLPreElement {
  let text: string;
  if (typeof value === "string") {
    try {
      text = JSON.stringify(JSON.parse(value), null, 2);
    } catch {
      text = value;
    }
  } else {
    text = JSON.stringify(value ?? null, null, 2);
  }
  return h("pre", { class: "json" }, text);
}

/**
 * Shows an error sentence next to the field of `form` that stands for
 * `param` (its `data-param`); returns false when no such field exists.
 */
export function showFieldError(form: HTMLElement, param: string, sentence: string): boolean {
  const control = [...form.querySelectorAll<HTMLElement>("[data-param]")].find((c) => c.dataset.param === param);
  if (!control) return false;
  const slot = document.getElementById(control.id + "-err");
  if (!slot) return false;
  slot.textContent = sentence;
  slot.hidden = false;
  control.setAttribute("aria-invalid", "true");
  const described = (control.getAttribute("aria-describedby") ?? "").split(" ").filter(Boolean);
  if (!described.includes(slot.id)) described.push(slot.id);
  control.setAttribute("aria-describedby", described.join(" "));
  control.focus();
  return true;
}

/** Clears every field error shown in `form`. */
export function clearFieldErrors(form: HTMLElement): void {
  for (const slot of form.querySelectorAll<HTMLElement>(".field-error")) {
    slot.textContent = "";
    slot.hidden = true;
  }
  for (const c of form.querySelectorAll<HTMLElement>("[aria-invalid]")) {
    c.removeAttribute("aria-invalid");
    const id = c.id + "-err";
    const rest = (c.getAttribute("aria-describedby") ?? "").split(" ").filter((x) => x && x !== id);
    if (rest.length) c.setAttribute("aria-describedby", rest.join(" "));
    else c.removeAttribute("aria-describedby");
  }
}

/**
 * Which of `params` an error message names: the longest parameter name
 * found in it (so `Limits.ChannelMembers` wins over `ChannelMembers`),
 * also when the message spells it with spaces ("Friendly name"). Null when
 * none is named.
 */
export function paramNamedIn(message: string, params: readonly string[]): string | null {
  const squashed = message.replace(/[\s_-]+/g, "").toLowerCase();
  let best: string | null = null;
  for (const p of params) {
    const exact = new RegExp(`(^|[^A-Za-z.])${p.replace(/[.]/g, "\\.")}($|[^A-Za-z])`).test(message);
    const loose = squashed.includes(p.toLowerCase());
    if ((exact || loose) && (!best || p.length > best.length)) best = p;
  }
  return best;
}

/** A download link for an API URL (CSV/JSONL exports, same origin with the cookie). */
export function downloadLink(label: string, href: string, filename: string): HTMLAnchorElement {
  return h("a", { href, download: filename, class: "button-link" }, label);
}
