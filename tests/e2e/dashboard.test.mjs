// Admins track completion: a member finishes the special quiz, the admin's dashboard shows
// the bars, trend line and heatmap on a phone and on a desktop, drills down to a branch's
// members, reminds the unfinished members of the quiz (who then see the notification), and
// opens the quarterly report and the audit log.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { api, startServer, launchBrowser, phonePage, screenshot, signIn } from './support.mjs';

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

test('an admin reads the dashboard, drills down, reminds, and opens the report and the audit log', async () => {
  // m001 takes the special quiz (through the API; the quiz test covers the runner).
  const m = await phonePage(browser);
  await signIn(m.page, server.base, 'm001');
  await m.page.locator('.page.home').waitFor();
  const quizzes = await api(m.page, '/api/v1/quizzes');
  const special = quizzes.json.find((q) => q.kind === 'special');
  const attempt = await api(m.page, `/api/v1/quizzes/${special.id}/attempts`, 'POST');
  assert.equal(attempt.status, 201);
  for (const q of attempt.json.questions) {
    const answer =
      q.kind === 'true_false'
        ? { kind: 'true_false', value: true }
        : q.kind === 'multiple'
          ? { kind: 'multiple', options: [0, 1] }
          : q.kind === 'fill_in'
            ? { kind: 'fill_in', blanks: Array(q.blanks).fill('两个维护') }
            : { kind: 'single', option: 0 };
    await api(m.page, `/api/v1/attempts/${attempt.json.id}/answers/${q.position}`, 'PUT', { answer });
  }
  assert.equal((await api(m.page, `/api/v1/attempts/${attempt.json.id}/submit`, 'POST')).status, 200);
  await m.context.close();

  // The dashboard on a phone.
  const { page, errors, context } = await phonePage(browser);
  await signIn(page, server.base, 'admin');
  await page.locator('.page.home').waitFor();
  // Staff enter the console from the member home; its front door is the dashboard.
  await page.click('#to-console');
  await page.locator('.page.admin-dashboard .summary').waitFor();
  await page.selectOption('select[name="p"]', 'all');
  await page.waitForURL(/p=all/);
  await page.locator('svg.chart.bars').first().waitFor();
  await page.locator('svg.chart.line').waitFor();
  await page.locator('table.heatmap').waitFor();
  const text = await page.locator('.page.admin-dashboard').innerText();
  assert.match(text, /各党支部完成率/);
  assert.match(text, new RegExp(special.title));
  await screenshot(page, 'dashboard-phone');
  // The members' progress exports as CSV in the background (a progress bar while it runs),
  // then a link to the file (BOM first, a line per member).
  await page.locator('[data-action="export-csv"]').click();
  const link = page.locator('#export-file');
  await link.waitFor();
  assert.match(await page.locator('.export-job').innerText(), /导出完成，共\d+行/);
  await screenshot(page, 'dashboard-export');
  const href = await link.getAttribute('href');
  assert.match(href, /exports\/jobs\/\d+\/file/);
  const [bom, csv] = await page.evaluate(async (u) => {
    const bytes = new Uint8Array(await (await fetch(u)).arrayBuffer());
    return [Array.from(bytes.slice(0, 3)), new TextDecoder().decode(bytes)];
  }, href);
  assert.deepEqual(bom, [0xef, 0xbb, 0xbf]);
  assert.ok(csv.startsWith('单位类别'), csv.slice(0, 40));
  assert.ok(csv.trim().split('\n').length > 40);

  // Drill down to the first branch's members.
  await page.locator('.units a').first().click();
  await page.locator('table.matrix tbody tr').first().waitFor();
  assert.match(await page.locator('.page.admin-unit').innerText(), /\d+\/\d+/);
  await screenshot(page, 'dashboard-branch');

  // Remind the members who have not finished the special quiz.
  await page.goto(server.base + '/admin/dashboard?p=all');
  await page.locator(`[data-action="remind-quiz"][data-id="${special.id}"]`).click();
  await page.locator('[data-action="confirm-remind"]').click();
  const sent = page.locator('.banner.success');
  await sent.waitFor();
  const reached = Number((await sent.innerText()).match(/\d+/)[0]);
  assert.ok(reached > 0, await sent.innerText());

  // The quarterly report and the audit log (which has the reminder).
  await page.goto(server.base + '/admin/reports?kind=quarter');
  await page.locator('.report-table').first().waitFor();
  assert.match(await page.locator('.page.admin-report').innerText(), /季度督导报告/);
  await screenshot(page, 'report-quarter');
  await page.goto(server.base + '/admin/audit');
  await page.locator('.audit li').first().waitFor();
  assert.match(await page.locator('.audit').innerText(), /reminder/);
  await screenshot(page, 'audit-log');
  assert.deepEqual(errors, []);
  await context.close();

  // A member who has not finished sees the reminder; m001, who has, does not.
  const m2 = await phonePage(browser);
  await signIn(m2.page, server.base, 'm002');
  await m2.page.locator('.page.home').waitFor();
  await m2.page.click('#to-notifications');
  await m2.page.locator('.notice.unread').first().waitFor();
  assert.match(await m2.page.locator('.notices').innerText(), new RegExp(special.title));
  await screenshot(m2.page, 'notifications');
  await m2.context.close();
  const m1 = await phonePage(browser);
  await signIn(m1.page, server.base, 'm001');
  await m1.page.locator('.page.home').waitFor();
  const mine = await api(m1.page, '/api/v1/notifications');
  assert.ok(mine.json.items.every((n) => n.item_id !== special.id || n.item_kind !== 'quiz'));
  await m1.context.close();

  // The same dashboard on a desktop.
  const d = await phonePage(browser, { width: 1280, height: 900 });
  await signIn(d.page, server.base, 'admin');
  await d.page.locator('.page.home').waitFor();
  await d.page.goto(server.base + '/admin/dashboard?p=all');
  await d.page.locator('table.heatmap').waitFor();
  await screenshot(d.page, 'dashboard-desktop');
  assert.deepEqual(d.errors, []);
  await d.context.close();
});
