// An admin imports members from an XLSX file on a phone; a new member then signs in with
// the issued initial password and must change it first.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { root, startServer, launchBrowser, phonePage, screenshot, signIn } from './support.mjs';

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

test('an admin imports members from XLSX and a new member changes the initial password', async () => {
  const { page, errors, context } = await phonePage(browser);
  await signIn(page, server.base, 'admin');
  await page.locator('.page.home').waitFor();
  await page.goto(server.base + '/admin/members');
  await page.waitForSelector('#import-file', { state: 'attached' });
  await screenshot(page, 'admin-members');
  await page.setInputFiles('#import-file', path.join(root, 'tests/e2e/fixtures/members.xlsx'));
  await page.click('#import-submit');
  const result = page.locator('#import-result');
  await result.getByText('20240104').waitFor({ timeout: 30_000 });
  const text = await result.innerText();
  assert.match(text, /4/);
  await screenshot(page, 'admin-import-result');

  // The server has the four accounts, in the right branches.
  const list = await page.evaluate(async () => (await fetch('/api/v1/members?q=202401')).json());
  assert.equal(list.total, 4);
  assert.ok(list.items.every((m) => m.must_change_password));

  // The initial password shown to the admin works once, then must be changed.
  const row = result.locator('tr', { hasText: '20240101' });
  const initial = (await row.innerText()).split(/\s+/).find((w) => /^(?=.*[A-Za-z])(?=.*\d)[A-Za-z\d]{10}$/.test(w));
  assert.ok(initial, `an initial password is shown: ${await row.innerText()}`);
  await page.click('#logout');
  await page.waitForSelector('#username');
  await signIn(page, server.base, '20240101', initial);
  await page.waitForSelector('#new-password');
  await screenshot(page, 'first-sign-in-password');
  await page.fill('#current-password', initial);
  await page.fill('#new-password', 'HanXue2024');
  await page.fill('#confirm-password', 'HanXue2024');
  await page.click('#password-submit');
  await page.locator('.page.home').waitFor();
  assert.match(await page.locator('.page.home').innerText(), /韩雪/);
  assert.deepEqual(errors, []);
  await context.close();
});
