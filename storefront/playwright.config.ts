import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig } from "@playwright/test";

// End-to-end tests drive Debian's Chromium (Playwright's own browser download is not used)
// against the `make dev` stack: the router on :4000 and this storefront on :3000.
// `make test-storefront` runs them inside a private network namespace, so those ports
// never collide with another stack on the machine. STOREFRONT_URL points the tests at a
// stack that is already running instead of starting one.
const external = process.env.STOREFRONT_URL;
const baseURL = external ?? "http://127.0.0.1:3000";

export const ADMIN_PASSWORD = process.env.SHOPGRAPH_ADMIN_PASSWORD ?? "e2e-admin-password";

export default defineConfig({
  testDir: "tests/e2e",
  outputDir: "test-results",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 20_000 },
  reporter: [["list"], ["html", { open: "never", outputFolder: "playwright-report" }]],
  use: {
    baseURL,
    screenshot: "on",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
      ],
    },
  },
  webServer: external
    ? undefined
    : {
        // `make dev` serves the platform and (bootstrap/storefront.py) this storefront; the
        // home page answers 200 only once the router has composed the seeded subgraphs.
        command: "make -C .. dev",
        url: `${baseURL}/`,
        timeout: 600_000,
        reuseExistingServer: false,
        gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
        stdout: "pipe",
        env: {
          SHOPGRAPH_DATA_DIR: mkdtempSync(join(tmpdir(), "storefront-e2e-")),
          SHOPGRAPH_ADMIN_PASSWORD: ADMIN_PASSWORD,
          SHOPGRAPH_LOG_JSON: "false",
          NEXT_TELEMETRY_DISABLED: "1",
        },
      },
});
