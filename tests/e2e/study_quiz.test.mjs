// A member on a phone reads a lesson (study time credited by heartbeats while the page is
// visible and focused), takes the daily quiz one question per screen, sees the graded
// result with explanations and sources, and finds the missed question in the mistake book.
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

async function noOverflow(page, what) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `${what} is ${overflow}px wider than the screen`);
}

async function api(page, url) {
  return page.evaluate(async (u) => (await fetch(u)).json(), url);
}

test('a member reads a lesson, takes the daily quiz and finds the mistake', { timeout: 180_000 }, async () => {
  const { page, errors, context } = await phonePage(browser);
  page.on('dialog', (d) => d.accept());
  await signIn(page, server.base, 'm003');

  // Home lists today's tasks.
  const home = page.locator('.page.home');
  await home.locator('.task.daily').waitFor();
  assert.match(await home.locator('.tasks').innerText(), /每日答题[\s\S]*去完成/);
  await screenshot(page, 'member-home-tasks');

  // Study: module list -> module -> first lesson.
  await page.click('.bottom-nav a[href="/study"]');
  const card = page.locator('.page.study .module-card', { hasText: '2023年党建工作要点' });
  await card.waitFor();
  // Each card links to its module and shows its track and lessons done, with a progress bar.
  assert.match(await card.getAttribute('href'), /^\/modules\/\d+$/);
  assert.match(await card.innerText(), /理论学习[\s\S]*已学\d+\/\d+课/);
  assert.equal(await card.locator('[role="progressbar"]').count(), 1);
  await noOverflow(page, 'the study page');
  await screenshot(page, 'study');
  await card.click();
  await page.locator('.page.module .lesson-row').first().waitFor();
  await noOverflow(page, 'the module page');
  await screenshot(page, 'module');
  await page.locator('.page.module .lesson-row').first().click();
  await page.locator('.page.lesson .prose').waitFor();
  const lessonId = Number(new URL(page.url()).pathname.split('/').pop());
  assert.match(await page.locator('.lesson-source').innerText(), /出处/);
  await noOverflow(page, 'the lesson page');
  await screenshot(page, 'lesson');

  // Heartbeats run while the page is on screen: after one interval the server has
  // credited real time, and the page says so.
  await page
    .locator('.study-status .study-line', { hasText: /已学习(1\d|[2-5]\d)秒/ })
    .waitFor({ timeout: 45_000 });
  const lesson = await api(page, `/api/v1/lessons/${lessonId}`);
  assert.ok(lesson.progress.credited_seconds >= 10, `credited ${lesson.progress.credited_seconds}s`);
  assert.ok(lesson.progress.credited_seconds <= 60, 'never more than the time spent');
  // Reaching the end of the text is reported too: at once, or with the next heartbeat if
  // that report crossed another one.
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  for (let i = 0; i < 100; i++) {
    if ((await api(page, `/api/v1/lessons/${lessonId}`)).progress.reached_end) break;
    await page.waitForTimeout(200);
  }
  assert.equal((await api(page, `/api/v1/lessons/${lessonId}`)).progress.reached_end, true);

  // The daily quiz, from the home page's task list.
  await page.click('.bottom-nav a[href="/"]');
  await page.locator('.page.home .task.daily').click();
  await page.locator('.runner .question').waitFor();
  const count = Number((await page.locator('.runner-count').innerText()).match(/\/(\d+)/)[1]);
  assert.equal(count, 5);
  const stems = [];
  for (let i = 0; i < count; i++) {
    await page.locator('.runner-count', { hasText: `第${i + 1}/${count}题` }).waitFor();
    stems.push(await page.locator('.question .q-stem').innerText());
    if (i === 0) {
      // Large touch targets: every option is at least 48 px tall.
      for (const h of await page.locator('.choice').evaluateAll((els) => els.map((e) => e.offsetHeight))) {
        assert.ok(h >= 48, `an option is only ${h}px tall`);
      }
    }
    // The last question is left unanswered, so at least one answer is wrong.
    if (i < count - 1) {
      const blanks = page.locator('.question .blank input');
      if (await blanks.count()) {
        for (let b = 0; b < (await blanks.count()); b++) await blanks.nth(b).fill('不知道');
      } else {
        await page.locator('.choice').first().click();
        assert.equal(await page.locator('.choice').first().getAttribute('aria-pressed'), 'true');
      }
    }
    if (i === 0) {
      // Every pick is saved as it is made: without pressing 下一题, a reload keeps it and
      // resumes at the next open question.
      await page.locator('.save-state.saved', { hasText: '已保存' }).waitFor();
      const attemptId = Number(new URL(page.url()).pathname.split('/').pop());
      const saved = await api(page, `/api/v1/attempts/${attemptId}`);
      assert.ok(saved.questions[0].answer, 'the first pick reached the server');
      await page.reload();
      await page.locator('.runner-count', { hasText: `第2/${count}题` }).waitFor();
      await page.click('#answer-prev');
      await page.locator('.runner-count', { hasText: `第1/${count}题` }).waitFor();
      const kept = await page.locator('.choice[aria-pressed="true"], .question .blank input').count();
      assert.ok(kept >= 1, 'the saved pick is on screen after the reload');
    }
    if (i === 1) await screenshot(page, 'quiz-question');
    await page.click('#answer-next');
  }

  // The graded result: a score, each question with its key, explanation and source.
  const result = page.locator('.result-card');
  await result.waitFor();
  assert.match(await result.innerText(), /答对\d\/5题/);
  assert.equal(await page.locator('.review').count(), 5);
  assert.ok((await page.locator('.review .verdict.bad').count()) >= 1);
  assert.equal(await page.locator('.review .rv-note').count(), 5, 'every question explained');
  assert.equal(await page.locator('.review .rv-source').count(), 5, 'every question sourced');
  assert.match(await page.locator('.review').last().innerText(), /您的答案：未作答/);
  await noOverflow(page, 'the result page');
  await screenshot(page, 'quiz-result');

  // 答题纠错: the member reports the first question; an empty report is refused first.
  await page.locator('.review .rv-report').first().click();
  const sheet = page.locator('.sheet');
  await sheet.waitFor();
  await sheet.locator('button[type="submit"]').click();
  await sheet.locator('.form-error', { hasText: '请填写纠错说明' }).waitFor();
  await sheet.locator('textarea').fill('选项表述与原文不一致');
  await screenshot(page, 'report-question');
  await sheet.locator('button[type="submit"]').click();
  await page.locator('.toast', { hasText: '感谢您的纠错' }).waitFor();
  assert.equal(await page.locator('.sheet').count(), 0, 'the sheet closes once sent');

  // The unanswered question is now in the mistake book, with its explanation.
  await page.locator('a[href="/mistakes"]', { hasText: '查看错题本' }).click();
  await page.locator('.page.mistakes .mistakes-head').waitFor();
  // The daily draw is random across every module, so check the missed question's own card.
  const missed = page.locator('.page.mistakes .review', { hasText: stems[count - 1] });
  assert.equal(await missed.count(), 1, 'the missed question is in the mistake book');
  assert.equal(await missed.locator('.rv-note').count(), 1, 'with its explanation');
  assert.match(await missed.locator('.rv-source').innerText(), /出处\S/);
  await noOverflow(page, 'the mistake book');
  await screenshot(page, 'mistake-book');

  // The attempt is in the history, and the daily quiz is done for today.
  await page.goto(`${server.base}/history`);
  const row = page.locator('.page.history .link-row', { hasText: '每日答题' }).first();
  await row.waitFor();
  // The handed-in attempt shows its score and links to its result.
  assert.match(await row.innerText(), /\d+分 · 答对\d+\/\d+题/);
  assert.match(await row.getAttribute('href'), /^\/attempts\/\d+$/);
  await noOverflow(page, 'the history page');
  await screenshot(page, 'history');
  const quizzes = await api(page, '/api/v1/quizzes');
  const daily = quizzes.find((q) => q.kind === 'daily');
  assert.equal(daily.can_start, false);
  assert.deepEqual(errors, []);
  await context.close();
});
