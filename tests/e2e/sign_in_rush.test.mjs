// The sign-in page when the server is busy or the throttle steps in: the member reads, next
// to the button, what happened and when to try again.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, phonePage, screenshot, signIn } from './support.mjs';

let server;
let browser;
before(async () => {
  // No waiting in line at all: any sign-in that finds the password checks busy is refused.
  server = await startServer({ BEACON_SIGN_IN_MAX_WAIT_MS: '0' });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  server?.stop();
});

/** Keeps `n` sign-ins of other members in flight until `stop()`; resolves their statuses. */
function rush(base, n) {
  let running = true;
  const statuses = [];
  const one = async (i) => {
    while (running) {
      const r = await fetch(`${base}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ username: `m${String((i % 30) + 10).padStart(3, '0')}`, password: 'Beacon2023' }),
      });
      statuses.push(r.status);
      if (r.status === 503) assert.ok(Number(r.headers.get('retry-after')) >= 1);
      await r.arrayBuffer();
    }
  };
  const all = Promise.all(Array.from({ length: n }, (_, i) => one(i)));
  return {
    stop: async () => {
      running = false;
      await all;
      return statuses;
    },
  };
}

test('in a sign-in rush the page says the server is busy and when to retry', async () => {
  const { page, context } = await phonePage(browser);
  const storm = rush(server.base, 24);
  let shown = false;
  let statuses;
  try {
    for (let tries = 0; tries < 5 && !shown; tries++) {
      // A try that got through signed in: start the next one signed out.
      await context.clearCookies();
      await signIn(page, server.base, 'm005');
      shown = await page
        .getByText('当前登录人数较多')
        .first()
        .waitFor({ timeout: 5000 })
        .then(() => true)
        .catch(() => false);
    }
  } finally {
    statuses = await storm.stop();
  }
  assert.ok(shown, 'the busy message appears on the sign-in page');
  assert.ok(statuses.every((s) => s === 200 || s === 503), `only 200 or 503: ${[...new Set(statuses)]}`);
  const message = await page.locator('.form-error').first().innerText();
  assert.match(message, /请\d+秒后再试/);
  // The message sits just above the button the member tapped.
  const error = await page.locator('.form-error').first().boundingBox();
  const button = await page.locator('#login-submit').boundingBox();
  assert.ok(button.y - (error.y + error.height) < 80, 'error next to the button');
  assert.ok(error.y + error.height < 844, 'error on screen');
  await screenshot(page, 'login-busy');
  // Once the rush is over the same member signs in.
  await signIn(page, server.base, 'm005');
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  await context.close();
});

test('after five wrong passwords the page says how long to wait', async () => {
  const { page, context } = await phonePage(browser);
  for (let i = 0; i < 5; i++) {
    await signIn(page, server.base, 'm006', `wrong-guess-${i}`);
    await page.getByText('账号或密码错误').first().waitFor();
  }
  await signIn(page, server.base, 'm006');
  await page.getByText('登录失败次数过多').first().waitFor();
  assert.match(await page.locator('.form-error').first().innerText(), /请30秒后再试|请29秒后再试/);
  await screenshot(page, 'login-throttled');
  await context.close();
});
