import { describe, expect, it } from "vitest";
import { adopt, h, reconcile } from "./dom";

function list(...keys: string[]) {
  const nodes = new Map(keys.map((k) => [k, h("li", {}, k)]));
  const parent = h("ul");
  parent.append(...nodes.values());
  return { parent, nodes };
}

const texts = (p: Element) => [...p.children].map((c) => c.textContent);

describe("reconcile", () => {
  it("adds a page at the top and drops rows at the bottom without touching the rest", () => {
    const { parent, nodes } = list("a", "b", "c", "d");
    const added = [h("li", {}, "y"), h("li", {}, "z")];
    const b = nodes.get("b")!;
    let moved = 0;
    new MutationObserver((records) => {
      for (const r of records) for (const n of r.addedNodes) if (n === b) moved++;
    }).observe(parent, { childList: true });
    reconcile(parent, [...added, nodes.get("a")!, b, nodes.get("c")!]);
    expect(texts(parent)).toEqual(["y", "z", "a", "b", "c"]);
    expect(parent.children[3]).toBe(b);
    return Promise.resolve().then(() => expect(moved).toBe(0));
  });

  it("drops rows at the top and adds at the bottom", () => {
    const { parent, nodes } = list("a", "b", "c");
    reconcile(parent, [nodes.get("c")!, h("li", {}, "d")]);
    expect(texts(parent)).toEqual(["c", "d"]);
  });

  it("puts nodes that changed place where they are wanted", () => {
    const { parent, nodes } = list("a", "b", "c", "d");
    reconcile(parent, ["d", "b", "a", "c"].map((k) => nodes.get(k)!));
    expect(texts(parent)).toEqual(["d", "b", "a", "c"]);
  });

  it("empties and fills", () => {
    const { parent } = list("a", "b");
    reconcile(parent, []);
    expect(parent.children.length).toBe(0);
    const x = h("li", {}, "x");
    reconcile(parent, [x]);
    expect(texts(parent)).toEqual(["x"]);
  });
});

describe("adopt", () => {
  it("redraws an element in place: same node, the new attributes and children", () => {
    const parent = h("ol");
    const old = h("li", { class: "message pending", data: { key: "o:1" }, attrs: { tabindex: "-1" } }, "sending");
    parent.append(old);
    const fresh = h("li", { class: "message sent", data: { key: "m:IM1", sid: "IM1" } }, h("div", { class: "body" }, "hi"));
    expect(adopt(old, fresh)).toBe(old);
    expect(parent.firstChild).toBe(old);
    expect(old.className).toBe("message sent");
    expect(old.dataset).toMatchObject({ key: "m:IM1", sid: "IM1" });
    expect(old.hasAttribute("tabindex")).toBe(false);
    expect(old.innerHTML).toBe('<div class="body">hi</div>');
  });

  it("keeps a child whose class and data-sig are the same, and only that one", () => {
    const tools = h("div", { class: "actions", data: { sig: "a" } }, "tools");
    const old = h("li", {}, h("div", { class: "body" }, "hi"), tools);
    const fresh = h("li", {}, h("div", { class: "body" }, "hi!"), h("div", { class: "actions", data: { sig: "a" } }, "tools"));
    adopt(old, fresh);
    expect(old.children[1]).toBe(tools);
    expect(old.textContent).toBe("hi!tools");
    const changed = h("li", {}, h("div", { class: "actions", data: { sig: "b" } }, "other tools"));
    adopt(old, changed);
    expect(old.children[0]).not.toBe(tools);
    expect(old.textContent).toBe("other tools");
  });
});
