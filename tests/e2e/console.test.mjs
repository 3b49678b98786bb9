// The console shell and the people/organization pages at a desk (1280x800) and on a phone
// (390x844): the side navigation (a strip under the top bar on a phone) lists the pages the
// user may open with the current one
// marked, bare /admin opens the dashboard, nothing is wider than the screen, and every
// page is photographed at both sizes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { SCREENSHOTS, api, startServer, launchBrowser, phonePage, screenshot, signIn } from './support.mjs';

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

const DESK = { width: 1280, height: 800 };

/** The pages and what shows each has loaded. */
const PAGES = [
  ['dashboard', '/admin/dashboard?p=all', '.page.admin-dashboard .summary'],
  ['reports', '/admin/reports?kind=quarter', '.report-table'],
  ['members', '/admin/members', '.members-table'],
  ['org', '/admin/org', '.unit-card'],
  ['points', '/admin/points', '#points-form'],
  ['audit', '/admin/audit', '.audit li'],
];

async function noOverflow(page, what) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `${what} is ${overflow}px wider than the screen`);
}

for (const [size, viewport] of [['desk', DESK], ['phone', undefined]]) {
  test(`an admin's console pages at ${size} size`, { timeout: 120_000 }, async () => {
    const { page, errors, context } = await phonePage(browser, viewport);
    await signIn(page, server.base, 'admin');
    await page.locator('.page.home').waitFor();
    // Changes for the audit log to show: a branch renamed and back.
    const tree = (await api(page, '/api/v1/org')).json;
    const b = tree.branches[0];
    for (const name of [`${b.name}（临时）`, b.name]) {
      assert.equal((await api(page, `/api/v1/branches/${b.id}`, 'PATCH', { name })).status, 204);
    }
    // Bare /admin is the dashboard.
    await page.goto(server.base + '/admin');
    await page.locator('.page.admin-dashboard').waitFor();
    assert.match(await page.title(), /管理后台/);
    const side = page.locator('.side-nav');
    if (size === 'desk') {
      await side.waitFor();
      assert.equal(await side.locator('a[aria-current="page"]').getAttribute('href'), '/admin/dashboard');
      assert.equal(await side.locator('a[href="/admin/audit"]').count(), 1, 'admins see the audit log');
      assert.equal(await side.locator('a[href="/"]').count(), 1, 'a way back to the member app');
      assert.equal(await page.locator('.bottom-nav').isVisible(), false);
    } else {
      // On a phone the same links are a strip under the top bar: every console page is
      // one tap away, and opening one keeps the strip.
      await side.waitFor();
      assert.equal(await side.locator('a[aria-current="page"]').getAttribute('href'), '/admin/dashboard');
      assert.equal(await side.locator('a[href="/admin/audit"]').count(), 1);
      const h = await side.locator('a[href="/admin/members"]').evaluate((a) => a.getBoundingClientRect().height);
      assert.ok(h >= 44, `nav links are ${h}px tall`);
      await side.locator('a[href="/admin/members"]').click();
      await page.waitForURL(/\/admin\/members$/);
      await page.locator('.side-nav a[aria-current="page"][href="/admin/members"]').waitFor();
      assert.ok(await page.locator('.bottom-nav a[href="/"]').isVisible());
    }
    for (const [name, url, ready] of PAGES) {
      await page.goto(server.base + url);
      await page.locator(ready).first().waitFor();
      {
        const here = await page.locator('.side-nav a[aria-current="page"]').getAttribute('href');
        assert.equal(here, new URL(url, server.base).pathname, `${name} is marked`);
      }
      await noOverflow(page, name);
      await screenshot(page, `console-${name}-${size}`);
      // What the first screen shows, too (a phone's full page is too tall to read).
      if (size === 'phone') {
        await page.screenshot({ path: path.join(SCREENSHOTS, `console-${name}-phone-top.png`) });
      }
    }
    // A unit's members, from the dashboard (marked as the dashboard).
    await page.goto(server.base + '/admin/dashboard?p=all');
    await page.locator('.units a').first().click();
    await page.locator('.unit-table table.matrix tbody tr').first().waitFor();
    if (size === 'desk') {
      assert.equal(await page.locator('.side-nav a[aria-current="page"]').getAttribute('href'), '/admin/dashboard');
    }
    await noOverflow(page, 'unit');
    await screenshot(page, `console-unit-${size}`);
    // The member editor: its fields in columns at a desk, a bottom sheet on a phone; the
    // check before sending puts its message beside the buttons.
    await page.goto(server.base + '/admin/members');
    await page.locator('.members-table').waitFor();
    await page.click('[data-action="add"]');
    await page.locator('#member-form').waitFor();
    await page.click('#member-form button[type=submit]');
    const problem = page.locator('#member-form .form-actions .form-error');
    await problem.waitFor();
    assert.ok(await problem.isVisible());
    const box = await problem.boundingBox();
    assert.ok(box.y >= 0 && box.y + box.height <= page.viewportSize().height, 'the error is on screen');
    await page.screenshot({ path: path.join(SCREENSHOTS, `console-member-editor-${size}.png`) });
    await page.keyboard.press('Escape');
    await page.locator('#member-form').waitFor({ state: 'detached' });
    // At a desk, members sort by a column over the page shown (phones stack the rows as
    // cards, without the header row).
    if (size === 'desk') {
      await page.goto(server.base + '/admin/members');
      await page.locator('.members-table').waitFor();
      const names = () => page.locator('.members-table tbody .cell-name strong').allInnerTexts();
      await page.locator('.members-table th button', { hasText: '姓名' }).click();
      const down = await names();
      assert.deepEqual(down, [...down].sort().reverse(), 'a second click sorts descending');
      assert.equal(await page.locator('.members-table th[aria-sort="descending"]').count(), 1);
      // Everyone's progress exports from the members page too.
      await page.locator('.members-export [data-action="export-xlsx"]').click();
      await page.locator('.members-export #export-file').waitFor();
      assert.match(await page.locator('.members-export').innerText(), /导出完成/);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'console-members-export-desk.png') });
    }
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test("an organizer's side navigation leaves out the admin's pages", async () => {
  const { page, errors, context } = await phonePage(browser, DESK);
  await signIn(page, server.base, 'org1');
  await page.locator('.page.home').waitFor();
  await page.goto(server.base + '/admin/');
  await page.locator('.page.admin-dashboard').waitFor();
  const side = page.locator('.side-nav');
  await side.waitFor();
  assert.equal(await side.locator('a[href="/admin/members"]').count(), 1);
  assert.equal(await side.locator('a[href="/admin/audit"]').count(), 0);
  assert.equal(await side.locator('a[href="/admin/points"]').count(), 0);
  await page.goto(server.base + '/admin/members');
  await page.locator('.members-table').waitFor();
  await screenshot(page, 'console-members-organizer-desk');
  assert.deepEqual(errors, []);
  await context.close();
});
