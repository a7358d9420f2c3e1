import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

const root = import.meta.dirname;

export default defineConfig({
  test: {
    projects: [
      {
        // Worker tests run inside workerd with real D1, Durable Objects, Queues and R2.
        plugins: [
          cloudflareTest(async () => ({
            wrangler: { configPath: "./wrangler.toml" },
            remoteBindings: false,
            miniflare: {
              bindings: {
                TEST_MIGRATIONS: await readD1Migrations(path.join(root, "migrations")),
                ADMIN_TOKEN: "test-admin-token-0123456789",
                EVOLUTION_API_KEY: "test-global-key",
                // Outbound Evolution calls in tests are routed to the in-process simulator
                // (worker/test/simulator-harness.ts); nothing leaves the machine.
                EVOLUTION_URL: "http://evolution.test",
                BASE_URL: "http://parley.test",
              },
            },
          })),
        ],
        test: {
          name: "worker",
          include: ["worker/test/**/*.test.ts"],
          setupFiles: ["worker/test/apply-migrations.ts"],
          // The property-based files run hundreds of deliveries per test (3–4 s alone on 2 cores);
          // 5 s was too tight when the e2e stack shares the machine.
          testTimeout: 30_000,
          silent: "passed-only",
        },
      },
      {
        // Browser tests: a real `wrangler dev` stack driven by headless Chromium.
        test: {
          name: "e2e",
          include: ["e2e/**/*.test.ts"],
          environment: "node",
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
          // A whole local stack shares 2 cores with the workerd suite: one retry absorbs a
          // scheduling hiccup; a real failure fails twice.
          retry: 1,
        },
      },
    ],
  },
});
