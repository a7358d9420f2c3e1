import preact from "@preact/preset-vite";
import { defineConfig } from "vite";

// Built to web/dist, which the Worker serves as static assets (wrangler.toml [assets]).
// `vite` dev server (optional) proxies the API and the realtime socket to `wrangler dev`.
export default defineConfig({
  root: import.meta.dirname,
  plugins: [preact()],
  build: { outDir: "dist", emptyOutDir: true, target: "es2022" },
  server: {
    proxy: {
      "/api": { target: "http://127.0.0.1:8787", ws: true },
      "/webhooks": "http://127.0.0.1:8787",
      "/healthz": "http://127.0.0.1:8787",
    },
  },
});
