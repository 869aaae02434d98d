import { defineConfig } from '@playwright/test';

// Browser tests drive Debian's Chromium (playwright cannot download its own
// browsers here) against the real `lanspread app` binary.
const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;

export default defineConfig({
  testDir: './tests',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  reporter: [['list']],
  outputDir: '../build/ui-test-results',
  use: {
    browserName: 'chromium',
    headless: true,
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      // Chromium's sandbox cannot run as root (CI runs as root).
      args: asRoot ? ['--no-sandbox'] : [],
    },
    viewport: { width: 1280, height: 800 },
    trace: 'off',
  },
});
