// Build settings for the operator console. The server serves dist/ at
// /console/ under a strict CSP (script-src 'self', style-src 'self'), so the
// build must not emit inline scripts or styles: no module-preload polyfill
// (it is injected inline), assets always as files.
import { defineConfig } from "vitest/config";

export default defineConfig({
  base: "/console/",
  clearScreen: false,
  build: {
    target: "es2021",
    outDir: "dist",
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    cssCodeSplit: false,
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.ts"],
  },
});
