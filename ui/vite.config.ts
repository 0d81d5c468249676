import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  clearScreen: false,
  // The Markdown parser's named-character decoder, replaced (see src/entities.ts).
  resolve: {
    alias: { "decode-named-character-reference": here("./src/entities.ts") },
  },
  build: { target: "es2021", outDir: "dist", emptyOutDir: true },
  test: {
    environment: "jsdom",
    // The parser runs through Vite in the tests too, so they test what the
    // window ships: the decoder above.
    server: { deps: { inline: [/micromark/, /mdast-util/, /decode-named-character-reference/] } },
  },
});
