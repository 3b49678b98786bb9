// An organizer on a phone: uploads an XLSX question bank (preview, confirm, progress),
// opens a question in the editor, builds a quiz from the bank for their branch and publishes
// it; a member of that branch takes it; the organizer reads the item analysis.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { api, root, startServer, launchBrowser, phonePage, screenshot, signIn } from './support.mjs';

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

test('an organizer imports an XLSX bank, builds and publishes a quiz, and reads its analysis', async () => {
  const { page, errors, context } = await phonePage(browser);
  await signIn(page, server.base, 'org1');
  await page.locator('.page.home').waitFor();
  await page.click('#to-bank');
  await page.locator('.page.admin-questions').waitFor();
  const count = async () =>
    (await api(page, '/api/v1/questions?q=%E4%B8%89%E4%BC%9A%E4%B8%80%E8%AF%BE')).json.total;
  const before = await count();
  await page.click('#to-import');

  // Upload: the preview counts the kinds and writes nothing yet.
  await page.waitForSelector('#import-file', { state: 'attached' });
  await page.setInputFiles('#import-file', path.join(root, 'tests/e2e/fixtures/question-bank.xlsx'));
  await screenshot(page, 'import-upload');
  await page.click('#import-preview');
  const preview = page.locator('#preview');
  await preview.waitFor({ timeout: 30_000 });
  const text = await preview.innerText();
  assert.match(text, /question-bank\.xlsx/);
  assert.match(text, /单选题\s+3/);
  assert.match(text, /多选题\s+2/);
  assert.match(text, /支部学习题库/);
  await screenshot(page, 'import-preview');
  assert.equal(await count(), before, 'the preview wrote nothing');

  // Confirm: the import runs in the background and reports when it is done.
  await page.click('[data-action="confirm"]');
  await page.locator('#to-questions').waitFor({ timeout: 30_000 });
  assert.match(await page.locator('.banner.success').innerText(), /新增8道/);
  await screenshot(page, 'import-done');
  assert.equal(await count(), before + 1);

  // The bank lists the new questions; one opens in the editor with the members' preview.
  await page.click('#to-questions');
  await page.locator('.page.admin-questions').waitFor();
  await page.fill('input[name="q"]', '三会');
  await page.click('#filter button[type="submit"]');
  const row = page.locator('.questions a', { hasText: '支部学习题库' });
  await row.waitFor();
  // A selection exports on its own.
  await page.locator('.pick-row input[name="sel"]').first().check();
  const link = page.locator('#export-selection a', { hasText: 'CSV' });
  await link.waitFor();
  const csv = await page.evaluate(async (u) => (await fetch(u)).text(), await link.getAttribute('href'));
  assert.equal(csv.trim().split('\n').length, 2, csv);
  await screenshot(page, 'question-bank');
  await row.click();
  await page.locator('.page.admin-question .review').waitFor();
  assert.match(await page.locator('.review').innerText(), /支部党员大会/);
  assert.equal(await page.inputValue('input[name="key"]'), 'ABC');
  await screenshot(page, 'question-editor');

  // Build a quiz from three questions for the first branch and publish it.
  await page.goto(server.base + '/admin/quizzes');
  await page.click('#new-quiz');
  await page.waitForSelector('#quiz-form');
  await page.fill('input[name="title"]', '支部学习测验');
  await page.fill('#pick-q', '党');
  await page.click('[data-action="search"]');
  for (let n = 0; n < 3; n++) {
    await page.locator('.picks [data-action="add-q"]').first().click();
    await page.waitForFunction((k) => document.querySelectorAll('.picked li').length === k, n + 1);
  }
  const branch = await page.locator('select[name="owner"]').inputValue();
  await page.check(`input[name="aud"][value="${branch}"]`);
  await page.fill('input[name="pass_mark"]', '60');
  await screenshot(page, 'quiz-builder');
  await page.click('#quiz-save');
  await page
    .waitForFunction(() => /\/admin\/quizzes\/\d+$/.test(location.pathname), null, { timeout: 15_000 })
    .catch(async (e) => {
      await screenshot(page, 'quiz-save-failed');
      throw new Error(`${e.message}: ${await page.locator('.page').innerText()}`);
    });
  const quizId = Number(page.url().split('/').pop());
  await page.locator('.badge.status-draft').waitFor();
  await page.click('[data-action="publish"]');
  await page.locator('.badge.status-published').waitFor();
  await screenshot(page, 'quiz-published');
  const saved = await api(page, `/api/v1/manage/quizzes/${quizId}`);
  assert.equal(saved.json.questions.length, 3);
  assert.equal(saved.json.pass_mark, 60);
  assert.deepEqual(saved.json.audience.branch_ids, [Number(branch.slice(2))]);

  // A member of that branch sees it and answers it (through the API, as the quiz test
  // covers the runner).
  const members = await api(page, '/api/v1/members?per_page=100');
  const member = members.json.items.find(
    (m) => m.role === 'member' && m.branch_id === Number(branch.slice(2)),
  );
  assert.ok(member, 'a member in the branch');
  const m = await phonePage(browser);
  await signIn(m.page, server.base, member.username);
  await m.page.locator('.page.home').waitFor();
  await m.page.goto(server.base + '/quizzes');
  await m.page.getByText('支部学习测验').waitFor();
  const attempt = await api(m.page, `/api/v1/quizzes/${quizId}/attempts`, 'POST');
  assert.equal(attempt.status, 201);
  for (const q of attempt.json.questions) {
    const answer =
      q.kind === 'true_false'
        ? { kind: 'true_false', value: true }
        : q.kind === 'multiple'
          ? { kind: 'multiple', options: [0] }
          : q.kind === 'fill_in'
            ? { kind: 'fill_in', blanks: Array(q.blanks).fill('两个维护') }
            : { kind: 'single', option: 0 };
    const r = await api(m.page, `/api/v1/attempts/${attempt.json.id}/answers/${q.position}`, 'PUT', { answer });
    assert.equal(r.status, 200);
  }
  assert.equal((await api(m.page, `/api/v1/attempts/${attempt.json.id}/submit`, 'POST')).status, 200);
  assert.deepEqual(m.errors, []);
  await m.context.close();

  // The organizer reads the analysis of the answered quiz.
  await page.goto(`${server.base}/admin/quizzes/${quizId}/analysis`);
  await page.locator('.item').first().waitFor();
  assert.match(await page.locator('.page.admin-analysis').innerText(), /已交卷1人次/);
  assert.equal(await page.locator('.item').count(), 3);
  await screenshot(page, 'item-analysis');
  // Answered: the builder shows the questions locked.
  await page.goto(`${server.base}/admin/quizzes/${quizId}`);
  await page.locator('.banner.info').waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});
