// A tiny element builder. Text is only ever set as text nodes or
// textContent: nothing from a message reaches innerHTML.

type Child = Node | string | null | undefined | false;

export interface Props {
  class?: string;
  title?: string;
  hidden?: boolean;
  data?: Record<string, string>;
  attrs?: Record<string, string>;
  on?: Partial<Record<keyof HTMLElementEventMap, (ev: Event) => void>>;
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props.class) el.className = props.class;
  if (props.title) el.title = props.title;
  if (props.hidden) el.hidden = true;
  for (const [k, v] of Object.entries(props.data ?? {})) el.dataset[k] = v;
  for (const [k, v] of Object.entries(props.attrs ?? {})) el.setAttribute(k, v);
  for (const [k, f] of Object.entries(props.on ?? {})) if (f) el.addEventListener(k, f);
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === "string" ? document.createTextNode(c) : c);
  }
  return el;
}

export const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/**
 * Makes `parent`'s children exactly `want` (distinct nodes, in order) with
 * the fewest DOM changes: children not wanted are removed, new ones
 * inserted, and the ones that stay are left where they are. Moving a node
 * costs WebKit its render objects and layout; when a page of history is
 * added, only that page is laid out, not every row of the window again.
 */
export function reconcile(parent: Element, want: readonly Node[]): void {
  const keep = new Set(want);
  for (let c = parent.firstChild; c; ) {
    const next = c.nextSibling;
    if (!keep.has(c)) parent.removeChild(c);
    c = next;
  }
  let cur = parent.firstChild;
  for (const node of want) {
    if (cur === node) {
      cur = cur.nextSibling;
    } else {
      parent.insertBefore(node, cur);
    }
  }
}

/**
 * Makes the element `into` look like `from` (its attributes and children)
 * and returns it. A row redrawn this way stays the same element, so it
 * keeps what the browser holds for it: the pointer's hover and its place
 * for a screen reader. A child of `into` with a `data-sig` is kept (not
 * replaced) when `from` has a child of the same class and `data-sig`: a
 * click on a row's toolbar while someone else's reaction redraws the row
 * (mouse down on the old button, up on the new one) would otherwise be no
 * click at all.
 */
export function adopt<T extends Element>(into: T, from: Element): T {
  for (const a of [...into.attributes]) if (!from.hasAttribute(a.name)) into.removeAttribute(a.name);
  for (const a of [...from.attributes]) if (into.getAttribute(a.name) !== a.value) into.setAttribute(a.name, a.value);
  const same = (c: Element) => `${c.className}\n${(c as HTMLElement).dataset?.sig ?? ""}`;
  const kept = new Map<string, Element>();
  for (const c of into.children) if ((c as HTMLElement).dataset?.sig) kept.set(same(c), c);
  const want = [...from.childNodes].map((c) => (c instanceof HTMLElement && c.dataset.sig && kept.get(same(c))) || c);
  reconcile(into, want);
  return into;
}

/** Where a button of a keyed row is: the row's `data-key` and the
 *  button's `data-action`. */
export interface Home {
  key?: string;
  action?: string;
}

export function homeOf(el: Element | null): Home {
  return { key: el?.closest<HTMLElement>("[data-key]")?.dataset.key, action: (el as HTMLElement | null)?.dataset?.action };
}

/** The button at `home` now: the row may have been drawn again since, and
 *  the button with it. */
export function atHome(home: Home, root: ParentNode = document): HTMLElement | undefined {
  const { key, action } = home;
  if (!key || !action) return undefined;
  const row = [...root.querySelectorAll<HTMLElement>("[data-key]")].find((r) => r.dataset.key === key);
  return [...(row?.querySelectorAll<HTMLElement>("[data-action]") ?? [])].find((b) => b.dataset.action === action);
}
