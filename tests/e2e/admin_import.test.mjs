// Admin pages on a phone: importing members from XLSX (a new member then signs in with the
// issued initial password and must change it first) and editing the organization tree.
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

test('an admin adds, renames and deletes a party cell on the organization page', async () => {
  const { page, errors, context } = await phonePage(browser);
  page.on('dialog', (d) => d.accept());
  await signIn(page, server.base, 'admin');
  await page.locator('.page.home').waitFor();
  await page.goto(`${server.base}/admin/org`);
  const branch = page.locator('.unit-card').first();
  await branch.waitFor();
  const branchId = await branch.locator('[data-action="rename-branch"]').getAttribute('data-id');
  await page.click(`[data-action="add-cell"][data-id="${branchId}"]`);
  // An empty name is refused in the form, before any request.
  await page.click('#unit-form button[type=submit]');
  await page.locator('#unit-form .form-error').waitFor();
  await page.fill('#unit-name', '第三党小组');
  await screenshot(page, 'admin-org-add-cell');
  await page.click('#unit-form button[type=submit]');
  const row = () => page.locator('.unit-row', { hasText: '第三党小组' });
  await row().waitFor();
  await row().locator('[data-action="rename-cell"]').click();
  assert.equal(await page.inputValue('#unit-name'), '第三党小组');
  await page.fill('#unit-name', '第三党小组（青年）');
  await page.click('#unit-form button[type=submit]');
  await page.locator('.unit-name', { hasText: '第三党小组（青年）' }).waitFor();
  const tree = await page.evaluate(async () => (await fetch('/api/v1/org')).json());
  const cells = tree.branches.find((b) => String(b.id) === branchId).cells.map((c) => c.name);
  assert.ok(cells.includes('第三党小组（青年）'), `cells: ${cells}`);
  await row().locator('[data-action="delete-cell"]').click();
  await row().waitFor({ state: 'detached' });
  assert.deepEqual(errors, []);
  await context.close();
});

test('an admin adds, finds, edits, resets and deactivates a member', async () => {
  const { page, errors, context } = await phonePage(browser);
  page.on('dialog', (d) => d.accept());
  await signIn(page, server.base, 'admin');
  await page.locator('.page.home').waitFor();
  // On a slow network the filters' choices arrive late: what is being typed stays.
  await page.route('**/api/v1/org', async (route) => {
    await new Promise((r) => setTimeout(r, 1500));
    await route.continue();
  });
  await page.goto(server.base + '/admin/members');
  await page.locator('#member-q').fill('韩');
  await page.waitForFunction(() => document.querySelectorAll('#member-branch option').length > 1);
  assert.equal(await page.inputValue('#member-q'), '韩');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'member-q');
  await page.unroute('**/api/v1/org');
  await page.locator('.members-table').waitFor();

  // A new organizer: the form checks before sending, the scope appears with the role,
  // and the cells follow the branch without losing what was typed.
  await page.click('[data-action="add"]');
  await page.locator('#member-form').waitFor();
  await page.click('#member-form button[type=submit]');
  await page.locator('#member-form .form-error').waitFor();
  await page.fill('#m-username', '20249901');
  await page.fill('#m-name', '测试组织员');
  await page.selectOption('#m-role', 'organizer');
  await page.locator('#member-form .scope').waitFor();
  const branch = await page.locator('#m-branch option').nth(1).getAttribute('value');
  await page.selectOption('#m-branch', branch);
  const tree = await page.evaluate(async () => (await fetch('/api/v1/org')).json());
  const cells = tree.branches.find((b) => String(b.id) === branch).cells.map((c) => String(c.id));
  await page.waitForFunction(
    (n) => document.querySelectorAll('#m-cell option').length === n + 1,
    cells.length,
  );
  assert.equal(await page.inputValue('#m-username'), '20249901');
  assert.equal(await page.inputValue('#m-name'), '测试组织员');
  await page.locator('#member-form input[name="scope_branch"]').first().check();
  await screenshot(page, 'admin-member-add');
  await page.click('#member-form button[type=submit]');
  const issued = page.locator('.issued');
  await issued.waitFor();
  assert.match(await issued.innerText(), /20249901/);
  assert.match(await issued.locator('code.pw').innerText(), /^[A-Za-z\d]{10}$/);
  await screenshot(page, 'admin-member-issued');
  await page.click('[data-action="close-issued"]');
  await issued.waitFor({ state: 'detached' });

  // Search goes into the URL; the row's edit button opens the form with its values.
  await page.fill('#member-q', '20249901');
  await page.press('#member-q', 'Enter');
  await page.waitForURL(/q=20249901/);
  const row = page.locator('.members-table tbody tr');
  await page.waitForFunction(() => document.querySelectorAll('.members-table tbody tr').length === 1);
  await row.locator('[data-action="edit"]').click();
  await page.locator('#member-form').waitFor();
  assert.equal(await page.inputValue('#m-name'), '测试组织员');
  assert.equal(await page.inputValue('#m-role'), 'organizer');
  await page.fill('#m-name', '测试组织员乙');
  await page.click('#member-form button[type=submit]');
  await page.locator('#member-form').waitFor({ state: 'detached' });
  await row.getByText('测试组织员乙').waitFor();
  const saved = await page.evaluate(async () => (await fetch('/api/v1/members?q=20249901')).json());
  assert.equal(saved.items[0].role, 'organizer');
  assert.equal(String(saved.items[0].branch_id), branch);
  assert.equal(saved.items[0].scope.branch_ids.length, 1);

  // Reset shows a new initial password; deactivating hides the row until the filter
  // includes deactivated accounts.
  await row.locator('[data-action="reset"]').click();
  await issued.waitFor();
  await row.locator('[data-action="deactivate"]').click();
  await page.locator('.member-list .empty').waitFor();
  await page.check('#member-inactive');
  await page.waitForURL(/include_inactive=true/);
  await page.locator('.members-table tr.inactive').waitFor();
  await screenshot(page, 'admin-members-inactive');
  await page.locator('.members-table tr.inactive [data-action="reactivate"]').click();
  await page.locator('.members-table tr.inactive').waitFor({ state: 'detached' });
  // Back walks through the filters.
  await page.goBack();
  await page.waitForURL((u) => !u.search.includes('q='));
  assert.equal(await page.inputValue('#member-q'), '');
  assert.deepEqual(errors, []);
  await context.close();
});
