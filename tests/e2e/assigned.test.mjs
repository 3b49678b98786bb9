// Assigned work is unmissable: an organizer publishes a required, timed exam for their
// branch; a member of the branch sees it in the bell and on 今日任务, opens it from the
// notification, reads its start screen (nothing is started or used up until 开始), starts
// it; and signs out through the account menu, which asks first.
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

test('a published required exam reaches the bell and 今日任务, and opens on its start screen', { timeout: 120_000 }, async () => {
  // The organizer publishes it (the quiz builder's own pages are the organizer test's).
  const org = await phonePage(browser);
  await signIn(org.page, server.base, 'org1');
  await org.page.locator('.page.home').waitFor();
  const me = await api(org.page, '/api/v1/auth/me');
  const members = await api(org.page, '/api/v1/members?per_page=100');
  const member = members.json.items.find((m) => m.role === 'member' && m.branch_id != null);
  assert.ok(member, 'a member of one of org1\'s branches');
  const bank = await api(org.page, '/api/v1/questions?per_page=3');
  assert.ok(bank.json.items.length === 3, JSON.stringify(bank.json).slice(0, 200));
  const closes = Date.now() + 3 * 86_400_000;
  const created = await api(org.page, '/api/v1/manage/quizzes', 'POST', {
    title: '党史与“四史”知识考试', kind: 'exam', owner: { branch_id: member.branch_id },
    questions: bank.json.items.map((q) => q.id), reveal: 'after_close', shuffle_options: false,
    audience: { branch_ids: [member.branch_id] }, required: true, pass_mark: 60,
    time_limit_secs: 600, max_attempts: 2, closes_at: closes,
  });
  assert.equal(created.status, 201, JSON.stringify(created.json));
  const id = created.json.id;
  const published = await api(org.page, `/api/v1/manage/quizzes/${id}/status`, 'POST', { status: 'published' });
  assert.equal(published.status, 200, JSON.stringify(published.json));
  assert.ok(me.json.role === 'organizer');
  await org.context.close();

  const { page, errors, context } = await phonePage(browser);
  await signIn(page, server.base, member.username);
  const home = page.locator('.page.home');
  await home.locator('.tasks').waitFor();
  // The bell counts it; 今日任务 lists it as required, with its deadline in Chinese.
  await page.locator('#bell .bell-count').waitFor();
  const task = home.locator('.task', { hasText: '党史与“四史”知识考试' });
  await task.waitFor();
  const line = await task.innerText();
  assert.match(line, /必修/);
  assert.match(line, /\d+月\d+日前完成/);
  assert.equal(await task.getAttribute('href'), `/quizzes/${id}/start`);
  await screenshot(page, 'member-home-assigned');

  // The notification opens the exam and is then read.
  const unreadBefore = Number(await page.locator('#bell .bell-count').innerText());
  await page.click('#bell');
  const notice = page.locator('.notice.unread', { hasText: '党史与‘四史’知识考试' });
  await notice.waitFor();
  assert.doesNotMatch(await notice.innerText(), /\d{4}-\d{2}-\d{2}/, 'no ISO dates');
  await screenshot(page, 'member-notifications');
  await notice.locator('a').click();

  // The start screen: what starting costs; nothing is started yet.
  const card = page.locator('.page.start .start-card');
  await card.waitFor();
  const facts = await card.innerText();
  assert.match(facts, /答题时间\s*10分钟/);
  assert.match(facts, /剩余次数\s*2次（共2次）/);
  assert.match(facts, /及格线\s*60分/);
  assert.match(facts, /测验结束后公布/);
  await screenshot(page, 'member-start-screen');
  const before = await api(page, `/api/v1/quizzes/${id}`);
  assert.equal(before.json.attempts_used, 0);
  assert.equal(before.json.open_attempt_id, null);
  const unread = await api(page, '/api/v1/notifications/unread');
  assert.equal(unread.json.unread, unreadBefore - 1, 'opening the notification read it');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `start screen is ${overflow}px wider than the screen`);

  // 开始 starts the clock.
  await page.click('#begin');
  await page.locator('.page.attempt .runner').waitFor();
  const after = await api(page, `/api/v1/quizzes/${id}`);
  assert.ok(after.json.open_attempt_id, 'an attempt is open');

  // Sign-out is in the account menu and asks first.
  await page.click('#account');
  await page.locator('.account-menu').waitFor();
  await page.click('#logout');
  await page.locator('#logout-confirm').waitFor();
  await screenshot(page, 'member-account-menu');
  assert.equal((await api(page, '/api/v1/auth/me')).status, 200, 'not signed out by the first tap');
  await page.click('#logout-confirm');
  await page.waitForSelector('#username');
  assert.equal((await api(page, '/api/v1/auth/me')).status, 401);
  assert.deepEqual(errors, []);
  await context.close();
});
