// The window's colour theme: the system's (no `data-theme` on <html>, so
// style.css follows `prefers-color-scheme`), or light or dark chosen in
// Settings (`data-theme="light"` / `"dark"`). The choice is the window's
// own and kept in localStorage; it is applied when this module is
// evaluated, which main.ts makes the first thing the entry module does, so
// the first frame already has it (the shell shows the window only once the
// page has loaded). settings.ts draws the select.

export type Theme = "light" | "dark";

/** Where the choice is kept; no entry is the system's theme. */
export const THEME_KEY = "parley-theme";

const isTheme = (v: unknown): v is Theme => v === "light" || v === "dark";

/** The theme chosen, or null for the system's. */
export function storedTheme(): Theme | null {
  try {
    const v = localStorage.getItem(THEME_KEY);
    return isTheme(v) ? v : null;
  } catch {
    return null;
  }
}

/** Shows `theme` (null: the system's). */
export function applyTheme(theme: Theme | null, root: HTMLElement = document.documentElement): void {
  if (theme) root.dataset.theme = theme;
  else delete root.dataset.theme;
}

/** Chooses `theme` (null: the system's), keeps it and shows it. */
export function setTheme(theme: Theme | null): void {
  try {
    if (theme) localStorage.setItem(THEME_KEY, theme);
    else localStorage.removeItem(THEME_KEY);
  } catch {
    // No storage: the choice holds until the window reloads.
  }
  applyTheme(theme);
}

applyTheme(storedTheme());
