// A demo member signs in on a phone, sees the home page, reloads, and signs out.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, phonePage, screenshot, signIn } from './support.mjs';

let server;
let browser;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  server?.stop();
});

test('the optimized build loads and shows the sign-in page', async () => {
  const { page, errors, context } = await phonePage(browser);
  const resp = await page.goto(server.base + '/');
  assert.equal(resp.status(), 200);
  await page.waitForSelector('#username');
  assert.equal(await page.getAttribute('#password', 'type'), 'password');
  await screenshot(page, 'login');
  // The wasm file is served compressed and was run through wasm-opt (much smaller than
  // an unoptimized build of the same app).
  const wasm = await page.evaluate(() =>
    performance.getEntriesByType('resource').find((e) => e.name.endsWith('.wasm')),
  );
  assert.ok(wasm, 'the wasm module was fetched');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a member signs in, sees home, survives a reload, and signs out', async () => {
  const { page, errors, context } = await phonePage(browser);
  await signIn(page, server.base, 'm001');
  const home = page.locator('.page.home');
  await home.waitFor();
  const me = await (await fetch(server.base + '/api/health')).json();
  assert.equal(me.database, true);
  const text = await home.innerText();
  assert.match(text, /党支部/);
  await screenshot(page, 'member-home');
  // The page reloads into the same session (HttpOnly cookie).
  await page.reload();
  await page.locator('.page.home').waitFor();
  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name === 'beacon_session');
  assert.ok(session?.httpOnly, 'session cookie is HttpOnly');
  // Nothing overflows the phone's width.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`);
  // Sign-out sits in the account menu and asks first.
  await page.click('#account');
  await page.click('#logout');
  await page.click('#logout-confirm');
  await page.waitForSelector('#username');
  const after = await page.evaluate(async () => (await fetch('/api/v1/auth/me')).status);
  assert.equal(after, 401);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a wrong password shows a clear Chinese message', async () => {
  const { page, context } = await phonePage(browser);
  await signIn(page, server.base, 'm002', 'not-my-password1');
  await page.getByText('账号或密码错误').first().waitFor();
  await screenshot(page, 'login-error');
  await context.close();
});

test("every member page at a desk (1280x800) fits the window", async () => {
  const { page, errors, context } = await phonePage(browser, { width: 1280, height: 800 });
  await signIn(page, server.base, 'm002');
  await page.locator('.page.home').waitFor();
  const visit = async (path, selector, name) => {
    await page.goto(server.base + path);
    await page.locator(selector).first().waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${path} is ${overflow}px wider than the window`);
    await screenshot(page, `desk-member-${name}`);
  };
  await visit('/', '.page.home .today .task', 'home');
  await visit('/study', '.page.study .module-card', 'study');
  const module = await page.locator('.module-card').first().getAttribute('href');
  await visit(module, '.page.module .lesson-row', 'module');
  const lesson = await page.locator('.lesson-row').first().getAttribute('href');
  await visit(lesson, '.page.lesson .prose', 'lesson');
  await visit('/quizzes', '.page.quizzes .quiz-card', 'quizzes');
  await visit('/history', '.page.history', 'history');
  await visit('/mistakes', '.page.mistakes .card', 'mistakes');
  await visit('/ranking', '.page.ranking .rank-row', 'ranking');
  await visit('/notifications', '.page.notifications .notices', 'notifications');
  await visit('/reports', '.page.my-reports-page .card', 'reports');
  await visit('/points', '.page.points-guide .guide-rule', 'points');
  await visit('/password', '#password-form', 'password');
  await visit('/nope', '.page.not-found', 'not-found');
  assert.deepEqual(errors, []);
  await context.close();
});
