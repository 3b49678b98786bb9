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
  await page.click('#to-console');
  await page.locator('.page.admin-dashboard').waitFor();
  await page.goto(`${server.base}/admin/questions`);
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
  // The results are a table: the row names the category, its stem links to the editor.
  const row = page.locator('.questions tr', { hasText: '支部学习题库' }).first().locator('a');
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
  await page.locator('#new-quiz').waitFor();
  await page.locator('.skeleton').waitFor({ state: 'detached' });
  await screenshot(page, 'quizzes');
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
  // The list on a phone: each quiz a card of labelled cells.
  await page.goto(server.base + '/admin/quizzes');
  await page.locator('.quizzes-table tbody tr').first().waitFor();
  await screenshot(page, 'quizzes-list');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the question and quiz pages fit a desk: tables, columns, search under its box, errors at their field', async () => {
  const { page, errors, context } = await phonePage(browser, { width: 1280, height: 800 });
  await signIn(page, server.base, 'org1');
  await page.locator('.page.home').waitFor();

  // The bank: a table with column headers that sort; Enter in the search box searches.
  await page.goto(server.base + '/admin/questions');
  await page.locator('.questions tbody tr').first().waitFor();
  assert.ok((await page.locator('.questions thead th').count()) >= 5);
  const difficulty = page.locator('.questions thead th', { hasText: '难度' });
  await difficulty.locator('button').click();
  assert.equal(await difficulty.getAttribute('aria-sort'), 'ascending');
  // Paging: the next page is the URL's.
  await page.locator('.pager .btn').last().click();
  await page.waitForFunction(() => location.search.includes('page=2'));
  await page.locator('.pager-info', { hasText: '2' }).waitFor();
  await page.fill('input[name="q"]', '党');
  await page.press('input[name="q"]', 'Enter');
  await page.waitForFunction(() => location.search.includes('q=%E5%85%9A'));
  await page.locator('.questions tbody tr').first().waitFor();
  const box = await page.locator('input[name="q"]').boundingBox();
  const table = await page.locator('.questions').boundingBox();
  assert.ok(table.y > box.y, 'results under the search box');
  await screenshot(page, 'desk-question-bank');

  // The editor: the form in columns, beside it what the question lacks (issue 22).
  await page.locator('.questions tbody tr a').first().click();
  await page.locator('#question-checks').waitFor();
  await page.fill('input[name="source"]', '');
  await page.locator('#question-checks .missing', { hasText: '出处' }).waitFor();
  await page.fill('textarea[name="stem"]', '');
  await page.click('#q-save');
  const stemError = page.locator('#q-form .form-error');
  await stemError.waitFor();
  assert.match(await stemError.innerText(), /题干/);
  // The save button is far below the stem: the page brings the field and its error into view.
  assert.equal(await page.evaluate(() => document.activeElement?.name), 'stem');
  const err = await stemError.boundingBox(); // relative to the viewport
  assert.ok(err.y >= 0 && err.y + err.height <= 800, 'the error is on screen');
  await screenshot(page, 'desk-question-editor');

  // Imports: upload form and preview.
  await page.goto(server.base + '/admin/import');
  await page.waitForSelector('#import-file', { state: 'attached' });
  await screenshot(page, 'desk-import-upload');
  await page.setInputFiles('#import-file', path.join(root, 'tests/e2e/fixtures/question-bank.xlsx'));
  await page.click('#import-preview');
  await page.locator('#preview').waitFor({ timeout: 30_000 });
  assert.match(await page.locator('#preview').innerText(), /单选题\s+\d+/);
  await screenshot(page, 'desk-import-preview');

  // The quiz list, sortable.
  await page.goto(server.base + '/admin/quizzes');
  await page.locator('.quizzes-table tbody tr').first().waitFor();
  await page.locator('.quizzes-table thead th', { hasText: '交卷人次' }).locator('button').click();
  await screenshot(page, 'desk-quizzes');

  // The builder: Enter in the question search searches and does not submit the quiz; the
  // results are right under the box; a missing title is said at the title.
  await page.goto(server.base + '/admin/quizzes/new');
  await page.waitForSelector('#quiz-form');
  await page.fill('#pick-q', '党');
  await page.press('#pick-q', 'Enter');
  await page.locator('.picks li').first().waitFor();
  assert.match(page.url(), /\/admin\/quizzes\/new$/, 'Enter did not save the quiz');
  assert.equal(await page.locator('#quiz-form .form-error').count(), 0, 'nor tried to');
  const pick = await page.locator('#pick-q').boundingBox();
  const results = await page.locator('.picks').boundingBox();
  assert.ok(results.y > pick.y && results.y - pick.y < 120, 'results right under the box');
  await page.locator('.picks [data-action="add-q"]').first().click();
  await page.locator('.picked li').first().waitFor();
  await page.click('#quiz-save');
  const titleError = page.locator('.quiz-basics .form-error');
  await titleError.waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.name), 'title');
  assert.match(await titleError.innerText(), /测验名称/);
  await screenshot(page, 'desk-quiz-builder');

  // Item analysis of a quiz that members answered.
  const quizzes = await api(page, '/api/v1/manage/quizzes');
  const answered = quizzes.json.find((q) => q.attempts > 0);
  assert.ok(answered, 'a quiz with attempts');
  await page.goto(`${server.base}/admin/quizzes/${answered.id}/analysis`);
  await page.locator('.item').first().waitFor();
  await screenshot(page, 'desk-item-analysis');
  await page.goto(`${server.base}/admin/quizzes/${answered.id}`);
  await page.locator('.badge.status-published, .badge.status-closed, .badge.status-draft').first().waitFor();
  await screenshot(page, 'desk-quiz-published');
  assert.deepEqual(errors, []);
  await context.close();
});
