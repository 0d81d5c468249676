import { describe, expect, it } from "vitest";
import type { Page } from "./api";
import { Pager } from "./pager";

function pages(): Record<string, Page<number>> {
  return {
    "/p0": { items: [1, 2], meta: { next_page_url: "http://h/p1" } },
    "http://h/p1": { items: [3, 4], meta: { next_page_url: "http://h/p2" } },
    "http://h/p2": { items: [5], meta: { next_page_url: null } },
  };
}

describe("the pager", () => {
  it("goes forward by next_page_url and back by the pages it visited", async () => {
    const seen: string[] = [];
    const p = new Pager<number>("/p0", "x", async (url) => {
      seen.push(url);
      return pages()[url]!;
    });
    await p.first();
    expect(p.items).toEqual([1, 2]);
    expect(p.hasPrevious).toBe(false);
    await p.next();
    await p.next();
    expect(p.items).toEqual([5]);
    expect(p.hasNext).toBe(false);
    expect(p.pageNumber).toBe(3);
    await p.previous();
    expect(p.items).toEqual([3, 4]);
    await p.previous();
    expect(p.items).toEqual([1, 2]);
    expect(p.hasPrevious).toBe(false);
    expect(seen).toEqual(["/p0", "http://h/p1", "http://h/p2", "http://h/p1", "/p0"]);
  });

  it("starts over from a new first page (a new search)", async () => {
    const p = new Pager<number>("/p0", "x", async (url) => pages()[url] ?? { items: [9], meta: {} });
    await p.first();
    await p.next();
    await p.first("/other");
    expect(p.items).toEqual([9]);
    expect(p.hasPrevious).toBe(false);
  });

  it("keeps its place when a move fails", async () => {
    let fail = false;
    const p = new Pager<number>("/p0", "x", async (url) => {
      if (fail) throw new Error("down");
      return pages()[url]!;
    });
    await p.first();
    fail = true;
    await expect(p.next()).rejects.toThrow("down");
    expect(p.items).toEqual([1, 2]);
    expect(p.hasPrevious).toBe(false);
  });
});
