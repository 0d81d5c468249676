import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  clearScreen: false,
  // The Markdown parser's named-character decoder, replaced (see src/entities.ts).
  resolve: {
    alias: { "decode-named-character-reference": here("./src/entities.ts") },
  },
  build: {
    target: "es2021",
    outDir: "dist",
    emptyOutDir: true,
    // The emoji picker's data (emoji.ts), one chunk a language, read when
    // the picker first opens; the only chunks over Vite's 500 kB warning.
    chunkSizeWarningLimit: 600,
    rollupOptions: {
      output: {
        chunkFileNames: (chunk) => {
          const lang = /emojibase-data\/([\w-]+)\//.exec(chunk.facadeModuleId ?? "")?.[1];
          return lang ? `assets/emoji-${lang}-[hash].js` : "assets/[name]-[hash].js";
        },
      },
    },
  },
  test: {
    environment: "jsdom",
    setupFiles: ["src/test-setup.ts"],
    // The parser runs through Vite in the tests too, so they test what the
    // window ships: the decoder above.
    server: { deps: { inline: [/micromark/, /mdast-util/, /decode-named-character-reference/] } },
  },
});
