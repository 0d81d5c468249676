/**
 * Paging through a Twilio-style list with Next and Previous buttons. The
 * server gives `meta.next_page_url` (absolute, followed as it is); for
 * Previous the pager keeps the stack of page URLs visited, so going back
 * shows exactly the page seen before, whatever the server's paging tokens
 * look like.
 */
import { getPage, type Page } from "./api";

export class Pager<T> {
  private stack: string[] = [];
  private current: Page<T> | null = null;
  private currentUrl: string;

  constructor(
    firstUrl: string,
    private readonly key: string,
    private readonly fetchPage: (url: string, key: string) => Promise<Page<T>> = getPage,
  ) {
    this.currentUrl = firstUrl;
  }

  /** Loads the first page. */
  async first(url?: string): Promise<Page<T>> {
    if (url) this.currentUrl = url;
    this.stack = [];
    return this.load(this.currentUrl);
  }

  /** Reloads the page shown. */
  reload(): Promise<Page<T>> {
    return this.load(this.currentUrl);
  }

  async next(): Promise<Page<T>> {
    const next = this.current?.meta.next_page_url;
    if (!next) throw new Error("no next page");
    const from = this.currentUrl;
    const page = await this.load(next);
    this.stack.push(from);
    return page;
  }

  async previous(): Promise<Page<T>> {
    const prev = this.stack[this.stack.length - 1];
    if (prev === undefined) throw new Error("no previous page");
    const page = await this.load(prev);
    this.stack.pop();
    return page;
  }

  get hasNext(): boolean {
    return Boolean(this.current?.meta.next_page_url);
  }

  get hasPrevious(): boolean {
    return this.stack.length > 0;
  }

  /** 1-based number of the page shown. */
  get pageNumber(): number {
    return this.stack.length + 1;
  }

  get items(): T[] {
    return this.current?.items ?? [];
  }

  private async load(url: string): Promise<Page<T>> {
    const page = await this.fetchPage(url, this.key);
    this.current = page;
    this.currentUrl = url;
    return page;
  }
}
