// Member pages that tell a member where they stand: 我的纠错 with the organizer's reply
// (reached from the bell), 积分规则 from the live rules with the points history, results
// with points, attempts left and 再考一次, history's 通过 / 未通过, and the text size.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, phonePage, screenshot, signIn, api } from './support.mjs';

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

const noOverflow = async (page, what) => {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `${what} is ${overflow}px wider than the screen`);
};

test('a report answered by the admin reaches the bell and 我的纠错 with the reply', { timeout: 120_000 }, async () => {
  const { page, errors, context } = await phonePage(browser);
  await signIn(page, server.base, 'm008');
  await page.locator('.page.home').waitFor();
  await page.goto(server.base + '/reports');
  await page.locator('.page.my-reports-page .empty').waitFor();
  // A practice round shows the member its questions; they report the first one.
  const quizzes = (await api(page, '/api/v1/quizzes')).json;
  const practice = quizzes.find((q) => q.kind === 'practice');
  const started = await api(page, `/api/v1/quizzes/${practice.id}/attempts`, 'POST', {});
  assert.equal(started.status, 201);
  const done = await api(page, `/api/v1/attempts/${started.json.id}/submit`, 'POST', {});
  const question = done.json.result.questions[0];
  const sent = await api(page, `/api/v1/questions/${question.question_id}/reports`, 'POST', { comment: '第二个选项的表述与原文不一致' });
  assert.equal(sent.status, 201, JSON.stringify(sent.json));
  await page.goto(server.base + '/reports');
  const card = page.locator('.my-report').first();
  await card.waitFor();
  assert.match(await card.innerText(), /待处理[\s\S]*第二个选项的表述与原文不一致/);
  await screenshot(page, 'member-reports-open');

  // The admin resolves it with a reply.
  const admin = await phonePage(browser);
  await signIn(admin.page, server.base, 'admin');
  await admin.page.locator('.page.home').waitFor();
  const open = (await api(admin.page, '/api/v1/question-reports')).json;
  const report = open.map((item) => item.report).find((r) => r.question_id === question.question_id);
  assert.ok(report?.can_resolve, 'the admin may resolve it');
  const resolved = await api(admin.page, `/api/v1/question-reports/${report.id}`, 'PUT', { status: 'resolved', reply: '已按原文更正选项表述' });
  assert.equal(resolved.status, 204, JSON.stringify(resolved.json));
  await admin.context.close();

  // The member's bell counts it; the notification opens 我的纠错 with the reply.
  await page.goto(server.base + '/');
  await page.locator('#bell .bell-count').waitFor();
  await page.click('#bell');
  const notice = page.locator('.notice.unread').first();
  await notice.waitFor();
  await notice.locator('a').click();
  await page.waitForURL(/\/reports$/);
  const answered = page.locator('.my-report[data-status="resolved"]').first();
  await answered.waitFor();
  const text = await answered.innerText();
  assert.match(text, /已采纳/);
  assert.match(text, /已按原文更正选项表述/);
  assert.match(text, /\d+月\d+日提交 · \d+月\d+日答复/);
  await noOverflow(page, '/reports');
  await screenshot(page, 'member-reports-answered');
  assert.deepEqual(errors, []);
  await context.close();
});

