// Shared pieces of the end-to-end tests: a real `beacon` server on a fresh SQLite database
// with the demo data, and Debian's headless Chromium driven by playwright-core at phone size.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(here, '../..');
const require = createRequire(path.join(root, 'tools', 'package.json'));
const { chromium } = require('playwright-core');

export const SCREENSHOTS = path.join(root, 'target', 'e2e-screenshots');
export const PHONE = { width: 390, height: 844 };

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** Starts the server (with extra environment settings); resolves once /api/health answers. */
export async function startServer(env = {}) {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'beacon-e2e-'));
  const bin = process.env.BEACON_BIN || path.join(root, 'target', 'debug', 'beacon');
  const proc = spawn(bin, ['serve', '--demo'], {
    cwd: root,
    env: {
      ...process.env,
      BEACON_ADDR: `127.0.0.1:${port}`,
      DATABASE_URL: `sqlite:${path.join(dir, 'beacon.db')}`,
      BEACON_STATIC_DIR: path.join(root, 'frontend', 'dist'),
      BEACON_LOG: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  proc.stdout.on('data', (d) => (output += d));
  proc.stderr.on('data', (d) => (output += d));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`beacon exited early:\n${output}`);
    try {
      const r = await fetch(`${base}/api/health`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      proc.kill();
      throw new Error(`beacon did not start within 30 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    base,
    output: () => output,
    stop: () => proc.kill('SIGINT'),
  };
}

/** Headless Debian Chromium with the flags this machine needs. */
export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * A fresh phone-sized page; console errors and page crashes fail the test via `errors`.
 * `options` are more of playwright's context options (e.g. `{ serviceWorkers: 'block' }`).
 */
export async function phonePage(browser, viewport = PHONE, options = {}) {
  const context = await browser.newContext({
    ...options,
    viewport,
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
  });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) {
      errors.push(`console: ${m.text()}`);
    }
  });
  return { context, page, errors };
}

export async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Signs in through the real sign-in form. */
export async function signIn(page, base, username, password = 'Beacon2023') {
  await page.goto(`${base}/login`);
  await page.fill('#username', username);
  await page.fill('#password', password);
  await page.click('#login-submit');
}

/** A request from inside the page, with its session cookie: `{ status, json }`. */
export function api(page, url, method = 'GET', body) {
  return page.evaluate(
    async ([url, method, body]) => {
      const r = await fetch(url, {
        method,
        headers: body ? { 'Content-Type': 'application/json' } : {},
        body: body ? JSON.stringify(body) : undefined,
      });
      return { status: r.status, json: await r.json().catch(() => null) };
    },
    [url, method, body],
  );
}
