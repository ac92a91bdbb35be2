/// <reference types="vitest/config" />
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const backend = "http://127.0.0.1:8000";

// `npm run build` builds twice into dist/: the console (index.html), then, with `--mode docs`,
// the API's docs page (docs.html: Swagger UI, which the backend serves at /api/v1/docs). Apart,
// the two share no chunk (one build of both would put Rolldown's runtime helpers in a chunk of
// their own that the console then loads too), so the console loads exactly what it did before.
export default defineConfig(({ mode }) => {
  const docs = mode === "docs";
  return {
    plugins: [react()],
    resolve: { tsconfigPaths: true },
    server: {
      proxy: {
        "/api": { target: backend, changeOrigin: false },
        "/healthz": { target: backend, changeOrigin: false },
      },
    },
    build: {
      outDir: "dist",
      emptyOutDir: !docs,
      // Never inline assets as data: URLs, so the CSP needs no data: sources.
      assetsInlineLimit: 0,
      // The console: each page is a lazy chunk (src/app/router.tsx). The libraries every page
      // needs get chunks of their own, which change less often than the app's code; Mantine is
      // left to automatic splitting, so a page loads only the components it uses.
      ...(!docs && {
        rolldownOptions: {
          output: {
            codeSplitting: {
              groups: [
                { name: "react", test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
                { name: "router", test: /node_modules[\\/](react-router|cookie)[\\/]/ },
                { name: "query", test: /node_modules[\\/]@tanstack[\\/]/ },
              ],
            },
          },
        },
        // Guard: no chunk may grow past 250 kB again (the build warns).
        chunkSizeWarningLimit: 250,
      }),
      ...(docs && {
        copyPublicDir: false, // the console's build copied public/ already
        rolldownOptions: { input: fileURLToPath(new URL("docs.html", import.meta.url)) },
        // Swagger UI is one 1.5 MB module; only the docs page loads it.
        chunkSizeWarningLimit: 2000,
      }),
    },
    test: {
      restoreMocks: true,
      unstubGlobals: true,
      // Unit tests (*.test.ts) run in Node; component tests (*.test.tsx) in jsdom with
      // Testing Library (src/testing/).
      projects: [
        {
          extends: true,
          test: { name: "unit", environment: "node", include: ["src/**/*.test.ts"] },
        },
        {
          extends: true,
          test: {
            name: "components",
            environment: "jsdom",
            include: ["src/**/*.test.tsx"],
            setupFiles: ["src/testing/setup-dom.ts"],
            // Rendering Mantine in jsdom is slow on a busy machine.
            testTimeout: 20_000,
          },
        },
      ],
    },
  };
});