test('积分规则 follows the live rules and the points history lists what was earned', { timeout: 120_000 }, async () => {
  const { page, errors, context } = await phonePage(browser);
  await signIn(page, server.base, 'm009');
  await page.locator('.page.home').waitFor();
  // Reached from the account menu.
  await page.click('#account');
  await page.locator('.account-menu a[href="/points"]').click();
  await page.locator('.guide-rule').first().waitFor();
  const rules = (await api(page, '/api/v1/points/rules')).json;
  assert.equal(await page.locator('.guide-rule').count(), rules.length);
  const daily = rules.find((r) => r.source === 'daily_quiz');
  const row = page.locator('.guide-rule[data-source="daily_quiz"]');
  assert.match(await row.innerText(), new RegExp(`每答对一题得${daily.points}分`));
  assert.match(await row.innerText(), new RegExp(`每日上限${daily.daily_cap}分`));
  // Today's sign-in is in the history.
  await page.locator('.ledger-row').first().waitFor();
  assert.match(await page.locator('.ledger').innerText(), /每日登录[\s\S]*\+1/);
  await noOverflow(page, '/points');
  await screenshot(page, 'member-points-guide');

  // The admin doubles the daily quiz's points; the page says so on the next visit.
  const admin = await phonePage(browser);
  await signIn(admin.page, server.base, 'admin');
  await admin.page.locator('.page.home').waitFor();
  const put = await api(admin.page, '/api/v1/points/rules', 'PUT', [{ source: 'daily_quiz', points: 2, daily_cap: 8 }]);
  assert.equal(put.status, 200, JSON.stringify(put.json));
  await admin.context.close();
  await page.reload();
  await page.locator('.guide-rule[data-source="daily_quiz"]').waitFor();
  const after = await page.locator('.guide-rule[data-source="daily_quiz"]').innerText();
  assert.match(after, /每答对一题得2分/);
  assert.match(after, /每日上限8分/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('an exam result says the attempts left and offers 再考一次; history marks 未通过', { timeout: 120_000 }, async () => {
  const { page, errors, context } = await phonePage(browser);
  await signIn(page, server.base, 'm010');
  await page.locator('.page.home').waitFor();
  const quizzes = (await api(page, '/api/v1/quizzes')).json;
  const exam = quizzes.find((q) => q.kind === 'exam');
  const started = await api(page, `/api/v1/quizzes/${exam.id}/attempts`, 'POST', {});
  await api(page, `/api/v1/attempts/${started.json.id}/submit`, 'POST', {});
  await page.goto(`${server.base}/attempts/${started.json.id}`);
  const card = page.locator('.result-card');
  await card.waitFor();
  const left = exam.max_attempts - 1;
  assert.match(await card.innerText(), new RegExp(`还可作答${left}次`));
  assert.match(await card.innerText(), /未通过/);
  const retake = page.locator('#retake');
  assert.equal(await retake.innerText(), '再考一次');
  assert.equal(await retake.getAttribute('href'), `/quizzes/${exam.id}/start`);
  await screenshot(page, 'member-exam-result');
  // 再考一次 opens the start screen (the clock starts only on 开始).
  await retake.click();
  await page.waitForURL(new RegExp(`/quizzes/${exam.id}/start$`));
  await page.goto(server.base + '/history');
  const row = page.locator('.link-row', { hasText: exam.title }).first();
  await row.waitFor();
  assert.match(await row.innerText(), /未通过/);
  await screenshot(page, 'member-history-passed');
  assert.deepEqual(errors, []);
  await context.close();
});

test('特大 text is kept on the device and every member page still fits a phone', { timeout: 120_000 }, async () => {
  const { page, errors, context } = await phonePage(browser);
  await signIn(page, server.base, 'm011');
  await page.locator('.page.home').waitFor();
  const base = await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
  await page.click('#account');
  await page.click('.text-size-btn[data-size="xlarge"]');
  assert.equal(await page.getAttribute('.text-size-btn[data-size="xlarge"]', 'aria-pressed'), 'true');
  await screenshot(page, 'member-account-menu-xlarge');
  const big = await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
  assert.ok(Math.abs(big - base * 1.4) < 0.5, `body text ${base}px -> ${big}px`);
  // A reload keeps it.
  await page.reload();
  await page.locator('.page.home').waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.className), 'ts-xlarge');
  const pages = [
    ['/', '.page.home .today'],
    ['/study', '.page.study .module-card'],
    ['/quizzes', '.page.quizzes .quiz-card'],
    ['/ranking', '.page.ranking .rank-row'],
    ['/points', '.page.points-guide .guide-rule'],
    ['/reports', '.page.my-reports-page .card'],
    ['/notifications', '.page.notifications .notices'],
  ];
  for (const [path, selector] of pages) {
    await page.goto(server.base + path);
    await page.locator(selector).first().waitFor();
    await noOverflow(page, `${path} at 特大`);
  }
  await page.goto(server.base + '/');
  await page.locator('.page.home .today').waitFor();
  await screenshot(page, 'member-home-xlarge');
  // Chips on the leaderboard stay big enough to tap.
  await page.goto(server.base + '/ranking');
  await page.locator('.chip').first().waitFor();
  const heights = await page.$$eval('.chip', (els) => els.map((e) => e.getBoundingClientRect().height));
  assert.ok(heights.every((h) => h >= 44), `chip heights ${heights}`);
  await screenshot(page, 'member-ranking-xlarge');
  // Back to 标准.
  await page.click('#account');
  await page.click('.text-size-btn[data-size="standard"]');
  assert.equal(await page.evaluate(() => document.documentElement.className), '');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the mistake book shows what was answered, filters by module and category, and pages', { timeout: 120_000 }, async () => {
  const { page, errors, context } = await phonePage(browser);
  await signIn(page, server.base, 'm012');
  await page.locator('.page.home').waitFor();
  // Three practice rounds handed in blank: every question goes into the book.
  const quizzes = (await api(page, '/api/v1/quizzes')).json;
  const practice = quizzes.filter((q) => q.kind === 'practice');
  for (let i = 0; i < 3; i++) {
    for (const q of practice) {
      const a = await api(page, `/api/v1/quizzes/${q.id}/attempts`, 'POST', {});
      await api(page, `/api/v1/attempts/${a.json.id}/submit`, 'POST', {});
    }
  }
  const book = (await api(page, '/api/v1/mistakes')).json;
  assert.ok(book.length >= 5, `${book.length} mistakes`);
  await page.goto(server.base + '/mistakes');
  await page.locator('.review').first().waitFor();
  assert.match(await page.locator('.page.mistakes').innerText(), /您的答案：未作答/);
  assert.equal(await page.locator('#practise-mistakes').innerText(), '错题练习');
  const shown = await page.locator('.review').count();
  assert.equal(shown, Math.min(book.length, 10));
  // Paging, when the book holds more than a page.
  if (book.length > 10) {
    await page.click('.pager [data-id="2"]');
    await page.waitForURL(/page=2/);
    assert.equal(await page.locator('.review').count(), Math.min(book.length - 10, 10));
    await page.goBack();
  }
  await screenshot(page, 'member-mistakes');
  // Narrow to one category: only its questions stay, and the address keeps the filter.
  const category = book[book.length - 1].category;
  await page.selectOption('#mistakes-category', category);
  await page.waitForURL(/category=/);
  const inCategory = book.filter((m) => m.category === category).length;
  await page.locator('.filter-count').waitFor();
  assert.match(await page.locator('.filter-count').innerText(), new RegExp(`筛选出${inCategory}道`));
  assert.equal(await page.locator('.review').count(), Math.min(inCategory, 10));
  await page.reload();
  await page.locator('.filter-count').waitFor();
  assert.equal(await page.locator('#mistakes-category').inputValue(), category);
  await noOverflow(page, '/mistakes');
  await screenshot(page, 'member-mistakes-filtered');
  // 错题练习 says so in the runner.
  await page.click('#practise-mistakes');
  await page.locator('.runner-head .badge', { hasText: '错题练习' }).waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});
